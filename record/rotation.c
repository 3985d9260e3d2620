// SPDX-License-Identifier: GPL-2.0-only
#include "rotation.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

int rotation_path(char *buf, size_t size, const char *base, uint32_t part)
{
	int n;

	if (part == 0)
		n = snprintf(buf, size, "%s", base);
	else
		n = snprintf(buf, size, "%s.%" PRIu32, base, part);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}
