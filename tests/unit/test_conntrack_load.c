// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -R/--load-file: the line splitter against 1.4.7's rules (table-driven),
 * the load-file parse (shared -o and its save check), and the fast path for
 * plain option lines, which must parse every line exactly as getopt_long()
 * does: thousands of generated lines, valid and not, are parsed both ways
 * and compared field by field, errors and warnings included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctflow/labels.h>

#include "cli_parse.h"
#include "conntrack.h"

static const struct split_case {
	const char *line;
	int argc; /* -1: error */
	const char *words[8];
	const char *error;
} split_cases[] = {
	{ "-I -s 1.1.1.1\n", 3, { "-I", "-s", "1.1.1.1" }, NULL },
	{ "   \t-D\n", 1, { "-D" }, NULL },
	{ "\n", 0, { NULL }, NULL },
	{ "   \n", 0, { NULL }, NULL },
	{ "# comment\n", 0, { NULL }, NULL },
	{ "  # indented comment\n", 0, { NULL }, NULL },
	{ "-I # not a comment\n", 5, { "-I", "#", "not", "a", "comment" }, NULL },
	{ "",
	  0,
	  { NULL },
	  NULL }, /* a blank line at the end without newline: a command of nothing */
	{ "   ", 0, { NULL }, NULL },
	{ "a  b\t\tc\n", 3, { "a", "b", "c" }, NULL },
	{ "\"a b\" c\n", 2, { "a b", "c" }, NULL },
	{ "\"\" x\n", 2, { "", "x" }, NULL },
	{ "a\"b c\"d\n", 2, { "ab c", "d" }, NULL },
	{ "\"a\\\"b\"\n", 1, { "a\"b" }, NULL },
	{ "\"a\\\\b\"\n", 1, { "a\\b" }, NULL },
	{ "a\\b\n", 1, { "a\\b" }, NULL }, /* escapes only inside quotes */
	{ "\"open quote\n", 1, { "open quote\n" }, NULL },
	{ "x\r\n", 1, { "x\r" }, NULL },
	{ "a\"\"\n", 1, { "a" }, NULL }, /* a quote opened in a word continues it */
};

static void test_load_split(void **state)
{
	struct ct_load_args *a = malloc(sizeof(*a));
	struct ct_err err;
	size_t i;
	int j, n;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		const struct split_case *c = &split_cases[i];

		n = ct_load_split(c->line, "conntrack", a, &err);
		if (c->argc < 0) {
			assert_int_equal(n, -1);
			assert_string_equal(err.msg, c->error);
			continue;
		}
		/* a blank line without a newline still runs (as nothing) */
		if (c->argc == 0 && c->line[strspn(c->line, " \t")] == '\0') {
			assert_int_equal(n, 1);
			continue;
		}
		assert_int_equal(n, c->argc ? c->argc + 1 : 0);
		if (!n)
			continue;
		assert_string_equal(a->argv[0], "conntrack");
		for (j = 0; j < c->argc; j++)
			assert_string_equal(a->argv[j + 1], c->words[j]);
		assert_null(a->argv[n]);
	}
	free(a);
}

static void test_load_split_limits(void **state)
{
	struct ct_load_args *a = malloc(sizeof(*a));
	char line[CT_LOAD_LINE_MAX];
	struct ct_err err;
	int i;

	(void)state;
	assert_non_null(a);
	/* 1023-byte words are fine, 1024 are not */
	memset(line, 'x', 1023);
	strcpy(line + 1023, "\n");
	assert_int_equal(ct_load_split(line, "c", a, &err), 2);
	assert_int_equal(strlen(a->argv[1]), 1023);
	memset(line, 'x', 1024);
	strcpy(line + 1024, "\n");
	assert_int_equal(ct_load_split(line, "c", a, &err), -1);
	assert_int_equal(err.status, CT_PARAMETER_PROBLEM);
	assert_string_equal(err.msg, "Parameter too long!");
	/* 253 words after the program name, not 254 */
	for (i = 0; i < 253; i++)
		memcpy(line + 2 * i, "w ", 2);
	strcpy(line + 2 * 253, "\n");
	assert_int_equal(ct_load_split(line, "c", a, &err), 254);
	strcpy(line + 2 * 253, "w\n");
	assert_int_equal(ct_load_split(line, "c", a, &err), -1);
	assert_string_equal(err.msg, "too many arguments");
	/* the longest line fgets() gives us: every byte a word of its own */
	memset(line, 'y', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	for (i = 1; i < 250; i++)
		line[i * 40] = ' ';
	assert_int_equal(ct_load_split(line, "c", a, &err), 251);
	free(a);
}

/* ---- the fast path against getopt_long ---- */

/* The two parses agree (cli_parse.h says on what), or the test fails showing both. */
static void assert_same(const struct parsed *a, const struct parsed *b, const char *line)
{
	if (!parsed_same(a, b))
		fail_msg("'%s': getopt %d '%s' '%s', fast %d '%s' '%s' (or the commands differ)",
			 line, a->r, a->err.msg, a->warn, b->r, b->err.msg, b->warn);
}

static const char *const pool[] = {
	"-I",
	"-A",
	"-D",
	"-U",
	"-F",
	"-L",
	"-G",
	"-E",
	"-s",
	"-d",
	"-r",
	"-q",
	"10.0.0.1",
	"2001:db8::1",
	"1.2",
	"10.0.0.0/8",
	"x",
	"-p",
	"tcp",
	"udp",
	"icmp",
	"sctp",
	"gre",
	"99",
	"dccp",
	"--sport",
	"--dport",
	"80",
	"0",
	"-1",
	"65536",
	"--state",
	"ESTABLISHED",
	"LISTEN",
	"-t",
	"50",
	"-u",
	"SEEN_REPLY,ASSURED",
	"UNSET",
	"!ASSURED",
	"S",
	"-m",
	"5",
	"0x10/0xf0",
	"-w",
	"3",
	"--orig-zone",
	"--reply-zone",
	"-n",
	"-g",
	"-j",
	"192.168.1.1:80",
	"[::1]:8",
	"-c",
	"-z",
	"-f",
	"ipv6",
	"ipv4",
	"--src",
	"--dst",
	"--orig-src",
	"--reply-src",
	"--orig-port-src",
	"--reply-port-src",
	"--reply-port-dst",
	"--icmp-type",
	"--icmp-code",
	"--icmp-id",
	"8",
	"--srckey",
	"--dstkey",
	"0x100",
	"--tuple-src",
	"--mask-src",
	"255.0.0.0",
	"--orig-vtag",
	"--reply-vtag",
	"--role",
	"client",
	"-e",
	"NEW",
	"-b",
	"-i",
	"7",
	"-a",
	"expect",
	"conntrack",
	"dying",
	"--",
	"--sp",
	"--bogus",
	"-x",
	"-sx",
	"--timeout=5",
	"-It",
	"!",
	"--src-nat",
	"--dst-nat",
	"--any-nat",
	"--protonum",
	"--family",
	"--zone",
	"--mark",
	"--status",
	"--secmark",
	"--id",
	"--nat-range",
	"--buffer-size",
	"--tuple-port-src",
	"--tuple-port-dst",
	"--mask-port-src",
	"--mask-port-dst",
	"--icmpv6-type",
	"--zero",
};

static unsigned int rng = 12345;

static unsigned int next_rand(void)
{
	rng = rng * 1103515245 + 12345;
	return rng >> 8;
}

/* Options with the arguments they take (and some they must refuse). */
static const struct {
	const char *opt;
	const char *args[4];
} pairs[] = {
	{ "-s", { "10.0.0.1", "::1", "1.2", "10.0.0.0/8" } },
	{ "-d", { "10.0.0.2", "::2", "x", "10.0.0.2/33" } },
	{ "-r", { "10.0.0.2", "::2", "10.0.0.2", "10.0.0.0/8" } },
	{ "-q", { "10.0.0.1", "::1", "10.0.0.1", "y" } },
	{ "-p", { "tcp", "udp", "icmp", "99" } },
	{ "-p", { "sctp", "gre", "dccp", "foo" } },
	{ "--sport", { "1", "80", "65536", "-1" } },
	{ "--dport", { "2", "443", "0", "x" } },
	{ "--reply-port-src", { "2", "443", "0", "x" } },
	{ "--reply-port-dst", { "1", "80", "0", "x" } },
	{ "--state", { "ESTABLISHED", "LISTEN", "FOO", "syn_sent" } },
	{ "-t", { "50", "0", "x", "4294967296" } },
	{ "-u", { "SEEN_REPLY,ASSURED", "UNSET", "ASSURED,FOO", "S" } },
	{ "-m", { "5", "0x10/0xf0", "foo", "1/0" } },
	{ "-w", { "3", "70000", "0", "x" } },
	{ "--orig-zone", { "1", "2", "3", "4" } },
	{ "--reply-zone", { "1", "2", "3", "4" } },
	{ "-n", { "192.168.1.1", "192.168.1.1:80", "[::1]:5", "1.1.1.1:" } },
	{ "-g", { "192.168.1.2", "-s", "::2", "1.1.1.1:99999" } },
	{ "--icmp-type", { "8", "0", "13", "255" } },
	{ "--icmp-code", { "0", "1", "2", "3" } },
	{ "--icmp-id", { "7", "0", "65535", "1" } },
	{ "--srckey", { "0x1", "2", "0xffffffff", "x" } },
	{ "--orig-vtag", { "1", "2", "3", "4" } },
	{ "--role", { "client", "server", "foo", "c" } },
	{ "-c", { "0", "1", "2", "3" } },
	{ "-f", { "ipv4", "ipv6", "ipx", "ipv" } },
	{ "-e", { "NEW", "ALL", "D", "x" } },
};

static int make_pairs_line(char **argv)
{
	static const char *const cmds[] = { "-I", "-A", "-D", "-U", "-F", "-L" };
	int argc = 1, n = (int)(next_rand() % 14), i, k;

	argv[0] = "conntrack";
	argv[argc++] = (char *)cmds[next_rand() % 6];
	if (next_rand() % 4) { /* protocol options count only after -p */
		k = 4 + (int)(next_rand() % 2);
		argv[argc++] = "-p";
		argv[argc++] = (char *)pairs[k].args[next_rand() % 4];
	}
	for (i = 0; i < n; i++) {
		k = (int)(next_rand() % (sizeof(pairs) / sizeof(pairs[0])));
		argv[argc++] = (char *)pairs[k].opt;
		argv[argc++] = (char *)pairs[k].args[next_rand() % 4];
	}
	if (next_rand() % 4 == 0)
		argv[argc++] = "-z";
	return argc;
}

/* A line of option/argument pairs (what files hold), or random words. */
static int make_line(char **argv, char *text, size_t len)
{
	int argc = 1, n, i;

	argv[0] = "conntrack";
	if (next_rand() % 3) {
		argc = make_pairs_line(argv);
	} else {
		n = (int)(next_rand() % 16);
		for (i = 0; i < n; i++)
			argv[argc++] = (char *)pool[next_rand() % (sizeof(pool) / sizeof(pool[0]))];
	}
	argv[argc] = NULL;
	text[0] = '\0';
	for (i = 1; i < argc; i++) {
		strncat(text, argv[i], len - strlen(text) - 2);
		strcat(text, " ");
	}
	return argc;
}

static void test_load_fast_path(void **state)
{
	static const char *const lines[] = {
		"-A -t 99 -u SEEN_REPLY,ASSURED -s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p tcp "
		"--sport 1000 --dport 80 --reply-port-src 80 --reply-port-dst 1000 --state "
		"ESTABLISHED",
		"-A -t 29 -u UNSET -s 127.0.0.1 -d 127.0.0.8 -r 127.0.0.8 -n 127.0.0.5 -p udp "
		"--sport 43090 --dport 5000 --reply-port-src 5000 --reply-port-dst 43090",
		"-A -t 49 -u SEEN_REPLY --orig-zone 2 -s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 "
		"-p tcp --sport 10 --dport 20 --reply-port-src 20 --reply-port-dst 10 --state "
		"SYN_SENT2",
		"-D -t 10 -u ASSURED -w 3 -s ::1 -d ::2 -r ::2 -q ::1 -p sctp --sport 1 --dport 2 "
		"--reply-port-src 2 --reply-port-dst 1 --state ESTABLISHED --orig-vtag 5 "
		"--reply-vtag 6",
		"-A -t 1 -u UNSET -s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p icmp --icmp-type "
		"8 "
		"--icmp-code 0 --icmp-id 77",
		"-A -t 1 -u UNSET -s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p 99",
		"-I -s 1.1.1.1 -d 2.2.2.2 -p gre --srckey 0x1 --dstkey 2 -t 5 -g 3.3.3.3 -n "
		"4.4.4.4:5",
	};
	struct parsed *slow = malloc(sizeof(*slow)), *fast = malloc(sizeof(*fast));
	char *argv[64], text[2048];
	unsigned int i, fast_ok = 0;
	int argc;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]) + 40000; i++) {
		struct ct_parse_shared sh = { 0 };
		char copy[1024];

		if (i < sizeof(lines) / sizeof(lines[0])) {
			char *save = NULL, *w;

			snprintf(copy, sizeof(copy), "%s", lines[i]);
			snprintf(text, sizeof(text), "%s", lines[i]);
			argv[0] = "conntrack";
			argc = 1;
			for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
				argv[argc++] = w;
			argv[argc] = NULL;
		} else {
			argc = make_line(argv, text, sizeof(text));
		}
		parsed_run(slow, argc, argv, NULL);
		parsed_run(fast, argc, argv, &sh);
		assert_non_null(slow->warn); /* the warnings were captured */
		assert_non_null(fast->warn);
		assert_same(slow, fast, text);
		fast_ok += slow->r == 0;
		parsed_done(slow);
		parsed_done(fast);
		ctf_labelmap_free(sh.labelmap);
	}
	print_message("%u lines parsed, %lu took the fast path\n", fast_ok, ct_args_fast_lines);
	/* the comparison has substance: plenty of lines parse, and take the fast path */
	assert_true(fast_ok > 2000);
	assert_true(ct_args_fast_lines > 5000);
	free(slow);
	free(fast);
}

/* -o is shared by the lines of a file, and the save check sees all of them (1.4.7's globals). */
static void test_load_shared_output(void **state)
{
	char *l1[] = { "conntrack", "-D", "-s", "1.1.1.1", "-o", "xml", NULL };
	char *l2[] = { "conntrack", "-D", "-s", "1.1.1.2", NULL };
	char *l3[] = { "conntrack", "-D", "-o", "save", NULL };
	struct ct_parse_shared sh = { 0 };
	struct ct_cmd cmd;
	struct ct_err err;

	(void)state;
	assert_int_equal(ct_args_parse_shared(6, l1, &cmd, NULL, &err, &sh), 0);
	ct_cmd_done(&cmd);
	assert_int_equal(ct_args_parse_shared(4, l2, &cmd, NULL, &err, &sh), 0);
	ct_cmd_done(&cmd);
	assert_int_equal(sh.output, CT_O_XML);
	assert_int_equal(ct_args_parse_shared(4, l3, &cmd, NULL, &err, &sh), -1);
	assert_int_equal(err.status, CT_OTHER_PROBLEM);
	assert_string_equal(err.msg, "cannot combine save output with any other output type, "
				     "use -o save only");
	ct_cmd_done(&cmd);
	/* on the command line, alone, it is fine */
	assert_int_equal(ct_args_parse(4, l3, &cmd, NULL, &err), 0);
	ct_cmd_done(&cmd);
	ctf_labelmap_free(sh.labelmap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_split),
		cmocka_unit_test(test_load_split_limits),
		cmocka_unit_test(test_load_fast_path),
		cmocka_unit_test(test_load_shared_output),
	};

	return cmocka_run_group_tests_name("conntrack_load", tests, NULL, NULL);
}
