#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""capanalyze policy --format systemd|k8s|compose|setcap, each accepted by the
tool that applies it, on caprec's recording of the sample workload:

- systemd: the drop-in beside a unit that uses it; `systemd-analyze verify`
  passes with nothing to say about the drop-in, and `systemd-analyze
  security --offline` (which reads it) reports every bounding-set exposure
  as the recorded set implies, User=, NoNewPrivileges= and ambient
  capabilities as the form implies;
- k8s: the strategic-merge patch parsed as YAML and merged into a sample
  Deployment the way the API server merges it (containers by name, maps
  recursively, other lists replaced): only the named container changes;
- compose: the fragment parsed as YAML and merged over a sample compose file;
- setcap: the script run (sh) on a copy of a binary, read back with getcap;
  the empty set's script removes file capabilities;
- each again for the report tests' hostile recording, whose path is made to
  break them.
The expected sets are policy's own (--format json), per deployment form.

usage: run_settings.py CAPANALYZE MAKE_RECORDING SAMPLES_DIR"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.append('/usr/lib/python3/dist-packages')  # Debian's python3-yaml under another python
import yaml  # noqa: E402

failures = []


def fail(what):
    failures.append(what)
    print('FAIL: ' + what)


class Runner:
    def __init__(self, capanalyze, tmp):
        self.capanalyze, self.tmp = capanalyze, tmp
        self.env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, 'cache'), LC_ALL='C')

    def __call__(self, *args):
        p = subprocess.run([self.capanalyze] + list(args), cwd=self.tmp, env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8', 'replace')


def expected_sets(run, rec, exe):
    """policy's own sets for exe: {'root': set, 'nonroot': set} (one set for both, when
    policy gives no per-form sets)."""
    status, out, err = run('policy', '--format', 'json', '--exe', exe, rec)
    groups = json.loads(out) if status == 0 else []
    if len(groups) != 1:
        fail('policy --format json --exe %s: exit %d, %d groups %s' % (exe, status, len(groups),
                                                                      err))
        return None, None
    g = groups[0]
    if 'forms' in g:
        return g['group'], {form: set(g['forms'][form]['capabilities'])
                            for form in ('root', 'nonroot')}
    return g['group'], {'root': set(g['capabilities']), 'nonroot': set(g['capabilities'])}


def settings(run, fmt, rec, exe, *extra):
    status, out, err = run('policy', '--format', fmt, '--exe', exe, *extra, rec)
    if status != 0:
        fail('policy --format %s --exe %s %s: exit %d: %s' % (fmt, exe, ' '.join(extra), status,
                                                              err))
        return None
    return out


def test_systemd(run, tmp, rec, exe, sets, all_caps):
    if not shutil.which('systemd-analyze'):
        fail('systemd-analyze missing: run scripts/install-deps.sh')
        return
    for user in (None, 'www-data'):
        extra = ('--user', user) if user else ()
        caps = sets['nonroot' if user else 'root']
        text = settings(run, 'systemd', rec, exe, *extra)
        if text is None:
            continue
        units = os.path.join(tmp, 'units-%s' % (user or 'root'))
        os.makedirs(os.path.join(units, 'caprec-sample.service.d'))
        unit = os.path.join(units, 'caprec-sample.service')
        with open(unit, 'w') as f:
            f.write('[Unit]\nDescription=caprec sample\n[Service]\nExecStart=/bin/true\n')
        dropin = os.path.join(units, 'caprec-sample.service.d', 'caprec.conf')
        with open(dropin, 'w') as f:
            f.write(text)
        p = subprocess.run(['systemd-analyze', 'verify', '--man=no', unit],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        said = p.stdout.decode()
        if p.returncode != 0 or 'caprec.conf' in said:
            fail('systemd-analyze verify (%s): exit %d: %s' % (user, p.returncode, said))
        p = subprocess.run(['systemd-analyze', 'security', '--offline=yes', '--json=short', unit],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            report = {e['name']: e['set'] for e in json.loads(p.stdout.decode())}
        except ValueError:
            fail('systemd-analyze security --offline: %s' % p.stderr.decode())
            continue
        checked = 0
        for name, is_set in report.items():
            m = re.fullmatch(r'CapabilityBoundingSet=~(CAP_.*)', name)
            if not m:
                continue
            pattern = re.compile(m.group(1).replace('*', '[A-Z_]*'))
            named = {c for c in all_caps if pattern.fullmatch(c)}
            if not named:
                fail('systemd-analyze names %s, which matches no capability' % name)
            # "set" means the bounding set excludes every capability the entry names.
            if is_set != (not named & caps):
                fail('systemd (%s): %s is %s, but the set is %s' % (user, name, is_set,
                                                                   sorted(caps)))
            checked += 1
        nonroot = user is not None
        for name, want in (('User=/DynamicUser=', nonroot), ('NoNewPrivileges=', nonroot),
                           ('AmbientCapabilities=', not (nonroot and caps))):
            if report.get(name) != want:
                fail('systemd (%s): %s is %r, expected %r' % (user, name, report.get(name),
                                                             want))
        print('systemd drop-in (%s): verify clean, %d bounding-set exposures as recorded' % (
            'User=' + user if user else 'root', checked))


def strategic_merge(target, patch):
    """Merges patch into target as Kubernetes' strategic merge does for these fields."""
    for key, value in patch.items():
        if key == 'containers' and isinstance(value, list):
            by_name = {c['name']: c for c in target.setdefault(key, [])}
            for c in value:
                if c['name'] in by_name:
                    strategic_merge(by_name[c['name']], c)
                else:
                    target[key].append(c)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            strategic_merge(target[key], value)
        else:
            target[key] = value
    return target


SAMPLE_DEPLOYMENT = '''
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: sidecar
          image: busybox
          securityContext: {privileged: true}
        - name: %s
          image: example/app:1
          securityContext:
            readOnlyRootFilesystem: true
            capabilities: {add: ["SYS_ADMIN"]}
'''


def short(caps):
    return sorted(c[4:] for c in caps)


def test_k8s(run, rec, exe, sets):
    for user in (None, '1000'):
        extra = ('--user', user) if user else ()
        caps = sets['nonroot' if user else 'root']
        text = settings(run, 'k8s', rec, exe, '--name', 'app', *extra)
        if text is None:
            continue
        patch = yaml.safe_load(text)
        deployment = yaml.safe_load(SAMPLE_DEPLOYMENT % 'app')
        merged = strategic_merge(deployment, patch)
        containers = {c['name']: c for c in merged['spec']['template']['spec']['containers']}
        sc = containers['app']['securityContext']
        if sorted(sc['capabilities']['add']) != short(caps) or \
                sc['capabilities']['drop'] != ['ALL']:
            fail('k8s (%s): capabilities %r, expected add %r' % (user, sc['capabilities'],
                                                              short(caps)))
        if sc.get('readOnlyRootFilesystem') is not True:
            fail('k8s: the container\'s other securityContext fields were lost')
        if containers['sidecar'] != yaml.safe_load(SAMPLE_DEPLOYMENT % 'app')['spec'][
                'template']['spec']['containers'][0]:
            fail('k8s: the patch changed another container')
        if user and (sc.get('runAsNonRoot') is not True or sc.get('runAsUser') != 1000 or
                     sc.get('allowPrivilegeEscalation') is not False):
            fail('k8s (non-root): %r' % sc)
        if not user and 'runAsNonRoot' in sc:
            fail('k8s (root): runAsNonRoot set')
    print('k8s patch: merged into a Deployment, container "app" add %s (root), %s (non-root)' % (
        short(sets['root']), short(sets['nonroot'])))


def test_compose(run, rec, exe, sets):
    caps = sets['nonroot']
    text = settings(run, 'compose', rec, exe, '--name', 'web', '--user', '33')
    if text is None:
        return
    fragment = yaml.safe_load(text)
    web = fragment['services']['web']
    if web['cap_drop'] != ['ALL'] or sorted(web['cap_add']) != short(caps) or \
            web.get('user') != '33' or 'no-new-privileges:true' not in web['security_opt']:
        fail('compose: %r' % web)
    base = yaml.safe_load('services:\n  web:\n    image: example/web\n    ports: ["80:80"]\n')
    base['services']['web'].update(web)
    if base['services']['web']['image'] != 'example/web':
        fail('compose: merging lost the service\'s image')
    print('compose fragment: service "web" cap_add %s' % short(caps))


def test_setcap(run, tmp, rec, exe, sets):
    caps = sets['nonroot']
    if os.geteuid() != 0 or not shutil.which('getcap'):
        print('setcap script: SKIPPED running it (needs root and getcap); syntax only')
    text = settings(run, 'setcap', rec, exe)
    if text is None:
        return
    script = os.path.join(tmp, 'setcap.sh')
    with open(script, 'w') as f:
        f.write(text)
    p = subprocess.run(['sh', '-n', script], stderr=subprocess.PIPE)
    if p.returncode != 0:
        fail('setcap script: sh -n: %s' % p.stderr.decode())
    if os.geteuid() != 0 or not shutil.which('getcap'):
        return
    target = os.path.join(tmp, 'program')
    shutil.copy('/bin/true', target)
    p = subprocess.run(['sh', script, target], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    got = subprocess.run(['getcap', target], stdout=subprocess.PIPE).stdout.decode()
    names = set(re.findall(r'cap_[a-z_]+', got))
    if p.returncode != 0 or names != {c.lower() for c in caps} or '=ep' not in got.replace(
            '+ep', '=ep'):
        fail('setcap script: exit %d %s; getcap says %r, expected %r' % (
            p.returncode, p.stderr.decode(), got, sorted(caps)))
    # A program that needs nothing: its script removes what is there.
    status, out, err = run('policy', '--format', 'setcap', '--exe', '*/sample_forker', rec)
    with open(script, 'w') as f:
        f.write(out)
    p = subprocess.run(['sh', script, target], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    got = subprocess.run(['getcap', target], stdout=subprocess.PIPE).stdout.decode()
    if status != 0 or p.returncode != 0 or got.strip():
        fail('setcap script of an empty set: exit %d/%d, getcap %r' % (status, p.returncode, got))
    print('setcap script: getcap reads back %s' % sorted(names))


def test_warnings(run, rec):
    """policy's warnings for a form are comments in that form's files, and only there."""
    status, out, err = run('policy', '--format', 'json', rec)
    groups = [g for g in json.loads(out) if g.get('warnings')] if status == 0 else []
    if not groups:
        print('warnings: policy gives none for this recording: nothing to compare')
        return
    checked = 0
    for g in groups:
        glob = g['group'].replace('[', '[[]').replace('*', '[*]').replace('?', '[?]')
        for fmt, extra, form in (('k8s', (), 'root'), ('setcap', (), 'nonroot'),
                                 ('systemd', ('--user', 'www-data'), 'nonroot')):
            status, text, err = run('policy', '--format', fmt, '--exe', glob, *extra, rec)
            if status == 2 and 'non-root' in err:
                continue  # a program that refuses non-root gets no non-root file
            comments = [line for line in text.splitlines() if line.startswith('# warning: ')]
            want = sorted(w['reason'] for w in g['warnings'] if w['form'] == form)
            got = sorted(w['reason'] for w in g['warnings'] if w['form'] == form and any(
                w['reason'] in c for c in comments))
            if status != 0 or got != want or len(comments) != len(want):
                fail('%s --format %s: warnings %r, policy says %r (exit %d %s)' % (
                    g['group'], fmt, comments, want, status, err))
            checked += 1
    print('warnings: %d settings files carry their form\'s warnings, no other' % checked)


def test_hostile(run, tmp, make_recording):
    """A recorded path made to break files: markup, quotes, ';', blanks. Every file still
    parses, and the setcap script names exactly that path."""
    subprocess.run([make_recording, 'hostile', 'hostile.caprec'], cwd=tmp, check=True)
    status, out, err = run('summary', '--format', 'json', 'hostile.caprec')
    exes = [r['executable'] for r in json.loads(out)] if status == 0 else []
    evil = [e for e in exes if e.endswith('name space')]
    if len(evil) != 1:
        fail('hostile recording: no executable ending in "name space": %r' % exes)
        return
    for fmt in ('systemd', 'k8s', 'compose', 'setcap'):
        text = settings(run, fmt, 'hostile.caprec', '*space')
        if text is None:
            continue
        if fmt in ('k8s', 'compose'):
            try:
                doc = yaml.safe_load(text)
            except yaml.YAMLError as e:
                fail('hostile %s: not YAML: %s' % (fmt, e))
                continue
            name = (doc['spec']['template']['spec']['containers'][0]['name'] if fmt == 'k8s'
                    else next(iter(doc['services'])))
            if not re.fullmatch(r'[a-z0-9-]+', name):
                fail('hostile %s: name %r is not an RFC 1123 label' % (fmt, name))
        elif fmt == 'systemd':
            units = os.path.join(tmp, 'hostile-units')
            os.makedirs(os.path.join(units, 'h.service.d'))
            with open(os.path.join(units, 'h.service'), 'w') as f:
                f.write('[Service]\nExecStart=/bin/true\n')
            with open(os.path.join(units, 'h.service.d', 'caprec.conf'), 'w') as f:
                f.write(text)
            p = subprocess.run(['systemd-analyze', 'verify', '--man=no',
                                os.path.join(units, 'h.service')],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if p.returncode != 0 or 'caprec.conf' in p.stdout.decode():
                fail('hostile systemd: %s' % p.stdout.decode())
        else:
            script = os.path.join(tmp, 'hostile.sh')
            with open(script, 'w') as f:
                f.write(text.replace('\nsetcap ', '\nprintf "%s\\n" "$exe" # '))
            p = subprocess.run(['sh', script], stdout=subprocess.PIPE)
            if p.stdout.decode().rstrip('\n') != evil[0]:
                fail('hostile setcap: the script names %r, not %r' % (p.stdout, evil[0]))
    print('hostile names: every settings file parses; the setcap script names the path')


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    capanalyze, make_recording = map(os.path.abspath, sys.argv[1:3])
    rec = os.path.join(os.path.abspath(sys.argv[3]), 'recordings', 'workload.caprec')
    with tempfile.TemporaryDirectory(prefix='caprec-settings-') as tmp:
        run = Runner(capanalyze, tmp)
        status, out, err = run('sql', '--format', 'json', rec, 'SELECT name FROM cap_names')
        all_caps = {r['name'] for r in json.loads(out)} if status == 0 else set()
        exe = '*/sample_bind'
        group, sets = expected_sets(run, rec, exe)
        if sets is None:
            return 1
        if not sets['root'] or not sets['nonroot']:
            fail('%s needs no capability in the recording: nothing to test' % group)
        test_systemd(run, tmp, rec, exe, sets, all_caps)
        test_k8s(run, rec, exe, sets)
        test_compose(run, rec, exe, sets)
        test_setcap(run, tmp, rec, exe, sets)
        test_warnings(run, rec)
        test_hostile(run, tmp, make_recording)
        status, _, err = run('policy', '--format', 'k8s', rec)
        if status != 2 or '--exe' not in err:
            fail('policy --format k8s over many executables: exit %d %r' % (status, err))
    if failures:
        print('%d failure(s)' % len(failures))
        return 1
    print('ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
