/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_writer.h - streaming writer of caprec recordings (CRF, see FORMAT.md).
 *
 * The writer only appends: it never seeks, so the output may be a pipe. It
 * knows nothing about BPF, /proc or SQLite: the caller hands it plain values.
 *
 * Interning: strings, binaries, processes, frames and stacks are defined once
 * and referenced by small ids (1..N; 0 means "none"). The crf_intern_* calls
 * deduplicate by content and return the existing id when the same content was
 * defined before in this file. Definitions are written into the open chunk
 * before any record that references them.
 *
 * Events are buffered in the open chunk, which is compressed as one zstd
 * frame and written as one block when it reaches chunk_max_bytes, when
 * crf_writer_tick() finds it older than chunk_max_age_ns, on
 * crf_writer_flush() and on crf_writer_close(). A chunk's frame may use the
 * end of the previous chunk as its zstd prefix (small chunks of a slow
 * recording then share context); every key_interval-th chunk is independent,
 * so a damaged chunk costs at most the chunks up to the next independent one.
 *
 * Every function returns CRF_OK or a negative enum crf_status; on CRF_ERR_IO
 * crf_writer_error() tells errno and the file offset. After an I/O error the
 * writer refuses further writes (the file holds every block written before).
 * The same holds after CRF_ERR_NOMEM while a record was being appended.
 * Blocks other than chunks (metadata, clock, loss, ...) close the open chunk
 * first, so the file holds everything in call order.
 */
#ifndef CRF_WRITER_H
#define CRF_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crf_types.h"

struct crf_writer;

struct crf_writer_options {
	uint32_t chunk_max_bytes;  /* uncompressed bytes before a chunk closes; 0 = 256 KiB;
				      at most CRF_MAX_CHUNK_UNCOMPRESSED / 2 (else
				      CRF_ERR_INVALID_ARG from crf_writer_open()) */
	uint64_t chunk_max_age_ns; /* age at which tick() closes a chunk; 0 = 1 s */
	int zstd_level;            /* 0 = 3 */
	uint32_t key_interval;     /* a chunk is independent of its predecessor at least every
				      key_interval chunks; 0 = 4, 1 = every chunk (since 1.1) */
	int quiet_zstd_level;      /* level of a chunk closed by its age, a flush or
				      crf_writer_close() rather than by filling up (at most
				      once per chunk_max_age_ns unless the caller flushes);
				      0 = zstd_level. 6 makes recordings of a quiet host 2 to
				      4.5 % smaller for twice the writer's CPU per event of
				      those chunks (since 1.1) */
};

/* One metadata key/value pair. Registered keys are listed in FORMAT.md. */
struct crf_kv {
	const char *key;
	const char *value;
};

/* A process image: one process between two execs. */
struct crf_process_def {
	uint32_t pid;             /* process id (tgid) */
	uint32_t ppid;            /* parent's process id, 0 if unknown */
	uint64_t start_time_ns;   /* CLOCK_BOOTTIME ns at process start (pid + this = identity) */
	uint32_t parent_id;       /* id of the parent's process record, 0 if not in this file */
	uint32_t exe_binary_id;   /* id from crf_intern_binary(), 0 if unknown */
	uint32_t uid;             /* real uid when first seen */
	uint64_t cgroup_id;       /* cgroup v2 id */
	const char *exe_path;     /* the file executed, symlinks resolved; may be NULL */
	const char *exe_path_used; /* the path execve() was given (since 1.2); may be NULL */
	const char *cmdline;      /* arguments joined by single spaces, may be NULL */
	const char *comm;         /* task comm of the thread group leader, may be NULL */
	const char *cgroup_path;  /* cgroup v2 path, may be NULL */
	const char *container_id; /* "docker:<id>", "systemd:<unit>", ...; may be NULL */
};

/* A stack frame. Kernel frames never carry raw addresses (no KASLR leak). */
struct crf_frame_def {
	enum crf_frame_kind kind;
	/* CRF_FRAME_KERNEL */
	const char *module;       /* NULL or "" for vmlinux, else the module name */
	/* both kinds */
	const char *symbol;       /* NULL when unresolved */
	uint64_t symbol_offset;   /* offset from the symbol's start */
	/* CRF_FRAME_USER */
	uint32_t binary_id;       /* id from crf_intern_binary(), 0 if the mapping is unknown */
	uint64_t file_offset;     /* offset of the instruction in the binary file */
};

/* One capability check. References are ids returned by the crf_intern_* calls. */
struct crf_event_rec {
	uint64_t time_ns;         /* CLOCK_BOOTTIME ns; events are written in time order */
	uint32_t process_id;      /* process record id (required, non-zero) */
	uint32_t tid;             /* thread id */
	uint32_t uid;             /* real uid of the checking task */
	uint32_t comm_id;         /* string id of the thread's comm, 0 if none */
	int32_t cap;              /* capability number */
	uint32_t flags;           /* CRF_EV_* bits */
	int32_t ret;              /* cap_capable() return: 0 granted, -EPERM denied */
	int32_t final_ret;        /* security_capable() return, valid with CRF_EV_FINAL_KNOWN */
	int32_t syscall_nr;       /* syscall being served, -1 when none */
	uint64_t cgroup_id;       /* cgroup v2 id of the task */
	uint32_t userns_inum;     /* inode number of the target user namespace */
	uint32_t userns_level;    /* nesting level of the target user namespace (0 = initial) */
	uint32_t kernel_stack_id; /* stack id, 0 = none */
	uint32_t user_stack_id;   /* stack id, 0 = none */
};

/*
 * The credentials of a thread from event first_event on (since 1.2): written
 * before the first event that has them, whenever they differ from the last
 * ones written for that thread.
 */
struct crf_credentials_rec {
	uint32_t process_id;      /* process record id (required) */
	uint32_t tid;
	uint64_t first_event;     /* index in the file of the first event they apply to */
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, fsgid;
	uint64_t cap_effective;   /* bit n = capability n */
	uint64_t cap_permitted;
};

/*
 * The return of the syscall during which thread tid made the events
 * first_event..last_event (since 1.2).
 */
struct crf_syscall_return_rec {
	uint32_t process_id;      /* process record id of the first of those events */
	uint32_t tid;
	uint64_t first_event;
	uint64_t last_event;      /* >= first_event, below the events written so far */
	int32_t syscall_nr;
	int64_t ret;              /* -errno on failure */
	uint64_t time_ns;         /* CLOCK_BOOTTIME of the return */
};

struct crf_writer_stats {
	uint64_t bytes_written;   /* file bytes, including the file header */
	uint64_t events;          /* events written (including those in the open chunk) */
	uint64_t lost;            /* sum of events lost (crf_write_loss(), losses.events) */
	uint64_t lost_process_records; /* sum of losses.process_records */
	uint64_t lost_stacks;     /* sum of losses.stacks */
	uint64_t blocks;          /* blocks written */
	uint64_t chunks;          /* chunk blocks written */
};

/*
 * Starts a recording on fd (not owned: the caller closes it) and writes the
 * file header. opts may be NULL for defaults. On success *out owns a writer
 * to free with crf_writer_free(). On failure *out is NULL; if the header
 * could not be written (CRF_ERR_IO), errno holds the reason (ENOSPC, EPIPE...).
 * A writer to a pipe gets EPIPE only if the caller ignores SIGPIPE.
 */
int crf_writer_open(struct crf_writer **out, int fd, const struct crf_writer_options *opts);

/* Writes a METADATA block of n key/value pairs (FORMAT.md lists registered keys). */
int crf_write_metadata(struct crf_writer *w, const struct crf_kv *kvs, size_t n);

/* Writes a CAPNAMES block: names[i] is the name of capability i (NULL = unnamed). */
int crf_write_cap_names(struct crf_writer *w, const char *const *names, uint32_t count);

/* Writes a CLOCK block anchoring CLOCK_BOOTTIME to CLOCK_REALTIME (both ns). */
int crf_write_clock(struct crf_writer *w, uint64_t boottime_ns, uint64_t realtime_ns);

int crf_intern_string(struct crf_writer *w, const char *s, uint32_t *id);
int crf_intern_binary(struct crf_writer *w, const char *path, const uint8_t *build_id,
		      size_t build_id_len, uint32_t *id);
/*
 * Processes are not deduplicated: each call defines a new process image.
 * Its strings longer than CRF_MAX_STRING_LEN are cut to that length (a huge
 * command line must not lose the process); crf_intern_string() refuses them
 * with CRF_ERR_LIMIT instead. References (exe_binary_id, parent_id) must be
 * ids already returned, else CRF_ERR_INVALID_ARG.
 */
int crf_define_process(struct crf_writer *w, const struct crf_process_def *p, uint32_t *id);
int crf_intern_frame(struct crf_writer *w, const struct crf_frame_def *f, uint32_t *id);
/* frames[0] is the innermost frame (the one that made the check). */
int crf_intern_stack(struct crf_writer *w, const uint32_t *frame_ids, uint32_t depth,
		     uint32_t *id);

int crf_write_credentials(struct crf_writer *w, const struct crf_credentials_rec *c);
int crf_write_syscall_return(struct crf_writer *w, const struct crf_syscall_return_rec *r);

/* Records that process_id exited at time_ns with the given wait status. */
int crf_write_process_exit(struct crf_writer *w, uint32_t process_id, uint64_t time_ns,
			   int32_t exit_status);

/*
 * Every id in ev must have been returned by this writer (process_id non-zero)
 * and flags must hold only CRF_EV_* bits, else CRF_ERR_INVALID_ARG.
 */
int crf_write_event(struct crf_writer *w, const struct crf_event_rec *ev);

/*
 * Records that `lost` events were dropped by the kernel side at time_ns,
 * after every event written so far. Written as its own LOSS block (after the
 * open chunk is closed), so its position in the file is where the loss was.
 */
int crf_write_loss(struct crf_writer *w, uint64_t time_ns, uint64_t lost);

/* What the kernel side lost, by kind (FORMAT.md "LOSS"). */
struct crf_loss_counts {
	uint64_t events;          /* capability events dropped */
	uint64_t process_records; /* fork/exec/exit records dropped: processes known less well */
	uint64_t stacks;          /* stacks the kernel side could not take */
};

/*
 * crf_write_loss() with every kind: one LOSS block where the loss was noticed,
 * with the kind fields when a kind other than events is non-zero. Nothing is
 * written when every count is 0. Sums in the stats saturate at UINT64_MAX.
 */
int crf_write_losses(struct crf_writer *w, uint64_t time_ns, const struct crf_loss_counts *lost);

/* Closes the open chunk if it is older than chunk_max_age_ns at now_ns (CLOCK_MONOTONIC). */
int crf_writer_tick(struct crf_writer *w, uint64_t now_ns);

/* Closes the open chunk now, if it holds anything. */
int crf_writer_flush(struct crf_writer *w);

/* Flushes and writes the END block (a clean end). The writer stays to be freed. */
int crf_writer_close(struct crf_writer *w);

void crf_writer_stats(const struct crf_writer *w, struct crf_writer_stats *stats);
const struct crf_error *crf_writer_error(const struct crf_writer *w);

/* Frees the writer without writing anything more. Accepts NULL. */
void crf_writer_free(struct crf_writer *w);

#endif /* CRF_WRITER_H */
