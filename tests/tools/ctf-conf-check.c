// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctf-conf-check FILE [--dump]: parse FILE with the core's conntrackd.conf
 * parser and print "ACCEPT" or "REJECT line N" on stdout (the differential
 * test compares that with conntrackd 1.4.7), the error and the warnings on
 * stderr, and with --dump the parsed values, one "key value" per line.
 * Exit 0 when accepted, 1 when rejected, 2 on usage errors.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <ctflow/conf.h>

static void dump_addr(const char *key, int family, const union ctf_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(family, a, buf, sizeof(buf)))
		printf("%s %s\n", key, buf);
}

static void dump_filter(const struct ctf_conf_filter *f)
{
	size_t i;

	printf("filter.kernelspace %d\n", f->kernelspace);
	if (f->has_proto) {
		printf("filter.protocol %s", f->proto_accept ? "accept" : "ignore");
		for (i = 0; i < 256; i++)
			if (f->protos[i])
				printf(" %zu", i);
		printf("\n");
	}
	if (f->has_addr) {
		printf("filter.address %s\n", f->addr_accept ? "accept" : "ignore");
		for (i = 0; i < f->n_nets; i++) {
			char buf[INET6_ADDRSTRLEN];

			inet_ntop(f->nets[i].family, &f->nets[i].addr, buf, sizeof(buf));
			printf("filter.net %s/%u\n", buf, f->nets[i].prefix);
		}
	}
	if (f->has_state)
		printf("filter.state %s %#x\n", f->state_accept ? "accept" : "ignore",
		       f->tcp_states);
}

static void dump_general(const struct ctf_conf_general *g)
{
	printf("general.hash_size %u\ngeneral.hash_limit %u\n", g->hash_size, g->hash_limit);
	printf("general.log_file %s\ngeneral.syslog %d\n", g->log_file ? g->log_file : "-",
	       g->syslog_facility);
	printf("general.lock_file %s\ngeneral.unix_path %s\n", g->lock_file,
	       g->unix_path ? g->unix_path : "-");
	printf("general.netlink_buffer_size %zu\ngeneral.netlink_buffer_max %zu\n",
	       g->netlink_buffer_size, g->netlink_buffer_max);
	printf("general.overrun_resync %d\ngeneral.events_reliable %d\n", g->netlink_overrun_resync,
	       g->netlink_events_reliable);
	printf("general.event_iteration_limit %u\ngeneral.poll_secs %u\n", g->event_iteration_limit,
	       g->poll_secs);
	printf("general.systemd %d\ngeneral.sched %d %d\n", g->systemd, g->sched_policy,
	       g->sched_priority);
	dump_filter(&g->filter);
}

static void dump_sync(const struct ctf_conf_sync *s)
{
	size_t i;

	printf("sync.mode %d %d\n", s->mode, s->mode_given);
	printf("sync.timers refresh=%u cache=%u commit=%u purge=%u\n", s->refresh_time,
	       s->cache_timeout, s->commit_timeout, s->purge_timeout);
	printf("sync.ftfw resend=%u window=%u\n", s->resend_queue_size, s->window_size);
	printf("sync.caches internal_off=%d external_off=%d startup_resync=%d\n",
	       s->disable_internal_cache, s->disable_external_cache, s->startup_resync);
	printf("sync.options window_tracking=%d expect=%d", s->tcp_window_tracking, s->expect_sync);
	for (i = 0; i < s->n_expect_helpers; i++)
		printf(" %s", s->expect_helpers[i]);
	printf("\nsync.error_queue_length %u\nsync.default_channel %zu\n", s->error_queue_length,
	       s->default_channel);
	for (i = 0; i < s->n_channels; i++) {
		const struct ctf_conf_channel *c = &s->channels[i];

		printf("channel %zu type=%d default=%d if=%s family=%d port=%u snd=%u rcv=%u "
		       "checksum=%d\n",
		       i, c->type, c->is_default, c->ifname, c->family, c->port, c->sndbuf,
		       c->rcvbuf, c->checksum);
		dump_addr("channel.addr", c->family, &c->addr);
		dump_addr("channel.ifaddr", AF_INET, &c->ifaddr);
		dump_addr("channel.dest", c->family, &c->dest);
	}
}

static void dump_rest(const struct ctf_conf *c)
{
	const struct ctf_conf_collector *k = &c->collector;
	const struct ctf_conf_exporters *e = &c->exporters;
	size_t i, j;

	printf("stats.log_file %s\nstats.syslog %d\n", c->stats.log_file ? c->stats.log_file : "-",
	       c->stats.syslog_facility);
	printf("helper %d setup=%d types=%zu\n", c->has_helper, c->helper.setup, c->helper.n_types);
	for (i = 0; i < c->helper.n_types; i++) {
		const struct ctf_conf_helper_type *h = &c->helper.types[i];

		printf("helper.type %s l3=%u l4=%u queue=%u len=%u\n", h->name, h->l3proto,
		       h->l4proto, h->queue_num, h->queue_len);
		for (j = 0; j < h->n_policies; j++)
			printf("helper.policy %s max=%u timeout=%u\n", h->policies[j].name,
			       h->policies[j].expect_max, h->policies[j].expect_timeout);
	}
	printf("collector readers=%u table=%zu active=%u poll=%u acct=%d start=%d ring=%zu "
	       "host=%s netns=%s\n",
	       k->readers, k->table_size, k->active_timeout, k->poll_interval, k->enable_accounting,
	       k->start_records, k->ring_size, k->hostname ? k->hostname : "-",
	       k->netns ? k->netns : "-");
	printf("exporters.file %d %s rotate=%llu/%u keep=%u write=%d\n", e->file_enabled,
	       e->file_path, (unsigned long long)e->rotate_bytes, e->rotate_secs, e->keep,
	       e->plain_write);
	printf("exporters.prometheus %d %s %u\n", e->prom_enabled, e->prom_address, e->prom_port);
}

int main(int argc, char **argv)
{
	struct ctf_conf_error err;
	struct ctf_conf *conf;
	char msg[600];
	size_t i;
	int r;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--dump"))) {
		fprintf(stderr, "usage: ctf-conf-check FILE [--dump]\n");
		return 2;
	}
	r = ctf_conf_load(&conf, argv[1], &err);
	if (r < 0) {
		ctf_conf_strerror(&err, msg, sizeof(msg));
		printf("REJECT line %u\n", err.line);
		fprintf(stderr, "conntrackd: %s\n", msg);
		return 1;
	}
	printf("ACCEPT\n");
	for (i = 0; i < conf->n_warnings; i++)
		fprintf(stderr, "warning: %s:%u: %s\n", argv[1], conf->warnings[i].line,
			conf->warnings[i].message);
	if (argc == 3) {
		printf("mode %d collect %d\n", conf->mode, conf->collect);
		dump_general(&conf->general);
		dump_sync(&conf->sync);
		dump_rest(conf);
	}
	ctf_conf_free(conf);
	return 0;
}
