#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""caprec prove's own behaviour (suite `real`): usage errors, a set that is
not enough (exit 1, with the denial and its call path), --compare-output,
--timeout, --max-runs, a capability outside the bounding set, a missing
capanalyze, and --from. Needs root and BPF (else exit 77).

usage: real_prove_cli.py CASE
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import real_common as rc

PING_ARGS = ["-c1", "-W2", "127.0.0.1"]


def prove(args, env=None, timeout=120):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([rc.CAPREC, "prove"] + args, capture_output=True, text=True,
                       timeout=timeout, env=e)
    rc.log("$ caprec prove %s\nexit %d\n%s%s" % (" ".join(args), p.returncode, p.stdout,
                                                 p.stderr))
    return p


def expect(cond, msg):
    if not cond:
        raise rc.CaseFailure(msg)


def ping_copy(wd):
    shutil.copy("/usr/bin/ping", wd + "/ping")
    os.chmod(wd + "/ping", 0o755)
    return wd + "/ping"


def case_usage(wd):
    for args, words in ((["--", "true"], "needs --user"),
                        (["--user", "nobody", "--caps", "net_rawx", "--", "true"],
                         "unknown capability 'net_rawx'"),
                        (["--user", "nobody", "--caps", "chown", "--from", "x", "--", "true"],
                         "use one"),
                        (["--form", "sideways", "--", "true"], "expected root or nonroot"),
                        (["--user", "nobody", "--max-runs", "1", "--", "true"], "2..1000"),
                        (["--user", "nobody", "--caps", "chown"], "no command"),
                        (["--user", "no-such-user-here", "--caps", "chown", "--", "true"],
                         "no such user")):
        p = prove(args)
        expect(p.returncode == 2, "%s: exit %d, expected 2" % (args, p.returncode))
        expect(words in p.stderr, "%s: no '%s' in: %s" % (args, words, p.stderr))


def case_differs(wd):
    ping = ping_copy(wd)
    p = prove(["--user", "nobody", "--caps", "none", "--", ping] + PING_ARGS)
    expect(p.returncode == 1, "ping without CAP_NET_RAW: exit %d, expected 1" % p.returncode)
    expect("DIFFERS: exit 2 instead of 0" in p.stdout, "no exit status difference reported")
    expect(re.search(r"denied CAP_NET_RAW .* syscall socket", p.stdout),
           "the denial of CAP_NET_RAW (socket) is not listed")
    expect("__sys_socket" in p.stdout, "the denial's kernel call path is not printed")
    p = prove(["--user", "nobody", "--caps", "net_raw", "--", ping] + PING_ARGS)
    expect(p.returncode == 0 and "proven: CAP_NET_RAW works in the nonroot form" in p.stdout,
           "ping with CAP_NET_RAW not proven (exit %d)" % p.returncode)


def case_compare_output(wd):
    cmd = ["--", "/usr/bin/id", "-u"]
    p = prove(["--user", "nobody", "--caps", "none"] + cmd)
    expect(p.returncode == 0, "id -u: same exit status, expected proven (exit %d)"
           % p.returncode)
    p = prove(["--user", "nobody", "--caps", "none", "--compare-output"] + cmd)
    expect(p.returncode == 1 and "different standard output" in p.stdout,
           "id -u --compare-output: expected exit 1 for uid 0 vs 65534 (exit %d)"
           % p.returncode)


def case_timeout(wd):
    # Sleeps only when not root: the constrained run is the one stopped.
    cmd = ["--", "/bin/sh", "-c", '[ "$(id -u)" = 0 ] || sleep 30']
    p = prove(["--user", "nobody", "--caps", "none", "--timeout", "1"] + cmd, timeout=60)
    expect(p.returncode == 1 and "stopped after 1 s" in p.stdout,
           "a run past --timeout: expected exit 1, 'stopped after 1 s' (exit %d)"
           % p.returncode)


def case_max_runs(wd):
    ping = ping_copy(wd)
    p = prove(["--user", "nobody", "--caps", "net_raw,chown,fowner,kill", "--minimize",
               "--max-runs", "4", "--", ping] + PING_ARGS)
    runs = re.findall(r"^run (\d+):", p.stdout, re.MULTILINE)
    expect(runs and max(int(r) for r in runs) <= 4, "more than --max-runs 4 runs: %s" % runs)
    expect(p.returncode == 0 and "not tested (--max-runs 4 reached)" in p.stdout,
           "--max-runs 4: expected a proven set with untested capabilities (exit %d)"
           % p.returncode)
    p = prove(["--user", "nobody", "--caps", "net_raw,chown,fowner,kill", "--minimize",
               "--", ping] + PING_ARGS)
    expect(p.returncode == 0 and re.search(r"^proven set \(nonroot, user nobody\): "
                                           r"CAP_NET_RAW$", p.stdout, re.MULTILINE),
           "--minimize from four capabilities did not reach CAP_NET_RAW")
    expect(re.search(r"^  CAP_NET_RAW: without it exit 2 instead of 0; denied in .*socket",
                     p.stdout, re.MULTILINE), "no reason given for keeping CAP_NET_RAW")


def case_unreachable(wd):
    missing = sorted(set(rc._all_caps()) - rc.bounding_set(), key=rc.cap_number)
    if not missing:
        rc.skip("every capability is in this session's bounding set: nothing unreachable "
                "to refuse")
    p = prove(["--user", "nobody", "--caps", missing[0], "--", "/usr/bin/true"])
    expect(p.returncode == 2 and "not in caprec's bounding set" in p.stderr,
           "%s outside the bounding set: expected exit 2 naming it (exit %d)"
           % (missing[0], p.returncode))


def case_no_capanalyze(wd):
    p = prove(["--user", "nobody", "--caps", "none", "--", "/usr/bin/true"],
              env={"CAPANALYZE": wd + "/no-capanalyze"})
    expect(p.returncode == 2 and "capanalyze not found" in p.stderr,
           "a missing capanalyze: expected exit 2 and 'capanalyze not found' (exit %d)"
           % p.returncode)


def case_from(wd):
    # --from takes the set of a deployment form from a recording's policy.
    ping = ping_copy(wd)
    rec = wd + "/ping.caprec"
    r = subprocess.run([rc.CAPREC, "-K", "-U", "-o", rec, "--", ping] + PING_ARGS,
                       capture_output=True, text=True)
    expect(r.returncode == 0, "recording ping as root failed: %s" % r.stderr)
    for form in ("nonroot", "root"):
        args = ["--form", form, "--from", rec, "--exe", ping]
        if form == "nonroot":
            args += ["--user", "nobody"]
        p = prove(args + ["--", ping] + PING_ARGS)
        expect(p.returncode == 0, "--from with --form %s: exit %d, expected the policy's "
               "set to be proven" % (form, p.returncode))
        expect(re.search(r"set from the %s policy of .*: CAP_NET_RAW$" % form, p.stdout,
                         re.MULTILINE),
               "--form %s: the policy's set is not exactly CAP_NET_RAW" % form)
    p = prove(["--user", "nobody", "--from", rec, "--exe", "/no/such/exe", "--", ping]
              + PING_ARGS)
    expect(p.returncode == 2, "--exe matching nothing: exit %d, expected 2" % p.returncode)


CASES = {
    "usage": case_usage,
    "differs": case_differs,
    "compare-output": case_compare_output,
    "timeout": case_timeout,
    "max-runs": case_max_runs,
    "unreachable": case_unreachable,
    "no-capanalyze": case_no_capanalyze,
    "from": case_from,
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        print("usage: real_prove_cli.py " + "|".join(CASES), file=sys.stderr)
        return 2
    rc.need_root_and_bpf()
    rc.enter_private_netns()
    wd = rc.make_workdir("prove-" + sys.argv[1])
    try:
        CASES[sys.argv[1]](wd)
    except rc.CaseFailure as e:
        rc.log("FAIL: %s" % e)
        return 1
    finally:
        rc.remove_workdir(wd)
    rc.log("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
