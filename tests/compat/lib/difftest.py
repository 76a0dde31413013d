# SPDX-License-Identifier: GPL-2.0-or-later
"""Differential test runner: one oracle binary, one binary under test, same state.

Generic over the tool: a *suite* module supplies fixtures (kernel states, built
by nsagent.py inside `unshare -nm`), a case table and a normaliser factory.
See tests/compat/README.md for the method; in short:

* read-only cases run the oracle, ours, and (only on a mismatch) the oracle
  again on one shared namespace per worker. Ours passes when it equals an
  oracle run; when the two oracle runs agree and ours differs it fails at
  once; when the oracle disagrees with itself (a timeout ticked) the triple
  is retried.
* mutating cases get a freshly built namespace per run; outputs are compared
  as line multisets because the kernel's dump order depends on a per-netns
  hash seed. Oracle-only steps (table dumps) check the resulting state.
* known differences (known_differences.py) replace the oracle comparison by
  an explicit expectation of our behaviour; they are never plain skips.
"""
import concurrent.futures
import dataclasses
import difflib
import fnmatch
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

AGENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nsagent.py")
EXEC_TIMEOUT = 30  # seconds per command; sanitizer builds are slow


@dataclasses.dataclass(frozen=True)
class Result:
    stdout: str
    stderr: str
    rc: object  # int, or "timeout"


@dataclasses.dataclass(frozen=True)
class Step:
    args: tuple
    stdin: str = None
    oracle_only: bool = False  # both sides run the oracle: checks the resulting state
    label: str = ""


@dataclasses.dataclass
class Case:
    name: str
    steps: list
    fixture: str
    mutating: bool = False
    pending: str = None      # why it is not run yet (listed, reported as skip)
    per_step: bool = False   # report one line per step (upstream scenarios)
    known: object = None     # a KnownDifference, attached from known_differences.py
    judge: object = None     # (runner, case) -> Outcome: a case that judges itself (events)


@dataclasses.dataclass
class Fixture:
    name: str
    spec: dict               # nsagent spec, without tmpdir
    description: str = ""


class StateError(Exception):
    pass


def step(*args, stdin=None, oracle_only=False, label=""):
    return Step(tuple(args), stdin, oracle_only, label)


class Namespace:
    """One fresh netns + mount ns holding a fixture's state."""

    def __init__(self, fixture, workroot, env, make_normaliser, oracle, linkdirs=None):
        self.fixture = fixture
        self.env = env
        self.linkdirs = linkdirs or {}
        self.tmpdir = tempfile.mkdtemp(prefix="ns.", dir=workroot)
        spec = dict(fixture.spec, tmpdir=self.tmpdir)
        specfile = os.path.join(workroot, os.path.basename(self.tmpdir) + ".json")
        with open(specfile, "w") as f:
            json.dump(spec, f)
        self.proc = subprocess.Popen(["unshare", "-nm", "--", sys.executable, AGENT, specfile],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline().strip()
        os.unlink(specfile)
        if line != "READY":
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""
            self.close()
            raise StateError("fixture %s: %s %s" % (fixture.name, line or "agent died", err))
        self.normalise = make_normaliser(lambda args: self.run(oracle, args))

    def run(self, binary, args, stdin=None):
        env = self.env
        if binary in self.linkdirs:
            # Run it by name from PATH, so both sides see the same argv[0]
            # (1.4.7 prints it in its usage text).
            linkdir, name = self.linkdirs[binary]
            env = dict(env, PATH=linkdir + ":" + env.get("PATH", "/usr/sbin:/usr/bin"))
            binary = name
        argv = ["nsenter", "-t", str(self.proc.pid), "-n", "-m", "--", binary] + list(args)
        try:
            p = subprocess.run(argv, input=stdin, capture_output=True, text=True,
                               errors="backslashreplace", env=env, timeout=EXEC_TIMEOUT)
            return Result(p.stdout, p.stderr, p.returncode)
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            return Result(out, "<killed after %ds>" % EXEC_TIMEOUT, "timeout")

    def entry_count(self):
        """Entries in this netns, read from the host side without an exec."""
        try:
            with open("/proc/%d/net/stat/nf_conntrack" % self.proc.pid) as f:
                f.readline()
                return int(f.readline().split()[0], 16)
        except (OSError, ValueError, IndexError):
            return None

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for s in (self.proc.stdout, self.proc.stderr):
            s.close()
        # The tmpfs lived in the dead mount namespace; only the empty dir is left.
        shutil.rmtree(self.tmpdir, ignore_errors=True)


class Outcome:
    def __init__(self, case, verdicts, detail="", attempts=1):
        self.case = case
        self.verdicts = verdicts  # [(name, "ok"|"FAIL"|"skip", detail)]
        self.detail = detail
        self.attempts = attempts


def sort_lines(text):
    return "".join(sorted(text.splitlines(keepends=True)))


def fmt_cmd(prog, st):
    cmd = " ".join(shlex.quote(a) for a in (prog,) + st.args)
    return cmd + (" <<< %r" % st.stdin if st.stdin is not None else "")


def diff_results(want, got, prog, st, sorted_note, want_name="oracle", got_name="ours"):
    out = ["  command: %s%s" % (fmt_cmd(prog, st), "  [%s]" % st.label if st.label else ""),
           "  exit: %s %s, %s %s" % (want_name, want.rc, got_name, got.rc)]
    for stream in ("stdout", "stderr"):
        a, b = getattr(want, stream), getattr(got, stream)
        if a != b:
            note = " (lines sorted)" if sorted_note and stream == "stdout" else ""
            d = difflib.unified_diff(a.splitlines(), b.splitlines(), "%s %s%s" % (want_name, stream, note),
                                     "%s %s" % (got_name, stream), lineterm="", n=2)
            out.extend("    " + line for line in d)
    return "\n".join(out)


class Runner:
    # Mutating cases print entries in per-namespace hash order: compare their
    # lines sorted. A suite whose output order is meaningful turns this off.
    SORT_MUTATING = True

    def __init__(self, suite, oracle, ours, jobs=2, retries=4, self_check=False,
                 verbose=False, out=sys.stdout):
        self.suite = suite
        self.oracle = oracle
        self.ours = ours
        self.jobs = jobs
        self.retries = retries
        self.self_check = self_check
        self.verbose = verbose
        self.out = out
        self.lock = threading.Lock()
        self.local = threading.local()
        self.pools = []
        self.workroot = tempfile.mkdtemp(prefix="ctf-compat.")
        self.env = dict(os.environ, LC_ALL="C")
        self.fixtures = {f.name: f for f in suite.fixtures()}
        self.linkdirs = {}
        for i, binary in enumerate(dict.fromkeys((oracle, ours))):
            d = os.path.join(self.workroot, "argv0-%d" % i)
            os.mkdir(d)
            os.symlink(os.path.abspath(binary), os.path.join(d, suite.BINARY))
            self.linkdirs[binary] = (d, suite.BINARY)

    # ---- namespaces -------------------------------------------------------
    def fresh(self, fixture):
        return Namespace(self.fixtures[fixture], self.workroot, self.env,
                         self.suite.make_normaliser, self.oracle, self.linkdirs)

    def shared(self, fixture):
        """This worker's long-lived namespace for read-only cases."""
        pool = getattr(self.local, "pool", None)
        if pool is None:
            pool = self.local.pool = {}
            with self.lock:
                self.pools.append(pool)
        ns = pool.get(fixture)
        if ns is None:
            ns = pool[fixture] = self.fresh(fixture)
        return ns

    def drop_shared(self, fixture):
        ns = self.local.pool.pop(fixture, None)
        if ns:
            ns.close()

    def close(self):
        for pool in self.pools:
            for ns in pool.values():
                ns.close()
        shutil.rmtree(self.workroot, ignore_errors=True)

    # ---- running one side ---------------------------------------------------
    def run_step(self, ns, binary, st, mutating):
        r = ns.run(self.oracle if st.oracle_only else binary, st.args, st.stdin)
        out = ns.normalise(r.stdout)
        if st.oracle_only:
            # The oracle's listing checks the state ours left; how long
            # ago the entries were made (delta-time, start) is not state.
            out = getattr(self.suite, "mask_clock", str)(out)
        if mutating and self.SORT_MUTATING:
            out = sort_lines(out)
        return Result(out, ns.normalise(r.stderr), r.rc)

    def settle(self, i):
        if i:
            # Let the clock move past the creation jiffy of what the last
            # step made, or a fresh timeout shows T on one side, T-1 on the other.
            time.sleep(getattr(self.suite, "SETTLE", 0))

    def run_steps(self, ns, binary, steps, mutating):
        res = []
        for i, st in enumerate(steps):
            self.settle(i)
            res.append(self.run_step(ns, binary, st, mutating))
        return res

    def pair(self, case):
        """The oracle and ours on two fresh states built together, the steps
        run in lockstep (each oracle step, then the same step of ours), so
        every countdown (timeouts, delta-time) has run equally long on both
        sides at each step, however slow one binary is (sanitizer builds)."""
        na = self.fresh(case.fixture)
        try:
            nb = self.fresh(case.fixture)
        except BaseException:
            na.close()
            raise
        try:
            ra, rb = [], []
            for i, st in enumerate(case.steps):
                self.settle(i)
                ra.append(self.run_step(na, self.oracle, st, True))
                rb.append(self.run_step(nb, self.ours, st, True))
            return ra, rb
        finally:
            na.close()
            nb.close()

    def side(self, case, binary, steps=None):
        steps = steps or case.steps
        if not case.mutating:
            return self.run_steps(self.shared(case.fixture), binary, steps, False)
        ns = self.fresh(case.fixture)
        try:
            return self.run_steps(ns, binary, steps, True)
        finally:
            ns.close()

    # ---- judging --------------------------------------------------------
    def judge_plain(self, case):
        """Ours against the oracle with the re-run rule (see module doc)."""
        if case.mutating:
            return self.judge_fresh(case)
        ns = self.shared(case.fixture)
        before = ns.entry_count()
        for attempt in range(1, self.retries + 1):
            a1 = self.side(case, self.oracle)
            b = self.side(case, self.ours)
            after = ns.entry_count()
            if after != before:
                self.drop_shared(case.fixture)
                return self.verdicts(case, [a1], b, attempt,
                                     "table changed by a read-only case: %s -> %s entries"
                                     % (before, after))
            if a1 == b:
                return self.verdicts(case, [a1], b, attempt)
            a2 = self.side(case, self.oracle)
            # Same namespace, values only count down or up: when both oracle
            # runs agree, ours saw that very state too.
            if a1 == a2 or b == a2 or attempt == self.retries:
                note = "" if a1 == a2 or b == a2 else "oracle unstable in every attempt"
                return self.verdicts(case, [a1, a2], b, attempt, note)
        raise AssertionError("unreachable")

    def judge_fresh(self, case):
        """Each side on its own fresh state, in lockstep (see pair()). Two
        states may still differ in a timeout or delta-time second when a step
        straddles one, so a difference only in such fields is retried; ours
        must still equal some oracle run. A second boundary falls between
        the two sides at random (a countdown read a jiffy after it was set
        shows T-1 about a third of the time here), so four attempts leave a
        0.5% chance that every oracle run lands on one side and every run of
        ours on the other; such cases get three times as many attempts."""
        runs, ours_runs = [], []
        for attempt in range(1, 3 * self.retries + 1):
            a, b = self.pair(case)
            runs.append(a)
            ours_runs.append(b)
            if b in runs or self.steps_matched(runs, ours_runs):
                break
            if not all(getattr(self.suite, "volatile_only", lambda a, b: a == b)(x.stdout + x.stderr, y.stdout + y.stderr)
                       and x.rc == y.rc for x, y in zip(a, b)):
                break  # a real difference: re-running cannot help
        return self.verdicts(case, runs, b, attempt, ours_runs=ours_runs)

    @staticmethod
    def steps_matched(oracle_runs, ours_runs):
        """Every step equal in some pair of runs: a long sequence on fresh
        states rarely has all its timeouts on the same side of a second."""
        n = len(ours_runs[-1])
        return all(any(o[i] == b[i] for o in oracle_runs for b in ours_runs
                       if len(o) > i and len(b) > i) for i in range(n))

    def verdicts(self, case, oracle_runs, ours, attempts, note="", ours_runs=None):
        per = []
        details = []
        for i, st in enumerate(case.steps):
            good = any(r[i] == b[i] for r in oracle_runs for b in (ours_runs or [ours])
                       if len(r) > i and len(b) > i)
            name = "%s#%02d" % (case.name, i + 1) if case.per_step else case.name
            per.append((name, "ok" if good else "FAIL", ""))
            if not good:
                if case.per_step:
                    details.append("  [%s]" % name)
                details.append(diff_results(oracle_runs[-1][i], ours[i], self.suite.NAME,
                                            st, case.mutating))
        if note:
            details.insert(0, "  note: " + note)
            if all(v == "ok" for _, v, _ in per):
                per = [(n, "FAIL", "") for n, _, _ in per]
        if not case.per_step and any(v == "FAIL" for _, v, _ in per):
            per = [(case.name, "FAIL", "")]
        elif not case.per_step:
            per = [(case.name, "ok", "")]
        return Outcome(case, per, "\n".join(details), attempts)

    def judge_known(self, case, check):
        """A deliberate difference: ours must meet the documented expectation."""
        kd = case.known
        problems = []
        for attempt in range(1, self.retries + 1):
            ours = self.side(case, self.ours)
            problems = check(case, ours, lambda steps: self.side(case, self.oracle, steps))
            if not problems:
                return Outcome(case, [(case.name, "ok", "")], "", attempt)
        detail = ["  known difference %s: %s" % (kd.name, kd.reason)]
        detail += ["  %s" % p for p in problems]
        detail += ["  ours step %d: exit %s\n%s" % (i + 1, r.rc, "\n".join(
            "    | " + line for line in (r.stdout + r.stderr).splitlines()))
            for i, r in enumerate(ours)]
        return Outcome(case, [(case.name, "FAIL", "")], "\n".join(detail), self.retries)

    def judge(self, case):
        if case.pending:
            return Outcome(case, [(case.name, "skip", case.pending)])
        try:
            if case.judge:
                return case.judge(self, case)
            if case.known and not self.self_check:
                return self.judge_known(case, case.known.check)
            if case.known and getattr(case.known, "self_check", None):
                # the oracle is not deterministic there: what it can be held to
                return self.judge_known(case, case.known.self_check)
            return self.judge_plain(case)
        except StateError as e:
            return Outcome(case, [(case.name, "FAIL", "")], "  state: %s" % e)

    # ---- driving ----------------------------------------------------------
    def report(self, oc):
        with self.lock:
            for name, verdict, why in oc.verdicts:
                extra = " (%s)" % why if why else ""
                if self.verbose and oc.attempts > 1:
                    extra += " [attempts %d]" % oc.attempts
                self.out.write("%-4s %s%s\n" % (verdict, name, extra))
            if oc.detail and any(v == "FAIL" for _, v, _ in oc.verdicts):
                self.out.write(oc.detail + "\n")
            self.out.flush()

    def run(self, cases):
        counts = {"ok": 0, "FAIL": 0, "skip": 0}
        start = time.monotonic()
        # Slow (mutating) cases first so the tail of the run stays short.
        order = sorted(cases, key=lambda c: (not c.mutating, c.name))
        try:
            with concurrent.futures.ThreadPoolExecutor(self.jobs) as ex:
                for oc in ex.map(self.judge, order):
                    self.report(oc)
                    for _, v, _ in oc.verdicts:
                        counts[v] += 1
        finally:
            self.close()
        self.out.write("%s compat: %d passed, %d failed, %d skipped (%.1fs)\n" % (
            self.suite.NAME, counts["ok"], counts["FAIL"], counts["skip"],
            time.monotonic() - start))
        self.out.write("%d passed, %d failed, %d skipped\n" % (
            counts["ok"], counts["FAIL"], counts["skip"]))
        return counts


def select(cases, patterns, include_pending):
    chosen = []
    for c in cases:
        if c.pending and not include_pending:
            continue
        if patterns and not any(fnmatch.fnmatchcase(c.name, p) if any(ch in p for ch in "*?[")
                                else p in c.name for p in patterns):
            continue
        chosen.append(c)
    return chosen


def preflight(oracle):
    """Reason to skip (exit 77), or None."""
    if os.geteuid() != 0:
        return "needs root (network namespaces, conntrack)"
    if not os.access(oracle, os.X_OK):
        return "oracle %s is not installed" % oracle
    for tool in ("unshare", "nsenter", "nft", "ip"):
        if not shutil.which(tool):
            return "%s is not installed" % tool
    p = subprocess.run(["unshare", "-nm", "true"], capture_output=True, text=True)
    if p.returncode:
        return "cannot create network namespaces: %s" % p.stderr.strip()
    return None
