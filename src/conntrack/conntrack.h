/* SPDX-License-Identifier: GPL-2.0-or-later */
/* conntrack CLI: the parsed command, protocol handlers and the command runners. */
#ifndef CONNTRACK_CONNTRACK_H
#define CONNTRACK_CONNTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ctflow/ct.h>
#include <ctflow/filter.h>
#include <ctflow/format.h>
#include <ctflow/nl.h>

struct ctf_nl;
struct ctf_labelmap;

/* What we claim to be: a drop-in for this release. */
#define CT_PROGNAME "conntrack"
#define CT_VERSION  "1.4.7"

/* conntrack-tools' exit codes (enum exittype). */
enum {
	CT_EXIT_OK = 0,
	CT_OTHER_PROBLEM = 1,
	CT_PARAMETER_PROBLEM = 2,
};

/* Command bits, in conntrack-tools' order (it picks messages and table rows by them). */
enum {
	CT_LIST_BIT,
	CT_CREATE_BIT,
	CT_UPDATE_BIT,
	CT_DELETE_BIT,
	CT_GET_BIT,
	CT_FLUSH_BIT,
	CT_EVENT_BIT,
	CT_VERSION_BIT,
	CT_HELP_BIT,
	EXP_LIST_BIT,
	EXP_CREATE_BIT,
	EXP_DELETE_BIT,
	EXP_GET_BIT,
	EXP_FLUSH_BIT,
	EXP_EVENT_BIT,
	CT_COUNT_BIT,
	EXP_COUNT_BIT,
	CT_STATS_BIT,
	EXP_STATS_BIT,
	CT_ADD_BIT,
	CT_NUMBER_OF_CMD,
};
#define CT_CMD(bit) (1U << (bit))

/* Option bits, in conntrack-tools' order (the legality matrix is indexed by them). */
enum {
	CT_OPT_ORIG_SRC_BIT,
	CT_OPT_ORIG_DST_BIT,
	CT_OPT_REPL_SRC_BIT,
	CT_OPT_REPL_DST_BIT,
	CT_OPT_PROTO_BIT,
	CT_OPT_TIMEOUT_BIT,
	CT_OPT_STATUS_BIT,
	CT_OPT_ZERO_BIT,
	CT_OPT_EVENT_MASK_BIT,
	CT_OPT_EXP_SRC_BIT,
	CT_OPT_EXP_DST_BIT,
	CT_OPT_MASK_SRC_BIT,
	CT_OPT_MASK_DST_BIT,
	CT_OPT_NATRANGE_BIT,
	CT_OPT_MARK_BIT,
	CT_OPT_ID_BIT,
	CT_OPT_FAMILY_BIT,
	CT_OPT_SRC_NAT_BIT,
	CT_OPT_DST_NAT_BIT,
	CT_OPT_OUTPUT_BIT,
	CT_OPT_SECMARK_BIT,
	CT_OPT_BUFFERSIZE_BIT,
	CT_OPT_ANY_NAT_BIT,
	CT_OPT_ZONE_BIT,
	CT_OPT_LABEL_BIT,
	CT_OPT_ADD_LABEL_BIT,
	CT_OPT_DEL_LABEL_BIT,
	CT_OPT_ORIG_ZONE_BIT,
	CT_OPT_REPL_ZONE_BIT,
	CT_OPT_LABELMAP_BIT,
	CT_NUMBER_OF_OPT,
};
#define CT_OPT(bit) (1U << (bit))
#define CT_OPT_ORIG (CT_OPT(CT_OPT_ORIG_SRC_BIT) | CT_OPT(CT_OPT_ORIG_DST_BIT))
#define CT_OPT_REPL (CT_OPT(CT_OPT_REPL_SRC_BIT) | CT_OPT(CT_OPT_REPL_DST_BIT))

/* 1.4.7 runs its attribute compare only when one of these was given. */
#define CT_COMPARISON                                                                        \
	(CT_OPT(CT_OPT_PROTO_BIT) | CT_OPT_ORIG | CT_OPT_REPL | CT_OPT(CT_OPT_MARK_BIT) |    \
	 CT_OPT(CT_OPT_SECMARK_BIT) | CT_OPT(CT_OPT_STATUS_BIT) | CT_OPT(CT_OPT_ID_BIT) |    \
	 CT_OPT(CT_OPT_ZONE_BIT) | CT_OPT(CT_OPT_LABEL_BIT) | CT_OPT(CT_OPT_ORIG_ZONE_BIT) | \
	 CT_OPT(CT_OPT_REPL_ZONE_BIT))

enum {
	CT_TABLE_CONNTRACK,
	CT_TABLE_EXPECT,
	CT_TABLE_DYING,
	CT_TABLE_UNCONFIRMED,
};

/* -o keywords (1.4.7's _O_* plus ours). */
enum {
	CT_O_XML = 1U << 0,
	CT_O_EXT = 1U << 1,
	CT_O_TMS = 1U << 2,
	CT_O_ID = 1U << 3,
	CT_O_KTMS = 1U << 4,
	CT_O_CL = 1U << 5,
	CT_O_SAVE = 1U << 6,
	CT_O_JSON = 1U << 7,
};

/* Which template attributes are set (struct ct_tmpl.set), as libnetfilter_conntrack attrs. */
enum {
	T_ORIG_L3 = 1U << 0,
	T_REPL_L3 = 1U << 1,
	T_ORIG_L4 = 1U << 2,
	T_REPL_L4 = 1U << 3,
	T_ORIG_SRC = 1U << 4,
	T_ORIG_DST = 1U << 5,
	T_REPL_SRC = 1U << 6,
	T_REPL_DST = 1U << 7,
	T_ORIG_SPORT = 1U << 8,
	T_ORIG_DPORT = 1U << 9,
	T_REPL_SPORT = 1U << 10,
	T_REPL_DPORT = 1U << 11,
	T_ICMP_TYPE = 1U << 12,
	T_ICMP_CODE = 1U << 13,
	T_ICMP_ID = 1U << 14,
	T_TIMEOUT = 1U << 15,
	T_STATUS = 1U << 16,
	T_ID = 1U << 17,
	T_SECMARK = 1U << 18,
	T_ZONE = 1U << 19,
	T_ORIG_ZONE = 1U << 20,
	T_REPL_ZONE = 1U << 21,
	T_TCP_STATE = 1U << 22,
	T_TCP_FLAGS = 1U << 23,
	T_SCTP_STATE = 1U << 24,
	T_SCTP_VTAG_ORIG = 1U << 25,
	T_SCTP_VTAG_REPL = 1U << 26,
	T_DCCP_STATE = 1U << 27,
	T_DCCP_ROLE = 1U << 28,
	T_SNAT = 1U << 29,
	T_DNAT = 1U << 30,
	T_SNAT_PORT = 1U << 31,
};
#define T_DNAT_PORT (UINT64_C(1) << 32)

/* The object 1.4.7 builds from the options: a filter template and a request. */
struct ct_tmpl {
	uint64_t set; /* T_* */
	uint8_t orig_l3, repl_l3, orig_l4, repl_l4;
	union ctf_addr orig_src, orig_dst, repl_src, repl_dst;
	uint16_t orig_sport, orig_dport, repl_sport, repl_dport; /* host order */
	uint8_t icmp_type, icmp_code, repl_icmp_type;
	uint16_t icmp_id;
	uint32_t timeout, status, id, secmark;
	uint16_t zone, orig_zone, repl_zone;
	uint8_t tcp_state, tcp_flags;
	uint8_t sctp_state;
	uint32_t vtag_orig, vtag_repl;
	uint8_t dccp_state, dccp_role;
	union ctf_addr snat, dnat;
	uint16_t snat_port, dnat_port;
	union ctf_addr mask_src, mask_dst; /* --mask-src/--mask-dst or CIDR */
	bool has_mask_src, has_mask_dst;
	/*
	 * Expectations: 1.4.7's separate "exptuple" (--tuple-*) and "mask"
	 * (--mask-*) objects. Addresses of the mask live in mask_src/mask_dst.
	 */
	struct ct_exp_tmpl {
		uint8_t l3, l4;
		union ctf_addr src, dst;
		uint16_t sport, dport; /* host order */
	} exp, mask;
};

/* A label bitmap as nfct_bitmask: the highest bit gives its size. */
struct ct_labels {
	bool set;
	unsigned int maxbit;
	uint8_t bits[CTF_LABELS_LEN];
};

struct ct_proto;

/* Everything the command line asked for. */
struct ct_cmd {
	unsigned int command; /* CT_CMD(bit), 0 for none */
	unsigned int cmd;     /* the bit, CT_NUMBER_OF_CMD for none */
	unsigned int options; /* CT_OPT(bit) */
	unsigned int table;
	int family;
	int protonum;
	const struct ct_proto *proto;
	unsigned int l4flags;
	unsigned int event_mask;
	unsigned int output; /* CT_O_* */
	size_t bufsize;
	struct ct_tmpl tmpl;
	struct {
		uint32_t value, mask;
	} mark;
	bool kmark_set, kstatus_set;
	uint32_t kmark_value, kmark_mask;
	uint32_t kstatus_value, kstatus_mask;
	struct ct_labels label;	       /* -l */
	struct ct_labels label_modify; /* --label-add / --label-del */
	char *labelmap_path;
	struct ctf_labelmap *labelmap;
	bool labelmap_borrowed; /* from struct ct_parse_shared: not ours to free */
	char *netns;
	bool any_nat_poison; /* -j ADDR: 1.4.7 wrote garbage into the orig source */
};

/* A parse failure: what main() prints, then the exit code. */
struct ct_err {
	int status; /* CT_PARAMETER_PROBLEM or CT_OTHER_PROBLEM */
	char msg[512];
};

/*
 * ct_args_parse - parse @argv as conntrack 1.4.7 does, into @ret_cmd (zeroed
 * first; release with ct_cmd_done()). Warnings go to @warn (may be NULL).
 * Never exits. Returns 0, or -1 with @err filled.
 */
int ct_args_parse(int argc, char **argv, struct ct_cmd *ret_cmd, FILE *warn, struct ct_err *err);

/* ct_cmd_done - free what ct_args_parse() allocated; accepts a zeroed cmd. */
void ct_cmd_done(struct ct_cmd *cmd);

/*
 * What 1.4.7 kept in globals across the lines of a load file: one label map
 * (loaded by the first line that needs it) and the -o mask, which every
 * line adds to and which the save check sees whole.
 */
struct ct_parse_shared {
	struct ctf_labelmap *labelmap; /* free with ctf_labelmap_free() */
	unsigned int output;	       /* CT_O_* of every line so far */
};

/*
 * ct_args_parse_shared - ct_args_parse() for one load-file line, with @sh
 * shared. Lines made only of exact option names and their arguments skip
 * getopt_long() (same result, see args.c); ct_args_fast_lines counts them.
 */
int ct_args_parse_shared(int argc, char **argv, struct ct_cmd *ret_cmd, FILE *warn,
			 struct ct_err *err, struct ct_parse_shared *sh);
extern unsigned long ct_args_fast_lines;

/* -R/--load-file words (loadfile.c). */
#define CT_LOAD_MAX_ARGS  255	/* 1.4.7's MAX_ARGC, argv[0] included */
#define CT_LOAD_MAX_TOKEN 1024	/* a word must be shorter */
#define CT_LOAD_LINE_MAX  10240 /* fgets() buffer: longer lines are read in pieces */

struct ct_load_args {
	int argc;
	char *argv[CT_LOAD_MAX_ARGS + 1];
	size_t used;
	char store[CT_LOAD_LINE_MAX + CT_LOAD_MAX_ARGS + 256]; /* the words, NUL-ended */
};

/*
 * ct_load_split - one line (as fgets() read it) into @a: argv[0] is
 * @progname, then the words. Returns the count (0 for a comment or an empty
 * line: nothing to run), or -1 with @err filled ("too many arguments",
 * "Parameter too long!"). The words live in @a until the next call.
 */
int ct_load_split(const char *line, const char *progname, struct ct_load_args *a,
		  struct ct_err *err);
void ct_load_args_done(struct ct_load_args *a);

/* Per-protocol handlers (proto.c). */
struct option;
struct ct_proto {
	const char *name;
	uint8_t protonum;
	const struct option *opts;
	/* Parse option @c (local value) with @arg; returns 0 or -1 with @err filled. */
	int (*parse)(int c, const char *arg, struct ct_cmd *cmd, struct ct_err *err);
	/* Legality per command, like the main matrix; NULL for none. */
	const char (*matrix)[16];
	unsigned int nopts;
	const char *const *optflags;
	const char *pair_msg[2]; /* "you have to specify ..." for orig / reply pair */
	unsigned int pair_flags[2];
	const char *help;
	void (*final)(struct ct_cmd *cmd); /* fix-ups after a passing check (tcp flags) */
};

extern const struct ct_proto ct_proto_unknown;
const struct ct_proto *ct_proto_find(const char *name, int *ret_protonum);
const struct ct_proto *ct_proto_by_num(int protonum);
/* Check the protocol options against @cmd's command; returns 0 or -1 with @err. */
int ct_proto_check(struct ct_cmd *cmd, struct ct_err *err);
int ct_err_set(struct ct_err *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Output: one large buffer, written with few syscalls. */
struct ct_out {
	char *buf;
	size_t len, size;
	int fd;
	int err;
};
int ct_out_init(struct ct_out *o, int fd);
void ct_out_done(struct ct_out *o);
void ct_out_flush(struct ct_out *o);
void ct_out_str(struct ct_out *o, const char *s);
void ct_out_flow(struct ct_out *o, const struct ctf_flow *f, const struct ctf_fmt *fmt);
void ct_out_printf(struct ct_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The state every command runs with. */
struct ct_ctx {
	struct ct_cmd *cmd;
	struct ctf_nl *nl; /* opened before parsing, as 1.4.7 does */
	struct ct_out out;
	unsigned int counter;
	const char *progname;
};

/* Stack buffer for one request (MNL_SOCKET_BUFFER_SIZE is not a constant). */
#define CT_REQ_SIZE 8192

/* The request object built from the template (cmd_create.c). */
void ct_tmpl_to_flow(const struct ct_cmd *cmd, struct ctf_flow *f);
void ct_tmpl_meta_to_flow(const struct ct_cmd *cmd, struct ctf_flow *f);
/* The entry -I/-A sends (tuples mirrored, meta, mark, labels). */
void ct_create_flow(const struct ct_cmd *cmd, struct ctf_flow *f);
/* One tuple as libnetfilter_conntrack sends it (addresses, protocol, ports). */
void ct_tuple_build(struct ctf_tuple *t, uint8_t l3, uint8_t l4, const union ctf_addr *src,
		    const union ctf_addr *dst, uint16_t sport, uint16_t dport);
unsigned int ct_labels_bytes(unsigned int maxbit);

/* Runners; each returns 0 or an exit code after printing its error. */
int ct_cmd_list(struct ct_ctx *ctx);
int ct_cmd_get(struct ct_ctx *ctx);
int ct_cmd_delete(struct ct_ctx *ctx);
int ct_cmd_update(struct ct_ctx *ctx);
int ct_cmd_create(struct ct_ctx *ctx);
int ct_cmd_flush(struct ct_ctx *ctx);
int ct_cmd_count(struct ct_ctx *ctx);
int ct_cmd_stats(struct ct_ctx *ctx);
void ct_usage(struct ct_ctx *ctx);
int ct_stats_proc(struct ct_ctx *ctx);

/* -R/--load-file FILE|- (cmd_load.c): returns 0 or the exit code after the message. */
int ct_cmd_load(struct ct_ctx *ctx, const char *progname, const char *file);

/* -E for both tables (cmd_event.c). */
int ct_cmd_event(struct ct_ctx *ctx);

/* Port id -> program name, cached (progname.c). */
#define CT_PROGNAME_SLOTS 256
struct ct_progname_slot {
	uint32_t portid;
	bool used, found;
	uint64_t checked_ns;
	char name[64];
};
struct ct_progname_cache {
	struct ct_progname_slot slot[CT_PROGNAME_SLOTS];
	unsigned long lookups; /* /proc scans made: for tests */
};
/*
 * ct_progname - the name of the process holding netlink port @portid (as
 * /proc/PID/stat shows it), or NULL when none is found. Answers are reused
 * for a second (@now_ns is CLOCK_REALTIME); the pointer is valid until the
 * next call.
 */
const char *ct_progname(struct ct_progname_cache *c, uint32_t portid, uint64_t now_ns);

/* The expectation table (cmd_expect.c). */
struct ctf_exp;
int ct_cmd_exp_list(struct ct_ctx *ctx);
int ct_cmd_exp_get(struct ct_ctx *ctx);
int ct_cmd_exp_delete(struct ct_ctx *ctx);
int ct_cmd_exp_create(struct ct_ctx *ctx);
int ct_cmd_exp_flush(struct ct_ctx *ctx);
int ct_cmd_exp_count(struct ct_ctx *ctx);
int ct_cmd_exp_stats(struct ct_ctx *ctx);
void ct_exp_fmt_init(const struct ct_cmd *cmd, struct ctf_fmt *fmt);
void ct_out_exp(struct ct_out *o, const struct ctf_exp *e, const struct ctf_fmt *fmt);

/* Helpers shared by the runners (cmd_misc.c, filters.c). */
void ct_build_filter(const struct ct_cmd *cmd, struct ctf_filter *f);
void ct_filter_match_nothing(struct ctf_filter *f);
void ct_fmt_init(const struct ct_cmd *cmd, struct ctf_fmt *fmt, bool labels, bool ktms);
const char *ct_err2str(int err, unsigned int command);
int ct_fail(struct ct_ctx *ctx, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ct_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ct_dump_request(struct ct_ctx *ctx, uint16_t type, const struct ctf_filter *f, unsigned int put,
		    ctf_nl_msg_cb cb, void *data);

#endif /* CONNTRACK_CONNTRACK_H */
