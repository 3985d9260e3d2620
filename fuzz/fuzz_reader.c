// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_reader.c - libFuzzer target over the recording reader. The input
 * bytes are a file: they reach the reader through a memfd, as a real file
 * would, and every item and resolved reference the reader hands out is
 * walked so that ASan sees any pointer that is not what it claims.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crf_reader.h"

/* Sums bytes so the compiler cannot drop the reads ASan must check. */
static volatile uint64_t sink;

static void touch_string(const char *s)
{
	if (s)
		sink += strlen(s);
}

static void touch_stack(const struct crf_stack *stack)
{
	uint32_t i;

	if (!stack)
		return;
	for (i = 0; i < stack->depth; i++) {
		const struct crf_frame *f = stack->frames[i];

		if (!f)
			continue;
		touch_string(f->module);
		touch_string(f->symbol);
		sink += f->symbol_offset + f->file_offset;
		if (f->binary) {
			touch_string(f->binary->path);
			if (f->binary->build_id_len)
				sink += f->binary->build_id[f->binary->build_id_len - 1];
		}
	}
}

static void touch_process(const struct crf_process *p)
{
	if (!p)
		return;
	touch_string(p->exe_path);
	touch_string(p->cmdline);
	touch_string(p->comm);
	touch_string(p->cgroup_path);
	touch_string(p->container_id);
	if (p->exe_binary)
		touch_string(p->exe_binary->path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crf_reader *r = NULL;
	struct crf_error err;
	struct crf_item item;
	const char *key, *value;
	uint64_t real;
	size_t i;
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size)
		goto cleanup;
	lseek(fd, 0, SEEK_SET);
	if (crf_reader_open(&r, fd, &err))
		goto cleanup;
	while (crf_reader_next(r, &item, &err) == 1) {
		if (item.event) {
			touch_string(item.event->comm);
			touch_process(item.event->process);
			touch_stack(item.event->kernel_stack);
			touch_stack(item.event->user_stack);
			touch_string(crf_reader_cap_name(r, item.event->cap));
			crf_reader_boot_to_realtime(r, item.event->time_ns, &real);
		}
		if (item.process)
			touch_process(item.process);
		if (item.loss)
			sink += item.loss->lost;
	}
	for (i = 0; crf_reader_metadata_at(r, i, &key, &value); i++) {
		touch_string(key);
		touch_string(value);
	}
	touch_string(crf_reader_metadata(r, "host.hostname"));
	for (i = 0; i < crf_reader_recovery(r)->damage_count; i++)
		touch_string(crf_reader_recovery(r)->damage[i].detail);
cleanup:
	crf_reader_free(r);
	close(fd);
	return 0;
}
