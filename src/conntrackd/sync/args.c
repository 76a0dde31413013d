// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd: the command line, parsed exactly as conntrack-tools 1.4.7's main.c does. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "args.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum run_mode { MODE_NOT_SET, MODE_DAEMON, MODE_REQUEST };

/* A table word of an option; @warning is logged when it is used. */
struct word {
	const char *word;
	int code;
	const char *warning;
};

/*
 * An option that takes a table word. @strict: an unmatched word is an
 * error (-f, -s); otherwise the word is left for the next round of the
 * loop (-c -i -e -F -R), and the request stays what it was.
 */
struct table_opt {
	char opt;
	bool strict;
	int dfl;
	const struct word *words;
	size_t nwords;
};

#define W(w, c)                          \
	{                                \
		.word = (w), .code = (c) \
	}
static const struct word words_c[] = { W("ct", CTD_REQ_CT_COMMIT),
				       W("expect", CTD_REQ_EXP_COMMIT) };
static const struct word words_i[] = { W("ct", CTD_REQ_CT_DUMP_INTERNAL),
				       W("expect", CTD_REQ_EXP_DUMP_INTERNAL) };
static const struct word words_e[] = { W("ct", CTD_REQ_CT_DUMP_EXTERNAL),
				       W("expect", CTD_REQ_EXP_DUMP_EXTERNAL) };
static const struct word words_F[] = { W("ct", CTD_REQ_CT_FLUSH_MASTER),
				       W("expect", CTD_REQ_EXP_FLUSH_MASTER) };
static const struct word words_R[] = { W("ct", CTD_REQ_CT_RESYNC_MASTER),
				       W("expect", CTD_REQ_EXP_RESYNC_MASTER) };
static const struct word words_f[] = { W("internal", CTD_REQ_CT_FLUSH_INT_CACHE),
				       W("external", CTD_REQ_CT_FLUSH_EXT_CACHE) };
/* 1.4.7's order decides what a prefix means ("c" is cache, "r" runtime); ours come last. */
static const struct word words_s[] = {
	W("network", CTD_REQ_STATS_NETWORK),
	W("cache", CTD_REQ_STATS_CACHE),
	W("runtime", CTD_REQ_STATS_RUNTIME),
	{ .word = "multicast",
	  .code = CTD_REQ_STATS_LINK,
	  .warning = "use `link' instead of `multicast' as parameter." },
	W("link", CTD_REQ_STATS_LINK),
	W("rsqueue", CTD_REQ_STATS_RSQUEUE),
	W("process", CTD_REQ_STATS_PROCESS),
	W("queue", CTD_REQ_STATS_QUEUE),
	W("ct", CTD_REQ_STATS),
	W("expect", CTD_REQ_EXP_STATS),
	W("ready", CTD_REQ_STATS_READY),
	W("json", CTD_REQ_STATS_JSON),
};

#define TABLE(o, s, d, w)                                                                    \
	{                                                                                    \
		.opt = (o), .strict = (s), .dfl = (d), .words = (w), .nwords = ARRAY_SIZE(w) \
	}
static const struct table_opt table_opts[] = {
	TABLE('c', false, CTD_REQ_ALL_COMMIT, words_c),
	TABLE('i', false, CTD_REQ_CT_DUMP_INTERNAL, words_i),
	TABLE('e', false, CTD_REQ_CT_DUMP_EXTERNAL, words_e),
	TABLE('F', false, CTD_REQ_ALL_FLUSH_MASTER, words_F),
	TABLE('R', false, CTD_REQ_ALL_RESYNC_MASTER, words_R),
	TABLE('f', true, CTD_REQ_ALL_FLUSH_CACHE, words_f),
	TABLE('s', true, CTD_REQ_STATS, words_s),
};

/* Request options without a word. */
static const struct {
	char opt;
	int code;
} plain_opts[] = {
	{ 'B', CTD_REQ_SEND_BULK },
	{ 't', CTD_REQ_RESET_TIMERS },
	{ 'k', CTD_REQ_KILL },
	{ 'n', CTD_REQ_REQUEST_DUMP },
};

/* -x turns a plain dump into its XML twin; anything else is refused. */
static const struct {
	int plain, xml;
} xml_codes[] = {
	{ CTD_REQ_CT_DUMP_INTERNAL, CTD_REQ_CT_DUMP_INT_XML },
	{ CTD_REQ_CT_DUMP_EXTERNAL, CTD_REQ_CT_DUMP_EXT_XML },
	{ CTD_REQ_EXP_DUMP_INTERNAL, CTD_REQ_EXP_DUMP_INT_XML },
	{ CTD_REQ_EXP_DUMP_EXTERNAL, CTD_REQ_EXP_DUMP_EXT_XML },
};

static const char *level_name(int prio)
{
	switch (prio) {
	case LOG_INFO:
		return "info";
	case LOG_NOTICE:
		return "notice";
	case LOG_WARNING:
		return "warning";
	case LOG_ERR:
		return "ERROR";
	default:
		return "?";
	}
}

void ctd_console_log(int prio, const char *fmt, ...)
{
	FILE *f = (prio == LOG_INFO || prio == LOG_NOTICE) ? stdout : stderr;
	char when[64], msg[1024];
	time_t t = time(NULL);
	size_t n;
	va_list ap;

	if (!ctime_r(&t, when))
		when[0] = '\0';
	n = strlen(when);
	if (n && when[n - 1] == '\n')
		when[n - 1] = '\0';
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* one write per line, so lines from several processes do not mix */
	(void)fprintf(f, "[%s] (pid=%d) [%s] %s\n", when, (int)getpid(), level_name(prio), msg);
	(void)fflush(f);
}

void ctd_usage(const char *progname)
{
	fprintf(stdout,
		"Connection tracking userspace daemon v%s (ctflow)\n"
		"Usage: %s [commands] [options]\n\n"
		"Daemon mode commands:\n"
		"  -d [options]\t\tRun in daemon mode\n\n"
		"Client mode commands:\n"
		"  -c [ct|expect], commit external cache to conntrack table\n"
		"  -f [|internal|external], flush internal and external cache\n"
		"  -F [ct|expect], flush kernel conntrack table\n"
		"  -i [ct|expect], display content of the internal cache\n"
		"  -e [ct|expect], display the content of the external cache\n"
		"  -k, kill conntrack daemon\n"
		"  -s  [|network|cache|runtime|link|rsqueue|queue|ct|expect|ready|json], "
		"dump statistics\n"
		"  -R [ct|expect], resync with kernel conntrack table\n"
		"  -n, request resync with other node (only FT-FW and NOTRACK modes)\n"
		"  -B, force a bulk send to other replica firewalls\n"
		"  -x, dump cache in XML format (requires -i or -e)\n"
		"  -t, reset the kernel timeout (see PurgeTimeout clause)\n"
		"  -v, display conntrackd version\n"
		"  -h, display this help information\n\n"
		"Options:\n"
		"  -C [configfile], configuration file path\n",
		CTF_DAEMON_VERSION, progname);
}

static void version(void)
{
	fprintf(stdout,
		"Connection tracking userspace daemon v%s (ctflow). Licensed under GPLv2.\n",
		CTF_DAEMON_VERSION);
}

/* 1.4.7's set_operation_mode: daemon and request options cannot be mixed. */
static int set_mode(enum run_mode *mode, enum run_mode want, const char *progname)
{
	if (*mode == MODE_NOT_SET)
		*mode = want;
	if (*mode == want)
		return 0;
	ctd_usage(progname);
	ctd_console_log(LOG_ERR, "Invalid parameters");
	return -EINVAL;
}

/* 1.4.7's test: the argument is a prefix of the word (strncmp over the argument's length). */
static bool is_prefix(const char *arg, const char *word)
{
	return strncmp(arg, word, strlen(arg)) == 0;
}

/*
 * The option at argv[*i] with a table: consumes argv[*i + 1] when it is
 * one of the words. Returns 0 or -EINVAL (unknown word of a strict option).
 */
static int parse_table(const struct table_opt *t, int argc, char **argv, int *i, int *action)
{
	const char *next = *i + 1 < argc ? argv[*i + 1] : NULL;
	size_t k;

	if (!next || next[0] == '-') {
		*action = t->dfl;
		return 0;
	}
	for (k = 0; k < t->nwords; k++) {
		if (!is_prefix(next, t->words[k].word))
			continue;
		if (t->words[k].warning)
			ctd_console_log(LOG_WARNING, "%s", t->words[k].warning);
		*action = t->words[k].code;
		(*i)++;
		return 0;
	}
	if (!t->strict)
		return 0;
	ctd_console_log(LOG_ERR, "unknown parameter `%s' for option `-%c'", next, t->opt);
	return -EINVAL;
}

static int parse_xml(int *action, const char *progname)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(xml_codes); k++) {
		if (*action == xml_codes[k].plain) {
			*action = xml_codes[k].xml;
			return 0;
		}
	}
	ctd_usage(progname);
	ctd_console_log(LOG_ERR, "Invalid parameters");
	return -EINVAL;
}

/* -C: 1.4.7 copies at most PATH_MAX - 1 bytes, and an empty name means the default. */
static void parse_config(int argc, char **argv, int *i, const char **config)
{
	if (++*i >= argc) {
		ctd_usage(argv[0]);
		ctd_console_log(LOG_ERR, "Missing config filename");
		return;
	}
	if (strlen(argv[*i]) > PATH_MAX)
		ctd_console_log(LOG_WARNING,
				"Path to config file to long. Cutting it down to %d characters",
				PATH_MAX);
	if (strlen(argv[*i]) >= PATH_MAX)
		argv[*i][PATH_MAX - 1] = '\0';
	*config = argv[*i][0] ? argv[*i] : NULL;
}

static const struct table_opt *find_table(char opt)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(table_opts); k++)
		if (table_opts[k].opt == opt)
			return &table_opts[k];
	return NULL;
}

static int find_plain(char opt)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(plain_opts); k++)
		if (plain_opts[k].opt == opt)
			return plain_opts[k].code;
	return -1;
}

/*
 * One option at argv[*i]. Returns 0 to go on, 1 to exit with success now,
 * -EINVAL to exit with failure now.
 */
static int parse_one(int argc, char **argv, int *i, enum run_mode *mode, int *action,
		     const char **config)
{
	/* 1.4.7 reads argv[i][1] even of "" (past the end); for us that is an unknown option */
	char opt = argv[*i][0] ? argv[*i][1] : '\0';
	const struct table_opt *t = find_table(opt);
	int code = find_plain(opt);

	if (t || code >= 0) {
		if (set_mode(mode, MODE_REQUEST, argv[0]) < 0)
			return -EINVAL;
		if (t)
			return parse_table(t, argc, argv, i, action);
		*action = code;
		return 0;
	}
	switch (opt) {
	case 'd':
		return set_mode(mode, MODE_DAEMON, argv[0]);
	case 'C':
		parse_config(argc, argv, i, config);
		return 0;
	case 'x':
		return parse_xml(action, argv[0]);
	case 'v':
		version();
		return 1;
	case 'h':
		ctd_usage(argv[0]);
		return 1;
	default:
		/* 1.4.7 exits 0 here, upstream HEAD 1: an unknown option is an error */
		ctd_usage(argv[0]);
		ctd_console_log(LOG_ERR, "Unknown option: %s", argv[*i]);
		return -EINVAL;
	}
}

int ctd_parse_args(int argc, char **argv, struct ctd_opts *ret)
{
	enum run_mode mode = MODE_NOT_SET;
	const char *config = NULL;
	int action = -1;
	int i, r;

	for (i = 1; i < argc; i++) {
		r = parse_one(argc, argv, &i, &mode, &action, &config);
		if (r != 0)
			return r;
	}
	*ret = (struct ctd_opts){
		.config = config,
		.daemonize = mode == MODE_DAEMON,
		.client = mode == MODE_REQUEST,
		.request = action,
	};
	return 0;
}

static const struct {
	int code;
	const char *name;
} request_names[] = {
	{ CTD_REQ_CT_FLUSH_MASTER, "-F ct" },
	{ CTD_REQ_CT_RESYNC_MASTER, "-R ct" },
	{ CTD_REQ_CT_DUMP_INTERNAL, "-i" },
	{ CTD_REQ_CT_DUMP_EXTERNAL, "-e" },
	{ CTD_REQ_CT_COMMIT, "-c ct" },
	{ CTD_REQ_CT_FLUSH_CACHE, "flush caches (19)" },
	{ CTD_REQ_KILL, "-k" },
	{ CTD_REQ_STATS, "-s" },
	{ CTD_REQ_SEND_BULK, "-B" },
	{ CTD_REQ_REQUEST_DUMP, "-n" },
	{ CTD_REQ_CT_DUMP_INT_XML, "-i -x" },
	{ CTD_REQ_CT_DUMP_EXT_XML, "-e -x" },
	{ CTD_REQ_RESET_TIMERS, "-t" },
	{ CTD_REQ_DEBUG_INFO, "debug info (27)" },
	{ CTD_REQ_STATS_NETWORK, "-s network" },
	{ CTD_REQ_STATS_CACHE, "-s cache" },
	{ CTD_REQ_STATS_RUNTIME, "-s runtime" },
	{ CTD_REQ_STATS_LINK, "-s link" },
	{ CTD_REQ_STATS_RSQUEUE, "-s rsqueue" },
	{ CTD_REQ_CT_FLUSH_INT_CACHE, "-f internal" },
	{ CTD_REQ_CT_FLUSH_EXT_CACHE, "-f external" },
	{ CTD_REQ_STATS_PROCESS, "-s process" },
	{ CTD_REQ_STATS_QUEUE, "-s queue" },
	{ CTD_REQ_EXP_STATS, "-s expect" },
	{ CTD_REQ_EXP_FLUSH_MASTER, "-F expect" },
	{ CTD_REQ_EXP_RESYNC_MASTER, "-R expect" },
	{ CTD_REQ_EXP_DUMP_INTERNAL, "-i expect" },
	{ CTD_REQ_EXP_DUMP_EXTERNAL, "-e expect" },
	{ CTD_REQ_EXP_COMMIT, "-c expect" },
	{ CTD_REQ_ALL_FLUSH_MASTER, "-F" },
	{ CTD_REQ_ALL_RESYNC_MASTER, "-R" },
	{ CTD_REQ_ALL_FLUSH_CACHE, "-f" },
	{ CTD_REQ_ALL_COMMIT, "-c" },
	{ CTD_REQ_EXP_DUMP_INT_XML, "-i expect -x" },
	{ CTD_REQ_EXP_DUMP_EXT_XML, "-e expect -x" },
	{ CTD_REQ_STATS_READY, "-s ready" },
	{ CTD_REQ_STATS_JSON, "-s json" },
};

const char *ctd_request_name(int code)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(request_names); k++)
		if (request_names[k].code == code)
			return request_names[k].name;
	return "unknown";
}
