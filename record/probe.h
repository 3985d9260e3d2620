/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * probe.h - what the running kernel offers for tracing cap_capable(), read
 * from its BTF and sysfs (no program is loaded here), and the attach mode
 * `--attach auto` picks from it.
 */
#ifndef CAPREC_PROBE_H
#define CAPREC_PROBE_H

#include <stdbool.h>
#include <stdio.h>

#include "options.h"

enum cap_arg_kind {
	CAP_ARG_UNKNOWN = 0, /* no BTF for cap_capable: assume opts (5.1+, 4.19.98+) */
	CAP_ARG_OPTS,        /* unsigned int opts: CAP_OPT_NOAUDIT / CAP_OPT_INSETID bits */
	CAP_ARG_AUDIT,       /* int audit (3.3 - 5.0) */
};

struct kernel_features {
	bool btf;                 /* /sys/kernel/btf/vmlinux loads */
	bool tracepoint;          /* btf_trace_cap_capable exists: capability:cap_capable */
	bool cap_capable_btf;     /* FUNC cap_capable in BTF (fentry can name it) */
	bool security_capable_btf;
	bool kprobes;             /* a kprobe PMU or kprobe_events exists */
	bool security_capable_sym; /* security_capable in /proc/kallsyms (kprobe target) */
	/* cap_vm_enough_memory(): hooked too (-v), where cap_capable() may be inlined */
	bool vm_enough_memory_btf;
	bool vm_enough_memory_sym;
	bool task_pt_regs;        /* bpf_task_pt_regs() helper (5.15+): syscall numbers */
	enum cap_arg_kind cap_arg;
	char cap_arg_name[32];    /* the 4th parameter's name in BTF, "" if unknown */
};

/* Fills *f. Never fails: what cannot be read is reported as absent. */
void probe_kernel(struct kernel_features *f);

/*
 * The modes auto tries, in order, into modes[] (at most 3); returns the count.
 * The tracepoint needs nothing else; fentry is tried before kprobe because a
 * trampoline costs less, but whether it loads is only known by loading.
 */
int probe_auto_order(const struct kernel_features *f, enum attach_mode modes[3]);

/* Prints the --probe report. fentry_loadable: -1 not tried, 0 refused (load or attach), 1 loaded and attached. */
void probe_print(FILE *out, const struct kernel_features *f, int fentry_loadable,
		 const char *fentry_error, enum attach_mode chosen);

#endif /* CAPREC_PROBE_H */
