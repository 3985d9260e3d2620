// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_load.c - the loader (analyze/load.c): a known recording's rows, the
 * interning of code across recordings and runs, and what a truncated, a
 * corrupted and a non-recording input leave in import_stats.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "crf_writer.h"
#include "fixture.h"
#include "load.h"
#include "schema.h"

#define ROUNDS 40

/* The fixture recording's bytes. */
struct bytes {
	unsigned char *data;
	size_t len;
};

static struct bytes fixture_bytes(uint64_t rounds, bool clean_end)
{
	int fd = memfd_create("fixture", 0);
	struct bytes b = { 0 };
	off_t size;

	assert_true(fd >= 0);
	assert_int_equal(fixture_write(fd, rounds, clean_end), 0);
	size = lseek(fd, 0, SEEK_END);
	assert_true(size > 0);
	b.len = (size_t)size;
	b.data = malloc(b.len);
	assert_non_null(b.data);
	assert_int_equal(pread(fd, b.data, b.len, 0), (ssize_t)b.len);
	close(fd);
	return b;
}

/* An fd reading the given bytes from the start. */
static int fd_of(const unsigned char *data, size_t len)
{
	int fd = memfd_create("input", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static sqlite3 *new_db(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	return db;
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	int64_t value;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	value = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return value;
}

static char *query_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	char *value;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	value = sqlite3_column_text(stmt, 0) ? strdup((const char *)sqlite3_column_text(stmt, 0)) :
					       NULL;
	sqlite3_finalize(stmt);
	return value;
}

static void assert_text(sqlite3 *db, const char *sql, const char *expected)
{
	char *value = query_text(db, sql);

	if (!value || strcmp(value, expected))
		fail_msg("%s: got '%s', expected '%s'", sql, value ? value : "(null)", expected);
	free(value);
}

/* Loads each (data, len) as one recording in one loader run. Returns loader_add's status. */
static int load(sqlite3 *db, const struct bytes *inputs, int count, struct load_result *last,
		char *err, size_t err_size)
{
	struct loader *l = NULL;
	int rc = 0;

	assert_int_equal(loader_new(db, true, &l, err, err_size), 0);
	for (int i = 0; i < count && !rc; i++) {
		struct load_source src = { .fd = fd_of(inputs[i].data, inputs[i].len),
					   .path = "fixture.caprec" };

		rc = loader_add(l, &src, last, err, err_size);
		close(src.fd);
	}
	if (!rc)
		assert_int_equal(loader_finish(l, err, err_size), 0);
	loader_free(l);
	return rc;
}

static void test_fixture_rows(void **state)
{
	struct bytes b = fixture_bytes(ROUNDS, true);
	struct load_result res;
	char err[256];
	sqlite3 *db = new_db();

	(void)state;
	assert_int_equal(load(db, &b, 1, &res, err, sizeof(err)), 0);
	assert_int_equal(res.events, fixture_events(ROUNDS));
	assert_true(res.recovery.clean_end);
	assert_int_equal(query_int(db, "SELECT count(*) FROM events"), fixture_events(ROUNDS));
	assert_int_equal(query_int(db, "SELECT count(*) FROM processes"), 3);
	assert_int_equal(query_int(db, "SELECT count(*) FROM binaries"), 4);
	assert_int_equal(query_int(db, "SELECT count(*) FROM frames"), 11);
	assert_int_equal(query_int(db, "SELECT count(*) FROM stacks"), 7);
	/* the kernel stacks share cap_capable as leaf-side frame but not as root */
	assert_int_equal(query_int(db, "SELECT count(*) FROM callsites"), 15);
	assert_int_equal(query_int(db, "SELECT sum(lost) FROM losses"), 3);
	assert_int_equal(query_int(db, "SELECT lost FROM recordings"), 3);

	/* the recording row carries the host metadata */
	assert_text(db, "SELECT hostname || ' ' || kernel_release || ' ' || attach_mode || ' ' || "
			"audit_source || ' ' || recorder_options FROM recordings",
		    "testhost 6.18.0-test tracepoint inferred -v -K -U");
	assert_text(db, "SELECT value FROM metadata WHERE key = 'site.note'",
		    "a key no capanalyze column knows");
	/* wall clock: boot 1 s = 2025-11-29 00:00:00 UTC */
	assert_int_equal(query_int(db, "SELECT first_wall_ns FROM recordings"),
			 1764374400000000000ll);

	/* processes: identity, parent link, exit */
	assert_text(db, "SELECT c.exe_path || ' <- ' || p.exe_path FROM processes c "
			"JOIN processes p ON p.id = c.parent_id",
		    "/opt/samples/chown-sample <- /usr/bin/ping");
	assert_int_equal(query_int(db, "SELECT exit_status FROM processes WHERE pid = 200"), 256);
	assert_text(db, "SELECT container_id FROM processes WHERE pid = 200", "docker:0123456789ab");
	assert_text(db, "SELECT group_concat(events, ' ') FROM (SELECT events FROM processes "
			"ORDER BY pid)", "80 80 3");

	/* stacks: text outermost first, flat frames innermost first, tree depths */
	assert_text(db, "SELECT text FROM stacks s JOIN events e ON e.kernel_stack_id = s.id "
			"WHERE e.cap = 13 LIMIT 1", "__sys_socket;ns_capable;cap_capable");
	assert_text(db, "SELECT text FROM stacks WHERE kind = 'user' AND depth = 1",
		    "mystery+0xdead");
	assert_text(db, "SELECT f.name FROM stack_frames sf JOIN frames f ON f.id = sf.frame_id "
			"JOIN stacks s ON s.id = sf.stack_id WHERE s.text LIKE '%nft%' "
			"AND sf.position = 1", "nft_bind_check [nf_tables]");
	assert_int_equal(query_int(db, "SELECT max(depth) FROM callsites"), 2);
	assert_text(db, "SELECT build_id FROM binaries WHERE path = '/usr/bin/ping'",
		    "abcdef0102030000000000000000000000000000");

	/* events: flags and NULLs as SCHEMA.md says */
	assert_int_equal(query_int(db, "SELECT count(*) FROM events WHERE cap = 21 AND audit = 0 "
				       "AND insetid = 0 AND final_ret IS NULL AND user_stack_id IS NULL"),
			 ROUNDS);
	assert_int_equal(query_int(db, "SELECT count(*) FROM v_events WHERE cap = 10 AND "
				       "audit_inferred = 1 AND insetid IS NULL"), (ROUNDS + 15) / 16);
	assert_int_equal(query_int(db, "SELECT count(*) FROM events WHERE final_ret = 0"),
			 2 * ROUNDS);
	assert_int_equal(query_int(db, "SELECT max(idx) FROM events"), fixture_events(ROUNDS) - 1);
	/* events hold no pid: v_events takes the process's */
	assert_int_equal(query_int(db, "SELECT count(*) FROM v_events e JOIN processes p "
				       "ON p.id = e.process_id WHERE e.pid = p.pid"),
			 query_int(db, "SELECT count(*) FROM v_events WHERE process_id IS NOT NULL"));
	assert_int_equal(query_int(db, "SELECT count(*) FROM v_events WHERE pid = 0"),
			 query_int(db, "SELECT count(*) FROM v_events WHERE process_id IS NULL"));
	/* v_events has every event, each with its context's values */
	assert_int_equal(query_int(db, "SELECT count(*) FROM v_events"), fixture_events(ROUNDS));
	assert_int_equal(query_int(db, "SELECT count(*) FROM events e LEFT JOIN event_contexts c "
				       "ON c.id = e.context_id WHERE c.id IS NULL"), 0);
	assert_true(query_int(db, "SELECT count(*) FROM event_contexts") <
		    query_int(db, "SELECT count(*) FROM events"));

	/* the aggregate */
	assert_int_equal(query_int(db, "SELECT count(*) FROM check_aggregate"), 4);
	assert_int_equal(query_int(db, "SELECT count FROM check_aggregate WHERE cap = 13 AND "
				       "verdict = 'granted' AND audit = 1 AND syscall_nr = 41"),
			 2 * ROUNDS);
	assert_int_equal(query_int(db, "SELECT count FROM check_aggregate WHERE cap = 0 AND "
				       "verdict = 'denied'"), ROUNDS);
	assert_text(db, "SELECT exe_path FROM check_aggregate WHERE cap = 10", "[mystery]");
	assert_int_equal(query_int(db, "SELECT sum(count) FROM check_aggregate"),
			 fixture_events(ROUNDS));
	assert_int_equal(query_int(db, "SELECT count(*) FROM check_aggregate a WHERE count != "
				       "(SELECT count(*) FROM v_events e WHERE e.cap = a.cap AND "
				       "e.audit = a.audit AND e.verdict = a.verdict AND "
				       "e.kernel_stack_id IS a.kernel_stack_id AND "
				       "e.user_stack_id IS a.user_stack_id)"), 0);

	/* import statistics of a clean file */
	assert_int_equal(query_int(db, "SELECT blocks_skipped + truncated + unresolved_refs "
				       "FROM import_stats"), 0);
	assert_int_equal(query_int(db, "SELECT end_events FROM import_stats"),
			 fixture_events(ROUNDS));
	assert_int_equal(query_int(db, "SELECT count FROM import_blocks WHERE name = 'loss'"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM import_damage"), 0);
	assert_int_equal(query_int(db, "PRAGMA user_version"), schema_user_version());
	sqlite3_close(db);
	free(b.data);
}

/* Two recordings in one run, then a third in a later run: code is interned once. */
static void test_interning_across_recordings(void **state)
{
	struct bytes inputs[2] = { fixture_bytes(ROUNDS, true), fixture_bytes(3, true) };
	struct load_result res;
	char err[256];
	sqlite3 *db = new_db();

	(void)state;
	assert_int_equal(load(db, inputs, 2, &res, err, sizeof(err)), 0);
	assert_int_equal(load(db, inputs, 1, &res, err, sizeof(err)), 0);
	assert_int_equal(res.recording_id, 3);
	assert_int_equal(query_int(db, "SELECT count(*) FROM recordings"), 3);
	assert_int_equal(query_int(db, "SELECT count(*) FROM processes"), 9);
	assert_int_equal(query_int(db, "SELECT count(*) FROM binaries"), 4);
	assert_int_equal(query_int(db, "SELECT count(*) FROM frames"), 11);
	assert_int_equal(query_int(db, "SELECT count(*) FROM callsites"), 15);
	assert_int_equal(query_int(db, "SELECT count(*) FROM stacks"), 7);
	assert_int_equal(query_int(db, "SELECT count(*) FROM events"),
			 2 * fixture_events(ROUNDS) + fixture_events(3));
	assert_int_equal(query_int(db, "SELECT count(*) FROM check_aggregate"), 12);
	/* each recording's events are one id range, in file order */
	assert_int_equal(query_int(db, "SELECT count(*) FROM (SELECT recording_id, "
				       "max(id) - min(id) - max(idx) AS gap FROM v_events "
				       "GROUP BY 1) WHERE gap != 0"), 0);
	sqlite3_close(db);
	free(inputs[0].data);
	free(inputs[1].data);
}

/* A recording cut inside a block: everything before it loads; import_stats says where. */
/*
 * A recording of a shell (with a path) that forks a worker which renames
 * itself and forks again, neither exec'ing, plus an orphan of an unrecorded
 * parent: the two forks run the shell's executable everywhere.
 */
static struct bytes fork_bytes(void)
{
	int fd = memfd_create("forks", 0);
	struct crf_writer *w = NULL;
	struct crf_process_def p;
	uint32_t bin, shell, worker, grandchild, orphan, proc[4];
	struct bytes b = { 0 };
	int rc;

	assert_true(fd >= 0);
	rc = crf_writer_open(&w, fd, NULL);
	rc = rc ?: crf_intern_binary(w, "/usr/bin/dash", NULL, 0, &bin);
	p = (struct crf_process_def){ .pid = 10, .ppid = 1, .start_time_ns = 1,
				      .exe_binary_id = bin, .exe_path = "/usr/bin/dash",
				      .comm = "sh" };
	rc = rc ?: crf_define_process(w, &p, &shell);
	p = (struct crf_process_def){ .pid = 11, .ppid = 10, .start_time_ns = 2,
				      .parent_id = shell, .comm = "worker" };
	rc = rc ?: crf_define_process(w, &p, &worker);
	p = (struct crf_process_def){ .pid = 12, .ppid = 11, .start_time_ns = 3,
				      .parent_id = worker, .comm = "worker" };
	rc = rc ?: crf_define_process(w, &p, &grandchild);
	p = (struct crf_process_def){ .pid = 13, .ppid = 5, .start_time_ns = 4, .comm = "lone" };
	rc = rc ?: crf_define_process(w, &p, &orphan);
	proc[0] = shell;
	proc[1] = worker;
	proc[2] = grandchild;
	proc[3] = orphan;
	for (int i = 0; !rc && i < 4; i++) {
		struct crf_event_rec e = { .time_ns = 10 + (uint64_t)i, .process_id = proc[i],
					   .tid = 10 + (uint32_t)i, .cap = 21,
					   .flags = CRF_EV_AUDIT, .syscall_nr = -1 };

		rc = crf_write_event(w, &e);
	}
	rc = rc ?: crf_writer_close(w);
	crf_writer_free(w);
	assert_int_equal(rc, 0);
	b.len = (size_t)lseek(fd, 0, SEEK_END);
	b.data = malloc(b.len);
	assert_non_null(b.data);
	assert_int_equal(pread(fd, b.data, b.len, 0), (ssize_t)b.len);
	close(fd);
	return b;
}

static void test_fork_inherits_exe(void **state)
{
	struct bytes b = fork_bytes();
	struct load_result res;
	char err[256];
	sqlite3 *db = new_db();

	(void)state;
	assert_int_equal(load(db, &b, 1, &res, err, sizeof(err)), 0);
	assert_text(db, "SELECT group_concat(pid || '=' || coalesce(exe_path, '-') || ':' || "
			"coalesce(binary_id, '-'), ' ') FROM (SELECT * FROM processes ORDER BY pid)",
		    "10=/usr/bin/dash:1 11=/usr/bin/dash:1 12=/usr/bin/dash:1 13=-:-");
	assert_text(db, "SELECT group_concat(exe_path || ' ' || count, ', ') FROM "
			"(SELECT exe_path, sum(count) AS count FROM check_aggregate "
			"GROUP BY exe_path ORDER BY exe_path)",
		    "/usr/bin/dash 3, [lone] 1");
	sqlite3_close(db);
	free(b.data);
}

/*
 * Format 1.2's facts: chown exec'd as /bin/chown, a check at uid 0, the drop
 * to nobody, a denied check whose syscall failed, a thread with no
 * credentials recorded, and a check after the syscall's return.
 */
static struct bytes exec_facts_bytes(void)
{
	int fd = memfd_create("exec-facts", 0);
	struct crf_writer *w = NULL;
	struct crf_process_def p = { .pid = 50, .ppid = 1, .start_time_ns = 1,
				     .exe_path = "/usr/bin/chown", .exe_path_used = "/bin/chown",
				     .comm = "chown" };
	struct crf_credentials_rec root = { .tid = 50, .first_event = 0,
					    .cap_effective = 1ull << 7 | 1ull << 0 };
	struct crf_credentials_rec nobody = { .tid = 50, .first_event = 1, .uid = 65534,
					      .euid = 65534, .suid = 65534, .fsuid = 65534,
					      .gid = 65534, .egid = 65534, .fsgid = 65534 };
	struct crf_syscall_return_rec sr = { .tid = 50, .first_event = 1, .last_event = 1,
					     .syscall_nr = 260, .ret = -1, .time_ns = 25 };
	static const struct { uint32_t tid; int32_t cap; int32_t ret; } checks[] = {
		{ 50, 7, 0 }, { 50, 0, -1 }, { 51, 0, -1 }, { 50, 0, -1 },
	};
	struct bytes b = { 0 };
	uint32_t id;
	int rc;

	assert_true(fd >= 0);
	rc = crf_writer_open(&w, fd, NULL);
	rc = rc ?: crf_define_process(w, &p, &id);
	root.process_id = nobody.process_id = sr.process_id = id;
	rc = rc ?: crf_write_credentials(w, &root);
	for (int i = 0; !rc && i < 4; i++) {
		struct crf_event_rec e = { .time_ns = 10 + 10 * (uint64_t)i, .process_id = id,
					   .tid = checks[i].tid, .cap = checks[i].cap,
					   .ret = checks[i].ret, .flags = CRF_EV_AUDIT,
					   .syscall_nr = 260 };

		if (i == 1)
			rc = crf_write_credentials(w, &nobody);
		rc = rc ?: crf_write_event(w, &e);
		if (i == 2)
			rc = rc ?: crf_write_syscall_return(w, &sr);
	}
	rc = rc ?: crf_writer_close(w);
	crf_writer_free(w);
	assert_int_equal(rc, 0);
	b.len = (size_t)lseek(fd, 0, SEEK_END);
	b.data = malloc(b.len);
	assert_non_null(b.data);
	assert_int_equal(pread(fd, b.data, b.len, 0), (ssize_t)b.len);
	close(fd);
	return b;
}

static void test_exec_facts(void **state)
{
	struct bytes b = exec_facts_bytes(), old = fixture_bytes(2, true);
	struct load_result res;
	char err[256];
	sqlite3 *db = new_db();

	(void)state;
	assert_int_equal(load(db, &b, 1, &res, err, sizeof(err)), 0);
	assert_text(db, "SELECT exe_path || ' ' || exe_path_used FROM processes",
		    "/usr/bin/chown /bin/chown");
	assert_text(db, "SELECT group_concat(idx || ':' || coalesce(euid, '-') || ':' || "
			"coalesce(fsuid, '-') || ':' || coalesce(cap_in_effective, '-') || ':' || "
			"coalesce(syscall_ret, '-') || ':' || exe_path_used, ' ') "
			"FROM (SELECT * FROM v_events ORDER BY idx)",
		    "0:0:0:1:-:/bin/chown 1:65534:65534:0:-1:/bin/chown 2:-:-:-:-:/bin/chown "
		    "3:65534:65534:0:-:/bin/chown");
	assert_text(db, "SELECT group_concat(tid || '@' || first_idx || ' ' || uid || '/' || euid "
			"|| '/' || suid || '/' || fsuid || ' ' || gid || '/' || egid || '/' || fsgid "
			"|| ' ' || cap_effective || '/' || cap_permitted, ', ') "
			"FROM (SELECT * FROM credentials ORDER BY first_idx)",
		    "50@0 0/0/0/0 0/0/0 129/0, 50@1 65534/65534/65534/65534 65534/65534/65534 0/0");
	assert_text(db, "SELECT tid || ' ' || first_idx || '-' || last_idx || ' ' || syscall_nr || "
			"' ' || ret || ' ' || time_ns || ' ' || (process_id IS NOT NULL) "
			"FROM syscall_returns", "50 1-1 260 -1 25 1");
	sqlite3_close(db);

	/* A recording without them: NULL, never made up. */
	db = new_db();
	assert_int_equal(load(db, &old, 1, &res, err, sizeof(err)), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM v_events WHERE euid IS NOT NULL OR "
				       "fsuid IS NOT NULL OR syscall_ret IS NOT NULL OR "
				       "exe_path_used IS NOT NULL"), 0);
	assert_true(query_int(db, "SELECT count(*) FROM v_events") > 0);
	sqlite3_close(db);
	free(b.data);
	free(old.data);
}

static void test_truncated(void **state)
{
	struct bytes b = fixture_bytes(2000, true);
	struct load_result res;
	char err[256];
	sqlite3 *db = new_db();
	struct bytes cut = { b.data, b.len * 2 / 3 };

	(void)state;
	assert_int_equal(load(db, &cut, 1, &res, err, sizeof(err)), 0);
	assert_true(res.recovery.truncated);
	assert_false(res.recovery.clean_end);
	assert_int_equal(query_int(db, "SELECT truncated FROM import_stats"), 1);
	assert_int_equal(query_int(db, "SELECT truncated_at FROM import_stats"),
			 res.recovery.truncated_at);
	assert_true(query_int(db, "SELECT truncated_at FROM import_stats") < (int64_t)cut.len);
	assert_int_equal(query_int(db, "SELECT clean_end FROM recordings"), 0);
	assert_true(query_int(db, "SELECT count(*) FROM events") > 0);
	assert_true(query_int(db, "SELECT count(*) FROM events") < (int64_t)fixture_events(2000));
	assert_int_equal(query_int(db, "SELECT count(*) FROM events"),
			 query_int(db, "SELECT events FROM import_stats"));
	assert_int_equal(query_int(db, "SELECT end_events IS NULL FROM import_stats"), 1);
	sqlite3_close(db);
	free(b.data);
}

/* A flipped byte inside a chunk: that block is skipped, the rest loads, the damage is listed. */
static void test_corrupted(void **state)
{
	struct bytes b = fixture_bytes(4000, true);
	struct load_result res;
	char err[256];
	sqlite3 *db = new_db();

	(void)state;
	b.data[b.len / 2] ^= 0x5a;
	assert_int_equal(load(db, &b, 1, &res, err, sizeof(err)), 0);
	assert_true(res.recovery.blocks_skipped >= 1);
	assert_int_equal(query_int(db, "SELECT blocks_skipped FROM import_stats"),
			 res.recovery.blocks_skipped);
	assert_true(query_int(db, "SELECT bytes_skipped FROM import_stats") > 0);
	assert_true(query_int(db, "SELECT count(*) FROM import_damage") >= 1);
	assert_true(query_int(db, "SELECT min(file_offset) FROM import_damage") <= (int64_t)b.len / 2);
	assert_true(query_int(db, "SELECT count(*) FROM events") > 0);
	assert_true(query_int(db, "SELECT count(*) FROM events") < (int64_t)fixture_events(4000));
	/* the END block after the damage still says what the recorder wrote */
	assert_int_equal(query_int(db, "SELECT end_events FROM import_stats"),
			 fixture_events(4000));
	sqlite3_close(db);
	free(b.data);
}

static void test_not_a_recording(void **state)
{
	static const unsigned char text[] = "this is not a recording, just some text\n";
	struct bytes b = { (unsigned char *)text, sizeof(text) - 1 };
	struct load_result res;
	char err[256];
	sqlite3 *db = new_db();

	(void)state;
	assert_int_equal(load(db, &b, 1, &res, err, sizeof(err)), -1);
	assert_string_equal(err, "fixture.caprec: not a caprec recording");
	/* the failed run was rolled back: no half recording */
	assert_int_equal(query_int(db, "SELECT count(*) FROM recordings"), 0);
	sqlite3_close(db);
}

/* A database of another schema version is refused, not altered. */
static void test_other_schema_version(void **state)
{
	struct loader *l = NULL;
	char err[256];
	sqlite3 *db = new_db();

	(void)state;
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x); PRAGMA user_version = 99", NULL,
				      NULL, NULL), SQLITE_OK);
	assert_int_equal(loader_new(db, false, &l, err, sizeof(err)), -1);
	assert_null(l);
	assert_non_null(strstr(err, "user_version 99"));
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_schema"), 1);
	sqlite3_close(db);
}

/*
 * A load is marked finished only at its end: until then the database says
 * user_version 0, which every capanalyze refuses as unfinished (a bulk load
 * has no journal, so a load killed half-way cannot be rolled back).
 */
static void test_unfinished_load_refused(void **state)
{
	struct bytes b = fixture_bytes(ROUNDS, true);
	struct load_source src = { .path = "fixture.caprec" };
	struct load_result res;
	struct loader *l = NULL;
	char err[256];
	sqlite3 *db = new_db();

	(void)state;
	assert_int_equal(loader_new(db, true, &l, err, sizeof(err)), 0);
	src.fd = fd_of(b.data, b.len);
	assert_int_equal(loader_add(l, &src, &res, err, sizeof(err)), 0);
	close(src.fd);
	assert_int_equal(query_int(db, "PRAGMA user_version"), 0);
	assert_int_equal(loader_finish(l, err, sizeof(err)), 0);
	loader_free(l);
	assert_int_equal(query_int(db, "PRAGMA user_version"), schema_user_version());

	/* what a killed load leaves: the tables, but version 0 */
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 0", NULL, NULL, NULL), SQLITE_OK);
	l = NULL;
	assert_int_equal(loader_new(db, false, &l, err, sizeof(err)), -1);
	assert_null(l);
	assert_non_null(strstr(err, "unfinished"));
	sqlite3_close(db);
	free(b.data);
}

/*
 * Someone else's SQLite database is "not a capanalyze database", never
 * "unfinished ... delete it"; a capanalyze one (its application_id) with
 * version 0 is unfinished; one of another version says so.
 */
static void test_schema_check_tells_databases_apart(void **state)
{
	char err[256];
	sqlite3 *db = new_db();

	(void)state;
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE accounts (id INTEGER)", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(schema_check(db, err, sizeof(err)), SCHEMA_NOT_OURS);
	assert_non_null(strstr(err, "not a capanalyze database"));
	assert_null(strstr(err, "delete"));
	sqlite3_close(db);

	db = new_db();
	assert_int_equal(schema_ensure(db, err, sizeof(err)), SCHEMA_OK);
	assert_int_equal(query_int(db, "PRAGMA application_id"), SCHEMA_APPLICATION_ID);
	assert_int_equal(schema_check(db, err, sizeof(err)), SCHEMA_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 0", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(schema_check(db, err, sizeof(err)), SCHEMA_UNFINISHED);
	assert_non_null(strstr(err, "unfinished"));
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 2", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(schema_check(db, err, sizeof(err)), SCHEMA_OTHER_VERSION);
	/* made before the application_id was set: known by its tables */
	assert_int_equal(sqlite3_exec(db, "PRAGMA application_id = 0", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(schema_check(db, err, sizeof(err)), SCHEMA_OTHER_VERSION);
	sqlite3_close(db);
}

/* Every prefix of a small recording loads or fails cleanly (never crashes, never leaks). */
static void test_every_prefix(void **state)
{
	struct bytes b = fixture_bytes(5, true);

	(void)state;
	for (size_t len = 0; len <= b.len; len += 7) {
		struct bytes cut = { b.data, len };
		struct load_result res;
		char err[256];
		sqlite3 *db = new_db();
		int rc = load(db, &cut, 1, &res, err, sizeof(err));

		if (rc == 0)
			assert_int_equal(query_int(db, "SELECT count(*) FROM events"), res.events);
		sqlite3_close(db);
	}
	free(b.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_rows),
		cmocka_unit_test(test_interning_across_recordings),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupted),
		cmocka_unit_test(test_not_a_recording),
		cmocka_unit_test(test_other_schema_version),
		cmocka_unit_test(test_unfinished_load_refused),
		cmocka_unit_test(test_schema_check_tells_databases_apart),
		cmocka_unit_test(test_fork_inherits_exe),
		cmocka_unit_test(test_exec_facts),
		cmocka_unit_test(test_every_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
