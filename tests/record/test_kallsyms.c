// SPDX-License-Identifier: GPL-2.0-only
/* test_kallsyms.c - kallsyms on crafted files and on this machine's /proc/kallsyms. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crf_clock.h"
#include "kallsyms.h"
#include "tmpfile.h"

/* Out of order on purpose, with a module, aliases, data symbols and a reused static name. */
static const char crafted[] =
	"ffffffff81000100 T beta\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81000000 t alpha_local\n"
	"ffffffff81000000 T alpha\n"
	"ffffffff81000200 t dup_static\n"
	"ffffffff81000300 D some_data\n"
	"ffffffff81000400 t dup_static\n"
	"ffffffff81000400 W weak_one\n"
	"ffffffff81000500 T _etext\n"
	"ffffffffc0001000 t mod_fn\t[ext4]\n"
	"ffffffffc0001080 T mod_fn2\t[ext4]\n"
	"ffffffffc0001100 b mod_bss\t[ext4]\n"
	"ffffffffc0100000 t other_fn\t[xfs]\n"
	"0000000000000000 A fixed_percpu_data\n";

static struct kallsyms *load_text(const char *text, int *err)
{
	struct kallsyms *ks = NULL;
	const char *path = tmpfile_write(text);

	assert_non_null(path);
	*err = kallsyms_load(&ks, path);
	tmpfile_remove();
	return ks;
}

static void test_crafted_resolve(void **state)
{
	struct kallsyms_location loc;
	struct kallsyms *ks;
	int err;

	(void)state;
	ks = load_text(crafted, &err);
	assert_int_equal(err, 0);
	/* 11 text symbols: data (D, b) and absolute (A) ones are dropped. */
	assert_int_equal(kallsyms_count(ks), 11);

	/* Three names at one address: globals first, then file order. */
	assert_int_equal(kallsyms_resolve(ks, 0xffffffff81000010, &loc), 0);
	assert_string_equal(loc.symbol, "_text");
	assert_string_equal(loc.module, "");
	assert_int_equal(loc.offset, 0x10);

	assert_int_equal(kallsyms_resolve(ks, 0xffffffff81000100, &loc), 0);
	assert_string_equal(loc.symbol, "beta");
	assert_int_equal(loc.offset, 0);

	/* Global weak alias beats the local static at the same address. */
	assert_int_equal(kallsyms_resolve(ks, 0xffffffff81000401, &loc), 0);
	assert_string_equal(loc.symbol, "weak_one");

	/* A data symbol between text symbols does not cut the function. */
	assert_int_equal(kallsyms_resolve(ks, 0xffffffff81000350, &loc), 0);
	assert_string_equal(loc.symbol, "dup_static");
	assert_int_equal(loc.offset, 0x150);

	assert_int_equal(kallsyms_resolve(ks, 0xffffffffc0001090, &loc), 0);
	assert_string_equal(loc.symbol, "mod_fn2");
	assert_string_equal(loc.module, "ext4");
	assert_int_equal(loc.offset, 0x10);

	assert_int_equal(kallsyms_resolve(ks, 0xffffffffc0100004, &loc), 0);
	assert_string_equal(loc.module, "xfs");

	/* Before the first symbol, and far past the last one of a module. */
	assert_int_equal(kallsyms_resolve(ks, 0xffffffff80000000, &loc), -ENOENT);
	assert_int_equal(kallsyms_resolve(ks, 0xffffffffc0100000 + KALLSYMS_MAX_TAIL_OFFSET + 1,
					  &loc), -ENOENT);
	/* Past ext4's last symbol but within the tail bound: still ext4. */
	assert_int_equal(kallsyms_resolve(ks, 0xffffffffc0002000, &loc), 0);
	assert_string_equal(loc.symbol, "mod_fn2");
	assert_true(kallsyms_memory_bytes(ks) > 11 * 16);
	kallsyms_free(ks);
}

static void test_crafted_find(void **state)
{
	struct kallsyms_range range;
	struct kallsyms *ks;
	size_t count;
	int err;

	(void)state;
	ks = load_text(crafted, &err);
	assert_int_equal(err, 0);

	assert_int_equal(kallsyms_find(ks, "beta", NULL, &range, &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(range.start, 0xffffffff81000100);
	assert_int_equal(range.end, 0xffffffff81000200);

	/* Reused static name: the lowest address, with the count to detect ambiguity. */
	assert_int_equal(kallsyms_find(ks, "dup_static", NULL, &range, &count), 0);
	assert_int_equal(count, 2);
	assert_int_equal(range.start, 0xffffffff81000200);
	assert_int_equal(range.end, 0xffffffff81000400);

	/* An alias's range ends at the next address, not at its sibling. */
	assert_int_equal(kallsyms_find(ks, "alpha_local", NULL, &range, NULL), 0);
	assert_int_equal(range.start, 0xffffffff81000000);
	assert_int_equal(range.end, 0xffffffff81000100);

	assert_int_equal(kallsyms_find(ks, "mod_fn", "ext4", &range, NULL), 0);
	assert_int_equal(range.end, 0xffffffffc0001080);
	assert_int_equal(kallsyms_find(ks, "mod_fn", "", &range, NULL), -ENOENT);
	assert_int_equal(kallsyms_find(ks, "beta", "", &range, NULL), 0);
	assert_int_equal(kallsyms_find(ks, "some_data", NULL, &range, NULL), -ENOENT);
	assert_int_equal(kallsyms_find(ks, "nonexistent", NULL, &range, &count), -ENOENT);
	assert_int_equal(count, 0);
	kallsyms_free(ks);
}

static void test_bad_files(void **state)
{
	struct kallsyms *ks;
	int err;

	(void)state;
	/* What a reader without CAP_SYSLOG sees under kptr_restrict=1. */
	ks = load_text("0000000000000000 T _text\n0000000000000000 t foo\t[ext4]\n", &err);
	assert_null(ks);
	assert_int_equal(err, KALLSYMS_ERR_HIDDEN);

	ks = load_text("", &err);
	assert_null(ks);
	assert_int_equal(err, -ENODATA);

	ks = load_text("ffffffff81000000 D only_data\n", &err);
	assert_null(ks);
	assert_int_equal(err, -ENODATA);

	ks = load_text("ffffffff81000000 T ok\nnot a kallsyms line\n", &err);
	assert_null(ks);
	assert_int_equal(err, -EINVAL);

	ks = load_text("ffffffff81000000 T\n", &err);
	assert_null(ks);
	assert_int_equal(err, -EINVAL);

	ks = load_text("ffffffff81000000 T f\t[unterminated\n", &err);
	assert_null(ks);
	assert_int_equal(err, -EINVAL);

	assert_int_equal(kallsyms_load(&ks, "/nonexistent/kallsyms"), -ENOENT);
	assert_null(ks);
	kallsyms_free(NULL);
}

/* Random tables, shuffled, with aliases: every answer checked against a brute-force search. */
static void test_random_against_brute_force(void **state)
{
	enum { SYMBOLS = 3000, QUERIES = 4000 };
	static uint64_t addrs[SYMBOLS];
	static char global[SYMBOLS];
	struct kallsyms_location loc;
	uint64_t seed = 0x9e3779b97f4a7c15ull, base = 0xffffffff81000000ull;
	struct kallsyms *ks;
	size_t i, j, len = 0;
	char *text;
	int err;

	(void)state;
	text = malloc(SYMBOLS * 48);
	assert_non_null(text);
	for (i = 0; i < SYMBOLS; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		/* Every fourth symbol reuses an earlier address: aliases. */
		addrs[i] = i && (seed >> 60) < 4 ? addrs[(seed >> 20) % i]
						 : base + ((seed >> 24) % 400000);
		global[i] = (seed >> 40) & 1;
		len += (size_t)sprintf(text + len, "%016llx %c sym%zu\n",
				       (unsigned long long)addrs[i], global[i] ? 'T' : 't', i);
	}
	ks = load_text(text, &err);
	free(text);
	assert_int_equal(err, 0);
	assert_int_equal(kallsyms_count(ks), SYMBOLS);

	for (i = 0; i < QUERIES; i++) {
		uint64_t q, best_addr = 0;
		size_t best = SYMBOLS;
		char want[32];

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		q = base - 1000 + (seed >> 24) % 402000;
		/* Highest address <= q; among aliases, global first, then file order. */
		for (j = 0; j < SYMBOLS; j++) {
			if (addrs[j] > q)
				continue;
			if (best == SYMBOLS || addrs[j] > best_addr ||
			    (addrs[j] == best_addr && global[j] && !global[best])) {
				best = j;
				best_addr = addrs[j];
			}
		}
		err = kallsyms_resolve(ks, q, &loc);
		if (best == SYMBOLS) {
			assert_int_equal(err, -ENOENT);
			continue;
		}
		assert_int_equal(err, 0);
		snprintf(want, sizeof(want), "sym%zu", best);
		assert_string_equal(loc.symbol, want);
		assert_int_equal(loc.offset, q - best_addr);
	}
	kallsyms_free(ks);
}

/* This machine's table: load cost, and names that must resolve to themselves. */
static void test_proc_kallsyms(void **state)
{
	static const char *const callers[] = {
		"cap_capable", "ns_capable", "ns_capable_noaudit", "has_ns_capability_noaudit",
		"ptracer_capable", "cap_vm_enough_memory", "ns_capable_setid",
	};
	struct kallsyms_location loc;
	struct kallsyms_range range;
	uint64_t t0, t1;
	struct kallsyms *ks;
	size_t i;
	int err;

	(void)state;
	t0 = crf_clock_ns(CLOCK_MONOTONIC);
	err = kallsyms_load(&ks, NULL);
	t1 = crf_clock_ns(CLOCK_MONOTONIC);
	if (err == KALLSYMS_ERR_HIDDEN || err == -EACCES) {
		print_message(
			"skip: /proc/kallsyms addresses hidden (kptr_restrict, no CAP_SYSLOG)\n");
		skip();
	}
	assert_int_equal(err, 0);
	print_message("kallsyms: %zu text symbols loaded in %.1f ms, %.1f MiB\n",
		      kallsyms_count(ks), (double)(t1 - t0) / 1e6,
		      (double)kallsyms_memory_bytes(ks) / (1 << 20));

	for (i = 0; i < sizeof(callers) / sizeof(callers[0]); i++) {
		assert_int_equal(kallsyms_find(ks, callers[i], "", &range, NULL), 0);
		assert_true(range.end > range.start);
		assert_int_equal(kallsyms_resolve(ks, range.start + 1, &loc), 0);
		assert_string_equal(loc.symbol, callers[i]);
		assert_string_equal(loc.module, "");
		assert_int_equal(loc.offset, 1);
		assert_int_equal(kallsyms_resolve(ks, range.end - 1, &loc), 0);
		assert_string_equal(loc.symbol, callers[i]);
	}
	kallsyms_free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crafted_resolve),
		cmocka_unit_test(test_crafted_find),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_random_against_brute_force),
		cmocka_unit_test(test_proc_kallsyms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
