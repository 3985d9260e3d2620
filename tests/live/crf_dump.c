// SPDX-License-Identifier: GPL-2.0-only
/*
 * crf_dump - prints a caprec recording as one line per item, for exact assertions in tests.
 *
 * Lines (fields are key=value; values are escaped so they never contain
 * whitespace: '%', whitespace and control bytes become %XX):
 *   metadata key=K value=V
 *   process pid= ppid= uid= exe= comm= cmdline= cgroup_path= exe_used=
 *   exit pid= status=
 *   event index= time= pid= tid= uid= cap= name= audit= audit_inferred= insetid=
 *         insetid_known= ret= final_known= final_ret= syscall= cgroup= userns= comm= exe=
 *         kstack=f1,f2,... ustack=f1,f2,...   (innermost first; "-" when none)
 *         euid= fsuid= capeff=0xHEX          (the thread's CREDENTIALS; "-" when unknown)
 *   creds pid= tid= first= uid= euid= suid= fsuid= gid= egid= fsgid= capeff=0x capprm=0x
 *   sysret pid= tid= first= last= syscall= ret=
 *   loss lost= events_before= process_records= stacks=
 *   end events= lost= clean_end= truncated= truncated_at= blocks_skipped= bytes_skipped=
 *       end_events= end_lost= unresolved_refs= damage=offset:code,...
 * A kernel frame prints as symbol (or ?), a user frame as symbol or
 * basename(binary)+0xOFFSET when the symbol is unknown, "?" when it is in no
 * file ("?0xN" if a number was kept for it anyway: a raw address), "!" when
 * the frame definition was lost.
 *
 * Usage: crf_dump FILE
 * Exit status: 0 when the input was read to its end (damaged or not), 1 when it
 * could not be opened or read.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "crf_reader.h"

static void print_escaped(const char *key, const char *value)
{
	printf(" %s=", key);
	if (!value) {
		putchar('-');
		return;
	}
	if (!*value) {
		fputs("%00", stdout);
		return;
	}
	for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
		if (*c <= ' ' || *c == '%' || *c == ',' || *c >= 0x7f)
			printf("%%%02X", *c);
		else
			putchar(*c);
	}
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void print_stack(const char *key, const struct crf_stack *stack, uint32_t stack_id)
{
	printf(" %s=", key);
	if (!stack) {
		fputs(stack_id ? "!" : "-", stdout);
		return;
	}
	for (uint32_t i = 0; i < stack->depth; i++) {
		const struct crf_frame *frame = stack->frames[i];

		if (i)
			putchar(',');
		if (!frame)
			putchar('!');
		else if (frame->symbol)
			fputs(frame->symbol, stdout);
		else if (frame->kind == CRF_FRAME_USER && frame->binary)
			printf("%s+0x%" PRIx64, base_name(frame->binary->path), frame->file_offset);
		else if (frame->kind == CRF_FRAME_USER && frame->file_offset)
			printf("?0x%" PRIx64, frame->file_offset); /* a number kept without a file */
		else
			putchar('?');
	}
	if (!stack->depth)
		putchar('-');
}

/* The last CREDENTIALS of each thread (by tid; a test records few threads). */
#define CRED_SLOTS 65536

static struct crf_credentials creds_of[CRED_SLOTS];
static bool creds_known[CRED_SLOTS];

static void print_creds_of_event(const struct crf_event *event)
{
	uint32_t slot = event->tid % CRED_SLOTS;
	const struct crf_credentials *c = &creds_of[slot];

	if (!creds_known[slot] || c->tid != event->tid || c->first_event > event->index) {
		fputs(" euid=- fsuid=- capeff=-", stdout);
		return;
	}
	printf(" euid=%u fsuid=%u capeff=0x%" PRIx64, c->euid, c->fsuid, c->cap_effective);
}

static void print_creds(const struct crf_credentials *c)
{
	creds_of[c->tid % CRED_SLOTS] = *c;
	creds_known[c->tid % CRED_SLOTS] = true;
	printf("creds pid=%u tid=%u first=%" PRIu64 " uid=%u euid=%u suid=%u fsuid=%u gid=%u"
	       " egid=%u fsgid=%u capeff=0x%" PRIx64 " capprm=0x%" PRIx64 "\n",
	       c->process ? c->process->pid : 0, c->tid, c->first_event, c->uid, c->euid,
	       c->suid, c->fsuid, c->gid, c->egid, c->fsgid, c->cap_effective, c->cap_permitted);
}

static void print_sysret(const struct crf_syscall_return *s)
{
	printf("sysret pid=%u tid=%u first=%" PRIu64 " last=%" PRIu64 " syscall=%d ret=%" PRId64
	       "\n", s->process ? s->process->pid : 0, s->tid, s->first_event, s->last_event,
	       s->syscall_nr, s->ret);
}

static void print_event(const struct crf_reader *reader, const struct crf_event *event)
{
	const char *name = crf_reader_cap_name(reader, event->cap);

	printf("event index=%" PRIu64 " time=%" PRIu64 " pid=%u tid=%u uid=%u cap=%d", event->index,
	       event->time_ns, event->pid, event->tid, event->uid, event->cap);
	print_escaped("name", name);
	printf(" audit=%d audit_inferred=%d insetid=%d insetid_known=%d ret=%d final_known=%d"
	       " final_ret=%d syscall=%d cgroup=%" PRIu64 " userns=%u",
	       !!(event->flags & CRF_EV_AUDIT), !!(event->flags & CRF_EV_AUDIT_INFERRED),
	       !!(event->flags & CRF_EV_INSETID), !!(event->flags & CRF_EV_INSETID_KNOWN),
	       event->ret, !!(event->flags & CRF_EV_FINAL_KNOWN), event->final_ret,
	       event->syscall_nr, event->cgroup_id, event->userns_inum);
	print_escaped("comm", event->comm);
	print_escaped("exe", event->process ? event->process->exe_path : NULL);
	print_stack("kstack", event->kernel_stack, event->kernel_stack_id);
	print_stack("ustack", event->user_stack, event->user_stack_id);
	print_creds_of_event(event);
	putchar('\n');
}

static void print_process(const struct crf_process *process)
{
	printf("process pid=%u ppid=%u uid=%u cgroup=%" PRIu64, process->pid, process->ppid,
	       process->uid, process->cgroup_id);
	print_escaped("exe", process->exe_path);
	print_escaped("comm", process->comm);
	print_escaped("cmdline", process->cmdline);
	print_escaped("cgroup_path", process->cgroup_path);
	print_escaped("exe_used", process->exe_path_used);
	putchar('\n');
}

static void print_end(const struct crf_recovery *recovery)
{
	printf("end events=%" PRIu64 " lost=%" PRIu64 " clean_end=%d truncated=%d"
	       " truncated_at=%" PRIu64 " blocks_skipped=%" PRIu64 " bytes_skipped=%" PRIu64
	       " end_events=%" PRIu64 " end_lost=%" PRIu64 " unresolved_refs=%" PRIu64 " damage=",
	       recovery->events, recovery->lost, recovery->clean_end, recovery->truncated,
	       recovery->truncated_at, recovery->blocks_skipped, recovery->bytes_skipped,
	       recovery->end_events, recovery->end_lost, recovery->unresolved_refs);
	for (uint32_t i = 0; i < recovery->damage_count; i++)
		printf("%s%" PRIu64 ":%d", i ? "," : "", recovery->damage[i].offset,
		       recovery->damage[i].code);
	if (!recovery->damage_count)
		putchar('-');
	putchar('\n');
}

int main(int argc, char **argv)
{
	struct crf_reader *reader = NULL;
	struct crf_error error = { 0 };
	struct crf_item item;
	size_t metadata_printed = 0;
	const char *key, *value;
	int exit_code = 1;
	int fd, status;

	if (argc != 2) {
		fprintf(stderr, "usage: crf_dump FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "crf_dump: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	status = crf_reader_open(&reader, fd, &error);
	if (status < 0)
		goto fail;
	while ((status = crf_reader_next(reader, &item, &error)) == 1) {
		switch (item.kind) {
		case CRF_ITEM_EVENT:
			print_event(reader, item.event);
			break;
		case CRF_ITEM_LOSS:
			printf("loss lost=%" PRIu64 " events_before=%" PRIu64
			       " process_records=%" PRIu64 " stacks=%" PRIu64 "\n", item.loss->lost,
			       item.loss->events_before, item.loss->process_records,
			       item.loss->stacks);
			break;
		case CRF_ITEM_PROCESS:
			print_process(item.process);
			break;
		case CRF_ITEM_PROCESS_EXIT:
			printf("exit pid=%u status=%d\n", item.process->pid,
			       item.process->exit_status);
			break;
		case CRF_ITEM_CREDENTIALS:
			print_creds(item.credentials);
			break;
		case CRF_ITEM_SYSCALL_RETURN:
			print_sysret(item.syscall_return);
			break;
		case CRF_ITEM_METADATA:
			while (crf_reader_metadata_at(reader, metadata_printed, &key, &value)) {
				printf("metadata");
				print_escaped("key", key);
				print_escaped("value", value);
				putchar('\n');
				metadata_printed++;
			}
			break;
		default:
			break;
		}
	}
	if (status < 0)
		goto fail;
	print_end(crf_reader_recovery(reader));
	exit_code = 0;
	goto cleanup;
fail:
	fprintf(stderr, "crf_dump: %s: %s at byte %" PRIu64 "%s%s\n", argv[1],
		crf_strerror(status), error.offset, error.detail ? ": " : "",
		error.detail ? error.detail : "");
cleanup:
	crf_reader_free(reader);
	close(fd);
	return exit_code;
}
