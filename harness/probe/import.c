/*
 * import.c - nmap, testssl.sh and sslscan reports as external evidence
 * (import.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <lauxlib.h>
#include <lua.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/file.h"
#include "base/hash.h"
#include "probe/artefact.h"
#include "probe/dissect.h"
#include "probe/import.h"
#include "probe/import_json.h"
#include "probe/lua.h"
#include "probe/probe.h"

static const char *const tool_names[] = { "nmap", "testssl", "sslscan",
    NULL };

const char *
assay_import_tool_name(int tool)
{
	if (tool < 0 || tool > ASSAY_IMPORT_SSLSCAN)
		return NULL;
	return tool_names[tool];
}

int
assay_import_tool_of(const char *name)
{
	int i;

	for (i = 0; name != NULL && tool_names[i] != NULL; i++)
		if (strcmp(name, tool_names[i]) == 0)
			return i;
	return -1;
}

static int
say(char *why, size_t whylen, int r, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
say(char *why, size_t whylen, int r, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whylen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return r;
}

/* --- XML with the forms' rules ------------------------------------------ */

struct xstate {
	int			 tool;
	int			 depth;
	int			 hostile;
	int			 errors;
	char			*why;
	size_t			 whylen;
	startElementNsSAX2Func	 start;
	endElementNsSAX2Func	 end;
};

static void
x_stop(xmlParserCtxtPtr ctxt, struct xstate *xs, const char *what)
{
	if (!xs->hostile && xs->errors == 0)
		(void)say(xs->why, xs->whylen, 0, "line %d: %s",
		    xmlSAX2GetLineNumber(ctxt), what);
	xs->hostile = 1;
	xmlStopParser(ctxt);
}

static void
x_error(void *ctx, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xstate *xs = ctxt != NULL ? ctxt->_private : NULL;
	char msg[300];
	size_t n;

	if (xs == NULL || e == NULL || e->level == XML_ERR_WARNING ||
	    xs->hostile)
		return;
	if (xs->errors++ == 0) {
		(void)snprintf(msg, sizeof(msg), "%s", e->message != NULL ?
		    e->message : "not well-formed");
		n = strlen(msg);
		while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		(void)say(xs->why, xs->whylen, 0, "line %d: %s", e->line,
		    msg);
	}
}

/* Anything libxml2 would print outside a parse context: dropped. */
static void
x_quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

/*
 * nmap writes "<!DOCTYPE nmaprun>": a name, no identifiers, no subset,
 * harmless.  Anything more (an external identifier, an internal subset,
 * another tool's report with a DOCTYPE at all) ends the parse.  libxml2
 * reads a '[' right after the '>' as an internal subset too
 * ("<!DOCTYPE nmaprun>[ ... ]"): refused as well.
 */
static void
x_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id,
    const xmlChar *sys_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xstate *xs = ctxt->_private;
	const xmlChar *cur = ctxt->input != NULL ? ctxt->input->cur : NULL;

	if (xs->tool == ASSAY_IMPORT_NMAP && name != NULL &&
	    xmlStrcmp(name, (const xmlChar *)"nmaprun") == 0 &&
	    ext_id == NULL && sys_id == NULL && cur != NULL &&
	    cur[0] == '>' && cur[1] != '[')
		return;
	x_stop(ctxt, xs, "DOCTYPE is not allowed (only nmap's bare "
	    "<!DOCTYPE nmaprun>)");
}

/*
 * A processing instruction or comment inside a DOCTYPE's subset: only
 * reachable past x_doctype's checks, never in a report.  libxml2 would
 * attach it to the subset node x_doctype never builds, and lose it.
 */
static void
x_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	xmlParserCtxtPtr ctxt = ctx;

	if (ctxt->inSubset != 0) {
		x_stop(ctxt, ctxt->_private, "DOCTYPE with a subset");
		return;
	}
	xmlSAX2ProcessingInstruction(ctx, target, data);
}

static void
x_comment(void *ctx, const xmlChar *value)
{
	xmlParserCtxtPtr ctxt = ctx;

	if (ctxt->inSubset != 0) {
		x_stop(ctxt, ctxt->_private, "DOCTYPE with a subset");
		return;
	}
	xmlSAX2Comment(ctx, value);
}

static void
x_entity(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
    const xmlChar *sys, xmlChar *content)
{
	(void)name;
	(void)type;
	(void)pub;
	(void)sys;
	(void)content;
	x_stop(ctx, ((xmlParserCtxtPtr)ctx)->_private, "entity declarations "
	    "are not allowed");
}

static void
x_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xstate *xs = ctxt->_private;

	if (xs->hostile)
		return;
	if (++xs->depth > ASSAY_IMPORT_MAX_DEPTH) {
		x_stop(ctxt, xs, "elements nested deeper than the cap");
		return;
	}
	xs->start(ctx, localname, prefix, uri, nb_namespaces, namespaces,
	    nb_attributes, nb_defaulted, attributes);
}

static void
x_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xstate *xs = ctxt->_private;

	if (xs->hostile)
		return;
	xs->depth--;
	xs->end(ctx, localname, prefix, uri);
}

static int
xml_read(int tool, const char *p, size_t len, xmlDocPtr *docp, char *why,
    size_t whylen)
{
	xmlStructuredErrorFunc old_handler = xmlStructuredError;
	void *old_ctx = xmlStructuredErrorContext;
	xmlParserCtxtPtr ctxt;
	struct xstate xs;
	xmlDocPtr doc;
	int r;

	*docp = NULL;
	if (len > (size_t)ASSAY_IMPORT_MAX_FILE)
		return say(why, whylen, ASSAY_ERR_TOO_BIG, "%zu bytes, more "
		    "than the %d-byte cap", len, ASSAY_IMPORT_MAX_FILE);
	if (memchr(p, '\0', len) != NULL)
		return say(why, whylen, ASSAY_ERR_PARSE, "NUL byte: not an "
		    "XML report");
	memset(&xs, 0, sizeof(xs));
	xs.tool = tool;
	xs.why = why;
	xs.whylen = whylen;
	xmlInitParser();
	xmlSetStructuredErrorFunc(NULL, x_quiet);
	if ((ctxt = xmlCreateMemoryParserCtxt(p, (int)len)) == NULL) {
		xmlSetStructuredErrorFunc(old_ctx, old_handler);
		return ASSAY_ERR_ALLOC;
	}
	/* No NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, HUGE. */
	(void)xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NODICT |
	    XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS);
	ctxt->_private = &xs;
	ctxt->sax->initialized = XML_SAX2_MAGIC;
	ctxt->sax->serror = x_error;
	ctxt->sax->error = NULL;
	ctxt->sax->warning = NULL;
	ctxt->vctxt.error = NULL;
	ctxt->vctxt.warning = NULL;
	ctxt->sax->internalSubset = x_doctype;
	ctxt->sax->externalSubset = NULL;
	ctxt->sax->entityDecl = x_entity;
	ctxt->sax->processingInstruction = x_pi;
	ctxt->sax->comment = x_comment;
	ctxt->sax->resolveEntity = NULL;
	ctxt->sax->getParameterEntity = NULL;
	xs.start = ctxt->sax->startElementNs;
	xs.end = ctxt->sax->endElementNs;
	ctxt->sax->startElementNs = x_start;
	ctxt->sax->endElementNs = x_end;
	(void)xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (xs.hostile)
		r = ASSAY_ERR_HOSTILE_XML;
	else if (doc == NULL || !ctxt->wellFormed || xs.errors > 0) {
		if (xs.errors == 0)
			(void)say(why, whylen, 0, "not well-formed XML");
		r = ASSAY_ERR_PARSE;
	} else if (doc->intSubset != NULL || doc->extSubset != NULL) {
		/* x_doctype never builds one; never trust one path. */
		(void)say(why, whylen, 0, "DOCTYPE with a subset");
		r = ASSAY_ERR_HOSTILE_XML;
	} else
		r = 0;
	ctxt->_private = NULL;
	xmlFreeParserCtxt(ctxt);
	xmlSetStructuredErrorFunc(old_ctx, old_handler);
	if (r != 0) {
		xmlFreeDoc(doc);
		return r;
	}
	*docp = doc;
	return 0;
}

static int
is(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

static xmlNodePtr
kid(xmlNodePtr n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
		if (is(n, name))
			return n;
	return NULL;
}

/* Sets string field key from attribute name of n, if there. */
static int
set_attr(struct assay_fact *f, const char *key, xmlNodePtr n,
    const char *name)
{
	xmlChar *v;
	int r;

	if (f == NULL || n == NULL ||
	    (v = xmlGetProp(n, (const xmlChar *)name)) == NULL)
		return 0;
	r = assay_fact_set_str(f, key, v, strlen((const char *)v));
	xmlFree(v);
	return r;
}

/* The text of element n as field key. */
static int
set_text(struct assay_fact *f, const char *key, xmlNodePtr n)
{
	xmlChar *v;
	size_t l;
	int r;

	if (f == NULL || n == NULL || (v = xmlNodeGetContent(n)) == NULL)
		return 0;
	l = strlen((const char *)v);
	/* sslscan indents inside CDATA-less elements: trim. */
	while (l > 0 && (v[l - 1] == '\n' || v[l - 1] == ' '))
		l--;
	r = assay_fact_set_str(f, key, v, l);
	xmlFree(v);
	return r;
}

/*
 * Integer attribute name of n in lo..hi as field key; absent is fine,
 * anything else is a report that does not say what it should.
 */
static int
set_int_attr(struct assay_fact *f, const char *key, xmlNodePtr n,
    const char *name, long lo, long hi, char *why, size_t whylen)
{
	xmlChar *v;
	char *end;
	long x;
	int r;

	if (n == NULL || (v = xmlGetProp(n, (const xmlChar *)name)) == NULL)
		return 0;
	x = strtol((const char *)v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end != '\0' || x < lo || x > hi) {
		r = say(why, whylen, ASSAY_ERR_PARSE, "line %ld: <%s %s=\"%.40s\">"
		    " is not a number in %ld..%ld", xmlGetLineNo(n), n->name,
		    name, (const char *)v, lo, hi);
		xmlFree(v);
		return r;
	}
	xmlFree(v);
	return f != NULL ? assay_fact_set_int(f, key, x) : 0;
}

/* A boolean attribute or text: "1"/"true" or "0"/"false". */
static int
set_bool_str(struct assay_fact *f, const char *key, xmlNodePtr at,
    xmlChar *v, char *why, size_t whylen)
{
	int r;

	if (v == NULL)
		return 0;
	if (xmlStrcmp(v, (const xmlChar *)"1") == 0 ||
	    xmlStrcmp(v, (const xmlChar *)"true") == 0)
		r = f != NULL ? assay_fact_set_bool(f, key, 1) : 0;
	else if (xmlStrcmp(v, (const xmlChar *)"0") == 0 ||
	    xmlStrcmp(v, (const xmlChar *)"false") == 0)
		r = f != NULL ? assay_fact_set_bool(f, key, 0) : 0;
	else
		r = say(why, whylen, ASSAY_ERR_PARSE, "line %ld: <%s> says "
		    "\"%.40s\" where a boolean belongs", xmlGetLineNo(at),
		    at->name, (const char *)v);
	xmlFree(v);
	return r;
}

static struct assay_fact *
add(struct assay_facts *fs, const char *section, int *err)
{
	*err = 0;
	return assay_facts_add(fs, section, 0, -1, err);
}

/* --- nmap -oX ------------------------------------------------------------ */

static int
nmap_host(struct assay_facts *fs, xmlNodePtr h, char *why, size_t whylen)
{
	struct assay_fact *f;
	xmlNodePtr n, a = NULL, ps, p;
	xmlChar *addr = NULL;
	int r;

	/* The IP address names the host; a MAC address is a detail. */
	for (n = h->children; n != NULL; n = n->next) {
		if (!is(n, "address"))
			continue;
		if (a == NULL)
			a = n;
		if ((addr = xmlGetProp(n, (const xmlChar *)"addrtype")) !=
		    NULL && xmlStrncmp(addr, (const xmlChar *)"ipv", 3) == 0) {
			xmlFree(addr);
			a = n;
			break;
		}
		xmlFree(addr);
	}
	if (a == NULL)
		return say(why, whylen, ASSAY_ERR_PARSE, "line %ld: <host> "
		    "without an <address>", xmlGetLineNo(h));
	f = add(fs, "host", &r);
	if (r != 0)
		return r;
	if ((r = set_attr(f, "addr", a, "addr")) != 0 ||
	    (r = set_attr(f, "addrtype", a, "addrtype")) != 0 ||
	    (r = set_attr(f, "state", kid(h, "status"), "state")) != 0)
		return r;
	if (f != NULL && (r = assay_fact_list(f, "hostnames")) != 0)
		return r;
	for (n = kid(kid(h, "hostnames"), "hostname"); n != NULL;
	    n = n->next) {
		if (f == NULL || !is(n, "hostname") ||
		    (addr = xmlGetProp(n, (const xmlChar *)"name")) == NULL)
			continue;
		r = assay_fact_list_add(f, "hostnames", addr,
		    strlen((const char *)addr));
		xmlFree(addr);
		if (r != 0)
			return r;
	}
	if ((ps = kid(h, "ports")) == NULL)
		return 0;
	for (p = ps->children; p != NULL; p = p->next) {
		if (!is(p, "port"))
			continue;
		if ((r = set_int_attr(NULL, "port", p, "portid", 0, 65535,
		    why, whylen)) != 0)
			return r;
		f = add(fs, "port", &r);
		if (r != 0)
			return r;
		if ((r = set_attr(f, "addr", a, "addr")) != 0 ||
		    (r = set_attr(f, "protocol", p, "protocol")) != 0 ||
		    (r = set_int_attr(f, "port", p, "portid", 0, 65535, why,
		    whylen)) != 0 ||
		    (r = set_attr(f, "state", kid(p, "state"), "state")) != 0 ||
		    (r = set_attr(f, "reason", kid(p, "state"), "reason")) != 0 ||
		    (r = set_attr(f, "service", kid(p, "service"), "name")) != 0 ||
		    (r = set_attr(f, "product", kid(p, "service"),
		    "product")) != 0 ||
		    (r = set_attr(f, "version", kid(p, "service"),
		    "version")) != 0 ||
		    (r = set_attr(f, "tunnel", kid(p, "service"), "tunnel")) != 0)
			return r;
	}
	return 0;
}

static int
nmap_parse(xmlNodePtr root, struct assay_facts *fs, char *why,
    size_t whylen)
{
	struct assay_fact *f;
	xmlNodePtr n;
	int r;

	if (!is(root, "nmaprun"))
		return say(why, whylen, ASSAY_ERR_PARSE, "root element is "
		    "<%s>, not nmap's <nmaprun>", root != NULL ?
		    (const char *)root->name : "(none)");
	f = add(fs, "scan", &r);
	if (r != 0)
		return r;
	if ((r = set_attr(f, "args", root, "args")) != 0 ||
	    (r = set_attr(f, "version", root, "version")) != 0 ||
	    (r = set_attr(f, "start", root, "startstr")) != 0)
		return r;
	for (n = root->children; n != NULL; n = n->next)
		if (is(n, "host") && (r = nmap_host(fs, n, why, whylen)) != 0)
			return r;
	return 0;
}

/* --- sslscan --xml ------------------------------------------------------- */

static int
sslscan_cert(struct assay_facts *fs, xmlNodePtr c, char *why, size_t whylen)
{
	struct assay_fact *f;
	xmlNodePtr n;
	int r;

	f = add(fs, "certificate", &r);
	if (r != 0)
		return r;
	for (n = c->children; n != NULL; n = n->next) {
		if (is(n, "subject"))
			r = set_text(f, "subject", n);
		else if (is(n, "issuer"))
			r = set_text(f, "issuer", n);
		else if (is(n, "altnames"))
			r = set_text(f, "altnames", n);
		else if (is(n, "signature-algorithm"))
			r = set_text(f, "signature_algorithm", n);
		else if (is(n, "not-valid-before"))
			r = set_text(f, "not_before", n);
		else if (is(n, "not-valid-after"))
			r = set_text(f, "not_after", n);
		else if (is(n, "pk")) {
			if ((r = set_attr(f, "pk_type", n, "type")) == 0)
				r = set_int_attr(f, "pk_bits", n, "bits", 0,
				    1 << 20, why, whylen);
		} else if (is(n, "self-signed"))
			r = set_bool_str(f, "self_signed", n,
			    xmlNodeGetContent(n), why, whylen);
		else if (is(n, "expired"))
			r = set_bool_str(f, "expired", n,
			    xmlNodeGetContent(n), why, whylen);
		if (r != 0)
			return r;
	}
	return 0;
}

/* Walks what sslscan says of one target (t), certificates at any depth. */
static int
sslscan_walk(struct assay_facts *fs, xmlNodePtr t, char *why, size_t whylen)
{
	struct assay_fact *f;
	xmlNodePtr n;
	int r;

	for (n = t->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		r = 0;
		if (is(n, "protocol")) {
			f = add(fs, "protocol", &r);
			if (r == 0)
				r = set_attr(f, "type", n, "type");
			if (r == 0)
				r = set_attr(f, "version", n, "version");
			if (r == 0)
				r = set_bool_str(f, "enabled", n, xmlGetProp(n,
				    (const xmlChar *)"enabled"), why, whylen);
		} else if (is(n, "cipher")) {
			if ((r = set_int_attr(NULL, "bits", n, "bits", 0, 65535,
			    why, whylen)) != 0)
				return r;
			f = add(fs, "cipher", &r);
			if (r == 0)
				r = set_attr(f, "status", n, "status");
			if (r == 0)
				r = set_attr(f, "sslversion", n, "sslversion");
			if (r == 0)
				r = set_int_attr(f, "bits", n, "bits", 0, 65535,
				    why, whylen);
			if (r == 0)
				r = set_attr(f, "cipher", n, "cipher");
			if (r == 0)
				r = set_attr(f, "strength", n, "strength");
		} else if (is(n, "certificate"))
			r = sslscan_cert(fs, n, why, whylen);
		else if (is(n, "certificates"))
			r = sslscan_walk(fs, n, why, whylen);
		if (r != 0)
			return r;
	}
	return 0;
}

static int
sslscan_parse(xmlNodePtr root, struct assay_facts *fs, char *why,
    size_t whylen)
{
	struct assay_fact *f;
	xmlNodePtr t;
	int r, any = 0;

	if (!is(root, "document"))
		return say(why, whylen, ASSAY_ERR_PARSE, "root element is "
		    "<%s>, not sslscan's <document>", root != NULL ?
		    (const char *)root->name : "(none)");
	for (t = root->children; t != NULL; t = t->next) {
		if (!is(t, "ssltest"))
			continue;
		any = 1;
		if ((r = set_int_attr(NULL, "port", t, "port", 0, 65535, why,
		    whylen)) != 0)
			return r;
		f = add(fs, "target", &r);
		if (r != 0)
			return r;
		if ((r = set_attr(f, "host", t, "host")) != 0 ||
		    (r = set_attr(f, "sniname", t, "sniname")) != 0 ||
		    (r = set_int_attr(f, "port", t, "port", 0, 65535, why,
		    whylen)) != 0 ||
		    (r = sslscan_walk(fs, t, why, whylen)) != 0)
			return r;
	}
	/* An sslscan that could not connect writes no <ssltest>. */
	if (!any)
		return say(why, whylen, ASSAY_ERR_PARSE, "no <ssltest>: "
		    "sslscan reached no target");
	return 0;
}

/* --- testssl.sh --jsonfile ------------------------------------------------ */

static int
testssl_parse(const char *p, size_t len, struct assay_facts *fs, char *why,
    size_t whylen)
{
	static const char *const req[] = { "id", "severity", "finding", NULL };
	static const char *const opt[] = { "ip", "port", "cve", "cwe", NULL };
	struct assay_jv *doc = NULL;
	const struct assay_jv *e, *v;
	struct assay_fact *f;
	size_t i, k;
	int r;

	if ((r = assay_json_parse(p, len, &doc, why, whylen)) != 0)
		return r;
	if (doc->type != ASSAY_JSON_ARR) {
		/* --jsonfile-pretty writes an object: say which to use. */
		r = say(why, whylen, ASSAY_ERR_PARSE, "not testssl.sh's flat "
		    "--jsonfile array (an %s; --jsonfile-pretty is not read)",
		    doc->type == ASSAY_JSON_OBJ ? "object" : "scalar");
		goto out;
	}
	/* Every element checked before any fact: all or nothing. */
	for (i = 0; i < doc->n; i++) {
		e = &doc->v[i];
		if (e->type != ASSAY_JSON_OBJ) {
			r = say(why, whylen, ASSAY_ERR_PARSE, "element %zu is "
			    "not an object", i + 1);
			goto out;
		}
		for (k = 0; req[k] != NULL; k++) {
			v = assay_json_get(e, req[k]);
			if (v == NULL || v->type != ASSAY_JSON_STR) {
				r = say(why, whylen, ASSAY_ERR_PARSE, "element "
				    "%zu: \"%s\" %s", i + 1, req[k], v == NULL ?
				    "is missing" : "is not a string");
				goto out;
			}
		}
		for (k = 0; opt[k] != NULL; k++) {
			v = assay_json_get(e, opt[k]);
			if (v != NULL && v->type != ASSAY_JSON_STR &&
			    !(v->type == ASSAY_JSON_NUM &&
			    strcmp(opt[k], "port") == 0)) {
				r = say(why, whylen, ASSAY_ERR_PARSE, "element "
				    "%zu: \"%s\" is not a string", i + 1,
				    opt[k]);
				goto out;
			}
		}
	}
	for (i = 0; i < doc->n; i++) {
		e = &doc->v[i];
		f = add(fs, "finding", &r);
		if (r != 0)
			goto out;
		if (f == NULL)
			continue;
		for (k = 0; req[k] != NULL; k++) {
			v = assay_json_get(e, req[k]);
			if ((r = assay_fact_set_str(f, req[k], v->s,
			    v->slen)) != 0)
				goto out;
		}
		for (k = 0; opt[k] != NULL; k++) {
			if ((v = assay_json_get(e, opt[k])) == NULL)
				continue;
			if ((r = assay_fact_set_str(f, opt[k], v->s,
			    v->slen)) != 0)
				goto out;
		}
	}
	r = 0;
 out:
	assay_json_free(doc);
	return r;
}

int
assay_import_parse(int tool, const char *p, size_t len,
    struct assay_facts *fs, char *why, size_t whylen)
{
	xmlDocPtr doc;
	int r;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (assay_import_tool_name(tool) == NULL || fs == NULL ||
	    (p == NULL && len > 0))
		return ASSAY_ERR_INVALID_ARG;
	if (len > (size_t)ASSAY_IMPORT_MAX_FILE)
		return say(why, whylen, ASSAY_ERR_TOO_BIG, "%zu bytes, more "
		    "than the %d-byte cap", len, ASSAY_IMPORT_MAX_FILE);
	if (len == 0)
		return say(why, whylen, ASSAY_ERR_PARSE, "empty file");
	if (tool == ASSAY_IMPORT_TESTSSL)
		return testssl_parse(p, len, fs, why, whylen);
	if ((r = xml_read(tool, p, len, &doc, why, whylen)) != 0)
		return r;
	if (tool == ASSAY_IMPORT_NMAP)
		r = nmap_parse(xmlDocGetRootElement(doc), fs, why, whylen);
	else
		r = sslscan_parse(xmlDocGetRootElement(doc), fs, why, whylen);
	xmlFreeDoc(doc);
	return r;
}

/* --- assay.net.import ------------------------------------------------------ */

static void
facts_box_free(void *p)
{
	assay_facts_free(p);
}

/* Fact sections per tool and their lists in the Lua result. */
static const char *const sections[][5] = {
	{ "scan", "host", "port", NULL, NULL },
	{ "finding", NULL, NULL, NULL, NULL },
	{ "target", "protocol", "cipher", "certificate", NULL },
};
static const char *const lua_names[][5] = {
	{ "scans", "hosts", "ports", NULL, NULL },
	{ "findings", NULL, NULL, NULL, NULL },
	{ "targets", "protocols", "ciphers", "certificates", NULL },
};

/* The kind among the tools that declares id, or -1. */
static int
declared_kind(lua_State *L, const char *id)
{
	int tool, found = -1;

	for (tool = 0; tool <= ASSAY_IMPORT_SSLSCAN && found < 0; tool++) {
		lua_pushfstring(L, "assay.artefact.%s", tool_names[tool]);
		if (lua_rawget(L, LUA_REGISTRYINDEX) == LUA_TTABLE &&
		    lua_getfield(L, -1, "ids") == LUA_TTABLE &&
		    lua_getfield(L, -1, id) == LUA_TTABLE)
			found = tool;
		lua_settop(L, 1);
	}
	return found;
}

static int
l_import(lua_State *L)
{
	static const char *const known[] = { "id", NULL };
	struct assay_artefact_ref ref;
	const struct assay_fact *f;
	struct assay_facts **box;
	struct assay_buf *b = NULL;
	const char *id;
	char why[512], hex[65];
	size_t i, j, k, counts[4];
	int tool, r;

	assay_lua_opts(L, "import", known);
	id = assay_lua_req_str(L, "import", "id");
	lua_settop(L, 1);
	if ((tool = declared_kind(L, id)) < 0)
		return assay_lua_argerror(L, "import", "id \"%.48s\" is not "
		    "an nmap, testssl or sslscan report the lab set-up file "
		    "declares", id);
	assay_artefact_resolve(L, "import", tool_names[tool], &ref);
	if (ref.missing) {
		(void)snprintf(why, sizeof(why), "import %.48s: %.300s is gone "
		    "since the lab set-up was loaded", ref.id, ref.path);
		return assay_lua_fail(L, why);
	}
	r = assay_file_read(ref.path, ASSAY_IMPORT_MAX_FILE, &b);
	if (r == ASSAY_ERR_ALLOC)
		return assay_lua_harness_error(L, "import", r, 0);
	if (r != 0) {
		(void)snprintf(why, sizeof(why), "import %.48s: %.300s: %s",
		    ref.id, ref.path, assay_strerror(r));
		return assay_lua_fail(L, why);
	}
	(void)assay_sha256_hex(assay_buf_data(b), assay_buf_len(b), hex);
	/* What is read must be what the loader hashed and recorded. */
	if (ref.sha256[0] != '\0' && strcmp(ref.sha256, hex) != 0) {
		assay_buf_free(b);
		(void)snprintf(why, sizeof(why), "import %.48s: the file "
		    "changed since the lab set-up was loaded (sha256 %s, then "
		    "%s)", ref.id, hex, ref.sha256);
		return assay_lua_fail(L, why);
	}
	box = (struct assay_facts **)assay_lua_box(L, facts_box_free);
	if ((*box = assay_facts_new(ASSAY_IMPORT_MAX_FACTS)) == NULL) {
		assay_buf_free(b);
		return assay_lua_harness_error(L, "import", ASSAY_ERR_ALLOC, 0);
	}
	r = assay_import_parse(tool, assay_buf_data(b), assay_buf_len(b),
	    *box, why, sizeof(why));
	assay_buf_free(b);
	if (r == ASSAY_ERR_ALLOC || r == ASSAY_ERR_INVALID_ARG)
		return assay_lua_harness_error(L, "import", r, 0);
	if (r != 0) {
		char msg[700];

		(void)snprintf(msg, sizeof(msg), "import %.48s: not a usable "
		    "%s report: %s", ref.id, tool_names[tool], why);
		assay_probe_note(assay_probe_env_get(L), "import", "%s", msg);
		return assay_lua_fail(L, msg);
	}
	assay_probe_note(assay_probe_env_get(L), "import", "%s: %s report %s, "
	    "sha256 %s: external evidence (TS 103 701 clause 4.7), %zu facts"
	    "%s", ref.id, tool_names[tool], ref.path, hex,
	    assay_facts_count(*box), assay_facts_dropped(*box) > 0 ?
	    ", some dropped at the cap" : "");
	lua_createtable(L, 0, 12);
	lua_pushstring(L, tool_names[tool]);
	lua_setfield(L, -2, "tool");
	lua_pushstring(L, ref.id);
	lua_setfield(L, -2, "id");
	lua_pushstring(L, ref.path);
	lua_setfield(L, -2, "file");
	lua_pushstring(L, hex);
	lua_setfield(L, -2, "sha256");
	lua_pushboolean(L, 1);
	lua_setfield(L, -2, "external");
	lua_pushstring(L, "TS 103 701 clause 4.7");
	lua_setfield(L, -2, "basis");
	lua_pushinteger(L, (lua_Integer)assay_facts_dropped(*box));
	lua_setfield(L, -2, "facts_dropped");
	for (k = 0; sections[tool][k] != NULL; k++) {
		lua_newtable(L);
		lua_setfield(L, -2, lua_names[tool][k]);
		counts[k] = 0;
	}
	for (i = 0; (f = assay_facts_get(*box, i)) != NULL; i++) {
		for (k = 0; sections[tool][k] != NULL &&
		    strcmp(sections[tool][k], f->section) != 0; k++)
			;
		if (sections[tool][k] == NULL)
			continue;
		lua_getfield(L, -1, lua_names[tool][k]);
		lua_createtable(L, 0, (int)f->nfields);
		for (j = 0; j < f->nfields; j++) {
			assay_lua_push_field(L, &f->fields[j]);
			lua_setfield(L, -2, f->fields[j].key);
		}
		lua_rawseti(L, -2, (lua_Integer)++counts[k]);
		lua_pop(L, 1);
	}
	return 1;
}

void
assay_probe_import_lua_register(struct lua_State *L)
{
	lua_pushcfunction(L, l_import);
	lua_setfield(L, -2, "import");
}
