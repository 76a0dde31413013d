// SPDX-License-Identifier: GPL-2.0-or-later
/* A conntrack command line parsed two ways (see cli_parse.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_parse.h"

void parsed_run(struct parsed *p, int argc, char **in, struct ct_parse_shared *sh)
{
	char *argv[CT_LOAD_MAX_ARGS + 1];
	FILE *w;

	/* getopt_long() permutes argv: each parse gets its own copy */
	memcpy(argv, in, (size_t)(argc + 1) * sizeof(*argv));
	memset(p, 0, sizeof(*p));
	w = open_memstream(&p->warn, &p->warn_len);
	p->r = sh ? ct_args_parse_shared(argc, argv, &p->cmd, w, &p->err, sh)
		  : ct_args_parse(argc, argv, &p->cmd, w, &p->err);
	if (w)
		fclose(w);
}

void parsed_done(struct parsed *p)
{
	ct_cmd_done(&p->cmd);
	free(p->warn);
	p->warn = NULL;
}

bool parsed_same(const struct parsed *a, const struct parsed *b)
{
	struct ct_cmd x = a->cmd, y = b->cmd;

	if (a->r != b->r || !a->warn || !b->warn || strcmp(a->warn, b->warn) != 0)
		return false;
	if (a->r < 0)
		return a->err.status == b->err.status && strcmp(a->err.msg, b->err.msg) == 0;
	x.labelmap = y.labelmap = NULL;
	x.labelmap_borrowed = y.labelmap_borrowed = false;
	x.labelmap_path = y.labelmap_path = NULL;
	x.netns = y.netns = NULL;
	return memcmp(&x, &y, sizeof(x)) == 0;
}
