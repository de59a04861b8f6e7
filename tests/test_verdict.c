/*
 * test_verdict.c - the verdict algebra (docs/verdicts.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "base/error.h"
#include "run/verdict.h"
#include "testutil.h"

#define P	ASSAY_VERDICT_PASS
#define F	ASSAY_VERDICT_FAIL
#define I	ASSAY_VERDICT_INCONCLUSIVE
#define E	ASSAY_VERDICT_ERROR
#define N	ASSAY_VERDICT_NONE
#define NA	ASSAY_VERDICT_NOT_APPLICABLE

static enum assay_verdict
fold(const enum assay_verdict *v, size_t n)
{
	enum assay_verdict acc = NA;
	size_t i;

	for (i = 0; i < n; i++)
		acc = assay_verdict_combine(acc, v[i]);
	return acc;
}

static void
test_worst_wins(void **state)
{
	const enum assay_verdict order[] = { N, P, I, F, E };
	size_t i, k;

	(void)state;
	for (i = 0; i < 5; i++)
		for (k = 0; k < 5; k++)
			assert_int_equal(assay_verdict_combine(order[i], order[k]),
			    order[i > k ? i : k]);
}

static void
test_not_applicable_is_skipped(void **state)
{
	const enum assay_verdict all_na[] = { NA, NA, NA };
	const enum assay_verdict pass_na[] = { NA, P, NA };
	const enum assay_verdict mixed[] = { P, NA, I, NA };

	(void)state;
	assert_int_equal(fold(all_na, 3), NA);
	assert_int_equal(fold(pass_na, 3), P);
	assert_int_equal(fold(mixed, 4), I);
	assert_int_equal(assay_verdict_combine(F, NA), F);
}

static void
test_never_improves(void **state)
{
	const enum assay_verdict seq[] = { F, P, P, I };

	(void)state;
	assert_int_equal(fold(seq, 4), F);
}

static void
test_names_round_trip(void **state)
{
	enum assay_verdict v;
	int i;

	(void)state;
	for (i = 0; i < ASSAY_VERDICT_COUNT; i++) {
		assert_int_equal(assay_verdict_parse(assay_verdict_name(i), &v), 0);
		assert_int_equal(v, i);
		assert_int_equal(assay_verdict_parse(assay_verdict_key(i), &v), 0);
		assert_int_equal(v, i);
	}
	assert_int_equal(assay_verdict_parse("maybe", &v), ASSAY_ERR_PARSE);
	assert_string_equal(assay_verdict_name(NA), "NOT APPLICABLE");
}

static void
test_not_fulfilled(void **state)
{
	enum assay_verdict v;

	(void)state;
	/* Its own value, never merged into NOT APPLICABLE, outside the order. */
	assert_string_equal(assay_verdict_name(ASSAY_VERDICT_NOT_FULFILLED),
	    "NOT FULFILLED");
	assert_string_equal(assay_verdict_key(ASSAY_VERDICT_NOT_FULFILLED),
	    "not_fulfilled");
	assert_int_equal(assay_verdict_parse("not fulfilled", &v), 0);
	assert_int_equal(v, ASSAY_VERDICT_NOT_FULFILLED);
	assert_int_equal(assay_verdict_combine(ASSAY_VERDICT_NOT_FULFILLED, P),
	    P);
	assert_int_equal(assay_verdict_combine(N, ASSAY_VERDICT_NOT_FULFILLED),
	    N);
}

/* A complete run where every applicable provision passed. */
static struct assay_tally
all_pass(void)
{
	struct assay_tally t;

	memset(&t, 0, sizeof(t));
	t.applicable = t.assessed = t.pass = 20;
	t.not_fulfilled = 25;
	t.not_applicable = 23;
	t.complete = 1;
	t.pass_4_1 = 1;
	return t;
}

static void
test_overall_decision_rule(void **state)
{
	struct assay_tally t;

	(void)state;
	t = all_pass();
	assert_int_equal(assay_overall_decide(&t), ASSAY_OVERALL_PASS);
	/* A FAIL (also one the ICS declares) is FAIL, even beside an ERROR. */
	t = all_pass();
	t.fail = 1;
	t.pass = 19;
	assert_int_equal(assay_overall_decide(&t), ASSAY_OVERALL_FAIL);
	t.error = 1;
	t.assessed = 18;
	assert_int_equal(assay_overall_decide(&t), ASSAY_OVERALL_FAIL);
	t.partial = 1;
	t.complete = 0;
	assert_int_equal(assay_overall_decide(&t), ASSAY_OVERALL_FAIL);
	/* Anything not assessed, undecided or out of scope: INCOMPLETE. */
	t = all_pass();
	t.not_assessed = 1;
	t.assessed = t.pass = 19;
	assert_int_equal(assay_overall_decide(&t), ASSAY_OVERALL_INCOMPLETE);
	t = all_pass();
	t.inconclusive = 1;
	t.assessed = t.pass = 19;
	assert_int_equal(assay_overall_decide(&t), ASSAY_OVERALL_INCOMPLETE);
	t = all_pass();
	t.error = 1;
	t.assessed = t.pass = 19;
	assert_int_equal(assay_overall_decide(&t), ASSAY_OVERALL_INCOMPLETE);
	t = all_pass();
	t.partial = 1;
	assert_int_equal(assay_overall_decide(&t), ASSAY_OVERALL_INCOMPLETE);
	t = all_pass();
	t.complete = 0;
	assert_int_equal(assay_overall_decide(&t), ASSAY_OVERALL_INCOMPLETE);
	t = all_pass();
	t.pass_4_1 = 0;
	assert_int_equal(assay_overall_decide(&t), ASSAY_OVERALL_INCOMPLETE);
	/* Nothing applicable is nothing assessed. */
	memset(&t, 0, sizeof(t));
	t.complete = 1;
	assert_int_equal(assay_overall_decide(&t), ASSAY_OVERALL_INCOMPLETE);
	/* NOT FULFILLED alone changes nothing. */
	t = all_pass();
	t.not_fulfilled = 60;
	assert_int_equal(assay_overall_decide(&t), ASSAY_OVERALL_PASS);
}

static void
test_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(assay_overall_exit_code(ASSAY_OVERALL_PASS), 0);
	assert_int_equal(assay_overall_exit_code(ASSAY_OVERALL_FAIL), 1);
	assert_int_equal(assay_overall_exit_code(ASSAY_OVERALL_INCOMPLETE), 3);
	assert_string_equal(assay_overall_name(ASSAY_OVERALL_INCOMPLETE),
	    "INCOMPLETE");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worst_wins),
		cmocka_unit_test(test_not_applicable_is_skipped),
		cmocka_unit_test(test_never_improves),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_not_fulfilled),
		cmocka_unit_test(test_overall_decision_rule),
		cmocka_unit_test(test_exit_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
