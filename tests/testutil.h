/*
 * testutil.h - small helpers shared by the cmocka tests.
 * Every test includes this after cmocka's headers.
 */
#ifndef ASSAY_TESTUTIL_H
#define ASSAY_TESTUTIL_H

#include <stddef.h>

/* Path of rel in the source tree (static buffer, overwritten next call). */
const char	*tu_src(const char *rel);
/* Makes a fresh temporary directory; caller frees the string. */
char		*tu_mkdtemp(const char *tag);
/* rm -rf dir (only under /tmp). */
void		 tu_rmrf(const char *dir);
/*
 * Runs cmd with /bin/sh, returns its exit status (or -1), and when out is
 * not NULL stores stdout+stderr (malloc'd, NUL-terminated).
 */
int		 tu_run(const char *cmd, char **out);
/*
 * tu_run() of a formatted command in a subshell (so every part's stderr
 * is caught); on a non-zero status prints the command, status and output.
 */
int		 tu_runf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Polls until a TCP connect to host:port succeeds or timeout_ms passes. 0 ok. */
int		 tu_wait_tcp(const char *host, int port, int timeout_ms);
/* A port currently free on 127.0.0.1 for TCP and UDP alike. */
int		 tu_free_port(void);
/* Reads a whole file (malloc'd, NUL-terminated) or NULL. */
char		*tu_read_file(const char *path, size_t *lenp);
int		 tu_write_file(const char *path, const void *data, size_t len);
/* 1 if prog is on PATH (or an absolute executable path). */
int		 tu_have(const char *prog);
/* Milliseconds on a monotonic clock. */
long long	 tu_now_ms(void);
/*
 * Forks, runs fn(wfd) in the child (its exit status is fn's value) and
 * reads what it writes to wfd into out (NUL-terminated, cut at outlen).
 * Returns that exit status, or -1 (no pipe or child, or killed).
 */
int		 tu_in_child(int (*fn)(int), char *out, size_t outlen);
/*
 * Runs this test program again (argv[0]) in a user and network namespace
 * of its own (unshare -rn), marked by the environment variable env_inside;
 * there, runs setup with /bin/sh first (NULL: nothing).  Returns NULL
 * inside the namespace once set up, or why the tests cannot have one
 * ("iproute2 (ip) not installed"): they skip with it.  Returns only
 * inside, or when there is no namespace to be had.
 */
const char	*tu_enter_netns(char **argv, const char *env_inside,
		    const char *setup);
/* Skips the test (cmocka's skip()) saying why, when why is not NULL. */
#define TU_SKIP_IF(why) do {						\
	if ((why) != NULL) {						\
		fprintf(stderr, "skipped: %s\n", (why));		\
		skip();							\
	}								\
} while (0)

#endif
