/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * proc_table.h - the processes caprec has seen, keyed by identity
 * (pid + start time, so a reused pid is another process), with what the
 * recording needs to define them: parent, exe, command line, cgroup,
 * container. An entry is read from /proc once, when the process is first
 * seen or execs, so it survives the process's exit.
 *
 * record_id/record_part remember the process record written for the entry
 * and in which file of a rotated recording: a new part redefines it.
 */
#ifndef CAPREC_PROC_TABLE_H
#define CAPREC_PROC_TABLE_H

#include <stdbool.h>
#include <stdint.h>

struct proc_entry {
	uint32_t pid;
	uint64_t start_time_ns;  /* CLOCK_BOOTTIME ns (task->group_leader->start_boottime) */
	uint32_t ppid;
	uint64_t parent_start_time_ns; /* 0 if unknown */
	uint32_t uid;
	uint64_t cgroup_id;
	char comm[64];           /* escaped as /proc shows it */
	char *exe_path;          /* owned, NULL if unknown: the file executed, symlinks resolved */
	char *exe_path_used;     /* the path execve() was given, when an exec record told */
	char *cmdline;
	char *cgroup_path;
	char *container_id;
	bool start_approx;       /* start_time_ns came from /proc (clock ticks), not from BPF */
	uint64_t start_ticks;    /* with start_approx: /proc's start time */
	uint32_t record_id;      /* process record id in the current file, 0 = not defined */
	uint32_t record_part;    /* the file (rotation part) record_id belongs to */
	struct proc_entry *next; /* hash chain */
};

struct proc_table;

int proc_table_new(struct proc_table **out);
void proc_table_free(struct proc_table *t);

/* The entry of (pid, start_time_ns), or NULL. */
struct proc_entry *proc_table_find(struct proc_table *t, uint32_t pid, uint64_t start_time_ns);

/*
 * Returns the entry of (pid, start_time_ns), creating an empty one when
 * missing. *created tells which. NULL when out of memory. An entry made from
 * /proc alone (proc_table_snapshot()) is taken over when its clock-tick start
 * time matches, and gets the exact start time.
 */
struct proc_entry *proc_table_get(struct proc_table *t, uint32_t pid, uint64_t start_time_ns,
				  bool *created);

/*
 * Reads process pid from /proc now (a process traced from the start, -p,
 * that may exit before its first check is handled). Returns the entry or
 * NULL; *err says why not (-ESRCH, -ENOMEM).
 */
struct proc_entry *proc_table_snapshot(struct proc_table *t, uint32_t pid, int *err);

/* Removes and frees an entry. */
void proc_table_remove(struct proc_table *t, struct proc_entry *e);

/*
 * Fills e from /proc/PID when that pid is still the same process (start time
 * matches). Returns 0, -ESRCH when the process is gone or the pid reused.
 * Fields already known are replaced only by values /proc could read.
 */
int proc_entry_read_proc(struct proc_entry *e);

/*
 * Like proc_entry_read_proc(), but takes from /proc only what does not
 * depend on the image the process runs now (parent, cgroup, container):
 * the image (exe, command line, comm, uid) of a process met through a fork
 * or exec record comes from the records, in stream order, because by the
 * time /proc is read the process may already run another image.
 */
int proc_entry_read_context(struct proc_entry *e);

/* Replaces an owned string of e (NULL allowed). Returns 0 or -ENOMEM. */
int proc_entry_set(char **field, const char *value);

#endif /* CAPREC_PROC_TABLE_H */
