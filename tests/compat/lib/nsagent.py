#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Namespace agent: builds one test state inside a fresh `unshare -nm`.

The runner starts `unshare -nm -- python3 nsagent.py SPEC.json`. Because
`unshare` does not fork, this process *is* the namespace's first process: the
runner enters the namespace with `nsenter -t PID -n -m`, and the namespace
disappears when this process exits (the runner closes our stdin).

The spec (JSON) says what the state is; nothing here is specific to one tool:
  tmpdir    private scratch directory (a tmpfs is mounted on it)
  etc       {relative path: content}: files overlaid on /etc for this mount
            namespace only (1.4.7 reads /etc/xtables/connlabel.conf and
            nothing else, so tests must never touch the host's file)
  sysctls   {name: value} written below /proc/sys (netns-local ones only)
  nft       an nftables ruleset (a fresh netns tracks nothing until a
            ruleset uses conntrack)
  setup     list of {"argv": [...], "stdin": str|null, "ok_rc": [0]}: commands
            run in order; any other exit code aborts the state
  traffic   list of flows (see FLOWS below) sent over loopback; sockets that
            should stay open are held until we exit
Prints "READY" when done, or "ERROR <why>" and exits 1.
"""
import json
import os
import socket
import stat
import struct
import subprocess
import sys
import time

HELD = []  # sockets kept open (ESTABLISHED entries) until the agent exits


def fail(msg):
    sys.stdout.write("ERROR %s\n" % msg.replace("\n", " | "))
    sys.stdout.flush()
    sys.exit(1)


def run(argv, stdin=None, ok_rc=(0,)):
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    if p.returncode not in ok_rc:
        fail("%s exited %d: %s%s" % (" ".join(argv), p.returncode, p.stdout, p.stderr))
    return p


def overlay_etc(tmpdir, files):
    """Overlay /etc with our files, visible in this mount namespace only."""
    run(["mount", "-t", "tmpfs", "ctf-compat", tmpdir])
    upper, work = os.path.join(tmpdir, "upper"), os.path.join(tmpdir, "work")
    os.makedirs(upper)
    os.makedirs(work)
    for rel, content in files.items():
        path = os.path.join(upper, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if content is None:
            # An overlayfs whiteout (char device 0:0) hides the file even
            # when the host has one.
            os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(0, 0))
            continue
        with open(path, "w") as f:
            f.write(content)
    run(["mount", "-t", "overlay", "overlay", "-o",
         "lowerdir=/etc,upperdir=%s,workdir=%s" % (upper, work), "/etc"])


def set_sysctls(values):
    for name, value in values.items():
        with open("/proc/sys/" + name.replace(".", "/"), "w") as f:
            f.write(str(value))


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def bound(kind, addr, port):
    s = socket.socket(family(addr), kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    return s


def flow_udp(f):
    """`count` datagrams of `size` bytes; the server answers `replies` of them."""
    srv = None
    if f.get("replies", 0) > 0:
        laddr, lport = f.get("listen", (f["dst"], f["dport"]))
        srv = bound(socket.SOCK_DGRAM, laddr, lport)
        srv.settimeout(2)
    cli = bound(socket.SOCK_DGRAM, f["src"], f["sport"])
    cli.settimeout(2)
    for i in range(f.get("count", 1)):
        cli.sendto(b"u" * f.get("size", 8), (f["dst"], f["dport"]))
        if srv is not None and i < f["replies"]:
            data, peer = srv.recvfrom(65536)
            srv.sendto(data, peer)
            cli.recv(65536)
    if srv is not None:
        srv.close()
    cli.close()


def flow_tcp(f):
    """A handshake and no data: the packet and byte counts are exact.

    close=open holds both sockets (ESTABLISHED); close=rst aborts with an RST
    (CLOSE). A graceful close would race delayed ACKs against the second FIN
    and make the counters vary between two restores of the same state.
    """
    laddr, lport = f.get("listen", (f["dst"], f["dport"]))
    srv = bound(socket.SOCK_STREAM, laddr, lport)
    srv.listen(4)
    cli = bound(socket.SOCK_STREAM, f["src"], f["sport"])
    cli.settimeout(2)
    cli.connect((f["dst"], f["dport"]))
    conn, _ = srv.accept()
    srv.close()
    # Let the final ACK of the handshake reach conntrack before anything else.
    time.sleep(0.02)
    if f.get("close", "open") == "rst":
        cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        cli.close()
        time.sleep(0.02)
        conn.close()
    else:
        HELD.extend([cli, conn])


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def flow_icmp(f):
    """One echo request with a fixed id; the kernel answers it on loopback."""
    v6 = ":" in f["dst"]
    payload = b"ctf-compat"
    if v6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        hdr = struct.pack("!BBHHH", 128, 0, 0, f["id"], 1)  # kernel fills the csum
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        hdr = struct.pack("!BBHHH", 8, 0, 0, f["id"], 1)
        hdr = struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), f["id"], 1)
    if "src" in f:
        s.bind((f["src"], 0))
    s.settimeout(2)
    s.sendto(hdr + payload, (f["dst"], 0))
    # Wait for the reply so the entry is SEEN_REPLY before we say READY.
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        data = s.recv(65536)
        off = 0 if v6 else (data[0] & 0x0F) * 4
        if data[off] in (0, 129):
            break
    s.close()


FLOWS = {"udp": flow_udp, "tcp": flow_tcp, "icmp": flow_icmp}


def _helper_flows():
    """Flows that make expectations and dying entries (helperflows.py)."""
    import helperflows
    return {k: (lambda fn: lambda f: fn(f, HELD))(fn) for k, fn in helperflows.FLOWS.items()}


FLOWS.update(_helper_flows())


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    # `unshare` execs us, so our parent is the runner, still in its own netns.
    parent = "/proc/%d/ns/net" % os.getppid()
    if os.stat("/proc/self/ns/net").st_ino == os.stat(parent).st_ino:
        fail("refusing to run in the runner's network namespace")
    try:
        overlay_etc(spec["tmpdir"], spec.get("etc", {}))
        run(["ip", "link", "set", "lo", "up"])
        if spec.get("nft"):
            run(["nft", "-f", "-"], stdin=spec["nft"])
        set_sysctls(spec.get("sysctls", {}))
        for cmd in spec.get("setup", []):
            run(cmd["argv"], stdin=cmd.get("stdin"), ok_rc=tuple(cmd.get("ok_rc", [0])))
        for flow in spec.get("traffic", []):
            FLOWS[flow["kind"]](flow)
    except (OSError, KeyError, ValueError) as e:
        fail("%s: %s" % (type(e).__name__, e))
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    sys.stdin.read()  # the runner closes our stdin when it is done with us


if __name__ == "__main__":
    main()
