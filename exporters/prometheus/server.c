// SPDX-License-Identifier: GPL-2.0-or-later
/* The /metrics HTTP server: the only file that sees libmicrohttpd. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include <ctflow/log.h>

#include "prometheus.h"

#define LISTEN_BACKLOG 64

struct ctf_prom {
	struct MHD_Daemon *mhd;
	ctf_prom_render_cb render;
	void *data;
	uint16_t port;
};

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* Parse an address literal ("[::1]" allowed); NULL or "" means every address. */
static int parse_address(const char *address, uint16_t port, union sockaddr_any *sa,
			 socklen_t *ret_len)
{
	char tmp[INET6_ADDRSTRLEN + 2];
	size_t n;

	memset(sa, 0, sizeof(*sa));
	if (!address || !*address)
		address = "::";
	n = strlen(address);
	if (address[0] == '[' && n > 2 && address[n - 1] == ']' && n - 2 < sizeof(tmp)) {
		memcpy(tmp, address + 1, n - 2);
		tmp[n - 2] = '\0';
		address = tmp;
	}
	if (inet_pton(AF_INET, address, &sa->in.sin_addr) == 1) {
		sa->in.sin_family = AF_INET;
		sa->in.sin_port = htons(port);
		*ret_len = sizeof(sa->in);
		return 0;
	}
	if (inet_pton(AF_INET6, address, &sa->in6.sin6_addr) == 1) {
		sa->in6.sin6_family = AF_INET6;
		sa->in6.sin6_port = htons(port);
		*ret_len = sizeof(sa->in6);
		return 0;
	}
	return -EINVAL;
}

static int bound_port(int fd, uint16_t *ret_port)
{
	union sockaddr_any sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, &sa.sa, &len) < 0)
		return -errno;
	*ret_port = ntohs(sa.sa.sa_family == AF_INET6 ? sa.in6.sin6_port : sa.in.sin_port);
	return 0;
}

/* Our own listening socket, so bind errors come back as -errno and port 0 works. */
static int make_listener(const char *address, uint16_t port, uint16_t *ret_port)
{
	union sockaddr_any sa;
	socklen_t len;
	int fd, on = 1, off = 0, r;

	r = parse_address(address, port, &sa, &len);
	if (r < 0)
		return r;
	fd = socket(sa.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	/* "::" should also take IPv4, whatever net.ipv6.bindv6only says. */
	if (sa.sa.sa_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&sa.in6.sin6_addr))
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (bind(fd, &sa.sa, len) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		r = -errno;
		goto out_close;
	}
	r = bound_port(fd, ret_port);
	if (r < 0)
		goto out_close;
	return fd;
out_close:
	close(fd);
	return r;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     struct MHD_Response *resp)
{
	enum MHD_Result r;

	if (!resp)
		return MHD_NO; /* out of memory: libmicrohttpd closes the connection */
	r = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned int status, const char *text,
				  const char *allow)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				      "text/plain; charset=utf-8");
	if (allow)
		(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	return reply(c, status, resp);
}

static enum MHD_Result reply_metrics(struct ctf_prom *p, struct MHD_Connection *c)
{
	struct ctf_prom_buf page = { 0 };
	struct MHD_Response *resp;
	int r;

	r = p->render(&page, p->data);
	if (r >= 0)
		r = page.error;
	if (r < 0) {
		ctf_log(LOG_DEBUG, "rendering /metrics failed: %s", strerror(-r));
		ctf_prom_buf_done(&page);
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "metrics unavailable\n", NULL);
	}
	if (!page.len) {
		ctf_prom_buf_done(&page);
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else {
		/* libmicrohttpd frees the page with free() once it is sent. */
		resp = MHD_create_response_from_buffer(page.len, page.data, MHD_RESPMEM_MUST_FREE);
		if (!resp)
			ctf_prom_buf_done(&page);
	}
	if (resp)
		(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					      CTF_PROM_CONTENT_TYPE);
	return reply(c, MHD_HTTP_OK, resp);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct ctf_prom *p = cls;

	/* Answered at the first call: a body, if any, is never read (the connection then closes). */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n",
				  "GET, HEAD");
	if (strcmp(url, "/metrics"))
		return reply_text(c, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n", NULL);
	return reply_metrics(p, c);
}

static __attribute__((format(printf, 2, 0))) void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	ctf_log(LOG_DEBUG, "http: %s", msg);
}

int ctf_prom_start(struct ctf_prom **ret_prom, const char *address, uint16_t port,
		   ctf_prom_render_cb render, void *data)
{
	struct ctf_prom *p;
	int fd;

	if (!render)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->render = render;
	p->data = data;
	fd = make_listener(address, port, &p->port);
	if (fd < 0) {
		free(p);
		return fd;
	}
	p->mhd = MHD_start_daemon(
		MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, p,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CTF_PROM_MAX_CONNECTIONS,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)CTF_PROM_MAX_PER_IP,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CTF_PROM_TIMEOUT_SECS, MHD_OPTION_END);
	if (!p->mhd) {
		close(fd);
		free(p);
		return -EIO;
	}
	*ret_prom = p;
	return 0;
}

uint16_t ctf_prom_port(const struct ctf_prom *p)
{
	return p->port;
}

void ctf_prom_stop(struct ctf_prom *p)
{
	if (!p)
		return;
	MHD_stop_daemon(p->mhd); /* joins the thread and closes the listening socket */
	free(p);
}
