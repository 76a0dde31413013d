// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack CLI: -L (conntrack, dying, unconfirmed) and -G. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "conntrack.h"

struct list_state {
	struct ct_ctx *ctx;
	struct ctf_filter filter;
	bool filter_on;
	struct ctf_fmt fmt;
	bool xml_header_done;
	struct ctf_flow flow;
};

static void xml_header(struct list_state *st)
{
	char buf[256];

	if (st->xml_header_done || st->fmt.style != CTF_FMT_XML)
		return;
	st->xml_header_done = true;
	if (ctf_fmt_header(buf, sizeof(buf), &st->fmt) < sizeof(buf))
		ct_out_str(&st->ctx->out, buf);
}

static void xml_footer(struct list_state *st)
{
	char buf[256];

	if (!st->xml_header_done)
		return;
	if (ctf_fmt_footer(buf, sizeof(buf), &st->fmt) < sizeof(buf))
		ct_out_str(&st->ctx->out, buf);
}

static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_state *st = data;

	if (ctf_flow_parse(nlh, &st->flow) < 0)
		return MNL_CB_OK;
	if (st->filter_on && !ctf_filter_match(&st->filter, &st->flow))
		return MNL_CB_OK;
	st->flow.event = CTF_EVENT_NEW; /* save format: dumps print as -A */
	xml_header(st);
	ct_out_flow(&st->ctx->out, &st->flow, &st->fmt);
	st->ctx->counter++;
	return MNL_CB_OK;
}

static uint16_t list_type(const struct ct_cmd *cmd)
{
	if (cmd->table == CT_TABLE_DYING)
		return IPCTNL_MSG_CT_GET_DYING;
	if (cmd->table == CT_TABLE_UNCONFIRMED)
		return IPCTNL_MSG_CT_GET_UNCONFIRMED;
	if (cmd->options & CT_OPT(CT_OPT_ZERO_BIT))
		return IPCTNL_MSG_CT_GET_CTRZERO;
	return IPCTNL_MSG_CT_GET;
}

/*
 * What the kernel may filter for -L: 1.4.7 sent mark, status and family;
 * we add the tuple/zone parts. Dying and unconfirmed dumps take no filter.
 */
static unsigned int list_put(const struct ct_cmd *cmd)
{
	if (cmd->table == CT_TABLE_DYING || cmd->table == CT_TABLE_UNCONFIRMED)
		return 0;
	return CTF_FILTER_PUT_ALL;
}

int ct_cmd_list(struct ct_ctx *ctx)
{
	struct ct_cmd *cmd = ctx->cmd;
	struct list_state *st;
	int r;

	st = calloc(1, sizeof(*st));
	if (!st)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "OOM");
	st->ctx = ctx;
	ct_build_filter(cmd, &st->filter);
	st->filter_on = true;
	if (cmd->kstatus_set) {
		st->filter.set |= CTF_FILTER_KSTATUS;
		st->filter.kstatus_value = cmd->kstatus_value;
		st->filter.kstatus_mask = cmd->kstatus_mask;
	}
	/*
	 * 1.4.7 lists dying and unconfirmed entries without setting up its
	 * network filter, which then rejects every entry: -s/-d with a mask
	 * show nothing there. It ends those XML documents without </conntrack>.
	 */
	if (cmd->table != CT_TABLE_CONNTRACK && (cmd->tmpl.has_mask_src || cmd->tmpl.has_mask_dst))
		ct_filter_match_nothing(&st->filter);
	ct_fmt_init(cmd, &st->fmt, true, true);
	r = ct_dump_request(ctx, list_type(cmd), &st->filter, list_put(cmd), list_cb, st);
	if (cmd->table == CT_TABLE_CONNTRACK)
		xml_footer(st);
	free(st);
	if (r < 0)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
			       ct_err2str(-r, cmd->command));
	return 0;
}

/* The flow -G/-I/-A send: the template's tuples and meta. */
static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_state *st = data;

	if (ctf_flow_parse(nlh, &st->flow) < 0)
		return MNL_CB_OK;
	if (!ctf_filter_match(&st->filter, &st->flow))
		return MNL_CB_OK;
	st->flow.event = CTF_EVENT_NEW;
	xml_header(st); /* 1.4.7 prints the XML header for -G, but never the footer */
	ct_out_flow(&st->ctx->out, &st->flow, &st->fmt);
	st->ctx->counter++;
	return MNL_CB_OK;
}

int ct_cmd_get(struct ct_ctx *ctx)
{
	char buf[CT_REQ_SIZE];
	struct ct_cmd *cmd = ctx->cmd;
	struct list_state *st;
	struct nlmsghdr *nlh;
	int r;

	st = calloc(1, sizeof(*st));
	if (!st)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "OOM");
	st->ctx = ctx;
	ct_build_filter(cmd, &st->filter); /* 1.4.7 filters the reply like a dump entry */
	ct_fmt_init(cmd, &st->fmt, true, true);
	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_GET, NLM_F_ACK, (uint8_t)cmd->family,
			     ctf_nl_next_seq(ctx->nl));
	ct_tmpl_to_flow(cmd, &st->flow);
	r = ctf_ct_put_flow(nlh, sizeof(buf), &st->flow, CTF_CT_PUT_ALL & ~CTF_CT_PUT_META);
	if (r == 0)
		r = ctf_nl_request(ctx->nl, nlh, get_cb, st);
	free(st);
	if (r < 0)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
			       ct_err2str(-r, cmd->command));
	return 0;
}
