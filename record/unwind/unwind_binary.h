/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * unwind_binary.h - one ELF file's unwind tables (.eh_frame, else
 * .debug_frame), read with elfutils' libdw, and the layout facts the unwinder
 * needs to place it in a process: its PT_LOAD segments (file offset <->
 * virtual address), its build-id. The rule for a pc (libdw's Dwarf_Frame) is
 * cached per binary, so the call sites a program checks from again and again
 * cost one hash lookup after the first time.
 *
 * struct unwind_binaries keeps a bounded set of opened binaries (least
 * recently used closed), found by path or by build-id.
 *
 * Errors are negative errno values. Not thread-safe.
 */
#ifndef CAPREC_UNWIND_BINARY_H
#define CAPREC_UNWIND_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>

struct unwind_binary;

/* The path it was opened from (as given). */
const char *unwind_binary_path(const struct unwind_binary *b);
/* The GNU build-id, NULL (*len = 0) when the file has none. */
const uint8_t *unwind_binary_build_id(const struct unwind_binary *b, size_t *len);
/* The program interpreter it names (PT_INTERP), NULL when none. */
const char *unwind_binary_interpreter(const struct unwind_binary *b);
/* True when the file has .eh_frame or .debug_frame. */
bool unwind_binary_has_cfi(const struct unwind_binary *b);
/* Lowest and highest (exclusive) virtual address of its PT_LOAD segments. */
void unwind_binary_extent(const struct unwind_binary *b, uint64_t *low, uint64_t *high);
/* Lowest p_vaddr of an executable segment: what mm->start_code points at. 0 or -ENOENT. */
int unwind_binary_exec_start(const struct unwind_binary *b, uint64_t *vaddr);
/* Segment i (PT_LOAD order) if it exists and is executable: 0, else -ENOENT. */
int unwind_binary_exec_segment(const struct unwind_binary *b, size_t i, uint64_t *vaddr,
			       uint64_t *size);
/*
 * True when the instruction just before vaddr is a call (x86-64: call rel32,
 * call through a register or memory): vaddr may be a return address.
 */
bool unwind_binary_is_return_site(const struct unwind_binary *b, uint64_t vaddr);
int unwind_binary_offset_to_vaddr(const struct unwind_binary *b, uint64_t offset, uint64_t *vaddr);
int unwind_binary_vaddr_to_offset(const struct unwind_binary *b, uint64_t vaddr, uint64_t *offset);
/*
 * The unwind rule at vaddr (before load bias). *frame is owned by the binary
 * (cached). Returns 0, -ENOENT when no table covers vaddr.
 */
int unwind_binary_frame(struct unwind_binary *b, uint64_t vaddr, Dwarf_Frame **frame);

struct unwind_binaries;

/* max_binaries 0 = 32. */
int unwind_binaries_new(struct unwind_binaries **out, size_t max_binaries);
void unwind_binaries_free(struct unwind_binaries *c);
/*
 * The binary at path, opened on first use. A file that cannot be opened is
 * remembered as such. *b is valid until the next call that opens a binary.
 * Returns 0, -ENOENT, -ENOEXEC (no ELF), -ENOMEM.
 */
int unwind_binaries_get(struct unwind_binaries *c, const char *path, struct unwind_binary **b);
/* Binaries opened so far that had no unwind table (for the recording's quality report). */
size_t unwind_binaries_without_cfi(const struct unwind_binaries *c, const char **paths,
				   size_t max);

#endif /* CAPREC_UNWIND_BINARY_H */
