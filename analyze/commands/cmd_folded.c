// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_folded.c - `capanalyze folded`: folded stacks for flame graph tools
 * (flamegraph.pl, inferno, speedscope): one line per distinct stack,
 * "frame;frame;...;leaf count", root first. The stacks are stack_rows.h's:
 * executable, user frames, kernel frames with "_[k]", the capability as the
 * leaf. Lines are sorted and identical stacks merged, so the output is
 * stable and any of those tools reads it as is.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "output.h"
#include "report_filter.h"
#include "stack_rows.h"
#include "strbuf.h"
#include "text_escape.h"

static const char folded_usage[] =
	"usage: capanalyze folded [options] DB|RECORDING...\n"
	"\n"
	"Writes folded stacks, one line per distinct call path:\n"
	"  EXE;user frames...;kernel frames_[k]...;CAP_NAME[:denied] COUNT\n"
	"root first, the capability as the leaf, kernel frames marked \"_[k]\"\n"
	"(flamegraph.pl's kernel annotation). In names, ';' becomes ':' and blanks '_'.\n"
	"Feed it to flamegraph.pl, inferno-flamegraph or speedscope.\n"
	"\n"
	"options:\n"
	REPORT_FILTER_HELP
	"  -o, --output FILE  write to FILE instead of standard output\n"
	"  --format F         folded (default), or table, json, csv (columns stack, count)\n"
	"  -h, --help         this text\n"
	"\n"
	"exit status: 0 success, 2 usage or unreadable input, 3 internal error.\n";

struct folded_line {
	char *stack;
	uint64_t count;
};

struct folded_lines {
	struct folded_line *lines;
	size_t count;
	size_t capacity;
};

static int collect_line(void *ctx, const char *const *frames, size_t depth, uint64_t count,
			int cap)
{
	struct folded_lines *fl = ctx;
	struct strbuf sb = STRBUF_INIT;

	(void)cap;
	for (size_t i = 0; i < depth; i++) {
		if (i)
			strbuf_addc(&sb, ';');
		escape_folded(&sb, frames[i]);
	}
	if (fl->count == fl->capacity) {
		size_t capacity = fl->capacity ? fl->capacity * 2 : 64;
		struct folded_line *lines = realloc(fl->lines, capacity * sizeof(*lines));

		if (!lines) {
			strbuf_release(&sb);
			return -ENOMEM;
		}
		fl->lines = lines;
		fl->capacity = capacity;
	}
	fl->lines[fl->count].stack = strbuf_detach(&sb);
	if (!fl->lines[fl->count].stack)
		return -ENOMEM;
	fl->lines[fl->count++].count = count;
	return 0;
}

static int compare_lines(const void *a, const void *b)
{
	return strcmp(((const struct folded_line *)a)->stack,
		      ((const struct folded_line *)b)->stack);
}

/* Sorts and merges identical stacks (distinct frames may print alike). */
static void merge_lines(struct folded_lines *fl)
{
	size_t out = 0;

	if (fl->count > 1)
		qsort(fl->lines, fl->count, sizeof(*fl->lines), compare_lines);
	for (size_t i = 0; i < fl->count; i++) {
		if (out && !strcmp(fl->lines[out - 1].stack, fl->lines[i].stack)) {
			fl->lines[out - 1].count += fl->lines[i].count;
			free(fl->lines[i].stack);
			continue;
		}
		fl->lines[out++] = fl->lines[i];
	}
	fl->count = out;
}

static int write_lines(const struct folded_lines *fl, FILE *out, int format, bool folded)
{
	static const char *const columns[] = { "stack", "count" };
	struct output *o;
	int rc = 0;

	if (folded) {
		errno = 0;
		for (size_t i = 0; i < fl->count; i++)
			if (fprintf(out, "%s %" PRIu64 "\n", fl->lines[i].stack,
				    fl->lines[i].count) < 0)
				return errno ? -errno : -EIO;
		return fflush(out) ? (errno ? -errno : -EIO) : 0;
	}
	o = output_new(out, (enum output_format)format);
	if (!o)
		return -ENOMEM;
	rc = output_columns(o, 2, columns);
	for (size_t i = 0; i < fl->count && !rc; i++) {
		rc = output_text(o, fl->lines[i].stack);
		if (!rc)
			rc = output_int(o, (int64_t)fl->lines[i].count);
		if (!rc)
			rc = output_end_row(o);
	}
	if (!rc)
		rc = output_finish(o);
	output_free(o);
	return rc;
}

struct folded_state {
	struct report_filter filter;
	const char *output_path;
	struct folded_lines lines;
};

static int folded_option(struct analyze_session *s, void *state, int opt, const char *arg)
{
	struct folded_state *st = state;

	if (opt == 'o') {
		st->output_path = arg;
		return SESSION_CONTINUE;
	}
	return report_filter_option(&st->filter, s->cmd, opt, arg) ? EXIT_USAGE
								    : SESSION_CONTINUE;
}

static int folded_run(struct analyze_session *s, void *state)
{
	struct folded_state *st = state;
	FILE *out = stdout;
	int rc;

	st->filter.caps = s->caps;
	st->filter.exe_glob = s->exe_glob;
	rc = stack_rows_walk(s->db, &st->filter, collect_line, &st->lines);
	if (rc > 0)
		return session_sql_error(s, s->db, "reading stacks");
	if (rc < 0) {
		fprintf(stderr, "capanalyze folded: %s\n", strerror(-rc));
		return EXIT_INTERNAL;
	}
	merge_lines(&st->lines);
	if (st->output_path) {
		out = fopen(st->output_path, "w");
		if (!out) {
			fprintf(stderr, "capanalyze folded: %s: %s\n", st->output_path,
				strerror(errno));
			return EXIT_USAGE;
		}
	}
	rc = write_lines(&st->lines, out, s->format, s->extra_format);
	if (st->output_path && fclose(out) && !rc)
		rc = errno ? -errno : -EIO;
	if (rc) {
		fprintf(stderr, "capanalyze folded: writing %s: %s\n",
			st->output_path ? st->output_path : "standard output", strerror(-rc));
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

static void folded_release(void *state)
{
	struct folded_state *st = state;

	for (size_t i = 0; i < st->lines.count; i++)
		free(st->lines.lines[i].stack);
	free(st->lines.lines);
}

static const struct option folded_options[] = {
	REPORT_FILTER_LONG_OPTIONS,
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

const struct command_ops folded_command = {
	.usage = folded_usage,
	.extra_format = "folded",
	.extra_format_default = true,
	.options = folded_options,
	.short_options = "o:",
	.state_size = sizeof(struct folded_state),
	.option = folded_option,
	.run = folded_run,
	.release = folded_release,
};
