/*
 * verdict.h - verdict values and how they combine (docs/verdicts.md).
 *
 * Execution verdicts are ordered, worst wins:
 *	NONE < PASS < INCONCLUSIVE < FAIL < ERROR
 * NOT_APPLICABLE stands outside the order: combining skips it, and a
 * parent is NOT_APPLICABLE only when every child is.  Only the harness
 * sets ERROR; test-case code may set PASS, FAIL, INCONCLUSIVE.
 */
#ifndef ASSAY_VERDICT_H
#define ASSAY_VERDICT_H

enum assay_verdict {
	ASSAY_VERDICT_NONE = 0,
	ASSAY_VERDICT_PASS,
	ASSAY_VERDICT_INCONCLUSIVE,
	ASSAY_VERDICT_FAIL,
	ASSAY_VERDICT_ERROR,
	ASSAY_VERDICT_NOT_APPLICABLE
};

#define ASSAY_VERDICT_COUNT	6

/* "PASS", "FAIL", "INCONCLUSIVE", "NOT APPLICABLE", "ERROR", "NONE". */
const char		*assay_verdict_name(enum assay_verdict v);
/* Machine key: "pass", "fail", "inconclusive", "not_applicable", "error", "none". */
const char		*assay_verdict_key(enum assay_verdict v);
/* Parses a name or key (case-insensitive).  Returns 0 or ASSAY_ERR_PARSE. */
int			 assay_verdict_parse(const char *s, enum assay_verdict *out);
/*
 * Combines an accumulated verdict with one more child verdict.  Start
 * from ASSAY_VERDICT_NOT_APPLICABLE to get "N/A only if every child is".
 */
enum assay_verdict	 assay_verdict_combine(enum assay_verdict acc,
			    enum assay_verdict child);
/* Severity rank used for worst-wins; NOT_APPLICABLE ranks below NONE. */
int			 assay_verdict_rank(enum assay_verdict v);
/*
 * Process exit code for a run whose overall verdict is v:
 * 0 all applicable PASS (or nothing applicable), 1 FAIL, 3 INCONCLUSIVE,
 * ERROR or NONE.  (2 is for usage and form errors, decided before a run.)
 */
int			 assay_verdict_exit_code(enum assay_verdict v);

#endif /* ASSAY_VERDICT_H */
