/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd: the request codes a client writes on the UNIX socket, with
 * conntrack-tools 1.4.7's values (its include/conntrackd.h), so either
 * client works with either daemon.
 */
#ifndef CONNTRACKD_SYNC_REQUEST_H
#define CONNTRACKD_SYNC_REQUEST_H

/*
 * The wire form is one native-endian int. The comment is the command line
 * that sends the code (1.4.7 main.c); codes without one are only reachable
 * from a foreign client.
 */
enum ctd_request {
	CTD_REQ_CT_FLUSH_MASTER = 0,	 /* -F ct */
	CTD_REQ_CT_RESYNC_MASTER = 1,	 /* -R ct */
	CTD_REQ_CT_DUMP_INTERNAL = 16,	 /* -i, -i ct */
	CTD_REQ_CT_DUMP_EXTERNAL = 17,	 /* -e, -e ct */
	CTD_REQ_CT_COMMIT = 18,		 /* -c ct */
	CTD_REQ_CT_FLUSH_CACHE = 19,	 /* (no option: flush both ct caches) */
	CTD_REQ_KILL = 20,		 /* -k */
	CTD_REQ_STATS = 21,		 /* -s, -s ct */
	CTD_REQ_SEND_BULK = 22,		 /* -B */
	CTD_REQ_REQUEST_DUMP = 23,	 /* -n */
	CTD_REQ_CT_DUMP_INT_XML = 24,	 /* -i -x */
	CTD_REQ_CT_DUMP_EXT_XML = 25,	 /* -e -x */
	CTD_REQ_RESET_TIMERS = 26,	 /* -t */
	CTD_REQ_DEBUG_INFO = 27,	 /* unused by 1.4.7 */
	CTD_REQ_STATS_NETWORK = 28,	 /* -s network */
	CTD_REQ_STATS_CACHE = 29,	 /* -s cache */
	CTD_REQ_STATS_RUNTIME = 30,	 /* -s runtime */
	CTD_REQ_STATS_LINK = 31,	 /* -s link, -s multicast */
	CTD_REQ_STATS_RSQUEUE = 32,	 /* -s rsqueue */
	CTD_REQ_CT_FLUSH_INT_CACHE = 33, /* -f internal */
	CTD_REQ_CT_FLUSH_EXT_CACHE = 34, /* -f external */
	CTD_REQ_STATS_PROCESS = 35,	 /* -s process */
	CTD_REQ_STATS_QUEUE = 36,	 /* -s queue */
	CTD_REQ_EXP_STATS = 37,		 /* -s expect */
	CTD_REQ_EXP_FLUSH_MASTER = 38,	 /* -F expect */
	CTD_REQ_EXP_RESYNC_MASTER = 39,	 /* -R expect */
	CTD_REQ_EXP_DUMP_INTERNAL = 40,	 /* -i expect */
	CTD_REQ_EXP_DUMP_EXTERNAL = 41,	 /* -e expect */
	CTD_REQ_EXP_COMMIT = 42,	 /* -c expect */
	CTD_REQ_ALL_FLUSH_MASTER = 43,	 /* -F */
	CTD_REQ_ALL_RESYNC_MASTER = 44,	 /* -R */
	CTD_REQ_ALL_FLUSH_CACHE = 45,	 /* -f */
	CTD_REQ_ALL_COMMIT = 46,	 /* -c */
	CTD_REQ_EXP_DUMP_INT_XML = 47,	 /* -i expect -x */
	CTD_REQ_EXP_DUMP_EXT_XML = 48,	 /* -e expect -x */
	/*
	 * ctflow only. 1.4.7 uses 0, 1 and 16-48; 100 and up stay clear of
	 * anything upstream added since (HEAD stops at 48 too). A 1.4.7
	 * daemon answers both with nothing and closes.
	 */
	CTD_REQ_STATS_READY = 100, /* -s ready: "ready" or "not ready: ..."; exit 0/1 */
	CTD_REQ_STATS_JSON = 101,  /* -s json: every counter as one JSON object */
};

/*
 * ctd_request_name - the command line that sends @code ("-s network",
 * "-c", "-i expect -x"), or for codes without one a short description.
 * Returns a static string; "unknown" for codes nobody defines.
 */
const char *ctd_request_name(int code);

#endif /* CONNTRACKD_SYNC_REQUEST_H */
