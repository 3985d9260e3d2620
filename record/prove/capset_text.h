/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * capset_text.h - capability sets as 64-bit masks (bit n = capability n,
 * the kernel's numbering) and their text: "CAP_NET_RAW,cap_chown,setuid",
 * "none" or "" for the empty set. Names come from the project's one table
 * (format/text/crf_cap_names.c).
 */
#ifndef CAPREC_PROVE_CAPSET_TEXT_H
#define CAPREC_PROVE_CAPSET_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Parses one name (CAP_X, cap_x or x, any case). Returns the number or -1. */
int capset_parse_name(const char *name, size_t len);

/*
 * Parses a comma- or blank-separated list into *set. Returns 0, or -EINVAL
 * with the offending name in errbuf.
 */
int capset_parse(const char *text, uint64_t *set, char *errbuf, size_t errsize);

/* Writes "CAP_A,CAP_B" (or "none") into buf, truncated to size. */
void capset_format(uint64_t set, char *buf, size_t size);

/* The number of capabilities in set. */
int capset_count(uint64_t set);

#endif /* CAPREC_PROVE_CAPSET_TEXT_H */
