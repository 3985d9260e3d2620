/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stacks.h - turns the raw addresses of a BPF stack into frames a recording
 * can keep: kernel frames as module + symbol + offset (never an address),
 * user frames as binary (path + build-id) + file offset + symbol. The result
 * is a struct crf_stack (format/crf_types.h), so the same value feeds the
 * live printer and, through stacks_intern(), the writer, which deduplicates
 * frames and stacks by content: BPF stack ids never leave the kernel.
 */
#ifndef CAPREC_STACKS_H
#define CAPREC_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "build_id_cache.h"
#include "caprec_event.h"
#include "crf_types.h"
#include "crf_writer.h"
#include "kallsyms.h"
#include "process_modules.h"
#include "unwinder.h"
#include "user_symbolizer.h"

#define STACK_FRAMES_MAX 64

struct sym_frame {
	struct crf_frame frame;
	struct crf_binary binary;
	char module[64];
	char symbol[256];
	char path[512];
	uint8_t build_id[64];
};

/* One symbolized stack; reused from event to event (large: keep it off the C stack). */
struct sym_stack {
	struct sym_frame frames[STACK_FRAMES_MAX];
	const struct crf_frame *frame_ptrs[STACK_FRAMES_MAX];
	struct crf_stack stack;
};

/*
 * Kernel stack: frames above cap_capable() (the BPF program, the tracepoint
 * machinery) are dropped when cap_capable is among the first frames, so the
 * same call path gives the same stack whatever the attach mode and load.
 * Otherwise the tracing frames on top (named or not) are dropped, and with
 * hooked_cap_capable (fentry/kprobe: the stack was taken in a probe on
 * cap_capable() or cap_vm_enough_memory(), whose frame a BPF trampoline
 * hides) that frame is put back on top.
 * ks may be NULL (kallsyms unreadable): frames are then unnamed.
 */
void stacks_symbolize_kernel(const struct kallsyms *ks, const __u64 *addrs, uint32_t count,
			     bool hooked_cap_capable, struct sym_stack *out);

/*
 * User stack of process (pid, start_time_ns). Frames the kernel gave as
 * (build-id, file offset) are named through bids, which learns exe_path (the
 * process's executable, may be NULL) when a build-id is unknown; frames given
 * as addresses go through us (the process's maps), and teach bids; when the
 * maps are gone, an address inside the executable's text is still named
 * through exe (see exe_text.h).
 * us and bids may be NULL.
 */
/* The executable of the process: its path and mm->start_code/end_code (0 when unknown). */
struct exe_image {
	const char *path;
	uint64_t code_start;
	uint64_t code_end;
};

/*
 * How good the user stacks are: how many reached the thread's entry (the
 * process entry, a thread start), how many were unwound from unwind tables,
 * frames in no known file. Counted by both functions below.
 */
#define UNWIND_END_REASONS 7
#define STACK_QUALITY_BINARIES 16
struct stack_quality {
	uint64_t user_stacks;
	uint64_t reached_entry;
	uint64_t unwound;
	uint64_t unresolvable_frames;
	uint64_t ends[UNWIND_END_REASONS]; /* unwound stacks by enum unwind_end */
	uint64_t unwind_ns;     /* time spent unwinding and naming user stacks (recorder CPU) */
	uint64_t unwind_ns_max; /* the slowest stack: a cold one (binaries never seen) */
	uint64_t copied_bytes;  /* user stack bytes the kernel copied, over all stacks */
	/* Binaries with frames no symbol names (shown as binary+0xOFFSET): the first few. */
	char unnamed[STACK_QUALITY_BINARIES][256];
	uint32_t unnamed_count;
};

/* Fills kvs (keys stacks.user.*, FORMAT.md) from q; values point into buf. Returns the count. */
size_t stack_quality_metadata(const struct stack_quality *q, struct unwind_binaries *binaries,
			      struct crf_kv *kvs, size_t max, char *buf, size_t size);

/*
 * The kernel's frame-pointer walk (bpf_get_stack). A frame in no file ends
 * the stack (stored as one unresolvable frame: no address).
 * quality may be NULL.
 */
void stacks_symbolize_user(struct user_symbolizer *us, struct build_id_cache *bids, uint32_t pid,
			   uint64_t start_time_ns, const struct exe_image *exe,
			   const struct caprec_user_frame *frames, uint32_t count,
			   struct stack_quality *quality, struct sym_stack *out);

/* A user stack to unwind: the registers and stack bytes sent with the check. */
struct user_walk {
	uint32_t pid;
	uint64_t start_time_ns;
	const struct exe_image *exe;
	/* The kernel's walk: its innermost frame names ip's file. */
	const struct caprec_user_frame *kernel_frames;
	uint32_t kernel_frame_count;
	uint64_t ip, sp, fp;
	const uint8_t *stack;
	uint32_t stack_bytes;
};

/*
 * Unwinds from the binaries' unwind tables. The binary holding an address is
 * the one the kernel named for the innermost frame, the executable (from
 * mm->start_code), or the process's maps. Every frame is (binary, file
 * offset) plus symbol; a frame in no file is stored without an address and
 * ends the stack. Returns 0, -ENOENT when it could not start (no stack copy,
 * innermost frame in no known file: use stacks_symbolize_user()), -ENOMEM.
 */
int stacks_unwind_user(struct user_symbolizer *us, struct build_id_cache *bids,
		       struct unwind_binaries *binaries, struct process_modules *placed,
		       const struct user_walk *walk, struct stack_quality *quality,
		       struct sym_stack *out);

/*
 * A process image starts (exec record): what was placed for pid before is
 * dropped, and its dynamic loader (the executable's PT_INTERP) is placed at
 * interp_base (AT_BASE; 0 = none). Returns 0 or -ENOMEM.
 */
int stacks_note_exec(struct unwind_binaries *binaries, struct process_modules *placed,
		     uint32_t pid, uint64_t start_time_ns, const char *exe_path,
		     uint64_t interp_base);

/*
 * The process mapped the file at path executable at [addr, addr + len) from
 * file offset pgoff (mapping record): its frames are placed from it, even
 * after the process is gone. Returns 0 or -ENOMEM.
 */
int stacks_note_mapping(struct process_modules *placed, uint32_t pid, uint64_t start_time_ns,
			const char *path, uint64_t addr, uint64_t len, uint64_t pgoff);

/* Interns the stack's binaries, frames and the stack itself; *stack_id = 0 for an empty stack. */
int stacks_intern(struct crf_writer *w, const struct sym_stack *s, uint32_t *stack_id);

#endif /* CAPREC_STACKS_H */
