# SPDX-License-Identifier: GPL-2.0-or-later
"""-R/--load-file against 1.4.7: line splitting (quotes, escapes, comments,
blank lines, 10239-byte lines, 1023-byte words, 253 words), the commands a
load file may hold, parse errors that stop everything before it runs, kernel
errors half-way, and what the lines share (-o). Each case feeds one file on
stdin (or names a file) and then lists the resulting table with the oracle.
"""
import shlex

from difftest import Case, step
from suites import conntrack_state as state

POST = step("-L", "-o", "extended,labels", oracle_only=True, label="table after")
# save shows what the default listing does not: sctp verification tags, dccp roles
POST_SAVE = step("-L", "-o", "save", oracle_only=True, label="table after, saved")

U = "-p udp --sport 1 --dport 2 -t 50"


def line(src, dst="10.50.0.254", cmd="-I", extra=U):
    return "%s -s %s -d %s %s" % (cmd, src, dst, extra)


OK = line("10.50.0.1") + "\n" + line("10.50.0.2", cmd="-A") + "\n"
TOKEN_1023 = "x" * 1023
TOKEN_1024 = "x" * 1024
WORDS_OK = line("10.50.0.3") + " w" * (253 - 12) + "\n"  # 12 words in line()
WORDS_BAD = line("10.50.0.3") + " w" * (254 - 12) + "\n"
# fgets() reads 10239 bytes at a time: the rest of a long line is a line of its own
LONG = line("10.50.0.4") + " " * (10239 - len(line("10.50.0.4"))) + line("10.50.0.5") + "\n"
LONG_SPLIT_WORD = line("10.50.0.6") + " " * (10239 - len(line("10.50.0.6")) - 3) + "-Ix\n"

FILES = [
    ("basic", OK),
    ("comments", "# a comment\n\n   \n\t# indented\n" + OK + "#last"),
    ("leading-blanks", "   \t" + line("10.50.0.7") + "\n"),
    ("tabs", line("10.50.0.8").replace(" ", "\t") + "\n"),
    ("crlf", line("10.50.0.9") + "\r\n"),
    ("no-newline", line("10.50.0.10")),
    ("quoted", '-I "-s" "10.50.0.11" -d 10.50.0.254 -p udp --sport 1 --dport "2" -t 50\n'),
    ("quoted-escape", '-I -s "10.50.0.1\\2" -d 10.50.0.254 ' + U + "\n"),
    ("quote-mid-word", '-I -s 10.50.0.13" -d 10.50.0.254" ' + U + "\n"),
    ("quote-empty", '-I "" -s 10.50.0.14 -d 10.50.0.254 ' + U + "\n"),
    ("quote-open", '-I -s 10.50.0.15 -d 10.50.0.254 ' + U + ' "open\n'),
    ("backslash-bare", "-I -s 10.50.0.16 -d 10.50.0.254 " + U + " \\\\x\n"),
    ("token-1023", line("10.50.0.17") + " " + TOKEN_1023 + "\n"),
    ("token-1024", OK + line("10.50.0.18") + " " + TOKEN_1024 + "\n"),
    ("words-253", WORDS_OK), ("words-254", OK + WORDS_BAD),
    ("long-line", LONG), ("long-line-split", LONG_SPLIT_WORD),
    ("blank-last", OK + "   "), ("empty", ""), ("only-comments", "# x\n#y\n\n"),
    # only -I -A -U -D -F; the others stop before anything runs
    ("list", OK + "-L\n"), ("get", OK + "-G -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2\n"),
    ("event", OK + "-E\n"), ("version", OK + "-V\n"), ("help", OK + "-h\n"), ("count", OK + "-C\n"),
    ("stats", OK + "-S\n"), ("list-expect", OK + "-L expect\n"), ("count-expect", "-C expect\n"),
    ("stats-expect", "-S expect\n"), ("flush-expect", OK + "-F expect\n"),
    ("event-expect", "-E expect\n"), ("dying", "-L dying\n"), ("unconfirmed", OK + "-L unconfirmed\n"),
    ("create-expect", "-I expect -p udp --tuple-src 1.1.1.1 --tuple-dst 1.1.1.1 --mask-src 1.1.1.1 "
     "--mask-dst 1.1.1.1 --tuple-port-src 1 --tuple-port-dst 1 --mask-port-src 1 --mask-port-dst 1 "
     "-s 1.1.1.1 -d 1.1.1.1 --sport 1 --dport 1 -t 5\n"),
    ("delete-expect", "-D expect -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 "
     "--reply-port-src 0 --reply-port-dst 0\n"),
    ("get-expect", "-G expect -s 1.1.1.1 -d 2.2.2.2 -p udp --sport 1 --dport 2 "
     "--reply-port-src 0 --reply-port-dst 0\n"),
    ("no-command", OK + "-s 1.1.1.1\n"),
    # parse errors: nothing runs, whatever came before
    ("bad-address", OK + "-I -s 10.50.0.x\n"), ("bad-first", "-I -s 10.50.0.x\n" + OK),
    ("bad-after-list", OK + "-L\n-I -s 10.50.0.x\n"), ("bad-option", OK + "-I --bogus\n"),
    ("bad-proto", OK + "-I -s 1.1.1.1 -d 2.2.2.2 -p foo -t 5\n"),
    ("missing-arg", OK + "-I -s\n"), ("two-commands", OK + "-I -L\n"),
    ("no-proto-opts", OK + "-I -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 5\n"),
    ("warning", "-I -s 10.50.0.19 -d 10.50.0.254 " + U + " -a x\n"),
    ("mark-status", "-I -s 10.50.0.20 -d 10.50.0.254 " + U + " -m 7 -u SEEN_REPLY,ASSURED\n"),
    # the kernel's verdicts: the first error ends it, -A shrugs at existing entries
    ("eexist", line("10.50.0.21") + "\n" + line("10.50.0.22") + "\n" + line("10.50.0.21") + "\n"
     + line("10.50.0.23") + "\n"),
    ("add-twice", line("10.50.0.24", cmd="-A") + "\n" + line("10.50.0.24", cmd="-A") + "\n"
     + line("10.50.0.25") + "\n"),
    ("add-existing-base", "-A -t 3001 -u SEEN_REPLY,ASSURED -s 10.1.1.1 -d 10.2.2.2 -p tcp "
     "--sport 1000 --dport 80 --state ESTABLISHED -m 5\n" + line("10.50.0.26") + "\n"),
    ("create-existing-base", "-I -t 3001 -s 10.1.1.1 -d 10.2.2.2 -p tcp --sport 1000 --dport 80 "
     "--state ESTABLISHED\n" + line("10.50.0.27") + "\n"),
    ("einval", line("10.50.0.28") + "\n-I -s 10.50.0.29 -d 10.50.0.254 -p tcp --sport 1 --dport 2 "
     "-t 5 --state NONE -u UNSET\n-I -s 1.1.1.1 -d 224.0.0.1 -p icmp --icmp-type 99 --icmp-code 0 "
     "-t 5\n" + line("10.50.0.30") + "\n"),
    ("reply-only", "-I -r 10.50.0.254 -q 10.50.0.31 -p udp --reply-port-src 2 --reply-port-dst 1 "
     "-t 50\n"),
    ("v6", "-I -s 2001:db8::50 -d 2001:db8::51 " + U + "\n-A -s 2001:db8::52 -d 2001:db8::51 "
     + U + " -w 7\n"),
    ("nat", "-I -s 10.50.0.32 -d 10.50.0.254 -p tcp --sport 1 --dport 2 --state ESTABLISHED -t 50 "
     "--src-nat 192.168.50.1:1000 --dst-nat 192.168.50.2\n"),
    # -U, -D, -F among them: no summaries, no failure on 0 matches, output shared
    ("delete", OK + "-D -s 10.50.0.1\n-D -s 10.50.0.99\n"),
    ("delete-all-base", "-D\n"), ("delete-f6", "-D -f ipv6\n"), ("delete-mark", "-D -m 5\n"),
    ("update", OK + "-U -s 10.50.0.2 -m 9\n-U -s 10.50.0.99 -m 9\n"),
    ("flush", OK + "-F\n" + line("10.50.0.33") + "\n"), ("flush-f6", "-F -f ipv6\n"),
    ("delete-xml-later-base", OK + "-D -s 10.1.1.3\n-D -s 10.1.1.4 -o xml\n"),
    ("delete-save", OK + "-D -s 10.50.0.1 -o save\n"),
    ("delete-id-base", OK + "-D -s 10.1.1.5 -o id\n"),
    ("save-combined", OK + "-D -s 10.50.0.1 -o xml\n-D -s 10.50.0.2 -o save\n"),
    ("delete-then-create", OK + "-D -s 10.50.0.1\n" + line("10.50.0.1") + "\n"),
    ("eexist-then-delete", OK + line("10.50.0.1") + "\n-D\n"),
]

# upstream tests/conntrack/testsuite/08stdin, as one load file per step
STDIN = [
    ("08-comments", "# comment\n\n-I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state "
     "LISTEN -u SEEN_REPLY -t 50\n-D -s 1.1.1.1\n"),
    ("08-twice", "-I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state LISTEN -t 50\n"
     "-I -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state LISTEN -t 50\n"),
    ("08-empty-delete", "-D -s 1.1.1.1\n"),
    ("08-add-twice", "-A -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state LISTEN -t 50\n"
     "-A -s 1.1.1.1 -d 2.2.2.2 -p tcp --sport 10 --dport 20 --state LISTEN -t 50\n"),
]


def base_as_save(zone_from=None, zone_to=None):
    """The base state's entries as -A lines (09dumpopt moves zones with sed)."""
    out = []
    for ln in state.BASE_ENTRIES.strip().splitlines():
        ln = "-A" + ln[2:]
        if zone_from is not None:
            ln = ln.replace("-w %d" % zone_from, "-w %d" % zone_to)
        out.append(ln)
    return "\n".join(out) + "\n"


# fields only the save listing shows
SAVED = [
    ("sctp-vtags", "-I -s 10.50.1.1 -d 10.50.1.2 -p sctp --sport 1 --dport 2 --state ESTABLISHED "
     "--orig-vtag 4216 --reply-vtag 29512 -t 50\n-A -s 10.50.1.3 -d 10.50.1.2 -p sctp --sport 1 "
     "--dport 2 --state COOKIE_WAIT --orig-vtag 1 --reply-vtag 4294967295 -t 50\n"),
    ("sctp-vtag-update", "-I -s 10.50.1.1 -d 10.50.1.2 -p sctp --sport 1 --dport 2 --state "
     "ESTABLISHED --orig-vtag 5 --reply-vtag 6 -t 50\n-U -s 10.50.1.1 -p sctp --orig-vtag 77\n"),
    ("dccp-role", "-I -s 10.50.1.4 -d 10.50.1.2 -p dccp --sport 1 --dport 2 --state OPEN "
     "--role server -t 50\n"),
    ("zones", "-I -s 10.50.1.5 -d 10.50.1.2 -p udp --sport 1 --dport 2 -t 50 -w 9\n"
     "-I -s 10.50.1.6 -d 10.50.1.2 -p udp --sport 1 --dport 2 -t 50 --orig-zone 3\n"
     "-I -s 10.50.1.7 -d 10.50.1.2 -p udp --sport 1 --dport 2 -t 50 --reply-zone 4\n"),
]


def cases():
    out = []
    for name, text in SAVED:
        out.append(Case("R.saved.%s" % name, [step("-R", "-", stdin=text), POST_SAVE], "empty",
                        mutating=True))
    for name, text in FILES:
        fx = "base" if "base" in name else "empty"
        out.append(Case("R.%s" % name, [step("-R", "-", stdin=text), POST], fx, mutating=True))
    for name, text in STDIN:
        out.append(Case("R.upstream.%s" % name, [step("-R", "-", stdin=text), POST], "empty",
                        mutating=True))
    out.append(Case("R.upstream.09-dumpopt", [step("-F", oracle_only=True),
                                               step("-R", "-", stdin=base_as_save(3, 13)), POST],
                    "base", mutating=True))
    out.append(Case("R.base-again", [step("-R", "-", stdin=base_as_save()), POST], "base",
                    mutating=True))
    for name, argv in (("long-option", ("--load-file", "-")), ("dev-stdin", ("-R", "/dev/stdin")),
                       ("extra-args", ("-R", "-", "-L", "foo"))):
        out.append(Case("R.%s" % name, [step(*argv, stdin=OK), POST], "empty", mutating=True))
    for name, argv in (("missing-file", "-R /nonexistent/ctf"), ("alone", "-R"),
                       ("long-alone", "--load-file"), ("not-first", "-L -R -"),
                       ("not-first-long", "-L --load-file -"), ("dir", "-R /")):
        out.append(Case("R.err.%s" % name, [step(*shlex.split(argv), stdin=OK)], "base"))
    return out
