/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd's collector mode: readers, poller, accounting, metrics (internal). */
#ifndef CONNTRACKD_COLLECTOR_H
#define CONNTRACKD_COLLECTOR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <ctflow/conf.h>
#include <ctflow/ct.h>
#include <ctflow/nl.h>
#include <ctflow/record.h>
#include <ctflow/ring.h>
#include <ctflow/table.h>

/* Tombstones outlive a DESTROY this long: longer than events of one
 * conntrack can sit in different readers' socket queues. */
#define COLL_TOMB_SECS 3
/*
 * Tombstones of flows ended by a sweep (RESYNC_END) live longer: with
 * NetlinkEventsReliable the kernel retries an undelivered DESTROY until the
 * reader takes it, which must not make a second final record.
 */
#define COLL_SWEPT_TOMB_SECS 120
/* After an overrun, the resync dump is repeated this much later, so a flow
 * must be missing from two dumps before it gets a RESYNC_END record. */
#define COLL_RESYNC_CONFIRM_SECS 2

/* Buckets of the bounded label sets. */
enum coll_proto { P_TCP, P_UDP, P_ICMP, P_ICMPV6, P_SCTP, P_DCCP, P_GRE, P_UDPLITE, P_OTHER, P_N };
#define STATE_N 16 /* protocol states (TCP has 10, SCTP 10, DCCP 10) */

enum coll_event { EV_NEW, EV_UPDATE, EV_DESTROY, EV_N };

/*
 * Counters of one thread (a reader or the poller). Only the owning thread
 * writes them (load + store, no read-modify-write); the metrics page reads
 * them with relaxed loads and adds the threads up. Flows by protocol and
 * state are deltas: a flow counted up by one reader may be counted down by
 * another, only the sum means something.
 */
struct coll_counters {
	_Atomic uint64_t events[EV_N];
	_Atomic uint64_t malformed;	/* messages that did not parse */
	_Atomic uint64_t truncated;	/* datagrams larger than the receive buffer */
	_Atomic uint64_t filtered;	/* events the user-space Filter dropped */
	_Atomic uint64_t overruns;	/* ENOBUFS on the socket */
	_Atomic uint64_t lost;		/* events the kernel dropped for the socket */
	_Atomic uint64_t late;		/* NEW/UPDATE for a destroyed flow (tombstone hit) */
	_Atomic uint64_t dup_destroy;	/* DESTROY of an already destroyed flow */
	_Atomic uint64_t unknown_destroy; /* DESTROY of a flow the table did not have */
	_Atomic uint64_t records[8];	/* records made, by reason */
	_Atomic uint64_t ring_full;	/* records the ring refused */
	_Atomic uint64_t batches;	/* recvmmsg calls that returned data */
	_Atomic int64_t flows[P_N][STATE_N];
	_Atomic uint64_t bytes[P_N][2];
	_Atomic uint64_t packets[P_N][2];
} __attribute__((aligned(64)));

static inline void ctr_add(_Atomic uint64_t *c, uint64_t v)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v,
			      memory_order_relaxed);
}

static inline void ctr_sadd(_Atomic int64_t *c, int64_t v)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v,
			      memory_order_relaxed);
}

struct collector;

/* What a thread producing records owns: its ring, counters and clock. */
struct coll_producer {
	struct collector *c;
	struct ctf_ring *ring;
	struct coll_counters ctr;
	uint16_t id; /* reader CPU, or CTF_RECORD_POLLER */
};

struct coll_reader {
	struct coll_producer prod; /* first: the producer part */
	unsigned int cpu;
	struct ctf_nl *nl;
	struct ctf_nl_rxq *rxq;
	size_t rcvbuf;
	int64_t drops_seen;
	bool congested; /* after ENOBUFS: drops may go on unreported until a drain */
	pthread_t thread;
	bool started;
	_Atomic size_t rcvbuf_now; /* published for the metrics page */
};

struct sync_engine;

struct collector {
	const struct ctf_conf *conf;
	bool records;		  /* the flow collector runs (Collector, or no mode) */
	struct sync_engine *sync; /* Sync mode: the readers feed it too */
	uint32_t netns;	 /* inode of the watched namespace */
	int host_ns_fd;	 /* our namespace, to come back to after opening sockets */
	struct ctf_table *table;
	struct coll_reader *readers;
	unsigned int nreaders;
	unsigned int ncpus;
	struct ctf_ring **rings; /* readers' rings, then the poller's */
	unsigned int nrings;
	struct sock_filter *filter_prog;

	/* The poller: seed dump, counter polls, resyncs, shutdown records. */
	struct coll_producer poller;
	struct ctf_nl *dump_nl;
	pthread_t poll_thread;
	bool poll_started;
	pthread_mutex_t poll_lock;
	pthread_cond_t poll_cond;
	uint32_t resync_at; /* under poll_lock: when a requested resync is due, 0: none */

	/* The metrics page's own socket for the kernel's statistics. */
	struct ctf_nl *stats_nl;
	pthread_mutex_t stats_lock;

	_Atomic bool stop;
	int stop_fd; /* eventfd: wakes the readers */
	_Atomic uint32_t epoch; /* number of the current dump */
	_Atomic uint64_t resyncs;
	_Atomic uint64_t dumps;
	_Atomic uint64_t dump_errors;
	_Atomic uint64_t dump_usecs; /* duration of the last dump */
	_Atomic uint64_t resync_end_pending; /* flows missing from the last dump */
	bool acct_on;
	bool tstamp_on;
	uint64_t start_ns; /* CLOCK_REALTIME at start */
};

/* collector.c */
/* How many readers coll_start() runs for @conf. */
unsigned int coll_nreaders(const struct ctf_conf *conf);
/* Start the readers (and, with records, the poller); @sync (may be NULL) gets every event. */
int coll_start(struct collector **ret_c, const struct ctf_conf *conf, struct sync_engine *sync);
void coll_request_resync(struct collector *c);
/* Stop readers, emit shutdown records, stop the poller. The rings stay. */
void coll_stop(struct collector *c);
void coll_free(struct collector *c);

/* account.c: the table logic shared by readers and the poller. */
uint32_t coll_now_secs(void);
uint64_t coll_now_ns(void);
enum coll_proto coll_proto_of(uint8_t l4proto);
uint8_t coll_state_of(const struct ctf_flow *f);
void coll_apply_event(struct coll_producer *p, const struct ctf_flow *f);
enum coll_dump_kind { DUMP_SEED, DUMP_POLL, DUMP_SHUTDOWN };
void coll_apply_dumped(struct coll_producer *p, const struct ctf_flow *f, enum coll_dump_kind kind);
/* End live flows last seen before dump @older_than as RESYNC_END (logged); returns how many. */
size_t coll_sweep_missing(struct coll_producer *p, uint32_t older_than);
void coll_push(struct coll_producer *p, struct ctf_record *rec);
void coll_push_gap(struct coll_producer *p, uint64_t lost);

/* readers.c */
int coll_readers_open(struct collector *c);
int coll_readers_start(struct collector *c);
void coll_readers_stop(struct collector *c);
void coll_readers_close(struct collector *c);

#endif /* CONNTRACKD_COLLECTOR_H */
