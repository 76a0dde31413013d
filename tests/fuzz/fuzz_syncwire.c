// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: arbitrary bytes as what a sync channel receives.
 *
 * The first input byte picks how a stream channel gets the rest: 0 in one
 * read, n in reads of n bytes. The rest goes through ctf_sync_split() as a
 * datagram, as one stream buffer and as a stream read piece by piece; the
 * three walks must agree on the messages they deliver. Every CT and EXP
 * message is decoded, and every decoded object with a tuple to send is
 * encoded again, which must succeed, decode to the very same object and
 * encode to the very same bytes. Seeds are cut from the 1.4.7 captures by
 * syncwire_seeds.py at build time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ctflow/syncwire.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a walk delivered: a running hash of every message's place, header and bytes. */
struct walk {
	const uint8_t *base;
	uint64_t hash;
	unsigned int n;
	bool decode;
	uint64_t errs[__CTF_SYNC_RX_MAX];
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

static void check_ct(const uint8_t *body, size_t len)
{
	static const struct ctf_sync_ct_opts opts = { .wscale = true };
	uint8_t out[CTF_SYNC_BODY_MAX], again[CTF_SYNC_BODY_MAX];
	struct ctf_flow f, g;
	struct ctf_tuple r;
	int n;

	if (ctf_sync_ct_decode(body, len, &f, NULL) < 0)
		return;
	ctf_sync_reply_from_nat(&f, &r);
	if (!ctf_flow_has(&f, CTF_FLOW_A_ORIG))
		return;
	n = ctf_sync_ct_encode(out, sizeof(out), &f, &opts, NULL);
	if (n <= 0 || n % 4 || ctf_sync_ct_decode(out, (size_t)n, &g, NULL) < 0 ||
	    memcmp(&f, &g, sizeof(f)))
		abort();
	if (ctf_sync_ct_encode(again, sizeof(again), &g, &opts, NULL) != n ||
	    memcmp(again, out, (size_t)n))
		abort();
	/* the same flow as a kernel would report it: the reply path must encode and decode */
	f.reply = r;
	ctf_flow_set(&f, CTF_FLOW_A_REPLY);
	n = ctf_sync_ct_encode(out, sizeof(out), &f, &opts, NULL);
	if (n <= 0 || ctf_sync_ct_decode(out, (size_t)n, &g, NULL) < 0)
		abort();
}

static void check_exp(const uint8_t *body, size_t len)
{
	uint8_t out[CTF_SYNC_BODY_MAX], again[CTF_SYNC_BODY_MAX];
	struct ctf_exp e, g;
	int n;

	if (ctf_sync_exp_decode(body, len, &e, NULL) < 0 || !ctf_exp_has(&e, CTF_EXP_A_MASTER))
		return;
	n = ctf_sync_exp_encode(out, sizeof(out), &e);
	if (n <= 0 || ctf_sync_exp_decode(out, (size_t)n, &g, NULL) < 0 ||
	    memcmp(&e, &g, sizeof(e)))
		abort();
	if (ctf_sync_exp_encode(again, sizeof(again), &g) != n || memcmp(again, out, (size_t)n))
		abort();
}

static void on_msg(const struct ctf_sync_msg *m, void *data)
{
	struct walk *w = data;
	const uint8_t *body = m->data + CTF_SYNC_HDR_LEN;
	size_t len = m->len - CTF_SYNC_HDR_LEN;

	if (m->len < CTF_SYNC_HDR_LEN || m->len != m->hdr.len || m->hdr.version != CTF_SYNC_VERSION)
		abort();
	w->hash = mix(w->hash, &m->hdr.seq, sizeof(m->hdr.seq));
	w->hash = mix(w->hash, &m->hdr.from, sizeof(m->hdr.from));
	w->hash = mix(w->hash, &m->hdr.to, sizeof(m->hdr.to));
	w->hash = mix(w->hash, m->data, m->len);
	w->n++;
	if (!w->decode)
		return;
	if (m->hdr.type <= CTF_SYNC_T_CT_DEL)
		check_ct(body, len);
	else if (m->hdr.type <= CTF_SYNC_T_DATA_MAX)
		check_exp(body, len);
}

static unsigned int errors(const struct walk *w)
{
	unsigned int i, n = 0;

	for (i = 0; i < __CTF_SYNC_RX_MAX; i++)
		n += (unsigned int)w->errs[i];
	return n;
}

/* The stream read @piece bytes at a time, the tail carried over; returns what is left. */
static size_t stream_pieces(const uint8_t *p, size_t len, size_t piece, struct walk *w)
{
	static uint8_t buf[UINT16_MAX + 256];
	size_t have = 0, fed = 0, used, add;

	while (fed < len) {
		add = len - fed < piece ? len - fed : piece;
		if (add > sizeof(buf) - have)
			add = sizeof(buf) - have; /* what a read into the rest of the buffer gets */
		memcpy(buf + have, p + fed, add);
		have += add;
		fed += add;
		used = ctf_sync_split(buf, have, true, on_msg, w, w->errs);
		if (used > have || have - used >= UINT16_MAX)
			abort();
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	return have;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walk dgram = { .decode = true }, whole = { 0 }, pieces = { 0 };
	size_t used, left;

	if (size < 1)
		return 0;
	used = ctf_sync_split(data + 1, size - 1, false, on_msg, &dgram, dgram.errs);
	if (used != size - 1 || errors(&dgram) > 1 + dgram.errs[CTF_SYNC_RX_VERSION])
		abort();
	used = ctf_sync_split(data + 1, size - 1, true, on_msg, &whole, whole.errs);
	/* the same walk: a stream only keeps, instead of refusing, a message cut short */
	if (whole.hash != dgram.hash || whole.n != dgram.n || used > size - 1 ||
	    (used < size - 1 && errors(&whole) != whole.errs[CTF_SYNC_RX_VERSION]))
		abort();
	left = stream_pieces(data + 1, size - 1, data[0] ? data[0] : size, &pieces);
	/* pieces only delay the checks of a header, they never change them */
	if ((errors(&pieces) == pieces.errs[CTF_SYNC_RX_VERSION]) !=
	    (errors(&whole) == whole.errs[CTF_SYNC_RX_VERSION]))
		abort();
	if (errors(&whole) == whole.errs[CTF_SYNC_RX_VERSION] &&
	    (pieces.hash != whole.hash || left != size - 1 - used))
		abort();
	return 0;
}
