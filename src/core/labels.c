// SPDX-License-Identifier: GPL-2.0-or-later
/* Connection label names: connlabel.conf read with libnetfilter_conntrack 1.0.9's rules. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctflow/labels.h>

/* libnetfilter_conntrack accepts bits below 1024 although the kernel has 128. */
#define LABEL_BITS_MAX 1024
/* It reads with fgets() into 1024 bytes: a longer line continues as a new "line". */
#define LABEL_LINE_MAX 1024

struct ctf_labelmap {
	unsigned int count; /* highest named bit + 1 */
	char *names[LABEL_BITS_MAX];
};

/* isspace() without locale and without '\n', as the library trims. */
static bool is_blank(char c)
{
	return c == ' ' || c == '\f' || c == '\r' || c == '\t' || c == '\v';
}

/* Cut at the first newline and strip blanks on both sides; NULL when nothing is left. */
static char *trim(char *s)
{
	char *end;

	while (is_blank(*s))
		s++;
	end = strchr(s, '\n');
	if (end)
		*end = '\0';
	else
		end = s + strlen(s);
	while (end > s && is_blank(end[-1]))
		*--end = '\0';
	return *s ? s : NULL;
}

/*
 * Only [A-Za-z0-9 -] so names are safe in every output format; the library
 * checks bytes by hand to stay independent of the locale, and so do we.
 */
static bool name_is_sane(const char *s)
{
	for (; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == ' ' || *s == '-')
			continue;
		return false;
	}
	return true;
}

static bool name_taken(const struct ctf_labelmap *map, const char *name)
{
	return ctf_labelmap_bit(map, name) >= 0;
}

/* One fgets() chunk: "<number><name>", number as strtoul(base 0) reads it. */
static int parse_line(struct ctf_labelmap *map, char *line)
{
	unsigned long bit;
	char *end, *name;

	if (line[0] == '#')
		return 0;
	bit = strtoul(line, &end, 0);
	if ((bit == 0 && end == line) || bit >= LABEL_BITS_MAX || map->names[bit])
		return 0;
	name = trim(end);
	if (!name || !name_is_sane(name) || name_taken(map, name))
		return 0;
	map->names[bit] = strdup(name);
	if (!map->names[bit])
		return -ENOMEM;
	if (bit >= map->count)
		map->count = bit + 1;
	return 0;
}

int ctf_labelmap_load(struct ctf_labelmap **ret_map, const char *path)
{
	char line[LABEL_LINE_MAX];
	struct ctf_labelmap *map;
	FILE *fp;
	int r = 0;

	fp = fopen(path ? path : CTF_LABELMAP_DEFAULT, "re");
	if (!fp)
		return -errno;
	map = calloc(1, sizeof(*map));
	if (!map) {
		fclose(fp);
		return -ENOMEM;
	}
	errno = 0;
	while (r == 0 && fgets(line, sizeof(line), fp))
		r = parse_line(map, line);
	if (r == 0 && ferror(fp))
		r = errno ? -errno : -EIO;
	fclose(fp);
	/* A map without a single valid name is no map to 1.4.7: nothing is printed. */
	if (r == 0 && map->count == 0)
		r = -ENODATA;
	if (r < 0) {
		ctf_labelmap_free(map);
		return r;
	}
	*ret_map = map;
	return 0;
}

void ctf_labelmap_free(struct ctf_labelmap *map)
{
	unsigned int i;

	if (!map)
		return;
	for (i = 0; i < map->count; i++)
		free(map->names[i]);
	free(map);
}

const char *ctf_labelmap_name(const struct ctf_labelmap *map, unsigned int bit)
{
	if (!map || bit >= map->count)
		return NULL;
	return map->names[bit];
}

int ctf_labelmap_bit(const struct ctf_labelmap *map, const char *name)
{
	unsigned int i;

	if (!map)
		return -ENOENT;
	for (i = 0; i < map->count; i++)
		if (map->names[i] && strcmp(map->names[i], name) == 0)
			return (int)i;
	return -ENOENT;
}
