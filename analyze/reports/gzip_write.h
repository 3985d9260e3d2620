/* SPDX-License-Identifier: GPL-2.0-only */
/* gzip_write.h - a buffer written as one gzip member (RFC 1952), with zlib. */
#ifndef REPORTS_GZIP_WRITE_H
#define REPORTS_GZIP_WRITE_H

#include <stddef.h>
#include <stdio.h>

/* Compresses data[0..len) into out. Returns 0, -ENOMEM, -EIO (a write failed) or -EPROTO. */
int gzip_write(FILE *out, const void *data, size_t len);

#endif /* REPORTS_GZIP_WRITE_H */
