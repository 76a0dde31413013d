// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfct: a drop-in for conntrack-tools 1.4.7's nfct. Parses the command and
 * subsystem words exactly as 1.4.7 does (prefixes, either order, its
 * messages and exit codes); our options come first, where 1.4.7 accepts no
 * word starting with '-', so they cannot change an existing invocation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctflow/nl.h>

#include "nfct.h"

enum nfct_subsys {
	NFCT_SUBSYS_NONE,
	NFCT_SUBSYS_TIMEOUT,
	NFCT_SUBSYS_HELPER,
	NFCT_SUBSYS_VERSION,
	NFCT_SUBSYS_HELP,
};

static const char *const cmd_words[] = {
	[NFCT_CMD_LIST] = "list",
	[NFCT_CMD_ADD] = "add",
	[NFCT_CMD_DELETE] = "delete",
	[NFCT_CMD_GET] = "get",
	[NFCT_CMD_FLUSH] = "flush",
	[NFCT_CMD_DISABLE] = "disable",
	[NFCT_CMD_DEFAULT_SET] = "default-set",
	[NFCT_CMD_DEFAULT_GET] = "default-get",
};

/* "help" is a prefix of "helper", so as in 1.4.7 the word never reaches HELP. */
static const char *const subsys_words[] = {
	[NFCT_SUBSYS_TIMEOUT] = "timeout",
	[NFCT_SUBSYS_HELPER] = "helper",
	[NFCT_SUBSYS_VERSION] = "version",
	[NFCT_SUBSYS_HELP] = "help",
};

/* 1.4.7's matching: the first word @s is a prefix of (so "" matches the first). */
static int match_word(const char *const *words, int n, const char *s)
{
	int i;

	for (i = 1; i < n; i++)
		if (strncmp(words[i], s, strlen(s)) == 0)
			return i;
	return -1;
}

void nfct_error(int err, const char *msg)
{
	if (err < 0)
		fprintf(stderr, "nfct v%s: %s: %s\n", NFCT_VERSION, msg, strerror(-err));
	else
		fprintf(stderr, "nfct v%s: %s\n", NFCT_VERSION, msg);
}

void nfct_print(const char *buf, size_t len)
{
	fwrite(buf, 1, len, stdout);
	putchar('\n');
}

static void usage(const char *prog)
{
	fprintf(stderr, "Usage: %s command subsystem [parameters]...\n", prog);
}

static const char version_msg[] =
	"nfct v%s: utility for the Netfilter's Connection Tracking System\n"
	"Copyright (C) 2012 Pablo Neira Ayuso <pablo@netfilter.org>\n"
	"This program comes with ABSOLUTELY NO WARRANTY.\n"
	"This is free software, and you are welcome to redistribute it under certain \n"
	"conditions; see LICENSE file distributed in this package for details.\n";

/* 1.4.7's help speaks of "accounting objects" (copied from nfacct); this one describes nfct. */
static const char help_msg[] =
	"nfct v%s: utility for the Netfilter's Connection Tracking System\n"
	"Usage: %s [options] command subsystem [parameters]...\n"
	"       %s [options] subsystem command [parameters]...\n"
	"Command and subsystem words may be shortened to any prefix.\n"
	"\n"
	"Subsystems:\n"
	"  timeout    Fine-grain timeout policies (nfnetlink_cttimeout)\n"
	"  helper     User-space connection tracking helpers (nfnetlink_cthelper)\n"
	"  version    Display version and disclaimer\n"
	"\n"
	"Timeout policies:\n"
	"  list timeout                        List all timeout policies\n"
	"  get timeout NAME                    Show one timeout policy\n"
	"  add timeout NAME FAMILY PROTO STATE SECONDS [STATE SECONDS]...\n"
	"                                      Add a policy; the states not given take\n"
	"                                      the kernel's defaults\n"
	"  delete timeout NAME                 Delete a policy (fails while a rule uses it)\n"
	"  flush timeout                       Delete every policy that is not in use\n"
	"  default-set timeout FAMILY PROTO STATE SECONDS [STATE SECONDS]...\n"
	"                                      Change a protocol's default timeouts\n"
	"  default-get timeout FAMILY PROTO    Show a protocol's default timeouts\n"
	"  FAMILY is inet or inet6. PROTO is tcp, udp, udplite, icmp, icmpv6, sctp,\n"
	"  dccp, gre, generic or another /etc/protocols name. STATE is one of PROTO's\n"
	"  states (tcp: syn_sent ... unacknowledged; udp, udplite, gre: unreplied,\n"
	"  replied; icmp, icmpv6, generic: timeout), in any case.\n"
	"\n"
	"User-space helpers (conntrackd's: amanda dhcpv6 ftp mdns rpc sane slp ssdp\n"
	"tftp tns):\n"
	"  list helper                         List the registered helpers\n"
	"  get helper NAME [FAMILY [PROTO]]    Show a registered helper\n"
	"  add helper NAME FAMILY PROTO        Register a helper (PROTO: tcp or udp)\n"
	"  delete helper NAME [FAMILY [PROTO]] Unregister a helper\n"
	"  flush helper                        Unregister every helper\n"
	"  disable helper NAME FAMILY PROTO    Stop queueing a helper's packets to user space\n"
	"\n"
	"Options (before the command):\n"
	"  -o, --output json                   Print list, get and default-get as JSON,\n"
	"                                      one object per line\n"
	"  --netns NAME|PATH                   Work in the network namespace NAME\n"
	"                                      (/run/netns/NAME) or the one at PATH\n"
	"  -h, --help                          Display this help message\n"
	"  -V, --version                       Display version and disclaimer\n";

struct opts {
	bool json;
	bool help;
	bool version;
	const char *netns;
};

/* The value of option @name at argv[*i]: "--name=V", or the next argument. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	fprintf(stderr, "nfct v%s: option `%s' needs an argument\n", NFCT_VERSION, name);
	return NULL;
}

static bool is_opt(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || (name[1] == '-' && arg[n] == '='));
}

/* One of our options at argv[*i]: 1 when taken, 0 when not ours, -1 on error. */
static int parse_opt(int argc, char **argv, int *i, struct opts *o)
{
	const char *arg = argv[*i], *v;

	if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
		o->help = true;
	} else if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0) {
		o->version = true;
	} else if (is_opt(arg, "-o") || is_opt(arg, "--output")) {
		v = opt_value(argc, argv, i, arg[1] == '-' ? "--output" : "-o");
		if (!v)
			return -1;
		if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0) {
			fprintf(stderr, "nfct v%s: unknown output format `%s' (json or text)\n",
				NFCT_VERSION, v);
			return -1;
		}
		o->json = strcmp(v, "json") == 0;
	} else if (is_opt(arg, "--netns")) {
		o->netns = opt_value(argc, argv, i, "--netns");
		if (!o->netns)
			return -1;
	} else {
		return 0;
	}
	return 1;
}

/*
 * Take our options from the front of argv. Returns the index of the first
 * other argument, or -1. A word starting with '-' that is not ours stops
 * here, so 1.4.7's "Unknown subsystem" reports it as before.
 */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	int i, r;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		r = parse_opt(argc, argv, &i, o);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
	}
	return i;
}

static int enter_netns(const char *netns)
{
	char msg[512];
	int r;

	r = ctf_netns_enter(netns);
	if (r < 0) {
		snprintf(msg, sizeof(msg), "cannot enter network namespace `%s'", netns);
		nfct_error(r, msg);
	}
	return r;
}

/* Find the command and the subsystem in either order, with 1.4.7's messages. */
static int parse_words(char **argv, enum nfct_cmd *ret_cmd, enum nfct_subsys *ret_subsys)
{
	int cmd, subsys;

	cmd = match_word(cmd_words, 9, argv[1]);
	if (cmd < 0) {
		/* The old order, subsystem first, which nfct still accepts. */
		subsys = match_word(subsys_words, 5, argv[1]);
		if (subsys >= 0)
			cmd = match_word(cmd_words, 9, argv[2]);
		if (subsys >= 0 && cmd < 0) {
			/* 1.4.7 names argv[1] here, the subsystem: kept for compatibility. */
			fprintf(stderr, "nfct v%s: Unknown command: %s\n", NFCT_VERSION, argv[1]);
			usage(argv[0]);
			return -1;
		}
	} else {
		subsys = match_word(subsys_words, 5, argv[2]);
	}
	if (subsys < 0) {
		/* Likewise argv[1], which is the command in `nfct list bogus'. */
		fprintf(stderr, "nfct v%s: Unknown subsystem: %s\n", NFCT_VERSION, argv[1]);
		usage(argv[0]);
		return -1;
	}
	*ret_cmd = (enum nfct_cmd)cmd;
	*ret_subsys = (enum nfct_subsys)subsys;
	return 0;
}

static int run_subsys(struct nfct_ctx *ctx, enum nfct_subsys subsys)
{
	int r;

	r = ctf_nl_open(&ctx->nl, 0);
	if (r < 0) {
		nfct_error(r, "cannot open netlink");
		return 255; /* 1.4.7's main returns -1 here */
	}
	if (subsys == NFCT_SUBSYS_TIMEOUT)
		r = nfct_timeout_main(ctx);
	else
		r = nfct_helper_main(ctx);
	ctf_nl_close(ctx->nl);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct nfct_ctx ctx = { 0 };
	enum nfct_subsys subsys;
	char *prog = argv[0];
	int first;

	first = parse_opts(argc, argv, &o);
	if (first < 0)
		return EXIT_FAILURE;
	/* From here on argv is what 1.4.7 would have seen without our options. */
	argv[first - 1] = prog;
	argv += first - 1;
	argc -= first - 1;
	if (o.help || (argc == 2 && strcmp(argv[1], "help") == 0)) {
		printf(help_msg, NFCT_VERSION, prog, prog);
		return EXIT_SUCCESS;
	}
	if (o.version || (argc == 2 && strcmp(argv[1], "version") == 0)) {
		printf(version_msg, NFCT_VERSION);
		return EXIT_SUCCESS;
	}
	if (argc < 3) {
		usage(prog);
		return EXIT_FAILURE;
	}
	if (parse_words(argv, &ctx.cmd, &subsys) < 0)
		return EXIT_FAILURE;
	if (subsys == NFCT_SUBSYS_VERSION) {
		printf(version_msg, NFCT_VERSION);
		return EXIT_SUCCESS;
	}
	if (subsys == NFCT_SUBSYS_HELP) {
		printf(help_msg, NFCT_VERSION, prog, prog);
		return EXIT_SUCCESS;
	}
	if (o.netns && enter_netns(o.netns) < 0)
		return EXIT_FAILURE;
	ctx.argc = argc;
	ctx.argv = argv;
	ctx.json = o.json;
	return run_subsys(&ctx, subsys);
}
