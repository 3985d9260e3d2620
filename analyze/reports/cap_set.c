// SPDX-License-Identifier: GPL-2.0-only
/*
 * cap_set.c - capability names (format/text's table, the one caprec records and
 * prints with) and parsing of the lists users type.
 */
#include "cap_set.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crf_cap_names.h"


const char *cap_known_name(int cap)
{
	return crf_cap_name(cap);
}

const char *cap_format(int cap, char *buf, size_t size)
{
	const char *name = cap_known_name(cap);

	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "CAP_%d", cap);
	return buf;
}

cap_set_t cap_set_all(void)
{
	cap_set_t set = 0;

	for (int cap = 0; cap < CRF_CAP_COUNT; cap++)
		set = cap_set_add(set, cap);
	return set;
}

int cap_parse(const char *text, int *cap)
{
	const char *name = text;
	char *end;
	long number;

	if (!text || !*text)
		return -EINVAL;
	if (isdigit((unsigned char)*text)) {
		errno = 0;
		number = strtol(text, &end, 10);
		if (errno || *end || number < 0 || number >= CAP_SET_BITS)
			return -EINVAL;
		*cap = (int)number;
		return 0;
	}
	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	for (int i = 0; i < CRF_CAP_COUNT; i++) {
		if (!strcasecmp(name, crf_cap_names()[i] + 4)) {
			*cap = i;
			return 0;
		}
	}
	/* "CAP_45": a capability newer than this table, as cap_format() prints it. */
	if (name != text && isdigit((unsigned char)*name))
		return cap_parse(name, cap);
	return -EINVAL;
}

static void copy_bad(char *bad, size_t bad_size, const char *item, size_t len)
{
	if (!bad || !bad_size)
		return;
	if (len >= bad_size)
		len = bad_size - 1;
	memcpy(bad, item, len);
	bad[len] = '\0';
}

int cap_parse_list(const char *text, cap_set_t *set, char *bad, size_t bad_size)
{
	const char *p = text ? text : "";
	char item[64];

	*set = 0;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p || !strcasecmp(p, "none"))
		return 0;
	for (;;) {
		const char *start, *end, *comma = strchr(p, ',');
		size_t len;
		int cap;

		end = comma ? comma : p + strlen(p);
		start = p;
		while (start < end && isspace((unsigned char)*start))
			start++;
		while (end > start && isspace((unsigned char)end[-1]))
			end--;
		len = (size_t)(end - start);
		if (!len || len >= sizeof(item)) {
			copy_bad(bad, bad_size, start, len);
			return -EINVAL;
		}
		memcpy(item, start, len);
		item[len] = '\0';
		if (!strcasecmp(item, "all")) {
			*set |= cap_set_all();
		} else if (cap_parse(item, &cap)) {
			copy_bad(bad, bad_size, item, len);
			return -EINVAL;
		} else {
			*set = cap_set_add(*set, cap);
		}
		if (!comma)
			return 0;
		p = comma + 1;
	}
}
