// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd: Stats mode (1.4.7's stats-mode.c), the engine without peers:
 * a cache of the kernel's conntracks ("cache stats"), fed by the same dump
 * and readers, and one line per destroyed flow in the Stats LogFile
 * ("<ctime>\t<conntrack text>", and syslog with Stats { Syslog }).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <ctflow/format.h>
#include <ctflow/log.h>

#include "engine.h"
#include "request.h"
#include "stats.h"

static void noop_obj(struct sync_engine *e, struct sync_obj *o)
{
	(void)e;
	(void)o;
}

static void noop(struct sync_engine *e)
{
	(void)e;
}

const struct sync_mode sync_mode_stats = {
	.name = "STATS",
	.enqueue = noop_obj,
	.xmit = noop,
};

int sync_stats_open_log(struct sync_engine *e)
{
	const struct ctf_conf_stats *st = &e->conf->stats;

	if (st->log_file) {
		e->stats_log = fopen(st->log_file, "ae");
		if (!e->stats_log)
			return ctf_log_err(-errno, "can't open logfile `%s'", st->log_file);
		setlinebuf(e->stats_log);
	}
	return 0;
}

/* dlog_ct(STATE(stats_log), ct, NFCT_O_PLAIN): the flow as the DESTROY event had it. */
static void log_destroyed(struct sync_engine *e, const struct sync_ev *ev)
{
	char line[CTF_FMT_LINE_MAX], when[64];
	struct ctf_fmt fmt = { .flags = CTF_FMT_F_NO_TIMEOUT };
	time_t t = time(NULL);
	struct ctf_flow f;
	size_t n;
	int d;

	if ((!e->stats_log && e->conf->stats.syslog_facility < 0) ||
	    ctf_sync_ct_decode(ev->body, ev->body_len, &f, NULL) < 0)
		return;
	f.set &= ~(CTF_FLOW_BIT(CTF_FLOW_A_NAT_SRC) | CTF_FLOW_BIT(CTF_FLOW_A_NAT_DST));
	if (ev->reply.l3num) {
		f.reply = ev->reply;
		ctf_flow_set(&f, CTF_FLOW_A_REPLY);
	}
	for (d = 0; d < 2; d++) {
		f.counters[d] = ev->counters[d];
		if (ev->counters[d].packets || ev->counters[d].bytes)
			ctf_flow_set(&f, CTF_FLOW_A_COUNTERS_ORIG + d);
	}
	n = ctf_fmt_flow(line, sizeof(line), &f, &fmt);
	if (n == 0 || n >= sizeof(line))
		return;
	ctime_r(&t, when);
	when[strcspn(when, "\n")] = '\0';
	if (e->stats_log)
		fprintf(e->stats_log, "%s\t%s", when, line);
	if (e->conf->stats.syslog_facility >= 0) {
		line[n - 1] = '\0';
		syslog(LOG_INFO, "%s", line);
	}
}

/* NEW adds (an existing entry stays), UPD upserts, DESTROY removes and logs. */
void sync_stats_event(struct sync_engine *e, const struct sync_ev *ev)
{
	uint32_t hash = sync_cache_hash(&e->internal, &ev->key);
	struct sync_obj *o = sync_cache_find(&e->internal, &ev->key, hash);

	if (ev->type == SYNC_EV_DESTROY) {
		if (!o)
			return;
		for (int d = 0; d < 2; d++) {
			e->ctr.traffic[d].bytes += ev->counters[d].bytes;
			e->ctr.traffic[d].packets += ev->counters[d].packets;
		}
		e->internal.st.destroyed++;
		log_destroyed(e, ev);
		sync_cache_unlink(&e->internal, o);
		return;
	}
	if (o && ev->type == SYNC_EV_NEW)
		return;
	sync_internal_upsert(e, o, ev, hash);
}
