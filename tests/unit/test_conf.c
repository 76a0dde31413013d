// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd.conf parser: every directive and its default, every error class
 * with its file, line and token, the warnings, the shipped examples, and
 * truncated input flush against a PROT_NONE page. Every input is parsed from
 * a buffer that ends where an unmapped page begins.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <arpa/inet.h>

#include <ctflow/conf.h>

#include "fixtures.h"

/* Parse @len bytes of @text from a copy whose last byte sits just before a PROT_NONE page. */
static int parse_len(const char *text, size_t len, struct ctf_conf **ret,
		     struct ctf_conf_error *err)
{
	struct ctf_guard g;
	const char *data;
	int r;

	assert_int_equal(ctf_guard_init(&g, len), 0);
	data = ctf_guard_place(&g, text, len, 1);
	assert_non_null(data);
	r = ctf_conf_parse(ret, "test.conf", data, len, err);
	ctf_guard_done(&g);
	return r;
}

static int parse(const char *text, struct ctf_conf **ret, struct ctf_conf_error *err)
{
	return parse_len(text, strlen(text), ret, err);
}

static void dump_channels(FILE *f, const struct ctf_conf_sync *s)
{
	char a[INET6_ADDRSTRLEN], i4[INET_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < s->n_channels; i++) {
		const struct ctf_conf_channel *c = &s->channels[i];

		inet_ntop(c->family, &c->addr, a, sizeof(a));
		inet_ntop(AF_INET, &c->ifaddr, i4, sizeof(i4));
		inet_ntop(c->family, &c->dest, d, sizeof(d));
		fprintf(f,
			"channel%zu %s%s if=%s addr=%s ifaddr=%s dest=%s port=%u snd=%u rcv=%u "
			"checksum=%d line=%u\n",
			i,
			c->type == CTF_CONF_CHANNEL_MCAST ? "mcast"
			: c->type == CTF_CONF_CHANNEL_UDP ? "udp"
							  : "tcp",
			c->is_default ? " default" : "", c->ifname, a, i4, d, c->port, c->sndbuf,
			c->rcvbuf, c->checksum, c->line);
	}
}

static void dump_filter(FILE *f, const struct ctf_conf_filter *flt)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;

	fprintf(f, "filter.kernelspace=%d\n", flt->kernelspace);
	if (flt->has_proto) {
		fprintf(f, "filter.proto %s", flt->proto_accept ? "accept" : "ignore");
		for (i = 0; i < 256; i++)
			if (flt->protos[i])
				fprintf(f, " %zu", i);
		fprintf(f, "\n");
	}
	if (flt->has_addr)
		fprintf(f, "filter.addr %s\n", flt->addr_accept ? "accept" : "ignore");
	for (i = 0; i < flt->n_nets; i++) {
		inet_ntop(flt->nets[i].family, &flt->nets[i].addr, a, sizeof(a));
		fprintf(f, "filter.net %s/%u\n", a, flt->nets[i].prefix);
	}
	if (flt->has_state)
		fprintf(f, "filter.state %s %#x\n", flt->state_accept ? "accept" : "ignore",
			flt->tcp_states);
}

static void dump_general(FILE *f, const struct ctf_conf_general *g)
{
	fprintf(f, "hash_size=%u\nhash_limit=%u\nlog_file=%s\nsyslog=%d\nlock_file=%s\n",
		g->hash_size, g->hash_limit, g->log_file ? g->log_file : "-", g->syslog_facility,
		g->lock_file);
	fprintf(f, "unix_path=%s\nnl_buffer=%zu\nnl_max=%zu\noverrun=%d\nreliable=%d\n",
		g->unix_path ? g->unix_path : "-", g->netlink_buffer_size, g->netlink_buffer_max,
		g->netlink_overrun_resync, g->netlink_events_reliable);
	fprintf(f, "iter=%u\npoll=%u\nsystemd=%d\nsched=%d/%d\n", g->event_iteration_limit,
		g->poll_secs, g->systemd, g->sched_policy, g->sched_priority);
	dump_filter(f, &g->filter);
}

static void dump_sync(FILE *f, const struct ctf_conf_sync *s)
{
	size_t i;

	fprintf(f, "sync.mode=%d given=%d\nrefresh=%u\ncache=%u\ncommit=%u\npurge=%u\n", s->mode,
		s->mode_given, s->refresh_time, s->cache_timeout, s->commit_timeout,
		s->purge_timeout);
	fprintf(f, "resend=%u\nwindow=%u\nint_off=%d\next_off=%d\nresync=%d\n",
		s->resend_queue_size, s->window_size, s->disable_internal_cache,
		s->disable_external_cache, s->startup_resync);
	fprintf(f, "window_tracking=%d\nexpect=%d", s->tcp_window_tracking, s->expect_sync);
	for (i = 0; i < s->n_expect_helpers; i++)
		fprintf(f, " %s", s->expect_helpers[i]);
	fprintf(f, "\nerrq=%u\ndefault_channel=%zu\n", s->error_queue_length, s->default_channel);
	fprintf(f, "commit_mode=%d\nresync_on_restart=%d\npeer_dead=%u\nready_timeout=%u\n",
		s->commit_mode, s->resync_on_peer_restart, s->peer_dead_time,
		s->ready_peer_timeout);
	fprintf(f, "bulk_rate=%u\nmax_delay=%u\nstale=%u\n", s->bulk_rate, s->max_delay_ms,
		s->external_stale_time);
	dump_channels(f, s);
}

static void dump_helper(FILE *f, const struct ctf_conf *c)
{
	size_t i, j;

	fprintf(f, "stats.log=%s\nstats.syslog=%d\n", c->stats.log_file ? c->stats.log_file : "-",
		c->stats.syslog_facility);
	fprintf(f, "helper=%d setup=%d\n", c->has_helper, c->helper.setup);
	for (i = 0; i < c->helper.n_types; i++) {
		const struct ctf_conf_helper_type *h = &c->helper.types[i];

		fprintf(f, "type %s/%u/%u queue=%u len=%u\n", h->name, h->l3proto, h->l4proto,
			h->queue_num, h->queue_len);
		for (j = 0; j < h->n_policies; j++)
			fprintf(f, "policy %s max=%u timeout=%u\n", h->policies[j].name,
				h->policies[j].expect_max, h->policies[j].expect_timeout);
	}
}

static void dump_collector(FILE *f, const struct ctf_conf *c)
{
	const struct ctf_conf_collector *k = &c->collector;
	const struct ctf_conf_exporters *e = &c->exporters;

	fprintf(f, "mode=%d collect=%d\n", c->mode, c->collect);
	fprintf(f, "readers=%u\ntable=%zu\nactive=%u\npoll_interval=%u\nacct=%d\nstart=%d\n",
		k->readers, k->table_size, k->active_timeout, k->poll_interval,
		k->enable_accounting, k->start_records);
	fprintf(f, "ring=%zu\nhostname=%s\nnetns=%s\n", k->ring_size,
		k->hostname ? k->hostname : "-", k->netns ? k->netns : "-");
	fprintf(f, "file=%d %s\nrotate=%llu/%u\nkeep=%u\nwriter=%s\n", e->file_enabled,
		e->file_path, (unsigned long long)e->rotate_bytes, e->rotate_secs, e->keep,
		e->plain_write ? "write" : "uring");
	fprintf(f, "prometheus=%d %s:%u\n", e->prom_enabled, e->prom_address, e->prom_port);
}

/* Everything in @c, one "key=value" per line, so tables can look for lines. */
static char *dump(const struct ctf_conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	dump_general(f, &c->general);
	dump_sync(f, &c->sync);
	dump_helper(f, c);
	dump_collector(f, c);
	fclose(f);
	return buf;
}

/* @want holds lines separated by '|'; each must be a whole line of the dump. */
static void assert_dump_has(const char *text, const struct ctf_conf *c, const char *want)
{
	char *d = dump(c), *w = strdup(want), *save = NULL, *line;

	for (line = strtok_r(w, "|", &save); line; line = strtok_r(NULL, "|", &save)) {
		char needle[512];

		snprintf(needle, sizeof(needle), "\n%s\n", line);
		if (!strstr(d, needle) && strncmp(d, needle + 1, strlen(needle + 1))) {
			print_error("input:\n%s\nmissing line '%s' in:\n%s", text, line, d);
			fail();
		}
	}
	free(w);
	free(d);
}

struct value_case {
	const char *text;
	const char *want; /* dump lines, '|'-separated */
};

#define GS(body) "General {\n" body "\n}\nStats {\n}\n"
#define MCB                                                                                   \
	" IPv4_address 225.0.0.50\n Group 3780\n IPv4_interface 192.168.100.100\n Interface " \
	"eth2\n"
#define SYNC(body)	 "Sync {\n" body "\n Multicast {\n" MCB " }\n}\n"
#define LINK(kind, body) "Sync {\n Mode FTFW {\n }\n " kind " {\n" body "\n }\n}\n"
#define MC		 " Multicast {\n" MCB " }\n"
#define UDPB                                                                                    \
	" IPv4_address 192.168.100.100\n IPv4_Destination_Address 192.168.100.2\n Port 3780\n " \
	"Interface eth2\n"

static const struct value_case value_cases[] = {
	/* embedded defaults (1.4.7's, and ours for the collector) */
	{ "", "hash_size=65536|hash_limit=262144|log_file=-|syslog=-1|"
	      "lock_file=/var/lock/conntrackd.lock|unix_path=-|overrun=30|reliable=0|iter=100|"
	      "poll=0|systemd=1|sched=2/-1|mode=0 collect=1|readers=0|table=0|active=60|"
	      "poll_interval=10|acct=0|start=0|ring=65536|hostname=-|netns=-|"
	      "file=1 /var/lib/ctflow/flows.pb|rotate=268435456/3600|keep=48|writer=uring|"
	      "prometheus=1 127.0.0.1:19466|stats.log=-|stats.syslog=-1|helper=0 setup=0" },
	/* General */
	{ GS(" HashSize 100\n HashLimit 1000"), "hash_size=100|hash_limit=1000|mode=2 collect=0" },
	{ GS(" HashSize 0"), "hash_size=65536" },
	{ GS(" LogFile on"), "log_file=/var/log/conntrackd.log" },
	{ GS(" LogFile /run/x.log"), "log_file=/run/x.log" },
	{ GS(" LogFile /run/x.log\n LogFile off"), "log_file=-" },
	{ GS(" LogFile /run/x.log\r"), "log_file=/run/x.log" },
	{ GS(" LogFile /run/a}b#c"), "log_file=/run/a}b#c" },
	{ GS(" Syslog on"), "syslog=24" },
	{ GS(" Syslog local3"), "syslog=152" },
	{ GS(" Syslog local3\n Syslog off"), "syslog=-1" },
	{ GS(" Syslog LOCAL3"), "syslog=-1" },
	{ GS(" LockFile /run/lock/x"), "lock_file=/run/lock/x" },
	{ GS(" UNIX {\n Path /run/c.ctl\n Backlog 20\n }"), "unix_path=/run/c.ctl" },
	{ GS(" NetlinkBufferSize 2097152\n NetlinkBufferSizeMaxGrowth 8388608"),
	  "nl_buffer=2097152|nl_max=8388608" },
	{ GS(" SocketBufferSize 1\n SocketBufferSizeMaxGrown 2"), "nl_buffer=1|nl_max=2" },
	{ GS(" SocketBufferSizeMaxGrowth 3"), "nl_max=3" },
	{ GS(" NetlinkOverrunResync off"), "overrun=-1" },
	{ GS(" NetlinkOverrunResync 7"), "overrun=7" },
	{ GS(" NetlinkOverrunResync 0"), "overrun=30" },
	{ GS(" NetlinkEventsReliable YES"), "reliable=1" },
	{ GS(" NetlinkEventsReliable ||"), "reliable=1" },
	{ GS(" NetlinkEventsReliable nO"), "reliable=0" },
	{ GS(" EventIterationLimit 5"), "iter=5" },
	{ GS(" PollSecs 9"), "poll=9" },
	{ GS(" Nice -20"), "hash_size=65536" },
	{ GS(" Scheduler {\n Type fifo\n Priority 99\n }"), "sched=1/99" },
	{ GS(" Systemd no"), "systemd=0" },
	{ "General{HashSize 10}Stats{}", "hash_size=10" },
	/* 1.4.7 took NUL and bytes over 0x7f for the end of input: at top level it stops there */
	{ "Stats {\n}\n\xb9 General { broken", "mode=2 collect=0|hash_size=65536" },
	{ "General {\n HashSize 7\n}\n\x00 General { HashSize 8", "mode=0 collect=1|hash_size=7" },
	{ GS(" HashSize 10 # comment"), "hash_size=10" },
	{ GS(" HashSize 2147483647"), "hash_size=2147483647" },
	/* Filter */
	{ GS(" Filter {\n Protocol Accept {\n TCP\n UDP\n sctp\n ICMP\n }\n }"),
	  "filter.kernelspace=0|filter.proto accept 1 6 17 132" },
	{ GS(" Filter From Kernelspace {\n Protocol Ignore {\n nosuchproto\n }\n }"),
	  "filter.kernelspace=1|filter.proto ignore" },
	{ GS(" Filter From Userspace {\n Address Ignore {\n IPv4_address 127.0.0.1\n"
	     " IPv4_address 10.0.0.0/8\n IPv4_address 010.0.0.1\n IPv6_address ::1\n"
	     " IPv6_address fe80::/64\n IPv4_address 1.2.3.4/32\n }\n }"),
	  "filter.addr ignore|filter.net 127.0.0.1/32|filter.net 10.0.0.0/8|"
	  "filter.net 8.0.0.1/32|filter.net ::1/128|filter.net fe80::/64|filter.net 1.2.3.4/32" },
	{ GS(" Filter {\n Address Accept {\n IPv4_address 999.1.1.1\n IPv4_address 1.2.3.4/40\n"
	     " IPv6_address 1.2.3.4\n IPv4_address 1.1.1.1\n IPv4_address 1.1.1.1\n }\n }"),
	  "filter.addr accept|filter.net 1.1.1.1/32" },
	{ GS(" Filter {\n State Accept {\n ESTABLISHED CLOSED for TCP SYN_SENT LISTEN for TCP\n"
	     " }\n }"),
	  "filter.state accept 0x30a" },
	{ GS(" Filter {\n State Ignore {\n for TCP\n }\n }"), "filter.state ignore 0" },
	/* Sync */
	{ SYNC(" Mode FTFW {\n }"), "sync.mode=0 given=1|refresh=60|cache=180|commit=0|purge=60|"
				    "resend=131072|window=300|errq=128|mode=3 collect=0" },
	{ SYNC(""), "sync.mode=0 given=0" },
	{ SYNC(" Mode ALARM {\n RefreshTime 5\n CacheTimeout 6\n CommitTimeout 7\n"
	       " PurgeTimeout 8\n }"),
	  "sync.mode=1 given=1|refresh=5|cache=6|commit=7|purge=8" },
	{ SYNC(" Mode PERSISTENT {\n }"), "sync.mode=1 given=1" },
	{ SYNC(" Mode NACK {\n ResendQueueSize 5\n ACKWindowSize 6\n DisableExternalCache on\n"
	       " StartupResync yes\n }"),
	  "sync.mode=0 given=1|resend=5|window=6|ext_off=1|resync=1" },
	{ SYNC(" Mode notrack {\n DisableInternalCache on\n CommitTimeout 3\n }"),
	  "sync.mode=2 given=1|int_off=1|commit=3" },
	{ SYNC(" Mode FTFW {\n CommitTimeout 3\n DisableExternalCache on\n }"),
	  "commit=0|ext_off=1" },
	{ SYNC(" Mode NOTRACK {\n }\n Mode ALARM {\n }"), "sync.mode=1 given=1" },
	{ SYNC(" Mode NOTRACK {\n }\n Mode FTFW {\n }"), "sync.mode=0 given=1" },
	{ SYNC(" RefreshTime 1\n CacheTimeout 2\n CommitTimeout 3\n PurgeTimeout 4"),
	  "refresh=1|cache=2|commit=3|purge=4" },
	{ SYNC(" Options {\n TCPWindowTracking on\n ExpectationSync {\n ftp\n sip\n q.931\n }\n }"),
	  "window_tracking=1|expect=1 ftp sip q.931" },
	{ SYNC(" Options {\n ExpectationSync on\n }\n Options {\n ExpectationSync off\n }"),
	  "expect=0" },
	{ SYNC(""), "channel0 mcast if=eth2 addr=225.0.0.50 ifaddr=192.168.100.100 dest=0.0.0.0 "
		    "port=3780 snd=0 rcv=0 checksum=1 line=3|default_channel=0" },
	{ LINK("Multicast Default", MCB " SndSocketBuffer 1\n RcvSocketBuffer 2\n Checksum off\n"
					" IPv6_interface ::1"),
	  "channel0 mcast default if=eth2 addr=225.0.0.50 ifaddr=192.168.100.100 dest=0.0.0.0 "
	  "port=3780 snd=1 rcv=2 checksum=0 line=4" },
	{ LINK("Multicast", " IPv6_address ff02::1\n Group 3780\n Interface eth2"),
	  "channel0 mcast if=eth2 addr=ff02::1 ifaddr=0.0.0.0 dest=:: port=3780 snd=0 rcv=0 "
	  "checksum=1 line=4" },
	{ LINK("UDP", UDPB " Checksum off"),
	  "channel0 udp if=eth2 addr=192.168.100.100 ifaddr=0.0.0.0 dest=192.168.100.2 port=3780 "
	  "snd=0 rcv=0 checksum=0 line=4" },
	{ LINK("UDP",
	       " IPv6_address fd00::1\n IPv6_Destination_Address fd00::2\n Interface br-lan"),
	  "channel0 udp if=br-lan addr=fd00::1 ifaddr=0.0.0.0 dest=fd00::2 port=0 snd=0 rcv=0 "
	  "checksum=1 line=4" },
	{ LINK("TCP Default", UDPB " ErrorQueueLength 9"), "errq=9|default_channel=0" },
	{ "Sync {\n Mode FTFW {\n }\n UDP {\n" UDPB " }\n UDP Default {\n" UDPB " }\n UDP {\n" UDPB
	  " }\n}\n",
	  "default_channel=1" },
	{ "Sync {\n Mode FTFW {\n }\n Multicast {\n" MCB " }\n}\nSync {\n Multicast {\n" MCB
	  " }\n}\n",
	  "channel1 mcast if=eth2 addr=225.0.0.50 ifaddr=192.168.100.100 dest=0.0.0.0 port=3780 "
	  "snd=0 rcv=0 checksum=1 line=12" },
	/* Stats */
	{ "Stats {\n LogFile on\n Syslog local7\n}\n",
	  "stats.log=/var/log/conntrackd-stats.log|stats.syslog=184|mode=2 collect=0" },
	{ "Stats {\n LogFile /run/s.log\n}\nStats {\n Syslog on\n}\n",
	  "stats.log=/run/s.log|stats.syslog=24" },
	/* Helper */
	{ "Helper {\n Setup yes\n Type ftp inet tcp {\n QueueNum 5\n QueueLen 10\n Policy ftp {\n"
	  " ExpectMax 2\n ExpectTimeout 300\n }\n }\n Type rpc inet6 udp {\n }\n}\n",
	  "helper=1 setup=1|type ftp/2/6 queue=5 len=10|policy ftp max=2 timeout=300|"
	  "type rpc/10/17 queue=0 len=0|mode=0 collect=1" },
	/* 1.4.7's stack: the first QueueNum is drained last and wins; a stray one is kept */
	{ "Helper {\n QueueNum 7\n Type tftp inet udp {\n QueueNum 1\n QueueNum 2\n }\n}\n",
	  "type tftp/2/17 queue=7 len=0" },
	{ "Helper {\n Type ftp inet tcp {\n Policy ftp {\n ExpectMax 1\n }\n Policy ftp {\n"
	  " ExpectTimeout 9\n }\n }\n}\n",
	  "policy ftp max=1 timeout=0" },
	/* ctflow sections */
	{ "Collector {\n Readers 4\n TableSize 100000\n ActiveTimeout 0\n CounterPollInterval 2\n"
	  " EnableAccounting on\n StartRecords YES\n RingSize 1024\n Hostname node-1\n"
	  " Namespace /run/netns/blue\n}\n",
	  "readers=4|table=100000|active=0|poll_interval=2|acct=1|start=1|ring=1024|"
	  "hostname=node-1|netns=/run/netns/blue|mode=1 collect=1|file=1 /var/lib/ctflow/flows.pb|"
	  "prometheus=1 127.0.0.1:19466" },
	{ "Collector {\n Readers auto\n TableSize auto\n Hostname auto\n Namespace \"blue "
	  "net\"\n}\n",
	  "readers=0|table=0|hostname=-|netns=blue net" },
	{ "Exporters {\n File {\n Path /srv/f.pb\n RotateSize 1G\n RotateInterval 0\n Keep 0\n"
	  " Writer write\n }\n}\n",
	  "file=1 /srv/f.pb|rotate=1073741824/0|keep=0|writer=write|prometheus=0 127.0.0.1:19466|"
	  "mode=0 collect=1" },
	{ "Exporters {\n Prometheus {\n Address ::\n Port 9100\n }\n}\n",
	  "file=0 /var/lib/ctflow/flows.pb|prometheus=1 :::9100" },
	{ "Exporters {\n File {\n RotateSize 512k\n }\n}\n", "rotate=524288/3600" },
	{ "Collector {\n}\nSync {\n Mode FTFW {\n }\n Multicast {\n" MCB " }\n}\n",
	  "mode=3 collect=1" },
	{ "General {\n NetlinkBufferSize 4194304\n NetlinkEventsReliable on\n Filter {\n"
	  " Protocol Accept {\n TCP\n }\n }\n}\nCollector {\n}\n",
	  "nl_buffer=4194304|reliable=1|filter.proto accept 6|mode=1 collect=1" },
};

static void check_values(const struct value_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct ctf_conf_error err;
		struct ctf_conf *c = NULL;
		int r = parse(cases[i].text, &c, &err);

		if (r < 0) {
			print_error("input:\n%s\nrejected: line %u: %s\n", cases[i].text, err.line,
				    err.message);
			fail();
		}
		assert_dump_has(cases[i].text, c, cases[i].want);
		ctf_conf_free(c);
	}
}

static void test_conf_values(void **state)
{
	check_values(value_cases, sizeof(value_cases) / sizeof(value_cases[0]));
}

struct error_case {
	const char *text;
	unsigned int line;
	const char *token;   /* the offending token as 1.4.7 printed it ("" at end of file) */
	const char *message; /* a substring of ours */
};

static const struct error_case error_cases[] = {
	/* syntax errors: same line and token as 1.4.7's "symbol 'X'" */
	{ "general {\n}\n", 1, "general", "unexpected 'general' at top level: expected General" },
	{ "\n\nFoo {\n}\n", 3, "Foo", "at top level" },
	{ "General {\n Foo 1\n}\n", 2, "Foo",
	  "unexpected 'Foo' in General: expected HashSize, HashLimit" },
	{ "General {\n HashSize 10\n", 3, "", "unexpected end of file in General" },
	{ "General {\n HashSize 10", 2, "", "end of file" },
	{ "General {\n HashSize 10\x00\n}\n", 2, "", "end of file" },
	{ "General {\n HashSize -1\n}\n", 2, "-1", "after 'HashSize': expected a number" },
	{ "General {\n HashSize 10k\n}\n", 2, "k", "unexpected 'k' in General" },
	{ "General {\n HashSize 10a\n}\n", 2, "10a", "expected a number" },
	{ "General {\n HashSize 0x10\n}\n", 2, "x10", "unexpected 'x10'" },
	{ "General {\n HashSize 1.5\n}\n", 2, ".", "'.'" },
	{ "General {\n LockFile \"/run/x\"\n}\n", 2, "\"", "expected an absolute path" },
	{ "General {\n LockFile x.lock\n}\n", 2, "x.lock", "expected an absolute path" },
	{ "General {\n LockFile /run/x\t# c\n}\n", 2, "c", "unexpected 'c' in General" },
	{ "General {\n LogFile foo\n}\n", 2, "foo", "expected on, off or an absolute path" },
	{ "General {\n NetlinkEventsReliable true\n}\n", 2, "true", "expected on, off, yes or no" },
	{ "General {\n Syslog abc\n}\n", 2, "abc", "expected on, off, daemon or local0-local7" },
	{ "General {\n Nice 5\n}\n", 2, "5", "expected a signed number" },
	{ "General {\n NetlinkOverrunResync -5\n}\n", 2, "-5", "expected on, off or seconds" },
	{ "General {\n UNIX {\n Path foo\n }\n}\n", 3, "foo", "expected an absolute path" },
	{ "General {\n Filter From {\n }\n}\n", 2, "{", "expected Userspace or Kernelspace" },
	{ "General {\n Filter {\n Protocol Accept {\n 6\n }\n }\n}\n", 4, "6",
	  "expected a protocol name" },
	{ "General {\n Filter {\n State Accept {\n ESTABLISHED\n }\n }\n}\n", 5, "}",
	  "expected a TCP state such as ESTABLISHED, 'for TCP'" },
	{ "General {\n Filter {\n State Accept {\n ESTABLISHED for UDP\n }\n }\n}\n", 4, "UDP",
	  "expected TCP" },
	{ "General {\n Filter {\n Address Ignore {\n Interface eth0\n }\n }\n}\n", 4, "Interface",
	  "expected IPv4_address, IPv6_address or '}'" },
	{ "General {\n Filter {\n Address Ignore {\n IPv6_address ::ffff:1.2.3.4\n }\n }\n}\n", 4,
	  ".", "unexpected '.'" },
	{ "General {\n Filter {\n Address Ignore {\n IPv6_address 1:2:3:4:5:6:7:8:9\n }\n }\n}\n",
	  4, ":", "unexpected ':'" },
	{ "General {\n Filter {\n Address Ignore {\n IPv6_address abcde\n }\n }\n}\n", 4, "abcde",
	  "expected an address" },
	{ "General {\n Filter {\n Address Ignore {\n IPv6_address 1.2.3.4/\n }\n }\n}\n", 4, "/",
	  "unexpected '/'" },
	{ "General {\n HashSize 10\n}\n# no newline", 4, "#", "at top level" },
	{ "General {\n HashSize 10 \xc3\xa9\n}\n", 2, "\xc3", "byte 0xc3" },
	{ "General {\x0b HashSize 10\n}\n", 1, "\x0b", "byte 0x0b" },
	{ "General {\r Foo 10\r}\r", 1, "Foo", "in General" },
	{ "Stats {\n NetlinkEventsReliable on\n}\n", 2, "NetlinkEventsReliable",
	  "in Stats: expected LogFile, Syslog or '}'" },
	{ "Sync {\n Checksum on\n}\n", 2, "Checksum", "in Sync" },
	{ "Sync {\n Mode FTFW {\n RefreshTime 5\n }\n}\n", 3, "RefreshTime", "in Mode FTFW" },
	{ "Sync {\n Mode ALARM {\n ResendQueueSize 5\n }\n}\n", 3, "ResendQueueSize",
	  "in Mode ALARM" },
	{ "Sync {\n Mode NOTRACK {\n ACKWindowSize 5\n }\n}\n", 3, "ACKWindowSize",
	  "in Mode NOTRACK" },
	{ "Sync {\n Mode FTFW\n Multicast {\n }\n}\n", 3, "Multicast", "expected '{'" },
	{ "Sync {\n Mode SLOW {\n }\n}\n", 2, "SLOW", "expected FTFW, ALARM or NOTRACK" },
	{ "Sync {\n Mode nack {\n }\n Mode x\n}\n", 4, "x", "expected FTFW" },
	{ "Sync {\n Multicast {\n Port 1\n }\n}\n", 3, "Port", "in Multicast" },
	{ "Sync {\n UDP {\n Group 1\n }\n}\n", 3, "Group", "in UDP" },
	{ "Sync {\n UDP {\n ErrorQueueLength 1\n }\n}\n", 3, "ErrorQueueLength", "in UDP" },
	{ "Sync {\n UDP {\n Interface on\n }\n}\n", 3, "on", "expected an interface name" },
	{ "Sync {\n UDP {\n Interface eth2:1\n }\n}\n", 3, ":", "unexpected ':' in UDP" },
	{ "Sync {\n Options {\n ExpectationSync {\n abc\n }\n }\n}\n", 4, "abc",
	  "expected a helper name" },
	{ "Helper {\n Type ftp inet TCP {\n }\n}\n", 2, "TCP", "expected tcp or udp" },
	{ "Helper {\n Type ftp inet tcp {\n Setup yes\n }\n}\n", 3, "Setup", "in Type" },
	{ "Helper {\n Type ftp inet tcp\n}\n", 3, "}", "expected '{'" },
	{ "Stats {\n Type ftp inet tcp {\n }\n}\n", 2, "Type", "in Stats" },
	{ "\n\nPERSISTENT\n", 3, "PERSISTENT", "at top level" },
	/* 1.4.7's class for the last letter of PERSISTENT is [T|T]: this is a plain word */
	{ "Sync {\n Mode persistent {\n }\n}\n", 2, "persistent",
	  "expected FTFW, ALARM or NOTRACK" },
	/* value errors 1.4.7 raised while parsing */
	{ "Stats {\n}\nSync {\n}\n", 3, "Sync", "cannot use both 'Stats' and 'Sync'" },
	{ "Sync {\n}\nStats {\n}\n", 3, "Stats", "cannot use both 'Stats' and 'Sync'" },
	{ "General {\n PollSecs 0\n}\n", 2, "PollSecs", "'PollSecs' must be greater than 0" },
	{ "General {\n Scheduler {\n Type OTHER\n }\n}\n", 3, "OTHER",
	  "unknown scheduler 'OTHER'" },
	{ "General {\n Scheduler {\n Priority 100\n }\n}\n", 3, "100", "at most 99" },
	{ "Sync {\n Multicast {\n" MCB " }\n UDP {\n" UDPB " }\n}\n", 8, "UDP",
	  "cannot use 'UDP' with other dedicated link protocols" },
	{ "Sync {\n" MC MC MC MC " Multicast {\n Group 1\n }\n}\n", 27, "Group",
	  "too many dedicated links" },
	{ "Helper {\n Type ftp ipv4 tcp {\n }\n}\n", 2, "ipv4", "unknown layer 3 protocol 'ipv4'" },
	{ "Helper {\n Type ftp inet sctp {\n }\n}\n", 2, "sctp",
	  "unknown layer 4 protocol 'sctp'" },
	{ "Helper {\n Type ftp inet udp {\n }\n}\n", 2, "ftp", "unknown helper 'ftp' for udp" },
	{ "Helper {\n Type ftp inet tcp {\n Policy foo {\n ExpectMax 1\n }\n }\n}\n", 2, "ftp",
	  "unknown policy 'foo' for helper 'ftp'" },
	{ "Helper {\n Type ftp inet tcp {\n Policy ftp {\n }\n }\n}\n", 3, "ftp",
	  "Policy 'ftp' is empty" },
	{ "Helper {\n Type ftp inet tcp {\n Policy ftpxxxxxxxxxxxxxx {\n ExpectMax 1\n }\n }\n}\n",
	  3, "ftpxxxxxxxxxxxxxx", "longer than 16 characters" },
	{ "Helper {\n Policy foo {\n ExpectMax 1\n }\n Type ftp inet tcp {\n }\n}\n", 5, "ftp",
	  "unknown policy 'foo'" },
	/* what 1.4.7 refused at start-up, from the file alone */
	{ "Sync {\n Mode FTFW {\n }\n}\n", 1, "", "Sync needs a dedicated link" },
	{ LINK("Multicast", " IPv4_address 225.0.0.50\n IPv4_interface 192.168.100.100"), 4, "",
	  "the Multicast link needs an Interface" },
	{ LINK("UDP", " Interface eth2"), 4, "", "the UDP link needs an address" },
	{ LINK("Multicast", " IPv4_interface 192.168.100.100\n Interface eth2"), 4, "",
	  "needs its group" },
	{ LINK("Multicast", " IPv4_address 22.0.0.50\n Interface eth2"), 4, "",
	  "is not a multicast address" },
	{ LINK("TCP", " IPv4_address 192.168.100.100\n Port 3780"), 4, "", "needs an Interface" },
	/* deliberate differences: 1.4.7 wrapped, overflowed or crashed here */
	{ GS(" HashSize 99999999999999999999"), 2, "99999999999999999999", "is too large" },
	{ GS(" EventIterationLimit 2147483648"), 2, "2147483648", "is too large" },
	{ LINK("UDP", UDPB " Port 70000"), 9, "70000", "at most 65535" },
	{ LINK("UDP", " Interface abcdefghijklmnopq"), 5, "abcdefghijklmnopq", "is too long" },
	{ LINK("Multicast", " IPv4_address 225.0.0.50\n IPv6_address ff02::1\n Interface eth2"), 6,
	  "ff02::1", "this Multicast link is already IPv4" },
	{ "Sync {\n Mode FTFW {\n }\n" MC MC MC MC " Multicast Default {\n }\n}\n", 28, "Multicast",
	  "too many dedicated links" },
	{ GS(" UNIX {\n Path /run/"
	     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	     "xx"
	     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n }"),
	  3, "/run/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	  "path is too long" },
	/* ctflow sections */
	{ "Collector {\n Readers many\n}\n", 2, "many", "invalid 'Readers' value 'many'" },
	{ "Collector {\n Readers 0\n}\n", 2, "0", "expected a number 1-1024" },
	{ "Collector {\n CounterPollInterval 0\n}\n", 2, "0", "1-2147483647" },
	{ "Collector {\n EnableAccounting maybe\n}\n", 2, "maybe", "expected on, off, yes or no" },
	{ "Collector {\n Readers\n}\n", 2, "", "expected a value after 'Readers'" },
	{ "Collector {\n Hostname \"a\n}\n", 2, "", "unterminated quoted value" },
	{ "Collector {\n Foo 1\n}\n", 2, "Foo", "in Collector: expected Readers, TableSize" },
	{ "Exporters {\n File {\n RotateSize 10X\n }\n}\n", 3, "10X", "K, M or G suffix" },
	{ "Exporters {\n File {\n Path relative.pb\n }\n}\n", 3, "", "must be absolute" },
	{ "Exporters {\n File {\n Writer mmap\n }\n}\n", 3, "mmap", "expected uring or write" },
	{ "Exporters {\n Prometheus {\n Port 0\n }\n}\n", 3, "0", "1-65535" },
	{ "Exporters {\n Prometheus {\n Address localhost\n }\n}\n", 3, "localhost",
	  "expected an IPv4 or IPv6 address" },
	{ "Exporters {\n Kafka {\n }\n}\n", 2, "Kafka", "expected File, Prometheus or '}'" },
	{ "Collector {\n}\nStats {\n}\n", 3, "Stats", "cannot use both 'Stats' and 'Collector'" },
	{ "Stats {\n}\nCollector {\n}\n", 3, "Collector",
	  "cannot use both 'Stats' and 'Collector'" },
};

static void check_errors(const struct error_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct error_case *e = &cases[i];
		struct ctf_conf_error err;
		struct ctf_conf *c = NULL;
		int r = parse(e->text, &c, &err);

		if (r != -EBADMSG || (e->line && err.line != e->line) ||
		    strcmp(err.token, e->token) || !strstr(err.message, e->message) ||
		    strcmp(err.file, "test.conf")) {
			print_error("input:\n%s\nwant line %u token '%s' message '%s'\n"
				    "got r=%d line %u token '%s' message '%s'\n",
				    e->text, e->line, e->token, e->message, r, err.line, err.token,
				    err.message);
			fail();
		}
		assert_null(c);
	}
}

static void test_conf_errors(void **state)
{
	check_errors(error_cases, sizeof(error_cases) / sizeof(error_cases[0]));
}

struct warning_case {
	const char *text;
	unsigned int line;
	const char *message;
};

static const struct warning_case warning_cases[] = {
	{ GS(" Nice -1"), 2, "Nice is deprecated" },
	{ GS(" UNIX {\n Backlog 5\n }"), 3, "UNIX Backlog is deprecated" },
	{ GS(" Syslog foo"), 2, "'foo' is not a known syslog facility" },
	{ "General {\n Syslog local1\n}\nStats {\n Syslog local2\n}\n", 5, "conflicting Syslog" },
	{ GS(" Filter {\n Protocol Accept {\n nosuch\n }\n }"), 4,
	  "'nosuch' is not in /etc/protocols" },
	{ GS(" Filter {\n Address Ignore {\n IPv4_address 999.1.1.1\n }\n }"), 4,
	  "999.1.1.1 is not a valid IPv4 address" },
	{ GS(" Filter {\n Address Ignore {\n IPv6_address ::1/200\n }\n }"), 4,
	  "::1/200 is not a valid network" },
	{ GS(" Filter {\n Address Ignore {\n IPv4_address 1.1.1.1\n IPv4_address 1.1.1.1\n }\n }"),
	  5, "address 1.1.1.1 is repeated" },
	{ GS(" Filter {\n Address Ignore {\n IPv4_address 10.0.0.0/8\n\n IPv4_address 10.0.0.0/8\n"
	     " }\n }"),
	  6, "network 10.0.0.0 is repeated" },
	{ SYNC(" Mode NACK {\n }"), 2, "'nack' mode is now called 'ftfw'" },
	{ SYNC(" Mode PERSISTENT {\n }"), 2, "'persistent' mode is now called 'alarm'" },
	{ SYNC(""), 1, "no synchronization Mode given, using FTFW" },
	{ SYNC(" Mode FTFW {\n CommitTimeout 5\n DisableExternalCache yes\n }"), 1,
	  "CommitTimeout cannot be combined with DisableExternalCache" },
	{ LINK("Multicast", MCB " IPv6_interface ::1"), 9, "IPv6_interface is not needed" },
	{ LINK("UDP", UDPB " IPv4_address 1.2.3.999"), 9, "1.2.3.999 is not a valid IPv4 address" },
};

static void test_conf_warnings(void **state)
{
	size_t i, j;

	for (i = 0; i < sizeof(warning_cases) / sizeof(warning_cases[0]); i++) {
		const struct warning_case *w = &warning_cases[i];
		struct ctf_conf_error err;
		struct ctf_conf *c = NULL;
		bool found = false;

		if (parse(w->text, &c, &err) < 0) {
			print_error("input:\n%s\nrejected: %s\n", w->text, err.message);
			fail();
		}
		for (j = 0; j < c->n_warnings; j++)
			found |= c->warnings[j].line == w->line &&
				 strstr(c->warnings[j].message, w->message);
		if (!found) {
			print_error("input:\n%s\nno warning at line %u with '%s' (%zu warnings)\n",
				    w->text, w->line, w->message, c->n_warnings);
			fail();
		}
		ctf_conf_free(c);
	}
}

/* ctflow's Sync { Options { } } keys: defaults, values, ranges, and where they are refused. */
#define OPTS(body) SYNC(" Options {\n" body "\n }")
#define OPT_DEFAULTS                                                                             \
	"commit_mode=0|resync_on_restart=1|peer_dead=0|ready_timeout=3|bulk_rate=0|max_delay=0|" \
	"stale=0"

static const struct value_case sync_option_cases[] = {
	/* off or neutral by default, with or without a 1.4.7 Sync or Options */
	{ "", OPT_DEFAULTS },
	{ SYNC(" Mode FTFW {\n }"), OPT_DEFAULTS },
	{ OPTS(" TCPWindowTracking on\n ExpectationSync on"), "window_tracking=1|" OPT_DEFAULTS },
	{ "Stats {\n}\n", OPT_DEFAULTS },
	{ OPTS(" CommitMode Eager\n ResyncOnPeerRestart off\n PeerDeadTime 3\n"
	       " ReadyPeerTimeout 10\n BulkRate 0\n MaxDelay 0\n ExternalStaleTime 0"),
	  "commit_mode=1|resync_on_restart=0|peer_dead=3|ready_timeout=10|bulk_rate=0|"
	  "max_delay=0|stale=0|mode=3 collect=0" },
	/* the last value wins, as for every 1.4.7 key */
	{ OPTS(" CommitMode Eager\n CommitMode Normal"), "commit_mode=0" },
	{ OPTS(" CommitMode Normal\n CommitMode Eager"), "commit_mode=1" },
	/* booleans as 1.4.7 reads them: on, off, yes, no in any case, and '|' */
	{ OPTS(" ResyncOnPeerRestart no"), "resync_on_restart=0" },
	{ OPTS(" ResyncOnPeerRestart OFF\n ResyncOnPeerRestart YES"), "resync_on_restart=1" },
	{ OPTS(" ResyncOnPeerRestart nO"), "resync_on_restart=0" },
	{ OPTS(" ResyncOnPeerRestart ||"), "resync_on_restart=1" },
	/* each range, both ends */
	{ OPTS(" PeerDeadTime 0"), "peer_dead=0" },
	{ OPTS(" PeerDeadTime 3600"), "peer_dead=3600" },
	{ OPTS(" ReadyPeerTimeout 1"), "ready_timeout=1" },
	{ OPTS(" ReadyPeerTimeout 3600"), "ready_timeout=3600" },
	/* BulkRate, MaxDelay and ExternalStaleTime: only 0 until the daemon acts on them */
	{ OPTS(" BulkRate 0"), "bulk_rate=0" },
	{ OPTS(" MaxDelay 0"), "max_delay=0" },
	{ OPTS(" ExternalStaleTime 0"), "stale=0" },
	/* mixed with 1.4.7's options, over two blocks, on one line, with a comment */
	{ SYNC(" Options {\n TCPWindowTracking on\n CommitMode Eager\n }\n Options {\n"
	       " ExpectationSync {\n ftp\n }\n PeerDeadTime 5\n }"),
	  "window_tracking=1|expect=1 ftp|commit_mode=1|peer_dead=5" },
	{ SYNC(" Options { PeerDeadTime 7 ReadyPeerTimeout 1 } # fast"), "peer_dead=7|ready_timeout=1" },
	{ SYNC(" Mode NOTRACK {\n }\n Options {\n PeerDeadTime 0003\n }"),
	  "sync.mode=2 given=1|peer_dead=3" },
	{ "Collector {\n}\n" OPTS(" CommitMode Eager"), "mode=3 collect=1|commit_mode=1" },
};

static void test_conf_sync_options(void **state)
{
	check_values(sync_option_cases, sizeof(sync_option_cases) / sizeof(sync_option_cases[0]));
}

static const struct error_case sync_option_errors[] = {
	/* CommitMode: two words, case-sensitive as 1.4.7's keywords */
	{ OPTS(" CommitMode eager"), 3, "eager",
	  "unknown CommitMode 'eager': expected Normal or Eager" },
	{ OPTS(" CommitMode EAGER"), 3, "EAGER", "unknown CommitMode 'EAGER'" },
	{ OPTS(" CommitMode Lazy"), 3, "Lazy", "unknown CommitMode 'Lazy'" },
	{ OPTS(" CommitMode 1"), 3, "1", "after 'CommitMode': expected Normal or Eager" },
	{ OPTS(" CommitMode\n }"), 4, "}", "after 'CommitMode': expected Normal or Eager" },
	/* booleans */
	{ OPTS(" ResyncOnPeerRestart maybe"), 3, "maybe", "expected on, off, yes or no" },
	{ OPTS(" ResyncOnPeerRestart true"), 3, "true", "after 'ResyncOnPeerRestart'" },
	{ OPTS(" ResyncOnPeerRestart 1"), 3, "1", "expected on, off, yes or no" },
	/* numbers: decimal, in range, the error on the number's own line */
	{ OPTS(" PeerDeadTime 3601"), 3, "3601",
	  "'PeerDeadTime' value 3601 is too large (at most 3600)" },
	{ OPTS(" PeerDeadTime\n 3601"), 4, "3601", "is too large (at most 3600)" },
	{ OPTS(" PeerDeadTime -1"), 3, "-1", "after 'PeerDeadTime': expected a number" },
	{ OPTS(" PeerDeadTime 3s"), 3, "s", "unexpected 's' in Options" },
	{ OPTS(" PeerDeadTime on"), 3, "on", "expected a number" },
	{ OPTS(" ReadyPeerTimeout 0"), 3, "0",
	  "'ReadyPeerTimeout' value 0 is too small (at least 1)" },
	{ OPTS(" ReadyPeerTimeout\n\n 00"), 5, "00", "value 0 is too small (at least 1)" },
	{ OPTS(" ReadyPeerTimeout 3601"), 3, "3601", "is too large (at most 3600)" },
	{ OPTS(" BulkRate 10000001"), 3, "10000001", "is too large (at most 10000000)" },
	{ OPTS(" BulkRate 99999999999999999999"), 3, "99999999999999999999", "is too large" },
	{ OPTS(" BulkRate 0.5"), 3, ".", "unexpected '.' in Options" },
	{ OPTS(" MaxDelay 1001"), 3, "1001", "'MaxDelay' value 1001 is too large (at most 1000)" },
	{ OPTS(" MaxDelay\n }"), 4, "}", "after 'MaxDelay': expected a number" },
	{ OPTS(" ExternalStaleTime 31536001"), 3, "31536001", "is too large (at most 31536000)" },
	{ OPTS(" ExternalStaleTime off"), 3, "off",
	  "after 'ExternalStaleTime': expected a number" },
	/* parsed, not acted on yet: refused with the line rather than ignored */
	{ OPTS(" BulkRate 50000"), 3, "BulkRate", "'BulkRate' is not supported yet" },
	{ OPTS(" MaxDelay\n 20"), 3, "MaxDelay", "'MaxDelay' is not supported yet" },
	{ OPTS(" ExternalStaleTime 86400"), 3, "ExternalStaleTime", "is not supported yet" },
	/* keys are case-sensitive; Authenticate is recognised and refused, not offered */
	{ OPTS(" commitmode Eager"), 3, "commitmode",
	  "in Options: expected TCPWindowTracking, ExpectationSync, CommitMode, "
	  "ResyncOnPeerRestart, PeerDeadTime, ReadyPeerTimeout, BulkRate, MaxDelay, "
	  "ExternalStaleTime or '}'" },
	{ OPTS(" BulkRate 0\n Authenticate {\n Key /etc/conntrackd/sync.key\n KeyId 1\n }"), 4,
	  "Authenticate", "'Authenticate' is not supported yet" },
	{ OPTS(" Authenticate on"), 3, "Authenticate", "is not supported yet" },
	/* only inside Sync { Options { } }, where 1.4.7's grammar has Options */
	{ "General {\n CommitMode Eager\n}\n", 2, "CommitMode",
	  "unexpected 'CommitMode' in General: it is a Sync { Options { } } setting" },
	{ SYNC(" BulkRate 5"), 2, "BulkRate", "in Sync: it is a Sync { Options { } } setting" },
	{ SYNC(" Mode FTFW {\n MaxDelay 5\n }"), 3, "MaxDelay", "in Mode FTFW: it is a Sync" },
	{ LINK("UDP", UDPB " PeerDeadTime 3"), 9, "PeerDeadTime", "in UDP: it is a Sync" },
	{ "Stats {\n ExternalStaleTime 5\n}\n", 2, "ExternalStaleTime", "in Stats: it is a Sync" },
	{ "Helper {\n ReadyPeerTimeout 5\n}\n", 2, "ReadyPeerTimeout", "in Helper: it is a Sync" },
	{ "Collector {\n ResyncOnPeerRestart on\n}\n", 2, "ResyncOnPeerRestart",
	  "in Collector: it is a Sync" },
	{ "General {\n Filter {\n CommitMode Eager\n }\n}\n", 3, "CommitMode", "in Filter: it is" },
	{ "Options {\n CommitMode Eager\n}\n", 1, "Options", "at top level" },
	{ "General {\n Options {\n CommitMode Eager\n }\n}\n", 2, "Options",
	  "unexpected 'Options' in General" },
	{ "CommitMode Eager\n", 1, "CommitMode", "at top level" },
	{ SYNC(" Authenticate {\n }"), 2, "Authenticate", "unexpected 'Authenticate' in Sync" },
};

static void test_conf_sync_option_errors(void **state)
{
	struct ctf_conf_error err;
	struct ctf_conf *c = NULL;
	char buf[512];

	check_errors(sync_option_errors,
		     sizeof(sync_option_errors) / sizeof(sync_option_errors[0]));
	/* the one-line form names file and line */
	assert_int_equal(parse(OPTS(" Authenticate {\n }"), &c, &err), -EBADMSG);
	ctf_conf_strerror(&err, buf, sizeof(buf));
	assert_non_null(strstr(buf, "test.conf:3: 'Authenticate' is not supported yet"));
	assert_null(strchr(buf, '\n'));
	assert_int_equal(parse(OPTS("\n ReadyPeerTimeout 0"), &c, &err), -EBADMSG);
	ctf_conf_strerror(&err, buf, sizeof(buf));
	assert_string_equal(buf,
			    "test.conf:4: 'ReadyPeerTimeout' value 0 is too small (at least 1)");
}

struct example {
	const char *file;
	const char *want;
};

static const struct example examples[] = {
	{ "stats.conf", "hash_size=8192|hash_limit=65535|lock_file=/var/lock/conntrack.lock|"
			"unix_path=/var/run/conntrackd.ctl|nl_buffer=262142|nl_max=655355|"
			"filter.proto accept 6|filter.addr ignore|filter.net 127.0.0.1/32|"
			"stats.log=/var/log/conntrackd-stats.log|mode=2 collect=0" },
	{ "sync-ftfw.conf",
	  "sync.mode=0 given=1|hash_size=32768|log_file=/var/log/conntrackd.log|"
	  "filter.proto accept 6 33 132|filter.net 192.168.100.100/32|"
	  "channel0 mcast if=eth2 addr=225.0.0.50 ifaddr=192.168.100.100 dest=0.0.0.0 port=3780 "
	  "snd=1249280 rcv=1249280 checksum=1 line=76|mode=3 collect=0" },
	{ "sync-alarm.conf", "sync.mode=1 given=1|refresh=15|cache=180|mode=3 collect=0" },
	{ "sync-notrack.conf", "sync.mode=2 given=1|mode=3 collect=0" },
	{ "helper.conf", "helper=1 setup=1|type ftp/2/6 queue=0 len=0|policy ftp max=1 timeout=300|"
			 "type rpc/2/6 queue=1 len=0|type rpc/2/17 queue=2 len=0|"
			 "type tns/2/6 queue=3 len=0|mode=0 collect=1" },
	{ "debian-default.conf", "hash_size=8192|syslog=24|unix_path=/var/run/conntrackd.sock|"
				 "nl_buffer=262142|nl_max=655355|systemd=1|mode=2 collect=0" },
	{ "ctflow-collector.conf",
	  "readers=2|table=524288|active=300|poll_interval=5|acct=1|start=1|ring=131072|"
	  "hostname=edge-1|netns=blue|file=1 /var/lib/ctflow/flows.pb|rotate=67108864/600|keep=24|"
	  "writer=write|prometheus=1 0.0.0.0:9466|reliable=1|nl_buffer=8388608|mode=1 collect=1" },
};

static void test_conf_examples(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		struct ctf_conf_error err;
		struct ctf_conf *c = NULL;
		char path[512];

		snprintf(path, sizeof(path), "%s/conf/%s", fixture_dir(), examples[i].file);
		if (ctf_conf_load(&c, path, &err) < 0) {
			print_error("%s rejected: line %u: %s\n", path, err.line, err.message);
			fail();
		}
		assert_string_equal(c->path, path);
		assert_dump_has(path, c, examples[i].want);
		ctf_conf_free(c);
	}
}

/* Every prefix of every example, flush against the guard page: no over-read, no leak. */
static void test_conf_truncated(void **state)
{
	size_t i, n, accepted = 0, rejected = 0;

	for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		char path[512], *text;
		size_t len;

		snprintf(path, sizeof(path), "%s/conf/%s", fixture_dir(), examples[i].file);
		text = read_text(path, &len);
		assert_non_null(text);
		for (n = 0; n <= len; n++) {
			struct ctf_conf_error err;
			struct ctf_conf *c = NULL;
			int r = parse_len(text, n, &c, &err);

			assert_true(r == 0 || r == -EBADMSG);
			if (r == 0)
				accepted++;
			else
				rejected++;
			assert_true(r == 0 || err.line >= 1);
			ctf_conf_free(c);
		}
		free(text);
	}
	/* whole sections end inside the files, so both outcomes occur */
	assert_true(accepted > 0 && rejected > accepted);
}

static void test_conf_load(void **state)
{
	struct ctf_conf_error err;
	struct ctf_conf *c = NULL;
	char buf[600];

	assert_int_equal(ctf_conf_load(&c, "/nonexistent/conntrackd.conf", &err), -ENOENT);
	assert_null(c);
	assert_string_equal(err.file, "/nonexistent/conntrackd.conf");
	assert_int_equal(err.line, 0);
	ctf_conf_strerror(&err, buf, sizeof(buf));
	assert_string_equal(buf, "/nonexistent/conntrackd.conf: cannot read: No such file or "
				 "directory");

	assert_int_equal(ctf_conf_load(&c, NULL, &err), 0);
	assert_null(c->path);
	assert_int_equal(c->mode, CTF_CONF_MODE_NONE);
	assert_true(c->collect);
	ctf_conf_free(c);
	ctf_conf_free(NULL);

	assert_int_equal(parse("General {\n Foo 1\n}\n", &c, &err), -EBADMSG);
	ctf_conf_strerror(&err, buf, sizeof(buf));
	assert_non_null(strstr(buf, "test.conf:2: unexpected 'Foo' in General: expected HashSize"));
	assert_null(strchr(buf, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_values),
		cmocka_unit_test(test_conf_errors),
		cmocka_unit_test(test_conf_warnings),
		cmocka_unit_test(test_conf_examples),
		cmocka_unit_test(test_conf_truncated),
		cmocka_unit_test(test_conf_load),
		cmocka_unit_test(test_conf_sync_options),
		cmocka_unit_test(test_conf_sync_option_errors),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
