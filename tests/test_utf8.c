/*
 * test_utf8.c - the UTF-8 sanitiser (base/utf8.h), the terminal escapes
 * (base/term.h), and where they are applied: the JSON and XML text of
 * the writers, and reasons entering a result (run/evidence.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/parser.h>

#include "base/diag.h"
#include "base/error.h"
#include "base/json.h"
#include "base/term.h"
#include "base/utf8.h"
#include "report/report.h"
#include "run/evidence.h"
#include "testutil.h"

#define FFFD	ASSAY_UTF8_REPLACEMENT_STR

/* Hostile bytes as libssh passes them on from a banner. */
static const char overlong[] = "a\xc0\xaf" "b\xe0\x80\xaf" "c\xf0\x80\x80\xaf";
static const char surrogate[] = "x\xed\xa0\x80y\xed\xbf\xbfz";
static const char above[] = "p\xf4\x90\x80\x80q\xf5\x80\x80\x80r\xff";
static const char truncated[] = "s\xe2\x82t\xf0\x9f\x98u\xc3";

static char *
clean(const char *s, int flags)
{
	char *c = assay_utf8_clean(s, strlen(s), flags);

	assert_non_null(c);
	assert_true(assay_utf8_valid(c, strlen(c)));
	return c;
}

static void
test_decode(void **state)
{
	const unsigned char *p;
	uint32_t cp;

	(void)state;
	p = (const unsigned char *)"\xe2\x80\xae";
	assert_int_equal(assay_utf8_next(p, 3, &cp), 3);
	assert_int_equal(cp, 0x202e);
	p = (const unsigned char *)"\xf4\x8f\xbf\xbf";
	assert_int_equal(assay_utf8_next(p, 4, &cp), 4);
	assert_int_equal(cp, 0x10ffff);
	/* Maximal subparts: a truncated 4-byte sequence is one unit. */
	p = (const unsigned char *)"\xf0\x9f\x98u";
	assert_int_equal(assay_utf8_next(p, 4, &cp), 3);
	assert_int_equal(cp, ASSAY_UTF8_BAD);
	/* Overlong, surrogate, above U+10FFFF: bad from the second byte. */
	assert_int_equal(assay_utf8_next((const unsigned char *)"\xe0\x80\xaf",
	    3, &cp), 1);
	assert_int_equal(cp, ASSAY_UTF8_BAD);
	assert_int_equal(assay_utf8_next((const unsigned char *)"\xed\xa0\x80",
	    3, &cp), 1);
	assert_int_equal(cp, ASSAY_UTF8_BAD);
	assert_int_equal(assay_utf8_next((const unsigned char *)"\xf4\x90\x80\x80",
	    4, &cp), 1);
	assert_int_equal(cp, ASSAY_UTF8_BAD);
	/* Never reads past n. */
	assert_int_equal(assay_utf8_next((const unsigned char *)"\xe2\x80\xae",
	    2, &cp), 2);
	assert_int_equal(cp, ASSAY_UTF8_BAD);
	assert_true(assay_utf8_valid("caf\xc3\xa9 \xe2\x80\xae", 9));
	assert_false(assay_utf8_valid(overlong, strlen(overlong)));
	assert_false(assay_utf8_valid(surrogate, strlen(surrogate)));
	assert_false(assay_utf8_valid(above, strlen(above)));
	assert_false(assay_utf8_valid(truncated, strlen(truncated)));
	assert_false(assay_utf8_valid("a\0b", 3));
}

static void
test_clean(void **state)
{
	char *c;

	(void)state;
	c = clean(overlong, 0);
	assert_string_equal(c, "a" FFFD FFFD "b" FFFD FFFD FFFD "c" FFFD FFFD
	    FFFD FFFD);
	free(c);
	c = clean(surrogate, 0);
	assert_string_equal(c, "x" FFFD FFFD FFFD "y" FFFD FFFD FFFD "z");
	free(c);
	c = clean(above, 0);
	assert_string_equal(c, "p" FFFD FFFD FFFD FFFD "q" FFFD FFFD FFFD FFFD
	    "r" FFFD);
	free(c);
	c = clean(truncated, 0);
	assert_string_equal(c, "s" FFFD "t" FFFD "u" FFFD);
	free(c);
	/* Valid text, controls included, is kept as it is without the flag. */
	c = clean("caf\xc3\xa9\x1b[2J\r\n\xe2\x80\xae", 0);
	assert_string_equal(c, "caf\xc3\xa9\x1b[2J\r\n\xe2\x80\xae");
	free(c);
	/* XML 1.0: C0 but tab/LF/CR, U+FFFE, U+FFFF are not characters. */
	c = clean("a\x01\tb\x1b" "c\r\n\xef\xbf\xbe\xef\xbf\xbf\xc2\x85", 
	    ASSAY_UTF8_XML);
	assert_string_equal(c, "a" FFFD "\tb" FFFD "c\r\n" FFFD FFFD "\xc2\x85");
	free(c);
}

static void
test_fix(void **state)
{
	char *s = strdup("ok \xe2\x80\xae");
	char *keep = s;

	(void)state;
	assert_int_equal(assay_utf8_fix(&s), 0);
	assert_ptr_equal(s, keep);	/* valid: left alone */
	free(s);
	s = strdup(above);
	assert_int_equal(assay_utf8_fix(&s), 0);
	assert_true(assay_utf8_valid(s, strlen(s)));
	free(s);
	s = NULL;
	assert_int_equal(assay_utf8_fix(&s), 0);
}

static void
test_term(void **state)
{
	char buf[ASSAY_TERM_ESC_MAX], small[12];
	const char *e;
	size_t i;

	(void)state;
	e = assay_term_esc(buf, sizeof(buf),
	    "SSH-2.0-x\x1b]0;pwned\x07\x1b[2J\x1b[31mred\r\n\xc2\x9b" "1m"
	    "\xe2\x80\xae" "gpj.exe\xe2\x81\xa6\xc0\xaf\\");
	assert_string_equal(e, "SSH-2.0-x\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mred"
	    "\\r\\n\\u009b1m\\u202egpj.exe\\u2066\\xc0\\xaf\\");
	/* No raw control byte is left, whatever the input. */
	for (i = 0; e[i] != '\0'; i++)
		assert_true((unsigned char)e[i] >= 0x20 &&
		    (unsigned char)e[i] != 0x7f);
	/* Cut at a character boundary, marked. */
	e = assay_term_esc(small, sizeof(small), "abcdef\xc3\xa9\xc3\xa9xyz");
	assert_string_equal(e, "abcdef\xc3\xa9...");
	e = assay_term_esc(small, sizeof(small), NULL);
	assert_string_equal(e, "");
	/* Valid non-ASCII text is printed as it is. */
	e = assay_term_esc(buf, sizeof(buf), "Kamera \xc3\xa9t\xc3\xa9 \xe2\x82\xac");
	assert_string_equal(e, "Kamera \xc3\xa9t\xc3\xa9 \xe2\x82\xac");
}

static char *
json_of(const char *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	assert_non_null(fp);
	assay_json_escape(fp, s, strlen(s));
	fclose(fp);
	return out;
}

static void
test_json(void **state)
{
	char *j;

	(void)state;
	j = json_of(surrogate);
	assert_string_equal(j, "x\\ufffd\\ufffd\\ufffdy\\ufffd\\ufffd\\ufffdz");
	free(j);
	/* Bidi and C1 are escaped, so the raw file shows them. */
	j = json_of("a\xe2\x80\xae" "b\xc2\x85" "c\x1b\xe2\x80\xa8");
	assert_string_equal(j, "a\\u202eb\\u0085c\\u001b\\u2028");
	free(j);
}

/* Parses <r a="s">s</r> with libxml2: 1 when well-formed. */
static int
xml_parses(const char *s)
{
	char *doc = NULL;
	xmlDocPtr d;
	int ok;

	assert_true(asprintf(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<r a=\"%s\">%s</r>", s, s) > 0);
	d = xmlReadMemory(doc, (int)strlen(doc), "t.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	ok = d != NULL;
	xmlFreeDoc(d);
	free(doc);
	return ok;
}

static void
test_xml_text(void **state)
{
	const struct assay_mask zero = { NULL, NULL };
	const char *const hostile[] = { overlong, surrogate, above, truncated,
	    "\x1b]0;t\x07\x01\x7f", "\xef\xbf\xbe\xef\xbf\xbf" };
	char *c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		assert_false(xml_parses(hostile[i]));
		c = assay_report_xml_text(&zero, hostile[i]);
		assert_non_null(c);
		assert_true(xml_parses(c));
		free(c);
	}
	/* Bidi overrides and C1 controls become a visible marker. */
	c = assay_report_xml_text(&zero, "admin\xe2\x80\xae" "txt.exe\xc2\x9b");
	assert_string_equal(c, "admin[U+202E]txt.exe[U+009B]");
	free(c);
}

/* Reasons entering a result, and read back from result.txt. */
static void
test_evidence_reasons(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_evidence *ev = NULL;
	struct assay_evidence_tc *tc = NULL;
	struct assay_result res, back;
	struct assay_run_info in = { { "catalogue_sha256" }, { "c" }, 1 };
	char *dir = tu_mkdtemp("utf8"), out[512];

	(void)state;
	snprintf(out, sizeof(out), "%s/run", dir);
	assert_int_equal(assay_evidence_open(out, 0, &in, NULL, 0, &ev, d), 0);
	assert_int_equal(assay_evidence_tc_begin(ev, "5.5-1-2", &tc), 0);
	memset(&res, 0, sizeof(res));
	res.verdict = ASSAY_VERDICT_FAIL;
	res.reason = strdup(surrogate);
	assert_int_equal(assay_result_add_unit(&res, "a", ASSAY_VERDICT_FAIL,
	    above), 0);
	assert_true(assay_utf8_valid(res.units[0].reason,
	    strlen(res.units[0].reason)));
	assert_int_equal(assay_evidence_tc_end(tc, &res), 0);
	assert_string_equal(res.reason, "x" FFFD FFFD FFFD "y" FFFD FFFD FFFD "z");
	assert_int_equal(assay_evidence_done(ev, "5.5-1-2", &back), 1);
	assert_string_equal(back.reason, res.reason);
	assert_string_equal(back.units[0].reason, res.units[0].reason);
	assay_result_clear(&back);
	assay_result_clear(&res);
	assay_evidence_free(ev);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_fix),
		cmocka_unit_test(test_term),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_xml_text),
		cmocka_unit_test(test_evidence_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
