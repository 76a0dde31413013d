#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write fuzz_syncwire seeds cut from the sync captures (classic pcap) to OUTDIR.

  syncwire_seeds.py OUTDIR CAPTURE.pcap...

Each UDP datagram on the sync port, each direction of a TCP channel
(reassembled, as one stream) and each single message becomes a seed, with
the harness's first byte: 0 (one read) and, for streams, 7 (reads of 7 bytes).
"""
import hashlib
import os
import struct
import sys

PORT = 3780


def packets(path):
    data = open(path, "rb").read()
    magic = struct.unpack_from("<I", data, 0)[0]
    en = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    linktype = struct.unpack_from(en + "I", data, 20)[0]
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack_from(en + "I", data, off + 8)[0]
        yield linktype, data[off + 16:off + 16 + incl]
        off += 16 + incl


def l4(linktype, pkt):
    """-> (key, proto, payload, tcp seq, tcp flags) of an IPv4/IPv6 UDP or TCP packet"""
    if linktype == 1:
        et, p = struct.unpack_from(">H", pkt, 12)[0], 14
        while et in (0x8100, 0x88a8):
            et, p = struct.unpack_from(">H", pkt, p + 2)[0], p + 4
    elif linktype == 113:
        et, p = struct.unpack_from(">H", pkt, 14)[0], 16
    elif linktype == 276:
        et, p = struct.unpack_from(">H", pkt, 0)[0], 20
    else:
        return None
    if et == 0x0800:
        proto, start = pkt[p + 9], p + (pkt[p] & 0xf) * 4
        end, addrs = p + struct.unpack_from(">H", pkt, p + 2)[0], pkt[p + 12:p + 20]
    elif et == 0x86dd:
        proto, start = pkt[p + 6], p + 40
        end, addrs = start + struct.unpack_from(">H", pkt, p + 4)[0], pkt[p + 8:p + 40]
    else:
        return None
    sp, dp = struct.unpack_from(">HH", pkt, start)
    if PORT not in (sp, dp):
        return None
    key = (addrs, sp, dp)
    if proto == 17:
        return key, "udp", pkt[start + 8:end], 0, 0
    if proto == 6:
        seq, flags = struct.unpack_from(">I", pkt, start + 4)[0], pkt[start + 13]
        return key, "tcp", pkt[start + (pkt[start + 12] >> 4) * 4:end], seq, flags
    return None


def messages(buf):
    off = 0
    while off + 8 <= len(buf):
        ln = struct.unpack_from(">H", buf, off + 2)[0]
        if ln < 8 or off + ln > len(buf):
            return
        yield buf[off:off + ln]
        off += ln


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = []
    for path in sys.argv[2:]:
        streams = {}
        for linktype, pkt in packets(path):
            r = l4(linktype, pkt)
            if r is None:
                continue
            key, proto, payload, seq, flags = r
            if proto == "udp":
                seeds.append(b"\0" + payload)
                seeds.extend(b"\0" + m for m in messages(payload))
                continue
            st = streams.setdefault(key, {"next": None, "buf": b""})
            if flags & 0x02:
                st["next"] = (seq + 1) & 0xffffffff
                continue
            if not payload:
                continue
            if st["next"] is None:
                st["next"] = seq
            skip = (st["next"] - seq) & 0xffffffff
            if skip >= len(payload):
                continue
            st["buf"] += payload[skip:]
            st["next"] = (st["next"] + len(payload) - skip) & 0xffffffff
        for st in streams.values():
            seeds.extend((b"\0" + st["buf"], b"\7" + st["buf"]))
            seeds.extend(b"\0" + m for m in messages(st["buf"]))
    for seed in seeds:
        with open(os.path.join(out, hashlib.sha1(seed).hexdigest()), "wb") as f:
            f.write(seed)


if __name__ == "__main__":
    main()
