// SPDX-License-Identifier: GPL-2.0-or-later
/* ctnetlink expectation codec: messages <-> struct ctf_exp, with no allocation. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/exp.h>
#include <ctflow/nl.h>

#include "attrs.h"

/* What each CTA_EXPECT_* attribute must look like. */
static const uint8_t exp_types[CTA_EXPECT_MAX + 1] = {
	[CTA_EXPECT_MASTER] = MNL_TYPE_NESTED, [CTA_EXPECT_TUPLE] = MNL_TYPE_NESTED,
	[CTA_EXPECT_MASK] = MNL_TYPE_NESTED,   [CTA_EXPECT_TIMEOUT] = MNL_TYPE_U32,
	[CTA_EXPECT_ID] = MNL_TYPE_U32,	       [CTA_EXPECT_HELP_NAME] = MNL_TYPE_NUL_STRING,
	[CTA_EXPECT_ZONE] = MNL_TYPE_U16,      [CTA_EXPECT_FLAGS] = MNL_TYPE_U32,
	[CTA_EXPECT_CLASS] = MNL_TYPE_U32,     [CTA_EXPECT_NAT] = MNL_TYPE_NESTED,
	[CTA_EXPECT_FN] = MNL_TYPE_NUL_STRING,
};

static const uint8_t nat_types[CTA_EXPECT_NAT_MAX + 1] = {
	[CTA_EXPECT_NAT_DIR] = MNL_TYPE_U32,
	[CTA_EXPECT_NAT_TUPLE] = MNL_TYPE_NESTED,
};

struct tb {
	const struct nlattr **attrs;
	const uint8_t *types;
	unsigned int max;
};

/*
 * Store @attr in the table when its type is known and its payload has the
 * exact size (integers), ends in a NUL (strings) or holds whole attributes
 * (nests, checked when they are walked); unknown types are skipped.
 */
static int store_cb(const struct nlattr *attr, void *data)
{
	static const uint8_t int_size[MNL_TYPE_MAX] = {
		[MNL_TYPE_U8] = 1,
		[MNL_TYPE_U16] = 2,
		[MNL_TYPE_U32] = 4,
		[MNL_TYPE_U64] = 8,
	};
	const struct tb *t = data;
	uint16_t type = mnl_attr_get_type(attr), len = mnl_attr_get_payload_len(attr);
	const char *s;

	if (type > t->max || t->types[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	switch (t->types[type]) {
	case MNL_TYPE_NESTED:
		if (len != 0 && len < MNL_ATTR_HDRLEN)
			return MNL_CB_ERROR;
		break;
	case MNL_TYPE_NUL_STRING:
		s = mnl_attr_get_payload(attr);
		if (len == 0 || s[len - 1] != '\0')
			return MNL_CB_ERROR;
		break;
	default:
		if (len != int_size[t->types[type]])
			return MNL_CB_ERROR;
	}
	t->attrs[type] = attr;
	return MNL_CB_OK;
}

static uint32_t get_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	return ntohl(v);
}

static uint16_t get_u16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	return ntohs(v);
}

/* A NUL-terminated string attribute into @dst of @size bytes; too long is malformed. */
static int get_str(const struct nlattr *a, char *dst, size_t size)
{
	size_t n = mnl_attr_get_payload_len(a);

	if (n > size)
		return -EBADMSG;
	memcpy(dst, mnl_attr_get_payload(a), n); /* ends in the NUL store_cb() checked */
	return 0;
}

static int parse_nat(const struct nlattr *nest, struct ctf_exp *e)
{
	const struct nlattr *attrs[CTA_EXPECT_NAT_MAX + 1] = { 0 };
	struct tb t = { attrs, nat_types, CTA_EXPECT_NAT_MAX };

	if (attrs_walk_nested(nest, store_cb, &t) < 0)
		return -EBADMSG;
	if (attrs[CTA_EXPECT_NAT_DIR])
		e->nat.dir = get_u32(attrs[CTA_EXPECT_NAT_DIR]);
	if (attrs[CTA_EXPECT_NAT_TUPLE] &&
	    ctf_ct_parse_tuple(attrs[CTA_EXPECT_NAT_TUPLE], &e->nat.tuple) < 0)
		return -EBADMSG;
	ctf_exp_set(e, CTF_EXP_A_NAT);
	return 0;
}

static int parse_tuples(const struct nlattr **attrs, struct ctf_exp *e)
{
	static const struct {
		uint16_t type;
		enum ctf_exp_attr a;
		size_t off;
	} map[] = {
		{ CTA_EXPECT_MASTER, CTF_EXP_A_MASTER, offsetof(struct ctf_exp, master) },
		{ CTA_EXPECT_TUPLE, CTF_EXP_A_TUPLE, offsetof(struct ctf_exp, tuple) },
		{ CTA_EXPECT_MASK, CTF_EXP_A_MASK, offsetof(struct ctf_exp, mask) },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		struct ctf_tuple *t = (struct ctf_tuple *)((char *)e + map[i].off);

		if (!attrs[map[i].type])
			continue;
		if (ctf_ct_parse_tuple(attrs[map[i].type], t) < 0)
			return -EBADMSG;
		ctf_exp_set(e, map[i].a);
	}
	return 0;
}

static void parse_u32s(const struct nlattr **attrs, struct ctf_exp *e)
{
	if (attrs[CTA_EXPECT_TIMEOUT]) {
		e->timeout = get_u32(attrs[CTA_EXPECT_TIMEOUT]);
		ctf_exp_set(e, CTF_EXP_A_TIMEOUT);
	}
	if (attrs[CTA_EXPECT_ID]) {
		e->id = get_u32(attrs[CTA_EXPECT_ID]);
		ctf_exp_set(e, CTF_EXP_A_ID);
	}
	if (attrs[CTA_EXPECT_FLAGS]) {
		e->flags = get_u32(attrs[CTA_EXPECT_FLAGS]);
		ctf_exp_set(e, CTF_EXP_A_FLAGS);
	}
	if (attrs[CTA_EXPECT_CLASS]) {
		e->class = get_u32(attrs[CTA_EXPECT_CLASS]);
		ctf_exp_set(e, CTF_EXP_A_CLASS);
	}
	if (attrs[CTA_EXPECT_ZONE]) {
		e->zone = get_u16(attrs[CTA_EXPECT_ZONE]);
		ctf_exp_set(e, CTF_EXP_A_ZONE);
	}
}

static int parse_strings(const struct nlattr **attrs, struct ctf_exp *e)
{
	if (attrs[CTA_EXPECT_HELP_NAME]) {
		if (get_str(attrs[CTA_EXPECT_HELP_NAME], e->helper, sizeof(e->helper)) < 0)
			return -EBADMSG;
		ctf_exp_set(e, CTF_EXP_A_HELPER);
	}
	if (attrs[CTA_EXPECT_FN]) {
		if (get_str(attrs[CTA_EXPECT_FN], e->fn, sizeof(e->fn)) < 0)
			return -EBADMSG;
		ctf_exp_set(e, CTF_EXP_A_FN);
	}
	return 0;
}

static uint8_t event_of(const struct nlmsghdr *nlh)
{
	if ((nlh->nlmsg_type & 0xff) == IPCTNL_MSG_EXP_DELETE)
		return CTF_EVENT_DESTROY;
	return (nlh->nlmsg_flags & NLM_F_CREATE) ? CTF_EVENT_NEW : CTF_EVENT_UPDATE;
}

int ctf_exp_parse(const struct nlmsghdr *nlh, struct ctf_exp *ret_exp)
{
	const struct nlattr *attrs[CTA_EXPECT_MAX + 1] = { 0 };
	struct tb t = { attrs, exp_types, CTA_EXPECT_MAX };
	const struct nfgenmsg *nfg;
	struct ctf_exp *e = ret_exp;
	uint8_t type = nlh->nlmsg_type & 0xff;

	memset(e, 0, sizeof(*e));
	if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_CTNETLINK_EXP ||
	    (type != IPCTNL_MSG_EXP_NEW && type != IPCTNL_MSG_EXP_DELETE))
		return -EPROTO;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)))
		return -EBADMSG;
	nfg = mnl_nlmsg_get_payload(nlh);
	if (attrs_walk_msg(nlh, store_cb, &t) < 0 || parse_tuples(attrs, e) < 0 ||
	    parse_strings(attrs, e) < 0 ||
	    (attrs[CTA_EXPECT_NAT] && parse_nat(attrs[CTA_EXPECT_NAT], e) < 0)) {
		memset(e, 0, sizeof(*e));
		return -EBADMSG;
	}
	parse_u32s(attrs, e);
	e->family = nfg->nfgen_family;
	e->event = event_of(nlh);
	e->nl_portid = nlh->nlmsg_pid;
	return 0;
}

struct nlmsghdr *ctf_exp_msg_put(void *buf, uint16_t type, uint16_t flags, uint8_t family,
				 uint32_t seq)
{
	return ctf_nfnl_msg_put(buf, NFNL_SUBSYS_CTNETLINK_EXP, (uint8_t)type, flags, family, seq);
}

static int put_nat(struct nlmsghdr *nlh, size_t len, const struct ctf_exp *e)
{
	struct nlattr *nest;

	nest = mnl_attr_nest_start_check(nlh, len, CTA_EXPECT_NAT);
	if (!nest || !mnl_attr_put_u32_check(nlh, len, CTA_EXPECT_NAT_DIR, htonl(e->nat.dir)) ||
	    ctf_ct_put_tuple(nlh, len, CTA_EXPECT_NAT_TUPLE, &e->nat.tuple) < 0)
		return -EMSGSIZE;
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static bool put_u32(struct nlmsghdr *nlh, size_t len, const struct ctf_exp *e, enum ctf_exp_attr a,
		    uint16_t type, uint32_t v)
{
	return !ctf_exp_has(e, a) || mnl_attr_put_u32_check(nlh, len, type, htonl(v));
}

static bool put_str(struct nlmsghdr *nlh, size_t len, const struct ctf_exp *e, enum ctf_exp_attr a,
		    uint16_t type, const char *s)
{
	return !ctf_exp_has(e, a) || mnl_attr_put_strz_check(nlh, len, type, s);
}

int ctf_exp_put(struct nlmsghdr *nlh, size_t buflen, const struct ctf_exp *e)
{
	if ((ctf_exp_has(e, CTF_EXP_A_TUPLE) &&
	     ctf_ct_put_tuple(nlh, buflen, CTA_EXPECT_TUPLE, &e->tuple) < 0) ||
	    (ctf_exp_has(e, CTF_EXP_A_MASTER) &&
	     ctf_ct_put_tuple(nlh, buflen, CTA_EXPECT_MASTER, &e->master) < 0) ||
	    (ctf_exp_has(e, CTF_EXP_A_MASK) &&
	     ctf_ct_put_tuple(nlh, buflen, CTA_EXPECT_MASK, &e->mask) < 0) ||
	    (ctf_exp_has(e, CTF_EXP_A_NAT) && put_nat(nlh, buflen, e) < 0))
		return -EMSGSIZE;
	if (!put_u32(nlh, buflen, e, CTF_EXP_A_TIMEOUT, CTA_EXPECT_TIMEOUT, e->timeout) ||
	    !put_u32(nlh, buflen, e, CTF_EXP_A_FLAGS, CTA_EXPECT_FLAGS, e->flags) ||
	    !put_str(nlh, buflen, e, CTF_EXP_A_HELPER, CTA_EXPECT_HELP_NAME, e->helper) ||
	    !put_u32(nlh, buflen, e, CTF_EXP_A_CLASS, CTA_EXPECT_CLASS, e->class) ||
	    !put_str(nlh, buflen, e, CTF_EXP_A_FN, CTA_EXPECT_FN, e->fn) ||
	    !put_u32(nlh, buflen, e, CTF_EXP_A_ID, CTA_EXPECT_ID, e->id))
		return -EMSGSIZE;
	if (ctf_exp_has(e, CTF_EXP_A_ZONE) &&
	    !mnl_attr_put_u16_check(nlh, buflen, CTA_EXPECT_ZONE, htons(e->zone)))
		return -EMSGSIZE;
	return 0;
}

int ctf_exp_parse_cpu_stats(const struct nlmsghdr *nlh, struct ctf_exp_cpu_stats *ret_stats)
{
	static const uint8_t types[CTA_STATS_EXP_MAX + 1] = {
		[CTA_STATS_EXP_NEW] = MNL_TYPE_U32,
		[CTA_STATS_EXP_CREATE] = MNL_TYPE_U32,
		[CTA_STATS_EXP_DELETE] = MNL_TYPE_U32,
	};
	const struct nlattr *attrs[CTA_STATS_EXP_MAX + 1] = { 0 };
	struct tb t = { attrs, types, CTA_STATS_EXP_MAX };
	struct ctf_exp_cpu_stats s = { 0 };
	const struct nfgenmsg *nfg;
	unsigned int i;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)))
		return -EBADMSG;
	nfg = mnl_nlmsg_get_payload(nlh);
	if (attrs_walk_msg(nlh, store_cb, &t) < 0)
		return -EBADMSG;
	s.cpu = ntohs(nfg->res_id);
	for (i = CTA_STATS_EXP_NEW; i <= CTA_STATS_EXP_MAX; i++) {
		if (!attrs[i])
			continue;
		s.present |= 1U << (i - CTA_STATS_EXP_NEW);
		s.value[i - CTA_STATS_EXP_NEW] = get_u32(attrs[i]);
	}
	*ret_stats = s;
	return 0;
}
