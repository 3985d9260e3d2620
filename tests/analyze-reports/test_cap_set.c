// SPDX-License-Identifier: GPL-2.0-only
/* test_cap_set.c - capability names, parsing and lists (analyze/reports/cap_set.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cap_set.h"
#include "syscall_names.h"

static void test_parse_names(void **state)
{
	int cap = -1;

	(void)state;
	assert_int_equal(cap_parse("CAP_CHOWN", &cap), 0);
	assert_int_equal(cap, 0);
	assert_int_equal(cap_parse("net_bind_service", &cap), 0);
	assert_int_equal(cap, 10);
	assert_int_equal(cap_parse("Cap_Sys_Admin", &cap), 0);
	assert_int_equal(cap, 21);
	assert_int_equal(cap_parse("40", &cap), 0);
	assert_int_equal(cap, 40);
	assert_int_equal(cap_parse("CAP_45", &cap), 0);
	assert_int_equal(cap, 45);
	assert_int_equal(cap_parse("CAP_FOO", &cap), -EINVAL);
	assert_int_equal(cap_parse("", &cap), -EINVAL);
	assert_int_equal(cap_parse("64", &cap), -EINVAL);
	assert_int_equal(cap_parse("CAP_", &cap), -EINVAL);
	assert_int_equal(cap_parse("1x", &cap), -EINVAL);
	/* every number cap_format() names, read back */
	assert_int_equal(cap_parse("cap_64", &cap), 0);
	assert_int_equal(cap, 64);
	assert_int_equal(cap_parse("cap_-5", &cap), 0);
	assert_int_equal(cap, -5);
	assert_int_equal(cap_parse("cap_99999999999", &cap), -EINVAL);
	assert_int_equal(cap_parse("cap_-", &cap), -EINVAL);
	assert_int_equal(cap_parse("-5", &cap), -EINVAL);
}

static void test_format(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(cap_format(13, buf, sizeof(buf)), "CAP_NET_RAW");
	assert_string_equal(cap_format(40, buf, sizeof(buf)), "CAP_CHECKPOINT_RESTORE");
	assert_string_equal(cap_format(41, buf, sizeof(buf)), "cap_41");
	assert_string_equal(cap_format(-3, buf, sizeof(buf)), "cap_-3");
	assert_string_equal(cap_format(64, buf, sizeof(buf)), "cap_64");
	assert_null(cap_known_name(41));
	assert_null(cap_known_name(-1));
}

static void test_lists(void **state)
{
	cap_set_t set;
	char bad[64];

	(void)state;
	assert_int_equal(cap_parse_list("CAP_CHOWN,net_bind_service", &set, bad, sizeof(bad)), 0);
	assert_true(set == ((1ull << 0) | (1ull << 10)));
	assert_int_equal(cap_parse_list(" chown , SETUID ", &set, bad, sizeof(bad)), 0);
	assert_true(set == ((1ull << 0) | (1ull << 7)));
	assert_int_equal(cap_parse_list("none", &set, bad, sizeof(bad)), 0);
	assert_true(set == 0);
	assert_int_equal(cap_parse_list("", &set, bad, sizeof(bad)), 0);
	assert_true(set == 0);
	assert_int_equal(cap_parse_list("all", &set, bad, sizeof(bad)), 0);
	assert_true(set == cap_set_all());
	assert_true(cap_set_has(set, 40) && !cap_set_has(set, 41));
	assert_int_equal(cap_parse_list("chown,CAP_FOO", &set, bad, sizeof(bad)), -EINVAL);
	assert_string_equal(bad, "CAP_FOO");
	assert_int_equal(cap_parse_list("chown,,setuid", &set, bad, sizeof(bad)), -EINVAL);
	assert_string_equal(bad, "");
	assert_int_equal(cap_parse_list("chown,", &set, bad, sizeof(bad)), -EINVAL);
	/* "none" followed by blanks or a CR (a CRLF file) is still the empty set */
	assert_int_equal(cap_parse_list("none   \t", &set, bad, sizeof(bad)), 0);
	assert_true(set == 0);
	assert_int_equal(cap_parse_list("none\r", &set, bad, sizeof(bad)), 0);
	assert_int_equal(cap_parse_list("chown\r", &set, bad, sizeof(bad)), 0);
	assert_true(set == 1);
	assert_int_equal(cap_parse_list("none,chown", &set, bad, sizeof(bad)), -EINVAL);
	/* numbers outside 0..63: refused without an extra list, kept with one */
	assert_int_equal(cap_parse_list("chown,cap_64", &set, bad, sizeof(bad)), -EINVAL);
	{
		struct cap_extra extra;

		assert_int_equal(cap_parse_list_extra("chown, cap_64,cap_-5,cap_64", &set, &extra,
						      bad, sizeof(bad)), 0);
		assert_true(set == 1);
		assert_int_equal(extra.count, 2);
		assert_true(cap_extra_has(&extra, 64) && cap_extra_has(&extra, -5));
		assert_false(cap_extra_has(&extra, 65));
	}
}

static void test_set_bounds(void **state)
{
	(void)state;
	/* Numbers a hostile recording may hold are never members and never shift out of range. */
	assert_true(cap_set_add(0, 64) == 0);
	assert_true(cap_set_add(0, -1) == 0);
	assert_false(cap_set_has(~0ull, 64));
	assert_false(cap_set_has(~0ull, -5));
	assert_true(cap_set_has(cap_set_add(0, 63), 63));
}

static void test_syscalls(void **state)
{
	char buf[32];
	int nr;

	(void)state;
	assert_string_equal(syscall_name(59), "execve");
	assert_string_equal(syscall_name(322), "execveat");
	assert_string_equal(syscall_name(92), "chown");
	assert_null(syscall_name(-1));
	assert_null(syscall_name(100000));
	assert_string_equal(syscall_format(-1, buf, sizeof(buf)), "-");
	assert_string_equal(syscall_format(5000, buf, sizeof(buf)), "syscall_5000");
	assert_int_equal(syscall_parse("bind", &nr), 0);
	assert_int_equal(nr, 49);
	assert_int_equal(syscall_parse("sys_setuid", &nr), 0);
	assert_int_equal(nr, 105);
	assert_int_equal(syscall_parse("syscall_5000", &nr), 0);
	assert_int_equal(nr, 5000);
	assert_int_equal(syscall_parse("92", &nr), 0);
	assert_int_equal(nr, 92);
	assert_int_equal(syscall_parse("nosuchcall", &nr), -EINVAL);
	assert_int_equal(syscall_parse("", &nr), -EINVAL);
	/* Every named number parses back to itself (names are unique). */
	int named = 0;

	for (int i = 0; i < 1024; i++) {
		const char *name = syscall_name(i);

		if (!name)
			continue;
		named++;
		assert_int_equal(syscall_parse(name, &nr), 0);
		assert_int_equal(nr, i);
	}
	assert_true(named > 300);
	assert_string_equal(syscall_name(59), "execve");
	assert_string_equal(syscall_name(322), "execveat");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_names),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_set_bounds),
		cmocka_unit_test(test_syscalls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
