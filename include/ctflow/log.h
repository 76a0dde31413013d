/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging with syslog priorities to a sink that each binary picks. */
#ifndef CTFLOW_LOG_H
#define CTFLOW_LOG_H

#include <syslog.h>

/* A sink receives one formatted message without a trailing newline. */
typedef void (*ctf_log_sink)(int prio, const char *msg, void *data);

/* Route messages to @sink (NULL: discard). Not thread-safe: call at start-up. */
void ctf_log_set_sink(ctf_log_sink sink, void *data);

/* Drop messages less important than @max_prio (default LOG_INFO). */
void ctf_log_set_level(int max_prio);

/* Format and hand one message to the sink. */
void ctf_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * ctf_log_errno - log "<message>: <strerror(-r)>" at @prio and return @r, so a
 * caller can write `return ctf_log_errno(LOG_ERR, r, "bind groups %#x", g);`.
 */
int ctf_log_errno(int prio, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define ctf_log_err(r, ...) ctf_log_errno(LOG_ERR, (r), __VA_ARGS__)

/* The sink that writes "<prefix>: message\n" to stderr; @data is the prefix or NULL. */
void ctf_log_sink_stderr(int prio, const char *msg, void *data);

#endif /* CTFLOW_LOG_H */
