/*
 * test_catalogue.c - loading the Lua catalogue: the bundled one loads,
 * and each kind of metadata mistake is a load error naming file and line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "run/catalogue.h"
#include "base/diag.h"
#include "base/error.h"
#include "forms/spec.h"
#include "testutil.h"

static struct assay_spec *spec;

static int
setup(void **state)
{
	struct assay_diag *d = assay_diag_new();

	(void)state;
	if (assay_spec_load(ASSAY_SOURCE_DIR, "2.1.1", &spec, d) != 0)
		return -1;
	assay_diag_free(d);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assay_spec_free(spec);
	return 0;
}

static void
test_bundled_catalogue(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_catalogue *c = NULL;
	size_t i;

	(void)state;
	assert_int_equal(assay_catalogue_load(tu_src("testcases"), spec, &c, d), 0);
	assay_diag_print(d, stderr);
	/* 4-1-1 and both test cases of 5.1-1 .. 5.1-5 at least. */
	assert_true(assay_catalogue_count(c) >= 11);
	assert_int_equal(assay_catalogue_find(c, "4-1-1"), 0);
	for (i = 1; i < assay_catalogue_count(c); i++)
		assert_true(assay_spec_testcase_find(spec, assay_catalogue_id(c, i - 1)) <
		    assay_spec_testcase_find(spec, assay_catalogue_id(c, i)));
	i = (size_t)assay_catalogue_find(c, "5.1-5-1");
	assert_string_equal(assay_catalogue_group(c, i), "5.1-5");
	assert_string_equal(assay_catalogue_ixit(c, i), "1-AuthMech");
	assert_int_equal(assay_catalogue_type(c, i), ASSAY_TC_CONCEPTUAL);
	assert_int_equal(strlen(assay_catalogue_sha256(c)), 64);
	assay_catalogue_free(c);
	assay_diag_free(d);
}

/* One broken catalogue: file name, contents, expected message, line. */
struct broken {
	const char	*file;
	const char	*src;
	const char	*expect;
	long		 line;
};

#define OK_TC(id) "testcase {\n id = \"" id "\", type = \"conceptual\",\n" \
	" ixit = { \"1-AuthMech\" }, purpose = \"p\",\n run = function() end }\n"

static const struct broken cases[] = {
	{ "5.1-1.lua", "group \"5.1-2\"\n", "does not match the file name", 1 },
	{ "9.9-9.lua", "group \"9.9-9\"\n", "no provision \"9.9-9\"", 0 },
	{ "5.1-1.lua", "group \"5.1-1\"\n\n" OK_TC("5.1-1-7"),
	    "5.1-1-7 does not exist in TS 103 701", 3 },
	{ "5.1-1.lua", "group \"5.1-1\"\n" OK_TC("5.1-2-1"),
	    "is not of the form 5.1-1-N", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"functional\", purpose = \"p\", run = function() end }\n",
	    "TS 103 701 says \"conceptual\"", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", ixit = { \"99-Nope\" }, purpose = \"p\", "
	    "run = function() end }\n", "unknown IXIT item \"99-Nope\"", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\n\n\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", purpose = \"p\", run = 42 }\n",
	    "run must be a function", 4 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", purpose = \"two\\nlines\", "
	    "run = function() end }\n", "purpose must be one line", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", purpose = \"p\", runn = function() end, "
	    "run = function() end }\n", "unknown field \"runn\"", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { type = \"conceptual\" }\n",
	    "without an id", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\n" OK_TC("5.1-1-1") OK_TC("5.1-1-1"),
	    "duplicate test case id 5.1-1-1", 6 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase {\n", "expected", 3 },
	{ "5.1-1.lua", "-- nothing\n", "missing group declaration", 1 },
	{ "5.1-1.lua", "group \"5.1-1\"\nwhile true do end\n",
	    "time limit", 0 },
	{ "5.1-1.lua", "\x1bLua\x54\x00", "bytecode", 0 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", purpose = \"p\", exclusive = \"Creds\", "
	    "run = function() end }\n", "exclusive must be a tag", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", purpose = \"p\", exclusive = true, "
	    "run = function() end }\n", "exclusive must be a tag", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", purpose = \"p\", exclusive = \"\", "
	    "run = function() end }\n", "exclusive must be a tag", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", purpose = \"p\", exclusive = "
	    "\"a-very-long-tag-of-more-than-32-chars\", "
	    "run = function() end }\n", "exclusive must be a tag", 2 },
};

/* The exclusive tag: optional, kept as written. */
static void
test_exclusive(void **state)
{
	static const char src[] = "group \"5.1-1\"\n"
	    "testcase { id = \"5.1-1-1\", type = \"conceptual\", purpose = \"p\",\n"
	    " exclusive = \"credentials\", run = function() end }\n"
	    "testcase { id = \"5.1-1-2\", type = \"functional\", purpose = \"p\",\n"
	    " run = function() end }\n";
	struct assay_diag *d = assay_diag_new();
	struct assay_catalogue *c = NULL;
	char *dir = tu_mkdtemp("cat"), path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/5.1-1.lua", dir);
	assert_int_equal(tu_write_file(path, src, sizeof(src) - 1), 0);
	if (assay_catalogue_load(dir, spec, &c, d) != 0)
		assay_diag_print(d, stderr);
	assert_non_null(c);
	assert_string_equal(assay_catalogue_exclusive(c, 0), "credentials");
	assert_null(assay_catalogue_exclusive(c, 1));
	assay_catalogue_free(c);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

static void
test_broken(void **state)
{
	size_t i, ndetected = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct assay_diag *d = assay_diag_new();
		struct assay_catalogue *c = NULL;
		char *dir = tu_mkdtemp("cat"), path[512];
		long k;

		snprintf(path, sizeof(path), "%s/%s", dir, cases[i].file);
		assert_int_equal(tu_write_file(path, cases[i].src,
		    strlen(cases[i].src) + (cases[i].src[0] == '\x1b' ? 2 : 0)), 0);
		assert_int_equal(assay_catalogue_load(dir, spec, &c, d),
		    ASSAY_ERR_CATALOGUE);
		assert_null(c);
		k = assay_diag_find(d, cases[i].expect);
		if (k < 0) {
			fprintf(stderr, "case %zu: expected \"%s\", got:\n", i,
			    cases[i].expect);
			assay_diag_print(d, stderr);
		} else {
			if (cases[i].line > 0)
				assert_int_equal(assay_diag_line(d, (size_t)k),
				    cases[i].line);
			assert_non_null(strstr(assay_diag_file(d, (size_t)k),
			    cases[i].file));
			ndetected++;
		}
		assay_diag_free(d);
		tu_rmrf(dir);
		free(dir);
	}
	assert_int_equal(ndetected, sizeof(cases) / sizeof(cases[0]));
}

/* Several files: every problem is reported, not only the first. */
static void
test_all_problems_reported(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_catalogue *c = NULL;
	char *dir = tu_mkdtemp("cat"), path[512];
	static const char a[] = "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\" }\n";
	static const char b[] = "group \"5.1-3\"\n" OK_TC("5.1-3-9");

	(void)state;
	snprintf(path, sizeof(path), "%s/5.1-1.lua", dir);
	tu_write_file(path, a, sizeof(a) - 1);
	snprintf(path, sizeof(path), "%s/5.1-3.lua", dir);
	tu_write_file(path, b, sizeof(b) - 1);
	assert_int_equal(assay_catalogue_load(dir, spec, &c, d),
	    ASSAY_ERR_CATALOGUE);
	assert_true(assay_diag_find(d, "run must be a function") >= 0);
	assert_true(assay_diag_find(d, "5.1-3-9 does not exist") >= 0);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundled_catalogue),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_exclusive),
		cmocka_unit_test(test_all_problems_reported),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
