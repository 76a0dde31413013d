// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The collector's life cycle and its poller thread. The poller owns the
 * dumps: the seed dump at start, the counter poll every CounterPollInterval
 * (interim records for flows older than ActiveTimeout, and reconciliation),
 * the resync dumps after an overrun, and the shutdown dump.
 *
 * Reconciliation: each dump has a number (epoch); a dump marks every flow it
 * returns, readers mark the flows they insert or update. After a complete
 * dump, a live flow not marked by this dump nor the previous complete one
 * has lost its DESTROY event: it gets a RESYNC_END record. Requiring two
 * dumps keeps a DESTROY that is merely still queued in a reader's socket
 * from being mistaken for a lost one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/evfilter.h>
#include <ctflow/log.h>
#include <ctflow/sysctl.h>

#include "collector.h"

#define RING_DEFAULT	  32768 /* records per reader ring */
#define POLL_DEFAULT_SECS 30
#define TABLE_MIN	  65536

struct dump_ctx {
	struct coll_producer *p;
	enum coll_dump_kind kind;
	size_t n;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	struct ctf_flow f;

	if (ctf_flow_parse(nlh, &f) < 0) {
		ctr_add(&d->p->ctr.malformed, 1);
		return MNL_CB_OK;
	}
	if (!ctf_evfilter_match(&d->p->c->conf->general.filter, &f))
		return MNL_CB_OK;
	coll_apply_dumped(d->p, &f, d->kind);
	d->n++;
	return MNL_CB_OK;
}

/* Dumps the kernel marked NLM_F_DUMP_INTR are started again, this often at most. */
#define DUMP_ATTEMPTS 3

/*
 * One full dump of the table. A dump the kernel flags as inconsistent may
 * have missed entries, which a sweep would then take for ended flows, so it
 * is restarted; applying an entry twice changes nothing. Returns the entries
 * seen or -errno (-EINTR: still inconsistent after every attempt).
 */
static long dump(struct collector *c, enum coll_dump_kind kind)
{
	struct dump_ctx d = { .p = &c->poller, .kind = kind };
	char buf[CTF_NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	uint64_t t0 = coll_now_ns();
	int r, attempt = 0;

	do {
		d.n = 0;
		nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC,
				     ctf_nl_next_seq(c->dump_nl));
		r = ctf_nl_dump(c->dump_nl, nlh, dump_cb, &d, CTF_NL_DUMP_PIPELINE);
	} while (r == -EINTR && ++attempt < DUMP_ATTEMPTS);
	atomic_store(&c->dump_usecs, (coll_now_ns() - t0) / 1000);
	atomic_fetch_add(&c->dumps, 1);
	if (r < 0) {
		atomic_fetch_add(&c->dump_errors, 1);
		return r;
	}
	return (long)d.n;
}

/* A counter poll or resync dump, then reconciliation. */
static void poll_once(struct collector *c, uint32_t *prev_ok)
{
	uint32_t e = atomic_fetch_add(&c->epoch, 1) + 1;
	size_t gone = 0;
	long n;

	n = dump(c, DUMP_POLL);
	if (n < 0) {
		ctf_log_errno(LOG_WARNING, (int)n, "counter dump failed, retrying next time");
		return;
	}
	if (*prev_ok == e - 1)
		gone = coll_sweep_missing(&c->poller, e - 1);
	*prev_ok = e;
	atomic_store(&c->resync_end_pending, gone);
}

static void deadline(struct timespec *ts, uint32_t secs)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += secs;
}

static void *poller_main(void *arg)
{
	struct collector *c = arg;
	const struct ctf_conf_collector *cc = &c->conf->collector;
	uint32_t poll_secs = cc->poll_interval ? cc->poll_interval : POLL_DEFAULT_SECS;
	uint32_t prev_ok = 0, next_poll, confirm_at = 0, now;
	struct timespec ts;
	long n;

	n = dump(c, DUMP_SEED);
	if (n < 0)
		ctf_log_errno(LOG_WARNING, (int)n, "initial dump failed, flows will be learnt from events");
	else
		ctf_log(LOG_INFO, "initial dump: %ld flows", n);
	prev_ok = n >= 0 ? atomic_load(&c->epoch) : 0;
	next_poll = coll_now_secs() + poll_secs;

	pthread_mutex_lock(&c->poll_lock);
	while (!atomic_load(&c->stop)) {
		bool resync;

		now = coll_now_secs();
		resync = c->resync_at && (int32_t)(now - c->resync_at) >= 0;
		if (!resync && (int32_t)(now - next_poll) < 0 &&
		    !(confirm_at && (int32_t)(now - confirm_at) >= 0)) {
			deadline(&ts, 1); /* wake every second to expire tombstones */
			pthread_cond_timedwait(&c->poll_cond, &c->poll_lock, &ts);
			pthread_mutex_unlock(&c->poll_lock);
			(void)ctf_table_walk(c->table, coll_now_secs(), NULL, NULL);
			pthread_mutex_lock(&c->poll_lock);
			continue;
		}
		if (resync)
			c->resync_at = 0;
		pthread_mutex_unlock(&c->poll_lock);
		if (resync) {
			atomic_fetch_add(&c->resyncs, 1);
			confirm_at = now + COLL_RESYNC_CONFIRM_SECS;
		} else if (confirm_at && (int32_t)(now - confirm_at) >= 0) {
			confirm_at = 0;
		}
		poll_once(c, &prev_ok);
		if ((int32_t)(coll_now_secs() - next_poll) >= 0)
			next_poll = coll_now_secs() + poll_secs;
		pthread_mutex_lock(&c->poll_lock);
	}
	pthread_mutex_unlock(&c->poll_lock);
	return NULL;
}

/*
 * An overrun asks for a resync dump NetlinkOverrunResync seconds later (as
 * 1.4.7 schedules it: after the burst that overran the socket, not during
 * it); a resync already due earlier stays. With "off" nothing is scheduled:
 * the loss is still counted and marked by a GAP record.
 */
void coll_request_resync(struct collector *c)
{
	int delay = c->conf->general.netlink_overrun_resync;
	uint32_t at;

	if (delay < 0)
		return;
	at = coll_now_secs() + (uint32_t)delay;
	if (!at)
		at = 1; /* 0 means none */
	pthread_mutex_lock(&c->poll_lock);
	if (!c->resync_at || (int32_t)(at - c->resync_at) < 0)
		c->resync_at = at;
	pthread_cond_signal(&c->poll_cond);
	pthread_mutex_unlock(&c->poll_lock);
}

/* Accounting and timestamps: read them, warn, or turn them on when configured. */
static void check_sysctl(struct collector *c, const char *name, const char *what, bool *ret_on)
{
	long v = 0;
	int r = ctf_sysctl_read(name, &v);

	if (r == 0 && v == 0 && c->conf->collector.enable_accounting) {
		r = ctf_sysctl_write(name, 1);
		if (r < 0)
			ctf_log_errno(LOG_WARNING, r, "cannot turn on %s", name);
		else
			v = 1;
	}
	*ret_on = r == 0 && v != 0;
	if (r < 0 && r != -ENOENT)
		ctf_log_errno(LOG_WARNING, r, "cannot read %s", name);
	else if (!*ret_on)
		ctf_log(LOG_WARNING,
			"%s is off: records will carry no %s; set it to 1 or use "
			"'EnableAccounting on' in the Collector section",
			name, what);
}

static size_t table_capacity(const struct ctf_conf *conf)
{
	long max = 0;

	if (conf->collector.table_size)
		return conf->collector.table_size;
	/* Room for every kernel entry plus the tombstones of recent DESTROYs. */
	if (ctf_sysctl_read("net/netfilter/nf_conntrack_max", &max) < 0 || max <= 0)
		max = 262144;
	return (size_t)max * 2 < TABLE_MIN ? TABLE_MIN : (size_t)max * 2;
}

static int open_rings(struct collector *c)
{
	size_t size = c->conf->collector.ring_size ? c->conf->collector.ring_size : RING_DEFAULT;
	unsigned int i;
	int r;

	c->nrings = c->nreaders + 1;
	c->rings = calloc(c->nrings, sizeof(*c->rings));
	if (!c->rings)
		return -ENOMEM;
	for (i = 0; i < c->nrings; i++) {
		r = ctf_ring_new(&c->rings[i], size);
		if (r < 0)
			return r;
	}
	c->poller.c = c;
	c->poller.ring = c->rings[c->nreaders];
	c->poller.id = CTF_RECORD_POLLER;
	return 0;
}

unsigned int coll_nreaders(const struct ctf_conf *conf)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (conf->collector.readers)
		return conf->collector.readers;
	/*
	 * Per-CPU readers can hand on two events of one conntrack out of order
	 * (raised on two CPUs). Counters add up whatever the order, replicated
	 * state does not: Sync reads one socket, in the kernel's order, as 1.4.7.
	 */
	if (conf->mode == CTF_CONF_MODE_SYNC || conf->mode == CTF_CONF_MODE_STATS)
		return 1;
	return ncpu > 0 ? (unsigned int)ncpu : 1;
}

/* The flow table, the record rings and the accounting sysctls: the collector's own parts. */
static int setup_records(struct collector *c)
{
	int r;

	check_sysctl(c, "net/netfilter/nf_conntrack_acct", "byte and packet counters",
		     &c->acct_on);
	check_sysctl(c, "net/netfilter/nf_conntrack_timestamp", "kernel start and end times",
		     &c->tstamp_on);
	r = ctf_table_new(&c->table, table_capacity(c->conf), COLL_TOMB_SECS);
	if (r < 0)
		return ctf_log_err(r, "cannot allocate the flow table");
	r = open_rings(c);
	if (r < 0)
		return ctf_log_err(r, "cannot allocate the record rings");
	return 0;
}

static int setup(struct collector *c)
{
	struct stat st;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int r;

	c->ncpus = ncpu > 0 ? (unsigned int)ncpu : 1;
	c->nreaders = coll_nreaders(c->conf);
	if (stat("/proc/thread-self/ns/net", &st) == 0)
		c->netns = (uint32_t)st.st_ino;
	if (c->records) {
		r = setup_records(c);
		if (r < 0)
			return r;
	}
	r = coll_readers_open(c);
	if (r < 0)
		return r;
	r = ctf_nl_open(&c->dump_nl, 0);
	if (r == 0)
		r = ctf_nl_open(&c->stats_nl, 0);
	if (r < 0)
		return ctf_log_err(r, "cannot open a ctnetlink socket");
	return 0;
}

int coll_start(struct collector **ret_c, const struct ctf_conf *conf, struct sync_engine *sync)
{
	struct collector *c;
	pthread_condattr_t ca;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->conf = conf;
	c->records = conf->collect;
	c->sync = sync;
	c->start_ns = coll_now_ns();
	c->stop_fd = -1;
	atomic_init(&c->epoch, 1);
	pthread_mutex_init(&c->poll_lock, NULL);
	pthread_mutex_init(&c->stats_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->poll_cond, &ca);
	pthread_condattr_destroy(&ca);
	c->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->stop_fd < 0) {
		r = -errno;
		goto out_free;
	}
	r = setup(c);
	if (r < 0)
		goto out_free;
	/* Readers first, so nothing that happens during the seed dump is missed. */
	r = coll_readers_start(c);
	if (r < 0)
		goto out_stop;
	if (c->records) {
		r = -pthread_create(&c->poll_thread, NULL, poller_main, c);
		if (r < 0)
			goto out_stop;
		c->poll_started = true;
		ctf_log(LOG_INFO, "collector started: %u readers, table for %zu flows",
			c->nreaders, table_capacity(conf));
	}
	*ret_c = c;
	return 0;
out_stop:
	coll_stop(c);
out_free:
	coll_free(c);
	return r;
}

void coll_stop(struct collector *c)
{
	uint64_t one = 1;
	uint32_t e;
	long n;

	if (atomic_exchange(&c->stop, true))
		return;
	if (write(c->stop_fd, &one, sizeof(one)) < 0)
		ctf_log(LOG_DEBUG, "cannot wake the readers");
	coll_readers_stop(c);
	pthread_mutex_lock(&c->poll_lock);
	pthread_cond_signal(&c->poll_cond);
	pthread_mutex_unlock(&c->poll_lock);
	if (c->poll_started)
		pthread_join(c->poll_thread, NULL);
	c->poll_started = false;
	if (!c->dump_nl || !c->records)
		return;
	/* The poller has stopped: this thread is now the only producer of its ring. */
	e = atomic_fetch_add(&c->epoch, 1) + 1;
	n = dump(c, DUMP_SHUTDOWN);
	if (n < 0) {
		ctf_log_errno(LOG_WARNING, (int)n, "shutdown dump failed, no SHUTDOWN records");
		return;
	}
	/*
	 * The dump took every flow it saw out of the table. A live flow left is
	 * gone from the kernel without a DESTROY we read (none was sent, or it
	 * came after the readers stopped): it ends here rather than silently.
	 */
	(void)coll_sweep_missing(&c->poller, e);
}

void coll_free(struct collector *c)
{
	unsigned int i;

	if (!c)
		return;
	coll_readers_close(c);
	ctf_nl_close(c->dump_nl);
	ctf_nl_close(c->stats_nl);
	for (i = 0; c->rings && i < c->nrings; i++)
		ctf_ring_free(c->rings[i]);
	free(c->rings);
	ctf_table_free(c->table);
	if (c->stop_fd >= 0)
		close(c->stop_fd);
	pthread_cond_destroy(&c->poll_cond);
	pthread_mutex_destroy(&c->poll_lock);
	pthread_mutex_destroy(&c->stats_lock);
	free(c);
}
