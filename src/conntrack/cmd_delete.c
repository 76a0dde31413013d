// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack CLI: -D, deleting while the dump runs, in batches on a second socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "conntrack.h"

/* Deletes per batch: their ACKs and printed lines are bounded by this, not the table size. */
#define DEL_BATCH 512

struct del_line {
	uint32_t seq;
	size_t off, len;
};

struct del_state {
	struct ct_ctx *ctx;
	struct ctf_filter filter;
	struct ctf_fmt fmt;
	struct ctf_nl *mod;
	struct ctf_nl_batch *batch;
	char *text; /* the lines of the queued deletes, printed once ACKed */
	size_t text_len;
	struct del_line lines[DEL_BATCH];
	unsigned int nlines;
	int err; /* the first kernel error other than ENOENT */
	struct ctf_flow flow;
};

static int del_ack(uint32_t seq, int error, void *data)
{
	struct del_state *st = data;
	unsigned int i;

	for (i = 0; i < st->nlines && st->lines[i].seq != seq; i++)
		;
	if (i == st->nlines)
		return 0;
	if (error == 0) {
		st->text[st->lines[i].off + st->lines[i].len] = '\0';
		ct_out_str(&st->ctx->out, st->text + st->lines[i].off);
		st->ctx->counter++;
		return 0;
	}
	/* The entry went away (or was re-created with another id) meanwhile. */
	if (error == -ENOENT)
		return 0;
	st->err = error;
	return error;
}

static int del_flush(struct del_state *st)
{
	int r;

	if (ctf_nl_batch_count(st->batch) == 0)
		return 0;
	r = ctf_nl_batch_flush(st->batch, NULL, del_ack, st);
	st->nlines = 0;
	st->text_len = 0;
	if (st->err)
		return st->err;
	return r;
}

/* Queue one delete: the entry's orig tuple, zone and id, so a successor is not hit. */
static int del_queue(struct del_state *st)
{
	struct ctf_flow *f = &st->flow;
	struct nlmsghdr *nlh;
	struct del_line *l;
	size_t n;

	nlh = ctf_ct_msg_put(ctf_nl_batch_current(st->batch), IPCTNL_MSG_CT_DELETE, NLM_F_ACK,
			     f->orig.l3num, ctf_nl_next_seq(st->mod));
	if (ctf_ct_put_flow(nlh, ctf_nl_batch_room(st->batch), f,
			    CTF_CT_PUT_ORIG | CTF_CT_PUT_ZONE | CTF_CT_PUT_ID) < 0)
		return -EMSGSIZE;
	l = &st->lines[st->nlines++];
	l->seq = nlh->nlmsg_seq;
	l->off = st->text_len;
	f->event = CTF_EVENT_DESTROY; /* save format prints -D */
	n = ctf_fmt_flow(st->text + st->text_len, CTF_FMT_LINE_MAX, f, &st->fmt);
	l->len = n < CTF_FMT_LINE_MAX ? n : 0;
	st->text_len += l->len + 1;
	if (ctf_nl_batch_next(st->batch) || st->nlines == DEL_BATCH)
		return del_flush(st);
	return 0;
}

static int del_cb(const struct nlmsghdr *nlh, void *data)
{
	struct del_state *st = data;
	int r;

	if (ctf_flow_parse(nlh, &st->flow) < 0)
		return MNL_CB_OK;
	if (!ctf_filter_match(&st->filter, &st->flow))
		return MNL_CB_OK;
	r = del_queue(st);
	return r < 0 ? r : MNL_CB_OK;
}

static int del_open(struct ct_ctx *ctx, struct del_state *st)
{
	st->text = malloc((size_t)DEL_BATCH * (CTF_FMT_LINE_MAX + 1));
	if (!st->text)
		return -ENOMEM;
	if (ctf_nl_open(&st->mod, 0) < 0)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Can't open handler");
	if (ctf_nl_batch_new(&st->batch, st->mod, 2 * DEL_BATCH) < 0)
		return -ENOMEM;
	return 0;
}

int ct_cmd_delete(struct ct_ctx *ctx)
{
	struct ct_cmd *cmd = ctx->cmd;
	struct del_state *st;
	int r;

	st = calloc(1, sizeof(*st));
	if (!st)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "OOM");
	st->ctx = ctx;
	r = del_open(ctx, st);
	if (r > 0)
		goto out;
	if (r < 0) {
		r = ct_fail(ctx, CT_OTHER_PROBLEM, "OOM");
		goto out;
	}
	ct_build_filter(cmd, &st->filter);
	/* Only the status bits given must be set: the same test the userspace compare makes. */
	if ((cmd->options & CT_OPT(CT_OPT_STATUS_BIT)) && cmd->tmpl.status) {
		st->filter.set |= CTF_FILTER_KSTATUS;
		st->filter.kstatus_value = st->filter.kstatus_mask = cmd->tmpl.status;
	}
	ct_fmt_init(cmd, &st->fmt, false, false);
	if (st->fmt.style == CTF_FMT_SAVE)
		st->fmt.flags |= CTF_FMT_F_EVENT; /* deleted entries save as -D */
	r = ct_dump_request(ctx, IPCTNL_MSG_CT_GET, &st->filter, CTF_FILTER_PUT_ALL, del_cb, st);
	if (r == 0 || r == st->err)
		r = st->err ? st->err : del_flush(st);
	if (r < 0)
		r = ct_fail(ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
			    ct_err2str(-r, CT_CMD(CT_DELETE_BIT)));
out:
	ctf_nl_batch_free(st->batch);
	ctf_nl_close(st->mod);
	free(st->text);
	free(st);
	return r;
}
