/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xz_buffer.h - decompresses an xz stream held in memory (liblzma): the
 * .gnu_debugdata section ("MiniDebugInfo") of stripped binaries is an xz
 * compressed ELF file holding their function symbols.
 */
#ifndef CAPREC_XZ_BUFFER_H
#define CAPREC_XZ_BUFFER_H

#include <stddef.h>

/*
 * Decompresses in[0..in_len) into *out (malloc'd, caller frees), at most
 * max bytes. Returns 0, -EBADMSG (not a valid xz stream), -EFBIG (over max),
 * -ENOMEM.
 */
int xz_buffer_decompress(const void *in, size_t in_len, size_t max, void **out,
			 size_t *out_len);

#endif /* CAPREC_XZ_BUFFER_H */
