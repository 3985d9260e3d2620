/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * metadata.h - the METADATA block caprec writes at the start of every file
 * (keys registered in format/FORMAT.md): the host, the recorder and its
 * options. Collected once; only recorder.part changes between rotated files.
 */
#ifndef CAPREC_METADATA_H
#define CAPREC_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crf_writer.h"

#define METADATA_MAX_KEYS 20

struct recording_metadata {
	struct crf_kv kvs[METADATA_MAX_KEYS];
	size_t count;
	char *values[METADATA_MAX_KEYS]; /* owned */
	size_t part_index;               /* index of recorder.part in kvs */
	char part[16];
};

struct metadata_input {
	int argc;                        /* caprec's own command line */
	char **argv;
	const char *options;             /* the options asked, as options_describe() puts them */
	const char *cgroup_path;         /* --cgroup, or NULL */
	char *const *command;            /* -- CMD ARGS... (NULL-terminated), or NULL */
	const char *attach_mode;
	bool audit_inferred;
	bool audit_unknown;              /* inferred mode without the callers' addresses */
	bool final_verdict;
	bool syscall_returns;   /* syscall returns are recorded */
	const uint32_t *pids;            /* the pids traced at start (-p, or the command's) */
	size_t pid_count;
	uint64_t start_realtime_ns;
};

/*
 * A command line longer than a metadata value may be (CRF_MAX_STRING_LEN) is
 * cut to fit and ends with this marker followed by the full length in bytes:
 * the command still runs and the recording says what it lost.
 */
#define METADATA_CUT_MARKER " [... cut, bytes in all: "

/* Collects everything. Returns 0 or -ENOMEM. */
int metadata_collect(struct recording_metadata *m, const struct metadata_input *in);

/* Sets recorder.part. */
void metadata_set_part(struct recording_metadata *m, uint32_t part);

/* Frees the values. Accepts NULL. */
void metadata_release(struct recording_metadata *m);

#endif /* CAPREC_METADATA_H */
