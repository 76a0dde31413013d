#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""conntrack at scale: ours against Debian's 1.4.7 and the kernel's own limit.

In one run, in a private network namespace filled with N entries (half udp,
half tcp), it times side by side, interleaved, R times each:
  -L in each format to /dev/null   ours, 1.4.7, and nl_minimal dump (count only)
  -D -p udp (half the table)       ours, 1.4.7, and nl_minimal dump-delete
  -F, -C                           ours and 1.4.7
and reports medians, ratios and peak memory (max RSS), plus ours' peak RSS
at N/10 to show memory is flat in the table size.

A namespace cannot hold more entries than the host's nf_conntrack_max (262144
by default, read-only inside a namespace). --raise-max raises the host's limit
for the run and restores it afterwards; that is the only host change. Without
it N is capped to fit.

  bench/ct_bench.py [-n 1000000] [-r 5] [--raise-max] [--build build] [--json FILE]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = "/usr/sbin/conntrack"
MAX = "/proc/sys/net/netfilter/nf_conntrack_max"
FORMATS = [("default", []), ("extended", ["-o", "extended"]), ("xml", ["-o", "xml"]),
           ("save", ["-o", "save"]), ("extended,id,ktimestamp", ["-o", "extended,id,ktimestamp"])]


def timed(argv):
    """Wall seconds and peak RSS (KiB) of one command, stdout to /dev/null.

    The RSS comes from /usr/bin/time: a child forked from this Python process
    would count Python's own pages in its ru_maxrss before it execs."""
    rss_file = "/tmp/ct_bench.rss.%d" % os.getpid()
    with open(os.devnull, "w") as null:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file] + argv,
                           stdout=null, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        sys.exit("bench: %s failed: %s" % (" ".join(argv), p.stderr.decode(errors="replace")))
    with open(rss_file) as f:
        rss = int(f.read().split()[-1])
    os.unlink(rss_file)
    return dt, rss


def count(minimal):
    out = subprocess.run([minimal, "dump"], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0])


def refill(ours, minimal, n):
    subprocess.run([ours, "-F"], capture_output=True, check=True)
    subprocess.run([minimal, "fill", str(n)], capture_output=True, check=True)
    got = count(minimal)
    if got != n:
        sys.exit("bench: wanted %d entries, have %d" % (n, got))


def inner(args):
    ours = os.path.join(args.build, "bin", "conntrack")
    minimal = os.path.join(args.build, "bin", "nl_minimal")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    n = args.n
    cap = int(open(MAX).read()) - 1000
    if n > cap:
        print("bench: nf_conntrack_max allows %d entries; using that (see --raise-max)" % cap)
        n = cap
    res = {}

    def add(key, sample):
        res.setdefault(key, []).append(sample)

    refill(ours, minimal, n)
    for _ in range(args.runs):
        add("L/minimal", timed([minimal, "dump"]))
        for name, opts in FORMATS:
            add("L/%s/ours" % name, timed([ours, "-L"] + opts))
            add("L/%s/1.4.7" % name, timed([ORACLE, "-L"] + opts))
        add("L/json/ours", timed([ours, "-L", "-o", "json"]))
        add("C/ours", timed([ours, "-C"]))
        add("C/1.4.7", timed([ORACLE, "-C"]))
    for _ in range(args.runs):
        refill(ours, minimal, n)
        add("D/minimal", timed([minimal, "dump-delete"]))
        refill(ours, minimal, n)
        add("D/ours", timed([ours, "-D", "-p", "udp"]))
        refill(ours, minimal, n)
        add("D/1.4.7", timed([ORACLE, "-D", "-p", "udp"]))
        refill(ours, minimal, n)
        add("F/ours", timed([ours, "-F"]))
        refill(ours, minimal, n)
        add("F/1.4.7", timed([ORACLE, "-F"]))
    # Memory flat in the table size: ours' -L peak RSS at n/10.
    refill(ours, minimal, n // 10)
    for _ in range(args.runs):
        add("L/default/ours@n/10", timed([ours, "-L"]))
    subprocess.run([ours, "-F"], capture_output=True, check=True)
    return n, res


def med(samples, i=0):
    return statistics.median(s[i] for s in samples)


def report(n, res, runs):
    lines = ["entries: %d, runs: %d (medians)" % (n, runs), "",
             "| operation | minimal libmnl | ours | 1.4.7 | ours / minimal | 1.4.7 / ours | "
             "peak RSS ours | peak RSS 1.4.7 |",
             "|---|---|---|---|---|---|---|---|"]

    def row(label, mk, ok, rk):
        m = med(res[mk]) if mk else None
        o = med(res[ok])
        r = med(res[rk]) if rk else None
        lines.append("| %s | %s | %.3f s | %s | %s | %s | %.1f MiB | %s |" % (
            label, "%.3f s" % m if m else "–", o, "%.3f s" % r if r else "–",
            "%.2fx" % (o / m) if m else "–", "%.2fx" % (r / o) if r else "–",
            med(res[ok], 1) / 1024, "%.1f MiB" % (med(res[rk], 1) / 1024) if rk else "–"))

    for name, _ in FORMATS:
        row("-L -o %s" % name if name != "default" else "-L", "L/minimal",
            "L/%s/ours" % name, "L/%s/1.4.7" % name)
    row("-L -o json", "L/minimal", "L/json/ours", None)
    row("-D -p udp (half)", "D/minimal", "D/ours", "D/1.4.7")
    row("-F", None, "F/ours", "F/1.4.7")
    row("-C", None, "C/ours", "C/1.4.7")
    lines.append("")
    lines.append("ours -L peak RSS: %.1f MiB at %d entries, %.1f MiB at %d entries" % (
        med(res["L/default/ours"], 1) / 1024, n,
        med(res["L/default/ours@n/10"], 1) / 1024, n // 10))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("-n", type=int, default=1000000, help="entries (default 1000000)")
    ap.add_argument("-r", "--runs", type=int, default=5)
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--raise-max", action="store_true",
                    help="raise the host's nf_conntrack_max for the run (restored after)")
    ap.add_argument("--json", help="also write the raw samples here")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    if args.inner:
        n, res = inner(args)
        json.dump({"n": n, "res": res}, sys.stdout)
        return 0
    if os.geteuid() != 0:
        sys.exit("bench: run as root (it creates a network namespace)")
    old = int(open(MAX).read())
    try:
        if args.raise_max and old < args.n + 100000:
            with open(MAX, "w") as f:
                f.write(str(args.n + 100000))
        argv = ["unshare", "-n", sys.executable, os.path.abspath(__file__), "--inner",
                "-n", str(args.n), "-r", str(args.runs), "--build", args.build]
        out = subprocess.run(argv, stdout=subprocess.PIPE, text=True, check=True).stdout
    finally:
        if int(open(MAX).read()) != old:
            with open(MAX, "w") as f:
                f.write(str(old))
    data = json.loads(out[out.index("{"):])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(data, f)
    print(report(data["n"], data["res"], args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
