# SPDX-License-Identifier: GPL-2.0-only
"""Helpers of the live tests: environment checks, running caprec and the samples, and
reading recordings exactly through crf_dump (one line per item, see crf_dump.c)."""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77

CAP_CHOWN = 0
CAP_SETGID = 6
CAP_NET_BIND_SERVICE = 10
CAP_SYS_ADMIN = 21
CAP_SYS_RESOURCE = 24
CAP_PERFMON = 38
CAP_BPF = 39
EPERM = 1


class Failure(Exception):
    """An assertion of a live test failed."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def skip(reason):
    print("SKIP: " + reason)
    sys.exit(SKIP)


def tool(name):
    """Path of a built program, handed in by meson through the environment."""
    path = os.environ.get(name)
    if not path:
        raise Failure("environment variable %s is not set (run through meson test)" % name)
    return path


def effective_caps():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("CapEff:"):
                return int(line.split()[1], 16)
    return 0


def require_bpf_environment():
    """Skip (exit 77) with the reason when this machine cannot run caprec at all."""
    if os.geteuid() != 0:
        skip("live tests need root (euid is %d)" % os.geteuid())
    caps = effective_caps()
    for cap, name in ((CAP_BPF, "CAP_BPF"), (CAP_PERFMON, "CAP_PERFMON")):
        if not caps & (1 << cap):
            skip("live tests need %s in the effective set" % name)
    if not os.path.exists("/sys/kernel/btf/vmlinux"):
        skip("the kernel has no BTF (/sys/kernel/btf/vmlinux)")
    if not os.access(tool("CAPREC"), os.X_OK):
        skip("caprec is not built: " + tool("CAPREC"))


def expected_ret(cap, uid=0, dropped=()):
    """What cap_capable() returns for a check of cap by us (uid 0) or by another uid."""
    if uid != 0 or cap in dropped or not effective_caps() & (1 << cap):
        return -EPERM
    return 0


def sample(name):
    return os.path.join(tool("SAMPLES_DIR"), name)


def temp_dir():
    return tempfile.mkdtemp(prefix="caprec-live.")


# ---- sample output -------------------------------------------------------------------------

REPORT = re.compile(r"^(?P<function>\w+): pid=(?P<pid>\d+) tid=(?P<tid>\d+) uid=(?P<uid>\d+)"
                    r" cap=\w+\((?P<cap>\d+)\) syscall=\w+\((?P<syscall>\d+)\)"
                    r"(?: result=(?P<result>-?\d+))?(?: checks=(?P<checks>\d+)"
                    r" denied=(?P<denied>\d+))?$")


def sample_reports(text):
    """The report lines a sample printed, as dicts of ints (plus 'function')."""
    reports = []
    for line in text.splitlines():
        match = REPORT.match(line.strip())
        if match:
            report = {k: (int(v) if v is not None and k != "function" else v)
                      for k, v in match.groupdict().items()}
            reports.append(report)
    return reports


def one_report(text, function):
    found = [r for r in sample_reports(text) if r["function"] == function]
    check(len(found) == 1, "expected one report of %s in the sample output, got %d:\n%s"
          % (function, len(found), text))
    return found[0]


# ---- recordings ----------------------------------------------------------------------------

def _unescape(value):
    return re.sub(r"%([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), value)


class Recording:
    """A recording read back through crf_dump."""

    def __init__(self, path):
        self.path = path
        result = subprocess.run([tool("CRF_DUMP"), path], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, timeout=120)
        self.dump_status = result.returncode
        self.dump_error = result.stderr.strip()
        self.events, self.processes, self.losses, self.metadata = [], [], [], {}
        self.creds, self.sysrets, self.exits = [], [], []
        self.end = None
        for line in result.stdout.splitlines():
            kind, _, rest = line.partition(" ")
            fields = {}
            for item in rest.split(" "):
                key, _, value = item.partition("=")
                fields[key] = value
            if kind == "event":
                for key in ("index", "time", "pid", "tid", "uid", "cap", "audit",
                            "audit_inferred", "insetid", "insetid_known", "ret", "final_known",
                            "final_ret", "syscall", "cgroup", "userns"):
                    fields[key] = int(fields[key])
                for key in ("kstack", "ustack"):
                    fields[key] = [] if fields[key] == "-" else fields[key].split(",")
                for key in ("name", "comm", "exe"):
                    fields[key] = None if fields[key] == "-" else _unescape(fields[key])
                for key in ("euid", "fsuid", "capeff"):
                    fields[key] = None if fields[key] == "-" else int(fields[key], 0)
                self.events.append(fields)
            elif kind == "process":
                fields["pid"] = int(fields["pid"])
                fields["ppid"] = int(fields["ppid"])
                for key in ("exe", "exe_used", "cmdline", "comm"):
                    fields[key] = None if fields[key] == "-" else _unescape(fields[key])
                self.processes.append(fields)
            elif kind == "exit":
                self.exits.append({k: int(v) for k, v in fields.items()})
            elif kind in ("creds", "sysret"):
                (self.creds if kind == "creds" else self.sysrets).append(
                    {k: int(v, 0) for k, v in fields.items()})
            elif kind == "loss":
                self.losses.append({k: int(v) for k, v in fields.items()})
            elif kind == "metadata":
                self.metadata[_unescape(fields["key"])] = _unescape(fields["value"])
            elif kind == "end":
                self.end = {k: (v if k == "damage" else int(v)) for k, v in fields.items()}

    def require_readable(self):
        check(self.dump_status == 0 and self.end is not None,
              "recording %s is not readable: %s" % (self.path, self.dump_error))

    def lost(self):
        return sum(loss["lost"] for loss in self.losses)

    def syscall_return_of(self, event):
        """The SYSCALL_RETURN record covering an event, or None."""
        for sysret in self.sysrets:
            if sysret["tid"] == event["tid"] and sysret["first"] <= event["index"] <= sysret["last"]:
                return sysret
        return None

    def select(self, **conditions):
        return [e for e in self.events if all(e[k] == v for k, v in conditions.items())]

    def describe(self, events=None, limit=20):
        events = self.events if events is None else events
        lines = ["  pid=%(pid)d tid=%(tid)d cap=%(cap)d audit=%(audit)d ret=%(ret)d "
                 "syscall=%(syscall)d comm=%(comm)s" % e + " ustack=" + ",".join(e["ustack"][:4])
                 for e in events[:limit]]
        return "\n".join(lines) + ("\n  ..." if len(events) > limit else "")


# ---- running caprec ------------------------------------------------------------------------

def run_caprec(options, command, timeout=120, env=None):
    """caprec OPTIONS -- COMMAND; returns the CompletedProcess (text stdout/stderr)."""
    argv = [tool("CAPREC")] + options + (["--"] + command if command else [])
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=timeout, env=env)


def record(options, command, directory, name="rec.caprec", timeout=120):
    """Records COMMAND with caprec -o; checks caprec succeeded; returns (result, Recording)."""
    path = os.path.join(directory, name)
    result = run_caprec(["-o", path] + options, command, timeout=timeout)
    check(result.returncode == 0, "caprec %s -- %s exited %d\nstderr: %s"
          % (" ".join(options), " ".join(command), result.returncode, result.stderr))
    rec = Recording(path)
    rec.require_readable()
    return result, rec


class Background:
    """caprec running in the background until stop() (SIGINT) or kill()."""

    def __init__(self, options, output=None, stdout=subprocess.PIPE):
        argv = [tool("CAPREC")] + (["-o", output] if output else []) + options
        self.output = output
        self.process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, text=True)

    def wait_ready(self, timeout=15.0):
        """Waits until caprec has attached: the recording has bytes (or the live header line
        was printed), plus a margin for the attach that follows."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failure("caprec exited early (%s): %s" % (self.process.returncode,
                                                                self.process.stderr.read()))
            if self.output and os.path.exists(self.output) and os.path.getsize(self.output) > 0:
                break
            if not self.output:
                break
            time.sleep(0.05)
        time.sleep(1.0)

    def stop(self, timeout=30):
        self.process.send_signal(signal.SIGINT)
        try:
            stdout, stderr = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            raise Failure("caprec did not exit within %d s of SIGINT" % timeout)
        return self.process.returncode, stdout, stderr

    def kill(self):
        self.process.kill()
        return self.process.communicate()


class Gated:
    """A shell that waits on its stdin, then execs COMMAND in the same pid: the pid is known
    before the command runs (for -p and --cgroup)."""

    def __init__(self, command):
        script = 'read line; exec "$@"'
        self.process = subprocess.Popen(["/bin/sh", "-c", script, "gated"] + command,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        self.pid = self.process.pid

    def release(self, timeout=60):
        stdout, stderr = self.process.communicate("go\n", timeout=timeout)
        check(self.process.returncode == 0, "%d exited %d: %s"
              % (self.pid, self.process.returncode, stderr))
        return stdout


class Waiting:
    """A sample started with --wait: it has exec'd and set up, and makes its privileged call
    only on release(). It stands for a process that was running before caprec started."""

    def __init__(self, command):
        self.process = subprocess.Popen(command[:1] + ["--wait"] + command[1:],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        check(line == "sample: waiting pid=%d" % self.process.pid,
              "unexpected first line from %s: %r" % (command[0], line))
        self.pid = self.process.pid

    def release(self, timeout=60):
        stdout, stderr = self.process.communicate("go\n", timeout=timeout)
        check(self.process.returncode == 0, "%d exited %d: %s"
              % (self.pid, self.process.returncode, stderr))
        return stdout


def main(cases):
    """Runs the case named by argv[1]; exit 0 pass, 1 fail, 77 skip."""
    if len(sys.argv) != 2 or sys.argv[1] not in cases:
        print("usage: %s CASE\ncases: %s" % (sys.argv[0], " ".join(sorted(cases))))
        sys.exit(2)
    try:
        require_bpf_environment()
        cases[sys.argv[1]]()
    except Failure as failure:
        print("FAIL: %s" % failure)
        sys.exit(1)
    print("PASS")
    sys.exit(0)
