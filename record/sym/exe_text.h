/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exe_text.h - where the kernel's mm->start_code points in an executable
 * file: the file offset of its first executable (PF_X) PT_LOAD segment
 * (load_elf_binary() sets start_code to that segment's address). With it an
 * address inside [start_code, end_code) becomes a file offset without the
 * process's maps, which are gone once a short-lived process exits.
 */
#ifndef CAPREC_EXE_TEXT_H
#define CAPREC_EXE_TEXT_H

#include <stdint.h>

/*
 * Returns 0 with *offset set, -ENOENT when the file cannot be opened,
 * -ENOEXEC when it is no ELF file or has no executable segment. The last
 * answer is remembered, so a stack of frames reads the file once.
 */
int exe_text_offset(const char *path, uint64_t *offset);

#endif /* CAPREC_EXE_TEXT_H */
