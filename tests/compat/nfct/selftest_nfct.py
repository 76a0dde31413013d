#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The nfct suite must fail a wrong nfct: each broken wrapper below changes one
thing about ours, and run_nfct.py must report FAIL for it.
Exit: 0 when every breakage was caught, 1 otherwise, 77 when the suite skips."""
import os
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# (what is broken, cases to run, a bash body run with NFCT=our binary)
BREAKAGES = [
    ("a state name in the policy block", "timeout.tcp.inet",
     '"$NFCT" "$@" | sed s/ESTABLISHED/ESTABLISHEd/; exit ${PIPESTATUS[0]}'),
    ("the exit code of an error", "words.unknown",
     '"$NFCT" "$@"; rc=$?; [ $rc = 1 ] && exit 2; exit $rc'),
    ("the helper hint", "helper.commands",
     '"$NFCT" "$@" 2> >(grep -v ^Hint: >&2)'),
    ("the JSON output", "ext.json.policies",
     '"$NFCT" "$@" | sed s/600/601/; exit ${PIPESTATUS[0]}'),
    ("argv[0] in the usage line", "words.usage",
     'exec -a nfct-x "$NFCT" "$@"'),
]


def main():
    ours = os.path.join(os.environ.get("CTF_BIN", ""), "nfct")
    if not os.access(ours, os.X_OK):
        print("error: %s is missing" % ours)
        return 1
    missed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (what, pattern, body) in enumerate(BREAKAGES):
            wrapper = os.path.join(tmp, "nfct%d" % i)
            with open(wrapper, "w") as f:
                f.write("#!/bin/bash\nNFCT=%s\n%s\n" % (ours, body))
            os.chmod(wrapper, stat.S_IRWXU)
            p = subprocess.run([sys.executable, os.path.join(HERE, "run_nfct.py"), "--ours",
                                wrapper, "-k", pattern, "-j", "2"], capture_output=True, text=True)
            if p.returncode == 77:
                print(p.stdout.strip())
                return 77
            caught = p.returncode == 1 and "\nFAIL " in "\n" + p.stdout
            print("%s: %s" % ("caught" if caught else "MISSED", what))
            missed += not caught
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
