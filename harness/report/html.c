/*
 * html.c - report.html, the report a customer reads first
 * (docs/report_html.md).
 *
 * One self-contained page, no external assets, no scripts.  It opens with
 * a cover a manager reads in ten seconds (device, standard, result word,
 * scope, a bar of the verdicts), then every field ISO/IEC 17025 7.8 asks
 * of a test report, then the provisions, mandatory first, each a <details>
 * that opens to its test cases and units: who decided each unit and why,
 * with evidence excerpts.  Printed (A4) every page says "page N of M" and,
 * for a draft, DRAFT, in @page margin boxes; sections start on a new page;
 * closed <details> print open.
 *
 * Every string goes through html_text(), which escapes markup characters,
 * replaces ill-formed UTF-8 and marks control and bidi characters
 * visibly, so a device banner such as "<script>" is shown, never run, and
 * U+202E cannot reorder a line.  The one string written into the style
 * sheet (the report id, for the page footer) goes through css_text().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/catalogue.h"
#include "run/review.h"
#include "base/datadir.h"
#include "base/error.h"
#include "base/file.h"
#include "base/utf8.h"
#include "forms/forms.h"
#include "report/report.h"
#include "run/profile.h"
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

/* Writes s masked and escaped; nothing for NULL. */
static void
h(const struct assay_mask *m, FILE *fp, const char *s)
{
	char *c;

	if (s == NULL)
		return;
	if ((c = assay_mask_apply(m, s)) != NULL)
		html_text(fp, c, strlen(c));
	free(c);
}

/* The same, or dflt (markup, not escaped) when s is NULL or empty. */
static void
hd(const struct assay_mask *m, FILE *fp, const char *s, const char *dflt)
{
	if (s != NULL && *s != '\0')
		h(m, fp, s);
	else
		fputs(dflt, fp);
}

/*
 * Writes s masked as the inside of a CSS string in the style sheet:
 * letters, digits and " .:_-" as they are, every other character as a
 * CSS hex escape, so neither a quote nor "</style>" can end the string
 * or the sheet; ill-formed UTF-8, controls and bidi characters become
 * U+FFFD.
 */
static void
css_text(const struct assay_mask *m, FILE *fp, const char *s)
{
	const unsigned char *p;
	size_t i = 0, n, len;
	uint32_t cp;
	char *c;

	if (s == NULL || (c = assay_mask_apply(m, s)) == NULL)
		return;
	p = (const unsigned char *)c;
	len = strlen(c);
	while (i < len) {
		n = assay_utf8_next(p + i, len - i, &cp);
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9') || (cp != 0 && strchr(" .:_-",
		    (int)cp) != NULL))
			fputc((int)cp, fp);
		else if (cp == ASSAY_UTF8_BAD || cp == 0xfffe || cp == 0xffff ||
		    assay_utf8_control(cp) || assay_utf8_bidi(cp))
			fputs("\\fffd ", fp);
		else
			fprintf(fp, "\\%x ", (unsigned int)cp);
		i += n;
	}
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

/* A verdict as the cover's legend says it: NONE is "NOT ASSESSED". */
static const char *
vlabel(enum assay_verdict v)
{
	return v == ASSAY_VERDICT_NONE ? "NOT ASSESSED" : assay_verdict_name(v);
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

/* A verdict as a coloured badge. */
static void
badge(FILE *fp, enum assay_verdict v, const char *name)
{
	fprintf(fp, "<span class=\"v %s\">%s</span>", vclass(v),
	    name != NULL ? name : assay_verdict_name(v));
}

static int
revision(const struct assay_run *r)
{
	return r->meta.revision > 0 ? r->meta.revision : 1;
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

static const enum assay_verdict bar_order[] = { ASSAY_VERDICT_PASS,
    ASSAY_VERDICT_FAIL, ASSAY_VERDICT_INCONCLUSIVE, ASSAY_VERDICT_ERROR,
    ASSAY_VERDICT_NONE, ASSAY_VERDICT_NOT_FULFILLED,
    ASSAY_VERDICT_NOT_APPLICABLE };
#define NBAR	(sizeof(bar_order) / sizeof(bar_order[0]))

/*
 * Counts per verdict as a bar of proportional segments; with legend, the
 * counts again as words, so the numbers survive a black-and-white print.
 */
static void
bar(FILE *fp, const size_t *c, const char *cls, int legend)
{
	size_t total = 0, i, k;

	for (i = 0; i < NBAR; i++)
		total += c[bar_order[i]];
	fprintf(fp, "<div class=\"bar%s%s\">", cls ? " " : "", cls ? cls : "");
	for (i = 0; i < NBAR && total > 0; i++) {
		if (c[bar_order[i]] == 0)
			continue;
		fprintf(fp, "<span class=\"%s\" style=\"width:%.1f%%\" "
		    "title=\"%s: %zu\">%zu</span>", vclass(bar_order[i]),
		    100.0 * (double)c[bar_order[i]] / (double)total,
		    vlabel(bar_order[i]), c[bar_order[i]], c[bar_order[i]]);
	}
	fputs("</div>", fp);
	if (!legend)
		return;
	fputs("<ul class=\"legend\">", fp);
	for (i = 0, k = 0; i < NBAR; i++) {
		if (c[bar_order[i]] == 0)
			continue;
		fprintf(fp, "<li><span class=\"sw %s\"></span>%zu %s</li>",
		    vclass(bar_order[i]), c[bar_order[i]],
		    vlabel(bar_order[i]));
		k++;
	}
	if (k == 0)
		fputs("<li>none</li>", fp);
	fputs("</ul>\n", fp);
}

static void
head(const struct assay_run *r, FILE *fp)
{
	const struct assay_mask *m = &r->mask;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n<title>", fp);
	fputs(r->draft ? "DRAFT test report " : "Test report ", fp);
	h(m, fp, r->report_id);
	fputs("</title>\n<style>\n"
	    "body{font:10.5pt/1.4 sans-serif;margin:1.5em auto;max-width:60em;"
	    "padding:0 1em;color:#111}\n"
	    "h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.25em;"
	    "border-bottom:2px solid #555;margin-top:1.6em}h3{font-size:1.05em}\n"
	    "h4{font-size:1em;margin:.8em 0 .3em}\n"
	    "table{border-collapse:collapse;width:100%;margin:.4em 0}"
	    "td,th{border:1px solid #bbb;padding:3px 6px;text-align:left;"
	    "vertical-align:top;overflow-wrap:anywhere}th{background:#f2f2f2}\n"
	    "table.kv th{width:13em}\n"
	    ".pass{background:#cfeccf}.fail{background:#f4c7c3}.inc{background:#fce8b2}"
	    ".err{background:#e4c7f4}.na{background:#e8e8e8}.nf{background:#c7dcf4}"
	    ".none{background:#fff}.oos{background:#fff;color:#777;font-style:italic}\n"
	    ".v{display:inline-block;padding:0 .4em;border:1px solid #888;"
	    "border-radius:3px;font-weight:bold;font-size:.9em;white-space:nowrap}\n"
	    ".cover{border:2px solid #333;padding:1em 1.4em;margin-bottom:1em}\n"
	    ".cover .kicker{text-transform:uppercase;letter-spacing:.08em;color:#555;"
	    "font-size:.85em}\n"
	    ".cover .device{font-size:1.7em;font-weight:bold;margin:.2em 0}\n"
	    ".cover .std{margin:.2em 0 .8em}\n"
	    ".banner{display:inline-block;font-size:2.4em;font-weight:bold;"
	    "padding:.1em .6em;border:3px solid #333;margin:.2em 0}\n"
	    ".scope{font-size:1.2em;margin:.6em 0 .3em}\n"
	    ".bar{display:flex;width:100%;height:1.6em;border:1px solid #777}"
	    ".bar span{text-align:center;font-size:.8em;line-height:2em;"
	    "overflow:hidden;border-right:1px solid #777}\n"
	    ".bar.big{height:2.4em}.bar.big span{font-size:1em;line-height:2.4em;"
	    "font-weight:bold}\n"
	    ".bar.small{width:16em;height:1.3em}.bar.small span{line-height:1.5em}\n"
	    "ul.legend{list-style:none;padding:0;margin:.4em 0;display:flex;"
	    "flex-wrap:wrap;gap:.3em 1.2em}"
	    ".sw{display:inline-block;width:.9em;height:.9em;border:1px solid #777;"
	    "margin-right:.35em;vertical-align:-.1em}\n"
	    ".note{color:#333;font-size:.92em}\n"
	    ".draft{color:#b00000;font-weight:bold}\n"
	    ".draftbox{border:3px solid #b00000;color:#b00000;padding:.4em .8em;"
	    "font-weight:bold;margin:.6em 0}\n"
	    ".draftmark{position:fixed;top:0;right:0;background:#b00000;color:#fff;"
	    "font-weight:bold;padding:.3em 1em;letter-spacing:.1em;z-index:1}\n"
	    "details{border:1px solid #bbb;margin:.3em 0;padding:0 .6em}\n"
	    "details[open]{padding-bottom:.4em}\n"
	    "details.evd{border:0;padding:0;font-size:.92em}\n"
	    "summary{cursor:pointer;padding:.3em 0}\n"
	    "summary .pid{font-weight:bold;display:inline-block;min-width:4.5em}\n"
	    "summary .st{color:#555;display:inline-block;min-width:4.5em}\n"
	    ".ad{font-size:85%;border:1px solid #888;padding:0 .3em}\n"
	    ".tc{border-top:1px dashed #999;margin-top:.5em}\n"
	    "table.units{table-layout:fixed}table.units .cu{width:2.6em}"
	    "table.units .cv{width:7.5em}table.units .cb{width:13em}"
	    "table.op .cu{width:5.5em}\n"
	    "table.compact td,table.compact th{padding:1px 6px}"
	    "table.compact{font-size:.92em}"
	    "#failed td:nth-child(-n+2),#failed th{white-space:nowrap}\n"
	    ".opinion{border-left:4px solid #7a4fb0;padding-left:.5em}\n"
	    ".tag{display:inline-block;font-size:.8em;font-weight:bold;"
	    "text-transform:uppercase;padding:0 .3em;border:1px solid #7a4fb0;"
	    "color:#5a2f90}.tag.ext{border-color:#a05a00;color:#a05a00}\n"
	    ".was{color:#555}ul.att{margin:.3em 0;padding-left:1.2em}"
	    "code.hash{font-size:.85em}\n"
	    "pre.ev{background:#f6f6f6;border:1px solid #ccc;padding:6px;"
	    "white-space:pre-wrap;overflow-wrap:anywhere;font-size:8.5pt}\n"
	    "code{overflow-wrap:anywhere}a{color:inherit}\n"
	    "mark.ctl{background:#fdd;color:#900;font-family:monospace}\n"
	    ".end{margin-top:2em;text-align:center;font-weight:bold;"
	    "border-top:2px solid #555;padding-top:.5em}\n"
	    "@media print{\n"
	    " body{margin:0;max-width:none;padding:0;font-size:9.5pt}\n"
	    " section.sec{break-before:page}\n"
	    " h2,h3,h4,summary{break-after:avoid}\n"
	    " tr,li,.unitrow,.cover,summary{break-inside:avoid}\n"
	    " thead{display:table-header-group}\n"
	    /* Chromium: the closed <details> content box prints open. */
	    " details::details-content{content-visibility:visible;display:block}\n"
	    " summary{list-style:none}summary::-webkit-details-marker{display:none}\n"
	    " .draftmark{display:none}\n"
	    " *{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
	    "}\n"
	    "@page{size:A4;margin:18mm 14mm 18mm 14mm;\n"
	    " @bottom-left{content:\"", fp);
	css_text(m, fp, r->report_id);
	fprintf(fp, " revision %d\";font:8pt sans-serif;color:#444}\n",
	    revision(r));
	fputs(" @bottom-right{content:\"page \" counter(page) \" of \" "
	    "counter(pages);font:8pt sans-serif;color:#444}\n", fp);
	if (r->draft)
		fputs(" @top-center{content:\"DRAFT \\2014  not an issued "
		    "report\";font:bold 12pt sans-serif;color:#b00000}\n", fp);
	fputs("}\n</style></head><body>\n", fp);
	if (r->draft)
		fputs("<div class=\"draftmark\" aria-hidden=\"true\">DRAFT</div>\n",
		    fp);
}

/* The cover: what a manager reads in ten seconds. */
static void
cover(const struct assay_run *r, FILE *fp)
{
	const struct assay_mask *m = &r->mask;
	const struct assay_forms *f = r->forms;
	const struct assay_tally *t = &r->tally;
	char line[2048];

	fputs("<header class=\"cover\" id=\"cover\">\n<div class=\"kicker\">", fp);
	fputs(r->draft ? "<span class=\"draft\">DRAFT</span> test report" :
	    "Test report", fp);
	fputs(" &middot; ", fp);
	h(m, fp, r->report_id);
	fprintf(fp, " &middot; revision %d &middot; issued ", revision(r));
	hd(m, fp, r->meta.issued ? r->meta.issued : r->finished, "(not stated)");
	fputs("</div>\n<div class=\"device\" id=\"device\">", fp);
	h(m, fp, assay_forms_device(f, "manufacturer"));
	fputs(" ", fp);
	h(m, fp, assay_forms_device(f, "model"));
	fputs("</div>\n<div class=\"std\">firmware ", fp);
	hd(m, fp, assay_forms_device(f, "firmware-version"), "(not stated)");
	fputs(" &middot; assessed against <b>ETSI EN 303 645 V", fp);
	h(m, fp, assay_forms_standard_version(f));
	fputs("</b> by the method of <b>ETSI TS 103 701 V1.1.1</b>", fp);
	if (r->meta.lab_name != NULL || r->meta.customer != NULL) {
		fputs("<br>tested by <b>", fp);
		hd(m, fp, r->meta.lab_name, "(laboratory not stated)");
		fputs("</b> for <b>", fp);
		hd(m, fp, r->meta.customer, "(customer not stated)");
		fputs("</b>", fp);
	}
	fputs("</div>\n", fp);
	fprintf(fp, "<div class=\"banner %s\" id=\"result\">", oclass(r->result));
	h(m, fp, assay_overall_name(r->result));
	fprintf(fp, "</div>\n<div class=\"scope\" id=\"scope\">assessed <b>%zu</b> "
	    "of <b>%zu</b> applicable provision%s", t->assessed, t->applicable,
	    t->applicable == 1 ? "" : "s");
	if (t->partial)
		fputs(" (partial scope)", fp);
	fputs("</div>\n<p class=\"note\">", fp);
	h(m, fp, assay_report_result_line(r, line, sizeof(line)));
	fputs(".</p>\n<p><b>Provisions in scope</b></p>\n", fp);
	bar(fp, r->prov_counts, "big", 1);
	fputs("<p><b>Test cases</b></p>\n", fp);
	bar(fp, r->tc_counts, NULL, 1);
	if (r->units_pending > 0 || r->units_text > 0) {
		fputs("<p class=\"note\" id=\"pending\">", fp);
		if (r->units_pending > 0)
			fprintf(fp, "%zu test unit%s still wait%s for an "
			    "assessor's judgement. ", r->units_pending,
			    r->units_pending == 1 ? "" : "s",
			    r->units_pending == 1 ? "s" : "");
		if (r->units_text > 0)
			fprintf(fp, "%zu test unit%s %s decided from free text "
			    "of the forms and should be confirmed by a person.",
			    r->units_text, r->units_text == 1 ? "" : "s",
			    r->units_text == 1 ? "was" : "were");
		fputs("</p>\n", fp);
	}
	if (r->draft)
		fputs("<div class=\"draftbox\" id=\"draft\">DRAFT: the laboratory, "
		    "the customer or who authorises the report is not stated. "
		    "This is not an issued report and it is not signed.</div>\n",
		    fp);
	fputs("<p class=\"note\">The overall result follows the decision rule "
	    "stated in this report; it covers only the scope listed and only "
	    "the device tested. Test units that rest on an assessor's "
	    "judgement are marked as opinions and interpretations.</p>\n"
	    "</header>\n", fp);
}

/* A row of the key/value table: th is plain markup, the value escaped. */
static void
kv(const struct assay_mask *m, FILE *fp, const char *id, const char *th,
    const char *v, const char *dflt)
{
	fputs("<tr", fp);
	if (id != NULL)
		fprintf(fp, " id=\"%s\"", id);
	fprintf(fp, "><th>%s</th><td>", th);
	hd(m, fp, v, dflt);
	fputs("</td></tr>\n", fp);
}

/*
 * What ISO/IEC 17025 7.8.2 and 7.8.3 ask a test report to state: who,
 * for whom, on what item, by which method, with which limits.
 */
static void
particulars(const struct assay_run *r, FILE *fp)
{
	const struct assay_mask *m = &r->mask;
	const struct assay_forms *f = r->forms;
	const struct assay_catalogue *cat = r->catalogue;
	const char *v, *state;
	char line[2048];
	size_t i, k, n;

	fputs("<section class=\"sec\" id=\"particulars\">\n"
	    "<h2>1. Report, laboratory, customer and item</h2>\n"
	    "<table class=\"kv\">\n", fp);
	fputs("<tr id=\"report-id\"><th>Report</th><td>", fp);
	h(m, fp, r->report_id);
	fprintf(fp, ", revision %d", revision(r));
	if (r->draft)
		fputs(" <span class=\"draft\">(DRAFT)</span>", fp);
	fputs("</td></tr>\n", fp);
	if (revision(r) > 1 || r->meta.replaces != NULL) {
		kv(m, fp, "replaces", "Replaces", r->meta.replaces,
		    "(not stated)");
		kv(m, fp, "amendment", "What changed", r->meta.amendment,
		    "(not stated)");
	}
	kv(m, fp, "issued", "Issue date", r->meta.issued ? r->meta.issued :
	    r->finished, "(not stated)");
	kv(m, fp, "lab", "Laboratory", r->meta.lab_name, "(not stated)");
	kv(m, fp, "lab-address", "Laboratory address", r->meta.lab_address,
	    "(not stated)");
	kv(m, fp, "location", "Location of testing", r->meta.location,
	    "(not stated)");
	fputs("<tr id=\"customer\"><th>Customer</th><td>", fp);
	hd(m, fp, r->meta.customer, "(not stated)");
	if (r->meta.customer_contact != NULL) {
		fputs(", ", fp);
		h(m, fp, r->meta.customer_contact);
	}
	fputs("</td></tr>\n<tr id=\"item\"><th>Item tested</th><td>", fp);
	h(m, fp, assay_forms_device(f, "manufacturer"));
	fputs(" ", fp);
	h(m, fp, assay_forms_device(f, "model"));
	fputs(", hardware ", fp);
	hd(m, fp, assay_forms_device(f, "hardware-version"), "-");
	fputs(", firmware ", fp);
	hd(m, fp, assay_forms_device(f, "firmware-version"), "-");
	for (i = 0; i < assay_forms_nserials(f); i++) {
		fputs(i == 0 ? ", serial " : ", ", fp);
		h(m, fp, assay_forms_serial(f, i));
	}
	fputs("</td></tr>\n", fp);
	kv(m, fp, "received", "Date of receipt", r->meta.device_received,
	    "(not stated)");
	state = r->meta.device_state;
	if (state != NULL && strcmp(state, "factory-default") == 0)
		state = "factory default state";
	else if (state != NULL && strcmp(state, "initialised") == 0)
		state = "initialised (set up as a user would)";
	kv(m, fp, "state", "State when tested", state, "(not stated)");
	fputs("<tr id=\"testing\"><th>Dates of testing</th><td>", fp);
	h(m, fp, r->started);
	fputs(" to ", fp);
	h(m, fp, r->finished);
	if (!r->complete)
		fputs(" (interrupted: not every test case ran)", fp);
	fputs("</td></tr>\n", fp);
	kv(m, fp, "assessor", "Assessor", r->meta.assessor, "(not stated)");
	kv(m, fp, "authorised", "Authorised by", r->meta.authorised_by,
	    r->draft ? "(not stated: DRAFT)" : "(not stated)");
	fputs("</table>\n", fp);

	fputs("<h3 id=\"method\">Method</h3>\n<table class=\"kv\">\n"
	    "<tr><th>Standard</th><td>ETSI EN 303 645 V", fp);
	h(m, fp, assay_forms_standard_version(f));
	fputs("</td></tr>\n<tr><th>Test method</th><td>ETSI TS 103 701 V1.1.1, "
	    "test cases as implemented by Assay ", fp);
	h(m, fp, assay_version());
	fputs("</td></tr>\n<tr><th>Catalogue</th><td>SHA-256 <code>", fp);
	h(m, fp, assay_catalogue_sha256(cat));
	fputs("</code></td></tr>\n<tr><th>Scope</th><td>", fp);
	h(m, fp, assay_report_scope_text(r, line, sizeof(line)));
	fprintf(fp, "</td></tr>\n<tr id=\"limits\"><th>Probe limits</th><td>at "
	    "most %d connection%s at a time and %d new connection%s per second "
	    "to the device; each test case stopped after %ld s</td></tr>\n",
	    r->budget_max_connections, r->budget_max_connections == 1 ? "" :
	    "s", r->budget_max_rate, r->budget_max_rate == 1 ? "" : "s",
	    r->tc_timeout_ms / 1000);
	fputs("<tr id=\"samples\"><th>Sample sizes</th><td>", fp);
	for (i = 0, n = 0; i < assay_catalogue_count(cat); i++) {
		const struct assay_result *t = &r->results[i];

		for (k = 0; k < t->nunits; k++) {
			if (t->units[k].sample == NULL)
				continue;
			fputs(n++ ? "; " : "", fp);
			h(m, fp, assay_catalogue_id(cat, i));
			fputs(" unit ", fp);
			h(m, fp, t->units[k].unit);
			fputs(": ", fp);
			h(m, fp, t->units[k].sample);
		}
	}
	if (n == 0)
		fputs("no unit stated a sample", fp);
	fputs("</td></tr>\n<tr><th>Rules</th><td>each automated unit names "
	    "the rule and the probe it used beside its verdict "
	    "(sections 2 and 3)</td></tr>\n"
	    "<tr id=\"decision-rule\"><th>Decision rule</th><td>", fp);
	h(m, fp, assay_report_decision_rule());
	fputs("</td></tr>\n</table>\n", fp);

	fputs("<h3 id=\"customer-info\">Information supplied by the "
	    "customer</h3>\n"
	    "<table class=\"kv\">\n<tr><th>ICS</th><td>SHA-256 <code>", fp);
	v = r->ics_sha256[0] ? r->ics_sha256 : assay_forms_ics_sha256(f);
	h(m, fp, v);
	fputs("</code></td></tr>\n<tr><th>IXIT</th><td>SHA-256 <code>", fp);
	v = r->ixit_sha256[0] ? r->ixit_sha256 : assay_forms_ixit_sha256(f);
	h(m, fp, v);
	fputs("</code></td></tr>\n</table>\n"
	    "<p class=\"note\" id=\"forms-statement\">"
	    "The implementation conformance statement (ICS) and the extra "
	    "information for testing (IXIT) were supplied by the customer and "
	    "are identified above by their hashes. The results of conceptual "
	    "test cases rest on this information: the laboratory assessed what "
	    "it states, not whether it is true of the device.</p>\n"
	    "<p class=\"note\">The results relate only to the item tested, in "
	    "the state stated above.</p>\n</section>\n", fp);
}

/* One row per clause: how its provisions in scope came out. */
static void
clauses(const struct assay_run *r, FILE *fp)
{
	const struct assay_mask *m = &r->mask;
	const struct assay_spec *s = r->spec;
	size_t i, k, np = assay_spec_nprovisions(s), noos, n;
	size_t counts[ASSAY_VERDICT_COUNT];
	const char *clause;

	fputs("<h3>Per clause of EN 303 645</h3>\n"
	    "<table class=\"compact\" id=\"clauses\"><thead>"
	    "<tr><th>Clause</th><th>Title</th><th>Provisions</th><th>Verdicts"
	    "</th></tr></thead>\n", fp);
	for (i = 0; i < np && !assay_spec_provision_extra(s, i); i = k) {
		clause = assay_spec_provision_clause(s, i);
		memset(counts, 0, sizeof(counts));
		noos = 0;
		for (k = i; k < np && !assay_spec_provision_extra(s, k) &&
		    strcmp(assay_spec_provision_clause(s, k), clause) == 0;
		    k++) {
			if (r->prov[k].in_scope)
				counts[r->prov[k].verdict]++;
			else
				noos++;
		}
		fputs("<tr><td>", fp);
		h(m, fp, clause);
		fputs("</td><td>", fp);
		h(m, fp, assay_spec_provision_clause_title(s, i));
		fprintf(fp, "</td><td>%zu</td><td>", k - i);
		bar(fp, counts, "small", 0);
		if (noos > 0)
			fprintf(fp, " %zu not in scope", noos);
		fputs("</td></tr>\n", fp);
	}
	/* The V3.1.3 extras the profile lists, in one row of their own. */
	memset(counts, 0, sizeof(counts));
	for (k = i, noos = 0; k < np; k++) {
		if (!assay_run_lists_provision(r, k))
			continue;
		if (r->prov[k].in_scope)
			counts[r->prov[k].verdict]++;
		else
			noos++;
	}
	for (k = i, n = 0; k < np; k++)
		n += assay_run_lists_provision(r, k) != 0;
	if (n > 0) {
		fprintf(fp, "<tr><td>V3.1.3</td><td>New or split in EN 303 645 "
		    "V3.1.3 (Assay-defined test cases)</td><td>%zu</td><td>", n);
		bar(fp, counts, "small", 0);
		if (noos > 0)
			fprintf(fp, " %zu not in scope", noos);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

/* The provisions in scope that failed: what the customer has to fix. */
static void
failed(const struct assay_run *r, FILE *fp)
{
	const struct assay_mask *m = &r->mask;
	const struct assay_spec *s = r->spec;
	size_t i, n = 0;

	for (i = 0; i < assay_spec_nprovisions(s); i++) {
		const struct assay_prov_outcome *p = &r->prov[i];

		if (!p->in_scope || (p->verdict != ASSAY_VERDICT_FAIL &&
		    !p->has_fail) || !assay_run_lists_provision(r, i))
			continue;
		if (n++ == 0)
			fputs("<h3>Provisions that failed</h3>\n<table class=\""
			    "compact\" id=\"failed\"><thead><tr><th>Provision"
			    "</th><th>Status</th><th>What it asks</th></tr>"
			    "</thead>\n", fp);
		fputs("<tr><td><a href=\"#p-", fp);
		h(m, fp, assay_spec_provision_id(s, i));
		fputs("\">", fp);
		h(m, fp, assay_spec_provision_id(s, i));
		fputs("</a></td><td>", fp);
		h(m, fp, assay_spec_provision_status(s, i));
		fputs("</td><td>", fp);
		h(m, fp, assay_spec_provision_summary(s, i));
		fputs("</td></tr>\n", fp);
	}
	if (n > 0)
		fputs("</table>\n", fp);
}

static const char *
basis_text(enum assay_basis b)
{
	switch (b) {
	case ASSAY_BASIS_PROBE:	return "what the device did (probe)";
	case ASSAY_BASIS_FACTS:	return "structured ICS/IXIT facts";
	case ASSAY_BASIS_TEXT:	return "free text of a form (a person should "
				    "confirm it)";
	case ASSAY_BASIS_PERSON: return "waits for a person";
	default:		return "not stated";
	}
}

static const char *
decider_text(enum assay_decider d)
{
	switch (d) {
	case ASSAY_BY_ASSAY:	return "Assay";
	case ASSAY_BY_HARNESS:	return "the harness";
	default:		return "an assessor";
	}
}

/*
 * Who judged a unit: an assessor's judgement, marked as an opinion and
 * interpretation, and what it replaced (both values when it overruled).
 */
static void
judged_by(const struct assay_mask *m, FILE *fp,
    const struct assay_unit_result *u)
{
	const struct assay_judgement *j = u->judgement;

	fputs("<div class=\"opinion\"><span class=\"tag\">opinion and "
	    "interpretation</span> of assessor <b>", fp);
	hd(m, fp, j != NULL ? j->assessor : NULL, "(not stated)");
	fputs("</b>", fp);
	if (j != NULL && j->at[0] != '\0') {
		fputs(", ", fp);
		h(m, fp, j->at);
	}
	if (j != NULL && j->observation != NULL) {
		fputs("<br>observation: ", fp);
		h(m, fp, j->observation);
	}
	if (u->tool_verdict != ASSAY_VERDICT_NONE || u->tool_reason != NULL) {
		fputs(u->overruled ? "<br><b>overrules</b> " : "<br><span "
		    "class=\"was\">before:</span> ", fp);
		fputs(decider_text(u->tool_by), fp);
		fputs("'s ", fp);
		badge(fp, u->tool_verdict, NULL);
	}
	fputs("</div>", fp);
}

/*
 * What goes under a judged unit's rationale: the reason it replaced and
 * the files the assessor attached, each with its hash, external evidence
 * (TS 103 701 clause 4.7) marked.
 */
static void
judged_detail(const struct assay_mask *m, FILE *fp,
    const struct assay_unit_result *u)
{
	const struct assay_judgement *j = u->judgement;
	size_t i;

	if (u->tool_reason != NULL && *u->tool_reason != '\0') {
		fprintf(fp, "<br><span class=\"was\">%s's reason %s: ",
		    decider_text(u->tool_by), u->overruled ? "overruled" :
		    "before");
		h(m, fp, u->tool_reason);
		fputs("</span>", fp);
	}
	if (j == NULL || j->nfiles == 0)
		return;
	fputs("<ul class=\"att\">", fp);
	for (i = 0; i < j->nfiles; i++) {
		fputs("<li>attachment <code>", fp);
		h(m, fp, j->files[i].file);
		fputs("</code>", fp);
		if (j->files[i].external)
			fputs(" <span class=\"tag ext\">external evidence "
			    "(TS 103 701 4.7)</span>", fp);
		fputs(" SHA-256 <code class=\"hash\">", fp);
		h(m, fp, j->files[i].sha256);
		fputs("</code></li>", fp);
	}
	fputs("</ul>", fp);
}

/* One unit: verdict, reason, who decided it and on what. */
static void
unit_row(const struct assay_run *r, FILE *fp, size_t i,
    const struct assay_unit_result *u)
{
	const struct assay_mask *m = &r->mask;
	const struct assay_unit_decl *d;

	d = assay_catalogue_unit(r->catalogue, i, u->unit);
	fputs("<tr class=\"unitrow\"><td>", fp);
	h(m, fp, u->unit);
	fputs("</td><td>", fp);
	badge(fp, u->verdict, NULL);
	if (u->by == ASSAY_BY_ASSESSOR && u->overruled) {
		fputs("<br><span class=\"was\">Assay: ", fp);
		fputs(assay_verdict_name(u->tool_verdict), fp);
		fputs("</span>", fp);
	}
	fputs("</td><td>", fp);
	if (d != NULL && d->criterion != NULL) {
		fputs("<span class=\"was\">asks: ", fp);
		h(m, fp, d->criterion);
		fputs("</span><br>", fp);
	}
	h(m, fp, u->reason);
	if (u->by == ASSAY_BY_ASSESSOR)
		judged_detail(m, fp, u);
	if (u->by != ASSAY_BY_ASSESSOR && u->basis == ASSAY_BASIS_PERSON &&
	    d != NULL && d->observation != NULL) {
		fputs("<br><span class=\"was\">observation asked for: ", fp);
		h(m, fp, d->observation);
		if (d->observe != NULL) {
			fputs(" (", fp);
			h(m, fp, d->observe);
			fputs(")", fp);
		}
		fputs("</span>", fp);
	}
	fputs("</td><td>", fp);
	switch (u->by) {
	case ASSAY_BY_ASSESSOR:
		judged_by(m, fp, u);
		break;
	case ASSAY_BY_HARNESS:
		fputs("the harness (Assay's engine)", fp);
		break;
	default:
		if (u->basis == ASSAY_BASIS_PERSON) {
			fputs("not decided yet: waits for an assessor", fp);
			break;
		}
		fputs("Assay", fp);
		if (d != NULL && d->rule != NULL) {
			fputs(", rule: ", fp);
			h(m, fp, d->rule);
		}
		fputs("<br>basis: ", fp);
		fputs(basis_text(u->basis), fp);
		if (u->probe != NULL) {
			fputs("<br>probe: ", fp);
			h(m, fp, u->probe);
		}
		if (u->sample != NULL) {
			fputs("<br>sample: ", fp);
			h(m, fp, u->sample);
		}
		break;
	}
	fputs("</td></tr>\n", fp);
}

/*
 * Whether the test case's reason only repeats its units' ("unit a: R |
 * unit c: S", as the engine composes it): then the unit table says it
 * all.  Anything else the test case said is printed.
 */
static int
reason_is_units(const struct assay_result *t)
{
	const char *p = t->reason;
	size_t k, n, rl;
	int matched;

	if (p == NULL || *p == '\0')
		return 1;
	while (*p != '\0') {
		matched = 0;
		for (k = 0; k < t->nunits && !matched; k++) {
			const struct assay_unit_result *u = &t->units[k];

			if (strncmp(p, "unit ", 5) != 0)
				return 0;
			n = strlen(u->unit);
			if (u->reason == NULL || strncmp(p + 5, u->unit, n) != 0 ||
			    strncmp(p + 5 + n, ": ", 2) != 0)
				continue;
			rl = strlen(u->reason);
			if (strncmp(p + 7 + n, u->reason, rl) != 0)
				continue;
			p += 7 + n + rl;
			matched = 1;
		}
		if (!matched)
			return 0;
		if (strncmp(p, " | ", 3) == 0)
			p += 3;
		else if (*p != '\0')
			return 0;
	}
	return 1;
}

/* One test case of a provision, with its units and evidence. */
static void
test_case(const struct assay_run *r, const char *dir, FILE *fp, size_t i)
{
	const struct assay_mask *m = &r->mask;
	const struct assay_catalogue *cat = r->catalogue;
	const struct assay_result *t = &r->results[i];
	size_t k;

	fputs("<div class=\"tc\" id=\"tc-", fp);
	h(m, fp, assay_catalogue_id(cat, i));
	fputs("\"><h4>Test case ", fp);
	h(m, fp, assay_catalogue_id(cat, i));
	fputs(" (", fp);
	h(m, fp, assay_tc_type_name(assay_catalogue_type(cat, i)));
	fputs(") ", fp);
	if (assay_run_testcase_assay_defined(r, i))
		fputs("<span class=\"ad\" data-assay-defined=\"true\">"
		    "Assay-defined</span> ", fp);
	badge(fp, t->verdict, NULL);
	fputs("</h4>\n<p>", fp);
	h(m, fp, assay_catalogue_purpose(cat, i));
	if (!reason_is_units(t)) {
		fputs("<br>", fp);
		h(m, fp, t->reason);
	}
	fputs("</p>\n", fp);
	if (t->nunits > 0) {
		fputs("<table class=\"units\"><thead><tr><th class=\"cu\">Unit"
		    "</th><th class=\"cv\">Verdict</th><th>Reason</th>"
		    "<th class=\"cb\">Decided by</th></tr></thead>\n", fp);
		for (k = 0; k < t->nunits; k++)
			unit_row(r, fp, i, &t->units[k]);
		fputs("</table>\n", fp);
	}
	/* On screen each excerpt opens on demand; on paper it is printed. */
	for (k = 0; k < t->nevidence; k++) {
		fputs("<details class=\"evd\"><summary>evidence <code>", fp);
		h(m, fp, t->evidence[k]);
		fputs("</code></summary>\n", fp);
		excerpt(fp, dir, t->evidence[k]);
		fputs("</details>\n", fp);
	}
	fputs("</div>\n", fp);
}

/* Provisions, mandatory (or not), each opening to its test cases. */
static void
provisions(const struct assay_run *r, const char *dir, FILE *fp,
    int mandatory)
{
	const struct assay_mask *m = &r->mask;
	const struct assay_spec *s = r->spec;
	const struct assay_catalogue *cat = r->catalogue;
	size_t i, k, np = assay_spec_nprovisions(s), n = 0;
	const char *pid;

	fprintf(fp, "<section class=\"sec\" id=\"%s\">\n<h2>%s</h2>\n",
	    mandatory ? "mandatory" : "recommendations", mandatory ?
	    "2. Mandatory provisions" : "3. Recommendations");
	fputs("<p class=\"note\">Each provision opens to its test cases and "
	    "test units; on paper every one is printed open.</p>\n", fp);
	for (i = 0; i < np; i++) {
		const struct assay_prov_outcome *p = &r->prov[i];

		if (assay_spec_provision_mandatory(s, i) != mandatory ||
		    p->out_of_profile)
			continue;	/* outside the profile: section 6 says so */
		n++;
		pid = assay_spec_provision_id(s, i);
		fputs("<details id=\"p-", fp);
		h(m, fp, pid);
		fputs("\"><summary><span class=\"pid\">", fp);
		h(m, fp, pid);
		fputs("</span> <span class=\"st\">", fp);
		h(m, fp, assay_spec_provision_status(s, i));
		fputs("</span> ", fp);
		if (assay_spec_provision_extra(s, i))
			fputs("<span class=\"ad\" data-assay-defined=\"true\">"
			    "Assay-defined (EN 303 645 V3.1.3)</span> ", fp);
		fprintf(fp, "<span class=\"v %s\">", p->in_scope ?
		    vclass(p->verdict) : "oos");
		h(m, fp, p->in_scope ? vlabel(p->verdict) :
		    assay_report_prov_verdict_name(p));
		fputs("</span> ", fp);
		h(m, fp, assay_spec_provision_summary(s, i));
		fputs("</summary>\n<p>", fp);
		if (p->support_known) {
			fputs("ICS: ", fp);
			h(m, fp, assay_support_name(p->support));
			if (p->detail != NULL && *p->detail != '\0') {
				fputs(", &ldquo;", fp);
				h(m, fp, p->detail);
				fputs("&rdquo;", fp);
			}
			fputs("<br>", fp);
		}
		/* Otherwise its test cases below say why, unit by unit. */
		if (p->ics_decided)
			fputs("<b>Decided before any test ran</b> (declared in "
			    "the ICS): ", fp);
		if (p->ics_decided || p->ntc == 0 || !p->in_scope ||
		    p->verdict == ASSAY_VERDICT_NONE)
			h(m, fp, p->reason);
		fputs("</p>\n", fp);
		for (k = 0; k < assay_catalogue_count(cat); k++)
			if (strcmp(assay_catalogue_group(cat, k), pid) == 0)
				test_case(r, dir, fp, k);
		fputs("</details>\n", fp);
	}
	if (n == 0)
		fputs("<p>None in this version of the standard.</p>\n", fp);
	fputs("</section>\n", fp);
}

/* Every unit an assessor judged: ISO/IEC 17025 7.8.7. */
static void
opinions(const struct assay_run *r, FILE *fp)
{
	const struct assay_mask *m = &r->mask;
	const struct assay_catalogue *cat = r->catalogue;
	size_t i, k, n = 0;

	fputs("<section class=\"sec\" id=\"opinions\">\n<h2>4. Opinions and "
	    "interpretations</h2>\n<p class=\"note\">These test units rest on "
	    "an assessor's judgement, not on a measurement by Assay: they are "
	    "opinions and interpretations in the sense of ISO/IEC 17025 "
	    "7.8.7. Attachments marked external evidence were supplied by the "
	    "manufacturer or a third party (TS 103 701 clause 4.7).</p>\n", fp);
	for (i = 0; i < assay_catalogue_count(cat); i++) {
		const struct assay_result *t = &r->results[i];

		for (k = 0; k < t->nunits; k++) {
			const struct assay_unit_result *u = &t->units[k];

			if (u->by != ASSAY_BY_ASSESSOR)
				continue;
			if (n++ == 0)
				fputs("<table class=\"units op\"><thead><tr>"
				    "<th class=\"cu\">Unit</th><th class=\"cv\">"
				    "Verdict</th><th>Rationale</th><th class=\"cb\">"
				    "Judgement</th></tr></thead>\n", fp);
			fputs("<tr class=\"unitrow\"><td>", fp);
			h(m, fp, assay_catalogue_id(cat, i));
			fputs(" ", fp);
			h(m, fp, u->unit);
			fputs("</td><td>", fp);
			badge(fp, u->verdict, NULL);
			fputs("</td><td>", fp);
			h(m, fp, u->reason);
			judged_detail(m, fp, u);
			fputs("</td><td>", fp);
			judged_by(m, fp, u);
			fputs("</td></tr>\n", fp);
		}
	}
	if (n > 0)
		fputs("</table>\n", fp);
	else
		fputs("<p id=\"no-opinions\">No test unit rests on an assessor's "
		    "judgement: every verdict in this report was decided by "
		    "Assay or its harness.</p>\n", fp);
	fputs("</section>\n", fp);
}

/* What html_deviation writes to, and through which mask. */
struct html_out {
	const struct assay_mask	*m;
	FILE			*fp;
	size_t			 n;
};

static void
html_deviation(void *arg, const struct assay_deviation *dv)
{
	struct html_out *o = arg;
	const struct assay_mask *m = o->m;
	FILE *fp = o->fp;

	if (o->n++ == 0)
		fputs("<table id=\"deviations\"><thead><tr><th>Kind</th><th>Ref"
		    "</th><th>Detail</th></tr></thead>\n", fp);
	fputs("<tr><td>", fp);
	h(m, fp, dv->kind);
	fputs("</td><td>", fp);
	h(m, fp, dv->ref);
	fputs("</td><td>", fp);
	h(m, fp, dv->text);
	fputs("</td></tr>\n", fp);
}

/* Deviations from the method, recommendations not fulfilled, observations. */
/* The liveness watch: what it watched, each time the device stopped
 * answering (report.json's device_liveness). */
static void
liveness(const struct assay_run *r, FILE *fp)
{
	const struct assay_mask *m = &r->mask;
	size_t i;

	fputs("<h3 id=\"liveness\">Device liveness</h3>\n<p>", fp);
	if (r->liveness_service[0] == '\0')
		fputs("No service was watched between probes.", fp);
	else {
		fputs("Watched between probes: ", fp);
		h(m, fp, r->liveness_service);
		fputs(r->nincidents == 0 ? ". The device answered throughout." :
		    ".", fp);
	}
	fputs("</p>\n", fp);
	if (r->nincidents == 0)
		return;
	fputs("<table><thead><tr><th>Stopped answering at</th><th>New "
	    "connections/s then</th><th>Down for</th><th>Outcome</th></tr>"
	    "</thead>\n", fp);
	for (i = 0; i < r->nincidents; i++) {
		const struct assay_run_incident *x = &r->incidents[i];

		fputs("<tr><td>", fp);
		h(m, fp, x->at);
		fprintf(fp, "</td><td>%.0f</td><td>%lld ms</td><td>%s</td></tr>\n",
		    x->rate, x->down_ms, x->recovered ? "came back; resumed at a "
		    "lower rate" : "did not come back: the test cases from then on "
		    "are INCONCLUSIVE");
	}
	fputs("</table>\n", fp);
}

static void
departures(const struct assay_run *r, FILE *fp)
{
	const struct assay_mask *m = &r->mask;
	const struct assay_spec *s = r->spec;
	struct html_out dev;
	size_t i, k;

	fputs("<section class=\"sec\" id=\"departures\">\n<h2>5. Deviations, "
	    "recommendations not fulfilled, observations</h2>\n"
	    "<h3>Deviations from the method</h3>\n", fp);
	dev.m = m;
	dev.fp = fp;
	dev.n = 0;
	assay_report_deviations(r, html_deviation, &dev);
	fputs(dev.n ? "</table>\n" : "<p>None.</p>\n", fp);
	liveness(r, fp);

	fputs("<h3>Recommendations declared not fulfilled</h3>\n", fp);
	for (i = 0, k = 0; i < assay_spec_nprovisions(s); i++) {
		const struct assay_prov_outcome *p = &r->prov[i];

		if (p->verdict != ASSAY_VERDICT_NOT_FULFILLED || p->out_of_profile)
			continue;
		if (k++ == 0)
			fputs("<table><thead><tr><th>Provision</th><th>Verdict</th>"
			    "<th>Justification (assessed by 4-1-1)</th></tr>"
			    "</thead>\n", fp);
		fputs("<tr><td>", fp);
		h(m, fp, assay_spec_provision_id(s, i));
		fputs("</td><td class=\"nf\">NOT FULFILLED</td><td>", fp);
		h(m, fp, p->detail);
		fputs("</td></tr>\n", fp);
	}
	fputs(k ? "</table>\n" : "<p>None.</p>\n", fp);

	fputs("<h3>Observations attached by the assessor</h3>\n", fp);
	if (r->nobservations == 0)
		fputs("<p>None.</p>\n", fp);
	else {
		fputs("<table><thead><tr><th>File</th><th>Test case</th>"
		    "<th>Recorded by</th><th>At</th><th>SHA-256</th></tr>"
		    "</thead>\n", fp);
		for (i = 0; i < r->nobservations; i++) {
			const struct assay_observation *ob = &r->observations[i];

			fputs("<tr><td>", fp);
			h(m, fp, ob->file);
			fputs("</td><td>", fp);
			hd(m, fp, ob->test_case, "(general)");
			fputs("</td><td>", fp);
			hd(m, fp, ob->recorded_by, "(not stated)");
			fputs("</td><td>", fp);
			h(m, fp, ob->recorded_at);
			fputs("</td><td><code>", fp);
			h(m, fp, ob->sha256);
			fputs("</code></td></tr>\n", fp);
		}
		fputs("</table>\n", fp);
	}

	fputs("<h3>External evidence: files the laboratory supplied (TS 103 701 "
	    "4.7)</h3>\n", fp);
	if (r->nexternals == 0)
		fputs("<p>None.</p>\n", fp);
	else {
		fputs("<table><thead><tr><th>Kind</th><th>Id</th><th>File</th>"
		    "<th>Size (bytes)</th><th>Read by</th><th>SHA-256</th></tr>"
		    "</thead>\n", fp);
		for (i = 0; i < r->nexternals; i++) {
			const struct assay_external *x = &r->externals[i];

			fputs("<tr><td>", fp);
			h(m, fp, x->kind);
			fputs("</td><td>", fp);
			h(m, fp, x->id);
			fputs("</td><td>", fp);
			h(m, fp, x->file);
			fprintf(fp, "</td><td>%llu</td><td>", x->size);
			hd(m, fp, x->used_by[0] ? x->used_by : NULL,
			    "(no test case)");
			fputs("</td><td><code>", fp);
			h(m, fp, x->sha256);
			fputs("</code></td></tr>\n", fp);
		}
		fputs("</table>\n", fp);
	}
	fputs("</section>\n", fp);
}

static void
statement_field(void *arg, const char *label, const char *value)
{
	struct html_out *o = arg;

	fputs("<tr><th>", o->fp);
	h(o->m, o->fp, label);
	fputs("</th><td>", o->fp);
	hd(o->m, o->fp, value, "<em>(not declared: for the manufacturer to "
	    "state)</em>");
	fputs("</td></tr>\n", o->fp);
}

/* The profile: its items under the scheme's ids, and a statement basis. */
static void
profile_section(const struct assay_run *r, FILE *fp)
{
	const struct assay_profile *pf = r->profile;
	const struct assay_mask *m = &r->mask;
	struct html_out o = { m, fp, 0 };
	char reason[2048];
	size_t i, k;

	if (pf == NULL)
		return;

	fputs("<section class=\"sec\" id=\"profile\">\n<h2>6. Profile: ", fp);
	h(m, fp, pf->id);
	fputs("</h2>\n<p><strong>", fp);
	h(m, fp, pf->title);
	fputs("</strong> (numbering: ", fp);
	h(m, fp, pf->numbering);
	fputs(")", fp);
	if (r->view_of != NULL) {
		fputs("; a restatement of run ", fp);
		h(m, fp, r->view_of);
		fputs(" under this profile: nothing was run again", fp);
	}
	fputs(".</p>\n<ul>\n", fp);
	for (i = 0; i < pf->nsources; i++) {
		fputs("<li>Source: ", fp);
		h(m, fp, pf->sources[i]);
		fputs("</li>\n", fp);
	}
	for (i = 0; i < pf->nnotes; i++) {
		fputs("<li>", fp);
		h(m, fp, pf->notes[i]);
		fputs("</li>\n", fp);
	}
	if (pf->nchanges > 0) {
		fprintf(fp, "<li>Tailored by the laboratory (%zu change%s, "
		    "listed with their justifications in the deviations): ",
		    pf->nchanges, pf->nchanges == 1 ? "" : "s");
		hd(m, fp, pf->tailoring_title, "(untitled)");
		fputs("</li>\n", fp);
	}
	fputs("</ul>\n<table id=\"profile-items\"><thead><tr><th>Item</th>"
	    "<th>Where the scheme asks it</th><th>Assessed by (EN 303 645 "
	    "V2.1.1)</th><th>Verdict</th><th>Reason</th></tr></thead>\n", fp);
	for (i = 0; i < pf->nitems; i++) {
		const struct assay_profile_item *it = &pf->items[i];
		const char *v = assay_report_item_verdict(r, it, reason,
		    sizeof(reason));

		fputs("<tr><td>", fp);
		h(m, fp, it->id);
		if (it->title != NULL) {
			fputs("<br><small>", fp);
			h(m, fp, it->title);
			fputs("</small>", fp);
		}
		fputs("</td><td>", fp);
		hd(m, fp, it->ref, "");
		fputs("</td><td>", fp);
		for (k = 0; k < it->nprovisions; k++) {
			if (k > 0)
				fputs(", ", fp);
			h(m, fp, it->provisions[k]);
		}
		if (it->nprovisions == 0)
			fputs("<em>none</em>", fp);
		fputs("</td><td>", fp);
		h(m, fp, v);
		fputs("</td><td>", fp);
		h(m, fp, reason);
		if (it->note != NULL) {
			fputs(reason[0] ? "<br><small>" : "<small>", fp);
			h(m, fp, it->note);
			fputs("</small>", fp);
		}
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
	if (pf->statement_title != NULL) {
		fputs("<h3>", fp);
		h(m, fp, pf->statement_title);
		fputs("</h3>\n", fp);
		for (i = 0; i < pf->nstatement; i++) {
			fputs("<p>", fp);
			h(m, fp, pf->statement[i]);
			fputs("</p>\n", fp);
		}
		fputs("<table id=\"statement\">\n", fp);
		assay_report_statement_fields(r, statement_field, &o);
		fputs("</table>\n", fp);
	}
	fputs("</section>\n", fp);
}

int
assay_report_html(const struct assay_run *r, const char *dir, FILE *fp)
{
	const struct assay_mask *m = &r->mask;

	head(r, fp);
	cover(r, fp);
	fputs("<section id=\"summary\">\n<h2>Summary</h2>\n", fp);
	clauses(r, fp);
	failed(r, fp);
	fputs("<p class=\"note\">Contents: 1. report, laboratory, customer and "
	    "item, method, information supplied by the customer; 2. mandatory "
	    "provisions; 3. recommendations; 4. opinions and interpretations; "
	    "5. deviations and observations; 6. the profile.</p>\n"
	    "</section>\n", fp);
	particulars(r, fp);
	provisions(r, dir, fp, 1);
	provisions(r, dir, fp, 0);
	opinions(r, fp);
	departures(r, fp);
	profile_section(r, fp);
	fputs("<p class=\"end\" id=\"end-of-report\">End of report ", fp);
	h(m, fp, r->report_id);
	fprintf(fp, " revision %d%s</p>\n</body></html>\n", revision(r),
	    r->draft ? " (DRAFT)" : "");
	return 0;
}
