/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sample flows of the record-stream tests: tests/unit/test_stream
 * round-trips them through the codec and the exporter, and
 * tests/exporters/ctf-stream-sample writes them for the script tests, which
 * read the values back. Each builder sets the flow (protocol, both tuples,
 * state, counters); ids, times and sequence numbers are the caller's.
 */
#ifndef CTF_TEST_RECORDS_H
#define CTF_TEST_RECORDS_H

#include <stdint.h>

#include <ctflow/record.h>

/* @s as an address of @family into @a; aborts on a bad literal (no cmocka here). */
void sample_addr(int family, const char *s, union ctf_addr *a);

/*
 * END of a NATed TCP flow in TIME_WAIT, zone 7, reader 1, conntrack id @id:
 * 10.0.0.1:40000 -> 192.0.2.80:80, reply 10.1.0.80:8080 -> 198.51.100.1:61000,
 * 10/1500 and 8/9000000000 packets/bytes in total (4/600 and 3/4500 new),
 * label bit 0 and 2, started 1700000000.123456789, 2.5 s long.
 */
void sample_tcp4(struct ctf_record *r, uint32_t id);

/* ACTIVE_TIMEOUT of a replied UDP flow 2001:db8::1:5353 -> 2001:db8:ffff::53:53, 1 packet of 72 bytes. */
void sample_udp6(struct ctf_record *r);

/* START of an ICMP echo request 127.0.0.1 -> 127.0.0.2, id 0x1234. */
void sample_icmp4(struct ctf_record *r);

#endif
