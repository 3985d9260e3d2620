// SPDX-License-Identifier: GPL-2.0-only
/*
 * load_defs.c - turns the definitions a recording makes (binaries, processes,
 * frames, stacks) into database rows, once each.
 *
 * A recording's ids are private to it; the database's are shared by every
 * recording in it. Binaries, frames, callsites and stacks are keyed by their
 * stable identity (SCHEMA.md "Stable keys"), never by an address, so the same
 * code path in two recordings, from two boots or two hosts, is one row.
 */
#include "load_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void id_map_free(struct id_map *m)
{
	free(m->ids);
	m->ids = NULL;
	m->capacity = 0;
}

static int64_t id_map_get(const struct id_map *m, uint32_t id)
{
	return id < m->capacity ? m->ids[id] : 0;
}

static int id_map_set(struct id_map *m, uint32_t id, int64_t value)
{
	/*
	 * The reader caps every table at CRF_MAX_IDS; an id beyond it is not
	 * cached (a lookup then misses and inserts again) rather than grown to.
	 */
	if (id > CRF_MAX_IDS)
		return 0;
	if (id >= m->capacity) {
		size_t capacity = m->capacity ? m->capacity : 256;
		int64_t *ids;

		while (capacity <= id)
			capacity *= 2;
		ids = realloc(m->ids, capacity * sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		memset(ids + m->capacity, 0, (capacity - m->capacity) * sizeof(*ids));
		m->ids = ids;
		m->capacity = capacity;
	}
	m->ids[id] = value;
	return 0;
}

void loader_reset_ids(struct loader *l)
{
	id_map_free(&l->binary_ids);
	id_map_free(&l->frame_ids);
	id_map_free(&l->kernel_stack_ids);
	id_map_free(&l->user_stack_ids);
	id_map_free(&l->process_ids);
	id_map_free(&l->process_exes);
	id_map_free(&l->process_events);
	intern_map_clear(l->contexts);
	l->last_context_id = 0;
	intern_map_clear(l->creds_by_tid);
	l->creds_count = 0;
	l->creds_last = -1;
	l->orphan_count = 0;
}

/* A key under construction: bytes appended to the loader's scratch buffer. */
struct key {
	struct loader *l;
	size_t len;
	bool nomem;
};

static void key_add(struct key *k, const void *data, size_t len)
{
	struct loader *l = k->l;

	if (k->nomem)
		return;
	if (k->len + len + 1 > l->scratch_cap) {
		size_t cap = l->scratch_cap ? l->scratch_cap : 4096;
		char *scratch;

		while (cap < k->len + len + 1)
			cap *= 2;
		scratch = realloc(l->scratch, cap);
		if (!scratch) {
			k->nomem = true;
			return;
		}
		l->scratch = scratch;
		l->scratch_cap = cap;
	}
	memcpy(l->scratch + k->len, data, len);
	k->len += len;
	l->scratch[k->len] = '\0';
}

/* A string field of a key; NULL is kept distinct from "" (a byte 1 marker, then the NUL). */
static void key_add_str(struct key *k, const char *s)
{
	if (s)
		key_add(k, s, strlen(s) + 1);
	else
		key_add(k, "\1", 2);
}

static void key_add_int(struct key *k, int64_t v)
{
	key_add(k, &v, sizeof(v));
}

static int bind_text_or_null(sqlite3_stmt *stmt, int index, const char *s)
{
	return s ? sqlite3_bind_text(stmt, index, s, -1, SQLITE_STATIC) : sqlite3_bind_null(stmt, index);
}

static int bind_id_or_null(sqlite3_stmt *stmt, int index, int64_t id)
{
	return id ? sqlite3_bind_int64(stmt, index, id) : sqlite3_bind_null(stmt, index);
}

/* Steps an INSERT and resets it; *rowid gets the new row's id. */
static int insert(struct loader *l, sqlite3_stmt *stmt, int64_t *rowid)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc != SQLITE_DONE)
		return rc == SQLITE_ROW ? SQLITE_ERROR : rc;
	if (rowid)
		*rowid = sqlite3_last_insert_rowid(l->db);
	return 0;
}

/* The thread's last CREDENTIALS, or NULL. Checks come in runs of one thread: one entry cached. */
static const struct thread_creds *thread_creds_of(struct loader *l, uint32_t tid)
{
	int64_t index;

	if (l->creds_last >= 0 && l->creds[l->creds_last].tid == tid)
		return &l->creds[l->creds_last];
	if (!intern_map_get(l->creds_by_tid, &tid, sizeof(tid), &index))
		return NULL;
	l->creds_last = index;
	return &l->creds[index];
}

int loader_context(struct loader *l, const struct crf_event *e, int64_t process_id, int64_t *id)
{
	sqlite3_stmt *stmt = l->stmt[STMT_CONTEXT];
	struct context_key key = {
		.process_id = process_id,
		.cgroup_id = e->cgroup_id,
		.comm = e->comm,
		.uid = e->uid,
		.userns_inum = e->userns_inum,
		.userns_level = e->userns_level,
		.audit_inferred = !!(e->flags & CRF_EV_AUDIT_INFERRED),
	};
	const struct thread_creds *tc = thread_creds_of(l, e->tid);
	int rc;

	if (tc && tc->first_event <= e->index) {
		key.has_creds = 1;
		key.euid = tc->euid;
		key.fsuid = tc->fsuid;
		key.cap_effective = tc->cap_effective;
	}
	*id = 0;
	if (l->last_context_id && !memcmp(&key, &l->last_context, sizeof(key))) {
		*id = l->last_context_id;
		return 0;
	}
	if (!intern_map_get(l->contexts, &key, sizeof(key), id)) {
		sqlite3_bind_int64(stmt, 1, l->recording_id);
		bind_id_or_null(stmt, 2, process_id);
		sqlite3_bind_int64(stmt, 3, e->uid);
		sqlite3_bind_int64(stmt, 4, (int64_t)e->cgroup_id);
		sqlite3_bind_int64(stmt, 5, e->userns_inum);
		sqlite3_bind_int64(stmt, 6, e->userns_level);
		sqlite3_bind_int(stmt, 7, (int)key.audit_inferred);
		bind_text_or_null(stmt, 8, e->comm);
		if (key.has_creds) {
			sqlite3_bind_int64(stmt, 9, key.euid);
			sqlite3_bind_int64(stmt, 10, key.fsuid);
			sqlite3_bind_int64(stmt, 11, (int64_t)key.cap_effective);
		} else {
			sqlite3_bind_null(stmt, 9);
			sqlite3_bind_null(stmt, 10);
			sqlite3_bind_null(stmt, 11);
		}
		rc = insert(l, stmt, id);
		if (rc)
			return rc;
		if (intern_map_put(l->contexts, &key, sizeof(key), *id))
			return -ENOMEM;
	}
	l->last_context = key;
	l->last_context_id = *id;
	return 0;
}

int loader_credentials(struct loader *l, const struct crf_credentials *c)
{
	sqlite3_stmt *stmt = l->stmt[STMT_CREDENTIALS];
	int64_t process_id = 0, unused, index;
	int rc;

	if (c->process) {
		rc = loader_process(l, c->process, &process_id);
		if (rc)
			return rc;
	}
	if (!intern_map_get(l->creds_by_tid, &c->tid, sizeof(c->tid), &index)) {
		if (l->creds_count == l->creds_cap) {
			size_t cap = l->creds_cap ? 2 * l->creds_cap : 64;
			struct thread_creds *grown = realloc(l->creds, cap * sizeof(*grown));

			if (!grown)
				return -ENOMEM;
			l->creds = grown;
			l->creds_cap = cap;
		}
		index = (int64_t)l->creds_count++;
		if (intern_map_put(l->creds_by_tid, &c->tid, sizeof(c->tid), index))
			return -ENOMEM;
	}
	l->creds[index] = (struct thread_creds){
		.tid = c->tid, .first_event = c->first_event, .euid = c->euid,
		.fsuid = c->fsuid, .cap_effective = c->cap_effective,
	};
	sqlite3_bind_int64(stmt, 1, l->recording_id);
	bind_id_or_null(stmt, 2, process_id);
	sqlite3_bind_int64(stmt, 3, c->tid);
	sqlite3_bind_int64(stmt, 4, (int64_t)c->first_event);
	sqlite3_bind_int64(stmt, 5, c->uid);
	sqlite3_bind_int64(stmt, 6, c->euid);
	sqlite3_bind_int64(stmt, 7, c->suid);
	sqlite3_bind_int64(stmt, 8, c->fsuid);
	sqlite3_bind_int64(stmt, 9, c->gid);
	sqlite3_bind_int64(stmt, 10, c->egid);
	sqlite3_bind_int64(stmt, 11, c->fsgid);
	sqlite3_bind_int64(stmt, 12, (int64_t)c->cap_effective);
	sqlite3_bind_int64(stmt, 13, (int64_t)c->cap_permitted);
	return insert(l, stmt, &unused);
}

static void build_id_hex(const struct crf_binary *b, char *hex)
{
	uint32_t len = b->build_id && b->build_id_len <= CRF_MAX_BUILD_ID_LEN ? b->build_id_len : 0;

	for (uint32_t i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", b->build_id[i]);
	hex[2 * len] = '\0';
}

static void binary_key(struct key *k, const char *path, const char *build_id)
{
	key_add_str(k, path);
	key_add_str(k, build_id);
}

int loader_binary(struct loader *l, const struct crf_binary *b, int64_t *id)
{
	char hex[2 * CRF_MAX_BUILD_ID_LEN + 1];
	sqlite3_stmt *stmt = l->stmt[STMT_BINARY];
	const char *path;
	struct key k = { .l = l };
	int rc;

	*id = 0;
	if (!b)
		return 0;
	*id = id_map_get(&l->binary_ids, b->id);
	if (*id)
		return 0;
	path = b->path ? b->path : "";
	build_id_hex(b, hex);
	binary_key(&k, path, hex);
	if (k.nomem)
		return -ENOMEM;
	if (!intern_map_get(l->binaries, l->scratch, k.len, id)) {
		sqlite3_bind_text(stmt, 1, path, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, hex, -1, SQLITE_STATIC);
		rc = insert(l, stmt, id);
		if (rc)
			return rc;
		if (intern_map_put(l->binaries, l->scratch, k.len, *id))
			return -ENOMEM;
	}
	return id_map_set(&l->binary_ids, b->id, *id);
}

/*
 * Registers the process's executable with the aggregate: its path, else
 * "[comm]" (SCHEMA.md "Conventions"). Without either, each event's own comm
 * decides (loader_event_exe()).
 */
static int process_exe(struct loader *l, const struct crf_process *p, const char *exe_path,
		       int64_t binary_id)
{
	uint32_t index;
	char *name = NULL;
	int rc;

	if (!exe_path && !p->comm)
		return 0;
	if (!exe_path && asprintf(&name, "[%s]", p->comm) < 0)
		return -ENOMEM;
	rc = aggregate_exe(l->aggregate, binary_id, exe_path ? exe_path : name, &index);
	free(name);
	if (rc)
		return rc;
	return id_map_set(&l->process_exes, p->id, (int64_t)index + 1);
}

int loader_event_exe(struct loader *l, const struct crf_event *e, uint32_t *exe_index)
{
	char *name = NULL;
	int64_t index = e->process ? id_map_get(&l->process_exes, e->process->id) : 0;
	int rc;

	if (index) {
		*exe_index = (uint32_t)(index - 1);
		return 0;
	}
	if (asprintf(&name, "[%s]", e->comm ? e->comm : "unknown") < 0)
		return -ENOMEM;
	rc = aggregate_exe(l->aggregate, 0, name, exe_index);
	free(name);
	return rc;
}

/* The exe path a process record names: its own, else its binary's. */
static const char *own_exe_path(const struct crf_process *p)
{
	if (p->exe_path && *p->exe_path)
		return p->exe_path;
	if (p->exe_binary && p->exe_binary->path && *p->exe_binary->path)
		return p->exe_binary->path;
	return NULL;
}

/*
 * The process record whose executable a process runs. A child that forked
 * and never exec'd has no exe path of its own (caprec names one at exec or
 * when it reads /proc/PID/exe): it runs its parent's executable, or its
 * grandparent's when the parent did not exec either. Only parents recorded
 * in this recording count; the walk is bounded since a hostile recording may
 * hold a parent loop. This is the one place the inheritance is decided:
 * processes.exe_path, check_aggregate and every report read its result.
 */
static const struct crf_process *executable_image(const struct loader *l,
						  const struct crf_process *p)
{
	const struct crf_process *image = p;

	for (int depth = 0; depth < 64 && !own_exe_path(image) && image->parent_id; depth++) {
		const struct crf_process *parent = crf_reader_process(l->reader, image->parent_id);

		if (!parent || parent == image)
			break;
		image = parent;
	}
	return own_exe_path(image) ? image : p;
}

int loader_process(struct loader *l, const struct crf_process *p, int64_t *id)
{
	sqlite3_stmt *stmt = l->stmt[STMT_PROCESS];
	const struct crf_process *image;
	int64_t binary_id, parent_id;
	const char *exe_path;
	int rc;

	*id = 0;
	if (!p)
		return 0;
	*id = id_map_get(&l->process_ids, p->id);
	if (*id)
		return 0;
	image = executable_image(l, p);
	rc = loader_binary(l, image->exe_binary, &binary_id);
	if (rc)
		return rc;
	parent_id = p->parent_id ? id_map_get(&l->process_ids, p->parent_id) : 0;
	sqlite3_bind_int64(stmt, 1, l->recording_id);
	sqlite3_bind_int64(stmt, 2, p->pid);
	sqlite3_bind_int64(stmt, 3, (int64_t)p->start_time_ns);
	sqlite3_bind_int64(stmt, 4, p->ppid);
	bind_id_or_null(stmt, 5, parent_id);
	bind_id_or_null(stmt, 6, binary_id);
	exe_path = own_exe_path(image);
	bind_text_or_null(stmt, 7, exe_path);
	bind_text_or_null(stmt, 8, p->cmdline);
	bind_text_or_null(stmt, 9, p->comm);
	sqlite3_bind_int64(stmt, 10, p->uid);
	sqlite3_bind_int64(stmt, 11, (int64_t)p->cgroup_id);
	bind_text_or_null(stmt, 12, p->cgroup_path);
	bind_text_or_null(stmt, 13, p->container_id);
	bind_text_or_null(stmt, 14, p->exe_path_used);
	rc = insert(l, stmt, id);
	if (!rc)
		rc = process_exe(l, p, exe_path, binary_id);
	if (rc)
		return rc;
	if (p->parent_id && !parent_id) {
		if (l->orphan_count == l->orphan_cap) {
			size_t cap = l->orphan_cap ? l->orphan_cap * 2 : 64;
			uint32_t *orphans = realloc(l->orphans, cap * sizeof(*orphans));

			if (!orphans)
				return -ENOMEM;
			l->orphans = orphans;
			l->orphan_cap = cap;
		}
		l->orphans[l->orphan_count++] = p->id;
	}
	return id_map_set(&l->process_ids, p->id, *id);
}

int loader_count_process_event(struct loader *l, uint32_t process_id)
{
	return id_map_set(&l->process_events, process_id,
			  id_map_get(&l->process_events, process_id) + 1);
}

int loader_store_process_events(struct loader *l)
{
	sqlite3_stmt *stmt = l->stmt[STMT_PROCESS_EVENTS];

	for (size_t i = 0; i < l->process_events.capacity; i++) {
		int64_t id = id_map_get(&l->process_ids, (uint32_t)i);
		int rc;

		if (!l->process_events.ids[i] || !id)
			continue;
		sqlite3_bind_int64(stmt, 1, id);
		sqlite3_bind_int64(stmt, 2, l->process_events.ids[i]);
		rc = insert(l, stmt, NULL);
		if (rc)
			return rc;
	}
	return 0;
}

int loader_link_parents(struct loader *l, const struct crf_reader *r)
{
	sqlite3_stmt *stmt = l->stmt[STMT_PROCESS_PARENT];

	for (size_t i = 0; i < l->orphan_count; i++) {
		const struct crf_process *p = crf_reader_process(r, l->orphans[i]);
		int64_t parent_id = p ? id_map_get(&l->process_ids, p->parent_id) : 0;
		int rc;

		if (!parent_id)
			continue; /* the parent was never defined in this file */
		sqlite3_bind_int64(stmt, 1, id_map_get(&l->process_ids, p->id));
		sqlite3_bind_int64(stmt, 2, parent_id);
		rc = insert(l, stmt, NULL);
		if (rc)
			return rc;
	}
	l->orphan_count = 0;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * The display name of a frame (frames.name): the symbol, with " [module]" for
 * kernel modules; an unresolved user frame is "file+0xOFFSET" so it still
 * says where to look.
 */
static char *frame_name(const struct crf_frame *f, enum crf_frame_kind kind)
{
	char *name = NULL;
	int n;

	if (!f)
		n = asprintf(&name, "[lost]");
	else if (kind == CRF_FRAME_KERNEL && f->module && *f->module)
		n = asprintf(&name, "%s [%s]", f->symbol ? f->symbol : "[unknown]", f->module);
	else if (f->symbol)
		n = asprintf(&name, "%s", f->symbol);
	else if (kind == CRF_FRAME_USER && f->binary && f->binary->path && *f->binary->path)
		n = asprintf(&name, "%s+0x%llx", base_name(f->binary->path),
			     (unsigned long long)f->file_offset);
	else
		n = asprintf(&name, "[unknown]");
	return n < 0 ? NULL : name;
}

/*
 * Database id of a frame. f is NULL for a frame whose definition was lost:
 * one "[lost]" frame per kind stands for all of them.
 */
static int loader_frame(struct loader *l, enum crf_frame_kind kind, const struct crf_frame *f,
			int64_t *id)
{
	sqlite3_stmt *stmt = l->stmt[STMT_FRAME];
	struct key k = { .l = l };
	int64_t binary_id = 0;
	char *name = NULL;
	int rc;

	if (f) {
		*id = id_map_get(&l->frame_ids, f->id);
		if (*id)
			return 0;
		kind = f->kind == CRF_FRAME_USER ? CRF_FRAME_USER : CRF_FRAME_KERNEL;
		if (kind == CRF_FRAME_USER) {
			rc = loader_binary(l, f->binary, &binary_id);
			if (rc)
				return rc;
		}
	}
	if (!f) {
		key_add(&k, kind == CRF_FRAME_USER ? "L" : "l", 1);
	} else if (kind == CRF_FRAME_KERNEL) {
		key_add(&k, "K", 1);
		key_add_str(&k, f->module ? f->module : "");
		key_add_str(&k, f->symbol);
		key_add_int(&k, f->symbol ? (int64_t)f->symbol_offset : 0);
	} else {
		key_add(&k, "U", 1);
		key_add_int(&k, binary_id);
		key_add_int(&k, (int64_t)f->file_offset);
		key_add_str(&k, f->symbol);
	}
	if (k.nomem)
		return -ENOMEM;
	if (!intern_map_get(l->frames, l->scratch, k.len, id)) {
		/* The key lives in scratch; keep a copy across the insert. */
		char *key = malloc(k.len);

		name = frame_name(f, kind);
		if (!key || !name) {
			free(key);
			free(name);
			return -ENOMEM;
		}
		memcpy(key, l->scratch, k.len);
		sqlite3_bind_text(stmt, 1, kind == CRF_FRAME_USER ? "user" : "kernel", -1,
				  SQLITE_STATIC);
		if (f && kind == CRF_FRAME_KERNEL)
			sqlite3_bind_text(stmt, 2, f->module ? f->module : "", -1, SQLITE_STATIC);
		bind_id_or_null(stmt, 3, binary_id);
		if (f) {
			bind_text_or_null(stmt, 4, f->symbol);
			if (f->symbol)
				sqlite3_bind_int64(stmt, 5, (int64_t)f->symbol_offset);
			if (kind == CRF_FRAME_USER)
				sqlite3_bind_int64(stmt, 6, (int64_t)f->file_offset);
		}
		sqlite3_bind_text(stmt, 7, name, -1, SQLITE_STATIC);
		rc = insert(l, stmt, id);
		free(name);
		if (!rc && intern_map_put(l->frames, key, k.len, *id))
			rc = -ENOMEM;
		free(key);
		if (rc)
			return rc;
	}
	return f ? id_map_set(&l->frame_ids, f->id, *id) : 0;
}

/* Appends a frame's name to a stack's text. */
static int append_name(struct loader *l, char **text, size_t *len, size_t *cap, int64_t frame_id)
{
	sqlite3_stmt *stmt = l->stmt[STMT_FRAME_NAME];
	const char *name = "?";
	size_t n;

	sqlite3_bind_int64(stmt, 1, frame_id);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		name = (const char *)sqlite3_column_text(stmt, 0);
	n = strlen(name);
	if (*len + n + 2 > *cap) {
		size_t c = *cap ? *cap : 256;
		char *t;

		while (c < *len + n + 2)
			c *= 2;
		t = realloc(*text, c);
		if (!t) {
			sqlite3_reset(stmt);
			return -ENOMEM;
		}
		*text = t;
		*cap = c;
	}
	if (*len)
		(*text)[(*len)++] = ';';
	memcpy(*text + *len, name, n);
	*len += n;
	(*text)[*len] = '\0';
	sqlite3_reset(stmt);
	return 0;
}

/* Inserts the stacks row of a new leaf, with its text and flat frame list. */
static int insert_stack(struct loader *l, enum crf_frame_kind kind, int64_t leaf,
			const int64_t *frame_ids, uint32_t depth, int64_t *id)
{
	sqlite3_stmt *stmt = l->stmt[STMT_STACK];
	size_t len = 0, cap = 0;
	char *text = NULL;
	int rc = 0;

	/* text: outermost frame first, as folded stacks are written */
	for (uint32_t i = depth; i-- > 0 && !rc;)
		rc = append_name(l, &text, &len, &cap, frame_ids[i]);
	if (rc)
		goto cleanup;
	sqlite3_bind_text(stmt, 1, kind == CRF_FRAME_USER ? "user" : "kernel", -1, SQLITE_STATIC);
	bind_id_or_null(stmt, 2, leaf);
	sqlite3_bind_int64(stmt, 3, depth);
	sqlite3_bind_text(stmt, 4, text ? text : "", -1, SQLITE_STATIC);
	rc = insert(l, stmt, id);
	stmt = l->stmt[STMT_STACK_FRAME];
	for (uint32_t i = 0; i < depth && !rc; i++) {
		sqlite3_bind_int64(stmt, 1, *id);
		sqlite3_bind_int64(stmt, 2, i);
		sqlite3_bind_int64(stmt, 3, frame_ids[i]);
		rc = insert(l, stmt, NULL);
	}
cleanup:
	free(text);
	return rc;
}

int loader_stack(struct loader *l, enum crf_frame_kind kind, const struct crf_stack *s,
		 int64_t *id)
{
	struct id_map *map = kind == CRF_FRAME_USER ? &l->user_stack_ids : &l->kernel_stack_ids;
	int64_t frame_ids[CRF_MAX_STACK_DEPTH];
	int64_t parent = 0;
	uint32_t depth;
	struct key k = { .l = l };
	int rc;

	*id = 0;
	if (!s)
		return 0;
	*id = id_map_get(map, s->id);
	if (*id)
		return 0;
	depth = s->depth < CRF_MAX_STACK_DEPTH ? s->depth : CRF_MAX_STACK_DEPTH;
	for (uint32_t i = 0; i < depth; i++) {
		rc = loader_frame(l, kind, s->frames ? s->frames[i] : NULL, &frame_ids[i]);
		if (rc)
			return rc;
	}
	/* Walk the callsite tree from the root (outermost frame) to the leaf. */
	for (uint32_t i = depth; i-- > 0;) {
		int64_t callsite;

		k.len = 0;
		key_add_int(&k, parent);
		key_add_int(&k, frame_ids[i]);
		if (k.nomem)
			return -ENOMEM;
		if (!intern_map_get(l->callsites, l->scratch, k.len, &callsite)) {
			sqlite3_stmt *stmt = l->stmt[STMT_CALLSITE];
			int64_t key[2] = { parent, frame_ids[i] };

			bind_id_or_null(stmt, 1, parent);
			sqlite3_bind_int64(stmt, 2, frame_ids[i]);
			sqlite3_bind_int64(stmt, 3, depth - 1 - i);
			rc = insert(l, stmt, &callsite);
			if (rc)
				return rc;
			if (intern_map_put(l->callsites, key, sizeof(key), callsite))
				return -ENOMEM;
		}
		parent = callsite;
	}
	k.len = 0;
	key_add(&k, kind == CRF_FRAME_USER ? "U" : "K", 1);
	key_add_int(&k, parent);
	if (k.nomem)
		return -ENOMEM;
	if (!intern_map_get(l->stacks, l->scratch, k.len, id)) {
		char key[1 + sizeof(int64_t)];

		memcpy(key, l->scratch, sizeof(key));
		rc = insert_stack(l, kind, parent, frame_ids, depth, id);
		if (rc)
			return rc;
		if (intern_map_put(l->stacks, key, sizeof(key), *id))
			return -ENOMEM;
	}
	return id_map_set(map, s->id, *id);
}

/* Reads one table's keys back; build() turns a row into a key. */
static int read_keys(struct loader *l, const char *sql, struct intern_map *map,
		     void (*build)(struct key *k, sqlite3_stmt *stmt))
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(l->db, sql, -1, &stmt, NULL);

	while (!rc && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct key k = { .l = l };

		build(&k, stmt);
		rc = k.nomem ? -ENOMEM : 0;
		if (!rc && intern_map_put(map, l->scratch, k.len, sqlite3_column_int64(stmt, 0)))
			rc = -ENOMEM;
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : rc;
}

static const char *column_text(sqlite3_stmt *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

static void binary_row_key(struct key *k, sqlite3_stmt *stmt)
{
	binary_key(k, column_text(stmt, 1) ? column_text(stmt, 1) : "",
		   column_text(stmt, 2) ? column_text(stmt, 2) : "");
}

/* Must build exactly the keys loader_frame() builds. */
static void frame_row_key(struct key *k, sqlite3_stmt *stmt)
{
	bool user = column_text(stmt, 1) && !strcmp(column_text(stmt, 1), "user");

	if (column_text(stmt, 7) && !strcmp(column_text(stmt, 7), "[lost]") &&
	    sqlite3_column_type(stmt, 5) == SQLITE_NULL &&
	    sqlite3_column_type(stmt, 4) == SQLITE_NULL && sqlite3_column_type(stmt, 2) == SQLITE_NULL) {
		key_add(k, user ? "L" : "l", 1);
	} else if (!user) {
		key_add(k, "K", 1);
		key_add_str(k, column_text(stmt, 2) ? column_text(stmt, 2) : "");
		key_add_str(k, column_text(stmt, 4));
		key_add_int(k, sqlite3_column_int64(stmt, 5));
	} else {
		key_add(k, "U", 1);
		key_add_int(k, sqlite3_column_int64(stmt, 3));
		key_add_int(k, sqlite3_column_int64(stmt, 6));
		key_add_str(k, column_text(stmt, 4));
	}
}

static void callsite_row_key(struct key *k, sqlite3_stmt *stmt)
{
	key_add_int(k, sqlite3_column_int64(stmt, 1));
	key_add_int(k, sqlite3_column_int64(stmt, 2));
}

static void stack_row_key(struct key *k, sqlite3_stmt *stmt)
{
	bool user = column_text(stmt, 1) && !strcmp(column_text(stmt, 1), "user");

	key_add(k, user ? "U" : "K", 1);
	key_add_int(k, sqlite3_column_int64(stmt, 2));
}

int loader_read_existing(struct loader *l)
{
	int rc;

	rc = read_keys(l, "SELECT id, path, build_id FROM binaries", l->binaries, binary_row_key);
	if (!rc)
		rc = read_keys(l, "SELECT id, kind, module, binary_id, symbol, symbol_offset, "
				  "file_offset, name FROM frames", l->frames, frame_row_key);
	if (!rc)
		rc = read_keys(l, "SELECT id, parent_id, frame_id FROM callsites", l->callsites,
			       callsite_row_key);
	if (!rc)
		rc = read_keys(l, "SELECT id, kind, leaf_callsite_id FROM stacks", l->stacks,
			       stack_row_key);
	return rc;
}
