/*
 * report.c - the table of report formats, report.json and report.xml.
 *
 * Every writer walks the same struct assay_run and prints to a stream
 * that assay_report_write() commits atomically (base/file.h).  JSON goes
 * through json.c's escaping; XML through libxml2's xmlTextWriter after every
 * string is made valid XML 1.0 text by assay_report_xml_text() (ill-formed
 * UTF-8 and characters XML forbids become U+FFFD, bidi overrides and C1
 * controls a visible "[U+202E]"), so device bytes can't break or inject
 * into either.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "run/catalogue.h"
#include "base/buf.h"
#include "base/datadir.h"
#include "base/diag.h"
#include "base/error.h"
#include "base/file.h"
#include "forms/forms.h"
#include "base/json.h"
#include "base/term.h"
#include "base/utf8.h"
#include "report/report.h"
#include "run/profile.h"
#include "run/review.h"
#include "forms/spec.h"

/* report/report.h's XML helpers, by their short names. */
#define x_attr	assay_report_x_attr
#define x_elem	assay_report_x_elem
#define x_text	assay_report_x_text

static const char *const device_keys[][2] = {
	{ "manufacturer", "manufacturer" },
	{ "model", "model" },
	{ "hardware-version", "hardware_version" },
	{ "firmware-version", "firmware_version" },
	{ "description", "description" },
};
#define NDEVICE_KEYS	(sizeof(device_keys) / sizeof(device_keys[0]))

/*
 * The first error a writer met and carried on from (a string that could
 * not be made, libxml2 refusing an element): assay_report_write() then
 * throws the file away, so a report with a field missing is never
 * committed.  Writers run on one thread at a time; thread-local anyway.
 */
static __thread int write_err;

void
assay_report_note_error(int r)
{
	if (write_err == 0)
		write_err = r;
}

char *
assay_mask_apply(const struct assay_mask *m, const char *s)
{
	char *c;

	if (s == NULL)
		return NULL;
	c = m->apply != NULL ? m->apply(m->arg, s) : strdup(s);
	if (c == NULL)
		assay_report_note_error(ASSAY_ERR_ALLOC);
	return c;
}

static void
jkv(const struct assay_mask *m, struct assay_json *j, const char *key,
    const char *v)
{
	char *c = assay_mask_apply(m, v);

	assay_json_kv_string(j, key, c);
	free(c);
}

static void
jstr(const struct assay_mask *m, struct assay_json *j, const char *v)
{
	char *c = assay_mask_apply(m, v);

	assay_json_string(j, c);
	free(c);
}

/*
 * The decision rule, one place for every writer and docs/verdicts.md.
 * Changing its meaning means a new id.
 */
static const char decision_rule[] =
    ASSAY_DECISION_RULE_ID ": "
    "A test unit is PASS, FAIL or INCONCLUSIVE; a test case is the worst of "
    "its units and of what it returned (NONE < PASS < INCONCLUSIVE < FAIL < "
    "ERROR; ERROR is a fault of the harness, never of the device). "
    "A provision is the worst of its test cases that ran; a provision "
    "without a test case is not assessed (NONE), never PASS. "
    "From the ICS, before anything runs: a provision whose condition is "
    "false or that is declared N/A is NOT APPLICABLE; a recommendation "
    "declared N is NOT FULFILLED (counted and listed, not a failure: its "
    "justification is assessed by test case 4-1-1); a mandatory provision "
    "declared N is FAIL (ICS_DECLARED_NOT_SUPPORTED) without a test. "
    "Overall result, from the applicable provisions in scope: FAIL when any "
    "of them failed (a FAIL verdict, or a failed test case or unit, also "
    "when an ERROR occurred too); otherwise INCOMPLETE when any applicable "
    "provision is not assessed, INCONCLUSIVE or ERROR, when 4-1 did not "
    "pass, when the run was interrupted, or when the scope is partial "
    "(--only); otherwise PASS: every applicable provision was assessed and "
    "passed. Provisions not selected are listed as not in scope and are "
    "neither PASS nor not assessed. A statement of conformity covers only "
    "the scope listed in this report and only the device tested.";

const char *
assay_report_decision_rule(void)
{
	return decision_rule;
}

const char *
assay_report_prov_verdict_name(const struct assay_prov_outcome *p)
{
	if (p->out_of_profile)
		return "NOT IN PROFILE";
	return p->in_scope ? assay_verdict_name(p->verdict) : "NOT IN SCOPE";
}

const char *
assay_report_scope_text(const struct assay_run *r, char *buf, size_t len)
{
	const struct assay_profile *pf = r->profile;
	char prof[512];

	if (pf == NULL || (strcmp(pf->id, ASSAY_PROFILE_DEFAULT) == 0 &&
	    pf->nchanges == 0))
		snprintf(prof, sizeof(prof), "every provision of the ICS, every "
		    "test case of the catalogue");
	else
		snprintf(prof, sizeof(prof), "profile %s (%zu item%s)%s%.200s%s",
		    pf->id, pf->nitems, pf->nitems == 1 ? "" : "s",
		    pf->nchanges > 0 ? ", tailored by " : "", pf->nchanges > 0 ?
		    (pf->tailoring_id ? pf->tailoring_id : pf->tailoring_path) :
		    "", pf->nchanges > 0 ? " (see the deviations)" : "");
	if (r->scope[0] == '\0')
		snprintf(buf, len, "full: %s", prof);
	else if (pf == NULL || (strcmp(pf->id, ASSAY_PROFILE_DEFAULT) == 0 &&
	    pf->nchanges == 0))
		snprintf(buf, len, "partial: --only %s (provisions decided by "
		    "the ICS always included)", r->scope);
	else
		snprintf(buf, len, "partial: --only %s within %s (provisions "
		    "decided by the ICS always included)", r->scope, prof);
	return buf;
}

const char *
assay_report_item_verdict(const struct assay_run *r,
    const struct assay_profile_item *it, char *reason, size_t len)
{
	enum assay_verdict v = ASSAY_VERDICT_NOT_APPLICABLE;
	const struct assay_prov_outcome *worst = NULL;
	const char *worst_id = NULL;
	size_t k, nscope = 0;

	reason[0] = '\0';
	if (it->nprovisions == 0) {
		snprintf(reason, len, "not assessed: %s", it->not_assessed);
		return assay_verdict_name(ASSAY_VERDICT_NONE);
	}
	for (k = 0; k < it->nprovisions; k++) {
		long pi = assay_spec_provision_find(r->spec, it->provisions[k]);
		const struct assay_prov_outcome *p;

		if (pi < 0)
			continue;
		p = &r->prov[pi];
		if (!p->in_scope)
			continue;
		nscope++;
		if (worst == NULL || assay_verdict_rank(p->verdict) >
		    assay_verdict_rank(v)) {
			v = p->verdict;
			worst = p;
			worst_id = it->provisions[k];
		}
	}
	if (nscope == 0)
		return "NOT IN SCOPE";
	if (v == ASSAY_VERDICT_PASS && nscope < it->nprovisions) {
		snprintf(reason, len, "not assessed: %zu of its %zu provisions "
		    "in scope (all passed)", nscope, it->nprovisions);
		return assay_verdict_name(ASSAY_VERDICT_NONE);
	}
	if (worst != NULL && v != ASSAY_VERDICT_PASS && worst->reason != NULL)
		snprintf(reason, len, "%s: %s", worst_id, worst->reason);
	return assay_verdict_name(v);
}

char *
assay_report_result_line(const struct assay_run *r, char *buf, size_t len)
{
	const struct assay_tally *t = &r->tally;
	int n;

	n = snprintf(buf, len, "%s — assessed %zu of %zu applicable "
	    "provision%s", assay_overall_name(r->result), t->assessed,
	    t->applicable, t->applicable == 1 ? "" : "s");
	if (n < 0 || (size_t)n >= len)
		return buf;
	if (t->fail > 0)
		n += snprintf(buf + n, len - (size_t)n, "; %zu failed", t->fail);
	else if (r->result == ASSAY_OVERALL_PASS)
		n += snprintf(buf + n, len - (size_t)n, "; all passed");
	else if (t->partial && t->pass == t->applicable)
		n += snprintf(buf + n, len - (size_t)n, "; all %zu provision%s "
		    "in scope passed", t->applicable,
		    t->applicable == 1 ? "" : "s");
	if ((size_t)n < len && t->not_assessed > 0)
		n += snprintf(buf + n, len - (size_t)n, "; %zu not assessed",
		    t->not_assessed);
	if ((size_t)n < len && t->inconclusive > 0)
		n += snprintf(buf + n, len - (size_t)n, "; %zu INCONCLUSIVE",
		    t->inconclusive);
	if ((size_t)n < len && t->error > 0)
		n += snprintf(buf + n, len - (size_t)n, "; %zu ERROR", t->error);
	if ((size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "; %zu recommendation%s "
		    "declared not fulfilled", t->not_fulfilled,
		    t->not_fulfilled == 1 ? "" : "s");
	if ((size_t)n < len && t->out_of_scope > 0)
		n += snprintf(buf + n, len - (size_t)n, "; %zu provision%s not in "
		    "scope", t->out_of_scope, t->out_of_scope == 1 ? "" : "s");
	if ((size_t)n < len && !t->complete)
		n += snprintf(buf + n, len - (size_t)n, "; the run was "
		    "interrupted");
	return buf;
}

static void	profile_deviations(const struct assay_run *,
		    void (*)(void *, const struct assay_deviation *), void *);

void
assay_report_deviations(const struct assay_run *r,
    void (*fn)(void *, const struct assay_deviation *), void *arg)
{
	const struct assay_catalogue *cat = r->catalogue;
	struct assay_deviation dv;
	size_t i;

	if (!r->complete) {
		dv.kind = "incomplete";
		dv.ref = NULL;
		dv.text = "the run was interrupted: test cases marked \"not run\" "
		    "have no verdict (finish with --resume)";
		fn(arg, &dv);
	}
	profile_deviations(r, fn, arg);
	for (i = 0; i < assay_spec_nprovisions(r->spec); i++) {
		if (!assay_run_lists_provision(r, i) ||
		    r->prov[i].verdict != ASSAY_VERDICT_NONE ||
		    !r->prov[i].applicable || !r->prov[i].in_scope ||
		    r->prov[i].ntc > 0)
			continue;
		dv.kind = "not-assessed";
		dv.ref = assay_spec_provision_id(r->spec, i);
		dv.text = "applicable, but the catalogue has no test case for "
		    "this provision yet";
		fn(arg, &dv);
	}
	for (i = 0; i < assay_catalogue_count(cat); i++) {
		const struct assay_result *t = &r->results[i];

		if (!assay_run_lists_testcase(r, i))
			continue;
		dv.ref = assay_catalogue_id(cat, i);
		dv.text = t->reason ? t->reason : "";
		if (!r->selected[i] && t->verdict == ASSAY_VERDICT_NONE &&
		    r->profile != NULL && !assay_profile_selects(r->profile, dv.ref,
		    assay_catalogue_group(cat, i), NULL))
			continue;	/* the profile's scope, or tailored below */
		if (!r->selected[i] && t->verdict == ASSAY_VERDICT_NONE)
			dv.kind = "excluded";
		else if (t->verdict == ASSAY_VERDICT_INCONCLUSIVE && t->reason &&
		    strstr(t->reason, "MANUAL_STEP_PENDING") != NULL)
			dv.kind = "manual-step";
		else
			continue;
		fn(arg, &dv);
	}
}

/*
 * The tailoring's changes, then the profile items whose mapping departs
 * from the scheme's text (modified in the scheme, assessed by the
 * V2.1.1 test cases).
 */
static void
profile_deviations(const struct assay_run *r,
    void (*fn)(void *, const struct assay_deviation *), void *arg)
{
	const struct assay_profile *pf = r->profile;
	struct assay_deviation dv;
	char text[4200];
	size_t i;

	if (pf == NULL)
		return;
	for (i = 0; i < pf->nchanges; i++) {
		dv.kind = "tailored";
		dv.ref = pf->changes[i].test_case;
		snprintf(text, sizeof(text), "%s by the lab's tailoring%s%s: %s",
		    pf->changes[i].add ? "added" : "deselected",
		    pf->tailoring_id ? " " : "", pf->tailoring_id ?
		    pf->tailoring_id : "", pf->changes[i].justification);
		dv.text = text;
		fn(arg, &dv);
	}
	for (i = 0; i < pf->nitems; i++) {
		const struct assay_profile_item *it = &pf->items[i];

		if (it->relation == NULL || strcmp(it->relation, "modified") != 0 ||
		    it->note == NULL)
			continue;
		dv.kind = "mapped";
		dv.ref = it->id;
		dv.text = it->note;
		fn(arg, &dv);
	}
}

/* What the deviation callbacks write to, and through which mask. */
struct json_out {
	const struct assay_mask	*m;
	struct assay_json	*j;
};

struct xml_out {
	const struct assay_mask	*m;
	xmlTextWriterPtr	 w;
};
/* The first value of IXIT fact name in any entry of item, or NULL. */
static const char *
first_fact(const struct assay_forms *f, const char *item, const char *name)
{
	size_t k;
	const char *v;

	for (k = 0; k < assay_forms_nentries(f, item); k++)
		if ((v = assay_forms_entry_fact(f, item, k, name)) != NULL)
			return v;
	return NULL;
}

void
assay_report_statement_fields(const struct assay_run *r,
    void (*fn)(void *, const char *, const char *), void *arg)
{
	static const struct { const char *label, *key; } device[] = {
		{ "Manufacturer", "manufacturer" },
		{ "Product (model designation)", "model" },
		{ "Hardware version", "hardware-version" },
		{ "Firmware version", "firmware-version" },
	};
	static const struct { const char *label, *fact; } facts[] = {
		{ "Defined support period ends", "support-period-end" },
		{ "Support period published at", "support-period-url" },
		{ "Vulnerability disclosure policy at", "vdp-url" },
	};
	const struct assay_profile *pf = r->profile;
	char label[256], reason[2048], value[2400];
	size_t i;

	if (pf == NULL)
		return;
	for (i = 0; i < sizeof(device) / sizeof(device[0]); i++)
		fn(arg, device[i].label, assay_forms_device(r->forms,
		    device[i].key));
	for (i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
		fn(arg, facts[i].label, first_fact(r->forms, "2-UserInfo",
		    facts[i].fact));
	for (i = 0; i < pf->nitems; i++) {
		const struct assay_profile_item *it = &pf->items[i];
		const char *v = assay_report_item_verdict(r, it, reason,
		    sizeof(reason));

		snprintf(label, sizeof(label), "%s (EN 303 645 %s)",
		    it->ref ? it->ref : it->id, it->id);
		snprintf(value, sizeof(value), "%s%s%s", v, reason[0] ? ": " :
		    "", reason);
		fn(arg, label, value);
	}
	fn(arg, "Assessed in report", r->report_id);
}

static void
json_profile_field(void *arg, const char *label, const char *value)
{
	const struct json_out *o = arg;

	assay_json_begin_object(o->j);
	jkv(o->m, o->j, "label", label);
	jkv(o->m, o->j, "value", value);
	assay_json_end_object(o->j);
}

static void
json_profile(const struct assay_run *r, struct assay_json *j)
{
	const struct assay_profile *pf = r->profile;
	const struct assay_mask *m = &r->mask;
	struct json_out o = { m, j };
	char reason[2048];
	size_t i, k;

	if (pf == NULL)
		return;		/* a run model made without a profile */
	assay_json_key(j, "profile");
	assay_json_begin_object(j);
	jkv(m, j, "id", pf->id);
	jkv(m, j, "title", pf->title);
	jkv(m, j, "numbering", pf->numbering);
	jkv(m, j, "sha256", pf->sha256);
	jkv(m, j, "view_of", r->view_of);
	assay_json_key(j, "sources");
	assay_json_begin_array(j);
	for (i = 0; i < pf->nsources; i++)
		jstr(m, j, pf->sources[i]);
	assay_json_end_array(j);
	assay_json_key(j, "notes");
	assay_json_begin_array(j);
	for (i = 0; i < pf->nnotes; i++)
		jstr(m, j, pf->notes[i]);
	assay_json_end_array(j);
	assay_json_key(j, "tailoring");
	if (pf->nchanges == 0)
		assay_json_null(j);
	else {
		assay_json_begin_object(j);
		jkv(m, j, "id", pf->tailoring_id);
		jkv(m, j, "title", pf->tailoring_title);
		jkv(m, j, "sha256", pf->tailoring_sha256);
		assay_json_key(j, "changes");
		assay_json_begin_array(j);
		for (i = 0; i < pf->nchanges; i++) {
			assay_json_begin_object(j);
			jkv(m, j, "action", pf->changes[i].add ? "select" :
			    "deselect");
			jkv(m, j, "test_case", pf->changes[i].test_case);
			jkv(m, j, "justification", pf->changes[i].justification);
			assay_json_end_object(j);
		}
		assay_json_end_array(j);
		assay_json_end_object(j);
	}
	assay_json_key(j, "items");
	assay_json_begin_array(j);
	for (i = 0; i < pf->nitems; i++) {
		const struct assay_profile_item *it = &pf->items[i];
		const char *v = assay_report_item_verdict(r, it, reason,
		    sizeof(reason));

		assay_json_begin_object(j);
		jkv(m, j, "id", it->id);
		jkv(m, j, "title", it->title);
		jkv(m, j, "ref", it->ref);
		jkv(m, j, "relation", it->relation);
		assay_json_key(j, "provisions");
		assay_json_begin_array(j);
		for (k = 0; k < it->nprovisions; k++)
			jstr(m, j, it->provisions[k]);
		assay_json_end_array(j);
		jkv(m, j, "verdict", v);
		jkv(m, j, "reason", reason[0] ? reason : NULL);
		jkv(m, j, "note", it->note);
		assay_json_end_object(j);
	}
	assay_json_end_array(j);
	assay_json_key(j, "statement");
	if (pf->statement_title == NULL)
		assay_json_null(j);
	else {
		assay_json_begin_object(j);
		jkv(m, j, "title", pf->statement_title);
		assay_json_key(j, "paragraphs");
		assay_json_begin_array(j);
		for (i = 0; i < pf->nstatement; i++)
			jstr(m, j, pf->statement[i]);
		assay_json_end_array(j);
		assay_json_key(j, "fields");
		assay_json_begin_array(j);
		assay_report_statement_fields(r, json_profile_field, &o);
		assay_json_end_array(j);
		assay_json_end_object(j);
	}
	assay_json_end_object(j);
}


static void
json_deviation(void *arg, const struct assay_deviation *dv)
{
	const struct json_out *o = arg;
	const struct assay_mask *m = o->m;
	struct assay_json *j = o->j;

	assay_json_begin_object(j);
	jkv(m, j, "kind", dv->kind);
	jkv(m, j, "ref", dv->ref);
	jkv(m, j, "text", dv->text);
	assay_json_end_object(j);
}

/* Each space-separated word of s as a JSON string. */
static void
json_words(const struct assay_mask *m, struct assay_json *j, const char *s)
{
	char w[256];
	size_t n;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		for (n = 0; s[n] != '\0' && s[n] != ' '; n++)
			;
		if (n == 0)
			break;
		snprintf(w, sizeof(w), "%.*s", (int)n, s);
		jstr(m, j, w);
		s += n;
	}
}

static void
json_counts(struct assay_json *j, const size_t *c)
{
	int v;

	assay_json_begin_object(j);
	for (v = 0; v < ASSAY_VERDICT_COUNT; v++)
		assay_json_kv_int(j, assay_verdict_key((enum assay_verdict)v),
		    (long long)c[v]);
	assay_json_end_object(j);
}


/* --- what the writers share about units and judgements ------------------- */

/* When the reports were issued: this date, else the run's end. */
static const char *
issued(const struct assay_run *r)
{
	return r->meta.issued != NULL ? r->meta.issued : r->finished;
}

/* 1-based number of j among the run's judgements (its id "J<n>"), or 0. */
static size_t
judgement_no(const struct assay_run *r, const struct assay_judgement *j)
{
	if (j == NULL || r->judgements == NULL || j < r->judgements ||
	    j >= r->judgements + r->njudgements)
		return 0;
	return (size_t)(j - r->judgements) + 1;
}

/*
 * The rule an automated unit used, as its test case declares it, or a
 * sentence saying it does not (never an invented rule).
 */
static const char *
unit_rule(const struct assay_run *r, size_t tc,
    const struct assay_unit_result *u)
{
	const struct assay_unit_decl *ud;

	if (u->by == ASSAY_BY_HARNESS)
		return "decided by the harness: the test case raised, failed "
		    "its limits or left the unit unrecorded";
	ud = r->catalogue != NULL ? assay_catalogue_unit(r->catalogue, tc,
	    u->unit) : NULL;
	if (ud != NULL && ud->rule != NULL && *ud->rule != '\0')
		return ud->rule;
	return "rule not declared by the test case";
}

static const char *
unit_criterion(const struct assay_run *r, size_t tc,
    const struct assay_unit_result *u)
{
	const struct assay_unit_decl *ud;

	ud = r->catalogue != NULL ? assay_catalogue_unit(r->catalogue, tc,
	    u->unit) : NULL;
	return ud != NULL ? ud->criterion : NULL;
}

static const char external_statement[] =
    "Evidence from outside the laboratory (ETSI TS 103 701 clause 4.7: "
    "documents or results the manufacturer or a third party supplied) is "
    "marked external; the laboratory relied on it as supplied.  So are the "
    "files named in the lab set-up (captures, firmware images, other "
    "tools' reports), each with the test cases that read it.";

/* How many attachments of the run's judgements are external. */
static size_t
count_external(const struct assay_run *r)
{
	size_t i, k, n = 0;

	for (i = 0; i < r->njudgements; i++)
		for (k = 0; k < r->judgements[i].nfiles; k++)
			n += r->judgements[i].files[k].external != 0;
	return n + r->nexternals;
}


/* A judgement's attachments: file, SHA-256, external (TS 103 701 4.7). */
static void
json_attachments(const struct assay_mask *m, struct assay_json *j,
    const struct assay_judgement *g)
{
	size_t k;

	assay_json_key(j, "attachments");
	assay_json_begin_array(j);
	for (k = 0; k < g->nfiles; k++) {
		assay_json_begin_object(j);
		jkv(m, j, "file", g->files[k].file);
		jkv(m, j, "sha256", g->files[k].sha256);
		assay_json_kv_bool(j, "external", g->files[k].external);
		assay_json_end_object(j);
	}
	assay_json_end_array(j);
}

static void
json_judgement(const struct assay_mask *m, struct assay_json *j,
    const struct assay_judgement *g, size_t no)
{
	char id[24];

	snprintf(id, sizeof(id), "J%zu", no);
	assay_json_begin_object(j);
	jkv(m, j, "id", id);
	jkv(m, j, "kind", "opinion");
	jkv(m, j, "test_case", g->test_case);
	jkv(m, j, "unit", g->unit);
	jkv(m, j, "verdict", assay_verdict_name(g->verdict));
	jkv(m, j, "assessor", g->assessor);
	jkv(m, j, "at", g->at);
	jkv(m, j, "rationale", g->rationale);
	jkv(m, j, "observation", g->observation);
	jkv(m, j, "source", g->source);
	json_attachments(m, j, g);
	assay_json_end_object(j);
}

/* One unit: verdict, reason, evidence, who decided it and by what. */
static void
json_unit(const struct assay_run *r, struct assay_json *j, size_t tc,
    const struct assay_result *t, const struct assay_unit_result *u)
{
	const struct assay_mask *m = &r->mask;
	const struct assay_judgement *g = u->judgement;
	char id[24];
	size_t k;

	assay_json_begin_object(j);
	jkv(m, j, "unit", u->unit);
	jkv(m, j, "verdict", assay_verdict_name(u->verdict));
	jkv(m, j, "reason", u->reason);
	jkv(m, j, "criterion", unit_criterion(r, tc, u));
	assay_json_key(j, "decided_by");
	assay_json_begin_object(j);
	jkv(m, j, "by", assay_decider_key(u->by));
	jkv(m, j, "basis", assay_basis_key(u->basis));
	if (u->by == ASSAY_BY_ASSESSOR && g != NULL) {
		snprintf(id, sizeof(id), "J%zu", judgement_no(r, g));
		jkv(m, j, "judgement", judgement_no(r, g) > 0 ? id : NULL);
		assay_json_kv_bool(j, "opinion", 1);
		jkv(m, j, "assessor", g->assessor);
		jkv(m, j, "at", g->at);
		jkv(m, j, "rationale", g->rationale);
		jkv(m, j, "observation", g->observation);
		json_attachments(m, j, g);
	} else {
		assay_json_kv_bool(j, "opinion", 0);
		jkv(m, j, "rule", unit_rule(r, tc, u));
		jkv(m, j, "probe", u->probe);
		jkv(m, j, "sample", u->sample);
	}
	assay_json_end_object(j);
	assay_json_kv_bool(j, "overruled", u->overruled);
	if (u->by == ASSAY_BY_ASSESSOR) {
		/* What Assay had decided before the person: both values. */
		assay_json_key(j, "assay_decision");
		assay_json_begin_object(j);
		jkv(m, j, "verdict", assay_verdict_name(u->tool_verdict));
		jkv(m, j, "reason", u->tool_reason);
		jkv(m, j, "by", assay_decider_key(u->tool_by));
		jkv(m, j, "rule", unit_rule(r, tc, u));
		jkv(m, j, "probe", u->probe);
		jkv(m, j, "sample", u->sample);
		assay_json_end_object(j);
	}
	/* A unit's evidence: its test case's records, and what was attached. */
	assay_json_key(j, "evidence");
	assay_json_begin_array(j);
	for (k = 0; k < t->nevidence; k++)
		jstr(m, j, t->evidence[k]);
	if (g != NULL && u->by == ASSAY_BY_ASSESSOR)
		for (k = 0; k < g->nfiles; k++)
			jstr(m, j, g->files[k].file);
	assay_json_end_array(j);
	assay_json_end_object(j);
}

/*
 * The liveness watch: what it watched and each time the device stopped
 * answering (the rate then, how long, whether it came back).
 */
static void
json_liveness(const struct assay_run *r, struct assay_json *j)
{
	size_t i;

	assay_json_key(j, "device_liveness");
	assay_json_begin_object(j);
	if (r->liveness_service[0] != '\0')
		jkv(&r->mask, j, "watched", r->liveness_service);
	else
		assay_json_kv_string(j, "watched", "");
	assay_json_key(j, "incidents");
	assay_json_begin_array(j);
	for (i = 0; i < r->nincidents; i++) {
		assay_json_begin_object(j);
		assay_json_kv_string(j, "at", r->incidents[i].at);
		assay_json_kv_int(j, "rate_per_second",
		    (long long)r->incidents[i].rate);
		assay_json_kv_int(j, "down_ms", r->incidents[i].down_ms);
		assay_json_kv_bool(j, "recovered", r->incidents[i].recovered);
		assay_json_end_object(j);
	}
	assay_json_end_array(j);
	assay_json_end_object(j);
}

/* The 7.8 block of report.json: issue, method, customer data, opinions. */
static void
json_iso17025(const struct assay_run *r, struct assay_json *j)
{
	const struct assay_mask *m = &r->mask;
	const char *missing[3];
	size_t i, k, n;

	assay_json_key(j, "method_detail");
	assay_json_begin_object(j);
	jkv(m, j, "name", "ETSI TS 103 701 V1.1.1");
	jkv(m, j, "assay_version", assay_version());
	jkv(m, j, "catalogue_sha256", assay_catalogue_sha256(r->catalogue));
	jkv(m, j, "rules", "each automated unit names the rule it used, "
	    "its basis and probe, and its sample (test_cases[].units[]."
	    "decided_by)");
	assay_json_key(j, "limits");
	assay_json_begin_object(j);
	assay_json_kv_int(j, "max_connections", r->budget_max_connections);
	assay_json_kv_int(j, "max_rate_per_second", r->budget_max_rate);
	assay_json_kv_bool(j, "rate_adaptive", r->budget_adaptive);
	assay_json_kv_int(j, "test_case_timeout_ms", r->tc_timeout_ms);
	assay_json_end_object(j);
	assay_json_end_object(j);

	assay_json_key(j, "customer_information");
	assay_json_begin_object(j);
	jkv(m, j, "statement", assay_report_customer_statement());
	assay_json_key(j, "ics");
	assay_json_begin_object(j);
	jkv(m, j, "supplied_by", "customer");
	jkv(m, j, "sha256", r->ics_sha256[0] ? r->ics_sha256 :
	    assay_forms_ics_sha256(r->forms));
	assay_json_end_object(j);
	assay_json_key(j, "ixit");
	assay_json_begin_object(j);
	jkv(m, j, "supplied_by", "customer");
	jkv(m, j, "sha256", r->ixit_sha256[0] ? r->ixit_sha256 :
	    assay_forms_ixit_sha256(r->forms));
	assay_json_end_object(j);
	assay_json_end_object(j);

	assay_json_key(j, "opinions");
	assay_json_begin_object(j);
	jkv(m, j, "statement", assay_report_opinion_statement());
	assay_json_key(j, "judgements");
	assay_json_begin_array(j);
	for (i = 0; i < r->njudgements; i++)
		json_judgement(m, j, &r->judgements[i], i + 1);
	assay_json_end_array(j);
	assay_json_end_object(j);

	assay_json_key(j, "external_evidence");
	assay_json_begin_object(j);
	jkv(m, j, "statement", external_statement);
	assay_json_key(j, "files");
	assay_json_begin_array(j);
	for (i = 0; i < r->njudgements; i++) {
		const struct assay_judgement *g = &r->judgements[i];
		char id[24];

		for (k = 0; k < g->nfiles; k++) {
			if (!g->files[k].external)
				continue;
			snprintf(id, sizeof(id), "J%zu", i + 1);
			assay_json_begin_object(j);
			jkv(m, j, "file", g->files[k].file);
			jkv(m, j, "sha256", g->files[k].sha256);
			jkv(m, j, "test_case", g->test_case);
			jkv(m, j, "unit", g->unit);
			jkv(m, j, "judgement", id);
			assay_json_end_object(j);
		}
	}
	assay_json_end_array(j);
	assay_json_key(j, "lab_files");
	assay_json_begin_array(j);
	for (i = 0; i < r->nexternals; i++) {
		const struct assay_external *x = &r->externals[i];

		assay_json_begin_object(j);
		jkv(m, j, "kind", x->kind);
		jkv(m, j, "id", x->id);
		jkv(m, j, "file", x->file);
		jkv(m, j, "sha256", x->sha256);
		assay_json_kv_int(j, "size", (long long)x->size);
		assay_json_key(j, "used_by");
		assay_json_begin_array(j);
		json_words(m, j, x->used_by);
		assay_json_end_array(j);
		assay_json_end_object(j);
	}
	assay_json_end_array(j);
	assay_json_end_object(j);

	assay_json_key(j, "authorisation");
	assay_json_begin_object(j);
	jkv(m, j, "authorised_by", r->meta.authorised_by);
	n = assay_report_draft_missing(&r->meta, missing, 3);
	assay_json_kv_bool(j, "draft", r->draft || n > 0);
	assay_json_key(j, "draft_missing");
	assay_json_begin_array(j);
	for (i = 0; i < n; i++)
		jstr(m, j, missing[i]);
	assay_json_end_array(j);
	assay_json_end_object(j);
}

static int
write_json(const struct assay_run *r, const char *dir, FILE *fp)
{
	const struct assay_catalogue *cat = r->catalogue;
	const struct assay_spec *s = r->spec;
	const struct assay_mask *m = &r->mask;
	struct assay_json j;
	struct json_out dev;
	const char *line_missing[3];
	char line[2048];
	size_t i, k, n;

	assay_json_init(&j, fp, 1);
	assay_json_begin_object(&j);
	assay_json_kv_int(&j, "assay_report", 1);
	jkv(m, &j, "report_id", r->report_id);
	assay_json_kv_int(&j, "revision", r->meta.revision > 0 ?
	    r->meta.revision : 1);
	jkv(m, &j, "issued", issued(r));
	jkv(m, &j, "replaces", r->meta.replaces);
	jkv(m, &j, "amendment", r->meta.amendment);
	assay_json_kv_bool(&j, "draft", r->draft ||
	    assay_report_draft_missing(&r->meta, line_missing, 3) > 0);
	assay_json_key(&j, "tool");
	assay_json_begin_object(&j);
	jkv(m, &j, "name", "assay");
	jkv(m, &j, "version", assay_version());
	jkv(m, &j, "catalogue_sha256",
	    assay_catalogue_sha256(cat));
	jkv(m, &j, "spec_sha256", assay_spec_hash(s));
	assay_json_end_object(&j);
	assay_json_key(&j, "standard");
	assay_json_begin_object(&j);
	jkv(m, &j, "name", assay_forms_standard(r->forms));
	jkv(m, &j, "version",
	    assay_forms_standard_version(r->forms));
	jkv(m, &j, "profile", assay_forms_profile(r->forms));
	assay_json_end_object(&j);
	jkv(m, &j, "method", "ETSI TS 103 701 V1.1.1");
	assay_json_key(&j, "laboratory");
	assay_json_begin_object(&j);
	jkv(m, &j, "name", r->meta.lab_name);
	jkv(m, &j, "address", r->meta.lab_address);
	jkv(m, &j, "location", r->meta.location);
	jkv(m, &j, "assessor", r->meta.assessor);
	jkv(m, &j, "authorised_by", r->meta.authorised_by);
	assay_json_end_object(&j);
	assay_json_key(&j, "customer");
	assay_json_begin_object(&j);
	jkv(m, &j, "name", r->meta.customer);
	jkv(m, &j, "contact", r->meta.customer_contact);
	assay_json_end_object(&j);
	assay_json_key(&j, "device");
	assay_json_begin_object(&j);
	for (i = 0; i < NDEVICE_KEYS; i++)
		jkv(m, &j, device_keys[i][1],
		    assay_forms_device(r->forms, device_keys[i][0]));
	assay_json_key(&j, "serial_numbers");
	assay_json_begin_array(&j);
	for (i = 0; i < assay_forms_nserials(r->forms); i++)
		jstr(m, &j, assay_forms_serial(r->forms, i));
	assay_json_end_array(&j);
	/* The item tested as received (ISO/IEC 17025 7.8.2.1 f, h). */
	jkv(m, &j, "received", r->meta.device_received);
	jkv(m, &j, "state", r->meta.device_state);
	assay_json_end_object(&j);
	assay_json_key(&j, "forms");
	assay_json_begin_object(&j);
	assay_json_key(&j, "ics");
	assay_json_begin_object(&j);
	jkv(m, &j, "path", assay_forms_ics_path(r->forms));
	jkv(m, &j, "sha256", assay_forms_ics_sha256(r->forms));
	assay_json_end_object(&j);
	assay_json_key(&j, "ixit");
	assay_json_begin_object(&j);
	jkv(m, &j, "path", assay_forms_ixit_path(r->forms));
	jkv(m, &j, "sha256", assay_forms_ixit_sha256(r->forms));
	assay_json_end_object(&j);
	assay_json_end_object(&j);
	json_iso17025(r, &j);
	jkv(m, &j, "started", r->started);
	jkv(m, &j, "finished", r->finished);
	assay_json_kv_bool(&j, "complete", r->complete);
	jkv(m, &j, "result", assay_overall_name(r->result));
	assay_json_key(&j, "decision_rule");
	assay_json_begin_object(&j);
	jkv(m, &j, "id", ASSAY_DECISION_RULE_ID);
	jkv(m, &j, "text", assay_report_decision_rule());
	assay_json_end_object(&j);
	assay_json_key(&j, "scope");
	assay_json_begin_object(&j);
	jkv(m, &j, "kind", r->scope[0] ? "partial" : "full");
	jkv(m, &j, "text", assay_report_scope_text(r, line, sizeof(line)));
	assay_json_key(&j, "only");
	assay_json_begin_array(&j);
	json_words(m, &j, r->scope);
	assay_json_end_array(&j);
	assay_json_key(&j, "provisions_not_in_scope");
	assay_json_begin_array(&j);
	for (i = 0; i < assay_spec_nprovisions(s); i++)
		if (!r->prov[i].in_scope && assay_run_lists_provision(r, i))
			jstr(m, &j, assay_spec_provision_id(s, i));
	assay_json_end_array(&j);
	assay_json_end_object(&j);
	json_profile(r, &j);
	json_liveness(r, &j);
	assay_json_key(&j, "summary");
	assay_json_begin_object(&j);
	jkv(m, &j, "result", assay_overall_name(r->result));
	jkv(m, &j, "result_text", assay_report_result_line(r, line, sizeof(line)));
	jkv(m, &j, "test_case_verdict", assay_verdict_name(r->verdict));
	assay_json_kv_int(&j, "applicable", (long long)r->tally.applicable);
	assay_json_kv_int(&j, "assessed", (long long)r->tally.assessed);
	assay_json_kv_int(&j, "failed", (long long)r->tally.fail);
	assay_json_kv_int(&j, "not_fulfilled", (long long)r->tally.not_fulfilled);
	assay_json_kv_int(&j, "not_applicable",
	    (long long)r->tally.not_applicable);
	assay_json_kv_int(&j, "not_in_scope", (long long)r->tally.out_of_scope);
	assay_json_kv_int(&j, "not_in_profile",
	    (long long)r->tally.not_in_profile);
	assay_json_kv_int(&j, "units_pending_person",
	    (long long)r->units_pending);
	assay_json_kv_int(&j, "units_from_text", (long long)r->units_text);
	assay_json_kv_int(&j, "judgements", (long long)r->njudgements);
	assay_json_key(&j, "test_cases");
	json_counts(&j, r->tc_counts);
	assay_json_key(&j, "provisions");
	json_counts(&j, r->prov_counts);
	assay_json_end_object(&j);
	assay_json_key(&j, "deviations");
	assay_json_begin_array(&j);
	dev.m = m;
	dev.j = &j;
	assay_report_deviations(r, json_deviation, &dev);
	assay_json_end_array(&j);
	assay_json_key(&j, "observations");
	assay_json_begin_array(&j);
	for (i = 0; i < r->nobservations; i++) {
		const struct assay_observation *ob = &r->observations[i];

		assay_json_begin_object(&j);
		jkv(m, &j, "test_case", ob->test_case);
		jkv(m, &j, "file", ob->file);
		jkv(m, &j, "sha256", ob->sha256);
		jkv(m, &j, "recorded_by", ob->recorded_by);
		jkv(m, &j, "recorded_at", ob->recorded_at);
		assay_json_end_object(&j);
	}
	assay_json_end_array(&j);

	assay_json_key(&j, "provisions");
	assay_json_begin_array(&j);
	n = assay_spec_nprovisions(s);
	for (i = 0; i < n; i++) {
		const struct assay_prov_outcome *p = &r->prov[i];
		const char *id = assay_spec_provision_id(s, i);

		if (!assay_run_lists_provision(r, i))
			continue;
		assay_json_begin_object(&j);
		jkv(m, &j, "id", id);
		if (assay_spec_provision_extra(s, i)) {
			/* New or split in V3.1.3: Assay's own test cases. */
			assay_json_kv_bool(&j, "assay_defined", 1);
			jkv(m, &j, "edition", assay_spec_provision_edition(s, i));
		}
		jkv(m, &j, "clause", assay_spec_provision_clause(s, i));
		jkv(m, &j, "status", assay_spec_provision_status(s, i));
		assay_json_kv_bool(&j, "mandatory",
		    assay_spec_provision_mandatory(s, i));
		jkv(m, &j, "support", p->support_known ?
		    assay_support_name(p->support) : NULL);
		jkv(m, &j, "detail", p->detail);
		assay_json_kv_bool(&j, "applicable", p->applicable);
		assay_json_kv_bool(&j, "in_scope", p->in_scope);
		jkv(m, &j, "verdict", assay_report_prov_verdict_name(p));
		jkv(m, &j, "reason", p->reason);
		assay_json_key(&j, "test_cases");
		assay_json_begin_array(&j);
		for (k = 0; k < assay_catalogue_count(cat); k++)
			if (strcmp(assay_catalogue_group(cat, k), id) == 0)
				jstr(m, &j, assay_catalogue_id(cat, k));
		assay_json_end_array(&j);
		assay_json_end_object(&j);
	}
	assay_json_end_array(&j);

	assay_json_key(&j, "test_cases");
	assay_json_begin_array(&j);
	for (i = 0; i < assay_catalogue_count(cat); i++) {
		const struct assay_result *t = &r->results[i];

		if (!assay_run_lists_testcase(r, i))
			continue;
		assay_json_begin_object(&j);
		jkv(m, &j, "id", assay_catalogue_id(cat, i));
		jkv(m, &j, "group", assay_catalogue_group(cat, i));
		if (assay_run_testcase_assay_defined(r, i))
			assay_json_kv_bool(&j, "assay_defined", 1);
		jkv(m, &j, "type",
		    assay_tc_type_name(assay_catalogue_type(cat, i)));
		jkv(m, &j, "purpose", assay_catalogue_purpose(cat, i));
		jkv(m, &j, "ixit_items", assay_catalogue_ixit(cat, i));
		assay_json_kv_bool(&j, "ran", r->selected[i] &&
		    t->started[0] != '\0');
		jkv(m, &j, "verdict", assay_verdict_name(t->verdict));
		jkv(m, &j, "reason", t->reason ? t->reason : "");
		jkv(m, &j, "started", t->started[0] ? t->started :
		    NULL);
		assay_json_kv_int(&j, "duration_ms", t->duration_ms);
		assay_json_key(&j, "units");
		assay_json_begin_array(&j);
		for (k = 0; k < t->nunits; k++)
			json_unit(r, &j, i, t, &t->units[k]);
		assay_json_end_array(&j);
		assay_json_key(&j, "evidence");
		assay_json_begin_array(&j);
		for (k = 0; k < t->nevidence; k++)
			jstr(m, &j, t->evidence[k]);
		assay_json_end_array(&j);
		assay_json_end_object(&j);
	}
	assay_json_end_array(&j);
	assay_json_end_object(&j);
	return 0;
}

/* --- XML ------------------------------------------------------------------ */

char *
assay_report_xml_text(const struct assay_mask *m, const char *s0)
{
	char *s = assay_mask_apply(m, s0);
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0, o = 0, n;
	uint32_t cp;
	char *out;

	if (s == NULL) {
		assay_report_note_error(ASSAY_ERR_ALLOC);
		return NULL;
	}
	len = strlen(s);
	/* Worst case: 2 bytes of a C1 control become 8 ("[U+0085]"). */
	if (len > (SIZE_MAX - 1) / 4 || (out = malloc(len * 4 + 1)) == NULL) {
		assay_report_note_error(ASSAY_ERR_ALLOC);
		free(s);
		return NULL;
	}
	while (i < len) {
		n = assay_utf8_next(p + i, len - i, &cp);
		if (cp == ASSAY_UTF8_BAD || !assay_utf8_xml_char(cp)) {
			memcpy(out + o, ASSAY_UTF8_REPLACEMENT_STR, 3);
			o += 3;
		} else if (assay_utf8_bidi(cp) || (cp >= 0x80 && cp <= 0x9f))
			o += (size_t)sprintf(out + o, "[U+%04X]", (unsigned int)cp);
		else {
			memcpy(out + o, p + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	free(s);
	return out;
}

void
assay_report_x_attr(const struct assay_mask *m, xmlTextWriterPtr w,
    const char *name, const char *value)
{
	char *c;

	if (value == NULL || (c = assay_report_xml_text(m, value)) == NULL)
		return;
	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST c);
	free(c);
}

static void
x_attr_int(xmlTextWriterPtr w, const char *name, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST buf);
}

void
assay_report_x_elem(const struct assay_mask *m, xmlTextWriterPtr w,
    const char *name, const char *text)
{
	char *c;

	if (text == NULL || (c = assay_report_xml_text(m, text)) == NULL)
		return;
	xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST c);
	free(c);
}

void
assay_report_x_text(const struct assay_mask *m, xmlTextWriterPtr w,
    const char *text)
{
	char *c;

	if (text == NULL || (c = assay_report_xml_text(m, text)) == NULL)
		return;
	xmlTextWriterWriteString(w, BAD_CAST c);
	free(c);
}

static void
x_counts(xmlTextWriterPtr w, const size_t *c)
{
	x_attr_int(w, "pass", (long long)c[ASSAY_VERDICT_PASS]);
	x_attr_int(w, "fail", (long long)c[ASSAY_VERDICT_FAIL]);
	x_attr_int(w, "inconclusive", (long long)c[ASSAY_VERDICT_INCONCLUSIVE]);
	x_attr_int(w, "not-applicable",
	    (long long)c[ASSAY_VERDICT_NOT_APPLICABLE]);
	x_attr_int(w, "not-fulfilled",
	    (long long)c[ASSAY_VERDICT_NOT_FULFILLED]);
	x_attr_int(w, "error", (long long)c[ASSAY_VERDICT_ERROR]);
	x_attr_int(w, "none", (long long)c[ASSAY_VERDICT_NONE]);
}

static void
xml_deviation(void *arg, const struct assay_deviation *dv)
{
	const struct xml_out *o = arg;
	const struct assay_mask *m = o->m;
	xmlTextWriterPtr w = o->w;
	char *c;

	xmlTextWriterStartElement(w, BAD_CAST "deviation");
	x_attr(m, w, "kind", dv->kind);
	x_attr(m, w, "ref", dv->ref);
	if ((c = assay_report_xml_text(m, dv->text)) != NULL)
		xmlTextWriterWriteString(w, BAD_CAST c);
	free(c);
	xmlTextWriterEndElement(w);
}

/* The liveness watch, as report.json's device_liveness. */
static void
xml_liveness(const struct assay_run *r, xmlTextWriterPtr w)
{
	size_t i;

	xmlTextWriterStartElement(w, BAD_CAST "device-liveness");
	x_attr(&r->mask, w, "watched", r->liveness_service);
	for (i = 0; i < r->nincidents; i++) {
		xmlTextWriterStartElement(w, BAD_CAST "incident");
		x_attr(&r->mask, w, "at", r->incidents[i].at);
		x_attr_int(w, "rate-per-second", (long long)r->incidents[i].rate);
		x_attr_int(w, "down-ms", r->incidents[i].down_ms);
		x_attr(&r->mask, w, "recovered", r->incidents[i].recovered ?
		    "true" : "false");
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);
}

static void
xml_profile_field(void *arg, const char *label, const char *value)
{
	const struct xml_out *o = arg;

	xmlTextWriterStartElement(o->w, BAD_CAST "field");
	x_attr(o->m, o->w, "label", label);
	if (value != NULL)
		x_text(o->m, o->w, value);
	xmlTextWriterEndElement(o->w);
}

static void
xml_profile(const struct assay_run *r, xmlTextWriterPtr w)
{
	const struct assay_profile *pf = r->profile;
	const struct assay_mask *m = &r->mask;
	struct xml_out o = { m, w };
	char reason[2048];
	size_t i, k;

	if (pf == NULL)
		return;
	xmlTextWriterStartElement(w, BAD_CAST "profile");
	x_attr(m, w, "id", pf->id);
	x_attr(m, w, "sha256", pf->sha256);
	x_attr(m, w, "view-of", r->view_of);
	x_elem(m, w, "title", pf->title);
	x_elem(m, w, "numbering", pf->numbering);
	for (i = 0; i < pf->nsources; i++)
		x_elem(m, w, "source", pf->sources[i]);
	for (i = 0; i < pf->nnotes; i++)
		x_elem(m, w, "note", pf->notes[i]);
	if (pf->nchanges > 0) {
		xmlTextWriterStartElement(w, BAD_CAST "tailoring");
		x_attr(m, w, "id", pf->tailoring_id);
		x_attr(m, w, "sha256", pf->tailoring_sha256);
		x_elem(m, w, "title", pf->tailoring_title);
		for (i = 0; i < pf->nchanges; i++) {
			xmlTextWriterStartElement(w, BAD_CAST "change");
			x_attr(m, w, "action", pf->changes[i].add ? "select" :
			    "deselect");
			x_attr(m, w, "test-case", pf->changes[i].test_case);
			x_text(m, w, pf->changes[i].justification);
			xmlTextWriterEndElement(w);
		}
		xmlTextWriterEndElement(w);
	}
	for (i = 0; i < pf->nitems; i++) {
		const struct assay_profile_item *it = &pf->items[i];
		const char *v = assay_report_item_verdict(r, it, reason,
		    sizeof(reason));

		xmlTextWriterStartElement(w, BAD_CAST "item");
		x_attr(m, w, "id", it->id);
		x_attr(m, w, "ref", it->ref);
		x_attr(m, w, "relation", it->relation);
		x_attr(m, w, "verdict", v);
		x_elem(m, w, "title", it->title);
		for (k = 0; k < it->nprovisions; k++)
			x_elem(m, w, "provision", it->provisions[k]);
		if (reason[0] != '\0')
			x_elem(m, w, "reason", reason);
		x_elem(m, w, "note", it->note);
		xmlTextWriterEndElement(w);
	}
	if (pf->statement_title != NULL) {
		xmlTextWriterStartElement(w, BAD_CAST "statement");
		x_elem(m, w, "title", pf->statement_title);
		for (i = 0; i < pf->nstatement; i++)
			x_elem(m, w, "para", pf->statement[i]);
		assay_report_statement_fields(r, xml_profile_field, &o);
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);
}

static void
xml_attachments(const struct assay_mask *m, xmlTextWriterPtr w,
    const struct assay_judgement *g)
{
	size_t k;

	for (k = 0; k < g->nfiles; k++) {
		xmlTextWriterStartElement(w, BAD_CAST "attachment");
		x_attr(m, w, "file", g->files[k].file);
		x_attr(m, w, "sha256", g->files[k].sha256);
		x_attr(m, w, "external", g->files[k].external ? "true" :
		    "false");
		xmlTextWriterEndElement(w);
	}
}

/* The 7.8 elements after the forms: customer data, opinions, external. */
static void
xml_customer_opinions(const struct assay_run *r, xmlTextWriterPtr w)
{
	const struct assay_mask *m = &r->mask;
	char id[24];
	size_t i, k;

	xmlTextWriterStartElement(w, BAD_CAST "customer-information");
	x_elem(m, w, "statement", assay_report_customer_statement());
	xmlTextWriterStartElement(w, BAD_CAST "ics");
	x_attr(m, w, "supplied-by", "customer");
	x_attr(m, w, "sha256", r->ics_sha256[0] ? r->ics_sha256 :
	    assay_forms_ics_sha256(r->forms));
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "ixit");
	x_attr(m, w, "supplied-by", "customer");
	x_attr(m, w, "sha256", r->ixit_sha256[0] ? r->ixit_sha256 :
	    assay_forms_ixit_sha256(r->forms));
	xmlTextWriterEndElement(w);
	xmlTextWriterEndElement(w);

	xmlTextWriterStartElement(w, BAD_CAST "opinions");
	x_elem(m, w, "statement", assay_report_opinion_statement());
	for (i = 0; i < r->njudgements; i++) {
		const struct assay_judgement *g = &r->judgements[i];

		snprintf(id, sizeof(id), "J%zu", i + 1);
		xmlTextWriterStartElement(w, BAD_CAST "judgement");
		x_attr(m, w, "id", id);
		x_attr(m, w, "kind", "opinion");
		x_attr(m, w, "test-case", g->test_case);
		x_attr(m, w, "unit", g->unit);
		x_attr(m, w, "verdict", assay_verdict_name(g->verdict));
		x_attr(m, w, "assessor", g->assessor);
		x_attr(m, w, "at", g->at);
		x_attr(m, w, "observation", g->observation);
		x_attr(m, w, "source", g->source);
		x_elem(m, w, "rationale", g->rationale);
		xml_attachments(m, w, g);
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);

	xmlTextWriterStartElement(w, BAD_CAST "external-evidence");
	x_attr_int(w, "count", (long long)count_external(r));
	x_elem(m, w, "statement", external_statement);
	for (i = 0; i < r->njudgements; i++) {
		const struct assay_judgement *g = &r->judgements[i];

		for (k = 0; k < g->nfiles; k++) {
			if (!g->files[k].external)
				continue;
			snprintf(id, sizeof(id), "J%zu", i + 1);
			xmlTextWriterStartElement(w, BAD_CAST "file");
			x_attr(m, w, "path", g->files[k].file);
			x_attr(m, w, "sha256", g->files[k].sha256);
			x_attr(m, w, "test-case", g->test_case);
			x_attr(m, w, "unit", g->unit);
			x_attr(m, w, "judgement", id);
			xmlTextWriterEndElement(w);
		}
	}
	for (i = 0; i < r->nexternals; i++) {
		const struct assay_external *x = &r->externals[i];

		xmlTextWriterStartElement(w, BAD_CAST "lab-file");
		x_attr(m, w, "kind", x->kind);
		x_attr(m, w, "id", x->id);
		x_attr(m, w, "path", x->file);
		x_attr(m, w, "sha256", x->sha256);
		x_attr_int(w, "size", (long long)x->size);
		x_attr(m, w, "used-by", x->used_by);
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);
}

/* One unit: the reason as text, who decided it and by what as attributes. */
static void
xml_unit(const struct assay_run *r, xmlTextWriterPtr w, size_t tc,
    const struct assay_unit_result *u)
{
	const struct assay_mask *m = &r->mask;
	const struct assay_judgement *g = u->judgement;
	char id[24];

	xmlTextWriterStartElement(w, BAD_CAST "unit");
	x_attr(m, w, "id", u->unit);
	x_attr(m, w, "verdict", assay_verdict_name(u->verdict));
	x_attr(m, w, "by", assay_decider_key(u->by));
	x_attr(m, w, "basis", assay_basis_key(u->basis));
	x_attr(m, w, "criterion", unit_criterion(r, tc, u));
	x_attr(m, w, "rule", unit_rule(r, tc, u));
	x_attr(m, w, "probe", u->probe);
	x_attr(m, w, "sample", u->sample);
	if (u->by == ASSAY_BY_ASSESSOR) {
		if (g != NULL && judgement_no(r, g) > 0) {
			snprintf(id, sizeof(id), "J%zu", judgement_no(r, g));
			x_attr(m, w, "judgement", id);
			x_attr(m, w, "assessor", g->assessor);
			x_attr(m, w, "at", g->at);
		}
		x_attr(m, w, "opinion", "true");
		x_attr(m, w, "overruled", u->overruled ? "true" : "false");
		x_attr(m, w, "tool-verdict",
		    assay_verdict_name(u->tool_verdict));
		x_attr(m, w, "tool-by", assay_decider_key(u->tool_by));
		x_attr(m, w, "tool-reason", u->tool_reason);
	}
	x_text(m, w, u->reason);
	xmlTextWriterEndElement(w);
}

static int
write_xml(const struct assay_run *r, const char *dir, FILE *fp)
{
	const struct assay_catalogue *cat = r->catalogue;
	const struct assay_spec *s = r->spec;
	const struct assay_mask *m = &r->mask;
	xmlTextWriterPtr w;
	struct xml_out dev;
	const char *missing[3];
	char line[2048];
	size_t i, k, ndraft;
	int rc = 0;

	ndraft = assay_report_draft_missing(&r->meta, missing, 3);

	if ((w = assay_report_xml_writer(fp)) == NULL)
		return ASSAY_ERR_ALLOC;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "report");
	x_attr(m, w, "xmlns", ASSAY_REPORT_XML_NS);
	x_attr(m, w, "version", "1");
	x_attr(m, w, "id", r->report_id);
	x_attr_int(w, "revision", r->meta.revision > 0 ? r->meta.revision : 1);
	x_attr(m, w, "issued", issued(r));
	x_attr(m, w, "draft", ndraft > 0 || r->draft ? "true" : "false");

	xmlTextWriterStartElement(w, BAD_CAST "tool");
	x_attr(m, w, "name", "assay");
	x_attr(m, w, "version", assay_version());
	x_attr(m, w, "catalogue-sha256", assay_catalogue_sha256(cat));
	x_attr(m, w, "spec-sha256", assay_spec_hash(s));
	xmlTextWriterEndElement(w);
	if (ndraft > 0 || r->draft) {
		/* 7.8.2.1: a draft says what it lacks to be issued. */
		xmlTextWriterStartElement(w, BAD_CAST "draft");
		for (i = 0; i < ndraft; i++)
			x_elem(m, w, "missing", missing[i]);
		xmlTextWriterEndElement(w);
	}
	if (r->meta.replaces != NULL) {
		xmlTextWriterStartElement(w, BAD_CAST "amendment");
		x_attr(m, w, "replaces", r->meta.replaces);
		x_text(m, w, r->meta.amendment != NULL ? r->meta.amendment :
		    "");
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterStartElement(w, BAD_CAST "standard");
	x_attr(m, w, "name", assay_forms_standard(r->forms));
	x_attr(m, w, "version", assay_forms_standard_version(r->forms));
	x_attr(m, w, "profile", assay_forms_profile(r->forms));
	xmlTextWriterEndElement(w);
	x_elem(m, w, "method", "ETSI TS 103 701 V1.1.1");
	/* The method's limits (7.8.3.1): what the probes were allowed. */
	xmlTextWriterStartElement(w, BAD_CAST "method-limits");
	x_attr_int(w, "max-connections", r->budget_max_connections);
	x_attr_int(w, "max-rate-per-second", r->budget_max_rate);
	x_attr_int(w, "test-case-timeout-ms", r->tc_timeout_ms);
	x_attr(m, w, "assay-version", assay_version());
	x_attr(m, w, "catalogue-sha256", assay_catalogue_sha256(cat));
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "laboratory");
	x_elem(m, w, "name", r->meta.lab_name);
	x_elem(m, w, "address", r->meta.lab_address);
	x_elem(m, w, "location", r->meta.location);
	x_elem(m, w, "assessor", r->meta.assessor);
	x_elem(m, w, "authorised-by", r->meta.authorised_by);
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "customer");
	x_elem(m, w, "name", r->meta.customer);
	x_elem(m, w, "contact", r->meta.customer_contact);
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "device");
	for (i = 0; i < NDEVICE_KEYS; i++)
		x_elem(m, w, device_keys[i][0], assay_forms_device(r->forms,
		    device_keys[i][0]));
	for (i = 0; i < assay_forms_nserials(r->forms); i++)
		x_elem(m, w, "serial-number", assay_forms_serial(r->forms, i));
	x_elem(m, w, "received", r->meta.device_received);
	x_elem(m, w, "state", r->meta.device_state);
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "forms");
	xmlTextWriterStartElement(w, BAD_CAST "ics");
	x_attr(m, w, "path", assay_forms_ics_path(r->forms));
	x_attr(m, w, "sha256", assay_forms_ics_sha256(r->forms));
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "ixit");
	x_attr(m, w, "path", assay_forms_ixit_path(r->forms));
	x_attr(m, w, "sha256", assay_forms_ixit_sha256(r->forms));
	xmlTextWriterEndElement(w);
	xmlTextWriterEndElement(w);
	xml_customer_opinions(r, w);
	xmlTextWriterStartElement(w, BAD_CAST "run");
	x_attr(m, w, "started", r->started);
	x_attr(m, w, "finished", r->finished);
	x_attr(m, w, "complete", r->complete ? "true" : "false");
	x_attr_int(w, "jobs", r->jobs);
	xmlTextWriterEndElement(w);
	xml_liveness(r, w);
	xmlTextWriterStartElement(w, BAD_CAST "decision-rule");
	x_attr(m, w, "id", ASSAY_DECISION_RULE_ID);
	x_text(m, w, assay_report_decision_rule());
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "scope");
	x_attr(m, w, "kind", r->scope[0] ? "partial" : "full");
	x_attr(m, w, "only", r->scope[0] ? r->scope : NULL);
	x_attr_int(w, "provisions-in-scope", (long long)(assay_run_nlisted(r) -
	    r->tally.out_of_scope - r->tally.not_in_profile));
	x_attr_int(w, "provisions-not-in-scope", (long long)r->tally.out_of_scope);
	x_text(m, w, assay_report_scope_text(r, line, sizeof(line)));
	xmlTextWriterEndElement(w);
	xml_profile(r, w);
	xmlTextWriterStartElement(w, BAD_CAST "summary");
	x_attr(m, w, "result", assay_overall_name(r->result));
	x_attr(m, w, "scope", r->scope[0] ? "partial" : "full");
	x_attr_int(w, "applicable", (long long)r->tally.applicable);
	x_attr_int(w, "assessed", (long long)r->tally.assessed);
	x_attr_int(w, "failed", (long long)r->tally.fail);
	x_attr_int(w, "not-in-scope", (long long)r->tally.out_of_scope);
	x_attr_int(w, "not-in-profile", (long long)r->tally.not_in_profile);
	x_attr(m, w, "test-case-verdict", assay_verdict_name(r->verdict));
	x_attr_int(w, "units-pending-person", (long long)r->units_pending);
	x_attr_int(w, "units-from-text", (long long)r->units_text);
	x_attr_int(w, "judgements", (long long)r->njudgements);
	x_counts(w, r->tc_counts);
	xmlTextWriterStartElement(w, BAD_CAST "provisions");
	x_counts(w, r->prov_counts);
	xmlTextWriterEndElement(w);
	x_elem(m, w, "result-text", assay_report_result_line(r, line, sizeof(line)));
	xmlTextWriterEndElement(w);

	xmlTextWriterStartElement(w, BAD_CAST "deviations");
	dev.m = m;
	dev.w = w;
	assay_report_deviations(r, xml_deviation, &dev);
	xmlTextWriterEndElement(w);
	xmlTextWriterStartElement(w, BAD_CAST "observations");
	for (i = 0; i < r->nobservations; i++) {
		const struct assay_observation *ob = &r->observations[i];

		xmlTextWriterStartElement(w, BAD_CAST "observation");
		x_attr(m, w, "test-case", ob->test_case);
		x_attr(m, w, "file", ob->file);
		x_attr(m, w, "sha256", ob->sha256);
		x_attr(m, w, "recorded-by", ob->recorded_by);
		x_attr(m, w, "recorded-at", ob->recorded_at);
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);

	xmlTextWriterStartElement(w, BAD_CAST "provisions");
	for (i = 0; i < assay_spec_nprovisions(s); i++) {
		const struct assay_prov_outcome *p = &r->prov[i];
		const char *id = assay_spec_provision_id(s, i);

		if (!assay_run_lists_provision(r, i))
			continue;
		xmlTextWriterStartElement(w, BAD_CAST "provision");
		x_attr(m, w, "id", id);
		if (assay_spec_provision_extra(s, i)) {
			x_attr(m, w, "assay-defined", "true");
			x_attr(m, w, "edition",
			    assay_spec_provision_edition(s, i));
		}
		x_attr(m, w, "clause", assay_spec_provision_clause(s, i));
		x_attr(m, w, "status", assay_spec_provision_status(s, i));
		x_attr(m, w, "mandatory", assay_spec_provision_mandatory(s, i) ?
		    "true" : "false");
		if (p->support_known)
			x_attr(m, w, "support", assay_support_name(p->support));
		x_attr(m, w, "applicable", p->applicable ? "true" : "false");
		x_attr(m, w, "in-scope", p->in_scope ? "true" : "false");
		x_attr(m, w, "verdict", assay_report_prov_verdict_name(p));
		if (p->detail != NULL && *p->detail != '\0')
			x_elem(m, w, "detail", p->detail);
		if (p->reason != NULL && *p->reason != '\0')
			x_elem(m, w, "reason", p->reason);
		for (k = 0; k < assay_catalogue_count(cat); k++) {
			if (strcmp(assay_catalogue_group(cat, k), id) != 0)
				continue;
			xmlTextWriterStartElement(w, BAD_CAST "test-case-ref");
			x_attr(m, w, "id", assay_catalogue_id(cat, k));
			xmlTextWriterEndElement(w);
		}
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);

	xmlTextWriterStartElement(w, BAD_CAST "test-cases");
	for (i = 0; i < assay_catalogue_count(cat); i++) {
		const struct assay_result *t = &r->results[i];

		if (!assay_run_lists_testcase(r, i))
			continue;
		xmlTextWriterStartElement(w, BAD_CAST "test-case");
		x_attr(m, w, "id", assay_catalogue_id(cat, i));
		x_attr(m, w, "group", assay_catalogue_group(cat, i));
		if (assay_run_testcase_assay_defined(r, i))
			x_attr(m, w, "assay-defined", "true");
		x_attr(m, w, "type", assay_tc_type_name(assay_catalogue_type(cat, i)));
		x_attr(m, w, "verdict", assay_verdict_name(t->verdict));
		if (t->started[0] != '\0')
			x_attr(m, w, "started", t->started);
		x_attr_int(w, "duration-ms", t->duration_ms);
		x_elem(m, w, "purpose", assay_catalogue_purpose(cat, i));
		x_elem(m, w, "reason", t->reason ? t->reason : "");
		for (k = 0; k < t->nunits; k++)
			xml_unit(r, w, i, &t->units[k]);
		for (k = 0; k < t->nevidence; k++) {
			xmlTextWriterStartElement(w, BAD_CAST "evidence");
			x_attr(m, w, "href", t->evidence[k]);
			xmlTextWriterEndElement(w);
		}
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);
	xmlTextWriterEndElement(w);
	if (xmlTextWriterEndDocument(w) < 0)
		rc = ASSAY_ERR_IO;
	xmlFreeTextWriter(w);
	return rc;
}

xmlTextWriterPtr
assay_report_xml_writer(FILE *fp)
{
	xmlOutputBufferPtr out;
	xmlTextWriterPtr w;

	/* The buffer flushes to fp but never closes it: the caller does. */
	if ((out = xmlOutputBufferCreateFile(fp, NULL)) == NULL)
		return NULL;
	if ((w = xmlNewTextWriter(out)) == NULL) {
		xmlOutputBufferClose(out);
		return NULL;
	}
	return w;
}

/* --- the formats --------------------------------------------------------- */

static const struct assay_report_format formats[] = {
	{ "json",	"report.json",	write_json },
	{ "xml",	"report.xml",	write_xml },
	{ "html",	"report.html",	assay_report_html },
	{ "junit",	"junit.xml",	assay_report_junit },
	{ "sarif",	"report.sarif",	assay_report_sarif },
};

const struct assay_report_format *
assay_report_format(size_t i)
{
	return i < sizeof(formats) / sizeof(formats[0]) ? &formats[i] : NULL;
}

/* libxml2's errors while a report is written: each one loses output. */
static void
xml_error(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
	assay_report_note_error(ASSAY_ERR_ALLOC);
}

static void
xml_serror(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	assay_report_note_error(e != NULL && e->code == XML_ERR_NO_MEMORY ?
	    ASSAY_ERR_ALLOC : ASSAY_ERR_IO);
}

int
assay_report_write(const struct assay_report_format *f,
    const struct assay_run *r, const char *dir, const char *path)
{
	struct assay_file_atomic *a = NULL;
	xmlGenericErrorFunc old_generic;
	xmlStructuredErrorFunc old_structured;
	void *old_generic_ctx, *old_structured_ctx;
	int rc;

	if ((rc = assay_file_atomic_open(path, 0644, &a)) != 0)
		return rc;
	old_generic = xmlGenericError;
	old_generic_ctx = xmlGenericErrorContext;
	old_structured = xmlStructuredError;
	old_structured_ctx = xmlStructuredErrorContext;
	xmlSetGenericErrorFunc(NULL, xml_error);
	xmlSetStructuredErrorFunc(NULL, xml_serror);
	write_err = 0;
	rc = f->write(r, dir, assay_file_atomic_stream(a));
	if (rc == 0)
		rc = write_err;
	write_err = 0;
	xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
	xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);
	if (rc != 0) {
		/* A writer stopped by a failed write: name that (disk full). */
		if (assay_file_atomic_error(a) != 0)
			rc = assay_file_atomic_error(a);
		assay_file_atomic_abort(a);
		return rc;
	}
	return assay_file_atomic_commit(a);
}

int
assay_report_write_all(const struct assay_run *r0, const char *dir,
    struct assay_diag *d)
{
	const struct assay_report_format *f;
	struct assay_report_meta disk;
	struct assay_report_meta_store st;
	struct assay_run r = *r0;
	const char *missing[3];
	char path[ASSAY_PATH_MAX], now[32];
	time_t t = time(NULL);
	struct tm tm;
	size_t i;
	int rc, first = 0;

	/*
	 * One issue of the report: what an earlier issue stated stays
	 * unless the run says otherwise, and is kept again (report.meta,
	 * first, so a signature covers it with the reports).
	 */
	if ((rc = assay_report_meta_load(dir, &disk, &st, NULL, d)) != 0)
		return rc;
	assay_report_meta_merge(&r.meta, &disk);
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	r.meta.issued = now;
	r.draft = assay_report_draft_missing(&r.meta, missing, 3) > 0;
	if ((rc = assay_report_meta_save(dir, &r.meta)) != 0) {
		assay_diag_add(d, dir, 0, "cannot write %s: %s",
		    ASSAY_REPORT_META_FILE, assay_strerror(rc));
		assay_report_meta_store_free(&st);
		return rc;
	}
	for (i = 0; (f = assay_report_format(i)) != NULL; i++) {
		if ((rc = assay_path_join(path, sizeof(path), dir, f->file)) == 0)
			rc = assay_report_write(f, &r, dir, path);
		if (rc != 0) {
			assay_diag_add(d, path[0] ? path : f->file, 0,
			    "cannot write: %s", assay_strerror(rc));
			if (first == 0)
				first = rc;
		}
	}
	assay_report_meta_store_free(&st);
	return first;
}

/*
 * A reason clipped to one line of the summary: at most `max` characters
 * (UTF-8 sequences kept whole), "..." when cut.  The report has them in
 * full.  Returns buf.
 */
#define SUMMARY_REASON_CHARS	100

static const char *
one_line(char *buf, size_t len, const char *s, size_t max)
{
	size_t i = 0, chars = 0;

	if (len < 4)
		return "";
	while (s[i] != '\0' && i + 4 < len) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max)
			break;
		buf[i] = s[i];
		i++;
	}
	/* Never end inside a UTF-8 sequence. */
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	if (s[i] != '\0') {
		memcpy(buf + i, "...", 4);
		return buf;
	}
	buf[i] = '\0';
	return buf;
}

void
assay_report_print_summary(const struct assay_run *r, FILE *fp)
{
	const struct assay_catalogue *cat = r->catalogue;
	const struct assay_spec *s = r->spec;
	char line[2048], e1[512], e2[512], e3[512], e4[ASSAY_TERM_ESC_MAX];
	char clip[512];
	const char *fw;
	size_t i, n = assay_spec_nprovisions(s);

	/* Form fields and reasons are untrusted: escaped for the terminal. */
	fw = assay_forms_device(r->forms, "firmware-version");
	fprintf(fp, "\n%s %s (firmware %s) against %s V%s\n",
	    assay_term_esc(e1, sizeof(e1),
	    assay_forms_device(r->forms, "manufacturer")),
	    assay_term_esc(e2, sizeof(e2),
	    assay_forms_device(r->forms, "model")),
	    assay_term_esc(e3, sizeof(e3), fw != NULL ? fw : "?"),
	    assay_forms_standard(r->forms),
	    assay_forms_standard_version(r->forms));
	fprintf(fp, "Overall: %s\n", assay_report_result_line(r, line,
	    sizeof(line)));
	if (r->profile != NULL && (strcmp(r->profile->id,
	    ASSAY_PROFILE_DEFAULT) != 0 || r->view_of != NULL))
		fprintf(fp, "profile:     %s (%s)%s%s\n", assay_term_esc(e1,
		    sizeof(e1), r->profile->id), assay_term_esc(e2, sizeof(e2),
		    r->profile->title), r->view_of ? ", restating run " : "",
		    r->view_of ? assay_term_esc(e3, sizeof(e3), r->view_of) : "");
	fprintf(fp, "scope:       %s\n", assay_term_esc(e4, sizeof(e4),
	    assay_report_scope_text(r, line, sizeof(line))));
	fprintf(fp, "test cases:  %zu PASS, %zu FAIL, %zu INCONCLUSIVE, "
	    "%zu ERROR, %zu NOT APPLICABLE, %zu NOT FULFILLED, %zu not run\n",
	    r->tc_counts[ASSAY_VERDICT_PASS], r->tc_counts[ASSAY_VERDICT_FAIL],
	    r->tc_counts[ASSAY_VERDICT_INCONCLUSIVE],
	    r->tc_counts[ASSAY_VERDICT_ERROR],
	    r->tc_counts[ASSAY_VERDICT_NOT_APPLICABLE],
	    r->tc_counts[ASSAY_VERDICT_NOT_FULFILLED],
	    r->tc_counts[ASSAY_VERDICT_NONE]);
	fprintf(fp, "provisions:  %zu PASS, %zu FAIL, %zu INCONCLUSIVE, "
	    "%zu ERROR, %zu NOT APPLICABLE, %zu NOT FULFILLED, "
	    "%zu not assessed, %zu not in scope\n",
	    r->prov_counts[ASSAY_VERDICT_PASS],
	    r->prov_counts[ASSAY_VERDICT_FAIL],
	    r->prov_counts[ASSAY_VERDICT_INCONCLUSIVE],
	    r->prov_counts[ASSAY_VERDICT_ERROR],
	    r->prov_counts[ASSAY_VERDICT_NOT_APPLICABLE],
	    r->prov_counts[ASSAY_VERDICT_NOT_FULFILLED],
	    r->prov_counts[ASSAY_VERDICT_NONE], r->tally.out_of_scope);
	for (i = 0; i < r->nincidents; i++)
		fprintf(fp, "device:      stopped answering at %s at %.0f "
		    "connections/s; %s after %lld s\n", r->incidents[i].at,
		    r->incidents[i].rate, r->incidents[i].recovered ?
		    "back" : "given up", r->incidents[i].down_ms / 1000);
	/* Provisions the ICS failed: no test case says so. */
	for (i = 0; i < n; i++) {
		const struct assay_prov_outcome *p = &r->prov[i];

		if (p->in_scope && p->ics_decided &&
		    p->verdict == ASSAY_VERDICT_FAIL)
			fprintf(fp, "  %-5s %-10s %s\n", "FAIL",
			    assay_spec_provision_id(s, i), one_line(clip,
			    sizeof(clip), assay_term_esc(e4, sizeof(e4),
			    p->reason), SUMMARY_REASON_CHARS));
	}
	for (i = 0; i < assay_catalogue_count(cat); i++) {
		const struct assay_result *t = &r->results[i];

		if (!r->selected[i] || (t->verdict != ASSAY_VERDICT_FAIL &&
		    t->verdict != ASSAY_VERDICT_ERROR))
			continue;
		fprintf(fp, "  %-5s %-10s %s\n", t->verdict == ASSAY_VERDICT_FAIL ?
		    "FAIL" : "ERROR", assay_term_esc(e1, sizeof(e1),
		    assay_catalogue_id(cat, i)), one_line(clip, sizeof(clip),
		    assay_term_esc(e4, sizeof(e4), t->reason),
		    SUMMARY_REASON_CHARS));
	}
	for (i = 0; i < n; i++) {
		const struct assay_prov_outcome *p = &r->prov[i];

		if (p->verdict == ASSAY_VERDICT_NOT_FULFILLED && !p->out_of_profile)
			fprintf(fp, "  %-13s %-6s %s\n", "NOT FULFILLED",
			    assay_spec_provision_id(s, i), one_line(clip,
			    sizeof(clip), assay_term_esc(e4, sizeof(e4),
			    p->detail), SUMMARY_REASON_CHARS));
	}
	fprintf(fp, "decision rule: %s (see the report; reasons above are cut "
	    "to one line, the report has them in full)\n",
	    ASSAY_DECISION_RULE_ID);
}

/* --- report.meta: what the report states about itself --------------------- */

static const char *const meta_keys[ASSAY_REPORT_META_NKEYS] = {
	"lab", "lab-address", "location", "customer", "customer-contact",
	"assessor", "authorised-by", "device-received", "device-state",
	"replaces", "amendment", "revision"
};

const char *
assay_report_meta_key(size_t i)
{
	return i < ASSAY_REPORT_META_NKEYS ? meta_keys[i] : NULL;
}

/* The string slot of m for key i, or NULL for "revision". */
static const char **
meta_slot(struct assay_report_meta *m, size_t i)
{
	const char **slots[ASSAY_REPORT_META_NKEYS] = { &m->lab_name,
	    &m->lab_address, &m->location, &m->customer, &m->customer_contact,
	    &m->assessor, &m->authorised_by, &m->device_received,
	    &m->device_state, &m->replaces, &m->amendment, NULL };

	return i < ASSAY_REPORT_META_NKEYS ? slots[i] : NULL;
}

static long
meta_find(const char *key)
{
	size_t i;

	for (i = 0; i < ASSAY_REPORT_META_NKEYS; i++)
		if (strcmp(key, meta_keys[i]) == 0)
			return (long)i;
	return -1;
}

int
assay_report_date_ok(const char *s)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, mo, d, i;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = atoi(s);
	mo = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return 0;
	/* 29 February only in a leap year. */
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return 0;
	return 1;
}

int
assay_report_state_ok(const char *s)
{
	return s != NULL && (strcmp(s, "factory-default") == 0 ||
	    strcmp(s, "initialised") == 0);
}

int
assay_report_meta_set(struct assay_report_meta *m, const char *key,
    const char *value)
{
	const char **slot;
	char *end;
	long i, v;

	if ((i = meta_find(key)) < 0)
		return ASSAY_ERR_NOT_FOUND;
	if (value == NULL) {
		if (strcmp(key, "revision") == 0)
			m->revision = 0;
		else
			*meta_slot(m, (size_t)i) = NULL;
		return 0;
	}
	if (strcmp(key, "revision") == 0) {
		v = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || v < 1 || v > 9999)
			return ASSAY_ERR_PARSE;
		m->revision = (int)v;
		return 0;
	}
	if ((strcmp(key, "device-received") == 0 &&
	    !assay_report_date_ok(value)) ||
	    (strcmp(key, "device-state") == 0 && !assay_report_state_ok(value)))
		return ASSAY_ERR_PARSE;
	slot = meta_slot(m, (size_t)i);
	*slot = value;
	return 0;
}

const char *
assay_report_meta_get(const struct assay_report_meta *m, const char *key)
{
	const char *v[ASSAY_REPORT_META_NKEYS] = { m->lab_name,
	    m->lab_address, m->location, m->customer, m->customer_contact,
	    m->assessor, m->authorised_by, m->device_received,
	    m->device_state, m->replaces, m->amendment, NULL };
	long i;

	return (i = meta_find(key)) < 0 ? NULL : v[i];
}

void
assay_report_meta_store_free(struct assay_report_meta_store *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < ASSAY_REPORT_META_NKEYS; i++) {
		free(st->s[i]);
		st->s[i] = NULL;
	}
}

/* A value as report.meta keeps it: %, controls and DEL as %XX. */
static int
meta_put_encoded(struct assay_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int r = 0;

	for (; *p != '\0' && r == 0; p++) {
		if (*p == '%' || *p < 0x20 || *p == 0x7f)
			r = assay_buf_printf(b, "%%%02X", *p);
		else
			r = assay_buf_put(b, p, 1);
	}
	return r;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s in place; 0, or -1 for a bad escape or an encoded NUL. */
static int
meta_decode(char *s)
{
	char *o = s;
	int h, l;

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		if ((h = hexval((unsigned char)s[1])) < 0 ||
		    (l = hexval((unsigned char)s[2])) < 0 || (h | l) == 0)
			return -1;
		*o++ = (char)(h * 16 + l);
		s += 2;
	}
	*o = '\0';
	return 0;
}

int
assay_report_meta_save(const char *dir, const struct assay_report_meta *m)
{
	char path[ASSAY_PATH_MAX], num[16];
	struct assay_buf *b;
	const char *v;
	size_t i;
	int r;

	if ((r = assay_path_join(path, sizeof(path), dir,
	    ASSAY_REPORT_META_FILE)) != 0)
		return r;
	if ((b = assay_buf_new(ASSAY_REPORT_META_MAX_LEN)) == NULL)
		return ASSAY_ERR_ALLOC;
	r = assay_buf_puts(b, ASSAY_REPORT_META_MAGIC "\n");
	for (i = 0; i < ASSAY_REPORT_META_NKEYS && r == 0; i++) {
		if (strcmp(meta_keys[i], "revision") == 0) {
			snprintf(num, sizeof(num), "%d", m->revision > 0 ?
			    m->revision : 1);
			v = num;
		} else if ((v = assay_report_meta_get(m, meta_keys[i])) == NULL)
			continue;
		if ((r = assay_buf_printf(b, "%s ", meta_keys[i])) == 0 &&
		    (r = meta_put_encoded(b, v)) == 0)
			r = assay_buf_puts(b, "\n");
	}
	if (r == 0)
		r = assay_file_write_atomic(path, assay_buf_data(b),
		    assay_buf_len(b), 0644);
	assay_buf_free(b);
	return r;
}

int
assay_report_meta_parse(const char *name, const char *data, size_t len,
    struct assay_report_meta *m, struct assay_report_meta_store *st,
    struct assay_diag *d)
{
	char *text = NULL, *line, *next, *sp;
	long lineno = 0, k;
	int r;

	memset(m, 0, sizeof(*m));
	memset(st, 0, sizeof(*st));
	if (len > ASSAY_REPORT_META_MAX_LEN) {
		assay_diag_add(d, name, 0, "larger than %d bytes",
		    ASSAY_REPORT_META_MAX_LEN);
		return ASSAY_ERR_TOO_BIG;
	}
	if ((text = strndup(data, len)) == NULL)
		return ASSAY_ERR_ALLOC;
	if (strlen(text) != len) {
		assay_diag_add(d, name, 0, "NUL byte in the file");
		r = ASSAY_ERR_PARSE;
		goto out;
	}
	for (line = text; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (lineno == 1) {
			if (strcmp(line, ASSAY_REPORT_META_MAGIC) != 0) {
				assay_diag_add(d, name, 1, "not a report.meta "
				    "file (first line is not \"%s\")",
				    ASSAY_REPORT_META_MAGIC);
				r = ASSAY_ERR_PARSE;
				goto out;
			}
			continue;
		}
		if ((sp = strchr(line, ' ')) == NULL) {
			assay_diag_add(d, name, lineno, "expected KEY VALUE");
			r = ASSAY_ERR_PARSE;
			goto out;
		}
		*sp++ = '\0';
		if ((k = meta_find(line)) < 0 || st->s[k] != NULL) {
			assay_diag_add(d, name, lineno, k < 0 ? "unknown key" :
			    "key given twice");
			r = ASSAY_ERR_PARSE;
			goto out;
		}
		if (meta_decode(sp) != 0) {
			assay_diag_add(d, name, lineno, "bad %%XX escape");
			r = ASSAY_ERR_PARSE;
			goto out;
		}
		if ((st->s[k] = strdup(sp)) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		if (assay_report_meta_set(m, line, st->s[k]) != 0) {
			assay_diag_add(d, name, lineno, "value not allowed "
			    "for %s", line);
			r = ASSAY_ERR_PARSE;
			goto out;
		}
	}
	if (lineno == 0) {
		assay_diag_add(d, name, 0, "empty file");
		r = ASSAY_ERR_PARSE;
		goto out;
	}
	r = 0;
 out:
	if (r != 0) {
		assay_report_meta_store_free(st);
		memset(m, 0, sizeof(*m));
	}
	free(text);
	return r;
}

int
assay_report_meta_load(const char *dir, struct assay_report_meta *m,
    struct assay_report_meta_store *st, int *found, struct assay_diag *d)
{
	struct assay_buf *b = NULL;
	char path[ASSAY_PATH_MAX];
	int r;

	memset(m, 0, sizeof(*m));
	memset(st, 0, sizeof(*st));
	if (found != NULL)
		*found = 0;
	if ((r = assay_path_join(path, sizeof(path), dir,
	    ASSAY_REPORT_META_FILE)) != 0)
		return r;
	/* Not through a symbolic link: the run directory is the lab's. */
	r = assay_file_read_at(AT_FDCWD, path, ASSAY_FILE_NOFOLLOW,
	    ASSAY_REPORT_META_MAX_LEN, &b);
	if (r == ASSAY_ERR_NOT_FOUND)
		return 0;
	if (r != 0) {
		assay_diag_add(d, path, 0, "cannot read: %s",
		    assay_strerror(r));
		return r;
	}
	if (found != NULL)
		*found = 1;
	r = assay_report_meta_parse(path, assay_buf_data(b), assay_buf_len(b),
	    m, st, d);
	assay_buf_free(b);
	return r;
}

void
assay_report_meta_merge(struct assay_report_meta *dst,
    const struct assay_report_meta *base)
{
	const char **to;
	size_t i;

	for (i = 0; i < ASSAY_REPORT_META_NKEYS; i++) {
		if ((to = meta_slot(dst, i)) == NULL)
			continue;
		if (*to == NULL)
			*to = assay_report_meta_get(base, meta_keys[i]);
	}
	if (dst->revision <= 0)
		dst->revision = base->revision > 0 ? base->revision : 1;
	if (dst->issued == NULL)
		dst->issued = base->issued;
}

size_t
assay_report_draft_missing(const struct assay_report_meta *m,
    const char **names, size_t max)
{
	size_t n = 0;

	if ((m->lab_name == NULL || *m->lab_name == '\0') && n < max)
		names[n++] = "lab name (--lab)";
	if ((m->customer == NULL || *m->customer == '\0') && n < max)
		names[n++] = "customer (--customer)";
	if ((m->authorised_by == NULL || *m->authorised_by == '\0') && n < max)
		names[n++] = "who authorises the report (--authorised-by)";
	return n;
}

const char *
assay_report_customer_statement(void)
{
	return "The ICS and the IXIT were supplied by the customer (the "
	    "manufacturer) and are identified here by the SHA-256 of the "
	    "files as supplied. The laboratory did not verify them: the "
	    "results of conceptual test units, and of units decided from "
	    "the forms' facts or text, rest on this information.";
}

const char *
assay_report_opinion_statement(void)
{
	return "Verdicts decided by an assessor are opinions and "
	    "interpretations of the laboratory (ISO/IEC 17025 7.8.7), "
	    "each with the assessor's name, the time and the rationale; "
	    "they are not the result of an automated check.";
}

/* --- what an amendment changed ------------------------------------------- */

/* An attribute of node as a malloc'd string, or NULL. */
static char *
node_attr(xmlNodePtr node, const char *name)
{
	xmlChar *v = xmlGetProp(node, BAD_CAST name);
	char *c;

	if (v == NULL)
		return NULL;
	c = strdup((const char *)v);
	xmlFree(v);
	return c;
}

static int
is_elem(xmlNodePtr node, const char *name)
{
	return node->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(node->name, BAD_CAST name) == 0;
}

#define MAX_CHANGES_LISTED	200

/* Appends "WHAT: FROM -> TO" as the next item (the first 200 of them). */
static int
change(struct assay_buf *out, size_t *n, const char *what, const char *from,
    const char *to)
{
	int r = 0;

	if (*n < MAX_CHANGES_LISTED)
		r = assay_buf_printf(out, "%s%s: %s -> %s", *n > 0 ? "; " : "",
		    what, from, to);
	(*n)++;
	return r;
}

/* Compares old test case node with result i of r. */
static int
compare_tc(const struct assay_run *r, xmlNodePtr tc, struct assay_buf *out,
    size_t *n)
{
	const struct assay_result *t;
	char *id = NULL, *ov = NULL, *uid = NULL, *uv = NULL, what[256];
	const char *nv;
	xmlNodePtr u;
	long i;
	size_t k;
	int rc = 0;

	if ((id = node_attr(tc, "id")) == NULL ||
	    (ov = node_attr(tc, "verdict")) == NULL ||
	    (i = assay_catalogue_find(r->catalogue, id)) < 0)
		goto out;
	t = &r->results[i];
	nv = assay_verdict_name(t->verdict);
	snprintf(what, sizeof(what), "test case %s", id);
	if (strcmp(ov, nv) != 0 && (rc = change(out, n, what, ov, nv)) != 0)
		goto out;
	for (u = tc->children; u != NULL && rc == 0; u = u->next) {
		if (!is_elem(u, "unit"))
			continue;
		free(uid);
		free(uv);
		uid = node_attr(u, "id");
		uv = node_attr(u, "verdict");
		if (uid == NULL || uv == NULL)
			continue;
		for (k = 0; k < t->nunits; k++)
			if (strcmp(t->units[k].unit, uid) == 0)
				break;
		nv = k < t->nunits ? assay_verdict_name(t->units[k].verdict) :
		    "(no unit)";
		snprintf(what, sizeof(what), "%s unit %s", id, uid);
		if (strcmp(uv, nv) != 0)
			rc = change(out, n, what, uv, nv);
	}
 out:
	free(id);
	free(ov);
	free(uid);
	free(uv);
	return rc;
}

int
assay_report_changes(const struct assay_run *r, const char *old_xml,
    struct assay_buf *out, size_t *n, size_t *njudgements)
{
	struct assay_buf *b = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, c, tc;
	char *res = NULL;
	const char *nres;
	int rc;

	*n = 0;
	*njudgements = 0;
	if ((rc = assay_file_read(old_xml, 16 * 1024 * 1024, &b)) != 0)
		return rc;
	doc = xmlReadMemory(assay_buf_data(b), (int)assay_buf_len(b),
	    "report.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL || doc->intSubset != NULL ||
	    (root = xmlDocGetRootElement(doc)) == NULL ||
	    !is_elem(root, "report")) {
		rc = ASSAY_ERR_PARSE;
		goto out;
	}
	rc = 0;
	for (c = root->children; c != NULL && rc == 0; c = c->next) {
		if (is_elem(c, "summary")) {
			res = node_attr(c, "result");
			nres = assay_overall_name(r->result);
			if (res != NULL && strcmp(res, nres) != 0)
				rc = change(out, n, "overall result", res,
				    nres);
			free(res);
			res = NULL;
		} else if (is_elem(c, "opinions")) {
			for (tc = c->children; tc != NULL; tc = tc->next)
				*njudgements += is_elem(tc, "judgement");
		} else if (is_elem(c, "test-cases"))
			for (tc = c->children; tc != NULL && rc == 0;
			    tc = tc->next)
				if (is_elem(tc, "test-case"))
					rc = compare_tc(r, tc, out, n);
	}
	if (rc == 0 && *n > MAX_CHANGES_LISTED)
		rc = assay_buf_printf(out, "; and %zu more",
		    *n - MAX_CHANGES_LISTED);
 out:
	xmlFreeDoc(doc);
	assay_buf_free(b);
	return rc;
}
