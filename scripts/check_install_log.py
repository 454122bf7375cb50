#!/usr/bin/env python3
"""Fail when an Odoo install log holds a WARNING, ERROR or CRITICAL line.

A clean install of the HMS suite logs none: deprecations, missing access rights,
view errors and failed data all show up as such lines.
"""

import re
import sys

LEVEL = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ")


def bad_lines(lines):
    """Return the log lines at WARNING level or above."""
    return [line.rstrip("\n") for line in lines if LEVEL.match(line)]


def main(path):
    with open(path, encoding="utf-8", errors="replace") as log:
        found = bad_lines(log)
    if found:
        print(f"{path}: {len(found)} WARNING/ERROR line(s) in the install log:", file=sys.stderr)
        for line in found[:40]:
            print("  " + line, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
