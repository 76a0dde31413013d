# SPDX-License-Identifier: GPL-2.0-or-later
"""The nfct compat suite for tests/compat/lib/difftest.py: states and helpers.

Timeout policies live in the network namespace, so every case runs on a
namespace of its own, built fresh for each side (oracle and ours) from one
of the fixtures below; the steps of a case then run in order on both.
"""
import difftest

NAME = "nfct"
BINARY = "nfct"
ORACLE = "/usr/sbin/nfct"
SETTLE = 0  # nothing in nfct's output depends on the clock
SHOW_STATE = [["list", "timeout"], ["list", "helper"]]

# Both binaries print argv[0] in their usage lines; run.py tells us the paths.
PATHS = {ORACLE}


def set_binaries(*paths):
    PATHS.update(p for p in paths if p)


def make_normaliser(run_oracle):
    """argv[0] differs between the two binaries: print it as `nfct' for both."""
    del run_oracle  # nfct prints nothing else that depends on the state it was built from

    def normalise(text):
        for p in sorted(PATHS, key=len, reverse=True):
            text = text.replace(p, "nfct")
        return text
    return normalise


def volatile_only(a, b):
    """nfct prints no timestamps, ids or counters: any difference is real."""
    del a, b
    return False


def oracle_nfct(*args):
    return {"argv": [ORACLE] + list(args)}


# Policies for the read and JSON cases, made with the oracle before either side runs.
POLICIES = [
    ("web", "inet", "tcp", "established", "600", "close", "5"),
    ("dns", "inet", "udp", "unreplied", "3", "replied", "10"),
    ("v6ping", "inet6", "icmpv6", "timeout", "9"),
    ("any", "inet", "generic", "timeout", "60"),
    ("assoc", "inet", "sctp", "established", "1000", "closed", "2"),
    ("lite", "inet6", "udplite", "replied", "42"),
    ("tun", "inet", "gre", "replied", "11"),
    ("ping", "inet", "icmp", "timeout", "4"),
]


def fixtures():
    F = difftest.Fixture
    policies = [oracle_nfct("add", "timeout", *p) for p in POLICIES]
    return [
        F("empty", {}, "a fresh namespace: no policies, kernel default timeouts"),
        F("policies", {"setup": policies}, "eight policies, one per protocol family"),
        F("inuse", {"setup": [
            oracle_nfct("add", "timeout", "held", "inet", "udp", "unreplied", "7"),
            oracle_nfct("add", "timeout", "free", "inet", "tcp", "close", "3"),
            {"argv": ["iptables-nft", "-t", "raw", "-A", "OUTPUT", "-p", "udp",
                      "-j", "CT", "--timeout", "held"]},
        ]}, "policy `held' used by an iptables raw CT rule, policy `free' unused"),
        F("noprotocols", {"etc": {"protocols": None}},
          "no /etc/protocols: getprotobyname() knows no protocol name"),
    ]


def cases():
    import nfct_cases
    return nfct_cases.all_cases()
