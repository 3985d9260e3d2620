// SPDX-License-Identifier: GPL-2.0-only
/* test_flamegraph_svg.c - flame graph tree and SVG text (flamegraph_svg.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flamegraph_svg.h"

/*
 * noinline: once inlined, gcc 12 -O3 takes the buffer open_memstream() hands
 * back for a pointer into this frame's locals (-Wdangling-pointer false positive).
 */
static __attribute__((noinline)) char *render(struct flamegraph *fg, const char *title)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	assert_int_equal(flamegraph_write_svg(fg, out, title, "checks"), 0);
	fclose(out);
	return text;
}

static size_t count(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_merge_and_totals(void **state)
{
	static const char *const s1[] = { "/bin/x", "main", "chown_it", "CAP_CHOWN" };
	static const char *const s2[] = { "/bin/x", "main", "bind_it", "CAP_NET_BIND_SERVICE" };
	struct flamegraph *fg = flamegraph_new();
	char *svg;

	(void)state;
	assert_int_equal(flamegraph_add(fg, s1, 4, 3), 0);
	assert_int_equal(flamegraph_add(fg, s1, 4, 2), 0);
	assert_int_equal(flamegraph_add(fg, s2, 4, 5), 0);
	assert_int_equal(flamegraph_total(fg), 10);
	svg = render(fg, "t");
	/* all, /bin/x, main, 2 callees, 2 leaves: merged into 7 boxes. */
	assert_int_equal(count(svg, "<g class=\"f\">"), 7);
	assert_non_null(strstr(svg, "<title>all (10 checks, 100.00%)</title>"));
	assert_non_null(strstr(svg, "<title>main (10 checks, 100.00%)</title>"));
	assert_non_null(strstr(svg, "<title>chown_it (5 checks, 50.00%)</title>"));
	assert_non_null(strstr(svg, "<title>CAP_NET_BIND_SERVICE (5 checks, 50.00%)</title>"));
	assert_non_null(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
	assert_null(strstr(svg, "href"));
	/* Siblings in name order: bind_it is drawn before chown_it. */
	assert_true(strstr(svg, "<title>bind_it") < strstr(svg, "<title>chown_it"));
	free(svg);
	flamegraph_free(fg);
	flamegraph_free(NULL);
}

static void test_escaping_and_labels(void **state)
{
	static const char *const hostile[] = { "<script>alert(1)</script>", "a&b", "\xff\xfe",
					       "caf\xc3\xa9_ca_va_tres_bien_merci_beaucoup_" };
	struct flamegraph *fg = flamegraph_new();
	char *svg;

	(void)state;
	assert_int_equal(flamegraph_add(fg, hostile, 4, 1), 0);
	svg = render(fg, "title <&>");
	assert_null(strstr(svg, "<script>alert"));
	assert_non_null(strstr(svg, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(svg, "a&amp;b"));
	assert_non_null(strstr(svg, "title &lt;&amp;&gt;"));
	assert_null(strstr(svg, "\xff"));
	/* Only the embedded zoom script is a script element. */
	assert_int_equal(count(svg, "<script"), 1);
	free(svg);
	flamegraph_free(fg);
}

static void test_narrow_and_empty(void **state)
{
	static const char *const wide[] = { "wide" };
	static const char *const thin[] = { "thin_box_that_is_too_narrow_to_draw" };
	struct flamegraph *fg = flamegraph_new();
	char *svg;

	(void)state;
	svg = render(fg, "empty");
	assert_non_null(strstr(svg, "no checks matched"));
	free(svg);
	assert_int_equal(flamegraph_add(fg, wide, 1, 1000000), 0);
	assert_int_equal(flamegraph_add(fg, thin, 1, 1), 0);
	svg = render(fg, "t");
	/* Narrower than 0.1 px: not drawn. Long labels are cut with "..". */
	assert_null(strstr(svg, "thin_box"));
	assert_non_null(strstr(svg, ">wide</text>"));
	free(svg);
	flamegraph_free(fg);
}

static void test_deep_stack(void **state)
{
	const char *frames[600];
	struct flamegraph *fg = flamegraph_new();
	char *svg;

	(void)state;
	for (int i = 0; i < 600; i++)
		frames[i] = i % 2 ? "odd" : "even";
	assert_int_equal(flamegraph_add(fg, frames, 600, 7), 0);
	svg = render(fg, "deep");
	assert_int_equal(count(svg, "<g class=\"f\">"), 601);
	assert_non_null(strstr(svg, "height=\"9688\""));
	free(svg);
	flamegraph_free(fg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_and_totals),
		cmocka_unit_test(test_escaping_and_labels),
		cmocka_unit_test(test_narrow_and_empty),
		cmocka_unit_test(test_deep_stack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
