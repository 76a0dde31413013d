/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd sync: the engine's private state, shared by its files
 * (engine.c: thread and dispatch; ftfw.c, notrack.c, alarm.c: the modes;
 * kernel.c: dumps, commit, flushes, injection; dump.c: cache texts).
 * Everything here belongs to the sync thread unless marked _Atomic.
 */
#ifndef CONNTRACKD_SYNC_ENGINE_H
#define CONNTRACKD_SYNC_ENGINE_H

#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <ctflow/conf.h>
#include <ctflow/nl.h>
#include <ctflow/syncwire.h>

#include "cache.h"
#include "channel.h"
#include "evq.h"
#include "out.h"
#include "sync.h"

/* What a mode's recv() made of a message (1.4.7's MSG_*). */
enum sync_msg_verdict { SYNC_MSG_DATA, SYNC_MSG_CTL, SYNC_MSG_BAD, SYNC_MSG_DROP };

struct sync_engine;

/* One sync protocol: FTFW, NOTRACK or ALARM. */
struct sync_mode {
	const char *name;
	/* Classify a received message and run its control part. */
	enum sync_msg_verdict (*recv)(struct sync_engine *e, const struct ctf_sync_hdr *h);
	/* An internal object changed: queue it for sending. */
	void (*enqueue)(struct sync_engine *e, struct sync_obj *o);
	/* Send what is queued. */
	void (*xmit)(struct sync_engine *e);
	/* Timers; @now_ms is CLOCK_MONOTONIC. */
	void (*tick)(struct sync_engine *e, uint64_t now_ms);
	/* An object leaves the internal cache while a queue may hold it. */
	void (*forget)(struct sync_engine *e, struct sync_obj *o);
	/* -n: ask the peer for its state; -B: send ours. */
	void (*request_resync)(struct sync_engine *e);
	void (*send_bulk)(struct sync_engine *e);
};

extern const struct sync_mode sync_mode_ftfw;
extern const struct sync_mode sync_mode_notrack;
extern const struct sync_mode sync_mode_alarm;
extern const struct sync_mode sync_mode_stats;

/* FTFW's state (sync-ftfw.c's statics in 1.4.7). */
struct sync_ftfw {
	uint32_t window;
	uint32_t ack_from;
	bool ack_from_set;
	uint8_t hello; /* HELLO_INIT, HELLO_SAY, HELLO_DONE */
	bool say_hello_back;
	bool peer_hello; /* the peer's messages carry HELLO: it is in its handshake */
	bool hello_gap;	 /* a gap was seen during the peer's handshake */
	uint64_t alive_at; /* ms: when the alive timer fires */
};

/* The counters behind "-s" (1.4.7's STATE_SYNC(error) and friends) and /metrics. */
struct sync_counters {
	uint64_t rx_malformed;
	uint64_t rx_error[__CTF_SYNC_RX_MAX]; /* by enum ctf_sync_rx_error */
	uint64_t rx_lost;		      /* 1.4.7's count: gap + 2 per gap */
	uint64_t rx_lost_true;		      /* messages really missing */
	uint64_t rx_gaps;
	uint64_t rx_before;
	uint64_t rx_unknown_attr;
	uint64_t rx_msgs[CTF_SYNC_T_CTL + 1];
	uint64_t tx_msgs[CTF_SYNC_T_CTL + 1];
	uint64_t tx_malformed;
	uint64_t tx_helper_dropped;
	uint64_t nacks_sent, nacks_received;
	uint64_t rsq_presumed_lost; /* resent because a later ACK skipped them */
	uint64_t resyncs_sent, resyncs_received;
	uint64_t events, events_filtered, events_lost;
	uint64_t nl_overruns, kernel_flushes, kernel_resyncs;
	uint64_t commit_ok, commit_fail;
	uint64_t commit_usecs; /* the last commit */
	uint64_t local_read_failed, local_unknown;
	struct ctf_counters traffic[2]; /* counters of destroyed flows, [0] original */
	uint64_t bulks;
	uint64_t eager_ok, eager_fail;
	uint64_t failovers_silence;
};

/*
 * What the sync thread publishes for other threads (the /metrics page):
 * a copy of its counters, refreshed every few hundred milliseconds.
 */
struct sync_pub {
	struct sync_counters ctr;
	struct sync_cache_counters st[2]; /* internal, external */
	size_t entries[2];
	size_t txq_len, rsq_len;
	uint64_t rsq_overflows;
	unsigned int not_ready;
	int64_t peer_age_ms; /* -1: never heard */
	unsigned int nchannels, current;
	struct sync_channel_counters ch[CTF_CONF_MAX_CHANNELS];
	bool stats_mode;
	const char *mode;
};

struct sync_engine {
	const struct ctf_conf *conf;
	const struct ctf_conf_sync *sc;
	const struct sync_mode *mode;
	pthread_t thread;
	bool started;
	_Atomic bool stop;
	_Atomic bool sleeping; /* the sync thread waits in epoll: readers must wake it */
	int epfd;
	int wake_fd; /* eventfd: readers have queued events, or stop */
	int64_t start_time;

	/* Readers' event rings. */
	struct sync_evq *evq;
	unsigned int nevq;
	_Atomic bool events_lost; /* a ring refused an event: resync */
	_Atomic uint64_t helper_dropped; /* helper names too long for 1.4.7 */

	struct sync_channels *ch;
	struct sync_ctl *ctl;
	struct sync_cache internal;
	struct sync_cache external;
	struct sync_queue txq;
	struct sync_queue rsq; /* FTFW's resend queue */
	struct sync_ftfw ftfw;

	/* Sequence numbers: one counter for everything we send. */
	uint32_t seq_next;
	bool seq_set;
	uint32_t last_seq_recv;
	bool seq_recv_set;

	/* Kernel sockets; events they cause are ours (origin). */
	struct ctf_nl *commit_nl;
	struct ctf_nl *flush_nl;
	struct ctf_nl *inject_nl;
	struct ctf_nl *dump_nl;
	_Atomic uint32_t portid[4]; /* by enum sync_origin; [0] unused */

	int commit_fd;	    /* the -c client waiting for the commit to end, -1 */
	struct sync_obj **committed; /* external objects the last commit created */
	size_t ncommitted, capcommitted;
	uint64_t purge_at;  /* ms: the -t flush, 0 none */
	uint64_t resync_at; /* ms: the resync after an overrun, 0 none */
	uint32_t epoch;	    /* number of the last kernel dump */

	/* ALARM's refresh timers and the external expiry. */
	struct sync_wheel *wheel_int;
	struct sync_wheel *wheel_ext;

	/* CommitMode Eager: external objects waiting to be written, and the batches. */
	bool eager;
	struct sync_queue eager_q;
	struct ctf_nl_batch *eager_b;
	struct ctf_nl_batch *eager_del;
	struct sync_obj **eager_slot;
	struct sync_wheel *wheel_kern; /* refresh of the kernel entries written */
	uint32_t eager_log;

	struct ctf_sync_ct_opts opts;
	struct sync_counters ctr;
	pthread_mutex_t pub_lock;
	struct sync_pub pub;
	uint64_t pub_at; /* ms: the last publication */
	bool stats_mode; /* Stats { }: no peers, a cache of the kernel's conntracks */
	FILE *stats_log; /* Stats { LogFile } */
	bool resync_pending;		 /* our RESYNC is not answered yet */
	bool refused_since_resync;	 /* a cache refused an entry */
	bool rsq_overflow_since_resync; /* the resend queue dropped a message */
	bool resync_on_peer_restart; /* a peer's HELLO gets our whole cache */
	uint64_t peer_heard_ms;	     /* the last valid message from the peer */
	uint64_t data_heard_ms;	     /* the last data message from the peer */
	uint64_t resync_asked_ms;    /* when the state transfer we wait for began */
	uint64_t peer_dead_ms;	     /* PeerDeadTime: the silence that failed over last */
	uint64_t bulk_started_ms;
	uint32_t rsq_log; /* rate limits of warnings */
	uint32_t refuse_log;
};

/* engine.c */
enum { SYNC_SEQ_UNSET, SYNC_SEQ_IN_SYNC, SYNC_SEQ_AFTER, SYNC_SEQ_BEFORE };
/* 1.4.7's nethdr_track_seq(): classify @seq against the last one received. */
int sync_track_seq(struct sync_engine *e, uint32_t seq, uint32_t *ret_exp);
void sync_track_update(struct sync_engine *e, uint32_t seq);
/* We wait for the peer's whole state (start, -n): not ready until it has come. */
void sync_await_transfer(struct sync_engine *e);
/* A bulk (-B, RESYNC answer, peer restart) starts: readiness and metrics. */
void sync_bulk_begin(struct sync_engine *e);
/* At most one such line per 10 s per @last (monotonic seconds). */
void sync_ratelimit_log(struct sync_engine *e, uint32_t *last, int prio, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A cache refused an entry: counted, logged (rate-limited), not ready, resync. */
void sync_engine_refused(struct sync_engine *e, struct sync_cache *c);
uint64_t sync_now_ms(void);
uint32_t sync_now_secs(void); /* monotonic */
int64_t sync_wall_secs(void);
/* Send one queued item now: header completed (seq, flags), packed into the channel. */
void sync_send_ctl(struct sync_engine *e, struct sync_ctlmsg *m, uint8_t extra_flags);
void sync_send_obj(struct sync_engine *e, struct sync_obj *o, uint8_t flags);
/*
 * Data, or the control messages FTFW and NOTRACK share (RESYNC answered
 * with the mode's bulk, ALIVE), as 1.4.7's digest_msg(); anything else BAD.
 */
enum sync_msg_verdict sync_digest_msg(struct sync_engine *e, const struct ctf_sync_hdr *h);
/* Queue @o for sending (taken out of the resend queue if it waits there). */
void sync_enqueue_tx(struct sync_engine *e, struct sync_obj *o);
/* -B, a RESYNC answer: every live internal object goes to the tx queue. */
void sync_send_bulk(struct sync_engine *e);
/* NOTRACK and ALARM: send what is queued, keep nothing. */
void sync_xmit_unreliable(struct sync_engine *e);
/* Queue a control message for the next transmission. */
void sync_queue_ctl(struct sync_engine *e, uint8_t flags, uint32_t from, uint32_t to);
/* The wire type of an internal object's next message (NEW, UPD, DEL by status). */
uint8_t sync_obj_type(const struct sync_obj *o);
/* After an object left a queue: drop it if it is dead and out of the cache. */
void sync_obj_dequeued(struct sync_engine *e, struct sync_obj *o);

/* alarm.c */
int sync_alarm_setup(struct sync_engine *e);
void sync_alarm_arm(struct sync_engine *e, struct sync_obj *o);
void sync_alarm_expire_arm(struct sync_engine *e, struct sync_obj *o);

/* kernel.c */
int sync_kernel_open(struct sync_engine *e);
void sync_kernel_close(struct sync_engine *e);
/* Dump the kernel into the internal cache: @send also queues new/changed entries. */
int sync_kernel_dump(struct sync_engine *e, bool send);
/* DisableInternalCache: dump the kernel straight to the peer as CT_NEW. */
int sync_kernel_send_dump(struct sync_engine *e);
/* DisableInternalCache: "-i" prints the kernel table instead. */
int sync_kernel_print(struct sync_engine *e, bool xml, struct sync_out *o);
/* After a commit's answer: file what it created in the internal cache (origin COMMIT). */
void sync_kernel_file_committed(struct sync_engine *e);
/* Commit the external cache to the kernel; logs 1.4.7's lines. */
int sync_kernel_commit(struct sync_engine *e);
/* Delete every kernel entry the Filter does not ignore (-F, -t). */
int sync_kernel_flush(struct sync_engine *e);
/*
 * Batched requests, as the commit and the eager writer send them: a create
 * (1.4.7's nl_create_conntrack: @timeout > 0 replaces the cached one), an
 * update (nl_update_conntrack) and a delete, each appended to @b on @nl
 * with its sequence number in *ret_seq. 0 or -EMSGSIZE.
 */
int sync_kernel_put_create(struct sync_engine *e, struct ctf_nl_batch *b, struct ctf_nl *nl,
			   const struct ctf_flow *f, int timeout, uint32_t *ret_seq);
int sync_kernel_put_update(struct sync_engine *e, struct ctf_nl_batch *b,
			   const struct ctf_flow *f, uint32_t *ret_seq);
int sync_kernel_put_delete(struct ctf_nl_batch *b, struct ctf_nl *nl, const struct ctf_flow *f,
			   uint32_t *ret_seq);
/* DisableExternalCache: write one received object into the kernel. */
void sync_kernel_inject(struct sync_engine *e, uint8_t type, const struct ctf_flow *f);

/* eager.c: CommitMode Eager */
int sync_eager_open(struct sync_engine *e);
void sync_eager_close(struct sync_engine *e);
void sync_eager_mark(struct sync_engine *e, struct sync_obj *o);
void sync_eager_delete(struct sync_engine *e, struct sync_obj *o);
int sync_eager_flush(struct sync_engine *e);
void sync_eager_commit(struct sync_engine *e);
void sync_eager_rewrite(struct sync_engine *e);

/* metrics.c */
void sync_publish(struct sync_engine *e, uint64_t now_ms);

/* dump.c */
void sync_dump_cache(struct sync_engine *e, struct sync_cache *c, bool internal, bool xml,
		     struct sync_out *o);

/*
 * An event with room for its body, for events the engine makes itself
 * (dumps, commits). A struct ending in a flexible array cannot be a member
 * in ISO C, so this is aligned bytes; sync_ev_of() gives the event.
 */
struct sync_ev_buf {
	_Alignas(struct sync_ev) uint8_t raw[sizeof(struct sync_ev) + CTF_SYNC_BODY_MAX];
};

static inline struct sync_ev *sync_ev_of(struct sync_ev_buf *b)
{
	return (struct sync_ev *)(void *)b->raw;
}

/* internal.c: the internal cache's event handling */
/* We committed @ext: it is in our kernel, cached as origin COMMIT (not sent). */
void sync_internal_committed(struct sync_engine *e, const struct sync_obj *ext);
/* We deleted @f from the kernel (-F, -t): origin FLUSH, not sent. */
void sync_internal_flushed(struct sync_engine *e, const struct ctf_flow *f);
void sync_internal_event_cb(const struct sync_ev *ev, void *data);
void sync_internal_dumped(struct sync_engine *e, const struct sync_ev *ev, bool send);
void sync_internal_purge(struct sync_engine *e);
/* Update @o (NULL: not cached) from @ev, or add it: cache_update_force(). */
struct sync_obj *sync_internal_upsert(struct sync_engine *e, struct sync_obj *o,
				      const struct sync_ev *ev, uint32_t hash);

/* statsmode.c */
int sync_stats_open_log(struct sync_engine *e);
void sync_stats_event(struct sync_engine *e, const struct sync_ev *ev);
void sync_internal_flush(struct sync_engine *e);
void sync_external_flush(struct sync_engine *e);
void sync_external_msg(struct sync_engine *e, uint8_t type, const struct ctf_flow *f,
		       const uint8_t *body, size_t len);

#endif /* CONNTRACKD_SYNC_ENGINE_H */
