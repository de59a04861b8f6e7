/*
 * test_fixture.c - the fixture module's patch language (run/fixture.h),
 * one operation at a time on the validation base forms, and its errors.
 * The fixture runner end to end: tests/e2e_fixture*.sh; its agreement
 * with run.py's patches and assay run: tests/e2e_fixture_validation.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/diag.h"
#include "base/error.h"
#include "run/fixture.h"
#include "testutil.h"

/* Applies lines to the base forms; returns the code, form `which` in *text. */
static int
patch(const char *const *lines, size_t n, const char *which, char **text,
    struct assay_diag *d)
{
	char *dir = tu_mkdtemp("fixture");
	char path[4300];
	int r;

	assert_non_null(dir);
	r = assay_fixture_patch_dir(tu_src("tests/validation/base"), dir, lines,
	    n, "test.fixture", d);
	*text = NULL;
	if (r == 0 && which != NULL) {
		snprintf(path, sizeof(path), "%s/%s.xml", dir, which);
		*text = tu_read_file(path, NULL);
		assert_non_null(*text);
	}
	tu_rmrf(dir);
	free(dir);
	return r;
}

static void
test_condition_and_support(void **state)
{
	const char *lines[] = { "condition 3 true",
	    "support 5.6-8 N the device has no display" };
	struct assay_diag *d = assay_diag_new();
	char *t;

	(void)state;
	assert_int_equal(patch(lines, 2, "ics", &t, d), 0);
	assert_non_null(strstr(t, "number=\"3\" holds=\"true\""));
	assert_non_null(strstr(t, "the device has no display"));
	free(t);
	assay_diag_free(d);
}

static void
test_services_and_credentials(void **state)
{
	const char *lines[] = { "drop-service mqtt",
	    "service <service id=\"tn\" protocol=\"telnet\" transport=\"tcp\" port=\"23\" security=\"none\"/>",
	    "set-service web port=9443" };
	const char *cred[] = { "credential web-admin password=s3cret-Other",
	    "credential web-admin origin=lab-defined" };
	const char *drop[] = { "drop-credentials" };
	struct assay_diag *d = assay_diag_new();
	char *t;

	(void)state;
	assert_int_equal(patch(lines, 3, "ixit", &t, d), 0);
	assert_null(strstr(t, "id=\"mqtt\" protocol"));
	assert_non_null(strstr(t, "id=\"tn\""));
	assert_non_null(strstr(t, "port=\"9443\""));
	free(t);
	assert_int_equal(patch(cred, 2, "setup", &t, d), 0);
	assert_non_null(strstr(t, "<password>s3cret-Other</password>"));
	assert_non_null(strstr(t, "origin=\"lab-defined\""));
	free(t);
	assert_int_equal(patch(drop, 1, "setup", &t, d), 0);
	assert_null(strstr(t, "<credentials"));
	free(t);
	assay_diag_free(d);
}

static void
test_entries(void **state)
{
	const char *lines[] = { "fact 1-AuthMech/auth-web password-length=",
	    "fact 1-AuthMech/auth-web brute-force=none",
	    "field 1-AuthMech/auth-web \"cryptographic details\" = <none> & \"TBD\"",
	    "field 1-AuthMech/auth-web \"Description\" = -",
	    "drop 1-AuthMech/auth-mqtt", "nofacts 2-UserInfo/user-docs",
	    "field 2-UserInfo/user-docs \"New Field\" = added" };
	struct assay_diag *d = assay_diag_new();
	char *t;

	(void)state;
	assert_int_equal(patch(lines, 7, "ixit", &t, d), 0);
	assert_null(strstr(t, "password-length=\"12\""));
	assert_non_null(strstr(t, "brute-force=\"none\""));
	/* Case-insensitive field name; the text is escaped, not parsed. */
	assert_non_null(strstr(t, "&lt;none&gt; &amp; \"TBD\""));
	assert_null(strstr(t, "Web UI login for the device owner"));
	assert_null(strstr(t, "id=\"auth-mqtt\""));
	assert_non_null(strstr(t, "name=\"New Field\">added<"));
	free(t);
	assay_diag_free(d);
}

static void
test_errors(void **state)
{
	static const struct {
		const char	*line;
		int		 code;
		const char	*msg;
	} bad[] = {
		{ "frobnicate x", ASSAY_ERR_PARSE, "unknown patch \"frobnicate\"" },
		{ "fact 1-AuthMech/nope a=b", ASSAY_ERR_NOT_FOUND, "no entry nope in 1-AuthMech" },
		{ "fact 99-Nope/x a=b", ASSAY_ERR_NOT_FOUND, "no item 99-Nope" },
		{ "fact 1-AuthMech/auth-web novalue", ASSAY_ERR_PARSE, "fact ITEM/ENTRY name=value" },
		{ "field 1-AuthMech/auth-web Name = x", ASSAY_ERR_PARSE, "field ITEM/ENTRY \"Name\" = text" },
		{ "add 1-AuthMech <entry id=\"x\">", ASSAY_ERR_PARSE, "bad XML fragment" },
		{ "condition 3 maybe", ASSAY_ERR_PARSE, "condition N true|false" },
		{ "drop-service nope", ASSAY_ERR_NOT_FOUND, "no service nope" },
		{ "support 9.9-9", ASSAY_ERR_PARSE, "support PROV" },
		{ "", ASSAY_ERR_PARSE, "unknown patch" },
	};
	struct assay_diag *d;
	char *t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = assay_diag_new();
		assert_int_equal(patch(&bad[i].line, 1, NULL, &t, d), bad[i].code);
		if (assay_diag_find(d, bad[i].msg) < 0) {
			assay_diag_print(d, stderr);
			fail_msg("\"%s\": no \"%s\"", bad[i].line, bad[i].msg);
		}
		assert_string_equal(assay_diag_file(d, 0), "test.fixture");
		assay_diag_free(d);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_condition_and_support),
		cmocka_unit_test(test_services_and_credentials),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
