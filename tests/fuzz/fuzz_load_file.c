// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: a -R/--load-file. The input is the file; each line is
 * read as 1.4.7 reads it (fgets into 10240 bytes), split, and parsed twice:
 * with getopt_long() and through the load-file path whose fast path skips
 * it. Both must give the same command, error and warnings (abort if not),
 * which is what lets the fast path exist at all.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctflow/labels.h>

#include "conntrack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct parsed {
	int r;
	struct ct_cmd cmd;
	struct ct_err err;
	char *warn;
	size_t warn_len;
};

static void parse(struct parsed *p, int argc, char **in, struct ct_parse_shared *sh)
{
	char *argv[CT_LOAD_MAX_ARGS + 1];
	FILE *w;

	memcpy(argv, in, (size_t)(argc + 1) * sizeof(*argv)); /* getopt permutes it */
	memset(p, 0, sizeof(*p));
	w = open_memstream(&p->warn, &p->warn_len);
	p->r = sh ? ct_args_parse_shared(argc, argv, &p->cmd, w, &p->err, sh)
		  : ct_args_parse(argc, argv, &p->cmd, w, &p->err);
	if (w)
		fclose(w);
}

static void compare(const struct parsed *a, const struct parsed *b)
{
	struct ct_cmd x = a->cmd, y = b->cmd;

	if (a->r != b->r || !a->warn || !b->warn || strcmp(a->warn, b->warn) != 0)
		abort();
	if (a->r < 0) {
		if (a->err.status != b->err.status || strcmp(a->err.msg, b->err.msg) != 0)
			abort();
		return;
	}
	x.labelmap = y.labelmap = NULL;
	x.labelmap_borrowed = y.labelmap_borrowed = false;
	x.labelmap_path = y.labelmap_path = NULL;
	x.netns = y.netns = NULL;
	if (memcmp(&x, &y, sizeof(x)) != 0)
		abort();
}

static void one_line(const char *line, struct ct_load_args *a, struct parsed *p)
{
	struct ct_parse_shared sh = { 0 };
	struct ct_err err;
	int n;

	n = ct_load_split(line, "conntrack", a, &err);
	if (n <= 0)
		return;
	parse(&p[0], n, a->argv, NULL);
	parse(&p[1], n, a->argv, &sh);
	compare(&p[0], &p[1]);
	ct_cmd_done(&p[0].cmd);
	ct_cmd_done(&p[1].cmd);
	free(p[0].warn);
	free(p[1].warn);
	ctf_labelmap_free(sh.labelmap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ct_load_args a;
	static struct parsed p[2];
	char line[CT_LOAD_LINE_MAX];
	FILE *fp;

	/* a label map path from the input could name /dev/zero: never load one */
	if (size > 65536 || size == 0 || memmem(data, size, "--labelm", 8) ||
	    memmem(data, size, "--netns", 7))
		return 0;
	fp = fmemopen((void *)data, size, "r");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		one_line(line, &a, p);
	fclose(fp);
	return 0;
}
