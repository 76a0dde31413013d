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

struct ctf_stream_config {
	const char *path;      /* record file; rotated files get a timestamp suffix */
	uint64_t rotate_bytes; /* rotate when the file reaches this size (0: never) */
	unsigned int rotate_secs; /* rotate after this many seconds (0: never) */
	unsigned int keep;	  /* rotated files to keep (0: keep all) */
	bool plain_write;	  /* write() instead of io_uring (benchmarks, old kernels) */
	unsigned int flush_ms;	  /* longest a record waits before it is written */
	const char *hostname;	  /* copied into every record */
	const char *netns;	  /* name of the watched namespace, "" for our own */
};

struct ctf_stream_stats {
	uint64_t records;		 /* records written */
	uint64_t records_by_reason[8];	 /* indexed by enum ctf_record_reason */
	uint64_t bytes;			 /* bytes written, length prefixes included */
	uint64_t write_errors;		 /* failed writes (records in them are counted lost) */
	uint64_t records_lost;		 /* records that could not be written */
	uint64_t rotations;		 /* files rotated */
	uint64_t batches;		 /* io_uring submissions (or write() calls) */
};

/*
 * ctf_stream_start - open the file and start the exporter thread, which pops
 * from @rings (borrowed; they must outlive the stream). Returns 0 and a
 * stream to stop with ctf_stream_stop(), or -errno (the file cannot be
 * opened, no io_uring, -ENOMEM).
 */
int ctf_stream_start(struct ctf_stream **ret_stream, const struct ctf_stream_config *cfg,
		     struct ctf_ring *const *rings, size_t nrings);

/* ctf_stream_reopen - reopen the file at the next batch (SIGHUP, logrotate). */
void ctf_stream_reopen(struct ctf_stream *s);

/*
 * ctf_stream_stop - drain every ring, write and fsync what is left, close
 * the file and free the stream. Accepts NULL. Returns 0 or the first -errno
 * a write failed with.
 */
int ctf_stream_stop(struct ctf_stream *s);

/* ctf_stream_get_stats - a consistent copy of the counters; any thread may call it. */
void ctf_stream_get_stats(const struct ctf_stream *s, struct ctf_stream_stats *ret_stats);

#endif /* CTFLOW_EXPORTERS_STREAM_H */
