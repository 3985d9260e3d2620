#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The SVG flame graph: well-formed XML whatever the recording holds, every
hostile name present as text (never as markup), one file per capability
with --per-cap; with --chromium, rendered by headless Chromium, whose DOM
must hold the frames' text (skipped, exit 77, when Chromium is absent).

usage: run_svg.py [--chromium] CAPANALYZE MAKE_RECORDING"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from common import Scratch

SVG = '{http://www.w3.org/2000/svg}'
failures = []


def expect(what, cond, detail=''):
    if not cond:
        failures.append('%s%s' % (what, (': ' + detail) if detail else ''))


def render(s, args):
    status, out, err = s.run('flamegraph', *args)
    expect('flamegraph ' + ' '.join(args), status == 0, err)


def parse(path):
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as e:
        failures.append('%s is not well-formed XML: %s' % (path, e))
        return None


def tooltips(root):
    return [t.text or '' for t in root.iter(SVG + 'title')]


def check_xml(s):
    render(s, ['-o', 'a.svg', 'a.caprec'])
    root = parse(s.path('a.svg'))
    if root is not None:
        tips = tooltips(root)
        for name in ('all', '/usr/bin/webd', 'listen_socket', 'cap_capable_[k]',
                     'CAP_NET_BIND_SERVICE', 'CAP_DAC_OVERRIDE:denied'):
            expect('a.svg has a box for %s' % name, any(t.startswith(name + ' (') for t in tips))
        boxes = list(root.iter(SVG + 'g'))
        expect('a.svg: every box has a tooltip', all(g.find(SVG + 'title') is not None
                                                     for g in boxes))
        expect('a.svg: self-contained', 'href' not in open(s.path('a.svg')).read())

    render(s, ['-o', 'hostile.svg', 'hostile.caprec'])
    root = parse(s.path('hostile.svg'))
    if root is not None:
        tips = tooltips(root)
        for name in ('<script>alert(1)</script>', 'a;b c', '"quoted" & \'single\'',
                     ']]><!--x-->', 'bad??utf8', 'esc?[31mred', '__x64_sys_<evil>_[k]',
                     'evil_fn [mod] [<mod>&"x"]_[k]', "/opt/<b>&evil\" 'x'/bin;name space"):
            expect('hostile.svg keeps %r as text' % name,
                   any(t.startswith(name + ' (') for t in tips), repr(tips))
        scripts = list(root.iter(SVG + 'script'))
        expect('hostile.svg: only our own script', len(scripts) == 1, str(len(scripts)))
        expect('hostile.svg: no injected elements',
               {e.tag.replace(SVG, '') for e in root.iter()} <=
               {'svg', 'style', 'rect', 'text', 'g', 'title', 'script'})

    status, out, err = s.run('flamegraph', '-o', '-', 'a.caprec')
    try:
        expect('-o - writes the SVG to stdout', status == 0 and
               ET.fromstring(out).tag == SVG + 'svg', err)
    except ET.ParseError as e:
        failures.append('-o - output is not XML: %s' % e)

    render(s, ['--per-cap', 'hostile-caps', 'hostile.caprec'])
    files = sorted(os.listdir(s.path('hostile-caps')))
    expect('--per-cap: unknown capability numbers share one file',
           files == ['CAP_NET_ADMIN.svg', 'CAP_other.svg'], repr(files))

    render(s, ['--per-cap', 'caps', 'b.caprec'])
    files = sorted(os.listdir(s.path('caps')))
    expect('--per-cap writes one file per capability', files == [
        'CAP_CHOWN.svg', 'CAP_DAC_OVERRIDE.svg', 'CAP_DAC_READ_SEARCH.svg', 'CAP_KILL.svg',
        'CAP_NET_BIND_SERVICE.svg', 'CAP_NET_RAW.svg', 'CAP_SETGID.svg', 'CAP_SETUID.svg',
        'CAP_SYS_ADMIN.svg'], repr(files))
    root = parse(s.path('caps/CAP_NET_RAW.svg'))
    if root is not None:
        tips = tooltips(root)
        expect('CAP_NET_RAW.svg holds only its capability',
               any(t.startswith('probe_peer (') for t in tips) and
               not any(t.startswith('listen_socket (') for t in tips))


def find_chromium():
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium(browser, profile, *args):
    cmd = [browser, '--headless', '--no-sandbox', '--disable-gpu',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--no-first-run', '--user-data-dir=' + profile] + list(args)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return proc.returncode, proc.stdout.decode('utf-8', 'replace')


def check_chromium(s):
    browser = find_chromium()
    if not browser:
        print('chromium not installed (apt-get install chromium): skipping the render test')
        return 77
    render(s, ['-o', 'a.svg', 'a.caprec'])
    render(s, ['-o', 'hostile.svg', 'hostile.caprec'])
    with tempfile.TemporaryDirectory(prefix='caprec-chromium-') as profile:
        status, dom = chromium(browser, profile, '--dump-dom', 'file://' + s.path('a.svg'))
        expect('chromium renders a.svg', status == 0, 'exit %d' % status)
        for name in ('listen_socket', 'drop_privileges', 'CAP_NET_BIND_SERVICE', '/usr/bin/webd'):
            expect('rendered DOM has %s' % name, name in dom)
        png = s.path('a.png')
        status, _ = chromium(browser, profile, '--screenshot=' + png, '--window-size=1200,800',
                             'file://' + s.path('a.svg'))
        expect('chromium screenshot of a.svg', status == 0 and os.path.exists(png) and
               os.path.getsize(png) > 2000, 'exit %d' % status)
        # The zoom script: a click on listen_socket stretches it to the full width
        # and hides boxes outside its subtree (drop_privileges).
        with open(s.path('a.svg'), encoding='utf-8') as f:
            svg = f.read()
        probe = ('<script type="text/ecmascript"><![CDATA[\n'
                 'var g = Array.from(document.querySelectorAll("g.f")).find(function (g) {\n'
                 '  return g.querySelector("title").textContent.indexOf("listen_socket ") == 0; });\n'
                 'g.dispatchEvent(new MouseEvent("click"));\n'
                 'document.documentElement.setAttribute("data-zoomed",\n'
                 '  g.querySelector("rect").getAttribute("width"));\n'
                 ']]></script>\n')
        with open(s.path('zoom.svg'), 'w', encoding='utf-8') as f:
            f.write(svg.replace('</svg>', probe + '</svg>'))
        status, dom = chromium(browser, profile, '--dump-dom', 'file://' + s.path('zoom.svg'))
        expect('zoom stretches the clicked box', 'data-zoomed="1180.0"' in dom, dom[:300])
        hidden = [g for g in dom.split('<g ') if '<title>drop_privileges ' in g]
        expect('zoom hides boxes outside the clicked subtree',
               hidden and 'display: none' in hidden[0], repr(hidden[:1]))
        status, dom = chromium(browser, profile, '--dump-dom', 'file://' + s.path('hostile.svg'))
        expect('chromium renders hostile.svg', status == 0, 'exit %d' % status)
        expect('hostile names stay text in the DOM', '&lt;script&gt;alert(1)&lt;/script&gt;'
               in dom and '<script>alert(1)' not in dom, dom[:2000])
    return 0


def main():
    args = [a for a in sys.argv[1:] if a != '--chromium']
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    s = Scratch(*args)
    try:
        status = check_chromium(s) if '--chromium' in sys.argv else check_xml(s)
    finally:
        s.close()
    if status == 77:
        return 77
    for f in failures:
        print('FAIL', f)
    print('%d failure(s)' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
