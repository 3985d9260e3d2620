// SPDX-License-Identifier: GPL-2.0-only
/*
 * make_corpus.c - writes the fuzzer's seed corpus with the real writer:
 * small recordings that between them hold every block and record type,
 * so the fuzzer starts from valid structure instead of guessing checksums.
 * Usage: make_corpus DIR [BODIES_DIR]
 * With BODIES_DIR, also writes every block body of those recordings in the
 * input form of fuzz_block_bodies (type byte, then the body; for a chunk,
 * its decompressed records).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "crf_bytes.h"
#include "crf_layout.h"
#include "crf_writer.h"

/* One recording: nprocs processes, nevents events, chunks of chunk_bytes. */
static int write_seed(const char *dir, const char *name, uint32_t nprocs, uint32_t nevents,
		      uint32_t chunk_bytes, bool with_end)
{
	static const char *const caps[] = { "cap_chown", "cap_dac_override", NULL, "cap_fowner" };
	static const uint8_t build_id[20] = { 0x12, 0x34, 0x56, 0x78, 0x9a };
	struct crf_writer_options opts = { .chunk_max_bytes = chunk_bytes };
	struct crf_kv kvs[] = { { "host.hostname", "seed" }, { "recorder.options", "-v -K -U" } };
	struct crf_frame_def kf = { .kind = CRF_FRAME_KERNEL, .symbol = "ns_capable" };
	struct crf_frame_def uf = { .kind = CRF_FRAME_USER, .symbol = "main", .file_offset = 64 };
	struct crf_writer *w = NULL;
	uint32_t bin, frames[2], kstack, ustack, comm, procs[16];
	char path[4096];
	uint32_t i;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "make_corpus: %s: %s\n", path, strerror(errno));
		return 1;
	}
	ret = crf_writer_open(&w, fd, &opts);
	if (!ret)
		ret = crf_write_metadata(w, kvs, 2);
	if (!ret)
		ret = crf_write_cap_names(w, caps, 4);
	if (!ret)
		ret = crf_write_clock(w, 1000, 1700000000000000000ull);
	if (!ret)
		ret = crf_intern_binary(w, "/usr/bin/seed", build_id, sizeof(build_id), &bin);
	for (i = 0; !ret && i < nprocs && i < 16; i++) {
		struct crf_process_def p = { .pid = 100 + i, .ppid = 1, .exe_binary_id = bin,
					     .comm = "seed", .cmdline = "seed --run",
					     .cgroup_path = "/user.slice", .container_id = "docker:ab" };

		p.parent_id = i ? procs[0] : 0;
		ret = crf_define_process(w, &p, &procs[i]);
	}
	if (!ret)
		ret = crf_intern_frame(w, &kf, &frames[0]);
	kf.module = "ext4";
	kf.symbol = "ext4_setattr";
	if (!ret)
		ret = crf_intern_frame(w, &kf, &frames[1]);
	if (!ret)
		ret = crf_intern_stack(w, frames, 2, &kstack);
	uf.binary_id = bin;
	if (!ret)
		ret = crf_intern_frame(w, &uf, &frames[0]);
	if (!ret)
		ret = crf_intern_stack(w, frames, 1, &ustack);
	if (!ret)
		ret = crf_intern_string(w, "seed-thread", &comm);
	for (i = 0; !ret && i < nevents; i++) {
		struct crf_event_rec ev = {
			.time_ns = 5000 + i * 1500ull, .process_id = procs[i % nprocs],
			.tid = 100 + i % 3, .comm_id = comm, .cap = (int32_t)(i % 5),
			.flags = CRF_EV_AUDIT | (i % 2 ? CRF_EV_FINAL_KNOWN : 0),
			.ret = i % 3 ? 0 : -1, .syscall_nr = (int32_t)(i % 7) - 1,
			.kernel_stack_id = i % 2 ? kstack : 0, .user_stack_id = i % 3 ? ustack : 0,
			.userns_level = i % 4 == 0,
		};

		ret = crf_write_event(w, &ev);
		if (!ret && i == nevents / 2)
			ret = crf_write_loss(w, ev.time_ns, 3);
	}
	if (!ret && nprocs > 1)
		ret = crf_write_process_exit(w, procs[1], 1000000, 9);
	if (!ret && with_end)
		ret = crf_writer_close(w);
	else if (!ret)
		ret = crf_writer_flush(w);
	crf_writer_free(w);
	close(fd);
	if (ret)
		fprintf(stderr, "make_corpus: %s: %s\n", path, crf_strerror(ret));
	return ret ? 1 : 0;
}

/*
 * Decompresses a CHUNK body into out (at most CRF_MAX_CHUNK_UNCOMPRESSED):
 * codec 1 on its own, codec 2 with the previous chunk's content (prev,
 * prev_len) as its prefix. Returns the content size, or 0 on failure.
 */
static size_t chunk_content(ZSTD_DCtx *dctx, const uint8_t *body, uint32_t body_len,
			    const uint8_t *prev, size_t prev_len, uint8_t *out)
{
	uint32_t codec = crf_get_le32(body + 12), prefix_len;
	size_t head = CRF_CHUNK_HEADER_SIZE, got;

	if (codec == CRF_CHUNK_CODEC_ZSTD_LINKED) {
		head += CRF_CHUNK_LINK_SIZE;
		prefix_len = crf_get_le32(body + CRF_CHUNK_OFF_PREFIX_LEN);
		if (prefix_len > prev_len ||
		    ZSTD_isError(ZSTD_DCtx_refPrefix(dctx, prev + prev_len - prefix_len,
						     prefix_len)))
			return 0;
	}
	got = ZSTD_decompressDCtx(dctx, out, CRF_MAX_CHUNK_UNCOMPRESSED, body + head,
				  body_len - head);
	return ZSTD_isError(got) ? 0 : got;
}

/*
 * Splits dir/name into block bodies, written as bodies_dir/name.N, in the
 * input format of fuzz_block_bodies (see there).
 */
static int write_bodies(const char *dir, const char *name, const char *bodies_dir)
{
	char path[4096];
	uint8_t file[1 << 16], *out = NULL, *prev = NULL;
	size_t off = CRF_FILE_HEADER_SIZE, n = 0, prev_len = 0;
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	ssize_t len;
	int fd, failed = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	len = read(fd, file, sizeof(file));
	close(fd);
	out = malloc(3 + CRF_MAX_CHUNK_UNCOMPRESSED);
	prev = malloc(CRF_MAX_CHUNK_UNCOMPRESSED);
	if (len < 0 || !out || !prev || !dctx) {
		failed = 1;
		goto cleanup;
	}
	while (off + CRF_BLOCK_MIN_SIZE <= (size_t)len) {
		uint32_t type = crf_get_le32(file + off), total = crf_get_le32(file + off + 4);
		uint32_t body_len = crf_get_le32(file + off + 8);
		const uint8_t *body = file + off + CRF_BLOCK_HEADER_SIZE;
		size_t out_len;

		if (total < CRF_BLOCK_MIN_SIZE || off + total > (size_t)len)
			break;
		out[0] = (uint8_t)(type - 1); /* fuzz_block_bodies maps byte b to type 1 + b % 7 */
		if (type == CRF_BLOCK_CHUNK) {
			bool linked = crf_get_le32(body + 12) == CRF_CHUNK_CODEC_ZSTD_LINKED;
			size_t head = linked ? 3 : 1;
			size_t got = chunk_content(dctx, body, body_len, prev, prev_len, out + head);

			if (!got) {
				failed = 1;
				break;
			}
			memcpy(prev, out + head, got);
			prev_len = got;
			if (linked) {
				out[0] += 7; /* b / 7 odd: codec 2, event_count first */
				crf_put_le16(out + 1, (uint16_t)crf_get_le32(body + 4));
			}
			out_len = head + got;
		} else {
			memcpy(out + 1, body, body_len);
			out_len = 1 + body_len;
		}
		snprintf(path, sizeof(path), "%s/%s.%zu", bodies_dir, name, n++);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, out, out_len) != (ssize_t)out_len)
			failed = 1;
		if (fd >= 0)
			close(fd);
		off += total;
	}
cleanup:
	ZSTD_freeDCtx(dctx);
	free(prev);
	free(out);
	return failed;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "seed-small.crf", "seed-many-chunks.crf",
					     "seed-no-end.crf", "seed-one-process.crf" };
	int failed = 0;
	size_t i;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s DIR [BODIES_DIR]\n", argv[0]);
		return 2;
	}
	failed |= write_seed(argv[1], names[0], 3, 12, 256, true);
	failed |= write_seed(argv[1], names[1], 2, 60, 96, true);
	failed |= write_seed(argv[1], names[2], 4, 20, 4096, false);
	failed |= write_seed(argv[1], names[3], 1, 3, 4096, true);
	for (i = 0; argc == 3 && i < sizeof(names) / sizeof(names[0]); i++)
		failed |= write_bodies(argv[1], names[i], argv[2]);
	return failed;
}
