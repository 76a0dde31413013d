// SPDX-License-Identifier: GPL-2.0-or-later
/* nfct timeout: add, delete, get, list, flush, default-set, default-get (nfnetlink_cttimeout). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/netfilter/nfnetlink_cttimeout.h>

#include <ctflow/timeout.h>

#include "nfct.h"

static int timeout_usage(const struct nfct_ctx *ctx)
{
	fprintf(stderr,
		"nfct v%s: Missing command\n"
		"%s <list|add|delete|get|default-set|default-get|flush> timeout "
		"[<parameters>, ...]\n",
		NFCT_VERSION, ctx->argv[0]);
	return -1;
}

/* Print each policy as it arrives; a message we cannot parse is reported and skipped. */
static int print_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nfct_ctx *ctx = data;
	char buf[CTF_TIMEOUT_FMT_MAX];
	struct ctf_timeout t;
	size_t n;
	int r;

	r = ctf_timeout_parse(nlh, &t);
	if (r < 0) {
		nfct_error(r, "cannot parse a timeout policy from the kernel, ignoring");
		return 1;
	}
	n = ctf_timeout_format(buf, sizeof(buf), &t,
			       ctx->json ? CTF_TIMEOUT_FMT_JSON : CTF_TIMEOUT_FMT_TEXT);
	nfct_print(buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
	return 1; /* go on */
}

static int talk(struct nfct_ctx *ctx, uint16_t type, uint16_t flags, const struct ctf_timeout *t)
{
	int r;

	r = ctf_timeout_request(ctx->nl, type, flags, t, print_cb, ctx);
	if (r < 0) {
		nfct_error(r, "netlink error");
		return -1;
	}
	return 0;
}

/*
 * FAMILY and PROTO at av[0] and av[1], with 1.4.7's messages. When the
 * protocols database cannot be read, 1.4.7's errno still holds why, and its
 * next message says so: *db_err keeps that error for our next message.
 */
static int parse_protos(struct ctf_timeout *t, char **av, int *db_err)
{
	int l3, l4;

	l3 = ctf_timeout_parse_l3(av[0]);
	if (l3 < 0) {
		nfct_error(0, "unknown layer 3 protocol");
		return -1;
	}
	l4 = ctf_timeout_parse_l4(av[1], db_err);
	if (l4 < 0) {
		nfct_error(*db_err, "unknown layer 4 protocol");
		return -1;
	}
	t->l3proto = (uint16_t)l3;
	t->l4proto = (uint8_t)l4;
	t->present |= CTF_TIMEOUT_P_L3PROTO | CTF_TIMEOUT_P_L4PROTO;
	return 0;
}

/*
 * FAMILY PROTO [STATE VALUE]... in av[0..ac). As in 1.4.7, each state is
 * checked before we know whether its value follows, a repeated state keeps
 * its last value, and the value is atoi()'s (so "-1" wraps).
 */
static int parse_policy(struct ctf_timeout *t, int ac, char **av)
{
	const struct ctf_timeout_proto *p;
	const char *proto = av[1];
	int i, db_err;

	if (parse_protos(t, av, &db_err) < 0)
		return -1;
	p = ctf_timeout_proto_find(t->l4proto);
	for (ac -= 2, av += 2; ac > 1; ac -= 2, av += 2) {
		i = ctf_timeout_state_find(p, av[0]);
		if (i < 0) {
			fprintf(stderr, "nfct v%s: Wrong state name: `%s' for protocol `%s'\n",
				NFCT_VERSION, av[0], proto);
			return -1;
		}
		t->timeouts[i] = (uint32_t)(int)strtol(av[1], NULL, 10);
		t->states |= 1U << i;
	}
	if (ac > 0) {
		nfct_error(db_err, "missing value for this timeout");
		return -1;
	}
	return 0;
}

static int cmd_list(struct nfct_ctx *ctx)
{
	if (ctx->argc > 3) {
		nfct_error(0, "too many arguments");
		return -1;
	}
	return talk(ctx, IPCTNL_MSG_TIMEOUT_GET, NLM_F_DUMP, NULL);
}

static int cmd_add(struct nfct_ctx *ctx)
{
	struct ctf_timeout t = { 0 };

	if (ctx->argc < 6) {
		nfct_error(0, "missing parameters\n"
			      "syntax: nfct add timeout name family protocol state1 timeout1 ...");
		return -1;
	}
	ctf_timeout_set_name(&t, ctx->argv[3]);
	if (parse_policy(&t, ctx->argc - 4, ctx->argv + 4) < 0)
		return -1;
	return talk(ctx, IPCTNL_MSG_TIMEOUT_NEW, NLM_F_CREATE | NLM_F_ACK, &t);
}

/* delete and get: exactly one NAME. */
static int cmd_named(struct nfct_ctx *ctx, uint16_t type)
{
	struct ctf_timeout t = { 0 };

	if (ctx->argc < 4) {
		nfct_error(0, "missing timeout policy name");
		return -1;
	}
	if (ctx->argc > 4) {
		nfct_error(0, "too many arguments");
		return -1;
	}
	ctf_timeout_set_name(&t, ctx->argv[3]);
	return talk(ctx, type, NLM_F_ACK, &t);
}

/* A DELETE without a name: the kernel deletes every policy no rule holds. */
static int cmd_flush(struct nfct_ctx *ctx)
{
	if (ctx->argc > 3) {
		nfct_error(0, "too many arguments");
		return -1;
	}
	return talk(ctx, IPCTNL_MSG_TIMEOUT_DELETE, NLM_F_ACK, NULL);
}

static int cmd_default_set(struct nfct_ctx *ctx)
{
	struct ctf_timeout t = { 0 };

	if (ctx->argc < 6) {
		nfct_error(0,
			   "missing parameters\n"
			   "syntax: nfct default-set timeout family protocol state1 timeout1...");
		return -1;
	}
	if (parse_policy(&t, ctx->argc - 3, ctx->argv + 3) < 0)
		return -1;
	return talk(ctx, IPCTNL_MSG_TIMEOUT_DEFAULT_SET, NLM_F_ACK, &t);
}

/* Arguments after PROTO are ignored, as in 1.4.7. */
static int cmd_default_get(struct nfct_ctx *ctx)
{
	struct ctf_timeout t = { 0 };
	int db_err;

	if (ctx->argc < 5) {
		nfct_error(0, "missing parameters\n"
			      "syntax: nfct default-get timeout family protocol");
		return -1;
	}
	if (parse_protos(&t, ctx->argv + 3, &db_err) < 0)
		return -1;
	return talk(ctx, IPCTNL_MSG_TIMEOUT_DEFAULT_GET, NLM_F_ACK, &t);
}

int nfct_timeout_main(struct nfct_ctx *ctx)
{
	switch (ctx->cmd) {
	case NFCT_CMD_LIST:
		return cmd_list(ctx);
	case NFCT_CMD_ADD:
		return cmd_add(ctx);
	case NFCT_CMD_DELETE:
		return cmd_named(ctx, IPCTNL_MSG_TIMEOUT_DELETE);
	case NFCT_CMD_GET:
		return cmd_named(ctx, IPCTNL_MSG_TIMEOUT_GET);
	case NFCT_CMD_FLUSH:
		return cmd_flush(ctx);
	case NFCT_CMD_DEFAULT_SET:
		return cmd_default_set(ctx);
	case NFCT_CMD_DEFAULT_GET:
		return cmd_default_get(ctx);
	default:
		return timeout_usage(ctx);
	}
}
