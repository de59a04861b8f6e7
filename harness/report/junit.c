/*
 * junit.c - junit.xml, so a manufacturer's CI shows the result
 * natively: one <testcase> per TS 103 701 test case, grouped in one
 * <testsuite> per test group.  FAIL -> <failure>, INCONCLUSIVE and ERROR
 * -> <error>, NOT APPLICABLE, NOT FULFILLED and not run -> <skipped>.
 * A first suite, "overall", carries the overall result, the scope and
 * the decision rule as properties, one testcase per provision (a FAIL
 * the ICS declares is a <failure> too) and one for the overall result:
 * <failure> when FAIL, <error> when INCOMPLETE, so no CI shows green for
 * a run that is not a complete PASS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "run/catalogue.h"
#include "base/error.h"
#include "report/report.h"
#include "forms/spec.h"

/* xmlTextWriter escapes markup; the caller's strings were cleaned of
 * invalid UTF-8 by report.c's rules, repeated here for independence. */
static char *
clean(const struct assay_mask *m, const char *s0)
{
	char *s = assay_mask_apply(m, s0 ? s0 : "");
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p), i, o = 0;
	char *out;

	if (s == NULL || (out = malloc(len * 3 + 1)) == NULL) {
		assay_report_note_error(ASSAY_ERR_ALLOC);
		free(s);
		return NULL;
	}
	for (i = 0; i < len; i++) {
		if (p[i] >= 0x80 || p[i] == '\t' || p[i] == '\n' || p[i] == '\r' ||
		    p[i] >= 0x20)
			out[o++] = (char)p[i];
		else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
		}
	}
	out[o] = '\0';
	/* Drop invalid UTF-8 sequences by libxml2's own check. */
	if (xmlCheckUTF8((const unsigned char *)out) == 0) {
		for (i = 0; i < o; i++)
			if ((unsigned char)out[i] >= 0x80)
				out[i] = '?';
	}
	free(s);
	return out;
}

static void
attr(const struct assay_mask *m, xmlTextWriterPtr w, const char *k,
    const char *v)
{
	char *c = clean(m, v);

	if (c != NULL)
		xmlTextWriterWriteAttribute(w, BAD_CAST k, BAD_CAST c);
	free(c);
}

static void
property(const struct assay_mask *m, xmlTextWriterPtr w, const char *k,
    const char *v)
{
	xmlTextWriterStartElement(w, BAD_CAST "property");
	attr(m, w, "name", k);
	attr(m, w, "value", v);
	xmlTextWriterEndElement(w);
}

static void
property_n(const struct assay_mask *m, xmlTextWriterPtr w, const char *k,
    size_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%zu", v);
	property(m, w, k, num);
}

static void
outcome(const struct assay_mask *m, xmlTextWriterPtr w, const char *el,
    const char *type, const char *message)
{
	char *c = clean(m, message);

	xmlTextWriterStartElement(w, BAD_CAST el);
	attr(m, w, "message", message);
	attr(m, w, "type", type);
	if (c != NULL && strcmp(el, "skipped") != 0)
		xmlTextWriterWriteString(w, BAD_CAST c);
	free(c);
	xmlTextWriterEndElement(w);
}

/* The "overall" suite: result, scope, decision rule, provisions. */
static void
overall_suite(xmlTextWriterPtr w, const struct assay_run *r)
{
	const struct assay_mask *m = &r->mask;
	const struct assay_spec *s = r->spec;
	size_t i, np = assay_spec_nprovisions(s), nf = 0, ne = 0, ns = 0;
	char line[2048], num[32];

	for (i = 0; i < np; i++) {
		const struct assay_prov_outcome *p = &r->prov[i];

		if (!p->in_scope)
			ns++;
		else if (p->verdict == ASSAY_VERDICT_FAIL)
			nf++;
		else if (p->verdict == ASSAY_VERDICT_INCONCLUSIVE ||
		    p->verdict == ASSAY_VERDICT_ERROR)
			ne++;
		else if (p->verdict != ASSAY_VERDICT_PASS)
			ns++;
	}
	if (r->result == ASSAY_OVERALL_FAIL)
		nf++;
	else if (r->result == ASSAY_OVERALL_INCOMPLETE)
		ne++;
	xmlTextWriterStartElement(w, BAD_CAST "testsuite");
	attr(m, w, "name", "overall");
	snprintf(num, sizeof(num), "%zu", np + 1);
	attr(m, w, "tests", num);
	snprintf(num, sizeof(num), "%zu", nf);
	attr(m, w, "failures", num);
	snprintf(num, sizeof(num), "%zu", ne);
	attr(m, w, "errors", num);
	snprintf(num, sizeof(num), "%zu", ns);
	attr(m, w, "skipped", num);
	xmlTextWriterStartElement(w, BAD_CAST "properties");
	property(m, w, "result", assay_overall_name(r->result));
	property(m, w, "result_text", assay_report_result_line(r, line,
	    sizeof(line)));
	property(m, w, "scope", r->scope[0] ? "partial" : "full");
	property(m, w, "scope_text", assay_report_scope_text(r, line,
	    sizeof(line)));
	property_n(m, w, "applicable", r->tally.applicable);
	property_n(m, w, "assessed", r->tally.assessed);
	property_n(m, w, "failed", r->tally.fail);
	property_n(m, w, "not_fulfilled", r->tally.not_fulfilled);
	property_n(m, w, "not_in_scope", r->tally.out_of_scope);
	property(m, w, "test_case_verdict", assay_verdict_name(r->verdict));
	property(m, w, "decision_rule", ASSAY_DECISION_RULE_ID);
	property(m, w, "decision_rule_text", assay_report_decision_rule());
	xmlTextWriterEndElement(w);

	xmlTextWriterStartElement(w, BAD_CAST "testcase");
	attr(m, w, "classname", "overall");
	attr(m, w, "name", "overall result");
	if (r->result != ASSAY_OVERALL_PASS)
		outcome(m, w, r->result == ASSAY_OVERALL_FAIL ? "failure" : "error",
		    assay_overall_name(r->result),
		    assay_report_result_line(r, line, sizeof(line)));
	xmlTextWriterEndElement(w);
	for (i = 0; i < np; i++) {
		const struct assay_prov_outcome *p = &r->prov[i];
		const char *el = NULL, *why = p->reason ? p->reason : "";

		xmlTextWriterStartElement(w, BAD_CAST "testcase");
		attr(m, w, "classname", "provisions");
		attr(m, w, "name", assay_spec_provision_id(s, i));
		if (!p->in_scope)
			el = "skipped";
		else if (p->verdict == ASSAY_VERDICT_FAIL)
			el = "failure";
		else if (p->verdict == ASSAY_VERDICT_INCONCLUSIVE ||
		    p->verdict == ASSAY_VERDICT_ERROR)
			el = "error";
		else if (p->verdict != ASSAY_VERDICT_PASS)
			el = "skipped";
		if (el != NULL)
			outcome(m, w, el, assay_report_prov_verdict_name(p), why);
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);
}

int
assay_report_junit(const struct assay_run *r, const char *dir, FILE *fp)
{
	const struct assay_catalogue *cat = r->catalogue;
	const struct assay_mask *m = &r->mask;
	xmlTextWriterPtr w;
	size_t i, k, n = assay_catalogue_count(cat), nf, ne, ns;
	char num[32];
	const char *group;
	int rc = 0;

	if ((w = assay_report_xml_writer(fp)) == NULL)
		return ASSAY_ERR_ALLOC;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "testsuites");
	attr(m, w, "name", r->report_id);
	snprintf(num, sizeof(num), "%zu", n + assay_spec_nprovisions(r->spec) + 1);
	attr(m, w, "tests", num);
	overall_suite(w, r);
	for (i = 0; i < n; i = k) {
		group = assay_catalogue_group(cat, i);
		nf = ne = ns = 0;
		for (k = i; k < n && strcmp(assay_catalogue_group(cat, k), group) == 0;
		    k++) {
			switch (r->results[k].verdict) {
			case ASSAY_VERDICT_FAIL:
				nf++;
				break;
			case ASSAY_VERDICT_INCONCLUSIVE:
			case ASSAY_VERDICT_ERROR:
				ne++;
				break;
			case ASSAY_VERDICT_PASS:
				break;
			default:
				ns++;
			}
		}
		xmlTextWriterStartElement(w, BAD_CAST "testsuite");
		attr(m, w, "name", group);
		snprintf(num, sizeof(num), "%zu", k - i);
		attr(m, w, "tests", num);
		snprintf(num, sizeof(num), "%zu", nf);
		attr(m, w, "failures", num);
		snprintf(num, sizeof(num), "%zu", ne);
		attr(m, w, "errors", num);
		snprintf(num, sizeof(num), "%zu", ns);
		attr(m, w, "skipped", num);
		for (; i < k; i++) {
			const struct assay_result *t = &r->results[i];
			const char *el = NULL;

			xmlTextWriterStartElement(w, BAD_CAST "testcase");
			attr(m, w, "classname", group);
			attr(m, w, "name", assay_catalogue_id(cat, i));
			snprintf(num, sizeof(num), "%.3f",
			    (double)t->duration_ms / 1000.0);
			attr(m, w, "time", num);
			switch (t->verdict) {
			case ASSAY_VERDICT_FAIL:
				el = "failure";
				break;
			case ASSAY_VERDICT_INCONCLUSIVE:
			case ASSAY_VERDICT_ERROR:
				el = "error";
				break;
			case ASSAY_VERDICT_PASS:
				break;
			default:
				el = "skipped";
			}
			if (el != NULL)
				outcome(m, w, el, assay_verdict_name(t->verdict),
				    t->reason);
			xmlTextWriterEndElement(w);
		}
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);
	if (xmlTextWriterEndDocument(w) < 0)
		rc = ASSAY_ERR_IO;
	xmlFreeTextWriter(w);
	return rc;
}
