/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The /metrics page of the collector (see metrics.c and the README's metrics reference). */
#ifndef CONNTRACKD_METRICS_H
#define CONNTRACKD_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

struct collector;
struct sync_engine;
struct ctf_stream;
struct ctf_prom_buf;

/* What the page reads; set up before the server starts, filled in as parts come up. */
struct coll_metrics {
	_Atomic(struct collector *) collector;
	_Atomic(struct ctf_stream *) stream;
	_Atomic(struct sync_engine *) sync;
	uint64_t start_ns;
};

/* The render callback for ctf_prom_start(); @data is a struct coll_metrics. */
int coll_metrics_render(struct ctf_prom_buf *out, void *data);

#endif /* CONNTRACKD_METRICS_H */
