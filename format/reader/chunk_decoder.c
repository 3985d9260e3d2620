// SPDX-License-Identifier: GPL-2.0-only
/*
 * chunk_decoder.c - CHUNK blocks (FORMAT.md "CHUNK" and "Chunk records"):
 * checks the chunk header against the limits and the zstd frame before
 * allocating, decompresses the frame, then decodes one record at a time so
 * every event is handed out as soon as it is read. Definitions go into the
 * id tables; references to ids never defined resolve to NULL and are counted
 * in unresolved_refs. A record that does not parse ends the chunk and is
 * reported as damage; the items already handed out stay valid.
 */
#include <stdlib.h>
#include <string.h>

#include "crf_layout.h"
#include "reader_internal.h"

static void chunk_damage(struct crf_reader *r, const char *why)
{
	damage_note_region(&r->rec, r->chunk.block_offset, r->chunk.block_total, CRF_ERR_CORRUPT,
			   why);
	r->chunk.active = false;
}

/* Makes room for size bytes of decompressed content in chunk_data. */
static int reserve_chunk_data(struct crf_reader *r, size_t size)
{
	uint8_t *data;

	if (size <= r->chunk_cap)
		return CRF_OK;
	data = realloc(r->chunk_data, size);
	if (!data)
		return CRF_ERR_NOMEM;
	r->chunk_data = data;
	r->chunk_cap = size;
	return CRF_OK;
}

/*
 * The previous chunk's content becomes the prefix candidate: chunk_data
 * and prev_data trade places, so the content is never copied. Returns the
 * link of what prev_data now holds (not valid when nothing usable).
 */
static struct chunk_link take_previous_content(struct crf_reader *r)
{
	struct chunk_link prev = r->link;

	if (prev.valid) {
		uint8_t *data = r->prev_data;
		size_t cap = r->prev_cap;

		r->prev_data = r->chunk_data;
		r->prev_cap = r->chunk_cap;
		r->chunk_data = data;
		r->chunk_cap = cap;
	}
	r->link.valid = false;
	return prev;
}

/*
 * Codec 2's link fields: a chunk with a prefix decodes only right after its
 * predecessor (chunk_seq - 1) was decompressed. Returns the reason it
 * cannot be decoded, or NULL with *prefix and *prefix_len set.
 */
static const char *check_link(struct crf_reader *r, struct cursor *body, uint32_t *seq,
			      const uint8_t **prefix, size_t *prefix_len)
{
	struct chunk_link prev = take_previous_content(r);
	uint32_t length;

	*seq = cursor_le32(body, "chunk header too short");
	length = cursor_le32(body, "chunk header too short");
	*prefix = NULL;
	*prefix_len = 0;
	if (body->bad)
		return body->why;
	if (!length)
		return NULL;
	if (length > CRF_MAX_CHUNK_PREFIX)
		return "chunk prefix above CRF_MAX_CHUNK_PREFIX";
	if (!prev.valid || prev.seq + 1 != *seq)
		return "chunk depends on a previous chunk that was lost";
	if (length > prev.len)
		return "chunk prefix longer than the previous chunk";
	*prefix = r->prev_data + prev.len - length;
	*prefix_len = length;
	return NULL;
}

/*
 * Codec 2's content starts with the time column (FORMAT.md "Chunk
 * content"): the length of its high part, one low byte per event, the high
 * part; then the next id of every definition table; the records follow.
 * Sets up the three cursors and the ids.
 */
static const char *split_time_column(struct crf_reader *r, size_t size)
{
	struct cursor c;
	uint64_t high_len;
	const uint8_t *low, *high;

	/* No content at all: no buffer either (chunk_data may still be NULL). */
	if (!size)
		return "chunk without its time column";
	c = cursor_make(r->chunk_data, size);
	high_len = cursor_varint(&c, "bad time column length");
	if (c.bad)
		return c.why;
	low = cursor_take(&c, r->chunk.events_declared, "time column longer than the chunk");
	high = cursor_take(&c, high_len > SIZE_MAX ? SIZE_MAX : (size_t)high_len,
			   "time column longer than the chunk");
	for (int i = 0; i < CRF_ID_TABLES; i++) {
		uint32_t base = cursor_varint32(&c, "bad id base");

		if (!c.bad && (!base || base > CRF_MAX_IDS + 1))
			cursor_fail(&c, "id base out of range");
		r->chunk.next_id[i] = base;
	}
	if (c.bad)
		return c.why;
	r->chunk.time_low = cursor_make(low, r->chunk.events_declared);
	r->chunk.time_high = cursor_make(high, (size_t)high_len);
	r->chunk.cur = cursor_make(c.data + c.pos, cursor_left(&c));
	r->chunk.time_column = true;
	return NULL;
}

int chunk_begin(struct crf_reader *r, struct cursor *body, uint64_t offset, uint32_t total)
{
	uint32_t records = cursor_le32(body, "chunk header too short");
	uint32_t events = cursor_le32(body, "chunk header too short");
	uint32_t size = cursor_le32(body, "chunk header too short");
	uint32_t codec = cursor_le32(body, "chunk header too short");
	uint64_t events_before;
	const uint8_t *frame, *prefix = NULL;
	size_t frame_len, done, prefix_len = 0;
	unsigned long long declared;
	const char *why;
	uint32_t seq = 0;
	int ret;

	(void)cursor_le64(body, "chunk header too short"); /* first_time_ns: informative */
	(void)cursor_le64(body, "chunk header too short"); /* last_time_ns: informative */
	events_before = cursor_le64(body, "chunk header too short");
	memset(&r->chunk, 0, sizeof(r->chunk));
	r->chunk.block_offset = offset;
	r->chunk.block_total = total;
	if (codec == CRF_CHUNK_CODEC_ZSTD_LINKED) {
		why = check_link(r, body, &seq, &prefix, &prefix_len);
		if (why) {
			chunk_damage(r, why);
			return CRF_OK;
		}
	} else {
		r->link.valid = false;
	}
	if (body->bad) {
		chunk_damage(r, body->why);
		return CRF_OK;
	}
	if (codec != CRF_CHUNK_CODEC_ZSTD && codec != CRF_CHUNK_CODEC_ZSTD_LINKED) {
		chunk_damage(r, "unknown chunk codec");
		return CRF_OK;
	}
	if (size > CRF_MAX_CHUNK_UNCOMPRESSED) {
		chunk_damage(r, "chunk size above CRF_MAX_CHUNK_UNCOMPRESSED");
		return CRF_OK;
	}
	/* Every record is at least 2 bytes: more records than that is a lie. */
	if (records > size / 2 || events > records) {
		chunk_damage(r, "chunk record counts exceed its size");
		return CRF_OK;
	}
	frame_len = cursor_left(body);
	frame = body->data + body->pos;
	declared = ZSTD_getFrameContentSize(frame, frame_len);
	if (declared == ZSTD_CONTENTSIZE_ERROR || declared == ZSTD_CONTENTSIZE_UNKNOWN ||
	    declared != size) {
		chunk_damage(r, "zstd frame size differs from the chunk header");
		return CRF_OK;
	}
	/* Exactly one frame, ending where the body ends (padding is not in the body). */
	done = ZSTD_findFrameCompressedSize(frame, frame_len);
	if (ZSTD_isError(done) || done != frame_len) {
		chunk_damage(r, "chunk body is not exactly one zstd frame");
		return CRF_OK;
	}
	r->limit_hit = budget_chunk(&r->budget, size, offset + total);
	if (r->limit_hit)
		return CRF_ERR_LIMIT;
	ret = reserve_chunk_data(r, size);
	if (ret)
		return ret;
	if (!r->dctx) {
		r->dctx = ZSTD_createDCtx();
		if (!r->dctx)
			return CRF_ERR_NOMEM;
	}
	/* A prefix holds for one frame; none (NULL) clears an earlier one. */
	if (ZSTD_isError(ZSTD_DCtx_refPrefix(r->dctx, prefix, prefix_len))) {
		chunk_damage(r, "zstd refused the chunk prefix");
		return CRF_OK;
	}
	done = ZSTD_decompressDCtx(r->dctx, r->chunk_data, size, frame, done);
	if (ZSTD_isError(done) || done != size) {
		chunk_damage(r, "zstd frame does not decompress");
		return CRF_OK;
	}
	r->chunk.records_declared = records;
	r->chunk.events_declared = events;
	r->chunk.events_before = events_before;
	r->chunk.cur = cursor_make(r->chunk_data, size);
	if (codec == CRF_CHUNK_CODEC_ZSTD_LINKED) {
		/* The content is intact whatever its records hold: the next chunk may use it. */
		r->link = (struct chunk_link){ .valid = true, .seq = seq, .len = size };
		why = split_time_column(r, size);
		if (why) {
			chunk_damage(r, why);
			return CRF_OK;
		}
	}
	r->chunk.active = true;
	return CRF_OK;
}

/* Resolves a string id: NULL for 0; NULL and counted when never defined. */
static const char *resolve_string(struct crf_reader *r, uint32_t id)
{
	const char *s;

	if (!id)
		return NULL;
	s = id_table_get(&r->strings, id);
	if (!s)
		r->rec.unresolved_refs++;
	return s;
}

static void *resolve(struct crf_reader *r, const struct id_table *t, uint32_t id)
{
	void *v;

	if (!id)
		return NULL;
	v = id_table_get(t, id);
	if (!v)
		r->rec.unresolved_refs++;
	return v;
}

/*
 * The id of a definition of table t: in a codec-2 chunk, id 0 is the
 * table's next id; any id moves the next one past it (FORMAT.md
 * "Definitions and ids"). In codec 1, as written (0 is corrupt, below).
 */
static uint32_t definition_id(struct crf_reader *r, enum crf_id_table t, uint32_t id)
{
	if (!r->chunk.time_column)
		return id;
	if (!id)
		id = r->chunk.next_id[t];
	r->chunk.next_id[t] = id + 1;
	return id;
}

/*
 * Adds a definition; a repeated or decreasing id makes the chunk corrupt,
 * one beyond the reader's limits stops the reader.
 */
static int define(struct crf_reader *r, struct id_table *t, uint32_t id, void *value,
		  struct cursor *c)
{
	int ret;

	r->limit_hit = budget_definition(&r->budget, id, t->count);
	if (r->limit_hit)
		return CRF_ERR_LIMIT;
	ret = id_table_add(t, id, value);

	if (ret == CRF_ERR_CORRUPT)
		cursor_fail(c, "definition id zero, repeated or out of order");
	return ret == CRF_ERR_NOMEM ? ret : CRF_OK;
}

static int read_string(struct crf_reader *r, struct cursor *c)
{
	uint32_t id = definition_id(r, CRF_IDS_STRINGS, cursor_varint32(c, "bad string record"));
	uint64_t len = cursor_varint(c, "bad string record");
	const uint8_t *bytes;
	char *s;

	if (len > CRF_MAX_STRING_LEN)
		cursor_fail(c, "string longer than CRF_MAX_STRING_LEN");
	bytes = cursor_take(c, (size_t)len, "string past the end of its record");
	if (!bytes)
		return CRF_OK;
	s = arena_strndup(&r->arena, bytes, (size_t)len);
	if (!s)
		return CRF_ERR_NOMEM;
	return define(r, &r->strings, id, s, c);
}

static int read_binary(struct crf_reader *r, struct cursor *c)
{
	struct crf_binary *b = arena_alloc(&r->arena, sizeof(*b));
	uint32_t path_id;
	uint64_t len;
	const uint8_t *bytes;

	if (!b)
		return CRF_ERR_NOMEM;
	b->id = definition_id(r, CRF_IDS_BINARIES, cursor_varint32(c, "bad binary record"));
	path_id = cursor_varint32(c, "bad binary record");
	len = cursor_varint(c, "bad binary record");
	if (len > CRF_MAX_BUILD_ID_LEN)
		cursor_fail(c, "build-id longer than CRF_MAX_BUILD_ID_LEN");
	bytes = cursor_take(c, (size_t)len, "build-id past the end of its record");
	if (c->bad)
		return CRF_OK;
	b->path = resolve_string(r, path_id);
	if (!b->path)
		b->path = "";
	if (len) {
		uint8_t *copy = arena_alloc(&r->arena, (size_t)len);

		if (!copy)
			return CRF_ERR_NOMEM;
		memcpy(copy, bytes, (size_t)len);
		b->build_id = copy;
		b->build_id_len = (uint32_t)len;
	}
	return define(r, &r->binaries, b->id, b, c);
}

static int read_process(struct crf_reader *r, struct cursor *c, struct crf_item *item)
{
	struct crf_process *p = arena_alloc(&r->arena, sizeof(*p));
	uint32_t exe_binary, exe_path, cmdline, comm, cgroup_path, container_id, exe_path_used;
	int ret;

	if (!p)
		return CRF_ERR_NOMEM;
	p->id = definition_id(r, CRF_IDS_PROCESSES, cursor_varint32(c, "bad process record"));
	p->pid = cursor_varint32(c, "bad process record");
	p->ppid = cursor_varint32(c, "bad process record");
	p->start_time_ns = cursor_varint(c, "bad process record");
	p->parent_id = cursor_varint32(c, "bad process record");
	exe_binary = cursor_varint32(c, "bad process record");
	p->uid = cursor_varint32(c, "bad process record");
	p->cgroup_id = cursor_varint(c, "bad process record");
	exe_path = cursor_varint32(c, "bad process record");
	cmdline = cursor_varint32(c, "bad process record");
	comm = cursor_varint32(c, "bad process record");
	cgroup_path = cursor_varint32(c, "bad process record");
	container_id = cursor_varint32(c, "bad process record");
	/* Appended in 1.2: absent in older records (and when the writer had none). */
	exe_path_used = cursor_left(c) ? cursor_varint32(c, "bad process record") : 0;
	if (c->bad)
		return 0;
	p->exe_binary = resolve(r, &r->binaries, exe_binary);
	p->exe_path = resolve_string(r, exe_path);
	p->cmdline = resolve_string(r, cmdline);
	p->comm = resolve_string(r, comm);
	p->cgroup_path = resolve_string(r, cgroup_path);
	p->container_id = resolve_string(r, container_id);
	p->exe_path_used = resolve_string(r, exe_path_used);
	ret = define(r, &r->processes, p->id, p, c);
	if (ret || c->bad)
		return ret;
	item->kind = CRF_ITEM_PROCESS;
	item->process = p;
	return 1;
}

static int read_process_exit(struct crf_reader *r, struct cursor *c, struct crf_item *item)
{
	uint32_t id = cursor_varint32(c, "bad process-exit record");
	uint64_t time_ns = cursor_varint(c, "bad process-exit record");
	int32_t status = cursor_zigzag32(c, "bad process-exit record");
	struct crf_process *p;

	if (c->bad)
		return 0;
	p = resolve(r, &r->processes, id);
	if (!p)
		return 0; /* the process was defined in a lost block: nothing to update */
	p->exited = true;
	p->exit_status = status;
	p->exit_time_ns = time_ns;
	item->kind = CRF_ITEM_PROCESS_EXIT;
	item->process = p;
	return 1;
}

static int read_credentials(struct crf_reader *r, struct cursor *c, struct crf_item *item)
{
	struct crf_credentials *cr = &r->credentials;
	uint32_t id = cursor_varint32(c, "bad credentials record");

	memset(cr, 0, sizeof(*cr));
	cr->tid = cursor_varint32(c, "bad credentials record");
	cr->first_event = cursor_varint(c, "bad credentials record");
	cr->uid = cursor_varint32(c, "bad credentials record");
	cr->euid = cursor_varint32(c, "bad credentials record");
	cr->suid = cursor_varint32(c, "bad credentials record");
	cr->fsuid = cursor_varint32(c, "bad credentials record");
	cr->gid = cursor_varint32(c, "bad credentials record");
	cr->egid = cursor_varint32(c, "bad credentials record");
	cr->fsgid = cursor_varint32(c, "bad credentials record");
	cr->cap_effective = cursor_varint(c, "bad credentials record");
	cr->cap_permitted = cursor_varint(c, "bad credentials record");
	if (c->bad)
		return 0;
	cr->process = resolve(r, &r->processes, id); /* NULL: counted, record kept */
	item->kind = CRF_ITEM_CREDENTIALS;
	item->credentials = cr;
	return 1;
}

static int read_syscall_return(struct crf_reader *r, struct cursor *c, struct crf_item *item)
{
	struct crf_syscall_return *sr = &r->syscall_return;
	uint32_t id = cursor_varint32(c, "bad syscall-return record");
	uint64_t span;

	memset(sr, 0, sizeof(*sr));
	sr->tid = cursor_varint32(c, "bad syscall-return record");
	sr->first_event = cursor_varint(c, "bad syscall-return record");
	span = cursor_varint(c, "bad syscall-return record");
	sr->syscall_nr = cursor_zigzag32(c, "bad syscall-return record");
	sr->ret = crf_zigzag_decode(cursor_varint(c, "bad syscall-return record"));
	sr->time_ns = cursor_varint(c, "bad syscall-return record");
	if (!c->bad && span > UINT64_MAX - sr->first_event)
		cursor_fail(c, "syscall-return event range past 2^64");
	if (c->bad)
		return 0;
	sr->last_event = sr->first_event + span;
	sr->process = resolve(r, &r->processes, id);
	item->kind = CRF_ITEM_SYSCALL_RETURN;
	item->syscall_return = sr;
	return 1;
}

static int read_frame(struct crf_reader *r, struct cursor *c)
{
	struct crf_frame *f = arena_alloc(&r->arena, sizeof(*f));
	uint32_t module, symbol, binary;
	uint64_t file_offset;

	if (!f)
		return CRF_ERR_NOMEM;
	f->id = definition_id(r, CRF_IDS_FRAMES, cursor_varint32(c, "bad frame record"));
	f->kind = cursor_varint32(c, "bad frame record");
	module = cursor_varint32(c, "bad frame record");
	symbol = cursor_varint32(c, "bad frame record");
	f->symbol_offset = cursor_varint(c, "bad frame record");
	binary = cursor_varint32(c, "bad frame record");
	file_offset = cursor_varint(c, "bad frame record");
	if (f->kind != CRF_FRAME_KERNEL && f->kind != CRF_FRAME_USER)
		cursor_fail(c, "unknown frame kind");
	if (c->bad)
		return CRF_OK;
	f->symbol = resolve_string(r, symbol);
	if (f->kind == CRF_FRAME_KERNEL) {
		f->module = module ? resolve_string(r, module) : "";
		if (!f->module)
			f->module = "?"; /* the module name was lost */
	} else {
		f->binary = resolve(r, &r->binaries, binary);
		f->file_offset = file_offset;
	}
	return define(r, &r->frames, f->id, f, c);
}

static int read_stack(struct crf_reader *r, struct cursor *c)
{
	struct crf_stack *s = arena_alloc(&r->arena, sizeof(*s));
	const struct crf_frame **frames;
	uint32_t i;

	if (!s)
		return CRF_ERR_NOMEM;
	s->id = definition_id(r, CRF_IDS_STACKS, cursor_varint32(c, "bad stack record"));
	s->depth = cursor_varint32(c, "bad stack record");
	if (s->depth > CRF_MAX_STACK_DEPTH || s->depth > cursor_left(c))
		cursor_fail(c, "stack deeper than CRF_MAX_STACK_DEPTH or its record");
	if (c->bad)
		return CRF_OK;
	frames = arena_alloc(&r->arena, (s->depth ? s->depth : 1) * sizeof(*frames));
	if (!frames)
		return CRF_ERR_NOMEM;
	for (i = 0; i < s->depth; i++) {
		uint32_t frame_id = cursor_varint32(c, "bad stack record");

		if (c->bad)
			return CRF_OK;
		if (!frame_id) {
			cursor_fail(c, "frame id 0 in a stack");
			return CRF_OK;
		}
		frames[i] = resolve(r, &r->frames, frame_id);
	}
	s->frames = frames;
	return define(r, &r->stacks, s->id, s, c);
}

/* Reads a changed field: the new value when its bit is set, else the previous one. */
#define DELTA_U32(bit, field)                                                          \
	do {                                                                           \
		if (mask & (bit))                                                      \
			d->field = cursor_varint32(c, "bad event field");               \
	} while (0)
#define DELTA_I32(bit, field)                                                          \
	do {                                                                           \
		if (mask & (bit))                                                      \
			d->field = cursor_zigzag32(c, "bad event field");               \
	} while (0)

/*
 * The time delta of a COLUMN_EVENT: the event's low byte and high varint
 * from the time column. A column shorter than the events is corrupt.
 */
static uint64_t column_time(struct chunk_state *chunk, struct cursor *c)
{
	uint8_t low = cursor_u8(&chunk->time_low, "more events than time column entries");
	uint64_t high = cursor_varint(&chunk->time_high, "bad time column entry");

	if (high >> 56)
		cursor_fail(&chunk->time_high, "time delta above 64 bits");
	if (chunk->time_low.bad)
		cursor_fail(c, chunk->time_low.why);
	if (chunk->time_high.bad)
		cursor_fail(c, chunk->time_high.why);
	return high << 8 | low;
}

static int read_event(struct crf_reader *r, struct cursor *c, uint8_t type,
		      struct crf_item *item)
{
	struct event_delta *d = &r->chunk.prev;
	struct crf_event *e = &r->event;
	int64_t delta = crf_zigzag_decode(type == CRF_REC_COLUMN_EVENT ?
					  column_time(&r->chunk, c) :
					  cursor_varint(c, "bad event time"));
	uint64_t mask = cursor_varint(c, "bad event mask");

	if (mask & ~(uint64_t)CRF_EVF_ALL)
		cursor_fail(c, "reserved event field bit set");
	DELTA_U32(CRF_EVF_TID, tid);
	DELTA_I32(CRF_EVF_CAP, cap);
	DELTA_U32(CRF_EVF_KERNEL_STACK, kernel_stack_id);
	DELTA_U32(CRF_EVF_USER_STACK, user_stack_id);
	DELTA_I32(CRF_EVF_RET, ret);
	DELTA_I32(CRF_EVF_SYSCALL, syscall_nr);
	DELTA_U32(CRF_EVF_PROCESS, process_id);
	DELTA_U32(CRF_EVF_COMM, comm_id);
	DELTA_U32(CRF_EVF_FLAGS, flags);
	DELTA_I32(CRF_EVF_FINAL_RET, final_ret);
	DELTA_U32(CRF_EVF_UID, uid);
	if (mask & CRF_EVF_CGROUP)
		d->cgroup_id = cursor_varint(c, "bad event field");
	DELTA_U32(CRF_EVF_USERNS_INUM, userns_inum);
	DELTA_U32(CRF_EVF_USERNS_LEVEL, userns_level);
	if (d->flags & ~CRF_EV_KNOWN_FLAGS)
		cursor_fail(c, "reserved event flag set");
	if (!d->process_id)
		cursor_fail(c, "event without a process");
	if (c->bad)
		return 0;
	r->limit_hit = budget_event(&r->budget, r->rec.events);
	if (r->limit_hit)
		return CRF_ERR_LIMIT;
	d->time_ns += (uint64_t)delta;

	memset(e, 0, sizeof(*e));
	e->index = r->chunk.events_before + r->chunk.events_seen;
	e->time_ns = d->time_ns;
	e->tid = d->tid;
	e->uid = d->uid;
	e->cap = d->cap;
	e->flags = d->flags;
	e->ret = d->ret;
	e->final_ret = d->final_ret;
	e->syscall_nr = d->syscall_nr;
	e->cgroup_id = d->cgroup_id;
	e->userns_inum = d->userns_inum;
	e->userns_level = d->userns_level;
	e->comm = resolve_string(r, d->comm_id);
	e->process = resolve(r, &r->processes, d->process_id);
	e->pid = e->process ? e->process->pid : 0;
	e->kernel_stack = resolve(r, &r->stacks, d->kernel_stack_id);
	e->user_stack = resolve(r, &r->stacks, d->user_stack_id);
	e->kernel_stack_id = d->kernel_stack_id;
	e->user_stack_id = d->user_stack_id;
	r->chunk.events_seen++;
	r->rec.events++;
	item->kind = CRF_ITEM_EVENT;
	item->event = e;
	return 1;
}

/* Decodes one record with a length (every type but EVENT). */
static int read_sized_record(struct crf_reader *r, uint8_t type, struct crf_item *item)
{
	struct cursor *chunk = &r->chunk.cur;
	uint64_t len = cursor_varint(chunk, "bad record length");
	const uint8_t *body = cursor_take(chunk, (size_t)len, "record longer than its chunk");
	struct cursor c;
	int ret;

	if (!body)
		return 0;
	/* Bytes past the known fields are a newer minor version's: ignored. */
	c = cursor_make(body, (size_t)len);
	switch (type) {
	case CRF_REC_STRING:
		ret = read_string(r, &c);
		break;
	case CRF_REC_BINARY:
		ret = read_binary(r, &c);
		break;
	case CRF_REC_PROCESS:
		ret = read_process(r, &c, item);
		break;
	case CRF_REC_PROCESS_EXIT:
		ret = read_process_exit(r, &c, item);
		break;
	case CRF_REC_FRAME:
		ret = read_frame(r, &c);
		break;
	case CRF_REC_STACK:
		ret = read_stack(r, &c);
		break;
	case CRF_REC_CREDENTIALS:
		ret = read_credentials(r, &c, item);
		break;
	case CRF_REC_SYSCALL_RETURN:
		ret = read_syscall_return(r, &c, item);
		break;
	default:
		return 0; /* an unknown record type: skipped by its length */
	}
	if (c.bad)
		cursor_fail(chunk, c.why);
	return ret;
}

int chunk_next_item(struct crf_reader *r, struct crf_item *item)
{
	struct cursor *c = &r->chunk.cur;

	while (r->chunk.active) {
		uint8_t type;
		int ret;

		if (!cursor_left(c) && !c->bad) {
			r->chunk.active = false;
			if (r->chunk.records_seen != r->chunk.records_declared ||
			    r->chunk.events_seen != r->chunk.events_declared)
				chunk_damage(r, "chunk record counts differ from its header");
			else if (cursor_left(&r->chunk.time_high))
				chunk_damage(r, "time column longer than the chunk's events");
			return 0;
		}
		memset(item, 0, sizeof(*item));
		item->offset = r->chunk.block_offset;
		type = cursor_u8(c, "bad record type");
		if (!c->bad && type == 0)
			cursor_fail(c, "record type 0");
		if (c->bad) {
			chunk_damage(r, c->why);
			return 0;
		}
		/* Each codec has its one kind of event record: the time is inline or in the column. */
		if (type == (r->chunk.time_column ? CRF_REC_EVENT : CRF_REC_COLUMN_EVENT))
			cursor_fail(c, "event record of the other chunk codec");
		if (c->bad) {
			chunk_damage(r, c->why);
			return 0;
		}
		if (type == CRF_REC_EVENT || type == CRF_REC_COLUMN_EVENT)
			ret = read_event(r, c, type, item);
		else
			ret = read_sized_record(r, type, item);
		if (ret < 0)
			return ret;
		if (c->bad) {
			chunk_damage(r, c->why);
			return 0;
		}
		r->chunk.records_seen++;
		if (ret)
			return 1;
	}
	return 0;
}
