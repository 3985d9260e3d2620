// SPDX-License-Identifier: GPL-2.0-only
#include "session.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "attach.h"
#include "build_id_cache.h"
#include "caller_ranges.h"
#include "caprec.skel.h"
#include "crf_clock.h"
#include "debug_refusals.h"
#include "metadata.h"
#include "probe.h"
#include "recorder.h"
#include "rotation.h"
#include "runner.h"

/* The consumer drains the ring this often; the BPF side only wakes it when a quarter is full. */
#define POLL_TIMEOUT_MS 10
/* After a stop signal, how long the command (which got it too from a terminal) may take. */
#define COMMAND_GRACE_MS 1000

struct record_session {
	const struct caprec_options *opts;
	int argc;
	char **argv;
	struct recorder rec;
	struct kernel_features features;
	struct caprec_caller_range ranges[CAPREC_CALLER_RANGES];
	size_t range_count;                    /* ranges found: 0 when kallsyms hides addresses */
	struct recording_metadata meta;
	struct runner runner;
	struct ring_buffer *rb;
	uint32_t traced[CAPREC_MAX_PIDS + 1];  /* -p's processes, or the command */
	size_t traced_count;
	uint64_t start_ns;                     /* CLOCK_MONOTONIC */
	uint64_t end_ns;
	char machine[65];                      /* uname -m, for the live syscall names */
	int live_errno;                        /* the live output failed (EPIPE: reader gone) */
	struct crf_writer_stats totals;
	volatile sig_atomic_t *snapshot;       /* session_snapshot_on(): SIGHUP asked for one */
};

/* Nothing more is traced nor written: the BPF side goes, the recording keeps its prefix. */
static void stop_recording(struct record_session *s)
{
	ring_buffer__free(s->rb);
	s->rb = NULL;
	bpf_setup_destroy(&s->rec.bpf);
	output_free(s->rec.output);
	s->rec.output = NULL;
}

static const char *output_name(const struct record_session *s, char *buf, size_t size)
{
	if (strcmp(s->opts->output_path, "-") == 0)
		return "(standard output)";
	if (!s->rec.output || rotation_path(buf, size, s->opts->output_path,
					    output_part(s->rec.output)))
		return s->opts->output_path;
	return buf;
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

static void load_kernel_symbols(struct record_session *s)
{
	int err = kallsyms_load(&s->rec.ksyms, NULL);

	if (err && (s->opts->kernel_stacks || s->features.tracepoint))
		fprintf(stderr, "caprec: warning: /proc/kallsyms: %s: kernel frames unnamed%s\n",
			err == KALLSYMS_ERR_HIDDEN ? "addresses hidden (kptr_restrict)" :
			strerror(-err),
			s->features.tracepoint ? ", audit flags in tracepoint mode all 1" : "");
}

/* A stale or damaged separate debug file: its frames stay unnamed rather than named wrongly. */
static void say_refused_debug_file(const char *debug_file, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "caprec: %s: CRC-32 differs from its binary's .gnu_debuglink, not used\n",
		debug_file);
}

static int open_tables(struct record_session *s)
{
	int err = proc_table_new(&s->rec.procs);

	if (err || !s->opts->user_stacks)
		return err;
	debug_refusals_set_reporter(say_refused_debug_file, NULL);
	/*
	 * Few binaries: frames are named through the build-id cache; this one
	 * places addresses (maps), and each binary's symbols cost memory.
	 */
	err = user_symbolizer_new(&s->rec.usym, &(struct user_symbolizer_options){
		.max_binaries = 16 });
	if (!err)
		err = build_id_cache_new(&s->rec.build_ids);
	/* The libraries caprec maps are the ones most traced processes use too. */
	if (!err)
		build_id_cache_learn_process(s->rec.build_ids, (uint32_t)getpid());
	if (!err && s->opts->user_stack_bytes) {
		/* More than one walk can hold: UNWIND_MODULES_MAX + UNWIND_CANDIDATES_MAX. */
		err = unwind_binaries_new(&s->rec.unwind_bins, 48);
		if (!err)
			err = process_modules_new(&s->rec.placed, 0);
		s->rec.ustack_copy_bytes = (uint32_t)s->opts->user_stack_bytes;
	}
	return err;
}

/* -p's processes: checked, and read now (one may be gone before its first check is handled). */
static int add_traced_processes(struct record_session *s, char *errbuf, size_t errsize)
{
	struct proc_entry *e;
	size_t i;
	int err;

	for (i = 0; i < s->opts->pid_count; i++) {
		err = check_process_id(s->opts->pids[i], errbuf, errsize);
		if (err)
			return err;
		s->traced[s->traced_count++] = s->opts->pids[i];
		e = proc_table_snapshot(s->rec.procs, s->opts->pids[i], &err);
		if (e && s->rec.usym)
			user_symbolizer_track(s->rec.usym, e->pid, e->start_time_ns);
		if (e && s->rec.build_ids)
			build_id_cache_learn_process(s->rec.build_ids, e->pid);
	}
	return 0;
}

/* Forks -- CMD now and holds it: its pid must be in the filter before it runs. */
static int start_command(struct record_session *s, char *errbuf, size_t errsize)
{
	const char *out = s->opts->output_path;
	int err;

	err = runner_start(&s->runner, s->opts->command, out && strcmp(out, "-") == 0);
	if (err) {
		snprintf(errbuf, errsize, "%s: cannot start: %s", s->opts->command[0],
			 strerror(-err));
		return err;
	}
	s->traced[s->traced_count++] = (uint32_t)s->runner.pid;
	s->rec.command_pid = (uint32_t)s->runner.pid;
	/*
	 * The child waits for the go byte, still running caprec's image: who it
	 * is before its exec, read now rather than at its first check, when it
	 * may already run CMD.
	 */
	proc_table_snapshot(s->rec.procs, s->rec.command_pid, &err);
	return 0;
}

int session_open(struct record_session **out, const struct caprec_options *opts, int argc,
		 char **argv, char *errbuf, size_t errsize)
{
	struct record_session *s;
	int err;

	/* Large (the recorder's stack scratch): on the heap. */
	*out = s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(errbuf, errsize, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	s->opts = opts;
	s->argc = argc;
	s->argv = argv;
	s->runner.go_fd = -1;
	s->rec.bpf.cgroup_fd = -1;
	s->rec.kernel_stacks = opts->kernel_stacks;
	s->rec.user_stacks = opts->user_stacks;
	probe_kernel(&s->features);
	load_kernel_symbols(s);
	err = open_tables(s);
	if (err) {
		snprintf(errbuf, errsize, "%s", strerror(-err));
		return err;
	}
	err = add_traced_processes(s, errbuf, errsize);
	if (!err && opts->command)
		err = start_command(s, errbuf, errsize);
	return err;
}

static int attach_bpf(struct record_session *s, char *errbuf, size_t errsize)
{
	const struct caprec_options *o = s->opts;
	struct bpf_settings settings = {
		.features = &s->features,
		.self_tgid = (uint32_t)getpid(),
		.trace_self = o->trace_self,
		.filter_pids = s->traced_count > 0,
		.follow_forks = o->follow,
		.filter_cgroup = o->cgroup_path != NULL,
		.include_noaudit = o->verbose,
		.kernel_stacks = o->kernel_stacks,
		.user_stacks = o->user_stacks,
		.user_stack_bytes = o->user_stacks ? (uint32_t)o->user_stack_bytes : 0,
		.buffer_size = o->buffer_size,
		/* Every syscall of the host pays a lookup: by default only for chosen processes. */
		.syscall_returns = o->syscall_returns == SYSCALL_RETURNS_ON ||
				   (o->syscall_returns == SYSCALL_RETURNS_AUTO && s->traced_count > 0),
		.caller_ranges = s->ranges,
	};
	struct attach_request req = {
		.mode = o->attach,
		.pids = s->traced,
		.pid_count = s->traced_count,
		.cgroup_path = o->cgroup_path,
		.report_fallbacks = o->verbose,
	};
	int err;

	if (s->rec.ksyms)
		s->range_count = caller_ranges_resolve(s->rec.ksyms, s->ranges,
						       CAPREC_CALLER_RANGES);
	settings.caller_range_count = s->range_count;
	err = attach_start(&s->rec.bpf, &settings, &req, errbuf, errsize);
	if (err)
		return err;
	if (s->rec.bpf.maps_wanted && s->rec.bpf.maps_error)
		fprintf(stderr, "caprec: warning: executable mappings are not traced "
			"(syscalls:sys_exit_mmap: %s; is tracefs mounted?): libraries of processes "
			"that exit before their maps are read stay unplaced in user stacks\n",
			strerror(-s->rec.bpf.maps_error));
	s->rb = ring_buffer__new(bpf_map__fd(s->rec.bpf.skel->maps.events),
				 recorder_handle_record, &s->rec, NULL);
	if (!s->rb) {
		err = -errno;
		snprintf(errbuf, errsize, "ring buffer: %s", strerror(errno));
		return err;
	}
	return 0;
}

static int open_recording(struct record_session *s, char *errbuf, size_t errsize)
{
	char options[512];
	struct metadata_input in = {
		.argc = s->argc,
		.argv = s->argv,
		.options = options,
		.cgroup_path = s->opts->cgroup_path,
		.command = s->opts->command,
		.attach_mode = attach_mode_name(s->rec.bpf.mode),
		.audit_inferred = s->rec.bpf.audit_inferred,
		/* Inferred from callers it could not find: kallsyms hidden (kptr_restrict). */
		.audit_unknown = s->rec.bpf.audit_inferred && !s->range_count,
		.final_verdict = s->rec.bpf.final_verdict,
		.syscall_returns = s->rec.bpf.syscall_returns,
		.pids = s->traced,
		.pid_count = s->traced_count,
		.start_realtime_ns = crf_clock_ns(CLOCK_REALTIME),
	};
	int err;

	options_describe(options, sizeof(options), s->opts);
	err = metadata_collect(&s->meta, &in);
	if (err) {
		snprintf(errbuf, errsize, "%s", strerror(-err));
		return err;
	}
	errbuf[0] = '\0';
	err = output_open(&s->rec.output, s->opts->output_path, s->opts->max_size,
			  s->opts->force ? OUTPUT_FORCE : 0, &s->meta, errbuf, errsize);
	if (err && !errbuf[0])
		snprintf(errbuf, errsize, "%s: %s", s->opts->output_path, strerror(-err));
	return err;
}

static void start_live_output(struct record_session *s)
{
	const char *path = s->opts->output_path;
	struct utsname uts;

	/* With -o -, standard output carries the recording: the lines go to stderr. */
	s->rec.live = path && strcmp(path, "-") == 0 ? stderr : stdout;
	s->rec.text.extended = s->opts->extended;
	s->rec.text.kernel_stacks = s->opts->kernel_stacks;
	s->rec.text.user_stacks = s->opts->user_stacks;
	if (uname(&uts) == 0)
		snprintf(s->machine, sizeof(s->machine), "%s", uts.machine);
	s->rec.text.machine = s->machine;
	crf_text_print_header(s->rec.live, &s->rec.text);
	fflush(s->rec.live);
}

/*
 * Standard output's reader went away while the opening blocks were written
 * (`-o - | head -c 100`): nothing is recorded, but the command, which the
 * caller asked for and which nothing was wrong with, runs and is waited for.
 * A file that cannot be created is a mistake in the command line instead: then
 * the command does not run at all.
 */
static int run_untraced(struct record_session *s, int err, char *errbuf, size_t errsize)
{
	size_t n = strlen(errbuf);

	stop_recording(s);
	if (runner_release(&s->runner) == 0 && n < errsize)
		snprintf(errbuf + n, errsize - n, "; nothing recorded, %s runs untraced, "
			 "waiting for it", s->opts->command[0]);
	return err;
}

int session_attach(struct record_session *s, char *errbuf, size_t errsize)
{
	int err = attach_bpf(s, errbuf, errsize);

	if (err)
		return err;
	/* The recording, then the live header: tests wait for either as the sign of attach. */
	s->start_ns = crf_clock_ns(CLOCK_MONOTONIC);
	recorder_sync_clock(&s->rec);
	if (s->opts->output_path) {
		err = open_recording(s, errbuf, errsize);
		if (err && s->opts->command && strcmp(s->opts->output_path, "-") == 0)
			return run_untraced(s, err, errbuf, errsize);
		if (err)
			return err;
	}
	if (!s->opts->output_path || s->opts->print)
		start_live_output(s);
	return 0;
}

/*
 * Reads the loss counters, then drains the ring (waiting up to timeout_ms for
 * a first record when timeout_ms >= 0), then records the losses: a loss counted
 * before the drain is written after every event the drain consumed. Returns 0,
 * or a negative errno of the ring buffer (rec.error holds a recorder failure).
 */
static int drain(struct record_session *s, int timeout_ms)
{
	uint64_t lost_now = bpf_setup_counter(&s->rec.bpf, CAPREC_CNT_LOST_CAP);
	uint64_t proc_lost_now = bpf_setup_counter(&s->rec.bpf, CAPREC_CNT_LOST_PROC);
	int err = 0;

	if (timeout_ms >= 0)
		err = ring_buffer__poll(s->rb, timeout_ms);
	if (err >= 0 || err == -EINTR)
		err = ring_buffer__consume(s->rb);
	if (err < 0 && err != -EINTR && !s->rec.error)
		return err;
	recorder_account_losses(&s->rec, lost_now, proc_lost_now);
	return 0;
}

/* Flushes the live lines; a failed write (the reader went away) ends the run. */
static bool live_output_failed(struct record_session *s)
{
	if (!s->rec.live || s->live_errno)
		return s->live_errno != 0;
	errno = 0;
	if (fflush(s->rec.live) != 0 || ferror(s->rec.live))
		s->live_errno = errno ? errno : EIO;
	return s->live_errno != 0;
}

/* The failure message: what failed, and where the recording stopped. */
static int recording_failed(struct record_session *s, int err, const char *what, char *errbuf,
			    size_t errsize)
{
	const struct crf_error *e = NULL;
	char name[4096];
	int n;

	if (s->rec.output && output_writer(s->rec.output))
		e = crf_writer_error(output_writer(s->rec.output));
	n = snprintf(errbuf, errsize, "%s", what);
	if (e && e->code && n >= 0 && (size_t)n < errsize)
		n += snprintf(errbuf + n, errsize - (size_t)n, "; recording stopped at byte %" PRIu64
			      " of %s", e->offset, output_name(s, name, sizeof(name)));
	if (s->runner.pid && !s->runner.exited && n >= 0 && (size_t)n < errsize)
		snprintf(errbuf + n, errsize - (size_t)n, "; %s runs on untraced, waiting for it",
			 s->opts->command[0]);
	return err;
}

void session_snapshot_on(struct record_session *s, volatile sig_atomic_t *request)
{
	s->snapshot = request;
}

/* Ends the current part and starts the next, saying so on stderr (a service's log). */
static int take_snapshot(struct record_session *s, char *errbuf, size_t errsize)
{
	uint32_t part = output_part(s->rec.output);
	char closed[PATH_MAX];
	int err;

	*s->snapshot = 0;
	err = output_rotate(s->rec.output, errbuf, errsize);
	if (err)
		return err;
	if (!rotation_path(closed, sizeof(closed), s->opts->output_path, part))
		fprintf(stderr, "caprec: snapshot: %s closed, recording goes on in part %" PRIu32
			"\n", closed, output_part(s->rec.output));
	return 0;
}

int session_run(struct record_session *s, volatile sig_atomic_t *stop, char *errbuf,
		size_t errsize)
{
	uint64_t deadline_ns = 0;
	bool command_done = false;
	char what[1024];
	int err;

	if (s->opts->duration_s > 0)
		deadline_ns = s->start_ns + (uint64_t)(s->opts->duration_s * 1e9);
	if (s->opts->command) {
		err = runner_release(&s->runner);
		if (err) {
			snprintf(errbuf, errsize, "%s: could not start the command",
				 s->opts->command[0]);
			return err;
		}
	}
	while (!*stop && !s->rec.error) {
		err = drain(s, POLL_TIMEOUT_MS);
		if (err) {
			snprintf(what, sizeof(what), "reading the ring buffer: %s", strerror(-err));
			return recording_failed(s, err, what, errbuf, errsize);
		}
		if (s->rec.error)
			break;
		if (s->rec.output && output_tick(s->rec.output, what, sizeof(what)))
			return recording_failed(s, -EIO, what, errbuf, errsize);
		if (s->rec.output && s->snapshot && *s->snapshot &&
		    take_snapshot(s, what, sizeof(what)))
			return recording_failed(s, -EIO, what, errbuf, errsize);
		if (live_output_failed(s))
			break;
		recorder_sync_clock(&s->rec);
		if (command_done)
			break; /* one more drain after the command exited */
		if (s->opts->command && runner_poll(&s->runner))
			command_done = true;
		if (deadline_ns && crf_clock_ns(CLOCK_MONOTONIC) >= deadline_ns)
			break;
	}
	/* Last drain: everything the kernel side produced until now. */
	if (!s->rec.error)
		drain(s, -1);
	if (s->rec.error) {
		snprintf(what, sizeof(what), "%s", s->rec.errbuf);
		return recording_failed(s, s->rec.error, what, errbuf, errsize);
	}
	return 0;
}

int session_close(struct record_session *s, char *errbuf, size_t errsize)
{
	char what[1024];
	int err;

	s->end_ns = crf_clock_ns(CLOCK_MONOTONIC);
	/* How far the user stacks reached, for capanalyze info (the last value read wins). */
	if (s->rec.output && s->opts->user_stacks) {
		struct crf_kv kvs[12];
		char buf[8192];
		size_t n = stack_quality_metadata(&s->rec.ustack_quality, s->rec.unwind_bins, kvs,
						  12, buf, sizeof(buf));

		err = crf_write_metadata(output_writer(s->rec.output), kvs, n);
		if (err) {
			snprintf(what, sizeof(what), "writing the recording: %s",
				 crf_strerror(err));
			return recording_failed(s, err, what, errbuf, errsize);
		}
	}
	if (s->rec.output) {
		err = output_close(s->rec.output, &s->totals, what, sizeof(what));
		if (err)
			return recording_failed(s, err, what, errbuf, errsize);
	}
	live_output_failed(s);
	if (s->live_errno && s->live_errno != EPIPE) {
		snprintf(errbuf, errsize, "%s: %s", s->rec.live == stderr ? "standard error" :
			 "standard output", strerror(s->live_errno));
		return -s->live_errno;
	}
	return 0;
}

void session_summary(const struct record_session *s, struct session_summary *sum)
{
	sum->events = s->rec.events;
	sum->lost = s->rec.lost;
	sum->proc_lost = s->rec.proc_lost;
	sum->bytes = s->totals.bytes_written;
	sum->seconds = (double)(s->end_ns - s->start_ns) / 1e9;
	sum->user_stacks = s->rec.ustack_quality.user_stacks;
	sum->user_stacks_complete = s->rec.ustack_quality.reached_entry;
}

int session_finish(struct record_session *s, int err, volatile sig_atomic_t *stop)
{
	int waited_ms;

	if (!s)
		return 1;
	stop_recording(s);
	if (!s->runner.pid || s->runner.go_fd >= 0)
		return err ? 1 : 0; /* no command, or one that never ran */
	/* The recording failed under it: the command is waited for, not left behind. */
	while (err && !*stop && !runner_wait(&s->runner))
		;
	for (waited_ms = 0; !runner_poll(&s->runner) && waited_ms < COMMAND_GRACE_MS;
	     waited_ms += 10)
		usleep(10000);
	return runner_exit_code(&s->runner);
}

void session_free(struct record_session *s)
{
	if (!s)
		return;
	stop_recording(s);
	/* A command still held is cancelled; one running when caprec gave up is left to finish. */
	runner_stop(&s->runner, 0);
	metadata_release(&s->meta);
	user_symbolizer_free(s->rec.usym);
	build_id_cache_free(s->rec.build_ids);
	unwind_binaries_free(s->rec.unwind_bins);
	process_modules_free(s->rec.placed);
	proc_table_free(s->rec.procs);
	kallsyms_free(s->rec.ksyms);
	free(s);
}
