/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_cap_names.h - capability number -> name (include/uapi/linux/capability.h
 * numbering, kernel ABI), the one table caprec writes into recordings and
 * prints live and capanalyze's reports name and parse capabilities with.
 * Bounds-checked: an unknown number gives NULL, never a read past the table.
 */
#ifndef CRF_CAP_NAMES_H
#define CRF_CAP_NAMES_H

#include <stdint.h>

#define CRF_CAP_COUNT 41 /* CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40) */

/* "CAP_CHOWN" for 0, ...; NULL when cap is outside the table. */
const char *crf_cap_name(int32_t cap);

/* The whole table (CRF_CAP_COUNT entries), e.g. for a recording's CAPNAMES block. */
const char *const *crf_cap_names(void);

#endif /* CRF_CAP_NAMES_H */
