#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""policy_aggregate and check_aggregate, which the loader counts while events
stream past, against the same groups computed from the events themselves
with SQL (the way policy and check classified before they read
policy_aggregate): counts, distinct processes (and check_aggregate's first
and last time), the
fork-exec window (a process image with a later image of the same pid and
start time), cgroups and containers. Over make_recording's scenarios, the
checked-in caprec recordings (damaged ones included) and one database
holding several of them.

usage: run_policy_aggregate.py CAPANALYZE MAKE_RECORDING SAMPLES_DIR"""
import os
import sqlite3
import subprocess
import sys

from common import Scratch

EXE = ("coalesce(nullif(p.exe_path, ''), '[' || coalesce(p.comm, e.comm) || ']', "
       "'[unknown]')")

# One row per policy_aggregate group (binary ids merged), from the events.
FROM_EVENTS = """
WITH replaced(id) AS (
  SELECT DISTINCT p.id FROM processes p JOIN processes q
   ON q.recording_id = p.recording_id AND q.pid = p.pid AND q.start_ns = p.start_ns
   AND q.id > p.id)
SELECT e.recording_id, %s, e.cap, e.audit, e.verdict, e.syscall_nr,
  e.kernel_stack_id, e.user_stack_id,
  coalesce(e.process_id IN (SELECT id FROM replaced), 0),
  e.cgroup_id, p.cgroup_path, p.container_id,
  count(*), count(DISTINCT e.process_id)
FROM v_events e LEFT JOIN processes p ON p.id = e.process_id
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12""" % EXE

FROM_POLICY_AGGREGATE = """
SELECT recording_id, exe_path, cap, audit, verdict, syscall_nr, kernel_stack_id,
  user_stack_id, pre_exec, cgroup_id, cgroup_path, container_id,
  sum(count), sum(processes)
FROM policy_aggregate GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12"""

# check_aggregate's groups (binary ids merged), from the events and from policy_aggregate.
CHECK_FROM_EVENTS = """
SELECT e.recording_id, %s, e.cap, e.audit, e.verdict, e.syscall_nr,
  e.kernel_stack_id, e.user_stack_id,
  count(*), count(DISTINCT e.process_id), min(e.time_ns), max(e.time_ns)
FROM v_events e LEFT JOIN processes p ON p.id = e.process_id
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8""" % EXE

FROM_CHECK_AGGREGATE = """
SELECT recording_id, exe_path, cap, audit, verdict, syscall_nr, kernel_stack_id,
  user_stack_id, sum(count), sum(processes), min(first_ns), max(last_ns)
FROM check_aggregate GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"""


def rows(db, sql):
    return sorted(db.execute(sql).fetchall(), key=repr)


def compare(name, db_path, failures):
    """Compares both aggregates with the events of one database. Returns the
    number of fork-exec window checks seen, so the caller knows the case was
    covered."""
    db = sqlite3.connect(db_path)
    try:
        for what, got_sql, want_sql in (
                ('policy_aggregate', FROM_POLICY_AGGREGATE, FROM_EVENTS),
                ('check_aggregate', FROM_CHECK_AGGREGATE, CHECK_FROM_EVENTS)):
            got, want = rows(db, got_sql), rows(db, want_sql)
            if got != want:
                extra = [r for r in got if r not in want][:3]
                missing = [r for r in want if r not in got][:3]
                failures.append('%s: %s differs from the events: %d rows, %d expected; '
                                'unexpected %r; missing %r'
                                % (name, what, len(got), len(want), extra, missing))
        pre_exec = db.execute('SELECT coalesce(sum(count), 0) FROM policy_aggregate '
                              'WHERE pre_exec').fetchone()[0]
        total = db.execute('SELECT count(*) FROM events').fetchone()[0]
        print('%s: %d events, %d policy_aggregate rows, %d in the fork-exec window'
              % (name, total,
                 db.execute('SELECT count(*) FROM policy_aggregate').fetchone()[0], pre_exec))
        return pre_exec
    finally:
        db.close()


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    capanalyze, make_recording, samples = sys.argv[1:]
    recordings_dir = os.path.join(samples, 'recordings')
    s = Scratch(capanalyze, make_recording)
    failures = []
    try:
        inputs = [('scenario-' + x, [s.path(x + '.caprec')]) for x in ('a', 'b', 'hostile')]
        checked_in = sorted(f for f in os.listdir(recordings_dir) if f.endswith('.caprec'))
        inputs += [(f, [os.path.join(recordings_dir, f)]) for f in checked_in]
        # Several recordings in one database: process ids and images stay per recording.
        inputs.append(('several', [i[1][0] for i in inputs]))
        window = 0
        for name, files in inputs:
            db_path = s.path(name + '.db')
            status, _, err = s.run('load', '-q', '-d', db_path, *files)
            if status != 0:
                failures.append('%s: load exit %d: %s' % (name, status, err.strip()))
                continue
            window += compare(name, db_path, failures)
        if not window:
            failures.append('no input has checks in the fork-exec window: the case is untested')
    finally:
        s.close()
    for f in failures:
        print('FAIL', f)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
