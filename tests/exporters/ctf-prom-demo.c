// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctf-prom-demo [ADDRESS [PORT]]: serve a realistic /metrics page (counters,
 * gauges, a histogram, NaN, escaped label values) with the real server, for
 * promtool and a real Prometheus. Prints "port N" once listening, serves
 * until its standard input closes. The records counter grows by 7 a scrape.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <prometheus/prometheus.h>

static atomic_uint_fast64_t scrapes;

static void records(struct ctf_prom_buf *b, uint64_t n)
{
	static const char *const reasons[] = { "end", "active_timeout", "evicted", "gap" };

	ctf_prom_header(b, "ctflow_demo_records_total", "counter",
			"Flow records written to the record stream, by reason.");
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		const char *const labels[] = { "reason", reasons[i], NULL };

		ctf_prom_sample_u64(b, "ctflow_demo_records_total", labels, n * 7 + i);
	}
}

static void histogram(struct ctf_prom_buf *b)
{
	static const char *const le[] = { "1", "8", "64", "+Inf" };
	static const double counts[] = { 10, 25, 31, 32 };

	ctf_prom_header(b, "ctflow_demo_batch_events", "histogram",
			"Events per netlink receive.\nA second line, and a \\ backslash.");
	for (size_t i = 0; i < 4; i++) {
		const char *const labels[] = { "le", le[i], NULL };

		ctf_prom_sample(b, "ctflow_demo_batch_events_bucket", labels, counts[i]);
	}
	ctf_prom_sample(b, "ctflow_demo_batch_events_sum", NULL, 412.5);
	ctf_prom_sample(b, "ctflow_demo_batch_events_count", NULL, 32);
}

static int render(struct ctf_prom_buf *b, void *data)
{
	const char *const odd[] = { "netns", "a \"quoted\" \\ name\nwith a newline", NULL };
	const char *const cpu0[] = { "cpu", "0", NULL };
	const char *const cpu1[] = { "cpu", "1", NULL };
	uint64_t n = atomic_fetch_add(&scrapes, 1) + 1;

	records(b, n);
	ctf_prom_header(b, "ctflow_demo_ring_records", "gauge", "Records queued in a reader's ring.");
	ctf_prom_sample(b, "ctflow_demo_ring_records", cpu0, 3);
	ctf_prom_sample(b, "ctflow_demo_ring_records", cpu1, 0);
	histogram(b);
	ctf_prom_header(b, "ctflow_demo_flow_ratio", "gauge", "A gauge that is not a number yet.");
	ctf_prom_sample(b, "ctflow_demo_flow_ratio", odd, 0.0 / 0.0);
	ctf_prom_header(b, "ctflow_demo_table_limit", "gauge", "An unlimited table.");
	ctf_prom_sample(b, "ctflow_demo_table_limit", NULL, 1.0 / 0.0);
	ctf_prom_header(b, "ctflow_demo_bytes_total", "counter", "Bytes beyond 2^53.");
	ctf_prom_sample_u64(b, "ctflow_demo_bytes_total", NULL, 18446744073709551615ULL);
	return 0;
}

int main(int argc, char **argv)
{
	const char *address = argc > 1 ? argv[1] : "127.0.0.1";
	uint16_t port = argc > 2 ? (uint16_t)atoi(argv[2]) : 0;
	struct ctf_prom *p;
	char c;
	int r;

	r = ctf_prom_start(&p, address, port, render, NULL);
	if (r < 0) {
		fprintf(stderr, "ctf-prom-demo: %s: %s\n", address, strerror(-r));
		return 1;
	}
	printf("port %u\n", ctf_prom_port(p));
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	ctf_prom_stop(p);
	return 0;
}
