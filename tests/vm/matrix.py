#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The kernel matrix: caprec's attach modes checked live on real kernels.

For each Debian cloud kernel series (6.1 and 6.12 by default) it fetches the newest kernel
(fetch-kernel.sh), packs an initramfs with busybox, caprec, vm-workload and the driver, boots
it under qemu TCG, takes the results back from the serial console and checks them
(checks.py). The host itself is one more row, run directly (tracepoint and auto).
Prints a table of pass/fail per (kernel, mode, test); exits 1 when anything failed, 77 when
nothing could run (no kernel, no caprec), 0 otherwise.

usage: matrix.py --build-root DIR --workload PATH [--kernels 6.1,6.12] [--no-host]
env:   CAPREC_VM_KERNELS, CAPREC_VM_MODES, CAPREC_VM_TIMEOUT (seconds per boot, default 420),
       CAPREC_VM_JOBS (guests booted at once; default 2 with 4+ CPUs, else 1: each guest
       keeps two CPUs busy),
       CAPREC_VM_CACHE (kernel cache, see fetch-kernel.sh), CAPREC_VM_KEEP=1 (keep the work
       directory and print its path)
"""

import argparse
import base64
import concurrent.futures
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import checks  # noqa: E402

MARK = "@@CAPREC-VM"
SKIP = 77
# Modes bpf-load-check tries: the guests lack the tracepoint, the host has nothing else.
GUEST_BPF_MODES = ["kprobe", "fentry"]
HOST_BPF_MODES = ["tracepoint"]


class BpfObject:
    def __init__(self, object_path, check, hog):
        self.object = object_path
        self.check = check
        self.hog = hog


def log(message):
    print(message, flush=True)


def shared_libraries(binary):
    """Absolute paths of the shared libraries (and loader) a binary needs; [] when static."""
    run = subprocess.run(["ldd", binary], capture_output=True, text=True)
    if run.returncode != 0:
        return []
    paths = []
    for line in run.stdout.splitlines():
        for word in line.split():
            if word.startswith("/") and os.path.exists(word):
                paths.append(word)
    return paths


def copy_into(root, source, target=None):
    target = os.path.join(root, (target or source).lstrip("/"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copy2(source, target)


def build_initramfs(work, caprec, workload, bpf, samples):
    """Packs the guest's root file system; returns the path of the gzip'd newc cpio."""
    root = os.path.join(work, "root")
    for d in ("bin", "sbin", "etc", "proc", "sys", "dev", "tmp", "vm", "usr/bin"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    copy_into(root, shutil.which("busybox") or "/bin/busybox", "/bin/busybox")
    copy_into(root, os.path.join(HERE, "init.sh"), "/init")
    for script in ("guest-driver.sh", "run-workloads.sh"):
        copy_into(root, os.path.join(HERE, script), "/vm/" + script)
    copy_into(root, workload, "/vm/vm-workload")
    binaries = [workload]
    if bpf:
        copy_into(root, bpf.object, "/vm/caprec.bpf.o")
        copy_into(root, bpf.check, "/vm/bpf-load-check")
        binaries.append(bpf.check)
        if bpf.hog:
            copy_into(root, bpf.hog, "/vm/fexit-hog")
            binaries.append(bpf.hog)
    if caprec:
        copy_into(root, caprec, "/vm/caprec")
        binaries.append(caprec)
    for sample in samples:
        copy_into(root, sample, "/vm/samples/" + os.path.basename(sample))
        binaries.append(sample)
    # A dynamically linked caprec runs too: take its libraries along at their host paths.
    for binary in binaries:
        for library in shared_libraries(binary):
            copy_into(root, os.path.realpath(library), library)
    os.chmod(os.path.join(root, "init"), 0o755)
    # The kernel opens /dev/console before /init runs: it must exist in the archive.
    os.mknod(os.path.join(root, "dev/console"), 0o600 | 0o020000, os.makedev(5, 1))
    os.mknod(os.path.join(root, "dev/null"), 0o666 | 0o020000, os.makedev(1, 3))
    image = os.path.join(work, "initramfs.cpio.gz")
    with open(image, "wb") as out:
        find = subprocess.Popen(["find", ".", "-mindepth", "1"], cwd=root, stdout=subprocess.PIPE)
        cpio = subprocess.Popen(["busybox", "cpio", "-o", "-H", "newc"], cwd=root,
                                stdin=find.stdout, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        gzip = subprocess.Popen(["gzip", "-1"], stdin=cpio.stdout, stdout=out)
        find.stdout.close()
        cpio.stdout.close()
        if gzip.wait() or cpio.wait() or find.wait():
            raise RuntimeError("packing the initramfs failed")
    return image


def fetch_kernel(series):
    """(vmlinuz path, None) or (None, reason)."""
    run = subprocess.run([os.path.join(HERE, "fetch-kernel.sh"), series],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return None, run.stderr.strip() or "fetch-kernel.sh exited %d" % run.returncode
    return run.stdout.strip(), None


def boot(vmlinuz, initramfs, modes, bpf_modes, serial_log, timeout):
    """Boots one guest; returns (results tar bytes or None, booted kernel release, error)."""
    append = "console=ttyS0 panic=-1 loglevel=4 CAPREC_SHIP=1 CAPREC_MODES=%s" % (
        ",".join(modes) or "none")
    if bpf_modes:
        append += " CAPREC_BPF_MODES=" + ",".join(bpf_modes)
    command = ["timeout", "--kill-after=5", str(timeout), "qemu-system-x86_64",
               "-accel", "tcg", "-cpu", "max", "-smp", "2", "-m", "1G", "-nographic",
               "-no-reboot", "-nodefaults", "-serial", "stdio",
               "-kernel", vmlinuz, "-initrd", initramfs, "-append", append]
    with open(serial_log, "wb") as out:
        run = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL)
    text = open(serial_log, "rb").read().decode("utf-8", "replace")
    release = None
    done = None
    payload = None
    # Firmware escape codes may precede a marker on its line: cut them off.
    lines = [line[line.find(MARK):] if MARK in line else line.strip("\r")
             for line in text.splitlines()]
    for i, line in enumerate(lines):
        line = line.strip("\r")
        if line.startswith(MARK + " BOOTED "):
            release = line.split()[2]
        elif line.startswith(MARK + " DONE "):
            done = line.split()[2]
        elif line.startswith(MARK + " RESULTS BEGIN"):
            chunk = []
            for body in lines[i + 1:]:
                body = body.strip("\r")
                if body.startswith(MARK + " RESULTS END"):
                    payload = chunk
                    break
                # An error-level kernel message may land between the lines: not ours.
                if not re.match(r"\s*\[\s*\d+\.\d+\]", body):
                    chunk.append(body.strip())
    if release is None:
        return None, None, "the guest never reached /init (qemu exit %d), see %s" % (
            run.returncode, serial_log)
    if payload is None:
        # Where it stopped: the last steps the driver announced.
        steps = [l for l in lines if l.startswith(MARK + " STEP")][-3:]
        return None, release, "no results from the guest (qemu exit %d, driver %s); last: %s" % (
            run.returncode, done, " | ".join(s[len(MARK) + 6:] for s in steps)[-400:])
    try:
        return base64.b64decode("".join(payload), validate=True), release, None
    except ValueError as e:
        return None, release, "results garbled on the serial console: %s" % e


def unpack(data, directory):
    os.makedirs(directory, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile() and ".." not in member.name.split("/"):
                tar.extract(member, directory)


def run_guest(series, work, caprec, capanalyze, workload, modes, timeout, bpf, samples):
    """Rows (kernel, mode, test, status, detail) of one guest kernel."""
    name = "linux-" + series
    vmlinuz, reason = fetch_kernel(series)
    if not vmlinuz:
        return [(name, "-", "boot", "SKIP", reason)], reason
    guest_work = os.path.join(work, series)
    os.makedirs(guest_work)
    initramfs = build_initramfs(guest_work, caprec, workload, bpf, samples)
    bpf_modes = GUEST_BPF_MODES if bpf else []
    started = time.monotonic()
    data, release, error = boot(vmlinuz, initramfs, modes if caprec else [], bpf_modes,
                                os.path.join(guest_work, "serial.log"), timeout)
    seconds = time.monotonic() - started
    name = release or name
    if error:
        return [(name, "-", "boot", "FAIL", error)], None
    rows = [(name, "-", "boot", "PASS", "%.1f s" % seconds)]
    results = os.path.join(guest_work, "results")
    unpack(data, results)
    for mode, test, status, detail in checks.check_results(results, modes if caprec else [],
                                                           capanalyze, True, bpf_modes):
        rows.append((name, mode, test, status, detail))
    return rows, None


def run_host(work, caprec, capanalyze, workload, bpf, samples):
    name = "host-" + os.uname().release
    if os.geteuid() != 0:
        return [(name, "-", "host", "SKIP", "not root: BPF needs it")]
    results = os.path.join(work, "host")
    modes = ["tracepoint", "auto"] if caprec else []
    bpf_modes = HOST_BPF_MODES if bpf else []
    env = dict(os.environ, CAPREC_MODES=",".join(modes) or "none", CAPREC_BIN=caprec or "",
               CAPREC_WORKLOAD=workload, TMPDIR=work, CAPREC_BPF_MODES=",".join(bpf_modes),
               CAPREC_VM_SAMPLES=os.path.dirname(samples[0]) if samples else "")
    if bpf:
        env.update(CAPREC_BPF_OBJECT=bpf.object, CAPREC_BPF_CHECK=bpf.check)
    subprocess.run(["/bin/sh", os.path.join(HERE, "guest-driver.sh"), results], env=env,
                   stdin=subprocess.DEVNULL)
    return [(name, mode, test, status, detail) for mode, test, status, detail in
            checks.check_results(results, modes, capanalyze, False, bpf_modes)]


def print_table(rows):
    log("")
    log("%-28s %-11s %-26s %-5s %s" % ("KERNEL", "MODE", "TEST", "", "DETAIL"))
    for kernel, mode, test, status, detail in rows:
        shown = detail if status != "PASS" or test in ("boot", "vm_enough_memory-call") else ""
        log("%-28s %-11s %-26s %-5s %s" % (kernel, mode, test, status, shown[:160]))
    # One line per (kernel, mode): the matrix at a glance.
    log("")
    summary = {}
    for kernel, mode, _, status, _ in rows:
        counts = summary.setdefault((kernel, mode), {"PASS": 0, "FAIL": 0, "SKIP": 0})
        counts[status] += 1
    for (kernel, mode), counts in summary.items():
        log("%-28s %-11s %3d passed %3d failed %3d skipped" % (
            kernel, mode, counts["PASS"], counts["FAIL"], counts["SKIP"]))


def find_program(build_root, env_name, relative):
    path = os.environ.get(env_name) or os.path.join(build_root, relative)
    return path if os.access(path, os.X_OK) else None


def main():
    parser = argparse.ArgumentParser(description="caprec's kernel matrix under qemu")
    parser.add_argument("--build-root", required=True)
    parser.add_argument("--workload", required=True)
    parser.add_argument("--kernels", default=os.environ.get("CAPREC_VM_KERNELS", "6.1,6.12"))
    parser.add_argument("--modes", default=os.environ.get("CAPREC_VM_MODES",
                                                          "kprobe,fentry,auto"))
    parser.add_argument("--no-host", action="store_true")
    parser.add_argument("--bpf-object", help="caprec.bpf.o, for bpf-load-check")
    parser.add_argument("--bpf-load-check", help="the static bpf-load-check program")
    parser.add_argument("--fexit-hog", help="the static fexit-hog program")
    parser.add_argument("--samples-dir", help="samples/ of the build: recorded in every mode")
    args = parser.parse_args()

    caprec = find_program(args.build_root, "CAPREC_VM_CAPREC", "record/caprec")
    capanalyze = find_program(args.build_root, "CAPREC_VM_CAPANALYZE", "analyze/capanalyze")
    missing = [tool for tool in ("qemu-system-x86_64", "busybox", "apt-get", "timeout")
               if not shutil.which(tool)]
    if missing:
        log("SKIP: %s not installed (scripts/install-deps.sh installs them)" % " ".join(missing))
        return SKIP
    modes = [m for m in args.modes.split(",") if m]
    samples = []
    if args.samples_dir and os.path.isdir(args.samples_dir):
        samples = sorted(os.path.join(args.samples_dir, f) for f in os.listdir(args.samples_dir)
                         if f.startswith("sample_") and
                         os.access(os.path.join(args.samples_dir, f), os.X_OK) and
                         os.path.isfile(os.path.join(args.samples_dir, f)))
    bpf = None
    if args.bpf_object and args.bpf_load_check:
        bpf = BpfObject(args.bpf_object, args.bpf_load_check, args.fexit_hog)
    timeout = int(os.environ.get("CAPREC_VM_TIMEOUT", "420"))
    work = tempfile.mkdtemp(prefix="caprec-vm.")
    rows = []
    skip_reasons = []
    try:
        if not caprec:
            skip_reasons.append("caprec is not built (build with -Drecorder=true): only the "
                                "guests' boot and kernel facts are checked")
        kernels = [k for k in args.kernels.split(",") if k]
        jobs = int(os.environ.get("CAPREC_VM_JOBS", "2" if (os.cpu_count() or 1) >= 4 else "1"))
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = []
            for series in kernels:
                log("== kernel %s" % series)
                futures.append((series, pool.submit(run_guest, series, work, caprec, capanalyze,
                                                    args.workload, modes, timeout, bpf,
                                                    samples)))
            # Rows in the order of the kernels asked for, whichever finished first.
            for series, future in futures:
                guest_rows, reason = future.result()
                rows += guest_rows
                if reason:
                    skip_reasons.append("no %s kernel: %s" % (series, reason))
        if not args.no_host and (caprec or bpf):
            log("== host")
            rows += run_host(work, caprec, capanalyze, args.workload, bpf, samples)
        print_table(rows)
    finally:
        if os.environ.get("CAPREC_VM_KEEP") == "1":
            log("work directory kept: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    failed = [r for r in rows if r[3] == "FAIL"]
    for reason in skip_reasons:
        log("SKIP: " + reason)
    if failed:
        log("FAILED: %d of %d checks" % (len(failed), len(rows)))
        return 1
    if skip_reasons or not any(r[3] == "PASS" for r in rows):
        return SKIP
    return 0


if __name__ == "__main__":
    sys.exit(main())
