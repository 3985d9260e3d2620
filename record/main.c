// SPDX-License-Identifier: GPL-2.0-only
/*
 * caprec - records the capability checks of the kernel (cap_capable()).
 *
 * main() reads top to bottom: parse -> open -> configure -> load -> attach
 * -> poll -> cleanup. The pieces live in their own files: options.c (command
 * line), probe.c (what the kernel offers), bpf_setup.c (skeleton), recorder.c
 * (each record), output.c (the recording and its rotation), runner.c (-- CMD).
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bpf_setup.h"
#include "caller_ranges.h"
#include "caprec.skel.h"
#include "metadata.h"
#include "options.h"
#include "probe.h"
#include "prove/prove.h"
#include "recorder.h"
#include "runner.h"

/* The consumer drains the ring this often; the BPF side only wakes it when a quarter is full. */
#define POLL_TIMEOUT_MS 10

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	/* libbpf explains verifier and attach failures; shown only on request. */
	if (level == LIBBPF_DEBUG || !getenv("CAPREC_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, args);
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void install_signal_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed -o - pipe is a write error, not a silent death */
}

/* Loads, fills the pid filter and attaches one mode; on failure nothing stays loaded. */
static int start_mode(struct bpf_session *session, const struct bpf_settings *settings,
		      enum attach_mode mode, const uint32_t *pids, size_t pid_count,
		      char *errbuf, size_t errsize)
{
	size_t i;
	int err;

	err = bpf_setup_load(session, settings, mode, errbuf, errsize);
	if (err)
		return err;
	for (i = 0; i < pid_count; i++) {
		err = bpf_setup_add_pid(session, pids[i]);
		if (err) {
			snprintf(errbuf, errsize, "-p %" PRIu32 ": %s", pids[i], strerror(-err));
			goto fail;
		}
	}
	err = bpf_setup_attach(session, settings->opts->cgroup_path, errbuf, errsize);
	if (!err)
		return 0;
fail:
	bpf_setup_destroy(session);
	return err;
}

static void copy_truncated(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (size == 0)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
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

/*
 * Tries the requested mode, or auto's candidates in order: a mode that fails to
 * load OR to attach (e.g. E2BIG: cap_capable's trampoline is full) gives way to
 * the next one.
 */
static int start_bpf(struct bpf_session *session, const struct bpf_settings *settings,
		     enum attach_mode requested, const uint32_t *pids, size_t pid_count,
		     char *errbuf, size_t errsize)
{
	enum attach_mode modes[3];
	char first_error[512] = "", reason[640];
	int i, n, err = -EOPNOTSUPP, first_err = 0;

	if (requested != ATTACH_AUTO) {
		err = start_mode(session, settings, requested, pids, pid_count, errbuf, errsize);
		goto hint;
	}
	n = probe_auto_order(settings->features, modes);
	if (n == 0)
		snprintf(errbuf, errsize, "this kernel offers no way to trace cap_capable() "
					  "(no tracepoint, no BTF, no kprobes)");
	for (i = 0; i < n; i++) {
		err = start_mode(session, settings, modes[i], pids, pid_count, errbuf, errsize);
		if (!err)
			return 0;
		if (settings->opts->verbose)
			fprintf(stderr, "caprec: %s; trying the next mode\n", errbuf);
		if (!first_err) {
			first_err = err;
			snprintf(first_error, sizeof(first_error), "%s", errbuf);
		}
	}
	/* The preferred mode's failure is the one that explains the problem. */
	if (first_err) {
		err = first_err;
		snprintf(errbuf, errsize, "%s", first_error);
	}
hint:
	if (err == -EPERM || err == -EACCES) {
		bool bpf = have_effective_cap(CAP_BPF) || have_effective_cap(CAP_SYS_ADMIN);
		bool perfmon = have_effective_cap(CAP_PERFMON) || have_effective_cap(CAP_SYS_ADMIN);

		if (!bpf || !perfmon)
			snprintf(reason, sizeof(reason), "missing %s%s%s (run as root, or grant "
				 "them); first mode tried: %s", bpf ? "" : "CAP_BPF",
				 !bpf && !perfmon ? " and " : "", perfmon ? "" : "CAP_PERFMON", errbuf);
		else
			snprintf(reason, sizeof(reason), "%s (refused although CAP_BPF and "
				 "CAP_PERFMON are held: kernel lockdown or an LSM?)", errbuf);
		copy_truncated(errbuf, errsize, reason);
	}
	return err;
}

/* caprec --probe: fexit counts as usable only if it loads AND attaches. */
static int run_probe(void)
{
	struct kernel_features f;
	struct bpf_session session;
	struct caprec_options opts = { .buffer_size = 1u << 16 };
	struct bpf_settings settings = { .opts = &opts, .features = &f, .self_tgid = getpid() };
	enum attach_mode modes[3], chosen = ATTACH_AUTO;
	int fentry = -1, i, n;
	char errbuf[256] = "";

	probe_kernel(&f);
	if (f.cap_capable_btf) {
		fentry = start_mode(&session, &settings, ATTACH_FENTRY, NULL, 0, errbuf,
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
	probe_print(stdout, &f, fentry, fentry == 0 ? errbuf : NULL, chosen);
	return chosen == ATTACH_AUTO ? 1 : 0;
}

/*
 * -p takes process ids: a thread id would never match the in-kernel filter
 * (which compares thread-group ids), so it is refused with the process id to use.
 */
static int check_process_id(uint32_t pid, char *errbuf, size_t errsize)
{
	char path[64], line[256];
	unsigned long tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/status", pid);
	f = fopen(path, "re");
	if (!f) {
		snprintf(errbuf, errsize, "-p %" PRIu32 ": no such process", pid);
		return -ESRCH;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Tgid: %lu", &tgid) == 1)
			break;
	}
	fclose(f);
	if (tgid && tgid != pid) {
		snprintf(errbuf, errsize, "-p %" PRIu32 ": a thread id, not a process id "
					  "(its process is %lu)", pid, tgid);
		return -EINVAL;
	}
	return 0;
}

static void print_summary(const struct recorder *rec, uint64_t bytes, double seconds)
{
	fprintf(stderr, "caprec: %" PRIu64 " events, %" PRIu64 " lost, %" PRIu64
			" bytes, %.3f s\n", rec->events, rec->lost, bytes, seconds);
	if (rec->proc_lost)
		fprintf(stderr, "caprec: %" PRIu64 " process records lost (ring buffer full)\n",
			rec->proc_lost);
}

int main(int argc, char **argv)
{
	static struct recorder rec; /* large (stack scratch): not on the C stack */
	struct caprec_options opts;
	struct kernel_features features;
	struct caprec_caller_range ranges[CAPREC_CALLER_RANGES];
	struct bpf_settings settings = { 0 };
	struct recording_metadata meta = { 0 };
	struct metadata_input meta_in = { 0 };
	struct crf_writer_stats totals = { 0 };
	struct runner runner = { .go_fd = -1 };
	struct ring_buffer *rb = NULL;
	uint32_t traced[CAPREC_MAX_PIDS];
	uint64_t start_ns, deadline_ns = 0, start_real;
	size_t traced_count = 0, i;
	bool command_done = false;
	char errbuf[512] = "";
	int err, exit_code = 1;

	/* `caprec prove ...` is its own command (record/prove/). */
	if (argc > 1 && strcmp(argv[1], "prove") == 0)
		return prove_main(argc - 1, argv + 1);

	/* parse */
	err = parse_options(argc, argv, &opts, errbuf, sizeof(errbuf));
	if (err) {
		fprintf(stderr, "caprec: %s\n%s", errbuf, caprec_usage);
		return 2;
	}
	if (opts.help) {
		fputs(caprec_usage, stdout);
		return 0;
	}
	libbpf_set_print(libbpf_print);
	if (opts.probe)
		return run_probe();

	/* open: what the kernel offers, the symbol tables, the command (held) */
	install_signal_handlers();
	rec.bpf.cgroup_fd = -1;
	probe_kernel(&features);
	rec.opts = &opts;
	err = kallsyms_load(&rec.ksyms, NULL);
	if (err && (opts.kernel_stacks || features.tracepoint))
		fprintf(stderr, "caprec: warning: /proc/kallsyms: %s: kernel frames unnamed%s\n",
			err == KALLSYMS_ERR_HIDDEN ? "addresses hidden (kptr_restrict)" :
			strerror(-err),
			features.tracepoint ? ", audit flags in tracepoint mode all 1" : "");
	err = proc_table_new(&rec.procs);
	if (!err && opts.user_stacks)
		err = user_symbolizer_new(&rec.usym, NULL);
	if (!err && opts.user_stacks) {
		err = build_id_cache_new(&rec.build_ids);
		/* The libraries caprec maps are the ones most traced processes use too. */
		if (!err)
			build_id_cache_learn_process(rec.build_ids, (uint32_t)getpid());
	}
	if (err) {
		fprintf(stderr, "caprec: %s\n", strerror(-err));
		goto cleanup;
	}
	for (i = 0; i < opts.pid_count; i++) {
		err = check_process_id(opts.pids[i], errbuf, sizeof(errbuf));
		if (err) {
			fprintf(stderr, "caprec: %s\n", errbuf);
			goto cleanup;
		}
		traced[traced_count++] = opts.pids[i];
		/* Who it is now: it may be gone before its first check is handled. */
		{
			struct proc_entry *e = proc_table_snapshot(rec.procs, opts.pids[i], &err);

			if (e && rec.usym)
				user_symbolizer_track(rec.usym, e->pid, e->start_time_ns);
			if (e && rec.build_ids)
				build_id_cache_learn_process(rec.build_ids, e->pid);
		}
	}
	if (opts.command) {
		err = runner_start(&runner, opts.command,
				   opts.output_path && strcmp(opts.output_path, "-") == 0);
		if (err) {
			fprintf(stderr, "caprec: %s: cannot start: %s\n", opts.command[0],
				strerror(-err));
			goto cleanup;
		}
		traced[traced_count++] = (uint32_t)runner.pid;
		rec.command_pid = (uint32_t)runner.pid;
	}

	/* configure + load */
	settings.opts = &opts;
	settings.features = &features;
	settings.self_tgid = (uint32_t)getpid();
	settings.filter_pids = traced_count > 0;
	settings.caller_ranges = ranges;
	settings.caller_range_count = rec.ksyms ?
		caller_ranges_resolve(rec.ksyms, ranges, CAPREC_CALLER_RANGES) : 0;
	/* load + attach (auto falls back on either failure) */
	err = start_bpf(&rec.bpf, &settings, opts.attach, traced, traced_count, errbuf,
			sizeof(errbuf));
	if (err) {
		fprintf(stderr, "caprec: %s\n", errbuf);
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(rec.bpf.skel->maps.events), recorder_handle_record, &rec,
			      NULL);
	if (!rb) {
		fprintf(stderr, "caprec: ring buffer: %s\n", strerror(errno));
		goto cleanup;
	}

	/* outputs: the recording, then the live header (tests wait for either) */
	start_ns = monotonic_ns();
	start_real = realtime_ns();
	recorder_sync_clock(&rec);
	if (opts.output_path) {
		meta_in.argc = argc;
		meta_in.argv = argv;
		meta_in.opts = &opts;
		meta_in.attach_mode = attach_mode_name(rec.bpf.mode);
		meta_in.audit_inferred = rec.bpf.audit_inferred;
		meta_in.final_verdict = rec.bpf.final_verdict;
		meta_in.pids = traced;
		meta_in.pid_count = traced_count;
		meta_in.start_realtime_ns = start_real;
		err = metadata_collect(&meta, &meta_in);
		if (!err)
			err = output_open(&rec.output, opts.output_path, opts.max_size, &meta, errbuf,
					  sizeof(errbuf));
		if (err) {
			fprintf(stderr, "caprec: %s\n", errbuf[0] ? errbuf : strerror(-err));
			goto cleanup;
		}
	}
	if (!opts.output_path || opts.print) {
		bool to_stdout = !opts.output_path || strcmp(opts.output_path, "-") != 0;

		rec.live = to_stdout ? stdout : stderr;
		rec.text.extended = opts.extended;
		rec.text.kernel_stacks = opts.kernel_stacks;
		rec.text.user_stacks = opts.user_stacks;
		{
			static char machine[65];
			struct utsname uts;

			if (uname(&uts) == 0)
				snprintf(machine, sizeof(machine), "%s", uts.machine);
			rec.text.machine = machine;
		}
		crf_text_print_header(rec.live, &rec.text);
		fflush(rec.live);
	}
	if (opts.duration_s > 0)
		deadline_ns = start_ns + (uint64_t)(opts.duration_s * 1e9);
	if (opts.command) {
		err = runner_release(&runner);
		if (err) {
			fprintf(stderr, "caprec: %s: could not start the command\n", opts.command[0]);
			goto cleanup;
		}
	}

	/* poll */
	while (!stop_signal && !rec.error) {
		uint64_t lost_now = bpf_setup_counter(&rec.bpf, CAPREC_CNT_LOST_CAP);
		uint64_t proc_lost_now = bpf_setup_counter(&rec.bpf, CAPREC_CNT_LOST_PROC);

		err = ring_buffer__poll(rb, POLL_TIMEOUT_MS);
		if (err >= 0 || err == -EINTR)
			err = ring_buffer__consume(rb);
		if (err < 0 && err != -EINTR && !rec.error) {
			fprintf(stderr, "caprec: reading the ring buffer: %s\n", strerror(-err));
			goto cleanup;
		}
		/* Losses counted before this drain happened after every event it consumed. */
		if (recorder_account_losses(&rec, lost_now, proc_lost_now))
			break;
		if (rec.output && output_tick(rec.output, errbuf, sizeof(errbuf))) {
			fprintf(stderr, "caprec: %s\n", errbuf);
			goto cleanup;
		}
		if (rec.live)
			fflush(rec.live);
		recorder_sync_clock(&rec);
		if (command_done)
			break; /* one more drain after the command exited */
		if (opts.command && runner_poll(&runner))
			command_done = true;
		if (deadline_ns && monotonic_ns() >= deadline_ns)
			break;
	}
	if (rec.error) {
		fprintf(stderr, "caprec: %s\n", rec.errbuf);
		goto cleanup;
	}
	/* Last drain: everything the kernel side produced until now. */
	{
		uint64_t lost_now = bpf_setup_counter(&rec.bpf, CAPREC_CNT_LOST_CAP);
		uint64_t proc_lost_now = bpf_setup_counter(&rec.bpf, CAPREC_CNT_LOST_PROC);

		ring_buffer__consume(rb);
		recorder_account_losses(&rec, lost_now, proc_lost_now);
	}
	if (rec.error) {
		fprintf(stderr, "caprec: %s\n", rec.errbuf);
		goto cleanup;
	}
	if (rec.output) {
		err = output_close(rec.output, &totals, errbuf, sizeof(errbuf));
		if (err) {
			fprintf(stderr, "caprec: %s\n", errbuf);
			goto cleanup;
		}
	}
	if (rec.live)
		fflush(rec.live);
	print_summary(&rec, totals.bytes_written, (double)(monotonic_ns() - start_ns) / 1e9);
	/*
	 * Stopped by a signal while the command runs: from a terminal the
	 * command got it too, so give it a moment to report its own status.
	 */
	for (i = 0; opts.command && stop_signal && !runner_poll(&runner) && i < 100; i++)
		usleep(10000);
	exit_code = opts.command ? runner_exit_code(&runner) : 0;

cleanup:
	ring_buffer__free(rb);
	bpf_setup_destroy(&rec.bpf);
	/* A command still held or running when caprec failed: cancelled, or left to finish. */
	runner_stop(&runner, 0);
	output_free(rec.output);
	metadata_release(&meta);
	user_symbolizer_free(rec.usym);
	build_id_cache_free(rec.build_ids);
	proc_table_free(rec.procs);
	kallsyms_free(rec.ksyms);
	return exit_code;
}
