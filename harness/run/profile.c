/*
 * profile.c - profiles and lab tailoring files (profile.h).
 *
 * Both are XML read with the forms' hostile-input reader and validated
 * against profiles/profile.xsd or profiles/tailoring.xsd; what a schema
 * cannot say (a provision the spec knows, an item without provisions
 * saying why, a test case the catalogue has) is checked here, each
 * problem with its file and line.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "base/diag.h"
#include "base/error.h"
#include "base/file.h"
#include "forms/forms.h"
#include "forms/spec.h"
#include "run/catalogue.h"
#include "run/profile.h"

static int
is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

/* The element's text, whitespace runs folded to one space; NULL: no memory. */
static char *
text(xmlNodePtr n)
{
	xmlChar *raw = xmlNodeGetContent(n);
	char *out, *o;
	const char *s;
	int space = 0;

	if (raw == NULL)
		return strdup("");
	if ((out = malloc(strlen((const char *)raw) + 1)) == NULL) {
		xmlFree(raw);
		return NULL;
	}
	o = out;
	for (s = (const char *)raw; *s == ' ' || *s == '\n' || *s == '\t' ||
	    *s == '\r'; s++)
		;
	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
			space = 1;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = 0;
		*o++ = *s;
	}
	*o = '\0';
	xmlFree(raw);
	return out;
}

static char *
attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

/* Appends s (owned) to *v; returns 0 or ASSAY_ERR_ALLOC (s freed). */
static int
push(char ***v, size_t *n, char *s)
{
	char **nv;

	if (s == NULL || (nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL) {
		free(s);
		return ASSAY_ERR_ALLOC;
	}
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

static void
free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A profile name: [a-z0-9][a-z0-9.-]{0,63}, no "..". */
static int
valid_name(const char *s)
{
	size_t i;

	if (s[0] == '\0' || strlen(s) > 64 || strstr(s, "..") != NULL ||
	    s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

static int
load_item(struct assay_profile_item *it, xmlNodePtr n, const char *file,
    const struct assay_spec *spec, struct assay_diag *d)
{
	xmlNodePtr c;
	long line = (long)xmlGetLineNo(n);
	int r;

	if ((it->id = attr(n, "id")) == NULL)
		return ASSAY_ERR_ALLOC;
	it->ref = attr(n, "ref");
	it->relation = attr(n, "relation");
	for (c = n->children; c != NULL; c = c->next) {
		char **slot = NULL;

		if (is_elem(c, "provision")) {
			char *id = text(c);

			if (id != NULL && assay_spec_provision_find(spec, id) < 0) {
				assay_diag_add(d, file, (long)xmlGetLineNo(c),
				    "item %s: EN 303 645 V2.1.1 has no "
				    "provision \"%s\"", it->id, id);
				free(id);
				return ASSAY_ERR_FORM;
			}
			if ((r = push(&it->provisions, &it->nprovisions,
			    id)) != 0)
				return r;
			continue;
		}
		if (is_elem(c, "title"))
			slot = &it->title;
		else if (is_elem(c, "not-assessed"))
			slot = &it->not_assessed;
		else if (is_elem(c, "note"))
			slot = &it->note;
		if (slot != NULL && (*slot = text(c)) == NULL)
			return ASSAY_ERR_ALLOC;
	}
	if ((it->nprovisions == 0) == (it->not_assessed == NULL)) {
		assay_diag_add(d, file, line, "item %s: give either the "
		    "provisions that assess it or <not-assessed> saying why "
		    "none does", it->id);
		return ASSAY_ERR_FORM;
	}
	return 0;
}

int
assay_profile_load(const char *datadir, const char *name,
    const struct assay_spec *spec, struct assay_profile **out,
    struct assay_diag *d)
{
	struct assay_profile *p;
	char xsd[ASSAY_PATH_MAX], rel[128];
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n;
	size_t i, k;
	char *id = NULL;
	int r;
	size_t len = strlen(name);

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return ASSAY_ERR_ALLOC;
	if (strchr(name, '/') != NULL || (len > 4 &&
	    strcmp(name + len - 4, ".xml") == 0)) {
		snprintf(p->path, sizeof(p->path), "%s", name);
	} else if (!valid_name(name)) {
		assay_diag_add(d, "--profile", 0, "\"%s\" is not a profile name "
		    "(lower-case letters, digits, '.' and '-'); 'assay list "
		    "--profiles' lists them", name);
		r = ASSAY_ERR_USAGE;
		goto out;
	} else {
		snprintf(rel, sizeof(rel), "profiles/%s.xml", name);
		if ((r = assay_path_join(p->path, sizeof(p->path), datadir,
		    rel)) != 0)
			goto out;
		if (access(p->path, F_OK) != 0) {
			assay_diag_add(d, "--profile", 0, "no profile \"%s\" "
			    "(looked for %s); 'assay list --profiles' lists "
			    "them", name, p->path);
			r = ASSAY_ERR_NOT_FOUND;
			goto out;
		}
	}
	if ((r = assay_path_join(xsd, sizeof(xsd), datadir,
	    "profiles/profile.xsd")) != 0)
		goto out;
	if ((r = assay_forms_read_xml(p->path, xsd, "profile", &doc,
	    p->sha256, d)) != 0)
		goto out;
	root = xmlDocGetRootElement(doc);
	if ((id = attr(root, "id")) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	snprintf(p->id, sizeof(p->id), "%s", id);
	for (n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		r = 0;
		if (is_elem(n, "title"))
			r = (p->title = text(n)) == NULL ? ASSAY_ERR_ALLOC : 0;
		else if (is_elem(n, "numbering"))
			r = (p->numbering = text(n)) == NULL ?
			    ASSAY_ERR_ALLOC : 0;
		else if (is_elem(n, "source"))
			r = push(&p->sources, &p->nsources, text(n));
		else if (is_elem(n, "note"))
			r = push(&p->notes, &p->nnotes, text(n));
		else if (is_elem(n, "item")) {
			struct assay_profile_item *v;

			if ((v = realloc(p->items, (p->nitems + 1) *
			    sizeof(*v))) == NULL) {
				r = ASSAY_ERR_ALLOC;
				goto out;
			}
			p->items = v;
			memset(&v[p->nitems], 0, sizeof(*v));
			r = load_item(&v[p->nitems++], n, p->path, spec, d);
		} else if (is_elem(n, "statement")) {
			xmlNodePtr c;

			for (c = n->children; c != NULL && r == 0; c = c->next)
				if (is_elem(c, "title"))
					r = (p->statement_title = text(c)) ==
					    NULL ? ASSAY_ERR_ALLOC : 0;
				else if (is_elem(c, "para"))
					r = push(&p->statement, &p->nstatement,
					    text(c));
		}
		if (r != 0)
			goto out;
	}
	for (i = 0; i < p->nitems; i++)
		for (k = 0; k < i; k++)
			if (strcmp(p->items[i].id, p->items[k].id) == 0) {
				assay_diag_add(d, p->path, 0, "item %s is listed "
				    "twice", p->items[i].id);
				r = ASSAY_ERR_FORM;
				goto out;
			}
	*out = p;
	p = NULL;
	r = 0;
 out:
	free(id);
	assay_forms_free_xml(doc);
	assay_profile_free(p);
	return r;
}

static int
tc_in(const struct assay_profile *p, const char *tc)
{
	size_t i;

	for (i = 0; i < p->nchanges; i++)
		if (strcmp(p->changes[i].test_case, tc) == 0)
			return 1;
	return 0;
}

int
assay_profile_tailor(struct assay_profile *p, const char *datadir,
    const char *path, const struct assay_catalogue *cat, struct assay_diag *d)
{
	struct assay_profile t;	/* only the tailoring fields are used */
	char xsd[ASSAY_PATH_MAX], *base = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n;
	size_t i;
	int r;

	memset(&t, 0, sizeof(t));
	if ((r = assay_path_join(xsd, sizeof(xsd), datadir,
	    "profiles/tailoring.xsd")) != 0)
		return r;
	snprintf(t.tailoring_path, sizeof(t.tailoring_path), "%s", path);
	if ((r = assay_forms_read_xml(path, xsd, "tailoring", &doc,
	    t.tailoring_sha256, d)) != 0)
		return r;
	root = xmlDocGetRootElement(doc);
	if ((base = attr(root, "profile")) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if (strcmp(base, p->id) != 0) {
		assay_diag_add(d, path, (long)xmlGetLineNo(root), "this "
		    "tailoring is derived from profile %s, not from %s (give "
		    "--profile %s)", base, p->id, base);
		r = ASSAY_ERR_FORM;
		goto out;
	}
	t.tailoring_id = attr(root, "id");
	for (n = root->children; n != NULL; n = n->next) {
		struct assay_tailoring_change *c, *v;
		long k, line = (long)xmlGetLineNo(n);
		const char *group;

		if (is_elem(n, "title")) {
			if ((t.tailoring_title = text(n)) == NULL) {
				r = ASSAY_ERR_ALLOC;
				goto out;
			}
			continue;
		}
		if (!is_elem(n, "select") && !is_elem(n, "deselect"))
			continue;
		if ((v = realloc(t.changes, (t.nchanges + 1) *
		    sizeof(*v))) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		t.changes = v;
		c = &v[t.nchanges++];
		memset(c, 0, sizeof(*c));
		c->add = is_elem(n, "select");
		c->line = line;
		if ((c->test_case = attr(n, "test-case")) == NULL ||
		    (c->justification = text(n)) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		if ((k = assay_catalogue_find(cat, c->test_case)) < 0) {
			assay_diag_add(d, path, line, "no test case %s in the "
			    "catalogue", c->test_case);
			r = ASSAY_ERR_FORM;
			continue;
		}
		if (strncmp(c->justification, "TODO", 4) == 0) {
			assay_diag_add(d, path, line, "test case %s: the "
			    "justification is still TODO", c->test_case);
			r = ASSAY_ERR_FORM;
		}
		group = assay_catalogue_group(cat, (size_t)k);
		if (c->add && assay_profile_has_provision(p, group)) {
			assay_diag_add(d, path, line, "test case %s is already "
			    "in profile %s (provision %s): nothing to select",
			    c->test_case, p->id, group);
			r = ASSAY_ERR_FORM;
		} else if (!c->add && !assay_profile_has_provision(p, group)) {
			assay_diag_add(d, path, line, "test case %s is not in "
			    "profile %s (provision %s): nothing to deselect",
			    c->test_case, p->id, group);
			r = ASSAY_ERR_FORM;
		}
		for (i = 0; i + 1 < t.nchanges; i++)
			if (strcmp(t.changes[i].test_case, c->test_case) == 0) {
				assay_diag_add(d, path, line, "test case %s is "
				    "tailored twice (line %ld)", c->test_case,
				    t.changes[i].line);
				r = ASSAY_ERR_FORM;
			}
	}
	if (r != 0)
		goto out;
	/* Accepted: move the tailoring into p. */
	p->tailoring_id = t.tailoring_id;
	p->tailoring_title = t.tailoring_title;
	p->changes = t.changes;
	p->nchanges = t.nchanges;
	memcpy(p->tailoring_path, t.tailoring_path, sizeof(p->tailoring_path));
	memcpy(p->tailoring_sha256, t.tailoring_sha256,
	    sizeof(p->tailoring_sha256));
	memset(&t, 0, sizeof(t));
 out:
	for (i = 0; i < t.nchanges; i++) {
		free(t.changes[i].test_case);
		free(t.changes[i].justification);
	}
	free(t.changes);
	free(t.tailoring_id);
	free(t.tailoring_title);
	free(base);
	assay_forms_free_xml(doc);
	return r;
}

void
assay_profile_free(struct assay_profile *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nitems; i++) {
		struct assay_profile_item *it = &p->items[i];

		free(it->id);
		free(it->title);
		free(it->ref);
		free(it->relation);
		free(it->note);
		free(it->not_assessed);
		free_strings(it->provisions, it->nprovisions);
	}
	free(p->items);
	free(p->title);
	free(p->numbering);
	free_strings(p->sources, p->nsources);
	free_strings(p->notes, p->nnotes);
	free(p->statement_title);
	free_strings(p->statement, p->nstatement);
	for (i = 0; i < p->nchanges; i++) {
		free(p->changes[i].test_case);
		free(p->changes[i].justification);
	}
	free(p->changes);
	free(p->tailoring_id);
	free(p->tailoring_title);
	free(p);
}

int
assay_profile_has_provision(const struct assay_profile *p, const char *id)
{
	size_t i, k;

	for (i = 0; i < p->nitems; i++)
		for (k = 0; k < p->items[i].nprovisions; k++)
			if (strcmp(p->items[i].provisions[k], id) == 0)
				return 1;
	return 0;
}

int
assay_profile_selects(const struct assay_profile *p, const char *tc,
    const char *group, const struct assay_tailoring_change **change)
{
	size_t i;

	if (change != NULL)
		*change = NULL;
	for (i = 0; i < p->nchanges; i++)
		if (strcmp(p->changes[i].test_case, tc) == 0) {
			if (change != NULL)
				*change = &p->changes[i];
			return p->changes[i].add;
		}
	return assay_profile_has_provision(p, group);
}

int
assay_profile_counts(const struct assay_profile *p,
    const struct assay_catalogue *cat, const char *id)
{
	size_t i;

	if (assay_profile_has_provision(p, id))
		return 1;
	for (i = 0; i < assay_catalogue_count(cat); i++)
		if (strcmp(assay_catalogue_group(cat, i), id) == 0 &&
		    tc_in(p, assay_catalogue_id(cat, i)) &&
		    assay_profile_selects(p, assay_catalogue_id(cat, i), id,
		    NULL))
			return 1;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

size_t
assay_profile_names(const char *datadir, char (*names)[65], size_t max)
{
	char dir[ASSAY_PATH_MAX];
	struct dirent *e;
	DIR *dp;
	size_t n = 0, len;

	if (assay_path_join(dir, sizeof(dir), datadir, "profiles") != 0 ||
	    (dp = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(dp)) != NULL && n < max) {
		len = strlen(e->d_name);
		if (len <= 4 || len - 4 > 64 ||
		    strcmp(e->d_name + len - 4, ".xml") != 0)
			continue;
		memcpy(names[n], e->d_name, len - 4);
		names[n][len - 4] = '\0';
		if (valid_name(names[n]))
			n++;
	}
	closedir(dp);
	qsort(names, n, sizeof(names[0]), name_cmp);
	return n;
}
