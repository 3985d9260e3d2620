// SPDX-License-Identifier: GPL-2.0-only
/* completeness.c - what the recordings behind a verdict miss (see completeness.h). */
#include "completeness.h"

#include <inttypes.h>

/*
 * Lost process records show as checks whose context names no process; the
 * loader's unresolved references count other definitions that never came.
 */
static const char completeness_sql[] =
	"SELECT (SELECT count(*) FROM recordings),"
	" (SELECT coalesce(sum(lost), 0) FROM recordings),"
	" (SELECT count(*) FROM events e JOIN event_contexts c ON c.id = e.context_id"
	"  WHERE c.process_id IS NULL),"
	" (SELECT coalesce(sum(unresolved_refs), 0) FROM import_stats),"
	" (SELECT coalesce(sum(truncated), 0) FROM import_stats),"
	" (SELECT coalesce(sum(blocks_skipped), 0) FROM import_stats),"
	" (SELECT count(*) FROM recordings WHERE NOT clean_end),"
	" (SELECT coalesce(sum(process_records), 0) FROM losses),"
	" (SELECT coalesce(sum(stacks), 0) FROM losses)";

int completeness_read(sqlite3 *db, struct completeness *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	*out = (struct completeness){ 0 };
	rc = sqlite3_prepare_v2(db, completeness_sql, -1, &stmt, NULL);
	if (!rc && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		out->recordings = (uint64_t)sqlite3_column_int64(stmt, 0);
		out->lost_events = (uint64_t)sqlite3_column_int64(stmt, 1);
		out->unknown_process = (uint64_t)sqlite3_column_int64(stmt, 2);
		out->unresolved_refs = (uint64_t)sqlite3_column_int64(stmt, 3);
		out->truncated = (uint64_t)sqlite3_column_int64(stmt, 4);
		out->damaged = (uint64_t)sqlite3_column_int64(stmt, 5);
		out->no_end = (uint64_t)sqlite3_column_int64(stmt, 6);
		out->lost_process_records = (uint64_t)sqlite3_column_int64(stmt, 7);
		out->lost_stacks = (uint64_t)sqlite3_column_int64(stmt, 8);
		rc = 0;
	}
	sqlite3_finalize(stmt);
	return rc;
}

bool completeness_whole(const struct completeness *c)
{
	return !c->lost_events && !c->unknown_process && !c->lost_process_records &&
	       !c->unresolved_refs && !c->truncated && !c->damaged && !c->no_end;
}

void completeness_describe(const struct completeness *c, struct strbuf *sb)
{
	if (c->lost_events)
		strbuf_addf(sb, "incomplete: %" PRIu64 " events lost by the recorder: checks "
			    "that were made are missing\n", c->lost_events);
	if (c->unknown_process)
		strbuf_addf(sb, "incomplete: %" PRIu64 " checks whose process record was lost "
			    "(listed under [unknown])\n", c->unknown_process);
	if (c->lost_process_records)
		strbuf_addf(sb, "incomplete: %" PRIu64 " process records (fork, exec, exit) lost by "
			    "the recorder: checks may be filed under no executable or a previous "
			    "image\n", c->lost_process_records);
	if (c->unresolved_refs)
		strbuf_addf(sb, "incomplete: %" PRIu64 " references to definitions never read "
			    "(stacks, frames or processes)\n", c->unresolved_refs);
	if (c->truncated)
		strbuf_addf(sb, "incomplete: %" PRIu64 " recording(s) truncated inside a block\n",
			    c->truncated);
	if (c->damaged)
		strbuf_addf(sb, "incomplete: %" PRIu64 " damaged region(s) skipped\n", c->damaged);
	if (c->no_end)
		strbuf_addf(sb, "incomplete: %" PRIu64 " recording(s) without an end block (the "
			    "recorder was killed or is still writing)\n", c->no_end);
	/*
	 * A check without its stack is still a check with its verdict: judged with
	 * no call site, so as a need (never dropped). Said, but no gate fails on it.
	 */
	if (c->lost_stacks)
		strbuf_addf(sb, "note: %" PRIu64 " stacks the recorder could not take: those "
			    "checks are judged without a call path\n", c->lost_stacks);
}
