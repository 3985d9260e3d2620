// SPDX-License-Identifier: GPL-2.0-only
/*
 * make_recording.c - writes the small, deterministic recordings the report
 * tests run on, with the format library's writer (no BPF, no root):
 *
 *   a        a daemon (webd, in a container, with a forked child that never
 *            execs) and a launcher that execs a worker: needed, denied,
 *            non-audit, execve-time and fork-exec window checks, user and
 *            kernel stacks
 *   b        a, plus one capability more (webd opens a raw socket): the
 *            "next release" for diff
 *   hostile  names built to break every output: markup, quotes, ';' and
 *            blanks, control bytes, invalid UTF-8, a very long symbol; a
 *            capability number and a syscall number no kernel defines
 *
 * usage: make_recording a|b|hostile|lossy|container OUT.caprec
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "crf_writer.h"

#define CHECK(expr)                                                                      \
	do {                                                                             \
		int rc_ = (expr);                                                        \
		if (rc_) {                                                               \
			fprintf(stderr, "make_recording: %s: %s\n", #expr,                 \
				crf_strerror(rc_));                                      \
			return -1;                                                       \
		}                                                                        \
	} while (0)

#define NR_MMAP 9
#define NR_SOCKET 41
#define NR_KILL 62
#define NR_BIND 49
#define NR_EXECVE 59
#define NR_CHOWN 92
#define NR_SETUID 105
#define NR_SETGROUPS 116
#define NR_OPENAT 257

static uint64_t clock_ns = 5000000000ull;

/* A user stack from names, outermost first (as people read them), in binary bin. */
static int user_stack(struct crf_writer *w, uint32_t bin, const char *const *names, uint32_t n,
		      uint32_t *id)
{
	uint32_t frames[32];

	for (uint32_t i = 0; i < n; i++) {
		struct crf_frame_def f = {
			.kind = CRF_FRAME_USER,
			.symbol = names[i],
			.symbol_offset = 4 + i,
			.binary_id = bin,
			.file_offset = 0x1000 + 0x10 * i,
		};

		/* The writer wants the innermost frame first. */
		CHECK(crf_intern_frame(w, &f, &frames[n - 1 - i]));
	}
	CHECK(crf_intern_stack(w, frames, n, id));
	return 0;
}

/* A kernel stack: the syscall entry, then path[], then the capability check itself. */
static int kernel_stack(struct crf_writer *w, const char *const *path, uint32_t n, uint32_t *id)
{
	static const char *const entry[] = { "entry_SYSCALL_64_after_hwframe", "do_syscall_64" };
	static const char *const check[] = { "ns_capable", "security_capable", "cap_capable" };
	const char *names[32];
	uint32_t frames[32], count = 0;

	for (uint32_t i = 0; i < 2; i++)
		names[count++] = entry[i];
	for (uint32_t i = 0; i < n; i++)
		names[count++] = path[i];
	for (uint32_t i = 0; i < 3; i++)
		names[count++] = check[i];
	for (uint32_t i = 0; i < count; i++) {
		struct crf_frame_def f = {
			.kind = CRF_FRAME_KERNEL,
			.module = strstr(names[i], "[mod]") ? "<mod>&\"x\"" : NULL,
			.symbol = names[i],
			.symbol_offset = 0x20 + i,
		};

		CHECK(crf_intern_frame(w, &f, &frames[count - 1 - i]));
	}
	CHECK(crf_intern_stack(w, frames, count, id));
	return 0;
}

struct check {
	uint32_t process;
	int cap;
	int audit;
	int denied;
	int syscall_nr;
	uint32_t user_stack;
	uint32_t kernel_stack;
	int times;
};

static int emit(struct crf_writer *w, const struct check *c)
{
	for (int i = 0; i < c->times; i++) {
		struct crf_event_rec ev = {
			.time_ns = clock_ns += 1000,
			.process_id = c->process,
			.tid = 0,
			.uid = 0,
			.cap = c->cap,
			.flags = c->audit ? CRF_EV_AUDIT : 0,
			.ret = c->denied ? -1 : 0,
			.syscall_nr = c->syscall_nr,
			.cgroup_id = 77,
			.userns_inum = 4026531837u,
			.kernel_stack_id = c->kernel_stack,
			.user_stack_id = c->user_stack,
		};

		CHECK(crf_write_event(w, &ev));
	}
	return 0;
}

static int write_release(struct crf_writer *w, int release_b)
{
	static const char *const u_bind[] = { "_start", "__libc_start_main", "main",
					      "listen_socket", "bind" };
	static const char *const k_bind[] = { "__x64_sys_bind", "__sys_bind", "inet_bind" };
	static const char *const u_setuid[] = { "_start", "__libc_start_main", "main",
						"drop_privileges", "setuid" };
	static const char *const k_setuid[] = { "__x64_sys_setuid", "__sys_setuid" };
	static const char *const u_mmap[] = { "_start", "__libc_start_main", "main",
					      "alloc_buffers", "mmap" };
	static const char *const k_mmap[] = { "__x64_sys_mmap", "do_mmap", "__vm_enough_memory",
					      "cap_vm_enough_memory" };
	static const char *const u_open[] = { "_start", "__libc_start_main", "main",
					      "read_config", "open" };
	static const char *const k_open[] = { "__x64_sys_openat", "do_sys_openat2",
					      "generic_permission", "capable_wrt_inode_uidgid" };
	static const char *const u_raw[] = { "_start", "__libc_start_main", "main", "probe_peer",
					     "socket" };
	static const char *const k_raw[] = { "__x64_sys_socket", "__sock_create", "inet_create" };
	static const char *const u_groups[] = { "_start", "main", "spawn_worker", "setgroups" };
	static const char *const k_groups[] = { "__x64_sys_setgroups", "may_setgroups" };
	static const char *const u_chown[] = { "_start", "main", "fix_ownership", "chown" };
	static const char *const k_chown[] = { "__x64_sys_chown", "do_fchownat", "chown_ok" };
	static const char *const k_exec[] = { "__x64_sys_execve", "do_execveat_common",
					      "inode_permission", "generic_permission" };
	static const char *const u_kill[] = { "_start", "__libc_start_main", "main",
					      "reap_children", "kill" };
	static const char *const k_kill[] = { "__x64_sys_kill", "kill_pid_info",
					      "check_kill_permission" };
	uint32_t webd_bin, launcher_bin, worker_bin, webd, webd_child, launcher, worker;
	uint32_t us[9], ks[9];
	static const uint8_t build_id[] = { 0xab, 0xcd, 0xef, 0x01 };

	CHECK(crf_intern_binary(w, "/usr/bin/webd", build_id, sizeof(build_id), &webd_bin));
	CHECK(crf_intern_binary(w, "/usr/bin/launcher", NULL, 0, &launcher_bin));
	CHECK(crf_intern_binary(w, "/usr/bin/worker", NULL, 0, &worker_bin));
	CHECK(crf_define_process(w, &(struct crf_process_def){
		.pid = 100, .ppid = 1, .start_time_ns = 1000, .exe_binary_id = webd_bin,
		.cgroup_id = 77, .exe_path = "/usr/bin/webd", .cmdline = "/usr/bin/webd -d",
		.comm = "webd", .cgroup_path = "/system.slice/docker-abc123.scope",
		.container_id = "docker:abc123" }, &webd));
	/* A forked child that never execs: the recorder does not know its path. */
	CHECK(crf_define_process(w, &(struct crf_process_def){
		.pid = 101, .ppid = 100, .start_time_ns = 1500, .parent_id = webd, .cgroup_id = 77,
		.comm = "webd", .cgroup_path = "/system.slice/docker-abc123.scope",
		.container_id = "docker:abc123" }, &webd_child));
	CHECK(crf_define_process(w, &(struct crf_process_def){
		.pid = 200, .ppid = 1, .start_time_ns = 2000, .exe_binary_id = launcher_bin,
		.cgroup_id = 78, .exe_path = "/usr/bin/launcher", .comm = "launcher",
		.cgroup_path = "/user.slice/session-1.scope" }, &launcher));
	if (user_stack(w, webd_bin, u_bind, 5, &us[0]) || kernel_stack(w, k_bind, 3, &ks[0]) ||
	    user_stack(w, webd_bin, u_setuid, 5, &us[1]) ||
	    kernel_stack(w, k_setuid, 2, &ks[1]) || user_stack(w, webd_bin, u_mmap, 5, &us[2]) ||
	    kernel_stack(w, k_mmap, 4, &ks[2]) || user_stack(w, webd_bin, u_open, 5, &us[3]) ||
	    kernel_stack(w, k_open, 4, &ks[3]) || user_stack(w, webd_bin, u_raw, 5, &us[4]) ||
	    kernel_stack(w, k_raw, 3, &ks[4]) ||
	    user_stack(w, launcher_bin, u_groups, 4, &us[5]) ||
	    kernel_stack(w, k_groups, 2, &ks[5]) || user_stack(w, worker_bin, u_chown, 4, &us[6]) ||
	    kernel_stack(w, k_chown, 3, &ks[6]) || kernel_stack(w, k_exec, 4, &ks[7]) ||
	    user_stack(w, webd_bin, u_kill, 5, &us[8]) || kernel_stack(w, k_kill, 3, &ks[8]))
		return -1;

	const struct check checks[] = {
		{ webd, 10, 1, 0, NR_BIND, us[0], ks[0], 3 },    /* NET_BIND_SERVICE: needed */
		{ webd, 7, 1, 0, NR_SETUID, us[1], ks[1], 1 },   /* SETUID: needed */
		{ webd, 21, 0, 0, NR_MMAP, us[2], ks[2], 5 },    /* SYS_ADMIN: non-audit noise */
		{ webd, 1, 1, 1, NR_OPENAT, us[3], ks[3], 2 },   /* DAC_OVERRIDE: denied */
		{ launcher, 6, 1, 0, NR_SETGROUPS, us[5], ks[5], 1 }, /* SETGID: fork-exec window */
		{ webd_child, 5, 1, 0, NR_KILL, us[8], ks[8], 2 }, /* KILL: needed, webd's child */
	};
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (emit(w, &checks[i]))
			return -1;
	if (release_b) {
		const struct check raw = { webd, 13, 1, 0, NR_SOCKET, us[4], ks[4], 1 };

		if (emit(w, &raw))
			return -1;
	}
	/* The launcher execs the worker: a new image of the same process. */
	CHECK(crf_define_process(w, &(struct crf_process_def){
		.pid = 200, .ppid = 1, .start_time_ns = 2000, .parent_id = 0,
		.exe_binary_id = worker_bin, .cgroup_id = 78, .exe_path = "/usr/bin/worker",
		.comm = "worker", .cgroup_path = "/user.slice/session-1.scope" }, &worker));
	{
		const struct check after[] = {
			{ worker, 2, 1, 0, NR_EXECVE, 0, ks[7], 1 },  /* DAC_READ_SEARCH: exec */
			{ worker, 0, 1, 0, NR_CHOWN, us[6], ks[6], 2 }, /* CHOWN: needed */
		};

		for (size_t i = 0; i < 2; i++)
			if (emit(w, &after[i]))
				return -1;
	}
	return 0;
}

static int write_hostile(struct crf_writer *w)
{
	static const char long_name[] =
		"very_long_symbol_name_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_end";
	static const char *const u_names[] = { "main", "<script>alert(1)</script>",
					       "a;b c", "\"quoted\" & 'single'", "]]><!--x-->",
					       "bad\xff\xfeutf8", "esc\x1b[31mred", long_name };
	static const char *const k_names[] = { "__x64_sys_<evil>", "evil_fn [mod]" };
	uint32_t bin, proc, us, ks;

	CHECK(crf_intern_binary(w, "/opt/<b>&evil\" 'x'/bin;name space", NULL, 0, &bin));
	CHECK(crf_define_process(w, &(struct crf_process_def){
		.pid = 300, .start_time_ns = 3000, .exe_binary_id = bin,
		.exe_path = "/opt/<b>&evil\" 'x'/bin;name space", .comm = "evil\n",
		.container_id = "docker:<i>&" }, &proc));
	if (user_stack(w, bin, u_names, 8, &us) || kernel_stack(w, k_names, 2, &ks))
		return -1;
	{
		/* A capability number no kernel defines, too. */
		const struct check c = { proc, 12, 1, 0, NR_SOCKET, us, ks, 4 };
		const struct check odd = { proc, 1000, 1, 1, 99999, us, ks, 1 };

		return emit(w, &c) || emit(w, &odd);
	}
}

/*
 * One chown check recorded and 500,000 lost: what a gate must never pass.
 * The checks the kernel dropped may have been anything.
 */
static int write_lossy(struct crf_writer *w)
{
	static const char *const u_chown[] = { "_start", "main", "fix_ownership", "chown" };
	static const char *const k_chown[] = { "__x64_sys_chown", "do_fchownat", "chown_ok" };
	uint32_t bin, proc, us, ks;

	CHECK(crf_intern_binary(w, "/usr/bin/worker", NULL, 0, &bin));
	CHECK(crf_define_process(w, &(struct crf_process_def){
		.pid = 400, .start_time_ns = 4000, .exe_binary_id = bin,
		.exe_path = "/usr/bin/worker", .comm = "worker" }, &proc));
	if (user_stack(w, bin, u_chown, 4, &us) || kernel_stack(w, k_chown, 3, &ks))
		return -1;
	CHECK(crf_write_loss(w, 5000, 500000));
	{
		const struct check c = { proc, 0, 1, 0, NR_CHOWN, us, ks, 1 };

		return emit(w, &c);
	}
}

/*
 * A container start: runc's init (re-executed from a memfd, as runc does)
 * mounts the container's file systems in its cgroup, then execs the
 * entrypoint, which binds port 80. The mount is the runtime's, not the
 * image's.
 */
static int write_container(struct crf_writer *w)
{
	static const char *const k_mount[] = { "__x64_sys_mount", "path_mount" };
	static const char *const k_bind[] = { "__x64_sys_bind", "__sys_bind", "inet_bind_sk",
					      "__inet_bind" };
	static const char runc_path[] = "/memfd:runc_cloned:/proc/self/exe (deleted)";
	uint32_t runc_bin, app_bin, runc, app, ks_mount, ks_bind;

	CHECK(crf_intern_binary(w, runc_path, NULL, 0, &runc_bin));
	CHECK(crf_intern_binary(w, "/app/server", NULL, 0, &app_bin));
	CHECK(crf_define_process(w, &(struct crf_process_def){
		.pid = 500, .ppid = 499, .start_time_ns = 5000, .exe_binary_id = runc_bin,
		.cgroup_id = 77, .exe_path = runc_path, .comm = "runc:[2:INIT]",
		.cgroup_path = "/system.slice/docker-abc123.scope",
		.container_id = "docker:abc123" }, &runc));
	if (kernel_stack(w, k_mount, 2, &ks_mount) || kernel_stack(w, k_bind, 4, &ks_bind))
		return -1;
	{
		const struct check mount = { runc, 21, 1, 0, 165, 0, ks_mount, 3 };

		if (emit(w, &mount))
			return -1;
	}
	CHECK(crf_define_process(w, &(struct crf_process_def){
		.pid = 500, .ppid = 499, .start_time_ns = 5000, .exe_binary_id = app_bin,
		.cgroup_id = 77, .exe_path = "/app/server", .comm = "server",
		.cgroup_path = "/system.slice/docker-abc123.scope",
		.container_id = "docker:abc123" }, &app));
	{
		const struct check bind = { app, 10, 1, 0, NR_BIND, 0, ks_bind, 1 };

		return emit(w, &bind);
	}
}

int main(int argc, char **argv)
{
	static const struct crf_kv meta[] = {
		{ "host.hostname", "testhost" },
		{ "host.kernel_release", "6.18.0-test" },
		{ "host.machine", "x86_64" },
		{ "host.boot_id", "00000000-0000-4000-8000-000000000001" },
		{ "recorder.version", "test" },
		{ "recorder.attach_mode", "tracepoint" },
		{ "recorder.audit_source", "exact" },
		{ "recorder.options", "-v -K -U" },
	};
	struct crf_writer *w = NULL;
	int fd, rc = 1;

	if (argc != 3 || (strcmp(argv[1], "a") && strcmp(argv[1], "b") &&
			  strcmp(argv[1], "hostile") && strcmp(argv[1], "lossy") &&
			  strcmp(argv[1], "container"))) {
		fprintf(stderr, "usage: make_recording a|b|hostile|lossy|container OUT.caprec\n");
		return 2;
	}
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	if (crf_writer_open(&w, fd, NULL) || crf_write_metadata(w, meta, 8) ||
	    crf_write_clock(w, 1000, 1700000000000000000ull))
		goto cleanup;
	if (!strcmp(argv[1], "hostile") ? write_hostile(w) :
	    !strcmp(argv[1], "lossy") ? write_lossy(w) :
	    !strcmp(argv[1], "container") ? write_container(w) :
	    write_release(w, argv[1][0] == 'b'))
		goto cleanup;
	if (crf_writer_close(w))
		goto cleanup;
	rc = 0;
cleanup:
	if (rc)
		fprintf(stderr, "make_recording: writing %s failed\n", argv[2]);
	crf_writer_free(w);
	close(fd);
	return rc;
}
