// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd.conf: the Helper section (1.4.7's user-space helpers), with the
 * symbol stack 1.4.7's grammar drained into each Type block.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "conf_parse.h"

#define HELPER_POLICY_NAME 16 /* 1.4.7's CTD_HELPER_NAME_LEN */

/* 1.4.7's built-in user-space helpers; each has one policy named after it. */
static const struct {
	const char *name;
	uint8_t l4proto;
} known_helpers[] = {
	{ "amanda", IPPROTO_UDP }, { "dhcpv6", IPPROTO_UDP }, { "ftp", IPPROTO_TCP },
	{ "mdns", IPPROTO_UDP },   { "rpc", IPPROTO_TCP },    { "rpc", IPPROTO_UDP },
	{ "sane", IPPROTO_TCP },   { "slp", IPPROTO_UDP },    { "ssdp", IPPROTO_TCP },
	{ "ssdp", IPPROTO_UDP },   { "tftp", IPPROTO_UDP },   { "tns", IPPROTO_TCP },
};

static int hpush(struct parser *p, const struct hsym *sym)
{
	struct hsym *v = reallocarray(p->hstack, p->n_hstack + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	p->hstack = v;
	v[p->n_hstack++] = *sym;
	return 0;
}

/* Pop the most recent symbol of @type (-1: any), as 1.4.7's stack_item_pop(). */
static bool hpop(struct parser *p, int type, struct hsym *ret)
{
	size_t i;

	for (i = p->n_hstack; i-- > 0;) {
		if (type != -1 && p->hstack[i].type != (enum hsym_type)type)
			continue;
		*ret = p->hstack[i];
		memmove(&p->hstack[i], &p->hstack[i + 1], (p->n_hstack - i - 1) * sizeof(*ret));
		p->n_hstack--;
		return true;
	}
	return false;
}

static int dir_h_queue(struct parser *p, const struct token *key, void *ctx)
{
	struct hsym sym = { .type = key->kw == KW_QUEUE_NUM ? HSYM_QUEUE_NUM : HSYM_QUEUE_LEN };
	int r;

	r = conf_want_number(p, key, INT_MAX, &sym.value);
	return r < 0 ? r : hpush(p, &sym);
}

static int dir_h_expect(struct parser *p, const struct token *key, void *ctx)
{
	struct hsym sym = { .type = HSYM_LEAF };
	unsigned int v;
	int r;

	r = conf_want_number(p, key, INT_MAX, &v);
	if (r < 0)
		return r;
	(void)hpop(p, HSYM_LEAF, &sym);
	if (key->kw == KW_EXPECT_MAX)
		sym.policy.expect_max = v;
	else
		sym.policy.expect_timeout = v;
	return hpush(p, &sym);
}

static const struct directive policy_dirs[] = {
	{ .kw = KW_EXPECT_MAX, .fn = dir_h_expect },
	{ .kw = KW_EXPECT_TIMEOUT, .fn = dir_h_expect },
};
SECTION(policy_section, "Policy", policy_dirs);

static int dir_h_policy(struct parser *p, const struct token *key, void *ctx)
{
	struct token name;
	struct hsym sym;
	int r;

	r = conf_want(p, key, TOK_STRING, "a policy name", &name);
	if (r >= 0)
		r = conf_parse_block(p, &policy_section, NULL);
	if (r < 0)
		return r;
	if (!hpop(p, HSYM_LEAF, &sym))
		return conf_fail(p, &name,
				 "Policy '%.*s' is empty: set ExpectMax and ExpectTimeout",
				 (int)name.len, name.text);
	if (name.len > HELPER_POLICY_NAME)
		return conf_fail(p, &name, "Policy name '%.*s' is longer than %d characters",
				 (int)name.len, name.text, HELPER_POLICY_NAME);
	/* 1.4.7 kept 15 characters of a 16-character name */
	snprintf(sym.policy.name, HELPER_POLICY_NAME, "%.*s", (int)name.len, name.text);
	sym.type = HSYM_POLICY;
	return hpush(p, &sym);
}

static int dir_h_type(struct parser *p, const struct token *key, void *ctx);

static const struct directive type_dirs[] = {
	{ .kw = KW_TYPE, .fn = dir_h_type },
	{ .kw = KW_QUEUE_NUM, .fn = dir_h_queue },
	{ .kw = KW_QUEUE_LEN, .fn = dir_h_queue },
	{ .kw = KW_POLICY, .fn = dir_h_policy },
};
SECTION(type_section, "Type", type_dirs);

static int helper_add_policy(struct parser *p, struct ctf_conf_helper_type *h,
			     const struct hsym *sym, const struct token *at)
{
	struct ctf_conf_helper_policy *v;

	if (strcmp(sym->policy.name, h->name))
		return conf_fail(p, at, "unknown policy '%s' for helper '%s': its policy is '%s'",
				 sym->policy.name, h->name, h->name);
	/* one policy per helper: a later block replaces it whole, as in 1.4.7 */
	if (h->n_policies) {
		h->policies[0] = sym->policy;
		return 0;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	*v = sym->policy;
	h->policies = v;
	h->n_policies = 1;
	return 0;
}

/* Drain the symbol stack into @h, most recent first, as 1.4.7's Type rule did. */
static int helper_drain(struct parser *p, struct ctf_conf_helper_type *h, const struct token *at)
{
	struct hsym sym;
	int r = 0;

	while (r >= 0 && hpop(p, -1, &sym)) {
		if (sym.type == HSYM_QUEUE_NUM)
			h->queue_num = sym.value;
		else if (sym.type == HSYM_QUEUE_LEN)
			h->queue_len = sym.value;
		else if (sym.type == HSYM_POLICY)
			r = helper_add_policy(p, h, &sym, at);
		else
			r = conf_fail(p, at, "ExpectMax or ExpectTimeout outside a Policy");
	}
	return r;
}

static int helper_lookup(struct parser *p, struct ctf_conf_helper_type *h, const struct token *tk)
{
	size_t i;

	for (i = 0; i < sizeof(known_helpers) / sizeof(known_helpers[0]); i++)
		if (!strcmp(known_helpers[i].name, h->name) &&
		    known_helpers[i].l4proto == h->l4proto)
			return 0;
	return conf_fail(p, &tk[0],
			 "unknown helper '%s' for %s: 1.4.7 has amanda, dhcpv6, mdns, "
			 "slp, tftp (udp), ftp, sane, tns (tcp), rpc, ssdp (both)",
			 h->name, h->l4proto == IPPROTO_TCP ? "tcp" : "udp");
}

void conf_helper_type_done(struct ctf_conf_helper_type *h)
{
	free(h->name);
	free(h->policies);
}

/* Check the three words of Type NAME inet|inet6 tcp|udp once its block is read. */
static int helper_type_check(struct parser *p, struct ctf_conf_helper_type *h,
			     const struct token *tk)
{
	if (tok_is(&tk[1], "inet") || tok_is(&tk[1], "inet6"))
		h->l3proto = tk[1].len == 4 ? AF_INET : AF_INET6;
	else
		return conf_fail(p, &tk[1],
				 "unknown layer 3 protocol '%.*s': expected inet or inet6",
				 (int)tk[1].len, tk[1].text);
	if (tok_is(&tk[2], "tcp") || tok_is(&tk[2], "udp"))
		h->l4proto = tk[2].text[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
	else
		return conf_fail(p, &tk[2], "unknown layer 4 protocol '%.*s': expected tcp or udp",
				 (int)tk[2].len, tk[2].text);
	h->name = tok_strdup(&tk[0]);
	if (!h->name)
		return -ENOMEM;
	return helper_lookup(p, h, tk);
}

static int dir_h_type(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_helper *hc = &p->conf->helper;
	struct ctf_conf_helper_type h = { 0 }, *v;
	struct token tk[3];
	int i, r = 0;

	for (i = 0; i < 3 && r >= 0; i++)
		r = conf_want(p, i ? &tk[i - 1] : key, TOK_STRING,
			      i == 0   ? "a helper name such as ftp"
			      : i == 1 ? "inet or inet6"
				       : "tcp or udp",
			      &tk[i]);
	if (r >= 0)
		r = conf_parse_block(p, &type_section, NULL);
	if (r >= 0)
		r = helper_type_check(p, &h, tk);
	if (r >= 0)
		r = helper_drain(p, &h, &tk[0]);
	if (r >= 0) {
		v = reallocarray(hc->types, hc->n_types + 1, sizeof(*v));
		r = v ? 0 : -ENOMEM;
		if (v) {
			hc->types = v;
			v[hc->n_types++] = h;
			return 0;
		}
	}
	conf_helper_type_done(&h);
	return r;
}

static int dir_h_setup(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_bool(p, key, &p->conf->helper.setup);
}

static const struct directive helper_dirs[] = {
	{ .kw = KW_SETUP, .fn = dir_h_setup },	   { .kw = KW_TYPE, .fn = dir_h_type },
	{ .kw = KW_QUEUE_NUM, .fn = dir_h_queue }, { .kw = KW_QUEUE_LEN, .fn = dir_h_queue },
	{ .kw = KW_POLICY, .fn = dir_h_policy },
};
SECTION(helper_section, "Helper", helper_dirs);

int conf_helper(struct parser *p)
{
	return conf_parse_block(p, &helper_section, NULL);
}
