#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The CI examples (examples/ci) run here, so they cannot drift from the tools:
the GitHub Actions workflow's run: steps (all but those named "Install ...",
and none that uses: an action) and the GitLab job's script: lines are
executed as written, with bash, in a copy of examples/ci/project, with the
built caprec and capanalyze first on PATH (and a sudo that just runs its
command: this runs as root). Each is run twice:

- with the project's .caprec/allow.txt: the gate passes (exit 0), the SARIF
  log has no result, the JUnit report has passing testcases only;
- with "* none": the gate fails (exit 1), and the SARIF log and the JUnit
  report name chown x CAP_CHOWN with its call path.

Skipped (exit 77) without root or when caprec cannot record here.

usage: run_ci_examples.py CAPREC CAPANALYZE EXAMPLES_CI_DIR"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.append('/usr/lib/python3/dist-packages')  # Debian's python3-yaml under another python
import sarif_check  # noqa: E402
import yaml  # noqa: E402

failures = []


def fail(what):
    failures.append(what)
    print('FAIL: ' + what)


def github_steps(path):
    with open(path) as f:
        workflow = yaml.safe_load(f)
    steps = []
    for job in workflow['jobs'].values():
        for step in job['steps']:
            if 'uses' in step or step.get('name', '').startswith('Install'):
                continue
            steps.append(step['run'])
    return ['set -e\n' + '\n'.join(steps)]


def gitlab_steps(path):
    with open(path) as f:
        pipeline = yaml.safe_load(f)
    # GitLab runs a job's script lines in one shell, stopping at the first failure.
    return ['set -e\n' + '\n'.join(pipeline['capabilities']['script'])]


def run_example(name, scripts, project, bindir, allow):
    with tempfile.TemporaryDirectory(prefix='caprec-ci-example-') as tmp:
        work = os.path.join(tmp, 'project')
        shutil.copytree(project, work)
        if allow is not None:
            with open(os.path.join(work, '.caprec', 'allow.txt'), 'w') as f:
                f.write(allow)
        env = dict(os.environ, PATH=bindir + ':' + os.environ['PATH'],
                   XDG_CACHE_HOME=os.path.join(tmp, 'cache'))
        status = 0
        for script in scripts:
            p = subprocess.run(['bash', '-c', script], cwd=work, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
            status = p.returncode
            output = p.stdout.decode('utf-8', 'replace')
            if status:
                break
        want = 0 if allow is None else 1
        label = '%s (%s)' % (name, 'committed policy' if allow is None else 'allow none')
        if status != want:
            fail('%s: exit %d, expected %d:\n%s' % (label, status, want, output))
            return
        with open(os.path.join(work, 'caprec.sarif')) as f:
            log = json.load(f)
        for e in sarif_check.structure_errors(log) + sarif_check.object_model_errors(log):
            fail('%s: caprec.sarif: %s' % (label, e))
        results = {(r['properties']['executable'], r['properties']['capability'])
                   for r in log['runs'][0]['results']}
        root = ET.parse(os.path.join(work, 'caprec-junit.xml')).getroot()
        failed = {(tc.get('classname'), tc.get('name')) for tc in root.iter('testcase')
                  if tc.find('failure') is not None}
        if results != failed:
            fail('%s: SARIF results %r, JUnit failures %r' % (label, results, failed))
        if allow is None and results:
            fail('%s: the committed policy should pass: %r' % (label, results))
        if allow is not None and not any(exe.endswith('/chown') and cap == 'CAP_CHOWN'
                                         for exe, cap in results):
            fail('%s: no chown x CAP_CHOWN finding: %r' % (label, results))
        print('%s: exit %d, %d finding(s) %s' % (label, status, len(results), sorted(results)))


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    caprec, capanalyze, examples = map(os.path.abspath, sys.argv[1:])
    if os.geteuid() != 0:
        print('not root: caprec cannot load its BPF program; skipping')
        return 77
    probe = subprocess.run([caprec, '--probe'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if probe.returncode != 0:
        print('caprec --probe failed, no BPF here: %s; skipping' % probe.stdout.decode()[-300:])
        return 77
    with tempfile.TemporaryDirectory(prefix='caprec-ci-bin-') as bindir:
        for tool in (caprec, capanalyze):
            os.symlink(tool, os.path.join(bindir, os.path.basename(tool)))
        with open(os.path.join(bindir, 'sudo'), 'w') as f:
            f.write('#!/bin/sh\nexec "$@"\n')
        os.chmod(os.path.join(bindir, 'sudo'), 0o755)
        project = os.path.join(examples, 'project')
        for name, scripts in (('github-actions.yml',
                               github_steps(os.path.join(examples, 'github-actions.yml'))),
                              ('gitlab-ci.yml', gitlab_steps(os.path.join(examples,
                                                                          'gitlab-ci.yml')))):
            run_example(name, scripts, project, bindir, None)
            run_example(name, scripts, project, bindir, '* none\n')
    if failures:
        print('%d failure(s)' % len(failures))
        return 1
    print('ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
