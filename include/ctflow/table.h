/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The collector's flow table: a fixed-capacity concurrent hash table shared
 * by all reader threads, keyed by (netns, zone, original tuple, conntrack id).
 * Lookups and updates of existing flows never wait for other flows; see
 * table.c for the protocol.
 */
#ifndef CTFLOW_TABLE_H
#define CTFLOW_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ctflow/ct.h>

struct ctf_table;

/*
 * The key, 48 bytes. The conntrack id is part of it: two conntracks with the
 * same tuple one after the other (a reused port) are two flows, and a late
 * event of the old one can never touch the new one.
 */
struct ctf_table_key {
	union ctf_addr src; /* original direction, network byte order */
	union ctf_addr dst;
	uint16_t sport; /* ports, GRE keys; ICMP: the echo id */
	uint16_t dport; /* ports, GRE keys; ICMP: type << 8 | code */
	uint16_t zone;
	uint8_t family;
	uint8_t l4proto;
	uint32_t netns; /* namespace inode */
	uint32_t id;	/* conntrack id */
};

/* The per-flow state the collector keeps. Owned by whoever runs a callback on it. */
struct ctf_table_val {
	uint64_t start_ns;		 /* flow start: kernel timestamp or first sight */
	struct ctf_counters reported[2]; /* counters already sent in records, [0] orig */
	uint32_t last_report;		 /* time of the last record (caller's clock, s) */
	uint32_t epoch;			 /* last dump that saw it (caller-defined) */
	uint32_t expire;		 /* tombstones: when it may be dropped; a callback
					    killing a live entry may set a later time */
	uint8_t state;			 /* protocol state for aggregates */
	uint8_t flags;			 /* free for the caller */
	uint16_t spare;
};

/* What a callback is looking at. */
enum ctf_table_found {
	CTF_TABLE_NEW,	/* just inserted, val zeroed except what the table sets */
	CTF_TABLE_LIVE, /* an existing live flow */
	CTF_TABLE_DEAD, /* a tombstone: the flow was destroyed recently */
};

/* What becomes of the entry after the callback. */
enum ctf_table_verdict {
	CTF_TABLE_KEEP, /* keep it as it is (NEW: insert it live) */
	CTF_TABLE_KILL, /* make it a tombstone for the table's tombstone time, or
			   until val->expire if the callback set it later */
	CTF_TABLE_DROP, /* remove it now (NEW: do not insert) */
};

/*
 * A callback run while the caller owns the entry: no other thread reads or
 * writes @val until it returns, so it must be short and must not call back
 * into the table.
 */
typedef enum ctf_table_verdict (*ctf_table_cb)(const struct ctf_table_key *key,
					       struct ctf_table_val *val,
					       enum ctf_table_found found, void *data);

struct ctf_table_stats {
	size_t capacity;   /* most entries (live + tombstones) */
	size_t slots;	   /* allocated slots */
	size_t live;	   /* live flows now */
	size_t tombstones; /* tombstones now */
	uint64_t inserts;  /* entries inserted */
	uint64_t refused;  /* inserts refused because the table was full */
	size_t bytes;	   /* memory the table holds */
};

/*
 * ctf_table_new - a table for up to @capacity entries (live flows plus
 * tombstones); tombstones live @tomb_secs seconds. Memory is allocated once,
 * here. Returns 0 and a table to free with ctf_table_free(), -EINVAL or -ENOMEM.
 */
int ctf_table_new(struct ctf_table **ret_table, size_t capacity, uint32_t tomb_secs);

/* ctf_table_free - free; accepts NULL. No other thread may use the table. */
void ctf_table_free(struct ctf_table *t);

/*
 * ctf_table_update - find @key and run @cb on it. When the key is absent and
 * @create is set, insert it first (the callback then sees CTF_TABLE_NEW).
 * @now is the caller's clock in seconds (tombstone expiry).
 * Returns the enum ctf_table_found the callback saw; -ENOENT when absent and
 * not @create; -ENOSPC when it had to be inserted and the table is full (the
 * callback did not run; the refusal is counted).
 */
int ctf_table_update(struct ctf_table *t, const struct ctf_table_key *key, bool create,
		     uint32_t now, ctf_table_cb cb, void *data);

/*
 * ctf_table_walk - run @cb on every entry, owning each in turn; tombstones
 * whose time has passed at @now are dropped without a callback. Safe while
 * other threads update the table: entries inserted during the walk may or
 * may not be visited. With @cb NULL only tombstones are looked at (a cheap
 * expiry pass). Returns the number of entries visited by @cb.
 */
size_t ctf_table_walk(struct ctf_table *t, uint32_t now, ctf_table_cb cb, void *data);

/* ctf_table_get_stats - counters; any thread may call it. */
void ctf_table_get_stats(const struct ctf_table *t, struct ctf_table_stats *ret_stats);

/* ctf_table_key_from_flow - the key of the flow @f seen in namespace @netns. */
void ctf_table_key_from_flow(struct ctf_table_key *ret_key, const struct ctf_flow *f,
			     uint32_t netns);

/* ctf_table_key_tuple - the original tuple a key stands for. */
void ctf_table_key_tuple(const struct ctf_table_key *key, struct ctf_tuple *ret_tuple);

#endif /* CTFLOW_TABLE_H */
