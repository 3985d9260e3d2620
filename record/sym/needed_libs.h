/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * needed_libs.h - the shared libraries an executable names (DT_NEEDED), found
 * in the standard library directories, so that build-id frames of a process
 * that exited before its maps were read still name their library even when
 * caprec itself maps none of them (a static caprec).
 */
#ifndef CAPREC_NEEDED_LIBS_H
#define CAPREC_NEEDED_LIBS_H

#include <stddef.h>

#include "build_id_cache.h"

/* Learns the build-ids of exe_path's DT_NEEDED libraries (and their own, one level). */
void needed_libs_learn(struct build_id_cache *c, const char *exe_path);

/*
 * The paths of exe_path's DT_NEEDED libraries and theirs (one level), as
 * found in the standard directories, into paths[0..max). Returns the count.
 */
size_t needed_libs_paths(const char *exe_path, char paths[][4096], size_t max);

#endif /* CAPREC_NEEDED_LIBS_H */
