/*
 * coap_codec.c - CoAP message, option, Block2 and link-format codec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "probe/probe.h"
#include "probe/coap_codec.h"

#define OPT_MAX_LEN	(65535 + 269)

/*
 * Reads an option delta or length whose 4-bit field is nib, with its
 * extended bytes (RFC 7252 3.1).  Returns 0, or -1 when reserved (15) or
 * cut short.
 */
static int
opt_ext(const unsigned char *d, size_t len, size_t *off, unsigned int nib,
    unsigned int *v)
{
	if (nib < 13) {
		*v = nib;
		return 0;
	}
	if (nib == 13 && *off + 1 <= len) {
		*v = 13u + d[*off];
		*off += 1;
		return 0;
	}
	if (nib == 14 && *off + 2 <= len) {
		*v = 269u + (((unsigned int)d[*off] << 8) | d[*off + 1]);
		*off += 2;
		return 0;
	}
	return -1;
}

int
assay_coap_parse(const unsigned char *d, size_t len, struct assay_coap_msg *m,
    char *why, size_t wlen)
{
	size_t off, i;
	unsigned int delta, olen, nib, onum = 0;
	unsigned long v;
	char ex[96];

	memset(m, 0, sizeof(*m));
	m->content_format = -1;
	if (d == NULL)
		len = 0;
	assay_probe_excerpt(d, len, 8, 16, ex, sizeof(ex));
	if (len < 4) {
		snprintf(why, wlen, "not CoAP: %zu-byte datagram %s", len, ex);
		return ASSAY_ERR_PARSE;
	}
	if ((d[0] >> 6) != 1) {
		snprintf(why, wlen, "not CoAP: version %d in %s", d[0] >> 6, ex);
		return ASSAY_ERR_PARSE;
	}
	m->type = (d[0] >> 4) & 3;
	m->tkl = d[0] & 0x0f;
	m->cls = d[1] >> 5;
	m->detail = d[1] & 0x1f;
	m->mid = ((unsigned int)d[2] << 8) | d[3];
	if (m->tkl > 8 || 4 + (size_t)m->tkl > len) {
		snprintf(why, wlen, "not CoAP: token length %d in %s", m->tkl, ex);
		return ASSAY_ERR_PARSE;
	}
	m->token = d + 4;
	off = 4 + (size_t)m->tkl;
	while (off < len && d[off] != 0xff) {
		nib = d[off++];
		if (opt_ext(d, len, &off, nib >> 4, &delta) != 0 ||
		    opt_ext(d, len, &off, nib & 0x0f, &olen) != 0)
			goto bad;
		if (olen > len - off)
			goto bad;
		onum += delta;
		if (onum == ASSAY_COAP_OPT_CONTENT_FORMAT ||
		    onum == ASSAY_COAP_OPT_BLOCK2) {
			if (olen > (onum == ASSAY_COAP_OPT_BLOCK2 ? 3u : 2u))
				goto bad;
			for (v = 0, i = 0; i < olen; i++)
				v = (v << 8) | d[off + i];
			if (onum == ASSAY_COAP_OPT_CONTENT_FORMAT)
				m->content_format = (int)v;
			else {
				m->has_block2 = 1;
				m->block2 = v;
			}
		}
		off += olen;
	}
	if (off < len) {
		off++;	/* the 0xff payload marker */
		if (off == len) {
			snprintf(why, wlen, "not CoAP: payload marker without "
			    "payload");
			return ASSAY_ERR_PARSE;
		}
	}
	m->payload = d + off;
	m->payload_len = len - off;
	return 0;
 bad:
	snprintf(why, wlen, "not CoAP: bad option at byte %zu of %zu in %s", off,
	    len, ex);
	return ASSAY_ERR_PARSE;
}

int
assay_coap_put_option(struct assay_buf *b, unsigned int delta, const void *val,
    size_t len)
{
	unsigned char h[5];
	size_t n = 1;
	unsigned int dn, ln;

	if (len > OPT_MAX_LEN || delta > OPT_MAX_LEN || (val == NULL && len > 0))
		return ASSAY_ERR_INVALID_ARG;
	dn = delta < 13 ? delta : (delta < 269 ? 13 : 14);
	ln = len < 13 ? (unsigned int)len : (len < 269 ? 13 : 14);
	h[0] = (unsigned char)(dn << 4 | ln);
	if (dn == 13)
		h[n++] = (unsigned char)(delta - 13);
	else if (dn == 14) {
		h[n++] = (unsigned char)((delta - 269) >> 8);
		h[n++] = (unsigned char)(delta - 269);
	}
	if (ln == 13)
		h[n++] = (unsigned char)(len - 13);
	else if (ln == 14) {
		h[n++] = (unsigned char)((len - 269) >> 8);
		h[n++] = (unsigned char)(len - 269);
	}
	if (assay_buf_put(b, h, n) != 0)
		return ASSAY_ERR_TOO_BIG;
	return assay_buf_put(b, val, len);
}

int
assay_coap_build_get(struct assay_buf *b, const char *path, unsigned int mid,
    const unsigned char token[ASSAY_COAP_TOKEN_LEN], unsigned long block_num,
    unsigned int szx)
{
	return assay_coap_build_request(b, ASSAY_COAP_GET, path, mid, token,
	    block_num, szx, -1, NULL, 0);
}

int
assay_coap_build_request(struct assay_buf *b, int method, const char *path,
    unsigned int mid, const unsigned char token[ASSAY_COAP_TOKEN_LEN],
    unsigned long block_num, unsigned int szx, int content_format,
    const void *payload, size_t plen)
{
	unsigned char hdr[4 + ASSAY_COAP_TOKEN_LEN], bv[3], cf[2];
	const char *s, *e;
	unsigned int last = 0;
	unsigned long v;
	size_t n;
	int r;

	if (b == NULL || path == NULL || token == NULL || szx > 6 ||
	    block_num > 0xfffffUL || strlen(path) > ASSAY_COAP_MAX_PATH_LEN ||
	    (method != ASSAY_COAP_GET && method != ASSAY_COAP_POST &&
	    method != ASSAY_COAP_PUT) || content_format > 65535 ||
	    plen > ASSAY_COAP_MAX_REQUEST_PAYLOAD ||
	    (payload == NULL && plen > 0) ||
	    (method == ASSAY_COAP_GET && plen > 0))
		return ASSAY_ERR_INVALID_ARG;
	hdr[0] = 0x40 | (ASSAY_COAP_CON << 4) | ASSAY_COAP_TOKEN_LEN;
	hdr[1] = (unsigned char)method;
	hdr[2] = (unsigned char)(mid >> 8);
	hdr[3] = (unsigned char)mid;
	memcpy(hdr + 4, token, ASSAY_COAP_TOKEN_LEN);
	if ((r = assay_buf_put(b, hdr, sizeof(hdr))) != 0)
		return r;
	for (s = path; *s != '\0'; s = e) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		if ((e = strchr(s, '/')) == NULL)
			e = s + strlen(s);
		if ((r = assay_coap_put_option(b, ASSAY_COAP_OPT_URI_PATH - last,
		    s, (size_t)(e - s))) != 0)
			return r;
		last = ASSAY_COAP_OPT_URI_PATH;
	}
	if (content_format >= 0) {
		/* uint option, shortest form: 0 is the empty value. */
		n = content_format == 0 ? 0 : (content_format < 256 ? 1 : 2);
		cf[0] = (unsigned char)(n == 2 ? content_format >> 8 :
		    content_format);
		cf[1] = (unsigned char)content_format;
		if ((r = assay_coap_put_option(b, ASSAY_COAP_OPT_CONTENT_FORMAT -
		    last, cf, n)) != 0)
			return r;
		last = ASSAY_COAP_OPT_CONTENT_FORMAT;
	}
	if (block_num > 0) {
		v = (block_num << 4) | szx;
		n = v < 256 ? 1 : (v < 65536 ? 2 : 3);
		bv[0] = (unsigned char)(v >> ((n - 1) * 8));
		bv[1] = (unsigned char)(v >> ((n > 1 ? n - 2 : 0) * 8));
		bv[2] = (unsigned char)v;
		if ((r = assay_coap_put_option(b, ASSAY_COAP_OPT_BLOCK2 - last,
		    bv, n)) != 0)
			return r;
	}
	if (plen > 0) {
		if ((r = assay_buf_put(b, "\xff", 1)) != 0)
			return r;
		return assay_buf_put(b, payload, plen);
	}
	return 0;
}

void
assay_coap_build_ack(unsigned int mid, unsigned char out[4])
{
	out[0] = 0x40 | (ASSAY_COAP_ACK << 4);
	out[1] = 0;
	out[2] = (unsigned char)(mid >> 8);
	out[3] = (unsigned char)mid;
}

int
assay_coap_block2_next(unsigned long block2, unsigned long *next_num,
    unsigned int *szx)
{
	if ((block2 & 8) == 0 || (block2 >> 4) >= 0xfffffUL)
		return 0;
	*next_num = (block2 >> 4) + 1;
	*szx = (unsigned int)(block2 & 7);
	if (*szx == 7)
		*szx = 6;
	return 1;
}

static const struct {
	int		 code;
	const char	*name;
} code_names[] = {
	{ 201, "Created" }, { 202, "Deleted" }, { 203, "Valid" },
	{ 204, "Changed" }, { 205, "Content" }, { 231, "Continue" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 402, "Bad Option" },
	{ 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
	{ 408, "Request Entity Incomplete" }, { 409, "Conflict" },
	{ 412, "Precondition Failed" }, { 413, "Request Entity Too Large" },
	{ 415, "Unsupported Content-Format" }, { 422, "Unprocessable Entity" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
	{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" }, { 505, "Proxying Not Supported" },
};

const char *
assay_coap_code_name(int cls, int detail)
{
	size_t i;

	for (i = 0; i < sizeof(code_names) / sizeof(code_names[0]); i++)
		if (code_names[i].code == cls * 100 + detail)
			return code_names[i].name;
	return "unknown code";
}

/* RFC 6690 link format */

struct coap_attr {
	char	*name;
	char	*value;		/* NULL: flag */
};

struct coap_link {
	char			*href;
	struct coap_attr	*attrs;
	size_t			 nattrs;
};

struct assay_coap_links {
	struct coap_link	*links;
	size_t			 nlinks;
	char			*error;
};

static char *
dupn(const char *s, size_t n)
{
	char *p;

	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static int
link_err(struct assay_coap_links *res, size_t off, const char *what)
{
	char m[128];

	snprintf(m, sizeof(m), "link format: %s at byte %zu", what, off);
	if ((res->error = strdup(m)) == NULL)
		return ASSAY_ERR_ALLOC;
	return 0;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Parses into res; a malformed payload stops with res->error set. */
static int
parse_links(struct assay_coap_links *res, const char *s, size_t len)
{
	struct coap_link *nl, *l;
	struct coap_attr *na, *a;
	size_t i = 0, st, vst, vlen, k;
	char *v;

	while (i < len) {
		while (i < len && is_space(s[i]))
			i++;
		if (i == len)
			break;
		if (s[i] != '<')
			return link_err(res, i, "expected '<'");
		st = ++i;
		while (i < len && s[i] != '>')
			i++;
		if (i == len)
			return link_err(res, st, "unterminated '<'");
		if (res->nlinks >= ASSAY_COAP_MAX_RESOURCES)
			return link_err(res, st, "too many links");
		if ((nl = reallocarray(res->links, res->nlinks + 1,
		    sizeof(*nl))) == NULL)
			return ASSAY_ERR_ALLOC;
		res->links = nl;
		l = &res->links[res->nlinks];
		memset(l, 0, sizeof(*l));
		if ((l->href = dupn(s + st, i - st)) == NULL)
			return ASSAY_ERR_ALLOC;
		res->nlinks++;
		i++;
		while (i < len && s[i] == ';') {
			st = ++i;
			while (i < len && s[i] != '=' && s[i] != ';' && s[i] != ',')
				i++;
			if (i == st)
				return link_err(res, st, "empty attribute name");
			if (l->nattrs >= ASSAY_COAP_MAX_ATTRS)
				return link_err(res, st, "too many attributes");
			if ((na = reallocarray(l->attrs, l->nattrs + 1,
			    sizeof(*na))) == NULL)
				return ASSAY_ERR_ALLOC;
			l->attrs = na;
			a = &l->attrs[l->nattrs];
			memset(a, 0, sizeof(*a));
			if ((a->name = dupn(s + st, i - st)) == NULL)
				return ASSAY_ERR_ALLOC;
			l->nattrs++;
			if (i == len || s[i] != '=')
				continue;	/* flag */
			i++;
			if (i < len && s[i] == '"') {
				vst = ++i;
				while (i < len && s[i] != '"')
					i += s[i] == '\\' && i + 1 < len ? 2 : 1;
				if (i >= len)
					return link_err(res, vst,
					    "unterminated quoted string");
				vlen = i - vst;
				i++;
			} else {
				vst = i;
				while (i < len && s[i] != ';' && s[i] != ',')
					i++;
				vlen = i - vst;
			}
			if ((v = malloc(vlen + 1)) == NULL)
				return ASSAY_ERR_ALLOC;
			for (k = 0; vlen > 0; vst++, vlen--) {
				if (s[vst] == '\\' && vlen > 1) {
					vst++;
					vlen--;
				}
				v[k++] = s[vst];
			}
			v[k] = '\0';
			a->value = v;
		}
		if (i < len && s[i] != ',')
			return link_err(res, i, "expected ',' or ';'");
		i++;
	}
	return 0;
}

int
assay_coap_links_parse(const char *s, size_t len, struct assay_coap_links **lp)
{
	struct assay_coap_links *l;
	int r;

	if (lp == NULL || (s == NULL && len > 0))
		return ASSAY_ERR_INVALID_ARG;
	*lp = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((r = parse_links(l, s, len)) != 0) {
		assay_coap_links_free(l);
		return r;
	}
	*lp = l;
	return 0;
}

void
assay_coap_links_free(struct assay_coap_links *l)
{
	size_t i, j;

	if (l == NULL)
		return;
	for (i = 0; i < l->nlinks; i++) {
		for (j = 0; j < l->links[i].nattrs; j++) {
			free(l->links[i].attrs[j].name);
			free(l->links[i].attrs[j].value);
		}
		free(l->links[i].attrs);
		free(l->links[i].href);
	}
	free(l->links);
	free(l->error);
	free(l);
}

size_t
assay_coap_links_count(const struct assay_coap_links *l)
{
	return l == NULL ? 0 : l->nlinks;
}

const char *
assay_coap_links_href(const struct assay_coap_links *l, size_t i,
    size_t *nattrs)
{
	if (l == NULL || i >= l->nlinks)
		return NULL;
	if (nattrs != NULL)
		*nattrs = l->links[i].nattrs;
	return l->links[i].href;
}

int
assay_coap_links_attr(const struct assay_coap_links *l, size_t i, size_t j,
    const char **name, const char **value)
{
	if (l == NULL || i >= l->nlinks || j >= l->links[i].nattrs)
		return ASSAY_ERR_INVALID_ARG;
	if (name != NULL)
		*name = l->links[i].attrs[j].name;
	if (value != NULL)
		*value = l->links[i].attrs[j].value;
	return 0;
}

const char *
assay_coap_links_error(const struct assay_coap_links *l)
{
	return l == NULL ? NULL : l->error;
}
