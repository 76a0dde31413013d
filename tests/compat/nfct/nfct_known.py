# SPDX-License-Identifier: GPL-2.0-or-later
"""nfct's deliberate differences from 1.4.7, each with what ours must do instead.

A case with a difference is not compared plainly with the oracle: its check()
derives the expected result from what the oracle does with the equivalent
1.4.7 command line, so the case still fails when ours is wrong. In
--self-check mode every case is compared plainly.

The differences (see doc/nfct.8, COMPATIBILITY):
  hint     a helper command that fails with EINVAL on a kernel without
           nfnetlink_cthelper prints one more stderr line saying so
  help     -h, --help and the single word `help' print a help text that
           describes nfct (1.4.7 cannot print its own: `help' is a prefix of
           `helper', and its text speaks of "accounting objects")
  version  -V, --version and the single word `version' print the version
           (1.4.7 wants three words: `nfct list version')
  json     -o/--output json before the command prints policies and helpers as
           JSON, one object per line
  netns    --netns NAME|PATH before the command works in that namespace
  protocols  without /etc/protocols the nine protocols cttimeout knows are
           still understood by name
"""
import dataclasses
import json
import re

from difftest import Case, step

PREFIX = "nfct v1.4.7: "
EINVAL = PREFIX + "netlink error: Invalid argument\n"
HINT = ("Hint: this kernel has no nfnetlink_cthelper (CONFIG_NF_CT_NETLINK_HELPER), "
        "so it cannot run user-space helpers\n")
COMMANDS = ("list", "add", "delete", "get", "flush", "disable", "default-set", "default-get")
SUBSYSTEMS = ("timeout", "helper", "version", "help")


@dataclasses.dataclass
class KnownDifference:
    name: str
    reason: str
    check: object  # (case, ours_results, run_oracle(steps)) -> [problem, ...]


def match(words, s):
    """1.4.7's word matching: the first word that @s is a prefix of."""
    return next((w for w in words if w.startswith(s)), None)


def subsystem(args):
    """The subsystem 1.4.7 picks for @args, or None when it rejects them."""
    if len(args) < 2:  # 1.4.7 wants argc >= 3, argv[0] included
        return None
    if match(COMMANDS, args[0]):
        return match(SUBSYSTEMS, args[1])
    sub = match(SUBSYSTEMS, args[0])
    return sub if sub and match(COMMANDS, args[1]) else None


def same(label, want, got):
    return ["%s %s: expected %r, ours %r" % (label, f, getattr(want, f), getattr(got, f))
            for f in ("stdout", "stderr", "rc") if getattr(want, f) != getattr(got, f)]


def with_hint(want):
    """What ours prints where 1.4.7 prints @want: the hint after an EINVAL from cthelper."""
    if want.stderr.endswith(EINVAL):
        return dataclasses.replace(want, stderr=want.stderr + HINT)
    return want


def check_hint(case, ours, oracle):
    problems = []
    for i, (want, got) in enumerate(zip(oracle(None), ours)):
        if subsystem(case.steps[i].args) == "helper":
            want = with_hint(want)
        problems += same("step %d" % (i + 1), want, got)
    return problems


HINT_DIFF = KnownDifference(
    "hint", "helper commands that fail with EINVAL explain that the kernel lacks cthelper",
    check_hint)


# ---- help and version ----------------------------------------------------------------
def check_help(case, ours, oracle):
    del oracle
    problems = []
    for i, got in enumerate(ours):
        label = "step %d (%s)" % (i + 1, " ".join(case.steps[i].args))
        if got.rc != 0 or got.stderr:
            problems.append("%s: exit %r, stderr %r" % (label, got.rc, got.stderr))
        if not got.stdout.startswith(PREFIX + "utility for the Netfilter's Connection "
                                     "Tracking System\nUsage: nfct [options] command subsystem"):
            problems.append("%s: help does not start with the banner and usage" % label)
        for word in COMMANDS + ("timeout", "helper", "version", "--output json", "--netns"):
            if word not in got.stdout:
                problems.append("%s: help does not mention %s" % (label, word))
        if "accounting" in got.stdout:
            problems.append("%s: help still speaks of accounting objects" % label)
    return problems


def check_version(case, ours, oracle):
    want = oracle([step("list", "version")])[0]
    return sum((same("step %d" % (i + 1), want, got) for i, got in enumerate(ours)), [])


# ---- JSON ----------------------------------------------------------------------------
BLOCK = re.compile(r"^(?:\.(?P<name>.*) = \{\n)?\t\.l3proto = (?P<l3>\d+),\n"
                   r"\t\.l4proto = (?P<l4>\d+),\n(?:\t\.policy = \{\n(?P<policy>(?:\t\t\..*\n)*)"
                   r"\t\},\n)?\};$", re.M)


def text_policies(text):
    """1.4.7's text blocks as dicts shaped like our JSON objects."""
    out = []
    for m in BLOCK.finditer(text):
        d = {"l3proto": int(m["l3"]), "l4proto": int(m["l4"])}
        if m["name"] is not None:
            d["name"] = m["name"]
        if m["policy"]:
            d["policy"] = {k.lower(): int(v) for k, v in
                           re.findall(r"\t\t\.(\w+) = (\d+),", m["policy"])}
        out.append(d)
    return out


def json_matches(label, want_text, got_text):
    """Each JSON line must say what 1.4.7's block says; JSON may carry more states."""
    want = text_policies(want_text)
    try:
        got = [json.loads(line) for line in got_text.splitlines()]
    except ValueError as e:
        return ["%s: not JSON lines (%s): %r" % (label, e, got_text)]
    if len(got) != len(want):
        return ["%s: %d JSON objects for %d policies" % (label, len(got), len(want))]
    problems = []
    for w, g in zip(want, got):
        for key in ("name", "l3proto", "l4proto"):
            if w.get(key) != g.get(key):
                problems.append("%s: %s %r, expected %r" % (label, key, g.get(key), w.get(key)))
        for state, value in w.get("policy", {}).items():
            if g.get("policy", {}).get(state) != value:
                problems.append("%s: state %s is %r, expected %d" % (
                    label, state, g.get("policy", {}).get(state), value))
    return problems


def strip_options(args):
    """The 1.4.7 command line inside ours: our leading options removed."""
    args = list(args)
    while args and args[0].startswith("-") and len(args[0]) > 1:
        opt = args.pop(0)
        if opt in ("-o", "--output", "--netns") and args:
            args.pop(0)
    return args


def check_options(case, ours, oracle):
    """JSON where asked, otherwise exactly what 1.4.7 prints without our options."""
    plain = [step(*strip_options(s.args)) for s in case.steps]
    problems = []
    for i, (want, got) in enumerate(zip(oracle(plain), ours)):
        label = "step %d" % (i + 1)
        if subsystem(plain[i].args) == "helper":
            want = with_hint(want)
        json_step = "json" in case.steps[i].args or "--output=json" in case.steps[i].args
        if json_step and want.rc == 0:
            problems += same(label, dataclasses.replace(want, stdout=got.stdout), got)
            problems += json_matches(label, want.stdout, got.stdout)
        else:
            problems += same(label, want, got)
    return problems


# ---- option errors, and the protocols fallback ---------------------------------------
OPTION_ERRORS = {
    ("-o",): PREFIX + "option `-o' needs an argument\n",
    ("--output",): PREFIX + "option `--output' needs an argument\n",
    ("--netns",): PREFIX + "option `--netns' needs an argument\n",
    ("-o", "yaml", "list", "timeout"): PREFIX + "unknown output format `yaml' (json or text)\n",
    ("--netns", "/nonexistent/ns", "list", "timeout"):
        PREFIX + "cannot enter network namespace `/nonexistent/ns': No such file or directory\n",
    ("--netns", "ctf-no-such-ns", "get", "timeout", "x"):
        PREFIX + "cannot enter network namespace `ctf-no-such-ns': No such file or directory\n",
}


def check_option_errors(case, ours, oracle):
    del oracle
    problems = []
    for i, got in enumerate(ours):
        want = OPTION_ERRORS[case.steps[i].args]
        if (got.rc, got.stdout, got.stderr) != (1, "", want):
            problems.append("step %d: exit %r, stdout %r, stderr %r; expected 1, '', %r" % (
                i + 1, got.rc, got.stdout, got.stderr, want))
    return problems


def check_noprotocols(case, ours, oracle):
    """tcp and udp still work by name (steps 1, 2, 4); every other step, names
    1.4.7 also knows without the file or does not know at all, and the errno
    it appends to its messages then, must be 1.4.7's."""
    want = oracle(None)
    problems = []
    if ours[0].rc != 0 or ours[0].stderr:
        problems.append("add by name failed: %r %r" % (ours[0].rc, ours[0].stderr))
    if ".x = {\n\t.l3proto = 2,\n\t.l4proto = 6,\n" not in ours[1].stdout or \
            "\t\t.ESTABLISHED = 5,\n" not in ours[1].stdout:
        problems.append("get shows %r" % ours[1].stdout)
    if ours[3].rc != 0 or "\t.l4proto = 17,\n" not in ours[3].stdout:
        problems.append("default-get udp: %r %r" % (ours[3].rc, ours[3].stdout))
    for i in range(4, len(ours)):
        problems += same("step %d" % (i + 1), want[i], ours[i])
    return problems


EXTENSIONS = {
    "ext.help": KnownDifference("help", "ours prints a help text; 1.4.7 cannot", check_help),
    "ext.version": KnownDifference("version", "one word or -V prints the version", check_version),
    "ext.json.policies": KnownDifference("json", "-o json", check_options),
    "ext.json.defaults": KnownDifference("json", "-o json", check_options),
    "ext.json.helper": KnownDifference("json", "-o json", check_options),
    "ext.netns": KnownDifference("netns", "--netns", check_options),
    "ext.option-errors": KnownDifference("options", "errors of our options",
                                         check_option_errors),
    "ext.noprotocols": KnownDifference("protocols", "built-in protocol names",
                                       check_noprotocols),
}


def extension_cases():
    def c(name, steps, fixture="empty"):
        return Case(name, steps, fixture, mutating=True, per_step=False)
    return [
        c("ext.help", [step("-h"), step("--help"), step("help"), step("-h", "list", "timeout"),
                       step("-o", "json", "--help")]),
        c("ext.version", [step("version"), step("-V"), step("--version"),
                          step("-V", "list", "timeout")]),
        c("ext.json.policies", [
            step("-o", "json", "list", "timeout"), step("--output", "json", "timeout", "list"),
            step("--output=json", "get", "timeout", "web"), step("-o", "json", "g", "t", "assoc"),
            step("-o", "json", "get", "timeout", "nosuch"), step("-o", "text", "list", "timeout"),
            step("-o", "json", "add", "timeout", "new", "inet", "tcp", "close", "1"),
            step("-o", "json", "get", "timeout", "new")], "policies"),
        c("ext.json.defaults", [
            step("-o", "json", "default-get", "timeout", fam, proto)
            for fam in ("inet", "inet6")
            for proto in ("tcp", "udp", "udplite", "icmp", "icmpv6", "sctp", "dccp", "gre",
                          "generic", "igmp")]),
        c("ext.json.helper", [step("-o", "json", "list", "helper"),
                              step("-o", "json", "get", "helper", "ftp")]),
        c("ext.netns", [
            step("--netns", "/proc/self/ns/net", "list", "timeout"),
            step("--netns=/proc/self/ns/net", "get", "timeout", "web"),
            step("--netns", "/proc/self/ns/net", "-o", "json", "get", "timeout", "dns"),
            step("--netns", "/proc/self/ns/net", "add", "timeout", "n", "inet", "udp",
                 "replied", "5"),
            step("get", "timeout", "n")], "policies"),
        c("ext.option-errors", [step(*args) for args in OPTION_ERRORS]),
        c("ext.noprotocols", [
            step("add", "timeout", "x", "inet", "tcp", "established", "5"),
            step("get", "timeout", "x"), step("add", "timeout", "y", "inet", "igmp"),
            step("default-get", "timeout", "inet", "udp"),
            step("add", "timeout", "z", "inet", "igmp", "timeout", "1"),
            step("default-get", "timeout", "inet", "foo"),
            step("add", "timeout", "z", "inet", "generic", "timeout"),
            step("add", "timeout", "z", "inet6", "icmpv6", "timeout"),
            step("add", "timeout", "z", "inet", "generic", "bogus", "1"),
            step("add", "timeout", "z", "inet", "generic", "timeout", "3"),
            step("get", "timeout", "z"),
            step("default-set", "timeout", "inet", "generic", "timeout")], "noprotocols"),
    ]


def difference_for(case):
    if case.name in EXTENSIONS:
        return EXTENSIONS[case.name]
    if any(subsystem(s.args) == "helper" for s in case.steps):
        return HINT_DIFF
    return None
