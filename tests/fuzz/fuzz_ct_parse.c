// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: arbitrary bytes as ctnetlink messages into
 * ctf_flow_parse(), and every parsed flow through ctf_fmt_flow() in every
 * style and flag combination, at full size and truncated.
 *
 * The first input byte picks the framing: 0 means the rest is a buffer of
 * netlink messages as recv() returns them; anything else means the rest is
 * one message's payload (nfgenmsg and attributes) behind a header built
 * here, so the fuzzer spends its time on the attributes. The seed corpus
 * (corpus/ct_parse) holds every recorded fixture message in both forms.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include <ctflow/ct.h>
#include <ctflow/format.h>
#include <ctflow/labels.h>

static struct ctf_labelmap *map;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	(void)ctf_labelmap_load(&map, CTF_FIXTURES_DIR "/connlabel.conf");
	return 0;
}

static void check_formats(const struct ctf_flow *f)
{
	static const enum ctf_fmt_style styles[] = { CTF_FMT_DEFAULT, CTF_FMT_XML, CTF_FMT_SAVE,
						     CTF_FMT_JSON };
	static char line[65536], small[64];
	unsigned int s, flags;

	for (s = 0; s < sizeof(styles) / sizeof(styles[0]); s++) {
		for (flags = 0; flags < 0x80; flags += 0x15) {
			struct ctf_fmt fmt = { .style = styles[s], .flags = flags,
					       .labelmap = map, .now_ns = 1800000000000000000ULL,
					       .event_ns = 1 };
			size_t n = ctf_fmt_flow(line, sizeof(line), f, &fmt), m;

			if (n >= sizeof(line) || strlen(line) != n || line[n - 1] != '\n')
				abort();
			m = ctf_fmt_flow(small, sizeof(small), f, &fmt);
			if (m != n || memcmp(small, line, n < sizeof(small) ? n : sizeof(small) - 1))
				abort();
		}
	}
}

/*
 * mnl_nlmsg_ok() compares (int)nlmsg_len, so a length of 2^31 or more passes
 * as negative and mnl_nlmsg_next() then loops in place: check it ourselves.
 */
static int msg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= (unsigned int)len;
}

static void parse_one(const struct nlmsghdr *nlh)
{
	struct ctf_flow f;

	if (ctf_flow_parse(nlh, &f) == 0)
		check_formats(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;
	uint8_t *buf;
	int len;

	if (size < 1 || size > 65536)
		return 0;
	/* an exact-size copy, so ASan sees any read past the end */
	buf = malloc(MNL_NLMSG_HDRLEN + size);
	if (!buf)
		return 0;
	if (data[0] == 0) {
		memcpy(buf, data + 1, size - 1);
		len = (int)size - 1;
		for (nlh = (void *)buf; msg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			parse_one(nlh);
	} else {
		nlh = (void *)buf;
		nlh->nlmsg_len = (uint32_t)(MNL_NLMSG_HDRLEN + size - 1);
		nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) |
				  (data[0] & 1 ? IPCTNL_MSG_CT_NEW : IPCTNL_MSG_CT_DELETE);
		nlh->nlmsg_flags = data[0] & 2 ? NLM_F_CREATE | NLM_F_EXCL : NLM_F_MULTI;
		nlh->nlmsg_seq = 0;
		nlh->nlmsg_pid = data[0] & 4 ? 1234 : 0;
		memcpy(buf + MNL_NLMSG_HDRLEN, data + 1, size - 1);
		parse_one(nlh);
	}
	free(buf);
	return 0;
}
