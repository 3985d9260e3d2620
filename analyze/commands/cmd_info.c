// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_info.c - capanalyze info: what a recording holds and how it ended,
 * read straight from the file with the format reader (no database), so it
 * also works on a pipe and on a file still being written.
 */
#include <errno.h>
#include <fcntl.h>
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
#include "reader_limits.h"
#include "resymbolize.h"
#include "strbuf.h"
#include "text_escape.h"

static const char info_usage[] =
	"usage: capanalyze info [--format text|table|json|csv] [--debug-dir DIR]... REC\n"
	"\n"
	"Describes a recording: format version, host, recorder and options, the\n"
	"blocks by type, events, processes, lost events, the time span in wall-clock\n"
	"time, and integrity: \"clean end\", \"truncated at byte N\", \"N damaged\n"
	"blocks skipped\" (with their offsets), the share of user stacks that\n"
	"reached the program's or thread's entry and the binaries whose frames no\n"
	"symbol named. REC may be - for standard input.\n"
	"\n"
	"  -f, --format FMT  text (default), or field/value rows as table, json, csv;\n"
	"                    json has typed values: counts and sizes (bytes) as numbers,\n"
	"                    times as ns numbers, duration in seconds, yes/no as booleans\n"
	"  --debug-dir DIR   look for the debug files of the binaries lacking symbols\n"
	"                    in DIR (repeatable, see capanalyze(1)): those found are\n"
	"                    listed as named from debug files instead\n"
	"  -h, --help        this text\n"
	"\n"
	"exit status: 0 a recording (damaged or not); 2 not a recording, a newer\n"
	"major version, unreadable, or a usage error; 3 internal error.\n";

/*
 * The report as (field, value) rows, in print order. The text, table and csv
 * formats show the lines people read ("3 (1 exited)"); json shows typed
 * values instead: each number a JSON number ("processes": 3, "processes
 * exited": 1), each yes/no a boolean, so that no consumer has to parse text.
 */
enum value_kind {
	VALUE_TEXT,
	VALUE_INT,
	VALUE_DOUBLE,
	VALUE_BOOL,
};

enum shown_in {
	SHOWN_TEXT = 1, /* text, table, csv */
	SHOWN_JSON = 2,
	SHOWN_ALL = SHOWN_TEXT | SHOWN_JSON,
};

struct info_row {
	char *field;
	char *text;             /* VALUE_TEXT, and how text/table/csv show every row */
	enum value_kind kind;
	int64_t number;         /* VALUE_INT, VALUE_BOOL */
	double real;            /* VALUE_DOUBLE */
	unsigned int shown_in;  /* enum shown_in bits */
};

struct info {
	struct info_row rows[160];
	int count;
	bool nomem;
};

/* A new row, or NULL when the report is full (rows beyond it are dropped) or out of memory. */
static struct info_row *add_row(struct info *info, const char *field, unsigned int shown_in)
{
	struct info_row *row;

	if (info->count >= (int)(sizeof(info->rows) / sizeof(info->rows[0])))
		return NULL;
	row = &info->rows[info->count];
	memset(row, 0, sizeof(*row));
	row->field = strdup(field);
	row->shown_in = shown_in;
	if (!row->field) {
		info->nomem = true;
		return NULL;
	}
	info->count++;
	return row;
}

static void add_text(struct info *info, unsigned int shown_in, const char *field,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void add_text(struct info *info, unsigned int shown_in, const char *field,
		     const char *fmt, ...)
{
	struct info_row *row = add_row(info, field, shown_in);
	va_list ap;

	if (!row)
		return;
	va_start(ap, fmt);
	if (vasprintf(&row->text, fmt, ap) < 0) {
		row->text = NULL;
		info->nomem = true;
	}
	va_end(ap);
}

/* A text row shown in every format (a JSON string). */
#define add(info, field, ...) add_text(info, SHOWN_ALL, field, __VA_ARGS__)

/* A line for people; json has typed rows for what it says instead. */
#define add_line(info, field, ...) add_text(info, SHOWN_TEXT, field, __VA_ARGS__)

/* A count: the same number in every format (a JSON number). */
static void add_count(struct info *info, const char *field, uint64_t value)
{
	struct info_row *row = add_row(info, field, SHOWN_ALL);

	if (!row)
		return;
	row->kind = VALUE_INT;
	row->number = (int64_t)value;
	if (asprintf(&row->text, "%" PRIu64, value) < 0) {
		row->text = NULL;
		info->nomem = true;
	}
}

/* A typed value for json alone (the text formats say it in a line). */
static void add_json_int(struct info *info, const char *field, uint64_t value)
{
	struct info_row *row = add_row(info, field, SHOWN_JSON);

	if (row) {
		row->kind = VALUE_INT;
		row->number = (int64_t)value;
	}
}

static void add_json_double(struct info *info, const char *field, double value)
{
	struct info_row *row = add_row(info, field, SHOWN_JSON);

	if (row) {
		row->kind = VALUE_DOUBLE;
		row->real = value;
	}
}

static void add_json_bool(struct info *info, const char *field, bool value)
{
	struct info_row *row = add_row(info, field, SHOWN_JSON);

	if (row) {
		row->kind = VALUE_BOOL;
		row->number = value;
	}
}

static void info_free(struct info *info)
{
	for (int i = 0; i < info->count; i++) {
		free(info->rows[i].field);
		free(info->rows[i].text);
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

/* The binaries of the user frames met, by the reader's binary id (a definition stays put). */
struct seen_binaries {
	const struct crf_binary **by_id;
	size_t capacity;
};

struct totals {
	struct seen_binaries binaries;
	uint64_t events;
	uint64_t processes;
	uint64_t exits;
	uint64_t loss_blocks;
	bool any_event;
	uint64_t first_ns;
	uint64_t last_ns;
};

static int note_binaries(struct seen_binaries *seen, const struct crf_stack *stack)
{
	for (uint32_t i = 0; stack && i < stack->depth; i++) {
		const struct crf_frame *f = stack->frames[i];

		if (!f || !f->binary)
			continue;
		if (f->binary->id >= seen->capacity) {
			size_t cap = seen->capacity ? seen->capacity : 64;
			const struct crf_binary **p;

			while (cap <= f->binary->id)
				cap *= 2;
			p = realloc(seen->by_id, cap * sizeof(*p));
			if (!p)
				return -ENOMEM;
			memset(p + seen->capacity, 0, (cap - seen->capacity) * sizeof(*p));
			seen->by_id = p;
			seen->capacity = cap;
		}
		seen->by_id[f->binary->id] = f->binary;
	}
	return 0;
}

/* True when a debug file names the frames of the binary recorded at path. */
static bool named_by_debug_file(struct frame_namer *namer, const struct seen_binaries *seen,
				const char *path)
{
	for (size_t i = 0; namer && i < seen->capacity; i++)
		if (seen->by_id[i] && !strcmp(seen->by_id[i]->path, path) &&
		    frame_namer_found(namer, seen->by_id[i]))
			return true;
	return false;
}

/*
 * How good the call paths are: the share of user stacks whose walk reached
 * the program's or a thread's entry, and the binaries whose frames no symbol
 * named (the recorder's list). With --debug-dir, a binary whose debug file
 * is found there names its frames in every report: it is listed apart.
 */
static void describe_stacks(struct info *info, struct crf_reader *r, const struct totals *t,
			    struct frame_namer *namer)
{
	const char *count = crf_reader_metadata(r, "stacks.user.count");
	const char *reached = crf_reader_metadata(r, "stacks.user.reached_entry");
	const char *unnamed = crf_reader_metadata(r, "stacks.user.unnamed_frames_in");
	struct strbuf lacking = STRBUF_INIT, found = STRBUF_INIT;
	unsigned long long n, k;

	if (count && reached && sscanf(count, "%llu", &n) == 1 &&
	    sscanf(reached, "%llu", &k) == 1 && n) {
		add_line(info, "user stacks",
			 "%llu, %.1f%% reached the program's or thread's entry", n,
			 100.0 * (double)k / (double)n);
		add_json_int(info, "user stacks", n);
		add_json_int(info, "user stacks reaching entry", k);
	}
	if (!unnamed || !*unnamed)
		return;
	for (const char *p = unnamed; *p;) {
		size_t len = strcspn(p, ",");
		char *path = strndup(p, len);

		if (!path) {
			info->nomem = true;
			break;
		}
		if (named_by_debug_file(namer, &t->binaries, path))
			strbuf_addf(&found, "%s%s", strbuf_len(&found) ? ", " : "", path);
		else
			strbuf_addf(&lacking, "%s%s", strbuf_len(&lacking) ? ", " : "", path);
		free(path);
		p += len;
		if (*p == ',')
			p++;
	}
	if (strbuf_len(&lacking))
		add(info, "binaries lacking symbols", "%s", strbuf_str(&lacking));
	if (strbuf_len(&found))
		add(info, "binaries named from debug files", "%s", strbuf_str(&found));
	strbuf_release(&lacking);
	strbuf_release(&found);
}

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
		add_json_int(info, "first event wall ns", first_wall);
		add_json_int(info, "last event wall ns", last_wall);
	} else {
		add_line(info, "first event", "%" PRIu64 " ns after boot (no clock anchor)",
			 t->first_ns);
		add_line(info, "last event", "%" PRIu64 " ns after boot", t->last_ns);
	}
	add_json_int(info, "first event ns", t->first_ns);
	add_json_int(info, "last event ns", t->last_ns);
	add_line(info, "duration", "%.3f s", (double)(t->last_ns - t->first_ns) / 1e9);
	add_json_double(info, "duration", (double)(t->last_ns - t->first_ns) / 1e9);
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
	add_json_bool(info, "clean end", rec->clean_end);
	add_json_bool(info, "truncated", rec->truncated);
	if (rec->truncated)
		add_json_int(info, "truncated at", rec->truncated_at);
	add_json_int(info, "damaged blocks skipped", rec->blocks_skipped);
	add_json_int(info, "damaged bytes skipped", rec->bytes_skipped);
	for (uint32_t i = 0; i < rec->damage_count && i < 16; i++)
		add(info, "damage", "at byte %" PRIu64 ", %" PRIu64 " bytes: %s%s%s",
		    rec->damage[i].offset, rec->damage[i].length, crf_strerror(rec->damage[i].code),
		    rec->damage[i].detail ? ": " : "",
		    rec->damage[i].detail ? rec->damage[i].detail : "");
	if (rec->blocks_skipped > rec->damage_count)
		add_line(info, "damage", "(%" PRIu64 " more not listed)",
		    rec->blocks_skipped - rec->damage_count);
	if (rec->unresolved_refs) {
		add_line(info, "unresolved", "%" PRIu64 " references to definitions never read",
			 rec->unresolved_refs);
		add_json_int(info, "unresolved", rec->unresolved_refs);
	}
	if (rec->clean_end && (rec->end_events != rec->events || rec->end_lost != rec->lost)) {
		add_line(info, "end totals", "%" PRIu64 " events, %" PRIu64
			 " lost (as counted by the recorder)", rec->end_events, rec->end_lost);
		add_json_int(info, "end events", rec->end_events);
		add_json_int(info, "end lost", rec->end_lost);
	}
}

/* Metadata keys whose value is "yes" or "no" (FORMAT.md registry): booleans in json. */
static bool is_yes_no(const char *key)
{
	return !strcmp(key, "recorder.final_verdict");
}

/* Reads the whole recording and fills info. Returns 0 or an exit status. */
static int build(struct info *info, const char *path, int fd, struct frame_namer *namer, char *err,
		 size_t err_size)
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
	if (!rc)
		rc = reader_limits_apply(r);
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
			if (namer && note_binaries(&t.binaries, item.event->user_stack))
				info->nomem = true;
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
	add_line(info, "size", "%" PRIu64 " bytes", rec->file_bytes);
	add_json_int(info, "size", rec->file_bytes);
	for (size_t i = 0; i < sizeof(host_keys) / sizeof(host_keys[0]); i++) {
		value = crf_reader_metadata(r, host_keys[i][0]);
		if (value && is_yes_no(host_keys[i][0])) {
			add_line(info, host_keys[i][1], "%s", value);
			if (strcmp(value, "yes") && strcmp(value, "no"))
				add_text(info, SHOWN_JSON, host_keys[i][1], "%s", value);
			else
				add_json_bool(info, host_keys[i][1], !strcmp(value, "yes"));
		} else if (value) {
			add(info, host_keys[i][1], "%s", value);
		}
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
	add_line(info, "blocks", "%" PRIu64 " (%s)", rec->blocks_read, blocks[0] ? blocks : "none");
	add_json_int(info, "blocks", rec->blocks_read);
	for (uint32_t type = 0; type < CRF_BLOCK_TYPE_SLOTS; type++) {
		const char *name = crf_block_type_name(type);
		char field[64];

		if (!rec->blocks_by_type[type])
			continue;
		snprintf(field, sizeof(field), "blocks %s", name ? name : "unknown");
		add_json_int(info, field, rec->blocks_by_type[type]);
	}
	if (rec->blocks_unknown)
		add_json_int(info, "blocks of unknown types", rec->blocks_unknown);
	add_count(info, "events", t.events);
	add_line(info, "processes", "%" PRIu64 " (%" PRIu64 " exited)", t.processes, t.exits);
	add_json_int(info, "processes", t.processes);
	add_json_int(info, "processes exited", t.exits);
	add_line(info, "lost events", "%s%" PRIu64 " (in %" PRIu64 " loss blocks)",
		 rec->lost_saturated ? "at least " : "", rec->lost, t.loss_blocks);
	add_json_int(info, "lost events", rec->lost);
	add_json_int(info, "loss blocks", t.loss_blocks);
	if (rec->lost_saturated)
		add_json_bool(info, "loss counts saturated", true);
	/* The other kinds only when there were any: their events lack a process or a stack. */
	if (rec->lost_process_records) {
		add_line(info, "lost process records", "%" PRIu64 " (their events have no executable)",
			 rec->lost_process_records);
		add_json_int(info, "lost process records", rec->lost_process_records);
	}
	if (rec->lost_stacks) {
		add_line(info, "lost stacks", "%" PRIu64 " (checks recorded without their stack)",
			 rec->lost_stacks);
		add_json_int(info, "lost stacks", rec->lost_stacks);
	}
	describe_stacks(info, r, &t, namer);
	describe_span(info, r, &t);
	describe_integrity(info, rec);
	if (info->nomem) {
		snprintf(err, err_size, "out of memory");
		ret = EXIT_INTERNAL;
		goto cleanup;
	}
	ret = EXIT_OK;
cleanup:
	free(t.binaries.by_id);
	crf_reader_free(r);
	return ret;
}

/* The values hold the recording's own strings (host, options): escaped, one line each. */
static int print_text(const struct info *info)
{
	struct strbuf sb = STRBUF_INIT;
	int err = 0;

	for (int i = 0; i < info->count; i++)
		if (info->rows[i].shown_in & SHOWN_TEXT)
			printf("%-13s %s\n", info->rows[i].field,
			       escape_terminal_str(&sb, info->rows[i].text));
	if (sb.failed)
		err = -ENOMEM;
	strbuf_release(&sb);
	if (fflush(stdout) != 0 || ferror(stdout))
		return errno ? -errno : -EIO;
	return err;
}

static int print_value(struct output *o, const struct info_row *row, enum output_format format)
{
	if (format != OUTPUT_JSON)
		return output_text(o, row->text);
	switch (row->kind) {
	case VALUE_INT:
		return output_int(o, row->number);
	case VALUE_DOUBLE:
		return output_double(o, row->real);
	case VALUE_BOOL:
		return output_bool(o, row->number);
	case VALUE_TEXT:
		break;
	}
	return output_text(o, row->text);
}

static int print_rows(const struct info *info, enum output_format format)
{
	static const char *const columns[] = { "field", "value" };
	unsigned int shown = format == OUTPUT_JSON ? SHOWN_JSON : SHOWN_TEXT;
	struct output *o = output_new(stdout, format);
	int err;

	if (!o)
		return -ENOMEM;
	err = output_columns(o, 2, columns);
	for (int i = 0; i < info->count && !err; i++) {
		if (!(info->rows[i].shown_in & shown))
			continue;
		err = output_text(o, info->rows[i].field);
		if (!err)
			err = print_value(o, &info->rows[i], format);
		if (!err)
			err = output_end_row(o);
	}
	if (!err)
		err = output_finish(o);
	output_free(o);
	return err;
}

static int info_run(struct analyze_session *s, void *state)
{
	const char *path = s->args[0];
	struct frame_namer *namer = NULL;
	struct info info = { 0 };
	char err[1024];
	int fd, ret;

	(void)state;
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(STDIN_FILENO);
	if (fd < 0) {
		fprintf(stderr, "capanalyze info: %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	if (resymbolize_wanted(s->debug_dir_count) &&
	    frame_namer_new(&namer, s->debug_dirs, s->debug_dir_count)) {
		close(fd);
		fprintf(stderr, "capanalyze info: out of memory\n");
		return EXIT_INTERNAL;
	}
	ret = build(&info, path, fd, namer, err, sizeof(err));
	frame_namer_free(namer);
	close(fd);
	if (ret) {
		fprintf(stderr, "capanalyze info: %s\n", err);
		goto cleanup;
	}
	ret = s->extra_format ? print_text(&info) : print_rows(&info, s->format);
	if (ret) {
		fprintf(stderr, "capanalyze info: cannot write the output: %s\n", strerror(-ret));
		ret = EXIT_INTERNAL;
	}
cleanup:
	info_free(&info);
	return ret;
}

const struct command_ops info_command = {
	.usage = info_usage,
	.extra_format = "text",
	.extra_format_default = true,
	.run = info_run,
};
