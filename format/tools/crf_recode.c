// SPDX-License-Identifier: GPL-2.0-only
/*
 * crf_recode - writes a recording again with this library's writer: a 1.0
 * recording becomes a current-version one holding the same events, and a
 * format change can be measured on the very same events.
 *
 *   crf_recode IN OUT    (OUT is created with mode 0600, like caprec's files)
 *
 * Chunks end where the input's chunks end, and close when full at 64 KiB of
 * content as caprec's do, so a recording made by caprec compares like for
 * like. Exit status: 0 done, 1 unreadable input or failed output, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "recode.h"

int main(int argc, char **argv)
{
	struct crf_writer_options opts = { .chunk_max_bytes = 64u << 10 };
	struct recode_totals totals;
	struct crf_error err = { 0 };
	int in = -1, out = -1, ret, status = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: crf_recode IN OUT\n");
		return 2;
	}
	in = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		fprintf(stderr, "crf_recode: %s: %s\n", argv[1], strerror(errno));
		goto cleanup;
	}
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		fprintf(stderr, "crf_recode: %s: %s\n", argv[2], strerror(errno));
		goto cleanup;
	}
	ret = recode(in, out, &opts, &totals, &err);
	if (ret) {
		/* Reader errors are about IN, writer errors about OUT: err says where. */
		fprintf(stderr, "crf_recode: %s -> %s: %s (at byte %llu)\n", argv[1], argv[2],
			err.detail ? err.detail : crf_strerror(ret),
			(unsigned long long)err.offset);
		unlink(argv[2]); /* a partial copy is of no use */
		goto cleanup;
	}
	printf("%s: %llu events, %llu bytes -> %s: %llu bytes", argv[1],
	       (unsigned long long)totals.events, (unsigned long long)totals.bytes_in, argv[2],
	       (unsigned long long)totals.bytes_out);
	if (totals.dropped)
		printf(" (%llu events dropped: their process was lost to damage)",
		       (unsigned long long)totals.dropped);
	printf("\n");
	status = 0;
cleanup:
	if (out >= 0 && close(out) && !status) {
		fprintf(stderr, "crf_recode: %s: %s\n", argv[2], strerror(errno));
		status = 1;
	}
	if (in >= 0)
		close(in);
	return status;
}
