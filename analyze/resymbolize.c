// SPDX-License-Identifier: GPL-2.0-only
/*
 * resymbolize.c - names stored user frames from debug files found by
 * build-id on the analysis host (see resymbolize.h).
 */
#include "resymbolize.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug_files.h"

struct binary_row {
	int64_t id;
	char *path;
	uint8_t build_id[64];
	size_t build_id_len;
	struct elf_binary *symbols; /* its debug file, NULL when none was found */
	struct elf_binary *layout;  /* the binary itself, when found too */
};

struct resym {
	sqlite3 *db;
	struct debug_files *files;
	struct resymbolize_stats *stats;
	char *err;
	size_t err_size;
	bool returns_ready; /* the temp table resym_returns is filled */
};

static int sql_fail(struct resym *r, const char *what)
{
	snprintf(r->err, r->err_size, "re-symbolizing: %s: %s", what, sqlite3_errmsg(r->db));
	return -1;
}

static int exec(struct resym *r, const char *sql)
{
	return sqlite3_exec(r->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : sql_fail(r, sql);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* binaries.build_id is lower-case hex; anything else is not looked up. */
static bool parse_build_id(const char *hex, struct binary_row *b)
{
	size_t len = strlen(hex);

	if (len < 4 || len % 2 || len / 2 > sizeof(b->build_id))
		return false;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		b->build_id[i] = (uint8_t)(hi << 4 | lo);
	}
	b->build_id_len = len / 2;
	return true;
}

/*
 * The binaries that have a build-id (or, linked without one, a path) and
 * user frames: read first, the frames change after.
 */
static int list_binaries(struct resym *r, struct binary_row **out, size_t *count)
{
	static const char sql[] =
		"SELECT b.id, b.path, b.build_id FROM binaries b "
		"WHERE (b.build_id != '' OR b.path LIKE '/%') AND "
		"EXISTS (SELECT 1 FROM frames f WHERE f.binary_id = b.id AND f.kind = 'user') "
		"ORDER BY b.id";
	struct binary_row *rows = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *stmt = NULL;
	int rc;

	if (sqlite3_prepare_v2(r->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return sql_fail(r, "listing binaries");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct binary_row b = { .id = sqlite3_column_int64(stmt, 0) };
		const char *path = (const char *)sqlite3_column_text(stmt, 1);
		const char *hex = (const char *)sqlite3_column_text(stmt, 2);

		/* Without a build-id, the path alone finds it (debug_files_find()). */
		if (!hex || (*hex && !parse_build_id(hex, &b)))
			continue;
		if (n == cap) {
			size_t c = cap ? cap * 2 : 16;
			struct binary_row *p = realloc(rows, c * sizeof(*rows));

			if (!p)
				goto nomem;
			rows = p;
			cap = c;
		}
		b.path = strdup(path ? path : "");
		if (!b.path)
			goto nomem;
		rows[n++] = b;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		*out = rows;
		*count = n;
		return sql_fail(r, "listing binaries");
	}
	*out = rows;
	*count = n;
	return 0;
nomem:
	sqlite3_finalize(stmt);
	*out = rows;
	*count = n;
	snprintf(r->err, r->err_size, "re-symbolizing: out of memory");
	return -1;
}

/*
 * Frames other than the innermost hold return addresses, named at offset - 1
 * as the recorder does (elf_binary.h). A frame row does not say which it is;
 * the stacks do: one table of the frames found at an outer position, made
 * once with a single scan.
 */
static int prepare_returns(struct resym *r)
{
	if (r->returns_ready)
		return 0;
	if (exec(r, "CREATE TEMP TABLE resym_returns (frame_id INTEGER PRIMARY KEY)") ||
	    exec(r, "INSERT OR IGNORE INTO resym_returns SELECT frame_id FROM stack_frames "
		    "WHERE position > 0"))
		return -1;
	r->returns_ready = true;
	return 0;
}

/* The new symbol of one frame, or false to keep what it has. */
static bool name_frame(const struct elf_binary *symbols, const struct elf_binary *layout,
		       uint64_t file_offset, bool is_return, const char **symbol,
		       uint64_t *symbol_offset)
{
	const struct elf_binary *map = layout ? layout : symbols;
	uint64_t adjust = is_return ? 1 : 0, vaddr, off;

	if (file_offset < adjust ||
	    elf_binary_offset_to_vaddr(map, file_offset - adjust, &vaddr) ||
	    elf_binary_resolve_vaddr(symbols, vaddr, symbol, &off))
		return false;
	*symbol_offset = off + adjust;
	return true;
}

/* The row of binary id among rows (sorted by id), or NULL. */
static const struct binary_row *find_row(const struct binary_row *rows, size_t count, int64_t id)
{
	size_t lo = 0, hi = count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rows[mid].id == id)
			return &rows[mid];
		if (rows[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * One scan of the user frames (frames has no index by binary: one query per
 * binary would read the table once per binary), naming those of the
 * binaries whose debug file was found.
 */
static int name_frames(struct resym *r, const struct binary_row *rows, size_t count)
{
	static const char select_sql[] =
		"SELECT f.id, f.binary_id, f.file_offset, f.symbol, f.symbol_offset, "
		"f.id IN (SELECT frame_id FROM resym_returns) "
		"FROM frames f WHERE f.kind = 'user' AND f.binary_id IS NOT NULL "
		"AND f.file_offset IS NOT NULL";
	static const char update_sql[] =
		"UPDATE frames SET symbol = ?2, symbol_offset = ?3, name = ?2 WHERE id = ?1";
	static const char changed_sql[] = "INSERT OR IGNORE INTO resym_changed VALUES (?1)";
	sqlite3_stmt *sel = NULL, *upd = NULL, *chg = NULL;
	int rc, ret = -1;

	if (sqlite3_prepare_v2(r->db, select_sql, -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db, update_sql, -1, &upd, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db, changed_sql, -1, &chg, NULL) != SQLITE_OK) {
		sql_fail(r, "preparing the frame update");
		goto cleanup;
	}
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(sel, 0);
		const struct binary_row *b = find_row(rows, count, sqlite3_column_int64(sel, 1));
		uint64_t file_offset = (uint64_t)sqlite3_column_int64(sel, 2);
		const char *old = (const char *)sqlite3_column_text(sel, 3);
		uint64_t old_offset = (uint64_t)sqlite3_column_int64(sel, 4);
		bool is_return = sqlite3_column_int(sel, 5);
		const char *symbol;
		uint64_t symbol_offset;

		if (!b || !b->symbols)
			continue;
		/* A worked-out layout names the unnamed; it does not overrule the recording host. */
		if (old && !b->layout && elf_binary_layout_inferred(b->symbols))
			continue;
		if (!name_frame(b->symbols, b->layout, file_offset, is_return, &symbol,
				&symbol_offset))
			continue;
		if (old && !strcmp(old, symbol) && old_offset == symbol_offset)
			continue;
		sqlite3_bind_int64(upd, 1, id);
		sqlite3_bind_text(upd, 2, symbol, -1, SQLITE_STATIC);
		sqlite3_bind_int64(upd, 3, (int64_t)symbol_offset);
		if (sqlite3_step(upd) != SQLITE_DONE) {
			sql_fail(r, "updating a frame");
			goto cleanup;
		}
		sqlite3_reset(upd);
		sqlite3_bind_int64(chg, 1, id);
		if (sqlite3_step(chg) != SQLITE_DONE) {
			sql_fail(r, "noting a frame");
			goto cleanup;
		}
		sqlite3_reset(chg);
		r->stats->frames_named++;
	}
	if (rc != SQLITE_DONE) {
		sql_fail(r, "reading frames");
		goto cleanup;
	}
	ret = 0;
cleanup:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	sqlite3_finalize(chg);
	return ret;
}

/* Appends name to the growing text, ';' between names. */
static int append(char **text, size_t *len, size_t *cap, const char *name)
{
	size_t n = strlen(name);

	if (*len + n + 2 > *cap) {
		size_t c = *cap ? *cap : 256;
		char *t;

		while (c < *len + n + 2)
			c *= 2;
		t = realloc(*text, c);
		if (!t)
			return -ENOMEM;
		*text = t;
		*cap = c;
	}
	if (*len)
		(*text)[(*len)++] = ';';
	memcpy(*text + *len, name, n);
	*len += n;
	(*text)[*len] = '\0';
	return 0;
}

/*
 * stacks.text of the stacks holding a renamed frame, built as the loader
 * builds it: the frame names joined by ';', outermost first.
 */
static int rebuild_stack_texts(struct resym *r)
{
	static const char stacks_sql[] =
		"SELECT DISTINCT stack_id FROM stack_frames "
		"WHERE frame_id IN (SELECT frame_id FROM resym_changed)";
	static const char names_sql[] =
		"SELECT f.name FROM stack_frames sf JOIN frames f ON f.id = sf.frame_id "
		"WHERE sf.stack_id = ?1 ORDER BY sf.position DESC";
	static const char update_sql[] = "UPDATE stacks SET text = ?2 WHERE id = ?1";
	sqlite3_stmt *stacks = NULL, *names = NULL, *upd = NULL;
	char *text = NULL;
	size_t cap = 0;
	int rc, ret = -1;

	if (sqlite3_prepare_v2(r->db, stacks_sql, -1, &stacks, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db, names_sql, -1, &names, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db, update_sql, -1, &upd, NULL) != SQLITE_OK) {
		sql_fail(r, "preparing the stack update");
		goto cleanup;
	}
	while ((rc = sqlite3_step(stacks)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(stacks, 0);
		size_t len = 0;

		sqlite3_bind_int64(names, 1, id);
		while ((rc = sqlite3_step(names)) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(names, 0);

			if (append(&text, &len, &cap, name ? name : "?")) {
				snprintf(r->err, r->err_size, "re-symbolizing: out of memory");
				goto cleanup;
			}
		}
		sqlite3_reset(names);
		if (rc != SQLITE_DONE) {
			sql_fail(r, "reading a stack");
			goto cleanup;
		}
		sqlite3_bind_int64(upd, 1, id);
		sqlite3_bind_text(upd, 2, len ? text : "", -1, SQLITE_STATIC);
		if (sqlite3_step(upd) != SQLITE_DONE) {
			sql_fail(r, "updating a stack");
			goto cleanup;
		}
		sqlite3_reset(upd);
		r->stats->stacks_updated++;
	}
	if (rc != SQLITE_DONE) {
		sql_fail(r, "listing stacks");
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(text);
	sqlite3_finalize(stacks);
	sqlite3_finalize(names);
	sqlite3_finalize(upd);
	return ret;
}

static int resymbolize_all(struct resym *r, struct binary_row *rows, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		r->stats->binaries++;
		if (!debug_files_find(r->files, rows[i].build_id, rows[i].build_id_len,
				      rows[i].path, &rows[i].symbols, &rows[i].layout))
			r->stats->binaries_found++;
	}
	if (!r->stats->binaries_found)
		return 0;
	if (prepare_returns(r) || name_frames(r, rows, count))
		return -1;
	return rebuild_stack_texts(r);
}

bool resymbolize_wanted(int dir_count)
{
	return dir_count > 0 || debug_files_servers_configured();
}

int resymbolize(sqlite3 *db, char *const *dirs, int count, struct resymbolize_stats *stats,
		char *err, size_t err_size)
{
	struct resym r = { .db = db, .stats = stats, .err = err, .err_size = err_size };
	struct binary_row *rows = NULL;
	size_t row_count = 0;
	int ret = -1;

	*stats = (struct resymbolize_stats){ 0 };
	if (debug_files_new(&r.files, dirs, count)) {
		snprintf(err, err_size, "re-symbolizing: out of memory");
		return -1;
	}
	if (exec(&r, "BEGIN"))
		goto cleanup;
	if (!exec(&r, "CREATE TEMP TABLE resym_changed (frame_id INTEGER PRIMARY KEY)") &&
	    !list_binaries(&r, &rows, &row_count) && !resymbolize_all(&r, rows, row_count) &&
	    !exec(&r, "DROP TABLE temp.resym_changed") &&
	    !(r.returns_ready && exec(&r, "DROP TABLE temp.resym_returns")) &&
	    !exec(&r, "COMMIT")) {
		ret = 0;
		goto cleanup;
	}
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
cleanup:
	for (size_t i = 0; i < row_count; i++) {
		free(rows[i].path);
		elf_binary_free(rows[i].symbols);
		elf_binary_free(rows[i].layout);
	}
	free(rows);
	debug_files_free(r.files);
	return ret;
}

/* One binary of a streamed recording, by the reader's binary id. */
struct named_binary {
	bool tried;
	struct elf_binary *symbols;
	struct elf_binary *layout;
};

struct frame_namer {
	struct debug_files *files;
	struct named_binary *binaries; /* indexed by crf_binary.id */
	size_t capacity;
};

int frame_namer_new(struct frame_namer **out, char *const *dirs, int count)
{
	struct frame_namer *n = calloc(1, sizeof(*n));

	*out = NULL;
	if (!n)
		return -ENOMEM;
	if (debug_files_new(&n->files, dirs, count)) {
		free(n);
		return -ENOMEM;
	}
	*out = n;
	return 0;
}

void frame_namer_free(struct frame_namer *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->capacity; i++) {
		elf_binary_free(n->binaries[i].symbols);
		elf_binary_free(n->binaries[i].layout);
	}
	free(n->binaries);
	debug_files_free(n->files);
	free(n);
}

/* The looked-up files of binary, or NULL (out of memory: the frame keeps its name). */
static struct named_binary *lookup_binary(struct frame_namer *n, const struct crf_binary *b)
{
	struct named_binary *nb;

	if (b->id >= n->capacity) {
		size_t cap = n->capacity ? n->capacity : 64;
		struct named_binary *p;

		while (cap <= b->id)
			cap *= 2;
		p = realloc(n->binaries, cap * sizeof(*p));
		if (!p)
			return NULL;
		memset(p + n->capacity, 0, (cap - n->capacity) * sizeof(*p));
		n->binaries = p;
		n->capacity = cap;
	}
	nb = &n->binaries[b->id];
	if (!nb->tried) {
		nb->tried = true;
		/* As list_binaries(): a build-id, else an absolute path. */
		if (b->build_id_len || (b->path && b->path[0] == '/'))
			debug_files_find(n->files, b->build_id, b->build_id_len, b->path,
					 &nb->symbols, &nb->layout);
	}
	return nb;
}

bool frame_namer_found(struct frame_namer *n, const struct crf_binary *binary)
{
	const struct named_binary *nb = binary ? lookup_binary(n, binary) : NULL;

	return nb && nb->symbols;
}

bool frame_namer_name(struct frame_namer *n, const struct crf_frame *f, bool is_return,
		      const char **symbol, uint64_t *symbol_offset)
{
	const struct named_binary *nb;

	if (!f || f->kind != CRF_FRAME_USER || !f->binary)
		return false;
	nb = lookup_binary(n, f->binary);
	if (!nb || !nb->symbols)
		return false;
	/* The rule of name_frames(): a worked-out layout does not overrule the recording host. */
	if (f->symbol && !nb->layout && elf_binary_layout_inferred(nb->symbols))
		return false;
	return name_frame(nb->symbols, nb->layout, f->file_offset, is_return, symbol,
			  symbol_offset);
}
