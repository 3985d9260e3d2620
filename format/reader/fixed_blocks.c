// SPDX-License-Identifier: GPL-2.0-only
/*
 * fixed_blocks.c - bodies of the blocks that are not chunks (FORMAT.md
 * "METADATA", "CAPNAMES", "CLOCK", "LOSS", "END"). Each body is read with
 * a bounds-checked cursor; bytes past the known fields are ignored (a newer
 * minor version may append fields). A body that does not parse is damage.
 */
#include <stdlib.h>
#include <string.h>

#include "crf_layout.h"
#include "reader_internal.h"

/* Reads a u16-length string into the arena; NULL on a bad cursor or no memory. */
static const char *read_short_string(struct crf_reader *r, struct cursor *c, bool *nomem)
{
	uint16_t len = cursor_le16(c, "string length past the end of the body");
	const uint8_t *bytes = cursor_take(c, len, "string past the end of the body");
	char *s;

	if (!bytes)
		return NULL;
	s = arena_strndup(&r->arena, bytes, len);
	if (!s)
		*nomem = true;
	return s;
}

static int add_metadata(struct crf_reader *r, const char *key, const char *value)
{
	if (r->metadata_count == r->metadata_cap) {
		size_t cap = r->metadata_cap ? r->metadata_cap * 2 : 32;
		struct metadata_pair *m = realloc(r->metadata, cap * sizeof(*m));

		if (!m)
			return CRF_ERR_NOMEM;
		r->metadata = m;
		r->metadata_cap = cap;
	}
	r->metadata[r->metadata_count].key = key;
	r->metadata[r->metadata_count].value = value;
	r->metadata_count++;
	return CRF_OK;
}

static int read_metadata(struct crf_reader *r, struct cursor *c)
{
	uint32_t count = cursor_le32(c, "metadata count missing");
	bool nomem = false;
	uint32_t i;

	/* Each pair takes at least 4 bytes: a count beyond that is a lie. */
	if (count > CRF_MAX_METADATA_PAIRS || count > cursor_left(c) / 4) {
		cursor_fail(c, "metadata count exceeds the body");
		return CRF_OK;
	}
	for (i = 0; i < count; i++) {
		const char *key = read_short_string(r, c, &nomem);
		const char *value = read_short_string(r, c, &nomem);

		if (nomem)
			return CRF_ERR_NOMEM;
		if (c->bad)
			return CRF_OK;
		if (!key[0]) {
			cursor_fail(c, "empty metadata key");
			return CRF_OK;
		}
		if (add_metadata(r, key, value))
			return CRF_ERR_NOMEM;
	}
	return CRF_OK;
}

static int read_cap_names(struct crf_reader *r, struct cursor *c)
{
	uint32_t count = cursor_le32(c, "capability count missing");
	const char **names;
	bool nomem = false;
	uint32_t i;

	if (count > CRF_MAX_CAP_NAMES || count > cursor_left(c) / 2) {
		cursor_fail(c, "capability count exceeds the limit or the body");
		return CRF_OK;
	}
	names = arena_alloc(&r->arena, (count ? count : 1) * sizeof(*names));
	if (!names)
		return CRF_ERR_NOMEM;
	for (i = 0; i < count; i++) {
		const char *name = read_short_string(r, c, &nomem);

		if (nomem)
			return CRF_ERR_NOMEM;
		if (c->bad)
			return CRF_OK;
		names[i] = name[0] ? name : NULL;
	}
	r->cap_names = names;
	r->cap_name_count = count;
	return CRF_OK;
}

static int read_clock(struct crf_reader *r, struct cursor *c)
{
	struct clock_anchor a;

	a.boottime_ns = cursor_le64(c, "clock block too short");
	a.realtime_ns = cursor_le64(c, "clock block too short");
	if (c->bad)
		return CRF_OK;
	return clock_anchors_add(&r->clocks, a.boottime_ns, a.realtime_ns);
}

/* Adds a LOSS count; a sum past 64 bits stays at the maximum and says so, never wraps. */
static void add_lost(struct crf_recovery *rec, uint64_t *sum, uint64_t lost)
{
	if (__builtin_add_overflow(*sum, lost, sum)) {
		*sum = UINT64_MAX;
		rec->lost_saturated = true;
	}
}

/* LOSS: the events lost, then the other kinds when the body holds them. */
static void read_loss(struct crf_reader *r, struct cursor *body, struct crf_loss *loss)
{
	loss->time_ns = cursor_le64(body, "loss block too short");
	loss->lost = cursor_le64(body, "loss block too short");
	loss->events_before = cursor_le64(body, "loss block too short");
	if (body->bad)
		return;
	/* The kind fields come as a pair, or not at all (a writer that lost only events). */
	if (cursor_left(body) >= 16) {
		loss->process_records = cursor_le64(body, "loss block too short");
		loss->stacks = cursor_le64(body, "loss block too short");
	}
	add_lost(&r->rec, &r->rec.lost, loss->lost);
	add_lost(&r->rec, &r->rec.lost_process_records, loss->process_records);
	add_lost(&r->rec, &r->rec.lost_stacks, loss->stacks);
}

int fixed_block_read(struct crf_reader *r, uint32_t type, struct cursor *body, uint64_t offset,
		     uint32_t total, struct crf_item *item)
{
	enum crf_item_kind kind = 0;
	struct crf_loss *loss = NULL;
	int ret = CRF_OK;

	switch (type) {
	case CRF_BLOCK_METADATA:
		ret = read_metadata(r, body);
		kind = CRF_ITEM_METADATA;
		break;
	case CRF_BLOCK_CAPNAMES:
		ret = read_cap_names(r, body);
		kind = CRF_ITEM_CAPNAMES;
		break;
	case CRF_BLOCK_CLOCK:
		ret = read_clock(r, body);
		kind = CRF_ITEM_CLOCK;
		break;
	case CRF_BLOCK_LOSS:
		/* Each loss gets its own storage: it stays valid like definitions do. */
		loss = arena_alloc(&r->arena, sizeof(*loss));
		if (!loss)
			return CRF_ERR_NOMEM;
		read_loss(r, body, loss);
		kind = CRF_ITEM_LOSS;
		break;
	case CRF_BLOCK_END:
		r->rec.end_events = cursor_le64(body, "end block too short");
		r->rec.end_lost = cursor_le64(body, "end block too short");
		(void)cursor_le64(body, "end block too short"); /* blocks before: informative */
		if (!body->bad)
			r->rec.clean_end = true;
		break;
	default:
		return 0; /* unknown types are counted by the caller and skipped */
	}
	if (ret)
		return ret;
	if (body->bad) {
		damage_note_region(&r->rec, offset, total, CRF_ERR_CORRUPT, body->why);
		return 0;
	}
	if (!kind)
		return 0;
	memset(item, 0, sizeof(*item));
	item->kind = kind;
	item->offset = offset;
	if (kind == CRF_ITEM_LOSS)
		item->loss = loss;
	return 1;
}
