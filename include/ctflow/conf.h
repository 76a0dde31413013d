/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conntrackd.conf: conntrack-tools 1.4.7's grammar, extended with the
 * Collector and Exporters sections. One parser for every program.
 */
#ifndef CTFLOW_CONF_H
#define CTFLOW_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ctflow/ct.h>

#define CTF_CONF_DEFAULT_PATH "/etc/conntrackd/conntrackd.conf"
#define CTF_PROM_DEFAULT_PORT 19466 /* 9466 is taken in Prometheus port allocations: see README */

/* An address for Filter { Address ... }: network and prefix length. */
struct ctf_conf_net {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t prefix; /* bits */
	union ctf_addr addr;
};

/* General { Filter [From Userspace|Kernelspace] { ... } } */
struct ctf_conf_filter {
	bool kernelspace;	/* From Kernelspace */
	bool has_proto;		/* a Protocol clause was given */
	bool proto_accept;	/* Accept (true) or Ignore (false) the listed protocols */
	uint8_t protos[256];	/* 1 for each listed IPPROTO_* */
	bool has_addr;
	bool addr_accept;
	struct ctf_conf_net *nets; /* listed networks */
	size_t n_nets;
	bool has_state;
	bool state_accept;
	uint16_t tcp_states; /* bit per TCP conntrack state */
};

/* The General section (the parts every mode shares). */
struct ctf_conf_general {
	unsigned int hash_size;		/* HashSize */
	unsigned int hash_limit;	/* HashLimit */
	char *log_file;			/* LogFile path, NULL when off */
	int syslog_facility;		/* Syslog: LOG_* facility, -1 when off */
	char *lock_file;		/* LockFile */
	char *unix_path;		/* UNIX { Path } */
	size_t netlink_buffer_size;	/* NetlinkBufferSize, 0: system default */
	size_t netlink_buffer_max;	/* NetlinkBufferSizeMaxGrowth */
	int netlink_overrun_resync;	/* NetlinkOverrunResync seconds, -1 off */
	bool netlink_events_reliable;	/* NetlinkEventsReliable */
	unsigned int event_iteration_limit; /* EventIterationLimit */
	unsigned int poll_secs;		/* PollSecs, 0: events */
	struct ctf_conf_filter filter;	/* Filter { } */
};

/* Collector { } (ctflow extension): the flow-accounting main job. */
struct ctf_conf_collector {
	unsigned int readers;	    /* Readers N|auto: 0 = one per online CPU */
	size_t table_size;	    /* TableSize N|auto: 0 = from nf_conntrack_max */
	unsigned int active_timeout; /* ActiveTimeout seconds: interim records, 0 = off */
	unsigned int poll_interval; /* CounterPollInterval seconds between counter dumps */
	bool enable_accounting;	    /* EnableAccounting: set nf_conntrack_acct/timestamp */
	bool start_records;	    /* StartRecords: also emit a record on NEW */
	size_t ring_size;	    /* RingSize: records queued per reader */
	char *hostname;		    /* Hostname, NULL: gethostname() */
	char *netns;		    /* Namespace NAME|PATH to watch, NULL: our own */
};

/* Exporters { File { } Prometheus { } } (ctflow extension). */
struct ctf_conf_exporters {
	bool file_enabled;
	char *file_path;	   /* File { Path } */
	uint64_t rotate_bytes;	   /* RotateSize (accepts K/M/G suffixes) */
	unsigned int rotate_secs;  /* RotateInterval seconds */
	unsigned int keep;	   /* Keep N rotated files, 0 = all */
	bool plain_write;	   /* Writer write|uring */
	bool prom_enabled;
	char *prom_address;	   /* Prometheus { Address } */
	uint16_t prom_port;	   /* Prometheus { Port } */
};

enum ctf_conf_mode {
	CTF_CONF_MODE_NONE,	 /* no mode section: the collector runs on defaults */
	CTF_CONF_MODE_COLLECTOR, /* Collector { } */
	CTF_CONF_MODE_STATS,	 /* Stats { } (conntrackd 1.4.7) */
	CTF_CONF_MODE_SYNC,	 /* Sync { } (conntrackd 1.4.7) */
};

struct ctf_conf {
	char *path; /* file it was read from, NULL for embedded defaults */
	enum ctf_conf_mode mode;
	struct ctf_conf_general general;
	struct ctf_conf_collector collector;
	struct ctf_conf_exporters exporters;
	/* Sync, Stats and Helper sections are parsed and validated too; see conf.c. */
};

/* Where a configuration error is. */
struct ctf_conf_error {
	char file[256];
	unsigned int line;
	char token[64];
	char message[256];
};

/*
 * ctf_conf_load - parse the file at @path (NULL: embedded defaults only) over
 * the embedded defaults. Returns 0 and a configuration to free with
 * ctf_conf_free(); -EBADMSG with @ret_err filled for a syntax or value error;
 * -ENOENT or another -errno when the file cannot be read.
 */
int ctf_conf_load(struct ctf_conf **ret_conf, const char *path, struct ctf_conf_error *ret_err);

/* ctf_conf_parse - as ctf_conf_load(), from @len bytes of text named @name. */
int ctf_conf_parse(struct ctf_conf **ret_conf, const char *name, const char *text, size_t len,
		   struct ctf_conf_error *ret_err);

/* ctf_conf_free - free; accepts NULL. */
void ctf_conf_free(struct ctf_conf *conf);

#endif /* CTFLOW_CONF_H */
