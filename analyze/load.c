// SPDX-License-Identifier: GPL-2.0-only
/*
 * load.c - streams recordings into the database (see load.h): the loader's
 * life cycle, the recording row, events, losses and import statistics.
 * Definitions (binaries, frames, stacks, processes) are in load_defs.c.
 */
#include "load_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crf_clock.h"
#include "reader_error.h"
#include "reader_limits.h"
#include "schema.h"

static const char *const statement_sql[STMT_COUNT] = {
	[STMT_RECORDING] = "INSERT INTO recordings (path, file_size, file_mtime_ns, format_major, "
			   "format_minor, loaded_at_wall_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[STMT_RECORDING_END] =
		"UPDATE recordings SET hostname = ?2, kernel_release = ?3, boot_id = ?4, "
		"attach_mode = ?5, audit_source = ?6, recorder_version = ?7, "
		"recorder_options = ?8, wall_offset_ns = ?9, first_ns = ?10, last_ns = ?11, "
		"first_wall_ns = ?12, last_wall_ns = ?13, events = ?14, lost = ?15, "
		"clean_end = ?16, machine = ?17 WHERE id = ?1",
	[STMT_METADATA] = "INSERT OR REPLACE INTO metadata (recording_id, key, value) "
			  "VALUES (?1, ?2, ?3)",
	[STMT_CAP_NAME] = "INSERT OR REPLACE INTO recording_cap_names (recording_id, cap, name) "
			  "VALUES (?1, ?2, ?3)",
	[STMT_BINARY] = "INSERT INTO binaries (path, build_id) VALUES (?1, ?2)",
	[STMT_PROCESS] = "INSERT INTO processes (recording_id, pid, start_ns, ppid, parent_id, "
			 "binary_id, exe_path, cmdline, comm, uid, cgroup_id, cgroup_path, "
			 "container_id, exe_path_used) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[STMT_PROCESS_EXIT] = "UPDATE processes SET exited = 1, exit_status = ?2, exit_ns = ?3 "
			      "WHERE id = ?1",
	[STMT_PROCESS_PARENT] = "UPDATE processes SET parent_id = ?2 WHERE id = ?1",
	[STMT_PROCESS_EVENTS] = "UPDATE processes SET events = ?2 WHERE id = ?1",
	[STMT_CONTEXT] = "INSERT INTO event_contexts (recording_id, process_id, uid, cgroup_id, "
			 "userns_inum, userns_level, audit_inferred, comm, euid, fsuid, "
			 "cap_effective) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[STMT_FRAME] = "INSERT INTO frames (kind, module, binary_id, symbol, symbol_offset, "
		       "file_offset, name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[STMT_FRAME_NAME] = "SELECT name FROM frames WHERE id = ?1",
	[STMT_CALLSITE] = "INSERT INTO callsites (parent_id, frame_id, depth) VALUES (?1, ?2, ?3)",
	[STMT_STACK] = "INSERT INTO stacks (kind, leaf_callsite_id, depth, text) "
		       "VALUES (?1, ?2, ?3, ?4)",
	[STMT_STACK_FRAME] = "INSERT INTO stack_frames (stack_id, position, frame_id) "
			     "VALUES (?1, ?2, ?3)",
	[STMT_EVENT] = "INSERT INTO events (context_id, idx, time_ns, tid, cap, audit, insetid, ret, "
		       "final_ret, syscall_nr, kernel_stack_id, user_stack_id) "
		       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[STMT_LOSS] = "INSERT INTO losses (recording_id, time_ns, lost, events_before, "
		      "file_offset, process_records, stacks) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[STMT_IMPORT_STATS] =
		"INSERT INTO import_stats (recording_id, file_bytes, blocks_read, blocks_unknown, "
		"blocks_skipped, bytes_skipped, truncated, truncated_at, events, lost, "
		"unresolved_refs, end_events, end_lost) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
		"?9, ?10, ?11, ?12, ?13)",
	[STMT_IMPORT_BLOCK] = "INSERT INTO import_blocks (recording_id, block_type, name, count) "
			      "VALUES (?1, ?2, ?3, ?4)",
	[STMT_IMPORT_DAMAGE] = "INSERT INTO import_damage (recording_id, file_offset, length, "
			       "error, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
	[STMT_AGGREGATE] =
		"INSERT INTO check_aggregate (recording_id, binary_id, exe_path, cap, audit, verdict, "
		"syscall_nr, kernel_stack_id, user_stack_id, count, processes, first_ns, last_ns) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[STMT_CREDENTIALS] =
		"INSERT INTO credentials (recording_id, process_id, tid, first_idx, uid, euid, "
		"suid, fsuid, gid, egid, fsgid, cap_effective, cap_permitted) VALUES (?1, ?2, ?3, "
		"?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[STMT_SYSCALL_RETURN] =
		"INSERT INTO syscall_returns (recording_id, process_id, tid, first_idx, last_idx, "
		"syscall_nr, ret, time_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
};


/* Turns a failure code (SQLite result or negative errno) into one line. */
static void describe(struct loader *l, int rc, const char *what, char *err, size_t err_size)
{
	if (rc == -ENOMEM)
		snprintf(err, err_size, "%s: out of memory", what);
	else if (rc < 0)
		snprintf(err, err_size, "%s: %s", what, strerror(-rc));
	else
		snprintf(err, err_size, "%s: %s", what, sqlite3_errmsg(l->db));
}

static int exec(struct loader *l, const char *sql)
{
	return sqlite3_exec(l->db, sql, NULL, NULL, NULL);
}

/*
 * The multi-row form of the single-event INSERT: its VALUES list repeated
 * EVENT_BATCH times with anonymous parameters (numbered in order).
 */
static char *batch_sql(const char *single)
{
	size_t head = (size_t)(strstr(single, "VALUES") - single) + strlen("VALUES ");
	size_t row = 2 + 2 * EVENT_COLUMNS; /* "(?,?,...,?)," */
	size_t size = head + EVENT_BATCH * row + 1;
	char *sql = malloc(size);
	char *p;

	if (!sql)
		return NULL;
	memcpy(sql, single, head);
	p = sql + head;
	for (int r = 0; r < EVENT_BATCH; r++) {
		*p++ = '(';
		for (int c = 0; c < EVENT_COLUMNS; c++) {
			*p++ = '?';
			*p++ = c == EVENT_COLUMNS - 1 ? ')' : ',';
		}
		*p++ = r == EVENT_BATCH - 1 ? '\0' : ',';
	}
	return sql;
}

int loader_new(sqlite3 *db, bool fast, struct loader **out, char *err, size_t err_size)
{
	struct loader *l = calloc(1, sizeof(*l));
	int rc;

	*out = NULL;
	if (!l) {
		snprintf(err, err_size, "out of memory");
		return LOAD_FAILED_INTERNAL;
	}
	l->db = db;
	l->binaries = intern_map_new();
	l->frames = intern_map_new();
	l->callsites = intern_map_new();
	l->stacks = intern_map_new();
	l->contexts = intern_map_new();
	l->creds_by_tid = intern_map_new();
	l->creds_last = -1;
	l->aggregate = aggregate_new();
	if (!l->binaries || !l->frames || !l->callsites || !l->stacks || !l->contexts ||
	    !l->creds_by_tid || !l->aggregate) {
		snprintf(err, err_size, "out of memory");
		goto fail;
	}
	/*
	 * A bulk load into a database nobody else holds: no rollback journal, no
	 * fsync, a big page cache. A crash mid-load leaves a database marked
	 * unfinished (schema_mark_unfinished()), to delete.
	 */
	if (fast && exec(l, "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; "
			    "PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; "
			    "PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY")) {
		describe(l, SQLITE_ERROR, "cannot set up the database", err, err_size);
		goto fail;
	}
	/* IMMEDIATE: the write lock before the schema is read (another writer is waited for). */
	if (exec(l, "BEGIN IMMEDIATE")) {
		describe(l, SQLITE_ERROR, "cannot start a transaction", err, err_size);
		goto fail;
	}
	l->in_transaction = true;
	rc = schema_ensure(db, err, err_size);
	if (rc == SCHEMA_NOT_OURS || rc == SCHEMA_UNFINISHED) {
		loader_free(l);
		return LOAD_FAILED_INPUT;
	}
	if (rc || schema_mark_unfinished(db, err, err_size))
		goto fail;
	for (int i = 0; i < STMT_COUNT; i++) {
		const char *sql = statement_sql[i];
		char *batch = NULL;

		if (i == STMT_EVENT_BATCH) {
			batch = batch_sql(statement_sql[STMT_EVENT]);
			if (!batch) {
				snprintf(err, err_size, "out of memory");
				goto fail;
			}
			sql = batch;
		}
		rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &l->stmt[i], NULL);
		free(batch);
		if (rc) {
			describe(l, rc, "cannot prepare a statement", err, err_size);
			goto fail;
		}
	}
	rc = loader_read_existing(l);
	if (rc) {
		describe(l, rc, "cannot read the database", err, err_size);
		goto fail;
	}
	if (aggregate_counter_start(l->aggregate, EVENT_BATCHES, COUNTER_RUN, &l->counter)) {
		snprintf(err, err_size, "out of memory");
		goto fail;
	}
	*out = l;
	return 0;
fail:
	loader_free(l);
	return LOAD_FAILED_INTERNAL;
}

void loader_free(struct loader *l)
{
	if (!l)
		return;
	aggregate_counter_stop(l->counter);
	l->counter = NULL;
	for (int i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(l->stmt[i]);
	if (l->in_transaction)
		exec(l, "ROLLBACK");
	loader_reset_ids(l);
	intern_map_free(l->binaries);
	intern_map_free(l->frames);
	intern_map_free(l->callsites);
	intern_map_free(l->stacks);
	intern_map_free(l->contexts);
	intern_map_free(l->creds_by_tid);
	free(l->creds);
	aggregate_free(l->aggregate);
	free(l->orphans);
	free(l->scratch);
	free(l);
}

int loader_finish(struct loader *l, char *err, size_t err_size)
{
	if (l->failed) {
		snprintf(err, err_size, "the load failed earlier");
		return LOAD_FAILED_INTERNAL;
	}
	if (schema_create_indexes(l->db, err, err_size) ||
	    schema_mark_finished(l->db, err, err_size))
		return LOAD_FAILED_INTERNAL;
	/* Statements must be gone before COMMIT releases the exclusive lock cleanly. */
	for (int i = 0; i < STMT_COUNT; i++) {
		sqlite3_finalize(l->stmt[i]);
		l->stmt[i] = NULL;
	}
	if (exec(l, "COMMIT")) {
		describe(l, SQLITE_ERROR, "cannot commit", err, err_size);
		return LOAD_FAILED_INTERNAL;
	}
	l->in_transaction = false;
	/* Let the planner know the tables' shapes; sampling keeps this cheap on big loads. */
	exec(l, "PRAGMA analysis_limit = 1000; ANALYZE");
	return 0;
}

static int step_insert(sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : (rc == SQLITE_ROW ? SQLITE_ERROR : rc);
}

static int bind_text_or_null(sqlite3_stmt *stmt, int index, const char *s)
{
	return s ? sqlite3_bind_text(stmt, index, s, -1, SQLITE_STATIC) : sqlite3_bind_null(stmt, index);
}

/* Binds a queued event to parameters base+1 .. base+EVENT_COLUMNS. */
static void bind_event(sqlite3_stmt *stmt, int base, const struct event_row *row)
{
	for (int i = 0; i < EVENT_COLUMNS; i++) {
		if (row->nulls & (1u << i))
			sqlite3_bind_null(stmt, base + i + 1);
		else
			sqlite3_bind_int64(stmt, base + i + 1, row->values[i]);
	}
}

/*
 * bind_event() for the multi-row statement, skipping the parameters that
 * already hold the value: a bind costs more than the comparison, and about
 * many columns of a row equal those of the row EVENT_BATCH events ago.
 */
static void bind_event_changed(sqlite3_stmt *stmt, struct bound_value *bound, int base,
			       const struct event_row *row)
{
	for (int i = 0; i < EVENT_COLUMNS; i++) {
		struct bound_value *b = &bound[base + i];
		struct bound_value now;

		if (row->nulls & (1u << i))
			now = (struct bound_value){ .kind = BOUND_NULL };
		else
			now = (struct bound_value){ .kind = BOUND_INT, .value = row->values[i] };
		if (b->kind == now.kind && b->value == now.value)
			continue;
		*b = now;
		if (now.kind == BOUND_NULL)
			sqlite3_bind_null(stmt, base + i + 1);
		else
			sqlite3_bind_int64(stmt, base + i + 1, now.value);
	}
}

/* Counts the checks of the first count rows of a batch into the aggregate. */
/* Counts the first count checks of a batch into the aggregate, in this thread. */
static int aggregate_rows(struct loader *l, const struct event_batch *batch, int count)
{
	return aggregate_add_batch(l->aggregate, &batch->rows[0].check, sizeof(batch->rows[0]),
				   count);
}

/* Runs the multi-row INSERT over a full batch. */
static int insert_batch(struct loader *l, const struct event_batch *batch)
{
	for (int i = 0; i < EVENT_BATCH; i++)
		bind_event_changed(l->stmt[STMT_EVENT_BATCH], l->bound, i * EVENT_COLUMNS,
				   &batch->rows[i]);
	return step_insert(l->stmt[STMT_EVENT_BATCH]);
}

/*
 * Inserts the full batch being filled, hands its checks to the aggregate
 * thread and starts filling the next buffer.
 */
static int queue_batch(struct loader *l)
{
	const struct event_batch *batch = &l->batches[l->filling];
	int rc = insert_batch(l, batch);

	l->event_count = 0;
	if (rc)
		return rc;
	rc = aggregate_counter_queue(l->counter, &batch->rows[0].check, sizeof(batch->rows[0]),
				     EVENT_BATCH);
	l->filling = (l->filling + 1) % EVENT_BATCHES;
	return rc;
}

/*
 * Writes and counts every queued event: waits for the aggregate thread,
 * then inserts and counts the rows of the partial batch one by one.
 */
static int flush_events(struct loader *l)
{
	const struct event_batch *batch = &l->batches[l->filling];
	int rc = aggregate_counter_drain(l->counter);

	for (int i = 0; i < l->event_count && !rc; i++) {
		bind_event(l->stmt[STMT_EVENT], 0, &batch->rows[i]);
		rc = step_insert(l->stmt[STMT_EVENT]);
	}
	if (!rc)
		rc = aggregate_rows(l, batch, l->event_count);
	l->event_count = 0;
	return rc;
}

static int queue_event(struct loader *l, const struct crf_event *e, int64_t context_id,
		       int64_t kernel_stack_id, int64_t user_stack_id,
		       const struct aggregate_check *check)
{
	struct event_row *row = &l->batches[l->filling].rows[l->event_count++];
	int64_t *v = row->values;

	row->check = *check;
	row->nulls = 0;
	v[EV_CONTEXT] = context_id;
	v[EV_IDX] = (int64_t)e->index;
	v[EV_TIME] = (int64_t)e->time_ns;
	v[EV_TID] = e->tid;
	v[EV_CAP] = e->cap;
	v[EV_AUDIT] = !!(e->flags & CRF_EV_AUDIT);
	v[EV_INSETID] = !!(e->flags & CRF_EV_INSETID);
	if (!(e->flags & CRF_EV_INSETID_KNOWN))
		row->nulls |= 1u << EV_INSETID;
	v[EV_RET] = e->ret;
	v[EV_FINAL_RET] = e->final_ret;
	if (!(e->flags & CRF_EV_FINAL_KNOWN))
		row->nulls |= 1u << EV_FINAL_RET;
	v[EV_SYSCALL] = e->syscall_nr;
	v[EV_KERNEL_STACK] = kernel_stack_id;
	v[EV_USER_STACK] = user_stack_id;
	if (!kernel_stack_id)
		row->nulls |= 1u << EV_KERNEL_STACK;
	if (!user_stack_id)
		row->nulls |= 1u << EV_USER_STACK;
	return l->event_count == EVENT_BATCH ? queue_batch(l) : 0;
}

/* The database ids of an event's context, process and stacks, inserting the ones met first. */
static int event_defs(struct loader *l, const struct crf_event *e, int64_t *context_id,
		      int64_t *process_id, int64_t *kernel_stack_id, int64_t *user_stack_id)
{
	int rc = loader_process(l, e->process, process_id);

	if (!rc)
		rc = loader_stack(l, CRF_FRAME_KERNEL, e->kernel_stack, kernel_stack_id);
	if (!rc)
		rc = loader_stack(l, CRF_FRAME_USER, e->user_stack, user_stack_id);
	if (!rc)
		rc = loader_context(l, e, *process_id, context_id);
	return rc;
}

/* Queues one event. Its definitions are inserted first, if new. */
static int load_event(struct loader *l, const struct crf_event *e)
{
	int64_t context_id, process_id, kernel_stack_id, user_stack_id;
	struct aggregate_check check;
	int rc;

	rc = event_defs(l, e, &context_id, &process_id, &kernel_stack_id, &user_stack_id);
	if (!rc)
		rc = loader_event_exe(l, e, &check.exe_index);
	if (rc)
		return rc;
	check.process_id = process_id;
	check.cap = e->cap;
	check.audit = !!(e->flags & CRF_EV_AUDIT);
	/*
	 * What the program saw: security_capable()'s final verdict when the
	 * recording has it (another LSM may deny what the capability module
	 * granted), as replay prints it and v_events shows it.
	 */
	check.granted = ((e->flags & CRF_EV_FINAL_KNOWN) ? e->final_ret : e->ret) == 0;
	check.syscall_nr = e->syscall_nr;
	check.cgroup_id = e->cgroup_id;
	check.kernel_stack_id = kernel_stack_id;
	check.user_stack_id = user_stack_id;
	check.time_ns = e->time_ns;
	/* aggregate_add() is the aggregate thread's, per batch: it was 40 % of a load's time */
	if (e->process)
		rc = loader_count_process_event(l, e->process->id);
	if (rc)
		return rc;
	return queue_event(l, e, context_id, kernel_stack_id, user_stack_id, &check);
}

static int load_exit(struct loader *l, const struct crf_process *p)
{
	sqlite3_stmt *stmt = l->stmt[STMT_PROCESS_EXIT];
	int64_t id;
	int rc = loader_process(l, p, &id);

	if (rc || !id)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, p->exit_status);
	sqlite3_bind_int64(stmt, 3, (int64_t)p->exit_time_ns);
	return step_insert(stmt);
}

/*
 * A loss count as SQLite's signed 64-bit integer: a sum that saturated at
 * 2^64 - 1 (FORMAT.md "LOSS") stays the largest value, never -1.
 */
static int64_t db_count(uint64_t count)
{
	return count > INT64_MAX ? INT64_MAX : (int64_t)count;
}

static int load_syscall_return(struct loader *l, const struct crf_syscall_return *sr)
{
	sqlite3_stmt *stmt = l->stmt[STMT_SYSCALL_RETURN];
	int64_t process_id = 0;
	int rc;

	if (sr->process) {
		rc = loader_process(l, sr->process, &process_id);
		if (rc)
			return rc;
	}
	sqlite3_bind_int64(stmt, 1, l->recording_id);
	if (process_id)
		sqlite3_bind_int64(stmt, 2, process_id);
	else
		sqlite3_bind_null(stmt, 2);
	sqlite3_bind_int64(stmt, 3, sr->tid);
	sqlite3_bind_int64(stmt, 4, (int64_t)sr->first_event);
	sqlite3_bind_int64(stmt, 5, (int64_t)sr->last_event);
	sqlite3_bind_int64(stmt, 6, sr->syscall_nr);
	sqlite3_bind_int64(stmt, 7, sr->ret);
	sqlite3_bind_int64(stmt, 8, (int64_t)sr->time_ns);
	return step_insert(stmt);
}

static int load_loss(struct loader *l, const struct crf_loss *loss, uint64_t offset)
{
	sqlite3_stmt *stmt = l->stmt[STMT_LOSS];

	sqlite3_bind_int64(stmt, 1, l->recording_id);
	sqlite3_bind_int64(stmt, 2, (int64_t)loss->time_ns);
	sqlite3_bind_int64(stmt, 3, db_count(loss->lost));
	sqlite3_bind_int64(stmt, 4, (int64_t)loss->events_before);
	sqlite3_bind_int64(stmt, 5, (int64_t)offset);
	sqlite3_bind_int64(stmt, 6, db_count(loss->process_records));
	sqlite3_bind_int64(stmt, 7, db_count(loss->stacks));
	return step_insert(stmt);
}

/* Metadata keys (FORMAT.md registry) that get their own recordings column, in column order. */
static const char *const recording_keys[] = {
	"host.hostname", "host.kernel_release", "host.boot_id", "recorder.attach_mode",
	"recorder.audit_source", "recorder.version", "recorder.options",
};

/* What the loader learnt while streaming, for the recordings row. */
struct span {
	bool any_event;
	uint64_t first_ns;
	uint64_t last_ns;
	uint64_t events;
};

static void bind_wall(sqlite3_stmt *stmt, int index, const struct crf_reader *r, bool any,
		      uint64_t boot_ns)
{
	uint64_t wall;

	if (any && crf_reader_boot_to_realtime(r, boot_ns, &wall))
		sqlite3_bind_int64(stmt, index, (int64_t)wall);
	else
		sqlite3_bind_null(stmt, index);
}

static int finish_recording(struct loader *l, const struct crf_reader *r, const struct span *span)
{
	const struct crf_recovery *rec = crf_reader_recovery(r);
	sqlite3_stmt *stmt = l->stmt[STMT_RECORDING_END];
	const char *key, *value;
	uint64_t wall;
	int rc = flush_events(l);

	if (rc)
		return rc;

	sqlite3_bind_int64(stmt, 1, l->recording_id);
	for (size_t i = 0; i < sizeof(recording_keys) / sizeof(recording_keys[0]); i++)
		bind_text_or_null(stmt, 2 + (int)i, crf_reader_metadata(r, recording_keys[i]));
	if (crf_reader_boot_to_realtime(r, span->any_event ? span->first_ns : 0, &wall))
		sqlite3_bind_int64(stmt, 9,
				   (int64_t)(wall - (span->any_event ? span->first_ns : 0)));
	if (span->any_event) {
		sqlite3_bind_int64(stmt, 10, (int64_t)span->first_ns);
		sqlite3_bind_int64(stmt, 11, (int64_t)span->last_ns);
	}
	bind_wall(stmt, 12, r, span->any_event, span->first_ns);
	bind_wall(stmt, 13, r, span->any_event, span->last_ns);
	sqlite3_bind_int64(stmt, 14, (int64_t)span->events);
	sqlite3_bind_int64(stmt, 15, db_count(rec->lost));
	sqlite3_bind_int(stmt, 16, rec->clean_end);
	bind_text_or_null(stmt, 17, crf_reader_metadata(r, "host.machine"));
	rc = step_insert(stmt);
	sqlite3_clear_bindings(stmt);

	stmt = l->stmt[STMT_METADATA];
	for (size_t i = 0; !rc && crf_reader_metadata_at(r, i, &key, &value); i++) {
		sqlite3_bind_int64(stmt, 1, l->recording_id);
		bind_text_or_null(stmt, 2, key);
		bind_text_or_null(stmt, 3, value);
		rc = step_insert(stmt);
	}
	/* The recording's own names, for its own events only (recording_cap_names). */
	stmt = l->stmt[STMT_CAP_NAME];
	for (int32_t cap = 0; !rc && cap < 64; cap++) {
		const char *name = crf_reader_cap_name(r, cap);

		if (!name || !*name)
			continue;
		sqlite3_bind_int64(stmt, 1, l->recording_id);
		sqlite3_bind_int(stmt, 2, cap);
		sqlite3_bind_text(stmt, 3, name, -1, SQLITE_STATIC);
		rc = step_insert(stmt);
	}

	stmt = l->stmt[STMT_IMPORT_STATS];
	if (!rc) {
		sqlite3_bind_int64(stmt, 1, l->recording_id);
		sqlite3_bind_int64(stmt, 2, (int64_t)rec->file_bytes);
		sqlite3_bind_int64(stmt, 3, (int64_t)rec->blocks_read);
		sqlite3_bind_int64(stmt, 4, (int64_t)rec->blocks_unknown);
		sqlite3_bind_int64(stmt, 5, (int64_t)rec->blocks_skipped);
		sqlite3_bind_int64(stmt, 6, (int64_t)rec->bytes_skipped);
		sqlite3_bind_int(stmt, 7, rec->truncated);
		if (rec->truncated)
			sqlite3_bind_int64(stmt, 8, (int64_t)rec->truncated_at);
		else
			sqlite3_bind_null(stmt, 8);
		sqlite3_bind_int64(stmt, 9, (int64_t)rec->events);
		sqlite3_bind_int64(stmt, 10, db_count(rec->lost));
		sqlite3_bind_int64(stmt, 11, (int64_t)rec->unresolved_refs);
		if (rec->clean_end) {
			sqlite3_bind_int64(stmt, 12, (int64_t)rec->end_events);
			sqlite3_bind_int64(stmt, 13, db_count(rec->end_lost));
		} else {
			sqlite3_bind_null(stmt, 12);
			sqlite3_bind_null(stmt, 13);
		}
		rc = step_insert(stmt);
	}
	stmt = l->stmt[STMT_IMPORT_BLOCK];
	for (uint32_t type = 0; !rc && type < CRF_BLOCK_TYPE_SLOTS; type++) {
		const char *name = crf_block_type_name(type);

		if (!rec->blocks_by_type[type])
			continue;
		sqlite3_bind_int64(stmt, 1, l->recording_id);
		sqlite3_bind_int(stmt, 2, (int)type);
		sqlite3_bind_text(stmt, 3, name ? name : "unknown", -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 4, (int64_t)rec->blocks_by_type[type]);
		rc = step_insert(stmt);
	}
	stmt = l->stmt[STMT_IMPORT_DAMAGE];
	for (uint32_t i = 0; !rc && i < rec->damage_count && i < 16; i++) {
		const struct crf_damage *d = &rec->damage[i];

		sqlite3_bind_int64(stmt, 1, l->recording_id);
		sqlite3_bind_int64(stmt, 2, (int64_t)d->offset);
		sqlite3_bind_int64(stmt, 3, (int64_t)d->length);
		sqlite3_bind_text(stmt, 4, crf_strerror(d->code), -1, SQLITE_STATIC);
		bind_text_or_null(stmt, 5, d->detail);
		rc = step_insert(stmt);
	}
	if (!rc)
		rc = loader_link_parents(l, r);
	if (!rc)
		rc = loader_store_process_events(l);
	if (!rc)
		rc = aggregate_flush(l->aggregate, l->db, l->stmt[STMT_AGGREGATE],
				     l->recording_id);
	return rc;
}

static int begin_recording(struct loader *l, const struct load_source *src,
			   const struct crf_reader *r)
{
	sqlite3_stmt *stmt = l->stmt[STMT_RECORDING];
	uint16_t major, minor;
	int rc;

	crf_reader_version(r, &major, &minor);
	sqlite3_bind_text(stmt, 1, src->path, -1, SQLITE_STATIC);
	if (src->file_size)
		sqlite3_bind_int64(stmt, 2, (int64_t)src->file_size);
	else
		sqlite3_bind_null(stmt, 2);
	if (src->file_mtime_ns)
		sqlite3_bind_int64(stmt, 3, src->file_mtime_ns);
	else
		sqlite3_bind_null(stmt, 3);
	sqlite3_bind_int(stmt, 4, major);
	sqlite3_bind_int(stmt, 5, minor);
	sqlite3_bind_int64(stmt, 6, (int64_t)crf_clock_ns(CLOCK_REALTIME));
	rc = step_insert(stmt);
	sqlite3_clear_bindings(stmt);
	if (!rc)
		l->recording_id = sqlite3_last_insert_rowid(l->db);
	return rc;
}

/*
 * Reads every item of the recording into the tables. Returns 0 or a database
 * failure (SQLite code or negative errno); a reader failure (I/O, memory) is
 * returned in *reader_status (a negative crf status, else 0) with cerr.
 */
static int stream(struct loader *l, struct crf_reader *r, const struct load_source *src,
		  struct span *span, int *reader_status, struct crf_error *cerr)
{
	struct crf_item item;
	int64_t unused;
	int rc, n;

	while ((n = crf_reader_next(r, &item, cerr)) == 1) {
		switch (item.kind) {
		case CRF_ITEM_EVENT:
			rc = load_event(l, item.event);
			if (rc)
				return rc;
			if (!span->any_event) {
				span->first_ns = item.event->time_ns;
				span->any_event = true;
			}
			if (item.event->time_ns < span->first_ns)
				span->first_ns = item.event->time_ns;
			if (item.event->time_ns > span->last_ns)
				span->last_ns = item.event->time_ns;
			span->events++;
			if (src->progress && (span->events & 0xffff) == 0)
				src->progress(src->progress_ctx,
					      crf_reader_recovery(r)->file_bytes);
			break;
		case CRF_ITEM_LOSS:
			rc = load_loss(l, item.loss, item.offset);
			if (rc)
				return rc;
			break;
		case CRF_ITEM_PROCESS:
			rc = loader_process(l, item.process, &unused);
			if (rc)
				return rc;
			break;
		case CRF_ITEM_PROCESS_EXIT:
			rc = load_exit(l, item.process);
			if (rc)
				return rc;
			break;
		case CRF_ITEM_CREDENTIALS:
			rc = loader_credentials(l, item.credentials);
			if (rc)
				return rc;
			break;
		case CRF_ITEM_SYSCALL_RETURN:
			rc = load_syscall_return(l, item.syscall_return);
			if (rc)
				return rc;
			break;
		default: /* metadata, clock, capnames: read at the end from the reader */
			break;
		}
	}
	*reader_status = n < 0 ? n : 0;
	return 0;
}

/* A reader's failure is the input's fault, unless memory ran out. */
static int reader_failure_class(int status)
{
	return status == CRF_ERR_NOMEM ? LOAD_FAILED_INTERNAL : LOAD_FAILED_INPUT;
}

int loader_add(struct loader *l, const struct load_source *src, struct load_result *result,
	       char *err, size_t err_size)
{
	struct crf_reader *r = NULL;
	struct crf_error cerr = { 0 };
	struct span span = { 0 };
	int rc, status, ret = LOAD_FAILED_INTERNAL;

	memset(result, 0, sizeof(*result));
	if (l->failed) {
		snprintf(err, err_size, "%s: the load failed earlier", src->path);
		return LOAD_FAILED_INTERNAL;
	}
	rc = crf_reader_open(&r, src->fd, &cerr);
	if (!rc)
		rc = reader_limits_apply(r);
	if (rc) {
		reader_error(err, err_size, src->path, rc, &cerr);
		ret = reader_failure_class(rc);
		goto cleanup;
	}
	loader_reset_ids(l);
	l->reader = r;
	rc = begin_recording(l, src, r);
	if (rc) {
		describe(l, rc, src->path, err, err_size);
		goto cleanup;
	}
	rc = stream(l, r, src, &span, &status, &cerr);
	if (!rc && status) {
		reader_error(err, err_size, src->path, status, &cerr);
		ret = reader_failure_class(status);
		goto cleanup;
	}
	if (!rc)
		rc = finish_recording(l, r, &span);
	if (rc) {
		describe(l, rc, src->path, err, err_size);
		goto cleanup;
	}
	if (src->progress)
		src->progress(src->progress_ctx, crf_reader_recovery(r)->file_bytes);
	result->recording_id = l->recording_id;
	result->events = span.events;
	result->recovery = *crf_reader_recovery(r);
	ret = 0;
cleanup:
	if (ret)
		l->failed = true;
	/* Nothing may still be on its way in when the next recording (or the end) comes. */
	aggregate_counter_drain(l->counter);
	crf_reader_free(r);
	return ret;
}
