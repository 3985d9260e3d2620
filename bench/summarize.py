#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turns bench/run.sh's data.tsv into the markdown tables of BENCHMARKS.md.

Every ratio is computed from figures of the same invocation. Each target of
issue 6 is marked met, MISSED or not measured (with the reason run.sh gave).
Usage: summarize.py DATA.TSV > results.md
"""
import statistics
import sys
from collections import defaultdict

LABELS = {
    "none": "nothing attached (syscall floor)",
    "count_floor": "count-only BPF (floor)",
    "min_ringbuf": "minimal ring-buffer event, batched wakeups",
    "min_ringbuf_caller": "minimal event + 12 caller frames (audit inference)",
    "min_ringbuf_stacks": "minimal event + kernel & user stack",
    "caprec_live": "caprec live (to /dev/null)",
    "caprec_record": "caprec -o FILE",
    "caprec_record_sysret": "caprec --syscall-returns on -o FILE",
    "caprec_record_KU": "caprec -K -U -o FILE",
    "caprec_filtered": "caprec -p OTHER -o FILE (storm filtered out)",
    "bpftrace": "bpftrace printing each check",
}


def num(s, default=None):
    try:
        return float(s)
    except (TypeError, ValueError):
        return default


def fmt(x, digits=0):
    if x is None:
        return "n/a"
    return f"{x:,.{digits}f}"


def ratio(a, b, digits=2):
    if a is None or b is None or b <= 0:
        return None
    return round(a / b, digits)


def main(path):
    rows = defaultdict(list)
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts and parts[0]:
                rows[parts[0]].append(parts[1:])
    meta = {r[0]: r[1] if len(r) > 1 else "" for r in rows["meta"]}
    targets = []  # (target, value text, verdict)
    out = []
    p = out.append

    p(f"Run of {meta.get('date', '?')} ({meta.get('mode', '?')} mode, git {meta.get('git', '?')}) "
      f"on kernel {meta.get('kernel', '?')}, {meta.get('nproc', '?')} CPUs "
      f"({meta.get('cpu', '?')}); bpftrace: {meta.get('bpftrace', '?')}.")
    p("")

    if rows["verify"]:
        p("### Checks per storm iteration (count_floor -p STORM)")
        p("")
        p("| mode | iterations | counted checks (by capability number) |")
        p("|---|---:|---|")
        for mode, it, counts in (r[:3] for r in rows["verify"]):
            p(f"| {mode} | {it} | {counts} |")
        p("")

    # Overhead: medians over rounds, differences to "none".
    # overhead rows: config, round, storm CPU ns per call, checks, tracer CPU ns, wall ns
    per = defaultdict(list)
    consumer = defaultdict(list)
    foreign_rounds = defaultdict(int)
    for r in rows["overhead"]:
        if len(r) > 6 and num(r[6], 0) > 0:
            foreign_rounds[r[0]] += 1
        v = num(r[2])
        if v is not None:
            per[r[0]].append(v)
        checks, tool_ns = num(r[3] if len(r) > 3 else None), num(r[4] if len(r) > 4 else None)
        if checks and tool_ns is not None and r[0] != "none":
            consumer[r[0]].append(tool_ns / checks)
    if per:
        # Interference from other work only ever adds time, so the fastest round
        # of each config is its least disturbed one: added cost = min - min.
        med = {c: statistics.median(v) for c, v in per.items()}
        best = {c: min(v) for c, v in per.items()}
        base = best.get("none")
        added = {c: (m - base if base is not None else None) for c, m in best.items()}
        floor = added.get("count_floor")
        ring = added.get("min_ringbuf")
        ring_st = added.get("min_ringbuf_stacks")
        bpft = added.get("bpftrace")
        rounds = meta.get("rounds", "?")
        p(f"### Overhead per check (denied setrlimit storm, 1 thread, {rounds} interleaved "
          f"rounds of {meta.get('storm_seconds', '?')} s)")
        p("")
        p("Times are the storm thread's CPU time per call (a tracer's BPF program runs inside "
          "the call; CPU time leaves out preemption by other work on the shared machine). "
          "Added = fastest round − fastest unattached round. The tracer's own CPU time "
          "(consumer, user space) is shown per check apart.")
        p("")
        p("| configuration | CPU ns / call (fastest) | (median) | ns added per check "
          "| × floor | × min. ring buffer | bpftrace ÷ this | spread (max-min) "
          "| tracer CPU ns / check | total CPU ns / check | bpftrace ÷ this, total |")
        p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        tracer = {c: statistics.median(v) for c, v in consumer.items() if v}
        total = {c: added[c] + tracer.get(c, 0) for c in added
                 if c != "none" and added[c] is not None}
        for c in LABELS:
            if c not in med:
                continue
            a = added[c]
            spread = max(per[c]) - min(per[c])
            p(f"| {LABELS[c]} | {fmt(best[c])} | {fmt(med[c])} | {fmt(a) if c != 'none' else '—'} "
              f"| {fmt(ratio(a, floor), 1) if c != 'none' else '—'} "
              f"| {fmt(ratio(a, ring), 2) if c != 'none' else '—'} "
              f"| {fmt(ratio(bpft, a), 1) if c not in ('none',) else '—'} | {fmt(spread)} "
              f"| {fmt(tracer[c]) if c in tracer else '—'} "
              f"| {fmt(total.get(c)) if c != 'none' else '—'} "
              f"| {fmt(ratio(total.get('bpftrace'), total.get(c)), 1) if c != 'none' else '—'} |")
        p("")
        if foreign_rounds:
            p("Rounds during which someone else's BPF program was attached to cap_capable "
              "(their cost adds to ours): " +
              ", ".join(f"{c} {n}/{len(per[c])}" for c, n in foreign_rounds.items()) + ".")
            p("")
        sysret, plain = added.get("caprec_record_sysret"), added.get("caprec_record")
        if sysret is not None and plain:
            p(f"Syscall returns (every check of the storm is one syscall, so one more "
              f"record each): {fmt(sysret - plain)} ns added per check, "
              f"{fmt(ratio(sysret, plain), 2)} × caprec -o.")
            p("")
        noise = max(per["none"]) - min(per["none"]) if "none" in per else None
        p(f"Noise: the unattached storm varied by {fmt(noise)} ns per call across rounds; "
          "differences smaller than that are not significant.")
        p("")

        def target(name, value, limit, better_low=True, digits=2):
            if value is None:
                targets.append((name, "not measured", "not measured"))
                return
            ok = value <= limit if better_low else value >= limit
            targets.append((name, fmt(value, digits), "met" if ok else "MISSED"))

        target("caprec -o added ÷ minimal ring-buffer event ≤ 1.5",
               ratio(added.get("caprec_record"), ring), 1.5)
        target("bpftrace added ÷ caprec -o added ≥ 15",
               ratio(bpft, added.get("caprec_record")), 15, better_low=False, digits=1)
        target("caprec -K -U added ÷ (minimal event + both stacks) ≤ 1.2",
               ratio(added.get("caprec_record_KU"), ring_st), 1.2)
        target("caprec filtered-out added ÷ count-only floor ≤ 2",
               ratio(added.get("caprec_filtered"), floor), 2)

    # Throughput.
    if rows["throughput"]:
        p("### Sustained throughput (caprec -p STORM -o FILE, 2 storm threads)")
        p("")
        p("| buffer | target rate /s | achieved /s | generated | recorded | lost "
          "| recorded + lost = generated |")
        p("|---|---:|---:|---:|---:|---:|---|")
        best = {}
        exact_all = True
        for label, target_rate, achieved, gen, rec, lost, _ in (r[:7] for r in rows["throughput"]):
            g, rc, ls = num(gen), num(rec), num(lost)
            exact = g is not None and rc is not None and ls is not None and rc + ls == g
            exact_all &= exact
            tr = "unthrottled" if target_rate == "0" else fmt(num(target_rate))
            p(f"| {label} | {tr} | {fmt(num(achieved))} | {gen} | {rec} | {lost} "
              f"| {'yes' if exact else 'NO'} |")
            if label.startswith("default") and ls == 0 and exact:
                a = num(achieved)
                if a is not None and a > best.get(label, 0):
                    best[label] = a
        p("")
        for label, a in best.items():
            flags = label[len("default"):].strip() or "no stacks"
            p(f"Highest storm rate recorded with zero loss at default buffers ({flags}): "
              f"{fmt(a)} checks/s.")
        p("")
        targets.append(("loss accounting exact (recorded + lost = generated)",
                        "every run" if exact_all else "not in every run",
                        "met" if exact_all else "MISSED"))

    # Size.
    if rows["size"]:
        p("### Recording size")
        p("")
        p("| recording | events | file bytes | bytes / event | text bytes / event "
          "| text + zstd -3 bytes / event | zstd'd text ÷ recording "
          "| entropy of the ns time gaps, bytes / event |")
        p("|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows["size"]:
            label, ev, fb, tb, zb = r[:5]
            tbits = num(r[5]) if len(r) > 5 else None
            e, f_, t, z = num(ev), num(fb), num(tb), num(zb)
            per_ev = ratio(f_, e, 2)
            p(f"| {label} | {ev} | {fb} | {fmt(per_ev, 2)} | {fmt(ratio(t, e, 1), 1)} "
              f"| {fmt(ratio(z, e, 2), 2)} | {fmt(ratio(z, f_, 1), 1)} "
              f"| {fmt(tbits / 8 if tbits is not None else None, 2)} |")
            if label == "storm":
                target_v = per_ev
                targets.append(("≤ 3 bytes/event on a storm", fmt(target_v, 2),
                                "met" if target_v is not None and target_v <= 3 else "MISSED"))
            if label.startswith(("mixed", "host")):
                r_ = ratio(z, f_, 1)
                targets.append((f"≥ 5× smaller than zstd'd text ({label})", fmt(r_, 1),
                                "met" if r_ is not None and r_ >= 5 else "MISSED"))
        for r in rows["size_empty"]:
            p("")
            p(f"An empty recording (`caprec -o F -- true`) is {r[0]} bytes: header, metadata, "
              "capability names, clock anchor and the process of `true`.")
        if meta.get("workload"):
            p("")
            p(f"Mixed workload: `{meta['workload']}`. host-*: `caprec --duration` of the whole "
              "shared machine (other engineers' builds and tests) while the sample workload "
              "without its storm runs in a loop.")
        p("")

    if rows["load"]:
        p("### capanalyze load")
        p("")
        p("| events | seconds | events / s | peak RSS MiB | exit |")
        p("|---:|---:|---:|---:|---:|")
        for n, secs, rss, status, _ in (r[:5] for r in rows["load"]):
            s, e = num(secs), num(n)
            rate = e / s if s and status == "0" else None
            shown = f"> {fmt(s)} (killed)" if status == "timeout" else fmt(s, 2)
            p(f"| {fmt(e)} | {shown} | {fmt(rate)} | {fmt(num(rss, 0) / 1024, 1)} | {status} |")
            targets.append((f"load ≥ 1 M events/s ({fmt(e)} events)", fmt(rate),
                            "met" if rate and rate >= 1e6 and status == "0" else "MISSED"))
        p("")
    if rows["report"]:
        p("### Reports on the largest recording")
        p("")
        p("| report | seconds | peak RSS MiB | exit | output bytes |")
        p("|---|---:|---:|---:|---:|")
        worst = None
        failed = []
        for name, secs, rss, status, size in (r[:5] for r in rows["report"]):
            s = num(secs)
            shown = f"> {fmt(s)} (killed)" if status == "timeout" else fmt(s, 2)
            p(f"| {name} | {shown} | {fmt(num(rss, 0) / 1024, 1)} | {status} | {size} |")
            if status not in ("0", "1", "timeout"):
                failed.append(name)
            elif s is not None and name != "summary-from-recording":
                worst = s if worst is None else max(worst, s)
        p("")
        p("(exit 1 is the expected answer of `diff` on different inputs and of `check` "
          "finding a violation.)")
        if failed:
            p(f"Failed or not implemented (exit 2/3): {', '.join(failed)}.")
        p("")
        targets.append(("every report on 10 M events ≤ 10 s", f"slowest {fmt(worst, 2)} s",
                        "met" if worst is not None and worst <= 10 else "MISSED"))

    if rows["rss"]:
        samples = [(num(t), num(v)) for t, v in (r[:2] for r in rows["rss"])]
        samples = [(t, v) for t, v in samples if t is not None and v]
        if samples:
            vals = [v for _, v in samples]
            p("### caprec resident memory over a long recording (-K -U, whole system)")
            p("")
            p(f"{len(samples)} samples over {fmt(samples[-1][0])} s: first {fmt(vals[0] / 1024, 1)}"
              f" MiB, max {fmt(max(vals) / 1024, 1)} MiB, last {fmt(vals[-1] / 1024, 1)} MiB.")
            for r in rows["rss_recording"]:
                p(f"Recording: {r[0]} events, {r[1]} lost, {r[2]} bytes, {r[3]} processes.")
            p("")
            targets.append(("recorder RSS ≤ 32 MiB", f"max {fmt(max(vals) / 1024, 1)} MiB",
                            "met" if max(vals) <= 32 * 1024 else "MISSED"))

    prof = defaultdict(list)
    for r in rows["profile"]:
        prof[r[0]].append(r[1:4])
    if prof:
        p("### Where the time goes (perf record -g over a 2 s storm: the storm process, where "
          "the BPF program runs, and the tracer process; top self symbols)")
        p("")
        for config, syms in prof.items():
            name, _, side = config.rpartition("-")
            p(f"- {LABELS.get(name, name)}, {side} side: " +
              ", ".join(f"{sym} ({dso}) {pct}" for pct, dso, sym in syms[:8]))
        p("")

    p("### Targets")
    p("")
    p("| target | measured | verdict |")
    p("|---|---:|---|")
    for name, value, verdict in targets:
        p(f"| {name} | {value} | {verdict} |")
    for section, reason in (r[:2] for r in rows["skipped"]):
        p(f"| {section} | not measured | {reason} |")
    p("")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: summarize.py DATA.TSV")
    main(sys.argv[1])
