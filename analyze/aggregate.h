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

#endif /* CAPANALYZE_AGGREGATE_H */
