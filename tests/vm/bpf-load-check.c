// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loads caprec's BPF object with only one attach mode's programs enabled, attaches them,
 * makes one audited capability check and waits for it in the ring buffer. This proves, apart
 * from caprec's user side, that a mode's programs pass the verifier of the running kernel,
 * attach, and deliver events (the guests are the only place fentry and kprobe programs load).
 *
 * usage: bpf-load-check OBJECT MODE      MODE: tracepoint | fentry | kprobe
 * Prints one line "mode M: P programs loaded, A attached, E events" and exits 0 when
 * everything loaded and at least one event arrived; 1 otherwise, with libbpf's reason.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_LINKS 32

/* Section prefixes of each mode; the sched_process_* tracepoints belong to every mode. */
static int in_mode(const char *section, const char *mode)
{
	static const struct {
		const char *mode;
		const char *prefixes[4];
	} table[] = {
		{ "tracepoint", { "tp_btf/cap_capable", "raw_tp/cap_capable", "tp/capability" } },
		{ "fentry", { "fentry/", "fexit/" } },
		{ "kprobe", { "kprobe/", "kretprobe/" } },
	};

	if (strncmp(section, "tp_btf/sched_process", strlen("tp_btf/sched_process")) == 0)
		return 1;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(table[i].mode, mode) != 0)
			continue;
		for (size_t j = 0; j < 4 && table[i].prefixes[j]; j++)
			if (strncmp(section, table[i].prefixes[j], strlen(table[i].prefixes[j])) == 0)
				return 1;
	}
	return 0;
}

static int count_event(void *ctx, void *data, size_t size)
{
	(void)data;
	(void)size;
	(*(int *)ctx)++;
	return 0;
}

/* An audited CAP_SYS_RESOURCE check, whatever its verdict. */
static void make_check(void)
{
	struct rlimit limit;

	if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
		limit.rlim_max += 1;
		syscall(SYS_setrlimit, RLIMIT_NOFILE, &limit);
	}
}

int main(int argc, char **argv)
{
	struct bpf_link *links[MAX_LINKS];
	struct ring_buffer *ring = NULL;
	struct bpf_object *object = NULL;
	struct bpf_program *program;
	struct bpf_map *events;
	int loaded = 0, attached = 0, seen = 0, status = 1, err;

	if (argc != 3) {
		fprintf(stderr, "usage: bpf-load-check OBJECT tracepoint|fentry|kprobe\n");
		return 2;
	}
	object = bpf_object__open_file(argv[1], NULL);
	if (!object) {
		fprintf(stderr, "bpf-load-check: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(program, object) {
		int wanted = in_mode(bpf_program__section_name(program), argv[2]);

		bpf_program__set_autoload(program, wanted);
		loaded += wanted;
	}
	err = bpf_object__load(object);
	if (err) {
		fprintf(stderr, "bpf-load-check: mode %s: load failed: %s\n", argv[2], strerror(-err));
		goto cleanup;
	}
	bpf_object__for_each_program(program, object) {
		if (!bpf_program__autoload(program) || attached == MAX_LINKS)
			continue;
		links[attached] = bpf_program__attach(program);
		if (!links[attached]) {
			fprintf(stderr, "bpf-load-check: mode %s: attaching %s failed: %s\n", argv[2],
				bpf_program__section_name(program), strerror(errno));
			goto cleanup;
		}
		attached++;
	}
	events = bpf_object__find_map_by_name(object, "events");
	if (!events) {
		fprintf(stderr, "bpf-load-check: %s has no events map\n", argv[1]);
		goto cleanup;
	}
	ring = ring_buffer__new(bpf_map__fd(events), count_event, &seen, NULL);
	if (!ring) {
		fprintf(stderr, "bpf-load-check: ring buffer: %s\n", strerror(errno));
		goto cleanup;
	}
	/* caprec's programs submit without wakeups (the reader drains on a timer): consume. */
	for (int round = 0; round < 20 && !seen; round++) {
		make_check();
		usleep(50 * 1000);
		ring_buffer__consume(ring);
	}
	printf("mode %s: %d programs loaded, %d attached, %d events\n", argv[2], loaded, attached,
	       seen);
	status = loaded > 0 && seen > 0 ? 0 : 1;
cleanup:
	ring_buffer__free(ring);
	while (attached > 0)
		bpf_link__destroy(links[--attached]);
	bpf_object__close(object);
	return status;
}
