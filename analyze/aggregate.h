/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aggregate.h - the check_aggregate and policy_aggregate rows of one
 * recording, counted while its events stream past (one hash lookup per
 * event instead of a GROUP BY over the events table afterwards).
 *
 * A check_aggregate group is (executable, cap, audit, verdict, syscall,
 * kernel stack, user stack); it counts checks, distinct processes, first and
 * last time. policy_aggregate splits each group further by what policy and
 * check classify and group on: whether the process image was later replaced
 * by an exec (the fork-exec window), the event's cgroup id and the process's
 * cgroup path and container id. Whether an image was replaced is known only
 * once the whole recording is read, so checks are counted per (group,
 * cgroup, process) while streaming and split at aggregate_flush().
 *
 * Executables are registered once with aggregate_exe() and then named by the
 * small index it returns.
 *
 * Threads: aggregate_exe() and aggregate_add() touch disjoint state (the
 * executables; the counts), so one thread may register executables while
 * another counts (the loader does). aggregate_flush() needs both quiet.
 */
#ifndef CAPANALYZE_AGGREGATE_H
#define CAPANALYZE_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct aggregate;

/* Returns NULL when out of memory. */
struct aggregate *aggregate_new(void);

/* Accepts NULL. */
void aggregate_free(struct aggregate *a);

/*
 * Index of the executable (binary_id, 0 if unknown; exe_path, copied),
 * registering it the first time. Returns 0 or -ENOMEM.
 */
int aggregate_exe(struct aggregate *a, int64_t binary_id, const char *exe_path,
		  uint32_t *exe_index);

struct aggregate_check {
	uint32_t exe_index;
	int64_t process_id;     /* database id, 0 if unknown */
	int32_t cap;
	int audit;              /* 0/1 */
	int granted;            /* 0/1 */
	int32_t syscall_nr;
	uint64_t cgroup_id;     /* the event's cgroup */
	int64_t kernel_stack_id; /* 0 = none */
	int64_t user_stack_id;
	uint64_t time_ns;
};

/* Counts one check. Returns 0, -ENOMEM, or -EOVERFLOW past 2^32 groups or cells. */
int aggregate_add(struct aggregate *a, const struct aggregate_check *c);

/*
 * Writes the recording's rows: check_aggregate with check_stmt (the loader's
 * INSERT, with parameters ?1..?13 in the table's column order), then
 * policy_aggregate with a statement prepared here on db (once per
 * recording). Reads the recording's processes table rows (every one must be
 * inserted by now) to learn which images were replaced and their cgroup and
 * container. Then forgets the counts (executables stay registered). Returns
 * 0, a SQLite code, or -ENOMEM.
 */
int aggregate_flush(struct aggregate *a, sqlite3 *db, sqlite3_stmt *check_stmt,
		    int64_t recording_id);

/*
 * The counting thread: counts batches of checks into the aggregate
 * (aggregate_add(), which with its hash lookups was 40 % of a load) while
 * the loader reads, resolves and inserts the next events (the machines have
 * two cores). While batches are queued the thread alone calls
 * aggregate_add(); the caller may still register executables
 * (aggregate_exe()) and flushes only after aggregate_counter_drain(). When
 * no thread can be started, batches are counted inline: slower, not wrong.
 *
 * The caller fills `slots` batch buffers round robin and queues each when
 * full; a queued batch's checks must stay untouched until counted.
 * aggregate_counter_queue() returns only when the next buffer in the round
 * is free again. `run` is the hysteresis: a waiting thread is woken when
 * this many batches are queued, a waiting caller when this many buffers are
 * free, so each side sleeps and wakes once per run of batches, not per batch.
 */
struct aggregate_counter;

/* Starts counting into a. Returns 0 or -ENOMEM. */
int aggregate_counter_start(struct aggregate *a, int slots, int run,
			    struct aggregate_counter **out);

/* Counts what is still queued, stops the thread and frees. Accepts NULL. */
void aggregate_counter_stop(struct aggregate_counter *c);

/*
 * Queues count checks, stride bytes apart from first (the caller's rows
 * embed them). Returns the thread's first failure (-ENOMEM, -EOVERFLOW: the
 * batches after it are dropped), or 0.
 */
int aggregate_counter_queue(struct aggregate_counter *c, const struct aggregate_check *first,
			    size_t stride, int count);

/*
 * Counts a batch now, in the caller's thread: for a partial batch after
 * aggregate_counter_drain(). Returns 0 or aggregate_add()'s error.
 */
int aggregate_add_batch(struct aggregate *a, const struct aggregate_check *first, size_t stride,
			int count);

/*
 * Waits until every queued batch is counted: the aggregate is then the
 * caller's to flush. Returns the thread's first failure, or 0.
 */
int aggregate_counter_drain(struct aggregate_counter *c);

#endif /* CAPANALYZE_AGGREGATE_H */
