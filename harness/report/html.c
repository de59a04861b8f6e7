/*
 * report_html.c - report.html: one self-contained, printable page.
 *
 * No external assets, no scripts.  Every string goes through html_text(),
 * which escapes markup characters, replaces ill-formed UTF-8 and marks
 * control and bidi characters visibly, so a device banner such as
 * "<script>" is shown, never run, and U+202E cannot reorder a line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/catalogue.h"
#include "base/datadir.h"
#include "base/error.h"
#include "base/file.h"
#include "base/utf8.h"
#include "forms/forms.h"
#include "report/report.h"
#include "forms/spec.h"

#define EXCERPT_MAX_BYTES	2048

/*
 * Writes s (len bytes) as HTML text: markup characters escaped,
 * ill-formed UTF-8 (base/utf8.h) and noncharacters as U+FFFD, control
 * characters (but tab and LF) and bidirectional formatting characters as
 * a visible marker, "[U+202E]" in a <mark class="ctl">, so they can
 * neither reorder nor hide the text around them.
 */
static void
html_text(FILE *fp, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = assay_utf8_next(p + i, len - i, &cp);
		if (cp == '<')
			fputs("&lt;", fp);
		else if (cp == '>')
			fputs("&gt;", fp);
		else if (cp == '&')
			fputs("&amp;", fp);
		else if (cp == '"')
			fputs("&quot;", fp);
		else if (cp == '\'')
			fputs("&#39;", fp);
		else if (cp == '\n' || cp == '\t')
			fputc((int)cp, fp);
		else if (cp == ASSAY_UTF8_BAD || cp == 0xfffe || cp == 0xffff)
			fputs(ASSAY_UTF8_REPLACEMENT_STR, fp);
		else if (assay_utf8_control(cp) || assay_utf8_bidi(cp))
			fprintf(fp, "<mark class=\"ctl\">[U+%04X]</mark>",
			    (unsigned int)cp);
		else
			fwrite(p + i, 1, n, fp);
		i += n;
	}
}

/* Writes s masked and escaped. */
static void
h(const struct assay_mask *m, FILE *fp, const char *s)
{
	char *c = assay_mask_apply(m, s);

	if (c != NULL)
		html_text(fp, c, strlen(c));
	free(c);
}

static const char *
vclass(enum assay_verdict v)
{
	switch (v) {
	case ASSAY_VERDICT_PASS:		return "pass";
	case ASSAY_VERDICT_FAIL:		return "fail";
	case ASSAY_VERDICT_INCONCLUSIVE:	return "inc";
	case ASSAY_VERDICT_ERROR:		return "err";
	case ASSAY_VERDICT_NOT_APPLICABLE:	return "na";
	case ASSAY_VERDICT_NOT_FULFILLED:	return "nf";
	default:				return "none";
	}
}

static const char *
oclass(enum assay_overall o)
{
	switch (o) {
	case ASSAY_OVERALL_PASS:	return "pass";
	case ASSAY_OVERALL_FAIL:	return "fail";
	default:			return "inc";
	}
}

/* The first EXCERPT_MAX_BYTES of an evidence file (already masked). */
static void
excerpt(FILE *fp, const char *dir, const char *rel)
{
	char path[ASSAY_PATH_MAX], buf[EXCERPT_MAX_BYTES];
	size_t n;
	FILE *in;

	if (strstr(rel, "..") != NULL ||
	    assay_path_join(path, sizeof(path), dir, rel) != 0)
		return;
	/* Only the head is shown: a capped whole-file read would refuse it. */
	if ((in = fopen(path, "rb")) == NULL)
		return;
	n = fread(buf, 1, sizeof(buf), in);
	fclose(in);
	fputs("<pre class=\"ev\">", fp);
	html_text(fp, buf, n);
	if (n == sizeof(buf))
		fputs("\n[… excerpt cut; the whole file is in the report directory]", fp);
	fputs("</pre>\n", fp);
}

static void
bar(FILE *fp, const size_t *c)
{
	static const enum assay_verdict order[] = { ASSAY_VERDICT_PASS,
	    ASSAY_VERDICT_FAIL, ASSAY_VERDICT_INCONCLUSIVE, ASSAY_VERDICT_ERROR,
	    ASSAY_VERDICT_NOT_FULFILLED, ASSAY_VERDICT_NOT_APPLICABLE,
	    ASSAY_VERDICT_NONE };
	const size_t norder = sizeof(order) / sizeof(order[0]);
	size_t total = 0, i;

	for (i = 0; i < norder; i++)
		total += c[order[i]];
	fputs("<div class=\"bar\">", fp);
	for (i = 0; i < norder && total > 0; i++) {
		if (c[order[i]] == 0)
			continue;
		fprintf(fp, "<span class=\"%s\" style=\"width:%.1f%%\" "
		    "title=\"%s: %zu\">%zu</span>", vclass(order[i]),
		    100.0 * (double)c[order[i]] / (double)total,
		    assay_verdict_name(order[i]), c[order[i]], c[order[i]]);
	}
	fputs("</div>", fp);
}

/* What html_deviation writes to, and through which mask. */
struct html_out {
	const struct assay_mask	*m;
	FILE			*fp;
};

static void
html_deviation(void *arg, const struct assay_deviation *dv)
{
	const struct html_out *o = arg;
	const struct assay_mask *m = o->m;
	FILE *fp = o->fp;

	fputs("<tr><td>", fp);
	h(m, fp, dv->kind);
	fputs("</td><td>", fp);
	h(m, fp, dv->ref ? dv->ref : "");
	fputs("</td><td>", fp);
	h(m, fp, dv->text);
	fputs("</td></tr>\n", fp);
}

int
assay_report_html(const struct assay_run *r, const char *dir, FILE *fp)
{
	const struct assay_catalogue *cat = r->catalogue;
	const struct assay_spec *s = r->spec;
	const struct assay_mask *m = &r->mask;
	size_t i, k, np = assay_spec_nprovisions(s), pass, nclause;
	size_t counts[ASSAY_VERDICT_COUNT], noos;
	struct html_out dev;
	char line[2048];
	const char *clause;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'\">\n<title>Assessment report ", fp);
	h(m, fp, r->report_id);
	fputs("</title>\n<style>\n"
	    "body{font:14px/1.4 sans-serif;margin:2em;max-width:70em;color:#111}\n"
	    "h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #999;margin-top:2em}\n"
	    "table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:3px 6px;"
	    "text-align:left;vertical-align:top}\n"
	    ".pass{background:#cfeccf}.fail{background:#f4c7c3}.inc{background:#fce8b2}"
	    ".err{background:#e4c7f4}.na{background:#e8e8e8}.nf{background:#c7dcf4}.none{background:#fff}"
	    ".oos{background:#fff;color:#777;font-style:italic}\n"
	    ".banner{font-size:1.3em;font-weight:bold;padding:8px;border:2px solid #555;"
	    "margin:1em 0}\n"
	    ".bar{display:flex;width:24em;border:1px solid #999}.bar span{text-align:center;"
	    "font-size:11px;overflow:hidden}\n"
	    "pre.ev{background:#f6f6f6;border:1px solid #ccc;padding:6px;white-space:pre-wrap;"
	    "font-size:12px}\nmark.ctl{background:#fdd;color:#900;font-family:monospace}\n"
	    "@media print{body{margin:0}pre.ev{page-break-inside:avoid}}\n"
	    "</style></head><body>\n", fp);

	fputs("<h1>Test report: ETSI EN 303 645 V", fp);
	h(m, fp, assay_forms_standard_version(r->forms));
	fputs(" assessed per ETSI TS 103 701 V1.1.1</h1>\n", fp);
	fprintf(fp, "<div class=\"banner %s\" id=\"result\">Overall result: ",
	    oclass(r->result));
	h(m, fp, assay_report_result_line(r, line, sizeof(line)));
	fputs("</div>\n<table>\n", fp);
	fputs("<tr><th>Report</th><td>", fp);
	h(m, fp, r->report_id);
	fputs("</td></tr>\n<tr><th>Laboratory</th><td>", fp);
	h(m, fp, r->meta.lab_name ? r->meta.lab_name : "(not stated)");
	if (r->meta.lab_address != NULL) {
		fputs(", ", fp);
		h(m, fp, r->meta.lab_address);
	}
	fputs("</td></tr>\n<tr><th>Customer</th><td>", fp);
	h(m, fp, r->meta.customer ? r->meta.customer : "(not stated)");
	if (r->meta.customer_contact != NULL) {
		fputs(", ", fp);
		h(m, fp, r->meta.customer_contact);
	}
	fputs("</td></tr>\n<tr><th>Device</th><td>", fp);
	h(m, fp, assay_forms_device(r->forms, "manufacturer"));
	fputs(" ", fp);
	h(m, fp, assay_forms_device(r->forms, "model"));
	fputs(", hardware ", fp);
	h(m, fp, assay_forms_device(r->forms, "hardware-version") ?
	    assay_forms_device(r->forms, "hardware-version") : "-");
	fputs(", firmware ", fp);
	h(m, fp, assay_forms_device(r->forms, "firmware-version") ?
	    assay_forms_device(r->forms, "firmware-version") : "-");
	for (i = 0; i < assay_forms_nserials(r->forms); i++) {
		fputs(i == 0 ? ", serial " : ", ", fp);
		h(m, fp, assay_forms_serial(r->forms, i));
	}
	fputs("</td></tr>\n<tr><th>Testing</th><td>", fp);
	h(m, fp, r->started);
	fputs(" to ", fp);
	h(m, fp, r->finished);
	fputs(r->complete ? "" : " (interrupted: not every test case ran)", fp);
	fputs("</td></tr>\n<tr><th>Method</th><td>ETSI TS 103 701 V1.1.1 test cases, "
	    "Assay ", fp);
	h(m, fp, assay_version());
	fputs(", catalogue sha256 ", fp);
	h(m, fp, assay_catalogue_sha256(cat));
	fputs("</td></tr>\n<tr><th>Overall result</th><td class=\"", fp);
	fputs(oclass(r->result), fp);
	fputs("\">", fp);
	h(m, fp, assay_overall_name(r->result));
	fprintf(fp, "</td></tr>\n<tr><th>Applicable provisions</th><td>%zu "
	    "applicable, %zu assessed, %zu failed; %zu recommendation%s "
	    "declared NOT FULFILLED; %zu NOT APPLICABLE; %zu not in scope",
	    r->tally.applicable, r->tally.assessed, r->tally.fail,
	    r->tally.not_fulfilled, r->tally.not_fulfilled == 1 ? "" : "s",
	    r->tally.not_applicable, r->tally.out_of_scope);
	fputs("</td></tr>\n<tr><th>Scope</th><td>", fp);
	h(m, fp, assay_report_scope_text(r, line, sizeof(line)));
	fputs("</td></tr>\n<tr><th>Worst test case</th><td class=\"", fp);
	fputs(vclass(r->verdict), fp);
	fputs("\">", fp);
	h(m, fp, assay_verdict_name(r->verdict));
	fputs("</td></tr>\n<tr><th>Test cases</th><td>", fp);
	bar(fp, r->tc_counts);
	fputs("</td></tr>\n<tr><th>Provisions in scope</th><td>", fp);
	bar(fp, r->prov_counts);
	fputs("</td></tr>\n<tr><th>Decision rule</th><td id=\"decision-rule\">", fp);
	h(m, fp, assay_report_decision_rule());
	fputs("</td></tr>\n</table>\n", fp);

	/* Summary per clause. */
	fputs("<h2>Summary per clause</h2>\n<table><tr><th>Clause</th><th>Title</th>"
	    "<th>Provisions</th><th>Verdicts</th></tr>\n", fp);
	for (i = 0; i < np; i = k) {
		clause = assay_spec_provision_clause(s, i);
		memset(counts, 0, sizeof(counts));
		noos = 0;
		for (k = i; k < np && strcmp(assay_spec_provision_clause(s, k),
		    clause) == 0; k++) {
			if (r->prov[k].in_scope)
				counts[r->prov[k].verdict]++;
			else
				noos++;
		}
		nclause = k - i;
		fputs("<tr><td>", fp);
		h(m, fp, clause);
		fputs("</td><td>", fp);
		h(m, fp, assay_spec_provision_clause_title(s, i));
		fprintf(fp, "</td><td>%zu</td><td>", nclause);
		bar(fp, counts);
		if (noos > 0)
			fprintf(fp, " %zu not in scope", noos);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);

	/* Provisions, mandatory first. */
	fputs("<h2>Provisions</h2>\n<table><tr><th>Provision</th><th>Status</th>"
	    "<th>ICS</th><th>Verdict</th><th>Reason</th></tr>\n", fp);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < np; i++) {
			const struct assay_prov_outcome *p = &r->prov[i];

			if (assay_spec_provision_mandatory(s, i) != (pass == 0))
				continue;
			fputs("<tr><td>", fp);
			h(m, fp, assay_spec_provision_id(s, i));
			fputs("</td><td>", fp);
			h(m, fp, assay_spec_provision_status(s, i));
			fputs("</td><td>", fp);
			if (p->support_known)
				h(m, fp, assay_support_name(p->support));
			fprintf(fp, "</td><td class=\"%s\">", p->in_scope ?
			    vclass(p->verdict) : "oos");
			h(m, fp, assay_report_prov_verdict_name(p));
			fputs("</td><td>", fp);
			h(m, fp, p->reason);
			fputs("</td></tr>\n", fp);
		}
	}
	fputs("</table>\n", fp);

	/* Findings: every FAIL (and ERROR) with its evidence. */
	fputs("<h2>Findings</h2>\n", fp);
	nclause = 0;
	for (i = 0; i < np; i++) {
		const struct assay_prov_outcome *p = &r->prov[i];

		if (!p->in_scope || !p->ics_decided ||
		    p->verdict != ASSAY_VERDICT_FAIL)
			continue;
		nclause++;
		fputs("<h3 class=\"fail\">FAIL ", fp);
		h(m, fp, assay_spec_provision_id(s, i));
		fputs(" (declared in the ICS)</h3>\n<p>", fp);
		h(m, fp, p->reason);
		fputs("</p>\n", fp);
	}
	for (i = 0; i < assay_catalogue_count(cat); i++) {
		const struct assay_result *t = &r->results[i];

		if (!r->selected[i] || (t->verdict != ASSAY_VERDICT_FAIL &&
		    t->verdict != ASSAY_VERDICT_ERROR))
			continue;
		nclause++;
		fprintf(fp, "<h3 class=\"%s\">", vclass(t->verdict));
		h(m, fp, assay_verdict_name(t->verdict));
		fputs(" ", fp);
		h(m, fp, assay_catalogue_id(cat, i));
		fputs(": ", fp);
		h(m, fp, assay_catalogue_purpose(cat, i));
		fputs("</h3>\n<p>", fp);
		h(m, fp, t->reason);
		fputs("</p>\n", fp);
		for (k = 0; k < t->nunits; k++) {
			if (t->units[k].verdict == ASSAY_VERDICT_PASS)
				continue;
			fputs("<p>unit ", fp);
			h(m, fp, t->units[k].unit);
			fputs(": ", fp);
			h(m, fp, assay_verdict_name(t->units[k].verdict));
			fputs(", ", fp);
			h(m, fp, t->units[k].reason);
			fputs("</p>\n", fp);
		}
		for (k = 0; k < t->nevidence; k++) {
			fputs("<p>evidence: <code>", fp);
			h(m, fp, t->evidence[k]);
			fputs("</code></p>\n", fp);
			excerpt(fp, dir, t->evidence[k]);
		}
	}
	if (nclause == 0) {
		fputs("<p>No FAIL or ERROR in scope. This alone is no statement "
		    "of conformity: the overall result is ", fp);
		h(m, fp, assay_overall_name(r->result));
		fputs(".</p>\n", fp);
	}
	fputs("<h2>Recommendations declared not fulfilled</h2>\n", fp);
	for (i = 0, k = 0; i < np; i++) {
		const struct assay_prov_outcome *p = &r->prov[i];

		if (p->verdict != ASSAY_VERDICT_NOT_FULFILLED)
			continue;
		if (k++ == 0)
			fputs("<table><tr><th>Provision</th><th>Verdict</th>"
			    "<th>Justification (assessed by 4-1-1)</th></tr>\n", fp);
		fputs("<tr><td>", fp);
		h(m, fp, assay_spec_provision_id(s, i));
		fputs("</td><td class=\"nf\">NOT FULFILLED</td><td>", fp);
		h(m, fp, p->detail ? p->detail : "");
		fputs("</td></tr>\n", fp);
	}
	fputs(k ? "</table>\n" : "<p>None.</p>\n", fp);

	/* Deviations from the method, and what the assessor recorded. */
	fputs("<h2>Deviations</h2>\n<table><tr><th>Kind</th><th>Ref</th><th>Detail</th>"
	    "</tr>\n", fp);
	dev.m = m;
	dev.fp = fp;
	assay_report_deviations(r, html_deviation, &dev);
	fputs("</table>\n<h2>Observations</h2>\n", fp);
	if (r->nobservations == 0)
		fputs("<p>No observation was attached.</p>\n", fp);
	else {
		fputs("<table><tr><th>File</th><th>Test case</th><th>Recorded by</th>"
		    "<th>At</th><th>SHA-256</th></tr>\n", fp);
		for (i = 0; i < r->nobservations; i++) {
			const struct assay_observation *ob = &r->observations[i];

			fputs("<tr><td>", fp);
			h(m, fp, ob->file);
			fputs("</td><td>", fp);
			h(m, fp, ob->test_case ? ob->test_case : "(general)");
			fputs("</td><td>", fp);
			h(m, fp, ob->recorded_by ? ob->recorded_by : "(not stated)");
			fputs("</td><td>", fp);
			h(m, fp, ob->recorded_at);
			fputs("</td><td><code>", fp);
			h(m, fp, ob->sha256);
			fputs("</code></td></tr>\n", fp);
		}
		fputs("</table>\n", fp);
	}

	/* Every test case. */
	fputs("<h2>Test cases</h2>\n<table><tr><th>Test case</th><th>Type</th>"
	    "<th>Verdict</th><th>Reason</th></tr>\n", fp);
	for (i = 0; i < assay_catalogue_count(cat); i++) {
		const struct assay_result *t = &r->results[i];

		fputs("<tr><td>", fp);
		h(m, fp, assay_catalogue_id(cat, i));
		fputs("</td><td>", fp);
		h(m, fp, assay_tc_type_name(assay_catalogue_type(cat, i)));
		fprintf(fp, "</td><td class=\"%s\">", vclass(t->verdict));
		h(m, fp, assay_verdict_name(t->verdict));
		fputs("</td><td>", fp);
		h(m, fp, t->reason);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n<p>The results relate only to the device tested.</p>\n"
	    "<p>Assessor: ", fp);
	h(m, fp, r->meta.assessor ? r->meta.assessor : "(not stated)");
	fputs(". Authorised by: ", fp);
	h(m, fp, r->meta.authorised_by ? r->meta.authorised_by : "(not stated)");
	fputs(".</p>\n</body></html>\n", fp);
	return 0;
}
