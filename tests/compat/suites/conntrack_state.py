# SPDX-License-Identifier: GPL-2.0-or-later
"""Kernel states (fixtures) for the conntrack suite, and the id normaliser.

Every state is built from data here, by nsagent.py, in a fresh `unshare -nm`:
synthetic entries come from one `conntrack -R` of BASE_ENTRIES (the oracle
does this; 1.4.7 supports -I/-A in -R files), label entries from single `-I`
calls (1.4.7's -R crashes at exit after a --label-add line), and real traffic
over loopback gives counters, timestamps, real NAT and an ftp helper.
"""
import re

ORACLE = "/usr/sbin/conntrack"

LABELS = "0 zero\n1 foo\n2 bar\n3 baz\n63 last\n"
BAD_LABELS = "# a comment\nfoo bar\n1\n2 bar\n99999 huge\n-1 neg\n3 baz\n"

# A fresh netns tracks nothing until a ruleset uses conntrack. `ct label`
# allocates the label extension (needed by --label-add); `ct helper` gives the
# ftp entry its helper; the nat chains make real SNAT/DNAT entries.
RULESET = """
table inet ctf_compat {
	ct helper ftp-std { type "ftp" protocol tcp; }
	chain out {
		type filter hook output priority 0;
		ct state new counter
		ct label foo counter
		tcp dport 21 ct helper set "ftp-std"
		udp dport 5002 ct mark set 16
		udp dport 5002 ct label set foo
		udp dport 5007 ct label set bar
		udp dport 5007 ct label set last
	}
	chain nat_out {
		type nat hook output priority -100;
		ip daddr 127.0.0.3 udp dport 5003 dnat to 127.0.0.1:5004
	}
	chain nat_post {
		type nat hook postrouting priority 100;
		ip daddr 127.0.0.4 snat to 127.0.0.5
	}
}
"""

# Long timeouts so that no entry expires while a run lasts (per-netns sysctls).
TIMEOUTS = {
    "net.netfilter.nf_conntrack_udp_timeout": 3600,
    "net.netfilter.nf_conntrack_udp_timeout_stream": 3700,
    "net.netfilter.nf_conntrack_icmp_timeout": 3800,
    "net.netfilter.nf_conntrack_icmpv6_timeout": 3900,
    "net.netfilter.nf_conntrack_tcp_timeout_close": 4000,
    "net.netfilter.nf_conntrack_generic_timeout": 4100,
}
ACCT_TS = {"net.netfilter.nf_conntrack_acct": 1, "net.netfilter.nf_conntrack_timestamp": 1}

# Synthetic entries: every protocol, tcp in every state, both families, zones,
# marks, NAT, status bits. Timeouts are distinct so lines never tie.
BASE_ENTRIES = """
-I -t 3001 -u SEEN_REPLY,ASSURED -s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 1000 --dport 80 --state ESTABLISHED -m 5
-I -t 3002 -s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 1001 --dport 80 --state SYN_SENT
-I -t 3003 -u SEEN_REPLY -s 10.1.1.2 -d 10.2.2.2 -p tcp --sport 1002 --dport 443 --state SYN_RECV
-I -t 3004 -u SEEN_REPLY,ASSURED -s 10.1.1.2 -d 10.2.2.3 -p tcp --sport 1003 --dport 443 --state FIN_WAIT
-I -t 3005 -u SEEN_REPLY,ASSURED -s 10.1.1.3 -d 10.2.2.3 -p tcp --sport 1004 --dport 22 --state CLOSE_WAIT -m 0xff00
-I -t 3006 -u SEEN_REPLY -s 10.1.1.3 -d 10.2.2.4 -p tcp --sport 1005 --dport 22 --state LAST_ACK
-I -t 3007 -u SEEN_REPLY,ASSURED -s 10.1.1.4 -d 10.2.2.4 -p tcp --sport 1006 --dport 25 --state TIME_WAIT
-I -t 3008 -s 10.1.1.4 -d 10.2.2.5 -p tcp --sport 1007 --dport 25 --state CLOSE
-I -t 3009 -u SEEN_REPLY -s 10.1.1.5 -d 10.2.2.5 -p tcp --sport 1008 --dport 8080 --state LISTEN
-I -t 3010 -s 10.1.1.5 -d 10.2.2.6 -p tcp --sport 1009 --dport 8080 --state NONE
-I -t 3011 -s 10.1.1.1 -d 10.3.3.3 -p udp --sport 53 --dport 5353 -m 16
-I -t 3012 -u SEEN_REPLY,ASSURED -s 10.1.1.6 -d 10.3.3.3 -p udp --sport 4000 --dport 53 -m 17
-I -t 3013 -u SEEN_REPLY -s 10.1.1.6 -d 10.3.3.4 -p udplite --sport 7 --dport 8
-I -t 3014 -u SEEN_REPLY,ASSURED -s 10.1.1.7 -d 10.4.4.4 -p sctp --sport 5000 --dport 5001 --state ESTABLISHED --orig-vtag 10 --reply-vtag 11
-I -t 3015 -s 10.1.1.7 -d 10.4.4.5 -p sctp --sport 5002 --dport 5003 --state COOKIE_WAIT --orig-vtag 0x1234 --reply-vtag 0
-I -t 3016 -s 10.1.1.8 -d 10.4.4.6 -p dccp --sport 6000 --dport 6001 --state OPEN --role client
-I -t 3017 -s 10.1.1.9 -d 10.5.5.5 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 77
-I -t 3018 -u SEEN_REPLY -s 10.1.1.9 -d 10.5.5.6 -p icmp --icmp-type 13 --icmp-code 0 --icmp-id 78
-I -t 3019 -s 10.1.1.10 -d 10.6.6.6 -p gre --srckey 1 --dstkey 2
-I -t 3020 -u SEEN_REPLY -s 10.1.1.10 -d 10.6.6.7 -p gre --srckey 0x100 --dstkey 0xffffffff
-I -t 3021 -s 10.1.1.11 -d 10.7.7.7 -p 99
-I -t 3022 -s 10.1.1.11 -d 224.0.0.22 -p igmp
-I -t 3023 -s 10.8.8.1 -d 10.8.8.2 -p udp --sport 100 --dport 200 -w 3
-I -t 3024 -s 10.8.8.1 -d 10.8.8.2 -p udp --sport 100 --dport 200 -w 4
-I -t 3025 -s 10.8.8.1 -d 10.8.8.2 -p tcp --sport 101 --dport 201 --state SYN_SENT2 --orig-zone 2
-I -t 3026 -u SEEN_REPLY -s 10.8.8.1 -d 10.8.8.2 -p tcp --sport 102 --dport 202 --state ESTABLISHED --reply-zone 5
-I -t 3027 -s 10.8.8.1 -d 10.8.8.3 -p sctp --sport 103 --dport 203 --state ESTABLISHED --orig-vtag 7 --reply-vtag 8 -w 6 -m 6
-I -t 3028 -s 10.9.9.1 -d 10.9.9.2 -p udp --sport 1 --dport 2 -m 0xffffffff
-I -t 3029 -s 10.9.9.1 -d 10.9.9.2 -p udp --sport 3 --dport 4 -m 0x10
-I -t 3030 -s 10.9.9.1 -d 10.9.9.2 -p udp --sport 5 --dport 6 -m 0x1f
-I -t 3031 -u SEEN_REPLY,ASSURED -s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 2000 --dport 80 --state ESTABLISHED --src-nat 192.168.1.1
-I -t 3032 -s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 2001 --dport 80 --state ESTABLISHED --src-nat 192.168.1.1:3000
-I -t 3033 -s 10.1.1.1 -d 10.2.2.2 -p udp --sport 2002 --dport 53 --dst-nat 192.168.2.2
-I -t 3034 -s 10.1.1.1 -d 10.2.2.2 -p udp --sport 2003 --dport 53 --dst-nat 192.168.2.2:5353
-I -t 3035 -s 10.1.1.2 -d 10.2.2.2 -p tcp --sport 2004 --dport 80 --state SYN_SENT --src-nat 192.168.1.2 --dst-nat 192.168.2.3:8080
-I -t 3036 -s 10.1.1.2 -d 10.2.2.2 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 79 --src-nat 192.168.1.1
-I -t 3037 -u SEEN_REPLY,ASSURED,FIXED_TIMEOUT -s 10.10.0.1 -d 10.10.0.2 -p udp --sport 7000 --dport 7001
-I -t 3038 -r 10.11.0.2 -q 10.11.0.1 -p tcp --reply-port-src 80 --reply-port-dst 1234 --state ESTABLISHED
-I -t 4001 -u SEEN_REPLY,ASSURED -s 2001:db8::1 -d 2001:db8::2 -p tcp --sport 1000 --dport 80 --state ESTABLISHED -m 5
-I -t 4002 -s 2001:db8::1 -d 2001:db8:1::3 -p tcp --sport 1001 --dport 443 --state SYN_SENT
-I -t 4003 -s 2001:db8::1 -d 2001:db8::2 -p udp --sport 53 --dport 5353 -m 16
-I -t 4004 -u SEEN_REPLY -s 2001:db8::1 -d 2001:db8::2 -p udplite --sport 9 --dport 10
-I -t 4005 -s 2001:db8::1 -d 2001:db8::2 -p icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id 5
-I -t 4006 -s 2001:db8::1 -d 2001:db8::2 -p sctp --sport 1 --dport 2 --state ESTABLISHED --orig-vtag 1 --reply-vtag 2
-I -t 4007 -s 2001:db8::1 -d 2001:db8::2 -p gre --srckey 5 --dstkey 6
-I -t 4008 -s 2001:db8::1 -d 2001:db8::2 -p 99
-I -t 4009 -s fe80::1 -d ff02::1 -p udp --sport 546 --dport 547 -w 3
-I -t 4010 -u SEEN_REPLY,ASSURED -s 2001:db8::1 -d 2001:db8::2 -p tcp --sport 2000 --dport 80 --state ESTABLISHED --src-nat 2001:db8::99
-I -t 4011 -s 2001:db8::1 -d 2001:db8::2 -p tcp --sport 2001 --dport 80 --state ESTABLISHED --dst-nat [2001:db8::98]:8080
-I -t 4012 -s 2001:db8::1 -d 2001:db8::2 -p udp --sport 2002 --dport 53 --src-nat 2001:db8::97 --dst-nat 2001:db8::96
-I -t 4013 -s 2001:db8::1 -d 2001:db8::3 -p dccp --sport 7 --dport 8 --state REQUEST --role server
"""

# 1.4.7's -U stops or skips part of its running dump after the first kernel
# error, at a point that depends on the dump order: ENOENT for zoned entries
# (it sends the update without the zone) and EPERM for a new timeout on a
# FIXED_TIMEOUT entry. The oracle is not deterministic there, so -U runs on
# entries that accept every update.
UNZONED_ENTRIES = "\n".join(line for line in BASE_ENTRIES.splitlines()
                             if "zone" not in line and " -w " not in line
                             and "FIXED_TIMEOUT" not in line)

LABEL_ENTRIES = [
    "-I -t 3040 -s 10.12.0.1 -d 10.12.0.2 -p udp --sport 1 --dport 2 --label-add foo",
    "-I -t 3041 -s 10.12.0.1 -d 10.12.0.2 -p udp --sport 3 --dport 4 --label-add foo,bar -m 3",
    "-I -t 3042 -s 10.12.0.1 -d 10.12.0.2 -p tcp --sport 5 --dport 6 --state ESTABLISHED --label-add zero,last",
    "-I -t 4014 -s 2001:db8::1 -d 2001:db8::2 -p udp --sport 7 --dport 8 --label-add bar",
]

# Real flows over loopback: exact counters (no data races), timestamps, NAT
# done by the kernel, a helper, labels and a mark set by the ruleset.
TRAFFIC = [
    {"kind": "udp", "src": "127.0.0.1", "sport": 40001, "dst": "127.0.0.1", "dport": 5001,
     "count": 3, "replies": 2, "size": 10},
    {"kind": "udp", "src": "127.0.0.1", "sport": 40002, "dst": "127.0.0.2", "dport": 5002, "count": 1},
    {"kind": "udp", "src": "127.0.0.1", "sport": 40003, "dst": "127.0.0.3", "dport": 5003,
     "count": 2, "replies": 1, "listen": ["127.0.0.1", 5004]},
    {"kind": "udp", "src": "127.0.0.1", "sport": 40004, "dst": "127.0.0.4", "dport": 5005,
     "count": 2, "replies": 1},
    {"kind": "udp", "src": "::1", "sport": 40005, "dst": "::1", "dport": 5006, "count": 2, "replies": 2},
    {"kind": "udp", "src": "::1", "sport": 40006, "dst": "::1", "dport": 5007, "count": 1, "size": 100},
    {"kind": "tcp", "src": "127.0.0.1", "sport": 40010, "dst": "127.0.0.1", "dport": 6000},
    {"kind": "tcp", "src": "127.0.0.1", "sport": 40011, "dst": "127.0.0.1", "dport": 6001, "close": "rst"},
    {"kind": "tcp", "src": "127.0.0.1", "sport": 40012, "dst": "127.0.0.1", "dport": 21},
    {"kind": "tcp", "src": "::1", "sport": 40013, "dst": "::1", "dport": 6002},
    {"kind": "icmp", "dst": "127.0.0.1", "id": 119},
    {"kind": "icmp", "dst": "::1", "id": 120},
]


def oracle_setup(entries=BASE_ENTRIES, labels=LABEL_ENTRIES):
    setup = []
    if entries.strip():
        setup.append({"argv": [ORACLE, "-R", "-"], "stdin": entries.strip() + "\n"})
    for line in labels:
        setup.append({"argv": [ORACLE] + line.split()})
    return setup


def spec(setup=(), traffic=(), sysctls=None, labels=LABELS):
    etc = {"connlabel.conf": LABELS}  # nft reads this one; 1.4.7 the next one
    etc["xtables/connlabel.conf"] = labels
    return {"etc": etc, "nft": RULESET, "sysctls": dict(TIMEOUTS, **(sysctls or {})),
            "setup": list(setup), "traffic": list(traffic)}


def fixtures(fixture_cls):
    F = fixture_cls
    return [
        F("empty", spec(), "ruleset and label map, no entries"),
        F("base", spec(oracle_setup()), "synthetic entries: every protocol, zones, marks, NAT, labels"),
        F("full", spec(oracle_setup(), TRAFFIC, ACCT_TS),
          "base + real loopback traffic, with counters and timestamps"),
        F("unzoned", spec(oracle_setup(UNZONED_ENTRIES)),
          "base without the zoned entries (for -U, see UNZONED_ENTRIES)"),
        F("traffic", spec((), TRAFFIC, ACCT_TS),
          "real loopback traffic only: small enough for one dump message (-z)"),
        F("nolabels", spec((), TRAFFIC[:6], ACCT_TS, labels=None),
          "traffic with labels set by nft, and no /etc/xtables/connlabel.conf"),
        F("badlabels", spec((), TRAFFIC[:6], ACCT_TS, labels=BAD_LABELS),
          "traffic with labels, and a malformed connlabel.conf"),
    ]


# ---- volatile values ------------------------------------------------------
# Ids differ between two builds of the same state. Right after a namespace is
# built the oracle dumps it with ids (and start times); each id is replaced by
# a token naming its entry (rank of the entry's original tuple), so ours must
# print the id *of the same entry*. Unknown values stay raw and so differ.
ID_TOKEN = re.compile(r"(?<=[ \t])id=(\d+)|<id>(\d+)</id>")
START = re.compile(r"\[start=([^\]]+)\]|<start>(\d+)</start>")


def entry_key(line):
    """The original tuple (+ zones) of a default/extended line: stable per entry."""
    toks = line.split()
    try:
        first = next(i for i, t in enumerate(toks) if t.startswith("src="))
    except StopIteration:
        return None
    key = []
    for t in toks[first - 3:first] + toks[first:]:
        if t.startswith(("packets=", "bytes=", "[", "delta-time", "use=", "id=", "mark=")):
            if t.startswith("id=") and key and key[-1].startswith("code="):
                key.append(t)  # icmp id, part of the tuple
            continue
        if t.startswith("src=") and len([k for k in key if k.startswith("src=")]) == 1:
            key.append("|")
        key.append(t)
    return " ".join(k for k in key if not k.isdigit())


def conntrack_ids(line):
    toks = line.split()
    return [t[3:] for i, t in enumerate(toks) if t.startswith("id=")
            and not (i and toks[i - 1].startswith("code="))]


def make_normaliser(run_oracle):
    snap = run_oracle(["-L", "-o", "extended,id,ktimestamp"]).stdout.splitlines()
    xml = run_oracle(["-L", "-o", "xml,id,ktimestamp"]).stdout
    ids, starts = {}, {}
    keyed = sorted((entry_key(line) or "", line) for line in snap)
    for rank, (_, line) in enumerate(keyed):
        for v in conntrack_ids(line)[-1:]:
            ids[v] = "<id:%d>" % rank
        m = re.search(r"\[start=([^\]]+)\]", line)
        if m:
            starts.setdefault(m.group(1), None)
    for rank, v in enumerate(sorted(starts, key=lambda s: (len(s), s))):
        starts[v] = "<start:%d>" % rank
    start_ns = {}
    for flow in re.findall(r"<flow>.*?</flow>", xml):
        i = re.search(r"<id>(\d+)</id>", flow)
        s = re.search(r"<start>(\d+)</start>", flow)
        if i and s and i.group(1) in ids:
            start_ns[s.group(1)] = "<startns:%s>" % ids[i.group(1)][4:-1]

    def id_sub(m):
        if m.group(1) is not None:
            return "id=" + ids.get(m.group(1), m.group(1))
        return "<id>%s</id>" % ids.get(m.group(2), m.group(2))

    def start_sub(m):
        if m.group(1) is not None:
            return "[start=%s]" % starts.get(m.group(1), m.group(1))
        return "<start>%s</start>" % start_ns.get(m.group(2), m.group(2))

    def normalise(text):
        text = mask_timestamps(text)
        if not ids and not starts:
            return text
        out = []
        for line in text.splitlines(keepends=True):
            if "id" in line:
                line = ID_TOKEN.sub(lambda m: icmp_safe(m, line, id_sub), line)
            if "start" in line:
                line = START.sub(start_sub, line)
            out.append(line)
        return "".join(out)

    return normalise


# The print time of `-L expect -o timestamp` (and of its XML <when>): the clock
# at the moment of printing, different for every run by nature.
EXP_TIMESTAMP = re.compile(r"^\[\d+\.\d+ *\]\t", re.M)
XML_WHEN = re.compile(r"<when>.*?</when>")


def mask_timestamps(text):
    if "]\t" in text:
        text = EXP_TIMESTAMP.sub("[T]\t", text)
    if "<when>" in text:
        text = XML_WHEN.sub("<when/>", text)
    return text


def icmp_safe(m, line, sub):
    """Leave the icmp `id=` that follows `code=N` alone: it is a tuple field."""
    if m.group(1) is not None:
        before = line[:m.start()].rstrip().rsplit(" ", 1)[-1]
        if before.startswith("code="):
            return m.group(0)
    return sub(m)


# Fields that tick with the clock: the timeout column, delta-time, start.
VOLATILE = [
    (re.compile(r"^((?:\s*\[\w+\]\s+)?(?:ipv[46]\s+\d+\s+)?[a-z0-9-]+\s+\d+\s+)\d+", re.M), r"\1T"),
    (re.compile(r"delta-time=\d+"), "delta-time=D"),
    (re.compile(r"<(timeout|deltatime|start)>\d+</"), r"<\1>V</"),
    (re.compile(r"\[start=[^\]]*\]"), "[start=S]"),
    (re.compile(r"(^|\s)-t \d+"), r"\1-t T"),
]


def volatile_only(a, b):
    """True when a and b differ at most in clock-driven fields."""
    for rx, rep in VOLATILE:
        a, b = rx.sub(rep, a), rx.sub(rep, b)
    return a == b


CLOCK = [
    (re.compile(r"delta-time=\d+"), "delta-time=*"),
    (re.compile(r"<deltatime>\d+</deltatime>"), "<deltatime>*</deltatime>"),
    (re.compile(r"\[start=[^\]]*\]"), "[start=*]"),
]


# The timeout column of entries that the state was built with (all >= 1000 s;
# cases only ever set timeouts below 1000), so the listing still shows every
# timeout a case set or changed.
BUILT_TIMEOUT = re.compile(r"^((?:ipv[46]\s+\d+\s+)?[a-z0-9-]+\s+\d+\s+)\d{4,}(?= )", re.M)


def mask_clock(text):
    """For oracle-only state listings: drop how long ago entries were made
    (delta-time, start) and how far the built entries have counted down."""
    for rx, rep in CLOCK:
        text = rx.sub(rep, text)
    return BUILT_TIMEOUT.sub(r"\1>=1000", text)
