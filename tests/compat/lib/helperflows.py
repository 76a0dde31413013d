# SPDX-License-Identifier: GPL-2.0-or-later
"""Control-connection traffic that makes the kernel's ftp, tftp and sip helpers
create expectations, for nsagent.py states and for steps of event cases.

Each flow talks over loopback only, with fixed ports, so the expectations are
the same in every build of a state: ftp PORT (IPv4) and EPSV (IPv6) on a
control connection that stays open, a tftp read request, a SIP REGISTER
(a PERMANENT signalling expectation) and a SIP INVITE with SDP (RTP and RTCP
expectations, class 1). The namespace's ruleset must attach the helpers
(`ct helper set`) to these ports; see conntrack_expect.RULESET.

    helperflows.py FLOW [PARAM=VALUE ...]     one flow, from a test step
"""
import socket
import subprocess
import sys
import time

NETLINK_NETFILTER = 12
SOL_NETLINK = 270
NETLINK_BROADCAST_ERROR = 4
NFNLGRP_CONNTRACK_DESTROY = 3


def _bound(kind, addr, port, v6=False):
    s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    return s


def _ftp_control(addr, sport, dport, v6):
    srv = _bound(socket.SOCK_STREAM, addr, dport, v6)
    srv.listen(4)
    cli = _bound(socket.SOCK_STREAM, addr, sport, v6)
    cli.settimeout(2)
    cli.connect((addr, dport))
    conn, _ = srv.accept()
    srv.close()
    conn.settimeout(2)
    conn.sendall(b"220 ctf-compat\r\n")
    cli.recv(100)
    return cli, conn


def flow_ftp_port(f, held):
    """IPv4: the client announces a data port with PORT."""
    addr, port = f.get("addr", "127.0.0.1"), f.get("data_port", 2121)
    cli, conn = _ftp_control(addr, f.get("sport", 40100), f.get("dport", 21), False)
    # the helper reads a direction's lines only after that direction's first newline
    cli.sendall(b"USER anonymous\r\n")
    conn.recv(100)
    conn.sendall(b"331 ok\r\n")
    cli.recv(100)
    a = addr.replace(".", ",")
    cli.sendall(b"PORT %s,%d,%d\r\n" % (a.encode(), port >> 8, port & 0xff))
    conn.recv(100)
    conn.sendall(b"200 PORT ok\r\n")
    cli.recv(100)
    time.sleep(0.05)
    held.extend([cli, conn])


def flow_ftp_epsv(f, held):
    """IPv6: the server offers a passive data port with EPSV."""
    addr, port = f.get("addr", "::1"), f.get("data_port", 2122)
    cli, conn = _ftp_control(addr, f.get("sport", 40101), f.get("dport", 21), True)
    cli.sendall(b"EPSV\r\n")
    conn.recv(100)
    conn.sendall(b"229 Entering Extended Passive Mode (|||%d|)\r\n" % port)
    cli.recv(100)
    time.sleep(0.05)
    held.extend([cli, conn])


def flow_tftp(f, held):
    """A read request to port 69: the reply is expected from any server port."""
    s = _bound(socket.SOCK_DGRAM, f.get("addr", "127.0.0.1"), f.get("sport", 40102))
    s.sendto(b"\x00\x01ctf-compat\x00octet\x00", (f.get("addr", "127.0.0.1"), 69))
    time.sleep(0.05)
    held.append(s)


def _sip(addr, sport, text, answer=None):
    srv = _bound(socket.SOCK_DGRAM, addr, 5060)
    srv.settimeout(2)
    cli = _bound(socket.SOCK_DGRAM, addr, sport)
    cli.settimeout(2)
    cli.sendto(text.encode(), (addr, 5060))
    data, peer = srv.recvfrom(4096)
    if answer:
        srv.sendto(answer.encode(), peer)
        cli.recv(4096)
    srv.close()
    return cli


def _sip_headers(method, user, addr, sport, tag, cseq):
    return ("%s sip:%s@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=z9hG4bK%d\r\n"
            "From: <sip:%s@%s>;tag=%d\r\nTo: <sip:%s@%s>\r\nCall-ID: %d@%s\r\n"
            "CSeq: %d %s\r\nContact: <sip:%s@%s:%d>;expires=3600\r\n") % (
                method, user, addr, addr, sport, tag, user, addr, tag, user, addr, tag, addr,
                cseq, method, user, addr, sport)


def flow_sip_register(f, held):
    """REGISTER answered 200 OK: a PERMANENT expectation for the contact."""
    addr, sport = f.get("addr", "127.0.0.1"), f.get("sport", 5064)
    req = _sip_headers("REGISTER", "carol", addr, sport, 2, 1) + \
        "Expires: 3600\r\nContent-Length: 0\r\n\r\n"
    ok = req.replace("REGISTER sip:carol@%s SIP/2.0" % addr, "SIP/2.0 200 OK", 1)
    held.append(_sip(addr, sport, req, ok))


def flow_sip_invite(f, held):
    """INVITE with SDP: RTP and RTCP expectations (class 1) for the media port."""
    addr, sport, media = f.get("addr", "127.0.0.1"), f.get("sport", 5062), f.get("media", 8000)
    body = ("v=0\r\no=u 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\n") % (addr, addr, media)
    req = _sip_headers("INVITE", "bob", addr, sport, 1, 1) + \
        "Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    held.append(_sip(addr, sport, req))


def flow_dying(f, held):
    """Keep destroyed entries on the dying list: a DESTROY listener that asks for
    reliable delivery (NETLINK_BROADCAST_ERROR) and never reads. Its tiny buffer
    takes the first event; the kernel then keeps every later destroyed entry
    until its event is delivered, i.e. while the state lives. `entries` is a
    load file that makes them, `delete` lists the conntrack argument vectors
    that destroy them (the first is sacrificed)."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    s.setsockopt(SOL_NETLINK, NETLINK_BROADCAST_ERROR, 1)
    s.bind((0, 1 << (NFNLGRP_CONNTRACK_DESTROY - 1)))
    held.append(s)
    # made after the listener exists, so they carry the event extension
    subprocess.run([f.get("binary", "/usr/sbin/conntrack"), "-R", "-"], input=f.get("entries", ""),
                   capture_output=True, text=True)
    for argv in f.get("delete", []):
        subprocess.run([f.get("binary", "/usr/sbin/conntrack")] + argv, capture_output=True)
    time.sleep(0.05)


FLOWS = {
    "ftp-port": flow_ftp_port,
    "ftp-epsv": flow_ftp_epsv,
    "tftp": flow_tftp,
    "sip-register": flow_sip_register,
    "sip-invite": flow_sip_invite,
    "dying": flow_dying,
}


def main(argv):
    """One flow from the command line (inside a test namespace); sockets close at exit."""
    f = dict(a.split("=", 1) for a in argv[2:])
    f = {k: int(v) if v.isdigit() else v for k, v in f.items()}
    held = []
    FLOWS[argv[1]](f, held)
    if f.get("hold"):
        time.sleep(float(f["hold"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
