// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrack CLI: reading -R/--load-file input into argument vectors with
 * 1.4.7's rules (its iptables-derived add_param_to_argv()): lines of at
 * most 10239 bytes (longer ones are cut into pieces, as fgets() into a
 * 10240-byte buffer does), leading blanks skipped, '#' and empty lines
 * ignored, words split on blanks, "..." quoting with \ escapes inside
 * quotes only, tokens shorter than 1024 bytes, at most 253 words a line.
 */
#include <stdlib.h>
#include <string.h>

#include "conntrack.h"

void ct_load_args_done(struct ct_load_args *a)
{
	a->argc = 0;
	a->used = 0;
}

/* 1.4.7's add_argv(): argv[0] counts, and one slot stays free for the NULL. */
static int add_arg(struct ct_load_args *a, const char *s, size_t n, struct ct_err *err)
{
	if (a->argc + 1 >= CT_LOAD_MAX_ARGS)
		return ct_err_set(err, CT_PARAMETER_PROBLEM, "too many arguments");
	if (n + 1 > sizeof(a->store) - a->used)
		return ct_err_set(err, CT_OTHER_PROBLEM, "OOM");
	/* words live in the line's own store: no allocation per word */
	a->argv[a->argc] = memcpy(a->store + a->used, s, n);
	a->store[a->used + n] = '\0';
	a->used += n + 1;
	a->argv[++a->argc] = NULL;
	return 0;
}

static int add_char(char *param, size_t *len, char c, struct ct_err *err)
{
	param[(*len)++] = c;
	if (*len >= CT_LOAD_MAX_TOKEN)
		return ct_err_set(err, CT_PARAMETER_PROBLEM, "Parameter too long!");
	return 0;
}

/*
 * Split @s into words after @a's existing ones. A closing quote ends the
 * word even when it is empty (so "" is an empty argument); a quote opened
 * inside a word continues it.
 */
static int split(const char *s, struct ct_load_args *a, struct ct_err *err)
{
	char param[CT_LOAD_MAX_TOKEN];
	bool open = false, escaped = false;
	size_t len = 0;

	for (; *s; s++) {
		if (open) {
			if (escaped || (*s != '\\' && *s != '"')) {
				escaped = false;
				if (add_char(param, &len, *s, err) < 0)
					return -1;
				continue;
			}
			if (*s == '\\') {
				escaped = true;
				continue;
			}
			open = false; /* the closing quote ends the word below */
		} else if (*s == '"') {
			open = true;
			continue;
		} else if (*s == ' ' || *s == '\t' || *s == '\n') {
			if (!len)
				continue;
		} else {
			if (add_char(param, &len, *s, err) < 0)
				return -1;
			continue;
		}
		if (add_arg(a, param, len, err) < 0)
			return -1;
		len = 0;
	}
	return len ? add_arg(a, param, len, err) : 0;
}

int ct_load_split(const char *line, const char *progname, struct ct_load_args *a,
		  struct ct_err *err)
{
	a->argc = 0;
	a->used = 0;
	a->argv[0] = NULL;
	while (*line == ' ' || *line == '\t')
		line++;
	if (line[0] == '\n' || line[0] == '#')
		return 0;
	/* a line of blanks at the very end (no newline) still makes a command of nothing */
	if (add_arg(a, progname, strlen(progname), err) < 0 || split(line, a, err) < 0) {
		ct_load_args_done(a);
		return -1;
	}
	return a->argc;
}
