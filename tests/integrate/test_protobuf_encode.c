// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_protobuf_encode.c - the wire bytes of protobuf_encode.c against the
 * encodings the protocol buffers documentation works through (150 as
 * 96 01, a string field, packed repeated varints, a negative int64 in ten
 * bytes), and string_intern.c's numbering through a few table growths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "protobuf_encode.h"
#include "string_intern.h"

static void expect_bytes(const struct strbuf *sb, const unsigned char *want, size_t len)
{
	assert_false(sb->failed);
	assert_int_equal(strbuf_len(sb), len);
	assert_memory_equal(strbuf_str(sb), want, len);
}

static void test_varint(void **state)
{
	static const unsigned char zero[] = { 0x00 }, one_fifty[] = { 0x96, 0x01 },
		three_hundred[] = { 0xac, 0x02 },
		max[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	pb_varint(&sb, 0);
	expect_bytes(&sb, zero, sizeof(zero));
	strbuf_reset(&sb);
	pb_varint(&sb, 150);
	expect_bytes(&sb, one_fifty, sizeof(one_fifty));
	strbuf_reset(&sb);
	pb_varint(&sb, 300);
	expect_bytes(&sb, three_hundred, sizeof(three_hundred));
	strbuf_reset(&sb);
	pb_varint(&sb, UINT64_MAX);
	expect_bytes(&sb, max, sizeof(max));
	strbuf_release(&sb);
}

static void test_fields(void **state)
{
	/* Field 1 = 150; field 2 = "testing"; field 4 packed [3, 270, 86942]; field 3 = -1. */
	static const unsigned char uint_field[] = { 0x08, 0x96, 0x01 },
		string_field[] = { 0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g' },
		packed[] = { 0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05 },
		negative[] = { 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	static const uint64_t values[] = { 3, 270, 86942 };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	pb_uint(&sb, 1, 150);
	expect_bytes(&sb, uint_field, sizeof(uint_field));
	strbuf_reset(&sb);
	pb_bytes(&sb, 2, "testing", 7);
	expect_bytes(&sb, string_field, sizeof(string_field));
	strbuf_reset(&sb);
	pb_packed(&sb, 4, values, 3);
	expect_bytes(&sb, packed, sizeof(packed));
	strbuf_reset(&sb);
	pb_int(&sb, 3, -1);
	expect_bytes(&sb, negative, sizeof(negative));
	strbuf_release(&sb);
}

static void test_intern(void **state)
{
	struct string_intern *t = string_intern_new();
	char name[32];
	uint64_t index;

	(void)state;
	assert_non_null(t);
	/* Enough strings to grow the hash several times; each keeps its first number. */
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 5000; i++) {
			snprintf(name, sizeof(name), "frame_%d", i);
			assert_int_equal(string_intern_add(t, name, &index), 0);
			assert_int_equal(index, (uint64_t)i);
		}
	}
	assert_int_equal(string_intern_count(t), 5000);
	assert_string_equal(string_intern_get(t, 4321), "frame_4321");
	assert_int_equal(string_intern_add(t, "", &index), 0);
	assert_int_equal(index, 5000);
	string_intern_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varint),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_intern),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
