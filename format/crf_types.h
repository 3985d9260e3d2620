/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_types.h - what the writer and the reader of the caprec recording format
 * (CRF) share: status codes, flag bits and limits. The byte layout itself is
 * specified in format/FORMAT.md; this header never describes bytes.
 *
 * Neither crf_writer.h nor crf_reader.h includes the other; both include this.
 */
#ifndef CRF_TYPES_H
#define CRF_TYPES_H

#include <stdint.h>

/* Format version written by this library (FORMAT.md "Versioning"). */
#define CRF_VERSION_MAJOR 1
#define CRF_VERSION_MINOR 2

/*
 * Status codes. Every library function returns CRF_OK (0) or one of these
 * negative values. Values are pinned: they are part of the API.
 */
enum crf_status {
	CRF_OK = 0,
	CRF_ERR_IO = -1,            /* read/write failed; crf_error.sys_errno says why */
	CRF_ERR_NOT_RECORDING = -2, /* the file does not start with the CRF magic */
	CRF_ERR_VERSION = -3,       /* major version newer than this library */
	CRF_ERR_TRUNCATED = -4,     /* the input ended inside a block */
	CRF_ERR_CORRUPT = -5,       /* a block failed validation (length, checksum, field) */
	CRF_ERR_NOMEM = -6,         /* allocation failed */
	CRF_ERR_LIMIT = -7,         /* a value exceeds a documented limit (FORMAT.md "Limits") */
	CRF_ERR_INVALID_ARG = -8,   /* API misuse by the caller */
	CRF_ERR_COMPRESS = -9,      /* zstd refused to compress or decompress */
};

/* Returns a static, human-readable name for a crf_status ("truncated", ...). */
const char *crf_strerror(int status);

/*
 * Where and why an operation failed. Filled by functions that take a
 * struct crf_error *; never printed by the library.
 */
struct crf_error {
	int code;           /* enum crf_status */
	int sys_errno;      /* errno for CRF_ERR_IO, else 0 */
	uint64_t offset;    /* byte offset in the file where the problem was detected */
	const char *detail; /* static string: what exactly was wrong ("block length below minimum") */
};

/* Event flag bits (struct crf_event_rec.flags / struct crf_event.flags). */
#define CRF_EV_AUDIT (1u << 0)         /* the check was audited (no CAP_OPT_NOAUDIT) */
#define CRF_EV_AUDIT_INFERRED (1u << 1) /* audit bit inferred from the caller, not read from opts */
#define CRF_EV_INSETID (1u << 2)       /* CAP_OPT_INSETID was set */
#define CRF_EV_INSETID_KNOWN (1u << 3) /* the attach mode could see INSETID */
#define CRF_EV_FINAL_KNOWN (1u << 4)   /* final_ret holds security_capable()'s verdict */

/* Frame kinds. */
enum crf_frame_kind {
	CRF_FRAME_KERNEL = 1, /* module + symbol + offset */
	CRF_FRAME_USER = 2,   /* binary (build-id) + file offset, symbol when resolvable */
};

/*
 * Block types (FORMAT.md "Block-type registry"). A reader skips, by length,
 * any valid block whose type it does not know.
 */
enum crf_block_type {
	CRF_BLOCK_METADATA = 1, /* key/value pairs: host, recorder, options */
	CRF_BLOCK_CAPNAMES = 2, /* capability number -> name table */
	CRF_BLOCK_CLOCK = 3,    /* CLOCK_BOOTTIME <-> CLOCK_REALTIME anchor */
	CRF_BLOCK_CHUNK = 4,    /* one zstd frame of records: definitions and events */
	CRF_BLOCK_LOSS = 5,     /* events dropped by the kernel side, at this point */
	CRF_BLOCK_END = 6,      /* clean end of the recording, with totals */
};

/* Static name of a block type ("chunk"), or NULL if unknown. */
const char *crf_block_type_name(uint32_t type);

/* Limits a reader enforces before allocating (FORMAT.md "Limits"). */
#define CRF_MAX_BLOCK_SIZE (16u << 20)       /* total length of one block */
#define CRF_MAX_CHUNK_UNCOMPRESSED (8u << 20) /* decompressed size of one chunk */
#define CRF_MAX_STRING_LEN 65535u
#define CRF_MAX_BUILD_ID_LEN 64u
#define CRF_MAX_STACK_DEPTH 256u
#define CRF_MAX_IDS (1u << 24)               /* per interning table */

#endif /* CRF_TYPES_H */
