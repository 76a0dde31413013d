#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Differential test of the conntrackd.conf parser against conntrackd 1.4.7.

Every case file (tests/compat/conf/cases/*.conf and the shipped examples in
tests/fixtures/conf/) goes through /usr/sbin/conntrackd -C FILE, started in a
private mount+network namespace and stopped as soon as it is up, and through
ctf-conf-check (our parser). Both must accept, or both must reject; when 1.4.7
reports a syntax error, the line must match too.

The namespace has veth links eth2 and eth3 (192.168.100.100/24 on eth2), a tmpfs
on /run and /var/log, so lock files, sockets and logs never touch the host.
Then CTF_CONF_MUTANTS (default 300) deterministic mutants of those examples
(seed CTF_CONF_SEED, default 1) go through both the same way.
Exit 77 (skip) without root, unshare or the oracle.
"""
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import time

ORACLE = '/usr/sbin/conntrackd'
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, '..', '..', '..'))

# Errors 1.4.7 raises while parsing (it exits from inside the grammar).
PARSE_FATAL = [
    r'too many dedicated links', r'with other dedicated link protocols',
    r"cannot use both `Stats' and `Sync'", r'unknown scheduler', r"`Priority' must be",
    r"`PollSecs' clause must be", r'unknown layer [34] protocol', r"Unknown `.*' helper",
    r'Unknown policy', r'Helper policy configuration empty', r'Helper Policy is longer',
    r'IPv6 unsupported', r'Path is longer than',
]
# Start-up failures that the file alone decides (no link, no Interface, no group, ...).
CONFIG_INIT = [r"can't open channel socket: (No such file or directory|"
               r"Address family not supported by protocol|Invalid argument)"]
# Start-up failures of this kernel or machine, not of the file: the parse passed
# (this kernel has no nfnetlink_cthelper, so no Helper Type can start).
ENV_INIT = [r'trying to configure cthelper']
# Start-up failures that say nothing about the parser: a mutant named an
# interface this namespace lacks, a lock or log path that cannot exist, a hash
# table too big for this machine.
ENV_SKIP = [r'is an invalid interface', r"lockfile `.*' exists", r"can't allocate memory",
            r"can't open logfile", r"can't open unix socket", r'cannot open the log',
            r"can't open channel socket", r'Read-only file system']  # the rest: an IPv4_interface this host lacks, ...
# Deliberate differences (README, "Configuration: differences from 1.4.7"):
# numbers beyond INT_MAX wrapped or crashed 1.4.7, and are refused here.
# An IPv6 address in an IPv4 multicast link (or the reverse) is refused at once.
KNOWN = [r'is too large \(at most (2147483647|65535)\)', r'this Multicast link is already IPv']


def classify(out, state):
    m = re.search(r"parsing config file in line \((\d+)\), symbol '(Collector|Exporters)'", out)
    if m:
        return 'SKIP'  # our own sections: 1.4.7 stops there
    m = re.search(r'parsing config file in line \((\d+)\)', out)
    if m:
        return 'REJECT line %s' % m.group(1)
    if any(re.search(p, out) for p in PARSE_FATAL):
        return 'REJECT'
    if state == 'up':
        return 'ACCEPT'
    # killed by a signal: 1.4.7 crashed (a hash table of a billion buckets, say)
    if re.search(ENV_SKIP[0], out) or state == 'timeout' or state.startswith('exit -'):
        return 'SKIP'
    if any(re.search(p, out) for p in CONFIG_INIT):
        return 'REJECT'
    if any(re.search(p, out) for p in ENV_SKIP):
        return 'SKIP'
    if any(re.search(p, out) for p in CONFIG_INIT):
        return 'REJECT'
    if any(re.search(p, out) for p in ENV_INIT):
        return 'ACCEPT'
    return 'UNKNOWN (%s)' % state


def run_oracle(path, limit=5.0):
    p = subprocess.Popen([ORACLE, '-C', path], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.set_blocking(p.stdout.fileno(), False)
    out, state, t0 = b'', None, time.monotonic()
    while time.monotonic() - t0 < limit:
        chunk = p.stdout.read()
        if chunk:
            out += chunk
        if b'initialization completed' in out:
            state = 'up'
            break
        if p.poll() is not None:
            rest = p.stdout.read()
            out += rest or b''
            state = 'exit %d' % p.returncode
            break
        time.sleep(0.005)
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(3)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        state = state or 'timeout'
    shutil.rmtree('/run/lock', ignore_errors=True)
    os.makedirs('/run/lock', exist_ok=True)
    return classify(out.decode(errors='replace'), state), out.decode(errors='replace')


def run_ours(checker, path):
    r = subprocess.run([checker, path], capture_output=True, text=True, errors='replace',
                       timeout=10)
    if r.returncode not in (0, 1):
        return 'CRASH %d' % r.returncode, r.stderr
    return r.stdout.strip(), r.stderr


def same(oracle, ours):
    if oracle.startswith('REJECT line'):
        return ours == oracle
    if oracle == 'REJECT':
        return ours.startswith('REJECT')
    return ours == oracle


def cases():
    files = sorted(glob.glob(os.path.join(HERE, 'cases', '*.conf')))
    # the shipped 1.4.7 examples; ctflow-*.conf use our extensions, which 1.4.7 rejects
    files += sorted(f for f in glob.glob(os.path.join(SRC, 'tests', 'fixtures', 'conf', '*.conf'))
                    if not os.path.basename(f).startswith('ctflow-'))
    # CTF_CONF_EXTRA=DIR adds every file of DIR (a fuzzer corpus, say)
    if os.environ.get('CTF_CONF_EXTRA'):
        files += sorted(glob.glob(os.path.join(os.environ['CTF_CONF_EXTRA'], '*')))
    return files


# Words and bytes the mutator splices into the fixtures: every token class of
# 1.4.7's lexer, the keywords of each section, and bytes it treats specially.
ATOMS = ['{', '}', '\n', ' ', '#', '# c\n', '"', '\x00', '\xb9', '\xc3\xa9', '\r', '\t', 'on',
         'off', 'yes', 'NO',
         '||', '0', '65536', '-1', '+5', '1.2.3.4', '10.0.0.0/8', '::1', 'fe80::1/64', 'abc',
         'dead:beef', '1:2', '/run/x', '/run/a}b', 'eth2', 'br-lan', 'ftp', 'inet', 'tcp', 'udp',
         'FTFW', 'alarm', 'NoTrack', 'nack', 'PERSISTENT', 'Default', 'for', 'TCP', 'UDP', 'ICMP',
         'ESTABLISHED', 'CLOSED', 'General', 'Sync', 'Stats', 'Helper', 'Mode', 'Multicast',
         'Filter', 'From', 'Kernelspace', 'Protocol', 'Address', 'State', 'Accept', 'Ignore',
         'IPv4_address', 'IPv6_address', 'IPv4_interface', 'Interface', 'Group', 'Port',
         'Checksum', 'HashSize', 'LogFile', 'Syslog', 'local3', 'LockFile', 'UNIX', 'Path',
         'Backlog', 'Nice', 'Scheduler', 'Type', 'Priority', 'PollSecs', 'Options',
         'ExpectationSync', 'Policy', 'ExpectMax', 'QueueNum', 'Setup', 'CommitTimeout',
         'DisableExternalCache', 'RefreshTime', 'ErrorQueueLength', 'IPv4_Destination_Address']


def mutants(count, seed):
    """Deterministic mutants of the 1.4.7 fixtures: token-level splices."""
    import random
    rnd = random.Random(seed)
    bases = [open(f, encoding='latin-1').read() for f in cases()]
    tmpdir = '/run/ctf-conf-mutants'
    os.makedirs(tmpdir, exist_ok=True)
    for i in range(count):
        toks = re.split(r'(\s+)', rnd.choice(bases)) or ['']
        for _ in range(rnd.randint(1, 3)):
            if not toks:
                toks = ['']
            j = rnd.randrange(len(toks))
            op = rnd.randrange(6)
            if op >= 4 and toks[j]:
                # a byte edit inside a token: the lexer's longest-match corners
                k = rnd.randrange(len(toks[j]) + 1)
                c = rnd.choice('0123456789abcdefABCDEF:./-_#|{}"xyzONn \t\n\r+') if op == 4 else ''
                toks[j] = toks[j][:k] + c + toks[j][k + (op == 5):]
            elif op == 0:
                del toks[j]
            elif op == 1:
                toks.insert(j, rnd.choice(ATOMS))
            elif op == 2:
                toks[j] = rnd.choice(ATOMS)
            else:
                toks.insert(j, toks[rnd.randrange(len(toks))])
        path = os.path.join(tmpdir, 'mutant-%d-%04d.conf' % (seed, i))
        with open(path, 'w', encoding='latin-1', newline='') as fh:
            fh.write(''.join(toks))
        yield path


def inner(checker):
    # 1.4.7 creates whatever LogFile or LockFile a case names: make every other
    # path read-only in this mount namespace, so a stray path fails (and the case
    # is skipped) instead of landing on the host. Nothing is mounted over /tmp:
    # the source tree and the checker may live there (a CI clone).
    setup = """
    mount --make-rprivate / && mount -o remount,bind,ro / &&
    mount -t tmpfs none /run && mkdir -p /run/lock && mount -t tmpfs none /var/log &&
    ip link set lo up &&
    ip link add eth2 type veth peer name peer2 && ip link add eth3 type veth peer name peer3 &&
    ip link add br-lan type veth peer name peer4 && ip link add veth_a type veth peer name peer5 &&
    ip link add eth2.5 type veth peer name peer6 &&
    ip addr add 192.168.100.100/24 dev eth2 && ip addr add fd00::1/64 dev eth2 nodad &&
    for l in eth2 eth3 br-lan veth_a eth2.5 peer2 peer3 peer4 peer5 peer6; do
        ip link set $l up; done &&
    ip route add 224.0.0.0/4 dev eth2 &&
    if [ -e /dev/log ]; then mount --bind /dev/null /dev/log; fi
    """
    subprocess.run(['sh', '-ec', setup], check=True)
    passed = failed = skipped = 0
    count = int(os.environ.get('CTF_CONF_MUTANTS', '300'))
    seed = int(os.environ.get('CTF_CONF_SEED', '1'))
    for path in cases() + list(mutants(count, seed)):
        name = os.path.relpath(path, SRC) if path.startswith(SRC) else path
        oracle, oout = run_oracle(path)
        ours, oerr = run_ours(checker, path)
        if oracle == 'SKIP':
            skipped += 1
            if os.environ.get('V'):
                reason = [l for l in oout.splitlines() if 'channel' in l or 'invalid' in l or 'lock' in l or 'memory' in l] or oout.splitlines()[-1:]
                print('skip %s: ours %s; 1.4.7 %s' % (name, ours, (reason or ['?'])[-1]))
                if not path.startswith(SRC):
                    print('  input: %r' % open(path, encoding='latin-1').read())
        elif oracle.startswith('UNKNOWN'):
            print('FAIL %s: cannot classify 1.4.7: %s\n%s' % (name, oracle, oout.strip()))
            if not path.startswith(SRC):
                print('  input: %r' % open(path, encoding='latin-1').read())
            failed += 1
        elif not oracle.startswith('UNKNOWN') and any(re.search(k, oerr) for k in KNOWN):
            passed += 1
            print('known %s: %s' % (name, oerr.strip()))
        elif same(oracle, ours):
            passed += 1
            if os.environ.get('V'):
                print('ok   %s: %s' % (name, ours))
        else:
            print('FAIL %s: 1.4.7 %s, ours %s\n  1.4.7: %s\n  ours: %s' %
                  (name, oracle, ours, oout.strip().replace('\n', '\n         '), oerr.strip()))
            if not path.startswith(SRC):
                print('  input: %r' % open(path, encoding='latin-1').read())
            failed += 1
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 1 if failed else 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == '--inner':
        return inner(sys.argv[2])
    if len(sys.argv) != 2:
        print('usage: run_conf.py PATH/TO/ctf-conf-check', file=sys.stderr)
        return 2
    checker = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0 or not shutil.which('unshare') or not shutil.which('ip'):
        print('skip: needs root, unshare and ip')
        return 77
    if not os.access(ORACLE, os.X_OK):
        print('skip: no %s (conntrackd 1.4.7)' % ORACLE)
        return 77
    if not os.access(checker, os.X_OK):
        print('no checker at %s' % checker, file=sys.stderr)
        return 2
    probe = subprocess.run(['unshare', '-nm', 'true'], capture_output=True)
    if probe.returncode != 0:
        print('skip: cannot create namespaces')
        return 77
    r = subprocess.run(['unshare', '-nm', sys.executable, os.path.abspath(__file__),
                        '--inner', checker])
    return r.returncode


if __name__ == '__main__':
    sys.exit(main())
