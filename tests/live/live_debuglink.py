#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Live tests of separate debug files found by .gnu_debuglink (binaries linked without a
build-id) and by a real debuginfod server: a sample built, its debug info split off with
objcopy, recorded with caprec -U, then analysed after the binary is gone.

Usage: live_debuglink.py CASE (meson runs one test per case; see meson.build)."""

import os
import shutil
import socket
import subprocess
import time
import urllib.request

from live_common import check, main, record, run_caprec, skip, temp_dir, tool

SOURCE = r"""
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

/* Static: only a symbol table names them (a stripped binary's .dynsym does not). */
static __attribute__((noinline)) int debuglink_inner_chown(const char *path)
{
	int ret = chown(path, 65534, 65534);

	__asm__ volatile("");
	return ret;
}

static __attribute__((noinline)) int debuglink_outer(const char *path)
{
	int ret = debuglink_inner_chown(path);

	__asm__ volatile("");
	return ret;
}

int main(int argc, char **argv)
{
	int fd = open(argv[1], O_CREAT | O_WRONLY, 0600);

	if (argc < 2 || fd < 0)
		return 2;
	close(fd);
	return debuglink_outer(argv[1]) ? 1 : 0;
}
"""

FUNCTIONS = ("debuglink_inner_chown", "debuglink_outer")


def run(argv, **kwargs):
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            timeout=120, **kwargs)
    check(result.returncode == 0, "%s exited %d: %s" % (" ".join(argv), result.returncode,
                                                        result.stderr))
    return result


def build_split(directory, build_id):
    """Builds the sample into directory/bin/NAME, stripped, its debug file in
    directory/NAME.debug (not where caprec looks), linked by .gnu_debuglink."""
    for program in ("gcc", "objcopy", "strip"):
        if not shutil.which(program):
            skip("%s is not installed" % program)
    name = "dl_sample" if not build_id else "did_sample"
    source = os.path.join(directory, name + ".c")
    with open(source, "w") as out:
        out.write(SOURCE)
    bindir = os.path.join(directory, "bin")
    os.makedirs(bindir, exist_ok=True)
    binary = os.path.join(bindir, name)
    debug = os.path.join(directory, name + ".debug")
    run(["gcc", "-O2", "-g", "-fno-optimize-sibling-calls",
         "-Wl,--build-id=" + ("sha1" if build_id else "none"), "-o", binary, source])
    run(["objcopy", "--only-keep-debug", binary, debug])
    run(["strip", binary])
    # The link names the file and holds its CRC-32; objcopy reads it from this path.
    run(["objcopy", "--add-gnu-debuglink=" + debug, binary])
    symbols = run(["nm", binary], check=False) if shutil.which("nm") else None
    check(symbols is None or not any(f in symbols.stdout for f in FUNCTIONS),
          "the stripped sample still names its functions")
    return binary, debug


def capanalyze(args, env=None):
    return subprocess.run([tool("CAPANALYZE")] + args, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=120, env=env)


def analysis_env(directory):
    """A cache of its own: reports are cached per recording and set of debug directories."""
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = os.path.join(directory, "cache")
    env.pop("DEBUGINFOD_URLS", None)
    return env


def chown_paths(rec_path, options, env):
    result = capanalyze(["folded", rec_path, "--cap", "CAP_CHOWN"] + options, env=env)
    check(result.returncode == 0, "capanalyze folded %s: %d %s"
          % (" ".join(options), result.returncode, result.stderr))
    return result


def live_case():
    """caprec finds the debug file beside the binary by its link and names the sample's own
    functions; a copy with another CRC-32 is refused, said once, and names nothing."""
    directory = temp_dir()
    try:
        binary, debug = build_split(directory, build_id=False)
        target = os.path.join(directory, "owned")
        # Damaged: one byte more. In .debug/, where gdb looks second.
        dotdebug = os.path.join(os.path.dirname(binary), ".debug")
        os.makedirs(dotdebug)
        bad = os.path.join(dotdebug, os.path.basename(debug))
        shutil.copy(debug, bad)
        with open(bad, "ab") as out:
            out.write(b"x")
        result, rec = record(["-U"], [binary, target], directory, "refused.caprec")
        check(result.stderr.count(bad) == 1,
              "the damaged debug file is not named once on stderr:\n" + result.stderr)
        stacks = [e["ustack"] for e in rec.select(cap=0)]
        check(stacks and not any(f in s for s in stacks for f in FUNCTIONS),
              "a debug file with another CRC-32 named frames: %s" % stacks)
        # The right one beside the binary: found first, by the link.
        shutil.copy(debug, os.path.join(os.path.dirname(binary), os.path.basename(debug)))
        result, rec = record(["-U"], [binary, target], directory, "named.caprec")
        stacks = [e["ustack"] for e in rec.select(cap=0)]
        check(any(all(f in s for f in FUNCTIONS + ("main",)) for s in stacks),
              "caprec did not name the sample's functions through .gnu_debuglink: %s"
              % stacks)
        check(bad not in result.stderr, "a good debug file was refused:\n" + result.stderr)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def analysis_case():
    """Recorded without its debug file, the binary then deleted: paths, replay and info name
    the functions from --debug-dir (DIR/NAME.debug); a stripped copy in DIR with a damaged
    debug file is refused with a warning."""
    directory = temp_dir()
    try:
        binary, debug = build_split(directory, build_id=False)
        result, rec = record(["-U"], [binary, os.path.join(directory, "owned")], directory)
        check(not any(f in s for e in rec.select(cap=0) for s in [e["ustack"]]
                      for f in FUNCTIONS), "named while recording: the test proves nothing")
        os.rename(binary, binary + ".gone")
        debug_dir = os.path.join(directory, "debug")
        os.makedirs(debug_dir)
        shutil.copy(debug, debug_dir)
        env = analysis_env(directory)
        plain = chown_paths(rec.path, [], env).stdout
        check(not any(f in plain for f in FUNCTIONS), "named without --debug-dir:\n" + plain)
        named = capanalyze(["paths", rec.path, "--cap", "CAP_CHOWN", "--debug-dir", debug_dir],
                           env=env)
        check(named.returncode == 0 and "debuglink_outer;debuglink_inner_chown" in named.stdout,
              "capanalyze paths --debug-dir did not name the functions:\n%s%s"
              % (named.stdout, named.stderr))
        print(next(line for line in named.stdout.splitlines() if "debuglink_outer" in line))
        replay = capanalyze(["replay", "-U", "--cap", "CAP_CHOWN", rec.path, "--debug-dir",
                             debug_dir], env=env)
        check(replay.returncode == 0 and "debuglink_inner_chown+" in replay.stdout,
              "replay --debug-dir did not name the functions:\n" + replay.stdout)
        replay_plain = capanalyze(["replay", "-U", "--cap", "CAP_CHOWN", rec.path], env=env)
        check("debuglink_inner_chown" not in replay_plain.stdout, "replay named without it")
        info = capanalyze(["info", rec.path], env=env).stdout
        check("binaries lacking symbols" in info and binary in info
              and "reached the program's or thread's entry" in info,
              "info does not say the sample lacked symbols:\n" + info)
        info = capanalyze(["info", rec.path, "--debug-dir", debug_dir], env=env).stdout
        lacking = [l for l in info.splitlines() if l.startswith("binaries lacking symbols")]
        check(not any(binary in l for l in lacking)
              and any(l.startswith("binaries named from debug files") and binary in l
                      for l in info.splitlines()),
              "info --debug-dir still lists the sample as lacking symbols:\n" + info)
        # A stripped copy in DIR: its link's CRC-32 decides, and a damaged file is refused.
        copy_dir = os.path.join(directory, "copy")
        os.makedirs(copy_dir)
        shutil.copy(binary + ".gone", os.path.join(copy_dir, os.path.basename(binary)))
        bad = os.path.join(copy_dir, os.path.basename(debug))
        shutil.copy(debug, bad)
        with open(bad, "ab") as out:
            out.write(b"x")
        refused = capanalyze(["paths", rec.path, "--cap", "CAP_CHOWN", "--debug-dir", copy_dir],
                             env=env)
        check(refused.returncode == 0 and bad in refused.stderr
              and "CRC-32" in refused.stderr and "debuglink_outer" not in refused.stdout,
              "a damaged debug file was not refused:\n%s%s" % (refused.stdout, refused.stderr))
        shutil.copy(debug, bad)
        env["XDG_CACHE_HOME"] = os.path.join(directory, "cache2")
        good = capanalyze(["paths", rec.path, "--cap", "CAP_CHOWN", "--debug-dir", copy_dir],
                          env=env)
        check("debuglink_outer" in good.stdout and not good.stderr,
              "the stripped copy's link did not find its debug file:\n%s%s"
              % (good.stdout, good.stderr))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_scanned(port, server, log, timeout=60.0):
    """Until the server's metrics count a scanned debug file (it scans in the background)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            with open(log) as text:
                check(False, "debuginfod exited %d: %s" % (server.returncode, text.read()))
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=2) as r:
                for line in r.read().decode().splitlines():
                    if line.startswith("scanned_files_total") or \
                       line.startswith("scanned_bytes_total"):
                        if float(line.split()[-1]) > 0:
                            return
        except OSError:
            pass
        time.sleep(0.3)
    check(False, "debuginfod did not scan its directory within %d s" % timeout)


def debuginfod_case():
    """capanalyze paths (no --debug-dir, binary gone) names the functions through a real
    debuginfod server on 127.0.0.1 serving the sample's debug file."""
    server_binary = shutil.which("debuginfod")
    if not server_binary:
        skip("the debuginfod server is not installed (Debian package debuginfod)")
    if os.environ.get("CAPANALYZE_DEBUGINFOD") != "yes":
        skip("capanalyze was built without libdebuginfod (meson option debuginfod)")
    directory = temp_dir()
    server = None
    try:
        binary, debug = build_split(directory, build_id=True)
        result, rec = record(["-U"], [binary, os.path.join(directory, "owned")], directory)
        os.remove(binary)
        served = os.path.join(directory, "served")
        os.makedirs(served)
        shutil.copy(debug, served)
        port = free_port()
        log = os.path.join(directory, "debuginfod.log")
        with open(log, "w") as log_file:
            server = subprocess.Popen([server_binary, "-F", served, "-p", str(port), "-d",
                                       os.path.join(directory, "debuginfod.sqlite"), "-t", "1"],
                                      stdout=log_file, stderr=subprocess.STDOUT)
        wait_scanned(port, server, log)
        env = analysis_env(directory)
        env["DEBUGINFOD_URLS"] = "http://127.0.0.1:%d" % port
        env["DEBUGINFOD_CACHE_PATH"] = os.path.join(directory, "client-cache")
        plain = capanalyze(["paths", rec.path, "--cap", "CAP_CHOWN"],
                           env=analysis_env(directory))
        check("debuglink_outer" not in plain.stdout, "named with no server: the test proves "
              "nothing:\n" + plain.stdout)
        named = capanalyze(["paths", rec.path, "--cap", "CAP_CHOWN"], env=env)
        check(named.returncode == 0 and "debuglink_outer;debuglink_inner_chown" in named.stdout,
              "capanalyze paths did not name the functions through debuginfod:\n%s%s"
              % (named.stdout, named.stderr))
        print(next(line for line in named.stdout.splitlines() if "debuglink_outer" in line))
    finally:
        if server:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main({"debuglink-live": live_case, "debuglink-analysis": analysis_case,
          "debuginfod-server": debuginfod_case})
