#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Syscall numbers mean what they meant on the machine a recording was made
on: an aarch64 recording (make_recording arm64: execve 221, fchownat 54,
setuid 146, numbers that are fadvise64, setsockopt and sched_rr_get_interval
on x86_64) reads with aarch64's names in paths, policy and replay, its
--syscall filters resolve per machine, and the exec test SQL uses 221, not
59. Alone and in one database with an x86_64 recording.

usage: run_machine.py CAPANALYZE MAKE_RECORDING"""
import json
import os
import subprocess
import sys

from common import Scratch

failures = []


def expect(what, cond, detail=''):
    if not cond:
        failures.append('%s%s' % (what, (': ' + detail) if detail else ''))


def run_ok(scratch, *args):
    status, out, err = scratch.run(*args)
    expect('capanalyze ' + ' '.join(args), status == 0,
           'exit %d; stderr: %s' % (status, err.strip()))
    return out


def csv_rows(text):
    lines = text.splitlines()
    header = lines[0].split(',')
    return [dict(zip(header, line.split(','))) for line in lines[1:]]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    scratch = Scratch(sys.argv[1], sys.argv[2])
    try:
        subprocess.run([os.path.abspath(sys.argv[2]), 'arm64', 'arm64.caprec'],
                       cwd=scratch.dir, check=True)

        # paths: aarch64's names, and none of x86_64's for those numbers.
        rows = csv_rows(run_ok(scratch, 'paths', '--format', 'csv', 'arm64.caprec'))
        got = sorted((r['capability'], r['syscall']) for r in rows)
        expect('paths arm64', got == [('CAP_CHOWN', 'fchownat'),
                                      ('CAP_DAC_READ_SEARCH', 'execve'),
                                      ('CAP_SETUID', 'setuid')], repr(got))

        # --syscall NAME resolves on the recording's machine; a number is a number.
        for value, want in (('fchownat', ['CAP_CHOWN']), ('sys_execve', ['CAP_DAC_READ_SEARCH']),
                            ('54', ['CAP_CHOWN']), ('chown', []), ('setsockopt', [])):
            rows = csv_rows(run_ok(scratch, 'paths', '--format', 'csv', '--syscall', value,
                                   'arm64.caprec'))
            got = [r['capability'] for r in rows]
            expect('paths --syscall %s on arm64' % value, got == want, repr(got))

        # policy: the decisions name aarch64's syscalls; the exec check is the exec.
        groups = json.loads(run_ok(scratch, 'policy', '--format', 'json', 'arm64.caprec'))
        decisions = {(d['capability'], d['syscall'], d['decision'])
                     for g in groups for d in g['decisions']}
        expect('policy arm64', ('CAP_CHOWN', 'fchownat', 'needed') in decisions and
               ('CAP_DAC_READ_SEARCH', 'execve', 'exec') in decisions and
               ('CAP_SETUID', 'setuid', 'leaving uid 0') in decisions, repr(decisions))

        # replay names the syscalls as caprec did live on that machine.
        out = run_ok(scratch, 'replay', '-x', 'arm64.caprec')
        for name in ('fchownat', 'execve', 'setuid'):
            expect('replay -x arm64 names ' + name, name in out, out)
        expect('replay -x arm64 has no x86_64 names', 'setsockopt' not in out, out)

        # One database, both machines: each recording's numbers by its machine.
        run_ok(scratch, 'load', '-d', 'mixed.db', 'a.caprec', 'arm64.caprec')
        out = run_ok(scratch, 'sql', '--format', 'csv', 'mixed.db',
                     'SELECT r.machine, a.syscall_nr, syscall_name(r.machine, a.syscall_nr)'
                     ' FROM check_aggregate a JOIN recordings r ON r.id = a.recording_id'
                     ' WHERE is_exec_syscall(r.machine, a.syscall_nr)'
                     ' GROUP BY 1, 2 ORDER BY 1')
        expect('exec checks by machine', out.splitlines()[1:] ==
               ['aarch64,221,execve', 'x86_64,59,execve'], out)
        out = run_ok(scratch, 'sql', '--format', 'csv', 'mixed.db',
                     'SELECT is_exec_syscall(\'aarch64\', 59), is_exec_syscall(\'x86_64\', 59),'
                     ' is_exec_syscall(NULL, 59), syscall_name(\'riscv64\', 1)')
        expect('exec numbers per machine', out.splitlines()[1:] == ['0,1,0,'], out)
        rows = csv_rows(run_ok(scratch, 'paths', '--format', 'csv', '--syscall', 'execve',
                               'mixed.db'))
        got = sorted(r['exe'] for r in rows)
        expect('paths --syscall execve over both', got == ['/usr/bin/armhelper',
                                                          '/usr/bin/worker'], repr(got))
        rows = csv_rows(run_ok(scratch, 'paths', '--format', 'csv', '--syscall', 'chown',
                               'mixed.db'))
        got = [(r['exe'], r['syscall']) for r in rows]
        expect('paths --syscall chown over both', got == [('/usr/bin/worker', 'chown')],
               repr(got))
    finally:
        scratch.close()
    for f in failures:
        print('FAIL', f)
    print('%d failure(s)' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
