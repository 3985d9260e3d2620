// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_flamegraph.c - `capanalyze flamegraph`: self-contained SVG flame
 * graphs of the stacks that made capability checks (flamegraph_svg.h), one
 * for everything (-o FILE.svg) or one per capability (--per-cap DIR).
 *
 * File names come from this program only (DIR/CAP_CHOWN.svg, the name from
 * cap_set.c's table or the number): nothing from a recording becomes a path.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cap_set.h"
#include "commands.h"
#include "flamegraph_svg.h"
#include "output.h"
#include "report_filter.h"
#include "stack_rows.h"

static const char flamegraph_usage[] =
	"usage: capanalyze flamegraph [options] -o FILE.svg DB|RECORDING...\n"
	"       capanalyze flamegraph [options] --per-cap DIR DB|RECORDING...\n"
	"\n"
	"Draws the call paths that made capability checks as an SVG flame graph:\n"
	"the executable at the bottom, then user frames, kernel frames (\"_[k]\"),\n"
	"and the capability on top (\":denied\" when refused); widths are check\n"
	"counts. The SVG needs nothing else: open it in a browser; hover for\n"
	"counts, click to zoom.\n"
	"\n"
	"options:\n"
	REPORT_FILTER_HELP
	"  -o, --output FILE  one graph of everything that passes the filters ('-':\n"
	"                     standard output, and no list of files)\n"
	"  --per-cap DIR      one graph per capability: DIR/CAP_NAME.svg (DIR is created;\n"
	"                     numbers no kernel defines go to DIR/CAP_other.svg)\n"
	"  --title TEXT       the graph's title\n"
	"  --format F         how the list of files written is printed: table, json, csv\n"
	"  -h, --help         this text\n"
	"\n"
	"exit status: 0 success, 2 usage or unreadable input, 3 internal error.\n";

struct graph {
	int cap;                /* -1: the graph of everything */
	struct flamegraph *fg;
};

struct graphs {
	bool per_cap;
	struct graph *list;
	size_t count;
};

static struct flamegraph *graph_for(struct graphs *g, int cap)
{
	struct graph *list;

	for (size_t i = 0; i < g->count; i++)
		if (g->list[i].cap == cap)
			return g->list[i].fg;
	list = realloc(g->list, (g->count + 1) * sizeof(*list));
	if (!list)
		return NULL;
	g->list = list;
	g->list[g->count].cap = cap;
	g->list[g->count].fg = flamegraph_new();
	return g->list[g->count].fg ? g->list[g->count++].fg : NULL;
}

/*
 * The graph key of a capability: itself, or OTHER_CAPS for a number no
 * kernel uses, so a hostile recording cannot make us write a file per value.
 */
#define OTHER_CAPS CAP_SET_BITS

static int add_stack(void *ctx, const char *const *frames, size_t depth, uint64_t count, int cap)
{
	struct graphs *g = ctx;
	int key = !g->per_cap ? -1 : cap >= 0 && cap < CAP_SET_BITS ? cap : OTHER_CAPS;
	struct flamegraph *fg = graph_for(g, key);

	return fg ? flamegraph_add(fg, frames, depth, count) : -ENOMEM;
}

/* Writes one graph to path ("-": standard output). */
static int write_graph(struct flamegraph *fg, const char *path, const char *title)
{
	bool to_stdout = !strcmp(path, "-");
	FILE *out = to_stdout ? stdout : fopen(path, "w");
	int rc;

	if (!out)
		return -errno;
	rc = flamegraph_write_svg(fg, out, title, "checks");
	if (!to_stdout && fclose(out) && !rc)
		rc = -EIO;
	return rc;
}

struct flamegraph_state {
	struct report_filter filter;
	const char *output_path, *dir, *title;
	struct graphs graphs;
};

static int flamegraph_option(struct analyze_session *s, void *state, int opt, const char *arg)
{
	struct flamegraph_state *st = state;

	switch (opt) {
	case 'o':
		st->output_path = arg;
		return SESSION_CONTINUE;
	case 'p':
		st->dir = arg;
		return SESSION_CONTINUE;
	case 't':
		st->title = arg;
		return SESSION_CONTINUE;
	}
	return report_filter_option(&st->filter, s->cmd, opt, arg) ? EXIT_USAGE
								    : SESSION_CONTINUE;
}

static int flamegraph_prepare(struct analyze_session *s, void *state)
{
	struct flamegraph_state *st = state;

	(void)s;
	if (!st->output_path == !st->dir) {
		fprintf(stderr, "capanalyze flamegraph: give exactly one of -o FILE.svg and "
			"--per-cap DIR\n");
		return EXIT_USAGE;
	}
	st->graphs.per_cap = st->dir != NULL;
	return SESSION_CONTINUE;
}

/* The name a graph is filed and titled under. */
static void graph_name(const struct flamegraph_state *st, const struct graph *g, char *name,
		       size_t size)
{
	cap_set_t caps = st->filter.caps;

	if (st->graphs.per_cap && g->cap == OTHER_CAPS)
		snprintf(name, size, "CAP_other");
	else if (st->graphs.per_cap)
		cap_format(g->cap, name, size);
	else if (caps && !(caps & (caps - 1)))
		cap_format(__builtin_ctzll(caps), name, size);
	else
		snprintf(name, size, "all");
}

static int flamegraph_run(struct analyze_session *s, void *state)
{
	static const char *const columns[] = { "file", "capability", "checks" };
	struct flamegraph_state *st = state;
	struct graphs *graphs = &st->graphs;
	struct output *o = NULL;
	int status = EXIT_INTERNAL, rc;
	char path[4096];

	st->filter.caps = s->caps;
	st->filter.exe_glob = s->exe_glob;
	/* Without --per-cap, an empty graph still says so in the file. */
	if (!graphs->per_cap && !graph_for(graphs, -1)) {
		rc = -ENOMEM;
		goto failed;
	}
	rc = stack_rows_walk(s->db, &st->filter, add_stack, graphs);
	if (rc > 0)
		return session_sql_error(s, s->db, "reading stacks");
	if (rc < 0)
		goto failed;
	if (st->dir && mkdir(st->dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "capanalyze flamegraph: %s: %s\n", st->dir, strerror(errno));
		return EXIT_USAGE;
	}
	o = output_new(stdout, s->format);
	if (!o || output_columns(o, 3, columns)) {
		rc = -ENOMEM;
		goto failed;
	}
	for (size_t i = 0; i < graphs->count; i++) {
		struct graph *g = &graphs->list[i];
		char cap_name[32], default_title[128];

		graph_name(st, g, cap_name, sizeof(cap_name));
		if (graphs->per_cap)
			snprintf(path, sizeof(path), "%s/%s.svg", st->dir, cap_name);
		else
			snprintf(path, sizeof(path), "%s", st->output_path);
		snprintf(default_title, sizeof(default_title), "Capability checks: %s", cap_name);
		rc = write_graph(g->fg, path, st->title ? st->title : default_title);
		if (rc) {
			fprintf(stderr, "capanalyze flamegraph: writing %s: %s\n", path,
				strerror(-rc));
			status = rc == -ENOMEM ? EXIT_INTERNAL : EXIT_USAGE;
			goto cleanup;
		}
		if (!strcmp(path, "-"))
			continue;
		rc = output_text(o, path);
		if (!rc)
			rc = output_text(o, cap_name);
		if (!rc)
			rc = output_int(o, (int64_t)flamegraph_total(g->fg));
		if (!rc)
			rc = output_end_row(o);
		if (rc)
			goto failed;
	}
	rc = st->output_path && !strcmp(st->output_path, "-") ? 0 : output_finish(o);
	if (rc)
		goto failed;
	status = EXIT_OK;
	goto cleanup;
failed:
	fprintf(stderr, "capanalyze flamegraph: %s\n", strerror(-rc));
cleanup:
	output_free(o);
	return status;
}

static void flamegraph_release(void *state)
{
	struct flamegraph_state *st = state;

	for (size_t i = 0; i < st->graphs.count; i++)
		flamegraph_free(st->graphs.list[i].fg);
	free(st->graphs.list);
}

static const struct option flamegraph_options[] = {
	REPORT_FILTER_LONG_OPTIONS,
	{ "output", required_argument, NULL, 'o' },
	{ "per-cap", required_argument, NULL, 'p' },
	{ "title", required_argument, NULL, 't' },
	{ NULL, 0, NULL, 0 },
};

const struct command_ops flamegraph_command = {
	.usage = flamegraph_usage,
	.options = flamegraph_options,
	.short_options = "o:",
	.state_size = sizeof(struct flamegraph_state),
	.option = flamegraph_option,
	.prepare = flamegraph_prepare,
	.run = flamegraph_run,
	.release = flamegraph_release,
};
