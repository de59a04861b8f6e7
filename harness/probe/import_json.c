/*
 * import_json.c - strict, bounded JSON reader (import_json.h).
 *
 * Recursive descent with an explicit depth cap, so the C stack is bounded
 * by ASSAY_JSON_MAX_DEPTH frames whatever the input.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/utf8.h"
#include "probe/import_json.h"

struct jp {
	const unsigned char	*p;
	size_t			 len, off;
	size_t			 nvalues;
	char			*why;
	size_t			 whylen;
};

static int
jerr(struct jp *j, int r, const char *fmt, ...)
{
	va_list ap;
	char msg[200];

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (j->why != NULL && j->whylen > 0)
		(void)snprintf(j->why, j->whylen, "JSON at byte %zu: %s",
		    j->off, msg);
	return r;
}

static void
ws(struct jp *j)
{
	while (j->off < j->len && (j->p[j->off] == ' ' ||
	    j->p[j->off] == '\t' || j->p[j->off] == '\n' ||
	    j->p[j->off] == '\r'))
		j->off++;
}

static void
jv_clear(struct assay_jv *v)
{
	size_t i;

	if (v == NULL)
		return;
	free(v->s);
	for (i = 0; i < v->n; i++) {
		jv_clear(&v->v[i]);
		if (v->k != NULL)
			free(v->k[i]);
	}
	free(v->v);
	free(v->k);
	memset(v, 0, sizeof(*v));
}

void
assay_json_free(struct assay_jv *v)
{
	jv_clear(v);
	free(v);
}

const struct assay_jv *
assay_json_get(const struct assay_jv *o, const char *key)
{
	size_t i;

	if (o == NULL || o->type != ASSAY_JSON_OBJ)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (strcmp(o->k[i], key) == 0)
			return &o->v[i];
	return NULL;
}

static int
hex4(struct jp *j, uint32_t *cp)
{
	size_t i;
	unsigned int c;

	*cp = 0;
	if (j->len - j->off < 4)
		return jerr(j, ASSAY_ERR_PARSE, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		c = j->p[j->off + i];
		*cp <<= 4;
		if (c >= '0' && c <= '9')
			*cp |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*cp |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*cp |= c - 'A' + 10;
		else
			return jerr(j, ASSAY_ERR_PARSE, "bad \\u escape");
	}
	j->off += 4;
	return 0;
}

/* At the opening quote; leaves a malloc'd, NUL-terminated copy. */
static int
str(struct jp *j, char **out, size_t *outlen)
{
	unsigned char *b = NULL, *nb;
	size_t n = 0, cap = 0, k;
	uint32_t cp, lo;
	int r;

	j->off++;
	for (;;) {
		unsigned char c;
		unsigned char tmp[4];
		size_t tl = 0;

		if (j->off >= j->len) {
			r = jerr(j, ASSAY_ERR_PARSE, "unterminated string");
			goto fail;
		}
		c = j->p[j->off];
		if (c == '"') {
			j->off++;
			break;
		}
		if (c < 0x20) {
			r = jerr(j, ASSAY_ERR_PARSE, "control character in a "
			    "string");
			goto fail;
		}
		if (c == '\\') {
			if (++j->off >= j->len) {
				r = jerr(j, ASSAY_ERR_PARSE, "truncated escape");
				goto fail;
			}
			c = j->p[j->off++];
			switch (c) {
			case '"': case '\\': case '/':
				tmp[tl++] = c;
				break;
			case 'b': tmp[tl++] = '\b'; break;
			case 'f': tmp[tl++] = '\f'; break;
			case 'n': tmp[tl++] = '\n'; break;
			case 'r': tmp[tl++] = '\r'; break;
			case 't': tmp[tl++] = '\t'; break;
			case 'u':
				if ((r = hex4(j, &cp)) != 0)
					goto fail;
				if (cp >= 0xdc00 && cp <= 0xdfff) {
					r = jerr(j, ASSAY_ERR_PARSE, "lone low "
					    "surrogate");
					goto fail;
				}
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (j->len - j->off < 2 ||
					    j->p[j->off] != '\\' ||
					    j->p[j->off + 1] != 'u') {
						r = jerr(j, ASSAY_ERR_PARSE,
						    "lone high surrogate");
						goto fail;
					}
					j->off += 2;
					if ((r = hex4(j, &lo)) != 0)
						goto fail;
					if (lo < 0xdc00 || lo > 0xdfff) {
						r = jerr(j, ASSAY_ERR_PARSE,
						    "bad surrogate pair");
						goto fail;
					}
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
				}
				if (cp == 0) {
					r = jerr(j, ASSAY_ERR_PARSE, "\\u0000 "
					    "in a string");
					goto fail;
				}
				tl = assay_utf8_put(tmp, cp);
				break;
			default:
				r = jerr(j, ASSAY_ERR_PARSE, "bad escape");
				goto fail;
			}
		} else {
			k = assay_utf8_next(j->p + j->off, j->len - j->off,
			    &cp);
			if (k == 0 || k > sizeof(tmp) || cp == ASSAY_UTF8_BAD) {
				r = jerr(j, ASSAY_ERR_PARSE, "invalid UTF-8");
				goto fail;
			}
			memcpy(tmp, j->p + j->off, k);
			tl = k;
			j->off += k;
		}
		if (n + tl > ASSAY_JSON_MAX_STR) {
			r = jerr(j, ASSAY_ERR_TOO_BIG, "string longer than %d "
			    "bytes", ASSAY_JSON_MAX_STR);
			goto fail;
		}
		if (n + tl + 1 > cap) {
			cap = cap == 0 ? 32 : cap * 2;
			if ((nb = realloc(b, cap)) == NULL) {
				r = ASSAY_ERR_ALLOC;
				goto fail;
			}
			b = nb;
		}
		memcpy(b + n, tmp, tl);
		n += tl;
	}
	if (b == NULL && (b = malloc(1)) == NULL)
		return ASSAY_ERR_ALLOC;
	b[n] = '\0';
	*out = (char *)b;
	*outlen = n;
	return 0;
 fail:
	free(b);
	return r;
}

static int
num(struct jp *j, struct assay_jv *v)
{
	size_t s = j->off;

	if (j->off < j->len && j->p[j->off] == '-')
		j->off++;
	if (j->off >= j->len)
		return jerr(j, ASSAY_ERR_PARSE, "truncated number");
	if (j->p[j->off] == '0')
		j->off++;
	else if (j->p[j->off] >= '1' && j->p[j->off] <= '9') {
		while (j->off < j->len && j->p[j->off] >= '0' &&
		    j->p[j->off] <= '9')
			j->off++;
	} else
		return jerr(j, ASSAY_ERR_PARSE, "bad number");
	if (j->off < j->len && j->p[j->off] == '.') {
		j->off++;
		if (j->off >= j->len || j->p[j->off] < '0' ||
		    j->p[j->off] > '9')
			return jerr(j, ASSAY_ERR_PARSE, "bad fraction");
		while (j->off < j->len && j->p[j->off] >= '0' &&
		    j->p[j->off] <= '9')
			j->off++;
	}
	if (j->off < j->len && (j->p[j->off] == 'e' || j->p[j->off] == 'E')) {
		j->off++;
		if (j->off < j->len && (j->p[j->off] == '+' ||
		    j->p[j->off] == '-'))
			j->off++;
		if (j->off >= j->len || j->p[j->off] < '0' ||
		    j->p[j->off] > '9')
			return jerr(j, ASSAY_ERR_PARSE, "bad exponent");
		while (j->off < j->len && j->p[j->off] >= '0' &&
		    j->p[j->off] <= '9')
			j->off++;
	}
	if (j->off - s > 64)
		return jerr(j, ASSAY_ERR_TOO_BIG, "number of more than 64 "
		    "characters");
	if ((v->s = malloc(j->off - s + 1)) == NULL)
		return ASSAY_ERR_ALLOC;
	memcpy(v->s, j->p + s, j->off - s);
	v->s[j->off - s] = '\0';
	v->slen = j->off - s;
	v->type = ASSAY_JSON_NUM;
	return 0;
}

static int
lit(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if (j->len - j->off < n || memcmp(j->p + j->off, w, n) != 0)
		return jerr(j, ASSAY_ERR_PARSE, "unexpected character");
	j->off += n;
	return 0;
}

/* Makes room for one more member of v (array or object). */
static int
grow(struct assay_jv *v, size_t *cap)
{
	struct assay_jv *nv;
	char **nk;
	size_t nc;

	if (v->n < *cap)
		return 0;
	nc = *cap == 0 ? 8 : *cap * 2;
	if ((nv = realloc(v->v, nc * sizeof(*nv))) == NULL)
		return ASSAY_ERR_ALLOC;
	v->v = nv;
	if (v->type == ASSAY_JSON_OBJ) {
		if ((nk = realloc(v->k, nc * sizeof(*nk))) == NULL)
			return ASSAY_ERR_ALLOC;
		v->k = nk;
	}
	*cap = nc;
	return 0;
}

static int
value(struct jp *j, struct assay_jv *v, int depth)
{
	size_t cap = 0, kl;
	char *key;
	int r;

	memset(v, 0, sizeof(*v));
	if (++j->nvalues > ASSAY_JSON_MAX_VALUES)
		return jerr(j, ASSAY_ERR_TOO_BIG, "more than %d values",
		    ASSAY_JSON_MAX_VALUES);
	ws(j);
	if (j->off >= j->len)
		return jerr(j, ASSAY_ERR_PARSE, "truncated: a value expected");
	switch (j->p[j->off]) {
	case '"':
		v->type = ASSAY_JSON_STR;
		return str(j, &v->s, &v->slen);
	case 't':
		v->type = ASSAY_JSON_BOOL;
		v->b = 1;
		return lit(j, "true");
	case 'f':
		v->type = ASSAY_JSON_BOOL;
		return lit(j, "false");
	case 'n':
		return lit(j, "null");
	case '[':
	case '{':
		break;
	default:
		return num(j, v);
	}
	if (depth >= ASSAY_JSON_MAX_DEPTH)
		return jerr(j, ASSAY_ERR_TOO_BIG, "nested deeper than %d",
		    ASSAY_JSON_MAX_DEPTH);
	v->type = j->p[j->off] == '[' ? ASSAY_JSON_ARR : ASSAY_JSON_OBJ;
	j->off++;
	ws(j);
	if (j->off < j->len && j->p[j->off] ==
	    (v->type == ASSAY_JSON_ARR ? ']' : '}')) {
		j->off++;
		return 0;
	}
	for (;;) {
		if ((r = grow(v, &cap)) != 0)
			return r;
		key = NULL;
		if (v->type == ASSAY_JSON_OBJ) {
			ws(j);
			if (j->off >= j->len || j->p[j->off] != '"')
				return jerr(j, ASSAY_ERR_PARSE, j->off >=
				    j->len ? "truncated: a key expected" :
				    "a key must be a string");
			if ((r = str(j, &key, &kl)) != 0)
				return r;
			ws(j);
			if (j->off >= j->len || j->p[j->off] != ':') {
				free(key);
				return jerr(j, ASSAY_ERR_PARSE, "':' expected");
			}
			j->off++;
			v->k[v->n] = key;
		}
		/* Counted first, so a failure below frees what was read. */
		r = value(j, &v->v[v->n++], depth + 1);
		if (r != 0)
			return r;
		ws(j);
		if (j->off >= j->len)
			return jerr(j, ASSAY_ERR_PARSE, "truncated: ',' or a "
			    "closing bracket expected");
		if (j->p[j->off] == ',') {
			j->off++;
			continue;
		}
		if (j->p[j->off] == (v->type == ASSAY_JSON_ARR ? ']' : '}')) {
			j->off++;
			return 0;
		}
		return jerr(j, ASSAY_ERR_PARSE, "',' or a closing bracket "
		    "expected");
	}
}

int
assay_json_parse(const char *p, size_t len, struct assay_jv **out,
    char *why, size_t whylen)
{
	struct jp j;
	struct assay_jv *v;
	int r;

	*out = NULL;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	memset(&j, 0, sizeof(j));
	j.p = (const unsigned char *)p;
	j.len = len;
	j.why = why;
	j.whylen = whylen;
	/* A UTF-8 byte-order mark, as some editors write. */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		j.off = 3;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((r = value(&j, v, 0)) == 0) {
		ws(&j);
		if (j.off != j.len)
			r = jerr(&j, ASSAY_ERR_PARSE, "trailing bytes after "
			    "the value");
	}
	if (r != 0) {
		assay_json_free(v);
		return r;
	}
	*out = v;
	return 0;
}
