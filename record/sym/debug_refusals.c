// SPDX-License-Identifier: GPL-2.0-only
/*
 * debug_refusals.c - says each refused debug file once (see debug_refusals.h).
 * One reporter per process: the recorder has one event loop, and both
 * symbolizer caches (by mapping and by build-id) open binaries.
 */
#include "debug_refusals.h"

#include <stdlib.h>
#include <string.h>

/* Past this many distinct files, further ones are not said: a bounded memory. */
#define REFUSALS_MAX 64

static debug_refusal_fn reporter;
static void *reporter_ctx;
static char *said[REFUSALS_MAX];
static size_t said_count;

void debug_refusals_set_reporter(debug_refusal_fn fn, void *ctx)
{
	reporter = fn;
	reporter_ctx = ctx;
}

void debug_refusals_note(const struct elf_binary *bin)
{
	const char *path = bin ? elf_binary_refused_debug_file(bin) : NULL;
	size_t i;

	if (!path || !reporter)
		return;
	for (i = 0; i < said_count; i++)
		if (!strcmp(said[i], path))
			return;
	if (said_count == REFUSALS_MAX)
		return;
	said[said_count] = strdup(path);
	if (!said[said_count])
		return;
	said_count++;
	reporter(path, reporter_ctx);
}
