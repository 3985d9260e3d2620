// SPDX-License-Identifier: GPL-2.0-only
#include "stacks.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* How deep cap_capable() is looked for before the stack is kept whole. */
#define CAP_CAPABLE_SEARCH_DEPTH 10

static void copy_string(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static void finish(struct sym_stack *out, uint32_t depth)
{
	uint32_t i;

	for (i = 0; i < depth; i++)
		out->frame_ptrs[i] = &out->frames[i].frame;
	out->stack.id = 0;
	out->stack.depth = depth;
	out->stack.frames = out->frame_ptrs;
}

void stacks_symbolize_kernel(const struct kallsyms *ks, const __u64 *addrs, uint32_t count,
			     struct sym_stack *out)
{
	struct kallsyms_location loc;
	uint32_t i, first = 0, depth = 0;

	if (count > STACK_FRAMES_MAX)
		count = STACK_FRAMES_MAX;
	if (ks) {
		for (i = 0; i < count && i < CAP_CAPABLE_SEARCH_DEPTH; i++) {
			if (kallsyms_resolve(ks, addrs[i], &loc) == 0 &&
			    strcmp(loc.symbol, "cap_capable") == 0) {
				first = i;
				break;
			}
		}
	}
	for (i = first; i < count; i++) {
		struct sym_frame *f = &out->frames[depth++];

		memset(&f->frame, 0, sizeof(f->frame));
		f->frame.kind = CRF_FRAME_KERNEL;
		f->module[0] = '\0';
		f->frame.module = f->module;
		if (ks && kallsyms_resolve(ks, addrs[i], &loc) == 0) {
			copy_string(f->module, sizeof(f->module), loc.module);
			copy_string(f->symbol, sizeof(f->symbol), loc.symbol);
			f->frame.symbol = f->symbol;
			f->frame.symbol_offset = loc.offset;
		}
	}
	finish(out, depth);
}

void stacks_symbolize_user(struct user_symbolizer *us, uint32_t pid, uint64_t start_time_ns,
			   const __u64 *addrs, uint32_t count, struct sym_stack *out)
{
	struct user_frame uf;
	uint32_t i;

	if (count > STACK_FRAMES_MAX)
		count = STACK_FRAMES_MAX;
	for (i = 0; i < count; i++) {
		struct sym_frame *f = &out->frames[i];
		int err;

		memset(&f->frame, 0, sizeof(f->frame));
		memset(&f->binary, 0, sizeof(f->binary));
		f->frame.kind = CRF_FRAME_USER;
		f->frame.file_offset = addrs[i];
		if (!us)
			continue;
		memset(&uf, 0, sizeof(uf));
		err = user_symbolizer_resolve(us, pid, start_time_ns, addrs[i], &uf);
		if (err && err != -ENOENT)
			continue;
		f->frame.file_offset = uf.file_offset;
		if (uf.binary_path) {
			copy_string(f->path, sizeof(f->path), uf.binary_path);
			f->binary.path = f->path;
			if (uf.build_id && uf.build_id_len <= sizeof(f->build_id)) {
				memcpy(f->build_id, uf.build_id, uf.build_id_len);
				f->binary.build_id = f->build_id;
				f->binary.build_id_len = (uint32_t)uf.build_id_len;
			}
			f->frame.binary = &f->binary;
		}
		if (uf.symbol) {
			copy_string(f->symbol, sizeof(f->symbol), uf.symbol);
			f->frame.symbol = f->symbol;
			f->frame.symbol_offset = uf.symbol_offset;
		}
	}
	finish(out, count);
}

int stacks_intern(struct crf_writer *w, const struct sym_stack *s, uint32_t *stack_id)
{
	uint32_t ids[STACK_FRAMES_MAX];
	uint32_t i;
	int err;

	*stack_id = 0;
	if (s->stack.depth == 0)
		return 0;
	for (i = 0; i < s->stack.depth; i++) {
		const struct crf_frame *f = s->stack.frames[i];
		struct crf_frame_def def = {
			.kind = f->kind,
			.module = f->module,
			.symbol = f->symbol,
			.symbol_offset = f->symbol_offset,
			.file_offset = f->file_offset,
		};

		if (f->kind == CRF_FRAME_USER && f->binary) {
			err = crf_intern_binary(w, f->binary->path, f->binary->build_id,
						f->binary->build_id_len, &def.binary_id);
			if (err)
				return err;
		}
		err = crf_intern_frame(w, &def, &ids[i]);
		if (err)
			return err;
	}
	return crf_intern_stack(w, ids, s->stack.depth, stack_id);
}
