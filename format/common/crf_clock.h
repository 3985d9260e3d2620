/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_clock.h - a clock read in nanoseconds: recordings count time in ns of
 * CLOCK_BOOTTIME and anchor it to CLOCK_REALTIME; the programs time their own
 * work with CLOCK_MONOTONIC. Header only, so every part of the tree (the
 * symbolizer, which links no format code, included) reads clocks one way.
 */
#ifndef CRF_CLOCK_H
#define CRF_CLOCK_H

#include <stdint.h>
#include <time.h>

/* The clock's current value in ns; 0 if the clock cannot be read (an unknown clock id). */
static inline uint64_t crf_clock_ns(clockid_t clock)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif /* CRF_CLOCK_H */
