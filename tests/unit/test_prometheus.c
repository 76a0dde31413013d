// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the /metrics server and the exposition helpers: a real server
 * on loopback (port 0) answering GET, HEAD, 404, 405 and 500, over IPv4 and
 * IPv6, with its per-address connection limit; escaping and number formatting
 * as the text format 0.0.4 wants them.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <prometheus/prometheus.h>

enum page { PAGE_OK, PAGE_FAIL, PAGE_NOMEM, PAGE_EMPTY, PAGE_BIG };

struct server {
	struct ctf_prom *prom;
	atomic_int page;
	atomic_int renders;
};

static const char ok_page[] = "# HELP ctflow_up Whether the collector runs.\n"
			      "# TYPE ctflow_up gauge\n"
			      "ctflow_up 1\n";

static int render(struct ctf_prom_buf *out, void *data)
{
	struct server *s = data;

	atomic_fetch_add(&s->renders, 1);
	switch (atomic_load(&s->page)) {
	case PAGE_OK:
		ctf_prom_printf(out, "%s", ok_page);
		return 0;
	case PAGE_FAIL:
		ctf_prom_printf(out, "half a page");
		return -EIO;
	case PAGE_NOMEM:
		out->error = -ENOMEM; /* as if an append had failed */
		return 0;
	case PAGE_EMPTY:
		return 0;
	case PAGE_BIG:
		for (int i = 0; i < 20000; i++)
			ctf_prom_printf(out, "ctflow_series{n=\"%d\"} %d\n", i, i);
		return 0;
	}
	return -EINVAL;
}

struct response {
	int status;
	char headers[4096];
	char *body;
	size_t body_len;
};

/* Read everything until the server closes; SO_RCVTIMEO bounds the wait. */
static char *read_all(int fd, size_t *ret_len)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	ssize_t n;

	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

static int connect_to(int family, uint16_t port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 5 };
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a6.sin6_addr = in6addr_loopback;
	if (family == AF_INET6)
		assert_int_equal(connect(fd, (struct sockaddr *)&a6, sizeof(a6)), 0);
	else
		assert_int_equal(connect(fd, (struct sockaddr *)&a4, sizeof(a4)), 0);
	return fd;
}

static void request(int family, uint16_t port, const char *method, const char *path,
		    struct response *r)
{
	char req[512], *raw, *end;
	size_t len;
	int fd = connect_to(family, port);

	snprintf(req, sizeof(req),
		 "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n%s\r\n%s", method, path,
		 strcmp(method, "POST") ? "" : "Content-Length: 3\r\n",
		 strcmp(method, "POST") ? "" : "a=b");
	assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
	raw = read_all(fd, &len);
	close(fd);
	assert_int_equal(sscanf(raw, "HTTP/1.1 %d", &r->status), 1);
	end = strstr(raw, "\r\n\r\n");
	assert_non_null(end);
	snprintf(r->headers, sizeof(r->headers), "%.*s\r\n", (int)(end - raw), raw);
	r->body_len = len - (size_t)(end + 4 - raw);
	r->body = malloc(r->body_len + 1);
	memcpy(r->body, end + 4, r->body_len + 1);
	free(raw);
}

static bool has_header(const struct response *r, const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "\r\n%s\r\n", line);
	return strcasestr(r->headers, want) != NULL;
}

static int setup(void **state)
{
	struct server *s = calloc(1, sizeof(*s));

	if (ctf_prom_start(&s->prom, "127.0.0.1", 0, render, s) < 0)
		return -1;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct server *s = *state;

	ctf_prom_stop(s->prom);
	free(s);
	return 0;
}

static void test_prometheus_get(void **state)
{
	struct server *s = *state;
	struct response r;
	char cl[64];

	assert_true(ctf_prom_port(s->prom) > 0);
	request(AF_INET, ctf_prom_port(s->prom), "GET", "/metrics", &r);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "Content-Type: text/plain; version=0.0.4; charset=utf-8"));
	snprintf(cl, sizeof(cl), "Content-Length: %zu", strlen(ok_page));
	assert_true(has_header(&r, cl));
	assert_string_equal(r.body, ok_page);
	free(r.body);
	/* The query string is not part of the path. */
	request(AF_INET, ctf_prom_port(s->prom), "GET", "/metrics?name[]=up", &r);
	assert_int_equal(r.status, 200);
	free(r.body);
}

static void test_prometheus_head(void **state)
{
	struct server *s = *state;
	struct response r;
	char cl[64];

	request(AF_INET, ctf_prom_port(s->prom), "HEAD", "/metrics", &r);
	assert_int_equal(r.status, 200);
	snprintf(cl, sizeof(cl), "Content-Length: %zu", strlen(ok_page));
	assert_true(has_header(&r, cl));
	assert_true(has_header(&r, "Content-Type: text/plain; version=0.0.4; charset=utf-8"));
	assert_int_equal(r.body_len, 0);
	free(r.body);
}

static void test_prometheus_not_found(void **state)
{
	static const char *const paths[] = { "/", "/metrics/", "/metric", "/metricsx",
					     "/x/metrics" };
	struct server *s = *state;
	struct response r;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		request(AF_INET, ctf_prom_port(s->prom), "GET", paths[i], &r);
		assert_int_equal(r.status, 404);
		free(r.body);
	}
	assert_int_equal(atomic_load(&s->renders), 0); /* never rendered for nothing */
}

static void test_prometheus_method_not_allowed(void **state)
{
	static const char *const methods[] = { "POST", "PUT", "DELETE", "OPTIONS", "PATCH" };
	struct server *s = *state;
	struct response r;

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		request(AF_INET, ctf_prom_port(s->prom), methods[i], "/metrics", &r);
		assert_int_equal(r.status, 405);
		assert_true(has_header(&r, "Allow: GET, HEAD"));
		free(r.body);
	}
	assert_int_equal(atomic_load(&s->renders), 0);
}

static void test_prometheus_render_errors(void **state)
{
	struct server *s = *state;
	struct response r;

	atomic_store(&s->page, PAGE_FAIL);
	request(AF_INET, ctf_prom_port(s->prom), "GET", "/metrics", &r);
	assert_int_equal(r.status, 500);
	assert_null(strstr(r.body, "half a page"));
	free(r.body);
	atomic_store(&s->page, PAGE_NOMEM);
	request(AF_INET, ctf_prom_port(s->prom), "GET", "/metrics", &r);
	assert_int_equal(r.status, 500);
	free(r.body);
	atomic_store(&s->page, PAGE_EMPTY);
	request(AF_INET, ctf_prom_port(s->prom), "GET", "/metrics", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 0);
	assert_true(has_header(&r, "Content-Length: 0"));
	free(r.body);
}

static void test_prometheus_big_page(void **state)
{
	struct server *s = *state;
	struct response r;
	char *p;
	int n = 0;

	atomic_store(&s->page, PAGE_BIG);
	request(AF_INET, ctf_prom_port(s->prom), "GET", "/metrics", &r);
	assert_int_equal(r.status, 200);
	for (p = r.body; (p = strchr(p, '\n')); p++)
		n++;
	assert_int_equal(n, 20000);
	assert_non_null(strstr(r.body, "ctflow_series{n=\"19999\"} 19999\n"));
	free(r.body);
}

/* One address may hold CTF_PROM_MAX_PER_IP connections; one more is closed at once. */
static void test_prometheus_connection_limit(void **state)
{
	struct server *s = *state;
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	int fds[CTF_PROM_MAX_PER_IP], extra;
	struct response r;
	size_t len;
	char *got;

	for (int i = 0; i < CTF_PROM_MAX_PER_IP; i++)
		fds[i] = connect_to(AF_INET, ctf_prom_port(s->prom));
	extra = connect_to(AF_INET, ctf_prom_port(s->prom));
	/* The server may have reset it already: no SIGPIPE. */
	(void)send(extra, req, strlen(req), MSG_NOSIGNAL);
	got = read_all(extra, &len);
	assert_int_equal(len, 0); /* closed without an answer */
	free(got);
	close(extra);
	for (int i = 0; i < CTF_PROM_MAX_PER_IP; i++)
		close(fds[i]);
	/* Served again once the idle ones are gone (the server notices the closes). */
	for (int tries = 0;; tries++) {
		int fd = connect_to(AF_INET, ctf_prom_port(s->prom));

		(void)send(fd, req, strlen(req), MSG_NOSIGNAL);
		got = read_all(fd, &len);
		close(fd);
		if (len) {
			assert_int_equal(sscanf(got, "HTTP/1.1 %d", &r.status), 1);
			assert_int_equal(r.status, 200);
			free(got);
			break;
		}
		free(got);
		assert_true(tries < 50);
		usleep(20000);
	}
}

static void test_prometheus_ipv6(void **state)
{
	struct server s = { 0 };
	struct response r;
	int rc = ctf_prom_start(&s.prom, "[::1]", 0, render, &s);

	if (rc == -EADDRNOTAVAIL || rc == -EAFNOSUPPORT) {
		print_message("no IPv6 loopback: %s\n", strerror(-rc));
		skip();
	}
	assert_int_equal(rc, 0);
	request(AF_INET6, ctf_prom_port(s.prom), "GET", "/metrics", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, ok_page);
	free(r.body);
	ctf_prom_stop(s.prom);
}

/* No address: every address, IPv6 and IPv4 alike. */
static void test_prometheus_any_address(void **state)
{
	struct server s = { 0 };
	struct response r;
	int rc = ctf_prom_start(&s.prom, NULL, 0, render, &s);

	if (rc == -EAFNOSUPPORT) {
		skip();
	}
	assert_int_equal(rc, 0);
	request(AF_INET, ctf_prom_port(s.prom), "GET", "/metrics", &r);
	assert_int_equal(r.status, 200);
	free(r.body);
	request(AF_INET6, ctf_prom_port(s.prom), "GET", "/metrics", &r);
	assert_int_equal(r.status, 200);
	free(r.body);
	ctf_prom_stop(s.prom);
}

static void test_prometheus_start_errors(void **state)
{
	struct server *s = *state;
	struct ctf_prom *p = NULL;

	assert_int_equal(ctf_prom_start(&p, "localhost", 0, render, NULL), -EINVAL);
	assert_int_equal(ctf_prom_start(&p, "300.1.1.1", 0, render, NULL), -EINVAL);
	assert_int_equal(ctf_prom_start(&p, "[::1", 0, render, NULL), -EINVAL);
	assert_int_equal(ctf_prom_start(&p, "127.0.0.1", 0, NULL, NULL), -EINVAL);
	assert_int_equal(ctf_prom_start(&p, "127.0.0.1", ctf_prom_port(s->prom), render, NULL),
			 -EADDRINUSE);
	assert_int_equal(ctf_prom_start(&p, "192.0.2.1", 0, render, NULL), -EADDRNOTAVAIL);
	assert_null(p);
	ctf_prom_stop(NULL);
}

/* ---- exposition ---- */

static void test_prometheus_values(void **state)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 0, "0" },
		{ 1, "1" },
		{ -1, "-1" },
		{ 42, "42" },
		{ 1.5, "1.5" },
		{ 0.1, "0.1" },
		{ -2.25, "-2.25" },
		{ 1e-7, "1e-07" },
		{ 1.0 / 3, "0.3333333333333333" },
		{ 9007199254740992.0, "9007199254740992" },
		{ 123456789012345.0, "123456789012345" },
		{ 36028797018963968.0, "3.602879701896397e+16" },
		{ 1e300, "1e+300" },
		{ 0.30000000000000004, "0.30000000000000004" },
		{ INFINITY, "+Inf" },
		{ -INFINITY, "-Inf" },
		{ NAN, "NaN" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = ctf_prom_format_value(buf, sizeof(buf), cases[i].v);

		assert_int_equal(n, (int)strlen(buf));
		assert_string_equal(buf, cases[i].want);
		if (isfinite(cases[i].v))
			assert_true(strtod(buf, NULL) == cases[i].v); /* reads back exactly */
	}
}

static void test_prometheus_exposition(void **state)
{
	const char *const labels[] = { "path", "a\"b\\c\nd", "reason", "end", NULL };
	const char *const one[] = { "cpu", "0", NULL };
	struct ctf_prom_buf b = { 0 };

	ctf_prom_header(&b, "ctflow_records_total", "counter", "Records \"written\", a\\b\nnext");
	ctf_prom_sample(&b, "ctflow_records_total", labels, 12);
	ctf_prom_sample(&b, "ctflow_records_total", one, 0.5);
	ctf_prom_sample(&b, "ctflow_records_total", NULL, NAN);
	ctf_prom_sample_u64(&b, "ctflow_bytes_total", NULL, UINT64_MAX);
	ctf_prom_sample_u64(&b, "ctflow_bytes_total", one, (1ULL << 53) + 1);
	assert_int_equal(b.error, 0);
	assert_string_equal(b.data,
			    "# HELP ctflow_records_total Records \"written\", a\\\\b\\nnext\n"
			    "# TYPE ctflow_records_total counter\n"
			    "ctflow_records_total{path=\"a\\\"b\\\\c\\nd\",reason=\"end\"} 12\n"
			    "ctflow_records_total{cpu=\"0\"} 0.5\n"
			    "ctflow_records_total NaN\n"
			    "ctflow_bytes_total 18446744073709551615\n"
			    "ctflow_bytes_total{cpu=\"0\"} 9007199254740993\n");
	assert_int_equal(b.len, strlen(b.data));
	ctf_prom_buf_done(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

/* The buffer grows past its first allocation without losing anything; errors stick. */
static void test_prometheus_buffer(void **state)
{
	struct ctf_prom_buf b = { 0 };
	char line[64];

	for (int i = 0; i < 10000; i++)
		ctf_prom_printf(&b, "line %05d\n", i);
	assert_int_equal(b.len, 10000 * 11);
	assert_true(b.cap > b.len);
	for (int i = 0; i < 10000; i += 997) {
		snprintf(line, sizeof(line), "line %05d\n", i);
		assert_memory_equal(b.data + i * 11, line, 11);
	}
	b.error = -ENOMEM;
	ctf_prom_printf(&b, "more");
	ctf_prom_sample(&b, "x", NULL, 1);
	assert_int_equal(b.len, 10000 * 11);
	ctf_prom_buf_done(&b);
}

#define SERVER(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		SERVER(test_prometheus_get),
		SERVER(test_prometheus_head),
		SERVER(test_prometheus_not_found),
		SERVER(test_prometheus_method_not_allowed),
		SERVER(test_prometheus_render_errors),
		SERVER(test_prometheus_big_page),
		SERVER(test_prometheus_connection_limit),
		SERVER(test_prometheus_start_errors),
		cmocka_unit_test(test_prometheus_ipv6),
		cmocka_unit_test(test_prometheus_any_address),
		cmocka_unit_test(test_prometheus_values),
		cmocka_unit_test(test_prometheus_exposition),
		cmocka_unit_test(test_prometheus_buffer),
	};

	return cmocka_run_group_tests_name("prometheus", tests, NULL, NULL);
}
