// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd.conf: the Sync section. Its Mode blocks and timers, its Options
 * (1.4.7's and ctflow's HA options), its dedicated links, and the checks
 * 1.4.7 only made when it opened the links.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include "conf_parse.h"

/* ------------------------------------------------------- timers and modes */

static struct ctf_conf_sync *syn(struct parser *p)
{
	return &p->conf->sync;
}

static int dir_refresh(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_number(p, key, INT_MAX, &syn(p)->refresh_time);
}

static int dir_cache_timeout(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_number(p, key, INT_MAX, &syn(p)->cache_timeout);
}

static int dir_commit_timeout(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_number(p, key, INT_MAX, &syn(p)->commit_timeout);
}

static int dir_purge(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_number(p, key, INT_MAX, &syn(p)->purge_timeout);
}

static int dir_resend_queue(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_number(p, key, INT_MAX, &syn(p)->resend_queue_size);
}

static int dir_window(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_number(p, key, INT_MAX, &syn(p)->window_size);
}

static int dir_disable_internal(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_bool(p, key, &syn(p)->disable_internal_cache);
}

static int dir_disable_external(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_bool(p, key, &syn(p)->disable_external_cache);
}

static int dir_startup_resync(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_bool(p, key, &syn(p)->startup_resync);
}

static const struct directive alarm_dirs[] = {
	{ .kw = KW_REFRESH, .fn = dir_refresh },
	{ .kw = KW_CACHE_TIMEOUT, .fn = dir_cache_timeout },
	{ .kw = KW_COMMIT_TIMEOUT, .fn = dir_commit_timeout },
	{ .kw = KW_PURGE, .fn = dir_purge },
};
SECTION(alarm_section, "Mode ALARM", alarm_dirs);

static const struct directive ftfw_dirs[] = {
	{ .kw = KW_RESEND_QUEUE, .fn = dir_resend_queue },
	{ .kw = KW_COMMIT_TIMEOUT, .fn = dir_commit_timeout },
	{ .kw = KW_PURGE, .fn = dir_purge },
	{ .kw = KW_WINDOW, .fn = dir_window },
	{ .kw = KW_DISABLE_EXTERNAL, .fn = dir_disable_external },
	{ .kw = KW_STARTUP_RESYNC, .fn = dir_startup_resync },
};
SECTION(ftfw_section, "Mode FTFW", ftfw_dirs);

static const struct directive notrack_dirs[] = {
	{ .kw = KW_COMMIT_TIMEOUT, .fn = dir_commit_timeout },
	{ .kw = KW_PURGE, .fn = dir_purge },
	{ .kw = KW_DISABLE_INTERNAL, .fn = dir_disable_internal },
	{ .kw = KW_DISABLE_EXTERNAL, .fn = dir_disable_external },
	{ .kw = KW_STARTUP_RESYNC, .fn = dir_startup_resync },
};
SECTION(notrack_section, "Mode NOTRACK", notrack_dirs);

/* Mode FTFW|ALARM|NOTRACK { }; the words are case-insensitive, NACK and PERSISTENT aliases. */
static int dir_mode(struct parser *p, const struct token *key, void *ctx)
{
	struct token t = take(p);
	const struct section *sec;
	char d[64];
	int r;

	if (t.kind == TOK_FTFW)
		sec = &ftfw_section;
	else if (t.kind == TOK_ALARM)
		sec = &alarm_section;
	else if (t.kind == TOK_NOTRACK)
		sec = &notrack_section;
	else
		return conf_fail(p, &t,
				 "unexpected %s after 'Mode': expected FTFW, ALARM or NOTRACK",
				 conf_tok_desc(&t, d, sizeof(d)));
	r = conf_parse_block(p, sec, NULL);
	if (r >= 0)
		p->mode_bits |= 1u << (sec == &ftfw_section    ? CTF_CONF_SYNC_FTFW
				       : sec == &alarm_section ? CTF_CONF_SYNC_ALARM
							       : CTF_CONF_SYNC_NOTRACK);
	return r;
}

/* ---------------------------------------------------------------- Options */

static int dir_tcp_window_tracking(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_bool(p, key, &syn(p)->tcp_window_tracking);
}

static int add_expect_helper(struct ctf_conf_sync *s, const struct token *t)
{
	char **v, *name = tok_strdup(t);

	if (!name)
		return -ENOMEM;
	v = reallocarray(s->expect_helpers, s->n_expect_helpers + 1, sizeof(*v));
	if (!v) {
		free(name);
		return -ENOMEM;
	}
	s->expect_helpers = v;
	v[s->n_expect_helpers++] = name;
	return 0;
}

/* ExpectationSync on|off|{ helper... } */
static int dir_expect_sync(struct parser *p, const struct token *key, void *ctx)
{
	const struct token *t = peek(p);
	char d[64];
	int r = 0;

	if (t->kind == TOK_ON || t->kind == TOK_OFF)
		return conf_want_bool(p, key, &syn(p)->expect_sync);
	if (!tok_is_char(t, '{'))
		return conf_fail(p, t,
				 "unexpected %s after 'ExpectationSync': expected on, off or '{'",
				 conf_tok_desc(t, d, sizeof(d)));
	take(p);
	while (r >= 0) {
		struct token h = take(p);

		if (tok_is_char(&h, '}'))
			break;
		if (h.kind != TOK_STRING)
			return conf_fail(p, &h,
					 "unexpected %s in ExpectationSync: expected a helper "
					 "name such as ftp or '}'",
					 conf_tok_desc(&h, d, sizeof(d)));
		r = add_expect_helper(syn(p), &h);
	}
	syn(p)->expect_sync = true;
	return r;
}

/*
 * ctflow's own options (doc/config-sync.md, ha-sync.md section 3). They are
 * matched as words, not added to the keyword table: a keyword would change
 * how 1.4.7's lexer classes a helper or interface name spelled the same.
 * Each is off or neutral by default, so a 1.4.7 file behaves as before.
 */
static int dir_commit_mode(struct parser *p, const struct token *key, void *ctx)
{
	struct token t;
	int r;

	r = conf_want(p, key, TOK_STRING, "Normal or Eager", &t);
	if (r < 0)
		return r;
	/* case-sensitive, as 1.4.7's keywords are */
	if (tok_is(&t, "Normal"))
		syn(p)->commit_mode = CTF_CONF_COMMIT_NORMAL;
	else if (tok_is(&t, "Eager"))
		syn(p)->commit_mode = CTF_CONF_COMMIT_EAGER;
	else
		return conf_fail(p, &t, "unknown CommitMode '%.*s': expected Normal or Eager",
				 (int)t.len, t.text);
	return 0;
}

static int dir_resync_on_restart(struct parser *p, const struct token *key, void *ctx)
{
	return conf_want_bool(p, key, &syn(p)->resync_on_peer_restart);
}

/* A number in [@min, @max], refused with the number's own line and text otherwise. */
static int want_range(struct parser *p, const struct token *key, unsigned int min, unsigned int max,
		      unsigned int *ret)
{
	struct token t = *peek(p);
	unsigned int v;
	int r;

	r = conf_want_number(p, key, max, &v);
	if (r < 0)
		return r;
	if (v < min)
		return conf_fail(p, &t, "'%.*s' value %u is too small (at least %u)", (int)key->len,
				 key->text, v, min);
	*ret = v;
	return 0;
}

static int dir_peer_dead_time(struct parser *p, const struct token *key, void *ctx)
{
	return want_range(p, key, 0, 3600, &syn(p)->peer_dead_time);
}

/* 0 would make every node "not ready" forever: refused rather than taken for off. */
static int dir_ready_peer_timeout(struct parser *p, const struct token *key, void *ctx)
{
	return want_range(p, key, 1, 3600, &syn(p)->ready_peer_timeout);
}

/*
 * Parsed, but the daemon does not act on these yet: a value other than 0
 * is refused with its line rather than silently ignored.
 */
static int want_not_yet(struct parser *p, const struct token *key, unsigned int max,
			unsigned int *ret)
{
	unsigned int v;
	int r = want_range(p, key, 0, max, &v);

	if (r < 0)
		return r;
	if (v)
		return conf_fail(p, key, "'%.*s' is not supported yet: only 0 (off) is accepted",
				 (int)key->len, key->text);
	*ret = v;
	return 0;
}

static int dir_bulk_rate(struct parser *p, const struct token *key, void *ctx)
{
	return want_not_yet(p, key, 10000000, &syn(p)->bulk_rate);
}

/* pfsync holds updates back for at most 1 s; a longer delay only adds lag. */
static int dir_max_delay(struct parser *p, const struct token *key, void *ctx)
{
	return want_not_yet(p, key, 1000, &syn(p)->max_delay_ms);
}

static int dir_external_stale_time(struct parser *p, const struct token *key, void *ctx)
{
	return want_not_yet(p, key, 365 * 86400, &syn(p)->external_stale_time);
}

/* Authenticated sync (ha-sync.md 3.6) is future work: refuse it rather than sync in clear. */
static int dir_authenticate(struct parser *p, const struct token *key, void *ctx)
{
	return conf_fail(p, key,
			 "'Authenticate' is not supported yet: authenticated sync is future work; "
			 "keep the sync link private (a dedicated link or IPsec), as with 1.4.7");
}

static const struct directive options_dirs[] = {
	{ .kw = KW_TCP_WINDOW_TRACKING, .fn = dir_tcp_window_tracking },
	{ .kw = KW_EXPECT_SYNC, .fn = dir_expect_sync },
	{ .word = "CommitMode", .fn = dir_commit_mode },
	{ .word = "ResyncOnPeerRestart", .fn = dir_resync_on_restart },
	{ .word = "PeerDeadTime", .fn = dir_peer_dead_time },
	{ .word = "ReadyPeerTimeout", .fn = dir_ready_peer_timeout },
	{ .word = "BulkRate", .fn = dir_bulk_rate },
	{ .word = "MaxDelay", .fn = dir_max_delay },
	{ .word = "ExternalStaleTime", .fn = dir_external_stale_time },
	{ .word = "Authenticate", .unlisted = true, .fn = dir_authenticate },
};
SECTION(options_section, "Options", options_dirs);

static int dir_options(struct parser *p, const struct token *key, void *ctx)
{
	return conf_parse_block(p, &options_section, NULL);
}

bool conf_sync_option_word(const struct token *t)
{
	size_t i;

	for (i = 0; i < options_section.n_dirs; i++)
		if (options_dirs[i].word && !options_dirs[i].unlisted &&
		    tok_is(t, options_dirs[i].word))
			return true;
	return false;
}

/* --------------------------------------------------------------- channels */

static const char *const channel_names[] = { "Multicast", "UDP", "TCP" };

/* 1.4.7 checks the channel count on every option of the fifth channel. */
static int links_full(struct parser *p, const struct token *key)
{
	if (syn(p)->n_channels < CTF_CONF_MAX_CHANNELS)
		return 0;
	return conf_fail(p, key,
			 "too many dedicated links: at most %d Multicast, UDP or TCP sections",
			 CTF_CONF_MAX_CHANNELS);
}

static bool mcast_mixes(const struct ctf_conf_channel *ch, int family)
{
	return ch->type == CTF_CONF_CHANNEL_MCAST && ch->family && ch->family != family;
}

/*
 * An address option of a channel. A malformed address is a warning (1.4.7
 * went on without it); an IPv6 address in an IPv4 multicast link or the
 * reverse is an error, as 1.4.7 wrote one over the other and then failed.
 */
static int channel_addr(struct parser *p, const struct token *key, struct ctf_conf_channel *ch,
			int family, union ctf_addr *dst)
{
	union ctf_addr a = { 0 };
	struct token t;
	char text[64];
	int r;

	/* the link count is checked once the whole option is read, as 1.4.7's actions did */
	r = conf_want(p, key, TOK_IP4, "an address", &t);
	if (r >= 0)
		r = links_full(p, key);
	if (r < 0)
		return r;
	conf_copy_token(text, sizeof(text), &t);
	if (family == AF_INET ? !inet_aton(text, &a.in) : inet_pton(AF_INET6, text, &a.in6) != 1) {
		conf_warn(p, t.line, "%s is not a valid IPv%c address, ignoring", text,
			  family == AF_INET ? '4' : '6');
		return 0;
	}
	if (mcast_mixes(ch, family))
		return conf_fail(p, &t, "'%.*s' %s: this Multicast link is already IPv%c",
				 (int)key->len, key->text, text, family == AF_INET ? '6' : '4');
	*dst = a;
	ch->family = (uint8_t)family;
	return 0;
}

static int dir_ch_ipv4(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;

	return channel_addr(p, key, ch, AF_INET, &ch->addr);
}

static int dir_ch_ipv6(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;

	return channel_addr(p, key, ch, AF_INET6, &ch->addr);
}

static int dir_ch_ipv4_iface(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;

	return channel_addr(p, key, ch, AF_INET, &ch->ifaddr);
}

static int dir_ch_ipv4_dest(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;

	return channel_addr(p, key, ch, AF_INET, &ch->dest);
}

static int dir_ch_ipv6_dest(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;

	return channel_addr(p, key, ch, AF_INET6, &ch->dest);
}

static int dir_ch_ipv6_iface(struct parser *p, const struct token *key, void *ctx)
{
	struct token t;
	int r;

	r = conf_want(p, key, TOK_IP4, "an address", &t);
	if (r >= 0)
		conf_warn(p, key->line, "IPv6_interface is not needed, ignoring");
	return r;
}

static int dir_ch_iface(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;
	struct token t;
	int r;

	r = conf_want(p, key, TOK_STRING, "an interface name", &t);
	if (r >= 0)
		r = links_full(p, key);
	if (r < 0)
		return r;
	/* 1.4.7 truncated to IFNAMSIZ without a terminator: such a name never worked */
	if (t.len >= IFNAMSIZ)
		return conf_fail(p, &t, "interface name '%.*s' is too long (at most %d bytes)",
				 (int)t.len, t.text, IFNAMSIZ - 1);
	return conf_set_string(&ch->ifname, &t);
}

/* Group (Multicast) and Port (UDP, TCP): 1.4.7 truncated values over 65535. */
static int dir_ch_port(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;
	unsigned int v;
	int r;

	r = conf_want_number(p, key, 65535, &v);
	if (r >= 0)
		r = links_full(p, key);
	if (r >= 0)
		ch->port = (uint16_t)v;
	return r;
}

static int dir_ch_sndbuf(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;
	int r = conf_want_number(p, key, INT_MAX, &ch->sndbuf);

	return r < 0 ? r : links_full(p, key);
}

static int dir_ch_rcvbuf(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;
	int r = conf_want_number(p, key, INT_MAX, &ch->rcvbuf);

	return r < 0 ? r : links_full(p, key);
}

static int dir_ch_checksum(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel *ch = ctx;
	int r = conf_want_bool(p, key, &ch->checksum);

	return r < 0 ? r : links_full(p, key);
}

static int dir_ch_error_queue(struct parser *p, const struct token *key, void *ctx)
{
	int r = conf_want_number(p, key, INT_MAX, &syn(p)->error_queue_length);

	return r < 0 ? r : links_full(p, key);
}

static const struct directive mcast_dirs[] = {
	{ .kw = KW_IPV4_ADDR, .fn = dir_ch_ipv4 },
	{ .kw = KW_IPV6_ADDR, .fn = dir_ch_ipv6 },
	{ .kw = KW_IPV4_IFACE, .fn = dir_ch_ipv4_iface },
	{ .kw = KW_IPV6_IFACE, .fn = dir_ch_ipv6_iface },
	{ .kw = KW_IFACE, .fn = dir_ch_iface },
	{ .kw = KW_GROUP, .fn = dir_ch_port },
	{ .kw = KW_SNDBUF, .fn = dir_ch_sndbuf },
	{ .kw = KW_RCVBUF, .fn = dir_ch_rcvbuf },
	{ .kw = KW_CHECKSUM, .fn = dir_ch_checksum },
};
SECTION(mcast_section, "Multicast", mcast_dirs);

#define UDP_DIRS                                                                              \
	{ .kw = KW_IPV4_ADDR, .fn = dir_ch_ipv4 }, { .kw = KW_IPV6_ADDR, .fn = dir_ch_ipv6 }, \
		{ .kw = KW_IPV4_DEST, .fn = dir_ch_ipv4_dest },                               \
		{ .kw = KW_IPV6_DEST, .fn = dir_ch_ipv6_dest },                               \
		{ .kw = KW_IFACE, .fn = dir_ch_iface }, { .kw = KW_PORT, .fn = dir_ch_port }, \
		{ .kw = KW_SNDBUF, .fn = dir_ch_sndbuf },                                     \
		{ .kw = KW_RCVBUF, .fn = dir_ch_rcvbuf },                                     \
	{                                                                                     \
		.kw = KW_CHECKSUM, .fn = dir_ch_checksum                                      \
	}

static const struct directive udp_dirs[] = { UDP_DIRS };
SECTION(udp_section, "UDP", udp_dirs);

static const struct directive tcp_dirs[] = {
	UDP_DIRS,
	{ .kw = KW_ERROR_QUEUE, .fn = dir_ch_error_queue },
};
SECTION(tcp_section, "TCP", tcp_dirs);

static int add_channel(struct parser *p, struct ctf_conf_channel *ch, const struct token *key)
{
	struct ctf_conf_sync *s = syn(p);

	if (p->channel_type_set && p->channel_type != ch->type)
		return conf_fail(p, key,
				 "cannot use '%s' with other dedicated link protocols: "
				 "all links must be %s",
				 channel_names[ch->type], channel_names[p->channel_type]);
	/* 1.4.7 wrote an empty fifth link past the end of its table */
	if (s->n_channels >= CTF_CONF_MAX_CHANNELS)
		return links_full(p, key);
	p->channel_type_set = true;
	p->channel_type = ch->type;
	if (ch->is_default)
		s->default_channel = s->n_channels;
	s->channels[s->n_channels++] = *ch;
	return 0;
}

static int dir_channel(struct parser *p, const struct token *key, void *ctx)
{
	struct ctf_conf_channel ch = { .line = key->line, .checksum = true };
	const struct section *sec;
	int r;

	ch.type = key->kw == KW_MULTICAST ? CTF_CONF_CHANNEL_MCAST
		  : key->kw == KW_UDP	  ? CTF_CONF_CHANNEL_UDP
					  : CTF_CONF_CHANNEL_TCP;
	sec = ch.type == CTF_CONF_CHANNEL_MCAST ? &mcast_section
	      : ch.type == CTF_CONF_CHANNEL_UDP ? &udp_section
						: &tcp_section;
	if (tok_is_kw(peek(p), KW_DEFAULT)) {
		take(p);
		ch.is_default = true;
	}
	r = conf_parse_block(p, sec, &ch);
	if (r >= 0)
		r = add_channel(p, &ch, key);
	if (r < 0)
		free(ch.ifname);
	return r;
}

static const struct directive sync_dirs[] = {
	{ .kw = KW_REFRESH, .fn = dir_refresh },
	{ .kw = KW_CACHE_TIMEOUT, .fn = dir_cache_timeout },
	{ .kw = KW_COMMIT_TIMEOUT, .fn = dir_commit_timeout },
	{ .kw = KW_PURGE, .fn = dir_purge },
	{ .kw = KW_MULTICAST, .fn = dir_channel },
	{ .kw = KW_UDP, .fn = dir_channel },
	{ .kw = KW_TCP, .fn = dir_channel },
	{ .kw = KW_MODE, .fn = dir_mode },
	{ .kw = KW_OPTIONS, .fn = dir_options },
};
SECTION(sync_section, "Sync", sync_dirs);

/* ----------------------------------------------- checks once it is all read */

/*
 * What 1.4.7 refused only when it opened its links ("can't open channel
 * socket"), decided by the file alone: no link, a link without Interface, a
 * link without an address family, a multicast link without its group.
 */
static int check_channel(struct parser *p, const struct ctf_conf_channel *ch)
{
	const char *name = channel_names[ch->type];
	static const union ctf_addr zero;

	if (!ch->ifname)
		return conf_fail_at(p, NULL, ch->line, "the %s link needs an Interface", name);
	if (!ch->family)
		return conf_fail_at(
			p, NULL, ch->line, "the %s link needs an address: %s", name,
			ch->type == CTF_CONF_CHANNEL_MCAST
				? "IPv4_address or IPv6_address (the group)"
				: "IPv4_address, IPv6_address or a Destination_Address");
	if (ch->type != CTF_CONF_CHANNEL_MCAST)
		return 0;
	if (!memcmp(&ch->addr, &zero, sizeof(zero)))
		return conf_fail_at(
			p, NULL, ch->line,
			"the Multicast link needs its group: IPv4_address or IPv6_address");
	/* the kernel refuses to join anything else (EINVAL at start-up in 1.4.7) */
	if (ch->family == AF_INET ? !IN_MULTICAST(ntohl(ch->addr.ip))
				  : !IN6_IS_ADDR_MULTICAST(&ch->addr.in6))
		return conf_fail_at(p, NULL, ch->line,
				    "the Multicast link's group is not a multicast "
				    "address (224.0.0.0/4 or ff00::/8)");
	return 0;
}

int conf_sync_finish(struct parser *p)
{
	struct ctf_conf_sync *s = &p->conf->sync;
	size_t i;
	int r;

	if (!(p->mode_bits & (1u << CTF_CONF_SYNC_FTFW)) && p->mode_bits)
		s->mode = p->mode_bits & (1u << CTF_CONF_SYNC_ALARM) ? CTF_CONF_SYNC_ALARM
								     : CTF_CONF_SYNC_NOTRACK;
	s->mode_given = p->mode_bits != 0;
	if (!s->mode_given)
		conf_warn(p, p->sync_line, "no synchronization Mode given, using FTFW");
	if (s->commit_timeout && s->disable_external_cache) {
		conf_warn(p, p->sync_line,
			  "CommitTimeout cannot be combined with "
			  "DisableExternalCache, ignoring CommitTimeout");
		s->commit_timeout = 0;
	}
	if (!s->n_channels)
		return conf_fail_at(p, NULL, p->sync_line,
				    "Sync needs a dedicated link: a Multicast, "
				    "UDP or TCP section");
	for (i = 0; i < s->n_channels; i++) {
		r = check_channel(p, &s->channels[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

int conf_sync(struct parser *p)
{
	return conf_parse_block(p, &sync_section, NULL);
}
