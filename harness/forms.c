/*
 * forms.c - load and check the ICS and IXIT forms.
 *
 * Order of work for each file: open, fstat against the size cap, read at
 * most the cap, check UTF-8, parse with libxml2 (no network, no entities,
 * no DTD; the parser is stopped at the first DOCTYPE or at the depth cap),
 * validate against the schema from the data directory, then copy what we
 * need into plain C structures and run the cross-checks of ics/README.md
 * and ixit/README.md.  The xmlDoc never outlives assay_forms_load().
 * See docs/forms.md for the invariants.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "diag.h"
#include "error.h"
#include "forms.h"
#include "probe.h"
#include "spec.h"

#define ICS_NS		"urn:assay:ics:1"
#define IXIT_NS		"urn:assay:ixit:1"
#define EXTRA_FIELD	"Example Value"	/* accepted in every IXIT item */
#define MAX_BUDGET	1000000
#define MAX_SERVICES	256	/* each; keeps the id checks cheap */
#define MAX_CREDENTIALS	256

/* --- the loaded forms -------------------------------------------------- */

struct field {
	char	*name;
	char	*value;		/* own allocation; wiped if secret */
	int	 secret;
};

struct ref {
	int	 service;	/* target is a service id */
	char	*item;		/* NULL for a service, or until resolved */
	char	*target;
	long	 line;
};

struct entry {
	char		*id;
	struct field	*fields;
	size_t		 nfields, afields;
	struct ref	*refs;
	size_t		 nrefs, arefs;
	long		 line;
};

struct item {
	struct entry	*entries;
	size_t		 nentries, aentries;
	long		 line;		/* 0: not in the form */
};

struct service {
	char	*id, *protocol, *transport, *security, *address;
	char	*description, *path;
	int	 port;
	long	 line;
};

struct credential {
	char	*id, *service, *username;
	char	*password;		/* secret */
	long	 line;
};

struct prov_decl {
	enum assay_support	 support;
	char			*detail;
	long			 line;	/* 0: not declared */
};

struct assay_forms {
	struct assay_spec	*spec;
	char			*ics_path, *ixit_path;
	char			 ics_sha256[65], ixit_sha256[65];

	/* ICS */
	char			*manufacturer, *model, *hw_version, *fw_version;
	char			*description;
	char			**serials;
	size_t			 nserials, aserials;
	char			*standard, *version, *profile;
	struct prov_decl	*prov;		/* indexed like the spec */
	int			*cond;		/* cond[n - 1]: 1, 0, -1 */
	long			*cond_line;

	/* IXIT */
	char			**addresses;
	size_t			 naddresses, aaddresses;
	int			 max_connections, max_rate;
	struct service		*services;
	size_t			 nservices, aservices;
	struct credential	*creds;
	size_t			 ncreds, acreds;
	struct item		*items;		/* indexed like the spec */
	const char		**secrets;	/* borrowed, longest first */
	size_t			 nsecrets, asecrets;
};

/* --- libxml2 set-up and error collection ------------------------------ */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void
xml_init(void)
{
	xmlInitParser();
}

/* What the SAX hooks and error handlers of one parse share. */
struct parse_state {
	const char		*file;
	struct assay_diag	*d;
	int			 depth;
	int			 stopped;	/* we stopped the parser */
	int			 hostile;	/* DOCTYPE or depth */
	int			 nerrors;
	startElementNsSAX2Func	 start;
	endElementNsSAX2Func	 end;
};

/* Copies a libxml2 message without its newline and namespace braces. */
static void
clean_message(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	const char *close;

	if (in == NULL)
		in = "(no message)";
	while (*in != '\0' && o + 1 < outlen) {
		if (*in == '{' && (close = strchr(in, '}')) != NULL &&
		    strncmp(in + 1, "urn:assay:", 10) == 0) {
			in = close + 1;
			continue;
		}
		out[o++] = *in == '\n' ? ' ' : *in;
		in++;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

static void
parse_error(void *ctx, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *ps = ctxt != NULL ? ctxt->_private : NULL;
	char msg[512];

	if (ps == NULL || e == NULL || ps->stopped)
		return;
	if (e->level == XML_ERR_WARNING)
		return;
	clean_message(e->message, msg, sizeof(msg));
	assay_diag_add(ps->d, ps->file, e->line, "%s", msg);
	ps->nerrors++;
}

static void
schema_error(void *ctx, xmlErrorPtr e)
{
	struct parse_state *ps = ctx;
	char msg[512];

	if (e == NULL || e->level == XML_ERR_WARNING)
		return;
	clean_message(e->message, msg, sizeof(msg));
	assay_diag_add(ps->d, ps->file, e->line, "%s", msg);
	ps->nerrors++;
}

static void
stop(xmlParserCtxtPtr ctxt, struct parse_state *ps)
{
	ps->stopped = 1;
	ps->hostile = 1;
	xmlStopParser(ctxt);
}

/* SAX: any DOCTYPE ends the parse before its subset is read. */
static void
on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id,
    const xmlChar *sys_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *ps = ctxt->_private;

	if (ps->stopped)
		return;
	assay_diag_add(ps->d, ps->file, xmlSAX2GetLineNumber(ctx),
	    "DOCTYPE is not allowed in a form");
	stop(ctxt, ps);
}

static void
on_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *public_id, const xmlChar *system_id, xmlChar *content)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *ps = ctxt->_private;

	if (ps->stopped)
		return;
	assay_diag_add(ps->d, ps->file, xmlSAX2GetLineNumber(ctx),
	    "entity declarations are not allowed in a form");
	stop(ctxt, ps);
}

static void
on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *ps = ctxt->_private;

	if (ps->stopped)
		return;
	if (++ps->depth > ASSAY_FORMS_MAX_DEPTH) {
		assay_diag_add(ps->d, ps->file, xmlSAX2GetLineNumber(ctx),
		    "elements nested deeper than %d levels",
		    ASSAY_FORMS_MAX_DEPTH);
		stop(ctxt, ps);
		return;
	}
	ps->start(ctx, localname, prefix, uri, nb_namespaces, namespaces,
	    nb_attributes, nb_defaulted, attributes);
}

static void
on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *ps = ctxt->_private;

	if (ps->stopped)
		return;
	ps->depth--;
	ps->end(ctx, localname, prefix, uri);
}

static long	line_of(xmlNodePtr);

/* --- reading a file ---------------------------------------------------- */

/* Returns the 1-based line of the first byte that breaks UTF-8, or 0. */
static long
bad_utf8_line(const unsigned char *p, size_t len)
{
	size_t i = 0, k, n;
	long line = 1;
	unsigned int cp, min;

	while (i < len) {
		unsigned char c = p[i];

		if (c < 0x80) {
			if (c == '\n')
				line++;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else
			return line;
		if (len - i <= n)
			return line;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return line;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return line;
		i += n + 1;
	}
	return 0;
}

static void
sha256_hex(const void *p, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	unsigned int i;

	out[0] = '\0';
	if (EVP_Digest(p, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return;
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/*
 * Reads path into a NUL-terminated buffer of at most ASSAY_FORMS_MAX_BYTES.
 * The size is checked with fstat before a byte is read.
 */
static int
read_capped(const char *path, char **out, size_t *lenp, struct assay_diag *d)
{
	struct stat st;
	char *p = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, r;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		assay_diag_add(d, path, 0, "cannot open: %s", strerror(errno));
		return errno == ENOENT ? ASSAY_ERR_NOT_FOUND : ASSAY_ERR_IO;
	}
	if (fstat(fd, &st) == -1) {
		assay_diag_add(d, path, 0, "cannot stat: %s", strerror(errno));
		r = ASSAY_ERR_IO;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		assay_diag_add(d, path, 0, "is a directory, not a form");
		r = ASSAY_ERR_IO;
		goto out;
	}
	if (st.st_size > ASSAY_FORMS_MAX_BYTES) {
		assay_diag_add(d, path, 0, "file is %lld bytes, larger than "
		    "the %d-byte limit for a form", (long long)st.st_size,
		    ASSAY_FORMS_MAX_BYTES);
		r = ASSAY_ERR_TOO_BIG;
		goto out;
	}
	if ((p = malloc(ASSAY_FORMS_MAX_BYTES + 1)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	/* Not a regular file, or growing: still never read past the cap. */
	while (len <= ASSAY_FORMS_MAX_BYTES) {
		n = read(fd, p + len, ASSAY_FORMS_MAX_BYTES + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			assay_diag_add(d, path, 0, "read failed: %s",
			    strerror(errno));
			r = ASSAY_ERR_IO;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > ASSAY_FORMS_MAX_BYTES) {
		assay_diag_add(d, path, 0, "file is larger than the %d-byte "
		    "limit for a form", ASSAY_FORMS_MAX_BYTES);
		r = ASSAY_ERR_TOO_BIG;
		goto out;
	}
	p[len] = '\0';
	*out = p;
	*lenp = len;
	p = NULL;
	r = 0;
 out:
	if (p != NULL) {
		OPENSSL_cleanse(p, len);
		free(p);
	}
	close(fd);
	return r;
}

/* Wipes every text node before the document is freed: it held secrets. */
static void
wipe_doc(xmlNodePtr n)
{
	xmlNodePtr c;

	for (c = n; c != NULL; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content != NULL && !xmlDictOwns(c->doc ? c->doc->dict :
		    NULL, c->content))
			OPENSSL_cleanse(c->content, strlen((char *)c->content));
		if (c->type == XML_ELEMENT_NODE)
			wipe_doc(c->children);
	}
}

static void
free_doc(xmlDocPtr doc)
{
	if (doc == NULL)
		return;
	wipe_doc(doc->children);
	xmlFreeDoc(doc);
}

/*
 * Parses and validates one form.  On success *docp is the caller's, else
 * NULL.  sha256 (may be NULL) receives the hash of the bytes read.
 */
static int
load_xml(const char *path, const char *xsd_path, const char *root_name,
    xmlDocPtr *docp, char *sha256, struct assay_diag *d)
{
	struct parse_state ps;
	xmlStructuredErrorFunc old_handler;
	void *old_ctx;
	xmlNodePtr root;
	xmlParserCtxtPtr ctxt = NULL;
	xmlSchemaParserCtxtPtr sp = NULL;
	xmlSchemaPtr schema = NULL;
	xmlSchemaValidCtxtPtr vc = NULL;
	xmlDocPtr doc = NULL;
	char *text = NULL;
	size_t len = 0;
	long bad;
	int r, opts;

	*docp = NULL;
	pthread_once(&xml_once, xml_init);
	memset(&ps, 0, sizeof(ps));
	ps.file = path;
	ps.d = d;
	/*
	 * libxml2's error state is per thread: route anything that escapes
	 * the context handlers into d, never to stderr, and restore after.
	 */
	old_handler = xmlStructuredError;
	old_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(&ps, schema_error);

	if ((r = read_capped(path, &text, &len, d)) != 0)
		goto out;
	if (sha256 != NULL)
		sha256_hex(text, len, sha256);
	if ((bad = bad_utf8_line((unsigned char *)text, len)) != 0) {
		assay_diag_add(d, path, bad, "invalid UTF-8 (forms must be "
		    "UTF-8 encoded)");
		r = ASSAY_ERR_PARSE;
		goto out;
	}
	if (memchr(text, '\0', len) != NULL) {
		assay_diag_add(d, path, 0, "NUL byte in a form");
		r = ASSAY_ERR_PARSE;
		goto out;
	}

	/*
	 * No NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, HUGE: entities are
	 * never substituted, nothing is fetched.  IGNORE_ENC and UTF-8
	 * because we checked the bytes as UTF-8 above.
	 */
	opts = XML_PARSE_NONET | XML_PARSE_NODICT | XML_PARSE_BIG_LINES |
	    XML_PARSE_IGNORE_ENC | XML_PARSE_NOCDATA;
	r = ASSAY_ERR_ALLOC;
	if ((ctxt = xmlCreateMemoryParserCtxt(text, (int)len)) == NULL)
		goto out;
	(void)xmlCtxtUseOptions(ctxt, opts);
	(void)xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
	ctxt->_private = &ps;
	ctxt->sax->initialized = XML_SAX2_MAGIC;
	ctxt->sax->serror = parse_error;
	ctxt->sax->error = NULL;
	ctxt->sax->warning = NULL;
	ctxt->vctxt.error = NULL;
	ctxt->vctxt.warning = NULL;
	ctxt->sax->internalSubset = on_doctype;
	ctxt->sax->externalSubset = NULL;
	ctxt->sax->entityDecl = on_entity_decl;
	ctxt->sax->resolveEntity = NULL;
	ps.start = ctxt->sax->startElementNs;
	ps.end = ctxt->sax->endElementNs;
	ctxt->sax->startElementNs = on_start;
	ctxt->sax->endElementNs = on_end;
	(void)xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (ps.hostile) {
		r = ASSAY_ERR_HOSTILE_XML;
		goto out;
	}
	if (doc == NULL || !ctxt->wellFormed || ps.nerrors > 0) {
		if (ps.nerrors == 0)
			assay_diag_add(d, path, 0, "not well-formed XML");
		r = ASSAY_ERR_PARSE;
		goto out;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		/* on_doctype should have caught it; never trust one path. */
		assay_diag_add(d, path, 1, "DOCTYPE is not allowed in a form");
		r = ASSAY_ERR_HOSTILE_XML;
		goto out;
	}

	root = xmlDocGetRootElement(doc);
	if (root_name != NULL && root != NULL &&
	    xmlStrcmp(root->name, (const xmlChar *)root_name) != 0) {
		assay_diag_add(d, path, line_of(root), "root element is <%s>, "
		    "expected <%s>: is this the right form?", root->name,
		    root_name);
		r = ASSAY_ERR_SCHEMA;
		goto out;
	}

	/* The schema is ours, from the data directory, never the form's. */
	if (access(xsd_path, R_OK) != 0) {
		assay_diag_add(d, xsd_path, 0, "cannot read the schema: %s",
		    strerror(errno));
		r = ASSAY_ERR_DATADIR;
		goto out;
	}
	if ((sp = xmlSchemaNewParserCtxt(xsd_path)) == NULL)
		goto out;
	ps.file = xsd_path;
	xmlSchemaSetParserStructuredErrors(sp, schema_error, &ps);
	if ((schema = xmlSchemaParse(sp)) == NULL) {
		assay_diag_add(d, xsd_path, 0, "cannot load the schema");
		r = ASSAY_ERR_DATADIR;
		goto out;
	}
	ps.file = path;
	r = ASSAY_ERR_ALLOC;
	if ((vc = xmlSchemaNewValidCtxt(schema)) == NULL)
		goto out;
	xmlSchemaSetValidStructuredErrors(vc, schema_error, &ps);
	if (xmlSchemaValidateDoc(vc, doc) != 0) {
		if (ps.nerrors == 0)
			assay_diag_add(d, path, 0, "does not match its schema");
		r = ASSAY_ERR_SCHEMA;
		goto out;
	}
	*docp = doc;
	doc = NULL;
	r = 0;
 out:
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(sp);
	free_doc(doc);
	xmlSetStructuredErrorFunc(old_ctx, old_handler);
	if (ctxt != NULL) {
		ctxt->_private = NULL;
		xmlFreeParserCtxt(ctxt);
	}
	if (text != NULL) {
		OPENSSL_cleanse(text, len);
		free(text);
	}
	return r;
}

int
assay_forms_check_xml(const char *path, const char *xsd_path,
    struct assay_diag *d)
{
	xmlDocPtr doc = NULL;
	int r;

	if (path == NULL || xsd_path == NULL)
		return ASSAY_ERR_INVALID_ARG;
	r = load_xml(path, xsd_path, NULL, &doc, NULL, d);
	free_doc(doc);
	return r;
}

/* --- tree helpers ------------------------------------------------------ */

static int
is_elem(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next)
		if (is_elem(c, name))
			return c;
	return NULL;
}

static long
line_of(xmlNodePtr n)
{
	return n != NULL ? xmlGetLineNo(n) : 0;
}

/* Text of n, trimmed unless raw; malloc'd.  NULL only on failure. */
static char *
text_of(xmlNodePtr n, int raw)
{
	xmlChar *x;
	char *s, *b, *e;

	if (n == NULL)
		return strdup("");
	if ((x = xmlNodeGetContent(n)) == NULL)
		return strdup("");
	if (raw) {
		s = strdup((char *)x);
		OPENSSL_cleanse(x, strlen((char *)x));
		xmlFree(x);
		return s;
	}
	for (b = (char *)x; isspace((unsigned char)*b); b++)
		;
	for (e = b + strlen(b); e > b && isspace((unsigned char)e[-1]); e--)
		;
	s = strndup(b, (size_t)(e - b));
	xmlFree(x);
	return s;
}

/* Attribute value, malloc'd, or NULL if absent (or on failure: see ok). */
static char *
attr(xmlNodePtr n, const char *name, int *ok)
{
	xmlChar *x;
	char *s;

	if ((x = xmlGetNoNsProp(n, (const xmlChar *)name)) == NULL)
		return NULL;
	if ((s = strdup((char *)x)) == NULL)
		*ok = 0;
	xmlFree(x);
	return s;
}

static void
free_secret(char *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

/*
 * Makes room for element n of an array of size-byte elements, doubling its
 * capacity *alloc when needed.  Returns the (possibly moved) array or NULL;
 * the old array stays valid on failure.
 */
static void *
grow(void *p, size_t *alloc, size_t n, size_t size)
{
	size_t na;

	if (n < *alloc)
		return p;
	na = *alloc != 0 ? *alloc * 2 : 8;
	if ((p = reallocarray(p, na, size)) != NULL)
		*alloc = na;
	return p;
}

/* --- ICS --------------------------------------------------------------- */

static int
parse_support(const char *s, enum assay_support *out)
{
	if (strcmp(s, "Y") == 0)
		*out = ASSAY_SUPPORT_YES;
	else if (strcmp(s, "N") == 0)
		*out = ASSAY_SUPPORT_NO;
	else if (strcmp(s, "N/A") == 0)
		*out = ASSAY_SUPPORT_NA;
	else
		return ASSAY_ERR_PARSE;
	return 0;
}

/* Reads the standard element only, so the right spec can be loaded. */
static int
ics_standard(struct assay_forms *f, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), st;
	int ok = 1;

	st = child(root, "standard");
	if (st != NULL) {
		f->standard = attr(st, "name", &ok);
		f->version = attr(st, "version", &ok);
		f->profile = attr(st, "profile", &ok);
	}
	if (f->standard == NULL && ok)
		f->standard = strdup("EN 303 645");
	if (f->version == NULL && ok)
		f->version = strdup("2.1.1");
	if (!ok || f->standard == NULL || f->version == NULL)
		return ASSAY_ERR_ALLOC;
	return 0;
}

static int
ics_load(struct assay_forms *f, xmlDocPtr doc, const char *file,
    struct assay_diag *d)
{
	const struct assay_spec *s = f->spec;
	xmlNodePtr root = xmlDocGetRootElement(doc), dev, n, conds, provs;
	size_t np = assay_spec_nprovisions(s), nc = assay_spec_nconditions(s);
	size_t i, k;
	int ok = 1, bad = 0;
	char **sv;

	if ((f->prov = calloc(np ? np : 1, sizeof(*f->prov))) == NULL ||
	    (f->cond = calloc(nc ? nc : 1, sizeof(int))) == NULL ||
	    (f->cond_line = calloc(nc ? nc : 1, sizeof(long))) == NULL)
		return ASSAY_ERR_ALLOC;
	for (i = 0; i < nc; i++)
		f->cond[i] = -1;

	/* Identity. */
	dev = child(root, "device");
	for (n = dev->children; n != NULL; n = n->next) {
		char **slot = NULL;

		if (is_elem(n, "manufacturer"))
			slot = &f->manufacturer;
		else if (is_elem(n, "model"))
			slot = &f->model;
		else if (is_elem(n, "hardware-version"))
			slot = &f->hw_version;
		else if (is_elem(n, "firmware-version"))
			slot = &f->fw_version;
		else if (is_elem(n, "description"))
			slot = &f->description;
		else if (is_elem(n, "serial-number")) {
			if ((sv = grow(f->serials, &f->aserials, f->nserials,
			    sizeof(*sv))) == NULL)
				return ASSAY_ERR_ALLOC;
			f->serials = sv;
			if ((sv[f->nserials] = text_of(n, 0)) == NULL)
				return ASSAY_ERR_ALLOC;
			f->nserials++;
		}
		if (slot != NULL && *slot == NULL &&
		    (*slot = text_of(n, 0)) == NULL)
			return ASSAY_ERR_ALLOC;
	}

	if (strcmp(f->standard, "EN 303 645") != 0) {
		assay_diag_add(d, file, line_of(child(root, "standard")),
		    "standard \"%s\" is not supported (only EN 303 645)",
		    f->standard);
		bad = 1;
	}

	/* Conditions: each 1..n exactly once. */
	conds = child(root, "conditions");
	for (n = conds->children; n != NULL; n = n->next) {
		char *num, *holds, *end;
		long v;

		if (!is_elem(n, "condition"))
			continue;
		num = attr(n, "number", &ok);
		holds = attr(n, "holds", &ok);
		if (!ok || num == NULL || holds == NULL) {
			free(num);
			free(holds);
			return ASSAY_ERR_ALLOC;
		}
		errno = 0;
		v = strtol(num, &end, 10);
		if (errno != 0 || *end != '\0' || v < 1 || (size_t)v > nc) {
			assay_diag_add(d, file, line_of(n), "condition %s out of "
			    "range 1..%zu", num, nc);
			bad = 1;
		} else if (f->cond_line[v - 1] != 0) {
			assay_diag_add(d, file, line_of(n), "condition %ld "
			    "declared twice (first at line %ld)", v,
			    f->cond_line[v - 1]);
			bad = 1;
		} else {
			f->cond[v - 1] = strcmp(holds, "true") == 0 ||
			    strcmp(holds, "1") == 0;
			f->cond_line[v - 1] = line_of(n);
		}
		free(num);
		free(holds);
	}
	for (i = 0; i < nc; i++) {
		if (f->cond_line[i] == 0) {
			assay_diag_add(d, file, line_of(conds), "condition %zu "
			    "not declared (%s)", i + 1,
			    assay_spec_condition_text(s, (int)i + 1));
			bad = 1;
		}
	}

	/* Provisions: each exactly once, detail where needed. */
	provs = child(root, "provisions");
	for (n = provs->children; n != NULL; n = n->next) {
		char *id, *sup;
		enum assay_support su = ASSAY_SUPPORT_YES;
		struct prov_decl *pd;
		long pi;

		if (!is_elem(n, "provision"))
			continue;
		id = attr(n, "id", &ok);
		sup = attr(n, "support", &ok);
		if (!ok || id == NULL || sup == NULL) {
			free(id);
			free(sup);
			return ASSAY_ERR_ALLOC;
		}
		(void)parse_support(sup, &su);	/* the schema checked it */
		free(sup);
		if ((pi = assay_spec_provision_find(s, id)) < 0) {
			assay_diag_add(d, file, line_of(n), "unknown provision "
			    "\"%s\" (not in EN 303 645 V%s)", id,
			    assay_spec_version(s));
			bad = 1;
			free(id);
			continue;
		}
		pd = &f->prov[pi];
		if (pd->line != 0) {
			assay_diag_add(d, file, line_of(n), "provision %s "
			    "listed twice (first at line %ld)", id, pd->line);
			bad = 1;
			free(id);
			continue;
		}
		pd->line = line_of(n);
		pd->support = su;
		if ((pd->detail = text_of(child(n, "detail"), 0)) == NULL) {
			free(id);
			return ASSAY_ERR_ALLOC;
		}
		if (su != ASSAY_SUPPORT_YES && pd->detail[0] == '\0') {
			assay_diag_add(d, file, line_of(n), "provision %s: "
			    "support %s needs a justification in <detail>", id,
			    assay_support_name(su));
			bad = 1;
		}
		if (su == ASSAY_SUPPORT_NA &&
		    assay_spec_provision_nconditions(s, (size_t)pi) == 0) {
			assay_diag_add(d, file, line_of(n), "provision %s: N/A "
			    "is only allowed for conditional provisions (its "
			    "status is %s)", id,
			    assay_spec_provision_status(s, (size_t)pi));
			bad = 1;
		}
		free(id);
	}
	for (k = 0; k < np; k++) {
		if (f->prov[k].line == 0) {
			assay_diag_add(d, file, line_of(provs), "provision %s "
			    "missing (status %s)", assay_spec_provision_id(s, k),
			    assay_spec_provision_status(s, k));
			bad = 1;
		}
	}
	return bad ? ASSAY_ERR_FORM : 0;
}

/* --- IXIT -------------------------------------------------------------- */

/* Parses an xs:integer lexical value; returns 0 and *v, or -1 if huge. */
static int
parse_int(const char *s, long long lo, long long hi, long long *v)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || x < lo || x > hi)
		return -1;
	*v = x;
	return 0;
}

static long
find_service(const struct assay_forms *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->nservices; i++)
		if (strcmp(f->services[i].id, id) == 0)
			return (long)i;
	return -1;
}

/* One entry in the index of all entries, sorted by id then line. */
struct entry_ref {
	const char	*id;
	size_t		 item;		/* spec index */
	struct entry	*e;
};

static int
entry_ref_cmp(const void *a, const void *b)
{
	const struct entry_ref *x = a, *y = b;
	int c;

	if ((c = strcmp(x->id, y->id)) != 0)
		return c;
	return x->e->line < y->e->line ? -1 : x->e->line > y->e->line;
}

/* The first (earliest) entry called id, or NULL. */
static const struct entry_ref *
find_entry(const struct entry_ref *v, size_t n, const char *id)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(v[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(v[lo].id, id) == 0 ? &v[lo] : NULL;
}

static int
add_secret(struct assay_forms *f, const char *s)
{
	const char **v;

	if (s == NULL || *s == '\0')
		return 0;
	if ((v = grow(f->secrets, &f->asecrets, f->nsecrets, sizeof(*v))) == NULL)
		return ASSAY_ERR_ALLOC;
	f->secrets = v;
	v[f->nsecrets++] = s;
	return 0;
}

static int
by_length_desc(const void *a, const void *b)
{
	size_t la = strlen(*(const char *const *)a);
	size_t lb = strlen(*(const char *const *)b);

	return la < lb ? 1 : la > lb ? -1 : 0;
}

/* Lists the item's field names into buf for a helpful message. */
static void
field_list(const struct assay_spec *s, size_t it, char *buf, size_t len)
{
	size_t k, o = 0;
	int n;

	buf[0] = '\0';
	for (k = 0; k < assay_spec_ixit_nfields(s, it) && o < len; k++) {
		n = snprintf(buf + o, len - o, "%s\"%s\"", k ? ", " : "",
		    assay_spec_ixit_field(s, it, k));
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

static int
ixit_entry(struct assay_forms *f, size_t it, xmlNodePtr en, const char *file,
    struct assay_diag *d, int *bad)
{
	const struct assay_spec *s = f->spec;
	struct item *item = &f->items[it];
	struct entry *e, *ne;
	xmlNodePtr n;
	char list[1024];
	int ok = 1;

	if ((ne = grow(item->entries, &item->aentries, item->nentries,
	    sizeof(*ne))) == NULL)
		return ASSAY_ERR_ALLOC;
	item->entries = ne;
	e = &ne[item->nentries];
	memset(e, 0, sizeof(*e));
	e->line = line_of(en);
	if ((e->id = attr(en, "id", &ok)) == NULL)
		return ASSAY_ERR_ALLOC;
	item->nentries++;

	for (n = en->children; n != NULL; n = n->next) {
		if (is_elem(n, "field")) {
			struct field *fl, *nf;
			char *sec;

			if ((nf = grow(e->fields, &e->afields, e->nfields,
			    sizeof(*nf))) == NULL)
				return ASSAY_ERR_ALLOC;
			e->fields = nf;
			fl = &nf[e->nfields];
			memset(fl, 0, sizeof(*fl));
			sec = attr(n, "secret", &ok);
			fl->secret = sec != NULL && (strcmp(sec, "true") == 0 ||
			    strcmp(sec, "1") == 0);
			free(sec);
			fl->name = attr(n, "name", &ok);
			fl->value = text_of(n, fl->secret);
			if (!ok || fl->name == NULL || fl->value == NULL) {
				free(fl->name);
				free_secret(fl->value);
				return ASSAY_ERR_ALLOC;
			}
			e->nfields++;
			if (fl->secret && add_secret(f, fl->value) != 0)
				return ASSAY_ERR_ALLOC;
			if (assay_spec_ixit_field_find(s, it, fl->name) < 0 &&
			    strcasecmp(fl->name, EXTRA_FIELD) != 0) {
				field_list(s, it, list, sizeof(list));
				assay_diag_add(d, file, line_of(n), "item %s, "
				    "entry \"%s\": unknown field \"%s\" (%s has: "
				    "%s)", assay_spec_ixit_id(s, it), e->id,
				    fl->name, assay_spec_ixit_id(s, it), list);
				*bad = 1;
			}
		} else if (is_elem(n, "ref")) {
			struct ref *rf, *nr;
			char *svc, *itm, *ent;

			svc = attr(n, "service", &ok);
			itm = attr(n, "item", &ok);
			ent = attr(n, "entry", &ok);
			if (!ok) {
				free(svc);
				free(itm);
				free(ent);
				return ASSAY_ERR_ALLOC;
			}
			if ((svc == NULL) == (ent == NULL) ||
			    (svc != NULL && itm != NULL)) {
				assay_diag_add(d, file, line_of(n), "entry \"%s\": "
				    "a <ref> needs either service=\"ID\" or "
				    "entry=\"ID\" (with optional item=\"ID\")",
				    e->id);
				*bad = 1;
				free(svc);
				free(itm);
				free(ent);
				continue;
			}
			if ((nr = grow(e->refs, &e->arefs, e->nrefs,
			    sizeof(*nr))) == NULL) {
				free(svc);
				free(itm);
				free(ent);
				return ASSAY_ERR_ALLOC;
			}
			e->refs = nr;
			rf = &nr[e->nrefs++];
			memset(rf, 0, sizeof(*rf));
			rf->line = line_of(n);
			if (svc != NULL) {
				rf->service = 1;
				rf->item = NULL;
				rf->target = svc;
			} else {
				rf->item = itm;
				rf->target = ent;
			}
		}
	}
	return 0;
}

static int
ixit_load(struct assay_forms *f, xmlDocPtr doc, const char *file,
    struct assay_diag *d)
{
	const struct assay_spec *s = f->spec;
	xmlNodePtr root = xmlDocGetRootElement(doc), dut, n, sec, items;
	size_t ni = assay_spec_nixit(s), i, k, j, nidx;
	struct entry_ref *idx = NULL;
	long long v;
	int ok = 1, bad = 0, r = 0;
	char **av;

	f->max_connections = ASSAY_BUDGET_DEFAULT_CONNECTIONS;
	f->max_rate = ASSAY_BUDGET_DEFAULT_RATE;
	if ((f->items = calloc(ni ? ni : 1, sizeof(*f->items))) == NULL)
		return ASSAY_ERR_ALLOC;

	/* Addresses and budget. */
	dut = child(root, "device-under-test");
	for (n = dut->children; n != NULL; n = n->next) {
		if (is_elem(n, "address")) {
			if ((av = grow(f->addresses, &f->aaddresses, f->naddresses,
			    sizeof(*av))) == NULL)
				return ASSAY_ERR_ALLOC;
			f->addresses = av;
			if ((av[f->naddresses] = text_of(n, 0)) == NULL)
				return ASSAY_ERR_ALLOC;
			f->naddresses++;
		} else if (is_elem(n, "budget")) {
			static const char *const names[] = {
				"max-connections", "max-rate" };
			int *slots[] = { &f->max_connections, &f->max_rate };

			for (k = 0; k < 2; k++) {
				char *a = attr(n, names[k], &ok);

				if (!ok)
					return ASSAY_ERR_ALLOC;
				if (a == NULL)
					continue;
				if (parse_int(a, 1, MAX_BUDGET, &v) != 0) {
					assay_diag_add(d, file, line_of(n),
					    "budget %s %s out of range 1..%d",
					    names[k], a, MAX_BUDGET);
					bad = 1;
				} else
					*slots[k] = (int)v;
				free(a);
			}
		}
	}

	/* Services. */
	sec = child(root, "services");
	for (n = sec->children; n != NULL; n = n->next) {
		struct service *sv, *ns;
		char *port;
		long prev;

		if (!is_elem(n, "service"))
			continue;
		if (f->nservices == MAX_SERVICES) {
			assay_diag_add(d, file, line_of(n), "more than %d "
			    "services", MAX_SERVICES);
			bad = 1;
			break;
		}
		if ((ns = grow(f->services, &f->aservices, f->nservices,
		    sizeof(*ns))) == NULL)
			return ASSAY_ERR_ALLOC;
		f->services = ns;
		sv = &ns[f->nservices];
		memset(sv, 0, sizeof(*sv));
		sv->line = line_of(n);
		sv->id = attr(n, "id", &ok);
		sv->protocol = attr(n, "protocol", &ok);
		sv->transport = attr(n, "transport", &ok);
		sv->security = attr(n, "security", &ok);
		sv->address = attr(n, "address", &ok);
		f->nservices++;
		if (!ok || sv->id == NULL || sv->protocol == NULL ||
		    sv->transport == NULL || sv->security == NULL)
			return ASSAY_ERR_ALLOC;
		if (child(n, "description") != NULL &&
		    (sv->description = text_of(child(n, "description"), 0)) == NULL)
			return ASSAY_ERR_ALLOC;
		if (child(n, "path") != NULL &&
		    (sv->path = text_of(child(n, "path"), 0)) == NULL)
			return ASSAY_ERR_ALLOC;
		if ((port = attr(n, "port", &ok)) == NULL)
			return ASSAY_ERR_ALLOC;
		if (parse_int(port, 1, 65535, &v) != 0) {
			assay_diag_add(d, file, sv->line, "service \"%s\": port "
			    "%s out of range 1..65535", sv->id, port);
			bad = 1;
		} else
			sv->port = (int)v;
		free(port);
		if ((prev = find_service(f, sv->id)) >= 0 &&
		    (size_t)prev != f->nservices - 1) {
			assay_diag_add(d, file, sv->line, "duplicate service id "
			    "\"%s\" (first at line %ld)", sv->id,
			    f->services[prev].line);
			bad = 1;
		}
	}

	/* Credentials. */
	if ((sec = child(root, "credentials")) != NULL) {
		for (n = sec->children; n != NULL; n = n->next) {
			struct credential *c, *nc;

			if (!is_elem(n, "credential"))
				continue;
			if (f->ncreds == MAX_CREDENTIALS) {
				assay_diag_add(d, file, line_of(n), "more than "
				    "%d credentials", MAX_CREDENTIALS);
				bad = 1;
				break;
			}
			if ((nc = grow(f->creds, &f->acreds, f->ncreds,
			    sizeof(*nc))) == NULL)
				return ASSAY_ERR_ALLOC;
			f->creds = nc;
			c = &nc[f->ncreds];
			memset(c, 0, sizeof(*c));
			c->line = line_of(n);
			c->id = attr(n, "id", &ok);
			c->service = attr(n, "service", &ok);
			c->username = text_of(child(n, "username"), 1);
			c->password = text_of(child(n, "password"), 1);
			f->ncreds++;
			if (!ok || c->id == NULL || c->service == NULL ||
			    c->username == NULL || c->password == NULL)
				return ASSAY_ERR_ALLOC;
			if ((r = add_secret(f, c->password)) != 0)
				return r;
			for (k = 0; k + 1 < f->ncreds; k++) {
				if (strcmp(f->creds[k].id, c->id) == 0) {
					assay_diag_add(d, file, c->line,
					    "duplicate credential id \"%s\" "
					    "(first at line %ld)", c->id,
					    f->creds[k].line);
					bad = 1;
					break;
				}
			}
			if (find_service(f, c->service) < 0) {
				assay_diag_add(d, file, c->line, "credential "
				    "\"%s\": service \"%s\" does not exist",
				    c->id, c->service);
				bad = 1;
			}
		}
	}

	/* Items and their entries. */
	items = child(root, "items");
	for (n = items->children; n != NULL; n = n->next) {
		xmlNodePtr en;
		char *id;
		long it;

		if (!is_elem(n, "item"))
			continue;
		if ((id = attr(n, "id", &ok)) == NULL)
			return ASSAY_ERR_ALLOC;
		if ((it = assay_spec_ixit_find(s, id)) < 0) {
			assay_diag_add(d, file, line_of(n), "unknown IXIT item "
			    "\"%s\" (not in TS 103 701 V1.1.1)", id);
			bad = 1;
			free(id);
			continue;
		}
		if (f->items[it].line != 0) {
			assay_diag_add(d, file, line_of(n), "IXIT item %s listed "
			    "twice (first at line %ld)", id, f->items[it].line);
			bad = 1;
			free(id);
			continue;
		}
		free(id);
		f->items[it].line = line_of(n);
		for (en = n->children; en != NULL; en = en->next) {
			if (!is_elem(en, "entry"))
				continue;
			if ((r = ixit_entry(f, (size_t)it, en, file, d,
			    &bad)) != 0)
				return r;
		}
	}
	for (i = 0; i < ni; i++) {
		if (f->items[i].line == 0) {
			assay_diag_add(d, file, line_of(items), "IXIT item %s "
			    "missing (%s)", assay_spec_ixit_id(s, i),
			    assay_spec_ixit_name(s, i));
			bad = 1;
		}
	}

	/*
	 * Entry ids are unique across the form; references resolve.  A
	 * sorted index keeps this O(n log n) on a hostile 4 MiB form.
	 */
	for (i = 0, nidx = 0; i < ni; i++)
		nidx += f->items[i].nentries;
	if ((idx = calloc(nidx ? nidx : 1, sizeof(*idx))) == NULL)
		return ASSAY_ERR_ALLOC;
	for (i = 0, j = 0; i < ni; i++) {
		for (k = 0; k < f->items[i].nentries; k++, j++) {
			idx[j].id = f->items[i].entries[k].id;
			idx[j].item = i;
			idx[j].e = &f->items[i].entries[k];
		}
	}
	qsort(idx, nidx, sizeof(*idx), entry_ref_cmp);
	for (j = 1; j < nidx; j++) {
		if (strcmp(idx[j].id, idx[j - 1].id) == 0) {
			assay_diag_add(d, file, idx[j].e->line, "duplicate "
			    "entry id \"%s\" (first at line %ld)", idx[j].id,
			    find_entry(idx, nidx, idx[j].id)->e->line);
			bad = 1;
		}
	}
	for (i = 0; i < ni && r == 0; i++) {
		for (k = 0; k < f->items[i].nentries && r == 0; k++) {
			struct entry *e = &f->items[i].entries[k];

			for (j = 0; j < e->nrefs; j++) {
				struct ref *rf = &e->refs[j];
				const struct entry_ref *t;

				if (rf->service) {
					if (find_service(f, rf->target) < 0) {
						assay_diag_add(d, file,
						    rf->line, "entry \"%s\": "
						    "ref to service \"%s\", "
						    "which does not exist",
						    e->id, rf->target);
						bad = 1;
					}
					continue;
				}
				if ((t = find_entry(idx, nidx, rf->target)) == NULL) {
					assay_diag_add(d, file, rf->line,
					    "entry \"%s\": ref to entry \"%s\", "
					    "which does not exist", e->id,
					    rf->target);
					bad = 1;
				} else if (rf->item != NULL &&
				    strcmp(rf->item,
				    assay_spec_ixit_id(s, t->item)) != 0) {
					assay_diag_add(d, file, rf->line,
					    "entry \"%s\": ref says entry \"%s\" "
					    "is in item %s, but it is in %s",
					    e->id, rf->target, rf->item,
					    assay_spec_ixit_id(s, t->item));
					bad = 1;
				} else if (rf->item == NULL &&
				    (rf->item = strdup(assay_spec_ixit_id(s,
				    t->item))) == NULL) {
					/* Without item=, name the target's item. */
					r = ASSAY_ERR_ALLOC;
					break;
				}
			}
		}
	}
	free(idx);
	if (r != 0)
		return r;
	if (f->nsecrets > 1)
		qsort(f->secrets, f->nsecrets, sizeof(*f->secrets),
		    by_length_desc);
	return bad ? ASSAY_ERR_FORM : 0;
}

/* --- load / free ------------------------------------------------------- */

static void
free_entry(struct entry *e)
{
	size_t j;

	free(e->id);
	for (j = 0; j < e->nfields; j++) {
		free(e->fields[j].name);
		if (e->fields[j].secret)
			free_secret(e->fields[j].value);
		else
			free(e->fields[j].value);
	}
	free(e->fields);
	for (j = 0; j < e->nrefs; j++) {
		free(e->refs[j].item);
		free(e->refs[j].target);
	}
	free(e->refs);
}

void
assay_forms_free(struct assay_forms *f)
{
	size_t i, k, ni;

	if (f == NULL)
		return;
	ni = f->spec != NULL ? assay_spec_nixit(f->spec) : 0;
	if (f->prov != NULL && f->spec != NULL)
		for (i = 0; i < assay_spec_nprovisions(f->spec); i++)
			free(f->prov[i].detail);
	free(f->prov);
	free(f->cond);
	free(f->cond_line);
	free(f->ics_path);
	free(f->ixit_path);
	free(f->manufacturer);
	free(f->model);
	free(f->hw_version);
	free(f->fw_version);
	free(f->description);
	for (i = 0; i < f->nserials; i++)
		free(f->serials[i]);
	free(f->serials);
	free(f->standard);
	free(f->version);
	free(f->profile);
	for (i = 0; i < f->naddresses; i++)
		free(f->addresses[i]);
	free(f->addresses);
	for (i = 0; i < f->nservices; i++) {
		free(f->services[i].id);
		free(f->services[i].protocol);
		free(f->services[i].transport);
		free(f->services[i].security);
		free(f->services[i].address);
		free(f->services[i].description);
		free(f->services[i].path);
	}
	free(f->services);
	for (i = 0; i < f->ncreds; i++) {
		free(f->creds[i].id);
		free(f->creds[i].service);
		free(f->creds[i].username);
		free_secret(f->creds[i].password);
	}
	free(f->creds);
	if (f->items != NULL) {
		for (i = 0; i < ni; i++) {
			for (k = 0; k < f->items[i].nentries; k++)
				free_entry(&f->items[i].entries[k]);
			free(f->items[i].entries);
		}
	}
	free(f->items);
	free(f->secrets);
	assay_spec_free(f->spec);
	free(f);
}

/* Keeps the first (most telling) error of a load. */
static void
keep(int *r, int e)
{
	if (*r == 0)
		*r = e;
}

int
assay_forms_load(const char *datadir, const char *ics_path,
    const char *ixit_path, struct assay_forms **out, struct assay_diag *d)
{
	struct assay_forms *f = NULL;
	xmlDocPtr ics = NULL, ixit = NULL;
	char xsd[PATH_MAX];
	int r = 0, e;

	if (out != NULL)
		*out = NULL;
	if (datadir == NULL || ics_path == NULL || ixit_path == NULL ||
	    out == NULL)
		return ASSAY_ERR_INVALID_ARG;
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->ics_path = strdup(ics_path)) == NULL ||
	    (f->ixit_path = strdup(ixit_path)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}

	/* Both forms are always read, so both kinds of error are reported. */
	if ((size_t)snprintf(xsd, sizeof(xsd), "%s/ics/ics.xsd", datadir) >=
	    sizeof(xsd)) {
		r = ASSAY_ERR_TOO_BIG;
		goto out;
	}
	if ((e = load_xml(ics_path, xsd, "ics", &ics, f->ics_sha256, d)) != 0)
		keep(&r, e);
	snprintf(xsd, sizeof(xsd), "%s/ixit/ixit.xsd", datadir);
	if ((e = load_xml(ixit_path, xsd, "ixit", &ixit, f->ixit_sha256, d)) != 0)
		keep(&r, e);

	if (ics != NULL) {
		if ((e = ics_standard(f, ics)) != 0) {
			r = e;
			goto out;
		}
		if (strcmp(f->version, "2.1.1") != 0) {
			assay_diag_add(d, ics_path,
			    line_of(child(xmlDocGetRootElement(ics), "standard")),
			    "EN 303 645 version \"%s\" is not supported: Assay "
			    "has data for V2.1.1 only", f->version);
			keep(&r, ASSAY_ERR_FORM);
			free_doc(ics);
			ics = NULL;
		}
	}
	/* The IXIT is TS 103 701 V1.1.1 whatever the ICS says. */
	if (ics != NULL || ixit != NULL) {
		if ((e = assay_spec_load(datadir, "2.1.1", &f->spec, d)) != 0) {
			keep(&r, e);
			goto out;
		}
	}
	if (ics != NULL && (e = ics_load(f, ics, ics_path, d)) != 0) {
		keep(&r, e);
		if (e != ASSAY_ERR_FORM)
			goto out;
	}
	if (ixit != NULL && (e = ixit_load(f, ixit, ixit_path, d)) != 0)
		keep(&r, e);
 out:
	free_doc(ics);
	free_doc(ixit);
	if (r != 0) {
		assay_forms_free(f);
		return r;
	}
	*out = f;
	return 0;
}

/* --- accessors --------------------------------------------------------- */

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
	return f->ics_sha256;
}

const char *
assay_forms_ixit_sha256(const struct assay_forms *f)
{
	return f->ixit_sha256;
}

const char *
assay_forms_device(const struct assay_forms *f, const char *key)
{
	if (f == NULL || key == NULL)
		return NULL;
	if (strcmp(key, "manufacturer") == 0)
		return f->manufacturer;
	if (strcmp(key, "model") == 0)
		return f->model;
	if (strcmp(key, "hardware-version") == 0)
		return f->hw_version;
	if (strcmp(key, "firmware-version") == 0)
		return f->fw_version;
	if (strcmp(key, "description") == 0)
		return f->description;
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
	long pi;

	if (f == NULL || provision_id == NULL ||
	    (pi = assay_spec_provision_find(f->spec, provision_id)) < 0 ||
	    f->prov[pi].line == 0)
		return ASSAY_ERR_NOT_FOUND;
	if (support != NULL)
		*support = f->prov[pi].support;
	if (detail != NULL)
		*detail = f->prov[pi].detail;
	return 0;
}

int
assay_forms_condition(const struct assay_forms *f, int number)
{
	if (f == NULL || number < 1 ||
	    (size_t)number > assay_spec_nconditions(f->spec))
		return -1;
	return f->cond[number - 1];
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

static const struct item *
item_of(const struct assay_forms *f, const char *item)
{
	long it;

	if (f == NULL || item == NULL ||
	    (it = assay_spec_ixit_find(f->spec, item)) < 0)
		return NULL;
	return &f->items[it];
}

static const struct entry *
entry_of(const struct assay_forms *f, const char *item, size_t k)
{
	const struct item *it = item_of(f, item);

	return it != NULL && k < it->nentries ? &it->entries[k] : NULL;
}

size_t
assay_forms_nentries(const struct assay_forms *f, const char *item)
{
	const struct item *it = item_of(f, item);

	return it != NULL ? it->nentries : 0;
}

const char *
assay_forms_entry_id(const struct assay_forms *f, const char *item, size_t k)
{
	const struct entry *e = entry_of(f, item, k);

	return e != NULL ? e->id : NULL;
}

size_t
assay_forms_entry_nfields(const struct assay_forms *f, const char *item,
    size_t k)
{
	const struct entry *e = entry_of(f, item, k);

	return e != NULL ? e->nfields : 0;
}

const char *
assay_forms_entry_field_name(const struct assay_forms *f, const char *item,
    size_t k, size_t j)
{
	const struct entry *e = entry_of(f, item, k);

	return e != NULL && j < e->nfields ? e->fields[j].name : NULL;
}

const char *
assay_forms_entry_field_value(const struct assay_forms *f, const char *item,
    size_t k, size_t j)
{
	const struct entry *e = entry_of(f, item, k);

	return e != NULL && j < e->nfields ? e->fields[j].value : NULL;
}

int
assay_forms_entry_field_secret(const struct assay_forms *f, const char *item,
    size_t k, size_t j)
{
	const struct entry *e = entry_of(f, item, k);

	return e != NULL && j < e->nfields ? e->fields[j].secret : 0;
}

const char *
assay_forms_entry_field(const struct assay_forms *f, const char *item,
    size_t k, const char *name)
{
	const struct entry *e = entry_of(f, item, k);
	size_t j;

	if (e == NULL || name == NULL)
		return NULL;
	for (j = 0; j < e->nfields; j++)
		if (strcasecmp(e->fields[j].name, name) == 0)
			return e->fields[j].value;
	return NULL;
}

size_t
assay_forms_entry_nrefs(const struct assay_forms *f, const char *item,
    size_t k)
{
	const struct entry *e = entry_of(f, item, k);

	return e != NULL ? e->nrefs : 0;
}

const char *
assay_forms_entry_ref_item(const struct assay_forms *f, const char *item,
    size_t k, size_t j)
{
	const struct entry *e = entry_of(f, item, k);

	return e != NULL && j < e->nrefs ? e->refs[j].item : NULL;
}

const char *
assay_forms_entry_ref_target(const struct assay_forms *f, const char *item,
    size_t k, size_t j)
{
	const struct entry *e = entry_of(f, item, k);

	return e != NULL && j < e->nrefs ? e->refs[j].target : NULL;
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
	return f->max_connections;
}

int
assay_forms_budget_max_rate(const struct assay_forms *f)
{
	return f->max_rate;
}

size_t
assay_forms_nservices(const struct assay_forms *f)
{
	return f->nservices;
}

long
assay_forms_service_find(const struct assay_forms *f, const char *id)
{
	if (f == NULL || id == NULL)
		return -1;
	return find_service(f, id);
}

const char *
assay_forms_service_id(const struct assay_forms *f, size_t i)
{
	return i < f->nservices ? f->services[i].id : NULL;
}

const char *
assay_forms_service_protocol(const struct assay_forms *f, size_t i)
{
	return i < f->nservices ? f->services[i].protocol : NULL;
}

const char *
assay_forms_service_transport(const struct assay_forms *f, size_t i)
{
	return i < f->nservices ? f->services[i].transport : NULL;
}

int
assay_forms_service_port(const struct assay_forms *f, size_t i)
{
	return i < f->nservices ? f->services[i].port : 0;
}

const char *
assay_forms_service_security(const struct assay_forms *f, size_t i)
{
	return i < f->nservices ? f->services[i].security : NULL;
}

const char *
assay_forms_service_address(const struct assay_forms *f, size_t i)
{
	if (i >= f->nservices)
		return NULL;
	if (f->services[i].address != NULL)
		return f->services[i].address;
	return f->naddresses > 0 ? f->addresses[0] : NULL;
}

const char *
assay_forms_service_description(const struct assay_forms *f, size_t i)
{
	return i < f->nservices ? f->services[i].description : NULL;
}

const char *
assay_forms_service_path(const struct assay_forms *f, size_t i)
{
	if (i >= f->nservices)
		return NULL;
	return f->services[i].path != NULL ? f->services[i].path : "/";
}

size_t
assay_forms_ncredentials(const struct assay_forms *f)
{
	return f->ncreds;
}

const char *
assay_forms_credential_id(const struct assay_forms *f, size_t i)
{
	return i < f->ncreds ? f->creds[i].id : NULL;
}

const char *
assay_forms_credential_service(const struct assay_forms *f, size_t i)
{
	return i < f->ncreds ? f->creds[i].service : NULL;
}

const char *
assay_forms_credential_username(const struct assay_forms *f, size_t i)
{
	return i < f->ncreds ? f->creds[i].username : NULL;
}

const char *
assay_forms_credential_password(const struct assay_forms *f, size_t i)
{
	return i < f->ncreds ? f->creds[i].password : NULL;
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
