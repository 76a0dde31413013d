// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack CLI: output buffer, messages, filters from options, -F -C -S -h. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/labels.h>

#include "conntrack.h"

#define OUT_SIZE (1U << 20)

int ct_out_init(struct ct_out *o, int fd)
{
	o->buf = malloc(OUT_SIZE);
	if (!o->buf)
		return -ENOMEM;
	o->size = OUT_SIZE;
	o->len = 0;
	o->fd = fd;
	o->err = 0;
	return 0;
}

void ct_out_flush(struct ct_out *o)
{
	size_t off = 0;
	ssize_t n;

	while (off < o->len && !o->err) {
		n = write(o->fd, o->buf + off, o->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			o->err = n < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)n;
	}
	o->len = 0;
}

void ct_out_done(struct ct_out *o)
{
	if (o->buf)
		ct_out_flush(o);
	free(o->buf);
	o->buf = NULL;
}

static void reserve(struct ct_out *o, size_t need)
{
	if (o->size - o->len < need)
		ct_out_flush(o);
}

void ct_out_str(struct ct_out *o, const char *s)
{
	size_t n = strlen(s);

	reserve(o, n);
	if (n > o->size) {
		o->len = 0;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

void ct_out_printf(struct ct_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	reserve(o, 4096);
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < o->size - o->len)
		o->len += (size_t)n;
}

void ct_out_flow(struct ct_out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	size_t n;

	reserve(o, CTF_FMT_LINE_MAX);
	n = ctf_fmt_flow(o->buf + o->len, o->size - o->len, f, fmt);
	if (n < o->size - o->len)
		o->len += n;
}

void ct_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s v%s (conntrack-tools): ", CT_PROGNAME, CT_VERSION);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* Print conntrack-tools' error line (plus the hint for exit 2) and return @status. */
int ct_fail(struct ct_ctx *ctx, int status, const char *fmt, ...)
{
	va_list ap;

	if (ctx)
		ct_out_flush(&ctx->out);
	fprintf(stderr, "%s v%s (conntrack-tools): ", CT_PROGNAME, CT_VERSION);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (status == CT_PARAMETER_PROBLEM)
		fprintf(stderr, "Try `%s -h' or '%s --help' for more information.\n", CT_PROGNAME,
			CT_PROGNAME);
	return status;
}

#define ENOTSUPP_ 524

const char *ct_err2str(int err, unsigned int command)
{
	static const struct {
		unsigned int cmds;
		int err;
		const char *msg;
	} table[] = {
		{ CT_CMD(CT_LIST_BIT), ENOTSUPP_, "function not implemented" },
		{ 0xffff, EINVAL, "invalid parameters" },
		{ CT_CMD(CT_CREATE_BIT), EEXIST, "Such conntrack exists, try -U to update" },
		{ CT_CMD(CT_CREATE_BIT) | CT_CMD(CT_GET_BIT) | CT_CMD(CT_DELETE_BIT) |
			  CT_CMD(CT_ADD_BIT),
		  ENOENT, "such conntrack doesn't exist" },
		{ CT_CMD(CT_CREATE_BIT) | CT_CMD(CT_GET_BIT) | CT_CMD(CT_ADD_BIT), ENOMEM,
		  "not enough memory" },
		{ CT_CMD(CT_GET_BIT), EAFNOSUPPORT, "protocol not supported" },
		{ CT_CMD(CT_CREATE_BIT) | CT_CMD(CT_ADD_BIT), ETIME, "conntrack has expired" },
		{ CT_CMD(EXP_CREATE_BIT), ENOENT, "master conntrack not found" },
		{ CT_CMD(EXP_CREATE_BIT), EINVAL, "invalid parameters" },
		{ ~0U, EPERM,
		  "sorry, you must be root or get CAP_NET_ADMIN capability to do this" },
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if ((table[i].cmds & command) && table[i].err == err)
			return table[i].msg;
	return strerror(err);
}

void ct_fmt_init(const struct ct_cmd *cmd, struct ctf_fmt *fmt, bool labels, bool ktms)
{
	memset(fmt, 0, sizeof(*fmt));
	if (cmd->output & CT_O_SAVE)
		fmt->style = CTF_FMT_SAVE;
	else if (cmd->output & CT_O_XML)
		fmt->style = CTF_FMT_XML;
	else if (cmd->output & CT_O_JSON)
		fmt->style = CTF_FMT_JSON;
	if (cmd->output & CT_O_EXT)
		fmt->flags |= CTF_FMT_F_EXTENDED;
	if (cmd->output & CT_O_ID)
		fmt->flags |= CTF_FMT_F_ID;
	if (ktms && (cmd->output & CT_O_KTMS))
		fmt->flags |= CTF_FMT_F_KTIMESTAMP;
	if (labels && cmd->labelmap) {
		fmt->flags |= CTF_FMT_F_LABELS;
		fmt->labelmap = cmd->labelmap;
	}
}

/* Dump with the kernel-side filter; fall back to 1.4.7's filters on a kernel without CTA_FILTER. */
int ct_dump_request(struct ct_ctx *ctx, uint16_t type, const struct ctf_filter *f, unsigned int put,
		    ctf_nl_msg_cb cb, void *data)
{
	char buf[CT_REQ_SIZE];
	struct nlmsghdr *nlh;
	int r;

	nlh = ctf_ct_msg_put(buf, type, NLM_F_DUMP, f ? ctf_filter_dump_family(f) : AF_UNSPEC,
			     ctf_nl_next_seq(ctx->nl));
	if (f && ctf_filter_put_dump(f, nlh, sizeof(buf), put) < 0)
		return -EMSGSIZE;
	r = ctf_nl_dump(ctx->nl, nlh, cb, data, CTF_NL_DUMP_PIPELINE);
	if ((r == -EINVAL || r == -EOPNOTSUPP) && f &&
	    (put & (CTF_FILTER_PUT_TUPLE | CTF_FILTER_PUT_ZONE)) && ctx->counter == 0)
		return ct_dump_request(ctx, type, f,
				       put & ~(CTF_FILTER_PUT_TUPLE | CTF_FILTER_PUT_ZONE), cb,
				       data);
	/* 1.4.7 ignores NLM_F_DUMP_INTR; restarting would print entries twice. */
	return r == -EINTR ? 0 : r;
}

int ct_cmd_flush(struct ct_ctx *ctx)
{
	char buf[CT_REQ_SIZE];
	struct nlmsghdr *nlh;
	int r;

	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, (uint8_t)ctx->cmd->family,
			     ctf_nl_next_seq(ctx->nl));
	r = ctf_nl_request(ctx->nl, nlh, NULL, NULL);
	ct_msg("connection tracking table has been emptied.\n");
	if (r < 0)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
			       ct_err2str(-r, ctx->cmd->command));
	return 0;
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	uint32_t entries, max;

	if (ctf_ct_parse_global_stats(nlh, &entries, &max) == 0)
		ct_out_printf(data, "%d\n", (int)entries);
	return MNL_CB_OK;
}

int ct_cmd_count(struct ct_ctx *ctx)
{
	char buf[CT_REQ_SIZE];
	struct nlmsghdr *nlh;
	FILE *fp;
	int count;

	int r;

	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_GET_STATS, NLM_F_ACK, AF_UNSPEC,
			     ctf_nl_next_seq(ctx->nl));
	r = ctf_nl_request(ctx->nl, nlh, count_cb, &ctx->out);
	if (r == 0)
		return 0;
	/* Kernels before 3.8 have no IPCTNL_MSG_CT_GET_STATS. */
	fp = fopen("/proc/sys/net/netfilter/nf_conntrack_count", "re");
	if (!fp)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Can't open %s",
			       "/proc/sys/net/netfilter/nf_conntrack_count");
	if (fscanf(fp, "%d", &count) != 1) {
		fclose(fp);
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Can't read %s",
			       "/proc/sys/net/netfilter/nf_conntrack_count");
	}
	fclose(fp);
	ct_out_printf(&ctx->out, "%d\n", count);
	/* 1.4.7 prints the count from /proc, then still fails with the netlink error. */
	return ct_fail(ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
		       ct_err2str(-r, ctx->cmd->command));
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	static const char *const names[] = {
		"searched",	  "found",	   "new",	   "invalid",
		"ignore",	  "delete",	   "delete_list",  "insert",
		"insert_failed",  "drop",	   "early_drop",   "error",
		"search_restart", "clash_resolve", "chaintoolong",
	};
	struct ctf_ct_cpu_stats s;
	struct ct_out *o = data;
	unsigned int i;

	if (ctf_ct_parse_cpu_stats(nlh, &s) < 0)
		return MNL_CB_OK;
	ct_out_printf(o, "cpu=%-4u\t", s.cpu);
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && i <= CTF_CT_STAT_MAX; i++)
		if (s.present & (1U << i))
			ct_out_printf(o, "%s=%u ", names[i], s.value[i]);
	ct_out_str(o, "\n");
	return MNL_CB_OK;
}

/* /proc/net/stat/nf_conntrack: a header of names, then one line of hex values per CPU. */
static int stats_proc_read(struct ct_ctx *ctx)
{
	char head[4096], line[4096], *names[64], *tok, *save;
	unsigned int n = 0, i, cpu = 0;
	FILE *fp = fopen("/proc/net/stat/nf_conntrack", "re");

	if (!fp)
		return -1;
	if (!fgets(head, sizeof(head), fp)) {
		fclose(fp);
		return -1;
	}
	head[strcspn(head, "\n")] = '\0';
	for (tok = strtok_r(head, " ", &save); tok && n < 64; tok = strtok_r(NULL, " ", &save))
		names[n++] = tok;
	while (fgets(line, sizeof(line), fp)) {
		ct_out_printf(&ctx->out, "cpu=%-4u\t", cpu++);
		i = 0;
		for (tok = strtok_r(line, " \n", &save); tok && i < n;
		     tok = strtok_r(NULL, " \n", &save))
			ct_out_printf(&ctx->out, "%s=%u ", names[i++],
				      (unsigned int)strtol(tok, NULL, 16));
		ct_out_str(&ctx->out, "\n");
	}
	fclose(fp);
	return cpu == 0 ? -1 : 0;
}

/* The /proc fallback of -S and -S expect; returns 0 or the exit code after the message. */
int ct_stats_proc(struct ct_ctx *ctx)
{
	if (stats_proc_read(ctx) < 0)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Can't open /proc interface");
	return 0;
}

int ct_cmd_stats(struct ct_ctx *ctx)
{
	if (ct_dump_request(ctx, IPCTNL_MSG_CT_GET_STATS_CPU, NULL, 0, stats_cb, &ctx->out) == 0)
		return 0;
	return ct_stats_proc(ctx);
}
