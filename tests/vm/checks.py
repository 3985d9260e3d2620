# SPDX-License-Identifier: GPL-2.0-only
"""Verdicts for one kernel's results directory (written by guest-driver.sh).

Each check compares what caprec reported -- its live -x lines and, through capanalyze, its
recording -- with ground truth: the actors vm-workload printed (pid, tid, the verdict the
kernel's answer showed) and facts fixed by the kernel source (which capability, audit flag,
INSETID, syscall and kernel functions each workload's check has).
"""

import json
import os
import re
import sqlite3
import subprocess

# What each workload's check is, from the kernel source (see vm-workload.c).
EXPECTED = {
    "chown": dict(cap="CAP_CHOWN", audit=1, insetid=0, syscalls={"chown"},
                  kernel=r"chown_common|do_fchownat|sys_chown", user="workload_chown_foreign"),
    "rlimit": dict(cap="CAP_SYS_RESOURCE", audit=1, insetid=0, syscalls={"setrlimit"},
                   kernel=r"do_prlimit|sys_setrlimit", user="workload_raise_rlimit"),
    "mmap": dict(cap="CAP_SYS_ADMIN", audit=0, insetid=0, syscalls={"mmap"},
                 kernel=r"vm_enough_memory|mmap_region|do_mmap", user="workload_map_private"),
    "ptrace": dict(cap="CAP_SYS_PTRACE", audit=0, insetid=0, syscalls={"read"},
                   kernel=r"ptrace_may_access|do_task_stat|proc_pid_stat",
                   user="workload_read_foreign_stat"),
    "setuid": dict(cap="CAP_SETUID", audit=1, insetid=1, syscalls={"setresuid"},
                   kernel=r"setresuid", user="workload_set_uid"),
    "forker": dict(cap="CAP_SYS_RESOURCE", audit=1, insetid=0, syscalls={"setrlimit"},
                   kernel=r"do_prlimit|sys_setrlimit", user="workload_fork_descendants"),
    "thread": dict(cap="CAP_SYS_RESOURCE", audit=1, insetid=0, syscalls={"setrlimit"},
                   kernel=r"do_prlimit|sys_setrlimit", user="thread_main"),
}
SYSCALL_NUMBERS = {"chown": 92, "setrlimit": 160, "mmap": 9, "setresuid": 117, "read": 0}


def invisible(workload, mode, facts):
    """Why a workload's check cannot appear in this mode on this kernel, or None."""
    function_probe = (mode in ("fentry", "kprobe") or
                      (mode.startswith("auto") and expected_auto(facts) != "tracepoint"))
    # mmap/brk: where cap_capable() is inlined into cap_vm_enough_memory() (Debian 6.1, 6.12)
    # caprec hooks cap_vm_enough_memory() itself, so the check is expected in every mode.
    if workload == "ptrace" and not function_probe:
        return "6.14+ (tracepoint kernels) make no CAP_SYS_PTRACE check for /proc/PID/stat"
    return None


class Result:
    def __init__(self):
        self.rows = []  # (mode, test, status, detail)

    def add(self, mode, test, ok, detail=""):
        self.rows.append((mode, test, "PASS" if ok else "FAIL", detail))

    def skip(self, mode, test, detail):
        self.rows.append((mode, test, "SKIP", detail))


def read(path, default=""):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return default


def read_actors(path):
    """[(workload, pid, tid, verdict)] from an .actors file."""
    actors = []
    for line in read(path).splitlines():
        m = re.match(r"(\w+) pid=(\d+) tid=(\d+) verdict=(\w+)$", line)
        if m:
            actors.append((m[1], int(m[2]), int(m[3]), m[4]))
    return actors


def kernel_facts(results):
    facts = {}
    for line in read(os.path.join(results, "kernel-facts")).splitlines():
        key, _, value = line.partition(" ")
        facts[key] = value
    return facts


def expected_auto(facts, mode="auto"):
    """The mode auto must pick on this kernel: tracepoint > fentry > kprobe.
    "auto-nofentry" is auto run while fexit-hog keeps fexit from attaching to cap_capable."""
    if facts.get("tracepoint") == "yes":
        return "tracepoint"
    return "kprobe" if mode == "auto-nofentry" else "fentry"


# Values of the live columns as caprec may spell them, normalised.
def flag(value):
    v = value.lower()
    if v in ("1", "yes", "y", "true", "audit", "insetid"):
        return 1
    if v in ("0", "no", "n", "false", "noaudit", "-"):
        return 0
    return None


def verdict_word(value):
    v = value.lower()
    if v.startswith("allow") or v.startswith("grant") or v == "0":
        return "granted"
    if v.startswith("den") or v == "-1" or v == "eperm":
        return "denied"
    return v


def parse_live(text):
    """Rows (dicts keyed by the header's column names) of caprec's live -x output."""
    header = None
    rows = []
    for line in text.splitlines():
        fields = line.split()
        if not fields:
            continue
        if fields[0] == "TIME" and "CAP" in fields:
            header = fields
            continue
        if header and len(fields) == len(header):
            rows.append(dict(zip(header, fields)))
    return header, rows


def live_matches(row, pid, tid, cap):
    try:
        return (int(row.get("PID", -1)) == pid and int(row.get("TID", tid)) == tid
                and cap in (row.get("NAME", ""), row.get("CAP", "")))
    except ValueError:
        return False


def check_live(result, mode, results):
    live = read(os.path.join(results, mode + ".live"))
    header, rows = parse_live(live)
    if not header:
        result.add(mode, "live-header", False, "no TIME ... header in %s.live" % mode)
        return
    missing = [c for c in ("PID", "TID", "NAME", "AUDIT", "VERDICT", "SYSCALL", "INSETID")
               if c not in header]
    result.add(mode, "live-header", not missing, "missing columns " + " ".join(missing)
               if missing else "")
    facts = kernel_facts(results)
    for workload, pid, tid, verdict in read_actors(os.path.join(results, mode + ".actors")):
        want = EXPECTED[workload]
        test = "live-" + workload + ("" if workload != "forker" else "-%d" % pid)
        found = [r for r in rows if live_matches(r, pid, tid, want["cap"])]
        # The same capability may also be checked by execve (mmap's): prefer the syscall's.
        found.sort(key=lambda r: r.get("SYSCALL") not in want["syscalls"])
        why = invisible(workload, mode, facts)
        if why and not found:
            result.skip(mode, test, why)
            continue
        if not found:
            result.add(mode, test, False, "no %s line for pid %d tid %d" % (want["cap"], pid, tid))
            continue
        problems = []
        for row in found[:1]:
            if verdict_word(row.get("VERDICT", "")) != verdict:
                problems.append("verdict %s, want %s" % (row.get("VERDICT"), verdict))
            if flag(row.get("AUDIT", "")) != want["audit"]:
                problems.append("audit %s, want %d" % (row.get("AUDIT"), want["audit"]))
            if flag(row.get("INSETID", "")) != want["insetid"]:
                problems.append("insetid %s, want %d" % (row.get("INSETID"), want["insetid"]))
            if row.get("SYSCALL", "") not in want["syscalls"] | {
                    str(SYSCALL_NUMBERS[s]) for s in want["syscalls"]}:
                problems.append("syscall %s, want %s" % (row.get("SYSCALL"),
                                                         "/".join(sorted(want["syscalls"]))))
        if workload == "thread" and pid == tid:
            problems.append("the thread's tid equals the pid")
        result.add(mode, test, not problems, "; ".join(problems))


def check_audited_only(result, mode, results):
    """Without -v the non-audit mmap check is filtered out and the audited one is kept."""
    base = os.path.join(results, mode + "-audited")
    rc = read(base + ".rc").strip()
    if rc != "0":
        result.add(mode, "audited-only", False, "caprec exited %s: %s" % (
            rc, read(base + ".err").strip().splitlines()[-1:] or ""))
        return
    _, rows = parse_live(read(base + ".live"))
    problems = []
    for workload, pid, tid, _ in read_actors(base + ".actors"):
        cap = EXPECTED[workload]["cap"]
        seen = any(live_matches(r, pid, tid, cap) for r in rows)
        if workload in ("mmap", "ptrace") and seen:
            problems.append("non-audit %s check printed without -v" % workload)
        if workload == "rlimit" and not seen:
            problems.append("audited rlimit check missing")
    result.add(mode, "audited-only", not problems, "; ".join(problems))


def load_recording(capanalyze, recording, database):
    """Loads one recording into a fresh database with capanalyze; returns an error or None."""
    if os.path.exists(database):
        os.unlink(database)
    run = subprocess.run([capanalyze, "load", "-q", "-d", database, recording],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        return "capanalyze load exited %d: %s" % (run.returncode, run.stderr.strip()[-300:])
    return None


def check_recording(result, mode, results, capanalyze, host_row):
    recording = os.path.join(results, mode + ".crf")
    if not capanalyze:
        result.skip(mode, "recording", "capanalyze is not built")
        return
    if not os.path.exists(recording):
        result.add(mode, "recording", False, "no recording %s.crf" % mode)
        return
    database = os.path.join(results, mode + ".db")
    error = load_recording(capanalyze, recording, database)
    result.add(mode, "recording-load", error is None, error or "")
    if error:
        return
    db = sqlite3.connect(database)
    db.row_factory = sqlite3.Row
    meta = db.execute("SELECT attach_mode, audit_source, lost, clean_end, kernel_release "
                      "FROM recordings").fetchone()
    facts = kernel_facts(results)
    # Analysed on another machine: the recording must say where it was made.
    result.add(mode, "recording-kernel", meta["kernel_release"] == facts.get("release"),
               "kernel_release %s, want %s" % (meta["kernel_release"], facts.get("release")))
    want_mode = expected_auto(facts, mode) if mode.startswith("auto") else mode
    result.add(mode, "recording-mode", meta["attach_mode"] == want_mode,
               "attach_mode %s, want %s" % (meta["attach_mode"], want_mode))
    result.add(mode, "recording-complete", meta["lost"] == 0 and meta["clean_end"] == 1,
               "lost %s clean_end %s" % (meta["lost"], meta["clean_end"]))
    inferred_expected = 1 if want_mode == "tracepoint" else 0
    for workload, pid, tid, verdict in read_actors(os.path.join(results, mode + ".actors")):
        want = EXPECTED[workload]
        test = "rec-" + workload + ("" if workload != "forker" else "-%d" % pid)
        rows = db.execute(
            "SELECT * FROM v_events WHERE pid = ? AND tid = ? AND cap_name = ? "
            "ORDER BY syscall_nr NOT IN (%s), time_ns" % ",".join(
                str(SYSCALL_NUMBERS[s]) for s in want["syscalls"]),
            (pid, tid, want["cap"])).fetchall()
        why = invisible(workload, mode, facts)
        if why and not rows:
            result.skip(mode, test, why)
            continue
        if not rows:
            result.add(mode, test, False, "no %s event for pid %d tid %d" % (want["cap"], pid, tid))
            continue
        row = rows[0]
        problems = []
        if row["verdict"] != verdict:
            problems.append("verdict %s, want %s" % (row["verdict"], verdict))
        if row["audit"] != want["audit"]:
            problems.append("audit %s, want %d" % (row["audit"], want["audit"]))
        if row["audit_inferred"] != inferred_expected:
            problems.append("audit_inferred %s, want %d" % (row["audit_inferred"],
                                                            inferred_expected))
        if want_mode != "tracepoint" and (row["insetid"] or 0) != want["insetid"]:
            problems.append("insetid %s, want %d" % (row["insetid"], want["insetid"]))
        numbers = {SYSCALL_NUMBERS[s] for s in want["syscalls"]}
        if row["syscall_nr"] not in numbers:
            problems.append("syscall %s, want %s" % (row["syscall_nr"], sorted(numbers)))
        KERNEL_STACKS.setdefault(results, {}).setdefault(workload, {}).setdefault(
            mode, row["kernel_stack"] or "")
        if not re.search(want["kernel"], row["kernel_stack"] or ""):
            problems.append("kernel stack lacks /%s/: %s" % (want["kernel"],
                                                              (row["kernel_stack"] or "")[:200]))
        if want["user"] not in (row["user_stack"] or ""):
            problems.append("user stack lacks %s: %s" % (want["user"],
                                                         (row["user_stack"] or "")[:200]))
        # Built without frame pointers: the path still reaches main or the thread's start.
        outer = "start_thread" if workload == "thread" else "main"
        if workload != "mmap" and outer not in (row["user_stack"] or "").split(";"):
            problems.append("user stack does not reach %s: %s" % (outer,
                                                                 (row["user_stack"] or "")[:200]))
        result.add(mode, test, not problems, "; ".join(problems))
    check_samples(result, mode, results, db, want_mode)
    check_kernel_stacks_clean(result, mode, db)
    db.close()
    check_policy(result, mode, results, capanalyze, database)


def read_sample_lines(path):
    """Dicts of the samples' lines: function, pid, tid, cap, syscall, result or checks."""
    lines = []
    for line in read(path).splitlines():
        m = re.match(r"(\w+): pid=(\d+) tid=(\d+) uid=(\d+) cap=\w+\((\d+)\) "
                     r"syscall=\w+\((\d+)\) (?:result=(-?\d+)|checks=(\d+) denied=(\d+))", line)
        if m:
            lines.append(dict(function=m[1], pid=int(m[2]), tid=int(m[3]), cap=int(m[5]),
                              syscall=int(m[6]), result=None if m[7] is None else int(m[7]),
                              checks=None if m[8] is None else int(m[8])))
    return lines


def check_samples(result, mode, results, db, want_mode):
    """The samples' documented checks (samples/README.md), found in the recording."""
    facts = kernel_facts(results)
    for sample in read_sample_lines(os.path.join(results, mode + ".samples")):
        test = "sample-%s-%d" % (sample["function"].replace("sample_", ""), sample["pid"])
        # The dynamic loader maps memory too (mmap's check): the sample's own event first.
        rows = db.execute("SELECT * FROM v_events WHERE pid = ? AND tid = ? AND cap = ? "
                          "AND syscall_nr = ? ORDER BY instr(coalesce(user_stack, ''), ?) = 0",
                          (sample["pid"], sample["tid"], sample["cap"], sample["syscall"],
                           sample["function"])).fetchall()
        if sample["cap"] == 21:
            why = invisible("mmap", mode, facts)
            if why and not rows:
                result.skip(mode, test, why)
                continue
        if sample["checks"] is not None:
            # The storm: exactly as many checks recorded as the loop made (its mmaps differ).
            result.add(mode, test, len(rows) == sample["checks"],
                       "%d events, the loop made %d checks" % (len(rows), sample["checks"]))
            continue
        if not rows:
            result.add(mode, test, False, "no event cap %d syscall %d for pid %d tid %d" % (
                sample["cap"], sample["syscall"], sample["pid"], sample["tid"]))
            continue
        row = rows[0]
        problems = []
        audit = 0 if sample["cap"] == 21 else 1
        if row["audit"] != audit:
            problems.append("audit %s, want %d" % (row["audit"], audit))
        if want_mode != "tracepoint" and sample["cap"] == 6 and row["insetid"] != 1:
            problems.append("insetid %s, want 1" % row["insetid"])
        # mmap's verdict only changes the reserve: the call succeeds either way.
        if sample["cap"] != 21:
            verdict = "granted" if sample["result"] == 0 else "denied"
            if row["verdict"] != verdict:
                problems.append("verdict %s, want %s (result %d)" % (row["verdict"], verdict,
                                                                     sample["result"]))
        if sample["function"] not in (row["user_stack"] or ""):
            problems.append("user stack lacks %s: %s" % (sample["function"],
                                                         (row["user_stack"] or "")[:160]))
        result.add(mode, test, not problems, "; ".join(problems))


# results dir -> workload -> mode -> the kernel stack of the workload's own check (folded).
KERNEL_STACKS = {}


def check_kernel_stacks_agree(result, results):
    """The same check gives the same kernel stack in every attach mode, innermost
    cap_capable then security_capable: reports never split one path by mode."""
    for workload, by_mode in sorted(KERNEL_STACKS.get(results, {}).items()):
        stacks = set(by_mode.values())
        # mmap/brk: cap_vm_enough_memory() calls cap_capable() (or has it inlined) directly.
        inner = (";cap_capable", ";cap_vm_enough_memory") if workload == "mmap" else (
            ";security_capable;cap_capable",)
        shape = all(s.endswith(inner) for s in stacks)
        ok = len(by_mode) >= 2 and len(stacks) == 1 and shape
        detail = " | ".join("%s: %s" % (m, by_mode[m][-120:]) for m in sorted(by_mode))
        if len(by_mode) < 2:
            result.skip("modes", "kstack-agree-" + workload, "seen in one mode only")
            continue
        result.add("modes", "kstack-agree-" + workload, ok,
                   "%d modes agree" % len(by_mode) if ok else detail[:400])


def check_kernel_stacks_clean(result, mode, db):
    """Kernel stacks hold kernel functions only: no BPF trampoline or unresolved frames, which
    would make the same call path differ between attach modes (and kernels) in every report."""
    bad = db.execute("SELECT text FROM stacks WHERE kind = 'kernel' AND (text LIKE '%trampoline%'"
                     " OR text LIKE '%[unknown]%' OR text LIKE '%?%')").fetchall()
    total = db.execute("SELECT count(*) FROM stacks WHERE kind = 'kernel'").fetchone()[0]
    result.add(mode, "kernel-stacks-clean", total > 0 and not bad,
               "%d of %d kernel stacks hold trampoline/unresolved frames, e.g. %s" % (
                   len(bad), total, bad[0][0][-160:]) if bad else "%d stacks" % total)


def check_policy(result, mode, results, capanalyze, database):
    """capanalyze policy on the host, from the guest's recording: the workload's set in the root
    form is exactly its audited, granted checks (non-audit and denied ones are not needs), and
    every decision names a call-site rule found on this kernel's stacks."""
    run = subprocess.run([capanalyze, "policy", "--exe", "vm-workload", "--form", "root",
                          "--format", "json", database],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        result.add(mode, "policy", False, "capanalyze policy exited %d: %s" % (
            run.returncode, run.stderr.strip()[-200:]))
        return
    groups = json.loads(run.stdout)
    found = set()
    rules = set()
    for group in groups:
        found |= set(group["capabilities"])
        rules |= {(d["capability"], d["rule"]) for d in group["decisions"]}
    # As root, every drop to nobody is granted CAP_SETGID and CAP_SETUID (setresgid/uid).
    want = {"CAP_SETGID", "CAP_SETUID"}
    for workload, _, _, verdict in read_actors(os.path.join(results, mode + ".actors")):
        if verdict == "granted" and EXPECTED[workload]["audit"]:
            want.add(EXPECTED[workload]["cap"])
    result.add(mode, "policy", found == want, "root-form set %s, want %s" % (
        ",".join(sorted(found)), ",".join(sorted(want))))
    # The call-site rules match this kernel's function names (docs/CALLSITES.md).
    for cap, rule in (("CAP_CHOWN", "chown"), ("CAP_SETUID", "setuid")):
        result.add(mode, "policy-rule-" + rule, (cap, rule) in rules,
                   "decisions %s" % sorted(rules))


def check_probe(result, results, mode="auto"):
    facts = kernel_facts(results)
    want = expected_auto(facts, mode)
    suffix = mode[len("auto"):]
    out = read(os.path.join(results, "probe%s.out" % suffix))
    rc = read(os.path.join(results, "probe%s.rc" % suffix)).strip()
    # The line that names auto's choice must name the expected mode.
    choice = [l for l in out.splitlines() if re.search(r"\bauto\b", l, re.I)]
    ok = rc == "0" and any(re.search(r"\b%s\b" % want, l) for l in choice)
    result.add("probe", "auto-choice" + suffix, ok, "rc %s, want %s, said: %s" % (
        rc, want, " | ".join(choice)[:200]))


def check_fentry_unavailable(result, results):
    """auto with cap_capable's trampoline full: fexit-hog worked, probe and run say kprobe."""
    hog = read(os.path.join(results, "hog.out")).strip()
    if "trampoline full" not in hog:
        result.add("auto-nofentry", "fexit-hog", False, hog or "fexit-hog did not run")
        return
    result.add("auto-nofentry", "fexit-hog", True, hog)
    check_probe(result, results, "auto-nofentry")


def check_mode(result, mode, results, capanalyze, host_row):
    rc = read(os.path.join(results, mode + ".rc")).strip()
    err = read(os.path.join(results, mode + ".err")).strip()
    result.add(mode, "run", rc == "0", "caprec exited %s: %s" % (rc, err[-300:]))
    # Nothing more to judge when caprec never started recording.
    if rc == "" or (rc != "0" and not parse_live(read(os.path.join(results, mode + ".live")))[0]):
        return
    check_live(result, mode, results)
    if os.path.exists(os.path.join(results, mode + "-audited.rc")):
        check_audited_only(result, mode, results)
    check_recording(result, mode, results, capanalyze, host_row)


def check_kernel_facts(result, results, guest):
    """Ground truth about the kernel itself, true whatever caprec does."""
    facts = kernel_facts(results)
    if guest:
        # Debian's 6.1 and 6.12 predate the tracepoint (6.14) and can trace the function.
        result.add("kernel", "no-tracepoint", facts.get("tracepoint") == "no",
                   "tracepoint %s" % facts.get("tracepoint"))
        result.add("kernel", "ftrace-cap_capable", facts.get("ftrace_function") == "yes",
                   "cap_capable traceable: %s" % facts.get("ftrace_function"))
        # Which checks function probes can see depends on it: the answer must be known.
        inlined = facts.get("vm_enough_memory_calls_cap_capable")
        result.add("kernel", "vm_enough_memory-call", inlined in ("yes", "no"),
                   {"yes": "cap_capable() called out of line",
                    "no": "cap_capable() inlined: mmap/brk check seen by the "
                          "cap_vm_enough_memory() hook"}.get(
                        inlined, "unknown (ftrace failed)"))
    else:
        result.add("kernel", "tracepoint", facts.get("tracepoint") == "yes",
                   "tracepoint %s" % facts.get("tracepoint"))


def check_bpf_object(result, results, mode):
    """bpf-load-check's verdict: the mode's programs loaded, attached and delivered events."""
    rc = read(os.path.join(results, mode + ".bpfcheck.rc")).strip()
    out = read(os.path.join(results, mode + ".bpfcheck")).strip()
    problems = [l for l in out.splitlines() if not l.endswith(": ok")]
    result.add(mode, "bpf-verifier-facts", rc == "0",
               " | ".join(problems)[-300:] if out else "no output (rc %s)" % rc)


def check_results(results, modes, capanalyze, guest, bpf_modes=()):
    result = Result()
    check_kernel_facts(result, results, guest)
    for mode in bpf_modes:
        check_bpf_object(result, results, mode)
    if modes:
        check_probe(result, results)
    for mode in modes:
        check_mode(result, mode, results, capanalyze, not guest)
    if guest and modes:
        check_fentry_unavailable(result, results)
        if os.path.exists(os.path.join(results, "auto-nofentry.rc")):
            check_mode(result, "auto-nofentry", results, capanalyze, False)
    if modes:
        check_kernel_stacks_agree(result, results)
    return result.rows
