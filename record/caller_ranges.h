/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * caller_ranges.h - the address ranges of the kernel functions that call
 * security_capable()/cap_capable() with a known opts value, for the
 * tracepoint mode, which does not see opts: the BPF side takes the first of
 * these functions found in the words of the kernel stack above it as the
 * caller.
 */
#ifndef CAPREC_CALLER_RANGES_H
#define CAPREC_CALLER_RANGES_H

#include <stddef.h>

#include "caprec_event.h"
#include "kallsyms.h"

/*
 * Fills ranges[] (at most max) from ks, sorted by start address; returns how
 * many were found. Names missing from this kernel are skipped (inlined or not
 * present in this era).
 */
size_t caller_ranges_resolve(const struct kallsyms *ks, struct caprec_caller_range *ranges,
			     size_t max);

#endif /* CAPREC_CALLER_RANGES_H */
