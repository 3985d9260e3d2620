// SPDX-License-Identifier: GPL-2.0-only
/*
 * sample_setgroups - sets its supplementary group list to the list it already has.
 *
 * Capabilities it must produce (one check, from sample_set_group_list):
 *   cap      CAP_SETGID (6)
 *   syscall  setgroups (x86-64: 116)
 *   kernel   __do_sys_setgroups -> (may_setgroups, inlined on 6.18) -> ns_capable_setid
 *            -> security_capable -> cap_capable
 *   audit    yes, and INSETID (ns_capable_setid passes CAP_OPT_INSETID; the tracepoint
 *            cannot see INSETID, so a tracepoint recording marks it unknown)
 *   verdict  root: granted; --uid 1000 or --drop cap_setgid: denied (-EPERM)
 * The kernel checks even when the list does not change.
 *
 * Usage: sample_setgroups [--uid UID] [--drop CAP]... [--wait]
 */
#include "sample_common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_GROUPS 256

SAMPLE_NOINLINE long sample_set_group_list(int count, const gid_t *groups)
{
	long result = raw_syscall4(SYS_setgroups, count, groups, 0, 0);

	return sample_keep_frame(result);
}

int main(int argc, char **argv)
{
	struct sample_options opts;
	gid_t groups[MAX_GROUPS];
	int count, err;
	long result;

	if (sample_parse_options(argc, argv, &opts))
		return 2;
	err = sample_apply_options(&opts);
	if (err) {
		fprintf(stderr, "sample_setgroups: cannot apply options: %s\n", strerror(-err));
		return 1;
	}
	count = getgroups(MAX_GROUPS, groups);
	if (count < 0) {
		fprintf(stderr, "sample_setgroups: getgroups: %s\n", strerror(errno));
		return 1;
	}
	result = sample_set_group_list(count, groups);
	sample_report("sample_set_group_list", 6, "setgroups", SYS_setgroups, result);
	return 0;
}
