// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack CLI: the argument parser, reproducing conntrack-tools 1.4.7's rules. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include <ctflow/labels.h>

#include "conntrack.h"

/* Long-only options of ours; outside every protocol's offset range. */
enum {
	LONG_LABELMAP = 200,
	LONG_NETNS = 201,
};

#define OPTION_OFFSET 256

static const struct option base_opts[] = {
	{ "dump", 2, NULL, 'L' },
	{ "create", 2, NULL, 'I' },
	{ "add", 2, NULL, 'A' },
	{ "delete", 2, NULL, 'D' },
	{ "update", 2, NULL, 'U' },
	{ "get", 2, NULL, 'G' },
	{ "flush", 2, NULL, 'F' },
	{ "event", 2, NULL, 'E' },
	{ "counter", 2, NULL, 'C' },
	{ "stats", 0, NULL, 'S' },
	{ "version", 0, NULL, 'V' },
	{ "help", 0, NULL, 'h' },
	{ "orig-src", 1, NULL, 's' },
	{ "src", 1, NULL, 's' },
	{ "orig-dst", 1, NULL, 'd' },
	{ "dst", 1, NULL, 'd' },
	{ "reply-src", 1, NULL, 'r' },
	{ "reply-dst", 1, NULL, 'q' },
	{ "protonum", 1, NULL, 'p' },
	{ "timeout", 1, NULL, 't' },
	{ "status", 1, NULL, 'u' },
	{ "zero", 0, NULL, 'z' },
	{ "event-mask", 1, NULL, 'e' },
	{ "tuple-src", 1, NULL, '[' },
	{ "tuple-dst", 1, NULL, ']' },
	{ "mask-src", 1, NULL, '{' },
	{ "mask-dst", 1, NULL, '}' },
	{ "nat-range", 1, NULL, 'a' },
	{ "mark", 1, NULL, 'm' },
	{ "secmark", 1, NULL, 'c' },
	/* 1.4.7 made the argument optional and then crashed without one. */
	{ "id", 1, NULL, 'i' },
	{ "family", 1, NULL, 'f' },
	{ "src-nat", 2, NULL, 'n' },
	{ "dst-nat", 2, NULL, 'g' },
	{ "output", 1, NULL, 'o' },
	{ "buffer-size", 1, NULL, 'b' },
	{ "any-nat", 2, NULL, 'j' },
	{ "zone", 1, NULL, 'w' },
	{ "label", 1, NULL, 'l' },
	{ "labelmap", 1, NULL, LONG_LABELMAP },
	{ "label-add", 1, NULL, '<' },
	{ "label-del", 2, NULL, '>' },
	{ "orig-zone", 1, NULL, '(' },
	{ "reply-zone", 1, NULL, ')' },
	{ "netns", 1, NULL, LONG_NETNS },
	{ NULL, 0, NULL, 0 },
};

static const char getopt_str[] = ":L::I::U::D::G::E::F::A::hVs:d:r:q:"
				 "p:t:u:e:a:z[:]:{:}:m:i:f:o:n::"
				 "g::c:b:C::Sj::w:l:<:>::(:):";

/* Legality of each option per command: 0 illegal, 1 mandatory, 2 optional, 3 pair. */
/* clang-format off */
static const char commands_v_options[CT_NUMBER_OF_CMD + 1][CT_NUMBER_OF_OPT] = {
	/*                   s d r q p t u z e [ ] { } a m i f n g o c b j w l < > ( ) M */
	[CT_LIST_BIT]     = { 2,2,2,2,2,0,2,2,0,0,0,2,2,0,2,0,2,2,2,2,2,0,2,2,2,0,0,2,2,2 },
	[CT_CREATE_BIT]   = { 3,3,3,3,1,1,2,0,0,0,0,0,0,2,2,0,0,2,2,0,0,0,0,2,0,2,0,2,2,0 },
	[CT_UPDATE_BIT]   = { 2,2,2,2,2,2,2,0,0,0,0,2,2,0,2,2,2,2,2,2,0,0,0,0,2,2,2,0,0,2 },
	[CT_DELETE_BIT]   = { 2,2,2,2,2,2,2,0,0,0,0,2,2,0,2,2,2,2,2,2,0,0,0,2,2,0,0,2,2,2 },
	[CT_GET_BIT]      = { 3,3,3,3,1,0,0,0,0,0,0,0,0,0,0,2,0,0,0,2,0,0,0,0,2,0,0,0,0,0 },
	[CT_FLUSH_BIT]    = { 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0 },
	[CT_EVENT_BIT]    = { 2,2,2,2,2,0,0,0,2,0,0,2,2,0,2,0,2,2,2,2,2,2,2,2,2,0,0,2,2,2 },
	[CT_HELP_BIT]     = { 0,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 },
	[EXP_LIST_BIT]    = { 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,2,0,0,0,0,0,0,0,0,0,0 },
	[EXP_CREATE_BIT]  = { 1,1,2,2,1,1,2,0,0,1,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 },
	[EXP_DELETE_BIT]  = { 1,1,2,2,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 },
	[EXP_GET_BIT]     = { 1,1,2,2,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 },
	[EXP_EVENT_BIT]   = { 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0,0 },
	[CT_ADD_BIT]      = { 3,3,3,3,1,1,2,0,0,0,0,0,0,2,2,0,0,2,2,0,0,0,0,2,0,2,0,2,2,0 },
};
/* clang-format on */

static const char *const optflags[CT_NUMBER_OF_OPT] = {
	"src",	    "dst",	 "reply-src",  "reply-dst",   "protonum",   "timeout",
	"status",   "zero",	 "event-mask", "tuple-src",   "tuple-dst",  "mask-src",
	"mask-dst", "nat-range", "mark",       "id",	      "family",	    "src-nat",
	"dst-nat",  "output",	 "secmark",    "buffer-size", "any-nat",    "zone",
	"label",    "label-add", "label-del",  "orig-zone",   "reply-zone", "labelmap",
};

/* Parser state that 1.4.7 kept in globals and locals of do_parse(). */
struct parser {
	struct ct_cmd *cmd;
	struct ct_err *err;
	FILE *warn;
	int argc;
	char **argv;
	struct option *opts; /* the base options plus every -p handler's */
	unsigned int nopts;
	unsigned int proto_offset;
	uint32_t status;		/* -u accumulates */
	struct ct_parse_shared *shared; /* load files: state of the earlier lines */
};

static const char *get_long_opt(const struct parser *ps, int val)
{
	unsigned int i;

	for (i = 0; ps->opts[i].name; i++)
		if (ps->opts[i].val == val)
			return ps->opts[i].name;
	return "unknown";
}

static int fail(struct parser *ps, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *ps, int status, const char *fmt, ...)
{
	va_list ap;

	ps->err->status = status;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static void warn(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (!ps->warn)
		return;
	va_start(ap, fmt);
	vfprintf(ps->warn, fmt, ap);
	va_end(ap);
}

/* The word after a command or -n/-g/-j/--label-del, unless it looks like an option. */
static char *get_optional_arg(struct parser *ps)
{
	if (optarg)
		return NULL;
	if (optind < ps->argc && ps->argv[optind][0] != '-' && ps->argv[optind][0] != '!')
		return ps->argv[optind++];
	return NULL;
}

static int check_type(struct parser *ps, unsigned int *ret_table)
{
	static const char *const names[] = { "expect", "conntrack", "dying", "unconfirmed" };
	static const unsigned int tables[] = { CT_TABLE_EXPECT, CT_TABLE_CONNTRACK, CT_TABLE_DYING,
					       CT_TABLE_UNCONFIRMED };
	const char *table = get_optional_arg(ps);
	unsigned int i;

	*ret_table = CT_TABLE_CONNTRACK;
	if (!table)
		return 0;
	/* Any prefix selects, the empty word included. */
	for (i = 0; i < 4; i++) {
		if (strncmp(names[i], table, strlen(table)) == 0) {
			*ret_table = tables[i];
			return 0;
		}
	}
	return fail(ps, CT_PARAMETER_PROBLEM, "unknown type `%s'", table);
}

static int add_command(struct parser *ps, unsigned int bit)
{
	if (ps->cmd->command)
		return fail(ps, CT_PARAMETER_PROBLEM, "Invalid commands combination");
	ps->cmd->command = CT_CMD(bit);
	return 0;
}

static int parse_command(struct parser *ps, int c)
{
	static const struct {
		char c;
		int ct, exp;
	} map[] = {
		{ 'L', CT_LIST_BIT, EXP_LIST_BIT },
		{ 'I', CT_CREATE_BIT, EXP_CREATE_BIT },
		{ 'D', CT_DELETE_BIT, EXP_DELETE_BIT },
		{ 'G', CT_GET_BIT, EXP_GET_BIT },
		{ 'F', CT_FLUSH_BIT, EXP_FLUSH_BIT },
		{ 'E', CT_EVENT_BIT, EXP_EVENT_BIT },
		{ 'V', CT_VERSION_BIT, CT_VERSION_BIT },
		{ 'h', CT_HELP_BIT, CT_HELP_BIT },
		{ 'C', CT_COUNT_BIT, EXP_COUNT_BIT },
		{ 'S', CT_STATS_BIT, EXP_STATS_BIT },
		{ 'U', CT_UPDATE_BIT, -1 },
		{ 'A', CT_ADD_BIT, -1 },
	};
	unsigned int table, i;
	int bit;

	for (i = 0; map[i].c != c; i++)
		;
	if (check_type(ps, &table) < 0)
		return -1;
	ps->cmd->table = table;
	if (table == CT_TABLE_DYING || table == CT_TABLE_UNCONFIRMED) {
		if (c == 'L')
			return add_command(ps, CT_LIST_BIT);
		return fail(ps, CT_PARAMETER_PROBLEM,
			    "Can't do that command with tables `dying' and `unconfirmed'");
	}
	bit = table == CT_TABLE_EXPECT ? map[i].exp : map[i].ct;
	if (bit < 0)
		return fail(ps, CT_PARAMETER_PROBLEM, "Can't do --%s on %s", get_long_opt(ps, c),
			    table == CT_TABLE_CONNTRACK ? "conntrack" : "expectations");
	return add_command(ps, (unsigned int)bit);
}

static int set_family(struct parser *ps, int family)
{
	if (ps->cmd->family == AF_UNSPEC)
		ps->cmd->family = family;
	else if (ps->cmd->family != family)
		return fail(ps, CT_PARAMETER_PROBLEM, "mismatched address family");
	return 0;
}

/* inet_aton() first, so "1.2" and friends are IPv4, as in 1.4.7. */
static int parse_inetaddr(const char *s, union ctf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_aton(s, &a->in))
		return AF_INET;
	if (inet_pton(AF_INET6, s, &a->in6) > 0)
		return AF_INET6;
	return AF_UNSPEC;
}

/* snprintf(buf, size, "%s", s) without the printf machinery (hot in -R). */
static void copy_trunc(char *buf, size_t size, const char *s)
{
	size_t n = strnlen(s, size - 1);

	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* Address plus optional "/prefix": *ret_mask is -1 without one, -2 when invalid. */
static int parse_addr(const char *arg, union ctf_addr *a, int *ret_mask)
{
	char buf[INET6_ADDRSTRLEN], *slash, *end;
	int family;
	long m;

	copy_trunc(buf, sizeof(buf), arg);
	*ret_mask = -1;
	slash = strchr(buf, '/');
	if (slash) {
		errno = 0;
		m = strtol(slash + 1, &end, 10);
		*ret_mask = (m < 0 || m > INT_MAX || end != slash + strlen(slash)) ? -2 : (int)m;
		*slash = '\0';
	}
	family = parse_inetaddr(buf, a);
	if (family == AF_INET && *ret_mask > 32)
		*ret_mask = -2;
	else if (family == AF_INET6 && *ret_mask > 128)
		*ret_mask = -2;
	return family;
}

/* Store an address option into the template; @c is the option letter. */
static void tmpl_set_addr(struct ct_cmd *cmd, int c, const union ctf_addr *a, int family)
{
	struct ct_tmpl *t = &cmd->tmpl;

	switch (c) {
	case 's':
		t->orig_src = *a;
		t->set |= T_ORIG_SRC | T_ORIG_L3;
		t->orig_l3 = (uint8_t)family;
		cmd->options |= CT_OPT(CT_OPT_ORIG_SRC_BIT);
		break;
	case 'd':
		t->orig_dst = *a;
		t->set |= T_ORIG_DST | T_ORIG_L3;
		t->orig_l3 = (uint8_t)family;
		cmd->options |= CT_OPT(CT_OPT_ORIG_DST_BIT);
		break;
	case '[': /* --tuple-src/--tuple-dst fill the expected tuple, not the conntrack */
		t->exp.src = *a;
		t->exp.l3 = (uint8_t)family;
		cmd->options |= CT_OPT(CT_OPT_EXP_SRC_BIT);
		break;
	case ']':
		t->exp.dst = *a;
		t->exp.l3 = (uint8_t)family;
		cmd->options |= CT_OPT(CT_OPT_EXP_DST_BIT);
		break;
	case 'r':
		t->repl_src = *a;
		t->set |= T_REPL_SRC | T_REPL_L3;
		t->repl_l3 = (uint8_t)family;
		cmd->options |= CT_OPT(CT_OPT_REPL_SRC_BIT);
		break;
	case 'q':
		t->repl_dst = *a;
		t->set |= T_REPL_DST | T_REPL_L3;
		t->repl_l3 = (uint8_t)family;
		cmd->options |= CT_OPT(CT_OPT_REPL_DST_BIT);
		break;
	case '{':
		t->mask_src = *a;
		t->has_mask_src = true;
		t->mask.l3 = (uint8_t)family;
		cmd->options |= CT_OPT(CT_OPT_MASK_SRC_BIT);
		break;
	case '}':
		t->mask_dst = *a;
		t->has_mask_dst = true;
		t->mask.l3 = (uint8_t)family;
		cmd->options |= CT_OPT(CT_OPT_MASK_DST_BIT);
		break;
	case 'n':
	case 'g':
		t->set |= T_ORIG_L3;
		t->orig_l3 = (uint8_t)family;
		cmd->options |= CT_OPT(c == 'n' ? CT_OPT_SRC_NAT_BIT : CT_OPT_DST_NAT_BIT);
		break;
	case 'j':
		/* 1.4.7 has no attribute for -j and writes the family into the orig source. */
		cmd->any_nat_poison = true;
		cmd->options |= CT_OPT(CT_OPT_ANY_NAT_BIT);
		break;
	}
}

static int mask_opt(int c)
{
	switch (c) {
	case 's':
	case '[':
		return '{';
	case 'd':
	case ']':
		return '}';
	default:
		return 0;
	}
}

static int parse_addr_opt(struct parser *ps, int c, const char *arg, bool with_mask)
{
	union ctf_addr a;
	int family, mask, maskopt = mask_opt(c);

	family = parse_addr(arg, &a, &mask);
	if (family == AF_UNSPEC)
		return fail(ps, CT_PARAMETER_PROBLEM, "Invalid IP address `%s'", arg);
	if (set_family(ps, family) < 0)
		return -1;
	if (mask != -1 && !maskopt)
		return fail(ps, CT_PARAMETER_PROBLEM, "CIDR notation unavailable for `--%s'",
			    get_long_opt(ps, c));
	if (mask == -2)
		return fail(ps, CT_PARAMETER_PROBLEM, "Invalid netmask");
	tmpl_set_addr(ps->cmd, c, &a, family);
	if (mask == -1 || !with_mask || mask == (family == AF_INET ? 32 : 128))
		return 0;
	ctf_filter_prefix_mask((uint8_t)family, (unsigned int)mask, &a);
	tmpl_set_addr(ps->cmd, maskopt, &a, family);
	return 0;
}

static bool valid_port(const char *s)
{
	const char *p;

	if (!*s)
		return false;
	for (p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return strlen(s) <= 5 && strtol(s, NULL, 10) <= 65535;
}

/* "IP", "IP:PORT" or "[IPv6]:PORT" for -n/-g/-j; writes the address part to @addr. */
static int split_nat(struct parser *ps, const char *arg, char *addr, size_t len,
		     const char **ret_port)
{
	const char *open = strchr(arg, '['), *close, *colon = NULL;

	*ret_port = NULL;
	copy_trunc(addr, len, arg);
	if (open) {
		close = strchr(open + 1, ']');
		if (close == open + 1)
			return fail(ps, CT_PARAMETER_PROBLEM, "No IPv6 address specified");
		if (!close)
			return fail(ps, CT_PARAMETER_PROBLEM, "No closing ']' around IPv6 address");
		colon = strchr(close, ':');
		if (colon)
			snprintf(addr, len, "%.*s", (int)(close - open - 1), open + 1);
	} else {
		colon = strchr(arg, ':');
		if (colon && !strchr(colon + 1, ':'))
			snprintf(addr, len, "%.*s", (int)(colon - arg), arg);
		else
			colon = NULL;
	}
	if (!colon)
		return 0;
	if (!colon[1])
		return fail(ps, CT_PARAMETER_PROBLEM, "No port specified after `:'");
	if (!valid_port(colon + 1))
		return fail(ps, CT_PARAMETER_PROBLEM, "Invalid port `%s'", colon + 1);
	*ret_port = colon + 1;
	return 0;
}

static void set_nat(struct ct_cmd *cmd, int c, const union ctf_addr *a, const char *port)
{
	struct ct_tmpl *t = &cmd->tmpl;

	if (c == 'n' || c == 'j') {
		t->snat = *a;
		t->set |= T_SNAT;
		if (port) {
			t->snat_port = (uint16_t)atoi(port);
			t->set |= T_SNAT_PORT;
		}
	}
	if (c == 'g' || c == 'j') {
		t->dnat = *a;
		t->set |= T_DNAT;
		if (port) {
			t->dnat_port = (uint16_t)atoi(port);
			t->set |= T_DNAT_PORT;
		}
	}
}

static int parse_nat(struct parser *ps, int c)
{
	char addr[256];
	const char *port, *arg;
	union ctf_addr a;

	ps->cmd->options |= CT_OPT(c == 'n'   ? CT_OPT_SRC_NAT_BIT
				   : c == 'g' ? CT_OPT_DST_NAT_BIT
					      : CT_OPT_ANY_NAT_BIT);
	arg = get_optional_arg(ps);
	if (!arg)
		return 0;
	if (split_nat(ps, arg, addr, sizeof(addr), &port) < 0)
		return -1;
	if (parse_addr_opt(ps, c, addr, false) < 0)
		return -1;
	parse_inetaddr(addr, &a);
	set_nat(ps->cmd, c, &a, port);
	return 0;
}

enum { PARSE_STATUS, PARSE_EVENT, PARSE_OUTPUT };

static const struct {
	const char *name[9];
	unsigned int value[9];
	unsigned int n;
} keywords[] = {
	[PARSE_STATUS] = { { "ASSURED", "SEEN_REPLY", "UNSET", "FIXED_TIMEOUT", "EXPECTED",
			     "OFFLOAD", "HW_OFFLOAD" },
			   { 1U << 2, 1U << 1, 0, 1U << 10, 1U << 0, 1U << 14, 1U << 15 },
			   7 },
	[PARSE_EVENT] = { { "ALL", "NEW", "UPDATES", "DESTROY" }, { 7, 1, 2, 4 }, 4 },
	[PARSE_OUTPUT] = { { "xml", "extended", "timestamp", "id", "ktimestamp", "labels",
			     "userspace", "save", "json" },
			   { CT_O_XML, CT_O_EXT, CT_O_TMS, CT_O_ID, CT_O_KTMS, CT_O_CL, 0,
			     CT_O_SAVE, CT_O_JSON },
			   9 },
};

/* One keyword by case-insensitive prefix; the NAT words are warned about and dropped. */
static bool parse_keyword(struct parser *ps, const char *s, size_t len, unsigned int *value,
			  int type)
{
	unsigned int i;

	if (strncasecmp(s, "SRC_NAT", len) == 0) {
		warn(ps, "WARNING: ignoring SRC_NAT, use --src-nat instead\n");
		return true;
	}
	if (strncasecmp(s, "DST_NAT", len) == 0) {
		warn(ps, "WARNING: ignoring DST_NAT, use --dst-nat instead\n");
		return true;
	}
	for (i = 0; i < keywords[type].n; i++) {
		if (strncasecmp(s, keywords[type].name[i], len) == 0) {
			*value |= keywords[type].value[i];
			return true;
		}
	}
	return false;
}

static int parse_list(struct parser *ps, const char *arg, unsigned int *value, int type)
{
	const char *comma;

	while ((comma = strchr(arg, ',')) != NULL) {
		if (comma == arg || !parse_keyword(ps, arg, (size_t)(comma - arg), value, type))
			return fail(ps, CT_PARAMETER_PROBLEM, "Bad parameter `%s'", arg);
		arg = comma + 1;
	}
	if (!*arg || !parse_keyword(ps, arg, strlen(arg), value, type))
		return fail(ps, CT_PARAMETER_PROBLEM, "Bad parameter `%s'", arg);
	return 0;
}

/* -u: "!X" puts X in the mask only, "UNREPLIED" means !SEEN_REPLY. */
static int parse_status_token(struct parser *ps, const char **argp, size_t len, bool last,
			      unsigned int *status, unsigned int *mask)
{
	const char *arg = *argp;
	bool negated = *arg == '!';

	if (negated) {
		arg++;
		len--;
	}
	*argp = arg;
	if (!last && len == 0)
		return fail(ps, CT_PARAMETER_PROBLEM, "Bad parameter `%s'", arg);
	if (!negated && strncmp(arg, "UNREPLIED", 9) == 0) {
		*mask |= 1U << 1;
		return 0;
	}
	if ((last && len == 0) ||
	    !parse_keyword(ps, arg, len, negated ? mask : status, PARSE_STATUS))
		return fail(ps, CT_PARAMETER_PROBLEM, "Bad parameter `%s'", arg);
	return 0;
}

static int parse_status(struct parser *ps, const char *arg, unsigned int *status,
			unsigned int *mask)
{
	const char *comma;

	while ((comma = strchr(arg, ',')) != NULL) {
		if (comma == arg)
			return fail(ps, CT_PARAMETER_PROBLEM, "Bad parameter `%s'", arg);
		if (parse_status_token(ps, &arg, (size_t)(comma - arg), false, status, mask) < 0)
			return -1;
		arg = comma + 1;
	}
	return parse_status_token(ps, &arg, strlen(arg), true, status, mask);
}

static void labelmap_init(struct parser *ps)
{
	struct ct_cmd *cmd = ps->cmd;
	struct ctf_labelmap **map = ps->shared ? &ps->shared->labelmap : &cmd->labelmap;
	int r;

	/* 1.4.7 keeps a map once loaded, and retries (and warns) while it has none */
	if (!*map) {
		r = ctf_labelmap_load(map, cmd->labelmap_path);
		if (r < 0) {
			*map = NULL;
			warn(ps, "nfct_labelmap_new: %s\n", strerror(-r));
		}
	}
	if (ps->shared) {
		cmd->labelmap = *map;
		cmd->labelmap_borrowed = true;
	}
}

static int parse_labels(struct parser *ps, char *arg, struct ct_labels *out)
{
	struct ct_labels l = { .set = true };
	char *name = arg, *comma;
	int bit;

	/* Split on every comma, so empty names are reported as unknown labels. */
	for (;;) {
		comma = strchr(name, ',');
		if (comma)
			*comma = '\0';
		bit = ps->cmd->labelmap ? ctf_labelmap_bit(ps->cmd->labelmap, name) : -ENOENT;
		if (bit < 0 || bit >= CTF_LABELS_LEN * 8)
			return fail(ps, CT_PARAMETER_PROBLEM, "unknown label '%s'", name);
		l.bits[bit / 8] |= (uint8_t)(1U << (bit % 8));
		if ((unsigned int)bit > l.maxbit)
			l.maxbit = (unsigned int)bit;
		if (!comma)
			break;
		name = comma + 1;
	}
	/* "-l a -l b" joins into one bitmap. */
	for (bit = 0; bit < CTF_LABELS_LEN; bit++)
		out->bits[bit] |= l.bits[bit];
	if (!out->set || l.maxbit > out->maxbit)
		out->maxbit = l.maxbit;
	out->set = true;
	return 0;
}

static int parse_label_opt(struct parser *ps, int c)
{
	struct ct_cmd *cmd = ps->cmd;
	char buf[4096];
	const char *arg = optarg;

	cmd->options |= CT_OPT(c == 'l'	  ? CT_OPT_LABEL_BIT
			       : c == '<' ? CT_OPT_ADD_LABEL_BIT
					  : CT_OPT_DEL_LABEL_BIT);
	labelmap_init(ps);
	if ((cmd->options & CT_OPT(CT_OPT_ADD_LABEL_BIT)) &&
	    (cmd->options & CT_OPT(CT_OPT_DEL_LABEL_BIT)))
		return fail(ps, CT_OTHER_PROBLEM,
			    "cannot use --label-add and --label-del at the same time");
	if (c == '>') {
		arg = get_optional_arg(ps);
		if (!arg)
			return 0; /* no names: delete every label */
	}
	snprintf(buf, sizeof(buf), "%s", arg);
	return parse_labels(ps, buf, c == 'l' ? &cmd->label : &cmd->label_modify);
}

static int parse_mark(struct ct_cmd *cmd, const char *arg)
{
	char *end;

	cmd->mark.value = (uint32_t)strtoul(arg, &end, 0);
	cmd->mark.mask = *end == '/' ? (uint32_t)strtoul(end + 1, NULL, 0) : ~0U;
	cmd->kmark_value = cmd->mark.value;
	cmd->kmark_mask = cmd->mark.mask;
	cmd->kmark_set = true;
	cmd->options |= CT_OPT(CT_OPT_MARK_BIT);
	return 0;
}

/* Append handler @p's options at the next offset, as 1.4.7's merge_options() does. */
static int merge_options(struct parser *ps, const struct ct_proto *p)
{
	unsigned int n = 0, i;
	struct option *o;

	while (p->opts[n].name)
		n++;
	o = realloc(ps->opts, (ps->nopts + n + 1) * sizeof(*o));
	if (!o)
		return fail(ps, CT_OTHER_PROBLEM, "out of memory");
	ps->opts = o;
	ps->proto_offset += OPTION_OFFSET;
	for (i = 0; i < n; i++) {
		o[ps->nopts + i] = p->opts[i];
		o[ps->nopts + i].val += (int)ps->proto_offset;
	}
	ps->nopts += n;
	memset(&o[ps->nopts], 0, sizeof(*o));
	return 0;
}

static int parse_proto(struct parser *ps)
{
	struct ct_cmd *cmd = ps->cmd;
	const struct ct_proto *p;
	int num = 0;

	cmd->options |= CT_OPT(CT_OPT_PROTO_BIT);
	p = ct_proto_find(optarg, &num);
	if (!p)
		return fail(ps, CT_PARAMETER_PROBLEM, "`%s' unsupported protocol", optarg);
	if (merge_options(ps, p) < 0)
		return -1;
	cmd->proto = p;
	cmd->protonum = num;
	cmd->tmpl.orig_l4 = (uint8_t)num;
	cmd->tmpl.set |= T_ORIG_L4;
	return 0;
}

static int parse_family(struct parser *ps)
{
	ps->cmd->options |= CT_OPT(CT_OPT_FAMILY_BIT);
	if (strncmp(optarg, "ipv4", 4) == 0)
		return set_family(ps, AF_INET);
	if (strncmp(optarg, "ipv6", 4) == 0)
		return set_family(ps, AF_INET6);
	return fail(ps, CT_PARAMETER_PROBLEM, "`%s' unsupported protocol", optarg);
}

static int parse_u16_opt(struct ct_cmd *cmd, int c)
{
	uint16_t v = (uint16_t)strtoul(optarg, NULL, 0);

	if (c == 'w') {
		cmd->tmpl.zone = v;
		cmd->tmpl.set |= T_ZONE;
		cmd->options |= CT_OPT(CT_OPT_ZONE_BIT);
	} else if (c == '(') {
		cmd->tmpl.orig_zone = v;
		cmd->tmpl.set |= T_ORIG_ZONE;
		cmd->options |= CT_OPT(CT_OPT_ORIG_ZONE_BIT);
	} else {
		cmd->tmpl.repl_zone = v;
		cmd->tmpl.set |= T_REPL_ZONE;
		cmd->options |= CT_OPT(CT_OPT_REPL_ZONE_BIT);
	}
	return 0;
}

static int parse_u32_opt(struct ct_cmd *cmd, int c)
{
	uint32_t v = (uint32_t)strtoul(optarg, NULL, 0);

	if (c == 'i') {
		cmd->tmpl.id = v;
		cmd->tmpl.set |= T_ID;
		cmd->options |= CT_OPT(CT_OPT_ID_BIT);
	} else {
		cmd->tmpl.secmark = v;
		cmd->tmpl.set |= T_SECMARK;
		cmd->options |= CT_OPT(CT_OPT_SECMARK_BIT);
	}
	return 0;
}

static int parse_output(struct parser *ps)
{
	struct ct_cmd *cmd = ps->cmd;

	unsigned int all;

	cmd->options |= CT_OPT(CT_OPT_OUTPUT_BIT);
	if (parse_list(ps, optarg, &cmd->output, PARSE_OUTPUT) < 0)
		return -1;
	if (cmd->output & CT_O_CL)
		labelmap_init(ps);
	all = cmd->output;
	if (ps->shared)
		all = ps->shared->output |= cmd->output;
	if ((all & CT_O_SAVE) &&
	    (all & (CT_O_EXT | CT_O_TMS | CT_O_ID | CT_O_KTMS | CT_O_CL | CT_O_XML | CT_O_JSON)))
		return fail(
			ps, CT_OTHER_PROBLEM,
			"cannot combine save output with any other output type, use -o save only");
	return 0;
}

static int parse_status_opt(struct parser *ps)
{
	struct ct_cmd *cmd = ps->cmd;

	cmd->options |= CT_OPT(CT_OPT_STATUS_BIT);
	if (parse_status(ps, optarg, &ps->status, &cmd->kstatus_mask) < 0)
		return -1;
	cmd->tmpl.status = ps->status;
	cmd->tmpl.set |= T_STATUS;
	if (cmd->kstatus_mask == 0)
		cmd->kstatus_mask = ps->status;
	/* 1.4.7 also clobbers the -m value with the status (fixed after 1.4.7). */
	cmd->mark.value = ps->status;
	cmd->kstatus_value = ps->status;
	cmd->kstatus_set = true;
	return 0;
}

static int parse_netns(struct parser *ps)
{
	free(ps->cmd->netns);
	ps->cmd->netns = strdup(optarg);
	if (!ps->cmd->netns)
		return fail(ps, CT_OTHER_PROBLEM, "out of memory");
	return 0;
}

static int parse_labelmap(struct parser *ps)
{
	if (ps->cmd->labelmap_path)
		return fail(ps, CT_PARAMETER_PROBLEM,
			    "option `--labelmap' can only be specified once");
	ps->cmd->labelmap_path = strdup(optarg);
	if (!ps->cmd->labelmap_path)
		return fail(ps, CT_OTHER_PROBLEM, "out of memory");
	ps->cmd->options |= CT_OPT(CT_OPT_LABELMAP_BIT);
	return 0;
}

static int parse_option(struct parser *ps, int c)
{
	struct ct_cmd *cmd = ps->cmd;

	switch (c) {
	case 'L':
	case 'I':
	case 'D':
	case 'G':
	case 'F':
	case 'E':
	case 'V':
	case 'h':
	case 'C':
	case 'S':
	case 'U':
	case 'A':
		return parse_command(ps, c);
	case 's':
	case 'd':
	case 'r':
	case 'q':
	case '[':
	case ']':
		return parse_addr_opt(ps, c, optarg, true);
	case '{':
	case '}':
		return parse_addr_opt(ps, c, optarg, false);
	case 'p':
		return parse_proto(ps);
	case 't':
		cmd->options |= CT_OPT(CT_OPT_TIMEOUT_BIT);
		cmd->tmpl.timeout = (uint32_t)atol(optarg);
		cmd->tmpl.set |= T_TIMEOUT;
		return 0;
	case 'u':
		return parse_status_opt(ps);
	case 'e':
		cmd->options |= CT_OPT(CT_OPT_EVENT_MASK_BIT);
		return parse_list(ps, optarg, &cmd->event_mask, PARSE_EVENT);
	case 'o':
		return parse_output(ps);
	case 'z':
		cmd->options |= CT_OPT(CT_OPT_ZERO_BIT);
		return 0;
	case 'n':
	case 'g':
	case 'j':
		return parse_nat(ps, c);
	case 'w':
	case '(':
	case ')':
		return parse_u16_opt(cmd, c);
	case 'i':
	case 'c':
		return parse_u32_opt(cmd, c);
	case 'm':
		return parse_mark(cmd, optarg);
	case 'l':
	case '<':
	case '>':
		return parse_label_opt(ps, c);
	case 'a':
		warn(ps, "WARNING: ignoring -%c, deprecated option.\n", c);
		return 0;
	case 'f':
		return parse_family(ps);
	case 'b':
		cmd->bufsize = (size_t)atol(optarg);
		cmd->options |= CT_OPT(CT_OPT_BUFFERSIZE_BIT);
		return 0;
	case LONG_LABELMAP:
		return parse_labelmap(ps);
	case LONG_NETNS:
		return parse_netns(ps);
	case ':':
		return fail(ps, CT_PARAMETER_PROBLEM, "option `%s' requires an argument",
			    ps->argv[optind - 1]);
	case '?':
		return fail(ps, CT_PARAMETER_PROBLEM, "unknown option `%s'", ps->argv[optind - 1]);
	default:
		/* A protocol option; 1.4.7 hands it to the last -p's handler. */
		if (cmd->proto && cmd->proto->parse)
			return cmd->proto->parse(c & 0xff, optarg, cmd, ps->err);
		return 0;
	}
}

/* 1.4.7's generic_opt_check() over the main options. */
static int check_options(struct parser *ps)
{
	struct ct_cmd *cmd = ps->cmd;
	const char *row = commands_v_options[cmd->cmd];
	static const unsigned int pairs[2] = { CT_OPT_ORIG, CT_OPT_REPL };
	bool special = false;
	int partial = -1;
	unsigned int i;

	for (i = 0; i < CT_NUMBER_OF_OPT; i++) {
		bool given = cmd->options & CT_OPT(i);

		if (!given && row[i] == 1)
			return fail(ps, CT_PARAMETER_PROBLEM,
				    "You need to supply the `--%s' option for this command",
				    optflags[i]);
		if (given && row[i] == 0)
			return fail(ps, CT_PARAMETER_PROBLEM,
				    "Illegal option `--%s' with this command", optflags[i]);
		if (row[i] == 3)
			special = true;
	}
	if (!special)
		return 0;
	for (i = 0; i < 2; i++) {
		if ((cmd->options & pairs[i]) == pairs[i])
			return 0;
		if ((cmd->options & pairs[i]) && partial < 0)
			partial = (int)i;
	}
	if (partial == 1)
		return fail(ps, CT_PARAMETER_PROBLEM,
			    "you have to specify `--reply-src' and `--reply-dst'");
	return fail(ps, CT_PARAMETER_PROBLEM, "you have to specify `--src' and `--dst'");
}

static int bit_of(unsigned int command)
{
	int i;

	for (i = 0; i < CT_NUMBER_OF_CMD; i++)
		if (command & CT_CMD(i))
			break;
	return i;
}

static int finish(struct parser *ps)
{
	struct ct_cmd *cmd = ps->cmd;

	if (cmd->family == AF_UNSPEC) {
		switch (cmd->command) {
		case CT_CMD(CT_LIST_BIT):
		case CT_CMD(CT_UPDATE_BIT):
		case CT_CMD(CT_DELETE_BIT):
		case CT_CMD(CT_GET_BIT):
		case CT_CMD(CT_FLUSH_BIT):
		case CT_CMD(CT_EVENT_BIT):
			break;
		default:
			cmd->family = AF_INET;
			break;
		}
	}
	if ((cmd->options & CT_OPT(CT_OPT_ANY_NAT_BIT)) &&
	    (cmd->options & (CT_OPT(CT_OPT_SRC_NAT_BIT) | CT_OPT(CT_OPT_DST_NAT_BIT))))
		return fail(ps, CT_PARAMETER_PROBLEM,
			    "cannot specify `--src-nat' or `--dst-nat' with `--any-nat'");
	cmd->cmd = (unsigned int)bit_of(cmd->command);
	if (check_options(ps) < 0)
		return -1;
	if (!(cmd->command & CT_CMD(CT_HELP_BIT)) && ct_proto_check(cmd, ps->err) < 0)
		return -1;
	return 0;
}

/*
 * The fast path for the lines of large load files (mostly `-A -t T -u S -s
 * A ... -p P --sport ...`). getopt_long() compares every long option
 * against every name of the table; here a line whose words are all exact
 * option names, each followed by its argument, is dispatched to the same
 * parse_option() with optarg/optind set as getopt would set them. Any other
 * word (abbreviations, --opt=value, clustered or attached short options,
 * stray words, a second -p) sends the whole line to getopt_long() instead,
 * decided before anything is parsed, so the result is the same either way.
 */
enum { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

unsigned long ct_args_fast_lines;

struct fast_opt {
	int val;
	int has_arg;
};

/* The long option names of base_opts, sorted once for bsearch(). */
static const struct option *sorted_opts[sizeof(base_opts) / sizeof(base_opts[0])];
static size_t nsorted;

static int cmp_opt(const void *a, const void *b)
{
	return strcmp((*(const struct option *const *)a)->name,
		      (*(const struct option *const *)b)->name);
}

static int cmp_key(const void *key, const void *b)
{
	return strcmp(key, (*(const struct option *const *)b)->name);
}

static const struct option *base_lookup(const char *name)
{
	const struct option *const *hit;

	if (!nsorted) {
		for (; base_opts[nsorted].name; nsorted++)
			sorted_opts[nsorted] = &base_opts[nsorted];
		qsort(sorted_opts, nsorted, sizeof(sorted_opts[0]), cmp_opt);
	}
	hit = bsearch(name, sorted_opts, nsorted, sizeof(sorted_opts[0]), cmp_key);
	return hit ? *hit : NULL;
}

/* A word's option, with the protocol options of @p (offset 256) when given. */
static bool fast_lookup(const char *w, const struct ct_proto *p, struct fast_opt *o)
{
	static const char short_req[] = "sdrqptueamifocbwl";
	static const char short_opt[] = "LIUDGEFAngCj";
	const struct option *b;
	unsigned int i;

	if (w[0] != '-' || !w[1])
		return false;
	if (w[1] != '-') {
		if (w[2])
			return false;
		o->val = w[1];
		o->has_arg = strchr(short_req, w[1])   ? ARG_REQUIRED
			     : strchr(short_opt, w[1]) ? ARG_OPTIONAL
						       : ARG_NONE;
		return o->has_arg != ARG_NONE || w[1] == 'z';
	}
	b = base_lookup(w + 2);
	if (b) {
		o->val = b->val;
		o->has_arg = b->has_arg;
		return true;
	}
	for (i = 0; p && p->opts[i].name; i++) {
		if (strcmp(p->opts[i].name, w + 2) == 0) {
			o->val = p->opts[i].val + OPTION_OFFSET;
			o->has_arg = p->opts[i].has_arg;
			return true;
		}
	}
	return false;
}

/* Where the next option starts, given @o at @i: 0 when the line is not for us. */
static int fast_skip(int argc, char **argv, int i, const struct fast_opt *o)
{
	if (o->has_arg == ARG_REQUIRED)
		return i + 1 < argc ? i + 2 : 0;
	if (o->has_arg == ARG_OPTIONAL && i + 1 < argc && argv[i + 1][0] != '-' &&
	    argv[i + 1][0] != '!')
		return i + 2; /* the table word or NAT address get_optional_arg() takes */
	return i + 1;
}

/* Is every word of the line one the fast path handles? Fills @ops for fast_parse(). */
static bool fast_eligible(int argc, char **argv, struct fast_opt *ops)
{
	const struct ct_proto *p = NULL;
	int i = 1, num;

	while (i < argc) {
		struct fast_opt *o = &ops[i];

		if (!fast_lookup(argv[i], p, o))
			return false;
		if (o->val == 'p' || o->val == 'o' || o->val == 'l' || o->val == '<' ||
		    o->val == '>') {
			/* labels, output lists and a second -p keep their full treatment */
			if (o->val != 'p' || p || i + 1 >= argc)
				return false;
			p = ct_proto_find(argv[i + 1], &num);
			if (!p)
				return false;
		}
		i = fast_skip(argc, argv, i, o);
		if (!i)
			return false;
	}
	return true;
}

static int fast_parse(struct parser *ps, const struct fast_opt *ops)
{
	int i = 1, next, r;

	while (i < ps->argc) {
		const struct fast_opt *o = &ops[i];

		next = fast_skip(ps->argc, ps->argv, i, o);
		optarg = o->has_arg == ARG_REQUIRED ? ps->argv[i + 1] : NULL;
		/* an optional word is taken by the handler itself, as after getopt_long() */
		optind = o->has_arg == ARG_REQUIRED ? next : i + 1;
		r = parse_option(ps, o->val);
		if (r < 0)
			return r;
		i = next;
	}
	return 0;
}

void ct_cmd_done(struct ct_cmd *cmd)
{
	if (!cmd->labelmap_borrowed)
		ctf_labelmap_free(cmd->labelmap);
	free(cmd->labelmap_path);
	free(cmd->netns);
	memset(cmd, 0, sizeof(*cmd));
}

int ct_args_parse(int argc, char **argv, struct ct_cmd *ret_cmd, FILE *warnf, struct ct_err *err)
{
	return ct_args_parse_shared(argc, argv, ret_cmd, warnf, err, NULL);
}

int ct_args_parse_shared(int argc, char **argv, struct ct_cmd *ret_cmd, FILE *warnf,
			 struct ct_err *err, struct ct_parse_shared *sh)
{
	struct parser ps = {
		.cmd = ret_cmd, .err = err, .warn = warnf, .argc = argc, .argv = argv, .shared = sh
	};
	struct fast_opt fast[CT_LOAD_MAX_ARGS];
	int c, r = 0;

	memset(ret_cmd, 0, sizeof(*ret_cmd));
	memset(err, 0, sizeof(*err));
	ret_cmd->cmd = CT_NUMBER_OF_CMD;
	ps.opts = malloc(sizeof(base_opts));
	if (!ps.opts)
		return ct_err_set(err, CT_OTHER_PROBLEM, "out of memory");
	memcpy(ps.opts, base_opts, sizeof(base_opts));
	ps.nopts = sizeof(base_opts) / sizeof(base_opts[0]) - 1;

	opterr = 0;
	optind = 0; /* full reinitialisation, so the parser can run again */
	if (sh && argc <= CT_LOAD_MAX_ARGS && fast_eligible(argc, argv, fast)) {
		ct_args_fast_lines++;
		r = fast_parse(&ps, fast);
	} else {
		while ((c = getopt_long(argc, argv, getopt_str, ps.opts, NULL)) != -1) {
			r = parse_option(&ps, c);
			if (r < 0)
				break;
		}
	}
	if (r == 0)
		r = finish(&ps);
	free(ps.opts);
	return r < 0 ? -1 : 0;
}
