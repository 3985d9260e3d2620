// SPDX-License-Identifier: GPL-2.0-only
/*
 * min_ringbuf.bpf.c - the minimal ring-buffer event for each capability
 * check, with batched wakeups: the consumer is woken only when the unread
 * data passes wakeup_bytes (and otherwise drains on its poll timeout). With
 * with_stacks it adds what caprec -K -U must at least do: bpf_get_stack() of
 * the kernel and the user stack into the event; with caller_frames a short
 * kernel stack of that many frames (what a tracepoint-only recorder
 * reads to infer the audit flag from the caller), not sent.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "baseline.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u64 wakeup_bytes = 64 * 1024;
const volatile __u8 with_stacks = 0;
/* Kernel frames to read per check (0 = none, at most BASELINE_CALLER_FRAMES). */
const volatile __u32 caller_frames = 0;

/* Where the caller frames land: the sum is sent so the walk cannot be skipped. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[BASELINE_CALLER_FRAMES]);
} caller_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20); /* caprec's default; the loader resizes it */
} events SEC(".maps");

/* Events that found the ring full: index 0, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

static __always_inline void count_loss(void)
{
	__u32 zero = 0;
	__u64 *count = bpf_map_lookup_elem(&lost, &zero);

	if (count)
		(*count)++;
}

static __always_inline void fill(struct baseline_event *e, int cap, int ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	e->time_ns = bpf_ktime_get_boot_ns();
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->cap = cap;
	e->ret = ret;
	e->pad = 0;
}

static __always_inline __u64 wakeup_flag(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
		       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

SEC("tp_btf/cap_capable")
int BPF_PROG(emit_check, void *cred, void *target_ns, void *capable_ns, int cap, int ret)
{
	if (with_stacks) {
		struct baseline_stack_event *s = bpf_ringbuf_reserve(&events, sizeof(*s), 0);

		if (!s) {
			count_loss();
			return 0;
		}
		fill(&s->event, cap, ret);
		s->kernel_stack_bytes = bpf_get_stack(ctx, s->kernel_stack,
						      sizeof(s->kernel_stack), 0);
		s->user_stack_bytes = bpf_get_stack(ctx, s->user_stack, sizeof(s->user_stack),
						    BPF_F_USER_STACK);
		bpf_ringbuf_submit(s, wakeup_flag());
		return 0;
	}

	struct baseline_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count_loss();
		return 0;
	}
	fill(e, cap, ret);
	if (caller_frames && caller_frames <= BASELINE_CALLER_FRAMES) {
		__u32 zero = 0;
		__u64 *frames = bpf_map_lookup_elem(&caller_scratch, &zero);

		if (frames) {
			long n = bpf_get_stack(ctx, frames, caller_frames * 8, 0);

			e->pad = n > 0 ? (__u32)n : 0;
		}
	}
	bpf_ringbuf_submit(e, wakeup_flag());
	return 0;
}
