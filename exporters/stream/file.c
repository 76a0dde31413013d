// SPDX-License-Identifier: GPL-2.0-or-later
/* The record file on disk: opening with a framing check, rotated names and pruning. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "file.h"
#include "stream.h"

#define SCAN_BLOCK (1024 * 1024)
#define STAMP_LEN  16 /* YYYYmmddTHHMMSSZ */

enum scan_result { SCAN_OK, SCAN_TORN, SCAN_CORRUPT };

/* Read up to @len bytes at @off; returns bytes read (short only at end of file) or -errno. */
static ssize_t read_at(int fd, uint8_t *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/*
 * Walk the frames of the first @size bytes. Only prefixes are parsed, so
 * this runs at read speed. *ret_good is where the last complete frame ends.
 */
static int scan(int fd, uint64_t size, uint64_t *ret_good)
{
	uint8_t *buf = malloc(SCAN_BLOCK);
	uint64_t pos = 0, base = 0;
	size_t have = 0;
	int r = SCAN_OK;

	if (!buf)
		return -ENOMEM;
	while (pos < size) {
		size_t need = 0;
		int n;

		/* Keep at least a whole prefix (10 bytes) in the buffer when the file has it. */
		if (pos < base || pos + 10 > base + have) {
			ssize_t got = read_at(fd, buf, SCAN_BLOCK, pos);

			if (got < 0) {
				r = (int)got;
				break;
			}
			base = pos;
			have = (size_t)got;
		}
		n = ctf_stream_frame(buf + (pos - base), have - (size_t)(pos - base), NULL, &need);
		if (n < 0) {
			r = SCAN_CORRUPT;
			break;
		}
		if (n == 0 && (need == 0 || pos + need > size)) {
			r = SCAN_TORN; /* the prefix or the message runs past the end */
			break;
		}
		pos += n ? (uint64_t)n : need;
	}
	free(buf);
	*ret_good = pos;
	return r;
}

static int open_checked(const char *path, struct sf_open_info *info, int *ret_scan)
{
	struct stat st;
	uint64_t good;
	int fd, r;

	/* Not O_APPEND: the writer places every buffer at an explicit offset. */
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out_close;
	}
	info->size = (uint64_t)st.st_size;
	*ret_scan = SCAN_OK;
	if (st.st_size == 0)
		return fd;
	/* A second descriptor to read: ours is write-only. */
	int rfd = open(path, O_RDONLY | O_CLOEXEC);

	if (rfd < 0) {
		r = -errno;
		goto out_close;
	}
	r = scan(rfd, info->size, &good);
	close(rfd);
	if (r < 0)
		goto out_close;
	*ret_scan = r;
	if (r == SCAN_TORN) {
		if (ftruncate(fd, (off_t)good) < 0) {
			r = -errno;
			goto out_close;
		}
		info->repaired = info->size - good;
		info->size = good;
	}
	return fd;
out_close:
	close(fd);
	return r;
}

int sf_open(const char *path, struct sf_open_info *ret_info)
{
	struct sf_open_info info = { 0 };
	int fd, scan_r, r;

	fd = open_checked(path, &info, &scan_r);
	if (fd < 0 || scan_r != SCAN_CORRUPT) {
		if (fd >= 0)
			*ret_info = info;
		return fd;
	}
	/* Never append to a stream a reader would stop in: keep it aside, start anew. */
	close(fd);
	r = sf_rotate_name(path, time(NULL));
	if (r < 0)
		return r;
	info = (struct sf_open_info){ .corrupt_renamed = 1 };
	fd = open_checked(path, &info, &scan_r);
	if (fd >= 0) {
		info.corrupt_renamed = 1;
		*ret_info = info;
	}
	return fd;
}

struct rotated {
	char *name;
	char stamp[STAMP_LEN + 1];
	unsigned long suffix;
};

/* Whether @rest (what follows "<base>.") is "STAMP" or "STAMP.N"; fills @r. */
static bool parse_rotated(const char *rest, struct rotated *r)
{
	char *end;

	if (strlen(rest) < STAMP_LEN || rest[8] != 'T' || rest[STAMP_LEN - 1] != 'Z')
		return false;
	for (int i = 0; i < STAMP_LEN - 1; i++)
		if (i != 8 && (rest[i] < '0' || rest[i] > '9'))
			return false;
	memcpy(r->stamp, rest, STAMP_LEN);
	r->stamp[STAMP_LEN] = '\0';
	r->suffix = 0;
	rest += STAMP_LEN;
	if (!*rest)
		return true;
	if (rest[0] != '.' || rest[1] < '0' || rest[1] > '9')
		return false;
	r->suffix = strtoul(rest + 1, &end, 10);
	return *end == '\0';
}

static int cmp_rotated(const void *a, const void *b)
{
	const struct rotated *x = a, *y = b;
	int c = strcmp(x->stamp, y->stamp);

	if (c)
		return c;
	return x->suffix < y->suffix ? -1 : x->suffix > y->suffix;
}

/* Split @path into a directory and a base name. */
static void split_path(const char *path, char *dir, size_t dlen, const char **ret_base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, dlen, ".");
		*ret_base = path;
	} else if (slash == path) {
		snprintf(dir, dlen, "/");
		*ret_base = slash + 1;
	} else {
		snprintf(dir, dlen, "%.*s", (int)(slash - path), path);
		*ret_base = slash + 1;
	}
}

/* The rotated files of @base in @d, in @ret_list (free names and the list). */
static int list_rotated(DIR *d, const char *base, struct rotated **ret_list, size_t *ret_n)
{
	struct rotated *list = NULL, r;
	size_t n = 0, cap = 0, blen = strlen(base);
	struct dirent *e;

	while ((e = readdir(d))) {
		if (strncmp(e->d_name, base, blen) || e->d_name[blen] != '.' ||
		    !parse_rotated(e->d_name + blen + 1, &r))
			continue;
		if (n == cap) {
			struct rotated *nl =
				realloc(list, (cap = cap ? cap * 2 : 16) * sizeof(*list));

			if (!nl)
				goto out_nomem;
			list = nl;
		}
		r.name = strdup(e->d_name);
		if (!r.name)
			goto out_nomem;
		list[n++] = r;
	}
	*ret_list = list;
	*ret_n = n;
	return 0;
out_nomem:
	while (n)
		free(list[--n].name);
	free(list);
	return -ENOMEM;
}

/*
 * The suffix the next rotated file of @stamp gets: 0 for none, else one more
 * than any taken, so names keep sorting in rotation order even after pruning
 * freed smaller suffixes.
 */
static int next_suffix(const char *path, const char *stamp, unsigned long *ret_suffix)
{
	struct rotated *list;
	char dir[4096];
	const char *base;
	size_t n;
	bool any = false;
	unsigned long max = 0;
	DIR *d;
	int r;

	split_path(path, dir, sizeof(dir), &base);
	d = opendir(dir);
	if (!d)
		return -errno;
	r = list_rotated(d, base, &list, &n);
	closedir(d);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(list[i].stamp, stamp)) {
			any = true;
			max = list[i].suffix > max ? list[i].suffix : max;
		}
		free(list[i].name);
	}
	free(list);
	*ret_suffix = any ? max + 1 : 0;
	return 0;
}

int sf_rotate_name(const char *path, time_t stamp)
{
	char name[4096], ts[STAMP_LEN + 1];
	unsigned long suffix = 0;
	struct tm tm;
	int n, r;

	if (!gmtime_r(&stamp, &tm) || strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm) != STAMP_LEN)
		return -EINVAL;
	r = next_suffix(path, ts, &suffix);
	if (r < 0)
		return r;
	if (suffix)
		n = snprintf(name, sizeof(name), "%s.%s.%lu", path, ts, suffix);
	else
		n = snprintf(name, sizeof(name), "%s.%s", path, ts);
	if (n < 0 || (size_t)n >= sizeof(name))
		return -ENAMETOOLONG;
	/* One writer per path: nobody takes the name between the scan and the rename. */
	return rename(path, name) < 0 ? -errno : 0;
}

int sf_prune(const char *path, unsigned int keep)
{
	struct rotated *list;
	char dir[4096];
	const char *base;
	size_t n, removed = 0;
	DIR *d;
	int r;

	if (!keep)
		return 0;
	split_path(path, dir, sizeof(dir), &base);
	d = opendir(dir);
	if (!d)
		return -errno;
	r = list_rotated(d, base, &list, &n);
	if (r < 0)
		goto out_close;
	qsort(list, n, sizeof(*list), cmp_rotated);
	for (size_t i = 0; i < n; i++) {
		if (i + keep < n && unlinkat(dirfd(d), list[i].name, 0) == 0)
			removed++;
		free(list[i].name);
	}
	free(list);
	r = (int)removed;
out_close:
	closedir(d);
	return r;
}
