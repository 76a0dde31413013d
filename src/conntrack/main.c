// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack: drop-in for conntrack-tools 1.4.7's conntrack, on libctflow. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netdb.h>

#include <ctflow/nl.h>

#include "conntrack.h"

#ifndef CTF_PROJECT_VERSION
#define CTF_PROJECT_VERSION "0"
#endif

static const char usage_text[] =
	"Commands:\n"
	"  -L [table] [options]\t\tList conntrack or expectation table\n"
	"  -G [table] parameters\t\tGet conntrack or expectation\n"
	"  -D [table] parameters\t\tDelete conntrack or expectation\n"
	"  -I [table] parameters\t\tCreate a conntrack or expectation\n"
	"  -A [table] parameters\t\tAdd a conntrack, or update it if it exists\n"
	"  -U [table] parameters\t\tUpdate a conntrack\n"
	"  -E [table] [options]\t\tShow events\n"
	"  -F [table]\t\t\tFlush table\n"
	"  -C [table]\t\t\tShow counter\n"
	"  -S\t\t\t\tShow statistics\n"
	"\n"
	"Tables: conntrack, expect, dying, unconfirmed\n"
	"\n"
	"Conntrack parameters and options:\n"
	"  -n, --src-nat ip\t\t\tsource NAT ip\n"
	"  -g, --dst-nat ip\t\t\tdestination NAT ip\n"
	"  -j, --any-nat ip\t\t\tsource or destination NAT ip\n"
	"  -m, --mark mark\t\t\tSet mark\n"
	"  -c, --secmark secmark\t\t\tSet selinux secmark\n"
	"  -e, --event-mask eventmask\t\tEvent mask, eg. NEW,DESTROY\n"
	"  -z, --zero \t\t\t\tZero counters while listing\n"
	"  -o, --output type[,...]\t\tOutput format, eg. xml or json\n"
	"  -l, --label label[,...]\t\tconntrack labels\n"
	"  --labelmap path\t\t\tconnlabel file to use instead of default\n"
	"\n"
	"Expectation parameters and options:\n"
	"  --tuple-src ip\tSource address in expect tuple\n"
	"  --tuple-dst ip\tDestination address in expect tuple\n"
	"\n"
	"Updating parameters and options:\n"
	"  --label-add label\tAdd label\n"
	"  --label-del label\tDelete label\n"
	"\n"
	"Common parameters and options:\n"
	"  -s, --src, --orig-src ip\t\tSource address from original direction\n"
	"  -d, --dst, --orig-dst ip\t\tDestination address from original direction\n"
	"  -r, --reply-src ip\t\tSource addres from reply direction\n"
	"  -q, --reply-dst ip\t\tDestination address from reply direction\n"
	"  -p, --protonum proto\t\tLayer 4 Protocol, eg. 'tcp'\n"
	"  -f, --family proto\t\tLayer 3 Protocol, eg. 'ipv6'\n"
	"  -t, --timeout timeout\t\tSet timeout\n"
	"  -u, --status status\t\tSet status, eg. ASSURED\n"
	"  -w, --zone value\t\tSet conntrack zone\n"
	"  --orig-zone value\t\tSet zone for original direction\n"
	"  --reply-zone value\t\tSet zone for reply direction\n"
	"  -b, --buffer-size\t\tNetlink socket buffer size\n"
	"  --mask-src ip\t\t\tSource mask address\n"
	"  --mask-dst ip\t\t\tDestination mask address\n"
	"  --netns name|path\t\tAct on another network namespace\n";

void ct_usage(struct ct_ctx *ctx)
{
	struct ct_cmd *cmd = ctx->cmd;
	const struct ct_proto *p = cmd->proto;
	struct protoent *pe;
	const char *name;

	ct_out_printf(&ctx->out,
		      "Command line interface for the connection tracking system. Version %s\n",
		      CT_VERSION);
	ct_out_printf(&ctx->out, "Usage: %s [commands] [options]\n\n", ctx->progname);
	ct_out_str(&ctx->out, usage_text);
	ct_out_str(&ctx->out, "\n");
	if ((cmd->command & CT_CMD(CT_HELP_BIT)) && (cmd->options & CT_OPT(CT_OPT_PROTO_BIT)) &&
	    p) {
		name = p->name;
		if (p == &ct_proto_unknown) {
			pe = getprotobynumber(cmd->protonum);
			if (pe)
				name = pe->p_name;
		}
		ct_out_printf(&ctx->out, "Proto `%s' help:\n", name);
		ct_out_str(&ctx->out, p->help);
	}
	ct_out_printf(&ctx->out, "\nctflow %s, compatible with conntrack-tools %s\n",
		      CTF_PROJECT_VERSION, CT_VERSION);
}

/* Checks 1.4.7 makes when the command starts, after parsing. */
static int late_checks(struct ct_ctx *ctx)
{
	struct ct_cmd *cmd = ctx->cmd;
	unsigned int c = cmd->command;

	if (c == CT_CMD(CT_LIST_BIT) && cmd->table == CT_TABLE_CONNTRACK &&
	    (cmd->options & CT_COMPARISON) && (cmd->options & CT_OPT(CT_OPT_ZERO_BIT)))
		return ct_fail(ctx, CT_PARAMETER_PROBLEM, "Can't use -z with filtering parameters");
	if (c != CT_CMD(CT_LIST_BIT) && c != CT_CMD(CT_UPDATE_BIT) && c != CT_CMD(CT_DELETE_BIT))
		return 0;
	if (c == CT_CMD(CT_LIST_BIT) && cmd->table != CT_TABLE_CONNTRACK)
		return 0;
	if ((cmd->options & CT_OPT(CT_OPT_MASK_SRC_BIT)) &&
	    !(cmd->options & CT_OPT(CT_OPT_ORIG_SRC_BIT)))
		return ct_fail(ctx, CT_PARAMETER_PROBLEM, "Can't use --mask-src without --src");
	if ((cmd->options & CT_OPT(CT_OPT_MASK_DST_BIT)) &&
	    !(cmd->options & CT_OPT(CT_OPT_ORIG_DST_BIT)))
		return ct_fail(ctx, CT_PARAMETER_PROBLEM, "Can't use --mask-dst without --dst");
	return 0;
}

/* The summary line's text after the count, or NULL for commands without one. */
static const char *summary_verb(unsigned int bit)
{
	switch (bit) {
	case EXP_LIST_BIT:
		return "expectations have been shown";
	case EXP_DELETE_BIT:
		/* 1.4.7 says "0 expectations have been shown." and fails even on success */
		return "expectations have been deleted";
	case CT_LIST_BIT:
	case CT_GET_BIT:
		return "shown";
	case CT_CREATE_BIT:
		return "created";
	case CT_UPDATE_BIT:
		return "updated";
	case CT_DELETE_BIT:
		return "deleted";
	case CT_ADD_BIT:
		return "added";
	default:
		return NULL;
	}
}

static int run(struct ct_ctx *ctx)
{
	switch (ctx->cmd->command) {
	case CT_CMD(CT_LIST_BIT):
		return ct_cmd_list(ctx);
	case CT_CMD(CT_GET_BIT):
		return ct_cmd_get(ctx);
	case CT_CMD(CT_DELETE_BIT):
		return ct_cmd_delete(ctx);
	case CT_CMD(CT_UPDATE_BIT):
		return ct_cmd_update(ctx);
	case CT_CMD(CT_CREATE_BIT):
	case CT_CMD(CT_ADD_BIT):
		return ct_cmd_create(ctx);
	case CT_CMD(CT_FLUSH_BIT):
		return ct_cmd_flush(ctx);
	case CT_CMD(CT_COUNT_BIT):
		return ct_cmd_count(ctx);
	case CT_CMD(CT_STATS_BIT):
		return ct_cmd_stats(ctx);
	case CT_CMD(CT_VERSION_BIT):
		ct_out_printf(&ctx->out, "%s v%s (conntrack-tools)\n", CT_PROGNAME, CT_VERSION);
		return 0;
	case CT_CMD(CT_EVENT_BIT):
	case CT_CMD(EXP_EVENT_BIT):
		return ct_cmd_event(ctx);
	case CT_CMD(EXP_LIST_BIT):
		return ct_cmd_exp_list(ctx);
	case CT_CMD(EXP_CREATE_BIT):
		return ct_cmd_exp_create(ctx);
	case CT_CMD(EXP_DELETE_BIT):
		return ct_cmd_exp_delete(ctx);
	case CT_CMD(EXP_GET_BIT):
		return ct_cmd_exp_get(ctx);
	case CT_CMD(EXP_FLUSH_BIT):
		return ct_cmd_exp_flush(ctx);
	case CT_CMD(EXP_COUNT_BIT):
		return ct_cmd_exp_count(ctx);
	case CT_CMD(EXP_STATS_BIT):
		return ct_cmd_exp_stats(ctx);
	default: /* -h, or no command at all */
		ct_usage(ctx);
		return 0;
	}
}

/* The summary line on stderr; zero entries fail every command but -L. */
static int print_summary(struct ct_ctx *ctx)
{
	const struct ct_cmd *cmd = ctx->cmd;
	const char *verb = summary_verb(cmd->cmd);

	if (!cmd->command || !verb)
		return 0;
	ct_out_flush(&ctx->out);
	if (strchr(verb, ' '))
		ct_msg("%u %s.\n", ctx->counter, verb);
	else
		ct_msg("%u flow entries have been %s.\n", ctx->counter, verb);
	/* -A that found the entry already there adds nothing, yet succeeds. */
	if (ctx->counter == 0 && cmd->command != CT_CMD(CT_LIST_BIT) &&
	    cmd->command != CT_CMD(EXP_LIST_BIT) && cmd->command != CT_CMD(CT_ADD_BIT))
		return CT_OTHER_PROBLEM;
	return 0;
}

/* Parse warnings wait until the socket is open, as 1.4.7 opened it before parsing. */
static int parse(int argc, char **argv, struct ct_cmd *cmd, struct ct_err *err, char **warnings)
{
	size_t len = 0;
	FILE *w;
	int r;

	*warnings = NULL;
	w = open_memstream(warnings, &len);
	r = ct_args_parse(argc, argv, cmd, w, err);
	if (w)
		fclose(w);
	return r;
}

static int enter_netns(struct ct_cmd *cmd)
{
	int r;

	if (!cmd->netns)
		return 0;
	r = ctf_netns_enter(cmd->netns);
	if (r < 0)
		return ct_fail(NULL, CT_OTHER_PROBLEM, "can't enter network namespace `%s': %s",
			       cmd->netns, strerror(-r));
	return 0;
}

static int run_parsed(struct ct_ctx *ctx, int parsed, struct ct_err *err, const char *warnings)
{
	int r;

	if (ctf_nl_open(&ctx->nl, 0) < 0)
		return ct_fail(NULL, CT_OTHER_PROBLEM, "Can't open handler");
	if (warnings)
		fputs(warnings, stderr);
	if (parsed < 0)
		return ct_fail(NULL, err->status, "%s", err->msg);
	if (ct_out_init(&ctx->out, STDOUT_FILENO) < 0)
		return ct_fail(NULL, CT_OTHER_PROBLEM, "OOM");
	r = late_checks(ctx);
	if (r == 0)
		r = run(ctx);
	if (r == 0)
		r = print_summary(ctx);
	ct_out_done(&ctx->out);
	return r;
}

/* -R/--load-file, recognised only as the first argument, as in 1.4.7. */
static int load_file(struct ct_ctx *ctx, const char *progname, const char *file)
{
	int r;

	if (ctf_nl_open(&ctx->nl, 0) < 0)
		return ct_fail(NULL, CT_OTHER_PROBLEM, "Can't open handler");
	if (ct_out_init(&ctx->out, STDOUT_FILENO) < 0) {
		ctf_nl_close(ctx->nl);
		return ct_fail(NULL, CT_OTHER_PROBLEM, "OOM");
	}
	r = ct_cmd_load(ctx, progname, file);
	ct_out_done(&ctx->out);
	ctf_nl_close(ctx->nl);
	return r;
}

int main(int argc, char **argv)
{
	struct ct_ctx ctx = { .progname = argv[0] };
	struct ct_cmd cmd;
	struct ct_err err;
	char *warnings;
	int parsed, r;

	if (argc > 2 && (strcmp(argv[1], "-R") == 0 || strcmp(argv[1], "--load-file") == 0))
		return load_file(&ctx, argv[0], argv[2]);
	parsed = parse(argc, argv, &cmd, &err, &warnings);
	ctx.cmd = &cmd;
	r = parsed == 0 ? enter_netns(&cmd) : 0;
	if (r == 0)
		r = run_parsed(&ctx, parsed, &err, warnings);
	free(warnings);
	ctf_nl_close(ctx.nl);
	ct_cmd_done(&cmd);
	return r;
}
