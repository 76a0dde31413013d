#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""ctflow-records end to end: text and JSON lines for a file the stream wrote, stdin, several
files, a truncated tail, a cut prefix, a corrupt length and a corrupt record (each reported
with its byte offset, exit 1), usage errors (exit 2), and --follow across a rotation."""
import json
import os
import select
import subprocess
import tempfile
import time

from exptest import BIN, check, fail, frames, sample

READER = os.path.join(BIN, 'ctflow-records')


def run(*args, stdin=None):
    r = subprocess.run([READER, *args], input=stdin, capture_output=True, timeout=30,
                       check=False)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def write(path, data):
    with open(path, 'wb') as f:
        f.write(data)


def test_text(path):
    rc, out, err = run(path)
    lines = out.splitlines()
    check(rc == 0 and err == '', 'text: exit 0, nothing on stderr')
    check(len(lines) == 7, 'text: one line per record')
    check(lines[0].startswith('2023-11-14T22:13:22.623456Z END ipv4 tcp TIME_WAIT '
                              'src=10.0.0.1 dst=192.0.2.80 sport=40000 dport=80 packets=4 '
                              'bytes=600'), 'text: the tcp line: ' + lines[0])
    check('src=10.1.0.80 dst=198.51.100.1 sport=8080 dport=61000' in lines[0],
          'text: the reply (NAT) tuple')
    check(' ACTIVE_TIMEOUT ipv6 udp src=2001:db8::1 ' in lines[1], 'text: the udp6 line')
    check(' START ipv4 icmp src=127.0.0.1 dst=127.0.0.2 type=8 code=0 id=4660 ' in lines[2],
          'text: the icmp line')
    check(' GAP source=GAP_NETLINK lost=99 cpu=1 ' in lines[3], 'text: the gap line')
    check(all(line.endswith(' seq=%d' % (i + 1)) for i, line in enumerate(lines)),
          'text: sequence numbers')


def test_json(path):
    rc, out, _ = run('-o', 'json', path)
    recs = [json.loads(line) for line in out.splitlines()]
    check(rc == 0 and len(recs) == 7, 'json: seven objects')
    tcp, udp = recs[0], recs[1]
    check(tcp['src_addr'] == '10.0.0.1' and tcp['reply_dst_addr'] == '198.51.100.1',
          'json: addresses')
    check(tcp['reply_total_bytes'] == 9000000000 and tcp['bytes'] == 600, 'json: counters')
    check(tcp['labels'] == '05' + '00' * 15 and tcp['ct_state_name'] == 'TIME_WAIT',
          'json: labels, state')
    check(tcp['host_name'] == 'sample-host' and tcp['sampler_address'] == '192.0.2.254',
          'json: host, sampler')
    check(udp['src_addr'] == '2001:db8::1' and udp['etype'] == 0x86dd, 'json: ipv6')
    check(recs[3]['reason'] == 'GAP' and recs[3]['src_addr'] is None, 'json: gap, no flow')
    check([r['sequence'] for r in recs] == list(range(1, 8)), 'json: sequence')


def test_inputs(path, data):
    rc, out, _ = run('-', stdin=data)
    check(rc == 0 and len(out.splitlines()) == 7, 'stdin: "-" reads standard input')
    rc, out, _ = run(path, path)
    check(rc == 0 and len(out.splitlines()) == 14, 'two files: both printed')
    rc, out, err = run('/nonexistent/flows.pb', path)
    check(rc == 1 and len(out.splitlines()) == 7 and 'No such file' in err,
          'missing file: reported, the others printed, exit 1')
    rc, _, err = run('-o', 'xml', path)
    check(rc == 2 and "unknown output format 'xml'" in err, 'bad format: exit 2')
    rc, _, _ = run()
    check(rc == 2, 'no file: usage, exit 2')
    rc, out, _ = run('--help')
    check(rc == 0 and 'Usage:' in out, '--help: exit 0')


def test_damage(d, data):
    offs = [off for off, _ in frames(data)]
    cases = [
        ('truncated record', data[:-5], 6,
         'truncated record at byte offset %d (a %d-byte frame, %d bytes present)' %
         (offs[6], len(data) - offs[6], len(data) - offs[6] - 5)),
        ('truncated prefix', data + b'\x81', 7,
         'truncated length prefix at byte offset %d (1 bytes present)' % len(data)),
        ('corrupt length', data[:offs[2]] + b'\x00' + data[offs[2]:], 2,
         'corrupt length prefix at byte offset %d' % offs[2]),
        ('oversized length', data[:offs[2]] + b'\xff\xff\x7f', 2,
         'corrupt length prefix at byte offset %d' % offs[2]),
        ('corrupt record', data[:offs[1]] + b'\x03\xff\xff\xff' + data[offs[1]:], 1,
         'corrupt record at byte offset %d (4 bytes)' % offs[1]),
    ]
    for name, blob, good, msg in cases:
        path = os.path.join(d, 'damaged.pb')
        write(path, blob)
        rc, out, err = run(path)
        check(rc == 1, name + ': exit 1')
        check(len(out.splitlines()) == good, '%s: the %d records before it printed' %
              (name, good))
        check(err.strip() == 'ctflow-records: %s: %s' % (path, msg), name + ': ' + err.strip())


def read_lines(proc, want, timeout=10.0):
    """Read lines from a running reader until @want lines came (bounded)."""
    got, buf, end = [], b'', time.monotonic() + timeout
    fd = proc.stdout.fileno()
    while len(got) < want:
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            fail('--follow: got %d of %d lines in time' % (len(got), want))
        chunk = os.read(fd, 65536)
        if not chunk:
            fail('--follow: the reader exited')
        buf += chunk
        *lines, buf = buf.split(b'\n')
        got += [line.decode() for line in lines]
    return got


def test_follow(d, data):
    path = os.path.join(d, 'followed.pb')
    offs = [off for off, _ in frames(data)]
    write(path, data[:offs[2] + 3])  # two records and a bit of the third
    proc = subprocess.Popen([READER, '-f', path], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        check(len(read_lines(proc, 2)) == 2, '--follow: the complete records at once')
        with open(path, 'ab') as f:
            f.write(data[offs[2] + 3:])
        lines = read_lines(proc, 5)
        check(' START ipv4 icmp ' in lines[0], '--follow: the rest when written')
        os.rename(path, path + '.1')
        write(path, data[:offs[1]])
        lines = read_lines(proc, 1)
        check(' END ipv4 tcp ' in lines[0], '--follow: the new file after a rotation')
    finally:
        proc.kill()
        proc.wait()


def main():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'flows.pb')
        data = sample(path, 3)
        test_text(path)
        test_json(path)
        test_inputs(path, data)
        test_damage(d, data)
        test_follow(d, data)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
