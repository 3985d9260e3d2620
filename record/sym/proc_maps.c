// SPDX-License-Identifier: GPL-2.0-only
/*
 * proc_maps.c - parses /proc/PID/maps into the executable mappings of a
 * process, and caches one snapshot per process image.
 */
#include "proc_maps.h"
#include "crf_clock.h"
#include "proc_info.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>

struct proc_maps {
	struct proc_mapping *mappings; /* sorted by start, as the kernel lists them */
	size_t count;
	size_t capacity;
};

static const char deleted_suffix[] = " (deleted)";

static bool is_special(const char *name)
{
	return !strcmp(name, "[vdso]") || !strcmp(name, "[vsyscall]") ||
	       !strcmp(name, "[uprobes]") || !strcmp(name, "[vvar]");
}

/*
 * "start-end perms offset major:minor inode   path". Returns 1 for a kept
 * (executable) mapping, 0 for a skipped one, -EINVAL, -ENOMEM.
 */
static int parse_line(char *line, struct proc_mapping *m)
{
	unsigned long long start, end, pgoff, inode;
	unsigned int major, minor;
	char perms[5];
	int path_at = -1;
	char *path;
	size_t len;

	memset(m, 0, sizeof(*m));
	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end, perms, &pgoff, &major,
		   &minor, &inode, &path_at) < 7 || path_at < 0)
		return -EINVAL;
	if (end <= start || strlen(perms) != 4)
		return -EINVAL;
	if (perms[2] != 'x')
		return 0;
	m->start = start;
	m->end = end;
	m->pgoff = pgoff;
	m->dev = makedev(major, minor);
	m->inode = inode;

	path = line + path_at;
	len = strcspn(path, "\n");
	path[len] = '\0';
	if (!len) {
		m->flags = PROC_MAP_ANON;
		return 1;
	}
	if (len >= sizeof(deleted_suffix) - 1 &&
	    !strcmp(path + len - (sizeof(deleted_suffix) - 1), deleted_suffix)) {
		m->flags |= PROC_MAP_DELETED;
		path[len - (sizeof(deleted_suffix) - 1)] = '\0';
	}
	if (path[0] == '[') {
		m->flags |= is_special(path) ? PROC_MAP_SPECIAL : PROC_MAP_ANON;
		m->dev = 0;
		m->inode = 0;
	} else if (!strncmp(path, "/memfd:", 7)) {
		m->flags |= PROC_MAP_MEMFD;
	} else if (path[0] != '/' && !inode) {
		m->flags |= PROC_MAP_ANON; /* anon_inode:... and the like: no binary */
	}
	m->path = strdup(path);
	if (!m->path)
		return -ENOMEM;
	return 1;
}

void proc_maps_free(struct proc_maps *maps)
{
	size_t i;

	if (!maps)
		return;
	for (i = 0; i < maps->count; i++)
		free((char *)maps->mappings[i].path);
	free(maps->mappings);
	free(maps);
}

int proc_maps_parse_file(struct proc_maps **out, const char *path)
{
	struct proc_maps *maps = NULL;
	struct proc_mapping m;
	size_t line_cap = 0;
	char *line = NULL;
	FILE *f;
	int err;

	*out = NULL;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	maps = calloc(1, sizeof(*maps));
	if (!maps) {
		err = -ENOMEM;
		goto cleanup;
	}
	errno = 0;
	while (getline(&line, &line_cap, f) > 0) {
		err = parse_line(line, &m);
		if (err < 0)
			goto cleanup;
		if (!err)
			continue;
		if (maps->count == maps->capacity) {
			size_t cap = maps->capacity ? maps->capacity * 2 : 32;
			void *p = realloc(maps->mappings, cap * sizeof(*maps->mappings));

			if (!p) {
				free((char *)m.path);
				err = -ENOMEM;
				goto cleanup;
			}
			maps->mappings = p;
			maps->capacity = cap;
		}
		/* The kernel lists by address; a crafted file out of order is refused. */
		if (maps->count && m.start < maps->mappings[maps->count - 1].end) {
			free((char *)m.path);
			err = -EINVAL;
			goto cleanup;
		}
		maps->mappings[maps->count++] = m;
	}
	if (ferror(f)) {
		err = errno ? -errno : -EIO;
		goto cleanup;
	}
	*out = maps;
	maps = NULL;
	err = 0;
cleanup:
	free(line);
	fclose(f);
	proc_maps_free(maps);
	return err;
}

int proc_maps_read(struct proc_maps **out, uint32_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/maps", pid);
	return proc_maps_parse_file(out, path);
}

size_t proc_maps_count(const struct proc_maps *maps)
{
	return maps->count;
}

const struct proc_mapping *proc_maps_get(const struct proc_maps *maps, size_t index)
{
	return index < maps->count ? &maps->mappings[index] : NULL;
}

const struct proc_mapping *proc_maps_find(const struct proc_maps *maps, uint64_t addr)
{
	size_t lo = 0, hi = maps->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct proc_mapping *m = &maps->mappings[mid];

		if (addr < m->start)
			hi = mid;
		else if (addr >= m->end)
			lo = mid + 1;
		else
			return m;
	}
	return NULL;
}

uint64_t proc_mapping_file_offset(const struct proc_mapping *m, uint64_t addr)
{
	return addr - m->start + m->pgoff;
}

/* ---- cache: one snapshot per process image ---- */

struct cache_entry {
	struct cache_entry *next; /* hash chain */
	uint32_t pid;
	uint64_t start_time_ns;
	uint64_t last_used;       /* cache->clock when last found */
	uint64_t read_at_ns;      /* CLOCK_MONOTONIC of the last read of the maps file */
	struct proc_maps *maps;   /* NULL until a read succeeded */
};

struct proc_maps_cache {
	struct cache_entry **buckets;
	size_t bucket_count; /* power of two */
	size_t count;
	size_t max;
	uint64_t clock;
};

int proc_maps_cache_new(struct proc_maps_cache **out, size_t max_processes)
{
	struct proc_maps_cache *c;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->max = max_processes ? max_processes : 4096;
	c->bucket_count = 64;
	while (c->bucket_count < c->max)
		c->bucket_count *= 2;
	c->buckets = calloc(c->bucket_count, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

void proc_maps_cache_free(struct proc_maps_cache *cache)
{
	size_t i;

	if (!cache)
		return;
	for (i = 0; i < cache->bucket_count; i++) {
		struct cache_entry *e = cache->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			proc_maps_free(e->maps);
			free(e);
		}
	}
	free(cache->buckets);
	free(cache);
}

static struct cache_entry **bucket_of(struct proc_maps_cache *c, uint32_t pid)
{
	return &c->buckets[(pid * 2654435761u) & (c->bucket_count - 1)];
}

static struct cache_entry *lookup(struct proc_maps_cache *c, uint32_t pid, uint64_t start_time_ns)
{
	struct cache_entry *e;

	for (e = *bucket_of(c, pid); e; e = e->next)
		if (e->pid == pid && e->start_time_ns == start_time_ns)
			return e;
	return NULL;
}

static void unlink_entry(struct proc_maps_cache *c, struct cache_entry *victim)
{
	struct cache_entry **link;

	for (link = bucket_of(c, victim->pid); *link; link = &(*link)->next) {
		if (*link == victim) {
			*link = victim->next;
			proc_maps_free(victim->maps);
			free(victim);
			c->count--;
			return;
		}
	}
}

/* Eviction scans everything: it only happens once the cache holds max processes. */
static void evict_oldest(struct proc_maps_cache *c)
{
	struct cache_entry *oldest = NULL, *e;
	size_t i;

	for (i = 0; i < c->bucket_count; i++)
		for (e = c->buckets[i]; e; e = e->next)
			if (!oldest || e->last_used < oldest->last_used)
				oldest = e;
	if (oldest)
		unlink_entry(c, oldest);
}

static struct cache_entry *insert(struct proc_maps_cache *c, uint32_t pid, uint64_t start_time_ns)
{
	struct cache_entry **bucket, *e;

	if (c->count >= c->max)
		evict_oldest(c);
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->pid = pid;
	e->start_time_ns = start_time_ns;
	bucket = bucket_of(c, pid);
	e->next = *bucket;
	*bucket = e;
	c->count++;
	return e;
}

/* Re-reads the maps of e's process, if /proc/PID is still that process. */
static int reread(struct cache_entry *e)
{
	struct proc_maps *maps;
	uint64_t ticks;
	int err;

	e->read_at_ns = crf_clock_ns(CLOCK_MONOTONIC);
	if (e->start_time_ns) {
		err = proc_info_start_ticks(e->pid, &ticks);
		if (err == -ENOENT)
			return -ESRCH;
		if (err)
			return err;
		if (!proc_info_start_matches(e->start_time_ns, ticks))
			return -ESRCH; /* the pid now belongs to another process */
	}
	err = proc_maps_read(&maps, e->pid);
	if (err == -ENOENT)
		return -ESRCH;
	if (err)
		return err;
	proc_maps_free(e->maps);
	e->maps = maps;
	return 0;
}

int proc_maps_cache_refresh(struct proc_maps_cache *cache, uint32_t pid, uint64_t start_time_ns)
{
	struct cache_entry *e;
	int err;

	e = lookup(cache, pid, start_time_ns);
	if (!e) {
		e = insert(cache, pid, start_time_ns);
		if (!e)
			return -ENOMEM;
	}
	e->last_used = ++cache->clock;
	err = reread(e);
	if (err && !e->maps)
		unlink_entry(cache, e);
	return err;
}

int proc_maps_cache_find(struct proc_maps_cache *cache, uint32_t pid, uint64_t start_time_ns,
			 uint64_t addr, const struct proc_mapping **mapping)
{
	const struct proc_mapping *m = NULL;
	struct cache_entry *e;
	int err;

	*mapping = NULL;
	e = lookup(cache, pid, start_time_ns);
	if (e && e->maps) {
		e->last_used = ++cache->clock;
		m = proc_maps_find(e->maps, addr);
		if (m)
			goto found;
		if (crf_clock_ns(CLOCK_MONOTONIC) - e->read_at_ns < PROC_MAPS_REREAD_INTERVAL_NS)
			return -ENOENT;
	}
	err = proc_maps_cache_refresh(cache, pid, start_time_ns);
	e = lookup(cache, pid, start_time_ns);
	if (!e || !e->maps)
		return err ? err : -ESRCH;
	/* A process that is gone keeps its last snapshot: a miss is then final. */
	m = proc_maps_find(e->maps, addr);
	if (!m)
		return -ENOENT;
found:
	*mapping = m;
	return 0;
}

void proc_maps_cache_forget(struct proc_maps_cache *cache, uint32_t pid, uint64_t start_time_ns)
{
	struct cache_entry *e = lookup(cache, pid, start_time_ns);

	if (e)
		unlink_entry(cache, e);
}
