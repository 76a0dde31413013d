// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd.conf: a hand-written lexer and recursive-descent parser that
 * accept exactly what conntrackd 1.4.7's flex/bison grammar accepts, plus the
 * ctflow Collector and Exporters sections and ctflow's Sync options. No
 * global state: one struct parser per call, errors returned in struct
 * ctf_conf_error. This file holds the top level, the defaults, the checks
 * made once the whole file is read and the public API; the tokens are in
 * conf_lex.c, the block machinery in conf_parse.c and each section in its
 * conf_<section>.c (see conf_parse.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_parse.h"

#define DEFAULT_LOCKFILE "/var/lock/conntrackd.lock"
#define CONF_MAX_BYTES	 (16u << 20)

/* ------------------------------------------------------------- top level */

/* 1.4.7 refused Stats with Sync when the second section closed; Collector joins Stats' rule. */
static int check_modes(struct parser *p, const struct token *key)
{
	if (p->seen_stats && p->seen_sync)
		return conf_fail(p, key, "cannot use both 'Stats' and 'Sync' sections");
	if (p->seen_stats && p->seen_collector)
		return conf_fail(p, key,
				 "cannot use both 'Stats' and 'Collector' sections: the "
				 "collector replaces Stats");
	return 0;
}

static int parse_section(struct parser *p, const struct token *key)
{
	int r;

	if (tok_is_kw(key, KW_GENERAL))
		return conf_general(p);
	if (tok_is_kw(key, KW_SYNC)) {
		if (!p->seen_sync)
			p->sync_line = key->line;
		r = conf_sync(p);
		p->seen_sync = true;
	} else if (tok_is_kw(key, KW_STATS)) {
		r = conf_stats(p);
		p->seen_stats = true;
	} else if (tok_is_kw(key, KW_HELPER)) {
		p->conf->has_helper = true;
		return conf_helper(p);
	} else if (tok_is(key, "Collector")) {
		r = conf_collector(p);
		p->seen_collector = true;
	} else {
		/* Exporters: listing them selects them; the defaults had both */
		if (!p->seen_exporters) {
			p->conf->exporters.file_enabled = false;
			p->conf->exporters.prom_enabled = false;
		}
		p->seen_exporters = true;
		return conf_exporters(p);
	}
	return r < 0 ? r : check_modes(p, key);
}

static int parse_top(struct parser *p)
{
	char d[64];
	int r;

	for (;;) {
		struct token key = take(p);

		if (key.kind == TOK_EOF)
			return 0;
		if (!tok_is_kw(&key, KW_GENERAL) && !tok_is_kw(&key, KW_SYNC) &&
		    !tok_is_kw(&key, KW_STATS) && !tok_is_kw(&key, KW_HELPER) &&
		    !tok_is(&key, "Collector") && !tok_is(&key, "Exporters"))
			return conf_fail(p, &key,
					 "unexpected %s at top level: expected General, Sync, "
					 "Stats, Helper, Collector or Exporters",
					 conf_tok_desc(&key, d, sizeof(d)));
		r = parse_section(p, &key);
		if (r < 0)
			return r;
	}
}

/* ------------------------------------------------- defaults, final checks */

static int set_default(char **dst, const char *value)
{
	if (*dst || !value)
		return 0;
	*dst = strdup(value);
	return *dst ? 0 : -ENOMEM;
}

static void defaults_init(struct ctf_conf *c)
{
	c->general.syslog_facility = -1;
	c->general.systemd = true;
	c->general.sched_policy = SCHED_RR;
	c->general.sched_priority = -1;
	c->stats.syslog_facility = -1;
	c->sync.resync_on_peer_restart = true; /* ctflow options; the others are off at 0 */
	c->sync.ready_peer_timeout = 3;
	c->collector.active_timeout = 60;
	c->collector.poll_interval = 10;
	c->collector.ring_size = 65536;
	c->exporters.file_enabled = true;
	c->exporters.rotate_bytes = 256ull << 20;
	c->exporters.rotate_secs = 3600;
	c->exporters.keep = 48;
	c->exporters.prom_enabled = true;
	c->exporters.prom_port = CTF_PROM_DEFAULT_PORT;
}

static void zero_default(unsigned int *v, unsigned int def)
{
	if (*v == 0)
		*v = def;
}

/* 1.4.7 took 0 as "not set" for these and filled them in after parsing. */
static int defaults_finish(struct ctf_conf *c)
{
	struct ctf_conf_general *g = &c->general;
	struct ctf_conf_sync *s = &c->sync;
	int r;

	zero_default(&g->hash_size, 65536);
	zero_default(&g->hash_limit, 262144);
	zero_default(&g->event_iteration_limit, 100);
	if (g->netlink_overrun_resync == 0)
		g->netlink_overrun_resync = 30;
	zero_default(&s->refresh_time, 60);
	zero_default(&s->cache_timeout, 180);
	zero_default(&s->purge_timeout, 60);
	zero_default(&s->resend_queue_size, 131072);
	zero_default(&s->window_size, 300);
	zero_default(&s->error_queue_length, 128);
	r = set_default(&g->lock_file, DEFAULT_LOCKFILE);
	if (r >= 0)
		r = set_default(&c->exporters.file_path, "/var/lib/ctflow/flows.pb");
	if (r >= 0)
		r = set_default(&c->exporters.prom_address, "127.0.0.1");
	return r;
}

static int finish(struct parser *p)
{
	struct ctf_conf *c = p->conf;
	int r;

	c->mode = p->seen_sync	      ? CTF_CONF_MODE_SYNC
		  : p->seen_stats     ? CTF_CONF_MODE_STATS
		  : p->seen_collector ? CTF_CONF_MODE_COLLECTOR
				      : CTF_CONF_MODE_NONE;
	c->collect = p->seen_collector || c->mode == CTF_CONF_MODE_NONE;
	if (p->seen_sync) {
		r = conf_sync_finish(p);
		if (r < 0)
			return r;
	}
	return defaults_finish(c);
}

/* ------------------------------------------------------------ public API */

static void channel_free(struct ctf_conf_channel *ch)
{
	free(ch->ifname);
}

void ctf_conf_free(struct ctf_conf *conf)
{
	size_t i;

	if (!conf)
		return;
	free(conf->path);
	free(conf->general.log_file);
	free(conf->general.lock_file);
	free(conf->general.unix_path);
	free(conf->general.filter.nets);
	free(conf->collector.hostname);
	free(conf->collector.netns);
	free(conf->exporters.file_path);
	free(conf->exporters.prom_address);
	for (i = 0; i < conf->sync.n_expect_helpers; i++)
		free(conf->sync.expect_helpers[i]);
	free(conf->sync.expect_helpers);
	for (i = 0; i < conf->sync.n_channels; i++)
		channel_free(&conf->sync.channels[i]);
	free(conf->stats.log_file);
	for (i = 0; i < conf->helper.n_types; i++)
		conf_helper_type_done(&conf->helper.types[i]);
	free(conf->helper.types);
	free(conf->warnings);
	free(conf);
}

int ctf_conf_parse(struct ctf_conf **ret_conf, const char *name, const char *text, size_t len,
		   struct ctf_conf_error *ret_err)
{
	struct parser p = { .buf = text, .len = text ? len : 0, .line = 1, .err = ret_err };
	int r;

	p.name = name ? name : "<defaults>";
	if (ret_err)
		memset(ret_err, 0, sizeof(*ret_err));
	p.conf = calloc(1, sizeof(*p.conf));
	if (!p.conf)
		return -ENOMEM;
	defaults_init(p.conf);
	r = name ? ((p.conf->path = strdup(name)) ? 0 : -ENOMEM) : 0;
	if (r >= 0)
		r = parse_top(&p);
	if (r >= 0)
		r = finish(&p);
	free(p.hstack);
	if (r < 0) {
		ctf_conf_free(p.conf);
		return r;
	}
	*ret_conf = p.conf;
	return 0;
}

static int read_all(int fd, char **ret_buf, size_t *ret_len)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nb;
	ssize_t n;

	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8192;
			if (cap > CONF_MAX_BYTES) {
				free(buf);
				return -EFBIG;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

int ctf_conf_load(struct ctf_conf **ret_conf, const char *path, struct ctf_conf_error *ret_err)
{
	char *buf = NULL;
	size_t len = 0;
	int fd, r;

	if (!path)
		return ctf_conf_parse(ret_conf, NULL, NULL, 0, ret_err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out_err;
	}
	r = read_all(fd, &buf, &len);
	close(fd);
	if (r < 0)
		goto out_err;
	r = ctf_conf_parse(ret_conf, path, buf ? buf : "", len, ret_err);
	free(buf);
	return r;
out_err:
	if (ret_err) {
		memset(ret_err, 0, sizeof(*ret_err));
		snprintf(ret_err->file, sizeof(ret_err->file), "%s", path);
		snprintf(ret_err->message, sizeof(ret_err->message), "cannot read: %s",
			 strerror(-r));
	}
	return r;
}

int ctf_conf_strerror(const struct ctf_conf_error *err, char *buf, size_t len)
{
	if (err->line)
		return snprintf(buf, len, "%s:%u: %s", err->file, err->line, err->message);
	return snprintf(buf, len, "%s: %s", err->file, err->message);
}
