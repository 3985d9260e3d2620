// SPDX-License-Identifier: GPL-2.0-only
/*
 * capstorm - a capability-check storm: threads that each make exactly one
 * capability check per iteration (or none, with --floor), so that the cost a
 * tracer adds to one check is (ns per iteration traced) - (ns untraced).
 *
 *   denied   setrlimit() raising the hard RLIMIT_NOFILE without CAP_SYS_RESOURCE
 *            in the effective set: one audited, denied CAP_SYS_RESOURCE check.
 *   granted  fchown() of a file owned by another user to that same user, with
 *            CAP_CHOWN: chown_ok() makes one audited, granted CAP_CHOWN check.
 *   noaudit  mmap() of a private writable anonymous page (and munmap): the
 *            commit accounting calls cap_vm_enough_memory(), one CAP_SYS_ADMIN
 *            check with CAP_OPT_NOAUDIT.
 * --floor makes the same syscalls without the check: setrlimit() to the
 * current limits, fchown(fd, -1, -1), mmap() of a read-only page.
 * "none" is "denied --floor". bench/verify-storm.sh proves "exactly one".
 *
 * Prints one line of key=value pairs on stdout (ns_per_iter from wall time,
 * cpu_ns_per_iter from the threads' CPU time); exits non-zero if any call
 * did not behave as its mode requires (then the check count would be wrong).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "crf_clock.h"

enum storm_mode { MODE_DENIED, MODE_GRANTED, MODE_NOAUDIT };

static const char *const mode_names[] = {
	[MODE_DENIED] = "denied",
	[MODE_GRANTED] = "granted",
	[MODE_NOAUDIT] = "noaudit",
};

/* Owner given to the granted mode's files: "another user" (nobody). */
#define OTHER_UID 65534u
/* Iterations between two looks at the clock (pacing and the deadline). */
#define BATCH 64u

struct storm_config {
	enum storm_mode mode;
	bool floor;
	unsigned int threads;
	uint64_t iterations;  /* per thread; 0 = run for duration_ns */
	uint64_t duration_ns;
	double rate;          /* total iterations/s over all threads; 0 = as fast as possible */
	bool wait_signal;     /* start on SIGUSR1 */
	const char *tmpdir;
};

struct storm_thread {
	pthread_t thread;
	const struct storm_config *config;
	unsigned int index;
	int fd;               /* granted mode: the file to fchown */
	struct rlimit limit;  /* denied mode: the limits at start */
	uint64_t done;
	uint64_t cpu_ns;      /* this thread's CPU time in the loop (user + system) */
	uint64_t unexpected;  /* calls that did not return what the mode requires */
	int first_errno;
};

/* The start gate: threads wait until main() opens it (or aborts the run). */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_open = PTHREAD_COND_INITIALIZER;
static bool gate_is_open, run_aborted;
static uint64_t start_ns;

/* Returns false when the run was aborted before it started. */
static bool wait_at_gate(void)
{
	bool go;

	pthread_mutex_lock(&gate_lock);
	while (!gate_is_open)
		pthread_cond_wait(&gate_open, &gate_lock);
	go = !run_aborted;
	pthread_mutex_unlock(&gate_lock);
	return go;
}

static void open_gate(bool abort_run)
{
	pthread_mutex_lock(&gate_lock);
	gate_is_open = true;
	run_aborted = abort_run;
	if (!abort_run)
		start_ns = crf_clock_ns(CLOCK_MONOTONIC);
	pthread_cond_broadcast(&gate_open);
	pthread_mutex_unlock(&gate_lock);
}

static void sleep_until(uint64_t when_ns)
{
	struct timespec ts = { .tv_sec = when_ns / 1000000000u, .tv_nsec = when_ns % 1000000000u };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* One iteration: returns true when the call behaved as the mode requires. */
static bool storm_once(struct storm_thread *t)
{
	const struct storm_config *c = t->config;

	switch (c->mode) {
	case MODE_DENIED: {
		struct rlimit l = t->limit;

		if (c->floor)
			return setrlimit(RLIMIT_NOFILE, &l) == 0;
		l.rlim_max++;
		return setrlimit(RLIMIT_NOFILE, &l) == -1 && errno == EPERM;
	}
	case MODE_GRANTED:
		if (c->floor)
			return fchown(t->fd, (uid_t)-1, (gid_t)-1) == 0;
		return fchown(t->fd, OTHER_UID, (gid_t)-1) == 0;
	case MODE_NOAUDIT: {
		int prot = c->floor ? PROT_READ : PROT_READ | PROT_WRITE;
		void *p = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return false;
		return munmap(p, 4096) == 0;
	}
	}
	return false;
}

static void storm_loop(struct storm_thread *t)
{
	const struct storm_config *c = t->config;
	double per_thread_rate = c->rate / c->threads;
	uint64_t deadline = start_ns + c->duration_ns;

	for (;;) {
		for (unsigned int i = 0; i < BATCH; i++) {
			if (c->iterations && t->done == c->iterations)
				return;
			if (!storm_once(t)) {
				if (!t->unexpected)
					t->first_errno = errno;
				t->unexpected++;
			}
			t->done++;
		}
		if (!c->iterations && crf_clock_ns(CLOCK_MONOTONIC) >= deadline)
			return;
		if (per_thread_rate > 0)
			sleep_until(start_ns + (uint64_t)(t->done * 1e9 / per_thread_rate));
	}
}

static void *storm_thread_main(void *arg)
{
	struct storm_thread *t = arg;
	uint64_t cpu_start;

	if (!wait_at_gate())
		return NULL;
	/*
	 * CPU time, unlike wall time, does not count the time other work on a
	 * shared machine preempts us: a tracer's cost runs in our syscall, so it
	 * is in here either way.
	 */
	cpu_start = crf_clock_ns(CLOCK_THREAD_CPUTIME_ID);
	storm_loop(t);
	t->cpu_ns = crf_clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
	return NULL;
}

/* Removes CAP_SYS_RESOURCE from the effective set (threads inherit it). */
static int drop_sys_resource(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_TO_INDEX(CAP_SYS_RESOURCE)].effective &= ~CAP_TO_MASK(CAP_SYS_RESOURCE);
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

static int prepare_thread(struct storm_thread *t)
{
	const struct storm_config *c = t->config;
	char path[4096];

	t->fd = -1;
	if (c->mode == MODE_DENIED && getrlimit(RLIMIT_NOFILE, &t->limit))
		return -errno;
	if (c->mode != MODE_GRANTED)
		return 0;
	snprintf(path, sizeof(path), "%s/capstorm.%d.%u", c->tmpdir, (int)getpid(), t->index);
	t->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (t->fd < 0)
		return -errno;
	/* The file lives on through the fd only: nothing to clean up later. */
	unlink(path);
	if (fchown(t->fd, OTHER_UID, (gid_t)-1))
		return -errno;
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: capstorm [-m denied|granted|noaudit|none] [--floor] [-t THREADS]\n"
		"                [-n ITERATIONS | -d SECONDS] [-r RATE] [--wait] [--tmpdir DIR]\n"
		"  -m MODE       which check each iteration makes (default denied)\n"
		"  --floor       same syscall, no capability check (none = denied --floor)\n"
		"  -t THREADS    threads (default 1)\n"
		"  -n N          iterations per thread\n"
		"  -d SECONDS    run for this long (default 1)\n"
		"  -r RATE       total iterations per second (default: as fast as possible)\n"
		"  --wait        start on SIGUSR1 (to attach a tracer to this pid first)\n"
		"  --tmpdir DIR  where granted mode creates its files (default /tmp)\n");
}

static int parse_args(int argc, char **argv, struct storm_config *c)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "floor", no_argument, NULL, 'F' },
		{ "threads", required_argument, NULL, 't' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "rate", required_argument, NULL, 'r' },
		{ "wait", no_argument, NULL, 'W' },
		{ "tmpdir", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	double seconds = 1;
	char *end;
	int opt;

	*c = (struct storm_config){ .mode = MODE_DENIED, .threads = 1, .tmpdir = "/tmp" };
	while ((opt = getopt_long(argc, argv, "m:t:n:d:r:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (!strcmp(optarg, "none")) {
				c->mode = MODE_DENIED;
				c->floor = true;
				break;
			}
			for (c->mode = 0; c->mode <= MODE_NOAUDIT; c->mode++)
				if (!strcmp(optarg, mode_names[c->mode]))
					break;
			if (c->mode > MODE_NOAUDIT) {
				fprintf(stderr, "capstorm: unknown mode '%s'\n", optarg);
				return -1;
			}
			break;
		case 'F':
			c->floor = true;
			break;
		case 't':
			c->threads = strtoul(optarg, &end, 10);
			if (*end || c->threads < 1 || c->threads > 256) {
				fprintf(stderr, "capstorm: threads must be 1..256, not '%s'\n", optarg);
				return -1;
			}
			break;
		case 'n':
			c->iterations = strtoull(optarg, &end, 10);
			if (*end || !c->iterations) {
				fprintf(stderr, "capstorm: bad iteration count '%s'\n", optarg);
				return -1;
			}
			break;
		case 'd':
			seconds = strtod(optarg, &end);
			if (*end || !(seconds > 0)) {
				fprintf(stderr, "capstorm: bad duration '%s'\n", optarg);
				return -1;
			}
			break;
		case 'r':
			c->rate = strtod(optarg, &end);
			if (*end || c->rate < 0) {
				fprintf(stderr, "capstorm: bad rate '%s'\n", optarg);
				return -1;
			}
			break;
		case 'W':
			c->wait_signal = true;
			break;
		case 'T':
			c->tmpdir = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "capstorm: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	c->duration_ns = (uint64_t)(seconds * 1e9);
	return 0;
}

/* Blocks until SIGUSR1 arrives (it stays blocked in the threads). */
static int wait_for_start(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigwait(&set, &sig))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct storm_config config;
	struct storm_thread *threads = NULL;
	unsigned int started = 0;
	uint64_t total = 0, unexpected = 0, cpu_ns = 0, elapsed_ns;
	sigset_t set;
	int err, ret = 1;

	if (parse_args(argc, argv, &config))
		return 2;
	/* Block SIGUSR1 before anything can send it, so --wait never misses it. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if (config.mode == MODE_DENIED) {
		err = drop_sys_resource();
		if (err) {
			fprintf(stderr, "capstorm: dropping CAP_SYS_RESOURCE: %s\n", strerror(-err));
			return 1;
		}
	}
	threads = calloc(config.threads, sizeof(*threads));
	if (!threads) {
		fprintf(stderr, "capstorm: out of memory\n");
		return 1;
	}
	for (unsigned int i = 0; i < config.threads; i++) {
		threads[i] = (struct storm_thread){ .config = &config, .index = i, .fd = -1 };
		err = prepare_thread(&threads[i]);
		if (err) {
			fprintf(stderr, "capstorm: preparing %s mode in %s: %s\n",
				mode_names[config.mode], config.tmpdir, strerror(-err));
			goto cleanup;
		}
	}
	/* Check the mode works before timing it: one call must behave as required. */
	if (!storm_once(&threads[0])) {
		fprintf(stderr, "capstorm: %s%s mode: the syscall did not behave as required (%s)\n",
			mode_names[config.mode], config.floor ? " --floor" : "", strerror(errno));
		goto cleanup;
	}
	if (config.wait_signal && wait_for_start()) {
		fprintf(stderr, "capstorm: waiting for SIGUSR1 failed\n");
		goto cleanup;
	}

	for (; started < config.threads; started++) {
		err = pthread_create(&threads[started].thread, NULL, storm_thread_main,
				     &threads[started]);
		if (err) {
			fprintf(stderr, "capstorm: creating thread: %s\n", strerror(err));
			open_gate(true);
			goto cleanup;
		}
	}
	open_gate(false);
	for (unsigned int i = 0; i < started; i++)
		pthread_join(threads[i].thread, NULL);
	elapsed_ns = crf_clock_ns(CLOCK_MONOTONIC) - start_ns;
	started = 0;

	for (unsigned int i = 0; i < config.threads; i++) {
		total += threads[i].done;
		cpu_ns += threads[i].cpu_ns;
		unexpected += threads[i].unexpected;
	}
	printf("mode=%s floor=%d threads=%u iterations=%llu checks=%llu seconds=%.6f "
	       "checks_per_s=%.0f ns_per_iter=%.1f cpu_ns_per_iter=%.1f\n",
	       mode_names[config.mode], config.floor, config.threads,
	       (unsigned long long)total,
	       (unsigned long long)(config.floor ? 0 : total), elapsed_ns / 1e9,
	       config.floor ? 0.0 : total * 1e9 / elapsed_ns,
	       (double)elapsed_ns * config.threads / (total ? total : 1),
	       (double)cpu_ns / (total ? total : 1));
	if (unexpected) {
		fprintf(stderr, "capstorm: %llu of %llu calls did not behave as required "
			"(first: %s)\n", (unsigned long long)unexpected,
			(unsigned long long)total, strerror(threads[0].first_errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	for (unsigned int i = 0; i < started; i++)
		pthread_join(threads[i].thread, NULL);
	if (threads)
		for (unsigned int i = 0; i < config.threads; i++)
			if (threads[i].fd >= 0)
				close(threads[i].fd);
	free(threads);
	return ret;
}
