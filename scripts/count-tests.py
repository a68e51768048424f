#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Count meson test results and print "N passed, N failed" as the last line.

    scripts/count-tests.py [--label TEXT] TESTLOG.json...

Each TESTLOG.json is a build tree's meson-logs/testlog.json (one JSON object
per test). OK and EXPECTEDFAIL count as passed, every other result as failed
(and is named on a line of its own); a missing or unreadable log counts as one
failure, so a build that never got to run its tests cannot pass. With several
logs, failures are named with their build directory. --label TEXT puts
"TEXT: " before the summary line. Exit status 1 when anything failed.
"""

import json
import os
import sys


def tree_name(path):
    d = os.path.dirname(os.path.abspath(path))
    if os.path.basename(d) == "meson-logs":
        d = os.path.dirname(d)
    return os.path.basename(d)


def count(path, prefix):
    passed = failed = 0
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                r = json.loads(line)
                if r.get("result") in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                else:
                    failed += 1
                    print("failed: %s%s (%s)" % (prefix, r.get("name"), r.get("result")))
    except (OSError, ValueError) as e:
        print("no test log: %s" % e)
        failed += 1
    return passed, failed


def main(argv):
    label = None
    if len(argv) >= 2 and argv[0] == "--label":
        label, argv = argv[1], argv[2:]
    if not argv or argv[0].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    passed = failed = 0
    for path in argv:
        p, f = count(path, tree_name(path) + ": " if len(argv) > 1 else "")
        passed += p
        failed += f
    print("%s%d passed, %d failed" % (label + ": " if label else "", passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
