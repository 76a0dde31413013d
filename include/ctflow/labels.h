/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Connection label names from connlabel.conf ("<bit> <name>" lines). */
#ifndef CTFLOW_LABELS_H
#define CTFLOW_LABELS_H

#define CTF_LABELMAP_DEFAULT "/etc/xtables/connlabel.conf"

struct ctf_labelmap;

/*
 * ctf_labelmap_load - read the label map at @path (NULL: the default path)
 * with libnetfilter_conntrack 1.0.9's parsing rules: "<bit> <name>" lines,
 * the bit read by strtoul(base 0) and below 1024, names of [A-Za-z0-9 -]
 * with blanks trimmed, '#' in the first column for comments, the first line
 * for a bit or a name wins, anything else is skipped silently, and lines
 * are read in 1023-byte pieces as the library's fgets() does.
 * Returns 0 and a map to free with ctf_labelmap_free(), -ENOENT when the file
 * is missing, -ENODATA when it names no label at all (1.4.7 then has no map:
 * perror() prints "nfct_labelmap_new: Success" and no labels are printed),
 * -ENOMEM, or another -errno from reading it.
 */
int ctf_labelmap_load(struct ctf_labelmap **ret_map, const char *path);

/* ctf_labelmap_free - free; accepts NULL. */
void ctf_labelmap_free(struct ctf_labelmap *map);

/* The name of label @bit, or NULL when it has none. Valid until the map is freed. */
const char *ctf_labelmap_name(const struct ctf_labelmap *map, unsigned int bit);

/* The bit named @name, or -ENOENT. */
int ctf_labelmap_bit(const struct ctf_labelmap *map, const char *name);

#endif /* CTFLOW_LABELS_H */
