#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""End to end, --debug-dir: a stripped -O2 build is recorded (root and BPF),
then the binary is deleted and its debug file, which the recording host never
saw, is handed to capanalyze: the reports name the program's functions. libc's
internal frames are named the same way from libc6-dbg's /usr/lib/debug, when
the recording host is kept from seeing it (a private mount namespace).
Skipped (exit 77) without root, BPF, gcc or binutils.

usage: run_debug_dir.py CAPANALYZE CAPREC"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

failures = []

PROGRAM = r'''
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

/* Above the hard limit: a CAP_SYS_RESOURCE check, denied or granted. */
__attribute__((noinline)) int raise_file_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 1;
	rl.rlim_max += 1;
	return setrlimit(RLIMIT_NOFILE, &rl) ? 1 : 0;
}

int main(void)
{
	int rc = raise_file_limit();

	printf("done %d\n", rc);
	return 0;
}
'''


def expect(what, cond, detail=''):
    if not cond:
        failures.append('%s%s' % (what, (': ' + str(detail)[:2000]) if detail else ''))


def skip(why):
    print('%s; skipping' % why)
    return 77


def build_id(path):
    out = subprocess.run(['readelf', '-n', path], stdout=subprocess.PIPE, check=True).stdout
    for line in out.decode().splitlines():
        if 'Build ID:' in line:
            return line.split()[-1]
    return None


def file_hash(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    capanalyze, caprec = (os.path.abspath(a) for a in sys.argv[1:])
    if os.geteuid() != 0:
        return skip('not root: caprec cannot load its BPF program')
    for tool in ('gcc', 'objcopy', 'strip', 'readelf', 'unshare', 'mount'):
        if not shutil.which(tool):
            return skip('%s not installed' % tool)
    probe = subprocess.run([caprec, '--probe'], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
    if probe.returncode != 0:
        return skip('caprec --probe failed, no BPF here: %s' % probe.stdout.decode()[-300:])

    with tempfile.TemporaryDirectory(prefix='caprec-debug-dir-') as tmp:
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, 'cache'))
        env.pop('DEBUGINFOD_URLS', None)

        def run(*args, extra_env=None):
            p = subprocess.run([capanalyze] + list(args), cwd=tmp,
                               env=dict(env, **(extra_env or {})), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=120)
            return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode()

        def user_stacks(*args, **kw):
            status, out, err = run('paths', '--format', 'json', *args, **kw)
            expect('paths %s' % ' '.join(args), status == 0, err)
            return [r['user_stack'] for r in json.loads(out or '[]')
                    if r['capability'] == 'CAP_SYS_RESOURCE']

        # The production build: -O2 (no frame pointers), stripped, debug file apart.
        with open(os.path.join(tmp, 'prog.c'), 'w') as f:
            f.write(PROGRAM)
        prog = os.path.join(tmp, 'prog')
        hold = os.path.join(tmp, 'hold')
        os.mkdir(hold)
        subprocess.run(['gcc', '-O2', '-g', '-Wl,--build-id', '-o', prog, 'prog.c'], cwd=tmp,
                       check=True)
        subprocess.run(['objcopy', '--only-keep-debug', prog, os.path.join(hold, 'prog.debug')],
                       check=True)
        subprocess.run(['strip', '--strip-all', prog], check=True)
        bid = build_id(prog)
        if not bid:
            return skip('gcc made no build-id')

        # The recording host sees neither the debug file (kept aside) nor libc's
        # (an empty /usr/lib/debug in a private mount namespace).
        libc_debug = os.path.isdir('/usr/lib/debug/.build-id')
        hide = 'mount -t tmpfs none /usr/lib/debug && ' if libc_debug else ''
        rec = subprocess.run(['unshare', '-m', '--propagation', 'private', 'sh', '-c',
                              hide + 'exec "$0" -U -o r.caprec -- ./prog', caprec],
                             cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=120)
        if rec.returncode != 0:
            return skip('caprec could not record: %s' % rec.stderr.decode()[-300:])
        os.unlink(prog)

        # The analysis host's layouts: GDB's .build-id tree, and objcopy's NAME.debug.
        tree = os.path.join(tmp, 'debug')
        os.makedirs(os.path.join(tree, '.build-id', bid[:2]))
        shutil.copy(os.path.join(hold, 'prog.debug'),
                    os.path.join(tree, '.build-id', bid[:2], bid[2:] + '.debug'))
        flat = os.path.join(tmp, 'flat')
        os.mkdir(flat)
        shutil.copy(os.path.join(hold, 'prog.debug'), os.path.join(flat, 'prog.debug'))
        # A debug file of another build under the right name must name nothing.
        other = os.path.join(tmp, 'other')
        os.mkdir(other)
        subprocess.run(['gcc', '-O0', '-g', '-Wl,--build-id', '-DOTHER', '-o',
                        os.path.join(other, 'prog.debug'), 'prog.c'], cwd=tmp, check=True)
        shutil.rmtree(hold)

        stripped = user_stacks('r.caprec')
        expect('without --debug-dir the stripped frames are prog+0x...',
               stripped and all('prog+0x' in s and 'raise_file_limit' not in s
                                for s in stripped), stripped)

        named = user_stacks('--debug-dir', 'debug', 'r.caprec')
        expect('--debug-dir (.build-id layout) names the functions',
               named and all(';main;raise_file_limit;' in s and 'prog+0x' not in s
                             for s in named), named)
        expect('the same paths, renamed', len(named) == len(stripped), (stripped, named))

        expect('--debug-dir (NAME.debug layout) names the functions',
               all('raise_file_limit' in s for s in user_stacks('--debug-dir', 'flat',
                                                                  'r.caprec')))
        wrong = user_stacks('--debug-dir', 'other', 'r.caprec')
        expect('a debug file with another build-id names nothing',
               wrong and all('prog+0x' in s and 'raise_file_limit' not in s for s in wrong),
               wrong)
        expect('the database cached without --debug-dir is still served without it',
               user_stacks('r.caprec') == stripped)

        status, out, err = run('folded', '--debug-dir', 'debug', 'r.caprec')
        expect('folded shows the names', status == 0 and 'raise_file_limit' in out, out + err)

        # load --debug-dir writes the names; a database given to a report is named in memory.
        status, out, err = run('load', '-d', 'named.db', '--debug-dir', 'debug', 'r.caprec')
        expect('load --debug-dir', status == 0 and 'frames named' in out, out + err)
        expect('a database loaded with --debug-dir keeps the names',
               any('raise_file_limit' in s for s in user_stacks('named.db')))
        status, out, err = run('load', '-q', '-d', 'plain.db', 'r.caprec')
        expect('load', status == 0, err)
        before = file_hash(os.path.join(tmp, 'plain.db'))
        expect('--debug-dir over a database names the frames',
               any('raise_file_limit' in s for s in user_stacks('--debug-dir', 'debug',
                                                                  'plain.db')))
        expect('... without writing to it', file_hash(os.path.join(tmp, 'plain.db')) == before)

        # debuginfod only where DEBUGINFOD_URLS names servers: an unreachable one
        # (a closed local port, no network needed) costs nothing and names nothing more.
        status, out, err = run('paths', '--debug-dir', 'debug', 'r.caprec',
                               extra_env={'DEBUGINFOD_URLS': 'http://127.0.0.1:9/',
                                          'DEBUGINFOD_CACHE_PATH': os.path.join(tmp, 'dic'),
                                          'DEBUGINFOD_TIMEOUT': '2'})
        expect('an unreachable debuginfod server is not an error',
               status == 0 and 'raise_file_limit' in out, out + err)

        status, out, err = run('paths', '--debug-dir', '', 'r.caprec')
        expect('an empty --debug-dir is a usage error', status == 2 and 'debug-dir' in err,
               (status, err))
        status, out, err = run('paths', '--debug-dir', 'no-such-dir', 'r.caprec')
        expect('a missing --debug-dir is a usage error, one line naming it',
               status == 2 and 'no-such-dir' in err and len(err.splitlines()) == 1,
               (status, err))
        status, out, err = run('paths', '--debug-dir', 'r.caprec', 'r.caprec')
        expect('a file as --debug-dir is a usage error',
               status == 2 and 'not a directory' in err, (status, err))

        # libc's internal frames, named from libc6-dbg's files given as a --debug-dir.
        if libc_debug:
            expect('the recording host did not name libc internals without its debug file',
                   any('libc.so.6+0x' in s for s in stripped), stripped)
            libc = user_stacks('--debug-dir', '/usr/lib/debug', '--debug-dir', 'debug',
                               'r.caprec')
            expect('--debug-dir /usr/lib/debug names libc internals',
                   libc and all('__libc_start_call_main' in s and 'libc.so.6+0x' not in s
                                for s in libc), libc)
        else:
            print('no /usr/lib/debug/.build-id (libc6-dbg): libc frames not checked')

    for f in failures:
        print('FAIL:', f)
    print('%d failures' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
