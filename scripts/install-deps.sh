#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs, with apt, every Debian 12 package caprec needs to build, test,
# demo and benchmark. Idempotent: installs only what is missing and runs
# `apt-get update` only when something is.
#
# Usage: scripts/install-deps.sh [--bench]
set -euo pipefail

packages=(
	# build
	gcc clang llvm meson ninja-build pkg-config
	libbpf-dev libelf-dev libdw-dev liblzma-dev zlib1g-dev libzstd-dev libsqlite3-dev
	# capanalyze --debug-dir asks debuginfod servers too (optional at build time)
	libdebuginfod-dev
	# a debuginfod server, for the test that capanalyze fetches debug files from one
	debuginfod
	bpftool
	# tests: cmocka, the sanitizer/fuzzer runtimes of clang, capsh for the
	# minimal-capability proof, sqlite3 to open databases by hand
	libcmocka-dev libclang-rt-14-dev libcap2-bin sqlite3 zstd python3
	# tests: libc's debug file (/usr/lib/debug/.build-id), so the live tests
	# check that libc's internal frames are named from it
	libc6-dbg
	# kernel matrix (tests/vm): boot Debian kernels under qemu
	qemu-system-x86 busybox-static lz4
	# flame graph render test: headless Chromium
	chromium
	# real-program suite (tests/real): the programs recorded and run in each
	# deployment form; setpriv (util-linux) and capsh apply the sets
	nginx-light dnsmasq tcpdump openssh-server iputils-ping iproute2 util-linux mount
	hostname coreutils busybox-static
	# tests of the documents other tools read (suite integrate): SARIF's
	# object model, protoc and pprof's profile.proto, YAML for k8s/compose,
	# systemd-analyze for the drop-in
	python3-sarif-python-om protobuf-compiler golang-github-google-pprof-dev python3-yaml
	systemd
)
if [ "${1:-}" = "--bench" ]; then
	# bpftrace is the "classic capable" baseline; perf profiles misses;
	# time(1) reports peak memory.
	packages+=(bpftrace linux-perf time)
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: must run as root (it calls apt-get)" >&2
	exit 2
fi

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps.sh: all ${#packages[@]} packages present"
	exit 0
fi
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
