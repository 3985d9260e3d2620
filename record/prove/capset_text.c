// SPDX-License-Identifier: GPL-2.0-only
#include "capset_text.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "crf_cap_names.h"

int capset_parse_name(const char *name, size_t len)
{
	int cap;

	if (len >= 4 && strncasecmp(name, "cap_", 4) == 0) {
		name += 4;
		len -= 4;
	}
	for (cap = 0; cap < CRF_CAP_COUNT; cap++) {
		const char *full = crf_cap_name(cap);

		/* Every table name starts with "CAP_". */
		if (full && strlen(full + 4) == len && strncasecmp(full + 4, name, len) == 0)
			return cap;
	}
	return -1;
}

int capset_parse(const char *text, uint64_t *set, char *errbuf, size_t errsize)
{
	const char *p = text;

	*set = 0;
	while (*p) {
		size_t len;
		int cap;

		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		len = strcspn(p, ", \t\n");
		if (len == 0)
			break;
		if (len == 4 && strncasecmp(p, "none", 4) == 0) {
			p += len;
			continue;
		}
		cap = capset_parse_name(p, len);
		if (cap < 0) {
			snprintf(errbuf, errsize, "unknown capability '%.*s'", (int)len, p);
			return -EINVAL;
		}
		*set |= 1ull << cap;
		p += len;
	}
	return 0;
}

void capset_format(uint64_t set, char *buf, size_t size)
{
	size_t used = 0;
	int cap;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (cap = 0; cap < 64; cap++) {
		const char *name;
		int n;

		if (!(set & (1ull << cap)))
			continue;
		name = crf_cap_name(cap);
		n = name ? snprintf(buf + used, size - used, "%s%s", used ? "," : "", name) :
			   snprintf(buf + used, size - used, "%sCAP_%d", used ? "," : "", cap);
		if (n < 0 || (size_t)n >= size - used) {
			buf[used] = '\0'; /* whole names only */
			return;
		}
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, size, "none");
}

int capset_count(uint64_t set)
{
	return __builtin_popcountll(set);
}
