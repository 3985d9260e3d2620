#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""capanalyze pprof: the profile decoded by protoc (Debian's protobuf-compiler)
against the profile.proto that Debian's golang-github-google-pprof-dev
installs (found with dpkg -L at test time), then checked against the
database: each sample's value is the checks of its (executable, capability,
verdict, audit, call path), its labels name them, its locations (leaf
first, through their functions and the string table) spell the kernel
stack then the user stack; the sums match; --cap keeps only that
capability. On caprec's recordings (samples/recordings) and the report
tests' hostile one, whose names are not all UTF-8.

usage: run_pprof.py CAPANALYZE MAKE_RECORDING SAMPLES_DIR"""
import collections
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile

failures = []


def fail(what):
    failures.append(what)
    print('FAIL: ' + what)


def profile_proto():
    """The profile.proto of Debian's pprof package, or None."""
    p = subprocess.run(['dpkg', '-L', 'golang-github-google-pprof-dev'],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    for line in p.stdout.decode().splitlines():
        if line.endswith('/proto/profile.proto'):
            return line
    return None


def unescape(quoted):
    """A text-format string literal (C escapes, octal bytes) as the UTF-8 it encodes."""
    body, out, i = quoted[1:-1], bytearray(), 0
    simple = {'n': 10, 't': 9, 'r': 13, '"': 34, "'": 39, '\\': 92, 'a': 7, 'b': 8, 'f': 12,
              'v': 11}
    while i < len(body):
        c = body[i]
        if c != '\\':
            out += c.encode('utf-8')
            i += 1
        elif body[i + 1] in simple:
            out.append(simple[body[i + 1]])
            i += 2
        elif body[i + 1] == 'x':
            j = i + 2
            while j < len(body) and j < i + 4 and body[j] in '0123456789abcdefABCDEF':
                j += 1
            out.append(int(body[i + 2:j], 16))
            i = j
        else:
            j = i + 1
            while j < len(body) and j < i + 4 and body[j] in '01234567':
                j += 1
            out.append(int(body[i + 1:j], 8))
            i = j
    return out.decode('utf-8')


def first(message, key):
    """A field's value; proto3 leaves out a zero (a string table index 0 is "")."""
    return message[key][0] if message[key] else 0


def parse_text_format(text):
    """protoc's text format as nested dicts of lists: {'sample': [{...}], ...}."""
    root = collections.defaultdict(list)
    stack = [root]
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line == '}':
            stack.pop()
        elif line.endswith(' {'):
            child = collections.defaultdict(list)
            stack[-1][line[:-2]].append(child)
            stack.append(child)
        else:
            key, value = line.split(': ', 1)
            stack[-1][key].append(unescape(value) if value.startswith('"')
                                  else int(value))
    return root


def decode(proto, path):
    with open(path, 'rb') as f:
        raw = f.read()
    if raw[:2] != b'\x1f\x8b':
        fail('%s: not gzip' % path)
        return None
    p = subprocess.run(['protoc', '--decode', 'perftools.profiles.Profile',
                        '-I', os.path.dirname(proto), os.path.basename(proto)],
                       input=gzip.decompress(raw), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        fail('%s: protoc --decode: %s' % (path, p.stderr.decode()))
        return None
    return parse_text_format(p.stdout.decode('utf-8'))


def samples_of(profile, name):
    """{(exe, cap, verdict, audit, stack): value}, the stack outermost first like the database."""
    strings = profile['string_table']
    if not strings or strings[0] != '':
        fail('%s: string_table[0] must be ""' % name)
        return {}
    st = profile['sample_type'][0]
    if (strings[first(st, 'type')], strings[first(st, 'unit')]) != ('checks', 'count'):
        fail('%s: sample type %r' % (name, st))
    functions = {first(f, 'id'): (strings[first(f, 'name')], strings[first(f, 'filename')])
                 for f in profile['function']}
    locations = {}
    for loc in profile['location']:
        fid = first(loc['line'][0], 'function_id')
        if fid not in functions:
            fail('%s: location %d: no function %d' % (name, first(loc, 'id'), fid))
            continue
        locations[first(loc, 'id')] = functions[fid][0]
    out = collections.Counter()
    for s in profile['sample']:
        labels = {strings[first(lb, 'key')]: strings[first(lb, 'str')] for lb in s['label']}
        if set(labels) != {'capability', 'verdict', 'audit', 'executable'}:
            fail('%s: labels %r' % (name, sorted(labels)))
            continue
        missing = [i for i in s['location_id'] if i not in locations]
        if missing:
            fail('%s: sample names unknown locations %r' % (name, missing))
            continue
        frames = [locations[i] for i in reversed(s['location_id'])]
        out[(labels['executable'], labels['capability'], labels['verdict'],
             labels['audit'], ';'.join(frames))] += first(s, 'value')
    return out


def expected_samples(run, rec, cap=None):
    where = ' WHERE a.cap = %d' % cap if cap is not None else ''
    status, out, err = run('sql', '--format', 'json', rec,
                           "SELECT a.exe_path AS exe, coalesce(c.name, 'cap_' || a.cap) AS cap,"
                           " a.verdict, a.audit, coalesce(us.text, '') AS u,"
                           " coalesce(ks.text, '') AS k, sum(a.count) AS n"
                           " FROM check_aggregate a LEFT JOIN cap_names c ON c.cap = a.cap"
                           " LEFT JOIN stacks us ON us.id = a.user_stack_id"
                           " LEFT JOIN stacks ks ON ks.id = a.kernel_stack_id" + where +
                           " GROUP BY 1, 2, 3, 4, 5, 6")
    if status != 0:
        fail('sql on %s: %s' % (rec, err))
        return {}
    want = collections.Counter()
    for r in json.loads(out):
        stack = ';'.join(x for x in (r['u'], r['k']) if x)
        want[(r['exe'], r['cap'], r['verdict'], 'true' if r['audit'] else 'false',
              stack)] += r['n']
    return want


def utf8_safe(key):
    """The profile's strings are UTF-8: what the database holds, as the profile writes it."""
    return tuple(x.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')
                 .replace('\ufffd', '?') if isinstance(x, str) else x for x in key)


def compare(name, got, want):
    want = collections.Counter({utf8_safe(k): v for k, v in want.items()})
    if got != want:
        for k in sorted(set(got) | set(want)):
            if got.get(k) != want.get(k):
                fail('%s: %r: profile %r, database %r' % (name, k, got.get(k), want.get(k)))
                break
        fail('%s: %d samples in the profile, %d groups in the database' % (name, len(got),
                                                                           len(want)))
    return sum(got.values())


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    capanalyze, make_recording = map(os.path.abspath, sys.argv[1:3])
    recordings = os.path.join(os.path.abspath(sys.argv[3]), 'recordings')
    proto = profile_proto()
    if not shutil.which('protoc') or not proto:
        print('FAIL: protoc or golang-github-google-pprof-dev\'s profile.proto missing: '
              'run scripts/install-deps.sh')
        return 1
    print('decoding with protoc against %s' % proto)
    with tempfile.TemporaryDirectory(prefix='caprec-pprof-') as tmp:
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, 'cache'), LC_ALL='C')

        def run(*args):
            p = subprocess.run([capanalyze] + list(args), cwd=tmp, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            return (p.returncode, p.stdout.decode('utf-8', 'surrogateescape'),
                    p.stderr.decode('utf-8', 'replace'))

        subprocess.run([make_recording, 'hostile', 'hostile.caprec'], cwd=tmp, check=True)
        for rec in (os.path.join(recordings, 'workload.caprec'),
                    os.path.join(recordings, 'release-b.caprec'), 'hostile.caprec'):
            out = os.path.join(tmp, 'profile.pb.gz')
            status, _, err = run('pprof', rec, '-o', out)
            if status != 0:
                fail('pprof %s: exit %d: %s' % (rec, status, err))
                continue
            profile = decode(proto, out)
            if profile is None:
                continue
            comments = [profile['string_table'][i] for i in profile['comment']]
            if rec not in comments:
                fail('%s: the profile\'s comments %r do not name the recording' % (rec, comments))
            got = samples_of(profile, rec)
            total = compare(rec, got, expected_samples(run, rec))
            print('%s: %d samples, %d checks' % (os.path.basename(rec), len(got), total))

        # --cap: only that capability's samples, the same values.
        rec = os.path.join(recordings, 'workload.caprec')
        status, _, err = run('pprof', '--cap', 'CAP_SETGID', rec, '-o', 'setgid.pb.gz')
        profile = decode(proto, os.path.join(tmp, 'setgid.pb.gz')) if status == 0 else None
        if profile is None:
            fail('pprof --cap CAP_SETGID: exit %d %s' % (status, err))
        else:
            compare('--cap CAP_SETGID', samples_of(profile, 'setgid'),
                    expected_samples(run, rec, cap=6))
        status, _, err = run('pprof', rec)
        if status != 2 or '-o' not in err:
            fail('pprof without -o: exit %d %r' % (status, err))
        status, _, err = run('pprof', rec, '-o', os.path.join(tmp, 'no', 'such', 'dir.pb.gz'))
        if status == 0 or 'dir.pb.gz' not in err:
            fail('pprof to an unwritable path: exit %d %r' % (status, err))
    if failures:
        print('%d failure(s)' % len(failures))
        return 1
    print('ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
