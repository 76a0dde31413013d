#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run the nfct compat suite: conntrack-tools 1.4.7's nfct against ours.

  run_nfct.py                  # every case, ours = $CTF_BIN/nfct
  run_nfct.py -k timeout.tcp   # cases whose name contains the text (or matches a glob)
  run_nfct.py --list           # list the cases and the fixture each runs on
  run_nfct.py --self-check     # the oracle against itself: proves the cases are deterministic
  run_nfct.py --ours ./nfct
Exit: 0 all passed, 1 a failure, 77 skipped (not root, no namespaces, no oracle).

It drives tests/compat/lib/difftest.py with the suite in nfct_suite.py. Each
case runs on a namespace of its own and its steps' output is compared exactly,
line order included: nfct's output has no order that depends on the kernel.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)

import difftest  # noqa: E402
import nfct_suite as suite  # noqa: E402


class ExactRunner(difftest.Runner):
    """difftest compares mutating cases as sorted lines (for conntrack's hash order);
    nfct's policy blocks must keep their line order, so nothing is sorted here."""

    SORT_MUTATING = False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--oracle", default=suite.ORACLE, help="reference binary (%(default)s)")
    ap.add_argument("--ours", help="binary under test (default: $CTF_BIN/nfct)")
    ap.add_argument("-k", dest="patterns", action="append", default=[],
                    help="run cases whose name contains PATTERN (or matches it as a glob)")
    ap.add_argument("--list", action="store_true", help="list the selected cases and exit")
    ap.add_argument("--self-check", action="store_true", help="compare the oracle with itself")
    ap.add_argument("-j", "--jobs", type=int, default=max(2, os.cpu_count() or 2))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    cases = difftest.select(suite.cases(), args.patterns, False)
    if args.list:
        for c in cases:
            known = "  (known difference: %s)" % c.known.name if c.known else ""
            print("%s  [%s, %d steps]%s" % (c.name, c.fixture, len(c.steps), known))
        print("%d cases, %d steps" % (len(cases), sum(len(c.steps) for c in cases)))
        return 0
    ours = args.oracle if args.self_check else (
        args.ours or os.path.join(os.environ.get("CTF_BIN", ""), suite.BINARY))
    why = difftest.preflight(args.oracle)
    if why:
        print("SKIP: %s" % why)
        return 77
    if not os.access(ours, os.X_OK):
        print("error: binary under test %s is missing (build it, or set CTF_BIN / --ours)" % ours)
        return 1
    if not cases:
        print("error: no case matches %s" % args.patterns)
        return 1
    suite.set_binaries(args.oracle, os.path.abspath(ours), ours)
    print("nfct compat: %d cases, oracle %s, ours %s%s" % (
        len(cases), args.oracle, ours, " (self-check)" if args.self_check else ""))
    runner = ExactRunner(suite, args.oracle, ours, jobs=args.jobs, retries=1,
                         self_check=args.self_check, verbose=args.verbose)
    counts = runner.run(cases)
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
