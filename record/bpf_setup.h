/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bpf_setup.h - opens the BPF skeleton for one attach mode, writes the
 * settings into its read-only data, loads, fills the filter maps and attaches.
 * `--attach auto` calls bpf_setup_load() once per candidate mode until one loads.
 */
#ifndef CAPREC_BPF_SETUP_H
#define CAPREC_BPF_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caprec_event.h"
#include "options.h" /* enum attach_mode */
#include "probe.h"

struct caprec_bpf;

/* What the BPF side is told at load time (its read-only data and map sizes). */
struct bpf_settings {
	const struct kernel_features *features;
	uint32_t self_tgid;
	bool trace_self;                  /* --trace-self */
	bool filter_pids;                 /* -p or -- CMD */
	bool follow_forks;                /* --follow */
	bool filter_cgroup;               /* --cgroup */
	bool include_noaudit;             /* -v */
	bool kernel_stacks;               /* -K */
	bool user_stacks;                 /* -U */
	uint32_t user_stack_bytes;        /* -U: stack bytes copied per check (0 = none) */
	uint64_t buffer_size;             /* ring buffer bytes */
	bool syscall_returns;             /* sys_exit sends the return of syscalls that checked */
	const struct caprec_caller_range *caller_ranges;
	size_t caller_range_count;
};

struct bpf_session {
	struct caprec_bpf *skel;
	enum attach_mode mode;
	bool final_verdict;     /* security_capable() is hooked */
	bool audit_inferred;    /* tracepoint mode */
	bool syscall_returns;   /* sys_exit sends the return of syscalls that made checks */
	bool maps_wanted;       /* -U copies stacks: executable mappings are to be traced */
	int maps_error;         /* 0 when they are, else why not (negative errno) */
	int cgroup_fd;          /* --cgroup directory, -1 if none */
};

/*
 * Opens and loads the programs of mode (not AUTO). Returns 0 or a negative
 * errno, with a one-line reason in errbuf. On error *session holds nothing.
 */
int bpf_setup_load(struct bpf_session *session, const struct bpf_settings *settings,
		   enum attach_mode mode, char *errbuf, size_t errsize);

/* Adds a process id to the traced set. */
int bpf_setup_add_pid(struct bpf_session *session, uint32_t pid);

/* Fills the cgroup filter map and attaches every loaded program. */
int bpf_setup_attach(struct bpf_session *session, const char *cgroup_path, char *errbuf,
		     size_t errsize);

/* Sum over CPUs of one enum caprec_counter. */
uint64_t bpf_setup_counter(struct bpf_session *session, uint32_t counter);

/* Detaches, unloads, closes. Accepts a zeroed session. */
void bpf_setup_destroy(struct bpf_session *session);

#endif /* CAPREC_BPF_SETUP_H */
