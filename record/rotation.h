/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rotation.h - names of the files of a rotated recording (--max-size):
 * part 0 is FILE, then FILE.1, FILE.2, ... Each part is a complete recording.
 */
#ifndef CAPREC_ROTATION_H
#define CAPREC_ROTATION_H

#include <stddef.h>
#include <stdint.h>

/* Writes the name of part into buf. Returns 0, or -ENAMETOOLONG when it does not fit. */
int rotation_path(char *buf, size_t size, const char *base, uint32_t part);

#endif /* CAPREC_ROTATION_H */
