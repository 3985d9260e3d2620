// SPDX-License-Identifier: GPL-2.0-only
/*
 * count_floor.bpf.c - the floor: the cheapest useful BPF program on the
 * capability:cap_capable tracepoint. It only bumps a per-CPU counter (one per
 * capability number, so the loader can also prove what a storm checks).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "baseline.h"

char LICENSE[] SEC("license") = "GPL";

/* Process id to count alone, 0 = every process (the floor measurement). */
const volatile __u32 target_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BASELINE_CAP_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} checks SEC(".maps");

/* tp_btf arguments: cred, target_ns, capable_ns, cap, ret. */
SEC("tp_btf/cap_capable")
int BPF_PROG(count_check, void *cred, void *target_ns, void *capable_ns, int cap, int ret)
{
	__u32 slot = (__u32)cap < BASELINE_CAP_SLOTS ? (__u32)cap : BASELINE_CAP_SLOTS - 1;
	__u64 *count;

	if (target_pid && (bpf_get_current_pid_tgid() >> 32) != target_pid)
		return 0;
	count = bpf_map_lookup_elem(&checks, &slot);
	if (count)
		(*count)++;
	return 0;
}
