// SPDX-License-Identifier: GPL-2.0-only
/* reader_limits.c - the reader limits capanalyze applies (see reader_limits.h). */
#include "reader_limits.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct crf_limits limits;
static bool limits_ready;

/* Each option name, the field it sets, and the name the reader's messages use. */
static const struct {
	const char *option;
	const char *reader_name;
	size_t offset;
} names[] = {
	{ "decompressed-bytes", "CRF_LIMIT_DECOMPRESSED_BYTES",
	  offsetof(struct crf_limits, decompressed_bytes) },
	{ "expansion", "CRF_LIMIT_EXPANSION", offsetof(struct crf_limits, expansion) },
	{ "events", "CRF_LIMIT_EVENTS", offsetof(struct crf_limits, events) },
	{ "definitions", "CRF_LIMIT_DEFINITIONS", offsetof(struct crf_limits, definitions) },
	{ "ids-ahead", "CRF_LIMIT_IDS_AHEAD", offsetof(struct crf_limits, ids_ahead) },
};

#define NAME_COUNT (sizeof(names) / sizeof(names[0]))

static struct crf_limits *current(void)
{
	if (!limits_ready) {
		crf_limits_default(&limits);
		limits_ready = true;
	}
	return &limits;
}

/* "64G", "1000000", "none" -> *value (0: no limit). Returns 0 or -1. */
static int parse_count(const char *text, uint64_t *value)
{
	unsigned long long n;
	char *end;
	int shift = 0;

	if (!strcasecmp(text, "none")) {
		*value = 0;
		return 0;
	}
	if (*text < '0' || *text > '9')
		return -1;
	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	default: break;
	}
	if (*end || n == 0 || (shift && n > (UINT64_MAX >> shift)))
		return -1;
	*value = (uint64_t)n << shift;
	return 0;
}

int reader_limits_set(const char *spec, char *err, size_t err_size)
{
	const char *eq = strchr(spec, '=');
	uint64_t value;

	for (size_t i = 0; eq && i < NAME_COUNT; i++) {
		if (strlen(names[i].option) != (size_t)(eq - spec) ||
		    strncmp(spec, names[i].option, (size_t)(eq - spec)))
			continue;
		if (parse_count(eq + 1, &value)) {
			snprintf(err, err_size, "--reader-limit %s: '%s' is not a count (N, NK, NM, "
				 "NG, NT or none)", names[i].option, eq + 1);
			return -1;
		}
		*(uint64_t *)((char *)current() + names[i].offset) = value;
		return 0;
	}
	snprintf(err, err_size, "--reader-limit '%s': want NAME=N, NAME one of "
		 "decompressed-bytes, expansion, events, definitions, ids-ahead", spec);
	return -1;
}

int reader_limits_apply(struct crf_reader *r)
{
	return crf_reader_set_limits(r, current());
}

const char *reader_limits_hint(const char *detail)
{
	static char hint[64];

	for (size_t i = 0; detail && i < NAME_COUNT; i++) {
		if (strstr(detail, names[i].reader_name)) {
			snprintf(hint, sizeof(hint), "--reader-limit %s=N", names[i].option);
			return hint;
		}
	}
	return NULL;
}
