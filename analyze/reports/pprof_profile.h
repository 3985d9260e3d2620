/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pprof_profile.h - a profile in pprof's profile.proto format (the
 * perftools.profiles.Profile message), the file `pprof`, speedscope and
 * Pyroscope open: samples with a value and string labels, each a list of
 * locations leaf first, each location one function (a name in a file).
 *
 * Usage: pprof_new(), pprof_add_location() for every frame a sample will
 * name, pprof_add_sample() per sample, pprof_encode() the message
 * (uncompressed: the file on disk is it gzip'd, gzip_write.h), pprof_free().
 * Functions are made from the (name, file) pairs of the locations, and every
 * string goes once into the string table, as the format intends.
 */
#ifndef REPORTS_PPROF_PROFILE_H
#define REPORTS_PPROF_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

struct pprof_profile;

struct pprof_label {
	const char *key;
	const char *value;
};

/* A profile whose samples hold one value of type/unit ("checks", "count"). NULL: no memory. */
struct pprof_profile *pprof_new(const char *type, const char *unit);

/*
 * Location id (non-zero, each added once) is function name in file. Returns
 * 0, -EINVAL for id 0, or -ENOMEM.
 */
int pprof_add_location(struct pprof_profile *p, uint64_t id, const char *function,
		       const char *file);

/* A sample: location ids leaf first, its value, labels. Returns 0 or -ENOMEM. */
int pprof_add_sample(struct pprof_profile *p, const uint64_t *locations, size_t count,
		     int64_t value, const struct pprof_label *labels, size_t label_count);

/* A line of the profile's comment (pprof shows them). Returns 0 or -ENOMEM. */
int pprof_add_comment(struct pprof_profile *p, const char *text);

/* Appends the encoded Profile message to out. Returns 0 or -ENOMEM. */
int pprof_encode(struct pprof_profile *p, struct strbuf *out);

/* Accepts NULL. */
void pprof_free(struct pprof_profile *p);

#endif /* REPORTS_PPROF_PROFILE_H */
