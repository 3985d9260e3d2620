// SPDX-License-Identifier: GPL-2.0-only
/*
 * recode.c - a recording read with the reader and written again with the
 * writer (recode.h). The reader hands out definitions already resolved, so
 * every string, binary, frame and stack is interned again from its content;
 * processes and stacks are mapped from input ids to output ids.
 */
#include <stdlib.h>
#include <string.h>

#include "crf_layout.h"
#include "recode.h"

struct recoder {
	struct crf_reader *r;
	struct crf_writer *w;
	uint32_t *process_ids;    /* input process id -> output process id */
	size_t process_cap;
	uint32_t *stack_ids;      /* input stack id -> output stack id, 0 = not yet */
	size_t stack_cap;
	uint64_t chunk_offset;    /* input block of the last item written */
	size_t metadata_done;     /* metadata pairs written so far */
	size_t clocks_done;       /* clock anchors written so far */
};

/* Sets map[key] = value, growing the map (new entries 0). */
static int map_set(uint32_t **map, size_t *cap, uint32_t key, uint32_t value)
{
	if (key >= *cap) {
		size_t n = (size_t)key * 2 + 64;
		uint32_t *grown = realloc(*map, n * sizeof(*grown));

		if (!grown)
			return CRF_ERR_NOMEM;
		memset(grown + *cap, 0, (n - *cap) * sizeof(*grown));
		*map = grown;
		*cap = n;
	}
	(*map)[key] = value;
	return CRF_OK;
}

static uint32_t map_get(const uint32_t *map, size_t cap, uint32_t key)
{
	return key < cap ? map[key] : 0;
}

static int binary_id(struct recoder *rc, const struct crf_binary *b, uint32_t *id)
{
	*id = 0;
	if (!b)
		return CRF_OK;
	return crf_intern_binary(rc->w, b->path[0] ? b->path : NULL, b->build_id,
				 b->build_id_len, id);
}

/* A stack of the input as an output stack id; frames lost to damage are left out. */
static int stack_id(struct recoder *rc, const struct crf_stack *s, uint32_t *id)
{
	uint32_t frames[CRF_MAX_STACK_DEPTH], depth = 0, i;
	int ret;

	*id = 0;
	if (!s)
		return CRF_OK;
	*id = map_get(rc->stack_ids, rc->stack_cap, s->id);
	if (*id)
		return CRF_OK;
	for (i = 0; i < s->depth && i < CRF_MAX_STACK_DEPTH; i++) {
		const struct crf_frame *f = s->frames[i];
		struct crf_frame_def def;

		if (!f)
			continue;
		def = (struct crf_frame_def){ .kind = f->kind, .module = f->module,
					      .symbol = f->symbol,
					      .symbol_offset = f->symbol_offset,
					      .file_offset = f->file_offset };
		ret = binary_id(rc, f->binary, &def.binary_id);
		if (!ret)
			ret = crf_intern_frame(rc->w, &def, &frames[depth]);
		if (ret)
			return ret;
		depth++;
	}
	ret = crf_intern_stack(rc->w, frames, depth, id);
	if (ret)
		return ret;
	return map_set(&rc->stack_ids, &rc->stack_cap, s->id, *id);
}

static int write_process(struct recoder *rc, const struct crf_process *p)
{
	struct crf_process_def def = {
		.pid = p->pid, .ppid = p->ppid, .start_time_ns = p->start_time_ns,
		.parent_id = map_get(rc->process_ids, rc->process_cap, p->parent_id),
		.uid = p->uid, .cgroup_id = p->cgroup_id, .exe_path = p->exe_path,
		.exe_path_used = p->exe_path_used,
		.cmdline = p->cmdline, .comm = p->comm, .cgroup_path = p->cgroup_path,
		.container_id = p->container_id,
	};
	uint32_t id;
	int ret = binary_id(rc, p->exe_binary, &def.exe_binary_id);

	if (!ret)
		ret = crf_define_process(rc->w, &def, &id);
	if (ret)
		return ret;
	return map_set(&rc->process_ids, &rc->process_cap, p->id, id);
}

static int write_event(struct recoder *rc, const struct crf_event *e,
		       struct recode_totals *totals)
{
	struct crf_event_rec ev = {
		.time_ns = e->time_ns, .tid = e->tid, .uid = e->uid, .cap = e->cap,
		.flags = e->flags, .ret = e->ret, .final_ret = e->final_ret,
		.syscall_nr = e->syscall_nr, .cgroup_id = e->cgroup_id,
		.userns_inum = e->userns_inum, .userns_level = e->userns_level,
	};
	int ret;

	ev.process_id = e->process ? map_get(rc->process_ids, rc->process_cap, e->process->id) : 0;
	if (!ev.process_id) {
		totals->dropped++;
		return CRF_OK;
	}
	ret = e->comm ? crf_intern_string(rc->w, e->comm, &ev.comm_id) : CRF_OK;
	if (!ret)
		ret = stack_id(rc, e->kernel_stack, &ev.kernel_stack_id);
	if (!ret)
		ret = stack_id(rc, e->user_stack, &ev.user_stack_id);
	if (!ret)
		ret = crf_write_event(rc->w, &ev);
	if (!ret)
		totals->events++;
	return ret;
}

/* The pairs of the METADATA block just read (the reader appends them to its list). */
static int write_metadata(struct recoder *rc)
{
	struct crf_kv *kvs = NULL;
	size_t n = 0, cap = 0;
	const char *key, *value;
	int ret;

	while (crf_reader_metadata_at(rc->r, rc->metadata_done + n, &key, &value)) {
		if (n == cap) {
			struct crf_kv *grown;

			cap = cap ? cap * 2 : 32;
			grown = realloc(kvs, cap * sizeof(*grown));
			if (!grown) {
				ret = CRF_ERR_NOMEM;
				goto cleanup;
			}
			kvs = grown;
		}
		kvs[n].key = key;
		kvs[n].value = value;
		n++;
	}
	ret = crf_write_metadata(rc->w, kvs, n);
	rc->metadata_done += n;
cleanup:
	free(kvs);
	return ret;
}

static int write_cap_names(struct recoder *rc)
{
	const char *names[CRF_MAX_CAP_NAMES];
	uint32_t count = 0, cap;

	for (cap = 0; cap < CRF_MAX_CAP_NAMES; cap++) {
		names[cap] = crf_reader_cap_name(rc->r, (int32_t)cap);
		if (names[cap])
			count = cap + 1;
	}
	return crf_write_cap_names(rc->w, names, count);
}

/* A LOSS as read, every kind (an events-only loss keeps its 24-byte body). */
static int write_loss(struct crf_writer *w, const struct crf_loss *loss)
{
	struct crf_loss_counts counts = { .events = loss->lost,
					  .process_records = loss->process_records,
					  .stacks = loss->stacks };

	if (!counts.process_records && !counts.stacks)
		return crf_write_loss(w, loss->time_ns, loss->lost);
	return crf_write_losses(w, loss->time_ns, &counts);
}

/* Event numbers carry over: every event read is written, in order. */
static int write_credentials(struct recoder *rc, const struct crf_credentials *c)
{
	struct crf_credentials_rec out = {
		.tid = c->tid, .first_event = c->first_event, .uid = c->uid, .euid = c->euid,
		.suid = c->suid, .fsuid = c->fsuid, .gid = c->gid, .egid = c->egid,
		.fsgid = c->fsgid, .cap_effective = c->cap_effective,
		.cap_permitted = c->cap_permitted,
	};

	out.process_id = c->process ? map_get(rc->process_ids, rc->process_cap, c->process->id) : 0;
	return out.process_id ? crf_write_credentials(rc->w, &out) : CRF_OK;
}

static int write_syscall_return(struct recoder *rc, const struct crf_syscall_return *s)
{
	struct crf_syscall_return_rec out = {
		.tid = s->tid, .first_event = s->first_event, .last_event = s->last_event,
		.syscall_nr = s->syscall_nr, .ret = s->ret, .time_ns = s->time_ns,
	};

	out.process_id = s->process ? map_get(rc->process_ids, rc->process_cap, s->process->id) : 0;
	return out.process_id ? crf_write_syscall_return(rc->w, &out) : CRF_OK;
}

static int write_item(struct recoder *rc, const struct crf_item *item,
		      struct recode_totals *totals)
{
	uint64_t boot, real;
	uint32_t id;
	int ret;

	/* The input's chunk ended: so does the output's (no-op when none is open). */
	if (item->offset != rc->chunk_offset) {
		ret = crf_writer_flush(rc->w);
		if (ret)
			return ret;
		rc->chunk_offset = item->offset;
	}
	switch (item->kind) {
	case CRF_ITEM_EVENT:
		return write_event(rc, item->event, totals);
	case CRF_ITEM_PROCESS:
		return write_process(rc, item->process);
	case CRF_ITEM_PROCESS_EXIT:
		id = map_get(rc->process_ids, rc->process_cap, item->process->id);
		return id ? crf_write_process_exit(rc->w, id, item->process->exit_time_ns,
						   item->process->exit_status) : CRF_OK;
	case CRF_ITEM_CREDENTIALS:
		return write_credentials(rc, item->credentials);
	case CRF_ITEM_SYSCALL_RETURN:
		return write_syscall_return(rc, item->syscall_return);
	case CRF_ITEM_LOSS:
		return write_loss(rc->w, item->loss);
	case CRF_ITEM_METADATA:
		return write_metadata(rc);
	case CRF_ITEM_CAPNAMES:
		return write_cap_names(rc);
	case CRF_ITEM_CLOCK:
		if (!crf_reader_clock_at(rc->r, rc->clocks_done++, &boot, &real))
			return CRF_OK;
		return crf_write_clock(rc->w, boot, real);
	}
	return CRF_OK;
}

/* Copies the writer's error (or a bare status) into *err. */
static int writer_failed(struct recoder *rc, int status, struct crf_error *err)
{
	const struct crf_error *we = crf_writer_error(rc->w);

	if (err) {
		memset(err, 0, sizeof(*err));
		if (we && we->code)
			*err = *we;
		else
			err->code = status;
		if (!err->detail)
			err->detail = crf_strerror(status);
	}
	return status;
}

int recode(int in_fd, int out_fd, const struct crf_writer_options *opts,
	   struct recode_totals *totals, struct crf_error *err)
{
	struct recoder rc = { 0 };
	struct crf_writer_stats stats;
	struct crf_item item;
	int ret;

	memset(totals, 0, sizeof(*totals));
	ret = crf_reader_open(&rc.r, in_fd, err);
	if (ret)
		goto cleanup;
	ret = crf_writer_open(&rc.w, out_fd, opts);
	if (ret) {
		if (err) {
			memset(err, 0, sizeof(*err));
			err->code = ret;
			err->detail = "cannot start the output";
		}
		goto cleanup;
	}
	while ((ret = crf_reader_next(rc.r, &item, err)) == 1) {
		ret = write_item(&rc, &item, totals);
		if (ret) {
			writer_failed(&rc, ret, err);
			goto cleanup;
		}
	}
	if (ret < 0)
		goto cleanup;
	ret = crf_writer_close(rc.w);
	if (ret) {
		writer_failed(&rc, ret, err);
		goto cleanup;
	}
	crf_writer_stats(rc.w, &stats);
	totals->bytes_out = stats.bytes_written;
	totals->bytes_in = crf_reader_recovery(rc.r)->file_bytes;
cleanup:
	crf_writer_free(rc.w);
	crf_reader_free(rc.r);
	free(rc.process_ids);
	free(rc.stack_ids);
	return ret;
}
