// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd.conf: the General section (with its Filter, UNIX and Scheduler
 * blocks) and the Stats section, which shares General's LogFile and Syslog
 * values.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#include "conf_parse.h"

#define DEFAULT_LOGFILE	      "/var/log/conntrackd.log"
#define DEFAULT_STATS_LOGFILE "/var/log/conntrackd-stats.log"
#define FILENAME_MAX_LEN      256 /* 1.4.7's FILENAME_MAXLEN: longer names were truncated */
#define UNIX_PATH_MAX_LEN     108 /* sun_path: 1.4.7 overflowed it */

/* --------------------------------------------------------------- General */

static struct ctf_conf_general *gen(struct parser *p)
{
	return &p->conf->general;
}

static int dir_hashsize(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_number(p, key, INT_MAX, &gen(p)->hash_size);
}

static int dir_hashlimit(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_number(p, key, INT_MAX, &gen(p)->hash_limit);
}

/* LogFile on|off|/path; @def is the file "on" means. */
static int logfile_value(struct parser *p, const struct token *key, const char *def, char **dst)
{
	struct token t = take(p);
	char *s, d[64];

	switch (t.kind) {
	case TOK_PATH:
		return conf_path_value(p, &t, FILENAME_MAX_LEN, dst);
	case TOK_ON:
		s = strdup(def);
		if (!s)
			return -ENOMEM;
		free(*dst);
		*dst = s;
		return 0;
	case TOK_OFF:
		/* 1.4.7 ignored "off" after a path; off means off here */
		free(*dst);
		*dst = NULL;
		return 0;
	default:
		return conf_fail(p, &t,
				 "unexpected %s after '%.*s': expected on, off or an absolute path",
				 conf_tok_desc(&t, d, sizeof(d)), (int)key->len, key->text);
	}
}

static int dir_logfile(struct parser *p, const struct token *key, void *ctx)
{
	return logfile_value(p, key, DEFAULT_LOGFILE, &gen(p)->log_file);
}

static const struct {
	const char *name;
	int facility;
} facilities[] = {
	{ "daemon", LOG_DAEMON }, { "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

/* Syslog on|off|facility into *@dst; @other is the other section's facility. */
static int syslog_value(struct parser *p, const struct token *key, int *dst, int other)
{
	struct token t = take(p);
	char d[64];
	size_t i;

	if (t.kind == TOK_ON || t.kind == TOK_OFF) {
		*dst = t.kind == TOK_ON ? LOG_DAEMON : -1;
		return 0;
	}
	if (t.kind != TOK_STRING)
		return conf_fail(
			p, &t,
			"unexpected %s after '%.*s': expected on, off, daemon or local0-local7",
			conf_tok_desc(&t, d, sizeof(d)), (int)key->len, key->text);
	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (tok_is(&t, facilities[i].name))
			break;
	if (i == sizeof(facilities) / sizeof(facilities[0])) {
		conf_warn(p, t.line, "'%.*s' is not a known syslog facility, ignoring", (int)t.len,
			  t.text);
		return 0;
	}
	*dst = facilities[i].facility;
	if (other != -1 && other != *dst)
		conf_warn(p, t.line, "conflicting Syslog facility values, the General one is used");
	return 0;
}

static int dir_syslog(struct parser *p, const struct token *key, void *ctx)
{
	return syslog_value(p, key, &gen(p)->syslog_facility, p->conf->stats.syslog_facility);
}

static int dir_lockfile(struct parser *p, const struct token *key, void *ctx)
{
	struct token t;
	int r;

	r = conf_want(p, key, TOK_PATH, "an absolute path", &t);
	return r < 0 ? r : conf_path_value(p, &t, FILENAME_MAX_LEN, &gen(p)->lock_file);
}

static int dir_unix_path(struct parser *p, const struct token *key, void *ctx)
{
	struct token t;
	int r;

	r = conf_want(p, key, TOK_PATH, "an absolute path", &t);
	return r < 0 ? r : conf_path_value(p, &t, UNIX_PATH_MAX_LEN, &gen(p)->unix_path);
}

static int dir_unix_backlog(struct parser *p, const struct token *key, void *ctx)
{
	unsigned int v;
	int r;

	r = conf_want_number(p, key, INT_MAX, &v);
	if (r >= 0)
		conf_warn(p, key->line, "UNIX Backlog is deprecated, ignoring");
	return r;
}

static const struct directive unix_dirs[] = {
	{ .kw = KW_PATH, .fn = dir_unix_path },
	{ .kw = KW_BACKLOG, .fn = dir_unix_backlog },
};
SECTION(unix_section, "UNIX", unix_dirs);

static int dir_unix(struct parser *p, const struct token *key, void *ctx)
{
	return conf_parse_block(p, &unix_section, NULL);
}

static int dir_bufsize(struct parser *p, const struct token *key, void *ctx)
{
	unsigned int v;
	int r;

	r = conf_want_number(p, key, INT_MAX, &v);
	if (r >= 0)
		gen(p)->netlink_buffer_size = v;
	return r;
}

static int dir_bufmax(struct parser *p, const struct token *key, void *ctx)
{
	unsigned int v;
	int r;

	r = conf_want_number(p, key, INT_MAX, &v);
	if (r >= 0)
		gen(p)->netlink_buffer_max = v;
	return r;
}

static int dir_event_iter(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_number(p, key, INT_MAX, &gen(p)->event_iteration_limit);
}

static int dir_poll_secs(struct parser *p, const struct token *key, void *ctx)
{
	int r;

	r = conf_want_number(p, key, INT_MAX, &gen(p)->poll_secs);
	if (r >= 0 && gen(p)->poll_secs == 0)
		return conf_fail_at(p, key, key->line, "'PollSecs' must be greater than 0");
	return r;
}

static int dir_overrun(struct parser *p, const struct token *key, void *ctx)
{
	const struct token *t = peek(p);
	unsigned int v;
	int r;

	if (t->kind == TOK_ON || t->kind == TOK_OFF) {
		gen(p)->netlink_overrun_resync = t->kind == TOK_ON ? 30 : -1;
		take(p);
		return 0;
	}
	if (t->kind != TOK_NUMBER) {
		char d[64];

		return conf_fail(p, t, "unexpected %s after '%.*s': expected on, off or seconds",
				 conf_tok_desc(t, d, sizeof(d)), (int)key->len, key->text);
	}
	r = conf_want_number(p, key, INT_MAX, &v);
	if (r >= 0)
		gen(p)->netlink_overrun_resync = (int)v;
	return r;
}

static int dir_events_reliable(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_bool(p, key, &gen(p)->netlink_events_reliable);
}

static int dir_nice(struct parser *p, const struct token *key, void *ctx)
{
	struct token t;
	int r;

	r = conf_want(p, key, TOK_SIGNED, "a signed number such as -1", &t);
	if (r >= 0)
		conf_warn(p, key->line, "Nice is deprecated, ignoring: use nice(1) or renice(1)");
	return r;
}

static int dir_sched_type(struct parser *p, const struct token *key, void *ctx)
{
	struct token t;
	int r;

	r = conf_want(p, key, TOK_STRING, "RR or FIFO", &t);
	if (r < 0)
		return r;
	if (t.len == 2 && !strncasecmp(t.text, "rr", 2))
		gen(p)->sched_policy = SCHED_RR;
	else if (t.len == 4 && !strncasecmp(t.text, "fifo", 4))
		gen(p)->sched_policy = SCHED_FIFO;
	else
		return conf_fail(p, &t, "unknown scheduler '%.*s': expected RR or FIFO", (int)t.len,
				 t.text);
	return 0;
}

static int dir_sched_prio(struct parser *p, const struct token *key, void *ctx)
{
	unsigned int v;
	int r;

	r = conf_want_number(p, key, 99, &v);
	if (r >= 0)
		gen(p)->sched_priority = (int)v;
	return r;
}

static const struct directive sched_dirs[] = {
	{ .kw = KW_TYPE, .fn = dir_sched_type },
	{ .kw = KW_PRIORITY, .fn = dir_sched_prio },
};
SECTION(sched_section, "Scheduler", sched_dirs);

static int dir_scheduler(struct parser *p, const struct token *key, void *ctx)
{
	gen(p)->sched_given = true;
	return conf_parse_block(p, &sched_section, NULL);
}

static int dir_systemd(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_bool(p, key, &gen(p)->systemd);
}

/* ---------------------------------------------------------------- Filter */

static int accept_or_ignore(struct parser *p, const struct token *key, bool *ret_accept)
{
	struct token t = take(p);
	char d[64];

	if (!tok_is_kw(&t, KW_ACCEPT) && !tok_is_kw(&t, KW_IGNORE))
		return conf_fail(p, &t, "unexpected %s after '%.*s': expected Accept or Ignore",
				 conf_tok_desc(&t, d, sizeof(d)), (int)key->len, key->text);
	*ret_accept = tok_is_kw(&t, KW_ACCEPT);
	return conf_expect_char(p, '{', t.kw == KW_ACCEPT ? "after Accept" : "after Ignore");
}

static void add_protocol(struct parser *p, const struct token *t, const char *name)
{
	char buf[1024];
	struct protoent pe, *res = NULL;

	/* 1.4.7 asked /etc/protocols too; _r keeps us free of libc's static result */
	if (getprotobyname_r(name, &pe, buf, sizeof(buf), &res) || !res) {
		conf_warn(p, t->line, "protocol '%s' is not in /etc/protocols, ignoring", name);
		return;
	}
	p->conf->general.filter.protos[(uint8_t)res->p_proto] = 1;
}

static int dir_filter_protocol(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_filter *f = &gen(p)->filter;
	char name[64], d[64];
	bool accept;
	int r;

	r = accept_or_ignore(p, key, &accept);
	if (r < 0)
		return r;
	for (;;) {
		struct token t = take(p);

		if (tok_is_char(&t, '}'))
			break;
		if (t.kind != TOK_STRING && !tok_is_kw(&t, KW_TCP) && !tok_is_kw(&t, KW_UDP))
			return conf_fail(p, &t,
					 "unexpected %s in Protocol: expected a protocol name "
					 "such as TCP or '}'",
					 conf_tok_desc(&t, d, sizeof(d)));
		if (tok_is_kw(&t, KW_TCP) || tok_is_kw(&t, KW_UDP))
			snprintf(name, sizeof(name), "%s", t.kw == KW_TCP ? "tcp" : "udp");
		else
			conf_copy_token(name, sizeof(name), &t);
		add_protocol(p, &t, name);
	}
	f->has_proto = true;
	f->proto_accept = accept;
	return 0;
}

static bool net_equal(const struct ctf_conf_net *a, const struct ctf_conf_net *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

static int add_net(struct parser *p, const struct token *t, const struct ctf_conf_net *net,
		   const char *text)
{
	struct ctf_conf_filter *f = &gen(p)->filter;
	unsigned int full = net->family == AF_INET ? 32 : 128;
	struct ctf_conf_net *nets;
	size_t i;

	for (i = 0; i < f->n_nets; i++) {
		if (net_equal(&f->nets[i], net)) {
			conf_warn(p, t->line, "%s %s is repeated in the filter, ignoring",
				  net->prefix < full ? "network" : "address", text);
			return 0;
		}
	}
	nets = reallocarray(f->nets, f->n_nets + 1, sizeof(*nets));
	if (!nets)
		return -ENOMEM;
	f->nets = nets;
	f->nets[f->n_nets++] = *net;
	return 0;
}

/* IPv4_address|IPv6_address a[/n]; a bad one is a warning, as in 1.4.7. */
static int filter_address(struct parser *p, const struct token *key, const struct token *t)
{
	struct ctf_conf_net net = { .family = key->kw == KW_IPV4_ADDR ? AF_INET : AF_INET6 };
	unsigned int full = net.family == AF_INET ? 32 : 128;
	char text[64], *slash;
	unsigned long cidr = full;

	conf_copy_token(text, sizeof(text), t);
	slash = strchr(text, '/');
	if (slash) {
		*slash = '\0';
		errno = 0;
		cidr = strtoul(slash + 1, NULL, 10);
		if (cidr > full || errno) {
			conf_warn(p, t->line, "%s/%s is not a valid network, ignoring", text,
				  slash + 1);
			return 0;
		}
	}
	/* inet_aton as 1.4.7: it takes octal parts, 010.0.0.1 is 8.0.0.1 */
	if (net.family == AF_INET ? !inet_aton(text, &net.addr.in)
				  : inet_pton(AF_INET6, text, &net.addr.in6) != 1) {
		conf_warn(p, t->line, "%s is not a valid IPv%c address, ignoring", text,
			  net.family == AF_INET ? '4' : '6');
		return 0;
	}
	net.prefix = (uint8_t)cidr;
	return add_net(p, t, &net, text);
}

static int dir_filter_address(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_filter *f = &gen(p)->filter;
	char d[64];
	bool accept;
	int r;

	r = accept_or_ignore(p, key, &accept);
	for (; r >= 0;) {
		struct token k = take(p), t;

		if (tok_is_char(&k, '}'))
			break;
		if (!tok_is_kw(&k, KW_IPV4_ADDR) && !tok_is_kw(&k, KW_IPV6_ADDR))
			return conf_fail(p, &k,
					 "unexpected %s in Address: expected IPv4_address, "
					 "IPv6_address or '}'",
					 conf_tok_desc(&k, d, sizeof(d)));
		r = conf_want(p, &k, TOK_IP4, "an address", &t);
		if (r >= 0)
			r = filter_address(p, &k, &t);
	}
	if (r >= 0) {
		f->has_addr = true;
		f->addr_accept = accept;
	}
	return r;
}

static int tcp_state(const struct token *t)
{
	static const struct {
		enum kw kw;
		int state;
	} states[] = {
		{ KW_SYN_SENT, TCP_CONNTRACK_SYN_SENT },
		{ KW_SYN_RECV, TCP_CONNTRACK_SYN_RECV },
		{ KW_ESTABLISHED, TCP_CONNTRACK_ESTABLISHED },
		{ KW_FIN_WAIT, TCP_CONNTRACK_FIN_WAIT },
		{ KW_CLOSE_WAIT, TCP_CONNTRACK_CLOSE_WAIT },
		{ KW_LAST_ACK, TCP_CONNTRACK_LAST_ACK },
		{ KW_TIME_WAIT, TCP_CONNTRACK_TIME_WAIT },
		{ KW_CLOSE, TCP_CONNTRACK_CLOSE },
		{ KW_LISTEN, TCP_CONNTRACK_LISTEN },
	};
	size_t i;

	for (i = 0; t->kind == TOK_KW && i < sizeof(states) / sizeof(states[0]); i++)
		if (states[i].kw == t->kw)
			return states[i].state;
	return -1;
}

/* State Accept|Ignore { (STATE... for TCP)* } */
static int dir_filter_state(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_filter *f = &gen(p)->filter;
	bool accept, pending = false;
	char d[64];
	int r;

	r = accept_or_ignore(p, key, &accept);
	for (; r >= 0;) {
		struct token t = take(p);

		if (!pending && tok_is_char(&t, '}'))
			break;
		if (tcp_state(&t) >= 0) {
			f->tcp_states |= (uint16_t)(1u << tcp_state(&t));
			pending = true;
		} else if (tok_is_kw(&t, KW_FOR)) {
			struct token proto = take(p);

			if (!tok_is_kw(&proto, KW_TCP))
				return conf_fail(p, &proto,
						 "unexpected %s after 'for': expected TCP "
						 "(states are TCP only)",
						 conf_tok_desc(&proto, d, sizeof(d)));
			pending = false;
		} else {
			return conf_fail(p, &t,
					 "unexpected %s in State: expected a TCP state such as "
					 "ESTABLISHED, 'for TCP'%s",
					 conf_tok_desc(&t, d, sizeof(d)), pending ? "" : " or '}'");
		}
	}
	if (r >= 0) {
		f->has_state = true;
		f->state_accept = accept;
	}
	return r;
}

static const struct directive filter_dirs[] = {
	{ .kw = KW_PROTOCOL, .fn = dir_filter_protocol },
	{ .kw = KW_ADDRESS, .fn = dir_filter_address },
	{ .kw = KW_STATE, .fn = dir_filter_state },
};
SECTION(filter_section, "Filter", filter_dirs);

static int dir_filter(struct parser *p, const struct token *key, void *ctx)
{
	bool kernel = false;
	char d[64];
	int r;

	if (tok_is_kw(peek(p), KW_FROM)) {
		struct token from = take(p), t = take(p);

		if (!tok_is_kw(&t, KW_USERSPACE) && !tok_is_kw(&t, KW_KERNELSPACE))
			return conf_fail(p, &t,
					 "unexpected %s after '%.*s': expected Userspace or "
					 "Kernelspace",
					 conf_tok_desc(&t, d, sizeof(d)), (int)from.len, from.text);
		kernel = t.kw == KW_KERNELSPACE;
	}
	r = conf_parse_block(p, &filter_section, NULL);
	if (r >= 0)
		gen(p)->filter.kernelspace = kernel;
	return r;
}

static const struct directive general_dirs[] = {
	{ .kw = KW_HASHSIZE, .fn = dir_hashsize },
	{ .kw = KW_HASHLIMIT, .fn = dir_hashlimit },
	{ .kw = KW_LOGFILE, .fn = dir_logfile },
	{ .kw = KW_SYSLOG, .fn = dir_syslog },
	{ .kw = KW_LOCKFILE, .fn = dir_lockfile },
	{ .kw = KW_UNIX, .fn = dir_unix },
	{ .kw = KW_BUFSIZE, .fn = dir_bufsize },
	{ .kw = KW_BUFMAX, .fn = dir_bufmax },
	{ .kw = KW_EVENT_ITER, .fn = dir_event_iter },
	{ .kw = KW_POLL_SECS, .fn = dir_poll_secs },
	{ .kw = KW_FILTER, .fn = dir_filter },
	{ .kw = KW_OVERRUN_RESYNC, .fn = dir_overrun },
	{ .kw = KW_EVENTS_RELIABLE, .fn = dir_events_reliable },
	{ .kw = KW_NICE, .fn = dir_nice },
	{ .kw = KW_SCHEDULER, .fn = dir_scheduler },
	{ .kw = KW_SYSTEMD, .fn = dir_systemd },
};
SECTION(general_section, "General", general_dirs);

/* ----------------------------------------------------------------- Stats */

static int dir_stats_logfile(struct parser *p, const struct token *key, void *ctx)
{
	return logfile_value(p, key, DEFAULT_STATS_LOGFILE, &p->conf->stats.log_file);
}

static int dir_stats_syslog(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf *c = p->conf;

	return syslog_value(p, key, &c->stats.syslog_facility, c->general.syslog_facility);
}

static const struct directive stats_dirs[] = {
	{ .kw = KW_LOGFILE, .fn = dir_stats_logfile },
	{ .kw = KW_SYSLOG, .fn = dir_stats_syslog },
};
SECTION(stats_section, "Stats", stats_dirs);

int conf_general(struct parser *p)
{
	return conf_parse_block(p, &general_section, NULL);
}

int conf_stats(struct parser *p)
{
	return conf_parse_block(p, &stats_section, NULL);
}
