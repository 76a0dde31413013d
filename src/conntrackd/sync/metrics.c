// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd sync: the ctflow_sync_* families of /metrics. The sync thread
 * publishes a copy of its counters every PUB_MS under a mutex; the page
 * renders from that copy, so it never touches the thread's own state.
 */
#include <stdio.h>
#include <string.h>

#include <prometheus/prometheus.h>

#include "engine.h"
#include "requests.h"
#include "stats.h"

#define PUB_MS 250

static void fill(struct sync_engine *e, struct sync_pub *p, uint64_t now)
{
	static const char *const modes[] = { "ftfw", "alarm", "notrack" };
	unsigned int i;

	p->ctr = e->ctr;
	p->st[0] = e->internal.st;
	p->st[1] = e->external.st;
	p->entries[0] = e->internal.count - e->internal.dead;
	p->entries[1] = e->external.count;
	p->txq_len = e->txq.len;
	p->rsq_len = e->rsq.len;
	p->rsq_overflows = e->rsq.overflows;
	p->not_ready = sync_requests_not_ready(e);
	p->peer_age_ms = e->peer_heard_ms ? (int64_t)(now - e->peer_heard_ms) : -1;
	p->nchannels = e->ch ? sync_channels_count(e->ch) : 0;
	p->current = e->ch ? sync_channels_current(e->ch) : 0;
	for (i = 0; i < p->nchannels && i < CTF_CONF_MAX_CHANNELS; i++)
		sync_channels_counters(e->ch, i, &p->ch[i]);
	p->stats_mode = e->stats_mode;
	p->mode = e->stats_mode ? "stats" : modes[e->sc->mode];
}

void sync_publish(struct sync_engine *e, uint64_t now_ms)
{
	struct sync_pub p;

	if (now_ms - e->pub_at < PUB_MS)
		return;
	e->pub_at = now_ms;
	memset(&p, 0, sizeof(p));
	fill(e, &p, now_ms);
	pthread_mutex_lock(&e->pub_lock);
	e->pub = p;
	pthread_mutex_unlock(&e->pub_lock);
}

static void one(struct ctf_prom_buf *b, const char *name, const char *type, const char *help,
		double v)
{
	ctf_prom_header(b, name, type, help);
	ctf_prom_sample(b, name, NULL, v);
}

static void messages(struct ctf_prom_buf *b, const struct sync_pub *p)
{
	static const char *const types[CTF_SYNC_T_CTL + 1] = {
		"ct_new", "ct_upd", "ct_del", "exp_new", "exp_upd", "exp_del",
		NULL, NULL, NULL, NULL, "ctl",
	};
	unsigned int t;

	ctf_prom_header(b, "ctflow_sync_messages_total", "counter",
			"Sync messages sent and received with a valid header, by type");
	for (t = 0; t <= CTF_SYNC_T_CTL; t++) {
		if (!types[t])
			continue;
		ctf_prom_sample(b, "ctflow_sync_messages_total",
				(const char *const[]){ "dir", "tx", "type", types[t], NULL },
				(double)p->ctr.tx_msgs[t]);
		ctf_prom_sample(b, "ctflow_sync_messages_total",
				(const char *const[]){ "dir", "rx", "type", types[t], NULL },
				(double)p->ctr.rx_msgs[t]);
	}
}

static void malformed(struct ctf_prom_buf *b, const struct sync_pub *p)
{
	static const char *const why[__CTF_SYNC_RX_MAX] = {
		"version", "header", "payload", "type", "truncated", "size",
	};
	unsigned int i;

	ctf_prom_header(b, "ctflow_sync_rx_malformed_total", "counter",
			"Received sync messages refused, by reason (1.4.7's Malformed msgs is the sum)");
	for (i = 0; i < __CTF_SYNC_RX_MAX; i++)
		ctf_prom_sample(b, "ctflow_sync_rx_malformed_total",
				(const char *const[]){ "reason", why[i], NULL },
				(double)p->ctr.rx_error[i]);
}

static void caches(struct ctf_prom_buf *b, const struct sync_pub *p)
{
	static const char *const names[2] = { "internal", "external" };
	unsigned int i, n = p->stats_mode ? 1 : 2;

	ctf_prom_header(b, "ctflow_sync_cache_entries", "gauge",
			"Entries in the sync caches (internal: ours, external: the peer's)");
	for (i = 0; i < n; i++)
		ctf_prom_sample(b, "ctflow_sync_cache_entries",
				(const char *const[]){ "cache", names[i], NULL },
				(double)p->entries[i]);
	ctf_prom_header(b, "ctflow_sync_cache_refused_total", "counter",
			"Entries a full cache (HashLimit) refused");
	for (i = 0; i < n; i++)
		ctf_prom_sample(b, "ctflow_sync_cache_refused_total",
				(const char *const[]){ "cache", names[i], NULL },
				(double)p->st[i].refused);
}

static void channels(struct ctf_prom_buf *b, const struct sync_pub *p)
{
	static const char *const dirs[2] = { "tx", "rx" };
	unsigned int i, d;
	char idx[12];

	ctf_prom_header(b, "ctflow_sync_channel_up", "gauge",
			"Whether each sync link is up; role active is the one we send on");
	for (i = 0; i < p->nchannels; i++) {
		snprintf(idx, sizeof(idx), "%u", i);
		ctf_prom_sample(b, "ctflow_sync_channel_up",
				(const char *const[]){ "channel", idx, "device",
						       p->ch[i].ifname ? p->ch[i].ifname : "",
						       "role",
						       i == p->current ? "active" : "standby", NULL },
				p->ch[i].up ? 1 : 0);
	}
	ctf_prom_header(b, "ctflow_sync_bytes_total", "counter", "Bytes on the sync links");
	for (d = 0; d < 2; d++) {
		uint64_t sum = 0;

		for (i = 0; i < p->nchannels; i++)
			sum += d ? p->ch[i].bytes_rx : p->ch[i].bytes_tx;
		ctf_prom_sample(b, "ctflow_sync_bytes_total",
				(const char *const[]){ "dir", dirs[d], NULL }, (double)sum);
	}
}

static void readiness(struct ctf_prom_buf *b, const struct sync_pub *p)
{
	unsigned int bit;

	one(b, "ctflow_sync_ready", "gauge",
	    "1 when this node holds the peer's state and could take over (-s ready)",
	    p->not_ready ? 0 : 1);
	ctf_prom_header(b, "ctflow_sync_not_ready_reason", "gauge",
			"Why the node is not ready, one series per reason");
	for (bit = 1; bit & SYNC_NOT_READY_ALL; bit <<= 1)
		ctf_prom_sample(b, "ctflow_sync_not_ready_reason",
				(const char *const[]){ "reason", sync_not_ready_name(bit), NULL },
				p->not_ready & bit ? 1 : 0);
}

static void protocol(struct ctf_prom_buf *b, const struct sync_pub *p)
{
	one(b, "ctflow_sync_peer_last_heard_seconds", "gauge",
	    "Seconds since the last valid message from the peer (-1: never)",
	    p->peer_age_ms < 0 ? -1 : (double)p->peer_age_ms / 1000);
	one(b, "ctflow_sync_tx_queue_objects", "gauge", "Messages waiting to be sent",
	    (double)p->txq_len);
	one(b, "ctflow_sync_resend_queue_objects", "gauge",
	    "FTFW: messages sent and not yet acknowledged", (double)p->rsq_len);
	one(b, "ctflow_sync_resend_queue_overflow_total", "counter",
	    "FTFW: unacknowledged messages dropped because ResendQueueSize was reached",
	    (double)p->rsq_overflows);
	one(b, "ctflow_sync_rx_gaps_total", "counter", "Gaps in the peer's sequence numbers",
	    (double)p->ctr.rx_gaps);
	one(b, "ctflow_sync_rx_lost_messages_total", "counter",
	    "Messages of the peer never received (the true count)", (double)p->ctr.rx_lost);
	one(b, "ctflow_sync_rx_nacks_sent_total", "counter", "FTFW: NACKs sent",
	    (double)p->ctr.nacks_sent);
	one(b, "ctflow_sync_rx_unknown_attr_total", "counter",
	    "Attributes with ids 1.4.7 does not know, skipped", (double)p->ctr.rx_unknown_attr);
	one(b, "ctflow_sync_bulks_total", "counter", "Whole-cache sends (-B, resync answers)",
	    (double)p->ctr.bulks);
}

static void kernel(struct ctf_prom_buf *b, const struct sync_pub *p)
{
	one(b, "ctflow_sync_events_total", "counter", "Kernel events filed by the sync engine",
	    (double)p->ctr.events);
	one(b, "ctflow_sync_commit_seconds", "gauge", "Duration of the last commit (-c)",
	    (double)p->ctr.commit_usecs / 1e6);
	ctf_prom_header(b, "ctflow_sync_commit_entries_total", "counter",
			"Entries committed to the kernel, by result");
	ctf_prom_sample(b, "ctflow_sync_commit_entries_total",
			(const char *const[]){ "result", "ok", NULL }, (double)p->ctr.commit_ok);
	ctf_prom_sample(b, "ctflow_sync_commit_entries_total",
			(const char *const[]){ "result", "failed", NULL },
			(double)p->ctr.commit_fail);
}

void sync_engine_render(struct sync_engine *e, struct ctf_prom_buf *b)
{
	static __thread struct sync_pub p; /* a few KiB: not on the server thread's stack */

	pthread_mutex_lock(&e->pub_lock);
	p = e->pub;
	pthread_mutex_unlock(&e->pub_lock);
	if (!p.mode)
		return;
	ctf_prom_header(b, "ctflow_sync_info", "gauge", "The sync mode this daemon runs");
	ctf_prom_sample(b, "ctflow_sync_info", (const char *const[]){ "mode", p.mode, NULL }, 1);
	caches(b, &p);
	kernel(b, &p);
	if (p.stats_mode)
		return;
	messages(b, &p);
	malformed(b, &p);
	channels(b, &p);
	protocol(b, &p);
	readiness(b, &p);
}
