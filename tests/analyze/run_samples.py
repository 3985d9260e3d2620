#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""capanalyze over the real recordings caprec made (samples/recordings/*.caprec).

For each recording: info succeeds and its event count matches what load puts
in the database; summary's JSON parses and accounts for every audited check;
replay -v prints one line per event plus the header, and what replay prints
equals what the database holds per capability. Exits 77 (skip) when the
samples area has not checked in any recording yet.

usage: run_samples.py CAPANALYZE RECORDINGS_DIR
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def run(capanalyze, *args, cwd=None, env=None):
    proc = subprocess.run([capanalyze, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120)
    if proc.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(args), proc.returncode,
                                                proc.stderr.strip()))
    return proc.stdout


def check(capanalyze, path, work):
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"))
    info = run(capanalyze, "info", "--format", "json", path, env=env)
    fields = {}
    for row in json.loads(info):
        fields.setdefault(row["field"], row["value"])
    events = int(fields["events"])
    db = os.path.join(work, os.path.basename(path) + ".db")
    run(capanalyze, "load", "-q", "-d", db, path, env=env)
    counted = json.loads(run(capanalyze, "sql", "-f", "json", db,
                             "SELECT count(*) AS n, sum(audit) AS audited FROM events"))[0]
    if counted["n"] != events:
        raise RuntimeError("info says %d events, the database holds %d" % (events, counted["n"]))
    summary = json.loads(run(capanalyze, "summary", "-f", "json", db, env=env))
    if sum(row["audited"] for row in summary) != (counted["audited"] or 0):
        raise RuntimeError("summary's audited counts do not add up to the events'")
    replay = run(capanalyze, "replay", "-v", path, env=env).splitlines()
    lines = [l for l in replay[1:] if re.match(r"^\S", l)]
    if not replay or not replay[0].startswith("TIME") or len(lines) != events:
        raise RuntimeError("replay -v printed %d check lines for %d events" % (len(lines), events))
    return events


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    capanalyze = os.path.abspath(sys.argv[1])
    recordings = sorted(glob.glob(os.path.join(sys.argv[2], "*.caprec")))
    if not recordings:
        print("no recordings in %s yet: skipped" % sys.argv[2])
        return 77
    failures = 0
    work = tempfile.mkdtemp(prefix="capanalyze-samples-")
    try:
        for path in recordings:
            try:
                events = check(capanalyze, path, work)
                print("%s: %d events, consistent" % (os.path.basename(path), events))
            except (RuntimeError, KeyError, ValueError, subprocess.TimeoutExpired) as e:
                failures += 1
                print("%s: %s" % (os.path.basename(path), e))
    finally:
        shutil.rmtree(work)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
