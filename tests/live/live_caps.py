#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Live tests of the capabilities caprec itself needs (samples/README.md, "Minimal
capabilities of caprec").

minimal-caps: caprec running as an unprivileged uid (65534) holding only MINIMAL_CAPS as
ambient capabilities records a sample run by root, with resolved kernel and user stacks and
the process's executable; with any one of those capabilities removed the recording fails or
loses something (so none of them is superfluous).
self-checks: a second caprec (-v) records the first one, started with only MINIMAL_CAPS:
every capability the first one was granted is in MINIMAL_CAPS, and it was granted each
capability of MINIMAL_CAPS at least once (each is really used).

Usage: live_caps.py CASE"""

import os
import shutil
import subprocess

from live_common import (CAP_CHOWN, Gated, Recording, check, main, one_report, sample,
                         temp_dir, tool)

# Measured on kernel 6.18 with kernel.perf_event_paranoid=2 and kernel.kptr_restrict=0
# (see samples/README.md for how).
MINIMAL_CAPS = ["cap_bpf", "cap_perfmon", "cap_syslog", "cap_sys_ptrace"]
CAP_NUMBERS = {"cap_bpf": 39, "cap_perfmon": 38, "cap_syslog": 34, "cap_sys_ptrace": 19,
               "cap_dac_read_search": 2, "cap_sys_admin": 21, "cap_sys_resource": 24}
UNPRIVILEGED_UID = 65534


def confined(caps, argv):
    """argv run as uid 65534 with exactly caps (ambient, so they survive the exec)."""
    spec = ",".join("+" + c[len("cap_"):] for c in caps) if caps else "-all"
    bounding = "-all" + ("," + spec if caps else "")
    return ["setpriv", "--reuid", str(UNPRIVILEGED_UID), "--regid", str(UNPRIVILEGED_UID),
            "--clear-groups", "--inh-caps", "-all" + ("," + spec if caps else ""),
            "--ambient-caps", "-all" + ("," + spec if caps else ""),
            "--bounding-set", bounding, "--"] + argv


def record_root_sample_confined(caps, directory, name):
    """caprec confined to caps records (-K -U -p) a sample that root runs; returns
    (caprec status, stderr, Recording or None, sample report)."""
    output = os.path.join(directory, name)
    traced = Gated([sample("sample_chown")])
    recorder = subprocess.Popen(confined(caps, [tool("CAPREC"), "-o", output, "-K", "-U", "-p",
                                                str(traced.pid)]),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        import time
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and recorder.poll() is None:
            if os.path.exists(output) and os.path.getsize(output) > 0:
                break
            time.sleep(0.05)
        time.sleep(1.0)
        report = one_report(traced.release(), "sample_chown_foreign_file")
        if recorder.poll() is None:
            recorder.send_signal(2)
        _, stderr = recorder.communicate(timeout=30)
    finally:
        if recorder.poll() is None:
            recorder.kill()
            recorder.communicate()
    rec = Recording(output) if os.path.exists(output) else None
    return recorder.returncode, stderr, rec, report


def complete(rec, report):
    """What a full recording of the sample has: the check, kernel and user symbols, exe."""
    problems = []
    if rec is None or rec.dump_status != 0:
        return ["no readable recording"]
    found = rec.select(pid=report["pid"], cap=CAP_CHOWN, syscall=report["syscall"])
    if len(found) != 1:
        return ["%d CAP_CHOWN checks recorded instead of 1" % len(found)]
    event = found[0]
    if "chown_common" not in event["kstack"]:
        problems.append("kernel stack unresolved: %s" % event["kstack"][:6])
    if "sample_chown_foreign_file" not in event["ustack"]:
        problems.append("user stack unresolved: %s" % event["ustack"][:4])
    if not event["exe"] or not event["exe"].endswith("/sample_chown"):
        problems.append("executable unknown: %s" % event["exe"])
    return problems


def minimal_caps_case():
    directory = temp_dir()
    os.chmod(directory, 0o777)
    try:
        status, stderr, rec, report = record_root_sample_confined(MINIMAL_CAPS, directory,
                                                                  "minimal.caprec")
        check(status == 0, "caprec with %s exited %d: %s" % (MINIMAL_CAPS, status, stderr))
        problems = complete(rec, report)
        check(not problems, "caprec with only %s: %s" % (MINIMAL_CAPS, "; ".join(problems)))
        for missing in MINIMAL_CAPS:
            caps = [c for c in MINIMAL_CAPS if c != missing]
            status, stderr, rec, report = record_root_sample_confined(
                caps, directory, "without-%s.caprec" % missing)
            problems = complete(rec, report) if status == 0 else ["exit %d" % status]
            check(problems, "caprec without %s recorded everything: %s is not needed"
                  % (missing, missing))
            print("without %s: %s" % (missing, "; ".join(problems)))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def self_checks_case():
    directory = temp_dir()
    os.chmod(directory, 0o777)
    try:
        inner_output = os.path.join(directory, "inner.caprec")
        outer_output = os.path.join(directory, "outer.caprec")
        inner = confined(MINIMAL_CAPS, [tool("CAPREC"), "-o", inner_output, "-K", "-U", "--",
                                        sample("sample_chown")])
        result = subprocess.run([tool("CAPREC"), "-v", "-K", "-o", outer_output, "--"] + inner,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                timeout=120)
        check(result.returncode == 0, "outer or inner caprec failed (%d): %s"
              % (result.returncode, result.stderr))
        outer = Recording(outer_output)
        outer.require_readable()
        caprec_pids = {p["pid"] for p in outer.processes
                       if p["exe"] and os.path.basename(p["exe"]) == "caprec"}
        check(caprec_pids, "the outer recording has no caprec process")
        checks = [e for e in outer.events if e["pid"] in caprec_pids]
        granted = {e["cap"] for e in checks if e["ret"] == 0}
        allowed = {CAP_NUMBERS[c] for c in MINIMAL_CAPS}
        summary = sorted({(e["cap"], e["name"], e["audit"], e["ret"]) for e in checks})
        print("capability checks of caprec (cap, name, audit, ret):")
        for line in summary:
            print("  %s" % (line,))
        check(granted <= allowed, "caprec was granted capabilities outside %s: %s"
              % (MINIMAL_CAPS, sorted(granted - allowed)))
        check(granted == allowed, "caprec never used %s" % sorted(allowed - granted))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


CASES = {"minimal-caps": minimal_caps_case, "self-checks": self_checks_case}

if __name__ == "__main__":
    main(CASES)
