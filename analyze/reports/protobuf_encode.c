// SPDX-License-Identifier: GPL-2.0-only
/* protobuf_encode.c - protocol buffers wire format, writing side (see protobuf_encode.h). */
#include "protobuf_encode.h"

#include "crf_varint.h"

/* Protocol buffers' varints are the recording format's: LEB128, unsigned. */
void pb_varint(struct strbuf *sb, uint64_t value)
{
	uint8_t bytes[CRF_VARINT_MAX_LEN];

	strbuf_add(sb, (const char *)bytes, crf_varint_put(bytes, value));
}

void pb_key(struct strbuf *sb, uint32_t field, enum pb_wire_type type)
{
	pb_varint(sb, ((uint64_t)field << 3) | (uint64_t)type);
}

void pb_uint(struct strbuf *sb, uint32_t field, uint64_t value)
{
	pb_key(sb, field, PB_VARINT);
	pb_varint(sb, value);
}

void pb_int(struct strbuf *sb, uint32_t field, int64_t value)
{
	pb_uint(sb, field, (uint64_t)value);
}

void pb_bytes(struct strbuf *sb, uint32_t field, const void *data, size_t len)
{
	pb_key(sb, field, PB_LENGTH_DELIMITED);
	pb_varint(sb, len);
	strbuf_add(sb, data, len);
}

void pb_packed(struct strbuf *sb, uint32_t field, const uint64_t *values, size_t count)
{
	struct strbuf run = STRBUF_INIT;

	for (size_t i = 0; i < count; i++)
		pb_varint(&run, values[i]);
	if (run.failed)
		sb->failed = true;
	pb_bytes(sb, field, strbuf_str(&run), strbuf_len(&run));
	strbuf_release(&run);
}
