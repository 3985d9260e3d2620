// SPDX-License-Identifier: GPL-2.0-only
/*
 * recording_count - exact counts from a recording, read with the format
 * library alone (no SQLite), for the loss-accounting check of the benchmark:
 * recorded + lost must equal what the storm generated.
 *
 *   recording_count [-p PID] [-c CAP] FILE
 *
 * Prints one key=value line: events, lost (sum of LOSS blocks), the END
 * block's totals, how the file ended, "matched" (events of PID and/or CAP),
 * the reader's speed, and time_bits_per_event: an estimate of the entropy of
 * the nanosecond gaps between events (the part of an event no encoding can
 * drop without losing precision): the empirical entropy of the gap's
 * power-of-two bucket plus its bits below the leading one, taken as uniform.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crf_clock.h"
#include "crf_reader.h"

/* Gaps between consecutive event times, by bit length (0 = equal times). */
struct gap_histogram {
	uint64_t buckets[65];
	uint64_t total;
	uint64_t last_time;
	bool have_last;
};

static void gap_add(struct gap_histogram *h, uint64_t time_ns)
{
	if (h->have_last) {
		uint64_t gap = time_ns >= h->last_time ? time_ns - h->last_time : 0;

		h->buckets[gap ? 64 - __builtin_clzll(gap) : 0]++;
		h->total++;
	}
	h->last_time = time_ns;
	h->have_last = true;
}

/* Bits per gap: bucket entropy + the (bit length - 1) bits below the leading one. */
static double gap_bits(const struct gap_histogram *h)
{
	double bits = 0;

	if (!h->total)
		return 0;
	for (int b = 0; b <= 64; b++) {
		double p = (double)h->buckets[b] / h->total;

		if (p > 0)
			bits += p * (-log2(p) + (b > 1 ? b - 1 : 0));
	}
	return bits;
}

int main(int argc, char **argv)
{
	struct crf_reader *reader = NULL;
	struct crf_error error = { 0 };
	struct crf_item item;
	static struct gap_histogram gaps;
	const struct crf_recovery *rec;
	unsigned long long events = 0, matched = 0, processes = 0, with_kstack = 0,
			   with_ustack = 0;
	long pid = -1, cap = -1;
	const char *path;
	double started;
	int opt, fd, n, ret = 1;

	while ((opt = getopt(argc, argv, "p:c:h")) != -1) {
		switch (opt) {
		case 'p':
			pid = strtol(optarg, NULL, 10);
			break;
		case 'c':
			cap = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: recording_count [-p PID] [-c CAP] FILE\n");
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: recording_count [-p PID] [-c CAP] FILE\n");
		return 2;
	}
	path = argv[optind];
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "recording_count: %s: %s\n", path, strerror(errno));
		return 1;
	}
	started = (double)crf_clock_ns(CLOCK_MONOTONIC) / 1e9;
	n = crf_reader_open(&reader, fd, &error);
	while (n == CRF_OK || n == 1) {
		n = crf_reader_next(reader, &item, &error);
		if (n != 1)
			break;
		if (item.kind == CRF_ITEM_PROCESS) {
			processes++;
		} else if (item.kind == CRF_ITEM_EVENT) {
			const struct crf_event *e = item.event;

			events++;
			gap_add(&gaps, e->time_ns);
			with_kstack += e->kernel_stack_id != 0;
			with_ustack += e->user_stack_id != 0;
			if ((pid < 0 || e->pid == (uint32_t)pid) && (cap < 0 || e->cap == cap))
				matched++;
		}
	}
	if (n < 0) {
		fprintf(stderr, "recording_count: %s: %s at byte %llu\n", path,
			error.detail ? error.detail : crf_strerror(n),
			(unsigned long long)error.offset);
		goto cleanup;
	}
	rec = crf_reader_recovery(reader);
	printf("events=%llu lost=%llu matched=%llu processes=%llu kernel_stacks=%llu "
	       "user_stacks=%llu clean_end=%d end_events=%llu end_lost=%llu truncated=%d "
	       "blocks_skipped=%llu file_bytes=%llu bytes_per_event=%.2f read_events_per_s=%.0f "
	       "time_bits_per_event=%.1f\n",
	       events, (unsigned long long)rec->lost, matched, processes, with_kstack, with_ustack,
	       rec->clean_end, (unsigned long long)rec->end_events,
	       (unsigned long long)rec->end_lost, rec->truncated,
	       (unsigned long long)rec->blocks_skipped, (unsigned long long)rec->file_bytes,
	       events ? (double)rec->file_bytes / events : 0.0,
	       events / ((double)crf_clock_ns(CLOCK_MONOTONIC) / 1e9 - started), gap_bits(&gaps));
	ret = 0;
cleanup:
	crf_reader_free(reader);
	close(fd);
	return ret;
}
