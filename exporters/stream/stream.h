/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The record stream: one exporter thread drains the per-reader rings,
 * encodes each record as a length-delimited protobuf message (flow.proto)
 * and writes them in batches with io_uring to a rotating file.
 */
#ifndef CTFLOW_EXPORTERS_STREAM_H
#define CTFLOW_EXPORTERS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ctflow/record.h>
#include <ctflow/ring.h>

struct ctf_stream;

#define CTF_STREAM_DEFAULT_FLUSH_MS 1000
#define CTF_STREAM_RECORD_MAX	    2048  /* an encoded record and its prefix never exceed this */
#define CTF_STREAM_MSG_MAX	    65536 /* longer length prefixes are treated as corrupt */
#define CTF_STREAM_STR_MAX	    255	  /* host and namespace names are cut to this */

struct ctf_stream_config {
	const char *path;	     /* record file; rotated files get a timestamp suffix */
	uint64_t rotate_bytes;	     /* rotate when the file reaches this size (0: never) */
	unsigned int rotate_secs;    /* rotate after this many seconds (0: never) */
	unsigned int keep;	     /* rotated files to keep (0: keep all) */
	bool plain_write;	     /* write() instead of io_uring (benchmarks, old kernels) */
	unsigned int flush_ms;	     /* longest a record waits before it is written (0: default) */
	const char *hostname;	     /* copied into every record; NULL: gethostname(), "": none */
	const char *netns;	     /* name of the watched namespace, "" or NULL for our own */
	uint8_t sampler_family;	     /* AF_INET/AF_INET6: sampler_addr goes into every record */
	union ctf_addr sampler_addr; /* the collector host's address (sampler_address field) */
};

struct ctf_stream_stats {
	uint64_t records;	       /* records written */
	uint64_t records_by_reason[8]; /* indexed by enum ctf_record_reason */
	uint64_t bytes;		       /* bytes written, length prefixes included */
	uint64_t write_errors;	       /* failed writes (records in them are counted lost) */
	uint64_t records_lost;	       /* records that could not be written */
	uint64_t rotations;	       /* files rotated */
	uint64_t batches;	       /* io_uring submissions (or write() calls) */
	uint64_t reopens;	       /* files reopened on request (ctf_stream_reopen) */
	uint64_t files_removed;	       /* rotated files removed to honour keep */
	uint64_t ring_drops;	       /* records the rings refused, marked by GAP records */
	uint64_t repaired_bytes;       /* torn tail cut from an existing file at open */
	bool uring;		       /* writing with io_uring (false: plain write()) */
};

/*
 * ctf_stream_start - open the file and start the exporter thread, which pops
 * from @rings (borrowed; they must outlive the stream). Writes go through
 * io_uring unless cfg->plain_write is set or the kernel has no usable
 * io_uring (then write() is used and a warning logged). An existing file is
 * appended to after a torn last record, if any, has been cut off; a file
 * whose framing is corrupt is rotated away first.
 * Returns 0 and a stream to stop with ctf_stream_stop(), or -errno: -EINVAL
 * (no path), the error of opening the file, -ENOMEM.
 */
int ctf_stream_start(struct ctf_stream **ret_stream, const struct ctf_stream_config *cfg,
		     struct ctf_ring *const *rings, size_t nrings);

/*
 * ctf_stream_reopen - reopen the file at the next batch (SIGHUP, logrotate).
 * Async-signal-safe: a signal handler may call it.
 */
void ctf_stream_reopen(struct ctf_stream *s);

/*
 * ctf_stream_stop - drain every ring, write and fsync what is left, close
 * the file and free the stream. Stop the producers first: records pushed
 * while the stream stops may stay in the rings. Accepts NULL. Returns 0 or
 * the first -errno a write, open or fsync failed with.
 */
int ctf_stream_stop(struct ctf_stream *s);

/* ctf_stream_get_stats - a consistent copy of the counters; any thread may call it. */
void ctf_stream_get_stats(const struct ctf_stream *s, struct ctf_stream_stats *ret_stats);

/* ---- The wire format (flow.proto), for the stream, the reader and tests. ---- */

/* Where the loss reported by a GAP record happened (flow.proto GapSource). */
enum ctf_stream_gap {
	CTF_GAP_NONE = 0,
	CTF_GAP_NETLINK = 1, /* the kernel dropped events: GAP records the collector makes */
	CTF_GAP_RING = 2,    /* a ring was full: reader = ring index */
	CTF_GAP_WRITE = 3,   /* the exporter could not write records */
};

/* What a record carries besides struct ctf_record. */
struct ctf_stream_meta {
	const char *hostname;	/* NULL or "": not sent */
	const char *netns;	/* NULL or "": not sent */
	uint8_t sampler_family; /* 0: no sampler address */
	union ctf_addr sampler_addr;
	uint8_t gap_source; /* enum ctf_stream_gap; for GAP records 0 means CTF_GAP_NETLINK */
};

/*
 * ctf_stream_encode - write @rec as one frame (varint length + FlowRecord)
 * into @buf. @meta may be NULL. Strings longer than CTF_STREAM_STR_MAX are
 * cut. Returns the frame's length (at most CTF_STREAM_RECORD_MAX) or
 * -EMSGSIZE when @len is too small.
 */
int ctf_stream_encode(const struct ctf_record *rec, const struct ctf_stream_meta *meta, void *buf,
		      size_t len);

/*
 * ctf_stream_frame - look at the frame starting at @buf (@len bytes are
 * there). Returns its total length (prefix + message) when it is complete;
 * 0 when more bytes are needed, with *ret_need set to the total length the
 * frame will have (0 while the prefix itself is incomplete); -EBADMSG when
 * the prefix is corrupt: longer than 10 bytes, zero (we never write empty
 * messages; zeros are what a hole in a file reads as) or above
 * CTF_STREAM_MSG_MAX. *ret_hdr_len is the prefix length whenever it is
 * complete. Either out-pointer may be NULL.
 */
int ctf_stream_frame(const void *buf, size_t len, size_t *ret_hdr_len, size_t *ret_need);

/* A record read back. */
struct ctf_stream_decoded {
	struct ctf_record rec;
	uint32_t type;	    /* FlowType: 100 = CONNTRACK */
	uint8_t gap_source; /* enum ctf_stream_gap */
	uint8_t sampler_family;
	union ctf_addr sampler_addr;
	char hostname[CTF_STREAM_STR_MAX + 1];
	char netns[CTF_STREAM_STR_MAX + 1];
	char state_name[32]; /* ct_state_name as sent */
};

/*
 * ctf_stream_decode - parse one FlowRecord message (without its prefix) into
 * @ret (cleared first). Tuple flags are set for the parts that were sent.
 * Returns 0, or -EBADMSG for a malformed message, addresses of the wrong
 * size or out-of-range values (also when memory ran out: protobuf-c does not
 * tell the two apart).
 */
int ctf_stream_decode(const void *msg, size_t len, struct ctf_stream_decoded *ret);

/*
 * ctf_stream_format_text - one human-friendly line (without newline) for
 * @d, conntrack style "key=value". ctf_stream_format_json - one JSON object
 * with flow.proto's field names. Both return what snprintf would (the length
 * the text needs) and always terminate @buf when @len > 0.
 */
int ctf_stream_format_text(char *buf, size_t len, const struct ctf_stream_decoded *d);
int ctf_stream_format_json(char *buf, size_t len, const struct ctf_stream_decoded *d);

#endif /* CTFLOW_EXPORTERS_STREAM_H */
