// SPDX-License-Identifier: GPL-2.0-only
#include "form_apply.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *prove_form_name(enum prove_form form)
{
	return form == PROVE_FORM_ROOT ? "root" : "nonroot";
}

int form_cap_last(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	return last;
}

uint64_t form_unreachable(uint64_t set)
{
	uint64_t missing = 0;
	int cap;

	for (cap = 0; cap < 64; cap++) {
		if ((set & (1ull << cap)) && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
			missing |= 1ull << cap;
	}
	return missing;
}

static int capset_sets(uint64_t permitted, uint64_t effective, uint64_t inheritable)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	int i;

	for (i = 0; i < 2; i++) {
		data[i].permitted = (uint32_t)(permitted >> (32 * i));
		data[i].effective = (uint32_t)(effective >> (32 * i));
		data[i].inheritable = (uint32_t)(inheritable >> (32 * i));
	}
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

#define FAIL(step) do { err = -errno; snprintf(errbuf, errsize, "%s: %s", step, \
					       strerror(errno)); return err; } while (0)

int form_apply(const struct form_target *t, char *errbuf, size_t errsize)
{
	int cap, last = form_cap_last(), err;

	/* The bounding set first: dropping from it needs CAP_SETPCAP, held until capset. */
	for (cap = 0; cap <= last; cap++) {
		if (t->set & (1ull << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			FAIL("prctl(PR_CAPBSET_DROP)");
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		FAIL("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	if (t->form == PROVE_FORM_ROOT) {
		/* After exec as uid 0 the kernel grants the bounding set: the set again. */
		err = capset_sets(t->set, t->set, 0);
		if (err) {
			snprintf(errbuf, errsize, "capset: %s", strerror(-err));
			return err;
		}
		return 0;
	}
	if (setgroups(0, NULL))
		FAIL("setgroups");
	if (setresgid(t->gid, t->gid, t->gid))
		FAIL("setresgid");
	/* Keep the permitted set over the uid change; the exec clears keepcaps again. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		FAIL("prctl(PR_SET_KEEPCAPS)");
	if (setresuid(t->uid, t->uid, t->uid))
		FAIL("setresuid");
	err = capset_sets(t->set, t->set, t->set);
	if (err) {
		snprintf(errbuf, errsize, "capset: %s", strerror(-err));
		return err;
	}
	/* Ambient capabilities survive the exec of a file without file capabilities. */
	for (cap = 0; cap <= last; cap++) {
		if ((t->set & (1ull << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0))
			FAIL("prctl(PR_CAP_AMBIENT_RAISE)");
	}
	return 0;
}
