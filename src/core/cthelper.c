// SPDX-License-Identifier: GPL-2.0-or-later
/* cthelper codec: helper registration requests, reply parsing, nfct's stubs and output. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_cthelper.h>

#include <ctflow/cthelper.h>

#include "attrs.h"
#include "strbuf.h"

/*
 * What conntrackd 1.4.7's plugins (ct_helper_<name>.so) register: one
 * expectation policy named like the helper, and the size of the per-flow
 * state the plugin keeps (its struct ftp_info, rpc_info, ...). nfct 1.4.7
 * dlopen()s the plugin to read this; we carry the table instead.
 */
static const struct ctf_cthelper_stub stubs[] = {
	{ "amanda", IPPROTO_UDP, 0, 3, 180 }, { "dhcpv6", IPPROTO_UDP, 0, 1, 300 },
	{ "ftp", IPPROTO_TCP, 24, 1, 300 },   { "mdns", IPPROTO_UDP, 0, 8, 30 },
	{ "rpc", IPPROTO_TCP, 16, 1, 300 },   { "rpc", IPPROTO_UDP, 16, 1, 300 },
	{ "sane", IPPROTO_TCP, 4, 1, 300 },   { "slp", IPPROTO_UDP, 0, 8, 16 },
	{ "ssdp", IPPROTO_UDP, 0, 8, 300 },   { "ssdp", IPPROTO_TCP, 0, 8, 300 },
	{ "tftp", IPPROTO_UDP, 0, 1, 300 },   { "tns", IPPROTO_TCP, 1, 1, 300 },
};

const struct ctf_cthelper_stub *ctf_cthelper_stub_find(const char *name, uint8_t l4proto)
{
	size_t i;

	for (i = 0; i < sizeof(stubs) / sizeof(stubs[0]); i++)
		if (stubs[i].l4proto == l4proto && strcmp(stubs[i].name, name) == 0)
			return &stubs[i];
	return NULL;
}

static void copy_name(char *dst, const char *src)
{
	size_t n = strnlen(src, CTF_HELPER_NAME_LEN - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

void ctf_cthelper_set_name(struct ctf_cthelper *h, const char *name)
{
	copy_name(h->name, name);
	h->present |= CTF_CTHELPER_P_NAME;
}

void ctf_cthelper_from_stub(struct ctf_cthelper *h, const struct ctf_cthelper_stub *stub,
			    uint16_t l3proto)
{
	memset(h, 0, sizeof(*h));
	ctf_cthelper_set_name(h, stub->name);
	h->l3proto = l3proto;
	h->l4proto = stub->l4proto;
	h->priv_data_len = stub->priv_data_len;
	h->npolicies = 1;
	copy_name(h->policy[0].name, stub->name);
	h->policy[0].expect_max = stub->expect_max;
	h->policy[0].expect_timeout = stub->expect_timeout;
	h->present |= CTF_CTHELPER_P_L3PROTO | CTF_CTHELPER_P_L4PROTO |
		      CTF_CTHELPER_P_PRIV_DATA_LEN | CTF_CTHELPER_P_POLICY;
}

struct nlmsghdr *ctf_cthelper_msg_put(void *buf, uint16_t type, uint16_t flags, uint32_t seq)
{
	/* Zeroed so the attribute padding libmnl 1.0.4 skips is not stack garbage. */
	memset(buf, 0, CTF_NL_REQ_SIZE);
	return ctf_nfnl_msg_put(buf, NFNL_SUBSYS_CTHELPER, (uint8_t)type, flags, AF_UNSPEC, seq);
}

static bool put_tuple(struct nlmsghdr *nlh, size_t len, const struct ctf_cthelper *h)
{
	struct nlattr *nest;
	bool ok;

	/* nfct 1.4.7 always sends both numbers once either is set (0 for the other). */
	nest = mnl_attr_nest_start_check(nlh, len, NFCTH_TUPLE);
	if (!nest)
		return false;
	ok = mnl_attr_put_u16_check(nlh, len, NFCTH_TUPLE_L3PROTONUM, htons(h->l3proto)) &&
	     mnl_attr_put_u8_check(nlh, len, NFCTH_TUPLE_L4PROTONUM, h->l4proto);
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

static bool put_policy(struct nlmsghdr *nlh, size_t len, uint16_t type,
		       const struct ctf_cthelper_policy *p)
{
	struct nlattr *nest;
	bool ok;

	nest = mnl_attr_nest_start_check(nlh, len, type);
	if (!nest)
		return false;
	ok = mnl_attr_put_strz_check(nlh, len, NFCTH_POLICY_NAME, p->name) &&
	     mnl_attr_put_u32_check(nlh, len, NFCTH_POLICY_EXPECT_MAX, htonl(p->expect_max)) &&
	     mnl_attr_put_u32_check(nlh, len, NFCTH_POLICY_EXPECT_TIMEOUT,
				    htonl(p->expect_timeout));
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

/* The policy sets first, then their count, as libnetfilter_cthelper orders them. */
static bool put_policies(struct nlmsghdr *nlh, size_t len, const struct ctf_cthelper *h)
{
	struct nlattr *nest;
	unsigned int i;
	bool ok = true;

	nest = mnl_attr_nest_start_check(nlh, len, NFCTH_POLICY);
	if (!nest)
		return false;
	for (i = 0; ok && i < h->npolicies; i++)
		ok = put_policy(nlh, len, (uint16_t)(NFCTH_POLICY_SET + i), &h->policy[i]);
	ok = ok && mnl_attr_put_u32_check(nlh, len, NFCTH_POLICY_SET_NUM, htonl(h->npolicies));
	mnl_attr_nest_end(nlh, nest);
	return ok;
}

int ctf_cthelper_put(struct nlmsghdr *nlh, size_t buflen, const struct ctf_cthelper *h)
{
	bool ok = true;

	if ((h->present & CTF_CTHELPER_P_POLICY) &&
	    (h->npolicies == 0 || h->npolicies > CTF_CTHELPER_POLICY_MAX))
		return -EINVAL;
	if (h->present & CTF_CTHELPER_P_NAME)
		ok = mnl_attr_put_strz_check(nlh, buflen, NFCTH_NAME, h->name);
	if (ok && (h->present & CTF_CTHELPER_P_QUEUE_NUM))
		ok = mnl_attr_put_u32_check(nlh, buflen, NFCTH_QUEUE_NUM, htonl(h->queue_num));
	if (ok && (h->present & CTF_CTHELPER_P_PRIV_DATA_LEN))
		ok = mnl_attr_put_u32_check(nlh, buflen, NFCTH_PRIV_DATA_LEN,
					    htonl(h->priv_data_len));
	if (ok && (h->present & (CTF_CTHELPER_P_L3PROTO | CTF_CTHELPER_P_L4PROTO)))
		ok = put_tuple(nlh, buflen, h);
	if (ok && (h->present & CTF_CTHELPER_P_POLICY))
		ok = put_policies(nlh, buflen, h);
	if (ok && (h->present & CTF_CTHELPER_P_STATUS))
		ok = mnl_attr_put_u32_check(nlh, buflen, NFCTH_STATUS, htonl(h->status));
	return ok ? 0 : -EMSGSIZE;
}

/* Parsing: one table of expected types per nest; unknown types are skipped. */
struct nest_ctx {
	const struct nlattr **tb;
	const uint8_t *types;
	unsigned int max;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nest_ctx *ctx = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > ctx->max || ctx->types[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, ctx->types[type]) < 0)
		return MNL_CB_ERROR;
	ctx->tb[type] = attr;
	return MNL_CB_OK;
}

static int parse_nest(const struct nlattr *nest, const struct nlattr **tb, const uint8_t *types,
		      unsigned int max)
{
	struct nest_ctx ctx = { tb, types, max };

	return attrs_walk_nested(nest, attr_cb, &ctx);
}

static const uint8_t top_types[NFCTH_MAX + 1] = {
	[NFCTH_NAME] = MNL_TYPE_NUL_STRING,   [NFCTH_TUPLE] = MNL_TYPE_NESTED,
	[NFCTH_QUEUE_NUM] = MNL_TYPE_U32,     [NFCTH_POLICY] = MNL_TYPE_NESTED,
	[NFCTH_PRIV_DATA_LEN] = MNL_TYPE_U32, [NFCTH_STATUS] = MNL_TYPE_U32,
};

static const uint8_t tuple_types[NFCTH_TUPLE_MAX + 1] = {
	[NFCTH_TUPLE_L3PROTONUM] = MNL_TYPE_U16,
	[NFCTH_TUPLE_L4PROTONUM] = MNL_TYPE_U8,
};

static const uint8_t set_types[NFCTH_POLICY_SET_MAX + 1] = {
	[NFCTH_POLICY_SET_NUM] = MNL_TYPE_U32, [NFCTH_POLICY_SET1] = MNL_TYPE_NESTED,
	[NFCTH_POLICY_SET2] = MNL_TYPE_NESTED, [NFCTH_POLICY_SET3] = MNL_TYPE_NESTED,
	[NFCTH_POLICY_SET4] = MNL_TYPE_NESTED,
};

static const uint8_t policy_types[NFCTH_POLICY_MAX + 1] = {
	[NFCTH_POLICY_NAME] = MNL_TYPE_NUL_STRING,
	[NFCTH_POLICY_EXPECT_MAX] = MNL_TYPE_U32,
	[NFCTH_POLICY_EXPECT_TIMEOUT] = MNL_TYPE_U32,
};

/* Copy a NUL-terminated string attribute into a CTF_HELPER_NAME_LEN buffer. */
static int parse_name(const struct nlattr *attr, char *dst)
{
	const char *s = mnl_attr_get_str(attr);

	if (strnlen(s, mnl_attr_get_payload_len(attr)) >= CTF_HELPER_NAME_LEN)
		return -EBADMSG;
	copy_name(dst, s);
	return 0;
}

static int parse_tuple(const struct nlattr *nest, struct ctf_cthelper *h)
{
	const struct nlattr *tb[NFCTH_TUPLE_MAX + 1] = { NULL };

	if (parse_nest(nest, tb, tuple_types, NFCTH_TUPLE_MAX) < 0)
		return -EBADMSG;
	if (tb[NFCTH_TUPLE_L3PROTONUM]) {
		h->l3proto = ntohs(mnl_attr_get_u16(tb[NFCTH_TUPLE_L3PROTONUM]));
		h->present |= CTF_CTHELPER_P_L3PROTO;
	}
	if (tb[NFCTH_TUPLE_L4PROTONUM]) {
		h->l4proto = mnl_attr_get_u8(tb[NFCTH_TUPLE_L4PROTONUM]);
		h->present |= CTF_CTHELPER_P_L4PROTO;
	}
	return 0;
}

static int parse_policy(const struct nlattr *nest, struct ctf_cthelper_policy *p)
{
	const struct nlattr *tb[NFCTH_POLICY_MAX + 1] = { NULL };

	if (parse_nest(nest, tb, policy_types, NFCTH_POLICY_MAX) < 0)
		return -EBADMSG;
	/* The kernel sends all three for every class (nfnl_cthelper_dump_policy). */
	if (!tb[NFCTH_POLICY_NAME] || !tb[NFCTH_POLICY_EXPECT_MAX] ||
	    !tb[NFCTH_POLICY_EXPECT_TIMEOUT])
		return -EBADMSG;
	if (parse_name(tb[NFCTH_POLICY_NAME], p->name) < 0)
		return -EBADMSG;
	p->expect_max = ntohl(mnl_attr_get_u32(tb[NFCTH_POLICY_EXPECT_MAX]));
	p->expect_timeout = ntohl(mnl_attr_get_u32(tb[NFCTH_POLICY_EXPECT_TIMEOUT]));
	return 0;
}

/* NFCTH_POLICY: the count, then that many NFCTH_POLICY_SET+i nests. */
static int parse_policies(const struct nlattr *nest, struct ctf_cthelper *h)
{
	const struct nlattr *tb[NFCTH_POLICY_SET_MAX + 1] = { NULL };
	uint32_t i, n;

	if (parse_nest(nest, tb, set_types, NFCTH_POLICY_SET_MAX) < 0 || !tb[NFCTH_POLICY_SET_NUM])
		return -EBADMSG;
	n = ntohl(mnl_attr_get_u32(tb[NFCTH_POLICY_SET_NUM]));
	if (n > CTF_CTHELPER_POLICY_MAX)
		return -EBADMSG;
	for (i = 0; i < n; i++) {
		if (!tb[NFCTH_POLICY_SET + i] ||
		    parse_policy(tb[NFCTH_POLICY_SET + i], &h->policy[i]) < 0)
			return -EBADMSG;
	}
	h->npolicies = n;
	h->present |= CTF_CTHELPER_P_POLICY;
	return 0;
}

static int parse_top(const struct nlattr **tb, struct ctf_cthelper *h)
{
	if (parse_name(tb[NFCTH_NAME], h->name) < 0 || parse_tuple(tb[NFCTH_TUPLE], h) < 0 ||
	    parse_policies(tb[NFCTH_POLICY], h) < 0)
		return -EBADMSG;
	h->queue_num = ntohl(mnl_attr_get_u32(tb[NFCTH_QUEUE_NUM]));
	h->status = ntohl(mnl_attr_get_u32(tb[NFCTH_STATUS]));
	h->present |= CTF_CTHELPER_P_NAME | CTF_CTHELPER_P_QUEUE_NUM | CTF_CTHELPER_P_STATUS;
	if (tb[NFCTH_PRIV_DATA_LEN]) {
		h->priv_data_len = ntohl(mnl_attr_get_u32(tb[NFCTH_PRIV_DATA_LEN]));
		h->present |= CTF_CTHELPER_P_PRIV_DATA_LEN;
	}
	return 0;
}

int ctf_cthelper_parse(const struct nlmsghdr *nlh, struct ctf_cthelper *ret_helper)
{
	const struct nlattr *tb[NFCTH_MAX + 1] = { NULL };
	struct ctf_cthelper h = { 0 };

	if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_CTHELPER)
		return -EPROTO;
	if (attrs_walk_msg(nlh, attr_cb, &(struct nest_ctx){ tb, top_types, NFCTH_MAX }) < 0)
		return -EBADMSG;
	if (!tb[NFCTH_NAME] || !tb[NFCTH_QUEUE_NUM] || !tb[NFCTH_TUPLE] || !tb[NFCTH_POLICY] ||
	    !tb[NFCTH_STATUS])
		return -EBADMSG;
	if (parse_top(tb, &h) < 0)
		return -EBADMSG;
	*ret_helper = h;
	return 0;
}

int ctf_cthelper_request(struct ctf_nl *nl, uint16_t type, uint16_t flags,
			 const struct ctf_cthelper *h, ctf_nl_msg_cb cb, void *data)
{
	char buf[CTF_NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	int r;

	nlh = ctf_cthelper_msg_put(buf, type, flags, ctf_nl_next_seq(nl));
	if (h) {
		r = ctf_cthelper_put(nlh, sizeof(buf), h);
		if (r < 0)
			return r;
	}
	return ctf_nl_exchange(nl, nlh, cb, data);
}

/* Swallows the helper a GET for the empty name might (never) find. */
static int ignore_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

int ctf_cthelper_probe(struct ctf_nl *nl)
{
	struct ctf_cthelper h = { 0 };
	int r;

	ctf_cthelper_set_name(&h, "");
	r = ctf_cthelper_request(nl, NFNL_MSG_CTHELPER_GET, NLM_F_ACK, &h, ignore_cb, NULL);
	if (r == -EINVAL)
		return 0;
	if (r == 0 || r == -ENOENT || r == -EPERM)
		return 1;
	return r;
}

static const char *l3_name(uint16_t l3)
{
	return l3 == AF_INET ? "inet" : l3 == AF_INET6 ? "inet6" : "unknown";
}

static const char *l4_name(uint8_t l4)
{
	return l4 == IPPROTO_TCP ? "tcp" : l4 == IPPROTO_UDP ? "udp" : "unknown";
}

static void format_json(struct strbuf *sb, const struct ctf_cthelper *h)
{
	unsigned int i;

	sb_printf(sb, "{\"name\":");
	sb_json_str(sb, h->name);
	sb_printf(sb, ",\"queuenum\":%u,\"family\":\"%s\",\"l3proto\":%u", h->queue_num,
		  l3_name(h->l3proto), h->l3proto);
	sb_printf(sb, ",\"protocol\":\"%s\",\"l4proto\":%u,\"priv_data_len\":%u",
		  l4_name(h->l4proto), h->l4proto, h->priv_data_len);
	sb_printf(sb, ",\"status\":\"%s\",\"policies\":[", h->status ? "enabled" : "disabled");
	for (i = 0; i < h->npolicies; i++) {
		sb_printf(sb, "%s{\"name\":", i ? "," : "");
		sb_json_str(sb, h->policy[i].name);
		sb_printf(sb, ",\"expect_max\":%u,\"expect_timeout\":%u}", h->policy[i].expect_max,
			  h->policy[i].expect_timeout);
	}
	sb_printf(sb, "]}");
}

size_t ctf_cthelper_format(char *buf, size_t len, const struct ctf_cthelper *h,
			   enum ctf_cthelper_fmt fmt)
{
	struct strbuf sb;

	sb_init(&sb, buf, len);
	if (fmt == CTF_CTHELPER_FMT_JSON) {
		format_json(&sb, h);
		return sb.off;
	}
	/* libnetfilter_cthelper's nfct_helper_snprintf: any status but 0 is "enabled". */
	sb_printf(&sb,
		  "{\n\t.name = %s,\n\t.queuenum = %u,\n\t.l3protonum = %u,\n\t.l4protonum = %u,\n"
		  "\t.priv_data_len = %u,\n\t.status = %s,\n};",
		  h->name, h->queue_num, h->l3proto, h->l4proto, h->priv_data_len,
		  h->status ? "enabled" : "disabled");
	return sb.off;
}
