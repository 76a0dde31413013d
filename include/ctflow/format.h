/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output formatters for conntrack entries: default/extended text, XML, save, JSON. */
#ifndef CTFLOW_FORMAT_H
#define CTFLOW_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include <ctflow/ct.h>

struct ctf_labelmap;

enum ctf_fmt_style {
	CTF_FMT_DEFAULT, /* conntrack-tools' text line (-o extended via CTF_FMT_F_EXTENDED) */
	CTF_FMT_XML,	 /* one <flow> element per line */
	CTF_FMT_SAVE,	 /* a replayable conntrack command line (-A/-U/-D by f->event) */
	CTF_FMT_JSON,	 /* one JSON object per line, schema in doc/json.md */
};

enum {
	CTF_FMT_F_EXTENDED = 1U << 0,	/* layer 3 name and number first */
	CTF_FMT_F_ID = 1U << 1,		/* id=N */
	CTF_FMT_F_KTIMESTAMP = 1U << 2, /* [start=..] [stop=..] (XML: <timestamp>) */
	CTF_FMT_F_LABELS = 1U << 3,	/* labels=a,b */
	CTF_FMT_F_TIMESTAMP = 1U << 4,	/* events: "[sec.usec]\t" prefix (XML: <when>) */
	CTF_FMT_F_EVENT = 1U << 5,	/* events: "[NEW] " prefix (XML: type="new") */
	CTF_FMT_F_NO_TIMEOUT = 1U << 6, /* omit the timeout (conntrackd cache dumps) */
};

/* How to print. Zero-initialised means the default text line. */
struct ctf_fmt {
	enum ctf_fmt_style style;
	unsigned int flags;		     /* CTF_FMT_F_* */
	const struct ctf_labelmap *labelmap; /* label names; NULL: labels are not printed */
	uint64_t now_ns;		     /* "now" for delta-time; 0: read CLOCK_REALTIME */
	uint64_t event_ns;		     /* event time for CTF_FMT_F_TIMESTAMP when the
					      * flow carries no CTA_TIMESTAMP_EVENT */
};

/*
 * ctf_fmt_flow - format @f as one line ending in '\n' into @buf.
 * Returns the length of the whole line (without the NUL), like snprintf:
 * when it is >= @len the output was truncated and the caller retries with a
 * larger buffer. CTF_FMT_LINE_MAX always suffices.
 */
size_t ctf_fmt_flow(char *buf, size_t len, const struct ctf_flow *f, const struct ctf_fmt *fmt);

#define CTF_FMT_LINE_MAX 8192

/*
 * ctf_fmt_header, ctf_fmt_footer - the text that opens and closes a document
 * of @fmt's style ("<?xml ...?>\n<conntrack>\n" and "</conntrack>\n" for
 * XML; empty for the others). Return values as ctf_fmt_flow().
 */
size_t ctf_fmt_header(char *buf, size_t len, const struct ctf_fmt *fmt);
size_t ctf_fmt_footer(char *buf, size_t len, const struct ctf_fmt *fmt);

#endif /* CTFLOW_FORMAT_H */
