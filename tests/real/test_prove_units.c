// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of caprec prove's parts that need no root: capability set text,
 * the reading of `capanalyze policy --format csv`, and the command line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "capset_text.h"
#include "policy_query.h"
#include "prove_options.h"

static void test_capset_parse(void **state)
{
	char err[128] = "";
	uint64_t set;

	(void)state;
	assert_int_equal(capset_parse("CAP_NET_RAW,cap_chown  setuid", &set, err, sizeof(err)), 0);
	assert_true(set == ((1ull << 13) | (1ull << 0) | (1ull << 7)));
	assert_int_equal(capset_parse("none", &set, err, sizeof(err)), 0);
	assert_true(set == 0);
	assert_int_equal(capset_parse("", &set, err, sizeof(err)), 0);
	assert_true(set == 0);
	assert_int_equal(capset_parse("net_raw,net_rawx", &set, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown capability 'net_rawx'");
	/* A prefix of a name is not the name. */
	assert_int_equal(capset_parse_name("net_ra", 6), -1);
	assert_int_equal(capset_parse_name("CHECKPOINT_RESTORE", 18), 40);
}

static void test_capset_format(void **state)
{
	char buf[256];

	(void)state;
	capset_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	capset_format((1ull << 13) | (1ull << 0), buf, sizeof(buf));
	assert_string_equal(buf, "CAP_CHOWN,CAP_NET_RAW");
	/* Truncated at a name boundary, never in the middle of one. */
	capset_format((1ull << 13) | (1ull << 0), buf, 12);
	assert_string_equal(buf, "CAP_CHOWN");
	assert_int_equal(capset_count((1ull << 13) | (1ull << 0)), 2);
}

static const char policy_csv[] =
	"group,capability,decision,in_set,checks,reason,exe,syscall,user_stack,kernel_stack\n"
	"/usr/bin/ping,CAP_SETUID,\"requested, denied\",0,1,\"audited check, denied: the "
	"program ran without it\",/usr/bin/ping,setuid,setuid,a;b\n"
	"/usr/bin/ping,CAP_NET_RAW,needed,1,2,\"audited check, granted\",/usr/bin/ping,socket,"
	"\"main;\"\"quoted\"\"\nframe\",x;y\n"
	"/usr/bin/other,CAP_FUTURE_THING,needed,1,1,r,/usr/bin/other,-,,\r\n";

static void test_policy_csv(void **state)
{
	struct policy_rows rows;
	char err[256] = "";

	(void)state;
	assert_int_equal(policy_parse_csv(policy_csv, NULL, &rows, err, sizeof(err)), 0);
	assert_int_equal(rows.count, 3);
	assert_string_equal(rows.rows[0].decision, "requested, denied");
	assert_true(policy_row_denied(&rows.rows[0]));
	assert_int_equal(rows.rows[0].cap, 7);
	assert_false(rows.rows[1].in_set == false);
	assert_false(policy_row_denied(&rows.rows[1]));
	assert_int_equal(rows.rows[1].checks, 2);
	assert_string_equal(rows.rows[1].user_stack, "main;\"quoted\"\nframe");
	assert_string_equal(rows.rows[1].kernel_stack, "x;y");
	/* A capability this build does not know is kept, but in no set. */
	assert_int_equal(rows.rows[2].cap, -1);
	assert_true(policy_rows_set(&rows) == 1ull << 13);
	policy_rows_free(&rows);

	assert_int_equal(policy_parse_csv("group,cap\nx,y\n", NULL, &rows, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "in_set"));
	/* Columns found by name, in any order; an empty output is no rows. */
	assert_int_equal(policy_parse_csv("in_set,decision,capability\n1,needed,chown\n", NULL,
					  &rows, err, sizeof(err)), 0);
	assert_int_equal(rows.count, 1);
	assert_true(policy_rows_set(&rows) == 1);
	assert_string_equal(rows.rows[0].exe, "");
	policy_rows_free(&rows);

	/* Deployment forms: one set column per form, in_FORM. */
	assert_int_equal(policy_parse_csv("capability,decision,in_root,in_nonroot\n"
					  "setuid,leaving uid 0,1,0\nnet_raw,needed,1,1\n"
					  "chown,tolerated,0,0\n", "nonroot", &rows, err,
					  sizeof(err)), 0);
	assert_true(policy_rows_set(&rows) == 1ull << 13);
	assert_true(policy_row_denied(&rows.rows[2]));
	policy_rows_free(&rows);
	/* A denial the policy puts in the set is still a denial of the run. */
	assert_int_equal(policy_parse_csv("capability,decision,in_root,in_nonroot\n"
					  "net_raw,\"denied, then failed\",0,1\n", "nonroot",
					  &rows, err, sizeof(err)), 0);
	assert_true(rows.rows[0].in_set);
	assert_true(policy_row_denied(&rows.rows[0]));
	policy_rows_free(&rows);
	assert_int_equal(policy_parse_csv("capability,decision,in_root,in_nonroot\n"
					  "setuid,leaving uid 0,1,0\n", "root", &rows, err,
					  sizeof(err)), 0);
	assert_true(policy_rows_set(&rows) == 1ull << 7);
	policy_rows_free(&rows);
	assert_int_equal(policy_parse_csv("capability,decision,in_root\nx,y,1\n", NULL, &rows,
					  err, sizeof(err)), -EINVAL);
}

static int parse(struct prove_options *o, char *err, size_t size, ...)
{
	char *argv[32];
	va_list ap;
	int argc = 0;

	va_start(ap, size);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	return prove_parse_options(argc, argv, o, err, size);
}

static void test_options(void **state)
{
	struct prove_options o;
	char err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "prove", "--user", "nobody", "--caps",
			       "net_raw", "--minimize", "--", "ping", "-c1", NULL), 0);
	assert_string_equal(o.user, "nobody");
	assert_true(o.minimize);
	assert_int_equal(o.form, PROVE_FORM_NONROOT);
	assert_int_equal(o.max_runs, PROVE_DEFAULT_MAX_RUNS);
	assert_string_equal(o.command[0], "ping");
	assert_string_equal(o.command[1], "-c1");
	/* The command's own options stay the command's. */
	assert_int_equal(parse(&o, err, sizeof(err), "prove", "--form", "root", "ls", "--caps",
			       NULL), 0);
	assert_null(o.caps);
	assert_string_equal(o.command[1], "--caps");
	assert_int_equal(parse(&o, err, sizeof(err), "prove", "--caps", "x", "--", "ls", NULL),
			 -EINVAL);
	assert_non_null(strstr(err, "--user"));
	assert_int_equal(parse(&o, err, sizeof(err), "prove", "--form", "root", "--exe", "x",
			       "--", "ls", NULL), -EINVAL);
	assert_int_equal(parse(&o, err, sizeof(err), "prove", "--form", "root", "--timeout",
			       "-1", "--", "ls", NULL), -EINVAL);
	assert_int_equal(parse(&o, err, sizeof(err), "prove", "--form", "root", "--max-runs",
			       "1", "--", "ls", NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capset_parse),
		cmocka_unit_test(test_capset_format),
		cmocka_unit_test(test_policy_csv),
		cmocka_unit_test(test_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
