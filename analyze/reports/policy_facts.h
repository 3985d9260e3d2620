/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy_facts.h - what policy and check need to know about a recording,
 * read from the database in one place: the process images and their
 * checks, grouped by everything a decision depends on.
 *
 * The decisions (policy_decide.h) never write SQL: when the schema learns a
 * fact (a check's effective uid, the return value of the syscall that made
 * it), only this file changes.
 */
#ifndef REPORTS_POLICY_FACTS_H
#define REPORTS_POLICY_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

enum group_by {
	GROUP_EXE,
	GROUP_CONTAINER,
	GROUP_CGROUP,
};

/* One process image: a processes row (a fork, or the image an exec started). */
struct image_fact {
	int64_t id;           /* processes.id; 0 for checks whose process is unknown */
	int64_t parent;       /* the parent's image id, 0 unknown */
	int64_t recording;    /* recordings.id */
	char *exe;            /* the executable as every report names it */
	char *group;          /* exe, container or cgroup, as grouped on */
	bool exec_started;    /* began with an exec (not a forked copy of its parent) */
	bool later_exec;      /* was replaced by an exec later */
	bool recorder_child;  /* caprec's own child before it exec'd the command */
	bool exited;
	int exit_status;      /* wait status, valid when exited */
};

/* The checks of one image with the same cap, flags, uid, syscall and stacks. */
struct check_fact {
	size_t image;         /* index into facts.images */
	int cap;
	bool audit;
	bool granted;
	int64_t uid;          /* the checking thread's uid (effective when recorded, else real) */
	int syscall_nr;
	int syscall_ret;      /* -1 unknown, 0 the syscall failed, 1 it succeeded */
	int64_t kernel_stack_id;
	char *kernel_stack;   /* outermost first, ';'-joined, "" none */
	char *user_stack;
	uint64_t count;
	int64_t first_ns, last_ns;
};

struct policy_facts {
	struct image_fact *images;
	size_t image_count;
	struct check_fact *checks; /* ordered by group, image, first_ns */
	size_t check_count;
};

/*
 * Reads the checks of db whose executable matches exe_glob (NULL: all).
 * Returns 0, -ENOMEM, or a positive SQLite code (sqlite3_errmsg(db) says
 * why). Needs exe_match() registered on db.
 */
int policy_facts_read(sqlite3 *db, enum group_by by, const char *exe_glob,
		      struct policy_facts *out);

void policy_facts_release(struct policy_facts *facts);

#endif /* REPORTS_POLICY_FACTS_H */
