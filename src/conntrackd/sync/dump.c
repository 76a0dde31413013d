// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd sync: "-i" and "-e", the caches as 1.4.7 prints them: the
 * conntrack text line without the timeout, then " [expires in Ns]" for
 * ALARM's external entries and " [active since Ns]"; XML has neither.
 * Internal entries have the kernel's reply tuple, external ones only what
 * the wire carries (no reply tuple). Dead entries are not shown.
 */
#include <string.h>

#include <ctflow/format.h>

#include "engine.h"
#include "wheel.h"

struct dump_ctx {
	struct sync_engine *e;
	bool internal;
	struct ctf_fmt fmt;
	struct sync_out *o;
	int64_t now;
	uint64_t now_ms;
};

static void dump_one(struct sync_obj *o, void *data)
{
	struct dump_ctx *d = data;
	char line[CTF_FMT_LINE_MAX];
	struct ctf_flow f;
	size_t n;

	if (o->status == SYNC_OBJ_DEAD || ctf_sync_ct_decode(o->body, o->len, &f, NULL) < 0)
		return;
	f.set &= ~(CTF_FLOW_BIT(CTF_FLOW_A_NAT_SRC) | CTF_FLOW_BIT(CTF_FLOW_A_NAT_DST));
	if (d->internal && o->reply.l3num) {
		f.reply = o->reply;
		ctf_flow_set(&f, CTF_FLOW_A_REPLY);
	}
	n = ctf_fmt_flow(line, sizeof(line), &f, &d->fmt);
	if (n == 0 || n >= sizeof(line))
		return;
	out_put(d->o, line, n - 1); /* without its newline */
	if (d->fmt.style != CTF_FMT_XML) {
		if (!d->internal && d->e->wheel_ext && o->timer.next && o->timer.next != &o->timer)
			out_printf(d->o, " [expires in %llds]",
				   (long long)(((int64_t)o->timer_at - (int64_t)d->now_ms) / 1000));
		out_printf(d->o, " [active since %llds]", (long long)(d->now - o->created));
	}
	out_put(d->o, "\n", 1);
}

void sync_dump_cache(struct sync_engine *e, struct sync_cache *c, bool internal, bool xml,
		     struct sync_out *o)
{
	struct dump_ctx d = {
		.e = e,
		.internal = internal,
		.fmt = { .style = xml ? CTF_FMT_XML : CTF_FMT_DEFAULT,
			 .flags = CTF_FMT_F_NO_TIMEOUT },
		.o = o,
		.now = sync_wall_secs(),
		.now_ms = sync_now_ms(),
	};

	sync_cache_each(c, dump_one, &d);
}
