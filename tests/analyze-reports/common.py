# SPDX-License-Identifier: GPL-2.0-only
"""Shared by the report test scripts: a scratch directory with the test
recordings, and a way to run capanalyze in it with a private cache."""
import os
import subprocess
import tempfile


class Scratch:
    def __init__(self, capanalyze, make_recording):
        self.capanalyze = os.path.abspath(capanalyze)
        self.tmp = tempfile.TemporaryDirectory(prefix='caprec-reports-')
        self.dir = self.tmp.name
        self.env = dict(os.environ, XDG_CACHE_HOME=os.path.join(self.dir, 'cache'),
                        LC_ALL='C')
        for scenario in ('a', 'b', 'hostile', 'lossy', 'container'):
            subprocess.run([os.path.abspath(make_recording), scenario, scenario + '.caprec'], cwd=self.dir,
                           check=True)

    def run(self, *args):
        """Runs capanalyze with args in the scratch directory: (exit status, stdout, stderr)."""
        proc = subprocess.run([self.capanalyze] + list(args), cwd=self.dir, env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        return (proc.returncode, proc.stdout.decode('utf-8', 'replace'),
                proc.stderr.decode('utf-8', 'replace'))

    def path(self, name):
        return os.path.join(self.dir, name)

    def close(self):
        self.tmp.cleanup()
