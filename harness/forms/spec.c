/*
 * spec.c - load the standards' facts from the CSV files in <datadir>/spec.
 *
 * The CSV dialect is RFC 4180: comma separated, fields optionally in double
 * quotes, "" for a quote inside, a header row.  Each file is at most
 * SPEC_MAX_FILE bytes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/error.h"
#include "base/file.h"
#include "base/hash.h"
#include "forms/spec.h"

#define SPEC_MAX_FILE	(1024 * 1024)
#define SPEC_MAX_COLS	16

struct csv_row {
	char	*col[SPEC_MAX_COLS];
	int	 ncol;
	long	 line;
};

struct csv {
	struct csv_row	*rows;		/* rows[0] is the header */
	size_t		 nrows;
};

struct provision {
	char	*id, *clause, *title, *status, *summary;
	int	 cond[ASSAY_SPEC_MAX_CONDITIONS];
	size_t	 ncond;
	int	 v3;		/* an extra: new or split in V3.1.3 */
};

struct ixit_item {
	char	*id, *name;
	char	**field, **help;
	size_t	 nfields;
};

struct testcase {
	char			*group, *id, *purpose, *ixit, *hint;
	enum assay_tc_type	 type;
	int			 units;
	int			 assay_defined;	/* not TS 103 701's: Assay's own */
};

struct assay_spec {
	char			 version[16];
	char			 hash[ASSAY_SHA256_HEX_LEN + 1];
	struct provision	*prov;
	size_t			 nprov;
	char			**cond;		/* cond[0] is condition 1 */
	size_t			 ncond;
	struct ixit_item	*ixit;
	size_t			 nixit;
	struct testcase		*tc;
	size_t			 ntc;
};

static void
csv_free(struct csv *c)
{
	size_t i;
	int k;

	for (i = 0; i < c->nrows; i++)
		for (k = 0; k < c->rows[i].ncol; k++)
			free(c->rows[i].col[k]);
	free(c->rows);
	c->rows = NULL;
	c->nrows = 0;
}

/* A spec file, capped at SPEC_MAX_FILE; *out is malloc'd. */
static int
read_file(const char *path, char **out, size_t *lenp)
{
	struct assay_buf *b = NULL;
	int r;

	*out = NULL;
	if ((r = assay_file_read(path, SPEC_MAX_FILE, &b)) != 0)
		return r;
	if ((*out = assay_buf_steal(b, lenp)) == NULL)
		r = ASSAY_ERR_ALLOC;
	assay_buf_free(b);
	return r;
}

/* Parses text into rows; reports malformed quoting to d. */
static int
csv_parse(const char *file, const char *text, size_t len, struct csv *c,
    struct assay_diag *d)
{
	size_t i = 0, alloc = 0, fstart;
	long line = 1;
	struct csv_row *row = NULL;
	char *field, *nf;
	int r = 0;

	while (i < len) {
		if (c->nrows == alloc) {
			size_t na = alloc ? alloc * 2 : 64;
			struct csv_row *nr = realloc(c->rows, na * sizeof(*nr));
			if (nr == NULL)
				return ASSAY_ERR_ALLOC;
			c->rows = nr;
			alloc = na;
		}
		row = &c->rows[c->nrows++];
		memset(row, 0, sizeof(*row));
		row->line = line;
		for (;;) {
			size_t o = 0;

			if ((field = malloc(len - i + 1)) == NULL)
				return ASSAY_ERR_ALLOC;
			fstart = i;
			if (i < len && text[i] == '"') {
				long qline = line;

				i++;
				for (;;) {
					if (i >= len) {
						assay_diag_add(d, file, qline,
						    "unterminated quoted field");
						free(field);
						return ASSAY_ERR_PARSE;
					}
					if (text[i] == '"') {
						if (i + 1 < len && text[i + 1] == '"') {
							field[o++] = '"';
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (text[i] == '\n')
						line++;
					field[o++] = text[i++];
				}
			} else {
				while (i < len && text[i] != ',' &&
				    text[i] != '\n' && text[i] != '\r')
					field[o++] = text[i++];
			}
			(void)fstart;
			field[o] = '\0';
			/*
			 * The field was sized for the rest of the file: give
			 * the excess back now, or a file of many short fields
			 * holds (rest of file) bytes per field.
			 */
			if ((nf = realloc(field, o + 1)) != NULL)
				field = nf;
			if (row->ncol >= SPEC_MAX_COLS) {
				assay_diag_add(d, file, line, "too many columns");
				free(field);
				return ASSAY_ERR_PARSE;
			}
			row->col[row->ncol++] = field;
			if (i < len && text[i] == ',') {
				i++;
				continue;
			}
			if (i < len && text[i] == '\r')
				i++;
			if (i < len && text[i] == '\n') {
				i++;
				line++;
			} else if (i < len) {
				assay_diag_add(d, file, line,
				    "unexpected character after quoted field");
				return ASSAY_ERR_PARSE;
			}
			break;
		}
	}
	return r;
}

int
assay_spec_parse_csv(const char *file, const char *text, size_t len,
    int ncols, size_t *nrows, struct assay_diag *d)
{
	struct csv c = { NULL, 0 };
	size_t i;
	int r;

	*nrows = 0;
	if ((r = csv_parse(file, text, len, &c, d)) != 0)
		goto out;
	for (i = 0; i < c.nrows; i++)
		if (c.rows[i].ncol < ncols) {
			assay_diag_add(d, file, c.rows[i].line,
			    "expected %d columns, found %d", ncols,
			    c.rows[i].ncol);
			r = ASSAY_ERR_PARSE;
			goto out;
		}
	*nrows = c.nrows;
 out:
	csv_free(&c);
	return r;
}

/* Reads and hashes spec file name: at least min data rows of ncols. */
static int
load_csv_rows(const char *datadir, const char *name, int ncols, size_t min,
    struct csv *c, EVP_MD_CTX *md, struct assay_diag *d)
{
	char path[ASSAY_PATH_MAX];
	char *text = NULL;
	size_t len, i;
	int r;

	if ((r = assay_path_fmt(path, sizeof(path), "%s/spec/%s", datadir,
	    name)) != 0 || (r = read_file(path, &text, &len)) != 0) {
		assay_diag_add(d, path, 0, "cannot read spec data: %s",
		    assay_strerror(r));
		return r;
	}
	EVP_DigestUpdate(md, name, strlen(name) + 1);
	EVP_DigestUpdate(md, text, len);
	r = csv_parse(path, text, len, c, d);
	free(text);
	if (r != 0)
		return r;
	if (c->nrows < 1 + min) {
		assay_diag_add(d, path, 0, "no data rows");
		return ASSAY_ERR_PARSE;
	}
	for (i = 0; i < c->nrows; i++) {
		if (c->rows[i].ncol < ncols) {
			assay_diag_add(d, path, c->rows[i].line,
			    "expected %d columns, found %d", ncols,
			    c->rows[i].ncol);
			return ASSAY_ERR_PARSE;
		}
	}
	return 0;
}

static int
load_csv(const char *datadir, const char *name, int ncols, struct csv *c,
    EVP_MD_CTX *md, struct assay_diag *d)
{
	return load_csv_rows(datadir, name, ncols, 1, c, md, d);
}

/* Moves column k of a row out of the csv (so csv_free won't free it). */
static char *
take(struct csv_row *row, int k)
{
	char *s = row->col[k];

	row->col[k] = NULL;
	return s;
}

static int
parse_conditions(const char *s, struct provision *p)
{
	const char *q = s;
	char *end;
	long v;

	while (*q != '\0') {
		while (*q == ' ')
			q++;
		if (*q == '\0')
			break;
		v = strtol(q, &end, 10);
		if (end == q || v < 1 || v > 99 ||
		    p->ncond >= ASSAY_SPEC_MAX_CONDITIONS)
			return ASSAY_ERR_PARSE;
		p->cond[p->ncond++] = (int)v;
		q = end;
	}
	return 0;
}

/*
 * An allocation for field k failed: keeps the k fields done (freed with
 * the spec) and frees the half-made one.
 */
static int
fields_fail(struct ixit_item *it, size_t k)
{
	free(it->field[k]);
	free(it->help[k]);
	it->field[k] = NULL;
	it->help[k] = NULL;
	it->nfields = k;
	return ASSAY_ERR_ALLOC;
}

/* "Description (what it ...)" -> name "Description", help "what it ...". */
static int
split_fields(const char *s, struct ixit_item *it)
{
	const char *p = s, *semi, *paren, *end;
	size_t depth, n = 1, k = 0;

	for (p = s, depth = 0; *p; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (*p == ';' && depth == 0)
			n++;
	}
	if ((it->field = calloc(n, sizeof(char *))) == NULL ||
	    (it->help = calloc(n, sizeof(char *))) == NULL)
		return ASSAY_ERR_ALLOC;
	p = s;
	while (*p != '\0' && k < n) {
		while (*p == ' ')
			p++;
		for (semi = p, depth = 0; *semi; semi++) {
			if (*semi == '(')
				depth++;
			else if (*semi == ')' && depth > 0)
				depth--;
			else if (*semi == ';' && depth == 0)
				break;
		}
		paren = memchr(p, '(', (size_t)(semi - p));
		end = paren != NULL ? paren : semi;
		if (paren == NULL) {
			/* "process description covering X, Y": name, then help. */
			const char *cov = strstr(p, " covering ");

			if (cov != NULL && cov < semi) {
				it->field[k] = strndup(p, (size_t)(cov - p));
				it->help[k] = strndup(cov + 1,
				    (size_t)(semi - (cov + 1)));
				if (it->field[k] == NULL || it->help[k] == NULL)
					return fields_fail(it, k);
				k++;
				p = *semi ? semi + 1 : semi;
				continue;
			}
		}
		while (end > p && end[-1] == ' ')
			end--;
		it->field[k] = strndup(p, (size_t)(end - p));
		if (paren != NULL) {
			const char *hend = semi;
			while (hend > paren && hend[-1] != ')')
				hend--;
			if (hend > paren + 1)
				it->help[k] = strndup(paren + 1,
				    (size_t)(hend - 1 - (paren + 1)));
			else
				it->help[k] = strdup("");
		} else
			it->help[k] = strdup("");
		if (it->field[k] == NULL || it->help[k] == NULL)
			return fields_fail(it, k);
		k++;
		p = *semi ? semi + 1 : semi;
	}
	it->nfields = k;
	return 0;
}

/*
 * Appends the test cases of spec file name to s->tc.  Assay's own
 * (assay_defined) must assess an extra provision, each id once.
 */
static int
load_testcases(const char *datadir, const char *name, int assay_defined,
    struct assay_spec *s, EVP_MD_CTX *md, struct assay_diag *d)
{
	struct csv c = { 0 };
	struct testcase *nt;
	size_t i;
	long pi;
	int r;

	/* Assay's own may be none yet (a header only). */
	if ((r = load_csv_rows(datadir, name, 7, assay_defined ? 0 : 1, &c, md,
	    d)) != 0)
		goto out;
	r = ASSAY_ERR_ALLOC;
	if ((nt = realloc(s->tc, (s->ntc + c.nrows) * sizeof(*nt))) == NULL)
		goto out;
	s->tc = nt;
	for (i = 1; i < c.nrows; i++) {
		struct csv_row *row = &c.rows[i];
		struct testcase *t;

		if (assay_defined && (assay_spec_testcase_find(s,
		    row->col[1]) >= 0 || (pi = assay_spec_provision_find(s,
		    row->col[0])) < 0 || !s->prov[pi].v3)) {
			assay_diag_add(d, name, row->line, "test case %s: "
			    "twice, or its group %s is not a provision new or "
			    "split in EN 303 645 V3.1.3", row->col[1],
			    row->col[0]);
			r = ASSAY_ERR_PARSE;
			goto out;
		}
		t = &s->tc[s->ntc++];
		memset(t, 0, sizeof(*t));
		t->assay_defined = assay_defined;
		t->group = take(row, 0);
		t->id = take(row, 1);
		if (assay_tc_type_parse(row->col[2], &t->type) != 0) {
			assay_diag_add(d, name, row->line, "test case %s: "
			    "unknown type \"%s\"", t->id, row->col[2]);
			r = ASSAY_ERR_PARSE;
			goto out;
		}
		t->purpose = take(row, 3);
		t->ixit = take(row, 4);
		t->units = atoi(row->col[5]);
		t->hint = take(row, 6);
	}
	r = 0;
 out:
	csv_free(&c);
	return r;
}

/*
 * The provisions EN 303 645 V3.1.3 added or split (change "new" or
 * "split"), appended after V2.1.1's as extras: Assay defines their test
 * cases (assay_v3.1.3_test_cases.csv).  Their conditions are V2.1.1's
 * numbers (the V2.1.1 ICS decides them); V3.1.3's features are not used.
 */
static int
load_extras(const char *datadir, struct assay_spec *s, EVP_MD_CTX *md,
    struct assay_diag *d)
{
	static const char name[] = "en303645_v3.1.3_provisions.csv";
	struct csv c = { 0 };
	struct provision *np;
	size_t i, k;
	int r;

	if ((r = load_csv(datadir, name, 9, &c, md, d)) != 0)
		goto out;
	r = ASSAY_ERR_ALLOC;
	if ((np = realloc(s->prov, (s->nprov + c.nrows - 1) *
	    sizeof(*np))) == NULL)
		goto out;
	s->prov = np;
	for (i = 1; i < c.nrows; i++) {
		struct csv_row *row = &c.rows[i];
		struct provision *p;

		if (strcmp(row->col[7], "new") != 0 &&
		    strcmp(row->col[7], "split") != 0)
			continue;
		if (assay_spec_provision_find(s, row->col[0]) >= 0) {
			assay_diag_add(d, name, row->line, "provision %s: "
			    "listed twice, or also a V2.1.1 provision",
			    row->col[0]);
			r = ASSAY_ERR_PARSE;
			goto out;
		}
		p = &s->prov[s->nprov++];
		memset(p, 0, sizeof(*p));
		p->v3 = 1;
		p->id = take(row, 0);
		p->clause = take(row, 1);
		p->title = take(row, 2);
		p->status = take(row, 3);
		p->summary = take(row, 5);
		if (parse_conditions(row->col[4], p) != 0) {
			assay_diag_add(d, name, row->line, "provision %s: bad "
			    "conditions \"%s\"", p->id, row->col[4]);
			r = ASSAY_ERR_PARSE;
			goto out;
		}
		for (k = 0; k < p->ncond; k++)
			if ((size_t)p->cond[k] > s->ncond) {
				assay_diag_add(d, name, row->line, "provision "
				    "%s: condition %d is not one of EN 303 645 "
				    "V2.1.1's 1..%zu", p->id, p->cond[k],
				    s->ncond);
				r = ASSAY_ERR_PARSE;
				goto out;
			}
	}
	r = 0;
 out:
	csv_free(&c);
	return r;
}

void
assay_spec_free(struct assay_spec *s)
{
	size_t i, k;

	if (s == NULL)
		return;
	for (i = 0; i < s->nprov; i++) {
		free(s->prov[i].id);
		free(s->prov[i].clause);
		free(s->prov[i].title);
		free(s->prov[i].status);
		free(s->prov[i].summary);
	}
	free(s->prov);
	for (i = 0; i < s->ncond; i++)
		free(s->cond[i]);
	free(s->cond);
	for (i = 0; i < s->nixit; i++) {
		free(s->ixit[i].id);
		free(s->ixit[i].name);
		for (k = 0; k < s->ixit[i].nfields; k++) {
			free(s->ixit[i].field[k]);
			free(s->ixit[i].help[k]);
		}
		free(s->ixit[i].field);
		free(s->ixit[i].help);
	}
	free(s->ixit);
	for (i = 0; i < s->ntc; i++) {
		free(s->tc[i].group);
		free(s->tc[i].id);
		free(s->tc[i].purpose);
		free(s->tc[i].ixit);
		free(s->tc[i].hint);
	}
	free(s->tc);
	free(s);
}

int
assay_spec_load(const char *datadir, const char *version,
    struct assay_spec **out, struct assay_diag *d)
{
	struct assay_spec *s = NULL;
	struct csv c = { 0 };
	EVP_MD_CTX *md = NULL;
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	char name[128];
	size_t i;
	int r = ASSAY_ERR_ALLOC;

	*out = NULL;
	if (version == NULL)
		version = "2.1.1";
	if (strcmp(version, "2.1.1") != 0) {
		assay_diag_add(d, "spec", 0, "EN 303 645 version \"%s\" is not "
		    "supported (TS 103 701 V1.1.1 test cases exist for 2.1.1 only)",
		    version);
		return ASSAY_ERR_NOT_FOUND;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	snprintf(s->version, sizeof(s->version), "%s", version);

	/* Provisions. */
	snprintf(name, sizeof(name), "en303645_v%s_provisions.csv", version);
	if ((r = load_csv(datadir, name, 6, &c, md, d)) != 0)
		goto out;
	r = ASSAY_ERR_ALLOC;
	if ((s->prov = calloc(c.nrows - 1, sizeof(*s->prov))) == NULL)
		goto out;
	for (i = 1; i < c.nrows; i++) {
		struct provision *p = &s->prov[s->nprov++];
		struct csv_row *row = &c.rows[i];

		p->id = take(row, 0);
		p->clause = take(row, 1);
		p->title = take(row, 2);
		p->status = take(row, 3);
		p->summary = take(row, 5);
		if (parse_conditions(row->col[4], p) != 0) {
			assay_diag_add(d, name, row->line,
			    "provision %s: bad conditions \"%s\"", p->id,
			    row->col[4]);
			r = ASSAY_ERR_PARSE;
			goto out;
		}
	}
	csv_free(&c);

	/* Conditions, numbered 1..n in order. */
	snprintf(name, sizeof(name), "en303645_v%s_conditions.csv", version);
	if ((r = load_csv(datadir, name, 2, &c, md, d)) != 0)
		goto out;
	r = ASSAY_ERR_ALLOC;
	if ((s->cond = calloc(c.nrows - 1, sizeof(char *))) == NULL)
		goto out;
	for (i = 1; i < c.nrows; i++) {
		if (atoi(c.rows[i].col[0]) != (int)i) {
			assay_diag_add(d, name, c.rows[i].line,
			    "conditions must be numbered 1, 2, ... in order");
			r = ASSAY_ERR_PARSE;
			goto out;
		}
		s->cond[s->ncond++] = take(&c.rows[i], 1);
	}
	csv_free(&c);

	/* IXIT items. */
	if ((r = load_csv(datadir, "ts103701_v1.1.1_ixit.csv", 5, &c, md, d)) != 0)
		goto out;
	r = ASSAY_ERR_ALLOC;
	if ((s->ixit = calloc(c.nrows - 1, sizeof(*s->ixit))) == NULL)
		goto out;
	for (i = 1; i < c.nrows; i++) {
		struct ixit_item *it = &s->ixit[s->nixit++];

		it->id = take(&c.rows[i], 0);
		it->name = take(&c.rows[i], 1);
		if ((r = split_fields(c.rows[i].col[3], it)) != 0)
			goto out;
	}
	csv_free(&c);

	/* Test cases: TS 103 701's, then Assay's own for the V3.1.3 extras. */
	if ((r = load_testcases(datadir, "ts103701_v1.1.1_test_cases.csv", 0, s,
	    md, d)) != 0)
		goto out;
	if ((r = load_extras(datadir, s, md, d)) != 0)
		goto out;
	if ((r = load_testcases(datadir, "assay_v3.1.3_test_cases.csv", 1, s,
	    md, d)) != 0)
		goto out;

	if (EVP_DigestFinal_ex(md, dg, &dlen) != 1 || dlen != ASSAY_SHA256_LEN) {
		r = ASSAY_ERR_CRYPTO;
		goto out;
	}
	assay_hex_encode(dg, ASSAY_SHA256_LEN, s->hash);
	*out = s;
	s = NULL;
	r = 0;
 out:
	csv_free(&c);
	EVP_MD_CTX_free(md);
	assay_spec_free(s);
	return r;
}

const char *
assay_spec_version(const struct assay_spec *s)
{
	return s->version;
}

const char *
assay_spec_hash(const struct assay_spec *s)
{
	return s->hash;
}

size_t
assay_spec_nprovisions(const struct assay_spec *s)
{
	return s->nprov;
}

long
assay_spec_provision_find(const struct assay_spec *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->nprov; i++)
		if (strcmp(s->prov[i].id, id) == 0)
			return (long)i;
	return -1;
}

const char *
assay_spec_provision_id(const struct assay_spec *s, size_t i)
{
	return s->prov[i].id;
}

const char *
assay_spec_provision_clause(const struct assay_spec *s, size_t i)
{
	return s->prov[i].clause;
}

const char *
assay_spec_provision_clause_title(const struct assay_spec *s, size_t i)
{
	return s->prov[i].title;
}

const char *
assay_spec_provision_status(const struct assay_spec *s, size_t i)
{
	return s->prov[i].status;
}

int
assay_spec_provision_mandatory(const struct assay_spec *s, size_t i)
{
	return s->prov[i].status[0] == 'M';
}

const char *
assay_spec_provision_summary(const struct assay_spec *s, size_t i)
{
	return s->prov[i].summary;
}

const char *
assay_spec_provision_edition(const struct assay_spec *s, size_t i)
{
	return s->prov[i].v3 ? "3.1.3" : "2.1.1";
}

int
assay_spec_provision_extra(const struct assay_spec *s, size_t i)
{
	return s->prov[i].v3;
}

size_t
assay_spec_provision_nconditions(const struct assay_spec *s, size_t i)
{
	return s->prov[i].ncond;
}

int
assay_spec_provision_condition(const struct assay_spec *s, size_t i, size_t k)
{
	return k < s->prov[i].ncond ? s->prov[i].cond[k] : 0;
}

size_t
assay_spec_nconditions(const struct assay_spec *s)
{
	return s->ncond;
}

const char *
assay_spec_condition_text(const struct assay_spec *s, int number)
{
	if (number < 1 || (size_t)number > s->ncond)
		return NULL;
	return s->cond[number - 1];
}

size_t
assay_spec_nixit(const struct assay_spec *s)
{
	return s->nixit;
}

long
assay_spec_ixit_find(const struct assay_spec *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->nixit; i++)
		if (strcmp(s->ixit[i].id, id) == 0)
			return (long)i;
	return -1;
}

const char *
assay_spec_ixit_id(const struct assay_spec *s, size_t i)
{
	return s->ixit[i].id;
}

const char *
assay_spec_ixit_name(const struct assay_spec *s, size_t i)
{
	return s->ixit[i].name;
}

size_t
assay_spec_ixit_nfields(const struct assay_spec *s, size_t i)
{
	return s->ixit[i].nfields;
}

const char *
assay_spec_ixit_field(const struct assay_spec *s, size_t i, size_t k)
{
	return s->ixit[i].field[k];
}

const char *
assay_spec_ixit_field_help(const struct assay_spec *s, size_t i, size_t k)
{
	return s->ixit[i].help[k];
}

long
assay_spec_ixit_field_find(const struct assay_spec *s, size_t i,
    const char *name)
{
	size_t k;

	size_t n;

	for (k = 0; k < s->ixit[i].nfields; k++) {
		if (strcasecmp(s->ixit[i].field[k], name) == 0)
			return (long)k;
		/* "process description covering ..." spelled out in full. */
		n = strlen(s->ixit[i].field[k]);
		if (strncmp(s->ixit[i].help[k], "covering ", 9) == 0 &&
		    strncasecmp(name, s->ixit[i].field[k], n) == 0 &&
		    name[n] == ' ' && strcasecmp(name + n + 1,
		    s->ixit[i].help[k]) == 0)
			return (long)k;
	}
	return -1;
}

size_t
assay_spec_ntestcases(const struct assay_spec *s)
{
	return s->ntc;
}

long
assay_spec_testcase_find(const struct assay_spec *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->ntc; i++)
		if (strcmp(s->tc[i].id, id) == 0)
			return (long)i;
	return -1;
}

const char *
assay_spec_testcase_id(const struct assay_spec *s, size_t i)
{
	return s->tc[i].id;
}

const char *
assay_spec_testcase_group(const struct assay_spec *s, size_t i)
{
	return s->tc[i].group;
}

enum assay_tc_type
assay_spec_testcase_type(const struct assay_spec *s, size_t i)
{
	return s->tc[i].type;
}

const char *
assay_spec_testcase_purpose(const struct assay_spec *s, size_t i)
{
	return s->tc[i].purpose;
}

const char *
assay_spec_testcase_ixit(const struct assay_spec *s, size_t i)
{
	return s->tc[i].ixit;
}

int
assay_spec_testcase_units(const struct assay_spec *s, size_t i)
{
	return s->tc[i].units;
}

int
assay_spec_testcase_assay_defined(const struct assay_spec *s, size_t i)
{
	return s->tc[i].assay_defined;
}

const char *
assay_spec_testcase_probe_hint(const struct assay_spec *s, size_t i)
{
	return s->tc[i].hint;
}

const char *
assay_tc_type_name(enum assay_tc_type t)
{
	switch (t) {
	case ASSAY_TC_CONCEPTUAL:		return "conceptual";
	case ASSAY_TC_FUNCTIONAL:		return "functional";
	case ASSAY_TC_CONCEPTUAL_FUNCTIONAL:	return "conceptual+functional";
	}
	return "?";
}

int
assay_tc_type_parse(const char *name, enum assay_tc_type *out)
{
	if (strcmp(name, "conceptual") == 0)
		*out = ASSAY_TC_CONCEPTUAL;
	else if (strcmp(name, "functional") == 0)
		*out = ASSAY_TC_FUNCTIONAL;
	else if (strcmp(name, "conceptual+functional") == 0)
		*out = ASSAY_TC_CONCEPTUAL_FUNCTIONAL;
	else
		return ASSAY_ERR_PARSE;
	return 0;
}
