# SPDX-License-Identifier: GPL-2.0-only
"""Shared helpers of the `real` suite: real Debian programs recorded as root,
then run in each deployment form with exactly the set the policy gives.

Each test is its own process and first moves into a network namespace of its
own (loopback only), so servers listen on 127.0.0.1 where nothing else can
reach them and nothing leaves the machine.
"""
import ctypes
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
CLONE_NEWNET = 0x40000000
CAPREC = os.environ.get("CAPREC", "")
CAPANALYZE = os.environ.get("CAPANALYZE", "")
NONROOT_USER = "nobody"


def log(msg):
    print(msg, flush=True)


def skip(reason):
    log("SKIP: " + reason)
    sys.exit(SKIP)


class CaseFailure(Exception):
    pass


def need_root_and_bpf():
    if os.geteuid() != 0:
        skip("needs root (records with BPF and changes users)")
    if not CAPREC or not os.access(CAPREC, os.X_OK):
        skip("caprec is not built (recorder disabled?): " + CAPREC)
    probe = subprocess.run([CAPREC, "--probe"], capture_output=True, text=True)
    if probe.returncode != 0:
        skip("this kernel offers caprec no way to trace cap_capable(): "
             + (probe.stdout + probe.stderr).strip().replace("\n", "; "))


def need_programs(paths):
    missing = [p for p in paths if not os.access(p, os.X_OK)]
    if missing:
        # The set-up installs them: a missing one is a broken set-up, not a skip.
        raise CaseFailure("missing %s: run scripts/install-deps.sh" % ", ".join(missing))


def enter_private_netns():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        raise CaseFailure("unshare(CLONE_NEWNET): " + os.strerror(ctypes.get_errno()))
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


def make_workdir(name):
    # Readable by the non-root user: it runs from here too.
    d = tempfile.mkdtemp(prefix="caprec-real-%s." % name)
    os.chmod(d, 0o755)
    return d


def remove_workdir(d):
    shutil.rmtree(d, ignore_errors=True)


def user_ids(name):
    pw = pwd.getpwnam(name)
    return pw.pw_uid, pw.pw_gid


# --- capability sets -------------------------------------------------------

def cap_key(name):
    return name.upper() if name.upper().startswith("CAP_") else "CAP_" + name.upper()


def fmt_set(caps):
    return ",".join(sorted(caps, key=cap_number)) if caps else "none"


_CAP_NUMBERS = {}


def cap_number(name):
    if not _CAP_NUMBERS:
        out = subprocess.run(["capsh", "--decode=0xffffffffff"], capture_output=True,
                             text=True).stdout
        # "0x...=cap_chown,cap_dac_override,..." in kernel order
        for i, n in enumerate(out.strip().split("=", 1)[1].split(",")):
            _CAP_NUMBERS[n.upper()] = i
    return _CAP_NUMBERS.get(name.upper(), 99)


def bounding_set():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapBnd:"):
                mask = int(line.split()[1], 16)
    return {n for n, i in _all_caps().items() if mask >> i & 1}


def _all_caps():
    cap_number("CAP_CHOWN")
    return _CAP_NUMBERS


# --- running a command in a form ------------------------------------------

def setpriv_prefix(form, caps):
    """setpriv arguments that start a command in a form with exactly caps."""
    names = ",".join("+" + c[4:].lower() for c in sorted(caps, key=cap_number))
    bound = "-all" + ("," + names if names else "")
    if form == "root":
        # docker --cap-drop=ALL --cap-add: uid 0, the bounding set is the set.
        return ["setpriv", "--bounding-set=" + bound, "--inh-caps=-all", "--"]
    uid, gid = user_ids(NONROOT_USER)
    args = ["setpriv", "--reuid=%d" % uid, "--regid=%d" % gid, "--clear-groups",
            "--bounding-set=" + bound]
    if caps:
        args += ["--inh-caps=-all," + names, "--ambient-caps=-all," + names]
    return args + ["--"]


def _children(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            kids.append(int(entry))
    return kids


class Outcome:
    def __init__(self, exit_code, works, detail):
        # Killed by signal N: 128 + N, as a shell (and caprec -- CMD) reports it.
        self.exit_code = 128 - exit_code if exit_code < 0 else exit_code
        self.works = works
        self.detail = detail

    def same_as(self, other):
        return self.exit_code == other.exit_code and self.works == other.works

    def __str__(self):
        return "exit %s, %s%s" % (self.exit_code, "works" if self.works else "does not work",
                                  ": " + self.detail if self.detail else "")


def run_case(case, wd, prefix, recorded):
    """Runs the case's command behind prefix; returns an Outcome."""
    case.reset(wd)
    argv = prefix + case.argv(wd)
    if case.server is None:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=case.timeout)
        ok, detail = case.verify(wd, p)
        return Outcome(p.returncode, ok, "" if ok else detail or p.stderr.strip()[-300:])
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    target = p.pid
    if recorded:
        # caprec's child is the command; signal it, never the recorder.
        deadline = time.time() + 10
        while time.time() < deadline and p.poll() is None:
            kids = _children(p.pid)
            if kids:
                target = kids[0]
                break
            time.sleep(0.02)
    ok, detail = case.server(wd, p)
    if p.poll() is None:
        try:
            os.kill(target, signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        out, err = p.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        for pid in (target, p.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        out, err = p.communicate()
    return Outcome(p.returncode, ok, "" if ok else detail or err.strip()[-300:])


def record(case, wd, path):
    return run_case(case, wd, [CAPREC, "-K", "-U", "-o", path, "--"], recorded=True)


# --- the policy ---------------------------------------------------------------

def policy(recording, form, fmt="csv"):
    """capanalyze policy REC --form FORM: (returncode, stdout, stderr)."""
    p = subprocess.run([CAPANALYZE, "policy", recording, "--form", form, "--format", fmt],
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def policy_rows(csv_text):
    import csv
    import io
    return list(csv.DictReader(io.StringIO(csv_text)))


def policy_set(rows, form=None):
    """The set: the in_set column, or with deployment forms the form's in_FORM."""
    column = "in_set" if not rows or "in_set" in rows[0] or not form else "in_" + form
    return {r["capability"] for r in rows if r.get(column) in ("1", "true")}


def formless_set(recording):
    p = subprocess.run([CAPANALYZE, "policy", recording, "--format", "csv"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise CaseFailure("capanalyze policy %s: %s" % (recording, p.stderr.strip()))
    return policy_set(policy_rows(p.stdout))
