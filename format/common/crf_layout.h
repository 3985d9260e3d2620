/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_layout.h - the byte layout constants of FORMAT.md that the writer and
 * the reader must agree on: magic, header and block framing sizes, body
 * sizes of the fixed blocks, chunk record types and event field bits.
 * Offsets are named in FORMAT.md's field tables; keep both in step.
 */
#ifndef CRF_LAYOUT_H
#define CRF_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

/*
 * File header (FORMAT.md "File header"). The magic is PNG-like: the high
 * byte catches 7-bit transfers, "\r\n" and "\n" catch line-ending
 * conversion in either direction, 0x1a stops a DOS "type".
 */
#define CRF_MAGIC "\x89" "CRF\r\n\x1a\n"
#define CRF_MAGIC_LEN 8
#define CRF_BYTE_ORDER_MARK 0x1a2b3c4du
#define CRF_FILE_HEADER_SIZE 24u     /* header written by this version */
#define CRF_FILE_HEADER_MAX 4096u    /* largest header_length a reader accepts */
#define CRF_HDR_OFF_BOM 8
#define CRF_HDR_OFF_MAJOR 12
#define CRF_HDR_OFF_MINOR 14
#define CRF_HDR_OFF_LENGTH 16
#define CRF_HDR_OFF_CRC 20

/* Block framing (FORMAT.md "Block structure"). */
#define CRF_BLOCK_HEADER_SIZE 16u
#define CRF_BLOCK_TRAILER_SIZE 4u
#define CRF_BLOCK_MIN_SIZE (CRF_BLOCK_HEADER_SIZE + CRF_BLOCK_TRAILER_SIZE)
#define CRF_BLK_OFF_TYPE 0
#define CRF_BLK_OFF_TOTAL 4
#define CRF_BLK_OFF_BODY_LEN 8
#define CRF_BLK_OFF_CRC 12

/* Total length of a block whose body is body_len bytes. */
static inline uint64_t crf_block_total(uint64_t body_len)
{
	return ((CRF_BLOCK_HEADER_SIZE + body_len + 3) & ~(uint64_t)3) + CRF_BLOCK_TRAILER_SIZE;
}

/* Fixed-size bodies (a reader ignores bytes past these: appended fields). */
#define CRF_CLOCK_BODY_SIZE 16u
#define CRF_LOSS_BODY_SIZE 24u
#define CRF_END_BODY_SIZE 24u
#define CRF_CHUNK_HEADER_SIZE 40u

/*
 * Chunk codecs (FORMAT.md "CHUNK"). 1: one independent zstd frame of
 * records with inline event times (version 1.0). 2: the time column layout,
 * compressed with up to CRF_MAX_CHUNK_PREFIX bytes of the previous chunk's
 * records as a zstd prefix (version 1.1); its header is followed by the link
 * fields below.
 */
#define CRF_CHUNK_CODEC_ZSTD 1u
#define CRF_CHUNK_CODEC_ZSTD_LINKED 2u
#define CRF_CHUNK_LINK_SIZE 8u          /* chunk_seq u32 LE, prefix_length u32 LE */
#define CRF_CHUNK_OFF_SEQ 40
#define CRF_CHUNK_OFF_PREFIX_LEN 44
#define CRF_MAX_CHUNK_PREFIX (64u << 10) /* largest prefix_length */

/* Largest capability number a CAPNAMES block may name (count <= this). */
#define CRF_MAX_CAP_NAMES 1024u
/* Largest number of pairs in one METADATA block. */
#define CRF_MAX_METADATA_PAIRS 4096u

/*
 * Codec-2 content starts each chunk with the next id of every definition
 * table, in this order (FORMAT.md "Chunk content"); a definition with id 0
 * takes its table's next id.
 */
enum crf_id_table {
	CRF_IDS_STRINGS,
	CRF_IDS_BINARIES,
	CRF_IDS_PROCESSES,
	CRF_IDS_FRAMES,
	CRF_IDS_STACKS,
	CRF_ID_TABLES,
};

/* Chunk record types (FORMAT.md "Chunk records"). */
enum crf_record_type {
	CRF_REC_STRING = 1,
	CRF_REC_BINARY = 2,
	CRF_REC_PROCESS = 3,
	CRF_REC_PROCESS_EXIT = 4,
	CRF_REC_FRAME = 5,
	CRF_REC_STACK = 6,
	CRF_REC_EVENT = 7,
	CRF_REC_COLUMN_EVENT = 8, /* an EVENT whose time delta is in the time column (codec 2) */
	CRF_REC_CREDENTIALS = 9,  /* a thread's credentials from an event on (1.2) */
	CRF_REC_SYSCALL_RETURN = 10, /* the return of the syscall that made events (1.2) */
};

/*
 * EVENT "changed" mask bits, in the order the changed fields follow. The
 * fields that change most often in a storm take the low bits, so the mask
 * stays a one-byte varint.
 */
enum crf_event_field {
	CRF_EVF_TID = 1u << 0,
	CRF_EVF_CAP = 1u << 1,
	CRF_EVF_KERNEL_STACK = 1u << 2,
	CRF_EVF_USER_STACK = 1u << 3,
	CRF_EVF_RET = 1u << 4,
	CRF_EVF_SYSCALL = 1u << 5,
	CRF_EVF_PROCESS = 1u << 6,
	CRF_EVF_COMM = 1u << 7,
	CRF_EVF_FLAGS = 1u << 8,
	CRF_EVF_FINAL_RET = 1u << 9,
	CRF_EVF_UID = 1u << 10,
	CRF_EVF_CGROUP = 1u << 11,
	CRF_EVF_USERNS_INUM = 1u << 12,
	CRF_EVF_USERNS_LEVEL = 1u << 13,
};
#define CRF_EVF_ALL 0x3fffu

/* Flag bits defined in crf_types.h; others are reserved and must be zero. */
#define CRF_EV_KNOWN_FLAGS 0x1fu

/*
 * CRC-32 (zlib's, ISO-HDLC) of a complete block of total bytes: the 12
 * header bytes before the checksum field, then everything from the body to
 * the trailing length, excluded.
 */
uint32_t crf_block_crc(const uint8_t *block, uint32_t total);

/* CRC-32 of a file header of header_length bytes, the checksum field excluded. */
uint32_t crf_header_crc(const uint8_t *header, uint32_t header_length);

#endif /* CRF_LAYOUT_H */
