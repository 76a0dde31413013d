// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: arbitrary bytes as a conntrackd.conf into
 * ctf_conf_parse(), copied flush against the end of a heap block so ASan
 * catches a read past the input. Checks what the parser promises: 0 or
 * -EBADMSG, a one-line message with a line inside the input on error, and a
 * configuration whose invariants hold on success (ctflow's Sync options in
 * range included). Seeds: tests/fixtures/conf and tests/compat/conf/cases.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ctflow/conf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_conf(const struct ctf_conf *c)
{
	size_t i;

	if (c->sync.n_channels > CTF_CONF_MAX_CHANNELS ||
	    (c->sync.n_channels && c->sync.default_channel >= c->sync.n_channels))
		abort();
	for (i = 0; i < c->sync.n_channels; i++)
		if (!c->sync.channels[i].ifname || !c->sync.channels[i].family)
			abort();
	if (!c->general.lock_file || !c->exporters.file_path || !c->exporters.prom_address)
		abort();
	if (c->general.sched_priority > 99 || c->exporters.prom_port == 0)
		abort();
	/* ctflow's Sync options stay within the ranges conf.h documents */
	if (c->sync.commit_mode > CTF_CONF_COMMIT_EAGER || c->sync.peer_dead_time > 3600 ||
	    c->sync.ready_peer_timeout < 1 || c->sync.ready_peer_timeout > 3600 ||
	    c->sync.bulk_rate > 10000000 || c->sync.max_delay_ms > 1000 ||
	    c->sync.external_stale_time > 31536000)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctf_conf_error err;
	struct ctf_conf *conf = NULL;
	size_t lines = 1, i;
	char *copy;
	int r;

	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	r = ctf_conf_parse(&conf, "fuzz.conf", copy, size, &err);
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (r == 0) {
		check_conf(conf);
		ctf_conf_free(conf);
	} else if (r != -EBADMSG || err.line > lines || strchr(err.message, '\n') ||
		   strcmp(err.file, "fuzz.conf")) {
		abort();
	}
	free(copy);
	return 0;
}
