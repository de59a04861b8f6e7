/*
 * faultsim.c - allocation and I/O fault injection for Assay (issue 11,
 * "make it permanent" 2), after SQLite's src/test_malloc.c (faultsimConfig)
 * and Lua's ltests.c (debug_realloc).
 *
 *	assay-faultsim PHASE KIND N OUTDIR [KEY CERT]
 *
 * PHASE is forms (load the example ICS, IXIT and set-up file), run (an
 * assessment of a few conceptual test cases: forms, catalogue, sandbox,
 * evidence store; the reports are written unarmed) or report (the run
 * unarmed, then writing and signing the report armed).  KIND is alloc or
 * io.  The Nth call of that kind made while the phase is armed fails
 * (once; N = 0 fails nothing and just counts).  At exit, stderr has
 * "faultsim: calls C fired F" (C: the most calls any process of the run
 * made, test-case processes included) and, when the phase failed,
 * "faultsim: error: ...".  Exit 0: the phase succeeded; 1: it failed with
 * a named error; anything else (a signal, a sanitizer's exit code) is a
 * defect.  tests/faultsim.py drives it over every point.  With
 * FAULTSIM_TRACE set, each injected failure prints its process and stack.
 *
 * How the calls are caught (tests/CMakeLists.txt): the executable is
 * linked with -Wl,--wrap for malloc, calloc, realloc, strdup, strndup,
 * asprintf, vasprintf (allocation) and write, fsync, fdatasync, renameat,
 * mkdir (I/O), which rewrites those references in every object linked,
 * libassay_core.a included.  libxml2 allocates through xmlMemSetup() and
 * OpenSSL through CRYPTO_set_mem_functions(), both pointed at the wrapped
 * allocator; Lua allocates through the sandbox's lua_Alloc, which calls
 * realloc and so is covered.  Not covered: allocations inside glibc (stdio
 * buffers, fopen, getline), libcurl and libssh (not used by these phases),
 * and stdio's own writes (fwrite to a FILE from fopen); the file module's
 * atomic stream writes through write(2) (fopencookie) and is covered.
 */
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlmemory.h>
#include <openssl/crypto.h>

#include "base/datadir.h"
#include "base/diag.h"
#include "base/error.h"
#include "forms/forms.h"
#include "report/report.h"
#include "report/sign.h"
#include "run/engine.h"

enum kind { KIND_ALLOC, KIND_IO };

/* Shared with the test-case processes the engine forks. */
struct fs_shared {
	unsigned long	max_calls;	/* most calls counted by one process */
	unsigned long	fired;		/* failures injected, all processes */
};

static struct fs_shared *shared;
static enum kind kind;
static unsigned long fail_at;		/* 0: never */
static unsigned long calls;		/* this process, while armed */
static int armed;

/* Counts a call of kind k; 1 when this one must fail. */
static int
fault(enum kind k)
{
	if (!armed || k != kind)
		return 0;
	calls++;
	if (shared != NULL && calls > shared->max_calls)
		shared->max_calls = calls;
	if (calls != fail_at)
		return 0;
	if (shared != NULL)
		__atomic_add_fetch(&shared->fired, 1, __ATOMIC_RELAXED);
	if (getenv("FAULTSIM_TRACE") != NULL) {
		/* Which call failed, in which process (no allocation). */
		void *pc[32];
		int n;

		armed = 0;
		dprintf(2, "faultsim: pid %ld failed call %lu:\n", (long)getpid(),
		    calls);
		n = backtrace(pc, 32);
		backtrace_symbols_fd(pc, n, 2);
		armed = 1;
	}
	return 1;
}

/* --- allocation ---------------------------------------------------------- */

void	*__real_malloc(size_t);
void	*__real_calloc(size_t, size_t);
void	*__real_realloc(void *, size_t);
char	*__real_strdup(const char *);
char	*__real_strndup(const char *, size_t);
int	 __real_vasprintf(char **, const char *, va_list);

void	*__wrap_malloc(size_t);
void	*__wrap_calloc(size_t, size_t);
void	*__wrap_realloc(void *, size_t);
char	*__wrap_strdup(const char *);
char	*__wrap_strndup(const char *, size_t);
int	 __wrap_vasprintf(char **, const char *, va_list);
int	 __wrap_asprintf(char **, const char *, ...);

void *
__wrap_malloc(size_t n)
{
	if (fault(KIND_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t m)
{
	if (fault(KIND_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_calloc(n, m);
}

void *
__wrap_realloc(void *p, size_t n)
{
	/* realloc(p, 0) frees: not an allocation that can fail. */
	if (n != 0 && fault(KIND_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
	if (fault(KIND_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	if (fault(KIND_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_strndup(s, n);
}

int
__wrap_vasprintf(char **sp, const char *f, va_list ap)
{
	if (fault(KIND_ALLOC)) {
		errno = ENOMEM;
		return -1;	/* *sp is undefined, as glibc documents */
	}
	return __real_vasprintf(sp, f, ap);
}

int
__wrap_asprintf(char **sp, const char *f, ...)
{
	va_list ap;
	int r;

	if (fault(KIND_ALLOC)) {
		errno = ENOMEM;
		return -1;
	}
	va_start(ap, f);
	r = __real_vasprintf(sp, f, ap);
	va_end(ap);
	return r;
}

/* The same allocator for libxml2 and OpenSSL. */
static void *
xml_malloc(size_t n)
{
	return __wrap_malloc(n);
}

static void *
xml_realloc(void *p, size_t n)
{
	return __wrap_realloc(p, n);
}

static char *
xml_strdup(const char *s)
{
	return __wrap_strdup(s);
}

static void *
ossl_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return __wrap_malloc(n);
}

static void *
ossl_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return __wrap_realloc(p, n);
}

static void
ossl_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

/* --- I/O ----------------------------------------------------------------- */

ssize_t	 __real_write(int, const void *, size_t);
int	 __real_fsync(int);
int	 __real_fdatasync(int);
int	 __real_renameat(int, const char *, int, const char *);
int	 __real_mkdir(const char *, mode_t);

ssize_t	 __wrap_write(int, const void *, size_t);
int	 __wrap_fsync(int);
int	 __wrap_fdatasync(int);
int	 __wrap_renameat(int, const char *, int, const char *);
int	 __wrap_mkdir(const char *, mode_t);

ssize_t
__wrap_write(int fd, const void *p, size_t n)
{
	/* A full disk, the failure a lab meets. */
	if (fd > 2 && fault(KIND_IO)) {
		errno = ENOSPC;
		return -1;
	}
	return __real_write(fd, p, n);
}

int
__wrap_fsync(int fd)
{
	if (fault(KIND_IO)) {
		errno = EIO;
		return -1;
	}
	return __real_fsync(fd);
}

int
__wrap_fdatasync(int fd)
{
	if (fault(KIND_IO)) {
		errno = EIO;
		return -1;
	}
	return __real_fdatasync(fd);
}

int
__wrap_renameat(int ofd, const char *o, int nfd, const char *n)
{
	if (fault(KIND_IO)) {
		errno = ENOSPC;
		return -1;
	}
	return __real_renameat(ofd, o, nfd, n);
}

int
__wrap_mkdir(const char *p, mode_t m)
{
	if (fault(KIND_IO)) {
		errno = ENOSPC;
		return -1;
	}
	return __real_mkdir(p, m);
}

/* --- the phases ---------------------------------------------------------- */

struct fs_opts {
	const char	*phase;
	const char	*key;
	const char	*cert;
};

/*
 * The engine's finish function, as `assay run` has it (cli.c finish_run):
 * write every report, sign a complete run.
 */
static int
fs_finish(const struct assay_run *run, const struct assay_engine_opts *o,
    struct assay_diag *d, void *arg)
{
	const struct fs_opts *fo = arg;
	int r = 0;

	if (strcmp(fo->phase, "run") == 0)
		armed = 0;
	if (strcmp(fo->phase, "report") == 0)
		armed = 1;
	if ((r = assay_report_write_all(run, o->out_dir, d)) == 0 &&
	    fo->key != NULL && run->complete)
		r = assay_sign_dir(o->out_dir, fo->key, fo->cert, 0, d);
	armed = 0;
	return r;
}

static int
phase_forms(const char *datadir, const char *ics, const char *ixit,
    const char *setup, struct assay_diag *d)
{
	struct assay_forms *forms = NULL;
	int r;

	armed = 1;
	r = assay_forms_load(datadir, ics, ixit, setup, &forms, d);
	assay_forms_free(forms);
	armed = 0;
	return r;
}

int
main(int argc, char **argv)
{
	static const char *const only[] = { "4-1-1", "5.1-2-1", "5.1-3-1",
	    "5.5-1-1", "5.6-1-1" };
	char ics[4096], ixit[4096], setup[4096];
	struct assay_engine_opts o;
	struct fs_opts fo;
	struct assay_diag *d = NULL;
	const char *datadir;
	enum assay_run_status st;
	int r = 0, code = 0;

	if (argc != 5 && argc != 7) {
		fprintf(stderr, "usage: assay-faultsim forms|run|report "
		    "alloc|io N OUTDIR [KEY CERT]\n");
		return 2;
	}
	/* Before libxml2 or OpenSSL allocate anything. */
	xmlMemSetup(free, xml_malloc, xml_realloc, xml_strdup);
	CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free);
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 2;
	memset(shared, 0, sizeof(*shared));
	kind = strcmp(argv[2], "io") == 0 ? KIND_IO : KIND_ALLOC;
	fail_at = strtoul(argv[3], NULL, 10);
	memset(&fo, 0, sizeof(fo));
	fo.phase = argv[1];
	if (argc == 7) {
		fo.key = argv[5];
		fo.cert = argv[6];
	}
	if ((datadir = assay_datadir()) == NULL) {
		fprintf(stderr, "faultsim: no data directory (ASSAY_DATADIR)\n");
		return 2;
	}
	snprintf(ics, sizeof(ics), "%s/ics/examples/smart-camera.xml", datadir);
	snprintf(ixit, sizeof(ixit), "%s/ixit/examples/smart-camera.xml",
	    datadir);
	snprintf(setup, sizeof(setup), "%s/setup/examples/smart-camera.xml",
	    datadir);
	if ((d = assay_diag_new()) == NULL)
		return 2;

	if (strcmp(fo.phase, "forms") == 0) {
		if ((r = phase_forms(datadir, ics, ixit, setup, d)) != 0)
			code = 1;
	} else {
		memset(&o, 0, sizeof(o));
		o.ics_path = ics;
		o.ixit_path = ixit;
		o.setup_path = setup;
		o.out_dir = argv[4];
		o.only = only;
		o.nonly = sizeof(only) / sizeof(only[0]);
		o.jobs = 1;
		o.quiet = 1;
		o.sign_key = fo.key;
		o.sign_cert = fo.cert;
		o.finish = fs_finish;
		o.finish_arg = &fo;
		armed = strcmp(fo.phase, "run") == 0;
		st = assay_engine_run(&o, d);
		armed = 0;
		/* As cli.c maps it: only a written report is PASS or FAIL. */
		if (st == ASSAY_RUN_NOT_RUN)
			code = 1;
		printf("faultsim: status %d\n", (int)st);
	}
	if (assay_diag_count(d) > 0) {
		fprintf(stderr, "faultsim: error: ");
		assay_diag_print(d, stderr);
	} else if (code != 0)
		fprintf(stderr, "faultsim: error: %s (nothing in the diagnostics)\n",
		    assay_strerror(r));
	fprintf(stderr, "faultsim: calls %lu fired %lu\n", shared->max_calls,
	    shared->fired);
	assay_diag_free(d);
	xmlCleanupParser();
	return code;
}
