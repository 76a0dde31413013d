/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test inputs for the unit tests: recorded .nl fixtures (format in
 * tests/tools/ctf-record.c), and the guard page every parser input is placed
 * against. Free of cmocka: bench/fmt_bench links this file too.
 */
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

/*
 * Writable room that ends where a PROT_NONE page begins. A parser given an
 * input that ends at the guard page faults on the first byte it reads past
 * the end, where a heap buffer would hand it whatever lies there.
 */
struct ctf_guard {
	uint8_t *map; /* the whole mapping: the room, then the guard page */
	size_t map_len;
	size_t room; /* writable bytes before the guard page, whole pages */
};

/*
 * Map at least @room writable bytes (rounded up to whole pages; 0 gives
 * none) followed by one PROT_NONE page. Returns 0 or -errno. Undo with
 * ctf_guard_done().
 */
int ctf_guard_init(struct ctf_guard *g, size_t room);

/* Unmap @g. A zeroed or already done guard is fine. */
void ctf_guard_done(struct ctf_guard *g);

/*
 * Copy @len bytes of @data to end as close to the guard page as a start
 * aligned to @align allows: @align 1 puts the last byte right before it, 4
 * (netlink messages start 4-aligned) leaves up to 3 bytes of slack, which
 * are zeroed. @align is a power of two. Returns the copy, valid until the
 * next ctf_guard_place() or ctf_guard_done(); NULL when @len exceeds the
 * room.
 */
void *ctf_guard_place(struct ctf_guard *g, const void *data, size_t len, size_t align);

/*
 * The first @len bytes of the netlink message @msg, placed 4-aligned against
 * the guard page and claiming @len in nlmsg_len when @len holds a whole
 * header (a shorter piece is copied as it is). NULL when @len exceeds the
 * room.
 */
struct nlmsghdr *ctf_guard_nlmsg(struct ctf_guard *g, const void *msg, size_t len);

/*
 * One page of room before a guard page, shared by a whole cmocka group:
 * pass ctf_guard_page_setup and ctf_guard_page_teardown as the group's setup
 * and teardown (they fail the group when the mapping cannot be made).
 */
extern struct ctf_guard ctf_guard_page;
int ctf_guard_page_setup(void **state);
int ctf_guard_page_teardown(void **state);

#endif
