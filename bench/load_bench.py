#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`conntrack -R FILE` of N `-A` lines: ours against Debian's 1.4.7.

The file is the mixed table of tests/netns/load_roundtrip.py (tcp in every
state, udp, udplite, sctp, dccp, icmp/icmpv6, gre, an unknown protocol, IPv4
and IPv6, zones, status bits, NAT addresses), or with --simple one tcp line
shape. Each run loads it into the emptied table of a private network
namespace; ours and 1.4.7 alternate, R runs each. Reports the median wall time, the median CPU time
(user + system of the loader) and the ratio, and checks after every run that
the table holds N entries. Nothing runs in the host's namespace.

  bench/load_bench.py [-n 100000] [-r 5] [--simple] [--build build]
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../tests/netns"))
from load_roundtrip import entry  # noqa: E402  (the shared generator)

ORACLE = "/usr/sbin/conntrack"
NS = "ctf_bench_load"


def simple(i):
    return ("-A -t 3000 -u SEEN_REPLY,ASSURED -s 10.%d.%d.%d -d 192.168.1.1 -p tcp "
            "--sport %d --dport 80 --state ESTABLISHED" %
            ((i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff, 1024 + i % 60000))


def ns(*argv, **kw):
    return subprocess.run(["ip", "netns", "exec", NS] + list(argv), check=True, **kw)


def fresh_ns():
    subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
    subprocess.run(["ip", "netns", "add", NS], check=True)


def ctnetlink_listeners():
    """Event sockets (NETLINK_NETFILTER with groups) open in any namespace.

    While one exists anywhere, the kernel formats an event for every entry
    created in every namespace (about a fifth of -R's kernel time here), so
    figures taken then are slower for both tools."""
    seen, found = set(), 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            ns_id = os.readlink("/proc/%s/ns/net" % pid)
            if ns_id in seen:
                continue
            seen.add(ns_id)
            with open("/proc/%s/net/netlink" % pid) as f:
                rows = [ln.split() for ln in f.readlines()[1:]]
        except OSError:
            continue
        found += sum(1 for r in rows if r[1] == "12" and int(r[3], 16))
    return found


def empty_table(ct):
    """Flush the namespace's table, then let the kernel settle.

    Not a fresh namespace per run: the kernel frees a deleted namespace's
    100,000 entries in a background worker, which would compete with the
    next timed run for the CPUs."""
    ns(ct, "-F", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(float(os.environ.get("SETTLE", "0.5")))


def load_once(ct, path, n):
    """Wall and CPU seconds of `ct -R path` into an empty table."""
    empty_table(ct)
    t = time.monotonic()
    p = subprocess.Popen(["ip", "netns", "exec", NS, ct, "-R", path],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t
    err = p.stderr.read().decode()
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("load_bench: %s -R failed: %s" % (ct, err.strip()[:300]))
    count = ns(ct, "-C", stdout=subprocess.PIPE).stdout.decode().strip()
    if count != str(n):
        sys.exit("load_bench: %s loaded %s entries, not %d" % (ct, count, n))
    return wall, ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100000)
    ap.add_argument("-r", type=int, default=5)
    ap.add_argument("--simple", action="store_true")
    ap.add_argument("--build", default=os.path.join(HERE, "../build"))
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("load_bench: run as root")
    ours = os.path.join(args.build, "bin/conntrack")
    for b in (ours, ORACLE):
        if not os.access(b, os.X_OK):
            sys.exit("load_bench: %s not found" % b)
    limit = int(open("/proc/sys/net/netfilter/nf_conntrack_max").read())
    if args.n > limit:
        sys.exit("load_bench: -n %d exceeds nf_conntrack_max %d" % (args.n, limit))
    busy = ctnetlink_listeners()
    if busy:
        print("# warning: %d conntrack event listener(s) running on this machine (conntrack -E, "
              "conntrackd, ...): the kernel then formats an event per entry created, in every "
              "namespace; both tools load slower" % busy)
    gen = simple if args.simple else entry
    with tempfile.NamedTemporaryFile("w", prefix="ctf_load_bench.", suffix=".txt") as f:
        f.write("".join(gen(i) + "\n" for i in range(args.n)))
        f.flush()
        res = {ours: [], ORACLE: []}
        fresh_ns()
        try:
            for _ in range(args.r):
                for ct in (ours, ORACLE):
                    res[ct].append(load_once(ct, f.name, args.n))
        finally:
            subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
    print("# -R of %d %s -A lines, %d runs each, %d CPUs, kernel %s, load %s" % (
        args.n, "tcp" if args.simple else "mixed", args.r, os.cpu_count(), os.uname().release,
        " ".join(open("/proc/loadavg").read().split()[:3])))
    med = {}
    for name, ct in (("ours", ours), ("1.4.7", ORACLE)):
        wall = statistics.median(w for w, _ in res[ct])
        cpu = statistics.median(c for _, c in res[ct])
        med[name] = (wall, cpu)
        print("%-6s wall %.3f s (min %.3f max %.3f)  cpu %.3f s  %.0f entries/s" % (
            name, wall, min(w for w, _ in res[ct]), max(w for w, _ in res[ct]), cpu,
            args.n / wall))
    print("ratio  wall %.1fx  cpu %.1fx" % (med["1.4.7"][0] / med["ours"][0],
                                           med["1.4.7"][1] / max(med["ours"][1], 1e-9)))


if __name__ == "__main__":
    main()
