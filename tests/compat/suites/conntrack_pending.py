# SPDX-License-Identifier: GPL-2.0-or-later
"""Cases outside the current scope, kept ready to switch on (`--pending`).

Expectation table, -E events, -R load files and the dying/unconfirmed tables
are a later task. Clear PENDING (or the reason of one group) to run them.
Events need a runner step that stops `-E` with a signal after traffic; until
then the event cases here only cover what exits on its own (bad input).
"""
from difftest import Case, step
import shlex

POST = step("-L", "-o", "extended,labels", oracle_only=True, label="table after")
EXP_POST = step("-L", "expect", oracle_only=True, label="expectations after")

EXPECT = "-p tcp --tuple-src 10.1.1.1 --tuple-dst 10.2.2.2 --mask-src 255.255.255.255 " \
         "--mask-dst 255.255.255.255 --tuple-port-src 0 --tuple-port-dst 2121 --mask-port-src 0 " \
         "--mask-port-dst 65535 -s 127.0.0.1 -d 127.0.0.1 --sport 40012 --dport 21 -t 100"

GROUPS = {
    "expectation table: later task": [
        ("exp.L", "-L expect", False), ("exp.L-prefix", "-L exp", False),
        ("exp.L-xml", "-L expect -o xml", False), ("exp.L-f6", "-L expect -f ipv6", False),
        ("exp.C", "-C expect", False), ("exp.S", "-S expect", False),
        ("exp.I", "-I expect " + EXPECT, True), ("exp.I-missing", "-I expect -p tcp -s 1.1.1.1", True),
        ("exp.G", "-G expect -s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 0 --dport 2121 "
         "--reply-port-src 0 --reply-port-dst 0", False),
        ("exp.D", "-D expect -s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 0 --dport 2121 "
         "--reply-port-src 0 --reply-port-dst 0", True),
        ("exp.F", "-F expect", True), ("exp.U", "-U expect -p tcp", True),
        ("exp.E-bad", "-E expect -o save", False),
    ],
    "-E events: later task (needs a signal-driven runner step)": [
        ("E.bad-mask", "-E -e FOO", False), ("E.save-xml", "-E -o save,xml", False),
        ("E.zero", "-E -z", False), ("E.timeout", "-E -t 5", False),
    ],
    "-R load files: later task": [
        ("R.file", "-R /dev/stdin", True), ("R.not-first", "-L -R -", False),
    ],
    "dying/unconfirmed tables: later task": [
        ("dying.L", "-L dying", False), ("unconfirmed.L", "-L unconfirmed", False),
        ("dying.L-xml", "-L dying -o xml", False), ("unconfirmed.D", "-D unconfirmed", True),
    ],
}

R_STDIN = "-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 50\n# comment\n\n-D -s 9.9.9.9\n"


def cases():
    out = []
    for reason, rows in GROUPS.items():
        for name, opts, mut in rows:
            stdin = R_STDIN if name.startswith("R.") else None
            steps = [step(*shlex.split(opts), stdin=stdin)]
            if mut:
                steps += [POST, EXP_POST]
            out.append(Case("pending.%s" % name, steps, "full", mutating=mut, pending=reason))
    return out
