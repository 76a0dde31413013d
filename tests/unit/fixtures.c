// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading recorded .nl fixtures, and the guard page, for the unit tests. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "fixtures.h"

const char *fixture_dir(void)
{
	const char *d = getenv("CTF_FIXTURES");

	return d && *d ? d : CTF_FIXTURES_DIR;
}

char *read_text(const char *path, size_t *ret_len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, fp) == (size_t)n) {
			buf[n] = '\0';
			if (ret_len)
				*ret_len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(fp);
	return buf;
}

/* Split the datagrams into messages; only data messages are indexed. */
static int index_messages(struct fixture *fx, const unsigned char *raw, size_t len)
{
	size_t pos = 16, cap = 0;

	fx->data = calloc(1, len);
	if (!fx->data)
		return -ENOMEM;
	while (pos + 4 <= len) {
		uint32_t dlen, off = 0;

		memcpy(&dlen, raw + pos, 4);
		pos += 4;
		if (dlen > len - pos)
			return -EBADMSG;
		while (off + sizeof(struct nlmsghdr) <= dlen) {
			const struct nlmsghdr *nlh = (const void *)(raw + pos + off);
			uint32_t n = nlh->nlmsg_len;

			if (n < sizeof(*nlh) || n > dlen - off)
				return -EBADMSG;
			memcpy(fx->data + fx->len, nlh, n);
			if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
				if (fx->count == cap) {
					cap = cap ? cap * 2 : 64;
					fx->msgs = realloc(fx->msgs, cap * sizeof(*fx->msgs));
					if (!fx->msgs)
						return -ENOMEM;
				}
				/* offsets for now: data may still move (it does not, but be explicit) */
				fx->msgs[fx->count++] = (const void *)(uintptr_t)fx->len;
			}
			fx->len += NLMSG_ALIGN(n);
			off += NLMSG_ALIGN(n);
		}
		pos += dlen;
	}
	for (size_t i = 0; i < fx->count; i++)
		fx->msgs[i] = (const void *)(fx->data + (uintptr_t)fx->msgs[i]);
	return 0;
}

int fixture_load(struct fixture *fx, const char *dir, const char *name)
{
	char path[512];
	unsigned char *raw;
	size_t len = 0;
	int r;

	memset(fx, 0, sizeof(*fx));
	snprintf(fx->name, sizeof(fx->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s.nl", dir, name);
	raw = (unsigned char *)read_text(path, &len);
	if (!raw)
		return -ENOENT;
	if (len < 16 || memcmp(raw, "CTFNL1\n", 8) != 0) {
		free(raw);
		return -EBADMSG;
	}
	memcpy(&fx->now_ns, raw + 8, 8);
	r = index_messages(fx, raw, len);
	free(raw);
	if (r < 0)
		fixture_free(fx);
	return r;
}

void fixture_free(struct fixture *fx)
{
	free(fx->data);
	free(fx->msgs);
	memset(fx, 0, sizeof(*fx));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **fixture_list(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = calloc(1, sizeof(char *));
	size_t n = 0;

	if (!d)
		return names;
	while (names && (e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l < 4 || strcmp(e->d_name + l - 3, ".nl") != 0)
			continue;
		names = realloc(names, (n + 2) * sizeof(char *));
		if (!names)
			break;
		names[n] = strndup(e->d_name, l - 3);
		names[++n] = NULL;
	}
	closedir(d);
	if (names)
		qsort(names, n, sizeof(char *), cmp_str);
	return names;
}

int ctf_guard_init(struct ctf_guard *g, size_t room)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *map;

	memset(g, 0, sizeof(*g));
	room = (room + page - 1) / page * page;
	map = mmap(NULL, room + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return -errno;
	if (mprotect((uint8_t *)map + room, page, PROT_NONE) < 0) {
		int r = -errno;

		munmap(map, room + page);
		return r;
	}
	g->map = map;
	g->map_len = room + page;
	g->room = room;
	return 0;
}

void ctf_guard_done(struct ctf_guard *g)
{
	if (g->map)
		(void)munmap(g->map, g->map_len);
	memset(g, 0, sizeof(*g));
}

void *ctf_guard_place(struct ctf_guard *g, const void *data, size_t len, size_t align)
{
	size_t start;

	if (len > g->room)
		return NULL;
	start = (g->room - len) & ~(align - 1);
	memcpy(g->map + start, data, len);
	/* the slack an alignment leaves: deterministic, not the last input's tail */
	memset(g->map + start + len, 0, g->room - start - len);
	return g->map + start;
}

struct nlmsghdr *ctf_guard_nlmsg(struct ctf_guard *g, const void *msg, size_t len)
{
	struct nlmsghdr *nlh = ctf_guard_place(g, msg, len, NLMSG_ALIGNTO);

	if (nlh && len >= sizeof(*nlh))
		nlh->nlmsg_len = (uint32_t)len;
	return nlh;
}

struct ctf_guard ctf_guard_page;

int ctf_guard_page_setup(void **state)
{
	(void)state;
	return ctf_guard_init(&ctf_guard_page, 1) < 0 ? -1 : 0;
}

int ctf_guard_page_teardown(void **state)
{
	(void)state;
	ctf_guard_done(&ctf_guard_page);
	return 0;
}
