/*
 * test_review.c - the assessor's judgements (run/review.c): the record's
 * parser, applying judgements to units (resolving a pending unit,
 * overruling Assay's PASS and FAIL, the latest judgement winning), and
 * filling the units a test case left unrecorded (run/evidence.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/diag.h"
#include "base/error.h"
#include "run/evidence.h"
#include "run/review.h"
#include "testutil.h"

static struct assay_judgement
judge(const char *tc, const char *unit, enum assay_verdict v, const char *why)
{
	struct assay_judgement j;

	memset(&j, 0, sizeof(j));
	snprintf(j.test_case, sizeof(j.test_case), "%s", tc);
	snprintf(j.unit, sizeof(j.unit), "%s", unit);
	j.verdict = v;
	j.rationale = (char *)why;
	j.assessor = (char *)"A. Assessor";
	snprintf(j.at, sizeof(j.at), "2026-11-30T10:00:00Z");
	return j;
}

/* A result with units a (PASS, Assay), b (pending), c (FAIL, Assay). */
static void
three_units(struct assay_result *r)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(assay_result_add_unit(r, "a", ASSAY_VERDICT_PASS,
	    "every login declared"), 0);
	assert_int_equal(assay_result_add_unit(r, "b",
	    ASSAY_VERDICT_INCONCLUSIVE, "REVIEW_PENDING: read the manual"), 0);
	assert_int_equal(assay_result_add_unit(r, "c", ASSAY_VERDICT_FAIL,
	    "admin:admin accepted"), 0);
	r->verdict = ASSAY_VERDICT_FAIL;
	r->reason = strdup("unit c: admin:admin accepted");
	assert_int_equal(assay_result_fill_units(r, 3), 0);
}

static void
test_pending_resolved(void **state)
{
	struct assay_result r;
	struct assay_judgement j = judge("5.1-1-2", "b", ASSAY_VERDICT_PASS,
	    "the manual requires a password before use");

	(void)state;
	three_units(&r);
	assert_int_equal(r.units[1].basis, ASSAY_BASIS_PERSON);
	assert_int_equal(assay_judgement_apply(&r, "5.1-1-2", &j, 1), 0);
	assert_int_equal(r.units[1].verdict, ASSAY_VERDICT_PASS);
	assert_int_equal(r.units[1].by, ASSAY_BY_ASSESSOR);
	assert_ptr_equal(r.units[1].judgement, &j);
	assert_int_equal(r.units[1].tool_verdict, ASSAY_VERDICT_INCONCLUSIVE);
	assert_string_equal(r.units[1].tool_reason,
	    "REVIEW_PENDING: read the manual");
	assert_false(r.units[1].overruled);	/* it waited for a person */
	/* Unit c still fails: so does the test case. */
	assert_int_equal(r.verdict, ASSAY_VERDICT_FAIL);
	assay_result_clear(&r);
}

static void
test_overrule_fail(void **state)
{
	struct assay_result r;
	struct assay_judgement j[2] = {
		judge("5.1-1-2", "b", ASSAY_VERDICT_PASS, "manual read"),
		judge("5.1-1-2", "c", ASSAY_VERDICT_PASS,
		    "admin:admin is the factory pair, changed at first use"),
	};

	(void)state;
	three_units(&r);
	assert_int_equal(assay_judgement_apply(&r, "5.1-1-2", j, 2), 0);
	assert_true(r.units[2].overruled);
	assert_int_equal(r.units[2].tool_verdict, ASSAY_VERDICT_FAIL);
	assert_int_equal(r.units[2].tool_by, ASSAY_BY_ASSAY);
	assert_string_equal(r.units[2].tool_reason, "admin:admin accepted");
	assert_int_equal(r.units[2].verdict, ASSAY_VERDICT_PASS);
	/* Every unit passes now: the test case is the worst of its units. */
	assert_int_equal(r.verdict, ASSAY_VERDICT_PASS);
	assay_result_clear(&r);
}

static void
test_overrule_pass(void **state)
{
	struct assay_result r;
	struct assay_judgement j = judge("5.1-1-2", "a", ASSAY_VERDICT_FAIL,
	    "a login on the UART console is not declared");

	(void)state;
	three_units(&r);
	assert_int_equal(assay_judgement_apply(&r, "5.1-1-2", &j, 1), 0);
	assert_true(r.units[0].overruled);
	assert_int_equal(r.units[0].tool_verdict, ASSAY_VERDICT_PASS);
	assert_int_equal(r.units[0].verdict, ASSAY_VERDICT_FAIL);
	assert_int_equal(r.verdict, ASSAY_VERDICT_FAIL);
	assert_non_null(strstr(r.reason, "unit a: assessor: a login on the UART"));
	assay_result_clear(&r);
}

static void
test_latest_wins_and_other_tc_ignored(void **state)
{
	struct assay_result r;
	struct assay_judgement j[3] = {
		judge("5.1-1-2", "b", ASSAY_VERDICT_FAIL, "first look"),
		judge("5.1-1-1", "b", ASSAY_VERDICT_PASS, "another test case"),
		judge("5.1-1-2", "b", ASSAY_VERDICT_INCONCLUSIVE, "second look"),
	};

	(void)state;
	three_units(&r);
	assert_int_equal(assay_judgement_apply(&r, "5.1-1-2", j, 3), 0);
	assert_int_equal(r.units[1].verdict, ASSAY_VERDICT_INCONCLUSIVE);
	assert_string_equal(r.units[1].reason, "second look");
	/* Applying again (a rebuilt report) keeps Assay's own values. */
	assert_int_equal(assay_judgement_apply(&r, "5.1-1-2", j, 3), 0);
	assert_string_equal(r.units[1].tool_reason,
	    "REVIEW_PENDING: read the manual");
	assay_result_clear(&r);
}

static void
test_fill_units(void **state)
{
	struct assay_result r;

	(void)state;
	/* Recorded no unit: each unit is the test case's verdict. */
	memset(&r, 0, sizeof(r));
	r.verdict = ASSAY_VERDICT_INCONCLUSIVE;
	r.reason = strdup("MANUAL_STEP_PENDING: press the reset button");
	assert_int_equal(assay_result_fill_units(&r, 2), 0);
	assert_int_equal(r.nunits, 2);
	assert_string_equal(r.units[1].unit, "b");
	assert_int_equal(r.units[1].by, ASSAY_BY_ASSAY);
	assert_int_equal(r.units[1].basis, ASSAY_BASIS_PERSON);
	assay_result_clear(&r);

	/* Recorded some: a missing one is NOT_RECORDED, never a PASS. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(assay_result_add_unit(&r, "a", ASSAY_VERDICT_PASS,
	    "ok"), 0);
	r.verdict = ASSAY_VERDICT_PASS;
	r.reason = strdup("ok");
	assert_int_equal(assay_result_fill_units(&r, 3), 0);
	assert_int_equal(r.nunits, 3);
	assert_int_equal(r.units[2].by, ASSAY_BY_HARNESS);
	assert_int_equal(r.units[2].verdict, ASSAY_VERDICT_INCONCLUSIVE);
	assert_non_null(strstr(r.units[2].reason, "NOT_RECORDED"));
	assert_int_equal(r.verdict, ASSAY_VERDICT_INCONCLUSIVE);
	assay_result_clear(&r);
}

static void
test_parse(void **state)
{
	struct assay_judgement *j = NULL;
	struct assay_diag *d = assay_diag_new();
	size_t n = 0;
	char ok[] = "assay-judgements 1\n"
	    "judgement 5.1-4-2 a pass\nat 2026-11-30T10:00:00Z\n"
	    "assessor Jane%25 Roe\nrationale old refused, new accepted\n"
	    "source review/worksheet-1.xml\n"
	    "attach 58055532cea878631861fa101bbf3955cf61e6e61344aa26aa8cb263ffc27d21 1 review/5.1-4-2/a/01-label.jpg\n"
	    "end\n";
	char cut[] = "assay-judgements 1\njudgement 5.1-4-2 a pass\n"
	    "at 2026-11-30T10:00:00Z\nassessor A\n";
	char error[] = "assay-judgements 1\njudgement 5.1-4-2 a error\n"
	    "at x\nassessor A\nrationale r\nend\n";
	char noassessor[] = "assay-judgements 1\njudgement 5.1-4-2 a pass\n"
	    "at x\nrationale r\nend\n";

	(void)state;
	assert_int_equal(assay_judgements_parse(ok, "j", &j, &n, d), 0);
	assert_int_equal(n, 1);
	assert_string_equal(j[0].assessor, "Jane% Roe");
	assert_int_equal(j[0].nfiles, 1);
	assert_true(j[0].files[0].external);
	assay_judgements_free(j, n);
	assert_int_equal(assay_judgements_parse(cut, "j", &j, &n, d),
	    ASSAY_ERR_PARSE);
	assert_int_equal(assay_judgements_parse(error, "j", &j, &n, d),
	    ASSAY_ERR_PARSE);
	assert_int_equal(assay_judgements_parse(noassessor, "j", &j, &n, d),
	    ASSAY_ERR_PARSE);
	assay_diag_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending_resolved),
		cmocka_unit_test(test_overrule_fail),
		cmocka_unit_test(test_overrule_pass),
		cmocka_unit_test(test_latest_wins_and_other_tc_ignored),
		cmocka_unit_test(test_fill_units),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
