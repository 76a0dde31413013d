/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading recorded .nl fixtures (format in tests/tools/ctf-record.c) for the unit tests. */
#ifndef CTF_TEST_FIXTURES_H
#define CTF_TEST_FIXTURES_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

struct fixture {
	char name[128];		/* file name without ".nl" */
	uint64_t now_ns;	/* recording time from the header */
	unsigned char *data;	/* every nlmsg of the file, back to back (NLMSG_ALIGNed) */
	size_t len;
	size_t count;		/* data messages (NLMSG_DONE and errors dropped) */
	const struct nlmsghdr **msgs;
};

/* The fixture directory: $CTF_FIXTURES, else the source tree's. */
const char *fixture_dir(void);

/* Load @dir/@name.nl. Returns 0 or -errno / -EBADMSG. Free with fixture_free(). */
int fixture_load(struct fixture *fx, const char *dir, const char *name);
void fixture_free(struct fixture *fx);

/* The names (without ".nl") of every fixture in @dir, sorted; NULL-terminated, free with free(). */
char **fixture_list(const char *dir);

/* Read a whole text file; NULL when missing. Free with free(). */
char *read_text(const char *path, size_t *ret_len);

#endif
