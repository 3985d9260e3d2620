#!/bin/sh
# The command caprec traces in each mode: every workload once, in a fixed order. Each actor
# line of vm-workload is prefixed with the workload's name and appended to ACTORS, which the
# host compares with what caprec recorded.
# usage: run-workloads.sh ACTORS WORKLOAD [NAME...]   (default: every workload)
# With no NAME and CAPREC_VM_SAMPLES naming the samples/ build directory, the samples run too
# (as root, sample_chown also as nobody, and a storm of 5): their own lines ("FUNCTION: pid=
# ... cap=... syscall=... result=...") go to ACTORS with .actors replaced by .samples.
actors=$1
workload=$2
shift 2
all=""
[ $# -gt 0 ] || { all=yes; set -- chown rlimit mmap ptrace setuid forker thread; }
status=0
for name in "$@"; do
	case $name in
	chown) "$workload" chown "${CAPREC_VM_ROOTFILE:-/tmp/rootfile}" >"$actors.$name" ;;
	*) "$workload" "$name" >"$actors.$name" ;;
	esac
	rc=$?
	sed "s/^/$name /" "$actors.$name" >>"$actors"
	rm -f "$actors.$name"
	[ $rc -eq 0 ] || { echo "run-workloads: $name exited $rc" >&2; status=1; }
done
samples=${CAPREC_VM_SAMPLES:-}
if [ -n "$all" ] && [ -x "$samples/sample_chown" ]; then
	out=${actors%.actors}.samples
	for run in sample_chown "sample_chown --uid 65534" sample_bind sample_rlimit \
		sample_setgroups sample_mmap sample_thread sample_forker "sample_storm 5"; do
		# shellcheck disable=SC2086 # a sample and its arguments
		$samples/$run >>"$out" || { echo "run-workloads: $run failed" >&2; status=1; }
	done
fi
exit $status
