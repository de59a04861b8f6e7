/*
 * cli_diff.c - `assay diff OLD NEW`: what changed between two runs.
 *
 * Reads the two report.json files (capped, with the strict JSON reader of
 * probe/import_json.h: a report directory is not trusted) and compares
 * the overall result and, per test case, the verdict, the reason and the
 * unit verdicts.  Changes are printed in a fixed order: regressions first
 * (a verdict that got worse, a test case new with a FAIL, the overall
 * result worse), then improvements, then changes of reason or units under
 * the same verdict, then test cases only one run has; within each, in the
 * order of NEW's report (the catalogue's).  Exit 1 on any regression, 0
 * otherwise, 2 when a report cannot be read.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/file.h"
#include "base/json.h"
#include "base/term.h"
#include "cli.h"
#include "probe/import_json.h"

#define REPORT_MAX	(64 * 1024 * 1024)

enum change { C_WORSE, C_BETTER, C_OTHER, C_ADDED, C_REMOVED, C_NCLASSES };

static const char *const class_name[C_NCLASSES] = {
	"regressions", "improvements", "changed", "only in NEW", "only in OLD"
};
static const char *const class_key[C_NCLASSES] = {
	"regressions", "improvements", "changed", "added", "removed"
};

/*
 * How bad a verdict is, for "worse": PASS and the verdicts that assess
 * nothing (NOT APPLICABLE, NOT FULFILLED, excluded) 0, not run 1,
 * INCONCLUSIVE 2, ERROR 3, FAIL 4.
 */
static int
rank(const char *v)
{
	if (v == NULL)
		return 1;
	if (strcmp(v, "FAIL") == 0)
		return 4;
	if (strcmp(v, "ERROR") == 0)
		return 3;
	if (strcmp(v, "INCONCLUSIVE") == 0)
		return 2;
	if (strcmp(v, "NONE") == 0 || strcmp(v, "NOT RUN") == 0)
		return 1;
	return 0;
}

/* The overall results, best first: PASS < INCOMPLETE < FAIL. */
static int
rank_overall(const char *v)
{
	if (v == NULL)
		return 1;
	if (strcmp(v, "PASS") == 0)
		return 0;
	if (strcmp(v, "FAIL") == 0)
		return 2;
	return 1;
}

static const char *
str(const struct assay_jv *o, const char *key)
{
	const struct assay_jv *v = o != NULL ? assay_json_get(o, key) : NULL;

	return v != NULL && v->type == ASSAY_JSON_STR ? v->s : NULL;
}

int
assay_cli_load_report(const char *cmd, const char *dir, struct assay_jv **out,
    char *why, size_t whylen)
{
	struct assay_buf *b = NULL;
	char path[ASSAY_PATH_MAX], perr[256];
	int r;

	*out = NULL;
	if (whylen > 0)
		why[0] = '\0';
	if ((r = assay_path_join(path, sizeof(path), dir, "report.json")) != 0 ||
	    (r = assay_file_read(path, REPORT_MAX, &b)) != 0) {
		snprintf(why, whylen, "%s", assay_strerror(r));
		goto out;
	}
	r = assay_json_parse(assay_buf_data(b), assay_buf_len(b), out, perr,
	    sizeof(perr));
	assay_buf_free(b);
	if (r != 0) {
		snprintf(why, whylen, "not a report: %s", r == ASSAY_ERR_PARSE ?
		    perr : assay_strerror(r));
		*out = NULL;
	} else if ((*out)->type != ASSAY_JSON_OBJ ||
	    assay_json_get(*out, "test_cases") == NULL ||
	    assay_json_get(*out, "test_cases")->type != ASSAY_JSON_ARR) {
		snprintf(why, whylen, "no test_cases: not an Assay report");
		assay_json_free(*out);
		*out = NULL;
		r = ASSAY_ERR_PARSE;
	}
 out:
	if (r != 0) {
		/* dir may come from a glob over artefacts: escaped. */
		fprintf(stderr, "assay %s: ", cmd);
		assay_term_fputs(dir, stderr);
		fprintf(stderr, "/report.json: %s\n", why);
	}
	return r;
}

static int
load(const char *dir, struct assay_jv **out)
{
	char why[320];

	return assay_cli_load_report("diff", dir, out, why, sizeof(why));
}

static const struct assay_jv *
find_tc(const struct assay_jv *tcs, const char *id)
{
	size_t i;

	for (i = 0; tcs != NULL && i < tcs->n; i++)
		if (str(&tcs->v[i], "id") != NULL &&
		    strcmp(str(&tcs->v[i], "id"), id) == 0)
			return &tcs->v[i];
	return NULL;
}

/* "a FAIL->PASS, c PASS->INCONCLUSIVE" for units whose verdict changed. */
static void
unit_changes(const struct assay_jv *a, const struct assay_jv *b, char *out,
    size_t len)
{
	const struct assay_jv *ua = a ? assay_json_get(a, "units") : NULL;
	const struct assay_jv *ub = b ? assay_json_get(b, "units") : NULL;
	size_t i, k, n;

	out[0] = '\0';
	for (i = 0; ub != NULL && ub->type == ASSAY_JSON_ARR && i < ub->n; i++) {
		const char *l = str(&ub->v[i], "unit"), *vb, *va = NULL;

		if (l == NULL)
			continue;
		vb = str(&ub->v[i], "verdict");
		for (k = 0; ua != NULL && ua->type == ASSAY_JSON_ARR &&
		    k < ua->n; k++)
			if (str(&ua->v[k], "unit") != NULL &&
			    strcmp(str(&ua->v[k], "unit"), l) == 0)
				va = str(&ua->v[k], "verdict");
		if (va != NULL && vb != NULL && strcmp(va, vb) == 0)
			continue;
		n = strlen(out);
		snprintf(out + n, len - n, "%s%s %s->%s", n ? ", " : "", l,
		    va ? va : "-", vb ? vb : "-");
	}
}

struct row {
	enum change	 c;
	const char	*id, *old, *new, *reason;
	char		 units[256];
};

static void
print_text(const char *od, const char *nd, const char *ro, const char *rn,
    const struct row *rows, size_t nrows, size_t same)
{
	char e1[ASSAY_TERM_ESC_MAX], e2[ASSAY_TERM_ESC_MAX];
	size_t c, i, n;

	printf("old: %s\nnew: %s\n", assay_term_esc(e1, sizeof(e1), od),
	    assay_term_esc(e2, sizeof(e2), nd));
	printf("overall: %s -> %s%s\n", ro ? ro : "?", rn ? rn : "?",
	    rank_overall(rn) > rank_overall(ro) ? "  (worse)" :
	    rank_overall(rn) < rank_overall(ro) ? "  (better)" : "");
	for (c = 0; c < C_NCLASSES; c++) {
		for (i = 0, n = 0; i < nrows; i++)
			n += rows[i].c == c;
		if (n == 0)
			continue;
		printf("%s (%zu):\n", class_name[c], n);
		for (i = 0; i < nrows; i++) {
			if (rows[i].c != c)
				continue;
			printf("  %-10s %s -> %s", rows[i].id,
			    rows[i].old ? rows[i].old : "-",
			    rows[i].new ? rows[i].new : "-");
			if (rows[i].units[0] != '\0')
				printf("  [units %s]", rows[i].units);
			if (rows[i].reason != NULL && rows[i].reason[0] != '\0')
				printf("  %.160s", assay_term_esc(e1, sizeof(e1),
				    rows[i].reason));
			printf("\n");
		}
	}
	printf("unchanged: %zu test case%s\n", same, same == 1 ? "" : "s");
}

static void
print_json(const char *od, const char *nd, const char *ro, const char *rn,
    const struct row *rows, size_t nrows, size_t same, int regressed)
{
	struct assay_json j;
	size_t c, i;

	assay_json_init(&j, stdout, 1);
	assay_json_begin_object(&j);
	assay_json_kv_string(&j, "old", od);
	assay_json_kv_string(&j, "new", nd);
	assay_json_key(&j, "overall");
	assay_json_begin_object(&j);
	assay_json_kv_string(&j, "old", ro);
	assay_json_kv_string(&j, "new", rn);
	assay_json_end_object(&j);
	assay_json_kv_bool(&j, "regression", regressed);
	for (c = 0; c < C_NCLASSES; c++) {
		assay_json_key(&j, class_key[c]);
		assay_json_begin_array(&j);
		for (i = 0; i < nrows; i++) {
			if (rows[i].c != c)
				continue;
			assay_json_begin_object(&j);
			assay_json_kv_string(&j, "id", rows[i].id);
			assay_json_kv_string(&j, "old", rows[i].old);
			assay_json_kv_string(&j, "new", rows[i].new);
			assay_json_kv_string(&j, "units", rows[i].units);
			assay_json_kv_string(&j, "reason", rows[i].reason);
			assay_json_end_object(&j);
		}
		assay_json_end_array(&j);
	}
	assay_json_kv_int(&j, "unchanged", (long long)same);
	assay_json_end_object(&j);
}

int
assay_cli_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format",	required_argument,	NULL, 'F' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct assay_jv *a = NULL, *b = NULL;
	const struct assay_jv *ta, *tb;
	struct row *rows = NULL;
	size_t nrows = 0, same = 0, i;
	const char *ro, *rn;
	int c, json = 0, regressed, code = ASSAY_EXIT_USAGE;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			if (assay_cli_parse_format("diff", optarg, &json) != 0)
				return ASSAY_EXIT_USAGE;
			break;
		case 'h':
			printf("usage: assay diff OLD NEW [--format text|json]\n"
			    "\n"
			    "Compares two run directories (their report.json):\n"
			    "the overall result, and per test case the verdict,\n"
			    "the reason and the unit verdicts.  Regressions come\n"
			    "first (a verdict worse in NEW: PASS < not run <\n"
			    "INCONCLUSIVE < ERROR < FAIL; a test case only in NEW\n"
			    "with a FAIL; the overall result worse), then\n"
			    "improvements, then changes of reason or units, then\n"
			    "test cases only one run has, each in NEW's order.\n"
			    "\n"
			    "Exit 0 no regression, 1 a regression, 2 a report\n"
			    "that cannot be read.\n");
			return 0;
		default:
			return assay_cli_bad_option("diff", argv);
		}
	}
	if (argc - optind != 2)
		return assay_cli_usage_error("diff", "need two run directories, "
		    "OLD and NEW");
	if (load(argv[optind], &a) != 0 || load(argv[optind + 1], &b) != 0)
		goto out;
	ta = assay_json_get(a, "test_cases");
	tb = assay_json_get(b, "test_cases");
	if ((rows = calloc(ta->n + tb->n + 1, sizeof(*rows))) == NULL)
		goto out;
	for (i = 0; i < tb->n; i++) {
		const struct assay_jv *x = &tb->v[i], *y;
		struct row *w = &rows[nrows];

		if ((w->id = str(x, "id")) == NULL)
			continue;
		y = find_tc(ta, w->id);
		w->new = str(x, "verdict");
		w->old = y ? str(y, "verdict") : NULL;
		w->reason = str(x, "reason");
		unit_changes(y, x, w->units, sizeof(w->units));
		if (y == NULL)
			w->c = rank(w->new) == 4 ? C_WORSE : C_ADDED;
		else if (rank(w->new) > rank(w->old))
			w->c = C_WORSE;
		else if (rank(w->new) < rank(w->old))
			w->c = C_BETTER;
		else if ((w->old == NULL) != (w->new == NULL) ||
		    (w->old && strcmp(w->old, w->new) != 0) ||
		    w->units[0] != '\0' ||
		    (str(y, "reason") == NULL) != (w->reason == NULL) ||
		    (w->reason && strcmp(str(y, "reason"), w->reason) != 0))
			w->c = C_OTHER;
		else {
			same++;
			continue;
		}
		nrows++;
	}
	for (i = 0; i < ta->n; i++) {
		const struct assay_jv *y = &ta->v[i];
		struct row *w = &rows[nrows];

		if ((w->id = str(y, "id")) == NULL || find_tc(tb, w->id) != NULL)
			continue;
		w->old = str(y, "verdict");
		w->c = C_REMOVED;
		nrows++;
	}
	ro = str(a, "result");
	rn = str(b, "result");
	regressed = rank_overall(rn) > rank_overall(ro);
	for (i = 0; i < nrows; i++)
		regressed |= rows[i].c == C_WORSE;
	if (json)
		print_json(argv[optind], argv[optind + 1], ro, rn, rows, nrows,
		    same, regressed);
	else
		print_text(argv[optind], argv[optind + 1], ro, rn, rows, nrows,
		    same);
	code = regressed ? ASSAY_EXIT_FAIL : ASSAY_EXIT_PASS;
 out:
	free(rows);
	assay_json_free(a);
	assay_json_free(b);
	return code;
}
