/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Flow accounting records: what the flow table emits and the exporters encode. */
#ifndef CTFLOW_RECORD_H
#define CTFLOW_RECORD_H

#include <stdint.h>

#include <ctflow/ct.h>

/* Why a record was sent. Values are part of the wire schema (flow.proto). */
enum ctf_record_reason {
	CTF_REASON_UNKNOWN = 0,
	CTF_REASON_END = 1,	       /* DESTROY event: the final record of a flow */
	CTF_REASON_ACTIVE_TIMEOUT = 2, /* interim record of a long-lived flow */
	CTF_REASON_EVICTED = 3,	       /* the table was full: tracking of this flow stops */
	CTF_REASON_GAP = 4,	       /* not a flow: events were lost (lost_events says how many) */
	CTF_REASON_RESYNC_END = 5,     /* gone at a resync dump, its DESTROY was never seen */
	CTF_REASON_SHUTDOWN = 6,       /* the collector stopped while the flow was alive */
	CTF_REASON_START = 7,	       /* NEW event, only when start records are enabled */
};

/* Byte and packet counters of one direction. */
struct ctf_record_counters {
	uint64_t packets;
	uint64_t bytes;
};

/* reader value of records made by the dump thread (interim, resync, shutdown). */
#define CTF_RECORD_POLLER 0xffff

/*
 * One record, flat and fixed-size so it travels through the per-reader rings
 * by value. Counters: total_* are the kernel's totals when the record was
 * made; delta_* what changed since the previous record of the same flow (for
 * the first record, delta == total).
 */
struct ctf_record {
	uint8_t reason;	 /* enum ctf_record_reason */
	uint8_t family;	 /* AF_INET, AF_INET6 */
	uint8_t l4proto; /* IPPROTO_* */
	uint8_t state;	 /* protocol state (TCP/SCTP/DCCP kernel enum), 0 otherwise */
	uint16_t zone;
	uint16_t reader; /* CPU of the reader that saw the event, or CTF_RECORD_POLLER */
	uint32_t ct_id;	 /* conntrack id */
	uint32_t mark;
	uint32_t status; /* IPS_* */
	uint32_t netns;	 /* network namespace inode, 0 when unknown */
	struct ctf_tuple orig;
	struct ctf_tuple reply; /* reply tuple: with orig, both NAT views */
	uint64_t start_ns;	/* flow start (kernel timestamp, else first sight) */
	uint64_t end_ns;	/* flow end for END records, else when the record was made */
	uint64_t export_ns;	/* when the record was made */
	struct ctf_record_counters total[2]; /* [0] original, [1] reply direction */
	struct ctf_record_counters delta[2];
	uint8_t labels[CTF_LABELS_LEN];
	uint64_t lost_events; /* GAP records: events lost since the previous gap */
	uint64_t seq;	      /* per-collector sequence, assigned by the exporter */
};

#endif /* CTFLOW_RECORD_H */
