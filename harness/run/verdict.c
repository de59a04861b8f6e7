/*
 * verdict.c - verdict names and the worst-wins algebra.
 */
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "run/verdict.h"

static const struct {
	const char *name, *key;
} names[ASSAY_VERDICT_COUNT] = {
	[ASSAY_VERDICT_NONE] =			{ "NONE", "none" },
	[ASSAY_VERDICT_PASS] =			{ "PASS", "pass" },
	[ASSAY_VERDICT_INCONCLUSIVE] =		{ "INCONCLUSIVE", "inconclusive" },
	[ASSAY_VERDICT_FAIL] =			{ "FAIL", "fail" },
	[ASSAY_VERDICT_ERROR] =			{ "ERROR", "error" },
	[ASSAY_VERDICT_NOT_APPLICABLE] =	{ "NOT APPLICABLE", "not_applicable" },
	[ASSAY_VERDICT_NOT_FULFILLED] =		{ "NOT FULFILLED", "not_fulfilled" },
};

const char *
assay_verdict_name(enum assay_verdict v)
{
	return (unsigned)v < ASSAY_VERDICT_COUNT ? names[v].name : "?";
}

const char *
assay_verdict_key(enum assay_verdict v)
{
	return (unsigned)v < ASSAY_VERDICT_COUNT ? names[v].key : "?";
}

int
assay_verdict_parse(const char *s, enum assay_verdict *out)
{
	int i;

	for (i = 0; i < ASSAY_VERDICT_COUNT; i++) {
		if (strcasecmp(s, names[i].name) == 0 ||
		    strcasecmp(s, names[i].key) == 0) {
			*out = (enum assay_verdict)i;
			return 0;
		}
	}
	if (strcasecmp(s, "N/A") == 0 || strcasecmp(s, "NA") == 0) {
		*out = ASSAY_VERDICT_NOT_APPLICABLE;
		return 0;
	}
	return ASSAY_ERR_PARSE;
}

int
assay_verdict_rank(enum assay_verdict v)
{
	return v == ASSAY_VERDICT_NOT_APPLICABLE ||
	    v == ASSAY_VERDICT_NOT_FULFILLED ? -1 : (int)v;
}

enum assay_verdict
assay_verdict_combine(enum assay_verdict acc, enum assay_verdict child)
{
	return assay_verdict_rank(child) > assay_verdict_rank(acc) ? child : acc;
}

enum assay_overall
assay_overall_decide(const struct assay_tally *t)
{
	if (t->fail > 0)
		return ASSAY_OVERALL_FAIL;
	if (t->partial || !t->complete || t->not_assessed > 0 ||
	    t->inconclusive > 0 || t->error > 0 ||
	    t->assessed < t->applicable || t->applicable == 0 || !t->pass_4_1)
		return ASSAY_OVERALL_INCOMPLETE;
	return ASSAY_OVERALL_PASS;
}

const char *
assay_overall_name(enum assay_overall o)
{
	switch (o) {
	case ASSAY_OVERALL_PASS:
		return "PASS";
	case ASSAY_OVERALL_FAIL:
		return "FAIL";
	default:
		return "INCOMPLETE";
	}
}

int
assay_overall_exit_code(enum assay_overall o)
{
	switch (o) {
	case ASSAY_OVERALL_PASS:
		return 0;
	case ASSAY_OVERALL_FAIL:
		return 1;
	default:
		return 3;
	}
}

static const char *const decider_keys[] = { "assay", "harness", "assessor" };
static const char *const basis_keys[] = { "unstated", "probe", "facts",
    "text", "person" };

const char *
assay_decider_key(enum assay_decider d)
{
	return (size_t)d < sizeof(decider_keys) / sizeof(decider_keys[0]) ?
	    decider_keys[d] : "assay";
}

const char *
assay_basis_key(enum assay_basis b)
{
	return (size_t)b < sizeof(basis_keys) / sizeof(basis_keys[0]) ?
	    basis_keys[b] : "unstated";
}

int
assay_decider_parse(const char *s, enum assay_decider *out)
{
	size_t i;

	for (i = 0; i < sizeof(decider_keys) / sizeof(decider_keys[0]); i++)
		if (strcmp(s, decider_keys[i]) == 0) {
			*out = (enum assay_decider)i;
			return 0;
		}
	return ASSAY_ERR_PARSE;
}

int
assay_basis_parse(const char *s, enum assay_basis *out)
{
	size_t i;

	for (i = 0; i < sizeof(basis_keys) / sizeof(basis_keys[0]); i++)
		if (strcmp(s, basis_keys[i]) == 0) {
			*out = (enum assay_basis)i;
			return 0;
		}
	return ASSAY_ERR_PARSE;
}
