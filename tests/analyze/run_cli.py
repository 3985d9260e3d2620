#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Golden tests of capanalyze's own subcommands: load, info, summary, replay, sql.

Each case runs capanalyze on recordings written by gen_recording (the fixture of
fixture.h: known processes, capabilities, stacks, one loss) and compares stdout,
stderr and the exit status with tests/analyze/golden/<case>.out.

usage: run_cli.py CAPANALYZE GEN_RECORDING GOLDEN_DIR [--update]
  --update rewrites the golden files from what the program prints now
  (review the diff before committing it).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

HOSTILE = "'; DROP TABLE events; --"


def make_inputs(gen, work):
    """The recordings every case uses, written into work."""
    def gen_file(name, rounds, *extra):
        subprocess.run([gen, os.path.join(work, name), str(rounds), *extra], check=True,
                       stdout=subprocess.DEVNULL)

    gen_file("fixture.caprec", 20)
    gen_file("noend.caprec", 20, "--no-end")
    gen_file("big.caprec", 4000)
    with open(os.path.join(work, "big.caprec"), "rb") as f:
        big = bytearray(f.read())
    with open(os.path.join(work, "truncated.caprec"), "wb") as f:
        f.write(big[: len(big) * 2 // 3])
    corrupt = bytearray(big)
    corrupt[len(corrupt) // 2] ^= 0x5A
    with open(os.path.join(work, "corrupt.caprec"), "wb") as f:
        f.write(corrupt)
    # A recording from a future major version (FORMAT.md "File header": u16 LE at
    # byte 12, CRC-32 of bytes 0-19 at byte 20): refused, not misread.
    with open(os.path.join(work, "fixture.caprec"), "rb") as f:
        future = bytearray(f.read())
    future[12:14] = (2).to_bytes(2, "little")
    future[20:24] = zlib.crc32(bytes(future[0:20])).to_bytes(4, "little")
    with open(os.path.join(work, "future.caprec"), "wb") as f:
        f.write(future)
    with open(os.path.join(work, "notes.txt"), "w") as f:
        f.write("not a recording\n")


# (case name, arguments, stdin file or None). Run in the work directory, in order:
# the load cases make the databases the later cases read.
CASES = [
    ("load", ["load", "-d", "fixture.db", "fixture.caprec"], None),
    ("load-several", ["load", "-d", "several.db", "fixture.caprec", "truncated.caprec",
                      "corrupt.caprec", "noend.caprec"], None),
    ("load-pipe", ["load", "-d", "pipe.db", "-"], "noend.caprec"),
    ("load-append", ["load", "-d", "pipe.db", "fixture.caprec"], None),
    ("sql-appended", ["sql", "pipe.db", "SELECT id, path, events, clean_end FROM recordings "
                      "ORDER BY id"], None),
    ("summary-pipe", ["summary", "-f", "csv", "-"], "fixture.caprec"),
    ("load-not-recording", ["load", "-d", "bad.db", "fixture.caprec", "notes.txt"], None),
    ("info", ["info", "fixture.caprec"], None),
    ("info-json", ["info", "--format", "json", "fixture.caprec"], None),
    ("info-csv", ["info", "--format", "csv", "fixture.caprec"], None),
    ("info-table", ["info", "--format", "table", "fixture.caprec"], None),
    ("info-pipe", ["info", "-"], "fixture.caprec"),
    ("info-truncated", ["info", "truncated.caprec"], None),
    ("info-corrupt", ["info", "corrupt.caprec"], None),
    ("info-noend", ["info", "noend.caprec"], None),
    ("info-not-recording", ["info", "notes.txt"], None),
    ("info-future", ["info", "future.caprec"], None),
    ("summary-future", ["summary", "future.caprec"], None),
    ("replay-future", ["replay", "future.caprec"], None),
    ("info-missing", ["info", "missing.caprec"], None),
    ("summary", ["summary", "fixture.db"], None),
    ("summary-json", ["summary", "--format", "json", "fixture.db"], None),
    ("summary-csv", ["summary", "--format", "csv", "fixture.db"], None),
    ("summary-recordings-json", ["summary", "--recordings", "-f", "json", "several.db"], None),
    ("summary-from-recording", ["summary", "fixture.caprec"], None),
    ("summary-exe", ["summary", "--exe", "*/ping", "-f", "csv", "fixture.db"], None),
    ("summary-exe-hostile", ["summary", "--exe", HOSTILE, "-f", "csv", "fixture.db"], None),
    # A glob without '/' names the base name, as for every other command.
    ("summary-exe-basename", ["summary", "--exe", "ping", "-f", "csv", "fixture.db"], None),
    ("summary-exe-no-match", ["summary", "--exe", "/usr/sbin/ping", "fixture.db"], None),
    ("summary-bad-format", ["summary", "--format", "xml", "fixture.db"], None),
    ("replay", ["replay", "fixture.caprec"], None),
    ("replay-all", ["replay", "-v", "-x", "-K", "-U", "fixture.caprec"], None),
    ("replay-filter", ["replay", "-p", "200", "--cap", "chown", "-K", "fixture.caprec"], None),
    ("replay-cap-number", ["replay", "-v", "--cap", "21", "fixture.caprec"], None),
    ("replay-no-match", ["replay", "-p", "999", "fixture.caprec"], None),
    ("replay-cap-misspelt", ["replay", "--cap", "sys_resourse", "fixture.caprec"], None),
    ("replay-cap-absent", ["replay", "--cap", "sys_resource", "fixture.caprec"], None),
    ("replay-pipe", ["replay", "-"], "fixture.caprec"),
    ("replay-truncated", ["replay", "-p", "300", "truncated.caprec"], None),
    ("replay-not-recording", ["replay", "notes.txt"], None),
    ("sql", ["sql", "fixture.db", "SELECT cap_name, verdict, audit, count(*) AS n FROM v_events "
             "GROUP BY 1, 2, 3 ORDER BY 1"], None),
    ("sql-json", ["sql", "-f", "json", "fixture.db", "SELECT exe_path, cmdline, exit_status "
                  "FROM processes ORDER BY pid"], None),
    ("sql-csv", ["sql", "--format", "csv", "fixture.caprec", "SELECT text, depth FROM stacks "
                 "ORDER BY id"], None),
    ("sql-several", ["sql", "several.db", "SELECT r.id, r.events, r.clean_end, i.truncated, "
                     "i.blocks_skipped > 0 AS damaged FROM recordings r JOIN import_stats i "
                     "ON i.recording_id = r.id ORDER BY r.id"], None),
    ("sql-two-statements", ["sql", "fixture.db", "SELECT 1 AS one; SELECT 'two' AS two"], None),
    ("sql-error", ["sql", "fixture.db", "SELECT nonsense FROM nowhere"], None),
    ("sql-read-only", ["sql", "fixture.caprec", "DELETE FROM events"], None),
    ("sql-hostile-survived", ["sql", "fixture.db", "SELECT count(*) AS events FROM events"],
     None),
    ("unknown-command", ["frobnicate"], None),
    ("no-command", [], None),
]


def run_case(capanalyze, work, args, stdin_name, cache_home=None):
    env = dict(os.environ, TZ="UTC", LC_ALL="C",
               XDG_CACHE_HOME=cache_home or os.path.join(work, "cache"))
    stdin = open(os.path.join(work, stdin_name), "rb") if stdin_name else subprocess.DEVNULL
    try:
        proc = subprocess.run([capanalyze, *args], cwd=work, env=env, stdin=stdin,
                              capture_output=True, timeout=60)
    finally:
        if stdin_name:
            stdin.close()
    return (proc.stdout.decode("utf-8", "replace") + "--- stderr\n" +
            proc.stderr.decode("utf-8", "replace") + "--- exit %d\n" % proc.returncode)


def check_cache(capanalyze, work):
    """A report on recordings loads them once: the second run reuses the cached database,
    private to its user; a changed recording gets a new one."""
    cache = os.path.join(work, "cache", "caprec")
    shutil.rmtree(cache, ignore_errors=True)
    args = ["sql", "fixture.caprec", "noend.caprec", "SELECT count(*) FROM recordings"]
    first = run_case(capanalyze, work, args, None)
    files = os.listdir(cache)
    stamps = {f: os.stat(os.path.join(cache, f)).st_ino for f in files}
    second = run_case(capanalyze, work, args, None)
    problems = []
    if first != second or "2\n" not in first:
        problems.append("cached result differs: %r / %r" % (first, second))
    if len(files) != 1 or not files[0].endswith(".db"):
        problems.append("cache holds %s, expected one database" % files)
    elif os.stat(os.path.join(cache, files[0])).st_ino != stamps[files[0]]:
        problems.append("the cached database was rebuilt on the second run")
    elif os.stat(os.path.join(cache, files[0])).st_mode & 0o077:
        problems.append("the cached database is readable by others")
    if os.stat(cache).st_mode & 0o077:
        problems.append("the cache directory is open to others")
    old = os.path.join(cache, files[0]) if files else None
    if old:
        os.utime(old, ns=(1, 1))
        run_case(capanalyze, work, args, None)
        if os.stat(old).st_mtime_ns == 1:
            problems.append("a cache hit did not mark the database as used")
    # The cache is keyed by content: a touched file is the same recording, a changed
    # byte (its mtime set back) is another one.
    noend = os.path.join(work, "noend.caprec")
    os.utime(noend, ns=(1, 1))
    run_case(capanalyze, work, args, None)
    if len(os.listdir(cache)) != 1:
        problems.append("a recording whose mtime alone changed was loaded again")
    with open(noend, "rb") as f:
        original = f.read()
    changed = bytearray(original)
    changed[len(changed) // 2] ^= 0x01
    with open(noend, "wb") as f:
        f.write(changed)
    os.utime(noend, ns=(1, 1))
    run_case(capanalyze, work, args, None)
    if len(os.listdir(cache)) != 2:
        problems.append("a changed recording did not get a new cached database")
    with open(noend, "wb") as f:
        f.write(original)
    # No writable cache: the report still works, from a temporary database.
    unwritable = run_case(capanalyze, work, args, None, cache_home="/proc/caprec-no-cache")
    if unwritable != first:
        problems.append("without a writable cache: %r" % unwritable)
    for p in problems:
        print("cache: " + p)
    return len(problems)


def check_help(capanalyze):
    """Every command answers --help on stdout with exit 0 and documents its exit status."""
    failures = 0
    top = subprocess.run([capanalyze, "--help"], capture_output=True, text=True)
    commands = [line.split()[0] for line in top.stdout.splitlines()
                if re.match(r"^  [a-z]", line)]
    for cmd in ["load", "info", "summary", "replay", "sql"]:
        if cmd not in commands:
            print("--help does not list %s" % cmd)
            failures += 1
    for cmd in commands:
        proc = subprocess.run([capanalyze, cmd, "--help"], capture_output=True, text=True)
        if proc.returncode != 0 or "usage: capanalyze " + cmd not in proc.stdout or \
                "exit status" not in proc.stdout:
            print("%s --help: exit %d, no usage or exit statuses" % (cmd, proc.returncode))
            failures += 1
    return failures


def check_version(capanalyze):
    """--version prints the program's name and version, and exits 0."""
    proc = subprocess.run([capanalyze, "--version"], capture_output=True, text=True)
    if proc.returncode != 0 or not re.fullmatch(r"capanalyze \d+\.\d+\.\d+\S*\n", proc.stdout) \
            or proc.stderr:
        print("--version: exit %d, %r %r" % (proc.returncode, proc.stdout, proc.stderr))
        return 1
    return 0


def main():
    if len(sys.argv) not in (4, 5) or (len(sys.argv) == 5 and sys.argv[4] != "--update"):
        print(__doc__, file=sys.stderr)
        return 2
    capanalyze, gen, golden = (os.path.abspath(a) for a in sys.argv[1:4])
    update = len(sys.argv) == 5
    failures = check_help(capanalyze) + check_version(capanalyze)
    work = tempfile.mkdtemp(prefix="capanalyze-cli-")
    try:
        make_inputs(gen, work)
        for name, args, stdin_name in CASES:
            got = run_case(capanalyze, work, args, stdin_name)
            if "json" in args and got.endswith("--- exit 0\n"):
                try:
                    json.loads(got.split("--- stderr\n")[0])
                except ValueError as e:
                    failures += 1
                    print("%s: the JSON output does not parse: %s" % (name, e))
            path = os.path.join(golden, name + ".out")
            if update:
                with open(path, "w", newline="") as f:
                    f.write(got)
                continue
            try:
                with open(path, newline="") as f:
                    want = f.read()
            except FileNotFoundError:
                want = None
            if got != want:
                failures += 1
                print("%s: output differs from %s" % (name, path))
                import difflib
                sys.stdout.writelines(difflib.unified_diff(
                    (want or "").splitlines(True), got.splitlines(True), "golden", "got"))
        failures += check_cache(capanalyze, work)
        # Nothing may be written next to the inputs: only what the cases named.
        expected = {"fixture.caprec", "noend.caprec", "big.caprec", "truncated.caprec",
                    "corrupt.caprec", "future.caprec", "notes.txt", "fixture.db", "several.db", "pipe.db",
                    "cache"}
        extra = set(os.listdir(work)) - expected
        if extra:
            failures += 1
            print("files left next to the inputs: %s" % sorted(extra))
    finally:
        shutil.rmtree(work)
    if update:
        print("golden files rewritten in %s" % golden)
        return 0
    print("%d failures" % failures if failures else "all cases match")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
