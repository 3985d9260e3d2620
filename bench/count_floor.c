// SPDX-License-Identifier: GPL-2.0-only
/*
 * count_floor - loads count_floor.bpf.c (a per-CPU counter bumped on every
 * capability check: the floor any tracer pays), runs until SIGINT/SIGTERM or
 * -d SECONDS, then prints the counts: "checks=N" and one "capN=M" per
 * capability seen. With -p PID it counts that process only, which is how
 * bench/verify-storm.sh proves that a storm makes exactly one check per call.
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
#include "count_floor.skel.h"

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

/* Sums the per-CPU counters of one slot. */
static int read_slot(int map_fd, __u32 slot, int ncpus, unsigned long long *sum)
{
	__u64 *values = calloc(ncpus, sizeof(*values));
	int err = 0;

	if (!values)
		return -ENOMEM;
	*sum = 0;
	if (bpf_map_lookup_elem(map_fd, &slot, values))
		err = -errno;
	for (int cpu = 0; !err && cpu < ncpus; cpu++)
		*sum += values[cpu];
	free(values);
	return err;
}

int main(int argc, char **argv)
{
	struct count_floor_bpf *skel = NULL;
	unsigned long long counts[BASELINE_CAP_SLOTS], total = 0;
	unsigned int pid = 0;
	double seconds = 0;
	int opt, ncpus, err, ret = 1;

	while ((opt = getopt(argc, argv, "p:d:h")) != -1) {
		switch (opt) {
		case 'p':
			pid = strtoul(optarg, NULL, 10);
			break;
		case 'd':
			seconds = strtod(optarg, NULL);
			break;
		default:
			fprintf(stderr, "usage: count_floor [-p PID] [-d SECONDS]\n");
			return 2;
		}
	}
	libbpf_set_print(quiet_print);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	ncpus = libbpf_num_possible_cpus();
	if (ncpus < 1) {
		fprintf(stderr, "count_floor: cannot count CPUs: %s\n", strerror(-ncpus));
		return 1;
	}
	skel = count_floor_bpf__open();
	if (!skel) {
		fprintf(stderr, "count_floor: opening the BPF object: %s\n", strerror(errno));
		goto cleanup;
	}
	skel->rodata->target_pid = pid;
	err = count_floor_bpf__load(skel);
	if (!err)
		err = count_floor_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "count_floor: loading/attaching: %s\n", strerror(-err));
		goto cleanup;
	}
	fprintf(stderr, "count_floor: attached\n");

	if (seconds > 0) {
		struct timespec ts = { .tv_sec = (time_t)seconds,
				       .tv_nsec = (long)((seconds - (time_t)seconds) * 1e9) };

		while (!stop && nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	} else {
		while (!stop)
			pause();
	}
	/* Detach first so the counts do not move while they are read. */
	count_floor_bpf__detach(skel);

	for (__u32 slot = 0; slot < BASELINE_CAP_SLOTS; slot++) {
		err = read_slot(bpf_map__fd(skel->maps.checks), slot, ncpus, &counts[slot]);
		if (err) {
			fprintf(stderr, "count_floor: reading the counters: %s\n", strerror(-err));
			goto cleanup;
		}
		total += counts[slot];
	}
	printf("checks=%llu", total);
	for (__u32 slot = 0; slot < BASELINE_CAP_SLOTS; slot++)
		if (counts[slot])
			printf(" cap%u=%llu", slot, counts[slot]);
	printf("\n");
	ret = 0;
cleanup:
	count_floor_bpf__destroy(skel);
	return ret;
}
