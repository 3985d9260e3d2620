// SPDX-License-Identifier: GPL-2.0-only
/* test_text_escape.c - escaping untrusted names for each output (text_escape.c, strbuf.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text_escape.h"

typedef void (*escape_fn)(struct strbuf *sb, const char *text);

static void expect(escape_fn fn, const char *in, const char *out)
{
	struct strbuf sb = STRBUF_INIT;

	fn(&sb, in);
	assert_false(sb.failed);
	assert_string_equal(strbuf_str(&sb), out);
	strbuf_release(&sb);
}

static void test_folded(void **state)
{
	(void)state;
	expect(escape_folded, "main", "main");
	expect(escape_folded, "a;b c\td", "a:b_c_d");
	expect(escape_folded, "x\ny\x1b", "x?y?");
	expect(escape_folded, "bad\xff\xfe caf\xc3\xa9", "bad??_caf\xc3\xa9");
	expect(escape_folded, "", "[unknown]");
	expect(escape_folded, NULL, "[unknown]");
	expect(escape_folded, "evil_fn [mod]", "evil_fn_[mod]");
}

static void test_xml(void **state)
{
	(void)state;
	expect(escape_xml, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect(escape_xml, "a&b\"c'd", "a&amp;b&quot;c&apos;d");
	expect(escape_xml, "]]><!--", "]]&gt;&lt;!--");
	expect(escape_xml, "bad\xff\xfeutf8", "bad??utf8");
	expect(escape_xml, "esc\x1b[0m\x7f", "esc?[0m?");
	expect(escape_xml, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5", "caf\xc3\xa9 \xe2\x82\xac "
	       "\xf0\x9f\x94\xa5");
	/* Overlong encodings, surrogates and a truncated sequence are not UTF-8. */
	expect(escape_xml, "\xc0\xbc\xed\xa0\x80\xe2\x82", "???????");
	expect(escape_xml, NULL, "");
}

static void test_json(void **state)
{
	(void)state;
	expect(escape_json, "a\"b\\c", "\"a\\\"b\\\\c\"");
	expect(escape_json, "l1\nl2\t\x01", "\"l1\\nl2\\t\\u0001\"");
	expect(escape_json, "x\xffy", "\"x\\ufffdy\"");
	expect(escape_json, NULL, "\"\"");
	/* C1 (0x9b is CSI) and bidirectional overrides: \u escapes, still valid JSON. */
	expect(escape_json, "a\xc2\x9b" "31m\xe2\x80\xaez\r", "\"a\\u009b31m\\u202ez\\r\"");
}

static void test_shell_and_terminal(void **state)
{
	(void)state;
	expect(escape_shell, "/usr/bin/x", "/usr/bin/x");
	expect(escape_shell, "a b", "'a b'");
	expect(escape_shell, "it's", "'it'\\''s'");
	expect(escape_shell, "$(rm -rf /)", "'$(rm -rf /)'");
	expect(escape_shell, "", "''");
	expect(escape_terminal, "a\x1b[2Jb\nc", "a\\x1b[2Jb\\nc");
}

/* What a terminal obeys is shown escaped; a backslash is kept (shell commands stay usable). */
static void test_terminal(void **state)
{
	(void)state;
	expect(escape_terminal, "host\nintegrity     clean end", "host\\nintegrity     clean end");
	expect(escape_terminal, "\x1b]8;;http://x/\x07link\x1b]8;;\x07",
	       "\\x1b]8;;http://x/\\x07link\\x1b]8;;\\x07");
	expect(escape_terminal, "raw\x9b" "1m utf8\xc2\x9b" "1m", "raw\\x9b1m utf8\\u009b1m");
	expect(escape_terminal, "del\x7f tab\t cr\r bs\\", "del\\x7f tab\\t cr\\r bs\\");
	expect(escape_terminal, "bad\xff\xfe \xc0\xbc", "bad\\xff\\xfe \\xc0\\xbc");
	expect(escape_terminal, "rtl\xe2\x80\xae" "fdp.exe \xe2\x81\xa6x", "rtl\\u202efdp.exe \\u2066x");
	expect(escape_terminal, "caf\xc3\xa9 \xe2\x82\xac \xc2\xa0", "caf\xc3\xa9 \xe2\x82\xac \xc2\xa0");
	expect(escape_terminal, NULL, "");
}

/* CSV: formulas neutralised (OWASP), the terminal escaping inside, RFC 4180 quoting. */
static void test_csv(void **state)
{
	(void)state;
	expect(escape_csv, "=HYPERLINK(\"http://x/\",\"y\")", "\"'=HYPERLINK(\"\"http://x/\"\",\"\"y\"\")\"");
	expect(escape_csv, "+1", "'+1");
	expect(escape_csv, "-2+3", "'-2+3");
	expect(escape_csv, "@SUM(A1)", "'@SUM(A1)");
	expect(escape_csv, "\tx", "'\\tx");
	expect(escape_csv, "\rx", "'\\rx");
	expect(escape_csv, "/usr/bin/x", "/usr/bin/x");
	expect(escape_csv, "a,b", "\"a,b\"");
	expect(escape_csv, "bad\xff", "bad\\xff");
	expect(escape_csv, "", "");
}

static void test_strbuf(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *text;

	(void)state;
	assert_string_equal(strbuf_str(&sb), "");
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i);
	assert_int_equal(strbuf_len(&sb), strlen(strbuf_str(&sb)));
	assert_int_equal(strncmp(strbuf_str(&sb), "0,1,2,", 6), 0);
	strbuf_reset(&sb);
	strbuf_adds(&sb, "x");
	text = strbuf_detach(&sb);
	assert_string_equal(text, "x");
	free(text);
	assert_string_equal(strbuf_str(&sb), "");
	text = strbuf_detach(&sb);
	assert_string_equal(text, "");
	free(text);
	strbuf_release(&sb);
	strbuf_release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folded),
		cmocka_unit_test(test_xml),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_shell_and_terminal),
		cmocka_unit_test(test_terminal),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_strbuf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
