/*
 * killshim.c - LD_PRELOAD library for the crash-consistency test
 * (tests/crash/run.py, tests/e2e_crash.sh).
 *
 * Kills the whole process group of `assay run` (supervisor and test-case
 * children: kill(0, SIGKILL)) at a chosen moment of the evidence store's
 * life, so a kill point can be named exactly and reproduced, not only
 * hit by a timer.  Wraps rename(), renameat() and fdatasync(), the calls
 * every durable write of the run goes through (write_atomic() in
 * evidence.c, the report writers, sign.c; the journal is the only file
 * that is fdatasync'ed).
 *
 *   ASSAY_CRASH_AT=WHEN:NAME:N   kill at the N-th (1-based, counted over all
 *                                processes of the run) event:
 *       WHEN = before   just before rename() to NAME (the temporary file is
 *                       complete and fsync'ed, the final name not there yet)
 *            = after    just after rename() to NAME returned (for result.txt:
 *                       between the rename and the journal's "done" line)
 *            = journal  at fdatasync() of the journal: the line is written,
 *                       not yet synced (NAME is ignored, use "-")
 *       NAME = the final file's base name (result.txt, report.json, ...) or
 *              "*" for any.
 *   ASSAY_CRASH_COUNTER=FILE     shared counter (created, 4096 bytes of
 *                                zeros, by the runner); required with AT.
 *   ASSAY_CRASH_LOG=FILE         append one line per event ("before NAME",
 *                                "after NAME", "journal -"), to count them
 *                                in an uninterrupted run.
 *
 * Built only for the tests; never linked into assay.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_fdatasync)(int);

static const char *
base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void
log_event(const char *when, const char *name)
{
	const char *path = getenv("ASSAY_CRASH_LOG");
	char line[512];
	int fd, n;

	if (path == NULL || *path == '\0')
		return;
	n = snprintf(line, sizeof(line), "%s %s\n", when, name);
	if (n <= 0 || (size_t)n >= sizeof(line))
		return;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0644)) < 0)
		return;
	(void)!write(fd, line, (size_t)n);
	close(fd);
}

/* The shared counter: one int in a MAP_SHARED page of the counter file. */
static int
bump(void)
{
	static int *ctr;
	const char *path;
	int fd;

	if (ctr == NULL) {
		if ((path = getenv("ASSAY_CRASH_COUNTER")) == NULL ||
		    (fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
			return -1;
		ctr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (ctr == MAP_FAILED) {
			ctr = NULL;
			return -1;
		}
	}
	return __atomic_add_fetch(ctr, 1, __ATOMIC_SEQ_CST);
}

/* Counts the event if it is the one ASSAY_CRASH_AT names; kills at N. */
static void
event(const char *when, const char *name)
{
	const char *at = getenv("ASSAY_CRASH_AT");
	char w[16], nm[256];
	int n;

	log_event(when, name);
	if (at == NULL || sscanf(at, "%15[^:]:%255[^:]:%d", w, nm, &n) != 3)
		return;
	if (strcmp(w, when) != 0)
		return;
	if (strcmp(when, "journal") != 0 && strcmp(nm, "*") != 0 &&
	    strcmp(nm, name) != 0)
		return;
	if (bump() == n) {
		kill(0, SIGKILL);
		for (;;)
			pause();
	}
}

static void *
next(const char *sym)
{
	void *f = dlsym(RTLD_NEXT, sym);

	if (f == NULL)
		abort();
	return f;
}

int
rename(const char *from, const char *to)
{
	int r;

	if (real_rename == NULL)
		real_rename = (int (*)(const char *, const char *))next("rename");
	event("before", base(to));
	r = real_rename(from, to);
	if (r == 0)
		event("after", base(to));
	return r;
}

int
renameat(int ofd, const char *from, int nfd, const char *to)
{
	int r;

	if (real_renameat == NULL)
		real_renameat = (int (*)(int, const char *, int,
		    const char *))next("renameat");
	event("before", base(to));
	r = real_renameat(ofd, from, nfd, to);
	if (r == 0)
		event("after", base(to));
	return r;
}

int
fdatasync(int fd)
{
	if (real_fdatasync == NULL)
		real_fdatasync = (int (*)(int))next("fdatasync");
	event("journal", "-");
	return real_fdatasync(fd);
}
