/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clock_anchors.h - the CLOCK anchors of a recording (FORMAT.md "CLOCK"):
 * kept in file order for iteration, and sorted by boot time so converting a
 * time costs a binary search, not a walk over every anchor: a file may
 * hold many CLOCK blocks, and a replay converts every event.
 */
#ifndef CRF_CLOCK_ANCHORS_H
#define CRF_CLOCK_ANCHORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct clock_anchor {
	uint64_t boottime_ns;
	uint64_t realtime_ns;
};

struct clock_anchors {
	struct clock_anchor *in_file;  /* file order */
	struct clock_anchor *by_boot;  /* sorted by boottime_ns; ties in file order */
	size_t count;
	size_t cap;
};

/* CRF_OK or CRF_ERR_NOMEM. */
int clock_anchors_add(struct clock_anchors *a, uint64_t boottime_ns, uint64_t realtime_ns);

/* The latest anchor not after boot_ns, else the earliest; false when there is none. */
bool clock_anchors_convert(const struct clock_anchors *a, uint64_t boot_ns,
			   uint64_t *realtime_ns);

void clock_anchors_release(struct clock_anchors *a);

#endif /* CRF_CLOCK_ANCHORS_H */
