#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write fuzz seeds from the recorded fixtures (tests/fixtures/*.nl) to DIR.

Each data message becomes two seeds, one per framing of fuzz_ct_parse.c:
b"\\0" + the raw message, and a header byte + the message's payload. Then
minimise with the harness itself:

  make_corpus.py /tmp/all && fuzz_ct_parse -merge=1 tests/fuzz/corpus/ct_parse /tmp/all
"""
import hashlib
import os
import struct
import sys


def messages(path):
    data = open(path, "rb").read()
    pos = 16
    while pos + 4 <= len(data):
        (n,) = struct.unpack_from("<I", data, pos)
        pos += 4
        dgram = data[pos:pos + n]
        pos += n
        off = 0
        while off + 16 <= len(dgram):
            length, mtype, flags = struct.unpack_from("<IHH", dgram, off)
            if mtype >= 16:
                yield dgram[off:off + length], mtype, flags
            off += (length + 3) & ~3


def main():
    out = sys.argv[1]
    fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(fixtures)):
        if not name.endswith(".nl"):
            continue
        for msg, mtype, flags in messages(os.path.join(fixtures, name)):
            head = (1 if mtype & 0xff == 0 else 0) | (2 if flags & 0x400 else 0)
            for seed in (b"\0" + msg, bytes([head | 8]) + msg[16:]):
                digest = hashlib.sha1(seed).hexdigest()
                with open(os.path.join(out, digest), "wb") as f:
                    f.write(seed)


if __name__ == "__main__":
    main()
