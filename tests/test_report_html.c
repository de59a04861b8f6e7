/*
 * test_report_html.c - report.html from a run model built here, with what
 * a demo run cannot show yet: units an assessor judged (one overruling
 * Assay, with an external attachment), a unit waiting for a person,
 * samples and probes, a second revision, every ISO/IEC 17025 7.8 field,
 * and hostile strings in the fields a writer prints (markup, a quote and
 * "</style>" in the report id that goes into the style sheet, U+202E).
 * tests/e2e_html.sh renders real runs in a browser; this checks the
 * markup.  With ASSAY_HTML_KEEP=DIR the page is also written to
 * DIR/model.html and DIR/model-draft.html, to print and look at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "run/catalogue.h"
#include "run/review.h"
#include "base/diag.h"
#include "forms/forms.h"
#include "forms/spec.h"
#include "report/report.h"
#include "testutil.h"

#define HOSTILE	"<script>alert(1)</script>"

struct fixture {
	struct assay_forms	*forms;
	struct assay_catalogue	*cat;
	struct assay_run	 run;
	struct assay_judgement	 j[2];
	struct assay_attachment	 files[2];
	size_t			 ntc;
	char			*dir;	/* the run directory, for evidence */
};

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	assert_non_null(p);
	return p;
}

static struct assay_unit_result *
units(struct assay_result *t, size_t n)
{
	assert_non_null(t->units = calloc(n, sizeof(*t->units)));
	t->nunits = n;
	return t->units;
}

static size_t
tc(struct fixture *f, const char *id)
{
	long i = assay_catalogue_find(f->cat, id);

	assert_true(i >= 0);
	f->run.selected[i] = 1;
	return (size_t)i;
}

static int
setup(void **state)
{
	struct fixture *f;
	struct assay_diag *d;
	struct assay_run *r;
	struct assay_result *t;
	struct assay_unit_result *u;
	const struct assay_spec *s;
	size_t i, np;
	long p;
	char ics[4096], ixit[4096], set[4096];

	assert_non_null(f = calloc(1, sizeof(*f)));
	assert_non_null(d = assay_diag_new());
	snprintf(ics, sizeof(ics), "%s", tu_src("ics/examples/smart-camera.xml"));
	snprintf(ixit, sizeof(ixit), "%s", tu_src("ixit/examples/smart-camera.xml"));
	snprintf(set, sizeof(set), "%s", tu_src("setup/examples/smart-camera.xml"));
	assert_int_equal(assay_forms_load(ASSAY_SOURCE_DIR, ics, ixit, set,
	    &f->forms, d), 0);
	s = assay_forms_spec(f->forms);
	assert_int_equal(assay_catalogue_load(tu_src("testcases"), s, &f->cat,
	    d), 0);
	assay_diag_free(d);
	assert_non_null(f->dir = tu_mkdtemp("html"));
	snprintf(ics, sizeof(ics), "mkdir -p %s/evidence/5.1-1-1 && printf "
	    "'Server: <script>x</script>\\n' >%s/evidence/5.1-1-1/transcript.txt",
	    f->dir, f->dir);
	assert_int_equal(tu_run(ics, NULL), 0);

	r = &f->run;
	r->forms = f->forms;
	r->spec = s;
	r->catalogue = f->cat;
	/* The report id goes into the style sheet too (the page footer). */
	snprintf(r->report_id, sizeof(r->report_id), "R-1\"}</style>%s",
	    HOSTILE);
	snprintf(r->started, sizeof(r->started), "2026-11-30T08:00:00Z");
	snprintf(r->finished, sizeof(r->finished), "2026-11-30T08:01:00Z");
	r->complete = 1;
	r->meta.lab_name = "Lab " HOSTILE " & Co";
	r->meta.lab_address = "Hafenstrasse 1, Hamburg";
	r->meta.location = "Room 3 \xe2\x80\xae" "evil";
	r->meta.customer = "Customer Ltd";
	r->meta.customer_contact = "qa@example.org";
	r->meta.assessor = "A. Assessor";
	r->meta.authorised_by = "Dr. B. Head";
	r->meta.device_received = "2026-11-02";
	r->meta.device_state = "factory-default";
	r->meta.revision = 2;
	r->meta.replaces = "R-1 revision 1";
	r->meta.amendment = "unit 5.1-1-1 a judged by the assessor";
	r->meta.issued = "2026-11-30T09:00:00Z";
	r->budget_max_connections = 7;
	r->budget_max_rate = 13;
	r->tc_timeout_ms = 120000;
	snprintf(r->ics_sha256, sizeof(r->ics_sha256), "%064d", 1);
	snprintf(r->ixit_sha256, sizeof(r->ixit_sha256), "%064d", 2);

	f->ntc = assay_catalogue_count(f->cat);
	assert_non_null(r->results = calloc(f->ntc, sizeof(*r->results)));
	assert_non_null(r->selected = calloc(f->ntc, sizeof(*r->selected)));
	for (i = 0; i < f->ntc; i++)
		r->results[i].reason = xstrdup("not run: excluded by --only");
	np = assay_spec_nprovisions(s);
	assert_non_null(r->prov = calloc(np, sizeof(*r->prov)));
	for (i = 0; i < np; i++) {
		r->prov[i].applicable = 1;
		r->prov[i].in_scope = 1;
		r->prov[i].reason = xstrdup("no test case ran");
	}
	assert_true((p = assay_spec_provision_find(s, "5.1-1")) >= 0);
	r->prov[p].verdict = ASSAY_VERDICT_PASS;
	r->prov[p].ntc = 2;
	assert_true((p = assay_spec_provision_find(s, "5.1-4")) >= 0);
	r->prov[p].verdict = ASSAY_VERDICT_FAIL;
	r->prov[p].has_fail = 1;
	r->prov[p].ntc = 2;
	assert_true((p = assay_spec_provision_find(s, "5.1-3")) >= 0);
	r->prov[p].verdict = ASSAY_VERDICT_FAIL;
	r->prov[p].has_fail = 1;
	r->prov[p].ics_decided = 1;
	free(r->prov[p].reason);
	r->prov[p].reason = xstrdup("ICS_DECLARED_NOT_SUPPORTED: NO-CRYPTO");

	/* Judgements: one overrules Assay's FAIL, one answers a manual step. */
	f->files[0].file = xstrdup("review/5.1-1-1/a/label.jpg");
	snprintf(f->files[0].sha256, sizeof(f->files[0].sha256), "%064d", 3);
	f->files[1].file = xstrdup("review/5.1-1-1/a/vendor-audit.pdf");
	snprintf(f->files[1].sha256, sizeof(f->files[1].sha256), "%064d", 4);
	f->files[1].external = 1;
	snprintf(f->j[0].test_case, sizeof(f->j[0].test_case), "5.1-1-1");
	snprintf(f->j[0].unit, sizeof(f->j[0].unit), "a");
	f->j[0].verdict = ASSAY_VERDICT_PASS;
	f->j[0].rationale = xstrdup("the label shows a per-device password "
	    "</style>" HOSTILE);
	f->j[0].assessor = xstrdup("A. Assessor");
	snprintf(f->j[0].at, sizeof(f->j[0].at), "2026-11-30T08:30:00Z");
	f->j[0].observation = xstrdup("label-password");
	f->j[0].files = f->files;
	f->j[0].nfiles = 2;
	snprintf(f->j[1].test_case, sizeof(f->j[1].test_case), "5.1-4-2");
	snprintf(f->j[1].unit, sizeof(f->j[1].unit), "a");
	f->j[1].verdict = ASSAY_VERDICT_FAIL;
	f->j[1].rationale = xstrdup("the old password still works");
	f->j[1].assessor = xstrdup("C. Second");
	snprintf(f->j[1].at, sizeof(f->j[1].at), "2026-11-30T08:40:00Z");
	r->judgements = f->j;
	r->njudgements = 2;

	/* 5.1-1-1: a judged (overruled FAIL), b decided by a probe. */
	t = &r->results[tc(f, "5.1-1-1")];
	t->verdict = ASSAY_VERDICT_PASS;
	assert_non_null(t->evidence = calloc(1, sizeof(*t->evidence)));
	t->evidence[0] = xstrdup("evidence/5.1-1-1/transcript.txt");
	t->nevidence = 1;
	u = units(t, 2);
	snprintf(u[0].unit, sizeof(u[0].unit), "a");
	u[0].verdict = ASSAY_VERDICT_PASS;
	u[0].reason = xstrdup(f->j[0].rationale);
	u[0].by = ASSAY_BY_ASSESSOR;
	u[0].basis = ASSAY_BASIS_TEXT;
	u[0].tool_verdict = ASSAY_VERDICT_FAIL;
	u[0].tool_reason = xstrdup("TOOL-REASON shared password declared");
	u[0].tool_by = ASSAY_BY_ASSAY;
	u[0].judgement = &f->j[0];
	u[0].overruled = 1;
	snprintf(u[1].unit, sizeof(u[1].unit), "b");
	u[1].verdict = ASSAY_VERDICT_PASS;
	u[1].reason = xstrdup("each login attempt refused");
	u[1].by = ASSAY_BY_ASSAY;
	u[1].basis = ASSAY_BASIS_PROBE;
	u[1].probe = xstrdup("assay.net.http.login");
	u[1].sample = xstrdup("12 login attempts");
	/* 5.1-4-2: a judged (was waiting for a person), b still waiting. */
	t = &r->results[tc(f, "5.1-4-2")];
	t->verdict = ASSAY_VERDICT_FAIL;
	u = units(t, 2);
	snprintf(u[0].unit, sizeof(u[0].unit), "a");
	u[0].verdict = ASSAY_VERDICT_FAIL;
	u[0].reason = xstrdup(f->j[1].rationale);
	u[0].by = ASSAY_BY_ASSESSOR;
	u[0].basis = ASSAY_BASIS_PERSON;
	u[0].tool_verdict = ASSAY_VERDICT_INCONCLUSIVE;
	u[0].tool_reason = xstrdup("MANUAL_STEP_PENDING: change the password");
	u[0].judgement = &f->j[1];
	snprintf(u[1].unit, sizeof(u[1].unit), "b");
	u[1].verdict = ASSAY_VERDICT_INCONCLUSIVE;
	u[1].reason = xstrdup("MANUAL_STEP_PENDING: PENDING-B");
	u[1].basis = ASSAY_BASIS_PERSON;
	/* The first repeats its units (not printed again), the second not. */
	t = &r->results[tc(f, "5.1-1-1")];
	free(t->reason);
	assert_int_equal(asprintf(&t->reason, "unit a: %s | unit b: %s",
	    t->units[0].reason, t->units[1].reason) > 0, 1);
	t = &r->results[tc(f, "5.1-4-2")];
	free(t->reason);
	t->reason = xstrdup("unit a: the old password still works; TC-OWN");
	r->units_pending = 1;
	r->units_text = 0;
	r->verdict = ASSAY_VERDICT_FAIL;
	r->tally.applicable = np;
	r->tally.assessed = 1;
	r->tally.pass = 1;
	r->tally.not_assessed = np - 1;
	r->prov_counts[ASSAY_VERDICT_PASS] = 1;
	r->prov_counts[ASSAY_VERDICT_NONE] = np - 1;
	r->tc_counts[ASSAY_VERDICT_PASS] = 1;
	r->tc_counts[ASSAY_VERDICT_FAIL] = 1;
	r->result = ASSAY_OVERALL_FAIL;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct assay_run *r = &f->run;
	size_t i, k;

	for (i = 0; i < f->ntc; i++) {
		for (k = 0; k < r->results[i].nunits; k++) {
			free(r->results[i].units[k].reason);
			free(r->results[i].units[k].tool_reason);
			free(r->results[i].units[k].probe);
			free(r->results[i].units[k].sample);
		}
		free(r->results[i].units);
		free(r->results[i].reason);
		for (k = 0; k < r->results[i].nevidence; k++)
			free(r->results[i].evidence[k]);
		free(r->results[i].evidence);
	}
	for (i = 0; i < assay_spec_nprovisions(r->spec); i++)
		free(r->prov[i].reason);
	for (i = 0; i < 2; i++) {
		free(f->j[i].rationale);
		free(f->j[i].assessor);
		free(f->j[i].observation);
		free(f->files[i].file);
	}
	free(r->results);
	free(r->selected);
	free(r->prov);
	assay_catalogue_free(f->cat);
	assay_forms_free(f->forms);
	tu_rmrf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/*
 * report.html of the fixture's model (malloc'd); kept as
 * $ASSAY_HTML_KEEP/name.html when name is not NULL.
 */
static char *
render(struct fixture *f, const char *name)
{
	char *buf = NULL, path[4096];
	const char *keep;
	size_t len = 0;
	FILE *fp;

	assert_non_null(fp = open_memstream(&buf, &len));
	assert_int_equal(assay_report_html(&f->run, f->dir, fp), 0);
	assert_int_equal(fclose(fp), 0);
	if (name != NULL && (keep = getenv("ASSAY_HTML_KEEP")) != NULL) {
		snprintf(path, sizeof(path), "%s/%s.html", keep, name);
		tu_write_file(path, buf, len);
	}
	return buf;
}

static void
has(const char *html, const char *want)
{
	if (strstr(html, want) == NULL)
		fail_msg("report.html lacks \"%s\"", want);
}

static size_t
count(const char *html, const char *s)
{
	size_t n = 0;

	while ((html = strstr(html, s)) != NULL) {
		n++;
		html += strlen(s);
	}
	return n;
}

/* Every 7.8 field of the model is printed, each where a reader looks. */
static void
test_fields(void **state)
{
	struct fixture *f = *state;
	char *html = render(f, NULL);

	has(html, "<tr id=\"report-id\"><th>Report</th><td>R-1&quot;}&lt;/style&gt;");
	has(html, ", revision 2</td>");
	has(html, "<tr id=\"replaces\"><th>Replaces</th><td>R-1 revision 1</td>");
	has(html, "<tr id=\"amendment\"><th>What changed</th><td>unit 5.1-1-1 a "
	    "judged by the assessor</td>");
	has(html, "<tr id=\"issued\"><th>Issue date</th><td>2026-11-30T09:00:00Z");
	has(html, "<tr id=\"lab\"><th>Laboratory</th><td>Lab &lt;script&gt;");
	has(html, "<tr id=\"lab-address\"><th>Laboratory address</th><td>"
	    "Hafenstrasse 1, Hamburg</td>");
	has(html, "<tr id=\"location\"><th>Location of testing</th><td>Room 3 "
	    "<mark class=\"ctl\">[U+202E]</mark>evil</td>");
	has(html, "<tr id=\"customer\"><th>Customer</th><td>Customer Ltd, "
	    "qa@example.org</td>");
	has(html, "<tr id=\"received\"><th>Date of receipt</th><td>2026-11-02</td>");
	has(html, "<tr id=\"state\"><th>State when tested</th><td>factory "
	    "default state</td>");
	has(html, "<tr id=\"assessor\"><th>Assessor</th><td>A. Assessor</td>");
	has(html, "<tr id=\"authorised\"><th>Authorised by</th><td>Dr. B. Head</td>");
	has(html, "ETSI TS 103 701 V1.1.1");
	has(html, "test cases as implemented by Assay ");
	has(html, assay_catalogue_sha256(f->cat));
	has(html, "at most 7 connections at a time and 13 new connections per "
	    "second to the device; each test case stopped after 120 s");
	has(html, "<tr id=\"samples\"><th>Sample sizes</th><td>5.1-1-1 unit b: "
	    "12 login attempts</td>");
	has(html, f->run.ics_sha256);
	has(html, f->run.ixit_sha256);
	has(html, "The results of conceptual test cases rest on this information");
	has(html, "<tr id=\"decision-rule\"><th>Decision rule</th><td>"
	    ASSAY_DECISION_RULE_ID ": ");
	has(html, "id=\"deviations\"");
	has(html, "page \" counter(page) \" of \" counter(pages)");
	has(html, "<p class=\"end\" id=\"end-of-report\">End of report");
	/* The cover. */
	has(html, "<br>tested by <b>Lab &lt;script&gt;alert(1)&lt;/script&gt; "
	    "&amp; Co</b> for <b>Customer Ltd</b></div>");
	has(html, "<div class=\"banner fail\" id=\"result\">FAIL</div>");
	has(html, "assessed <b>1</b> of <b>");
	has(html, "1 test unit still waits for an assessor's judgement");
	/* What failed, linked to the provision; an ICS decision says so. */
	has(html, "<tr><td><a href=\"#p-5.1-3\">5.1-3</a></td><td>M</td>");
	has(html, "<tr><td><a href=\"#p-5.1-4\">5.1-4</a></td><td>M C (8)</td>");
	has(html, "<b>Decided before any test ran</b> (declared in the ICS): "
	    "ICS_DECLARED_NOT_SUPPORTED: NO-CRYPTO");
	/* Issued: DRAFT nowhere. */
	assert_null(strstr(html, "DRAFT"));
	free(html);
}

/* Who decided each unit, and an assessor's judgement marked as such. */
static void
test_units(void **state)
{
	struct fixture *f = *state;
	char *html;
	const char *p, *q;

	html = render(f, "model");
	/* The overruled unit shows both values and the judgement. */
	assert_non_null(p = strstr(html, "<div class=\"tc\" id=\"tc-5.1-1-1\">"));
	assert_non_null(q = strstr(p, "</table>"));
	has(p, "<span class=\"v pass\">PASS</span><br><span class=\"was\">"
	    "Assay: FAIL</span>");
	has(p, "<span class=\"tag\">opinion and interpretation</span> of "
	    "assessor <b>A. Assessor</b>, 2026-11-30T08:30:00Z");
	has(p, "<b>overrules</b> Assay's <span class=\"v fail\">FAIL</span>");
	has(p, "TOOL-REASON shared password declared");
	has(p, "observation: label-password");
	has(p, "<li>attachment <code>review/5.1-1-1/a/label.jpg</code> SHA-256 "
	    "<code class=\"hash\">000000000000000000000000000000000000000000000"
	    "0000000000000000003</code></li>");
	has(p, "<li>attachment <code>review/5.1-1-1/a/vendor-audit.pdf</code> "
	    "<span class=\"tag ext\">external evidence (TS 103 701 4.7)</span> "
	    "SHA-256 <code class=\"hash\">00000000000000000000000000000000000000"
	    "00000000000000000000000004</code></li>");
	has(p, "<span class=\"was\">Assay's reason overruled: TOOL-REASON");
	/* The label.jpg attachment is not external. */
	assert_true(strstr(p, "label.jpg") < strstr(p, "external evidence"));
	assert_true(count(p, "external evidence (TS 103 701 4.7)") >= 1);
	/* The automated unit: rule basis, probe, sample. */
	has(p, "Assay<br>basis: what the device did (probe)<br>probe: "
	    "assay.net.http.login<br>sample: 12 login attempts");
	assert_true(strstr(p, "12 login attempts") < q);

	/* A reason that only repeats the units is not printed twice. */
	assert_true(strstr(p, "unit a: ") == NULL || strstr(p, "unit a: ") >
	    strstr(p, "</div>"));

	/* A judgement of a unit that waited: "before", not "overrules". */
	assert_non_null(p = strstr(html, "id=\"tc-5.1-4-2\""));
	has(p, "<br>unit a: the old password still works; TC-OWN</p>");
	has(p, "of assessor <b>C. Second</b>");
	has(p, "<span class=\"was\">before:</span> Assay's <span class=\"v "
	    "inc\">INCONCLUSIVE</span>");
	has(p, "Assay's reason before: MANUAL_STEP_PENDING: change");
	assert_true(strstr(p, "overrules") == NULL ||
	    strstr(p, "overrules") > strstr(p, "</details>"));
	has(p, "PENDING-B</td><td>not decided yet: waits for an assessor</td>");

	/* Section 4 lists both judgements. */
	assert_non_null(p = strstr(html, "id=\"opinions\""));
	has(p, "5.1-1-1 a</td>");
	has(p, "5.1-4-2 a</td>");
	assert_null(strstr(html, "id=\"no-opinions\""));
	free(html);
}

/*
 * Hostile strings never become markup, and the one string in the style
 * sheet cannot end it; provisions: mandatory first, each a closed
 * <details>; nothing external, no script.
 */
static void
test_structure(void **state)
{
	struct fixture *f = *state;
	const struct assay_spec *s = f->run.spec;
	char *html = render(f, NULL), want[64];
	const char *p, *last_m = NULL, *first_r = NULL;
	size_t i, np = assay_spec_nprovisions(s);

	assert_null(strstr(html, "<script"));
	assert_int_equal(count(html, "</style>"), 1);
	assert_int_equal(count(html, "<style>"), 1);
	/* In the sheet, the report id is CSS-escaped: no quote, no '<'. */
	has(html, "@bottom-left{content:\"R-1\\22 \\7d \\3c \\2f style\\3e "
	    "\\3c script\\3e alert\\28 1\\29 \\3c \\2f script\\3e  "
	    "revision 2\"");
	has(html, "&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_null(strstr(html, "src="));
	/* Links only within the page. */
	for (p = html; (p = strstr(p, "href=")) != NULL; p++)
		assert_true(strncmp(p, "href=\"#", 7) == 0);
	assert_null(strstr(html, "url("));
	assert_null(strstr(html, "@import"));
	assert_null(strstr(html, "<details open"));
	assert_int_equal(count(html, "<details id=\"p-"), np);
	/* Evidence excerpts: escaped, in a <details> of their own. */
	has(html, "<details class=\"evd\"><summary>evidence <code>evidence/"
	    "5.1-1-1/transcript.txt</code></summary>\n<pre class=\"ev\">"
	    "Server: &lt;script&gt;x&lt;/script&gt;\n</pre>");
	/* Printed open (Chromium's ::details-content). */
	has(html, "details::details-content{content-visibility:visible");
	for (i = 0; i < np; i++) {
		snprintf(want, sizeof(want), "<details id=\"p-%s\">",
		    assay_spec_provision_id(s, i));
		assert_non_null(p = strstr(html, want));
		if (assay_spec_provision_mandatory(s, i)) {
			if (last_m == NULL || p > last_m)
				last_m = p;
		} else if (first_r == NULL || p < first_r)
			first_r = p;
	}
	assert_non_null(last_m);
	assert_non_null(first_r);
	assert_true(last_m < first_r);
	/* Every test case of the catalogue inside its provision. */
	for (i = 0; i < f->ntc; i++) {
		snprintf(want, sizeof(want), "id=\"tc-%s\"",
		    assay_catalogue_id(f->cat, i));
		has(html, want);
	}
	free(html);
}

/* A draft says so on screen and on every printed page. */
static void
test_draft(void **state)
{
	struct fixture *f = *state;
	char *html;

	f->run.draft = 1;
	f->run.meta.authorised_by = NULL;
	html = render(f, "model-draft");
	f->run.draft = 0;
	f->run.meta.authorised_by = "Dr. B. Head";
	has(html, "<title>DRAFT test report ");
	has(html, "@top-center{content:\"DRAFT ");
	has(html, "<div class=\"draftmark\" aria-hidden=\"true\">DRAFT</div>");
	has(html, "id=\"draft\">DRAFT: the laboratory, the customer or who "
	    "authorises the report is not stated.");
	has(html, "<tr id=\"authorised\"><th>Authorised by</th><td>(not stated: "
	    "DRAFT)</td>");
	has(html, "revision 2 (DRAFT)</p>");
	free(html);
}

/* A first issue names no predecessor; nothing judged says so. */
static void
test_first_issue(void **state)
{
	struct fixture *f = *state;
	struct assay_run *r = &f->run;
	char *html;
	size_t i, k;

	r->meta.revision = 0;	/* not set: the first issue */
	r->meta.replaces = NULL;
	r->meta.amendment = NULL;
	r->meta.issued = NULL;
	for (i = 0; i < f->ntc; i++)
		for (k = 0; k < r->results[i].nunits; k++)
			r->results[i].units[k].by = ASSAY_BY_ASSAY;
	html = render(f, NULL);
	assert_null(strstr(html, "id=\"replaces\""));
	assert_null(strstr(html, "id=\"amendment\""));
	has(html, ", revision 1</td>");
	has(html, "<tr id=\"issued\"><th>Issue date</th><td>2026-11-30T08:01:00Z");
	has(html, "<p id=\"no-opinions\">");
	free(html);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_structure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draft, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_issue, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
