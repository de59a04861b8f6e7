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
	size_t v2 = 0, ts = 0;

	(void)state;
	assert_int_equal(assay_spec_load(ASSAY_SOURCE_DIR, "2.1.1", &s, d), 0);
	/*
	 * Verified counts in spec/README (shared): 68 = 33 M + 35 R, first,
	 * then the 16 provisions new or split in V3.1.3.
	 */
	assert_int_equal(assay_spec_nprovisions(s), 68 + 16);
	for (i = 0; i < assay_spec_nprovisions(s); i++) {
		if (assay_spec_provision_extra(s, i)) {
			assert_true(i >= 68);
			continue;
		}
		v2++;
		m += assay_spec_provision_mandatory(s, i);
		cond += assay_spec_provision_nconditions(s, i) > 0;
	}
	assert_int_equal(v2, 68);
	assert_int_equal(m, 33);
	assert_int_equal(cond, 23);
	assert_int_equal(assay_spec_nconditions(s), 13);
	assert_int_equal(assay_spec_nixit(s), 29);
	for (i = 0; i < assay_spec_ntestcases(s); i++) {
		if (assay_spec_testcase_assay_defined(s, i)) {
			/* Assay's own come after TS 103 701's. */
			assert_true(i >= 109);
			continue;
		}
		ts++;
		switch (assay_spec_testcase_type(s, i)) {
		case ASSAY_TC_CONCEPTUAL: conceptual++; break;
		case ASSAY_TC_FUNCTIONAL: functional++; break;
		case ASSAY_TC_CONCEPTUAL_FUNCTIONAL: both++; break;
		}
	}
	assert_int_equal(ts, 109);
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

/* The V3.1.3 extras: new or split provisions, with V2.1.1 condition numbers. */
static void
test_extras(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_spec *s = NULL;
	long i;

	(void)state;
	assert_int_equal(assay_spec_load(ASSAY_SOURCE_DIR, NULL, &s, d), 0);
	i = assay_spec_provision_find(s, "5.3-15A");
	assert_true(i >= 68);
	assert_true(assay_spec_provision_extra(s, i));
	assert_string_equal(assay_spec_provision_edition(s, i), "3.1.3");
	assert_string_equal(assay_spec_provision_status(s, i), "R C (3)");
	assert_int_equal(assay_spec_provision_nconditions(s, i), 1);
	assert_int_equal(assay_spec_provision_condition(s, i, 0), 3);
	assert_false(assay_spec_provision_mandatory(s, i));
	i = assay_spec_provision_find(s, "6-6");
	assert_true(i >= 0);
	assert_string_equal(assay_spec_provision_status(s, i), "M F (z)");
	assert_true(assay_spec_provision_mandatory(s, i));
	assert_int_equal(assay_spec_provision_nconditions(s, i), 0);
	/* Kept or modified ones are not extras: V2.1.1's id assesses them. */
	assert_int_equal(assay_spec_provision_find(s, "5.0-1"), -1);
	i = assay_spec_provision_find(s, "5.13-1");
	assert_false(assay_spec_provision_extra(s, i));
	assert_string_equal(assay_spec_provision_edition(s, i), "2.1.1");
	i = assay_spec_testcase_find(s, "5.13-1-1");
	assert_false(assay_spec_testcase_assay_defined(s, i));
	assay_spec_free(s);
	assay_diag_free(d);
}

/* Copies the spec files into dir/spec, then replaces name with text. */
static void
spec_copy(const char *dir, const char *name, const char *text)
{
	static const char *const files[] = {
		"en303645_v2.1.1_provisions.csv", "en303645_v2.1.1_conditions.csv",
		"en303645_v3.1.3_provisions.csv", "ts103701_v1.1.1_ixit.csv",
		"ts103701_v1.1.1_test_cases.csv", "assay_v3.1.3_test_cases.csv"
	};
	char path[512], src[512];
	size_t i, len;
	char *data;

	snprintf(path, sizeof(path), "%s/spec", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(src, sizeof(src), "spec/%s", files[i]);
		assert_non_null(data = tu_read_file(tu_src(src), &len));
		snprintf(path, sizeof(path), "%s/spec/%s", dir, files[i]);
		if (strcmp(files[i], name) == 0)
			assert_int_equal(tu_write_file(path, text, strlen(text)), 0);
		else
			assert_int_equal(tu_write_file(path, data, len), 0);
		free(data);
	}
}

/* Assay's own test cases: for an extra only, each once; none is fine. */
static void
test_assay_testcases(void **state)
{
	static const char hdr[] = "test_group,test_case,type,purpose,"
	    "ixit_items,units,functional_probe_hint\n";
	static const struct {
		const char	*rows;
		int		 want;
		const char	*msg;
	} cases[] = {
		{ "", 0, NULL },
		{ "6-6,6-6-1,conceptual,p,21-PersData,1,\n", 0, NULL },
		{ "5.13-1,5.13-1-9,conceptual,p,,1,\n", ASSAY_ERR_PARSE,
		    "not a provision new or split" },
		{ "6-9,6-9-1,conceptual,p,,1,\n", ASSAY_ERR_PARSE,
		    "not a provision new or split" },
		{ "6-6,6-6-1,conceptual,p,,1,\n6-6,6-6-1,conceptual,p,,1,\n",
		    ASSAY_ERR_PARSE, "twice" },
		{ "6-6,5.13-1-1,conceptual,p,,1,\n", ASSAY_ERR_PARSE, "twice" },
		{ "6-6,6-6-1,bogus,p,,1,\n", ASSAY_ERR_PARSE, "unknown type" },
	};
	char text[512];
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct assay_diag *d = assay_diag_new();
		struct assay_spec *s = NULL;
		char *dir = tu_mkdtemp("spec");
		long i;

		snprintf(text, sizeof(text), "%s%s", hdr, cases[k].rows);
		spec_copy(dir, "assay_v3.1.3_test_cases.csv", text);
		assert_int_equal(assay_spec_load(dir, NULL, &s, d),
		    cases[k].want);
		if (cases[k].msg != NULL)
			assert_true(assay_diag_find(d, cases[k].msg) >= 0);
		if (cases[k].want == 0 && cases[k].rows[0] != '\0') {
			i = assay_spec_testcase_find(s, "6-6-1");
			assert_true(i >= 0);
			assert_true(assay_spec_testcase_assay_defined(s, i));
			assert_string_equal(assay_spec_testcase_group(s, i), "6-6");
		}
		assay_spec_free(s);
		assay_diag_free(d);
		tu_rmrf(dir);
		free(dir);
	}
}

/* An extra's condition must be one of V2.1.1's (the ICS decides it). */
static void
test_extra_condition(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_spec *s = NULL;
	char *dir = tu_mkdtemp("spec");
	static const char v3[] = "id,clause,clause_title,status,conditions,"
	    "summary,v2_id,change,features\n"
	    "5.3-15A,5.3,Keep,R C (14),14,isolable,5.3-15,split,\n";

	(void)state;
	spec_copy(dir, "en303645_v3.1.3_provisions.csv", v3);
	assert_int_equal(assay_spec_load(dir, NULL, &s, d), ASSAY_ERR_PARSE);
	assert_true(assay_diag_find(d, "condition 14 is not one of") >= 0);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
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
		cmocka_unit_test(test_extras),
		cmocka_unit_test(test_assay_testcases),
		cmocka_unit_test(test_extra_condition),
		cmocka_unit_test(test_unsupported_version),
		cmocka_unit_test(test_broken_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
