// SPDX-License-Identifier: GPL-2.0-only
/*
 * aggregate.c - counts checks per check_aggregate group (see aggregate.h).
 */
#include "aggregate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "intern.h"

struct exe {
	int64_t binary_id;
	char *path;
};

/* The packed identity of a group: the hash key. */
struct group_key {
	uint32_t exe_index;
	int32_t cap;
	int32_t syscall_nr;
	uint8_t audit;
	uint8_t granted;
	uint8_t pad[2];
	int64_t kernel_stack_id;
	int64_t user_stack_id;
};

struct group {
	struct group_key key;
	uint64_t count;
	uint64_t processes;
	uint64_t first_ns;
	uint64_t last_ns;
	int64_t last_process_id; /* skips the distinct-process lookup for runs of one process */
};

struct aggregate {
	struct intern_map *exe_map;   /* "binary_id path" -> exe index */
	struct exe *exes;
	size_t exe_count, exe_cap;
	struct intern_map *group_map; /* group_key -> index in groups */
	struct group *groups;
	size_t group_count, group_cap;
	struct intern_map *seen;      /* (group index, process id) pairs counted */
};

struct aggregate *aggregate_new(void)
{
	struct aggregate *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->exe_map = intern_map_new();
	a->group_map = intern_map_new();
	a->seen = intern_map_new();
	if (!a->exe_map || !a->group_map || !a->seen) {
		aggregate_free(a);
		return NULL;
	}
	return a;
}

void aggregate_free(struct aggregate *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->exe_count; i++)
		free(a->exes[i].path);
	free(a->exes);
	free(a->groups);
	intern_map_free(a->exe_map);
	intern_map_free(a->group_map);
	intern_map_free(a->seen);
	free(a);
}

int aggregate_exe(struct aggregate *a, int64_t binary_id, const char *exe_path,
		  uint32_t *exe_index)
{
	size_t len = strlen(exe_path);
	char *key = malloc(sizeof(binary_id) + len);
	int64_t found;
	int ret = -ENOMEM;

	if (!key)
		return -ENOMEM;
	memcpy(key, &binary_id, sizeof(binary_id));
	memcpy(key + sizeof(binary_id), exe_path, len);
	if (intern_map_get(a->exe_map, key, sizeof(binary_id) + len, &found)) {
		*exe_index = (uint32_t)found;
		ret = 0;
		goto cleanup;
	}
	if (a->exe_count == a->exe_cap) {
		size_t cap = a->exe_cap ? a->exe_cap * 2 : 64;
		struct exe *exes = realloc(a->exes, cap * sizeof(*exes));

		if (!exes)
			goto cleanup;
		a->exes = exes;
		a->exe_cap = cap;
	}
	a->exes[a->exe_count].binary_id = binary_id;
	a->exes[a->exe_count].path = strdup(exe_path);
	if (!a->exes[a->exe_count].path)
		goto cleanup;
	if (intern_map_put(a->exe_map, key, sizeof(binary_id) + len, (int64_t)a->exe_count)) {
		free(a->exes[a->exe_count].path);
		goto cleanup;
	}
	*exe_index = (uint32_t)a->exe_count++;
	ret = 0;
cleanup:
	free(key);
	return ret;
}

int aggregate_add(struct aggregate *a, const struct aggregate_check *c)
{
	struct group_key key = {
		.exe_index = c->exe_index, .cap = c->cap, .syscall_nr = c->syscall_nr,
		.audit = (uint8_t)!!c->audit, .granted = (uint8_t)!!c->granted,
		.kernel_stack_id = c->kernel_stack_id, .user_stack_id = c->user_stack_id,
	};
	struct group *g;
	int64_t index;

	if (!intern_map_get(a->group_map, &key, sizeof(key), &index)) {
		if (a->group_count == a->group_cap) {
			size_t cap = a->group_cap ? a->group_cap * 2 : 256;
			struct group *groups = realloc(a->groups, cap * sizeof(*groups));

			if (!groups)
				return -ENOMEM;
			a->groups = groups;
			a->group_cap = cap;
		}
		index = (int64_t)a->group_count;
		if (intern_map_put(a->group_map, &key, sizeof(key), index))
			return -ENOMEM;
		g = &a->groups[a->group_count++];
		memset(g, 0, sizeof(*g));
		g->key = key;
		g->first_ns = c->time_ns;
		g->last_ns = c->time_ns;
	}
	g = &a->groups[index];
	g->count++;
	if (c->time_ns < g->first_ns)
		g->first_ns = c->time_ns;
	if (c->time_ns > g->last_ns)
		g->last_ns = c->time_ns;
	if (c->process_id && c->process_id != g->last_process_id) {
		int64_t pair[2] = { index, c->process_id };
		size_t seen_before = intern_map_count(a->seen);

		/* One probe instead of a get and a put: the count grows only for a new pair. */
		if (intern_map_put(a->seen, pair, sizeof(pair), 1))
			return -ENOMEM;
		if (intern_map_count(a->seen) != seen_before)
			g->processes++;
		g->last_process_id = c->process_id;
	}
	return 0;
}

int aggregate_flush(struct aggregate *a, sqlite3_stmt *stmt, int64_t recording_id)
{
	int rc = 0;

	for (size_t i = 0; i < a->group_count && !rc; i++) {
		const struct group *g = &a->groups[i];
		const struct exe *exe = &a->exes[g->key.exe_index];

		sqlite3_bind_int64(stmt, 1, recording_id);
		if (exe->binary_id)
			sqlite3_bind_int64(stmt, 2, exe->binary_id);
		else
			sqlite3_bind_null(stmt, 2);
		sqlite3_bind_text(stmt, 3, exe->path, -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 4, g->key.cap);
		sqlite3_bind_int(stmt, 5, g->key.audit);
		sqlite3_bind_text(stmt, 6, g->key.granted ? "granted" : "denied", -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 7, g->key.syscall_nr);
		if (g->key.kernel_stack_id)
			sqlite3_bind_int64(stmt, 8, g->key.kernel_stack_id);
		else
			sqlite3_bind_null(stmt, 8);
		if (g->key.user_stack_id)
			sqlite3_bind_int64(stmt, 9, g->key.user_stack_id);
		else
			sqlite3_bind_null(stmt, 9);
		sqlite3_bind_int64(stmt, 10, (int64_t)g->count);
		sqlite3_bind_int64(stmt, 11, (int64_t)g->processes);
		sqlite3_bind_int64(stmt, 12, (int64_t)g->first_ns);
		sqlite3_bind_int64(stmt, 13, (int64_t)g->last_ns);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		rc = rc == SQLITE_DONE ? 0 : rc;
	}
	a->group_count = 0;
	intern_map_free(a->group_map);
	intern_map_free(a->seen);
	a->group_map = intern_map_new();
	a->seen = intern_map_new();
	if (!rc && (!a->group_map || !a->seen))
		rc = -ENOMEM;
	return rc;
}
