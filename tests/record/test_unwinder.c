// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_unwinder.c - the .eh_frame unwinder on this very process, built
 * without frame pointers: a copy of the top of its own stack and its
 * registers, as the BPF side sends them, must unwind through the test's
 * functions, main, libc and to the entry; a copy too short or an address in
 * no file must end the walk the documented way. Also the per-process
 * placement table.
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
#include "process_modules.h"
#include "proc_maps.h"
#include "unwinder.h"

#define COPY_BYTES 8192

struct snapshot {
	struct unwind_input in;
	uint8_t stack[COPY_BYTES];
};

static struct snapshot snap;
static struct proc_maps *maps;
static struct unwind_binaries *binaries;

/* End of the mapping holding addr (the stack), from /proc/self/maps; 0 when none. */
static uint64_t mapping_end(uint64_t addr)
{
	unsigned long long start, end;
	char line[512];
	uint64_t found = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx", &start, &end) == 2 && addr >= start && addr < end)
			found = end;
	}
	if (f)
		fclose(f);
	return found;
}

/*
 * Copies raw stack memory as bpf_probe_read_user() does: byte by byte and
 * without the sanitizer's checks (its redzones between locals are part of
 * the stack the unwinder must see).
 */
__attribute__((no_sanitize_address, noinline)) static void copy_raw(uint8_t *dst,
								   const volatile uint8_t *src,
								   size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] = src[i];
}

/* Registers and stack bytes of the caller's frame, as the kernel would see them. */
static __attribute__((noinline)) void take_snapshot(void)
{
#if defined(__x86_64__)
	uint64_t sp, fp, ip, end;
	size_t len = COPY_BYTES;

	__asm__ volatile("lea 0(%%rip), %0\n\tmov %%rsp, %1\n\tmov %%rbp, %2"
			 : "=r"(ip), "=r"(sp), "=r"(fp));
	end = mapping_end(sp);
	assert_true(end > sp);
	if (end - sp < len)
		len = end - sp;
	copy_raw(snap.stack, (const volatile uint8_t *)sp, len);
	snap.in = (struct unwind_input){ .ip = ip, .sp = sp, .fp = fp, .stack = snap.stack,
					 .stack_bytes = (uint32_t)len };
#endif
}

/* A chain of real calls (noinline, no sibling calls: see meson.build). */
__attribute__((noinline)) int unwind_test_inner(int x)
{
	take_snapshot();
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

__attribute__((noinline)) int unwind_test_middle(int x)
{
	return unwind_test_inner(x * 2) + 1;
}

__attribute__((noinline)) int unwind_test_outer(int x)
{
	return unwind_test_middle(x + 3) + 2;
}

/* The binary holding addr, from this process's maps. */
static int find_in_own_maps(void *ctx, uint64_t addr, struct unwind_module *out)
{
	const struct proc_mapping *m = proc_maps_find(maps, addr);
	uint64_t vaddr, low, high;

	(void)ctx;
	if (!m || !m->path || m->path[0] != '/' || (m->flags & (PROC_MAP_ANON | PROC_MAP_SPECIAL)))
		return -ENOENT;
	if (unwind_binaries_get(binaries, m->path, &out->bin) ||
	    unwind_binary_offset_to_vaddr(out->bin, proc_mapping_file_offset(m, addr), &vaddr))
		return -ENOENT;
	unwind_binary_extent(out->bin, &low, &high);
	out->bias = addr - vaddr;
	out->start = low + out->bias;
	out->end = high + out->bias;
	return 0;
}

/* The symbol of one unwound frame (return addresses named from the call: offset - 1). */
static const char *name_of(const struct unwind_pc *pc, int innermost)
{
	static struct elf_binary *bin;
	static char last[4096];
	const char *symbol = NULL;
	uint64_t offset;

	if (!pc->bin)
		return "?";
	if (strcmp(last, unwind_binary_path(pc->bin)) != 0) {
		elf_binary_free(bin);
		bin = NULL;
		snprintf(last, sizeof(last), "%s", unwind_binary_path(pc->bin));
		if (elf_binary_open(&bin, last))
			return "?";
	}
	if (!bin || elf_binary_resolve(bin, pc->file_offset - (innermost ? 0 : 1), &symbol,
				       &offset))
		return "?";
	return symbol;
}

static int setup(void **state)
{
	(void)state;
	if (proc_maps_read(&maps, (uint32_t)getpid()) || unwind_binaries_new(&binaries, 0))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	proc_maps_free(maps);
	unwind_binaries_free(binaries);
	return 0;
}

static int index_of(const char *const *names, uint32_t n, const char *name)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0)
			return (int)i;
	}
	return -1;
}

static void test_own_stack_reaches_entry(void **state)
{
	struct unwind_callbacks cb = { .find_module = find_in_own_maps };
	static char storage[64][256];
	struct unwind_pc pcs[64];
	const char *names[64];
	enum unwind_end end;
	uint32_t count, i;

	(void)state;
#if !defined(__x86_64__)
	skip();
#endif
	assert_int_equal(unwind_test_outer(1), 12);
	assert_int_equal(unwind_stack(&snap.in, &cb, pcs, 64, &count, &end), 0);
	for (i = 0; i < count; i++) {
		/* Copied: a name points into its binary, closed when the next one opens. */
		snprintf(storage[i], sizeof(storage[i]), "%s", name_of(&pcs[i], i == 0));
		names[i] = storage[i];
		print_message("  frame %u: %s\n", i, names[i]);
	}
	assert_int_equal(end, UNWIND_END_ENTRY);
	assert_true(index_of(names, count, "unwind_test_inner") >= 0);
	assert_true(index_of(names, count, "unwind_test_middle") >
		    index_of(names, count, "unwind_test_inner"));
	assert_true(index_of(names, count, "unwind_test_outer") >
		    index_of(names, count, "unwind_test_middle"));
	assert_true(index_of(names, count, "main") > index_of(names, count, "unwind_test_outer"));
	assert_true(index_of(names, count, "__libc_start_main") > index_of(names, count, "main"));
}

static void test_short_copy_stops(void **state)
{
	struct unwind_callbacks cb = { .find_module = find_in_own_maps };
	struct unwind_input in;
	struct unwind_pc pcs[64];
	enum unwind_end end;
	uint32_t count;

	(void)state;
#if !defined(__x86_64__)
	skip();
#endif
	unwind_test_outer(1);
	in = snap.in;
	in.stack_bytes = 8; /* not even the first return address */
	assert_int_equal(unwind_stack(&in, &cb, pcs, 64, &count, &end), 0);
	assert_int_equal(count, 1);
	assert_int_equal(end, UNWIND_END_STACK);
}

static void test_address_in_no_file(void **state)
{
	struct unwind_callbacks cb = { .find_module = find_in_own_maps };
	struct unwind_input in;
	struct unwind_pc pcs[4];
	enum unwind_end end;
	uint32_t count;

	(void)state;
	unwind_test_outer(1);
	in = snap.in;
	in.ip = 0x1000; /* the first page is never mapped */
	assert_int_equal(unwind_stack(&in, &cb, pcs, 4, &count, &end), 0);
	assert_int_equal(count, 1);
	assert_null(pcs[0].bin);
	assert_int_equal(pcs[0].file_offset, 0);
	assert_int_equal(end, UNWIND_END_NO_MODULE);
}

static void test_process_modules(void **state)
{
	struct process_modules *t;
	const struct placed_module *m;
	int i;

	(void)state;
	assert_int_equal(process_modules_new(&t, 2), 0);
	assert_int_equal(process_modules_add(t, 10, 100, "/lib/a.so", 0x1000, 0x2000, 0x1000), 0);
	assert_int_equal(process_modules_find(t, 10, 100, 0x1800, &m), 0);
	assert_string_equal(m->path, "/lib/a.so");
	assert_int_equal(m->bias, 0x1000);
	/* Another image of the same pid (a reused pid) knows nothing. */
	assert_int_equal(process_modules_find(t, 10, 101, 0x1800, &m), -ENOENT);
	assert_int_equal(process_modules_search_failed(t, 11, 5, 1), 1);
	assert_int_equal(process_modules_search_failed(t, 11, 5, 1), 2);
	assert_int_equal(process_modules_count(t), 2);
	/* The bound: a third image drops the least recently used. */
	assert_int_equal(process_modules_add(t, 12, 1, "/lib/b.so", 0x5000, 0x6000, 0), 0);
	assert_int_equal(process_modules_count(t), 2);
	process_modules_forget(t, 12, 1);
	assert_int_equal(process_modules_count(t), 1);
	/* Placements per image are bounded too. */
	for (i = 0; i < 2 * PROCESS_MODULES_PER_PROCESS; i++)
		assert_int_equal(process_modules_add(t, 13, 1, "/lib/c.so", 0x10000 * (i + 1),
						     0x10000 * (i + 1) + 0x1000, 0), 0);
	assert_int_equal(process_modules_find(t, 13, 1, 0x10000 * PROCESS_MODULES_PER_PROCESS,
					      &m), 0);
	assert_int_equal(process_modules_find(t, 13, 1, 0x10000 * (PROCESS_MODULES_PER_PROCESS + 1),
					      &m), -ENOENT);
	process_modules_free(t);
}

/* Mapping records: the newest mapping of a range wins; a forked child inherits. */
static void test_process_modules_mappings(void **state)
{
	struct process_modules *t;
	const struct placed_module *m;

	(void)state;
	assert_int_equal(process_modules_new(&t, 0), 0);
	/* Text of /lib/a.so: file offset 0x1000 mapped at 0x7000. */
	assert_int_equal(process_modules_map(t, 20, 1, "/lib/a.so", 0x7000, 0x3000, 0x1000), 0);
	assert_int_equal(process_modules_find(t, 20, 1, 0x7010, &m), 0);
	assert_true(m->mapped);
	assert_int_equal(0x7010 - m->bias, 0x1010); /* the file offset at 0x7010 */
	assert_int_equal(process_modules_find(t, 20, 1, 0xa000, &m), -ENOENT);
	/* Unloaded and another library mapped over it: the old placement goes. */
	assert_int_equal(process_modules_add(t, 20, 1, "/lib/old.so", 0x20000, 0x22000, 0), 0);
	assert_int_equal(process_modules_map(t, 20, 1, "/lib/b.so", 0x21000, 0x1000, 0), 0);
	assert_int_equal(process_modules_find(t, 20, 1, 0x20010, &m), -ENOENT);
	assert_int_equal(process_modules_find(t, 20, 1, 0x21010, &m), 0);
	assert_string_equal(m->path, "/lib/b.so");
	/* A forked child starts with its parent's placements, then goes its own way. */
	assert_int_equal(process_modules_inherit(t, 21, 5, 20, 1), 0);
	assert_int_equal(process_modules_find(t, 21, 5, 0x7010, &m), 0);
	assert_string_equal(m->path, "/lib/a.so");
	process_modules_forget(t, 20, 1);
	assert_int_equal(process_modules_find(t, 21, 5, 0x21010, &m), 0);
	assert_int_equal(process_modules_find(t, 20, 1, 0x21010, &m), -ENOENT);
	/* A parent never seen gives nothing, and no empty image. */
	assert_int_equal(process_modules_inherit(t, 30, 1, 99, 9), 0);
	assert_int_equal(process_modules_count(t), 1);
	process_modules_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_stack_reaches_entry),
		cmocka_unit_test(test_short_copy_stops),
		cmocka_unit_test(test_address_in_no_file),
		cmocka_unit_test(test_process_modules),
		cmocka_unit_test(test_process_modules_mappings),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
