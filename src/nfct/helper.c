// SPDX-License-Identifier: GPL-2.0-or-later
/* nfct helper: add, delete, get, list, flush, disable (nfnetlink_cthelper). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter/nfnetlink_cthelper.h>

#include <ctflow/cthelper.h>
#include <ctflow/timeout.h>

#include "nfct.h"

static void helper_usage(const struct nfct_ctx *ctx)
{
	fprintf(stderr,
		"nfct v%s: Missing command\n"
		"%s helper list|add|delete|disable|get|flush [parameters...]\n",
		NFCT_VERSION, ctx->argv[0]);
}

static int print_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nfct_ctx *ctx = data;
	char buf[CTF_CTHELPER_FMT_MAX];
	struct ctf_cthelper h;
	size_t n;
	int r;

	r = ctf_cthelper_parse(nlh, &h);
	if (r < 0) {
		nfct_error(r, "cannot parse a helper from the kernel, ignoring");
		return 1;
	}
	n = ctf_cthelper_format(buf, sizeof(buf), &h,
				ctx->json ? CTF_CTHELPER_FMT_JSON : CTF_CTHELPER_FMT_TEXT);
	nfct_print(buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
	return 1; /* go on */
}

/*
 * nfnetlink answers EINVAL for a subsystem the kernel lacks, which says
 * nothing useful: tell the user when that is what happened.
 */
static void explain(struct nfct_ctx *ctx, int err)
{
	if (err == -EBUSY && ctx->cmd == NFCT_CMD_ADD)
		fprintf(stderr, "Maybe unload nf_conntrack_%s.ko first?\n", ctx->argv[3]);
	if (err == -EINVAL && ctf_cthelper_probe(ctx->nl) == 0)
		fprintf(stderr,
			"Hint: this kernel has no nfnetlink_cthelper "
			"(CONFIG_NF_CT_NETLINK_HELPER), so it cannot run user-space helpers\n");
}

static int talk(struct nfct_ctx *ctx, uint16_t type, uint16_t flags, const struct ctf_cthelper *h)
{
	int r;

	r = ctf_cthelper_request(ctx->nl, type, flags, h, print_cb, ctx);
	if (r < 0) {
		nfct_error(r, "netlink error");
		explain(ctx, r);
		return -1;
	}
	return 0;
}

static int parse_l3(const char *s, uint16_t *ret)
{
	int l3 = ctf_timeout_parse_l3(s);

	if (l3 < 0) {
		nfct_error(0, "unknown layer 3 protocol");
		return -1;
	}
	*ret = (uint16_t)l3;
	return 0;
}

/* Helpers exist only for tcp and udp, and nfct 1.4.7 takes only these two words. */
static int parse_l4(const char *s, uint8_t *ret)
{
	if (strcmp(s, "tcp") == 0) {
		*ret = IPPROTO_TCP;
	} else if (strcmp(s, "udp") == 0) {
		*ret = IPPROTO_UDP;
	} else {
		nfct_error(0, "unsupported layer 4 protocol");
		return -1;
	}
	return 0;
}

static int cmd_table(struct nfct_ctx *ctx, uint16_t type, uint16_t flags)
{
	if (ctx->argc > 3) {
		nfct_error(0, "too many arguments");
		return -1;
	}
	return talk(ctx, type, flags, NULL);
}

/* NAME FAMILY PROTO of a helper conntrackd implements (add, disable). */
static int parse_stub(const struct nfct_ctx *ctx, const char *syntax, uint16_t *l3,
		      const struct ctf_cthelper_stub **ret_stub)
{
	uint8_t l4;

	if (ctx->argc < 6) {
		nfct_error(0, syntax);
		return -1;
	}
	if (parse_l3(ctx->argv[4], l3) < 0 || parse_l4(ctx->argv[5], &l4) < 0)
		return -1;
	*ret_stub = ctf_cthelper_stub_find(ctx->argv[3], l4);
	if (!*ret_stub) {
		nfct_error(0, "that helper is not supported");
		return -1;
	}
	return 0;
}

static int cmd_add(struct nfct_ctx *ctx)
{
	const struct ctf_cthelper_stub *stub;
	struct ctf_cthelper h;
	uint16_t l3;

	if (parse_stub(ctx, "missing parameters\nsyntax: nfct add helper name family protocol", &l3,
		       &stub) < 0)
		return -1;
	ctf_cthelper_from_stub(&h, stub, l3);
	return talk(ctx, NFNL_MSG_CTHELPER_NEW, NLM_F_CREATE | NLM_F_ACK, &h);
}

/* Registers the helper disabled when new; only flips the status when it exists. */
static int cmd_disable(struct nfct_ctx *ctx)
{
	const struct ctf_cthelper_stub *stub;
	struct ctf_cthelper h = { 0 };

	if (parse_stub(ctx, "missing parameters\nsyntax: nfct disable helper name family protocol",
		       &h.l3proto, &stub) < 0)
		return -1;
	ctf_cthelper_set_name(&h, ctx->argv[3]);
	h.l4proto = stub->l4proto;
	h.status = CTF_CTHELPER_DISABLED;
	h.present |= CTF_CTHELPER_P_L3PROTO | CTF_CTHELPER_P_L4PROTO | CTF_CTHELPER_P_STATUS;
	return talk(ctx, NFNL_MSG_CTHELPER_NEW, NLM_F_CREATE | NLM_F_ACK, &h);
}

/* delete and get: NAME [FAMILY [PROTO]]. */
static int cmd_named(struct nfct_ctx *ctx, uint16_t type)
{
	struct ctf_cthelper h = { 0 };

	if (ctx->argc < 4) {
		nfct_error(0, "missing helper policy name");
		return -1;
	}
	if (ctx->argc > 6) {
		nfct_error(0, "too many arguments");
		return -1;
	}
	ctf_cthelper_set_name(&h, ctx->argv[3]);
	if (ctx->argc >= 5) {
		if (parse_l3(ctx->argv[4], &h.l3proto) < 0)
			return -1;
		h.present |= CTF_CTHELPER_P_L3PROTO;
	}
	if (ctx->argc == 6) {
		if (parse_l4(ctx->argv[5], &h.l4proto) < 0)
			return -1;
		h.present |= CTF_CTHELPER_P_L4PROTO;
	}
	return talk(ctx, type, NLM_F_ACK, &h);
}

int nfct_helper_main(struct nfct_ctx *ctx)
{
	switch (ctx->cmd) {
	case NFCT_CMD_LIST:
		return cmd_table(ctx, NFNL_MSG_CTHELPER_GET, NLM_F_DUMP);
	case NFCT_CMD_ADD:
		return cmd_add(ctx);
	case NFCT_CMD_DELETE:
		return cmd_named(ctx, NFNL_MSG_CTHELPER_DEL);
	case NFCT_CMD_GET:
		return cmd_named(ctx, NFNL_MSG_CTHELPER_GET);
	case NFCT_CMD_FLUSH:
		return cmd_table(ctx, NFNL_MSG_CTHELPER_DEL, NLM_F_ACK);
	case NFCT_CMD_DISABLE:
		return cmd_disable(ctx);
	default:
		/* 1.4.7 names the command word here, argv[2] in either order. */
		fprintf(stderr, "nfct v%s: Unknown command: %s\n", NFCT_VERSION, ctx->argv[2]);
		helper_usage(ctx);
		return -1;
	}
}
