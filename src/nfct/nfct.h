/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nfct: what main.c shares with the subsystem files. */
#ifndef CTFLOW_NFCT_H
#define CTFLOW_NFCT_H

#include <stdbool.h>
#include <stddef.h>

struct ctf_nl;

/* We are a drop-in for this release: every message carries its version. */
#define NFCT_VERSION "1.4.7"

/* The commands, in 1.4.7's matching order: a prefix picks the first that fits. */
enum nfct_cmd {
	NFCT_CMD_NONE,
	NFCT_CMD_LIST,
	NFCT_CMD_ADD,
	NFCT_CMD_DELETE,
	NFCT_CMD_GET,
	NFCT_CMD_FLUSH,
	NFCT_CMD_DISABLE,
	NFCT_CMD_DEFAULT_SET,
	NFCT_CMD_DEFAULT_GET,
};

/* What a subsystem handler gets; argv[3] onwards are its parameters, as in 1.4.7. */
struct nfct_ctx {
	struct ctf_nl *nl;
	int argc;
	char **argv;
	enum nfct_cmd cmd;
	bool json; /* -o json */
};

/*
 * nfct_error - print "nfct v1.4.7: <msg>" and, when @err is a negative
 * errno, ": <strerror(-err)>", to stderr (1.4.7's nfct_perror).
 */
void nfct_error(int err, const char *msg);

/* Print one formatted object and a newline to stdout. */
void nfct_print(const char *buf, size_t len);

/* Subsystem handlers: 0 on success, -1 after printing the error. */
int nfct_timeout_main(struct nfct_ctx *ctx);
int nfct_helper_main(struct nfct_ctx *ctx);

#endif /* CTFLOW_NFCT_H */
