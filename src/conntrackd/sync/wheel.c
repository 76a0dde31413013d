// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd sync: a timer wheel for per-object timers. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "wheel.h"

#define SLOT_MS 100U
#define NSLOTS	4096U /* 409.6 s per turn; later timers wait in their slot for their turn */

struct sync_wheel {
	struct sync_link slots[NSLOTS];
	uint64_t done; /* slots up to this tick have run */
	sync_wheel_cb cb;
	void *data;
};

/* A time's tick, rounded up: a timer may fire up to a slot late, never early. */
static uint64_t tick_of(uint64_t at_ms)
{
	return at_ms / SLOT_MS + (at_ms % SLOT_MS != 0);
}

static struct sync_obj *of_timer(struct sync_link *l)
{
	return (struct sync_obj *)((char *)l - offsetof(struct sync_obj, timer));
}

int sync_wheel_new(struct sync_wheel **ret_w, uint64_t now_ms, sync_wheel_cb cb, void *data)
{
	struct sync_wheel *w = malloc(sizeof(*w));
	unsigned int i;

	if (!w)
		return -ENOMEM;
	for (i = 0; i < NSLOTS; i++)
		w->slots[i].prev = w->slots[i].next = &w->slots[i];
	w->done = now_ms / SLOT_MS;
	w->cb = cb;
	w->data = data;
	*ret_w = w;
	return 0;
}

void sync_wheel_free(struct sync_wheel *w)
{
	unsigned int i;

	if (!w)
		return;
	for (i = 0; i < NSLOTS; i++)
		while (w->slots[i].next != &w->slots[i])
			sync_wheel_del(of_timer(w->slots[i].next));
	free(w);
}

void sync_wheel_del(struct sync_obj *o)
{
	struct sync_link *l = &o->timer;

	if (!l->next || l->next == l)
		return;
	l->prev->next = l->next;
	l->next->prev = l->prev;
	l->prev = l->next = l;
}

void sync_wheel_add(struct sync_wheel *w, struct sync_obj *o, uint64_t at_ms)
{
	uint64_t tick = tick_of(at_ms);
	struct sync_link *head, *l = &o->timer;

	sync_wheel_del(o);
	if (tick <= w->done)
		tick = w->done + 1;
	o->timer_at = at_ms;
	head = &w->slots[tick % NSLOTS];
	l->prev = head->prev;
	l->next = head;
	head->prev->next = l;
	head->prev = l;
}

static void run_slot(struct sync_wheel *w, uint64_t tick, uint64_t now_ms)
{
	struct sync_link *head = &w->slots[tick % NSLOTS], *l, *next;
	struct sync_link due = { &due, &due };

	/* Move what is due to a private list first: callbacks may re-arm into this slot. */
	for (l = head->next; l != head; l = next) {
		next = l->next;
		if (tick_of(of_timer(l)->timer_at) > tick)
			continue;
		l->prev->next = l->next;
		l->next->prev = l->prev;
		l->prev = due.prev;
		l->next = &due;
		due.prev->next = l;
		due.prev = l;
	}
	(void)now_ms;
	while (due.next != &due) {
		struct sync_obj *o = of_timer(due.next);

		sync_wheel_del(o);
		w->cb(o, w->data);
	}
}

void sync_wheel_run(struct sync_wheel *w, uint64_t now_ms)
{
	uint64_t now = now_ms / SLOT_MS;

	/* A stale @now_ms must not move the wheel back (below 0 near boot: it would never run). */
	if (now <= w->done)
		return;
	/* After a long stall, one full turn visits every slot once. */
	if (now - w->done > NSLOTS)
		w->done = now - NSLOTS;
	while (w->done < now) {
		w->done++;
		run_slot(w, w->done, now_ms);
	}
}
