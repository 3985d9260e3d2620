// SPDX-License-Identifier: GPL-2.0-only
/*
 * fixture.c - writes the known recording described in fixture.h.
 */
#include "fixture.h"

#include <fcntl.h>
#include <unistd.h>

#include "crf_cap_names.h"
#include "crf_writer.h"

#define BOOT_BASE_NS 1000000000ull
#define WALL_BASE_NS 1764374400000000000ull /* 2025-11-29 00:00:00 UTC */

uint64_t fixture_events(uint64_t rounds)
{
	return 4 * rounds + (rounds + 15) / 16;
}

struct ids {
	uint32_t ping, chown, mystery;          /* processes */
	uint32_t k_socket, k_chown, k_mmap, k_bind; /* kernel stacks */
	uint32_t u_socket, u_chown, u_bind;      /* user stacks */
	uint32_t comm_ping, comm_chown, comm_mystery;
};

static int kernel_frame(struct crf_writer *w, const char *module, const char *symbol,
			uint64_t offset, uint32_t *id)
{
	struct crf_frame_def f = {
		.kind = CRF_FRAME_KERNEL, .module = module, .symbol = symbol,
		.symbol_offset = offset,
	};

	return crf_intern_frame(w, &f, id);
}

static int user_frame(struct crf_writer *w, uint32_t binary, const char *symbol,
		      uint64_t symbol_offset, uint64_t file_offset, uint32_t *id)
{
	struct crf_frame_def f = {
		.kind = CRF_FRAME_USER, .symbol = symbol, .symbol_offset = symbol_offset,
		.binary_id = binary, .file_offset = file_offset,
	};

	return crf_intern_frame(w, &f, id);
}

static int define(struct crf_writer *w, struct ids *ids)
{
	static const uint8_t ping_build_id[20] = { 0xab, 0xcd, 0xef, 0x01, 0x02, 0x03 };
	static const uint8_t libc_build_id[20] = { 0x11, 0x22, 0x33, 0x44 };
	uint32_t ping_bin, libc_bin, chown_bin, mystery_bin, f[12];
	struct crf_process_def p = { 0 };
	int rc = 0;

	rc = rc ?: crf_intern_binary(w, "/usr/bin/ping", ping_build_id, sizeof(ping_build_id),
				     &ping_bin);
	rc = rc ?: crf_intern_binary(w, "/usr/lib/x86_64-linux-gnu/libc.so.6", libc_build_id,
				     sizeof(libc_build_id), &libc_bin);
	rc = rc ?: crf_intern_binary(w, "/opt/samples/chown-sample", NULL, 0, &chown_bin);
	rc = rc ?: crf_intern_binary(w, "/tmp/.hidden/mystery", NULL, 0, &mystery_bin);
	rc = rc ?: crf_intern_string(w, "ping", &ids->comm_ping);
	rc = rc ?: crf_intern_string(w, "chown-sample", &ids->comm_chown);
	rc = rc ?: crf_intern_string(w, "mystery", &ids->comm_mystery);
	if (rc)
		return rc;

	p = (struct crf_process_def){ .pid = 100, .ppid = 1, .start_time_ns = 500000000,
				      .exe_binary_id = ping_bin, .uid = 1000, .cgroup_id = 7,
				      .exe_path = "/usr/bin/ping", .cmdline = "ping -c 1 localhost",
				      .comm = "ping", .cgroup_path = "/user.slice/session-1.scope",
				      .container_id = NULL };
	rc = rc ?: crf_define_process(w, &p, &ids->ping);
	p = (struct crf_process_def){ .pid = 200, .ppid = 100, .start_time_ns = 600000000,
				      .parent_id = ids->ping, .exe_binary_id = chown_bin,
				      .uid = 1000, .cgroup_id = 8,
				      .exe_path = "/opt/samples/chown-sample",
				      .cmdline = "chown-sample /etc/passwd", .comm = "chown-sample",
				      .cgroup_path = "/system.slice/docker-0123456789ab.scope",
				      .container_id = "docker:0123456789ab" };
	rc = rc ?: crf_define_process(w, &p, &ids->chown);
	p = (struct crf_process_def){ .pid = 300, .ppid = 1, .start_time_ns = 700000000,
				      .uid = 0, .comm = "mystery" };
	rc = rc ?: crf_define_process(w, &p, &ids->mystery);
	(void)mystery_bin;

	rc = rc ?: kernel_frame(w, NULL, "cap_capable", 0x10, &f[0]);
	rc = rc ?: kernel_frame(w, NULL, "ns_capable", 0x22, &f[1]);
	rc = rc ?: kernel_frame(w, NULL, "__sys_socket", 0x5a, &f[2]);
	rc = rc ?: kernel_frame(w, NULL, "chown_common", 0x101, &f[3]);
	rc = rc ?: kernel_frame(w, NULL, "security_vm_enough_memory_mm", 0x33, &f[4]);
	rc = rc ?: kernel_frame(w, "nf_tables", "nft_bind_check", 0x8, &f[5]);
	rc = rc ?: user_frame(w, libc_bin, "socket", 0x7, 0x12a07, &f[6]);
	rc = rc ?: user_frame(w, ping_bin, "main", 0x1c, 0x401c, &f[7]);
	rc = rc ?: user_frame(w, libc_bin, "__libc_start_main", 0x80, 0x29d90, &f[8]);
	rc = rc ?: user_frame(w, chown_bin, "do_chown", 0x4, 0x1234, &f[9]);
	rc = rc ?: user_frame(w, mystery_bin, NULL, 0, 0xdead, &f[10]);
	if (rc)
		return rc;

	{
		uint32_t k_socket[] = { f[0], f[1], f[2] };
		uint32_t k_chown[] = { f[0], f[3] };
		uint32_t k_mmap[] = { f[0], f[4] };
		uint32_t k_bind[] = { f[0], f[5], f[1] };
		uint32_t u_socket[] = { f[6], f[7], f[8] };
		uint32_t u_chown[] = { f[9], f[8] };
		uint32_t u_bind[] = { f[10] };

		rc = rc ?: crf_intern_stack(w, k_socket, 3, &ids->k_socket);
		rc = rc ?: crf_intern_stack(w, k_chown, 2, &ids->k_chown);
		rc = rc ?: crf_intern_stack(w, k_mmap, 2, &ids->k_mmap);
		rc = rc ?: crf_intern_stack(w, k_bind, 3, &ids->k_bind);
		rc = rc ?: crf_intern_stack(w, u_socket, 3, &ids->u_socket);
		rc = rc ?: crf_intern_stack(w, u_chown, 2, &ids->u_chown);
		rc = rc ?: crf_intern_stack(w, u_bind, 1, &ids->u_bind);
	}
	return rc;
}

static int write_round(struct crf_writer *w, const struct ids *ids, uint64_t round)
{
	uint64_t t = BOOT_BASE_NS + round * 1000;
	struct crf_event_rec e;
	int rc = 0;

	e = (struct crf_event_rec){ .time_ns = t, .process_id = ids->ping, .tid = 100, .uid = 1000,
				    .comm_id = ids->comm_ping, .cap = 13,
				    .flags = CRF_EV_AUDIT | CRF_EV_INSETID_KNOWN | CRF_EV_FINAL_KNOWN,
				    .ret = 0, .final_ret = 0, .syscall_nr = 41, .cgroup_id = 7,
				    .userns_inum = 4026531837u, .userns_level = 0,
				    .kernel_stack_id = ids->k_socket, .user_stack_id = ids->u_socket };
	rc = rc ?: crf_write_event(w, &e);
	e.time_ns = t + 100;
	e.tid = 101;
	rc = rc ?: crf_write_event(w, &e);
	e = (struct crf_event_rec){ .time_ns = t + 200, .process_id = ids->chown, .tid = 200,
				    .uid = 1000, .comm_id = ids->comm_chown, .cap = 0,
				    .flags = CRF_EV_AUDIT | CRF_EV_INSETID_KNOWN, .ret = -1,
				    .syscall_nr = 92, .cgroup_id = 8, .userns_inum = 4026531837u,
				    .kernel_stack_id = ids->k_chown, .user_stack_id = ids->u_chown };
	rc = rc ?: crf_write_event(w, &e);
	e = (struct crf_event_rec){ .time_ns = t + 300, .process_id = ids->chown, .tid = 200,
				    .uid = 1000, .comm_id = ids->comm_chown, .cap = 21,
				    .flags = CRF_EV_INSETID_KNOWN, .ret = 0, .syscall_nr = 9,
				    .cgroup_id = 8, .userns_inum = 4026531837u,
				    .kernel_stack_id = ids->k_mmap };
	rc = rc ?: crf_write_event(w, &e);
	if (round % 16 == 0) {
		e = (struct crf_event_rec){ .time_ns = t + 400, .process_id = ids->mystery,
					    .tid = 300, .uid = 0, .comm_id = ids->comm_mystery,
					    .cap = 10, .flags = CRF_EV_AUDIT | CRF_EV_AUDIT_INFERRED,
					    .ret = 0, .syscall_nr = 49, .cgroup_id = 9,
					    .userns_inum = 4026532000u, .userns_level = 1,
					    .kernel_stack_id = ids->k_bind,
					    .user_stack_id = ids->u_bind };
		rc = rc ?: crf_write_event(w, &e);
	}
	return rc;
}

int fixture_write(int fd, uint64_t rounds, bool clean_end)
{
	static const struct crf_kv metadata[] = {
		{ "host.hostname", "testhost" },
		{ "host.kernel_release", "6.18.0-test" },
		{ "host.machine", "x86_64" },
		{ "host.boot_id", "3f1c2b7a-0000-4000-8000-123456789abc" },
		{ "recorder.version", "0.1.0" },
		{ "recorder.options", "-v -K -U" },
		{ "recorder.attach_mode", "tracepoint" },
		{ "recorder.audit_source", "inferred" },
		{ "recorder.final_verdict", "yes" },
		{ "site.note", "a key no capanalyze column knows" },
	};
	struct crf_writer *w = NULL;
	struct ids ids = { 0 };
	int rc;

	/* Small chunks, so a cut or a flipped byte costs one block of many. */
	struct crf_writer_options opts = { .chunk_max_bytes = 16384 };

	rc = crf_writer_open(&w, fd, &opts);
	rc = rc ?: crf_write_metadata(w, metadata, sizeof(metadata) / sizeof(metadata[0]));
	rc = rc ?: crf_write_cap_names(w, crf_cap_names(), CRF_CAP_COUNT);
	rc = rc ?: crf_write_clock(w, BOOT_BASE_NS, WALL_BASE_NS);
	rc = rc ?: define(w, &ids);
	for (uint64_t round = 0; !rc && round < rounds; round++) {
		rc = write_round(w, &ids, round);
		if (!rc && round == rounds / 2)
			rc = crf_write_loss(w, BOOT_BASE_NS + round * 1000 + 500, 3);
	}
	rc = rc ?: crf_write_process_exit(w, ids.chown, BOOT_BASE_NS + rounds * 1000, 256);
	if (clean_end)
		rc = rc ?: crf_writer_close(w);
	else
		rc = rc ?: crf_writer_flush(w);
	crf_writer_free(w);
	return rc;
}

int fixture_write_file(const char *path, uint64_t rounds, bool clean_end)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc;

	if (fd < 0)
		return -1;
	rc = fixture_write(fd, rounds, clean_end);
	if (close(fd) && !rc)
		rc = -1;
	return rc;
}
