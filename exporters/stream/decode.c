// SPDX-License-Identifier: GPL-2.0-or-later
/* ctflow.FlowRecord -> struct ctf_stream_decoded: the inverse of encode.c, for readers and tests. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <protobuf-c/protobuf-c.h>

#include <ctflow/ct.h>

#include "ctflow/flow.pb-c.h"
#include "stream.h"

typedef Ctflow__FlowRecord FlowRecord;

/* Address fields are 0 (absent), 4 or 16 bytes; @len is what the record's family needs. */
static int get_addr(const ProtobufCBinaryData *b, size_t len, union ctf_addr *a)
{
	if (b->len == 0)
		return 0;
	if (b->len != len)
		return -EBADMSG;
	memcpy(a->raw, b->data, len);
	return 1;
}

static int get_family(const FlowRecord *m, uint8_t *family)
{
	switch (m->etype) {
	case 0x0800:
		*family = AF_INET;
		return 4;
	case 0x86dd:
		*family = AF_INET6;
		return 16;
	case 0:
		/* GAP records carry no flow: no addresses either */
		if (m->src_addr.len || m->dst_addr.len || m->reply_src_addr.len ||
		    m->reply_dst_addr.len)
			return -EBADMSG;
		*family = 0;
		return 0;
	default:
		return -EBADMSG;
	}
}

static void put_l4(struct ctf_tuple *t, uint8_t proto, uint32_t sport, uint32_t dport)
{
	t->l4proto = proto;
	t->flags |= CTF_TUPLE_F_PROTO;
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		return;
	t->l4.port.sport = (uint16_t)sport;
	t->l4.port.dport = (uint16_t)dport;
	if (sport || dport)
		t->flags |= CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
}

static int get_tuples(const FlowRecord *m, struct ctf_record *rec)
{
	int alen = get_family(m, &rec->family);
	struct {
		const ProtobufCBinaryData *b;
		union ctf_addr *a;
		uint16_t *flags;
		uint16_t bit;
	} addrs[] = {
		{ &m->src_addr, &rec->orig.src, &rec->orig.flags, CTF_TUPLE_F_SRC },
		{ &m->dst_addr, &rec->orig.dst, &rec->orig.flags, CTF_TUPLE_F_DST },
		{ &m->reply_src_addr, &rec->reply.src, &rec->reply.flags, CTF_TUPLE_F_SRC },
		{ &m->reply_dst_addr, &rec->reply.dst, &rec->reply.flags, CTF_TUPLE_F_DST },
	};

	if (alen < 0 || m->proto > 255)
		return -EBADMSG;
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		int r = get_addr(addrs[i].b, (size_t)alen, addrs[i].a);

		if (r < 0)
			return r;
		if (r)
			*addrs[i].flags |= addrs[i].bit;
	}
	rec->l4proto = (uint8_t)m->proto;
	rec->orig.l3num = rec->reply.l3num = rec->family;
	put_l4(&rec->orig, rec->l4proto, m->src_port, m->dst_port);
	put_l4(&rec->reply, rec->l4proto, m->reply_src_port, m->reply_dst_port);
	if (rec->l4proto == IPPROTO_ICMP || rec->l4proto == IPPROTO_ICMPV6) {
		rec->orig.l4.icmp.type = (uint8_t)m->icmp_type;
		rec->orig.l4.icmp.code = (uint8_t)m->icmp_code;
		rec->orig.l4.icmp.id = (uint16_t)m->icmp_id;
		rec->orig.flags |=
			CTF_TUPLE_F_ICMP_TYPE | CTF_TUPLE_F_ICMP_CODE | CTF_TUPLE_F_ICMP_ID;
		rec->reply.l4.icmp.id = (uint16_t)m->icmp_id;
		rec->reply.flags |= CTF_TUPLE_F_ICMP_ID;
	}
	return 0;
}

static void get_counters(const FlowRecord *m, struct ctf_record *rec)
{
	rec->delta[0].bytes = m->bytes;
	rec->delta[0].packets = m->packets;
	rec->delta[1].bytes = m->reply_bytes;
	rec->delta[1].packets = m->reply_packets;
	rec->total[0].bytes = m->total_bytes;
	rec->total[0].packets = m->total_packets;
	rec->total[1].bytes = m->reply_total_bytes;
	rec->total[1].packets = m->reply_total_packets;
}

static int get_meta(const FlowRecord *m, struct ctf_stream_decoded *d)
{
	int r;

	r = get_addr(&m->sampler_address, m->sampler_address.len == 16 ? 16 : 4, &d->sampler_addr);
	if (r < 0)
		return r;
	if (r)
		d->sampler_family = m->sampler_address.len == 16 ? AF_INET6 : AF_INET;
	if (m->labels.len > CTF_LABELS_LEN || (int)m->gap_source > CTF_GAP_WRITE || m->reason > 255)
		return -EBADMSG;
	if (m->labels.len)
		memcpy(d->rec.labels, m->labels.data, m->labels.len);
	snprintf(d->hostname, sizeof(d->hostname), "%s", m->host_name ? m->host_name : "");
	snprintf(d->netns, sizeof(d->netns), "%s", m->netns_name ? m->netns_name : "");
	snprintf(d->state_name, sizeof(d->state_name), "%s",
		 m->ct_state_name ? m->ct_state_name : "");
	d->type = m->type;
	d->gap_source = (uint8_t)m->gap_source;
	return 0;
}

static int get_record(const FlowRecord *m, struct ctf_stream_decoded *d)
{
	struct ctf_record *rec = &d->rec;

	if (m->zone > UINT16_MAX || m->reader_cpu > UINT16_MAX || m->ct_state > 255 ||
	    m->netns_inode > UINT32_MAX)
		return -EBADMSG;
	rec->reason = (uint8_t)m->reason;
	rec->state = (uint8_t)m->ct_state;
	rec->zone = (uint16_t)m->zone;
	rec->reader = (uint16_t)m->reader_cpu;
	rec->ct_id = m->ct_id;
	rec->mark = m->mark;
	rec->status = m->ct_status;
	rec->netns = (uint32_t)m->netns_inode;
	rec->start_ns = m->time_flow_start_ns;
	rec->end_ns = m->time_flow_end_ns;
	rec->export_ns = m->time_received_ns;
	rec->lost_events = m->lost_events;
	/* Old or foreign writers may only fill goflow2's 32-bit sequence_num. */
	rec->seq = m->sequence ? m->sequence : m->sequence_num;
	get_counters(m, rec);
	if (get_tuples(m, rec) < 0)
		return -EBADMSG;
	return get_meta(m, d);
}

int ctf_stream_decode(const void *msg, size_t len, struct ctf_stream_decoded *ret)
{
	FlowRecord *m;
	int r;

	memset(ret, 0, sizeof(*ret));
	m = ctflow__flow_record__unpack(NULL, len, msg);
	if (!m)
		return -EBADMSG; /* protobuf-c does not tell a malformed message from ENOMEM */
	r = get_record(m, ret);
	ctflow__flow_record__free_unpacked(m, NULL);
	return r;
}
