// SPDX-License-Identifier: GPL-2.0-only
/* Tests of format/text: the exact live line and stack lines caprec and replay print. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crf_text.h"
#include "crf_syscall_names.h"

static char *render(const struct crf_event *ev, const char *cap_name, uint64_t realtime_ns,
		    const struct crf_text_options *o, bool header)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	if (header)
		assert_int_equal(crf_text_print_header(f, o), 0);
	else
		assert_int_equal(crf_text_print_event(f, ev, cap_name, realtime_ns, o), 0);
	fclose(f);
	return buf;
}

static int setup_utc(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static void test_default_line(void **state)
{
	struct crf_event ev = { .pid = 4242, .tid = 4243, .uid = 1000, .cap = 24,
				.flags = CRF_EV_AUDIT | CRF_EV_AUDIT_INFERRED, .ret = -1,
				.syscall_nr = 160, .comm = "sample_rlimit" };
	struct crf_text_options o = { .machine = "x86_64" };
	/* 2026-01-02 03:04:05 UTC */
	uint64_t t = 1767323045ull * 1000000000ull + 123;
	char *line;

	(void)state;
	line = render(&ev, "CAP_SYS_RESOURCE", t, &o, false);
	assert_string_equal(line, "03:04:05 1000   4242    sample_rlimit    24   CAP_SYS_RESOURCE"
				  "       1     deny\n");
	free(line);
	line = render(NULL, NULL, 0, &o, true);
	assert_string_equal(line, "TIME     UID    PID     COMM             CAP  NAME"
				  "                   AUDIT VERDICT\n");
	free(line);
}

static void test_extended_line(void **state)
{
	struct crf_event ev = { .pid = 10, .tid = 11, .uid = 0, .cap = 21, .ret = 0, .syscall_nr = 9, .userns_inum = 4026531837u,
				.flags = CRF_EV_INSETID_KNOWN, .comm = "mm" };
	struct crf_text_options o = { .extended = true, .machine = "x86_64" };
	char *line;

	(void)state;
	line = render(&ev, "CAP_SYS_ADMIN", 0, &o, false);
	assert_string_equal(line, "00:00:00 0      10      11      mm               21   "
				  "CAP_SYS_ADMIN          0     allow   mmap             0       "
				  "4026531837\n");
	free(line);
	/* Outside a syscall, INSETID unknown, cap unnamed. */
	ev.syscall_nr = -1;
	ev.flags = CRF_EV_AUDIT;
	ev.cap = 77;
	line = render(&ev, NULL, 0, &o, false);
	assert_non_null(strstr(line, " cap_77 "));
	assert_non_null(strstr(line, " -                -       4026531837"));
	free(line);
	/* A number without a name on this machine is printed as the number. */
	ev.syscall_nr = 9999;
	line = render(&ev, NULL, 0, &o, false);
	assert_non_null(strstr(line, " 9999 "));
	free(line);
}

static void test_final_verdict_wins(void **state)
{
	struct crf_event ev = { .cap = 0, .flags = CRF_EV_AUDIT | CRF_EV_FINAL_KNOWN, .ret = 0,
				.final_ret = -13, .comm = "x" };
	struct crf_text_options o = { 0 };
	char *line;

	(void)state;
	line = render(&ev, "CAP_CHOWN", 0, &o, false);
	assert_non_null(strstr(line, " deny\n"));
	free(line);
}

static void test_stacks(void **state)
{
	struct crf_binary libc = { .id = 1, .path = "/usr/lib/libc.so.6" };
	struct crf_frame k0 = { .kind = CRF_FRAME_KERNEL, .module = "", .symbol = "cap_capable",
				.symbol_offset = 0x83 };
	struct crf_frame k1 = { .kind = CRF_FRAME_KERNEL, .module = "nfsd",
				.symbol = "nfsd_setuser", .symbol_offset = 0x10 };
	struct crf_frame u0 = { .kind = CRF_FRAME_USER, .symbol = "setrlimit", .symbol_offset = 0x11,
				.binary = &libc };
	struct crf_frame u1 = { .kind = CRF_FRAME_USER, .file_offset = 0x1a2b, .binary = &libc };
	const struct crf_frame *kframes[] = { &k0, &k1 };
	const struct crf_frame *uframes[] = { &u0, &u1, NULL };
	struct crf_stack ks = { .id = 1, .depth = 2, .frames = kframes };
	struct crf_stack us = { .id = 2, .depth = 3, .frames = uframes };
	struct crf_event ev = { .cap = 24, .flags = CRF_EV_AUDIT, .ret = -1, .comm = "x",
				.kernel_stack = &ks, .user_stack = &us };
	struct crf_text_options o = { .kernel_stacks = true, .user_stacks = true };
	char *out;

	(void)state;
	out = render(&ev, "CAP_SYS_RESOURCE", 0, &o, false);
	assert_non_null(strstr(out, "deny\n"
				    "    [k] cap_capable+0x83\n"
				    "    [k] nfsd_setuser+0x10 [nfsd]\n"
				    "    [u] setrlimit+0x11 (/usr/lib/libc.so.6)\n"
				    "    [u] 0x1a2b (/usr/lib/libc.so.6)\n"
				    "    [?] (definition lost)\n"));
	free(out);
	/* Stacks off: one line only. */
	o.kernel_stacks = o.user_stacks = false;
	out = render(&ev, "CAP_SYS_RESOURCE", 0, &o, false);
	assert_null(strstr(out, "[k]"));
	assert_null(strstr(out, "[u]"));
	free(out);
}

static void test_syscall_names(void **state)
{
	(void)state;
	assert_string_equal(crf_syscall_name("x86_64", 0), "read");
	assert_string_equal(crf_syscall_name("x86_64", 160), "setrlimit");
	assert_string_equal(crf_syscall_name("x86_64", 260), "fchownat");
	assert_string_equal(crf_syscall_name("aarch64", 54), "fchownat");
	assert_string_equal(crf_syscall_name("aarch64", 222), "mmap");
	assert_null(crf_syscall_name("x86_64", -1));
	assert_null(crf_syscall_name("x86_64", 100000));
	assert_null(crf_syscall_name("riscv64", 1));
	assert_null(crf_syscall_name(NULL, 1));
	assert_string_equal(crf_syscall_name("arm64", 221), "execve");
	assert_string_equal(crf_syscall_machine("arm64"), "aarch64");
	assert_null(crf_syscall_machine("riscv64"));
	assert_string_equal(crf_syscall_machine_at(0), "x86_64");
	assert_string_equal(crf_syscall_machine_at(1), "aarch64");
	assert_null(crf_syscall_machine_at(2));
	assert_int_equal(crf_syscall_number("aarch64", "fchownat"), 54);
	assert_int_equal(crf_syscall_number("aarch64", "chown"), -1);
	assert_int_equal(crf_syscall_number("x86_64", "chown"), 92);
	/* The exec numbers of each machine, and no other number of either. */
	for (int32_t nr = -1; nr < 1024; nr++) {
		const char *x86 = crf_syscall_name("x86_64", nr);
		const char *arm = crf_syscall_name("aarch64", nr);

		assert_int_equal(crf_syscall_is_exec("x86_64", nr),
				 x86 && (!strcmp(x86, "execve") || !strcmp(x86, "execveat")));
		assert_int_equal(crf_syscall_is_exec("aarch64", nr),
				 arm && (!strcmp(arm, "execve") || !strcmp(arm, "execveat")));
	}
	assert_true(crf_syscall_is_exec("x86_64", 59) && crf_syscall_is_exec("x86_64", 322));
	assert_true(crf_syscall_is_exec("aarch64", 221) && crf_syscall_is_exec("aarch64", 281));
	assert_false(crf_syscall_is_exec("aarch64", 59) || crf_syscall_is_exec(NULL, 59));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_line),
		cmocka_unit_test(test_extended_line),
		cmocka_unit_test(test_final_verdict_wins),
		cmocka_unit_test(test_stacks),
		cmocka_unit_test(test_syscall_names),
	};

	return cmocka_run_group_tests(tests, setup_utc, NULL);
}
