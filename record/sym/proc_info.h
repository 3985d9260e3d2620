/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * proc_info.h - who a process is, read from /proc/PID: the identity
 * (pid + start time), its parent, executable, command line, comm, real uid,
 * cgroup v2 path and the container it runs in (see container_id.h).
 *
 * Errors are negative errno values.
 */
#ifndef CAPREC_PROC_INFO_H
#define CAPREC_PROC_INFO_H

#include <stdbool.h>
#include <stdint.h>

/* Longest command line kept, in bytes after escaping; longer ones end with "...". */
#define PROC_INFO_CMDLINE_MAX 4096

#define PROC_INFO_UID_UNKNOWN UINT32_MAX

struct proc_info {
	uint32_t pid;           /* process id (thread group id) */
	uint32_t ppid;          /* parent's process id, 0 for init and kernel roots */
	uint32_t uid;           /* real uid; PROC_INFO_UID_UNKNOWN when status is unreadable */
	uint64_t start_ticks;   /* /proc/PID/stat field 22: clock ticks since boot */
	uint64_t start_time_ns; /* start_ticks in ns (CLOCK_BOOTTIME, tick precision) */
	/*
	 * The main executable's code range (stat fields 26-27: mm->start_code,
	 * mm->end_code); 0 when not shown (kernel threads, or no ptrace
	 * access). See user_symbolizer_note_exe().
	 */
	uint64_t start_code;
	uint64_t end_code;
	char comm[64];          /* comm, non-printable bytes escaped as \xHH */
	/*
	 * Owned strings (free with proc_info_release()); NULL when /proc does
	 * not show them (kernel threads have no exe or cmdline; another user's
	 * exe needs CAP_SYS_PTRACE).
	 */
	char *exe_path;     /* readlink /proc/PID/exe, " (deleted)" kept when present */
	char *cmdline;      /* arguments joined by spaces, non-printables escaped, bounded */
	char *cgroup_path;  /* the "0::" line of /proc/PID/cgroup */
	char *container_id; /* from cgroup_path, see container_id.h; NULL when none */
	uint64_t cgroup_id; /* proc_info_read() only: cgroup_path's v2 id, 0 if unknown */
};

/*
 * Fills *info for process pid. Returns 0 when at least /proc/PID/stat was
 * read (the optional fields may be NULL); -ESRCH when the process does not
 * exist; -EINVAL when stat is malformed; -ENOMEM. On error *info holds no
 * allocations. Release with proc_info_release() in all cases.
 */
int proc_info_read(struct proc_info *info, uint32_t pid);

/* Same, under another proc mount (tests, or a host /proc seen from a container). */
int proc_info_read_at(struct proc_info *info, const char *proc_root, uint32_t pid);

/* Frees the strings of *info and zeroes it. Accepts NULL. */
void proc_info_release(struct proc_info *info);

/* Reads only the start time (field 22 of /proc/PID/stat), in clock ticks. */
int proc_info_start_ticks(uint32_t pid, uint64_t *ticks);

/* Clock ticks per second (sysconf(_SC_CLK_TCK), 100 on Linux). */
uint64_t proc_info_ticks_per_second(void);

/*
 * True when a start time in ns (BPF's task->start_boottime) and one in clock
 * ticks (/proc) name the same instant: the kernel shows floor(ns / tick).
 */
bool proc_info_start_matches(uint64_t start_time_ns, uint64_t start_ticks);

/*
 * Parses the contents of a stat file ("pid (comm) state ppid ...") into
 * pid, comm, ppid, start_ticks, start_time_ns and, when present,
 * start_code/end_code of *info. Exposed for tests.
 * Returns 0 or -EINVAL.
 */
int proc_info_parse_stat(struct proc_info *info, const char *stat_text);

#endif /* CAPREC_PROC_INFO_H */
