/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aggregate.h - the check_aggregate rows of one recording, counted while its
 * events stream past (one hash lookup per event instead of a GROUP BY over
 * the events table afterwards).
 *
 * A group is (executable, cap, audit, verdict, syscall, kernel stack, user
 * stack); it counts checks, distinct processes, first and last time.
 * Executables are registered once with aggregate_exe() and then named by the
 * small index it returns.
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
	int64_t kernel_stack_id; /* 0 = none */
	int64_t user_stack_id;
	uint64_t time_ns;
};

/* Counts one check. Returns 0 or -ENOMEM. */
int aggregate_add(struct aggregate *a, const struct aggregate_check *c);

/*
 * Inserts every group with stmt (the loader's check_aggregate INSERT, with
 * parameters ?1..?13 in the table's column order) for recording_id, then
 * forgets the groups (executables stay registered). Returns 0, a SQLite
 * code, or -ENOMEM.
 */
int aggregate_flush(struct aggregate *a, sqlite3_stmt *stmt, int64_t recording_id);

#endif /* CAPANALYZE_AGGREGATE_H */
