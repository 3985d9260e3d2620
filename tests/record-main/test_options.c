// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of record/options.c: every spelling the other areas rely on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "options.h"

#define ARGC(argv) ((int)(sizeof(argv) / sizeof(argv[0])) - 1)

static int parse(int argc, char **argv, struct caprec_options *o, char *err)
{
	return parse_options(argc, argv, o, err, 256);
}

static void test_defaults(void **state)
{
	char *argv[] = { "caprec", NULL };
	struct caprec_options o;
	char err[256];

	(void)state;
	assert_int_equal(parse(1, argv, &o, err), 0);
	assert_false(o.verbose);
	assert_null(o.output_path);
	assert_null(o.command);
	assert_int_equal(o.attach, ATTACH_AUTO);
	assert_int_equal(o.buffer_size, CAPREC_DEFAULT_BUFFER_SIZE);
}

static void test_all_flags(void **state)
{
	char *argv[] = { "caprec", "-v", "-K", "-U", "-x", "-p", "12", "-p", "34", "--follow",
			 "--cgroup", "/sys/fs/cgroup/x", "-o", "out.crf", "--print",
			 "--duration", "2.5", "--max-size", "1M", "--buffer-size", "64k",
			 "--attach", "kprobe", "--trace-self", NULL };
	struct caprec_options o;
	char err[256];

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv, &o, err), 0);
	assert_true(o.verbose && o.kernel_stacks && o.user_stacks && o.extended);
	assert_true(o.follow && o.print && o.trace_self);
	assert_int_equal(o.pid_count, 2);
	assert_int_equal(o.pids[0], 12);
	assert_int_equal(o.pids[1], 34);
	assert_string_equal(o.cgroup_path, "/sys/fs/cgroup/x");
	assert_string_equal(o.output_path, "out.crf");
	assert_true(o.duration_s > 2.49 && o.duration_s < 2.51);
	assert_int_equal(o.max_size, 1 << 20);
	assert_int_equal(o.buffer_size, 64 << 10);
	assert_int_equal(o.attach, ATTACH_KPROBE);
}

static void test_command_after_dashes(void **state)
{
	char *argv[] = { "caprec", "-o", "-", "--", "ls", "-l", "--all", NULL };
	struct caprec_options o;
	char err[256];

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv, &o, err), 0);
	assert_non_null(o.command);
	assert_string_equal(o.command[0], "ls");
	assert_string_equal(o.command[1], "-l");
	assert_string_equal(o.command[2], "--all");
	assert_null(o.command[3]);
	assert_true(o.follow); /* a command is followed into its descendants */
	assert_false(o.verbose); /* "-l" belongs to ls */
}

static void expect_error(char **argv, int argc, const char *needle)
{
	struct caprec_options o;
	char err[256] = "";

	assert_int_equal(parse(argc, argv, &o, err), -EINVAL);
	if (!strstr(err, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", err, needle);
}

static void test_errors(void **state)
{
	(void)state;
	{
		char *argv[] = { "caprec", "-p", "abc", NULL };
		expect_error(argv, ARGC(argv), "-p abc");
	}
	{
		char *argv[] = { "caprec", "-p", "0", NULL };
		expect_error(argv, ARGC(argv), "not a process id");
	}
	{
		char *argv[] = { "caprec", "--buffer-size", "5000", NULL };
		expect_error(argv, ARGC(argv), "power of two");
	}
	{
		char *argv[] = { "caprec", "--attach", "uprobe", NULL };
		expect_error(argv, ARGC(argv), "uprobe");
	}
	{
		char *argv[] = { "caprec", "--print", NULL };
		expect_error(argv, ARGC(argv), "--print needs -o");
	}
	{
		char *argv[] = { "caprec", "--max-size", "1M", "-o", "-", NULL };
		expect_error(argv, ARGC(argv), "standard output");
	}
	{
		char *argv[] = { "caprec", "--follow", NULL };
		expect_error(argv, ARGC(argv), "--follow needs");
	}
	{
		char *argv[] = { "caprec", "ls", NULL };
		expect_error(argv, ARGC(argv), "after --");
	}
	{
		char *argv[] = { "caprec", "-o", NULL };
		expect_error(argv, ARGC(argv), "missing argument");
	}
	{
		char *argv[] = { "caprec", "--duration", "-1", NULL };
		expect_error(argv, ARGC(argv), "--duration");
	}
	{
		char *argv[] = { "caprec", "-q", NULL };
		expect_error(argv, ARGC(argv), "unknown option");
	}
	{
		char *argv[] = { "caprec", "-p", "5", "--", "true", NULL };
		expect_error(argv, ARGC(argv), "cannot be combined");
	}
}

static void test_parse_size(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("64k", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(parse_size("4M", &v), 0);
	assert_int_equal(v, 4u << 20);
	assert_int_equal(parse_size("1G", &v), 0);
	assert_int_equal(v, 1u << 30);
	assert_int_equal(parse_size("2MB", &v), 0);
	assert_int_equal(v, 2u << 20);
	assert_int_equal(parse_size("", &v), -EINVAL);
	assert_int_equal(parse_size("-1", &v), -EINVAL);
	assert_int_equal(parse_size("12x", &v), -EINVAL);
	assert_int_equal(parse_size("99999999999999999999", &v), -EINVAL);
	assert_int_equal(parse_size("18014398509481984G", &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_flags),
		cmocka_unit_test(test_command_after_dashes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_parse_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
