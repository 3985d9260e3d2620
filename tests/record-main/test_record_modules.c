// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the small record/ modules: capability names, rotation file
 * names, the caller ranges and kernel stack trimming (on a crafted kallsyms
 * file), the process table and the options string of the metadata.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caller_ranges.h"
#include "crf_cap_names.h"
#include "crf_writer.h"
#include "metadata.h"
#include "options.h"
#include "proc_table.h"
#include "rotation.h"
#include "stacks.h"

static void test_cap_names(void **state)
{
	(void)state;
	assert_string_equal(crf_cap_name(0), "CAP_CHOWN");
	assert_string_equal(crf_cap_name(21), "CAP_SYS_ADMIN");
	assert_string_equal(crf_cap_name(24), "CAP_SYS_RESOURCE");
	assert_string_equal(crf_cap_name(38), "CAP_PERFMON");
	assert_string_equal(crf_cap_name(39), "CAP_BPF");
	assert_string_equal(crf_cap_name(40), "CAP_CHECKPOINT_RESTORE");
	assert_null(crf_cap_name(41));
	assert_null(crf_cap_name(-1));
	assert_null(crf_cap_name(INT32_MAX));
}

static void test_rotation_names(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(rotation_path(buf, sizeof(buf), "rec.crf", 0), 0);
	assert_string_equal(buf, "rec.crf");
	assert_int_equal(rotation_path(buf, sizeof(buf), "rec.crf", 1), 0);
	assert_string_equal(buf, "rec.crf.1");
	assert_int_equal(rotation_path(buf, sizeof(buf), "/a/b", 12), 0);
	assert_string_equal(buf, "/a/b.12");
	assert_int_equal(rotation_path(buf, 8, "rec.crf", 1), -ENAMETOOLONG);
	assert_int_equal(rotation_path(buf, 7, "rec.crf", 0), -ENAMETOOLONG);
}

/* A crafted kallsyms: the capability helpers plus a tracing frame above cap_capable. */
static const char fake_kallsyms[] =
	"ffffffff81000000 T bpf_trace_run5\n"
	"ffffffff81000100 T cap_capable\n"
	"ffffffff81000200 T security_capable\n"
	"ffffffff81000300 t ns_capable_common\n"
	"ffffffff81000400 T ns_capable_noaudit\n"
	"ffffffff81000500 T ns_capable_setid\n"
	"ffffffff81000600 T ns_capable\n"
	"ffffffff81000700 T capable\n"
	"ffffffff81000800 t cap_vm_enough_memory\n"
	"ffffffff81000900 T do_prlimit\n"
	"ffffffffc0000000 t nfsd_setuser\t[nfsd]\n"
	"ffffffffc1000000 t bpf_prog_6deef7357e7b4530_fexit_security_capable\t[bpf]\n";

static struct kallsyms *load_fake_kallsyms(void)
{
	char path[] = "/tmp/caprec-test-kallsyms.XXXXXX";
	struct kallsyms *ks = NULL;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, fake_kallsyms, strlen(fake_kallsyms)),
			 (ssize_t)strlen(fake_kallsyms));
	close(fd);
	assert_int_equal(kallsyms_load(&ks, path), 0);
	unlink(path);
	return ks;
}

static void test_caller_ranges(void **state)
{
	struct caprec_caller_range ranges[CAPREC_CALLER_RANGES];
	struct kallsyms *ks = load_fake_kallsyms();
	size_t n, i;
	int noaudit = -1, setid = -1, audit = -1, vm = -1;

	(void)state;
	n = caller_ranges_resolve(ks, ranges, CAPREC_CALLER_RANGES);
	assert_int_equal(n, 5); /* noaudit, vm_enough_memory, setid, ns_capable, capable */
	for (i = 0; i < n; i++) {
		if (ranges[i].start == 0xffffffff81000400ull)
			noaudit = (int)i;
		if (ranges[i].start == 0xffffffff81000500ull)
			setid = (int)i;
		if (ranges[i].start == 0xffffffff81000700ull)
			audit = (int)i;
		if (ranges[i].start == 0xffffffff81000800ull)
			vm = (int)i;
		assert_int_equal(ranges[i].pad, 0);
		assert_true(ranges[i].end > ranges[i].start);
	}
	assert_true(noaudit >= 0 && setid >= 0 && audit >= 0 && vm >= 0);
	assert_int_equal(ranges[noaudit].class, CAPREC_CALLER_NOAUDIT);
	assert_int_equal(ranges[noaudit].end, 0xffffffff81000500ull);
	assert_int_equal(ranges[setid].class, CAPREC_CALLER_SETID);
	assert_int_equal(ranges[audit].class, CAPREC_CALLER_AUDIT);
	assert_int_equal(ranges[vm].class, CAPREC_CALLER_NOAUDIT);
	/* ns_capable_common is shared by all entry points: never a decider. */
	for (i = 0; i < n; i++)
		assert_int_not_equal(ranges[i].start, 0xffffffff81000300ull);
	/* A small array is never overrun. */
	assert_int_equal(caller_ranges_resolve(ks, ranges, 2), 2);
	kallsyms_free(ks);
}

static void test_kernel_stack_trim(void **state)
{
	static struct sym_stack s;
	struct kallsyms *ks = load_fake_kallsyms();
	const __u64 addrs[] = { 0xffffffff81000010ull, 0xffffffff81000120ull,
				0xffffffff81000230ull, 0xffffffff81000910ull,
				0xffffffffc0000044ull };

	(void)state;
	stacks_symbolize_kernel(ks, addrs, 5, false, &s);
	assert_int_equal(s.stack.depth, 4); /* bpf_trace_run5 dropped */
	assert_string_equal(s.stack.frames[0]->symbol, "cap_capable");
	assert_int_equal(s.stack.frames[0]->symbol_offset, 0x20);
	assert_string_equal(s.stack.frames[0]->module, "");
	assert_string_equal(s.stack.frames[2]->symbol, "do_prlimit");
	assert_string_equal(s.stack.frames[3]->symbol, "nfsd_setuser");
	assert_string_equal(s.stack.frames[3]->module, "nfsd");
	assert_int_equal(s.stack.frames[3]->kind, CRF_FRAME_KERNEL);

	/* No cap_capable near the top: the stack is kept whole. */
	stacks_symbolize_kernel(ks, &addrs[2], 3, false, &s);
	assert_int_equal(s.stack.depth, 3);
	assert_string_equal(s.stack.frames[0]->symbol, "security_capable");

	/* Taken at security_capable()'s return: only the tracing frames on top go. */
	{
		const __u64 at_return[] = { 0xffffffffc1000010ull, 0xffffffff81000010ull,
					    0xffffffff81000910ull };

		stacks_symbolize_kernel(ks, at_return, 3, false, &s);
		assert_int_equal(s.stack.depth, 1);
		assert_string_equal(s.stack.frames[0]->symbol, "do_prlimit");
	}

	/*
	 * fentry/kprobe: a BPF program outside kallsyms and a trampoline on top,
	 * cap_capable's frame hidden: the junk goes, cap_capable is put back.
	 */
	{
		const __u64 fexit[] = { 0xffffffff80000010ull, 0xffffffffc1000010ull,
					0xffffffff81000230ull, 0xffffffff81000910ull };
		const __u64 kprobe[] = { 0xffffffff81000104ull, 0xffffffff81000230ull,
					 0xffffffff81000910ull };

		stacks_symbolize_kernel(ks, fexit, 4, true, &s);
		assert_int_equal(s.stack.depth, 3);
		assert_string_equal(s.stack.frames[0]->symbol, "cap_capable");
		assert_string_equal(s.stack.frames[1]->symbol, "security_capable");
		assert_string_equal(s.stack.frames[2]->symbol, "do_prlimit");
		/* fentry on security_capable too: its trampoline sits between two of its frames. */
		const __u64 nested[] = { 0xffffffff81000104ull, 0xffffffff81000230ull,
					 0xffffffff80000010ull, 0xffffffffc1000010ull,
					 0xffffffff81000205ull, 0xffffffff81000910ull };

		stacks_symbolize_kernel(ks, nested, 6, true, &s);
		assert_int_equal(s.stack.depth, 3);
		assert_string_equal(s.stack.frames[0]->symbol, "cap_capable");
		assert_string_equal(s.stack.frames[1]->symbol, "security_capable");
		assert_string_equal(s.stack.frames[2]->symbol, "do_prlimit");
		stacks_symbolize_kernel(ks, kprobe, 3, true, &s);
		assert_int_equal(s.stack.depth, 3);
		assert_string_equal(s.stack.frames[0]->symbol, "cap_capable");
		assert_int_equal(s.stack.frames[0]->symbol_offset, 4);
		assert_string_equal(s.stack.frames[1]->symbol, "security_capable");
	}

	/* Without kallsyms: frames stay, unnamed, and never carry the address. */
	stacks_symbolize_kernel(NULL, addrs, 5, false, &s);
	assert_int_equal(s.stack.depth, 5);
	assert_null(s.stack.frames[0]->symbol);
	assert_int_equal(s.stack.frames[0]->symbol_offset, 0);
	kallsyms_free(ks);
}

static void test_proc_table(void **state)
{
	struct proc_table *t = NULL;
	struct proc_entry *a, *b, *again;
	bool created;

	(void)state;
	assert_int_equal(proc_table_new(&t), 0);
	a = proc_table_get(t, 100, 5000, &created);
	assert_non_null(a);
	assert_true(created);
	/* Same pid, other start time: another process (pid reuse). */
	b = proc_table_get(t, 100, 9000, &created);
	assert_true(created);
	assert_ptr_not_equal(a, b);
	again = proc_table_get(t, 100, 5000, &created);
	assert_false(created);
	assert_ptr_equal(again, a);
	assert_int_equal(proc_entry_set(&a->exe_path, "/bin/true"), 0);
	proc_table_remove(t, a);
	assert_null(proc_table_find(t, 100, 5000));
	assert_ptr_equal(proc_table_find(t, 100, 9000), b);
	/* pid 100 + 4096 shares a bucket. */
	assert_non_null(proc_table_get(t, 100 + 4096, 1, &created));
	assert_ptr_equal(proc_table_find(t, 100, 9000), b);
	proc_table_free(t);
	proc_table_free(NULL);
}

static void test_proc_entry_reads_self(void **state)
{
	struct proc_table *t = NULL;
	struct proc_entry *e;
	bool created;

	(void)state;
	assert_int_equal(proc_table_new(&t), 0);
	/* Start time 0: identity not checked. */
	e = proc_table_get(t, (uint32_t)getpid(), 0, &created);
	assert_int_equal(proc_entry_read_proc(e), 0);
	assert_int_equal(e->ppid, (uint32_t)getppid());
	assert_non_null(e->cmdline);
	assert_int_equal(e->uid, getuid());
	/* A start time that cannot be ours: the pid is "another process". */
	e = proc_table_get(t, (uint32_t)getpid(), 1, &created);
	assert_int_equal(proc_entry_read_proc(e), -ESRCH);
	proc_table_free(t);
}

static void test_proc_snapshot_adopted(void **state)
{
	struct proc_table *t = NULL;
	struct proc_entry *snap, *e;
	bool created;
	uint64_t exact;
	int err;

	(void)state;
	assert_int_equal(proc_table_new(&t), 0);
	snap = proc_table_snapshot(t, (uint32_t)getpid(), &err);
	assert_non_null(snap);
	assert_int_equal(err, 0);
	assert_true(snap->start_approx);
	assert_non_null(snap->exe_path);
	/* BPF's start time is in ns within the same clock tick: the snapshot is taken over. */
	exact = snap->start_time_ns + 1234;
	e = proc_table_get(t, (uint32_t)getpid(), exact, &created);
	assert_false(created);
	assert_ptr_equal(e, snap);
	assert_int_equal(e->start_time_ns, exact);
	assert_false(e->start_approx);
	/* A start time a second later is another process. */
	e = proc_table_get(t, (uint32_t)getpid(), exact + 1000000000ull, &created);
	assert_true(created);
	assert_null(proc_table_snapshot(t, 0x7ffffff0u, &err));
	assert_int_equal(err, -ESRCH);
	proc_table_free(t);
}

static void test_options_describe(void **state)
{
	struct caprec_options o = { 0 };
	char buf[256];

	(void)state;
	o.verbose = true;
	o.user_stacks = true;
	o.buffer_size = 65536;
	o.attach = ATTACH_TRACEPOINT;
	o.max_size = 4096;
	options_describe(buf, sizeof(buf), &o);
	assert_string_equal(buf, "-v -U --max-size 4096 --buffer-size 65536 --attach tracepoint");
	options_describe(buf, 8, &o);
	assert_true(strlen(buf) < 8);
}

/* A value of the metadata, by key (NULL when absent). */
static const char *metadata_value(const struct recording_metadata *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->count; i++)
		if (strcmp(m->kvs[i].key, key) == 0)
			return m->kvs[i].value;
	return NULL;
}

/*
 * A command line longer than a metadata value may be is cut with a marker
 * that gives its full length, so the METADATA block stays within the format's
 * limits and the command it describes can run.
 */
static void test_metadata_long_command(void **state)
{
	enum { ARGS = 5, ARG_LEN = 30000 };
	char *argv[ARGS + 5] = { "caprec", "-o", "x", "--" }; /* NULL-terminated */
	char *command_line, expect_tail[64], *args[ARGS];
	const char *value;
	struct metadata_input in = { .argc = ARGS + 4, .argv = argv, .options = "",
				     .command = &argv[4], .attach_mode = "tracepoint" };
	struct recording_metadata meta;
	struct crf_writer *w = NULL;
	size_t full = 0, i;
	int fd;

	(void)state;
	for (i = 0; i < ARGS; i++) {
		argv[4 + i] = args[i] = malloc(ARG_LEN + 1);
		assert_non_null(args[i]);
		memset(argv[4 + i], 'a' + (int)i, ARG_LEN);
		argv[4 + i][ARG_LEN] = '\0';
		full += ARG_LEN + (i ? 1 : 0);
	}
	/* An accented character across the cut point must not be split. */
	memcpy(args[2] + 5530, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8);
	assert_int_equal(metadata_collect(&meta, &in), 0);
	value = metadata_value(&meta, "recorder.target_command");
	assert_non_null(value);
	assert_true(strlen(value) <= CRF_MAX_STRING_LEN);
	snprintf(expect_tail, sizeof(expect_tail), "%s%zu]", METADATA_CUT_MARKER, full);
	assert_non_null(strstr(value, expect_tail));
	assert_int_equal(strcmp(value + strlen(value) - strlen(expect_tail), expect_tail), 0);
	assert_int_equal(strncmp(value, argv[4], 100), 0);
	/* No half character before the marker. */
	assert_int_not_equal((unsigned char)value[strlen(value) - strlen(expect_tail) - 1] & 0xc0,
			     0xc0);
	command_line = (char *)metadata_value(&meta, "recorder.command_line");
	assert_true(strlen(command_line) <= CRF_MAX_STRING_LEN);
	assert_non_null(strstr(command_line, METADATA_CUT_MARKER));
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(crf_writer_open(&w, fd, NULL), 0);
	assert_int_equal(crf_write_metadata(w, meta.kvs, meta.count), 0);
	crf_writer_free(w);
	close(fd);
	metadata_release(&meta);
	/* A short command stays whole. */
	in.argc = 6;
	argv[4] = "true";
	argv[5] = NULL;
	assert_int_equal(metadata_collect(&meta, &in), 0);
	assert_string_equal(metadata_value(&meta, "recorder.target_command"), "true");
	metadata_release(&meta);
	for (i = 0; i < ARGS; i++)
		free(args[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_names),
		cmocka_unit_test(test_rotation_names),
		cmocka_unit_test(test_caller_ranges),
		cmocka_unit_test(test_kernel_stack_trim),
		cmocka_unit_test(test_proc_table),
		cmocka_unit_test(test_proc_entry_reads_self),
		cmocka_unit_test(test_proc_snapshot_adopted),
		cmocka_unit_test(test_options_describe),
		cmocka_unit_test(test_metadata_long_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
