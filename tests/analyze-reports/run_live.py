#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""End to end: caprec records the samples (needs root and BPF), and the
reports name the samples' own functions, capabilities and decisions.
Skipped (exit 77) without root or when caprec cannot record here.

usage: run_live.py CAPANALYZE CAPREC SAMPLES_BUILD_DIR"""
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

failures = []


def expect(what, cond, detail=''):
    if not cond:
        failures.append('%s%s' % (what, (': ' + str(detail)[:2000]) if detail else ''))


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    capanalyze, caprec, samples = (os.path.abspath(a) for a in sys.argv[1:])
    if os.geteuid() != 0:
        print('not root: caprec cannot load its BPF program; skipping')
        return 77
    probe = subprocess.run([caprec, '--probe'], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
    if probe.returncode != 0:
        print('caprec --probe failed, no BPF here: %s; skipping' % probe.stdout.decode()[-300:])
        return 77
    with tempfile.TemporaryDirectory(prefix='caprec-reports-live-') as tmp:
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, 'cache'))

        def run(*args):
            p = subprocess.run([capanalyze] + list(args), cwd=tmp, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode()

        workload = '%s/sample_chown && %s/sample_bind 80 && %s/sample_mmap' % (
            samples, samples, samples)
        rec = subprocess.run([caprec, '-v', '-K', '-U', '-o', 'live.caprec', '--', 'sh', '-c',
                              workload], cwd=tmp, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, timeout=120)
        if rec.returncode != 0:
            print('caprec could not record: %s; skipping' % rec.stderr.decode()[-300:])
            return 77

        status, out, err = run('policy', '--format', 'json', 'live.caprec')
        expect('policy', status == 0, err)
        groups = {os.path.basename(g['group']): g for g in json.loads(out or '[]')}
        chown = groups.get('sample_chown', {})
        expect('sample_chown needs exactly CAP_CHOWN', chown.get('capabilities') == ['CAP_CHOWN'],
               chown)
        expect('the CAP_CHOWN decision names the sample function',
               any(d['capability'] == 'CAP_CHOWN' and d['decision'] == 'needed' and
                   'sample_chown_foreign_file' in d['user_stack'] and d['syscall'] == 'fchownat'
                   for d in chown.get('decisions', [])), chown)
        bind = groups.get('sample_bind', {})
        expect('sample_bind needs exactly CAP_NET_BIND_SERVICE',
               bind.get('capabilities') == ['CAP_NET_BIND_SERVICE'], bind)
        mmap = groups.get('sample_mmap', {})
        expect('sample_mmap needs nothing; its CAP_SYS_ADMIN is the overcommit probe',
               mmap.get('capabilities') == [] and
               any(d['capability'] == 'CAP_SYS_ADMIN' and d['decision'] == 'probe' and
                   d['rule'] == 'vm-enough-memory' for d in mmap.get('decisions', [])), mmap)

        status, out, err = run('paths', '--format', 'json', '--cap', 'net_bind_service',
                               'live.caprec')
        rows = json.loads(out or '[]') if status == 0 else []
        expect('paths names sample_bind_privileged_port via bind',
               any('sample_bind_privileged_port' in r['user_stack'] and r['syscall'] == 'bind'
                   and 'cap_capable' in r['kernel_stack'] for r in rows), rows)

        status, out, err = run('folded', 'live.caprec')
        expect('folded has the sample frame, kernel frames and the capability leaf',
               any('sample_chown_foreign_file;' in line and '_[k];' in line and
                   line.rsplit(' ', 1)[0].endswith(';CAP_CHOWN') for line in out.splitlines()),
               out)

        status, out, err = run('flamegraph', '-o', '-', 'live.caprec')
        try:
            root = ET.fromstring(out)
            tips = [t.text or '' for t in root.iter('{http://www.w3.org/2000/svg}title')]
            expect('flame graph box for sample_bind_privileged_port',
                   any(t.startswith('sample_bind_privileged_port (') for t in tips))
        except ET.ParseError as e:
            failures.append('flamegraph output is not XML: %s' % e)

        status, out, err = run('policy', '--format', 'allow', 'live.caprec')
        with open(os.path.join(tmp, 'live.allow'), 'w') as f:
            f.write(out)
        status, out, err = run('check', '--allow', 'live.allow', 'live.caprec')
        expect('the run passes its own policy', status == 0, out + err)
        status, out, err = run('check', '--allow', 'none', 'live.caprec')
        expect('check --allow none fails naming CAP_CHOWN and the sample',
               status == 1 and 'CAP_CHOWN' in out and 'sample_chown_foreign_file' in out,
               out + err)
        status, out, err = run('diff', 'live.caprec', 'live.caprec')
        expect('a live recording equals itself', status == 0, out + err)
    for f in failures:
        print('FAIL', f)
    print('%d failure(s)' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
