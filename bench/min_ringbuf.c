// SPDX-License-Identifier: GPL-2.0-only
/*
 * min_ringbuf - loads min_ringbuf.bpf.c (a minimal ring-buffer event per
 * capability check, consumer woken in batches) and consumes the events until
 * SIGINT/SIGTERM or -d SECONDS; prints "events=N lost=N". -s adds the kernel
 * and user stacks to every event (the baseline for caprec -K -U); -c N reads a
 * short kernel stack of N frames (the baseline for audit inference from the
 * caller frames; caprec reads 12).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "baseline.h"
#include "crf_clock.h"
#include "min_ringbuf.skel.h"

_Static_assert(sizeof(struct baseline_event) == 32, "baseline_event layout");
_Static_assert(sizeof(struct baseline_stack_event) == 32 + 8 + 2 * 8 * BASELINE_STACK_DEPTH,
	       "baseline_stack_event layout");

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, args);
	return 0;
}

struct consumer {
	unsigned long long events;
	unsigned long long stack_frames; /* touched so the copy is not optimised away */
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;

	if (size >= sizeof(struct baseline_stack_event)) {
		const struct baseline_stack_event *s = data;

		if (s->kernel_stack_bytes > 0)
			c->stack_frames += s->kernel_stack_bytes / 8;
		if (s->user_stack_bytes > 0)
			c->stack_frames += s->user_stack_bytes / 8;
	}
	c->events++;
	return 0;
}

int main(int argc, char **argv)
{
	struct min_ringbuf_bpf *skel = NULL;
	struct ring_buffer *ring = NULL;
	struct consumer consumer = { 0 };
	unsigned long ring_bytes = 4ul << 20, wakeup_bytes = 64 * 1024;
	unsigned long long lost = 0;
	int poll_ms = 10, with_stacks = 0, with_caller = 0;
	double seconds = 0, deadline;
	__u64 *per_cpu = NULL;
	__u32 zero = 0;
	int opt, ncpus, err, ret = 1;

	while ((opt = getopt(argc, argv, "sc:b:w:t:d:h")) != -1) {
		switch (opt) {
		case 's':
			with_stacks = 1;
			break;
		case 'c':
			with_caller = atoi(optarg);
			if (with_caller < 1 || with_caller > BASELINE_CALLER_FRAMES) {
				fprintf(stderr, "min_ringbuf: -c takes 1..%d frames\n",
					BASELINE_CALLER_FRAMES);
				return 2;
			}
			break;
		case 'b':
			ring_bytes = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			wakeup_bytes = strtoul(optarg, NULL, 0);
			break;
		case 't':
			poll_ms = atoi(optarg);
			break;
		case 'd':
			seconds = strtod(optarg, NULL);
			break;
		default:
			fprintf(stderr, "usage: min_ringbuf [-s] [-c FRAMES] [-b RING_BYTES] [-w WAKEUP_BYTES] "
					"[-t POLL_MS] [-d SECONDS]\n");
			return 2;
		}
	}
	libbpf_set_print(quiet_print);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	ncpus = libbpf_num_possible_cpus();
	if (ncpus < 1) {
		fprintf(stderr, "min_ringbuf: cannot count CPUs: %s\n", strerror(-ncpus));
		return 1;
	}
	per_cpu = calloc(ncpus, sizeof(*per_cpu));
	skel = min_ringbuf_bpf__open();
	if (!skel || !per_cpu) {
		fprintf(stderr, "min_ringbuf: opening the BPF object: %s\n", strerror(errno));
		goto cleanup;
	}
	skel->rodata->wakeup_bytes = wakeup_bytes;
	skel->rodata->with_stacks = with_stacks;
	skel->rodata->caller_frames = with_caller;
	err = bpf_map__set_max_entries(skel->maps.events, ring_bytes);
	if (!err)
		err = min_ringbuf_bpf__load(skel);
	if (!err)
		err = min_ringbuf_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "min_ringbuf: loading/attaching: %s\n", strerror(-err));
		goto cleanup;
	}
	ring = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, &consumer, NULL);
	if (!ring) {
		fprintf(stderr, "min_ringbuf: ring buffer: %s\n", strerror(errno));
		goto cleanup;
	}
	fprintf(stderr, "min_ringbuf: attached\n");

	deadline = seconds > 0 ? (double)crf_clock_ns(CLOCK_MONOTONIC) / 1e9 + seconds : 0;
	while (!stop && (!deadline || (double)crf_clock_ns(CLOCK_MONOTONIC) / 1e9 < deadline)) {
		err = ring_buffer__poll(ring, poll_ms);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "min_ringbuf: polling: %s\n", strerror(-err));
			goto cleanup;
		}
	}
	min_ringbuf_bpf__detach(skel);
	/* Drain what the last checks left in the ring. */
	err = ring_buffer__consume(ring);
	if (err < 0) {
		fprintf(stderr, "min_ringbuf: draining: %s\n", strerror(-err));
		goto cleanup;
	}
	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.lost), &zero, per_cpu)) {
		fprintf(stderr, "min_ringbuf: reading the loss counter: %s\n", strerror(errno));
		goto cleanup;
	}
	for (int cpu = 0; cpu < ncpus; cpu++)
		lost += per_cpu[cpu];
	printf("events=%llu lost=%llu stacks=%d stack_frames=%llu\n", consumer.events, lost,
	       with_stacks, consumer.stack_frames);
	ret = 0;
cleanup:
	ring_buffer__free(ring);
	min_ringbuf_bpf__destroy(skel);
	free(per_cpu);
	return ret;
}
