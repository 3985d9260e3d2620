#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs what is missing, builds, and runs caprec's whole test suite:
#   1. the normal build: every suite (format, record, live, analyze, vm);
#   2. an ASan + UBSan build of the same tests (the kernel matrix excepted:
#      it boots static binaries in qemu, where sanitizers add nothing);
#   3. the libFuzzer targets over the reader and the loader, for a bounded time.
# Run as root from anywhere in the clone. Idempotent: build dirs are reused.
# Prints one closing line "N passed, N failed, N skipped" and exits non-zero
# when anything failed.
#
# Environment: FUZZ_SECONDS (default 60), SKIP_VM=1, SKIP_ASAN=1, SKIP_FUZZ=1
# to leave a stage out when iterating by hand (CI sets none of them).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
"$top/scripts/install-deps.sh" || exit 2

fuzz_seconds=${FUZZ_SECONDS:-60}
passed=0
failed=0
skipped=0
failures=()

# Adds the results of one `meson test` run (its testlog.json) to the totals.
count_results() {
	local log=$1/meson-logs/testlog.json stage=$2
	[ -f "$log" ] || return 0
	local counts
	counts=$(python3 - "$log" <<'PY'
import json, sys
p = f = s = 0
names = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["result"] in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif r["result"] == "SKIP":
        s += 1
    else:
        f += 1
        names.append(r["name"])
print(p, f, s, " ".join(names))
PY
)
	read -r p f s names <<<"$counts"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	[ "$f" -eq 0 ] || failures+=("$stage: $names")
}

# Stage 1: the normal build, every suite.
echo "== build (debugoptimized) and test every suite"
[ -d build/meson-private ] || meson setup build >/dev/null || exit 2
ninja -C build || exit 2
meson test -C build --print-errorlogs --no-suite vm
count_results build normal
# The kernel matrix alone and verbose, so CI shows its table of (kernel,
# attach mode, test) results whether it passes or not.
if [ "${SKIP_VM:-}" != 1 ]; then
	echo "== kernel matrix (Debian kernels under qemu, and this host)"
	meson test -C build --suite vm --verbose
	count_results build vm
fi

# Stage 2: sanitizers.
if [ "${SKIP_ASAN:-}" != 1 ]; then
	echo "== ASan + UBSan build and test"
	[ -d build-asan/meson-private ] ||
		meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null ||
		exit 2
	ninja -C build-asan || exit 2
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --print-errorlogs --no-suite vm
	count_results build-asan asan
fi

# Stage 3: fuzzing, bounded in time.
if [ "${SKIP_FUZZ:-}" != 1 ]; then
	echo "== libFuzzer targets, ${fuzz_seconds}s each"
	if fuzz/run.sh "$fuzz_seconds"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("fuzz: see output above")
	fi
fi

for f in "${failures[@]}"; do
	echo "FAILED $f"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
