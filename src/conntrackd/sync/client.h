/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrackd: the client side of the UNIX socket, as conntrack-tools 1.4.7's do_local_request. */
#ifndef CONNTRACKD_SYNC_CLIENT_H
#define CONNTRACKD_SYNC_CLIENT_H

/*
 * ctd_client_run - connect to the daemon's UNIX socket @unix_path
 * (SOCK_STREAM), write @code as one native-endian int, then copy everything
 * the daemon writes to stdout until it closes the connection. There is no
 * timeout: -c holds the connection until the commit is done, and 1.4.7's
 * client waits for it just as long. The client prints nothing of its own
 * on success: -k, -c, -f ... get no text (1.4.7's daemon exits on -k with
 * the connection still open; the EOF ends the copy).
 *
 * Returns the exit status for main:
 *  - EXIT_SUCCESS once the connect and the write succeeded, whatever the
 *    daemon answered (1.4.7: the daemon has no way to report failure);
 *  - EXIT_FAILURE when the socket cannot be reached or the write fails,
 *    after logging 1.4.7's "can't connect: is conntrackd running?
 *    appropriate permissions?" line on stderr;
 *  - for CTD_REQ_STATS_READY alone, the answer decides: EXIT_SUCCESS when
 *    the daemon's first line is exactly "ready", EXIT_FAILURE otherwise
 *    ("not ready: ...", or nothing at all, which is what a 1.4.7 daemon
 *    answers; then a line on stderr says so).
 * A NULL or empty @unix_path (no UNIX Path configured) cannot be reached.
 */
int ctd_client_run(const char *unix_path, int code);

#endif /* CONNTRACKD_SYNC_CLIENT_H */
