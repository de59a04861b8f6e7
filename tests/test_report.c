/*
 * test_report.c - report.json and report.xml carry what ISO/IEC 17025
 * 7.8 asks of a test report, one test per field (docs/report.md).
 *
 * The run model is built by hand over real forms and a real catalogue
 * (tests/data/{ics,ixit,setup}-result.xml, tests/data/catalogue-result): one test case
 * with an automated unit (rule, basis, probe, sample), a unit an
 * assessor judged over Assay's verdict (overruled, both values kept) with
 * an external attachment, and one excluded test case (a deviation).  The
 * writers print it; each test reads one field back, from report.xml by
 * XPath and from report.json as text.  report.xml is validated against
 * reports/report.xsd; report.meta round-trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "base/datadir.h"
#include "base/diag.h"
#include "base/error.h"
#include "base/file.h"
#include "forms/forms.h"
#include "forms/spec.h"
#include "report/report.h"
#include "run/catalogue.h"
#include "run/evidence.h"
#include "run/model.h"
#include "run/review.h"
#include "testutil.h"

struct fixture {
	char			*dir;
	struct assay_forms	*forms;
	struct assay_catalogue	*cat;
	struct assay_run	 run;
	struct assay_judgement	 j[2];
	struct assay_attachment	 att[2];
	size_t			 tc;	/* the test case with units */
	size_t			 excluded; /* the test case the lab excluded */
	char			*json;
	xmlDocPtr		 xml;
	xmlXPathContextPtr	 ctx;
};

static struct fixture F;

/* The run model: complete, signed-ready, revision 2. */
static void
fill_meta(struct assay_report_meta *m)
{
	memset(m, 0, sizeof(*m));
	m->lab_name = "Test Lab GmbH";
	m->lab_address = "1 Lab Street, Testtown";
	m->location = "Lab room 3";
	m->customer = "Acme Devices";
	m->customer_contact = "qa@acme.example";
	m->assessor = "A. Assessor";
	m->authorised_by = "M. Manager";
	m->device_received = "2026-11-02";
	m->device_state = "factory-default";
	m->revision = 2;
	m->replaces = "ASSAY-TEST-1 revision 1";
	m->amendment = "customer address corrected";
	m->issued = "2026-11-30T09:00:00Z";
}

static int
write_reports(const struct assay_run *r, const char *dir)
{
	char path[ASSAY_PATH_MAX];
	size_t i;
	int rc;

	/* json and xml; html.c and junit.c have tests of their own. */
	for (i = 0; i < 2; i++) {
		const struct assay_report_format *f = assay_report_format(i);

		if ((rc = assay_path_join(path, sizeof(path), dir, f->file)) != 0 ||
		    (rc = assay_report_write(f, r, dir, path)) != 0)
			return rc;
	}
	return 0;
}

static int
setup(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_run *r = &F.run;
	struct assay_unit_result *u;
	char path[ASSAY_PATH_MAX], ics[ASSAY_PATH_MAX], ixit[ASSAY_PATH_MAX];
	char setupf[ASSAY_PATH_MAX], cat[ASSAY_PATH_MAX];
	size_t i, n, nt;

	(void)state;
	memset(&F, 0, sizeof(F));
	snprintf(ics, sizeof(ics), "%s", tu_src("tests/data/ics-result.xml"));
	snprintf(ixit, sizeof(ixit), "%s", tu_src("tests/data/ixit-result.xml"));
	snprintf(setupf, sizeof(setupf), "%s",
	    tu_src("tests/data/setup-result.xml"));
	snprintf(cat, sizeof(cat), "%s", tu_src("tests/data/catalogue-result"));
	if (assay_forms_load(ASSAY_SOURCE_DIR, ics, ixit, setupf, &F.forms,
	    d) != 0 || assay_catalogue_load(cat, assay_forms_spec(F.forms),
	    &F.cat, d) != 0) {
		assay_diag_print(d, stderr);
		assay_diag_free(d);
		return -1;
	}
	assay_diag_free(d);
	r->forms = F.forms;
	r->spec = assay_forms_spec(F.forms);
	r->catalogue = F.cat;
	n = assay_spec_nprovisions(r->spec);
	nt = assay_catalogue_count(F.cat);
	r->prov = calloc(n, sizeof(*r->prov));
	r->results = calloc(nt, sizeof(*r->results));
	r->selected = calloc(nt, sizeof(int));
	if (r->prov == NULL || r->results == NULL || r->selected == NULL ||
	    nt < 2)
		return -1;
	snprintf(r->report_id, sizeof(r->report_id), "ASSAY-TEST-1");
	snprintf(r->started, sizeof(r->started), "2026-11-30T08:00:00Z");
	snprintf(r->finished, sizeof(r->finished), "2026-11-30T08:10:00Z");
	r->complete = 1;
	r->jobs = 2;
	r->budget_max_connections = 8;
	r->budget_max_rate = 20;
	r->tc_timeout_ms = 300000;
	snprintf(r->ics_sha256, sizeof(r->ics_sha256), "%064d", 1);
	snprintf(r->ixit_sha256, sizeof(r->ixit_sha256), "%064d", 2);
	fill_meta(&r->meta);
	for (i = 0; i < n; i++) {
		r->prov[i].applicable = 1;
		r->prov[i].in_scope = 1;
		r->prov[i].verdict = ASSAY_VERDICT_PASS;
	}
	for (i = 0; i < nt; i++) {
		r->results[i].verdict = ASSAY_VERDICT_PASS;
		r->results[i].reason = strdup("ok");
		snprintf(r->results[i].started, sizeof(r->results[i].started),
		    "2026-11-30T08:01:00Z");
		r->selected[i] = 1;
	}
	/*
	 * The last TS 103 701 test case (the Assay-defined ones of V3.1.3
	 * come after it, unlisted without a profile) was excluded by the
	 * lab: a deviation.
	 */
	F.excluded = nt - 1;
	while (F.excluded > 0 && !assay_run_lists_testcase(r, F.excluded))
		F.excluded--;
	r->selected[F.excluded] = 0;
	r->results[F.excluded].verdict = ASSAY_VERDICT_NONE;
	free(r->results[F.excluded].reason);
	r->results[F.excluded].reason = strdup("not run: excluded by --only");
	r->results[F.excluded].started[0] = '\0';

	/* Judgements: J1 with an external attachment, J2 with an internal one. */
	F.att[0].file = "review/5.1-3-1/a/vendor-report.pdf";
	snprintf(F.att[0].sha256, sizeof(F.att[0].sha256), "%064d", 3);
	F.att[0].external = 1;
	F.att[1].file = "review/5.1-3-1/b/label.jpg";
	snprintf(F.att[1].sha256, sizeof(F.att[1].sha256), "%064d", 4);
	snprintf(F.j[0].test_case, sizeof(F.j[0].test_case), "%s",
	    assay_catalogue_id(F.cat, 0));
	snprintf(F.j[0].unit, sizeof(F.j[0].unit), "b");
	F.j[0].verdict = ASSAY_VERDICT_FAIL;
	F.j[0].rationale = "the label shows a shared default password";
	F.j[0].assessor = "A. Assessor";
	snprintf(F.j[0].at, sizeof(F.j[0].at), "2026-11-30T08:20:00Z");
	F.j[0].observation = "label-password";
	F.j[0].source = "review/worksheet-1.xml";
	F.j[0].files = F.att;
	F.j[0].nfiles = 2;
	F.j[1] = F.j[0];
	F.j[1].files = NULL;
	F.j[1].nfiles = 0;
	snprintf(F.j[1].unit, sizeof(F.j[1].unit), "c");
	F.j[1].verdict = ASSAY_VERDICT_PASS;
	F.j[1].rationale = "manual read: no telemetry";
	r->judgements = F.j;
	r->njudgements = 2;

	F.tc = 0;
	r->results[0].units = calloc(3, sizeof(*u));
	r->results[0].nunits = 3;
	r->results[0].evidence = calloc(1, sizeof(char *));
	r->results[0].evidence[0] = strdup("evidence/x/transcript.txt");
	r->results[0].nevidence = 1;
	r->results[0].verdict = ASSAY_VERDICT_FAIL;
	u = &r->results[0].units[0];
	snprintf(u->unit, sizeof(u->unit), "a");
	u->verdict = ASSAY_VERDICT_PASS;
	u->reason = strdup("62 login attempts refused after the 5th");
	u->by = ASSAY_BY_ASSAY;
	u->basis = ASSAY_BASIS_PROBE;
	u->probe = strdup("assay.net.http");
	u->sample = strdup("62 login attempts");
	u = &r->results[0].units[1];
	snprintf(u->unit, sizeof(u->unit), "b");
	u->verdict = ASSAY_VERDICT_FAIL;
	u->reason = strdup(F.j[0].rationale);
	u->by = ASSAY_BY_ASSESSOR;
	u->basis = ASSAY_BASIS_TEXT;
	u->tool_verdict = ASSAY_VERDICT_PASS;
	u->tool_reason = strdup("IXIT says unique per device");
	u->tool_by = ASSAY_BY_ASSAY;
	u->judgement = &F.j[0];
	u->overruled = 1;
	u = &r->results[0].units[2];
	snprintf(u->unit, sizeof(u->unit), "c");
	u->verdict = ASSAY_VERDICT_PASS;
	u->reason = strdup(F.j[1].rationale);
	u->by = ASSAY_BY_ASSESSOR;
	u->basis = ASSAY_BASIS_PERSON;
	u->tool_verdict = ASSAY_VERDICT_INCONCLUSIVE;
	u->tool_reason = strdup("REVIEW_PENDING: read the manual");
	u->tool_by = ASSAY_BY_ASSAY;
	u->judgement = &F.j[1];
	r->tally.applicable = n;
	r->tally.complete = 1;
	r->result = ASSAY_OVERALL_FAIL;

	if ((F.dir = tu_mkdtemp("report")) == NULL ||
	    write_reports(r, F.dir) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/report.json", F.dir);
	if ((F.json = tu_read_file(path, NULL)) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/report.xml", F.dir);
	if ((F.xml = xmlReadFile(path, NULL, XML_PARSE_NONET)) == NULL ||
	    (F.ctx = xmlXPathNewContext(F.xml)) == NULL ||
	    xmlXPathRegisterNs(F.ctx, BAD_CAST "r",
	    BAD_CAST ASSAY_REPORT_XML_NS) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	struct assay_run *r = &F.run;
	size_t i;

	(void)state;
	xmlXPathFreeContext(F.ctx);
	xmlFreeDoc(F.xml);
	free(F.json);
	if (r->results != NULL)
		for (i = 0; i < assay_catalogue_count(F.cat); i++)
			assay_result_clear(&r->results[i]);
	free(r->results);
	free(r->prov);
	free(r->selected);
	assay_catalogue_free(F.cat);
	assay_forms_free(F.forms);
	if (F.dir != NULL)
		tu_rmrf(F.dir);
	free(F.dir);
	return 0;
}

/* string(expr) over report.xml (static buffer). */
static const char *
x(const char *expr)
{
	static char buf[4096];
	xmlXPathObjectPtr o;

	buf[0] = '\0';
	if ((o = xmlXPathEvalExpression(BAD_CAST expr, F.ctx)) == NULL)
		return buf;
	if (o->type == XPATH_STRING && o->stringval != NULL)
		snprintf(buf, sizeof(buf), "%s", (const char *)o->stringval);
	else if (o->type == XPATH_NUMBER)
		snprintf(buf, sizeof(buf), "%g", o->floatval);
	else if (o->type == XPATH_BOOLEAN)
		snprintf(buf, sizeof(buf), "%s", o->boolval ? "true" : "false");
	xmlXPathFreeObject(o);
	return buf;
}

/* report.json contains this exact text (pretty-printed, "key": value). */
static void
json_has(const char *needle)
{
	if (strstr(F.json, needle) == NULL)
		fail_msg("report.json lacks %s", needle);
}

/* --- one test per field ------------------------------------------------ */

static void
test_schema_valid(void **state)
{
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaValidCtxtPtr vc;
	xmlSchemaPtr s;

	(void)state;
	assert_non_null(pc = xmlSchemaNewParserCtxt(tu_src("reports/report.xsd")));
	assert_non_null(s = xmlSchemaParse(pc));
	assert_non_null(vc = xmlSchemaNewValidCtxt(s));
	assert_int_equal(xmlSchemaValidateDoc(vc, F.xml), 0);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(s);
	xmlSchemaFreeParserCtxt(pc);
}

static void
test_report_id(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/@id)"), "ASSAY-TEST-1");
	json_has("\"report_id\": \"ASSAY-TEST-1\"");
}

static void
test_revision(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/@revision)"), "2");
	json_has("\"revision\": 2,");
}

static void
test_issue_date(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/@issued)"),
	    "2026-11-30T09:00:00Z");
	json_has("\"issued\": \"2026-11-30T09:00:00Z\"");
}

static void
test_lab_name(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:laboratory/r:name)"),
	    "Test Lab GmbH");
	json_has("\"name\": \"Test Lab GmbH\"");
}

static void
test_lab_address(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:laboratory/r:address)"),
	    "1 Lab Street, Testtown");
	json_has("\"address\": \"1 Lab Street, Testtown\"");
}

static void
test_location(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:laboratory/r:location)"),
	    "Lab room 3");
	json_has("\"location\": \"Lab room 3\"");
}

static void
test_customer(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:customer/r:name)"),
	    "Acme Devices");
	json_has("\"name\": \"Acme Devices\"");
}

static void
test_device_identity(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:device/r:manufacturer)"),
	    assay_forms_device(F.forms, "manufacturer"));
	assert_string_equal(x("string(/r:report/r:device/r:model)"),
	    assay_forms_device(F.forms, "model"));
}

static void
test_device_received(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:device/r:received)"),
	    "2026-11-02");
	json_has("\"received\": \"2026-11-02\"");
}

static void
test_device_state(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:device/r:state)"),
	    "factory-default");
	json_has("\"state\": \"factory-default\"");
}

static void
test_method(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:method)"),
	    "ETSI TS 103 701 V1.1.1");
	assert_string_equal(x("string(/r:report/r:method-limits/@assay-version)"),
	    assay_version());
	assert_string_equal(
	    x("string(/r:report/r:method-limits/@catalogue-sha256)"),
	    assay_catalogue_sha256(F.cat));
	json_has("\"assay_version\": ");
}

static void
test_unit_rule_basis_probe(void **state)
{
	char expr[256];

	(void)state;
	snprintf(expr, sizeof(expr), "string(//r:test-case[@id='%s']/"
	    "r:unit[@id='a']/@basis)", assay_catalogue_id(F.cat, F.tc));
	assert_string_equal(x(expr), "probe");
	snprintf(expr, sizeof(expr), "string(//r:test-case[@id='%s']/"
	    "r:unit[@id='a']/@probe)", assay_catalogue_id(F.cat, F.tc));
	assert_string_equal(x(expr), "assay.net.http");
	snprintf(expr, sizeof(expr), "string(//r:test-case[@id='%s']/"
	    "r:unit[@id='a']/@by)", assay_catalogue_id(F.cat, F.tc));
	assert_string_equal(x(expr), "assay");
	/* No declaration in this catalogue: said so, never invented. */
	snprintf(expr, sizeof(expr), "string(//r:test-case[@id='%s']/"
	    "r:unit[@id='a']/@rule)", assay_catalogue_id(F.cat, F.tc));
	assert_string_equal(x(expr), "rule not declared by the test case");
	json_has("\"basis\": \"probe\"");
}

static void
test_sample_size(void **state)
{
	char expr[256];

	(void)state;
	snprintf(expr, sizeof(expr), "string(//r:test-case[@id='%s']/"
	    "r:unit[@id='a']/@sample)", assay_catalogue_id(F.cat, F.tc));
	assert_string_equal(x(expr), "62 login attempts");
	json_has("\"sample\": \"62 login attempts\"");
}

static void
test_probe_limits(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:method-limits/@max-connections)"),
	    "8");
	assert_string_equal(
	    x("string(/r:report/r:method-limits/@max-rate-per-second)"), "20");
	assert_string_equal(
	    x("string(/r:report/r:method-limits/@test-case-timeout-ms)"),
	    "300000");
	json_has("\"test_case_timeout_ms\": 300000");
}

static void
test_deviations(void **state)
{
	char expr[256];

	(void)state;
	snprintf(expr, sizeof(expr), "string(/r:report/r:deviations/"
	    "r:deviation[@ref='%s']/@kind)", assay_catalogue_id(F.cat,
	    F.excluded));
	assert_string_equal(x(expr), "excluded");
	json_has("\"kind\": \"excluded\"");
}

static void
test_customer_information(void **state)
{
	char want[80];

	(void)state;
	snprintf(want, sizeof(want), "%064d", 1);
	assert_string_equal(
	    x("string(/r:report/r:customer-information/r:ics/@sha256)"), want);
	assert_string_equal(
	    x("string(/r:report/r:customer-information/r:ics/@supplied-by)"),
	    "customer");
	snprintf(want, sizeof(want), "%064d", 2);
	assert_string_equal(
	    x("string(/r:report/r:customer-information/r:ixit/@sha256)"), want);
	assert_non_null(strstr(x("string(/r:report/r:customer-information/"
	    "r:statement)"), "conceptual test units"));
	json_has("\"supplied_by\": \"customer\"");
}

static void
test_opinions(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:opinions/r:judgement[@id='J1']"
	    "/@assessor)"), "A. Assessor");
	assert_string_equal(x("string(/r:report/r:opinions/r:judgement[@id='J1']"
	    "/@at)"), "2026-11-30T08:20:00Z");
	assert_string_equal(x("string(/r:report/r:opinions/r:judgement[@id='J1']"
	    "/r:rationale)"), "the label shows a shared default password");
	assert_string_equal(x("string(/r:report/r:opinions/r:judgement[@id='J1']"
	    "/@kind)"), "opinion");
	assert_non_null(strstr(x("string(/r:report/r:opinions/r:statement)"),
	    "opinions and interpretations"));
	json_has("\"opinion\": true");
}

static void
test_external_evidence(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:external-evidence/@count)"),
	    "1");
	assert_string_equal(x("string(/r:report/r:external-evidence/r:file/"
	    "@path)"), "review/5.1-3-1/a/vendor-report.pdf");
	assert_string_equal(x("string(//r:judgement[@id='J1']/r:attachment"
	    "[@file='review/5.1-3-1/b/label.jpg']/@external)"), "false");
	assert_string_equal(x("string(//r:judgement[@id='J1']/r:attachment"
	    "[@file='review/5.1-3-1/a/vendor-report.pdf']/@external)"), "true");
	json_has("\"external\": true");
}

static void
test_decision_rule(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:decision-rule/@id)"),
	    ASSAY_DECISION_RULE_ID);
	assert_string_equal(x("string(/r:report/r:decision-rule)"),
	    assay_report_decision_rule());
}

static void
test_authorised_by(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:laboratory/r:authorised-by)"),
	    "M. Manager");
	json_has("\"authorised_by\": \"M. Manager\"");
}

static void
test_unit_decided_by_assessor(void **state)
{
	char expr[256];

	(void)state;
	snprintf(expr, sizeof(expr), "string(//r:test-case[@id='%s']/"
	    "r:unit[@id='c']/@judgement)", assay_catalogue_id(F.cat, F.tc));
	assert_string_equal(x(expr), "J2");
	snprintf(expr, sizeof(expr), "string(//r:test-case[@id='%s']/"
	    "r:unit[@id='c']/@assessor)", assay_catalogue_id(F.cat, F.tc));
	assert_string_equal(x(expr), "A. Assessor");
	snprintf(expr, sizeof(expr), "string(//r:test-case[@id='%s']/"
	    "r:unit[@id='c']/@overruled)", assay_catalogue_id(F.cat, F.tc));
	/* It was waiting for a person: judged, not overruled. */
	assert_string_equal(x(expr), "false");
}

static void
test_overruled_both_values(void **state)
{
	char expr[256];

	(void)state;
	snprintf(expr, sizeof(expr), "string(//r:test-case[@id='%s']/"
	    "r:unit[@id='b']/@verdict)", assay_catalogue_id(F.cat, F.tc));
	assert_string_equal(x(expr), "FAIL");
	snprintf(expr, sizeof(expr), "string(//r:test-case[@id='%s']/"
	    "r:unit[@id='b']/@tool-verdict)", assay_catalogue_id(F.cat, F.tc));
	assert_string_equal(x(expr), "PASS");
	snprintf(expr, sizeof(expr), "string(//r:test-case[@id='%s']/"
	    "r:unit[@id='b']/@overruled)", assay_catalogue_id(F.cat, F.tc));
	assert_string_equal(x(expr), "true");
	json_has("\"overruled\": true");
	json_has("\"reason\": \"IXIT says unique per device\"");
}

static void
test_unit_evidence(void **state)
{
	(void)state;
	/* The unit lists its test case's records and what was attached. */
	json_has("\"evidence/x/transcript.txt\"");
	json_has("\"review/5.1-3-1/b/label.jpg\"");
}

static void
test_amendment(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/r:amendment/@replaces)"),
	    "ASSAY-TEST-1 revision 1");
	assert_string_equal(x("string(/r:report/r:amendment)"),
	    "customer address corrected");
	json_has("\"replaces\": \"ASSAY-TEST-1 revision 1\"");
}

static void
test_not_draft(void **state)
{
	(void)state;
	assert_string_equal(x("string(/r:report/@draft)"), "false");
	assert_string_equal(x("count(/r:report/r:draft)"), "0");
	json_has("\"draft\": false");
}

/* A report without lab, customer and authoriser is a draft and says why. */
static void
test_draft_flag(void **state)
{
	struct assay_run r = F.run;
	char *dir, path[ASSAY_PATH_MAX], *json;
	const char *missing[3];

	(void)state;
	r.meta.lab_name = NULL;
	r.meta.customer = NULL;
	r.meta.authorised_by = NULL;
	r.draft = 1;
	assert_int_equal(assay_report_draft_missing(&r.meta, missing, 3), 3);
	assert_non_null(dir = tu_mkdtemp("report-draft"));
	assert_int_equal(write_reports(&r, dir), 0);
	snprintf(path, sizeof(path), "%s/report.json", dir);
	assert_non_null(json = tu_read_file(path, NULL));
	assert_non_null(strstr(json, "\"draft\": true"));
	assert_non_null(strstr(json, "customer (--customer)"));
	free(json);
	snprintf(path, sizeof(path), "%s/report.xml", dir);
	assert_non_null(json = tu_read_file(path, NULL));
	assert_non_null(strstr(json, "draft=\"true\""));
	assert_non_null(strstr(json, "<missing>lab name (--lab)</missing>"));
	free(json);
	tu_rmrf(dir);
	free(dir);
}

/* report.meta: what a rebuild keeps, round trip and refusals. */
static void
test_meta_roundtrip(void **state)
{
	struct assay_report_meta m, back;
	struct assay_report_meta_store st;
	struct assay_diag *d = assay_diag_new();
	char path[ASSAY_PATH_MAX];
	size_t i;
	int found;

	(void)state;
	fill_meta(&m);
	m.lab_address = "line 1\nline 2 100% sure";
	assert_int_equal(assay_report_meta_save(F.dir, &m), 0);
	assert_int_equal(assay_report_meta_load(F.dir, &back, &st, &found, d), 0);
	assert_int_equal(found, 1);
	assert_int_equal(back.revision, 2);
	for (i = 0; assay_report_meta_key(i) != NULL; i++)
		if (assay_report_meta_get(&m, assay_report_meta_key(i)) != NULL)
			assert_string_equal(assay_report_meta_get(&back,
			    assay_report_meta_key(i)), assay_report_meta_get(&m,
			    assay_report_meta_key(i)));
	/* Not kept: each issue has its own date. */
	assert_null(back.issued);
	assay_report_meta_store_free(&st);

	/* A bad date in the file is refused with its line. */
	snprintf(path, sizeof(path), "%s/report.meta", F.dir);
	assert_int_equal(tu_write_file(path, "assay-report-meta 1\n"
	    "device-received 2026-02-30\n", 47), 0);
	assert_int_equal(assay_report_meta_load(F.dir, &back, &st, &found, d),
	    ASSAY_ERR_PARSE);
	assert_true(assay_diag_count(d) > 0);
	assert_int_equal(unlink(path), 0);
	assay_diag_free(d);
}

static void
test_meta_values(void **state)
{
	struct assay_report_meta m, base;

	(void)state;
	assert_true(assay_report_date_ok("2024-02-29"));
	assert_false(assay_report_date_ok("2023-02-29"));
	assert_false(assay_report_date_ok("2026-13-01"));
	assert_false(assay_report_date_ok("26-11-01"));
	assert_true(assay_report_state_ok("initialised"));
	assert_false(assay_report_state_ok("used"));
	memset(&m, 0, sizeof(m));
	assert_int_equal(assay_report_meta_set(&m, "device-state", "used"),
	    ASSAY_ERR_PARSE);
	assert_int_equal(assay_report_meta_set(&m, "nope", "x"),
	    ASSAY_ERR_NOT_FOUND);
	/* Options given win; the rest comes from the earlier issue. */
	fill_meta(&base);
	assert_int_equal(assay_report_meta_set(&m, "customer", "New Co"), 0);
	assay_report_meta_merge(&m, &base);
	assert_string_equal(m.customer, "New Co");
	assert_string_equal(m.lab_name, "Test Lab GmbH");
	assert_int_equal(m.revision, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_valid),
		cmocka_unit_test(test_report_id),
		cmocka_unit_test(test_revision),
		cmocka_unit_test(test_issue_date),
		cmocka_unit_test(test_lab_name),
		cmocka_unit_test(test_lab_address),
		cmocka_unit_test(test_location),
		cmocka_unit_test(test_customer),
		cmocka_unit_test(test_device_identity),
		cmocka_unit_test(test_device_received),
		cmocka_unit_test(test_device_state),
		cmocka_unit_test(test_method),
		cmocka_unit_test(test_unit_rule_basis_probe),
		cmocka_unit_test(test_sample_size),
		cmocka_unit_test(test_probe_limits),
		cmocka_unit_test(test_deviations),
		cmocka_unit_test(test_customer_information),
		cmocka_unit_test(test_opinions),
		cmocka_unit_test(test_external_evidence),
		cmocka_unit_test(test_decision_rule),
		cmocka_unit_test(test_authorised_by),
		cmocka_unit_test(test_unit_decided_by_assessor),
		cmocka_unit_test(test_overruled_both_values),
		cmocka_unit_test(test_unit_evidence),
		cmocka_unit_test(test_amendment),
		cmocka_unit_test(test_not_draft),
		cmocka_unit_test(test_draft_flag),
		cmocka_unit_test(test_meta_roundtrip),
		cmocka_unit_test(test_meta_values),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
