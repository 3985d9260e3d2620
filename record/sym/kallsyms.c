// SPDX-License-Identifier: GPL-2.0-only
/*
 * kallsyms.c - loads /proc/kallsyms into one sorted array of 16-byte entries
 * and one string arena; resolves addresses by binary search.
 */
#include "kallsyms.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ks_entry {
	uint64_t addr;
	uint32_t name;   /* arena offset; grows in file order, so it doubles as a sequence */
	uint16_t module; /* index into modules[]; 0 = vmlinux */
	uint8_t local;   /* 1 for t/w: a global alias at the same address is preferred */
	uint8_t pad;
};

_Static_assert(sizeof(struct ks_entry) == 16, "kallsyms entries must stay compact");

struct kallsyms {
	struct ks_entry *entries;
	size_t count;
	size_t capacity;
	char *arena;
	size_t arena_len;
	size_t arena_cap;
	uint32_t *modules; /* arena offsets of module names; modules[0] = "" */
	size_t module_count;
	size_t module_cap;
};

static int grow(void **buf, size_t *cap, size_t need, size_t elem, size_t first)
{
	size_t cap_new;
	void *p;

	if (need <= *cap)
		return 0;
	cap_new = *cap ? *cap : first;
	while (cap_new < need)
		cap_new *= 2;
	p = realloc(*buf, cap_new * elem);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = cap_new;
	return 0;
}

/* Appends s (len bytes) plus a NUL to the arena; *off receives where it starts. */
static int arena_add(struct kallsyms *ks, const char *s, size_t len, uint32_t *off)
{
	int err;

	if (ks->arena_len + len + 1 > UINT32_MAX)
		return -ENOMEM;
	err = grow((void **)&ks->arena, &ks->arena_cap, ks->arena_len + len + 1, 1, 1 << 20);
	if (err)
		return err;
	memcpy(ks->arena + ks->arena_len, s, len);
	ks->arena[ks->arena_len + len] = '\0';
	*off = (uint32_t)ks->arena_len;
	ks->arena_len += len + 1;
	return 0;
}

/* Module lines come in runs, so remembering the last one avoids most searches. */
static int module_index(struct kallsyms *ks, const char *name, size_t len, uint16_t *index)
{
	uint32_t off;
	size_t i;
	int err;

	for (i = ks->module_count; i-- > 0;) {
		const char *m = ks->arena + ks->modules[i];

		if (strlen(m) == len && !memcmp(m, name, len)) {
			*index = (uint16_t)i;
			return 0;
		}
	}
	if (ks->module_count >= UINT16_MAX)
		return -E2BIG;
	err = grow((void **)&ks->modules, &ks->module_cap, ks->module_count + 1,
		   sizeof(*ks->modules), 64);
	if (err)
		return err;
	err = arena_add(ks, name, len, &off);
	if (err)
		return err;
	ks->modules[ks->module_count] = off;
	*index = (uint16_t)ks->module_count++;
	return 0;
}

/*
 * One line: "ffffffff81000000 T _text" or "ffffffffc0a01000 t fn\t[mod]".
 * Returns 1 when the line is a kept text symbol, 0 when skipped, -EINVAL.
 */
static int parse_line(struct kallsyms *ks, char *line, bool *nonzero)
{
	const char *name, *module = "";
	size_t name_len, module_len = 0;
	struct ks_entry *e;
	unsigned long long addr;
	char *end, type;
	uint16_t mod_index = 0;
	int err;

	errno = 0;
	addr = strtoull(line, &end, 16);
	if (end == line || *end != ' ' || errno)
		return -EINVAL;
	if (addr)
		*nonzero = true;
	type = end[1];
	if (!type || end[2] != ' ')
		return -EINVAL;
	name = end + 3;
	name_len = strcspn(name, " \t\n");
	if (!name_len)
		return -EINVAL;
	if (name[name_len] == '\t' || name[name_len] == ' ') {
		const char *m = name + name_len + strspn(name + name_len, " \t");

		if (*m == '[') {
			module = m + 1;
			module_len = strcspn(module, "]");
			if (module[module_len] != ']' || !module_len)
				return -EINVAL;
		}
	}
	if (type != 't' && type != 'T' && type != 'w' && type != 'W')
		return 0;

	if (module_len) {
		err = module_index(ks, module, module_len, &mod_index);
		if (err)
			return err;
	}
	err = grow((void **)&ks->entries, &ks->capacity, ks->count + 1, sizeof(*ks->entries), 4096);
	if (err)
		return err;
	e = &ks->entries[ks->count];
	memset(e, 0, sizeof(*e));
	e->addr = addr;
	e->module = mod_index;
	e->local = type == 't' || type == 'w';
	err = arena_add(ks, name, name_len, &e->name);
	if (err)
		return err;
	ks->count++;
	return 1;
}

/* Growth by doubling leaves up to half unused: give it back once loading is done. */
static void shrink_to_fit(struct kallsyms *ks)
{
	void *p;

	p = realloc(ks->entries, ks->count * sizeof(*ks->entries));
	if (p) {
		ks->entries = p;
		ks->capacity = ks->count;
	}
	p = realloc(ks->arena, ks->arena_len);
	if (p) {
		ks->arena = p;
		ks->arena_cap = ks->arena_len;
	}
}

/* Address, then global before local, then file order: the first of a run is the preferred alias. */
static int entry_cmp(const void *a, const void *b)
{
	const struct ks_entry *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->local != y->local)
		return x->local - y->local;
	return x->name < y->name ? -1 : x->name > y->name;
}

/*
 * Merge sort of [lo, hi) through tmp. The file is almost sorted already
 * (vmlinux in address order, then each module's block), so a run that is
 * already in order is left alone: close to linear on real input, and no
 * per-element memcpy() call as qsort() makes for 16-byte elements.
 */
static void sort_entries(struct ks_entry *a, struct ks_entry *tmp, size_t lo, size_t hi)
{
	size_t mid, i, j, k;

	if (hi - lo < 2)
		return;
	mid = lo + (hi - lo) / 2;
	sort_entries(a, tmp, lo, mid);
	sort_entries(a, tmp, mid, hi);
	if (entry_cmp(&a[mid - 1], &a[mid]) <= 0)
		return;
	for (i = lo, j = mid, k = lo; k < hi; k++)
		tmp[k] = (j >= hi || (i < mid && entry_cmp(&a[i], &a[j]) <= 0)) ? a[i++] : a[j++];
	memcpy(a + lo, tmp + lo, (hi - lo) * sizeof(*a));
}

int kallsyms_load(struct kallsyms **out, const char *path)
{
	struct ks_entry *tmp = NULL;
	struct kallsyms *ks = NULL;
	bool nonzero = false;
	size_t lines = 0, line_cap = 0;
	char *line = NULL;
	FILE *f = NULL;
	uint16_t vmlinux;
	int err;

	*out = NULL;
	if (!path)
		path = "/proc/kallsyms";
	f = fopen(path, "re");
	if (!f)
		return -errno;
	/* Each read of /proc/kallsyms walks the kernel's table: few large reads are cheaper. */
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	ks = calloc(1, sizeof(*ks));
	if (!ks) {
		err = -ENOMEM;
		goto cleanup;
	}
	err = module_index(ks, "", 0, &vmlinux);
	if (err)
		goto cleanup;

	errno = 0;
	while (getline(&line, &line_cap, f) > 0) {
		lines++;
		err = parse_line(ks, line, &nonzero);
		if (err < 0)
			goto cleanup;
	}
	if (ferror(f)) {
		err = errno ? -errno : -EIO;
		goto cleanup;
	}
	if (lines && !nonzero) {
		err = KALLSYMS_ERR_HIDDEN;
		goto cleanup;
	}
	if (!ks->count) {
		err = -ENODATA;
		goto cleanup;
	}
	tmp = malloc(ks->count * sizeof(*tmp));
	if (!tmp) {
		err = -ENOMEM;
		goto cleanup;
	}
	sort_entries(ks->entries, tmp, 0, ks->count);
	shrink_to_fit(ks);
	*out = ks;
	ks = NULL;
	err = 0;
cleanup:
	free(tmp);
	free(line);
	if (f)
		fclose(f);
	kallsyms_free(ks);
	return err;
}

void kallsyms_free(struct kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->entries);
	free(ks->arena);
	free(ks->modules);
	free(ks);
}

size_t kallsyms_count(const struct kallsyms *ks)
{
	return ks->count;
}

size_t kallsyms_memory_bytes(const struct kallsyms *ks)
{
	return sizeof(*ks) + ks->capacity * sizeof(*ks->entries) + ks->arena_cap +
	       ks->module_cap * sizeof(*ks->modules);
}

/* Index of the first entry whose address is > addr (count when none). */
static size_t upper_bound(const struct kallsyms *ks, uint64_t addr)
{
	size_t lo = 0, hi = ks->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->entries[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int kallsyms_resolve(const struct kallsyms *ks, uint64_t addr, struct kallsyms_location *loc)
{
	const struct ks_entry *e;
	size_t next, i;

	next = upper_bound(ks, addr);
	if (!next)
		return -ENOENT;
	i = next - 1;
	while (i > 0 && ks->entries[i - 1].addr == ks->entries[i].addr)
		i--;
	e = &ks->entries[i];
	/* The next symbol bounds this one only when it belongs to the same image. */
	if ((next == ks->count || ks->entries[next].module != e->module) &&
	    addr - e->addr > KALLSYMS_MAX_TAIL_OFFSET)
		return -ENOENT;
	loc->module = ks->arena + ks->modules[e->module];
	loc->symbol = ks->arena + e->name;
	loc->offset = addr - e->addr;
	return 0;
}

/* Linear: the recorder asks for a handful of names once, a hash index would cost more. */
int kallsyms_find(const struct kallsyms *ks, const char *name, const char *module,
		  struct kallsyms_range *range, size_t *count)
{
	const struct ks_entry *best = NULL;
	size_t matches = 0, i, next;

	for (i = 0; i < ks->count; i++) {
		const struct ks_entry *e = &ks->entries[i];

		if (strcmp(ks->arena + e->name, name))
			continue;
		if (module && strcmp(ks->arena + ks->modules[e->module], module))
			continue;
		if (!best)
			best = e; /* sorted by address: the first match is the lowest */
		matches++;
	}
	if (count)
		*count = matches;
	if (!best)
		return -ENOENT;
	next = upper_bound(ks, best->addr);
	range->start = best->addr;
	range->end = next < ks->count ? ks->entries[next].addr :
					best->addr + KALLSYMS_MAX_TAIL_OFFSET;
	return 0;
}
