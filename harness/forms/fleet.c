/*
 * fleet.c - the fleet file (fleet.h).
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "base/diag.h"
#include "base/error.h"
#include "base/file.h"
#include "forms/fleet.h"
#include "forms/forms.h"

struct fleet_device {
	char	*id;
	char	*ics;
	char	*ixit;
	char	*setup;
	char	*netns;
	long	 line;
};

struct assay_fleet {
	struct fleet_device	*dev;
	size_t			 ndev;
};

static int
is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

/* A copy of attribute name (NULL: absent); *r set on no memory. */
static char *
attr(xmlNodePtr n, const char *name, int *r)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	if ((s = strdup((const char *)v)) == NULL)
		*r = ASSAY_ERR_ALLOC;
	xmlFree(v);
	return s;
}

/*
 * rel against base (the fleet file's directory; "" for the current one)
 * into a new string; NULL with *r set when it does not fit or no memory.
 */
static char *
resolve(const char *base, const char *rel, const char *file, long line,
    struct assay_diag *d, int *r)
{
	char path[ASSAY_PATH_MAX];
	char *s;

	if (rel[0] == '/' || base[0] == '\0') {
		if (strlen(rel) >= sizeof(path)) {
			assay_diag_add(d, file, line, "path too long: %.60s...",
			    rel);
			*r = ASSAY_ERR_FORM;
			return NULL;
		}
		snprintf(path, sizeof(path), "%s", rel);
	} else if (assay_path_join(path, sizeof(path), base, rel) != 0) {
		assay_diag_add(d, file, line, "path too long: %.60s...", rel);
		*r = ASSAY_ERR_FORM;
		return NULL;
	}
	if ((s = strdup(path)) == NULL)
		*r = ASSAY_ERR_ALLOC;
	return s;
}

static int
add_device(struct assay_fleet *f, xmlNodePtr n, const char *base,
    const char *dics, const char *dixit, const char *file,
    struct assay_diag *d)
{
	struct fleet_device *v, *dv;
	char *ics = NULL, *ixit = NULL, *setup = NULL;
	long line = (long)xmlGetLineNo(n);
	size_t i;
	int r = 0;

	if ((v = realloc(f->dev, (f->ndev + 1) * sizeof(*v))) == NULL)
		return ASSAY_ERR_ALLOC;
	f->dev = v;
	dv = &f->dev[f->ndev];
	memset(dv, 0, sizeof(*dv));
	f->ndev++;
	dv->line = line;
	dv->id = attr(n, "id", &r);
	dv->netns = attr(n, "netns", &r);
	ics = attr(n, "ics", &r);
	ixit = attr(n, "ixit", &r);
	setup = attr(n, "setup", &r);
	if (r != 0)
		goto out;
	if (dv->id == NULL || setup == NULL) {
		/* The schema requires both: never trust one check. */
		assay_diag_add(d, file, line, "device without id or setup");
		r = ASSAY_ERR_FORM;
		goto out;
	}
	for (i = 0; i + 1 < f->ndev; i++)
		if (strcmp(f->dev[i].id, dv->id) == 0) {
			assay_diag_add(d, file, line, "device \"%s\": the id "
			    "is also on line %ld (each device has its own "
			    "report directory)", dv->id, f->dev[i].line);
			r = ASSAY_ERR_FORM;
		}
	if (ics == NULL && dics == NULL) {
		assay_diag_add(d, file, line, "device \"%s\": no ics (give it "
		    "on the device or on <fleet>)", dv->id);
		r = ASSAY_ERR_FORM;
	}
	if (ixit == NULL && dixit == NULL) {
		assay_diag_add(d, file, line, "device \"%s\": no ixit (give it "
		    "on the device or on <fleet>)", dv->id);
		r = ASSAY_ERR_FORM;
	}
	if (r != 0)
		goto out;
	if ((dv->ics = resolve(base, ics != NULL ? ics : dics, file, line, d,
	    &r)) == NULL ||
	    (dv->ixit = resolve(base, ixit != NULL ? ixit : dixit, file, line,
	    d, &r)) == NULL ||
	    (dv->setup = resolve(base, setup, file, line, d, &r)) == NULL)
		goto out;
 out:
	free(ics);
	free(ixit);
	free(setup);
	return r;
}

int
assay_fleet_load(const char *datadir, const char *path,
    struct assay_fleet **out, struct assay_diag *d)
{
	struct assay_fleet *f = NULL;
	struct _xmlDoc *doc = NULL;
	char xsd[ASSAY_PATH_MAX], base[ASSAY_PATH_MAX], *slash;
	char *dics = NULL, *dixit = NULL;
	xmlNodePtr root, n;
	int r, k;

	*out = NULL;
	if (datadir == NULL || path == NULL)
		return ASSAY_ERR_INVALID_ARG;
	if ((r = assay_path_join(xsd, sizeof(xsd), datadir,
	    "setup/fleet.xsd")) != 0)
		return r;
	if (strlen(path) >= sizeof(base)) {
		assay_diag_add(d, path, 0, "path too long");
		return ASSAY_ERR_INVALID_ARG;
	}
	snprintf(base, sizeof(base), "%s", path);
	if ((slash = strrchr(base, '/')) != NULL)
		slash[slash == base ? 1 : 0] = '\0';
	else
		base[0] = '\0';
	if ((r = assay_forms_read_xml(path, xsd, "fleet", &doc, NULL, d)) != 0)
		return r;
	r = ASSAY_ERR_ALLOC;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		goto out;
	root = xmlDocGetRootElement((xmlDocPtr)doc);
	r = 0;
	dics = attr(root, "ics", &r);
	dixit = attr(root, "ixit", &r);
	if (r != 0)
		goto out;
	/* Every device is checked: each problem is said, not the first. */
	for (n = root->children; n != NULL; n = n->next) {
		if (!is_elem(n, "device"))
			continue;
		if ((k = add_device(f, n, base, dics, dixit, path, d)) ==
		    ASSAY_ERR_ALLOC) {
			r = k;
			goto out;
		}
		if (k != 0)
			r = k;
	}
	if (r == 0 && f->ndev == 0) {
		assay_diag_add(d, path, 0, "no device");
		r = ASSAY_ERR_FORM;
	}
	if (r == 0) {
		*out = f;
		f = NULL;
	}
 out:
	free(dics);
	free(dixit);
	assay_fleet_free(f);
	assay_forms_free_xml(doc);
	return r;
}

void
assay_fleet_free(struct assay_fleet *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->ndev; i++) {
		free(f->dev[i].id);
		free(f->dev[i].ics);
		free(f->dev[i].ixit);
		free(f->dev[i].setup);
		free(f->dev[i].netns);
	}
	free(f->dev);
	free(f);
}

size_t
assay_fleet_count(const struct assay_fleet *f)
{
	return f != NULL ? f->ndev : 0;
}

const char *
assay_fleet_id(const struct assay_fleet *f, size_t i)
{
	return f->dev[i].id;
}

const char *
assay_fleet_ics(const struct assay_fleet *f, size_t i)
{
	return f->dev[i].ics;
}

const char *
assay_fleet_ixit(const struct assay_fleet *f, size_t i)
{
	return f->dev[i].ixit;
}

const char *
assay_fleet_setup(const struct assay_fleet *f, size_t i)
{
	return f->dev[i].setup;
}

const char *
assay_fleet_netns(const struct assay_fleet *f, size_t i)
{
	return f->dev[i].netns;
}

long
assay_fleet_line(const struct assay_fleet *f, size_t i)
{
	return f->dev[i].line;
}
