/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy_file.h - the allow-list file `capanalyze check --allow FILE` reads
 * (format in docs/POLICY.md):
 *
 *   # comment
 *   /usr/sbin/nginx   CAP_NET_BIND_SERVICE,CAP_SETUID,CAP_SETGID
 *   ping              net_raw
 *   *                 none
 *
 * One rule a line: an executable glob (exe_match.h), blanks, a capability
 * list (cap_set.h). The first matching line wins, except "*", the default,
 * which applies only when no other line matches, wherever it stands.
 */
#ifndef REPORTS_POLICY_FILE_H
#define REPORTS_POLICY_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "cap_set.h"

/* Largest policy file read (a policy is a handful of lines; this bounds memory). */
#define POLICY_MAX_BYTES (1u << 20)

struct policy_rule {
	char *glob;
	cap_set_t caps;
	struct cap_extra extra; /* "cap_<n>" numbers outside 0..63 (cap_set.h) */
	unsigned int line;  /* 1-based line in the file, for messages */
};

struct policy {
	struct policy_rule *rules; /* in file order, without the default */
	size_t count;
	bool has_default;
	struct policy_rule default_rule;
};

/*
 * Parses text[0..len) (need not be NUL-terminated). name labels messages.
 * Returns 0 and *out (free with policy_free()), or -EINVAL with a one-line
 * message "name:LINE: what is wrong" in err, or -ENOMEM.
 */
int policy_parse(const char *text, size_t len, const char *name, struct policy **out, char *err,
		 size_t err_size);

/*
 * Reads and parses a file. Like policy_parse(); I/O errors as "path: strerror".
 * Only a regular file is read: a FIFO or a device is refused (-EINVAL)
 * without waiting for a writer or reading without end.
 */
int policy_load(const char *path, struct policy **out, char *err, size_t err_size);

/* The rule for an executable path: the first match, else the default, else NULL. */
const struct policy_rule *policy_lookup(const struct policy *p, const char *exe_path);

/* The rule allows cap (in its set, or one of its numbers outside 0..63). */
bool policy_rule_allows(const struct policy_rule *rule, int cap);

/* Accepts NULL. */
void policy_free(struct policy *p);

#endif /* REPORTS_POLICY_FILE_H */
