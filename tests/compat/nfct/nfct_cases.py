# SPDX-License-Identifier: GPL-2.0-or-later
"""nfct compat cases, generated from tables: every command, protocol and error.

Every case is `mutating`: it runs on a namespace built for it alone (policies
are per namespace), once with the oracle and once with ours, and every step's
stdout, stderr and exit code must be equal. Cases whose steps are reported
one by one (`per_step`) name each step `case#NN`.
"""
from difftest import Case, step

import nfct_known

FAMILIES = ("inet", "inet6")

# 1.4.7's state names per protocol (libnetfilter_cttimeout 1.0.1), in kernel order.
STATES = {
    "tcp": ("syn_sent", "syn_recv", "established", "fin_wait", "close_wait", "last_ack",
            "time_wait", "close", "syn_sent2", "retrans", "unacknowledged"),
    "udp": ("unreplied", "replied"),
    "udplite": ("unreplied", "replied"),
    "icmp": ("timeout",),
    "icmpv6": ("timeout",),
    "sctp": ("closed", "cookie_wait", "cookie_echoed", "established", "shutdown_sent",
             "shutdown_recd", "shutdown_ack_sent"),
    "dccp": ("request", "respond", "partopen", "open", "closereq", "closing", "timewait"),
    "gre": ("unreplied", "replied"),
    "generic": ("timeout",),
}

COMMANDS = ("list", "add", "delete", "get", "flush", "disable", "default-set", "default-get")
SUBSYSTEMS = ("timeout", "helper", "version", "help")

# Arguments that make each timeout command do real work, for the word matrix.
TIMEOUT_ARGS = {
    "list": (), "add": ("w", "inet", "udp", "unreplied", "9"), "delete": ("w",),
    "get": ("w",), "flush": (), "disable": ("w", "inet", "tcp"),
    "default-set": ("inet", "udp", "replied", "99"), "default-get": ("inet", "udp"),
}

# conntrackd 1.4.7's helper plugins and the layer 4 protocols they exist for.
HELPERS = {"amanda": ("udp",), "dhcpv6": ("udp",), "ftp": ("tcp",), "mdns": ("udp",),
           "rpc": ("tcp", "udp"), "sane": ("tcp",), "slp": ("udp",), "ssdp": ("udp", "tcp"),
           "tftp": ("udp",), "tns": ("tcp",)}


def case(name, steps, fixture="empty", per_step=True):
    return Case(name, list(steps), fixture, mutating=True, per_step=per_step)


def prefixes(word):
    return [word[:i] for i in range(1, len(word) + 1)]


def cased(word, i):
    """Every other state name in upper case: 1.4.7 compares them without case."""
    return word.upper() if i % 2 else word


# ---- the words: prefixes, both orders, the 1.4.7 quirks ---------------------------------
def word_cases():
    out = []
    for cmd in COMMANDS:
        steps = []
        for p in prefixes(cmd):
            steps.append(step(p, "timeout", *TIMEOUT_ARGS[cmd]))
            steps.append(step("timeout", p, *TIMEOUT_ARGS[cmd]))
        out.append(case("words.cmd-prefix.%s" % cmd, steps))
    steps = []
    for sub in SUBSYSTEMS:
        for p in prefixes(sub) + [sub + "s"]:
            # "help" and its prefixes all pick "helper", as in 1.4.7
            steps.append(step("list", p))
            steps.append(step(p, "list"))
    out.append(case("words.subsys-prefix", steps))
    out.append(case("words.empty", [
        step("", "timeout"), step("timeout", ""), step("", ""), step("list", ""),
        step("", "version"), step("version", "")]))
    # 1.4.7 names argv[1] in both messages, even when it is the word that was fine.
    out.append(case("words.unknown", [
        step("foo", "bar"), step("list", "bar"), step("bar", "list"), step("timeout", "bar"),
        step("helper", "bar"), step("version", "bar"), step("list", "timeouts"),
        step("lists", "timeout"), step("-x", "list", "timeout"), step("-", "list", "timeout"),
        step("--", "list", "timeout"), step("list", "-o"), step("LIST", "timeout"),
        step("Timeout", "list")]))
    out.append(case("words.usage", [
        step(), step("list"), step("timeout"), step("helper"), step("foo"), step("-"),
        step("--"), step("-x")]))
    out.append(case("words.version", [
        step("list", "version"), step("version", "list"), step("l", "v"), step("flush", "version"),
        step("add", "version", "x", "y"), step("default-get", "version")]))
    out.append(case("words.timeout-usage", [
        step("disable", "timeout"), step("timeout", "disable"), step("di", "timeout", "x"),
        step("disable", "timeout", "x", "inet", "tcp")]))
    return out


# ---- timeout: every command for every protocol and family ---------------------------
def protocol_case(proto, fam):
    states = STATES[proto]
    first, last = states[0], states[-1]
    every = []
    for i, s in enumerate(states):
        every += [cased(s, i), str(10 + i)]
    return case("timeout.%s.%s" % (proto, fam), [
        step("add", "timeout", "p1", fam, proto, first, "100"),
        step("get", "timeout", "p1"),
        step("add", "timeout", "p2", fam, proto, *every),
        step("get", "timeout", "p2"),
        step("list", "timeout"),
        step("add", "timeout", "p1", fam, proto, first, "5"),
        step("default-get", "timeout", fam, proto),
        step("default-set", "timeout", fam, proto, last, "77"),
        step("default-get", "timeout", fam, proto),
        step("default-set", "timeout", fam, proto, *every),
        step("default-get", "timeout", fam, proto),
        step("add", "timeout", "p3", fam, proto),
        step("add", "timeout", "p3", fam, proto, "bogus", "1"),
        step("add", "timeout", "p3", fam, proto, "heartbeat_sent", "1"),
        step("add", "timeout", "p3", fam, proto, first),
        step("add", "timeout", "p3", fam, proto, first, "1", last),
        step("default-set", "timeout", fam, proto, "bogus", "1"),
        step("default-set", "timeout", fam, proto, first),
        step("delete", "timeout", "p1"),
        step("get", "timeout", "p1"),
        step("delete", "timeout", "p1"),
        step("flush", "timeout"),
        step("list", "timeout"),
    ])


def protocol_cases():
    return [protocol_case(p, f) for p in STATES for f in FAMILIES]


def protocol_word_cases():
    """Layer 4 protocols as /etc/protocols names them, and names it does not have."""
    steps = []
    for word in ("TCP", "UDP", "UDPLite", "ipv6-icmp", "IPv6-ICMP", "SCTP", "DCCP", "GRE",
                 "igmp", "ipv6", "hopopt", "6", "17", "foo", "", "Generic", "ICMPv6", "raw"):
        steps.append(step("add", "timeout", "n", "inet", word, "timeout", "3"))
        steps.append(step("add", "timeout", "n", "inet", word))
        steps.append(step("default-get", "timeout", "inet", word))
        steps.append(step("get", "timeout", "n"))
        steps.append(step("flush", "timeout"))
    for fam in ("inet4", "ipv4", "INET", "", "unspec", "inet6x"):
        steps.append(step("add", "timeout", "n", fam, "tcp", "close", "3"))
        steps.append(step("default-get", "timeout", fam, "tcp"))
        steps.append(step("default-set", "timeout", fam, "tcp", "close", "3"))
    return [case("timeout.protocol-words", steps)]


def argument_cases():
    """Arity errors, in both word orders."""
    out = []
    for order in ("cmd-first", "subsys-first"):
        def s(cmd, *args):
            return step(cmd, "timeout", *args) if order == "cmd-first" else step("timeout", cmd, *args)
        out.append(case("timeout.arguments.%s" % order, [
            s("add"), s("add", "x"), s("add", "x", "inet"), s("add", "x", "inet", "tcp"),
            s("add", "x", "inet", "tcp", "syn_sent"), s("add", "x", "inet", "tcp", "foo"),
            s("get"), s("get", "x", "y"), s("delete"), s("delete", "x", "y"),
            s("list", "x"), s("flush", "x"), s("default-get"), s("default-get", "inet"),
            s("default-get", "inet", "tcp", "extra", "args"), s("default-set"),
            s("default-set", "inet"), s("default-set", "inet", "tcp"),
            s("default-set", "inet", "tcp", "close"), s("default-set", "inet", "tcp", "foo"),
            s("default-set", "inet", "tcp", "close", "5", "foo"),
            s("add", "x", "inet", "tcp", "close", "5"), s("get", "x"),
            s("delete", "x"), s("get", "x"), s("delete", "x")]))
    return out


def value_cases():
    """Values go through atoi(): junk is 0, negatives wrap, overflow truncates."""
    steps = []
    for i, v in enumerate(("0", "1", "abc", "-1", "99999999999", "4294967295", "4294967296",
                           "0x10", "010", " 12", "12abc", "+5", "2147483647", "2147483648",
                           "-2147483648", "")):
        steps.append(step("add", "timeout", "v%d" % i, "inet", "udp", "unreplied", v))
        steps.append(step("get", "timeout", "v%d" % i))
    steps.append(step("default-set", "timeout", "inet", "udp", "replied", "-1"))
    steps.append(step("default-get", "timeout", "inet", "udp"))
    steps.append(step("add", "timeout", "dup", "inet", "tcp", "close", "1", "CLOSE", "2",
                      "close", "3"))
    steps.append(step("get", "timeout", "dup"))
    return [case("timeout.values", steps)]


def name_cases():
    """Names: cut to 31 characters as libnetfilter_cttimeout does; any bytes otherwise."""
    n30, n31, n32 = "a" * 30, "b" * 31, "c" * 32
    n40 = "0123456789012345678901234567890123456789"
    steps = []
    for name in (n30, n31, n32, n40, "", "with space", "quote\"d", "ü-ñame", "-dash", "x" * 300):
        steps.append(step("add", "timeout", name, "inet", "tcp", "close", "7"))
        steps.append(step("get", "timeout", name))
    steps += [step("get", "timeout", n40[:31]), step("get", "timeout", n40[:31] + "zzz"),
              step("list", "timeout"), step("delete", "timeout", n40),
              step("delete", "timeout", n32[:31]), step("add", "timeout", "same", "inet", "udp",
                                                         "replied", "1"),
              step("add", "timeout", "same", "inet6", "tcp", "close", "1"),
              step("list", "timeout"), step("flush", "timeout"), step("list", "timeout")]
    return [case("timeout.names", steps)]


def state_cases():
    """Reads of policies someone else made; delete and flush of one a rule holds."""
    return [
        case("timeout.read.policies", [
            step("list", "timeout"), step("timeout", "list"), step("l", "t"),
            step("get", "timeout", "web"), step("get", "timeout", "assoc"),
            step("get", "timeout", "v6ping"), step("g", "t", "tun"),
            step("get", "timeout", "nosuch")], "policies"),
        case("timeout.inuse", [
            step("delete", "timeout", "held"), step("list", "timeout"),
            step("flush", "timeout"), step("list", "timeout"),
            step("add", "timeout", "held", "inet", "udp", "unreplied", "1"),
            step("delete", "timeout", "free"), step("get", "timeout", "held"),
            step("delete", "timeout", "free")], "inuse"),
    ]


# ---- upstream tests/nfct/timeout/* (the exact lines, subsystem first) ---------------
UPSTREAM = {
    "00tcp": ("inet tcp established 100", "inet tcp syn_sent 1 syn_recv 2 established 3 "
              "fin_wait 4 close_wait 5 last_ack 6 time_wait 7 close 8 syn_sent2 9 retrans 10 "
              "unacknowledged 11"),
    "01udp": ("inet udp unreplied 10", "inet udp unreplied 1 replied 2"),
    "02generic": ("inet generic timeout 10", "inet generic timeout 1"),
    "03udplite": ("inet udplite unreplied 10", "inet udplite unreplied 1 replied 2"),
    "04icmp": ("inet icmp timeout 10", "inet icmp timeout 1"),
    "05icmpv6": ("inet6 icmpv6 timeout 10", "inet6 icmpv6 timeout 1"),
    "06sctp": ("inet sctp established 100", "inet sctp closed 1 cookie_wait 2 cookie_echoed 3 "
               "established 4 shutdown_sent 5 shutdown_recd 6 shutdown_ack_sent 7"),
    "07dccp": ("inet dccp request 100", "inet dccp request 1 respond 2 partopen 3 open 4 "
               "closereq 5 closing 6 timewait 7"),
    "08gre": ("inet gre unreplied 10", "inet gre unreplied 1 replied 2"),
}


def upstream_cases():
    out = []
    for name, (one, every) in UPSTREAM.items():
        out.append(case("upstream.%s" % name, [
            step("timeout", "add", "test", *one.split()),  # OK
            step("timeout", "get", "test"),                 # OK
            step("timeout", "delete", "test"),              # OK
            step("timeout", "get", "test"),                 # BAD
            step("timeout", "delete", "test"),              # BAD
            step("timeout", "add", "test", *every.split()), # OK
            step("timeout", "get", "test"),                 # OK
            step("timeout", "delete", "test"),              # OK
        ]))
    return out


# ---- helper: every command; the kernel has no cthelper, so each ends in EINVAL --------
def helper_cases():
    out = []
    for name in sorted(HELPERS) + ["foo", "FTP", ""]:
        steps = []
        for fam in ("inet", "inet6", "inetx"):
            for proto in ("tcp", "udp", "sctp"):
                steps.append(step("add", "helper", name, fam, proto))
                steps.append(step("helper", "disable", name, fam, proto))
        out.append(case("helper.stub.%s" % (name or "empty"), steps))
    out.append(case("helper.commands", [
        step("list", "helper"), step("helper", "list"), step("flush", "helper"),
        step("get", "helper", "ftp"), step("get", "helper", "ftp", "inet"),
        step("get", "helper", "ftp", "inet6", "udp"), step("delete", "helper", "ftp"),
        step("delete", "helper", "ftp", "inet", "tcp"), step("add", "helper", "ftp", "inet",
                                                              "tcp", "extra"),
        step("h", "l"), step("he", "f"), step("hel", "get", "x"), step("help", "list")]))
    out.append(case("helper.arguments", [
        step("list", "helper", "x"), step("flush", "helper", "x"), step("add", "helper"),
        step("add", "helper", "ftp"), step("add", "helper", "ftp", "inet"),
        step("disable", "helper"), step("disable", "helper", "ftp", "inet"),
        step("get", "helper"), step("get", "helper", "ftp", "inetx"),
        step("get", "helper", "ftp", "inet", "gre"), step("get", "helper", "a", "b", "c", "d"),
        step("delete", "helper"), step("delete", "helper", "ftp", "foo"),
        step("delete", "helper", "ftp", "inet", "icmp"),
        step("delete", "helper", "a", "inet", "tcp", "d"),
        step("default-set", "helper"), step("helper", "default-get"), step("helper", "bogus")]))
    return out


def all_cases():
    cases = (word_cases() + protocol_cases() + protocol_word_cases() + argument_cases() +
             value_cases() + name_cases() + state_cases() + upstream_cases() + helper_cases() +
             nfct_known.extension_cases())
    for c in cases:
        c.known = nfct_known.difference_for(c)
    return cases
