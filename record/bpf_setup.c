// SPDX-License-Identifier: GPL-2.0-only
#include "bpf_setup.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caprec.skel.h"

/* Wake the reader early once a quarter of the ring is queued; else it drains on its timer. */
#define WAKEUP_FRACTION 4

static void select_programs(struct caprec_bpf *skel, enum attach_mode mode, bool final_verdict,
			    bool kstack, bool vm_hook, bool sysret, bool maps)
{
	bool tp = mode == ATTACH_TRACEPOINT, fentry = mode == ATTACH_FENTRY;
	bool kprobe = mode == ATTACH_KPROBE;

	bpf_program__set_autoload(skel->progs.tp_cap_capable, tp);
	bpf_program__set_autoload(skel->progs.fexit_cap_capable, fentry);
	bpf_program__set_autoload(skel->progs.fentry_cap_capable, fentry && kstack);
	bpf_program__set_autoload(skel->progs.fentry_security_capable, fentry && final_verdict);
	bpf_program__set_autoload(skel->progs.fexit_security_capable, fentry && final_verdict);
	bpf_program__set_autoload(skel->progs.fentry_cap_vm_enough_memory, fentry && vm_hook);
	bpf_program__set_autoload(skel->progs.fexit_cap_vm_enough_memory, fentry && vm_hook);
	bpf_program__set_autoload(skel->progs.kprobe_cap_capable, kprobe);
	bpf_program__set_autoload(skel->progs.kprobe_cap_vm_enough_memory, kprobe && vm_hook);
	bpf_program__set_autoload(skel->progs.kretprobe_cap_vm_enough_memory, kprobe && vm_hook);
	bpf_program__set_autoload(skel->progs.kretprobe_cap_capable, kprobe);
	bpf_program__set_autoload(skel->progs.kprobe_security_capable, kprobe && final_verdict);
	bpf_program__set_autoload(skel->progs.kretprobe_security_capable, kprobe && final_verdict);
	bpf_program__set_autoload(skel->progs.handle_sys_exit, sysret);
	/*
	 * A classic tracepoint, found through tracefs: attached on its own
	 * (bpf_setup_attach), so a host without tracefs still records.
	 */
	bpf_program__set_autoload(skel->progs.handle_mmap_exit, maps);
	bpf_program__set_autoattach(skel->progs.handle_mmap_exit, false);
}

/* Executable mappings are worth tracing where the recorder unwinds copied stacks (x86-64). */
static bool want_mappings(const struct bpf_settings *s)
{
#if defined(__x86_64__)
	return s->user_stacks && s->user_stack_bytes && s->features->task_pt_regs;
#else
	(void)s;
	return false;
#endif
}

static void configure(struct caprec_bpf *skel, const struct bpf_settings *s, enum attach_mode mode,
		      bool final_verdict)
{
	size_t i;

	skel->rodata->self_tgid = s->self_tgid;
	skel->rodata->trace_self = s->trace_self;
	skel->rodata->filter_pids = s->filter_pids;
	skel->rodata->follow_forks = s->follow_forks;
	skel->rodata->filter_cgroup = s->filter_cgroup;
	skel->rodata->include_noaudit = s->include_noaudit;
	skel->rodata->want_kstack = s->kernel_stacks;
	skel->rodata->want_ustack = s->user_stacks;
	skel->rodata->ustack_copy_bytes = s->user_stacks ? s->user_stack_bytes : 0;
	skel->rodata->want_final = final_verdict;
	skel->rodata->use_task_pt_regs = s->features->task_pt_regs;
	skel->rodata->wakeup_bytes = s->buffer_size / WAKEUP_FRACTION;
	skel->rodata->want_sysret = s->syscall_returns;
	if (mode == ATTACH_TRACEPOINT)
		skel->rodata->audit_source = CAPREC_AUDIT_INFERRED;
	else if (s->features->cap_arg == CAP_ARG_AUDIT)
		skel->rodata->audit_source = CAPREC_AUDIT_INT;
	else
		skel->rodata->audit_source = CAPREC_AUDIT_OPTS;
	skel->rodata->caller_range_count = 0;
	for (i = 0; i < s->caller_range_count && i < CAPREC_CALLER_RANGES; i++) {
		skel->rodata->caller_ranges[i].start = s->caller_ranges[i].start;
		skel->rodata->caller_ranges[i].end = s->caller_ranges[i].end;
		skel->rodata->caller_ranges[i].class = s->caller_ranges[i].class;
		skel->rodata->caller_range_count = i + 1;
		if (!skel->rodata->caller_text_start ||
		    s->caller_ranges[i].start < skel->rodata->caller_text_start)
			skel->rodata->caller_text_start = s->caller_ranges[i].start;
		if (s->caller_ranges[i].end > skel->rodata->caller_text_end)
			skel->rodata->caller_text_end = s->caller_ranges[i].end;
	}
}

/*
 * The per-thread maps of the fentry/kprobe modes are preallocated (entry_stacks
 * alone is 2 MiB): one entry each where nothing uses them.
 */
static int shrink_unused_maps(struct caprec_bpf *skel, enum attach_mode mode, bool final_verdict,
			      bool kernel_stacks, bool vm_hook, bool sysret)
{
	bool entry_hooks = mode != ATTACH_TRACEPOINT;
	int err = 0;

	if (!entry_hooks || !kernel_stacks)
		err = err ? err : bpf_map__set_max_entries(skel->maps.entry_stacks, 1);
	if (mode != ATTACH_KPROBE)
		err = err ? err : bpf_map__set_max_entries(skel->maps.entry_args, 1);
	if (!final_verdict)
		err = err ? err : bpf_map__set_max_entries(skel->maps.pending_final, 1);
	if (!vm_hook)
		err = err ? err : bpf_map__set_max_entries(skel->maps.vm_enough, 1);
	if (!sysret)
		err = err ? err : bpf_map__set_max_entries(skel->maps.checked_syscall, 1);
	return err;
}

static int try_load(struct bpf_session *session, const struct bpf_settings *s,
		    enum attach_mode mode, bool final_verdict, bool vm_hook, bool maps)
{
	struct caprec_bpf *skel = caprec_bpf__open();
	int err;

	if (!skel)
		return -errno ? -errno : -ENOMEM;
	select_programs(skel, mode, final_verdict, s->kernel_stacks, vm_hook, s->syscall_returns,
			maps);
	configure(skel, s, mode, final_verdict);
	err = bpf_map__set_max_entries(skel->maps.events, (uint32_t)s->buffer_size);
	if (err)
		goto fail;
	err = shrink_unused_maps(skel, mode, final_verdict, s->kernel_stacks, vm_hook,
				 s->syscall_returns);
	/* The stack-copy record is built in one slot per CPU (see caprec.bpf.c). */
	if (!err && s->user_stacks && s->user_stack_bytes)
		err = bpf_map__set_max_entries(skel->maps.stack_record,
					       (uint32_t)libbpf_num_possible_cpus());
	if (err)
		goto fail;
	err = caprec_bpf__load(skel);
	if (err)
		goto fail;
	session->skel = skel;
	session->mode = mode;
	session->final_verdict = final_verdict;
	session->audit_inferred = mode == ATTACH_TRACEPOINT;
	session->syscall_returns = s->syscall_returns;
	session->maps_wanted = maps;
	return 0;
fail:
	caprec_bpf__destroy(skel);
	return err < 0 ? err : -EINVAL;
}

int bpf_setup_load(struct bpf_session *session, const struct bpf_settings *settings,
		   enum attach_mode mode, char *errbuf, size_t errsize)
{
	const struct kernel_features *f = settings->features;
	bool final_verdict = false, vm_hook = false, maps;
	int err, maps_err = 0;

	memset(session, 0, sizeof(*session));
	session->cgroup_fd = -1;
	if (mode == ATTACH_TRACEPOINT && !f->tracepoint) {
		snprintf(errbuf, errsize, "tracepoint: this kernel has no capability:cap_capable "
					  "tracepoint (6.14+)");
		return -EOPNOTSUPP;
	}
	if (mode == ATTACH_FENTRY) {
		final_verdict = f->security_capable_btf;
		vm_hook = f->vm_enough_memory_btf;
	}
	if (mode == ATTACH_KPROBE) {
		final_verdict = f->security_capable_sym;
		vm_hook = f->vm_enough_memory_sym;
	}
	/* cap_vm_enough_memory()'s check is never audited: only -v wants it. */
	vm_hook = vm_hook && settings->include_noaudit;
	maps = want_mappings(settings);
	err = try_load(session, settings, mode, final_verdict, vm_hook, maps);
	/* Some kernels refuse these extra hooks: run with cap_capable()'s alone. */
	if (err && (final_verdict || vm_hook))
		err = try_load(session, settings, mode, false, false, maps);
	if (err && maps) {
		/* A kernel that refuses the mapping program still records checks. */
		maps_err = err;
		err = try_load(session, settings, mode, final_verdict, vm_hook, false);
		if (err && (final_verdict || vm_hook))
			err = try_load(session, settings, mode, false, false, false);
		if (!err) {
			session->maps_wanted = true;
			session->maps_error = maps_err;
		}
	}
	if (err)
		snprintf(errbuf, errsize, "%s: loading the BPF programs failed: %s",
			 attach_mode_name(mode), strerror(-err));
	return err;
}

int bpf_setup_add_pid(struct bpf_session *session, uint32_t pid)
{
	uint8_t one = 1;

	if (bpf_map__update_elem(session->skel->maps.traced_pids, &pid, sizeof(pid), &one,
				 sizeof(one), BPF_ANY))
		return -errno;
	return 0;
}

int bpf_setup_attach(struct bpf_session *session, const char *cgroup_path, char *errbuf,
		     size_t errsize)
{
	uint32_t zero = 0;
	int err;

	if (cgroup_path) {
		session->cgroup_fd = open(cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (session->cgroup_fd < 0) {
			err = -errno;
			snprintf(errbuf, errsize, "--cgroup %s: %s", cgroup_path, strerror(errno));
			return err;
		}
		if (bpf_map__update_elem(session->skel->maps.cgroup_filter, &zero, sizeof(zero),
					 &session->cgroup_fd, sizeof(int), BPF_ANY)) {
			err = -errno;
			snprintf(errbuf, errsize, "--cgroup %s: not a cgroup v2 directory (%s)",
				 cgroup_path, strerror(errno));
			return err;
		}
	}
	err = caprec_bpf__attach(session->skel);
	if (err) {
		snprintf(errbuf, errsize, "%s: attaching the BPF programs failed: %s",
			 attach_mode_name(session->mode), strerror(-err));
		return err;
	}
	if (session->maps_wanted) {
		session->skel->links.handle_mmap_exit =
			bpf_program__attach(session->skel->progs.handle_mmap_exit);
		session->maps_error = session->skel->links.handle_mmap_exit ? 0 :
				      (-errno ? -errno : -ENOENT);
	}
	return 0;
}

uint64_t bpf_setup_counter(struct bpf_session *session, uint32_t counter)
{
	int cpus = libbpf_num_possible_cpus();
	uint64_t *values, sum = 0;
	int i;

	if (cpus <= 0)
		return 0;
	values = calloc((size_t)cpus, sizeof(*values));
	if (!values)
		return 0;
	if (bpf_map__lookup_elem(session->skel->maps.counters, &counter, sizeof(counter), values,
				 sizeof(*values) * (size_t)cpus, 0) == 0) {
		for (i = 0; i < cpus; i++)
			sum += values[i];
	}
	free(values);
	return sum;
}

void bpf_setup_destroy(struct bpf_session *session)
{
	if (!session)
		return;
	caprec_bpf__destroy(session->skel);
	session->skel = NULL;
	if (session->cgroup_fd >= 0)
		close(session->cgroup_fd);
	session->cgroup_fd = -1;
}
