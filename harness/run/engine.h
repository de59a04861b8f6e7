/*
 * engine.h - an assessment run: forms in, verdicts, evidence and report out.
 *
 * assay_engine_run() decides applicability from the ICS (the core, never
 * the scripts, says NOT APPLICABLE), runs every selected test case of the
 * catalogue in its own sandbox in its own process, `jobs` at a time, records
 * each verdict with its reason and evidence in the evidence store as it
 * goes, aggregates worst-wins per test group and provision, and writes
 * report.json and report.xml into the run directory.
 */
#ifndef ASSAY_ENGINE_H
#define ASSAY_ENGINE_H

#include <stddef.h>

#include "report/report.h"
#include "run/sandbox.h"

struct assay_diag;
struct assay_result;
struct lua_State;

struct assay_engine_opts {
	const char		*ics_path;
	const char		*ixit_path;
	const char		*setup_path;	/* lab set-up file (required) */
	const char		*out_dir;
	const char		*catalogue_dir;	/* NULL: <datadir>/testcases */
	const char *const	*only;		/* test case or group ids */
	size_t			 nonly;
	int			 jobs;		/* <= 0: number of cores */
	int			 resume;
	int			 max_connections;	/* <= 0: from the set-up */
	int			 max_rate;		/* <= 0: from the set-up */
	struct assay_sandbox_limits limits;
	int			 quiet;		/* no progress lines */
	struct assay_report_meta meta;		/* lab, customer, authoriser */
	const char *const	*observations;	/* "[TESTCASE:]FILE" the assessor attaches */
	/* "TESTCASE=VERDICT:TEXT": the assessor's finding for a manual step */
	const char *const	*judgements;
	size_t			 njudgements;
	size_t			 nobservations;
	const char		*sign_key;	/* PEM key: sign the report dir */
	const char		*sign_cert;	/* PEM certificate for sign_key */
};

/*
 * Runs an assessment.  Returns the process exit code (cli.h): 2 when the
 * forms, catalogue or output directory are unusable (nothing run; the
 * problems are in d), else 0/1/3 from the verdicts.
 */
int	assay_engine_run(const struct assay_engine_opts *o, struct assay_diag *d);
/*
 * Reads what a test case's run() returned (verdict and reason, the top
 * two slots of L) and the units it recorded in res, and settles res's
 * verdict and reason: a script may only say PASS, FAIL or INCONCLUSIVE,
 * with a reason for the last two, anything else is ERROR; a unit worse
 * than the returned verdict wins.  Leaves the stack as it was.  Shared
 * by the engine and the fixture runner (run/fixture.h).
 */
void	assay_engine_settle(struct lua_State *L, struct assay_result *res);
/* Set from a signal handler: stop starting new test cases. */
void	assay_engine_interrupt(void);

#endif
