// SPDX-License-Identifier: GPL-2.0-only
/*
 * recorder.c - what happens to each record of the ring buffer: process
 * records keep the process table current (and the recording's process
 * definitions), capability records are symbolized, written and/or printed.
 */
#include "recorder.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "caprec_event.h"
#include "build_id_cache.h"
#include "crf_clock.h"
#include "crf_cap_names.h"
#include "process_modules.h"

/* How many ancestors are defined with a process, so its parent chain is in the file. */
#define PARENT_CHAIN_MAX 16

static int fail(struct recorder *rec, int err, const char *what)
{
	if (!rec->error) {
		const struct crf_error *e = rec->output ?
			crf_writer_error(output_writer(rec->output)) : NULL;

		rec->error = err ? err : -EIO;
		if (err == CRF_ERR_IO && e && e->sys_errno)
			snprintf(rec->errbuf, sizeof(rec->errbuf), "%s: %s", what,
				 strerror(e->sys_errno));
		else if (err < 0 && err >= CRF_ERR_COMPRESS)
			snprintf(rec->errbuf, sizeof(rec->errbuf), "%s: %s", what,
				 crf_strerror(err));
		else
			snprintf(rec->errbuf, sizeof(rec->errbuf), "%s: %s", what, strerror(-err));
	}
	return rec->error;
}

void recorder_sync_clock(struct recorder *rec)
{
	uint64_t boot = crf_clock_ns(CLOCK_BOOTTIME), real = crf_clock_ns(CLOCK_REALTIME);

	rec->realtime_offset_ns = (int64_t)(real - boot);
}

/* Defines e (and its known ancestors) in the current file when not yet done. */
static int define_process(struct recorder *rec, struct proc_entry *e, int depth)
{
	struct crf_writer *w = output_writer(rec->output);
	uint32_t part = output_part(rec->output);
	struct crf_process_def def = { 0 };
	struct proc_entry *parent;
	int err;

	if (e->record_id && e->record_part == part)
		return 0;
	if (e->ppid && e->parent_start_time_ns && depth < PARENT_CHAIN_MAX) {
		parent = proc_table_find(rec->procs, e->ppid, e->parent_start_time_ns);
		if (parent) {
			err = define_process(rec, parent, depth + 1);
			if (err)
				return err;
			def.parent_id = parent->record_id;
		}
	}
	if (e->exe_path && e->exe_path[0]) {
		/* The executable as a binary, with its build-id when it can be read. */
		const uint8_t *build_id = NULL;
		size_t build_id_len = 0;

		if (rec->build_ids) {
			build_id_cache_learn_file(rec->build_ids, e->exe_path);
			if (build_id_cache_find_path(rec->build_ids, e->exe_path, &build_id,
						     &build_id_len))
				build_id = NULL, build_id_len = 0;
		}
		err = crf_intern_binary(w, e->exe_path, build_id, build_id_len,
					&def.exe_binary_id);
		if (err)
			return err;
	}
	def.pid = e->pid;
	def.ppid = e->ppid;
	def.start_time_ns = e->start_time_ns;
	def.uid = e->uid;
	def.cgroup_id = e->cgroup_id;
	def.exe_path = e->exe_path;
	def.exe_path_used = e->exe_path_used;
	def.cmdline = e->cmdline;
	def.comm = e->comm[0] ? e->comm : NULL;
	def.cgroup_path = e->cgroup_path;
	def.container_id = e->container_id;
	err = crf_define_process(w, &def, &e->record_id);
	if (err)
		return err;
	e->record_part = part;
	return 0;
}

/* The entry of a process seen in a record, created and read from /proc on first sight. */
static struct proc_entry *lookup_process(struct recorder *rec, uint32_t pid, uint64_t start_ns,
					 const char *comm, bool *created)
{
	struct proc_entry *e = proc_table_get(rec->procs, pid, start_ns, created);

	if (!e || !*created)
		return e;
	snprintf(e->comm, sizeof(e->comm), "%.*s", CAPREC_COMM_LEN, comm);
	/* A process gone already keeps what the BPF records told (pid, start, comm). */
	proc_entry_read_proc(e);
	if (rec->usym)
		user_symbolizer_track(rec->usym, pid, start_ns);
	return e;
}

/*
 * The fields of a check that the BPF record, the live printer's event and
 * the writer's record all carry under the same name (the CAPREC_F_* flags
 * are the CRF_EV_* bits, caprec_event.h): listed once, so the printed and
 * the written event cannot come to differ. COPY_CHECK_FIELD copies one from
 * ev into out.
 */
#define CHECK_FIELDS(X)                                                                  \
	X(tid) X(uid) X(cap) X(flags) X(ret) X(final_ret) X(syscall_nr) X(cgroup_id)     \
	X(userns_inum) X(userns_level)
#define COPY_CHECK_FIELD(field) out.field = ev->field;

static void print_live(struct recorder *rec, const struct caprec_cap_event *ev, bool kstack,
		       bool ustack)
{
	struct crf_event out = { 0 };
	char comm[CAPREC_COMM_LEN + 1];

	snprintf(comm, sizeof(comm), "%.*s", CAPREC_COMM_LEN, ev->comm);
	out.index = rec->events;
	out.time_ns = ev->hdr.time_ns;
	out.pid = ev->hdr.pid;
	CHECK_FIELDS(COPY_CHECK_FIELD);
	out.comm = comm;
	out.kernel_stack = kstack ? &rec->kstack.stack : NULL;
	out.user_stack = ustack ? &rec->ustack.stack : NULL;
	crf_text_print_event(rec->live, &out, crf_cap_name(ev->cap),
			     (uint64_t)((int64_t)ev->hdr.time_ns + rec->realtime_offset_ns),
			     &rec->text);
}

/* A CREDENTIALS record before the event when the thread's credentials changed. */
static int write_creds(struct crf_writer *w, const struct caprec_cap_event *ev,
		       struct thread_state *ts, uint32_t process_id, uint64_t index)
{
	struct thread_creds now = {
		.uid = ev->uid, .euid = ev->euid, .suid = ev->suid, .fsuid = ev->fsuid,
		.gid = ev->gid, .egid = ev->egid, .fsgid = ev->fsgid,
		.cap_effective = ev->cap_effective, .cap_permitted = ev->cap_permitted,
	};
	struct crf_credentials_rec out = {
		.process_id = process_id, .tid = ev->tid, .first_event = index,
		.uid = now.uid, .euid = now.euid, .suid = now.suid, .fsuid = now.fsuid,
		.gid = now.gid, .egid = now.egid, .fsgid = now.fsgid,
		.cap_effective = now.cap_effective, .cap_permitted = now.cap_permitted,
	};
	int err;

	if (ts->creds_written && !memcmp(&ts->creds, &now, sizeof(now)))
		return 0;
	err = crf_write_credentials(w, &out);
	if (err)
		return err;
	ts->creds = now;
	ts->creds_written = true;
	return 0;
}

static int write_event(struct recorder *rec, const struct caprec_cap_event *ev,
		       struct proc_entry *proc, bool kstack, bool ustack)
{
	struct crf_writer *w = output_writer(rec->output);
	struct crf_event_rec out = { 0 };
	struct crf_writer_stats stats;
	struct thread_state *ts;
	char comm[CAPREC_COMM_LEN + 1];
	int err;

	err = define_process(rec, proc, 0);
	if (err)
		return err;
	snprintf(comm, sizeof(comm), "%.*s", CAPREC_COMM_LEN, ev->comm);
	err = crf_intern_string(w, comm, &out.comm_id);
	if (!err && kstack)
		err = stacks_intern(w, &rec->kstack, &out.kernel_stack_id);
	if (!err && ustack)
		err = stacks_intern(w, &rec->ustack, &out.user_stack_id);
	if (err)
		return err;
	crf_writer_stats(w, &stats); /* stats.events: the index this event gets */
	ts = thread_table_get(&rec->threads, ev->tid, output_part(rec->output));
	err = write_creds(w, ev, ts, proc->record_id, stats.events);
	if (err)
		return err;
	out.time_ns = ev->hdr.time_ns;
	out.process_id = proc->record_id;
	CHECK_FIELDS(COPY_CHECK_FIELD);
	err = crf_write_event(w, &out);
	if (err)
		return err;
	/* The BPF side sends the return of this syscall: the checks it closes. */
	if (rec->bpf.syscall_returns && ev->syscall_nr >= 0) {
		if (!ts->in_syscall) {
			ts->in_syscall = true;
			ts->process_id = proc->record_id;
			ts->first_event = stats.events;
		}
		ts->last_event = stats.events;
	}
	return 0;
}

static int handle_cap(struct recorder *rec, const void *data, size_t size)
{
	const struct caprec_cap_event *ev = data;
	const struct caprec_cap_stack_event *sev = data;
	bool with_stacks = size >= sizeof(*sev);
	bool kstack = false, ustack = false, created;
	struct proc_entry *proc;
	int err;

	proc = lookup_process(rec, ev->hdr.pid, ev->start_time_ns, ev->comm, &created);
	if (!proc)
		return fail(rec, -ENOMEM, "process table");
	/*
	 * The uid the check itself carries beats /proc's, read later (after a
	 * setuid() perhaps), and whatever /proc could not tell.
	 */
	if (created || proc->uid == UINT32_MAX)
		proc->uid = ev->uid;
	if (!proc->cgroup_id)
		proc->cgroup_id = ev->cgroup_id;
	if (with_stacks && rec->kernel_stacks) {
		stacks_symbolize_kernel(rec->ksyms, sev->kstack,
					ev->kstack_depth > CAPREC_KSTACK_MAX ? CAPREC_KSTACK_MAX :
					ev->kstack_depth,
					rec->bpf.mode == ATTACH_FENTRY || rec->bpf.mode == ATTACH_KPROBE,
					&rec->kstack);
		kstack = true;
	}
	if (with_stacks && rec->user_stacks) {
		struct exe_image exe = { .path = proc->exe_path, .code_start = sev->code_start,
					 .code_end = sev->code_end };

		uint32_t kdepth = ev->ustack_depth > CAPREC_USTACK_MAX ? CAPREC_USTACK_MAX :
				  ev->ustack_depth;
		uint32_t copied = (uint32_t)(size - sizeof(*sev));
		struct user_walk walk = {
			.pid = ev->hdr.pid, .start_time_ns = ev->start_time_ns, .exe = &exe,
			.kernel_frames = sev->ustack, .kernel_frame_count = kdepth,
			.ip = sev->user_ip, .sp = sev->user_sp, .fp = sev->user_fp,
			.stack = sev->stack_data,
			.stack_bytes = sev->ustack_bytes < copied ? sev->ustack_bytes : copied,
		};

		uint64_t started = crf_clock_ns(CLOCK_MONOTONIC), ns;

		err = stacks_unwind_user(rec->usym, rec->build_ids, rec->unwind_bins, rec->placed,
					 &walk, &rec->ustack_quality, &rec->ustack);
		if (err == -ENOMEM)
			return fail(rec, err, "unwinding a user stack");
		if (err)
			stacks_symbolize_user(rec->usym, rec->build_ids, ev->hdr.pid,
					      ev->start_time_ns, &exe, sev->ustack, kdepth,
					      &rec->ustack_quality, &rec->ustack);
		ns = crf_clock_ns(CLOCK_MONOTONIC) - started;
		rec->ustack_quality.unwind_ns += ns;
		rec->ustack_quality.copied_bytes += walk.stack_bytes;
		if (ns > rec->ustack_quality.unwind_ns_max)
			rec->ustack_quality.unwind_ns_max = ns;
		ustack = true;
	}
	if (rec->output) {
		err = write_event(rec, ev, proc, kstack, ustack);
		if (err)
			return fail(rec, err, "writing the recording");
	}
	if (rec->live)
		print_live(rec, ev, kstack, ustack);
	rec->events++;
	return 0;
}

/*
 * The file name execve() got, made absolute where it can be: relative to the
 * process's cwd while it lives, or to caprec's own for the command caprec
 * started (it inherited that cwd). /proc/PID/exe, read after this, wins.
 */
static void set_exec_path(struct recorder *rec, struct proc_entry *e, const char *path)
{
	char candidate[PATH_MAX], resolved[PATH_MAX];
	const struct proc_entry *p = e;
	int depth;

	if (path[0] == '/') {
		proc_entry_set(&e->exe_path, path);
		return;
	}
	/*
	 * Relative to the process's cwd; when it is gone already, to its
	 * ancestors' (a cwd is inherited), up to `-- CMD`, which runs in ours.
	 */
	for (depth = 0; p && depth < PARENT_CHAIN_MAX; depth++) {
		snprintf(candidate, sizeof(candidate), "/proc/%" PRIu32 "/cwd/%s", p->pid, path);
		if (realpath(candidate, resolved)) {
			proc_entry_set(&e->exe_path, resolved);
			return;
		}
		if (p->pid == rec->command_pid) {
			if (realpath(path, resolved)) {
				proc_entry_set(&e->exe_path, resolved);
				return;
			}
			break;
		}
		if (p->ppid == rec->command_pid && !p->parent_start_time_ns) {
			if (realpath(path, resolved)) {
				proc_entry_set(&e->exe_path, resolved);
				return;
			}
			break;
		}
		p = p->ppid ? proc_table_find(rec->procs, p->ppid, p->parent_start_time_ns) : NULL;
	}
	proc_entry_set(&e->exe_path, path);
}

/*
 * A file's path from the names the BPF side walked (leaf first, each
 * NUL-terminated) when the walk reached the root; path holds at least
 * CAPREC_EXE_NAMES_LEN + 2 bytes. False when it did not reach the root (a
 * path too long or too deep).
 */
static bool path_from_names(const char *names, uint32_t names_len, uint32_t flags, char *path)
{
	uint32_t len = names_len > CAPREC_EXE_NAMES_LEN ? CAPREC_EXE_NAMES_LEN : names_len;
	size_t used = 0;
	uint32_t end = len;

	if (!(flags & CAPREC_EXE_COMPLETE) || !len || names[len - 1] != '\0')
		return false;
	/* Names from the root down: the last name of the buffer first. */
	while (end > 0) {
		uint32_t start = end - 1;

		while (start > 0 && names[start - 1] != '\0')
			start--;
		path[used++] = '/';
		memcpy(path + used, names + start, end - 1 - start);
		used += end - 1 - start;
		end = start;
	}
	path[used] = '\0';
	return true;
}

/* The executed file's path from the exec record; false when the walk was cut (see above). */
static bool set_exe_from_names(struct proc_entry *e, const struct caprec_proc_event *pe)
{
	char path[CAPREC_EXE_NAMES_LEN + 2];

	if (!path_from_names(pe->exe_names, pe->exe_names_len, pe->exe_flags, path))
		return false;
	return proc_entry_set(&e->exe_path, path) == 0;
}

/* The command line from the exec record: arguments NUL-separated, joined by spaces. */
static void set_exec_args(struct proc_entry *e, const struct caprec_proc_event *pe)
{
	char args[CAPREC_EXEC_ARGS_LEN + 1];
	uint32_t i, len = pe->args_len > CAPREC_EXEC_ARGS_LEN ? CAPREC_EXEC_ARGS_LEN :
			  pe->args_len;

	while (len && pe->args[len - 1] == '\0')
		len--;
	if (!len)
		return;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)pe->args[i];

		args[i] = c == '\0' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	args[len] = '\0';
	proc_entry_set(&e->cmdline, args);
}

static int handle_proc(struct recorder *rec, const struct caprec_proc_event *pe)
{
	struct proc_entry *e;
	bool created;
	int err;

	switch (pe->hdr.kind) {
	case CAPREC_REC_FORK:
		e = proc_table_get(rec->procs, pe->hdr.pid, pe->start_time_ns, &created);
		if (!e)
			return fail(rec, -ENOMEM, "process table");
		e->ppid = pe->ppid;
		e->parent_start_time_ns = pe->parent_start_time_ns;
		if (created) {
			struct proc_entry *parent;
			bool parent_created;

			snprintf(e->comm, sizeof(e->comm), "%.*s", CAPREC_COMM_LEN, pe->comm);
			proc_entry_read_context(e);
			/*
			 * The child runs its parent's image until it execs (its exec
			 * record comes later in the stream): inherit it, never read
			 * it from /proc, which may already show the next image.
			 */
			parent = lookup_process(rec, pe->ppid, pe->parent_start_time_ns, pe->comm,
						&parent_created);
			if (!parent)
				return fail(rec, -ENOMEM, "process table");
			if (proc_entry_set(&e->exe_path, parent->exe_path) ||
			    proc_entry_set(&e->exe_path_used, parent->exe_path_used) ||
			    proc_entry_set(&e->cmdline, parent->cmdline))
				return fail(rec, -ENOMEM, "process table");
			/* A forked child has its parent's credentials and cgroup until it changes them. */
			e->uid = parent->uid;
			if (!e->cgroup_id)
				e->cgroup_id = parent->cgroup_id;
			if (!e->cgroup_path) {
				if (proc_entry_set(&e->cgroup_path, parent->cgroup_path) ||
				    proc_entry_set(&e->container_id, parent->container_id))
					return fail(rec, -ENOMEM, "process table");
			}
			if (rec->usym)
				user_symbolizer_track(rec->usym, e->pid, e->start_time_ns);
			if (rec->placed &&
			    process_modules_inherit(rec->placed, e->pid, e->start_time_ns, pe->ppid,
						    pe->parent_start_time_ns))
				return fail(rec, -ENOMEM, "process table");
		}
		return 0;
	case CAPREC_REC_EXEC:
		e = proc_table_get(rec->procs, pe->hdr.pid, pe->start_time_ns, &created);
		if (!e)
			return fail(rec, -ENOMEM, "process table");
		/* A new image: a new process record from the next check on. */
		e->record_id = 0;
		if (!e->ppid)
			e->ppid = pe->ppid;
		snprintf(e->comm, sizeof(e->comm), "%.*s", CAPREC_COMM_LEN, pe->comm);
		/*
		 * Everything about the new image comes from the record, made at the
		 * exec: reading /proc now could show an image exec'd since.
		 */
		proc_entry_set(&e->cmdline, NULL);
		proc_entry_set(&e->exe_path_used, NULL);
		if (pe->exec_path[0]) {
			char path[CAPREC_EXEC_PATH_LEN + 1];

			snprintf(path, sizeof(path), "%.*s", CAPREC_EXEC_PATH_LEN, pe->exec_path);
			if (proc_entry_set(&e->exe_path_used, path))
				return fail(rec, -ENOMEM, "process table");
			if (!set_exe_from_names(e, pe))
				set_exec_path(rec, e, path);
		} else {
			set_exe_from_names(e, pe);
		}
		set_exec_args(e, pe);
		e->uid = pe->uid;
		if (created)
			proc_entry_read_context(e);
		if (rec->usym) {
			user_symbolizer_forget(rec->usym, e->pid, e->start_time_ns);
			user_symbolizer_track(rec->usym, e->pid, e->start_time_ns);
		}
		err = stacks_note_exec(rec->unwind_bins, rec->placed, e->pid, e->start_time_ns,
				       e->exe_path, pe->interp_base);
		if (err)
			return fail(rec, err, "process table");
		return 0;
	case CAPREC_REC_EXIT:
		e = proc_table_find(rec->procs, pe->hdr.pid, pe->start_time_ns);
		if (!e)
			return 0; /* never made a check nor forked under our eyes */
		if (rec->output && e->record_id && e->record_part == output_part(rec->output)) {
			err = crf_write_process_exit(output_writer(rec->output), e->record_id,
						     pe->hdr.time_ns, pe->exit_code);
			if (err)
				return fail(rec, err, "writing the recording");
		}
		if (rec->usym)
			user_symbolizer_forget(rec->usym, e->pid, e->start_time_ns);
		if (rec->placed)
			process_modules_forget(rec->placed, e->pid, e->start_time_ns);
		proc_table_remove(rec->procs, e);
		return 0;
	}
	return 0;
}

/* A file mapped executable: where its frames are in that process, for unwinding. */
static int handle_map(struct recorder *rec, const struct caprec_map_event *me)
{
	char path[CAPREC_EXE_NAMES_LEN + 2];
	int err;

	if (!rec->placed ||
	    !path_from_names(me->path_names, me->path_names_len, me->path_flags, path))
		return 0;
	err = stacks_note_mapping(rec->placed, me->hdr.pid, me->start_time_ns, path, me->addr,
				  me->len, me->pgoff);
	return err ? fail(rec, err, "process table") : 0;
}

/* A syscall that made checks returned: its return value closes them. */
static int handle_sysret(struct recorder *rec, const struct caprec_sysret_event *sr)
{
	struct thread_state *ts;
	struct crf_syscall_return_rec out;
	int err;

	if (!rec->output)
		return 0;
	ts = thread_table_find(&rec->threads, sr->tid, output_part(rec->output));
	if (!ts || !ts->in_syscall)
		return 0; /* its checks went to an earlier file, or the slot was taken */
	ts->in_syscall = false;
	out = (struct crf_syscall_return_rec){
		.process_id = ts->process_id, .tid = sr->tid, .first_event = ts->first_event,
		.last_event = ts->last_event, .syscall_nr = sr->syscall_nr, .ret = sr->ret,
		.time_ns = sr->hdr.time_ns,
	};
	err = crf_write_syscall_return(output_writer(rec->output), &out);
	return err ? fail(rec, err, "writing the recording") : 0;
}

int recorder_handle_record(void *ctx, void *data, size_t size)
{
	struct recorder *rec = ctx;
	const struct caprec_header *hdr = data;

	if (rec->error)
		return rec->error; /* stops the consumer: the loop reports the error */
	if (size < sizeof(*hdr)) {
		rec->bad_records++;
		return 0;
	}
	switch (hdr->kind) {
	case CAPREC_REC_CAP:
		/* A stack record may be followed by the user stack it copied (ustack_bytes). */
		if (size != sizeof(struct caprec_cap_event) &&
		    (size < sizeof(struct caprec_cap_stack_event) ||
		     size - sizeof(struct caprec_cap_stack_event) > rec->ustack_copy_bytes ||
		     size - sizeof(struct caprec_cap_stack_event) !=
		     ((const struct caprec_cap_stack_event *)data)->ustack_bytes))
			break;
		return handle_cap(rec, data, size);
	case CAPREC_REC_FORK:
	case CAPREC_REC_EXEC:
	case CAPREC_REC_EXIT:
		if (size != sizeof(struct caprec_proc_event))
			break;
		return handle_proc(rec, data);
	case CAPREC_REC_SYSRET:
		if (size != sizeof(struct caprec_sysret_event))
			break;
		return handle_sysret(rec, data);
	case CAPREC_REC_MAP:
		if (size != sizeof(struct caprec_map_event))
			break;
		return handle_map(rec, data);
	}
	rec->bad_records++;
	return 0;
}

/* The growth of a kernel counter since last, which moves to now (counters only grow). */
static uint64_t counter_delta(uint64_t *last, uint64_t now)
{
	uint64_t delta = now > *last ? now - *last : 0;

	if (now > *last)
		*last = now;
	return delta;
}

int recorder_account_losses(struct recorder *rec, uint64_t lost_now, uint64_t proc_lost_now)
{
	struct crf_loss_counts lost;
	int err;

	/*
	 * Every kind of loss goes into the recording where it was noticed: a
	 * process record lost leaves its events without an executable, a stack
	 * lost leaves a check without its call path, and a reader must be able
	 * to tell those from checks that had none. Stack failures are read here,
	 * after the drain: their events were in it.
	 */
	lost.events = counter_delta(&rec->lost, lost_now);
	lost.process_records = counter_delta(&rec->proc_lost, proc_lost_now);
	lost.stacks = rec->bpf.skel ? counter_delta(&rec->stack_errors,
				      bpf_setup_counter(&rec->bpf, CAPREC_CNT_STACK_ERR)) : 0;
	if (!lost.events && !lost.process_records && !lost.stacks)
		return 0;
	if (rec->output) {
		err = crf_write_losses(output_writer(rec->output), crf_clock_ns(CLOCK_BOOTTIME),
				       &lost);
		if (err)
			return fail(rec, err, "writing the recording");
	}
	if (rec->live && lost.events)
		fprintf(stderr, "caprec: %" PRIu64 " events lost (ring buffer full; "
				"try a larger --buffer-size)\n", lost.events);
	if (rec->live && lost.process_records)
		fprintf(stderr, "caprec: %" PRIu64 " process records lost (ring buffer full; "
				"their processes' events lack an executable)\n", lost.process_records);
	return 0;
}
