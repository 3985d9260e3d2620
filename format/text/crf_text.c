// SPDX-License-Identifier: GPL-2.0-only
/*
 * crf_text.c - see crf_text.h. Column widths are part of the output contract
 * (tests and replay compare lines); change them only with the tests.
 */
#include "crf_text.h"

#include <errno.h>
#include <inttypes.h>
#include <time.h>

#include "crf_syscall_names.h"
#include "text_escape.h"

int crf_text_print_header(FILE *out, const struct crf_text_options *opts)
{
	int n;

	if (opts->extended)
		n = fprintf(out, "%-8s %-6s %-7s %-7s %-16s %-4s %-22s %-5s %-7s %-16s %-7s %s\n",
			    "TIME", "UID", "PID", "TID", "COMM", "CAP", "NAME", "AUDIT", "VERDICT",
			    "SYSCALL", "INSETID", "USERNS");
	else
		n = fprintf(out, "%-8s %-6s %-7s %-16s %-4s %-22s %-5s %s\n", "TIME", "UID", "PID",
			    "COMM", "CAP", "NAME", "AUDIT", "VERDICT");
	return n < 0 ? -EIO : 0;
}

static void format_time(char *buf, size_t size, uint64_t realtime_ns)
{
	time_t seconds = (time_t)(realtime_ns / 1000000000ull);
	struct tm tm;

	if (!localtime_r(&seconds, &tm) || strftime(buf, size, "%H:%M:%S", &tm) == 0)
		snprintf(buf, size, "??:??:??");
}

static void format_syscall(char *buf, size_t size, const char *machine, int32_t nr)
{
	const char *name;

	if (nr < 0) {
		snprintf(buf, size, "-");
		return;
	}
	name = crf_syscall_name(machine, nr);
	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%" PRId32, nr);
}

int crf_text_print_event(FILE *out, const struct crf_event *ev, const char *cap_name,
			 uint64_t realtime_ns, const struct crf_text_options *opts)
{
	char when[16], capbuf[24], syscall[32];
	/*
	 * A process names itself (prctl PR_SET_NAME) and a recording names its
	 * capabilities: neither may drive the terminal of whoever reads the line.
	 */
	struct strbuf comm_text = STRBUF_INIT, cap_text = STRBUF_INIT;
	const char *verdict_of, *comm;
	int32_t verdict = (ev->flags & CRF_EV_FINAL_KNOWN) ? ev->final_ret : ev->ret;
	int audit = (ev->flags & CRF_EV_AUDIT) ? 1 : 0;
	int n;

	format_time(when, sizeof(when), realtime_ns);
	if (!cap_name) {
		snprintf(capbuf, sizeof(capbuf), "cap_%" PRId32, ev->cap);
		cap_name = capbuf;
	}
	comm = ev->comm ? escape_terminal_str(&comm_text, ev->comm) : "?";
	cap_name = escape_terminal_str(&cap_text, cap_name);
	if (comm_text.failed || cap_text.failed) {
		n = -1;
		errno = ENOMEM;
		goto cleanup;
	}
	verdict_of = verdict == 0 ? "allow" : "deny";
	if (opts->extended) {
		const char *insetid = !(ev->flags & CRF_EV_INSETID_KNOWN) ? "-" :
				      (ev->flags & CRF_EV_INSETID) ? "1" : "0";

		format_syscall(syscall, sizeof(syscall), opts->machine, ev->syscall_nr);
		n = fprintf(out,
			    "%-8s %-6" PRIu32 " %-7" PRIu32 " %-7" PRIu32 " %-16s %-4" PRId32
			    " %-22s %-5d %-7s %-16s %-7s %" PRIu32 "\n",
			    when, ev->uid, ev->pid, ev->tid, comm, ev->cap, cap_name, audit,
			    verdict_of, syscall, insetid, ev->userns_inum);
	} else {
		n = fprintf(out, "%-8s %-6" PRIu32 " %-7" PRIu32 " %-16s %-4" PRId32 " %-22s %-5d %s\n",
			    when, ev->uid, ev->pid, comm, ev->cap, cap_name, audit, verdict_of);
	}
cleanup:
	strbuf_release(&comm_text);
	strbuf_release(&cap_text);
	if (n < 0)
		return errno == ENOMEM ? -ENOMEM : -EIO;
	if (opts->kernel_stacks && crf_text_print_stack(out, ev->kernel_stack))
		return -EIO;
	if (opts->user_stacks && crf_text_print_stack(out, ev->user_stack))
		return -EIO;
	return 0;
}

int crf_text_format_frame(char *buf, size_t size, const struct crf_frame *frame)
{
	if (!frame)
		return snprintf(buf, size, "[?] (definition lost)");
	if (frame->kind == CRF_FRAME_KERNEL) {
		const char *sym = frame->symbol ? frame->symbol : "?";

		if (frame->module && frame->module[0])
			return snprintf(buf, size, "[k] %s+0x%" PRIx64 " [%s]", sym,
					frame->symbol_offset, frame->module);
		return snprintf(buf, size, "[k] %s+0x%" PRIx64, sym, frame->symbol_offset);
	}
	{
		const char *path = frame->binary && frame->binary->path[0] ? frame->binary->path :
				   "?";

		if (frame->symbol)
			return snprintf(buf, size, "[u] %s+0x%" PRIx64 " (%s)", frame->symbol,
					frame->symbol_offset, path);
		return snprintf(buf, size, "[u] 0x%" PRIx64 " (%s)", frame->file_offset, path);
	}
}

int crf_text_print_stack(FILE *out, const struct crf_stack *stack)
{
	char line[1024];
	/* Symbols and paths come from binaries anyone can build: escaped like comm. */
	struct strbuf shown = STRBUF_INIT;
	int rc = 0;
	uint32_t i;

	if (!stack)
		return 0;
	for (i = 0; i < stack->depth && !rc; i++) {
		crf_text_format_frame(line, sizeof(line), stack->frames[i]);
		escape_terminal_str(&shown, line);
		if (shown.failed)
			rc = -ENOMEM;
		else if (fprintf(out, "    %s\n", strbuf_str(&shown)) < 0)
			rc = -EIO;
	}
	strbuf_release(&shown);
	return rc;
}
