#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Golden outputs of every report in every format over the test recordings.

usage: run_golden.py CAPANALYZE MAKE_RECORDING GOLDEN_DIR [--update]

Each case's stdout, exit status and stderr are compared with
GOLDEN_DIR/<case>.out; --update rewrites the files instead (review the diff
before committing it)."""
import difflib
import os
import sys

from common import Scratch

FORMATS = ('table', 'json', 'csv')
POLICIES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'policies')

CASES = []
for f in FORMATS:
    CASES += [
        ('paths-' + f, ['paths', '--format', f, 'a.caprec']),
        ('folded-' + f, ['folded', '--format', f, 'a.caprec']),
        ('policy-' + f, ['policy', '--format', f, 'a.caprec']),
        ('diff-' + f, ['diff', '--format', f, 'a.caprec', 'b.caprec']),
        ('check-pass-' + f, ['check', '--format', f, '--allow',
                             'chown,setuid,setgid,kill,net_bind_service,CAP_DAC_OVERRIDE', 'a.caprec']),
        ('check-fail-' + f, ['check', '--format', f, '--allow', 'CAP_CHOWN', 'a.caprec']),
        ('flamegraph-' + f, ['flamegraph', '--format', f, '--per-cap', 'svg', 'a.caprec']),
        ('hostile-paths-' + f, ['paths', '--format', f, 'hostile.caprec']),
        ('hostile-policy-' + f, ['policy', '--format', f, 'hostile.caprec']),
    ]
CASES += [
    ('folded', ['folded', 'a.caprec']),
    ('folded-filtered', ['folded', '--cap', 'chown', '--exe', '/usr/bin/*', 'a.caprec']),
    ('folded-b', ['folded', 'b.caprec']),
    ('folded-hostile', ['folded', 'hostile.caprec']),
    ('paths-filtered', ['paths', '--cap', 'net_bind_service', '--exe', 'webd', '--verdict',
                        'allow', '--syscall', 'bind', 'a.caprec']),
    ('paths-denied', ['paths', '--verdict', 'deny', '--format', 'csv', 'a.caprec']),
    ('paths-limit', ['paths', '--limit', '1', '--format', 'csv', 'b.caprec']),
    ('policy-by-container', ['policy', '--by', 'container', 'a.caprec']),
    ('policy-by-cgroup-json', ['policy', '--by', 'cgroup', '--format', 'json', 'a.caprec']),
    ('policy-nonaudit-csv', ['policy', '--include-nonaudit', '--format', 'csv', 'a.caprec']),
    ('policy-exe-json', ['policy', '--exe', 'webd', '--format', 'json', 'a.caprec']),
    ('policy-allow', ['policy', '--format', 'allow', 'a.caprec']),
    ('hostile-policy-allow', ['policy', '--format', 'allow', 'hostile.caprec']),
    ('diff-same', ['diff', 'a.caprec', 'a.caprec']),
    ('diff-reverse', ['diff', 'b.caprec', 'a.caprec']),
    ('check-file-pass', ['check', '--allow', os.path.join(POLICIES, 'pass.txt'), 'a.caprec']),
    ('check-file-fail', ['check', '--allow', os.path.join(POLICIES, 'fail.txt'), 'a.caprec']),
    ('check-b-fails', ['check', '--allow', os.path.join(POLICIES, 'pass.txt'), 'b.caprec']),
]


def render(status, out, err):
    return '%s--- exit %d\n%s' % (out, status, err)


def main():
    args = [a for a in sys.argv[1:] if a != '--update']
    update = '--update' in sys.argv
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    capanalyze, make_recording, golden_dir = args
    scratch = Scratch(capanalyze, make_recording)
    failures = 0
    try:
        for name, cmd in CASES:
            got = render(*scratch.run(*cmd))
            # Absolute paths of this checkout must not make goldens machine-specific.
            got = got.replace(POLICIES, '<policies>')
            path = os.path.join(golden_dir, name + '.out')
            if update:
                with open(path, 'w', encoding='utf-8', newline='') as f:
                    f.write(got)
                continue
            try:
                with open(path, encoding='utf-8', newline='') as f:
                    want = f.read()
            except FileNotFoundError:
                print('%s: no golden file %s' % (name, path))
                failures += 1
                continue
            if got != want:
                failures += 1
                print('%s: output differs from %s' % (name, path))
                sys.stdout.writelines(difflib.unified_diff(
                    want.splitlines(True), got.splitlines(True), 'golden', 'got'))
        # The SVG flame graph is golden too: its layout and escaping are the output.
        status, out, err = scratch.run('flamegraph', '-o', 'all.svg', 'a.caprec')
        with open(scratch.path('all.svg'), encoding='utf-8', newline='') as f:
            svg = f.read()
        path = os.path.join(golden_dir, 'flamegraph-all.svg')
        if update:
            with open(path, 'w', encoding='utf-8', newline='') as f:
                f.write(svg)
        else:
            with open(path, encoding='utf-8', newline='') as f:
                if f.read() != svg:
                    failures += 1
                    print('flamegraph-all.svg differs (status %d, %s)' % (status, err))
    finally:
        scratch.close()
    print('%d case(s), %d failure(s)' % (len(CASES) + 1, failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
