// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * connlabel.conf parsing: table-driven files with their expected maps, each
 * also checked against libnetfilter_conntrack 1.0.9 itself (the library
 * conntrack 1.4.7 uses) when it is available at build time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ctflow/labels.h>

#ifdef CTF_HAVE_LNFCT
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#endif

#define BITS_CHECKED 1100 /* past the library's 1024 limit */

struct expect {
	unsigned int bit;
	const char *name;
};

struct label_case {
	const char *what;
	const char *text;
	int ret;		   /* ctf_labelmap_load() */
	struct expect named[8];	   /* every named bit, terminated by name == NULL */
};

static char long_name[1100];
static char y_name[1100];
static char long_line[1200];
static char split_line[1200];

static const struct label_case cases[] = {
	{ "basic", "0 zero\n1 one\n127 last\n", 0, { { 0, "zero" }, { 1, "one" }, { 127, "last" } } },
	{ "comments and blank lines",
	  "# header\n\n#5 five\n   \n2 two # trailing comment\n3 three\n", 0, { { 3, "three" } } },
	{ "numbers as strtoul(base 0) reads them",
	  "0x10 hex\n010 octal\n+4 plus\n 5 leading\n6six\n-0 negzero\n", 0,
	  { { 0, "negzero" }, { 4, "plus" }, { 5, "leading" }, { 6, "six" }, { 8, "octal" },
	    { 16, "hex" } } },
	{ "bit range", "1023 max\n1024 over\n-1 minus\n99999999999999999999 huge\n", 0,
	  { { 1023, "max" } } },
	{ "names: [A-Za-z0-9 -] only, blanks trimmed",
	  "1 with space\n2\tTab-bed\t \n3 bad!name\n4 dot.ted\n5 \n6\n7 ok\r\n8 ümlaut\n", 0,
	  { { 1, "with space" }, { 2, "Tab-bed" }, { 7, "ok" } } },
	{ "first line for a bit or a name wins", "1 a\n1 b\n2 c\n3 c\n4 b\n", 0,
	  { { 1, "a" }, { 2, "c" }, { 4, "b" } } },
	{ "junk lines are skipped", "foo\n= 1\n\n12\n13 x y z\n", 0, { { 13, "x y z" } } },
	{ "no valid label", "# nothing\nfoo bar\n", -ENODATA, { { 0, NULL } } },
	{ "empty file", "", -ENODATA, { { 0, NULL } } },
	{ "1023-byte pieces: a long name is cut", long_line, 0, { { 20, long_name } } },
	{ "1023-byte pieces: the rest of a line is a line", split_line, 0,
	  { { 21, y_name }, { 22, "cont" } } },
};

static void build_long_lines(void)
{
	/* "20 " + 1020 x fills one fgets() buffer; the rest of the line is junk */
	memset(long_name, 'x', 1020);
	long_name[1020] = '\0';
	snprintf(long_line, sizeof(long_line), "20 %s%s\n", long_name, "xxxxxxxx");
	/* "21 " + 1020 y, then "22 cont" continues in the next piece */
	memset(y_name, 'y', 1020);
	y_name[1020] = '\0';
	memset(split_line, 0, sizeof(split_line));
	memcpy(split_line, "21 ", 3);
	memset(split_line + 3, 'y', 1020);
	strcat(split_line, "22 cont\n");
}

static char *write_file(const char *text)
{
	static char path[64];
	FILE *fp;
	int fd;

	snprintf(path, sizeof(path), "/tmp/ctf-test-labels-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static const char *expected_name(const struct label_case *c, unsigned int bit)
{
	size_t i;

	for (i = 0; c->named[i].name; i++)
		if (c->named[i].bit == bit)
			return c->named[i].name;
	return NULL;
}

#ifdef CTF_HAVE_LNFCT
/* The library says "" for unnamed bits below its highest name, NULL above; we say NULL. */
static void compare_with_library(const struct label_case *c, const char *path,
				 const struct ctf_labelmap *map)
{
	struct nfct_labelmap *lib = nfct_labelmap_new(path);
	unsigned int bit;

	if (c->ret < 0) {
		assert_null(lib);
		return;
	}
	assert_non_null(lib);
	for (bit = 0; bit < BITS_CHECKED; bit++) {
		const char *a = nfct_labelmap_get_name(lib, bit), *b = ctf_labelmap_name(map, bit);

		if (a && !*a)
			a = NULL;
		if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
			fail_msg("%s: bit %u: library '%s', ours '%s'", c->what, bit, a ? a : "(none)",
				 b ? b : "(none)");
		if (b)
			assert_int_equal(nfct_labelmap_get_bit(lib, b), (int)bit);
	}
	nfct_labelmap_destroy(lib);
}
#endif

static void check_case(const struct label_case *c)
{
	struct ctf_labelmap *map = NULL;
	char *path = write_file(c->text);
	unsigned int bit;
	int r;

	r = ctf_labelmap_load(&map, path);
	if (r != c->ret)
		fail_msg("%s: returned %d, expected %d", c->what, r, c->ret);
	if (r == 0) {
		for (bit = 0; bit < BITS_CHECKED; bit++) {
			const char *exp = expected_name(c, bit), *got = ctf_labelmap_name(map, bit);

			if ((exp == NULL) != (got == NULL) || (exp && strcmp(exp, got) != 0))
				fail_msg("%s: bit %u: expected '%s', got '%s'", c->what, bit,
					 exp ? exp : "(none)", got ? got : "(none)");
			if (exp)
				assert_int_equal(ctf_labelmap_bit(map, exp), (int)bit);
		}
	}
#ifdef CTF_HAVE_LNFCT
	compare_with_library(c, path, map);
#endif
	ctf_labelmap_free(map);
	unlink(path);
}

static void test_labels_cases(void **state)
{
	size_t i;

	build_long_lines();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

static void test_labels_missing_file(void **state)
{
	struct ctf_labelmap *map = (void *)0x1;

	assert_int_equal(ctf_labelmap_load(&map, "/nonexistent/ctf/connlabel.conf"), -ENOENT);
	assert_ptr_equal(map, (void *)0x1); /* ret_map written only on success */
	assert_int_equal(ctf_labelmap_load(&map, "/"), -EISDIR);
}

static void test_labels_lookups(void **state)
{
	struct ctf_labelmap *map = NULL;
	char *path = write_file("3 three\n1000 far\n");

	assert_int_equal(ctf_labelmap_load(&map, path), 0);
	unlink(path);
	assert_string_equal(ctf_labelmap_name(map, 3), "three");
	assert_null(ctf_labelmap_name(map, 0));
	assert_null(ctf_labelmap_name(map, 999));
	assert_string_equal(ctf_labelmap_name(map, 1000), "far");
	assert_null(ctf_labelmap_name(map, 1001));
	assert_null(ctf_labelmap_name(map, 4000000000U));
	assert_int_equal(ctf_labelmap_bit(map, "far"), 1000);
	assert_int_equal(ctf_labelmap_bit(map, "Three"), -ENOENT); /* case matters */
	assert_int_equal(ctf_labelmap_bit(map, ""), -ENOENT);
	ctf_labelmap_free(map);
	/* NULL maps: what the formatter gets when no file was loaded */
	assert_null(ctf_labelmap_name(NULL, 0));
	assert_int_equal(ctf_labelmap_bit(NULL, "x"), -ENOENT);
	ctf_labelmap_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels_cases),
		cmocka_unit_test(test_labels_missing_file),
		cmocka_unit_test(test_labels_lookups),
	};

	return cmocka_run_group_tests_name("labels", tests, NULL, NULL);
}
