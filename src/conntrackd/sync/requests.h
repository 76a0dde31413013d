/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd sync: the client requests on the UNIX socket (requests.c). */
#ifndef CONNTRACKD_SYNC_REQUESTS_H
#define CONNTRACKD_SYNC_REQUESTS_H

struct sync_engine;

/* sync_requests_accept - serve the clients waiting on the control socket. */
void sync_requests_accept(struct sync_engine *e);

/* sync_requests_purge - the -t timer fired: flush the kernel table and the internal cache. */
void sync_requests_purge(struct sync_engine *e);

/* sync_requests_not_ready - SYNC_NOT_READY_* bits (stats.h), 0 when ready. */
unsigned int sync_requests_not_ready(const struct sync_engine *e);

/* sync_requests_done - close a client still waiting (at shutdown). */
void sync_requests_done(struct sync_engine *e);

#endif /* CONNTRACKD_SYNC_REQUESTS_H */
