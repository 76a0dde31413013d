#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate real TCP, UDP and ICMP flows over loopback, for demos and tests.

Run it inside a network namespace you created (it only talks to 127.0.0.0/8
and ::1). Each round opens short TCP connections, exchanges UDP datagrams
with a reply, and sends an ICMP echo, so the conntrack table fills with
ASSURED, UNREPLIED and closing entries that carry counters.
"""
import argparse
import os
import socket
import struct
import subprocess
import sys
import threading
import time

# A fresh namespace only tracks connections once a ruleset uses conntrack.
TRACK_RULESET = """
table inet ctf_track {
	chain out { type filter hook output priority 0; ct state new counter; }
	chain in { type filter hook input priority 0; ct state new counter; }
}
"""


def in_host_netns():
    """True when this looks like the host's network namespace.

    Same namespace as PID 1 when we may look at it; otherwise (sandboxes hide
    /proc/1/ns) any interface other than loopback, veths and our own ctf*
    devices means we are not in a namespace made for a test or demo.
    """
    try:
        return os.stat("/proc/self/ns/net").st_ino == os.stat("/proc/1/ns/net").st_ino
    except OSError:
        pass
    out = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    names = [line.split(":")[1].strip().split("@")[0] for line in out.splitlines() if ":" in line]
    return any(n != "lo" and not n.startswith(("veth", "ctf")) for n in names)


def tcp_server(port, stop):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(64)
    srv.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        with conn:
            data = conn.recv(65536)
            conn.sendall(b"HTTP/1.0 200 OK\r\n\r\n" + data[:100])
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
        srv.sendto(data[:64], peer)
    srv.close()


def icmp_echo(dst, ident, seq):
    """Send one ICMP echo request; the kernel answers it on loopback."""
    payload = b"ctflow-demo"
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    csum = 0
    data = header + payload
    for i in range(0, len(data), 2):
        csum += (data[i] << 8) + (data[i + 1] if i + 1 < len(data) else 0)
    csum = (csum >> 16) + (csum & 0xFFFF)
    csum = ~(csum + (csum >> 16)) & 0xFFFF
    header = struct.pack("!BBHHH", 8, 0, csum, ident, seq)
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as s:
        s.sendto(header + payload, (dst, 0))


def one_round(n, tcp_port, udp_port):
    dst = "127.0.0.%d" % (1 + n % 8)
    try:
        with socket.create_connection((dst if dst == "127.0.0.1" else "127.0.0.1", tcp_port),
                                      timeout=1) as c:
            c.sendall(b"GET / HTTP/1.0\r\n\r\n" + b"x" * (n % 500))
            c.recv(4096)
    except OSError:
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.settimeout(0.5)
        u.sendto(b"q" * (20 + n % 200), ("127.0.0.1", udp_port))
        try:
            u.recv(4096)
        except socket.timeout:
            pass
    # A datagram nobody answers: an UNREPLIED entry.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.sendto(b"dns?", (dst, 5300 + n % 4))
    try:
        icmp_echo(dst, os.getpid() & 0xFFFF, n & 0xFFFF)
    except PermissionError:
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=5.0, help="how long to run (0: forever)")
    ap.add_argument("--rate", type=float, default=20.0, help="rounds per second")
    ap.add_argument("--tcp-port", type=int, default=8080)
    ap.add_argument("--udp-port", type=int, default=5353)
    ap.add_argument("--no-ruleset", action="store_true",
                    help="do not load the nft table that turns conntrack on")
    args = ap.parse_args()

    if in_host_netns():
        sys.exit("traffic.py: refusing to run in the host's network namespace; "
                 "use 'ip netns exec NS' or 'unshare -n'")
    if not args.no_ruleset:
        subprocess.run(["nft", "-f", "-"], input=TRACK_RULESET.encode(), check=True)
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)

    stop = threading.Event()
    servers = [threading.Thread(target=tcp_server, args=(args.tcp_port, stop), daemon=True),
               threading.Thread(target=udp_server, args=(args.udp_port, stop), daemon=True)]
    for t in servers:
        t.start()
    time.sleep(0.1)
    end = time.monotonic() + args.seconds if args.seconds > 0 else None
    n = 0
    try:
        while end is None or time.monotonic() < end:
            one_round(n, args.tcp_port, args.udp_port)
            n += 1
            time.sleep(1.0 / args.rate)
    except KeyboardInterrupt:
        pass
    stop.set()
    for t in servers:
        t.join(1)
    print("traffic: %d rounds" % n)


if __name__ == "__main__":
    main()
