#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run a differential compat suite: the 1.4.7 oracle against our binary.

  run.py conntrack                 # every runnable case, ours = $CTF_BIN/conntrack
  run.py conntrack -k L.filter     # cases whose name contains L.filter (or a glob)
  run.py conntrack --list          # list cases (pending ones marked)
  run.py conntrack --self-check    # oracle against itself: proves determinism
  run.py conntrack --ours ./wrapper.sh
Exit: 0 all passed, 1 a failure, 77 skipped (not root, no netns, no oracle).
"""
import argparse
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, HERE)

import difftest  # noqa: E402


def show_state(suite, oracle, name):
    runner = difftest.Runner(suite, oracle, oracle)
    try:
        ns = runner.fresh(name)
        for cmd in suite.SHOW_STATE:
            r = ns.run(oracle, cmd)
            print("$ %s %s  (exit %s)\n%s%s" % (suite.BINARY, " ".join(cmd), r.rc, r.stdout, r.stderr))
        ns.close()
    finally:
        runner.close()
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("suite", help="suite module in tests/compat/suites (e.g. conntrack)")
    ap.add_argument("--oracle", help="reference binary (default: the suite's, e.g. /usr/sbin/conntrack)")
    ap.add_argument("--ours", help="binary under test (default: $CTF_BIN/<suite binary>)")
    ap.add_argument("-k", dest="patterns", action="append", default=[],
                    help="run cases whose name contains PATTERN (or matches it as a glob); repeatable")
    ap.add_argument("--list", action="store_true", help="list the selected cases and exit")
    ap.add_argument("--self-check", action="store_true",
                    help="compare the oracle with itself; must pass 100%%")
    ap.add_argument("--pending", action="store_true",
                    help="also run the pending (not yet in scope) cases")
    ap.add_argument("-j", "--jobs", type=int, default=max(2, os.cpu_count() or 2))
    ap.add_argument("--retries", type=int, default=4,
                    help="attempts when the oracle disagrees with itself (volatile fields)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--show-state", metavar="FIXTURE",
                    help="build a fixture and print what the oracle lists in it")
    args = ap.parse_args()

    suite = importlib.import_module("suites." + args.suite)
    oracle = args.oracle or suite.ORACLE
    cases = difftest.select(suite.cases(), args.patterns, args.pending)
    if args.list:
        for c in cases:
            print("%s%s  [%s%s]" % (c.name, "  (pending: %s)" % c.pending if c.pending else "",
                                     c.fixture, ", mutating" if c.mutating else ""))
        print("%d cases" % len(cases))
        return 0
    if args.show_state:
        return show_state(suite, oracle, args.show_state)
    if args.self_check:
        ours = oracle
    else:
        ours = args.ours or os.path.join(os.environ.get("CTF_BIN", ""), suite.BINARY)
    why = difftest.preflight(oracle)
    if why:
        print("SKIP: %s" % why)
        return 77
    if not os.access(ours, os.X_OK):
        print("error: binary under test %s is missing (build it, or set CTF_BIN / --ours)" % ours)
        return 1
    if not cases:
        print("error: no case matches %s" % args.patterns)
        return 1
    print("%s compat: %d cases, oracle %s, ours %s%s" % (
        suite.NAME, len(cases), oracle, ours, " (self-check)" if args.self_check else ""))
    runner = difftest.Runner(suite, oracle, ours, jobs=args.jobs, retries=args.retries,
                             self_check=args.self_check, verbose=args.verbose)
    counts = runner.run(cases)
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
