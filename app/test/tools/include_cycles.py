#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Include cycles among the modules of a source tree (issue 19: none in app/).

A module is foo.c with foo.h in one folder. A file that includes "x.h" makes
its module depend on module x (x.h there, or the one x.h elsewhere in the
tree). Prints every set of modules that depend on each other, exits 1 if any.

Usage: include_cycles.py DIR
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def modules(root):
    files = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
             if f.endswith(('.c', '.h'))]
    headers = {}
    for p in files:
        if p.endswith('.h'):
            headers.setdefault(os.path.basename(p), []).append(p[:-2])
    deps = {}
    for p in files:
        mod = p[:-2]
        with open(p, errors='replace') as f:
            text = f.read()
        for h in INCLUDE.findall(text):
            near = os.path.normpath(os.path.join(os.path.dirname(p), h))
            if os.path.exists(near):
                target = near[:-2]
            elif len(headers.get(os.path.basename(h), [])) == 1:
                target = headers[os.path.basename(h)][0]
            else:
                continue	# outside the tree (lib/, DPDK) or ambiguous
            if target != mod:
                deps.setdefault(mod, set()).add(target)
    return deps


def cycles(deps):
    def reach(n):
        seen, todo = set(), [n]
        while todo:
            for t in deps.get(todo.pop(), ()):
                if t not in seen:
                    seen.add(t)
                    todo.append(t)
        return seen
    nodes = set(deps) | {t for ts in deps.values() for t in ts}
    r = {n: reach(n) for n in nodes}
    return sorted({tuple(sorted(m for m in nodes if m in r[n] and n in r[m]))
                   for n in nodes if n in r[n]})


def main():
    root = sys.argv[1]
    deps = modules(root)
    found = cycles(deps)
    for c in found:
        print('cycle among:', ', '.join(os.path.relpath(m, root) for m in c))
    print('%d cycle(s) among the modules of %s' % (len(found), root))
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
