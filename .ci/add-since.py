#!/usr/bin/env python3
"""Adds "@since <version>" to the javadoc of every public type (top-level and nested) that has none.

Usage: .ci/add-since.py 0.1.0 <source root>...   (e.g. canary-core/src/main/java)
A type without javadoc gets one holding only the tag. Comment-only edits: no code changes.
"""
import re
import sys
from pathlib import Path

TYPE = re.compile(r'^(\s*)public\s+(?:(?:static|final|abstract|sealed|non-sealed|strictfp)\s+)*'
                  r'(?:class|interface|enum|record|@interface)\s+\w+')
ANNOTATION = re.compile(r'^\s*@\w+(\(.*\))?\s*$')


def process(path: Path, version: str) -> int:
    lines = path.read_text(encoding='utf-8').split('\n')
    out = list(lines)
    added = 0
    # walk backwards so inserts do not shift the lines still to visit
    for i in range(len(lines) - 1, -1, -1):
        m = TYPE.match(lines[i])
        if not m:
            continue
        indent = m.group(1)
        j = i - 1
        while j >= 0 and (ANNOTATION.match(lines[j]) or lines[j].strip().startswith('@')):
            j -= 1
        if j >= 0 and lines[j].strip().endswith('*/'):
            k = j
            while k >= 0 and '/**' not in lines[k]:
                k -= 1
            block = '\n'.join(lines[k:j + 1])
            if '@since' in block:
                continue
            if k == j:  # one-line javadoc: /** text */
                text = lines[j].strip()[3:-2].strip()
                out[j:j + 1] = [indent + '/**', indent + ' * ' + text, indent + ' *',
                                indent + ' * @since ' + version, indent + ' */']
            else:
                tail = [indent + ' *', indent + ' * @since ' + version]
                prev = out[j - 1].strip()
                if prev == '*':
                    tail = [indent + ' * @since ' + version]
                out[j:j] = tail
        else:
            out[j + 1:j + 1] = [indent + '/** @since ' + version + ' */']
        added += 1
    if added:
        path.write_text('\n'.join(out), encoding='utf-8')
    return added


def main() -> None:
    version = sys.argv[1]
    total = 0
    for root in sys.argv[2:]:
        for f in sorted(Path(root).rglob('*.java')):
            if f.name in ('module-info.java', 'package-info.java'):
                continue
            total += process(f, version)
    print(f'@since {version} added to {total} public types')


if __name__ == '__main__':
    main()
