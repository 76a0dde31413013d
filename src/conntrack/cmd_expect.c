// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack CLI: the expectation table (-L -G -D -I -F -C -S expect). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/exp.h>

#include "conntrack.h"

struct exp_state {
	struct ct_ctx *ctx;
	struct ctf_fmt fmt;
	bool header_done;
	bool count_only;
	struct ctf_exp exp;
};

void ct_out_exp(struct ct_out *o, const struct ctf_exp *e, const struct ctf_fmt *fmt)
{
	size_t n;

	if (o->size - o->len < CTF_FMT_LINE_MAX)
		ct_out_flush(o);
	n = ctf_fmt_exp(o->buf + o->len, o->size - o->len, e, fmt);
	if (n < o->size - o->len)
		o->len += n;
}

/* The XML document opens before the first expectation, as 1.4.7 does. */
static void exp_header(struct ct_ctx *ctx, const struct ctf_fmt *fmt, bool *done)
{
	char buf[128];

	if (*done || fmt->style != CTF_FMT_XML)
		return;
	*done = true;
	if (ctf_fmt_exp_header(buf, sizeof(buf), fmt) < sizeof(buf))
		ct_out_str(&ctx->out, buf);
}

static void exp_footer(struct ct_ctx *ctx, const struct ctf_fmt *fmt, bool done)
{
	char buf[64];

	if (done && ctf_fmt_exp_footer(buf, sizeof(buf), fmt) < sizeof(buf))
		ct_out_str(&ctx->out, buf);
}

/* 1.4.7 prints expectations with -o xml and -o timestamp only (ours adds json). */
void ct_exp_fmt_init(const struct ct_cmd *cmd, struct ctf_fmt *fmt)
{
	memset(fmt, 0, sizeof(*fmt));
	if (cmd->output & CT_O_XML)
		fmt->style = CTF_FMT_XML;
	else if (cmd->output & CT_O_JSON)
		fmt->style = CTF_FMT_JSON;
	if (cmd->output & CT_O_TMS)
		fmt->flags |= CTF_FMT_F_TIMESTAMP;
}

static int exp_print_cb(const struct nlmsghdr *nlh, void *data)
{
	struct exp_state *st = data;

	if (ctf_exp_parse(nlh, &st->exp) < 0)
		return MNL_CB_OK;
	st->ctx->counter++;
	if (st->count_only)
		return MNL_CB_OK;
	exp_header(st->ctx, &st->fmt, &st->header_done);
	ct_out_exp(&st->ctx->out, &st->exp, &st->fmt);
	return MNL_CB_OK;
}

static int exp_dump(struct ct_ctx *ctx, struct exp_state *st)
{
	char buf[CT_REQ_SIZE];
	struct nlmsghdr *nlh;

	nlh = ctf_exp_msg_put(buf, IPCTNL_MSG_EXP_GET, NLM_F_DUMP, (uint8_t)ctx->cmd->family,
			      ctf_nl_next_seq(ctx->nl));
	return ctf_nl_dump(ctx->nl, nlh, exp_print_cb, st, 0);
}

int ct_cmd_exp_list(struct ct_ctx *ctx)
{
	struct exp_state st = { .ctx = ctx };
	int r;

	ct_exp_fmt_init(ctx->cmd, &st.fmt);
	r = exp_dump(ctx, &st);
	exp_footer(ctx, &st.fmt, st.header_done);
	if (r < 0 && r != -EINTR)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
			       ct_err2str(-r, ctx->cmd->command));
	return 0;
}

int ct_cmd_exp_count(struct ct_ctx *ctx)
{
	struct exp_state st = { .ctx = ctx, .count_only = true };
	int r;

	r = exp_dump(ctx, &st);
	ct_out_printf(&ctx->out, "%u\n", ctx->counter);
	if (r < 0 && r != -EINTR)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
			       ct_err2str(-r, ctx->cmd->command));
	return 0;
}

/*
 * A tuple as libnetfilter_conntrack writes one for an expectation: both
 * addresses of its family, the protocol number, then that protocol's ports
 * or ICMP fields (zero when the options left them out).
 */
static void exp_tuple(struct ctf_tuple *t, uint8_t l3, uint8_t l4, const union ctf_addr *src,
		      const union ctf_addr *dst, uint16_t sport, uint16_t dport)
{
	ct_tuple_build(t, l3, l4, src, dst, sport, dport);
	if (l4 == IPPROTO_ICMP || l4 == IPPROTO_ICMPV6)
		t->flags |= CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE | CTF_TUPLE_F_ICMP_ID;
}

/* The conntrack template's original tuple: the master (-I, -G) or the expected one (-D). */
static void exp_ct_tuple(const struct ct_cmd *cmd, struct ctf_tuple *t)
{
	const struct ct_tmpl *m = &cmd->tmpl;

	exp_tuple(t, m->orig_l3, m->orig_l4, &m->orig_src, &m->orig_dst, m->orig_sport,
		  m->orig_dport);
	if (t->l4proto == IPPROTO_ICMP || t->l4proto == IPPROTO_ICMPV6) {
		t->l4.icmp.type = m->icmp_type;
		t->l4.icmp.code = m->icmp_code;
		t->l4.icmp.id = m->icmp_id;
	}
}

/* The request 1.4.7 sends for -I, -G or -D expect. */
static void exp_build(const struct ct_cmd *cmd, unsigned int bit, struct ctf_exp *e)
{
	const struct ct_tmpl *m = &cmd->tmpl;

	memset(e, 0, sizeof(*e));
	switch (bit) {
	case EXP_CREATE_BIT:
		exp_ct_tuple(cmd, &e->master);
		exp_tuple(&e->tuple, m->exp.l3, m->exp.l4, &m->exp.src, &m->exp.dst, m->exp.sport,
			  m->exp.dport);
		exp_tuple(&e->mask, m->mask.l3, m->mask.l4, &m->mask_src, &m->mask_dst,
			  m->mask.sport, m->mask.dport);
		ctf_exp_set(e, CTF_EXP_A_MASTER);
		ctf_exp_set(e, CTF_EXP_A_TUPLE);
		ctf_exp_set(e, CTF_EXP_A_MASK);
		if (m->set & T_TIMEOUT) {
			e->timeout = m->timeout;
			ctf_exp_set(e, CTF_EXP_A_TIMEOUT);
		}
		break;
	case EXP_GET_BIT: /* the kernel looks the master tuple up as an expected one */
		exp_ct_tuple(cmd, &e->master);
		ctf_exp_set(e, CTF_EXP_A_MASTER);
		break;
	default: /* EXP_DELETE_BIT */
		exp_ct_tuple(cmd, &e->tuple);
		ctf_exp_set(e, CTF_EXP_A_TUPLE);
		break;
	}
}

static int exp_request(struct ct_ctx *ctx, uint16_t type, uint16_t flags, const struct ctf_exp *e,
		       struct exp_state *st)
{
	char buf[CT_REQ_SIZE];
	struct nlmsghdr *nlh;
	int r;

	nlh = ctf_exp_msg_put(buf, type, NLM_F_ACK | flags, (uint8_t)ctx->cmd->family,
			      ctf_nl_next_seq(ctx->nl));
	r = e ? ctf_exp_put(nlh, sizeof(buf), e) : 0;
	if (r == 0)
		r = ctf_nl_request(ctx->nl, nlh, st ? exp_print_cb : NULL, st);
	return r;
}

int ct_cmd_exp_create(struct ct_ctx *ctx)
{
	struct ctf_exp e;
	int r;

	exp_build(ctx->cmd, EXP_CREATE_BIT, &e);
	r = exp_request(ctx, IPCTNL_MSG_EXP_NEW, NLM_F_CREATE | NLM_F_EXCL, &e, NULL);
	if (r < 0)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
			       ct_err2str(-r, ctx->cmd->command));
	return 0;
}

int ct_cmd_exp_get(struct ct_ctx *ctx)
{
	struct exp_state st = { .ctx = ctx };
	struct ctf_exp e;
	int r;

	ct_exp_fmt_init(ctx->cmd, &st.fmt);
	exp_build(ctx->cmd, EXP_GET_BIT, &e);
	r = exp_request(ctx, IPCTNL_MSG_EXP_GET, 0, &e, &st);
	if (r < 0)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
			       ct_err2str(-r, ctx->cmd->command));
	return 0;
}

/*
 * -D expect. 1.4.7 counts nothing here, so it reports "0 expectations have
 * been shown." and exits 1 even after deleting (verified); ours counts the
 * deletion and says so, see main.c's summary.
 */
int ct_cmd_exp_delete(struct ct_ctx *ctx)
{
	struct ctf_exp e;
	int r;

	exp_build(ctx->cmd, EXP_DELETE_BIT, &e);
	r = exp_request(ctx, IPCTNL_MSG_EXP_DELETE, 0, &e, NULL);
	if (r < 0)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
			       ct_err2str(-r, ctx->cmd->command));
	ctx->counter++;
	return 0;
}

int ct_cmd_exp_flush(struct ct_ctx *ctx)
{
	int r;

	r = exp_request(ctx, IPCTNL_MSG_EXP_DELETE, 0, NULL, NULL);
	ct_msg("expectation table has been emptied.\n");
	if (r < 0)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
			       ct_err2str(-r, ctx->cmd->command));
	return 0;
}

static int exp_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	static const char *const names[] = { "expect_new", "expect_create", "expect_delete" };
	struct ctf_exp_cpu_stats s;
	struct ct_out *o = data;
	unsigned int i;

	if (ctf_exp_parse_cpu_stats(nlh, &s) < 0)
		return MNL_CB_OK;
	ct_out_printf(o, "cpu=%-4u\t", s.cpu);
	for (i = 0; i < __CTF_EXP_STAT_MAX; i++)
		if (s.present & (1U << i))
			ct_out_printf(o, "%s=%u ", names[i], s.value[i]);
	ct_out_str(o, "\n");
	return MNL_CB_OK;
}

int ct_cmd_exp_stats(struct ct_ctx *ctx)
{
	char buf[CT_REQ_SIZE];
	struct nlmsghdr *nlh;

	nlh = ctf_exp_msg_put(buf, IPCTNL_MSG_EXP_GET_STATS_CPU, NLM_F_DUMP, AF_UNSPEC,
			      ctf_nl_next_seq(ctx->nl));
	if (ctf_nl_dump(ctx->nl, nlh, exp_stats_cb, &ctx->out, 0) == 0)
		return 0;
	/* kernels without per-CPU expectation stats: 1.4.7 shows the conntrack ones */
	return ct_stats_proc(ctx);
}
