/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A conntrack command line parsed two ways: with getopt_long()
 * (ct_args_parse) and through the -R/--load-file fast path
 * (ct_args_parse_shared). Both must give the same command, error and
 * warnings: that is what lets the fast path exist. Shared by
 * tests/unit/test_conntrack_load and tests/fuzz/fuzz_load_file (which
 * compiles it with its own instrumented copy of the parser), so no cmocka.
 */
#ifndef CTF_TEST_CLI_PARSE_H
#define CTF_TEST_CLI_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "conntrack.h"

/* One parse: its return, command, error and what it warned on stderr. */
struct parsed {
	int r;
	struct ct_cmd cmd;
	struct ct_err err;
	char *warn; /* NULL only when no memory stream could be opened */
	size_t warn_len;
};

/*
 * Parse the @argc words of @in (NULL-terminated; copied first, as
 * getopt_long() permutes them) with ct_args_parse(), or with
 * ct_args_parse_shared() and @sh when @sh is not NULL. Free with
 * parsed_done().
 */
void parsed_run(struct parsed *p, int argc, char **in, struct ct_parse_shared *sh);

/* Free @p's command and warnings. */
void parsed_done(struct parsed *p);

/*
 * Whether @a and @b agree: return, warnings (both captured), the error when
 * they failed, else the whole command but for the pointers each way owns
 * differently (label map and its path, netns).
 */
bool parsed_same(const struct parsed *a, const struct parsed *b);

#endif
