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
#include <stdint.h>
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
		snprintf(buf, size, "cap_%d", cap);
	return buf;
}

cap_set_t cap_set_all(void)
{
	cap_set_t set = 0;

	for (int cap = 0; cap < CRF_CAP_COUNT; cap++)
		set = cap_set_add(set, cap);
	return set;
}

/* A whole decimal int ("-5", "64"): 0 with *value, else -EINVAL. */
static int parse_number(const char *text, long min, long max, int *value)
{
	char *end;
	long number;

	if (!isdigit((unsigned char)*text) && !(*text == '-' && isdigit((unsigned char)text[1])))
		return -EINVAL;
	errno = 0;
	number = strtol(text, &end, 10);
	if (errno || *end || number < min || number > max)
		return -EINVAL;
	*value = (int)number;
	return 0;
}

int cap_parse(const char *text, int *cap)
{
	const char *name = text;

	if (!text || !*text)
		return -EINVAL;
	if (isdigit((unsigned char)*text))
		return parse_number(text, 0, CAP_SET_BITS - 1, cap);
	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	for (int i = 0; i < CRF_CAP_COUNT; i++) {
		if (!strcasecmp(name, crf_cap_names()[i] + 4)) {
			*cap = i;
			return 0;
		}
	}
	/* "cap_45", "cap_64", "cap_-5": a number without a name, as cap_format() prints it. */
	if (name != text)
		return parse_number(name, INT32_MIN, INT32_MAX, cap);
	return -EINVAL;
}

bool cap_extra_has(const struct cap_extra *extra, int cap)
{
	for (int i = 0; extra && i < extra->count; i++)
		if (extra->caps[i] == cap)
			return true;
	return false;
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

/* Adds one parsed item. Returns 0, or -EINVAL when it cannot be held. */
static int add_item(int cap, cap_set_t *set, struct cap_extra *extra)
{
	if (cap >= 0 && cap < CAP_SET_BITS) {
		*set = cap_set_add(*set, cap);
		return 0;
	}
	if (!extra || (!cap_extra_has(extra, cap) && extra->count == CAP_EXTRA_MAX))
		return -EINVAL;
	if (!cap_extra_has(extra, cap))
		extra->caps[extra->count++] = cap;
	return 0;
}

int cap_parse_list_extra(const char *text, cap_set_t *set, struct cap_extra *extra, char *bad,
			 size_t bad_size)
{
	const char *p = text ? text : "";
	char item[64];
	int items = 0;

	*set = 0;
	if (extra)
		extra->count = 0;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
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
		items++;
		if (!strcasecmp(item, "none")) {
			/* the empty set: only as the whole list */
			if (items > 1 || comma) {
				copy_bad(bad, bad_size, item, len);
				return -EINVAL;
			}
		} else if (!strcasecmp(item, "all")) {
			*set |= cap_set_all();
		} else if (cap_parse(item, &cap) || add_item(cap, set, extra)) {
			copy_bad(bad, bad_size, item, len);
			return -EINVAL;
		}
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int cap_parse_list(const char *text, cap_set_t *set, char *bad, size_t bad_size)
{
	return cap_parse_list_extra(text, set, NULL, bad, bad_size);
}
