// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_diff.c - `capanalyze diff A B`: what changed between two recordings
 * (or databases, or sets of recordings) per executable: capabilities added,
 * removed, or with another verdict, and, for capabilities on both sides,
 * call paths added, removed or with other counts.
 *
 * Executables are matched by path; call paths by the stable keys of their
 * frames (stack_frames.h), never by ids or addresses, so two databases
 * loaded apart compare.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_set.h"
#include "ci_report.h"
#include "commands.h"
#include "completeness.h"
#include "input.h"
#include "output.h"
#include "stack_frames.h"
#include "strbuf.h"

static const char diff_usage[] =
	"usage: capanalyze diff [options] A B\n"
	"\n"
	"Compares two inputs, each a database or a recording (use a database to\n"
	"compare sets of recordings), executable by executable. Rows:\n"
	"  added / removed     a capability checked on one side only\n"
	"  verdict changed     checked on both sides, granted on one, denied on\n"
	"                      the other (or both on one side)\n"
	"  path added / path removed / count changed\n"
	"                      call paths of a capability checked on both sides\n"
	"Call paths are matched by symbol names (user frames without a symbol by\n"
	"build-id and offset; kernel frames by module, symbol and offset).\n"
	"\n"
	"options:\n"
	"  --ignore-counts    report paths added or removed, not count changes\n"
	"  --allow-incomplete compare incomplete recordings anyway (still reported)\n"
	"  --format F         table (default), json or csv; sarif: a SARIF 2.1.0\n"
	"                     log, one result per executable x capability that\n"
	"                     changed; junit: JUnit XML, a testcase per executable\n"
	"                     x capability compared\n"
	"  -h, --help         this text\n"
	"\n"
	"Lost events, lost process records, truncation or damage on either side are\n"
	"printed first (on stderr with json or csv).\n"
	"\n"
	"exit status: 0 the inputs are equal, 1 they differ, 2 usage error or an\n"
	"unreadable input, 3 internal error (like diff(1)), 4 equal but a side is\n"
	"incomplete (and no --allow-incomplete).\n";

#define VERDICT_GRANTED 1u
#define VERDICT_DENIED 2u

struct path_entry {
	char *exe;
	int cap;
	unsigned int verdict; /* VERDICT_* */
	char *key;            /* stable keys of the user then kernel frames */
	char *display;        /* "user;frames | kernel;frames" */
	uint64_t count;
};

struct side {
	struct path_entry *entries;
	size_t count;
	struct completeness whole;
	size_t capacity;
};

static void side_release(struct side *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->entries[i].exe);
		free(s->entries[i].key);
		free(s->entries[i].display);
	}
	free(s->entries);
}

static void join_names(struct strbuf *sb, const char *const *names, size_t depth)
{
	for (size_t i = 0; i < depth; i++) {
		if (i)
			strbuf_addc(sb, ';');
		strbuf_adds(sb, names[i]);
	}
}

static int add_entry(struct side *s, sqlite3_stmt *stmt, struct stack_frames *sf)
{
	struct strbuf key = STRBUF_INIT, display = STRBUF_INIT, kernel_key = STRBUF_INIT;
	const char *exe = (const char *)sqlite3_column_text(stmt, 0);
	const char *verdict = (const char *)sqlite3_column_text(stmt, 2);
	const char *const *names;
	struct path_entry *e;
	size_t depth;
	int rc;

	if (s->count == s->capacity) {
		size_t capacity = s->capacity ? s->capacity * 2 : 64;
		struct path_entry *entries = realloc(s->entries, capacity * sizeof(*entries));

		if (!entries)
			return -ENOMEM;
		s->entries = entries;
		s->capacity = capacity;
	}
	rc = stack_frames_read(sf, sqlite3_column_int64(stmt, 3), &names, &depth, &key);
	if (rc)
		goto cleanup;
	join_names(&display, names, depth);
	strbuf_adds(&display, " | ");
	rc = stack_frames_read(sf, sqlite3_column_int64(stmt, 4), &names, &depth, &kernel_key);
	if (rc)
		goto cleanup;
	join_names(&display, names, depth);
	strbuf_adds(&key, "\n|\n");
	strbuf_add(&key, strbuf_str(&kernel_key), strbuf_len(&kernel_key));
	e = &s->entries[s->count];
	*e = (struct path_entry){
		.exe = strdup(exe ? exe : ""),
		.cap = sqlite3_column_int(stmt, 1),
		.verdict = verdict && !strcmp(verdict, "denied") ? VERDICT_DENIED : VERDICT_GRANTED,
		.key = strbuf_detach(&key),
		.display = strbuf_detach(&display),
		.count = (uint64_t)sqlite3_column_int64(stmt, 5),
	};
	s->count++;
	if (!e->exe || !e->key || !e->display)
		rc = -ENOMEM;
cleanup:
	strbuf_release(&key);
	strbuf_release(&display);
	strbuf_release(&kernel_key);
	return rc;
}

static int compare_entries(const void *a, const void *b)
{
	const struct path_entry *x = a, *y = b;
	int c = strcmp(x->exe, y->exe);

	if (c)
		return c;
	if (x->cap != y->cap)
		return x->cap < y->cap ? -1 : 1;
	if (x->verdict != y->verdict)
		return x->verdict < y->verdict ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Sorts and merges entries with equal keys (several stacks may share one key). */
static void side_merge(struct side *s)
{
	size_t out = 0;

	if (s->count > 1)
		qsort(s->entries, s->count, sizeof(*s->entries), compare_entries);
	for (size_t i = 0; i < s->count; i++) {
		if (out && !compare_entries(&s->entries[out - 1], &s->entries[i])) {
			s->entries[out - 1].count += s->entries[i].count;
			free(s->entries[i].exe);
			free(s->entries[i].key);
			free(s->entries[i].display);
			continue;
		}
		s->entries[out++] = s->entries[i];
	}
	s->count = out;
}

/* Reads one input's paths. Prints its own errors; returns an exit status. */
static int side_read(struct analyze_session *session, const char *path, struct side *s)
{
	static const char sql[] =
		"SELECT exe_path, cap, verdict, user_stack_id, kernel_stack_id, sum(count) "
		"FROM check_aggregate GROUP BY exe_path, cap, verdict, user_stack_id, "
		"kernel_stack_id";
	char *inputs[] = { (char *)path };
	struct stack_frames *sf = NULL;
	sqlite3_stmt *stmt = NULL;
	sqlite3 *db = NULL;
	int status, rc;

	status = session_open_inputs(session, inputs, 1, &db);
	if (status)
		return status;
	rc = completeness_read(db, &s->whole);
	if (!rc)
		rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (!rc)
		rc = stack_frames_new(db, &sf);
	while (!rc && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		rc = add_entry(s, stmt, sf);
	if (rc == SQLITE_DONE)
		rc = 0;
	if (rc > 0) {
		status = session_sql_error(session, db, path);
	} else if (rc < 0) {
		fprintf(stderr, "capanalyze diff: %s: %s\n", path, strerror(-rc));
		status = EXIT_INTERNAL;
	} else {
		side_merge(s);
		status = EXIT_OK;
	}
	stack_frames_free(sf);
	sqlite3_finalize(stmt);
	input_close(db);
	return status;
}

/* The entries of one (exe, cap): [first, end). */
struct cap_range {
	size_t first, end;
	unsigned int verdicts;
	uint64_t count;
};

static struct cap_range cap_range(const struct side *s, size_t first)
{
	struct cap_range r = { .first = first, .end = first };

	while (r.end < s->count && !strcmp(s->entries[r.end].exe, s->entries[first].exe) &&
	       s->entries[r.end].cap == s->entries[first].cap) {
		r.verdicts |= s->entries[r.end].verdict;
		r.count += s->entries[r.end].count;
		r.end++;
	}
	return r;
}

static int compare_cap(const struct path_entry *a, const struct path_entry *b)
{
	int c = strcmp(a->exe, b->exe);

	return c ? c : a->cap < b->cap ? -1 : a->cap > b->cap;
}

static const char *verdicts_name(unsigned int verdicts)
{
	switch (verdicts) {
	case VERDICT_GRANTED:
		return "granted";
	case VERDICT_DENIED:
		return "denied";
	case VERDICT_GRANTED | VERDICT_DENIED:
		return "granted+denied";
	}
	return NULL;
}

struct differ {
	struct output *o;
	struct ci_report *ci; /* --format sarif|junit: the rows go here, not to o */
	char *baseline;       /* "baseline A": the rule a change breaks, in the CI documents */
	size_t differences;
	bool ignore_counts;
};

/* A row of the diff as a failing CI case: its path split back into user and kernel stacks. */
static int ci_row(struct differ *d, const char *change, const struct path_entry *e,
		  unsigned int verdicts_a, unsigned int verdicts_b, uint64_t count_a,
		  uint64_t count_b, const char *path)
{
	struct strbuf what = STRBUF_INIT, verdict = STRBUF_INIT, user = STRBUF_INIT;
	const char *bar = strstr(path, " | ");
	struct ci_change c = { .syscall = "", .checks = count_b ? count_b : count_a };
	int rc;

	strbuf_adds(&what, change);
	if (count_a && count_b && count_a != count_b)
		strbuf_addf(&what, " %" PRIu64 " -> %" PRIu64, count_a, count_b);
	strbuf_addf(&verdict, "%s -> %s", verdicts_a ? verdicts_name(verdicts_a) : "none",
		    verdicts_b ? verdicts_name(verdicts_b) : "none");
	strbuf_add(&user, path, bar ? (size_t)(bar - path) : strlen(path));
	c.what = strbuf_str(&what);
	c.verdict = strbuf_str(&verdict);
	c.user_stack = strbuf_str(&user);
	c.kernel_stack = bar ? bar + 3 : "";
	if (what.failed || verdict.failed || user.failed)
		rc = -ENOMEM;
	else
		rc = ci_report_fail(d->ci, e->exe, e->cap,
				    &(struct ci_rule){ .text = d->baseline }, &c);
	strbuf_release(&what);
	strbuf_release(&verdict);
	strbuf_release(&user);
	return rc;
}

static int diff_row(struct differ *d, const char *change, const struct path_entry *e,
		    unsigned int verdicts_a, unsigned int verdicts_b, uint64_t count_a,
		    uint64_t count_b, const char *path)
{
	char cap_name[32];
	int rc;

	d->differences++;
	if (d->ci)
		return ci_row(d, change, e, verdicts_a, verdicts_b, count_a, count_b, path);
	rc = output_text(d->o, change);
	if (!rc)
		rc = output_text(d->o, e->exe);
	if (!rc)
		rc = output_text(d->o, cap_format(e->cap, cap_name, sizeof(cap_name)));
	if (!rc)
		rc = output_text(d->o, verdicts_name(verdicts_a));
	if (!rc)
		rc = output_text(d->o, verdicts_name(verdicts_b));
	if (!rc)
		rc = output_int(d->o, (int64_t)count_a);
	if (!rc)
		rc = output_int(d->o, (int64_t)count_b);
	if (!rc)
		rc = output_text(d->o, path);
	if (!rc)
		rc = output_end_row(d->o);
	return rc;
}

/* The most frequent path of a range: the example for an added or removed capability. */
static const struct path_entry *top_path(const struct side *s, struct cap_range r)
{
	const struct path_entry *top = &s->entries[r.first];

	for (size_t i = r.first + 1; i < r.end; i++)
		if (s->entries[i].count > top->count)
			top = &s->entries[i];
	return top;
}

/* Paths of one capability present on both sides. */
static int diff_paths(struct differ *d, const struct side *a, struct cap_range ra,
		      const struct side *b, struct cap_range rb)
{
	size_t i = ra.first, j = rb.first;
	int rc = 0;

	while (!rc && (i < ra.end || j < rb.end)) {
		const struct path_entry *x = i < ra.end ? &a->entries[i] : NULL;
		const struct path_entry *y = j < rb.end ? &b->entries[j] : NULL;
		int c = !x ? 1 : !y ? -1 : compare_entries(x, y);

		if (c < 0) {
			rc = diff_row(d, "path removed", x, x->verdict, 0, x->count, 0, x->display);
			i++;
		} else if (c > 0) {
			rc = diff_row(d, "path added", y, 0, y->verdict, 0, y->count, y->display);
			j++;
		} else {
			if (!d->ignore_counts && x->count != y->count)
				rc = diff_row(d, "count changed", x, x->verdict, y->verdict,
					      x->count, y->count, x->display);
			i++;
			j++;
		}
	}
	return rc;
}

static int diff_sides(struct differ *d, const struct side *a, const struct side *b)
{
	size_t i = 0, j = 0;
	int rc = 0;

	while (!rc && (i < a->count || j < b->count)) {
		struct cap_range ra = { .first = i, .end = i }, rb = { .first = j, .end = j };
		int c;

		if (i < a->count)
			ra = cap_range(a, i);
		if (j < b->count)
			rb = cap_range(b, j);
		c = i >= a->count ? 1 : j >= b->count ? -1 :
		    compare_cap(&a->entries[i], &b->entries[j]);
		if (c < 0) {
			rc = diff_row(d, "removed", &a->entries[i], ra.verdicts, 0, ra.count, 0,
				      top_path(a, ra)->display);
			i = ra.end;
		} else if (c > 0) {
			rc = diff_row(d, "added", &b->entries[j], 0, rb.verdicts, 0, rb.count,
				      top_path(b, rb)->display);
			j = rb.end;
		} else {
			size_t before = d->differences;

			if (ra.verdicts != rb.verdicts)
				rc = diff_row(d, "verdict changed", &a->entries[i], ra.verdicts,
					      rb.verdicts, ra.count, rb.count, "");
			if (!rc)
				rc = diff_paths(d, a, ra, b, rb);
			if (!rc && d->ci && d->differences == before)
				rc = ci_report_pass(d->ci, a->entries[i].exe, a->entries[i].cap,
						    &(struct ci_rule){ .text = d->baseline });
			i = ra.end;
			j = rb.end;
		}
	}
	return rc;
}

struct diff_state {
	struct side a, b;
	struct differ d;
	struct ci_report ci;
	bool allow_incomplete;
};

static const struct ci_gate diff_gate = {
	.command = "diff",
	.rule_id = "capability-changed",
	.rule_name = "CapabilityChanged",
	.rule_summary = "An executable's capabilities or their call paths changed from the "
			"baseline.",
	.level = "warning",
};

static int diff_option(struct analyze_session *s, void *state, int opt, const char *arg)
{
	struct diff_state *st = state;

	(void)s;
	(void)arg;
	if (opt == 'a')
		st->allow_incomplete = true;
	else
		st->d.ignore_counts = true;
	return SESSION_CONTINUE;
}

/*
 * Prints what each side misses, "A: incomplete: ...", before the output:
 * a diff that finds nothing because one side lost its checks must not read
 * as "equal". Returns whether both sides are whole (-1: a write error).
 */
static int report_completeness(const struct diff_state *st, enum output_format format)
{
	FILE *out = format == OUTPUT_TABLE ? stdout : stderr;
	const struct side *sides[] = { &st->a, &st->b };
	bool whole = true;

	for (int i = 0; i < 2; i++) {
		struct strbuf lines = STRBUF_INIT;

		completeness_describe(&sides[i]->whole, &lines);
		for (const char *line = strbuf_str(&lines), *nl; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			if (fprintf(out, "%c: %.*s\n", 'A' + i, (int)(nl - line), line) < 0) {
				strbuf_release(&lines);
				return -1;
			}
		}
		whole = whole && completeness_whole(&sides[i]->whole);
		strbuf_release(&lines);
	}
	return whole;
}

static int diff_prepare(struct analyze_session *s, void *state)
{
	(void)state;
	if (s->arg_count == 2)
		return SESSION_CONTINUE;
	fprintf(stderr, "capanalyze diff: needs exactly two inputs, A and B\n");
	fputs(diff_usage, stderr);
	return EXIT_USAGE;
}

static int diff_run(struct analyze_session *s, void *state)
{
	static const char *const columns[] = { "change", "exe", "capability", "verdict_a",
					       "verdict_b", "checks_a", "checks_b", "path" };
	struct diff_state *st = state;
	struct differ *d = &st->d;
	int status, whole, rc;

	status = side_read(s, s->args[0], &st->a);
	if (status == EXIT_OK)
		status = side_read(s, s->args[1], &st->b);
	if (status != EXIT_OK)
		return status;
	whole = report_completeness(st, s->format);
	if (whole < 0) {
		fprintf(stderr, "capanalyze diff: %s\n", strerror(EIO));
		return EXIT_INTERNAL;
	}
	if (s->document) {
		ci_report_init(&st->ci, &diff_gate, s->args, 2);
		d->ci = &st->ci;
		rc = asprintf(&d->baseline, "baseline %s", s->args[0]) < 0 ? -ENOMEM : 0;
		if (!rc)
			rc = diff_sides(d, &st->a, &st->b);
		if (!rc) {
			ci_report_sort(d->ci);
			rc = ci_report_write(d->ci, s->document, stdout);
		}
		goto done;
	}
	d->o = output_new(stdout, s->format);
	rc = d->o ? output_columns(d->o, 8, columns) : -ENOMEM;
	if (!rc)
		rc = diff_sides(d, &st->a, &st->b);
	/* Equal inputs print nothing, as diff(1); json and csv still print their (empty) shape. */
	if (!rc && (d->differences || s->format != OUTPUT_TABLE))
		rc = output_finish(d->o);
done:
	if (rc) {
		fprintf(stderr, "capanalyze diff: %s\n", strerror(-rc));
		return EXIT_INTERNAL;
	}
	if (d->differences)
		return EXIT_DIFFERS;
	if (!whole && !st->allow_incomplete) {
		fprintf(stderr, "capanalyze diff: an input is incomplete (see above): exit %d; "
			"--allow-incomplete accepts it\n", EXIT_INCOMPLETE);
		return EXIT_INCOMPLETE;
	}
	return EXIT_OK;
}

static void diff_release(void *state)
{
	struct diff_state *st = state;

	output_free(st->d.o);
	ci_report_release(&st->ci);
	free(st->d.baseline);
	side_release(&st->a);
	side_release(&st->b);
}

static const struct option diff_options[] = {
	{ "ignore-counts", no_argument, NULL, 'i' },
	{ "allow-incomplete", no_argument, NULL, 'a' },
	{ NULL, 0, NULL, 0 },
};

static const char *const diff_documents[] = { "sarif", "junit", NULL };

const struct command_ops diff_command = {
	.usage = diff_usage,
	.document_formats = diff_documents,
	.options = diff_options,
	.state_size = sizeof(struct diff_state),
	.option = diff_option,
	.prepare = diff_prepare,
	.run = diff_run,
	.release = diff_release,
};
