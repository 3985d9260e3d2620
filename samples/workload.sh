#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# workload.sh - a mixed, repeatable workload of capability checks for demos and benchmarks.
#
# Runs every sample once as the current user and once as an unprivileged uid
# (granted and denied verdicts), a small storm, the process-tree and thread
# samples, and a few ordinary commands that make checks of their own
# (chown, a file mode change, a privileged port via the samples, process
# listing). Everything it creates lives in a private temporary directory.
#
# Usage: workload.sh [-n ROUNDS] [-s STORM_COUNT] [SAMPLES_DIR]
#   SAMPLES_DIR  where the sample executables are (default: $CAPREC_SAMPLES_DIR, else the
#                build directory next to this script's source, build*/samples)
# Exit status: 0 when every step ran; the steps themselves may be denied (that is the point).
set -euo pipefail

rounds=1
storm_count=1000
unprivileged_uid=65534

usage() {
	echo "usage: workload.sh [-n ROUNDS] [-s STORM_COUNT] [SAMPLES_DIR]" >&2
	exit 2
}

while getopts "n:s:h" option; do
	case "$option" in
	n) rounds="$OPTARG" ;;
	s) storm_count="$OPTARG" ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ "$rounds" =~ ^[0-9]+$ && "$storm_count" =~ ^[0-9]+$ ]] || usage

samples_dir="${1:-${CAPREC_SAMPLES_DIR:-}}"
if [[ -z "$samples_dir" ]]; then
	source_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
	for candidate in "$source_root"/build*/samples; do
		if [[ -x "$candidate/sample_chown" ]]; then
			samples_dir="$candidate"
			break
		fi
	done
fi
if [[ -z "$samples_dir" || ! -x "$samples_dir/sample_chown" ]]; then
	echo "workload.sh: no built samples found (give SAMPLES_DIR or set CAPREC_SAMPLES_DIR)" >&2
	exit 1
fi

scratch="$(mktemp -d /tmp/caprec-workload.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT

step() {
	echo "workload: $*" >&2
	"$@" >/dev/null || echo "workload: '$*' exited with $?" >&2
}

for ((round = 1; round <= rounds; round++)); do
	for sample in sample_chown sample_bind sample_rlimit sample_setgroups sample_mmap; do
		step "$samples_dir/$sample"
		step "$samples_dir/$sample" --uid "$unprivileged_uid"
	done
	step "$samples_dir/sample_thread"
	step "$samples_dir/sample_forker"
	step "$samples_dir/sample_storm" "$storm_count"

	# Ordinary tools: chown of a file to another user, a setuid-bit change on a
	# file we then hand away, a listing of every process's details.
	touch "$scratch/owned"
	step chown "$unprivileged_uid" "$scratch/owned"
	step chmod u+s "$scratch/owned"
	step ps -eo pid,user,comm
	rm -f "$scratch/owned"
done
