// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the conntrack argument parser against conntrack-tools 1.4.7's answers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "conntrack.h"

#define MAX_ARGS 32

/* Split @line on spaces into a writable argv (argv[0] = "conntrack"). */
static int split(const char *line, char *store, size_t len, char **argv)
{
	int argc = 0;
	char *p;

	snprintf(store, len, "conntrack %s", line);
	for (p = strtok(store, " "); p && argc < MAX_ARGS - 1; p = strtok(NULL, " "))
		argv[argc++] = p;
	argv[argc] = NULL;
	return argc;
}

static int parse(const char *line, struct ct_cmd *cmd, struct ct_err *err, char *warn,
		 size_t warn_len)
{
	char store[1024], *argv[MAX_ARGS];
	FILE *w = fmemopen(warn, warn_len, "w");
	int argc = split(line, store, sizeof(store), argv), r;

	assert_non_null(w);
	r = ct_args_parse(argc, argv, cmd, w, err);
	fclose(w);
	return r;
}

struct err_case {
	const char *args;
	int status;
	const char *msg;
};

/* Each message and exit status below is what /usr/sbin/conntrack 1.4.7 prints. */
static const struct err_case err_cases[] = {
	{ "-X", 2, "unknown option `-X'" },
	{ "-L -s", 2, "option `-s' requires an argument" },
	{ "-L foo", 2, "unknown type `foo'" },
	{ "-L -D", 2, "Invalid commands combination" },
	{ "-D dying", 2, "Can't do that command with tables `dying' and `unconfirmed'" },
	{ "-U expect", 2, "Can't do --update on expectations" },
	{ "-A exp", 2, "Can't do --add on expectations" },
	{ "-L -p foo", 2, "`foo' unsupported protocol" },
	{ "-L -p 256", 2, "`256' unsupported protocol" },
	{ "-L -p unknown", 2, "`unknown' unsupported protocol" },
	{ "-L -s 1.1.1.1 -d ::1", 2, "mismatched address family" },
	{ "-L -f ipv6 -s 1.1.1.1", 2, "mismatched address family" },
	{ "-L -f ipx", 2, "`ipx' unsupported protocol" },
	{ "-L -s 1.2.3.4/33", 2, "Invalid netmask" },
	{ "-L -s 1.2.3.4/x", 2, "Invalid netmask" },
	{ "-L -s foo", 2, "Invalid IP address `foo'" },
	{ "-L -r 1.1.1.1/24", 2, "CIDR notation unavailable for `--reply-src'" },
	{ "-L -n 1.1.1.1/24", 2, "CIDR notation unavailable for `--src-nat'" },
	{ "-L -n 1.2.3.4:", 2, "No port specified after `:'" },
	{ "-L -n 1.2.3.4:99999", 2, "Invalid port `99999'" },
	{ "-L -n 1.2.3.4:8x", 2, "Invalid port `8x'" },
	{ "-L -g [::1", 2, "No closing ']' around IPv6 address" },
	{ "-L -g []:80", 2, "No IPv6 address specified" },
	{ "-L -j -n", 2, "cannot specify `--src-nat' or `--dst-nat' with `--any-nat'" },
	{ "-L -u FOO", 2, "Bad parameter `FOO'" },
	{ "-L -u ASSURED,", 2, "Bad parameter `'" },
	{ "-L -u ,ASSURED", 2, "Bad parameter `,ASSURED'" },
	{ "-L -u !", 2, "Bad parameter `'" },
	{ "-L -o foo", 2, "Bad parameter `foo'" },
	{ "-L -o save,xml", 1,
	  "cannot combine save output with any other output type, use -o save only" },
	{ "-L -t 5", 2, "Illegal option `--timeout' with this command" },
	{ "-I -s 1.1.1.1 -d 2.2.2.2", 2,
	  "You need to supply the `--protonum' option for this command" },
	{ "-I -p tcp -t 5", 2, "you have to specify `--src' and `--dst'" },
	{ "-I -p tcp -t 5 -r 1.1.1.1", 2, "you have to specify `--reply-src' and `--reply-dst'" },
	{ "-I -p tcp -t 5 -s 1.1.1.1 -d 2.2.2.2", 2,
	  "You need to supply the `--state' option for this command" },
	{ "-I -p udp -t 5 -s 1.1.1.1 -d 2.2.2.2", 2,
	  "you have to specify `--sport' and `--dport'" },
	{ "-I -p tcp -t 5 -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2", 2,
	  "You need to supply the `--state' option for this command" },
	{ "-I -p tcp -t 5 -s 1.1.1.1 -d 2.2.2.2 --reply-port-src 1 --state NONE", 2,
	  "you have to specify `--reply-src-port' and `--reply-dst-port'" },
	{ "-I -p icmp -t 5 -s 1.1.1.1 -d 2.2.2.2", 2,
	  "You need to supply the `--icmp-type' option for this command" },
	{ "-I -p gre -t 5 -s 1.1.1.1 -d 2.2.2.2", 2,
	  "you have to specify `--srckey' and `--dstkey'" },
	{ "-L -p tcp --state FOO", 2, "unknown TCP state `FOO'" },
	/* 1.4.7 crashes here; HEAD prints this. */
	{ "-L -p sctp --state FOO", 2, "unknown SCTP state `FOO'" },
	{ "-L -p dccp --state FOO", 2, "Unknown DCCP state `FOO'" },
	{ "-L -p dccp --role foo", 2, "Unknown DCCP role `foo'" },
	{ "-L --sport 5 -p tcp", 2, "unknown option `--sport'" },
	{ "-L -p udp --state NEW", 2, "unknown option `--state'" },
	{ "-L -p tcp --mask-port-src 5", 2, "Illegal option `--mask-port-src' with this command" },
	{ "-s 1.1.1.1", 2, "Illegal option `--src' with this command" },
	{ "-p tcp", 2, "Illegal option `--protonum' with this command" },
	{ "-F -s 1.1.1.1", 2, "Illegal option `--src' with this command" },
	{ "-L --labelmap /nonexistent -l foo", 2, "unknown label 'foo'" },
	{ "-L --labelmap /x --labelmap /y", 2, "option `--labelmap' can only be specified once" },
	/* 1.4.7 crashes on these two; HEAD prints this. */
	{ "-D --id", 2, "option `--id' requires an argument" },
	{ "-G -p tcp -s 1.1.1.1", 2, "you have to specify `--src' and `--dst'" },
	{ "-I expect -p tcp", 2, "You need to supply the `--src' option for this command" },
};

static void test_conntrack_args_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		struct ct_cmd cmd;
		struct ct_err err;
		char warn[512] = "";

		if (parse(err_cases[i].args, &cmd, &err, warn, sizeof(warn)) != -1)
			fail_msg("'%s' parsed", err_cases[i].args);
		if (err.status != err_cases[i].status || strcmp(err.msg, err_cases[i].msg) != 0)
			fail_msg("'%s': got %d '%s'", err_cases[i].args, err.status, err.msg);
		ct_cmd_done(&cmd);
	}
}

static void parse_ok(const char *line, struct ct_cmd *cmd, char *warn, size_t len)
{
	struct ct_err err;

	if (parse(line, cmd, &err, warn, len) != 0)
		fail_msg("'%s': %s", line, err.msg);
}

static void test_conntrack_args_commands(void **state)
{
	static const struct {
		const char *args;
		unsigned int bit, table;
	} cases[] = {
		{ "-L", CT_LIST_BIT, CT_TABLE_CONNTRACK },
		{ "-L conn", CT_LIST_BIT, CT_TABLE_CONNTRACK },
		{ "-L exp", EXP_LIST_BIT, CT_TABLE_EXPECT },
		{ "--dump dy", CT_LIST_BIT, CT_TABLE_DYING },
		{ "-L unconfirmed", CT_LIST_BIT, CT_TABLE_UNCONFIRMED },
		/* 1.4.7 gave command letters an optional argument: -Lo extended is a plain -L. */
		{ "-Lo extended", CT_LIST_BIT, CT_TABLE_CONNTRACK },
		{ "-A -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 5", CT_ADD_BIT, 0 },
		{ "-C", CT_COUNT_BIT, 0 },
		{ "-S", CT_STATS_BIT, 0 },
		{ "-V", CT_VERSION_BIT, 0 },
		{ "-h -p tcp", CT_HELP_BIT, 0 },
		{ "-F expect", EXP_FLUSH_BIT, CT_TABLE_EXPECT },
		{ "stray -L -s 1.1.1.1 words", CT_LIST_BIT, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ct_cmd cmd;
		char warn[512] = "";

		parse_ok(cases[i].args, &cmd, warn, sizeof(warn));
		assert_int_equal(cmd.command, CT_CMD(cases[i].bit));
		assert_int_equal(cmd.cmd, cases[i].bit);
		assert_int_equal(cmd.table, cases[i].table);
		assert_int_equal(cmd.output, 0);
		ct_cmd_done(&cmd);
	}
}

static void test_conntrack_args_template(void **state)
{
	struct ct_cmd cmd;
	char warn[512] = "";

	(void)state;
	parse_ok("-L -p tcp -s 10.0.0.0/8 --dport 80 -m 0x10/0xf0 -u ASSURED,!SEEN_REPLY -w 4",
		 &cmd, warn, sizeof(warn));
	assert_int_equal(cmd.family, AF_INET);
	assert_int_equal(cmd.protonum, IPPROTO_TCP);
	assert_true(cmd.tmpl.has_mask_src);
	assert_int_equal(cmd.tmpl.mask_src.ip, htonl(0xff000000));
	assert_int_equal(cmd.tmpl.orig_dport, 80);
	assert_int_equal(cmd.kmark_value, 0x10);
	assert_int_equal(cmd.mark.mask, 0xf0);
	/* -u after -m clobbers the userspace mark value, as 1.4.7 did. */
	assert_int_equal(cmd.mark.value, IPS_ASSURED);
	assert_int_equal(cmd.kstatus_value, IPS_ASSURED);
	assert_int_equal(cmd.kstatus_mask, IPS_SEEN_REPLY);
	assert_int_equal(cmd.tmpl.zone, 4);
	assert_true(cmd.tmpl.set & T_TCP_FLAGS);
	ct_cmd_done(&cmd);

	/* -I defaults to IPv4; -g ADDR:PORT becomes a DNAT range. */
	parse_ok("-I -p udp -s 1.1.1.1 -d 2.2.2.2 --sport 1 --dport 2 -t 9 -g 5.5.5.5:80", &cmd,
		 warn, sizeof(warn));
	assert_int_equal(cmd.family, AF_INET);
	assert_true(cmd.tmpl.set & T_DNAT);
	assert_true(cmd.tmpl.set & T_DNAT_PORT);
	assert_int_equal(cmd.tmpl.dnat_port, 80);
	assert_int_equal(cmd.tmpl.timeout, 9);
	ct_cmd_done(&cmd);

	/* ICMP's reply type is derived from the family known when --icmp-type is seen. */
	parse_ok("-I -s 1.1.1.1 -d 2.2.2.2 -p icmp --icmp-type 8 --icmp-code 0 -t 1", &cmd, warn,
		 sizeof(warn));
	assert_int_equal(cmd.tmpl.repl_icmp_type, 0);
	ct_cmd_done(&cmd);
	parse_ok("-I -p icmp --icmp-type 8 --icmp-code 0 -s 1.1.1.1 -d 2.2.2.2 -t 1", &cmd, warn,
		 sizeof(warn));
	assert_int_equal(cmd.tmpl.repl_icmp_type, 255);
	ct_cmd_done(&cmd);

	/* GRE keys take hexadecimal. */
	parse_ok("-L -p gre --srckey 0x10", &cmd, warn, sizeof(warn));
	assert_int_equal(cmd.tmpl.orig_sport, 16);
	ct_cmd_done(&cmd);

	/* Our extensions. */
	parse_ok("-L -o json,extended --netns blue", &cmd, warn, sizeof(warn));
	assert_int_equal(cmd.output, CT_O_JSON | CT_O_EXT);
	assert_string_equal(cmd.netns, "blue");
	ct_cmd_done(&cmd);
}

static void test_conntrack_args_warnings(void **state)
{
	struct ct_cmd cmd;
	char warn[512] = "";

	(void)state;
	/* "S" is a prefix of SRC_NAT: warned about and dropped. */
	parse_ok("-L -u S", &cmd, warn, sizeof(warn));
	assert_string_equal(warn, "WARNING: ignoring SRC_NAT, use --src-nat instead\n");
	assert_int_equal(cmd.kstatus_mask, 0);
	ct_cmd_done(&cmd);
	memset(warn, 0, sizeof(warn));
	parse_ok("-L -a 1.1.1.1", &cmd, warn, sizeof(warn));
	assert_string_equal(warn, "WARNING: ignoring -a, deprecated option.\n");
	ct_cmd_done(&cmd);
}

static void test_conntrack_args_labels(void **state)
{
	char path[] = "/tmp/ctf-labels-XXXXXX", line[256], warn[512] = "";
	struct ct_cmd cmd;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_true(write(fd, "0 foo\n1 bar\n65 far\n", 19) == 19);
	close(fd);
	snprintf(line, sizeof(line), "-L --labelmap %s -l foo,far -l bar", path);
	parse_ok(line, &cmd, warn, sizeof(warn));
	assert_true(cmd.label.set);
	assert_int_equal(cmd.label.bits[0], 0x03);
	assert_int_equal(cmd.label.bits[8], 0x02);
	assert_int_equal(cmd.label.maxbit, 65);
	ct_cmd_done(&cmd);
	snprintf(line, sizeof(line), "-U --labelmap %s --label-add foo --label-del bar", path);
	{
		struct ct_err err;

		assert_int_equal(parse(line, &cmd, &err, warn, sizeof(warn)), -1);
		assert_int_equal(err.status, 1);
		assert_string_equal(err.msg,
				    "cannot use --label-add and --label-del at the same time");
		ct_cmd_done(&cmd);
	}
	snprintf(line, sizeof(line), "-U --labelmap %s --label-del", path);
	parse_ok(line, &cmd, warn, sizeof(warn));
	assert_false(cmd.label_modify.set);
	assert_true(cmd.options & CT_OPT(CT_OPT_DEL_LABEL_BIT));
	ct_cmd_done(&cmd);
	unlink(path);
}

/* The parser runs repeatedly in one process (the fuzzer relies on it). */
static void test_conntrack_args_reentrant(void **state)
{
	struct ct_cmd cmd;
	char warn[512] = "";
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		parse_ok("-L -p tcp --sport 1", &cmd, warn, sizeof(warn));
		assert_int_equal(cmd.tmpl.orig_sport, 1);
		ct_cmd_done(&cmd);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conntrack_args_errors),
		cmocka_unit_test(test_conntrack_args_commands),
		cmocka_unit_test(test_conntrack_args_template),
		cmocka_unit_test(test_conntrack_args_warnings),
		cmocka_unit_test(test_conntrack_args_labels),
		cmocka_unit_test(test_conntrack_args_reentrant),
	};

	return cmocka_run_group_tests_name("conntrack_args", tests, NULL, NULL);
}
