# SPDX-License-Identifier: GPL-2.0-or-later
"""The expectation table, and the dying/unconfirmed lists, against 1.4.7.

States: `expect` holds real expectations made by the kernel's helpers from
loopback control traffic (helperflows.py): ftp PORT over IPv4, ftp EPSV over
IPv6, a tftp read request, a SIP REGISTER (PERMANENT, with a 1 h timeout) and
a SIP INVITE (RTP and RTCP, class 1). `expect-master` holds only an ftp
control connection, the master -I expect needs. `dying` keeps destroyed
entries on the dying list behind a reliable listener that never reads.
The unconfirmed list cannot be filled on 6.x kernels (they no longer keep
one; IPCTNL_MSG_CT_GET_UNCONFIRMED always answers with nothing), so its
cases check the empty listing.
"""
import shlex

from difftest import Case, step
from suites import conntrack_state as state

ORACLE = state.ORACLE

RULESET = """
table inet ctf_compat {
	ct helper ftp-std { type "ftp" protocol tcp; }
	ct helper tftp-std { type "tftp" protocol udp; }
	ct helper sip-std { type "sip" protocol udp; }
	chain out {
		type filter hook output priority 0;
		ct state new counter
		ct label foo counter
		tcp dport 21 ct helper set "ftp-std"
		udp dport 69 ct helper set "tftp-std"
		udp dport 5060 ct helper set "sip-std"
		udp dport 5002 ct mark set 16
		udp dport 5002 ct label set foo
	}
}
"""

# Masters must outlive every run: a closed ftp control connection would be
# removed after TIME_WAIT and take its expectation along.
SYSCTLS = dict(state.TIMEOUTS, **{
    "net.netfilter.nf_conntrack_tcp_timeout_time_wait": 4200,
    "net.netfilter.nf_conntrack_tcp_timeout_established": 432000,
})

HELPER_TRAFFIC = [
    {"kind": "ftp-port", "sport": 40100, "data_port": 2121},
    {"kind": "ftp-epsv", "sport": 40101, "data_port": 2122},
    {"kind": "tftp", "sport": 40102},
    {"kind": "sip-register", "sport": 5064},
    {"kind": "sip-invite", "sport": 5062, "media": 8000},
]

DYING_ENTRIES = "\n".join(
    "-I -t %d -s 10.20.0.%d -d 10.20.1.1 -p udp --sport %d --dport 53 -m %d" % (3600 + i, i, 1000 + i, i)
    for i in range(1, 7)) + "\n" + \
    "-I -t 3700 -s 2001:db8::20 -d 2001:db8::21 -p tcp --sport 7 --dport 8 --state ESTABLISHED\n" + \
    "-I -t 3701 -s 10.20.0.9 -d 10.20.1.9 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 9\n"
# The first delete feeds the listener's one-event buffer; the others stay dying.
DYING_DELETES = [["-D", "-s", "10.20.0.1"]] + [["-D", "-s", "10.20.0.%d" % i] for i in range(2, 7)] + \
    [["-D", "-s", "2001:db8::20"], ["-D", "-s", "10.20.0.9"]]


def spec(traffic=(), setup=()):
    etc = {"connlabel.conf": state.LABELS, "xtables/connlabel.conf": state.LABELS}
    return {"etc": etc, "nft": RULESET, "sysctls": SYSCTLS, "setup": list(setup),
            "traffic": list(traffic)}


def fixtures(fixture_cls):
    F = fixture_cls
    return [
        F("expect", spec(HELPER_TRAFFIC),
          "expectations from ftp (v4 PORT, v6 EPSV), tftp and sip (REGISTER, INVITE) traffic"),
        F("expect-master", spec([{"kind": "ftp-port", "sport": 40200, "data_port": 3131}]),
          "one ftp control connection (with its expectation) to hang -I expect on"),
        F("dying", spec([{"kind": "dying", "entries": DYING_ENTRIES, "delete": DYING_DELETES}]),
          "destroyed entries held on the dying list by a listener that never reads"),
    ]


POST = step("-L", "-o", "extended,labels", oracle_only=True, label="table after")
EXP_POST = step("-L", "expect", oracle_only=True, label="expectations after")
EXP6_POST = step("-L", "expect", "-f", "ipv6", oracle_only=True, label="IPv6 expectations after")


def args(text):
    return tuple(shlex.split(text))


# ---- -L expect, -C expect, -S expect ---------------------------------------
LIST_FORMATS = [("default", None), ("xml", "xml"), ("timestamp", "timestamp"),
                ("xml-timestamp", "xml,timestamp"), ("save", "save"), ("extended", "extended"),
                ("id", "id"), ("ktimestamp", "ktimestamp"), ("labels", "labels"),
                ("ext-all", "extended,id,ktimestamp,labels"), ("userspace", "userspace"),
                ("xml-upper", "XML"), ("ts-prefix", "t"), ("x-prefix", "x,t"), ("json", "json"),
                ("json-timestamp", "json,timestamp")]
LIST_FILTERS = [("all", ""), ("f4", "-f ipv4"), ("f6", "-f ipv6"), ("f-prefix", "-f ipv"),
                ("word", "expect"), ("prefix", "exp"), ("e", "e"), ("long", "--family ipv6")]


def list_cases():
    out = []
    for fx in ("expect", "expect-master"):
        for fname, fmt in LIST_FORMATS:
            for flt, opts in LIST_FILTERS:
                if fx == "expect-master" and flt not in ("all", "f6"):
                    continue
                table = () if flt in ("word", "prefix", "e") else ("expect",)
                argv = ("-L",) + table + args(opts) + (("-o", fmt) if fmt else ())
                out.append(Case("exp.L.%s.%s.%s" % (fname, flt, fx), [step(*argv)], fx))
        for name, opts in (("count", "-C expect"), ("count-long", "--count expect"),
                           ("count-prefix", "-C exp"), ("stats", "-S expect"),
                           ("stats-long", "--stats expect"), ("dump-long", "--dump expect")):
            out.append(Case("exp.%s.%s" % (name, fx), [step(*args(opts))], fx))
    out.append(Case("exp.L.all.empty", [step("-L", "expect")], "empty"))
    out.append(Case("exp.L.xml.empty", [step("-L", "expect", "-o", "xml")], "empty"))
    out.append(Case("exp.C.empty", [step("-C", "expect")], "empty"))
    return out


# ---- -G expect: the kernel looks the given tuple up as an expected one -----------
PORTS0 = "--reply-port-src 0 --reply-port-dst 0"
GETS = [
    ("ftp", "-s 127.0.0.1 -d 127.0.0.1 -p tcp --sport 0 --dport 2121 " + PORTS0),
    ("ftp-anysport", "-s 127.0.0.1 -d 127.0.0.1 -p tcp --sport 20 --dport 2121 " + PORTS0),
    ("ftp-reply-ports", "-s 127.0.0.1 -d 127.0.0.1 -p tcp --sport 0 --dport 2121 "
     "--reply-port-src 5 --reply-port-dst 6"),
    ("ftp6", "-s ::1 -d ::1 -p tcp --sport 0 --dport 2122 " + PORTS0),
    ("tftp", "-s 127.0.0.1 -d 127.0.0.1 -p udp --sport 0 --dport 40102 " + PORTS0),
    ("sip-reg", "-s 127.0.0.1 -d 127.0.0.1 -p udp --sport 9 --dport 5064 " + PORTS0),
    ("rtp", "-s 127.0.0.1 -d 127.0.0.1 -p udp --sport 0 --dport 8000 " + PORTS0),
    ("rtcp", "-s 127.0.0.1 -d 127.0.0.1 -p udp --sport 0 --dport 8001 " + PORTS0),
    ("missing", "-s 127.0.0.1 -d 127.0.0.1 -p udp --sport 0 --dport 9999 " + PORTS0),
    ("wrong-family", "-s 127.0.0.1 -d 127.0.0.1 -p tcp --sport 0 --dport 2122 " + PORTS0),
    ("long", "--get expect --orig-src 127.0.0.1 --orig-dst 127.0.0.1 -p tcp --orig-port-src 0 "
     "--orig-port-dst 2121 " + PORTS0),
    ("no-reply-ports", "-s 127.0.0.1 -d 127.0.0.1 -p tcp --sport 0 --dport 2121"),
    ("gre", "-s 127.0.0.1 -d 127.0.0.1 -p gre --srckey 1 --dstkey 2 --reply-key-src 0 "
     "--reply-key-dst 0"),
    ("icmp", "-s 127.0.0.1 -d 127.0.0.1 -p icmp"),
    ("unknown", "-s 127.0.0.1 -d 127.0.0.1 -p 99"),
    ("reply-addr", "-s 127.0.0.1 -d 127.0.0.1 -r 1.1.1.1 -q 2.2.2.2 -p udp --sport 0 --dport 40102 "
     + PORTS0),
]


def get_cases():
    out = []
    for name, opts in GETS:
        argv = args(opts)
        if argv[0] != "--get":
            argv = ("-G", "expect") + argv
        out.append(Case("exp.G.%s.expect" % name, [step(*argv)], "expect"))
    return out


# ---- -D expect (a deliberate difference: 1.4.7 exits 1 and says "shown") ----------
DELETES = [(name, opts) for name, opts in GETS
           if name not in ("long", "no-reply-ports", "gre", "icmp", "unknown")] + [
    ("long", "--delete expect --orig-src 127.0.0.1 --orig-dst 127.0.0.1 -p tcp --sport 0 "
     "--dport 2121 " + PORTS0),
    ("no-reply-ports", "-s 127.0.0.1 -d 127.0.0.1 -p tcp --sport 0 --dport 2121"),
]


def delete_cases():
    out = []
    for name, opts in DELETES:
        argv = args(opts)
        if argv[0] != "--delete":
            argv = ("-D", "expect") + argv
        out.append(Case("exp.D.%s.expect" % name, [step(*argv), EXP_POST, EXP6_POST], "expect",
                        mutating=True))
    return out


# ---- -I expect on the ftp master of `expect-master` -------------------------------
MASTER = "-s 127.0.0.1 -d 127.0.0.1 --sport 40200 --dport 21"
TUPLE = "--tuple-src 127.0.0.1 --tuple-dst 127.0.0.1 --mask-src 255.255.255.255 " \
        "--mask-dst 255.255.255.255"
CREATES = [
    ("udp", "-p udp %s --tuple-port-src 0 --tuple-port-dst 4444 --mask-port-src 0 "
     "--mask-port-dst 65535 -t 100" % TUPLE),
    ("udp-mask-any", "-p udp %s --tuple-port-src 7 --tuple-port-dst 4445 --mask-port-src 0 "
     "--mask-port-dst 0 -t 5" % TUPLE),
    # 1.4.7's tcp handler stores --tuple-port-* as the protocol number (port / 256)
    ("tcp-proto8", "-p tcp %s --tuple-port-src 0 --tuple-port-dst 2121 --mask-port-src 0 "
     "--mask-port-dst 65535 -t 100" % TUPLE),
    ("tcp-proto0", "-p tcp %s --tuple-port-dst 2121 --tuple-port-src 1 --mask-port-src 0 "
     "--mask-port-dst 65535 -t 100" % TUPLE),
    ("tcp-proto6", "-p tcp %s --tuple-port-src 0 --tuple-port-dst 1600 --mask-port-src 0 "
     "--mask-port-dst 65535 -t 100" % TUPLE),
    ("udplite", "-p udplite %s --tuple-port-src 0 --tuple-port-dst 4446 --mask-port-src 0 "
     "--mask-port-dst 65535 -t 100" % TUPLE),
    ("cidr-tuple", "-p udp --tuple-src 127.0.0.0/8 --tuple-dst 127.0.0.1 --mask-dst 255.255.255.255 "
     "--tuple-port-src 0 --tuple-port-dst 4447 --mask-port-src 0 --mask-port-dst 65535 -t 100"),
    ("reply-opts", "-p udp %s --tuple-port-src 0 --tuple-port-dst 4448 --mask-port-src 0 "
     "--mask-port-dst 65535 -t 100 -r 1.1.1.1 -q 2.2.2.2 -u SEEN_REPLY" % TUPLE),
]
CREATE_FAILS = [
    ("no-master", "-p udp %s --tuple-port-src 0 --tuple-port-dst 4444 --mask-port-src 0 "
     "--mask-port-dst 65535 -t 100 -s 127.0.0.9 -d 127.0.0.1 --sport 1 --dport 21" % TUPLE),
    ("master-no-helper", "-p udp %s --tuple-port-src 0 --tuple-port-dst 4444 --mask-port-src 0 "
     "--mask-port-dst 65535 -t 100 -s 10.30.0.1 -d 10.30.0.2 --sport 1 --dport 2" % TUPLE),
    ("icmp", "-p icmp %s -t 100 -s 127.0.0.1 -d 127.0.0.1" % TUPLE),
    ("unknown", "-p 99 %s -t 100 -s 127.0.0.1 -d 127.0.0.1" % TUPLE),
    ("gre", "-p gre %s --tuple-key-src 1 --tuple-key-dst 2 --mask-key-src 0 --mask-key-dst 65535 "
     "--srckey 5 --dstkey 6 --reply-key-src 7 --reply-key-dst 8 -t 100 -s 127.0.0.1 -d 127.0.0.1"
     % TUPLE),
    ("sctp", "-p sctp %s --tuple-port-src 1 --tuple-port-dst 2 --mask-port-src 0 --mask-port-dst "
     "65535 --sport 3 --dport 4 --orig-vtag 5 --reply-vtag 6 -t 100 -s 127.0.0.1 -d 127.0.0.1"
     % TUPLE),
    ("dccp", "-p dccp %s --tuple-port-src 1 --tuple-port-dst 2 --mask-port-src 0 --mask-port-dst "
     "65535 --sport 3 --dport 4 --role client -t 100 -s 127.0.0.1 -d 127.0.0.1" % TUPLE),
    ("v6-no-master", "-p udp --tuple-src ::1 --tuple-dst ::1 --mask-src ffff:: --mask-dst ::ffff "
     "--tuple-port-src 0 --tuple-port-dst 4444 --mask-port-src 0 --mask-port-dst 65535 -t 100 "
     "-s ::1 -d ::1 --sport 1 --dport 21"),
]


def create_cases():
    out = []
    for name, opts in CREATES:
        argv = ("-I", "expect") + args(opts)
        if "-s" not in argv:
            argv += args(MASTER)
        out.append(Case("exp.I.%s.expect-master" % name, [step(*argv), EXP_POST],
                        "expect-master", mutating=True))
        # the same again: EEXIST
        out.append(Case("exp.I.%s-twice.expect-master" % name, [step(*argv), step(*argv), EXP_POST],
                        "expect-master", mutating=True))
    for name, opts in CREATE_FAILS:
        out.append(Case("exp.I.%s.expect-master" % name,
                        [step("-I", "expect", *args(opts)), EXP_POST], "expect-master",
                        mutating=True))
    for name, opts in (("flush", "-F expect"), ("flush-long", "--flush expect"),
                       ("flush-prefix", "-F exp")):
        for fx in ("expect", "expect-master", "empty"):
            out.append(Case("exp.F.%s.%s" % (name, fx), [step(*args(opts)), EXP_POST, EXP6_POST],
                            fx, mutating=True))
    return out


# ---- bad input for the expectation commands ----------------------------------------
ERRORS = [
    ("U", "-U expect"), ("A", "-A expect -s 1.1.1.1"), ("L-s", "-L expect -s 1.1.1.1"),
    ("L-p", "-L expect -p tcp"), ("L-m", "-L expect -m 1"), ("L-z", "-L expect -z"),
    ("L-u", "-L expect -u ASSURED"),
    ("G-nothing", "-G expect"), ("G-no-proto", "-G expect -s 1.1.1.1 -d 2.2.2.2"),
    ("G-output", "-G expect -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 " + PORTS0 + " -o xml"),
    ("G-timeout", "-G expect -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 " + PORTS0 + " -t 5"),
    ("G-icmp-type", "-G expect -s 1.1.1.1 -d 2.2.2.2 -p icmp --icmp-type 8"),
    ("G-mask", "-G expect -s 1.1.1.0/24 -d 2.2.2.2 -p udp --sport 1 --dport 2 " + PORTS0),
    ("D-no-ports", "-D expect -s 1.1.1.1 -d 2.2.2.2 -p udp"),
    ("D-mark", "-D expect -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 " + PORTS0 + " -m 1"),
    ("I-no-tuple", "-I expect -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 5"),
    ("I-no-mask", "-I expect -p udp --tuple-src 1.1.1.1 --tuple-dst 1.1.1.1 -s 1.1.1.1 -d 2.2.2.2 "
     "--sport 1 --dport 2 -t 5 --tuple-port-src 1 --tuple-port-dst 2"),
    ("I-no-timeout", "-I expect -p udp %s -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 "
     "--tuple-port-src 1 --tuple-port-dst 2 --mask-port-src 0 --mask-port-dst 0" % TUPLE),
    ("I-no-mask-ports", "-I expect -p udp %s -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 5 "
     "--tuple-port-src 1 --tuple-port-dst 2" % TUPLE),
    ("I-tcp-state", "-I expect -p tcp %s -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 5 "
     "--tuple-port-src 1 --tuple-port-dst 2 --mask-port-src 0 --mask-port-dst 0 --state LISTEN" % TUPLE),
    ("I-zone", "-I expect -p udp %s -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 5 -w 1" % TUPLE),
    ("I-family", "-I expect -p udp --tuple-src ::1 --tuple-dst 1.1.1.1 -s 1.1.1.1 -d 2.2.2.2 -t 5"),
    ("I-icmp-type", "-I expect -p icmp %s -s 1.1.1.1 -d 2.2.2.2 -t 5 --icmp-type 8" % TUPLE),
    ("I-no-src", "-I expect -p udp %s -d 2.2.2.2 --sport 1 --dport 2 -t 5" % TUPLE),
    ("F-f", "-F expect -f ipv4"), ("F-s", "-F expect -s 1.1.1.1"),
    ("E-e", "-E expect -e NEW"), ("E-s", "-E expect -s 1.1.1.1"), ("E-p", "-E expect -p tcp"),
    ("E-mark", "-E expect -m 1"), ("E-b", "-E expect -b 100000"),
    ("C-f", "-C expect -f ipv6"), ("S-p", "-S expect -p tcp"), ("table-bad", "-L expectx"),
    ("D-table-bad", "-D expec -s 1.1.1.1"),
]


def error_cases():
    return [Case("exp.err.%s" % name, [step(*args(opts))], "base") for name, opts in ERRORS]


# ---- dying and unconfirmed --------------------------------------------------------
DYING = [("all", ""), ("xml", "-o xml"), ("ext", "-o extended"), ("id", "-o id"),
         ("save", "-o save"), ("f4", "-f ipv4"), ("f6", "-f ipv6"), ("src", "-s 10.20.0.3"),
         ("proto", "-p tcp"), ("mark", "-m 4"), ("cidr", "-s 10.20.0.0/24"), ("zero", "-z"),
         ("prefix", None), ("ktimestamp", "-o ktimestamp,extended"), ("icmp", "-p icmp")]


def dying_cases():
    out = []
    for fx in ("dying", "base", "empty"):
        for name, opts in DYING:
            table = ("dy",) if opts is None else ("dying",)
            out.append(Case("dying.L.%s.%s" % (name, fx), [step("-L", *table, *args(opts or ""))],
                            fx))
            out.append(Case("unconfirmed.L.%s.%s" % (name, fx),
                            [step("-L", "unconf" if opts is None else "unconfirmed",
                                  *args(opts or ""))], fx))
    for name, opts in (("D", "-D dying"), ("G", "-G unconfirmed -s 1.1.1.1"), ("F", "-F dying"),
                       ("E", "-E unconfirmed"), ("C", "-C dying"), ("I", "-I dying")):
        out.append(Case("dying.err.%s" % name, [step(*args(opts))], "base"))
    return out


def cases():
    return (list_cases() + get_cases() + delete_cases() + create_cases() + error_cases()
            + dying_cases())
