/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * thread_table.h - what the recorder remembers per thread between records:
 * the credentials last written for it (a CREDENTIALS record is written only
 * when they change) and the checks made during the syscall it is in (closed
 * by the syscall's return record). A fixed table indexed by tid: a thread
 * that loses its slot to another costs a repeated CREDENTIALS record or a
 * syscall return not recorded, never a wrong one.
 */
#ifndef CAPREC_THREAD_TABLE_H
#define CAPREC_THREAD_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#define THREAD_TABLE_SLOTS 4096

struct thread_creds {
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, fsgid;
	uint32_t pad;
	uint64_t cap_effective, cap_permitted;
};

struct thread_state {
	bool used;
	bool creds_written;          /* creds is what the file says this thread has */
	bool in_syscall;             /* first_event..last_event await their syscall's return */
	uint32_t tid;
	uint32_t part;               /* the recording file (rotation part) the state belongs to */
	struct thread_creds creds;
	uint32_t process_id;         /* process record of first_event */
	uint64_t first_event;
	uint64_t last_event;
};

struct thread_table {
	struct thread_state slot[THREAD_TABLE_SLOTS];
};

/* The state of tid in file part, emptied when the slot held another thread or part. */
struct thread_state *thread_table_get(struct thread_table *t, uint32_t tid, uint32_t part);

/* The state of tid in file part, or NULL when the table does not hold it. */
struct thread_state *thread_table_find(struct thread_table *t, uint32_t tid, uint32_t part);

#endif /* CAPREC_THREAD_TABLE_H */
