/*
 * test_catalogue.c - loading the Lua catalogue: the bundled one loads,
 * and each kind of metadata mistake is a load error naming file and line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <cmocka.h>

#include <lua.h>

#include "run/catalogue.h"
#include "run/sandbox.h"
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

/* A sound declaration of unit a, for test cases TS 103 701 gives one unit. */
#define UNIT_OK "{ criterion = \"The password is unique per device.\", " \
	"decided = \"facts\" }"
/* The same on a functional test case, which says where the subject is. */
#define UNIT_FN "{ criterion = \"The password is unique per device.\", " \
	"decided = \"automatic\", reach = \"network\" }"
#define UNITS_A "{ a = " UNIT_OK " }"
/* 5.1-1-1 (one unit) with the given units table, line 2. */
#define TC_UNITS(u) "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", " \
	"type = \"conceptual\", purpose = \"p\", units = " u ", " \
	"run = function() end }\n"
/* 5.1-1-1 with unit a declared as { fields }. */
#define TC_UNIT_A(fields) TC_UNITS("{ a = { " fields " } }")
#define CRIT0 "criterion = \"The password is unique per device.\""
#define CRIT CRIT0 ", decided = \"facts\""
/* 5.1-1-2 (functional, units a..c) with unit a as { fields }, b and c sound. */
#define TC_FN_A(fields) "group \"5.1-1\"\ntestcase { id = \"5.1-1-2\", " \
	"type = \"functional\", purpose = \"p\", units = { a = { " fields \
	" }, b = " UNIT_FN ", c = " UNIT_FN " }, run = function() end }\n"

/* One broken catalogue: file name, contents, expected message, line. */
struct broken {
	const char	*file;
	const char	*src;
	const char	*expect;
	long		 line;
};

#define OK_TC(id) "testcase {\n id = \"" id "\", type = \"conceptual\",\n" \
	" ixit = { \"1-AuthMech\" }, purpose = \"p\", units = " UNITS_A ",\n" \
	" run = function() end }\n"

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
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", purpose = \"p\", exclusive = { \"a\", \"a\" }, "
	    "run = function() end }\n", "or a list of 1..4 different such tags", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", purpose = \"p\", exclusive = {}, "
	    "run = function() end }\n", "exclusive must be a tag", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", purpose = \"p\", exclusive = { \"a\", x = \"b\" }, "
	    "run = function() end }\n", "exclusive must be a tag", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", purpose = \"p\", exclusive = { \"a\", \"b\", "
	    "\"c\", \"d\", \"e\" }, run = function() end }\n", "exclusive must be a tag", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", purpose = \"p\", exclusive = { \"a\", \"B\" }, "
	    "run = function() end }\n", "exclusive must be a tag", 2 },
	/* Unit declarations (testcases/README.md). */
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-1\", "
	    "type = \"conceptual\", purpose = \"p\", run = function() end }\n",
	    "5.1-1-1: units required", 2 },
	{ "5.1-1.lua", TC_UNITS("\"a\""), "5.1-1-1: units required", 2 },
	{ "5.1-1.lua", TC_UNITS("{}"), "unit a of TS 103 701 is not declared", 2 },
	{ "5.1-1.lua", "group \"5.1-1\"\ntestcase { id = \"5.1-1-2\", "
	    "type = \"functional\", purpose = \"p\", units = { a = " UNIT_FN
	    ", c = " UNIT_FN " }, run = function() end }\n",
	    "5.1-1-2: unit b of TS 103 701 is not declared", 2 },
	{ "5.1-1.lua", TC_UNITS("{ a = " UNIT_OK ", b = " UNIT_OK " }"),
	    "no unit \"b\" in TS 103 701 (its one unit is a)", 2 },
	{ "5.1-1.lua", TC_UNITS("{ a = " UNIT_OK ", A = " UNIT_OK " }"),
	    "no unit \"A\"", 2 },
	{ "5.1-1.lua", TC_UNITS("{ a = " UNIT_OK ", " UNIT_OK " }"),
	    "no unit \"number\"", 2 },
	{ "5.1-1.lua", TC_UNITS("{ a = \"unique\" }"), "unit a must be a table", 2 },
	{ "5.1-1.lua", TC_UNIT_A(""), "unit a: criterion must be one line", 2 },
	{ "5.1-1.lua", TC_UNIT_A("criterion = 42"),
	    "unit a: criterion must be one line", 2 },
	{ "5.1-1.lua", TC_UNIT_A("criterion = \"Too short.\""),
	    "unit a: criterion must be one line of 20..400", 2 },
	/* 19 characters in 38 bytes: counted as characters. */
	{ "5.1-1.lua", TC_UNIT_A("criterion = string.rep(\"\\u{e9}\", 19)"),
	    "unit a: criterion must be one line of 20..400", 2 },
	{ "5.1-1.lua", TC_UNIT_A("criterion = \"The password is unique\\nper "
	    "device.\""), "unit a: criterion must be one line", 2 },
	{ "5.1-1.lua", TC_UNIT_A("criterion = string.rep(\"x\", 401)"),
	    "unit a: criterion must be one line", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT ", rule = \"\""),
	    "unit a: rule must be one line of 1..400", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT ", rule = \"two\\nlines\""),
	    "unit a: rule must be one line", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT ", rule = string.rep(\"r\", 401)"),
	    "unit a: rule must be one line", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT ", rule = true"),
	    "unit a: rule must be one line", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT ", observation = \"Label\", "
	    "observe = \"the label\""), "unit a: observation must be a name", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT ", observation = string.rep(\"o\", 41), "
	    "observe = \"the label\""), "unit a: observation must be a name", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT ", observation = \"\", "
	    "observe = \"the label\""), "unit a: observation must be a name", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT ", observation = \"label\""),
	    "unit a: observation \"label\" needs observe", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT ", observe = \"the label\""),
	    "unit a: observe without an observation name", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT ", observation = \"label\", "
	    "observe = string.rep(\"o\", 401)"), "unit a: observe must be one line", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT ", observation = \"label\", "
	    "observe = \"a\\nb\""), "unit a: observe must be one line", 2 },
	/* How a unit is decided, and where its subject is. */
	{ "5.1-1.lua", TC_UNIT_A(CRIT0), "5.1-1-1: unit a: decided required", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT0 ", decided = 42"),
	    "unit a: decided required", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT0 ", decided = \"automated\""),
	    "unit a: decided \"automated\": unknown kind \"automated\"", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT0 ", decided = \"facts+person\""),
	    "unknown kind \"person\"", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT0 ", decided = \"\""),
	    "unknown kind \"\"", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT0 ", decided = \"facts+\""),
	    "decided \"facts+\": one kind or two", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT0 ", decided = \"facts+facts\""),
	    "decided \"facts+facts\": one kind or two different", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT0 ", decided = \"facts+assessor+observation\", "
	    "observation = \"label\", observe = \"the label\""),
	    "one kind or two different ones joined by +", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT0 ", decided = \"assessor\", "
	    "observation = \"label\", observe = \"the label\""),
	    "unit a: observation \"label\" declared, so decided must name "
	    "observation", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT0 ", decided = \"facts+observation\""),
	    "unit a: decided \"facts+observation\" names observation but the "
	    "unit declares none", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT ", reach = \"network\""),
	    "5.1-1-1: unit a: reach on a conceptual test case", 2 },
	{ "5.1-1.lua", TC_FN_A(CRIT0 ", decided = \"automatic\""),
	    "5.1-1-2: unit a: reach required on a functional test case", 2 },
	{ "5.1-1.lua", TC_FN_A(CRIT0 ", decided = \"automatic\", reach = \"wifi\""),
	    "unit a: reach \"wifi\": network, artefact, physical or declaration", 2 },
	{ "5.1-1.lua", TC_FN_A(CRIT0 ", decided = \"automatic\", reach = true"),
	    "unit a: reach \"?\": network, artefact, physical or declaration", 2 },
	{ "5.1-1.lua", TC_FN_A(CRIT0 ", decided = \"facts\", reach = \"declaration\""),
	    "unit a: reach \"declaration\" only on a conceptual+functional", 2 },
	{ "5.1-1.lua", TC_UNIT_A(CRIT ", critrion = \"typo\""),
	    "unit a: unknown field \"critrion\"", 2 },
};

/* The exclusive tags: optional, a tag or a list, kept as written. */
static void
test_exclusive(void **state)
{
	static const char src[] = "group \"5.1-1\"\n"
	    "testcase { id = \"5.1-1-1\", type = \"conceptual\", purpose = \"p\",\n"
	    " exclusive = \"credentials\", units = " UNITS_A ", run = function() end }\n"
	    "testcase { id = \"5.1-1-2\", type = \"functional\", purpose = \"p\",\n"
	    " units = { a = " UNIT_FN ", b = " UNIT_FN ", c = " UNIT_FN " },\n"
	    " run = function() end }\n";
	static const char src2[] = "group \"5.1-2\"\n"
	    "testcase { id = \"5.1-2-2\", type = \"functional\", purpose = \"p\",\n"
	    " exclusive = { \"credentials\", \"gateway\" },\n"
	    " units = { a = " UNIT_FN " }, run = function() end }\n";
	struct assay_diag *d = assay_diag_new();
	struct assay_catalogue *c = NULL;
	char *dir = tu_mkdtemp("cat"), path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/5.1-1.lua", dir);
	assert_int_equal(tu_write_file(path, src, sizeof(src) - 1), 0);
	snprintf(path, sizeof(path), "%s/5.1-2.lua", dir);
	assert_int_equal(tu_write_file(path, src2, sizeof(src2) - 1), 0);
	if (assay_catalogue_load(dir, spec, &c, d) != 0)
		assay_diag_print(d, stderr);
	assert_non_null(c);
	assert_string_equal(assay_catalogue_exclusive(c, 0), "credentials");
	assert_null(assay_catalogue_exclusive(c, 1));
	assert_string_equal(assay_catalogue_exclusive(c, 2), "credentials gateway");
	assert_true(assay_tags_overlap(assay_catalogue_exclusive(c, 2), "gateway"));
	assert_true(assay_tags_overlap("credentials", assay_catalogue_exclusive(c, 2)));
	assert_false(assay_tags_overlap("gate", "gateway credential"));
	assert_false(assay_tags_overlap(NULL, "gateway"));
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

/* Declared units come back as written; letters not declared give NULL. */
static void
test_units(void **state)
{
	static const char src[] = "group \"5.1-1\"\n"
	    "testcase { id = \"5.1-1-2\", type = \"functional\", purpose = \"p\",\n"
	    " units = {\n"
	    "  a = { criterion = \"No undeclared password login on the network.\",\n"
	    "    rule = \"full TCP sweep\", decided = \"automatic\", reach = \"network\" },\n"
	    "  b = { criterion = \"User-defined passwords are set before use.\",\n"
	    "    observation = \"factory-default-first-use\",\n"
	    "    observe = \"try the device from factory default\",\n"
	    "    decided = \"automatic+observation\", reach = \"network\" },\n"
	    "  c = { criterion = \"Pr\\u{e9}-install\\u{e9} passwords match the scheme.\",\n"
	    "    decided = \"observation+facts\", reach = \"physical\",\n"
	    "    observation = \"label\", observe = \"read the label\" },\n"
	    " }, run = function() end }\n";
	struct assay_diag *d = assay_diag_new();
	struct assay_catalogue *c = NULL;
	const struct assay_unit_decl *u;
	char *dir = tu_mkdtemp("cat"), path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/5.1-1.lua", dir);
	assert_int_equal(tu_write_file(path, src, sizeof(src) - 1), 0);
	if (assay_catalogue_load(dir, spec, &c, d) != 0)
		assay_diag_print(d, stderr);
	assert_non_null(c);
	assert_non_null(u = assay_catalogue_unit(c, 0, "a"));
	assert_string_equal(u->criterion,
	    "No undeclared password login on the network.");
	assert_string_equal(u->rule, "full TCP sweep");
	assert_null(u->observation);
	assert_null(u->observe);
	assert_string_equal(u->decided, "automatic");
	assert_int_equal(u->decided_main, ASSAY_DECIDED_AUTOMATIC);
	assert_int_equal(u->decided_kinds, 1u << ASSAY_DECIDED_AUTOMATIC);
	assert_string_equal(u->reach, "network");
	assert_int_equal(u->reach_kind, ASSAY_REACH_NETWORK);
	assert_non_null(u = assay_catalogue_unit(c, 0, "b"));
	assert_null(u->rule);
	assert_string_equal(u->observation, "factory-default-first-use");
	assert_string_equal(u->observe, "try the device from factory default");
	assert_string_equal(u->decided, "automatic+observation");
	assert_int_equal(u->decided_main, ASSAY_DECIDED_AUTOMATIC);
	assert_int_equal(u->decided_kinds, (1u << ASSAY_DECIDED_AUTOMATIC) |
	    (1u << ASSAY_DECIDED_OBSERVATION));
	assert_non_null(u = assay_catalogue_unit(c, 0, "c"));
	/* The main kind is the first, whatever the order of the enum. */
	assert_int_equal(u->decided_main, ASSAY_DECIDED_OBSERVATION);
	assert_int_equal(u->reach_kind, ASSAY_REACH_PHYSICAL);
	assert_string_equal(assay_decided_name(u->decided_main), "observation");
	assert_string_equal(assay_reach_name(u->reach_kind), "physical");
	assert_null(assay_catalogue_unit(c, 0, "d"));
	assert_null(assay_catalogue_unit(c, 0, "A"));
	assert_null(assay_catalogue_unit(c, 0, "ab"));
	assert_null(assay_catalogue_unit(c, 0, ""));
	assert_null(assay_catalogue_unit(c, 1, "a"));
	assay_catalogue_free(c);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

/*
 * The bundled catalogue declares every unit of every test case, each with
 * a criterion, and an observation only together with what to observe.
 */
static void
test_bundled_units(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_catalogue *c = NULL;
	const struct assay_unit_decl *u;
	char letter[2] = { 0, 0 };
	size_t i;
	long si;
	int k, n;

	(void)state;
	assert_int_equal(assay_catalogue_load(tu_src("testcases"), spec, &c, d), 0);
	for (i = 0; i < assay_catalogue_count(c); i++) {
		si = assay_spec_testcase_find(spec, assay_catalogue_id(c, i));
		assert_true(si >= 0);
		n = assay_spec_testcase_units(spec, (size_t)si);
		assert_true(n >= 1);
		for (k = 0; k < n; k++) {
			letter[0] = (char)('a' + k);
			u = assay_catalogue_unit(c, i, letter);
			if (u == NULL)
				fprintf(stderr, "%s: unit %s not declared\n",
				    assay_catalogue_id(c, i), letter);
			assert_non_null(u);
			assert_true(strlen(u->criterion) >= 20);
			assert_true((u->observation == NULL) ==
			    (u->observe == NULL));
			/* decided on every unit, reach iff not conceptual. */
			assert_non_null(u->decided);
			assert_true((u->observation != NULL) == ((u->decided_kinds &
			    (1u << ASSAY_DECIDED_OBSERVATION)) != 0));
			assert_true((u->reach == NULL) == (assay_catalogue_type(c,
			    i) == ASSAY_TC_CONCEPTUAL));
		}
		letter[0] = (char)('a' + n);
		assert_null(assay_catalogue_unit(c, i, letter));
	}
	assay_catalogue_free(c);
	assay_diag_free(d);
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

/*
 * Writes a catalogue into dir: lib/assay.lua (when lib is not NULL) and
 * each name[k].lua with src[k].
 */
static void
write_catalogue(const char *dir, const char *lib, const char *const *name,
    const char *const *src, size_t n)
{
	char path[512];
	size_t k;

	if (lib != NULL) {
		snprintf(path, sizeof(path), "%s/lib", dir);
		assert_int_equal(mkdir(path, 0700), 0);
		snprintf(path, sizeof(path), "%s/lib/assay.lua", dir);
		assert_int_equal(tu_write_file(path, lib, strlen(lib)), 0);
	}
	for (k = 0; k < n; k++) {
		snprintf(path, sizeof(path), "%s/%s.lua", dir, name[k]);
		assert_int_equal(tu_write_file(path, src[k], strlen(src[k])), 0);
	}
}

/*
 * The load shares one Lua state between files: each file still sees only
 * its own declarations, cannot change lib for the next file, cannot leave
 * a global behind, and a file that breaks a limit spends only itself.
 */
static void
test_files_isolated(void **state)
{
	static const char lib[] = "lib = { n = 1, t = { x = 1 } }\n"
	    "function lib.get() return lib.n end\n";
	static const char f1[] = "group \"5.1-1\"\n"
	    "lib.n = 2\n" OK_TC("5.1-1-1");
	static const char f2[] = "group \"5.1-2\"\n"
	    "lib.t.x = 2\n" OK_TC("5.1-2-1");
	static const char f3[] = "group \"5.1-3\"\nleak = 1\n" OK_TC("5.1-3-1");
	static const char f4[] = "group \"5.1-4\"\nwhile true do end\n";
	static const char f5[] = "group \"5.1-5\"\n"
	    "assert(leak == nil and lib.get() == 1 and lib.t.x == 1, \"leaked\")\n"
	    OK_TC("5.1-5-1");
	static const char *const names[] = { "5.1-1", "5.1-2", "5.1-3",
	    "5.1-4", "5.1-5" };
	const char *const srcs[] = { f1, f2, f3, f4, f5 };
	struct assay_diag *d = assay_diag_new();
	struct assay_catalogue *c = NULL;
	char *dir = tu_mkdtemp("cat");

	(void)state;
	write_catalogue(dir, lib, names, srcs, 5);
	assert_int_equal(assay_catalogue_load(dir, spec, &c, d),
	    ASSAY_ERR_CATALOGUE);
	assert_null(c);
	assert_true(assay_diag_find(d, "read-only") >= 0);
	assert_true(assay_diag_find(d, "undeclared global 'leak'") >= 0);
	assert_true(assay_diag_find(d, "leaked") < 0);
	/* One read-only per file that wrote, one limit for 5.1-4, no more. */
	assert_int_equal(assay_diag_count(d), 4);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

/*
 * A prepared state (run/engine.c) with some files compiled ahead: the test
 * case's run function comes out the same whether its file was compiled
 * there or is compiled now, and the prepared state keeps its memory limit
 * for what runs in it.
 */
static void
test_precompiled(void **state)
{
	static const char lib[] = "lib = { tag = 'L' }\n";
	static const char f1[] = "group \"5.1-1\"\n"
	    "testcase {\n id = \"5.1-1-1\", type = \"conceptual\",\n"
	    " ixit = { \"1-AuthMech\" }, purpose = \"p\", units = " UNITS_A ",\n"
	    " run = function() return lib.tag .. 'one' end }\n";
	static const char f2[] = "group \"5.1-5\"\n"
	    "testcase {\n id = \"5.1-5-1\", type = \"conceptual\",\n"
	    " ixit = { \"1-AuthMech\" }, purpose = \"p\", units = " UNITS_A ",\n"
	    " run = function() return lib.tag .. 'two' end }\n";
	static const char *const want[2] = { "Lone", "Ltwo" };
	static const char *const names[2] = { "5.1-1", "5.1-5" };
	const char *const srcs[2] = { f1, f2 };
	struct assay_diag *d = assay_diag_new();
	struct assay_catalogue *c = NULL;
	struct assay_sandbox *sb = NULL;
	char *dir = tu_mkdtemp("cat");
	size_t tcs[2];
	int k, pre;

	(void)state;
	write_catalogue(dir, lib, names, srcs, 2);
	assert_int_equal(assay_catalogue_load(dir, spec, &c, d), 0);
	tcs[0] = (size_t)assay_catalogue_find(c, "5.1-1-1");
	tcs[1] = (size_t)assay_catalogue_find(c, "5.1-5-1");
	/* Neither, the first only, both compiled ahead; each run in turn. */
	for (pre = 0; pre <= 2; pre++) {
		for (k = 0; k < 2; k++) {
			assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
			assert_int_equal(assay_catalogue_prepare_run(c, sb), 0);
			assert_int_equal(assay_catalogue_precompile(c, sb, tcs,
			    (size_t)pre), 0);
			assert_int_equal(assay_catalogue_push_prepared(c,
			    tcs[k], sb), 0);
			assert_int_equal(assay_sandbox_call(sb, 0, 1), 0);
			assert_string_equal(lua_tostring(assay_sandbox_state(sb),
			    -1), want[k]);
			assay_sandbox_free(sb);
			sb = NULL;
		}
	}
	/* An index past the catalogue: refused, nothing kept. */
	tcs[1] = assay_catalogue_count(c);
	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	assert_int_equal(assay_catalogue_prepare_run(c, sb), 0);
	assert_int_equal(assay_catalogue_precompile(c, sb, tcs, 2),
	    ASSAY_ERR_INVALID_ARG);
	assert_int_equal(assay_catalogue_push_prepared(c, tcs[0], sb), 0);
	assay_sandbox_free(sb);
	assay_catalogue_free(c);
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
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_bundled_units),
		cmocka_unit_test(test_all_problems_reported),
		cmocka_unit_test(test_files_isolated),
		cmocka_unit_test(test_precompiled),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
