/*
 * junit.c - junit.xml, so a manufacturer's CI shows the result
 * natively: one <testcase> per TS 103 701 test case, grouped in one
 * <testsuite> per test group (time, timestamp, hostname; classname
 * "assay.5_1-1", see classname()).  FAIL -> <failure>, INCONCLUSIVE and ERROR
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
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "run/catalogue.h"
#include "base/error.h"
#include "report/report.h"
#include "run/profile.h"
#include "forms/spec.h"

/*
 * xmlTextWriter escapes markup but passes any bytes through: every string
 * goes through assay_report_xml_text() (report.h), the same rules as
 * report.xml, so a device banner cannot make junit.xml unparseable.
 */
static char *
clean(const struct assay_mask *m, const char *s)
{
	return assay_report_xml_text(m, s != NULL ? s : "");
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

/*
 * The classname of a testcase: "assay." and the test group with its dots
 * as underscores ("assay.5_1-1").  Jenkins splits a classname at its last
 * dot into package and class, so "5.1-1" would become package "5" and
 * class "1-1"; GitLab shows it as it is.
 */
static void
classname(const struct assay_mask *m, xmlTextWriterPtr w, const char *group)
{
	char cn[96];
	size_t i;

	snprintf(cn, sizeof(cn), "assay.%s", group);
	for (i = sizeof("assay.") - 1; cn[i] != '\0'; i++)
		if (cn[i] == '.')
			cn[i] = '_';
	attr(m, w, "classname", cn);
}

/*
 * time, timestamp and hostname of a <testsuite>, which Jenkins and GitLab
 * show: seconds as "%.3f", the run's start (ISO 8601 UTC, without the Z
 * the JUnit schema's xs:dateTime usage leaves out), the lab machine.
 */
static void
suite_times(const struct assay_mask *m, xmlTextWriterPtr w,
    const struct assay_run *r, long long ms)
{
	char num[32], ts[32], host[256];
	size_t n;

	snprintf(num, sizeof(num), "%.3f", (double)ms / 1000.0);
	attr(m, w, "time", num);
	snprintf(ts, sizeof(ts), "%s", r->started);
	n = strlen(ts);
	if (n > 0 && ts[n - 1] == 'Z')
		ts[n - 1] = '\0';
	if (ts[0] != '\0')
		attr(m, w, "timestamp", ts);
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		attr(m, w, "hostname", host);
	}
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
	long long ms;
	char line[2048], num[32];

	for (i = 0; i < np; i++) {
		const struct assay_prov_outcome *p = &r->prov[i];

		if (p->out_of_profile)
			continue;	/* not listed: outside the profile */
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
	snprintf(num, sizeof(num), "%zu", assay_run_nlisted(r) + 1);
	attr(m, w, "tests", num);
	snprintf(num, sizeof(num), "%zu", nf);
	attr(m, w, "failures", num);
	snprintf(num, sizeof(num), "%zu", ne);
	attr(m, w, "errors", num);
	snprintf(num, sizeof(num), "%zu", ns);
	attr(m, w, "skipped", num);
	for (i = 0, ms = 0; i < assay_catalogue_count(r->catalogue); i++)
		ms += r->results[i].duration_ms;
	suite_times(m, w, r, ms);
	xmlTextWriterStartElement(w, BAD_CAST "properties");
	property(m, w, "result", assay_overall_name(r->result));
	property(m, w, "result_text", assay_report_result_line(r, line,
	    sizeof(line)));
	property(m, w, "profile", r->profile != NULL ? r->profile->id : "none");
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
	classname(m, w, "overall");
	attr(m, w, "name", "overall result");
	if (r->result != ASSAY_OVERALL_PASS)
		outcome(m, w, r->result == ASSAY_OVERALL_FAIL ? "failure" : "error",
		    assay_overall_name(r->result),
		    assay_report_result_line(r, line, sizeof(line)));
	xmlTextWriterEndElement(w);
	for (i = 0; i < np; i++) {
		const struct assay_prov_outcome *p = &r->prov[i];
		const char *el = NULL, *why = p->reason ? p->reason : "";

		if (p->out_of_profile)
			continue;
		xmlTextWriterStartElement(w, BAD_CAST "testcase");
		classname(m, w, "provisions");
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
	size_t i, j, k, n = assay_catalogue_count(cat), nf, ne, ns;
	long long ms;
	char num[32];
	const char *group;
	int rc = 0;

	if ((w = assay_report_xml_writer(fp)) == NULL)
		return ASSAY_ERR_ALLOC;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "testsuites");
	attr(m, w, "name", r->report_id);
	for (i = 0, j = 0; i < n; i++)
		j += assay_run_lists_testcase(r, i) != 0;
	snprintf(num, sizeof(num), "%zu", j + assay_run_nlisted(r) + 1);
	attr(m, w, "tests", num);
	overall_suite(w, r);
	for (i = 0; i < n; i = k) {
		group = assay_catalogue_group(cat, i);
		nf = ne = ns = 0;
		if (!assay_run_lists_testcase(r, i)) {
			/* A V3.1.3 extra outside the profile: not listed. */
			for (k = i; k < n && strcmp(assay_catalogue_group(cat,
			    k), group) == 0; k++)
				;
			continue;
		}
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
		for (ms = 0, j = i; j < k; j++)
			ms += r->results[j].duration_ms;
		suite_times(m, w, r, ms);
		for (; i < k; i++) {
			const struct assay_result *t = &r->results[i];
			const char *el = NULL;

			xmlTextWriterStartElement(w, BAD_CAST "testcase");
			classname(m, w, group);
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
