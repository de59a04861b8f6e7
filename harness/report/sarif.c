/*
 * sarif.c - report.sarif (SARIF 2.1.0), for code-scanning dashboards
 * beside junit.xml: one rule per TS 103 701 test case of the catalogue,
 * one result per test case.
 *
 * SARIF's kinds map the verdicts: FAIL "fail" (level "error"), PASS
 * "pass", INCONCLUSIVE "review" (a person or more evidence is needed),
 * ERROR and not run "open" (the tool could not decide), NOT APPLICABLE
 * and NOT FULFILLED "notApplicable"; every kind but "fail" has level
 * "none", as SARIF 3.27.10 requires.  The verdict itself is a property
 * of each result, the overall result and decision rule of the run.  The
 * location of every result is the run's masked IXIT copy,
 * forms/ixit.xml, relative to the report directory (uriBaseId REPORTDIR):
 * what was assessed is the declared device, not a source file.  Every
 * string goes through the run's mask.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/datadir.h"
#include "base/error.h"
#include "base/json.h"
#include "report/report.h"
#include "run/profile.h"
#include "run/catalogue.h"

static void
kv(const struct assay_run *r, struct assay_json *j, const char *k,
    const char *v)
{
	char *c = assay_mask_apply(&r->mask, v);

	assay_json_kv_string(j, k, c);
	free(c);
}

/* {"text": v} under key k. */
static void
message(const struct assay_run *r, struct assay_json *j, const char *k,
    const char *v)
{
	assay_json_key(j, k);
	assay_json_begin_object(j);
	kv(r, j, "text", v != NULL ? v : "");
	assay_json_end_object(j);
}

static const char *
kind_of(enum assay_verdict v)
{
	switch (v) {
	case ASSAY_VERDICT_FAIL:
		return "fail";
	case ASSAY_VERDICT_PASS:
		return "pass";
	case ASSAY_VERDICT_INCONCLUSIVE:
		return "review";
	case ASSAY_VERDICT_NOT_APPLICABLE:
	case ASSAY_VERDICT_NOT_FULFILLED:
		return "notApplicable";
	default:
		return "open";
	}
}

int
assay_report_sarif(const struct assay_run *r, const char *dir, FILE *fp)
{
	const struct assay_catalogue *cat = r->catalogue;
	struct assay_json j;
	char line[2048];
	size_t i, n = assay_catalogue_count(cat), rule;

	(void)dir;
	assay_json_init(&j, fp, 1);
	assay_json_begin_object(&j);
	assay_json_kv_string(&j, "$schema",
	    "https://json.schemastore.org/sarif-2.1.0.json");
	assay_json_kv_string(&j, "version", "2.1.0");
	assay_json_key(&j, "runs");
	assay_json_begin_array(&j);
	assay_json_begin_object(&j);

	assay_json_key(&j, "tool");
	assay_json_begin_object(&j);
	assay_json_key(&j, "driver");
	assay_json_begin_object(&j);
	assay_json_kv_string(&j, "name", "Assay");
	assay_json_kv_string(&j, "version", assay_version());
	assay_json_kv_string(&j, "semanticVersion", assay_version());
	assay_json_kv_string(&j, "informationUri",
	    "https://www.etsi.org/deliver/etsi_ts/103700_103799/103701/");
	assay_json_key(&j, "rules");
	assay_json_begin_array(&j);
	for (i = 0; i < n; i++) {
		if (!assay_run_lists_testcase(r, i))
			continue;	/* a V3.1.3 extra outside the profile */
		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "id", assay_catalogue_id(cat, i));
		message(r, &j, "shortDescription",
		    assay_catalogue_purpose(cat, i));
		assay_json_key(&j, "properties");
		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "test_group",
		    assay_catalogue_group(cat, i));
		assay_json_kv_string(&j, "type",
		    assay_tc_type_name(assay_catalogue_type(cat, i)));
		if (assay_run_testcase_assay_defined(r, i))
			assay_json_kv_bool(&j, "assay_defined", 1);
		assay_json_end_object(&j);
		assay_json_end_object(&j);
	}
	assay_json_end_array(&j);
	assay_json_end_object(&j);
	assay_json_end_object(&j);

	assay_json_key(&j, "automationDetails");
	assay_json_begin_object(&j);
	kv(r, &j, "id", r->report_id);
	assay_json_end_object(&j);
	assay_json_key(&j, "originalUriBaseIds");
	assay_json_begin_object(&j);
	assay_json_key(&j, "REPORTDIR");
	assay_json_begin_object(&j);
	message(r, &j, "description", "the report directory");
	assay_json_end_object(&j);
	assay_json_end_object(&j);
	assay_json_key(&j, "invocations");
	assay_json_begin_array(&j);
	assay_json_begin_object(&j);
	assay_json_kv_bool(&j, "executionSuccessful", r->complete);
	if (r->started[0] != '\0')
		assay_json_kv_string(&j, "startTimeUtc", r->started);
	if (r->finished[0] != '\0')
		assay_json_kv_string(&j, "endTimeUtc", r->finished);
	assay_json_end_object(&j);
	assay_json_end_array(&j);

	assay_json_key(&j, "results");
	assay_json_begin_array(&j);
	for (i = 0, rule = 0; i < n; i++) {
		const struct assay_result *t = &r->results[i];

		if (!assay_run_lists_testcase(r, i))
			continue;
		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "ruleId", assay_catalogue_id(cat, i));
		assay_json_kv_int(&j, "ruleIndex", (long long)rule++);
		assay_json_kv_string(&j, "kind", kind_of(t->verdict));
		assay_json_kv_string(&j, "level",
		    t->verdict == ASSAY_VERDICT_FAIL ? "error" : "none");
		snprintf(line, sizeof(line), "%s %s: %s",
		    assay_catalogue_id(cat, i), assay_verdict_name(t->verdict),
		    t->reason != NULL ? t->reason : "");
		message(r, &j, "message", line);
		assay_json_key(&j, "locations");
		assay_json_begin_array(&j);
		assay_json_begin_object(&j);
		assay_json_key(&j, "physicalLocation");
		assay_json_begin_object(&j);
		assay_json_key(&j, "artifactLocation");
		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "uri", "forms/ixit.xml");
		assay_json_kv_string(&j, "uriBaseId", "REPORTDIR");
		assay_json_end_object(&j);
		assay_json_end_object(&j);
		assay_json_end_object(&j);
		assay_json_end_array(&j);
		assay_json_key(&j, "properties");
		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "verdict",
		    assay_verdict_name(t->verdict));
		assay_json_end_object(&j);
		assay_json_end_object(&j);
	}
	assay_json_end_array(&j);

	assay_json_key(&j, "properties");
	assay_json_begin_object(&j);
	assay_json_kv_string(&j, "result", assay_overall_name(r->result));
	kv(r, &j, "result_text", assay_report_result_line(r, line,
	    sizeof(line)));
	assay_json_kv_string(&j, "decision_rule", ASSAY_DECISION_RULE_ID);
	if (r->profile != NULL)
		kv(r, &j, "profile", r->profile->id);
	assay_json_end_object(&j);

	assay_json_end_object(&j);
	assay_json_end_array(&j);
	assay_json_end_object(&j);
	fputc('\n', fp);
	return 0;
}
