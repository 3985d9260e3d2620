// SPDX-License-Identifier: GPL-2.0-only
/*
 * aggregate.c - counts checks per check_aggregate group, per process and
 * cgroup, and writes check_aggregate and policy_aggregate from those counts;
 * the thread that counts while the loader reads (see aggregate.h).
 */
#include "aggregate.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "intern.h"

struct exe {
	int64_t binary_id;
	char *path;
};

/* The packed identity of a check_aggregate group: the hash key. */
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

/*
 * A group and its current cell: the process and cgroup of its last check,
 * with the checks counted since that cell became current. Runs of checks by
 * one process stay in this small, cache-resident array; only a change of
 * process or cgroup touches the big cell table.
 */
struct group {
	struct group_key key;
	uint64_t count;     /* the group's checks, first and last */
	uint64_t first_ns;
	uint64_t last_ns;
	int64_t process_id; /* the current cell's process and cgroup */
	uint64_t cgroup_id;
	uint32_t cell;      /* index in cells */
	uint32_t pending;   /* checks not yet added to the cell */
};

/* The hash key of a cell: 16 bytes, the small intern map slots. */
struct cell_key {
	uint32_t group;
	uint32_t cgroup;    /* index in cgroup_ids */
	int64_t process_id;
};

/*
 * The checks of one group made by one process (0: unknown) in one cgroup:
 * what flush splits policy_aggregate rows and counts distinct processes by.
 */
struct cell {
	struct cell_key key;
	uint64_t count;
	uint32_t context;   /* filled at flush: the process's context index << 1 | replaced */
};

/*
 * Counts a group handed back to its cell, waiting to be added: the cell
 * table is big and each addition a cache miss. Added in batches, the misses
 * overlap instead of stalling every change of process in turn.
 */
struct settled {
	uint32_t cell;
	uint32_t count;
};

#define SETTLE_BATCH 256

/* The executables are aggregate_exe()'s, the rest aggregate_add()'s (aggregate.h, Threads). */
struct aggregate {
	struct intern_map *exe_map;    /* "binary_id path" -> exe index */
	struct exe *exes;
	size_t exe_count, exe_cap;
	struct intern_map *group_map;  /* group_key -> index in groups */
	struct group *groups;
	size_t group_count, group_cap;
	struct intern_map *cell_map;   /* cell_key -> index in cells */
	struct cell *cells;
	size_t cell_count, cell_cap;
	struct intern_map *cgroup_map; /* cgroup id -> index in cgroup_ids */
	uint64_t *cgroup_ids;
	size_t cgroup_count, cgroup_cap;
	uint32_t last_cgroup;          /* checks come in runs of one cgroup */
	struct settled settled[SETTLE_BATCH];
	size_t settled_count;
};

/* A cgroup path and container id pair (either NULL when unknown) of the recording's processes. */
struct context {
	char *cgroup_path;
	char *container_id;
};

/* What flush learns from the processes table. */
struct contexts {
	struct intern_map *by_text;    /* context key -> index in list */
	struct intern_map *by_process; /* process id -> context index << 1 | replaced */
	struct context *list;
	size_t count, cap;
};

/*
 * items with room for one more element of size bytes (count in use, *cap
 * allocated): items itself, or a bigger copy (*cap updated), or NULL when out
 * of memory (items untouched).
 */
static void *reserve(void *items, size_t *cap, size_t count, size_t size, size_t first_cap)
{
	size_t grown;
	void *bigger;

	if (count < *cap)
		return items;
	grown = *cap ? *cap * 2 : first_cap;
	bigger = realloc(items, grown * size);
	if (bigger)
		*cap = grown;
	return bigger;
}

/* The per-recording maps, empty. Returns 0 or -ENOMEM. */
static int new_maps(struct aggregate *a)
{
	a->group_map = intern_map_new();
	a->cell_map = intern_map_new();
	a->cgroup_map = intern_map_new();
	return a->group_map && a->cell_map && a->cgroup_map ? 0 : -ENOMEM;
}

struct aggregate *aggregate_new(void)
{
	struct aggregate *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->exe_map = intern_map_new();
	if (!a->exe_map || new_maps(a)) {
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
	free(a->cells);
	free(a->cgroup_ids);
	intern_map_free(a->exe_map);
	intern_map_free(a->group_map);
	intern_map_free(a->cell_map);
	intern_map_free(a->cgroup_map);
	free(a);
}

int aggregate_exe(struct aggregate *a, int64_t binary_id, const char *exe_path,
		  uint32_t *exe_index)
{
	size_t len = strlen(exe_path);
	char *key = malloc(sizeof(binary_id) + len);
	struct exe *exes;
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
	exes = reserve(a->exes, &a->exe_cap, a->exe_count, sizeof(*exes), 64);
	if (!exes)
		goto cleanup;
	a->exes = exes;
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

static int find_group(struct aggregate *a, const struct group_key *key, uint32_t *index,
		      bool *created)
{
	struct group *groups;
	int64_t found;

	*created = false;
	if (intern_map_get(a->group_map, key, sizeof(*key), &found)) {
		*index = (uint32_t)found;
		return 0;
	}
	if (a->group_count >= UINT32_MAX)
		return -EOVERFLOW;
	groups = reserve(a->groups, &a->group_cap, a->group_count, sizeof(*groups), 256);
	if (!groups)
		return -ENOMEM;
	a->groups = groups;
	if (intern_map_put(a->group_map, key, sizeof(*key), (int64_t)a->group_count))
		return -ENOMEM;
	a->groups[a->group_count] = (struct group){ .key = *key };
	*index = (uint32_t)a->group_count++;
	*created = true;
	return 0;
}

static int cgroup_index(struct aggregate *a, uint64_t cgroup_id, uint32_t *index)
{
	uint64_t *ids;
	int64_t found;

	if (a->cgroup_count && a->cgroup_ids[a->last_cgroup] == cgroup_id) {
		*index = a->last_cgroup;
		return 0;
	}
	if (!intern_map_get(a->cgroup_map, &cgroup_id, sizeof(cgroup_id), &found)) {
		if (a->cgroup_count >= UINT32_MAX)
			return -EOVERFLOW;
		ids = reserve(a->cgroup_ids, &a->cgroup_cap, a->cgroup_count, sizeof(*ids), 16);
		if (!ids)
			return -ENOMEM;
		a->cgroup_ids = ids;
		found = (int64_t)a->cgroup_count;
		if (intern_map_put(a->cgroup_map, &cgroup_id, sizeof(cgroup_id), found))
			return -ENOMEM;
		a->cgroup_ids[a->cgroup_count++] = cgroup_id;
	}
	a->last_cgroup = (uint32_t)found;
	*index = a->last_cgroup;
	return 0;
}

/* Adds the batch of settled counts to their cells. */
static void apply_settled(struct aggregate *a)
{
	for (size_t i = 0; i < a->settled_count; i++)
		a->cells[a->settled[i].cell].count += a->settled[i].count;
	a->settled_count = 0;
}

/* Hands the checks a group counted since its cell became current to that cell. */
static void settle(struct aggregate *a, struct group *g)
{
	if (!g->pending)
		return; /* also a new group's: it has no cell yet */
	if (a->settled_count == SETTLE_BATCH)
		apply_settled(a);
	a->settled[a->settled_count++] = (struct settled){ .cell = g->cell, .count = g->pending };
	g->pending = 0;
}

/* Makes the cell of (group, cgroup, process) the group's current one. */
static int switch_cell(struct aggregate *a, uint32_t group, uint64_t cgroup_id, int64_t process_id)
{
	struct cell_key key = { .group = group, .process_id = process_id };
	struct group *g = &a->groups[group];
	struct cell *cells;
	int64_t found;
	int rc;

	settle(a, g);
	rc = cgroup_index(a, cgroup_id, &key.cgroup);
	if (rc)
		return rc;
	if (!intern_map_get(a->cell_map, &key, sizeof(key), &found)) {
		if (a->cell_count >= UINT32_MAX)
			return -EOVERFLOW;
		cells = reserve(a->cells, &a->cell_cap, a->cell_count, sizeof(*cells), 256);
		if (!cells)
			return -ENOMEM;
		a->cells = cells;
		found = (int64_t)a->cell_count;
		if (intern_map_put(a->cell_map, &key, sizeof(key), found))
			return -ENOMEM;
		a->cells[a->cell_count++] = (struct cell){ .key = key };
	}
	g->cell = (uint32_t)found;
	g->cgroup_id = cgroup_id;
	g->process_id = process_id;
	return 0;
}

int aggregate_add(struct aggregate *a, const struct aggregate_check *c)
{
	struct group_key key = {
		.exe_index = c->exe_index, .cap = c->cap, .syscall_nr = c->syscall_nr,
		.audit = (uint8_t)!!c->audit, .granted = (uint8_t)!!c->granted,
		.kernel_stack_id = c->kernel_stack_id, .user_stack_id = c->user_stack_id,
	};
	struct group *g;
	uint32_t index;
	bool created;
	int rc;

	rc = find_group(a, &key, &index, &created);
	if (rc)
		return rc;
	g = &a->groups[index];
	if (created || g->process_id != c->process_id || g->cgroup_id != c->cgroup_id ||
	    g->pending == UINT32_MAX) {
		rc = switch_cell(a, index, c->cgroup_id, c->process_id);
		if (rc)
			return rc;
	}
	if (!g->count || c->time_ns < g->first_ns)
		g->first_ns = c->time_ns;
	if (!g->count || c->time_ns > g->last_ns)
		g->last_ns = c->time_ns;
	g->count++;
	g->pending++;
	return 0;
}

static void contexts_release(struct contexts *ctx)
{
	for (size_t i = 0; i < ctx->count; i++) {
		free(ctx->list[i].cgroup_path);
		free(ctx->list[i].container_id);
	}
	free(ctx->list);
	intern_map_free(ctx->by_text);
	intern_map_free(ctx->by_process);
}

/*
 * Index of the (cgroup path, container id) pair, registering it the first
 * time. The key marks which of the two is NULL: NULL and "" are different
 * values, written back as they were read.
 */
static int context_index(struct contexts *ctx, const char *cgroup_path, const char *container_id,
			 int64_t *index)
{
	size_t path_len = cgroup_path ? strlen(cgroup_path) : 0;
	size_t id_len = container_id ? strlen(container_id) : 0;
	size_t len = 1 + path_len + 1 + id_len;
	char *key = malloc(len);
	struct context *list, *c;
	int ret = -ENOMEM;

	if (!key)
		return -ENOMEM;
	key[0] = (char)((cgroup_path ? 1 : 0) | (container_id ? 2 : 0));
	memcpy(key + 1, cgroup_path ? cgroup_path : "", path_len);
	key[1 + path_len] = '\0';
	memcpy(key + 2 + path_len, container_id ? container_id : "", id_len);
	if (intern_map_get(ctx->by_text, key, len, index)) {
		ret = 0;
		goto cleanup;
	}
	list = reserve(ctx->list, &ctx->cap, ctx->count, sizeof(*list), 16);
	if (!list)
		goto cleanup;
	ctx->list = list;
	c = &list[ctx->count];
	c->cgroup_path = cgroup_path ? strdup(cgroup_path) : NULL;
	c->container_id = container_id ? strdup(container_id) : NULL;
	if ((cgroup_path && !c->cgroup_path) || (container_id && !c->container_id) ||
	    intern_map_put(ctx->by_text, key, len, (int64_t)ctx->count)) {
		free(c->cgroup_path);
		free(c->container_id);
		goto cleanup;
	}
	*index = (int64_t)ctx->count++;
	ret = 0;
cleanup:
	free(key);
	return ret;
}

/*
 * A process image is replaced when a later image of the same process (pid
 * and start time within one recording) exists: it exec'd, so its checks are
 * the fork-exec window. Later means a higher id: the loader inserts the
 * images of a process in the order the recording defines them.
 */
static const char processes_sql[] =
	"SELECT id, id < max(id) OVER (PARTITION BY pid, start_ns), cgroup_path, container_id"
	" FROM processes WHERE recording_id = ?1";

/* Reads the recording's processes into ctx. Context 0 is (NULL, NULL): no process. */
static int read_contexts(sqlite3 *db, int64_t recording_id, struct contexts *ctx)
{
	sqlite3_stmt *stmt = NULL;
	int64_t index;
	int rc;

	ctx->by_text = intern_map_new();
	ctx->by_process = intern_map_new();
	if (!ctx->by_text || !ctx->by_process)
		return -ENOMEM;
	rc = context_index(ctx, NULL, NULL, &index);
	if (rc)
		return rc;
	rc = sqlite3_prepare_v2(db, processes_sql, -1, &stmt, NULL);
	if (!rc)
		rc = sqlite3_bind_int64(stmt, 1, recording_id);
	while (!rc && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(stmt, 0);
		int replaced = sqlite3_column_int(stmt, 1);

		rc = context_index(ctx, (const char *)sqlite3_column_text(stmt, 2),
				   (const char *)sqlite3_column_text(stmt, 3), &index);
		if (!rc && intern_map_put(ctx->by_process, &id, sizeof(id),
					  index << 1 | (replaced ? 1 : 0)))
			rc = -ENOMEM;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(stmt);
	return rc;
}

static int compare_u64(uint64_t x, uint64_t y)
{
	return x < y ? -1 : x > y;
}

static int compare_i64(int64_t x, int64_t y)
{
	return x < y ? -1 : x > y;
}

/* Orders cells by group, then process: a group's distinct processes are runs. */
static int by_group_process(const void *x, const void *y)
{
	const struct cell_key *a = &((const struct cell *)x)->key;
	const struct cell_key *b = &((const struct cell *)y)->key;

	if (a->group != b->group)
		return compare_u64(a->group, b->group);
	if (a->process_id != b->process_id)
		return compare_i64(a->process_id, b->process_id);
	return compare_u64(a->cgroup, b->cgroup);
}

/* Orders cells by policy_aggregate row (group, cgroup, context), then process. */
static int by_policy_row(const void *x, const void *y)
{
	const struct cell *a = x, *b = y;

	if (a->key.group != b->key.group)
		return compare_u64(a->key.group, b->key.group);
	if (a->key.cgroup != b->key.cgroup)
		return compare_u64(a->key.cgroup, b->key.cgroup);
	if (a->context != b->context)
		return compare_u64(a->context, b->context);
	return compare_i64(a->key.process_id, b->key.process_id);
}

static bool same_policy_row(const struct cell *a, const struct cell *b)
{
	return a->key.group == b->key.group && a->key.cgroup == b->key.cgroup &&
	       a->context == b->context;
}

/* Checks and distinct processes of one row, summed over its cells. */
struct totals {
	uint64_t count;
	uint64_t processes;
	int64_t last_process_id;
};

/* Adds a cell; cells of one process must come one after another. */
static void totals_add(struct totals *t, const struct cell *c)
{
	if (c->key.process_id && (!t->count || c->key.process_id != t->last_process_id))
		t->processes++;
	t->last_process_id = c->key.process_id;
	t->count += c->count;
}

static void bind_id_or_null(sqlite3_stmt *stmt, int index, int64_t id)
{
	if (id)
		sqlite3_bind_int64(stmt, index, id);
	else
		sqlite3_bind_null(stmt, index);
}

static void bind_text_or_null(sqlite3_stmt *stmt, int index, const char *text)
{
	if (text)
		sqlite3_bind_text(stmt, index, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, index);
}

/* Binds ?1..?9, the group's columns common to both tables. */
static void bind_group(const struct aggregate *a, sqlite3_stmt *stmt, int64_t recording_id,
		       const struct group_key *key)
{
	const struct exe *exe = &a->exes[key->exe_index];

	sqlite3_bind_int64(stmt, 1, recording_id);
	bind_id_or_null(stmt, 2, exe->binary_id);
	sqlite3_bind_text(stmt, 3, exe->path, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 4, key->cap);
	sqlite3_bind_int(stmt, 5, key->audit);
	sqlite3_bind_text(stmt, 6, key->granted ? "granted" : "denied", -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 7, key->syscall_nr);
	bind_id_or_null(stmt, 8, key->kernel_stack_id);
	bind_id_or_null(stmt, 9, key->user_stack_id);
}

static int step(sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : rc;
}

/* One check_aggregate row per group, in the order the groups were first seen. */
static int write_check_rows(struct aggregate *a, sqlite3_stmt *stmt, int64_t recording_id)
{
	struct totals *totals = calloc(a->group_count ? a->group_count : 1, sizeof(*totals));
	int rc = 0;

	if (!totals)
		return -ENOMEM;
	if (a->cell_count) /* qsort() wants a non-NULL array even for no elements */
		qsort(a->cells, a->cell_count, sizeof(*a->cells), by_group_process);
	for (size_t i = 0; i < a->cell_count; i++)
		totals_add(&totals[a->cells[i].key.group], &a->cells[i]);
	for (size_t i = 0; i < a->group_count && !rc; i++) {
		const struct group *g = &a->groups[i];

		bind_group(a, stmt, recording_id, &g->key);
		sqlite3_bind_int64(stmt, 10, (int64_t)g->count);
		sqlite3_bind_int64(stmt, 11, (int64_t)totals[i].processes);
		sqlite3_bind_int64(stmt, 12, (int64_t)g->first_ns);
		sqlite3_bind_int64(stmt, 13, (int64_t)g->last_ns);
		rc = step(stmt);
	}
	free(totals);
	return rc;
}

static const char policy_insert_sql[] =
	"INSERT INTO policy_aggregate (recording_id, binary_id, exe_path, cap, audit, verdict, "
	"syscall_nr, kernel_stack_id, user_stack_id, pre_exec, cgroup_id, cgroup_path, "
	"container_id, count, processes) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

/* One policy_aggregate row per (group, cgroup, context). */
static int write_policy_rows(struct aggregate *a, sqlite3 *db, const struct contexts *ctx,
			     int64_t recording_id)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	for (size_t i = 0; i < a->cell_count; i++) {
		struct cell *c = &a->cells[i];
		int64_t context = 0;

		if (c->key.process_id)
			intern_map_get(ctx->by_process, &c->key.process_id,
				       sizeof(c->key.process_id), &context);
		c->context = (uint32_t)context;
	}
	if (a->cell_count)
		qsort(a->cells, a->cell_count, sizeof(*a->cells), by_policy_row);
	rc = sqlite3_prepare_v2(db, policy_insert_sql, -1, &stmt, NULL);
	for (size_t first = 0, end; first < a->cell_count && !rc; first = end) {
		const struct cell *c = &a->cells[first];
		const struct context *where = &ctx->list[c->context >> 1];
		struct totals t = { 0 };

		for (end = first; end < a->cell_count && same_policy_row(c, &a->cells[end]); end++)
			totals_add(&t, &a->cells[end]);
		bind_group(a, stmt, recording_id, &a->groups[c->key.group].key);
		sqlite3_bind_int(stmt, 10, (int)(c->context & 1));
		sqlite3_bind_int64(stmt, 11, (int64_t)a->cgroup_ids[c->key.cgroup]);
		bind_text_or_null(stmt, 12, where->cgroup_path);
		bind_text_or_null(stmt, 13, where->container_id);
		sqlite3_bind_int64(stmt, 14, (int64_t)t.count);
		sqlite3_bind_int64(stmt, 15, (int64_t)t.processes);
		rc = step(stmt);
	}
	sqlite3_finalize(stmt);
	return rc;
}

int aggregate_flush(struct aggregate *a, sqlite3 *db, sqlite3_stmt *check_stmt,
		    int64_t recording_id)
{
	struct contexts ctx = { .list = NULL };
	int rc;

	for (size_t i = 0; i < a->group_count; i++)
		settle(a, &a->groups[i]);
	apply_settled(a);
	rc = read_contexts(db, recording_id, &ctx);
	if (!rc)
		rc = write_check_rows(a, check_stmt, recording_id);
	if (!rc)
		rc = write_policy_rows(a, db, &ctx, recording_id);
	contexts_release(&ctx);

	/* The next recording starts empty; executables stay registered. */
	a->group_count = 0;
	a->cell_count = 0;
	a->cgroup_count = 0;
	intern_map_free(a->group_map);
	intern_map_free(a->cell_map);
	intern_map_free(a->cgroup_map);
	if (new_maps(a) && !rc)
		rc = -ENOMEM;
	return rc;
}

int aggregate_add_batch(struct aggregate *a, const struct aggregate_check *first, size_t stride,
			int count)
{
	const char *at = (const char *)first;
	int rc = 0;

	for (int i = 0; i < count && !rc; i++)
		rc = aggregate_add(a, (const struct aggregate_check *)(at + (size_t)i * stride));
	return rc;
}

/* A queued batch. */
struct counter_batch {
	const struct aggregate_check *first;
	size_t stride;
	int count;
};

struct aggregate_counter {
	struct aggregate *aggregate;
	int slots;
	int run;
	bool running;             /* the thread exists */
	pthread_t thread;
	pthread_mutex_t lock;     /* guards the fields below */
	pthread_cond_t changed;   /* a batch was queued or counted, or stop was set */
	struct counter_batch *queue; /* slots entries, a ring */
	int head;                 /* the oldest queued batch */
	int queued;               /* batches queued or being counted */
	bool draining;            /* the caller waits for every queued batch */
	bool caller_waiting;      /* the caller waits for free buffers */
	bool stop;
	int status;               /* the first failure; later batches are dropped */
};

static void *counter_main(void *arg)
{
	struct aggregate_counter *c = arg;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		/*
		 * Sleep until a run of batches waits (or the caller drains or
		 * stops): woken per batch, the thread would cost more in wake-ups
		 * than it saves.
		 */
		while (!c->stop && !(c->queued && (c->draining || c->queued >= c->run)))
			pthread_cond_wait(&c->changed, &c->lock);
		if (!c->queued)
			break; /* stopped, and nothing left to count */
		while (c->queued) {
			struct counter_batch batch = c->queue[c->head];
			int rc = 0, failed = c->status;

			pthread_mutex_unlock(&c->lock);
			if (!failed)
				rc = aggregate_add_batch(c->aggregate, batch.first, batch.stride,
							 batch.count);
			pthread_mutex_lock(&c->lock);
			if (rc && !c->status)
				c->status = rc;
			c->head = (c->head + 1) % c->slots;
			c->queued--;
			if ((c->draining && !c->queued) ||
			    (c->caller_waiting && c->queued <= c->slots - c->run))
				pthread_cond_broadcast(&c->changed);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int aggregate_counter_start(struct aggregate *a, int slots, int run,
			    struct aggregate_counter **out)
{
	struct aggregate_counter *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->aggregate = a;
	c->slots = slots;
	c->run = run;
	c->queue = calloc((size_t)slots, sizeof(*c->queue));
	if (!c->queue)
		goto fail;
	if (pthread_mutex_init(&c->lock, NULL))
		goto fail;
	if (pthread_cond_init(&c->changed, NULL)) {
		pthread_mutex_destroy(&c->lock);
		goto fail;
	}
	c->running = !pthread_create(&c->thread, NULL, counter_main, c);
	*out = c;
	return 0;
fail:
	free(c->queue);
	free(c);
	return -ENOMEM;
}

void aggregate_counter_stop(struct aggregate_counter *c)
{
	if (!c)
		return;
	if (c->running) {
		pthread_mutex_lock(&c->lock);
		c->stop = true;
		pthread_cond_broadcast(&c->changed);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->thread, NULL);
	}
	pthread_cond_destroy(&c->changed);
	pthread_mutex_destroy(&c->lock);
	free(c->queue);
	free(c);
}

int aggregate_counter_drain(struct aggregate_counter *c)
{
	int rc;

	if (!c->running)
		return c->status;
	pthread_mutex_lock(&c->lock);
	c->draining = true;
	pthread_cond_broadcast(&c->changed);
	while (c->queued)
		pthread_cond_wait(&c->changed, &c->lock);
	c->draining = false;
	rc = c->status;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int aggregate_counter_queue(struct aggregate_counter *c, const struct aggregate_check *first,
			    size_t stride, int count)
{
	int rc;

	if (!c->running)
		return aggregate_add_batch(c->aggregate, first, stride, count);
	pthread_mutex_lock(&c->lock);
	c->queue[(c->head + c->queued) % c->slots] =
		(struct counter_batch){ .first = first, .stride = stride, .count = count };
	c->queued++;
	if (c->queued >= c->run)
		pthread_cond_broadcast(&c->changed);
	/* The next buffer is free unless every buffer is queued; then wait for a run of them. */
	if (c->queued == c->slots) {
		c->caller_waiting = true;
		while (c->queued > c->slots - c->run)
			pthread_cond_wait(&c->changed, &c->lock);
		c->caller_waiting = false;
	}
	rc = c->status;
	pthread_mutex_unlock(&c->lock);
	return rc;
}
