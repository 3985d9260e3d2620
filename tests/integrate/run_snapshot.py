#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""caprec's snapshot: SIGHUP to a caprec recording to a file ends the current
part and starts the next, without stopping. Runs caprec with the settings of
its systemd unit (dist/caprec.service.in's ExecStart options, read from
the unit, which systemd-analyze verify accepts), under a workload that makes a capability check every 50 ms; sends
SIGHUP; while caprec still records, the closed part must be whole (info: a
clean end) and its checks analysable (summary names the workload's chown);
after a second SIGHUP and SIGTERM, the parts' events add up to the total
caprec reports, and every part ends clean. SIGHUP to a live trace (no -o)
still stops it.

Skipped (exit 77) without root or when caprec cannot record here.

usage: run_snapshot.py CAPREC CAPANALYZE UNIT_TEMPLATE"""
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time

failures = []


def fail(what):
    failures.append(what)
    print('FAIL: ' + what)


def unit_options(unit):
    """The options caprec.service starts caprec with, less -o (the test names its own file).

    ExecStart= runs caprec through sh -c (the file name has the start time in
    it): the words of that command after the caprec program."""
    with open(unit) as f:
        for line in f:
            if line.startswith('ExecStart='):
                words = shlex.split(line[len('ExecStart='):])
                if words[:2] == ['/bin/sh', '-c']:
                    words = shlex.split(words[2])
                while words and not words[0].endswith('/caprec'):
                    words.pop(0)
                out, skip = [], False
                for w in words[1:]:
                    if skip:
                        skip = False
                    elif w == '-o':
                        skip = True
                    else:
                        out.append(w)
                return out
    return None


def verify_unit(unit, caprec):
    """systemd-analyze verify on the unit as meson installs it, caprec's path filled in."""
    with tempfile.TemporaryDirectory(prefix='caprec-unit-') as tmp:
        with open(unit) as f:
            text = f.read().replace('@SBINDIR@', os.path.dirname(caprec))
        path = os.path.join(tmp, 'caprec.service')
        with open(path, 'w') as f:
            f.write(text)
        p = subprocess.run(['systemd-analyze', 'verify', '--man=no', path],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        said = p.stdout.decode()
        if p.returncode != 0 or 'caprec.service' in said:
            fail('systemd-analyze verify caprec.service: exit %d: %s' % (p.returncode, said))
        else:
            print('systemd-analyze verify caprec.service: clean')


def info(run, path):
    status, out, err = run('info', '--format', 'json', path)
    if status != 0:
        fail('info %s: exit %d %s' % (path, status, err))
        return {}
    return {r['field']: r['value'] for r in json.loads(out)}


def wait_for(predicate, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    caprec, capanalyze, unit = map(os.path.abspath, sys.argv[1:])
    if os.geteuid() != 0:
        print('not root: caprec cannot load its BPF program; skipping')
        return 77
    probe = subprocess.run([caprec, '--probe'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if probe.returncode != 0:
        print('caprec --probe failed, no BPF here: %s; skipping' % probe.stdout.decode()[-300:])
        return 77
    options = unit_options(unit)
    if options is None:
        fail('%s has no ExecStart=' % unit)
        return 1
    print('caprec options from the unit: %s' % ' '.join(options))
    verify_unit(unit, caprec)
    with tempfile.TemporaryDirectory(prefix='caprec-snapshot-') as tmp:
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, 'cache'), LC_ALL='C')

        def run(*args):
            p = subprocess.run([capanalyze] + list(args), cwd=tmp, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode()

        target = os.path.join(tmp, 'owned')
        open(target, 'w').close()
        workload = subprocess.Popen(['sh', '-c', 'while :; do chown 65534 "$1"; chown 0 "$1"; '
                                     'sleep 0.05; done', 'workload', target])
        rec = os.path.join(tmp, 'svc.caprec')
        errlog = open(os.path.join(tmp, 'caprec.err'), 'w+')
        caprec_proc = subprocess.Popen([caprec] + options + ['-p', str(workload.pid), '--follow',
                                                             '-o', rec],
                                       stderr=errlog, cwd=tmp)
        try:
            time.sleep(1.5)
            if caprec_proc.poll() is not None:
                errlog.seek(0)
                fail('caprec ended early: exit %d %s' % (caprec_proc.returncode, errlog.read()))
                return 1
            caprec_proc.send_signal(signal.SIGHUP)

            def logged():
                errlog.seek(0)
                return 'snapshot: %s closed' % rec in errlog.read()
            if not wait_for(logged, 10):
                fail('no "snapshot: ... closed" line from caprec after SIGHUP')
            if caprec_proc.poll() is not None:
                fail('caprec stopped on SIGHUP (exit %d)' % caprec_proc.returncode)
            first = info(run, rec)
            if first.get('clean end') is not True or first.get('recorder.part', 0) not in (0,):
                fail('part 0 after the snapshot: integrity %r' % first.get('integrity'))
            status, out, err = run('summary', '--format', 'json', rec)
            rows = json.loads(out) if status == 0 else []
            if not any(r['executable'].endswith('/chown') and 'CAP_CHOWN' in r['used']
                       for r in rows):
                fail('the snapshot does not show chown using CAP_CHOWN: %s %s' % (out, err))
            still = caprec_proc.poll() is None
            print('snapshot part 0: %s, %s events; caprec %s' % (
                first.get('integrity'), first.get('events'),
                'still recording' if still else 'stopped'))
            if not still:
                fail('caprec did not go on recording after the snapshot')
            time.sleep(1)
            caprec_proc.send_signal(signal.SIGHUP)
            wait_for(lambda: os.path.exists(rec + '.2'), 10)
            time.sleep(0.5)
            caprec_proc.send_signal(signal.SIGTERM)
            caprec_proc.wait(timeout=30)
        finally:
            if caprec_proc.poll() is None:
                caprec_proc.kill()
                caprec_proc.wait()
            workload.kill()
            workload.wait()
        errlog.seek(0)
        log = errlog.read()
        m = re.search(r'caprec: (\d+) events, (\d+) lost', log)
        if caprec_proc.returncode != 0 or not m:
            fail('caprec: exit %d, log %r' % (caprec_proc.returncode, log))
            return 1
        parts = [rec] + ['%s.%d' % (rec, i) for i in (1, 2)]
        total = 0
        for part in parts:
            if not os.path.exists(part):
                fail('%s missing after two snapshots' % part)
                continue
            i = info(run, part)
            total += i.get('events', 0)
            if i.get('clean end') is not True:
                fail('%s: integrity %r' % (part, i.get('integrity')))
        if total != int(m.group(1)):
            fail('the parts hold %d events, caprec reported %s' % (total, m.group(1)))
        print('3 parts, %d events, as caprec reported' % total)

        # A live trace (no -o): SIGHUP means its terminal is gone, and it stops.
        live = subprocess.Popen([caprec], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        live.send_signal(signal.SIGHUP)
        try:
            live.wait(timeout=10)
        except subprocess.TimeoutExpired:
            live.kill()
            live.wait()
            fail('a live trace went on after SIGHUP')
    if failures:
        print('%d failure(s)' % len(failures))
        return 1
    print('ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
