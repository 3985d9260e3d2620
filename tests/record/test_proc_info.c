// SPDX-License-Identifier: GPL-2.0-only
/* test_proc_info.c - process identity of this test, of a child, and of a crafted /proc. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc_info.h"

static void test_parse_stat(void **state)
{
	/* A comm with a space, parentheses and ") " inside: only the last ')' ends it. */
	static const char stat[] =
		"4242 (a) b (c) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 "
		"1000 100 18446744073709551615\n";
	struct proc_info info = { 0 };

	(void)state;
	assert_int_equal(proc_info_parse_stat(&info, stat), 0);
	assert_int_equal(info.pid, 4242);
	assert_string_equal(info.comm, "a) b (c");
	assert_int_equal(info.ppid, 17);
	assert_int_equal(info.start_ticks, 987654);
	assert_int_equal(info.start_time_ns,
			 987654ull * (1000000000ull / proc_info_ticks_per_second()));
	/* Fields 26 and 27 absent: code range unknown. */
	assert_int_equal(info.start_code, 0);
	assert_int_equal(info.end_code, 0);
	assert_int_equal(proc_info_parse_stat(&info, "9 (x) S 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 "
						     "77 0 0 0 94000 98000 0\n"), 0);
	assert_int_equal(info.start_ticks, 77);
	assert_int_equal(info.start_code, 94000);
	assert_int_equal(info.end_code, 98000);
	/* 1 is what a reader without ptrace access sees. */
	assert_int_equal(proc_info_parse_stat(&info, "9 (x) S 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 "
						     "77 0 0 0 1 1 0\n"), 0);
	assert_int_equal(info.start_code, 0);

	assert_int_equal(proc_info_parse_stat(&info, "12 (x) S 1 2 3\n"), -EINVAL);
	assert_int_equal(proc_info_parse_stat(&info, "12 x S 1\n"), -EINVAL);
	assert_int_equal(proc_info_parse_stat(&info, ""), -EINVAL);
	assert_int_equal(proc_info_parse_stat(&info, "12 (x) S notanumber 0 0 0 0 0 0 0 0 0 0 0 0 "
						     "0 0 0 0 0 5\n"), -EINVAL);
}

/* Mutated stat lines: parsed or refused with -EINVAL, never a crash or a read past the end. */
static void test_parse_stat_mutated(void **state)
{
	static const char stat[] =
		"4242 (a) b (c) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 "
		"1000 100 18446744073709551615 94000 98000 0\n";
	struct proc_info info = { 0 };
	uint64_t seed = 5;
	char text[sizeof(stat)];
	size_t i, j;
	int err;

	(void)state;
	for (i = 0; i < 2000; i++) {
		memcpy(text, stat, sizeof(stat));
		for (j = 0; j < 1 + i % 6; j++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			text[(seed >> 33) % (sizeof(stat) - 1)] = " ()\n9x\0-"[(seed >> 20) % 9];
		}
		err = proc_info_parse_stat(&info, text);
		assert_true(err == 0 || err == -EINVAL);
		if (!err)
			assert_true(info.start_code <= info.end_code);
	}
}

static void test_start_matches(void **state)
{
	uint64_t tick_ns = 1000000000ull / proc_info_ticks_per_second();

	(void)state;
	assert_true(proc_info_start_matches(500 * tick_ns, 500));
	assert_true(proc_info_start_matches(500 * tick_ns + tick_ns - 1, 500));
	assert_false(proc_info_start_matches(500 * tick_ns - 1, 500));
	assert_false(proc_info_start_matches(501 * tick_ns, 500));
}

static const char *read_link(const char *path)
{
	static char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	assert_true(n > 0);
	target[n] = '\0';
	return target;
}

static void test_self(void **state)
{
	struct proc_info info;
	uint64_t ticks;

	(void)state;
	/* A comm with a byte that must be escaped. */
	assert_int_equal(prctl(PR_SET_NAME, "sym\x01test", 0, 0, 0), 0);
	assert_int_equal(proc_info_read(&info, (uint32_t)getpid()), 0);
	assert_int_equal(info.pid, getpid());
	assert_int_equal(info.ppid, getppid());
	assert_int_equal(info.uid, getuid());
	assert_string_equal(info.comm, "sym\\x01test");
	assert_non_null(info.exe_path);
	assert_string_equal(info.exe_path, read_link("/proc/self/exe"));
	assert_non_null(info.cmdline);
	assert_non_null(strstr(info.cmdline, "test_proc_info"));
	assert_int_equal(proc_info_start_ticks((uint32_t)getpid(), &ticks), 0);
	assert_int_equal(ticks, info.start_ticks);
	assert_true(proc_info_start_matches(info.start_time_ns, ticks));
	/* Our own code range holds our code. */
	assert_true((uint64_t)(uintptr_t)&test_self >= info.start_code);
	assert_true((uint64_t)(uintptr_t)&test_self < info.end_code);
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) {
		assert_non_null(info.cgroup_path);
		assert_int_equal(info.cgroup_path[0], '/');
	}
	print_message("self: pid %u ppid %u uid %u start %llu ns cgroup %s container %s\n",
		      info.pid, info.ppid, info.uid, (unsigned long long)info.start_time_ns,
		      info.cgroup_path ? info.cgroup_path : "-",
		      info.container_id ? info.container_id : "-");
	proc_info_release(&info);
	proc_info_release(NULL);
}

/* kthreadd (pid 2 in the initial pid namespace): no executable, no command line. */
static void test_kernel_thread(void **state)
{
	struct proc_info info;

	(void)state;
	if (proc_info_read(&info, 2) || strcmp(info.comm, "kthreadd")) {
		proc_info_release(&info);
		print_message("skip: pid 2 is not kthreadd (not the initial pid namespace)\n");
		skip();
	}
	assert_int_equal(info.ppid, 0);
	assert_null(info.exe_path);
	assert_null(info.cmdline);
	assert_int_equal(info.start_code, 0);
	proc_info_release(&info);
}

/* Forks a child that execs /bin/sh with argv, blocked reading a pipe; waits until it has exec'd. */
static pid_t spawn_sh(char *const argv[], int *write_end)
{
	struct timespec pause = { 0, 5000000 };
	struct proc_info info;
	int fds[2], i;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execv("/bin/sh", argv);
		_exit(127);
	}
	close(fds[0]);
	*write_end = fds[1];
	for (i = 0; i < 400; i++) {
		/* exec sets comm before the new command line: wait for both. */
		if (!proc_info_read(&info, (uint32_t)pid) && !strcmp(info.comm, "sh") &&
		    info.cmdline) {
			proc_info_release(&info);
			return pid;
		}
		proc_info_release(&info);
		nanosleep(&pause, NULL);
	}
	fail_msg("child %d did not exec /bin/sh", pid);
	return -1;
}

static void finish_child(pid_t pid, int write_end)
{
	int status;

	close(write_end);
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

static void test_child(void **state)
{
	char *argv[] = { "sh", "-c", "read x", "a\tb\\c", NULL };
	struct proc_info self, child;
	char sh_path[PATH_MAX];
	int write_end;
	pid_t pid;

	(void)state;
	assert_int_equal(proc_info_read(&self, (uint32_t)getpid()), 0);
	pid = spawn_sh(argv, &write_end);
	assert_int_equal(proc_info_read(&child, (uint32_t)pid), 0);
	assert_int_equal(child.pid, pid);
	assert_int_equal(child.ppid, getpid());
	assert_true(child.start_ticks >= self.start_ticks);
	assert_string_equal(child.comm, "sh");
	assert_string_equal(child.cmdline, "sh -c read x a\\x09b\\\\c");
	assert_non_null(realpath("/bin/sh", sh_path));
	assert_string_equal(child.exe_path, sh_path);
	proc_info_release(&child);
	finish_child(pid, write_end);

	/* Gone: reaped, so /proc/PID no longer exists. */
	assert_int_equal(proc_info_read(&child, (uint32_t)pid), -ESRCH);
	assert_null(child.cmdline);
	proc_info_release(&self);
}

static void test_long_cmdline(void **state)
{
	char *argv[] = { "sh", "-c", "read x", NULL, NULL };
	struct proc_info child;
	int write_end;
	pid_t pid;

	(void)state;
	argv[3] = malloc(20000);
	assert_non_null(argv[3]);
	memset(argv[3], 'y', 19999);
	argv[3][19999] = '\0';
	pid = spawn_sh(argv, &write_end);
	assert_int_equal(proc_info_read(&child, (uint32_t)pid), 0);
	assert_true(strlen(child.cmdline) < PROC_INFO_CMDLINE_MAX);
	assert_true(strlen(child.cmdline) > PROC_INFO_CMDLINE_MAX - 8);
	assert_string_equal(child.cmdline + strlen(child.cmdline) - 3, "...");
	assert_memory_equal(child.cmdline, "sh -c read x yyy", 16);
	proc_info_release(&child);
	finish_child(pid, write_end);
	free(argv[3]);
}

static void write_bytes(const char *dir, const char *name, const char *bytes, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	write_bytes(dir, name, text, strlen(text));
}

/* A crafted proc tree: a v1-only machine, a container cgroup, no exe link. */
static void test_crafted_proc(void **state)
{
	char root[] = "/tmp/caprec-proc-XXXXXX", dir[PATH_MAX], cmd[PATH_MAX + 16];
	struct proc_info info;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/77", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(dir, "stat", "77 (nginx) S 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5000 0 0\n");
	write_file(dir, "status", "Name:\tnginx\nUid:\t101\t0\t0\t0\nGid:\t101\t101\t101\t101\n");
	write_bytes(dir, "cmdline", "nginx: worker\0process\0\0", 23);
	write_file(dir, "cgroup", "12:pids:/docker/abc\n1:name=systemd:/system.slice/docker-"
				  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
				  ".scope\n");
	assert_int_equal(proc_info_read_at(&info, root, 77), 0);
	assert_int_equal(info.pid, 77);
	assert_int_equal(info.ppid, 1);
	assert_int_equal(info.uid, 101);
	assert_string_equal(info.comm, "nginx");
	assert_null(info.exe_path);
	assert_string_equal(info.cmdline, "nginx: worker process");
	assert_string_equal(info.cgroup_path,
			    "/system.slice/docker-0123456789abcdef0123456789abcdef"
			    "0123456789abcdef0123456789abcdef.scope");
	assert_string_equal(info.container_id, "docker:0123456789abcdef0123456789abcdef0123456789ab"
					       "cdef0123456789abcdef");
	proc_info_release(&info);

	/* Unreadable status: uid unknown, not root. */
	snprintf(cmd, sizeof(cmd), "%s/status", dir);
	assert_int_equal(unlink(cmd), 0);
	assert_int_equal(proc_info_read_at(&info, root, 77), 0);
	assert_int_equal(info.uid, PROC_INFO_UID_UNKNOWN);
	proc_info_release(&info);

	/* A malformed stat is an error, not a half-filled identity. */
	write_file(dir, "stat", "77 (nginx\n");
	assert_int_equal(proc_info_read_at(&info, root, 77), -EINVAL);
	assert_null(info.cgroup_path);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_parse_stat_mutated),
		cmocka_unit_test(test_start_matches),
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_kernel_thread),
		cmocka_unit_test(test_child),
		cmocka_unit_test(test_long_cmdline),
		cmocka_unit_test(test_crafted_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
