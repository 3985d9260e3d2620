// SPDX-License-Identifier: GPL-2.0-only
/*
 * elf_symbols.c - the recording host's cache of opened binaries (see
 * elf_symbols.h); reading one binary is elf/elf_binary.c.
 */
#include "elf_symbols.h"
#include "crf_clock.h"
#include "debug_refusals.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630 /* linux/magic.h */
#endif


struct cache_slot {
	bool used;
	uint64_t dev;
	uint64_t inode;
	char *path;           /* the path asked for; the key when dev and inode are 0 */
	struct elf_binary *bin; /* NULL: opening failed with err */
	int err;
	uint64_t failed_at_ns;  /* CLOCK_MONOTONIC of the failure, to retry it later */
	uint64_t last_used;
};

/*
 * A failure to open is remembered so that each frame does not retry it, but
 * not forever: another process may map the same file from a path we can
 * open. Only "not an ELF file" is final.
 */
static bool retry_due(const struct cache_slot *slot)
{
	return !slot->bin && slot->err != -ENOEXEC &&
	       crf_clock_ns(CLOCK_MONOTONIC) - slot->failed_at_ns >= ELF_SYMBOLS_RETRY_NS;
}

struct elf_symbols_cache {
	struct cache_slot *slots;
	size_t max;
	uint64_t clock;
	char *debug_root; /* NULL: the default; "" = no debug files */
};

int elf_symbols_cache_set_debug_root(struct elf_symbols_cache *cache, const char *debug_root)
{
	char *copy = NULL;

	if (debug_root) {
		copy = strdup(debug_root);
		if (!copy)
			return -ENOMEM;
	}
	free(cache->debug_root);
	cache->debug_root = copy;
	return 0;
}

int elf_symbols_cache_new(struct elf_symbols_cache **out, size_t max_binaries)
{
	struct elf_symbols_cache *c;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->max = max_binaries ? max_binaries : 256;
	c->slots = calloc(c->max, sizeof(*c->slots));
	if (!c->slots) {
		free(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

static void slot_clear(struct cache_slot *slot)
{
	elf_binary_free(slot->bin);
	free(slot->path);
	memset(slot, 0, sizeof(*slot));
}

void elf_symbols_cache_free(struct elf_symbols_cache *cache)
{
	size_t i;

	if (!cache)
		return;
	for (i = 0; i < cache->max; i++)
		slot_clear(&cache->slots[i]);
	free(cache->slots);
	free(cache->debug_root);
	free(cache);
}

static bool slot_matches(const struct cache_slot *slot, const char *path, uint64_t dev,
			 uint64_t inode)
{
	if (!slot->used)
		return false;
	if (dev || inode)
		return slot->dev == dev && slot->inode == inode;
	return !slot->dev && !slot->inode && slot->path && path && !strcmp(slot->path, path);
}

/* Opens candidate path when it is the expected file (by dev and inode, if known). */
/*
 * True when fd is the file the kernel listed as (dev, inode). A file seen
 * through overlayfs (containers) is mapped as the layer's real file, while
 * fstat() on the overlay path reports the overlay's device with the real
 * inode number: there, the inode number alone must match.
 */
static bool is_mapped_file(int fd, uint64_t dev, uint64_t inode)
{
	struct statfs sfs;
	struct stat st;

	if (fstat(fd, &st) || (uint64_t)st.st_ino != inode)
		return false;
	if ((uint64_t)st.st_dev == dev)
		return true;
	return !fstatfs(fd, &sfs) && sfs.f_type == OVERLAYFS_SUPER_MAGIC;
}

/*
 * binary_path is the path the process mapped the file from: where its
 * .gnu_debuglink is looked for (beside it, its .debug/, the debug root).
 */
static int open_checked(const char *path, uint64_t dev, uint64_t inode, bool check,
			const char *debug_root, const char *binary_path, struct elf_binary **bin)
{
	struct elf_debug_places places = {
		.debug_root = debug_root,
		.binary_path = binary_path && binary_path[0] == '/' ? binary_path : NULL,
	};
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (check && (dev || inode) && !is_mapped_file(fd, dev, inode)) {
		close(fd);
		return -ESTALE; /* another file now lives at that path */
	}
	err = elf_binary_open_fd_places(bin, fd, &places);
	close(fd);
	if (!err)
		debug_refusals_note(*bin);
	return err;
}

static int open_mapped(uint32_t pid, uint64_t start, uint64_t end, const char *path,
		       uint64_t dev, uint64_t inode, const char *debug_root,
		       struct elf_binary **bin)
{
	char candidate[PATH_MAX + 64];
	int err;

	if (pid) {
		snprintf(candidate, sizeof(candidate), "/proc/%" PRIu32 "/map_files/%" PRIx64
			 "-%" PRIx64, pid, start, end);
		err = open_checked(candidate, dev, inode, false, debug_root, path, bin);
		if (err != -ENOENT && err != -EACCES && err != -EPERM && err != -ESRCH)
			return err; /* success, or the file itself is the problem */
		if (path && path[0] == '/') {
			snprintf(candidate, sizeof(candidate), "/proc/%" PRIu32 "/root%s", pid,
				 path);
			err = open_checked(candidate, dev, inode, true, debug_root, path, bin);
			if (!err || err == -ENOEXEC)
				return err;
		}
	}
	if (!path || path[0] != '/')
		return -ENOENT;
	err = open_checked(path, dev, inode, true, debug_root, path, bin);
	return err == -ESTALE ? -ENOENT : err;
}

/* A free slot, else the least recently used one, which makes room. */
static struct cache_slot *free_or_oldest_slot(struct elf_symbols_cache *cache)
{
	struct cache_slot *oldest = &cache->slots[0];
	size_t i;

	for (i = 0; i < cache->max; i++) {
		if (!cache->slots[i].used)
			return &cache->slots[i];
		if (cache->slots[i].last_used < oldest->last_used)
			oldest = &cache->slots[i];
	}
	return oldest;
}

int elf_symbols_cache_get(struct elf_symbols_cache *cache, uint32_t pid, uint64_t start,
			  uint64_t end, const char *path, uint64_t dev, uint64_t inode,
			  const struct elf_binary **bin)
{
	struct cache_slot *slot = NULL;
	struct elf_binary *opened = NULL;
	size_t i;
	int err;

	*bin = NULL;
	if (!dev && !inode && !path)
		return -EINVAL;
	for (i = 0; i < cache->max; i++) {
		if (slot_matches(&cache->slots[i], path, dev, inode)) {
			slot = &cache->slots[i];
			slot->last_used = ++cache->clock;
			if (retry_due(slot))
				break; /* reuse this slot for the new attempt */
			*bin = slot->bin;
			return slot->err;
		}
	}
	err = open_mapped(pid, start, end, path, dev, inode, cache->debug_root, &opened);
	if (err == -ENOMEM)
		return err; /* not a property of the file: do not cache */

	if (!slot)
		slot = free_or_oldest_slot(cache);
	slot_clear(slot);
	if (path) {
		slot->path = strdup(path);
		if (!slot->path) {
			elf_binary_free(opened);
			return -ENOMEM;
		}
	}
	slot->used = true;
	slot->dev = dev;
	slot->inode = inode;
	slot->bin = opened;
	slot->err = err;
	slot->failed_at_ns = err ? crf_clock_ns(CLOCK_MONOTONIC) : 0;
	slot->last_used = ++cache->clock;
	*bin = opened;
	return err;
}

int elf_symbols_cache_find(struct elf_symbols_cache *cache, uint64_t dev, uint64_t inode,
			   const struct elf_binary **bin, const char **path)
{
	size_t i;

	*bin = NULL;
	*path = NULL;
	if (!dev && !inode)
		return -ENOENT;
	for (i = 0; i < cache->max; i++) {
		struct cache_slot *slot = &cache->slots[i];

		if (!slot_matches(slot, NULL, dev, inode))
			continue;
		if (!slot->bin)
			return -ENOENT;
		slot->last_used = ++cache->clock;
		*bin = slot->bin;
		*path = slot->path;
		return 0;
	}
	return -ENOENT;
}
