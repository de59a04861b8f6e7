/*
 * test_spec.c - the standards' data as loaded from the spec CSV files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "base/diag.h"
#include "base/error.h"
#include "forms/spec.h"
#include "testutil.h"

static void
test_counts(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_spec *s = NULL;
	size_t i, m = 0, cond = 0, conceptual = 0, functional = 0, both = 0;

	(void)state;
	assert_int_equal(assay_spec_load(ASSAY_SOURCE_DIR, "2.1.1", &s, d), 0);
	/* Verified counts in spec/README (shared): 68 = 33 M + 35 R. */
	assert_int_equal(assay_spec_nprovisions(s), 68);
	for (i = 0; i < assay_spec_nprovisions(s); i++) {
		m += assay_spec_provision_mandatory(s, i);
		cond += assay_spec_provision_nconditions(s, i) > 0;
	}
	assert_int_equal(m, 33);
	assert_int_equal(cond, 23);
	assert_int_equal(assay_spec_nconditions(s), 13);
	assert_int_equal(assay_spec_nixit(s), 29);
	assert_int_equal(assay_spec_ntestcases(s), 109);
	for (i = 0; i < assay_spec_ntestcases(s); i++) {
		switch (assay_spec_testcase_type(s, i)) {
		case ASSAY_TC_CONCEPTUAL: conceptual++; break;
		case ASSAY_TC_FUNCTIONAL: functional++; break;
		case ASSAY_TC_CONCEPTUAL_FUNCTIONAL: both++; break;
		}
	}
	assert_int_equal(conceptual, 62);
	assert_int_equal(functional, 46);
	assert_int_equal(both, 1);
	assert_int_equal(strlen(assay_spec_hash(s)), 64);
	assay_spec_free(s);
	assay_diag_free(d);
}

static void
test_lookups(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_spec *s = NULL;
	long i, f;

	(void)state;
	assert_int_equal(assay_spec_load(ASSAY_SOURCE_DIR, NULL, &s, d), 0);
	i = assay_spec_provision_find(s, "5.3-10");
	assert_true(i >= 0);
	assert_string_equal(assay_spec_provision_status(s, i), "M C (11, 12)");
	assert_int_equal(assay_spec_provision_nconditions(s, i), 2);
	assert_int_equal(assay_spec_provision_condition(s, i, 0), 11);
	assert_int_equal(assay_spec_provision_condition(s, i, 1), 12);
	assert_int_equal(assay_spec_provision_find(s, "9.9-9"), -1);
	i = assay_spec_ixit_find(s, "1-AuthMech");
	assert_true(i >= 0);
	assert_int_equal(assay_spec_ixit_nfields(s, i), 6);
	f = assay_spec_ixit_field_find(s, i, "password generation mechanism");
	assert_true(f >= 0);
	assert_string_equal(assay_spec_ixit_field(s, i, f),
	    "Password Generation Mechanism");
	assert_non_null(strstr(assay_spec_ixit_field_help(s, i, f), "produced"));
	assert_string_equal(assay_spec_condition_text(s, 13),
	    "A debug interface is physically accessible.");
	assert_null(assay_spec_condition_text(s, 14));
	i = assay_spec_testcase_find(s, "5.3-10-1");
	assert_int_equal(assay_spec_testcase_type(s, i),
	    ASSAY_TC_CONCEPTUAL_FUNCTIONAL);
	assay_spec_free(s);
	assay_diag_free(d);
}

static void
test_unsupported_version(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_spec *s = NULL;

	(void)state;
	assert_int_equal(assay_spec_load(ASSAY_SOURCE_DIR, "9.9.9", &s, d),
	    ASSAY_ERR_NOT_FOUND);
	assert_null(s);
	assert_true(assay_diag_find(d, "not supported") >= 0);
	assay_diag_free(d);
}

static void
test_broken_csv(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_spec *s = NULL;
	char *dir = tu_mkdtemp("spec"), path[512];
	static const char bad[] = "id,clause,clause_title,status,conditions,summary\n"
	    "4-1,4,\"unterminated,M,,x\n";

	(void)state;
	snprintf(path, sizeof(path), "%s/spec", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/spec/en303645_v2.1.1_provisions.csv", dir);
	assert_int_equal(tu_write_file(path, bad, sizeof(bad) - 1), 0);
	assert_int_equal(assay_spec_load(dir, "2.1.1", &s, d), ASSAY_ERR_PARSE);
	assert_true(assay_diag_find(d, "unterminated") >= 0);
	assert_int_equal(assay_diag_line(d, 0), 2);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_unsupported_version),
		cmocka_unit_test(test_broken_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
