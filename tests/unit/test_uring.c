// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the batched writer (uring.c), each run with io_uring and with
 * plain write(): one submission for many buffers, short writes continued
 * (RLIMIT_FSIZE, a full tmpfs), errors reported with what made it (a closed
 * fd), the queue limit, a pipe written at the file position.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctflow/uring.h>

#define NBUF 64

struct mode {
	const char *name;
	unsigned int flags;
};

static const struct mode modes[] = {
	{ "io_uring", 0 },
	{ "write", CTF_URING_F_PLAIN },
};

struct done_log {
	unsigned int n;
	struct ctf_uring_buf *bufs[NBUF * 2];
};

static void on_done(struct ctf_uring_buf *b, void *data)
{
	struct done_log *log = data;

	assert_true(log->n < NBUF * 2);
	log->bufs[log->n++] = b;
}

/* A writer in @m's mode, or a skip when the kernel has no usable io_uring. */
static struct ctf_uring *writer(const struct mode *m, unsigned int entries)
{
	struct ctf_uring *u = NULL;
	int r = ctf_uring_new(&u, entries, m->flags);

	if (r == -ENOSYS || r == -EPERM) {
		print_message("io_uring unavailable (%s)\n", strerror(-r));
		skip();
	}
	assert_int_equal(r, 0);
	assert_int_equal(ctf_uring_is_plain(u), m->flags == CTF_URING_F_PLAIN);
	return u;
}

static int temp_file(char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/tmp/ctf-uring-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	return fd;
}

static void fill_pattern(uint8_t *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7);
}

/* 64 buffers of different sizes at consecutive offsets, one submit, one reap. */
static void test_uring_batch(void **state)
{
	const struct mode *m = *state;
	static struct ctf_uring_buf bufs[NBUF];
	static uint8_t data[NBUF][5000];
	struct done_log log = { 0 };
	struct ctf_uring *u = writer(m, NBUF);
	char path[64];
	uint8_t *back;
	uint64_t off = 0;
	int fd = temp_file(path, sizeof(path));

	for (unsigned int i = 0; i < NBUF; i++) {
		size_t len = 1 + (i * 997) % 5000;

		fill_pattern(data[i], len, i);
		bufs[i] = (struct ctf_uring_buf){
			.data = data[i],
			.len = len,
			.fd = fd,
			.offset = off,
			.user = &bufs[i],
		};
		off += len;
		assert_int_equal(ctf_uring_queue(u, &bufs[i]), 0);
	}
	assert_int_equal(ctf_uring_room(u), 0);
	assert_int_equal(ctf_uring_submit(u), m->flags ? NBUF : NBUF); /* all in one go */
	assert_int_equal(ctf_uring_reap(u, NBUF, on_done, &log), NBUF);
	assert_int_equal(ctf_uring_pending(u), 0);
	assert_int_equal(log.n, NBUF);
	for (unsigned int i = 0; i < log.n; i++) {
		assert_int_equal(log.bufs[i]->error, 0);
		assert_int_equal(log.bufs[i]->done, log.bufs[i]->len);
		assert_ptr_equal(log.bufs[i]->user, log.bufs[i]);
	}
	back = malloc(off);
	assert_int_equal(pread(fd, back, off, 0), (ssize_t)off);
	for (unsigned int i = 0; i < NBUF; i++)
		assert_memory_equal(back + bufs[i].offset, data[i], bufs[i].len);
	free(back);
	close(fd);
	unlink(path);
	ctf_uring_free(u);
}

static void test_uring_queue_limit(void **state)
{
	const struct mode *m = *state;
	struct ctf_uring *u = writer(m, 4);
	struct ctf_uring_buf bufs[5], empty = { .len = 0 };
	struct done_log log = { 0 };
	char path[64], c = 'x';
	int fd = temp_file(path, sizeof(path));

	for (int i = 0; i < 5; i++)
		bufs[i] = (struct ctf_uring_buf){ .data = &c, .len = 1, .fd = fd, .offset = i };
	for (int i = 0; i < 4; i++)
		assert_int_equal(ctf_uring_queue(u, &bufs[i]), 0);
	assert_int_equal(ctf_uring_queue(u, &bufs[4]), -EBUSY);
	assert_int_equal(ctf_uring_room(u), 0);
	assert_int_equal(ctf_uring_submit(u), 4);
	/* Nothing queued and unsubmitted: waiting returns once all four are in. */
	assert_int_equal(ctf_uring_reap(u, 10, on_done, &log), 4);
	assert_int_equal(ctf_uring_room(u), 4);
	assert_int_equal(ctf_uring_queue(u, &empty), -EINVAL);
	assert_int_equal(ctf_uring_reap(u, 1, on_done, &log), 0); /* nothing in flight: no wait */
	close(fd);
	unlink(path);
	ctf_uring_free(u);
}

/* The file size limit cuts a write short; the rest then fails with EFBIG. */
static void test_uring_short_write_fsize(void **state)
{
	const struct mode *m = *state;
	static uint8_t data[3][16384];
	struct ctf_uring_buf bufs[3];
	struct done_log log = { 0 };
	struct rlimit old, lim = { .rlim_cur = 20000, .rlim_max = RLIM_INFINITY };
	struct ctf_uring *u = writer(m, 8);
	char path[64];
	int fd = temp_file(path, sizeof(path));
	size_t total = 0;

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	for (int i = 0; i < 3; i++) {
		fill_pattern(data[i], sizeof(data[i]), (unsigned int)i);
		bufs[i] = (struct ctf_uring_buf){
			.data = data[i],
			.len = sizeof(data[i]),
			.fd = fd,
			.offset = i * 16384ULL,
		};
		assert_int_equal(ctf_uring_queue(u, &bufs[i]), 0);
	}
	assert_int_equal(ctf_uring_submit(u), 3);
	assert_int_equal(ctf_uring_reap(u, 3, on_done, &log), 3);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	/* The first fits, the second is cut at 20000 and continued into EFBIG, the third fails. */
	assert_int_equal(bufs[0].error, 0);
	assert_int_equal(bufs[0].done, 16384);
	assert_int_equal(bufs[1].error, -EFBIG);
	assert_int_equal(bufs[1].done, 20000 - 16384);
	assert_true(bufs[1].retries >= 1);
	assert_int_equal(bufs[2].error, -EFBIG);
	assert_int_equal(bufs[2].done, 0);
	for (int i = 0; i < 3; i++)
		total += bufs[i].done;
	assert_int_equal(lseek(fd, 0, SEEK_END), (off_t)total);
	close(fd);
	unlink(path);
	ctf_uring_free(u);
}

/* A 64 KiB tmpfs at @dir in a private mount namespace; false when we may not make one. */
static bool small_tmpfs(char *dir)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return false;
	if (!mkdtemp(dir))
		return false;
	if (mount("ctf", dir, "tmpfs", 0, "size=64k") < 0) {
		rmdir(dir);
		return false;
	}
	return true;
}

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			return 1;                                                                \
		}                                                                                \
	} while (0)

/* 128 KiB into 64 KiB; runs in a child process: exit 0 passed, 77 skipped, 1 failed. */
static int enospc_child(const struct mode *m)
{
	static uint8_t data[4][32768];
	struct ctf_uring_buf bufs[4];
	struct done_log log = { 0 };
	char dir[] = "/tmp/ctf-uring-tmpfs-XXXXXX", path[128];
	struct ctf_uring *u = NULL;
	size_t total = 0;
	int fd, failed = 0;

	/* unshare(CLONE_NEWNS) needs an unshared fs_struct: a fresh child, before any ring. */
	if (!small_tmpfs(dir)) {
		fprintf(stderr, "no private tmpfs (needs root): %s\n", strerror(errno));
		return 77;
	}
	int r = ctf_uring_new(&u, 8, m->flags);

	if (r == -ENOSYS || r == -EPERM)
		return 77;
	CHECK(r == 0);
	snprintf(path, sizeof(path), "%s/records", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0);
	for (int i = 0; i < 4; i++) {
		fill_pattern(data[i], sizeof(data[i]), (unsigned int)i);
		bufs[i] = (struct ctf_uring_buf){
			.data = data[i],
			.len = sizeof(data[i]),
			.fd = fd,
			.offset = i * 32768ULL,
		};
		CHECK(ctf_uring_queue(u, &bufs[i]) == 0);
	}
	CHECK(ctf_uring_submit(u) == 4);
	CHECK(ctf_uring_reap(u, 4, on_done, &log) == 4);
	for (int i = 0; i < 4; i++) {
		CHECK(bufs[i].error == 0 || bufs[i].error == -ENOSPC);
		CHECK(bufs[i].error || bufs[i].done == bufs[i].len);
		failed += bufs[i].error != 0;
		total += bufs[i].done;
	}
	/* Something failed with ENOSPC, and what was written fits into the 64 KiB. */
	CHECK(failed >= 2);
	CHECK(total <= 65536 && total >= 32768);
	close(fd);
	ctf_uring_free(u);
	umount(dir);
	rmdir(dir);
	return 0;
}

static void test_uring_enospc(void **state)
{
	const struct mode *m = *state;
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(enospc_child(m));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_uring_closed_fd(void **state)
{
	const struct mode *m = *state;
	struct ctf_uring *u = writer(m, 2);
	struct ctf_uring_buf b = { .data = "abc", .len = 3, .offset = 0 };
	struct done_log log = { 0 };
	char path[64];
	int fd = temp_file(path, sizeof(path));

	unlink(path);
	close(fd);
	b.fd = fd;
	assert_int_equal(ctf_uring_queue(u, &b), 0);
	assert_int_equal(ctf_uring_submit(u), 1);
	assert_int_equal(ctf_uring_reap(u, 1, on_done, &log), 1);
	assert_ptr_equal(log.bufs[0], &b);
	assert_int_equal(b.error, -EBADF);
	assert_int_equal(b.done, 0);
	ctf_uring_free(u);
}

struct drain_arg {
	int fd;
	uint8_t *out;
	size_t len;
};

static void *drain_pipe(void *p)
{
	struct drain_arg *a = p;
	size_t got = 0;

	while (got < a->len) {
		ssize_t n = read(a->fd, a->out + got, a->len - got < 1000 ? a->len - got : 1000);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	a->len = got;
	return NULL;
}

/* A pipe (no offsets) smaller than the write: continued until a slow reader has it all. */
static void test_uring_pipe(void **state)
{
	const struct mode *m = *state;
	static uint8_t data[256 * 1024], out[256 * 1024];
	struct ctf_uring_buf b = { .data = data, .len = sizeof(data), .offset = CTF_URING_OFF_CUR };
	struct drain_arg a = { .out = out, .len = sizeof(out) };
	struct done_log log = { 0 };
	struct ctf_uring *u = writer(m, 2);
	pthread_t t;
	int p[2];

	fill_pattern(data, sizeof(data), 7);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	(void)fcntl(p[1], F_SETPIPE_SZ, 4096);
	a.fd = p[0];
	b.fd = p[1];
	assert_int_equal(pthread_create(&t, NULL, drain_pipe, &a), 0);
	assert_int_equal(ctf_uring_queue(u, &b), 0);
	assert_int_equal(ctf_uring_submit(u), 1);
	assert_int_equal(ctf_uring_reap(u, 1, on_done, &log), 1);
	assert_int_equal(b.error, 0);
	assert_int_equal(b.done, sizeof(data));
	pthread_join(t, NULL);
	assert_int_equal(a.len, sizeof(data));
	assert_memory_equal(out, data, sizeof(data));
	close(p[0]);
	close(p[1]);
	ctf_uring_free(u);
}

/* Freeing with writes in flight waits for them (ASan would see the buffers reused otherwise). */
static void test_uring_free_in_flight(void **state)
{
	const struct mode *m = *state;
	struct ctf_uring *u = writer(m, 8);
	uint8_t *data = malloc(1 << 20);
	struct ctf_uring_buf b[8];
	char path[64];
	int fd = temp_file(path, sizeof(path));

	memset(data, 0xab, 1 << 20);
	for (int i = 0; i < 8; i++) {
		b[i] = (struct ctf_uring_buf){
			.data = data,
			.len = 1 << 20,
			.fd = fd,
			.offset = (uint64_t)i << 20,
		};
		assert_int_equal(ctf_uring_queue(u, &b[i]), 0);
	}
	assert_int_equal(ctf_uring_submit(u), 8);
	ctf_uring_free(u);
	assert_int_equal(lseek(fd, 0, SEEK_END), 8 << 20);
	free(data);
	close(fd);
	unlink(path);
}

static void test_uring_new_invalid(void **state)
{
	struct ctf_uring *u = NULL;

	assert_int_equal(ctf_uring_new(&u, 0, 0), -EINVAL);
	assert_int_equal(ctf_uring_new(&u, 8, 1U << 7), -EINVAL);
	assert_int_equal(ctf_uring_new(&u, 100000, CTF_URING_F_PLAIN), -EINVAL);
	assert_null(u);
	ctf_uring_free(NULL);
}

#define BOTH(fn)                                                \
	{ #fn "/io_uring", fn, NULL, NULL, (void *)&modes[0] }, \
	{                                                       \
#fn "/write", fn, NULL, NULL, (void *)&modes[1] \
	}

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_uring_batch),
		BOTH(test_uring_queue_limit),
		BOTH(test_uring_short_write_fsize),
		BOTH(test_uring_closed_fd),
		BOTH(test_uring_pipe),
		BOTH(test_uring_free_in_flight),
		BOTH(test_uring_enospc),
		cmocka_unit_test(test_uring_new_invalid),
	};

	return cmocka_run_group_tests_name("uring", tests, NULL, NULL);
}
