// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_output.c - the table / JSON / CSV writer (analyze/output.c), from C
 * values and from a SQLite statement.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output.h"

/* Renders two columns and four rows (number, text needing escapes, NULL, booleans) in format. */
static char *render(enum output_format format)
{
	static const char *const columns[] = { "n", "text" };
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct output *o;

	assert_non_null(out);
	o = output_new(out, format);
	assert_non_null(o);
	assert_int_equal(output_columns(o, 2, columns), 0);
	assert_int_equal(output_int(o, 7), 0);
	assert_int_equal(output_text(o, "plain"), 0);
	assert_int_equal(output_end_row(o), 0);
	assert_int_equal(output_int(o, -12345), 0);
	assert_int_equal(output_text(o, "a,\"b\"\nc\td\x01"), 0);
	assert_int_equal(output_end_row(o), 0);
	assert_int_equal(output_double(o, 1.5), 0);
	assert_int_equal(output_null(o), 0);
	assert_int_equal(output_end_row(o), 0);
	assert_int_equal(output_bool(o, true), 0);
	assert_int_equal(output_bool(o, false), 0);
	assert_int_equal(output_end_row(o), 0);
	assert_int_equal(output_finish(o), 0);
	output_free(o);
	fclose(out);
	return buf;
}

static void test_table(void **state)
{
	char *text = render(OUTPUT_TABLE);

	(void)state;
	/* numbers right-aligned, text left-aligned, control characters shown escaped */
	assert_string_equal(text, "n       text\n"
				  "------  ---------------\n"
				  "     7  plain\n"
				  "-12345  a,\"b\"\\nc\\td\\x01\n"
				  "   1.5  \n"
				  "true    false\n");
	free(text);
}

static void test_json(void **state)
{
	char *text = render(OUTPUT_JSON);

	(void)state;
	assert_string_equal(text, "[\n"
				  "{\"n\":7,\"text\":\"plain\"},\n"
				  "{\"n\":-12345,\"text\":\"a,\\\"b\\\"\\nc\\td\\u0001\"},\n"
				  "{\"n\":1.5,\"text\":null},\n"
				  "{\"n\":true,\"text\":false}\n"
				  "]\n");
	free(text);
}

static void test_csv(void **state)
{
	char *text = render(OUTPUT_CSV);

	(void)state;
	assert_string_equal(text, "n,text\r\n"
				  "7,plain\r\n"
				  "-12345,\"a,\"\"b\"\"\\nc\\td\\x01\"\r\n"
				  "1.5,\r\n"
				  "true,false\r\n");
	free(text);
}

static void test_json_invalid_utf8(void **state)
{
	static const char *const columns[] = { "s" };
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct output *o = output_new(out, OUTPUT_JSON);

	(void)state;
	assert_int_equal(output_columns(o, 1, columns), 0);
	/* a stray continuation byte, an overlong slash, then valid é */
	assert_int_equal(output_text(o, "x\x80y\xc0\xaf\xc3\xa9"), 0);
	assert_int_equal(output_end_row(o), 0);
	assert_int_equal(output_finish(o), 0);
	output_free(o);
	fclose(out);
	assert_string_equal(buf, "[\n{\"s\":\"x\\ufffdy\\ufffd\\ufffd\xc3\xa9\"}\n]\n");
	free(buf);
}

static void test_empty_result(void **state)
{
	static const char *const columns[] = { "a", "bb" };
	enum output_format formats[] = { OUTPUT_TABLE, OUTPUT_JSON, OUTPUT_CSV };
	const char *expected[] = { "a  bb\n-  --\n", "[]\n", "a,bb\r\n" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);
		struct output *o = output_new(out, formats[i]);

		assert_int_equal(output_columns(o, 2, columns), 0);
		assert_int_equal(output_finish(o), 0);
		output_free(o);
		fclose(out);
		assert_string_equal(buf, expected[i]);
		free(buf);
	}
}

static void test_misuse(void **state)
{
	static const char *const columns[] = { "a", "b" };
	struct output *o = output_new(stdout, OUTPUT_CSV);

	(void)state;
	assert_int_equal(output_int(o, 1), -EINVAL);     /* before the columns */
	assert_int_equal(output_columns(o, 2, columns), 0);
	assert_int_equal(output_columns(o, 2, columns), -EINVAL);
	assert_int_equal(output_int(o, 1), 0);
	assert_int_equal(output_end_row(o), -EINVAL);    /* one cell short */
	output_free(o);
	output_free(NULL);
}

static void test_parse_format(void **state)
{
	enum output_format format;

	(void)state;
	assert_int_equal(output_parse_format("table", &format), 0);
	assert_int_equal(format, OUTPUT_TABLE);
	assert_int_equal(output_parse_format("json", &format), 0);
	assert_int_equal(format, OUTPUT_JSON);
	assert_int_equal(output_parse_format("csv", &format), 0);
	assert_int_equal(format, OUTPUT_CSV);
	assert_int_equal(output_parse_format("yaml", &format), -EINVAL);
	assert_int_equal(output_parse_format("", &format), -EINVAL);
	assert_int_equal(output_parse_format(NULL, &format), -EINVAL);
}

static void test_from_statement(void **state)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct output *o = output_new(out, OUTPUT_JSON);

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT 1 AS i, 2.25 AS f, 'x' AS t, NULL AS z "
						"UNION ALL SELECT 9007199254740993, -0.5, 'y', NULL",
					    -1, &stmt, NULL),
			 SQLITE_OK);
	assert_int_equal(output_query(o, stmt), 0);
	output_free(o);
	fclose(out);
	/* 64-bit integers keep every digit */
	assert_string_equal(buf, "[\n{\"i\":1,\"f\":2.25,\"t\":\"x\",\"z\":null},\n"
				 "{\"i\":9007199254740993,\"f\":-0.5,\"t\":\"y\",\"z\":null}\n]\n");
	free(buf);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

/* Past the sizing rows the table streams: widths stay, a wider cell overflows. */
static void test_table_streams(void **state)
{
	static const char *const columns[] = { "n", "s" };
	char *buf = NULL, *last;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct output *o = output_new(out, OUTPUT_TABLE);

	(void)state;
	assert_int_equal(output_columns(o, 2, columns), 0);
	for (int i = 0; i < 1500; i++) {
		assert_int_equal(output_int(o, i % 10), 0);
		assert_int_equal(output_text(o, i == 1499 ? "much wider" : "x"), 0);
		assert_int_equal(output_end_row(o), 0);
		if (i == 1000) {
			/* the first 1000 rows are out already, with the header */
			fflush(out);
			assert_int_equal(strncmp(buf, "n  s\n-  -\n0  x\n", 15), 0);
		}
	}
	assert_int_equal(output_finish(o), 0);
	output_free(o);
	fclose(out);
	last = strrchr(buf, '\n');
	*last = '\0';
	assert_string_equal(strrchr(buf, '\n') + 1, "9  much wider");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_json_invalid_utf8),
		cmocka_unit_test(test_empty_result),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_from_statement),
		cmocka_unit_test(test_table_streams),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
