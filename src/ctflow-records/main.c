// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctflow-records: print the record files conntrackd's collector writes
 * (length-delimited ctflow.FlowRecord messages) as text lines or JSON lines.
 * A truncated last record or a corrupt length is reported with its byte
 * offset; the exit code is then 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <stream/stream.h>

#define BUF_SIZE     (1024 * 1024) /* > CTF_STREAM_MSG_MAX: one frame always fits */
#define LINE_SIZE    8192
#define FOLLOW_SLEEP 250 /* ms between looks at a followed file's end */

enum format { FMT_TEXT, FMT_JSON };

struct input {
	const char *name; /* as given; "-" is stdin */
	int fd;
	uint8_t *buf;
	size_t start, end;
	uint64_t off; /* file offset of buf[start] */
	dev_t dev;
	ino_t ino;
};

static const char *prog = "ctflow-records";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-o text|json] [-f|--follow] FILE...\n"
		"Print conntrackd flow record files (length-delimited ctflow.FlowRecord).\n"
		"  -o, --output FORMAT  text (one line per record, default) or json (JSON lines)\n"
		"  -f, --follow         keep reading the last FILE as it grows, across rotations\n"
		"  -h, --help           this help\n"
		"FILE '-' is standard input.\n",
		prog);
}

static int print_record(const struct input *in, size_t hdr, size_t total, enum format fmt)
{
	struct ctf_stream_decoded d;
	char line[LINE_SIZE];
	int n;

	if (ctf_stream_decode(in->buf + in->start + hdr, total - hdr, &d) < 0) {
		fprintf(stderr, "%s: %s: corrupt record at byte offset %" PRIu64 " (%zu bytes)\n",
			prog, in->name, in->off, total);
		return -EBADMSG;
	}
	n = fmt == FMT_JSON ? ctf_stream_format_json(line, sizeof(line), &d)
			    : ctf_stream_format_text(line, sizeof(line), &d);
	if (n >= (int)sizeof(line))
		n = (int)sizeof(line) - 1; /* records are bounded: cannot happen */
	line[n] = '\n';
	fwrite(line, 1, (size_t)n + 1, stdout);
	return 0;
}

/* Read more bytes behind what is buffered; returns bytes read, 0 at EOF, -errno. */
static ssize_t fill(struct input *in)
{
	ssize_t n;

	if (in->start) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	do {
		n = read(in->fd, in->buf + in->end, BUF_SIZE - in->end);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	in->end += (size_t)n;
	return n;
}

/*
 * Print every complete frame in the buffer. Returns 0 when more bytes are
 * needed (*need: the frame length they complete, 0 while the prefix is cut),
 * or -EBADMSG after reporting corruption.
 */
static int print_frames(struct input *in, enum format fmt, size_t *need)
{
	for (;;) {
		size_t hdr = 0;
		int n = ctf_stream_frame(in->buf + in->start, in->end - in->start, &hdr, need);

		if (n == 0)
			return 0;
		if (n < 0) {
			fprintf(stderr,
				"%s: %s: corrupt length prefix at byte offset %" PRIu64 "\n", prog,
				in->name, in->off);
			return -EBADMSG;
		}
		if (print_record(in, hdr, (size_t)n, fmt) < 0)
			return -EBADMSG;
		in->start += (size_t)n;
		in->off += (uint64_t)n;
	}
}

static int report_truncated(const struct input *in, size_t need)
{
	size_t have = in->end - in->start;

	if (need)
		fprintf(stderr,
			"%s: %s: truncated record at byte offset %" PRIu64
			" (a %zu-byte frame, %zu bytes present)\n",
			prog, in->name, in->off, need, have);
	else
		fprintf(stderr,
			"%s: %s: truncated length prefix at byte offset %" PRIu64
			" (%zu bytes present)\n",
			prog, in->name, in->off, have);
	return -EBADMSG;
}

static int open_input(struct input *in, const char *name)
{
	struct stat st;

	in->name = name;
	in->start = in->end = 0;
	in->off = 0;
	in->fd = strcmp(name, "-") ? open(name, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (in->fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, name, strerror(errno));
		return -errno;
	}
	if (fstat(in->fd, &st) == 0) {
		in->dev = st.st_dev;
		in->ino = st.st_ino;
	}
	return 0;
}

static void close_input(struct input *in)
{
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	in->fd = -1;
}

/* Whether a followed file was rotated: its name now is another file. */
static bool rotated(const struct input *in)
{
	struct stat st;

	if (!strcmp(in->name, "-") || stat(in->name, &st) < 0)
		return false;
	return st.st_dev != in->dev || st.st_ino != in->ino;
}

static void nap(void)
{
	struct timespec ts = { .tv_nsec = FOLLOW_SLEEP * 1000000L };

	fflush(stdout);
	nanosleep(&ts, NULL);
}

/* At the end of a followed input: wait for more, or move on to the file's successor. */
static int follow_wait(struct input *in)
{
	if (!rotated(in)) {
		nap();
		return 0;
	}
	/* Everything the writer put in the old file is read: anything left is torn. */
	if (fill(in) > 0)
		return 0;
	if (in->end > in->start) {
		size_t need = 0;

		(void)ctf_stream_frame(in->buf + in->start, in->end - in->start, NULL, &need);
		report_truncated(in, need);
	}
	close_input(in);
	return open_input(in, in->name);
}

static int read_input(struct input *in, enum format fmt, bool follow)
{
	for (;;) {
		size_t need = 0;
		ssize_t n;
		int r;

		r = print_frames(in, fmt, &need);
		if (r < 0)
			return r;
		n = fill(in);
		if (n < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, in->name, strerror((int)-n));
			return (int)n;
		}
		if (n > 0)
			continue;
		if (follow) {
			r = follow_wait(in);
			if (r < 0)
				return r;
			continue;
		}
		return in->end > in->start ? report_truncated(in, need) : 0;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "follow", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct input in = { .fd = -1 };
	enum format fmt = FMT_TEXT;
	bool follow = false;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "o:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!strcmp(optarg, "text")) {
				fmt = FMT_TEXT;
			} else if (!strcmp(optarg, "json")) {
				fmt = FMT_JSON;
			} else {
				fprintf(stderr, "%s: unknown output format '%s'\n", prog, optarg);
				return 2;
			}
			break;
		case 'f':
			follow = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	in.buf = malloc(BUF_SIZE);
	if (!in.buf) {
		fprintf(stderr, "%s: %s\n", prog, strerror(ENOMEM));
		return 1;
	}
	for (int i = optind; i < argc; i++) {
		if (open_input(&in, argv[i]) < 0) {
			status = 1;
			continue;
		}
		if (read_input(&in, fmt, follow && i == argc - 1) < 0)
			status = 1;
		close_input(&in);
	}
	free(in.buf);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: write error: %s\n", prog, strerror(errno));
		return 1;
	}
	return status;
}
