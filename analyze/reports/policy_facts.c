// SPDX-License-Identifier: GPL-2.0-only
/* policy_facts.c - the facts policy and check decide on, from SQL (see policy_facts.h). */
#include "policy_facts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exe_match.h"

/*
 * The process images. %s is the group expression, chosen by this file from
 * a fixed list (never user text). An image whose pid and start time an
 * earlier row shares began with an exec; one that a later row shares was
 * replaced by one. The executable is the file the kernel executed;
 * exe_path_used, the path the program passed to execve, is matched by --exe
 * too (exe_match.h). The last columns say whether the image can be caprec's
 * own child (see is_recorder_child()).
 */
static const char images_sql[] =
	"SELECT * FROM (SELECT p.id, coalesce(p.parent_id, 0),"
	" coalesce(p.exe_path, '[' || p.comm || ']', '[unknown]') AS exe, %s,"
	" EXISTS (SELECT 1 FROM processes q WHERE q.recording_id = p.recording_id"
	"  AND q.pid = p.pid AND q.start_ns = p.start_ns AND q.id < p.id),"
	" EXISTS (SELECT 1 FROM processes q WHERE q.recording_id = p.recording_id"
	"  AND q.pid = p.pid AND q.start_ns = p.start_ns AND q.id > p.id),"
	" coalesce((SELECT value FROM metadata m WHERE m.recording_id = p.recording_id"
	"  AND m.key = 'recorder.target_command'), '') <> ''"
	"  AND CAST(p.pid AS TEXT) = (SELECT value FROM metadata m"
	"   WHERE m.recording_id = p.recording_id AND m.key = 'recorder.filter.pids'),"
	" p.exited, coalesce(p.exit_status, 0), p.exe_path_used, p.recording_id, p.exe_path,"
	" (SELECT value FROM metadata m WHERE m.recording_id = p.recording_id"
	"  AND m.key = 'recorder.command_line')"
	" FROM processes p) WHERE ?1 IS NULL OR exe_match(?1, exe, exe_path_used) ORDER BY 1";

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * caprec's own child runs caprec's code until it exec's `-- CMD`, so its
 * checks are the recorder's, no program's. It is the first image of the pid
 * the recorder started (recorder.filter.pids holds that one pid when
 * recorder.target_command is set), and no exec started it: its path used is
 * unknown and its executable, when known, is caprec itself (the first word
 * of recorder.command_line). When it made no check before its exec, the
 * recording has no row for it, and the first row of that pid is the
 * command's own image.
 */
static bool is_recorder_child(sqlite3_stmt *stmt)
{
	const char *path = (const char *)sqlite3_column_text(stmt, 11);
	const char *cmdline = (const char *)sqlite3_column_text(stmt, 12);
	const char *word_end, *word_base, *exe_base;

	if (!sqlite3_column_int(stmt, 6) || sqlite3_column_int(stmt, 4) ||
	    sqlite3_column_type(stmt, 9) != SQLITE_NULL)
		return false;
	if (!path)
		return true;
	if (!cmdline)
		return false;
	word_end = cmdline + strcspn(cmdline, " ");
	for (word_base = word_end; word_base > cmdline && word_base[-1] != '/'; word_base--)
		;
	exe_base = base_name(path);
	return (size_t)(word_end - word_base) == strlen(exe_base) &&
	       !memcmp(word_base, exe_base, strlen(exe_base));
}

static const char *const group_expressions[] = {
	[GROUP_EXE] = "coalesce(p.exe_path, '[' || p.comm || ']', '[unknown]')",
	[GROUP_CONTAINER] = "coalesce(nullif(p.container_id, ''), '[host]')",
	[GROUP_CGROUP] = "coalesce(nullif(p.cgroup_path, ''), '[cgroup ' || p.cgroup_id || ']')",
};

/*
 * The checks, grouped on ids before stack texts are joined to the few
 * groups. The uid is the effective uid of the credentials checked (the real
 * uid in recordings made before they were recorded): what a credential
 * change at uid 0 is judged by. The syscall's outcome is 1 when the syscall
 * that made the check succeeded, 0 when it failed, -1 when not recorded
 * (decisions then judge a denial by how the process went on).
 */
static const char checks_sql[] =
	"WITH outcomes AS ("
	" SELECT coalesce(c.process_id, 0) AS image, e.cap, e.audit,"
	/* the final verdict (another LSM may deny what cap_capable granted), as v_events */
	"  coalesce(e.final_ret, e.ret) = 0 AS granted,"
	"  coalesce(c.euid, c.uid) AS uid, e.syscall_nr,"
	"  coalesce((SELECT CASE WHEN s.last_idx >= e.idx THEN s.ret >= 0 END"
	"   FROM syscall_returns s WHERE s.recording_id = c.recording_id AND s.tid = e.tid"
	"   AND s.first_idx <= e.idx ORDER BY s.first_idx DESC LIMIT 1), -1) AS syscall_ret,"
	"  e.kernel_stack_id, e.user_stack_id, e.time_ns"
	" FROM events e JOIN event_contexts c ON c.id = e.context_id),"
	"grouped AS ("
	" SELECT image, cap, audit, granted, uid, syscall_nr, syscall_ret, kernel_stack_id,"
	"  user_stack_id, count(*) AS n, min(time_ns) AS first_ns, max(time_ns) AS last_ns"
	" FROM outcomes GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9) "
	"SELECT g.image, g.cap, g.audit, g.granted, g.uid, g.syscall_nr, g.syscall_ret,"
	" coalesce(g.kernel_stack_id, 0), coalesce(ks.text, ''), coalesce(us.text, ''),"
	" g.n, g.first_ns, g.last_ns"
	" FROM grouped g LEFT JOIN stacks ks ON ks.id = g.kernel_stack_id"
	" LEFT JOIN stacks us ON us.id = g.user_stack_id";

void policy_facts_release(struct policy_facts *facts)
{
	if (!facts)
		return;
	for (size_t i = 0; i < facts->image_count; i++) {
		free(facts->images[i].exe);
		free(facts->images[i].group);
	}
	for (size_t i = 0; i < facts->check_count; i++) {
		free(facts->checks[i].kernel_stack);
		free(facts->checks[i].user_stack);
	}
	free(facts->images);
	free(facts->checks);
	*facts = (struct policy_facts){ .images = NULL };
}

static char *dup_column(sqlite3_stmt *stmt, int column)
{
	const char *text = (const char *)sqlite3_column_text(stmt, column);

	return strdup(text ? text : "");
}

/* Grows *array of *count elements of size to hold one more. */
static int grow(void **array, size_t count, size_t *capacity, size_t size)
{
	void *grown;

	if (count < *capacity)
		return 0;
	*capacity = *capacity ? *capacity * 2 : 64;
	grown = realloc(*array, *capacity * size);
	if (!grown)
		return -ENOMEM;
	*array = grown;
	return 0;
}

static int read_images(sqlite3 *db, enum group_by by, const char *exe_glob,
		       struct policy_facts *out)
{
	sqlite3_stmt *stmt = NULL;
	size_t capacity = 0;
	char *sql = NULL;
	int rc;

	if (asprintf(&sql, images_sql, group_expressions[by]) < 0)
		return -ENOMEM;
	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (!rc)
		rc = exe_glob ? sqlite3_bind_text(stmt, 1, exe_glob, -1, SQLITE_STATIC)
			      : sqlite3_bind_null(stmt, 1);
	while (!rc && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct image_fact *img;

		rc = grow((void **)&out->images, out->image_count, &capacity, sizeof(*img));
		if (rc)
			break;
		img = &out->images[out->image_count++];
		*img = (struct image_fact){
			.id = sqlite3_column_int64(stmt, 0),
			.parent = sqlite3_column_int64(stmt, 1),
			.exe = dup_column(stmt, 2),
			.group = dup_column(stmt, 3),
			.exec_started = sqlite3_column_int(stmt, 4),
			.later_exec = sqlite3_column_int(stmt, 5),
			.recorder_child = is_recorder_child(stmt),
			.exited = sqlite3_column_int(stmt, 7),
			.exit_status = sqlite3_column_int(stmt, 8),
			.recording = sqlite3_column_int64(stmt, 10),
		};
		if (!img->exe || !img->group)
			rc = -ENOMEM;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(stmt);
	free(sql);
	return rc;
}

/* The index of image id (images are ordered by id), or -1. */
static long find_image(const struct policy_facts *facts, int64_t id)
{
	size_t lo = 0, hi = facts->image_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (facts->images[mid].id == id)
			return (long)mid;
		if (facts->images[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/*
 * Checks without a known process get one image of their own, "[unknown]",
 * kept only when the glob matches it: losing a process record must never
 * lose its checks.
 */
static long unknown_image(struct policy_facts *out, const char *exe_glob, size_t *capacity)
{
	struct image_fact *img;

	if (out->image_count && out->images[0].id == 0)
		return 0;
	if (exe_glob && !exe_match(exe_glob, "[unknown]", NULL))
		return -1;
	if (grow((void **)&out->images, out->image_count, capacity, sizeof(*img)))
		return -2;
	memmove(out->images + 1, out->images, out->image_count * sizeof(*img));
	out->image_count++;
	for (size_t i = 0; i < out->check_count; i++)
		out->checks[i].image++;
	img = &out->images[0];
	*img = (struct image_fact){ .exe = strdup("[unknown]"), .group = strdup("[unknown]") };
	return img->exe && img->group ? 0 : -2;
}

static int read_checks(sqlite3 *db, const char *exe_glob, struct policy_facts *out)
{
	size_t capacity = 0, image_capacity = out->image_count;
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, checks_sql, -1, &stmt, NULL);
	while (!rc && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(stmt, 0);
		long image = id ? find_image(out, id) : unknown_image(out, exe_glob,
									&image_capacity);
		struct check_fact *c;

		if (image == -2) {
			rc = -ENOMEM;
			break;
		}
		if (image < 0) {
			rc = 0;
			continue;
		}
		rc = grow((void **)&out->checks, out->check_count, &capacity, sizeof(*c));
		if (rc)
			break;
		c = &out->checks[out->check_count++];
		*c = (struct check_fact){
			.image = (size_t)image,
			.cap = sqlite3_column_int(stmt, 1),
			.audit = sqlite3_column_int(stmt, 2),
			.granted = sqlite3_column_int(stmt, 3),
			.uid = sqlite3_column_int64(stmt, 4),
			.syscall_nr = sqlite3_column_int(stmt, 5),
			.syscall_ret = sqlite3_column_int(stmt, 6),
			.kernel_stack_id = sqlite3_column_int64(stmt, 7),
			.kernel_stack = dup_column(stmt, 8),
			.user_stack = dup_column(stmt, 9),
			.count = (uint64_t)sqlite3_column_int64(stmt, 10),
			.first_ns = sqlite3_column_int64(stmt, 11),
			.last_ns = sqlite3_column_int64(stmt, 12),
		};
		if (!c->kernel_stack || !c->user_stack)
			rc = -ENOMEM;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(stmt);
	return rc;
}

static const struct policy_facts *sort_facts;

/* Group, then image, then time: the order decisions and phases are made in. */
static int by_group_image_time(const void *a, const void *b)
{
	const struct check_fact *x = a, *y = b;
	const struct image_fact *ix = &sort_facts->images[x->image];
	const struct image_fact *iy = &sort_facts->images[y->image];
	int c = strcmp(ix->group, iy->group);

	if (c)
		return c;
	if (x->image != y->image)
		return x->image < y->image ? -1 : 1;
	if (x->first_ns != y->first_ns)
		return x->first_ns < y->first_ns ? -1 : 1;
	return x->cap - y->cap;
}

int policy_facts_read(sqlite3 *db, enum group_by by, const char *exe_glob,
		      struct policy_facts *out)
{
	int rc;

	*out = (struct policy_facts){ .images = NULL };
	rc = read_images(db, by, exe_glob, out);
	if (!rc)
		rc = read_checks(db, exe_glob, out);
	if (rc) {
		policy_facts_release(out);
		return rc;
	}
	sort_facts = out;
	if (out->check_count)
		qsort(out->checks, out->check_count, sizeof(*out->checks), by_group_image_time);
	sort_facts = NULL;
	return 0;
}
