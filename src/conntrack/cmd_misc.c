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
		{ ~0U, EPERM, "sorry, you must be root or get CAP_NET_ADMIN capability to do this" },
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if ((table[i].cmds & command) && table[i].err == err)
			return table[i].msg;
	return strerror(err);
}

static void filter_tuple(struct ctf_filter_tuple *ft, uint64_t set, const struct ct_tmpl *t,
			 bool orig, bool skip_src, bool skip_dst)
{
	const uint64_t l3 = orig ? T_ORIG_L3 : T_REPL_L3, l4 = orig ? T_ORIG_L4 : T_REPL_L4;
	const uint64_t src = orig ? T_ORIG_SRC : T_REPL_SRC, dst = orig ? T_ORIG_DST : T_REPL_DST;
	const uint64_t sp = orig ? T_ORIG_SPORT : T_REPL_SPORT;
	const uint64_t dp = orig ? T_ORIG_DPORT : T_REPL_DPORT;
	const uint64_t zone = orig ? T_ORIG_ZONE : T_REPL_ZONE;

	memset(ft, 0, sizeof(*ft));
	ft->l3num = orig ? t->orig_l3 : t->repl_l3;
	ft->l4proto = orig ? t->orig_l4 : t->repl_l4;
	ft->src = orig ? t->orig_src : t->repl_src;
	ft->dst = orig ? t->orig_dst : t->repl_dst;
	ft->sport = orig ? t->orig_sport : t->repl_sport;
	ft->dport = orig ? t->orig_dport : t->repl_dport;
	ft->zone = orig ? t->orig_zone : t->repl_zone;
	ft->set = ((set & l3) ? CTF_FT_L3 : 0) | ((set & l4) ? CTF_FT_L4 : 0) |
		  ((set & src) && !skip_src ? CTF_FT_SRC : 0) |
		  ((set & dst) && !skip_dst ? CTF_FT_DST : 0) | ((set & sp) ? CTF_FT_SPORT : 0) |
		  ((set & dp) ? CTF_FT_DPORT : 0) | ((set & zone) ? CTF_FT_ZONE : 0);
}

static void filter_meta(struct ctf_filter *f, const struct ct_tmpl *t)
{
	static const struct {
		uint64_t t;
		unsigned int m;
	} map[] = {
		{ T_ICMP_TYPE, CTF_FM_ICMP_TYPE }, { T_ICMP_CODE, CTF_FM_ICMP_CODE },
		{ T_ICMP_ID, CTF_FM_ICMP_ID },	   { T_TIMEOUT, CTF_FM_TIMEOUT },
		{ T_STATUS, CTF_FM_STATUS },	   { T_ID, CTF_FM_ID },
		{ T_TCP_STATE, CTF_FM_TCP_STATE }, { T_SCTP_STATE, CTF_FM_SCTP_STATE },
		{ T_DCCP_STATE, CTF_FM_DCCP_STATE }, { T_ZONE, CTF_FM_ZONE },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (t->set & map[i].t)
			f->meta |= map[i].m;
	f->icmp_type = t->icmp_type;
	f->icmp_code = t->icmp_code;
	f->icmp_id = t->icmp_id;
	f->timeout = t->timeout;
	f->status = t->status;
	f->id = t->id;
	f->tcp_state = t->tcp_state;
	f->sctp_state = t->sctp_state;
	f->dccp_state = t->dccp_state;
	f->zone = t->zone;
}

static void filter_nat(const struct ct_cmd *cmd, struct ctf_filter *f)
{
	const struct ct_tmpl *t = &cmd->tmpl;

	if (cmd->options & CT_OPT(CT_OPT_SRC_NAT_BIT))
		f->set |= CTF_FILTER_SNAT;
	if (cmd->options & CT_OPT(CT_OPT_DST_NAT_BIT))
		f->set |= CTF_FILTER_DNAT;
	if (cmd->options & CT_OPT(CT_OPT_ANY_NAT_BIT))
		f->set |= CTF_FILTER_ANY_NAT;
	f->snat.family = f->dnat.family = (uint8_t)cmd->family;
	f->snat.addr = t->snat;
	f->dnat.addr = t->dnat;
	f->snat.port = t->snat_port;
	f->dnat.port = t->dnat_port;
	f->snat.set = ((t->set & T_SNAT) ? CTF_FN_ADDR : 0) | ((t->set & T_SNAT_PORT) ? CTF_FN_PORT : 0);
	f->dnat.set = ((t->set & T_DNAT) ? CTF_FN_ADDR : 0) | ((t->set & T_DNAT_PORT) ? CTF_FN_PORT : 0);
}

static void filter_nets(const struct ct_cmd *cmd, struct ctf_filter *f)
{
	const struct ct_tmpl *t = &cmd->tmpl;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		f->src_net.ip6[i] = t->orig_src.ip6[i] & t->mask_src.ip6[i];
		f->dst_net.ip6[i] = t->orig_dst.ip6[i] & t->mask_dst.ip6[i];
	}
	f->src_mask = t->mask_src;
	f->dst_mask = t->mask_dst;
	if (t->has_mask_src)
		f->set |= CTF_FILTER_SRC_NET;
	if (t->has_mask_dst)
		f->set |= CTF_FILTER_DST_NET;
}

/* An impossible CIDR test: nothing passes it, whatever the family. */
static void match_nothing(struct ctf_filter *f)
{
	f->set |= CTF_FILTER_SRC_NET;
	memset(&f->src_mask, 0, sizeof(f->src_mask));
	memset(&f->src_net, 0xff, sizeof(f->src_net));
	if (!f->family)
		f->family = AF_INET;
}

/*
 * The filter 1.4.7 applies for the command: -L/-D/-E run nfct_filter()
 * (NAT, mark, labels, networks, then a strict compare), -U runs its own
 * shorter list (NAT, labels, networks, id, orig/reply tuples).
 */
void ct_build_filter(const struct ct_cmd *cmd, struct ctf_filter *f)
{
	const struct ct_tmpl *t = &cmd->tmpl;
	bool update = cmd->command == CT_CMD(CT_UPDATE_BIT);
	const unsigned int o = cmd->options;

	ctf_filter_init(f);
	f->family = (uint8_t)cmd->family;
	if (cmd->family != AF_UNSPEC)
		f->set |= CTF_FILTER_FAMILY;
	filter_nat(cmd, f);
	if (cmd->label.set) {
		f->set |= CTF_FILTER_LABELS;
		memcpy(f->labels, cmd->label.bits, sizeof(f->labels));
	}
	filter_nets(cmd, f);
	filter_tuple(&f->orig, t->set, t, true, t->has_mask_src, t->has_mask_dst);
	filter_tuple(&f->reply, t->set, t, false, false, false);
	filter_meta(f, t);
	if (update) {
		f->set |= CTF_FILTER_ID;
		if (o & (CT_OPT_ORIG | CT_OPT(CT_OPT_PROTO_BIT)))
			f->set |= CTF_FILTER_CMP | CTF_FILTER_CMP_ORIG;
		if (o & (CT_OPT_REPL | CT_OPT(CT_OPT_PROTO_BIT)))
			f->set |= CTF_FILTER_CMP | CTF_FILTER_CMP_REPLY;
		return;
	}
	if (o & CT_OPT(CT_OPT_MARK_BIT)) {
		f->set |= CTF_FILTER_MARK;
		f->mark_value = cmd->mark.value;
		f->mark_mask = cmd->mark.mask;
	}
	if (o & CT_COMPARISON)
		f->set |= CTF_FILTER_CMP | CTF_FILTER_CMP_STRICT | CTF_FILTER_CMP_META |
			  CTF_FILTER_CMP_ORIG | CTF_FILTER_CMP_REPLY;
	/* -j ADDR made 1.4.7 compare a garbage orig source: nothing matches then. */
	if (cmd->any_nat_poison && (f->set & CTF_FILTER_CMP))
		match_nothing(f);
	/*
	 * A -u after -m replaced the userspace mark value but not the kernel
	 * one; 1.4.7 then wants (mark & mask) equal to both.
	 */
	if ((f->set & CTF_FILTER_MARK) && cmd->kmark_value != cmd->mark.value)
		match_nothing(f);
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
int ct_dump_request(struct ct_ctx *ctx, uint16_t type, const struct ctf_filter *f,
		    unsigned int put, ctf_nl_msg_cb cb, void *data)
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

	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_GET_STATS, NLM_F_ACK, AF_UNSPEC,
			     ctf_nl_next_seq(ctx->nl));
	if (ctf_nl_request(ctx->nl, nlh, count_cb, &ctx->out) == 0)
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
	return 0;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	static const char *const names[] = {
		"searched",	"found",	"new",		"invalid",	  "ignore",
		"delete",	"delete_list",	"insert",	"insert_failed", "drop",
		"early_drop",	"error",	"search_restart", "clash_resolve", "chaintoolong",
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
static int stats_proc(struct ct_ctx *ctx)
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

int ct_cmd_stats(struct ct_ctx *ctx)
{
	if (ct_dump_request(ctx, IPCTNL_MSG_CT_GET_STATS_CPU, NULL, 0, stats_cb, &ctx->out) == 0)
		return 0;
	if (stats_proc(ctx) < 0)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "Can't open /proc interface");
	return 0;
}
