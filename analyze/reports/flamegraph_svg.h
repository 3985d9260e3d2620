/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * flamegraph_svg.h - a self-contained SVG flame graph from weighted stacks.
 *
 * Stacks are merged into a tree (frames with the same name under the same
 * parent are one node); each node is a box as wide as its share of the
 * total, the root ("all") at the bottom, callees above callers, siblings in
 * name order, as flamegraph.pl draws them. Every box carries a <title>
 * tooltip with its name, count and share; every string is XML-escaped. The
 * document references nothing outside itself; a small embedded script lets a
 * click zoom into a box (the graph is complete without it).
 *
 * Colours follow the name, so a frame keeps its colour across graphs:
 * kernel frames (suffix "_[k]") orange, capability leaves ("CAP_") blue,
 * denied ones (":denied") purple, the rest in flamegraph.pl's warm hues.
 */
#ifndef REPORTS_FLAMEGRAPH_SVG_H
#define REPORTS_FLAMEGRAPH_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct flamegraph;

/* Returns NULL when out of memory. */
struct flamegraph *flamegraph_new(void);

/* Adds one stack, frames[0] the root (outermost), with a weight. Returns 0 or -ENOMEM. */
int flamegraph_add(struct flamegraph *fg, const char *const *frames, size_t depth,
		   uint64_t count);

/* Total weight added. */
uint64_t flamegraph_total(const struct flamegraph *fg);

/*
 * Writes the SVG document. title is shown on top; unit names what the counts
 * count ("checks"). Returns 0, -ENOMEM, or -EIO when writing failed.
 */
int flamegraph_write_svg(struct flamegraph *fg, FILE *out, const char *title,
			 const char *unit);

/* Accepts NULL. */
void flamegraph_free(struct flamegraph *fg);

#endif /* REPORTS_FLAMEGRAPH_SVG_H */
