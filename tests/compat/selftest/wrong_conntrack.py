#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A deliberately wrong conntrack for the harness self-test.

It is the 1.4.7 oracle with one defect, chosen by CTF_WRONG; the harness must
report FAIL wherever the defect shows:
  dport     stdout: "dport=80" becomes "dport=81"
  exit      -C exits 3 instead of 0 (output unchanged)
  stderr    the summary says "shown" where 1.4.7 says "deleted"
  nodelete  -D only lists, but prints 1.4.7's -D summary: only the table
            after the command (an oracle-only step) can tell
"""
import os
import subprocess
import sys

ORACLE = os.environ.get("CTF_ORACLE", "/usr/sbin/conntrack")


def main():
    mode = os.environ.get("CTF_WRONG", "")
    args = sys.argv[1:]
    if mode == "nodelete":
        args = ["-L" if a == "-D" else a for a in args]
    p = subprocess.run([ORACLE] + args, capture_output=True, text=True)
    out, err, rc = p.stdout, p.stderr, p.returncode
    if mode == "dport":
        out = out.replace("dport=80 ", "dport=81 ")
    elif mode == "exit" and "-C" in args:
        rc = 3
    elif mode == "stderr":
        err = err.replace("have been deleted", "have been shown")
    elif mode == "nodelete" and "-D" in sys.argv[1:]:
        err = err.replace("have been shown", "have been deleted")
    elif mode not in ("dport", "exit", "stderr", "nodelete"):
        err, rc = "wrong_conntrack.py: set CTF_WRONG\n", 99
    sys.stdout.write(out)
    sys.stderr.write(err)
    return rc


if __name__ == "__main__":
    sys.exit(main())
