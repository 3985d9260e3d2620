/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_syscall_names.h - syscall number -> name, per architecture, from a table
 * generated from the kernel's uapi headers (gen_syscall_names.py) and checked
 * in, so the recorder and the analyser name a syscall identically.
 */
#ifndef CRF_SYSCALL_NAMES_H
#define CRF_SYSCALL_NAMES_H

#include <stdint.h>

/*
 * Name of syscall nr on machine (uname -m: "x86_64", "aarch64"), or NULL when
 * the machine is not known, nr is negative or out of the table.
 */
const char *crf_syscall_name(const char *machine, int32_t nr);

#endif /* CRF_SYSCALL_NAMES_H */
