/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * process_modules.h - where binaries were found loaded in each traced
 * process image (pid + start time), remembered from earlier stacks and from
 * the exec record (the dynamic loader at AT_BASE). A process that exits
 * before caprec reads its maps still has its later stacks placed: most of
 * them run through the same few files.
 *
 * Bounded: at most PROCESS_MODULES_PER_PROCESS placements per image and
 * max_processes images (the least recently used is dropped); an image is
 * dropped at its exit. Not thread-safe.
 */
#ifndef CAPREC_PROCESS_MODULES_H
#define CAPREC_PROCESS_MODULES_H

#include <stddef.h>
#include <stdint.h>

#define PROCESS_MODULES_PER_PROCESS 16

struct process_modules;

/* A file loaded at [start, end), its virtual addresses moved by bias. */
struct placed_module {
	const char *path; /* owned by the table */
	uint64_t start;
	uint64_t end;
	uint64_t bias;
};

/* max_processes 0 = 4096. */
int process_modules_new(struct process_modules **out, size_t max_processes);
void process_modules_free(struct process_modules *t);
/* Remembers a placement (ignored when already known or the image is full). 0 or -ENOMEM. */
int process_modules_add(struct process_modules *t, uint32_t pid, uint64_t start_time_ns,
			const char *path, uint64_t start, uint64_t end, uint64_t bias);
/* The placement holding addr. *m valid until the next add/forget. 0 or -ENOENT. */
int process_modules_find(struct process_modules *t, uint32_t pid, uint64_t start_time_ns,
			 uint64_t addr, const struct placed_module **m);
/*
 * Counts a failed search for a placement in an image and returns how many
 * there were: the caller stops searching after a few (each costs a scan).
 */
unsigned int process_modules_search_failed(struct process_modules *t, uint32_t pid,
					   uint64_t start_time_ns, int count_it);
/* Drops what is known of an image (exit, exec). */
void process_modules_forget(struct process_modules *t, uint32_t pid, uint64_t start_time_ns);
/* Images remembered (for tests: the table shrinks at exits). */
size_t process_modules_count(const struct process_modules *t);

#endif /* CAPREC_PROCESS_MODULES_H */
