// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_debug_files.c - finding a binary's debug file by build-id in the
 * layouts --debug-dir documents (analyze/debug_files.c), and naming frames
 * from a debug file alone (elf/elf_binary.c works out the file offsets that
 * objcopy --only-keep-debug dropped). The real case: this process's libc and
 * libc6-dbg's debug file of it; skipped when libc6-dbg is not installed.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "debug_files.h"
#include "elf_binary.h"

static char libc_path[PATH_MAX];
static char libc_debug[PATH_MAX];
static uint8_t libc_id[64];
static size_t libc_id_len;

/* This process's libc (from /proc/self/maps) and its installed debug file. */
static int find_libc(void)
{
	struct elf_binary *bin = NULL;
	const uint8_t *id;
	char line[PATH_MAX + 128];
	FILE *maps = fopen("/proc/self/maps", "r");
	size_t len;

	if (!maps)
		return -1;
	while (fgets(line, sizeof(line), maps)) {
		char *path = strchr(line, '/');

		if (path && strstr(path, "/libc.so.6")) {
			path[strcspn(path, "\n")] = '\0';
			snprintf(libc_path, sizeof(libc_path), "%s", path);
			break;
		}
	}
	fclose(maps);
	if (!libc_path[0] || elf_binary_open_fd_debug(&bin, -1, "") != -ENOEXEC)
		return -1;
	if (elf_binary_open(&bin, libc_path))
		return -1;
	id = elf_binary_build_id(bin, &len);
	if (!id || len > sizeof(libc_id)) {
		elf_binary_free(bin);
		return -1;
	}
	memcpy(libc_id, id, len);
	libc_id_len = len;
	elf_binary_free(bin);
	len = (size_t)snprintf(libc_debug, sizeof(libc_debug), "/usr/lib/debug/.build-id/%02x/",
			       libc_id[0]);
	for (size_t i = 1; i < libc_id_len; i++)
		len += (size_t)snprintf(libc_debug + len, sizeof(libc_debug) - len, "%02x",
					libc_id[i]);
	snprintf(libc_debug + len, sizeof(libc_debug) - len, ".debug");
	return access(libc_debug, R_OK) ? -1 : 0;
}

/* The debug file alone names what the binary and its debug file name, at the same offsets. */
static void test_debug_file_alone_names_like_the_binary(void **state)
{
	struct elf_binary *real = NULL, *debug = NULL;
	uint64_t exec_start, offset, checked = 0, named = 0;

	(void)state;
	assert_int_equal(elf_binary_open(&real, libc_path), 0);
	assert_int_equal(elf_binary_open(&debug, libc_debug), 0);
	assert_false(elf_binary_layout_inferred(real));
	assert_true(elf_binary_layout_inferred(debug));
	assert_true(elf_binary_has_symtab(debug));
	assert_int_equal(elf_binary_exec_start(real, &exec_start), 0);
	assert_int_equal(elf_binary_vaddr_to_offset(real, exec_start, &offset), 0);
	/* Every 4 KiB of libc's code, for a megabyte. */
	for (uint64_t o = offset; o < offset + (1u << 20); o += 4096) {
		uint64_t real_vaddr, debug_vaddr, real_off, debug_off;
		const char *real_sym, *debug_sym;

		if (elf_binary_offset_to_vaddr(real, o, &real_vaddr))
			break;
		assert_int_equal(elf_binary_offset_to_vaddr(debug, o, &debug_vaddr), 0);
		assert_int_equal(real_vaddr, debug_vaddr);
		checked++;
		if (elf_binary_resolve(real, o, &real_sym, &real_off) ||
		    elf_binary_resolve(debug, o, &debug_sym, &debug_off))
			continue;
		assert_string_equal(real_sym, debug_sym);
		assert_int_equal(real_off, debug_off);
		named++;
	}
	assert_true(checked > 100);
	assert_true(named > 100);
	elf_binary_free(real);
	elf_binary_free(debug);
}

static char tmpdir[] = "/tmp/caprec-debug-files-XXXXXX";

static void make_link(const char *target, const char *fmt, ...)
{
	char path[PATH_MAX], dir[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	assert_int_equal(symlink(target, path), 0);
}

static void remove_tree(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
}

/* Finds libc's debug file in each layout; the right name with another build-id is skipped. */
static void test_layouts(void **state)
{
	const char *layouts[] = { "gdb", "perf", "tree", "flat" };
	char hex[129], dir[PATH_MAX];
	const char *base = strrchr(libc_path, '/') + 1;

	(void)state;
	for (size_t i = 0; i < libc_id_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", libc_id[i]);
	assert_non_null(mkdtemp(tmpdir));
	make_link(libc_debug, "%s/gdb/.build-id/%.2s/%s.debug", tmpdir, hex, hex + 2);
	make_link(libc_debug, "%s/perf/.build-id/%.2s/%s/debug", tmpdir, hex, hex + 2);
	make_link(libc_path, "%s/perf/.build-id/%.2s/%s/elf", tmpdir, hex, hex + 2);
	make_link(libc_debug, "%s/tree/%s.debug", tmpdir, libc_path);
	make_link(libc_debug, "%s/flat/%s.debug", tmpdir, base);
	/* Another binary's debug file under libc's name: never used. */
	make_link("/proc/self/exe", "%s/wrong/%s.debug", tmpdir, base);
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		struct elf_binary *symbols = NULL, *layout = NULL;
		struct debug_files *df = NULL;
		char *dirs[2] = { dir, NULL };

		snprintf(dir, sizeof(dir), "%s/%s", tmpdir, layouts[i]);
		assert_int_equal(debug_files_new(&df, dirs, 1), 0);
		assert_int_equal(debug_files_find(df, libc_id, libc_id_len, libc_path, &symbols,
						  &layout), 0);
		assert_true(elf_binary_has_symtab(symbols));
		/* perf's cache holds the binary too: its own layout, not a worked-out one. */
		assert_true(!strcmp(layouts[i], "perf") == (layout != NULL));
		elf_binary_free(symbols);
		elf_binary_free(layout);
		debug_files_free(df);
	}
	{
		struct elf_binary *symbols = NULL, *layout = NULL;
		struct debug_files *df = NULL;
		char *dirs[2] = { dir, NULL };

		snprintf(dir, sizeof(dir), "%s/wrong", tmpdir);
		assert_int_equal(debug_files_new(&df, dirs, 1), 0);
		assert_int_equal(debug_files_find(df, libc_id, libc_id_len, libc_path, &symbols,
						  &layout), -ENOENT);
		assert_null(symbols);
		assert_null(layout);
		debug_files_free(df);
	}
	remove_tree();
}

/* Without DEBUGINFOD_URLS no server is ever asked, whatever the build. */
static void test_no_debuginfod_without_urls(void **state)
{
	struct debug_files *df = NULL;

	(void)state;
	unsetenv("DEBUGINFOD_URLS");
	assert_int_equal(debug_files_new(&df, NULL, 0), 0);
	assert_false(debug_files_use_debuginfod(df));
	debug_files_free(df);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debug_file_alone_names_like_the_binary),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_no_debuginfod_without_urls),
	};

	if (find_libc()) {
		printf("skip: no libc6-dbg debug file of this process's libc "
		       "(/usr/lib/debug/.build-id)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
