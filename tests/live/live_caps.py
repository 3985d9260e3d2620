#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Live tests of the capabilities caprec itself needs (samples/README.md, "Minimal
capabilities of caprec").

The scenario is the demanding one: caprec runs as an unprivileged uid (65534) holding only
MINIMAL_CAPS (ambient, via setpriv) and records, with -K -U -p PID, a process that root
started before caprec, from a binary in a directory only root may read.

minimal-caps: with MINIMAL_CAPS the recording is complete (the check, kernel symbols, user
symbols, the executable); with any one of them removed it fails or loses something, so none
is superfluous.
self-checks: a second caprec (-v -K) records the first one in that scenario: every
capability the first one was granted is in MINIMAL_CAPS, and each of MINIMAL_CAPS was
granted at least once (each is really used).

Usage: live_caps.py CASE"""

import os
import shutil
import signal
import subprocess
import time

from live_common import (CAP_CHOWN, Recording, Waiting, check, main, one_report, sample,
                         temp_dir, tool)

# Measured on kernel 6.18 with kernel.perf_event_paranoid=2, kernel.kptr_restrict=0.
MINIMAL_CAPS = ["cap_bpf", "cap_perfmon", "cap_syslog", "cap_sys_ptrace", "cap_dac_read_search"]
CAP_NUMBERS = {"cap_bpf": 39, "cap_perfmon": 38, "cap_syslog": 34, "cap_sys_ptrace": 19,
               "cap_dac_read_search": 2}
UNPRIVILEGED_UID = 65534


def confined(caps, argv):
    """argv run as uid 65534 with exactly caps (ambient, so they survive the exec)."""
    spec = "-all" + "".join(",+" + c[len("cap_"):] for c in caps)
    return ["setpriv", "--reuid", str(UNPRIVILEGED_UID), "--regid", str(UNPRIVILEGED_UID),
            "--clear-groups", "--inh-caps", spec, "--ambient-caps", spec,
            "--bounding-set", spec, "--"] + argv


class Scenario:
    """A private copy of sample_chown (in a 0700 directory) already running as root, and an
    output directory the confined caprec may write to."""

    def __init__(self):
        self.directory = temp_dir()
        os.chmod(self.directory, 0o777)
        self.private = temp_dir()
        os.chmod(self.private, 0o700)
        self.binary = os.path.join(self.private, "sample_chown")
        shutil.copy2(sample("sample_chown"), self.binary)
        self.traced = None

    def start_sample(self):
        self.traced = Waiting([self.binary])
        return self.traced

    def close(self):
        if self.traced and self.traced.process.poll() is None:
            self.traced.process.kill()
            self.traced.process.communicate()
        shutil.rmtree(self.directory, ignore_errors=True)
        shutil.rmtree(self.private, ignore_errors=True)


def wait_for_recording(path, process, timeout=30):
    """caprec opens its recording after attaching: a non-empty file means it is ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            time.sleep(0.3)
            return True
        time.sleep(0.05)
    return False


def stop(process, timeout=30):
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return stderr


def record_confined(caps, scenario, name):
    """The confined caprec records the running root sample; returns (status, stderr,
    Recording or None, sample report)."""
    output = os.path.join(scenario.directory, name)
    traced = scenario.start_sample()
    recorder = subprocess.Popen(confined(caps, [tool("CAPREC"), "-o", output, "-K", "-U",
                                                "-p", str(traced.pid)]),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for_recording(output, recorder)
    report = one_report(traced.release(), "sample_chown_foreign_file")
    stderr = stop(recorder)
    rec = Recording(output) if os.path.exists(output) else None
    return recorder.returncode, stderr, rec, report


def missing_parts(rec, report, binary):
    """What a complete recording of the sample has and this one lacks."""
    if rec is None or rec.dump_status != 0:
        return ["no readable recording"]
    found = rec.select(pid=report["pid"], cap=CAP_CHOWN, syscall=report["syscall"])
    if len(found) != 1:
        return ["%d CAP_CHOWN checks recorded instead of 1" % len(found)]
    event, problems = found[0], []
    if "chown_common" not in event["kstack"]:
        problems.append("kernel stack unresolved: %s" % event["kstack"][:4])
    if "sample_chown_foreign_file" not in event["ustack"]:
        problems.append("user stack unresolved: %s" % event["ustack"][:3])
    if event["exe"] != binary:
        problems.append("executable %s" % event["exe"])
    return problems


def minimal_caps_case():
    scenario = Scenario()
    try:
        status, stderr, rec, report = record_confined(MINIMAL_CAPS, scenario, "minimal.caprec")
        check(status == 0, "caprec with %s exited %d: %s" % (MINIMAL_CAPS, status, stderr))
        problems = missing_parts(rec, report, scenario.binary)
        check(not problems, "caprec with only %s: %s" % (MINIMAL_CAPS, "; ".join(problems)))
        for missing in MINIMAL_CAPS:
            caps = [c for c in MINIMAL_CAPS if c != missing]
            status, stderr, rec, report = record_confined(caps, scenario,
                                                          "without-%s.caprec" % missing)
            problems = (missing_parts(rec, report, scenario.binary) if status == 0
                        else ["exit %d: %s" % (status, stderr.strip().splitlines()[:1])])
            check(problems, "caprec without %s recorded everything: %s is not needed"
                  % (missing, missing))
            print("without %s: %s" % (missing, "; ".join(problems)))
    finally:
        scenario.close()


def child_pids(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as children:
            return [int(p) for p in children.read().split()]
    except OSError:
        return []


def self_checks_case():
    scenario = Scenario()
    outer = None
    try:
        inner_output = os.path.join(scenario.directory, "inner.caprec")
        outer_output = os.path.join(scenario.directory, "outer.caprec")
        traced = scenario.start_sample()
        inner = confined(MINIMAL_CAPS, [tool("CAPREC"), "-o", inner_output, "-K", "-U", "-p",
                                        str(traced.pid)])
        outer = subprocess.Popen([tool("CAPREC"), "-v", "-K", "-o", outer_output, "--"] + inner,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        check(wait_for_recording(inner_output, outer, timeout=60),
              "the inner caprec did not start")
        one_report(traced.release(), "sample_chown_foreign_file")
        # setpriv execs caprec: the outer caprec's only child is the inner caprec.
        inner_pids = child_pids(outer.pid)
        check(len(inner_pids) == 1, "children of the outer caprec: %s" % inner_pids)
        os.kill(inner_pids[0], signal.SIGINT)
        try:
            _, stderr = outer.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            check(False, "the outer caprec did not end with its command")
        check(outer.returncode == 0, "the inner caprec failed (%d): %s"
              % (outer.returncode, stderr))
        rec = Recording(outer_output)
        rec.require_readable()
        # The same pid is first the outer caprec's fork (comm caprec, uid 0), then setpriv
        # (dropping privileges), then the inner caprec as uid 65534.
        checks = rec.select(pid=inner_pids[0], comm="caprec", uid=UNPRIVILEGED_UID)
        check(checks, "no check of the inner caprec (pid %d) recorded" % inner_pids[0])
        granted = {e["cap"] for e in checks if e["ret"] == 0}
        allowed = {CAP_NUMBERS[c] for c in MINIMAL_CAPS}
        print("capability checks of caprec: count cap name audit ret")
        seen = {}
        for e in checks:
            key = (e["cap"], e["name"], e["audit"], e["ret"])
            seen[key] = seen.get(key, 0) + 1
        for key in sorted(seen):
            print("  %6d %s" % (seen[key], key))
        for e in checks:
            if e["ret"] == 0 and e["cap"] not in {CAP_NUMBERS[c] for c in MINIMAL_CAPS}:
                print("  granted outside the set: cap %d uid %d syscall %d kernel stack %s"
                      % (e["cap"], e["uid"], e["syscall"], ",".join(e["kstack"][:8])))
        check(granted <= allowed, "caprec was granted capabilities outside %s: %s"
              % (MINIMAL_CAPS, sorted(granted - allowed)))
        check(granted == allowed, "caprec never used %s" % sorted(allowed - granted))
    finally:
        if outer and outer.poll() is None:
            outer.kill()
            outer.communicate()
        scenario.close()


CASES = {"minimal-caps": minimal_caps_case, "self-checks": self_checks_case}

if __name__ == "__main__":
    main(CASES)
