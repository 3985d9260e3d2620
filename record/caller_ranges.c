// SPDX-License-Identifier: GPL-2.0-only
#include "caller_ranges.h"

#include <stdlib.h>
#include <string.h>

struct known_caller {
	const char *name;
	enum caprec_caller_class class;
};

/*
 * From kernel/capability.c, security/commoncap.c, mm/util.c and
 * kernel/ksyms_common.c (6.x). ns_capable_common() is deliberately absent: it
 * is shared by the audited, noaudit and setid entry points, so the frame
 * above it decides.
 */
static const struct known_caller known_callers[] = {
	/* CAP_OPT_NOAUDIT */
	{ "ns_capable_noaudit", CAPREC_CALLER_NOAUDIT },
	{ "has_ns_capability_noaudit", CAPREC_CALLER_NOAUDIT },
	{ "has_capability_noaudit", CAPREC_CALLER_NOAUDIT },
	{ "ptracer_capable", CAPREC_CALLER_NOAUDIT },
	{ "cap_vm_enough_memory", CAPREC_CALLER_NOAUDIT },
	{ "security_vm_enough_memory_mm", CAPREC_CALLER_NOAUDIT },
	{ "__vm_enough_memory", CAPREC_CALLER_NOAUDIT },
	{ "kallsyms_show_value", CAPREC_CALLER_NOAUDIT },
	/* CAP_OPT_INSETID */
	{ "ns_capable_setid", CAPREC_CALLER_SETID },
	/* No flag: audited */
	{ "ns_capable", CAPREC_CALLER_AUDIT },
	{ "capable", CAPREC_CALLER_AUDIT },
	{ "has_ns_capability", CAPREC_CALLER_AUDIT },
	{ "has_capability", CAPREC_CALLER_AUDIT },
	{ "file_ns_capable", CAPREC_CALLER_AUDIT },
	{ "capable_wrt_inode_uidgid", CAPREC_CALLER_AUDIT },
	{ "sk_ns_capable", CAPREC_CALLER_AUDIT },
	{ "sk_capable", CAPREC_CALLER_AUDIT },
	{ "sk_net_capable", CAPREC_CALLER_AUDIT },
	{ "netlink_ns_capable", CAPREC_CALLER_AUDIT },
	{ "cap_mmap_addr", CAPREC_CALLER_AUDIT },
};

static int compare_start(const void *a, const void *b)
{
	const struct caprec_caller_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

size_t caller_ranges_resolve(const struct kallsyms *ks, struct caprec_caller_range *ranges,
			     size_t max)
{
	struct kallsyms_range range;
	size_t i, n = 0;

	for (i = 0; i < sizeof(known_callers) / sizeof(known_callers[0]) && n < max; i++) {
		if (kallsyms_find(ks, known_callers[i].name, "", &range, NULL))
			continue;
		memset(&ranges[n], 0, sizeof(ranges[n]));
		ranges[n].start = range.start;
		ranges[n].end = range.end;
		ranges[n].class = known_callers[i].class;
		n++;
	}
	/* The BPF side stops its search at the first range above an address. */
	qsort(ranges, n, sizeof(ranges[0]), compare_start);
	return n;
}
