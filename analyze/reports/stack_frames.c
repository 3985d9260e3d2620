// SPDX-License-Identifier: GPL-2.0-only
/* stack_frames.c - reading stored stacks (see stack_frames.h). */
#include "stack_frames.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct stack_frames {
	sqlite3_stmt *query;
	char **names;
	size_t count;
	size_t capacity;
};

int stack_frames_new(sqlite3 *db, struct stack_frames **out)
{
	struct stack_frames *sf = calloc(1, sizeof(*sf));
	int rc;

	*out = NULL;
	if (!sf)
		return SQLITE_NOMEM;
	rc = sqlite3_prepare_v2(db,
		"SELECT f.name, f.kind, f.module, f.symbol, f.symbol_offset, f.file_offset, "
		"b.build_id, b.path "
		"FROM stack_frames s JOIN frames f ON f.id = s.frame_id "
		"LEFT JOIN binaries b ON b.id = f.binary_id "
		"WHERE s.stack_id = ?1 ORDER BY s.position DESC", -1, &sf->query, NULL);
	if (rc) {
		stack_frames_free(sf);
		return rc;
	}
	*out = sf;
	return 0;
}

static void clear_names(struct stack_frames *sf)
{
	for (size_t i = 0; i < sf->count; i++)
		free(sf->names[i]);
	sf->count = 0;
}

void stack_frames_free(struct stack_frames *sf)
{
	if (!sf)
		return;
	clear_names(sf);
	free(sf->names);
	sqlite3_finalize(sf->query);
	free(sf);
}

static const char *column_text(sqlite3_stmt *stmt, int i)
{
	const char *text = (const char *)sqlite3_column_text(stmt, i);

	return text ? text : "";
}

static void add_key(struct strbuf *key, sqlite3_stmt *stmt)
{
	bool kernel = !strcmp(column_text(stmt, 1), "kernel");
	bool has_symbol = sqlite3_column_type(stmt, 3) != SQLITE_NULL;

	if (strbuf_len(key))
		strbuf_addc(key, '\n');
	if (kernel) {
		strbuf_addf(key, "k:%s:%s+%lld", column_text(stmt, 2), column_text(stmt, 3),
			    (long long)sqlite3_column_int64(stmt, 4));
	} else if (has_symbol) {
		strbuf_addf(key, "u:%s", column_text(stmt, 3));
	} else {
		const char *binary = *column_text(stmt, 6) ? column_text(stmt, 6)
							  : column_text(stmt, 7);

		strbuf_addf(key, "u:%s@0x%llx", binary,
			    (unsigned long long)sqlite3_column_int64(stmt, 5));
	}
}

int stack_frames_read(struct stack_frames *sf, int64_t stack_id, const char *const **names,
		      size_t *depth, struct strbuf *key)
{
	int rc;

	clear_names(sf);
	*names = (const char *const *)sf->names;
	*depth = 0;
	if (!stack_id)
		return 0;
	sqlite3_bind_int64(sf->query, 1, stack_id);
	while ((rc = sqlite3_step(sf->query)) == SQLITE_ROW) {
		if (sf->count == sf->capacity) {
			size_t capacity = sf->capacity ? sf->capacity * 2 : 32;
			char **grown = realloc(sf->names, capacity * sizeof(*grown));

			if (!grown) {
				rc = -ENOMEM;
				goto cleanup;
			}
			sf->names = grown;
			sf->capacity = capacity;
		}
		sf->names[sf->count] = strdup(column_text(sf->query, 0));
		if (!sf->names[sf->count]) {
			rc = -ENOMEM;
			goto cleanup;
		}
		sf->count++;
		if (key)
			add_key(key, sf->query);
	}
	rc = rc == SQLITE_DONE ? 0 : rc;
	if (key && key->failed)
		rc = -ENOMEM;
cleanup:
	sqlite3_reset(sf->query);
	*names = (const char *const *)sf->names;
	*depth = sf->count;
	return rc;
}
