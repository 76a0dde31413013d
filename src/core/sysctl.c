// SPDX-License-Identifier: GPL-2.0-or-later
/* Integer sysctls through /proc/sys. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <ctflow/sysctl.h>

static int sysctl_path(char *buf, size_t len, const char *name)
{
	int n = snprintf(buf, len, "/proc/sys/%s", name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int ctf_sysctl_read(const char *name, long *ret_value)
{
	char path[256], text[64], *end;
	FILE *f;
	long v;
	int r;

	r = sysctl_path(path, sizeof(path), name);
	if (r < 0)
		return r;
	/* /proc/thread-self/../sys would be per-thread too; /proc/sys follows the
	 * opener's network namespace for net.* entries. */
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(text, sizeof(text), f)) {
		fclose(f);
		return -EBADMSG;
	}
	fclose(f);
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || (*end != '\n' && *end != '\0'))
		return -EBADMSG;
	*ret_value = v;
	return 0;
}

int ctf_sysctl_write(const char *name, long value)
{
	char path[256];
	FILE *f;
	int r;

	r = sysctl_path(path, sizeof(path), name);
	if (r < 0)
		return r;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	r = fprintf(f, "%ld\n", value) < 0 ? -EIO : 0;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	return r;
}
