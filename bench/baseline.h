/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * baseline.h - the one contract between the baseline BPF programs and their
 * loaders: the minimal ring-buffer event. Fixed-width types only, explicit
 * padding, no functions. The loaders _Static_assert its size.
 *
 * The baselines are what caprec is measured against: the least a BPF program
 * on the same hook can do for a check (count it; emit a minimal event; emit a
 * minimal event with both stacks).
 */
#ifndef BENCH_BASELINE_H
#define BENCH_BASELINE_H

/* perf_event_max_stack's default: the deepest stack bpf_get_stack() returns. */
#define BASELINE_STACK_DEPTH 127

/* Kernel frames a tracepoint-only recorder reads to infer the audit flag from the caller. */
#define BASELINE_CALLER_FRAMES 12

/* Capability numbers counted separately by count_floor (larger ones share the last slot). */
#define BASELINE_CAP_SLOTS 64

struct baseline_event {
	__u64 time_ns;   /* bpf_ktime_get_boot_ns() */
	__u32 pid;       /* process id (tgid) */
	__u32 tid;       /* thread id */
	__u32 uid;       /* uid of the checking task */
	__s32 cap;       /* capability number */
	__s32 ret;       /* cap_capable() return: 0 granted, -EPERM denied */
	__u32 pad;       /* zero */
};

/* The same event followed by both stacks (baseline for caprec -K -U). */
struct baseline_stack_event {
	struct baseline_event event;
	__s32 kernel_stack_bytes; /* bpf_get_stack() result: bytes used, or -errno */
	__s32 user_stack_bytes;
	__u64 kernel_stack[BASELINE_STACK_DEPTH];
	__u64 user_stack[BASELINE_STACK_DEPTH];
};

#endif /* BENCH_BASELINE_H */
