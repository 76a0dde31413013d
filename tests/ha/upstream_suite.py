#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The checks of conntrack-tools 1.4.7's conntrackd test suite, run on our own code.

Upstream's suite (tests/conntrackd in 1.4.7) is not available in CI, so this
script re-states its nine checks: seven Stats-mode "-s" queries, a two-router
NOTRACK-over-TCP replication of an ICMP entry, and a NOTRACK multicast start
with the default hash sizes. It adds one of its own: "-k" must stop the Stats
daemon and remove its socket and lock file. Everything runs in private mount
and network namespaces (re-exec under unshare -mn) with tmpfs on /run and
/var/log, on documentation addresses only. The whole suite runs first against
Debian's 1.4.7 conntrackd as the oracle (a check it fails is a harness bug),
then against ours (argv[1], else $CTF_BIN/conntrackd).
Exit 0 when every check passed, 1 otherwise, 77 when it cannot run.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

SKIP = 77
INNER = "CTF_UPSTREAM_INNER"
ORACLE = "/usr/sbin/conntrackd"
TOOLS = ("unshare", "mount", "ip", "nft", "conntrack", "ping")
# Our pid in the name: daemon_pids() matches config paths, and another run of
# this script, in its own mount namespace, must never look like ours.
WORK = "/run/ctf_upstream.%d" % os.getpid()

STATS_CONF = """General {
	HashSize 8192
	LockFile %(dir)s/stats.lock
	UNIX { Path %(dir)s/stats.ctl }
}
Stats {
	LogFile on
}
"""

# (check name, -s argument, text the output must contain or None)
STATS_CHECKS = (
    ("stats_general", (), "cache stats"),
    ("stats_network", ("network",), None),
    ("stats_runtime", ("runtime",), "uptime"),
    ("stats_process", ("process",), None),
    ("stats_queue", ("queue",), None),
    ("stats_ct", ("ct",), "traffic"),
    ("stats_expect", ("expect",), None),
)

NOTRACK_TCP_CONF = """Sync {
	Mode NOTRACK {
		DisableExternalCache on
		DisableInternalCache on
	}
	TCP {
		IPv4_address %(self)s
		IPv4_Destination_Address %(peer)s
		Interface %(dev)s
		Port 3780
	}
}
General {
	LogFile on
	LockFile %(dir)s/%(name)s.lock
	UNIX { Path %(dir)s/%(name)s.ctl }
}
"""

# 1.4.7's own default paths; /var/lock and /var/run resolve into the private /run.
HASH_LOCK = "/var/lock/conntrackd.lock"
HASH_SOCK = "/var/run/conntrackd.sock"
HASH_CONF = """Sync {
	Mode NOTRACK { }
	Multicast {
		IPv4_address 225.0.0.50
		Group 3780
		IPv4_interface 127.0.0.1
		Interface lo
		SndSocketBuffer 1249280
		RcvSocketBuffer 1249280
		Checksum on
	}
}
General {
	LogFile on
	Syslog on
	LockFile %s
	UNIX { Path %s }
	NetlinkBufferSize 2097152
	NetlinkBufferSizeMaxGrowth 8388608
}
""" % (HASH_LOCK, HASH_SOCK)

# client ctf_ns1 - ctf_nsr1 (router, masquerade) - ctf_ns2 server; sync link nsr1 - nsr2
NETNS = ("ctf_ns1", "ctf_ns2", "ctf_nsr1", "ctf_nsr2")
LINKS = (("ctf_ns1", "veth0", "ctf_nsr1", "veth1"),
         ("ctf_nsr1", "veth0", "ctf_ns2", "veth0"),
         ("ctf_nsr1", "veth2", "ctf_nsr2", "veth0"))
ADDRS = (("ctf_ns1", "veth0", "192.0.2.2/24"),
         ("ctf_nsr1", "veth1", "192.0.2.1/24"),
         ("ctf_nsr1", "veth0", "198.51.100.1/24"),
         ("ctf_ns2", "veth0", "198.51.100.2/24"),
         ("ctf_nsr1", "veth2", "203.0.113.2/24"),
         ("ctf_nsr2", "veth0", "203.0.113.3/24"))
ROUTES = (("ctf_ns1", "198.51.100.0/24", "192.0.2.1"),
          ("ctf_ns2", "default", "198.51.100.1"))
SERVER_IP = "198.51.100.2"
# router, own sync address, peer's, sync interface
ROUTERS = (("ctf_nsr1", "203.0.113.2", "203.0.113.3", "veth2"),
           ("ctf_nsr2", "203.0.113.3", "203.0.113.2", "veth0"))
MASQUERADE = """table ip ctf_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oif veth0 masquerade
	}
}
"""


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(SKIP)


def reexec_in_namespaces():
    """Skip unless root with the tools, then run this script again in
    private mount and network namespaces; never returns."""
    if os.geteuid() != 0:
        skip("needs root for mount and network namespaces")
    missing = [t for t in TOOLS if not shutil.which(t)]
    if not os.access(ORACLE, os.X_OK):
        missing.append(ORACLE)
    if missing:
        skip("missing %s (scripts/deps.sh installs them)" % ", ".join(missing))
    env = dict(os.environ, **{INNER: "1"})
    args = [os.path.abspath(a) for a in sys.argv[1:2]]
    child = subprocess.Popen(["unshare", "-mn", "--propagation", "private", sys.executable,
                              os.path.abspath(sys.argv[0])] + args, env=env)
    # a timeout's SIGTERM goes on to the child, whose finally blocks clean up
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signo, _: child.send_signal(signo))
    sys.exit(child.wait())


def private_filesystems():
    """tmpfs on /run and /var/log, so lock files, sockets, logs and named
    network namespaces stay in this mount namespace."""
    for path in ("/run", "/var/log"):
        run("mount", "-t", "tmpfs", "ctf_upstream", path, check=True)
    for path in ("/var/lock", "/var/run"):
        if not os.path.realpath(path).startswith("/run"):
            run("mount", "-t", "tmpfs", "ctf_upstream", path, check=True)
    for path in ("/run/lock", "/run/netns", WORK):
        os.makedirs(path, exist_ok=True)
    run("ip", "link", "set", "lo", "up", check=True)


def run(*args, ns=None, timeout=15, check=False):
    """Run a command (in named netns @ns if given) with a time limit; a
    timeout reads as exit code -1 with "timed out" on stderr."""
    if ns:
        args = ("ip", "netns", "exec", ns) + args
    try:
        r = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        r = subprocess.CompletedProcess(args, -1, "", "timed out")
    if check and r.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(args), r.returncode,
                                                r.stderr.strip()))
    return r


def wait_until(pred, secs, step=0.2):
    """Poll @pred until true or @secs elapsed; returns its last value."""
    end = time.monotonic() + secs
    while True:
        ok = pred()
        if ok or time.monotonic() >= end:
            return ok
        time.sleep(step)


def daemon_pids(conf):
    """Pids of live processes started as "... -C @conf ... -d": the daemons
    (after -d's fork the child keeps the argv), never the -s/-k clients."""
    pids = []
    for d in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if conf.encode() in argv and b"-d" in argv:
            pids.append(int(d))
    return pids


def reap(conf):
    """SIGTERM, then SIGKILL, whatever daemon still runs on @conf."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in daemon_pids(conf):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        if wait_until(lambda: not daemon_pids(conf), 5):
            return


class Suite:
    """One pass of the checks against one conntrackd binary."""

    def __init__(self, daemon, label):
        self.daemon, self.label = daemon, label
        self.dir = os.path.join(WORK, label)
        self.passed = self.failed = 0
        os.makedirs(self.dir, exist_ok=True)

    def check(self, name, ok, why=""):
        if ok:
            self.passed += 1
            print("ok   %s %s" % (self.label, name))
        else:
            self.failed += 1
            print("FAIL %s %s: %s" % (self.label, name, why))
        sys.stdout.flush()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def ctl(self, conf, *args, ns=None):
        return run(self.daemon, "-C", conf, *args, ns=ns)

    def start(self, conf, ns=None):
        """conntrackd -C @conf -d; None when it returned 0, else why not.
        Its output goes to a file: the daemon may keep stderr open."""
        log = conf + ".out"
        args = (("ip", "netns", "exec", ns) if ns else ()) + (self.daemon, "-C", conf, "-d")
        try:
            with open(log, "w") as out:
                rc = subprocess.call(args, stdout=out, stderr=out,
                                     stdin=subprocess.DEVNULL, timeout=15)
        except subprocess.TimeoutExpired:
            rc = -1
        if rc == 0:
            return None
        with open(log) as f:
            return "-d exited %d: %s" % (rc, f.read().strip()[-300:])

    def stop(self, conf, files, ns=None):
        """conntrackd -k; None when it exited 0 and, within 5 s, the daemon
        is gone and @files are removed, else what went wrong."""
        r = self.ctl(conf, "-k", ns=ns)
        if r.returncode != 0:
            return "-k exited %d: %s" % (r.returncode, r.stderr.strip())
        if not wait_until(lambda: not daemon_pids(conf), 5):
            return "daemon %s still runs 5 s after -k" % daemon_pids(conf)
        def left():
            return [p for p in files if os.path.lexists(p)]

        if not wait_until(lambda: not left(), 5):
            return "-k left %s behind" % ", ".join(left())
        return None

    def query(self, conf, args, want, ns=None):
        """conntrackd -C @conf -s @args; None when it exited 0 and stdout
        holds @want (if given), else why not."""
        r = self.ctl(conf, "-s", *args, ns=ns)
        if r.returncode != 0:
            return "exit %d: %s" % (r.returncode, r.stderr.strip())
        if want and want not in r.stdout:
            return "stdout lacks %r: %r" % (want, r.stdout[:300])
        return None


def stats_checks(s):
    """Checks 1-7 on one Stats-mode daemon, then -k (stats_kill)."""
    conf = s.write("stats.conf", STATS_CONF % {"dir": s.dir})
    files = [os.path.join(s.dir, n) for n in ("stats.lock", "stats.ctl")]
    try:
        started = s.start(conf)
        for name, args, want in STATS_CHECKS:
            why = started or s.query(conf, args, want)
            s.check(name, not why, why)
        why = started or s.stop(conf, files)
        s.check("stats_kill", not why, why)
    finally:
        reap(conf)


def build_network():
    """The client - router - server path and the nsr1 - nsr2 sync link."""
    for ns in NETNS:
        run("ip", "netns", "add", ns, check=True)
    for ns, dev, peer_ns, peer_dev in LINKS:
        run("ip", "link", "add", dev, "netns", ns, "type", "veth", "peer", "name",
            peer_dev, "netns", peer_ns, check=True)
    for ns, dev, addr in ADDRS:
        run("ip", "-n", ns, "addr", "add", addr, "dev", dev, check=True)
        run("ip", "-n", ns, "link", "set", dev, "up", check=True)
    for ns, dst, via in ROUTES:
        run("ip", "-n", ns, "route", "add", dst, "via", via, check=True)
    run("sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward", ns="ctf_nsr1", check=True)
    nft = subprocess.run(["ip", "netns", "exec", "ctf_nsr1", "nft", "-f", "-"],
                         input=MASQUERADE, text=True, capture_output=True, timeout=15)
    if nft.returncode != 0:
        raise RuntimeError("nft: " + nft.stderr.strip())


def destroy_network():
    for ns in NETNS:
        run("ip", "netns", "del", ns)


def router_confs(s):
    """{router netns: its config path} for the NOTRACK over TCP pair."""
    confs = {}
    for name, own, peer, dev in ROUTERS:
        text = NOTRACK_TCP_CONF % {"self": own, "peer": peer, "dev": dev,
                                   "dir": s.dir, "name": name}
        confs[name] = s.write(name + ".conf", text)
    return confs


def all_connected(s, confs):
    """Both daemons' -s show server=connected and client=connected."""
    for ns, conf in confs.items():
        out = s.ctl(conf, "-s", ns=ns).stdout
        if "server=connected" not in out or "client=connected" not in out:
            return False
    return True


def icmp_in(ns):
    return "icmp" in run("conntrack", "-L", "-p", "icmp", ns=ns).stdout


def replicate_icmp(s, confs):
    """None when a ping through nsr1 shows up in nsr2's kernel table in 5 s."""
    for ns, conf in confs.items():
        why = s.start(conf, ns=ns)
        if why:
            return "%s: %s" % (ns, why)
    if not wait_until(lambda: all_connected(s, confs), 15, 0.5):
        return "the TCP sync channel did not connect within 15 s"
    if icmp_in("ctf_nsr2"):
        return "an icmp entry is in ctf_nsr2 before the ping"
    r = run("ping", "-c1", "-W5", SERVER_IP, ns="ctf_ns1")
    if r.returncode != 0:
        return "ping %s from ctf_ns1 failed: %s" % (SERVER_IP, r.stdout.strip()[-200:])
    if not wait_until(lambda: icmp_in("ctf_nsr2"), 5, 0.5):
        return "no icmp entry in ctf_nsr2's kernel table within 5 s"
    return None


def notrack_check(s):
    """Check 8: tcp_notrack_replicate_icmp."""
    confs = router_confs(s)
    try:
        try:
            build_network()
            why = replicate_icmp(s, confs)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            why = "setup: %s" % e
        s.check("tcp_notrack_replicate_icmp", not why, why)
    finally:
        for ns, conf in confs.items():
            s.ctl(conf, "-k", ns=ns)
        for conf in confs.values():
            reap(conf)
        destroy_network()


def hash_defaults_check(s):
    """Check 9: hash_defaults_segfault, on 1.4.7's default paths."""
    conf = s.write("hash_defaults.conf", HASH_CONF)
    for path in (HASH_LOCK, HASH_SOCK):
        if os.path.lexists(path):
            os.unlink(path)
    try:
        why = s.start(conf) or s.query(conf, (), "cache") or s.stop(conf, [HASH_LOCK])
        s.check("hash_defaults_segfault", not why, why)
    finally:
        reap(conf)


def run_suite(daemon, label):
    s = Suite(daemon, label)
    print("# %s: %s" % (label, daemon))
    stats_checks(s)
    notrack_check(s)
    hash_defaults_check(s)
    return s


def ours_path():
    if len(sys.argv) > 1:
        return sys.argv[1]
    return os.path.join(os.environ.get("CTF_BIN", "build/bin"), "conntrackd")


def main():
    if os.environ.get(INNER) != "1":
        reexec_in_namespaces()
    signal.signal(signal.SIGTERM, lambda signo, _: sys.exit(128 + signo))
    ours = ours_path()
    if not os.access(ours, os.X_OK):
        print("FAIL: %s is not an executable conntrackd" % ours)
        return 1
    private_filesystems()
    oracle = run_suite(ORACLE, "1.4.7")
    mine = run_suite(os.path.abspath(ours), "ours")
    if oracle.failed:
        print("HARNESS FAILURE: 1.4.7 failed %d check(s), so those checks "
              "(or this machine) are wrong" % oracle.failed)
    passed, failed = oracle.passed + mine.passed, oracle.failed + mine.failed
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
