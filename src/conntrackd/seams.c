// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stand-ins for the parts conntrackd uses before they are in the tree: the
 * record stream (exporters/stream), the /metrics server
 * (exporters/prometheus) and the config parser (src/core/conf.c). Each block
 * disappears when its part is built; CMake says which (CTF_HAVE_*).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ctflow/conf.h>
#include <ctflow/log.h>
#include <prometheus/prometheus.h>
#include <stream/stream.h>

#ifndef CTF_HAVE_STREAM
int ctf_stream_start(struct ctf_stream **ret_stream, const struct ctf_stream_config *cfg,
		     struct ctf_ring *const *rings, size_t nrings)
{
	ctf_log(LOG_WARNING, "this build has no record stream, records stay in the rings");
	return -EOPNOTSUPP;
}

void ctf_stream_reopen(struct ctf_stream *s)
{
}

int ctf_stream_stop(struct ctf_stream *s)
{
	return 0;
}

void ctf_stream_get_stats(const struct ctf_stream *s, struct ctf_stream_stats *ret_stats)
{
	memset(ret_stats, 0, sizeof(*ret_stats));
}
#endif

#ifndef CTF_HAVE_PROM
void ctf_prom_printf(struct ctf_prom_buf *b, const char *fmt, ...)
{
}

void ctf_prom_header(struct ctf_prom_buf *b, const char *name, const char *type, const char *help)
{
}

void ctf_prom_sample(struct ctf_prom_buf *b, const char *name, const char *const *labels,
		     double value)
{
}

int ctf_prom_start(struct ctf_prom **ret_prom, const char *address, uint16_t port,
		   ctf_prom_render_cb render, void *data)
{
	ctf_log(LOG_WARNING, "this build has no /metrics server");
	return -EOPNOTSUPP;
}

void ctf_prom_stop(struct ctf_prom *p)
{
}
#endif

#ifndef CTF_HAVE_CONF
/* The embedded defaults only; a file cannot be read without the parser. */
int ctf_conf_load(struct ctf_conf **ret_conf, const char *path, struct ctf_conf_error *ret_err)
{
	struct ctf_conf *c;

	if (path)
		return -EOPNOTSUPP;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->general.syslog_facility = -1;
	c->general.lock_file = strdup("/var/lock/conntrackd.lock");
	c->collector.active_timeout = 60;
	c->collector.poll_interval = 10;
	c->collector.ring_size = 65536;
	c->exporters.file_enabled = true;
	c->exporters.file_path = strdup("/var/lib/ctflow/flows.pb");
	c->exporters.prom_enabled = true;
	c->exporters.prom_address = strdup("127.0.0.1");
	c->exporters.prom_port = CTF_PROM_DEFAULT_PORT;
	if (!c->general.lock_file || !c->exporters.file_path || !c->exporters.prom_address) {
		ctf_conf_free(c);
		return -ENOMEM;
	}
	*ret_conf = c;
	return 0;
}

void ctf_conf_free(struct ctf_conf *conf)
{
	if (!conf)
		return;
	free(conf->general.lock_file);
	free(conf->exporters.file_path);
	free(conf->exporters.prom_address);
	free(conf);
}
#endif
