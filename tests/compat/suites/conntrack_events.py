# SPDX-License-Identifier: GPL-2.0-or-later
"""-E for the conntrack and expectation tables, judged by eventtest.py: 1.4.7's
listener and ours run side by side on one fresh state while the same
operations (1.4.7's -I/-U/-D/-F, expectation commands, and real helper
traffic) make NEW, UPDATE and DESTROY events from user space and from the
kernel; then both get SIGINT and their outputs are compared."""
import json
import re
import shlex

import eventtest
from difftest import Case, Result, sort_lines, step
from suites import conntrack_expect as xp
from suites import conntrack_state as state

FIXTURE = "events"


def fixtures(fixture_cls):
    return [fixture_cls("events", dict(xp.spec(), sysctls=dict(xp.SYSCTLS, **state.ACCT_TS)),
                        "helpers attached, accounting and timestamps on, no entries")]


def args(text):
    return tuple(shlex.split(text))


# Operations: entries of every kind made, updated and destroyed by a process
# (events with [USERSPACE]), and helper traffic the kernel tracks by itself.
CT_OPS = [step(*args(a)) for a in (
    "-I -s 10.40.0.1 -d 10.40.0.2 -p udp --sport 1 --dport 2 -t 100 -m 5",
    "-I -s 10.40.0.3 -d 10.40.0.4 -p tcp --sport 10 --dport 80 --state ESTABLISHED "
    "-u SEEN_REPLY,ASSURED -t 100",
    "-I -s 2001:db8::40 -d 2001:db8::41 -p udp --sport 3 --dport 4 -t 100",
    "-I -s 10.40.0.5 -d 10.40.0.6 -p icmp --icmp-type 8 --icmp-code 0 --icmp-id 7 -t 100",
    "-I -s 10.40.0.7 -d 10.40.0.8 -p sctp --sport 5 --dport 6 --state ESTABLISHED "
    "--orig-vtag 1 --reply-vtag 2 -t 100",
    "-I -s 10.40.0.9 -d 10.40.0.10 -p gre --srckey 1 --dstkey 2 -t 100",
    "-I -s 10.40.1.1 -d 10.40.1.2 -p udp --sport 7 --dport 8 -t 100 -w 3",
    "-I -s 10.40.1.3 -d 10.40.1.4 -p udp --sport 9 --dport 10 -t 100 --orig-zone 4",
    "-I -s 10.40.1.5 -d 10.40.1.6 -p udp --sport 11 --dport 12 -t 100 --label-add foo",
    "-I -s 10.40.1.7 -d 10.40.1.8 -p tcp --sport 13 --dport 14 --state SYN_SENT -t 100 "
    "--src-nat 192.168.40.1 --dst-nat 192.168.40.2:8080",
    "-U -s 10.40.0.1 -m 7",
    "-U -f ipv4 -p tcp --label-add bar",
)] + [
    step("@flow", "tftp", "sport=40300"),
    step("@flow", "ftp-port", "sport=40301", "data_port=3000"),
    step("@flow", "sip-invite", "sport=5070", "media=9000"),
    step(*args("-D -s 10.40.0.1")),
    step(*args("-D -f ipv6")),
    step("-F"),
]

EXP_OPS = [
    step("@flow", "ftp-port", "sport=40310", "data_port=3100"),
    step("@flow", "tftp", "sport=40311"),
    step("@flow", "sip-register", "sport=5066"),
    step("@flow", "sip-invite", "sport=5068", "media=9100"),
    step("@flow", "ftp-epsv", "sport=40312", "data_port=3102"),
    step(*args("-D expect -s 127.0.0.1 -d 127.0.0.1 -p udp --sport 0 --dport 40311 "
               "--reply-port-src 0 --reply-port-dst 0")),
    step(*args("-I expect -p udp --tuple-src 127.0.0.1 --tuple-dst 127.0.0.1 --mask-src "
               "255.255.255.255 --mask-dst 255.255.255.255 --tuple-port-src 0 --tuple-port-dst "
               "4555 --mask-port-src 0 --mask-port-dst 65535 -s 127.0.0.1 -d 127.0.0.1 "
               "--sport 40310 --dport 21 -t 60")),
    step(*args("-F expect")),
]

MASKS = [("all", ""), ("new", "-e NEW"), ("updates", "-e UPDATES"), ("destroy", "-e DESTROY"),
         ("ALL", "-e ALL"), ("new-destroy", "-e NEW,DESTROY"), ("lower", "-e new,updates"),
         ("prefix-n", "-e N"), ("prefix-u", "-e U"), ("prefix-d", "-e D,NEW"),
         ("long", "--event-mask DESTROY")]

FILTERS = [
    ("src", "-s 10.40.0.1"), ("dst", "-d 10.40.0.4"), ("src-dst", "-s 10.40.0.3 -d 10.40.0.4"),
    ("reply-src", "-r 10.40.0.6"), ("reply-dst", "-q 10.40.0.7"), ("p-udp", "-p udp"),
    ("p-tcp-dport", "-p tcp --dport 80"), ("p-udp-sport", "-p udp --sport 1"),
    ("p-tcp-state", "-p tcp --state ESTABLISHED"), ("p-icmp", "-p icmp"),
    ("p-icmp-type", "-p icmp --icmp-type 8"), ("p-sctp", "-p sctp"), ("p-gre", "-p gre"),
    ("f4", "-f ipv4"), ("f6", "-f ipv6"), ("mark", "-m 5"), ("mark-mask", "-m 0x7/0xff"),
    ("mark0", "-m 0"), ("cidr", "-s 10.40.0.0/24"), ("cidr6", "-s 2001:db8::/64"),
    ("mask", "-s 10.40.1.200 --mask-src 255.255.255.0"), ("dst-cidr", "-d 10.40.1.0/24"),
    ("zone", "-w 3"), ("orig-zone", "--orig-zone 4"), ("label", "-l foo"),
    ("snat", "-n"), ("dnat", "-g 192.168.40.2"), ("anynat", "-j"), ("secmark", "-c 0"),
    ("loopback", "-s 127.0.0.1 -p udp"), ("mask-only", "--mask-src 255.0.0.0"),
    ("src-mask-dst", "-s 10.40.0.1 --mask-dst 255.0.0.0"),
]

FORMATS = [("default", None), ("extended", "extended"), ("timestamp", "timestamp"),
           ("xml", "xml"), ("xml-timestamp", "xml,timestamp"), ("save", "save"), ("id", "id"),
           ("ktimestamp", "ktimestamp"), ("labels", "labels"),
           ("all-text", "extended,ktimestamp,id,labels"), ("userspace", "userspace"),
           ("ext-ts", "extended,timestamp")]

EXP_FORMATS = [("default", None), ("xml", "xml"), ("timestamp", "timestamp"),
               ("xml-timestamp", "xml,timestamp"), ("save", "save"), ("extended", "extended")]


# ---- deliberate differences ----------------------------------------------------
USERSPACE_XML = re.compile(r"(</flow>) \[USERSPACE\] portid=\d+$", re.M)


def xml_no_userspace(a, b):
    """1.4.7 writes [USERSPACE] after </flow> (not XML); ours leaves it out."""
    want = Result(sort_lines(USERSPACE_XML.sub(r"\1", a.stdout)), a.stderr, a.rc)
    problems = eventtest.problems_equal(want, b)
    if "[USERSPACE]" in b.stdout:
        problems.append("ours prints [USERSPACE] in XML")
    return problems


def text_key(line):
    """The event kind and the first src=/dst=/ports of a default text line."""
    m = re.match(r"^\s*\[(\w+)\]", line)
    kind = m.group(1).lower() if m else ""
    fields = {}
    for f in line.split():
        k, _, v = f.partition("=")
        if k in ("src", "dst", "sport", "dport"):
            fields.setdefault(k, v)  # the first tuple: orig, or the expected one
    return (kind, fields.get("src"), fields.get("dst"), fields.get("sport"), fields.get("dport"))


def json_key(obj):
    t = obj.get("orig") or obj.get("tuple") or {}
    return (obj.get("event", ""), t.get("src"), t.get("dst"),
            str(t["sport"]) if "sport" in t else None, str(t["dport"]) if "dport" in t else None)


def json_matches(a, b):
    """JSON (ours only): one valid object per line, the same events as 1.4.7's text."""
    problems = []
    if a.rc != b.rc or a.stderr != b.stderr:
        problems.append("exit/summary differ: oracle %r %r, ours %r %r" % (a.rc, a.stderr, b.rc,
                                                                        b.stderr))
    keys = []
    for line in b.stdout.splitlines():
        try:
            keys.append(json_key(json.loads(line)))
        except ValueError:
            problems.append("not JSON: %r" % line[:120])
    want = sorted(text_key(line) for line in a.stdout.splitlines())
    if sorted(keys) != want:
        problems.append("events differ: oracle %s, ours %s" % (want[:8], sorted(keys)[:8]))
    return problems


def event_case(name, listen, ops, expect=None, ours=None):
    c = Case(name, [step(*listen)] + ops, FIXTURE, mutating=True, judge=eventtest.judge)
    c.expect = expect
    c.ours_args = ours
    return c


def with_fmt(base, fmt):
    return base + (("-o", fmt) if fmt else ())


def ct_cases():
    out = []
    for name, opts in MASKS:
        out.append(event_case("ev.E.mask.%s" % name, ("-E",) + args(opts), CT_OPS))
    for name, opts in FILTERS:
        out.append(event_case("ev.E.filter.%s" % name, ("-E",) + args(opts), CT_OPS))
        out.append(event_case("ev.E.filter-xml.%s" % name, ("-E",) + args(opts) + ("-o", "xml"),
                              CT_OPS, expect=xml_no_userspace))
    for name, fmt in FORMATS:
        listen = with_fmt(("-E",), fmt)
        out.append(event_case("ev.E.fmt.%s" % name, listen, CT_OPS,
                              expect=xml_no_userspace if fmt and "xml" in fmt else None))
        out.append(event_case("ev.E.fmt-destroy.%s" % name, listen[:1] + ("-e", "DESTROY") + listen[1:],
                              CT_OPS, expect=xml_no_userspace if fmt and "xml" in fmt else None))
    for name, opts in (("mask-filter", "-e NEW -p udp"), ("filter-fmt", "-s 10.40.0.3 -o extended,id"),
                       ("buffer", "-b 300000"), ("buffer-mask", "-b 100000 -e DESTROY"),
                       ("table-word", "conntrack -e NEW"), ("long", "--event")):
        out.append(event_case("ev.E.misc.%s" % name, ("-E",) + args(opts), CT_OPS))
    for name, opts in (("json", ""), ("json-destroy", "-e DESTROY"), ("json-filter", "-p udp")):
        oracle = ("-E",) + args(opts)
        out.append(event_case("ev.E.%s" % name, oracle, CT_OPS, expect=json_matches,
                              ours=oracle + ("-o", "json")))
    return out


def exp_cases():
    out = []
    for name, fmt in EXP_FORMATS:
        out.append(event_case("ev.Eexp.fmt.%s" % name, with_fmt(("-E", "expect"), fmt), EXP_OPS))
    out.append(event_case("ev.Eexp.prefix", ("-E", "exp"), EXP_OPS))
    out.append(event_case("ev.Eexp.json", ("-E", "expect"), EXP_OPS, expect=json_matches,
                          ours=("-E", "expect", "-o", "json")))
    # the conntrack listener sees the helper traffic and the masters too
    out.append(event_case("ev.E.helpers", ("-E",), EXP_OPS))
    return out


def cases():
    return ct_cases() + exp_cases()
