#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""protoc --decode ctflow.FlowRecord reads every record the stream writes, with the values
we put in: the schema in proto/ctflow/flow.proto and our encoder agree, addresses are 4 or
16 bytes, and there is no field the schema does not know."""
import ipaddress
import os
import re
import subprocess
import tempfile

from exptest import SRC, check, fail, frames, sample, tool

PROTO_DIR = os.path.join(SRC, 'proto')


def unescape(s):
    """protoc's text format bytes ("\\n\\000\\300P") back to bytes."""
    out, i = bytearray(), 0
    simple = {'n': 10, 'r': 13, 't': 9, '"': 34, "'": 39, '\\': 92, 'a': 7, 'b': 8, 'f': 12,
              'v': 11}
    while i < len(s):
        c = s[i]
        if c != '\\':
            out += c.encode()
            i += 1
        elif s[i + 1] in simple:
            out.append(simple[s[i + 1]])
            i += 2
        elif s[i + 1] == 'x':
            m = re.match(r'[0-9a-fA-F]{1,2}', s[i + 2:])
            out.append(int(m.group(0), 16))
            i += 2 + len(m.group(0))
        else:
            m = re.match(r'[0-7]{1,3}', s[i + 1:])
            out.append(int(m.group(0), 8))
            i += 1 + len(m.group(0))
    return bytes(out)


def decode(protoc, msg):
    r = subprocess.run([protoc, '--decode', 'ctflow.FlowRecord', '-I', PROTO_DIR,
                        os.path.join(PROTO_DIR, 'ctflow', 'flow.proto')],
                       input=msg, capture_output=True, check=False)
    if r.returncode:
        fail('protoc --decode: ' + r.stderr.decode())
    fields = {}
    for line in r.stdout.decode().splitlines():
        name, _, value = line.partition(': ')
        if name[:1].isdigit():
            fail('field unknown to flow.proto: ' + line)
        fields[name] = unescape(value[1:-1]) if value.startswith('"') else value
    return fields


def ip(b):
    return str(ipaddress.ip_address(b))


def main():
    protoc = tool('protoc', 'protobuf-compiler')
    with tempfile.TemporaryDirectory() as d:
        data = sample(os.path.join(d, 'flows.pb'), 2)
    recs = [decode(protoc, m) for _, m in frames(data)]
    check(len(recs) == 6, 'six records in the file')

    tcp = recs[0]
    want = {'type': 'CONNTRACK', 'sequence_num': '1', 'sequence': '1', 'reason': 'END',
            'etype': '2048', 'proto': '6', 'src_port': '40000', 'dst_port': '80',
            'reply_src_port': '8080', 'reply_dst_port': '61000', 'bytes': '600',
            'packets': '4', 'reply_bytes': '4500', 'reply_packets': '3',
            'total_bytes': '1500', 'total_packets': '10', 'reply_total_bytes': '9000000000',
            'reply_total_packets': '8', 'ct_id': '1', 'zone': '7', 'mark': '42',
            'ct_state': '7', 'ct_state_name': b'TIME_WAIT', 'ct_status': '62',
            'netns_inode': '4026531840', 'netns_name': b'blue', 'host_name': b'sample-host',
            'reader_cpu': '1', 'time_flow_start_ns': '1700000000123456789',
            'time_flow_end_ns': '1700000002623456789',
            'time_received_ns': '1700000002623457789'}
    for k, v in want.items():
        check(tcp.get(k) == v, 'tcp4 %s = %s (got %s)' % (k, v, tcp.get(k)))
    for k, v in (('src_addr', '10.0.0.1'), ('dst_addr', '192.0.2.80'),
                 ('reply_src_addr', '10.1.0.80'), ('reply_dst_addr', '198.51.100.1'),
                 ('sampler_address', '192.0.2.254')):
        check(len(tcp[k]) == 4 and ip(tcp[k]) == v, 'tcp4 %s is 4 bytes: %s' % (k, v))
    check(tcp['labels'] == b'\x05' + b'\x00' * 15, 'labels are the 16 kernel bytes')

    udp = recs[1]
    check(udp['reason'] == 'ACTIVE_TIMEOUT' and udp['etype'] == '34525', 'udp6 reason, etype')
    for k, v in (('src_addr', '2001:db8::1'), ('dst_addr', '2001:db8:ffff::53')):
        check(len(udp[k]) == 16 and ip(udp[k]) == v, 'udp6 %s is 16 bytes: %s' % (k, v))
    check('ct_state_name' not in udp, 'no state name for udp')

    icmp = recs[2]
    check(icmp['reason'] == 'START' and icmp['proto'] == '1', 'icmp4 START')
    check(icmp.get('icmp_type') == '8' and icmp.get('icmp_id') == '4660', 'icmp type and id')
    check('src_port' not in icmp, 'no ports for icmp')

    gap = recs[3]
    check(gap['reason'] == 'GAP' and gap['gap_source'] == 'GAP_NETLINK', 'GAP from netlink')
    check(gap['lost_events'] == '99' and 'src_addr' not in gap, 'GAP: lost 99, no flow')
    check([r['sequence'] for r in recs] == [str(i) for i in range(1, 7)], 'sequence 1..6')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
