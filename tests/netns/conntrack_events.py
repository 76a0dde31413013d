#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`conntrack -E` on a real kernel: what the compat suite cannot pin down.

1. [USERSPACE] portid=N progname=X of a process that is still alive when the
   event is printed (the compat suite strips progname, because its own
   conntrack -I processes are gone by then): a helper process with a chosen
   command name creates and deletes an entry over raw ctnetlink and waits.
   Ours must print the same lines as 1.4.7 (run side by side), and in JSON
   carry "portid" and "progname", the name escaped (it holds '"' and '\\').
2. Lost events: with a small -b, stopped (SIGSTOP) for half a second while
   collector_churn runs at full speed, the socket overruns; ours must warn
   as 1.4.7 does, keep going, and its summary must account for every
   generated event: shown + lost == 2 * created.
3. Line-buffered output into a pipe (`conntrack -E | grep`): with stdout a
   pipe, each event line must be readable while the listener still runs,
   in every output format, not when it exits and flushes.
4. -o xml output is a well-formed document whether the listener is stopped
   by SIGINT or SIGTERM: the root element is opened and closed.

Exit 77 when it cannot run (not root, no namespaces, binaries missing).
    conntrack_events.py            (CTF_BIN: our binaries, default build/bin)
"""
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

SKIP = 77
BIN = os.environ.get("CTF_BIN", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                             "../../build/bin"))
CT = os.path.join(BIN, "conntrack")
CHURN = os.path.join(BIN, "collector_churn")
ORACLE = "/usr/sbin/conntrack"
NAME = 'ev"prog\\x'  # a command name JSON must escape

# The helper: raw ctnetlink CT_NEW then CT_DELETE of one UDP entry, from a
# process named NAME that lives on until the listeners are done.
HELPER = r'''
import ctypes, socket, struct, sys, time
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)  # PR_SET_NAME

def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)

def tuple_(src, dst, sp, dp):
    ip = attr(1, socket.inet_aton(src)) + attr(2, socket.inet_aton(dst))
    pr = attr(1, bytes([17])) + attr(2, struct.pack("!H", sp)) + attr(3, struct.pack("!H", dp))
    return attr(1 | 0x8000, ip) + attr(2 | 0x8000, pr)

def msg(kind, flags, body):
    payload = struct.pack("=BBH", socket.AF_INET, 0, 0) + body
    return struct.pack("=IHHII", 16 + len(payload), 0x100 | kind, 1 | 4 | flags, 1, 0) + payload

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETLINK_NETFILTER
s.bind((0, 0))
orig = tuple_("192.0.2.1", "192.0.2.2", 1111, 2222)
reply = tuple_("192.0.2.2", "192.0.2.1", 2222, 1111)
for kind, flags, body in ((0, 0x400 | 0x200, attr(1 | 0x8000, orig) + attr(2 | 0x8000, reply)
                           + attr(7, struct.pack("!I", 100))),
                          (2, 0, attr(1 | 0x8000, orig))):
    s.send(msg(kind, flags, body))
    ack = s.recv(4096)
    err = struct.unpack_from("=i", ack, 16)[0]
    if err:
        sys.exit("ctnetlink error %d" % err)
print("done", flush=True)
time.sleep(30)
'''


STARTED = []  # every process started, killed at the end whatever happens: a
# listener left behind would slow down every namespace's conntrack (the kernel
# formats events for all of them while any listener exists)


def nsenter(ns, argv):
    return ["nsenter", "-t", str(ns.pid), "-n", "--"] + argv


def ns_exec(ns, argv, **kw):
    p = subprocess.Popen(nsenter(ns, argv), **kw)
    STARTED.append(p)
    return p


def ns_run(ns, argv):
    """Run to completion in the namespace; it must succeed."""
    subprocess.run(nsenter(ns, argv), check=True, capture_output=True)


def listen(ns, binary, args):
    """A listener writing to files: a pipe nobody reads would stall it."""
    files = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    p = ns_exec(ns, [binary, "-E"] + args, stdout=files[0], stderr=files[1])
    p.files = files
    return p


def stop(p):
    p.send_signal(signal.SIGINT)
    p.wait(timeout=30)
    out, err = (f.seek(0) or f.read() for f in p.files)
    if p.returncode != 0:
        sys.exit("%s exited %d: %s" % (p.args, p.returncode, err))
    return out, err


def check_progname(ns):
    ours = listen(ns, CT, [])
    oracle = listen(ns, ORACLE, [])
    js = listen(ns, CT, ["-o", "json"])
    time.sleep(0.5)
    helper = ns_exec(ns, ["python3", "-c", HELPER, NAME], stdout=subprocess.PIPE, text=True)
    try:
        if helper.stdout.readline().strip() != "done":
            sys.exit("the helper failed")
        time.sleep(0.5)
        (o, _), (e, _), (j, _) = stop(ours), stop(oracle), stop(js)
    finally:
        helper.kill()
        helper.wait()
    lines = o.splitlines()
    if len(lines) != 2 or any(" progname=" + NAME not in ln for ln in lines):
        sys.exit("ours: want NEW and DESTROY with progname=%s, got %r" % (NAME, o))
    if sorted(lines) != sorted(e.splitlines()):
        sys.exit("ours and 1.4.7 differ:\n%s\n---\n%s" % (o, e))
    portid = int(lines[0].split(" portid=")[1].split()[0])
    objs = [json.loads(ln) for ln in j.splitlines()]
    if [x.get("event") for x in objs] != ["new", "destroy"] or \
            any(x.get("progname") != NAME or x.get("portid") != portid for x in objs):
        sys.exit("json: want portid %d and progname %r in both events, got %r" %
                 (portid, NAME, j))
    print("ok: [USERSPACE] progname=%s as 1.4.7; JSON keeps it escaped" % NAME)


def check_lost(ns):
    p = listen(ns, CT, ["-b", "65536"])
    time.sleep(0.5)
    churn = ns_exec(ns, [CHURN, "0", "2"], stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)
    p.send_signal(signal.SIGSTOP)  # a reader that falls behind: the overrun is certain
    time.sleep(0.5)
    p.send_signal(signal.SIGCONT)
    r = churn.communicate(timeout=60)[0]
    if churn.returncode:
        sys.exit("collector_churn failed")
    created = int(r.split()[1])
    time.sleep(1)
    out, err = stop(p)
    shown = lost = None
    for ln in err.splitlines():
        if ln.endswith("flow events have been shown."):
            shown = int(ln.split(":")[1].split()[0])
        if ln.endswith("flow events have been lost."):
            lost = int(ln.split(":")[1].split()[0])
    if shown != out.count("\n"):
        sys.exit("shown %r, printed %d lines" % (shown, out.count("\n")))
    if "WARNING: We have hit ENOBUFS! We are losing events." not in err or not lost:
        sys.exit("no overrun reported with -b 65536 (shown %r of %d): %s" %
                 (shown, 2 * created, err[-300:]))
    if shown + lost != 2 * created:
        sys.exit("shown %d + lost %d != generated %d" % (shown, lost, 2 * created))
    print("ok: -b 65536 overrun: shown %d + lost %d == generated %d" % (shown, lost, 2 * created))


def check_pipe(ns):
    fmts = [[], ["-o", "extended"], ["-o", "save"], ["-o", "json"], ["-o", "timestamp"],
            ["-o", "xml"]]
    for n, fmt in enumerate(fmts):
        p = ns_exec(ns, [CT, "-E"] + fmt, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        time.sleep(0.3)
        ns_run(ns, [CT, "-I", "-p", "udp", "-s", "10.9.0.1", "-d", "10.9.0.2",
                    "--sport", str(1000 + n), "--dport", "53", "-t", "60"])
        got = b""
        deadline = time.monotonic() + 5
        while b"10.9.0.2" not in got and time.monotonic() < deadline:
            if select.select([p.stdout], [], [], 0.1)[0]:
                chunk = os.read(p.stdout.fileno(), 65536)
                if not chunk:
                    break
                got += chunk
        alive = p.poll() is None
        p.kill()
        p.wait()
        if b"10.9.0.2" not in got or not alive:
            sys.exit("-E %s into a pipe: the NEW event did not arrive while running "
                     "(alive=%s, read %r)" % (" ".join(fmt), alive, got))
        if not got.endswith(b"\n"):
            sys.exit("-E %s into a pipe: a partial line %r" % (" ".join(fmt), got))
    print("ok: -E output reaches a pipe line by line in %d formats" % len(fmts))


def check_xml(ns):
    for n, sig in enumerate((signal.SIGINT, signal.SIGTERM)):
        p = listen(ns, CT, ["-o", "xml"])
        time.sleep(0.3)
        sport = str(2000 + n)
        for cmd in (["-I", "-t", "60"], ["-D"]):
            ns_run(ns, [CT] + cmd + ["-p", "udp", "-s", "10.9.1.1", "-d", "10.9.1.2",
                                     "--sport", sport, "--dport", "53"])
        time.sleep(0.3)
        p.send_signal(sig)
        p.wait(timeout=30)
        out, err = (f.seek(0) or f.read() for f in p.files)
        if p.returncode != 0:
            sys.exit("-E -o xml stopped by %s exited %d: %s" % (sig.name, p.returncode, err))
        try:
            root = ET.fromstring(out)
        except ET.ParseError as e:
            sys.exit("-E -o xml stopped by %s: not well-formed (%s):\n%s" % (sig.name, e, out))
        flows = root.findall("flow")
        types = [f.get("type") for f in flows]
        if root.tag != "conntrack" or types != ["new", "destroy"]:
            sys.exit("-E -o xml stopped by %s: want <conntrack> with a new and a destroy flow, "
                     "got <%s> %r" % (sig.name, root.tag, types))
    print("ok: -E -o xml is a well-formed document after SIGINT and SIGTERM")


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root")
        return SKIP
    for b in (CT, CHURN, ORACLE):
        if not os.access(b, os.X_OK):
            print("SKIP: %s missing" % b)
            return SKIP
    if subprocess.run(["unshare", "-n", "true"]).returncode:
        print("SKIP: no network namespaces")
        return SKIP
    ns = subprocess.Popen(["unshare", "-n", "--", "sleep", "3600"])
    try:
        time.sleep(0.1)
        ns_run(ns, ["ip", "link", "set", "lo", "up"])
        check_progname(ns)
        check_lost(ns)
        check_pipe(ns)
        check_xml(ns)
        return 0
    finally:
        for p in STARTED + [ns]:
            if p.poll() is None:
                p.kill()
                p.wait()


if __name__ == "__main__":
    sys.exit(main())
