#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""capanalyze against the hostile recordings (gen_hostile --full): each command finishes within
a generous time and a memory limit, and refuses what is beyond the reader's limits with exit 2
and an error naming the limit.

Usage: run_cli.py GEN_HOSTILE CAPANALYZE [--sanitized]
(--sanitized: a sanitizer build, which reserves terabytes of address space for its shadow
memory, so the memory limit is left out and only the time bounds apply.)"""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

# Far below what the attacks cost an unbounded reader (1.7 GB for the ids of 2^24).
MEMORY_LIMIT = 768 << 20
SANITIZED = "--sanitized" in sys.argv[3:]
failures = []


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(capanalyze, args, directory, seconds):
    start = time.monotonic()
    result = subprocess.run([capanalyze] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, timeout=max(60, 10 * seconds),
                            preexec_fn=None if SANITIZED else limit_memory,
                            env=dict(os.environ, XDG_CACHE_HOME=directory))
    elapsed = time.monotonic() - start
    print("# capanalyze %s: exit %d in %.2f s" % (" ".join(os.path.basename(a) for a in args),
                                                  result.returncode, elapsed))
    if elapsed > seconds:
        failures.append("%s took %.1f s (bound %d s)" % (args, elapsed, seconds))
    return result


def expect(condition, message):
    if not condition:
        failures.append(message)


def main():
    gen_hostile, capanalyze = sys.argv[1:3]
    directory = tempfile.mkdtemp(prefix="caprec-hostile.")
    try:
        subprocess.run([gen_hostile, "--full", directory], check=True)
        f = lambda name: os.path.join(directory, "hostile-%s.caprec" % name)

        # H1: resynchronisation over 2 MiB of plausible block starts (quadratic: tens of seconds).
        r = run(capanalyze, ["info", f("resync")], directory, 5)
        expect(r.returncode == 0 and "damaged" in r.stdout, "info on the resync trap: %d %s"
               % (r.returncode, r.stderr))
        # H2: replay with 20000 CLOCK blocks before 200000 events (a walk over the anchors per
        # event: tens of seconds).
        r = run(capanalyze, ["replay", "-v", f("clock-storm")], directory, 5)
        expect(r.returncode == 0 and r.stdout.count("\n") >= 200000,
               "replay of the clock storm: %d, %d lines: %s"
               % (r.returncode, r.stdout.count("\n"), r.stderr[-500:]))
        # H3: ids of 2^24 in every table: refused by the budget, never allocated for (gigabytes).
        for command in (["load", "-d", os.path.join(directory, "ids.db")], ["info"]):
            r = run(capanalyze, command + [f("huge-ids")], directory, 5)
            expect(r.returncode == 2 and "CRF_LIMIT_IDS_AHEAD" in r.stderr,
                   "%s on ids of 2^24: exit %d: %s" % (command[0], r.returncode, r.stderr))
        # H4: a few KB inflating to 28 M events: refused by the budget.
        r = run(capanalyze, ["load", "-d", os.path.join(directory, "bomb.db"), f("inflation")],
                directory, 5)
        expect(r.returncode == 2 and "CRF_LIMIT_EXPANSION" in r.stderr,
               "load of the inflation bomb: exit %d: %s" % (r.returncode, r.stderr))
        # W10: loss counts that overflow say "at least", never a wrapped small number.
        r = run(capanalyze, ["info", f("loss-overflow")], directory, 5)
        expect(r.returncode == 0 and "at least 18446744073709551615" in r.stdout,
               "info on overflowing losses:\n%s" % r.stdout)
        r = run(capanalyze, ["summary", "--recordings", f("loss-overflow")], directory, 5)
        expect(r.returncode == 0 and "9223372036854775807" in r.stdout,
               "summary of overflowing losses (the largest count, never -1):\n%s" % r.stdout)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    for failure in failures:
        print("FAIL: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
