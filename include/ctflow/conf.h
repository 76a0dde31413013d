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
	bool kernelspace;    /* From Kernelspace */
	bool has_proto;	     /* a Protocol clause was given */
	bool proto_accept;   /* Accept (true) or Ignore (false) the listed protocols */
	uint8_t protos[256]; /* 1 for each listed IPPROTO_* */
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
	unsigned int hash_size;		    /* HashSize */
	unsigned int hash_limit;	    /* HashLimit */
	char *log_file;			    /* LogFile path, NULL when off */
	int syslog_facility;		    /* Syslog: LOG_* facility, -1 when off */
	char *lock_file;		    /* LockFile */
	char *unix_path;		    /* UNIX { Path } */
	size_t netlink_buffer_size;	    /* NetlinkBufferSize, 0: system default */
	size_t netlink_buffer_max;	    /* NetlinkBufferSizeMaxGrowth */
	int netlink_overrun_resync;	    /* NetlinkOverrunResync seconds, -1 off */
	bool netlink_events_reliable;	    /* NetlinkEventsReliable */
	unsigned int event_iteration_limit; /* EventIterationLimit */
	unsigned int poll_secs;		    /* PollSecs, 0: events */
	struct ctf_conf_filter filter;	    /* Filter { } */
	bool systemd;			    /* Systemd (default on, as Debian builds it) */
	int sched_policy;   /* Scheduler { Type }: SCHED_RR (default) or SCHED_FIFO */
	int sched_priority; /* Scheduler { Priority } 0-99, -1: the policy's maximum */
	bool sched_given;   /* a Scheduler section was written */
};

/* A dedicated link of Sync { Multicast|UDP|TCP [Default] { } }. */
enum ctf_conf_channel_type {
	CTF_CONF_CHANNEL_MCAST,
	CTF_CONF_CHANNEL_UDP,
	CTF_CONF_CHANNEL_TCP,
};

#define CTF_CONF_MAX_CHANNELS 4 /* 1.4.7's MULTICHANNEL_MAX */

struct ctf_conf_channel {
	enum ctf_conf_channel_type type;
	bool is_default;       /* declared with Default */
	unsigned int line;     /* where the channel was declared */
	char *ifname;	       /* Interface (mandatory) */
	uint8_t family;	       /* AF_INET or AF_INET6 (the last address given decides) */
	union ctf_addr addr;   /* Multicast: group; UDP/TCP: our address (IPvN_address) */
	union ctf_addr ifaddr; /* Multicast: IPv4_interface */
	union ctf_addr dest;   /* UDP/TCP: IPvN_Destination_Address */
	uint16_t port;	       /* Multicast: Group; UDP/TCP: Port */
	unsigned int sndbuf;   /* SndSocketBuffer, 0: system default */
	unsigned int rcvbuf;   /* RcvSocketBuffer, 0: system default */
	bool checksum;	       /* Checksum (default on) */
};

/* Which protocol Sync runs: the first of FTFW, ALARM, NOTRACK that was given. */
enum ctf_conf_sync_mode {
	CTF_CONF_SYNC_FTFW, /* also the default when no Mode is given */
	CTF_CONF_SYNC_ALARM,
	CTF_CONF_SYNC_NOTRACK,
};

/* Sync { Options { CommitMode } } (ctflow): when the peer's states reach our kernel. */
enum ctf_conf_commit_mode {
	CTF_CONF_COMMIT_NORMAL = 0, /* Normal: on `conntrackd -c`, as 1.4.7 (the default) */
	CTF_CONF_COMMIT_EAGER,	    /* Eager: as they arrive; the external cache is kept */
};

/*
 * Sync { } (conntrackd 1.4.7). Timers are shared by all modes, as in 1.4.7.
 * commit_mode and the fields after it are ctflow's Options (doc/config-sync.md),
 * each off or neutral by default so that a 1.4.7 file behaves as before.
 */
struct ctf_conf_sync {
	enum ctf_conf_sync_mode mode;
	bool mode_given;		/* a Mode clause was present */
	unsigned int refresh_time;	/* RefreshTime (ALARM), default 60 */
	unsigned int cache_timeout;	/* CacheTimeout (ALARM), default 180 */
	unsigned int commit_timeout;	/* CommitTimeout, 0: estimate per entry */
	unsigned int purge_timeout;	/* PurgeTimeout, default 60 */
	unsigned int resend_queue_size; /* ResendQueueSize (FTFW), default 131072 */
	unsigned int window_size;	/* ACKWindowSize (FTFW), default 300 */
	bool disable_internal_cache;	/* DisableInternalCache (NOTRACK) */
	bool disable_external_cache;	/* DisableExternalCache */
	bool startup_resync;		/* StartupResync */
	bool tcp_window_tracking;	/* Options { TCPWindowTracking } */
	bool expect_sync;		/* Options { ExpectationSync on|{ list } } */
	char **expect_helpers;		/* the list (prefix match), NULL: every helper */
	size_t n_expect_helpers;
	unsigned int error_queue_length; /* TCP { ErrorQueueLength }, global as in 1.4.7; 128 */
	enum ctf_conf_commit_mode commit_mode; /* CommitMode Normal|Eager (case-sensitive) */
	bool resync_on_peer_restart;	       /* ResyncOnPeerRestart on|off, default on */
	unsigned int peer_dead_time;	       /* PeerDeadTime 0-3600 s, 0 = off (default) */
	unsigned int ready_peer_timeout;       /* ReadyPeerTimeout 1-3600 s, default 3 */
	unsigned int bulk_rate;		       /* BulkRate 0-10000000 objects/s, 0 = unpaced */
	unsigned int max_delay_ms;	       /* MaxDelay 0-1000 ms, default 0 */
	unsigned int external_stale_time;      /* ExternalStaleTime 0-31536000 s, 0 = off */
	struct ctf_conf_channel channels[CTF_CONF_MAX_CHANNELS];
	size_t n_channels;
	size_t default_channel; /* index; the first channel unless one says Default */
};

/* Stats { } (conntrackd 1.4.7): where destroyed flows are logged. */
struct ctf_conf_stats {
	char *log_file;	     /* LogFile path, NULL when off */
	int syslog_facility; /* Syslog: LOG_* facility, -1 when off */
};

/* Helper { Type NAME inet|inet6 tcp|udp { ... } } (user-space helpers, 1.4.7). */
struct ctf_conf_helper_policy {
	char name[17];
	unsigned int expect_max;
	unsigned int expect_timeout;
};

struct ctf_conf_helper_type {
	char *name;	 /* ftp, tftp, ... (1.4.7's built-in helpers) */
	uint8_t l3proto; /* AF_INET or AF_INET6 */
	uint8_t l4proto; /* IPPROTO_TCP or IPPROTO_UDP */
	unsigned int queue_num;
	unsigned int queue_len;
	struct ctf_conf_helper_policy *policies;
	size_t n_policies;
};

struct ctf_conf_helper {
	bool setup; /* Setup: register the helpers with the kernel at start */
	struct ctf_conf_helper_type *types;
	size_t n_types;
};

/* Collector { } (ctflow extension): the flow-accounting main job. */
struct ctf_conf_collector {
	unsigned int readers;	     /* Readers N|auto: 0 = one per online CPU */
	size_t table_size;	     /* TableSize N|auto: 0 = from nf_conntrack_max */
	unsigned int active_timeout; /* ActiveTimeout seconds: interim records, 0 = off */
	unsigned int poll_interval;  /* CounterPollInterval seconds between counter dumps */
	bool enable_accounting;	     /* EnableAccounting: set nf_conntrack_acct/timestamp */
	bool start_records;	     /* StartRecords: also emit a record on NEW */
	size_t ring_size;	     /* RingSize: records queued per reader */
	char *hostname;		     /* Hostname, NULL: gethostname() */
	char *netns;		     /* Namespace NAME|PATH to watch, NULL: our own */
};

/* Exporters { File { } Prometheus { } } (ctflow extension). */
struct ctf_conf_exporters {
	bool file_enabled;
	char *file_path;	  /* File { Path } */
	uint64_t rotate_bytes;	  /* RotateSize (accepts K/M/G suffixes) */
	unsigned int rotate_secs; /* RotateInterval seconds */
	unsigned int keep;	  /* Keep N rotated files, 0 = all */
	bool plain_write;	  /* Writer write|uring */
	bool prom_enabled;
	bool prom_given;    /* a Prometheus section was written, not just the default */
	char *prom_address; /* Prometheus { Address } */
	uint16_t prom_port; /* Prometheus { Port } */
};

enum ctf_conf_mode {
	CTF_CONF_MODE_NONE,	 /* no mode section: the collector runs on defaults */
	CTF_CONF_MODE_COLLECTOR, /* Collector { } */
	CTF_CONF_MODE_STATS,	 /* Stats { } (conntrackd 1.4.7) */
	CTF_CONF_MODE_SYNC,	 /* Sync { } (conntrackd 1.4.7) */
};

/* A warning for a value 1.4.7 ignores (it logs and goes on); we keep going too. */
struct ctf_conf_warning {
	unsigned int line;
	char message[192];
};

struct ctf_conf {
	char *path;		 /* file it was read from, NULL for embedded defaults */
	enum ctf_conf_mode mode; /* Sync, else Stats, else Collector, else NONE */
	bool collect;		 /* run the flow collector: Collector given, or no mode at all */
	bool has_helper;	 /* a Helper section was given */
	struct ctf_conf_general general;
	struct ctf_conf_collector collector;
	struct ctf_conf_exporters exporters;
	struct ctf_conf_sync sync;
	struct ctf_conf_stats stats;
	struct ctf_conf_helper helper;
	struct ctf_conf_warning *warnings; /* in file order; the caller logs them */
	size_t n_warnings;
};

/*
 * Where a configuration error is. @message says what was wrong and what was
 * expected, without the file and line; ctf_conf_strerror() joins them.
 * @line is 0 when the error is not tied to a line (a file that cannot be read).
 */
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

/*
 * ctf_conf_strerror - format @err as one line, "FILE:LINE: MESSAGE" (or
 * "FILE: MESSAGE" without a line), into @buf. Returns the length it needed,
 * as snprintf does.
 */
int ctf_conf_strerror(const struct ctf_conf_error *err, char *buf, size_t len);

#endif /* CTFLOW_CONF_H */
