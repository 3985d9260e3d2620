// SPDX-License-Identifier: GPL-2.0-only
#include "thread_table.h"

#include <string.h>

struct thread_state *thread_table_get(struct thread_table *t, uint32_t tid, uint32_t part)
{
	struct thread_state *s = &t->slot[tid % THREAD_TABLE_SLOTS];

	if (!s->used || s->tid != tid || s->part != part) {
		memset(s, 0, sizeof(*s));
		s->used = true;
		s->tid = tid;
		s->part = part;
	}
	return s;
}

struct thread_state *thread_table_find(struct thread_table *t, uint32_t tid, uint32_t part)
{
	struct thread_state *s = &t->slot[tid % THREAD_TABLE_SLOTS];

	return s->used && s->tid == tid && s->part == part ? s : NULL;
}
