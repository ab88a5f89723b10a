#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Line coverage of our files in the coverage kernel (coverage.sh).

    report.py --build KBUILD --gcda DIR --src SRC --srctree TREE --out OUT

KBUILD is the coverage kernel's build tree (the .gcno files), DIR the
.gcda files the VM gave back, laid out as in KBUILD, SRC the sources the
objects were built from (build-kernel.sh keeps them in the build tree),
TREE our git tree (which files are ours). gcov (the gcc that built the
kernel) reads each object; lines that several objects share (inline
functions of a header) add up. Writes to OUT:

    summary.txt     the table printed here
    unreached.txt   every run of lines never executed, by file and function
    coverage.info   the same counts for lcov's genhtml (SF: the copies in SRC)
    gcov/PATH.gcov  each file of ours, annotated as gcov does
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict

OURS = re.compile(r'^(drivers/vdpa/.*|drivers/vhost/vdpa(_as|_log)?\.[ch]|'
                  r'drivers/virtio/virtio_vdpa\.c|include/linux/vdpa[^/]*\.h|'
                  r'include/uapi/linux/vdpa[^/]*\.h)$')


def gcno_files(kbuild):
    """Our objects' notes files, relative to the build tree."""
    found = []
    for top in ('drivers/vdpa',):
        for dirpath, _, files in os.walk(os.path.join(kbuild, top)):
            for f in files:
                if f.endswith('.gcno'):
                    found.append(os.path.relpath(os.path.join(dirpath, f), kbuild))
    for one in ('drivers/vhost/vdpa.gcno', 'drivers/vhost/vdpa_as.gcno',
                'drivers/vhost/vdpa_log.gcno', 'drivers/virtio/virtio_vdpa.gcno'):
        if os.path.exists(os.path.join(kbuild, one)):
            found.append(one)
    return sorted(found)


def source_rel(path, cwd, prefixes):
    """A source path of a .gcno as a path in the kernel tree, or None."""
    if not os.path.isabs(path):
        path = os.path.normpath(os.path.join(cwd, path))
    for p in prefixes:
        if path.startswith(p + '/'):
            return path[len(p) + 1:]
    return None


def run_gcov(work, rel):
    """gcov's JSON for one object (notes and data copied into work)."""
    res = subprocess.run(['gcov', '--json-format', '--stdout',
                          os.path.join(work, rel)],
                         cwd=work, capture_output=True, text=True, check=False)
    if res.returncode != 0 or not res.stdout.strip():
        sys.exit(f'report.py: gcov failed on {rel}: {res.stderr.strip()}')
    # Data of another build of the object: gcov would count it as zero.
    if 'stamp mismatch' in res.stderr or 'version' in res.stderr:
        sys.exit(f'report.py: {rel}: the data is not of this build: '
                 f'{res.stderr.strip()}')
    # One JSON document per object given.
    return json.JSONDecoder().raw_decode(res.stdout.strip())[0]


def functions_of(lines):
    """Kernel style: a function's body opens with "{" and closes with "}"
    in column 0. Returns [(name, first, last)] from its header's first
    line to its closing brace."""
    funcs = []
    i = 0
    n = len(lines)
    while i < n:
        if lines[i].rstrip() == '{':
            # The header: back to the line that starts in column 0.
            h = i - 1
            while h > 0 and (lines[h][:1] in (' ', '\t') or not lines[h].strip()):
                h -= 1
            header = ' '.join(lines[h:i])
            m = re.search(r'([A-Za-z_][A-Za-z0-9_]*)\s*\(', header)
            name = m.group(1) if m else '?'
            j = i + 1
            while j < n and lines[j].rstrip() != '}':
                j += 1
            funcs.append((name, h + 1, j + 1))
            i = j
        i += 1
    return funcs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--gcda', required=True)
    ap.add_argument('--src', required=True)
    ap.add_argument('--srctree', required=True)
    ap.add_argument('--ksrc', action='append', default=[],
                    help='where the kernel source was when built (default: '
                    'what the build tree\'s Makefile includes)')
    ap.add_argument('--out', required=True)
    ap.add_argument('--top', type=int, default=25)
    args = ap.parse_args()

    kbuild = os.path.realpath(args.build)
    work = os.path.join(args.out, 'work')
    shutil.rmtree(work, ignore_errors=True)

    # counts[file][line] = executions; objs[file] = objects it is in.
    counts = defaultdict(dict)
    objs = defaultdict(set)
    loaded = set()
    # The kernel source the objects were built from: where the build
    # tree's Makefile points, unless told.
    ksrc = list(args.ksrc)
    with open(os.path.join(kbuild, 'Makefile')) as f:
        m = re.search(r'^include (\S+)/Makefile$', f.read(), re.M)
    if m:
        ksrc.append(m.group(1))
    prefixes = [os.path.realpath(p) for p in ksrc] + \
        [os.path.normpath(p) for p in ksrc]
    gcnos = gcno_files(kbuild)
    if not gcnos:
        sys.exit(f'report.py: no .gcno of ours in {kbuild}: not a coverage build?')
    for rel in gcnos:
        os.makedirs(os.path.dirname(os.path.join(work, rel)), exist_ok=True)
        shutil.copy(os.path.join(kbuild, rel), os.path.join(work, rel))
        gcda = os.path.join(args.gcda, rel[:-5] + '.gcda')
        if os.path.exists(gcda):
            shutil.copy(gcda, os.path.join(work, rel[:-5] + '.gcda'))
            loaded.add(rel)
        doc = run_gcov(work, rel)
        cwd = doc.get('current_working_directory', kbuild)
        for f in doc['files']:
            src = source_rel(f['file'], cwd, prefixes)
            if src is None or not OURS.match(src):
                continue
            objs[src].add(rel[:-5] + '.o')
            for ln in f['lines']:
                c = counts[src]
                c[ln['line_number']] = c.get(ln['line_number'], 0) + ln['count']

    # Our files, from our own tree: a .c that no object holds was not
    # built in this configuration.
    tracked = subprocess.run(['git', '-C', args.srctree, 'ls-files', '--',
                              'drivers', 'include'],
                             capture_output=True, text=True, check=True).stdout.split()
    ours_c = sorted(p for p in tracked if OURS.match(p) and p.endswith('.c'))
    ours_h = sorted(p for p in tracked if OURS.match(p) and p.endswith('.h'))

    os.makedirs(args.out, exist_ok=True)
    rows = []
    blocks = []
    info = []
    for path in sorted(set(ours_c) | set(ours_h) | set(counts)):
        c = counts.get(path)
        srcfile = os.path.join(args.src, path)
        text = open(srcfile, errors='replace').read().splitlines() \
            if os.path.exists(srcfile) else []
        if not c:
            if path.endswith('.c'):
                rows.append((path, None, None, 'not built' if path not in objs
                             else 'no code'))
            continue
        total = len(c)
        hit = sum(1 for v in c.values() if v > 0)
        note = '' if any(o[:-2] + '.gcno' in loaded for o in objs[path]) \
            else 'never loaded'
        rows.append((path, total, hit, note))

        # Runs of never executed lines, in each function.
        funcs = functions_of(text)

        def func_at(line):
            for name, a, b in funcs:
                if a <= line <= b:
                    return name, a, b
            return '(file scope)', 0, 0
        byfunc = defaultdict(list)
        for line in sorted(c):
            byfunc[func_at(line)].append(line)
        for (name, a, b), flines in byfunc.items():
            never = all(c[x] == 0 for x in flines)
            run = []
            for x in flines + [None]:
                if x is not None and c[x] == 0:
                    run.append(x)
                    continue
                if run:
                    blocks.append({'file': path, 'func': name, 'first': run[0],
                                   'last': run[-1], 'lines': len(run),
                                   'never': never,
                                   'func_lines': (a, b)})
                run = []

        # lcov's tracefile.
        info.append('TN:')
        # Absolute, so that genhtml finds the source from anywhere.
        info.append(f'SF:{os.path.realpath(srcfile)}')
        for name, a, b in funcs:
            fl = [x for x in c if a <= x <= b]
            if fl:
                info.append(f'FN:{a},{name}')
                info.append(f'FNDA:{max(c[x] for x in fl)},{name}')
        for line in sorted(c):
            info.append(f'DA:{line},{c[line]}')
        info.append(f'LF:{total}')
        info.append(f'LH:{hit}')
        info.append('end_of_record')

        # gcov's annotated source.
        out = os.path.join(args.out, 'gcov', path + '.gcov')
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, 'w') as g:
            g.write(f'        -:    0:Source:{path}\n')
            for i, line in enumerate(text, 1):
                if i not in c:
                    mark = '-'
                elif c[i] == 0:
                    mark = '#####'
                else:
                    mark = str(c[i])
                g.write(f'{mark:>9}:{i:>5}:{line}\n')

    with open(os.path.join(args.out, 'coverage.info'), 'w') as f:
        f.write('\n'.join(info) + '\n')

    # The table: .c files (KUnit suites apart), then the headers.
    def table(title, sel):
        out = [f'{title:<48} {"lines":>6} {"covered":>8} {"percent":>8}']
        tl = th = 0
        for path, total, hit, note in sel:
            if total is None:
                out.append(f'{path:<48} {"-":>6} {"-":>8} {"-":>8}  {note}')
                continue
            tl += total
            th += hit
            pct = f'{100.0 * hit / total:.1f}%'
            out.append(f'{path:<48} {total:>6} {hit:>8} {pct:>8}'
                       + (f'  {note}' if note else ''))
        if tl:
            out.append(f'{"total":<48} {tl:>6} {th:>8} {100.0 * th / tl:>7.1f}%')
        return out, tl, th

    code = [r for r in rows if r[0].endswith('.c') and 'kunit' not in r[0]]
    kunit = [r for r in rows if r[0].endswith('.c') and 'kunit' in r[0]]
    hdrs = [r for r in rows if r[0].endswith('.h')]
    lines = []
    t, _, _ = table('our code (.c)', code)
    lines += t + ['']
    if kunit:
        t, _, _ = table('KUnit suites (.c)', kunit)
        lines += t + ['']
    if hdrs:
        t, _, _ = table('headers (inline functions)', hdrs)
        lines += t + ['']

    blocks.sort(key=lambda b: (-b['lines'], b['file'], b['first']))
    code_blocks = [b for b in blocks if 'kunit' not in b['file']]
    lines.append(f'largest runs of lines never executed (of {len(code_blocks)}; '
                 'all in unreached.txt):')
    for b in code_blocks[:args.top]:
        what = 'never called' if b['never'] else 'not reached'
        lines.append(f'  {b["lines"]:>4}  {b["file"]}:{b["first"]}-{b["last"]}'
                     f'  {b["func"]}() {what}')
    summary = '\n'.join(lines) + '\n'
    with open(os.path.join(args.out, 'summary.txt'), 'w') as f:
        f.write(summary)

    with open(os.path.join(args.out, 'unreached.txt'), 'w') as f:
        f.write('# Lines never executed: each run of them in a function, by\n'
                '# file and line. "never called": no line of the function ran.\n')
        for b in sorted(blocks, key=lambda b: (b['file'], b['first'])):
            what = 'never called' if b['never'] else 'not reached'
            f.write(f'{b["file"]}:{b["first"]}-{b["last"]}\t{b["lines"]} lines\t'
                    f'{b["func"]}()\t{what}\n')
    shutil.rmtree(work, ignore_errors=True)
    sys.stdout.write(summary)


if __name__ == '__main__':
    main()
