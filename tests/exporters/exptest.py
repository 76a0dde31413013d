# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared bits of the exporter script tests: paths, skips, frames, bounded waits."""
import os
import shutil
import subprocess
import sys
import time

SRC = os.environ.get('CTF_SRC', os.path.join(os.path.dirname(__file__), '..', '..'))
BIN = os.environ.get('CTF_BIN', '')
TESTS = os.environ.get('CTF_TESTS', '')
SKIP = 77


def skip(why):
    print('SKIP: ' + why)
    sys.exit(SKIP)


def fail(why):
    print('FAIL: ' + why)
    sys.exit(1)


def tool(name, package):
    """The path of a tool, or a skip naming the Debian package (scripts/deps.sh installs it)."""
    path = shutil.which(name)
    if not path:
        skip('%s not installed (Debian package %s, see scripts/deps.sh)' % (name, package))
    return path


def frames(data):
    """(offset, message bytes) of every length-delimited frame; raises on a bad tail."""
    off = 0
    while off < len(data):
        start, length, shift = off, 0, 0
        while True:
            b = data[off]
            off += 1
            length |= (b & 0x7f) << shift
            shift += 7
            if not b & 0x80:
                break
        if off + length > len(data):
            raise ValueError('truncated frame at %d' % start)
        yield start, data[off:off + length]
        off += length


def sample(path, count=0):
    """Write a record file with ctf-stream-sample (see its header for the records)."""
    subprocess.run([os.path.join(TESTS, 'ctf-stream-sample'), path, str(count)], check=True)
    with open(path, 'rb') as f:
        return f.read()


def start_demo():
    """Start ctf-prom-demo on a free loopback port: (process, port). Close its stdin to stop it."""
    proc = subprocess.Popen([os.path.join(TESTS, 'ctf-prom-demo'), '127.0.0.1', '0'],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    line = proc.stdout.readline().decode().split()
    if len(line) != 2 or line[0] != 'port':
        fail('ctf-prom-demo did not start')
    return proc, int(line[1])


def wait_for(what, cond, timeout=30.0, step=0.1):
    """Poll cond() until it returns something true; fail after timeout seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = cond()
        if got:
            return got
        time.sleep(step)
    fail('timed out waiting for ' + what)


def check(cond, what):
    if not cond:
        fail(what)
    print('ok: ' + what)
