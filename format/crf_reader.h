/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_reader.h - streaming reader of caprec recordings (CRF, see FORMAT.md).
 *
 * The reader walks the file block by block, validates every block before it
 * trusts a byte of it, and hands out items in file order with their
 * references already resolved (an event carries pointers to its process and
 * stacks). It never prints: damage is reported through crf_reader_recovery().
 *
 * Recovery: a block that fails validation is skipped and counted; the reader
 * resynchronises at the next valid block. An input that ends inside a block
 * is "truncated at byte N"; everything before that block was delivered.
 *
 * Ownership: every pointer the reader hands out (items, strings, resolved
 * records) stays valid until crf_reader_free(), except struct crf_item itself,
 * which is overwritten by the next crf_reader_next().
 * item->event is the one exception among the pointed-to records: the event
 * storage is reused by the next call (keeping every event would make memory
 * grow with the file); copy what you need. Processes, stacks, frames, binaries, strings and losses stay valid.
 */
#ifndef CRF_READER_H
#define CRF_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crf_types.h"

struct crf_reader;

struct crf_binary {
	uint32_t id;
	const char *path;          /* never NULL ("" if unknown) */
	const uint8_t *build_id;   /* NULL if none */
	uint32_t build_id_len;
};

struct crf_frame {
	uint32_t id;
	enum crf_frame_kind kind;
	const char *module;        /* kernel: "" for vmlinux, else module name; user: NULL */
	const char *symbol;        /* NULL when unresolved */
	uint64_t symbol_offset;
	const struct crf_binary *binary; /* user frames; NULL if unknown */
	uint64_t file_offset;      /* user frames */
};

struct crf_stack {
	uint32_t id;
	uint32_t depth;
	const struct crf_frame *const *frames; /* frames[0] is innermost; an entry is
						  NULL if its definition was lost */
};

struct crf_process {
	uint32_t id;
	uint32_t pid;
	uint32_t ppid;
	uint64_t start_time_ns;
	uint32_t parent_id;
	const struct crf_binary *exe_binary; /* NULL if unknown */
	uint32_t uid;
	uint64_t cgroup_id;
	const char *exe_path;      /* the file executed, symlinks resolved by the kernel since
				      1.2; NULL if unknown (same for the strings below) */
	const char *exe_path_used; /* the path execve() was given (since 1.2) */
	const char *cmdline;
	const char *comm;
	const char *cgroup_path;
	const char *container_id;
	bool exited;
	int32_t exit_status;
	uint64_t exit_time_ns;
};

struct crf_event {
	uint64_t index;            /* 0-based position among the file's events */
	uint64_t time_ns;          /* CLOCK_BOOTTIME ns */
	uint32_t pid;              /* from the process record (0 if it was lost) */
	uint32_t tid;
	uint32_t uid;
	int32_t cap;
	uint32_t flags;            /* CRF_EV_* */
	int32_t ret;
	int32_t final_ret;
	int32_t syscall_nr;
	uint64_t cgroup_id;
	uint32_t userns_inum;
	uint32_t userns_level;
	const char *comm;          /* NULL if none or lost */
	const struct crf_process *process; /* NULL only if its definition was lost */
	const struct crf_stack *kernel_stack; /* NULL = none recorded or lost */
	const struct crf_stack *user_stack;
	uint32_t kernel_stack_id;  /* as recorded, to tell "none" (0) from "lost" */
	uint32_t user_stack_id;
};

/* A thread's credentials from event first_event on (CREDENTIALS record, since 1.2). */
struct crf_credentials {
	const struct crf_process *process; /* NULL if its definition was lost */
	uint32_t tid;
	uint64_t first_event;
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, fsgid;
	uint64_t cap_effective;
	uint64_t cap_permitted;
};

/* The return of the syscall that made events first_event..last_event of tid (since 1.2). */
struct crf_syscall_return {
	const struct crf_process *process; /* NULL if its definition was lost */
	uint32_t tid;
	uint64_t first_event;
	uint64_t last_event;
	int32_t syscall_nr;
	int64_t ret;
	uint64_t time_ns;
};

struct crf_loss {
	uint64_t time_ns;
	uint64_t lost;             /* capability events dropped */
	uint64_t events_before;    /* events recorded before the loss point */
	uint64_t process_records;  /* fork/exec/exit records dropped (0 when not stated) */
	uint64_t stacks;           /* stacks the kernel side could not take (0 when not stated) */
};

enum crf_item_kind {
	CRF_ITEM_EVENT = 1,
	CRF_ITEM_LOSS = 2,
	CRF_ITEM_PROCESS = 3,      /* a process definition was read */
	CRF_ITEM_PROCESS_EXIT = 4, /* item.process has exited/exit_status set */
	CRF_ITEM_METADATA = 5,     /* a METADATA block was read; see crf_reader_metadata() */
	CRF_ITEM_CLOCK = 6,
	CRF_ITEM_CAPNAMES = 7,
	CRF_ITEM_CREDENTIALS = 8,    /* item.credentials (since 1.2) */
	CRF_ITEM_SYSCALL_RETURN = 9, /* item.syscall_return (since 1.2) */
};

struct crf_item {
	enum crf_item_kind kind;
	uint64_t offset;           /* file offset of the block it came from */
	const struct crf_event *event;
	const struct crf_loss *loss;
	const struct crf_process *process;
	const struct crf_credentials *credentials;
	const struct crf_syscall_return *syscall_return;
};

/* One damaged or skipped region. */
struct crf_damage {
	uint64_t offset;
	uint64_t length;           /* bytes skipped */
	int code;                  /* CRF_ERR_CORRUPT, CRF_ERR_LIMIT, ... */
	const char *detail;        /* static string */
};

#define CRF_BLOCK_TYPE_SLOTS 16

struct crf_recovery {
	uint64_t file_bytes;       /* bytes consumed from the input */
	uint64_t blocks_read;      /* valid blocks, all types */
	uint64_t blocks_by_type[CRF_BLOCK_TYPE_SLOTS]; /* index = block type (FORMAT.md registry) */
	uint64_t blocks_unknown;   /* valid blocks of unknown type, skipped by length */
	uint64_t blocks_skipped;   /* damaged regions skipped */
	uint64_t bytes_skipped;
	struct crf_damage damage[16]; /* the first 16 damaged regions */
	uint32_t damage_count;     /* entries used in damage[] */
	bool clean_end;            /* an END block was read */
	bool truncated;            /* the input ended inside a block */
	uint64_t truncated_at;     /* offset of the incomplete block */
	uint64_t events;           /* events delivered */
	uint64_t lost;             /* sum of LOSS counts, UINT64_MAX when it overflowed */
	bool lost_saturated;       /* a sum overflowed 64 bits: it is a floor, not a count */
	uint64_t lost_process_records; /* sum of LOSS process_records (saturating) */
	uint64_t lost_stacks;      /* sum of LOSS stacks (saturating) */
	uint64_t unresolved_refs;  /* references to definitions that were never read */
	uint64_t end_events;       /* the END block's event count (valid if clean_end) */
	uint64_t end_lost;         /* the END block's loss count (valid if clean_end) */
};

/*
 * What one recording may make a reader spend (FORMAT.md "Reader limits"),
 * beyond the per-field limits of the format: a small hostile file must not
 * cost gigabytes or hours. crf_reader_next() fails with CRF_ERR_LIMIT and a
 * detail naming the limit when a recording exceeds one. 0 means no limit.
 */
struct crf_limits {
	uint64_t decompressed_bytes; /* chunk content in all: CRF_LIMIT_DECOMPRESSED_BYTES */
	uint64_t expansion;          /* chunk content per file byte: CRF_LIMIT_EXPANSION */
	uint64_t events;             /* events delivered: CRF_LIMIT_EVENTS */
	uint64_t definitions;        /* definitions kept, all tables: CRF_LIMIT_DEFINITIONS */
	uint64_t ids_ahead;          /* how far an id may pass its table's count: CRF_LIMIT_IDS_AHEAD */
};

#define CRF_LIMIT_DECOMPRESSED_BYTES (64ull << 30)
#define CRF_LIMIT_EXPANSION 256ull
#define CRF_LIMIT_EVENTS (1ull << 36)
#define CRF_LIMIT_DEFINITIONS (1ull << 24)
#define CRF_LIMIT_IDS_AHEAD (1ull << 20)

/* The defaults above. */
void crf_limits_default(struct crf_limits *limits);

/*
 * Replaces the reader's limits (the defaults until then); call it before the
 * first crf_reader_next(). CRF_ERR_INVALID_ARG on NULL.
 */
int crf_reader_set_limits(struct crf_reader *r, const struct crf_limits *limits);

/*
 * Opens a recording on fd (not owned). Reads and checks the file header:
 * CRF_ERR_NOT_RECORDING if the magic is wrong, CRF_ERR_VERSION if the major
 * version is newer than CRF_VERSION_MAJOR, CRF_ERR_TRUNCATED if the header is
 * incomplete. err (may be NULL) gets the details.
 */
int crf_reader_open(struct crf_reader **out, int fd, struct crf_error *err);

/*
 * Reads the next item. Returns 1 with *item filled, 0 at the end of the input
 * (check crf_reader_recovery() for how it ended), or a negative status on an
 * unrecoverable error (I/O, out of memory). Damage is not an error: it is
 * skipped and recorded in the recovery report.
 */
int crf_reader_next(struct crf_reader *r, struct crf_item *item, struct crf_error *err);

void crf_reader_version(const struct crf_reader *r, uint16_t *major, uint16_t *minor);

/* Last value read for a metadata key, or NULL. */
const char *crf_reader_metadata(const struct crf_reader *r, const char *key);
/* Iterates all metadata pairs read so far: returns false past the end. */
bool crf_reader_metadata_at(const struct crf_reader *r, size_t i, const char **key,
			    const char **value);

/*
 * Iterates the CLOCK anchors read so far, in file order: returns false past
 * the end (since format library 1.1).
 */
bool crf_reader_clock_at(const struct crf_reader *r, size_t i, uint64_t *boottime_ns,
			 uint64_t *realtime_ns);

/* Capability name from the file's CAPNAMES table, or NULL when not named. */
const char *crf_reader_cap_name(const struct crf_reader *r, int32_t cap);

/*
 * Converts a CLOCK_BOOTTIME timestamp to CLOCK_REALTIME ns using the nearest
 * preceding CLOCK anchor. Returns false if no anchor was read yet.
 */
bool crf_reader_boot_to_realtime(const struct crf_reader *r, uint64_t boot_ns,
				 uint64_t *realtime_ns);

/* Lookups by id of definitions read so far; NULL if unknown. */
const struct crf_process *crf_reader_process(const struct crf_reader *r, uint32_t id);
const struct crf_stack *crf_reader_stack(const struct crf_reader *r, uint32_t id);

const struct crf_recovery *crf_reader_recovery(const struct crf_reader *r);

/* Accepts NULL. */
void crf_reader_free(struct crf_reader *r);

#endif /* CRF_READER_H */
