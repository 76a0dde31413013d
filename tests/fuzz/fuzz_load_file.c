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

#include "cli_parse.h"
#include "conntrack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(const char *line, struct ct_load_args *a, struct parsed *p)
{
	struct ct_parse_shared sh = { 0 };
	struct ct_err err;
	int n;

	n = ct_load_split(line, "conntrack", a, &err);
	if (n <= 0)
		return;
	parsed_run(&p[0], n, a->argv, NULL);
	parsed_run(&p[1], n, a->argv, &sh);
	if (!parsed_same(&p[0], &p[1]))
		abort();
	parsed_done(&p[0]);
	parsed_done(&p[1]);
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
