// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd: conntrack-tools 1.4.7's daemon command line, running ctflow's
 * flow collector (the Collector section, or no mode section at all). The
 * Sync and Stats modes and the client requests belong to the HA work that
 * comes later; they are refused clearly instead of half-working.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <ctflow/conf.h>
#include <ctflow/log.h>
#include <ctflow/nl.h>
#include <prometheus/prometheus.h>
#include <stream/stream.h>

#include "collector.h"
#include "metrics.h"

struct opts {
	const char *config; /* -C */
	bool daemonize;	    /* -d */
	char request;	    /* a client option letter, 0 for daemon mode */
};

static void usage(void)
{
	fprintf(stdout,
		"Connection tracking userspace daemon v%s (ctflow)\n"
		"Usage: conntrackd [commands] [options]\n\n"
		"Daemon mode commands:\n"
		"  -d [options]\t\tRun in daemon mode\n\n"
		"Client mode commands:\n"
		"  -c [ct|expect], commit external cache to conntrack table\n"
		"  -f [|internal|external], flush internal and external cache\n"
		"  -F [ct|expect], flush kernel conntrack table\n"
		"  -i [ct|expect], display content of the internal cache\n"
		"  -e [ct|expect], display the content of the external cache\n"
		"  -k, kill conntrack daemon\n"
		"  -s  [|network|cache|runtime|link|rsqueue|queue|ct|expect], dump statistics\n"
		"  -R [ct|expect], resync with kernel conntrack table\n"
		"  -n, request resync with other node (only FT-FW and NOTRACK modes)\n"
		"  -B, force a bulk send to other replica firewalls\n"
		"  -x, dump cache in XML format (requires -i or -e)\n"
		"  -t, reset the kernel timeout (see PurgeTimeout clause)\n"
		"  -v, display conntrackd version\n"
		"  -h, display this help information\n\n"
		"Options:\n"
		"  -C [configfile], configuration file path\n",
		CTF_DAEMON_VERSION);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || !argv[i][1]) {
			fprintf(stderr, "[ERROR] unknown option `%s'\n", argv[i]);
			return -EINVAL;
		}
		switch (argv[i][1]) {
		case 'C':
			if (++i >= argc) {
				fprintf(stderr, "[ERROR] option `-C' requires an argument\n");
				return -EINVAL;
			}
			o->config = argv[i];
			break;
		case 'd':
			o->daemonize = true;
			break;
		case 'h':
			usage();
			exit(EXIT_SUCCESS);
		case 'v':
			printf("Connection tracking userspace daemon v%s (ctflow). "
			       "Licensed under GPLv2.\n",
			       CTF_DAEMON_VERSION);
			exit(EXIT_SUCCESS);
		case 'c': case 'f': case 'F': case 'i': case 'e': case 'k': case 's':
		case 'R': case 'n': case 'B': case 'x': case 't':
			o->request = argv[i][1];
			/* a table word after the option belongs to it */
			if (i + 1 < argc && argv[i + 1][0] != '-')
				i++;
			break;
		default:
			fprintf(stderr, "[ERROR] unknown option `%s'\n", argv[i]);
			return -EINVAL;
		}
	}
	if (o->request && o->daemonize) {
		fprintf(stderr, "[ERROR] Invalid parameters\n");
		return -EINVAL;
	}
	return 0;
}

/* The configuration, or the embedded defaults when no file is given and none is installed. */
static int load_conf(const struct opts *o, struct ctf_conf **ret_conf)
{
	const char *path = o->config;
	struct ctf_conf_error err = { 0 };
	char msg[640];
	int r;

	if (!path && access(CTF_CONF_DEFAULT_PATH, F_OK) == 0)
		path = CTF_CONF_DEFAULT_PATH;
	r = ctf_conf_load(ret_conf, path, &err);
	if (r == -EBADMSG) {
		ctf_conf_strerror(&err, msg, sizeof(msg));
		fprintf(stderr, "[ERROR] %s\n", msg);
		return r;
	}
	if (r < 0) {
		fprintf(stderr, "[ERROR] can't open config file `%s': %s\n", path, strerror(-r));
		return r;
	}
	return 0;
}

static FILE *log_fp;

/* 1.4.7's log line: "[Sat Nov 22 12:00:00 2025] (pid=42) [notice] message". */
static void log_sink(int prio, const char *msg, void *data)
{
	static const char *const levels[8] = { "ERROR",	  "ERROR",  "ERROR", "ERROR",
					       "WARNING", "notice", "info",  "debug" };
	char when[64];
	time_t t = time(NULL);
	size_t n;

	if (data) {
		syslog(prio, "%s", msg);
		return;
	}
	ctime_r(&t, when);
	n = strlen(when);
	if (n && when[n - 1] == '\n')
		when[n - 1] = '\0';
	fprintf(log_fp ? log_fp : stderr, "[%s] (pid=%d) [%s] %s\n", when, getpid(),
		levels[prio & 7], msg);
	if (log_fp)
		fflush(log_fp);
}

static int setup_log(const struct ctf_conf *conf, bool daemonized)
{
	if (conf->general.log_file) {
		log_fp = fopen(conf->general.log_file, "ae");
		if (!log_fp) {
			fprintf(stderr, "[ERROR] can't open log file `%s': %s\n",
				conf->general.log_file, strerror(errno));
			return -errno;
		}
	}
	if (conf->general.syslog_facility >= 0 || (daemonized && !log_fp)) {
		openlog("conntrackd", LOG_PID,
			conf->general.syslog_facility >= 0 ? conf->general.syslog_facility
							   : LOG_DAEMON);
		ctf_log_set_sink(log_sink, (void *)1);
	} else {
		ctf_log_set_sink(log_sink, NULL);
	}
	return 0;
}

static int lock_file(const char *path)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);

	if (fd < 0) {
		if (errno == EEXIST)
			fprintf(stderr,
				"[ERROR] lockfile `%s' exists, perhaps conntrackd already running?\n",
				path);
		else
			fprintf(stderr, "[ERROR] can't open lockfile `%s': %s\n", path,
				strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static int daemonize(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(EXIT_SUCCESS);
	if (setsid() < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	(void)freopen("/dev/null", "r", stdin);
	(void)freopen("/dev/null", "w", stdout);
	(void)freopen("/dev/null", "w", stderr);
	return 0;
}

/* The embedded default (/var/lib/ctflow/flows.pb) must work on a fresh host. */
static void make_parent_dir(const char *path)
{
	char dir[4096];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		ctf_log_errno(LOG_DEBUG, -errno, "cannot create '%s'", dir);
}

/* The record file, fed from every reader ring and the poller's. */
static int start_stream(const struct ctf_conf *conf, struct collector *c,
			struct ctf_stream **ret_s)
{
	const struct ctf_conf_exporters *e = &conf->exporters;
	struct ctf_stream_config cfg = {
		.path = e->file_path,
		.rotate_bytes = e->rotate_bytes,
		.rotate_secs = e->rotate_secs,
		.keep = e->keep,
		.plain_write = e->plain_write,
		.hostname = conf->collector.hostname,
		.netns = conf->collector.netns,
	};
	int r;

	if (!e->file_enabled)
		return 0;
	make_parent_dir(e->file_path);
	r = ctf_stream_start(ret_s, &cfg, c->rings, c->nrings);
	if (r < 0)
		return ctf_log_err(r, "cannot write records to '%s'", e->file_path);
	ctf_log(LOG_INFO, "writing records to '%s'", e->file_path);
	return 0;
}

static int start_prom(const struct ctf_conf *conf, struct coll_metrics *m,
		      struct ctf_prom **ret_p)
{
	const struct ctf_conf_exporters *e = &conf->exporters;
	int r;

	if (!e->prom_enabled)
		return 0;
	r = ctf_prom_start(ret_p, e->prom_address, e->prom_port, coll_metrics_render, m);
	if (r < 0)
		return ctf_log_err(r, "cannot serve /metrics on %s port %u", e->prom_address,
				   e->prom_port);
	ctf_log(LOG_INFO, "serving /metrics on %s port %u", e->prom_address, e->prom_port);
	return 0;
}

/* Wait for signals: SIGHUP reopens the record file, SIGTERM/SIGINT stop. */
static void wait_signals(const sigset_t *set, struct ctf_stream *s)
{
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			ctf_log(LOG_NOTICE, "SIGHUP: reopening the record file");
			if (s)
				ctf_stream_reopen(s);
			continue;
		}
		ctf_log(LOG_NOTICE, "%s: stopping", strsignal(sig));
		return;
	}
}

/* Everything after the lock: namespace, collector, exporters, signals, shutdown. */
static int run(const struct ctf_conf *conf, const sigset_t *sigs)
{
	struct coll_metrics m = { .start_ns = coll_now_ns() };
	struct ctf_stream *s = NULL;
	struct ctf_prom *p = NULL;
	struct collector *c = NULL;
	int r;

	/* The HTTP listener stays in our namespace; everything else moves. */
	r = start_prom(conf, &m, &p);
	if (r < 0)
		return r;
	if (conf->collector.netns) {
		r = ctf_netns_enter(conf->collector.netns);
		if (r < 0) {
			ctf_log_err(r, "cannot enter namespace '%s'", conf->collector.netns);
			goto out;
		}
	}
	r = coll_start(&c, conf);
	if (r < 0)
		goto out;
	atomic_store(&m.collector, c);
	r = start_stream(conf, c, &s);
	if (r < 0)
		goto out;
	atomic_store(&m.stream, s);
	wait_signals(sigs, s);
out:
	/* Readers stop first; SHUTDOWN records go to the rings; the stream drains them. */
	if (c)
		coll_stop(c);
	if (s) {
		int e = ctf_stream_stop(s);

		atomic_store(&m.stream, NULL);
		if (e < 0)
			ctf_log_err(e, "the record file was not written completely");
	}
	ctf_prom_stop(p);
	coll_free(c);
	return r;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct ctf_conf *conf = NULL;
	sigset_t sigs;
	int r;

	if (parse_args(argc, argv, &o) < 0)
		return EXIT_FAILURE;
	if (load_conf(&o, &conf) < 0)
		return EXIT_FAILURE;
	if (o.request) {
		fprintf(stderr, "[ERROR] -%c is not supported yet: ctflow's conntrackd runs the "
				"collector only, its UNIX socket requests come with the HA sync mode\n",
			o.request);
		ctf_conf_free(conf);
		return EXIT_FAILURE;
	}
	if (conf->mode != CTF_CONF_MODE_NONE && conf->mode != CTF_CONF_MODE_COLLECTOR) {
		fprintf(stderr, "[ERROR] the %s mode is not supported yet; use the Collector "
				"section (or no mode section) to run the flow collector\n",
			conf->mode == CTF_CONF_MODE_SYNC ? "Sync" : "Stats");
		ctf_conf_free(conf);
		return EXIT_FAILURE;
	}
	if (lock_file(conf->general.lock_file) < 0) {
		ctf_conf_free(conf);
		return EXIT_FAILURE;
	}
	if (o.daemonize && daemonize() < 0) {
		unlink(conf->general.lock_file);
		return EXIT_FAILURE;
	}
	if (setup_log(conf, o.daemonize) < 0) {
		unlink(conf->general.lock_file);
		return EXIT_FAILURE;
	}
	/* Before any thread exists, so only sigwait() ever sees these. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	r = run(conf, &sigs);
	unlink(conf->general.lock_file);
	ctf_conf_free(conf);
	if (log_fp)
		fclose(log_fp);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
