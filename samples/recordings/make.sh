#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make.sh - remakes the checked-in sample recordings (see samples/README.md, "Recordings").
#
# Usage (as root, from the source root, after building): samples/recordings/make.sh [BUILD_DIR]
# BUILD_DIR defaults to "build". The recordings land next to this script.
set -euo pipefail

build="${1:-build}"
caprec="$build/record/caprec"
samples="$build/samples"
out="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

for tool in "$caprec" "$samples/sample_chown"; do
	if [[ ! -x "$tool" ]]; then
		echo "make.sh: $tool is not built" >&2
		exit 1
	fi
done

# One audited, granted CAP_CHOWN check from sample_chown_foreign_file, with both stacks.
"$caprec" -K -U --force -o "$out/chown.caprec" -- "$samples/sample_chown" >/dev/null

# The mixed workload, non-audit checks included.
"$caprec" -v -K -U --force -o "$out/workload.caprec" -- \
	samples/workload.sh -s 200 "$samples" >/dev/null 2>&1

# Two "releases" that differ by exactly one capability: b also sets its group list
# (CAP_SETGID).
"$caprec" -K -U --force -o "$out/release-a.caprec" -- \
	sh -c "$samples/sample_chown && $samples/sample_bind" >/dev/null
"$caprec" -K -U --force -o "$out/release-b.caprec" -- \
	sh -c "$samples/sample_chown && $samples/sample_bind && $samples/sample_setgroups" >/dev/null

# Damaged copies of the workload: cut at 60 % of its size (inside a block, no END), and one
# byte inverted at 50 % (inside a chunk: that block fails its checksum, the rest is readable).
size=$(stat -c %s "$out/workload.caprec")
head -c $((size * 6 / 10)) "$out/workload.caprec" >"$out/truncated.caprec"
python3 - "$out/workload.caprec" "$out/corrupted.caprec" $((size / 2)) <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[int(sys.argv[3])] ^= 0xFF
open(sys.argv[2], "wb").write(data)
PY
chmod 600 "$out"/*.caprec
ls -l "$out"/*.caprec
