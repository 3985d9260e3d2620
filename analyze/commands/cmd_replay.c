// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_replay.c - capanalyze replay: prints a recording the way caprec prints
 * checks live, with the recording's own timestamps (perf script's role).
 * Reads the file with the format reader: no database involved. The lines
 * come from format/text (crf_text), the code caprec prints with.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cap_set.h"
#include "commands.h"
#include "crf_reader.h"
#include "crf_text.h"
#include "reader_error.h"
#include "reader_limits.h"
#include "resymbolize.h"
#include "strbuf.h"
#include "text_escape.h"

static const char replay_usage[] =
	"usage: capanalyze replay [-v] [-x] [-K] [-U] [-p PID]... [--cap CAP]...\n"
	"                        [--debug-dir DIR]... REC\n"
	"\n"
	"Prints the checks of a recording exactly as caprec prints them live, with\n"
	"the recording's timestamps. Like caprec, only audited checks are shown\n"
	"unless -v is given. REC may be - for standard input.\n"
	"\n"
	"  -v, --verbose      include non-audit checks\n"
	"  -x, --extra        extra columns: TID, syscall, INSETID, user namespace\n"
	"  -K, --kernel-stack print kernel stacks\n"
	"  -U, --user-stack   print user stacks\n"
	"  -p, --pid PID      only this process id (repeatable)\n"
	"  -c, --cap CAP      only this capability, by name (CAP_SYS_ADMIN, sys_admin)\n"
	"                     or number (repeatable)\n"
	"  --debug-dir DIR    name user frames from the debug files in DIR, as the\n"
	"                     reports do (repeatable; see capanalyze(1))\n"
	"  -h, --help         this text\n"
	"\n"
	"exit status: 0 success; 2 usage error, not a recording or unreadable, or\n"
	"a --cap that no check in the recording has;\n"
	"3 internal error or a write error on the output.\n";

#define MAX_PIDS 64

struct replay_state {
	bool verbose;
	struct crf_text_options render;
	uint32_t pids[MAX_PIDS];
	int pid_count;
};

static bool parse_u32(const char *s, uint32_t *value)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > UINT32_MAX || *s == '-')
		return false;
	*value = (uint32_t)v;
	return true;
}

static bool wanted(const struct analyze_session *s, const struct replay_state *st,
		   const struct crf_event *e)
{
	bool match;

	if (!st->verbose && !(e->flags & CRF_EV_AUDIT))
		return false;
	if (st->pid_count) {
		match = false;
		for (int i = 0; i < st->pid_count && !match; i++)
			match = st->pids[i] == e->pid;
		if (!match)
			return false;
	}
	return session_wants_cap(s, (int)e->cap);
}

/*
 * The text of every stack printed so far (its "    frame\n" lines, exactly
 * as crf_text_print_stack() writes them), keyed by the reader's stack: a
 * definition lives unchanged at one address until the reader is freed, and
 * a recording repeats a few stacks millions of times. Formatting each frame
 * of each event again was most of the time of replay -K -U.
 */
struct stack_text {
	const struct crf_stack *stack; /* NULL: empty slot */
	char *text;
	size_t len;
};

struct stack_cache {
	struct stack_text *slots;
	size_t capacity; /* a power of two, or 0 */
	size_t count;
	size_t bytes;    /* text held */
	struct frame_namer *namer; /* --debug-dir: names user frames anew; not owned */
};

/* Past this much text (hostile files: huge stacks), stacks are formatted every time. */
#define STACK_CACHE_MAX_BYTES ((size_t)64 << 20)

static void stack_cache_release(struct stack_cache *c)
{
	for (size_t i = 0; i < c->capacity; i++)
		free(c->slots[i].text);
	free(c->slots);
	*c = (struct stack_cache){ .namer = c->namer };
}

static size_t stack_slot(const struct stack_cache *c, const struct crf_stack *stack)
{
	size_t i = (size_t)(((uintptr_t)stack >> 3) * 0x9e3779b97f4a7c15ull) & (c->capacity - 1);

	while (c->slots[i].stack && c->slots[i].stack != stack)
		i = (i + 1) & (c->capacity - 1);
	return i;
}

/* Doubles the table. Returns 0 or -ENOMEM. */
static int stack_cache_grow(struct stack_cache *c)
{
	struct stack_cache bigger = { .capacity = c->capacity ? c->capacity * 2 : 256,
				      .namer = c->namer };

	bigger.slots = calloc(bigger.capacity, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -ENOMEM;
	for (size_t i = 0; i < c->capacity; i++)
		if (c->slots[i].stack)
			bigger.slots[stack_slot(&bigger, c->slots[i].stack)] = c->slots[i];
	bigger.count = c->count;
	bigger.bytes = c->bytes;
	free(c->slots);
	*c = bigger;
	return 0;
}

/*
 * The lines of stack, formatted as crf_text_print_stack() does and escaped
 * for the terminal (symbols and paths come from the recording): a malloc'd
 * text of *len bytes, or NULL when out of memory.
 */
static char *format_stack(const struct crf_stack *stack, struct frame_namer *namer, size_t *len)
{
	char line[1024]; /* crf_text_print_stack()'s line size: the same truncation */
	struct strbuf sb = STRBUF_INIT;

	for (uint32_t i = 0; i < stack->depth; i++) {
		const struct crf_frame *f = stack->frames[i];
		struct crf_frame renamed;

		/* A user frame a debug file names: printed with that name, as the reports show. */
		if (namer && f &&
		    frame_namer_name(namer, f, i > 0, &renamed.symbol, &renamed.symbol_offset)) {
			const char *symbol = renamed.symbol;
			uint64_t offset = renamed.symbol_offset;

			renamed = *f;
			renamed.symbol = symbol;
			renamed.symbol_offset = offset;
			f = &renamed;
		}
		crf_text_format_frame(line, sizeof(line), f);
		strbuf_adds(&sb, "    ");
		escape_terminal(&sb, line);
		strbuf_addc(&sb, '\n');
	}
	*len = strbuf_len(&sb);
	return strbuf_detach(&sb);
}

/* Prints stack formatted without keeping it. Returns 0 or a negative errno. */
static int print_stack_uncached(FILE *out, const struct crf_stack *stack, struct frame_namer *namer)
{
	size_t len;
	char *text = format_stack(stack, namer, &len);
	int rc;

	if (!text)
		return -ENOMEM;
	errno = 0;
	rc = fwrite(text, 1, len, out) == len ? 0 : (errno ? -errno : -EIO);
	free(text);
	return rc;
}

/*
 * Prints stack (NULL: nothing) like crf_text_print_stack(), escaped.
 * Returns 0 or a negative errno.
 */
static int print_stack(FILE *out, struct stack_cache *c, const struct crf_stack *stack)
{
	struct stack_text *slot;
	size_t i, len;
	char *text;

	if (!stack)
		return 0;
	if (c->capacity) {
		i = stack_slot(c, stack);
		if (c->slots[i].stack)
			return fwrite(c->slots[i].text, 1, c->slots[i].len, out) == c->slots[i].len ?
				       0 : (errno ? -errno : -EIO);
	}
	if (c->bytes >= STACK_CACHE_MAX_BYTES)
		return print_stack_uncached(out, stack, c->namer);
	if ((c->count + 1) * 2 > c->capacity && stack_cache_grow(c))
		return print_stack_uncached(out, stack, c->namer);
	text = format_stack(stack, c->namer, &len);
	if (!text)
		return -ENOMEM;
	slot = &c->slots[stack_slot(c, stack)];
	*slot = (struct stack_text){ .stack = stack, .text = text, .len = len };
	c->count++;
	c->bytes += len;
	return fwrite(text, 1, len, out) == len ? 0 : (errno ? -errno : -EIO);
}

/*
 * Prints one event's line as caprec does (crf_text escapes the recording's
 * strings for the terminal). Returns 0 or a negative errno.
 */
static int print_event_line(FILE *out, const struct crf_event *e, const char *cap_name,
			    uint64_t wall, const struct crf_text_options *render)
{
	int rc;

	errno = 0;
	rc = crf_text_print_event(out, e, cap_name, wall, render);
	return rc == -ENOMEM ? rc : rc ? (errno ? -errno : -EIO) : 0;
}

static int replay_option(struct analyze_session *s, void *state, int opt, const char *arg)
{
	struct replay_state *st = state;

	(void)s;
	switch (opt) {
	case 'v':
		st->verbose = true;
		break;
	case 'x':
		st->render.extended = true;
		break;
	case 'K':
		st->render.kernel_stacks = true;
		break;
	case 'U':
		st->render.user_stacks = true;
		break;
	case 'p':
		if (st->pid_count == MAX_PIDS || !parse_u32(arg, &st->pids[st->pid_count])) {
			fprintf(stderr, "capanalyze replay: bad process id '%s'\n", arg);
			return EXIT_USAGE;
		}
		st->pid_count++;
		break;
	}
	return SESSION_CONTINUE;
}

static int replay_run(struct analyze_session *s, void *state)
{
	struct replay_state *st = state;
	struct crf_text_options line_only;
	struct stack_cache stacks = { .slots = NULL };
	struct crf_reader *r = NULL;
	struct crf_error cerr = { 0 };
	struct crf_item item;
	const char *path = s->args[0];
	cap_set_t caps_seen = 0;
	char err[512];
	int write_rc = 0;
	int fd = -1, rc, ret = EXIT_USAGE;

	if (resymbolize_wanted(s->debug_dir_count) &&
	    frame_namer_new(&stacks.namer, s->debug_dirs, s->debug_dir_count)) {
		fprintf(stderr, "capanalyze replay: out of memory\n");
		return EXIT_INTERNAL;
	}
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(STDIN_FILENO);
	if (fd < 0) {
		fprintf(stderr, "capanalyze replay: %s: %s\n", path, strerror(errno));
		frame_namer_free(stacks.namer);
		return EXIT_USAGE;
	}
	rc = crf_reader_open(&r, fd, &cerr);
	if (!rc)
		rc = reader_limits_apply(r);
	if (rc) {
		reader_error(err, sizeof(err), path, rc, &cerr);
		fprintf(stderr, "capanalyze replay: %s\n", err);
		goto cleanup;
	}
	/* Millions of lines to a file or pipe: write them in big blocks, not 4 KiB ones. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, (size_t)1 << 20);
	/* The header comes first, as caprec prints it before the first check. */
	errno = 0;
	if (crf_text_print_header(stdout, &st->render))
		write_rc = errno ? -errno : -EIO;
	while (!write_rc && (rc = crf_reader_next(r, &item, &cerr)) == 1) {
		uint64_t wall;

		if (item.kind == CRF_ITEM_METADATA && !st->render.machine) {
			/* syscall names depend on the recording host's architecture */
			st->render.machine = crf_reader_metadata(r, "host.machine");
			continue;
		}
		if (item.kind == CRF_ITEM_LOSS) {
			/* caprec reports losses on stderr too: stdout stays its exact lines */
			fflush(stdout);
			fprintf(stderr, "capanalyze replay: %" PRIu64 " events lost here\n",
				item.loss->lost);
			continue;
		}
		if (item.kind != CRF_ITEM_EVENT)
			continue;
		caps_seen = cap_set_add(caps_seen, (int)item.event->cap);
		if (!wanted(s, st, item.event))
			continue;
		if (!crf_reader_boot_to_realtime(r, item.event->time_ns, &wall))
			wall = item.event->time_ns; /* no clock anchor: boot time is all there is */
		/* The line, then the stacks from the cache, in crf_text_print_event()'s order. */
		line_only = st->render;
		line_only.kernel_stacks = false;
		line_only.user_stacks = false;
		write_rc = print_event_line(stdout, item.event,
					    crf_reader_cap_name(r, item.event->cap), wall, &line_only);
		if (!write_rc && st->render.kernel_stacks)
			write_rc = print_stack(stdout, &stacks, item.event->kernel_stack);
		if (!write_rc && st->render.user_stacks)
			write_rc = print_stack(stdout, &stacks, item.event->user_stack);
	}
	if (!write_rc && rc < 0) {
		reader_error(err, sizeof(err), path, rc, &cerr);
		fprintf(stderr, "capanalyze replay: %s\n", err);
		ret = rc == CRF_ERR_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
		goto cleanup;
	}
	if (!write_rc) {
		/* stdout stays caprec's lines; what could not be replayed goes to stderr */
		const struct crf_recovery *rec = crf_reader_recovery(r);

		errno = 0;
		if (fflush(stdout))
			write_rc = errno ? -errno : -EIO;
		if (rec->blocks_skipped)
			fprintf(stderr, "capanalyze replay: %s: %" PRIu64 " damaged blocks skipped "
				"(%" PRIu64 " bytes)\n", path, rec->blocks_skipped, rec->bytes_skipped);
		if (rec->truncated)
			fprintf(stderr, "capanalyze replay: %s: truncated at byte %" PRIu64 "\n", path,
				rec->truncated_at);
	}
	errno = 0;
	if (!write_rc && (fflush(stdout) != 0 || ferror(stdout)))
		write_rc = errno ? -errno : -EIO;
	if (write_rc) {
		fprintf(stderr, "capanalyze replay: cannot write the output: %s\n",
			strerror(-write_rc));
		ret = EXIT_INTERNAL;
		goto cleanup;
	}
	ret = session_check_caps_seen(s, caps_seen);
	if (ret == SESSION_CONTINUE)
		ret = EXIT_OK;
cleanup:
	stack_cache_release(&stacks);
	frame_namer_free(stacks.namer);
	crf_reader_free(r);
	if (fd >= 0)
		close(fd);
	return ret;
}

static const struct option replay_options[] = {
	{ "verbose", no_argument, NULL, 'v' },
	{ "extra", no_argument, NULL, 'x' },
	{ "kernel-stack", no_argument, NULL, 'K' },
	{ "user-stack", no_argument, NULL, 'U' },
	{ "pid", required_argument, NULL, 'p' },
	{ NULL, 0, NULL, 0 },
};

const struct command_ops replay_command = {
	.usage = replay_usage,
	.options = replay_options,
	.short_options = "vxKUp:",
	.state_size = sizeof(struct replay_state),
	.option = replay_option,
	.run = replay_run,
};
