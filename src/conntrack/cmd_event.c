// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrack CLI: -E, the event listener for the conntrack and expectation
 * tables. Built to lose nothing at high rates: a large receive buffer on the
 * event socket (and -b sizes that socket, not the command socket as 1.4.7
 * did), a classic BPF filter so unwanted events never reach us, batched
 * receives, and output formatted into one buffer that is written when the
 * socket runs dry (or after each batch when stdout is a pipe or a terminal,
 * so `conntrack -E | grep` shows every line at once). Overruns are counted
 * and reported; SIGINT and SIGTERM end it with 1.4.7's summary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/filter.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>

#include <ctflow/exp.h>

#include "conntrack.h"

#define EV_BATCH    64		/* datagrams per recvmmsg() */
#define EV_DGRAM    (16U << 10) /* one event is a few hundred bytes; the kernel's skb <= 8 KiB */
#define EV_RCVBUF   (64U << 20) /* default receive buffer: ~100k events of slack */
#define EV_SIGCHECK 16		/* batches between two looks at pending signals */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct ev_state {
	struct ct_ctx *ctx;
	struct ctf_nl *nl;
	struct ctf_nl_rxq *q;
	struct ctf_filter filter;
	bool filter_on;
	struct ctf_fmt fmt;
	bool exp;
	bool header_done;
	bool prompt; /* stdout is not a regular file: write after every batch */
	sigset_t blocked, unblocked;
	uint32_t drops_at_start;
	struct ct_progname_cache names;
	struct ctf_flow flow;
	struct ctf_exp xe;
};

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The kernel's count of messages dropped on this socket (sk_drops), 0 if unknown. */
static uint32_t socket_drops(const struct ctf_nl *nl)
{
	int64_t n = ctf_nl_drops(nl);

	return n < 0 ? 0 : (uint32_t)n;
}

static void header(struct ev_state *st)
{
	char buf[128];
	size_t n;

	if (st->header_done || st->fmt.style != CTF_FMT_XML)
		return;
	st->header_done = true;
	n = st->exp ? ctf_fmt_exp_header(buf, sizeof(buf), &st->fmt)
		    : ctf_fmt_header(buf, sizeof(buf), &st->fmt);
	if (n < sizeof(buf))
		ct_out_str(&st->ctx->out, buf);
}

/*
 * " [USERSPACE] portid=N progname=X" after an event a process caused, as
 * 1.4.7 prints it; JSON gets the same as keys. XML gets nothing (1.4.7 put
 * it after </flow>, which is not XML; conntrack-tools 1.4.8 dropped it too).
 */
static void userspace_suffix(struct ev_state *st, uint32_t portid)
{
	struct ct_out *o = &st->ctx->out;
	char quoted[6 * 64 + 3]; /* a command name, every byte escaped */
	const char *name;
	bool json = st->fmt.style == CTF_FMT_JSON;

	if (!portid || st->fmt.style == CTF_FMT_XML || o->len < (json ? 2U : 1U))
		return;
	name = ct_progname(&st->names, portid, realtime_ns());
	o->len -= json ? 2 : 1; /* "}\n" or "\n" */
	if (json && name && ctf_fmt_json_str(quoted, sizeof(quoted), name) < sizeof(quoted))
		ct_out_printf(o, ",\"portid\":%u,\"progname\":%s}\n", portid, quoted);
	else if (json)
		ct_out_printf(o, ",\"portid\":%u}\n", portid);
	else if (name)
		ct_out_printf(o, " [USERSPACE] portid=%u progname=%s\n", portid, name);
	else
		ct_out_printf(o, " [USERSPACE] portid=%u\n", portid);
}

static int flow_event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ev_state *st = data;

	if (ctf_flow_parse(nlh, &st->flow) < 0 || st->flow.event == CTF_EVENT_NONE)
		return MNL_CB_OK;
	if (st->filter_on && !ctf_filter_match(&st->filter, &st->flow))
		return MNL_CB_OK;
	if (st->fmt.flags & CTF_FMT_F_TIMESTAMP)
		st->fmt.event_ns = realtime_ns();
	header(st);
	ct_out_flow(&st->ctx->out, &st->flow, &st->fmt);
	userspace_suffix(st, nlh->nlmsg_pid);
	st->ctx->counter++;
	return MNL_CB_OK;
}

static int exp_event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ev_state *st = data;

	if (ctf_exp_parse(nlh, &st->xe) < 0)
		return MNL_CB_OK;
	if (st->fmt.flags & CTF_FMT_F_TIMESTAMP)
		st->fmt.event_ns = realtime_ns();
	header(st);
	ct_out_exp(&st->ctx->out, &st->xe, &st->fmt);
	st->ctx->counter++;
	return MNL_CB_OK;
}

/* 1.4.7's warning, each time the kernel reports an overrun. */
static void warn_enobufs(struct ev_state *st)
{
	ct_out_flush(&st->ctx->out);
	fputs("WARNING: We have hit ENOBUFS! We are losing events.\n"
	      "This message means that the current netlink socket buffer size is too small.\n"
	      "Please, check --buffer-size in conntrack(8) manpage.\n",
	      stderr);
}

/* One recvmmsg() worth of datagrams. Returns 0, or -errno to stop. */
static int receive_batch(struct ev_state *st)
{
	ctf_nl_msg_cb cb = st->exp ? exp_event_cb : flow_event_cb;
	const void *buf;
	size_t len;
	int n, i;

	n = ctf_nl_recv_many(st->nl, st->q);
	if (n == -ENOBUFS) {
		warn_enobufs(st);
		return 0;
	}
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		buf = ctf_nl_rxq_get(st->q, (unsigned int)i, &len);
		if (buf)
			(void)ctf_nl_walk(buf, len, 0, cb, st, NULL);
	}
	if (st->prompt)
		ct_out_flush(&st->ctx->out);
	return 0;
}

static bool signal_pending(const struct ev_state *st)
{
	sigset_t set;

	(void)st;
	if (sigpending(&set) < 0)
		return false;
	return sigismember(&set, SIGINT) || sigismember(&set, SIGTERM);
}

static int event_loop(struct ev_state *st)
{
	struct pollfd pfd = { .fd = ctf_nl_fd(st->nl), .events = POLLIN };
	unsigned int batches = 0;
	int r;

	while (!stop) {
		r = receive_batch(st);
		if (r == -EAGAIN) {
			ct_out_flush(&st->ctx->out);
			/* signals get through only here, so none slips in before we sleep */
			if (ppoll(&pfd, 1, NULL, &st->unblocked) < 0 && errno != EINTR)
				return -errno;
			continue;
		}
		if (r < 0)
			return r;
		if (++batches % EV_SIGCHECK == 0 && signal_pending(st))
			break;
	}
	return 0;
}

static void install_signals(struct ev_state *st)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&st->blocked);
	sigaddset(&st->blocked, SIGINT);
	sigaddset(&st->blocked, SIGTERM);
	sigprocmask(SIG_BLOCK, &st->blocked, &st->unblocked);
	sigdelset(&st->unblocked, SIGINT);
	sigdelset(&st->unblocked, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* NFNLGRP_* numbers as the legacy bind bitmask. */
static unsigned int groups(const struct ct_cmd *cmd, bool exp)
{
	unsigned int mask = (cmd->options & CT_OPT(CT_OPT_EVENT_MASK_BIT)) ? cmd->event_mask : 7;
	unsigned int first = exp ? NFNLGRP_CONNTRACK_EXP_NEW : NFNLGRP_CONNTRACK_NEW;

	return (mask & 7) << (first - 1);
}

/*
 * The event socket's buffer: -b N as asked (with 1.4.7's notice of what the
 * kernel made of it), else our large default, quietly (without
 * CAP_NET_ADMIN the kernel caps it at net.core.rmem_max).
 */
static void size_buffer(struct ev_state *st)
{
	const struct ct_cmd *cmd = st->ctx->cmd;
	size_t got = 0;

	if (!(cmd->options & CT_OPT(CT_OPT_BUFFERSIZE_BIT))) {
		(void)ctf_nl_set_rcvbuf(st->nl, EV_RCVBUF, NULL);
		return;
	}
	(void)ctf_nl_set_rcvbuf(st->nl, cmd->bufsize, &got);
	fprintf(stderr, "NOTICE: Netlink socket buffer size has been set to %zu bytes.\n", got);
}

/* Events the filter rejects for sure are dropped by the kernel, before the buffer. */
static void attach_filter(struct ev_state *st)
{
	struct sock_filter prog[CTF_FILTER_BPF_MAX];
	int n;

	n = ctf_filter_build_bpf(&st->filter, prog, CTF_FILTER_BPF_MAX);
	if (n > 0)
		(void)ctf_nl_attach_filter(st->nl, prog, (unsigned int)n);
}

static int open_events(struct ev_state *st)
{
	const struct ct_cmd *cmd = st->ctx->cmd;

	if (ctf_nl_open(&st->nl, groups(cmd, st->exp)) < 0 ||
	    ctf_nl_rxq_new(&st->q, EV_BATCH, EV_DGRAM) < 0)
		return ct_fail(st->ctx, CT_OTHER_PROBLEM, "Can't open handler");
	size_buffer(st);
	(void)ctf_nl_set_nonblock(st->nl);
	return 0;
}

/* 1.4.7 checks these when the listener starts, after the -b notice. */
static int check_masks(struct ct_ctx *ctx)
{
	const unsigned int o = ctx->cmd->options;

	if ((o & CT_OPT(CT_OPT_MASK_SRC_BIT)) && !(o & CT_OPT(CT_OPT_ORIG_SRC_BIT)))
		return ct_fail(ctx, CT_PARAMETER_PROBLEM, "Can't use --mask-src without --src");
	if ((o & CT_OPT(CT_OPT_MASK_DST_BIT)) && !(o & CT_OPT(CT_OPT_ORIG_DST_BIT)))
		return ct_fail(ctx, CT_PARAMETER_PROBLEM, "Can't use --mask-dst without --dst");
	return 0;
}

static void setup_format(struct ev_state *st)
{
	struct stat sb;

	if (st->exp) {
		ct_exp_fmt_init(st->ctx->cmd, &st->fmt);
	} else {
		ct_fmt_init(st->ctx->cmd, &st->fmt, true, true);
		if (st->ctx->cmd->output & CT_O_TMS)
			st->fmt.flags |= CTF_FMT_F_TIMESTAMP;
		ct_build_filter(st->ctx->cmd, &st->filter);
		st->filter_on = true;
	}
	st->fmt.flags |= CTF_FMT_F_EVENT;
	st->prompt = fstat(st->ctx->out.fd, &sb) < 0 || !S_ISREG(sb.st_mode);
}

/* The end: close the XML document, then the summary (and any loss) on stderr. */
static void finish(struct ev_state *st)
{
	const char *what = st->exp ? "expectation" : "flow";
	uint32_t lost = socket_drops(st->nl) - st->drops_at_start;
	char buf[64];
	size_t n;

	if (st->header_done) {
		n = st->exp ? ctf_fmt_exp_footer(buf, sizeof(buf), &st->fmt)
			    : ctf_fmt_footer(buf, sizeof(buf), &st->fmt);
		if (n < sizeof(buf))
			ct_out_str(&st->ctx->out, buf);
	}
	ct_out_flush(&st->ctx->out);
	ct_msg("%d %s events have been shown.\n", (int)st->ctx->counter, what);
	if (lost)
		ct_msg("%llu %s events have been lost.\n", (unsigned long long)lost, what);
}

int ct_cmd_event(struct ct_ctx *ctx)
{
	struct ev_state *st;
	int r;

	st = calloc(1, sizeof(*st));
	if (!st)
		return ct_fail(ctx, CT_OTHER_PROBLEM, "OOM");
	st->ctx = ctx;
	st->exp = ctx->cmd->command == CT_CMD(EXP_EVENT_BIT);
	r = open_events(st);
	if (r == 0 && !st->exp)
		r = check_masks(ctx);
	if (r == 0) {
		setup_format(st);
		if (!st->exp)
			attach_filter(st);
		st->drops_at_start = socket_drops(st->nl);
		install_signals(st);
		r = event_loop(st);
		if (r < 0)
			r = ct_fail(ctx, CT_OTHER_PROBLEM, "failed to received netlink event: %s",
				    strerror(-r));
		else
			finish(st);
	}
	ctf_nl_rxq_free(st->q);
	ctf_nl_close(st->nl);
	free(st);
	return r;
}
