// SPDX-License-Identifier: GPL-2.0-only
#include "attach.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

/* Loads, fills the filters and attaches one mode; on failure nothing stays loaded. */
static int start_mode(struct bpf_session *session, const struct bpf_settings *settings,
		      enum attach_mode mode, const struct attach_request *req, char *errbuf,
		      size_t errsize)
{
	size_t i;
	int err;

	err = bpf_setup_load(session, settings, mode, errbuf, errsize);
	if (err)
		return err;
	for (i = 0; i < req->pid_count; i++) {
		err = bpf_setup_add_pid(session, req->pids[i]);
		if (err) {
			snprintf(errbuf, errsize, "-p %" PRIu32 ": %s", req->pids[i],
				 strerror(-err));
			goto fail;
		}
	}
	err = bpf_setup_attach(session, req->cgroup_path, errbuf, errsize);
	if (!err)
		return 0;
fail:
	bpf_setup_destroy(session);
	return err;
}

/* Whether the effective set holds cap (capget: no libcap dependency). */
static bool have_effective_cap(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data) != 0)
		return false;
	return (data[cap / 32].effective >> (cap % 32)) & 1;
}

/* A refusal says whether caprec lacks CAP_BPF/CAP_PERFMON or something else refused. */
static void explain_refusal(char *errbuf, size_t errsize)
{
	bool bpf = have_effective_cap(CAP_BPF) || have_effective_cap(CAP_SYS_ADMIN);
	bool perfmon = have_effective_cap(CAP_PERFMON) || have_effective_cap(CAP_SYS_ADMIN);
	char reason[640];

	if (!bpf || !perfmon)
		snprintf(reason, sizeof(reason), "missing %s%s%s (run as root, or grant them); "
			 "first mode tried: %s", bpf ? "" : "CAP_BPF",
			 !bpf && !perfmon ? " and " : "", perfmon ? "" : "CAP_PERFMON", errbuf);
	else
		snprintf(reason, sizeof(reason), "%s (refused although CAP_BPF and CAP_PERFMON "
			 "are held: kernel lockdown or an LSM?)", errbuf);
	snprintf(errbuf, errsize, "%.*s", (int)(errsize ? errsize - 1 : 0), reason);
}

/*
 * auto: a mode that fails to load OR to attach (e.g. E2BIG: cap_capable's
 * trampoline is full) gives way to the next one; the preferred mode's failure
 * is the one that explains the problem.
 */
static int start_auto(struct bpf_session *session, const struct bpf_settings *settings,
		      const struct attach_request *req, char *errbuf, size_t errsize)
{
	enum attach_mode modes[3];
	char first_error[512] = "";
	int i, n, err, first_err = 0;

	n = probe_auto_order(settings->features, modes);
	if (n == 0) {
		snprintf(errbuf, errsize, "this kernel offers no way to trace cap_capable() "
					  "(no tracepoint, no BTF, no kprobes)");
		return -EOPNOTSUPP;
	}
	for (i = 0; i < n; i++) {
		err = start_mode(session, settings, modes[i], req, errbuf, errsize);
		if (!err)
			return 0;
		if (req->report_fallbacks)
			fprintf(stderr, "caprec: %s; trying the next mode\n", errbuf);
		if (!first_err) {
			first_err = err;
			snprintf(first_error, sizeof(first_error), "%s", errbuf);
		}
	}
	snprintf(errbuf, errsize, "%s", first_error);
	return first_err;
}

int attach_start(struct bpf_session *session, const struct bpf_settings *settings,
		 const struct attach_request *req, char *errbuf, size_t errsize)
{
	int err;

	if (req->mode == ATTACH_AUTO)
		err = start_auto(session, settings, req, errbuf, errsize);
	else
		err = start_mode(session, settings, req->mode, req, errbuf, errsize);
	if (err == -EPERM || err == -EACCES)
		explain_refusal(errbuf, errsize);
	return err;
}

int attach_probe_report(FILE *out)
{
	struct kernel_features f;
	struct bpf_session session;
	struct bpf_settings settings = { .features = &f, .self_tgid = (uint32_t)getpid(),
					 .buffer_size = 1u << 16 };
	struct attach_request req = { .mode = ATTACH_FENTRY };
	enum attach_mode modes[3], chosen = ATTACH_AUTO;
	int fentry = -1, i, n;
	char errbuf[256] = "";

	probe_kernel(&f);
	if (f.cap_capable_btf) {
		fentry = start_mode(&session, &settings, ATTACH_FENTRY, &req, errbuf,
				    sizeof(errbuf)) == 0;
		if (fentry)
			bpf_setup_destroy(&session);
	}
	n = probe_auto_order(&f, modes);
	for (i = 0; i < n; i++) {
		if (modes[i] == ATTACH_FENTRY && fentry != 1)
			continue;
		chosen = modes[i];
		break;
	}
	probe_print(out, &f, fentry, fentry == 0 ? errbuf : NULL, chosen);
	return chosen == ATTACH_AUTO ? 1 : 0;
}
