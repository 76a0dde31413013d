# SPDX-License-Identifier: GPL-2.0-or-later
"""The expectation table, -E events, -R load files and the dying/unconfirmed
lists: once pending, now in scope. The tables live in conntrack_expect.py,
conntrack_events.py and conntrack_load.py; this module gathers their cases
and states for the conntrack suite. A group can still be put on hold by
giving it a reason in PENDING (its cases are then listed but skipped).
"""
from suites import conntrack_events, conntrack_expect, conntrack_load

PENDING = {}  # case name prefix -> reason


def fixtures(fixture_cls):
    return conntrack_expect.fixtures(fixture_cls) + conntrack_events.fixtures(fixture_cls)


def cases():
    out = conntrack_expect.cases() + conntrack_events.cases() + conntrack_load.cases()
    for c in out:
        for prefix, why in PENDING.items():
            if c.name.startswith(prefix):
                c.pending = why
    return out
