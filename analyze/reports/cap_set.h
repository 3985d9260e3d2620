/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cap_set.h - capability names and sets as the reports read and print them.
 *
 * A set is a 64-bit mask indexed by capability number: the kernel defines 41
 * capabilities today and its own kernel_cap_t is 64 bits wide, so every
 * capability a kernel can check fits. Numbers outside 0..63 (a hostile
 * recording) are never members of a set.
 */
#ifndef REPORTS_CAP_SET_H
#define REPORTS_CAP_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CAP_SET_BITS 64

typedef uint64_t cap_set_t;

/* The canonical name of a known capability ("CAP_CHOWN"), or NULL. */
const char *cap_known_name(int cap);

/*
 * Writes "CAP_CHOWN", or "cap_<n>" for a number without a name ("cap_41",
 * "cap_64", "cap_-5"): the form caprec's live lines and replay print, and
 * one cap_parse() reads back, so a policy written from a recording names
 * every number it holds. Returns buf.
 */
const char *cap_format(int cap, char *buf, size_t size);

/*
 * Parses one capability: a name in any case with or without the "CAP_"
 * prefix ("CAP_CHOWN", "chown", "Net_Bind_Service"), a number 0..63, or
 * "cap_<n>" for any number n (what cap_format() writes for an unnamed one,
 * negative and beyond 63 included). Returns 0 with *cap set, or -EINVAL.
 */
int cap_parse(const char *text, int *cap);

/*
 * Numbers outside a set's 64 bits. No kernel checks them (kernel_cap_t is 64
 * bits), but a corrupt or hostile recording can hold them, and a policy
 * written from it must name them for `check` to pass on the same run.
 */
#define CAP_EXTRA_MAX 16

struct cap_extra {
	int count;
	int caps[CAP_EXTRA_MAX];
};

/* extra (NULL: none) holds cap. */
bool cap_extra_has(const struct cap_extra *extra, int cap);

/*
 * Parses a comma-separated list of capabilities into *set. Spaces around
 * items (and a CR, for a file with CRLF line ends) are ignored. "none"
 * alone (or an empty string) is the empty set, "all" every named
 * capability. Numbers outside 0..63 go to *extra when extra is not NULL
 * (at most CAP_EXTRA_MAX of them), else are refused. On an unknown item
 * returns -EINVAL and copies the item into bad (for the message); an empty
 * item between commas is also -EINVAL.
 */
int cap_parse_list_extra(const char *text, cap_set_t *set, struct cap_extra *extra, char *bad,
			 size_t bad_size);

/* cap_parse_list_extra() without extra numbers. */
int cap_parse_list(const char *text, cap_set_t *set, char *bad, size_t bad_size);

static inline bool cap_set_has(cap_set_t set, int cap)
{
	return cap >= 0 && cap < CAP_SET_BITS && (set >> cap) & 1;
}

static inline cap_set_t cap_set_add(cap_set_t set, int cap)
{
	return cap >= 0 && cap < CAP_SET_BITS ? set | (UINT64_C(1) << cap) : set;
}

/* The set of every named capability. */
cap_set_t cap_set_all(void);

#endif /* REPORTS_CAP_SET_H */
