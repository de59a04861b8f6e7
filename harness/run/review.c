/*
 * review.c - the assessor's judgements: reading and recording them in the
 * run directory, and applying them to the units of a result (review.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "base/buf.h"
#include "base/datadir.h"
#include "base/diag.h"
#include "base/error.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/utf8.h"
#include "forms/forms.h"
#include "forms/spec.h"
#include "run/evidence.h"
#include "run/model.h"
#include "run/review.h"

#define JUDGEMENTS_MAGIC	"assay-judgements 1"
#define JUDGEMENTS_MAX		(64u * 1024 * 1024)
#define ATTACH_MAX		(64u * 1024 * 1024)
#define RATIONALE_MAX		16384
#define WORKSHEET_MAX_UNITS	4096

static int	parse_judgements(char *, const char *, struct assay_judgement **,
		    size_t *, struct assay_diag *);

void
assay_judgements_free(struct assay_judgement *j, size_t n)
{
	size_t i, k;

	for (i = 0; j != NULL && i < n; i++) {
		free(j[i].rationale);
		free(j[i].assessor);
		free(j[i].observation);
		free(j[i].source);
		for (k = 0; k < j[i].nfiles; k++)
			free(j[i].files[k].file);
		free(j[i].files);
	}
	free(j);
}

/* --- the record on disk ---------------------------------------------------- */

static int
put_kv(struct assay_buf *b, const char *key, const char *v)
{
	int r;

	if (v == NULL)
		return 0;
	if ((r = assay_buf_printf(b, "%s ", key)) == 0 &&
	    (r = assay_evidence_put_encoded(b, v)) == 0)
		r = assay_buf_puts(b, "\n");
	return r;
}

static int
put_judgement(struct assay_buf *b, const struct assay_judgement *j)
{
	size_t k;
	int r;

	r = assay_buf_printf(b, "judgement %s %s %s\nat %s\n", j->test_case,
	    j->unit, assay_verdict_key(j->verdict), j->at);
	if (r == 0)
		r = put_kv(b, "assessor", j->assessor);
	if (r == 0)
		r = put_kv(b, "rationale", j->rationale);
	if (r == 0)
		r = put_kv(b, "observation", j->observation);
	if (r == 0)
		r = put_kv(b, "source", j->source);
	for (k = 0; r == 0 && k < j->nfiles; k++) {
		r = assay_buf_printf(b, "attach %s %d ", j->files[k].sha256,
		    j->files[k].external ? 1 : 0);
		if (r == 0)
			r = assay_evidence_put_encoded(b, j->files[k].file);
		if (r == 0)
			r = assay_buf_puts(b, "\n");
	}
	if (r == 0)
		r = assay_buf_puts(b, "end\n");
	return r;
}

static int
valid_tc_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 32)
		return 0;
	/* "5.13-1A-1": an upper-case letter names a V3.1.3 split provision. */
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != '.' && *s != '-' &&
		    !(*s >= 'A' && *s <= 'Z'))
			return 0;
	return 1;
}

static int
valid_letter(const char *s)
{
	return s[0] >= 'a' && s[0] <= 'z' && s[1] == '\0';
}

/* Takes a decoded, UTF-8-clean copy of v into *dst. */
static int
take(char **dst, const char *v)
{
	char *c;

	if ((c = assay_evidence_decode(v)) == NULL || assay_utf8_fix(&c) != 0) {
		free(c);
		return ASSAY_ERR_ALLOC;
	}
	free(*dst);
	*dst = c;
	return 0;
}

int
assay_judgements_parse(char *text, const char *path,
    struct assay_judgement **out, size_t *nout, struct assay_diag *d)
{
	return parse_judgements(text, path, out, nout, d);
}

/* Parses the record (text is modified).  Problems name path and line. */
static int
parse_judgements(char *text, const char *path, struct assay_judgement **out,
    size_t *nout, struct assay_diag *d)
{
	struct assay_judgement *v = NULL, *cur = NULL, *t;
	size_t n = 0;
	long lineno = 0;
	char *line, *next, *sp, *a, *b2;
	int r = 0;

	for (line = text; line != NULL && r == 0; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		lineno++;
		if (lineno == 1) {
			if (strcmp(line, JUDGEMENTS_MAGIC) != 0) {
				assay_diag_add(d, path, 1, "not a judgement "
				    "record (expected \"%s\")", JUDGEMENTS_MAGIC);
				r = ASSAY_ERR_PARSE;
			}
			continue;
		}
		if (*line == '\0')
			continue;
		sp = strchr(line, ' ');
		if (sp != NULL)
			*sp++ = '\0';
		if (strcmp(line, "judgement") == 0) {
			char tc[32], unit[8], vk[32];

			if (cur != NULL || sp == NULL || sscanf(sp,
			    "%31s %7s %31s", tc, unit, vk) != 3 ||
			    !valid_tc_id(tc) || !valid_letter(unit)) {
				assay_diag_add(d, path, lineno, "bad judgement "
				    "line");
				r = ASSAY_ERR_PARSE;
				break;
			}
			if ((t = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
				r = ASSAY_ERR_ALLOC;
				break;
			}
			v = t;
			cur = &v[n++];
			memset(cur, 0, sizeof(*cur));
			snprintf(cur->test_case, sizeof(cur->test_case), "%s", tc);
			snprintf(cur->unit, sizeof(cur->unit), "%s", unit);
			if (assay_verdict_parse(vk, &cur->verdict) != 0 ||
			    (cur->verdict != ASSAY_VERDICT_PASS &&
			    cur->verdict != ASSAY_VERDICT_FAIL &&
			    cur->verdict != ASSAY_VERDICT_INCONCLUSIVE)) {
				assay_diag_add(d, path, lineno, "verdict \"%s\" "
				    "is not one a person may give", vk);
				r = ASSAY_ERR_PARSE;
			}
		} else if (cur == NULL || sp == NULL) {
			if (cur != NULL && strcmp(line, "end") == 0) {
				if (cur->assessor == NULL || cur->rationale ==
				    NULL || cur->at[0] == '\0') {
					assay_diag_add(d, path, lineno, "judgement "
					    "without assessor, time or rationale");
					r = ASSAY_ERR_PARSE;
				}
				cur = NULL;
				continue;
			}
			assay_diag_add(d, path, lineno, "line outside a judgement");
			r = ASSAY_ERR_PARSE;
		} else if (strcmp(line, "at") == 0)
			snprintf(cur->at, sizeof(cur->at), "%.31s", sp);
		else if (strcmp(line, "assessor") == 0)
			r = take(&cur->assessor, sp);
		else if (strcmp(line, "rationale") == 0)
			r = take(&cur->rationale, sp);
		else if (strcmp(line, "observation") == 0)
			r = take(&cur->observation, sp);
		else if (strcmp(line, "source") == 0)
			r = take(&cur->source, sp);
		else if (strcmp(line, "attach") == 0) {
			struct assay_attachment *f;

			if ((a = strchr(sp, ' ')) == NULL ||
			    (b2 = strchr(a + 1, ' ')) == NULL ||
			    (size_t)(a - sp) != ASSAY_SHA256_HEX_LEN) {
				assay_diag_add(d, path, lineno, "bad attach line");
				r = ASSAY_ERR_PARSE;
				break;
			}
			if ((f = realloc(cur->files, (cur->nfiles + 1) *
			    sizeof(*f))) == NULL) {
				r = ASSAY_ERR_ALLOC;
				break;
			}
			cur->files = f;
			f = &cur->files[cur->nfiles++];
			memset(f, 0, sizeof(*f));
			memcpy(f->sha256, sp, ASSAY_SHA256_HEX_LEN);
			f->external = a[1] == '1';
			r = take(&f->file, b2 + 1);
		}
		/* Unknown keys: a newer Assay's record stays readable. */
	}
	if (r == 0 && cur != NULL) {
		assay_diag_add(d, path, lineno, "the last judgement has no "
		    "\"end\" line (the record was cut)");
		r = ASSAY_ERR_PARSE;
	}
	if (r != 0) {
		assay_judgements_free(v, n);
		return r;
	}
	*out = v;
	*nout = n;
	return 0;
}

int
assay_judgements_load(const char *dir, struct assay_judgement **out,
    size_t *n, struct assay_diag *d)
{
	struct assay_buf *b = NULL;
	char path[ASSAY_PATH_MAX], *text;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = assay_path_join(path, sizeof(path), dir,
	    "review/judgements")) != 0)
		return r;
	r = assay_file_read(path, JUDGEMENTS_MAX, &b);
	if (r == ASSAY_ERR_NOT_FOUND)
		return 0;
	if (r != 0) {
		assay_diag_add(d, path, 0, "cannot read: %s", assay_strerror(r));
		return r;
	}
	if ((text = strndup(assay_buf_data(b), assay_buf_len(b))) == NULL) {
		assay_buf_free(b);
		return ASSAY_ERR_ALLOC;
	}
	assay_buf_free(b);
	r = parse_judgements(text, path, out, n, d);
	free(text);
	return r;
}

int
assay_judgements_append(const char *dir, const struct assay_judgement *j,
    size_t n, const struct assay_mask *mask)
{
	struct assay_buf *old = NULL, *b = NULL;
	struct assay_judgement c;
	char path[ASSAY_PATH_MAX], sub[ASSAY_PATH_MAX];
	size_t i;
	int r;

	if ((r = assay_path_join(sub, sizeof(sub), dir, "review")) != 0 ||
	    (r = assay_path_join(path, sizeof(path), dir,
	    "review/judgements")) != 0)
		return r;
	if (mkdir(sub, 0755) != 0 && errno != EEXIST)
		return assay_file_error(errno);
	r = assay_file_read(path, JUDGEMENTS_MAX, &old);
	if (r != 0 && r != ASSAY_ERR_NOT_FOUND)
		return r;
	if ((b = assay_buf_new(JUDGEMENTS_MAX)) == NULL) {
		assay_buf_free(old);
		return ASSAY_ERR_ALLOC;
	}
	if (old != NULL)
		r = assay_buf_put(b, assay_buf_data(old), assay_buf_len(old));
	else
		r = assay_buf_puts(b, JUDGEMENTS_MAGIC "\n");
	for (i = 0; r == 0 && i < n; i++) {
		/* The assessor's words pass the run's secret mask. */
		c = j[i];
		c.rationale = c.assessor = c.observation = NULL;
		if (mask != NULL && mask->apply != NULL) {
			c.rationale = mask->apply(mask->arg, j[i].rationale);
			c.assessor = mask->apply(mask->arg, j[i].assessor);
			if (j[i].observation != NULL)
				c.observation = mask->apply(mask->arg,
				    j[i].observation);
			if (c.rationale == NULL || c.assessor == NULL ||
			    (j[i].observation != NULL && c.observation == NULL))
				r = ASSAY_ERR_ALLOC;
		} else {
			c.rationale = strdup(j[i].rationale);
			c.assessor = strdup(j[i].assessor);
			if (j[i].observation != NULL)
				c.observation = strdup(j[i].observation);
			if (c.rationale == NULL || c.assessor == NULL ||
			    (j[i].observation != NULL && c.observation == NULL))
				r = ASSAY_ERR_ALLOC;
		}
		if (r == 0)
			r = put_judgement(b, &c);
		free(c.rationale);
		free(c.assessor);
		free(c.observation);
	}
	if (r == 0 && assay_buf_truncated(b))
		r = ASSAY_ERR_TOO_BIG;
	if (r == 0)
		r = assay_file_write_atomic(path, assay_buf_data(b),
		    assay_buf_len(b), 0644);
	assay_buf_free(old);
	assay_buf_free(b);
	return r;
}

/* --- applying -------------------------------------------------------------- */

int
assay_judgement_apply(struct assay_result *res, const char *tc,
    const struct assay_judgement *j, size_t n)
{
	enum assay_verdict before = ASSAY_VERDICT_NOT_APPLICABLE, after;
	const struct assay_judgement *last;
	size_t i, k, judged = 0, worst = (size_t)-1;
	char *m;

	for (i = 0; i < res->nunits; i++)
		before = assay_verdict_combine(before, res->units[i].verdict);
	for (i = 0; i < res->nunits; i++) {
		struct assay_unit_result *u = &res->units[i];

		last = NULL;
		for (k = 0; k < n; k++)
			if (strcmp(j[k].test_case, tc) == 0 &&
			    strcmp(j[k].unit, u->unit) == 0)
				last = &j[k];
		if (last == NULL)
			continue;
		if (u->by != ASSAY_BY_ASSESSOR) {
			u->tool_verdict = u->verdict;
			u->tool_by = u->by;
			free(u->tool_reason);
			u->tool_reason = u->reason;
			u->reason = NULL;
		}
		if ((m = strdup(last->rationale ? last->rationale : "")) == NULL)
			return ASSAY_ERR_ALLOC;
		free(u->reason);
		u->reason = m;
		u->verdict = last->verdict;
		u->by = ASSAY_BY_ASSESSOR;
		u->judgement = last;
		u->overruled = u->tool_verdict != last->verdict &&
		    !(u->tool_by == ASSAY_BY_HARNESS ||
		    u->basis == ASSAY_BASIS_PERSON ||
		    (u->tool_reason != NULL &&
		    (strncmp(u->tool_reason, "REVIEW_PENDING", 14) == 0 ||
		    strncmp(u->tool_reason, "MANUAL_STEP_PENDING", 19) == 0)));
		judged++;
	}
	if (judged == 0)
		return 0;
	/*
	 * The test case is the worst of its units; a verdict the test case
	 * returned that no unit explained (worse than all of them) stays.
	 */
	after = ASSAY_VERDICT_NOT_APPLICABLE;
	for (i = 0; i < res->nunits; i++)
		if (assay_verdict_rank(res->units[i].verdict) >
		    assay_verdict_rank(after)) {
			after = res->units[i].verdict;
			worst = i;
		}
	if (assay_verdict_rank(res->verdict) > assay_verdict_rank(before) &&
	    assay_verdict_rank(res->verdict) > assay_verdict_rank(after))
		return 0;
	res->verdict = after;
	if (after == ASSAY_VERDICT_PASS)
		m = strdup("every unit passes (judged by the assessor where "
		    "marked)");
	else if (asprintf(&m, "unit %s: %s%s", res->units[worst].unit,
	    res->units[worst].by == ASSAY_BY_ASSESSOR ? "assessor: " : "",
	    res->units[worst].reason) < 0)
		m = NULL;
	if (m == NULL)
		return ASSAY_ERR_ALLOC;
	free(res->reason);
	res->reason = m;
	return 0;
}

/* --- recording a worksheet ------------------------------------------------- */

static const char *
attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr a;

	for (a = n->properties; a != NULL; a = a->next)
		if (xmlStrcmp(a->name, (const xmlChar *)name) == 0 &&
		    a->children != NULL && a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

/* The text of element n, trimmed, malloc'd ("" when empty). */
static char *
text_of(xmlNodePtr n)
{
	xmlChar *c = xmlNodeGetContent(n);
	const char *s = c ? (const char *)c : "";
	size_t len;
	char *out;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	out = strndup(s, len);
	xmlFree(c);
	return out;
}

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	for (n = n->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(n->name, (const xmlChar *)name) == 0)
			return n;
	return NULL;
}

/* A file name safe inside the run directory: [A-Za-z0-9._-], no leading dot. */
static void
safe_name(char *out, size_t len, const char *path, size_t pos)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char tmp[96];
	size_t k;

	for (k = 0; base[k] != '\0' && k + 1 < sizeof(tmp); k++)
		tmp[k] = (isalnum((unsigned char)base[k]) || base[k] == '.' ||
		    base[k] == '-' || base[k] == '_') ? base[k] : '_';
	tmp[k] = '\0';
	if (k == 0 || tmp[0] == '.')
		snprintf(tmp, sizeof(tmp), "attachment");
	snprintf(out, len, "%02zu-%s", pos, tmp);
}

static int
mkdirs(const char *dir, const char *rel)
{
	char path[ASSAY_PATH_MAX], *p;
	int r;

	if ((r = assay_path_join(path, sizeof(path), dir, rel)) != 0)
		return r;
	for (p = path + strlen(dir) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return assay_file_error(errno);
		*p = '/';
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return assay_file_error(errno);
	return 0;
}

/* Copies src into DIR/rel and hashes what was written. */
static int
copy_in(const char *dir, const char *rel, const char *src, char *sha256)
{
	struct assay_buf *b = NULL;
	char path[ASSAY_PATH_MAX];
	int r;

	if ((r = assay_file_read(src, ATTACH_MAX, &b)) != 0)
		return r;
	if ((r = assay_path_join(path, sizeof(path), dir, rel)) == 0 &&
	    (r = assay_file_write_atomic(path, assay_buf_data(b),
	    assay_buf_len(b), 0644)) == 0)
		r = assay_sha256_hex(assay_buf_data(b), assay_buf_len(b), sha256);
	assay_buf_free(b);
	return r;
}

/* Does the run hold a result for test case tc? */
static int
has_result(const char *dir, const char *tc)
{
	char path[ASSAY_PATH_MAX];

	return assay_path_fmt(path, sizeof(path), "%s/evidence/%s/result.txt",
	    dir, tc) == 0 && access(path, F_OK) == 0;
}

/* Next free review/worksheet-N.xml. */
static int
next_copy(const char *dir, char *rel, size_t len)
{
	char path[ASSAY_PATH_MAX];
	int k;

	for (k = 1; k < 100000; k++) {
		if (assay_path_fmt(rel, len, "review/worksheet-%d.xml", k) != 0 ||
		    assay_path_join(path, sizeof(path), dir, rel) != 0)
			return ASSAY_ERR_TOO_BIG;
		if (access(path, F_OK) != 0)
			return 0;
	}
	return ASSAY_ERR_EXISTS;
}

/* An attachment to copy in once the whole worksheet is known good. */
struct copy {
	size_t	 j, f;
	char	*src;
};

int
assay_review_record(const char *dir, const char *worksheet,
    const char *assessor, const char *run_id, const struct assay_mask *mask,
    size_t *nrecorded, struct assay_diag *d)
{
	struct assay_judgement *j = NULL;
	struct assay_spec *spec = NULL;
	struct copy *copies = NULL;
	size_t ncopies = 0;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, u, c;
	char xsd[ASSAY_PATH_MAX], wsdir[ASSAY_PATH_MAX], rel[ASSAY_PATH_MAX];
	char src[ASSAY_PATH_MAX], copyrel[ASSAY_PATH_MAX], now[32], *slash;
	const char *datadir, *tc, *letter, *ws_run;
	size_t n = 0, i, nunits = 0, errs0 = assay_diag_nerrors(d);
	int r;

	*nrecorded = 0;
	if (assessor == NULL || assessor[strspn(assessor, " \t")] == '\0') {
		assay_diag_add(d, "--assessor", 0, "a judgement needs the name "
		    "of the assessor who made it (--assessor NAME)");
		return ASSAY_ERR_USAGE;
	}
	if ((datadir = assay_datadir()) == NULL) {
		assay_diag_add(d, "assay", 0, "%s (set ASSAY_DATADIR)",
		    assay_strerror(ASSAY_ERR_DATADIR));
		return ASSAY_ERR_DATADIR;
	}
	if ((r = assay_datadir_path(xsd, sizeof(xsd),
	    "reports/worksheet.xsd")) != 0)
		return r;
	if ((r = assay_spec_load(datadir, "2.1.1", &spec, d)) != 0)
		return r;
	if ((r = assay_forms_read_xml(worksheet, xsd, "worksheet", &doc, NULL,
	    d)) != 0)
		goto out;
	root = xmlDocGetRootElement(doc);
	ws_run = attr(root, "run");
	if (run_id != NULL && ws_run != NULL && strcmp(ws_run, run_id) != 0) {
		assay_diag_add(d, worksheet, (long)xmlGetLineNo(root), "this "
		    "worksheet is for run %s, not for %s (run %s)", ws_run, dir,
		    run_id);
		r = ASSAY_ERR_FORM;
		goto out;
	}
	snprintf(wsdir, sizeof(wsdir), "%s", worksheet);
	if ((slash = strrchr(wsdir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(wsdir, sizeof(wsdir), ".");
	if ((r = next_copy(dir, copyrel, sizeof(copyrel))) != 0)
		goto out;
	assay_time_iso(now, sizeof(now));
	for (u = root->children; u != NULL; u = u->next) {
		if (u->type != XML_ELEMENT_NODE ||
		    xmlStrcmp(u->name, (const xmlChar *)"unit") != 0)
			continue;
		nunits++;
		long line = (long)xmlGetLineNo(u), k;
		char *verdict = NULL, *rationale = NULL;
		enum assay_verdict v;
		struct assay_judgement *jj, *t;

		tc = attr(u, "test-case");
		letter = attr(u, "unit");
		if (tc == NULL || letter == NULL)
			continue;	/* the schema requires both */
		if ((c = child(u, "verdict")) != NULL)
			verdict = text_of(c);
		if (verdict == NULL || *verdict == '\0') {
			free(verdict);
			continue;	/* left for later: stays pending */
		}
		if ((k = assay_spec_testcase_find(spec, tc)) < 0) {
			assay_diag_add(d, worksheet, line, "test case %s: TS 103 "
			    "701 has no such test case", tc);
			free(verdict);
			continue;
		}
		if (!valid_letter(letter) || letter[0] >= 'a' +
		    assay_spec_testcase_units(spec, (size_t)k)) {
			assay_diag_add(d, worksheet, line, "%s unit \"%s\": no "
			    "such unit (TS 103 701 numbers the units of %s a to "
			    "%c)", tc, letter, tc, 'a' +
			    assay_spec_testcase_units(spec, (size_t)k) - 1);
			free(verdict);
			continue;
		}
		if (!has_result(dir, tc)) {
			assay_diag_add(d, worksheet, line, "%s %s: this run has no "
			    "result for test case %s (not in the catalogue, not "
			    "selected, or not run yet)", tc, letter, tc);
			free(verdict);
			continue;
		}
		if (assay_verdict_parse(verdict, &v) != 0 ||
		    (v != ASSAY_VERDICT_PASS && v != ASSAY_VERDICT_FAIL &&
		    v != ASSAY_VERDICT_INCONCLUSIVE)) {
			assay_diag_add(d, worksheet, line, "%s %s: verdict \"%s\" "
			    "is not allowed: PASS, FAIL or INCONCLUSIVE (or "
			    "leave it empty to decide later)", tc, letter,
			    verdict);
			free(verdict);
			continue;
		}
		free(verdict);
		if ((c = child(u, "rationale")) != NULL)
			rationale = text_of(c);
		if (rationale == NULL || *rationale == '\0') {
			assay_diag_add(d, worksheet, line, "%s %s: a verdict needs "
			    "a rationale: say what you examined and why it "
			    "decides", tc, letter);
			free(rationale);
			continue;
		}
		if (strlen(rationale) > RATIONALE_MAX) {
			assay_diag_add(d, worksheet, line, "%s %s: rationale over "
			    "%d bytes: attach a file instead", tc, letter,
			    RATIONALE_MAX);
			free(rationale);
			continue;
		}
		for (i = 0; i < n; i++)
			if (strcmp(j[i].test_case, tc) == 0 &&
			    strcmp(j[i].unit, letter) == 0)
				break;
		if (i < n) {
			assay_diag_add(d, worksheet, line, "%s %s: judged twice "
			    "in this worksheet", tc, letter);
			free(rationale);
			continue;
		}
		if ((t = realloc(j, (n + 1) * sizeof(*j))) == NULL) {
			free(rationale);
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		j = t;
		jj = &j[n++];
		memset(jj, 0, sizeof(*jj));
		snprintf(jj->test_case, sizeof(jj->test_case), "%s", tc);
		snprintf(jj->unit, sizeof(jj->unit), "%s", letter);
		jj->verdict = v;
		jj->rationale = rationale;
		snprintf(jj->at, sizeof(jj->at), "%s", now);
		if ((jj->assessor = strdup(assessor)) == NULL ||
		    (jj->source = strdup(copyrel)) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		if ((c = child(u, "observation")) != NULL &&
		    attr(c, "name") != NULL &&
		    (jj->observation = strdup(attr(c, "name"))) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		for (c = u->children; c != NULL; c = c->next) {
			struct assay_attachment *f;
			const char *file, *ext;

			if (c->type != XML_ELEMENT_NODE ||
			    xmlStrcmp(c->name, (const xmlChar *)"attach") != 0)
				continue;
			if ((file = attr(c, "file")) == NULL)
				continue;
			ext = attr(c, "external");
			if (file[0] == '/')
				snprintf(src, sizeof(src), "%s", file);
			else if (assay_path_join(src, sizeof(src), wsdir,
			    file) != 0) {
				assay_diag_add(d, worksheet, (long)xmlGetLineNo(c),
				    "attachment path too long");
				continue;
			}
			if ((f = realloc(jj->files, (jj->nfiles + 1) *
			    sizeof(*f))) == NULL) {
				r = ASSAY_ERR_ALLOC;
				goto out;
			}
			jj->files = f;
			f = &jj->files[jj->nfiles++];
			memset(f, 0, sizeof(*f));
			f->external = ext != NULL && (strcmp(ext, "true") == 0 ||
			    strcmp(ext, "1") == 0);
			if (access(src, R_OK) != 0) {
				assay_diag_add(d, worksheet, (long)xmlGetLineNo(c),
				    "%s %s: cannot read the attachment %s: %s",
				    tc, letter, src, strerror(errno));
				continue;
			}
			{
				char name[128];
				struct copy *cp;

				safe_name(name, sizeof(name), src, jj->nfiles);
				if (assay_path_fmt(rel, sizeof(rel),
				    "review/%s/%s/%s", tc, letter, name) != 0 ||
				    (f->file = strdup(rel)) == NULL ||
				    (cp = realloc(copies, (ncopies + 1) *
				    sizeof(*cp))) == NULL) {
					r = ASSAY_ERR_ALLOC;
					goto out;
				}
				copies = cp;
				cp = &copies[ncopies];
				cp->j = n - 1;
				cp->f = jj->nfiles - 1;
				if ((cp->src = strdup(src)) == NULL) {
					r = ASSAY_ERR_ALLOC;
					goto out;
				}
				ncopies++;
			}
		}
	}
	if (nunits > WORKSHEET_MAX_UNITS) {
		assay_diag_add(d, worksheet, 0, "%zu units: at most %d in one "
		    "worksheet", nunits, WORKSHEET_MAX_UNITS);
		r = ASSAY_ERR_TOO_BIG;
		goto out;
	}
	if (assay_diag_nerrors(d) > errs0) {
		/* All or nothing: a worksheet with an error records nothing. */
		r = ASSAY_ERR_FORM;
		goto out;
	}
	/* Attachments first, then the worksheet, then the record. */
	for (i = 0; i < ncopies; i++) {
		struct assay_attachment *f = &j[copies[i].j].files[copies[i].f];
		char sub[ASSAY_PATH_MAX];

		if ((r = assay_path_fmt(sub, sizeof(sub), "review/%s/%s",
		    j[copies[i].j].test_case, j[copies[i].j].unit)) != 0 ||
		    (r = mkdirs(dir, sub)) != 0 ||
		    (r = copy_in(dir, f->file, copies[i].src, f->sha256)) != 0) {
			assay_diag_add(d, copies[i].src, 0, "cannot attach: %s",
			    assay_strerror(r));
			goto out;
		}
	}
	if (n > 0) {
		char dst[ASSAY_PATH_MAX];

		if ((r = mkdirs(dir, "review")) != 0 ||
		    (r = assay_path_join(dst, sizeof(dst), dir, copyrel)) != 0 ||
		    (r = copy_in(dir, copyrel, worksheet, src)) != 0) {
			assay_diag_add(d, worksheet, 0, "cannot keep a copy in "
			    "%s/%s: %s", dir, copyrel, assay_strerror(r));
			goto out;
		}
		if ((r = assay_judgements_append(dir, j, n, mask)) != 0) {
			assay_diag_add(d, dir, 0, "cannot record the judgements "
			    "in review/judgements: %s", assay_strerror(r));
			goto out;
		}
	}
	*nrecorded = n;
	r = 0;
 out:
	for (i = 0; i < ncopies; i++)
		free(copies[i].src);
	free(copies);
	assay_judgements_free(j, n);
	assay_forms_free_xml(doc);
	assay_spec_free(spec);
	return r;
}
