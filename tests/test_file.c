/*
 * test_file.c - the file module: atomic writes, capped reads, hashes and
 * path joins (docs/file.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/file.h"
#include "base/hash.h"
#include "testutil.h"

/* Number of entries in dir besides "." and "..". */
static int
count_entries(const char *dir)
{
	struct dirent *de;
	DIR *dp;
	int n = 0;

	assert_non_null(dp = opendir(dir));
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

static void
test_atomic_write_replaces(void **state)
{
	char *dir = tu_mkdtemp("file"), path[ASSAY_PATH_MAX], *got;
	struct stat st;
	size_t len;

	(void)state;
	assert_int_equal(assay_path_join(path, sizeof(path), dir, "a.txt"), 0);
	assert_int_equal(assay_file_write_atomic(path, "first", 5, 0600), 0);
	assert_int_equal(assay_file_write_atomic(path, "second!", 7, 0600), 0);
	assert_non_null(got = tu_read_file(path, &len));
	assert_int_equal(len, 7);
	assert_memory_equal(got, "second!", 7);
	free(got);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Nothing else in the directory: no temporary file left behind. */
	assert_int_equal(count_entries(dir), 1);
	tu_rmrf(dir);
	free(dir);
}

static void
test_atomic_stream(void **state)
{
	struct assay_file_atomic *a = NULL;
	char *dir = tu_mkdtemp("file"), path[ASSAY_PATH_MAX], *got;
	size_t len;

	(void)state;
	assert_int_equal(assay_path_join(path, sizeof(path), dir, "r.xml"), 0);
	assert_int_equal(assay_file_write_atomic(path, "old", 3, 0644), 0);
	assert_int_equal(assay_file_atomic_open(path, 0644, &a), 0);
	fprintf(assay_file_atomic_stream(a), "new %d\n", 42);
	/* Until commit, readers see the old file whole. */
	assert_non_null(got = tu_read_file(path, &len));
	assert_string_equal(got, "old");
	free(got);
	assert_int_equal(count_entries(dir), 2);
	assert_int_equal(assay_file_atomic_commit(a), 0);
	assert_non_null(got = tu_read_file(path, &len));
	assert_string_equal(got, "new 42\n");
	free(got);
	assert_int_equal(count_entries(dir), 1);

	/* Abort leaves the old file and no temporary file. */
	assert_int_equal(assay_file_atomic_open(path, 0644, &a), 0);
	fputs("discarded", assay_file_atomic_stream(a));
	assay_file_atomic_abort(a);
	assay_file_atomic_abort(NULL);
	assert_non_null(got = tu_read_file(path, &len));
	assert_string_equal(got, "new 42\n");
	free(got);
	assert_int_equal(count_entries(dir), 1);
	tu_rmrf(dir);
	free(dir);
}

static void
test_atomic_write_failure_leaves_nothing(void **state)
{
	struct assay_file_atomic *a = NULL;
	char *dir = tu_mkdtemp("file"), path[ASSAY_PATH_MAX];
	char inner[ASSAY_PATH_MAX];

	(void)state;
	/*
	 * The target is a non-empty directory: the temporary file is made,
	 * written and fsync'ed, then the rename fails.  (Tests run as root,
	 * so an unwritable directory would not fail.)
	 */
	assert_int_equal(assay_path_join(path, sizeof(path), dir, "busy"), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(assay_path_join(inner, sizeof(inner), path, "x"), 0);
	assert_int_equal(tu_write_file(inner, "x", 1), 0);
	assert_int_equal(assay_file_write_atomic(path, "data", 4, 0644),
	    ASSAY_ERR_IO);
	assert_int_equal(count_entries(dir), 1);
	assert_int_equal(assay_file_atomic_open(path, 0644, &a), 0);
	fputs("data", assay_file_atomic_stream(a));
	assert_int_equal(assay_file_atomic_commit(a), ASSAY_ERR_IO);
	assert_int_equal(count_entries(dir), 1);

	/* A directory that does not exist: nothing is created anywhere. */
	assert_int_equal(assay_path_join(path, sizeof(path), dir, "no/such"), 0);
	assert_int_equal(assay_file_write_atomic(path, "d", 1, 0644),
	    ASSAY_ERR_NOT_FOUND);
	assert_int_equal(assay_file_atomic_open(path, 0644, &a),
	    ASSAY_ERR_NOT_FOUND);
	assert_null(a);
	assert_int_equal(count_entries(dir), 1);
	/* A path ending in "/" names no file. */
	assert_int_equal(assay_file_write_atomic("/tmp/", "d", 1, 0644),
	    ASSAY_ERR_INVALID_ARG);
	tu_rmrf(dir);
	free(dir);
}

static void
test_write_at(void **state)
{
	char *dir = tu_mkdtemp("file"), path[ASSAY_PATH_MAX];
	struct assay_buf *b = NULL;
	int dfd;

	(void)state;
	assert_true((dfd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_int_equal(assay_file_write_atomic_at(dfd, "k.pem", "key", 3,
	    0600), 0);
	assert_int_equal(assay_file_read_at(dfd, "k.pem", ASSAY_FILE_NOFOLLOW,
	    16, &b), 0);
	assert_string_equal(assay_buf_data(b), "key");
	assay_buf_free(b);
	/* A symbolic link is refused under ASSAY_FILE_NOFOLLOW only. */
	assert_int_equal(symlinkat("k.pem", dfd, "link"), 0);
	assert_int_equal(assay_file_read_at(dfd, "link", ASSAY_FILE_NOFOLLOW,
	    16, &b), ASSAY_ERR_UNSAFE_PATH);
	assert_null(b);
	assert_int_equal(assay_file_read_at(dfd, "link", 0, 16, &b), 0);
	assay_buf_free(b);
	close(dfd);
	assert_int_equal(assay_path_join(path, sizeof(path), dir, "k.pem"), 0);
	tu_rmrf(dir);
	free(dir);
}

static void
test_capped_read(void **state)
{
	char *dir = tu_mkdtemp("file"), path[ASSAY_PATH_MAX];
	struct assay_buf *b = NULL;

	(void)state;
	assert_int_equal(assay_path_join(path, sizeof(path), dir, "ten"), 0);
	assert_int_equal(tu_write_file(path, "0123456789", 10), 0);
	/* At the cap: read whole. */
	assert_int_equal(assay_file_read(path, 10, &b), 0);
	assert_int_equal(assay_buf_len(b), 10);
	assert_string_equal(assay_buf_data(b), "0123456789");
	assay_buf_free(b);
	/* One byte over: named, nothing handed back. */
	b = (struct assay_buf *)1;
	assert_int_equal(assay_file_read(path, 9, &b), ASSAY_ERR_TOO_BIG);
	assert_null(b);
	/* Empty file. */
	assert_int_equal(tu_write_file(path, "", 0), 0);
	assert_int_equal(assay_file_read(path, 10, &b), 0);
	assert_int_equal(assay_buf_len(b), 0);
	assay_buf_free(b);
	assert_int_equal(assay_path_join(path, sizeof(path), dir, "missing"), 0);
	assert_int_equal(assay_file_read(path, 10, &b), ASSAY_ERR_NOT_FOUND);
	assert_null(b);
	tu_rmrf(dir);
	free(dir);
}

static void
test_read_not_regular(void **state)
{
	char *dir = tu_mkdtemp("file"), path[ASSAY_PATH_MAX];
	char hex[ASSAY_SHA256_HEX_LEN + 1];
	struct assay_buf *b = NULL;

	(void)state;
	/* A directory. */
	assert_int_equal(assay_file_read(dir, 1024, &b), ASSAY_ERR_NOT_REGULAR);
	assert_null(b);
	/* A FIFO with no writer: must not block, must not be read. */
	assert_int_equal(assay_path_join(path, sizeof(path), dir, "fifo"), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(assay_file_read(path, 1024, &b), ASSAY_ERR_NOT_REGULAR);
	assert_null(b);
	assert_int_equal(assay_file_sha256_hex(path, hex), ASSAY_ERR_NOT_REGULAR);
	assert_string_equal(hex, "");
	assert_string_equal(assay_strerror(ASSAY_ERR_NOT_REGULAR),
	    "not a regular file");
	/* A character device. */
	assert_int_equal(assay_file_read("/dev/zero", 1024, &b),
	    ASSAY_ERR_NOT_REGULAR);
	tu_rmrf(dir);
	free(dir);
}

static void
test_sha256(void **state)
{
	char *dir = tu_mkdtemp("file"), path[ASSAY_PATH_MAX];
	char hex[ASSAY_SHA256_HEX_LEN + 1], want[ASSAY_SHA256_HEX_LEN + 1];

	(void)state;
	assert_int_equal(assay_path_join(path, sizeof(path), dir, "abc"), 0);
	assert_int_equal(tu_write_file(path, "abc", 3), 0);
	assert_int_equal(assay_file_sha256_hex(path, hex), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(assay_sha256_hex("abc", 3, want), 0);
	assert_string_equal(hex, want);
	tu_rmrf(dir);
	free(dir);
}

static void
test_path_join(void **state)
{
	char out[8];
	char big[ASSAY_PATH_MAX];

	(void)state;
	assert_int_equal(assay_path_join(out, sizeof(out), "a", "b"), 0);
	assert_string_equal(out, "a/b");
	assert_int_equal(assay_path_join(out, sizeof(out), "a/", "b"), 0);
	assert_string_equal(out, "a/b");
	assert_int_equal(assay_path_join(out, sizeof(out), "", "b"), 0);
	assert_string_equal(out, "b");
	/* Exactly fits: 7 characters and the NUL. */
	assert_int_equal(assay_path_join(out, sizeof(out), "abc", "def"), 0);
	assert_string_equal(out, "abc/def");
	/* One over: an error and an empty string, never "abc/defg" cut. */
	assert_int_equal(assay_path_join(out, sizeof(out), "abc", "defg"),
	    ASSAY_ERR_TOO_BIG);
	assert_string_equal(out, "");
	assert_int_equal(assay_path_fmt(out, sizeof(out), "%s.tmp", "report"),
	    ASSAY_ERR_TOO_BIG);
	assert_string_equal(out, "");
	assert_int_equal(assay_path_fmt(out, 0, "x"), ASSAY_ERR_TOO_BIG);
	/* A path longer than the limit can't be written either. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(assay_file_write_atomic(big, "x", 1, 0644),
	    ASSAY_ERR_TOO_BIG);
}

/* What a writer killed before its rename leaves, and nothing else, is a leftover. */
static void
test_leftovers(void **state)
{
	char *dir = tu_mkdtemp("file"), path[ASSAY_PATH_MAX];
	static const char *const keep[] = { "result.txt", ".hidden",
	    ".x.tmp", "..1.ab.tmp", ".a.12.xyz.tmp", ".a.b1.ab.tmp",
	    "a.1.ab.tmp", ".a.1..tmp", ".a..ab.tmp" };
	size_t i, n = 99;

	(void)state;
	assert_true(assay_file_is_leftover(".run.info.7236.961d4ca0c10.tmp"));
	assert_true(assay_file_is_leftover(".MANIFEST.1.0.tmp"));
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (assay_file_is_leftover(keep[i]))
			fail_msg("\"%s\" taken for a leftover", keep[i]);
	/* A run directory: leftovers at two levels, real files kept. */
	assert_int_equal(assay_path_join(path, sizeof(path), dir, "evidence"), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(assay_path_fmt(path, sizeof(path), "%s/evidence/"
	    ".result.txt.42.beef.tmp", dir), 0);
	assert_int_equal(assay_file_write_atomic(path, "half", 4, 0644), 0);
	assert_int_equal(assay_path_fmt(path, sizeof(path), "%s/"
	    ".MANIFEST.42.1.tmp", dir), 0);
	assert_int_equal(assay_file_write_atomic(path, "half", 4, 0644), 0);
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		assert_int_equal(assay_path_join(path, sizeof(path), dir,
		    keep[i]), 0);
		assert_int_equal(assay_file_write_atomic(path, "k", 1, 0644), 0);
	}
	assert_int_equal(assay_file_remove_leftovers(dir, 1, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(count_entries(dir), 1 + (int)(sizeof(keep) /
	    sizeof(keep[0])));
	assert_int_equal(assay_path_join(path, sizeof(path), dir, "evidence"), 0);
	assert_int_equal(count_entries(path), 0);
	/* A directory that does not exist has nothing to remove. */
	assert_int_equal(assay_path_join(path, sizeof(path), dir, "none"), 0);
	assert_int_equal(assay_file_remove_leftovers(path, 1, &n), 0);
	assert_int_equal(n, 0);
	tu_rmrf(dir);
	free(dir);
}

/* A full disk is named as such wherever the errno comes from. */
static void
test_error_names_full_disk(void **state)
{
	(void)state;
	assert_int_equal(assay_file_error(ENOSPC), ASSAY_ERR_NO_SPACE);
	assert_int_equal(assay_file_error(EDQUOT), ASSAY_ERR_NO_SPACE);
	assert_int_equal(assay_file_error(ENOENT), ASSAY_ERR_NOT_FOUND);
	assert_int_equal(assay_file_error(EIO), ASSAY_ERR_IO);
	assert_string_equal(assay_strerror(ASSAY_ERR_NO_SPACE),
	    "disk full (no space left on device)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_atomic_write_replaces),
		cmocka_unit_test(test_atomic_stream),
		cmocka_unit_test(test_atomic_write_failure_leaves_nothing),
		cmocka_unit_test(test_write_at),
		cmocka_unit_test(test_capped_read),
		cmocka_unit_test(test_read_not_regular),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_path_join),
		cmocka_unit_test(test_leftovers),
		cmocka_unit_test(test_error_names_full_disk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
