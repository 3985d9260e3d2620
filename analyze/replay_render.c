// SPDX-License-Identifier: GPL-2.0-only
/*
 * replay_render.c - renders replayed checks like caprec's live output.
 *
 * Interim renderer until format/text (crf_text, shared with caprec) exists:
 * the seed's columns TIME UID PID COMM CAP NAME AUDIT VERDICT, with -x adding
 * TID, SYSCALL, INSETID and USERNS; stacks indented under the line.
 */
#include "replay_render.h"

#include <errno.h>
#include <inttypes.h>
#include <time.h>

static int check(FILE *out)
{
	return ferror(out) ? -EIO : 0;
}

int replay_print_header(FILE *out, const struct replay_options *opts)
{
	fprintf(out, "%-8s %-6s %-7s ", "TIME", "UID", "PID");
	if (opts->extra)
		fprintf(out, "%-7s ", "TID");
	fprintf(out, "%-16s %-4s %-22s %-5s %-7s", "COMM", "CAP", "NAME", "AUDIT", "VERDICT");
	if (opts->extra)
		fprintf(out, " %-16s %-7s %s", "SYSCALL", "INSETID", "USERNS");
	fputc('\n', out);
	return check(out);
}

/* Printable copy of a recorded string: control characters would drive the terminal. */
static void print_clean(FILE *out, const char *s, int width)
{
	int n = 0;

	for (; s && *s; s++, n++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
	for (; n < width; n++)
		fputc(' ', out);
}

static void print_time(FILE *out, const struct crf_reader *r, uint64_t boot_ns)
{
	uint64_t wall;
	time_t sec;
	struct tm tm;
	char text[16];

	if (crf_reader_boot_to_realtime(r, boot_ns, &wall)) {
		sec = (time_t)(wall / 1000000000u);
		if (localtime_r(&sec, &tm) && strftime(text, sizeof(text), "%H:%M:%S", &tm)) {
			fprintf(out, "%-8s ", text);
			return;
		}
	}
	fprintf(out, "%8.3f ", (double)boot_ns / 1e9);
}

static void print_stack(FILE *out, const char *label, const struct crf_stack *s, uint32_t id)
{
	if (!s) {
		if (id)
			fprintf(out, "    [%s stack lost]\n", label);
		return;
	}
	for (uint32_t i = 0; i < s->depth; i++) {
		const struct crf_frame *f = s->frames ? s->frames[i] : NULL;

		fputs("    ", out);
		if (!f) {
			fputs("[lost]\n", out);
			continue;
		}
		if (f->symbol)
			print_clean(out, f->symbol, 0);
		else
			fputs("[unknown]", out);
		if (f->symbol && f->symbol_offset)
			fprintf(out, "+0x%" PRIx64, f->symbol_offset);
		if (f->kind == CRF_FRAME_KERNEL && f->module && *f->module) {
			fputs(" [", out);
			print_clean(out, f->module, 0);
			fputc(']', out);
		} else if (f->kind == CRF_FRAME_USER && f->binary) {
			fputs(" (", out);
			print_clean(out, f->binary->path, 0);
			fprintf(out, "+0x%" PRIx64 ")", f->file_offset);
		}
		fputc('\n', out);
	}
}

int replay_print_event(FILE *out, const struct crf_reader *r, const struct crf_event *e,
		       const struct replay_options *opts)
{
	const char *name = crf_reader_cap_name(r, e->cap);
	const char *verdict = e->ret == 0 ? "allow" : "deny";

	if (e->ret == 0 && (e->flags & CRF_EV_FINAL_KNOWN) && e->final_ret != 0)
		verdict = "deny(lsm)";
	print_time(out, r, e->time_ns);
	fprintf(out, "%-6u %-7u ", e->uid, e->pid);
	if (opts->extra)
		fprintf(out, "%-7u ", e->tid);
	print_clean(out, e->comm ? e->comm : "?", 16);
	fprintf(out, " %-4d ", e->cap);
	if (name) {
		print_clean(out, name, 22);
	} else {
		fprintf(out, "CAP_%-18d", e->cap);
	}
	fprintf(out, " %-5d %-7s", !!(e->flags & CRF_EV_AUDIT), verdict);
	if (opts->extra) {
		fprintf(out, " %-16d ", e->syscall_nr);
		if (e->flags & CRF_EV_INSETID_KNOWN)
			fprintf(out, "%-7d", !!(e->flags & CRF_EV_INSETID));
		else
			fprintf(out, "%-7s", "-");
		fprintf(out, " %u/%u", e->userns_level, e->userns_inum);
	}
	fputc('\n', out);
	if (opts->kernel_stacks)
		print_stack(out, "kernel", e->kernel_stack, e->kernel_stack_id);
	if (opts->user_stacks)
		print_stack(out, "user", e->user_stack, e->user_stack_id);
	return check(out);
}

int replay_print_loss(FILE *out, const struct crf_reader *r, const struct crf_loss *loss)
{
	(void)r;
	fprintf(out, "LOST %" PRIu64 " events\n", loss->lost);
	return check(out);
}
