// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrack CLI: -R/--load-file FILE|-. As 1.4.7: every line is parsed
 * first (a bad line aborts with its error), only -I -A -U -D -F may
 * appear, no summaries are printed, and the first kernel error stops with
 * exit 1.
 *
 * Unlike 1.4.7, the -I/-A requests are built while parsing and sent in
 * batches of up to 1024 on one socket, each batch one sendmsg() that asks
 * for a single ACK (the kernel answers the others only when they fail). The
 * leading run of -I/-A lines is sent by a second thread while the rest of
 * the file is still being parsed; should a later line turn out to be
 * invalid, what was sent is deleted again before the error is reported, so
 * the table ends as 1.4.7 leaves it. After a -U, -D or -F line, everything
 * waits for the whole file to be parsed, as it must.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/labels.h>

#include "conntrack.h"

#define LOAD_BATCH	 1024
#define LOAD_BATCH_BYTES (160U << 10) /* below the default socket send buffer */

/* Up to LOAD_BATCH -I/-A requests, sent as one datagram. */
struct load_batch {
	char buf[LOAD_BATCH_BYTES];
	size_t len;
	size_t count;
	unsigned int command[LOAD_BATCH]; /* CT_CMD(CT_CREATE_BIT) or CT_CMD(CT_ADD_BIT) */
	bool refused[LOAD_BATCH];	  /* the kernel said no (for -A maybe only EEXIST) */
	uint32_t first_seq;
	size_t failed; /* first fatal refusal, count when none */
	int error;
	bool sent;
	bool socket_error; /* error is the socket's, not a reply's */
};

/* One step to run: a batch of -I/-A, or a parsed -U/-D/-F (or a command -R refuses). */
struct load_op {
	unsigned int command;
	struct ct_cmd *cmd;
	struct load_batch *batch;
};

struct load {
	struct ct_ctx *ctx;
	const char *progname;
	struct ct_parse_shared shared;
	struct load_op *ops;
	size_t nops, cap;
	struct load_batch *open; /* being filled */
	struct ct_cmd scratch;	 /* the line being parsed */
	char *rbuf;		 /* CTF_NL_RECV_SIZE: replies */
	/* the sender thread and its queue, while the leading -I/-A lines are parsed */
	bool speculating;
	bool sync_init;
	bool thread_running;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t queued;	  /* ops[0..queued) are handed to the sender */
	size_t next_send; /* ops[0..next_send) are done (sent or skipped) */
	bool no_more;	  /* parsing ended (or stopped) */
	bool stopped;	  /* the sender met a fatal error */
};

static const struct {
	unsigned int command;
	const char *text;
} unsupported[] = {
	{ CT_CMD(CT_LIST_BIT), "-L" },		 { CT_CMD(CT_GET_BIT), "-G" },
	{ CT_CMD(CT_EVENT_BIT), "-E" },		 { CT_CMD(CT_VERSION_BIT), "-V" },
	{ CT_CMD(CT_HELP_BIT), "-h" },		 { CT_CMD(EXP_LIST_BIT), "-L expect" },
	{ CT_CMD(EXP_CREATE_BIT), "-C expect" }, /* sic, 1.4.7 */
	{ CT_CMD(EXP_DELETE_BIT), "-D expect" }, { CT_CMD(EXP_GET_BIT), "-G expect" },
	{ CT_CMD(EXP_FLUSH_BIT), "-F expect" },	 { CT_CMD(EXP_EVENT_BIT), "-E expect" },
	{ CT_CMD(CT_COUNT_BIT), "-C" },		 { CT_CMD(EXP_COUNT_BIT), "-C expect" },
	{ CT_CMD(CT_STATS_BIT), "-S" },		 { CT_CMD(EXP_STATS_BIT), "-S expect" },
};

static const char *unsupported_text(unsigned int command)
{
	size_t i;

	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
		if (unsupported[i].command == command)
			return unsupported[i].text;
	return "unknown";
}

static bool allowed(unsigned int command)
{
	return command & (CT_CMD(CT_CREATE_BIT) | CT_CMD(CT_ADD_BIT) | CT_CMD(CT_UPDATE_BIT) |
			  CT_CMD(CT_DELETE_BIT) | CT_CMD(CT_FLUSH_BIT));
}

static bool is_create(unsigned int command)
{
	return command & (CT_CMD(CT_CREATE_BIT) | CT_CMD(CT_ADD_BIT));
}

/* ---- sending a batch ---- */

static void batch_reply(struct load_batch *b, const struct nlmsghdr *nlh, bool *end)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t i = nlh->nlmsg_seq - b->first_seq;

	if (nlh->nlmsg_type != NLMSG_ERROR || i >= b->count ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(int)))
		return;
	if (i == b->count - 1)
		*end = true;
	if (e->error == 0)
		return;
	b->refused[i] = true;
	if (e->error == -EEXIST && b->command[i] == CT_CMD(CT_ADD_BIT))
		return; /* 1.4.7's -A shrugs at an existing entry */
	if (i < b->failed) {
		b->failed = i;
		b->error = e->error;
	}
}

/*
 * Number the requests (only the last asks for an ACK: the kernel works
 * through a datagram in order, so its ACK ends the batch), send, and note
 * which were refused. Returns 0 or -errno for a socket error.
 */
static int send_batch(struct ctf_nl *nl, struct load_batch *b, char *rbuf)
{
	const struct nlmsghdr *nlh;
	struct nlmsghdr *m;
	bool end = false;
	size_t off, i, left;
	ssize_t n;
	int r;

	for (off = 0, i = 0; i < b->count; i++, off += NLMSG_ALIGN(m->nlmsg_len)) {
		m = (struct nlmsghdr *)(b->buf + off);
		m->nlmsg_seq = ctf_nl_next_seq(nl);
		if (i == 0)
			b->first_seq = m->nlmsg_seq;
		if (i + 1 < b->count)
			m->nlmsg_flags &= (uint16_t)~NLM_F_ACK;
	}
	b->sent = true;
	b->failed = b->count;
	r = ctf_nl_send(nl, b->buf, b->len);
	while (r == 0 && !end) {
		n = ctf_nl_recv(nl, rbuf, CTF_NL_RECV_SIZE);
		if (n < 0)
			return (int)n;
		left = (size_t)n;
		for (nlh = (const void *)rbuf; ctf_nl_msg_ok(nlh, left);
		     nlh = ctf_nl_msg_next(nlh, &left))
			batch_reply(b, nlh, &end);
	}
	return r;
}

/* Delete what requests [from, count) of @b created (those the kernel did not refuse). */
static void undo(struct ctf_nl *nl, const struct load_batch *b, size_t from)
{
	struct ctf_nl_batch *del = NULL;
	struct nlmsghdr *nlh;
	struct ctf_flow f;
	size_t off = 0, i;

	if (!b->sent || ctf_nl_batch_new(&del, nl, LOAD_BATCH) < 0)
		return;
	for (i = 0; i < b->count; i++) {
		const struct nlmsghdr *req = (const void *)(b->buf + off);

		off += NLMSG_ALIGN(req->nlmsg_len);
		if (i < from || b->refused[i] || ctf_flow_parse(req, &f) < 0)
			continue;
		nlh = ctf_ct_msg_put(ctf_nl_batch_current(del), IPCTNL_MSG_CT_DELETE, NLM_F_ACK,
				     f.orig.l3num, ctf_nl_next_seq(nl));
		if (ctf_ct_put_flow(nlh, ctf_nl_batch_room(del), &f,
				    CTF_CT_PUT_ORIG | CTF_CT_PUT_ZONE) == 0 &&
		    ctf_nl_batch_next(del))
			(void)ctf_nl_batch_flush(del, NULL, NULL, NULL);
	}
	(void)ctf_nl_batch_flush(del, NULL, NULL, NULL);
	ctf_nl_batch_free(del);
}

/* Send @b; on a refusal, take back what the requests after it did. */
static void send_and_check(struct load *ld, struct load_batch *b)
{
	int r = send_batch(ld->ctx->nl, b, ld->rbuf);

	if (r < 0 && b->failed == b->count) {
		b->failed = 0; /* we cannot tell which went through */
		b->error = r;
		b->socket_error = true;
	}
	if (b->failed < b->count && !b->socket_error)
		undo(ld->ctx->nl, b, b->failed + 1);
}

/* ---- the sender thread ---- */

static void *sender(void *arg)
{
	struct load *ld = arg;
	struct load_batch *b;

	pthread_mutex_lock(&ld->lock);
	for (;;) {
		/* a cancel may set queued below the batch being sent: compare, not equal */
		while (ld->next_send >= ld->queued && !ld->no_more)
			pthread_cond_wait(&ld->cond, &ld->lock);
		if (ld->next_send >= ld->queued)
			break;
		b = ld->ops[ld->next_send].batch;
		pthread_mutex_unlock(&ld->lock);
		send_and_check(ld, b);
		pthread_mutex_lock(&ld->lock);
		ld->next_send++;
		if (b->failed < b->count) {
			ld->stopped = true;
			break;
		}
	}
	pthread_cond_broadcast(&ld->cond);
	pthread_mutex_unlock(&ld->lock);
	return NULL;
}

static int start_sender(struct load *ld)
{
	pthread_mutex_init(&ld->lock, NULL);
	pthread_cond_init(&ld->cond, NULL);
	ld->sync_init = true;
	if (pthread_create(&ld->thread, NULL, sender, ld) != 0)
		return -EAGAIN;
	ld->thread_running = true;
	return 0;
}

/* Hand ops[0..n) to the sender (the lock keeps ops from moving meanwhile). */
static void queue_upto(struct load *ld, size_t n)
{
	pthread_mutex_lock(&ld->lock);
	ld->queued = n;
	pthread_cond_broadcast(&ld->cond);
	pthread_mutex_unlock(&ld->lock);
}

/* Wait for the sender; with @cancel it sends nothing more than what it is on. */
static void stop_sender(struct load *ld, bool cancel)
{
	if (!ld->thread_running)
		return;
	pthread_mutex_lock(&ld->lock);
	ld->no_more = true;
	if (cancel)
		ld->queued = ld->next_send;
	pthread_cond_broadcast(&ld->cond);
	pthread_mutex_unlock(&ld->lock);
	pthread_join(ld->thread, NULL);
	ld->thread_running = false;
}

/* ---- parsing ---- */

static int add_op(struct load *ld, struct load_op op)
{
	size_t n = ld->cap ? ld->cap * 2 : 256;
	struct load_op *ops;

	if (ld->nops == ld->cap) {
		if (ld->thread_running)
			pthread_mutex_lock(&ld->lock);
		ops = realloc(ld->ops, n * sizeof(*ops));
		if (ops) {
			ld->ops = ops;
			ld->cap = n;
		}
		if (ld->thread_running)
			pthread_mutex_unlock(&ld->lock);
		if (!ops)
			return -ENOMEM;
	}
	ld->ops[ld->nops++] = op;
	return 0;
}

/* The batch being filled goes into the list (and to the sender while speculating). */
static int close_batch(struct load *ld)
{
	struct load_op op = { .command = CT_CMD(CT_CREATE_BIT), .batch = ld->open };

	if (!ld->open)
		return 0;
	ld->open = NULL;
	if (add_op(ld, op) < 0) {
		free(op.batch);
		return -ENOMEM;
	}
	if (ld->speculating && ld->thread_running)
		queue_upto(ld, ld->nops);
	return 0;
}

/* The CT_NEW request of -I/-A, as ct_cmd_create() sends it, into the open batch. */
static int add_create(struct load *ld, const struct ct_cmd *cmd)
{
	struct nlmsghdr *nlh;
	struct ctf_flow f;
	struct load_batch *b = ld->open;
	int r;

	if (b && (b->count == LOAD_BATCH || LOAD_BATCH_BYTES - b->len < CT_REQ_SIZE)) {
		if (close_batch(ld) < 0)
			return -ENOMEM;
		b = NULL;
	}
	if (!b) {
		b = ld->open = calloc(1, sizeof(*b));
		if (!b)
			return -ENOMEM;
	}
	ct_create_flow(cmd, &f);
	nlh = ctf_ct_msg_put(b->buf + b->len, IPCTNL_MSG_CT_NEW,
			     NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, (uint8_t)cmd->family, 0);
	r = ctf_ct_put_flow(nlh, LOAD_BATCH_BYTES - b->len, &f, CTF_CT_PUT_ALL & ~CTF_CT_PUT_ID);
	if (r < 0)
		return r;
	b->command[b->count++] = cmd->command;
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	return 0;
}

/* Parse one line's words; prints 1.4.7's error and returns its exit code. */
static int add_line(struct load *ld, struct ct_load_args *a)
{
	struct ct_cmd *cmd = &ld->scratch;
	struct load_op op = { 0 };
	struct ct_err err;
	int r;

	if (ct_args_parse_shared(a->argc, a->argv, cmd, stderr, &err, &ld->shared) < 0) {
		ct_cmd_done(cmd);
		return ct_fail(NULL, err.status, "%s", err.msg);
	}
	if (is_create(cmd->command)) {
		r = add_create(ld, cmd);
		ct_cmd_done(cmd);
		return r < 0 ? ct_fail(NULL, CT_OTHER_PROBLEM, "OOM") : 0;
	}
	/* nothing after this line may run before the whole file is parsed */
	ld->speculating = false;
	op.command = cmd->command;
	op.cmd = malloc(sizeof(*op.cmd));
	if (!op.cmd || close_batch(ld) < 0 || add_op(ld, op) < 0) {
		free(op.cmd);
		ct_cmd_done(cmd);
		return ct_fail(NULL, CT_OTHER_PROBLEM, "OOM");
	}
	*op.cmd = *cmd; /* the copy owns what the parse allocated */
	memset(cmd, 0, sizeof(*cmd));
	return 0;
}

static int read_lines(struct load *ld, FILE *fp)
{
	struct ct_load_args *a;
	struct ct_err err;
	char *line;
	int r = 0, n;

	line = malloc(CT_LOAD_LINE_MAX);
	a = malloc(sizeof(*a));
	if (!line || !a) {
		free(line);
		free(a);
		return ct_fail(NULL, CT_OTHER_PROBLEM, "OOM");
	}
	while (r == 0 && fgets(line, CT_LOAD_LINE_MAX, fp)) {
		n = ct_load_split(line, ld->progname, a, &err);
		if (n < 0)
			r = ct_fail(NULL, err.status, "%s", err.msg);
		else if (n > 0)
			r = add_line(ld, a);
	}
	free(line);
	free(a);
	if (r == 0 && close_batch(ld) < 0)
		r = ct_fail(NULL, CT_OTHER_PROBLEM, "OOM");
	return r;
}

static int read_file(struct load *ld, const char *name)
{
	FILE *fp;
	int r;

	if (strcmp(name, "-") == 0)
		name = "/dev/stdin";
	fp = fopen(name, "re");
	if (!fp)
		return ct_fail(NULL, CT_PARAMETER_PROBLEM, "Failed to open file %s for reading",
			       name);
	ld->speculating = start_sender(ld) == 0;
	r = read_lines(ld, fp);
	fclose(fp);
	return r;
}

/* ---- running ---- */

/* -U, -D, -F as on the command line, with the load file's shared -o and labels. */
static int run_cmd(struct load *ld, struct ct_cmd *cmd)
{
	struct ct_ctx *ctx = ld->ctx;

	cmd->output = ld->shared.output;
	if (!cmd->labelmap || cmd->labelmap_borrowed) {
		cmd->labelmap = ld->shared.labelmap;
		cmd->labelmap_borrowed = true;
	}
	ctx->cmd = cmd;
	ctx->counter = 0;
	switch (cmd->command) {
	case CT_CMD(CT_UPDATE_BIT):
		return ct_cmd_update(ctx);
	case CT_CMD(CT_DELETE_BIT):
		return ct_cmd_delete(ctx);
	default:
		return ct_cmd_flush(ctx);
	}
}

static int batch_failed(struct load *ld, const struct load_batch *b)
{
	if (b->socket_error)
		return ct_fail(ld->ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
			       strerror(-b->error));
	return ct_fail(ld->ctx, CT_OTHER_PROBLEM, "Operation failed: %s",
		       ct_err2str(-b->error, b->command[b->failed]));
}

/* Everything the sender has not done yet, in order. */
static int run_rest(struct load *ld)
{
	struct load_batch *b;
	size_t i;
	int r = 0;

	for (i = 0; i < ld->nops && r == 0; i++) {
		b = ld->ops[i].batch;
		if (b && b->sent) {
			if (b->failed < b->count)
				r = batch_failed(ld, b);
			continue;
		}
		if (!b) {
			r = run_cmd(ld, ld->ops[i].cmd);
			continue;
		}
		send_and_check(ld, b);
		if (b->failed < b->count)
			r = batch_failed(ld, b);
	}
	return r;
}

/* A later line failed to parse or is not allowed: take back what the sender did. */
static void undo_all(struct load *ld)
{
	size_t i;

	for (i = 0; i < ld->nops; i++)
		if (ld->ops[i].batch)
			undo(ld->ctx->nl, ld->ops[i].batch, 0);
}

static void load_done(struct load *ld)
{
	size_t i;

	for (i = 0; i < ld->nops; i++) {
		if (ld->ops[i].cmd) {
			ct_cmd_done(ld->ops[i].cmd);
			free(ld->ops[i].cmd);
		}
		free(ld->ops[i].batch);
	}
	free(ld->open);
	free(ld->ops);
	free(ld->rbuf);
	ctf_labelmap_free(ld->shared.labelmap);
	if (ld->sync_init) {
		pthread_mutex_destroy(&ld->lock);
		pthread_cond_destroy(&ld->cond);
	}
}

int ct_cmd_load(struct ct_ctx *ctx, const char *progname, const char *file)
{
	struct load ld = { .ctx = ctx, .progname = progname };
	size_t i;
	int r;

	ld.rbuf = malloc(CTF_NL_RECV_SIZE);
	if (!ld.rbuf)
		return ct_fail(NULL, CT_OTHER_PROBLEM, "OOM");
	r = read_file(&ld, file);
	for (i = 0; r == 0 && i < ld.nops; i++)
		if (!allowed(ld.ops[i].command))
			r = ct_fail(NULL, CT_PARAMETER_PROBLEM,
				    "Cannot use command `%s' with --load-file",
				    unsupported_text(ld.ops[i].command));
	stop_sender(&ld, r != 0);
	if (r != 0)
		undo_all(&ld);
	else
		r = run_rest(&ld);
	ctx->cmd = NULL;
	load_done(&ld);
	return r;
}
