#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Exit statuses and messages of the reports: diff like diff(1), check as a CI
gate, policy-file errors with line numbers, bad options and inputs, and that
a policy derived from a run passes check on that run.

usage: run_exit_status.py CAPANALYZE MAKE_RECORDING TEST_SOURCE_DIR"""
import json
import os
import random
import sys

from common import Scratch

failures = []


def expect(what, cond, detail=''):
    if not cond:
        failures.append('%s%s' % (what, (': ' + detail) if detail else ''))


def expect_run(scratch, args, status, out_has=(), err_has=(), err_lines=None):
    got, out, err = scratch.run(*args)
    what = 'capanalyze ' + ' '.join(args)
    expect(what, got == status, 'exit %d, wanted %d; stderr: %s' % (got, status, err.strip()))
    for text in out_has:
        expect(what, text in out, 'stdout lacks %r' % text)
    for text in err_has:
        expect(what, text in err, 'stderr lacks %r: %r' % (text, err))
    if err_lines is not None:
        expect(what, len(err.splitlines()) == err_lines,
               '%d stderr lines, wanted %d: %r' % (len(err.splitlines()), err_lines, err))
    return out, err


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    capanalyze, make_recording, source_dir = sys.argv[1:]
    policies = os.path.join(os.path.abspath(source_dir), 'policies')
    s = Scratch(capanalyze, make_recording)
    try:
        with open(s.path('garbage.caprec'), 'wb') as f:
            f.write(b'this is not a recording\n' * 10)

        # diff: 0 equal, 1 different (naming the one capability), 2 error.
        expect_run(s, ['diff', 'a.caprec', 'a.caprec'], 0)
        out, _ = expect_run(s, ['diff', '--format', 'csv', 'a.caprec', 'b.caprec'], 1,
                            out_has=['added,/usr/bin/webd,CAP_NET_RAW,'])
        expect('diff a b names one capability', out.count('CAP_') == 1, out)
        expect_run(s, ['diff', 'b.caprec', 'a.caprec'], 1, out_has=['removed', 'CAP_NET_RAW'])
        expect_run(s, ['diff', 'a.caprec', 'missing.caprec'], 2, err_has=['missing.caprec'],
                   err_lines=1)
        expect_run(s, ['diff', 'a.caprec', 'garbage.caprec'], 2, err_has=['garbage.caprec'],
                   err_lines=1)
        expect_run(s, ['diff', 'a.caprec'], 2)

        # check: inside the set, outside it, a policy file, the empty set.
        # The launcher's setgroups() before its exec is its own work: it counts.
        everything = 'chown,setuid,setgid,kill,net_bind_service,dac_override'
        expect_run(s, ['check', '--allow', everything, 'a.caprec'], 0, out_has=['ok'])
        expect_run(s, ['check', '-q', '--allow', everything, 'b.caprec'], 1)
        out, err = expect_run(s, ['check', '--allow', 'CAP_CHOWN,CAP_NET_BIND_SERVICE,CAP_KILL,'
                                  'CAP_DAC_OVERRIDE,CAP_SETGID', 'a.caprec'], 1,
                              out_has=['/usr/bin/webd', 'CAP_SETUID', 'drop_privileges'],
                              err_has=['1 capability outside'])
        expect('check ignores probes and exec', 'CAP_SYS_ADMIN' not in out
               and 'CAP_DAC_READ_SEARCH' not in out, out)
        expect_run(s, ['check', '--allow', os.path.join(policies, 'pass.txt'), 'a.caprec'], 0)
        expect_run(s, ['check', '--allow', os.path.join(policies, 'fail.txt'), 'a.caprec'], 1,
                   out_has=['CAP_SETUID'])
        out, _ = expect_run(s, ['check', '--allow', 'none', '--format', 'json', 'a.caprec'], 1)
        rows = json.loads(out)
        expect('check --allow none lists every need and denial',
               sorted(r['capability'] for r in rows) ==
               ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_SETGID',
                'CAP_SETUID'], out)
        # A call-site rule outranks the audit flag: the overcommit probe stays a probe.
        expect_run(s, ['check', '--include-nonaudit', '--allow', everything, 'a.caprec'], 0)

        # Gates that cannot pass by accident: 500,000 lost events and one chown.
        out, err = expect_run(s, ['check', '--allow', 'chown', 'lossy.caprec'], 4,
                              err_has=['incomplete'])
        expect('check names the loss first', out.startswith('incomplete: 500000 events lost'),
               out)
        expect_run(s, ['check', '--allow', 'chown', '--allow-incomplete', 'lossy.caprec'], 0,
                   out_has=['incomplete: 500000 events lost', 'ok'])
        expect_run(s, ['check', '--allow', 'none', 'lossy.caprec'], 1)
        out, err = expect_run(s, ['policy', 'lossy.caprec'], 4)
        expect('policy names the loss first', out.startswith('incomplete: 500000'), out)
        out, err = expect_run(s, ['policy', '--format', 'json', 'lossy.caprec'], 4,
                              err_has=['incomplete: 500000'])
        expect('policy json stays json on an incomplete recording',
               json.loads(out)[0]['capabilities'] == ['CAP_CHOWN'], out)
        out, _ = expect_run(s, ['policy', '--format', 'allow', '--allow-incomplete',
                                'lossy.caprec'], 0)
        expect('an allow file from an incomplete recording says so',
               out.startswith('# incomplete: 500000'), out)
        expect_run(s, ['diff', 'lossy.caprec', 'lossy.caprec'], 4,
                   out_has=['A: incomplete: 500000', 'B: incomplete: 500000'])
        expect_run(s, ['diff', '--allow-incomplete', 'lossy.caprec', 'lossy.caprec'], 0)

        # Policy-file errors: one line, file and line number, exit 2.
        for name, line, message in [
                ('bad-unknown.txt', 4, "unknown capability 'CAP_FOO'"),
                ('bad-missing.txt', 1, "no capability list after 'webd'"),
                ('bad-duplicate.txt', 3, "second rule for 'webd' (first on line 1)"),
                ('bad-empty-item.txt', 1, 'empty item in capability list')]:
            path = os.path.join(policies, name)
            expect_run(s, ['check', '--allow', path, 'a.caprec'], 2,
                       err_has=['%s:%d: %s' % (path, line, message)], err_lines=1)
        expect_run(s, ['check', '--allow', 'CAP_FOO', 'a.caprec'], 2,
                   err_has=["unknown capability 'CAP_FOO'"], err_lines=1)
        expect_run(s, ['check', '--allow', './no/such/policy.txt', 'a.caprec'], 2,
                   err_has=['no/such/policy.txt'], err_lines=1)
        expect_run(s, ['check', 'a.caprec'], 2, err_has=['--allow'])

        # A policy derived from a run passes check on the run and fails on the next release.
        out, _ = expect_run(s, ['policy', '--format', 'json', 'a.caprec'], 0)
        lines = ['%s %s' % (g['group'], ','.join(g['counted']) or 'none')
                 for g in json.loads(out)]
        with open(s.path('derived.txt'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
        expect_run(s, ['check', '--allow', s.path('derived.txt'), 'a.caprec'], 0)
        expect_run(s, ['check', '--allow', s.path('derived.txt'), 'b.caprec'], 1,
                   out_has=['CAP_NET_RAW', 'probe_peer'])

        # The same through --format allow, hostile paths included.
        for name in ('a', 'hostile'):
            out, _ = expect_run(s, ['policy', '--format', 'allow', name + '.caprec'], 0)
            with open(s.path(name + '.allow'), 'w') as f:
                f.write(out)
        expect_run(s, ['check', '--allow', s.path('a.allow'), 'a.caprec'], 0)
        expect_run(s, ['check', '--allow', s.path('a.allow'), 'b.caprec'], 1,
                   out_has=['CAP_NET_RAW'])
        # hostile's capability 1000 is named cap_1000 in its policy: check passes the run
        # the policy came from, and still fails a run that used what it does not name.
        expect_run(s, ['check', '--allow', s.path('hostile.allow'), '--format', 'csv',
                       'hostile.caprec'], 0)
        with open(s.path('hostile.allow')) as f:
            allow = f.read()
        expect('hostile allow file names cap_1000', 'cap_1000' in allow, allow)
        with open(s.path('hostile-no-1000.allow'), 'w') as f:
            f.write(allow.replace(',cap_1000', ''))
        out, _ = expect_run(s, ['check', '--allow', s.path('hostile-no-1000.allow'), '--format',
                                'csv', 'hostile.caprec'], 1, out_has=['cap_1000'])
        expect('hostile allow file matches its executable', 'CAP_NET_ADMIN' not in out, out)
        expect_run(s, ['policy', '--by', 'container', '--format', 'allow', 'a.caprec'], 2,
                   err_has=['--by exe'], err_lines=1)

        # A container runtime's init sets the container up: its mount is not the image's.
        out, _ = expect_run(s, ['policy', '--by', 'container', '--format', 'json',
                                'container.caprec'], 0)
        g = json.loads(out)[0]
        expect('--by container: the entrypoint\'s bind only, the mount is the runtime\'s',
               g['group'] == 'docker:abc123' and g['capabilities'] == ['CAP_NET_BIND_SERVICE']
               and any(d['capability'] == 'CAP_SYS_ADMIN' and d['decision'] == 'runtime' and
                       d['rule'] == 'container-runtime' for d in g['decisions']), out)
        out, _ = expect_run(s, ['policy', '--format', 'json', 'container.caprec'], 0)
        groups = {g['group']: g for g in json.loads(out)}
        expect('--by exe: runc\'s own mount is in runc\'s set',
               groups.get('/memfd:runc_cloned:/proc/self/exe (deleted)', {}).get(
                   'capabilities') == ['CAP_SYS_ADMIN'] and
               groups.get('/app/server', {}).get('capabilities') == ['CAP_NET_BIND_SERVICE'],
               out)

        # --form: one deployment form, machine-readable for tools that apply a set.
        out, _ = expect_run(s, ['policy', '--form', 'nonroot', '--format', 'allow', 'a.caprec'], 0)
        expect('--form nonroot allow: webd without leaving uid 0',
               '/usr/bin/webd CAP_KILL,CAP_NET_BIND_SERVICE\n' in out and
               '/usr/bin/launcher none\n' in out, out)
        out, _ = expect_run(s, ['policy', '--form', 'root', '--format', 'allow', 'a.caprec'], 0)
        expect('--form root allow: webd leaves uid 0 too',
               '/usr/bin/webd CAP_KILL,CAP_SETUID,CAP_NET_BIND_SERVICE\n' in out, out)
        out, _ = expect_run(s, ['policy', '--form', 'nonroot', '--format', 'json', 'a.caprec'], 0)
        groups = {g['group']: g for g in json.loads(out)}
        expect('--form nonroot json: top-level capabilities are that form\'s',
               groups['/usr/bin/webd']['form'] == 'nonroot' and
               groups['/usr/bin/webd']['capabilities'] == ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
               out)
        out, _ = expect_run(s, ['policy', '--form', 'root', 'a.caprec'], 0)
        expect('--form root text: no non-root block', 'root, bounded' in out and
               'non-root with capabilities' not in out, out)
        expect_run(s, ['policy', '--form', 'rootless', 'a.caprec'], 2,
                   err_has=["--form must be root or nonroot, not 'rootless'"], err_lines=1)

        # Bad options and inputs: one line, exit 2; never a crash.
        for args, text in [
                (['paths', '--cap', 'nonsense', 'a.caprec'], "unknown capability 'nonsense'"),
                (['paths', '--verdict', 'maybe', 'a.caprec'], 'allow or deny'),
                (['paths', '--syscall', 'nosuchcall', 'a.caprec'], 'nosuchcall'),
                (['paths', '--limit', '0', 'a.caprec'], 'positive'),
                (['paths', '--format', 'xml', 'a.caprec'], 'xml'),
                (['policy', '--by', 'planet', 'a.caprec'], 'planet'),
                (['flamegraph', 'a.caprec'], '-o'),
                (['folded', 'garbage.caprec'], 'garbage.caprec'),
                (['paths', 'missing.caprec'], 'missing.caprec'),
                (['policy', 'garbage.caprec'], 'garbage.caprec')]:
            expect_run(s, args, 2, err_has=[text], err_lines=1)
        for cmd in ('paths', 'folded', 'flamegraph', 'policy', 'diff', 'check'):
            expect_run(s, [cmd, '--help'], 0, out_has=['usage: capanalyze ' + cmd, 'exit status'])

        # Filters are bound parameters: SQL in a glob is just a glob that matches nothing,
        # and a filter that matches nothing is an error, never an empty "ok".
        expect_run(s, ['paths', '--format', 'csv', '--exe', "x' OR 1=1 --", 'a.caprec'], 2,
                   err_has=["--exe 'x' OR 1=1 --' matches no executable"], err_lines=1)
        for cmd in (['summary'], ['paths'], ['folded'], ['flamegraph', '-o', s.path('x.svg')],
                    ['policy'], ['check', '--allow', 'none']):
            expect_run(s, cmd + ['--exe', '/usr/sbin/webd', 'a.caprec'], 2,
                       err_has=["--exe '/usr/sbin/webd' matches no executable"], err_lines=1)
            # One meaning everywhere: without '/', the base name.
            expect_run(s, cmd + ['--exe', 'webd', '--format', 'csv', 'a.caprec'],
                       1 if cmd[0] == 'check' else 0)
        for cmd in (['paths'], ['folded'], ['flamegraph', '-o', s.path('x.svg')]):
            expect_run(s, cmd + ['--cap', 'sys_module', 'a.caprec'], 2,
                       err_has=['--cap CAP_SYS_MODULE matches no check'], err_lines=1)
            expect_run(s, cmd + ['--cap', 'sys_resourse', 'a.caprec'], 2,
                       err_has=["unknown capability 'sys_resourse'"], err_lines=1)
        expect_run(s, ['replay', '--cap', 'sys_resourse', 'a.caprec'], 2,
                   err_has=["unknown capability 'sys_resourse'"], err_lines=1)
        expect_run(s, ['replay', '--cap', 'sys_module', 'a.caprec'], 2,
                   err_has=['--cap CAP_SYS_MODULE matches no check'])
        out, _ = expect_run(s, ['paths', '--format', 'csv', '--exe', '/usr/bin/w*',
                                'a.caprec'], 0)
        expect('--exe glob on full paths', 'webd' in out and 'worker' in out and
               'launcher' not in out, out)

        # Damaged recordings (seeded byte flips, truncations, insertions): every
        # report loads what it can and answers, or fails in one line; never a crash.
        rng = random.Random(4)
        with open(s.path('a.caprec'), 'rb') as f:
            original = f.read()
        for i in range(8):
            data = bytearray(original)
            if i % 3 == 0:
                for _ in range(rng.randrange(1, 8)):
                    data[rng.randrange(len(data))] = rng.randrange(256)
            elif i % 3 == 1:
                data = data[:rng.randrange(len(data))]
            else:
                at = rng.randrange(len(data))
                data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
            with open(s.path('damaged.caprec'), 'wb') as f:
                f.write(data)
            for args in (['paths'], ['folded'], ['flamegraph', '-o', 'damaged.svg'],
                         ['policy', '--format', 'json'], ['check', '--allow', 'none'],
                         ['diff', 'a.caprec']):
                got, _, err = s.run(*(args + ['damaged.caprec']))
                expect('%s on damaged recording %d' % (args[0], i),
                       got in (0, 1, 2, 4) and (got != 2 or len(err.splitlines()) == 1),
                       'exit %d: %s' % (got, err.strip()))
                # The gates never call a damaged recording fine.
                expect('%s passes damaged recording %d' % (args[0], i),
                       args[0] not in ('policy', 'check') or got != 0, err.strip())
    finally:
        s.close()
    for f in failures:
        print('FAIL', f)
    print('%d failure(s)' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
