#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Live tests of caprec's counts and robustness: a storm counted exactly, losses counted
exactly under a tiny ring buffer, a recorder killed with SIGKILL, a full file system and a
recording reader that goes away under `-- CMD`, a command line too long for the metadata, a
live output whose reader goes away.

Usage: live_robust.py CASE (meson runs one test per case; see meson.build)."""

import os
import re
import shutil
import signal
import subprocess
import threading
import time

from live_common import (CAP_SYS_RESOURCE, Failure, Recording, check, main, one_report, record,
                         run_caprec, sample, sample_reports, temp_dir, tool)

STORM = 20000


def storm_events(rec, report):
    return rec.select(pid=report["pid"], cap=CAP_SYS_RESOURCE, syscall=report["syscall"])


def baseline_checks(directory):
    """Audited checks the storm's process makes besides the storm itself (capset's
    CAP_SETPCAP check, exec): what `sample_storm 0` records."""
    result, rec = record([], [sample("sample_storm"), "0"], directory, "baseline.caprec")
    check(rec.lost() == 0, "losses while recording sample_storm 0")
    return len(rec.events)


def assert_end_totals(rec):
    if rec.end["clean_end"]:
        check(rec.end["end_events"] == rec.end["events"] and
              rec.end["end_lost"] == rec.end["lost"],
              "END block totals (events %d, lost %d) differ from what was read (%d, %d)"
              % (rec.end["end_events"], rec.end["end_lost"], rec.end["events"],
                 rec.end["lost"]))


def storm_count_case():
    """sample_storm 20000 under caprec: 20000 recorded checks (recorded + lost if any loss)."""
    directory = temp_dir()
    try:
        others = baseline_checks(directory)
        result, rec = record([], [sample("sample_storm"), str(STORM)], directory)
        report = one_report(result.stdout, "sample_storm_raise_rlimit")
        check(report["checks"] == STORM and report["denied"] == STORM,
              "the storm itself did not make %d denied calls: %s" % (STORM, report))
        storm = storm_events(rec, report)
        check(all(e["ret"] == -1 and e["audit"] == 1 for e in storm),
              "storm checks that are not audited denials")
        lost = rec.lost()
        check(rec.end["clean_end"] == 1, "no clean end")
        assert_end_totals(rec)
        if lost == 0:
            check(len(storm) == STORM, "recorded %d storm checks of %d, no loss reported"
                  % (len(storm), STORM))
            check(len(rec.events) == STORM + others, "recorded %d checks in all, expected %d"
                  % (len(rec.events), STORM + others))
        else:
            check(len(rec.events) + lost == STORM + others, "recorded %d + lost %d != %d"
                  % (len(rec.events), lost, STORM + others))
            print("note: %d events lost with the default buffer" % lost)
        with_stacks_result, with_stacks = record(["-K", "-U"], [sample("sample_storm"),
                                                                str(STORM)], directory, "ku.caprec")
        report = one_report(with_stacks_result.stdout, "sample_storm_raise_rlimit")
        storm = storm_events(with_stacks, report)
        check(len(with_stacks.events) + with_stacks.lost() == STORM + others,
              "with -K -U: recorded %d + lost %d != %d" % (len(with_stacks.events),
                                                          with_stacks.lost(), STORM + others))
        check(all("sample_storm_raise_rlimit" in e["ustack"] for e in storm),
              "a storm check whose user stack does not name sample_storm_raise_rlimit")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def tiny_buffer_case():
    """--buffer-size 4096 under a storm: events are lost, and recorded + lost == generated."""
    directory = temp_dir()
    try:
        others = baseline_checks(directory)
        result, rec = record(["--buffer-size", "4096", "-K", "-U"],
                             [sample("sample_storm"), str(STORM)], directory)
        one_report(result.stdout, "sample_storm_raise_rlimit")
        lost = rec.lost()
        check(lost > 0, "a 4 KiB ring buffer lost nothing under a %d-check storm" % STORM)
        check(len(rec.events) + lost == STORM + others,
              "recorded %d + lost %d = %d, generated %d" % (len(rec.events), lost,
                                                           len(rec.events) + lost,
                                                           STORM + others))
        assert_end_totals(rec)
        check(rec.end["clean_end"] == 1, "no clean end")
        # Each LOSS item says where it happened: positions never decrease.
        positions = [loss["events_before"] for loss in rec.losses]
        check(positions == sorted(positions), "loss positions out of order: %s" % positions)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def wait_for_file(path, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return
        if process.poll() is not None:
            check(False, "caprec exited early: %s" % process.stderr.read())
        time.sleep(0.05)
    check(False, "timed out waiting for " + path)


def kill9_case():
    """SIGKILL mid-run: the file is readable, has no clean end, and everything recorded more
    than a chunk age (1 s) before the kill is there: at most the open chunk is lost."""
    directory = temp_dir()
    output = os.path.join(directory, "killed.caprec")
    first, second, shell_pid = (os.path.join(directory, n) for n in ("first", "second", "pid"))
    script = 'echo $$ > "$2"; "$1" 3000 > "$3"; sleep 3; "$1" 1000 > "$4"; exec sleep 60'
    recorder = subprocess.Popen([tool("CAPREC"), "-o", output, "-U", "--", "/bin/sh", "-c",
                                 script, "storms", sample("sample_storm"), shell_pid, first,
                                 second, ], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
    try:
        wait_for_file(second, recorder)
        time.sleep(0.05)
        recorder.kill()
        # The shell (now sleep) holds caprec's stderr open: end it before reading that.
        with open(shell_pid) as f:
            os.kill(int(f.read()), signal.SIGKILL)
        recorder.communicate()
        check(recorder.returncode == -signal.SIGKILL, "caprec exit %d" % recorder.returncode)
        with open(first) as f:
            report_first = one_report(f.read(), "sample_storm_raise_rlimit")
        with open(second) as f:
            report_second = one_report(f.read(), "sample_storm_raise_rlimit")
        rec = Recording(output)
        rec.require_readable()
        check(rec.end["clean_end"] == 0, "a killed recorder left a clean END block")
        check(rec.end["blocks_skipped"] <= 1, "%d damaged regions after SIGKILL (at most the torn"
              " last block expected): %s" % (rec.end["blocks_skipped"], rec.end["damage"]))
        check(len(storm_events(rec, report_first)) == 3000,
              "first storm (3 s before the kill): %d of 3000 checks recorded"
              % len(storm_events(rec, report_first)))
        check(len(storm_events(rec, report_second)) <= 1000, "more second-storm checks than made")
        print("kill -9: first storm 3000/3000, second storm %d/1000, truncated=%d"
              % (len(storm_events(rec, report_second)), rec.end["truncated"]))
    finally:
        if recorder.poll() is None:
            recorder.kill()
            recorder.communicate()
        shutil.rmtree(directory, ignore_errors=True)


def full_fs_case():
    """A 1 MiB tmpfs that fills up under `-- CMD`: caprec says so once, with the byte offset
    where writing stopped, still waits for the command and exits with its status; the file
    keeps its valid prefix."""
    directory = temp_dir()
    mount_point = os.path.join(directory, "small")
    os.mkdir(mount_point)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "caprec-full", mount_point],
                   check=True)
    try:
        stat = os.statvfs(mount_point)
        free = stat.f_bavail * stat.f_frsize
        with open(os.path.join(mount_point, "filler"), "wb") as filler:
            # Room for a few chunks (the first must fit), far less than the storm needs.
            filler.write(b"\0" * max(0, free - 128 * 1024))
        output = os.path.join(mount_point, "full.caprec")
        script = '"$1" 300000; "$1" 1000; exit 7'
        result = run_caprec(["-o", output, "-K", "-U"],
                            ["/bin/sh", "-c", script, "storms", sample("sample_storm")],
                            timeout=300)
        check(result.returncode == 7, "caprec exited %d, not the command's 7; stderr: %s"
              % (result.returncode, result.stderr))
        reports = [r for r in sample_reports(result.stdout)
                   if r["function"] == "sample_storm_raise_rlimit"]
        check([r["checks"] for r in reports] == [300000, 1000],
              "the command did not run to its end after the disk filled up: %s"
              % result.stdout)
        message = result.stderr.lower()
        check("no space left" in message, "caprec's error does not say the disk is full: %r"
              % result.stderr)
        check("full.caprec" in result.stderr, "caprec's error does not name the file: %r"
              % result.stderr)
        offset = re.search(r"stopped at byte (\d+)", result.stderr)
        check(offset is not None, "caprec's error gives no byte offset: %r" % result.stderr)
        check(len([line for line in result.stderr.splitlines() if "space" in line.lower()]) == 1,
              "the error is not said exactly once:\n" + result.stderr)
        check(int(offset.group(1)) <= os.path.getsize(output),
              "offset %s past the end of the file (%d bytes)" % (offset.group(1),
                                                             os.path.getsize(output)))
        rec = Recording(output)
        rec.require_readable()
        check(rec.end["blocks_skipped"] <= 1, "damage inside the file: %s" % rec.end["damage"])
        check(rec.end["events"] > 0, "nothing was recorded before the disk filled up")
        print("full disk: %d events readable, truncated=%d, caprec said: %s"
              % (rec.end["events"], rec.end["truncated"], result.stderr.strip().splitlines()[0]))
    finally:
        subprocess.run(["umount", mount_point], check=False)
        shutil.rmtree(directory, ignore_errors=True)


def pipe_closed_case():
    """`caprec -o - -- CMD | head -c 100`: the reader goes away, caprec stops recording, says
    so once, and still waits for the command (which runs to its end) and exits with its
    status."""
    script = '"$1" 2000; sleep 2; "$1" 1000; exit 5'
    caprec = subprocess.Popen([tool("CAPREC"), "-o", "-", "-K", "--", "/bin/sh", "-c", script,
                               "storms", sample("sample_storm")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    head = subprocess.Popen(["head", "-c", "100"], stdin=caprec.stdout,
                            stdout=subprocess.DEVNULL)
    caprec.stdout.close()  # head is now the only reader
    try:
        _, stderr = caprec.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        caprec.kill()
        caprec.communicate()
        raise Failure("caprec still runs 120 s after its reader went away")
    finally:
        head.wait(timeout=30)
    check(caprec.returncode == 5, "caprec exited %d, not the command's 5; stderr: %s"
          % (caprec.returncode, stderr))
    # With -o -, the command's standard output goes to standard error.
    reports = [r for r in sample_reports(stderr) if r["function"] == "sample_storm_raise_rlimit"]
    check([r["checks"] for r in reports] == [2000, 1000],
          "the command did not run to its end: %s" % stderr)
    failures = [line for line in stderr.splitlines() if "broken pipe" in line.lower()]
    check(len(failures) == 1, "the write failure is not said exactly once:\n" + stderr)
    check("stopped at byte" in failures[0] or "nothing recorded" in failures[0],
          "the message does not say where the recording stopped: %r" % failures[0])
    print("closed pipe: " + failures[0])


def long_argv_case():
    """`-- CMD` with 70 KB of arguments (more than a metadata value may hold): the command
    runs and its status comes back; the recording stores the command line cut, with a
    marker giving its full length."""
    directory = temp_dir()
    try:
        argument = "x" * 70000
        path = os.path.join(directory, "long.caprec")
        result = run_caprec(["-o", path], ["/bin/sh", "-c", 'exit 4', "long", argument])
        check(result.returncode == 4, "caprec exited %d, not the command's 4; stderr: %s"
              % (result.returncode, result.stderr))
        rec = Recording(path)
        rec.require_readable()
        check(rec.end["clean_end"] == 1, "no clean end")
        full = len(" ".join(["/bin/sh", "-c", "exit 4", "long", argument]))
        for key in ("recorder.target_command", "recorder.command_line"):
            value = rec.metadata.get(key, "")
            check(len(value.encode()) <= 65535, "%s is %d bytes" % (key, len(value.encode())))
            check(re.search(r"cut, bytes in all: \d+\]$", value) is not None,
                  "%s does not end with the cut marker: ...%r" % (key, value[-80:]))
        check(rec.metadata["recorder.target_command"].endswith("bytes in all: %d]" % full),
              "the marker does not give the full length %d: ...%r"
              % (full, rec.metadata["recorder.target_command"][-60:]))
        check(rec.metadata["recorder.target_command"].startswith("/bin/sh -c exit 4 long xxx"),
              "the command line does not keep its start")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


class ChecksInBackground:
    """Makes a capability check every 0.1 s until stopped. System-wide `caprec -v` prints only
    what the host does; a quiet host (a CI machine) may make no check for minutes, so the
    lines these cases read must not depend on the host's own activity."""

    def __init__(self):
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stopping.is_set():
            subprocess.run([sample("sample_chown")], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            self.stopping.wait(0.1)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exception):
        self.stopping.set()
        self.thread.join()


def read_lines_then_close(process, count, timeout=60):
    """Reads count lines (checks are made meanwhile), then closes the pipe as head does."""
    lines = []
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        with ChecksInBackground():
            lines = [process.stdout.readline() for _ in range(count)]
    finally:
        timer.cancel()
    check(all(lines), "caprec printed %d of %d lines in %d s (killed): %r"
          % (len([line for line in lines if line]), count, timeout, lines))
    process.stdout.close()
    return lines


def wait_exit_while_checking(process, timeout=30):
    """Makes capability checks (so caprec has lines to write) until process exits."""
    deadline = time.monotonic() + timeout
    with ChecksInBackground():
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
    if process.poll() is None:
        process.kill()
        process.communicate()
        raise Failure("caprec still runs %d s after its standard output was closed" % timeout)
    return process.communicate()


def live_head_case():
    """`caprec -v | head -2` ends: a closed standard output ends the live output and caprec,
    quietly and with status 0; with -o FILE --print the recording is closed properly."""
    caprec = subprocess.Popen([tool("CAPREC"), "-v"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    lines = read_lines_then_close(caprec, 2)
    check(lines[0].startswith("TIME"), "no header line: %r" % lines)
    _, stderr = wait_exit_while_checking(caprec)
    check(caprec.returncode == 0, "caprec -v | head -2 exited %d: %s"
          % (caprec.returncode, stderr))
    check("broken pipe" not in stderr.lower(), "a closed pipe reported as an error: " + stderr)
    directory = temp_dir()
    try:
        path = os.path.join(directory, "printed.caprec")
        caprec = subprocess.Popen([tool("CAPREC"), "-v", "-o", path, "--print"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        read_lines_then_close(caprec, 2)
        _, stderr = wait_exit_while_checking(caprec)
        check(caprec.returncode == 0, "caprec -o FILE --print | head -2 exited %d: %s"
              % (caprec.returncode, stderr))
        rec = Recording(path)
        rec.require_readable()
        check(rec.end["clean_end"] == 1, "the recording was not closed properly")
        check(len(rec.events) > 0, "nothing recorded")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


CASES = {"storm-count": storm_count_case, "tiny-buffer": tiny_buffer_case,
         "kill9": kill9_case, "full-fs": full_fs_case, "pipe-closed": pipe_closed_case,
         "long-argv": long_argv_case, "live-head": live_head_case}

if __name__ == "__main__":
    main(CASES)
