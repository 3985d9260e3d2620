// SPDX-License-Identifier: GPL-2.0-only
/* clock_anchors.c - CLOCK anchors in file order and by boot time (see clock_anchors.h). */
#include <stdlib.h>
#include <string.h>

#include "clock_anchors.h"
#include "crf_types.h"

/* Index of the first anchor whose boot time is after boot_ns. */
static size_t first_after(const struct clock_anchors *a, uint64_t boot_ns)
{
	size_t lo = 0, hi = a->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->by_boot[mid].boottime_ns <= boot_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int clock_anchors_add(struct clock_anchors *a, uint64_t boottime_ns, uint64_t realtime_ns)
{
	struct clock_anchor anchor = { boottime_ns, realtime_ns };
	size_t at;

	if (a->count == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct clock_anchor *in_file = realloc(a->in_file, cap * sizeof(*in_file));
		struct clock_anchor *by_boot;

		if (!in_file)
			return CRF_ERR_NOMEM;
		a->in_file = in_file;
		by_boot = realloc(a->by_boot, cap * sizeof(*by_boot));
		if (!by_boot)
			return CRF_ERR_NOMEM;
		a->by_boot = by_boot;
		a->cap = cap;
	}
	a->in_file[a->count] = anchor;
	/*
	 * After the anchors with the same boot time: the later one in the file
	 * wins a tie. Recorders write anchors in time order, so this is an
	 * append; only a file out of order pays for the move.
	 */
	at = first_after(a, boottime_ns);
	memmove(a->by_boot + at + 1, a->by_boot + at, (a->count - at) * sizeof(anchor));
	a->by_boot[at] = anchor;
	a->count++;
	return CRF_OK;
}

bool clock_anchors_convert(const struct clock_anchors *a, uint64_t boot_ns, uint64_t *realtime_ns)
{
	const struct clock_anchor *best;
	size_t after;

	if (!a->count)
		return false;
	after = first_after(a, boot_ns);
	best = after ? &a->by_boot[after - 1] : &a->by_boot[0];
	*realtime_ns = best->realtime_ns + (boot_ns - best->boottime_ns);
	return true;
}

void clock_anchors_release(struct clock_anchors *a)
{
	free(a->in_file);
	free(a->by_boot);
	memset(a, 0, sizeof(*a));
}
