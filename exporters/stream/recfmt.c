// SPDX-License-Identifier: GPL-2.0-or-later
/* Decoded records as text lines (conntrack style key=value) or JSON objects, for ctflow-records. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <ctflow/ct.h>

#include "stream.h"

/* snprintf-style appending that counts what did not fit. */
struct out {
	char *buf;
	size_t len;
	size_t off;
};

static __attribute__((format(printf, 2, 3))) void put(struct out *o, const char *fmt, ...)
{
	size_t room = o->off < o->len ? o->len - o->off : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->off : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->off += (size_t)n;
}

static int done(struct out *o)
{
	return o->off > INT32_MAX ? INT32_MAX : (int)o->off;
}

static const char *const reason_names[] = {
	"REASON_UNKNOWN", "END",      "ACTIVE_TIMEOUT", "EVICTED", "GAP",
	"RESYNC_END",	  "SHUTDOWN", "START",
};

static const char *const gap_names[] = { "GAP_NONE", "GAP_NETLINK", "GAP_RING", "GAP_WRITE" };

static const char *reason_name(uint8_t r)
{
	return r < sizeof(reason_names) / sizeof(reason_names[0]) ? reason_names[r]
								  : "REASON_UNKNOWN";
}

static const char *gap_name(uint8_t g)
{
	return g < sizeof(gap_names) / sizeof(gap_names[0]) ? gap_names[g] : "GAP_NONE";
}

static void put_time(struct out *o, uint64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000);
	struct tm tm;
	char b[32];

	if (!gmtime_r(&sec, &tm) || !strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm)) {
		put(o, "%" PRIu64, ns);
		return;
	}
	put(o, "%s.%06" PRIu64 "Z", b, ns % 1000000000 / 1000);
}

static void addr_str(uint8_t family, const union ctf_addr *a, char *b, size_t len)
{
	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, a->raw, b, (socklen_t)len))
		snprintf(b, len, "?");
}

static bool has_labels(const uint8_t *l)
{
	for (size_t i = 0; i < CTF_LABELS_LEN; i++)
		if (l[i])
			return true;
	return false;
}

static void put_labels_hex(struct out *o, const uint8_t *l)
{
	for (size_t i = 0; i < CTF_LABELS_LEN; i++)
		put(o, "%02x", l[i]);
}

static void text_tuple(struct out *o, const struct ctf_record *rec, const struct ctf_tuple *t,
		       const struct ctf_record_counters *delta,
		       const struct ctf_record_counters *total)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	addr_str(rec->family, &t->src, s, sizeof(s));
	addr_str(rec->family, &t->dst, d, sizeof(d));
	put(o, " src=%s dst=%s", s, d);
	if (t->flags & CTF_TUPLE_F_ICMP_TYPE)
		put(o, " type=%u code=%u id=%u", t->l4.icmp.type, t->l4.icmp.code, t->l4.icmp.id);
	else if (t->flags & CTF_TUPLE_F_SPORT)
		put(o, " sport=%u dport=%u", t->l4.port.sport, t->l4.port.dport);
	put(o, " packets=%" PRIu64 " bytes=%" PRIu64, delta->packets, delta->bytes);
	if (total->packets != delta->packets || total->bytes != delta->bytes)
		put(o, " total_packets=%" PRIu64 " total_bytes=%" PRIu64, total->packets,
		    total->bytes);
}

static void text_gap(struct out *o, const struct ctf_stream_decoded *d)
{
	put(o, " source=%s lost=%" PRIu64 " cpu=%u", gap_name(d->gap_source), d->rec.lost_events,
	    d->rec.reader);
}

static void text_flow(struct out *o, const struct ctf_stream_decoded *d)
{
	const struct ctf_record *rec = &d->rec;

	put(o, " %s %s", ctf_l3proto_name(rec->family), ctf_l4proto_name(rec->l4proto));
	if (d->state_name[0])
		put(o, " %s", d->state_name);
	text_tuple(o, rec, &rec->orig, &rec->delta[0], &rec->total[0]);
	text_tuple(o, rec, &rec->reply, &rec->delta[1], &rec->total[1]);
	if (!(rec->status & IPS_SEEN_REPLY))
		put(o, " [UNREPLIED]");
	if (rec->status & IPS_ASSURED)
		put(o, " [ASSURED]");
	if (rec->mark)
		put(o, " mark=%u", rec->mark);
	if (rec->zone)
		put(o, " zone=%u", rec->zone);
	if (has_labels(rec->labels)) {
		put(o, " labels=0x");
		put_labels_hex(o, rec->labels);
	}
	if (rec->end_ns >= rec->start_ns && rec->start_ns)
		put(o, " duration=%" PRIu64 ".%03" PRIu64 "s",
		    (rec->end_ns - rec->start_ns) / 1000000000,
		    (rec->end_ns - rec->start_ns) % 1000000000 / 1000000);
	if (rec->reader == CTF_RECORD_POLLER)
		put(o, " id=%u cpu=poller", rec->ct_id);
	else
		put(o, " id=%u cpu=%u", rec->ct_id, rec->reader);
}

int ctf_stream_format_text(char *buf, size_t len, const struct ctf_stream_decoded *d)
{
	struct out o = { .buf = buf, .len = len };

	if (len)
		buf[0] = '\0';
	put_time(&o, d->rec.end_ns ? d->rec.end_ns : d->rec.export_ns);
	put(&o, " %s", reason_name(d->rec.reason));
	if (d->rec.reason == CTF_REASON_GAP)
		text_gap(&o, d);
	else
		text_flow(&o, d);
	if (d->netns[0])
		put(&o, " netns=%s", d->netns);
	if (d->rec.netns)
		put(&o, " netns_inode=%u", d->rec.netns);
	if (d->hostname[0])
		put(&o, " host=%s", d->hostname);
	put(&o, " seq=%" PRIu64, d->rec.seq);
	return done(&o);
}

/* Length of the valid UTF-8 sequence at @s (NUL-terminated), 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void json_str(struct out *o, const char *key, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	put(o, ",\"%s\":\"", key);
	while (*p) {
		size_t n = utf8_len(p);

		if (*p == '"' || *p == '\\')
			put(o, "\\%c", *p);
		else if (*p < 0x20)
			put(o, "\\u%04x", *p);
		else if (n)
			put(o, "%.*s", (int)n, (const char *)p);
		else
			put(o, "\\ufffd"); /* not UTF-8: JSON cannot carry the byte */
		p += n ? n : 1;
	}
	put(o, "\"");
}

static void json_u64(struct out *o, const char *key, uint64_t v)
{
	put(o, ",\"%s\":%" PRIu64, key, v);
}

static void json_addr(struct out *o, const char *key, const struct ctf_record *rec,
		      const struct ctf_tuple *t, uint16_t bit)
{
	char b[INET6_ADDRSTRLEN];

	if (!(t->flags & bit)) {
		put(o, ",\"%s\":null", key);
		return;
	}
	addr_str(rec->family, bit == CTF_TUPLE_F_SRC ? &t->src : &t->dst, b, sizeof(b));
	put(o, ",\"%s\":\"%s\"", key, b);
}

static void json_tuples(struct out *o, const struct ctf_record *rec)
{
	const struct ctf_tuple *t = &rec->orig, *r = &rec->reply;
	bool icmp = t->flags & CTF_TUPLE_F_ICMP_TYPE;

	json_u64(o, "etype", rec->family == AF_INET6 ? 0x86dd : rec->family == AF_INET ? 0x800 : 0);
	json_u64(o, "proto", rec->l4proto);
	json_addr(o, "src_addr", rec, t, CTF_TUPLE_F_SRC);
	json_addr(o, "dst_addr", rec, t, CTF_TUPLE_F_DST);
	json_u64(o, "src_port", icmp ? 0 : t->l4.port.sport);
	json_u64(o, "dst_port", icmp ? 0 : t->l4.port.dport);
	json_u64(o, "icmp_type", icmp ? t->l4.icmp.type : 0);
	json_u64(o, "icmp_code", icmp ? t->l4.icmp.code : 0);
	json_u64(o, "icmp_id", icmp ? t->l4.icmp.id : 0);
	json_addr(o, "reply_src_addr", rec, r, CTF_TUPLE_F_SRC);
	json_addr(o, "reply_dst_addr", rec, r, CTF_TUPLE_F_DST);
	json_u64(o, "reply_src_port", icmp ? 0 : r->l4.port.sport);
	json_u64(o, "reply_dst_port", icmp ? 0 : r->l4.port.dport);
}

static void json_counters(struct out *o, const struct ctf_record *rec)
{
	json_u64(o, "bytes", rec->delta[0].bytes);
	json_u64(o, "packets", rec->delta[0].packets);
	json_u64(o, "reply_bytes", rec->delta[1].bytes);
	json_u64(o, "reply_packets", rec->delta[1].packets);
	json_u64(o, "total_bytes", rec->total[0].bytes);
	json_u64(o, "total_packets", rec->total[0].packets);
	json_u64(o, "reply_total_bytes", rec->total[1].bytes);
	json_u64(o, "reply_total_packets", rec->total[1].packets);
}

static void json_conntrack(struct out *o, const struct ctf_stream_decoded *d)
{
	const struct ctf_record *rec = &d->rec;

	json_u64(o, "ct_id", rec->ct_id);
	json_u64(o, "zone", rec->zone);
	json_u64(o, "mark", rec->mark);
	put(o, ",\"labels\":\"");
	if (has_labels(rec->labels))
		put_labels_hex(o, rec->labels);
	put(o, "\"");
	json_u64(o, "ct_state", rec->state);
	json_str(o, "ct_state_name", d->state_name);
	json_u64(o, "ct_status", rec->status);
	json_u64(o, "netns_inode", rec->netns);
	json_str(o, "netns_name", d->netns);
	json_str(o, "host_name", d->hostname);
	json_u64(o, "reader_cpu", rec->reader);
	json_u64(o, "lost_events", rec->lost_events);
	put(o, ",\"gap_source\":\"%s\"", gap_name(d->gap_source));
}

int ctf_stream_format_json(char *buf, size_t len, const struct ctf_stream_decoded *d)
{
	struct out o = { .buf = buf, .len = len };
	char b[INET6_ADDRSTRLEN];

	if (len)
		buf[0] = '\0';
	put(&o, "{\"type\":\"%s\"", d->type == 100 ? "CONNTRACK" : "FLOWUNKNOWN");
	json_u64(&o, "sequence", d->rec.seq);
	put(&o, ",\"reason\":\"%s\"", reason_name(d->rec.reason));
	json_u64(&o, "time_received_ns", d->rec.export_ns);
	json_u64(&o, "time_flow_start_ns", d->rec.start_ns);
	json_u64(&o, "time_flow_end_ns", d->rec.end_ns);
	if (d->sampler_family) {
		addr_str(d->sampler_family, &d->sampler_addr, b, sizeof(b));
		put(&o, ",\"sampler_address\":\"%s\"", b);
	} else {
		put(&o, ",\"sampler_address\":null");
	}
	json_tuples(&o, &d->rec);
	json_counters(&o, &d->rec);
	json_conntrack(&o, d);
	put(&o, "}");
	return done(&o);
}
