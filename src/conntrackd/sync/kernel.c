// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd sync: what the engine does to and with the kernel table. The
 * internal cache is filled by dumps; the commit (-c) writes the external
 * cache with batched CT_NEW, one sendmsg per 1024 entries, where 1.4.7
 * sends one request per entry and waits for each answer; flushes (-F, -t)
 * delete in batches while the dump runs; DisableExternalCache writes each
 * received state at once. Each of these has its own socket, so the events
 * it causes are recognised as ours by their port id and not sent back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/evfilter.h>
#include <ctflow/format.h>
#include <ctflow/log.h>

#include "engine.h"

#define BATCH_MAX 1024U
#define DUMP_ATTEMPTS 3

static int open_one(struct sync_engine *e, struct ctf_nl **ret_nl, enum sync_origin origin)
{
	int r = ctf_nl_open(ret_nl, 0);

	if (r < 0)
		return ctf_log_err(r, "can't open a ctnetlink socket");
	if (origin != SYNC_ORIGIN_NOT_ME)
		atomic_store(&e->portid[origin], ctf_nl_portid(*ret_nl));
	return 0;
}

int sync_kernel_open(struct sync_engine *e)
{
	int r;

	r = open_one(e, &e->commit_nl, SYNC_ORIGIN_COMMIT);
	if (r == 0)
		r = open_one(e, &e->flush_nl, SYNC_ORIGIN_FLUSH);
	if (r == 0)
		r = open_one(e, &e->inject_nl, SYNC_ORIGIN_INJECT);
	if (r == 0)
		r = open_one(e, &e->dump_nl, SYNC_ORIGIN_NOT_ME);
	return r;
}

void sync_kernel_close(struct sync_engine *e)
{
	ctf_nl_close(e->commit_nl);
	ctf_nl_close(e->flush_nl);
	ctf_nl_close(e->inject_nl);
	ctf_nl_close(e->dump_nl);
	e->commit_nl = e->flush_nl = e->inject_nl = e->dump_nl = NULL;
}

/* Log a flow the way 1.4.7's dlog_ct() does, after an error line. */
static void log_flow(const struct ctf_flow *f)
{
	char line[CTF_FMT_LINE_MAX];
	size_t n = ctf_fmt_flow(line, sizeof(line), f, NULL);

	if (n > 0 && n < sizeof(line) && line[n - 1] == '\n')
		line[n - 1] = '\0';
	ctf_log(LOG_ERR, "%s", line);
}

/* ---- Dumps ---- */

struct dump_ctx {
	struct sync_engine *e;
	bool send;
	size_t n;
	int (*each)(struct dump_ctx *d, const struct ctf_flow *f);
	struct ctf_nl_batch *batch; /* flushes */
	uint64_t failed;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	struct ctf_flow f;

	if (ctf_flow_parse(nlh, &f) < 0)
		return MNL_CB_OK;
	/* 1.4.7 filters dumps in user space always (ct_filter_conntrack(ct, 1)) */
	if (!ctf_evfilter_match(&d->e->conf->general.filter, &f))
		return MNL_CB_OK;
	d->n++;
	return d->each(d, &f);
}

static int run_dump(struct sync_engine *e, struct dump_ctx *d)
{
	char buf[CTF_NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	int r, attempt = 0;

	do {
		d->n = 0;
		nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC,
				     ctf_nl_next_seq(e->dump_nl));
		r = ctf_nl_dump(e->dump_nl, nlh, dump_cb, d, 0);
	} while (r == -EINTR && !d->batch && ++attempt < DUMP_ATTEMPTS);
	return r;
}

static int fill_ev(struct sync_engine *e, struct sync_ev *ev, const struct ctf_flow *f)
{
	int n;

	memset(ev, 0, sizeof(*ev));
	n = ctf_sync_ct_encode(ev->body, CTF_SYNC_BODY_MAX, f, &e->opts, NULL);
	if (n < 0)
		return n;
	ev->body_len = (uint16_t)n;
	ev->ct_id = f->id;
	ev->related = ctf_flow_has(f, CTF_FLOW_A_MASTER);
	sync_key_from_flow(&ev->key, f);
	if (ctf_flow_has(f, CTF_FLOW_A_REPLY))
		ev->reply = f->reply;
	return 0;
}

static int populate_one(struct dump_ctx *d, const struct ctf_flow *f)
{
	struct sync_ev_buf x;
	struct sync_ev *ev = sync_ev_of(&x);

	if (fill_ev(d->e, ev, f) == 0)
		sync_internal_dumped(d->e, ev, d->send);
	return MNL_CB_OK;
}

int sync_kernel_dump(struct sync_engine *e, bool send)
{
	struct dump_ctx d = { .e = e, .send = send, .each = populate_one };
	int r;

	e->epoch++;
	r = run_dump(e, &d);
	if (r < 0)
		return ctf_log_err(r, "can't dump the kernel conntrack table");
	if (send)
		sync_internal_purge(e);
	return 0;
}

static int send_one(struct dump_ctx *d, const struct ctf_flow *f)
{
	uint8_t body[CTF_SYNC_BODY_MAX];
	struct sync_obj tmp = { .status = SYNC_OBJ_NEW, .body = body };
	int n = ctf_sync_ct_encode(body, sizeof(body), f, &d->e->opts, NULL);

	if (n < 0)
		return MNL_CB_OK;
	tmp.len = (uint16_t)n;
	sync_send_obj(d->e, &tmp, 0);
	return MNL_CB_OK;
}

int sync_kernel_send_dump(struct sync_engine *e)
{
	struct dump_ctx d = { .e = e, .each = send_one };
	int r = run_dump(e, &d);

	if (r < 0)
		return ctf_log_err(r, "can't dump kernel table");
	return 0;
}

struct print_ctx {
	struct dump_ctx d;
	struct ctf_fmt fmt;
	struct sync_out *o;
};

static int print_one(struct dump_ctx *d, const struct ctf_flow *f)
{
	struct print_ctx *p = (struct print_ctx *)d;
	char line[CTF_FMT_LINE_MAX];
	size_t n = ctf_fmt_flow(line, sizeof(line), f, &p->fmt);

	if (n > 0 && n < sizeof(line))
		out_put(p->o, line, n);
	return MNL_CB_OK;
}

int sync_kernel_print(struct sync_engine *e, bool xml, struct sync_out *o)
{
	struct print_ctx p = {
		.d = { .e = e, .each = print_one },
		.fmt = { .style = xml ? CTF_FMT_XML : CTF_FMT_DEFAULT },
		.o = o,
	};

	return run_dump(e, &p.d);
}

/* ---- Flush (-F, -t): delete every entry the Filter does not ignore ---- */

static int flush_ack(uint32_t seq, int error, void *data)
{
	struct dump_ctx *d = data;

	(void)seq;
	if (error && error != -ENOENT)
		d->failed++;
	return 0;
}

static int delete_one(struct dump_ctx *d, const struct ctf_flow *f)
{
	struct nlmsghdr *nlh;

	nlh = ctf_ct_msg_put(ctf_nl_batch_current(d->batch), IPCTNL_MSG_CT_DELETE, NLM_F_ACK,
			     f->orig.l3num, ctf_nl_next_seq(d->e->flush_nl));
	if (ctf_ct_put_flow(nlh, ctf_nl_batch_room(d->batch), f,
			    CTF_CT_PUT_ORIG | CTF_CT_PUT_ZONE) < 0)
		return MNL_CB_OK;
	/* the readers do not see what our flush socket deletes: file it here */
	sync_internal_flushed(d->e, f);
	if (ctf_nl_batch_next(d->batch))
		return ctf_nl_batch_flush(d->batch, NULL, flush_ack, d) < 0 ? MNL_CB_ERROR
									  : MNL_CB_OK;
	return MNL_CB_OK;
}

int sync_kernel_flush(struct sync_engine *e)
{
	struct dump_ctx d = { .e = e, .each = delete_one };
	int r;

	e->ctr.kernel_flushes++;
	r = ctf_nl_batch_new(&d.batch, e->flush_nl, BATCH_MAX);
	if (r < 0)
		return r;
	r = run_dump(e, &d);
	if (r == 0 && ctf_nl_batch_count(d.batch))
		r = ctf_nl_batch_flush(d.batch, NULL, flush_ack, &d);
	ctf_nl_batch_free(d.batch);
	if (r < 0)
		return ctf_log_err(r, "can't flush the kernel conntrack table");
	return 0;
}

/* ---- Building create requests (nl_create_conntrack) ---- */

/* The reply tuple 1.4.7 sends (NFCT_SOPT_SETUP_REPLY: the inverted original); NAT rewrites it. */
static void setup_reply(struct ctf_flow *f)
{
	struct ctf_flow plain = *f;

	plain.set &= ~(CTF_FLOW_BIT(CTF_FLOW_A_NAT_SRC) | CTF_FLOW_BIT(CTF_FLOW_A_NAT_DST));
	ctf_sync_reply_from_nat(&plain, &f->reply);
	ctf_flow_set(f, CTF_FLOW_A_REPLY);
}

static void be_liberal(struct ctf_flow *f)
{
	int d;

	if (f->orig.l4proto != IPPROTO_TCP)
		return;
	for (d = 0; d < 2; d++) {
		f->tcp.flags[d] |= IP_CT_TCP_FLAG_BE_LIBERAL;
		f->tcp.mask[d] |= IP_CT_TCP_FLAG_BE_LIBERAL;
	}
	ctf_flow_set(f, CTF_FLOW_A_TCP_FLAGS_ORIG);
	ctf_flow_set(f, CTF_FLOW_A_TCP_FLAGS_REPLY);
}

/*
 * libnetfilter_conntrack 1.0.9, which 1.4.7 commits with, puts NAT ports
 * for TCP and UDP only. For ICMP the "ports" 1.4.7 sends are the id and
 * the type/code (its SPAT/DPAT compare those with each other), and taking
 * them as a NAT range would rewrite the echo id; SCTP and DCCP ports are
 * not restored either. An address-only NAT that changes nothing goes too.
 */
static void nat_like_147(struct ctf_flow *f)
{
	size_t alen = f->orig.l3num == AF_INET6 ? 16 : 4;

	if (f->orig.l4proto == IPPROTO_TCP || f->orig.l4proto == IPPROTO_UDP)
		return;
	f->nat_src.has_port = f->nat_dst.has_port = false;
	if (!memcmp(f->nat_src.min.raw, f->orig.src.raw, alen))
		f->set &= ~CTF_FLOW_BIT(CTF_FLOW_A_NAT_SRC);
	if (!memcmp(f->nat_dst.min.raw, f->orig.dst.raw, alen))
		f->set &= ~CTF_FLOW_BIT(CTF_FLOW_A_NAT_DST);
}

/* @timeout > 0 replaces the cached one (nl_create_conntrack). */
static void prepare_create(struct sync_engine *e, struct ctf_flow *f, int timeout)
{
	if (timeout > 0) {
		f->timeout = (uint32_t)timeout;
		ctf_flow_set(f, CTF_FLOW_A_TIMEOUT);
	}
	if (ctf_flow_has(f, CTF_FLOW_A_STATUS))
		f->status &= ~IPS_EXPECTED;
	nat_like_147(f);
	setup_reply(f);
	if (!e->sc->tcp_window_tracking)
		be_liberal(f);
}

int sync_kernel_put_create(struct sync_engine *e, struct ctf_nl_batch *b, struct ctf_nl *nl,
			   const struct ctf_flow *src, int timeout, uint32_t *ret_seq)
{
	struct ctf_flow f = *src;
	struct nlmsghdr *nlh;

	prepare_create(e, &f, timeout);
	*ret_seq = ctf_nl_next_seq(nl);
	nlh = ctf_ct_msg_put(ctf_nl_batch_current(b), IPCTNL_MSG_CT_NEW,
			     NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, f.orig.l3num, *ret_seq);
	return ctf_ct_put_flow(nlh, ctf_nl_batch_room(b), &f, CTF_CT_PUT_ALL & ~CTF_CT_PUT_ID);
}

int sync_kernel_put_delete(struct ctf_nl_batch *b, struct ctf_nl *nl, const struct ctf_flow *f,
			   uint32_t *ret_seq)
{
	struct nlmsghdr *nlh;

	*ret_seq = ctf_nl_next_seq(nl);
	nlh = ctf_ct_msg_put(ctf_nl_batch_current(b), IPCTNL_MSG_CT_DELETE, NLM_F_ACK,
			     f->orig.l3num, *ret_seq);
	return ctf_ct_put_flow(nlh, ctf_nl_batch_room(b), f, CTF_CT_PUT_ORIG | CTF_CT_PUT_ZONE);
}

/* nl_update_conntrack: no NAT, no NAT status bits, no helper, no master. */
static void prepare_update(struct sync_engine *e, struct ctf_flow *f)
{
	f->set &= ~(CTF_FLOW_BIT(CTF_FLOW_A_NAT_SRC) | CTF_FLOW_BIT(CTF_FLOW_A_NAT_DST) |
		    CTF_FLOW_BIT(CTF_FLOW_A_HELPER) | CTF_FLOW_BIT(CTF_FLOW_A_MASTER));
	f->status &= ~(uint32_t)IPS_NAT_MASK;
	if (!e->sc->tcp_window_tracking)
		be_liberal(f);
}

int sync_kernel_put_update(struct sync_engine *e, struct ctf_nl_batch *b,
			   const struct ctf_flow *src, uint32_t *ret_seq)
{
	struct ctf_flow f = *src;
	struct nlmsghdr *nlh;

	prepare_update(e, &f);
	*ret_seq = ctf_nl_next_seq(e->inject_nl);
	nlh = ctf_ct_msg_put(ctf_nl_batch_current(b), IPCTNL_MSG_CT_NEW, NLM_F_ACK, f.orig.l3num,
			     *ret_seq);
	return ctf_ct_put_flow(nlh, ctf_nl_batch_room(b), &f,
			       CTF_CT_PUT_ORIG | CTF_CT_PUT_META | CTF_CT_PUT_ZONE);
}

/* ---- Commit (-c) ---- */

enum commit_phase { PHASE_CREATE, PHASE_DELETE, PHASE_RECREATE };

struct commit_ctx {
	struct sync_engine *e;
	struct ctf_nl_batch *b;
	enum commit_phase phase;
	bool related;		 /* the pass over related entries */
	struct sync_obj **slot;	 /* the objects of the batch in flight, by seq - base */
	uint32_t base;
	unsigned int n;
	struct sync_obj **again; /* EEXIST: deleted, then created once more */
	size_t nagain, capagain;
	uint64_t ok, fail;
	int64_t now;
};

static int commit_timeout(const struct commit_ctx *cc, const struct sync_obj *o,
			  const struct ctf_flow *f)
{
	int64_t t;

	if (cc->e->sc->commit_timeout)
		return (int)cc->e->sc->commit_timeout;
	/* the cached timeout minus the time since the last update, 60 when negative */
	t = cc->now - o->updated;
	if (t < 0)
		return 60;
	t = (ctf_flow_has(f, CTF_FLOW_A_TIMEOUT) ? (int64_t)f->timeout : 0) - t;
	return t < 0 ? 60 : (int)t;
}

static int decode_obj(const struct sync_obj *o, struct ctf_flow *ret_f)
{
	return ctf_sync_ct_decode(o->body, o->len, ret_f, NULL);
}

static void keep_again(struct commit_ctx *cc, struct sync_obj *o)
{
	struct sync_obj **p;

	if (cc->nagain == cc->capagain) {
		p = realloc(cc->again, (cc->capagain ? cc->capagain * 2 : 256) * sizeof(*p));
		if (!p) {
			cc->fail++;
			return;
		}
		cc->again = p;
		cc->capagain = cc->capagain ? cc->capagain * 2 : 256;
	}
	cc->again[cc->nagain++] = o;
}

static void commit_failed(struct commit_ctx *cc, struct sync_obj *o, const char *what, int error)
{
	struct ctf_flow f;

	cc->fail++;
	ctf_log(LOG_ERR, "%s: %s", what, strerror(-error));
	if (decode_obj(o, &f) == 0)
		log_flow(&f);
}

/*
 * The readers do not see what our commit socket creates (their filter drops
 * it): the entries are filed in the internal cache here, after the client
 * has its answer, as 1.4.7 reads their events only after the commit.
 */
static void keep_committed(struct sync_engine *e, struct sync_obj *o)
{
	struct sync_obj **p;
	size_t cap;

	if (e->sc->disable_internal_cache)
		return;
	if (e->ncommitted == e->capcommitted) {
		cap = e->capcommitted ? e->capcommitted * 2 : 1024;
		p = realloc(e->committed, cap * sizeof(*p));
		if (!p)
			return;
		e->committed = p;
		e->capcommitted = cap;
	}
	e->committed[e->ncommitted++] = o;
}

void sync_kernel_file_committed(struct sync_engine *e)
{
	size_t i;

	for (i = 0; i < e->ncommitted; i++)
		sync_internal_committed(e, e->committed[i]);
	free(e->committed);
	e->committed = NULL;
	e->ncommitted = e->capcommitted = 0;
}

static int commit_ack(uint32_t seq, int error, void *data)
{
	struct commit_ctx *cc = data;
	uint32_t i = seq - cc->base;
	struct sync_obj *o;

	if (i >= cc->n)
		return 0;
	o = cc->slot[i];
	if (cc->phase == PHASE_DELETE) {
		if (error && error != -ENOENT)
			commit_failed(cc, o, "commit-destroy", error);
		else
			keep_again(cc, o);
	} else if (error == -EEXIST && cc->phase == PHASE_CREATE) {
		keep_again(cc, o);
	} else if (error) {
		commit_failed(cc, o, "commit-create", error);
	} else {
		cc->ok++;
		keep_committed(cc->e, o);
	}
	return 0;
}

static int commit_flush(struct commit_ctx *cc)
{
	int r = 0;

	if (cc->n)
		r = ctf_nl_batch_flush(cc->b, NULL, commit_ack, cc);
	cc->n = 0;
	return r;
}

static int commit_put(struct commit_ctx *cc, struct sync_obj *o)
{
	struct sync_engine *e = cc->e;
	struct ctf_flow f;
	uint32_t seq;
	int r;

	if (decode_obj(o, &f) < 0) {
		cc->fail++;
		return 0;
	}
	r = cc->phase == PHASE_DELETE
		    ? sync_kernel_put_delete(cc->b, e->commit_nl, &f, &seq)
		    : sync_kernel_put_create(e, cc->b, e->commit_nl, &f,
						   commit_timeout(cc, o, &f), &seq);
	if (r < 0) {
		cc->fail++;
		return 0;
	}
	if (cc->n == 0)
		cc->base = seq;
	cc->slot[cc->n++] = o;
	return ctf_nl_batch_next(cc->b) ? commit_flush(cc) : 0;
}

static void commit_each(struct sync_obj *o, void *data)
{
	struct commit_ctx *cc = data;

	if (o->status == SYNC_OBJ_DEAD || o->related != cc->related)
		return;
	(void)commit_put(cc, o);
}

/* The entries that got EEXIST: delete them all, then create them all once more. */
static void commit_retry(struct commit_ctx *cc)
{
	struct sync_obj **list = cc->again;
	size_t i, n = cc->nagain;

	if (!n)
		return;
	cc->again = NULL;
	cc->nagain = cc->capagain = 0;
	cc->phase = PHASE_DELETE;
	for (i = 0; i < n; i++)
		(void)commit_put(cc, list[i]);
	(void)commit_flush(cc);
	free(list);
	list = cc->again;
	n = cc->nagain;
	cc->again = NULL;
	cc->nagain = cc->capagain = 0;
	cc->phase = PHASE_RECREATE;
	for (i = 0; i < n; i++)
		(void)commit_put(cc, list[i]);
	(void)commit_flush(cc);
	free(list);
}

/* One pass: masters, or related entries (created after their masters). */
static void commit_pass(struct commit_ctx *cc, bool related)
{
	cc->related = related;
	cc->phase = PHASE_CREATE;
	sync_cache_each(&cc->e->external, commit_each, cc);
	(void)commit_flush(cc);
	commit_retry(cc);
}

int sync_kernel_commit(struct sync_engine *e)
{
	struct commit_ctx cc = { .e = e, .now = sync_wall_secs() };
	struct timespec t0, t1;
	long sec, usec;
	int r;

	clock_gettime(CLOCK_REALTIME, &t0);
	cc.slot = calloc(BATCH_MAX, sizeof(*cc.slot));
	r = cc.slot ? ctf_nl_batch_new(&cc.b, e->commit_nl, BATCH_MAX) : -ENOMEM;
	if (r < 0) {
		free(cc.slot);
		return ctf_log_err(r, "commit: cannot start");
	}
	commit_pass(&cc, false);
	commit_pass(&cc, true);
	ctf_nl_batch_free(cc.b);
	free(cc.slot);
	clock_gettime(CLOCK_REALTIME, &t1);
	sec = t1.tv_sec - t0.tv_sec;
	usec = (t1.tv_nsec - t0.tv_nsec) / 1000;
	if (usec < 0) {
		sec--;
		usec += 1000000;
	}
	e->ctr.commit_ok += cc.ok;
	e->ctr.commit_fail += cc.fail;
	e->ctr.commit_usecs = (uint64_t)sec * 1000000 + (uint64_t)usec;
	ctf_log(LOG_NOTICE, "Committed %llu new entries", (unsigned long long)cc.ok);
	if (cc.fail)
		ctf_log(LOG_NOTICE, "%llu entries can't be committed", (unsigned long long)cc.fail);
	ctf_log(LOG_NOTICE, "commit has taken %ld.%06ld seconds", sec, usec);
	return 0;
}

/* ---- DisableExternalCache: each state goes straight into the kernel ---- */

static int request(struct sync_engine *e, struct ctf_flow *f, uint16_t type, uint16_t flags,
		   unsigned int what)
{
	char buf[CTF_NL_REQ_SIZE];
	struct nlmsghdr *nlh;

	nlh = ctf_ct_msg_put(buf, type, flags | NLM_F_ACK, f->orig.l3num,
			     ctf_nl_next_seq(e->inject_nl));
	if (ctf_ct_put_flow(nlh, sizeof(buf), f, what) < 0)
		return -EMSGSIZE;
	return ctf_nl_request(e->inject_nl, nlh, NULL, NULL);
}

static int inject_create(struct sync_engine *e, const struct ctf_flow *src)
{
	struct ctf_flow f = *src;

	prepare_create(e, &f, 0);
	return request(e, &f, IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL,
		       CTF_CT_PUT_ALL & ~CTF_CT_PUT_ID);
}

static int inject_delete(struct sync_engine *e, const struct ctf_flow *src)
{
	struct ctf_flow f = *src;

	return request(e, &f, IPCTNL_MSG_CT_DELETE, 0, CTF_CT_PUT_ORIG | CTF_CT_PUT_ZONE);
}

static int inject_update(struct sync_engine *e, const struct ctf_flow *src)
{
	struct ctf_flow f = *src;

	prepare_update(e, &f);
	return request(e, &f, IPCTNL_MSG_CT_NEW, 0, CTF_CT_PUT_ORIG | CTF_CT_PUT_META |
							 CTF_CT_PUT_ZONE);
}

static void inject_new(struct sync_engine *e, const struct ctf_flow *f)
{
	int r = inject_create(e, f);

	if (r == -EEXIST) {
		r = inject_delete(e, f);
		if (r == 0 || r == -ENOENT)
			r = inject_create(e, f);
		if (r < 0) {
			ctf_log(LOG_WARNING, "could not add new ct entry, even when deleting it "
					     "first: %s", strerror(-r));
			log_flow(f);
			e->external.st.created_fail++;
			return;
		}
	}
	if (r < 0) {
		ctf_log(LOG_WARNING, "could not add new ct entry: %s", strerror(-r));
		log_flow(f);
		e->external.st.created_fail++;
		return;
	}
	e->external.st.created++;
}

static void inject_upd(struct sync_engine *e, const struct ctf_flow *f)
{
	int r = inject_update(e, f);

	if (r == 0) {
		e->external.st.updated++;
		return;
	}
	if (r != -ENOENT) {
		r = inject_delete(e, f);
		if (r != 0 && r != -ENOENT) {
			ctf_log(LOG_WARNING, "could not update ct entry: %s", strerror(-r));
			log_flow(f);
			e->external.st.updated_fail++;
			return;
		}
	}
	r = inject_create(e, f);
	if (r < 0) {
		ctf_log(LOG_WARNING, "could not update ct entry, even if creating it instead: %s",
			strerror(-r));
		log_flow(f);
		e->external.st.updated_fail++;
		return;
	}
	e->external.st.updated++;
}

void sync_kernel_inject(struct sync_engine *e, uint8_t type, const struct ctf_flow *f)
{
	int r;

	switch (type) {
	case CTF_SYNC_T_CT_NEW:
		inject_new(e, f);
		break;
	case CTF_SYNC_T_CT_UPD:
		inject_upd(e, f);
		break;
	case CTF_SYNC_T_CT_DEL:
		r = inject_delete(e, f);
		if (r < 0 && r != -ENOENT) {
			ctf_log(LOG_WARNING, "could not destroy ct entry: %s", strerror(-r));
			log_flow(f);
			e->external.st.destroyed_fail++;
		} else {
			e->external.st.destroyed++;
		}
		break;
	}
}
