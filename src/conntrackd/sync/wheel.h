/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd sync: a timer wheel for per-object timers (ALARM's refresh,
 * the external cache's expiry): 100 ms slots, any number of objects, O(1)
 * arm and cancel. Owned by the sync thread.
 */
#ifndef CONNTRACKD_SYNC_WHEEL_H
#define CONNTRACKD_SYNC_WHEEL_H

#include <stdint.h>

#include "cache.h"

struct sync_wheel;

/* Called when an object's timer fires; the timer is disarmed first. */
typedef void (*sync_wheel_cb)(struct sync_obj *o, void *data);

/* sync_wheel_new - a wheel firing @cb(o, @data); @now_ms is CLOCK_MONOTONIC. 0 or -ENOMEM. */
int sync_wheel_new(struct sync_wheel **ret_w, uint64_t now_ms, sync_wheel_cb cb, void *data);
void sync_wheel_free(struct sync_wheel *w);

/* sync_wheel_add - (re)arm @o's timer to fire at @at_ms. */
void sync_wheel_add(struct sync_wheel *w, struct sync_obj *o, uint64_t at_ms);

/* sync_wheel_del - disarm @o's timer (no-op when not armed). */
void sync_wheel_del(struct sync_obj *o);

/*
 * sync_wheel_run - fire every timer due at @now_ms: never early, up to one
 * 100 ms slot late. A @now_ms before the last run's is ignored.
 */
void sync_wheel_run(struct sync_wheel *w, uint64_t now_ms);

#endif /* CONNTRACKD_SYNC_WHEEL_H */
