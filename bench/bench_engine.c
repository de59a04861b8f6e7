/*
 * bench_engine.c - what the engine costs per test case, measured with the
 * real CLI: whole `assay run` processes over a catalogue of empty test
 * cases.  The catalogue is made here from the bundled one: every test case
 * keeps its id, type, IXIT items, units and exclusive tags (the catalogue
 * loader checks them against TS 103 701, and pick() schedules by the
 * tags), and its run function only returns.  So what is timed is the
 * supervisor, the fork per test case, the sandbox, the API, the bundled
 * lib/assay.lua that every test case's process loads (copied as it is;
 * BENCH_LIB=0 leaves it out) and the evidence store -- nothing of a probe.
 *
 * Per-test-case cost = (wall of the full run - wall of a run of one test
 * case) / (test cases - 1): the fixed start-up (forms, catalogue, report
 * writing) is taken out.  Target: at most 3 ms at -j2.  One warm-up run,
 * then BENCH_RUNS (default 7) of each, alternating; prints the median and
 * min-max, and the load average before and after (2 cores shared: a busy
 * machine shows).
 *
 * Environment: BENCH_ASSAY (default: the assay next to this benchmark),
 * BENCH_ASSAY_OLD (a second assay, e.g. built from an older commit:
 * alternated with the first and compared), BENCH_JOBS (default 2),
 * BENCH_DIR (default /tmp; /dev/shm leaves out the fsyncs of the
 * evidence store), BENCH_KEEP=1 (leave the catalogue and the last run's
 * output in the directory printed, to look into), BENCH_LIB=0 (no
 * lib/assay.lua in the catalogue: the engine alone).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/diag.h"
#include "forms/forms.h"
#include "forms/spec.h"
#include "run/catalogue.h"

#define MAX_RUNS	50

struct tool {
	const char	*name;
	const char	*path;
	double		 full[MAX_RUNS];
	double		 one[MAX_RUNS];
	double		 per_tc[MAX_RUNS];
	int		 n;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* s as a Lua string literal. */
static void
put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\%03u", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* A space-separated list as a Lua list of strings. */
static void
put_list(FILE *f, const char *list)
{
	char buf[1024], *w, *save = NULL;
	int first = 1;

	snprintf(buf, sizeof(buf), "%s", list);
	fputc('{', f);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		fputs(first ? " " : ", ", f);
		put_str(f, w);
		first = 0;
	}
	fputs(" }", f);
}

static void
put_field(FILE *f, const char *key, const char *v)
{
	if (v == NULL)
		return;
	fprintf(f, "      %s = ", key);
	put_str(f, v);
	fputs(",\n", f);
}

/*
 * Writes the empty twin of catalogue c into dir, one file per group.
 * Returns the number of test cases, or -1.
 */
static long
make_catalogue(const struct assay_catalogue *c, const char *dir)
{
	const struct assay_unit_decl *u;
	char path[4200], letter[2] = { 0 };
	const char *group = NULL, *t;
	FILE *f = NULL;
	size_t i, n = assay_catalogue_count(c);
	int fresh;

	for (i = 0; i < n; i++) {
		if (group == NULL || strcmp(group, assay_catalogue_group(c, i))) {
			if (f != NULL && fclose(f) != 0)
				return -1;
			group = assay_catalogue_group(c, i);
			snprintf(path, sizeof(path), "%s/%s.lua", dir, group);
			fresh = access(path, F_OK) != 0;
			if ((f = fopen(path, "a")) == NULL)
				return -1;
			if (fresh)
				fprintf(f, "group \"%s\"\n", group);
		}
		fprintf(f, "testcase {\n  id = \"%s\", type = \"%s\",\n  ixit = ",
		    assay_catalogue_id(c, i),
		    assay_tc_type_name(assay_catalogue_type(c, i)));
		put_list(f, assay_catalogue_ixit(c, i));
		fputs(",\n  purpose = ", f);
		put_str(f, assay_catalogue_purpose(c, i));
		fputs(",\n", f);
		if ((t = assay_catalogue_exclusive(c, i)) != NULL) {
			fputs("  exclusive = ", f);
			put_list(f, t);
			fputs(",\n", f);
		}
		fputs("  units = {\n", f);
		for (letter[0] = 'a'; letter[0] <= 'z'; letter[0]++) {
			if ((u = assay_catalogue_unit(c, i, letter)) == NULL)
				continue;
			fprintf(f, "    %s = {\n", letter);
			put_field(f, "criterion", u->criterion);
			put_field(f, "rule", u->rule);
			put_field(f, "observation", u->observation);
			put_field(f, "observe", u->observe);
			put_field(f, "decided", u->decided);
			put_field(f, "reach", u->reach);
			fputs("    },\n", f);
		}
		fputs("  },\n  run = function(a) return pass(\"empty\") end,\n}\n",
		    f);
	}
	if (f != NULL && fclose(f) != 0)
		return -1;
	return (long)n;
}

/*
 * One `assay run` of the catalogue into out (emptied first), with --only
 * only when not NULL.  Returns its wall time in seconds, or -1.  When
 * ntc is not NULL, the number of test cases it ran is read from its
 * progress on stderr.
 */
static double
run_assay(const char *assay, const char *src, const char *cat,
    const char *out, const char *only, const char *jobs, long *ntc)
{
	char ics[4200], ixit[4200], setup[4200], errf[4200], line[1024];
	const char *argv[32];
	double t0, t;
	pid_t pid;
	FILE *e;
	int st, fd, a = 0;

	snprintf(ics, sizeof(ics), "%s/ics/examples/smart-camera.xml", src);
	snprintf(ixit, sizeof(ixit), "%s/ixit/examples/smart-camera.xml", src);
	snprintf(setup, sizeof(setup), "%s/setup/examples/smart-camera.xml",
	    src);
	snprintf(errf, sizeof(errf), "%s.stderr", out);
	snprintf(line, sizeof(line), "rm -rf '%s'", out);
	if (system(line) != 0)
		return -1;
	argv[a++] = assay;
	argv[a++] = "run";
	argv[a++] = "--ics";
	argv[a++] = ics;
	argv[a++] = "--ixit";
	argv[a++] = ixit;
	argv[a++] = "--setup";
	argv[a++] = setup;
	argv[a++] = "--out";
	argv[a++] = out;
	argv[a++] = "--catalogue";
	argv[a++] = cat;
	argv[a++] = "-j";
	argv[a++] = jobs;
	argv[a++] = "--color";
	argv[a++] = "never";
	if (only != NULL) {
		argv[a++] = "--only";
		argv[a++] = only;
	}
	argv[a] = NULL;
	t0 = now();
	if ((pid = fork()) == 0) {
		if ((fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
		    dup2(fd, STDERR_FILENO) < 0 ||
		    (fd = open("/dev/null", O_WRONLY)) < 0 ||
		    dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		execv(assay, (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	t = now() - t0;
	/* 0, 1 and 3 are results; 2 is a usage or form error. */
	if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 1 &&
	    WEXITSTATUS(st) != 3)) {
		fprintf(stderr, "bench_engine: %s failed (status %d), see %s\n",
		    assay, WIFEXITED(st) ? WEXITSTATUS(st) : -1, errf);
		return -1;
	}
	if (ntc != NULL && (e = fopen(errf, "r")) != NULL) {
		const char *p;

		*ntc = -1;
		while (fgets(line, sizeof(line), e) != NULL)
			if (strstr(line, " to run on ") != NULL &&
			    (p = strstr(line, " test case")) != NULL) {
				while (p > line && p[-1] >= '0' && p[-1] <= '9')
					p--;
				*ntc = atol(p);
			}
		fclose(e);
	}
	return t;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
summary(const char *what, const double *v, int n, double scale,
    const char *unit)
{
	double s[MAX_RUNS];

	memcpy(s, v, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	printf("  %-28s median %7.2f %s, min-max %.2f-%.2f (n=%d)\n", what,
	    (n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) * scale, unit,
	    s[0] * scale, s[n - 1] * scale, n);
}

static void
loadavg(const char *when)
{
	char buf[128] = "?";
	FILE *f;

	if ((f = fopen("/proc/loadavg", "r")) != NULL) {
		if (fgets(buf, sizeof(buf), f) == NULL)
			snprintf(buf, sizeof(buf), "?\n");
		fclose(f);
	}
	printf("load average %s: %s", when, buf);
}

int
main(int argc, char **argv)
{
	const char *src = ASSAY_SOURCE_DIR;
	struct assay_diag *d = assay_diag_new();
	struct assay_forms *forms = NULL;
	struct assay_catalogue *c = NULL;
	struct tool tools[2];
	char ics[4200], ixit[4200], setup[4200], real[4200], dir[128];
	char cat[256], out[256], def[4200], cmd[8800], one[64];
	const char *jobs = getenv("BENCH_JOBS") ? getenv("BENCH_JOBS") : "2";
	int runs = getenv("BENCH_RUNS") ? atoi(getenv("BENCH_RUNS")) : 7;
	int ntools = 1, i, k, status = 1, with_lib;
	long n, ran = -1, ran_one = -1;
	double t;

	(void)argc;
	(void)argv;
	if (runs < 1 || runs > MAX_RUNS)
		runs = 7;
	snprintf(def, sizeof(def), "%s/assay", ASSAY_BINARY_DIR);
	memset(tools, 0, sizeof(tools));
	tools[0].name = "assay";
	tools[0].path = getenv("BENCH_ASSAY") ? getenv("BENCH_ASSAY") : def;
	if (getenv("BENCH_ASSAY_OLD") != NULL) {
		tools[0].name = "assay (new)";
		tools[1].name = "assay (old)";
		tools[1].path = getenv("BENCH_ASSAY_OLD");
		ntools = 2;
	}
	snprintf(dir, sizeof(dir), "%s/assay-bench-XXXXXX",
	    getenv("BENCH_DIR") ? getenv("BENCH_DIR") : "/tmp");
	snprintf(ics, sizeof(ics), "%s/ics/examples/smart-camera.xml", src);
	snprintf(ixit, sizeof(ixit), "%s/ixit/examples/smart-camera.xml", src);
	snprintf(setup, sizeof(setup), "%s/setup/examples/smart-camera.xml",
	    src);
	snprintf(real, sizeof(real), "%s/testcases", src);
	if (d == NULL || assay_forms_load(src, ics, ixit, setup, &forms,
	    d) != 0 || assay_catalogue_load(real, assay_forms_spec(forms), &c,
	    d) != 0 || mkdtemp(dir) == NULL) {
		assay_diag_print(d, stderr);
		return 1;
	}
	snprintf(cat, sizeof(cat), "%s/catalogue", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	if (mkdir(cat, 0700) != 0 || (n = make_catalogue(c, cat)) < 2) {
		fprintf(stderr, "bench_engine: cannot write the catalogue in "
		    "%s: %s\n", cat, strerror(errno));
		goto out;
	}
	with_lib = getenv("BENCH_LIB") == NULL || strcmp(getenv("BENCH_LIB"),
	    "0") != 0;
	if (with_lib) {
		snprintf(cmd, sizeof(cmd), "mkdir '%s/lib' && cp '%s/lib/assay.lua' "
		    "'%s/lib/'", cat, real, cat);
		if (strlen(cat) + strlen(real) + 40 > sizeof(cmd) ||
		    system(cmd) != 0) {
			fprintf(stderr, "bench_engine: cannot copy lib/assay.lua "
			    "into %s\n", cat);
			goto out;
		}
	}
	snprintf(one, sizeof(one), "%s", assay_catalogue_id(c, 0));
	/* Warm-up: page cache, and the number of test cases that run. */
	for (k = 0; k < ntools; k++)
		if (run_assay(tools[k].path, src, cat, out, NULL, jobs,
		    &ran) < 0 || run_assay(tools[k].path, src, cat, out, one,
		    jobs, &ran_one) < 0)
			goto out;
	if (ran < 2 || ran_one != 1) {
		fprintf(stderr, "bench_engine: the run did not say how many "
		    "test cases it ran (%ld, %ld)\n", ran, ran_one);
		goto out;
	}
	printf("engine per-test-case cost of `assay run` -j%s: %ld empty test "
	    "cases (the bundled catalogue's %ld, metadata kept; %s), evidence "
	    "in %s\n", jobs, ran, n, with_lib ? "with the bundled "
	    "lib/assay.lua" : "no lib/assay.lua (BENCH_LIB=0)", dir);
	loadavg("before");
	for (i = 0; i < runs; i++)
		for (k = 0; k < ntools; k++) {
			struct tool *x = &tools[(i + k) % ntools];

			if ((t = run_assay(x->path, src, cat, out, NULL, jobs,
			    NULL)) < 0)
				goto out;
			x->full[x->n] = t;
			if ((t = run_assay(x->path, src, cat, out, one, jobs,
			    NULL)) < 0)
				goto out;
			x->one[x->n] = t;
			x->per_tc[x->n] = (x->full[x->n] - t) / (double)(ran - 1);
			x->n++;
		}
	loadavg("after");
	for (k = 0; k < ntools; k++) {
		printf("%s (%s):\n", tools[k].name, tools[k].path);
		summary("whole run", tools[k].full, tools[k].n, 1e3, "ms");
		summary("run of one test case", tools[k].one, tools[k].n, 1e3,
		    "ms");
		summary("per test case", tools[k].per_tc, tools[k].n, 1e3,
		    "ms");
	}
	status = 0;
	for (k = 0; k < 1; k++) {
		double s[MAX_RUNS];

		memcpy(s, tools[k].per_tc, (size_t)tools[k].n * sizeof(*s));
		qsort(s, (size_t)tools[k].n, sizeof(*s), cmp_double);
		printf("target <= 3 ms per test case at -j2: %s\n",
		    s[tools[k].n / 2] <= 3e-3 ? "met" : "NOT met");
	}
 out:
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (getenv("BENCH_KEEP") != NULL)
		printf("kept: %s\n", dir);
	else if (system(cmd) != 0)
		status = 1;
	assay_catalogue_free(c);
	assay_forms_free(forms);
	assay_diag_free(d);
	return status;
}
