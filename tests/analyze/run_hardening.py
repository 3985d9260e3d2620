#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""capanalyze against what a hostile recording, a shared /tmp, a second load at once, a
damaged cache or a full disk would do to it. One case a run, so meson lists each on its own.

usage: run_hardening.py CAPANALYZE HARDEN_RECORDING GEN_RECORDING SOURCE_ROOT CASE
       run_hardening.py --list
Exit 0 when the case holds, 1 with one line per problem otherwise.
"""
import csv
import io
import json
import os
import re
import resource
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


class Env:
    def __init__(self, capanalyze, harden, gen, root, work):
        self.capanalyze = capanalyze
        self.harden = harden
        self.gen = gen
        self.root = root
        self.work = work
        self.problems = []
        self.skip = None
        self.cache = os.path.join(work, "cache")

    def path(self, name):
        return os.path.join(self.work, name)

    def recording(self, mode):
        out = self.path(mode + ".caprec")
        if not os.path.exists(out):
            subprocess.run([self.harden, mode, out], check=True)
        return out

    def fixture(self, name="fixture.caprec", rounds=20):
        out = self.path(name)
        if not os.path.exists(out):
            subprocess.run([self.gen, out, str(rounds)], check=True, stdout=subprocess.DEVNULL)
        return out

    def run(self, args, stdin=None, timeout=60, preexec=None, binary=False, stdout=None):
        env = dict(os.environ, XDG_CACHE_HOME=self.cache, LC_ALL="C")
        p = subprocess.run([self.capanalyze] + args, cwd=self.work, env=env, stdin=stdin,
                           stdout=stdout if stdout is not None else subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, preexec_fn=preexec)
        out = p.stdout if binary or p.stdout is None else p.stdout.decode("utf-8", "replace")
        return p.returncode, out, p.stderr.decode("utf-8", "replace")

    def expect(self, what, ok, detail=""):
        if not ok:
            self.problems.append("%s%s" % (what, (": " + str(detail)[:600]) if detail else ""))


# --- S3: the database file ------------------------------------------------------------

@case
def db_mode_0600(e):
    """load -d creates the database 0600, whatever the umask."""
    old = os.umask(0o022)
    try:
        rc, _, err = e.run(["load", "-q", "-d", "new.db", e.fixture()])
    finally:
        os.umask(old)
    e.expect("load exit 0", rc == 0, err)
    mode = stat.S_IMODE(os.stat(e.path("new.db")).st_mode)
    e.expect("database mode 0600", mode == 0o600, oct(mode))


@case
def db_symlink_refused(e):
    """A symbolic link planted at the database path is not written through."""
    victim = e.path("victim")
    with open(victim, "w") as f:
        f.write("precious\n")
    os.chmod(victim, 0o644)
    os.symlink(victim, e.path("link.db"))
    rc, _, err = e.run(["load", "-q", "-d", "link.db", e.fixture()])
    e.expect("exit 2", rc == 2, (rc, err))
    e.expect("says symbolic link", "symbolic link" in err, err)
    with open(victim) as f:
        e.expect("target untouched", f.read() == "precious\n")
    e.expect("target mode untouched", stat.S_IMODE(os.stat(victim).st_mode) == 0o644)
    e.expect("link still there", os.path.islink(e.path("link.db")))
    # a dangling link is not followed either (it would create the target)
    os.symlink(e.path("made-by-link"), e.path("dangling.db"))
    rc, _, err = e.run(["load", "-q", "-d", "dangling.db", e.fixture()])
    e.expect("dangling link: exit 2", rc == 2, (rc, err))
    e.expect("dangling link: target not created", not os.path.exists(e.path("made-by-link")))


@case
def db_not_regular_refused(e):
    """A FIFO or a device as the database: refused at once, not written into."""
    os.mkfifo(e.path("fifo.db"))
    rc, _, err = e.run(["load", "-q", "-d", "fifo.db", e.fixture()], timeout=20)
    e.expect("FIFO: exit 2", rc == 2, (rc, err))
    e.expect("FIFO: says not a regular file", "not a regular file" in err, err)
    rc, _, err = e.run(["load", "-q", "-d", "/dev/null", e.fixture()], timeout=20)
    e.expect("/dev/null: exit 2", rc == 2, (rc, err))
    e.expect("/dev/null still a device", stat.S_ISCHR(os.stat("/dev/null").st_mode))
    # a file another user planted (empty, 0666): what is loaded would be theirs to read
    if os.geteuid() == 0:
        planted = e.path("planted.db")
        open(planted, "w").close()
        os.chmod(planted, 0o666)
        os.chown(planted, 65534, 65534)
        rc, _, err = e.run(["load", "-q", "-d", planted, e.fixture()])
        e.expect("another user's file: exit 2", rc == 2, (rc, err))
        e.expect("another user's file: says so", "another user" in err, err)
        e.expect("another user's file: still empty", os.path.getsize(planted) == 0)


@case
def db_mode_kept(e):
    """An existing database is added to in place: its mode is not changed."""
    rc, _, err = e.run(["load", "-q", "-d", "kept.db", e.fixture()])
    e.expect("first load", rc == 0, err)
    os.chmod(e.path("kept.db"), 0o640)
    rc, _, err = e.run(["load", "-q", "-d", "kept.db", e.fixture()])
    e.expect("second load", rc == 0, err)
    mode = stat.S_IMODE(os.stat(e.path("kept.db")).st_mode)
    e.expect("mode kept 0640", mode == 0o640, oct(mode))
    with sqlite3.connect(e.path("kept.db")) as db:
        n = db.execute("SELECT count(*) FROM recordings").fetchone()[0]
    e.expect("two recordings", n == 2, n)


# --- D1: two loads at once ---------------------------------------------------------------

def run_pair(e, args_a, args_b):
    results = [None, None]

    def one(i, args):
        try:
            results[i] = e.run(args, timeout=240)
        except subprocess.TimeoutExpired as exc:
            results[i] = (None, "", "timed out: %s" % exc)

    threads = [threading.Thread(target=one, args=(0, args_a)),
               threading.Thread(target=one, args=(1, args_b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@case
def concurrent_load(e):
    """Two loads of one new database at once, five times: neither removes what the other
    wrote; both succeed (the second waits) or the loser says why and leaves the file."""
    big = e.fixture("big.caprec", 20000)
    for attempt in range(5):
        db = e.path("same%d.db" % attempt)
        results = run_pair(e, ["load", "-q", "-d", db, big], ["load", "-q", "-d", db, big])
        ok = [r for r in results if r[0] == 0]
        for rc, _, err in results:
            e.expect("run %d: exit 0 or a clear message" % attempt,
                     rc == 0 or (err.strip() and "Traceback" not in err), (rc, err))
        e.expect("run %d: the database exists" % attempt, os.path.exists(db))
        if not os.path.exists(db) or None in [r[0] for r in results]:
            continue
        try:
            with sqlite3.connect(db) as conn:
                n = conn.execute("SELECT count(*) FROM recordings").fetchone()[0]
                v = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            e.expect("run %d: a readable database" % attempt, False,
                     (exc, [r[0] for r in results], [r[2] for r in results]))
            continue
        e.expect("run %d: one recording per successful load" % attempt, n == len(ok),
                 (n, [r[0] for r in results], [r[2] for r in results]))
        e.expect("run %d: finished database" % attempt, v > 0, v)


@case
def concurrent_cache(e):
    """Two reports on the same recordings at once, the cache empty: both answer, the same."""
    big = e.fixture("big.caprec", 4000)
    for attempt in range(3):
        shutil.rmtree(e.cache, ignore_errors=True)
        results = run_pair(e, ["summary", big], ["summary", big])
        for rc, out, err in results:
            e.expect("run %d: exit 0" % attempt, rc == 0, (rc, err))
        e.expect("run %d: same output" % attempt, results[0][1] == results[1][1])
        if e.problems:
            return
    rc, out, err = e.run(["summary", big])
    e.expect("cache hit after the race", rc == 0 and out == results[0][1], err)
    leftovers = [f for f in os.listdir(os.path.join(e.cache, "caprec")) if f.endswith(".tmp")]
    e.expect("no temporary files left", not leftovers, leftovers)


# --- H3: out of memory ------------------------------------------------------------------

@case
def oom_exit_status(e):
    """Under a memory limit a load that runs out of memory exits 3 (internal), not 2."""
    with open(e.capanalyze, "rb") as f:
        if b"__asan_init" in f.read():
            e.skip = "a sanitizer build reserves terabytes of address space: no RLIMIT_AS"
            return
    big = e.fixture("huge.caprec", 200000)
    # What capanalyze needs only to start depends on the libraries it links (libdebuginfod
    # brings libcurl and Kerberos): find that, then leave a little for the load, far less
    # than loading 200,000 events takes.
    limit = None
    for mib in range(8, 513, 4):
        candidate = mib * 1024 * 1024
        started = subprocess.run(
            [e.capanalyze, "--version"], capture_output=True,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (candidate, candidate)))
        if started.returncode == 0:
            limit = candidate + 8 * 1024 * 1024
            break
    e.expect("capanalyze starts under some address-space limit", limit is not None, "")
    if limit is None:
        return

    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    rc, _, err = e.run(["load", "-q", "-d", "oom.db", big], preexec=limited)
    e.expect("load: exit 3", rc == 3, (rc, err))
    e.expect("load: says out of memory", "out of memory" in err, err)
    shutil.rmtree(e.cache, ignore_errors=True)
    rc, _, err = e.run(["summary", big], preexec=limited)
    e.expect("summary: exit 3", rc == 3, (rc, err))


# --- W1: policy files -------------------------------------------------------------------

@case
def policy_none_comment_crlf(e):
    """'none' followed by blanks, a comment or CR; a CRLF copy of policy --format allow."""
    rec = e.fixture()
    # the fixture has a LOSS block: --allow-incomplete, the policy's subject is the parser
    rc, allow, err = e.run(["policy", "--allow-incomplete", "--format", "allow", rec])
    e.expect("policy --format allow", rc == 0, err)
    allow = "".join(l for l in allow.splitlines(True) if not l.startswith("# "))
    with open(e.path("crlf.allow"), "w", newline="") as f:
        f.write(allow.replace("\n", "\r\n"))
    rc, out, err = e.run(["check", "--allow-incomplete", "--allow", "crlf.allow", rec])
    e.expect("CRLF copy passes check", rc == 0, (rc, out, err))
    for text in ["* none   \n", "* none # nothing else\n", "* none\r\n", "*\tnone\t\r\n"]:
        with open(e.path("none.allow"), "w", newline="") as f:
            f.write(allow.replace("* none\n", text))
        rc, out, err = e.run(["check", "--allow-incomplete", "--allow", "none.allow", rec])
        e.expect("%r parses and passes" % text, rc == 0, (rc, err))


@case
def policy_doc_example(e):
    """The example of docs/POLICY.md, taken from the document itself, parses."""
    with open(os.path.join(e.root, "docs", "POLICY.md")) as f:
        doc = f.read()
    at = doc.index("## Policy files")
    m = re.search(r"```\n(.*?)```", doc[at:], re.S)
    e.expect("the example is found", m is not None)
    if not m:
        return
    with open(e.path("doc.allow"), "w") as f:
        f.write(m.group(1))
    rc, out, err = e.run(["check", "--allow-incomplete", "--allow", "doc.allow",
                          e.fixture()])
    # the fixture's executables are not in the example: violations (1), never a parse error
    e.expect("the example parses (exit 0 or 1)", rc in (0, 1), (rc, err))
    e.expect("no parse error", "doc.allow:" not in err, err)


@case
def allow_not_regular(e):
    """--allow FIFO is refused at once (documented: policy files must be regular files)."""
    os.mkfifo(e.path("policy.fifo"))
    try:
        rc, _, err = e.run(["check", "--allow", "policy.fifo", e.fixture()], timeout=15)
    except subprocess.TimeoutExpired:
        e.expect("--allow FIFO does not hang", False)
        return
    e.expect("exit 2", rc == 2, (rc, err))
    e.expect("names the file", "policy.fifo" in err and "regular file" in err, err)


# --- W3, W4: databases that are not ours, damaged ones ----------------------------------

@case
def foreign_sqlite(e):
    """Someone else's SQLite file is 'not a capanalyze database', never 'delete it'."""
    with sqlite3.connect(e.path("other.db")) as db:
        db.execute("CREATE TABLE accounts (id INTEGER, name TEXT)")
        db.execute("INSERT INTO accounts VALUES (1, 'alice')")
    before = open(e.path("other.db"), "rb").read()
    for args in (["summary", "other.db"], ["load", "-q", "-d", "other.db", e.fixture()]):
        rc, _, err = e.run(args)
        e.expect("%s: exit 2" % args[0], rc == 2, (rc, err))
        e.expect("%s: not a capanalyze database" % args[0],
                 "not a capanalyze database" in err, err)
        e.expect("%s: no advice to delete" % args[0], "delete" not in err, err)
    e.expect("the file is untouched", open(e.path("other.db"), "rb").read() == before)
    # a load killed half-way is still called unfinished
    rc, _, err = e.run(["load", "-q", "-d", "ours.db", e.fixture()])
    with sqlite3.connect(e.path("ours.db")) as db:
        db.execute("PRAGMA user_version = 0")
    rc, _, err = e.run(["summary", "ours.db"])
    e.expect("unfinished: exit 2 and says so", rc == 2 and "unfinished" in err, (rc, err))


def damage(path):
    with open(path, "r+b") as f:
        data = f.read()
        f.seek(len(data) // 3)
        f.write(b"\xa5" * (len(data) // 3))


@case
def corrupt_cache_rebuilt(e):
    """A damaged cache database is built again; the report is the same as before."""
    rec = e.fixture()
    rc, first, err = e.run(["summary", rec])
    e.expect("first report", rc == 0, err)
    cache_dir = os.path.join(e.cache, "caprec")
    files = [f for f in os.listdir(cache_dir) if f.endswith(".db")]
    e.expect("one cache database", len(files) == 1, files)
    damage(os.path.join(cache_dir, files[0]))
    rc, second, err = e.run(["summary", rec])
    if rc != 0:
        # damage met only by the query: named, removed, rebuilt on the next run
        e.expect("names the cache file", files[0] in err, err)
        rc, second, err = e.run(["summary", rec])
    e.expect("rebuilt report", rc == 0 and second == first, (rc, err))


@case
def corrupt_database_named(e):
    """A damaged user database: the error names the file."""
    rc, _, err = e.run(["load", "-q", "-d", "user.db", e.fixture("big.caprec", 20000)])
    e.expect("load", rc == 0, err)
    damage(e.path("user.db"))
    rc, _, err = e.run(["sql", "user.db", "SELECT count(*), sum(cap) FROM events"])
    e.expect("exit 2 or 3", rc in (2, 3), (rc, err))
    e.expect("names user.db", "user.db" in err, err)


# --- W5: the cache key ------------------------------------------------------------------

@case
def cache_keyed_by_content(e):
    """A flipped byte with the mtime set back is not served from the cache."""
    rec = e.fixture("flip.caprec", 4000)
    sql = ["sql", rec, "SELECT clean_end, (SELECT blocks_skipped FROM import_stats) "
           "FROM recordings"]
    rc, before, err = e.run(sql)
    e.expect("first report", rc == 0, err)
    st = os.stat(rec)
    with open(rec, "r+b") as f:
        data = bytearray(f.read())
        data[len(data) // 2] ^= 0x5a
        f.seek(0)
        f.write(data)
    os.utime(rec, ns=(st.st_atime_ns, st.st_mtime_ns))
    rc, after, err = e.run(sql)
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(e.work, "fresh-cache"))
    fresh = subprocess.run([e.capanalyze] + sql, cwd=e.work, env=env, capture_output=True,
                           text=True)
    e.expect("the changed file is loaded again", after == fresh.stdout, (before, after,
                                                                          fresh.stdout))
    e.expect("its damage shows", after != before, after)


# --- W6, W8, W9: what the reports say ---------------------------------------------------

@case
def cap_names_per_recording(e):
    """Two recordings naming capability 0 differently keep their own names."""
    a, b = e.recording("caps-a"), e.recording("caps-b")
    rc, _, err = e.run(["load", "-q", "-d", "names.db", a, b])
    e.expect("load", rc == 0, err)
    rc, out, err = e.run(["sql", "names.db", "SELECT recording_id, cap_name FROM v_events "
                          "ORDER BY recording_id", "--format", "csv"])
    e.expect("names per recording", out.replace("\r", "") ==
             "recording_id,cap_name\n1,CAP_CHOWN\n2,CAP_RENAMED\n", (out, err))
    rc, out, err = e.run(["sql", "names.db", "SELECT name FROM cap_names WHERE cap = 0"])
    e.expect("the schema's own names are not renamed", "CAP_CHOWN" in out, out)


@case
def final_verdict_agrees(e):
    """Granted by the capability module, denied by another LSM: denied everywhere."""
    rec = e.recording("lsm")
    rc, out, err = e.run(["replay", rec])
    line = [l for l in out.splitlines() if " 7 " in l]
    e.expect("replay: deny", line and line[0].rstrip().endswith("deny"), out)
    rc, out, err = e.run(["sql", rec, "SELECT cap, verdict FROM check_aggregate ORDER BY cap",
                          "--format", "csv"])
    e.expect("aggregate: SETUID denied, CHOWN granted",
             out.replace("\r", "") == "cap,verdict\n0,granted\n7,denied\n", out)
    rc, out, err = e.run(["sql", rec, "SELECT cap, verdict FROM v_events ORDER BY cap",
                          "--format", "csv"])
    e.expect("v_events agrees", out.replace("\r", "") == "cap,verdict\n0,granted\n7,denied\n",
             out)
    rc, out, err = e.run(["policy", "--format", "csv", rec])
    rows = {r["capability"]: r for r in csv.DictReader(io.StringIO(out))}
    e.expect("policy: SETUID decided denied, in no set",
             rows.get("CAP_SETUID", {}).get("decision") == "denied" and
             rows["CAP_SETUID"].get("in_nonroot") == "0", out)
    e.expect("policy: CHOWN needed", rows.get("CAP_CHOWN", {}).get("decision") == "needed", out)
    rc, out, err = e.run(["policy", rec])
    e.expect("policy: setcap holds CHOWN alone", "setcap cap_chown+ep" in out, out)


@case
def unknown_cap_numbers(e):
    """Numbers 64, 1000, -5 are named cap_N, kept by policy --format allow, and check passes
    the run the policy came from."""
    rec = e.recording("bigcap")
    rc, out, err = e.run(["summary", rec])
    for name in ("cap_64", "cap_1000", "cap_-5"):
        e.expect("summary names " + name, name in out, out)
    e.expect("no CAP_-5", "CAP_-5" not in out and "CAP_64" not in out, out)
    rc, allow, err = e.run(["policy", "--format", "allow", rec])
    for name in ("cap_64", "cap_1000", "cap_-5"):
        e.expect("allow names " + name, name in allow, allow)
    with open(e.path("big.allow"), "w") as f:
        f.write(allow)
    rc, out, err = e.run(["check", "--allow", "big.allow", rec])
    e.expect("check passes on the same run", rc == 0, (rc, out, err))
    rc, out, err = e.run(["check", "--allow", "CAP_CHOWN,cap_64,cap_1000,cap_-5", rec])
    e.expect("check with a list passes", rc == 0, (rc, out, err))
    rc, out, err = e.run(["check", "--allow", "CAP_CHOWN,cap_64", rec])
    e.expect("a list without cap_1000 fails on it", rc == 1 and "cap_1000" in out, (rc, out))


@case
def losses_in_reports(e):
    """Process records and stacks a LOSS block counts reach every gate: lost process records
    make policy and check incomplete (exit 4), lost stacks are a note; the table keeps both."""
    rec = e.recording("losses")
    rc, out, err = e.run(["sql", "--format", "csv", rec,
                          "SELECT sum(process_records), sum(stacks) FROM losses"])
    e.expect("losses table holds both kinds", rc == 0 and out.strip().endswith("3,2"), (rc, out))
    for cmd in (["policy", rec], ["check", "--allow", "CAP_CHOWN", rec]):
        rc, out, err = e.run(cmd)
        e.expect(cmd[0] + ": exit 4 (incomplete)", rc == 4, (rc, out, err))
        e.expect(cmd[0] + ": names the lost process records", "3 process records" in out, out)
        e.expect(cmd[0] + ": notes the lost stacks", "note: 2 stacks" in out, out)
    rc, out, err = e.run(["check", "--allow-incomplete", "--allow", "CAP_CHOWN", rec])
    e.expect("check --allow-incomplete passes", rc == 0, (rc, out, err))


# --- S4: terminal, CSV, JSON ------------------------------------------------------------

FORBIDDEN = [(b"\x1b", "ESC"), (b"\x9b", "C1 CSI (raw or UTF-8)"), (b"\x07", "BEL"),
             (b"\x7f", "DEL"), (b"\xff", "invalid UTF-8")]


def check_terminal_safe(e, what, data):
    for byte, name in FORBIDDEN:
        e.expect("%s: no %s" % (what, name), byte not in data, data[:300])
    for line in data.split(b"\n"):
        e.expect("%s: no control byte in a line" % what,
                 not re.search(rb"[\x00-\x08\x0b-\x1f]", line.replace(b"\r", b"")),
                 line[:200])


@case
def terminal_escaping(e):
    """info, replay and tables print hostile strings visibly escaped, one line each."""
    rec = e.recording("terminal")
    for args in (["info", rec], ["replay", "-v", "-x", rec], ["summary", rec],
                 ["paths", rec], ["info", "--format", "table", rec]):
        rc, out, err = e.run(args, binary=True)
        e.expect("%s: exit 0" % args[0], rc == 0, err)
        check_terminal_safe(e, " ".join(args[:2]), out)
    rc, out, _ = e.run(["info", rec])
    integrity = [l for l in out.splitlines() if l.startswith("integrity")]
    e.expect("info: one integrity line (no forged one)", len(integrity) == 1, out)
    e.expect("info: the hostname shows its newline escaped",
             "evil\\nintegrity" in out, out)
    e.expect("info: OSC 8 shown escaped", "\\x1b]8;;http://evil.example/" in out, out)
    e.expect("info: C1 shown escaped", "\\u009b31m" in out and "\\x9b31m" in out, out)
    rc, out, _ = e.run(["replay", rec])
    e.expect("replay: comm escaped", "clear\\x1b[2J" in out and "nl\\nforged" in out, out)


@case
def csv_neutralised(e):
    """CSV cells that a spreadsheet would run begin with a quote; invalid UTF-8 escaped."""
    rec = e.recording("terminal")
    rc, out, err = e.run(["summary", "--format", "csv", rec], binary=True)
    e.expect("exit 0", rc == 0, err)
    check_terminal_safe(e, "csv", out)
    text = out.decode("utf-8", "replace")
    cells = []
    for row in csv.reader(io.StringIO(text)):
        cells.extend(row)
    for cell in cells:
        e.expect("no cell begins with = + - @ tab CR", cell[:1] not in ("=", "+", "-", "@",
                                                                        "\t", "\r"), cell)
    e.expect("formula kept as text", any(c.startswith("'=HYPERLINK(") for c in cells), cells)
    e.expect("invalid UTF-8 escaped", any("\\xff\\xfe" in c for c in cells), cells)


@case
def json_valid(e):
    """JSON stays valid JSON; control characters and C1 as \\u escapes."""
    rec = e.recording("terminal")
    for args in (["info", "--format", "json", rec], ["paths", "--format", "json", rec],
                 ["policy", "--format", "json", rec], ["sql", "--format", "json", rec,
                                                       "SELECT * FROM processes"]):
        rc, out, err = e.run(args, binary=True)
        e.expect("%s: exit 0" % args[0], rc == 0, err)
        check_terminal_safe(e, args[0] + " json", out)
        try:
            json.loads(out.decode("utf-8"))
        except ValueError as exc:
            e.expect("%s: valid JSON" % args[0], False, exc)
    rc, out, _ = e.run(["info", "--format", "json", rec])
    e.expect("info json: C1 as \\u009b", "\\u009b" in out, out)


# --- the reader's resource budget ------------------------------------------------------

@case
def reader_limits(e):
    """A reader limit stops a recording with an error naming the limit and the option that
    raises it; --reader-limit raises (or lowers) it for every command."""
    rec = e.fixture()
    for args in (["info"], ["replay"], ["load", "-q", "-d", "lim.db"], ["summary"]):
        rc, _, err = e.run(args + ["--reader-limit", "events=10", rec])
        e.expect("%s: exit 2" % args[0], rc == 2, (rc, err))
        e.expect("%s: names the limit and the option" % args[0],
                 "CRF_LIMIT_EVENTS" in err and "--reader-limit events=N" in err, err)
    rc, _, err = e.run(["info", "--reader-limit", "events=1G", rec])
    e.expect("a raised limit: exit 0", rc == 0, err)
    rc, _, err = e.run(["info", "--reader-limit", "eventz=5", rec])
    e.expect("an unknown limit: exit 2", rc == 2 and "decompressed-bytes" in err, (rc, err))
    gen = os.environ.get("GEN_HOSTILE")
    if not gen:
        return
    # FORMAT.md's inflation bound (a small file that expands a thousandfold)
    os.mkdir(e.path("hostile"))
    subprocess.run([gen, e.path("hostile")], check=True, stdout=subprocess.DEVNULL)
    bomb = e.path(os.path.join("hostile", "hostile-inflation.caprec"))
    rc, _, err = e.run(["summary", bomb])
    e.expect("inflation: exit 2", rc == 2, (rc, err))
    e.expect("inflation: names CRF_LIMIT_EXPANSION and the option",
             "CRF_LIMIT_EXPANSION" in err and "--reader-limit expansion=N" in err, err)
    rc, out, err = e.run(["summary", "--reader-limit", "expansion=none", bomb], timeout=240)
    e.expect("inflation, limit raised: loads", rc == 0 and "CAP_CHOWN" in out, (rc, err))


# --- write errors ------------------------------------------------------------------------

@case
def write_error_text(e):
    """A full disk or a closed stdout: the errno's text, exit 3."""
    rec = e.fixture()
    for args in (["summary", rec], ["info", rec], ["replay", rec], ["paths", rec],
                 ["info", "--format", "json", rec], ["load", "-d", "full.db", rec]):
        with open("/dev/full", "w") as full:
            rc, _, err = e.run(args, stdout=full)
        e.expect("%s > /dev/full: exit 3" % args[0], rc == 3, (rc, err))
        e.expect("%s > /dev/full: says ENOSPC" % args[0], "No space left on device" in err,
                 err)
    for args in (["summary", rec], ["replay", rec], ["paths", rec]):
        env = dict(os.environ, XDG_CACHE_HOME=e.cache)
        p = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", e.capanalyze] + args,
                           cwd=e.work, env=env, capture_output=True, text=True)
        e.expect("%s >&-: exit 3" % args[0], p.returncode == 3, (p.returncode, p.stderr))
        e.expect("%s >&-: says EBADF" % args[0], "Bad file descriptor" in p.stderr, p.stderr)


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(CASES))
        return 0
    if len(sys.argv) != 6 or sys.argv[5] not in CASES:
        print(__doc__, file=sys.stderr)
        return 2
    capanalyze, harden, gen, root, name = [os.path.abspath(a) for a in sys.argv[1:5]] + \
        [sys.argv[5]]
    work = tempfile.mkdtemp(prefix="caprec-harden-")
    try:
        e = Env(capanalyze, harden, gen, root, work)
        CASES[name](e)
        if e.skip:
            print("%s: SKIP: %s" % (name, e.skip))
            return 77
        for p in e.problems:
            print("%s: %s" % (name, p))
        print("%s: %s" % (name, "ok" if not e.problems else "%d problem(s)" % len(e.problems)))
        return 1 if e.problems else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
