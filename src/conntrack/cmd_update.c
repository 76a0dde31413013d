// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack CLI: -U, updating while the dump runs, in batches on a second socket. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "conntrack.h"

/* Updates per batch: each is a CT_NEW and a CT_GET. */
#define UPD_BATCH 256

struct upd_pair {
	uint32_t seq_new, seq_get;
	bool skip; /* the read-back found no entry */
};

struct upd_state {
	struct ct_ctx *ctx;
	struct ctf_filter filter;
	struct ctf_fmt fmt;
	struct ctf_nl *mod;
	struct ctf_nl_batch *batch;
	struct upd_pair pairs[UPD_BATCH];
	unsigned int npairs;
	int err;
	struct ctf_flow flow, tmp, got;
};

static struct upd_pair *find_pair(struct upd_state *st, uint32_t seq, bool *is_get)
{
	unsigned int i;

	for (i = 0; i < st->npairs; i++) {
		if (st->pairs[i].seq_new == seq || st->pairs[i].seq_get == seq) {
			*is_get = st->pairs[i].seq_get == seq;
			return &st->pairs[i];
		}
	}
	return NULL;
}

static int upd_ack(uint32_t seq, int error, void *data)
{
	struct upd_state *st = data;
	struct upd_pair *p;
	bool is_get;

	p = find_pair(st, seq, &is_get);
	if (!p || error == 0)
		return 0;
	/*
	 * 1.4.7 reports a refused update without its prefix and goes on to
	 * read the entry back; only that read failing (but for ENOENT, the
	 * entry vanished) stops it.
	 */
	if (!is_get) {
		ct_out_flush(&st->ctx->out);
		fprintf(stderr, "Operation failed: %s\n",
			ct_err2str(-error, CT_CMD(CT_UPDATE_BIT)));
		return 0;
	}
	if (error == -ENOENT) {
		p->skip = true;
		return 0;
	}
	st->err = error;
	return error;
}

static int upd_data(const struct nlmsghdr *nlh, void *data)
{
	struct upd_state *st = data;
	struct upd_pair *p;
	bool is_get;

	p = find_pair(st, nlh->nlmsg_seq, &is_get);
	if (!p || !is_get || p->skip || ctf_flow_parse(nlh, &st->got) < 0)
		return 0;
	st->got.event = CTF_EVENT_NEW;
	ct_out_flow(&st->ctx->out, &st->got, &st->fmt);
	st->ctx->counter++;
	return 0;
}

static int upd_flush(struct upd_state *st)
{
	int r;

	if (ctf_nl_batch_count(st->batch) == 0)
		return 0;
	r = ctf_nl_batch_flush(st->batch, upd_data, upd_ack, st);
	st->npairs = 0;
	if (st->err)
		return st->err;
	return r;
}

static bool labels_equal(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, CTF_LABELS_LEN) == 0;
}

/* 1.4.7's copy_label(): add/remove bits keeping the entry's bitmap size. */
static bool update_labels(const struct ct_cmd *cmd, const struct ctf_flow *ct, struct ctf_flow *t)
{
	const struct ct_labels *mod = &cmd->label_modify;
	unsigned int i, n = ct->labels_len;

	if (!(cmd->options & (CT_OPT(CT_OPT_ADD_LABEL_BIT) | CT_OPT(CT_OPT_DEL_LABEL_BIT))))
		return false;
	if (cmd->options & CT_OPT(CT_OPT_ADD_LABEL_BIT)) {
		ctf_flow_set(t, CTF_FLOW_A_LABELS);
		if (!ctf_flow_has(ct, CTF_FLOW_A_LABELS)) {
			memcpy(t->labels, mod->bits, sizeof(t->labels));
			t->labels_len = (uint8_t)ct_labels_bytes(mod->maxbit);
			return false;
		}
		/* The kernel keeps old bits sent as zero in both labels and mask. */
		memset(t->labels, 0, sizeof(t->labels));
		for (i = 0; i < n; i++)
			t->labels[i] = t->labels_mask[i] = mod->bits[i];
		t->labels_len = (uint8_t)n;
		ctf_flow_set(t, CTF_FLOW_A_LABELS_MASK);
		return true;
	}
	if (!ctf_flow_has(ct, CTF_FLOW_A_LABELS))
		return false;
	ctf_flow_set(t, CTF_FLOW_A_LABELS);
	memset(t->labels, 0, sizeof(t->labels));
	if (!mod->set) { /* --label-del without names: an empty bitmap */
		t->labels_len = 4;
		return false;
	}
	for (i = 0; i < n; i++)
		t->labels[i] = ct->labels[i] & (uint8_t)~mod->bits[i];
	t->labels_len = (uint8_t)n;
	/* libnetfilter_conntrack drops a mask whose size differs from the labels'. */
	if (ct_labels_bytes(mod->maxbit) == n) {
		memcpy(t->labels_mask, mod->bits, sizeof(t->labels_mask));
		ctf_flow_set(t, CTF_FLOW_A_LABELS_MASK);
	}
	return true;
}

/*
 * Build the update for entry @ct into st->tmp: its orig tuple (and zone)
 * plus the template's meta, mark (old & ~mask) ^ value, status OR-ed in.
 * Returns false when nothing would change, as nfct_cmp() decides in 1.4.7.
 */
static bool update_build(struct upd_state *st, const struct ctf_flow *ct)
{
	const struct ct_cmd *cmd = st->ctx->cmd;
	struct ctf_flow *t = &st->tmp;
	bool same = true;

	memset(t, 0, sizeof(*t));
	t->family = ct->orig.l3num; /* 1.4.7 used the command's family: EOPNOTSUPP */
	t->orig = ct->orig;
	ctf_flow_set(t, CTF_FLOW_A_ORIG);
	if (ctf_flow_has(ct, CTF_FLOW_A_ZONE)) {
		t->zone = ct->zone;
		ctf_flow_set(t, CTF_FLOW_A_ZONE);
	}
	ct_tmpl_meta_to_flow(cmd, t);
	/* -n/-g/-j select entries here; sending them made the kernel refuse the update. */
	t->set &= ~(CTF_FLOW_BIT(CTF_FLOW_A_NAT_SRC) | CTF_FLOW_BIT(CTF_FLOW_A_NAT_DST));
	if (cmd->options & CT_OPT(CT_OPT_MARK_BIT)) {
		t->mark = (ct->mark & ~cmd->mark.mask) ^ cmd->mark.value;
		ctf_flow_set(t, CTF_FLOW_A_MARK);
		same = same && t->mark == ct->mark;
	}
	if (cmd->options & CT_OPT(CT_OPT_STATUS_BIT)) {
		t->status = ct->status | cmd->tmpl.status;
		same = same && t->status == ct->status;
	}
	if (update_labels(cmd, ct, t))
		same = false; /* entries never carry a mask, so 1.4.7 saw a change */
	if (cmd->tmpl.set & T_TIMEOUT)
		same = same && t->timeout == ct->timeout;
	if (cmd->tmpl.set & T_TCP_STATE)
		same = same && ctf_flow_has(ct, CTF_FLOW_A_TCP_STATE) &&
		       t->tcp.state == ct->tcp.state;
	if (cmd->tmpl.set & T_SCTP_STATE)
		same = same && ctf_flow_has(ct, CTF_FLOW_A_SCTP_STATE) &&
		       t->sctp.state == ct->sctp.state;
	if (cmd->tmpl.set & T_DCCP_STATE)
		same = same && ctf_flow_has(ct, CTF_FLOW_A_DCCP_STATE) &&
		       t->dccp.state == ct->dccp.state;
	if (ctf_flow_has(t, CTF_FLOW_A_LABELS))
		same = same && ctf_flow_has(ct, CTF_FLOW_A_LABELS) &&
		       labels_equal(t->labels, ct->labels);
	return !same;
}

static int upd_queue(struct upd_state *st)
{
	struct ctf_flow *t = &st->tmp;
	struct upd_pair *p = &st->pairs[st->npairs];
	struct nlmsghdr *nlh;

	nlh = ctf_ct_msg_put(ctf_nl_batch_current(st->batch), IPCTNL_MSG_CT_NEW, NLM_F_ACK,
			     t->family, ctf_nl_next_seq(st->mod));
	if (ctf_ct_put_flow(nlh, ctf_nl_batch_room(st->batch), t,
			    CTF_CT_PUT_ORIG | CTF_CT_PUT_META | CTF_CT_PUT_ZONE) < 0)
		return -EMSGSIZE;
	p->seq_new = nlh->nlmsg_seq;
	ctf_nl_batch_next(st->batch);
	nlh = ctf_ct_msg_put(ctf_nl_batch_current(st->batch), IPCTNL_MSG_CT_GET, NLM_F_ACK,
			     t->family, ctf_nl_next_seq(st->mod));
	if (ctf_ct_put_flow(nlh, ctf_nl_batch_room(st->batch), t,
			    CTF_CT_PUT_ORIG | CTF_CT_PUT_ZONE) < 0)
		return -EMSGSIZE;
	p->seq_get = nlh->nlmsg_seq;
	p->skip = false;
	st->npairs++;
	if (ctf_nl_batch_next(st->batch) || st->npairs == UPD_BATCH)
		return upd_flush(st);
	return 0;
}

static int upd_cb(const struct nlmsghdr *nlh, void *data)
{
	struct upd_state *st = data;
	int r;

	if (ctf_flow_parse(nlh, &st->flow) < 0)
		return MNL_CB_OK;
	if (!ctf_filter_match(&st->filter, &st->flow))
		return MNL_CB_OK;
	if (!update_build(st, &st->flow))
		return MNL_CB_OK;
	r = upd_queue(st);
	return r < 0 ? r : MNL_CB_OK;
}

int ct_cmd_update(struct ct_ctx *ctx)
{
	struct ct_cmd *cmd = ctx->cmd;
	struct upd_state *st;
	int r;

	st = calloc(1, sizeof(*st));
	if (!st)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "OOM");
	st->ctx = ctx;
	if (ctf_nl_open(&st->mod, 0) < 0) {
		r = ct_fail(ctx, CT_OTHER_PROBLEM, "Can't open handler");
		goto out;
	}
	if (ctf_nl_batch_new(&st->batch, st->mod, 2 * UPD_BATCH) < 0) {
		r = ct_fail(ctx, CT_OTHER_PROBLEM, "OOM");
		goto out;
	}
	ct_build_filter(cmd, &st->filter);
	ct_fmt_init(cmd, &st->fmt, true, false);
	r = ct_dump_request(ctx, IPCTNL_MSG_CT_GET, &st->filter, CTF_FILTER_PUT_TUPLE, upd_cb, st);
	if (r == 0 || r == st->err)
		r = st->err ? st->err : upd_flush(st);
	if (r < 0)
		r = ct_fail(ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
			    ct_err2str(-r, CT_CMD(CT_UPDATE_BIT)));
out:
	ctf_nl_batch_free(st->batch);
	ctf_nl_close(st->mod);
	free(st);
	return r;
}
