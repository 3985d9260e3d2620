// SPDX-License-Identifier: GPL-2.0-only
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the child: wait for the go byte, then exec. Never returns. */
static void child_main(int wait_fd, char *const argv[], bool stdout_to_stderr)
{
	sigset_t none;
	char go;
	ssize_t n;

	/* The parent blocks or handles signals; the command gets the defaults. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	do {
		n = read(wait_fd, &go, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(127); /* caprec gave up before tracing started: run nothing */
	close(wait_fd);
	if (stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(126);
	execvp(argv[0], argv);
	fprintf(stderr, "caprec: %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int runner_start(struct runner *r, char *const argv[], bool stdout_to_stderr)
{
	int fds[2];
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->go_fd = -1;
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		close(fds[1]);
		child_main(fds[0], argv, stdout_to_stderr);
	}
	close(fds[0]);
	r->pid = pid;
	r->go_fd = fds[1];
	return 0;
}

int runner_release(struct runner *r)
{
	ssize_t n;

	do {
		n = write(r->go_fd, "g", 1);
	} while (n < 0 && errno == EINTR);
	close(r->go_fd);
	r->go_fd = -1;
	return n == 1 ? 0 : -EPIPE;
}

bool runner_poll(struct runner *r)
{
	pid_t got;

	if (!r->pid || r->exited)
		return r->exited;
	got = waitpid(r->pid, &r->status, WNOHANG);
	if (got == r->pid)
		r->exited = true;
	return r->exited;
}

bool runner_wait(struct runner *r)
{
	if (!r->pid || r->exited)
		return true;
	if (waitpid(r->pid, &r->status, 0) == r->pid) {
		r->exited = true;
		return true;
	}
	return errno != EINTR;
}

void runner_stop(struct runner *r, int sig)
{
	if (!r || !r->pid)
		return;
	if (r->go_fd >= 0) {
		close(r->go_fd);
		r->go_fd = -1;
	} else if (!r->exited) {
		if (!sig)
			return; /* leave a running command alone (it is reparented) */
		kill(r->pid, sig);
	}
	while (!r->exited) {
		if (waitpid(r->pid, &r->status, 0) == r->pid)
			r->exited = true;
		else if (errno != EINTR)
			break;
	}
}

int runner_exit_code(const struct runner *r)
{
	if (!r->exited)
		return 1;
	if (WIFEXITED(r->status))
		return WEXITSTATUS(r->status);
	if (WIFSIGNALED(r->status))
		return 128 + WTERMSIG(r->status);
	return 1;
}
