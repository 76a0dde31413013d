# SPDX-License-Identifier: GPL-2.0-or-later
"""Deliberate differences from 1.4.7: the only exclusions, all in one place.

A case that a difference applies to is not compared with the oracle's output.
Instead its check() states what OUR binary must do, mostly derived from what
the oracle does with an equivalent, unambiguous command, so the case still
fails when ours is wrong. In --self-check mode (oracle against itself) these
cases are compared plainly like every other case.
"""
import dataclasses
import ipaddress
import re

from difftest import Result, sort_lines, step

PREFIX = "conntrack v1.4.7 (conntrack-tools): "


@dataclasses.dataclass
class KnownDifference:
    name: str
    reason: str
    applies: object  # (case) -> bool
    check: object    # (case, ours_results, run_oracle(steps)) -> [problem, ...]
    # In --self-check mode cases are compared plainly, unless this says what a
    # second oracle run can be held to where 1.4.7 itself is not deterministic.
    self_check: object = None


def first_args(case):
    return case.steps[0].args


def plain(case, ours, oracle):
    """No difference after all (e.g. 1.4.7 rejects the input first): compare as usual."""
    problems = []
    for i, (w, g) in enumerate(zip(oracle(None), ours)):
        problems += same("step %d" % (i + 1), w, g)
    return problems


def same(label, want, got):
    problems = []
    for field in ("stdout", "stderr", "rc"):
        a, b = getattr(want, field), getattr(got, field)
        if a != b:
            problems.append("%s %s: expected %r, ours %r" % (label, field, a, b))
    return problems


# ---- -h: ours prints a corrected, extended help text -------------------------
def is_help(case):
    # no arguments at all prints the same usage text
    return not first_args(case) or any(a in ("-h", "--help") for a in first_args(case))


def check_help(case, ours, oracle):
    want = oracle(None)[0]
    got = ours[0]
    if want.rc != 0 or "Usage:" not in want.stdout:
        return plain(case, ours, oracle)  # 1.4.7 rejected the command line first
    problems = []
    if got.rc != want.rc or got.stderr != want.stderr:
        problems.append("exit/stderr: expected %r/%r, ours %r/%r" % (want.rc, want.stderr, got.rc, got.stderr))
    for opt in sorted(set(re.findall(r"--[a-z][a-z0-9-]+", want.stdout))):
        if opt not in got.stdout:
            problems.append("help lacks %s, which 1.4.7 documents" % opt)
    if "-p" not in first_args(case) and not re.search(r"^\s+-A\b", got.stdout, re.M):
        problems.append("help lacks -A/--add (1.4.7 supports it but forgot to list it)")
    if "Proto `" in want.stdout and "Proto `" not in got.stdout:
        problems.append("no protocol section for -p")
    return problems


# ---- IPv6 NAT filters: 1.4.7 ignores the address; ours filters -----------------
NAT_OPTS = {"-n": "snat", "--src-nat": "snat", "-g": "dnat", "--dst-nat": "dnat",
            "-j": "any", "--any-nat": "any"}


def nat6_filter(case):
    a = first_args(case)
    if not ("-L" in a or "--dump" in a):
        return None
    for i, opt in enumerate(a[:-1]):
        if opt in NAT_OPTS and ":" in a[i + 1] and not a[i + 1].startswith("-"):
            try:
                split_nat(a[i + 1])
            except ValueError:
                return None  # malformed: 1.4.7 and ours both reject it
            return NAT_OPTS[opt], a[i + 1], i
    return None


def split_nat(arg):
    if arg.startswith("["):
        addr, _, port = arg[1:].partition("]")
        return ipaddress.ip_address(addr), int(port[1:]) if port else None
    return ipaddress.ip_address(arg), None


def tuples(line):
    """The orig and reply tuples (src, dst, sport, dport) of a default-format line."""
    toks = line.split()
    srcs = [i for i, t in enumerate(toks) if t.startswith("src=")]
    out = []
    for lo, hi in ((srcs[0], srcs[1]), (srcs[1], len(toks))):
        tup = {}
        for t in toks[lo:hi]:
            k, _, v = t.partition("=")
            if k in ("src", "dst", "sport", "dport") and k not in tup:
                tup[k] = v
        out.append(tup)
    return out


def nat_matches(kind, line, addr, port):
    """1.4.7's IPv4 rule applied to IPv6: with an address, the entry must be
    address-NATed in that direction and NATed to that address (a port-only
    translation, such as ICMP's echo type change, does not count)."""
    o, r = tuples(line)
    ip = ipaddress.ip_address
    snat = (ip(r["dst"]) != ip(o["src"]) and ip(r["dst"]) == addr and
            (port is None or int(r.get("dport", -1)) == port))
    dnat = (ip(r["src"]) != ip(o["dst"]) and ip(r["src"]) == addr and
            (port is None or int(r.get("sport", -1)) == port))
    return {"snat": snat, "dnat": dnat, "any": snat or dnat}[kind]


def check_nat6(case, ours, oracle):
    kind, arg, _ = nat6_filter(case)
    addr, port = split_nat(arg)
    base = oracle(None)[0]  # 1.4.7: every IPv6 entry of that NAT kind
    kept = [ln for ln in base.stdout.splitlines(keepends=True) if nat_matches(kind, ln, addr, port)]
    stderr = re.sub(r"\d+ flow entries", "%d flow entries" % len(kept), base.stderr)
    return same("ipv6 %s %s" % (kind, arg), Result("".join(kept), stderr, base.rc), ours[0])


# ---- -U: printing and family -------------------------------------------------
# 1.4.7 updates every match but prints only some of them: it sends the update
# and a GET per entry while its dump is still running, and which replies it
# prints depends on the per-netns dump order (verified: 7 updated, 3 printed,
# a different 3 per state). Ours prints every updated entry once. And 1.4.7
# sends -U with the command's family, so without -f or an address it fails
# with "Operation not supported"; ours uses each entry's family.
ADDR_OPTS = {"-s", "--src", "--orig-src", "-d", "--dst", "--orig-dst", "-r", "--reply-src",
             "-q", "--reply-dst", "-f", "--family"}
UPDATED = re.compile(re.escape(PREFIX) + r"(\d+) flow entries have been updated\.\n")


def is_update(case):
    a = first_args(case)
    return "-U" in a or "--update" in a


def update_group(case, oracle):
    """One oracle run of the case -> (lines, count, post results) or None.

    Without a family the case is run as -f ipv4 then -f ipv6 on one state,
    which is what ours does in one go."""
    a = first_args(case)
    first = oracle(None)
    if "Operation not supported" in first[0].stderr and not ADDR_OPTS.intersection(a):
        runs = oracle([step(*a, "-f", "ipv4"), step(*a, "-f", "ipv6")] + case.steps[1:])
        heads, post = runs[:2], runs[2:]
    else:
        heads, post = first[:1], first[1:]
    total, lines = 0, []
    for r in heads:
        m = UPDATED.fullmatch(r.stderr)
        if not m:
            return None
        total += int(m.group(1))
        lines += r.stdout.splitlines()
    return lines, total, post


CLOCK_FIELDS = re.compile(r"delta-time=\d+|\[(start|stop)=[^\]]*\]|<deltatime>\d+</deltatime>")


def mask_clock(line):
    """A listing line without what the clock changes between two fresh states:
    the timeout column, delta-time and the timestamps."""
    toks = CLOCK_FIELDS.sub("*", line).split(" ")
    words = [t for t in toks if t]
    at = 4 if words and words[0] in ("ipv4", "ipv6") else 2
    if len(words) > at and words[at].isdigit():
        words[at] = "*"
    return " ".join(words)


def check_update(case, ours, oracle):
    g1 = update_group(case, oracle)
    if g1 is None:
        return plain(case, ours, oracle)  # an error before or from the kernel: no difference
    g2 = update_group(case, oracle)
    seen = set(map(mask_clock, g1[0])) | set(map(mask_clock, g2[0] if g2 else ()))
    got = [mask_clock(ln) for ln in ours[0].stdout.splitlines()]
    want_err = PREFIX + "%d flow entries have been updated.\n" % g1[1]
    problems = same("summary", Result(ours[0].stdout, want_err, 0 if g1[1] else 1), ours[0])
    problems = [p for p in problems if " stdout:" not in p]
    if len(got) != g1[1]:
        problems.append("ours printed %d entries for %d updated" % (len(got), g1[1]))
    missing = sorted(seen - set(got))
    if missing:
        problems.append("ours did not print these updated entries (1.4.7 did): %s" % missing)
    if len(set(got)) != len(got):
        problems.append("ours printed an entry twice")
    for i, g in enumerate(ours[1:]):
        if all(same("", grp[2][i], g) for grp in (g1, g2) if grp):
            problems += same("table after (step %d)" % (i + 2), g1[2][i], g)
    return problems


def self_check_update(case, ours, oracle):
    """Oracle vs oracle: all but the (order-dependent) list of printed entries."""
    want = oracle(None)
    problems = same("step 1", Result(ours[0].stdout, want[0].stderr, want[0].rc), ours[0])
    for i, (w, g) in enumerate(zip(want[1:], ours[1:])):
        problems += same("step %d" % (i + 2), w, g)
    return problems


# ---- -U -n/-g/-j ADDR: 1.4.7 also sends the address as a NAT change -------
# The kernel refuses to change NAT on an existing entry, so 1.4.7 fails every
# such update. Ours uses the NAT filter only to select entries: the entries
# updated must be exactly those `-L` with the same selection lists.
NAT_WITH_ADDR = {"-n", "--src-nat", "-g", "--dst-nat", "-j", "--any-nat"}
CHANGE_OPTS = {"-m": 1, "--mark": 1, "-u": 1, "--status": 1, "-t": 1, "--timeout": 1,
               "--label-add": 1, "--label-del": 1, "-o": 1, "--output": 1}


def update_nat_addr(case):
    a = first_args(case)
    if not is_update(case):
        return False
    return any(x in NAT_WITH_ADDR and i + 1 < len(a) and not a[i + 1].startswith("-")
               for i, x in enumerate(a))


def selection(a):
    """The -U arguments minus the command and what it changes: the -L filter."""
    out, i = [], 0
    while i < len(a):
        if a[i] in ("-U", "--update"):
            i += 1
        elif a[i] in CHANGE_OPTS:
            i += 2
        else:
            out.append(a[i])
            i += 1
    return out


def tuple_key(line):
    return tuple(t for t in line.split()
                 if t.split("=")[0] in ("src", "dst", "sport", "dport", "type", "code", "id"))


def check_update_nat_addr(case, ours, oracle):
    a = list(first_args(case))
    sel = oracle([step("-L", *selection(a))])[0]
    if sel.rc != 0:
        return plain(case, ours, oracle)  # the selection itself is refused: no difference
    want = sel.stdout.splitlines()
    n = len(want)
    problems = same("summary", Result(ours[0].stdout, PREFIX +
                                      "%d flow entries have been updated.\n" % n, 0 if n else 1),
                    ours[0])
    problems = [p for p in problems if " stdout:" not in p]
    got = ours[0].stdout.splitlines()
    if sorted(map(tuple_key, got)) != sorted(map(tuple_key, want)):
        problems.append("ours updated %s, the selection lists %s" % (got, want))
    mark = a[a.index("-m") + 1] if "-m" in a else None
    if mark is not None and not all("mark=%s " % mark in ln + " " for ln in got):
        problems.append("an updated entry does not carry mark=%s: %s" % (mark, got))
    return problems


# ---- -L -u UNSET: 1.4.7 sends status mask 0 and fails with EINVAL ----------
# The same happens when every word of the list is dropped with a warning: a
# prefix of SRC_NAT or DST_NAT such as `-u S`.
def empty_status(word):
    toks = word.upper().split(",")
    return all(t == "UNSET" or (t and ("SRC_NAT".startswith(t) or "DST_NAT".startswith(t)))
               for t in toks)


def unset_index(a):
    for i in range(len(a) - 1):
        if a[i] in ("-u", "--status") and empty_status(a[i + 1]):
            return i
    return None


def is_list_unset(case):
    a = first_args(case)
    return ("-L" in a or "--dump" in a) and unset_index(a) is not None


def check_unset(case, ours, oracle):
    a = list(first_args(case))
    i = unset_index(a)
    first = oracle(None)[0]
    if "invalid parameters" not in first.stderr:
        return plain(case, ours, oracle)
    warnings = "".join(ln for ln in first.stderr.splitlines(keepends=True) if "WARNING" in ln)
    del a[i:i + 2]
    want = oracle([step(*a)])[0]  # no bit required: the same as no -u at all
    want = Result(want.stdout, warnings + want.stderr, want.rc)
    return same("-u %s lists like no -u" % first_args(case)[i + 1], want, ours[0])


# ---- 1.4.7 crashes: `-p sctp --state FOO` dereferences a missing state name --
SCTP_STATES = {"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
               "SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT"}


def is_sctp_bad_state(case):
    a = first_args(case)
    i = a.index("--state") if "--state" in a else len(a)
    return "sctp" in a and i + 1 < len(a) and a[i + 1].upper() not in SCTP_STATES


def check_sctp_state(case, ours, oracle):
    """Ours must reject it like the TCP parser does, with SCTP in the message."""
    a = ["tcp" if x == "sctp" else x for x in first_args(case)]
    want = oracle([step(*a)])[0]
    want = Result(want.stdout, want.stderr.replace("TCP state", "SCTP state"), want.rc)
    return same("unknown SCTP state", want, ours[0])


# ---- -D expect: 1.4.7 reports "0 expectations have been shown." and exits 1 ---------
def is_exp_delete(case):
    a = first_args(case)
    return len(a) > 1 and a[0] in ("-D", "--delete") and "expect".startswith(a[1]) and a[1] != ""


def check_exp_delete(case, ours, oracle):
    """Where 1.4.7 deleted (and still said "0 ... shown", exit 1), ours says it deleted one
    and exits 0; its errors and the expectations left are 1.4.7's."""
    want = list(oracle(None))
    if want[0].rc == 1 and want[0].stderr == PREFIX + "0 expectations have been shown.\n":
        want[0] = Result(want[0].stdout, PREFIX + "1 expectations have been deleted.\n", 0)
    problems = []
    for i, (w, g) in enumerate(zip(want, ours)):
        problems += same("step %d" % (i + 1), w, g)
    return problems


# ---- -o json: ours only (1.4.7 says "Bad parameter `json'") ---------------------------
def json_output(case):
    a = first_args(case)
    return any(a[i] in ("-o", "--output") and "json" in a[i + 1].lower().split(",")
               for i in range(len(a) - 1)) and not case.judge


def check_json_output(case, ours, oracle):
    """The same listing as 1.4.7's default format, one JSON object per line."""
    import json
    a = list(first_args(case))
    i = next(i for i in range(len(a) - 1) if a[i] in ("-o", "--output"))
    rest = [o for o in a[i + 1].split(",") if o.lower() != "json"]
    a[i + 1:i + 2] = [",".join(rest)] if rest else []
    if not rest:
        del a[i]
    want = oracle([step(*a)] + list(case.steps[1:]))
    got = ours[0]
    problems = []
    if (got.rc, got.stderr) != (want[0].rc, want[0].stderr):
        problems.append("exit/stderr: expected %r %r, ours %r %r" % (want[0].rc, want[0].stderr,
                                                                    got.rc, got.stderr))
    lines = got.stdout.splitlines()
    if len(lines) != len(want[0].stdout.splitlines()):
        problems.append("%d JSON lines for %d entries" % (len(lines), len(want[0].stdout.splitlines())))
    for line in lines:
        try:
            if not isinstance(json.loads(line), dict):
                problems.append("not an object: %r" % line[:80])
        except ValueError:
            problems.append("not JSON: %r" % line[:80])
    return problems


CONNTRACK = [
    KnownDifference("help", "ours prints a corrected and extended help text (1.4.7 omits -A "
                    "and lists --tuple-port-src twice)", is_help, check_help),
    KnownDifference("nat6-filter", "1.4.7 ignores the IPv6 address (and port) of -n/-g/-j and "
                    "lists every IPv6 NAT entry of that kind; ours filters by it",
                    lambda c: nat6_filter(c) is not None, check_nat6),
    KnownDifference("update-nat-addr", "1.4.7 -U with -n/-g/-j ADDR also sends the address as "
                    "a NAT change, which the kernel refuses, so every update fails; ours only "
                    "selects entries with it", update_nat_addr, check_update_nat_addr,
                    self_check_update),
    KnownDifference("update", "1.4.7 -U prints an order-dependent subset of the entries it "
                    "updated, and without -f or an address fails with 'Operation not supported' "
                    "(it sends the command's family); ours prints every updated entry and uses "
                    "each entry's family", is_update, check_update, self_check_update),
    KnownDifference("list-unset", "1.4.7 sends status mask 0 for -L -u UNSET and fails with "
                    "EINVAL; ours lists like without -u (no bit required, as 1.4.7's -D does)",
                    is_list_unset, check_unset),
    KnownDifference("sctp-state", "1.4.7 segfaults on an unknown SCTP state; ours rejects it "
                    "like an unknown TCP state", is_sctp_bad_state, check_sctp_state),
    KnownDifference("exp-delete", "1.4.7's -D expect prints '0 expectations have been shown.' "
                    "and exits 1 even when it deleted the expectation; ours reports the deletion "
                    "and exits 0", is_exp_delete, check_exp_delete),
    KnownDifference("json", "-o json is ours (1.4.7: Bad parameter `json'): the same entries as "
                    "1.4.7's default listing, one JSON object per line", json_output,
                    check_json_output),
]


def attach(cases, table=CONNTRACK):
    for c in cases:
        if c.pending:
            continue
        for kd in table:
            if kd.applies(c):
                c.known = kd
                break
    return cases
