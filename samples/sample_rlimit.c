// SPDX-License-Identifier: GPL-2.0-only
/*
 * sample_rlimit - raises its own hard RLIMIT_NOFILE limit after lowering it by one.
 *
 * Capabilities it must produce (one check, from sample_raise_hard_rlimit):
 *   cap      CAP_SYS_RESOURCE (24)
 *   syscall  prlimit64 (x86-64: 302)
 *   kernel   __do_sys_prlimit64 -> do_prlimit -> capable -> security_capable -> cap_capable
 *   audit    yes (not INSETID)
 *   verdict  granted with CAP_SYS_RESOURCE in the effective set (root, usually; not on
 *            machines whose bounding set lacks it); --drop cap_sys_resource, --uid 1000 or
 *            `capsh --drop=cap_sys_resource --`: denied (-EPERM)
 * Lowering the limit first makes no check (lowering is always allowed).
 *
 * Usage: sample_rlimit [--uid UID] [--drop CAP]... [--wait]
 */
#include "sample_common.h"

#include <stdio.h>
#include <string.h>

SAMPLE_NOINLINE long sample_raise_hard_rlimit(const struct rlimit *limits)
{
	long result = sample_raise_nofile(limits);

	return sample_keep_frame(result);
}

int main(int argc, char **argv)
{
	struct sample_options opts;
	struct rlimit original;
	long result;
	int err;

	if (sample_parse_options(argc, argv, &opts))
		return 2;
	err = sample_apply_options(&opts);
	if (!err)
		err = sample_lower_hard_nofile(&original);
	if (err) {
		fprintf(stderr, "sample_rlimit: cannot prepare: %s\n", strerror(-err));
		return 1;
	}
	result = sample_raise_hard_rlimit(&original);
	sample_report("sample_raise_hard_rlimit", 24, "prlimit64", SYS_prlimit64, result);
	return 0;
}
