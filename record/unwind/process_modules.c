// SPDX-License-Identifier: GPL-2.0-only
#include "process_modules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct image {
	uint32_t pid;
	uint64_t start_time_ns;
	uint64_t last_used;
	struct placed_module mods[PROCESS_MODULES_PER_PROCESS];
	size_t count;
	unsigned int failed_searches;
};

/*
 * A plain array searched linearly: a recording traces tens of live
 * processes at a time, and the search is per stack, not per frame (the
 * unwinder keeps what it found for the stack).
 */
struct process_modules {
	struct image *images;
	size_t count, max;
	uint64_t clock;
};

int process_modules_new(struct process_modules **out, size_t max_processes)
{
	struct process_modules *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return -ENOMEM;
	t->max = max_processes ? max_processes : 4096;
	*out = t;
	return 0;
}

static void image_clear(struct image *im)
{
	size_t i;

	for (i = 0; i < im->count; i++)
		free((char *)im->mods[i].path);
	im->count = 0;
}

void process_modules_free(struct process_modules *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->count; i++)
		image_clear(&t->images[i]);
	free(t->images);
	free(t);
}

static struct image *lookup(struct process_modules *t, uint32_t pid, uint64_t start_time_ns)
{
	size_t i;

	for (i = 0; i < t->count; i++) {
		if (t->images[i].pid == pid && t->images[i].start_time_ns == start_time_ns) {
			t->images[i].last_used = ++t->clock;
			return &t->images[i];
		}
	}
	return NULL;
}

static void remove_at(struct process_modules *t, size_t i)
{
	image_clear(&t->images[i]);
	t->images[i] = t->images[--t->count];
}

/* The image's entry, created when missing (the least recently used dropped at the bound). */
static struct image *get_image(struct process_modules *t, uint32_t pid, uint64_t start_time_ns)
{
	struct image *im = lookup(t, pid, start_time_ns);
	size_t i, oldest = 0;

	if (im)
		return im;
	if (t->count == t->max) {
		for (i = 1; i < t->count; i++) {
			if (t->images[i].last_used < t->images[oldest].last_used)
				oldest = i;
		}
		remove_at(t, oldest);
	}
	if (t->count % 64 == 0) {
		struct image *grown = realloc(t->images, (t->count + 64) * sizeof(*grown));

		if (!grown)
			return NULL;
		t->images = grown;
	}
	im = &t->images[t->count++];
	memset(im, 0, sizeof(*im));
	im->pid = pid;
	im->start_time_ns = start_time_ns;
	im->last_used = ++t->clock;
	return im;
}

/* A placement at the end of im's list (ignored when the list is full). 0 or -ENOMEM. */
static int append(struct image *im, const char *path, uint64_t start, uint64_t end, uint64_t bias,
		  bool mapped)
{
	struct placed_module *m;

	if (im->count == PROCESS_MODULES_PER_PROCESS)
		return 0;
	m = &im->mods[im->count];
	m->path = strdup(path);
	if (!m->path)
		return -ENOMEM;
	m->start = start;
	m->end = end;
	m->bias = bias;
	m->mapped = mapped;
	im->count++;
	return 0;
}

int process_modules_add(struct process_modules *t, uint32_t pid, uint64_t start_time_ns,
			const char *path, uint64_t start, uint64_t end, uint64_t bias)
{
	struct image *im = get_image(t, pid, start_time_ns);
	size_t i;

	if (!im)
		return -ENOMEM;
	for (i = 0; i < im->count; i++) {
		if (start < im->mods[i].end && end > im->mods[i].start)
			return 0; /* known (or overlapping: the first placement stays) */
	}
	return append(im, path, start, end, bias, false);
}

int process_modules_map(struct process_modules *t, uint32_t pid, uint64_t start_time_ns,
			const char *path, uint64_t start, uint64_t len, uint64_t pgoff)
{
	struct image *im = get_image(t, pid, start_time_ns);
	uint64_t end = start + len;
	size_t i = 0;

	if (!im)
		return -ENOMEM;
	if (end <= start)
		return 0;
	while (i < im->count) {
		if (start < im->mods[i].end && end > im->mods[i].start) {
			free((char *)im->mods[i].path);
			im->mods[i] = im->mods[--im->count];
			continue;
		}
		i++;
	}
	return append(im, path, start, end, start - pgoff, true);
}

int process_modules_find(struct process_modules *t, uint32_t pid, uint64_t start_time_ns,
			 uint64_t addr, const struct placed_module **m)
{
	struct image *im = lookup(t, pid, start_time_ns);
	size_t i;

	*m = NULL;
	if (!im)
		return -ENOENT;
	for (i = 0; i < im->count; i++) {
		if (addr >= im->mods[i].start && addr < im->mods[i].end) {
			*m = &im->mods[i];
			return 0;
		}
	}
	return -ENOENT;
}

int process_modules_inherit(struct process_modules *t, uint32_t pid, uint64_t start_time_ns,
			    uint32_t parent_pid, uint64_t parent_start_time_ns)
{
	struct image *parent = lookup(t, parent_pid, parent_start_time_ns), *child;
	size_t i;

	if (!parent || !parent->count)
		return 0;
	/*
	 * get_image() may move the images (realloc) or drop the least recently
	 * used one, never the parent lookup() just marked used: find it again.
	 */
	child = get_image(t, pid, start_time_ns);
	if (!child)
		return -ENOMEM;
	parent = lookup(t, parent_pid, parent_start_time_ns);
	if (!parent || child->count)
		return 0;
	for (i = 0; i < parent->count; i++) {
		child->mods[i] = parent->mods[i];
		child->mods[i].path = strdup(parent->mods[i].path);
		if (!child->mods[i].path)
			return -ENOMEM;
		child->count = i + 1;
	}
	return 0;
}

unsigned int process_modules_search_failed(struct process_modules *t, uint32_t pid,
					   uint64_t start_time_ns, int count_it)
{
	struct image *im = count_it ? get_image(t, pid, start_time_ns) :
			   lookup(t, pid, start_time_ns);

	if (!im)
		return 0;
	if (count_it)
		im->failed_searches++;
	return im->failed_searches;
}

void process_modules_forget(struct process_modules *t, uint32_t pid, uint64_t start_time_ns)
{
	size_t i;

	for (i = 0; i < t->count; i++) {
		if (t->images[i].pid == pid && t->images[i].start_time_ns == start_time_ns) {
			remove_at(t, i);
			return;
		}
	}
}

size_t process_modules_count(const struct process_modules *t)
{
	return t->count;
}
