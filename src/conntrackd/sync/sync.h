/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd sync: the HA state-sync engine as the daemon sees it. One sync
 * thread owns the caches, the channels and the control socket; the event
 * readers hand it their events through one ring each.
 */
#ifndef CONNTRACKD_SYNC_SYNC_H
#define CONNTRACKD_SYNC_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include <ctflow/conf.h>
#include <ctflow/ct.h>

struct sync_engine;

/*
 * sync_engine_new - set up the engine for @conf (Sync mode) and @nreaders
 * readers: caches, channels, control socket, kernel sockets. Nothing runs
 * yet. Logs what fails. Returns 0 or -errno.
 */
int sync_engine_new(struct sync_engine **ret_e, const struct ctf_conf *conf,
		    unsigned int nreaders);

/*
 * sync_engine_start - dump the kernel table into the internal cache (the
 * readers must be running), then start the sync thread. 0 or -errno.
 */
int sync_engine_start(struct sync_engine *e);

/* sync_engine_stop - stop and join the sync thread; accepts NULL. */
void sync_engine_stop(struct sync_engine *e);

/* sync_engine_free - close everything, unlink the control socket; accepts NULL. */
void sync_engine_free(struct sync_engine *e);

/*
 * Reader side (any reader thread, each with its own @reader index):
 * sync_engine_event() files one kernel event that passed the Filter;
 * sync_engine_kick() wakes the sync thread after a batch;
 * sync_engine_overrun() says events were lost (resync after
 * NetlinkOverrunResync).
 */
void sync_engine_event(struct sync_engine *e, unsigned int reader, const struct ctf_flow *f);

/*
 * sync_engine_portids - the netlink port ids of the engine's own kernel
 * sockets (commit, flush, inject), at most @max into @ret; returns how many.
 * The readers drop the events these cause in the kernel already: the engine
 * files their effect itself (a commit fills the internal cache, a flush
 * empties it), as 1.4.7 does with the events it recognises as its own.
 */
unsigned int sync_engine_portids(const struct sync_engine *e, uint32_t *ret, unsigned int max);
void sync_engine_kick(struct sync_engine *e);
void sync_engine_overrun(struct sync_engine *e);

struct ctf_prom_buf;

/*
 * sync_engine_render - the ctflow_sync_* families of /metrics, from what
 * the sync thread last published. Any thread may call it.
 */
void sync_engine_render(struct sync_engine *e, struct ctf_prom_buf *b);

#endif /* CONNTRACKD_SYNC_SYNC_H */
