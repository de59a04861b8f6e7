/*
 * api.h - the `assay` module test cases see (documented for catalogue
 * authors in testcases/README.md).
 *
 * Installed into a fresh sandbox before a test case's group file runs:
 * the form data (assay.ics, assay.ixit with each entry's typed facts, and
 * assay.setup, the lab set-up file: docs/facts.md), the test case's own metadata
 * (assay.testcase), verdict helpers (pass, fail, inconclusive, assay.unit),
 * evidence recording (assay.log, assay.evidence), a few utilities
 * (assay.data, assay.sleep, assay.now_ms, assay.field) and the probes
 * (assay.net).  Everything is read-only to the script.
 */
#ifndef ASSAY_API_H
#define ASSAY_API_H

#include <stddef.h>

struct assay_sandbox;
struct assay_forms;
struct assay_catalogue;
struct assay_evidence_tc;
struct assay_result;
struct assay_probe_env;
struct lua_State;

struct assay_api_shared;

/*
 * State shared by the test-case processes of one run (shared memory behind
 * a process-shared robust mutex, polled, no condition variable): today the
 * cache of TCP sweeps, so that the test cases that need the device's open
 * ports share one sweep instead of each flooding the device again.
 */
struct assay_api_shared	*assay_api_shared_new(void);
void			 assay_api_shared_free(struct assay_api_shared *sh);
/* The holder index of this process (as for the budget). */
void			 assay_api_set_holder(int idx);
/* Frees the cache entries a killed process was filling. */
void			 assay_api_shared_reclaim(struct assay_api_shared *sh, int idx);

/* What the API functions reach through their upvalue; owned by the caller
 * and valid for the lifetime of the sandbox. */
struct assay_api_ctx {
	const struct assay_forms	*forms;		/* may be NULL (catalogue tools) */
	const struct assay_catalogue	*catalogue;
	size_t				 tc;		/* index in the catalogue */
	struct assay_evidence_tc	*evidence;	/* may be NULL */
	struct assay_result		*result;	/* units are added here */
	const struct assay_probe_env	*probe_env;
	const char			*datadir;	/* for assay.data() */
	struct assay_api_shared		*shared;	/* may be NULL */
	/*
	 * Where every test case's evidence directory lies (the run's
	 * evidence/), which assay_api_prepare() allows captures to be read
	 * from once for all; NULL: assay_api_bind() allows the parent of
	 * ctx->evidence's directory.
	 */
	const char			*evidence_root;
	int				 max_sleep_ms;
	/*
	 * Scripted replies (the fixture runner): assay.sleep waits for
	 * nothing and moves the clock assay.now_ms reads instead, so a test
	 * case that waits out a declared lock-out or an outage runs in no
	 * time and still sees the time it asked for pass.  0 in a real run.
	 */
	int				 virtual_time;
	long long			 clock_skew_ms;	/* slept so far, virtually */
	/*
	 * Called with the assay.net table on top of the stack, after the
	 * probes registered themselves and before the API is made
	 * read-only; may replace its functions (the fixture runner's
	 * scripted replies, run/fixture.h).  Leaves the stack as it was.
	 * NULL in a real run.
	 */
	void				(*net_hook)(struct lua_State *L, void *arg);
	void				*net_hook_arg;
};

/*
 * Installs the `assay` global and the pass/fail/inconclusive helpers:
 * assay_api_prepare() then assay_api_bind().
 */
int	assay_api_install(struct assay_sandbox *sb, struct assay_api_ctx *ctx);

/*
 * In two steps, so one prepared state can serve many test cases (the
 * engine prepares it once and forks a process per test case from it):
 * assay_api_prepare() installs everything that is the same for every test
 * case of a run; assay_api_bind(), once, adds what names ctx->tc
 * (assay.testcase, ctx->evidence's directory).  The functions keep ctx's
 * address: it must stay valid and in place while the state lives; the
 * fields a test case changes (tc, evidence, result, the probe
 * environment's record_arg) may be set between the two calls.
 */
int	assay_api_prepare(struct assay_sandbox *sb, struct assay_api_ctx *ctx);
int	assay_api_bind(struct assay_sandbox *sb, struct assay_api_ctx *ctx);
/*
 * Between the two, in a state prepared for many test cases: builds the
 * `assay.testcase` table of each of the n test cases in tcs (indices into
 * ctx->catalogue) now, so that assay_api_bind() in each process only
 * takes its own instead of building it there.  Returns 0, or an
 * ASSAY_ERR_* code (ASSAY_ERR_INVALID_ARG: no catalogue, an index past it).
 */
int	assay_api_prebuild(struct assay_sandbox *sb,
	    const struct assay_api_ctx *ctx, const size_t *tcs, size_t n);

#endif
