#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Reports over the checked-in recordings samples/recordings/release-a.caprec
and release-b.caprec, which were recorded by caprec from two builds of the
same program that differ by exactly one capability: diff names that one
capability (exit 1), each release diffed with itself is equal (exit 0), a
policy derived from release-a passes check on release-a and fails on
release-b. Skipped (exit 77) until the recordings are checked in.

usage: run_release_samples.py CAPANALYZE SAMPLES_DIR"""
import json
import os
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    capanalyze, samples = os.path.abspath(sys.argv[1]), sys.argv[2]
    a = os.path.join(samples, 'recordings', 'release-a.caprec')
    b = os.path.join(samples, 'recordings', 'release-b.caprec')
    if not (os.path.exists(a) and os.path.exists(b)):
        print('samples/recordings/release-{a,b}.caprec not checked in: skipping')
        return 77
    failures = []
    with tempfile.TemporaryDirectory(prefix='caprec-releases-') as tmp:
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, 'cache'))

        def run(*args):
            p = subprocess.run([capanalyze] + list(args), env=env, cwd=tmp,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode()

        for x in (a, b):
            status, out, err = run('diff', x, x)
            if status != 0:
                failures.append('diff of %s with itself: exit %d %s' % (x, status, err))
        status, out, err = run('diff', '--ignore-counts', '--format', 'json', a, b)
        rows = json.loads(out) if status in (0, 1) else []
        caps = {(r['exe'], r['capability']) for r in rows if r['change'] in ('added', 'removed')}
        if status != 1 or len(caps) != 1:
            failures.append('diff release-a release-b: exit %d, capability changes %r, %s'
                            % (status, sorted(caps), err))
        else:
            print('release-a -> release-b: %s %s' % next(iter(caps)))
        status, out, err = run('policy', '--format', 'json', a)
        lines = ['%s %s' % (g['group'].replace(' ', '?'),
                            ','.join(g['counted']) or 'none')
                 for g in json.loads(out)] if status == 0 else []
        with open(os.path.join(tmp, 'a.policy'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
        status, _, err = run('check', '--allow', 'a.policy', a)
        if status != 0:
            failures.append('check release-a against its own policy: exit %d %s' % (status, err))
        status, out, err = run('check', '--allow', 'a.policy', b)
        if status != 1 and not any(r['change'] == 'removed' for r in rows):
            failures.append('check release-b against release-a\'s policy: exit %d' % status)
    for f in failures:
        print('FAIL', f)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
