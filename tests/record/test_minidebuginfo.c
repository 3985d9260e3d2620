// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_minidebuginfo.c - a stripped binary whose only function symbols are in
 * .gnu_debugdata (MiniDebugInfo, xz), made from this test's own executable
 * with binutils and xz as distributions make it: its internal function is
 * named; the same binary without the section is not. Also the xz decoder on
 * bad input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_symbols.h"
#include "proc_maps.h"
#include "xz_buffer.h"

/* Only in .symtab (static): what MiniDebugInfo is for. */
static __attribute__((noinline)) int minidebuginfo_marker(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3 + 1;
}

static char dir[] = "/tmp/caprec-mdi.XXXXXX";

static int run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* The file offset of the marker function in this executable. */
static uint64_t marker_offset(void)
{
	struct proc_maps *maps = NULL;
	const struct proc_mapping *m;
	uint64_t offset;

	assert_int_equal(proc_maps_read(&maps, (uint32_t)getpid()), 0);
	m = proc_maps_find(maps, (uint64_t)(uintptr_t)&minidebuginfo_marker);
	assert_non_null(m);
	offset = proc_mapping_file_offset(m, (uint64_t)(uintptr_t)&minidebuginfo_marker);
	proc_maps_free(maps);
	return offset;
}

static void test_named_from_gnu_debugdata(void **state)
{
	struct elf_binary *with = NULL, *without = NULL;
	const char *symbol = NULL;
	uint64_t offset, symbol_offset;

	(void)state;
	assert_int_equal(minidebuginfo_marker(1), 4);
	if (run("command -v objcopy >/dev/null && command -v strip >/dev/null && "
		"command -v xz >/dev/null"))
		skip();
	assert_non_null(mkdtemp(dir));
	/* The symbols alone (no debug sections), compressed; the binary stripped of them. */
	assert_int_equal(run("cd %s && cp /proc/%d/exe full && "
			     "objcopy --only-keep-debug full mini && "
			     "objcopy --strip-debug --remove-section=.comment mini && "
			     "xz -q mini && cp full plain && strip --strip-all plain && "
			     "cp plain mdi && objcopy --add-section .gnu_debugdata=mini.xz mdi",
			     dir, (int)getpid()), 0);
	offset = marker_offset();
	assert_int_equal(run("test -f %s/mdi", dir), 0);
	{
		char path[256];

		snprintf(path, sizeof(path), "%s/plain", dir);
		assert_int_equal(elf_binary_open(&without, path), 0);
		snprintf(path, sizeof(path), "%s/mdi", dir);
		assert_int_equal(elf_binary_open(&with, path), 0);
	}
	/* Stripped: no name for a static function (not in .dynsym), and no debug file. */
	assert_true(elf_binary_resolve(without, offset, &symbol, &symbol_offset) != 0 ||
		    strcmp(symbol, "minidebuginfo_marker") != 0);
	assert_int_equal(elf_binary_resolve(with, offset, &symbol, &symbol_offset), 0);
	assert_string_equal(symbol, "minidebuginfo_marker");
	assert_int_equal(symbol_offset, 0);
	elf_binary_free(with);
	elf_binary_free(without);
	run("rm -rf %s", dir);
}

static void test_xz_bad_input(void **state)
{
	static const uint8_t garbage[] = "not an xz stream at all";
	void *out = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(xz_buffer_decompress(garbage, sizeof(garbage), 1 << 20, &out, &len),
			 -EBADMSG);
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_named_from_gnu_debugdata),
		cmocka_unit_test(test_xz_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
