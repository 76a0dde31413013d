# SPDX-License-Identifier: GPL-2.0-or-later
"""Case tables for the conntrack suite (generated, not written one by one)."""
from difftest import Case, step


def all_cases():
    return [Case("L.smoke", [step("-L")], "base")]
