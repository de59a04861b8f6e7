/*
 * report_junit.c - junit.xml, so a manufacturer's CI shows the result
 * natively: one <testcase> per TS 103 701 test case, grouped in one
 * <testsuite> per test group.  FAIL -> <failure>, INCONCLUSIVE and ERROR
 * -> <error>, NOT APPLICABLE and not run -> <skipped>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "catalogue.h"
#include "error.h"
#include "report.h"

/* xmlTextWriter escapes markup; the caller's strings were cleaned of
 * invalid UTF-8 by report.c's rules, repeated here for independence. */
static char *
clean(const char *s0)
{
	char *s = assay_report_masked(s0 ? s0 : "");
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p), i, o = 0;
	char *out;

	if (s == NULL || (out = malloc(len * 3 + 1)) == NULL) {
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
attr(xmlTextWriterPtr w, const char *k, const char *v)
{
	char *c = clean(v);

	if (c != NULL)
		xmlTextWriterWriteAttribute(w, BAD_CAST k, BAD_CAST c);
	free(c);
}

int
assay_report_write_junit(const struct assay_run *r, const char *path)
{
	const struct assay_catalogue *cat = r->catalogue;
	xmlTextWriterPtr w;
	size_t i, k, n = assay_catalogue_count(cat), nf, ne, ns;
	char tmp[4200], num[32];
	const char *group;
	int rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((w = xmlNewTextWriterFilename(tmp, 0)) == NULL)
		return ASSAY_ERR_IO;
	assay_report_set_mask(r->mask);
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "testsuites");
	attr(w, "name", r->report_id);
	snprintf(num, sizeof(num), "%zu", n);
	attr(w, "tests", num);
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
		attr(w, "name", group);
		snprintf(num, sizeof(num), "%zu", k - i);
		attr(w, "tests", num);
		snprintf(num, sizeof(num), "%zu", nf);
		attr(w, "failures", num);
		snprintf(num, sizeof(num), "%zu", ne);
		attr(w, "errors", num);
		snprintf(num, sizeof(num), "%zu", ns);
		attr(w, "skipped", num);
		for (; i < k; i++) {
			const struct assay_result *t = &r->results[i];
			const char *el = NULL;

			xmlTextWriterStartElement(w, BAD_CAST "testcase");
			attr(w, "classname", group);
			attr(w, "name", assay_catalogue_id(cat, i));
			snprintf(num, sizeof(num), "%.3f",
			    (double)t->duration_ms / 1000.0);
			attr(w, "time", num);
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
			if (el != NULL) {
				char *c = clean(t->reason);

				xmlTextWriterStartElement(w, BAD_CAST el);
				attr(w, "message", t->reason);
				attr(w, "type", assay_verdict_name(t->verdict));
				if (c != NULL && strcmp(el, "skipped") != 0)
					xmlTextWriterWriteString(w, BAD_CAST c);
				free(c);
				xmlTextWriterEndElement(w);
			}
			xmlTextWriterEndElement(w);
		}
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);
	if (xmlTextWriterEndDocument(w) < 0)
		rc = ASSAY_ERR_IO;
	xmlFreeTextWriter(w);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = ASSAY_ERR_IO;
	if (rc != 0)
		unlink(tmp);
	return rc;
}
