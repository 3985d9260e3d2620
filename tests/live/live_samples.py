#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Live tests: each sample recorded by caprec, every field of its check asserted exactly.

Usage: live_samples.py CASE (meson runs one test per case; see meson.build)."""

import os
import shutil
import subprocess
import time

from live_common import (CAP_CHOWN, CAP_NET_BIND_SERVICE, CAP_SETGID, CAP_SYS_ADMIN,
                         CAP_SYS_RESOURCE, EPERM, Recording, check, expected_ret, main, one_report,
                         record, run_caprec, sample, sample_reports, temp_dir,
                         tool)

UNPRIVILEGED_UID = 65534

# sample -> (function that makes the check, capability, kernel function expected on the stack)
SAMPLES = {
    "sample_chown": ("sample_chown_foreign_file", CAP_CHOWN, "chown_common"),
    "sample_bind": ("sample_bind_privileged_port", CAP_NET_BIND_SERVICE, "__inet_bind"),
    "sample_rlimit": ("sample_raise_hard_rlimit", CAP_SYS_RESOURCE, "do_prlimit"),
    "sample_setgroups": ("sample_set_group_list", CAP_SETGID, "ns_capable_setid"),
    "sample_thread": ("sample_thread_raise_rlimit", CAP_SYS_RESOURCE, "do_prlimit"),
}


def the_check(rec, report, cap, by_function=False):
    """The one recorded check the sample reported: same pid, tid, capability and syscall (and,
    with by_function, made from the sample's function: --uid makes a setgroups call of its
    own before the sample's)."""
    found = rec.select(pid=report["pid"], tid=report["tid"], cap=cap, syscall=report["syscall"])
    if by_function:
        found = [e for e in found if report["function"] in e["ustack"]]
    check(len(found) == 1, "expected exactly one check of cap %d by pid %d tid %d in syscall %d,"
          " found %d; events of that pid:\n%s" % (cap, report["pid"], report["tid"],
                                                  report["syscall"], len(found),
                                                  rec.describe(rec.select(pid=report["pid"]))))
    return found[0]


def assert_stacks(event, options, function, kernel_function):
    if "-K" in options:
        check(kernel_function in event["kstack"], "kernel stack lacks %s: %s"
              % (kernel_function, event["kstack"]))
    else:
        check(not event["kstack"], "kernel stack recorded without -K: %s" % event["kstack"])
    if "-U" in options:
        check(function in event["ustack"], "user stack lacks %s: %s"
              % (function, event["ustack"]))
        check("main" in event["ustack"] or function == "sample_thread_raise_rlimit",
              "user stack lacks main: %s" % event["ustack"])
    else:
        check(not event["ustack"], "user stack recorded without -U: %s" % event["ustack"])


def assert_audit_only(rec, options):
    non_audit = [e for e in rec.events if not e["audit"]]
    if "-v" in options:
        check(non_audit, "-v recorded no non-audit check at all (exec and mmap make many)")
    else:
        check(not non_audit, "non-audit checks recorded without -v:\n" + rec.describe(non_audit))


def record_sample(name, options, sample_args=(), uid=0):
    function, cap, kernel_function = SAMPLES[name]
    directory = temp_dir()
    try:
        result, rec = record(options, [sample(name)] + list(sample_args), directory)
        report = one_report(result.stdout, function)
        event = the_check(rec, report, cap, by_function=uid != 0)
        check(event["uid"] == uid, "uid %d, expected %d" % (event["uid"], uid))
        want = expected_ret(cap, uid)
        check(event["ret"] == want, "ret %d, expected %d" % (event["ret"], want))
        # The sample's system call saw the verdict too (bind turns -EPERM into -EACCES).
        if want == 0:
            check(report["result"] == 0, "granted but the call failed: %d" % report["result"])
        else:
            check(report["result"] in (-EPERM, -13), "denied but the call returned %d"
                  % report["result"])
        check(event["audit"] == 1, "audit flag %d, expected 1" % event["audit"])
        check(event["insetid"] == (1 if name == "sample_setgroups" else 0) or
              not event["insetid_known"], "INSETID %d for %s" % (event["insetid"], name))
        check(event["exe"] and os.path.basename(event["exe"]) == name,
              "process exe %s, expected .../%s" % (event["exe"], name))
        check(event["comm"] == name[:15], "comm %s" % event["comm"])
        if name == "sample_thread":
            check(event["tid"] != event["pid"], "thread check has tid == pid %d" % event["pid"])
        assert_stacks(event, options, function, kernel_function)
        assert_audit_only(rec, options)
        # Nothing outside the command's process tree: caprec ignores itself and others.
        pids = {p["pid"] for p in rec.processes}
        strangers = [e for e in rec.events if e["pid"] not in pids]
        check(not strangers, "checks of processes outside the command:\n" +
              rec.describe(strangers))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def sample_case(name):
    def run():
        for options in ([], ["-K"], ["-U"], ["-K", "-U"], ["-v", "-K", "-U"]):
            record_sample(name, options)
        record_sample(name, ["-K", "-U"], ["--uid", str(UNPRIVILEGED_UID)], UNPRIVILEGED_UID)
    return run


def mmap_case():
    """The non-audit check: absent without -v, exactly one with -v."""
    directory = temp_dir()
    try:
        result, rec = record(["-K", "-U"], [sample("sample_mmap")], directory)
        report = one_report(result.stdout, "sample_map_private_memory")
        check(not rec.select(pid=report["pid"], cap=CAP_SYS_ADMIN),
              "CAP_SYS_ADMIN non-audit check recorded without -v")
        result, rec = record(["-v", "-K", "-U"], [sample("sample_mmap")], directory, "v.caprec")
        report = one_report(result.stdout, "sample_map_private_memory")
        found = [e for e in rec.select(pid=report["pid"], cap=CAP_SYS_ADMIN,
                                       syscall=report["syscall"])
                 if "sample_map_private_memory" in e["ustack"]]
        check(len(found) == 1, "expected one mmap check from sample_map_private_memory, got:\n"
              + rec.describe(rec.select(pid=report["pid"], cap=CAP_SYS_ADMIN)))
        event = found[0]
        check(event["audit"] == 0, "the mmap check is audited: %s" % event)
        check(event["ret"] == expected_ret(CAP_SYS_ADMIN), "ret %d" % event["ret"])
        # cap_vm_enough_memory() is no frame of its own on 6.18 (see sample_mmap.c).
        check("security_vm_enough_memory_mm" in event["kstack"],
              "kernel stack lacks security_vm_enough_memory_mm: %s" % event["kstack"])
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def forker_case():
    """-- CMD traces the command's children and its daemonised grandchild."""
    directory = temp_dir()
    try:
        result, rec = record(["-U"], [sample("sample_forker")], directory)
        parent = int(result.stdout.split("sample_forker: pid=")[1].split()[0])
        reports = sample_reports(result.stdout)
        children = [r for r in reports if r["function"] == "sample_forker_child_raise_rlimit"]
        daemons = [r for r in reports if r["function"] == "sample_forker_daemon_raise_rlimit"]
        check(len(children) == 2 and len(daemons) == 1, "sample output:\n" + result.stdout)
        for report in children + daemons:
            event = the_check(rec, report, CAP_SYS_RESOURCE)
            check(report["function"] in event["ustack"], "user stack of pid %d lacks %s: %s"
                  % (report["pid"], report["function"], event["ustack"]))
            check(event["ret"] == expected_ret(CAP_SYS_RESOURCE), "ret %d" % event["ret"])
        check(not rec.select(pid=parent, cap=CAP_SYS_RESOURCE),
              "the parent %d made no CAP_SYS_RESOURCE check, yet one is recorded" % parent)
        recorded = {p["pid"] for p in rec.processes}
        for report in children + daemons:
            check(report["pid"] in recorded, "no process record for pid %d" % report["pid"])
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def exit_status_case():
    """caprec -- CMD returns CMD's exit status and writes the recording with mode 0600."""
    directory = temp_dir()
    try:
        path = os.path.join(directory, "status.caprec")
        result = run_caprec(["-o", path], ["/bin/sh", "-c", "exit 7"])
        check(result.returncode == 7, "caprec returned %d for a command that exited 7 (%s)"
              % (result.returncode, result.stderr))
        mode = os.stat(path).st_mode & 0o777
        check(mode == 0o600, "recording mode %o, expected 600" % mode)
        check(result.stderr.strip(), "no summary line on stderr")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def trace_self_case():
    """System-wide (-v -U, no filter) caprec ignores its own checks; with --trace-self it
    records them. A process of another uid that lives through caprec's reading of its /proc
    entries makes caprec itself pass ptrace_may_access() checks (CAP_SYS_PTRACE) every run;
    the sample's own checks alone leave caprec's (map_files, memory) to chance."""
    directory = temp_dir()
    try:
        for trace_self in (False, True):
            output = os.path.join(directory, "self-%d.caprec" % trace_self)
            argv = [tool("CAPREC"), "-v", "-U", "--duration", "3", "-o", output]
            recorder = subprocess.Popen(argv + (["--trace-self"] if trace_self else []),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True)
            time.sleep(1)
            subprocess.run([sample("sample_chown")], stdout=subprocess.DEVNULL, check=True)
            subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                            "sleep", "1.5"], check=True)
            _, stderr = recorder.communicate(timeout=60)
            check(recorder.returncode == 0, "caprec --duration 3 exited %d: %s"
                  % (recorder.returncode, stderr))
            rec = Recording(output)
            rec.require_readable()
            own = rec.select(pid=recorder.pid)
            if trace_self:
                check(own, "--trace-self recorded no check of caprec itself (pid %d)"
                      % recorder.pid)
            else:
                check(not own, "caprec recorded %d checks of its own without --trace-self:\n%s"
                      % (len(own), rec.describe(own)))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


CASES = {name.replace("sample_", ""): sample_case(name) for name in SAMPLES}
CASES.update({"mmap": mmap_case, "forker": forker_case, "exit-status": exit_status_case,
              "trace-self": trace_self_case})

if __name__ == "__main__":
    main(CASES)
