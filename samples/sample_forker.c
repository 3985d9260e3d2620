// SPDX-License-Identifier: GPL-2.0-only
/*
 * sample_forker - a process tree where every descendant makes a privileged call.
 *
 * The parent forks two children and one intermediate process; the
 * intermediate starts a new session, forks a grandchild and exits at once,
 * so the grandchild is a daemon (re-parented, no longer a child of anyone
 * in the tree). Each child and the daemon raise their hard RLIMIT_NOFILE
 * limit once. The parent waits for the daemon through a pipe, so a tracer
 * that stops when the parent exits has seen all of them.
 *
 * Capabilities it must produce (four checks, none from the parent itself):
 *   cap      CAP_SYS_RESOURCE (24), syscall prlimit64 (x86-64: 302), audit yes
 *   from     sample_forker_child_raise_rlimit   in each of the 2 children
 *            sample_forker_daemon_raise_rlimit  in the daemonised grandchild
 *            (the intermediate makes none)
 *   verdict  granted with CAP_SYS_RESOURCE in the effective set; --drop cap_sys_resource
 *            or --uid 1000: denied
 * Each of them prints its own report line (with its pid); the parent
 * prints "sample_forker: pid=P".
 *
 * Usage: sample_forker [--uid UID] [--drop CAP]... [--wait]
 */
#include "sample_common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_COUNT 2

SAMPLE_NOINLINE long sample_forker_child_raise_rlimit(const struct rlimit *limits)
{
	long result = sample_raise_nofile(limits);

	return sample_keep_frame(result);
}

SAMPLE_NOINLINE long sample_forker_daemon_raise_rlimit(const struct rlimit *limits)
{
	long result = sample_raise_nofile(limits);

	return sample_keep_frame(result);
}

static int run_child(void)
{
	struct rlimit original;
	long result;

	if (sample_lower_hard_nofile(&original))
		return 1;
	result = sample_forker_child_raise_rlimit(&original);
	sample_report("sample_forker_child_raise_rlimit", 24, "prlimit64", SYS_prlimit64, result);
	return 0;
}

/* In the intermediate process: detach and leave a daemon behind. */
static int run_intermediate(int done_pipe)
{
	struct rlimit original;
	long result;
	pid_t daemon_pid;

	if (setsid() < 0)
		return 1;
	daemon_pid = fork();
	if (daemon_pid < 0)
		return 1;
	if (daemon_pid > 0)
		return 0;
	/* The daemon. Its exit closes done_pipe, which releases the parent. */
	if (sample_lower_hard_nofile(&original))
		_exit(1);
	result = sample_forker_daemon_raise_rlimit(&original);
	sample_report("sample_forker_daemon_raise_rlimit", 24, "prlimit64", SYS_prlimit64,
		      result);
	close(done_pipe);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sample_options opts;
	int done_pipe[2];
	int status, failures = 0;
	char byte;
	int err;

	if (sample_parse_options(argc, argv, &opts))
		return 2;
	err = sample_apply_options(&opts);
	if (err) {
		fprintf(stderr, "sample_forker: cannot apply options: %s\n", strerror(-err));
		return 1;
	}
	if (pipe(done_pipe)) {
		fprintf(stderr, "sample_forker: pipe: %s\n", strerror(errno));
		return 1;
	}
	printf("sample_forker: pid=%d\n", (int)getpid());
	fflush(stdout);
	for (int i = 0; i <= CHILD_COUNT; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "sample_forker: fork: %s\n", strerror(errno));
			failures++;
			break;
		}
		if (pid == 0) {
			close(done_pipe[0]);
			if (i < CHILD_COUNT) {
				close(done_pipe[1]);
				_exit(run_child());
			}
			_exit(run_intermediate(done_pipe[1]));
		}
	}
	close(done_pipe[1]);
	while (wait(&status) > 0) {
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failures++;
	}
	/* EOF once the daemon (the last holder of the write end) is gone. */
	while (read(done_pipe[0], &byte, 1) > 0)
		;
	close(done_pipe[0]);
	return failures ? 1 : 0;
}
