// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loads caprec's BPF object with only one attach mode's programs enabled (and non-audit
 * checks included), attaches them, makes three capability checks whose facts are known from
 * the kernel source and finds them among its own events:
 *   setrlimit() raising a hard limit  CAP_SYS_RESOURCE, audited
 *   mmap() of private writable memory CAP_SYS_ADMIN from cap_vm_enough_memory(), not audited
 *   setresuid() of the saved uid      CAP_SETUID through ns_capable_setid(), INSETID
 *   a child as nobody reads /proc/1/stat  CAP_SYS_PTRACE, has_ns_capability_noaudit(): not
 *                                     audited, denied
 * This proves, apart from caprec's user side, that a mode's programs pass the verifier of the
 * running kernel, attach, and decode cap_capable()'s arguments exactly (the guests are the only
 * place fentry and kprobe programs load). The tracepoint has no opts: there only the
 * capability, pid, tid and syscall are checked (audit inference needs caprec's caller table).
 *
 * usage: bpf-load-check OBJECT MODE [CHECK...]     MODE: tracepoint | fentry | kprobe
 * CHECKs named after MODE are not expected, for kernel facts the driver established: "mmap"
 * where the kernel inlined cap_capable() into cap_vm_enough_memory() (function probes cannot
 * see that call), "ptrace-read" where do_task_stat() no longer asks ptrace_may_access().
 * Prints a line per check and a summary; exits 0 when every check was seen with the right
 * facts, 1 otherwise (with libbpf's or the mismatch's reason), 2 on bad usage.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "caprec_event.h"

#define MAX_LINKS 32

/* One check this program makes and what its event must say. */
struct expected_check {
	const char *what;
	int cap;
	int syscall_nr;
	bool audit;
	bool insetid;
	int ret;      /* the kernel's answer, known after the call */
	pid_t pid;    /* the process making it */
	bool seen;
	bool not_expected;
	char problem[160];
};

enum { CHECK_RLIMIT, CHECK_MMAP, CHECK_PTRACE, CHECK_SETUID, CHECK_COUNT };

static struct expected_check expected[CHECK_COUNT] = {
	[CHECK_RLIMIT] = { "setrlimit", 24 /* CAP_SYS_RESOURCE */, SYS_setrlimit, true, false },
	[CHECK_MMAP] = { "mmap", 21 /* CAP_SYS_ADMIN */, SYS_mmap, false, false },
	[CHECK_PTRACE] = { "ptrace-read", 19 /* CAP_SYS_PTRACE */, SYS_read, false, false },
	[CHECK_SETUID] = { "setresuid", 7 /* CAP_SETUID */, SYS_setresuid, true, true },
};

static const char *mode;
static pid_t self_pid;

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

/* Sets a const volatile variable of the object's .rodata before load. */
static int set_rodata(struct bpf_object *object, const char *name, const void *value, size_t size)
{
	struct btf *btf = bpf_object__btf(object);
	struct bpf_map *map;
	const struct btf_type *section;
	const struct btf_var_secinfo *var;
	size_t data_size;
	char *data;
	int id;

	bpf_object__for_each_map(map, object)
		if (strstr(bpf_map__name(map), ".rodata"))
			break;
	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	if (!map || id < 0)
		return -ENOENT;
	/* libbpf 1.1 returns it const, yet it is the image load copies: writable until then. */
	data = (char *)(uintptr_t)bpf_map__initial_value(map, &data_size);
	section = btf__type_by_id(btf, id);
	var = btf_var_secinfos(section);
	for (int i = 0; i < btf_vlen(section); i++, var++) {
		const struct btf_type *type = btf__type_by_id(btf, var->type);

		if (strcmp(btf__name_by_offset(btf, type->name_off), name) != 0)
			continue;
		if (!data || var->offset + size > data_size || var->size != size)
			return -EINVAL;
		memcpy(data + var->offset, value, size);
		return 0;
	}
	return -ENOENT;
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct caprec_cap_event *event = data;
	bool opts_known = strcmp(mode, "tracepoint") != 0;

	(void)ctx;
	if (size < sizeof(*event) || event->hdr.kind != CAPREC_REC_CAP)
		return 0;
	for (int i = 0; i < CHECK_COUNT; i++) {
		struct expected_check *check = &expected[i];
		bool audit = event->flags & CAPREC_F_AUDIT;
		bool insetid = event->flags & CAPREC_F_INSETID;

		if (check->seen || event->hdr.pid != (__u32)check->pid || event->cap != check->cap ||
		    event->syscall_nr != check->syscall_nr)
			continue;
		check->seen = true;
		if (event->tid != (__u32)check->pid)
			snprintf(check->problem, sizeof(check->problem), "tid %u, want %d",
				 event->tid, check->pid);
		else if (event->ret != check->ret)
			snprintf(check->problem, sizeof(check->problem), "ret %d, want %d",
				 event->ret, check->ret);
		else if (opts_known && audit != check->audit)
			snprintf(check->problem, sizeof(check->problem), "audit %d, want %d",
				 audit, check->audit);
		else if (opts_known && !(event->flags & CAPREC_F_INSETID_KNOWN))
			snprintf(check->problem, sizeof(check->problem), "insetid unknown");
		else if (opts_known && insetid != check->insetid)
			snprintf(check->problem, sizeof(check->problem), "insetid %d, want %d",
				 insetid, check->insetid);
	}
	return 0;
}

/* Whether a capability is effective: the verdict cap_capable() must return. */
static int answer_for(int cap)
{
	unsigned long long effective = 0;
	char line[256];
	FILE *status = fopen("/proc/self/status", "r");

	while (status && fgets(line, sizeof(line), status))
		if (sscanf(line, "CapEff: %llx", &effective) == 1)
			break;
	if (status)
		fclose(status);
	return (effective >> cap) & 1 ? 0 : -EPERM;
}

/* As nobody, reads root's /proc/1/stat: a different uid, so ptrace_may_access() asks. */
static pid_t read_foreign_stat_in_child(void)
{
	pid_t child = fork();

	if (child == 0) {
		char buffer[512];
		int fd;

		if (syscall(SYS_setresgid, 65534, 65534, 65534) || syscall(SYS_setresuid, 65534,
									   65534, 65534))
			_exit(1);
		fd = open("/proc/1/stat", O_RDONLY);
		_exit(fd >= 0 && syscall(SYS_read, fd, buffer, sizeof(buffer)) > 0 ? 0 : 1);
	}
	if (child > 0)
		waitpid(child, NULL, 0);
	return child;
}

static void make_checks(void)
{
	struct rlimit limit;
	void *memory;

	for (int i = 0; i < CHECK_COUNT; i++)
		expected[i].pid = self_pid;
	expected[CHECK_PTRACE].pid = read_foreign_stat_in_child();
	expected[CHECK_PTRACE].ret = -EPERM;

	if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
		limit.rlim_max += 1;
		expected[CHECK_RLIMIT].ret =
			syscall(SYS_setrlimit, RLIMIT_NOFILE, &limit) == 0 ? 0 : -errno;
	}
	expected[CHECK_MMAP].ret = answer_for(expected[CHECK_MMAP].cap);
	memory = (void *)syscall(SYS_mmap, NULL, 1 << 20, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (memory != MAP_FAILED)
		munmap(memory, 1 << 20);
	/*
	 * A saved uid that is none of the current ids needs CAP_SETUID (setresuid() skips the
	 * check when nothing changes). The last check made: losing the saved uid is harmless.
	 */
	expected[CHECK_SETUID].ret = syscall(SYS_setresuid, -1, -1, 65534) == 0 ? 0 : -errno;
}

static bool all_seen(void)
{
	for (int i = 0; i < CHECK_COUNT; i++)
		if (!expected[i].seen && !expected[i].not_expected)
			return false;
	return true;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[MAX_LINKS];
	struct ring_buffer *ring = NULL;
	struct bpf_object *object = NULL;
	struct bpf_program *program;
	struct bpf_map *events;
	int loaded = 0, attached = 0, status = 1, err;
	bool include_noaudit = true;

	if (argc < 3) {
		fprintf(stderr, "usage: bpf-load-check OBJECT tracepoint|fentry|kprobe [CHECK...]\n");
		return 2;
	}
	for (int arg = 3; arg < argc; arg++) {
		int i = 0;

		while (i < CHECK_COUNT && strcmp(expected[i].what, argv[arg]) != 0)
			i++;
		if (i == CHECK_COUNT) {
			fprintf(stderr, "bpf-load-check: no check named %s\n", argv[arg]);
			return 2;
		}
		expected[i].not_expected = true;
	}
	mode = argv[2];
	self_pid = getpid();
	object = bpf_object__open_file(argv[1], NULL);
	if (!object) {
		fprintf(stderr, "bpf-load-check: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	err = set_rodata(object, "include_noaudit", &include_noaudit, sizeof(include_noaudit));
	if (err) {
		fprintf(stderr, "bpf-load-check: %s: no include_noaudit in .rodata: %s\n", argv[1],
			strerror(-err));
		goto cleanup;
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
	ring = ring_buffer__new(bpf_map__fd(events), on_event, NULL, NULL);
	if (!ring) {
		fprintf(stderr, "bpf-load-check: ring buffer: %s\n", strerror(errno));
		goto cleanup;
	}
	/* caprec's programs submit without wakeups (the reader drains on a timer): consume. */
	make_checks();
	for (int round = 0; round < 20 && !all_seen(); round++) {
		usleep(50 * 1000);
		ring_buffer__consume(ring);
	}
	status = loaded > 0 ? 0 : 1;
	for (int i = 0; i < CHECK_COUNT; i++) {
		const struct expected_check *check = &expected[i];
		const char *problem = !check->seen ? "no event" : check->problem;

		if (check->not_expected) {
			printf("mode %s: %s: not expected on this kernel (%s)\n", mode, check->what,
			       check->seen ? "seen anyway" : "not seen");
			continue;
		}
		printf("mode %s: %s: %s\n", mode, check->what, problem[0] ? problem : "ok");
		if (problem[0])
			status = 1;
	}
	printf("mode %s: %d programs loaded, %d attached, %s\n", mode, loaded, attached,
	       status ? "FAILED" : "every check seen with the right facts");
cleanup:
	ring_buffer__free(ring);
	while (attached > 0)
		bpf_link__destroy(links[--attached]);
	bpf_object__close(object);
	return status;
}
