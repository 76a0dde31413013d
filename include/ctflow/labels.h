/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Connection label names from connlabel.conf ("<bit> <name>" lines). */
#ifndef CTFLOW_LABELS_H
#define CTFLOW_LABELS_H

#define CTF_LABELMAP_DEFAULT "/etc/xtables/connlabel.conf"

struct ctf_labelmap;

/*
 * ctf_labelmap_load - read the label map at @path (NULL: the default path)
 * with libnetfilter_conntrack 1.0.9's parsing rules.
 * Returns 0 and a map to free with ctf_labelmap_free(), -ENOENT when the file
 * is missing, -ENOMEM, or another -errno from reading it.
 */
int ctf_labelmap_load(struct ctf_labelmap **ret_map, const char *path);

/* ctf_labelmap_free - free; accepts NULL. */
void ctf_labelmap_free(struct ctf_labelmap *map);

/* The name of label @bit, or NULL when it has none. Valid until the map is freed. */
const char *ctf_labelmap_name(const struct ctf_labelmap *map, unsigned int bit);

/* The bit named @name, or -ENOENT. */
int ctf_labelmap_bit(const struct ctf_labelmap *map, const char *name);

#endif /* CTFLOW_LABELS_H */
