/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd: the command line, parsed exactly as conntrack-tools 1.4.7's main.c does. */
#ifndef CONNTRACKD_SYNC_ARGS_H
#define CONNTRACKD_SYNC_ARGS_H

#include <stdbool.h>

#include "request.h"

struct ctd_opts {
	/*
	 * -C: points into argv (the last -C wins), NULL for the default path.
	 * Like 1.4.7, a path longer than PATH_MAX is cut to PATH_MAX - 1
	 * bytes, in argv itself, with a warning.
	 */
	const char *config;
	bool daemonize; /* -d */
	/*
	 * A request option was given: run as a client and send @request.
	 * @request is a CTD_REQ_* code, or -1 when the option's table word
	 * was not consumed and no later option set one (`-c xC FILE`): 1.4.7
	 * then sends -1, and so do we.
	 */
	bool client;
	int request;
};

/*
 * ctd_parse_args - parse argv as 1.4.7 does: an option is recognised by
 * its second character alone (`-stats` is -s); a table word is the next
 * argument when it does not start with '-' and is a prefix of the word
 * (so `-s ""` is `-s network`, and an unmatched word is parsed as the next
 * option); the last request wins; -x turns the -i/-e dump before it into
 * XML; -s also takes ctflow's `ready` and `json` (after every 1.4.7 word,
 * so `-s r` is still `runtime`).
 *
 * Writes what it has to say itself, with 1.4.7's streams and texts: the
 * usage on stdout, errors as 1.4.7 log lines on stderr (see
 * ctd_console_log()).
 *
 * Returns 0 with *@ret filled in: go on (daemon or client). Returns 1 when
 * main must exit with EXIT_SUCCESS at once (-h, -v), and -EINVAL when main
 * must exit with EXIT_FAILURE at once (Invalid parameters, unknown table
 * word, and "Unknown option", where 1.4.7 exits 0 and upstream HEAD 1).
 * *@ret is written only when 0 is returned.
 */
int ctd_parse_args(int argc, char **argv, struct ctd_opts *ret);

/* ctd_usage - the -h text on stdout; @progname is argv[0]. */
void ctd_usage(const char *progname);

/*
 * ctd_console_log - one line in the form 1.4.7's dlog() prints before its
 * log is open: "[<ctime>] (pid=N) [ERROR|warning|notice|info] message".
 * LOG_INFO and LOG_NOTICE go to stdout, everything else to stderr (its
 * "?" level included), flushed at once. For the client and start-up
 * messages that must read exactly like 1.4.7's.
 */
void ctd_console_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* CONNTRACKD_SYNC_ARGS_H */
