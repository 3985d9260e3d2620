# SPDX-License-Identifier: GPL-2.0-only
"""Live tests of what a recording says about each check's process image, credentials and
syscall: the executable is the file the kernel ran (symlinks resolved) with the path used
beside it, a program's checks are never filed under the image it exec'd next, each check
carries the uids it was made with, and a denied check carries its syscall's return."""

import os
import shutil

from live_common import Failure, Recording, check, main, record, run_caprec, temp_dir

CAP_CHOWN = 0
CAP_SETGID = 6
CAP_SETUID = 7
CAP_SETPCAP = 8
CAP_SYS_NICE = 23
EPERM = 1
NOBODY = 65534
SYS_FCHOWNAT = 260  # x86_64; chown(1) calls fchownat()


def tool_path(name):
    path = shutil.which(name)
    if not path:
        raise Failure("%s is not installed" % name)
    return path


def root_owned_file(directory):
    path = os.path.join(directory, "owned-by-root")
    with open(path, "w"):
        pass
    os.chown(path, 0, 0)
    os.chmod(directory, 0o755)
    return path


def images(rec):
    """(exe, exe_used) of every process image in the recording."""
    return [(p["exe"], p["exe_used"]) for p in rec.processes]


def chrt_case():
    """chrt does its privileged work, then execs: CAP_SYS_NICE is chrt's, not true's and not
    caprec's child's before its exec."""
    chrt = os.path.realpath(tool_path("chrt"))
    directory = temp_dir()
    try:
        _, rec = record(["-v"], ["chrt", "-f", "10", "true"], directory)
        nice = rec.select(cap=CAP_SYS_NICE)
        check(nice, "no CAP_SYS_NICE check recorded:\n" + rec.describe())
        for event in nice:
            check(event["exe"] == chrt, "CAP_SYS_NICE filed under %s, expected %s"
                  % (event["exe"], chrt))
            check(event["ret"] == 0, "CAP_SYS_NICE denied to root: %d" % event["ret"])
            check(event["euid"] == 0, "CAP_SYS_NICE euid %s, expected 0" % event["euid"])
        check(any(exe == chrt and used and os.path.realpath(used) == chrt
                  for exe, used in images(rec)),
              "no image of chrt with its path used: %s" % images(rec))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def symlink_case():
    """/bin/chown (and a symlink of our own to it) is recorded as the file it resolves to,
    with the path used beside it."""
    real = os.path.realpath("/bin/chown")
    directory = temp_dir()
    try:
        target = root_owned_file(directory)
        link = os.path.join(directory, "my-chown")
        os.symlink("/bin/chown", link)
        runs = [("/bin/chown", "rec1.caprec"), (link, "rec2.caprec")]
        if os.path.exists("/usr/sbin/ip"):
            runs.append(("/usr/sbin/ip", "rec3.caprec"))
        for index, (used, name) in enumerate(runs):
            # A new owner each time: chown to the current owner checks nothing.
            argv = [used, "-V"] if used.endswith("/ip") else [used, str(index + 1), target]
            _, rec = record(["-v"], argv, directory, name=name)
            expected = os.path.realpath(used)
            check((expected, used) in images(rec), "%s: no image (exe=%s, used=%s) in %s"
                  % (used, expected, used, images(rec)))
            check(all(exe != used for exe, _ in images(rec)) or expected == used,
                  "%s recorded as an executable of its own: %s" % (used, images(rec)))
            if used != "/usr/sbin/ip":
                chowns = rec.select(cap=CAP_CHOWN)
                check(chowns and all(e["exe"] == expected for e in chowns),
                      "%s: CAP_CHOWN checks not under %s:\n%s" % (used, expected,
                                                                  rec.describe(chowns)))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def record_failing(options, command, directory, name="rec.caprec"):
    """Records a command that fails with EPERM: caprec exits with its status, 1."""
    path = os.path.join(directory, name)
    result = run_caprec(["-o", path] + options, command)
    check(result.returncode == 1, "caprec -- %s exited %d, expected chown's 1: %s"
          % (" ".join(command), result.returncode, result.stderr))
    rec = Recording(path)
    rec.require_readable()
    return rec


def setpriv_run(directory, target, name):
    setpriv = os.path.realpath(tool_path("setpriv"))
    chown = os.path.realpath("/bin/chown")
    command = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups",
               "--", "/bin/chown", "%d" % NOBODY, target]
    return setpriv, chown, record_failing(["-v"], command, directory, name)


def setpriv_case():
    """setpriv changes uid, then execs chown: 10 times, setpriv's checks are filed under
    setpriv (never chown), made at euid 0; chown's denied CAP_CHOWN at euid 65534, with the
    syscall's -EPERM and chown's exit status."""
    directory = temp_dir()
    try:
        target = root_owned_file(directory)
        for run in range(10):
            setpriv, chown, rec = setpriv_run(directory, target, "run%d.caprec" % run)
            by_setpriv = [e for e in rec.events if e["cap"] in (CAP_SETUID, CAP_SETGID)]
            check(by_setpriv, "run %d: no CAP_SETUID/CAP_SETGID check:\n%s"
                  % (run, rec.describe()))
            for event in by_setpriv:
                check(event["exe"] == setpriv, "run %d: setpriv's cap %d filed under %s"
                      % (run, event["cap"], event["exe"]))
            setuid = rec.select(cap=CAP_SETUID)
            check(setuid and setuid[0]["euid"] == 0,
                  "run %d: CAP_SETUID not made at euid 0: %s" % (run, setuid[:1]))
            denied = rec.select(cap=CAP_CHOWN)
            check(len(denied) >= 1, "run %d: chown's CAP_CHOWN not recorded:\n%s"
                  % (run, rec.describe()))
            for event in denied:
                check(event["exe"] == chown, "run %d: CAP_CHOWN under %s" % (run, event["exe"]))
                check(event["ret"] == -EPERM, "run %d: CAP_CHOWN granted to nobody" % run)
                check(event["euid"] == NOBODY and event["fsuid"] == NOBODY,
                      "run %d: CAP_CHOWN euid %s fsuid %s, expected %d"
                      % (run, event["euid"], event["fsuid"], NOBODY))
                check(event["capeff"] is not None and not event["capeff"] & (1 << CAP_CHOWN),
                      "run %d: CAP_CHOWN in the effective set of nobody: %s"
                      % (run, event["capeff"]))
                sysret = rec.syscall_return_of(event)
                check(sysret is not None, "run %d: no syscall return for the denied check"
                      % run)
                check(sysret["syscall"] == event["syscall"] == SYS_FCHOWNAT and
                      sysret["ret"] == -EPERM,
                      "run %d: syscall return %s for syscall %d, expected fchownat -EPERM"
                      % (run, sysret, event["syscall"]))
            uids = [c["euid"] for c in rec.creds]
            check(0 in uids and NOBODY in uids and uids.index(0) < uids.index(NOBODY),
                  "run %d: credentials do not show the drop 0 -> %d: %s"
                  % (run, NOBODY, rec.creds))
            chown_images = [p for p in rec.processes if p["exe"] == chown]
            exits = [x for x in rec.exits if x["status"] == 256]
            check(exits, "run %d: chown's exit status 1 (wait status 256) not recorded: %s"
                  % (run, rec.exits))
            check(rec.metadata.get("recorder.syscall_returns") == "yes",
                  "run %d: recorder.syscall_returns is %s" % (
                      run, rec.metadata.get("recorder.syscall_returns")))
            check(chown_images and chown_images[0]["exe_used"] == "/bin/chown",
                  "run %d: chown's image %s" % (run, chown_images))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def sysret_off_case():
    """--syscall-returns off: no syscall return records, and the metadata says so."""
    directory = temp_dir()
    try:
        target = root_owned_file(directory)
        rec = record_failing(["-v", "--syscall-returns", "off"],
                             ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
                              "--clear-groups", "--", "/bin/chown", "%d" % NOBODY, target],
                             directory)
        check(not rec.sysrets, "syscall returns recorded with --syscall-returns off")
        check(rec.metadata.get("recorder.syscall_returns") == "no",
              "recorder.syscall_returns is %s" % rec.metadata.get("recorder.syscall_returns"))
        check(rec.select(cap=CAP_CHOWN), "the check itself is still recorded")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


CASES = {"exec-chrt": chrt_case, "exec-symlink": symlink_case, "exec-setpriv": setpriv_case,
         "exec-sysret-off": sysret_off_case}

if __name__ == "__main__":
    main(CASES)
