// SPDX-License-Identifier: GPL-2.0-only
/* test_policy_file.c - policy files: rules, globs, defaults and errors (policy_file.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exe_match.h"
#include "policy_file.h"

#define CAP(n) (1ull << (n))

static struct policy *parse_ok(const char *text)
{
	struct policy *p = NULL;
	char err[256] = "";

	assert_int_equal(policy_parse(text, strlen(text), "p.txt", &p, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_non_null(p);
	return p;
}

static void expect_error(const char *text, const char *message)
{
	struct policy *p = (struct policy *)1;
	char err[256] = "";

	assert_int_equal(policy_parse(text, strlen(text), "p.txt", &p, err, sizeof(err)), -EINVAL);
	assert_null(p);
	assert_string_equal(err, message);
}

static void test_rules(void **state)
{
	struct policy *p = parse_ok("# allowed capabilities\n"
				    "\n"
				    "/usr/sbin/nginx  CAP_NET_BIND_SERVICE, setuid,setgid  # web\n"
				    "ping\tnet_raw\n"
				    "/opt/*/bin/*     chown\n"
				    "*                none\n"
				    "   \t  # indented comment\n"
				    "busybox all");
	const struct policy_rule *r;

	(void)state;
	assert_int_equal(p->count, 4);
	assert_true(p->has_default);
	assert_int_equal(p->default_rule.line, 6);
	r = policy_lookup(p, "/usr/sbin/nginx");
	assert_non_null(r);
	assert_int_equal(r->line, 3);
	assert_true(r->caps == (CAP(10) | CAP(7) | CAP(6)));
	r = policy_lookup(p, "/bin/ping");
	assert_int_equal(r->line, 4);
	assert_true(r->caps == CAP(13));
	r = policy_lookup(p, "/opt/app/bin/server");
	assert_int_equal(r->line, 5);
	r = policy_lookup(p, "/usr/bin/other");
	assert_ptr_equal(r, &p->default_rule);
	assert_true(r->caps == 0);
	r = policy_lookup(p, "/bin/busybox");
	assert_int_equal(r->line, 8);
	policy_free(p);
}

static void test_first_match_and_default_position(void **state)
{
	/* "*" is the fallback even when written first; other rules: first match wins. */
	struct policy *p = parse_ok("* chown\nserver setuid\n/srv/*/server setgid\n");

	(void)state;
	assert_true(policy_lookup(p, "/srv/a/server")->caps == CAP(7));
	assert_true(policy_lookup(p, "/bin/other")->caps == CAP(0));
	policy_free(p);
	p = parse_ok("server setuid\n");
	assert_null(policy_lookup(p, "/bin/other"));
	policy_free(p);
	p = parse_ok("");
	assert_int_equal(p->count, 0);
	assert_false(p->has_default);
	policy_free(p);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("webd chown\n\n# fine\nworker CAP_FOO\n",
		     "p.txt:4: unknown capability 'CAP_FOO'");
	expect_error("webd\n", "p.txt:1: no capability list after 'webd' (write 'none' for an "
		     "empty set)");
	expect_error("webd # only a comment after\n", "p.txt:1: no capability list after 'webd' "
		     "(write 'none' for an empty set)");
	expect_error("a chown\n* none\na setuid\n",
		     "p.txt:3: second rule for 'a' (first on line 1)");
	expect_error("* none\n* all\n", "p.txt:2: second rule for '*' (first on line 1)");
	expect_error("a chown,,setuid\n", "p.txt:1: empty item in capability list");
}

static void test_nul_and_long_lines(void **state)
{
	static const char text[] = "a chown\nb x\0y\n";
	struct policy *p = NULL;
	char err[256], *line;

	(void)state;
	assert_int_equal(policy_parse(text, sizeof(text) - 1, "p.txt", &p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "p.txt: holds a NUL byte: not a policy file");
	line = malloc(10000);
	memset(line, 'x', 9999);
	line[9999] = '\0';
	assert_int_equal(policy_parse(line, strlen(line), "p.txt", &p, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "p.txt:1: line longer than 4096 bytes");
	free(line);
}

static void test_load(void **state)
{
	char path[] = "/tmp/policy-test-XXXXXX", err[256];
	struct policy *p = NULL;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("webd net_bind_service\nother CAP_NOPE\n", f);
	fclose(f);
	assert_int_equal(policy_load(path, &p, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":2: unknown capability 'CAP_NOPE'"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	unlink(path);
	assert_int_equal(policy_load(path, &p, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "No such file"));
	assert_int_equal(policy_load("/tmp", &p, err, sizeof(err)), -EINVAL);
	policy_free(NULL);
}

static void test_exe_match(void **state)
{
	(void)state;
	assert_true(exe_match("nginx", "/usr/sbin/nginx", NULL));
	assert_true(exe_match("/usr/sbin/nginx", "/usr/sbin/nginx", NULL));
	assert_true(exe_match("/usr/*", "/usr/sbin/nginx", NULL));
	assert_true(exe_match("ngi?x", "/usr/sbin/nginx", NULL));
	assert_false(exe_match("sbin", "/usr/sbin/nginx", NULL));
	assert_false(exe_match("/nginx", "/usr/sbin/nginx", NULL));
	assert_true(exe_match("*", "[kworker]", NULL));
	assert_false(exe_match(NULL, "/x", NULL));
	assert_false(exe_match("x", NULL, NULL));
	/* Two paths: the file executed and the path given to execve; either one names it. */
	assert_true(exe_match("/usr/sbin/ip", "/usr/bin/ip", "/usr/sbin/ip"));
	assert_true(exe_match("/usr/bin/ip", "/usr/bin/ip", "/usr/sbin/ip"));
	assert_true(exe_match("ip", "/usr/bin/ip", "/usr/sbin/ip"));
	assert_false(exe_match("/usr/sbin/ip", "/usr/bin/ip", NULL));
	assert_false(exe_match("/usr/local/*", "/usr/bin/ip", "/usr/sbin/ip"));
	assert_true(exe_match("/*/sbin/*", "/usr/bin/ip", "/usr/sbin/ip"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_first_match_and_default_position),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul_and_long_lines),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_exe_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
