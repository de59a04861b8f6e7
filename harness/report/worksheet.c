/*
 * worksheet.c - the assessor's worksheet (reports/worksheet.xsd,
 * docs/review.md): one <unit> per test unit a person must decide or
 * confirm, with what to judge and the material to judge it by.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "base/error.h"
#include "forms/forms.h"
#include "forms/spec.h"
#include "report/report.h"
#include "report/worksheet.h"
#include "run/catalogue.h"
#include "run/evidence.h"
#include "run/review.h"

/* report/report.h's XML helpers, by their short names. */
#define w_attr	assay_report_x_attr
#define w_elem	assay_report_x_elem
#define w_text	assay_report_x_text

#define IXIT_VALUE_MAX	2000

const char *
assay_worksheet_kind(const struct assay_unit_result *u)
{
	if (u->by == ASSAY_BY_ASSESSOR)
		return "judged";
	if (u->basis == ASSAY_BASIS_PERSON)
		return "pending";
	if (u->by == ASSAY_BY_HARNESS)
		return "unrecorded";
	if (u->basis == ASSAY_BASIS_TEXT)
		return "text";
	return "decided";
}

int
assay_worksheet_lists(const struct assay_unit_result *u, int all)
{
	const char *k = assay_worksheet_kind(u);

	if (all)
		return 1;
	return strcmp(k, "pending") == 0 || strcmp(k, "text") == 0 ||
	    strcmp(k, "unrecorded") == 0;
}

/* The IXIT entries of the items test case i reads, field by field. */
static void
w_ixit(const struct assay_run *r, xmlTextWriterPtr w, size_t i)
{
	const char *items = assay_catalogue_ixit(r->catalogue, i);
	char item[64], *v;
	const char *p, *q, *val;
	size_t e, f, ne, nf, len;

	for (p = items; p != NULL && *p != '\0'; p = q) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		q = strchr(p, ' ');
		len = q ? (size_t)(q - p) : strlen(p);
		if (len >= sizeof(item))
			continue;
		memcpy(item, p, len);
		item[len] = '\0';
		ne = assay_forms_nentries(r->forms, item);
		for (e = 0; e < ne; e++) {
			nf = assay_forms_entry_nfields(r->forms, item, e);
			for (f = 0; f < nf; f++) {
				if (assay_forms_entry_field_secret(r->forms, item,
				    e, f))
					continue;
				val = assay_forms_entry_field_value(r->forms, item,
				    e, f);
				if (val == NULL || *val == '\0')
					continue;
				if ((v = strndup(val, IXIT_VALUE_MAX)) == NULL)
					continue;
				xmlTextWriterStartElement(w, BAD_CAST "ixit");
				w_attr(&r->mask, w, "item", item);
				w_attr(&r->mask, w, "entry",
				    assay_forms_entry_id(r->forms, item, e));
				w_attr(&r->mask, w, "field",
				    assay_forms_entry_field_name(r->forms, item,
				    e, f));
				w_text(&r->mask, w, v);
				xmlTextWriterEndElement(w);
				free(v);
			}
		}
	}
}

static void
w_unit(const struct assay_run *r, xmlTextWriterPtr w, size_t i,
    const struct assay_result *res, const struct assay_unit_result *u)
{
	const struct assay_unit_decl *decl;
	size_t k;

	decl = assay_catalogue_unit(r->catalogue, i, u->unit);
	xmlTextWriterStartElement(w, BAD_CAST "unit");
	w_attr(&r->mask, w, "test-case", assay_catalogue_id(r->catalogue, i));
	w_attr(&r->mask, w, "unit", u->unit);
	w_attr(&r->mask, w, "kind", assay_worksheet_kind(u));
	if (decl != NULL) {
		w_elem(&r->mask, w, "criterion", decl->criterion);
		w_elem(&r->mask, w, "rule", decl->rule);
	} else
		w_elem(&r->mask, w, "criterion", assay_catalogue_purpose(
		    r->catalogue, i));
	xmlTextWriterStartElement(w, BAD_CAST "assay");
	if (u->by == ASSAY_BY_ASSESSOR) {
		w_attr(&r->mask, w, "verdict", assay_verdict_name(u->tool_verdict));
		w_attr(&r->mask, w, "by", assay_decider_key(u->tool_by));
		w_attr(&r->mask, w, "basis", assay_basis_key(u->basis));
		w_text(&r->mask, w, u->tool_reason);
	} else {
		w_attr(&r->mask, w, "verdict", assay_verdict_name(u->verdict));
		w_attr(&r->mask, w, "by", assay_decider_key(u->by));
		w_attr(&r->mask, w, "basis", assay_basis_key(u->basis));
		w_text(&r->mask, w, u->reason);
	}
	xmlTextWriterEndElement(w);
	if (u->by == ASSAY_BY_ASSESSOR && u->judgement != NULL) {
		xmlTextWriterStartElement(w, BAD_CAST "judged");
		w_attr(&r->mask, w, "verdict", assay_verdict_name(u->verdict));
		w_attr(&r->mask, w, "by", u->judgement->assessor);
		w_attr(&r->mask, w, "at", u->judgement->at);
		w_text(&r->mask, w, u->judgement->rationale);
		xmlTextWriterEndElement(w);
	}
	if (decl != NULL && decl->observation != NULL) {
		xmlTextWriterStartElement(w, BAD_CAST "observation");
		w_attr(&r->mask, w, "name", decl->observation);
		w_text(&r->mask, w, decl->observe);
		xmlTextWriterEndElement(w);
	}
	w_ixit(r, w, i);
	for (k = 0; k < res->nevidence; k++) {
		xmlTextWriterStartElement(w, BAD_CAST "evidence");
		w_attr(&r->mask, w, "file", res->evidence[k]);
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterWriteElement(w, BAD_CAST "verdict", BAD_CAST "");
	xmlTextWriterWriteElement(w, BAD_CAST "rationale", BAD_CAST "");
	xmlTextWriterEndElement(w);
}

static const char HEAD[] =
    "\n  The assessor's worksheet for this run (docs/review.md).  For each\n"
    "  <unit>: read <criterion> (what TS 103 701 asks, in Assay's words),\n"
    "  <assay> (what Assay found, and why it could not decide), the\n"
    "  <observation> asked for, the <ixit> text and the <evidence> files.\n"
    "  Then fill <verdict> with PASS, FAIL or INCONCLUSIVE and <rationale>\n"
    "  with what you examined and why it decides (required), and attach\n"
    "  files with <attach file=\"photo.jpg\"/> (a path relative to this\n"
    "  file; external=\"true\" for evidence the manufacturer or a third\n"
    "  party supplied).  A unit left with an empty <verdict> stays as it\n"
    "  is.  To overrule any other unit, add a <unit test-case=\"...\"\n"
    "  unit=\"...\"> with <verdict> and <rationale>.  Then record it\n"
    "  with assay review, option apply, naming the assessor (the command\n"
    "  was printed when this file was written; docs/review.md).\n";

int
assay_worksheet_write(const struct assay_run *r, int all, FILE *fp,
    size_t *nlisted)
{
	xmlTextWriterPtr w;
	const char *dev;
	char device[512], now[32];
	size_t i, k, nt = assay_catalogue_count(r->catalogue);

	*nlisted = 0;
	if ((w = assay_report_xml_writer(fp)) == NULL)
		return ASSAY_ERR_ALLOC;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterWriteComment(w, BAD_CAST HEAD);
	xmlTextWriterStartElement(w, BAD_CAST "worksheet");
	xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns",
	    BAD_CAST ASSAY_WORKSHEET_NS);
	xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST "1");
	w_attr(&r->mask, w, "run", r->report_id);
	assay_time_iso(now, sizeof(now));
	w_attr(&r->mask, w, "generated", now);
	dev = assay_forms_device(r->forms, "manufacturer");
	snprintf(device, sizeof(device), "%s %s", dev ? dev : "",
	    assay_forms_device(r->forms, "model") ?
	    assay_forms_device(r->forms, "model") : "");
	w_attr(&r->mask, w, "device", device);
	for (i = 0; i < nt; i++) {
		const struct assay_result *res = &r->results[i];

		if (!r->selected[i] || !assay_run_lists_testcase(r, i))
			continue;
		for (k = 0; k < res->nunits; k++) {
			if (!assay_worksheet_lists(&res->units[k], all))
				continue;
			w_unit(r, w, i, res, &res->units[k]);
			(*nlisted)++;
		}
	}
	xmlTextWriterEndElement(w);
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	return ferror(fp) ? ASSAY_ERR_IO : 0;
}
