/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sample_common.h - what every sample shares.
 *
 * Each sample makes its privileged system call through raw_syscall*() below,
 * inlined into the sample's own noinline function. That is deliberate: a libc
 * wrapper built without frame pointers would be the innermost user frame and
 * the frame-pointer unwinder would then skip its caller, so the recorded user
 * stack would not name the sample function. With the syscall instruction in
 * the sample function itself, user frame 0 is that function.
 *
 * Every sample prints one line per privileged operation:
 *   <function>: pid=P tid=T uid=U cap=NAME(N) syscall=NAME(N) result=R
 * which the live tests parse (result is 0 or -errno).
 */
#ifndef SAMPLE_COMMON_H
#define SAMPLE_COMMON_H

#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#define SAMPLE_NOINLINE __attribute__((noinline))

/* x86-64 and arm64 system call instruction, result is a value or -errno. */
static inline long raw_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
#if defined(__x86_64__)
	long ret;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a1;
	register long x1 __asm__("x1") = a2;
	register long x2 __asm__("x2") = a3;
	register long x3 __asm__("x3") = a4;
	register long x4 __asm__("x4") = a5;
	register long x5 __asm__("x5") = a6;

	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
#else
#error "samples: add the system call instruction of this architecture"
#endif
}

#define raw_syscall4(nr, a, b, c, d) raw_syscall6((nr), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* Options shared by all samples (see sample_usage_common()). */
struct sample_options {
	long run_as_uid;       /* -1: stay as we are */
	int drop_caps[8];      /* capabilities to drop from the effective set */
	int drop_count;
	int wait_for_line;     /* --wait: read one line from stdin before the privileged call */
	int argc;              /* what is left after the common options */
	char **argv;
};

/*
 * Parses --uid UID, --drop CAP (name "cap_sys_resource" or number,
 * repeatable) and --wait, and leaves the rest in opts->argc/argv. Returns 0
 * or prints the problem and returns -1.
 */
int sample_parse_options(int argc, char **argv, struct sample_options *opts);

/*
 * Applies the options: drops the named capabilities from the effective set,
 * then switches all uids and gids to run_as_uid (no supplementary groups),
 * then with --wait prints "sample: waiting pid=P" and reads one line from
 * stdin, so a tracer can attach to an already running process (-p PID)
 * before the privileged call.
 * Note both make capability checks of their own (CAP_SETPCAP, CAP_SETGID,
 * CAP_SETUID) before the sample's operation. Returns 0 or -errno.
 */
int sample_apply_options(const struct sample_options *opts);

/* Drops cap from the effective set only (capget + capset). Returns 0 or -errno. */
int sample_drop_effective_cap(int cap);

/* Capability number for "cap_chown"/"CAP_CHOWN"/"0", or -1. */
int sample_cap_from_name(const char *name);
const char *sample_cap_name(int cap);

int sample_gettid(void);

/*
 * Returns value. Called (never inlined, never as a tail call) at the end of
 * each sample function so that the function is not a leaf: gcc omits a
 * leaf's frame pointer even with -fno-omit-frame-pointer, and a frame-pointer
 * unwinder would then skip the leaf's caller.
 */
long sample_keep_frame(long value);

/*
 * Lowers the hard RLIMIT_NOFILE limit by one (lowering needs no capability
 * and makes no check) and fills *original with the limits before, so that
 * sample_raise_nofile(original) raises the hard limit: exactly one audited
 * CAP_SYS_RESOURCE check per call. Returns 0 or -errno.
 */
int sample_lower_hard_nofile(struct rlimit *original);

/* prlimit64(0, RLIMIT_NOFILE, limits, NULL), inlined into the caller. */
static inline long sample_raise_nofile(const struct rlimit *limits)
{
	return raw_syscall4(SYS_prlimit64, 0, RLIMIT_NOFILE, limits, 0);
}

/* Prints the one-line report described at the top of this file. */
void sample_report(const char *function, int cap, const char *syscall_name, long syscall_nr,
		   long result);

#endif /* SAMPLE_COMMON_H */
