#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the libFuzzer targets, writes the seed corpus and fuzzes each target
# for a bounded time. Exits non-zero if a target crashed, leaked, timed out
# or could not be built; the reproducer is left in build-fuzz/fuzz/artifacts/.
#
# Targets: fuzz_reader (whole files), fuzz_block_bodies (one block body in
# valid framing) and fuzz_load (capanalyze's loader, from the whole-file seeds).
#
# Usage: fuzz/run.sh [DURATION]   per target: 60 (seconds, the default), 90s, 30m, 2h
#        A long run is the same command with a long duration: fuzz/run.sh 2h.
# Environment: FUZZ_BUILD_DIR (default build-fuzz); FUZZ_JOBS (default 1):
#        processes per target, sharing its corpus (one per core for a long run).
# Prints each target's executions and their total across the targets.
set -euo pipefail

duration=${1:-60}
jobs=${FUZZ_JOBS:-1}
case $jobs in
''|*[!0-9]*|0) echo "fuzz/run.sh: FUZZ_JOBS must be a whole number of at least 1" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$top/build-fuzz}
case $duration in
*[0-9]s) seconds=${duration%s} ;;
*[0-9]m) seconds=$((${duration%m} * 60)) ;;
*[0-9]h) seconds=$((${duration%h} * 3600)) ;;
*) seconds=$duration ;;
esac
case $seconds in
''|*[!0-9]*) echo "usage: $0 [DURATION]  (seconds per target, or 90s, 30m, 2h)" >&2; exit 2 ;;
esac

# name:ninja target:seed set
targets=(reader:fuzz/fuzz_reader:reader block_bodies:fuzz/fuzz_block_bodies:block_bodies
	load:fuzz/fuzz_load:reader)
# gen_hostile (tests/hostile): recordings made to cost a reader time and memory.
ninja_targets=(fuzz/make_corpus tests/hostile/gen_hostile)
for t in "${targets[@]}"; do
	ninja_targets+=("$(cut -d: -f2 <<<"$t")")
done
mkdir -p "$build"
if [ ! -d "$build/meson-private" ] &&
	! CC=clang meson setup "$build" "$top" -Dfuzz=true -Drecorder=disabled >"$build/setup.log" 2>&1; then
	echo "fuzz/run.sh: meson setup failed:" >&2
	tail -n 20 "$build/setup.log" >&2
	exit 1
fi
if ! ninja -C "$build" "${ninja_targets[@]}" >"$build/fuzz-build.log" 2>&1; then
	echo "fuzz/run.sh: building the fuzz targets failed:" >&2
	tail -n 30 "$build/fuzz-build.log" >&2
	exit 1
fi

work=$build/fuzz
mkdir -p "$work/artifacts" "$work/seeds-reader" "$work/seeds-block_bodies"
"$work/make_corpus" "$work/seeds-reader" "$work/seeds-block_bodies"
"$build/tests/hostile/gen_hostile" "$work/seeds-reader"
# Real recordings checked in by the samples area, when there are any.
shopt -s nullglob
for f in "$top"/samples/recordings/*.caprec; do
	cp "$f" "$work/seeds-reader/"
done

# One target's run: FUZZ_JOBS processes on one corpus (libFuzzer rereads the
# corpus directory, so they share what each finds). Prints the executions.
fuzz_target() {
	local name=$1 exe=$2 seeds=$3 job pids=() failed=0 executed=0 n log
	for ((job = 0; job < jobs; job++)); do
		log=$work/fuzz_$name.$job.log
		"$build/$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
			-max_len=65536 -print_final_stats=1 \
			-artifact_prefix="$work/artifacts/fuzz_$name-" \
			"$work/corpus-$name" "$work/seeds-$seeds" >"$log" 2>&1 &
		pids+=($!)
	done
	for ((job = 0; job < jobs; job++)); do
		log=$work/fuzz_$name.$job.log
		if ! wait "${pids[$job]}"; then
			echo "fuzz/run.sh: fuzz_$name (job $job) FAILED; log tail:" >&2
			tail -n 40 "$log" >&2
			failed=1
		fi
		grep -E 'cov: ' "$log" | tail -n 1 >&2
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		executed=$((executed + ${n:-0}))
	done
	echo "$executed"
	return $failed
}

status=0
total=0
started=$work/.started
touch "$started"
for t in "${targets[@]}"; do
	IFS=: read -r name exe seeds <<<"$t"
	mkdir -p "$work/corpus-$name"
	echo "fuzz/run.sh: fuzz_$name for ${seconds}s x $jobs job(s)"
	if ! executed=$(fuzz_target "$name" "$exe" "$seeds"); then
		status=1
	fi
	echo "fuzz/run.sh: fuzz_$name: $executed executions"
	total=$((total + executed))
done
findings=$(find "$work/artifacts" -type f -newer "$started" | wc -l)
if [ "$findings" -gt 0 ]; then
	verdict="$findings finding(s) in $work/artifacts"
elif [ $status != 0 ]; then
	verdict="no finding, but a target failed or was stopped (see its log)"
else
	verdict="no finding"
fi
echo "fuzz/run.sh: $total executions across the targets, $verdict"
exit $status
