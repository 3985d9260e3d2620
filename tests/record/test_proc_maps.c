// SPDX-License-Identifier: GPL-2.0-only
/* test_proc_maps.c - maps parsing (crafted and /proc/self) and the per-process cache. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_info.h"
#include "proc_maps.h"
#include "tmpfile.h"

static const char crafted[] =
	"55d4c8a00000-55d4c8a02000 r--p 00000000 fd:01 1311 /usr/bin/demo\n"
	"55d4c8a02000-55d4c8a05000 r-xp 00002000 fd:01 1311 /usr/bin/demo\n"
	"55d4ca000000-55d4ca021000 rw-p 00000000 00:00 0          [heap]\n"
	"7f0000000000-7f0000001000 r-xp 00000000 00:00 0 \n"
	"7f0000010000-7f0000012000 r-xp 00000000 00:00 0          [anon:v8 jit]\n"
	"7f1000000000-7f1000004000 r-xp 00001000 103:02 77 /tmp/old lib.so (deleted)\n"
	"7f2000000000-7f2000001000 r-xp 00000000 00:01 4242 /memfd:jit-code (deleted)\n"
	"7f3000000000-7f3000100000 r-xp 00028000 08:10 99 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
	"7ffd1a3f9000-7ffd1a3fb000 r-xp 00000000 00:00 0          [vdso]\n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]\n";

static void test_crafted(void **state)
{
	const struct proc_mapping *m;
	struct proc_maps *maps;
	const char *path;

	(void)state;
	path = tmpfile_write(crafted);
	assert_non_null(path);
	assert_int_equal(proc_maps_parse_file(&maps, path), 0);
	tmpfile_remove();
	/* Non-executable mappings (r--p, [heap]) are dropped. */
	assert_int_equal(proc_maps_count(maps), 8);

	m = proc_maps_find(maps, 0x55d4c8a03010);
	assert_non_null(m);
	assert_string_equal(m->path, "/usr/bin/demo");
	assert_int_equal(m->flags, 0);
	assert_int_equal(m->dev, makedev(0xfd, 0x01));
	assert_int_equal(m->inode, 1311);
	assert_int_equal(proc_mapping_file_offset(m, 0x55d4c8a03010), 0x3010);

	assert_null(proc_maps_find(maps, 0x55d4c8a01000)); /* the r--p part */
	assert_null(proc_maps_find(maps, 0x55d4c8a05000)); /* end is exclusive */
	assert_null(proc_maps_find(maps, 0x55d4ca000010)); /* heap */

	m = proc_maps_find(maps, 0x7f0000000010);
	assert_non_null(m);
	assert_null(m->path);
	assert_int_equal(m->flags, PROC_MAP_ANON);

	m = proc_maps_find(maps, 0x7f0000011000);
	assert_string_equal(m->path, "[anon:v8 jit]");
	assert_int_equal(m->flags, PROC_MAP_ANON);

	m = proc_maps_find(maps, 0x7f1000000100);
	assert_string_equal(m->path, "/tmp/old lib.so");
	assert_int_equal(m->flags, PROC_MAP_DELETED);
	assert_int_equal(m->dev, makedev(0x103, 0x02));
	assert_int_equal(proc_mapping_file_offset(m, 0x7f1000000100), 0x1100);

	m = proc_maps_find(maps, 0x7f2000000000);
	assert_string_equal(m->path, "/memfd:jit-code");
	assert_int_equal(m->flags, PROC_MAP_DELETED | PROC_MAP_MEMFD);

	m = proc_maps_find(maps, 0x7f3000012345);
	assert_int_equal(proc_mapping_file_offset(m, 0x7f3000012345), 0x3a345);

	m = proc_maps_find(maps, 0x7ffd1a3f9100);
	assert_string_equal(m->path, "[vdso]");
	assert_int_equal(m->flags, PROC_MAP_SPECIAL);
	m = proc_maps_find(maps, 0xffffffffff600000);
	assert_int_equal(m->flags, PROC_MAP_SPECIAL);

	assert_null(proc_maps_get(maps, 8));
	proc_maps_free(maps);
	proc_maps_free(NULL);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"garbage\n",
		"7f00-7e00 r-xp 00000000 00:00 0\n",            /* end before start */
		"7f00-7f10 r-xp 00000000 00:00\n",              /* missing inode */
		"7f00-7f10 r-xp 0 0:0 0\n6f00-6f10 r-xp 0 0:0 0\n", /* out of order */
	};
	struct proc_maps *maps;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *path = tmpfile_write(bad[i]);

		assert_non_null(path);
		assert_int_equal(proc_maps_parse_file(&maps, path), -EINVAL);
		assert_null(maps);
		tmpfile_remove();
	}
	assert_int_equal(proc_maps_parse_file(&maps, "/nonexistent/maps"), -ENOENT);
}

/* Mutated copies of a real maps file: parsed or refused with -EINVAL, never a crash. */
static void test_mutated(void **state)
{
	uint64_t seed = 77;
	char text[sizeof(crafted)];
	struct proc_maps *maps;
	const char *path;
	size_t i, j;
	int err;

	(void)state;
	for (i = 0; i < 300; i++) {
		memcpy(text, crafted, sizeof(crafted));
		for (j = 0; j < 1 + i % 8; j++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			/* Separators and digits are what a parser trips over. */
			text[(seed >> 33) % (sizeof(crafted) - 1)] =
				" -:x\n0f(["[(seed >> 20) % 10];
		}
		path = tmpfile_write(text);
		assert_non_null(path);
		err = proc_maps_parse_file(&maps, path);
		tmpfile_remove();
		assert_true(err == 0 || err == -EINVAL);
		if (!err) {
			for (j = 0; j < proc_maps_count(maps); j++) {
				const struct proc_mapping *m = proc_maps_get(maps, j);

				assert_true(m->end > m->start);
				assert_ptr_equal(proc_maps_find(maps, m->start), m);
			}
			proc_maps_free(maps);
		}
	}
}

static __attribute__((noinline)) int function_in_this_binary(int x)
{
	return x * 3 + 1;
}

static void test_self(void **state)
{
	uint64_t addr = (uint64_t)(uintptr_t)&function_in_this_binary;
	char exe[PATH_MAX];
	const struct proc_mapping *m;
	struct proc_maps *maps;
	ssize_t n;

	(void)state;
	assert_int_equal(function_in_this_binary(1), 4);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	assert_int_equal(proc_maps_read(&maps, (uint32_t)getpid()), 0);
	m = proc_maps_find(maps, addr);
	assert_non_null(m);
	assert_string_equal(m->path, exe);
	assert_true(m->inode != 0);
	assert_true(proc_mapping_file_offset(m, addr) >= m->pgoff);
	/* A stack address is not executable. */
	assert_null(proc_maps_find(maps, (uint64_t)(uintptr_t)&n));
	proc_maps_free(maps);
}

/* A child that waits for a byte on a pipe, then exits. */
static pid_t spawn_waiting_child(int *write_end)
{
	int fds[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(fds[1]);
		if (read(fds[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[0]);
	*write_end = fds[1];
	return pid;
}

static void test_cache_survives_exit(void **state)
{
	uint64_t addr = (uint64_t)(uintptr_t)&function_in_this_binary;
	struct proc_maps_cache *cache;
	const struct proc_mapping *m;
	struct proc_info info;
	int write_end, status;
	pid_t child;

	(void)state;
	assert_int_equal(proc_maps_cache_new(&cache, 0), 0);
	child = spawn_waiting_child(&write_end);
	assert_int_equal(proc_info_read(&info, (uint32_t)child), 0);

	assert_int_equal(proc_maps_cache_refresh(cache, (uint32_t)child, info.start_time_ns), 0);
	/* A wrong start time is another process image: refused, not confused. */
	assert_int_equal(proc_maps_cache_find(cache, (uint32_t)child,
					      info.start_time_ns + 10000000000ull, addr, &m),
			 -ESRCH);

	assert_int_equal(write(write_end, "x", 1), 1);
	close(write_end);
	assert_int_equal(waitpid(child, &status, 0), child);

	/* The child is gone; its snapshot still translates (fork kept our text mapping). */
	assert_int_equal(proc_maps_cache_find(cache, (uint32_t)child, info.start_time_ns, addr, &m),
			 0);
	assert_non_null(m);
	assert_true(m->inode != 0);
	/* A miss in a dead process is final. */
	assert_int_equal(
		proc_maps_cache_find(cache, (uint32_t)child, info.start_time_ns, 0x1000, &m),
		-ENOENT);
	assert_null(m);

	proc_maps_cache_forget(cache, (uint32_t)child, info.start_time_ns);
	assert_int_equal(proc_maps_cache_find(cache, (uint32_t)child, info.start_time_ns, addr, &m),
			 -ESRCH);
	proc_info_release(&info);
	proc_maps_cache_free(cache);
	proc_maps_cache_free(NULL);
}

static void test_cache_live_and_bounded(void **state)
{
	uint64_t addr = (uint64_t)(uintptr_t)&function_in_this_binary;
	struct proc_maps_cache *cache;
	const struct proc_mapping *m;
	struct proc_info self;

	(void)state;
	assert_int_equal(proc_info_read(&self, (uint32_t)getpid()), 0);
	assert_int_equal(proc_maps_cache_new(&cache, 1), 0);
	/* First find reads the maps without an explicit refresh. */
	assert_int_equal(proc_maps_cache_find(cache, self.pid, self.start_time_ns, addr, &m), 0);
	assert_int_equal(proc_maps_cache_find(cache, self.pid, 0, addr, &m), 0);
	/* With room for one process, the other entry was evicted and is read again. */
	assert_int_equal(proc_maps_cache_find(cache, self.pid, self.start_time_ns, addr, &m), 0);
	assert_int_equal(proc_maps_cache_find(cache, self.pid, self.start_time_ns, 0x1000, &m),
			 -ENOENT);
	/* pid_max is at most 2^22: this pid cannot exist. */
	assert_int_equal(proc_maps_cache_find(cache, 1u << 23, 0, addr, &m), -ESRCH);
	proc_info_release(&self);
	proc_maps_cache_free(cache);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crafted),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_mutated),
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_cache_survives_exit),
		cmocka_unit_test(test_cache_live_and_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
