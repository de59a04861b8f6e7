/*
 * forms.c - load, validate and cross-check the ICS and the IXIT.
 *
 * Steps for each file, every problem collected into the diag list:
 *  1. size cap (fstat before reading) and a read into a capped buffer;
 *  2. a byte scan that refuses any DOCTYPE/ENTITY declaration (no DTD, no
 *     entities, so no billion laughs and no external entities);
 *  3. libxml2 parse with XML_PARSE_NONET, no entity substitution, no DTD
 *     loading, errors routed to the diag list (never to stderr);
 *  4. a depth check, then XML Schema validation against <datadir>/ics/ics.xsd
 *     or <datadir>/ixit/ixit.xsd (never xsi:schemaLocation);
 *  5. the cross-checks the schema cannot express (ics/README.md,
 *     ixit/README.md);
 *  6. a copy of everything into plain C data; the xmlDoc is freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "buf.h"
#include "diag.h"
#include "error.h"
#include "forms.h"
#include "probe.h"
#include "spec.h"

#define ICS_NS		"urn:assay:ics:1"
#define IXIT_NS		"urn:assay:ixit:1"

struct field {
	char	*name;
	char	*value;		/* secret values: own allocation, wiped */
	int	 secret;
};

struct ref {
	char	*item;		/* NULL: a service reference */
	char	*target;
};

struct entry {
	char		*id;
	long		 line;
	struct field	*fields;
	size_t		 nfields;
	struct ref	*refs;
	size_t		 nrefs;
};

struct item {
	char		*id;
	struct entry	*entries;
	size_t		 nentries;
};

struct service {
	char	*id, *protocol, *transport, *security, *address, *description,
		*path;
	int	 port;
};

struct credential {
	char	*id, *service, *username, *password;
};

struct provision {
	char			*id;
	enum assay_support	 support;
	char			*detail;
};

struct assay_forms {
	struct assay_spec	*spec;
	char			*ics_path, *ixit_path;
	char			 ics_sha[65], ixit_sha[65];
	/* ICS */
	char			*device[5];	/* see device_keys */
	char			**serials;
	size_t			 nserials;
	char			*standard, *version, *profile;
	struct provision	*prov;
	size_t			 nprov;
	int			 cond[64];	/* -1 unknown, 0, 1 */
	/* IXIT */
	char			**addresses;
	size_t			 naddresses;
	int			 max_conn, max_rate;
	struct service		*svc;
	size_t			 nsvc;
	struct credential	*cred;
	size_t			 ncred;
	struct item		*items;
	size_t			 nitems;
	const char		**secrets;	/* borrowed from fields/creds */
	size_t			 nsecrets;
};

static const char *const device_keys[] = {
	"manufacturer", "model", "hardware-version", "firmware-version",
	"description"
};
#define NDEVICE	(sizeof(device_keys) / sizeof(device_keys[0]))

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void
xml_init(void)
{
	xmlInitParser();
}

/* --- small helpers ----------------------------------------------------- */

static void
wipe_free(char *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

/* Trimmed text content of a node (malloc'd), never NULL unless OOM. */
static char *
node_text(xmlNode *n)
{
	xmlChar *c = xmlNodeGetContent(n);
	const char *s = (const char *)(c ? c : (const xmlChar *)"");
	size_t len;
	char *out;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	out = strndup(s, len);
	if (c != NULL) {
		OPENSSL_cleanse(c, strlen((char *)c));
		xmlFree(c);
	}
	return out;
}

static char *
attr(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	char *s;

	if (v == NULL)
		return NULL;
	s = strdup((char *)v);
	xmlFree(v);
	return s;
}

static int
is_el(xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static xmlNode *
child(xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n ? n->children : NULL; c != NULL; c = c->next)
		if (is_el(c, name))
			return c;
	return NULL;
}

static long
line_of(xmlNode *n)
{
	return n ? xmlGetLineNo(n) : 0;
}

static void
sha256_hex(const void *p, size_t len, char out[65])
{
	unsigned char dg[32];
	unsigned int dlen = 0;
	size_t i;

	if (EVP_Digest(p, len, dg, &dlen, EVP_sha256(), NULL) != 1 || dlen != 32) {
		out[0] = '\0';
		return;
	}
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", dg[i]);
}

/* --- hostile-input reading --------------------------------------------- */

/* Reads path into *out (capped).  Problems go to d. */
static int
read_capped(const char *path, struct assay_buf **out, struct assay_diag *d)
{
	struct assay_buf *b = NULL;
	struct stat st;
	char chunk[65536];
	ssize_t n;
	int fd, r;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		assay_diag_add(d, path, 0, "cannot open: %s", strerror(errno));
		return ASSAY_ERR_NOT_FOUND;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		assay_diag_add(d, path, 0, "not a regular file");
		close(fd);
		return ASSAY_ERR_IO;
	}
	if (st.st_size > ASSAY_FORMS_MAX_BYTES) {
		assay_diag_add(d, path, 0, "form is %lld bytes, larger than the "
		    "limit of %d bytes", (long long)st.st_size,
		    ASSAY_FORMS_MAX_BYTES);
		close(fd);
		return ASSAY_ERR_TOO_BIG;
	}
	if ((b = assay_buf_new(ASSAY_FORMS_MAX_BYTES)) == NULL) {
		close(fd);
		return ASSAY_ERR_ALLOC;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		if ((r = assay_buf_put(b, chunk, (size_t)n)) != 0) {
			assay_diag_add(d, path, 0, "form grew beyond %d bytes "
			    "while being read", ASSAY_FORMS_MAX_BYTES);
			close(fd);
			assay_buf_free(b);
			return r;
		}
	}
	close(fd);
	if (n < 0) {
		assay_diag_add(d, path, 0, "read error: %s", strerror(errno));
		assay_buf_free(b);
		return ASSAY_ERR_IO;
	}
	*out = b;
	return 0;
}

/*
 * Refuses DOCTYPE and ENTITY declarations anywhere outside comments and
 * CDATA: a form needs neither, and they are the door to entity expansion
 * and external resources.
 */
static int
scan_hostile(const char *path, const char *p, size_t len, struct assay_diag *d)
{
	size_t i;
	long line = 1;

	for (i = 0; i < len; i++) {
		if (p[i] == '\n')
			line++;
		if (p[i] != '<')
			continue;
		if (len - i >= 4 && memcmp(p + i, "<!--", 4) == 0) {
			for (i += 4; i + 2 < len && memcmp(p + i, "-->", 3) != 0; i++)
				if (p[i] == '\n')
					line++;
			continue;
		}
		if (len - i >= 9 && memcmp(p + i, "<![CDATA[", 9) == 0) {
			for (i += 9; i + 2 < len && memcmp(p + i, "]]>", 3) != 0; i++)
				if (p[i] == '\n')
					line++;
			continue;
		}
		if (len - i >= 9 && strncasecmp(p + i, "<!DOCTYPE", 9) == 0) {
			assay_diag_add(d, path, line, "DOCTYPE is not allowed in a "
			    "form (no DTDs, no entities)");
			return ASSAY_ERR_HOSTILE_XML;
		}
		if (len - i >= 8 && strncasecmp(p + i, "<!ENTITY", 8) == 0) {
			assay_diag_add(d, path, line, "ENTITY declarations are not "
			    "allowed in a form");
			return ASSAY_ERR_HOSTILE_XML;
		}
	}
	return 0;
}

struct err_ctx {
	struct assay_diag	*d;
	const char		*path;
	int			 n;
};

static void
structured_error(void *arg, xmlErrorPtr e)
{
	struct err_ctx *x = arg;
	char msg[512];
	size_t len;

	if (e == NULL || x->n >= 1000)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "XML error");
	len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = '\0';
	assay_diag_add(x->d, x->path, e->line, "%s", msg);
	x->n++;
}

static void
parser_error(void *arg, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = arg;

	if (ctxt != NULL && ctxt->_private != NULL)
		structured_error(ctxt->_private, e);
}

static int
depth_ok(xmlNode *n, int depth)
{
	xmlNode *c;

	if (depth > ASSAY_FORMS_MAX_DEPTH)
		return 0;
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !depth_ok(c, depth + 1))
			return 0;
	return 1;
}

/*
 * Parses and schema-validates one form.  On success *docp is the caller's.
 * sha gets the SHA-256 of the bytes read.
 */
static int
parse_form(const char *path, const char *xsd_path, xmlDoc **docp,
    char sha[65], struct assay_diag *d)
{
	struct assay_buf *b = NULL;
	xmlParserCtxtPtr ctxt = NULL;
	xmlSchemaParserCtxtPtr pctx = NULL;
	xmlSchemaPtr schema = NULL;
	xmlSchemaValidCtxtPtr vctx = NULL;
	xmlDoc *doc = NULL;
	struct err_ctx ec = { d, path, 0 };
	struct err_ctx sec = { d, xsd_path, 0 };
	int r, opts;

	*docp = NULL;
	pthread_once(&xml_once, xml_init);
	if ((r = read_capped(path, &b, d)) != 0)
		return r;
	if (sha != NULL)
		sha256_hex(assay_buf_data(b), assay_buf_len(b), sha);
	if ((r = scan_hostile(path, assay_buf_data(b), assay_buf_len(b), d)) != 0)
		goto out;
	r = ASSAY_ERR_ALLOC;
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		goto out;
	/*
	 * libxml2 2.9 has no per-context error setter: a SAX2 serror handler
	 * gets the parser context, which carries our err_ctx in _private.
	 */
	ctxt->_private = &ec;
	ctxt->sax->serror = parser_error;
	/* Deliberately without NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, HUGE. */
	opts = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS;
	doc = xmlCtxtReadMemory(ctxt, assay_buf_data(b), (int)assay_buf_len(b),
	    path, NULL, opts);
	if (doc == NULL || !ctxt->wellFormed || ec.n > 0) {
		if (ec.n == 0)
			assay_diag_add(d, path, 0, "not well-formed XML");
		r = ASSAY_ERR_PARSE;
		goto out;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		assay_diag_add(d, path, 1, "DOCTYPE is not allowed in a form");
		r = ASSAY_ERR_HOSTILE_XML;
		goto out;
	}
	if (!depth_ok(xmlDocGetRootElement(doc), 1)) {
		assay_diag_add(d, path, 0, "elements nested deeper than %d levels",
		    ASSAY_FORMS_MAX_DEPTH);
		r = ASSAY_ERR_HOSTILE_XML;
		goto out;
	}
	r = ASSAY_ERR_SCHEMA;
	if ((pctx = xmlSchemaNewParserCtxt(xsd_path)) == NULL)
		goto out;
	xmlSchemaSetParserStructuredErrors(pctx, structured_error, &sec);
	if ((schema = xmlSchemaParse(pctx)) == NULL) {
		assay_diag_add(d, xsd_path, 0, "cannot load the schema");
		goto out;
	}
	if ((vctx = xmlSchemaNewValidCtxt(schema)) == NULL)
		goto out;
	xmlSchemaSetValidStructuredErrors(vctx, structured_error, &ec);
	if (xmlSchemaValidateDoc(vctx, doc) != 0) {
		if (ec.n == 0)
			assay_diag_add(d, path, 0, "does not match its schema");
		goto out;
	}
	*docp = doc;
	doc = NULL;
	r = 0;
 out:
	xmlSchemaFreeValidCtxt(vctx);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pctx);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	assay_buf_free(b);
	return r;
}

int
assay_forms_check_xml(const char *path, const char *xsd_path,
    struct assay_diag *d)
{
	xmlDoc *doc = NULL;
	int r;

	if ((r = parse_form(path, xsd_path, &doc, NULL, d)) == 0)
		xmlFreeDoc(doc);
	return r;
}

/* --- ICS ----------------------------------------------------------------- */

static int
parse_support(const char *s, enum assay_support *out)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "Y") == 0)
		*out = ASSAY_SUPPORT_YES;
	else if (strcmp(s, "N") == 0)
		*out = ASSAY_SUPPORT_NO;
	else if (strcmp(s, "N/A") == 0)
		*out = ASSAY_SUPPORT_NA;
	else
		return -1;
	return 0;
}

/* Reads the standard's name and version (before the spec is known). */
static int
load_ics(struct assay_forms *f, xmlDoc *doc, const char *datadir,
    struct assay_diag *d)
{
	const char *path = f->ics_path;
	xmlNode *root = xmlDocGetRootElement(doc), *n, *c;
	size_t i, np;
	int r, errors = 0;
	long li;
	char *v;

	if ((n = child(root, "device")) != NULL) {
		for (i = 0; i < NDEVICE; i++)
			if ((c = child(n, device_keys[i])) != NULL)
				f->device[i] = node_text(c);
		for (c = n->children; c != NULL; c = c->next) {
			if (!is_el(c, "serial-number"))
				continue;
			char **ns = realloc(f->serials, (f->nserials + 1) *
			    sizeof(*ns));
			if (ns == NULL)
				return ASSAY_ERR_ALLOC;
			f->serials = ns;
			f->serials[f->nserials++] = node_text(c);
		}
	}
	n = child(root, "standard");
	f->standard = n ? attr(n, "name") : strdup("EN 303 645");
	f->version = n ? attr(n, "version") : NULL;
	f->profile = n ? attr(n, "profile") : NULL;
	if (f->version == NULL)
		f->version = strdup("2.1.1");
	if ((r = assay_spec_load(datadir, f->version, &f->spec, d)) != 0) {
		assay_diag_add(d, path, line_of(n), "standard version \"%s\": "
		    "Assay has no data for it", f->version);
		return ASSAY_ERR_FORM;
	}

	/* Conditions: each of 1..n exactly once. */
	for (i = 0; i < 64; i++)
		f->cond[i] = -1;
	for (c = child(child(root, "conditions"), "condition"); c != NULL;
	    c = c->next) {
		long num;

		if (!is_el(c, "condition"))
			continue;
		v = attr(c, "number");
		num = v ? strtol(v, NULL, 10) : 0;
		free(v);
		if (num < 1 || (size_t)num > assay_spec_nconditions(f->spec)) {
			assay_diag_add(d, path, line_of(c), "condition %ld does not "
			    "exist (EN 303 645 V%s has conditions 1..%zu)", num,
			    f->version, assay_spec_nconditions(f->spec));
			errors++;
			continue;
		}
		if (f->cond[num] != -1) {
			assay_diag_add(d, path, line_of(c), "condition %ld "
			    "declared twice", num);
			errors++;
			continue;
		}
		v = attr(c, "holds");
		f->cond[num] = v != NULL && (strcmp(v, "true") == 0 ||
		    strcmp(v, "1") == 0);
		free(v);
	}
	for (i = 1; i <= assay_spec_nconditions(f->spec); i++)
		if (f->cond[i] == -1) {
			assay_diag_add(d, path, line_of(child(root, "conditions")),
			    "condition %zu (%s) is not declared", i,
			    assay_spec_condition_text(f->spec, (int)i));
			errors++;
		}

	/* Provisions: each of the spec's exactly once. */
	np = assay_spec_nprovisions(f->spec);
	if ((f->prov = calloc(np, sizeof(*f->prov))) == NULL)
		return ASSAY_ERR_ALLOC;
	for (c = child(child(root, "provisions"), "provision"); c != NULL;
	    c = c->next) {
		struct provision *p;
		char *id, *sup;

		if (!is_el(c, "provision"))
			continue;
		id = attr(c, "id");
		sup = attr(c, "support");
		if (id == NULL || (li = assay_spec_provision_find(f->spec, id)) < 0) {
			assay_diag_add(d, path, line_of(c), "provision \"%s\" does "
			    "not exist in EN 303 645 V%s", id ? id : "",
			    f->version);
			errors++;
			free(id);
			free(sup);
			continue;
		}
		p = &f->prov[li];
		if (p->id != NULL) {
			assay_diag_add(d, path, line_of(c), "provision %s listed "
			    "twice", id);
			errors++;
			free(id);
			free(sup);
			continue;
		}
		p->id = id;
		if (parse_support(sup, &p->support) != 0) {
			assay_diag_add(d, path, line_of(c), "provision %s: support "
			    "must be Y, N or N/A", id);
			errors++;
		}
		free(sup);
		p->detail = (n = child(c, "detail")) ? node_text(n) : strdup("");
		if (p->detail == NULL)
			return ASSAY_ERR_ALLOC;
		if (p->support != ASSAY_SUPPORT_YES && p->detail[0] == '\0') {
			assay_diag_add(d, path, line_of(c), "provision %s: support "
			    "%s needs a justification in <detail>", id,
			    assay_support_name(p->support));
			errors++;
		}
		if (p->support == ASSAY_SUPPORT_NA &&
		    assay_spec_provision_nconditions(f->spec, (size_t)li) == 0) {
			assay_diag_add(d, path, line_of(c), "provision %s: N/A is "
			    "only for conditional provisions (status %s)", id,
			    assay_spec_provision_status(f->spec, (size_t)li));
			errors++;
		}
	}
	for (i = 0; i < np; i++)
		if (f->prov[i].id == NULL) {
			assay_diag_add(d, path, line_of(child(root, "provisions")),
			    "provision %s is missing",
			    assay_spec_provision_id(f->spec, i));
			errors++;
		}
	f->nprov = np;
	return errors ? ASSAY_ERR_FORM : 0;
}

/* --- IXIT ---------------------------------------------------------------- */

static int
add_secret(struct assay_forms *f, const char *s)
{
	const char **v;

	if (s == NULL || *s == '\0')
		return 0;
	if ((v = realloc(f->secrets, (f->nsecrets + 1) * sizeof(*v))) == NULL)
		return ASSAY_ERR_ALLOC;
	f->secrets = v;
	v[f->nsecrets++] = s;
	return 0;
}

static long
find_service(const struct assay_forms *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->nsvc; i++)
		if (strcmp(f->svc[i].id, id) == 0)
			return (long)i;
	return -1;
}

static struct item *
find_item(const struct assay_forms *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->nitems; i++)
		if (strcmp(f->items[i].id, id) == 0)
			return &f->items[i];
	return NULL;
}

static int
load_entry(struct assay_forms *f, long ii, xmlNode *en, struct entry *e,
    struct assay_diag *d)
{
	const char *path = f->ixit_path;
	xmlNode *c;
	int errors = 0;

	e->id = attr(en, "id");
	e->line = line_of(en);
	for (c = en->children; c != NULL; c = c->next) {
		if (is_el(c, "field")) {
			struct field *fl = realloc(e->fields, (e->nfields + 1) *
			    sizeof(*fl));
			char *sec;

			if (fl == NULL)
				return ASSAY_ERR_ALLOC;
			e->fields = fl;
			fl = &e->fields[e->nfields++];
			memset(fl, 0, sizeof(*fl));
			fl->name = attr(c, "name");
			fl->value = node_text(c);
			sec = attr(c, "secret");
			fl->secret = sec != NULL && (strcmp(sec, "true") == 0 ||
			    strcmp(sec, "1") == 0);
			free(sec);
			if (fl->name == NULL || fl->value == NULL)
				return ASSAY_ERR_ALLOC;
			if (fl->secret && add_secret(f, fl->value) != 0)
				return ASSAY_ERR_ALLOC;
			if (ii >= 0 && assay_spec_ixit_field_find(f->spec,
			    (size_t)ii, fl->name) < 0) {
				assay_diag_add(d, path, line_of(c), "entry \"%s\": "
				    "IXIT item %s has no field \"%s\"",
				    e->id ? e->id : "", assay_spec_ixit_id(f->spec,
				    (size_t)ii), fl->name);
				errors++;
			}
		} else if (is_el(c, "ref")) {
			struct ref *rf = realloc(e->refs, (e->nrefs + 1) *
			    sizeof(*rf));

			if (rf == NULL)
				return ASSAY_ERR_ALLOC;
			e->refs = rf;
			rf = &e->refs[e->nrefs++];
			memset(rf, 0, sizeof(*rf));
			rf->item = attr(c, "item");
			if ((rf->target = attr(c, "service")) == NULL)
				rf->target = attr(c, "entry");
			if (rf->target == NULL) {
				assay_diag_add(d, path, line_of(c), "entry \"%s\": "
				    "ref needs service=\"...\" or item and entry",
				    e->id ? e->id : "");
				rf->target = strdup("");
				errors++;
			}
		}
	}
	return errors ? ASSAY_ERR_FORM : 0;
}

/* Checks the refs once every entry and service is known. */
static int
check_refs(struct assay_forms *f, xmlNode *items, struct assay_diag *d)
{
	const char *path = f->ixit_path;
	size_t i, k, j, m;
	xmlNode *in, *en, *rn;
	int errors = 0;

	in = items ? items->children : NULL;
	for (i = 0; i < f->nitems; i++) {
		while (in != NULL && !is_el(in, "item"))
			in = in->next;
		en = in ? in->children : NULL;
		for (k = 0; k < f->items[i].nentries; k++) {
			struct entry *e = &f->items[i].entries[k];

			while (en != NULL && !is_el(en, "entry"))
				en = en->next;
			rn = en ? en->children : NULL;
			for (j = 0; j < e->nrefs; j++) {
				struct ref *rf = &e->refs[j];
				struct item *ti;
				int found = 0;

				while (rn != NULL && !is_el(rn, "ref"))
					rn = rn->next;
				if (rf->item == NULL) {
					if (find_service(f, rf->target) < 0) {
						assay_diag_add(d, path, line_of(rn),
						    "entry \"%s\": ref to service "
						    "\"%s\", which is not declared",
						    e->id, rf->target);
						errors++;
					}
				} else if ((ti = find_item(f, rf->item)) == NULL) {
					assay_diag_add(d, path, line_of(rn),
					    "entry \"%s\": ref to unknown IXIT item "
					    "\"%s\"", e->id, rf->item);
					errors++;
				} else {
					for (m = 0; m < ti->nentries; m++)
						if (ti->entries[m].id != NULL &&
						    strcmp(ti->entries[m].id,
						    rf->target) == 0)
							found = 1;
					if (!found) {
						assay_diag_add(d, path, line_of(rn),
						    "entry \"%s\": ref to entry \"%s\", "
						    "which item %s does not have",
						    e->id, rf->target, rf->item);
						errors++;
					}
				}
				if (rn != NULL)
					rn = rn->next;
			}
			if (en != NULL)
				en = en->next;
		}
		if (in != NULL)
			in = in->next;
	}
	return errors;
}

static int
load_ixit(struct assay_forms *f, xmlDoc *doc, struct assay_diag *d)
{
	const char *path = f->ixit_path;
	xmlNode *root = xmlDocGetRootElement(doc), *n, *c, *e;
	size_t i, k, ni = assay_spec_nixit(f->spec);
	int errors = 0, r;
	char *v;
	long port;

	/* Device under test: addresses and budget. */
	n = child(root, "device-under-test");
	for (c = n ? n->children : NULL; c != NULL; c = c->next) {
		if (!is_el(c, "address"))
			continue;
		char **na = realloc(f->addresses, (f->naddresses + 1) *
		    sizeof(*na));
		if (na == NULL)
			return ASSAY_ERR_ALLOC;
		f->addresses = na;
		f->addresses[f->naddresses++] = node_text(c);
	}
	f->max_conn = ASSAY_BUDGET_DEFAULT_CONNECTIONS;
	f->max_rate = ASSAY_BUDGET_DEFAULT_RATE;
	if ((c = child(n, "budget")) != NULL) {
		if ((v = attr(c, "max-connections")) != NULL) {
			f->max_conn = (int)strtol(v, NULL, 10);
			free(v);
		}
		if ((v = attr(c, "max-rate")) != NULL) {
			f->max_rate = (int)strtol(v, NULL, 10);
			free(v);
		}
		if (f->max_conn < 1 || f->max_rate < 1) {
			assay_diag_add(d, path, line_of(c), "budget: "
			    "max-connections and max-rate must be at least 1");
			errors++;
		}
	}

	/* Services. */
	for (c = child(child(root, "services"), "service"); c != NULL; c = c->next) {
		struct service *s;

		if (!is_el(c, "service"))
			continue;
		if ((s = realloc(f->svc, (f->nsvc + 1) * sizeof(*s))) == NULL)
			return ASSAY_ERR_ALLOC;
		f->svc = s;
		s = &f->svc[f->nsvc];
		memset(s, 0, sizeof(*s));
		s->id = attr(c, "id");
		s->protocol = attr(c, "protocol");
		s->transport = attr(c, "transport");
		s->security = attr(c, "security");
		s->address = attr(c, "address");
		if (s->id == NULL)
			s->id = strdup("");
		if (s->transport == NULL)
			s->transport = strdup("tcp");
		if (s->security == NULL)
			s->security = strdup("none");
		if (s->protocol == NULL)
			s->protocol = strdup("other");
		s->description = (e = child(c, "description")) ? node_text(e) : NULL;
		s->path = (e = child(c, "path")) ? node_text(e) : strdup("/");
		v = attr(c, "port");
		port = v ? strtol(v, NULL, 10) : 0;
		free(v);
		if (port < 1 || port > 65535) {
			assay_diag_add(d, path, line_of(c), "service \"%s\": port "
			    "%ld out of range (1..65535)", s->id, port);
			errors++;
		}
		s->port = (int)port;
		if (find_service(f, s->id) >= 0) {
			assay_diag_add(d, path, line_of(c), "service id \"%s\" is "
			    "used twice", s->id);
			errors++;
		}
		f->nsvc++;
	}

	/* Credentials. */
	for (c = child(child(root, "credentials"), "credential"); c != NULL;
	    c = c->next) {
		struct credential *cr;

		if (!is_el(c, "credential"))
			continue;
		if ((cr = realloc(f->cred, (f->ncred + 1) * sizeof(*cr))) == NULL)
			return ASSAY_ERR_ALLOC;
		f->cred = cr;
		cr = &f->cred[f->ncred];
		memset(cr, 0, sizeof(*cr));
		cr->id = attr(c, "id");
		cr->service = attr(c, "service");
		cr->username = (e = child(c, "username")) ? node_text(e) : strdup("");
		cr->password = (e = child(c, "password")) ? node_text(e) : strdup("");
		f->ncred++;
		if (cr->id == NULL || cr->service == NULL || cr->username == NULL ||
		    cr->password == NULL)
			return ASSAY_ERR_ALLOC;
		if (add_secret(f, cr->password) != 0)
			return ASSAY_ERR_ALLOC;
		if (find_service(f, cr->service) < 0) {
			assay_diag_add(d, path, line_of(c), "credential \"%s\": "
			    "service \"%s\" is not declared", cr->id, cr->service);
			errors++;
		}
		for (i = 0; i + 1 < f->ncred; i++)
			if (strcmp(f->cred[i].id, cr->id) == 0) {
				assay_diag_add(d, path, line_of(c), "credential id "
				    "\"%s\" is used twice", cr->id);
				errors++;
			}
	}

	/* Items: each of the spec's exactly once, in any order. */
	if ((f->items = calloc(ni, sizeof(*f->items))) == NULL)
		return ASSAY_ERR_ALLOC;
	for (c = child(child(root, "items"), "item"); c != NULL; c = c->next) {
		struct item *it;
		long ii;
		char *id;

		if (!is_el(c, "item"))
			continue;
		id = attr(c, "id");
		if (id == NULL || (ii = assay_spec_ixit_find(f->spec, id)) < 0) {
			assay_diag_add(d, path, line_of(c), "IXIT item \"%s\" is not "
			    "defined by TS 103 701", id ? id : "");
			errors++;
			free(id);
			continue;
		}
		if (find_item(f, id) != NULL) {
			assay_diag_add(d, path, line_of(c), "IXIT item %s listed "
			    "twice", id);
			errors++;
			free(id);
			continue;
		}
		it = &f->items[f->nitems++];
		it->id = id;
		for (e = c->children; e != NULL; e = e->next) {
			struct entry *en;

			if (!is_el(e, "entry"))
				continue;
			if ((en = realloc(it->entries, (it->nentries + 1) *
			    sizeof(*en))) == NULL)
				return ASSAY_ERR_ALLOC;
			it->entries = en;
			en = &it->entries[it->nentries++];
			memset(en, 0, sizeof(*en));
			r = load_entry(f, ii, e, en, d);
			if (r == ASSAY_ERR_ALLOC)
				return r;
			if (r != 0)
				errors++;
			if (en->id == NULL)
				en->id = strdup("");
		}
	}
	for (i = 0; i < ni; i++)
		if (find_item(f, assay_spec_ixit_id(f->spec, i)) == NULL) {
			assay_diag_add(d, path, line_of(child(root, "items")),
			    "IXIT item %s (%s) is missing", assay_spec_ixit_id(f->spec,
			    i), assay_spec_ixit_name(f->spec, i));
			errors++;
		}
	/* Entry ids are unique across the form. */
	for (i = 0; i < f->nitems; i++) {
		for (k = 0; k < f->items[i].nentries; k++) {
			const char *id = f->items[i].entries[k].id;
			size_t i2, k2;
			int dup = 0;

			for (i2 = 0; i2 <= i && !dup; i2++)
				for (k2 = 0; k2 < f->items[i2].nentries; k2++) {
					if (i2 == i && k2 >= k)
						break;
					if (strcmp(f->items[i2].entries[k2].id,
					    id) == 0)
						dup = 1;
				}
			if (dup) {
				assay_diag_add(d, path, f->items[i].entries[k].line,
				    "entry id \"%s\" is used twice", id);
				errors++;
			}
		}
	}
	errors += check_refs(f, child(root, "items"), d);
	return errors ? ASSAY_ERR_FORM : 0;
}

/* --- load / free --------------------------------------------------------- */

static int
cmp_len_desc(const void *a, const void *b)
{
	size_t x = strlen(*(const char *const *)a);
	size_t y = strlen(*(const char *const *)b);

	return (x < y) - (x > y);
}

void
assay_forms_free(struct assay_forms *f)
{
	size_t i, k, j;

	if (f == NULL)
		return;
	for (i = 0; i < NDEVICE; i++)
		free(f->device[i]);
	for (i = 0; i < f->nserials; i++)
		free(f->serials[i]);
	free(f->serials);
	free(f->standard);
	free(f->version);
	free(f->profile);
	if (f->prov != NULL)
		for (i = 0; i < f->nprov; i++) {
			free(f->prov[i].id);
			free(f->prov[i].detail);
		}
	free(f->prov);
	for (i = 0; i < f->naddresses; i++)
		free(f->addresses[i]);
	free(f->addresses);
	for (i = 0; i < f->nsvc; i++) {
		free(f->svc[i].id);
		free(f->svc[i].protocol);
		free(f->svc[i].transport);
		free(f->svc[i].security);
		free(f->svc[i].address);
		free(f->svc[i].description);
		free(f->svc[i].path);
	}
	free(f->svc);
	for (i = 0; i < f->ncred; i++) {
		free(f->cred[i].id);
		free(f->cred[i].service);
		free(f->cred[i].username);
		wipe_free(f->cred[i].password);
	}
	free(f->cred);
	if (f->items != NULL)
		for (i = 0; i < f->nitems; i++) {
			for (k = 0; k < f->items[i].nentries; k++) {
				struct entry *e = &f->items[i].entries[k];

				for (j = 0; j < e->nfields; j++) {
					free(e->fields[j].name);
					if (e->fields[j].secret)
						wipe_free(e->fields[j].value);
					else
						free(e->fields[j].value);
				}
				free(e->fields);
				for (j = 0; j < e->nrefs; j++) {
					free(e->refs[j].item);
					free(e->refs[j].target);
				}
				free(e->refs);
				free(e->id);
			}
			free(f->items[i].entries);
			free(f->items[i].id);
		}
	free(f->items);
	free(f->secrets);
	free(f->ics_path);
	free(f->ixit_path);
	assay_spec_free(f->spec);
	free(f);
}

int
assay_forms_load(const char *datadir, const char *ics_path,
    const char *ixit_path, struct assay_forms **out, struct assay_diag *d)
{
	struct assay_forms *f = NULL;
	xmlDoc *ics = NULL, *ixit = NULL;
	char xsd[4200];
	int r, r2, ri = 0, rx = 0;

	*out = NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->ics_path = strdup(ics_path)) == NULL ||
	    (f->ixit_path = strdup(ixit_path)) == NULL) {
		assay_forms_free(f);
		return ASSAY_ERR_ALLOC;
	}
	/* Both forms are always checked, so both get their problems listed. */
	snprintf(xsd, sizeof(xsd), "%s/ics/ics.xsd", datadir);
	ri = parse_form(ics_path, xsd, &ics, f->ics_sha, d);
	snprintf(xsd, sizeof(xsd), "%s/ixit/ixit.xsd", datadir);
	rx = parse_form(ixit_path, xsd, &ixit, f->ixit_sha, d);
	r = ri != 0 ? ri : rx;
	if (ri == 0) {
		ri = load_ics(f, ics, datadir, d);
		if (ri != 0 && r == 0)
			r = ri;
	}
	if (rx == 0 && f->spec != NULL) {
		r2 = load_ixit(f, ixit, d);
		if (r2 != 0 && r == 0)
			r = r2;
	}
	xmlFreeDoc(ics);
	xmlFreeDoc(ixit);
	if (r != 0) {
		assay_forms_free(f);
		return r;
	}
	if (f->nsecrets > 1)
		qsort(f->secrets, f->nsecrets, sizeof(*f->secrets), cmp_len_desc);
	*out = f;
	return 0;
}

/* --- accessors ----------------------------------------------------------- */

const struct assay_spec *
assay_forms_spec(const struct assay_forms *f)
{
	return f->spec;
}

const char *
assay_forms_ics_path(const struct assay_forms *f)
{
	return f->ics_path;
}

const char *
assay_forms_ixit_path(const struct assay_forms *f)
{
	return f->ixit_path;
}

const char *
assay_forms_ics_sha256(const struct assay_forms *f)
{
	return f->ics_sha;
}

const char *
assay_forms_ixit_sha256(const struct assay_forms *f)
{
	return f->ixit_sha;
}

const char *
assay_forms_device(const struct assay_forms *f, const char *key)
{
	size_t i;

	for (i = 0; i < NDEVICE; i++)
		if (strcmp(key, device_keys[i]) == 0)
			return f->device[i];
	return NULL;
}

size_t
assay_forms_nserials(const struct assay_forms *f)
{
	return f->nserials;
}

const char *
assay_forms_serial(const struct assay_forms *f, size_t i)
{
	return i < f->nserials ? f->serials[i] : NULL;
}

const char *
assay_forms_standard(const struct assay_forms *f)
{
	return f->standard;
}

const char *
assay_forms_standard_version(const struct assay_forms *f)
{
	return f->version;
}

const char *
assay_forms_profile(const struct assay_forms *f)
{
	return f->profile;
}

int
assay_forms_support(const struct assay_forms *f, const char *provision_id,
    enum assay_support *support, const char **detail)
{
	long i = assay_spec_provision_find(f->spec, provision_id);

	if (i < 0 || f->prov[i].id == NULL)
		return ASSAY_ERR_NOT_FOUND;
	*support = f->prov[i].support;
	*detail = f->prov[i].detail;
	return 0;
}

int
assay_forms_condition(const struct assay_forms *f, int number)
{
	if (number < 1 || number >= 64)
		return -1;
	return f->cond[number];
}

const char *
assay_support_name(enum assay_support s)
{
	switch (s) {
	case ASSAY_SUPPORT_YES:	return "Y";
	case ASSAY_SUPPORT_NO:	return "N";
	case ASSAY_SUPPORT_NA:	return "N/A";
	}
	return "?";
}

static const struct entry *
get_entry(const struct assay_forms *f, const char *item, size_t k)
{
	const struct item *it = find_item(f, item);

	if (it == NULL || k >= it->nentries)
		return NULL;
	return &it->entries[k];
}

size_t
assay_forms_nentries(const struct assay_forms *f, const char *item)
{
	const struct item *it = find_item(f, item);

	return it ? it->nentries : 0;
}

const char *
assay_forms_entry_id(const struct assay_forms *f, const char *item, size_t k)
{
	const struct entry *e = get_entry(f, item, k);

	return e ? e->id : NULL;
}

size_t
assay_forms_entry_nfields(const struct assay_forms *f, const char *item,
    size_t k)
{
	const struct entry *e = get_entry(f, item, k);

	return e ? e->nfields : 0;
}

const char *
assay_forms_entry_field_name(const struct assay_forms *f, const char *item,
    size_t k, size_t j)
{
	const struct entry *e = get_entry(f, item, k);

	return e && j < e->nfields ? e->fields[j].name : NULL;
}

const char *
assay_forms_entry_field_value(const struct assay_forms *f, const char *item,
    size_t k, size_t j)
{
	const struct entry *e = get_entry(f, item, k);

	return e && j < e->nfields ? e->fields[j].value : NULL;
}

int
assay_forms_entry_field_secret(const struct assay_forms *f, const char *item,
    size_t k, size_t j)
{
	const struct entry *e = get_entry(f, item, k);

	return e && j < e->nfields ? e->fields[j].secret : 0;
}

const char *
assay_forms_entry_field(const struct assay_forms *f, const char *item,
    size_t k, const char *name)
{
	const struct entry *e = get_entry(f, item, k);
	size_t j;

	for (j = 0; e != NULL && j < e->nfields; j++)
		if (strcasecmp(e->fields[j].name, name) == 0)
			return e->fields[j].value;
	return NULL;
}

size_t
assay_forms_entry_nrefs(const struct assay_forms *f, const char *item,
    size_t k)
{
	const struct entry *e = get_entry(f, item, k);

	return e ? e->nrefs : 0;
}

const char *
assay_forms_entry_ref_item(const struct assay_forms *f, const char *item,
    size_t k, size_t j)
{
	const struct entry *e = get_entry(f, item, k);

	return e && j < e->nrefs ? e->refs[j].item : NULL;
}

const char *
assay_forms_entry_ref_target(const struct assay_forms *f, const char *item,
    size_t k, size_t j)
{
	const struct entry *e = get_entry(f, item, k);

	return e && j < e->nrefs ? e->refs[j].target : NULL;
}

size_t
assay_forms_naddresses(const struct assay_forms *f)
{
	return f->naddresses;
}

const char *
assay_forms_address(const struct assay_forms *f, size_t i)
{
	return i < f->naddresses ? f->addresses[i] : NULL;
}

int
assay_forms_budget_max_connections(const struct assay_forms *f)
{
	return f->max_conn;
}

int
assay_forms_budget_max_rate(const struct assay_forms *f)
{
	return f->max_rate;
}

size_t
assay_forms_nservices(const struct assay_forms *f)
{
	return f->nsvc;
}

long
assay_forms_service_find(const struct assay_forms *f, const char *id)
{
	return find_service(f, id);
}

const char *
assay_forms_service_id(const struct assay_forms *f, size_t i)
{
	return f->svc[i].id;
}

const char *
assay_forms_service_protocol(const struct assay_forms *f, size_t i)
{
	return f->svc[i].protocol;
}

const char *
assay_forms_service_transport(const struct assay_forms *f, size_t i)
{
	return f->svc[i].transport;
}

int
assay_forms_service_port(const struct assay_forms *f, size_t i)
{
	return f->svc[i].port;
}

const char *
assay_forms_service_security(const struct assay_forms *f, size_t i)
{
	return f->svc[i].security;
}

const char *
assay_forms_service_address(const struct assay_forms *f, size_t i)
{
	if (f->svc[i].address != NULL)
		return f->svc[i].address;
	return f->naddresses > 0 ? f->addresses[0] : "127.0.0.1";
}

const char *
assay_forms_service_description(const struct assay_forms *f, size_t i)
{
	return f->svc[i].description;
}

const char *
assay_forms_service_path(const struct assay_forms *f, size_t i)
{
	return f->svc[i].path ? f->svc[i].path : "/";
}

size_t
assay_forms_ncredentials(const struct assay_forms *f)
{
	return f->ncred;
}

const char *
assay_forms_credential_id(const struct assay_forms *f, size_t i)
{
	return f->cred[i].id;
}

const char *
assay_forms_credential_service(const struct assay_forms *f, size_t i)
{
	return f->cred[i].service;
}

const char *
assay_forms_credential_username(const struct assay_forms *f, size_t i)
{
	return f->cred[i].username;
}

const char *
assay_forms_credential_password(const struct assay_forms *f, size_t i)
{
	return f->cred[i].password;
}

size_t
assay_forms_nsecrets(const struct assay_forms *f)
{
	return f->nsecrets;
}

const char *
assay_forms_secret(const struct assay_forms *f, size_t i)
{
	return i < f->nsecrets ? f->secrets[i] : NULL;
}
