// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The /metrics page. It runs on the HTTP server's thread and reads only what
 * other threads publish: per-thread counters (relaxed atomics), the table's
 * and the stream's counters, and the kernel's statistics fetched on a socket
 * of its own. It never walks the flow table, so a scrape costs the same at
 * ten flows and at a million, and never stalls a reader.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <prometheus/prometheus.h>
#include <stream/stream.h>

#include "collector.h"
#include "metrics.h"
#include "sync/sync.h"

static const char *const proto_names[P_N] = { "tcp",  "udp", "icmp",	"icmpv6", "sctp",
					      "dccp", "gre", "udplite", "other" };
static const char *const reason_names[8] = { "unknown",	   "end",      "active_timeout",
					     "evicted",	   "gap",      "resync_end",
					     "shutdown",   "start" };
static const char *const event_names[EV_N] = { "new", "update", "destroy" };
static const char *const dir_names[2] = { "original", "reply" };

static uint64_t ld(const _Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

/* Every producer: the readers, then the poller. */
static const struct coll_counters *producer(const struct collector *c, unsigned int i)
{
	return i < c->nreaders ? &c->readers[i].prod.ctr : &c->poller.ctr;
}

#define NPROD(c) ((c)->nreaders + 1)

/* The sum of one counter over every producer. */
#define SUM(c, field)                                                  \
	({                                                             \
		uint64_t s_ = 0;                                       \
		for (unsigned int i_ = 0; i_ < NPROD(c); i_++)         \
			s_ += ld(&producer(c, i_)->field);             \
		s_;                                                    \
	})

static void counter(struct ctf_prom_buf *b, const char *name, const char *help, uint64_t v)
{
	ctf_prom_header(b, name, "counter", help);
	ctf_prom_sample(b, name, NULL, (double)v);
}

static void gauge(struct ctf_prom_buf *b, const char *name, const char *help, double v)
{
	ctf_prom_header(b, name, "gauge", help);
	ctf_prom_sample(b, name, NULL, v);
}

static const char *state_name(unsigned int proto, unsigned int state)
{
	const char *n = NULL;

	if (proto == P_TCP)
		n = ctf_tcp_state_name((uint8_t)state);
	else if (proto == P_SCTP)
		n = ctf_sctp_state_name((uint8_t)state);
	else if (proto == P_DCCP)
		n = ctf_dccp_state_name((uint8_t)state);
	else if (state == 0)
		n = "none";
	return n;
}

static void render_flows(struct ctf_prom_buf *b, const struct collector *c)
{
	unsigned int p, s, i;

	ctf_prom_header(b, "ctflow_flows", "gauge",
			"Flows in the collector's table by protocol and state");
	for (p = 0; p < P_N; p++) {
		for (s = 0; s < STATE_N; s++) {
			const char *labels[5] = { "protocol", proto_names[p], "state", NULL, NULL };
			int64_t v = 0;

			for (i = 0; i < NPROD(c); i++)
				v += atomic_load_explicit(&producer(c, i)->flows[p][s],
							  memory_order_relaxed);
			labels[3] = state_name(p, s);
			if (v == 0 || !labels[3])
				continue;
			ctf_prom_sample(b, "ctflow_flows", labels, (double)(v < 0 ? 0 : v));
		}
	}
}

static void render_traffic(struct ctf_prom_buf *b, const struct collector *c)
{
	static const char *const names[2] = { "ctflow_flow_bytes_total",
					      "ctflow_flow_packets_total" };
	static const char *const helps[2] = {
		"Bytes accounted in records (sum of deltas) by protocol and direction",
		"Packets accounted in records (sum of deltas) by protocol and direction"
	};
	unsigned int k, p, d;

	for (k = 0; k < 2; k++) {
		ctf_prom_header(b, names[k], "counter", helps[k]);
		for (p = 0; p < P_N; p++) {
			for (d = 0; d < 2; d++) {
				const char *labels[5] = { "protocol", proto_names[p], "direction",
							  dir_names[d], NULL };
				uint64_t v = k == 0 ? SUM(c, bytes[p][d]) : SUM(c, packets[p][d]);

				ctf_prom_sample(b, names[k], labels, (double)v);
			}
		}
	}
}

static void render_events(struct ctf_prom_buf *b, const struct collector *c)
{
	unsigned int e, r;

	ctf_prom_header(b, "ctflow_events_total", "counter", "Conntrack events received by type");
	for (e = 0; e < EV_N; e++) {
		const char *labels[3] = { "type", event_names[e], NULL };

		ctf_prom_sample(b, "ctflow_events_total", labels, (double)SUM(c, events[e]));
	}
	counter(b, "ctflow_events_malformed_total", "Netlink messages that did not parse (skipped)",
		SUM(c, malformed));
	counter(b, "ctflow_events_truncated_total", "Datagrams larger than the receive buffer",
		SUM(c, truncated));
	counter(b, "ctflow_events_filtered_total", "Events dropped by the Filter section",
		SUM(c, filtered));
	counter(b, "ctflow_events_late_total",
		"NEW or UPDATE events that arrived after their flow's DESTROY (ignored)",
		SUM(c, late));
	counter(b, "ctflow_destroy_unknown_total",
		"DESTROY events for flows the table did not hold (final record from the event)",
		SUM(c, unknown_destroy));
	counter(b, "ctflow_destroy_duplicate_total", "DESTROY events for already destroyed flows",
		SUM(c, dup_destroy));
	counter(b, "ctflow_netlink_overruns_total",
		"Event socket overruns (ENOBUFS); each is a GAP record and a resync",
		SUM(c, overruns));
	counter(b, "ctflow_events_lost_total", "Events the kernel dropped for the event sockets",
		SUM(c, lost));
	ctf_prom_header(b, "ctflow_records_total", "counter", "Records made by reason");
	for (r = 1; r < 8; r++) {
		const char *labels[3] = { "reason", reason_names[r], NULL };

		ctf_prom_sample(b, "ctflow_records_total", labels, (double)SUM(c, records[r]));
	}
	counter(b, "ctflow_ring_dropped_total",
		"Records refused because a ring to the exporter was full", SUM(c, ring_full));
}

static void reader_label(char *buf, size_t len, const struct collector *c, unsigned int i)
{
	if (i < c->nreaders)
		snprintf(buf, len, "%u", i);
	else
		snprintf(buf, len, "poller");
}

static void render_readers(struct ctf_prom_buf *b, const struct collector *c)
{
	char id[16];
	unsigned int i;

	ctf_prom_header(b, "ctflow_reader_events_total", "counter",
			"Events handled per reader (reader N takes the CPUs with cpu % readers == N)");
	for (i = 0; i < c->nreaders; i++) {
		const struct coll_counters *k = producer(c, i);
		const char *labels[3] = { "reader", id, NULL };

		reader_label(id, sizeof(id), c, i);
		ctf_prom_sample(b, "ctflow_reader_events_total", labels,
				(double)(ld(&k->events[0]) + ld(&k->events[1]) + ld(&k->events[2])));
	}
	ctf_prom_header(b, "ctflow_reader_cpu_seconds_total", "counter",
			"CPU time used by each reader thread");
	for (i = 0; i < c->nreaders; i++) {
		const char *labels[3] = { "reader", id, NULL };
		struct timespec ts;
		clockid_t cid;

		reader_label(id, sizeof(id), c, i);
		if (pthread_getcpuclockid(c->readers[i].thread, &cid) != 0 ||
		    clock_gettime(cid, &ts) != 0)
			continue;
		ctf_prom_sample(b, "ctflow_reader_cpu_seconds_total", labels,
				(double)ts.tv_sec + ts.tv_nsec / 1e9);
	}
	ctf_prom_header(b, "ctflow_reader_batches_total", "counter",
			"Batched receives (recvmmsg calls) that returned events");
	for (i = 0; i < c->nreaders; i++) {
		const char *labels[3] = { "reader", id, NULL };

		reader_label(id, sizeof(id), c, i);
		ctf_prom_sample(b, "ctflow_reader_batches_total", labels,
				(double)ld(&producer(c, i)->batches));
	}
	ctf_prom_header(b, "ctflow_reader_rcvbuf_bytes", "gauge",
			"Receive buffer requested for each event socket");
	for (i = 0; i < c->nreaders; i++) {
		const char *labels[3] = { "reader", id, NULL };

		reader_label(id, sizeof(id), c, i);
		ctf_prom_sample(b, "ctflow_reader_rcvbuf_bytes", labels,
				(double)atomic_load(&c->readers[i].rcvbuf_now));
	}
	ctf_prom_header(b, "ctflow_ring_records", "gauge", "Records queued for the exporter");
	for (i = 0; i < c->nrings; i++) {
		const char *labels[3] = { "reader", id, NULL };

		reader_label(id, sizeof(id), c, i);
		ctf_prom_sample(b, "ctflow_ring_records", labels, (double)ctf_ring_len(c->rings[i]));
	}
}

static void render_table(struct ctf_prom_buf *b, struct collector *c)
{
	struct ctf_table_stats st;

	ctf_table_get_stats(c->table, &st);
	gauge(b, "ctflow_table_flows", "Live flows in the collector's table", (double)st.live);
	gauge(b, "ctflow_table_tombstones", "Recently destroyed flows kept to stop late events",
	      (double)st.tombstones);
	gauge(b, "ctflow_table_capacity", "Most entries the table holds (TableSize)",
	      (double)st.capacity);
	gauge(b, "ctflow_table_fill_ratio", "(flows + tombstones) / capacity",
	      (double)(st.live + st.tombstones) / (double)st.capacity);
	gauge(b, "ctflow_table_memory_bytes", "Memory the table allocated", (double)st.bytes);
	counter(b, "ctflow_table_inserts_total", "Entries inserted into the table", st.inserts);
	counter(b, "ctflow_table_evictions_total",
		"Inserts refused because the table was full: each refused event or dumped "
		"entry, so an untracked flow can count more than once",
		st.refused);
	counter(b, "ctflow_resyncs_total", "Resync dumps after event socket overruns",
		atomic_load(&c->resyncs));
	counter(b, "ctflow_dumps_total", "Kernel table dumps (seed, counter polls, resyncs)",
		atomic_load(&c->dumps));
	counter(b, "ctflow_dump_errors_total", "Dumps that failed or were inconsistent",
		atomic_load(&c->dump_errors));
	gauge(b, "ctflow_dump_duration_seconds", "Duration of the last dump",
	      (double)atomic_load(&c->dump_usecs) / 1e6);
	gauge(b, "ctflow_kernel_accounting_enabled", "net.netfilter.nf_conntrack_acct at start",
	      c->acct_on);
	gauge(b, "ctflow_kernel_timestamps_enabled",
	      "net.netfilter.nf_conntrack_timestamp at start", c->tstamp_on);
}

/* The kernel's own statistics, fetched on the scrape thread's socket. */
struct kstats {
	struct ctf_prom_buf *b;
	struct ctf_ct_cpu_stats cpu[1024];
	unsigned int n;
	uint32_t entries;
	uint32_t max;
	bool global;
};

static int cpu_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kstats *k = data;

	if (k->n < sizeof(k->cpu) / sizeof(k->cpu[0]) &&
	    ctf_ct_parse_cpu_stats(nlh, &k->cpu[k->n]) == 0)
		k->n++;
	return MNL_CB_OK;
}

static int global_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kstats *k = data;

	if (ctf_ct_parse_global_stats(nlh, &k->entries, &k->max) == 0)
		k->global = true;
	return MNL_CB_OK;
}

static void fetch_kernel_stats(struct collector *c, struct kstats *k)
{
	char buf[CTF_NL_REQ_SIZE];
	struct nlmsghdr *nlh;

	pthread_mutex_lock(&c->stats_lock); /* libmicrohttpd may scrape on two threads */
	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_GET_STATS_CPU, NLM_F_DUMP, AF_UNSPEC,
			     ctf_nl_next_seq(c->stats_nl));
	(void)ctf_nl_dump(c->stats_nl, nlh, cpu_stats_cb, k, 0);
	nlh = ctf_ct_msg_put(buf, IPCTNL_MSG_CT_GET_STATS, NLM_F_ACK, AF_UNSPEC,
			     ctf_nl_next_seq(c->stats_nl));
	(void)ctf_nl_request(c->stats_nl, nlh, global_stats_cb, k);
	pthread_mutex_unlock(&c->stats_lock);
}

static void render_kernel(struct ctf_prom_buf *b, struct collector *c, struct kstats *k)
{
	static const struct {
		enum ctf_ct_stat stat;
		const char *name;
		const char *help;
	} stats[] = {
		{ CTF_CT_STAT_FOUND, "found", "lookups that found an entry" },
		{ CTF_CT_STAT_INVALID, "invalid", "packets conntrack could not track" },
		{ CTF_CT_STAT_INSERT, "insert", "entries inserted" },
		{ CTF_CT_STAT_INSERT_FAILED, "insert_failed", "inserts that failed" },
		{ CTF_CT_STAT_DROP, "drop", "packets dropped because an insert failed" },
		{ CTF_CT_STAT_EARLY_DROP, "early_drop", "entries dropped early to make room" },
		{ CTF_CT_STAT_ERROR, "error", "ICMP errors conntrack could not match" },
		{ CTF_CT_STAT_SEARCH_RESTART, "search_restart", "lookups restarted by a resize" },
		{ CTF_CT_STAT_CLASH_RESOLVE, "clash_resolve", "insert clashes resolved" },
		{ CTF_CT_STAT_CHAIN_TOOLONG, "chaintoolong", "hash chains found too long" },
	};
	char name[96], help[160], cpu[16];
	unsigned int s, i;

	fetch_kernel_stats(c, k);
	if (k->global) {
		gauge(b, "ctflow_conntrack_entries", "Entries in the kernel's conntrack table",
		      k->entries);
		gauge(b, "ctflow_conntrack_limit", "The kernel table's limit (nf_conntrack_max)",
		      k->max);
	}
	for (s = 0; s < sizeof(stats) / sizeof(stats[0]); s++) {
		snprintf(name, sizeof(name), "ctflow_conntrack_%s_total", stats[s].name);
		snprintf(help, sizeof(help), "Kernel per-CPU conntrack statistics: %s",
			 stats[s].help);
		ctf_prom_header(b, name, "counter", help);
		for (i = 0; i < k->n; i++) {
			const char *labels[3] = { "cpu", cpu, NULL };

			if (!(k->cpu[i].present & (1U << stats[s].stat)))
				continue;
			snprintf(cpu, sizeof(cpu), "%u", k->cpu[i].cpu);
			ctf_prom_sample(b, name, labels, (double)k->cpu[i].value[stats[s].stat]);
		}
	}
}

static void render_stream(struct ctf_prom_buf *b, const struct ctf_stream *s)
{
	struct ctf_stream_stats st;

	if (!s)
		return;
	ctf_stream_get_stats(s, &st);
	counter(b, "ctflow_sink_records_total", "Records written to the record file", st.records);
	counter(b, "ctflow_sink_bytes_total", "Bytes written to the record file", st.bytes);
	counter(b, "ctflow_sink_write_errors_total", "Failed writes to the record file",
		st.write_errors);
	counter(b, "ctflow_sink_records_lost_total", "Records that could not be written",
		st.records_lost);
	counter(b, "ctflow_sink_rotations_total", "Record files rotated", st.rotations);
}

/* process_* as every Prometheus client library exports them. */
static void render_process(struct ctf_prom_buf *b, uint64_t start_ns)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long vsize = 0, rss_pages = 0, size;
	struct rusage ru;
	struct rlimit rl;
	struct dirent *de;
	unsigned int fds = 0;
	FILE *f;
	DIR *d;

	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		ctf_prom_header(b, "process_cpu_seconds_total", "counter", "User and system CPU time");
		ctf_prom_sample(b, "process_cpu_seconds_total", NULL,
				(double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
					(double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	}
	f = fopen("/proc/self/statm", "re");
	if (f) {
		if (fscanf(f, "%lu %lu", &size, &rss_pages) == 2)
			vsize = size * (unsigned long)page;
		fclose(f);
	}
	gauge(b, "process_resident_memory_bytes", "Resident memory",
	      (double)rss_pages * (double)page);
	gauge(b, "process_virtual_memory_bytes", "Virtual memory", (double)vsize);
	gauge(b, "process_start_time_seconds", "Start time since the epoch", (double)start_ns / 1e9);
	d = opendir("/proc/self/fd");
	if (d) {
		while ((de = readdir(d)))
			fds += de->d_name[0] != '.';
		closedir(d);
		gauge(b, "process_open_fds", "Open file descriptors", fds > 0 ? fds - 1 : 0);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		gauge(b, "process_max_fds", "File descriptor limit", (double)rl.rlim_cur);
}

int coll_metrics_render(struct ctf_prom_buf *out, void *data)
{
	struct coll_metrics *m = data;
	struct collector *c = atomic_load(&m->collector);
	static __thread struct kstats k; /* 70 KiB: not on the server thread's stack */

	ctf_prom_header(out, "ctflow_build_info", "gauge", "ctflow's version");
	ctf_prom_sample(out, "ctflow_build_info",
			(const char *const[]){ "version", CTF_DAEMON_VERSION, NULL }, 1);
	if (c) {
		memset(&k, 0, sizeof(k));
		render_kernel(out, c, &k);
		render_flows(out, c);
		render_traffic(out, c);
		render_events(out, c);
		render_readers(out, c);
		if (c->table)
			render_table(out, c);
	}
	if (atomic_load(&m->sync))
		sync_engine_render(atomic_load(&m->sync), out);
	render_stream(out, atomic_load(&m->stream));
	render_process(out, m->start_ns);
	return out->error;
}
