// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_info.c - capanalyze info: what a recording holds and how it ended,
 * read straight from the file with the format reader (no database), so it
 * also works on a pipe and on a file still being written.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "crf_reader.h"
#include "output.h"
#include "reader_error.h"

static const char info_usage[] =
	"usage: capanalyze info [--format text|table|json|csv] REC\n"
	"\n"
	"Describes a recording: format version, host, recorder and options, the\n"
	"blocks by type, events, processes, lost events, the time span in wall-clock\n"
	"time, and integrity: \"clean end\", \"truncated at byte N\", \"N damaged\n"
	"blocks skipped\" (with their offsets). REC may be - for standard input.\n"
	"\n"
	"  -f, --format FMT  text (default), or field/value rows as table, json, csv\n"
	"  -h, --help        this text\n"
	"\n"
	"exit status: 0 a recording (damaged or not); 2 not a recording, a newer\n"
	"major version, unreadable, or a usage error; 3 internal error.\n";

/* The report as (field, value) pairs, in print order. */
struct info {
	char *fields[96];
	char *values[96];
	int count;
	bool nomem;
};

static void add(struct info *info, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct info *info, const char *field, const char *fmt, ...)
{
	va_list ap;
	char *value = NULL;

	if (info->count >= (int)(sizeof(info->fields) / sizeof(info->fields[0])))
		return;
	va_start(ap, fmt);
	if (vasprintf(&value, fmt, ap) < 0)
		value = NULL;
	va_end(ap);
	info->fields[info->count] = strdup(field);
	info->values[info->count] = value;
	if (!info->fields[info->count] || !value)
		info->nomem = true;
	info->count++;
}

static void info_free(struct info *info)
{
	for (int i = 0; i < info->count; i++) {
		free(info->fields[i]);
		free(info->values[i]);
	}
}

/* "2026-11-29 02:44:13.123456789 UTC" */
static void format_wall(uint64_t ns, char *out, size_t size)
{
	time_t sec = (time_t)(ns / 1000000000u);
	struct tm tm;

	if (!gmtime_r(&sec, &tm) || !strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm)) {
		snprintf(out, size, "%" PRIu64 " ns", ns);
		return;
	}
	snprintf(out + strlen(out), size - strlen(out), ".%09u UTC", (unsigned)(ns % 1000000000u));
}

struct totals {
	uint64_t events;
	uint64_t processes;
	uint64_t exits;
	uint64_t loss_blocks;
	bool any_event;
	uint64_t first_ns;
	uint64_t last_ns;
};

static void describe_span(struct info *info, struct crf_reader *r, const struct totals *t)
{
	char first[64], last[64];
	uint64_t first_wall, last_wall;

	if (!t->any_event) {
		add(info, "time span", "no events");
		return;
	}
	if (crf_reader_boot_to_realtime(r, t->first_ns, &first_wall) &&
	    crf_reader_boot_to_realtime(r, t->last_ns, &last_wall)) {
		format_wall(first_wall, first, sizeof(first));
		format_wall(last_wall, last, sizeof(last));
		add(info, "first event", "%s", first);
		add(info, "last event", "%s", last);
	} else {
		add(info, "first event", "%" PRIu64 " ns after boot (no clock anchor)", t->first_ns);
		add(info, "last event", "%" PRIu64 " ns after boot", t->last_ns);
	}
	add(info, "duration", "%.3f s", (double)(t->last_ns - t->first_ns) / 1e9);
}

static void describe_integrity(struct info *info, const struct crf_recovery *rec)
{
	char text[256] = "";
	size_t len = 0;

	if (rec->clean_end && !rec->blocks_skipped && !rec->truncated) {
		add(info, "integrity", "clean end");
	} else {
		if (rec->blocks_skipped)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"%" PRIu64 " damaged blocks skipped (%" PRIu64
						" bytes)",
						rec->blocks_skipped, rec->bytes_skipped);
		if (rec->truncated && len < sizeof(text))
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%struncated at byte %" PRIu64,
						len ? ", " : "", rec->truncated_at);
		else if (!rec->clean_end && len < sizeof(text))
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"%sno end block (recorder still running or killed)",
						len ? ", " : "");
		else if (len < sizeof(text))
			snprintf(text + len, sizeof(text) - len, ", clean end");
		add(info, "integrity", "%s", text);
	}
	for (uint32_t i = 0; i < rec->damage_count && i < 16; i++)
		add(info, "damage", "at byte %" PRIu64 ", %" PRIu64 " bytes: %s%s%s",
		    rec->damage[i].offset, rec->damage[i].length, crf_strerror(rec->damage[i].code),
		    rec->damage[i].detail ? ": " : "",
		    rec->damage[i].detail ? rec->damage[i].detail : "");
	if (rec->blocks_skipped > rec->damage_count)
		add(info, "damage", "(%" PRIu64 " more not listed)",
		    rec->blocks_skipped - rec->damage_count);
	if (rec->unresolved_refs)
		add(info, "unresolved", "%" PRIu64 " references to definitions never read",
		    rec->unresolved_refs);
	if (rec->clean_end && (rec->end_events != rec->events || rec->end_lost != rec->lost))
		add(info, "end totals", "%" PRIu64 " events, %" PRIu64
			" lost (as counted by the recorder)", rec->end_events, rec->end_lost);
}

/* Reads the whole recording and fills info. Returns 0 or an exit status. */
static int build(struct info *info, const char *path, int fd, char *err, size_t err_size)
{
	static const char *const host_keys[][2] = {
		{ "host.hostname", "host" },
		{ "host.kernel_release", "kernel" },
		{ "host.machine", "machine" },
		{ "host.os", "os" },
		{ "host.boot_id", "boot id" },
		{ "recorder.version", "recorder" },
		{ "recorder.command_line", "command line" },
		{ "recorder.options", "options" },
		{ "recorder.attach_mode", "attach mode" },
		{ "recorder.audit_source", "audit source" },
		{ "recorder.final_verdict", "final verdict" },
	};
	struct crf_reader *r = NULL;
	struct crf_error cerr = { 0 };
	const struct crf_recovery *rec;
	struct totals t = { 0 };
	struct crf_item item;
	const char *key, *value;
	char blocks[512] = "";
	size_t len = 0;
	uint16_t major, minor;
	int rc, ret = EXIT_USAGE;

	rc = crf_reader_open(&r, fd, &cerr);
	if (rc) {
		reader_error(err, err_size, path, rc, &cerr);
		goto cleanup;
	}
	while ((rc = crf_reader_next(r, &item, &cerr)) == 1) {
		switch (item.kind) {
		case CRF_ITEM_EVENT:
			if (!t.any_event || item.event->time_ns < t.first_ns)
				t.first_ns = item.event->time_ns;
			if (item.event->time_ns > t.last_ns)
				t.last_ns = item.event->time_ns;
			t.any_event = true;
			t.events++;
			break;
		case CRF_ITEM_PROCESS:
			t.processes++;
			break;
		case CRF_ITEM_PROCESS_EXIT:
			t.exits++;
			break;
		case CRF_ITEM_LOSS:
			t.loss_blocks++;
			break;
		default:
			break;
		}
	}
	if (rc < 0) {
		reader_error(err, err_size, path, rc, &cerr);
		ret = rc == CRF_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
		goto cleanup;
	}
	rec = crf_reader_recovery(r);
	crf_reader_version(r, &major, &minor);
	add(info, "file", "%s", path);
	add(info, "format", "CRF %u.%u", major, minor);
	add(info, "size", "%" PRIu64 " bytes", rec->file_bytes);
	for (size_t i = 0; i < sizeof(host_keys) / sizeof(host_keys[0]); i++) {
		value = crf_reader_metadata(r, host_keys[i][0]);
		if (value)
			add(info, host_keys[i][1], "%s", value);
	}
	for (size_t i = 0; crf_reader_metadata_at(r, i, &key, &value); i++) {
		bool shown = false;

		for (size_t k = 0; k < sizeof(host_keys) / sizeof(host_keys[0]) && key; k++)
			shown = shown || !strcmp(key, host_keys[k][0]);
		if (!shown)
			add(info, "metadata", "%s=%s", key ? key : "", value ? value : "");
	}
	for (uint32_t type = 0; type < CRF_BLOCK_TYPE_SLOTS && len < sizeof(blocks); type++) {
		const char *name = crf_block_type_name(type);

		if (!rec->blocks_by_type[type])
			continue;
		len += (size_t)snprintf(blocks + len, sizeof(blocks) - len, "%s%s %" PRIu64,
					len ? ", " : "", name ? name : "unknown",
					rec->blocks_by_type[type]);
	}
	if (rec->blocks_unknown && len < sizeof(blocks))
		snprintf(blocks + len, sizeof(blocks) - len, "%sunknown types %" PRIu64,
			 len ? ", " : "", rec->blocks_unknown);
	add(info, "blocks", "%" PRIu64 " (%s)", rec->blocks_read, blocks[0] ? blocks : "none");
	add(info, "events", "%" PRIu64, t.events);
	add(info, "processes", "%" PRIu64 " (%" PRIu64 " exited)", t.processes, t.exits);
	add(info, "lost events", "%" PRIu64 " (in %" PRIu64 " loss blocks)", rec->lost,
	    t.loss_blocks);
	describe_span(info, r, &t);
	describe_integrity(info, rec);
	if (info->nomem) {
		snprintf(err, err_size, "out of memory");
		ret = EXIT_INTERNAL;
		goto cleanup;
	}
	ret = EXIT_OK;
cleanup:
	crf_reader_free(r);
	return ret;
}

static int print_text(const struct info *info)
{
	for (int i = 0; i < info->count; i++)
		printf("%-13s %s\n", info->fields[i], info->values[i]);
	return fflush(stdout) == 0 ? 0 : -EIO;
}

static int print_rows(const struct info *info, enum output_format format)
{
	static const char *const columns[] = { "field", "value" };
	struct output *o = output_new(stdout, format);
	int err;

	if (!o)
		return -ENOMEM;
	err = output_columns(o, 2, columns);
	for (int i = 0; i < info->count && !err; i++) {
		err = output_text(o, info->fields[i]);
		if (!err)
			err = output_text(o, info->values[i]);
		if (!err)
			err = output_end_row(o);
	}
	if (!err)
		err = output_finish(o);
	output_free(o);
	return err;
}

int cmd_info(int argc, char **argv)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum output_format format = OUTPUT_TABLE;
	bool text = true;
	struct info info = { 0 };
	char err[1024];
	const char *path;
	int opt, fd = -1, ret;

	while ((opt = getopt_long(argc, argv, "f:h", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			text = !strcmp(optarg, "text");
			if (!text && output_parse_format(optarg, &format)) {
				fprintf(stderr, "capanalyze info: unknown format '%s' "
						"(text, table, json or csv)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(info_usage, stdout);
			return EXIT_OK;
		default:
			fputs(info_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(info_usage, stderr);
		return EXIT_USAGE;
	}
	path = argv[optind];
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(STDIN_FILENO);
	if (fd < 0) {
		fprintf(stderr, "capanalyze info: %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	ret = build(&info, path, fd, err, sizeof(err));
	close(fd);
	if (ret) {
		fprintf(stderr, "capanalyze info: %s\n", err);
		goto cleanup;
	}
	if ((text ? print_text(&info) : print_rows(&info, format)) != 0) {
		fprintf(stderr, "capanalyze info: cannot write the output\n");
		ret = EXIT_INTERNAL;
	}
cleanup:
	info_free(&info);
	return ret;
}
