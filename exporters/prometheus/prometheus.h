/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GET /metrics over HTTP (libmicrohttpd) in the Prometheus text exposition
 * format. The page is produced by a render callback; the server only does
 * HTTP (404 for other paths, 405 for other methods) and buffer handling.
 *
 * One server thread (libmicrohttpd's internal polling thread) serves every
 * connection, so render callbacks never run concurrently with each other.
 * At most CTF_PROM_MAX_CONNECTIONS connections are open, at most
 * CTF_PROM_MAX_PER_IP from one address, and a connection idle for
 * CTF_PROM_TIMEOUT_SECS is closed.
 */
#ifndef CTFLOW_EXPORTERS_PROMETHEUS_H
#define CTFLOW_EXPORTERS_PROMETHEUS_H

#include <stddef.h>
#include <stdint.h>

struct ctf_prom;

#define CTF_PROM_MAX_CONNECTIONS 32
#define CTF_PROM_MAX_PER_IP	 8
#define CTF_PROM_TIMEOUT_SECS	 10
#define CTF_PROM_CONTENT_TYPE	 "text/plain; version=0.0.4; charset=utf-8"

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

/*
 * Append "# HELP name help\n# TYPE name type\n"; @type is "counter",
 * "gauge", ... Backslashes and newlines in @help are escaped as the format
 * requires.
 */
void ctf_prom_header(struct ctf_prom_buf *b, const char *name, const char *type, const char *help);

/*
 * Append one sample "name{labels} value\n". @labels is NULL or pairs of
 * label name and value ending with NULL; values are escaped as the format
 * requires (backslash, double quote, newline). Integral values are written
 * as integers (exact up to 2^53), others with the shortest precision that
 * reads back the same double, NaN as "NaN" and infinities as "+Inf"/"-Inf".
 */
void ctf_prom_sample(struct ctf_prom_buf *b, const char *name, const char *const *labels,
		     double value);

/* Like ctf_prom_sample() for counters beyond 2^53: the integer is written exactly. */
void ctf_prom_sample_u64(struct ctf_prom_buf *b, const char *name, const char *const *labels,
			 uint64_t value);

/*
 * ctf_prom_format_value - @v as the exposition format writes it, into @buf
 * (see ctf_prom_sample). Returns what snprintf returns.
 */
int ctf_prom_format_value(char *buf, size_t len, double v);

/* ctf_prom_buf_done - free the text; the buffer is then empty and usable again. */
void ctf_prom_buf_done(struct ctf_prom_buf *b);

/*
 * ctf_prom_start - listen on @address:@port (an IPv4 or IPv6 literal, IPv6
 * optionally in brackets; NULL or "" for every address, IPv6 and IPv4) and
 * serve /metrics with @render, which gets @data. Port 0 picks a free port
 * (see ctf_prom_port). Returns 0 and a server to stop with ctf_prom_stop(),
 * or -errno (-EADDRINUSE, -EADDRNOTAVAIL, -EINVAL for a bad address, -EIO
 * when libmicrohttpd refuses to start).
 */
int ctf_prom_start(struct ctf_prom **ret_prom, const char *address, uint16_t port,
		   ctf_prom_render_cb render, void *data);

/* ctf_prom_port - the port the server listens on. */
uint16_t ctf_prom_port(const struct ctf_prom *p);

/*
 * ctf_prom_stop - stop serving and free; accepts NULL. Returns after the
 * server thread has ended, so @render's data may be freed then.
 */
void ctf_prom_stop(struct ctf_prom *p);

#endif /* CTFLOW_EXPORTERS_PROMETHEUS_H */
