// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fmt_bench: nanoseconds per entry to parse and to format the recorded
 * fixtures in each output style, and the same for libnetfilter_conntrack's
 * nfct_nlmsg_parse() + nfct_snprintf() (what conntrack 1.4.7 runs per
 * entry) when it is available.
 *
 *   fmt_bench [FIXTURE_DIR] [FIXTURE...]     default: kernel synth-random
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ctflow/ct.h>
#include <ctflow/format.h>
#include <ctflow/labels.h>

#include "../tests/unit/fixtures.h"

#ifdef CTF_HAVE_LNFCT
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#endif

/*
 * Each case runs TRIALS times for at least TRIAL_NS and reports the fastest
 * trial: the minimum is what the code costs, the rest is other load on the
 * machine (CI shares its two cores).
 */
#define TRIALS 7
#define TRIAL_NS 100000000ULL

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct set {
	const struct nlmsghdr **msgs;
	struct ctf_flow *flows;
	size_t n;
};

/* Keep the compiler from dropping the work. */
static volatile size_t sink;

static double best(double a, double b)
{
	return a < b ? a : b;
}

static double bench_parse(const struct set *s)
{
	double min = 1e18;
	struct ctf_flow f;
	int trial;

	for (trial = 0; trial < TRIALS; trial++) {
		uint64_t t0 = mono_ns(), t;
		size_t i, rounds = 0;

		do {
			for (i = 0; i < s->n; i++)
				sink += (size_t)ctf_flow_parse(s->msgs[i], &f) + f.set;
			rounds++;
		} while ((t = mono_ns()) - t0 < TRIAL_NS);
		min = best(min, (double)(t - t0) / (double)(rounds * s->n));
	}
	return min;
}

static double bench_format(const struct set *s, const struct ctf_fmt *fmt)
{
	static char line[CTF_FMT_LINE_MAX];
	double min = 1e18;
	int trial;

	for (trial = 0; trial < TRIALS; trial++) {
		uint64_t t0 = mono_ns(), t;
		size_t i, rounds = 0;

		do {
			for (i = 0; i < s->n; i++)
				sink += ctf_fmt_flow(line, sizeof(line), &s->flows[i], fmt);
			rounds++;
		} while ((t = mono_ns()) - t0 < TRIAL_NS);
		min = best(min, (double)(t - t0) / (double)(rounds * s->n));
	}
	return min;
}

#ifdef CTF_HAVE_LNFCT
/* 1.4.7's per-entry work: a fresh object, the library parser, its snprintf. */
static double bench_lnfct(const struct set *s, unsigned int type, unsigned int flags)
{
	static char line[4096];
	double min = 1e18;
	int trial;

	for (trial = 0; trial < TRIALS; trial++) {
		uint64_t t0 = mono_ns(), t;
		size_t i, rounds = 0;

		do {
			for (i = 0; i < s->n; i++) {
				struct nf_conntrack *ct = nfct_new();

				nfct_nlmsg_parse(s->msgs[i], ct);
				sink += (size_t)nfct_snprintf(line, sizeof(line), ct, NFCT_T_UNKNOWN,
							      type, flags);
				nfct_destroy(ct);
			}
			rounds++;
		} while ((t = mono_ns()) - t0 < TRIAL_NS);
		min = best(min, (double)(t - t0) / (double)(rounds * s->n));
	}
	return min;
}
#endif

static int load(struct set *s, const char *dir, const char *name)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	size_t i;

	if (!fx || fixture_load(fx, dir, name) < 0) {
		fprintf(stderr, "fmt_bench: cannot load %s/%s.nl\n", dir, name);
		return -1;
	}
	s->msgs = realloc(s->msgs, (s->n + fx->count) * sizeof(*s->msgs));
	s->flows = realloc(s->flows, (s->n + fx->count) * sizeof(*s->flows));
	for (i = 0; i < fx->count; i++) {
		s->msgs[s->n] = fx->msgs[i];
		if (ctf_flow_parse(fx->msgs[i], &s->flows[s->n]) == 0)
			s->n++;
	}
	return 0; /* the fixture stays loaded: msgs point into it */
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum ctf_fmt_style style;
		unsigned int flags;
#ifdef CTF_HAVE_LNFCT
		unsigned int lnfct_type, lnfct_flags;
#endif
	} cases[] = {
#ifdef CTF_HAVE_LNFCT
#define L(t, f) , t, f
#else
#define L(t, f)
#endif
		{ "default", CTF_FMT_DEFAULT, 0 L(NFCT_O_DEFAULT, 0) },
		{ "extended,id", CTF_FMT_DEFAULT, CTF_FMT_F_EXTENDED | CTF_FMT_F_ID
		  L(NFCT_O_DEFAULT, NFCT_OF_SHOW_LAYER3 | NFCT_OF_ID) },
		{ "ktimestamp", CTF_FMT_DEFAULT, CTF_FMT_F_KTIMESTAMP
		  L(NFCT_O_DEFAULT, NFCT_OF_TIMESTAMP) },
		{ "xml", CTF_FMT_XML, 0 L(NFCT_O_XML, 0) },
		{ "save", CTF_FMT_SAVE, 0 L(0, 0) },
		{ "json", CTF_FMT_JSON, 0 L(0, 0) },
	};
	const char *dir = argc > 1 ? argv[1] : CTF_FIXTURES_DIR;
	struct set s = { 0 };
	size_t i;
	int a;

	if (argc > 2) {
		for (a = 2; a < argc; a++)
			if (load(&s, dir, argv[a]) < 0)
				return 1;
	} else if (load(&s, dir, "kernel") < 0 || load(&s, dir, "synth-random") < 0) {
		return 1;
	}
	setenv("TZ", "UTC", 1);
	printf("%zu entries\n%-14s %10s %14s\n", s.n, "case", "ns/entry", "lnfct ns/entry");
	printf("%-14s %10.1f\n", "parse", bench_parse(&s));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctf_fmt fmt = { .style = cases[i].style, .flags = cases[i].flags,
				       .now_ns = 1800000000000000000ULL };

		printf("%-14s %10.1f", cases[i].name, bench_format(&s, &fmt));
#ifdef CTF_HAVE_LNFCT
		if (cases[i].style != CTF_FMT_SAVE && cases[i].style != CTF_FMT_JSON)
			printf(" %14.1f  (parse + snprintf)",
			       bench_lnfct(&s, cases[i].lnfct_type, cases[i].lnfct_flags));
#endif
		printf("\n");
	}
	return 0;
}
