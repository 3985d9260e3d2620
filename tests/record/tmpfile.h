/* SPDX-License-Identifier: GPL-2.0-only */
/* tmpfile.h - crafted input files for the record/sym tests. */
#ifndef CAPREC_TESTS_TMPFILE_H
#define CAPREC_TESTS_TMPFILE_H

/*
 * Writes text to a new file under $TMPDIR (or /tmp) and returns its path in
 * a static buffer (valid until the next call); NULL on failure.
 */
const char *tmpfile_write(const char *text);

/* Removes the file last written. */
void tmpfile_remove(void);

#endif /* CAPREC_TESTS_TMPFILE_H */
