/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to the stream: the record file on disk (open and repair, rotated names, pruning). */
#ifndef CTFLOW_EXPORTERS_STREAM_FILE_H
#define CTFLOW_EXPORTERS_STREAM_FILE_H

#include <stdint.h>
#include <time.h>

/* What sf_open() found in an existing file. */
struct sf_open_info {
	uint64_t size;	     /* where the next record goes */
	uint64_t repaired;   /* bytes of a torn last record that were cut off */
	int corrupt_renamed; /* 1 when a file with corrupt framing was rotated away */
};

/*
 * sf_open - open (or create, mode 0640) @path for writing records at its
 * end. The framing of an existing file is checked: a torn last record is cut
 * off; a file with a corrupt length prefix is renamed like a rotated one and
 * a new file is started. Returns the fd or -errno.
 */
int sf_open(const char *path, struct sf_open_info *ret_info);

/*
 * sf_rotate_name - rename @path to "@path.YYYYmmddTHHMMSSZ" (@stamp, UTC),
 * adding ".N" when that name exists. Returns 0 or -errno.
 */
int sf_rotate_name(const char *path, time_t stamp);

/*
 * sf_prune - remove the oldest rotated files of @path so that @keep remain.
 * Returns the number removed or -errno.
 */
int sf_prune(const char *path, unsigned int keep);

#endif /* CTFLOW_EXPORTERS_STREAM_FILE_H */
