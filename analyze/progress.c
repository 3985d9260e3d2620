// SPDX-License-Identifier: GPL-2.0-only
/*
 * progress.c - the load progress bar (see progress.h). Redrawn at most ten
 * times a second so a fast load does not spend its time on the terminal.
 */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crf_clock.h"

struct progress {
	char label[48];
	uint64_t total;
	uint64_t last_draw_ns;
};

struct progress *progress_new(const char *label, uint64_t total)
{
	struct progress *p;
	size_t len = strlen(label);

	if (!isatty(STDERR_FILENO))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	/* Keep the end of a long path: that is the part that tells files apart. */
	if (len >= sizeof(p->label))
		label += len - (sizeof(p->label) - 1);
	snprintf(p->label, sizeof(p->label), "%s", label);
	p->total = total;
	return p;
}

void progress_update(void *ctx, uint64_t done)
{
	struct progress *p = ctx;
	uint64_t now;
	char bar[31];

	if (!p)
		return;
	now = crf_clock_ns(CLOCK_MONOTONIC);
	if (now - p->last_draw_ns < 100000000u && done < p->total)
		return;
	p->last_draw_ns = now;
	if (!p->total) {
		fprintf(stderr, "\r%s: %llu MiB", p->label, (unsigned long long)(done >> 20));
		return;
	}
	if (done > p->total)
		done = p->total;
	memset(bar, ' ', sizeof(bar) - 1);
	memset(bar, '#', (size_t)(done * (sizeof(bar) - 1) / p->total));
	bar[sizeof(bar) - 1] = '\0';
	fprintf(stderr, "\r%s [%s] %3u%%", p->label, bar, (unsigned)(done * 100 / p->total));
}

void progress_free(struct progress *p)
{
	if (!p)
		return;
	fprintf(stderr, "\r\033[K");
	free(p);
}
