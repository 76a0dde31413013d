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
 * larger buffer; @buf then holds the line's first @len - 1 bytes and a NUL
 * (nothing is written when @len is 0). CTF_FMT_LINE_MAX suffices unless the
 * label map has very long names; it never allocates and never calls printf.
 * @fmt may be NULL for the default text line.
 *
 * What the flags mean, per style (1.4.7's behaviour unless said otherwise):
 *  - labels are printed (text, XML) only with CTF_FMT_F_LABELS and a
 *    labelmap; 1.4.7 prints them whenever it loaded the map, i.e. for
 *    -o labels and for -l/--label-add/--label-del, so set the flag then.
 *    Bits without a name are skipped; with no named bit the text line shows
 *    "labels" (1.4.7 trims the '='). JSON always lists them: names from
 *    the map when known, else bit numbers.
 *  - CTF_FMT_F_EVENT: f->event picks the "[NEW] " prefix (text), the
 *    type="new" attribute (XML), -A/-U/-D (save) and "event" (JSON).
 *    Without it save prints "-A" (a dump) and the others no event marker.
 *  - CTF_FMT_F_TIMESTAMP: the event time is f->ts_event when the kernel sent
 *    CTA_TIMESTAMP_EVENT (as conntrack 1.4.8+), else fmt->event_ns, else the
 *    clock: "[sec.usec]\t" in front (text), <when> (XML, local time),
 *    "time_ns" (JSON); save ignores it.
 *  - CTF_FMT_F_ID affects the text line only: XML always has <id>, JSON "id".
 *  - XML and JSON ignore CTF_FMT_F_EXTENDED.
 */
size_t ctf_fmt_flow(char *buf, size_t len, const struct ctf_flow *f, const struct ctf_fmt *fmt);

/*
 * ctf_fmt_save_l3proto - the layer 3 protocol the save format keys on (the
 * original tuple's, else the reply tuple's, else 0). When it is neither
 * AF_INET nor AF_INET6, 1.4.7 writes "WARNING: unsupported l3proto %d,
 * skipping.\n" to stderr, which is the caller's job, and still prints the
 * options it had formatted so far (untrimmed) to stdout: ctf_fmt_flow()
 * returns exactly that partial line. The kernel never sends such entries.
 */
uint8_t ctf_fmt_save_l3proto(const struct ctf_flow *f);

#define CTF_FMT_LINE_MAX 8192

struct ctf_exp;

/*
 * ctf_fmt_exp - format the expectation @e as one line ending in '\n', as
 * conntrack 1.4.7 prints -L expect / -E expect (libnetfilter_conntrack
 * 1.0.9's nfexp_snprintf). Return value and truncation as ctf_fmt_flow().
 * Styles: DEFAULT (and SAVE, which 1.4.7 does not have for expectations and
 * prints as DEFAULT), XML, JSON (doc/json.md). Flags: CTF_FMT_F_EVENT picks
 * the "[NEW] " prefix / type="new" / "event"; CTF_FMT_F_TIMESTAMP adds
 * "[sec.usec]\t" in front (1.4.7's "%-8ld.%-6ld": blank-padded, unlike
 * the conntrack events' zero padding), <when> inside <meta> (XML) or
 * "time_ns" (JSON), from fmt->event_ns, else the clock. The other flags are
 * ignored, as 1.4.7 ignores them for expectations. Addresses print in the
 * message's family (e->family), as libnetfilter_conntrack does.
 */
size_t ctf_fmt_exp(char *buf, size_t len, const struct ctf_exp *e, const struct ctf_fmt *fmt);

/* ctf_fmt_exp_header, ctf_fmt_exp_footer - as ctf_fmt_header/footer, with the <expect> root. */
size_t ctf_fmt_exp_header(char *buf, size_t len, const struct ctf_fmt *fmt);
size_t ctf_fmt_exp_footer(char *buf, size_t len, const struct ctf_fmt *fmt);

/*
 * ctf_fmt_json_str - @str as a quoted JSON string, escaped as the JSON style
 * escapes every string (doc/json.md, "Encoding"). Return values as
 * ctf_fmt_flow().
 */
size_t ctf_fmt_json_str(char *buf, size_t len, const char *str);

/*
 * ctf_fmt_header, ctf_fmt_footer - the text that opens and closes a document
 * of @fmt's style ("<?xml ...?>\n<conntrack>\n" and "</conntrack>\n" for
 * XML; empty for the others). Return values as ctf_fmt_flow(). 1.4.7 prints
 * the XML header before the first entry only, and the footer only when it
 * printed the header: with no entries there is neither.
 */
size_t ctf_fmt_header(char *buf, size_t len, const struct ctf_fmt *fmt);
size_t ctf_fmt_footer(char *buf, size_t len, const struct ctf_fmt *fmt);

#endif /* CTFLOW_FORMAT_H */
