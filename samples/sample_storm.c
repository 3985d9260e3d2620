// SPDX-License-Identifier: GPL-2.0-only
/*
 * sample_storm - makes exactly N audited, denied capability checks, as fast as it can.
 *
 * It drops CAP_SYS_RESOURCE from its effective set, lowers its hard
 * RLIMIT_NOFILE limit by one, then tries N times to raise it back.
 * Capabilities it must produce (N checks, from sample_storm_raise_rlimit):
 *   cap      CAP_SYS_RESOURCE (24)
 *   syscall  prlimit64 (x86-64: 302)
 *   audit    yes
 *   verdict  denied (-EPERM) every time, also as root
 * Before the loop, dropping the capability makes one CAP_SETPCAP check
 * (cap_capset() -> cap_inh_is_capped() calls cap_capable() directly); no
 * other CAP_SYS_RESOURCE check is made. It prints N and the number of calls
 * that were denied; both must be N.
 *
 * Usage: sample_storm [--uid UID] [--drop CAP]... [--wait] N
 */
#include "sample_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CAP_SYS_RESOURCE_NUMBER 24

SAMPLE_NOINLINE long sample_storm_raise_rlimit(const struct rlimit *limits, long count)
{
	long denied = 0;

	for (long i = 0; i < count; i++) {
		if (sample_raise_nofile(limits) == -EPERM)
			denied++;
	}
	return sample_keep_frame(denied);
}

int main(int argc, char **argv)
{
	struct sample_options opts;
	struct rlimit original;
	long count, denied;
	char *end;
	int err;

	if (sample_parse_options(argc, argv, &opts))
		return 2;
	if (opts.argc != 1) {
		fprintf(stderr, "usage: sample_storm [--uid UID] [--drop CAP]... N\n");
		return 2;
	}
	errno = 0;
	count = strtol(opts.argv[0], &end, 10);
	if (errno || end == opts.argv[0] || *end || count < 0) {
		fprintf(stderr, "sample_storm: bad count '%s'\n", opts.argv[0]);
		return 2;
	}
	err = sample_apply_options(&opts);
	if (!err)
		err = sample_drop_effective_cap(CAP_SYS_RESOURCE_NUMBER);
	if (!err)
		err = sample_lower_hard_nofile(&original);
	if (err) {
		fprintf(stderr, "sample_storm: cannot prepare: %s\n", strerror(-err));
		return 1;
	}
	denied = sample_storm_raise_rlimit(&original, count);
	printf("sample_storm_raise_rlimit: pid=%d tid=%d uid=%d cap=CAP_SYS_RESOURCE(24) "
	       "syscall=prlimit64(%d) checks=%ld denied=%ld\n",
	       (int)getpid(), sample_gettid(), (int)geteuid(), SYS_prlimit64, count, denied);
	return denied == count ? 0 : 1;
}
