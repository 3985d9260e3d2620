// SPDX-License-Identifier: GPL-2.0-only
/*
 * sample_thread - a second thread makes the privileged call, so its tid differs from the pid.
 *
 * Capabilities it must produce (one check, from sample_thread_raise_rlimit,
 * running in the non-main thread):
 *   cap      CAP_SYS_RESOURCE (24)
 *   syscall  prlimit64 (x86-64: 302)
 *   audit    yes
 *   pid/tid  pid = the process id, tid = the thread's id (printed, tid != pid)
 *   verdict  granted with CAP_SYS_RESOURCE in the effective set; --drop cap_sys_resource
 *            or --uid 1000: denied
 * The main thread lowers the limit first (no check) and makes no check itself.
 *
 * Usage: sample_thread [--uid UID] [--drop CAP]... [--wait]
 */
#include "sample_common.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct rlimit original_limits;

SAMPLE_NOINLINE long sample_thread_raise_rlimit(const struct rlimit *limits)
{
	long result = sample_raise_nofile(limits);

	return sample_keep_frame(result);
}

static void *thread_main(void *unused)
{
	long result;

	(void)unused;
	result = sample_thread_raise_rlimit(&original_limits);
	sample_report("sample_thread_raise_rlimit", 24, "prlimit64", SYS_prlimit64, result);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sample_options opts;
	pthread_t thread;
	int err;

	if (sample_parse_options(argc, argv, &opts))
		return 2;
	err = sample_apply_options(&opts);
	if (!err)
		err = sample_lower_hard_nofile(&original_limits);
	if (err) {
		fprintf(stderr, "sample_thread: cannot prepare: %s\n", strerror(-err));
		return 1;
	}
	err = pthread_create(&thread, NULL, thread_main, NULL);
	if (err) {
		fprintf(stderr, "sample_thread: pthread_create: %s\n", strerror(err));
		return 1;
	}
	pthread_join(thread, NULL);
	return 0;
}
