#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Prove the harness can fail: run it against wrong_conntrack.py, one defect
at a time, and require FAIL exactly where the defect shows and ok elsewhere.
Exit 0 when the harness caught every defect, 1 otherwise, 77 when skipped."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RUN = os.path.join(HERE, "..", "run.py")
WRONG = os.path.join(HERE, "wrong_conntrack.py")

# (defect, cases to run, cases that must FAIL, cases that must pass)
PLAN = [
    ("dport", ["L.tcp-dport.base", "L.p-udp.base", "G.tcp-est.base", "L.fmt.xml.p-tcp.base"],
     ["L.tcp-dport.base", "G.tcp-est.base"], ["L.p-udp.base", "L.fmt.xml.p-tcp.base"]),
    ("exit", ["C.count.base", "V.version.base"], ["C.count.base"], ["V.version.base"]),
    ("stderr", ["D.p-gre.base", "L.all.base"], ["D.p-gre.base"], ["L.all.base"]),
    ("nodelete", ["D.p-icmp.base", "L.p-icmp.base"], ["D.p-icmp.base"], ["L.p-icmp.base"]),
]


def verdicts(output):
    res = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("ok", "FAIL", "skip"):
            res[parts[1]] = parts[0]
    return res


def main():
    bad = 0
    for mode, cases, must_fail, must_pass in PLAN:
        argv = [sys.executable, RUN, "conntrack", "--ours", WRONG, "-j", "2"]
        for c in cases:
            argv += ["-k", c]
        p = subprocess.run(argv, capture_output=True, text=True,
                           env=dict(os.environ, CTF_WRONG=mode))
        if p.returncode == 77:
            print(p.stdout.strip())
            return 77
        got = verdicts(p.stdout)
        for c in must_fail:
            ok = got.get(c) == "FAIL"
            bad += not ok
            print("%-4s defect %-8s -> %s is %s (must FAIL)" % ("ok" if ok else "FAIL", mode, c, got.get(c)))
        for c in must_pass:
            ok = got.get(c) == "ok"
            bad += not ok
            print("%-4s defect %-8s -> %s is %s (must pass)" % ("ok" if ok else "FAIL", mode, c, got.get(c)))
        if p.returncode != 1:
            bad += 1
            print("FAIL defect %s: harness exited %d, expected 1" % (mode, p.returncode))
        if bad:
            print(p.stdout)
    print("harness self-test: %s" % ("every defect caught" if not bad else "%d problems" % bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
