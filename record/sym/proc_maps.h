/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * proc_maps.h - the executable mappings of a process, read from
 * /proc/PID/maps, to turn a user-space instruction address into
 * (binary, file offset): the only form of a user frame that stays meaningful
 * on another machine.
 *
 * Two layers: struct proc_maps is one snapshot of one maps file;
 * struct proc_maps_cache keeps one snapshot per process, keyed by
 * pid + start time (so a reused pid never gets another process's maps), and
 * re-reads the file when an address is not covered (a library loaded later).
 * When the process has exited, the last snapshot keeps serving.
 *
 * Errors are negative errno values.
 */
#ifndef CAPREC_PROC_MAPS_H
#define CAPREC_PROC_MAPS_H

#include <stddef.h>
#include <stdint.h>

/* struct proc_mapping.flags */
#define PROC_MAP_ANON (1u << 0)    /* no file: anonymous memory, JIT code, heap, stack */
#define PROC_MAP_SPECIAL (1u << 1) /* kernel-provided: [vdso], [vsyscall], [uprobes] */
#define PROC_MAP_DELETED (1u << 2) /* the file was unlinked: path ends with " (deleted)" */
#define PROC_MAP_MEMFD (1u << 3)   /* a memfd: path is "/memfd:NAME" */

/* One executable mapping (only mappings with the x permission are kept). */
struct proc_mapping {
	uint64_t start;  /* first address */
	uint64_t end;    /* one past the last address */
	uint64_t pgoff;  /* file offset of start */
	uint64_t dev;    /* device of the file, as makedev(major, minor); 0 for anon */
	uint64_t inode;  /* inode of the file; 0 for anon */
	uint32_t flags;  /* PROC_MAP_* */
	/*
	 * The path as the kernel shows it, without the " (deleted)" suffix;
	 * "[vdso]" etc. for special mappings; the name of named anonymous
	 * memory ("[anon:jit]", "[heap]"); NULL for unnamed anonymous memory.
	 * Owned by the snapshot.
	 */
	const char *path;
};

struct proc_maps;

/* Parses a maps file (for /proc/PID/maps or a crafted copy). *out owns the snapshot. */
int proc_maps_parse_file(struct proc_maps **out, const char *path);

/* Reads /proc/PID/maps. -ENOENT/-ESRCH when the process is gone. */
int proc_maps_read(struct proc_maps **out, uint32_t pid);

void proc_maps_free(struct proc_maps *maps);

size_t proc_maps_count(const struct proc_maps *maps);
const struct proc_mapping *proc_maps_get(const struct proc_maps *maps, size_t index);

/* The executable mapping containing addr, or NULL. */
const struct proc_mapping *proc_maps_find(const struct proc_maps *maps, uint64_t addr);

/* file offset = addr - start + pgoff (meaningless for PROC_MAP_ANON mappings). */
uint64_t proc_mapping_file_offset(const struct proc_mapping *m, uint64_t addr);

struct proc_maps_cache;

#define PROC_MAPS_REREAD_INTERVAL_NS 20000000ull

/*
 * max_processes bounds the number of snapshots kept (the least recently used
 * is dropped first); 0 = 4096.
 */
int proc_maps_cache_new(struct proc_maps_cache **out, size_t max_processes);
void proc_maps_cache_free(struct proc_maps_cache *cache);

/*
 * Finds the mapping containing addr in process pid, whose thread group
 * leader started at start_time_ns (CLOCK_BOOTTIME ns, as BPF's
 * task->group_leader->start_boottime or proc_info's start_time_ns; compared at
 * clock-tick granularity, since /proc only shows ticks). 0 = do not check.
 *
 * Reads /proc/PID/maps the first time, and again when addr is not covered and
 * the process is still the same one (at most once per
 * PROC_MAPS_REREAD_INTERVAL_NS per process, so a stack full of garbage
 * addresses does not re-read the file for each). On success *mapping points into the
 * cache: valid until the next call on the cache.
 * Returns 0; -ENOENT when no executable mapping covers addr; -ESRCH when the
 * process is gone (or the pid is now another process) and no snapshot of it
 * was taken before; other negative errno when /proc cannot be read.
 */
int proc_maps_cache_find(struct proc_maps_cache *cache, uint32_t pid, uint64_t start_time_ns,
			 uint64_t addr, const struct proc_mapping **mapping);

/*
 * Takes a snapshot now (e.g. when the process execs or is first seen), so
 * that frames can still be translated after it exits. Same returns as above,
 * without -ENOENT.
 */
int proc_maps_cache_refresh(struct proc_maps_cache *cache, uint32_t pid, uint64_t start_time_ns);

/* Drops the snapshot of a process image (after its exit or exec has been fully handled). */
void proc_maps_cache_forget(struct proc_maps_cache *cache, uint32_t pid, uint64_t start_time_ns);

#endif /* CAPREC_PROC_MAPS_H */
