// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stream_bench: records per second through the record stream's file sink,
 * io_uring against plain write(), in the same run. One producer thread feeds
 * a ring as fast as the exporter drains it; a run is timed from the stream's
 * start to the end of ctf_stream_stop() (drain, write, fsync), so both modes
 * pay for the same encoding and the same fsync. The modes alternate, first
 * one then the other, and the medians of the runs are compared.
 *
 *   stream_bench [-n RECORDS] [-r RUNS] [-d DIR]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include <ctflow/ring.h>
#include <stream/stream.h>

#define RING_SIZE (1 << 16)
#define MAX_RUNS  64

struct producer {
	struct ctf_ring *ring;
	unsigned long n;
};

static void make_record(struct ctf_record *r, unsigned long i)
{
	memset(r, 0, sizeof(*r));
	r->reason = CTF_REASON_END;
	r->family = AF_INET;
	r->l4proto = IPPROTO_TCP;
	r->state = 7;
	r->ct_id = (uint32_t)i;
	r->status = 0x3e;
	r->orig.src.ip = htonl(0x0a000000 | (uint32_t)(i & 0xffffff));
	r->orig.dst.ip = htonl(0xc0000250);
	r->reply.src.ip = r->orig.dst.ip;
	r->reply.dst.ip = r->orig.src.ip;
	r->orig.l4.port.sport = r->reply.l4.port.dport = (uint16_t)(1024 + i % 60000);
	r->orig.l4.port.dport = r->reply.l4.port.sport = 443;
	r->start_ns = 1700000000000000000ULL + i * 1000;
	r->end_ns = r->export_ns = r->start_ns + 5000000000ULL;
	r->total[0] = r->delta[0] = (struct ctf_record_counters){ 12, 1400 + i % 1000 };
	r->total[1] = r->delta[1] = (struct ctf_record_counters){ 10, 90000 + i % 5000 };
}

/* Push without ever finding the ring full: a refused push would count as a drop. */
static void *produce(void *arg)
{
	struct producer *p = arg;
	struct ctf_record r;

	for (unsigned long i = 0; i < p->n; i++) {
		make_record(&r, i);
		while (ctf_ring_len(p->ring) >= RING_SIZE - 1)
			sched_yield();
		ctf_ring_push(p->ring, &r);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One timed run; returns records per second, or a negative value on failure. */
static double run(const char *dir, bool plain, unsigned long n, bool *ret_uring)
{
	struct ctf_stream_config cfg = { .hostname = "bench-host", .plain_write = plain };
	struct producer p = { .n = n };
	struct ctf_stream_stats st;
	struct ctf_stream *s;
	char path[4096];
	pthread_t t;
	struct stat sb;
	double t0, t1;
	int r;

	snprintf(path, sizeof(path), "%s/stream_bench.%d.pb", dir, (int)getpid());
	unlink(path);
	cfg.path = path;
	if (ctf_ring_new(&p.ring, RING_SIZE) < 0)
		return -1;
	t0 = now();
	r = ctf_stream_start(&s, &cfg, &p.ring, 1);
	if (r < 0) {
		fprintf(stderr, "stream_bench: %s: %s\n", path, strerror(-r));
		ctf_ring_free(p.ring);
		return -1;
	}
	ctf_stream_get_stats(s, &st);
	*ret_uring = st.uring;
	pthread_create(&t, NULL, produce, &p);
	pthread_join(t, NULL);
	r = ctf_stream_stop(s);
	t1 = now();
	ctf_ring_free(p.ring);
	if (r < 0 || stat(path, &sb) < 0 || (uint64_t)sb.st_size < n * 100ULL) {
		fprintf(stderr, "stream_bench: the run failed: %s\n", strerror(r < 0 ? -r : errno));
		return -1;
	}
	unlink(path);
	return (double)n / (t1 - t0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	unsigned long n = 500000;
	double rate[2][MAX_RUNS];
	const char *dir = "/var/tmp";
	bool uring = false;
	int runs = 5, c;

	while ((c = getopt(argc, argv, "n:r:d:")) != -1) {
		switch (c) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 'd':
			dir = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-n RECORDS] [-r RUNS] [-d DIR]\n", argv[0]);
			return 2;
		}
	}
	if (runs < 1 || runs > MAX_RUNS || n < 1) {
		fprintf(stderr, "stream_bench: 1..%d runs of at least one record\n", MAX_RUNS);
		return 2;
	}
	printf("stream_bench: %lu records per run, %d runs per mode, files in %s\n", n, runs, dir);
	for (int i = 0; i < runs; i++) {
		/* Alternate which mode goes first, so neither always gets a warm page cache. */
		for (int k = 0; k < 2; k++) {
			int mode = (i + k) % 2; /* 0: io_uring, 1: write() */
			bool u = false;

			rate[mode][i] = run(dir, mode == 1, n, &u);
			if (rate[mode][i] < 0)
				return 1;
			if (mode == 0)
				uring = u;
			printf("  run %d %-8s %12.0f records/s\n", i + 1, mode ? "write()" : "io_uring",
			       rate[mode][i]);
		}
	}
	double mu = median(rate[0], runs), mw = median(rate[1], runs);

	if (!uring)
		printf("note: io_uring was unavailable, both modes used write()\n");
	printf("median io_uring %.0f records/s, write() %.0f records/s, ratio %.2f\n", mu, mw,
	       mu / mw);
	return 0;
}
