/*
 * forms.c - load and check the ICS, the IXIT and the lab set-up file.
 *
 * Order of work for each file: open, fstat against the size cap, read at
 * most the cap, check UTF-8, parse with libxml2 (no network, no entities,
 * no DTD; the parser is stopped at the first DOCTYPE or at the depth cap),
 * validate against the schema from the data directory, then copy what we
 * need into plain C structures and run the cross-checks of ics/README.md,
 * ixit/README.md and setup/README.md; last, the checks between the files
 * (ICS conditions against IXIT facts).  The xmlDoc never outlives
 * assay_forms_load().
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
#include <sys/socket.h>
#include <dirent.h>
#include <regex.h>
#include <strings.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/error.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/redact.h"
#include "forms/forms.h"
#include "forms/spec.h"

#define ICS_NS		"urn:assay:ics:1"
#define IXIT_NS		"urn:assay:ixit:2"
#define IXIT_NS_V1	"urn:assay:ixit:1"
#define SETUP_NS	"urn:assay:setup:1"
#define EXTRA_FIELD	"Example Value"	/* accepted in every IXIT item */
#define MAX_BUDGET	1000000
#define MAX_SERVICES	256	/* each; keeps the id checks cheap */
#define MAX_CREDENTIALS	256
#define MAX_ARTEFACTS	256
#define MAX_CLIENT_DECLS 64	/* identities, updates, watch values, answers: each */
#define MAX_PEM_BYTES	(64 * 1024)	/* a certificate or key file */

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

struct fact {
	char	*name;
	char	*value;		/* canonical form, see forms.h */
};

struct entry {
	char		*id;
	struct fact	*facts;
	size_t		 nfacts, afacts;
	long		 facts_line;	/* where fact problems are reported */
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
	char	*id, *protocol, *transport, *security;
	char	*address;		/* override from the set-up file */
	char	*description, *path;
	int	 port;
	long	 line;
};

struct credential {
	char	*id, *service, *username, *origin;
	char	*password;		/* secret */
	long	 line;
};

/* A file the lab supplies (set-up <artefacts>). */
struct artefact {
	enum assay_artefact_kind kind;
	char			*id;
	char			*file;		/* as written */
	char			*path;		/* resolved: realpath() */
	char			 sha256[ASSAY_SHA256_HEX_LEN + 1];	/* as read */
	unsigned long long	 size;
	long			 line;
};

/*
 * The set-up's <client-side>: the public structs of forms.h, whose
 * strings are the forms object's own allocations (freed through a cast).
 */
struct cs_identity {
	struct assay_identity_decl	 d;
	long				 line;
};

struct cs_update {
	struct assay_update_decl	 d;
	long				 line;
};

struct cs_watch {
	struct assay_watch_decl		 d;	/* d.value: a secret */
	long				 line;
};

struct prov_decl {
	enum assay_support	 support;
	char			*detail;
	long			 line;	/* 0: not declared */
};

struct assay_forms {
	struct assay_spec	*spec;
	/*
	 * Loaded from a run directory's copies (assay_forms_load_recorded):
	 * the lab's files were checked when the run started and are not
	 * opened again.
	 */
	int			 recorded;
	char			*ics_path, *ixit_path, *setup_path;
	char			 ics_sha256[65], ixit_sha256[65];
	char			 setup_sha256[65];

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
	struct service		*services;
	size_t			 nservices, aservices;
	struct item		*items;		/* indexed like the spec */

	/* Lab set-up */
	char			**addresses;
	size_t			 naddresses, aaddresses;
	int			 max_connections, max_rate;
	int			 budget_adaptive;	/* <budget adaptive> */
	/* <liveness>: the service watched, how often, how long to wait. */
	char			*live_service;		/* NULL: the first TCP one */
	int			 live_enabled;
	int			 live_interval_ms, live_give_up_s;
	struct credential	*creds;
	size_t			 ncreds, acreds;
	struct artefact		*arts;
	size_t			 narts, aarts;
	struct assay_pace	 pace;		/* <client-side cycle-s> */
	int			 has_gateway;
	struct assay_gateway_decl gw;		/* strings owned */
	char			**gw_answers;
	size_t			 ngw_answers, agw_answers;
	struct cs_identity	*idents;
	size_t			 nidents, aidents;
	struct cs_update	*updates;
	size_t			 nupdates, aupdates;
	struct cs_watch		*watch;
	size_t			 nwatch, awatch;
	char			**cs_files;	/* every file <client-side> names, resolved */
	size_t			 ncs_files, acs_files;
	char			 cs_sha256[ASSAY_SHA256_HEX_LEN + 1];

	const char		**secrets;	/* borrowed, longest first */
	size_t			 nsecrets, asecrets;
	const char		**weak;		/* borrowed */
	size_t			 nweak, aweak;
	char			**pub;		/* "user:pass" */
	size_t			 npub, apub;
	const char		*datadir;	/* borrowed, while loading */
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

/*
 * Reads path into a NUL-terminated buffer of at most ASSAY_FORMS_MAX_BYTES
 * (base/file.h: the size is checked before a byte is read, and a FIFO or
 * device is refused).  The caller wipes and frees *out.
 */
static int
read_capped(const char *path, char **out, size_t *lenp, struct assay_diag *d)
{
	struct assay_buf *b = NULL;
	struct stat st;
	int r;

	*out = NULL;
	switch ((r = assay_file_read(path, ASSAY_FORMS_MAX_BYTES, &b))) {
	case 0:
		break;
	case ASSAY_ERR_TOO_BIG:
		if (stat(path, &st) == 0 && st.st_size > ASSAY_FORMS_MAX_BYTES)
			assay_diag_add(d, path, 0, "file is %lld bytes, larger "
			    "than the %d-byte limit for a form",
			    (long long)st.st_size, ASSAY_FORMS_MAX_BYTES);
		else
			assay_diag_add(d, path, 0, "file is larger than the "
			    "%d-byte limit for a form", ASSAY_FORMS_MAX_BYTES);
		return r;
	case ASSAY_ERR_NOT_REGULAR:
		assay_diag_add(d, path, 0, "is a directory or special file, "
		    "not a form");
		return r;
	default:
		assay_diag_add(d, path, 0, "cannot open: %s", r == ASSAY_ERR_IO ?
		    strerror(errno) : assay_strerror(r));
		return r;
	}
	/* assay_buf_free() wipes; the stolen copy is wiped by the caller. */
	if ((*out = assay_buf_steal(b, lenp)) == NULL)
		r = ASSAY_ERR_ALLOC;
	assay_buf_free(b);
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
 * Looks at a parsed document before its schema does; returns 0 to go on
 * or an ASSAY_ERR_* code (with the explanation in d) to stop.
 */
typedef int (*precheck_fn)(xmlDocPtr, const char *, struct assay_diag *);

/*
 * Parses and validates one form.  On success *docp is the caller's, else
 * NULL.  sha256 (may be NULL) receives the hash of the bytes read.
 * precheck (may be NULL) runs between the root check and the schema.
 */
/*
 * One form as the loader gets it: a path to read, or (mem != NULL) the
 * bytes themselves, with path only naming them in messages.
 */
struct form_src {
	const char	*path;
	const char	*mem;
	size_t		 len;
};

/*
 * The templates `assay init` writes hold TODO wherever the lab must
 * write something, and must not validate until every one is replaced.
 * Before the schema (whose messages for them read "[facet
 * 'enumeration'] The value 'TODO' is not an element of the set..."),
 * every TODO left in an attribute or in the text of an element that is
 * not free text (free_text()) is said in one plain line naming what it
 * belongs to and, where the form fixes them, the values to write.
 * Comments are not looked at.  Returns how many were found.
 */
static const char *
todo_hint(const xmlChar *el, const xmlChar *attr)
{
	if (attr == NULL)
		return NULL;
	if (xmlStrcmp(el, BAD_CAST "provision") == 0 &&
	    xmlStrcmp(attr, BAD_CAST "support") == 0)
		return "write Y, N or N/A";
	if (xmlStrcmp(el, BAD_CAST "condition") == 0 &&
	    xmlStrcmp(attr, BAD_CAST "holds") == 0)
		return "write true or false";
	if (xmlStrcmp(attr, BAD_CAST "port") == 0)
		return "write a port number";
	return NULL;
}

/* "provision 5.1-1", "condition 3", "field \"Description\"", "<address>". */
static void
todo_owner(xmlNodePtr n, char *out, size_t len)
{
	static const char *const keys[] = { "id", "number", "name", NULL };
	xmlChar *v = NULL;
	size_t i;

	for (i = 0; keys[i] != NULL && v == NULL; i++)
		v = xmlGetProp(n, BAD_CAST keys[i]);
	if (v == NULL)
		snprintf(out, len, "<%s>", (const char *)n->name);
	else if (xmlStrcmp(n->name, BAD_CAST "field") == 0)
		snprintf(out, len, "field \"%.80s\"", (const char *)v);
	else
		snprintf(out, len, "%s %.80s", (const char *)n->name,
		    (const char *)v);
	xmlFree(v);
}

/*
 * Free text (an IXIT field, a justification, a description, a remark):
 * a TODO there is the manufacturer's placeholder, which the test cases
 * judge (it FAILs the unit that needed the text), not an unfilled
 * template slot.
 */
static int
free_text(xmlNodePtr n)
{
	static const char *const names[] = { "field", "detail", "description",
	    "condition", NULL };
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (xmlStrcmp(n->name, BAD_CAST names[i]) == 0)
			return 1;
	return 0;
}

static size_t
todo_scan(xmlNodePtr n, const char *path, struct assay_diag *d)
{
	char owner[160];
	const char *hint;
	size_t found = 0;
	xmlAttrPtr a;
	xmlNodePtr c;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (a = n->properties; a != NULL; a = a->next) {
			xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);

			if (v != NULL && xmlStrstr(v, BAD_CAST "TODO") != NULL) {
				todo_owner(n, owner, sizeof(owner));
				hint = todo_hint(n->name, a->name);
				assay_diag_add(d, path, line_of(n), "%s: %s is "
				    "still TODO%s%s%s", owner,
				    (const char *)a->name, hint ? " (" : "",
				    hint ? hint : "", hint ? ")" : "");
				found++;
			}
			xmlFree(v);
		}
		for (c = n->children; !free_text(n) && c != NULL; c = c->next) {
			if (c->type == XML_TEXT_NODE && c->content != NULL &&
			    xmlStrstr(c->content, BAD_CAST "TODO") != NULL) {
				todo_owner(n, owner, sizeof(owner));
				assay_diag_add(d, path, line_of(n), "%s: its "
				    "text is still TODO", owner);
				found++;
				break;
			}
		}
		found += todo_scan(n->children, path, d);
	}
	return found;
}

static int
load_xml(const struct form_src *src, const char *xsd_path,
    const char *root_name, precheck_fn precheck, xmlDocPtr *docp,
    char *sha256, struct assay_diag *d)
{
	const char *path = src->path;
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

	if (src->mem != NULL) {
		if (src->len > ASSAY_FORMS_MAX_BYTES) {
			assay_diag_add(d, path, 0, "form is %zu bytes, larger "
			    "than the %d-byte limit for a form", src->len,
			    ASSAY_FORMS_MAX_BYTES);
			r = ASSAY_ERR_TOO_BIG;
			goto out;
		}
		r = ASSAY_ERR_ALLOC;
		if ((text = malloc(src->len + 1)) == NULL)
			goto out;
		memcpy(text, src->mem, src->len);
		text[src->len] = '\0';
		len = src->len;
	} else if ((r = read_capped(path, &text, &len, d)) != 0)
		goto out;
	if (len == 0) {
		assay_diag_add(d, path, 0, "empty file: not a form (expected "
		    "an XML document with root <%s>)", root_name != NULL ?
		    root_name : "ics>, <ixit> or <setup");
		r = ASSAY_ERR_PARSE;
		goto out;
	}
	if (sha256 != NULL)
		(void)assay_sha256_hex(text, len, sha256);
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
	if ((ctxt = xmlCreateMemoryParserCtxt(text, (int)len)) == NULL) {
		assay_diag_add(d, path, 0, "cannot parse: %s",
		    assay_strerror(r));
		goto out;
	}
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
	if (precheck != NULL && (r = precheck(doc, path, d)) != 0)
		goto out;

	/* No schema: a form loaded before, read again (masked copy). */
	if (xsd_path == NULL) {
		*docp = doc;
		doc = NULL;
		r = 0;
		goto out;
	}
	/* A template not yet filled: every TODO in plain words, no schema. */
	if (todo_scan(root, path, d) > 0) {
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
	if ((sp = xmlSchemaNewParserCtxt(xsd_path)) == NULL) {
		/* r is 0 here: never "success" without a document. */
		assay_diag_add(d, xsd_path, 0, "cannot load the schema: %s",
		    assay_strerror(ASSAY_ERR_ALLOC));
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	ps.file = xsd_path;
	xmlSchemaSetParserStructuredErrors(sp, schema_error, &ps);
	if ((schema = xmlSchemaParse(sp)) == NULL) {
		assay_diag_add(d, xsd_path, 0, "cannot load the schema");
		r = ASSAY_ERR_DATADIR;
		goto out;
	}
	ps.file = path;
	r = ASSAY_ERR_ALLOC;
	if ((vc = xmlSchemaNewValidCtxt(schema)) == NULL) {
		assay_diag_add(d, path, 0, "cannot validate: %s",
		    assay_strerror(r));
		goto out;
	}
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
assay_forms_read_xml(const char *path, const char *xsd_path,
    const char *root_name, struct _xmlDoc **docp, char *sha256,
    struct assay_diag *d)
{
	struct form_src src = { path, NULL, 0 };

	if (path == NULL || xsd_path == NULL || docp == NULL)
		return ASSAY_ERR_INVALID_ARG;
	return load_xml(&src, xsd_path, root_name, NULL, docp, sha256, d);
}

void
assay_forms_free_xml(struct _xmlDoc *doc)
{
	free_doc(doc);
}

int
assay_forms_check_xml(const char *path, const char *xsd_path,
    struct assay_diag *d)
{
	xmlDocPtr doc = NULL;
	int r;

	struct form_src src = { path, NULL, 0 };

	if (path == NULL || xsd_path == NULL)
		return ASSAY_ERR_INVALID_ARG;
	r = load_xml(&src, xsd_path, NULL, NULL, &doc, NULL, d);
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
	/*
	 * An element's content is at least "": NULL is libxml2 out of
	 * memory, never an empty value (a password read as "" would go
	 * unmasked).
	 */
	if ((x = xmlNodeGetContent(n)) == NULL)
		return NULL;
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
 * The secret="..." attribute of an IXIT field: xs:boolean, whose white
 * space the schema collapses, so " true " is as secret as "true".
 */
static int
is_secret_attr(const char *v)
{
	size_t n;

	if (v == NULL)
		return 0;
	while (isspace((unsigned char)*v))
		v++;
	for (n = strlen(v); n > 0 && isspace((unsigned char)v[n - 1]); n--)
		;
	return (n == 4 && strncmp(v, "true", 4) == 0) ||
	    (n == 1 && v[0] == '1');
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
			    "\"%s\" (not in EN 303 645 V%s, nor new or split "
			    "in V3.1.3)", id, assay_spec_version(s));
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
		    assay_spec_provision_nconditions(s, (size_t)pi) == 0 &&
		    !(assay_spec_provision_extra(s, (size_t)pi) &&
		    strstr(assay_spec_provision_status(s, (size_t)pi),
		    "F (") != NULL)) {
			assay_diag_add(d, file, line_of(n), "provision %s: N/A "
			    "is only allowed for conditional provisions (and "
			    "V3.1.3 ones with a feature; its status is %s)", id,
			    assay_spec_provision_status(s, (size_t)pi));
			bad = 1;
		}
		free(id);
	}
	/* An extra (new or split in V3.1.3) is optional: the engine says so. */
	for (k = 0; k < np; k++) {
		if (f->prov[k].line == 0 && !assay_spec_provision_extra(s, k)) {
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

static void	check_input(const struct assay_forms *, const struct entry *,
		    const char *, struct assay_diag *, int *);
static void	check_write_endpoint(const struct assay_forms *,
		    const struct entry *, const char *, struct assay_diag *,
		    int *);

static const char	*entry_fact(const struct entry *, const char *);
static void	check_withdraw(const struct assay_forms *,
		    const struct assay_spec *, const struct entry *,
		    const char *, struct assay_diag *, int *);
static void	check_delfunc(const struct assay_forms *,
		    const struct entry *, const char *, struct assay_diag *,
		    int *);

/* Whether proto is one of the NULL-terminated list. */
static int
proto_in(const char *proto, const char *const *list)
{
	for (; proto != NULL && *list != NULL; list++)
		if (strcmp(proto, *list) == 0)
			return 1;
	return 0;
}

/* Whether entry e refers to a declared service whose protocol is in list. */
static int
refers_to(const struct assay_forms *f, const struct entry *e,
    const char *const *list)
{
	size_t j;
	long si;

	for (j = 0; j < e->nrefs; j++)
		if (e->refs[j].service &&
		    (si = find_service(f, e->refs[j].target)) >= 0 &&
		    proto_in(f->services[si].protocol, list))
			return 1;
	return 0;
}

static const char *const web_protos[] = { "http", "https", NULL };

/*
 * change-api-path is a path on the mechanism's own web service: the entry
 * must refer to an http or https service (an SSH or app-only mechanism
 * has no such path).
 */
static void
check_change_api_service(const struct assay_forms *f, const struct entry *e,
    const char *file, struct assay_diag *d, int *bad)
{
	const char *path = entry_fact(e, "change-api-path");

	if (path != NULL && !refers_to(f, e, web_protos)) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
		    "change-api-path \"%s\" needs a ref to an http or https "
		    "service (the path is on the mechanism's web service)",
		    e->id, path);
		*bad = 1;
	}
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

/*
 * The first public default-credential list of datadir/testcases/data
 * holding s as a password, or NULL; every pair "user:s" of the lists is
 * kept in f->pub (public knowledge, kept in clear by the mask).  Lines
 * are user:password ('#' starts a comment line); a list that cannot be
 * read holds nothing.  Returns ASSAY_ERR_ALLOC in *err when out of memory.
 */
static const char *
public_list_with(struct assay_forms *f, const char *s, int *err)
{
	static const char *const lists[] = { "mirai.txt", "iot-defaults.txt" };
	char path[ASSAY_PATH_MAX], line[512], *c, **v;
	const char *found = NULL;
	size_t i, k, n;
	FILE *fp;

	*err = 0;
	for (i = 0; f->datadir != NULL && i < 2; i++) {
		if (snprintf(path, sizeof(path), "%s/testcases/data/%s",
		    f->datadir, lists[i]) >= (int)sizeof(path) ||
		    (fp = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), fp) != NULL) {
			n = strcspn(line, "\r\n");
			line[n] = '\0';
			if (line[0] == '#' || (c = strchr(line, ':')) == NULL ||
			    strcmp(c + 1, s) != 0)
				continue;
			if (found == NULL)
				found = lists[i];
			for (k = 0; k < f->npub; k++)
				if (strcmp(f->pub[k], line) == 0)
					break;
			if (k < f->npub)
				continue;
			if ((v = grow(f->pub, &f->apub, f->npub,
			    sizeof(*v))) == NULL ||
			    (v[f->npub] = strdup(line)) == NULL) {
				if (v != NULL)
					f->pub = v;
				*err = ASSAY_ERR_ALLOC;
				break;
			}
			f->pub = v;
			f->npub++;
		}
		fclose(fp);
	}
	return found;
}

/*
 * Adds the secret s that the form file declares at line as what.  A
 * secret shorter than ASSAY_REDACT_WEAK_LEN characters or on a public
 * default list is weak: a warning names it, and the mask hides it only
 * where it stands as a whole token (base/redact.h).
 */
static int
add_secret(struct assay_forms *f, const char *s, const char *file, long line,
    const char *what, struct assay_diag *d)
{
	struct assay_secret sec;
	const char **v, *list;
	int err;

	if (s == NULL || *s == '\0')
		return 0;
	if ((v = grow(f->secrets, &f->asecrets, f->nsecrets, sizeof(*v))) == NULL)
		return ASSAY_ERR_ALLOC;
	f->secrets = v;
	v[f->nsecrets++] = s;
	memset(&sec, 0, sizeof(sec));
	sec.value = s;
	list = public_list_with(f, s, &err);
	if (err != 0)
		return err;
	if (list == NULL && !assay_redact_is_weak(&sec))
		return 0;
	if ((v = grow(f->weak, &f->aweak, f->nweak, sizeof(*v))) == NULL)
		return ASSAY_ERR_ALLOC;
	f->weak = v;
	v[f->nweak++] = s;
	assay_diag_warn(d, file, line, "weak secret: %s %s: it is masked only "
	    "where it stands as a whole value (not inside other words or "
	    "paths)", what, list != NULL ? (strcmp(list, "mirai.txt") == 0 ?
	    "is on the public default list mirai.txt" :
	    "is on the public default list iot-defaults.txt") :
	    "is shorter than 8 characters");
	return 0;
}

size_t
assay_forms_npublic_pairs(const struct assay_forms *f)
{
	return f->npub;
}

const char *
assay_forms_public_pair(const struct assay_forms *f, size_t i)
{
	return i < f->npub ? f->pub[i] : NULL;
}

int
assay_forms_secret_weak(const struct assay_forms *f, const char *value)
{
	size_t i;

	for (i = 0; value != NULL && i < f->nweak; i++)
		if (strcmp(f->weak[i], value) == 0)
			return 1;
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

/* --- IXIT facts (docs/facts.md) ---------------------------------------- */

/* When `assay check` expects a fact the entry leaves out. */
enum expect {
	EX_ALWAYS,		/* every entry of the item */
	EX_ITEM,		/* at least one entry of the item */
	EX_PASSWORD,		/* factor is password or pin */
	EX_GENERATED,		/* password-set-by is pre-installed-* */
	EX_DRAWN,		/* ... and password-generation is not fixed */
	EX_NETWORK,		/* network="true" */
	EX_BF_ATTEMPTS,		/* brute-force lists lockout or suspension */
	EX_BF_DELAY,		/* ... delay */
	EX_BF_SUSPENSION,	/* ... suspension or lockout */
	EX_BF_RATE,		/* ... rate-limit */
	EX_AUTOMATIC,		/* automatic="true" */
	EX_TLS,			/* security is tls or dtls */
	EX_NEVER,		/* never expected (absent has a meaning) */
	EX_OUTBOUND,		/* direction="outbound" */
	EX_FORM,		/* login-form-path is given */
	EX_CONFIG_PATH,		/* config-path given */
	EX_SETTINGS,		/* settings-path given */
	EX_SETTINGS_WRITE,	/* settings-write-body given */
	EX_INPUT,		/* input-path given */
	EX_VERIFIED		/* verification is given and not none */
};

struct fact_def {
	const char		*item;
	const char		*name;
	enum assay_fact_type	 type;
	enum expect		 expect;
};

#define S	ASSAY_FACT_STRING
#define B	ASSAY_FACT_BOOL
#define I	ASSAY_FACT_INT
#define L	ASSAY_FACT_LIST
static const struct fact_def fact_defs[] = {
	{ "1-AuthMech", "factor", S, EX_ALWAYS },
	{ "1-AuthMech", "user-auth", B, EX_ALWAYS },
	{ "1-AuthMech", "network", B, EX_ALWAYS },
	{ "1-AuthMech", "password-set-by", S, EX_PASSWORD },
	{ "1-AuthMech", "password-generation", S, EX_GENERATED },
	{ "1-AuthMech", "password-length", I, EX_PASSWORD },
	{ "1-AuthMech", "password-alphabet", I, EX_DRAWN },
	{ "1-AuthMech", "user-must-change", B, EX_PASSWORD },
	{ "1-AuthMech", "change-supported", B, EX_ALWAYS },
	{ "1-AuthMech", "change-api-path", S, EX_NEVER },
	{ "1-AuthMech", "change-api-method", S, EX_NEVER },
	{ "1-AuthMech", "change-api-body", S, EX_NEVER },
	{ "1-AuthMech", "change-api-success", S, EX_NEVER },
	{ "1-AuthMech", "password-storage", S, EX_PASSWORD },
	{ "1-AuthMech", "channel-security", S, EX_NETWORK },
	{ "1-AuthMech", "brute-force", L, EX_ALWAYS },
	{ "1-AuthMech", "brute-force-attempts", I, EX_BF_ATTEMPTS },
	{ "1-AuthMech", "brute-force-delay-ms", I, EX_BF_DELAY },
	{ "1-AuthMech", "brute-force-suspension-s", I, EX_BF_SUSPENSION },
	{ "1-AuthMech", "brute-force-rate-per-min", I, EX_BF_RATE },
	{ "1-AuthMech", "login-form-path", S, EX_NEVER },
	{ "1-AuthMech", "login-form-fields", S, EX_FORM },
	{ "1-AuthMech", "login-success", S, EX_NEVER },
	{ "1-AuthMech", "login-failure", S, EX_NEVER },
	{ "2-UserInfo", "vdp-url", S, EX_ITEM },
	{ "2-UserInfo", "support-period-url", S, EX_ITEM },
	{ "2-UserInfo", "support-period-end", S, EX_ITEM },
	{ "2-UserInfo", "change-doc-url", S, EX_ITEM },
	{ "2-UserInfo", "privacy-url", S, EX_NEVER },
	{ "2-UserInfo", "telemetry-doc-url", S, EX_NEVER },
	{ "2-UserInfo", "vdp-contact", S, EX_NEVER },
	{ "2-UserInfo", "vdp-ack-time", S, EX_NEVER },
	{ "2-UserInfo", "vdp-status-time", S, EX_NEVER },
	{ "2-UserInfo", "non-update-reason", S, EX_NEVER },
	{ "2-UserInfo", "replacement-period", S, EX_NEVER },
	{ "2-UserInfo", "replacement-method", S, EX_NEVER },
	{ "7-UpdMech", "network", B, EX_ALWAYS },
	{ "7-UpdMech", "authenticity", S, EX_ALWAYS },
	{ "7-UpdMech", "integrity", S, EX_ALWAYS },
	{ "7-UpdMech", "automatic", B, EX_ALWAYS },
	{ "7-UpdMech", "check-interval-h", I, EX_AUTOMATIC },
	{ "7-UpdMech", "settings-service", S, EX_SETTINGS },
	{ "7-UpdMech", "settings-path", S, EX_NEVER },
	{ "7-UpdMech", "auto-update-field", S, EX_NEVER },
	{ "7-UpdMech", "notify-field", S, EX_NEVER },
	{ "7-UpdMech", "settings-on", S, EX_SETTINGS },
	{ "7-UpdMech", "settings-off", S, EX_SETTINGS },
	{ "7-UpdMech", "settings-write-body", S, EX_NEVER },
	{ "7-UpdMech", "settings-write-on", S, EX_SETTINGS_WRITE },
	{ "7-UpdMech", "settings-write-off", S, EX_SETTINGS_WRITE },
	{ "10-SecParam", "type", S, EX_ALWAYS },
	{ "10-SecParam", "hard-coded", B, EX_ALWAYS },
	{ "10-SecParam", "unique-per-device", B, EX_ALWAYS },
	{ "12-NetSecImpl", "impl-name", S, EX_NEVER },
	{ "12-NetSecImpl", "impl-version", S, EX_NEVER },
	{ "11-ComMech", "protocol", S, EX_ALWAYS },
	{ "11-ComMech", "security", S, EX_ALWAYS },
	{ "11-ComMech", "tls-versions", L, EX_TLS },
	{ "11-ComMech", "tls-suites", L, EX_TLS },
	{ "11-ComMech", "remote", B, EX_ALWAYS },
	{ "11-ComMech", "guarantees", L, EX_ALWAYS },
	{ "11-ComMech", "carries", L, EX_ALWAYS },
	{ "11-ComMech", "direction", S, EX_NEVER },
	{ "11-ComMech", "endpoint", S, EX_OUTBOUND },
	{ "11-ComMech", "reconnect", S, EX_NEVER },
	{ "11-ComMech", "reconnect-max-s", I, EX_NEVER },
	{ "13-SoftServ", "status", S, EX_ALWAYS },
	{ "13-SoftServ", "network", B, EX_ALWAYS },
	{ "13-SoftServ", "allows-configuration", B, EX_ALWAYS },
	{ "13-SoftServ", "config-topic", S, EX_NEVER },
	{ "13-SoftServ", "config-path", S, EX_NEVER },
	{ "13-SoftServ", "config-method", S, EX_CONFIG_PATH },
	{ "15-Intf", "kind", S, EX_ALWAYS },
	{ "15-Intf", "status", S, EX_ALWAYS },
	{ "15-Intf", "exposure", S, EX_ALWAYS },
	{ "15-Intf", "debug", B, EX_ALWAYS },
	{ "15-Intf", "discloses-security-relevant", B, EX_ALWAYS },
	{ "20-SecBoot", "verification", S, EX_ALWAYS },
	{ "20-SecBoot", "root-of-trust", S, EX_VERIFIED },
	{ "20-SecBoot", "on-failure", S, EX_VERIFIED },
	{ "20-SecBoot", "alerts", L, EX_ALWAYS },
	{ "20-SecBoot", "notify-network", B, EX_ALWAYS },
	{ "21-PersData", "sensitive", B, EX_ALWAYS },
	{ "21-PersData", "basis", S, EX_NEVER },
	{ "21-PersData", "consent", S, EX_NEVER },
	{ "21-PersData", "consent-before-processing", B, EX_NEVER },
	{ "21-PersData", "withdrawal", S, EX_NEVER },
	{ "21-PersData", "withdraw-path", S, EX_NEVER },
	{ "21-PersData", "withdraw-service", S, EX_NEVER },
	{ "21-PersData", "withdraw-method", S, EX_NEVER },
	{ "21-PersData", "withdraw-body", S, EX_NEVER },
	{ "21-PersData", "grant-body", S, EX_NEVER },
	{ "21-PersData", "processing-channel", S, EX_NEVER },
	{ "21-PersData", "processing-topic", S, EX_NEVER },
	{ "21-PersData", "withdraw-window-s", I, EX_NEVER },
	{ "21-PersData", "purposes", L, EX_NEVER },
	{ "22-ExtSens", "sensing", S, EX_ALWAYS },
	{ "23-ResMech", "outages", L, EX_ALWAYS },
	{ "23-ResMech", "local-operation", B, EX_NEVER },
	{ "23-ResMech", "local-service", S, EX_NEVER },
	{ "23-ResMech", "local-path", S, EX_NEVER },
	{ "23-ResMech", "local-expect", S, EX_NEVER },
	{ "23-ResMech", "after-power", S, EX_NEVER },
	{ "24-TelData", "personal-data", B, EX_ALWAYS },
	{ "24-TelData", "fields", L, EX_NEVER },
	{ "25-DelFunc", "target", S, EX_ALWAYS },
	{ "25-DelFunc", "erases", L, EX_NEVER },
	{ "25-DelFunc", "delete-service", S, EX_NEVER },
	{ "25-DelFunc", "delete-path", S, EX_NEVER },
	{ "25-DelFunc", "delete-method", S, EX_NEVER },
	{ "25-DelFunc", "delete-body", S, EX_NEVER },
	{ "25-DelFunc", "delete-confirmation", S, EX_NEVER },
	{ "25-DelFunc", "data-create-path", S, EX_NEVER },
	{ "25-DelFunc", "data-create-body", S, EX_NEVER },
	{ "25-DelFunc", "data-check-path", L, EX_NEVER },
	{ "26-UserDec", "security-relevant", B, EX_NEVER },
	{ "26-UserDec", "default-secure", B, EX_NEVER },
	{ "27-UserIntf", "input-path", S, EX_NEVER },
	{ "27-UserIntf", "input-method", S, EX_INPUT },
	{ "27-UserIntf", "input-fields", S, EX_INPUT },
	{ "27-UserIntf", "input-value", S, EX_INPUT },
	{ "27-UserIntf", "input-max", I, EX_NEVER },
	{ "28-ExtAPI", "input-path", S, EX_NEVER },
	{ "28-ExtAPI", "input-method", S, EX_INPUT },
	{ "28-ExtAPI", "input-fields", S, EX_INPUT },
	{ "28-ExtAPI", "input-value", S, EX_INPUT },
	{ "28-ExtAPI", "input-max", I, EX_NEVER },
};
#undef S
#undef B
#undef I
#undef L
#define NFACT_DEFS	(sizeof(fact_defs) / sizeof(fact_defs[0]))

static const struct fact_def *
fact_def(const char *item, const char *name)
{
	size_t i;

	for (i = 0; i < NFACT_DEFS; i++)
		if ((item == NULL || strcmp(fact_defs[i].item, item) == 0) &&
		    strcmp(fact_defs[i].name, name) == 0)
			return &fact_defs[i];
	return NULL;
}

enum assay_fact_type
assay_forms_fact_type(const char *name)
{
	const struct fact_def *fd;

	if (name == NULL || (fd = fact_def(NULL, name)) == NULL)
		return ASSAY_FACT_UNKNOWN;
	return fd->type;
}

/* Lists the facts item allows into buf for a helpful message. */
static void
fact_list(const char *item, char *buf, size_t len)
{
	size_t i, o = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < NFACT_DEFS && o < len; i++) {
		if (strcmp(fact_defs[i].item, item) != 0)
			continue;
		n = snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
		    fact_defs[i].name);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (o == 0)
		snprintf(buf, len, "none");
}

/*
 * Canonical form of a schema-valid value: whitespace collapsed (lists),
 * booleans as true/false, integers without sign or leading zeros.
 */
static char *
canonical_fact(const char *v, enum assay_fact_type t)
{
	long long x;
	char *s, *o;
	const char *p;
	char num[32];

	if (t == ASSAY_FACT_BOOL) {
		/* The schema allows "true", "false", "1", "0" with white space. */
		while (isspace((unsigned char)*v))
			v++;
		return strdup(*v == '1' || *v == 't' ? "true" : "false");
	}
	if (t == ASSAY_FACT_INT) {
		while (isspace((unsigned char)*v))
			v++;
		errno = 0;
		x = strtoll(v, NULL, 10);
		if (errno == 0) {
			snprintf(num, sizeof(num), "%lld", x);
			return strdup(num);
		}
	}
	if ((s = malloc(strlen(v) + 1)) == NULL)
		return NULL;
	for (p = v, o = s; *p != '\0'; p++) {
		if (isspace((unsigned char)*p)) {
			if (o > s && o[-1] != ' ')
				*o++ = ' ';
			continue;
		}
		*o++ = *p;
	}
	if (o > s && o[-1] == ' ')
		o--;
	*o = '\0';
	return s;
}

static const char *
entry_fact(const struct entry *e, const char *name)
{
	size_t j;

	for (j = 0; j < e->nfacts; j++)
		if (strcmp(e->facts[j].name, name) == 0)
			return e->facts[j].value;
	return NULL;
}

/* 1 if the space-separated list has the token. */
static int
list_has(const char *list, const char *tok)
{
	size_t n = strlen(tok);
	const char *p;

	if (list == NULL)
		return 0;
	for (p = list; (p = strstr(p, tok)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

static int
is_true(const char *v)
{
	return v != NULL && strcmp(v, "true") == 0;
}

/* Reads <facts>: each attribute must be a fact of this item. */
static int
entry_facts(struct entry *e, const char *item, xmlNodePtr fn,
    const char *file, struct assay_diag *d, int *bad)
{
	const struct fact_def *fd;
	struct fact *nf;
	xmlAttrPtr a;
	xmlChar *x;
	char list[1024];

	/*
	 * libxml2 gives an element the line where its start tag ends; a
	 * <facts> spans lines, so problems point at its <entry> instead.
	 */
	e->facts_line = e->line;
	for (a = fn->properties; a != NULL; a = a->next) {
		const char *name = (const char *)a->name;

		if (a->type != XML_ATTRIBUTE_NODE || a->ns != NULL)
			continue;
		if ((fd = fact_def(item, name)) == NULL) {
			fact_list(item, list, sizeof(list));
			assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
			    "fact %s is not one of item %s (%s allows: %s)",
			    e->id, name, item, item, list);
			*bad = 1;
			continue;
		}
		if ((nf = grow(e->facts, &e->afacts, e->nfacts,
		    sizeof(*nf))) == NULL)
			return ASSAY_ERR_ALLOC;
		e->facts = nf;
		if ((x = xmlNodeListGetString(fn->doc, a->children, 1)) == NULL)
			x = xmlStrdup((const xmlChar *)"");
		if (x == NULL)
			return ASSAY_ERR_ALLOC;
		nf[e->nfacts].name = strdup(name);
		nf[e->nfacts].value = canonical_fact((char *)x, fd->type);
		xmlFree(x);
		if (nf[e->nfacts].name == NULL || nf[e->nfacts].value == NULL) {
			free(nf[e->nfacts].name);
			free(nf[e->nfacts].value);
			return ASSAY_ERR_ALLOC;
		}
		e->nfacts++;
	}
	return 0;
}

/*
 * An outbound 11-ComMech channel's endpoint: only with
 * direction="outbound", a port in range, and a scheme that agrees with
 * the declared security (https, mqtts, coaps and tls are TLS/DTLS; http,
 * mqtt, coap and tcp are not).
 */
static void
check_endpoint(const struct entry *e, const char *file, struct assay_diag *d,
    int *bad)
{
	static const char *const secure[] = { "https", "mqtts", "coaps", "tls" };
	const char *ep = entry_fact(e, "endpoint");
	const char *dir = entry_fact(e, "direction");
	const char *sec = entry_fact(e, "security");
	const char *p, *colon;
	char scheme[8];
	long long port;
	size_t i, n;
	int tls;

	if (ep == NULL)
		return;
	if (dir == NULL || strcmp(dir, "outbound") != 0) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": endpoint "
		    "given, but direction is not \"outbound\" (an inbound "
		    "channel is reached through a <ref service>)", e->id);
		*bad = 1;
	}
	if ((p = strstr(ep, "://")) == NULL || (size_t)(p - ep) >= sizeof(scheme))
		return;	/* the schema's pattern holds */
	n = (size_t)(p - ep);
	memcpy(scheme, ep, n);
	scheme[n] = '\0';
	p += 3;
	if ((colon = strchr(p, ':')) != NULL) {
		char num[8];

		n = strspn(colon + 1, "0123456789");
		if (n == 0 || n >= sizeof(num))
			port = 0;
		else {
			memcpy(num, colon + 1, n);
			num[n] = '\0';
			port = strtoll(num, NULL, 10);
		}
		if (port < 1 || port > 65535) {
			assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
			    "endpoint \"%s\": port out of range 1..65535",
			    e->id, ep);
			*bad = 1;
		}
	}
	for (i = 0, tls = 0; i < sizeof(secure) / sizeof(secure[0]); i++)
		if (strcmp(scheme, secure[i]) == 0)
			tls = 1;
	if (sec != NULL && ((tls && strcmp(sec, "none") == 0) ||
	    (!tls && (strcmp(sec, "tls") == 0 || strcmp(sec, "dtls") == 0)))) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": endpoint "
		    "scheme \"%s\" contradicts security=\"%s\"", e->id, scheme,
		    sec);
		*bad = 1;
	}
}

/*
 * A form login (login-form-* facts): the facts that only make sense with a
 * form need its path; a form needs a body template carrying the password
 * (%p) and at least one way to tell success from failure, and the two must
 * differ.  Whether its services are HTTP(S) is checked once refs resolve
 * (check_form_services).
 */
static void
check_form(const struct entry *e, const char *file, struct assay_diag *d,
    int *bad)
{
	static const char *const dep[] = { "login-form-fields",
	    "login-success", "login-failure" };
	const char *path = entry_fact(e, "login-form-path");
	const char *tpl = entry_fact(e, "login-form-fields");
	const char *ok = entry_fact(e, "login-success");
	const char *no = entry_fact(e, "login-failure");
	const char *factor = entry_fact(e, "factor");
	long line = e->facts_line;
	size_t i;

	if (path == NULL) {
		for (i = 0; i < sizeof(dep) / sizeof(dep[0]); i++) {
			if (entry_fact(e, dep[i]) == NULL)
				continue;
			assay_diag_add(d, file, line, "entry \"%s\": %s given, "
			    "but no login-form-path (the form it belongs to)",
			    e->id, dep[i]);
			*bad = 1;
		}
		return;
	}
	if (factor != NULL && strcmp(factor, "password") != 0 &&
	    strcmp(factor, "pin") != 0) {
		assay_diag_add(d, file, line, "entry \"%s\": a form login "
		    "(login-form-path) is only for factor=\"password\" or "
		    "\"pin\", not \"%s\"", e->id, factor);
		*bad = 1;
	}
	for (i = 0; i < e->nrefs && !e->refs[i].service; i++)
		;
	if (i == e->nrefs) {
		assay_diag_add(d, file, line, "entry \"%s\": login-form-path "
		    "\"%s\" but no <ref service=...>: no HTTP(S) service to "
		    "post the form to", e->id, path);
		*bad = 1;
	}
	if (tpl == NULL) {
		assay_diag_add(d, file, line, "entry \"%s\": login-form-path "
		    "\"%s\" needs login-form-fields (the body template, e.g. "
		    "user=%%u&password=%%p)", e->id, path);
		*bad = 1;
	} else if (strstr(tpl, "%p") == NULL) {
		assay_diag_add(d, file, line, "entry \"%s\": login-form-fields "
		    "\"%s\" has no %%p: the password would never be sent",
		    e->id, tpl);
		*bad = 1;
	}
	if (ok == NULL && no == NULL) {
		assay_diag_add(d, file, line, "entry \"%s\": login-form-path "
		    "\"%s\" needs login-success or login-failure (how a "
		    "login is told apart)", e->id, path);
		*bad = 1;
	} else if (ok != NULL && no != NULL && strcmp(ok, no) == 0) {
		assay_diag_add(d, file, line, "entry \"%s\": login-success "
		    "and login-failure are the same (\"%s\"): success cannot "
		    "be told from failure", e->id, ok);
		*bad = 1;
	}
}

/*
 * A 1-AuthMech change API (5.1-4-2 changes the password through it): the
 * other change-api-* facts only with change-api-path, the path only with
 * a body, a body that says where the new value goes (%n; %o the old one,
 * %% a percent sign, nothing else), and not on a mechanism declared
 * change-supported="false".  That the path is on an HTTP(S) service is
 * checked with the references (check_change_api_service).
 */
static void
check_change_api(const struct entry *e, const char *file, struct assay_diag *d,
    int *bad)
{
	static const char *const dep[] = { "change-api-method",
	    "change-api-body", "change-api-success" };
	const char *path = entry_fact(e, "change-api-path");
	const char *body = entry_fact(e, "change-api-body");
	const char *cs = entry_fact(e, "change-supported");
	const char *p;
	size_t i;

	for (i = 0; i < sizeof(dep) / sizeof(dep[0]); i++) {
		if (path != NULL || entry_fact(e, dep[i]) == NULL)
			continue;
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": %s given "
		    "without change-api-path", e->id, dep[i]);
		*bad = 1;
	}
	if (path == NULL)
		return;
	if (cs != NULL && strcmp(cs, "false") == 0) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
		    "change-api-path given, but change-supported=\"false\"",
		    e->id);
		*bad = 1;
	}
	if (body == NULL) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
		    "change-api-path needs change-api-body (the request body, "
		    "with %%n where the new value goes)", e->id);
		*bad = 1;
		return;
	}
	for (p = body; (p = strchr(p, '%')) != NULL; p += 2) {
		if (p[1] == 'n' || p[1] == 'o' || p[1] == '%')
			continue;
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
		    "change-api-body: \"%%%c\" is none of %%n (the new value), "
		    "%%o (the old one) or %%%% (a percent sign)", e->id,
		    p[1] != '\0' ? p[1] : ' ');
		*bad = 1;
		break;
	}
	for (p = body; (p = strchr(p, '%')) != NULL; p += 2)
		if (p[1] == 'n')
			break;
	if (p == NULL) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
		    "change-api-body \"%s\" has no %%n: the new value would "
		    "not be sent", e->id, body);
		*bad = 1;
	}
}

/*
 * A 20-SecBoot entry whose facts cannot all be true: a reaction to a
 * failed verification when nothing is verified (5.7-1-1 would judge a
 * reaction that cannot happen), and network functions kept for an alert
 * that goes to nobody (5.7-2-1 b would judge them necessary for nothing).
 */
static void
check_secboot(const struct entry *e, const char *file, struct assay_diag *d,
    int *bad)
{
	const char *ver = entry_fact(e, "verification");
	const char *onf = entry_fact(e, "on-failure");
	const char *rot = entry_fact(e, "root-of-trust");
	const char *al = entry_fact(e, "alerts");

	if (ver != NULL && strcmp(ver, "none") == 0 &&
	    ((onf != NULL && strcmp(onf, "continue") != 0) ||
	    (rot != NULL && strcmp(rot, "none") != 0))) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
		    "verification=\"none\" with %s=\"%s\": nothing is "
		    "verified, so there is no failure to react to and nothing "
		    "anchored in a root of trust", e->id,
		    onf != NULL && strcmp(onf, "continue") != 0 ?
		    "on-failure" : "root-of-trust",
		    onf != NULL && strcmp(onf, "continue") != 0 ? onf : rot);
		*bad = 1;
	}
	if (is_true(entry_fact(e, "notify-network")) && al != NULL &&
	    strspn(al, " \t\r\n") == strlen(al)) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
		    "notify-network=\"true\" with an empty alerts list: "
		    "network functions kept for an alert that goes to nobody",
		    e->id);
		*bad = 1;
	}
}

/* Facts of one entry that contradict each other (docs/facts.md). */
/*
 * 21-PersData (clause 6): the consent facts describe processing that rests
 * on consent, so they are refused beside another legal basis (6-2 and 6-3
 * would otherwise test a consent the manufacturer says is not asked for);
 * withdrawal="none" beside a withdraw-path says two things at once.
 */
static void
check_consent(const struct entry *e, const char *file, struct assay_diag *d,
    int *bad)
{
	static const char *const cf[] = { "consent",
	    "consent-before-processing", "withdrawal", "withdraw-path",
	    "withdraw-service", "withdraw-method", "withdraw-body",
	    "grant-body", "processing-channel", "processing-topic",
	    "withdraw-window-s" };
	const char *basis = entry_fact(e, "basis");
	const char *wd = entry_fact(e, "withdrawal");
	long line = e->facts_line;
	size_t i;

	for (i = 0; i < sizeof(cf) / sizeof(cf[0]); i++) {
		if (entry_fact(e, cf[i]) == NULL ||
		    (basis != NULL && strcmp(basis, "consent") == 0))
			continue;
		assay_diag_add(d, file, line, "entry \"%s\": %s is only for "
		    "basis=\"consent\"%s%s%s", e->id, cf[i],
		    basis ? ", not \"" : " (no basis declared)",
		    basis ? basis : "", basis ? "\"" : "");
		*bad = 1;
	}
	if (wd != NULL && strcmp(wd, "none") == 0 &&
	    entry_fact(e, "withdraw-path") != NULL) {
		assay_diag_add(d, file, line, "entry \"%s\": withdraw-path "
		    "given, but withdrawal=\"none\"", e->id);
		*bad = 1;
	}
}

static void
check_facts(const struct entry *e, const char *item, const char *file,
    struct assay_diag *d, int *bad)
{
	static const char *const pw_facts[] = { "password-set-by",
	    "password-generation", "password-length", "password-alphabet" };
	static const struct {
		const char	*fact, *need1, *need2;
	} bf[] = {
		{ "brute-force-attempts", "lockout", "suspension" },
		{ "brute-force-delay-ms", "delay", NULL },
		{ "brute-force-suspension-s", "suspension", "lockout" },
		{ "brute-force-rate-per-min", "rate-limit", NULL },
	};
	const char *factor = entry_fact(e, "factor");
	const char *bfl = entry_fact(e, "brute-force");
	const char *setby = entry_fact(e, "password-set-by");
	const char *gen = entry_fact(e, "password-generation");
	const char *sec;
	long line = e->facts_line;
	size_t i;

	if (strcmp(item, "1-AuthMech") == 0) {
		for (i = 0; i < sizeof(pw_facts) / sizeof(pw_facts[0]); i++) {
			if (entry_fact(e, pw_facts[i]) == NULL ||
			    (factor != NULL && (strcmp(factor, "password") == 0 ||
			    strcmp(factor, "pin") == 0)))
				continue;
			if (factor == NULL)
				assay_diag_add(d, file, line, "entry \"%s\": %s "
				    "needs factor=\"password\" or \"pin\" (no "
				    "factor declared)", e->id, pw_facts[i]);
			else
				assay_diag_add(d, file, line, "entry \"%s\": %s "
				    "is only for factor=\"password\" or \"pin\", "
				    "not \"%s\"", e->id, pw_facts[i], factor);
			*bad = 1;
		}
		if (bfl != NULL && list_has(bfl, "none") &&
		    strcmp(bfl, "none") != 0) {
			assay_diag_add(d, file, line, "entry \"%s\": "
			    "brute-force=\"%s\": \"none\" cannot be combined "
			    "with other measures", e->id, bfl);
			*bad = 1;
		}
		for (i = 0; i < sizeof(bf) / sizeof(bf[0]); i++) {
			if (entry_fact(e, bf[i].fact) == NULL ||
			    list_has(bfl, bf[i].need1) ||
			    (bf[i].need2 != NULL && list_has(bfl, bf[i].need2)))
				continue;
			assay_diag_add(d, file, line, "entry \"%s\": %s given, "
			    "but brute-force does not list \"%s\"%s%s%s",
			    e->id, bf[i].fact, bf[i].need1,
			    bf[i].need2 ? " or \"" : "",
			    bf[i].need2 ? bf[i].need2 : "",
			    bf[i].need2 ? "\"" : "");
			*bad = 1;
		}
		check_form(e, file, d, bad);
		check_change_api(e, file, d, bad);
		if (setby != NULL && gen != NULL &&
		    (strcmp(setby, "user") == 0) !=
		    (strcmp(gen, "user-chosen") == 0)) {
			assay_diag_add(d, file, line, "entry \"%s\": "
			    "password-set-by=\"%s\" contradicts "
			    "password-generation=\"%s\" (user-chosen goes with "
			    "user, and only with it)", e->id, setby, gen);
			*bad = 1;
		}
	}
	if (strcmp(item, "13-SoftServ") == 0 &&
	    (sec = entry_fact(e, "status")) != NULL &&
	    strcmp(sec, "permanently-disabled") == 0) {
		assay_diag_add(d, file, line, "entry \"%s\": status "
		    "\"permanently-disabled\" is for 15-Intf; a software "
		    "service is \"enabled\" or \"disabled\"", e->id);
		*bad = 1;
	}
	/* 5.5-2-2 compares the two together: one alone identifies nothing. */
	if (strcmp(item, "12-NetSecImpl") == 0 &&
	    (entry_fact(e, "impl-name") == NULL) !=
	    (entry_fact(e, "impl-version") == NULL)) {
		assay_diag_add(d, file, line, "entry \"%s\": impl-name and "
		    "impl-version go together (the implementation the review "
		    "identifies: its name and its version)", e->id);
		*bad = 1;
	}
	if (strcmp(item, "20-SecBoot") == 0)
		check_secboot(e, file, d, bad);
	if (strcmp(item, "11-ComMech") == 0)
		check_endpoint(e, file, d, bad);
	if (strcmp(item, "21-PersData") == 0)
		check_consent(e, file, d, bad);
	if (strcmp(item, "11-ComMech") == 0 &&
	    (sec = entry_fact(e, "security")) != NULL &&
	    strcmp(sec, "none") == 0) {
		for (i = 0; i < 2; i++) {
			const char *t = i ? "tls-suites" : "tls-versions";

			if (entry_fact(e, t) == NULL)
				continue;
			assay_diag_add(d, file, line, "entry \"%s\": %s given, "
			    "but security=\"none\"", e->id, t);
			*bad = 1;
		}
	}
}

/* 1 if `assay check` expects fd's fact on entry e (table in docs/facts.md). */
static int
fact_expected(const struct fact_def *fd, const struct entry *e)
{
	const char *v;

	switch (fd->expect) {
	case EX_ALWAYS:
		return 1;
	case EX_ITEM:
		return 0;
	case EX_PASSWORD:
		v = entry_fact(e, "factor");
		return v != NULL && (strcmp(v, "password") == 0 ||
		    strcmp(v, "pin") == 0);
	case EX_GENERATED:
	case EX_DRAWN:
		v = entry_fact(e, "password-set-by");
		if (v == NULL || strncmp(v, "pre-installed", 13) != 0)
			return 0;
		v = entry_fact(e, "password-generation");
		return fd->expect == EX_GENERATED || v == NULL ||
		    strcmp(v, "fixed") != 0;
	case EX_NETWORK:
		return is_true(entry_fact(e, "network"));
	case EX_BF_ATTEMPTS:
	case EX_BF_SUSPENSION:
		v = entry_fact(e, "brute-force");
		return list_has(v, "lockout") || list_has(v, "suspension");
	case EX_BF_DELAY:
		return list_has(entry_fact(e, "brute-force"), "delay");
	case EX_BF_RATE:
		return list_has(entry_fact(e, "brute-force"), "rate-limit");
	case EX_AUTOMATIC:
		return is_true(entry_fact(e, "automatic"));
	case EX_TLS:
		v = entry_fact(e, "security");
		return v != NULL && (strcmp(v, "tls") == 0 ||
		    strcmp(v, "dtls") == 0);
	case EX_NEVER:
		return 0;
	case EX_OUTBOUND:
		v = entry_fact(e, "direction");
		return v != NULL && strcmp(v, "outbound") == 0;
	case EX_FORM:
		return entry_fact(e, "login-form-path") != NULL;
	case EX_CONFIG_PATH:
		return entry_fact(e, "config-path") != NULL;
	case EX_SETTINGS:
		return entry_fact(e, "settings-path") != NULL;
	case EX_SETTINGS_WRITE:
		return entry_fact(e, "settings-write-body") != NULL;
	case EX_INPUT:
		return entry_fact(e, "input-path") != NULL;
	case EX_VERIFIED:
		v = entry_fact(e, "verification");
		return v != NULL && strcmp(v, "none") != 0;
	}
	return 0;
}

/*
 * Warns, once per entry, about facts the table lists for the item that
 * the entry leaves out: test cases keying on them will be INCONCLUSIVE.
 */
static void
warn_missing_facts(const struct assay_forms *f, const char *file,
    struct assay_diag *d)
{
	const struct assay_spec *s = f->spec;
	size_t i, k, j, ni = assay_spec_nixit(s), o;
	char list[1024];
	int n;

	for (i = 0; i < ni; i++) {
		const char *item = assay_spec_ixit_id(s, i);
		const struct item *it = &f->items[i];

		for (k = 0; k < it->nentries; k++) {
			const struct entry *e = &it->entries[k];

			list[0] = '\0';
			for (j = 0, o = 0; j < NFACT_DEFS; j++) {
				const struct fact_def *fd = &fact_defs[j];

				if (strcmp(fd->item, item) != 0 ||
				    entry_fact(e, fd->name) != NULL ||
				    !fact_expected(fd, e) || o >= sizeof(list))
					continue;
				n = snprintf(list + o, sizeof(list) - o, "%s%s",
				    o ? ", " : "", fd->name);
				if (n > 0)
					o += (size_t)n;
			}
			if (list[0] != '\0')
				assay_diag_warn(d, file, e->facts_line, "entry "
				    "\"%s\": no fact %s (test cases that key on "
				    "it will be INCONCLUSIVE)", e->id, list);
		}
		/* Item-level facts: one entry of the item is enough. */
		for (j = 0; j < NFACT_DEFS && it->nentries > 0; j++) {
			const struct fact_def *fd = &fact_defs[j];

			if (strcmp(fd->item, item) != 0 || fd->expect != EX_ITEM)
				continue;
			for (k = 0; k < it->nentries; k++)
				if (entry_fact(&it->entries[k], fd->name) != NULL)
					break;
			if (k == it->nentries)
				assay_diag_warn(d, file, it->line, "item %s: no "
				    "entry declares fact %s (test cases that "
				    "key on it will be INCONCLUSIVE)", item,
				    fd->name);
		}
	}
}

/*
 * An IXIT of version 1 is refused, with one message per thing that
 * changed, so the lab can convert it by hand.
 */
static int
ixit_v1(xmlDocPtr doc, const char *file, struct assay_diag *d)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n, sv;
	xmlChar *ver = xmlGetNoNsProp(root, (const xmlChar *)"version");
	int v1;

	v1 = (root->ns != NULL && xmlStrcmp(root->ns->href,
	    (const xmlChar *)IXIT_NS_V1) == 0) ||
	    (ver != NULL && xmlStrcmp(ver, (const xmlChar *)"1") == 0);
	xmlFree(ver);
	if (!v1)
		return 0;
	assay_diag_add(d, file, line_of(root), "this is an IXIT of version 1, "
	    "which Assay no longer reads: version 2 starts <ixit xmlns=\""
	    IXIT_NS "\" version=\"2\"> (ixit/README.md, docs/facts.md)");
	for (n = root->children; n != NULL; n = n->next) {
		if (is_elem(n, "device-under-test"))
			assay_diag_add(d, file, line_of(n), "version 2: "
			    "<device-under-test> is gone from the IXIT: the "
			    "addresses and the budget go into the lab set-up "
			    "file (setup/template.xml, `assay run --setup "
			    "FILE`)");
		else if (is_elem(n, "credentials"))
			assay_diag_add(d, file, line_of(n), "version 2: "
			    "<credentials> are gone from the IXIT: lab "
			    "credentials go into the lab set-up file, each with "
			    "origin=\"pre-installed\", \"user-set\" or \"lab\"");
		else if (is_elem(n, "services")) {
			for (sv = n->children; sv != NULL; sv = sv->next) {
				xmlChar *a, *id;

				if (!is_elem(sv, "service") ||
				    (a = xmlGetNoNsProp(sv,
				    (const xmlChar *)"address")) == NULL)
					continue;
				id = xmlGetNoNsProp(sv, (const xmlChar *)"id");
				assay_diag_add(d, file, line_of(sv), "version 2: "
				    "service \"%s\": the address attribute is "
				    "gone: write <service-address service=\"%s\">"
				    "%s</service-address> in the lab set-up "
				    "file", id ? (char *)id : "?",
				    id ? (char *)id : "?", (char *)a);
				xmlFree(a);
				xmlFree(id);
			}
		} else if (is_elem(n, "items"))
			assay_diag_add(d, file, line_of(n), "version 2: each "
			    "<entry> may start with a <facts> element that "
			    "declares typed facts (factor, password-set-by, "
			    "security, status, ...: docs/facts.md); test cases "
			    "key on those, the free-text <field>s stay as they "
			    "are");
	}
	return ASSAY_ERR_FORM;
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
	int ok = 1, r;

	if ((ne = grow(item->entries, &item->aentries, item->nentries,
	    sizeof(*ne))) == NULL)
		return ASSAY_ERR_ALLOC;
	item->entries = ne;
	e = &ne[item->nentries];
	memset(e, 0, sizeof(*e));
	e->line = line_of(en);
	e->facts_line = e->line;
	if ((e->id = attr(en, "id", &ok)) == NULL)
		return ASSAY_ERR_ALLOC;
	item->nentries++;

	for (n = en->children; n != NULL; n = n->next) {
		if (is_elem(n, "facts")) {
			if ((r = entry_facts(e, assay_spec_ixit_id(s, it), n,
			    file, d, bad)) != 0)
				return r;
		} else if (is_elem(n, "field")) {
			struct field *fl, *nf;
			char *sec;

			if ((nf = grow(e->fields, &e->afields, e->nfields,
			    sizeof(*nf))) == NULL)
				return ASSAY_ERR_ALLOC;
			e->fields = nf;
			fl = &nf[e->nfields];
			memset(fl, 0, sizeof(*fl));
			sec = attr(n, "secret", &ok);
			fl->secret = is_secret_attr(sec);
			free(sec);
			fl->name = attr(n, "name", &ok);
			fl->value = text_of(n, fl->secret);
			if (!ok || fl->name == NULL || fl->value == NULL) {
				free(fl->name);
				free_secret(fl->value);
				return ASSAY_ERR_ALLOC;
			}
			e->nfields++;
			if (fl->secret) {
				char what[160];

				snprintf(what, sizeof(what), "field \"%s\"",
				    fl->name);
				if (add_secret(f, fl->value, file, line_of(n),
				    what, d) != 0)
					return ASSAY_ERR_ALLOC;
			}
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
	check_facts(e, assay_spec_ixit_id(s, it), file, d, bad);
	return 0;
}

/* 1 if v is 1..max characters of [A-Za-z0-9_.-] (a JSON member or value). */
static int
settings_token(const char *v, size_t max)
{
	size_t n = strlen(v);

	return n > 0 && n <= max && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

/*
 * A 7-UpdMech entry's settings interface (docs/facts.md): 5.3-6-2 reads
 * and writes the device's update settings through it, so what it names
 * must exist and be unambiguous before anything touches the device: a
 * declared HTTP(S) service, an absolute path, at least one field, two
 * different values meaning on and off, and a write template with %k and
 * %v once each and two different values to write.
 */
static void
check_settings(const struct assay_forms *f, const struct entry *e,
    const char *file, struct assay_diag *d, int *bad)
{
	static const char *const toks[] = { "auto-update-field",
	    "notify-field", "settings-on", "settings-off",
	    "settings-write-on", "settings-write-off" };
	const char *svc = entry_fact(e, "settings-service");
	const char *path = entry_fact(e, "settings-path");
	const char *body = entry_fact(e, "settings-write-body");
	const char *on = entry_fact(e, "settings-on");
	const char *off = entry_fact(e, "settings-off");
	const char *won = entry_fact(e, "settings-write-on");
	const char *woff = entry_fact(e, "settings-write-off");
	const char *v, *p;
	long line = e->facts_line, si;
	size_t i;
	int nk, nv, other;

	for (i = 0; i < sizeof(toks) / sizeof(toks[0]); i++) {
		if ((v = entry_fact(e, toks[i])) == NULL)
			continue;
		if (path == NULL) {
			assay_diag_add(d, file, line, "entry \"%s\": %s given, "
			    "but no settings-path to read it at", e->id,
			    toks[i]);
			*bad = 1;
		} else if (!settings_token(v, 64)) {
			assay_diag_add(d, file, line, "entry \"%s\": %s=\"%.80s\" "
			    "is not 1..64 characters of A-Z a-z 0-9 _ . -",
			    e->id, toks[i], v);
			*bad = 1;
		}
	}
	if ((svc == NULL) != (path == NULL)) {
		assay_diag_add(d, file, line, "entry \"%s\": settings-service "
		    "and settings-path go together (the interface is a path on "
		    "a declared HTTP(S) service)", e->id);
		*bad = 1;
	}
	if (svc != NULL) {
		if ((si = find_service(f, svc)) < 0) {
			assay_diag_add(d, file, line, "entry \"%s\": "
			    "settings-service \"%s\" is not a declared service",
			    e->id, svc);
			*bad = 1;
		} else if (!proto_in(f->services[si].protocol, web_protos)) {
			assay_diag_add(d, file, line, "entry \"%s\": "
			    "settings-service \"%s\" speaks %s, not http or "
			    "https", e->id, svc, f->services[si].protocol);
			*bad = 1;
		}
	}
	if (path != NULL && (path[0] != '/' || strlen(path) > 256 ||
	    strpbrk(path, " \t\r\n\"<>\\#") != NULL)) {
		assay_diag_add(d, file, line, "entry \"%s\": settings-path "
		    "\"%.80s\" is not an absolute path of at most 256 characters "
		    "without spaces, quotes or a fragment", e->id, path);
		*bad = 1;
	}
	if (path != NULL && entry_fact(e, "auto-update-field") == NULL &&
	    entry_fact(e, "notify-field") == NULL) {
		assay_diag_add(d, file, line, "entry \"%s\": settings-path "
		    "without auto-update-field or notify-field (nothing to "
		    "read there)", e->id);
		*bad = 1;
	}
	if (path != NULL && (on == NULL || off == NULL)) {
		assay_diag_add(d, file, line, "entry \"%s\": settings-path "
		    "needs settings-on and settings-off (the values that mean "
		    "on and off)", e->id);
		*bad = 1;
	}
	if (body != NULL && (won == NULL || woff == NULL)) {
		assay_diag_add(d, file, line, "entry \"%s\": settings-write-"
		    "body needs settings-write-on and settings-write-off", e->id);
		*bad = 1;
	}
	if (on != NULL && off != NULL && strcmp(on, off) == 0) {
		assay_diag_add(d, file, line, "entry \"%s\": settings-on and "
		    "settings-off are both \"%s\": on could not be told from "
		    "off", e->id, on);
		*bad = 1;
	}
	if (won != NULL && woff != NULL && strcmp(won, woff) == 0) {
		assay_diag_add(d, file, line, "entry \"%s\": settings-write-on "
		    "and settings-write-off are both \"%s\"", e->id, won);
		*bad = 1;
	}
	if ((won != NULL || woff != NULL) && body == NULL) {
		assay_diag_add(d, file, line, "entry \"%s\": settings-write-on/"
		    "-off given, but no settings-write-body", e->id);
		*bad = 1;
	}
	if (body == NULL)
		return;
	if (path == NULL) {
		assay_diag_add(d, file, line, "entry \"%s\": settings-write-body "
		    "given, but no settings-path to send it to", e->id);
		*bad = 1;
	}
	for (p = body, nk = nv = other = 0; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		if (p[1] == 'k')
			nk++;
		else if (p[1] == 'v')
			nv++;
		else
			other++;
		if (p[1] != '\0')
			p++;
	}
	if (nk != 1 || nv != 1 || other != 0 || strlen(body) > 256 ||
	    strpbrk(body, "\r\n") != NULL) {
		assay_diag_add(d, file, line, "entry \"%s\": settings-write-body "
		    "\"%.80s\" must hold %%k and %%v once each, no other %%, "
		    "on one line of at most 256 characters", e->id, body);
		*bad = 1;
	}
}

static int
ixit_load(struct assay_forms *f, xmlDocPtr doc, const char *file,
    struct assay_diag *d)
{
	const struct assay_spec *s = f->spec;
	xmlNodePtr root = xmlDocGetRootElement(doc), n, sec, items;
	size_t ni = assay_spec_nixit(s), i, k, j, nidx;
	struct entry_ref *idx = NULL;
	long long v;
	long um;
	int ok = 1, bad = 0, r = 0;

	if ((f->items = calloc(ni ? ni : 1, sizeof(*f->items))) == NULL)
		return ASSAY_ERR_ALLOC;

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

			if (strcmp(assay_spec_ixit_id(s, i), "1-AuthMech") == 0)
				check_change_api_service(f, e, file, d, &bad);
			for (j = 0; j < e->nrefs; j++) {
				struct ref *rf = &e->refs[j];
				const struct entry_ref *t;

				if (rf->service) {
					long si;

					if ((si = find_service(f, rf->target)) < 0) {
						assay_diag_add(d, file,
						    rf->line, "entry \"%s\": "
						    "ref to service \"%s\", "
						    "which does not exist",
						    e->id, rf->target);
						bad = 1;
					} else if (entry_fact(e,
					    "login-form-path") != NULL &&
					    !proto_in(f->services[si].protocol,
					    web_protos)) {
						/* A form is posted over HTTP(S). */
						assay_diag_add(d, file,
						    rf->line, "entry \"%s\": "
						    "login-form-path on service "
						    "\"%s\", whose protocol is "
						    "\"%s\", not http or https",
						    e->id, rf->target,
						    f->services[si].protocol);
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
	for (i = 0; i < ni; i++) {
		if (strcmp(assay_spec_ixit_id(s, i), "13-SoftServ") != 0)
			continue;
		for (k = 0; k < f->items[i].nentries; k++)
			check_write_endpoint(f, &f->items[i].entries[k], file,
			    d, &bad);
	}
	for (i = 0; i < ni; i++) {
		if (strcmp(assay_spec_ixit_id(s, i), "27-UserIntf") != 0 &&
		    strcmp(assay_spec_ixit_id(s, i), "28-ExtAPI") != 0)
			continue;
		for (k = 0; k < f->items[i].nentries; k++)
			check_input(f, &f->items[i].entries[k], file, d, &bad);
	}
	/* The settings interface names a service: checked once all are read. */
	if ((um = assay_spec_ixit_find(s, "7-UpdMech")) >= 0)
		for (k = 0; k < f->items[um].nentries; k++)
			check_settings(f, &f->items[um].entries[k], file, d,
			    &bad);
	/* So does a consent withdrawal, and the channel it stops (6-3-2). */
	if ((um = assay_spec_ixit_find(s, "21-PersData")) >= 0)
		for (k = 0; k < f->items[um].nentries; k++)
			check_withdraw(f, s, &f->items[um].entries[k], file, d,
			    &bad);
	/* A deletion function's interface names a service too. */
	if ((um = assay_spec_ixit_find(s, "25-DelFunc")) >= 0)
		for (k = 0; k < f->items[um].nentries; k++)
			check_delfunc(f, &f->items[um].entries[k], file, d,
			    &bad);
	if (!bad)
		warn_missing_facts(f, file, d);
	return bad ? ASSAY_ERR_FORM : 0;
}

/*
 * The write endpoint of a 13-SoftServ function (config-topic,
 * config-path, config-method; docs/facts.md): Assay writes to it, so it
 * must name one place.  A topic is a name without the wildcards + and #
 * (a PUBLISH to a filter is no PUBLISH), on an MQTT service the entry
 * refers to; a path is absolute, without a query or fragment, on a CoAP
 * or HTTP service it refers to; a method goes with a path.
 */
static void
check_write_endpoint(const struct assay_forms *f, const struct entry *e,
    const char *file, struct assay_diag *d, int *bad)
{
	const char *topic = entry_fact(e, "config-topic");
	const char *path = entry_fact(e, "config-path");
	const char *method = entry_fact(e, "config-method");
	static const char *const mqtt_protos[] = { "mqtt", "mqtts", NULL };
	static const char *const path_protos[] = { "coap", "coaps", "http",
	    "https", NULL };
	int mqtt, web;

	if (topic == NULL && path == NULL && method == NULL)
		return;
	mqtt = refers_to(f, e, mqtt_protos);
	web = refers_to(f, e, path_protos);
	if (topic != NULL) {
		if (*topic == '\0' || strpbrk(topic, "+#") != NULL ||
		    strlen(topic) > 1024) {
			assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
			    "config-topic \"%.80s\" must be one topic name of "
			    "1..1024 bytes, without the wildcards + and #",
			    e->id, topic);
			*bad = 1;
		}
		if (!mqtt) {
			assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
			    "config-topic given, but the entry refers to no "
			    "MQTT service (<ref service>, protocol mqtt or "
			    "mqtts)", e->id);
			*bad = 1;
		}
	}
	if (path != NULL) {
		if (path[0] != '/' || strpbrk(path, "?# \t") != NULL ||
		    strlen(path) > 1024) {
			assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
			    "config-path \"%.80s\" must be an absolute path of "
			    "at most 1024 bytes without a query or fragment",
			    e->id, path);
			*bad = 1;
		}
		if (!web) {
			assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
			    "config-path given, but the entry refers to no CoAP "
			    "or HTTP service (<ref service>, protocol coap, "
			    "coaps, http or https)", e->id);
			*bad = 1;
		}
	}
	if (method != NULL && path == NULL) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
		    "config-method given without config-path", e->id);
		*bad = 1;
	}
}

/*
 * A declared input (27-UserIntf, 28-ExtAPI: input-path, input-method,
 * input-fields, input-value, input-max; docs/facts.md) is where 5.13-1-2
 * sends its malformed values, so it must name one request Assay can make:
 * an absolute path on an HTTP(S) or CoAP service the entry refers to,
 * a method, and for HTTP a form template with %v where the value goes.
 * input-value is the valid value Assay sends first (the control) and
 * last (the restore): without it nothing could be put back.
 */
static void
check_input(const struct assay_forms *f, const struct entry *e,
    const char *file, struct assay_diag *d, int *bad)
{
	const char *path = entry_fact(e, "input-path");
	const char *method = entry_fact(e, "input-method");
	const char *fields = entry_fact(e, "input-fields");
	const char *value = entry_fact(e, "input-value");
	static const char *const coap_protos[] = { "coap", "coaps", NULL };
	int web, coap;

	if (path == NULL) {
		if (method != NULL || fields != NULL || value != NULL ||
		    entry_fact(e, "input-max") != NULL) {
			assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
			    "input-method, input-fields, input-value or "
			    "input-max given without input-path", e->id);
			*bad = 1;
		}
		return;
	}
	web = refers_to(f, e, web_protos);
	coap = refers_to(f, e, coap_protos);
	if (path[0] != '/' || strpbrk(path, "?# \t") != NULL ||
	    strlen(path) > 1024) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
		    "input-path \"%.80s\" must be an absolute path of at most "
		    "1024 bytes without a query or fragment", e->id, path);
		*bad = 1;
	}
	if (!web && !coap) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
		    "input-path given, but the entry refers to no HTTP or CoAP "
		    "service (<ref service>, protocol http, https, coap or "
		    "coaps)", e->id);
		*bad = 1;
	}
	if (web && (fields == NULL || strstr(fields, "%v") == NULL ||
	    strpbrk(fields, " \t\r\n") != NULL)) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
		    "an HTTP input needs input-fields, an URL-encoded form "
		    "template with %%v where the value goes", e->id);
		*bad = 1;
	}
	if (coap && !web && fields != NULL) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
		    "input-fields given on a CoAP input (its value is the "
		    "payload)", e->id);
		*bad = 1;
	}
	if (value == NULL || strpbrk(value, "\r\n") != NULL) {
		assay_diag_add(d, file, e->facts_line, "entry \"%s\": "
		    "input-path needs input-value, one line: the valid value "
		    "sent first and written back last", e->id);
		*bad = 1;
	}
}

/* --- lab set-up file --------------------------------------------------- */

const char *
assay_forms_artefact_kind_name(enum assay_artefact_kind k)
{
	switch (k) {
	case ASSAY_ARTEFACT_CAPTURE:
		return "capture";
	case ASSAY_ARTEFACT_FIRMWARE:
		return "firmware";
	case ASSAY_ARTEFACT_NMAP:
		return "nmap";
	case ASSAY_ARTEFACT_TESTSSL:
		return "testssl";
	case ASSAY_ARTEFACT_SSLSCAN:
		return "sslscan";
	}
	return "?";
}

/* The element of <artefacts> naming kind k, or -1 when n is none. */
static int
artefact_elem_kind(xmlNodePtr n)
{
	static const enum assay_artefact_kind kinds[] = {
		ASSAY_ARTEFACT_CAPTURE, ASSAY_ARTEFACT_FIRMWARE,
		ASSAY_ARTEFACT_NMAP, ASSAY_ARTEFACT_TESTSSL,
		ASSAY_ARTEFACT_SSLSCAN
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (is_elem(n, assay_forms_artefact_kind_name(kinds[i])))
			return (int)kinds[i];
	return -1;
}

/*
 * Checks one declared artefact file the way its probe will open it (a
 * regular file, never a FIFO or device: opened O_NONBLOCK so a FIFO
 * cannot hang the loader; within the probe's size cap), and hashes it.
 * Problems go to d as file:line; returns 0, ASSAY_ERR_FORM or
 * ASSAY_ERR_ALLOC.
 */
static int
artefact_check(struct artefact *a, const char *setup_file, const char *want,
    struct assay_diag *d)
{
	const char *what = assay_forms_artefact_kind_name(a->kind);
	unsigned long long cap = a->kind == ASSAY_ARTEFACT_CAPTURE ?
	    ASSAY_FORMS_MAX_CAPTURE : a->kind == ASSAY_ARTEFACT_FIRMWARE ?
	    ASSAY_FORMS_MAX_FIRMWARE : ASSAY_FORMS_MAX_IMPORT;
	unsigned char md[ASSAY_SHA256_LEN];
	char joined[ASSAY_PATH_MAX], dir[ASSAY_PATH_MAX], *slash;
	struct stat st;
	int fd, e;

	/* Relative to the set-up file's directory, as a person reads it. */
	if (a->file[0] == '/')
		e = assay_path_fmt(joined, sizeof(joined), "%s", a->file);
	else {
		e = assay_path_fmt(dir, sizeof(dir), "%s", setup_file);
		if (e == 0) {
			if ((slash = strrchr(dir, '/')) != NULL)
				slash[1] = '\0';
			else
				dir[0] = '\0';
			e = assay_path_join(joined, sizeof(joined), dir,
			    a->file);
		}
	}
	if (e != 0) {
		assay_diag_add(d, setup_file, a->line, "%s \"%s\": path too "
		    "long", what, a->id);
		return ASSAY_ERR_FORM;
	}
	if ((a->path = realpath(joined, NULL)) == NULL) {
		if (errno == ENOMEM)
			return ASSAY_ERR_ALLOC;
		assay_diag_add(d, setup_file, a->line, "%s \"%s\": %s: %s",
		    what, a->id, joined, strerror(errno));
		return ASSAY_ERR_FORM;
	}
	if ((fd = open(a->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		assay_diag_add(d, setup_file, a->line, "%s \"%s\": %s: cannot "
		    "open: %s", what, a->id, joined, strerror(errno));
		return ASSAY_ERR_FORM;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		assay_diag_add(d, setup_file, a->line, "%s \"%s\": %s: not a "
		    "regular file (a directory, FIFO or device is never read)",
		    what, a->id, joined);
		close(fd);
		return ASSAY_ERR_FORM;
	}
	if ((unsigned long long)st.st_size > cap) {
		assay_diag_add(d, setup_file, a->line, "%s \"%s\": %s: %lld "
		    "bytes, more than the %llu-byte cap of the %s probe", what,
		    a->id, joined, (long long)st.st_size, cap, what);
		close(fd);
		return ASSAY_ERR_FORM;
	}
	a->size = (unsigned long long)st.st_size;
	e = assay_file_sha256_fd(fd, md);
	close(fd);
	if (e != 0) {
		assay_diag_add(d, setup_file, a->line, "%s \"%s\": %s: cannot "
		    "read: %s", what, a->id, joined, assay_strerror(e));
		return ASSAY_ERR_FORM;
	}
	assay_hex_encode(md, sizeof(md), a->sha256);
	if (want != NULL && strcasecmp(want, a->sha256) != 0) {
		assay_diag_add(d, setup_file, a->line, "%s \"%s\": %s: sha256 "
		    "is %s, the set-up file declares %s", what, a->id, joined,
		    a->sha256, want);
		return ASSAY_ERR_FORM;
	}
	return 0;
}

/*
 * Reads <artefacts> (sec may be NULL): ids unique across both kinds,
 * each file checked and hashed.  Returns 0, ASSAY_ERR_FORM (problems in
 * d) or ASSAY_ERR_ALLOC.
 */
static int
setup_artefacts(struct assay_forms *f, xmlNodePtr sec, const char *file,
    struct assay_diag *d)
{
	struct artefact *a, *na;
	xmlNodePtr n;
	char *want;
	size_t k;
	int ok = 1, bad = 0, r, ek;

	if (sec == NULL)
		return 0;
	for (n = sec->children; n != NULL; n = n->next) {
		if ((ek = artefact_elem_kind(n)) < 0)
			continue;
		if (f->narts == MAX_ARTEFACTS) {
			assay_diag_add(d, file, line_of(n), "more than %d "
			    "artefacts", MAX_ARTEFACTS);
			return ASSAY_ERR_FORM;
		}
		if ((na = grow(f->arts, &f->aarts, f->narts,
		    sizeof(*na))) == NULL)
			return ASSAY_ERR_ALLOC;
		f->arts = na;
		a = &na[f->narts];
		memset(a, 0, sizeof(*a));
		a->kind = (enum assay_artefact_kind)ek;
		a->line = line_of(n);
		a->id = attr(n, "id", &ok);
		a->file = attr(n, "file", &ok);
		want = attr(n, "sha256", &ok);
		f->narts++;
		if (!ok || a->id == NULL || a->file == NULL) {
			free(want);
			return ASSAY_ERR_ALLOC;
		}
		for (k = 0; k + 1 < f->narts; k++) {
			if (strcmp(f->arts[k].id, a->id) == 0) {
				assay_diag_add(d, file, a->line, "duplicate "
				    "artefact id \"%s\" (first at line %ld)",
				    a->id, f->arts[k].line);
				bad = 1;
				break;
			}
		}
		if (f->recorded) {
			/* Checked when the run started; the lab may have moved it. */
			if (want != NULL)
				(void)snprintf(a->sha256, sizeof(a->sha256),
				    "%s", want);
			r = (a->path = strdup(a->file)) == NULL ?
			    ASSAY_ERR_ALLOC : 0;
		} else
			r = artefact_check(a, file, want, d);
		free(want);
		if (r == ASSAY_ERR_FORM)
			bad = 1;
		else if (r != 0)
			return r;
	}
	return bad ? ASSAY_ERR_FORM : 0;
}

/* --- lab set-up: the device as a client ------------------------------- */

/*
 * Resolves a <client-side> path (relative to the set-up file's directory,
 * as a person reads it) with realpath(); a malloc'd absolute path, or
 * NULL with a problem at line (or on allocation failure, *err set).
 */
static char *
cs_resolve(const char *setup_file, long line, const char *what,
    const char *file, struct assay_diag *d, int *err)
{
	char joined[ASSAY_PATH_MAX], dir[ASSAY_PATH_MAX], *slash, *p;
	int e;

	if (file[0] == '/')
		e = assay_path_fmt(joined, sizeof(joined), "%s", file);
	else {
		e = assay_path_fmt(dir, sizeof(dir), "%s", setup_file);
		if (e == 0) {
			if ((slash = strrchr(dir, '/')) != NULL)
				slash[1] = '\0';
			else
				dir[0] = '\0';
			e = assay_path_join(joined, sizeof(joined), dir, file);
		}
	}
	if (e != 0) {
		assay_diag_add(d, setup_file, line, "%s: path too long", what);
		return NULL;
	}
	if ((p = realpath(joined, NULL)) == NULL) {
		if (errno == ENOMEM)
			*err = ASSAY_ERR_ALLOC;
		else
			assay_diag_add(d, setup_file, line, "%s: %s: %s", what,
			    joined, strerror(errno));
	}
	return p;
}

/* Remembers a resolved file or directory for the client-side hash. */
static int
cs_remember(struct assay_forms *f, const char *path)
{
	char **v;

	if ((v = grow(f->cs_files, &f->acs_files, f->ncs_files,
	    sizeof(*v))) == NULL)
		return ASSAY_ERR_ALLOC;
	f->cs_files = v;
	if ((v[f->ncs_files] = strdup(path)) == NULL)
		return ASSAY_ERR_ALLOC;
	f->ncs_files++;
	return 0;
}

/*
 * Reads a PEM file of at most MAX_PEM_BYTES: a certificate (want_key 0)
 * or a private key.  Returns the object or NULL with a problem at line.
 */
static void *
cs_pem(const char *path, int want_key, const char *setup_file, long line,
    const char *what, struct assay_diag *d)
{
	struct stat st;
	void *obj = NULL;
	BIO *bio;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		assay_diag_add(d, setup_file, line, "%s: %s: cannot open: %s",
		    what, path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > MAX_PEM_BYTES) {
		assay_diag_add(d, setup_file, line, "%s: %s: not a regular file "
		    "of at most %d bytes", what, path, MAX_PEM_BYTES);
		close(fd);
		return NULL;
	}
	close(fd);
	if ((bio = BIO_new_file(path, "r")) != NULL) {
		obj = want_key ? (void *)PEM_read_bio_PrivateKey(bio, NULL,
		    NULL, NULL) : (void *)PEM_read_bio_X509(bio, NULL, NULL,
		    NULL);
		BIO_free(bio);
	}
	if (obj == NULL)
		assay_diag_add(d, setup_file, line, "%s: %s: not a PEM %s", what,
		    path, want_key ? "private key (unencrypted)" :
		    "certificate");
	return obj;
}

/*
 * A certificate file and its key file: both parse, and the key is the
 * certificate's.  Paths already resolved.  Returns 1 when good.
 */
static int
cs_pair(const char *cert, const char *key, const char *setup_file, long line,
    const char *what, struct assay_diag *d)
{
	X509 *x;
	EVP_PKEY *k;
	char w[160];
	int good = 0;

	snprintf(w, sizeof(w), "%s certificate", what);
	x = cs_pem(cert, 0, setup_file, line, w, d);
	snprintf(w, sizeof(w), "%s key", what);
	k = cs_pem(key, 1, setup_file, line, w, d);
	if (x != NULL && k != NULL) {
		if (X509_check_private_key(x, k) == 1)
			good = 1;
		else
			assay_diag_add(d, setup_file, line, "%s: the key %s is not "
			    "the key of the certificate %s", what, key, cert);
	}
	X509_free(x);
	EVP_PKEY_free(k);
	ERR_clear_error();
	return good;
}

/* 1 if the IXIT has an entry id in item. */
static int
ixit_has_entry(const struct assay_forms *f, const char *item, const char *id)
{
	long it;
	size_t k;

	if ((it = assay_spec_ixit_find(f->spec, item)) < 0)
		return 0;
	for (k = 0; k < f->items[it].nentries; k++)
		if (strcmp(f->items[it].entries[k].id, id) == 0)
			return 1;
	return 0;
}

static int
cs_credential_exists(const struct assay_forms *f, const char *id)
{
	size_t k;

	for (k = 0; k < f->ncreds; k++)
		if (strcmp(f->creds[k].id, id) == 0)
			return 1;
	return 0;
}

/* A POSIX extended regular expression with one group at least. */
static int
cs_pattern_ok(const char *pat, char *why, size_t len)
{
	regex_t re;
	int e;

	if ((e = regcomp(&re, pat, REG_EXTENDED)) != 0) {
		regerror(e, &re, why, len);
		return 0;
	}
	e = re.re_nsub >= 1;
	regfree(&re);
	if (!e)
		snprintf(why, len, "no group ( ) to take the value from");
	return e;
}

/* The <gateway> element. */
static int
cs_gateway(struct assay_forms *f, xmlNodePtr g, const char *file,
    struct assay_diag *d, int *bad)
{
	struct in_addr a;
	xmlNodePtr n;
	char *port, **v;
	long long pv;
	int ok = 1;
	size_t k;

	f->has_gateway = 1;
	f->gw.interface = attr(g, "interface", &ok);
	f->gw.address = attr(g, "address", &ok);
	port = attr(g, "dns-port", &ok);
	if (!ok || f->gw.interface == NULL || f->gw.address == NULL) {
		free(port);
		return ASSAY_ERR_ALLOC;
	}
	f->gw.dns_port = 53;
	if (port != NULL && parse_int(port, 1, 65535, &pv) == 0)
		f->gw.dns_port = (int)pv;
	free(port);
	if (inet_pton(AF_INET, f->gw.address, &a) != 1) {
		assay_diag_add(d, file, line_of(g), "gateway address \"%s\": not "
		    "an IPv4 address", f->gw.address);
		*bad = 1;
	}
	for (k = 0; k < f->naddresses; k++)
		if (strcmp(f->addresses[k], f->gw.address) == 0) {
			assay_diag_add(d, file, line_of(g), "gateway address "
			    "\"%s\" is also the device's address: the lab's "
			    "gateway and the device are two hosts",
			    f->gw.address);
			*bad = 1;
		}
	for (n = g->children; n != NULL; n = n->next) {
		char *h;

		if (!is_elem(n, "answer"))
			continue;
		if (f->ngw_answers == MAX_CLIENT_DECLS) {
			assay_diag_add(d, file, line_of(n), "more than %d "
			    "answers", MAX_CLIENT_DECLS);
			*bad = 1;
			break;
		}
		if ((h = attr(n, "host", &ok)) == NULL)
			return ASSAY_ERR_ALLOC;
		if ((v = grow(f->gw_answers, &f->agw_answers, f->ngw_answers,
		    sizeof(*v))) == NULL) {
			free(h);
			return ASSAY_ERR_ALLOC;
		}
		f->gw_answers = v;
		for (k = 0; k < f->ngw_answers; k++)
			if (strcasecmp(v[k], h) == 0) {
				assay_diag_add(d, file, line_of(n), "answer "
				    "\"%s\" given twice", h);
				*bad = 1;
			}
		v[f->ngw_answers++] = h;
	}
	f->gw.nanswers = f->ngw_answers;
	f->gw.answers = (const char *const *)f->gw_answers;
	return 0;
}

/* One <identity>. */
static int
cs_identity(struct assay_forms *f, xmlNodePtr n, const char *file,
    struct assay_diag *d, int *bad)
{
	static const char *const names[] = { "cert", "key", "ca-cert", "ca-key" };
	struct cs_identity *v, *id;
	char *raw[4], *res[4], what[160];
	int ok = 1, err = 0, r = 0;
	size_t k;

	if (f->nidents == MAX_CLIENT_DECLS) {
		assay_diag_add(d, file, line_of(n), "more than %d identities",
		    MAX_CLIENT_DECLS);
		*bad = 1;
		return 0;
	}
	if ((v = grow(f->idents, &f->aidents, f->nidents, sizeof(*v))) == NULL)
		return ASSAY_ERR_ALLOC;
	f->idents = v;
	id = &v[f->nidents];
	memset(id, 0, sizeof(*id));
	id->line = line_of(n);
	id->d.id = attr(n, "id", &ok);
	id->d.host = attr(n, "host", &ok);
	f->nidents++;
	for (k = 0; k < 4; k++) {
		raw[k] = attr(n, names[k], &ok);
		res[k] = NULL;
	}
	if (!ok || id->d.id == NULL || id->d.host == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	for (k = 0; k + 1 < f->nidents; k++) {
		if (strcmp(f->idents[k].d.id, id->d.id) == 0) {
			assay_diag_add(d, file, id->line, "duplicate identity "
			    "id \"%s\" (first at line %ld)", id->d.id,
			    f->idents[k].line);
			*bad = 1;
		} else if (strcasecmp(f->idents[k].d.host, id->d.host) == 0) {
			assay_diag_add(d, file, id->line, "identity \"%s\": "
			    "host \"%s\" has an identity already (\"%s\", line "
			    "%ld)", id->d.id, id->d.host, f->idents[k].d.id,
			    f->idents[k].line);
			*bad = 1;
		}
	}
	if ((raw[2] == NULL) != (raw[3] == NULL)) {
		assay_diag_add(d, file, id->line, "identity \"%s\": ca-cert and "
		    "ca-key go together (one is missing)", id->d.id);
		*bad = 1;
	}
	for (k = 0; k < 4; k++) {
		if (raw[k] == NULL)
			continue;
		snprintf(what, sizeof(what), "identity \"%s\" %s", id->d.id,
		    names[k]);
		res[k] = cs_resolve(file, id->line, what, raw[k], d, &err);
		if (err != 0) {
			r = err;
			goto out;
		}
		if (res[k] == NULL)
			*bad = 1;
		else if ((r = cs_remember(f, res[k])) != 0)
			goto out;
	}
	snprintf(what, sizeof(what), "identity \"%s\"", id->d.id);
	if (res[0] != NULL && res[1] != NULL &&
	    !cs_pair(res[0], res[1], file, id->line, what, d))
		*bad = 1;
	snprintf(what, sizeof(what), "identity \"%s\" CA", id->d.id);
	if (res[2] != NULL && res[3] != NULL &&
	    !cs_pair(res[2], res[3], file, id->line, what, d))
		*bad = 1;
	id->d.cert = res[0];
	id->d.key = res[1];
	id->d.ca_cert = res[2];
	id->d.ca_key = res[3];
	res[0] = res[1] = res[2] = res[3] = NULL;
 out:
	for (k = 0; k < 4; k++) {
		free(raw[k]);
		free(res[k]);
	}
	return r;
}

/* A release directory of an <update>: resolved, a directory. */
static int
cs_release(struct assay_forms *f, const char *file, long line, const char *uid,
    const char *name, const char *raw, const char **out, struct assay_diag *d,
    int *bad)
{
	struct stat st;
	char what[160], *p;
	int err = 0;

	*out = NULL;
	if (raw == NULL)
		return 0;
	snprintf(what, sizeof(what), "update \"%s\" %s", uid, name);
	p = cs_resolve(file, line, what, raw, d, &err);
	if (err != 0)
		return err;
	if (p == NULL) {
		*bad = 1;
		return 0;
	}
	if (stat(p, &st) == -1 || !S_ISDIR(st.st_mode)) {
		assay_diag_add(d, file, line, "%s: %s: not a directory (a "
		    "release is the directory its files are served from)",
		    what, p);
		*bad = 1;
	}
	*out = p;
	return cs_remember(f, p);
}

/* One <update>; identities are read already. */
static int
cs_update(struct assay_forms *f, xmlNodePtr n, const char *file, int ixit_ok,
    struct assay_diag *d, int *bad)
{
	struct cs_update *v, *u;
	struct assay_update_decl *ud;
	xmlNodePtr vc;
	char *rel = NULL, *old = NULL, *oth = NULL, why[160];
	int ok = 1, r = 0;
	size_t k;

	if (f->nupdates == MAX_CLIENT_DECLS) {
		assay_diag_add(d, file, line_of(n), "more than %d updates",
		    MAX_CLIENT_DECLS);
		*bad = 1;
		return 0;
	}
	if ((v = grow(f->updates, &f->aupdates, f->nupdates,
	    sizeof(*v))) == NULL)
		return ASSAY_ERR_ALLOC;
	f->updates = v;
	u = &v[f->nupdates];
	memset(u, 0, sizeof(*u));
	ud = &u->d;
	u->line = line_of(n);
	f->nupdates++;
	ud->id = attr(n, "id", &ok);
	ud->mechanism = attr(n, "mechanism", &ok);
	ud->channel = attr(n, "channel", &ok);
	ud->identity = attr(n, "identity", &ok);
	ud->payload = attr(n, "payload", &ok);
	ud->signature = attr(n, "signature", &ok);
	rel = attr(n, "release", &ok);
	old = attr(n, "older", &ok);
	oth = attr(n, "other-key", &ok);
	if (!ok || ud->id == NULL || ud->mechanism == NULL ||
	    ud->channel == NULL || ud->payload == NULL || rel == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	for (k = 0; k + 1 < f->nupdates; k++)
		if (strcmp(f->updates[k].d.id, ud->id) == 0) {
			assay_diag_add(d, file, u->line, "duplicate update id "
			    "\"%s\" (first at line %ld)", ud->id,
			    f->updates[k].line);
			*bad = 1;
		}
	if (ixit_ok && !ixit_has_entry(f, "7-UpdMech", ud->mechanism)) {
		assay_diag_add(d, file, u->line, "update \"%s\": mechanism "
		    "\"%s\" is not an entry of IXIT item 7-UpdMech", ud->id,
		    ud->mechanism);
		*bad = 1;
	}
	if (ixit_ok && !ixit_has_entry(f, "11-ComMech", ud->channel)) {
		assay_diag_add(d, file, u->line, "update \"%s\": channel \"%s\" "
		    "is not an entry of IXIT item 11-ComMech", ud->id,
		    ud->channel);
		*bad = 1;
	}
	if (ud->identity != NULL) {
		for (k = 0; k < f->nidents; k++)
			if (strcmp(f->idents[k].d.id, ud->identity) == 0)
				break;
		if (k == f->nidents) {
			assay_diag_add(d, file, u->line, "update \"%s\": "
			    "identity \"%s\" is not an <identity> of this "
			    "file", ud->id, ud->identity);
			*bad = 1;
		}
	}
	if (ud->signature != NULL && strcmp(ud->signature, ud->payload) == 0) {
		assay_diag_add(d, file, u->line, "update \"%s\": signature and "
		    "payload are the same path", ud->id);
		*bad = 1;
	}
	if ((r = cs_release(f, file, u->line, ud->id, "release", rel,
	    &ud->release, d, bad)) != 0 ||
	    (r = cs_release(f, file, u->line, ud->id, "older", old,
	    &ud->older, d, bad)) != 0 ||
	    (r = cs_release(f, file, u->line, ud->id, "other-key", oth,
	    &ud->other_key, d, bad)) != 0)
		goto out;
	if ((vc = child(n, "version-check")) != NULL) {
		struct assay_version_check_decl *c = &ud->check;
		long line = line_of(vc);

		ud->has_check = 1;
		c->service = attr(vc, "service", &ok);
		c->path = attr(vc, "path", &ok);
		c->credential = attr(vc, "credential", &ok);
		c->version_pattern = attr(vc, "version-pattern", &ok);
		c->digest_pattern = attr(vc, "digest-pattern", &ok);
		if (!ok || c->service == NULL || c->path == NULL ||
		    c->version_pattern == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		if (ixit_ok && find_service(f, c->service) < 0) {
			assay_diag_add(d, file, line, "update \"%s\": "
			    "version-check service \"%s\" is not a service of "
			    "the IXIT", ud->id, c->service);
			*bad = 1;
		}
		if (c->credential != NULL &&
		    !cs_credential_exists(f, c->credential)) {
			assay_diag_add(d, file, line, "update \"%s\": "
			    "version-check credential \"%s\" is not a "
			    "credential of this file", ud->id, c->credential);
			*bad = 1;
		}
		if (!cs_pattern_ok(c->version_pattern, why, sizeof(why))) {
			assay_diag_add(d, file, line, "update \"%s\": "
			    "version-pattern: %s", ud->id, why);
			*bad = 1;
		}
		if (c->digest_pattern != NULL &&
		    !cs_pattern_ok(c->digest_pattern, why, sizeof(why))) {
			assay_diag_add(d, file, line, "update \"%s\": "
			    "digest-pattern: %s", ud->id, why);
			*bad = 1;
		}
	}
 out:
	free(rel);
	free(old);
	free(oth);
	return r;
}

/* One <watch>: its value is a secret. */
static int
cs_watch(struct assay_forms *f, xmlNodePtr n, const char *file, int ixit_ok,
    struct assay_diag *d, int *bad)
{
	struct cs_watch *v, *w;
	char what[200];
	int ok = 1, r;
	long it;
	size_t k;

	if (f->nwatch == MAX_CLIENT_DECLS) {
		assay_diag_add(d, file, line_of(n), "more than %d watch values",
		    MAX_CLIENT_DECLS);
		*bad = 1;
		return 0;
	}
	if ((v = grow(f->watch, &f->awatch, f->nwatch, sizeof(*v))) == NULL)
		return ASSAY_ERR_ALLOC;
	f->watch = v;
	w = &v[f->nwatch];
	memset(w, 0, sizeof(*w));
	w->line = line_of(n);
	f->nwatch++;
	w->d.label = attr(n, "label", &ok);
	w->d.kind = attr(n, "kind", &ok);
	w->d.ref = attr(n, "ref", &ok);
	w->d.value = text_of(n, 1);
	if (!ok || w->d.label == NULL || w->d.kind == NULL ||
	    w->d.value == NULL)
		return ASSAY_ERR_ALLOC;
	snprintf(what, sizeof(what), "the watch value \"%.80s\"", w->d.label);
	if ((r = add_secret(f, w->d.value, file, w->line, what, d)) != 0)
		return r;
	if (w->d.ref != NULL && ixit_ok) {
		for (it = 0; it < (long)assay_spec_nixit(f->spec); it++) {
			for (k = 0; k < f->items[it].nentries; k++)
				if (strcmp(f->items[it].entries[k].id,
				    w->d.ref) == 0)
					break;
			if (k < f->items[it].nentries)
				break;
		}
		if (it == (long)assay_spec_nixit(f->spec)) {
			assay_diag_add(d, file, w->line, "watch \"%s\": ref "
			    "\"%s\" is not an entry of the IXIT", w->d.label,
			    w->d.ref);
			*bad = 1;
		}
	}
	return 0;
}

/*
 * Hashes one client-side file, or each regular file under a release
 * directory (sorted, at most 4 levels and 1024 files), into b as "path
 * sha256" lines.
 */
static int
cs_hash_path(struct assay_buf *b, const char *path, int depth, size_t *nfiles)
{
	char hex[ASSAY_SHA256_HEX_LEN + 1], sub[ASSAY_PATH_MAX];
	struct dirent **names = NULL;
	struct stat st;
	int n, i, r = 0;

	if (lstat(path, &st) == -1)
		return assay_buf_printf(b, "%s missing\n", path);
	if (S_ISREG(st.st_mode)) {
		if (++*nfiles > 1024)
			return assay_buf_printf(b, "%s not hashed\n", path);
		if (assay_file_sha256_hex(path, hex) != 0)
			return assay_buf_printf(b, "%s unreadable\n", path);
		return assay_buf_printf(b, "%s %s\n", path, hex);
	}
	if (!S_ISDIR(st.st_mode) || depth >= 4)
		return 0;
	if ((n = scandir(path, &names, NULL, alphasort)) < 0)
		return assay_buf_printf(b, "%s unreadable\n", path);
	for (i = 0; i < n; i++) {
		if (r == 0 && strcmp(names[i]->d_name, ".") != 0 &&
		    strcmp(names[i]->d_name, "..") != 0 &&
		    assay_path_join(sub, sizeof(sub), path,
		    names[i]->d_name) == 0)
			r = cs_hash_path(b, sub, depth + 1, nfiles);
		free(names[i]);
	}
	free(names);
	return r;
}

/* n times cycle plus add, within lo..hi (all the same unit). */
static int
pace_of(int cycle, int n, int add, int lo, int hi)
{
	long long v = (long long)cycle * n + add;

	return v < lo ? lo : v > hi ? hi : (int)v;
}

/*
 * Sets f->pace from <client-side cycle-s> (docs/clientside.md, "Pace").
 * The schema bounds the value; a bad one here is named all the same.
 */
static int
cs_pace(struct assay_forms *f, xmlNodePtr sec, const char *file,
    struct assay_diag *d, int *bad)
{
	struct assay_pace *p = &f->pace;
	long long v;
	char *s;
	int ok = 1, c;

	s = attr(sec, "cycle-s", &ok);
	if (!ok)
		return ASSAY_ERR_ALLOC;
	if (s == NULL)
		return 0;
	if (parse_int(s, 1, 3600, &v) != 0) {
		assay_diag_add(d, file, line_of(sec), "client-side cycle-s "
		    "\"%s\": seconds from 1 to 3600 expected", s);
		*bad = 1;
		free(s);
		return 0;
	}
	free(s);
	c = (int)v;
	p->cycle_s = c;
	p->observe_s = pace_of(c, 3, 0, 3, 600);
	p->connect_ms = pace_of(c, 6000, 2000, 5000, 120000);
	p->consent_s = pace_of(c, 3, 0, 3, 120);
	p->settle_ms = pace_of(c, 1000, 0, 1000, 2000);
	p->outage_ms = pace_of(c, 6000, 0, 6000, 12000);
	return 0;
}

/*
 * Reads <client-side> (sec may be NULL).  Returns 0, ASSAY_ERR_FORM
 * (problems in d) or ASSAY_ERR_ALLOC.
 */
static int
setup_client_side(struct assay_forms *f, xmlNodePtr sec, const char *file,
    int ixit_ok, struct assay_diag *d)
{
	struct assay_buf *b;
	xmlNodePtr n;
	size_t k, nfiles = 0;
	int bad = 0, r = 0;

	/*
	 * A run directory's copy (assay_forms_load_recorded): its files were
	 * checked when the run started, and a report needs none of it.
	 */
	if (sec == NULL)
		return 0;
	if ((r = cs_pace(f, sec, file, d, &bad)) != 0)
		return r;
	if (f->recorded)
		return 0;
	if ((n = child(sec, "gateway")) != NULL &&
	    (r = cs_gateway(f, n, file, d, &bad)) != 0)
		return r;
	for (n = sec->children; n != NULL && r == 0; n = n->next)
		if (is_elem(n, "identity"))
			r = cs_identity(f, n, file, d, &bad);
	for (n = sec->children; n != NULL && r == 0; n = n->next)
		if (is_elem(n, "update"))
			r = cs_update(f, n, file, ixit_ok, d, &bad);
	for (n = sec->children; n != NULL && r == 0; n = n->next)
		if (is_elem(n, "watch"))
			r = cs_watch(f, n, file, ixit_ok, d, &bad);
	if (r != 0)
		return r;
	if ((b = assay_buf_new(4 * 1024 * 1024)) == NULL)
		return ASSAY_ERR_ALLOC;
	for (k = 0; k < f->ncs_files && r == 0; k++)
		r = cs_hash_path(b, f->cs_files[k], 0, &nfiles);
	if (r == 0)
		r = assay_sha256_hex(assay_buf_data(b), assay_buf_len(b),
		    f->cs_sha256);
	assay_buf_free(b);
	if (r != 0)
		return r == ASSAY_ERR_ALLOC ? r : ASSAY_ERR_ALLOC;
	return bad ? ASSAY_ERR_FORM : 0;
}

/*
 * Reads the set-up file.  ixit_ok says the IXIT's services were read, so
 * the services named here can be checked against them.
 */
/*
 * <liveness service="ID" interval-ms="250" give-up-s="120" enabled="no"/>:
 * the service the engine watches between probes (a declared TCP service).
 */
static int
setup_liveness(struct assay_forms *f, xmlNodePtr n, const char *file,
    struct assay_diag *d, int *bad)
{
	static const char *const names[] = { "interval-ms", "give-up-s" };
	static const long long lo[] = { 50, 1 }, hi[] = { 60000, 86400 };
	int *slots[] = { &f->live_interval_ms, &f->live_give_up_s };
	char *a = NULL;
	long si;
	long long v;
	int ok = 1, k, r = 0;

	if ((a = attr(n, "enabled", &ok)) == NULL && !ok)
		return ASSAY_ERR_ALLOC;
	if (a != NULL)
		f->live_enabled = strcmp(a, "no") != 0;
	free(a);
	for (k = 0; k < 2; k++) {
		if ((a = attr(n, names[k], &ok)) == NULL) {
			if (!ok)
				return ASSAY_ERR_ALLOC;
			continue;
		}
		if (parse_int(a, lo[k], hi[k], &v) != 0) {
			assay_diag_add(d, file, line_of(n), "liveness %s %s out "
			    "of range %lld..%lld", names[k], a, lo[k], hi[k]);
			*bad = 1;
		} else
			*slots[k] = (int)v;
		free(a);
	}
	if ((a = attr(n, "service", &ok)) == NULL)
		return ok ? 0 : ASSAY_ERR_ALLOC;
	if ((si = assay_forms_service_find(f, a)) < 0) {
		assay_diag_add(d, file, line_of(n), "liveness service \"%s\" "
		    "is not a service of the IXIT", a);
		*bad = 1;
	} else if (strcmp(f->services[si].transport, "tcp") != 0) {
		assay_diag_add(d, file, line_of(n), "liveness service \"%s\" "
		    "is not a TCP service: the watch connects to it", a);
		*bad = 1;
	} else {
		free(f->live_service);
		f->live_service = a;
		a = NULL;
	}
	free(a);
	return r;
}

static int
setup_load(struct assay_forms *f, xmlDocPtr doc, const char *file,
    int ixit_ok, struct assay_diag *d)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n, sec;
	long *seen = NULL;
	long long v;
	long si;
	size_t k;
	int ok = 1, bad = 0, r = 0;
	char **av;

	if (ixit_ok && (seen = calloc(f->nservices ? f->nservices : 1,
	    sizeof(*seen))) == NULL)
		return ASSAY_ERR_ALLOC;
	for (n = root->children; n != NULL; n = n->next) {
		if (is_elem(n, "address")) {
			if ((av = grow(f->addresses, &f->aaddresses, f->naddresses,
			    sizeof(*av))) == NULL) {
				r = ASSAY_ERR_ALLOC;
				goto out;
			}
			f->addresses = av;
			if ((av[f->naddresses] = text_of(n, 0)) == NULL) {
				r = ASSAY_ERR_ALLOC;
				goto out;
			}
			f->naddresses++;
		} else if (is_elem(n, "service-address")) {
			char *svc = attr(n, "service", &ok);

			if (!ok || svc == NULL) {
				r = ASSAY_ERR_ALLOC;
				goto out;
			}
			if (!ixit_ok) {
				free(svc);
				continue;
			}
			if ((si = find_service(f, svc)) < 0) {
				assay_diag_add(d, file, line_of(n), "service-address "
				    "for service \"%s\", which is not a service of "
				    "the IXIT", svc);
				bad = 1;
			} else if (seen[si] != 0) {
				assay_diag_add(d, file, line_of(n), "service "
				    "\"%s\": second service-address (first at line "
				    "%ld)", svc, seen[si]);
				bad = 1;
			} else {
				seen[si] = line_of(n);
				if ((f->services[si].address = text_of(n, 0)) ==
				    NULL) {
					free(svc);
					r = ASSAY_ERR_ALLOC;
					goto out;
				}
			}
			free(svc);
		} else if (is_elem(n, "liveness")) {
			if ((r = setup_liveness(f, n, file, d, &bad)) != 0)
				goto out;
		} else if (is_elem(n, "budget")) {
			static const char *const names[] = {
				"max-connections", "max-rate" };
			int *slots[] = { &f->max_connections, &f->max_rate };
			char *ad = attr(n, "adaptive", &ok);

			if (!ok) {
				r = ASSAY_ERR_ALLOC;
				goto out;
			}
			/* The schema allows only yes and no. */
			if (ad != NULL)
				f->budget_adaptive = strcmp(ad, "no") != 0;
			free(ad);
			for (k = 0; k < 2; k++) {
				char *a = attr(n, names[k], &ok);

				if (!ok) {
					r = ASSAY_ERR_ALLOC;
					goto out;
				}
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
			/*
			 * max-rate is a ceiling the adaptive rate never
			 * passes, so 65535 / max-rate seconds is still the
			 * least a full sweep takes: a ceiling that makes it
			 * longer than the default time limit ends every
			 * sweeping test case in ERROR, adaptive or not.
			 */
			if (f->max_rate > 0 && 65535LL * 1000 / f->max_rate >
			    ASSAY_FORMS_DEFAULT_TC_TIMEOUT_MS)
				assay_diag_warn(d, file, line_of(n), "budget "
				    "max-rate %d makes a full TCP sweep take "
				    "%lld s, longer than assay run's default "
				    "time limit of %d s per test case: raise "
				    "max-rate (default %d) or run with --timeout",
				    f->max_rate, 65535LL / f->max_rate,
				    ASSAY_FORMS_DEFAULT_TC_TIMEOUT_MS / 1000,
				    ASSAY_FORMS_DEFAULT_MAX_RATE);
		}
	}

	if ((r = setup_artefacts(f, child(root, "artefacts"), file, d)) != 0) {
		if (r != ASSAY_ERR_FORM)
			goto out;
		bad = 1;
		r = 0;
	}
	if ((sec = child(root, "credentials")) == NULL)
		goto client;
	for (n = sec->children; n != NULL; n = n->next) {
		struct credential *c, *nc;

		if (!is_elem(n, "credential"))
			continue;
		if (f->ncreds == MAX_CREDENTIALS) {
			assay_diag_add(d, file, line_of(n), "more than %d "
			    "credentials", MAX_CREDENTIALS);
			bad = 1;
			break;
		}
		if ((nc = grow(f->creds, &f->acreds, f->ncreds,
		    sizeof(*nc))) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		f->creds = nc;
		c = &nc[f->ncreds];
		memset(c, 0, sizeof(*c));
		c->line = line_of(n);
		c->id = attr(n, "id", &ok);
		c->service = attr(n, "service", &ok);
		c->origin = attr(n, "origin", &ok);
		if (c->origin == NULL && ok)
			c->origin = strdup("lab");
		c->username = text_of(child(n, "username"), 1);
		c->password = text_of(child(n, "password"), 1);
		f->ncreds++;
		if (!ok || c->id == NULL || c->service == NULL ||
		    c->origin == NULL || c->username == NULL ||
		    c->password == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		{
			char what[160];

			snprintf(what, sizeof(what), "the password of "
			    "credential \"%s\"", c->id);
			if ((r = add_secret(f, c->password, file, c->line,
			    what, d)) != 0)
				goto out;
		}
		for (k = 0; k + 1 < f->ncreds; k++) {
			if (strcmp(f->creds[k].id, c->id) == 0) {
				assay_diag_add(d, file, c->line, "duplicate "
				    "credential id \"%s\" (first at line %ld)",
				    c->id, f->creds[k].line);
				bad = 1;
				break;
			}
		}
		if (ixit_ok && find_service(f, c->service) < 0) {
			assay_diag_add(d, file, c->line, "credential \"%s\": "
			    "service \"%s\" is not a service of the IXIT",
			    c->id, c->service);
			bad = 1;
		}
	}
 client:
	/* After the credentials: a version check names one. */
	if ((r = setup_client_side(f, child(root, "client-side"), file,
	    ixit_ok, d)) != 0) {
		if (r != ASSAY_ERR_FORM)
			goto out;
		bad = 1;
		r = 0;
	}
 out:
	free(seen);
	if (r != 0)
		return r;
	return bad ? ASSAY_ERR_FORM : 0;
}

/* --- ICS against IXIT -------------------------------------------------- */

/*
 * N/A only where a condition of the provision is false; exactly one of
 * conditions 4 (constrained) and 5 (not constrained) holds.
 */
static int
ics_consistency(const struct assay_forms *f, const char *file,
    struct assay_diag *d)
{
	const struct assay_spec *s = f->spec;
	size_t np = assay_spec_nprovisions(s), i, k, nc;
	int bad = 0, allhold;

	for (i = 0; i < np; i++) {
		const struct prov_decl *pd = &f->prov[i];

		nc = assay_spec_provision_nconditions(s, i);
		if (pd->line == 0 || pd->support != ASSAY_SUPPORT_NA || nc == 0)
			continue;
		for (k = 0, allhold = 1; k < nc; k++)
			if (assay_forms_condition(f,
			    assay_spec_provision_condition(s, i, k)) != 1)
				allhold = 0;
		if (!allhold)
			continue;
		assay_diag_add(d, file, pd->line, "provision %s: N/A, but its "
		    "condition%s hold%s (status %s): declare Y or N",
		    assay_spec_provision_id(s, i), nc > 1 ? "s" : "",
		    nc > 1 ? "" : "s", assay_spec_provision_status(s, i));
		bad = 1;
	}
	if (assay_spec_nconditions(s) >= 5 && f->cond_line[3] != 0 &&
	    f->cond_line[4] != 0 && f->cond[3] == f->cond[4]) {
		assay_diag_add(d, file, f->cond_line[4], "conditions 4 (%s) and "
		    "5 (%s) are both %s: exactly one of them holds",
		    assay_spec_condition_text(s, 4),
		    assay_spec_condition_text(s, 5),
		    f->cond[3] ? "true" : "false");
		bad = 1;
	}
	return bad ? ASSAY_ERR_FORM : 0;
}

/* The first entry of item whose fact name has value (NULL: any value). */
static const struct entry *
entry_with(const struct assay_forms *f, const char *item, const char *name,
    const char *value, size_t *from)
{
	long it = assay_spec_ixit_find(f->spec, item);
	const struct item *t;
	const char *v;
	size_t k;

	if (it < 0)
		return NULL;
	t = &f->items[it];
	for (k = *from; k < t->nentries; k++) {
		if ((v = entry_fact(&t->entries[k], name)) == NULL)
			continue;
		if (value == NULL || strcmp(v, value) == 0 ||
		    (value[strlen(value) - 1] == '*' &&
		    strncmp(v, value, strlen(value) - 1) == 0)) {
			*from = k + 1;
			return &t->entries[k];
		}
	}
	*from = k;
	return NULL;
}

/*
 * ICS conditions that the IXIT contradicts (docs/forms.md says why each
 * is an error or a warning): a false condition against a declared fact
 * is an error; against the mere presence of entries (free text) or a
 * fact that does not settle the condition, a warning.
 */
static int
ics_ixit_consistency(const struct assay_forms *f, struct assay_diag *d)
{
	const struct assay_spec *s = f->spec;
	const char *ixit = f->ixit_path, *ics = f->ics_path;
	const struct entry *e;
	size_t from;
	long it;
	int bad = 0;

	/*
	 * Each message is at the ICS condition, which is what the rule is
	 * about, and names the IXIT entry with its file and line.
	 */
#define COND_FALSE(n)	(f->cond[(n) - 1] == 0)
#define CTEXT(n)	assay_spec_condition_text(s, (n))
#define CLINE(n)	f->cond_line[(n) - 1]
	if (assay_spec_nconditions(s) < 13)
		return 0;
	if (COND_FALSE(1)) {
		for (from = 0; (e = entry_with(f, "1-AuthMech", "factor",
		    NULL, &from)) != NULL; ) {
			const char *fa = entry_fact(e, "factor");

			if (strcmp(fa, "password") != 0 && strcmp(fa, "pin") != 0)
				continue;
			assay_diag_add(d, ics, CLINE(1), "condition 1 (%s) is "
			    "false, but IXIT entry \"%s\" declares factor=\"%s\" "
			    "(%s:%ld)", CTEXT(1), e->id, fa, ixit, e->facts_line);
			bad = 1;
		}
	}
	if (COND_FALSE(2)) {
		for (from = 0; (e = entry_with(f, "1-AuthMech",
		    "password-set-by", "pre-installed-*", &from)) != NULL; ) {
			assay_diag_add(d, ics, CLINE(2), "condition 2 (%s) is "
			    "false, but IXIT entry \"%s\" declares "
			    "password-set-by=\"%s\" (%s:%ld)", CTEXT(2), e->id,
			    entry_fact(e, "password-set-by"), ixit,
			    e->facts_line);
			bad = 1;
		}
	}
	if (COND_FALSE(8)) {
		for (from = 0; (e = entry_with(f, "1-AuthMech", "user-auth",
		    "true", &from)) != NULL; ) {
			assay_diag_add(d, ics, CLINE(8), "condition 8 (%s) is "
			    "false, but IXIT entry \"%s\" declares "
			    "user-auth=\"true\" (%s:%ld)", CTEXT(8), e->id, ixit,
			    e->facts_line);
			bad = 1;
		}
	}
	if (COND_FALSE(11)) {
		for (from = 0; (e = entry_with(f, "7-UpdMech", "network",
		    "true", &from)) != NULL; ) {
			assay_diag_add(d, ics, CLINE(11), "condition 11 (%s) is "
			    "false, but IXIT entry \"%s\" declares network=\"true\" "
			    "(%s:%ld)", CTEXT(11), e->id, ixit, e->facts_line);
			bad = 1;
		}
	}
	if (COND_FALSE(12) && (it = assay_spec_ixit_find(s, "7-UpdMech")) >= 0 &&
	    f->items[it].nentries > 0)
		assay_diag_warn(d, ics, CLINE(12), "condition 12 (%s) is false, "
		    "but IXIT item 7-UpdMech describes %zu update mechanism%s "
		    "(%s:%ld)", CTEXT(12), f->items[it].nentries,
		    f->items[it].nentries == 1 ? "" : "s", ixit,
		    f->items[it].entries[0].line);
	if (COND_FALSE(13)) {
		for (from = 0; (e = entry_with(f, "15-Intf", "debug", "true",
		    &from)) != NULL; ) {
			const char *k = entry_fact(e, "kind");
			const char *st = entry_fact(e, "status");

			if (k == NULL || strcmp(k, "physical") != 0 ||
			    st == NULL || strcmp(st, "enabled") != 0)
				continue;
			assay_diag_warn(d, ics, CLINE(13), "condition 13 (%s) is "
			    "false, but IXIT entry \"%s\" is an enabled physical "
			    "debug interface (%s:%ld): say why it is not "
			    "physically accessible", CTEXT(13), e->id, ixit,
			    e->facts_line);
		}
	}
	if (COND_FALSE(6) && (it = assay_spec_ixit_find(s, "24-TelData")) >= 0 &&
	    f->items[it].nentries > 0)
		assay_diag_warn(d, ics, CLINE(6), "condition 6 (%s) is false, "
		    "but IXIT item 24-TelData describes %zu kind%s of "
		    "telemetry (%s:%ld)", CTEXT(6), f->items[it].nentries,
		    f->items[it].nentries == 1 ? "" : "s", ixit,
		    f->items[it].entries[0].line);
#undef COND_FALSE
#undef CTEXT
#undef CLINE
	return bad ? ASSAY_ERR_FORM : 0;
}

/* --- load / free ------------------------------------------------------- */

static void
free_entry(struct entry *e)
{
	size_t j;

	free(e->id);
	for (j = 0; j < e->nfacts; j++) {
		free(e->facts[j].name);
		free(e->facts[j].value);
	}
	free(e->facts);
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
	free(f->setup_path);
	free(f->live_service);
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
		free(f->creds[i].origin);
		free_secret(f->creds[i].password);
	}
	free(f->creds);
	for (i = 0; i < f->narts; i++) {
		free(f->arts[i].id);
		free(f->arts[i].file);
		free(f->arts[i].path);
	}
	free(f->arts);
	free((void *)f->gw.interface);
	free((void *)f->gw.address);
	for (i = 0; i < f->ngw_answers; i++)
		free(f->gw_answers[i]);
	free(f->gw_answers);
	for (i = 0; i < f->nidents; i++) {
		struct assay_identity_decl *id = &f->idents[i].d;

		free((void *)id->id);
		free((void *)id->host);
		free((void *)id->cert);
		free((void *)id->key);
		free((void *)id->ca_cert);
		free((void *)id->ca_key);
	}
	free(f->idents);
	for (i = 0; i < f->nupdates; i++) {
		struct assay_update_decl *u = &f->updates[i].d;

		free((void *)u->id);
		free((void *)u->mechanism);
		free((void *)u->channel);
		free((void *)u->identity);
		free((void *)u->release);
		free((void *)u->older);
		free((void *)u->other_key);
		free((void *)u->payload);
		free((void *)u->signature);
		free((void *)u->check.service);
		free((void *)u->check.path);
		free((void *)u->check.credential);
		free((void *)u->check.version_pattern);
		free((void *)u->check.digest_pattern);
	}
	free(f->updates);
	for (i = 0; i < f->nwatch; i++) {
		free((void *)f->watch[i].d.label);
		free((void *)f->watch[i].d.kind);
		free((void *)f->watch[i].d.ref);
		free_secret((char *)f->watch[i].d.value);
	}
	free(f->watch);
	for (i = 0; i < f->ncs_files; i++)
		free(f->cs_files[i]);
	free(f->cs_files);
	if (f->items != NULL) {
		for (i = 0; i < ni; i++) {
			for (k = 0; k < f->items[i].nentries; k++)
				free_entry(&f->items[i].entries[k]);
			free(f->items[i].entries);
		}
	}
	free(f->items);
	free(f->secrets);
	free(f->weak);
	for (i = 0; i < f->npub; i++)
		free(f->pub[i]);
	free(f->pub);
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

static int
forms_load(const char *datadir, const struct form_src *ics_src,
    const struct form_src *ixit_src, const struct form_src *setup_src,
    int recorded, struct assay_forms **out, struct assay_diag *d)
{
	const char *ics_path = ics_src->path, *ixit_path = ixit_src->path;
	const char *setup_path = setup_src->path;
	struct assay_forms *f = NULL;
	xmlDocPtr ics = NULL, ixit = NULL, setup = NULL;
	char xsd[ASSAY_PATH_MAX];
	int r = 0, e, ics_ok = 0, ixit_ok = 0;
	size_t ndiag;

	if (out != NULL)
		*out = NULL;
	if (datadir == NULL || ics_path == NULL || ixit_path == NULL ||
	    out == NULL)
		return ASSAY_ERR_INVALID_ARG;
	ndiag = assay_diag_count(d);
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->ics_path = strdup(ics_path)) == NULL ||
	    (f->ixit_path = strdup(ixit_path)) == NULL ||
	    (setup_path != NULL &&
	    (f->setup_path = strdup(setup_path)) == NULL)) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	f->max_connections = ASSAY_FORMS_DEFAULT_MAX_CONNECTIONS;
	f->pace = *assay_forms_pace(NULL);
	f->recorded = recorded;
	f->datadir = datadir;
	f->max_rate = ASSAY_FORMS_DEFAULT_MAX_RATE;
	f->budget_adaptive = 1;
	f->live_enabled = 1;
	f->live_interval_ms = ASSAY_FORMS_DEFAULT_LIVENESS_INTERVAL_MS;
	f->live_give_up_s = ASSAY_FORMS_DEFAULT_LIVENESS_GIVE_UP_S;

	/* Every file is always read, so every kind of error is reported. */
	if ((r = assay_path_join(xsd, sizeof(xsd), datadir,
	    "setup/setup.xsd")) != 0) {
		assay_diag_add(d, datadir, 0, "data directory path too long");
		goto out;
	}
	if ((e = assay_path_join(xsd, sizeof(xsd), datadir,
	    "ics/ics.xsd")) != 0 ||
	    (e = load_xml(ics_src, xsd, "ics", NULL, &ics, f->ics_sha256,
	    d)) != 0)
		keep(&r, e);
	if ((e = assay_path_join(xsd, sizeof(xsd), datadir,
	    "ixit/ixit.xsd")) != 0 ||
	    (e = load_xml(ixit_src, xsd, "ixit", ixit_v1, &ixit,
	    f->ixit_sha256, d)) != 0)
		keep(&r, e);
	if (setup_path != NULL) {
		if ((e = assay_path_join(xsd, sizeof(xsd), datadir,
		    "setup/setup.xsd")) != 0 ||
		    (e = load_xml(setup_src, xsd, "setup", NULL, &setup,
		    f->setup_sha256, d)) != 0)
			keep(&r, e);
	}

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
	if (ics != NULL) {
		if ((e = ics_load(f, ics, ics_path, d)) == 0)
			ics_ok = 1;
		else {
			keep(&r, e);
			if (e != ASSAY_ERR_FORM)
				goto out;
		}
		if (ics_ok && (e = ics_consistency(f, ics_path, d)) != 0)
			keep(&r, e);
	}
	if (ixit != NULL) {
		if ((e = ixit_load(f, ixit, ixit_path, d)) == 0)
			ixit_ok = 1;
		else {
			keep(&r, e);
			if (e != ASSAY_ERR_FORM)
				goto out;
		}
	}
	if (setup != NULL &&
	    (e = setup_load(f, setup, setup_path, ixit_ok, d)) != 0)
		keep(&r, e);
	if (ics_ok && ixit_ok && (e = ics_ixit_consistency(f, d)) != 0)
		keep(&r, e);
	if (f->nsecrets > 1)
		qsort(f->secrets, f->nsecrets, sizeof(*f->secrets),
		    by_length_desc);
 out:
	free_doc(ics);
	free_doc(ixit);
	free_doc(setup);
	if (r != 0) {
		/* Every failure is named, also one no step described. */
		if (assay_diag_count(d) == ndiag)
			assay_diag_add(d, ics_path, 0, "cannot load the forms: %s",
			    assay_strerror(r));
		assay_forms_free(f);
		return r;
	}
	*out = f;
	return 0;
}

/* --- masked copies ------------------------------------------------------ */

/* An element whose whole content is a secret. */
static int
secret_element(xmlNodePtr n, enum assay_form_kind kind)
{
	xmlChar *v;
	int yes;

	if (kind == ASSAY_FORM_SETUP)
		return is_elem(n, "password") || is_elem(n, "watch");
	if (kind != ASSAY_FORM_IXIT || !is_elem(n, "field"))
		return 0;
	v = xmlGetNoNsProp(n, (const xmlChar *)"secret");
	yes = is_secret_attr((const char *)v);
	xmlFree(v);
	return yes;
}

/*
 * Masks the tree under n in place: the content of each secret element
 * (IXIT <field secret="true">, set-up <password>) becomes the mark, and
 * every other text, attribute value, comment and processing instruction
 * is masked with rd.  The tree holds decoded text, so a secret is found
 * however the file spelled it (&#51;, a raw ', CDATA).
 */
static int
mask_tree(xmlNodePtr n, enum assay_form_kind kind, const struct assay_redact *rd)
{
	xmlNodePtr c;
	xmlAttrPtr a;
	char *m;
	int r;

	for (c = n; c != NULL; c = c->next) {
		switch (c->type) {
		case XML_ELEMENT_NODE:
			if (secret_element(c, kind)) {
				wipe_doc(c->children);
				xmlNodeSetContent(c,
				    (const xmlChar *)ASSAY_REDACT_MARK);
				if (c->children == NULL)
					return ASSAY_ERR_ALLOC;
			} else if ((r = mask_tree(c->children, kind, rd)) != 0)
				return r;
			for (a = c->properties; a != NULL; a = a->next)
				if ((r = mask_tree(a->children, kind, rd)) != 0)
					return r;
			break;
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
		case XML_COMMENT_NODE:
		case XML_PI_NODE:
			if (c->content == NULL)
				break;
			if ((m = assay_redact_str(rd, (char *)c->content)) == NULL)
				return ASSAY_ERR_ALLOC;
			if (strcmp(m, (char *)c->content) != 0) {
				OPENSSL_cleanse(c->content,
				    strlen((char *)c->content));
				xmlNodeSetContent(c, (const xmlChar *)m);
			}
			free(m);
			break;
		default:
			break;
		}
	}
	return 0;
}

int
assay_forms_masked_copy(const struct assay_forms *f, enum assay_form_kind kind,
    char **out, size_t *lenp, struct assay_diag *d)
{
	struct assay_redact *rd = NULL;
	struct assay_secret sec;
	struct form_src src = { NULL, NULL, 0 };
	xmlDocPtr doc = NULL;
	xmlChar *mem = NULL;
	const char *path, *want, *root;
	char sha[65];
	size_t i;
	int r, size = 0;

	*out = NULL;
	*lenp = 0;
	switch (kind) {
	case ASSAY_FORM_ICS:
		path = f->ics_path, want = f->ics_sha256, root = "ics";
		break;
	case ASSAY_FORM_IXIT:
		path = f->ixit_path, want = f->ixit_sha256, root = "ixit";
		break;
	case ASSAY_FORM_SETUP:
		path = f->setup_path, want = f->setup_sha256, root = "setup";
		break;
	default:
		return ASSAY_ERR_INVALID_ARG;
	}
	if (path == NULL)
		return ASSAY_ERR_NOT_FOUND;
	src.path = path;
	if ((r = load_xml(&src, NULL, root, NULL, &doc, sha, d)) != 0)
		goto out;
	/* The copy is of the form that was loaded, or there is none. */
	if (strcmp(sha, want) != 0) {
		assay_diag_add(d, path, 0, "changed since it was loaded: no "
		    "copy kept");
		r = ASSAY_ERR_FORM;
		goto out;
	}
	r = ASSAY_ERR_ALLOC;
	if ((rd = assay_redact_new()) == NULL)
		goto out;
	for (i = 0; i < f->nsecrets; i++) {
		sec.value = f->secrets[i];
		sec.user = NULL;
		sec.weak = assay_forms_secret_weak(f, sec.value);
		if ((r = assay_redact_add(rd, &sec)) != 0)
			goto out;
	}
	for (i = 0; i < f->npub; i++)
		if ((r = assay_redact_allow(rd, f->pub[i])) != 0)
			goto out;
	if ((r = mask_tree(doc->children, kind, rd)) != 0)
		goto out;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 0);
	if (mem == NULL || size < 0 || (*out = malloc((size_t)size + 1)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	memcpy(*out, mem, (size_t)size);
	(*out)[size] = '\0';
	*lenp = (size_t)size;
	r = 0;
 out:
	if (mem != NULL) {
		OPENSSL_cleanse(mem, (size_t)size);
		xmlFree(mem);
	}
	assay_redact_free(rd);
	free_doc(doc);
	return r;
}

/* The forms from files; recorded: a run directory's copies. */
static int
load_files(const char *datadir, const char *ics_path, const char *ixit_path,
    const char *setup_path, int recorded, struct assay_forms **out,
    struct assay_diag *d)
{
	struct form_src ics = { ics_path, NULL, 0 };
	struct form_src ixit = { ixit_path, NULL, 0 };
	struct form_src setup = { setup_path, NULL, 0 };

	if (out != NULL)
		*out = NULL;
	if (datadir == NULL || ics_path == NULL || ixit_path == NULL ||
	    out == NULL)
		return ASSAY_ERR_INVALID_ARG;
	return forms_load(datadir, &ics, &ixit, &setup, recorded, out, d);
}

int
assay_forms_load(const char *datadir, const char *ics_path,
    const char *ixit_path, const char *setup_path, struct assay_forms **out,
    struct assay_diag *d)
{
	return load_files(datadir, ics_path, ixit_path, setup_path, 0, out, d);
}

int
assay_forms_load_recorded(const char *datadir, const char *ics_path,
    const char *ixit_path, const char *setup_path, struct assay_forms **out,
    struct assay_diag *d)
{
	return load_files(datadir, ics_path, ixit_path, setup_path, 1, out, d);
}

int
assay_forms_load_mem(const char *datadir, const char *ics_name,
    const void *ics, size_t ics_len, const char *ixit_name, const void *ixit,
    size_t ixit_len, const char *setup_name, const void *setup,
    size_t setup_len, struct assay_forms **out, struct assay_diag *d)
{
	struct form_src is = { ics_name, ics, ics_len };
	struct form_src xs = { ixit_name, ixit, ixit_len };
	struct form_src ss = { setup_name, setup, setup_len };

	if (out != NULL)
		*out = NULL;
	if (datadir == NULL || ics_name == NULL || ics == NULL ||
	    ixit_name == NULL || ixit == NULL || out == NULL ||
	    (setup != NULL && setup_name == NULL))
		return ASSAY_ERR_INVALID_ARG;
	if (setup == NULL)
		ss.path = NULL;
	return forms_load(datadir, &is, &xs, &ss, 0, out, d);
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
assay_forms_setup_path(const struct assay_forms *f)
{
	return f->setup_path;
}

const char *
assay_forms_setup_sha256(const struct assay_forms *f)
{
	return f->setup_sha256;
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
assay_forms_entry_nfacts(const struct assay_forms *f, const char *item,
    size_t k)
{
	const struct entry *e = entry_of(f, item, k);

	return e != NULL ? e->nfacts : 0;
}

const char *
assay_forms_entry_fact_name(const struct assay_forms *f, const char *item,
    size_t k, size_t j)
{
	const struct entry *e = entry_of(f, item, k);

	return e != NULL && j < e->nfacts ? e->facts[j].name : NULL;
}

const char *
assay_forms_entry_fact_value(const struct assay_forms *f, const char *item,
    size_t k, size_t j)
{
	const struct entry *e = entry_of(f, item, k);

	return e != NULL && j < e->nfacts ? e->facts[j].value : NULL;
}

const char *
assay_forms_entry_fact(const struct assay_forms *f, const char *item,
    size_t k, const char *name)
{
	const struct entry *e = entry_of(f, item, k);

	return e != NULL && name != NULL ? entry_fact(e, name) : NULL;
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

int
assay_forms_budget_adaptive(const struct assay_forms *f)
{
	return f->budget_adaptive;
}

long
assay_forms_liveness(const struct assay_forms *f, int *interval_ms,
    int *give_up_s)
{
	size_t i;

	*interval_ms = f->live_interval_ms;
	*give_up_s = f->live_give_up_s;
	if (!f->live_enabled)
		return -1;
	if (f->live_service != NULL)
		return assay_forms_service_find(f, f->live_service);
	for (i = 0; i < f->nservices; i++)
		if (strcmp(f->services[i].transport, "tcp") == 0)
			return (long)i;
	return -1;
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
assay_forms_credential_origin(const struct assay_forms *f, size_t i)
{
	return i < f->ncreds ? f->creds[i].origin : NULL;
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

size_t
assay_forms_nartefacts(const struct assay_forms *f)
{
	return f->narts;
}

enum assay_artefact_kind
assay_forms_artefact_kind(const struct assay_forms *f, size_t i)
{
	return f->arts[i].kind;
}

const char *
assay_forms_artefact_id(const struct assay_forms *f, size_t i)
{
	return i < f->narts ? f->arts[i].id : NULL;
}

const char *
assay_forms_artefact_file(const struct assay_forms *f, size_t i)
{
	return i < f->narts ? f->arts[i].file : NULL;
}

const char *
assay_forms_artefact_path(const struct assay_forms *f, size_t i)
{
	return i < f->narts ? f->arts[i].path : NULL;
}

const char *
assay_forms_artefact_sha256(const struct assay_forms *f, size_t i)
{
	return i < f->narts ? f->arts[i].sha256 : NULL;
}

unsigned long long
assay_forms_artefact_size(const struct assay_forms *f, size_t i)
{
	return i < f->narts ? f->arts[i].size : 0;
}

/* --- lab set-up: the device as a client ------------------------------- */

const struct assay_pace *
assay_forms_pace(const struct assay_forms *f)
{
	static const struct assay_pace dflt = { 0, 10, 20000, 10, 2000,
	    12000 };

	return f != NULL ? &f->pace : &dflt;
}

const struct assay_gateway_decl *
assay_forms_gateway(const struct assay_forms *f)
{
	return f != NULL && f->has_gateway ? &f->gw : NULL;
}

size_t
assay_forms_nidentities(const struct assay_forms *f)
{
	return f != NULL ? f->nidents : 0;
}

const struct assay_identity_decl *
assay_forms_identity(const struct assay_forms *f, size_t i)
{
	return f != NULL && i < f->nidents ? &f->idents[i].d : NULL;
}

const struct assay_identity_decl *
assay_forms_identity_for_host(const struct assay_forms *f, const char *host)
{
	size_t i;

	if (f == NULL || host == NULL)
		return NULL;
	for (i = 0; i < f->nidents; i++)
		if (strcasecmp(f->idents[i].d.host, host) == 0)
			return &f->idents[i].d;
	return NULL;
}

size_t
assay_forms_nupdates(const struct assay_forms *f)
{
	return f != NULL ? f->nupdates : 0;
}

const struct assay_update_decl *
assay_forms_update(const struct assay_forms *f, size_t i)
{
	return f != NULL && i < f->nupdates ? &f->updates[i].d : NULL;
}

size_t
assay_forms_nwatch(const struct assay_forms *f)
{
	return f != NULL ? f->nwatch : 0;
}

const struct assay_watch_decl *
assay_forms_watch(const struct assay_forms *f, size_t i)
{
	return f != NULL && i < f->nwatch ? &f->watch[i].d : NULL;
}

const char *
assay_forms_client_side_sha256(const struct assay_forms *f)
{
	return f != NULL ? f->cs_sha256 : "";
}

/*
 * The machine form of a 21-PersData consent withdrawal (6-3-2 makes it;
 * docs/facts.md): withdraw-service, a declared HTTP(S) service whose lab
 * credential makes the request, goes with withdraw-path; withdraw-method,
 * -body and grant-body only with withdraw-service.  processing-channel,
 * the processing the consent covers, is an outbound 11-ComMech entry
 * with an mqtt or mqtts endpoint (the stand-in counts its PUBLISHes per
 * topic); processing-topic, one topic name without wildcards, only with
 * it.  The schema has checked the shapes.
 */
static void
check_withdraw(const struct assay_forms *f, const struct assay_spec *s,
    const struct entry *e, const char *file, struct assay_diag *d, int *bad)
{
	static const char *const dep[] = { "withdraw-method", "withdraw-body",
	    "grant-body" };
	const char *svc = entry_fact(e, "withdraw-service");
	const char *ch = entry_fact(e, "processing-channel");
	const char *topic = entry_fact(e, "processing-topic");
	const struct entry *c = NULL;
	const char *dir, *ep;
	long line = e->facts_line, si, cm;
	size_t i, k;

	if (svc != NULL && entry_fact(e, "withdraw-path") == NULL) {
		assay_diag_add(d, file, line, "entry \"%s\": withdraw-service "
		    "without withdraw-path (where the withdrawal is sent)",
		    e->id);
		*bad = 1;
	}
	if (svc == NULL) {
		for (i = 0; i < sizeof(dep) / sizeof(dep[0]); i++) {
			if (entry_fact(e, dep[i]) == NULL)
				continue;
			assay_diag_add(d, file, line, "entry \"%s\": %s given, "
			    "but no withdraw-service (the request it belongs "
			    "to)", e->id, dep[i]);
			*bad = 1;
		}
	} else if ((si = find_service(f, svc)) < 0) {
		assay_diag_add(d, file, line, "entry \"%s\": withdraw-service "
		    "\"%s\" is not a declared service", e->id, svc);
		*bad = 1;
	} else if (!proto_in(f->services[si].protocol, web_protos)) {
		assay_diag_add(d, file, line, "entry \"%s\": withdraw-service "
		    "\"%s\" speaks %s, not http or https", e->id, svc,
		    f->services[si].protocol);
		*bad = 1;
	}
	if (topic != NULL && ch == NULL) {
		assay_diag_add(d, file, line, "entry \"%s\": processing-topic "
		    "without processing-channel", e->id);
		*bad = 1;
	}
	if (topic != NULL && (*topic == '\0' || strpbrk(topic, "+#") != NULL)) {
		assay_diag_add(d, file, line, "entry \"%s\": processing-topic "
		    "\"%.80s\" must be one topic name, without the wildcards + "
		    "and #", e->id, topic);
		*bad = 1;
	}
	if (ch == NULL)
		return;
	if ((cm = assay_spec_ixit_find(s, "11-ComMech")) >= 0)
		for (k = 0; k < f->items[cm].nentries && c == NULL; k++)
			if (strcmp(f->items[cm].entries[k].id, ch) == 0)
				c = &f->items[cm].entries[k];
	dir = c != NULL ? entry_fact(c, "direction") : NULL;
	ep = c != NULL ? entry_fact(c, "endpoint") : NULL;
	if (c == NULL || dir == NULL || strcmp(dir, "outbound") != 0 ||
	    ep == NULL || (strncmp(ep, "mqtt://", 7) != 0 &&
	    strncmp(ep, "mqtts://", 8) != 0)) {
		assay_diag_add(d, file, line, "entry \"%s\": processing-channel "
		    "\"%s\" must be an outbound 11-ComMech entry with an mqtt "
		    "or mqtts endpoint", e->id, ch);
		*bad = 1;
	}
}

/*
 * The machine form of a 25-DelFunc deletion function (5.11-1-2, 5.11-4-1
 * invoke it; docs/facts.md): the delete-* and data-* facts only with
 * delete-path, which goes with delete-service, a declared HTTP(S) service
 * (the lab's credential for it makes the request); a marker Assay creates
 * must be sent (%m once in data-create-body, no other %) and looked for
 * (data-check-path), so data-create-path needs both.  The schema has
 * checked the shapes of paths, methods and the confirmation.
 */
static void
check_delfunc(const struct assay_forms *f, const struct entry *e,
    const char *file, struct assay_diag *d, int *bad)
{
	static const char *const dep[] = { "delete-method", "delete-body",
	    "delete-confirmation", "data-create-path", "data-create-body",
	    "data-check-path" };
	const char *svc = entry_fact(e, "delete-service");
	const char *path = entry_fact(e, "delete-path");
	const char *cpath = entry_fact(e, "data-create-path");
	const char *cbody = entry_fact(e, "data-create-body");
	const char *p;
	long line = e->facts_line, si;
	size_t i;
	int nm, other;

	if ((svc == NULL) != (path == NULL)) {
		assay_diag_add(d, file, line, "entry \"%s\": delete-service "
		    "and delete-path go together (the deletion is a request to "
		    "a path on a declared HTTP(S) service)", e->id);
		*bad = 1;
	}
	if (path == NULL) {
		for (i = 0; i < sizeof(dep) / sizeof(dep[0]); i++) {
			if (entry_fact(e, dep[i]) == NULL)
				continue;
			assay_diag_add(d, file, line, "entry \"%s\": %s given, "
			    "but no delete-path (the deletion it belongs to)",
			    e->id, dep[i]);
			*bad = 1;
		}
	}
	if (svc != NULL) {
		if ((si = find_service(f, svc)) < 0) {
			assay_diag_add(d, file, line, "entry \"%s\": "
			    "delete-service \"%s\" is not a declared service",
			    e->id, svc);
			*bad = 1;
		} else if (!proto_in(f->services[si].protocol, web_protos)) {
			assay_diag_add(d, file, line, "entry \"%s\": "
			    "delete-service \"%s\" speaks %s, not http or "
			    "https", e->id, svc, f->services[si].protocol);
			*bad = 1;
		}
	}
	if ((cpath == NULL) != (cbody == NULL)) {
		assay_diag_add(d, file, line, "entry \"%s\": data-create-path "
		    "and data-create-body go together (where and what Assay "
		    "posts to create its marker datum)", e->id);
		*bad = 1;
	}
	if (cpath != NULL && entry_fact(e, "data-check-path") == NULL) {
		assay_diag_add(d, file, line, "entry \"%s\": data-create-path "
		    "without data-check-path: the marker could never be looked "
		    "for", e->id);
		*bad = 1;
	}
	if (cbody == NULL)
		return;
	for (p = cbody, nm = other = 0; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		if (p[1] == 'm')
			nm++;
		else
			other++;
		if (p[1] != '\0')
			p++;
	}
	if (nm != 1 || other != 0) {
		assay_diag_add(d, file, line, "entry \"%s\": data-create-body "
		    "\"%.80s\" must hold %%m (the marker) once and no other %%",
		    e->id, cbody);
		*bad = 1;
	}
}
