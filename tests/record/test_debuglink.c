// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_debuglink.c - separate debug files by .gnu_debuglink (elf/debuglink.c,
 * elf/elf_binary.c): the CRC-32 the link holds, gdb's search order, the
 * refusal of a file whose CRC-32 differs, and a stripped copy of this test's
 * own executable whose internal function is named only through its link.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debuglink.h"
#include "elf_binary.h"
#include "proc_maps.h"

/* Only in .symtab (static): what a separate debug file is for. */
static __attribute__((noinline)) int debuglink_marker(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 5 + 2;
}

static char dir[] = "/tmp/caprec-debuglink.XXXXXX";

static int run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	run("rm -rf %s", dir);
	return 0;
}

/* The check value of CRC-32 (ISO 3309, as gdb and objcopy compute it). */
static void test_file_crc(void **state)
{
	char path[PATH_MAX];
	uint32_t crc = 0;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/check", dir);
	write_file(path, "123456789");
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(debuglink_file_crc(fd, &crc), 0);
	assert_int_equal(crc, 0xcbf43926u);
	close(fd);
	write_file(path, "");
	fd = open(path, O_RDONLY);
	assert_int_equal(debuglink_file_crc(fd, &crc), 0);
	assert_int_equal(crc, 0);
	close(fd);
}

static void expect_order(const struct debuglink_search *s, const char *const *want, size_t n)
{
	char path[PATH_MAX];
	size_t i, got = 0;
	int err;

	for (i = 0; (err = debuglink_candidate(s, i, path, sizeof(path))) != -ENOENT; i++) {
		if (err == -ENAMETOOLONG)
			continue;
		assert_int_equal(err, 0);
		assert_true(got < n);
		assert_string_equal(path, want[got]);
		got++;
	}
	assert_int_equal(got, n);
}

/* gdb's order on the recording host; the analysis host's, with DIRs for the root. */
static void test_search_order(void **state)
{
	static const char *const roots[] = { "/usr/lib/debug" };
	static const char *const dirs[] = { "/d1", "/d2" };
	static const char *const host[] = { "/usr/bin/app.debug", "/usr/bin/.debug/app.debug",
					    "/usr/lib/debug/usr/bin/app.debug" };
	static const char *const laptop[] = { "/d1/usr/bin/app.debug", "/d1/app.debug",
					      "/d2/usr/bin/app.debug", "/d2/app.debug" };
	static const char *const no_dir[] = { "/d1/app.debug", "/d2/app.debug" };
	struct debuglink_search s = { .binary_path = "/usr/bin/app",
				      .name = "app.debug",
				      .beside_binary = true,
				      .roots = roots,
				      .root_count = 1 };
	char path[PATH_MAX];

	(void)state;
	expect_order(&s, host, 3);
	s = (struct debuglink_search){ .binary_path = "/usr/bin/app",
				       .name = "app.debug",
				       .roots = dirs,
				       .root_count = 2,
				       .root_basename = true };
	expect_order(&s, laptop, 4);
	/* No recorded directory: nothing beside it, only DIR/NAME. */
	s.binary_path = "";
	s.beside_binary = true;
	expect_order(&s, no_dir, 2);
	/* A link names a file: a path in it (../../etc/shadow) names nothing. */
	s.name = "../secret.debug";
	assert_int_equal(debuglink_candidate(&s, 0, path, sizeof(path)), -ENOENT);
	s.name = "";
	assert_int_equal(debuglink_candidate(&s, 0, path, sizeof(path)), -ENOENT);
}

/* The first candidate with the CRC-32 is taken; with none, the first other one is named. */
static void test_open_checks_crc(void **state)
{
	char bin[PATH_MAX], beside[PATH_MAX], in_dot[PATH_MAX], found[PATH_MAX];
	char rejected[PATH_MAX];
	struct debuglink_search s = { .name = "x.debug", .beside_binary = true };
	uint32_t crc_123456789 = 0xcbf43926u;
	int fd;

	(void)state;
	snprintf(bin, sizeof(bin), "%s/x", dir);
	snprintf(beside, sizeof(beside), "%s/x.debug", dir);
	snprintf(in_dot, sizeof(in_dot), "%s/.debug/x.debug", dir);
	s.binary_path = bin;
	assert_int_equal(
		debuglink_open(&s, crc_123456789, found, sizeof(found), rejected, sizeof(rejected)),
		-ENOENT);
	/* A link naming a directory finds nothing, rather than a file it cannot read. */
	s.name = "..";
	assert_int_equal(
		debuglink_open(&s, crc_123456789, found, sizeof(found), rejected, sizeof(rejected)),
		-ENOENT);
	s.name = "x.debug";
	write_file(beside, "12345678X");
	assert_int_equal(
		debuglink_open(&s, crc_123456789, found, sizeof(found), rejected, sizeof(rejected)),
		-EBADMSG);
	assert_string_equal(rejected, beside);
	assert_int_equal(run("mkdir -p %s/.debug", dir), 0);
	write_file(in_dot, "123456789");
	fd = debuglink_open(&s, crc_123456789, found, sizeof(found), rejected, sizeof(rejected));
	assert_true(fd >= 0);
	assert_string_equal(found, in_dot);
	assert_string_equal(rejected, "");
	close(fd);
}

static uint64_t marker_offset(void)
{
	struct proc_maps *maps = NULL;
	const struct proc_mapping *m;
	uint64_t offset;

	assert_int_equal(proc_maps_read(&maps, (uint32_t)getpid()), 0);
	m = proc_maps_find(maps, (uint64_t)(uintptr_t)&debuglink_marker);
	assert_non_null(m);
	offset = proc_mapping_file_offset(m, (uint64_t)(uintptr_t)&debuglink_marker);
	proc_maps_free(maps);
	return offset;
}

/* This executable stripped, its debug file in .debug/: named by the link, refused when damaged. */
static void test_stripped_named_through_link(void **state)
{
	struct elf_binary *bin = NULL;
	const char *symbol = NULL, *name;
	uint64_t offset, symbol_offset;
	char path[PATH_MAX];
	uint32_t crc;

	(void)state;
	assert_int_equal(debuglink_marker(1), 7);
	if (run("command -v objcopy >/dev/null && command -v strip >/dev/null")) {
		print_message("SKIP: objcopy and strip (binutils) are not installed\n");
		skip();
	}
	assert_int_equal(run("cd %s && mkdir -p bin/.debug && cp /proc/%d/exe bin/self && "
			     "objcopy --only-keep-debug bin/self bin/.debug/self.debug && "
			     "strip --strip-all bin/self && "
			     "objcopy --add-gnu-debuglink=bin/.debug/self.debug bin/self",
			     dir, (int)getpid()),
			 0);
	offset = marker_offset();
	snprintf(path, sizeof(path), "%s/bin/self", dir);
	assert_int_equal(elf_binary_open(&bin, path), 0);
	name = elf_binary_debuglink(bin, &crc);
	assert_non_null(name);
	assert_string_equal(name, "self.debug");
	assert_null(elf_binary_refused_debug_file(bin));
	assert_int_equal(elf_binary_resolve(bin, offset, &symbol, &symbol_offset), 0);
	assert_string_equal(symbol, "debuglink_marker");
	assert_int_equal(symbol_offset, 0);
	elf_binary_free(bin);

	/* One byte more: another CRC-32. Not used, and said. */
	assert_int_equal(run("printf x >> %s/bin/.debug/self.debug", dir), 0);
	assert_int_equal(elf_binary_open(&bin, path), 0);
	assert_true(elf_binary_resolve(bin, offset, &symbol, &symbol_offset) != 0 ||
		    strcmp(symbol, "debuglink_marker") != 0);
	assert_non_null(elf_binary_refused_debug_file(bin));
	assert_non_null(strstr(elf_binary_refused_debug_file(bin), "/bin/.debug/self.debug"));
	elf_binary_free(bin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_crc),
		cmocka_unit_test(test_search_order),
		cmocka_unit_test(test_open_checks_crc),
		cmocka_unit_test(test_stripped_named_through_link),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
