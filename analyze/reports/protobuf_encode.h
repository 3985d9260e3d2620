/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * protobuf_encode.h - the few pieces of the protocol buffers wire format a
 * writer of one known message needs: varints, field keys, varint fields,
 * length-delimited fields and packed repeated varints. Every function
 * appends to a strbuf (whose failure is sticky, so a caller checks once).
 *
 * A nested message is encoded into its own strbuf first and then added
 * with pb_bytes(): its length must precede it on the wire.
 */
#ifndef REPORTS_PROTOBUF_ENCODE_H
#define REPORTS_PROTOBUF_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum pb_wire_type {
	PB_VARINT = 0,
	PB_LENGTH_DELIMITED = 2,
};

/* Base-128, least significant group first, high bit set on all but the last byte. */
void pb_varint(struct strbuf *sb, uint64_t value);

/* A field's key: (field << 3) | wire type. */
void pb_key(struct strbuf *sb, uint32_t field, enum pb_wire_type type);

/* A uint64 field (also int64 >= 0 and ids). Zero is written too: the reader gets 0 either way. */
void pb_uint(struct strbuf *sb, uint32_t field, uint64_t value);

/* An int64 field: a negative value as its two's complement, ten bytes, as protobuf does. */
void pb_int(struct strbuf *sb, uint32_t field, int64_t value);

/* A string, bytes or nested-message field: key, length, bytes. */
void pb_bytes(struct strbuf *sb, uint32_t field, const void *data, size_t len);

/* A packed repeated uint64/int64 field: one length-delimited run of varints. */
void pb_packed(struct strbuf *sb, uint32_t field, const uint64_t *values, size_t count);

#endif /* REPORTS_PROTOBUF_ENCODE_H */
