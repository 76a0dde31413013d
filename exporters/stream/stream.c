// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The exporter thread: pops records from every ring, encodes them into 64 KiB
 * chunks and writes full chunks through the batched writer (io_uring), many
 * per submission. Chunks of one file are written at explicit offsets and
 * committed (counted as written) in offset order; a failed write cuts the
 * file back to the failed chunk, rewrites what followed and marks the loss
 * with a GAP record.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <ctflow/log.h>
#include <ctflow/uring.h>

#include "file.h"
#include "stream.h"

#define CHUNK_SIZE  (64 * 1024)
#define NCHUNKS	    16 /* also the writes in flight at most */
#define POP_BATCH   64 /* records popped from one ring at a time */
#define PASS_CHUNKS 8  /* chunks filled per pass before they are submitted together */
#define IDLE_MAX_MS 10 /* rings cannot wake us: poll them at least this often */
#define NSEC	    1000000000ULL
#define MSEC	    1000000ULL

struct chunk {
	struct ctf_uring_buf wb; /* wb.user points back here */
	struct chunk *next;
	uint8_t *data;
	size_t len;
	uint32_t nrec;
	uint32_t by_reason[8];
	uint64_t gap_lost; /* losses its GAP_WRITE records report: reported again if it is lost */
	uint64_t first_ns; /* monotonic time of its first record */
	bool finished;	   /* its write completed, well or not */
};

struct ctf_stream {
	char *path;
	char *hostname;
	char *netns;
	uint64_t rotate_bytes;
	uint64_t rotate_ns;
	uint64_t flush_ns;
	unsigned int keep;
	struct ctf_stream_meta meta;
	struct ctf_ring **rings;
	size_t nrings;
	uint64_t *drops_seen;
	struct ctf_uring *w;
	uint8_t *mem;
	struct chunk chunks[NCHUNKS];
	struct chunk *free_list;
	struct chunk *cur;  /* being filled */
	struct chunk *fifo; /* queued or in flight to the current file, by offset */
	struct chunk **fifo_tail;
	unsigned int unsubmitted;
	uint64_t queued;    /* chunks ever queued: bounds a drain pass */
	int fd;		    /* -1 while the file could not be opened */
	uint64_t file_off;  /* bytes handed to the writer for this file */
	uint64_t opened_ns; /* monotonic */
	time_t opened_wall;
	uint64_t next_open_ns;
	bool damaged;		/* a write failed: recover() before going on */
	uint64_t lost_unmarked; /* lost records no GAP record reports yet */
	uint64_t seq;
	unsigned int idle_ms;
	int first_error;
	struct ctf_stream_stats st; /* the exporter thread's own */
	pthread_mutex_t lock;	    /* guards pub */
	struct ctf_stream_stats pub;
	pthread_t thread;
	int evfd;
	atomic_bool stop;
	atomic_bool reopen;
	struct ctf_record pop[POP_BATCH];
	uint8_t enc[CTF_STREAM_RECORD_MAX];
};

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
}

static void set_error(struct ctf_stream *s, int r)
{
	if (!s->first_error)
		s->first_error = r;
}

static void publish(struct ctf_stream *s)
{
	pthread_mutex_lock(&s->lock);
	s->pub = s->st;
	pthread_mutex_unlock(&s->lock);
}

/* ---- chunks ---- */

static void chunk_free(struct ctf_stream *s, struct chunk *c)
{
	c->len = 0;
	c->nrec = 0;
	c->gap_lost = 0;
	memset(c->by_reason, 0, sizeof(c->by_reason));
	c->finished = false;
	c->next = s->free_list;
	s->free_list = c;
}

static void lose(struct ctf_stream *s, struct chunk *c)
{
	s->st.records_lost += c->nrec;
	s->lost_unmarked += c->nrec + c->gap_lost;
	chunk_free(s, c);
}

static struct chunk *fifo_pop(struct ctf_stream *s)
{
	struct chunk *c = s->fifo;

	s->fifo = c->next;
	if (!s->fifo)
		s->fifo_tail = &s->fifo;
	c->next = NULL;
	return c;
}

/* Count what is written, oldest first, up to the first write still running or failed. */
static void commit(struct ctf_stream *s)
{
	while (s->fifo && s->fifo->finished && !s->fifo->wb.error) {
		struct chunk *c = fifo_pop(s);

		s->st.records += c->nrec;
		s->st.bytes += c->len;
		for (int i = 0; i < 8; i++)
			s->st.records_by_reason[i] += c->by_reason[i];
		chunk_free(s, c);
	}
}

static void on_done(struct ctf_uring_buf *b, void *data)
{
	struct ctf_stream *s = data;
	struct chunk *c = b->user;

	c->finished = true;
	if (b->error) {
		s->st.write_errors++;
		s->damaged = true;
		set_error(s, b->error);
		ctf_log(LOG_DEBUG, "record write of %zu bytes at %llu failed after %zu: %s", b->len,
			(unsigned long long)b->offset, b->done, strerror(-b->error));
	}
	commit(s);
}

static void submit(struct ctf_stream *s)
{
	int r;

	if (!s->unsubmitted)
		return;
	r = ctf_uring_submit(s->w);
	if (r < 0) {
		set_error(s, r); /* the writes stay queued for the next attempt */
		return;
	}
	s->st.batches += ctf_uring_is_plain(s->w) ? (uint64_t)r : 1;
	s->unsubmitted = 0;
}

static void reap(struct ctf_stream *s, unsigned int min_done)
{
	int r = ctf_uring_reap(s->w, min_done, on_done, s);

	if (r < 0)
		set_error(s, r);
}

static void queue(struct ctf_stream *s, struct chunk *c)
{
	c->wb = (struct ctf_uring_buf){
		.data = c->data,
		.len = c->len,
		.fd = s->fd,
		.offset = s->file_off,
		.user = c,
	};
	c->finished = false;
	s->file_off += c->len;
	*s->fifo_tail = c;
	s->fifo_tail = &c->next;
	/* Cannot fail: every chunk is at most one write and the writer has NCHUNKS slots. */
	(void)ctf_uring_queue(s->w, &c->wb);
	s->unsubmitted++;
	s->queued++;
}

/* Hand the chunk being filled to the writer (lost when there is no file). */
static void close_cur(struct ctf_stream *s)
{
	struct chunk *c = s->cur;

	if (!c)
		return;
	s->cur = NULL;
	if (!c->len)
		chunk_free(s, c);
	else if (s->fd < 0)
		lose(s, c);
	else
		queue(s, c);
}

/* A chunk with room for @need more bytes, waiting for a write to finish if all are busy. */
static struct chunk *room_for(struct ctf_stream *s, size_t need)
{
	if (s->cur && s->cur->len + need > CHUNK_SIZE)
		close_cur(s);
	while (!s->cur) {
		if (s->free_list) {
			s->cur = s->free_list;
			s->free_list = s->cur->next;
			s->cur->next = NULL;
			break;
		}
		submit(s);
		reap(s, 1);
	}
	return s->cur;
}

/* ---- the file ---- */

/* Wait for every write of the current file. */
static void wait_all(struct ctf_stream *s)
{
	submit(s);
	while (ctf_uring_pending(s->w)) {
		unsigned int before = ctf_uring_pending(s->w);

		reap(s, before);
		if (ctf_uring_pending(s->w) == before)
			break; /* reaping itself failed: nothing more will finish */
	}
}

/* Drop every chunk of the current file (it is gone), counting them lost. */
static void lose_fifo(struct ctf_stream *s)
{
	while (s->fifo)
		lose(s, fifo_pop(s));
}

/*
 * After a failed write: cut the file back to where the failed chunk began
 * (it may have been written in part), lose that chunk and write again what
 * came after it, which the cut removed.
 */
static void recover(struct ctf_stream *s)
{
	struct chunk *failed, *rest;

	wait_all(s);
	if (!s->damaged)
		return;
	/* commit() stops at the first failure, so it is the head once all writes are in. */
	if (!s->fifo || !s->fifo->finished || !s->fifo->wb.error)
		return; /* waiting failed (set_error has it): try again later */
	s->damaged = false;
	failed = fifo_pop(s);
	s->file_off = failed->wb.offset;
	lose(s, failed);
	if (ftruncate(s->fd, (off_t)s->file_off) < 0) {
		set_error(s, -errno);
		lose_fifo(s);
		close(s->fd);
		s->fd = -1;
		return;
	}
	rest = s->fifo;
	s->fifo = NULL;
	s->fifo_tail = &s->fifo;
	while (rest) {
		struct chunk *c = rest;

		rest = c->next;
		c->next = NULL;
		queue(s, c);
	}
	submit(s);
}

/*
 * Every write finished and every failure recovered. Each recovery loses a
 * chunk, so NCHUNKS rounds always do; the bound only matters if waiting
 * itself keeps failing.
 */
static void settle(struct ctf_stream *s)
{
	for (int i = 0; i <= NCHUNKS; i++) {
		recover(s);
		wait_all(s);
		if (!s->damaged)
			return;
	}
}

static void open_file(struct ctf_stream *s)
{
	struct sf_open_info info;
	int fd = sf_open(s->path, &info);

	s->opened_ns = now_ns(CLOCK_MONOTONIC);
	s->opened_wall = time(NULL);
	if (fd < 0) {
		set_error(s, fd);
		ctf_log(LOG_DEBUG, "cannot open '%s': %s", s->path, strerror(-fd));
		s->fd = -1;
		s->next_open_ns = s->opened_ns + NSEC;
		return;
	}
	s->fd = fd;
	s->file_off = info.size;
	s->st.repaired_bytes += info.repaired;
	if (info.corrupt_renamed)
		s->st.rotations++;
}

static void close_file(struct ctf_stream *s)
{
	close_cur(s);
	settle(s);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static void rotate(struct ctf_stream *s)
{
	int r;

	close_file(s);
	r = sf_rotate_name(s->path, s->opened_wall);
	if (r < 0)
		ctf_log(LOG_DEBUG, "cannot rename '%s': %s", s->path, strerror(-r));
	open_file(s);
	s->st.rotations++;
	r = sf_prune(s->path, s->keep);
	if (r > 0)
		s->st.files_removed += (uint64_t)r;
}

static bool file_empty(const struct ctf_stream *s)
{
	return s->file_off == 0 && (!s->cur || !s->cur->len);
}

/* ---- records ---- */

static void put_record(struct ctf_stream *s, const struct ctf_record *in, uint8_t gap_source)
{
	struct ctf_record rec = *in;
	struct chunk *c;
	int n;

	rec.seq = ++s->seq;
	s->meta.gap_source = gap_source;
	n = ctf_stream_encode(&rec, &s->meta, s->enc, sizeof(s->enc));
	if (n < 0) { /* cannot happen: CTF_STREAM_RECORD_MAX bounds every record */
		s->st.records_lost++;
		return;
	}
	if (s->rotate_bytes && !file_empty(s) &&
	    s->file_off + (s->cur ? s->cur->len : 0) + (uint64_t)n > s->rotate_bytes)
		rotate(s);
	c = room_for(s, (size_t)n);
	if (!c->len)
		c->first_ns = now_ns(CLOCK_MONOTONIC);
	memcpy(c->data + c->len, s->enc, (size_t)n);
	c->len += (size_t)n;
	c->nrec++;
	if (rec.reason < 8)
		c->by_reason[rec.reason]++;
	if (gap_source == CTF_GAP_WRITE)
		c->gap_lost += rec.lost_events;
}

static void put_gap(struct ctf_stream *s, uint8_t source, uint64_t lost, uint16_t reader)
{
	struct ctf_record gap = {
		.reason = CTF_REASON_GAP,
		.reader = reader,
		.lost_events = lost,
	};

	gap.export_ns = gap.end_ns = gap.start_ns = now_ns(CLOCK_REALTIME);
	put_record(s, &gap, source);
}

/* Report records a ring refused since we last looked. */
static void check_drops(struct ctf_stream *s, size_t i)
{
	uint64_t d = ctf_ring_dropped(s->rings[i]);

	if (d <= s->drops_seen[i])
		return;
	s->st.ring_drops += d - s->drops_seen[i];
	put_gap(s, CTF_GAP_RING, d - s->drops_seen[i], (uint16_t)i);
	s->drops_seen[i] = d;
}

/* One pass over the rings, round robin; returns the records popped. */
static size_t drain(struct ctf_stream *s)
{
	uint64_t queued_before = s->queued;
	size_t total = 0, got;

	do {
		got = 0;
		for (size_t i = 0; i < s->nrings; i++) {
			size_t n = ctf_ring_pop(s->rings[i], s->pop, POP_BATCH);

			for (size_t k = 0; k < n; k++)
				put_record(s, &s->pop[k], CTF_GAP_NONE);
			/* After what the ring held: the drops happened when it was full. */
			check_drops(s, i);
			got += n;
		}
		total += got;
	} while (got && s->queued - queued_before < PASS_CHUNKS && s->fd >= 0);
	submit(s);
	return total;
}

/* ---- the thread ---- */

static void timers(struct ctf_stream *s, uint64_t now)
{
	if (s->fd < 0 && now >= s->next_open_ns)
		open_file(s);
	if (s->fd >= 0 && s->rotate_ns && !file_empty(s) && now - s->opened_ns >= s->rotate_ns)
		rotate(s);
	if (s->cur && s->cur->len && now - s->cur->first_ns >= s->flush_ns) {
		close_cur(s);
		submit(s);
	}
}

static void idle(struct ctf_stream *s)
{
	struct pollfd p = { .fd = s->evfd, .events = POLLIN };
	uint64_t v;

	s->idle_ms = s->idle_ms ? s->idle_ms * 2 : 1;
	if (s->idle_ms > IDLE_MAX_MS)
		s->idle_ms = IDLE_MAX_MS;
	if (poll(&p, 1, (int)s->idle_ms) > 0)
		(void)read(s->evfd, &v, sizeof(v));
}

static void step(struct ctf_stream *s)
{
	reap(s, 0);
	if (s->damaged)
		recover(s);
	if (atomic_exchange(&s->reopen, false)) {
		close_file(s);
		open_file(s);
		s->st.reopens++;
	}
	if (s->lost_unmarked && s->fd >= 0) {
		uint64_t lost = s->lost_unmarked;

		s->lost_unmarked = 0;
		put_gap(s, CTF_GAP_WRITE, lost, 0);
	}
	/* Without a file, leave the records in the rings; their drops get counted there. */
	if (s->fd >= 0 && drain(s))
		s->idle_ms = 0;
	else
		idle(s);
	timers(s, now_ns(CLOCK_MONOTONIC));
	publish(s);
}

static void finish(struct ctf_stream *s)
{
	while (s->fd >= 0 && drain(s))
		;
	close_cur(s);
	settle(s);
	if (s->lost_unmarked && s->fd >= 0) {
		/* One attempt: if the disk is still failing, this is lost too. */
		put_gap(s, CTF_GAP_WRITE, s->lost_unmarked, 0);
		s->lost_unmarked = 0;
		close_cur(s);
		settle(s);
	}
	if (s->fd >= 0 && fsync(s->fd) < 0)
		set_error(s, -errno);
	close_file(s);
	publish(s);
}

static void *run(void *arg)
{
	struct ctf_stream *s = arg;

	while (!atomic_load(&s->stop))
		step(s);
	finish(s);
	return NULL;
}

/* ---- setup ---- */

static int copy_config(struct ctf_stream *s, const struct ctf_stream_config *cfg)
{
	char host[256];

	s->path = strdup(cfg->path);
	if (!cfg->hostname) {
		if (gethostname(host, sizeof(host)) < 0)
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		s->hostname = strdup(host);
	} else {
		s->hostname = strdup(cfg->hostname);
	}
	s->netns = strdup(cfg->netns ? cfg->netns : "");
	if (!s->path || !s->hostname || !s->netns)
		return -ENOMEM;
	s->rotate_bytes = cfg->rotate_bytes;
	s->rotate_ns = cfg->rotate_secs * NSEC;
	s->flush_ns = (cfg->flush_ms ? cfg->flush_ms : CTF_STREAM_DEFAULT_FLUSH_MS) * MSEC;
	s->keep = cfg->keep;
	s->meta = (struct ctf_stream_meta){
		.hostname = s->hostname,
		.netns = s->netns,
		.sampler_family = cfg->sampler_family,
		.sampler_addr = cfg->sampler_addr,
	};
	return 0;
}

static int init_buffers(struct ctf_stream *s, struct ctf_ring *const *rings, size_t nrings)
{
	if (nrings) {
		s->rings = calloc(nrings, sizeof(*s->rings));
		s->drops_seen = calloc(nrings, sizeof(*s->drops_seen));
		if (!s->rings || !s->drops_seen)
			return -ENOMEM;
		memcpy(s->rings, rings, nrings * sizeof(*rings));
	}
	s->nrings = nrings;
	if (posix_memalign((void **)&s->mem, 4096, (size_t)NCHUNKS * CHUNK_SIZE))
		return -ENOMEM;
	s->fifo_tail = &s->fifo;
	for (int i = NCHUNKS - 1; i >= 0; i--) {
		s->chunks[i].data = s->mem + (size_t)i * CHUNK_SIZE;
		chunk_free(s, &s->chunks[i]);
	}
	return 0;
}

static int init_writer(struct ctf_stream *s, bool plain)
{
	int r;

	if (!plain) {
		r = ctf_uring_new(&s->w, NCHUNKS, 0);
		if (r >= 0)
			return 0;
		ctf_log(LOG_WARNING, "io_uring unavailable (%s), writing records with write()",
			strerror(-r));
	}
	return ctf_uring_new(&s->w, NCHUNKS, CTF_URING_F_PLAIN);
}

static void stream_free(struct ctf_stream *s)
{
	ctf_uring_free(s->w);
	if (s->fd >= 0)
		close(s->fd);
	if (s->evfd >= 0)
		close(s->evfd);
	pthread_mutex_destroy(&s->lock);
	free(s->mem);
	free(s->rings);
	free(s->drops_seen);
	free(s->path);
	free(s->hostname);
	free(s->netns);
	free(s);
}

int ctf_stream_start(struct ctf_stream **ret_stream, const struct ctf_stream_config *cfg,
		     struct ctf_ring *const *rings, size_t nrings)
{
	struct ctf_stream *s;
	int r;

	if (!cfg->path || !*cfg->path || (nrings && !rings))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = s->evfd = -1;
	pthread_mutex_init(&s->lock, NULL);
	r = copy_config(s, cfg);
	if (r >= 0)
		r = init_buffers(s, rings, nrings);
	if (r >= 0)
		r = init_writer(s, cfg->plain_write);
	if (r < 0)
		goto out_free;
	s->st.uring = !ctf_uring_is_plain(s->w);
	open_file(s);
	if (s->fd < 0) {
		r = s->first_error;
		goto out_free;
	}
	s->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->evfd < 0) {
		r = -errno;
		goto out_free;
	}
	publish(s);
	r = -pthread_create(&s->thread, NULL, run, s);
	if (r < 0)
		goto out_free;
	*ret_stream = s;
	return 0;
out_free:
	stream_free(s);
	return r;
}

static void wake(struct ctf_stream *s)
{
	uint64_t one = 1;
	int saved = errno; /* may run in a signal handler */

	(void)write(s->evfd, &one, sizeof(one));
	errno = saved;
}

void ctf_stream_reopen(struct ctf_stream *s)
{
	atomic_store(&s->reopen, true);
	wake(s);
}

int ctf_stream_stop(struct ctf_stream *s)
{
	int r;

	if (!s)
		return 0;
	atomic_store(&s->stop, true);
	wake(s);
	pthread_join(s->thread, NULL);
	r = s->first_error;
	stream_free(s);
	return r;
}

void ctf_stream_get_stats(const struct ctf_stream *s, struct ctf_stream_stats *ret_stats)
{
	struct ctf_stream *m = (struct ctf_stream *)s; /* the lock, not the counters, changes */

	pthread_mutex_lock(&m->lock);
	*ret_stats = s->pub;
	pthread_mutex_unlock(&m->lock);
}
