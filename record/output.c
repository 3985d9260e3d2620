// SPDX-License-Identifier: GPL-2.0-only
/* output.c - the recording's files and their opening blocks (see output.h). */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crf_cap_names.h"
#include "output_file.h"
#include "rotation.h"

#define OUTPUT_CHUNK_BYTES (64u << 10)

struct output {
	char base[PATH_MAX];
	char path[PATH_MAX];       /* current part's file name */
	bool is_stdout;
	bool force;                /* --force: replace the user's own existing files */
	int fd;
	uint64_t max_size;
	uint32_t part;
	struct crf_writer *writer;
	struct recording_metadata *meta;
	uint64_t last_clock_ns;    /* CLOCK_MONOTONIC of the last anchor */
	struct crf_writer_stats done; /* sums of the closed parts */
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int write_error(struct output *o, int err, const char *what, char *errbuf, size_t errsize)
{
	const struct crf_error *e = o->writer ? crf_writer_error(o->writer) : NULL;

	if (err == CRF_ERR_IO && e && e->sys_errno)
		snprintf(errbuf, errsize, "%s: %s: %s", o->path, what, strerror(e->sys_errno));
	else
		snprintf(errbuf, errsize, "%s: %s: %s", o->path, what, crf_strerror(err));
	return err;
}

static int write_clock(struct output *o)
{
	o->last_clock_ns = clock_ns(CLOCK_MONOTONIC);
	return crf_write_clock(o->writer, clock_ns(CLOCK_BOOTTIME), clock_ns(CLOCK_REALTIME));
}

/* Opens the current part's file and writes its opening blocks. */
static int start_part(struct output *o, char *errbuf, size_t errsize)
{
	struct crf_writer_options wopts = { 0 };
	int err;

	if (o->is_stdout) {
		snprintf(o->path, sizeof(o->path), "(standard output)");
		o->fd = STDOUT_FILENO;
	} else {
		if (rotation_path(o->path, sizeof(o->path), o->base, o->part)) {
			snprintf(errbuf, errsize, "%s: file name too long", o->base);
			return -ENAMETOOLONG;
		}
		o->fd = output_file_create(o->path, o->force, errbuf, errsize);
		if (o->fd < 0)
			return o->fd;
	}
	/*
	 * 64 KiB chunks: what a kill -9 or a full disk can cost stays small, and
	 * zstd still finds the repetition of a storm. Small parts need smaller
	 * chunks: a part ends at the first chunk boundary past max_size.
	 */
	wopts.chunk_max_bytes = OUTPUT_CHUNK_BYTES;
	if (o->max_size && o->max_size / 4 < OUTPUT_CHUNK_BYTES)
		wopts.chunk_max_bytes = o->max_size / 4 < 4096 ? 4096 : (uint32_t)(o->max_size / 4);
	err = crf_writer_open(&o->writer, o->fd, &wopts);
	if (err)
		return write_error(o, err, "starting the recording", errbuf, errsize);
	metadata_set_part(o->meta, o->part);
	err = crf_write_metadata(o->writer, o->meta->kvs, o->meta->count);
	if (!err)
		err = crf_write_cap_names(o->writer, crf_cap_names(), CRF_CAP_COUNT);
	if (!err)
		err = write_clock(o);
	if (err)
		return write_error(o, err, "writing the opening blocks", errbuf, errsize);
	return 0;
}

int output_open(struct output **out, const char *path, uint64_t max_size, unsigned int flags,
		struct recording_metadata *meta, char *errbuf, size_t errsize)
{
	struct output *o = calloc(1, sizeof(*o));
	int err;

	*out = NULL;
	if (!o)
		return -ENOMEM;
	o->fd = -1;
	o->meta = meta;
	o->max_size = max_size;
	o->force = flags & OUTPUT_FORCE;
	o->is_stdout = strcmp(path, "-") == 0;
	snprintf(o->base, sizeof(o->base), "%s", path);
	err = start_part(o, errbuf, errsize);
	if (err) {
		output_free(o);
		return err;
	}
	*out = o;
	return 0;
}

struct crf_writer *output_writer(struct output *o)
{
	return o->writer;
}

uint32_t output_part(const struct output *o)
{
	return o->part;
}

static void add_stats(struct crf_writer_stats *sum, const struct crf_writer_stats *s)
{
	sum->bytes_written += s->bytes_written;
	sum->events += s->events;
	sum->lost += s->lost;
	sum->blocks += s->blocks;
	sum->chunks += s->chunks;
}

static int end_part(struct output *o, char *errbuf, size_t errsize)
{
	struct crf_writer_stats stats;
	int err = crf_writer_close(o->writer);

	if (err)
		return write_error(o, err, "closing the recording", errbuf, errsize);
	crf_writer_stats(o->writer, &stats);
	add_stats(&o->done, &stats);
	crf_writer_free(o->writer);
	o->writer = NULL;
	if (!o->is_stdout) {
		if (fsync(o->fd) && errno != EINVAL) {
			err = -errno;
			snprintf(errbuf, errsize, "%s: %s", o->path, strerror(errno));
			close(o->fd);
			o->fd = -1;
			return err;
		}
		if (close(o->fd)) {
			err = -errno;
			o->fd = -1;
			snprintf(errbuf, errsize, "%s: %s", o->path, strerror(errno));
			return err;
		}
	}
	o->fd = -1;
	return 0;
}

int output_tick(struct output *o, char *errbuf, size_t errsize)
{
	struct crf_writer_stats stats;
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	int err;

	err = crf_writer_tick(o->writer, now);
	if (!err && now - o->last_clock_ns >= OUTPUT_CLOCK_INTERVAL_NS)
		err = write_clock(o);
	if (err)
		return write_error(o, err, "writing", errbuf, errsize);
	if (!o->max_size)
		return 0;
	crf_writer_stats(o->writer, &stats);
	if (stats.bytes_written < o->max_size)
		return 0;
	return output_rotate(o, errbuf, errsize);
}

int output_rotate(struct output *o, char *errbuf, size_t errsize)
{
	int err;

	if (o->is_stdout) {
		snprintf(errbuf, errsize, "standard output cannot be rotated");
		return -ENOTSUP;
	}
	err = end_part(o, errbuf, errsize);
	if (err)
		return err;
	o->part++;
	return start_part(o, errbuf, errsize);
}

int output_close(struct output *o, struct crf_writer_stats *total, char *errbuf, size_t errsize)
{
	int err = 0;

	if (o->writer)
		err = end_part(o, errbuf, errsize);
	*total = o->done;
	return err;
}

void output_free(struct output *o)
{
	if (!o)
		return;
	crf_writer_free(o->writer);
	if (o->fd >= 0 && !o->is_stdout)
		close(o->fd);
	free(o);
}
