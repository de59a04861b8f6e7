/*
 * review.h - the assessor's judgements of test units (issue 12).
 *
 * TS 103 701 is an assessment by a person supported by tools.  A unit
 * waiting for a person (REVIEW_PENDING, MANUAL_STEP_PENDING), a unit Assay
 * decided from free text, or any other unit an assessor wants to overrule
 * is judged in a worksheet (`assay review DIR`, reports/worksheet.xsd) and
 * recorded into the run directory with `assay review DIR --apply FILE
 * --assessor NAME`:
 *
 *	review/judgements		append-only record, one block per
 *					judgement (later ones for the same unit
 *					supersede earlier ones; all are kept)
 *	review/worksheet-N.xml		each worksheet applied, as given
 *	review/<tc>/<unit>/<file>	observation files, secrets masked,
 *					SHA-256 in the judgement
 *
 * The engine applies the latest judgement of each unit over what the test
 * case decided (assay_judgement_apply), every time it builds the reports.
 */
#ifndef ASSAY_REVIEW_H
#define ASSAY_REVIEW_H

#include <stddef.h>

#include "base/hash.h"
#include "run/verdict.h"

struct assay_diag;

/* A file the assessor attached to a judgement (a photo of a label). */
struct assay_attachment {
	char	*file;		/* path inside the run directory */
	char	 sha256[ASSAY_SHA256_HEX_LEN + 1];
	/*
	 * Evidence from outside the lab (TS 103 701 clause 4.7: a document
	 * or result the manufacturer or a third party supplied), marked as
	 * such in the report.
	 */
	int	 external;
};

struct assay_judgement {
	char			 test_case[32];
	char			 unit[8];
	enum assay_verdict	 verdict;	/* PASS, FAIL or INCONCLUSIVE */
	char			*rationale;	/* required */
	char			*assessor;	/* required */
	char			 at[32];	/* ISO 8601 UTC, when recorded */
	char			*observation;	/* the observation answered, or NULL */
	char			*source;	/* "review/worksheet-1.xml", "--judgement" */
	struct assay_attachment	*files;
	size_t			 nfiles;
};

/* Frees the contents of the n judgements and the array. */
void	assay_judgements_free(struct assay_judgement *j, size_t n);

/*
 * Reads DIR/review/judgements into *out (n of them, in recorded order).
 * No file: 0 judgements.  Returns 0, ASSAY_ERR_PARSE (named in d) or
 * ASSAY_ERR_IO / ASSAY_ERR_ALLOC.
 */
int	assay_judgements_load(const char *dir, struct assay_judgement **out,
	    size_t *n, struct assay_diag *d);

/*
 * The parser assay_judgements_load uses (text, NUL-terminated, is cut in
 * place; path names it in messages), exposed for the fuzzer.
 */
int	assay_judgements_parse(char *text, const char *path,
	    struct assay_judgement **out, size_t *n, struct assay_diag *d);

/*
 * Applies to res (test case tc) the latest of the n judgements for each
 * of its units: the unit keeps what Assay decided in tool_verdict,
 * tool_reason, tool_by; takes the judged verdict, the rationale as its
 * reason, by = ASSAY_BY_ASSESSOR, judgement = the record (borrowed),
 * overruled when Assay had decided it itself (not waiting for a person)
 * and the verdict differs.  The test case's verdict and reason are then
 * recomputed: the worst of its units (and of an ERROR no unit explains).
 * Returns 0 or ASSAY_ERR_ALLOC.
 */
int	assay_judgement_apply(struct assay_result *res, const char *tc,
	    const struct assay_judgement *j, size_t n);

struct assay_mask;

/*
 * Appends n judgements to DIR/review/judgements (created with the
 * directory when missing), atomically; the assessor's words pass through
 * mask (may be NULL).  Returns 0 or an ASSAY_ERR_* code.
 */
int	assay_judgements_append(const char *dir, const struct assay_judgement *j,
	    size_t n, const struct assay_mask *mask);

/*
 * Records the worksheet file (reports/worksheet.xsd) into run directory
 * dir as judgements by assessor: every <unit> with a verdict becomes one;
 * a unit left without a verdict stays as it is.  Checked first, all or
 * nothing: assessor named; worksheet valid and for run run_id (when both
 * say); each judged unit known to TS 103 701 and with a result in this
 * run; verdict PASS, FAIL or INCONCLUSIVE; a rationale; each attachment
 * readable; no unit twice.  Then the attachments are copied into
 * review/<tc>/<unit>/ and hashed, the worksheet kept as
 * review/worksheet-N.xml, and the judgements appended.  *nrecorded
 * counts them.  Returns 0, or ASSAY_ERR_USAGE / ASSAY_ERR_FORM /
 * ASSAY_ERR_SCHEMA / ASSAY_ERR_PARSE (the worksheet: problems in d, each
 * with its line) or another ASSAY_ERR_* code; nothing is recorded then.
 */
int	assay_review_record(const char *dir, const char *worksheet,
	    const char *assessor, const char *run_id,
	    const struct assay_mask *mask, size_t *nrecorded,
	    struct assay_diag *d);

#endif /* ASSAY_REVIEW_H */
