#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Live tests of caprec as a root program others can try to steer: the -o file (never through a
link planted by another user, never two recorders on one file) and the audit flag when the
kernel hides its symbol addresses.

Usage: live_hardening.py CASE (meson runs one test per case; see meson.build)."""

import os
import re
import shutil
import subprocess
import time

from live_common import (Recording, check, main, record, run_caprec, sample, skip, temp_dir,
                         tool)

KPTR_RESTRICT = "/proc/sys/kernel/kptr_restrict"


def test_hidden_kallsyms():
    """kernel.kptr_restrict=2: the tracepoint mode cannot infer the audit flag; the recording
    says "unknown", not "inferred"."""
    with open(KPTR_RESTRICT) as f:
        saved = f.read().strip()
    directory = temp_dir()
    try:
        try:
            with open(KPTR_RESTRICT, "w") as f:
                f.write("2\n")
        except OSError as error:
            skip("cannot set kernel.kptr_restrict: %s" % error)
        result, rec = record(["--attach", "tracepoint", "-v"], ["true"], directory)
    finally:
        with open(KPTR_RESTRICT, "w") as f:
            f.write(saved + "\n")
    try:
        # The policy says its audit classes are unknown, in its output, not only on stderr.
        policy = subprocess.run([tool("CAPANALYZE"), "policy", rec.path], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, timeout=120,
                                env=dict(os.environ, XDG_CACHE_HOME=directory))
    finally:
        shutil.rmtree(directory)
    check("addresses hidden" in result.stderr, "no warning about hidden kallsyms: %s"
          % result.stderr)
    source = rec.metadata.get("recorder.audit_source")
    check(source == "unknown", "recorder.audit_source is %r with kallsyms hidden" % source)
    check(policy.returncode == 0, "capanalyze policy failed: %s" % policy.stderr)
    check("audit source unknown" in policy.stdout, "the policy does not say the audit flags "
          "are unknown:\n%s" % policy.stdout)

    # And with the addresses visible again, the same recording infers it.
    directory = temp_dir()
    try:
        _, rec = record(["--attach", "tracepoint", "-v"], ["true"], directory)
    finally:
        shutil.rmtree(directory)
    source = rec.metadata.get("recorder.audit_source")
    check(source == "inferred", "recorder.audit_source is %r with kallsyms visible" % source)


def test_comm_escaped():
    """A process that names itself with terminal controls (prctl PR_SET_NAME) cannot drive the
    terminal of whoever reads caprec's live output: ESC and newline show as escapes."""
    directory = temp_dir()
    try:
        target = os.path.join(directory, "owned")
        open(target, "w").close()
        script = ("import ctypes, os, sys\n"
                  "ctypes.CDLL(None).prctl(15, b'\\x1b[2J\\nforged', 0, 0, 0)\n"
                  "os.chown(sys.argv[1], 65534, -1)\n")
        result = run_caprec(["-K"], ["python3", "-c", script, target])
        check(result.returncode == 0, "caprec -- python3 failed: %s" % result.stderr)
        out = result.stdout
        check("\x1b" not in out, "a raw ESC reached caprec's output: %r" % out)
        lines = [l for l in out.splitlines() if "CAP_CHOWN" in l]
        check(lines, "no CAP_CHOWN line: %r" % out)
        check(any("\\x1b[2J\\nforged" in l for l in lines),
              "the comm is not shown escaped: %r" % lines)
        check(not any(l.startswith("forged") for l in out.splitlines()),
              "a newline in comm forged a line: %r" % out)
    finally:
        shutil.rmtree(directory)


def test_output_symlink():
    """A link planted at the -o path (as another user would in /tmp) is not followed."""
    directory = temp_dir()
    try:
        victim = os.path.join(directory, "victim")
        with open(victim, "w") as f:
            f.write("root:x:0:0\n")
        os.chmod(victim, 0o644)
        link = os.path.join(directory, "rec.caprec")
        os.symlink(victim, link)
        for extra in ([], ["--force"]):
            result = run_caprec(["-o", link] + extra, ["true"])
            check(result.returncode != 0, "caprec %s wrote through a symbolic link" % extra)
            check("symbolic link" in result.stderr, "unclear refusal: %s" % result.stderr)
        with open(victim) as f:
            check(f.read() == "root:x:0:0\n", "the link's target was written")
        check(os.stat(victim).st_mode & 0o777 == 0o644, "the link's target was chmodded")
    finally:
        shutil.rmtree(directory)


def test_second_recorder():
    """Two recorders on one -o path: the second is refused with a clear message; the first's
    recording stays whole."""
    directory = temp_dir()
    try:
        path = os.path.join(directory, "rec.caprec")
        first = subprocess.Popen([tool("CAPREC"), "-o", path, "--", "sleep", "3"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 20
        while not os.path.exists(path) and time.time() < deadline:
            time.sleep(0.05)
        check(os.path.exists(path), "the first recorder did not create its file")
        for extra in ([], ["--force"]):
            second = run_caprec(["-o", path] + extra, ["true"])
            check(second.returncode != 0, "a second recorder %s on the same file exited 0"
                  % extra)
            check("another caprec is recording into this file" in second.stderr,
                  "unclear refusal: %s" % second.stderr)
        _, err = first.communicate(timeout=60)
        check(first.returncode == 0, "the first recorder failed: %s" % err)
        rec = Recording(path)
        rec.require_readable()
        check(rec.end["clean_end"] == 1 and rec.end["blocks_skipped"] == 0,
              "the first recording is damaged: %s" % rec.end)
    finally:
        shutil.rmtree(directory)


PROCESS_LOST = re.compile(r"caprec: (\d+) process records lost")


def test_process_losses():
    """Process records lost in a full ring buffer are in the file, in LOSS blocks, as many as
    caprec counted: a storm fills a one-page buffer while a shell forks and execs."""
    directory = temp_dir()
    try:
        script = ("%s 200000 >/dev/null & for i in $(seq 300); do /bin/true; done; wait"
                  % sample("sample_storm"))
        for attempt in range(5):
            result, rec = record(["--buffer-size", "4096"], ["/bin/sh", "-c", script],
                                 directory, name="proc-%d.caprec" % attempt)
            match = PROCESS_LOST.search(result.stderr)
            if match:
                break
        if not match:
            skip("no process record was lost in 5 tries: nothing to check")
        said = int(match.group(1))
        in_file = sum(loss["process_records"] for loss in rec.losses)
        check(in_file == said, "caprec said %d process records lost, the file holds %d"
              % (said, in_file))
        check(rec.end["clean_end"] == 1, "no clean end")
    finally:
        shutil.rmtree(directory)


if __name__ == "__main__":
    main({"hidden-kallsyms": test_hidden_kallsyms, "comm-escaped": test_comm_escaped,
          "output-symlink": test_output_symlink,
          "second-recorder": test_second_recorder, "process-losses": test_process_losses})
