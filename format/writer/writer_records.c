// SPDX-License-Identifier: GPL-2.0-only
/*
 * writer_records.c - the writer's record half: encodes definitions
 * (strings, binaries, processes, frames, stacks, process exits) and
 * delta-encoded events into the open chunk (FORMAT.md "Chunk records"),
 * each event's time delta into the chunk's time column ("Chunk content").
 */
#include <string.h>

#include "crf_layout.h"
#include "crf_varint.h"
#include "writer_internal.h"

/*
 * Out of memory while a record was being appended: the open chunk may hold
 * part of it, and an id may be handed out for a definition never written,
 * so the writer stops here (the file keeps every block already written).
 */
static int nomem(struct crf_writer *w)
{
	w->failed = true;
	w->error.code = CRF_ERR_NOMEM;
	w->error.sys_errno = 0;
	w->error.offset = w->stats.bytes_written;
	w->error.detail = "no memory for a record";
	return CRF_ERR_NOMEM;
}

/*
 * Appends a definition record: type, body length, then the body = id
 * followed by the content encoded in w->record. The id is written as 0,
 * "the table's next id" (FORMAT.md "Definitions and ids"): ids are handed
 * out in order and defined at once, so it is always the next one, and an
 * incrementing number in every record would both cost its bytes and break
 * zstd's matches between similar records.
 */
static int append_definition(struct crf_writer *w, uint8_t type)
{
	if (crf_buf_put_u8(&w->chunk, type) ||
	    crf_buf_put_varint(&w->chunk, 1 + w->record.len) ||
	    crf_buf_put_u8(&w->chunk, 0) ||
	    crf_buf_append(&w->chunk, w->record.data, w->record.len))
		return nomem(w);
	return writer_record_added(w);
}

/* Looks up the content in w->record; defines it when it is new. */
static int intern_record(struct crf_writer *w, struct intern_table *t, uint8_t type,
			 uint32_t *id)
{
	bool inserted;
	int ret = intern_table_get(t, w->record.data, w->record.len, id, &inserted);

	if (ret == CRF_ERR_NOMEM)
		return nomem(w);
	if (ret)
		return ret;
	return inserted ? append_definition(w, type) : CRF_OK;
}

/* Interns len bytes of s as a string (the string record's content). */
static int intern_bytes(struct crf_writer *w, const char *s, size_t len, uint32_t *id)
{
	w->record.len = 0;
	if (crf_buf_put_varint(&w->record, len) || crf_buf_append(&w->record, s, len))
		return nomem(w);
	return intern_record(w, &w->strings, CRF_REC_STRING, id);
}

int crf_intern_string(struct crf_writer *w, const char *s, uint32_t *id)
{
	size_t len;
	int ret = writer_check_usable(w);

	if (ret)
		return ret;
	if (!s || !id)
		return CRF_ERR_INVALID_ARG;
	len = strlen(s);
	if (len > CRF_MAX_STRING_LEN)
		return CRF_ERR_LIMIT;
	return intern_bytes(w, s, len, id);
}

/*
 * String fields of definitions: NULL stays 0 ("none"); an over-long value
 * (a huge command line) is cut at CRF_MAX_STRING_LEN rather than losing
 * the whole definition.
 */
static int intern_optional(struct crf_writer *w, const char *s, uint32_t *id)
{
	size_t len;

	*id = 0;
	if (!s)
		return CRF_OK;
	len = strlen(s);
	if (len > CRF_MAX_STRING_LEN)
		len = CRF_MAX_STRING_LEN;
	return intern_bytes(w, s, len, id);
}

int crf_intern_binary(struct crf_writer *w, const char *path, const uint8_t *build_id,
		      size_t build_id_len, uint32_t *id)
{
	uint32_t path_id;
	int ret = writer_check_usable(w);

	if (ret)
		return ret;
	if (!id || (build_id_len && !build_id))
		return CRF_ERR_INVALID_ARG;
	if (build_id_len > CRF_MAX_BUILD_ID_LEN)
		return CRF_ERR_LIMIT;
	ret = intern_optional(w, path, &path_id);
	if (ret)
		return ret;
	w->record.len = 0;
	if (crf_buf_put_varint(&w->record, path_id) ||
	    crf_buf_put_varint(&w->record, build_id_len) ||
	    crf_buf_append(&w->record, build_id, build_id_len))
		return nomem(w);
	return intern_record(w, &w->binaries, CRF_REC_BINARY, id);
}

int crf_define_process(struct crf_writer *w, const struct crf_process_def *p, uint32_t *id)
{
	uint32_t exe_path, cmdline, comm, cgroup_path, container_id, exe_path_used;
	int ret = writer_check_usable(w);

	if (ret)
		return ret;
	if (!p || !id || p->exe_binary_id > w->binaries.count ||
	    p->parent_id > w->process_count)
		return CRF_ERR_INVALID_ARG;
	if (w->process_count >= CRF_MAX_IDS)
		return CRF_ERR_LIMIT;
	/* Strings first: they use w->record too. */
	ret = intern_optional(w, p->exe_path, &exe_path);
	if (!ret)
		ret = intern_optional(w, p->cmdline, &cmdline);
	if (!ret)
		ret = intern_optional(w, p->comm, &comm);
	if (!ret)
		ret = intern_optional(w, p->cgroup_path, &cgroup_path);
	if (!ret)
		ret = intern_optional(w, p->container_id, &container_id);
	if (!ret)
		ret = intern_optional(w, p->exe_path_used, &exe_path_used);
	if (ret)
		return ret;
	w->record.len = 0;
	if (crf_buf_put_varint(&w->record, p->pid) || crf_buf_put_varint(&w->record, p->ppid) ||
	    crf_buf_put_varint(&w->record, p->start_time_ns) ||
	    crf_buf_put_varint(&w->record, p->parent_id) ||
	    crf_buf_put_varint(&w->record, p->exe_binary_id) ||
	    crf_buf_put_varint(&w->record, p->uid) ||
	    crf_buf_put_varint(&w->record, p->cgroup_id) ||
	    crf_buf_put_varint(&w->record, exe_path) || crf_buf_put_varint(&w->record, cmdline) ||
	    crf_buf_put_varint(&w->record, comm) || crf_buf_put_varint(&w->record, cgroup_path) ||
	    crf_buf_put_varint(&w->record, container_id))
		return nomem(w);
	/* Appended in 1.2; left out when 0, which is what a reader takes for a missing field. */
	if (exe_path_used && crf_buf_put_varint(&w->record, exe_path_used))
		return nomem(w);
	*id = ++w->process_count;
	return append_definition(w, CRF_REC_PROCESS);
}

int crf_intern_frame(struct crf_writer *w, const struct crf_frame_def *f, uint32_t *id)
{
	uint32_t module = 0, symbol;
	int ret = writer_check_usable(w);

	if (ret)
		return ret;
	if (!f || !id || (f->kind != CRF_FRAME_KERNEL && f->kind != CRF_FRAME_USER) ||
	    f->binary_id > w->binaries.count)
		return CRF_ERR_INVALID_ARG;
	/* vmlinux is module 0: "" and NULL mean the same thing. */
	if (f->kind == CRF_FRAME_KERNEL && f->module && f->module[0])
		ret = intern_optional(w, f->module, &module);
	if (!ret)
		ret = intern_optional(w, f->symbol, &symbol);
	if (ret)
		return ret;
	w->record.len = 0;
	if (crf_buf_put_varint(&w->record, (uint64_t)f->kind) ||
	    crf_buf_put_varint(&w->record, module) || crf_buf_put_varint(&w->record, symbol) ||
	    crf_buf_put_varint(&w->record, f->symbol_offset) ||
	    crf_buf_put_varint(&w->record, f->kind == CRF_FRAME_USER ? f->binary_id : 0) ||
	    crf_buf_put_varint(&w->record, f->kind == CRF_FRAME_USER ? f->file_offset : 0))
		return nomem(w);
	return intern_record(w, &w->frames, CRF_REC_FRAME, id);
}

int crf_intern_stack(struct crf_writer *w, const uint32_t *frame_ids, uint32_t depth,
		     uint32_t *id)
{
	uint32_t i;
	int ret = writer_check_usable(w);

	if (ret)
		return ret;
	if (!id || (depth && !frame_ids))
		return CRF_ERR_INVALID_ARG;
	if (depth > CRF_MAX_STACK_DEPTH)
		return CRF_ERR_LIMIT;
	w->record.len = 0;
	if (crf_buf_put_varint(&w->record, depth))
		return nomem(w);
	for (i = 0; i < depth; i++) {
		if (!frame_ids[i] || frame_ids[i] > w->frames.count)
			return CRF_ERR_INVALID_ARG;
		if (crf_buf_put_varint(&w->record, frame_ids[i]))
			return nomem(w);
	}
	return intern_record(w, &w->stacks, CRF_REC_STACK, id);
}

int crf_write_process_exit(struct crf_writer *w, uint32_t process_id, uint64_t time_ns,
			   int32_t exit_status)
{
	int ret = writer_check_usable(w);

	if (ret)
		return ret;
	if (!process_id || process_id > w->process_count)
		return CRF_ERR_INVALID_ARG;
	w->record.len = 0;
	if (crf_buf_put_varint(&w->record, process_id) || crf_buf_put_varint(&w->record, time_ns) ||
	    crf_buf_put_varint(&w->record, crf_zigzag_encode(exit_status)))
		return nomem(w);
	/* Not a definition, but the same "type, length, body" shape. */
	if (crf_buf_put_u8(&w->chunk, CRF_REC_PROCESS_EXIT) ||
	    crf_buf_put_varint(&w->chunk, w->record.len) ||
	    crf_buf_append(&w->chunk, w->record.data, w->record.len))
		return nomem(w);
	return writer_record_added(w);
}

/* Appends w->record as a record of this type that is not a definition: type, length, body. */
static int append_plain(struct crf_writer *w, uint8_t type)
{
	if (crf_buf_put_u8(&w->chunk, type) || crf_buf_put_varint(&w->chunk, w->record.len) ||
	    crf_buf_append(&w->chunk, w->record.data, w->record.len))
		return nomem(w);
	return writer_record_added(w);
}

int crf_write_credentials(struct crf_writer *w, const struct crf_credentials_rec *c)
{
	struct crf_buf *b = &w->record;
	int ret = writer_check_usable(w);

	if (ret)
		return ret;
	if (!c || !c->process_id || c->process_id > w->process_count)
		return CRF_ERR_INVALID_ARG;
	b->len = 0;
	if (crf_buf_put_varint(b, c->process_id) || crf_buf_put_varint(b, c->tid) ||
	    crf_buf_put_varint(b, c->first_event) || crf_buf_put_varint(b, c->uid) ||
	    crf_buf_put_varint(b, c->euid) || crf_buf_put_varint(b, c->suid) ||
	    crf_buf_put_varint(b, c->fsuid) || crf_buf_put_varint(b, c->gid) ||
	    crf_buf_put_varint(b, c->egid) || crf_buf_put_varint(b, c->fsgid) ||
	    crf_buf_put_varint(b, c->cap_effective) || crf_buf_put_varint(b, c->cap_permitted))
		return nomem(w);
	return append_plain(w, CRF_REC_CREDENTIALS);
}

int crf_write_syscall_return(struct crf_writer *w, const struct crf_syscall_return_rec *r)
{
	struct crf_buf *b = &w->record;
	int ret = writer_check_usable(w);

	if (ret)
		return ret;
	if (!r || !r->process_id || r->process_id > w->process_count ||
	    r->last_event < r->first_event || r->last_event >= w->stats.events)
		return CRF_ERR_INVALID_ARG;
	b->len = 0;
	/* The last event as a distance back from the first: one byte, not four. */
	if (crf_buf_put_varint(b, r->process_id) || crf_buf_put_varint(b, r->tid) ||
	    crf_buf_put_varint(b, r->first_event) ||
	    crf_buf_put_varint(b, r->last_event - r->first_event) ||
	    crf_buf_put_varint(b, crf_zigzag_encode(r->syscall_nr)) ||
	    crf_buf_put_varint(b, crf_zigzag_encode(r->ret)) ||
	    crf_buf_put_varint(b, r->time_ns))
		return nomem(w);
	return append_plain(w, CRF_REC_SYSCALL_RETURN);
}

/* Sets bit in *mask and appends v when the field differs from the previous event. */
#define DELTA_FIELD(bit, field, encoded)                                                 \
	do {                                                                             \
		if (ev->field != prev->field) {                                          \
			mask |= (bit);                                                   \
			n += crf_varint_put(fields + n, (encoded));                      \
		}                                                                        \
	} while (0)

int crf_write_event(struct crf_writer *w, const struct crf_event_rec *ev)
{
	const struct crf_event_rec *prev;
	/* 14 fields of at most 10 bytes each. */
	uint8_t fields[14 * CRF_VARINT_MAX_LEN];
	uint32_t mask = 0;
	uint64_t time_delta;
	size_t n = 0;
	int ret = writer_check_usable(w);

	if (ret)
		return ret;
	if (!ev || !ev->process_id || ev->process_id > w->process_count ||
	    ev->comm_id > w->strings.count || ev->kernel_stack_id > w->stacks.count ||
	    ev->user_stack_id > w->stacks.count || (ev->flags & ~CRF_EV_KNOWN_FLAGS))
		return CRF_ERR_INVALID_ARG;
	prev = &w->prev.fields;
	DELTA_FIELD(CRF_EVF_TID, tid, ev->tid);
	DELTA_FIELD(CRF_EVF_CAP, cap, crf_zigzag_encode(ev->cap));
	DELTA_FIELD(CRF_EVF_KERNEL_STACK, kernel_stack_id, ev->kernel_stack_id);
	DELTA_FIELD(CRF_EVF_USER_STACK, user_stack_id, ev->user_stack_id);
	DELTA_FIELD(CRF_EVF_RET, ret, crf_zigzag_encode(ev->ret));
	DELTA_FIELD(CRF_EVF_SYSCALL, syscall_nr, crf_zigzag_encode(ev->syscall_nr));
	DELTA_FIELD(CRF_EVF_PROCESS, process_id, ev->process_id);
	DELTA_FIELD(CRF_EVF_COMM, comm_id, ev->comm_id);
	DELTA_FIELD(CRF_EVF_FLAGS, flags, ev->flags);
	DELTA_FIELD(CRF_EVF_FINAL_RET, final_ret, crf_zigzag_encode(ev->final_ret));
	DELTA_FIELD(CRF_EVF_UID, uid, ev->uid);
	DELTA_FIELD(CRF_EVF_CGROUP, cgroup_id, ev->cgroup_id);
	DELTA_FIELD(CRF_EVF_USERNS_INUM, userns_inum, ev->userns_inum);
	DELTA_FIELD(CRF_EVF_USERNS_LEVEL, userns_level, ev->userns_level);
	/*
	 * The time delta goes to the time column, split in its low byte and
	 * the rest: the low bytes are noise, the rest is small and repetitive,
	 * and zstd codes each far better apart than interleaved with records.
	 */
	time_delta = crf_zigzag_encode((int64_t)(ev->time_ns - w->prev.time_ns));
	if (crf_buf_put_u8(&w->time_low, (uint8_t)time_delta) ||
	    crf_buf_put_varint(&w->time_high, time_delta >> 8) ||
	    crf_buf_put_u8(&w->chunk, CRF_REC_COLUMN_EVENT) ||
	    crf_buf_put_varint(&w->chunk, mask) || crf_buf_append(&w->chunk, fields, n))
		return nomem(w);
	if (!w->chunk_events)
		w->chunk_first_time_ns = ev->time_ns;
	w->chunk_last_time_ns = ev->time_ns;
	w->chunk_events++;
	w->stats.events++;
	w->prev.time_ns = ev->time_ns;
	w->prev.fields = *ev;
	return writer_record_added(w);
}
