#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Live tests of user call paths through real binaries: the samples built as distributions
build them (-O2, with and without frame pointers) and Debian's own programs, which have no
frame pointers and no .symtab. Every path must reach the program's (or thread's) entry and
no recording may hold a raw address as a frame.

Usage: live_unwind.py CASE (meson runs one test per case; see meson.build)."""

import os
import re
import shutil
import subprocess

from live_common import (CAP_CHOWN, CAP_NET_BIND_SERVICE, CAP_SETGID, CAP_SYS_RESOURCE, check,
                         main, one_report, record, skip, temp_dir, tool)

# sample -> (its function that makes the check, capability, the frame its path starts from)
SAMPLES = {
    "sample_chown": ("sample_chown_foreign_file", CAP_CHOWN, "main"),
    "sample_bind": ("sample_bind_privileged_port", CAP_NET_BIND_SERVICE, "main"),
    "sample_rlimit": ("sample_raise_hard_rlimit", CAP_SYS_RESOURCE, "main"),
    "sample_setgroups": ("sample_set_group_list", CAP_SETGID, "main"),
    "sample_thread": ("sample_thread_raise_rlimit", CAP_SYS_RESOURCE, "thread_main"),
}

# The outermost frames of a complete path: the process entry or glibc's thread start.
ENTRIES = ("_start", "__libc_start_call_main", "__libc_start_main", "start_thread", "clone3",
           "__clone3")

CAP_FOWNER = 3
CAP_NET_ADMIN = 12
CAP_NET_RAW = 13


def unwind_sample(name, variant):
    return os.path.join(tool("UNWIND_SAMPLES_DIR"), "%s_%s" % (variant, name))


def reaches_entry(ustack):
    """True when the path ends in an entry: named, or the stripped executable's _start
    below a libc entry frame."""
    return any(frame in ENTRIES for frame in ustack[-3:])


def assert_no_raw_address(rec):
    """No user frame is a number without a file, and every file offset is one a file can
    have (words read off the stack by a frame-pointer walk are neither)."""
    for event in rec.events:
        for frame in event["ustack"]:
            check(not frame.startswith("?0x"), "raw address stored as a frame: %s in %s"
                  % (frame, event["ustack"]))
            match = re.match(r"^.+\+0x([0-9a-f]+)$", frame)
            if match:
                check(int(match.group(1), 16) < (1 << 32), "impossible file offset: %s in %s"
                      % (frame, event["ustack"]))


def metadata_share(rec):
    count = int(rec.metadata.get("stacks.user.count", "0"))
    reached = int(rec.metadata.get("stacks.user.reached_entry", "0"))
    return count, reached


def samples_case(variant):
    def run():
        directory = temp_dir()
        try:
            for name, (function, cap, outer) in sorted(SAMPLES.items()):
                program = unwind_sample(name, variant)
                result, rec = record(["-K", "-U"], [program], directory, name + ".caprec")
                report = one_report(result.stdout, function)
                found = [e for e in rec.select(pid=report["pid"], tid=report["tid"], cap=cap)
                         if function in e["ustack"]]
                check(len(found) == 1, "%s (%s): no check of cap %d from %s; user stacks:\n%s"
                      % (name, variant, cap, function,
                         "\n".join(",".join(e["ustack"]) for e in rec.select(cap=cap))))
                ustack = found[0]["ustack"]
                check(outer in ustack, "%s (%s): user stack lacks %s: %s"
                      % (name, variant, outer, ustack))
                check(ustack.index(function) < ustack.index(outer),
                      "%s (%s): %s is not below %s: %s" % (name, variant, function, outer,
                                                           ustack))
                check(reaches_entry(ustack), "%s (%s): path does not reach the entry: %s"
                      % (name, variant, ustack))
                count, reached = metadata_share(rec)
                check(count > 0 and reached > 0, "%s: metadata says %d of %d stacks reached "
                      "the entry" % (name, reached, count))
                assert_no_raw_address(rec)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    return run


def debian_checks(directory):
    """Records Debian's chown, chmod, ip and a copy of ping; returns {program: (rec, cap)}."""
    target = os.path.join(directory, "target")
    with open(target, "w") as f:
        f.write("x")
    os.chown(target, 65534, 65534)
    ping = os.path.join(directory, "ping")
    shutil.copy("/usr/bin/ping", ping)  # a copy: no file capabilities, root's own check
    runs = {
        "chown": (["chown", "0", target], CAP_CHOWN),
        "chmod": (["chmod", "600", target], CAP_FOWNER),
        "ip": (["ip", "link", "set", "dev", "lo", "up"], CAP_NET_ADMIN),
        "ping": ([ping, "-c", "1", "-W", "1", "127.0.0.1"], CAP_NET_RAW),
    }
    recordings = {}
    for name, (command, cap) in runs.items():
        if command[0] != ping and not shutil.which(command[0]):
            skip("%s is not installed" % command[0])
        # chown/chmod give the file back to 65534 first, so each run makes its check.
        os.chown(target, 65534, 65534)
        _, rec = record(["-K", "-U"], command, directory, name + ".caprec")
        recordings[name] = (rec, cap)
    return recordings


def debian_case():
    directory = temp_dir()
    try:
        for name, (rec, cap) in sorted(debian_checks(directory).items()):
            events = [e for e in rec.select(cap=cap) if e["exe"] and
                      os.path.basename(e["exe"]) == name]
            check(events, "%s: no check of cap %d; events:\n%s" % (name, cap, rec.describe()))
            for event in events:
                ustack = event["ustack"]
                check(len(ustack) >= 3 and reaches_entry(ustack),
                      "%s: path does not reach libc's entry: %s" % (name, ustack))
                # The innermost frame is libc's exported wrapper of the system call.
                check(not ustack[0].startswith("libc.so.6+"), "%s: libc frame unnamed: %s"
                      % (name, ustack))
                check(any(f.startswith(name + "+0x") for f in ustack),
                      "%s: no frame of the program itself: %s" % (name, ustack))
            assert_no_raw_address(rec)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def libc_path():
    out = subprocess.run(["ldd", "/usr/bin/chown"], stdout=subprocess.PIPE, text=True).stdout
    for line in out.splitlines():
        if "libc.so.6" in line and "=>" in line:
            return line.split("=>")[1].split()[0]
    return None


def libc_debug_case():
    libc = libc_path()
    check(libc, "cannot find chown's libc with ldd")
    notes = subprocess.run(["readelf", "-n", libc], stdout=subprocess.PIPE, text=True).stdout
    match = re.search(r"Build ID: ([0-9a-f]+)", notes)
    check(match, "libc has no build-id")
    build_id = match.group(1)
    debug = "/usr/lib/debug/.build-id/%s/%s.debug" % (build_id[:2], build_id[2:])
    if not os.path.exists(debug):
        skip("libc6-dbg is not installed (%s missing; scripts/install-deps.sh installs it)"
             % debug)
    directory = temp_dir()
    try:
        recordings = debian_checks(directory)
        rec, cap = recordings["chown"]
        events = [e for e in rec.select(cap=cap) if e["exe"] and e["exe"].endswith("chown")]
        check(events, "chown: no check recorded")
        # Not exported: only the debug file names it.
        check(all("__libc_start_call_main" in e["ustack"] for e in events),
              "libc's internal frame unnamed with libc6-dbg: %s" % events[0]["ustack"])
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def exited_libraries_case():
    """Libraries of processes gone before caprec reads their maps: su loads pam modules with
    dlopen and exits within milliseconds; ping's libcap is placed only by its mapping. Every
    user stack of both reaches the entry, through those libraries."""
    for program in ("su", "ping"):
        if not shutil.which(program):
            skip("%s is not installed" % program)
    directory = temp_dir()
    try:
        ping = os.path.join(directory, "ping")
        shutil.copy(shutil.which("ping"), ping)  # no file capabilities: root's own checks
        script = ("for i in 1 2 3; do su -s /bin/sh nobody -c true; done; "
                  "{p} -c 1 -W 1 127.0.0.1 >/dev/null").format(p=ping)
        _, rec = record(["-U"], ["sh", "-c", script], directory)
        for name in ("su", "ping"):
            events = [e for e in rec.events if e["exe"] and
                      os.path.basename(e["exe"]) == name and e["ustack"]]
            check(events, "%s: no check with a user stack; events:\n%s" % (name, rec.describe()))
            cut = [e["ustack"] for e in events if not reaches_entry(e["ustack"])]
            check(not cut, "%s: %d of %d paths stop short of the entry, e.g. %s"
                  % (name, len(cut), len(events), cut[:1]))
        capset = [e["ustack"] for e in rec.events if e["exe"] and e["exe"] == ping and
                  e["ustack"] and e["ustack"][0] == "capset"]
        check(capset and all(any(f.startswith("libcap.so") for f in u) for u in capset),
              "ping's capset paths do not pass through libcap: %s" % capset)
        assert_no_raw_address(rec)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def no_raw_address_case():
    """Everything at once with -v (the mmap checks of every exec, whose innermost frame the
    kernel gives as an address): no frame of any recording is a number."""
    directory = temp_dir()
    try:
        script = ("chown 0 {t}; chmod 600 {t}; ip link set dev lo up; {a}; {b}; {c}"
                  .format(t=os.path.join(directory, "f"),
                          a=unwind_sample("sample_thread", "nofp"),
                          b=unwind_sample("sample_chown", "nofp"),
                          c=unwind_sample("sample_chown", "fp")))
        open(os.path.join(directory, "f"), "w").close()
        _, rec = record(["-v", "-K", "-U"], ["sh", "-c", script], directory)
        check(len(rec.events) > 20, "too few checks recorded: %d" % len(rec.events))
        assert_no_raw_address(rec)
        count, reached = metadata_share(rec)
        check(count == len([e for e in rec.events if e["ustack"]]) or count >= len(rec.events),
              "metadata counts %d user stacks for %d events" % (count, len(rec.events)))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main({
        "samples-nofp": samples_case("nofp"),
        "samples-fp": samples_case("fp"),
        "debian-programs": debian_case,
        "libc-debug-symbols": libc_debug_case,
        "no-raw-address": no_raw_address_case,
        "exited-libraries": exited_libraries_case,
    })
