// SPDX-License-Identifier: GPL-2.0-only
#include "prove_run.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "prove_options.h"
#include "subprocess.h"

volatile int prove_run_interrupted;

/* A command that ignores SIGTERM gets this long before SIGKILL. */
#define TERM_GRACE_S 5.0
/* The recorder's own start (BPF load, symbols) may take this long beyond the time limit. */
#define RECORDER_START_S 60.0

void prove_apply_spec(const struct form_target *target, char *buf, size_t size)
{
	snprintf(buf, size, "%s,%u,%u,0x%" PRIx64, prove_form_name(target->form),
		 (unsigned)target->uid, (unsigned)target->gid, target->set);
}

int prove_apply_and_exec(const char *spec, char *const argv[])
{
	struct form_target t = { 0 };
	char form[16], errbuf[256];
	unsigned uid, gid;
	uint64_t set;

	if (sscanf(spec, "%15[a-z],%u,%u,0x%" SCNx64, form, &uid, &gid, &set) != 4 ||
	    (strcmp(form, "root") && strcmp(form, "nonroot")) || !argv || !argv[0]) {
		fprintf(stderr, "caprec prove: internal apply mode: bad spec '%s'\n", spec);
		return 126;
	}
	t.form = strcmp(form, "root") == 0 ? PROVE_FORM_ROOT : PROVE_FORM_NONROOT;
	t.uid = uid;
	t.gid = gid;
	t.set = set;
	if (form_apply(&t, errbuf, sizeof(errbuf))) {
		fprintf(stderr, "caprec prove: cannot put the command into the %s form: %s\n", form,
			errbuf);
		return 126;
	}
	execvp(argv[0], argv);
	fprintf(stderr, "caprec prove: %s: %s\n", argv[0], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t cap = 4096, n = 0;
	char *data = malloc(cap + 1);

	*len = 0;
	if (!data || !f) {
		if (f)
			fclose(f);
		if (data)
			data[0] = '\0';
		return data;
	}
	for (;;) {
		size_t got = fread(data + n, 1, cap - n, f);

		n += got;
		if (n < cap)
			break;
		{
			char *grown = realloc(data, cap * 2 + 1);

			if (!grown)
				break;
			data = grown;
			cap *= 2;
		}
	}
	fclose(f);
	data[n] = '\0';
	*len = n;
	return data;
}

/*
 * The recorder prints "caprec: N events, ..." when its recording is complete;
 * without that line its exit status is its own failure, not the command's.
 */
static void check_recorder(const char *stderr_path, struct prove_run_result *res)
{
	size_t len;
	char *text = read_file(stderr_path, &len), *line, *save = NULL;

	if (!text) {
		res->recorder_failed = true;
		return;
	}
	res->recorder_failed = true;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "caprec: ", 8) != 0)
			continue;
		if (strstr(line, " events, ") && strstr(line, " lost, ")) {
			res->recorder_failed = false;
			break;
		}
		if (!res->recorder_error)
			res->recorder_error = strdup(line);
	}
	free(text);
}

static void exec_recorder(const struct prove_run_spec *spec)
{
	char apply[128];
	const char *argv[16 + PROVE_MAX_COMMAND_ARGS + 1];
	int argc = 0, fd;
	size_t i;

	setpgid(0, 0);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0)
		_exit(127);
	fd = open(spec->stdout_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		_exit(127);
	fd = open(spec->stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
		_exit(127);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	argv[argc++] = spec->self;
	argv[argc++] = "-K";
	argv[argc++] = "-U";
	argv[argc++] = "-o";
	argv[argc++] = spec->recording;
	argv[argc++] = "--";
	if (spec->target) {
		prove_apply_spec(spec->target, apply, sizeof(apply));
		argv[argc++] = spec->self;
		argv[argc++] = "prove";
		argv[argc++] = "--internal-apply";
		argv[argc++] = apply;
		argv[argc++] = "--";
	}
	/* prove_parse_options() bounds the command's length to fit. */
	for (i = 0; spec->command[i] && argc < (int)(sizeof(argv) / sizeof(argv[0])) - 1; i++)
		argv[argc++] = spec->command[i];
	argv[argc] = NULL;
	execv(spec->self, (char *const *)argv);
	fprintf(stderr, "caprec prove: %s: %s\n", spec->self, strerror(errno));
	_exit(127);
}

int prove_run(const struct prove_run_spec *spec, struct prove_run_result *res)
{
	double start, term_at = 0;
	bool started = false;
	int status = 0;
	pid_t pid, got;

	memset(res, 0, sizeof(*res));
	unlink(spec->recording);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		exec_recorder(spec);
	setpgid(pid, pid); /* both sides set it: no race with the kill below */
	start = now_s();
	for (;;) {
		double now, limit = spec->timeout_s;

		got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			break;
		if (got < 0 && errno != EINTR)
			return -errno;
		now = now_s();
		/*
		 * The command starts once the recorder has attached and created the
		 * recording: the time limit counts from then, not from the recorder's
		 * own start (slow under sanitizers or on a loaded host).
		 */
		if (!started && access(spec->recording, F_OK) == 0) {
			started = true;
			start = now;
		}
		if (!started && limit > 0)
			limit += RECORDER_START_S;
		if (!term_at && (prove_run_interrupted || (limit > 0 && now - start >= limit))) {
			res->timed_out = !prove_run_interrupted;
			kill(-pid, SIGTERM);
			term_at = now;
		} else if (term_at && now - term_at >= TERM_GRACE_S) {
			kill(-pid, SIGKILL);
		}
		usleep(20000);
	}
	/* Whatever the command left in its group (a forgotten background child) goes too. */
	kill(-pid, SIGKILL);
	res->exit_code = subprocess_exit_code(status);
	check_recorder(spec->stderr_path, res);
	res->out = read_file(spec->stdout_path, &res->out_len);
	if (!res->out)
		return -ENOMEM;
	return 0;
}

void prove_run_result_free(struct prove_run_result *res)
{
	free(res->out);
	free(res->recorder_error);
	memset(res, 0, sizeof(*res));
}
