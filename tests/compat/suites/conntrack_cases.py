# SPDX-License-Identifier: GPL-2.0-or-later
"""Case tables for the conntrack suite: generated from tables, not one by one.

Each generator crosses a command with option sets, output formats and states
(fixtures from conntrack_state.py). Names read <cmd>.<what>.<fixture>, so
`-k L.fmt` or `-k '*.full'` pick families of cases. Out-of-scope tables
(expectations, events, -R, dying/unconfirmed) are in conntrack_pending.py.
"""
import shlex

from difftest import Case, step
from suites import conntrack_scenarios, conntrack_pending

# The table after a mutating command, as the oracle lists it.
POST = step("-L", "-o", "extended,labels", oracle_only=True, label="table after")
MUTATING = {"-D", "--delete", "-I", "--create", "-A", "--add", "-U", "--update", "-F",
            "--flush", "-z", "--zero", "-R", "--load-file"}

# ---- -L filters: (name, options) ------------------------------------------
LIST_FILTERS = [
    ("all", ""),
    ("table-word", "conntrack"),
    ("table-prefix", "conn"),
    ("stray-word", "foo"),
    # addresses, CIDR, masks
    ("src", "-s 10.1.1.1"), ("src-long", "--orig-src 10.1.1.1"), ("src-alias", "--src 10.1.1.1"),
    ("dst", "-d 10.2.2.2"), ("dst-long", "--orig-dst 10.2.2.2"),
    ("reply-src", "-r 10.2.2.2"), ("reply-src-long", "--reply-src 192.168.2.2"),
    ("reply-dst", "-q 192.168.1.1"), ("reply-dst-long", "--reply-dst 10.1.1.1"),
    ("src-dst", "-s 10.1.1.1 -d 10.2.2.2"), ("orig-reply", "-s 10.1.1.1 -r 10.2.2.2"),
    ("src-cidr8", "-s 10.0.0.0/8"), ("src-cidr16", "-s 10.1.0.0/16"), ("src-cidr24", "-s 10.1.1.0/24"),
    ("src-cidr32", "-s 10.1.1.2/32"), ("src-cidr0", "-s 0.0.0.0/0"), ("dst-cidr", "-d 10.2.2.0/24"),
    ("src-host-bits", "-s 10.1.1.77/24"),
    ("src-mask", "-s 10.1.1.1 --mask-src 255.255.0.0"), ("dst-mask", "-d 10.2.2.9 --mask-dst 255.255.255.0"),
    ("src-mask-odd", "-s 10.1.1.1 --mask-src 255.0.255.0"),
    ("src-aton-short", "-s 10.1"), ("src-nomatch", "-s 9.9.9.9"),
    ("src6", "-s 2001:db8::1"), ("dst6", "-d 2001:db8:1::3"), ("src6-cidr32", "-s 2001:db8::/32"),
    ("dst6-cidr64", "-d 2001:db8:1::/64"), ("src6-cidr128", "-s 2001:db8::1/128"),
    ("src6-mask", "-s 2001:db8::7 --mask-src ffff:ffff:ffff:ffff::"), ("reply-src6", "-r 2001:db8::2"),
    ("src6-linklocal", "-s fe80::1"), ("src-loopback", "-s 127.0.0.1"), ("dst6-loopback", "-d ::1"),
    # protocols
    ("p-tcp", "-p tcp"), ("p-udp", "-p udp"), ("p-udplite", "-p udplite"), ("p-sctp", "-p sctp"),
    ("p-dccp", "-p dccp"), ("p-icmp", "-p icmp"), ("p-icmpv6", "-p icmpv6"), ("p-gre", "-p gre"),
    ("p-99", "-p 99"), ("p-igmp", "-p igmp"), ("p-2", "-p 2"), ("p-6", "-p 6"), ("p-17", "-p 17"),
    ("p-47", "-p 47"), ("p-136", "-p 136"), ("p-ipv6-icmp", "-p ipv6-icmp"), ("p-TCP", "-p TCP"),
    ("p-0", "-p 0"), ("p-255", "-p 255"), ("p-hex", "-p 0x11"), ("p-long", "--protonum udp"),
    # per-protocol options
    ("tcp-sport", "-p tcp --sport 1000"), ("tcp-dport", "-p tcp --dport 80"),
    ("tcp-orig-port-src", "-p tcp --orig-port-src 1001"), ("tcp-orig-port-dst", "-p tcp --orig-port-dst 443"),
    ("tcp-reply-port-src", "-p tcp --reply-port-src 80"), ("tcp-reply-port-dst", "-p tcp --reply-port-dst 3000"),
    ("tcp-ports", "-p tcp --sport 1000 --dport 80"),
    ("tcp-state-est", "-p tcp --state ESTABLISHED"), ("tcp-state-synsent", "-p tcp --state SYN_SENT"),
    ("tcp-state-listen", "-p tcp --state LISTEN"), ("tcp-state-synsent2", "-p tcp --state SYN_SENT2"),
    ("tcp-state-timewait", "-p tcp --state TIME_WAIT"), ("tcp-state-close", "-p tcp --state CLOSE"),
    ("tcp-state-none", "-p tcp --state NONE"), ("tcp-state-lower", "-p tcp --state established"),
    ("udp-sport", "-p udp --sport 53"), ("udp-dport", "-p udp --dport 53"),
    ("udplite-ports", "-p udplite --sport 7 --dport 8"),
    ("sctp-state", "-p sctp --state ESTABLISHED"), ("sctp-state-cookie", "-p sctp --state COOKIE_WAIT"),
    ("sctp-vtag", "-p sctp --orig-vtag 10"), ("sctp-reply-vtag", "-p sctp --reply-vtag 11"),
    ("sctp-ports", "-p sctp --sport 5000 --dport 5001"),
    ("dccp-state", "-p dccp --state OPEN"), ("dccp-role", "-p dccp --role client"),
    ("dccp-ports", "-p dccp --sport 6000"),
    ("icmp-type", "-p icmp --icmp-type 8"), ("icmp-code", "-p icmp --icmp-code 0"),
    ("icmp-id", "-p icmp --icmp-id 77"), ("icmp-type-id", "-p icmp --icmp-type 13 --icmp-id 78"),
    ("icmpv6-type", "-p icmpv6 --icmpv6-type 128"), ("icmpv6-id", "-p icmpv6 --icmpv6-id 5"),
    ("gre-keys", "-p gre --srckey 1 --dstkey 2"), ("gre-srckey-hex", "-p gre --srckey 0x100"),
    ("gre-reply-key", "-p gre --reply-key-src 2"), ("gre-orig-key", "-p gre --orig-key-src 5"),
    # family
    ("f-ipv4", "-f ipv4"), ("f-ipv6", "-f ipv6"), ("f-prefix", "-f ipv"), ("f-long", "--family ipv6"),
    ("f-ipv6-udp", "-f ipv6 -p udp"), ("f-ipv4-src", "-f ipv4 -s 10.1.1.1"),
    # marks
    ("mark", "-m 5"), ("mark0", "-m 0"), ("mark0-fullmask", "--mark 0/0xffffffff"), ("mark16", "-m 16"),
    ("mark-hex", "-m 0x10"), ("mark-mask", "-m 0x10/0xf0"), ("mark-mask-ff00", "-m 0xff00/0xff00"),
    ("mark-max", "-m 4294967295"), ("mark-zero-mask", "-m 0/0"), ("mark-mask1", "-m 1/1"),
    # status
    ("st-assured", "-u ASSURED"), ("st-seen", "-u SEEN_REPLY"), ("st-unreplied", "-u UNREPLIED"),
    ("st-not-assured", "-u !ASSURED"), ("st-not-seen", "-u !SEEN_REPLY"),
    ("st-two", "-u ASSURED,SEEN_REPLY"), ("st-fixed", "-u FIXED_TIMEOUT"), ("st-expected", "-u EXPECTED"),
    ("st-offload", "-u OFFLOAD"), ("st-hwoffload", "-u HW_OFFLOAD"), ("st-lower", "-u assured"),
    ("st-prefix", "-u ASS"), ("st-seen-prefix", "-u SEEN"), ("st-S", "-u S,ASSURED"),
    ("st-D", "-u D,SEEN_REPLY"), ("st-unreplied-assured", "-u UNREPLIED,ASSURED"),
    ("st-unset-assured", "-u UNSET,ASSURED"), ("st-long", "--status SEEN_REPLY"),
    # zones
    ("zone3", "-w 3"), ("zone0", "-w 0"), ("zone-long", "--zone 4"), ("orig-zone", "--orig-zone 2"),
    ("reply-zone", "--reply-zone 5"), ("zone-proto", "-w 3 -p udp"), ("zone6", "-w 6"),
    # NAT (IPv4; IPv6 addresses are a known difference)
    ("snat", "-n"), ("dnat", "-g"), ("anynat", "-j"), ("snat-dnat", "-n -g"),
    ("snat-ip", "-n 192.168.1.1"), ("snat-ip-port", "-n 192.168.1.1:3000"),
    ("snat-long", "--src-nat 192.168.1.2"), ("dnat-ip", "-g 192.168.2.2"),
    ("dnat-ip-port", "-g 192.168.2.2:5353"), ("dnat-long", "--dst-nat 192.168.2.3:8080"),
    ("anynat-ip", "-j 192.168.1.1"), ("anynat-long", "--any-nat 192.168.2.2"),
    ("snat-nomatch", "-n 192.168.9.9"), ("snat-p", "-n -p tcp"), ("dnat-f6", "-g -f ipv6"),
    ("snat-f4", "-n -f ipv4"), ("snat-port-only-nomatch", "-n 192.168.1.1:9"),
    # labels
    ("label", "-l foo"), ("label-two", "-l foo,bar"), ("label-repeat", "-l bar -l foo"),
    ("label-zero", "-l zero"), ("label-last", "-l last"), ("label-long", "--label bar"),
    ("label-baz", "-l baz"),
    # secmark, misc
    ("secmark0", "-c 0"), ("secmark5", "-c 5"), ("secmark-long", "--secmark 0"),
    ("buffer", "-b 1000000"),
    # combinations
    ("src-p-dport", "-s 10.1.1.1 -p tcp --dport 80"), ("mark-status", "-m 5 -u ASSURED"),
    ("p-state-notassured", "-p tcp -u !ASSURED --state SYN_SENT"), ("f6-mark", "-f ipv6 -m 16"),
    ("cidr-proto", "-s 10.1.0.0/16 -p udp"), ("nat-mark", "-j -m 0"),
    ("zone-src", "-w 3 -s 10.8.8.1"), ("label-src", "-l foo -s 10.12.0.1"),
    ("reply-port-cidr", "-d 10.2.2.0/24 -p tcp --reply-port-src 80"),
    ("dst-src6", "-s 2001:db8::1 -d 2001:db8::2 -p udp"),
    ("order-permuted", "-p tcp -L --dport 80"),
]

# Output formats: (name, -o argument or None)
FORMATS = [
    ("default", None), ("extended", "extended"), ("xml", "xml"), ("save", "save"), ("id", "id"),
    ("ktimestamp", "ktimestamp"), ("labels", "labels"), ("timestamp", "timestamp"),
    ("userspace", "userspace"), ("ext-id", "extended,id"), ("xml-id", "xml,id"),
    ("xml-all", "xml,ktimestamp,id,labels"), ("ext-all", "extended,ktimestamp,labels,id"),
    ("ext-prefix", "ext"), ("xml-upper", "XML"), ("x-prefix", "x,e"), ("ext-ts", "extended,timestamp"),
    ("labels-id", "labels,id"), ("save-upper", "SAVE"),
]
FORMAT_FILTERS = ["all", "p-tcp", "f-ipv6", "p-icmp", "anynat", "label", "zone3", "p-gre",
                  "p-99", "p-sctp", "st-unreplied"]


def args(text):
    return tuple(shlex.split(text))


def with_format(opts, fmt):
    return opts + (("-o", fmt) if fmt else ())


def is_mutating(argv):
    return any(a in MUTATING for a in argv)


def list_cases():
    out = []
    filters = dict(LIST_FILTERS)
    for fx in ("base", "full"):
        for name, opts in LIST_FILTERS:
            out.append(Case("L.%s.%s" % (name, fx), [step("-L", *args(opts))], fx))
        for fname, fmt in FORMATS:
            for flt in FORMAT_FILTERS:
                out.append(Case("L.fmt.%s.%s.%s" % (fname, flt, fx),
                                [step("-L", *with_format(args(filters[flt]), fmt))], fx))
        out.append(Case("L.long-dump.%s" % fx, [step("--dump", "-o", "extended")], fx))
    out.append(Case("L.all.empty", [step("-L")], "empty"))
    for fmt in ("xml", "save", "extended"):
        out.append(Case("L.fmt.%s.empty" % fmt, [step("-L", "-o", fmt)], "empty"))
    return out


# ---- -G: the entries of `base` by their tuples ------------------------------
GET_TUPLES = [
    ("tcp-est", "-s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 1000 --dport 80"),
    ("tcp-reply", "-r 10.2.2.2 -q 10.1.1.1 -p tcp --reply-port-src 80 --reply-port-dst 1000"),
    ("tcp-synsent", "-s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 1001 --dport 80"),
    ("tcp-snat-reply", "-r 10.2.2.2 -q 192.168.1.1 -p tcp --reply-port-src 80 --reply-port-dst 3000"),
    ("tcp-nat-orig", "-s 10.1.1.2 -d 10.2.2.2 -p tcp --sport 2004 --dport 80"),
    ("udp", "-s 10.1.1.1 -d 10.3.3.3 -p udp --sport 53 --dport 5353"),
    ("udp-mark", "-s 10.9.9.1 -d 10.9.9.2 -p udp --sport 1 --dport 2"),
    ("udplite", "-s 10.1.1.6 -d 10.3.3.4 -p udplite --sport 7 --dport 8"),
    ("sctp", "-s 10.1.1.7 -d 10.4.4.4 -p sctp --sport 5000 --dport 5001"),
    ("dccp", "-s 10.1.1.8 -d 10.4.4.6 -p dccp --sport 0 --dport 0"),
    ("icmp", "-s 10.1.1.9 -d 10.5.5.5 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 77"),
    ("icmp-noid", "-s 10.1.1.9 -d 10.5.5.6 -p icmp --icmp-type 13 --icmp-code 0"),
    ("gre", "-s 10.1.1.10 -d 10.6.6.6 -p gre --srckey 1 --dstkey 2"),
    ("unknown", "-s 10.1.1.11 -d 10.7.7.7 -p 99"),
    ("igmp", "-s 10.1.1.11 -d 224.0.0.22 -p igmp"),
    ("label", "-s 10.12.0.1 -d 10.12.0.2 -p udp --sport 3 --dport 4"),
    ("zone-entry", "-s 10.8.8.1 -d 10.8.8.2 -p udp --sport 100 --dport 200"),
    ("tcp6", "-s 2001:db8::1 -d 2001:db8::2 -p tcp --sport 1000 --dport 80"),
    ("udp6", "-s 2001:db8::1 -d 2001:db8::2 -p udp --sport 53 --dport 5353"),
    ("icmpv6", "-s 2001:db8::1 -d 2001:db8::2 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 5"),
    ("gre6", "-s 2001:db8::1 -d 2001:db8::2 -p gre --srckey 5 --dstkey 6"),
    ("unknown6", "-s 2001:db8::1 -d 2001:db8::2 -p 99"),
    ("missing", "-s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 1 --dport 2"),
    ("missing6", "-s 2001:db8::1 -d 2001:db8::2 -p udp --sport 1 --dport 2"),
    ("with-f", "-f ipv4 -s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 1000 --dport 80"),
    ("with-mark-ignored", "-s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 1000 --dport 80"),
    ("with-id", "-s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 1000 --dport 80 -i 1"),
    ("with-label", "-s 10.12.0.1 -d 10.12.0.2 -p udp --sport 3 --dport 4 -l foo"),
    ("long-opts", "--orig-src 10.1.1.1 --orig-dst 10.2.2.2 -p tcp --orig-port-src 1000 --orig-port-dst 80"),
]
GET_FORMATS = [("default", None), ("extended", "extended"), ("xml", "xml"), ("id", "id"),
               ("save", "save"), ("labels", "labels"), ("ktimestamp", "extended,ktimestamp")]
GET_FULL = [
    ("udp-traffic", "-s 127.0.0.1 -d 127.0.0.1 -p udp --sport 40001 --dport 5001"),
    ("tcp-helper", "-s 127.0.0.1 -d 127.0.0.1 -p tcp --sport 40012 --dport 21"),
    ("dnat-traffic", "-s 127.0.0.1 -d 127.0.0.3 -p udp --sport 40003 --dport 5003"),
    ("icmp-traffic", "-s 127.0.0.1 -d 127.0.0.1 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 119"),
    ("tcp6-traffic", "-s ::1 -d ::1 -p tcp --sport 40013 --dport 6002"),
    ("label-traffic", "-s ::1 -d ::1 -p udp --sport 40006 --dport 5007"),
]


def get_cases():
    out = []
    for name, tup in GET_TUPLES:
        out.append(Case("G.%s.base" % name, [step("-G", *args(tup))], "base"))
    for name, tup in GET_TUPLES[:22:3]:
        for fname, fmt in GET_FORMATS[1:]:
            out.append(Case("G.fmt.%s.%s.base" % (fname, name),
                            [step("-G", *with_format(args(tup), fmt))], "base"))
    for name, tup in GET_FULL:
        for fname, fmt in GET_FORMATS:
            out.append(Case("G.fmt.%s.%s.full" % (fname, name),
                            [step("-G", *with_format(args(tup), fmt))], "full"))
    out.append(Case("G.long.base", [step("--get", *args(GET_TUPLES[0][1]))], "base"))
    out.append(Case("G.table-word.base", [step("-G", "conntrack", *args(GET_TUPLES[0][1]))], "base"))
    return out


# ---- -D: filters on a fresh copy of the state --------------------------------
DELETE_FILTERS = [
    ("all", ""), ("src", "-s 10.1.1.1"), ("dst", "-d 10.2.2.2"), ("reply-src", "-r 192.168.2.2"),
    ("reply-dst", "-q 192.168.1.1"), ("tuple", "-s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 1000 --dport 80"),
    ("reply-tuple", "-r 10.2.2.2 -q 10.1.1.1 -p tcp --reply-port-src 80 --reply-port-dst 1000"),
    ("cidr", "-s 10.1.0.0/16"), ("cidr6", "-s 2001:db8::/32"), ("mask-src", "-s 10.1.1.9 --mask-src 255.255.255.0"),
    ("mask-dst", "-d 10.2.2.200 --mask-dst 255.255.255.0"), ("p-tcp", "-p tcp"), ("p-udp", "-p udp"),
    ("p-icmp", "-p icmp"), ("p-icmpv6", "-p icmpv6"), ("p-gre", "-p gre"), ("p-99", "-p 99"),
    ("p-sctp", "-p sctp"), ("p-dccp", "-p dccp"), ("p-udplite", "-p udplite"), ("p-igmp", "-p igmp"),
    ("tcp-state", "-p tcp --state SYN_SENT"), ("tcp-dport", "-p tcp --dport 80"),
    ("f4", "-f ipv4"), ("f6", "-f ipv6"), ("mark", "-m 5"), ("mark-mask", "-m 0x10/0xf0"),
    ("mark0", "-m 0"), ("status", "-u ASSURED"), ("status-not", "-u !SEEN_REPLY"),
    ("unreplied", "-u UNREPLIED"), ("zone", "-w 3"), ("zone0", "-w 0"), ("orig-zone", "--orig-zone 2"),
    ("reply-zone", "--reply-zone 5"), ("snat", "-n"), ("dnat", "-g"), ("anynat", "-j"),
    ("snat-ip", "-n 192.168.1.1"), ("dnat-port", "-g 192.168.2.2:5353"), ("label", "-l foo"),
    ("label-two", "-l foo,bar"), ("nomatch", "-s 9.9.9.9"), ("nomatch-proto", "-p tcp --sport 9"),
    ("id-wrong", "-i 1"), ("long", "--delete -p gre"), ("table-word", "conntrack -p udplite"),
    ("status-unset", "-u UNSET -p 99"),
]
DELETE_FORMATS = [("xml", "xml"), ("id", "id"), ("save", "save"), ("extended", "extended"),
                  ("labels", "labels"), ("ktimestamp", "ktimestamp")]


def delete_cases():
    out = []
    for name, opts in DELETE_FILTERS:
        argv = args(opts) if opts.startswith("--delete") else ("-D",) + args(opts)
        out.append(Case("D.%s.base" % name, [step(*argv), POST], "base", mutating=True))
    for name, opts in DELETE_FILTERS[:12:2]:
        out.append(Case("D.%s.full" % name, [step("-D", *args(opts)), POST], "full", mutating=True))
    for fname, fmt in DELETE_FORMATS:
        for flt in ("-p tcp", "-f ipv6 -p udp"):
            out.append(Case("D.fmt.%s.%s.full" % (fname, flt.split()[-1] + flt.split()[1][:4]),
                            [step("-D", *args(flt), "-o", fmt), POST], "full", mutating=True))
    out.append(Case("D.traffic-port.full", [step("-D", "-p", "udp", "--dport", "5001"), POST], "full",
                    mutating=True))
    out.append(Case("D.all.empty", [step("-D")], "empty", mutating=True))
    return out


# ---- -U: changes x filters ----------------------------------------------------
UPDATE_CHANGES = [
    ("mark", "-m 7"), ("mark-mask", "-m 0x100/0xf00"), ("mark-xor", "-m 42/0xffff"),
    ("mark-clear", "-m 0/0xffff0000"), ("mark-same", "-m 5"), ("status-assured", "-u ASSURED"),
    ("status-seen", "-u SEEN_REPLY"), ("status-fixed", "-u FIXED_TIMEOUT"), ("timeout", "-t 100"),
    ("timeout-mark", "-t 200 -m 9"), ("label-add", "--label-add baz"),
    ("label-add-two", "--label-add zero,bar"), ("label-del", "--label-del foo"), ("label-del-all", "--label-del"),
    ("label-filter-add", "-l foo --label-add baz"),
]
UPDATE_FILTERS = [
    ("src", "-s 10.1.1.1"), ("p-udp4", "-f ipv4 -p udp"), ("f6", "-f ipv6"), ("tcp4", "-f ipv4 -p tcp"),
    ("tuple", "-s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 1000 --dport 80"), ("labels", "-f ipv4 -l foo"),
]


def update_cases():
    out = []
    for cname, change in UPDATE_CHANGES:
        for fname, flt in UPDATE_FILTERS:
            out.append(Case("U.%s.%s.unzoned" % (cname, fname),
                            [step("-U", *args(flt), *args(change)), POST], "unzoned", mutating=True))
    more = [
        ("status-filter", "-f ipv4 -u ASSURED -m 3"), ("cidr", "-s 10.1.0.0/16 -m 8"),
        ("reply", "-r 192.168.2.2 -m 9"), ("nat", "-f ipv4 -n -m 10"), ("dnat-ip", "-g 192.168.2.2 -m 11"),
("nomatch", "-s 9.9.9.9 -m 1"),
        ("tcp-state", "-f ipv4 -p tcp --state SYN_SENT -m 13"), ("id", "-f ipv4 -i 1 -m 1"),
        ("xml", "-s 10.1.1.1 -p udp -m 4 -o xml"), ("save", "-s 10.1.1.1 -p udp -m 4 -o save"),
        ("ext-id", "-s 10.1.1.1 -p tcp -m 4 -o extended,id"), ("long", "--update -f ipv6 -p tcp -m 14"),
        ("mask-src", "-s 10.1.1.200 --mask-src 255.255.255.0 -m 15"),
        ("traffic", "-s 127.0.0.1 -m 16"), ("traffic-label", "-s 127.0.0.1 -p udp --label-add baz"),
    ]
    for name, opts in more:
        argv = args(opts) if opts.startswith("--update") else ("-U",) + args(opts)
        fx = "full" if name.startswith("traffic") else "unzoned"
        out.append(Case("U.%s.%s" % (name, fx), [step(*argv), POST], fx, mutating=True))
    return out


# ---- -I / -A: one create per protocol and option --------------------------
CREATES = [
    ("tcp", "-s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 100"),
    ("tcp-listen", "-s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state LISTEN -u SEEN_REPLY -t 50"),
    ("tcp-timewait", "-s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state TIME_WAIT -t 50"),
    ("tcp-reply", "-r 2.2.2.2 -q 1.1.1.1 -p tcp --reply-port-src 20 --reply-port-dst 10 --state SYN_SENT -t 50"),
    ("tcp-both", "-s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p tcp --sport 10 --dport 20 "
     "--reply-port-src 20 --reply-port-dst 10 --state ESTABLISHED -t 50"),
    ("tcp-status", "-s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state ESTABLISHED -u ASSURED,SEEN_REPLY -t 50"),
    ("udp", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50"),
    ("udp-mark", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50 -m 0x42"),
    ("udp-mark-mask", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50 -m 0x42/0xf"),
    ("udp-zone", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50 -w 9"),
    ("udp-orig-zone", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50 --orig-zone 9"),
    ("udp-reply-zone", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50 --reply-zone 9"),
    ("udp-snat", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50 --src-nat 3.3.3.3"),
    ("udp-snat-port", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50 --src-nat 3.3.3.3:99"),
    ("udp-dnat", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50 --dst-nat 4.4.4.4"),
    ("udp-dnat-port", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50 --dst-nat 4.4.4.4:80"),
    ("udp-both-nat", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50 -n 3.3.3.3 -g 4.4.4.4:80"),
    ("udp-labels", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50 --label-add foo,last"),
    ("udp-fixed", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50 -u FIXED_TIMEOUT"),
    ("udplite", "-s 1.1.1.1 -d 2.2.2.2 -p udplite --sport 10 --dport 20 -t 50"),
    ("sctp", "-s 1.1.1.1 -d 2.2.2.2 -p sctp --sport 10 --dport 20 --state ESTABLISHED "
     "--orig-vtag 1 --reply-vtag 2 -t 50"),
    ("sctp-cookie", "-s 1.1.1.1 -d 2.2.2.2 -p sctp --sport 10 --dport 20 --state COOKIE_ECHOED "
     "--orig-vtag 0x10 --reply-vtag 0 -t 50"),
    ("dccp", "-s 1.1.1.1 -d 2.2.2.2 -p dccp --sport 10 --dport 20 --state OPEN --role server -t 50"),
    ("icmp", "-s 1.1.1.1 -d 2.2.2.2 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 1 -t 50"),
    ("icmp-noid", "-s 1.1.1.1 -d 2.2.2.2 -p icmp --icmp-type 8 --icmp-code 0 -t 50"),
    ("icmp-full", "-s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p icmp --icmp-type 0 --icmp-code 0 "
     "--icmp-id 1234 -t 50"),
    ("icmpv6", "-s 1::1 -d 2::2 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 1 -t 50"),
    ("gre", "-s 1.1.1.1 -d 2.2.2.2 -p gre --srckey 0x10 --dstkey 20 -t 50"),
    ("gre-47", "-s 1.1.1.1 -d 2.2.2.2 -p 47 --srckey 1 --dstkey 2 -t 50"),
    ("unknown", "-s 1.1.1.1 -d 2.2.2.2 -p 200 -t 50"),
    ("igmp", "-s 0.0.0.0 -d 224.0.0.22 -r 224.0.0.22 -q 0.0.0.0 -p igmp -t 50"),
    ("igmp-num", "-s 0.0.0.0 -d 224.0.0.22 -r 224.0.0.22 -q 0.0.0.0 -p 2 -t 50"),
    ("tcp6", "-s 2001:db8::10 -d 2001:db8::20 -p tcp --sport 10 --dport 20 --state SYN_RECV -t 50"),
    ("udp6-nat", "-s 2001:db8::10 -d 2001:db8::20 -p udp --sport 10 --dport 20 -t 50 "
     "--src-nat 2001:db8::30 --dst-nat [2001:db8::40]:53"),
    ("udp6-zone", "-s 2001:db8::10 -d 2001:db8::20 -p udp --sport 10 --dport 20 -t 50 -w 1"),
    ("ipv4-f", "-f ipv4 -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 50"),
    ("timeout-zero", "-s 1.1.1.1 -d 2.2.2.2 -p udp --sport 10 --dport 20 -t 0"),
    ("mark-labels", "-s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state ESTABLISHED -t 50 "
     "-m 3 --label-add bar"),
    ("dup-base", "-s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 1000 --dport 80 --state ESTABLISHED -t 50"),
    ("dup-base6", "-s 2001:db8::1 -d 2001:db8::2 -p udp --sport 53 --dport 5353 -t 50"),
    ("dup-zone-other", "-s 10.8.8.1 -d 10.8.8.2 -p udp --sport 100 --dport 200 -t 50 -w 5"),
    ("long", "--orig-src 1.1.1.1 --orig-dst 2.2.2.2 --protonum tcp --orig-port-src 10 "
     "--orig-port-dst 20 --state ESTABLISHED --timeout 60"),
]


def create_cases():
    out = []
    for cmd, long_cmd in (("-I", "--create"), ("-A", "--add")):
        for name, opts in CREATES:
            fx = "base" if name.startswith("dup") else "empty"
            c = cmd if name != "long" else long_cmd
            out.append(Case("%s.%s.%s" % (cmd[1], name, fx), [step(c, *args(opts)), POST], fx,
                            mutating=True))
        for name, opts in CREATES[::6]:
            out.append(Case("%s.%s.base" % (cmd[1], name), [step(cmd, *args(opts)), POST], "base",
                            mutating=True))
        # twice in a row: -I fails with EEXIST, -A updates
        first = args(CREATES[0][1])
        out.append(Case("%s.twice.empty" % cmd[1], [step(cmd, *first), step(cmd, *first), POST],
                        "empty", mutating=True))
    return out


def flush_count_cases():
    out = []
    for fx in ("base", "full", "empty"):
        for name, opts in (("all", "-F"), ("f4", "-F -f ipv4"), ("f6", "-F -f ipv6"),
                           ("long", "--flush"), ("table", "-F conntrack"), ("f6-long", "-F --family ipv6")):
            out.append(Case("F.%s.%s" % (name, fx), [step(*args(opts)), POST], fx, mutating=True))
        for name, opts in (("count", "-C"), ("count-long", "--count"), ("count-table", "-C conntrack"),
                           ("stats", "-S"), ("stats-long", "--stats"), ("stats-table", "-S conntrack"),
                           ("version", "-V"), ("version-long", "--version")):
            out.append(Case("%s.%s.%s" % (opts.split()[0].lstrip("-")[0].upper(), name, fx),
                            [step(*args(opts))], fx))
    # -z zeroes the counters it shows: run it twice, the second shows zeros.
    # The kernel zeroes an entry even when it did not fit in the dump message
    # and is sent again in the next one (with zeros), so these use a state
    # that fits in one message.
    for name, opts in (("all", ""), ("ext", "-o extended"), ("xml", "-o xml"), ("f6", "-f ipv6"),
                       ("save", "-o save")):
        out.append(Case("L.zero.%s.traffic" % name, [step("-L", "-z", *args(opts)),
                                                     step("-L", *args(opts)), POST], "traffic",
                        mutating=True))
    out.append(Case("L.zero.long.traffic", [step("-L", "--zero"), POST], "traffic", mutating=True))
    return out


def label_map_cases():
    out = []
    for fx in ("nolabels", "badlabels"):
        for name, opts in (("list", "-L"), ("labels", "-L -o labels"), ("ext-labels", "-L -o extended,labels"),
                           ("xml-labels", "-L -o xml,labels"), ("filter", "-L -l foo"),
                           ("filter-bar", "-L -l bar"), ("filter-num", "-L -l 1"),
                           ("get", "-G -s ::1 -d ::1 -p udp --sport 40006 --dport 5007 -o labels")):
            out.append(Case("labelmap.%s.%s" % (name, fx), [step(*args(opts))], fx))
        for name, opts in (("add", "-U -f ipv4 -p udp --label-add foo"),
                           ("del", "-U -f ipv6 --label-del bar"), ("del-all", "-U -f ipv6 --label-del"),
                           ("create", "-I -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 9 --label-add foo"),
                           ("delete", "-D -l foo")):
            out.append(Case("labelmap.%s.%s" % (name, fx), [step(*args(opts)), POST], fx, mutating=True))
    return out


# ---- bad input: parsed before anything touches the kernel -----------------------
ERRORS = [
    # options and arguments
    ("unknown-short", "-L -X"), ("unknown-long", "-L --foo"), ("no-command", "-s 1.1.1.1"),
    ("nothing", ""), ("missing-arg-s", "-L -s"), ("missing-arg-p", "-L -p"), ("missing-arg-o", "-L -o"),
    ("missing-arg-m", "-L -m"), ("missing-arg-w", "-L -w"), ("missing-arg-u", "-L -u"),
    ("missing-arg-f", "-L -f"), ("missing-arg-t", "-I -t"), ("missing-arg-l", "-L -l"),
    ("missing-sport", "-L -p tcp --sport"), ("missing-state", "-L -p tcp --state"),
    ("two-commands", "-L -D"), ("two-commands-same", "-L -L"), ("two-commands-IU", "-I -U"),
    ("two-commands-CS", "-C -S"), ("unknown-table", "-L foo2 -s 1.1.1.1"),
    ("table-word-unknown", "-L nothing"), ("table-exp-prefix-f", "-F expectations"),
    ("dying-delete", "-D dying"), ("unconfirmed-get", "-G unconfirmed -p tcp"),
    ("update-expect", "-U expect -p tcp"), ("R-not-first", "-L -R /dev/null"),
    # addresses
    ("bad-addr", "-L -s 1.1.1.1.1"), ("bad-addr-word", "-L -s foo"), ("bad-addr6", "-L -s 2001:db8::g"),
    ("bracket-addr", "-L -s [2001:db8::1]"), ("netmask-33", "-L -s 1.1.1.1/33"),
    ("netmask-junk", "-L -s 1.1.1.1/foo"), ("netmask6-129", "-L -s 2001:db8::/129"),
    ("netmask-empty", "-L -s 1.1.1.1/"), ("cidr-reply", "-L -r 1.1.1.0/24"),
    ("cidr-reply-dst", "-L -q 1.1.1.0/24"), ("mask-no-src", "-L --mask-src 255.0.0.0"),
    ("mask-no-dst", "-L --mask-dst 255.0.0.0"), ("mixed-family", "-L -s 1.1.1.1 -d 2001:db8::1"),
    ("family-mismatch", "-L -f ipv6 -s 1.1.1.1"), ("bad-family", "-L -f ipx"),
    ("mask-bad", "-L -s 1.1.1.1 --mask-src foo"), ("mask-family", "-L -s 1.1.1.1 --mask-src ffff::"),
    # protocols and per-protocol options
    ("proto-256", "-L -p 256"), ("proto-foo", "-L -p foo"), ("proto-neg", "-L -p -10"),
    ("proto-2000", "-L -p 2000"), ("proto-20foo", "-L -p 20foo"), ("proto-foo20", "-L -p foo20"),
    ("sport-without-p", "-L --sport 10"), ("state-without-p", "-L --state ESTABLISHED"),
    ("tcp-bad-state", "-L -p tcp --state FOO"), ("sctp-bad-state", "-L -p sctp --state FOO"),
    ("dccp-bad-state", "-L -p dccp --state FOO"), ("dccp-bad-role", "-L -p dccp --role foo"),
    ("icmp-option-on-tcp", "-L -p tcp --icmp-type 8"), ("udp-state", "-L -p udp --state ESTABLISHED"),
    ("unknown-proto-opt", "-L -p 99 --sport 1"), ("gre-bad-key", "-L -p gre --srckey foo"),
    ("port-junk", "-L -p tcp --sport foo"), ("port-big", "-L -p tcp --dport 70000"),
    ("port-neg", "-L -p tcp --sport -1"),
    # lists
    ("status-bad", "-L -u FOO"), ("status-empty-item", "-L -u ASSURED,"), ("status-empty", "-L -u ''"),
    ("status-only-S", "-L -u S"), ("output-bad", "-L -o foo"), ("output-empty-item", "-L -o xml,"),
    ("save-combined", "-L -o save,xml"), ("save-combined-ext", "-L -o extended,save"),
    ("event-mask-on-L", "-L -e NEW"),
    # numbers (1.4.7 accepts what HEAD range-checks)
    ("zone-big", "-L -w 70000"), ("zone-junk", "-L -w foo"), ("zone-neg", "-L -w -1"),
    ("mark-junk", "-L -m foo"), ("mark-bad-mask", "-L -m 1/foo"), ("mark-big", "-L -m 4294967296"),
    ("secmark-neg", "-L -c -1"), ("secmark-junk", "-L -c foo"),
    ("timeout-junk-get", "-G -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t foo"),
    # legality matrix and pairs
    ("L-timeout", "-L -t 10"), ("L-id", "-L -i 1"), ("L-label-add", "-L --label-add foo"),
    ("L-label-del", "-L --label-del foo"), ("L-tuple-src", "-L --tuple-src 1.1.1.1"),
    ("L-zero-filter", "-L -z -s 1.1.1.1"), ("L-zero-mark", "-L -z -m 1"), ("L-zero-proto", "-L -z -p tcp"),
    ("L-zero-zone", "-L -z -w 1"), ("L-zero-status", "-L -z -u ASSURED"),
    ("nat-any-with-src", "-L -j -n"), ("nat-any-with-dst", "-L -g -j"),
    ("nat-no-port", "-L -n 1.1.1.1:"), ("nat-port-junk", "-L -n 1.1.1.1:foo"),
    ("nat-port-big", "-L -g 1.1.1.1:65536"), ("nat-two-ports", "-L -n 1.1.1.1:80:80"),
    ("nat-colon", "-L -n :"), ("nat-colon2", "-L -n ::"), ("nat-v6-unclosed", "-L -g [2001:db8::1"),
    ("nat-v6-empty", "-L -g []:80"), ("nat-cidr", "-L -n 1.1.1.0/24"), ("nat-bad-ip", "-L -n foo"),
    ("G-no-tuple", "-G -p tcp"), ("G-half-pair", "-G -s 1.1.1.1 -p tcp --sport 1 --dport 2"),
    ("G-no-proto", "-G -s 1.1.1.1 -d 2.2.2.2"), ("G-no-ports", "-G -s 1.1.1.1 -d 2.2.2.2 -p tcp"),
    ("G-half-ports", "-G -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 1"), ("G-zone", "-G -w 1 -s 1.1.1.1 -d 2.2.2.2 -p 99"),
    ("G-mark", "-G -m 1 -s 1.1.1.1 -d 2.2.2.2 -p 99"), ("G-status", "-G -u ASSURED -s 1.1.1.1 -d 2.2.2.2 -p 99"),
    ("G-family", "-G -f ipv4 -s 1.1.1.1 -d 2.2.2.2 -p 99"), ("G-icmp-no-code", "-G -s 1.1.1.1 -d 2.2.2.2 -p icmp --icmp-type 8"),
    ("G-gre-no-keys", "-G -s 1.1.1.1 -d 2.2.2.2 -p gre"), ("G-timeout", "-G -t 1 -s 1.1.1.1 -d 2.2.2.2 -p 99"),
    ("C-src", "-C -s 1.1.1.1"), ("S-proto", "-S -p tcp"), ("V-extra", "-V -s 1.1.1.1"),
    ("C-family", "-C -f ipv4"), ("S-output", "-S -o xml"),
    ("wrong-event-opt", "-L -b 10 -e NEW"),
    ("help-and-L", "-L -h"),
]
# Error cases for mutating commands: run on a fresh empty state (so a wrong
# acceptance by ours cannot damage a shared one) with the table check.
MUTATING_ERRORS = [
    ("I-no-dst", "-I -s 1.1.1.1 -p tcp --sport 10 --dport 20 --state LISTEN -u SEEN_REPLY -t 50"),
    ("I-no-src", "-I -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state LISTEN -u SEEN_REPLY -t 50"),
    ("I-no-proto", "-I -s 1.1.1.1 -d 2.2.2.2 --sport 10 --dport 20 --state LISTEN -u SEEN_REPLY -t 50"),
    ("I-no-sport", "-I -s 1.1.1.1 -d 2.2.2.2 -p tcp --dport 20 --state LISTEN -u SEEN_REPLY -t 50"),
    ("I-no-timeout", "-I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state LISTEN -u SEEN_REPLY"),
    ("I-no-state", "-I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 -t 50"),
    ("I-half-reply", "-I -r 1.1.1.1 -p udp --reply-port-src 1 --reply-port-dst 2 -t 50"),
    ("I-half-reply-ports", "-I -s 1.1.1.1 -d 2.2.2.2 -p udp --reply-port-src 1 -t 50"),
    ("I-sctp-no-vtag", "-I -s 1.1.1.1 -d 2.2.2.2 -p sctp --sport 1 --dport 2 --state ESTABLISHED -t 50"),
    ("I-sctp-one-vtag", "-I -s 1.1.1.1 -d 2.2.2.2 -p sctp --sport 1 --dport 2 --state ESTABLISHED "
     "--orig-vtag 1 -t 50"),
    ("I-dccp-no-role", "-I -s 1.1.1.1 -d 2.2.2.2 -p dccp --sport 1 --dport 2 --state OPEN -t 50"),
    ("I-icmp-no-code", "-I -s 1.1.1.1 -d 2.2.2.2 -p icmp --icmp-type 8 -t 50"),
    ("I-icmpv6-no-type", "-I -s 1::1 -d 2::2 -p icmpv6 --icmpv6-code 0 -t 50"),
    ("I-gre-no-keys", "-I -s 1.1.1.1 -d 2.2.2.2 -p gre -t 50"),
    ("I-47-no-keys", "-I -s 1.1.1.1 -d 2.2.2.2 -p 47 -t 50"),
    ("I-mixed-family", "-I -s 1.1.1.1 -d 2001:db8::1 -p udp --sport 1 --dport 2 -t 50"),
    ("I-f6-with-v4", "-I -f ipv6 -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 -t 50"),
    ("I-proto-256", "-I -t 10 -s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p 256"),
    ("I-proto-foo", "-I -t 10 -s 0.0.0.0 -d 224.0.0.22 -r 224.0.0.22 -q 0.0.0.0 -p foo"),
    ("I-output", "-I -s 1.1.1.1 -d 2.2.2.2 -p 99 -t 50 -o xml"), ("I-label-filter", "-I -s 1.1.1.1 -d 2.2.2.2 -p 99 -t 50 -l foo"),
    ("I-label-unknown", "-I -s 1.1.1.1 -d 2.2.2.2 -p 99 -t 50 --label-add nosuch"),
    ("I-label-add-del", "-I -s 1.1.1.1 -d 2.2.2.2 -p 99 -t 50 --label-add foo --label-del bar"),
    ("I-any-nat", "-I -s 1.1.1.1 -d 2.2.2.2 -p 99 -t 50 -j 3.3.3.3"),
    ("I-zero", "-I -s 1.1.1.1 -d 2.2.2.2 -p 99 -t 50 -z"), ("I-mask", "-I -s 1.1.1.1 -d 2.2.2.2 -p 99 -t 50 --mask-src 255.0.0.0"),
    ("I-cidr", "-I -s 1.1.1.0/24 -d 2.2.2.2 -p 99 -t 50"), ("I-family", "-I -f ipv4 -s 1.1.1.1 -d 2.2.2.2 -p 99 -t 50"),
    ("I-id", "-I -i 5 -s 1.1.1.1 -d 2.2.2.2 -p 99 -t 50"), ("I-secmark", "-I -c 5 -s 1.1.1.1 -d 2.2.2.2 -p 99 -t 50"),
    ("A-no-timeout", "-A -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2"),
    ("D-timeout", "-D -t 5"), ("D-zero", "-D -z"), ("D-label-add", "-D --label-add foo"),
    ("D-label-unknown", "-D -l nosuch"), ("D-bad-addr", "-D -s foo"), ("D-mixed", "-D -s 1.1.1.1 -d ::1"),
    ("D-secmark", "-D -c 1"),
    ("U-zone", "-U -w 1 -m 1"), ("U-orig-zone", "-U --orig-zone 1 -m 1"), ("U-zero", "-U -z -m 1"),
    ("U-any-nat", "-U -j -m 1"), ("U-label-both", "-U -f ipv4 --label-add foo --label-del bar"),
    ("U-label-unknown", "-U -f ipv4 --label-add nosuch"), ("U-secmark", "-U -c 1 -m 1"),
    ("F-src", "-F -s 1.1.1.1"), ("F-proto", "-F -p tcp"), ("F-mark", "-F -m 1"), ("F-output", "-F -o xml"),
    ("F-bad-family", "-F -f ipx"), ("Lz-filter", "-L -z -f ipv4"),
]


def error_cases():
    out = []
    for name, opts in ERRORS:
        argv = args(opts)
        mut = is_mutating(argv)
        out.append(Case("err.%s" % name, [step(*argv)] + ([POST] if mut else []),
                        "empty" if mut else "base", mutating=mut))
    for name, opts in MUTATING_ERRORS:
        out.append(Case("err.%s" % name, [step(*args(opts)), POST], "empty", mutating=True))
    return out


# ---- known differences: our behaviour is checked explicitly -----------------
KNOWN_CASES = [
    ("help", "-h", "base"), ("help-long", "--help", "base"), ("help-tcp", "-h -p tcp", "base"),
    ("help-sctp", "-h -p sctp", "base"), ("help-udp", "--help -p udp", "base"),
    ("help-icmp", "-h -p icmp", "base"), ("help-gre", "-h -p gre", "base"),
    ("help-unknown", "-h -p 99", "base"),
    ("L.snat6", "-L -n 2001:db8::99", "base"), ("L.snat6-nomatch", "-L -n 2001:db8::55", "base"),
    ("L.dnat6", "-L -g 2001:db8::98", "base"), ("L.dnat6-port", "-L -g [2001:db8::98]:8080", "base"),
    ("L.dnat6-port-nomatch", "-L -g [2001:db8::98]:80", "base"),
    ("L.anynat6", "-L -j 2001:db8::96", "base"), ("L.snat6-ext", "-L -n 2001:db8::97 -o extended", "base"),
    ("L.anynat6-full", "-L -j ::1", "full"),
    ("L.unset", "-L -u UNSET", "base"), ("L.unset-full", "-L -u UNSET -o extended", "full"),
    ("L.unset-proto", "-L -u UNSET -p tcp", "base"),
]
KNOWN_MUTATING = [
    ("U.nofamily-mark", "-U -m 77"), ("U.nofamily-proto", "-U -p udp -m 0x10/0xf0"),
    ("U.nofamily-label", "-U --label-add baz"), ("U.nofamily-status", "-U -p tcp -u ASSURED"),
    ("U.nofamily-nomatch", "-U -p tcp --dport 9 -m 1"), ("U.nofamily-timeout", "-U -p icmpv6 -t 77"),
]


def known_cases():
    out = []
    for name, opts, fx in KNOWN_CASES:
        out.append(Case("known.%s.%s" % (name, fx), [step(*args(opts))], fx))
    for name, opts in KNOWN_MUTATING:
        out.append(Case("known.%s.unzoned" % name, [step(*args(opts)), POST], "unzoned", mutating=True))
    return out


def all_cases():
    from known_differences import attach
    cases = (list_cases() + get_cases() + delete_cases() + update_cases() + create_cases()
             + flush_count_cases() + label_map_cases() + error_cases() + known_cases()
             + conntrack_scenarios.cases() + conntrack_pending.cases())
    names = set()
    for c in cases:
        if c.name in names:
            raise ValueError("duplicate case name %s" % c.name)
        names.add(c.name)
    return attach(cases)
