/*
 * engine.h - an assessment run: forms in, verdicts, evidence and report out.
 *
 * assay_engine_run() decides applicability from the ICS (the core, never
 * the scripts, says NOT APPLICABLE), runs every selected test case of the
 * catalogue in its own sandbox in its own process, `jobs` at a time, records
 * each verdict with its reason and evidence in the evidence store as it
 * goes, aggregates worst-wins per test group and provision, decides the
 * overall result, and hands the run model to the caller's finish function
 * (cli.c writes the reports and signs them) before freeing it.
 */
#ifndef ASSAY_ENGINE_H
#define ASSAY_ENGINE_H

#include <stddef.h>

#include "run/model.h"
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
	/*
	 * The profile (run/profile.h): a name or a file; NULL: the run's
	 * own (report_only) or ASSAY_PROFILE_DEFAULT.  tailoring: a lab's
	 * tailoring file for it, or NULL.
	 */
	const char		*profile;
	const char		*tailoring;
	/*
	 * report_only: restate the run under another profile (`assay
	 * report --profile`): test cases the run did not select stay not
	 * run, whatever the profile selects.
	 */
	int			 view;
	int			 jobs;		/* <= 0: number of cores */
	int			 resume;
	int			 max_connections;	/* <= 0: from the set-up */
	int			 max_rate;		/* <= 0: from the set-up */
	/* max_rate is the rate, not a ceiling (--rate-fixed; or the set-up) */
	int			 rate_fixed;
	struct assay_sandbox_limits limits;
	int			 quiet;		/* no progress lines */
	int			 color;		/* verdicts in colour (a TTY) */
	/*
	 * 1 (-v): a PASS's reason too; 2 (-vv): and each unit's verdict,
	 * basis and reason under its test case.
	 */
	int			 verbose;
	/*
	 * A live status line on stderr (a TTY only): done/total, what is
	 * running, verdicts so far, elapsed and estimated time, redrawn
	 * under the progress lines.
	 */
	int			 status_line;
	struct assay_report_meta meta;		/* lab, customer, authoriser */
	const char *const	*observations;	/* "[TESTCASE:]FILE" the assessor attaches */
	/* "TESTCASE=VERDICT:TEXT": the assessor's finding for a manual step */
	const char *const	*judgements;
	size_t			 njudgements;
	size_t			 nobservations;
	/*
	 * Rebuild the reports of the finished run in out_dir without running
	 * anything (`assay review --apply`, `assay amend`): the forms are the
	 * run's masked copies in out_dir/forms/ unless given, the catalogue
	 * must have the hash run.info recorded, the results come from disk
	 * and the judgements from out_dir/review/.
	 */
	int			 report_only;
	const char		*sign_key;	/* PEM key: sign the report dir */
	const char		*sign_cert;	/* PEM certificate for sign_key */
	/*
	 * Called once the run is decided, before its data is freed: writes
	 * the reports and the signature (cli.c).  run and all it points to
	 * are borrowed for the call; problems go to d.  A non-zero return
	 * (a report file could not be written, or not signed) makes the
	 * status ASSAY_RUN_INCOMPLETE whatever the result: neither PASS nor
	 * FAIL stands without its report on disk.  NULL: nothing is written.
	 */
	int			(*finish)(const struct assay_run *run,
				    const struct assay_engine_opts *o,
				    struct assay_diag *d, void *arg);
	void			*finish_arg;
	/*
	 * The command that finishes this run if it is cut short (the CLI's
	 * own command line with --resume); NULL: "assay run --resume --out
	 * DIR ...".
	 */
	const char		*resume_hint;
};

/*
 * How a run ended.  The engine says what happened; `assay` (cli.c) turns
 * it into an exit code.
 */
enum assay_run_status {
	ASSAY_RUN_PASS,		/* overall result PASS */
	ASSAY_RUN_FAIL,		/* overall result FAIL */
	ASSAY_RUN_INCOMPLETE,	/* INCOMPLETE, or a report file could not be
				   written or signed, or a result stored */
	ASSAY_RUN_NOT_RUN,	/* forms, catalogue or output unusable: see d */
};

/*
 * Runs an assessment.  Returns ASSAY_RUN_NOT_RUN when the forms, catalogue
 * or output directory are unusable (nothing run; the problems are in d),
 * else the status the decision rule gives.
 */
enum assay_run_status assay_engine_run(const struct assay_engine_opts *o,
	    struct assay_diag *d);

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
