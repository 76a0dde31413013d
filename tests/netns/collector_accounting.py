#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Kernel test of the collector: exact accounting, NAT views, interim records.

Runs itself in a private network namespace (unshare -n). Generates known
TCP, UDP and ICMP flows over loopback, some through nftables DNAT and SNAT
rules, and one long TCP flow; lists the kernel table (1.4.7's conntrack as
the oracle for counters), ends every flow with a flush, stops the collector
and reads its record file back with ctflow-records. Checks that every flow
has exactly one END record whose totals are the kernel's, that the deltas of
all records of a flow add up to those totals, that NAT flows carry both
views, and that the long flow got interim records. Exit 77 when it cannot run.
"""
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

SKIP = 77
BIN = os.environ.get("CTF_BIN", os.path.join(os.path.dirname(__file__), "../../build/bin"))
PORT = 19467

NFT = """
table ip ctf_nat {
	chain output { type nat hook output priority -100;
		tcp dport 9000 dnat to 127.0.0.1:9001
		udp dport 9100 dnat to 127.0.0.1:9101
	}
	chain postrouting { type nat hook postrouting priority 100;
		ip daddr 127.0.0.2 tcp dport 9002 snat to 127.0.0.3
	}
}
table inet ctf_track {
	chain out { type filter hook output priority 0; ct state new counter; }
}
"""


def fail(msg):
    if os.environ.get("CTF_DEBUG"):
        print(scrape())
    print("FAIL: " + msg)
    sys.exit(1)


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(SKIP)


def reexec_in_netns():
    if os.geteuid() != 0:
        skip("needs root for a network namespace")
    if not shutil.which("unshare") or not shutil.which("nft"):
        skip("needs unshare and nft")
    env = dict(os.environ, CTF_IN_NETNS="1")
    r = subprocess.run(["unshare", "-n", sys.executable, os.path.abspath(sys.argv[0])], env=env)
    sys.exit(r.returncode)


def track_all():
    """A ct rule on output: a namespace tracks connections only once something asks."""
    subprocess.run(["nft", "-f", "-"], text=True, check=True,
                   input="table inet ctf_track {\n chain out {\n"
                         " type filter hook output priority 0;\n ct state new counter\n }\n}\n")


def need_tools(oracle=True):
    """Skip unless our collector and reader are built (and 1.4.7's conntrack, if asked)."""
    for tool in ("conntrackd", "ctflow-records"):
        if not os.access(os.path.join(BIN, tool), os.X_OK):
            skip("%s is not built" % tool)
    if oracle and not shutil.which("conntrack"):
        skip("needs conntrack(8) 1.4.7 as the oracle")


def write_conf(path, tmp, records, general="", collector=""):
    """A collector configuration: lock file in @tmp, records to @records,
    /metrics on PORT, plus the given General and Collector directives."""
    with open(path, "w") as f:
        f.write("General {\n\tLockFile %s/lock\n%s}\n"
                "Collector {\n%s}\n"
                "Exporters {\n\tFile {\n\t\tPath %s\n\t}\n"
                "\tPrometheus {\n\t\tAddress 127.0.0.1\n\t\tPort %d\n\t}\n}\n"
                % (tmp, general, collector, records, PORT))


@contextlib.contextmanager
def running(conf, label="", **popen):
    """conntrackd -C @conf, from its seed dump until SIGTERM at the end of
    the block; it must then exit 0. Its stderr, when piped, is left in .err."""
    daemon = subprocess.Popen([os.path.join(BIN, "conntrackd"), "-C", conf], **popen)
    try:
        wait_for(lambda: (metric(scrape(), "ctflow_dumps_total") or 0) >= 1, "the seed dump")
        yield daemon
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.err = daemon.communicate(timeout=30)[1]
    if daemon.returncode != 0:
        fail("%sconntrackd exited %d%s" % (label, daemon.returncode,
                                          ": " + daemon.err if daemon.err else ""))


def read_records(path):
    """A record file as ctflow-records -o json reads it: one dict per record."""
    out = sh(os.path.join(BIN, "ctflow-records"), "-o", "json", path).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def sh(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True)


def scrape():
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % PORT, timeout=2) as r:
            return r.read().decode()
    except OSError:
        return ""


def metric(text, name, labels=""):
    m = re.search(r"^%s%s (\S+)$" % (re.escape(name), re.escape(labels)), text, re.M)
    return float(m.group(1)) if m else None


def wait_for(pred, what, secs=20):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.2)
    fail("timed out waiting for " + what)


def tcp_server(port, stop, addr="127.0.0.1"):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(16)
    srv.settimeout(0.2)

    def serve(conn):
        with conn:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                conn.sendall(data[: len(data) // 2 + 1])

    while not stop.is_set():
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
    srv.close()


def udp_server(port, stop):
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind(("127.0.0.1", port))
    srv.settimeout(0.2)
    while not stop.is_set():
        try:
            data, peer = srv.recvfrom(65536)
        except socket.timeout:
            continue
        srv.sendto(data * 2, peer)
    srv.close()


def tcp_exchange(addr, port, sizes):
    with socket.create_connection((addr, port), timeout=3) as c:
        for n in sizes:
            c.sendall(b"x" * n)
            c.recv(65536)


def ping(ident, seq):
    payload = b"ctflow-test"
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    data = hdr + payload
    s = sum((data[i] << 8) + data[i + 1] for i in range(0, len(data) - 1, 2))
    s = (s >> 16) + (s & 0xFFFF)
    csum = ~(s + (s >> 16)) & 0xFFFF
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as sk:
        sk.settimeout(2)
        sk.sendto(struct.pack("!BBHHH", 8, 0, csum, ident, seq) + payload, ("127.0.0.1", 0))
        sk.recv(1024)


def kernel_flows():
    """id -> (orig packets, orig bytes, reply packets, reply bytes) from 1.4.7's conntrack.

    Our own scrapes of /metrics are left out: the first may predate the
    collector's event sockets, and a flow created before any listener has no
    event extension (nf_conntrack_events=2), so the kernel never reports its
    DESTROY; the collector ends such flows with RESYNC_END records instead.
    """
    out = sh("conntrack", "-L", "-o", "id").stdout
    flows = {}
    for line in out.splitlines():
        if "dport=%d " % PORT in line:
            continue
        m = re.search(r"\bid=(\d+)\s*$", line)  # the conntrack id ends the line
        c = re.findall(r"packets=(\d+) bytes=(\d+)", line)
        if m and len(c) == 2:
            flows[int(m.group(1))] = (int(c[0][0]), int(c[0][1]), int(c[1][0]), int(c[1][1]))
    return flows


def main():
    if os.environ.get("CTF_IN_NETNS") != "1":
        reexec_in_netns()
    need_tools()
    sh("ip", "link", "set", "lo", "up")
    try:
        subprocess.run(["nft", "-f", "-"], input=NFT, text=True, check=True)
    except subprocess.CalledProcessError:
        skip("nftables NAT is not available")

    tmp = tempfile.mkdtemp(prefix="ctf_coll_")
    conf = os.path.join(tmp, "conntrackd.conf")
    records = os.path.join(tmp, "flows.pb")
    write_conf(conf, tmp, records, collector="\tReaders 2\n\tActiveTimeout 1\n"
               "\tCounterPollInterval 1\n\tEnableAccounting on\n")
    with running(conf):
        run_traffic()
        listed = kernel_flows()
        if len(listed) < 12:
            fail("expected at least 12 flows in the kernel, got %d" % len(listed))
        sh("conntrack", "-F")
        if os.environ.get("CTF_DEBUG"):
            print("listed", len(listed), sorted(listed))
        wait_for(lambda: (metric(scrape(), "ctflow_records_total", '{reason="end"}') or 0)
                 >= len(listed), "END records of the flushed flows")
        text = scrape()
    recs = read_records(records)
    check(recs, listed, text)
    shutil.rmtree(tmp)
    print("PASS: %d kernel flows, %d records" % (len(listed), len(recs)))


def run_traffic():
    stop = threading.Event()
    for t in (threading.Thread(target=tcp_server, args=(9001, stop), daemon=True),
              threading.Thread(target=tcp_server, args=(9002, stop, "127.0.0.2"), daemon=True),
              threading.Thread(target=udp_server, args=(9101, stop), daemon=True)):
        t.start()
    time.sleep(0.3)
    for i in range(5):  # DNAT 9000 -> 9001
        tcp_exchange("127.0.0.1", 9000, [100 + i * 10, 7])
    for i in range(3):  # SNAT to 127.0.0.3
        tcp_exchange("127.0.0.2", 9002, [50 + i])
    for i in range(4):  # UDP through DNAT 9100 -> 9101
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.settimeout(2)
            u.sendto(b"q" * (20 + i), ("127.0.0.1", 9100))
            u.recv(4096)
    for i in range(3):
        ping(0x4200 + i, 1)
    # A long flow: data every 0.4 s for 3.5 s, across several counter polls.
    with socket.create_connection(("127.0.0.1", 9001), timeout=3) as c:
        end = time.monotonic() + 3.5
        while time.monotonic() < end:
            c.sendall(b"L" * 1000)
            c.recv(65536)
            time.sleep(0.4)
    time.sleep(0.5)
    stop.set()


def check(recs, listed, text):
    by_id = {}
    for r in recs:
        if r["reason"] == "GAP":
            fail("unexpected GAP record: %s" % r)
        by_id.setdefault(r["ct_id"], []).append(r)
    netns = os.stat("/proc/self/ns/net").st_ino
    for cid, k in listed.items():
        rs = by_id.get(cid, [])
        ends = [r for r in rs if r["reason"] == "END"]
        if len(ends) != 1:
            fail("flow %d: %d END records (want 1): %s" % (cid, len(ends), rs))
        e = ends[0]
        got = (e["total_packets"], e["total_bytes"], e["reply_total_packets"],
               e["reply_total_bytes"])
        if got != k:
            fail("flow %d: END totals %s, kernel listed %s" % (cid, got, k))
        sums = [sum(r[f] for r in rs) for f in ("packets", "bytes", "reply_packets",
                                                 "reply_bytes")]
        if tuple(sums) != k:
            fail("flow %d: deltas add up to %s, totals are %s" % (cid, sums, k))
        if e["netns_inode"] != netns:
            fail("flow %d: netns %s, want %d" % (cid, e["netns_inode"], netns))
        if e["time_flow_start_ns"] == 0 or e["time_flow_end_ns"] < e["time_flow_start_ns"]:
            fail("flow %d: bad start/end times" % cid)
    ends = [r for r in recs if r["reason"] == "END"]
    dnat = [r for r in ends if r["proto"] == 6 and r["dst_port"] == 9000]
    if len(dnat) != 5 or any(r["reply_src_port"] != 9001 for r in dnat):
        fail("DNAT TCP flows: want 5 with reply source port 9001, got %s" % dnat)
    snat = [r for r in ends if r["proto"] == 6 and r["dst_port"] == 9002]
    if len(snat) != 3 or any(r["reply_dst_addr"] != "127.0.0.3" for r in snat):
        fail("SNAT TCP flows: want 3 with reply destination 127.0.0.3, got %s" % snat)
    udp = [r for r in ends if r["proto"] == 17 and r["dst_port"] == 9100]
    if len(udp) != 4 or any(r["reply_src_port"] != 9101 or r["reply_total_packets"] != 1
                            for r in udp):
        fail("DNAT UDP flows: %s" % udp)
    icmp = {r["icmp_id"] for r in ends if r["proto"] == 1}
    if not {0x4200, 0x4201, 0x4202} <= icmp:
        fail("ICMP flows: ids %s" % icmp)
    interim = [r for r in recs if r["reason"] == "ACTIVE_TIMEOUT" and r["proto"] == 6 and
               r["dst_port"] == 9001 and r["packets"] > 0]
    if len({r["ct_id"] for r in interim}) < 1 or len(interim) < 2:
        fail("the long flow got %d interim records" % len(interim))
    if (metric(text, "ctflow_events_malformed_total") or 0) != 0:
        fail("malformed events counted")
    if (metric(text, "ctflow_netlink_overruns_total") or 0) != 0:
        fail("overruns counted at this rate")


if __name__ == "__main__":
    main()
