/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * unwinder.h - walks a user stack from a copy of its top bytes and the
 * registers at the kernel entry, with the call frame information of the
 * binaries (.eh_frame, .debug_frame): code built without frame pointers
 * (Debian's, GCC's -O2 default) unwinds as well as code built with them.
 * Where a binary has no rule for a pc, the frame-pointer chain is followed
 * for that frame (mixed stacks). x86-64 only: elsewhere it reports
 * UNWIND_END_UNSUPPORTED and the caller keeps the kernel's frame-pointer walk.
 *
 * Which binary holds an address is asked of the caller (find_module), so the
 * unwinder knows nothing of /proc or of processes that already exited.
 * The stack bytes are only read here; nothing keeps them.
 */
#ifndef CAPREC_UNWINDER_H
#define CAPREC_UNWINDER_H

#include <stdbool.h>
#include <stdint.h>

#include "unwind_binary.h"

/* A binary placed in a process: addresses [start, end) are vaddr + bias. */
struct unwind_module {
	uint64_t start;
	uint64_t end;
	uint64_t bias;
	struct unwind_binary *bin;
};

/* What the unwinder asks of its caller. */
struct unwind_callbacks {
	/* The binary holding addr: 0 with *out filled, -ENOENT, or another negative errno. */
	int (*find_module)(void *ctx, uint64_t addr, struct unwind_module *out);
	/*
	 * Optional: binaries the process may have loaded where nothing says
	 * where (its executable's DT_NEEDED libraries). For an address no
	 * find_module() places, each is tried at every page-aligned load bias
	 * that puts the address in its text; a bias is taken when the walk from
	 * there runs through return sites (after a call) into a binary already
	 * placed or to an entry. Returns the count (at most max).
	 */
	size_t (*candidates)(void *ctx, struct unwind_binary **out, size_t max);
	/* Optional: told of every placement found by that search. */
	void (*found)(void *ctx, const struct unwind_module *m);
	void *ctx;
};

struct unwind_input {
	uint64_t ip;
	uint64_t sp;
	uint64_t fp;
	const uint8_t *stack;  /* the bytes at [sp, sp + stack_bytes) */
	uint32_t stack_bytes;
};

struct unwind_pc {
	uint64_t pc;                /* the address (never stored: see stacks.c) */
	struct unwind_binary *bin;  /* NULL: no file holds pc */
	uint64_t file_offset;       /* of pc in bin */
};

/* Why the walk stopped. */
enum unwind_end {
	UNWIND_END_ENTRY = 0,     /* the outermost frame: its rules say there is no caller */
	UNWIND_END_STACK,         /* the next frame lies beyond the copied bytes */
	UNWIND_END_NO_MODULE,     /* a pc in no known file (JIT code, a process gone) */
	UNWIND_END_NO_RULE,       /* no unwind rule and no usable frame pointer */
	UNWIND_END_DEPTH,         /* max frames reached */
	UNWIND_END_BAD,           /* a rule that makes no progress or cannot be evaluated */
	UNWIND_END_UNSUPPORTED,   /* not x86-64 */
};

/*
 * Most distinct binaries one stack may cross, and candidates one search may
 * try: the struct unwind_binaries a caller uses must keep more than both
 * together open (their pointers stay in use for the whole walk).
 */
#define UNWIND_MODULES_MAX 16
#define UNWIND_CANDIDATES_MAX 16

/*
 * Fills out[0..*count) innermost first. Returns 0 (see *end for why it
 * stopped), or a negative errno from find_module other than -ENOENT.
 */
int unwind_stack(const struct unwind_input *in, const struct unwind_callbacks *cb,
		 struct unwind_pc *out, uint32_t max, uint32_t *count, enum unwind_end *end);

const char *unwind_end_name(enum unwind_end end);

#endif /* CAPREC_UNWINDER_H */
