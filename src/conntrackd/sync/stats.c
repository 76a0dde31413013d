// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd: 1.4.7's statistics texts from counter structs, plus -s ready and -s json. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "stats.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The format strings below are 1.4.7's (cache.c, traffic_stats.c, sync-mode.c, run.c,
 * queue.c, sync-ftfw.c, process.c), with %u/%llu widened to 64 bits. */
#define U12 "%12" PRIu64
#define U20 "%20" PRIu64

static void cache_short(struct sync_out *o, const char *name, const struct sync_cache_stats *s)
{
	out_printf(o,
		   "cache %s:\n"
		   "current active connections:\t" U12 "\n"
		   "connections created:\t\t" U12 "\tfailed:\t" U12 "\n"
		   "connections updated:\t\t" U12 "\tfailed:\t" U12 "\n"
		   "connections destroyed:\t\t" U12 "\tfailed:\t" U12 "\n\n",
		   name, s->active, s->add_ok, s->add_fail, s->upd_ok, s->upd_fail, s->del_ok,
		   s->del_fail);
}

static void cache_bypass(struct sync_out *o, const struct sync_cache_stats *s)
{
	out_printf(o,
		   "internal bypass:\n"
		   "connections new:\t\t" U12 "\n"
		   "connections updated:\t\t" U12 "\n"
		   "connections destroyed:\t\t" U12 "\n\n",
		   s->add_ok, s->upd_ok, s->del_ok);
}

static void cache_inject(struct sync_out *o, const struct sync_cache_stats *s)
{
	out_printf(o,
		   "external inject:\n"
		   "connections created:\t\t" U12 "\tfailed:\t" U12 "\n"
		   "connections updated:\t\t" U12 "\tfailed:\t" U12 "\n"
		   "connections destroyed:\t\t" U12 "\tfailed:\t" U12 "\n\n",
		   s->add_ok, s->add_fail, s->upd_ok, s->upd_fail, s->del_ok, s->del_fail);
}

void sync_stats_cache(struct sync_out *o, const char *name, const struct sync_cache_stats *s)
{
	switch (s->kind) {
	case SYNC_CACHE_BYPASS:
		cache_bypass(o, s);
		break;
	case SYNC_CACHE_INJECT:
		cache_inject(o, s);
		break;
	default:
		cache_short(o, name, s);
		break;
	}
}

void sync_stats_cache_ext(struct sync_out *o, const char *name, const struct sync_cache_stats *s)
{
	if (s->kind != SYNC_CACHE_TABLE) {
		/* 1.4.7's bypass and inject handlers use their short text for both */
		sync_stats_cache(o, name, s);
		return;
	}
	out_printf(o,
		   "cache:%s\tactive objects:\t\t" U12 "\n"
		   "\tactive/total entries:\t\t" U12 "/" U12 "\n"
		   "\tcreation OK/failed:\t\t" U12 "/" U12 "\n"
		   "\t\tno memory available:\t" U12 "\n"
		   "\t\tno space left in cache:\t" U12 "\n"
		   "\tupdate OK/failed:\t\t" U12 "/" U12 "\n"
		   "\t\tentry not found:\t" U12 "\n"
		   "\tdeletion created/failed:\t" U12 "/" U12 "\n"
		   "\t\tentry not found:\t" U12 "\n\n",
		   name, s->objects, s->active, s->entries, s->add_ok, s->add_fail,
		   s->add_fail_enomem, s->add_fail_enospc, s->upd_ok, s->upd_fail,
		   s->upd_fail_enoent, s->del_ok, s->del_fail, s->del_fail_enoent);
}

void sync_stats_traffic(struct sync_out *o, const struct sync_traffic_stats *s)
{
	out_printf(o, "traffic processed:\n" U20 " Bytes      " U20 " Pckts\n\n",
		   s->bytes_orig + s->bytes_repl, s->packets_orig + s->packets_repl);
}

void sync_stats_msg(struct sync_out *o, const struct sync_msg_stats *s)
{
	out_printf(o, "message tracking:\n" U20 " Malformed msgs " U20 " Lost msgs\n\n",
		   s->rx_malformed, s->rx_lost);
}

void sync_stats_network(struct sync_out *o, const struct sync_msg_stats *s)
{
	out_printf(o,
		   "network statistics:\n"
		   "\trecv:\n"
		   "\t\tMalformed messages:\t" U20 "\n"
		   "\t\tWrong protocol version:\t" U20 "\n"
		   "\t\tMalformed header:\t" U20 "\n"
		   "\t\tMalformed payload:\t" U20 "\n"
		   "\t\tBad message type:\t" U20 "\n"
		   "\t\tTruncated message:\t" U20 "\n"
		   "\t\tBad message size:\t" U20 "\n"
		   "\tsend:\n"
		   "\t\tMalformed messages:\t" U20 "\n\n"
		   "sequence tracking statistics:\n"
		   "\trecv:\n"
		   "\t\tPackets lost:\t\t" U20 "\n"
		   "\t\tPackets before:\t\t" U20 "\n\n",
		   s->rx_malformed, s->rx_bad_version, s->rx_bad_header, s->rx_bad_payload,
		   s->rx_bad_type, s->rx_truncated, s->rx_bad_size, s->tx_malformed, s->rx_lost,
		   s->rx_before);
}

/* run.c uptime(): "2 days 3 h 4 min", "1 day 5 min", "0 min". */
static void uptime_text(struct sync_out *o, uint64_t secs)
{
	uint64_t days = secs / 86400, mins = secs / 60, hours = (mins / 60) % 24;

	mins %= 60;
	if (days)
		out_printf(o, "%" PRIu64 " day%s ", days, days != 1 ? "s" : "");
	if (hours)
		out_printf(o, "%" PRIu64 " h %" PRIu64 " min", hours, mins);
	else
		out_printf(o, "%" PRIu64 " min", mins);
}

void sync_stats_runtime(struct sync_out *o, const struct sync_runtime_stats *s)
{
	out_printf(o, "daemon uptime: ");
	uptime_text(o, s->uptime_secs);
	out_printf(o,
		   "\n\n"
		   "netlink stats:\n"
		   "\tevents received:\t" U20 "\n"
		   "\tevents filtered:\t" U20 "\n"
		   "\tevents unknown type:\t\t" U12 "\n"
		   "\tcatch event failed:\t\t" U12 "\n"
		   "\tdump unknown type:\t\t" U12 "\n"
		   "\tnetlink overrun:\t\t" U12 "\n"
		   "\tflush kernel table:\t\t" U12 "\n"
		   "\tresync with kernel table:\t" U12 "\n"
		   "\tcurrent buffer size (in bytes):\t" U12 "\n\n",
		   s->nl_events_received, s->nl_events_filtered, s->nl_events_unknown_type,
		   s->nl_catch_event_failed, s->nl_dump_unknown_type, s->nl_overrun,
		   s->nl_kernel_table_flush, s->nl_kernel_table_resync, s->nl_buffer_size);
	out_printf(o,
		   "runtime stats:\n"
		   "\tchild process failed:\t\t" U12 "\n"
		   "\t\tchild process segfault:\t" U12 "\n"
		   "\t\tchild process termsig:\t" U12 "\n"
		   "\tselect failed:\t\t\t" U12 "\n"
		   "\twait failed:\t\t\t" U12 "\n"
		   "\tlocal read failed:\t\t" U12 "\n"
		   "\tlocal unknown request:\t\t" U12 "\n\n",
		   s->child_process_failed, s->child_process_error_segfault,
		   s->child_process_error_term, s->select_failed, s->wait_failed,
		   s->local_read_failed, s->local_unknown_request);
}

void sync_stats_queues(struct sync_out *o, uint64_t nodes, const struct sync_queue_stats *q,
		       size_t n)
{
	size_t i;

	out_printf(o, "allocated queue nodes:\t\t" U12 "\n\n", nodes);
	for (i = 0; i < n; i++)
		out_printf(o,
			   "queue %s:\n"
			   "current elements:\t\t" U12 "\n"
			   "maximum elements:\t\t" U12 "\n"
			   "not enough space errors:\t" U12 "\n\n",
			   q[i].name, q[i].current, q[i].max, q[i].enospc);
}

void sync_stats_rsqueue(struct sync_out *o, const struct sync_rsq_entry *e, size_t n)
{
	size_t i;

	out_printf(o, "resent queue (len=%zu)\n", n);
	for (i = 0; i < n; i++) {
		if (e[i].is_ctl)
			out_printf(o, "control -> seq:%" PRIu32 " flags:%u\n", e[i].seq,
				   (unsigned int)e[i].flags);
		else
			out_printf(o, "object -> seq:%" PRIu32 "\n", e[i].seq);
	}
}

void sync_stats_process(struct sync_out *o, const struct sync_proc *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out_printf(o, "PID=%" PRIu32 " type=%s\n", p[i].pid, p[i].type);
}

static const char *const not_ready_names[] = {
	"no-channel",	  "peer-silent",   "nack-pending",
	"resync-pending", "cache-refused", "rsqueue-overflow",
};

const char *sync_not_ready_name(unsigned int bit)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(not_ready_names); i++)
		if (bit == 1U << i)
			return not_ready_names[i];
	return NULL;
}

void sync_stats_ready(struct sync_out *o, unsigned int not_ready)
{
	const char *sep = "not ready: ";
	size_t i;

	if (!(not_ready & SYNC_NOT_READY_ALL)) {
		out_printf(o, "ready\n");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(not_ready_names); i++) {
		if (!(not_ready & (1U << i)))
			continue;
		out_printf(o, "%s%s", sep, not_ready_names[i]);
		sep = ", ";
	}
	out_printf(o, "\n");
}

/* -s json. The key names are documented in doc/sync-stats.md; change both together. */

struct field {
	const char *key;
	uint64_t v;
};

static void json_str(struct sync_out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	out_put(o, "\"", 1);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			out_printf(o, "\\%c", *p);
		else if (*p < 0x20)
			out_printf(o, "\\u%04x", *p);
		else
			out_put(o, (const char *)p, 1);
	}
	out_put(o, "\"", 1);
}

/* "a":1,"b":2 (each after a comma unless @first) */
static void json_fields(struct sync_out *o, const struct field *f, size_t n, bool first)
{
	size_t i;

	for (i = 0; i < n; i++)
		out_printf(o, "%s\"%s\":%" PRIu64, first && !i ? "" : ",", f[i].key, f[i].v);
}

/* ,"key":{"a":1,...} */
static void json_object(struct sync_out *o, const char *key, const struct field *f, size_t n)
{
	out_printf(o, ",\"%s\":{", key);
	json_fields(o, f, n, true);
	out_put(o, "}", 1);
}

static void json_cache(struct sync_out *o, const char *key, bool first,
		       const struct sync_cache_stats *s)
{
	static const char *const kinds[] = { "table", "bypass", "inject" };
	const struct field f[] = {
		{ "active", s->active },
		{ "objects", s->objects },
		{ "entries", s->entries },
		{ "created", s->add_ok },
		{ "create_failed", s->add_fail },
		{ "create_failed_nomem", s->add_fail_enomem },
		{ "create_failed_nospace", s->add_fail_enospc },
		{ "updated", s->upd_ok },
		{ "update_failed", s->upd_fail },
		{ "update_failed_noent", s->upd_fail_enoent },
		{ "destroyed", s->del_ok },
		{ "destroy_failed", s->del_fail },
		{ "destroy_failed_noent", s->del_fail_enoent },
	};

	out_printf(o, "%s\"%s\":{\"kind\":\"%s\"", first ? "" : ",", key,
		   (size_t)s->kind < ARRAY_SIZE(kinds) ? kinds[s->kind] : "table");
	json_fields(o, f, ARRAY_SIZE(f), false);
	out_put(o, "}", 1);
}

static void json_caches(struct sync_out *o, const struct sync_stats_snapshot *s)
{
	out_printf(o, ",\"caches\":{");
	json_cache(o, "internal", true, &s->internal);
	if (s->external)
		json_cache(o, "external", false, s->external);
	if (s->exp_internal)
		json_cache(o, "expect_internal", false, s->exp_internal);
	if (s->exp_external)
		json_cache(o, "expect_external", false, s->exp_external);
	out_put(o, "}", 1);
}

static void json_head(struct sync_out *o, const struct sync_stats_snapshot *s)
{
	const char *sep = "";
	size_t i;

	out_printf(o, "{\"version\":1,\"mode\":");
	json_str(o, s->mode);
	out_printf(o, ",\"ready\":%s,\"not_ready\":[",
		   s->not_ready & SYNC_NOT_READY_ALL ? "false" : "true");
	for (i = 0; i < ARRAY_SIZE(not_ready_names); i++) {
		if (!(s->not_ready & (1U << i)))
			continue;
		out_printf(o, "%s\"%s\"", sep, not_ready_names[i]);
		sep = ",";
	}
	out_printf(o, "],\"uptime_seconds\":%" PRIu64, s->runtime.uptime_secs);
}

static void json_runtime(struct sync_out *o, const struct sync_runtime_stats *r)
{
	const struct field nl[] = {
		{ "events_received", r->nl_events_received },
		{ "events_filtered", r->nl_events_filtered },
		{ "events_unknown_type", r->nl_events_unknown_type },
		{ "catch_event_failed", r->nl_catch_event_failed },
		{ "dump_unknown_type", r->nl_dump_unknown_type },
		{ "overrun", r->nl_overrun },
		{ "kernel_table_flush", r->nl_kernel_table_flush },
		{ "kernel_table_resync", r->nl_kernel_table_resync },
		{ "buffer_size", r->nl_buffer_size },
	};
	const struct field rt[] = {
		{ "child_process_failed", r->child_process_failed },
		{ "child_process_segfault", r->child_process_error_segfault },
		{ "child_process_termsig", r->child_process_error_term },
		{ "select_failed", r->select_failed },
		{ "wait_failed", r->wait_failed },
		{ "local_read_failed", r->local_read_failed },
		{ "local_unknown_request", r->local_unknown_request },
	};

	json_object(o, "netlink", nl, ARRAY_SIZE(nl));
	json_object(o, "runtime", rt, ARRAY_SIZE(rt));
}

static void json_traffic_msg(struct sync_out *o, const struct sync_stats_snapshot *s)
{
	const struct sync_traffic_stats *t = &s->traffic;
	const struct field tf[] = {
		{ "bytes", t->bytes_orig + t->bytes_repl },
		{ "packets", t->packets_orig + t->packets_repl },
		{ "bytes_orig", t->bytes_orig },
		{ "bytes_repl", t->bytes_repl },
		{ "packets_orig", t->packets_orig },
		{ "packets_repl", t->packets_repl },
	};

	json_object(o, "traffic", tf, ARRAY_SIZE(tf));
	if (s->msg) {
		const struct sync_msg_stats *m = s->msg;
		const struct field mf[] = {
			{ "rx_malformed", m->rx_malformed },
			{ "rx_bad_version", m->rx_bad_version },
			{ "rx_bad_header", m->rx_bad_header },
			{ "rx_bad_payload", m->rx_bad_payload },
			{ "rx_bad_type", m->rx_bad_type },
			{ "rx_truncated", m->rx_truncated },
			{ "rx_bad_size", m->rx_bad_size },
			{ "tx_malformed", m->tx_malformed },
			{ "rx_lost", m->rx_lost },
			{ "rx_before", m->rx_before },
		};

		json_object(o, "messages", mf, ARRAY_SIZE(mf));
	}
}

static void json_queues(struct sync_out *o, const struct sync_stats_snapshot *s)
{
	size_t i;

	out_printf(o, ",\"queue_nodes\":%" PRIu64 ",\"queues\":[", s->queue_nodes);
	for (i = 0; i < s->nqueues; i++) {
		const struct sync_queue_stats *q = &s->queues[i];
		const struct field f[] = {
			{ "current", q->current },
			{ "max", q->max },
			{ "enospc", q->enospc },
		};

		out_printf(o, "%s{\"name\":", i ? "," : "");
		json_str(o, q->name);
		json_fields(o, f, ARRAY_SIZE(f), false);
		out_put(o, "}", 1);
	}
	out_put(o, "]", 1);
	if (s->has_rsqueue)
		out_printf(o, ",\"rsqueue_len\":%" PRIu64, s->rsqueue_len);
}

static void json_channel(struct sync_out *o, size_t i, bool current,
			 const struct sync_channel_counters *c)
{
	const struct field f[] = {
		{ "bytes_tx", c->bytes_tx },	     { "bytes_rx", c->bytes_rx },
		{ "datagrams_tx", c->datagrams_tx }, { "datagrams_rx", c->datagrams_rx },
		{ "errors_tx", c->errors_tx },	     { "errors_rx", c->errors_rx },
		{ "dropped_tx", c->dropped_tx },
	};

	out_printf(o, "%s{\"index\":%zu,\"ifname\":", i ? "," : "", i);
	json_str(o, c->ifname);
	out_printf(o, ",\"current\":%s,\"up\":%s,\"connected\":%s,\"accepted\":%s",
		   current ? "true" : "false", c->up ? "true" : "false",
		   c->connected ? "true" : "false", c->accepted ? "true" : "false");
	json_fields(o, f, ARRAY_SIZE(f), false);
	out_put(o, "}", 1);
}

void sync_stats_json(struct sync_out *o, const struct sync_stats_snapshot *s)
{
	size_t i;

	json_head(o, s);
	json_runtime(o, &s->runtime);
	json_caches(o, s);
	json_traffic_msg(o, s);
	json_queues(o, s);
	out_printf(o, ",\"channels\":[");
	for (i = 0; i < s->nchannels; i++)
		json_channel(o, i, i == s->current_channel, &s->channels[i]);
	out_printf(o, "]}\n");
}
