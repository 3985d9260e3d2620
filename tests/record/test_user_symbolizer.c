// SPDX-License-Identifier: GPL-2.0-only
/* test_user_symbolizer.c - user frames of this process and of a child that has exited. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_info.h"
#include "user_symbolizer.h"

/* A loop through a volatile keeps the body longer than the offsets the tests add, at -O3 too. */
static __attribute__((noinline)) int frame_function_in_test(int x)
{
	volatile int acc = 0;
	int i;

	for (i = 0; i < 4; i++)
		acc = acc + x;
	return acc / 4 * 5 - 2;
}

static void test_self_frames(void **state)
{
	uint64_t addr = (uint64_t)(uintptr_t)&frame_function_in_test + 4;
	struct user_symbolizer *s;
	struct user_frame frame;
	struct proc_info self;
	char exe[PATH_MAX];
	ssize_t n;

	(void)state;
	assert_int_equal(frame_function_in_test(1), 3);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	assert_int_equal(proc_info_read(&self, (uint32_t)getpid()), 0);
	assert_int_equal(user_symbolizer_new(&s, NULL), 0);

	assert_int_equal(user_symbolizer_resolve(s, self.pid, self.start_time_ns, addr, &frame), 0);
	assert_string_equal(frame.binary_path, exe);
	assert_non_null(frame.build_id);
	assert_true(frame.build_id_len >= 16);
	assert_string_equal(frame.symbol, "frame_function_in_test");
	assert_int_equal(frame.symbol_offset, 4);
	assert_true(frame.inode != 0);
	assert_int_equal(frame.map_flags, 0);

	addr = (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, "getpid");
	assert_int_equal(user_symbolizer_resolve(s, self.pid, self.start_time_ns, addr, &frame), 0);
	assert_non_null(strstr(frame.binary_path, "libc"));
	assert_non_null(frame.build_id);
	assert_true(!strcmp(frame.symbol, "getpid") || !strcmp(frame.symbol, "__getpid"));

	/* The vDSO: named, but no file behind it. */
	addr = getauxval(AT_SYSINFO_EHDR);
	if (addr) {
		assert_int_equal(user_symbolizer_resolve(s, self.pid, self.start_time_ns, addr,
							 &frame), 0);
		assert_string_equal(frame.binary_path, "[vdso]");
		assert_int_equal(frame.map_flags, PROC_MAP_SPECIAL);
		assert_null(frame.symbol);
	}

	/* No executable mapping there: the address is kept, nothing else. */
	assert_int_equal(user_symbolizer_resolve(s, self.pid, self.start_time_ns, 0x1000, &frame),
			 -ENOENT);
	assert_int_equal(frame.file_offset, 0x1000);
	assert_null(frame.binary_path);

	proc_info_release(&self);
	user_symbolizer_free(s);
	user_symbolizer_free(NULL);
}

/* JIT-like code: anonymous executable memory mapped after the first snapshot. */
static void test_anonymous_code(void **state)
{
	struct user_symbolizer *s;
	struct user_frame frame;
	uint64_t addr;
	void *code;

	(void)state;
	assert_int_equal(user_symbolizer_new(&s, NULL), 0);
	assert_int_equal(user_symbolizer_track(s, (uint32_t)getpid(), 0), 0);
	code = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED) {
		user_symbolizer_free(s);
		print_message("skip: anonymous executable memory refused\n");
		skip();
	}
	addr = (uint64_t)(uintptr_t)code + 16;
	/* Not in the snapshot taken before: a miss re-reads the maps (once the interval passed). */
	usleep(PROC_MAPS_REREAD_INTERVAL_NS / 1000 + 1000);
	assert_int_equal(user_symbolizer_resolve(s, (uint32_t)getpid(), 0, addr, &frame), 0);
	assert_int_equal(frame.map_flags, PROC_MAP_ANON);
	assert_null(frame.binary_path);
	assert_null(frame.symbol);
	assert_int_equal(frame.file_offset, addr);
	munmap(code, 4096);
	user_symbolizer_free(s);
}

/* A child tracked while alive is still symbolized after it exited and was reaped. */
static void test_exited_child(void **state)
{
	uint64_t addr = (uint64_t)(uintptr_t)&frame_function_in_test;
	struct user_symbolizer *s;
	struct user_frame frame;
	struct proc_info child;
	int fds[2], status;
	pid_t pid;
	char c;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(fds[1]);
		_exit(read(fds[0], &c, 1) < 0);
	}
	close(fds[0]);
	assert_int_equal(proc_info_read(&child, (uint32_t)pid), 0);
	assert_int_equal(user_symbolizer_new(&s, NULL), 0);
	assert_int_equal(user_symbolizer_track(s, child.pid, child.start_time_ns), 0);
	close(fds[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);

	assert_int_equal(user_symbolizer_resolve(s, child.pid, child.start_time_ns, addr, &frame),
			 0);
	assert_string_equal(frame.symbol, "frame_function_in_test");
	assert_non_null(frame.build_id);

	user_symbolizer_forget(s, child.pid, child.start_time_ns);
	assert_int_equal(user_symbolizer_resolve(s, child.pid, child.start_time_ns, addr, &frame),
			 -ESRCH);
	proc_info_release(&child);
	user_symbolizer_free(s);
}

/*
 * A child that exited before its maps were ever read: only what the kernel
 * told at exec (executable path, start_code, end_code) is left.
 */
static void test_exited_untracked_child(void **state)
{
	uint64_t addr = (uint64_t)(uintptr_t)&frame_function_in_test + 8;
	struct user_frame frame, expected;
	struct user_symbolizer *s;
	struct proc_info child;
	int fds[2], status;
	pid_t pid;
	char c;

	(void)state;
	assert_int_equal(user_symbolizer_new(&s, NULL), 0);
	/* What the frame must be, from this process (the child is a fork of it). */
	assert_int_equal(user_symbolizer_resolve(s, (uint32_t)getpid(), 0, addr, &expected), 0);
	assert_non_null(expected.symbol);

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(fds[1]);
		_exit(read(fds[0], &c, 1) < 0);
	}
	close(fds[0]);
	assert_int_equal(proc_info_read(&child, (uint32_t)pid), 0);
	close(fds[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!child.start_code) {
		print_message("skip: /proc/PID/stat hides start_code without ptrace access\n");
		proc_info_release(&child);
		user_symbolizer_free(s);
		skip();
	}
	assert_true(addr >= child.start_code && addr < child.end_code);

	assert_int_equal(user_symbolizer_resolve(s, child.pid, child.start_time_ns, addr, &frame),
			 -ESRCH);
	assert_int_equal(user_symbolizer_note_exe(s, child.pid, child.start_time_ns, child.exe_path,
						  child.start_code, child.end_code), 0);
	assert_int_equal(user_symbolizer_resolve(s, child.pid, child.start_time_ns, addr, &frame),
			 0);
	assert_int_equal(frame.map_flags, USER_FRAME_FROM_EXE_RANGE);
	assert_string_equal(frame.symbol, "frame_function_in_test");
	assert_int_equal(frame.symbol_offset, 8);
	assert_int_equal(frame.file_offset, expected.file_offset);
	assert_int_equal(frame.build_id_len, expected.build_id_len);
	assert_memory_equal(frame.build_id, expected.build_id, frame.build_id_len);
	/* Outside the executable's code (libc): nothing to say without maps. */
	assert_int_equal(user_symbolizer_resolve(s, child.pid, child.start_time_ns,
						 (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, "getpid"),
						 &frame), -ESRCH);

	assert_int_equal(user_symbolizer_note_exe(s, 1, 0, "relative/path", 10, 20), -EINVAL);
	assert_int_equal(user_symbolizer_note_exe(s, 1, 0, "/bin/true", 20, 20), -EINVAL);
	user_symbolizer_forget(s, child.pid, child.start_time_ns);
	assert_int_equal(user_symbolizer_resolve(s, child.pid, child.start_time_ns, addr, &frame),
			 -ESRCH);
	proc_info_release(&child);
	user_symbolizer_free(s);
}

/* Frames the kernel already turned into (dev, inode, file offset). */
static void test_resolve_file(void **state)
{
	uint64_t addr = (uint64_t)(uintptr_t)&frame_function_in_test;
	struct user_frame frame, expected;
	struct user_symbolizer *s;
	char path[PATH_MAX];

	(void)state;
	assert_int_equal(user_symbolizer_new(&s, NULL), 0);
	/* Unknown file, no path: the offset stays, nothing else. */
	assert_int_equal(user_symbolizer_resolve_file(s, 1, 2, 0x1234, NULL, &frame), 0);
	assert_null(frame.symbol);
	assert_null(frame.build_id);
	assert_int_equal(frame.file_offset, 0x1234);

	/* By path, checked against dev and inode. */
	assert_int_equal(user_symbolizer_resolve(s, (uint32_t)getpid(), 0, addr, &expected), 0);
	/* Frame strings belong to the symbolizer: keep a copy across the new one. */
	snprintf(path, sizeof(path), "%s", expected.binary_path);
	expected.binary_path = path;
	user_symbolizer_free(s);
	assert_int_equal(user_symbolizer_new(&s, NULL), 0);
	assert_int_equal(user_symbolizer_resolve_file(s, expected.dev, expected.inode,
						      expected.file_offset, expected.binary_path,
						      &frame), 0);
	assert_string_equal(frame.symbol, "frame_function_in_test");
	assert_non_null(frame.build_id);
	/* Now cached by (dev, inode): no path needed. */
	assert_int_equal(user_symbolizer_resolve_file(s, expected.dev, expected.inode,
						      expected.file_offset + 1, NULL, &frame), 0);
	assert_string_equal(frame.symbol, "frame_function_in_test");
	assert_int_equal(frame.symbol_offset, 1);
	assert_non_null(frame.binary_path);
	/* A path whose file is not that inode gives no symbol rather than a wrong one. */
	assert_int_equal(user_symbolizer_resolve_file(s, expected.dev, expected.inode + 1,
						      expected.file_offset, expected.binary_path,
						      &frame), 0);
	assert_null(frame.symbol);
	user_symbolizer_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_frames),
		cmocka_unit_test(test_anonymous_code),
		cmocka_unit_test(test_exited_child),
		cmocka_unit_test(test_exited_untracked_child),
		cmocka_unit_test(test_resolve_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
