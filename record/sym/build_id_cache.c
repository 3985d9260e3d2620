// SPDX-License-Identifier: GPL-2.0-only
#include "build_id_cache.h"
#include "crf_hash.h"
#include "debug_refusals.h"

#include "proc_maps.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024
#define MAX_ENTRIES 4096 /* bounds memory on a busy host: later binaries stay unnamed */
/*
 * Binaries kept open (their symbol tables are most of the recorder's memory:
 * a large C++ library's take tens of MiB); the least recently used is closed
 * and opened again when needed.
 */
#define MAX_OPEN 24

struct entry {
	uint8_t build_id[ELF_BUILD_ID_MAX];
	size_t len;
	char *path;
	struct elf_binary *bin;
	bool opened;           /* bin was tried */
	uint64_t last_used;
	struct entry *next;
};

struct tried_path {
	char *path;
	struct tried_path *next;
};

/*
 * Binaries linked without a build-id (-Wl,--build-id=none) are known by
 * path only. Rare, so few and never closed; the unwinder read the same file.
 */
#define MAX_UNIDENTIFIED 64

struct unidentified {
	char *path;
	struct elf_binary *bin; /* NULL: it could not be opened */
};

struct build_id_cache {
	struct unidentified unidentified[MAX_UNIDENTIFIED];
	size_t unidentified_count;
	struct entry *buckets[BUCKETS];
	struct tried_path *tried[BUCKETS];
	size_t entries;
	size_t tried_count;
	size_t open_count;
	uint64_t clock;
};

/* Closes the least recently used open binary (it is opened again when asked for). */
static void close_oldest(struct build_id_cache *c)
{
	struct entry *oldest = NULL, *e;
	size_t i;

	for (i = 0; i < BUCKETS; i++) {
		for (e = c->buckets[i]; e; e = e->next) {
			if (e->bin && (!oldest || e->last_used < oldest->last_used))
				oldest = e;
		}
	}
	if (!oldest)
		return;
	elf_binary_free(oldest->bin);
	oldest->bin = NULL;
	oldest->opened = false;
	c->open_count--;
}

static size_t bucket_of(const void *key, size_t len)
{
	return (size_t)(crf_hash(CRF_HASH_SEED, key, len) % BUCKETS);
}

int build_id_cache_new(struct build_id_cache **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void build_id_cache_free(struct build_id_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->unidentified_count; i++) {
		free(c->unidentified[i].path);
		elf_binary_free(c->unidentified[i].bin);
	}
	for (i = 0; i < BUCKETS; i++) {
		struct entry *e, *next_e;
		struct tried_path *t, *next_t;

		for (e = c->buckets[i]; e; e = next_e) {
			next_e = e->next;
			elf_binary_free(e->bin);
			free(e->path);
			free(e);
		}
		for (t = c->tried[i]; t; t = next_t) {
			next_t = t->next;
			free(t->path);
			free(t);
		}
	}
	free(c);
}

static struct entry *lookup(struct build_id_cache *c, const uint8_t *build_id, size_t len)
{
	struct entry *e;

	for (e = c->buckets[bucket_of(build_id, len)]; e; e = e->next) {
		if (e->len == len && memcmp(e->build_id, build_id, len) == 0)
			return e;
	}
	return NULL;
}

int build_id_cache_learn(struct build_id_cache *c, const uint8_t *build_id, size_t len,
			 const char *path)
{
	struct entry *e;
	size_t bucket;

	if (!len || len > ELF_BUILD_ID_MAX || !path || !*path)
		return 0;
	if (lookup(c, build_id, len) || c->entries >= MAX_ENTRIES)
		return 0;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->path = strdup(path);
	if (!e->path) {
		free(e);
		return -ENOMEM;
	}
	memcpy(e->build_id, build_id, len);
	e->len = len;
	bucket = bucket_of(build_id, len);
	e->next = c->buckets[bucket];
	c->buckets[bucket] = e;
	c->entries++;
	return 0;
}

int build_id_cache_learn_file(struct build_id_cache *c, const char *path)
{
	size_t bucket = bucket_of(path, strlen(path)), len;
	struct elf_binary *bin = NULL;
	const uint8_t *build_id;
	struct tried_path *t;
	struct entry *e;
	int err;

	for (t = c->tried[bucket]; t; t = t->next) {
		if (strcmp(t->path, path) == 0)
			return -EALREADY;
	}
	if (c->tried_count < MAX_ENTRIES) {
		t = calloc(1, sizeof(*t));
		if (!t)
			return -ENOMEM;
		t->path = strdup(path);
		if (!t->path) {
			free(t);
			return -ENOMEM;
		}
		t->next = c->tried[bucket];
		c->tried[bucket] = t;
		c->tried_count++;
	}
	err = elf_binary_open(&bin, path);
	if (err)
		return err;
	debug_refusals_note(bin);
	build_id = elf_binary_build_id(bin, &len);
	if (!build_id || !len) {
		elf_binary_free(bin);
		return 0;
	}
	err = build_id_cache_learn(c, build_id, len, path);
	e = err ? NULL : lookup(c, build_id, len);
	if (e && !e->opened) {
		e->bin = bin; /* already open: keep it */
		e->opened = true;
		return 0;
	}
	elf_binary_free(bin);
	return err;
}

int build_id_cache_find(struct build_id_cache *c, const uint8_t *build_id, size_t len,
			const char **path, const struct elf_binary **bin)
{
	struct entry *e = lookup(c, build_id, len);

	if (!e)
		return -ENOENT;
	e->last_used = ++c->clock;
	if (!e->opened) {
		e->opened = true;
		if (c->open_count >= MAX_OPEN)
			close_oldest(c);
		if (elf_binary_open(&e->bin, e->path) == 0) {
			size_t got_len;
			const uint8_t *got = elf_binary_build_id(e->bin, &got_len);

			debug_refusals_note(e->bin);
			/* The file at that path was replaced: not the binary that ran. */
			if (!got || got_len != len || memcmp(got, build_id, len) != 0) {
				elf_binary_free(e->bin);
				e->bin = NULL;
			}
		}
		if (e->bin)
			c->open_count++;
	}
	*path = e->path;
	*bin = e->bin;
	return 0;
}

void build_id_cache_learn_process(struct build_id_cache *c, uint32_t pid)
{
	struct proc_maps *maps = NULL;
	size_t i;

	if (proc_maps_read(&maps, pid))
		return;
	for (i = 0; i < proc_maps_count(maps); i++) {
		const struct proc_mapping *m = proc_maps_get(maps, i);

		if (m->path && m->path[0] == '/' &&
		    !(m->flags & (PROC_MAP_ANON | PROC_MAP_SPECIAL | PROC_MAP_DELETED |
				  PROC_MAP_MEMFD)))
			build_id_cache_learn_file(c, m->path);
	}
	proc_maps_free(maps);
}

int build_id_cache_find_path(struct build_id_cache *c, const char *path, const uint8_t **build_id,
			     size_t *len)
{
	size_t i;

	/* Rare (address-only frames of exited processes): a scan is fine. */
	for (i = 0; i < BUCKETS; i++) {
		struct entry *e;

		for (e = c->buckets[i]; e; e = e->next) {
			if (strcmp(e->path, path) == 0) {
				*build_id = e->build_id;
				*len = e->len;
				return 0;
			}
		}
	}
	return -ENOENT;
}

int build_id_cache_find_unidentified(struct build_id_cache *c, const char *path,
				     const struct elf_binary **bin)
{
	struct unidentified *u;
	size_t i, len;
	int err;

	*bin = NULL;
	if (!path || path[0] != '/')
		return -ENOENT;
	for (i = 0; i < c->unidentified_count; i++) {
		if (!strcmp(c->unidentified[i].path, path)) {
			*bin = c->unidentified[i].bin;
			return *bin ? 0 : -ENOENT;
		}
	}
	if (c->unidentified_count == MAX_UNIDENTIFIED)
		return -ENOENT;
	u = &c->unidentified[c->unidentified_count];
	u->path = strdup(path);
	if (!u->path)
		return -ENOMEM;
	c->unidentified_count++;
	err = elf_binary_open(&u->bin, path);
	if (err)
		return err == -ENOMEM ? err : -ENOENT;
	debug_refusals_note(u->bin);
	/* A build-id now: another file took the path; the build-id entries name its frames. */
	if (elf_binary_build_id(u->bin, &len)) {
		elf_binary_free(u->bin);
		u->bin = NULL;
		return -ENOENT;
	}
	*bin = u->bin;
	return 0;
}
