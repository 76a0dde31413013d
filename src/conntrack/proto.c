// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack CLI: per-protocol options (tcp, udp, udplite, sctp, dccp, icmp, icmpv6, gre). */
#define _GNU_SOURCE
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "conntrack.h"

#ifndef IPPROTO_DCCP
#define IPPROTO_DCCP 33
#endif

/* Flags a handler keeps in cmd->l4flags, shared by the port protocols. */
enum {
	F_ORIG_SPORT = 1U << 0,
	F_ORIG_DPORT = 1U << 1,
	F_REPL_SPORT = 1U << 2,
	F_REPL_DPORT = 1U << 3,
	F_MASK_SPORT = 1U << 4,
	F_MASK_DPORT = 1U << 5,
};

/* Option values local to a handler; the parser adds the handler's offset. */
enum {
	O_ORIG_SPORT = 1,
	O_ORIG_DPORT,
	O_REPL_SPORT,
	O_REPL_DPORT,
	O_MASK_SPORT,
	O_MASK_DPORT,
	O_STATE,
	O_TUPLE_SPORT,
	O_TUPLE_DPORT,
	O_ORIG_VTAG,
	O_REPL_VTAG,
	O_ROLE,
};

int ct_err_set(struct ct_err *err, int status, const char *fmt, ...)
{
	va_list ap;

	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Ports are atoi()ed and truncated to 16 bits, as 1.4.7 does. */
static uint16_t port_arg(const char *arg)
{
	return (uint16_t)atoi(arg);
}

/* The ports every port protocol shares; @flag_base picks the flag for each. */
static int parse_port(int c, const char *arg, struct ct_cmd *cmd, uint8_t proto)
{
	struct ct_tmpl *t = &cmd->tmpl;

	switch (c) {
	case O_ORIG_SPORT:
		t->orig_sport = port_arg(arg);
		t->set |= T_ORIG_SPORT | T_ORIG_L4;
		t->orig_l4 = proto;
		cmd->l4flags |= F_ORIG_SPORT;
		return 1;
	case O_ORIG_DPORT:
		t->orig_dport = port_arg(arg);
		t->set |= T_ORIG_DPORT | T_ORIG_L4;
		t->orig_l4 = proto;
		cmd->l4flags |= F_ORIG_DPORT;
		return 1;
	case O_REPL_SPORT:
		t->repl_sport = port_arg(arg);
		t->set |= T_REPL_SPORT | T_REPL_L4;
		t->repl_l4 = proto;
		cmd->l4flags |= F_REPL_SPORT;
		return 1;
	case O_REPL_DPORT:
		t->repl_dport = port_arg(arg);
		t->set |= T_REPL_DPORT | T_REPL_L4;
		t->repl_l4 = proto;
		cmd->l4flags |= F_REPL_DPORT;
		return 1;
	case O_MASK_SPORT: /* expectation masks only */
		t->mask.sport = port_arg(arg);
		t->mask.l4 = proto;
		cmd->l4flags |= F_MASK_SPORT;
		return 1;
	case O_MASK_DPORT:
		t->mask.dport = port_arg(arg);
		t->mask.l4 = proto;
		cmd->l4flags |= F_MASK_DPORT;
		return 1;
	}
	return 0;
}

/* --tuple-port-* of udp, udplite (and gre's --tuple-key-*): the expected tuple's ports. */
static void tuple_port(struct ct_cmd *cmd, bool src, uint16_t port, uint8_t proto)
{
	if (src)
		cmd->tmpl.exp.sport = port;
	else
		cmd->tmpl.exp.dport = port;
	cmd->tmpl.exp.l4 = proto;
}

/*
 * --tuple-port-* of tcp, sctp and dccp: 1.4.7 sets the port, and then the
 * port (network order, its first byte) as the expected tuple's layer 4
 * protocol, so the last one given picks the protocol numbered port / 256
 * (TCP was fixed after 1.4.7). The ports count only when that happens to
 * be a protocol with ports. Kept: scripts see the expectation 1.4.7 makes,
 * e.g. proto=8 for port 2121.
 */
static void tuple_port_as_proto(struct ct_cmd *cmd, bool src, const char *arg)
{
	tuple_port(cmd, src, port_arg(arg), (uint8_t)(port_arg(arg) >> 8));
}

static const char *const tcp_states[] = {
	"NONE",	      "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",	      "SYN_SENT2",
};

static int tcp_parse(int c, const char *arg, struct ct_cmd *cmd, struct ct_err *err)
{
	unsigned int i;

	if (parse_port(c, arg, cmd, IPPROTO_TCP))
		return 0;
	switch (c) {
	case O_STATE:
		for (i = 0; i < 10; i++)
			if (strcmp(arg, tcp_states[i]) == 0)
				break;
		/* LISTEN is what kernels before 2.6.31 called SYN_SENT2. */
		if (strcmp(arg, "LISTEN") == 0)
			i = 9;
		else if (i == 10)
			return ct_err_set(err, CT_PARAMETER_PROBLEM, "unknown TCP state `%s'", arg);
		cmd->tmpl.tcp_state = (uint8_t)i;
		cmd->tmpl.set |= T_TCP_STATE;
		cmd->l4flags |= 1U << 6;
		break;
	case O_TUPLE_SPORT:
		tuple_port_as_proto(cmd, true, arg);
		cmd->l4flags |= 1U << 7;
		break;
	case O_TUPLE_DPORT:
		tuple_port_as_proto(cmd, false, arg);
		cmd->l4flags |= 1U << 8;
		break;
	}
	return 0;
}

/* Manually created TCP entries skip window tracking, and may reopen from TIME_WAIT. */
static void tcp_final(struct ct_cmd *cmd)
{
	uint8_t flags = 0x08 | 0x02; /* IP_CT_TCP_FLAG_BE_LIBERAL | IP_CT_TCP_FLAG_SACK_PERM */

	if (cmd->tmpl.tcp_state >= 7)
		flags |= 0x04; /* IP_CT_TCP_FLAG_CLOSE_INIT */
	cmd->tmpl.tcp_flags = flags;
	cmd->tmpl.set |= T_TCP_FLAGS;
}

static int udp_like_parse(int c, const char *arg, struct ct_cmd *cmd, uint8_t proto)
{
	if (parse_port(c, arg, cmd, proto))
		return 0;
	if (c == O_STATE) { /* udp's 7th and 8th options are the tuple ports */
		tuple_port(cmd, true, port_arg(arg), proto);
		cmd->l4flags |= 1U << 6;
	} else if (c == O_TUPLE_SPORT) {
		tuple_port(cmd, false, port_arg(arg), proto);
		cmd->l4flags |= 1U << 7;
	}
	return 0;
}

static int udp_parse(int c, const char *arg, struct ct_cmd *cmd, struct ct_err *err)
{
	(void)err;
	return udp_like_parse(c, arg, cmd, IPPROTO_UDP);
}

static int udplite_parse(int c, const char *arg, struct ct_cmd *cmd, struct ct_err *err)
{
	(void)err;
	return udp_like_parse(c, arg, cmd, IPPROTO_UDPLITE);
}

static const char *const sctp_states[] = {
	"NONE",		 "CLOSED",	  "COOKIE_WAIT",       "COOKIE_ECHOED",	 "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};

static int sctp_parse(int c, const char *arg, struct ct_cmd *cmd, struct ct_err *err)
{
	unsigned int i;

	if (parse_port(c, arg, cmd, IPPROTO_SCTP))
		return 0;
	switch (c) {
	case O_STATE:
		for (i = 0; i < 10; i++)
			if (strcmp(arg, sctp_states[i]) == 0)
				break;
		if (i == 10)
			return ct_err_set(err, CT_PARAMETER_PROBLEM, "unknown SCTP state `%s'",
					  arg);
		cmd->tmpl.sctp_state = (uint8_t)i;
		cmd->tmpl.set |= T_SCTP_STATE;
		cmd->l4flags |= 1U << 6;
		break;
	case O_TUPLE_SPORT:
		tuple_port_as_proto(cmd, true, arg);
		cmd->l4flags |= 1U << 7;
		break;
	case O_TUPLE_DPORT:
		tuple_port_as_proto(cmd, false, arg);
		cmd->l4flags |= 1U << 8;
		break;
	case O_ORIG_VTAG:
		/*
		 * 1.4.7 converts the tag to network order and libnetfilter_conntrack
		 * does once more: the kernel gets it byte-swapped (and 1.4.7's save
		 * swaps it back). Send it the same way, or entries made by -I/-A/-U
		 * differ from 1.4.7's and a save/load round trip swaps every tag.
		 */
		cmd->tmpl.vtag_orig = htonl((uint32_t)atoi(arg));
		cmd->tmpl.set |= T_SCTP_VTAG_ORIG;
		cmd->l4flags |= 1U << 9;
		break;
	case O_REPL_VTAG:
		cmd->tmpl.vtag_repl = htonl((uint32_t)atoi(arg));
		cmd->tmpl.set |= T_SCTP_VTAG_REPL;
		cmd->l4flags |= 1U << 10;
		break;
	}
	return 0;
}

static const char *const dccp_states[] = {
	"NONE",	    "REQUEST", "RESPOND",  "PARTOPEN", "OPEN",
	"CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE",   "INVALID",
};

static int dccp_parse(int c, const char *arg, struct ct_cmd *cmd, struct ct_err *err)
{
	unsigned int i;

	if (parse_port(c, arg, cmd, IPPROTO_DCCP))
		return 0;
	switch (c) {
	case O_STATE:
		for (i = 0; i < 10; i++)
			if (strcmp(arg, dccp_states[i]) == 0)
				break;
		if (i == 10)
			return ct_err_set(err, CT_PARAMETER_PROBLEM, "Unknown DCCP state `%s'",
					  arg);
		cmd->tmpl.dccp_state = (uint8_t)i;
		cmd->tmpl.set |= T_DCCP_STATE;
		cmd->l4flags |= 1U << 6;
		break;
	case O_TUPLE_SPORT:
		tuple_port_as_proto(cmd, true, arg);
		cmd->l4flags |= 1U << 7;
		break;
	case O_TUPLE_DPORT:
		tuple_port_as_proto(cmd, false, arg);
		cmd->l4flags |= 1U << 8;
		break;
	case O_ROLE - 2: /* dccp numbers its role option 10 */
		if (strncasecmp(arg, "client", strlen(arg)) == 0)
			cmd->tmpl.dccp_role = 0;
		else if (strncasecmp(arg, "server", strlen(arg)) == 0)
			cmd->tmpl.dccp_role = 1;
		else
			return ct_err_set(err, CT_PARAMETER_PROBLEM, "Unknown DCCP role `%s'", arg);
		cmd->tmpl.set |= T_DCCP_ROLE;
		cmd->l4flags |= 1U << 9;
		break;
	}
	return 0;
}

/*
 * The reply type libnetfilter_conntrack derives when the type is set; it
 * depends on the family known at that moment, and 255 makes the kernel fail.
 */
static uint8_t icmp_reply_type(uint8_t family, uint8_t type)
{
	static const uint8_t v4[][2] = { { 8, 0 },   { 0, 8 },	 { 13, 14 }, { 14, 13 },
					 { 15, 16 }, { 16, 15 }, { 17, 18 }, { 18, 17 } };
	static const uint8_t v6[][2] = { { 128, 129 }, { 129, 128 }, { 139, 140 }, { 140, 139 } };
	unsigned int i;

	if (family == AF_INET) {
		for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
			if (v4[i][0] == type)
				return v4[i][1];
	} else if (family == AF_INET6) {
		for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
			if (v6[i][0] == type)
				return v6[i][1];
	}
	return 255;
}

static int icmp_common(int c, const char *arg, struct ct_cmd *cmd, uint8_t proto)
{
	struct ct_tmpl *t = &cmd->tmpl;

	switch (c) {
	case 1:
		t->icmp_type = (uint8_t)atoi(arg);
		t->repl_icmp_type =
			icmp_reply_type((t->set & T_ORIG_L3) ? t->orig_l3 : 0, t->icmp_type);
		t->set |= T_ICMP_TYPE;
		cmd->l4flags |= 1U << 0;
		break;
	case 2:
		t->icmp_code = (uint8_t)atoi(arg);
		t->set |= T_ICMP_CODE;
		cmd->l4flags |= 1U << 1;
		break;
	case 3:
		t->icmp_id = (uint16_t)atoi(arg);
		t->set |= T_ICMP_ID;
		cmd->l4flags |= 1U << 2;
		break;
	default:
		return 0;
	}
	t->orig_l4 = proto;
	t->set |= T_ORIG_L4;
	if (t->set & T_REPL_L3) {
		t->repl_l4 = proto;
		t->set |= T_REPL_L4;
	}
	return 0;
}

static int icmp_parse(int c, const char *arg, struct ct_cmd *cmd, struct ct_err *err)
{
	(void)err;
	return icmp_common(c, arg, cmd, IPPROTO_ICMP);
}

static int icmpv6_parse(int c, const char *arg, struct ct_cmd *cmd, struct ct_err *err)
{
	(void)err;
	return icmp_common(c, arg, cmd, IPPROTO_ICMPV6);
}

/* GRE keys are strtoul()ed with base 0, so hexadecimal works. */
static int gre_parse(int c, const char *arg, struct ct_cmd *cmd, struct ct_err *err)
{
	char num[16];

	(void)err;
	snprintf(num, sizeof(num), "%u", (unsigned int)(uint16_t)strtoul(arg, NULL, 0));
	if (c < O_ORIG_SPORT || c > O_MASK_DPORT) {
		/* --tuple-key-src (7) and --tuple-key-dst (8) */
		if (c == O_STATE || c == O_TUPLE_SPORT)
			tuple_port(cmd, c == O_STATE, port_arg(num), IPPROTO_GRE);
		if (c >= O_MASK_SPORT && c <= O_TUPLE_SPORT)
			cmd->l4flags |= 1U << (c - 1);
		return 0;
	}
	parse_port(c, num, cmd, IPPROTO_GRE);
	return 0;
}

static const struct option tcp_opts[] = {
	{ "orig-port-src", 1, NULL, O_ORIG_SPORT },
	{ "sport", 1, NULL, O_ORIG_SPORT },
	{ "orig-port-dst", 1, NULL, O_ORIG_DPORT },
	{ "dport", 1, NULL, O_ORIG_DPORT },
	{ "reply-port-src", 1, NULL, O_REPL_SPORT },
	{ "reply-port-dst", 1, NULL, O_REPL_DPORT },
	{ "mask-port-src", 1, NULL, O_MASK_SPORT },
	{ "mask-port-dst", 1, NULL, O_MASK_DPORT },
	{ "state", 1, NULL, O_STATE },
	{ "tuple-port-src", 1, NULL, O_TUPLE_SPORT },
	{ "tuple-port-dst", 1, NULL, O_TUPLE_DPORT },
	{ NULL, 0, NULL, 0 },
};

static const struct option udp_opts[] = {
	{ "orig-port-src", 1, NULL, O_ORIG_SPORT },
	{ "sport", 1, NULL, O_ORIG_SPORT },
	{ "orig-port-dst", 1, NULL, O_ORIG_DPORT },
	{ "dport", 1, NULL, O_ORIG_DPORT },
	{ "reply-port-src", 1, NULL, O_REPL_SPORT },
	{ "reply-port-dst", 1, NULL, O_REPL_DPORT },
	{ "mask-port-src", 1, NULL, O_MASK_SPORT },
	{ "mask-port-dst", 1, NULL, O_MASK_DPORT },
	{ "tuple-port-src", 1, NULL, O_STATE },
	{ "tuple-port-dst", 1, NULL, O_TUPLE_SPORT },
	{ NULL, 0, NULL, 0 },
};

static const struct option sctp_opts[] = {
	{ "orig-port-src", 1, NULL, O_ORIG_SPORT },
	{ "orig-port-dst", 1, NULL, O_ORIG_DPORT },
	{ "reply-port-src", 1, NULL, O_REPL_SPORT },
	{ "reply-port-dst", 1, NULL, O_REPL_DPORT },
	{ "mask-port-src", 1, NULL, O_MASK_SPORT },
	{ "mask-port-dst", 1, NULL, O_MASK_DPORT },
	{ "state", 1, NULL, O_STATE },
	{ "tuple-port-src", 1, NULL, O_TUPLE_SPORT },
	{ "tuple-port-dst", 1, NULL, O_TUPLE_DPORT },
	{ "orig-vtag", 1, NULL, O_ORIG_VTAG },
	{ "reply-vtag", 1, NULL, O_REPL_VTAG },
	{ "sport", 1, NULL, O_ORIG_SPORT },
	{ "dport", 1, NULL, O_ORIG_DPORT },
	{ NULL, 0, NULL, 0 },
};

static const struct option dccp_opts[] = {
	{ "orig-port-src", 1, NULL, O_ORIG_SPORT },
	{ "orig-port-dst", 1, NULL, O_ORIG_DPORT },
	{ "reply-port-src", 1, NULL, O_REPL_SPORT },
	{ "reply-port-dst", 1, NULL, O_REPL_DPORT },
	{ "mask-port-src", 1, NULL, O_MASK_SPORT },
	{ "mask-port-dst", 1, NULL, O_MASK_DPORT },
	{ "state", 1, NULL, O_STATE },
	{ "tuple-port-src", 1, NULL, O_TUPLE_SPORT },
	{ "tuple-port-dst", 1, NULL, O_TUPLE_DPORT },
	{ "sport", 1, NULL, O_ORIG_SPORT },
	{ "dport", 1, NULL, O_ORIG_DPORT },
	{ "role", 1, NULL, O_ROLE - 2 },
	{ NULL, 0, NULL, 0 },
};

static const struct option icmp_opts[] = {
	{ "icmp-type", 1, NULL, 1 },
	{ "icmp-code", 1, NULL, 2 },
	{ "icmp-id", 1, NULL, 3 },
	{ NULL, 0, NULL, 0 },
};

static const struct option icmpv6_opts[] = {
	{ "icmpv6-type", 1, NULL, 1 },
	{ "icmpv6-code", 1, NULL, 2 },
	{ "icmpv6-id", 1, NULL, 3 },
	{ NULL, 0, NULL, 0 },
};

static const struct option gre_opts[] = {
	{ "orig-key-src", 1, NULL, 1 },
	{ "srckey", 1, NULL, 1 },
	{ "orig-key-dst", 1, NULL, 2 },
	{ "dstkey", 1, NULL, 2 },
	{ "reply-key-src", 1, NULL, 3 },
	{ "reply-key-dst", 1, NULL, 4 },
	{ "mask-key-src", 1, NULL, 5 },
	{ "mask-key-dst", 1, NULL, 6 },
	{ "tuple-key-src", 1, NULL, 7 },
	{ "tuple-key-dst", 1, NULL, 8 },
	{ NULL, 0, NULL, 0 },
};

static const struct option no_opts[] = { { NULL, 0, NULL, 0 } };

/* Legality of each protocol option per command (0 illegal, 1 mandatory, 2 optional, 3 pair). */
static const char tcp_matrix[CT_NUMBER_OF_CMD + 1][16] = {
	[CT_LIST_BIT] = { 2, 2, 2, 2, 0, 0, 2, 0, 0 },
	[CT_CREATE_BIT] = { 3, 3, 3, 3, 0, 0, 1, 0, 0 },
	[CT_UPDATE_BIT] = { 2, 2, 2, 2, 0, 0, 2, 0, 0 },
	[CT_DELETE_BIT] = { 2, 2, 2, 2, 0, 0, 2, 0, 0 },
	[CT_GET_BIT] = { 3, 3, 3, 3, 0, 0, 2, 0, 0 },
	[CT_EVENT_BIT] = { 2, 2, 2, 2, 0, 0, 2, 0, 0 },
	[EXP_CREATE_BIT] = { 1, 1, 0, 0, 1, 1, 0, 1, 1 },
	[EXP_DELETE_BIT] = { 1, 1, 1, 1, 0, 0, 0, 0, 0 },
	[EXP_GET_BIT] = { 1, 1, 1, 1, 0, 0, 0, 0, 0 },
	[CT_ADD_BIT] = { 3, 3, 3, 3, 0, 0, 1, 0, 0 },
};

static const char udp_matrix[CT_NUMBER_OF_CMD + 1][16] = {
	[CT_LIST_BIT] = { 2, 2, 2, 2 },
	[CT_CREATE_BIT] = { 3, 3, 3, 3 },
	[CT_UPDATE_BIT] = { 2, 2, 2, 2 },
	[CT_DELETE_BIT] = { 2, 2, 2, 2 },
	[CT_GET_BIT] = { 3, 3, 3, 3 },
	[CT_EVENT_BIT] = { 2, 2, 2, 2 },
	[EXP_CREATE_BIT] = { 1, 1, 0, 0, 1, 1, 1, 1 },
	[EXP_DELETE_BIT] = { 1, 1, 1, 1 },
	[EXP_GET_BIT] = { 1, 1, 1, 1 },
	[CT_ADD_BIT] = { 3, 3, 3, 3 },
};

static const char sctp_matrix[CT_NUMBER_OF_CMD + 1][16] = {
	[CT_LIST_BIT] = { 2, 2, 2, 2, 0, 0, 2, 0, 0, 0, 0 },
	[CT_CREATE_BIT] = { 3, 3, 3, 3, 0, 0, 1, 0, 0, 1, 1 },
	[CT_UPDATE_BIT] = { 2, 2, 2, 2, 0, 0, 2, 0, 0, 2, 2 },
	[CT_DELETE_BIT] = { 2, 2, 2, 2, 0, 0, 2, 0, 0, 0, 0 },
	[CT_GET_BIT] = { 3, 3, 3, 3, 0, 0, 2, 0, 0, 2, 2 },
	[CT_EVENT_BIT] = { 2, 2, 2, 2, 0, 0, 2, 0, 0, 0, 0 },
	[EXP_CREATE_BIT] = { 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1 },
	[EXP_DELETE_BIT] = { 1, 1, 1, 1 },
	[EXP_GET_BIT] = { 1, 1, 1, 1 },
	[CT_ADD_BIT] = { 3, 3, 3, 3, 0, 0, 1, 0, 0, 1, 1 },
};

static const char dccp_matrix[CT_NUMBER_OF_CMD + 1][16] = {
	[CT_LIST_BIT] = { 2, 2, 2, 2, 0, 0, 2, 0, 0, 0 },
	[CT_CREATE_BIT] = { 3, 3, 3, 3, 0, 0, 1, 0, 0, 1 },
	[CT_UPDATE_BIT] = { 2, 2, 2, 2, 0, 0, 2, 0, 0, 0 },
	[CT_DELETE_BIT] = { 2, 2, 2, 2, 0, 0, 2, 0, 0, 0 },
	[CT_GET_BIT] = { 3, 3, 3, 3, 0, 0, 2, 0, 0, 0 },
	[CT_EVENT_BIT] = { 2, 2, 2, 2, 0, 0, 2, 0, 0, 0 },
	[EXP_CREATE_BIT] = { 1, 1, 0, 0, 1, 1, 0, 1, 1, 1 },
	[EXP_DELETE_BIT] = { 1, 1, 1, 1 },
	[EXP_GET_BIT] = { 1, 1, 1, 1 },
	[CT_ADD_BIT] = { 3, 3, 3, 3, 0, 0, 1, 0, 0, 1 },
};

static const char icmp_matrix[CT_NUMBER_OF_CMD + 1][16] = {
	[CT_LIST_BIT] = { 2, 2, 2 },   [CT_CREATE_BIT] = { 1, 1, 2 }, [CT_UPDATE_BIT] = { 2, 2, 2 },
	[CT_DELETE_BIT] = { 2, 2, 2 }, [CT_GET_BIT] = { 1, 1, 2 },    [CT_EVENT_BIT] = { 2, 2, 2 },
	[EXP_CREATE_BIT] = { 0 },      [EXP_DELETE_BIT] = { 0 },      [EXP_GET_BIT] = { 0 },
	[CT_ADD_BIT] = { 1, 1, 2 },
};

static const char gre_matrix[CT_NUMBER_OF_CMD + 1][16] = {
	[CT_LIST_BIT] = { 2, 2, 2, 2 },
	[CT_CREATE_BIT] = { 3, 3, 3, 3 },
	[CT_UPDATE_BIT] = { 2, 2, 2, 2 },
	[CT_DELETE_BIT] = { 2, 2, 2, 2 },
	[CT_GET_BIT] = { 3, 3, 3, 3 },
	[CT_EVENT_BIT] = { 2, 2, 2, 2 },
	[EXP_CREATE_BIT] = { 1, 1, 1, 1, 1, 1, 1, 1 },
	[EXP_DELETE_BIT] = { 1, 1, 1, 1 },
	[EXP_GET_BIT] = { 1, 1, 1, 1 },
	[CT_ADD_BIT] = { 3, 3, 3, 3 },
};

static const char *const tcp_optflags[] = { "sport",	      "dport",		"reply-port-src",
					    "reply-port-dst", "mask-port-src",	"mask-port-dst",
					    "state",	      "tuple-port-src", "tuple-port-dst" };
static const char *const udp_optflags[] = { "sport",	      "dport",	       "reply-port-src",
					    "reply-port-dst", "mask-port-src", "mask-port-dst",
					    "tuple-port-src", "tuple-port-dst" };
static const char *const sctp_optflags[] = { "sport",	       "dport",		 "reply-port-src",
					     "reply-port-dst", "mask-port-src",	 "mask-port-dst",
					     "state",	       "tuple-port-src", "tuple-port-dst",
					     "orig-vtag",      "reply-vtag" };
static const char *const dccp_optflags[] = {
	"sport",	 "dport", "reply-port-src", "reply-port-dst", "mask-port-src",
	"mask-port-dst", "state", "tuple-port-src", "tuple-port-dst", "role"
};
static const char *const icmp_optflags[] = { "icmp-type", "icmp-code", "icmp-id" };
static const char *const icmpv6_optflags[] = { "icmpv6-type", "icmpv6-code", "icmpv6-id" };
static const char *const gre_optflags[] = { "srckey",	     "dstkey",	     "reply-key-src",
					    "reply-key-dst", "mask-key-src", "mask-key-dst",
					    "tuple-key-src", "tuple-key-dst" };

#define PORT_HELP                                            \
	"  --orig-port-src\t\toriginal source port\n"        \
	"  --orig-port-dst\t\toriginal destination port\n"   \
	"  --reply-port-src\t\treply source port\n"          \
	"  --reply-port-dst\t\treply destination port\n"     \
	"  --mask-port-src\t\tmask source port\n"            \
	"  --mask-port-dst\t\tmask destination port\n"       \
	"  --tuple-port-src\t\texpectation tuple src port\n" \
	"  --tuple-port-dst\t\texpectation tuple dst port\n"

#define PORT_PAIR                                                        \
	{                                                                \
		F_ORIG_SPORT | F_ORIG_DPORT, F_REPL_SPORT | F_REPL_DPORT \
	}

static const struct ct_proto protos[] = {
	{ "tcp",
	  IPPROTO_TCP,
	  tcp_opts,
	  tcp_parse,
	  tcp_matrix,
	  9,
	  tcp_optflags,
	  { "you have to specify `--sport' and `--dport'",
	    "you have to specify `--reply-src-port' and `--reply-dst-port'" },
	  PORT_PAIR,
	  PORT_HELP "  --state\t\t\tTCP state, fe. ESTABLISHED\n",
	  tcp_final },
	{ "udp",
	  IPPROTO_UDP,
	  udp_opts,
	  udp_parse,
	  udp_matrix,
	  8,
	  udp_optflags,
	  { "you have to specify `--sport' and `--dport'",
	    "you have to specify `--reply-src-port' and `--reply-dst-port'" },
	  PORT_PAIR,
	  PORT_HELP,
	  NULL },
	{ "udplite",
	  IPPROTO_UDPLITE,
	  udp_opts,
	  udplite_parse,
	  udp_matrix,
	  8,
	  udp_optflags,
	  { "you have to specify `--sport' and `--dport'",
	    "you have to specify `--reply-src-port' and `--reply-dst-port'" },
	  PORT_PAIR,
	  PORT_HELP,
	  NULL },
	{ "sctp",
	  IPPROTO_SCTP,
	  sctp_opts,
	  sctp_parse,
	  sctp_matrix,
	  11,
	  sctp_optflags,
	  { "you have to specify `--sport' and `--dport'",
	    "you have to specify `--reply-src-port' and `--reply-dst-port'" },
	  PORT_PAIR,
	  PORT_HELP "  --state\t\t\tSCTP state, fe. ESTABLISHED\n"
		    "  --orig-vtag\t\toriginal verification tag\n"
		    "  --reply-vtag\t\treply verification tag\n",
	  NULL },
	{ "dccp",
	  IPPROTO_DCCP,
	  dccp_opts,
	  dccp_parse,
	  dccp_matrix,
	  10,
	  dccp_optflags,
	  { "you have to specify `--sport' and `--dport'",
	    "you have to specify `--reply-port-src' and `--report-port-dst'" },
	  PORT_PAIR,
	  PORT_HELP "  --state\t\t\tDCCP state, fe. RESPOND\n",
	  NULL },
	{ "icmp",
	  IPPROTO_ICMP,
	  icmp_opts,
	  icmp_parse,
	  icmp_matrix,
	  3,
	  icmp_optflags,
	  { NULL, NULL },
	  { 0, 0 },
	  "  --icmp-type\t\t\ticmp type\n  --icmp-code\t\t\ticmp code\n  --icmp-id\t\t\ticmp id\n",
	  NULL },
	{ "icmpv6",
	  IPPROTO_ICMPV6,
	  icmpv6_opts,
	  icmpv6_parse,
	  icmp_matrix,
	  3,
	  icmpv6_optflags,
	  { NULL, NULL },
	  { 0, 0 },
	  "  --icmpv6-type\t\t\ticmpv6 type\n  --icmpv6-code\t\t\ticmpv6 code\n"
	  "  --icmpv6-id\t\t\ticmpv6 id\n",
	  NULL },
	{ "gre",
	  IPPROTO_GRE,
	  gre_opts,
	  gre_parse,
	  gre_matrix,
	  8,
	  gre_optflags,
	  { "you have to specify `--srckey' and `--dstkey'",
	    "you have to specify `--reply-src-key' and `--reply-dst-key'" },
	  PORT_PAIR,
	  "  --orig-key-src\t\toriginal source key\n"
	  "  --orig-key-dst\t\toriginal destination key\n"
	  "  --reply-key-src\t\treply source key\n"
	  "  --reply-key-dst\t\treply destination key\n"
	  "  --mask-key-src\t\tmask source key\n"
	  "  --mask-key-dst\t\tmask destination key\n"
	  "  --tuple-key-src\t\texpectation tuple src key\n"
	  "  --tuple-key-dst\t\texpectation tuple dst key\n",
	  NULL },
};

/* Protocols without a handler carry their number into a given reply tuple. */
static void unknown_final(struct ct_cmd *cmd)
{
	struct ct_tmpl *t = &cmd->tmpl;

	if ((t->set & T_REPL_L3) && (t->set & T_ORIG_L4) && !(t->set & T_REPL_L4)) {
		t->repl_l4 = t->orig_l4;
		t->set |= T_REPL_L4;
	}
}

const struct ct_proto ct_proto_unknown = {
	"unknown",     0,
	no_opts,       NULL,
	NULL,	       0,
	NULL,	       { NULL, NULL },
	{ 0, 0 },      "  no options (unsupported)\n",
	unknown_final,
};

static int parse_proto_num(const char *s)
{
	unsigned long v;
	char *end;

	v = strtoul(s, &end, 0);
	if (v > 255 || end == s || *end != '\0')
		return -1;
	return (int)v;
}

const struct ct_proto *ct_proto_by_num(int protonum)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].protonum == protonum)
			return &protos[i];
	return &ct_proto_unknown;
}

/*
 * getprotobyname() reads /etc/protocols from the top on every call, and a
 * miss ("-p 99") reads all of it: a load file of 100,000 such lines spent a
 * third of its time there. Remember the last few answers (hits and misses);
 * the file does not change during a run. Called from the parsing thread only.
 */
static int protoent_cached(const char *name)
{
	static struct {
		char name[32];
		int num; /* -1: not in /etc/protocols */
	} cache[8];
	static unsigned int used, next;
	struct protoent *pe;
	unsigned int i;
	size_t len = strlen(name);

	for (i = 0; i < used; i++)
		if (strcmp(cache[i].name, name) == 0)
			return cache[i].num;
	pe = getprotobyname(name);
	if (len >= sizeof(cache[0].name))
		return pe ? pe->p_proto : -1;
	i = used < 8 ? used++ : next++ % 8;
	memcpy(cache[i].name, name, len + 1);
	cache[i].num = pe ? pe->p_proto : -1;
	return cache[i].num;
}

const struct ct_proto *ct_proto_find(const char *name, int *ret_protonum)
{
	size_t i;
	int num;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcasecmp(protos[i].name, name) == 0) {
			*ret_protonum = protos[i].protonum;
			return &protos[i];
		}
	}
	num = protoent_cached(name);
	if (num >= 0) {
		*ret_protonum = num;
		return &ct_proto_unknown;
	}
	num = parse_proto_num(name);
	if (num < 0)
		return NULL;
	*ret_protonum = num;
	return ct_proto_by_num(num);
}

/*
 * 1.4.7's generic_opt_check() over the protocol's flags: a mandatory option
 * missing or an illegal one present fails; rows marked 3 need one complete
 * pair (orig or reply), and the first partial pair names the message.
 */
int ct_proto_check(struct ct_cmd *cmd, struct ct_err *err)
{
	const struct ct_proto *p = cmd->proto;
	const char *row;
	bool special = false;
	int partial = -1;
	unsigned int i;

	if (!p)
		return 0;
	if (!p->matrix)
		goto ok;
	row = p->matrix[cmd->cmd < CT_NUMBER_OF_CMD ? cmd->cmd : CT_NUMBER_OF_CMD];
	for (i = 0; i < p->nopts && i < 16; i++) {
		bool given = cmd->l4flags & (1U << i);

		if (!given && row[i] == 1)
			return ct_err_set(err, CT_PARAMETER_PROBLEM,
					  "You need to supply the `--%s' option for this command",
					  p->optflags[i]);
		if (given && row[i] == 0)
			return ct_err_set(err, CT_PARAMETER_PROBLEM,
					  "Illegal option `--%s' with this command",
					  i < p->nopts && p->optflags[i] ? p->optflags[i] : "");
		if (row[i] == 3)
			special = true;
	}
	if (special && p->pair_msg[0]) {
		for (i = 0; i < 2; i++) {
			if ((cmd->l4flags & p->pair_flags[i]) == p->pair_flags[i])
				goto ok;
			if ((cmd->l4flags & p->pair_flags[i]) && partial < 0)
				partial = (int)i;
		}
		return ct_err_set(err, CT_PARAMETER_PROBLEM, "%s",
				  p->pair_msg[partial == 1 ? 1 : 0]);
	}
ok:
	if (p->final)
		p->final(cmd);
	return 0;
}
