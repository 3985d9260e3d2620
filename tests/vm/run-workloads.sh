#!/bin/sh
# The command caprec traces in each mode: every workload once, in a fixed order. Each actor
# line of vm-workload is prefixed with the workload's name and appended to ACTORS, which the
# host compares with what caprec recorded.
# usage: run-workloads.sh ACTORS WORKLOAD [NAME...]   (default: every workload)
actors=$1
workload=$2
shift 2
[ $# -gt 0 ] || set -- chown rlimit mmap ptrace setuid forker thread
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
exit $status
