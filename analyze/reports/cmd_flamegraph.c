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
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cap_set.h"
#include "commands.h"
#include "exe_match.h"
#include "flamegraph_svg.h"
#include "input.h"
#include "output.h"
#include "report_args.h"
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

int cmd_flamegraph(int argc, char **argv)
{
	static const struct option options[] = {
		REPORT_FILTER_LONG_OPTIONS,
		{ "output", required_argument, NULL, 'o' },
		{ "per-cap", required_argument, NULL, 'p' },
		{ "title", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const columns[] = { "file", "capability", "checks" };
	enum output_format format = OUTPUT_TABLE;
	const char *output_path = NULL, *dir = NULL, *title = NULL;
	struct graphs graphs = { .per_cap = false };
	struct report_filter filter;
	struct output *o = NULL;
	sqlite3 *db = NULL;
	int status = EXIT_USAGE, opt, rc;
	char path[4096];

	report_filter_init(&filter);
	optind = 0;
	while ((opt = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		switch (opt) {
		case 'o':
			output_path = optarg;
			break;
		case 'p':
			dir = optarg;
			break;
		case 't':
			title = optarg;
			break;
		case 'f':
			if (report_parse_format("flamegraph", optarg, &format))
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(flamegraph_usage, stdout);
			return EXIT_OK;
		case FILTER_CAP:
		case FILTER_EXE:
		case FILTER_VERDICT:
		case FILTER_SYSCALL:
			if (report_filter_option(&filter, "flamegraph", opt, optarg))
				return EXIT_USAGE;
			break;
		default:
			fputs(flamegraph_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (!output_path == !dir) {
		fprintf(stderr, "capanalyze flamegraph: give exactly one of -o FILE.svg and "
			"--per-cap DIR\n");
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		fprintf(stderr, "capanalyze flamegraph: name a database or recordings\n");
		return EXIT_USAGE;
	}
	graphs.per_cap = dir != NULL;
	if (report_open("flamegraph", argv + optind, argc - optind, &db))
		return EXIT_USAGE;
	if (exe_match_register(db)) {
		status = report_sql_error("flamegraph", db, "registering exe_match");
		goto cleanup;
	}
	/* Without --per-cap, an empty graph still says so in the file. */
	if (!graphs.per_cap && !graph_for(&graphs, -1)) {
		rc = -ENOMEM;
		goto failed;
	}
	rc = stack_rows_walk(db, &filter, add_stack, &graphs);
	if (rc > 0) {
		status = report_sql_error("flamegraph", db, "reading stacks");
		goto cleanup;
	}
	if (rc < 0)
		goto failed;
	if (dir && mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "capanalyze flamegraph: %s: %s\n", dir, strerror(errno));
		status = EXIT_USAGE;
		goto cleanup;
	}
	o = output_new(stdout, format);
	if (!o || output_columns(o, 3, columns)) {
		rc = -ENOMEM;
		goto failed;
	}
	for (size_t i = 0; i < graphs.count; i++) {
		struct graph *g = &graphs.list[i];
		char cap_name[32], default_title[128];

		if (graphs.per_cap && g->cap == OTHER_CAPS)
			snprintf(cap_name, sizeof(cap_name), "CAP_other");
		else if (graphs.per_cap)
			cap_format(g->cap, cap_name, sizeof(cap_name));
		else if (filter.cap >= 0)
			cap_format(filter.cap, cap_name, sizeof(cap_name));
		else
			snprintf(cap_name, sizeof(cap_name), "all");
		if (graphs.per_cap)
			snprintf(path, sizeof(path), "%s/%s.svg", dir, cap_name);
		else
			snprintf(path, sizeof(path), "%s", output_path);
		snprintf(default_title, sizeof(default_title), "Capability checks: %s", cap_name);
		rc = write_graph(g->fg, path, title ? title : default_title);
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
	rc = output_path && !strcmp(output_path, "-") ? 0 : output_finish(o);
	if (rc)
		goto failed;
	status = EXIT_OK;
	goto cleanup;
failed:
	fprintf(stderr, "capanalyze flamegraph: %s\n", strerror(-rc));
	status = EXIT_INTERNAL;
cleanup:
	output_free(o);
	for (size_t i = 0; i < graphs.count; i++)
		flamegraph_free(graphs.list[i].fg);
	free(graphs.list);
	input_close(db);
	return status;
}
