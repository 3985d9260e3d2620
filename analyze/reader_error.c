// SPDX-License-Identifier: GPL-2.0-only
/*
 * reader_error.c - the wording of format reader errors (see reader_error.h).
 */
#include "reader_error.h"

#include <stdio.h>
#include <string.h>

#include "reader_limits.h"

void reader_error(char *out, size_t size, const char *path, int status,
		  const struct crf_error *e)
{
	/* A resource limit (FORMAT.md "Reader limits") says how to raise it. */
	const char *hint = status == CRF_ERR_LIMIT && e ? reader_limits_hint(e->detail) : NULL;

	if (status == CRF_ERR_NOT_RECORDING)
		snprintf(out, size, "%s: not a caprec recording", path);
	else if (status == CRF_ERR_IO && e && e->sys_errno)
		snprintf(out, size, "%s: %s", path, strerror(e->sys_errno));
	else if (e)
		snprintf(out, size, "%s: %s at byte %llu%s%s%s%s%s", path, crf_strerror(status),
			 (unsigned long long)e->offset, e->detail ? ": " : "",
			 e->detail ? e->detail : "", hint ? " (raise it with " : "",
			 hint ? hint : "", hint ? ")" : "");
	else
		snprintf(out, size, "%s: %s", path, crf_strerror(status));
}
