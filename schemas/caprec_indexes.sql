-- SPDX-License-Identifier: GPL-2.0-only
-- caprec_indexes.sql - indexes capanalyze creates after a bulk load (cheaper than
-- maintaining them row by row). IF NOT EXISTS: a second load into the same
-- database runs this again. Described in schemas/SCHEMA.md.
-- None on events: each would cost a sort of every event at load time (about
-- half the load time of a big recording), and the reports read
-- check_aggregate or scan events once, joining by primary keys. A recording's
-- events are one rowid range, in file order. Add your own for ad-hoc queries.

CREATE INDEX IF NOT EXISTS processes_by_pid ON processes (recording_id, pid, start_ns);
CREATE INDEX IF NOT EXISTS callsites_by_parent ON callsites (parent_id, frame_id);
CREATE INDEX IF NOT EXISTS stacks_by_leaf ON stacks (leaf_callsite_id);
CREATE INDEX IF NOT EXISTS check_aggregate_by_exe ON check_aggregate (exe_path, cap);
CREATE INDEX IF NOT EXISTS check_aggregate_by_recording ON check_aggregate (recording_id);
CREATE INDEX IF NOT EXISTS syscall_returns_by_tid ON syscall_returns (recording_id, tid, first_idx);
CREATE INDEX IF NOT EXISTS credentials_by_tid ON credentials (recording_id, tid, first_idx);
