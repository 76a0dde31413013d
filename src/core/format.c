// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output formatters: conntrack 1.4.7's text line, XML and save formats, and
 * JSON. The text and XML layouts are libnetfilter_conntrack 1.0.9's
 * nfct_snprintf_labels(), the save layout is conntrack's ct_save_snprintf(),
 * quirks included; the oracle binaries decide every byte.
 *
 * A line is built by appending pieces with hand-written integer and address
 * converters: no printf, no locale, no allocation. Appending past the end of
 * the caller's buffer only counts bytes, so the return value is always the
 * full length (snprintf's contract) and the buffer holds its prefix.
 */
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include <ctflow/exp.h>
#include <ctflow/format.h>
#include <ctflow/labels.h>

#define NSEC_PER_SEC 1000000000ULL

struct out {
	char *start;
	char *p;     /* next byte to write */
	char *end;   /* one past the last byte for text (one more is kept for the NUL) */
	size_t over; /* bytes that did not fit */
};

static void put_slow(struct out *o, const char *s, size_t n)
{
	size_t room = (size_t)(o->end - o->p);

	if (room) {
		memcpy(o->p, s, room);
		o->p += room;
	}
	o->over += n - room;
}

/*
 * Most pieces are a few bytes long: copy them with at most two overlapping
 * word moves instead of a call to memcpy().
 */
static inline __attribute__((always_inline)) void copy_small(char *d, const char *s, size_t n)
{
	if (n >= 8) {
		uint64_t a, b;

		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &b, 4);
	} else if (n) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

static inline __attribute__((always_inline)) void put(struct out *o, const char *s, size_t n)
{
	if (__builtin_expect(n <= (size_t)(o->end - o->p), 1)) {
		if (n <= 16)
			copy_small(o->p, s, n);
		else
			memcpy(o->p, s, n);
		o->p += n;
	} else {
		put_slow(o, s, n);
	}
}

/* put() for the rare paths (temporary buffers when the output is nearly full). */
static void __attribute__((noinline)) put_mem(struct out *o, const char *s, size_t n)
{
	if (n <= (size_t)(o->end - o->p)) {
		memcpy(o->p, s, n);
		o->p += n;
	} else {
		put_slow(o, s, n);
	}
}

/* Room for @n bytes at o->p: write there directly, else go through put_mem(). */
static inline bool room(const struct out *o, size_t n)
{
	return (size_t)(o->end - o->p) >= n;
}

/* Literals only: the "" makes anything else a compile error. */
#define PUT(o, lit) put((o), "" lit "", sizeof(lit) - 1)

/* Inline, so strlen() of a literal (or of either side of a ?:) folds to a constant. */
static inline __attribute__((always_inline)) void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static inline void put_char(struct out *o, char c)
{
	if (__builtin_expect(o->p < o->end, 1))
		*o->p++ = c;
	else
		o->over++;
}

/* Take back the last byte appended (1.4.7 trims a trailing blank or comma this way). */
static void unput(struct out *o)
{
	if (o->over)
		o->over--;
	else if (o->p > o->start)
		o->p--;
}

static const char digits2[201] = "00010203040506070809101112131415161718192021222324"
				 "25262728293031323334353637383940414243444546474849"
				 "50515253545556575859606162636465666768697071727374"
				 "75767778798081828384858687888990919293949596979899";

/* Write @v in decimal so that it ends just before @end; returns where it starts. */
static char *u64_to(char *end, uint64_t v)
{
	while (v >= 100) {
		unsigned int d = (unsigned int)(v % 100) * 2;

		v /= 100;
		*--end = digits2[d + 1];
		*--end = digits2[d];
	}
	if (v >= 10) {
		*--end = digits2[v * 2 + 1];
		*--end = digits2[v * 2];
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

static char *u32_to(char *end, uint32_t v)
{
	while (v >= 100) {
		unsigned int d = (v % 100) * 2;

		v /= 100;
		*--end = digits2[d + 1];
		*--end = digits2[d];
	}
	if (v >= 10) {
		*--end = digits2[v * 2 + 1];
		*--end = digits2[v * 2];
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

static unsigned int digits_u64(uint64_t v)
{
	unsigned int n = 1;

	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

static void put_u64(struct out *o, uint64_t v)
{
	char b[20], *s;

	if (room(o, 20)) {
		o->p += digits_u64(v);
		u64_to(o->p, v);
		return;
	}
	s = u64_to(b + sizeof(b), v);
	put_mem(o, s, (size_t)(b + sizeof(b) - s));
}

static void put_u32(struct out *o, uint32_t v)
{
	char b[10], *s;

	if (room(o, 10)) {
		o->p += digits_u64(v);
		u32_to(o->p, v);
		return;
	}
	s = u32_to(b + sizeof(b), v);
	put_mem(o, s, (size_t)(b + sizeof(b) - s));
}

/* printf's "%.<min>lld": at least @min digits, zero-padded, with the sign in front. */
static void put_i64_min(struct out *o, int64_t v, unsigned int min)
{
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	char b[24], *s = u64_to(b + sizeof(b), u);

	while ((unsigned int)(b + sizeof(b) - s) < min)
		*--s = '0';
	if (v < 0)
		*--s = '-';
	put(o, s, (size_t)(b + sizeof(b) - s));
}

static char *hex_to(char *p, unsigned int v)
{
	static const char hex[] = "0123456789abcdef";
	char b[8], *s = b + sizeof(b);

	do {
		*--s = hex[v & 0xf];
		v >>= 4;
	} while (v);
	memcpy(p, s, (size_t)(b + sizeof(b) - s));
	return p + (b + sizeof(b) - s);
}

static void put_hex(struct out *o, unsigned int v)
{
	char b[8];

	if (room(o, 8))
		o->p = hex_to(o->p, v);
	else
		put_mem(o, b, (size_t)(hex_to(b, v) - b));
}

static char *ip4_to(char *p, const uint8_t *a)
{
	int i;

	for (i = 0; i < 4; i++) {
		unsigned int v = a[i];

		if (v >= 100) {
			*p++ = (char)('0' + v / 100);
			v %= 100;
			*p++ = digits2[v * 2];
			*p++ = digits2[v * 2 + 1];
		} else if (v >= 10) {
			*p++ = digits2[v * 2];
			*p++ = digits2[v * 2 + 1];
		} else {
			*p++ = (char)('0' + v);
		}
		*p++ = '.';
	}
	return p - 1;
}

/* The longest run of zero words (the first one on a tie) when it is 2 or more, as glibc does. */
static int zero_run(const uint16_t *w, int *ret_len)
{
	int i, best = -1, best_len = 0, cur = -1;

	for (i = 0; i < 8; i++) {
		if (w[i]) {
			cur = -1;
			continue;
		}
		if (cur < 0)
			cur = i;
		if (i - cur + 1 > best_len) {
			best = cur;
			best_len = i - cur + 1;
		}
	}
	*ret_len = best_len;
	return best_len >= 2 ? best : -1;
}

/* inet_ntop(AF_INET6) byte for byte, including "::" and the ::ffff:a.b.c.d forms. */
static char *ip6_to(char *p, const uint8_t *a)
{
	uint16_t w[8];
	int i, best, len;

	for (i = 0; i < 8; i++)
		w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	best = zero_run(w, &len);
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + len) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 && (len == 6 || (len == 5 && w[5] == 0xffff)))
			return ip4_to(p, a + 12);
		p = hex_to(p, w[i]);
	}
	if (best >= 0 && best + len == 8)
		*p++ = ':';
	return p;
}

/* The address in the form of @l3 (nothing for other families, as 1.4.7). */
static void put_addr(struct out *o, uint8_t l3, const union ctf_addr *a)
{
	char b[64];

	if (l3 == AF_INET && room(o, 16))
		o->p = ip4_to(o->p, a->raw);
	else if (l3 == AF_INET6 && room(o, 46))
		o->p = ip6_to(o->p, a->raw);
	else if (l3 == AF_INET)
		put_mem(o, b, (size_t)(ip4_to(b, a->raw) - b));
	else if (l3 == AF_INET6)
		put_mem(o, b, (size_t)(ip6_to(b, a->raw) - b));
}

/* Name tables exactly as the 1.4.7 binaries print them. */
static const char *const tcp_names[10] = {
	"NONE",	      "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",	      "SYN_SENT2",
};

static const char *const sctp_names[10] = {
	"NONE",		 "CLOSED",	  "COOKIE_WAIT",       "COOKIE_ECHOED",
	"ESTABLISHED",	 "SHUTDOWN_SENT", "SHUTDOWN_RECD",     "SHUTDOWN_ACK_SENT",
	"HEARTBEAT_SENT", "HEARTBEAT_ACKED",
};

static const char *const dccp_names[10] = {
	"NONE",	    "REQUEST", "RESPOND",  "PARTOPEN", "OPEN",
	"CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE",   "INVALID",
};

#define NAMES_LEN(t) (sizeof(t) / sizeof((t)[0]))

/* libnetfilter_conntrack prints an out-of-range state as NONE. */
static const char *state_name(const char *const *names, size_t n, uint8_t state)
{
	return state < n ? names[state] : names[0];
}

static bool has(const struct ctf_flow *f, enum ctf_flow_attr a)
{
	return ctf_flow_has(f, a);
}

static bool has_timeout(const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	return has(f, CTF_FLOW_A_TIMEOUT) && !(fmt->flags & CTF_FMT_F_NO_TIMEOUT);
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static int64_t now_sec(const struct ctf_fmt *fmt)
{
	return (int64_t)((fmt->now_ns ? fmt->now_ns : realtime_ns()) / NSEC_PER_SEC);
}

/* When the event happened: the kernel's stamp, else the caller's, else now. */
static uint64_t event_ns(const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	if (has(f, CTF_FLOW_A_TS_EVENT))
		return f->ts_event;
	return fmt->event_ns ? fmt->event_ns : realtime_ns();
}

static size_t label_bytes(const struct ctf_flow *f)
{
	return f->labels_len ? f->labels_len : CTF_LABELS_LEN;
}

static bool label_bit(const struct ctf_flow *f, unsigned int bit)
{
	return f->labels[bit / 8] & (1U << (bit % 8));
}

/* Each named label set in @f, between @pre and @post (unnamed bits are skipped, as 1.4.7). */
static void put_label_names(struct out *o, const struct ctf_flow *f,
			    const struct ctf_labelmap *map, const char *pre, const char *post)
{
	unsigned int bit, bits = (unsigned int)label_bytes(f) * 8;
	const char *name;

	for (bit = 0; bit < bits; bit++) {
		if (!f->labels[bit / 8]) {
			bit |= 7;
			continue;
		}
		if (!label_bit(f, bit))
			continue;
		name = ctf_labelmap_name(map, bit);
		if (!name || !*name)
			continue;
		put_str(o, pre);
		put_str(o, name);
		put_str(o, post);
	}
}

static bool print_labels(const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	return fmt->labelmap && (fmt->flags & CTF_FMT_F_LABELS) && has(f, CTF_FLOW_A_LABELS);
}

/* ---- default / extended text line ---- */

static const char *event_tag(uint8_t event)
{
	switch (event) {
	case CTF_EVENT_NEW:
		return "    [NEW] ";
	case CTF_EVENT_UPDATE:
		return " [UPDATE] ";
	case CTF_EVENT_DESTROY:
		return "[DESTROY] ";
	default:
		return "";
	}
}

/* "%-8s %u " */
static void put_name_num(struct out *o, const char *name, unsigned int num)
{
	static const char pad[] = "        ";
	size_t n = strlen(name);

	put(o, name, n);
	if (n < 8)
		put(o, pad, 8 - n);
	put_char(o, ' ');
	put_u32(o, num);
	put_char(o, ' ');
}

static void put_text_l4(struct out *o, const struct ctf_tuple *t)
{
	switch (t->l4proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		PUT(o, "sport=");
		put_u32(o, t->l4.port.sport);
		PUT(o, " dport=");
		put_u32(o, t->l4.port.dport);
		put_char(o, ' ');
		break;
	case IPPROTO_GRE:
		PUT(o, "srckey=0x");
		put_hex(o, t->l4.gre.skey);
		PUT(o, " dstkey=0x");
		put_hex(o, t->l4.gre.dkey);
		put_char(o, ' ');
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		PUT(o, "type=");
		put_u32(o, t->l4.icmp.type);
		PUT(o, " code=");
		put_u32(o, t->l4.icmp.code);
		PUT(o, " id=");
		put_u32(o, t->l4.icmp.id);
		put_char(o, ' ');
		break;
	}
}

static void put_text_tuple(struct out *o, const struct ctf_tuple *t)
{
	if (t->l3num == AF_INET || t->l3num == AF_INET6) {
		PUT(o, "src=");
		put_addr(o, t->l3num, &t->src);
		PUT(o, " dst=");
		put_addr(o, t->l3num, &t->dst);
		put_char(o, ' ');
	}
	put_text_l4(o, t);
}

static void put_text_counters(struct out *o, const struct ctf_counters *c)
{
	PUT(o, "packets=");
	put_u64(o, c->packets);
	PUT(o, " bytes=");
	put_u64(o, c->bytes);
	put_char(o, ' ');
}

static void put_text_states(struct out *o, const struct ctf_flow *f)
{
	if (has(f, CTF_FLOW_A_TCP_STATE)) {
		put_str(o, state_name(tcp_names, NAMES_LEN(tcp_names), f->tcp.state));
		put_char(o, ' ');
	}
	if (has(f, CTF_FLOW_A_SCTP_STATE)) {
		put_str(o, state_name(sctp_names, NAMES_LEN(sctp_names), f->sctp.state));
		put_char(o, ' ');
	}
	if (has(f, CTF_FLOW_A_DCCP_STATE)) {
		put_str(o, state_name(dccp_names, NAMES_LEN(dccp_names), f->dccp.state));
		put_char(o, ' ');
	}
}

static void put_text_dir(struct out *o, const struct ctf_flow *f, int dir)
{
	const struct ctf_tuple *t = dir ? &f->reply : &f->orig;

	put_text_tuple(o, t);
	if (has(f, dir ? CTF_FLOW_A_REPLY_ZONE : CTF_FLOW_A_ORIG_ZONE)) {
		put_str(o, dir ? "zone-reply=" : "zone-orig=");
		put_u32(o, t->zone);
		put_char(o, ' ');
	}
	if (has(f, CTF_FLOW_A_COUNTERS_ORIG + dir))
		put_text_counters(o, &f->counters[dir]);
}

static void put_u32_field(struct out *o, const char *name, uint32_t v)
{
	put_str(o, name);
	put_u32(o, v);
	put_char(o, ' ');
}

/* asctime()'s "Sun Nov 22 11:15:44 2026" in local time, without the newline. */
static void put_ctime(struct out *o, int64_t sec)
{
	static const char wday[] = "SunMonTueWedThuFriSat";
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	time_t t = (time_t)sec;
	struct tm tm;
	char b[16];

	if (!localtime_r(&t, &tm))
		return;
	put(o, wday + 3 * tm.tm_wday, 3);
	put_char(o, ' ');
	put(o, mon + 3 * tm.tm_mon, 3);
	b[0] = ' ';
	b[1] = tm.tm_mday >= 10 ? (char)('0' + tm.tm_mday / 10) : ' ';
	b[2] = (char)('0' + tm.tm_mday % 10);
	b[3] = ' ';
	memcpy(b + 4, digits2 + 2 * tm.tm_hour, 2);
	b[6] = ':';
	memcpy(b + 7, digits2 + 2 * tm.tm_min, 2);
	b[9] = ':';
	memcpy(b + 10, digits2 + 2 * tm.tm_sec, 2);
	b[12] = ' ';
	put(o, b, 13);
	put_i64_min(o, (int64_t)tm.tm_year + 1900, 1);
}

static void put_text_times(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	int64_t stop;

	if (has(f, CTF_FLOW_A_TS_START)) {
		/* The value, not the attribute, decides: a zero stop means "still running". */
		stop = f->ts_stop ? (int64_t)(f->ts_stop / NSEC_PER_SEC) : now_sec(fmt);
		PUT(o, "delta-time=");
		put_u64(o, (uint64_t)(stop - (int64_t)(f->ts_start / NSEC_PER_SEC)));
		put_char(o, ' ');
	}
	if (!(fmt->flags & CTF_FMT_F_KTIMESTAMP))
		return;
	if (has(f, CTF_FLOW_A_TS_START)) {
		PUT(o, "[start=");
		put_ctime(o, (int64_t)(f->ts_start / NSEC_PER_SEC));
		PUT(o, "] ");
	}
	if (has(f, CTF_FLOW_A_TS_STOP)) {
		PUT(o, "[stop=");
		put_ctime(o, (int64_t)(f->ts_stop / NSEC_PER_SEC));
		PUT(o, "] ");
	}
}

static void put_text_status(struct out *o, const struct ctf_flow *f)
{
	if (!has(f, CTF_FLOW_A_STATUS))
		return;
	if (f->status & IPS_HW_OFFLOAD)
		PUT(o, "[HW_OFFLOAD] ");
	else if (f->status & IPS_OFFLOAD)
		PUT(o, "[OFFLOAD] ");
	else if (f->status & IPS_ASSURED)
		PUT(o, "[ASSURED] ");
}

static void put_text_labels(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	PUT(o, "labels=");
	put_label_names(o, f, fmt->labelmap, "", ",");
	/* 1.4.7 drops the last byte: the final comma, or the '=' when no bit has a name. */
	unput(o);
	put_char(o, ' ');
}

static void put_text_meta(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	put_text_status(o, f);
	if (has(f, CTF_FLOW_A_MARK))
		put_u32_field(o, "mark=", f->mark);
	if (has(f, CTF_FLOW_A_SECMARK))
		put_u32_field(o, "secmark=", f->secmark);
	if (has(f, CTF_FLOW_A_SECCTX)) {
		PUT(o, "secctx=");
		put_str(o, f->secctx);
		put_char(o, ' ');
	}
	if (has(f, CTF_FLOW_A_ZONE))
		put_u32_field(o, "zone=", f->zone);
	put_text_times(o, f, fmt);
	if (has(f, CTF_FLOW_A_HELPER)) {
		PUT(o, "helper=");
		put_str(o, f->helper);
		put_char(o, ' ');
	}
	if (has(f, CTF_FLOW_A_USE))
		put_u32_field(o, "use=", f->use);
	if ((fmt->flags & CTF_FMT_F_ID) && has(f, CTF_FLOW_A_ID))
		put_u32_field(o, "id=", f->id);
	if (print_labels(f, fmt))
		put_text_labels(o, f, fmt);
}

/* conntrack's "[%-.8ld.%-.6ld]\t" event time prefix. */
static void put_text_timestamp(struct out *o, uint64_t ns)
{
	put_char(o, '[');
	put_i64_min(o, (int64_t)(ns / NSEC_PER_SEC), 8);
	put_char(o, '.');
	put_i64_min(o, (int64_t)(ns % NSEC_PER_SEC / 1000), 6);
	PUT(o, "]\t");
}

static void fmt_text(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	if (fmt->flags & CTF_FMT_F_TIMESTAMP)
		put_text_timestamp(o, event_ns(f, fmt));
	if (fmt->flags & CTF_FMT_F_EVENT)
		put_str(o, event_tag(f->event));
	if (fmt->flags & CTF_FMT_F_EXTENDED)
		put_name_num(o, ctf_l3proto_name(f->orig.l3num), f->orig.l3num);
	put_name_num(o, ctf_l4proto_name(f->orig.l4proto), f->orig.l4proto);
	if (has_timeout(f, fmt))
		put_u32_field(o, "", f->timeout);
	put_text_states(o, f);
	put_text_dir(o, f, 0);
	if (has(f, CTF_FLOW_A_STATUS) && !(f->status & IPS_SEEN_REPLY))
		PUT(o, "[UNREPLIED] ");
	put_text_dir(o, f, 1);
	put_text_meta(o, f, fmt);
	unput(o); /* every piece ends in a blank; 1.4.7 removes the last one */
	put_char(o, '\n');
}

/* ---- XML ---- */

static void put_xml_u32(struct out *o, const char *open, uint32_t v, const char *close)
{
	put_str(o, open);
	put_u32(o, v);
	put_str(o, close);
}

static void put_xml_l4(struct out *o, const struct ctf_tuple *t)
{
	switch (t->l4proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		put_xml_u32(o, "<sport>", t->l4.port.sport, "</sport>");
		put_xml_u32(o, "<dport>", t->l4.port.dport, "</dport>");
		break;
	case IPPROTO_GRE:
		PUT(o, "<srckey>0x");
		put_hex(o, t->l4.gre.skey);
		PUT(o, "</srckey><dstkey>0x");
		put_hex(o, t->l4.gre.dkey);
		PUT(o, "</dstkey>");
		break;
	}
	/* ICMP and the rest: an empty <layer4>, as 1.4.7. */
}

static void put_xml_dir(struct out *o, const struct ctf_flow *f, int dir)
{
	const struct ctf_tuple *t = dir ? &f->reply : &f->orig;

	put_str(o, dir ? "<meta direction=\"reply\">" : "<meta direction=\"original\">");
	put_xml_u32(o, "<layer3 protonum=\"", t->l3num, "\" protoname=\"");
	put_str(o, ctf_l3proto_name(t->l3num));
	PUT(o, "\"><src>");
	put_addr(o, t->l3num, &t->src);
	PUT(o, "</src><dst>");
	put_addr(o, t->l3num, &t->dst);
	put_xml_u32(o, "</dst></layer3><layer4 protonum=\"", t->l4proto, "\" protoname=\"");
	put_str(o, ctf_l4proto_name(t->l4proto));
	PUT(o, "\">");
	put_xml_l4(o, t);
	PUT(o, "</layer4>");
	if (has(f, dir ? CTF_FLOW_A_REPLY_ZONE : CTF_FLOW_A_ORIG_ZONE))
		put_xml_u32(o, "<zone>", t->zone, "</zone>");
	/* 1.4.7 checks the original direction's counters for both directions. */
	if (has(f, CTF_FLOW_A_COUNTERS_ORIG)) {
		PUT(o, "<counters><packets>");
		put_u64(o, f->counters[dir].packets);
		PUT(o, "</packets><bytes>");
		put_u64(o, f->counters[dir].bytes);
		PUT(o, "</bytes></counters>");
	}
	PUT(o, "</meta>");
}

static bool xml_has_meta(const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	const uint64_t any = CTF_FLOW_BIT(CTF_FLOW_A_TCP_STATE) |
			     CTF_FLOW_BIT(CTF_FLOW_A_SCTP_STATE) |
			     CTF_FLOW_BIT(CTF_FLOW_A_DCCP_STATE) | CTF_FLOW_BIT(CTF_FLOW_A_MARK) |
			     CTF_FLOW_BIT(CTF_FLOW_A_SECMARK) | CTF_FLOW_BIT(CTF_FLOW_A_ZONE) |
			     CTF_FLOW_BIT(CTF_FLOW_A_USE) | CTF_FLOW_BIT(CTF_FLOW_A_STATUS) |
			     CTF_FLOW_BIT(CTF_FLOW_A_ID) | CTF_FLOW_BIT(CTF_FLOW_A_LABELS) |
			     CTF_FLOW_BIT(CTF_FLOW_A_TS_START) | CTF_FLOW_BIT(CTF_FLOW_A_TS_STOP);

	return (f->set & any) || has_timeout(f, fmt);
}

/* SCTP and DCCP states are printed with the TCP names: a 1.4.7 quirk we keep. */
static void put_xml_states(struct out *o, const struct ctf_flow *f)
{
	if (has(f, CTF_FLOW_A_TCP_STATE)) {
		PUT(o, "<state>");
		put_str(o, state_name(tcp_names, NAMES_LEN(tcp_names), f->tcp.state));
		PUT(o, "</state>");
	}
	if (has(f, CTF_FLOW_A_SCTP_STATE)) {
		PUT(o, "<state>");
		put_str(o, state_name(tcp_names, NAMES_LEN(tcp_names), f->sctp.state));
		PUT(o, "</state>");
	}
	if (has(f, CTF_FLOW_A_DCCP_STATE)) {
		PUT(o, "<state>");
		put_str(o, state_name(tcp_names, NAMES_LEN(tcp_names), f->dccp.state));
		PUT(o, "</state>");
	}
}

static void put_xml_times(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	bool start = has(f, CTF_FLOW_A_TS_START), stop = has(f, CTF_FLOW_A_TS_STOP);
	uint64_t delta;

	if ((fmt->flags & CTF_FMT_F_KTIMESTAMP) && (start || stop)) {
		PUT(o, "<timestamp>");
		if (start) {
			PUT(o, "<start>");
			put_u64(o, f->ts_start);
			PUT(o, "</start>");
		}
		if (stop) {
			PUT(o, "<stop>");
			put_u64(o, f->ts_stop);
			PUT(o, "</stop>");
		}
		PUT(o, "</timestamp>");
	}
	if (!start)
		return;
	/* Unlike the text line, XML divides the difference, not each stamp. */
	if (stop)
		delta = (f->ts_stop - f->ts_start) / NSEC_PER_SEC;
	else
		delta = (uint64_t)(now_sec(fmt) - (int64_t)(f->ts_start / NSEC_PER_SEC));
	PUT(o, "<deltatime>");
	put_u64(o, delta);
	PUT(o, "</deltatime>");
}

static void put_xml_meta(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	put_xml_states(o, f);
	if (has_timeout(f, fmt))
		put_xml_u32(o, "<timeout>", f->timeout, "</timeout>");
	if (has(f, CTF_FLOW_A_MARK))
		put_xml_u32(o, "<mark>", f->mark, "</mark>");
	if (print_labels(f, fmt)) {
		PUT(o, "<labels>");
		put_label_names(o, f, fmt->labelmap, "<label>", "</label>");
		PUT(o, "</labels>");
	}
	if (has(f, CTF_FLOW_A_SECMARK))
		put_xml_u32(o, "<secmark>", f->secmark, "</secmark>");
	if (has(f, CTF_FLOW_A_SECCTX)) {
		PUT(o, "<secctx>");
		put_str(o, f->secctx);
		PUT(o, "</secctx>");
	}
	if (has(f, CTF_FLOW_A_ZONE))
		put_xml_u32(o, "<zone>", f->zone, "</zone>");
	if (has(f, CTF_FLOW_A_USE))
		put_xml_u32(o, "<use>", f->use, "</use>");
	if (has(f, CTF_FLOW_A_ID))
		put_xml_u32(o, "<id>", f->id, "</id>");
	if (has(f, CTF_FLOW_A_STATUS) && (f->status & IPS_ASSURED))
		PUT(o, "<assured/>");
	if (has(f, CTF_FLOW_A_STATUS) && !(f->status & IPS_SEEN_REPLY))
		PUT(o, "<unreplied/>");
	put_xml_times(o, f, fmt);
}

static void put_xml_when(struct out *o, uint64_t ns)
{
	time_t t = (time_t)(ns / NSEC_PER_SEC);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return;
	put_xml_u32(o, "<when><hour>", (uint32_t)tm.tm_hour, "</hour><min>");
	put(o, digits2 + 2 * tm.tm_min, 2);
	PUT(o, "</min><sec>");
	put(o, digits2 + 2 * tm.tm_sec, 2);
	put_xml_u32(o, "</sec><wday>", (uint32_t)tm.tm_wday + 1, "</wday><day>");
	put_xml_u32(o, "", (uint32_t)tm.tm_mday, "</day><month>");
	put_xml_u32(o, "", (uint32_t)tm.tm_mon + 1, "</month><year>");
	put_i64_min(o, (int64_t)tm.tm_year + 1900, 1);
	PUT(o, "</year></when>");
}

static const char *xml_flow_open(const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	if (!(fmt->flags & CTF_FMT_F_EVENT))
		return "<flow>";
	switch (f->event) {
	case CTF_EVENT_NEW:
		return "<flow type=\"new\">";
	case CTF_EVENT_UPDATE:
		return "<flow type=\"update\">";
	case CTF_EVENT_DESTROY:
		return "<flow type=\"destroy\">";
	default:
		return "<flow>";
	}
}

static void fmt_xml(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	bool meta = xml_has_meta(f, fmt);

	put_str(o, xml_flow_open(f, fmt));
	put_xml_dir(o, f, 0);
	put_xml_dir(o, f, 1);
	if (meta)
		PUT(o, "<meta direction=\"independent\">");
	put_xml_meta(o, f, fmt);
	if (meta)
		PUT(o, "</meta>");
	if (fmt->flags & CTF_FMT_F_TIMESTAMP)
		put_xml_when(o, event_ns(f, fmt));
	if (has(f, CTF_FLOW_A_HELPER)) {
		PUT(o, "<helper>");
		put_str(o, f->helper);
		PUT(o, "</helper>");
	}
	PUT(o, "</flow>\n");
}

/* ---- save (replayable conntrack arguments) ---- */

uint8_t ctf_fmt_save_l3proto(const struct ctf_flow *f)
{
	if (has(f, CTF_FLOW_A_ORIG) && f->orig.l3num)
		return f->orig.l3num;
	return has(f, CTF_FLOW_A_REPLY) ? f->reply.l3num : 0;
}

static void put_save_status(struct out *o, uint32_t status)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ IPS_EXPECTED, "EXPECTED," },
		{ IPS_SEEN_REPLY, "SEEN_REPLY," },
		{ IPS_ASSURED, "ASSURED," },
		{ IPS_FIXED_TIMEOUT, "FIXED_TIMEOUT," },
	};
	bool found = false;
	size_t i;

	PUT(o, "-u ");
	for (i = 0; i < NAMES_LEN(names); i++) {
		if (!(status & names[i].bit))
			continue;
		put_str(o, names[i].name);
		found = true;
	}
	if (found)
		unput(o);
	else
		PUT(o, "UNSET");
	put_char(o, ' ');
}

static void put_save_generic(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	if (has_timeout(f, fmt))
		put_u32_field(o, "-t ", f->timeout);
	if (has(f, CTF_FLOW_A_STATUS))
		put_save_status(o, f->status);
	if (has(f, CTF_FLOW_A_SECMARK))
		put_u32_field(o, "-c ", f->secmark);
	if (has(f, CTF_FLOW_A_ZONE))
		put_u32_field(o, "-w ", f->zone);
	if (has(f, CTF_FLOW_A_ORIG_ZONE))
		put_u32_field(o, "--orig-zone ", f->orig.zone);
	if (has(f, CTF_FLOW_A_REPLY_ZONE))
		put_u32_field(o, "--reply-zone ", f->reply.zone);
}

static void put_save_addr(struct out *o, const char *opt, const struct ctf_tuple *t,
			  uint16_t flag, uint8_t l3, const union ctf_addr *a)
{
	if (!(t->flags & flag) || t->l3num != l3)
		return;
	put_str(o, opt);
	put_addr(o, l3, a);
	put_char(o, ' ');
}

/*
 * libnetfilter_conntrack's NFCT_GOPT_IS_SNAT/DNAT: the NAT is done (assumed
 * when the status is unknown) and the reply address differs from the one
 * the original direction would give back.
 */
static bool save_nat(const struct ctf_flow *f, uint32_t done, const union ctf_addr *a,
		     const union ctf_addr *b)
{
	if (has(f, CTF_FLOW_A_STATUS) && !(f->status & done))
		return false;
	if (f->orig.l3num == AF_INET)
		return a->ip != b->ip;
	if (f->orig.l3num == AF_INET6)
		return memcmp(a->raw, b->raw, 16) != 0;
	return false;
}

static void put_save_addrs(struct out *o, const struct ctf_flow *f, uint8_t l3)
{
	bool dnat = save_nat(f, IPS_DST_NAT_DONE, &f->reply.src, &f->orig.dst);
	bool snat = save_nat(f, IPS_SRC_NAT_DONE, &f->reply.dst, &f->orig.src);

	put_save_addr(o, "-s ", &f->orig, CTF_TUPLE_F_SRC, l3, &f->orig.src);
	put_save_addr(o, "-d ", &f->orig, CTF_TUPLE_F_DST, l3, &f->orig.dst);
	put_save_addr(o, dnat ? "-g " : "-r ", &f->reply, CTF_TUPLE_F_SRC, l3, &f->reply.src);
	put_save_addr(o, snat ? "-n " : "-q ", &f->reply, CTF_TUPLE_F_DST, l3, &f->reply.dst);
}

/* The four port (or key) options, printed when the kernel sent the port. */
static void put_save_ports(struct out *o, const struct ctf_flow *f, const char *const opt[4])
{
	if (f->orig.flags & CTF_TUPLE_F_SPORT)
		put_u32_field(o, opt[0], f->orig.l4.port.sport);
	if (f->orig.flags & CTF_TUPLE_F_DPORT)
		put_u32_field(o, opt[1], f->orig.l4.port.dport);
	if (f->reply.flags & CTF_TUPLE_F_SPORT)
		put_u32_field(o, opt[2], f->reply.l4.port.sport);
	if (f->reply.flags & CTF_TUPLE_F_DPORT)
		put_u32_field(o, opt[3], f->reply.l4.port.dport);
}

static void put_save_state(struct out *o, const char *const *names, size_t n, uint8_t state)
{
	PUT(o, "--state ");
	put_str(o, state < n && names[state] ? names[state] : "(null)");
	put_char(o, ' ');
}

/*
 * libnetfilter_conntrack marks ICMP type, code and id present when either
 * tuple has them, but keeps the original tuple's values.
 */
static void put_save_icmp(struct out *o, const struct ctf_tuple *t, uint16_t flags,
			  const char *const opt[3])
{
	if (flags & CTF_TUPLE_F_ICMP_TYPE)
		put_u32_field(o, opt[0], t->l4.icmp.type);
	if (flags & CTF_TUPLE_F_ICMP_CODE)
		put_u32_field(o, opt[1], t->l4.icmp.code);
	if (flags & CTF_TUPLE_F_ICMP_ID)
		put_u32_field(o, opt[2], t->l4.icmp.id);
}

static const char *const port_opts[4] = { "--sport ", "--dport ", "--reply-port-src ",
					  "--reply-port-dst " };

/* conntrack 1.4.7's save tables: SCTP knows no HEARTBEAT_* names, DCCP has roles. */
static const char *const save_sctp_names[10] = {
	"NONE",		"CLOSED",	 "COOKIE_WAIT",	  "COOKIE_ECHOED",
	"ESTABLISHED", "SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
};

static const char *const dccp_roles[2] = { "client", "server" };

static void put_save_sctp(struct out *o, const struct ctf_flow *f)
{
	put_save_ports(o, f, port_opts);
	if (has(f, CTF_FLOW_A_SCTP_STATE))
		put_save_state(o, save_sctp_names, NAMES_LEN(save_sctp_names), f->sctp.state);
	/* conntrack converts the library's host-order vtags once more: keep the swap. */
	if (has(f, CTF_FLOW_A_SCTP_VTAG_ORIG))
		put_u32_field(o, "--orig-vtag ", __builtin_bswap32(f->sctp.vtag[0]));
	if (has(f, CTF_FLOW_A_SCTP_VTAG_REPLY))
		put_u32_field(o, "--reply-vtag ", __builtin_bswap32(f->sctp.vtag[1]));
}

static void put_save_dccp(struct out *o, const struct ctf_flow *f)
{
	put_save_ports(o, f, port_opts);
	if (has(f, CTF_FLOW_A_DCCP_STATE))
		put_save_state(o, dccp_names, NAMES_LEN(dccp_names), f->dccp.state);
	if (has(f, CTF_FLOW_A_DCCP_ROLE)) {
		PUT(o, "--role ");
		put_str(o, f->dccp.role < 2 ? dccp_roles[f->dccp.role] : "(null)");
		put_char(o, ' ');
	}
}

/* "-p NAME" and its options for the protocols 1.4.7 has an extension for. */
static bool put_save_proto(struct out *o, const struct ctf_flow *f)
{
	static const char *const icmp_opts[3] = { "--icmp-type ", "--icmp-code ", "--icmp-id " };
	static const char *const icmp6_opts[3] = { "--icmpv6-type ", "--icmpv6-code ",
						   "--icmpv6-id " };
	static const char *const gre_opts[4] = { "--srckey ", "--dstkey ", "--reply-key-src ",
						 "--reply-key-dst " };
	uint8_t p = f->orig.l4proto;

	switch (p) {
	case IPPROTO_TCP:
		PUT(o, "-p tcp ");
		put_save_ports(o, f, port_opts);
		if (has(f, CTF_FLOW_A_TCP_STATE))
			put_save_state(o, tcp_names, NAMES_LEN(tcp_names), f->tcp.state);
		return true;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		put_str(o, p == IPPROTO_UDP ? "-p udp " : "-p udplite ");
		put_save_ports(o, f, port_opts);
		return true;
	case IPPROTO_SCTP:
		PUT(o, "-p sctp ");
		put_save_sctp(o, f);
		return true;
	case IPPROTO_DCCP:
		PUT(o, "-p dccp ");
		put_save_dccp(o, f);
		return true;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		put_str(o, p == IPPROTO_ICMP ? "-p icmp " : "-p icmpv6 ");
		put_save_icmp(o, &f->orig, f->orig.flags | f->reply.flags,
			      p == IPPROTO_ICMP ? icmp_opts : icmp6_opts);
		return true;
	case IPPROTO_GRE:
		PUT(o, "-p gre ");
		put_save_ports(o, f, gre_opts);
		return true;
	}
	return false;
}

static const char *save_command(const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	if (!(fmt->flags & CTF_FMT_F_EVENT))
		return "-A ";
	switch (f->event) {
	case CTF_EVENT_NEW:
		return "-A ";
	case CTF_EVENT_UPDATE:
		return "-U ";
	case CTF_EVENT_DESTROY:
		return "-D ";
	default:
		return "";
	}
}

static void fmt_save(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	uint8_t l3 = ctf_fmt_save_l3proto(f);

	put_str(o, save_command(f, fmt));
	put_save_generic(o, f, fmt);
	if (l3 != AF_INET && l3 != AF_INET6) {
		/* 1.4.7 warns on stderr and still prints what it had, untrimmed. */
		put_char(o, '\n');
		return;
	}
	put_save_addrs(o, f, l3);
	if (!put_save_proto(o, f)) {
		PUT(o, "-p ");
		put_u32_field(o, "", f->orig.l4proto);
	}
	unput(o); /* the option list always ends in one blank */
	put_char(o, '\n');
}

/* ---- JSON (doc/json.md) ---- */

/* Bytes of the UTF-8 sequence at @s (at most @n bytes), or 0 when it is not valid UTF-8. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (len > n)
		return 0;
	c = s[0] & (0x3f >> (len - 1));
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return len;
}

/*
 * A JSON string. Valid UTF-8 passes through; control characters and bytes
 * that are not UTF-8 become \u00XX (the byte read as Latin-1), so the line
 * is always valid JSON whatever the kernel sent.
 */
static void put_json_str(struct out *o, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0, run;

	put_char(o, '"');
	while (i < n) {
		for (run = i; run < n && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' &&
			      s[run] != '\\';)
			run++;
		put(o, (const char *)s + i, run - i);
		if ((i = run) >= n)
			break;
		if (s[i] == '"' || s[i] == '\\') {
			char e[2] = { '\\', (char)s[i++] };

			put(o, e, 2);
		} else if (s[i] >= 0x80 && (run = utf8_len(s + i, n - i))) {
			put(o, (const char *)s + i, run);
			i += run;
		} else {
			char esc[6] = { '\\', 'u', '0', '0', hex[s[i] >> 4], hex[s[i] & 0xf] };

			put(o, esc, sizeof(esc));
			i++;
		}
	}
	put_char(o, '"');
}

/* A string known to need no escaping: our own names, and label names (libnetfilter_conntrack's [A-Za-z0-9 -]). */
static void put_json_plain(struct out *o, const char *s)
{
	put_char(o, '"');
	put_str(o, s);
	put_char(o, '"');
}

/* ,"key":N */
static void put_json_u64(struct out *o, const char *key, uint64_t v)
{
	put_str(o, key);
	put_u64(o, v);
}

static void put_json_tuple(struct out *o, const struct ctf_tuple *t, bool zone)
{
	PUT(o, "{\"src\":\"");
	if (t->flags & CTF_TUPLE_F_SRC)
		put_addr(o, t->l3num, &t->src);
	PUT(o, "\",\"dst\":\"");
	if (t->flags & CTF_TUPLE_F_DST)
		put_addr(o, t->l3num, &t->dst);
	put_char(o, '"');
	if (t->l4proto == IPPROTO_ICMP || t->l4proto == IPPROTO_ICMPV6) {
		if (t->flags & CTF_TUPLE_F_ICMP_TYPE)
			put_json_u64(o, ",\"type\":", t->l4.icmp.type);
		if (t->flags & CTF_TUPLE_F_ICMP_CODE)
			put_json_u64(o, ",\"code\":", t->l4.icmp.code);
		if (t->flags & CTF_TUPLE_F_ICMP_ID)
			put_json_u64(o, ",\"id\":", t->l4.icmp.id);
	} else {
		bool gre = t->l4proto == IPPROTO_GRE;

		if (t->flags & CTF_TUPLE_F_SPORT)
			put_json_u64(o, gre ? ",\"srckey\":" : ",\"sport\":", t->l4.port.sport);
		if (t->flags & CTF_TUPLE_F_DPORT)
			put_json_u64(o, gre ? ",\"dstkey\":" : ",\"dport\":", t->l4.port.dport);
	}
	if (zone)
		put_json_u64(o, ",\"zone\":", t->zone);
}

static void put_json_dir(struct out *o, const struct ctf_flow *f, int dir)
{
	const struct ctf_tuple *t = dir ? &f->reply : &f->orig;

	if (!has(f, dir ? CTF_FLOW_A_REPLY : CTF_FLOW_A_ORIG))
		return;
	put_str(o, dir ? ",\"reply\":" : ",\"orig\":");
	put_json_tuple(o, t, has(f, dir ? CTF_FLOW_A_REPLY_ZONE : CTF_FLOW_A_ORIG_ZONE));
	if (has(f, CTF_FLOW_A_COUNTERS_ORIG + dir)) {
		put_json_u64(o, ",\"packets\":", f->counters[dir].packets);
		put_json_u64(o, ",\"bytes\":", f->counters[dir].bytes);
	}
	put_char(o, '}');
}

static void put_json_state(struct out *o, const char *const *names, size_t n, uint8_t state)
{
	PUT(o, ",\"state\":");
	if (state < n) {
		put_json_plain(o, names[state]);
	} else {
		put_char(o, '"');
		put_u32(o, state);
		put_char(o, '"');
	}
}

static void put_json_status(struct out *o, uint32_t status)
{
	static const char *const names[] = {
		"EXPECTED",	    "SEEN_REPLY",   "ASSURED",	 "CONFIRMED", "SRC_NAT",
		"DST_NAT",	    "SEQ_ADJUST",   "SRC_NAT_DONE", "DST_NAT_DONE", "DYING",
		"FIXED_TIMEOUT", "TEMPLATE",	    "UNTRACKED",  "HELPER",    "OFFLOAD",
		"HW_OFFLOAD",
	};
	bool first = true;
	unsigned int i;

	PUT(o, ",\"status\":[");
	for (i = 0; i < NAMES_LEN(names); i++) {
		if (!(status & (1U << i)))
			continue;
		if (!first)
			put_char(o, ',');
		put_json_plain(o, names[i]);
		first = false;
	}
	put_char(o, ']');
	put_json_u64(o, ",\"status_raw\":", status);
}

static void put_json_protoinfo(struct out *o, const struct ctf_flow *f)
{
	static const char *const wscale[2] = { ",\"tcp_wscale_orig\":", ",\"tcp_wscale_reply\":" };
	static const char *const flags[2] = { ",\"tcp_flags_orig\":", ",\"tcp_flags_reply\":" };
	static const char *const vtag[2] = { ",\"sctp_vtag_orig\":", ",\"sctp_vtag_reply\":" };
	int d;

	if (has(f, CTF_FLOW_A_TCP_STATE))
		put_json_state(o, tcp_names, NAMES_LEN(tcp_names), f->tcp.state);
	else if (has(f, CTF_FLOW_A_SCTP_STATE))
		put_json_state(o, sctp_names, NAMES_LEN(sctp_names), f->sctp.state);
	else if (has(f, CTF_FLOW_A_DCCP_STATE))
		put_json_state(o, dccp_names, NAMES_LEN(dccp_names), f->dccp.state);
	for (d = 0; d < 2; d++) {
		if (has(f, CTF_FLOW_A_TCP_WSCALE_ORIG + d))
			put_json_u64(o, wscale[d], f->tcp.wscale[d]);
		if (has(f, CTF_FLOW_A_TCP_FLAGS_ORIG + d))
			put_json_u64(o, flags[d], f->tcp.flags[d]);
		if (has(f, CTF_FLOW_A_SCTP_VTAG_ORIG + d))
			put_json_u64(o, vtag[d], f->sctp.vtag[d]);
	}
	if (has(f, CTF_FLOW_A_DCCP_ROLE)) {
		PUT(o, ",\"dccp_role\":");
		put_json_str(o, f->dccp.role < 2 ? dccp_roles[f->dccp.role] : "unknown");
	}
	if (has(f, CTF_FLOW_A_DCCP_HANDSHAKE_SEQ))
		put_json_u64(o, ",\"dccp_handshake_seq\":", f->dccp.handshake_seq);
}

static void put_json_labels(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	unsigned int bit, bits = (unsigned int)label_bytes(f) * 8;
	const char *name;
	bool first = true;

	PUT(o, ",\"labels\":[");
	for (bit = 0; bit < bits; bit++) {
		if (!f->labels[bit / 8]) {
			bit |= 7;
			continue;
		}
		if (!label_bit(f, bit))
			continue;
		if (!first)
			put_char(o, ',');
		first = false;
		name = ctf_labelmap_name(fmt->labelmap, bit);
		if (name && *name)
			put_json_plain(o, name);
		else
			put_u32(o, bit);
	}
	put_char(o, ']');
}

static void put_json_times(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	int64_t stop;

	if (has(f, CTF_FLOW_A_TS_START))
		put_json_u64(o, ",\"start_ns\":", f->ts_start);
	if (has(f, CTF_FLOW_A_TS_STOP))
		put_json_u64(o, ",\"stop_ns\":", f->ts_stop);
	if (!has(f, CTF_FLOW_A_TS_START))
		return;
	stop = f->ts_stop ? (int64_t)(f->ts_stop / NSEC_PER_SEC) : now_sec(fmt);
	PUT(o, ",\"delta_s\":");
	put_i64_min(o, stop - (int64_t)(f->ts_start / NSEC_PER_SEC), 1);
}

static void put_json_head(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	static const char *const events[] = { [CTF_EVENT_NEW] = "new",
					      [CTF_EVENT_UPDATE] = "update",
					      [CTF_EVENT_DESTROY] = "destroy" };
	uint8_t l3 = f->family ? f->family : f->orig.l3num;

	put_char(o, '{');
	if ((fmt->flags & CTF_FMT_F_EVENT) && f->event < NAMES_LEN(events) && events[f->event]) {
		PUT(o, "\"event\":");
		put_json_str(o, events[f->event]);
		put_char(o, ',');
	}
	if (fmt->flags & CTF_FMT_F_TIMESTAMP) {
		put_json_u64(o, "\"time_ns\":", event_ns(f, fmt));
		put_char(o, ',');
	}
	PUT(o, "\"family\":");
	put_json_plain(o, ctf_l3proto_name(l3));
	put_json_u64(o, ",\"l3num\":", l3);
	PUT(o, ",\"proto\":");
	put_json_plain(o, ctf_l4proto_name(f->orig.l4proto));
	put_json_u64(o, ",\"protonum\":", f->orig.l4proto);
}

static void put_json_meta(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	if (has_timeout(f, fmt))
		put_json_u64(o, ",\"timeout\":", f->timeout);
	if (has(f, CTF_FLOW_A_STATUS))
		put_json_status(o, f->status);
	if (has(f, CTF_FLOW_A_MARK))
		put_json_u64(o, ",\"mark\":", f->mark);
	if (has(f, CTF_FLOW_A_SECMARK))
		put_json_u64(o, ",\"secmark\":", f->secmark);
	if (has(f, CTF_FLOW_A_SECCTX)) {
		PUT(o, ",\"secctx\":");
		put_json_str(o, f->secctx);
	}
	if (has(f, CTF_FLOW_A_ZONE))
		put_json_u64(o, ",\"zone\":", f->zone);
	put_json_times(o, f, fmt);
	if (has(f, CTF_FLOW_A_USE))
		put_json_u64(o, ",\"use\":", f->use);
	if (has(f, CTF_FLOW_A_ID))
		put_json_u64(o, ",\"id\":", f->id);
	if (has(f, CTF_FLOW_A_HELPER)) {
		PUT(o, ",\"helper\":");
		put_json_str(o, f->helper);
	}
	if (has(f, CTF_FLOW_A_LABELS))
		put_json_labels(o, f, fmt);
}

static void put_json_seqadj(struct out *o, const struct ctf_flow *f)
{
	int d;

	for (d = 0; d < 2; d++) {
		if (!has(f, CTF_FLOW_A_SEQADJ_ORIG + d))
			continue;
		put_str(o, d ? ",\"seqadj_reply\":" : ",\"seqadj_orig\":");
		put_json_u64(o, "{\"correction_pos\":", f->seqadj[d].correction_pos);
		put_json_u64(o, ",\"offset_before\":", f->seqadj[d].offset_before);
		put_json_u64(o, ",\"offset_after\":", f->seqadj[d].offset_after);
		put_char(o, '}');
	}
	if (has(f, CTF_FLOW_A_SYNPROXY)) {
		put_json_u64(o, ",\"synproxy\":{\"isn\":", f->synproxy.isn);
		put_json_u64(o, ",\"its\":", f->synproxy.its);
		put_json_u64(o, ",\"tsoff\":", f->synproxy.tsoff);
		put_char(o, '}');
	}
}

static void fmt_json(struct out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	put_json_head(o, f, fmt);
	put_json_dir(o, f, 0);
	put_json_dir(o, f, 1);
	if (has(f, CTF_FLOW_A_MASTER)) {
		PUT(o, ",\"master\":");
		put_json_tuple(o, &f->master, false);
		put_char(o, '}');
	}
	put_json_protoinfo(o, f);
	put_json_meta(o, f, fmt);
	put_json_seqadj(o, f);
	PUT(o, "}\n");
}

/* ---- expectations (libnetfilter_conntrack 1.0.9's nfexp_snprintf) ---- */

/* "src=A dst=B " with the tags given, in the message's family (nothing for others). */
static void put_exp_addrs(struct out *o, uint8_t family, const struct ctf_tuple *t,
			  const char *src, const char *dst)
{
	if (family != AF_INET && family != AF_INET6)
		return;
	put_str(o, src);
	put_addr(o, family, &t->src);
	put_str(o, dst);
	put_addr(o, family, &t->dst);
	put_char(o, ' ');
}

/* A number left-justified in @width columns, blank-padded ("%-Nlu"). */
static void put_u64_left(struct out *o, uint64_t v, unsigned int width)
{
	char b[24], *start = u64_to(b + sizeof(b), v);
	size_t n = (size_t)(b + sizeof(b) - start);

	put_mem(o, start, n);
	for (; n < width; n++)
		put_char(o, ' ');
}

/* conntrack's "[%-8ld.%-6ld]\t" expectation time prefix: unlike the flows' "%-.6ld", blanks. */
static void put_exp_timestamp(struct out *o, uint64_t ns)
{
	put_char(o, '[');
	put_u64_left(o, ns / NSEC_PER_SEC, 8);
	put_char(o, '.');
	put_u64_left(o, ns % NSEC_PER_SEC / 1000, 6);
	PUT(o, "]\t");
}

static void put_exp_flags(struct out *o, uint32_t flags)
{
	const char *delim = "";

	if (flags & CTF_EXP_F_PERMANENT) {
		PUT(o, "PERMANENT");
		delim = ",";
	}
	if (flags & CTF_EXP_F_INACTIVE) {
		put_str(o, delim);
		PUT(o, "INACTIVE");
		delim = ",";
	}
	if (flags & CTF_EXP_F_USERSPACE) {
		put_str(o, delim);
		PUT(o, "USERSPACE");
	}
	/* any flag bit, named or not, is followed by a blank */
	if (flags)
		put_char(o, ' ');
}

static void fmt_exp_text(struct out *o, const struct ctf_exp *e, const struct ctf_fmt *fmt)
{
	if (fmt->flags & CTF_FMT_F_TIMESTAMP)
		put_exp_timestamp(o, fmt->event_ns ? fmt->event_ns : realtime_ns());
	if (fmt->flags & CTF_FMT_F_EVENT)
		put_str(o, event_tag(e->event));
	if (ctf_exp_has(e, CTF_EXP_A_TIMEOUT))
		put_u32_field(o, "", e->timeout);
	put_u32_field(o, "proto=", e->tuple.l4proto);
	put_exp_addrs(o, e->family, &e->tuple, "src=", " dst=");
	put_text_l4(o, &e->tuple);
	put_exp_addrs(o, e->family, &e->mask, "mask-src=", " mask-dst=");
	put_text_l4(o, &e->mask);
	put_exp_addrs(o, e->family, &e->master, "master-src=", " master-dst=");
	put_text_l4(o, &e->master);
	if (ctf_exp_has(e, CTF_EXP_A_ZONE))
		put_u32_field(o, "zone=", e->zone);
	put_exp_flags(o, e->flags);
	if (ctf_exp_has(e, CTF_EXP_A_CLASS))
		put_u32_field(o, "class=", e->class);
	if (ctf_exp_has(e, CTF_EXP_A_HELPER)) {
		PUT(o, "helper=");
		put_str(o, e->helper);
	} else {
		unput(o); /* the last piece's blank; the line is never empty here */
	}
	put_char(o, '\n');
}

static void put_exp_xml_addrs(struct out *o, const char *tag, uint8_t family,
			      const struct ctf_tuple *t)
{
	put_str(o, tag); /* "<expected>", "<mask>", "<master>" */
	PUT(o, "<src>"); /* empty for other families, as 1.4.7 */
	put_addr(o, family, &t->src);
	PUT(o, "</src><dst>");
	put_addr(o, family, &t->dst);
	PUT(o, "</dst></");
	put_str(o, tag + 1);
}

static void put_exp_xml_l4(struct out *o, const char *tag, const struct ctf_tuple *t)
{
	put_str(o, tag);
	put_xml_l4(o, t);
	PUT(o, "</");
	put_str(o, tag + 1);
}

static void put_exp_xml_meta(struct out *o, const struct ctf_exp *e, const struct ctf_fmt *fmt)
{
	PUT(o, "<meta>");
	if (ctf_exp_has(e, CTF_EXP_A_HELPER)) {
		PUT(o, "<helper-name>");
		put_str(o, e->helper);
		PUT(o, "</helper-name>");
	}
	if (ctf_exp_has(e, CTF_EXP_A_TIMEOUT))
		put_xml_u32(o, "<timeout>", e->timeout, "</timeout>");
	if (ctf_exp_has(e, CTF_EXP_A_CLASS))
		put_xml_u32(o, "<class>", e->class, "</class>");
	if (ctf_exp_has(e, CTF_EXP_A_ZONE))
		put_xml_u32(o, "<zone>", e->zone, "</zone>");
	/* libnetfilter_conntrack reads the clock here, not the event's time */
	if (fmt->flags & CTF_FMT_F_TIMESTAMP)
		put_xml_when(o, fmt->event_ns ? fmt->event_ns : realtime_ns());
	if (e->flags & CTF_EXP_F_PERMANENT)
		PUT(o, "<permanent/>");
	if (e->flags & CTF_EXP_F_INACTIVE)
		PUT(o, "<inactive/>");
	if (e->flags & CTF_EXP_F_USERSPACE)
		PUT(o, "<userspace/>");
	PUT(o, "</meta>");
}

static void fmt_exp_xml(struct out *o, const struct ctf_exp *e, const struct ctf_fmt *fmt)
{
	static const char *const open[] = { [CTF_EVENT_NEW] = "<flow type=\"new\">",
					    [CTF_EVENT_UPDATE] = "<flow type=\"update\">",
					    [CTF_EVENT_DESTROY] = "<flow type=\"destroy\">" };
	bool ev = (fmt->flags & CTF_FMT_F_EVENT) && e->event < NAMES_LEN(open) && open[e->event];

	put_str(o, ev ? open[e->event] : "<flow>");
	put_xml_u32(o, "<layer3 protonum=\"", e->family, "\" protoname=\"");
	put_str(o, ctf_l3proto_name(e->family));
	PUT(o, "\">");
	put_exp_xml_addrs(o, "<expected>", e->family, &e->tuple);
	put_exp_xml_addrs(o, "<mask>", e->family, &e->mask);
	put_exp_xml_addrs(o, "<master>", e->family, &e->master);
	put_xml_u32(o, "</layer3><layer4 protonum=\"", e->tuple.l4proto, "\" protoname=\"");
	put_str(o, ctf_l4proto_name(e->tuple.l4proto));
	PUT(o, "\">");
	put_exp_xml_l4(o, "<expected>", &e->tuple);
	put_exp_xml_l4(o, "<mask>", &e->mask);
	put_exp_xml_l4(o, "<master>", &e->master);
	PUT(o, "</layer4>");
	put_exp_xml_meta(o, e, fmt);
	PUT(o, "</flow>\n");
}

static void put_json_exp_tuple(struct out *o, const char *key, uint8_t family,
			       const struct ctf_tuple *t)
{
	struct ctf_tuple c = *t;

	c.l3num = family; /* as the text forms: addresses in the message's family */
	put_str(o, key);
	put_json_tuple(o, &c, false);
	put_json_u64(o, ",\"protonum\":", t->l4proto);
	put_char(o, '}');
}

static void put_json_exp_flags(struct out *o, uint32_t flags)
{
	static const char *const names[] = { "PERMANENT", "INACTIVE", "USERSPACE" };
	bool first = true;
	unsigned int i;

	PUT(o, ",\"flags\":[");
	for (i = 0; i < NAMES_LEN(names); i++) {
		if (!(flags & (1U << i)))
			continue;
		if (!first)
			put_char(o, ',');
		put_json_plain(o, names[i]);
		first = false;
	}
	put_char(o, ']');
	put_json_u64(o, ",\"flags_raw\":", flags);
}

static void put_json_exp_meta(struct out *o, const struct ctf_exp *e)
{
	if (ctf_exp_has(e, CTF_EXP_A_TIMEOUT))
		put_json_u64(o, ",\"timeout\":", e->timeout);
	if (ctf_exp_has(e, CTF_EXP_A_ZONE))
		put_json_u64(o, ",\"zone\":", e->zone);
	if (ctf_exp_has(e, CTF_EXP_A_FLAGS))
		put_json_exp_flags(o, e->flags);
	if (ctf_exp_has(e, CTF_EXP_A_CLASS))
		put_json_u64(o, ",\"class\":", e->class);
	if (ctf_exp_has(e, CTF_EXP_A_HELPER)) {
		PUT(o, ",\"helper\":");
		put_json_str(o, e->helper);
	}
	if (ctf_exp_has(e, CTF_EXP_A_FN)) {
		PUT(o, ",\"fn\":");
		put_json_str(o, e->fn);
	}
	if (ctf_exp_has(e, CTF_EXP_A_ID))
		put_json_u64(o, ",\"id\":", e->id);
	if (ctf_exp_has(e, CTF_EXP_A_NAT)) {
		put_json_u64(o, ",\"nat\":{\"dir\":", e->nat.dir);
		put_json_exp_tuple(o, ",\"tuple\":", e->family, &e->nat.tuple);
		put_char(o, '}');
	}
}

static void fmt_exp_json(struct out *o, const struct ctf_exp *e, const struct ctf_fmt *fmt)
{
	static const char *const events[] = { [CTF_EVENT_NEW] = "new",
					      [CTF_EVENT_UPDATE] = "update",
					      [CTF_EVENT_DESTROY] = "destroy" };

	put_char(o, '{');
	if ((fmt->flags & CTF_FMT_F_EVENT) && e->event < NAMES_LEN(events) && events[e->event]) {
		PUT(o, "\"event\":");
		put_json_plain(o, events[e->event]);
		put_char(o, ',');
	}
	if (fmt->flags & CTF_FMT_F_TIMESTAMP) {
		put_json_u64(o, "\"time_ns\":", fmt->event_ns ? fmt->event_ns : realtime_ns());
		put_char(o, ',');
	}
	PUT(o, "\"family\":");
	put_json_plain(o, ctf_l3proto_name(e->family));
	put_json_u64(o, ",\"l3num\":", e->family);
	PUT(o, ",\"proto\":");
	put_json_plain(o, ctf_l4proto_name(e->tuple.l4proto));
	put_json_u64(o, ",\"protonum\":", e->tuple.l4proto);
	if (ctf_exp_has(e, CTF_EXP_A_TUPLE))
		put_json_exp_tuple(o, ",\"tuple\":", e->family, &e->tuple);
	if (ctf_exp_has(e, CTF_EXP_A_MASK))
		put_json_exp_tuple(o, ",\"mask\":", e->family, &e->mask);
	if (ctf_exp_has(e, CTF_EXP_A_MASTER))
		put_json_exp_tuple(o, ",\"master\":", e->family, &e->master);
	put_json_exp_meta(o, e);
	PUT(o, "}\n");
}

/* ---- entry points ---- */

/* @none stands in for a NULL @buf of length 0, so no memcpy ever sees NULL. */
static void out_init(struct out *o, char *buf, size_t len, char *none)
{
	if (!len)
		buf = none;
	o->start = o->p = buf;
	o->end = len ? buf + len - 1 : buf;
	o->over = 0;
}

static size_t out_finish(struct out *o, size_t len)
{
	if (len)
		*o->p = '\0';
	return (size_t)(o->p - o->start) + o->over;
}

size_t ctf_fmt_flow(char *buf, size_t len, const struct ctf_flow *f, const struct ctf_fmt *fmt)
{
	static const struct ctf_fmt dflt;
	struct out o;
	char none;

	if (!fmt)
		fmt = &dflt;
	out_init(&o, buf, len, &none);
	switch (fmt->style) {
	case CTF_FMT_XML:
		fmt_xml(&o, f, fmt);
		break;
	case CTF_FMT_SAVE:
		fmt_save(&o, f, fmt);
		break;
	case CTF_FMT_JSON:
		fmt_json(&o, f, fmt);
		break;
	default:
		fmt_text(&o, f, fmt);
		break;
	}
	return out_finish(&o, len);
}

static size_t put_literal(char *buf, size_t len, const char *s)
{
	struct out o;
	char none;

	out_init(&o, buf, len, &none);
	put_str(&o, s);
	return out_finish(&o, len);
}

size_t ctf_fmt_header(char *buf, size_t len, const struct ctf_fmt *fmt)
{
	if (fmt && fmt->style == CTF_FMT_XML)
		return put_literal(buf, len, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
					     "<conntrack>\n");
	return put_literal(buf, len, "");
}

size_t ctf_fmt_footer(char *buf, size_t len, const struct ctf_fmt *fmt)
{
	return put_literal(buf, len, fmt && fmt->style == CTF_FMT_XML ? "</conntrack>\n" : "");
}

size_t ctf_fmt_exp(char *buf, size_t len, const struct ctf_exp *e, const struct ctf_fmt *fmt)
{
	static const struct ctf_fmt dflt;
	struct out o;
	char none;

	if (!fmt)
		fmt = &dflt;
	out_init(&o, buf, len, &none);
	if (fmt->style == CTF_FMT_XML)
		fmt_exp_xml(&o, e, fmt);
	else if (fmt->style == CTF_FMT_JSON)
		fmt_exp_json(&o, e, fmt);
	else
		fmt_exp_text(&o, e, fmt); /* 1.4.7 has no save form for expectations */
	return out_finish(&o, len);
}

size_t ctf_fmt_json_str(char *buf, size_t len, const char *str)
{
	struct out o;
	char none;

	out_init(&o, buf, len, &none);
	put_json_str(&o, str);
	return out_finish(&o, len);
}

size_t ctf_fmt_exp_header(char *buf, size_t len, const struct ctf_fmt *fmt)
{
	if (fmt && fmt->style == CTF_FMT_XML)
		return put_literal(buf, len, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
					     "<expect>\n");
	return put_literal(buf, len, "");
}

size_t ctf_fmt_exp_footer(char *buf, size_t len, const struct ctf_fmt *fmt)
{
	return put_literal(buf, len, fmt && fmt->style == CTF_FMT_XML ? "</expect>\n" : "");
}
