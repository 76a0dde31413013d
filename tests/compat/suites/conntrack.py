# SPDX-License-Identifier: GPL-2.0-or-later
"""The conntrack (conntrack table) compat suite: states, cases, differences."""
import difftest
from suites import conntrack_state as state
from suites import conntrack_cases
from suites import conntrack_pending

NAME = "conntrack"
BINARY = "conntrack"
ORACLE = state.ORACLE
SHOW_STATE = [["-L", "-o", "extended,labels"], ["-C"]]
make_normaliser = state.make_normaliser
volatile_only = state.volatile_only
mask_clock = state.mask_clock
SETTLE = 0.02  # seconds between the steps of one case


def fixtures():
    return state.fixtures(difftest.Fixture) + conntrack_pending.fixtures(difftest.Fixture)


def cases():
    return conntrack_cases.all_cases()
