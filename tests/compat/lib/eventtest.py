# SPDX-License-Identifier: GPL-2.0-or-later
"""Event cases: the oracle's and our `-E` listen side by side in one fresh
namespace while the same operations run, then both get SIGINT.

A case's first step holds the listener's arguments; the others are the
operations, run with the oracle (or `@flow NAME k=v...` for helperflows.py,
`@sleep S`). The two listeners see the very same kernel messages, so their
output must be the same lines (compared as multisets: the two processes may
interleave NEW and UPDATE differently only if the kernel does, which it does
not, but printing order is not what is tested here), the same summary and
exit code. What legitimately differs per process is masked on both sides:
the time a line was printed ([sec.usec], <when>, "time_ns"), delta-time of
events that have no stop yet, and the program name of [USERSPACE] (1.4.7
reads it from /proc after the fact and misses short-lived processes).

A case may carry `expect(oracle, ours) -> [problem]` instead of equality
(deliberate differences, JSON which 1.4.7 lacks), and `ours_args` when ours
runs with other arguments than the oracle.
"""
import os
import re
import signal
import subprocess
import sys
import time

from difftest import Outcome, Result, fmt_cmd, sort_lines

LIB = os.path.dirname(os.path.abspath(__file__))
READY_TIMEOUT = 10
STOP_TIMEOUT = 10
DRAIN = 0.4  # seconds for the listeners to take in the last events

MASKS = [
    (re.compile(r"^\[\d+\.\d+ *\]\t", re.M), "[T]\t"),
    (re.compile(r"<when>.*?</when>"), "<when/>"),
    (re.compile(r'"time_ns":\d+'), '"time_ns":T'),
    (re.compile(r" progname=\S+$", re.M), ""),
    (re.compile(r',"progname":"[^"]*"'), ""),
]
# delta-time of an event without a stop time is "now - start": mask those only
DELTA = re.compile(r"delta-time=\d+")
XML_DELTA = re.compile(r"<deltatime>\d+</deltatime>")


def normalise(text):
    for rx, rep in MASKS:
        text = rx.sub(rep, text)
    lines = []
    for line in text.splitlines(keepends=True):
        if "[stop=" not in line and "<stop>" not in line and "DESTROY" not in line \
                and 'type="destroy"' not in line:
            line = XML_DELTA.sub("<deltatime>D</deltatime>", DELTA.sub("delta-time=D", line))
        lines.append(line)
    return "".join(lines)


def listeners(ns):
    """nfnetlink sockets bound to multicast groups in the namespace."""
    n = 0
    try:
        with open("/proc/%d/net/netlink" % ns.proc.pid) as f:
            for line in f.readlines()[1:]:
                cols = line.split()
                if len(cols) > 3 and cols[1] == "12" and int(cols[3], 16):
                    n += 1
    except OSError:
        pass
    return n


def spawn(runner, ns, binary, args):
    env = runner.env
    if binary in runner.linkdirs:
        d, name = runner.linkdirs[binary]
        env = dict(env, PATH=d + ":" + env.get("PATH", "/usr/sbin:/usr/bin"))
        binary = name
    argv = ["nsenter", "-t", str(ns.proc.pid), "-n", "-m", "--", binary] + list(args)
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, errors="backslashreplace", env=env)


def run_op(runner, ns, st):
    if st.args and st.args[0] == "@sleep":
        time.sleep(float(st.args[1]))
    elif st.args and st.args[0] == "@flow":
        argv = ["nsenter", "-t", str(ns.proc.pid), "-n", "-m", "--", sys.executable,
                os.path.join(LIB, "helperflows.py")] + list(st.args[1:])
        subprocess.run(argv, capture_output=True, timeout=30, env=runner.env)
    else:
        ns.run(runner.oracle, st.args, st.stdin)


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=STOP_TIMEOUT)
        return Result(out, err, p.returncode)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return Result(out, err + "<killed: did not stop on SIGINT>", "timeout")


def listen_once(runner, case):
    """One run: (oracle result, ours result), normalised."""
    ns = runner.fresh(case.fixture)
    procs = []
    try:
        base = listeners(ns)
        ours_args = getattr(case, "ours_args", None) or case.steps[0].args
        if runner.self_check:
            ours_args = case.steps[0].args  # the oracle has no options of ours
        procs.append(spawn(runner, ns, runner.oracle, case.steps[0].args))
        procs.append(spawn(runner, ns, runner.ours, ours_args))
        deadline = time.monotonic() + READY_TIMEOUT
        while listeners(ns) < base + 2 and time.monotonic() < deadline and \
                all(p.poll() is None for p in procs):
            time.sleep(0.02)
        for st in case.steps[1:]:
            run_op(runner, ns, st)
        time.sleep(DRAIN)
        res = [stop(p) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        ns.close()
    return [Result(sort_lines(normalise(ns.normalise(r.stdout))), normalise(r.stderr), r.rc)
            for r in res]


def problems_equal(want, got):
    out = []
    for field in ("rc", "stderr", "stdout"):
        a, b = getattr(want, field), getattr(got, field)
        if a != b:
            out.append("%s differs" % field)
    return out


def judge(runner, case):
    """difftest Case.judge for event cases."""
    expect = getattr(case, "expect", None)
    if runner.self_check:
        expect = None  # the oracle against itself: plain equality
    problems, attempt, a, b = [], 0, None, None
    for attempt in range(1, max(2, runner.retries // 2) + 1):
        a, b = listen_once(runner, case)
        problems = expect(a, b) if expect else problems_equal(a, b)
        if not problems:
            return Outcome(case, [(case.name, "ok", "")], "", attempt)
    detail = ["  listener: %s" % fmt_cmd(runner.suite.NAME, case.steps[0])]
    if getattr(case, "ours_args", None):
        detail.append("  ours listens with: %s" % " ".join(case.ours_args))
    detail += ["  problem: %s" % p for p in problems]
    for name, r in (("oracle", a), ("ours", b)):
        detail.append("  %s: exit %s" % (name, r.rc))
        detail += ["    | " + line for line in (r.stdout + r.stderr).splitlines()[:40]]
    return Outcome(case, [(case.name, "FAIL", "")], "\n".join(detail), attempt)
