#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A 100,000-entry table through `conntrack -L -o save | conntrack -R -`.

Two private network namespaces (held by `unshare -n sleep`): table A is
loaded from a generated file covering every field the save format carries
(tcp in every state, udp, udplite, sctp with states and verification tags,
dccp, icmp and icmpv6 with type/code/id, gre keys, an unknown protocol, IPv4
and IPv6, -w/--orig-zone/--reply-zone, status bits, source and destination
NAT addresses, timeouts). NAT ports are left out: the save form prints them
as --reply-port-* next to -g/-n ADDR, which loads (in 1.4.7 too) as NAT
without a port. A is saved, the save is loaded into the empty B, B is saved:
both saves must hold the same lines, timeouts aside, which may have ticked
by a few seconds (checked within a tolerance). Exit 77 when it cannot run.

    load_roundtrip.py [ENTRIES]        (default 100000; CTF_BIN: our binaries)
"""
import os
import re
import subprocess
import sys
import time

SKIP = 77
BIN = os.environ.get("CTF_BIN", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                             "../../build/bin"))
CT = os.path.join(BIN, "conntrack")
TOLERANCE = 30  # seconds a timeout may tick between the two saves

TCP_STATES = ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
              "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"]
SCTP_STATES = ["CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT",
               "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT"]
STATUS = ["SEEN_REPLY", "SEEN_REPLY,ASSURED", "ASSURED", "FIXED_TIMEOUT,SEEN_REPLY", "UNSET"]


def addr(i, v6):
    if v6:
        return "2001:db8:%x:%x::%x" % (i >> 16, (i >> 8) & 0xff, i & 0xff)
    return "10.%d.%d.%d" % ((i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff)


def entry(i):
    """One -A line; i picks the protocol, family, zones, NAT and status."""
    v6 = i % 7 == 3
    s = addr(i, v6)
    d = "2001:db8:ffff::%x" % (i & 0xffff) if v6 else "172.16.%d.%d" % ((i >> 8) & 0xff, i & 0xff)
    kind = i % 10
    head = "-A -t %d -u %s" % (1000 + i % 50000, STATUS[i % len(STATUS)])
    if i % 13 == 0:
        head += " -w %d" % (i % 60000 + 1)
    elif i % 17 == 0:  # the kernel takes a zone of one direction only (EINVAL for both)
        head += " --%s-zone %d" % ("orig" if i % 2 else "reply", i % 100 + 1)
    tail = " -s %s -d %s" % (s, d)
    if not v6 and i % 11 == 0:
        tail += " --src-nat 192.168.%d.%d" % ((i >> 8) & 0xff, i & 0xff)
    if not v6 and i % 19 == 0:
        # no NAT port: the save form (-g ADDR plus --reply-port-src) cannot carry one
        # back in (1.4.7 alike: -g without a port keeps the original port)
        tail += " --dst-nat 192.168.200.%d" % (i & 0xff)
    sp, dp = 1024 + i % 60000, 1 + i % 1000
    if kind <= 2:
        return head + tail + " -p tcp --sport %d --dport %d --state %s" % (
            sp, dp, TCP_STATES[i % len(TCP_STATES)])
    if kind <= 4:
        return head + tail + " -p udp --sport %d --dport %d" % (sp, dp)
    if kind == 5:
        return head + tail + " -p udplite --sport %d --dport %d" % (sp, dp)
    if kind == 6:
        return head + tail + " -p sctp --sport %d --dport %d --state %s --orig-vtag %d " \
            "--reply-vtag %d" % (sp, dp, SCTP_STATES[i % len(SCTP_STATES)], i, i * 7)
    if kind == 7:
        p = "icmpv6 --icmpv6-type 128 --icmpv6-code 0 --icmpv6-id" if v6 else \
            "icmp --icmp-type 8 --icmp-code 0 --icmp-id"
        return head + tail + " -p %s %d" % (p, i & 0xffff)
    if kind == 8:
        return head + tail + " -p gre --srckey %d --dstkey %d" % (i & 0xffff, (i * 3) & 0xffff)
    if i % 2:
        return head + tail + " -p 99"
    return head + tail + " -p dccp --sport %d --dport %d --state OPEN --role client" % (sp, dp)


def netns():
    p = subprocess.Popen(["unshare", "-n", "--", "sleep", "3600"])
    time.sleep(0.1)
    run(p, ["ip", "link", "set", "lo", "up"])
    return p


def run(ns, argv, stdin=None, check=True):
    r = subprocess.run(["nsenter", "-t", str(ns.pid), "-n", "--"] + argv, input=stdin,
                       capture_output=True, text=True)
    if check and r.returncode:
        sys.exit("%s: exit %d: %s" % (" ".join(argv), r.returncode, r.stderr[-500:]))
    return r


TIMEOUT = re.compile(r"^(-[AD]) -t (\d+) ")


def split_timeouts(save):
    lines = {}
    for line in save.splitlines():
        m = TIMEOUT.match(line)
        if not m:
            sys.exit("unexpected save line: %r" % line)
        key = line[:m.start(2)] + line[m.end(2):]
        if key in lines:
            sys.exit("duplicate entry in one save: %r" % line)
        lines[key] = int(m.group(2))
    return lines


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    if os.geteuid() != 0:
        print("SKIP: needs root")
        return SKIP
    if not os.access(CT, os.X_OK):
        print("SKIP: %s not built" % CT)
        return SKIP
    if subprocess.run(["unshare", "-n", "true"]).returncode:
        print("SKIP: no network namespaces")
        return SKIP
    a = b = None
    try:
        a, b = netns(), netns()
        load = "".join(entry(i) + "\n" for i in range(n))
        t0 = time.monotonic()
        run(a, [CT, "-R", "-"], load)
        t1 = time.monotonic()
        save_a = run(a, [CT, "-L", "-o", "save"]).stdout
        run(b, [CT, "-R", "-"], save_a)
        save_b = run(b, [CT, "-L", "-o", "save"]).stdout
        la, lb = split_timeouts(save_a), split_timeouts(save_b)
        if len(la) != n:
            sys.exit("table A holds %d entries, %d were loaded" % (len(la), n))
        if la.keys() != lb.keys():
            missing = sorted(set(la) - set(lb))[:5]
            extra = sorted(set(lb) - set(la))[:5]
            sys.exit("saves differ: only in A %s, only in B %s" % (missing, extra))
        worst = max(abs(la[k] - lb[k]) for k in la)
        if worst > TOLERANCE:
            sys.exit("a timeout moved by %d s between the saves" % worst)
        fields = sum(line.count(" ") for line in la)
        print("ok: %d entries (%d fields) survive save/load; A loaded in %.2f s; "
              "timeouts within %d s" % (n, fields, t1 - t0, worst))
        return 0
    finally:
        for p in (a, b):
            if p:
                p.kill()
                p.wait()


if __name__ == "__main__":
    sys.exit(main())
