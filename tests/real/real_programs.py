#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""One real program, end to end (suite `real`):

  1. record it as root (caprec -K -U -o root.caprec -- CMD) and check it works;
  2. for each deployment form (nonroot, root) take `capanalyze policy --form F`;
  3. run it in that form with exactly that set (setpriv) and check it behaves as
     the root run did (exit status and the program's own check: served the
     page, made the bridge, changed the owner ...);
  4. drop each capability of the set in turn: the run must then differ, unless
     the policy called that capability optional, naming its rule;
  5. for some programs, `caprec prove --minimize --caps none` must reach the
     same set (starting instead from the capabilities the policy says no check
     shows, which prove cannot find: it adds only what a run was denied).

A program that refuses to run without uid 0 (runuser, mount) must not get a
nonroot set: the policy must say so, and a run with every capability as a
non-root user must indeed fail. When the nonroot set fails and the policy said
that a recording made as root cannot show what the non-root form needs (DAC
capabilities for root-owned files), `caprec prove --minimize` must close it:
its set is the policy's plus only those capabilities, and it works.

Each line "TABLE | program | form | set | works | minimal | prove" is one
row of the suite's table. The exit status is 1 when any check failed, with
every failure listed; nothing is expected to fail.

usage: real_programs.py CASE
"""
import os
import re
import subprocess
import sys

import real_common as rc
from real_cases import CASES

FORMS = ("nonroot", "root")
# How the policy says that no set makes a program work without uid 0.
NO_SET_WORDS = re.compile(r"no set|cannot run|refuses|requires (uid 0|root)|only root",
                          re.IGNORECASE)
OPTIONAL_WORDS = re.compile(r"optional", re.IGNORECASE)
# How the policy says that a root recording cannot show what the non-root form needs
# (root-owned files: DAC capabilities root never asks for), and which capabilities.
BLIND_SPOT_WORDS = re.compile(r"recorded as root only.*prove", re.IGNORECASE)
BLIND_SPOT_CAPS = {"CAP_DAC_READ_SEARCH", "CAP_DAC_OVERRIDE"}
# How the policy says that a capability of its set shows in no check (a program that drops
# its capabilities unless one is inheritable), so caprec prove, which adds only what a run
# was denied, cannot find it from none.
UNSEEN_WORDS = re.compile(r"no check shows this.*caprec prove cannot find it", re.IGNORECASE)


# The root run's outcome, for checks that run the program again.
ref_outcome = [None]


class Report:
    def __init__(self, name):
        self.name = name
        self.failures = []
        self.rows = []

    def fail(self, msg):
        rc.log("FAIL: " + msg)
        self.failures.append(msg)

    def row(self, form, caps, works, minimal):
        self.rows.append("TABLE | %s | %s | %s | works: %s | minimal: %s | prove: "
                         % (self.name, form, caps, works, minimal))


def form_policy(rep, rec, form):
    """The form's set and rows; the formless set (marked) when there are no forms."""
    code, out, err = rc.policy(rec, form)
    if code != 0:
        rep.fail("capanalyze policy --form %s: exit %d: %s (deployment forms missing?); "
                 "measured below with the formless policy instead"
                 % (form, code, err.strip().splitlines()[0] if err.strip() else ""))
        return rc.formless_set(rec), [], False
    rows = rc.policy_rows(out)
    return rc.policy_set(rows, form), rows, True


def check_refusal(rep, case, wd, ref, rec, form):
    everything = rc.bounding_set()
    o = rc.run_case(case, wd, rc.setpriv_prefix(form, everything), False)
    rc.log("%s as %s with every capability: %s" % (form, rc.NONROOT_USER, o))
    if o.same_as(ref):
        rep.fail("%s: expected to refuse non-root, but ran with every capability" % form)
    code, out, err = rc.policy(rec, form, "table")
    if code != 0:
        rep.fail("capanalyze policy --form %s: exit %d: %s" % (form, code, err.strip()))
    elif not NO_SET_WORDS.search(out):
        rep.fail("policy --form %s printed no statement that the program cannot run "
                 "without uid 0 (it refuses non-root by itself):\n%s" % (form, out[:600]))
    rep.row(form, "n/a: refuses non-root", "no (with every capability)", "-")


def check_form(rep, case, wd, ref, rec, form):
    caps, rows, from_forms = form_policy(rep, rec, form)
    label = rc.fmt_set(caps) + ("" if from_forms else " (formless policy)")
    rc.log("%s policy set: %s" % (form, label))
    missing = caps - rc.bounding_set()
    if missing:
        rc.log("%s: %s not in this session's bounding set: the form cannot be applied "
               "here, not run" % (form, rc.fmt_set(missing)))
        rep.row(form, label, "untestable (%s not in bounding set)" % rc.fmt_set(missing), "-")
        return caps, set()
    o = rc.run_case(case, wd, rc.setpriv_prefix(form, caps), False)
    rc.log("%s with %s: %s" % (form, rc.fmt_set(caps), o))
    works = o.same_as(ref)
    if not works:
        # Dropping from a set that fails already tells nothing about minimality.
        if form == "nonroot" and from_forms and case.prove and \
                BLIND_SPOT_WORDS.search(rc.policy(rec, form, "table")[1]):
            # The policy said it cannot know; caprec prove must close it (checked next).
            rc.log("%s: the policy notes that a root recording cannot show the non-root "
                   "form's DAC needs; caprec prove --minimize must find them" % form)
            rep.row(form, label, "no (policy notes the root-only blind spot)", "-")
            return caps, BLIND_SPOT_CAPS
        rep.fail("%s with the policy's set %s does not behave as root (%s); root: %s"
                 % (form, rc.fmt_set(caps), o, ref))
        rep.row(form, label, "no", "-")
        return caps, set()
    minimal = True
    notes = []
    for cap in sorted(caps, key=rc.cap_number):
        o = rc.run_case(case, wd, rc.setpriv_prefix(form, caps - {cap}), False)
        if not o.same_as(ref):
            rc.log("  without %s: differs (%s): needed" % (cap, o))
            continue
        optional = [r for r in rows if r["capability"] == cap and
                    OPTIONAL_WORDS.search(r.get("decision", "") + " " + r.get("reason", ""))]
        if optional:
            rc.log("  without %s: same; the policy calls it optional: %s"
                   % (cap, optional[0].get("reason", "")))
            notes.append(cap + " optional")
            continue
        minimal = False
        rep.fail("%s: the set is not minimal: it works without %s, and the policy does not "
                 "call it optional" % (form, cap))
    rep.row(form, label, "yes" if works else "no", ("yes" if minimal else "no") +
            (" (%s)" % ", ".join(notes) if notes else ""))
    return caps, set()


def check_warnings(rep, case, rec, form):
    """The warnings the case expects in the form's policy (dangerous advice) are there."""
    wanted = case.warnings.get(form, [])
    if not wanted:
        return
    out = rc.policy(rec, form, "table")[1]
    for pattern in wanted:
        if not re.search(pattern, out):
            rep.fail("policy --form %s lacks the warning /%s/:\n%s" % (form, pattern,
                                                                       out[-600:]))


def unseen_caps(rep, rec, form, expected):
    """The capabilities of the set that the policy says no check shows, each with that
    statement; prove starts from them (it can add only what a run was denied)."""
    code, out, err = rc.policy(rec, form)
    if code != 0:
        return set()
    unseen = {r["capability"] for r in rc.policy_rows(out)
              if r.get("checks") == "0" and r["capability"] in expected}
    stated = {r["capability"] for r in rc.policy_rows(out)
              if UNSEEN_WORDS.search(r.get("reason", ""))}
    for cap in sorted(unseen - stated):
        rep.fail("%s: %s is in the set with no check, and the policy does not say that "
                 "no check shows it" % (form, cap))
    if unseen:
        rc.log("%s: the policy says no check shows %s: prove starts from it"
               % (form, rc.fmt_set(unseen)))
    return unseen & stated


def check_prove(rep, case, wd, rec, form, expected, may_add):
    """prove --minimize must reach the policy's set, plus only capabilities of may_add
    (what the policy said a root recording cannot show), and the result must work."""
    argv = case.prove_argv(wd) if case.prove_argv else case.argv(wd)
    case.reset(wd)
    start = unseen_caps(rep, rec, form, expected)
    cmd = [rc.CAPREC, "prove", "--form", form, "--caps",
           ",".join(sorted(start)) if start else "none", "--minimize", "--timeout", "20"]
    if form == "nonroot":
        cmd += ["--user", rc.NONROOT_USER]
    p = subprocess.run(cmd + ["--"] + argv, capture_output=True, text=True, timeout=240)
    rc.log("caprec prove --form %s --minimize: exit %d\n%s%s" % (form, p.returncode,
           p.stdout, p.stderr))
    m = re.search(r"^proven set \([^)]*\): (\S+)$", p.stdout, re.MULTILINE)
    if p.returncode != 0 or not m:
        rep.fail("prove --minimize --form %s found no set (exit %d)" % (form, p.returncode))
        return "none found"
    proven = set() if m.group(1) == "none" else set(m.group(1).split(","))
    if may_add:
        if not (proven >= expected and proven - expected <= may_add and proven != expected):
            rep.fail("prove --minimize --form %s reached %s: not the policy's %s plus what "
                     "it said a root recording cannot show (%s)"
                     % (form, rc.fmt_set(proven), rc.fmt_set(expected), rc.fmt_set(may_add)))
            return rc.fmt_set(proven)
        o = rc.run_case(case, wd, rc.setpriv_prefix(form, proven), False)
        rc.log("%s with the proven %s: %s" % (form, rc.fmt_set(proven), o))
        if not o.same_as(ref_outcome[0]):
            rep.fail("%s with the proven set %s does not behave as root (%s)"
                     % (form, rc.fmt_set(proven), o))
    elif proven != expected:
        rep.fail("prove --minimize --form %s reached %s, the policy gave %s"
                 % (form, rc.fmt_set(proven), rc.fmt_set(expected)))
    return rc.fmt_set(proven)


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        print("usage: real_programs.py " + "|".join(CASES), file=sys.stderr)
        return 2
    name = sys.argv[1]
    rc.need_root_and_bpf()
    case = CASES[name]()
    rep = Report(name)
    wd = None
    try:
        rc.need_programs(case.programs + ["/usr/bin/setpriv", "/usr/sbin/capsh"])
        rc.enter_private_netns()
        wd = rc.make_workdir(name)
        case.setup(wd)
        rec = os.path.join(wd, "root.caprec")
        ref = rc.record(case, wd, rec)
        ref_outcome[0] = ref
        rc.log("root, recorded: %s" % ref)
        if not ref.works:
            raise rc.CaseFailure("as root it does not work: %s" % ref)
        for form in FORMS:
            if form == "nonroot" and case.refuses_nonroot:
                check_refusal(rep, case, wd, ref, rec, form)
                rep.rows[-1] += "-"
                continue
            caps, may_add = check_form(rep, case, wd, ref, rec, form)
            check_warnings(rep, case, rec, form)
            if case.prove:
                rep.rows[-1] += check_prove(rep, case, wd, rec, form, caps, may_add)
            else:
                rep.rows[-1] += "-"
    except rc.CaseFailure as e:
        rep.fail(str(e))
    except subprocess.TimeoutExpired as e:
        rep.fail("timed out: %s" % e)
    finally:
        if wd:
            case.cleanup(wd)
            rc.remove_workdir(wd)
    for row in rep.rows:
        rc.log(row)
    if rep.failures:
        rc.log("%d check(s) failed:\n  %s" % (len(rep.failures), "\n  ".join(rep.failures)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
