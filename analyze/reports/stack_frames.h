/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stack_frames.h - the frames of a stored stack, root (outermost) first,
 * with their display names and their stable keys.
 *
 * A stable key names a frame the same way in every recording, boot and host
 * (SCHEMA.md "Stable keys"), so two databases can be compared: a user frame
 * by its symbol when resolved, else by (build-id or binary path, file
 * offset); a kernel frame by (module, symbol, offset). Never by address.
 */
#ifndef REPORTS_STACK_FRAMES_H
#define REPORTS_STACK_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "strbuf.h"

struct stack_frames;

/* Prepares the queries on db (not owned). Returns 0 and *out, or a SQLite code. */
int stack_frames_new(sqlite3 *db, struct stack_frames **out);

/*
 * Reads stack stack_id (0 or a missing id: no frames). On success returns 0
 * with *names[0..*depth) the frame names (owned by sf, valid until the next
 * read); when key is not NULL, appends the stack's stable key to it (frames
 * separated by '\n'). Returns a SQLite code or -ENOMEM on failure.
 */
int stack_frames_read(struct stack_frames *sf, int64_t stack_id, const char *const **names,
		      size_t *depth, struct strbuf *key);

/* Accepts NULL. */
void stack_frames_free(struct stack_frames *sf);

#endif /* REPORTS_STACK_FRAMES_H */
