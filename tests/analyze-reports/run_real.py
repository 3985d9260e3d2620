#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Policy on real Debian programs, recorded here with caprec as root: the
deployment forms, the call-site rules and the warnings, one case per way a
naive policy went wrong (docs/POLICY.md). Servers listen only on loopback in a
network namespace made for them. Needs root and BPF: else exit 77 with the
reason. A program that is not installed skips its case loudly.

usage: run_real.py CAPANALYZE CAPREC"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

failures = []
skipped = []
table = []


def expect(what, cond, detail=''):
    if not cond:
        failures.append('%s%s' % (what, (': ' + str(detail)[:1500]) if detail else ''))


class Lab:
    def __init__(self, capanalyze, caprec, tmp):
        self.capanalyze = capanalyze
        self.caprec = caprec
        self.tmp = tmp
        self.env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, 'cache'), LC_ALL='C')

    def record(self, name, cmd, ok_status=(0,), options=('-v', '-K', '-U')):
        """Records cmd (a list) as name.caprec; returns its path, or None (skipped)."""
        path = os.path.join(self.tmp, name + '.caprec')
        p = subprocess.run([self.caprec] + list(options) + ['-o', path, '--'] + cmd,
                           cwd=self.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
        if p.returncode not in ok_status:
            failures.append('%s: recording exited %d: %s' % (
                name, p.returncode, p.stderr.decode('utf-8', 'replace')[-400:]))
            return None
        return path

    def run(self, *args):
        p = subprocess.run([self.capanalyze] + list(args), cwd=self.tmp, env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode()

    def policy(self, *args):
        status, out, err = self.run('policy', '--format', 'json', *args)
        expect('policy %s' % ' '.join(args), status == 0, err)
        return json.loads(out) if status == 0 else []

    def passes_own_policy(self, name, *recordings):
        """policy --format allow, then check: a derived policy always passes its run."""
        status, out, err = self.run('policy', '--format', 'allow', *recordings)
        allow = os.path.join(self.tmp, name + '.allow')
        with open(allow, 'w') as f:
            f.write(out)
        status, out, err = self.run('check', '--allow', allow, *recordings)
        expect('%s passes check with its own policy' % name, status == 0, out + err)


def group(policy, base):
    """The group whose executable's base name starts with base, or {}."""
    for g in policy:
        if os.path.basename(g['group']).startswith(base):
            return g
    return {}


def decisions(policy, cap, rule=None):
    """Every decision about cap (with rule) in any group: (group, decision)."""
    return [(g, d) for g in policy for d in g['decisions']
            if d['capability'] == cap and (rule is None or d['rule'] == rule)]


def note(program, g):
    if not g:
        return
    nonroot = g['forms']['nonroot']
    table.append((program, ','.join(c[4:].lower() for c in g['forms']['root']['capabilities'])
                  or '-', (','.join(c[4:].lower() for c in nonroot['capabilities']) or '-')
                  if nonroot['works'] else 'no set works'))


def have(*programs):
    missing = [p for p in programs if not shutil.which(p)]
    if missing:
        skipped.append('not installed: ' + ', '.join(missing))
    return not missing


SERVE = r'''
ip link set lo up
"$@" & pid=$!
for i in $(seq 50); do curl -s -o /dev/null http://127.0.0.1/ && break; sleep 0.1; done
curl -s -o /dev/null http://127.0.0.1/
kill $pid; wait $pid
exit 0
'''


def serve(lab, name, cmd):
    """Records a server started in a new network namespace, fetched once, stopped."""
    script = os.path.join(lab.tmp, 'serve.sh')
    with open(script, 'w') as f:
        f.write(SERVE)
    return lab.record(name, ['unshare', '-n', 'sh', script] + cmd)


def work_before_exec(lab):
    """chrt, unshare and setpriv do privileged work, then exec: it counts for them."""
    if not have('chrt', 'unshare', 'setpriv', 'hostname'):
        return
    rec = lab.record('chrt', ['chrt', '-f', '10', 'true'])
    if rec:
        p = lab.policy(rec)
        found = decisions(p, 'CAP_SYS_NICE', 'sched-policy')
        expect('chrt: CAP_SYS_NICE needed (sched-policy), not thrown away',
               found and all(d['decision'] == 'needed' and d['in_nonroot'] for _, d in found),
               found)
        g = group(p, 'chrt')
        expect('chrt: its own set is CAP_SYS_NICE, in both forms',
               g.get('forms', {}).get('root', {}).get('capabilities') == ['CAP_SYS_NICE'] and
               g['forms']['nonroot']['capabilities'] == ['CAP_SYS_NICE'], p)
        expect('true: chrt\'s work is not filed under the program it exec\'d',
               group(p, 'true').get('capabilities') == [], p)
        note('chrt -f 10 true', g)
        lab.passes_own_policy('chrt', rec)
    rec = lab.record('unshare', ['unshare', '-u', 'hostname', 'caprec-policy-test'])
    if rec:
        p = lab.policy(rec)
        for exe, rule in (('unshare', 'unshare'), ('hostname', 'sethostname')):
            found = decisions(p, 'CAP_SYS_ADMIN', rule)
            expect('unshare -u hostname: CAP_SYS_ADMIN needed by %s' % rule,
                   found and all(d['decision'] == 'needed' for _, d in found), p)
            expect('unshare -u hostname: %s\'s own set is CAP_SYS_ADMIN' % exe,
                   group(p, exe).get('capabilities') == ['CAP_SYS_ADMIN'], p)
        note('unshare -u hostname X', group(p, 'unshare'))
        lab.passes_own_policy('unshare', rec)
    rec = lab.record('setpriv', ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups',
                                 '--', 'true'])
    if rec:
        p = lab.policy(rec)
        found = decisions(p, 'CAP_SETUID', 'setuid')
        expect('setpriv --reuid: CAP_SETUID is leaving uid 0, in the root form only',
               found and all(d['decision'] == 'leaving uid 0' and d['in_root'] and
                             not d['in_nonroot'] for _, d in found), p)
        g = group(p, 'setpriv')
        expect('setpriv: its own root-form set is CAP_SETGID,CAP_SETUID, non-root none',
               g.get('forms', {}).get('root', {}).get('capabilities') ==
               ['CAP_SETGID', 'CAP_SETUID'] and g['forms']['nonroot']['capabilities'] == [], p)
        note('setpriv --reuid=65534 -- true', g)
        lab.passes_own_policy('setpriv', rec)


def first_image(lab):
    """nice and chroot, recorded without -v: their check is the first one of their pid,
    and still theirs, not the recorder's."""
    for name, cmd, cap, rule in (('nice', ['nice', '-n', '-5', 'true'], 'CAP_SYS_NICE', 'nice'),
                                 ('chroot', ['chroot', '/', 'true'], 'CAP_SYS_CHROOT',
                                  'chroot')):
        if not have(cmd[0]):
            continue
        rec = lab.record(name, cmd, options=('-K',))
        if not rec:
            continue
        g = group(lab.policy(rec), name)
        expect('%s (without -v): %s needed by rule %s, in its own set' % (name, cap, rule),
               g.get('capabilities') == [cap] and any(
                   d['rule'] == rule and d['decision'] == 'needed'
                   for d in g.get('decisions', [])), lab.policy(rec))
        note(' '.join(cmd), g)
        lab.passes_own_policy(name, rec)


def capset_probe(lab):
    """ping calls capset(): its unconditional CAP_SETPCAP check is a probe."""
    if not have('ping'):
        return
    ping = os.path.join(lab.tmp, 'ping')
    shutil.copy('/usr/bin/ping', ping)
    subprocess.run(['setcap', '-r', ping], stderr=subprocess.DEVNULL)
    rec = lab.record('ping', [ping, '-c', '1', '-W', '2', '127.0.0.1'])
    if not rec:
        return
    g = group(lab.policy('--exe', ping, rec), 'ping')
    got = {(d['capability'], d['rule']): d for d in g.get('decisions', [])}
    expect('ping: capset CAP_SETPCAP is a probe',
           got.get(('CAP_SETPCAP', 'capset-setpcap'), {}).get('decision') == 'probe', g)
    expect('ping: non-root set is exactly CAP_NET_RAW',
           g.get('forms', {}).get('nonroot', {}).get('capabilities') == ['CAP_NET_RAW'], g)
    note('ping (copy, no file caps)', g)
    lab.passes_own_policy('ping', rec)


def chmod_fsetid(lab):
    """chmod 0600 on another user's set-group-ID file: CAP_FSETID only keeps S_ISGID."""
    f = os.path.join(lab.tmp, 'sgid-file')
    open(f, 'w').close()
    os.chown(f, 65534, 65534)
    os.chmod(f, 0o2644)
    rec = lab.record('chmod', ['chmod', '0600', f])
    if not rec:
        return
    g = group(lab.policy('--exe', 'chmod', rec), 'chmod')
    fsetid = [d for d in g.get('decisions', []) if d['capability'] == 'CAP_FSETID']
    expect('chmod: CAP_FSETID is optional (setattr-keep-sgid)', fsetid and all(
        d['decision'] == 'optional' and d['rule'] == 'setattr-keep-sgid' for d in fsetid), g)
    expect('chmod: the set is CAP_FOWNER', g.get('capabilities') == ['CAP_FOWNER'], g)
    note('chmod 0600 (other user\'s file)', g)
    lab.passes_own_policy('chmod', rec)


def touch_tolerated(lab):
    """touch -d opens the file and goes on without it: the non-root run shows it."""
    if not have('setpriv'):
        return
    d = os.path.join(lab.tmp, 'touchdir')
    os.mkdir(d)
    os.chmod(lab.tmp, 0o755)
    f = os.path.join(d, 'theirs')
    open(f, 'w').close()
    os.chown(f, 33, 33)
    os.chmod(f, 0o644)
    root = lab.record('touch-root', ['touch', '-d', '2020-01-01', f])
    user = lab.record('touch-user', ['setpriv', '--reuid=65534', '--regid=65534',
                                     '--clear-groups', '--inh-caps=+fowner',
                                     '--ambient-caps=+fowner', '--',
                                     'touch', '-d', '2020-01-01', f])
    if not root or not user:
        return
    g = group(lab.policy('--exe', 'touch', user), 'touch')
    dac = [d for d in g.get('decisions', []) if d['capability'] == 'CAP_DAC_OVERRIDE']
    expect('touch as non-root: CAP_DAC_OVERRIDE denied and tolerated (exit 0)', dac and all(
        d['decision'] == 'tolerated' and 'exited 0' in d['reason'] for d in dac), g)
    g = group(lab.policy('--exe', 'touch', root, user), 'touch')
    expect('touch, root and non-root runs together: the set is CAP_FOWNER',
           g.get('capabilities') == ['CAP_FOWNER'] and
           g['forms']['nonroot']['capabilities'] == ['CAP_FOWNER'] and
           g['forms']['nonroot']['recorded_as_root_only'] is False, g)
    note('touch -d (other user\'s file)', g)
    lab.passes_own_policy('touch', root, user)


def nginx_forms(lab):
    """nginx binds :80 as root and its worker leaves uid 0: the two forms differ."""
    if not have('nginx', 'curl', 'ip'):
        return
    conf = os.path.join(lab.tmp, 'nginx.conf')
    www = os.path.join(lab.tmp, 'www')
    os.mkdir(www)
    with open(os.path.join(www, 'index.html'), 'w') as f:
        f.write('hello\n')
    with open(conf, 'w') as f:
        f.write('''user www-data;
worker_processes 1;
pid %(t)s/nginx.pid;
error_log %(t)s/nginx-error.log;
events { worker_connections 16; }
http {
  access_log off;
  client_body_temp_path %(t)s/body;
  proxy_temp_path %(t)s/proxy;
  fastcgi_temp_path %(t)s/fastcgi;
  uwsgi_temp_path %(t)s/uwsgi;
  scgi_temp_path %(t)s/scgi;
  server { listen 127.0.0.1:80; root %(t)s/www; }
}
''' % {'t': lab.tmp})
    rec = serve(lab, 'nginx', ['nginx', '-c', conf, '-g', 'daemon off;'])
    if not rec:
        return
    g = group(lab.policy('--exe', 'nginx', rec), 'nginx')
    root = set(g.get('forms', {}).get('root', {}).get('capabilities', []))
    nonroot = set(g.get('forms', {}).get('nonroot', {}).get('capabilities', []))
    expect('nginx root form: binds :80 and leaves uid 0',
           {'CAP_NET_BIND_SERVICE', 'CAP_SETUID', 'CAP_SETGID'} <= root, g)
    expect('nginx non-root form: binds :80, never switches users',
           'CAP_NET_BIND_SERVICE' in nonroot and not nonroot & {'CAP_SETUID', 'CAP_SETGID'}, g)
    expect('nginx non-root form: says it was recorded as root only',
           g.get('forms', {}).get('nonroot', {}).get('recorded_as_root_only') is True, g)
    worker = [p for p in g.get('phases', []) if p['role'] == 'worker']
    expect('nginx worker: leaves uid 0 on its own, steady state without the master\'s set',
           any(p['phase'] == 'before drop' and 'CAP_SETUID' in p['capabilities']
               for p in worker) and
           not any(p['phase'] == 'steady' and 'CAP_NET_BIND_SERVICE' in p['capabilities']
                   for p in worker), g.get('phases'))
    note('nginx (master + worker, :80)', g)
    lab.passes_own_policy('nginx', rec)


def tcpdump_forms(lab):
    """tcpdump -Z opens its capture socket as root, then leaves uid 0."""
    if not have('tcpdump', 'ping', 'ip', 'unshare') or not user_exists('tcpdump'):
        return
    rec = lab.record('tcpdump', ['unshare', '-n', 'sh', '-c',
                                 'ip link set lo up; tcpdump -i lo -c1 -Z tcpdump -w /dev/null '
                                 '2>/dev/null & sleep 1; ping -c2 -W1 127.0.0.1 >/dev/null; '
                                 'wait'])
    if not rec:
        return
    g = group(lab.policy('--exe', 'tcpdump', rec), 'tcpdump')
    root = g.get('forms', {}).get('root', {}).get('capabilities', [])
    nonroot = g.get('forms', {}).get('nonroot', {}).get('capabilities', [])
    expect('tcpdump: CAP_NET_RAW in both forms, leaving uid 0 only in the root form',
           'CAP_NET_RAW' in root and 'CAP_NET_RAW' in nonroot and 'CAP_SETUID' in root and
           'CAP_SETUID' not in nonroot, g)
    expect('tcpdump: the filter JIT\'s non-audit CAP_SYS_ADMIN is a probe',
           'CAP_SYS_ADMIN' not in root, g)
    note('tcpdump -i lo -c1 -Z tcpdump', g)
    lab.passes_own_policy('tcpdump', rec)


def dnsmasq_forms(lab):
    """dnsmasq binds :53, calls capset() and leaves uid 0: SETPCAP is a probe."""
    if not have('dnsmasq', 'ip', 'unshare'):
        return
    rec = lab.record('dnsmasq', ['unshare', '-n', 'sh', '-c',
                                 'ip link set lo up; dnsmasq -k --conf-file=/dev/null '
                                 '--pid-file= --listen-address=127.0.0.1 --bind-interfaces '
                                 '-u nobody & p=$!; sleep 1; kill $p; wait $p; exit 0'])
    if not rec:
        return
    g = group(lab.policy('--exe', 'dnsmasq', rec), 'dnsmasq')
    setpcap = [d for d in g.get('decisions', []) if d['capability'] == 'CAP_SETPCAP']
    expect('dnsmasq: capset\'s CAP_SETPCAP is a probe', setpcap and all(
        d['decision'] == 'probe' and d['rule'] == 'capset-setpcap' for d in setpcap), g)
    expect('dnsmasq: non-root set is exactly CAP_NET_BIND_SERVICE',
           g.get('forms', {}).get('nonroot', {}).get('capabilities') ==
           ['CAP_NET_BIND_SERVICE'], g)
    note('dnsmasq -u nobody (:53)', g)
    lab.passes_own_policy('dnsmasq', rec)


def user_exists(name):
    try:
        import pwd
        pwd.getpwnam(name)
        return True
    except KeyError:
        skipped.append('no user ' + name)
        return False


def risky_advice(lab):
    """File capabilities on busybox or on python reach every applet or script."""
    if have('busybox', 'curl', 'ip'):
        www = os.path.join(lab.tmp, 'bb')
        os.mkdir(www)
        with open(os.path.join(www, 'index.html'), 'w') as f:
            f.write('hello\n')
        rec = serve(lab, 'busybox', ['busybox', 'httpd', '-f', '-p', '127.0.0.1:80',
                                     '-u', 'www-data', '-h', www])
        if rec:
            g = group(lab.policy('--exe', 'busybox', rec), 'busybox')
            expect('busybox: a multi-call warning on the non-root form',
                   any(w['form'] == 'nonroot' and w['capability'] is None and
                       'multi-call' in w['reason'] for w in g.get('warnings', [])), g)
            note('busybox httpd -u', g)
            lab.passes_own_policy('busybox', rec)
    if os.path.exists('/usr/bin/python3') and have('curl', 'ip'):
        rec = serve(lab, 'python', ['/usr/bin/python3', '-m', 'http.server', '--bind',
                                    '127.0.0.1', '80'])
        if rec:
            g = group(lab.policy('--exe', 'python3*', rec), 'python3')
            expect('python3: an interpreter warning on the non-root form',
                   'CAP_NET_BIND_SERVICE' in g.get('capabilities', []) and
                   any(w['form'] == 'nonroot' and 'interpreter' in w['reason']
                       for w in g.get('warnings', [])), g)
            note('python3 -m http.server 80', g)
            lab.passes_own_policy('python', rec)


def denied_then_failed(lab):
    """ip netns add as non-root with SYS_ADMIN+NET_ADMIN: denied DAC_OVERRIDE, exit 1."""
    if not have('ip', 'setpriv'):
        return
    name = 'caprec-policy-%d' % os.getpid()
    rec = lab.record('netns', ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups',
                               '--inh-caps=+sys_admin,+net_admin',
                               '--ambient-caps=+sys_admin,+net_admin', '--',
                               'ip', 'netns', 'add', name], ok_status=(1,))
    subprocess.run(['ip', 'netns', 'del', name], stderr=subprocess.DEVNULL)
    if not rec:
        return
    p = lab.policy(rec)
    found = decisions(p, 'CAP_DAC_OVERRIDE')
    expect('ip netns add: the denial is ip\'s', found and all(
        os.path.basename(g['group']) == 'ip' for g, _ in found), found)
    expect('ip netns add: "denied, then the process failed (exit 1)"', found and all(
        d['decision'] == 'denied, then failed' and d.get('exit') == 1 and
        'denied, then the process failed (exit 1)' in d['reason'] for _, d in found), found)
    lab.passes_own_policy('netns', rec)


def nonroot_only_needs(lab):
    """sshd -t reads root's 0600 host keys: root never asks, a non-root run is refused
    and fails. Recorded both ways, the DAC capabilities are in the non-root form only."""
    if not os.path.exists('/usr/sbin/sshd') or not have('setpriv'):
        return
    keys = [k for k in ('/etc/ssh/ssh_host_ed25519_key', '/etc/ssh/ssh_host_rsa_key')
            if os.path.exists(k)]
    if not keys:
        skipped.append('sshd: no host keys')
        return
    # As root sshd -t also wants /run/sshd; its status does not matter here.
    root = lab.record('sshd-root', ['/usr/sbin/sshd', '-t'], ok_status=(0, 255))
    user = lab.record('sshd-user', ['setpriv', '--reuid=65534', '--regid=65534',
                                    '--clear-groups', '--', '/usr/sbin/sshd', '-t'],
                      ok_status=(1, 255))
    if not root or not user:
        return
    g = group(lab.policy('--exe', 'sshd', root, user), 'sshd')
    nonroot = set(g.get('forms', {}).get('nonroot', {}).get('capabilities', []))
    root_set = set(g.get('forms', {}).get('root', {}).get('capabilities', []))
    expect('sshd -t: CAP_DAC_READ_SEARCH needed as non-root (denied, then failed), not as root',
           'CAP_DAC_READ_SEARCH' in nonroot and 'CAP_DAC_READ_SEARCH' not in root_set and
           any(d['capability'] == 'CAP_DAC_READ_SEARCH' and d['decision'] ==
               'denied, then failed' and not d['in_root'] for d in g.get('decisions', [])), g)
    note('sshd -t (root and non-root runs)', g)


def alias_gate(lab):
    """check --exe names /usr/sbin/ip or /usr/bin/ip: the gate never passes by the alias."""
    if not os.path.exists('/usr/sbin/ip') or not have('unshare'):
        return
    rec = lab.record('ip-alias', ['unshare', '-n', '/usr/sbin/ip', 'link', 'add', 'br-caprec',
                                  'type', 'bridge'])
    if not rec:
        return
    for exe in ('/usr/sbin/ip', '/usr/bin/ip', 'ip'):
        status, out, err = lab.run('check', '--allow', 'none', '--exe', exe, rec)
        expect('check --allow none --exe %s fails naming CAP_NET_ADMIN' % exe,
               status == 1 and 'CAP_NET_ADMIN' in out, out + err)
    g = group(lab.policy('--exe', '/usr/sbin/ip', rec), 'ip')
    expect('policy --exe /usr/sbin/ip: the executed file, for setcap', g.get('group') ==
           os.path.realpath('/usr/sbin/ip') and 'CAP_NET_ADMIN' in g.get('capabilities', []), g)


def refuses_nonroot(lab):
    """runuser and mount check the uid themselves: no set makes them work as non-root."""
    if have('mount', 'unshare'):
        where = os.path.join(lab.tmp, 'mnt')
        os.mkdir(where)
        rec = lab.record('mount', ['unshare', '-m', 'mount', '-t', 'tmpfs', 'none', where])
        if rec:
            g = group(lab.policy('--exe', 'mount', rec), 'mount')
            expect('mount -t tmpfs: CAP_SYS_ADMIN as root, "no set works" as non-root',
                   g.get('forms', {}).get('root', {}).get('capabilities') == ['CAP_SYS_ADMIN']
                   and g['forms']['nonroot']['works'] is False and
                   'fstab' in g['forms']['nonroot']['reason'], g)
            note('unshare -m mount -t tmpfs', g)
            lab.passes_own_policy('mount', rec)
    if not have('runuser'):
        return
    rec = lab.record('runuser', ['runuser', '-u', 'nobody', '--', 'true'])
    if not rec:
        return
    g = group(lab.policy('--exe', 'runuser', rec), 'runuser')
    expect('runuser: "no set works" as non-root',
           g.get('forms', {}).get('nonroot', {}).get('works') is False, g)
    status, out, err = lab.run('policy', '--exe', 'runuser', rec)
    expect('runuser: the text says no set works', 'no set works' in out, out)
    note('runuser -u nobody true', g)
    lab.passes_own_policy('runuser', rec)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    capanalyze, caprec = (os.path.abspath(a) for a in sys.argv[1:])
    if os.geteuid() != 0:
        print('SKIP: recording real programs needs root')
        return 77
    with tempfile.TemporaryDirectory(prefix='caprec-real-') as tmp:
        lab = Lab(capanalyze, caprec, tmp)
        probe = subprocess.run([caprec, '-o', os.path.join(tmp, 'probe.caprec'), '--', 'true'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        if probe.returncode != 0:
            print('SKIP: caprec cannot record here: %s' %
                  probe.stderr.decode('utf-8', 'replace')[-300:])
            return 77
        for case in (work_before_exec, first_image, capset_probe, chmod_fsetid, touch_tolerated,
                     nginx_forms, tcpdump_forms, dnsmasq_forms, risky_advice, denied_then_failed,
                     nonroot_only_needs, alias_gate, refuses_nonroot):
            case(lab)
    for s in skipped:
        print('SKIPPED CASE', s)
    print('%-32s %-45s %s' % ('program', 'root, bounded', 'non-root'))
    for row in table:
        print('%-32s %-45s %s' % row)
    for f in failures:
        print('FAIL', f)
    print('%d failure(s)' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
