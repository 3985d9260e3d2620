/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * process_modules.h - where binaries were found loaded in each traced
 * process image (pid + start time), remembered from earlier stacks and from
 * the exec record (the dynamic loader at AT_BASE) and from the kernel's
 * mapping records (a file mapped executable: every library, dlopen'd ones
 * too). A process that exits before caprec reads its maps still has its
 * stacks placed.
 *
 * Bounded: at most PROCESS_MODULES_PER_PROCESS placements per image and
 * max_processes images (the least recently used is dropped); an image is
 * dropped at its exit. Not thread-safe.
 */
#ifndef CAPREC_PROCESS_MODULES_H
#define CAPREC_PROCESS_MODULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* su with its pam modules maps ~40 libraries. */
#define PROCESS_MODULES_PER_PROCESS 64

struct process_modules;

/*
 * A file loaded at [start, end), its virtual addresses moved by bias; or,
 * from a mapping record (mapped), the file's bytes at [start, end) with file
 * offset o at address o + bias: the caller turns that into a placement with
 * the file's segments, opening the file only when a frame lands in it.
 */
struct placed_module {
	const char *path; /* owned by the table */
	uint64_t start;
	uint64_t end;
	uint64_t bias;
	bool mapped;
};

/* max_processes 0 = 4096. */
int process_modules_new(struct process_modules **out, size_t max_processes);
void process_modules_free(struct process_modules *t);
/* Remembers a placement (ignored when already known or the image is full). 0 or -ENOMEM. */
int process_modules_add(struct process_modules *t, uint32_t pid, uint64_t start_time_ns,
			const char *path, uint64_t start, uint64_t end, uint64_t bias);
/*
 * Remembers that the file at path is mapped at [start, start + len) from
 * file offset pgoff (a mapping record): the newest mapping of a range wins,
 * older placements overlapping it are dropped (a library unloaded, another
 * loaded at its place). 0 or -ENOMEM.
 */
int process_modules_map(struct process_modules *t, uint32_t pid, uint64_t start_time_ns,
			const char *path, uint64_t start, uint64_t len, uint64_t pgoff);
/* The placement holding addr. *m valid until the next add/forget. 0 or -ENOENT. */
int process_modules_find(struct process_modules *t, uint32_t pid, uint64_t start_time_ns,
			 uint64_t addr, const struct placed_module **m);
/*
 * Counts a failed search for a placement in an image and returns how many
 * there were: the caller stops searching after a few (each costs a scan).
 */
unsigned int process_modules_search_failed(struct process_modules *t, uint32_t pid,
					   uint64_t start_time_ns, int count_it);
/*
 * A forked child runs its parent's image until it execs: it starts with the
 * parent's placements (its libraries were mapped before the fork, so no
 * mapping record names them for the child). 0 or -ENOMEM.
 */
int process_modules_inherit(struct process_modules *t, uint32_t pid, uint64_t start_time_ns,
			    uint32_t parent_pid, uint64_t parent_start_time_ns);
/* Drops what is known of an image (exit, exec). */
void process_modules_forget(struct process_modules *t, uint32_t pid, uint64_t start_time_ns);
/* Images remembered (for tests: the table shrinks at exits). */
size_t process_modules_count(const struct process_modules *t);

#endif /* CAPREC_PROCESS_MODULES_H */
