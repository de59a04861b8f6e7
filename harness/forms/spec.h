/*
 * spec.h - the facts of the standards, read from the CSV files in
 * <datadir>/spec/: EN 303 645 provisions and conditions, TS 103 701 IXIT
 * items and test cases.  These files are the one place the provision list
 * lives; nothing else in Assay hard-codes it.
 *
 * Accessors take an index 0..n-1; string results are borrowed and valid
 * while the spec lives.
 *
 * After EN 303 645 V2.1.1's provisions (indices 0..67, their own order)
 * come the extras: the provisions V3.1.3 added or split
 * (en303645_v3.1.3_provisions.csv, change "new" or "split"), with
 * V2.1.1 condition numbers, and after TS 103 701's test cases come
 * Assay's own for them (assay_v3.1.3_test_cases.csv).  Only the
 * en303645-v3.1.3 profile selects an extra; everything else reads
 * V2.1.1 data as before.
 */
#ifndef ASSAY_SPEC_H
#define ASSAY_SPEC_H

#include <stddef.h>

struct assay_spec;
struct assay_diag;

#define ASSAY_SPEC_MAX_CONDITIONS	4	/* a provision has at most this many */

enum assay_tc_type {
	ASSAY_TC_CONCEPTUAL = 0,
	ASSAY_TC_FUNCTIONAL,
	ASSAY_TC_CONCEPTUAL_FUNCTIONAL
};

/*
 * Loads the spec for EN 303 645 `version` ("2.1.1" is the only version
 * with TS 103 701 test cases).  Problems go to d.  Returns 0 or an
 * ASSAY_ERR_* code; on success *out is the caller's to free.
 */
int		 assay_spec_load(const char *datadir, const char *version,
		    struct assay_spec **out, struct assay_diag *d);
void		 assay_spec_free(struct assay_spec *s);
/*
 * Parses len bytes of text (need not be NUL-terminated) as one of the
 * spec CSV files, named file in messages: RFC 4180 quoting, at most 16
 * columns, every row at least ncols.  Sets *nrows (the header counts).
 * Returns 0 or ASSAY_ERR_PARSE / ASSAY_ERR_ALLOC with problems in d.
 * The parser assay_spec_load uses, exposed for the fuzzer.
 */
int		 assay_spec_parse_csv(const char *file, const char *text,
		    size_t len, int ncols, size_t *nrows, struct assay_diag *d);
const char	*assay_spec_version(const struct assay_spec *s);
/* SHA-256 (hex) over the spec files read, for the report's method line. */
const char	*assay_spec_hash(const struct assay_spec *s);

size_t		 assay_spec_nprovisions(const struct assay_spec *s);
long		 assay_spec_provision_find(const struct assay_spec *s, const char *id);
const char	*assay_spec_provision_id(const struct assay_spec *s, size_t i);
const char	*assay_spec_provision_clause(const struct assay_spec *s, size_t i);
const char	*assay_spec_provision_clause_title(const struct assay_spec *s, size_t i);
/* Table B.1 notation: "M", "R", "M C (1)", "R C (11, 12)". */
const char	*assay_spec_provision_status(const struct assay_spec *s, size_t i);
int		 assay_spec_provision_mandatory(const struct assay_spec *s, size_t i);
const char	*assay_spec_provision_summary(const struct assay_spec *s, size_t i);
/* Number of conditions and the i-th condition number (1-based numbers). */
/* "2.1.1", or "3.1.3" for an extra (a provision new or split in V3.1.3). */
const char	*assay_spec_provision_edition(const struct assay_spec *s, size_t i);
int		 assay_spec_provision_extra(const struct assay_spec *s, size_t i);
size_t		 assay_spec_provision_nconditions(const struct assay_spec *s, size_t i);
int		 assay_spec_provision_condition(const struct assay_spec *s, size_t i, size_t k);

size_t		 assay_spec_nconditions(const struct assay_spec *s);
/* Condition numbers run 1..n; text is the paraphrase. */
const char	*assay_spec_condition_text(const struct assay_spec *s, int number);

size_t		 assay_spec_nixit(const struct assay_spec *s);
long		 assay_spec_ixit_find(const struct assay_spec *s, const char *id);
const char	*assay_spec_ixit_id(const struct assay_spec *s, size_t i);
const char	*assay_spec_ixit_name(const struct assay_spec *s, size_t i);
size_t		 assay_spec_ixit_nfields(const struct assay_spec *s, size_t i);
/* Field name as the test units quote it, e.g. "Authentication Factor". */
const char	*assay_spec_ixit_field(const struct assay_spec *s, size_t i, size_t k);
const char	*assay_spec_ixit_field_help(const struct assay_spec *s, size_t i, size_t k);
long		 assay_spec_ixit_field_find(const struct assay_spec *s, size_t i, const char *name);

size_t		 assay_spec_ntestcases(const struct assay_spec *s);
long		 assay_spec_testcase_find(const struct assay_spec *s, const char *id);
const char	*assay_spec_testcase_id(const struct assay_spec *s, size_t i);
const char	*assay_spec_testcase_group(const struct assay_spec *s, size_t i);
enum assay_tc_type assay_spec_testcase_type(const struct assay_spec *s, size_t i);
const char	*assay_spec_testcase_purpose(const struct assay_spec *s, size_t i);
/* Space-separated IXIT ids, possibly "". */
const char	*assay_spec_testcase_ixit(const struct assay_spec *s, size_t i);
int		 assay_spec_testcase_units(const struct assay_spec *s, size_t i);
/* 1 for a test case Assay defined (for an extra), 0 for TS 103 701's. */
int		 assay_spec_testcase_assay_defined(const struct assay_spec *s, size_t i);
const char	*assay_spec_testcase_probe_hint(const struct assay_spec *s, size_t i);

const char	*assay_tc_type_name(enum assay_tc_type t);
/* Parses "conceptual" etc.  Returns 0 or ASSAY_ERR_PARSE. */
int		 assay_tc_type_parse(const char *name, enum assay_tc_type *out);

#endif /* ASSAY_SPEC_H */
