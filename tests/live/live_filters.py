#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Live tests of caprec's selection and live output: -p PID, -p PID --follow, --cgroup,
and the live lines without -o (with and without -x).

Usage: live_filters.py CASE (meson runs one test per case; see meson.build)."""

import os
import shutil
import subprocess

from live_common import (CAP_CHOWN, CAP_SYS_RESOURCE, Background, Gated, Recording, Waiting,
                         check, main, one_report, run_caprec, sample, sample_reports, temp_dir)


def pid_case():
    """-p PID records that process only: a sample run next to it is absent. Both for a
    process that execs the sample after caprec started and for one that was already running
    the sample (its executable and mappings come from /proc, not from an exec event)."""
    for starter in (Gated, Waiting):
        directory = temp_dir()
        output = os.path.join(directory, "pid.caprec")
        traced = starter([sample("sample_chown")])
        recorder = Background(["-K", "-U", "-p", str(traced.pid)], output)
        try:
            recorder.wait_ready()
            bystander = subprocess.run([sample("sample_chown")], stdout=subprocess.PIPE,
                                       text=True, check=True)
            other = one_report(bystander.stdout, "sample_chown_foreign_file")
            report = one_report(traced.release(), "sample_chown_foreign_file")
            status, _, stderr = recorder.stop()
            check(status == 0, "caprec -p exited %d: %s" % (status, stderr))
            rec = Recording(output)
            rec.require_readable()
            check(report["pid"] == traced.pid, "exec changed the pid?")
            found = rec.select(pid=traced.pid, cap=CAP_CHOWN, syscall=report["syscall"])
            check(len(found) == 1, "%s: expected one CAP_CHOWN check of pid %d:\n%s"
                  % (starter.__name__, traced.pid, rec.describe()))
            check("sample_chown_foreign_file" in found[0]["ustack"], "%s: user stack %s"
                  % (starter.__name__, found[0]["ustack"]))
            check("chown_common" in found[0]["kstack"], "kernel stack %s" % found[0]["kstack"])
            check(found[0]["exe"] and found[0]["exe"].endswith("/sample_chown"),
                  "%s: executable %s" % (starter.__name__, found[0]["exe"]))
            strangers = [e for e in rec.events if e["pid"] != traced.pid]
            check(not strangers, "checks of other processes recorded with -p %d (bystander %d)"
                  ":\n%s" % (traced.pid, other["pid"], rec.describe(strangers)))
        finally:
            if recorder.process.poll() is None:
                recorder.kill()
            shutil.rmtree(directory, ignore_errors=True)


def follow_case():
    """-p PID --follow adds the descendants, including a daemonised grandchild; without
    --follow they are absent."""
    directory = temp_dir()
    try:
        for follow in (True, False):
            output = os.path.join(directory, "follow-%d.caprec" % follow)
            traced = Gated([sample("sample_forker")])
            recorder = Background(["-p", str(traced.pid)] + (["--follow"] if follow else []),
                                  output)
            recorder.wait_ready()
            stdout = traced.release()
            status, _, stderr = recorder.stop()
            check(status == 0, "caprec exited %d: %s" % (status, stderr))
            rec = Recording(output)
            rec.require_readable()
            descendants = [r for r in sample_reports(stdout)
                           if r["function"].startswith("sample_forker_")]
            check(len(descendants) == 3, "forker output:\n" + stdout)
            for report in descendants:
                found = rec.select(pid=report["pid"], cap=CAP_SYS_RESOURCE,
                                   syscall=report["syscall"])
                want = 1 if follow else 0
                check(len(found) == want, "%s: %d checks of descendant %d (%s), expected %d"
                      % ("--follow" if follow else "no --follow", len(found), report["pid"],
                         report["function"], want))
            allowed = {traced.pid} | ({r["pid"] for r in descendants} if follow else set())
            # The intermediate process of the forker makes no check, so it never shows up.
            strangers = [e for e in rec.events if e["pid"] not in allowed]
            check(not strangers, "unexpected processes recorded:\n" + rec.describe(strangers))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def cgroup2_root():
    with open("/proc/self/mounts") as mounts:
        for line in mounts:
            fields = line.split()
            if fields[2] == "cgroup2":
                return fields[1]
    return None


def cgroup_case():
    """--cgroup PATH records the processes of that cgroup v2 only."""
    root = cgroup2_root()
    check(root is not None, "no cgroup2 file system mounted (see /proc/self/mounts)")
    group = os.path.join(root, "caprec-live-%d" % os.getpid())
    directory = temp_dir()
    os.mkdir(group)
    recorder = None
    try:
        traced = Gated([sample("sample_chown")])
        with open(os.path.join(group, "cgroup.procs"), "w") as procs:
            procs.write(str(traced.pid))
        output = os.path.join(directory, "cgroup.caprec")
        recorder = Background(["-U", "--cgroup", group], output)
        recorder.wait_ready()
        bystander = subprocess.run([sample("sample_chown")], stdout=subprocess.PIPE, text=True,
                                   check=True)
        other = one_report(bystander.stdout, "sample_chown_foreign_file")
        report = one_report(traced.release(), "sample_chown_foreign_file")
        status, _, stderr = recorder.stop()
        check(status == 0, "caprec --cgroup exited %d: %s" % (status, stderr))
        rec = Recording(output)
        rec.require_readable()
        found = rec.select(pid=report["pid"], cap=CAP_CHOWN, syscall=report["syscall"])
        check(len(found) == 1, "expected one CAP_CHOWN check from the cgroup:\n" + rec.describe())
        check(not rec.select(pid=other["pid"]), "the bystander %d (other cgroup) was recorded"
              % other["pid"])
        cgroups = {e["cgroup"] for e in rec.events}
        check(len(cgroups) == 1, "checks from several cgroups: %s" % cgroups)
        check(found[0]["cgroup"] == os.stat(group).st_ino,
              "cgroup id %d, expected the inode of %s (%d)" % (found[0]["cgroup"], group,
                                                              os.stat(group).st_ino))
    finally:
        if recorder and recorder.process.poll() is None:
            recorder.kill()
        try:
            os.rmdir(group)
        except OSError:
            pass
        shutil.rmtree(directory, ignore_errors=True)


def live_output_case():
    """Without -o: the header columns and one line for the sample's check; -x adds TID etc."""
    result = run_caprec([], [sample("sample_chown")])
    check(result.returncode == 0, "caprec exited %d: %s" % (result.returncode, result.stderr))
    report = one_report(result.stdout, "sample_chown_foreign_file")
    lines = result.stdout.splitlines()
    header = [line for line in lines if line.split()[:1] == ["TIME"]]
    check(len(header) == 1, "no single header line:\n" + result.stdout)
    check(header[0].split() == ["TIME", "UID", "PID", "COMM", "CAP", "NAME", "AUDIT", "VERDICT"],
          "header is %r" % header[0])
    mine = [line.split() for line in lines
            if len(line.split()) == 8 and line.split()[2] == str(report["pid"])]
    chown = [fields for fields in mine if fields[4] == "0"]
    check(len(chown) == 1, "no single CAP_CHOWN line for pid %d:\n%s"
          % (report["pid"], result.stdout))
    fields = chown[0]
    check(fields[1] == "0" and fields[3] == "sample_chown" and
          fields[5].upper() in ("CAP_CHOWN", "CHOWN"), "line is %r" % " ".join(fields))

    result = run_caprec(["-x"], [sample("sample_thread")])
    check(result.returncode == 0, "caprec -x exited %d: %s" % (result.returncode, result.stderr))
    report = one_report(result.stdout, "sample_thread_raise_rlimit")
    lines = result.stdout.splitlines()
    header = [line.split() for line in lines if line.split()[:1] == ["TIME"]]
    check(len(header) == 1, "no single header line with -x:\n" + result.stdout)
    columns = header[0]
    for column in ("TID", "SYSCALL", "INSETID", "USERNS"):
        check(column in columns, "-x header lacks %s: %s" % (column, columns))
    rows = [dict(zip(columns, line.split())) for line in lines
            if len(line.split()) == len(columns) and line.split() != columns]
    found = [row for row in rows if row["PID"] == str(report["pid"]) and row["CAP"] == "24"]
    check(len(found) == 1, "no single CAP_SYS_RESOURCE line for pid %d:\n%s"
          % (report["pid"], result.stdout))
    check(found[0]["TID"] == str(report["tid"]), "TID %s, expected %d"
          % (found[0]["TID"], report["tid"]))
    check(found[0]["SYSCALL"] in ("prlimit64", str(report["syscall"])), "SYSCALL %s"
          % found[0]["SYSCALL"])


CASES = {"pid": pid_case, "follow": follow_case, "cgroup": cgroup_case,
         "live-output": live_output_case}

if __name__ == "__main__":
    main(CASES)
