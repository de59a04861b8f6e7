/*
 * bench_engine.c - per-test-case overhead of the engine: fresh sandbox,
 * the `assay` API with the example forms, load the group file, run an
 * empty test case, record its result in the evidence store.  Target:
 * under 1 ms.  Prints mean microseconds per test case.  Run it with
 * BENCH_DIR=/dev/shm and BENCH_DIR=/tmp (bench/run does both): on a disk
 * the fsyncs that make the evidence survive a power cut dominate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lua.h>

#include "run/api.h"
#include "run/catalogue.h"
#include "base/datadir.h"
#include "base/diag.h"
#include "run/evidence.h"
#include "forms/forms.h"
#include "probe/probe.h"
#include "run/sandbox.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One empty test case, start to recorded result. */
static int
one(struct assay_forms *f, struct assay_catalogue *c, struct assay_evidence *ev,
    long tc)
{
	struct assay_sandbox *sb = NULL;
	struct assay_evidence_tc *etc = NULL;
	struct assay_result res;
	struct assay_api_ctx ctx;
	struct assay_probe_env penv = { 0 };

	memset(&res, 0, sizeof(res));
	memset(&ctx, 0, sizeof(ctx));
	assay_evidence_tc_begin(ev, "4-1-1", &etc);
	ctx.forms = getenv("BENCH_NOFORMS") ? NULL : f;
	ctx.catalogue = c;
	ctx.tc = (size_t)tc;
	ctx.evidence = etc;
	ctx.result = &res;
	ctx.probe_env = &penv;
	if (assay_sandbox_new(NULL, &sb) != 0 ||
	    assay_api_install(sb, &ctx) != 0 ||
	    assay_catalogue_push_run(c, (size_t)tc, sb) != 0 ||
	    assay_sandbox_call(sb, 0, 2) != 0) {
		fprintf(stderr, "run failed: %s\n", sb ? assay_sandbox_error(sb) : "");
		assay_sandbox_free(sb);
		return 1;
	}
	res.verdict = ASSAY_VERDICT_PASS;
	res.reason = strdup("bench");
	assay_sandbox_free(sb);
	assay_evidence_tc_end(etc, &res);
	assay_result_clear(&res);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *src = ASSAY_SOURCE_DIR;
	struct assay_diag *d = assay_diag_new();
	struct assay_forms *f = NULL;
	struct assay_catalogue *c = NULL;
	struct assay_evidence *ev = NULL;
	struct assay_run_info info = { { "bench" }, { "1" }, 1 };
	char ics[4200], ixit[4200], setup[4200], cat[4200], dir[64];
	int n = argc > 1 ? atoi(argv[1]) : 2000, i;
	double t0, t1, per_tc, per_proc;
	long tc;

	snprintf(dir, sizeof(dir), "%s/assay-bench-XXXXXX",
	    getenv("BENCH_DIR") ? getenv("BENCH_DIR") : "/tmp");
	snprintf(ics, sizeof(ics), "%s/ics/examples/smart-camera.xml", src);
	snprintf(ixit, sizeof(ixit), "%s/ixit/examples/smart-camera.xml", src);
	snprintf(setup, sizeof(setup), "%s/setup/examples/smart-camera.xml",
	    src);
	snprintf(cat, sizeof(cat), "%s/bench/catalogue", src);
	if (assay_forms_load(src, ics, ixit, setup, &f, d) != 0 ||
	    assay_catalogue_load(cat, assay_forms_spec(f), &c, d) != 0 ||
	    mkdtemp(dir) == NULL) {
		assay_diag_print(d, stderr);
		return 1;
	}
	rmdir(dir);
	if (assay_evidence_open(dir, 0, &info, NULL, 0, &ev, d) != 0) {
		assay_diag_print(d, stderr);
		return 1;
	}
	tc = assay_catalogue_find(c, "4-1-1");
	t0 = now();
	for (i = 0; i < n; i++)
		if (one(f, c, ev, tc) != 0)
			return 1;
	t1 = now();
	per_tc = (t1 - t0) / n;
	/* The same, each in its own process as assay run does it. */
	t0 = now();
	for (i = 0; i < n / 4; i++) {
		pid_t pid;
		int st;

		fflush(stdout);
		if ((pid = fork()) == 0)
			_exit(one(f, c, ev, tc) == 0 ? 0 : 1);
		if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
			return 1;
	}
	per_proc = (now() - t0) / (n / 4);
	printf("engine per-test-case overhead in %s: %.1f us in-process, %.1f us "
	    "in its own process as assay run does it (fresh sandbox + API with "
	    "forms + load + empty run + durable evidence), n=%d; target < 1000 us: "
	    "%s\n", dir, per_tc * 1e6, per_proc * 1e6, n,
	    per_proc < 1e-3 ? "met" : "NOT met");
	assay_evidence_free(ev);
	assay_catalogue_free(c);
	assay_forms_free(f);
	assay_diag_free(d);
	snprintf(cat, sizeof(cat), "rm -rf '%s'", dir);
	return system(cat) == 0 ? 0 : 1;
}
