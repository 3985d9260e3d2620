#!/bin/bash
# Reproduces every figure of BENCHMARKS.md in one run (issue 6):
#   verify      each storm mode makes exactly one capability check per call
#   overhead    ns added per check: nothing, count-only floor, minimal ring buffer
#               (with and without both stacks), caprec live / recording / -K -U /
#               filtered out, bpftrace printer; interleaved rounds, medians
#   throughput  highest storm rate recorded with zero loss at default buffers, and
#               recorded + lost == generated when overloaded
#   size        bytes per event (storm, mixed workload) against text + zstd -3
#   load        capanalyze load of 1 M and 10 M events; every report on 10 M
#   rss         caprec's resident memory over a long recording
#   unwind      -K -U on a storm built without frame pointers: the frame-pointer
#               walk alone (--user-stack-bytes 0) against the stack copy +
#               .eh_frame unwinding (8k, 16k, 32k = default) and the minimal ring buffer; paths
#               reaching the entry; recorder time per stack, cold and warm; bytes copied
#   paths       the share of user stacks reaching the entry on Debian's own programs
#               (bench/real_corpus.sh: chown, chmod, ip, ping, su, python3), 16k and 32k
#   churn       caprec -v -K -U -- (a loop of su -s /bin/sh nobody -c true): the
#               recorder's RSS under process churn
# Ratios are taken against baselines measured in the same invocation: the
# machines are shared and noisy, absolute times drift, ratios hold.
#
# Usage: bench/run.sh [--quick] [--build DIR] [--out DIR] [--only SECTION]...
#   --quick   short durations and few rounds: the whole suite in a few minutes
#   --build   meson build directory to use/create (default: build-bench)
#   --out     scratch and results directory (default: /tmp/caprec-bench.<time>)
#   --only    run only the named sections (repeatable)
# Needs root (BPF). Writes OUT/results.md (also printed) and OUT/data.tsv.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
quick=0
build=
out=
only=()
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--build) build=$2; shift ;;
	--out) out=$2; shift ;;
	--only) only+=("$2"); shift ;;
	-h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
build=${build:-$top/build-bench}
out=${out:-/tmp/caprec-bench.$(date -u +%Y%m%dT%H%M%S)}

if [ "$quick" = 1 ]; then
	rounds=3 storm_seconds=1 tp_seconds=2 rss_seconds=30 sizes=(1000000 10000000)
	report_timeout=60 host_seconds=20
	rates=(50000 100000 200000 400000 0)
	ku_rates=(10000 20000 40000 0)
else
	rounds=7 storm_seconds=3 tp_seconds=5 rss_seconds=600 sizes=(1000000 10000000)
	report_timeout=300 host_seconds=60
	rates=(25000 50000 100000 150000 200000 300000 400000 600000 0)
	ku_rates=(5000 10000 20000 30000 40000 60000 0)
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "run.sh: must run as root (BPF programs are loaded)" >&2
	exit 2
fi
mkdir -p "$out" || exit 2
data=$out/data.tsv
: >"$data"
log=$out/run.log
: >"$log"
# Keep capanalyze's cache of loaded recordings inside the scratch directory.
export XDG_CACHE_HOME=$out/cache

say() { echo "== $*" | tee -a "$log" >&2; }
record() { (IFS=$'\t'; echo "$*") >>"$data"; }
want() {
	[ ${#only[@]} -eq 0 ] && return 0
	local s
	for s in "${only[@]}"; do [ "$s" = "$1" ] && return 0; done
	return 1
}
skip() { record skipped "$1" "$2"; say "$1: not measured: $2"; }

# ---- build ---------------------------------------------------------------
say "build in $build"
if [ ! -d "$build/meson-private" ]; then
	meson setup "$build" --buildtype=release >>"$log" 2>&1 ||
		{ echo "run.sh: meson setup failed, see $log" >&2; exit 2; }
fi
# The project first (caprec, capanalyze): a half-built area must not stop the
# baselines, so failures are noted and the bench targets are built one by one.
ninja -C "$build" >>"$log" 2>&1 || say "project build failed (see $log); measuring what built"
for t in capstorm capstorm_nofp count_floor min_ringbuf gen_recording recording_count \
	recording_text; do
	ninja -C "$build" "bench/$t" >>"$log" 2>&1 || say "bench/$t did not build (see $log)"
done
bin=$build/bench
capstorm=$bin/capstorm
caprec=$build/record/caprec
capanalyze=$build/analyze/capanalyze
have() { [ -x "$1" ]; }
have "$capstorm" || { echo "run.sh: capstorm did not build, see $log" >&2; exit 2; }

mountpoint -q /sys/kernel/tracing 2>/dev/null || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
bpftrace=$(command -v bpftrace || true)

record meta date "$(date -u +%Y-%m-%dT%H:%MZ)"
record meta kernel "$(uname -r)"
record meta nproc "$(nproc)"
record meta cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
record meta mode "$([ $quick = 1 ] && echo quick || echo full)"
record meta rounds "$rounds"
record meta storm_seconds "$storm_seconds"
record meta git "$(git -C "$top" rev-parse --short HEAD 2>/dev/null)"
record meta bpftrace "$([ -n "$bpftrace" ] && "$bpftrace" --version 2>/dev/null || echo none)"

# ---- helpers -------------------------------------------------------------
# Waits until process $1 holds a BPF link (libbpf attach) or at least $2
# perf-event fds (bpftrace attaches tracepoints through perf events), then
# lets it settle. Returns 1 if it died or never attached.
wait_attached() {
	local pid=$1 perf_needed=${2:-0} i fds
	for ((i = 0; i < 400; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		fds=$(ls -l "/proc/$pid/fd" 2>/dev/null)
		if grep -q 'bpf_link' <<<"$fds" ||
			{ [ "$perf_needed" -gt 0 ] &&
				[ "$(grep -c 'perf_event' <<<"$fds")" -ge "$perf_needed" ]; }; then
			sleep 0.5
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# Stops a tool we started (SIGINT, as a user would), waits for it.
stop_tool() {
	local pid=$1
	kill -INT "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# CPU time (ns) all threads of process $1 have run so far (0 if it is gone).
process_cpu_ns() {
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d", s }'
}

# BPF links on the cap_capable tracepoint right now: other people's tracers
# (tests of a shared machine) add their cost to every check we measure.
cap_capable_links() {
	bpftool link show 2>/dev/null | grep -c "tp 'cap_capable'"
}

field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2" | head -1; }

# Starts the tracer of overhead config $1 in the background; sets tool_pid
# (empty for "none"). $2 = scratch file for a recording.
start_tracer() {
	local config=$1 file=$2
	tool_pid=
	case $config in
	none) return 0 ;;
	count_floor) "$bin/count_floor" >"$out/tool.out" 2>>"$log" & ;;
	min_ringbuf) "$bin/min_ringbuf" >"$out/tool.out" 2>>"$log" & ;;
	min_ringbuf_stacks) "$bin/min_ringbuf" -s -b $((16 << 20)) >"$out/tool.out" 2>>"$log" & ;;
	min_ringbuf_caller) "$bin/min_ringbuf" -c 12 >"$out/tool.out" 2>>"$log" & ;;
	caprec_live) "$caprec" >/dev/null 2>>"$log" & ;;
	caprec_record) "$caprec" -o "$file" >/dev/null 2>>"$log" & ;;
	caprec_record_KU) "$caprec" -K -U -o "$file" >/dev/null 2>>"$log" & ;;
	caprec_record_sysret)
		"$caprec" --syscall-returns on -o "$file" >/dev/null 2>>"$log" & ;;
	caprec_filtered) "$caprec" -p "$sleeper" -o "$file" >/dev/null 2>>"$log" & ;;
	caprec_KU_fp) "$caprec" -K -U --user-stack-bytes 0 -o "$file" >/dev/null 2>>"$log" & ;;
	caprec_KU_copy8k) "$caprec" -K -U --user-stack-bytes 8k -o "$file" >/dev/null \
		2>>"$log" & ;;
	caprec_KU_copy16k) "$caprec" -K -U --user-stack-bytes 16k -o "$file" >/dev/null \
		2>>"$log" & ;;
	caprec_KU_copy32k) "$caprec" -K -U -o "$file" >/dev/null 2>>"$log" & ;;
	bpftrace)
		"$bpftrace" -e 'tracepoint:capability:cap_capable {
			printf("%s %-6d %-7d %-16s %-4d %d\n", strftime("%H:%M:%S", nsecs),
			       uid, pid, comm, args->cap, args->ret); }' >/dev/null 2>>"$log" &
		;;
	esac
	tool_pid=$!
	local perf_needed=0
	[ "$config" = bpftrace ] && perf_needed=$(($(nproc) + 1))
	if ! wait_attached "$tool_pid" "$perf_needed"; then
		say "overhead: $config did not attach (see $log)"
		stop_tool "$tool_pid"
		tool_pid=
		return 1
	fi
}

# ---- verify: exactly one check per iteration -----------------------------
if want verify; then
	if have "$bin/count_floor"; then
		say "verify: checks per storm iteration (count_floor -p)"
		for mode in denied granted noaudit "denied --floor" "granted --floor" \
			"noaudit --floor"; do
			# shellcheck disable=SC2086
			"$capstorm" -m $mode -t 2 -n 50000 --wait >"$out/storm.out" 2>>"$log" &
			storm=$!
			sleep 0.2
			"$bin/count_floor" -p "$storm" >"$out/count.out" 2>>"$log" &
			counter=$!
			if wait_attached "$counter"; then
				kill -USR1 "$storm"
				wait "$storm"
			else
				kill "$storm"
				wait "$storm"
			fi
			stop_tool "$counter"
			it=$(field iterations "$(cat "$out/storm.out")")
			counts=$(cat "$out/count.out")
			record verify "${mode// /}" "$it" "$counts"
			say "verify: $mode: $it iterations -> $counts"
		done
	else
		skip verify "count_floor did not build"
	fi
fi

# ---- overhead ------------------------------------------------------------
if want overhead; then
	configs=(none)
	have "$bin/count_floor" && configs+=(count_floor)
	have "$bin/min_ringbuf" && configs+=(min_ringbuf min_ringbuf_caller min_ringbuf_stacks)
	if have "$caprec"; then
		configs+=(caprec_live caprec_record caprec_record_sysret caprec_record_KU
			caprec_filtered)
	else
		skip overhead-caprec "caprec not built ($caprec missing)"
	fi
	if [ -n "$bpftrace" ]; then
		configs+=(bpftrace)
	else
		skip overhead-bpftrace "bpftrace not installed (apt-get install bpftrace)"
	fi
	sleep 100000 &
	sleeper=$!
	say "overhead: ${#configs[@]} configs x $rounds rounds x ${storm_seconds}s"
	for ((round = 0; round < rounds; round++)); do
		# Rotate the order each round so no config always runs after the same one.
		n=${#configs[@]}
		for ((k = 0; k < n; k++)); do
			config=${configs[$(((k + round) % n))]}
			file=$out/overhead.caprec
			rm -f "$file"
			foreign=$(cap_capable_links)
			start_tracer "$config" "$file" || continue
			tool_cpu0=0 tool_cpu1=0
			[ -n "$tool_pid" ] && tool_cpu0=$(process_cpu_ns "$tool_pid")
			result=$("$capstorm" -m denied -d "$storm_seconds" 2>>"$log")
			[ -n "$tool_pid" ] && tool_cpu1=$(process_cpu_ns "$tool_pid")
			[ -n "$tool_pid" ] && stop_tool "$tool_pid"
			ns=$(field ns_per_iter "$result")
			cpu_ns=$(field cpu_ns_per_iter "$result")
			extra=
			case $config in
			count_floor | min_ringbuf*) extra=$(tr '\n' ' ' <"$out/tool.out") ;;
			caprec_record | caprec_record_sysret | caprec_record_KU | caprec_filtered)
				extra="file_bytes=$(stat -c %s "$file" 2>/dev/null || echo 0)" ;;
			esac
			record overhead "$config" "$round" "$cpu_ns" "$(field checks "$result")" \
				"$((tool_cpu1 - tool_cpu0))" "$ns" "$foreign" "$extra"
			echo "   round $round $config cpu_ns_per_iter=$cpu_ns ns_per_iter=$ns" \
				"tool_cpu_ns=$((tool_cpu1 - tool_cpu0)) foreign_links=$foreign $extra" >>"$log"
		done
	done
	kill "$sleeper" 2>/dev/null
	wait "$sleeper" 2>/dev/null
	rm -f "$out/overhead.caprec"
fi

# ---- where the time goes: perf over the storm under each recorder config ----
if want profile; then
	if command -v perf >/dev/null; then
		pconfigs=(min_ringbuf)
		have "$caprec" && pconfigs+=(caprec_record caprec_record_KU)
		for config in "${pconfigs[@]}"; do
			sleep 100000 &
			sleeper=$!
			start_tracer "$config" "$out/profile.caprec" || { kill "$sleeper"; continue; }
			# The storm's side (the BPF program runs in its syscalls) and the tracer's
			# side (the consumer), each profiled alone.
			perf record -g -o "$out/perf-$config-tracer.data" -p "$tool_pid" \
				>>"$log" 2>&1 &
			perf_pid=$!
			perf record -g -o "$out/perf-$config-storm.data" -- \
				"$capstorm" -m denied -d 2 >>"$log" 2>&1
			kill -INT "$perf_pid"
			wait "$perf_pid"
			stop_tool "$tool_pid"
			kill "$sleeper" 2>/dev/null
			wait "$sleeper" 2>/dev/null
			for side in storm tracer; do
				perf report -i "$out/perf-$config-$side.data" --stdio --no-children \
					--sort dso,symbol 2>/dev/null | grep -E '^ +[0-9.]+%' | head -15 \
					>"$out/profile-$config-$side.txt"
				while read -r pct dso sym; do
					record profile "$config-$side" "$pct" "$dso" "$sym"
				done < <(awk '{ print $1, $2, $4 }' "$out/profile-$config-$side.txt")
			done
			say "profile: $config: top symbols in $out/profile-$config-{storm,tracer}.txt"
			rm -f "$out/profile.caprec"
		done
	else
		skip profile "perf not installed (apt-get install linux-perf)"
	fi
fi

# ---- unwind: -K -U on a storm without frame pointers ----------------------
meta() { sed -n "s/^metadata *$1=//p" <<<"$2" | head -1; }
if want unwind; then
	if have "$bin/capstorm_nofp" && have "$caprec" && have "$capanalyze"; then
		uconfigs=(none caprec_KU_fp caprec_KU_copy8k caprec_KU_copy16k caprec_KU_copy32k)
		have "$bin/min_ringbuf" && uconfigs+=(min_ringbuf)
		say "unwind: ${#uconfigs[@]} configs x $rounds rounds x ${storm_seconds}s, storm -O2 without frame pointers"
		for ((round = 0; round < rounds; round++)); do
			n=${#uconfigs[@]}
			for ((k = 0; k < n; k++)); do
				config=${uconfigs[$(((k + round) % n))]}
				file=$out/unwind.caprec
				rm -f "$file"
				start_tracer "$config" "$file" || continue
				tool_cpu0=0 tool_cpu1=0
				[ -n "$tool_pid" ] && tool_cpu0=$(process_cpu_ns "$tool_pid")
				result=$("$bin/capstorm_nofp" -m denied -d "$storm_seconds" 2>>"$log")
				[ -n "$tool_pid" ] && tool_cpu1=$(process_cpu_ns "$tool_pid")
				[ -n "$tool_pid" ] && stop_tool "$tool_pid"
				checks=$(field checks "$result")
				info=
				[ -s "$file" ] && info=$("$capanalyze" info "$file" 2>>"$log")
				record unwind "$config" "$round" "$(field cpu_ns_per_iter "$result")" \
					"$checks" "$((tool_cpu1 - tool_cpu0))" \
					"$(meta stacks.user.count "$info")" \
					"$(meta stacks.user.reached_entry "$info")" \
					"$(meta stacks.user.ns_per_stack "$info")" \
					"$(meta stacks.user.ns_slowest "$info")" \
					"$(stat -c %s "$file" 2>/dev/null || echo 0)" \
					"$(meta stacks.user.copied_bytes_per_stack "$info")"
			done
		done
		rm -f "$out/unwind.caprec"
		# Medians per config: storm CPU ns per check (the in-kernel cost), recorder CPU
		# ns per check, share of stacks reaching the entry, recorder ns per stack (mean,
		# slowest = cold), recording bytes per check.
		awk -F'\t' '$1 == "unwind" {
			k = $2; n[k]++; cpu[k, n[k]] = $4
			tool[k, n[k]] = ($5 > 0 ? $6 / $5 : 0)
			share[k] = ($7 > 0 ? 100 * $8 / $7 : -1); mean[k] = $9; cold[k] = $10
			bytes[k, n[k]] = ($5 > 0 ? $11 / $5 : 0); copied[k] = $12
		}
		function median(arr, k, m,   i, j, t, v) {
			for (i = 1; i <= m; i++) v[i] = arr[k, i]
			for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
				if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			return v[int((m + 1) / 2)]
		}
		function fastest(arr, k, m,   i, v) {
			v = arr[k, 1]
			for (i = 2; i <= m; i++) if (arr[k, i] < v) v = arr[k, i]
			return v
		}
		END {
			print "| config | storm CPU ns/check (fastest, median) | recorder CPU ns/check | reached entry | recorder ns/stack (mean, slowest) | stack bytes copied | bytes/check |"
			print "|---|---|---|---|---|---|---|"
			for (k in n)
				printf "| %s | %.0f, %.0f | %.0f | %s | %s, %s | %s | %.1f |\n", k,
					fastest(cpu, k, n[k]), median(cpu, k, n[k]),
					median(tool, k, n[k]), share[k] < 0 ? "-" : sprintf("%.1f %%", share[k]),
					mean[k] == "" ? "-" : mean[k], cold[k] == "" ? "-" : cold[k],
					copied[k] == "" ? "-" : copied[k], median(bytes, k, n[k])
		}' "$data" | tee "$out/unwind.md" | tee -a "$log" >&2
	else
		skip unwind "capstorm_nofp, caprec or capanalyze did not build"
	fi
fi

# Records "$1 SECONDS VmRSS-KiB" of process $2 while process $3 runs.
sample_rss() {
	local start=$SECONDS rss
	while kill -0 "$3" 2>/dev/null; do
		rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$2/status")
		record "$1" "$((SECONDS - start))" "${rss:-0}"
		sleep $((rss_seconds >= 300 ? 10 : 2))
	done
}

# ---- paths: Debian's own programs reaching their entry ---------------------
if want paths; then
	if have "$caprec" && have "$capanalyze"; then
		say "paths: caprec -U -- sh bench/real_corpus.sh, 16k and 32k (default), $rounds rounds"
		for ((round = 0; round < rounds; round++)); do
			for size in 16k 32k; do
				file=$out/paths.caprec
				rm -f "$file"
				"$caprec" -U --user-stack-bytes "$size" -o "$file" -- \
					sh "$top/bench/real_corpus.sh" >/dev/null 2>>"$log"
				info=$("$capanalyze" info "$file" 2>>"$log")
				record paths "$size" "$round" "$(meta stacks.user.count "$info")" \
					"$(meta stacks.user.reached_entry "$info")" \
					"$(meta stacks.user.unwind_ends "$info")"
			done
		done
		rm -f "$out/paths.caprec"
		awk -F'\t' '$1 == "paths" { n[$2] += $4; r[$2] += $5; ends[$2] = $6 }
		END {
			print "| --user-stack-bytes | user stacks | reached entry | share | walk ends (last run) |"
			print "|---|---|---|---|---|"
			for (k in n)
				printf "| %s | %d | %d | %.1f %% | %s |\n", k, n[k], r[k],
					n[k] ? 100 * r[k] / n[k] : 0, ends[k]
		}' "$data" | tee "$out/paths.md" | tee -a "$log" >&2
	else
		skip paths "caprec or capanalyze not built"
	fi
fi

# ---- churn: recorder RSS with -v -K -U under a loop of su ------------------
if want churn; then
	if have "$caprec" && have "$capanalyze" && getent passwd nobody >/dev/null &&
		have "$(command -v su)"; then
		# The loop is caprec's command (followed with its descendants): what is recorded
		# is su's churn alone, whatever else the machine runs.
		say "churn: caprec -v -K -U -o FILE -- (a loop of su) for ${rss_seconds}s"
		"$caprec" -v -K -U -o "$out/churn.caprec" -- sh -c '
			end=$(($(date +%s) + $1))
			while [ "$(date +%s)" -lt "$end" ]; do su -s /bin/sh nobody -c true; done' \
			churn "$rss_seconds" >/dev/null 2>>"$log" &
		rec=$!
		sample_rss churn "$rec" "$rec"
		wait "$rec"
		info=$("$capanalyze" info "$out/churn.caprec" 2>>"$log")
		record churn_recording "$(meta stacks.user.count "$info")" \
			"$(meta stacks.user.reached_entry "$info")" \
			"$(stat -c %s "$out/churn.caprec" 2>/dev/null || echo 0)"
		awk -F'\t' '$1 == "churn" && $3 > 0 { if ($3 > max) max = $3; if (!first) first = $3; last = $3 }
			$1 == "churn_recording" { stacks = $2; reached = $3; bytes = $4 }
			END { printf "churn: VmRSS first %d KiB, last %d KiB, peak %d KiB; %d user stacks, %d reached the entry, %d bytes\n", first, last, max, stacks, reached, bytes }' \
			"$data" | tee "$out/churn.md" | tee -a "$log" >&2
		rm -f "$out/churn.caprec"
	else
		skip churn "caprec, capanalyze, su or the user nobody missing"
	fi
fi

# ---- throughput and loss accounting --------------------------------------
# One storm run recorded by caprec -p: rate $1 (0 = unthrottled), extra caprec
# options after it. Records: target, achieved, generated, recorded, lost.
throughput_run() {
	local rate=$1 label=$2
	shift 2
	local file=$out/tp.caprec
	rm -f "$file"
	"$capstorm" -m denied -t 2 -d "$tp_seconds" -r "$rate" --wait >"$out/storm.out" \
		2>>"$log" &
	local storm=$!
	sleep 0.2
	"$caprec" "$@" -p "$storm" -o "$file" >/dev/null 2>"$out/caprec.err" &
	local rec=$!
	if ! wait_attached "$rec"; then
		say "throughput: caprec did not attach: $(tail -1 "$out/caprec.err")"
		kill "$storm" "$rec" 2>/dev/null
		wait "$storm" "$rec" 2>/dev/null
		return 1
	fi
	kill -USR1 "$storm"
	wait "$storm"
	sleep 0.5
	stop_tool "$rec"
	cat "$out/caprec.err" >>"$log"
	local storm_line count_line
	storm_line=$(cat "$out/storm.out")
	count_line=$("$bin/recording_count" "$file" 2>>"$log")
	record throughput "$label" "$rate" "$(field checks_per_s "$storm_line")" \
		"$(field iterations "$storm_line")" "$(field events "$count_line")" \
		"$(field lost "$count_line")" "$(field file_bytes "$count_line")"
	say "throughput: $label rate=${rate:-max} achieved=$(field checks_per_s "$storm_line")/s" \
		"generated=$(field iterations "$storm_line") recorded=$(field events "$count_line")" \
		"lost=$(field lost "$count_line")"
	# Keep the largest loss-free storm recording for the size section.
	if [ "$(field lost "$count_line")" = 0 ] && [ -n "$(field events "$count_line")" ]; then
		local best=0
		[ -f "$out/storm-best.events" ] && best=$(cat "$out/storm-best.events")
		if [ "$label" = default ] && [ "$(field events "$count_line")" -gt "$best" ]; then
			mv "$file" "$out/storm-best.caprec"
			field events "$count_line" >"$out/storm-best.events"
		fi
	fi
}

if want throughput; then
	if have "$caprec" && have "$bin/recording_count"; then
		say "throughput: storm rates ${rates[*]} (0 = unthrottled), 2 threads, ${tp_seconds}s"
		for rate in "${rates[@]}"; do
			throughput_run "$rate" default
		done
		# With both stacks each event is ~1 KiB and the consumer symbolizes: the
		# rate where the default ring starts to drop is much lower.
		for rate in "${ku_rates[@]}"; do
			throughput_run "$rate" "default -K -U" -K -U
		done
		# Overload on purpose with the smallest buffer caprec accepts, to check that
		# recorded + lost == generated when events are lost.
		buf_opt=$("$caprec" --help 2>&1 | grep -oE -- '--(ring-)?buffer[-a-z]*' | head -1)
		if [ -n "$buf_opt" ]; then
			throughput_run 0 "small-buffer" "$buf_opt" 4096 ||
				throughput_run 0 "small-buffer" "$buf_opt" 4
		else
			skip throughput-overload "caprec --help names no buffer-size option"
		fi
	else
		skip throughput "caprec or recording_count not built"
	fi
fi

# ---- size ---------------------------------------------------------------
# Bytes per event of recording $2 against its events as text + zstd -3.
size_of() {
	local label=$1 file=$2 count_line text_bytes zstd_bytes
	count_line=$("$bin/recording_count" "$file" 2>>"$log") || return 1
	"$bin/recording_text" "$file" >"$out/events.txt" 2>>"$log" || return 1
	text_bytes=$(stat -c %s "$out/events.txt")
	zstd_bytes=$(zstd -3 -q -c "$out/events.txt" | wc -c)
	record size "$label" "$(field events "$count_line")" "$(stat -c %s "$file")" \
		"$text_bytes" "$zstd_bytes" "$(field time_bits_per_event "$count_line")"
	say "size: $label events=$(field events "$count_line") bytes=$(stat -c %s "$file")" \
		"text=$text_bytes text.zst=$zstd_bytes"
	rm -f "$out/events.txt"
}

if want size; then
	if have "$caprec" && have "$bin/recording_text" && command -v zstd >/dev/null; then
		if [ -f "$out/storm-best.caprec" ]; then
			size_of storm "$out/storm-best.caprec"
		else
			rm -f "$out/tp-size.caprec"
			"$capstorm" -m denied -d 1 --wait >/dev/null 2>>"$log" &
			storm=$!
			sleep 0.2
			"$caprec" -p "$storm" -o "$out/tp-size.caprec" >/dev/null 2>>"$log" &
			rec=$!
			wait_attached "$rec" && kill -USR1 "$storm"
			wait "$storm"
			stop_tool "$rec"
			size_of storm "$out/tp-size.caprec"
		fi
		workload=$top/samples/workload.sh
		record meta workload "samples/workload.sh -n 3 [-s 0]"
		# What a recording costs before its first event (header, metadata, names).
		"$caprec" -o "$out/empty.caprec" -- true >>"$log" 2>&1 &&
			record size_empty "$(stat -c %s "$out/empty.caprec")"
		# The sample workload is 90 % one storm sample's identical events (-s 1000):
		# also measured without it (-s 0), the variety alone.
		for variant in "plain:-s 1000:" "verbose:-s 1000:-v" "stacks:-s 1000:-v -K -U" \
			"nostorm-stacks:-s 0:-v -K -U"; do
			label=mixed-${variant%%:*}
			rest=${variant#*:}
			# shellcheck disable=SC2206
			wopts=(${rest%%:*})
			# shellcheck disable=SC2206
			opts=(${rest#*:})
			rm -f "$out/mixed.caprec"
			if [ ! -x "$workload" ]; then
				skip "size-$label" "samples/workload.sh missing"
				continue
			fi
			"$caprec" "${opts[@]}" -o "$out/mixed.caprec" -- \
				"$workload" -n 3 "${wopts[@]}" "$build/samples" >>"$log" 2>&1 ||
				say "size: caprec ${opts[*]} -- workload.sh ${wopts[*]} failed (see $log)"
			[ -s "$out/mixed.caprec" ] && size_of "$label" "$out/mixed.caprec"
		done
		# The whole shared machine (7 other engineers compiling and testing, plus the
		# sample workload without its storm in a loop): real variety at volume.
		for variant in "host-verbose:-v" "host-stacks:-v -K -U"; do
			label=${variant%%:*}
			# shellcheck disable=SC2206
			opts=(${variant#*:})
			rm -f "$out/host.caprec"
			(
				end=$((SECONDS + host_seconds))
				while [ $SECONDS -lt $end ]; do
					"$workload" -n 1 -s 0 "$build/samples" >/dev/null 2>&1
					sleep 1
				done
			) &
			loop=$!
			"$caprec" "${opts[@]}" --duration "$host_seconds" -o "$out/host.caprec" \
				>>"$log" 2>&1 || say "size: caprec ${opts[*]} --duration failed"
			wait "$loop"
			[ -s "$out/host.caprec" ] && size_of "$label-${host_seconds}s" "$out/host.caprec"
			rm -f "$out/host.caprec"
		done
	else
		skip size "caprec, recording_text or zstd missing"
	fi
fi

# ---- capanalyze load and reports ------------------------------------------
# Runs a command under /usr/bin/time -v, killed after $limit seconds (exit
# 124: a target of 10 s missed by far needs no exact figure); records
# seconds, peak RSS (KiB), exit status, output bytes.
timed() {
	local section=$1 label=$2 limit=$3
	shift 3
	: >"$out/time.out"
	timeout "$limit" /usr/bin/time -v -o "$out/time.out" "$@" >"$out/cmd.out" 2>>"$log"
	local status=$?
	if [ "$status" = 124 ]; then
		record "$section" "$label" "$limit" "" timeout "$(stat -c %s "$out/cmd.out")"
		say "$section: $label killed after ${limit}s"
		return
	fi
	local secs rss
	secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/time.out" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time.out")
	record "$section" "$label" "$secs" "$rss" "$status" "$(stat -c %s "$out/cmd.out")"
	say "$section: $label ${secs}s peak ${rss} KiB exit $status"
}

if want load; then
	if have "$capanalyze" && have "$bin/gen_recording" && [ -x /usr/bin/time ]; then
		for n in "${sizes[@]}"; do
			rec=$out/gen-$n.caprec
			[ -f "$rec" ] || "$bin/gen_recording" -n "$n" -l 500000 -o "$rec" 2>>"$log" ||
				{ say "load: gen_recording -n $n failed"; continue; }
			rm -f "$out/gen-$n.db"
			timed load "$n" $((report_timeout * 10)) "$capanalyze" load -q "$rec" -d "$out/gen-$n.db"
		done
		big=${sizes[-1]}
		db=$out/gen-$big.db
		small_db=$out/gen-${sizes[0]}.db
		rec=$out/gen-$big.caprec
		if [ -f "$db" ]; then
			timed report info "$report_timeout" "$capanalyze" info "$rec"
			timed report summary "$report_timeout" "$capanalyze" summary "$db"
			timed report paths "$report_timeout" "$capanalyze" paths "$db"
			timed report folded "$report_timeout" "$capanalyze" folded "$db"
			timed report flamegraph "$report_timeout" "$capanalyze" flamegraph -o "$out/flame.svg" "$db"
			timed report policy "$report_timeout" "$capanalyze" policy "$db"
			timed report diff "$report_timeout" "$capanalyze" diff "$small_db" "$db"
			timed report check "$report_timeout" "$capanalyze" check --allow cap_chown "$db"
			timed report replay "$report_timeout" "$capanalyze" replay "$rec"
			timed report sql "$report_timeout" "$capanalyze" sql "$db" \
				"SELECT cap, count(*) FROM events GROUP BY cap"
			timed report summary-from-recording "$report_timeout" "$capanalyze" summary "$rec"
		fi
	else
		skip load "capanalyze, gen_recording or /usr/bin/time missing"
	fi
fi

# ---- recorder RSS over a long recording ------------------------------------
if want rss; then
	if have "$caprec"; then
		say "rss: caprec -K -U -o (whole system) for ${rss_seconds}s, storm at 20000/s + process churn"
		"$caprec" -K -U -o "$out/rss.caprec" >/dev/null 2>>"$log" &
		rec=$!
		if wait_attached "$rec"; then
			"$capstorm" -m denied -t 1 -d "$rss_seconds" -r 20000 >/dev/null 2>>"$log" &
			storm=$!
			# New processes all along: process records, binaries and stacks to intern.
			(
				end=$((SECONDS + rss_seconds))
				while [ $SECONDS -lt $end ]; do
					"$capstorm" -m granted -n 20 >/dev/null 2>&1
					"$capstorm" -m denied -n 20 >/dev/null 2>&1
					sleep 0.2
				done
			) &
			churn=$!
			sample_rss rss "$rec" "$storm"
			wait "$storm" "$churn"
			stop_tool "$rec"
			if have "$bin/recording_count"; then
				c=$("$bin/recording_count" "$out/rss.caprec" 2>>"$log")
				record rss_recording "$(field events "$c")" "$(field lost "$c")" \
					"$(field file_bytes "$c")" "$(field processes "$c")"
			fi
			rm -f "$out/rss.caprec"
		else
			stop_tool "$rec"
			skip rss "caprec did not attach"
		fi
	else
		skip rss "caprec not built"
	fi
fi

python3 "$top/bench/summarize.py" "$data" >"$out/results.md" || exit 1
cat "$out/results.md"
echo "run.sh: results in $out/results.md, raw data in $data, log in $log" >&2
