// SPDX-License-Identifier: GPL-2.0-only
/* gzip_write.c - one gzip member from a buffer (see gzip_write.h). */
#include "gzip_write.h"

#include <errno.h>

#include <zlib.h>

/* deflate's windowBits: 15 (a 32 KiB window) + 16 asks for a gzip header and trailer. */
#define GZIP_WINDOW_BITS (15 + 16)

int gzip_write(FILE *out, const void *data, size_t len)
{
	unsigned char chunk[16384];
	z_stream z = { .next_in = (Bytef *)data };
	int zrc, rc = 0;

	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, GZIP_WINDOW_BITS, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	do {
		/* avail_in is an unsigned int: feed a larger buffer a part at a time. */
		if (!z.avail_in && len) {
			z.avail_in = len > (1u << 30) ? (1u << 30) : (uInt)len;
			len -= z.avail_in;
		}
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zrc = deflate(&z, len || z.avail_in ? Z_NO_FLUSH : Z_FINISH);
		if (zrc == Z_STREAM_ERROR) {
			rc = -EPROTO;
			break;
		}
		if (fwrite(chunk, 1, sizeof(chunk) - z.avail_out, out) !=
		    sizeof(chunk) - z.avail_out) {
			rc = -EIO;
			break;
		}
	} while (zrc != Z_STREAM_END);
	deflateEnd(&z);
	if (!rc && fflush(out))
		rc = -EIO;
	return rc;
}
