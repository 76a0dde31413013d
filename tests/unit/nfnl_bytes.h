/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfnetlink messages spelled byte by byte, as the hand-counted fixtures of
 * the cthelper and cttimeout codec tests write them, and the shape of their
 * tables of malformed messages.
 */
#ifndef CTF_TEST_NFNL_BYTES_H
#define CTF_TEST_NFNL_BYTES_H

#include <stddef.h>
#include <stdint.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the fixtures spell the host-order netlink fields little-endian"
#endif

/* Host-order (H) and network-order (B) fields, byte by byte. */
#define H16(v)	       (uint8_t)((v)&0xff), (uint8_t)(((v) >> 8) & 0xff)
#define H32(v)	       H16((v)&0xffff), H16(((v) >> 16) & 0xffff)
#define B16(v)	       (uint8_t)(((v) >> 8) & 0xff), (uint8_t)((v)&0xff)
#define B32(v)	       B16(((v) >> 16) & 0xffff), B16((v)&0xffff)
#define NLA(len, type) H16(len), H16(type)
#define NESTED	       0x8000
/* nlmsghdr (seq 1, port 0) + nfgenmsg (AF_UNSPEC, NFNETLINK_V0, res_id 0) of @subsys. */
#define NFNL_HDR(subsys, len, msg, flags) \
	H32(len), H16(((subsys) << 8) | (msg)), H16(flags), H32(1), H32(0), 0, 0, B16(0)

/* A malformed message (@what names it in a failure) and the error its parser must return. */
struct bad_case {
	const char *what;
	const uint8_t *msg;
	size_t len;
	int err;
};

#define BAD(m, e)                   \
	{                           \
#m, m, sizeof(m), e \
	}

#endif
