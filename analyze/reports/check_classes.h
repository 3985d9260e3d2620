/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_classes.h - what policy and check decide about each capability an
 * executable (or container, or cgroup) asked for. The rules, in order
 * (docs/POLICY.md "How checks are classified"):
 *
 *   noise: non-audit   the kernel asked with CAP_OPT_NOAUDIT: a probe
 *                      whose refusal the program never sees as an error
 *                      (security_vm_enough_memory's CAP_SYS_ADMIN, ...);
 *                      counted as a need with --include-nonaudit
 *   noise: exec        made while serving execve/execveat: the kernel
 *                      setting up the new image, not the program's own code
 *   noise: pre-exec    made by a process image that later exec'd (the
 *                      fork-exec window): the parent's code in the child,
 *                      such as a runtime or shell setting up before exec
 *   needed             audited and granted: the program used it
 *   requested, denied  audited and refused: the program asked, ran without
 *                      it; the operator decides (not in the minimal set, but
 *                      check reports it)
 */
#ifndef REPORTS_CHECK_CLASSES_H
#define REPORTS_CHECK_CLASSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

enum check_class {
	CLASS_NEEDED = 0,
	CLASS_DENIED = 1,
	CLASS_NONAUDIT = 2,
	CLASS_EXEC = 3,
	CLASS_PRE_EXEC = 4,
};

enum group_by {
	GROUP_EXE,
	GROUP_CONTAINER,
	GROUP_CGROUP,
};

/* One (group, capability, class) with its most frequent call path as the example. */
struct class_row {
	char *group;        /* exe path, container id ("[host]" outside one), cgroup path */
	int cap;
	enum check_class cls;
	uint64_t checks;    /* events of this class */
	char *exe;          /* the example's executable */
	int syscall_nr;     /* the example's syscall, -1 none */
	char *user_stack;   /* the example's stacks, outermost first, ';'-joined ("" none) */
	char *kernel_stack;
};

struct class_rows {
	struct class_row *rows; /* ordered by group, capability, class */
	size_t count;
};

/*
 * Classifies every check of db whose executable matches exe_glob (NULL:
 * all), reading policy_aggregate, never the events table. Returns 0 and fills out (release with class_rows_release()), or
 * -ENOMEM, or a positive SQLite code (sqlite3_errmsg(db) says why). Needs
 * exe_match() registered on db.
 */
int check_classes_read(sqlite3 *db, enum group_by by, const char *exe_glob,
		       bool include_nonaudit, struct class_rows *out);

void class_rows_release(struct class_rows *rows);

struct output;

/*
 * Ends an output row with the example call path of row: its executable
 * (when with_exe), syscall, user stack and kernel stack. Returns 0 or the
 * output's negative errno.
 */
int class_row_write_path(struct output *o, const struct class_row *row, bool with_exe);

/* "needed", "requested, denied" or "ignored". */
const char *check_class_decision(enum check_class cls);

/* Why, in a few words ("non-audit check", "made during execve", ...). */
const char *check_class_reason(enum check_class cls);

/* Whether the class counts against an allow list (needed or denied). */
static inline bool check_class_counts(enum check_class cls)
{
	return cls == CLASS_NEEDED || cls == CLASS_DENIED;
}

#endif /* REPORTS_CHECK_CLASSES_H */
