// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the conntrack argument parser and the filter it builds.
 * The input is split into argv at NUL and newline bytes.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "conntrack.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fixed entry every parsed filter is run against. */
static void sample_flow(struct ctf_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->family = AF_INET;
	f->orig.l3num = f->reply.l3num = AF_INET;
	f->orig.l4proto = f->reply.l4proto = IPPROTO_TCP;
	f->orig.src.ip = f->reply.dst.ip = htonl(0x01010101);
	f->orig.dst.ip = f->reply.src.ip = htonl(0x02020202);
	f->orig.l4.port.sport = f->reply.l4.port.dport = 1000;
	f->orig.l4.port.dport = f->reply.l4.port.sport = 80;
	f->orig.flags = f->reply.flags = CTF_TUPLE_F_SRC | CTF_TUPLE_F_DST | CTF_TUPLE_F_PROTO |
					 CTF_TUPLE_F_SPORT | CTF_TUPLE_F_DPORT;
	f->set = CTF_FLOW_BIT(CTF_FLOW_A_ORIG) | CTF_FLOW_BIT(CTF_FLOW_A_REPLY) |
		 CTF_FLOW_BIT(CTF_FLOW_A_STATUS) | CTF_FLOW_BIT(CTF_FLOW_A_MARK) |
		 CTF_FLOW_BIT(CTF_FLOW_A_TIMEOUT) | CTF_FLOW_BIT(CTF_FLOW_A_TCP_STATE);
	f->status = 0xe;
	f->tcp.state = 3;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[MAX_ARGS + 1], *p, *end;
	struct ctf_filter filter;
	struct ctf_flow flow;
	struct ct_cmd cmd;
	struct ct_err err;
	int argc = 0;

	if (size > 4096)
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* A label map path from the input could name /dev/zero: never load one. */
	if (memmem(buf, size, "--labelm", 8)) {
		free(buf);
		return 0;
	}
	argv[argc++] = (char *)"conntrack";
	for (p = buf, end = buf + size; p < end && argc < MAX_ARGS; p += strlen(p) + 1) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		argv[argc++] = p;
	}
	argv[argc] = NULL;
	if (ct_args_parse(argc, argv, &cmd, NULL, &err) == 0) {
		ct_build_filter(&cmd, &filter);
		sample_flow(&flow);
		(void)ctf_filter_match(&filter, &flow);
	} else if (err.status != CT_PARAMETER_PROBLEM && err.status != CT_OTHER_PROBLEM) {
		abort(); /* every failure maps to one of 1.4.7's exit codes */
	}
	ct_cmd_done(&cmd);
	free(buf);
	return 0;
}
