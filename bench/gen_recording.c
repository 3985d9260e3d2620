// SPDX-License-Identifier: GPL-2.0-only
/*
 * gen_recording - writes a synthetic recording of N capability checks with the
 * variety of a real host, for capanalyze's load and report benchmarks (1 M and
 * 10 M events take hours to record at realistic rates; this takes seconds).
 *
 * What it imitates (deterministic from --seed): a few dozen executables with
 * build-ids, a few hundred process images (forks, execs, exits), capability
 * checks skewed as on a real host (mostly non-audit CAP_SYS_ADMIN from memory
 * accounting, then CAP_DAC_OVERRIDE, CAP_CHOWN, CAP_NET_BIND_SERVICE, ...),
 * each (executable, capability) with its own handful of kernel and user call
 * paths, time gaps drawn from an exponential distribution, and an occasional
 * loss. Prints one key=value line on stderr with the writer's speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crf_clock.h"
#include "crf_writer.h"

#define EXECUTABLES 40
#define PROCESSES_PER_EXE 8
#define KERNEL_PATHS_PER_CAP 6
#define USER_PATHS_PER_EXE_CAP 5
#define MAX_DEPTH 32

struct rng {
	uint64_t state;
};

/* xorshift64*: fast, deterministic, good enough for workload shapes. */
static uint64_t rng_next(struct rng *r)
{
	r->state ^= r->state >> 12;
	r->state ^= r->state << 25;
	r->state ^= r->state >> 27;
	return r->state * 2685821657736338717ull;
}

static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)((rng_next(r) >> 32) * n >> 32);
}

static double rng_unit(struct rng *r)
{
	return (rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* How often each capability is checked on a busy host, and how. */
struct cap_profile {
	int cap;
	const char *name;
	unsigned int weight;
	int syscall_nr;      /* typical syscall (x86-64) */
	const char *entry;   /* the kernel function below the capability helper */
	const char *helper;  /* capable(), ns_capable_noaudit(), ... */
	unsigned int flags;
	int denied_per_mille;
};

static const struct cap_profile caps[] = {
	{ 21, "cap_sys_admin", 600, 9, "__vm_enough_memory", "cap_vm_enough_memory", 0, 0 },
	{ 1, "cap_dac_override", 120, 257, "generic_permission", "capable_wrt_inode_uidgid",
	  CRF_EV_AUDIT, 50 },
	{ 2, "cap_dac_read_search", 60, 257, "generic_permission", "capable_wrt_inode_uidgid",
	  CRF_EV_AUDIT, 20 },
	{ 0, "cap_chown", 40, 92, "chown_ok", "capable_wrt_inode_uidgid", CRF_EV_AUDIT, 100 },
	{ 3, "cap_fowner", 40, 90, "inode_owner_or_capable", "capable_wrt_inode_uidgid",
	  CRF_EV_AUDIT, 30 },
	{ 10, "cap_net_bind_service", 20, 49, "inet_bind_sk", "ns_capable", CRF_EV_AUDIT, 200 },
	{ 12, "cap_net_admin", 30, 54, "sock_setsockopt", "ns_capable", CRF_EV_AUDIT, 100 },
	{ 13, "cap_net_raw", 10, 41, "inet_create", "ns_capable", CRF_EV_AUDIT, 300 },
	{ 6, "cap_setgid", 15, 116, "__sys_setgroups", "ns_capable_setid",
	  CRF_EV_AUDIT | CRF_EV_INSETID, 10 },
	{ 7, "cap_setuid", 15, 105, "__sys_setuid", "ns_capable_setid",
	  CRF_EV_AUDIT | CRF_EV_INSETID, 10 },
	{ 24, "cap_sys_resource", 20, 160, "do_prlimit", "capable", CRF_EV_AUDIT, 500 },
	{ 19, "cap_sys_ptrace", 20, 0, "ptrace_has_cap", "has_ns_capability_noaudit", 0, 600 },
	{ 23, "cap_sys_nice", 10, 141, "set_one_prio", "capable", CRF_EV_AUDIT, 400 },
};
#define CAP_PROFILES (sizeof(caps) / sizeof(caps[0]))

static const char *const kernel_common[] = {
	"entry_SYSCALL_64_after_hwframe", "do_syscall_64", "x64_sys_call",
};
static const char *const kernel_middle[] = {
	"do_sys_openat2", "path_openat", "link_path_walk", "vfs_fchown", "chown_common",
	"notify_change", "__sys_bind", "do_mmap", "mmap_region", "__x64_sys_setrlimit",
	"do_sock_setsockopt", "__sys_socket", "sock_create", "security_file_open",
	"may_open", "inode_permission", "setattr_prepare", "vfs_setxattr",
};
static const char *const user_symbols[] = {
	"main", "__libc_start_call_main", "__libc_start_main_impl", "_start", "run_worker",
	"handle_request", "open_config", "bind_listener", "drop_privileges", "setup_sockets",
	"chown_runtime_dir", "mmap_arena", "malloc", "_int_malloc", "sysmalloc", "__open64",
	"__fchown", "__bind", "setrlimit64", "__setgroups", "__setresuid", "socket",
	"load_plugins", "dlopen", "_dl_map_object", "g_main_loop_run", "event_loop",
	"process_job", "log_rotate", "spawn_child",
};
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const exe_names[] = {
	"nginx", "sshd", "systemd", "containerd", "dockerd", "python3", "node", "java",
	"postgres", "redis-server", "bash", "sudo", "cron", "rsyslogd", "chronyd", "dbus-daemon",
	"NetworkManager", "polkitd", "udevadm", "journald", "kubelet", "runc", "ping", "tar",
	"cp", "chown", "make", "gcc", "ld", "git",
};

struct gen {
	struct crf_writer *w;
	struct rng rng;
	uint32_t exe_binary[EXECUTABLES];
	uint32_t libc_binary;
	uint32_t exe_comm[EXECUTABLES];
	uint32_t process[EXECUTABLES][PROCESSES_PER_EXE];
	uint32_t process_pid[EXECUTABLES][PROCESSES_PER_EXE];
	uint32_t kernel_stack[CAP_PROFILES][KERNEL_PATHS_PER_CAP];
	uint32_t user_stack[EXECUTABLES][CAP_PROFILES][USER_PATHS_PER_EXE_CAP];
	uint32_t next_pid;
	uint64_t time_ns;
};

static int kernel_frame(struct gen *g, const char *symbol, uint32_t *id)
{
	struct crf_frame_def f = {
		.kind = CRF_FRAME_KERNEL,
		.module = "",
		.symbol = symbol,
		.symbol_offset = 0x10 + rng_below(&g->rng, 0x200),
	};

	return crf_intern_frame(g->w, &f, id);
}

static int define_kernel_stacks(struct gen *g)
{
	uint32_t frames[MAX_DEPTH];
	int err;

	for (size_t c = 0; c < CAP_PROFILES; c++) {
		for (int p = 0; p < KERNEL_PATHS_PER_CAP; p++) {
			uint32_t depth = 0, middle = 2 + rng_below(&g->rng, 8);

			if ((err = kernel_frame(g, caps[c].helper, &frames[depth++])))
				return err;
			if ((err = kernel_frame(g, caps[c].entry, &frames[depth++])))
				return err;
			for (uint32_t m = 0; m < middle; m++) {
				const char *s = kernel_middle[rng_below(&g->rng,
									ARRAY_LEN(kernel_middle))];

				if ((err = kernel_frame(g, s, &frames[depth++])))
					return err;
			}
			for (size_t k = ARRAY_LEN(kernel_common); k-- > 0;)
				if ((err = kernel_frame(g, kernel_common[k], &frames[depth++])))
					return err;
			err = crf_intern_stack(g->w, frames, depth, &g->kernel_stack[c][p]);
			if (err)
				return err;
		}
	}
	return 0;
}

static int user_frame(struct gen *g, uint32_t binary, const char *symbol, uint32_t *id)
{
	struct crf_frame_def f = {
		.kind = CRF_FRAME_USER,
		.symbol = symbol,
		.symbol_offset = rng_below(&g->rng, 0x400),
		.binary_id = binary,
		.file_offset = 0x1000 + rng_below(&g->rng, 1u << 20),
	};

	return crf_intern_frame(g->w, &f, id);
}

static int define_user_stacks(struct gen *g, int exe)
{
	uint32_t frames[MAX_DEPTH];
	int err;

	for (size_t c = 0; c < CAP_PROFILES; c++) {
		for (int p = 0; p < USER_PATHS_PER_EXE_CAP; p++) {
			uint32_t depth = 0, middle = 3 + rng_below(&g->rng, 12);

			/* libc wrapper innermost, the program's own frames, then the start-up. */
			if ((err = user_frame(g, g->libc_binary, user_symbols[15 + c % 7],
					      &frames[depth++])))
				return err;
			for (uint32_t m = 0; m < middle; m++) {
				const char *s = user_symbols[4 + rng_below(&g->rng, 26)];

				if ((err = user_frame(g, g->exe_binary[exe], s, &frames[depth++])))
					return err;
			}
			if ((err = user_frame(g, g->exe_binary[exe], "main", &frames[depth++])) ||
			    (err = user_frame(g, g->libc_binary, "__libc_start_main_impl",
					      &frames[depth++])) ||
			    (err = user_frame(g, g->exe_binary[exe], "_start", &frames[depth++])))
				return err;
			err = crf_intern_stack(g->w, frames, depth, &g->user_stack[exe][c][p]);
			if (err)
				return err;
		}
	}
	return 0;
}

static int define_process(struct gen *g, int exe, int slot, uint32_t parent_id)
{
	char path[128], cmdline[256], cgroup[128];
	const char *name = exe_names[exe % ARRAY_LEN(exe_names)];
	struct crf_process_def p = { 0 };
	uint32_t pid = g->next_pid++;
	int err;

	snprintf(path, sizeof(path), "/usr/sbin/%s%s", name, exe >= 30 ? "-helper" : "");
	snprintf(cmdline, sizeof(cmdline), "%s --config /etc/%s/%s.conf --worker %d", path, name,
		 name, slot);
	snprintf(cgroup, sizeof(cgroup), "/system.slice/%s.service", name);
	p.pid = pid;
	p.ppid = 1;
	p.start_time_ns = g->time_ns;
	p.parent_id = parent_id;
	p.exe_binary_id = g->exe_binary[exe];
	p.uid = exe % 3 ? 0 : 1000 + exe;
	p.cgroup_id = 4000 + exe;
	p.exe_path = path;
	p.cmdline = cmdline;
	p.comm = name;
	p.cgroup_path = cgroup;
	p.container_id = exe % 5 == 0 ? "docker:4f1c2a9e8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0" : NULL;
	err = crf_define_process(g->w, &p, &g->process[exe][slot]);
	g->process_pid[exe][slot] = pid;
	return err;
}

static int define_world(struct gen *g)
{
	uint8_t build_id[20];
	char path[128];
	int err;

	for (size_t i = 0; i < sizeof(build_id); i++)
		build_id[i] = (uint8_t)rng_next(&g->rng);
	err = crf_intern_binary(g->w, "/usr/lib/x86_64-linux-gnu/libc.so.6", build_id,
				sizeof(build_id), &g->libc_binary);
	for (int exe = 0; !err && exe < EXECUTABLES; exe++) {
		const char *name = exe_names[exe % ARRAY_LEN(exe_names)];

		for (size_t i = 0; i < sizeof(build_id); i++)
			build_id[i] = (uint8_t)rng_next(&g->rng);
		snprintf(path, sizeof(path), "/usr/sbin/%s%s", name, exe >= 30 ? "-helper" : "");
		err = crf_intern_binary(g->w, path, build_id, sizeof(build_id),
					&g->exe_binary[exe]);
		if (!err)
			err = crf_intern_string(g->w, name, &g->exe_comm[exe]);
		for (int slot = 0; !err && slot < PROCESSES_PER_EXE; slot++)
			err = define_process(g, exe, slot, 0);
		if (!err)
			err = define_user_stacks(g, exe);
	}
	if (!err)
		err = define_kernel_stacks(g);
	return err;
}

/* Picks an executable: a few are much busier than the rest (Zipf-like). */
static int pick_exe(struct gen *g)
{
	double u = rng_unit(&g->rng);

	return (int)(EXECUTABLES * u * u * u);
}

static size_t pick_cap(struct gen *g)
{
	static unsigned int total;
	uint32_t x;

	if (!total)
		for (size_t c = 0; c < CAP_PROFILES; c++)
			total += caps[c].weight;
	x = rng_below(&g->rng, total);
	for (size_t c = 0; c < CAP_PROFILES; c++) {
		if (x < caps[c].weight)
			return c;
		x -= caps[c].weight;
	}
	return 0;
}

static int write_events(struct gen *g, uint64_t count, uint64_t loss_every)
{
	int err = 0;

	for (uint64_t i = 0; i < count && !err; i++) {
		int exe = pick_exe(g);
		int slot = (int)rng_below(&g->rng, PROCESSES_PER_EXE);
		size_t c = pick_cap(g);
		const struct cap_profile *cp = &caps[c];
		bool denied = rng_below(&g->rng, 1000) < (uint32_t)cp->denied_per_mille;
		struct crf_event_rec ev = {
			.process_id = g->process[exe][slot],
			.tid = g->process_pid[exe][slot] + (rng_below(&g->rng, 4) ? 0 : 1 +
							      rng_below(&g->rng, 3)),
			.uid = exe % 3 ? 0 : 1000 + exe,
			.comm_id = g->exe_comm[exe],
			.cap = cp->cap,
			.flags = cp->flags | CRF_EV_AUDIT_INFERRED,
			.ret = denied ? -1 : 0,
			.final_ret = denied ? -1 : 0,
			.syscall_nr = cp->syscall_nr,
			.cgroup_id = 4000 + exe,
			.userns_inum = 4026531837u,
			.userns_level = 0,
			.kernel_stack_id = g->kernel_stack[c][rng_below(&g->rng, KERNEL_PATHS_PER_CAP)],
			.user_stack_id = g->user_stack[exe][c][rng_below(&g->rng,
									   USER_PATHS_PER_EXE_CAP)],
		};

		/* Gaps of 20 us on average, some bursts, some idle time. */
		g->time_ns += (uint64_t)(-log(1.0 - rng_unit(&g->rng)) * 20000.0) + 50;
		ev.time_ns = g->time_ns;
		err = crf_write_event(g->w, &ev);
		/* Now and then a process exits and its slot is taken by a fresh exec. */
		if (!err && rng_below(&g->rng, 20000) == 0) {
			err = crf_write_process_exit(g->w, g->process[exe][slot], g->time_ns, 0);
			if (!err)
				err = define_process(g, exe, slot, g->process[exe][slot]);
		}
		if (!err && loss_every && (i + 1) % loss_every == 0)
			err = crf_write_loss(g->w, g->time_ns, 1 + rng_below(&g->rng, 100));
		if (!err && (i & 0xffff) == 0)
			err = crf_writer_tick(g->w, crf_clock_ns(CLOCK_MONOTONIC));
	}
	return err;
}

static int write_header_blocks(struct gen *g)
{
	static const struct crf_kv meta[] = {
		{ "hostname", "bench-synthetic" },
		{ "kernel_release", "6.18.0-synthetic" },
		{ "recorder", "gen_recording (bench)" },
		{ "attach_mode", "tracepoint" },
		{ "synthetic", "1" },
	};
	const char *names[41] = { 0 };
	int err;

	for (size_t c = 0; c < CAP_PROFILES; c++)
		names[caps[c].cap] = caps[c].name;
	err = crf_write_metadata(g->w, meta, ARRAY_LEN(meta));
	if (!err)
		err = crf_write_cap_names(g->w, names, 41);
	if (!err)
		err = crf_write_clock(g->w, g->time_ns, 1764380000ull * 1000000000ull);
	return err;
}

int main(int argc, char **argv)
{
	static struct gen g; /* large: keep it off the stack */
	const char *out_path = NULL;
	uint64_t count = 1000000, loss_every = 0;
	struct crf_writer_stats stats;
	double started;
	int opt, fd = -1, err, ret = 1;

	g.rng.state = 0x9e3779b97f4a7c15ull;
	while ((opt = getopt(argc, argv, "n:o:s:l:h")) != -1) {
		switch (opt) {
		case 'n':
			count = strtoull(optarg, NULL, 10);
			break;
		case 'o':
			out_path = optarg;
			break;
		case 's':
			g.rng.state = strtoull(optarg, NULL, 0) | 1;
			break;
		case 'l':
			loss_every = strtoull(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: gen_recording -o FILE [-n EVENTS] [-s SEED] "
					"[-l LOSS_EVERY_N_EVENTS]\n");
			return 2;
		}
	}
	if (!out_path) {
		fprintf(stderr, "gen_recording: -o FILE is required\n");
		return 2;
	}
	fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "gen_recording: %s: %s\n", out_path, strerror(errno));
		return 1;
	}
	g.next_pid = 1000;
	g.time_ns = 5000000000ull;
	started = (double)crf_clock_ns(CLOCK_MONOTONIC) / 1e9;
	err = crf_writer_open(&g.w, fd, NULL);
	if (!err)
		err = write_header_blocks(&g);
	if (!err)
		err = define_world(&g);
	if (!err)
		err = write_events(&g, count, loss_every);
	if (!err)
		err = crf_writer_close(g.w);
	if (err) {
		const struct crf_error *e = g.w ? crf_writer_error(g.w) : NULL;

		fprintf(stderr, "gen_recording: %s: %s%s%s\n", out_path, crf_strerror(err),
			e && e->sys_errno ? ": " : "", e && e->sys_errno ? strerror(e->sys_errno) : "");
		goto cleanup;
	}
	crf_writer_stats(g.w, &stats);
	fprintf(stderr, "events=%llu lost=%llu bytes=%llu bytes_per_event=%.2f seconds=%.3f "
		"write_events_per_s=%.0f\n", (unsigned long long)stats.events,
		(unsigned long long)stats.lost, (unsigned long long)stats.bytes_written,
		(double)stats.bytes_written / (stats.events ? stats.events : 1),
		(double)crf_clock_ns(CLOCK_MONOTONIC) / 1e9 - started, stats.events / ((double)crf_clock_ns(CLOCK_MONOTONIC) / 1e9 - started));
	ret = 0;
cleanup:
	crf_writer_free(g.w);
	if (fd >= 0 && close(fd) && !ret) {
		fprintf(stderr, "gen_recording: %s: %s\n", out_path, strerror(errno));
		ret = 1;
	}
	return ret;
}
