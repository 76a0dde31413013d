// SPDX-License-Identifier: GPL-2.0-or-later
/* struct ctf_record <-> ctflow.FlowRecord (protobuf-c), and the varint length framing. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <protobuf-c/protobuf-c.h>

#include <ctflow/ct.h>

#include "ctflow/flow.pb-c.h"
#include "stream.h"

#define ETYPE_IPV4 0x0800
#define ETYPE_IPV6 0x86dd
#define VARINT_MAX 10

typedef Ctflow__FlowRecord FlowRecord;

/* The wire enums are ours by another name: keep them equal. */
_Static_assert((int)CTFLOW__FLOW_RECORD__REASON__START == CTF_REASON_START, "reason");
_Static_assert((int)CTFLOW__FLOW_RECORD__REASON__GAP == CTF_REASON_GAP, "reason");
_Static_assert((int)CTFLOW__FLOW_RECORD__GAP_SOURCE__GAP_WRITE == CTF_GAP_WRITE, "gap");
_Static_assert((int)CTFLOW__FLOW_RECORD__GAP_SOURCE__GAP_RING == CTF_GAP_RING, "gap");

/* Whether the tuple's l4 union holds ports (or GRE keys, stored the same way). */
static bool has_ports(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
	case IPPROTO_GRE:
		return true;
	default:
		return false;
	}
}

static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

static const char *state_name(uint8_t proto, uint8_t state)
{
	switch (proto) {
	case IPPROTO_TCP:
		return ctf_tcp_state_name(state);
	case IPPROTO_SCTP:
		return ctf_sctp_state_name(state);
	case IPPROTO_DCCP:
		return ctf_dccp_state_name(state);
	default:
		return NULL;
	}
}

static ProtobufCBinaryData addr_bytes(uint8_t family, const union ctf_addr *a)
{
	return (ProtobufCBinaryData){ .len = family == AF_INET6 ? 16 : 4,
				      .data = (uint8_t *)a->raw };
}

static bool labels_set(const uint8_t *l)
{
	for (size_t i = 0; i < CTF_LABELS_LEN; i++)
		if (l[i])
			return true;
	return false;
}

/* A string field: NULL/"" is not sent (proto3 empty string), long ones are cut into @tmp. */
static char *str_field(const char *s, char *tmp)
{
	size_t n;

	if (!s || !*s)
		return (char *)protobuf_c_empty_string;
	n = strnlen(s, CTF_STREAM_STR_MAX + 1);
	if (n <= CTF_STREAM_STR_MAX)
		return (char *)s;
	memcpy(tmp, s, CTF_STREAM_STR_MAX);
	tmp[CTF_STREAM_STR_MAX] = '\0';
	return tmp;
}

static void fill_tuples(FlowRecord *m, const struct ctf_record *rec)
{
	const struct ctf_tuple *o = &rec->orig, *r = &rec->reply;

	/* GAP records describe no flow: no family, no addresses. */
	if (rec->family != AF_INET && rec->family != AF_INET6)
		return;
	m->etype = rec->family == AF_INET6 ? ETYPE_IPV6 : ETYPE_IPV4;
	m->proto = rec->l4proto;
	m->src_addr = addr_bytes(rec->family, &o->src);
	m->dst_addr = addr_bytes(rec->family, &o->dst);
	m->reply_src_addr = addr_bytes(rec->family, &r->src);
	m->reply_dst_addr = addr_bytes(rec->family, &r->dst);
	if (has_ports(rec->l4proto)) {
		m->src_port = o->l4.port.sport;
		m->dst_port = o->l4.port.dport;
		m->reply_src_port = r->l4.port.sport;
		m->reply_dst_port = r->l4.port.dport;
	} else if (is_icmp(rec->l4proto)) {
		m->icmp_type = o->l4.icmp.type;
		m->icmp_code = o->l4.icmp.code;
		m->icmp_id = o->l4.icmp.id;
	}
}

static void fill_counters(FlowRecord *m, const struct ctf_record *rec)
{
	m->bytes = rec->delta[0].bytes;
	m->packets = rec->delta[0].packets;
	m->reply_bytes = rec->delta[1].bytes;
	m->reply_packets = rec->delta[1].packets;
	m->total_bytes = rec->total[0].bytes;
	m->total_packets = rec->total[0].packets;
	m->reply_total_bytes = rec->total[1].bytes;
	m->reply_total_packets = rec->total[1].packets;
}

static void fill_meta(FlowRecord *m, const struct ctf_record *rec,
		      const struct ctf_stream_meta *meta, char *tmp_host, char *tmp_ns)
{
	if (!meta)
		return;
	m->host_name = str_field(meta->hostname, tmp_host);
	m->netns_name = str_field(meta->netns, tmp_ns);
	if (meta->sampler_family == AF_INET || meta->sampler_family == AF_INET6)
		m->sampler_address = addr_bytes(meta->sampler_family, &meta->sampler_addr);
	if (rec->reason == CTF_REASON_GAP)
		m->gap_source = (Ctflow__FlowRecord__GapSource)(meta->gap_source ? meta->gap_source
										 : CTF_GAP_NETLINK);
}

static void fill(FlowRecord *m, const struct ctf_record *rec, const struct ctf_stream_meta *meta,
		 char *tmp_host, char *tmp_ns)
{
	const char *name = state_name(rec->l4proto, rec->state);

	m->type = CTFLOW__FLOW_RECORD__FLOW_TYPE__CONNTRACK;
	m->time_received_ns = rec->export_ns;
	m->sequence_num = (uint32_t)rec->seq;
	m->sequence = rec->seq;
	m->time_flow_start_ns = rec->start_ns;
	m->time_flow_end_ns = rec->end_ns;
	m->reason = (Ctflow__FlowRecord__Reason)rec->reason;
	m->ct_id = rec->ct_id;
	m->zone = rec->zone;
	m->mark = rec->mark;
	m->ct_status = rec->status;
	m->ct_state = rec->state;
	if (name && rec->state)
		m->ct_state_name = (char *)name;
	m->netns_inode = rec->netns;
	m->reader_cpu = rec->reader;
	m->lost_events = rec->lost_events;
	if (labels_set(rec->labels))
		m->labels = (ProtobufCBinaryData){ .len = CTF_LABELS_LEN,
						   .data = (uint8_t *)rec->labels };
	if (rec->reason == CTF_REASON_GAP)
		m->gap_source = CTFLOW__FLOW_RECORD__GAP_SOURCE__GAP_NETLINK;
	fill_tuples(m, rec);
	fill_counters(m, rec);
	fill_meta(m, rec, meta, tmp_host, tmp_ns);
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/*
 * Every field at its largest (all varints 10 bytes, IPv6, labels, both names
 * CTF_STREAM_STR_MAX long) packs to 879 bytes (test_stream_codec_largest),
 * so a message always fits CTF_STREAM_RECORD_MAX with a two-byte prefix.
 */
#define MSG_BOUND (CTF_STREAM_RECORD_MAX - 2)

int ctf_stream_encode(const struct ctf_record *rec, const struct ctf_stream_meta *meta, void *buf,
		      size_t len)
{
	FlowRecord m = CTFLOW__FLOW_RECORD__INIT;
	char tmp_host[CTF_STREAM_STR_MAX + 1], tmp_ns[CTF_STREAM_STR_MAX + 1];
	uint8_t prefix[VARINT_MAX], *p = buf;
	size_t size, plen;

	fill(&m, rec, meta, tmp_host, tmp_ns);
	if (len >= CTF_STREAM_RECORD_MAX) {
		/* One pass: pack behind room for a two-byte prefix, then close the gap. */
		size = protobuf_c_message_pack(&m.base, p + 2);
		assert(size <= MSG_BOUND);
		if (size < 0x80) {
			memmove(p + 1, p + 2, size);
			p[0] = (uint8_t)size;
			return (int)size + 1;
		}
		p[0] = (uint8_t)(size | 0x80);
		p[1] = (uint8_t)(size >> 7);
		return (int)size + 2;
	}
	size = protobuf_c_message_get_packed_size(&m.base);
	plen = put_varint(prefix, size);
	if (plen + size > len)
		return -EMSGSIZE;
	memcpy(p, prefix, plen);
	(void)protobuf_c_message_pack(&m.base, p + plen);
	return (int)(plen + size);
}

int ctf_stream_frame(const void *buf, size_t len, size_t *ret_hdr_len, size_t *ret_need)
{
	const uint8_t *p = buf;
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && i < VARINT_MAX; i++) {
		v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80))
			break;
	}
	if (i == VARINT_MAX)
		return -EBADMSG;
	if (i == len) {
		if (ret_need)
			*ret_need = 0;
		return 0;
	}
	i++;
	if (v == 0 || v > CTF_STREAM_MSG_MAX)
		return -EBADMSG;
	if (ret_hdr_len)
		*ret_hdr_len = i;
	if (len < i + v) {
		if (ret_need)
			*ret_need = i + v;
		return 0;
	}
	return (int)(i + v);
}
