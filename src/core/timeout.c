// SPDX-License-Identifier: GPL-2.0-or-later
/* cttimeout codec: policy requests, reply parsing, protocol and state tables, nfct output. */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_cttimeout.h>

#include <ctflow/timeout.h>

#include "attrs.h"
#include "strbuf.h"

/*
 * State names per protocol, in the kernel's attribute order
 * (include/uapi/linux/netfilter/nfnetlink_cttimeout.h).
 */
static const char *const tcp_states[] = {
	"SYN_SENT",  "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",     "LAST_ACK",
	"TIME_WAIT", "CLOSE",	 "SYN_SENT2",	"RETRANS",  "UNACKNOWLEDGED",
};
static const char *const udp_states[] = { "UNREPLIED", "REPLIED" };
static const char *const timeout_state[] = { "TIMEOUT" };
static const char *const sctp_states[] = {
	"CLOSED",	 "COOKIE_WAIT",	      "COOKIE_ECHOED",	"ESTABLISHED",	   "SHUTDOWN_SENT",
	"SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};
static const char *const dccp_states[] = {
	"REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING", "TIMEWAIT",
};

#define PROTO(num, str, tbl, known)                                                         \
	{                                                                                   \
		.l4proto = (num), .name = (str), .nstates = sizeof(tbl) / sizeof((tbl)[0]), \
		.nfct_states = (known), .states = (tbl)                                     \
	}

/*
 * nfct 1.4.7 builds against libnetfilter_cttimeout 1.0.1, which predates the
 * SCTP heartbeat states: it neither accepts nor prints them.
 */
static const struct ctf_timeout_proto protos[] = {
	PROTO(IPPROTO_TCP, "tcp", tcp_states, 11),
	PROTO(IPPROTO_UDP, "udp", udp_states, 2),
	PROTO(IPPROTO_UDPLITE, "udplite", udp_states, 2),
	PROTO(IPPROTO_ICMP, "icmp", timeout_state, 1),
	PROTO(IPPROTO_ICMPV6, "icmpv6", timeout_state, 1),
	PROTO(IPPROTO_SCTP, "sctp", sctp_states, 7),
	PROTO(IPPROTO_DCCP, "dccp", dccp_states, 7),
	PROTO(IPPROTO_GRE, "gre", udp_states, 2),
	PROTO(CTF_TIMEOUT_GENERIC, "generic", timeout_state, 1),
};

const struct ctf_timeout_proto *ctf_timeout_proto_find(uint8_t l4proto)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].l4proto == l4proto)
			return &protos[i];
	return NULL;
}

int ctf_timeout_state_find(const struct ctf_timeout_proto *p, const char *name)
{
	unsigned int i;

	for (i = 0; p && i < p->nfct_states; i++)
		if (strcasecmp(name, p->states[i]) == 0)
			return (int)i;
	return -ENOENT;
}

int ctf_timeout_parse_l3(const char *s)
{
	if (strcmp(s, "inet") == 0)
		return AF_INET;
	if (strcmp(s, "inet6") == 0)
		return AF_INET6;
	return -EINVAL;
}

int ctf_timeout_parse_l4(const char *s, int *db_err)
{
	struct protoent pe, *res = NULL;
	char buf[1024];
	size_t i;
	int r;

	/* 0 and no result: not in the database; an errno: no database to look in. */
	r = getprotobyname_r(s, &pe, buf, sizeof(buf), &res);
	if (db_err)
		*db_err = -r;
	if (r == 0 && res)
		return res->p_proto & 0xff;
	/* Debian's /etc/protocols says ipv6-icmp; nfct also takes icmpv6. */
	if (strcmp(s, "icmpv6") == 0)
		return IPPROTO_ICMPV6;
	if (strcmp(s, "generic") == 0)
		return CTF_TIMEOUT_GENERIC;
	/* Without a protocols database, still know the protocols cttimeout has tables for. */
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcmp(s, protos[i].name) == 0)
			return protos[i].l4proto;
	return -EINVAL;
}

void ctf_timeout_set_name(struct ctf_timeout *t, const char *name)
{
	size_t n = strnlen(name, CTF_TIMEOUT_NAME_LEN - 1);

	memcpy(t->name, name, n);
	t->name[n] = '\0';
	t->present |= CTF_TIMEOUT_P_NAME;
}

struct nlmsghdr *ctf_timeout_msg_put(void *buf, uint16_t type, uint16_t flags, uint32_t seq)
{
	/* Zeroed so the attribute padding libmnl 1.0.4 skips is not stack garbage. */
	memset(buf, 0, CTF_NL_REQ_SIZE);
	return ctf_nfnl_msg_put(buf, NFNL_SUBSYS_CTNETLINK_TIMEOUT, (uint8_t)type, flags, AF_UNSPEC, seq);
}

static bool put_data(struct nlmsghdr *nlh, size_t len, const struct ctf_timeout *t,
		     const struct ctf_timeout_proto *p)
{
	struct nlattr *nest;
	unsigned int i;
	bool ok = true;

	nest = mnl_attr_nest_start_check(nlh, len, CTA_TIMEOUT_DATA);
	if (!nest)
		return false;
	for (i = 0; ok && i < p->nstates; i++)
		if (t->states & (1U << i))
			ok = mnl_attr_put_u32_check(nlh, len, (uint16_t)(i + 1),
						    htonl(t->timeouts[i]));
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

int ctf_timeout_put(struct nlmsghdr *nlh, size_t buflen, const struct ctf_timeout *t)
{
	const struct ctf_timeout_proto *p = NULL;
	bool ok = true;

	if (t->states) {
		if (t->present & CTF_TIMEOUT_P_L4PROTO)
			p = ctf_timeout_proto_find(t->l4proto);
		if (!p || (t->states >> p->nstates) != 0)
			return -EINVAL;
	}
	/* The kernel wants the name NUL-terminated (NLA_NUL_STRING). */
	if (t->present & CTF_TIMEOUT_P_NAME)
		ok = mnl_attr_put_strz_check(nlh, buflen, CTA_TIMEOUT_NAME, t->name);
	if (ok && (t->present & CTF_TIMEOUT_P_L3PROTO))
		ok = mnl_attr_put_u16_check(nlh, buflen, CTA_TIMEOUT_L3PROTO, htons(t->l3proto));
	if (ok && (t->present & CTF_TIMEOUT_P_L4PROTO))
		ok = mnl_attr_put_u8_check(nlh, buflen, CTA_TIMEOUT_L4PROTO, t->l4proto);
	if (ok && p)
		ok = put_data(nlh, buflen, t, p);
	return ok ? 0 : -EMSGSIZE;
}

static const uint8_t top_types[CTA_TIMEOUT_MAX + 1] = {
	[CTA_TIMEOUT_NAME] = MNL_TYPE_NUL_STRING, [CTA_TIMEOUT_L3PROTO] = MNL_TYPE_U16,
	[CTA_TIMEOUT_L4PROTO] = MNL_TYPE_U8,	  [CTA_TIMEOUT_DATA] = MNL_TYPE_NESTED,
	[CTA_TIMEOUT_USE] = MNL_TYPE_U32,
};

static int top_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > CTA_TIMEOUT_MAX || top_types[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK; /* newer kernels may add attributes */
	if (mnl_attr_validate(attr, top_types[type]) < 0)
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

struct states_ctx {
	struct ctf_timeout *t;
	unsigned int nstates;
};

/* Every state attribute is a big-endian u32 number of seconds. */
static int state_attr_cb(const struct nlattr *attr, void *data)
{
	struct states_ctx *ctx = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type == 0 || type > ctx->nstates)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	ctx->t->timeouts[type - 1] = ntohl(mnl_attr_get_u32(attr));
	ctx->t->states |= 1U << (type - 1);
	return MNL_CB_OK;
}

static int parse_name(const struct nlattr *attr, struct ctf_timeout *t)
{
	const char *s = mnl_attr_get_str(attr);

	if (strnlen(s, mnl_attr_get_payload_len(attr)) >= CTF_TIMEOUT_NAME_LEN)
		return -EBADMSG;
	ctf_timeout_set_name(t, s);
	return 0;
}

int ctf_timeout_parse(const struct nlmsghdr *nlh, struct ctf_timeout *ret_timeout)
{
	const struct nlattr *tb[CTA_TIMEOUT_MAX + 1] = { NULL };
	const struct ctf_timeout_proto *p = NULL;
	struct ctf_timeout t = { 0 };
	struct states_ctx ctx = { &t, 0 };

	if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_CTNETLINK_TIMEOUT)
		return -EPROTO;
	if (attrs_walk_msg(nlh, top_attr_cb, tb) < 0)
		return -EBADMSG;
	if (tb[CTA_TIMEOUT_NAME] && parse_name(tb[CTA_TIMEOUT_NAME], &t) < 0)
		return -EBADMSG;
	if (tb[CTA_TIMEOUT_L3PROTO]) {
		t.l3proto = ntohs(mnl_attr_get_u16(tb[CTA_TIMEOUT_L3PROTO]));
		t.present |= CTF_TIMEOUT_P_L3PROTO;
	}
	if (tb[CTA_TIMEOUT_L4PROTO]) {
		t.l4proto = mnl_attr_get_u8(tb[CTA_TIMEOUT_L4PROTO]);
		t.present |= CTF_TIMEOUT_P_L4PROTO;
		p = ctf_timeout_proto_find(t.l4proto);
	}
	if (tb[CTA_TIMEOUT_USE]) {
		t.use = ntohl(mnl_attr_get_u32(tb[CTA_TIMEOUT_USE]));
		t.present |= CTF_TIMEOUT_P_USE;
	}
	/* Without a state table the numbers mean nothing to us: skip them, as 1.4.7 does. */
	if (tb[CTA_TIMEOUT_DATA] && p) {
		ctx.nstates = p->nstates;
		if (attrs_walk_nested(tb[CTA_TIMEOUT_DATA], state_attr_cb, &ctx) < 0)
			return -EBADMSG;
	}
	*ret_timeout = t;
	return 0;
}

int ctf_timeout_request(struct ctf_nl *nl, uint16_t type, uint16_t flags,
			const struct ctf_timeout *t, ctf_nl_msg_cb cb, void *data)
{
	char buf[CTF_NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	int r;

	nlh = ctf_timeout_msg_put(buf, type, flags, ctf_nl_next_seq(nl));
	if (t) {
		r = ctf_timeout_put(nlh, sizeof(buf), t);
		if (r < 0)
			return r;
	}
	return ctf_nl_exchange(nl, nlh, cb, data);
}

/*
 * nfct 1.4.7's layout (libnetfilter_cttimeout's nfct_timeout_snprintf): the
 * name line only for named policies, and the policy block only when the
 * kernel sent states it knows; states it did not send print as 0.
 */
static void format_text(struct strbuf *sb, const struct ctf_timeout *t)
{
	const struct ctf_timeout_proto *p = NULL;
	unsigned int i, known = 0;

	if (t->present & CTF_TIMEOUT_P_L4PROTO)
		p = ctf_timeout_proto_find(t->l4proto);
	if (p)
		known = t->states & ((1U << p->nfct_states) - 1);
	if (t->present & CTF_TIMEOUT_P_NAME)
		sb_printf(sb, ".%s = {\n", t->name);
	if (t->present & CTF_TIMEOUT_P_L3PROTO)
		sb_printf(sb, "\t.l3proto = %u,\n", t->l3proto);
	if (t->present & CTF_TIMEOUT_P_L4PROTO)
		sb_printf(sb, "\t.l4proto = %u,\n", t->l4proto);
	if (known) {
		sb_printf(sb, "\t.policy = {\n");
		for (i = 0; i < p->nfct_states; i++)
			sb_printf(sb, "\t\t.%s = %u,\n", p->states[i], t->timeouts[i]);
		sb_printf(sb, "\t},\n");
	}
	sb_printf(sb, "};");
}

static void json_state_name(struct strbuf *sb, const char *name)
{
	sb_putc(sb, '"');
	for (; *name; name++)
		sb_putc(sb, (char)(*name >= 'A' && *name <= 'Z' ? *name - 'A' + 'a' : *name));
	sb_putc(sb, '"');
}

/* Every state the kernel sent, lower case as nfct takes them on input. */
static void format_json(struct strbuf *sb, const struct ctf_timeout *t)
{
	const struct ctf_timeout_proto *p = NULL;
	const char *sep = "";
	unsigned int i;

	sb_putc(sb, '{');
	if (t->present & CTF_TIMEOUT_P_NAME) {
		sb_printf(sb, "\"name\":");
		sb_json_str(sb, t->name);
		sep = ",";
	}
	if (t->present & CTF_TIMEOUT_P_L3PROTO) {
		sb_printf(sb, "%s\"family\":\"%s\",\"l3proto\":%u", sep,
			  t->l3proto == AF_INET	   ? "inet"
			  : t->l3proto == AF_INET6 ? "inet6"
						   : "unknown",
			  t->l3proto);
		sep = ",";
	}
	if (t->present & CTF_TIMEOUT_P_L4PROTO) {
		p = ctf_timeout_proto_find(t->l4proto);
		sb_printf(sb, "%s\"protocol\":\"%s\",\"l4proto\":%u", sep, p ? p->name : "unknown",
			  t->l4proto);
		sep = ",";
	}
	if (t->present & CTF_TIMEOUT_P_USE) {
		sb_printf(sb, "%s\"use\":%u", sep, t->use);
		sep = ",";
	}
	if (p && t->states) {
		sb_printf(sb, "%s\"policy\":{", sep);
		for (sep = "", i = 0; i < p->nstates; i++) {
			if (!(t->states & (1U << i)))
				continue;
			sb_printf(sb, "%s", sep);
			json_state_name(sb, p->states[i]);
			sb_printf(sb, ":%u", t->timeouts[i]);
			sep = ",";
		}
		sb_putc(sb, '}');
	}
	sb_putc(sb, '}');
}

size_t ctf_timeout_format(char *buf, size_t len, const struct ctf_timeout *t,
			  enum ctf_timeout_fmt fmt)
{
	struct strbuf sb;

	sb_init(&sb, buf, len);
	if (fmt == CTF_TIMEOUT_FMT_JSON)
		format_json(&sb, t);
	else
		format_text(&sb, t);
	return sb.off;
}
