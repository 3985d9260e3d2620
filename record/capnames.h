/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * capnames.h - capability number -> name (include/uapi/linux/capability.h),
 * bounds-checked: an unknown number gives NULL, never a read past the table.
 */
#ifndef CAPREC_CAPNAMES_H
#define CAPREC_CAPNAMES_H

#include <stdint.h>

#define CAPREC_CAP_COUNT 41 /* CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE (40) */

/* "CAP_CHOWN" for 0, ...; NULL when cap is outside the table. */
const char *caprec_cap_name(int32_t cap);

/* The whole table, for the recording's CAPNAMES block. */
const char *const *caprec_cap_names(void);

#endif /* CAPREC_CAPNAMES_H */
