#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""check and diff as CI documents, on recordings caprec made (samples/recordings)
and on the report tests' hostile recording:

- --format sarif: the SARIF 2.1.0 structure (sarif_check.py: the
  specification's required properties and values, and Debian's sarif_om
  object model), and the results against the json output of the same
  command: one result per executable x capability outside the policy (or
  changed), its checks, its call path in the message, the recording and
  the rule in its properties;
- --format junit: parsed with xml.etree; testsuites/testsuite/testcase/failure
  with counts that match the elements, the failed testcases the same pairs,
  the judged testcases every pair that counts (check --allow none).

usage: run_ci_formats.py CAPANALYZE MAKE_RECORDING SAMPLES_DIR"""
import json
import re
import os
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sarif_check  # noqa: E402

failures = []


def fail(what):
    failures.append(what)
    print('FAIL: ' + what)


class Runner:
    def __init__(self, capanalyze, tmp):
        self.capanalyze = capanalyze
        self.tmp = tmp
        self.env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, 'cache'), LC_ALL='C')

    def __call__(self, *args):
        p = subprocess.run([self.capanalyze] + list(args), cwd=self.tmp, env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8', 'replace')


def check_sarif(name, text, expected_pairs, rule_id, level, recordings):
    """Validates one SARIF log; returns its results keyed by (exe, capability)."""
    try:
        log = json.loads(text)
    except ValueError as e:
        fail('%s: not JSON: %s' % (name, e))
        return {}
    for e in sarif_check.structure_errors(log):
        fail('%s: SARIF structure: %s' % (name, e))
    for e in sarif_check.object_model_errors(log):
        fail('%s: sarif_om: %s' % (name, e))
    run = log['runs'][0]
    if run['tool']['driver']['name'] != 'capanalyze':
        fail('%s: tool name %r' % (name, run['tool']['driver']['name']))
    results = {}
    for r in run['results']:
        props = r['properties']
        key = (props['executable'], props['capability'])
        if key in results:
            fail('%s: two results for %r' % (name, key))
        results[key] = r
        if r['ruleId'] != rule_id or r['level'] != level:
            fail('%s: %r: ruleId %r level %r' % (name, key, r['ruleId'], r['level']))
        if props['recordings'] != recordings:
            fail('%s: %r: recordings %r, expected %r' % (name, key, props['recordings'],
                                                         recordings))
        # The executable: the location, or a related one when a policy file's line is it.
        exe_locations = [loc for loc in r['locations'] + r.get('relatedLocations', [])
                         if urllib.parse.unquote(loc['physicalLocation']['artifactLocation']
                                                 ['uri'], errors='replace') == 'file://' + key[0]]
        if key[0].startswith('/') and len(exe_locations) != 1:
            fail('%s: %r: the executable is not a location: %r %r' % (
                name, key, r['locations'], r.get('relatedLocations')))
        if key[0] not in r['message']['text'] or key[1] not in r['message']['text']:
            fail('%s: %r: message does not name the pair: %r' % (name, key,
                                                                 r['message']['text']))
    if set(results) != set(expected_pairs):
        fail('%s: results %r, expected %r' % (name, sorted(results), sorted(expected_pairs)))
    return results


def check_junit(name, text, judged, failed):
    """Validates one JUnit document: structure, counts, the judged and the failed pairs."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        fail('%s: not XML: %s' % (name, e))
        return
    if root.tag != 'testsuites':
        fail('%s: root <%s>' % (name, root.tag))
        return
    cases, failing = set(), set()
    for suite in root.findall('testsuite'):
        tcs = suite.findall('testcase')
        fs = [tc for tc in tcs if tc.find('failure') is not None]
        if int(suite.get('tests')) != len(tcs) or int(suite.get('failures')) != len(fs):
            fail('%s: suite %r says tests=%s failures=%s, holds %d and %d' % (
                name, suite.get('name'), suite.get('tests'), suite.get('failures'), len(tcs),
                len(fs)))
        if int(suite.get('errors')) != 0 or int(suite.get('skipped')) != 0:
            fail('%s: suite %r: errors or skipped' % (name, suite.get('name')))
        for tc in tcs:
            if tc.get('classname') != suite.get('name'):
                fail('%s: testcase %r outside its executable\'s suite' % (name, tc.attrib))
            key = (tc.get('classname'), tc.get('name'))
            cases.add(key)
            f = tc.find('failure')
            if f is not None:
                failing.add(key)
                if not f.get('message') or not f.get('type') or not (f.text or '').strip():
                    fail('%s: %r: failure without message, type or text' % (name, key))
    if int(root.get('tests')) != len(cases) or int(root.get('failures')) != len(failing):
        fail('%s: testsuites says tests=%s failures=%s, holds %d and %d' % (
            name, root.get('tests'), root.get('failures'), len(cases), len(failing)))
    if cases != set(judged):
        fail('%s: testcases %r, expected %r' % (name, sorted(cases), sorted(judged)))
    if failing != set(failed):
        fail('%s: failures %r, expected %r' % (name, sorted(failing), sorted(failed)))


def json_rows(run, *args):
    status, out, err = run(*args)
    if status not in (0, 1):
        fail('%s: exit %d: %s' % (' '.join(args), status, err))
        return []
    return json.loads(out)


def test_check(run, rec, allow):
    rows = json_rows(run, 'check', '--allow', allow, '--format', 'json', rec)
    judged = {(r['exe'], r['capability']) for r in
              json_rows(run, 'check', '--allow', 'none', '--format', 'json', rec)}
    violations = {}
    for r in rows:
        violations.setdefault((r['exe'], r['capability']), []).append(r)
    expected_status = 1 if rows else 0
    status, out, err = run('check', '--allow', allow, '--format', 'sarif', rec)
    if status != expected_status:
        fail('check --format sarif %s: exit %d, expected %d: %s' % (rec, status,
                                                                   expected_status, err))
    results = check_sarif('check sarif ' + rec, out, violations, 'capability-outside-policy',
                          'error', [rec])
    for key, r in results.items():
        changes = r['properties']['changes']
        if sum(c['checks'] for c in changes) != sum(x['checks'] for x in violations[key]):
            fail('check sarif: %r: checks %r vs %r' % (key, changes, violations[key]))
        if not any(x['user_stack'] in r['message']['text'] for x in violations[key]):
            fail('check sarif: %r: the call path is not in the message' % (key,))
        flows = r.get('codeFlows', [])
        frames = [loc['location']['logicalLocations'][0]['name']
                  for loc in flows[0]['threadFlows'][0]['locations']] if flows else []
        top = violations[key][0]
        expected = [f for f in top['user_stack'].split(';') + top['kernel_stack'].split(';') if f]
        if frames != expected:
            fail('check sarif: %r: code flow %r, expected %r' % (key, frames, expected))
        if os.path.exists(os.path.join(run.tmp, allow)):
            rule = r['properties']['rule']
            if not rule.startswith(allow + ':'):
                fail('check sarif: %r: rule %r' % (key, rule))
            # The rule's line in the policy file is the location.
            where = r['locations'][0]['physicalLocation']
            line = re.match(r'[^:]*:(\d+) ', rule)
            if where['artifactLocation']['uri'] != allow or \
                    where.get('region', {}).get('startLine') != (int(line.group(1))
                                                                 if line else None):
                fail('check sarif: %r: location %r for rule %r' % (key, where, rule))
        elif r['properties']['rule'] != '--allow ' + allow:
            fail('check sarif: %r: rule %r' % (key, r['properties']['rule']))
    status, out, err = run('check', '--allow', allow, '--format', 'junit', rec)
    if status != expected_status:
        fail('check --format junit %s: exit %d: %s' % (rec, status, err))
    check_junit('check junit ' + rec, out, judged, violations)
    print('check --allow %s %s: %d judged, %d outside' % (allow, os.path.basename(rec),
                                                         len(judged), len(violations)))
    return len(violations)


def test_diff(run, a, b):
    rows = json_rows(run, 'diff', '--format', 'json', a, b)
    changed = {(r['exe'], r['capability']) for r in rows}
    status, out, err = run('diff', '--format', 'sarif', a, b)
    if status != (1 if rows else 0):
        fail('diff --format sarif %s %s: exit %d: %s' % (a, b, status, err))
    results = check_sarif('diff sarif', out, changed, 'capability-changed', 'warning', [a, b])
    for key, r in results.items():
        want = [x['change'] for x in rows if (x['exe'], x['capability']) == key]
        got = [c['what'] for c in r['properties']['changes']]
        if len(want) != len(got) or not all(g.startswith(w) for w, g in zip(want, got)):
            fail('diff sarif: %r: changes %r, expected %r' % (key, got, want))
    status, out, err = run('diff', '--format', 'junit', a, b)
    try:
        root = ET.fromstring(out)
        failing = {(tc.get('classname'), tc.get('name')) for tc in root.iter('testcase')
                   if tc.find('failure') is not None}
        if failing != changed:
            fail('diff junit: failures %r, expected %r' % (sorted(failing), sorted(changed)))
        judged = set()
        for side in (a, b):
            judged |= {(r['exe'], r['cap']) for r in json_rows(
                run, 'sql', '--format', 'json', side,
                "SELECT DISTINCT a.exe_path AS exe, coalesce(c.name, 'cap_' || a.cap) AS cap"
                " FROM check_aggregate a LEFT JOIN cap_names c ON c.cap = a.cap")}
        cases = {(tc.get('classname'), tc.get('name')) for tc in root.iter('testcase')}
        if len(cases) != len(judged):
            fail('diff junit: %d testcases, %d executable x capability pairs in the inputs' % (
                len(cases), len(judged)))
        # XML cannot hold every byte of a hostile name: the pairs whose names it can hold
        # must be there as they are; the others are counted above.
        printable = {k for k in judged if all(c.isprintable() and c != '\ufffd' for c in k[0])}
        expected = judged if printable == judged else printable | (cases - judged)
        check_junit('diff junit', out, expected, changed)
    except ET.ParseError as e:
        fail('diff junit: not XML: %s' % e)
    print('diff %s %s: %d changed pairs' % (os.path.basename(a), os.path.basename(b),
                                           len(changed)))
    return len(changed)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    capanalyze, make_recording = map(os.path.abspath, sys.argv[1:3])
    recordings = os.path.join(os.path.abspath(sys.argv[3]), 'recordings')
    workload = os.path.join(recordings, 'workload.caprec')
    rel_a = os.path.join(recordings, 'release-a.caprec')
    rel_b = os.path.join(recordings, 'release-b.caprec')
    with tempfile.TemporaryDirectory(prefix='caprec-ci-') as tmp:
        run = Runner(capanalyze, tmp)
        run.tmp = tmp
        subprocess.run([make_recording, 'hostile', 'hostile.caprec'], cwd=tmp, check=True)
        subprocess.run([make_recording, 'a', 'a.caprec'], cwd=tmp, check=True)

        if test_check(run, workload, 'CAP_SETGID,CAP_SETUID') == 0:
            fail('the workload recording has no violation of CAP_SETGID,CAP_SETUID')
        # The policy derived from the run passes: no result, every pair a passing testcase.
        status, out, err = run('policy', '--format', 'allow', workload)
        with open(os.path.join(tmp, 'derived.policy'), 'w') as f:
            f.write(out)
        if test_check(run, workload, 'derived.policy') != 0:
            fail('check against the policy derived from the same run found violations')
        with open(os.path.join(tmp, 'web.policy'), 'w') as f:
            f.write('*/sample_bind net_bind_service,setuid,setgid\n* setuid\n')
        test_check(run, workload, 'web.policy')
        test_check(run, 'hostile.caprec', 'none')

        if test_diff(run, rel_a, rel_b) != 1:
            fail('release-a -> release-b should change one executable x capability')
        if test_diff(run, rel_a, rel_a) != 0:
            fail('release-a diffed with itself changed')
        test_diff(run, 'hostile.caprec', 'a.caprec')

        status, _, err = run('check', '--allow', 'none', '--format', 'sarif2', workload)
        if status != 2 or 'sarif' not in err:
            fail('--format sarif2: exit %d, %r (want 2 and the formats named)' % (status, err))
    if failures:
        print('%d failure(s)' % len(failures))
        return 1
    print('ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
