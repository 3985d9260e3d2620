#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's first command: installs what is missing, builds caprec and
# capanalyze, records a real demo workload (samples/workload.sh: every sample
# once as root and once as an unprivileged uid, a small storm, a process tree,
# a thread) with kernel and user stacks, and shows what capanalyze answers.
# Run as root. Idempotent: the build dir is reused, the demo files rewritten.
#
# Usage: scripts/demo.sh [OUTPUT_DIR]   (default: ./demo-output)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$PWD/demo-output}
"$top/scripts/install-deps.sh"

cd "$top"
[ -d build/meson-private ] || meson setup build >/dev/null
ninja -C build >/dev/null

caprec=$top/build/record/caprec
capanalyze=$top/build/analyze/capanalyze
mkdir -p "$out"
rm -f "$out/demo.caprec" "$out/demo.db"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step caprec -v -K -U -o "$out/demo.caprec" -- samples/workload.sh build/samples
"$caprec" -v -K -U -o "$out/demo.caprec" -- "$top/samples/workload.sh" "$top/build/samples" \
	>"$out/workload.log"

step capanalyze info "$out/demo.caprec"
"$capanalyze" info "$out/demo.caprec"

step capanalyze load "$out/demo.caprec" -d "$out/demo.db"
"$capanalyze" load "$out/demo.caprec" -d "$out/demo.db"

step capanalyze summary "$out/demo.db"
"$capanalyze" summary "$out/demo.db"

step capanalyze paths "$out/demo.db" --exe '*sample_chown' --limit 2
"$capanalyze" paths "$out/demo.db" --exe '*sample_chown' --limit 2

step capanalyze policy "$out/demo.db" --exe '*sample_bind'
"$capanalyze" policy "$out/demo.db" --exe '*sample_bind'

step capanalyze check --allow CAP_CHOWN "$out/demo.db"
status=0
"$capanalyze" check --allow CAP_CHOWN "$out/demo.db" | head -20 || status=$?
echo "(exit status $status: the workload used more than CAP_CHOWN)"

step capanalyze flamegraph "$out/demo.db" -o "$out/demo.svg"
"$capanalyze" flamegraph "$out/demo.db" -o "$out/demo.svg"

step capanalyze replay "$out/demo.caprec" --cap CAP_NET_BIND_SERVICE
"$capanalyze" replay "$out/demo.caprec" --cap CAP_NET_BIND_SERVICE

printf '\nDemo files in %s: demo.caprec (the recording), demo.db (SQLite: try\n' "$out"
printf '  sqlite3 %s/demo.db ".tables"), demo.svg (open in a browser).\n' "$out"
