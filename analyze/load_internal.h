/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * load_internal.h - the loader's state, shared by load.c (the recording and
 * its events) and load_defs.c (binaries, frames, stacks, processes).
 */
#ifndef CAPANALYZE_LOAD_INTERNAL_H
#define CAPANALYZE_LOAD_INTERNAL_H

#include <pthread.h>

#include "aggregate.h"
#include "intern.h"
#include "load.h"

/* Maps a recording's own ids (1..N, dense) to database ids; 0 = not mapped yet. */
struct id_map {
	int64_t *ids;
	size_t capacity;
};

enum loader_stmt {
	STMT_RECORDING,
	STMT_RECORDING_END,
	STMT_METADATA,
	STMT_CAP_NAME,
	STMT_BINARY,
	STMT_PROCESS,
	STMT_PROCESS_EXIT,
	STMT_PROCESS_PARENT,
	STMT_PROCESS_EVENTS,
	STMT_CONTEXT,
	STMT_FRAME,
	STMT_FRAME_NAME,
	STMT_CALLSITE,
	STMT_STACK,
	STMT_STACK_FRAME,
	STMT_EVENT,
	STMT_EVENT_BATCH, /* built from STMT_EVENT's text at run time */
	STMT_LOSS,
	STMT_IMPORT_STATS,
	STMT_IMPORT_BLOCK,
	STMT_IMPORT_DAMAGE,
	STMT_AGGREGATE,
	STMT_CREDENTIALS,
	STMT_SYSCALL_RETURN,
	STMT_COUNT
};

/* The bound values of an events row, in the INSERT's order (load.c). */
enum event_column {
	EV_CONTEXT,
	EV_IDX,
	EV_TIME,
	EV_TID,
	EV_CAP,
	EV_AUDIT,
	EV_INSETID,
	EV_RET,
	EV_FINAL_RET,
	EV_SYSCALL,
	EV_KERNEL_STACK,
	EV_USER_STACK,
	EVENT_COLUMNS
};

#define EVENT_BATCH 64       /* rows per multi-row INSERT */
#define EVENT_BATCHES 32     /* batch buffers: one being filled, the others queued */
/*
 * Hysteresis: a waiting aggregate thread is woken when this many batches are
 * queued, a loader waiting for a free buffer when this many are free, so
 * that each side sleeps and wakes once per run of batches, not per batch.
 */
#define COUNTER_RUN 16

/* An event waiting for its batch: its events row, and what it adds to the aggregate. */
struct event_row {
	int64_t values[EVENT_COLUMNS];
	uint32_t nulls; /* bit i: column i is NULL */
	struct aggregate_check check;
};

/*
 * An event_contexts row's identity within one recording (the hash key: 40
 * bytes, no padding). comm is the reader's string: one pointer per name.
 */
struct context_key {
	int64_t process_id;
	uint64_t cgroup_id;
	const char *comm;
	uint32_t uid;
	uint32_t userns_inum;
	uint32_t userns_level;
	uint32_t audit_inferred;
	uint32_t has_creds;      /* a CREDENTIALS record told the thread's credentials */
	uint32_t euid;
	uint32_t fsuid;
	uint32_t pad;            /* zero: keys are compared as bytes */
	uint64_t cap_effective;
};

/*
 * The credentials a thread has from an event on (the last CREDENTIALS record
 * of that tid), for the event_contexts of its checks.
 */
struct thread_creds {
	uint32_t tid;
	uint64_t first_event;
	uint32_t euid;
	uint32_t fsuid;
	uint64_t cap_effective;
};

/*
 * What a parameter of the multi-row INSERT holds now: sqlite3_reset() keeps
 * bindings, and many columns repeat from one batch to the next (context,
 * flags, syscall), so only changed values are bound.
 */
enum bound_kind {
	BOUND_UNKNOWN = 0, /* never bound */
	BOUND_NULL,
	BOUND_INT,
};

struct bound_value {
	int64_t value;
	uint8_t kind;      /* enum bound_kind */
};

struct event_batch {
	struct event_row rows[EVENT_BATCH];
};

/*
 * The aggregate thread: counts the checks of full batches into the
 * aggregate (aggregate_add(), which with its hash lookups was 40 % of a
 * load) while the loader reads, resolves and inserts the next events (the
 * machines have two cores). The loader inserts each batch itself, then
 * queues it; the thread alone uses aggregate_add() while batches are queued
 * (the loader only registers executables, with aggregate_exe(), which
 * aggregate_add() does not touch) and the loader flushes the aggregate once
 * drained (queued == 0). The database is the loader's alone. Without a
 * thread batches are counted inline.
 */
struct aggregate_thread {
	bool running;             /* the thread exists */
	pthread_t thread;
	pthread_mutex_t lock;     /* guards the fields below */
	pthread_cond_t changed;   /* a batch was queued or counted, or stop was set */
	int head;                 /* the oldest queued batch */
	int queued;               /* full batches queued or being counted */
	bool draining;            /* the loader waits for every queued batch */
	bool loader_waiting;      /* the loader waits for free buffers */
	bool stop;
	int status;               /* the first failure (-ENOMEM); later batches are dropped */
};

struct loader {
	sqlite3 *db;
	bool in_transaction;
	bool failed;
	sqlite3_stmt *stmt[STMT_COUNT];

	/* Across recordings: stable key -> database id. */
	struct intern_map *binaries;
	struct intern_map *frames;
	struct intern_map *callsites;
	struct intern_map *stacks;

	/* Per recording: file id -> database id. */
	int64_t recording_id;
	const struct crf_reader *reader; /* the recording being loaded: parents' records */
	struct id_map binary_ids;
	struct id_map frame_ids;
	struct id_map kernel_stack_ids;
	struct id_map user_stack_ids;
	struct id_map process_ids;
	struct id_map process_exes; /* file process id -> aggregate exe index + 1 */
	struct id_map process_events; /* file process id -> checks it made */
	struct intern_map *contexts;  /* struct context_key -> event_contexts id */
	struct context_key last_context; /* events come in runs of one context */
	int64_t last_context_id;      /* 0: none yet in this recording */
	struct aggregate *aggregate;
	struct intern_map *creds_by_tid;   /* tid -> index in creds */
	struct thread_creds *creds;
	size_t creds_count;
	size_t creds_cap;
	int64_t creds_last;                /* index of the last thread looked up, -1 = none */

	/*
	 * Events: batches[filling] gets the next rows (event_count so far); the
	 * aggregate thread owns the queued ones. bound: what the batch INSERT's
	 * parameters hold.
	 */
	struct event_batch batches[EVENT_BATCHES];
	int filling;
	int event_count;
	struct bound_value bound[EVENT_BATCH * EVENT_COLUMNS];
	struct aggregate_thread counter;
	bool counter_initialized; /* its mutex and condition exist */

	/* Processes whose parent was not defined yet when they were (file ids). */
	uint32_t *orphans;
	size_t orphan_count;
	size_t orphan_cap;

	/* Scratch for building keys and stack texts. */
	char *scratch;
	size_t scratch_cap;
};

/* Clears the per-recording maps (ids restart at 1 in every file). */
void loader_reset_ids(struct loader *l);
void id_map_free(struct id_map *m);

/* Reads back the keys of a database loaded before. Returns 0 or a SQLite code. */
int loader_read_existing(struct loader *l);

/*
 * Database id of a definition the reader resolved, inserting it the first
 * time. Return 0 and *id (0 when the definition is NULL), or a SQLite /
 * negative errno code.
 */
int loader_binary(struct loader *l, const struct crf_binary *b, int64_t *id);
int loader_process(struct loader *l, const struct crf_process *p, int64_t *id);
int loader_stack(struct loader *l, enum crf_frame_kind kind, const struct crf_stack *s,
		 int64_t *id);

/*
 * The event_contexts id of an event whose process has database id
 * process_id, inserting the row the first time. Returns 0 or a SQLite /
 * negative errno code.
 */
int loader_context(struct loader *l, const struct crf_event *e, int64_t process_id, int64_t *id);

/* Records a thread's credentials (a CREDENTIALS item). Returns 0 or a SQLite code. */
int loader_credentials(struct loader *l, const struct crf_credentials *c);

/* The aggregate's executable index for an event (its process's, or "[comm]"). */
int loader_event_exe(struct loader *l, const struct crf_event *e, uint32_t *exe_index);

/* Counts one check of the process with this file id. */
int loader_count_process_event(struct loader *l, uint32_t process_id);

/* Writes processes.events for the recording's processes. */
int loader_store_process_events(struct loader *l);

/* Fills in processes.parent_id for parents defined after their children. */
int loader_link_parents(struct loader *l, const struct crf_reader *r);

#endif /* CAPANALYZE_LOAD_INTERNAL_H */
