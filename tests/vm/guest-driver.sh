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
#        CAPREC_VM_SAMPLES  directory of the samples (default /vm/samples when it exists)
#        CAPREC_HOG       fexit-hog (default /vm/fexit-hog; absent: no auto-nofentry run)
#        CAPREC_SHIP=1    print RESULTS as a base64 tar.gz between marker lines at the end
#                         (how a guest hands its results to the host over the serial console)
results=$1
modes=$(echo "${CAPREC_MODES:-kprobe,fentry,auto}" | tr ',' ' ')
[ "$modes" = none ] && modes=""
caprec=${CAPREC_BIN:-/vm/caprec}
workload=${CAPREC_WORKLOAD:-/vm/vm-workload}
here=$(cd "$(dirname "$0")" && pwd)
step_timeout=${CAPREC_STEP_TIMEOUT:-120}

# Runs one step under a time limit (a hung step must not cost the whole boot its results)
# and names it on the console first, so that a log cut short shows where it stopped.
# The step's own output is redirected by its caller: the marker goes to fd 3, the console.
exec 3>&1
step() {
	echo "@@CAPREC-VM STEP $(cut -d' ' -f1 /proc/uptime)s $*" | cut -c1-150 >&3
	timeout -k 5 "$step_timeout" "$@"
}
[ -z "${CAPREC_VM_SAMPLES:-}" ] && [ -d /vm/samples ] && export CAPREC_VM_SAMPLES=/vm/samples
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
	# Does cap_vm_enough_memory() call cap_capable() out of line? Compilers may inline it (same
	# file): then fentry and kprobes on cap_capable cannot see the mmap/brk check at all. The
	# function tracer on just these two functions names each call's caller, cheaply.
	grep -E '^(cap_vm_enough_memory|security_vm_enough_memory_mm|__vm_enough_memory)( |$)' \
		$tracing/available_filter_functions 2>/dev/null | sed 's/^/traceable /'
	if (echo 'cap_vm_enough_memory cap_capable' >$tracing/set_ftrace_filter &&
		echo function >$tracing/current_tracer) 2>/dev/null; then
		"$workload" mmap >/dev/null
		# Stop before reading: switching the tracer back would empty the buffer.
		echo 0 >$tracing/tracing_on
		grep -v '^#' $tracing/trace | tail -n 200 >"$results/ftrace-vm_enough_memory"
		echo nop >$tracing/current_tracer
		echo 1 >$tracing/tracing_on
		if ! grep -q ' cap_vm_enough_memory <-' "$results/ftrace-vm_enough_memory"; then
			echo "vm_enough_memory_calls_cap_capable unknown"
		elif grep -q ' cap_capable <-cap_vm_enough_memory' "$results/ftrace-vm_enough_memory"; then
			echo "vm_enough_memory_calls_cap_capable yes"
		else
			echo "vm_enough_memory_calls_cap_capable no"
		fi
		echo >$tracing/set_ftrace_filter
	else
		echo "vm_enough_memory_calls_cap_capable unknown"
	fi
} >"$results/kernel-facts"

# The BPF object alone, one mode at a time: the verifier's and the attach's verdict.
# Checks the kernel does not make (or hides from function probes) are not expected.
for mode in $(echo "${CAPREC_BPF_MODES:-}" | tr ',' ' '); do
	not_expected=""
	[ "$mode" != tracepoint ] && grep -q 'vm_enough_memory_calls_cap_capable no' \
		"$results/kernel-facts" && not_expected="mmap"
	# The tracepoint exists on 6.14+ only, where reading another user's /proc/PID/stat was
	# seen to make no CAP_SYS_PTRACE check (6.18); its audit flag is inferred there anyway.
	[ "$mode" = tracepoint ] && not_expected="ptrace-read"
	step "${CAPREC_BPF_CHECK:-/vm/bpf-load-check}" "${CAPREC_BPF_OBJECT:-/vm/caprec.bpf.o}" "$mode" \
		$not_expected >"$results/$mode.bpfcheck" 2>&1
	echo $? >"$results/$mode.bpfcheck.rc"
done

if [ -n "$modes" ]; then
	step "$caprec" --probe >"$results/probe.out" 2>&1
	echo $? >"$results/probe.rc"
fi

# The chown workload's target: a root-owned file the workload's nobody cannot chown.
# In /tmp itself: nobody must be able to reach it (a private TMPDIR would give EACCES).
rootfile=$(mktemp /tmp/caprec-vm-rootfile.XXXXXX)
chmod 644 "$rootfile"
export CAPREC_VM_ROOTFILE=$rootfile

for mode in $modes; do
	# Everything: -v (non-audit checks too), -x (TID SYSCALL INSETID USERNS), both stacks,
	# a recording and the live lines at once. The workloads are descendants of `-- CMD`.
	: >"$results/$mode.actors"
	step "$caprec" --attach "$mode" -v -x -K -U -o "$results/$mode.crf" --print -- \
		/bin/sh "$here/run-workloads.sh" "$results/$mode.actors" "$workload" \
		>"$results/$mode.live" 2>"$results/$mode.err"
	echo $? >"$results/$mode.rc"

	# Default filter (audited checks only): the non-audit checks must not show up.
	: >"$results/$mode-audited.actors"
	step "$caprec" --attach "$mode" -x -- \
		/bin/sh "$here/run-workloads.sh" "$results/$mode-audited.actors" "$workload" \
		mmap ptrace rlimit >"$results/$mode-audited.live" 2>"$results/$mode-audited.err"
	echo $? >"$results/$mode-audited.rc"
done

# Automatic choice without fentry: with cap_capable's BPF trampoline filled by fexit-hog,
# fexit cannot attach while kprobes still can; auto must fall back to kprobe ("auto-nofentry").
hog=${CAPREC_HOG:-/vm/fexit-hog}
if [ -n "$modes" ] && [ -x "$hog" ]; then
	control=$(mktemp -u /tmp/caprec-vm-hog.XXXXXX)
	mkfifo "$control"
	"$hog" <"$control" >"$results/hog.out" 2>&1 &
	hog_pid=$!
	exec 9>"$control"
	tries=0
	while ! grep -q 'trampoline full' "$results/hog.out" && kill -0 $hog_pid 2>/dev/null &&
		[ $tries -lt 600 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	if grep -q 'trampoline full' "$results/hog.out"; then
		step "$caprec" --probe >"$results/probe-nofentry.out" 2>&1
		echo $? >"$results/probe-nofentry.rc"
		mode=auto-nofentry
		: >"$results/$mode.actors"
		step "$caprec" --attach auto -v -x -K -U -o "$results/$mode.crf" --print -- \
			/bin/sh "$here/run-workloads.sh" "$results/$mode.actors" "$workload" \
			chown rlimit ptrace setuid forker >"$results/$mode.live" 2>"$results/$mode.err"
		echo $? >"$results/$mode.rc"
	fi
	exec 9>&-
	wait $hog_pid
	echo $? >"$results/hog.rc"
	rm -f "$control"
fi
rm -f "$rootfile"

if [ "${CAPREC_SHIP:-}" = 1 ]; then
	echo "@@CAPREC-VM RESULTS BEGIN"
	tar -czf - -C "$results" . | base64
	echo "@@CAPREC-VM RESULTS END"
fi
exit 0
