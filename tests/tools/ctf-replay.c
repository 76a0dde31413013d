// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctf-replay: print a recorded .nl file (see ctf-record.c) with our
 * formatters, the way conntrack 1.4.7 prints the same messages, so a fixture
 * can be diffed against the oracle by hand:
 *
 *   ctf-replay FILE.nl OUTPUT[,OUTPUT...] [-E] [-m LABELMAP]
 *
 * OUTPUT is conntrack's -o list (extended, xml, save, json, id, ktimestamp,
 * labels, timestamp); -E formats the messages as events. "now" is the
 * recording time from the file's header. As conntrack, the XML header comes
 * before the first entry and the footer after the last.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include <ctflow/format.h>
#include <ctflow/labels.h>

static int parse_output(const char *list, struct ctf_fmt *fmt)
{
	static const struct {
		const char *name;
		int style;
		unsigned int flag;
	} words[] = {
		{ "xml", CTF_FMT_XML, 0 },	   { "save", CTF_FMT_SAVE, 0 },
		{ "json", CTF_FMT_JSON, 0 },	   { "extended", -1, CTF_FMT_F_EXTENDED },
		{ "id", -1, CTF_FMT_F_ID },	   { "ktimestamp", -1, CTF_FMT_F_KTIMESTAMP },
		{ "labels", -1, CTF_FMT_F_LABELS }, { "timestamp", -1, CTF_FMT_F_TIMESTAMP },
		{ "default", -1, 0 },
	};
	char *copy = strdup(list), *tok, *save = NULL;
	size_t i;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strcmp(tok, words[i].name) == 0)
				break;
		if (i == sizeof(words) / sizeof(words[0])) {
			free(copy);
			return -EINVAL;
		}
		if (words[i].style >= 0)
			fmt->style = words[i].style;
		fmt->flags |= words[i].flag;
	}
	free(copy);
	return 0;
}

static bool print_msg(const struct nlmsghdr *nlh, const struct ctf_fmt *fmt, bool *header)
{
	char line[CTF_FMT_LINE_MAX];
	struct ctf_flow f;
	size_t n;

	if (ctf_flow_parse(nlh, &f) < 0)
		return false;
	if (!*header) {
		n = ctf_fmt_header(line, sizeof(line), fmt);
		fwrite(line, 1, n, stdout);
		*header = true;
	}
	n = ctf_fmt_flow(line, sizeof(line), &f, fmt);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	fwrite(line, 1, n, stdout);
	return true;
}

static int replay(FILE *fp, const struct ctf_fmt *fmt)
{
	static char buf[1 << 17];
	bool header = false;
	char line[64];
	uint32_t len;

	while (fread(&len, sizeof(len), 1, fp) == 1) {
		const struct nlmsghdr *nlh = (const void *)buf;
		int rem;

		if (len > sizeof(buf) || fread(buf, 1, len, fp) != len)
			return -EBADMSG;
		for (rem = (int)len; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem))
			print_msg(nlh, fmt, &header);
	}
	if (header) {
		size_t n = ctf_fmt_footer(line, sizeof(line), fmt);

		fwrite(line, 1, n, stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ctf_labelmap *map = NULL;
	struct ctf_fmt fmt = { 0 };
	char hdr[16];
	FILE *fp;
	int i, r;

	if (argc < 3 || parse_output(argv[2], &fmt) < 0) {
		fprintf(stderr, "usage: ctf-replay FILE.nl OUTPUT[,...] [-E] [-m LABELMAP]\n");
		return 2;
	}
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "-E") == 0)
			fmt.flags |= CTF_FMT_F_EVENT;
		else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
			(void)ctf_labelmap_load(&map, argv[++i]);
	}
	fmt.labelmap = map;
	fp = fopen(argv[1], "rb");
	if (!fp || fread(hdr, 1, sizeof(hdr), fp) != sizeof(hdr)) {
		perror(argv[1]);
		return 1;
	}
	memcpy(&fmt.now_ns, hdr + 8, sizeof(fmt.now_ns));
	fmt.event_ns = fmt.now_ns;
	r = replay(fp, &fmt);
	fclose(fp);
	ctf_labelmap_free(map);
	return r < 0 ? 1 : 0;
}
