/*
 * cli_explain.c - `assay explain ID`: what a provision, a test case or a
 * test unit checks, from which IXIT items and observations, and how it is
 * decided, in plain words, from the catalogue and the spec as they are
 * (nothing here restates them: a change there shows here).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/json.h"
#include "cli.h"
#include "forms/spec.h"
#include "run/catalogue.h"

/* How a PASS of a unit is reached, one kind in plain words. */
static const char *
kind_words(const char *k)
{
	if (strcmp(k, "automatic") == 0)
		return "a probe decides it: the device listening, the device "
		    "as a client through the lab gateway, or files the lab "
		    "supplies (firmware, captures)";
	if (strcmp(k, "facts") == 0)
		return "structured ICS/IXIT facts decide it by the rule below";
	if (strcmp(k, "assessor") == 0)
		return "a person judges the declared or fetched text Assay "
		    "quotes (assay review)";
	if (strcmp(k, "observation") == 0)
		return "a person records an observation of the device, its "
		    "label, manual or buttons (assay review)";
	return k;
}

/* "automatic+observation" as two sentences, the main kind first. */
static void
print_decided(const char *decided)
{
	char buf[64], *plus;

	snprintf(buf, sizeof(buf), "%s", decided != NULL ? decided : "?");
	if ((plus = strchr(buf, '+')) != NULL)
		*plus++ = '\0';
	printf("    decided:   %s (%s)", buf, kind_words(buf));
	if (plus != NULL)
		printf(";\n               where it cannot, %s (%s)", plus,
		    kind_words(plus));
	printf("\n");
}

static void
print_unit(const struct assay_catalogue *cat, size_t i, const char *l)
{
	const struct assay_unit_decl *u = assay_catalogue_unit(cat, i, l);

	if (u == NULL)
		return;
	printf("  unit %s: %s\n", l, u->criterion);
	print_decided(u->decided);
	if (u->reach != NULL)
		printf("    reach:     %s\n", u->reach);
	if (u->rule != NULL)
		printf("    rule:      %s\n", u->rule);
	if (u->observation != NULL)
		printf("    observe:   %s: %s\n", u->observation,
		    u->observe != NULL ? u->observe : "");
}

static void
json_unit(struct assay_json *j, const struct assay_catalogue *cat, size_t i,
    const char *l)
{
	const struct assay_unit_decl *u = assay_catalogue_unit(cat, i, l);

	if (u == NULL)
		return;
	assay_json_begin_object(j);
	assay_json_kv_string(j, "unit", l);
	assay_json_kv_string(j, "criterion", u->criterion);
	assay_json_kv_string(j, "decided", u->decided);
	assay_json_kv_string(j, "reach", u->reach);
	assay_json_kv_string(j, "rule", u->rule);
	assay_json_kv_string(j, "observation", u->observation);
	assay_json_kv_string(j, "observe", u->observe);
	assay_json_end_object(j);
}

static void
explain_tc(const struct assay_spec *spec, const struct assay_catalogue *cat,
    size_t i, const char *only, struct assay_json *j)
{
	char l[2] = "a";
	const char *ixit = assay_catalogue_ixit(cat, i);
	long k = assay_spec_testcase_find(spec, assay_catalogue_id(cat, i));
	/* Assay's own, for a provision new or split in V3.1.3: say so. */
	int own = k >= 0 && assay_spec_testcase_assay_defined(spec, (size_t)k);

	if (j != NULL) {
		assay_json_begin_object(j);
		assay_json_kv_string(j, "kind", only ? "unit" : "test_case");
		assay_json_kv_string(j, "id", assay_catalogue_id(cat, i));
		if (own)
			assay_json_kv_bool(j, "assay_defined", 1);
		assay_json_kv_string(j, "group", assay_catalogue_group(cat, i));
		assay_json_kv_string(j, "type",
		    assay_tc_type_name(assay_catalogue_type(cat, i)));
		assay_json_kv_string(j, "purpose", assay_catalogue_purpose(cat, i));
		assay_json_kv_string(j, "ixit_items", ixit);
		assay_json_kv_string(j, "exclusive",
		    assay_catalogue_exclusive(cat, i));
		assay_json_key(j, "units");
		assay_json_begin_array(j);
		for (; l[0] <= 'z'; l[0]++)
			if (only == NULL || strcmp(only, l) == 0)
				json_unit(j, cat, i, l);
		assay_json_end_array(j);
		assay_json_end_object(j);
		return;
	}
	printf("%s (%s test case of test group %s)\n", assay_catalogue_id(cat, i),
	    assay_tc_type_name(assay_catalogue_type(cat, i)),
	    assay_catalogue_group(cat, i));
	if (own)
		printf("  defined:   by Assay (EN 303 645 V3.1.3; no ETSI test "
		    "specification exists for it)\n");
	printf("  checks:    %s\n", assay_catalogue_purpose(cat, i));
	printf("  reads:     %s\n", ixit != NULL && *ixit ? ixit :
	    "no IXIT item (the ICS only)");
	if (assay_catalogue_exclusive(cat, i) != NULL)
		printf("  alone:     never beside test cases sharing: %s\n",
		    assay_catalogue_exclusive(cat, i));
	printf("  source:    %s:%ld\n", assay_catalogue_file(cat, i),
	    assay_catalogue_line(cat, i));
	for (; l[0] <= 'z'; l[0]++)
		if (only == NULL || strcmp(only, l) == 0)
			print_unit(cat, i, l);
}

static void
explain_provision(const struct assay_spec *spec,
    const struct assay_catalogue *cat, long p, struct assay_json *j)
{
	const char *id = assay_spec_provision_id(spec, (size_t)p);
	size_t k, i, n = assay_spec_provision_nconditions(spec, (size_t)p);

	if (j != NULL) {
		assay_json_begin_object(j);
		assay_json_kv_string(j, "kind", "provision");
		assay_json_kv_string(j, "id", id);
		assay_json_kv_string(j, "clause_title",
		    assay_spec_provision_clause_title(spec, (size_t)p));
		assay_json_kv_string(j, "status",
		    assay_spec_provision_status(spec, (size_t)p));
		assay_json_kv_string(j, "summary",
		    assay_spec_provision_summary(spec, (size_t)p));
		assay_json_key(j, "conditions");
		assay_json_begin_array(j);
		for (k = 0; k < n; k++)
			assay_json_int(j, assay_spec_provision_condition(spec,
			    (size_t)p, k));
		assay_json_end_array(j);
		assay_json_key(j, "test_cases");
		assay_json_begin_array(j);
		for (i = 0; i < assay_catalogue_count(cat); i++)
			if (strcmp(assay_catalogue_group(cat, i), id) == 0)
				assay_json_string(j, assay_catalogue_id(cat, i));
		assay_json_end_array(j);
		assay_json_end_object(j);
		return;
	}
	printf("%s (EN 303 645%s provision, %s: %s)\n", id,
	    assay_spec_provision_extra(spec, (size_t)p) ? " V3.1.3" : "",
	    assay_spec_provision_status(spec, (size_t)p),
	    assay_spec_provision_clause_title(spec, (size_t)p));
	if (assay_spec_provision_extra(spec, (size_t)p))
		printf("  defined:   new or split in V3.1.3: its test cases are "
		    "Assay-defined (no ETSI test specification exists); only "
		    "profile en303645-v3.1.3 assesses it\n");
	printf("  says:      %s\n", assay_spec_provision_summary(spec, (size_t)p));
	for (k = 0; k < n; k++) {
		int c = assay_spec_provision_condition(spec, (size_t)p, k);

		printf("  applies if condition %d holds: %s\n", c,
		    assay_spec_condition_text(spec, c));
	}
	printf("  assessed by:\n");
	for (i = 0; i < assay_catalogue_count(cat); i++)
		if (strcmp(assay_catalogue_group(cat, i), id) == 0)
			printf("    %-10s %s (%s)\n", assay_catalogue_id(cat, i),
			    assay_catalogue_purpose(cat, i),
			    assay_tc_type_name(assay_catalogue_type(cat, i)));
	printf("  ('assay explain TEST-CASE' for how each is decided)\n");
}

int
assay_cli_explain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format",	required_argument,	NULL, 'F' },
		{ "catalogue",	required_argument,	NULL, 'C' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct assay_spec *spec = NULL;
	struct assay_catalogue *cat = NULL;
	struct assay_json j;
	const char *catdir = NULL;
	char id[64], letter[2] = "";
	long p, t;
	size_t len;
	int c, json = 0, code = ASSAY_EXIT_USAGE;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			if (assay_cli_parse_format("explain", optarg, &json) != 0)
				return ASSAY_EXIT_USAGE;
			break;
		case 'C':
			catdir = optarg;
			break;
		case 'h':
			printf("usage: assay explain ID [--format text|json] "
			    "[--catalogue DIR]\n"
			    "\n"
			    "What ID checks and how Assay decides it, from the\n"
			    "catalogue and the spec: a provision (5.1-1: what it\n"
			    "says, when it applies, its test cases), a test case\n"
			    "(5.1-1-2: purpose, IXIT items, each unit's\n"
			    "criterion, how a PASS is reached, rule and\n"
			    "observation) or one unit (5.1-1-2a, 5.1-1-2/a or\n"
			    "'5.1-1-2 a').\n");
			return 0;
		default:
			return assay_cli_bad_option("explain", argv);
		}
	}
	if (argc - optind < 1 || argc - optind > 2 ||
	    (argc - optind == 2 && strlen(argv[optind + 1]) != 1))
		return assay_cli_usage_error("explain", "need one ID (provision, "
		    "test case or unit)");
	snprintf(id, sizeof(id), "%s", argv[optind]);
	if (argc - optind == 2)
		snprintf(letter, sizeof(letter), "%s", argv[optind + 1]);
	len = strlen(id);
	if (len > 2 && id[len - 2] == '/') {
		letter[0] = id[len - 1];
		id[len - 2] = '\0';
	} else if (len > 1 && id[len - 1] >= 'a' && id[len - 1] <= 'z' &&
	    id[len - 2] >= '0' && id[len - 2] <= '9') {
		letter[0] = id[len - 1];
		id[len - 1] = '\0';
	}
	if (assay_cli_load_catalogue("explain", catdir, &spec, &cat) != 0)
		goto out;
	t = assay_catalogue_find(cat, id);
	p = t < 0 ? assay_spec_provision_find(spec, id) : -1;
	if (t < 0 && p < 0) {
		fprintf(stderr, "assay explain: \"%s\" is neither a provision "
		    "nor a test case of the catalogue ('assay list' lists "
		    "them)\n", id);
		goto out;
	}
	if (letter[0] != '\0' && (t < 0 ||
	    assay_catalogue_unit(cat, (size_t)t, letter) == NULL)) {
		fprintf(stderr, "assay explain: %s has no unit \"%s\"\n", id,
		    letter);
		goto out;
	}
	if (json)
		assay_json_init(&j, stdout, 1);
	if (t >= 0)
		explain_tc(spec, cat, (size_t)t, letter[0] ? letter : NULL,
		    json ? &j : NULL);
	else
		explain_provision(spec, cat, p, json ? &j : NULL);
	code = 0;
 out:
	assay_catalogue_free(cat);
	assay_spec_free(spec);
	return code;
}
