/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kallsyms.h - the kernel's text symbols, loaded once from /proc/kallsyms (or
 * a file in the same format, for tests), to name kernel stack frames as
 * module + symbol + offset and to find the address range of a function.
 *
 * Only text symbols (types t, T, w, W) are kept: stack frames only ever point
 * into code. Everything lives in one sorted array and one string arena, so the
 * ~200k symbols of a distribution kernel cost about 16 bytes each plus names.
 *
 * Stack frames other than the innermost hold return addresses: resolve
 * (addr - 1) and add 1 to the offset, or a call that ends a function (a
 * noreturn call) is named after the next function.
 *
 * Errors are negative errno values. The one that needs explaining to a user:
 *   KALLSYMS_ERR_HIDDEN (-EPERM): the file was read but every address is zero.
 *   The kernel hides addresses from readers without CAP_SYSLOG when
 *   kernel.kptr_restrict is 1 (and from everyone when it is 2).
 */
#ifndef CAPREC_KALLSYMS_H
#define CAPREC_KALLSYMS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define KALLSYMS_ERR_HIDDEN (-EPERM)

/* Largest offset accepted past the last symbol of a module (or of the table). */
#define KALLSYMS_MAX_TAIL_OFFSET (1u << 20)

struct kallsyms;

/* A resolved kernel address. Strings point into the table: valid until kallsyms_free(). */
struct kallsyms_location {
	const char *module; /* "" for vmlinux, else the module name ("ext4", "bpf") */
	const char *symbol;
	uint64_t offset;    /* address - symbol start */
};

/* The extent of one symbol: [start, end), end = the next symbol's address. */
struct kallsyms_range {
	uint64_t start;
	uint64_t end;
};

/*
 * Loads the text symbols of path (NULL = "/proc/kallsyms"). On success *out
 * owns the table (free with kallsyms_free()).
 * Returns 0; -ENOENT/-EACCES/... when the file cannot be read; -EINVAL when a
 * line is malformed; -ENODATA when there is no text symbol at all;
 * KALLSYMS_ERR_HIDDEN when every address is zero; -ENOMEM.
 */
int kallsyms_load(struct kallsyms **out, const char *path);

void kallsyms_free(struct kallsyms *ks);

/* Number of text symbols kept. */
size_t kallsyms_count(const struct kallsyms *ks);

/* Bytes of heap the table uses (array + arena), for reports. */
size_t kallsyms_memory_bytes(const struct kallsyms *ks);

/*
 * Names the symbol containing addr. Where several symbols share an address,
 * a global one (T/W) wins over a local one (t/w), then the first in file order.
 * Returns 0, or -ENOENT when addr lies before the first symbol or further than
 * KALLSYMS_MAX_TAIL_OFFSET past the last symbol of its module.
 */
int kallsyms_resolve(const struct kallsyms *ks, uint64_t addr, struct kallsyms_location *loc);

/*
 * Finds the symbol called name. module: NULL = any, "" = vmlinux only, else
 * that module. When the name occurs more than once (static functions of the
 * same name in different files) the lowest address wins; *count, if not NULL,
 * receives the number of matches so a caller can refuse ambiguous names.
 * Returns 0, or -ENOENT when there is no such symbol.
 */
int kallsyms_find(const struct kallsyms *ks, const char *name, const char *module,
		  struct kallsyms_range *range, size_t *count);

#endif /* CAPREC_KALLSYMS_H */
