// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conntrackd: conntrack-tools 1.4.7's daemon and client command line. The
 * daemon runs the HA state sync (Sync), ctflow's flow collector (Collector,
 * or no mode section at all), or both on the same event readers; client
 * requests go to a running daemon over its UNIX socket.
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
#include "sync/args.h"
#include "sync/client.h"
#include "sync/sync.h"

/* The configuration, or the embedded defaults when no file is given and none is installed. */
static int load_conf(const struct ctd_opts *o, struct ctf_conf **ret_conf)
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

/* Where log lines go: 1.4.7 writes them to the console too unless it runs with -d. */
struct log_dest {
	FILE *file;   /* LogFile */
	bool syslog;  /* Syslog */
	bool console; /* not daemonised: info/notice on stdout, the rest on stderr */
};

static struct log_dest log_dest;

/* 1.4.7's log line: "[Sat Nov 22 12:00:00 2025] (pid=42) [notice] message". */
static void log_line(FILE *fp, int prio, const char *msg)
{
	static const char *const levels[8] = { "?", "?", "?", "ERROR", "warning", "notice", "info",
					       "?" };
	char when[64];
	time_t t = time(NULL);
	size_t n;

	ctime_r(&t, when);
	n = strlen(when);
	if (n && when[n - 1] == '\n')
		when[n - 1] = '\0';
	fprintf(fp, "[%s] (pid=%d) [%s] %s\n", when, getpid(), levels[prio & 7], msg);
	fflush(fp);
}

static void log_sink(int prio, const char *msg, void *data)
{
	const struct log_dest *d = data;

	if (d->syslog)
		syslog(prio, "%s", msg);
	if (d->file)
		log_line(d->file, prio, msg);
	if (d->console)
		log_line((prio & 7) >= LOG_NOTICE ? stdout : stderr, prio, msg);
}

static int setup_log(const struct ctf_conf *conf, bool daemonized)
{
	struct log_dest *d = &log_dest;

	if (conf->general.log_file) {
		d->file = fopen(conf->general.log_file, "ae");
		if (!d->file) {
			fprintf(stderr, "[ERROR] can't open log file `%s': %s\n",
				conf->general.log_file, strerror(errno));
			return -errno;
		}
	}
	d->syslog = conf->general.syslog_facility >= 0 || (daemonized && !d->file);
	if (d->syslog)
		openlog("conntrackd", LOG_PID,
			conf->general.syslog_facility >= 0 ? conf->general.syslog_facility
							   : LOG_DAEMON);
	/* without a LogFile or Syslog a foreground daemon must still say what it does */
	d->console = !daemonized;
	ctf_log_set_sink(log_sink, d);
	return 0;
}

static int lock_file(const char *path)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);

	if (fd < 0) {
		/* 1.4.7's words, as its dlog() prints them before the log is open */
		if (errno == EEXIST)
			ctd_console_log(LOG_ERR,
					"lockfile `%s' exists, perhaps conntrackd already running?",
					path);
		else
			ctd_console_log(LOG_ERR, "can't open lockfile `%s': %s", path,
					strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* -d: the write end of the pipe the waiting parent reads our start-up result from. */
static int ready_fd = -1;

/*
 * The parent waits until the daemon has started (or failed): 1.4.7 sets
 * everything up before it forks, so `conntrackd -d` exits 1 when the
 * daemon cannot start, and keepalived's primary-backup.sh relies on it.
 * Ours runs threads, which a fork would not carry over, so it forks first
 * and reports back through a pipe.
 */
static void parent_wait(int fd)
{
	char c = '1';

	if (read(fd, &c, 1) != 1)
		c = '1';
	_exit(c == '0' ? EXIT_SUCCESS : EXIT_FAILURE);
}

static int daemonize(void)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(p[1]);
		parent_wait(p[0]);
	}
	close(p[0]);
	ready_fd = p[1];
	if (setsid() < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	(void)freopen("/dev/null", "r", stdin);
	return 0;
}

/* Started: let the parent exit 0 and stop writing to its terminal. */
static void notify_ready(void)
{
	if (ready_fd < 0)
		return;
	if (write(ready_fd, "0", 1) != 1)
		ctf_log(LOG_DEBUG, "cannot tell the parent we started");
	close(ready_fd);
	ready_fd = -1;
	(void)freopen("/dev/null", "w", stdout);
	(void)freopen("/dev/null", "w", stderr);
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
	if (r < 0 && !e->prom_given && !conf->collect) {
		/*
		 * A 1.4.7 Sync or Stats config asked for no metrics: the default
		 * listener is a bonus, and a second daemon on the host or a
		 * namespace without loopback must not stop the sync.
		 */
		ctf_log_errno(LOG_WARNING, r, "cannot serve /metrics on %s port %u, ignoring",
			      e->prom_address, e->prom_port);
		return 0;
	}
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

static int start_sync(const struct ctf_conf *conf, struct sync_engine **ret_e)
{
	if (conf->mode != CTF_CONF_MODE_SYNC && conf->mode != CTF_CONF_MODE_STATS)
		return 0;
	return sync_engine_new(ret_e, conf, coll_nreaders(conf));
}

/* Everything after the lock: namespace, sync, collector, exporters, signals, shutdown. */
static int run(const struct ctf_conf *conf, const sigset_t *sigs)
{
	struct coll_metrics m = { .start_ns = coll_now_ns() };
	struct sync_engine *sy = NULL;
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
	r = start_sync(conf, &sy);
	if (r < 0)
		goto out;
	/* The readers start before the sync engine's first dump, so nothing falls between. */
	r = coll_start(&c, conf, sy);
	if (r < 0)
		goto out;
	atomic_store(&m.collector, c);
	if (sy) {
		r = sync_engine_start(sy);
		if (r < 0)
			goto out;
		atomic_store(&m.sync, sy);
	}
	if (conf->collect) {
		r = start_stream(conf, c, &s);
		if (r < 0)
			goto out;
		atomic_store(&m.stream, s);
	}
	notify_ready();
	wait_signals(sigs, s);
out:
	/* Readers stop first; SHUTDOWN records go to the rings; the stream drains them. */
	if (c)
		coll_stop(c);
	sync_engine_stop(sy);
	if (s) {
		int e = ctf_stream_stop(s);

		atomic_store(&m.stream, NULL);
		if (e < 0)
			ctf_log_err(e, "the record file was not written completely");
	}
	ctf_prom_stop(p);
	atomic_store(&m.collector, NULL);
	atomic_store(&m.sync, NULL);
	coll_free(c);
	sync_engine_free(sy);
	return r;
}

static int client(const struct ctf_conf *conf, const struct ctd_opts *o)
{
	return ctd_client_run(conf->general.unix_path, o->request);
}

int main(int argc, char **argv)
{
	struct ctd_opts o = { 0 };
	struct ctf_conf *conf = NULL;
	sigset_t sigs;
	int r;

	r = ctd_parse_args(argc, argv, &o);
	if (r != 0)
		return r > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	if (load_conf(&o, &conf) < 0)
		return EXIT_FAILURE;
	if (o.client) {
		r = client(conf, &o);
		ctf_conf_free(conf);
		return r;
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
	if (log_dest.file)
		fclose(log_dest.file);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
