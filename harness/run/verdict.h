/*
 * verdict.h - verdict values and how they combine (docs/verdicts.md).
 *
 * Execution verdicts are ordered, worst wins:
 *	NONE < PASS < INCONCLUSIVE < FAIL < ERROR
 * NOT_APPLICABLE and NOT_FULFILLED stand outside the order: combining
 * skips them, and a parent is NOT_APPLICABLE only when every child is.
 * NOT_FULFILLED is a recommendation the ICS declares not fulfilled: never
 * merged into NOT_APPLICABLE.  Only the harness sets ERROR; test-case
 * code may set PASS, FAIL, INCONCLUSIVE.
 *
 * The overall *result* of a run (PASS / FAIL / INCOMPLETE) is a separate
 * value, decided from the applicable provisions in scope by the decision
 * rule (assay_overall_decide, ASSAY_DECISION_RULE_ID).
 */
#ifndef ASSAY_VERDICT_H
#define ASSAY_VERDICT_H

#include <stddef.h>

enum assay_verdict {
	ASSAY_VERDICT_NONE = 0,
	ASSAY_VERDICT_PASS,
	ASSAY_VERDICT_INCONCLUSIVE,
	ASSAY_VERDICT_FAIL,
	ASSAY_VERDICT_ERROR,
	ASSAY_VERDICT_NOT_APPLICABLE,
	ASSAY_VERDICT_NOT_FULFILLED
};

#define ASSAY_VERDICT_COUNT	7

/*
 * "PASS", "FAIL", "INCONCLUSIVE", "NOT APPLICABLE", "NOT FULFILLED",
 * "ERROR", "NONE".
 */
const char		*assay_verdict_name(enum assay_verdict v);
/*
 * Machine key: "pass", "fail", "inconclusive", "not_applicable",
 * "not_fulfilled", "error", "none".
 */
const char		*assay_verdict_key(enum assay_verdict v);
/* Parses a name or key (case-insensitive).  Returns 0 or ASSAY_ERR_PARSE. */
int			 assay_verdict_parse(const char *s, enum assay_verdict *out);
/*
 * Combines an accumulated verdict with one more child verdict.  Start
 * from ASSAY_VERDICT_NOT_APPLICABLE to get "N/A only if every child is".
 */
enum assay_verdict	 assay_verdict_combine(enum assay_verdict acc,
			    enum assay_verdict child);
/*
 * Severity rank used for worst-wins; NOT_APPLICABLE and NOT_FULFILLED
 * rank below NONE.
 */
int			 assay_verdict_rank(enum assay_verdict v);

/* The overall result of a run; see docs/verdicts.md, "Decision rule". */
enum assay_overall {
	ASSAY_OVERALL_PASS = 0,
	ASSAY_OVERALL_INCOMPLETE,
	ASSAY_OVERALL_FAIL
};

/* What the decision rule looks at: provisions in scope, after aggregation. */
struct assay_tally {
	size_t	applicable;	/* applicable provisions in scope */
	size_t	assessed;	/* of those, with a PASS or FAIL verdict */
	size_t	pass;		/* of those, PASS */
	size_t	fail;		/* in scope with a FAIL: verdict, test case or unit */
	size_t	inconclusive;	/* applicable, INCONCLUSIVE */
	size_t	error;		/* applicable, ERROR */
	size_t	not_assessed;	/* applicable, NONE */
	size_t	not_fulfilled;	/* recommendations declared not fulfilled */
	size_t	not_applicable;
	size_t	out_of_scope;	/* provisions not selected (--only) */
	size_t	not_in_profile;	/* provisions outside the run's profile */
	int	partial;	/* the run's scope is narrower than the ICS */
	int	complete;	/* every selected test case ran */
	int	pass_4_1;	/* provision 4-1 is PASS */
};

/*
 * The decision rule ASSAY_DECISION_RULE_ID: FAIL when any provision in
 * scope failed (also when an ERROR occurred too); else INCOMPLETE when the
 * scope is partial, the run was interrupted, or an applicable provision is
 * not assessed, INCONCLUSIVE or ERROR, or 4-1 did not pass; else PASS.
 */
enum assay_overall	 assay_overall_decide(const struct assay_tally *t);
/* "PASS", "FAIL", "INCOMPLETE". */
const char		*assay_overall_name(enum assay_overall o);
/* 0 PASS, 1 FAIL, 3 INCOMPLETE. */
int			 assay_overall_exit_code(enum assay_overall o);

#define ASSAY_DECISION_RULE_ID	"assay-decision-rule-1"

/* Who decided a test unit's verdict (issue 12: every unit says). */
enum assay_decider {
	ASSAY_BY_ASSAY = 0,	/* the test case, by its declared rule */
	ASSAY_BY_HARNESS,	/* the engine: ERROR, or a unit left unrecorded */
	ASSAY_BY_ASSESSOR	/* a person's recorded judgement (run/review.h) */
};

/*
 * What an automated unit verdict rests on, as the test case states it
 * (assay.unit's fourth argument, testcases/README.md).
 */
enum assay_basis {
	ASSAY_BASIS_UNSTATED = 0,
	ASSAY_BASIS_PROBE,	/* what the device did */
	ASSAY_BASIS_FACTS,	/* structured ICS/IXIT facts by a stated rule */
	ASSAY_BASIS_TEXT,	/* free text of a form (placeholder rule): a
				   person should confirm; the worksheet lists it */
	ASSAY_BASIS_PERSON	/* waits for a person (REVIEW_PENDING,
				   MANUAL_STEP_PENDING) */
};

/* "assay", "harness", "assessor"; "unstated", "probe", "facts", "text", "person". */
const char	*assay_decider_key(enum assay_decider d);
const char	*assay_basis_key(enum assay_basis b);
/* Parse the keys above.  Return 0 or ASSAY_ERR_PARSE. */
int		 assay_decider_parse(const char *s, enum assay_decider *out);
int		 assay_basis_parse(const char *s, enum assay_basis *out);

struct assay_judgement;

/* One test unit's outcome (a, b, c ...). */
struct assay_unit_result {
	char			 unit[8];
	enum assay_verdict	 verdict;	/* final */
	char			*reason;	/* final */
	enum assay_decider	 by;
	enum assay_basis	 basis;
	char			*probe;		/* probes the unit used, or NULL */
	char			*sample;	/* e.g. "62 login attempts", or NULL */
	/*
	 * When a person judged it (by == ASSAY_BY_ASSESSOR): what Assay had
	 * decided before (verdict, reason, who), the judgement (borrowed
	 * from the run model), and whether it overruled a verdict Assay had
	 * decided itself (not one waiting for a person).
	 */
	enum assay_verdict	 tool_verdict;
	char			*tool_reason;
	enum assay_decider	 tool_by;
	const struct assay_judgement *judgement;
	int			 overruled;
};

/* A test case's outcome: plain data, owned by whoever filled it. */
struct assay_result {
	enum assay_verdict		 verdict;
	char				*reason;
	long				 duration_ms;
	char				 started[32];	/* ISO 8601 UTC */
	struct assay_unit_result	*units;
	size_t				 nunits;
	char				**evidence;	/* paths relative to DIR */
	size_t				 nevidence;
};

#endif /* ASSAY_VERDICT_H */
