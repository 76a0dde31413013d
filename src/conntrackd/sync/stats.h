/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd: the statistics texts of conntrack-tools 1.4.7 (-s and its
 * words), byte for byte, rendered from plain counter structs the sync
 * engine fills; plus ctflow's `-s ready` and `-s json`.
 *
 * What 1.4.7 answers to each request, block by block, in this order
 * (run.c local_handler, then ctnl_local, then the mode's handler:
 * sync-mode.c local_handler_sync and the FTFW/NOTRACK local hooks, or
 * stats-mode.c local_handler_stats). "channel" and "link" are the channel
 * engineer's sync_channels_stats_text() and sync_channels_link_text().
 *
 *  code                  Sync mode                             Stats mode
 *  21 -s, -s ct          cache(internal) cache(external)       cache("stats")
 *                        traffic channel msg                   traffic
 *  28 -s network         network channel                       (nothing)
 *  29 -s cache           cache_ext(internal) cache_ext(extern) cache_ext("stats")
 *  30 -s runtime         runtime                               runtime
 *  31 -s link|multicast  link                                  (nothing)
 *  32 -s rsqueue         FTFW: rsqueue; ALARM, NOTRACK: nothing (nothing)
 *  35 -s process         process (nothing while no child runs)  process
 *  36 -s queue           queues: txqueue, errorq, then rsqueue (nothing)
 *                        in FTFW only, in that order
 *  37 -s expect          with ExpectationSync: cache(internal   (nothing)
 *                        exp) cache(external exp) traffic
 *                        channel msg; without it: nothing
 * 100 -s ready (ctflow)  ready                                 ready
 * 101 -s json (ctflow)   json                                  json
 *
 * "cache(x)" prints "cache x:" for a cache, "internal bypass:" under
 * DisableInternalCache and "external inject:" under DisableExternalCache;
 * cache_ext() of those two prints the same short block (1.4.7 has no
 * extended one). Every other code gets no text (its action's logs only).
 * Checked against the real daemon: tests/fixtures/conntrackd/README.md.
 */
#ifndef CONNTRACKD_SYNC_STATS_H
#define CONNTRACKD_SYNC_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "out.h"

/*
 * Counters are 64-bit; 1.4.7 keeps most in 32 bits and wraps. Below 2^32
 * the texts are identical, above it ours shows the true value.
 */

enum sync_cache_kind {
	SYNC_CACHE_TABLE,  /* a real cache: "cache NAME:" */
	SYNC_CACHE_BYPASS, /* DisableInternalCache: "internal bypass:", add/upd/del_ok only */
	SYNC_CACHE_INJECT, /* DisableExternalCache: "external inject:", the ok/fail pairs */
};

/* 1.4.7 cache.c struct cache's stats (and hashtable_counter). */
struct sync_cache_stats {
	enum sync_cache_kind kind;
	uint64_t active;  /* "current active connections": live entries */
	uint64_t objects; /* "active objects": live + dead still held by a queue */
	uint64_t entries; /* "total entries": entries in the hash table */
	uint64_t add_ok, add_fail, add_fail_enomem, add_fail_enospc;
	uint64_t upd_ok, upd_fail, upd_fail_enoent;
	uint64_t del_ok, del_fail, del_fail_enoent;
};

/* Sum of the counters of destroyed flows (1.4.7 update_traffic_stats). */
struct sync_traffic_stats {
	uint64_t bytes_orig, bytes_repl;
	uint64_t packets_orig, packets_repl;
};

/* 1.4.7 STATE_SYNC(error): what the receive side refused or missed. */
struct sync_msg_stats {
	uint64_t rx_malformed; /* any of the reasons below */
	uint64_t rx_bad_version, rx_bad_header, rx_bad_payload;
	uint64_t rx_bad_type, rx_truncated, rx_bad_size;
	uint64_t tx_malformed;
	uint64_t rx_lost;   /* sequence numbers skipped */
	uint64_t rx_before; /* sequence numbers seen again or older */
};

/* 1.4.7 STATE(stats) and the netlink buffer size, for -s runtime. */
struct sync_runtime_stats {
	uint64_t uptime_secs;
	uint64_t nl_events_received, nl_events_filtered;
	uint64_t nl_events_unknown_type, nl_catch_event_failed, nl_dump_unknown_type;
	uint64_t nl_overrun, nl_kernel_table_flush, nl_kernel_table_resync;
	uint64_t nl_buffer_size; /* bytes: what the event socket's buffer was set to */
	uint64_t child_process_failed, child_process_error_segfault, child_process_error_term;
	uint64_t select_failed, wait_failed;
	uint64_t local_read_failed;	/* sync_ctl_accept() said -EBADMSG */
	uint64_t local_unknown_request; /* 1.4.7 never counts one in Sync or Stats mode */
};

/* One queue of -s queue; 1.4.7's names are "txqueue", "errorq" and "rsqueue". */
struct sync_queue_stats {
	const char *name;
	uint64_t current, max, enospc;
};

/* One entry of the FTFW resend queue, oldest first. */
struct sync_rsq_entry {
	bool is_ctl;   /* a control message (flags printed) or a cache object */
	uint32_t seq;  /* host order */
	uint8_t flags; /* control messages only: NET_F_* */
};

/* One child process of -s process (1.4.7 types: "any", "flush", "commit"). */
struct sync_proc {
	uint32_t pid;
	const char *type;
};

/* Why a node is not ready to take over (ha-sync.md 3.1). */
enum sync_not_ready {
	SYNC_NOT_READY_NO_CHANNEL = 1U << 0,  /* "no-channel": no channel is up */
	SYNC_NOT_READY_PEER_SILENT = 1U << 1, /* "peer-silent": nothing heard in ReadyPeerTimeout */
	SYNC_NOT_READY_NACK_PENDING = 1U << 2,	   /* "nack-pending": a NACK older than 2 s */
	SYNC_NOT_READY_RESYNC_PENDING = 1U << 3,   /* "resync-pending": state transfer not done */
	SYNC_NOT_READY_CACHE_REFUSED = 1U << 4,	   /* "cache-refused": a full cache refused one */
	SYNC_NOT_READY_RSQUEUE_OVERFLOW = 1U << 5, /* "rsqueue-overflow": resend queue overflowed */
	SYNC_NOT_READY_ALL = (1U << 6) - 1,
};

/* sync_not_ready_name - the reason's word (a single bit), or NULL; also the metrics label. */
const char *sync_not_ready_name(unsigned int bit);

/*
 * The blocks. Each appends to @o exactly what 1.4.7 sends for it, blank
 * line included; the block names refer to the table above.
 */

/* cache(@name): "cache NAME:" (or the bypass/inject block). 1.4.7 names: internal, external, stats. */
void sync_stats_cache(struct sync_out *o, const char *name, const struct sync_cache_stats *s);
/* cache_ext(@name): "cache:NAME\tactive objects: ..." (bypass/inject: their short block). */
void sync_stats_cache_ext(struct sync_out *o, const char *name, const struct sync_cache_stats *s);
/* traffic: "traffic processed:", orig + reply bytes and packets. */
void sync_stats_traffic(struct sync_out *o, const struct sync_traffic_stats *s);
/* msg: "message tracking:" (dump_stats_sync). */
void sync_stats_msg(struct sync_out *o, const struct sync_msg_stats *s);
/* network: "network statistics:" and "sequence tracking statistics:". */
void sync_stats_network(struct sync_out *o, const struct sync_msg_stats *s);
/* runtime: "daemon uptime: ...", "netlink stats:", "runtime stats:". */
void sync_stats_runtime(struct sync_out *o, const struct sync_runtime_stats *s);
/* queues: "allocated queue nodes:" (@nodes: control and error-queue objects), then @q[0..n). */
void sync_stats_queues(struct sync_out *o, uint64_t nodes, const struct sync_queue_stats *q,
		       size_t n);
/* rsqueue: "resent queue (len=N)", then one line per entry of @e[0..n), oldest first. */
void sync_stats_rsqueue(struct sync_out *o, const struct sync_rsq_entry *e, size_t n);
/* process: "PID=N type=T" per child; nothing at all for n == 0. */
void sync_stats_process(struct sync_out *o, const struct sync_proc *p, size_t n);

/*
 * ready: "ready\n" when @not_ready is 0, otherwise "not ready: " and the
 * reasons' names in bit order, joined by ", ". The client exits 0 only on
 * "ready" (client.h).
 */
void sync_stats_ready(struct sync_out *o, unsigned int not_ready);

/* Everything -s json reports; pointers are borrowed, NULL/0 where a part does not exist. */
struct sync_stats_snapshot {
	const char *mode; /* "ftfw", "alarm", "notrack", "stats" */
	unsigned int not_ready;
	struct sync_runtime_stats runtime;
	/* Stats mode: @internal is the "stats" cache and nothing else is set */
	struct sync_cache_stats internal;
	const struct sync_cache_stats *external;
	const struct sync_cache_stats *exp_internal, *exp_external; /* ExpectationSync */
	struct sync_traffic_stats traffic;
	const struct sync_msg_stats *msg;
	uint64_t queue_nodes;
	const struct sync_queue_stats *queues;
	size_t nqueues;
	bool has_rsqueue; /* FTFW */
	uint64_t rsqueue_len;
	const struct sync_channel_counters *channels;
	size_t nchannels;
	unsigned int current_channel;
};

/* json: one JSON object and a newline; the format is doc/sync-stats.md. */
void sync_stats_json(struct sync_out *o, const struct sync_stats_snapshot *s);

#endif /* CONNTRACKD_SYNC_STATS_H */
