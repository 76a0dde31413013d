/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GET /metrics over HTTP (libmicrohttpd) in the Prometheus text exposition
 * format. The page is produced by a render callback; the server only does
 * HTTP (404 for other paths, 405 for other methods) and buffer handling.
 */
#ifndef CTFLOW_EXPORTERS_PROMETHEUS_H
#define CTFLOW_EXPORTERS_PROMETHEUS_H

#include <stddef.h>
#include <stdint.h>

struct ctf_prom;

/* A growing text buffer the render callback appends to. */
struct ctf_prom_buf {
	char *data;
	size_t len;
	size_t cap;
	int error; /* -ENOMEM once an append failed; later appends are no-ops */
};

/*
 * Render the whole page into @out. Runs on a server thread: it may only read
 * state the collector publishes for other threads (atomics, snapshots).
 * Returns 0, or -errno to answer 500.
 */
typedef int (*ctf_prom_render_cb)(struct ctf_prom_buf *out, void *data);

/* Append printf-style text. */
void ctf_prom_printf(struct ctf_prom_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append "# HELP name help\n# TYPE name type\n"; @type is "counter", "gauge", ... */
void ctf_prom_header(struct ctf_prom_buf *b, const char *name, const char *type, const char *help);

/*
 * Append one sample "name{labels} value\n". @labels is NULL or pairs of
 * label name and value ending with NULL; values are escaped as the format
 * requires.
 */
void ctf_prom_sample(struct ctf_prom_buf *b, const char *name, const char *const *labels,
		     double value);

/*
 * ctf_prom_start - listen on @address:@port (IPv4 or IPv6 literal) and serve
 * /metrics with @render. Returns 0 and a server to stop with
 * ctf_prom_stop(), or -errno (-EADDRINUSE, -EINVAL for a bad address).
 */
int ctf_prom_start(struct ctf_prom **ret_prom, const char *address, uint16_t port,
		   ctf_prom_render_cb render, void *data);

/* ctf_prom_stop - stop serving and free; accepts NULL. */
void ctf_prom_stop(struct ctf_prom *p);

#endif /* CTFLOW_EXPORTERS_PROMETHEUS_H */
