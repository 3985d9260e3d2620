// SPDX-License-Identifier: GPL-2.0-only
/*
 * recording_text - writes every event of a recording as one line of text
 * carrying the same information (time, pid, tid, uid, comm, capability,
 * audit, verdict, syscall, cgroup, user namespace, and both stacks as
 * symbol+offset lists, user frames with their binary), the way a text tracer
 * (bpftrace, perf script) would log it, plus one line per process image and
 * exit (pid, parent, start, uid, executable and build-id, command line,
 * cgroup, container) since the recording carries those too. The benchmark
 * compresses this with `zstd -3` as the baseline the binary format must beat.
 *
 *   recording_text FILE > events.txt
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "crf_reader.h"

static void print_stack(FILE *out, const struct crf_stack *stack)
{
	if (!stack) {
		fputc('-', out);
		return;
	}
	for (uint32_t i = 0; i < stack->depth; i++) {
		const struct crf_frame *f = stack->frames[i];

		if (i)
			fputc(';', out);
		if (!f) {
			fputs("?", out);
			continue;
		}
		if (f->kind == CRF_FRAME_USER && f->binary)
			fprintf(out, "%s:", f->binary->path);
		else if (f->kind == CRF_FRAME_KERNEL && f->module && *f->module)
			fprintf(out, "[%s]", f->module);
		if (f->symbol)
			fprintf(out, "%s+0x%llx", f->symbol, (unsigned long long)f->symbol_offset);
		else
			fprintf(out, "0x%llx", (unsigned long long)f->file_offset);
	}
}

static void print_process(FILE *out, const struct crf_process *p)
{
	const struct crf_binary *exe = p->exe_binary;

	fprintf(out, "%llu PROC pid=%u ppid=%u uid=%u comm=%s exe=%s build_id=",
		(unsigned long long)p->start_time_ns, p->pid, p->ppid, p->uid,
		p->comm ? p->comm : "?", p->exe_path ? p->exe_path : "?");
	for (uint32_t i = 0; exe && exe->build_id && i < exe->build_id_len; i++)
		fprintf(out, "%02x", exe->build_id[i]);
	fprintf(out, " cgroup=%llu:%s container=%s cmdline=%s\n",
		(unsigned long long)p->cgroup_id, p->cgroup_path ? p->cgroup_path : "?",
		p->container_id ? p->container_id : "-", p->cmdline ? p->cmdline : "?");
}

int main(int argc, char **argv)
{
	struct crf_reader *reader = NULL;
	struct crf_error error = { 0 };
	struct crf_item item;
	FILE *out = stdout;
	int fd, n, ret = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: recording_text FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "recording_text: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	n = crf_reader_open(&reader, fd, &error);
	while (n == CRF_OK || n == 1) {
		const struct crf_event *e;
		const char *cap_name;

		n = crf_reader_next(reader, &item, &error);
		if (n != 1)
			break;
		if (item.kind == CRF_ITEM_PROCESS) {
			print_process(out, item.process);
			continue;
		}
		if (item.kind == CRF_ITEM_PROCESS_EXIT) {
			fprintf(out, "%llu EXIT pid=%u status=%d\n",
				(unsigned long long)item.process->exit_time_ns, item.process->pid,
				item.process->exit_status);
			continue;
		}
		if (item.kind == CRF_ITEM_LOSS) {
			fprintf(out, "%llu LOST %llu\n", (unsigned long long)item.loss->time_ns,
				(unsigned long long)item.loss->lost);
			continue;
		}
		if (item.kind != CRF_ITEM_EVENT)
			continue;
		e = item.event;
		cap_name = crf_reader_cap_name(reader, e->cap);
		fprintf(out, "%llu.%09llu uid=%u pid=%u tid=%u comm=%s exe=%s cap=%d(%s) audit=%d "
			"insetid=%d verdict=%s syscall=%d cgroup=%llu userns=%u/%u kstack=",
			(unsigned long long)(e->time_ns / 1000000000u),
			(unsigned long long)(e->time_ns % 1000000000u), e->uid, e->pid, e->tid,
			e->comm ? e->comm : "?",
			e->process && e->process->exe_path ? e->process->exe_path : "?", e->cap,
			cap_name ? cap_name : "?", !!(e->flags & CRF_EV_AUDIT),
			!!(e->flags & CRF_EV_INSETID), e->ret ? "deny" : "allow", e->syscall_nr,
			(unsigned long long)e->cgroup_id, e->userns_inum, e->userns_level);
		print_stack(out, e->kernel_stack);
		fputs(" ustack=", out);
		print_stack(out, e->user_stack);
		fputc('\n', out);
	}
	if (n < 0) {
		fprintf(stderr, "recording_text: %s: %s at byte %llu\n", argv[1], crf_strerror(n),
			(unsigned long long)error.offset);
		goto cleanup;
	}
	if (fflush(out) || ferror(out)) {
		fprintf(stderr, "recording_text: writing: %s\n", strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	crf_reader_free(reader);
	close(fd);
	return ret;
}
