/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_syscall_names.h - syscall number -> name, per architecture, from tables
 * generated from the kernel's uapi headers (gen_syscall_names.py) and checked
 * in, so the recorder and the analyser name a syscall identically.
 */
#ifndef CRF_SYSCALL_NAMES_H
#define CRF_SYSCALL_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Name of syscall nr on machine (uname -m: "x86_64", "aarch64"), or NULL when
 * the machine is not known, nr is negative or out of the table.
 */
const char *crf_syscall_name(const char *machine, int32_t nr);

/* The canonical name of machine ("arm64" is "aarch64"), or NULL when it has no table. */
const char *crf_syscall_machine(const char *machine);

/* The i-th machine with a table (0, 1, ...), NULL past the last. */
const char *crf_syscall_machine_at(size_t i);

/* The number of syscall name on machine, or -1 when it has none there. */
int32_t crf_syscall_number(const char *machine, const char *name);

/* True when nr is execve or execveat on machine: the syscalls that start a new image. */
bool crf_syscall_is_exec(const char *machine, int32_t nr);

#endif /* CRF_SYSCALL_NAMES_H */
