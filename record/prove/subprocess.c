// SPDX-License-Identifier: GPL-2.0-only
#include "subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct growbuf {
	char *data;
	size_t len, cap;
};

static int growbuf_read(struct growbuf *b, int fd)
{
	ssize_t n;

	if (b->cap - b->len < 4096) {
		size_t cap = b->cap ? b->cap * 2 : 16384;
		char *p = realloc(b->data, cap);

		if (!p)
			return -ENOMEM;
		b->data = p;
		b->cap = cap;
	}
	n = read(fd, b->data + b->len, b->cap - b->len - 1);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	b->len += (size_t)n;
	b->data[b->len] = '\0';
	return n > 0;
}

int subprocess_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

int subprocess_capture(char *const argv[], const char *extra_env, struct captured *c)
{
	struct growbuf bufs[2] = { 0 };
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, status = 0, ret = 0, open_fds = 2;
	pid_t pid;

	memset(c, 0, sizeof(*c));
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
		ret = -errno;
		goto cleanup;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto cleanup;
	}
	if (pid == 0) {
		if (dup2(out[1], STDOUT_FILENO) < 0 || dup2(err[1], STDERR_FILENO) < 0)
			_exit(127);
		if (extra_env)
			putenv((char *)extra_env);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;
	while (open_fds > 0) {
		struct pollfd pfd[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
		int i;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		for (i = 0; i < 2; i++) {
			int r;

			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = growbuf_read(&bufs[i], pfd[i].fd);
			if (r < 0 && !ret)
				ret = r;
			if (r <= 0) {
				/* End of that stream: poll ignores negative descriptors. */
				close(i ? err[0] : out[0]);
				if (i)
					err[0] = -1;
				else
					out[0] = -1;
				open_fds--;
			}
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	c->exit_code = subprocess_exit_code(status);
cleanup:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	c->out = bufs[0].data ? bufs[0].data : strdup("");
	c->out_len = bufs[0].len;
	c->err = bufs[1].data ? bufs[1].data : strdup("");
	if (!c->out || !c->err) {
		captured_free(c);
		return -ENOMEM;
	}
	return ret;
}

void captured_free(struct captured *c)
{
	free(c->out);
	free(c->err);
	c->out = c->err = NULL;
}
