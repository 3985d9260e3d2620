// SPDX-License-Identifier: GPL-2.0-only
/*
 * sample_common.c - option parsing, capability dropping and reporting for the samples.
 *
 * libcap is deliberately not a dependency: the raw capget/capset system calls
 * are enough to drop one capability from the effective set.
 */
#include "sample_common.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crf_cap_names.h"

const char *sample_cap_name(int cap)
{
	const char *name = crf_cap_name(cap);

	return name ? name : "CAP_UNKNOWN";
}

int sample_cap_from_name(const char *name)
{
	char *end;
	long number;

	for (int cap = 0; cap < CRF_CAP_COUNT; cap++) {
		if (!strcasecmp(name, crf_cap_name(cap)))
			return cap;
	}
	errno = 0;
	number = strtol(name, &end, 10);
	if (errno || end == name || *end || number < 0 || number >= CRF_CAP_COUNT)
		return -1;
	return (int)number;
}

SAMPLE_NOINLINE long sample_keep_frame(long value)
{
	/* An empty asm keeps the compiler from proving the call useless. */
	__asm__ volatile("" ::: "memory");
	return value;
}

int sample_gettid(void)
{
	return (int)syscall(SYS_gettid);
}

int sample_parse_options(int argc, char **argv, struct sample_options *opts)
{
	int i;

	opts->run_as_uid = -1;
	opts->drop_count = 0;
	opts->wait_for_line = 0;
	for (i = 1; i < argc; i++) {
		const char *value = argv[i + 1];

		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "--wait")) {
			opts->wait_for_line = 1;
			continue;
		}
		if (strcmp(argv[i], "--uid") && strcmp(argv[i], "--drop"))
			break;
		if (!value) {
			fprintf(stderr, "%s: %s needs a value\n", argv[0], argv[i]);
			return -1;
		}
		if (!strcmp(argv[i], "--uid")) {
			char *end;

			errno = 0;
			opts->run_as_uid = strtol(value, &end, 10);
			if (errno || end == value || *end || opts->run_as_uid < 0) {
				fprintf(stderr, "%s: bad uid '%s'\n", argv[0], value);
				return -1;
			}
		} else {
			int cap = sample_cap_from_name(value);

			if (cap < 0) {
				fprintf(stderr, "%s: unknown capability '%s'\n", argv[0], value);
				return -1;
			}
			if (opts->drop_count == (int)(sizeof(opts->drop_caps) / sizeof(int))) {
				fprintf(stderr, "%s: too many --drop options\n", argv[0]);
				return -1;
			}
			opts->drop_caps[opts->drop_count++] = cap;
		}
		i++;
	}
	opts->argc = argc - i;
	opts->argv = argv + i;
	return 0;
}

int sample_drop_effective_cap(int cap)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &header, data))
		return -errno;
	data[cap / 32].effective &= ~(1u << (cap % 32));
	if (syscall(SYS_capset, &header, data))
		return -errno;
	return 0;
}

int sample_apply_options(const struct sample_options *opts)
{
	for (int i = 0; i < opts->drop_count; i++) {
		int err = sample_drop_effective_cap(opts->drop_caps[i]);

		if (err)
			return err;
	}
	if (opts->run_as_uid >= 0) {
		uid_t uid = (uid_t)opts->run_as_uid;

		/* Groups first: once the uid is switched we may no longer change them. */
		if (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			return -errno;
	}
	if (opts->wait_for_line) {
		char line[64];

		printf("sample: waiting pid=%d\n", (int)getpid());
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return -EIO;
	}
	return 0;
}

void sample_report(const char *function, int cap, const char *syscall_name, long syscall_nr,
		   long result)
{
	printf("%s: pid=%d tid=%d uid=%d cap=%s(%d) syscall=%s(%ld) result=%ld\n", function,
	       (int)getpid(), sample_gettid(), (int)geteuid(), sample_cap_name(cap), cap,
	       syscall_name, syscall_nr, result);
	fflush(stdout);
}

int sample_lower_hard_nofile(struct rlimit *original)
{
	struct rlimit lowered;

	if (getrlimit(RLIMIT_NOFILE, original))
		return -errno;
	if (original->rlim_max == 0 || original->rlim_max == RLIM_INFINITY)
		return -ERANGE;
	lowered.rlim_max = original->rlim_max - 1;
	lowered.rlim_cur = original->rlim_cur < lowered.rlim_max ? original->rlim_cur
								  : lowered.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &lowered))
		return -errno;
	/* Raising back only the hard limit keeps the soft one valid either way. */
	original->rlim_cur = lowered.rlim_cur;
	return 0;
}
