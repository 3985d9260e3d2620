#!/bin/sh
# The in-guest test driver (busybox sh; also run directly on the host for the host's row).
# It only runs things and keeps their output: every verdict is made on the host by
# check-results.py, so the guest needs no parser and the host's row is checked identically.
#
# usage: guest-driver.sh RESULTS
# env:   CAPREC_MODES     comma-separated attach modes to run (default kprobe,fentry,auto)
#        CAPREC_BIN       caprec to run (default /vm/caprec)
#        CAPREC_WORKLOAD  vm-workload to run (default /vm/vm-workload)
#        CAPREC_BPF_MODES modes for bpf-load-check (default: none)
#        CAPREC_BPF_CHECK, CAPREC_BPF_OBJECT  bpf-load-check and caprec.bpf.o
#                         (default /vm/bpf-load-check, /vm/caprec.bpf.o)
#        CAPREC_SHIP=1    print RESULTS as a base64 tar.gz between marker lines at the end
#                         (how a guest hands its results to the host over the serial console)
results=$1
modes=$(echo "${CAPREC_MODES:-kprobe,fentry,auto}" | tr ',' ' ')
[ "$modes" = none ] && modes=""
caprec=${CAPREC_BIN:-/vm/caprec}
workload=${CAPREC_WORKLOAD:-/vm/vm-workload}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$results"

# What the kernel offers, independently of caprec: the host derives the expected automatic
# choice from it (the tracepoint where it exists, else fentry, else kprobe).
{
	echo "release $(uname -r)"
	tracing=/sys/kernel/tracing
	[ -d $tracing/events ] || tracing=/sys/kernel/debug/tracing
	if [ -d $tracing/events/capability/cap_capable ]; then
		echo "tracepoint yes"
	else
		echo "tracepoint no"
	fi
	if grep -qx 'cap_capable' $tracing/available_filter_functions 2>/dev/null; then
		echo "ftrace_function yes"
	else
		echo "ftrace_function no"
	fi
	echo "lockdown $(cat /sys/kernel/security/lockdown 2>/dev/null)"
} >"$results/kernel-facts"

# The BPF object alone, one mode at a time: the verifier's and the attach's verdict.
for mode in $(echo "${CAPREC_BPF_MODES:-}" | tr ',' ' '); do
	"${CAPREC_BPF_CHECK:-/vm/bpf-load-check}" "${CAPREC_BPF_OBJECT:-/vm/caprec.bpf.o}" "$mode" \
		>"$results/$mode.bpfcheck" 2>&1
	echo $? >"$results/$mode.bpfcheck.rc"
done

if [ -n "$modes" ]; then
	"$caprec" --probe >"$results/probe.out" 2>&1
	echo $? >"$results/probe.rc"
fi

# The chown workload's target: a root-owned file the workload's nobody cannot chown.
rootfile=$(mktemp "${TMPDIR:-/tmp}/caprec-vm-rootfile.XXXXXX")
chmod 644 "$rootfile"
export CAPREC_VM_ROOTFILE=$rootfile

for mode in $modes; do
	# Everything: -v (non-audit checks too), -x (TID SYSCALL INSETID USERNS), both stacks,
	# a recording and the live lines at once. The workloads are descendants of `-- CMD`.
	: >"$results/$mode.actors"
	"$caprec" --attach "$mode" -v -x -K -U -o "$results/$mode.crf" --print -- \
		/bin/sh "$here/run-workloads.sh" "$results/$mode.actors" "$workload" \
		>"$results/$mode.live" 2>"$results/$mode.err"
	echo $? >"$results/$mode.rc"

	# Default filter (audited checks only): the non-audit mmap check must not show up.
	: >"$results/$mode-audited.actors"
	"$caprec" --attach "$mode" -x -- \
		/bin/sh "$here/run-workloads.sh" "$results/$mode-audited.actors" "$workload" \
		mmap rlimit >"$results/$mode-audited.live" 2>"$results/$mode-audited.err"
	echo $? >"$results/$mode-audited.rc"
done
rm -f "$rootfile"

if [ "${CAPREC_SHIP:-}" = 1 ]; then
	echo "@@CAPREC-VM RESULTS BEGIN"
	tar -czf - -C "$results" . | base64
	echo "@@CAPREC-VM RESULTS END"
fi
exit 0
