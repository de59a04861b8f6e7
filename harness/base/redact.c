/*
 * redact.c - the spellings of a secret and the mask over all of them.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/redact.h"

/*
 * Shortest base64 run, cut out of a longer encoding, that is still
 * hidden: shorter ones would match ordinary base64 text by chance.
 */
#define MIN_BASE64_CORE	4
/*
 * Shortest encoded spelling masked: the hex of a one-letter secret ("73")
 * would blank every such number in a transcript.  The plain spelling is
 * always masked, however short.
 */
#define MIN_ENCODED	4

struct assay_redact {
	char	**pat;		/* longest first; same first byte together */
	size_t	 *len;
	unsigned char *tok;	/* 1: matched only as a whole token */
	size_t	  n, alloc;
	char	**allow;	/* public texts kept in clear */
	size_t	  nallow;
	size_t	  start[257];	/* pat[start[c]..start[c+1]) begin with c */
};

static const char B64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char B64URL[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* --- spellings ------------------------------------------------------------ */

struct emitter {
	int		(*fn)(void *, const char *, const char *);
	void		 *arg;
	struct assay_buf *b;
};

/* Hands the buffer to fn as one spelling, then wipes it. */
static int
emit(struct emitter *e, const char *kind)
{
	int r;

	if (assay_buf_truncated(e->b))
		return ASSAY_ERR_ALLOC;
	r = e->fn(e->arg, kind, assay_buf_data(e->b));
	assay_buf_reset(e->b);
	return r;
}

/* XML/HTML entity spellings; which: 0 text, 1 attribute, 2 all five, 3 html. */
static int
put_xml(struct assay_buf *b, const unsigned char *s, int which, int charref)
{
	int r = 0;

	for (; *s != '\0' && r == 0; s++) {
		if (*s == '&')
			r = assay_buf_puts(b, "&amp;");
		else if (*s == '<')
			r = assay_buf_puts(b, "&lt;");
		else if (*s == '>')
			r = assay_buf_puts(b, "&gt;");
		else if (*s == '"' && which >= 1)
			r = assay_buf_puts(b, "&quot;");
		else if (*s == '\'' && which == 2)
			r = assay_buf_puts(b, "&apos;");
		else if (*s == '\'' && which == 3)
			r = assay_buf_puts(b, "&#39;");
		else if (charref && *s >= 0x80) {
			/* One character reference per UTF-8 sequence. */
			unsigned long cp;
			int n = (*s & 0xe0) == 0xc0 ? 1 : (*s & 0xf0) == 0xe0 ?
			    2 : (*s & 0xf8) == 0xf0 ? 3 : -1;

			if (n < 0) {	/* not UTF-8: the byte as it is */
				r = assay_buf_put(b, s, 1);
				continue;
			}
			cp = (unsigned long)(*s & (0x3f >> n));
			while (n-- > 0 && (s[1] & 0xc0) == 0x80)
				cp = (cp << 6) | (unsigned long)(*++s & 0x3f);
			r = assay_buf_printf(b, "&#x%lX;", cp);
		} else
			r = assay_buf_put(b, s, 1);
	}
	return r;
}

/* JSON string body; ascii: non-ASCII as \uXXXX (surrogate pairs above U+FFFF). */
static int
put_json(struct assay_buf *b, const unsigned char *s, int ascii)
{
	int r = 0;

	for (; *s != '\0' && r == 0; s++) {
		if (*s == '"' || *s == '\\')
			r = assay_buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			r = assay_buf_puts(b, "\\n");
		else if (*s == '\r')
			r = assay_buf_puts(b, "\\r");
		else if (*s == '\t')
			r = assay_buf_puts(b, "\\t");
		else if (*s < 0x20 || *s == 0x7f)
			r = assay_buf_printf(b, "\\u%04x", *s);
		else if (ascii && *s >= 0x80) {
			unsigned long cp;
			int n = (*s & 0xe0) == 0xc0 ? 1 : (*s & 0xf0) == 0xe0 ?
			    2 : (*s & 0xf8) == 0xf0 ? 3 : -1;

			if (n < 0) {
				r = assay_buf_puts(b, "\\ufffd");
				continue;
			}
			cp = (unsigned long)(*s & (0x3f >> n));
			while (n-- > 0 && (s[1] & 0xc0) == 0x80)
				cp = (cp << 6) | (unsigned long)(*++s & 0x3f);
			if (cp >= 0x10000) {
				cp -= 0x10000;
				r = assay_buf_printf(b, "\\u%04lx\\u%04lx",
				    0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
			} else
				r = assay_buf_printf(b, "\\u%04lx", cp);
		} else
			r = assay_buf_put(b, s, 1);
	}
	return r;
}

/* Percent-encoding: all but RFC 3986 unreserved; plus: space as '+'. */
static int
put_url(struct assay_buf *b, const unsigned char *s, int upper, int plus)
{
	int r = 0;

	for (; *s != '\0' && r == 0; s++) {
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' ||
		    *s == '_' || *s == '~')
			r = assay_buf_put(b, s, 1);
		else if (*s == ' ' && plus)
			r = assay_buf_puts(b, "+");
		else
			r = assay_buf_printf(b, upper ? "%%%02X" : "%%%02x", *s);
	}
	return r;
}

static int
put_hex(struct assay_buf *b, const unsigned char *s, int upper)
{
	int r = 0;

	for (; *s != '\0' && r == 0; s++)
		r = assay_buf_printf(b, upper ? "%02X" : "%02x", *s);
	return r;
}

enum b64_mode {
	B64_CORE,	/* the characters that depend on s alone */
	B64_NOPAD,	/* standalone, no '=' (JWT, URL-safe tokens) */
	B64_PADDED	/* standalone, RFC 4648 */
};

/*
 * Base64 of skip zero bytes followed by s[0..len).  B64_CORE keeps only
 * the characters that depend on s alone: the run a longer encoding holds
 * wherever s starts at byte offset skip (mod 3) in it.
 */
static int
put_b64(struct assay_buf *b, const unsigned char *s, size_t len,
    const char *abc, size_t skip, enum b64_mode mode)
{
	size_t nbits = 8 * (skip + len), first, last, j;
	int r = 0;

	first = (8 * skip + 5) / 6;		/* first char free of the prefix */
	last = mode == B64_CORE ? nbits / 6 : (nbits + 5) / 6;
	for (j = first; j < last && r == 0; j++) {
		size_t bit = 6 * j, k;
		unsigned v = 0;

		for (k = 0; k < 6; k++) {
			size_t at = bit + k, byte = at / 8;
			unsigned c = byte < skip ? 0 : byte - skip < len ?
			    s[byte - skip] : 0;

			v = (v << 1) | ((c >> (7 - at % 8)) & 1u);
		}
		r = assay_buf_put(b, &abc[v], 1);
	}
	if (mode == B64_PADDED)
		for (j = last; j % 4 != 0 && r == 0; j++)
			r = assay_buf_puts(b, "=");
	return r;
}

/* Every base64 spelling of s in both alphabets; pair: a Basic-auth pair. */
static int
b64_all(struct emitter *e, const unsigned char *s, int pair)
{
	static const char *names[2][5] = {
	    { "base64", "base64-nopad", "base64-at0", "base64-at1", "base64-at2" },
	    { "base64url", "base64url-nopad", "base64url-at0", "base64url-at1",
	      "base64url-at2" } };
	static const char *pnames[2][2] = {
	    { "basic", "basic-nopad" }, { "basic-url", "basic-url-nopad" } };
	size_t len = strlen((const char *)s), skip;
	int a, r;

	for (a = 0; a < 2; a++) {
		const char *abc = a ? B64URL : B64;

		if ((r = put_b64(e->b, s, len, abc, 0, B64_PADDED)) != 0 ||
		    (r = emit(e, pair ? pnames[a][0] : names[a][0])) != 0 ||
		    (r = put_b64(e->b, s, len, abc, 0, B64_NOPAD)) != 0 ||
		    (r = emit(e, pair ? pnames[a][1] : names[a][1])) != 0)
			return r;
		if (pair)
			continue;
		/* Embedded in a longer encoding, at each of the 3 offsets. */
		for (skip = 0; skip < 3; skip++) {
			if ((r = put_b64(e->b, s, len, abc, skip, B64_CORE)) != 0)
				return r;
			if (assay_buf_len(e->b) < MIN_BASE64_CORE) {
				assay_buf_reset(e->b);
				continue;
			}
			if ((r = emit(e, names[a][2 + skip])) != 0)
				return r;
		}
	}
	return 0;
}

int
assay_redact_spellings(const char *secret, const char *user,
    int (*fn)(void *arg, const char *kind, const char *spelling), void *arg)
{
	const unsigned char *s = (const unsigned char *)secret;
	struct emitter e;
	size_t cap;
	int r, up, plus;

	if (secret == NULL || *secret == '\0')
		return 0;
	cap = 16 * (strlen(secret) + (user ? strlen(user) : 0)) + 64;
	e.fn = fn;
	e.arg = arg;
	if ((e.b = assay_buf_new(cap)) == NULL)
		return ASSAY_ERR_ALLOC;
	if (user != NULL) {
		/* HTTP Basic: base64 of "user:password" (RFC 7617). */
		if ((r = assay_buf_printf(e.b, "%s:%s", user, secret)) != 0)
			goto out;
		{
			char *pair = assay_buf_steal(e.b, NULL);

			if (pair == NULL) {
				r = ASSAY_ERR_ALLOC;
				goto out;
			}
			r = b64_all(&e, (const unsigned char *)pair, 1);
			OPENSSL_cleanse(pair, strlen(pair));
			free(pair);
		}
		goto out;
	}
	if ((r = assay_buf_puts(e.b, secret)) != 0 || (r = emit(&e, "raw")) != 0)
		goto out;
	if ((r = put_xml(e.b, s, 2, 0)) != 0 || (r = emit(&e, "xml")) != 0 ||
	    (r = put_xml(e.b, s, 0, 0)) != 0 || (r = emit(&e, "xml-text")) != 0 ||
	    (r = put_xml(e.b, s, 1, 0)) != 0 || (r = emit(&e, "xml-attr")) != 0 ||
	    (r = put_xml(e.b, s, 3, 0)) != 0 || (r = emit(&e, "html")) != 0 ||
	    (r = put_xml(e.b, s, 2, 1)) != 0 || (r = emit(&e, "xml-charref")) != 0 ||
	    (r = put_xml(e.b, s, 0, 1)) != 0 ||
	    (r = emit(&e, "xml-text-charref")) != 0)
		goto out;
	if ((r = put_json(e.b, s, 0)) != 0 || (r = emit(&e, "json")) != 0 ||
	    (r = put_json(e.b, s, 1)) != 0 || (r = emit(&e, "json-ascii")) != 0)
		goto out;
	for (plus = 0; plus < 2; plus++)
		for (up = 1; up >= 0; up--) {
			static const char *k[2][2] = {
			    { "url-lower", "url-upper" },
			    { "url-plus-lower", "url-plus-upper" } };

			if ((r = put_url(e.b, s, up, plus)) != 0 ||
			    (r = emit(&e, k[plus][up])) != 0)
				goto out;
		}
	if ((r = put_hex(e.b, s, 0)) != 0 || (r = emit(&e, "hex-lower")) != 0 ||
	    (r = put_hex(e.b, s, 1)) != 0 || (r = emit(&e, "hex-upper")) != 0)
		goto out;
	r = b64_all(&e, s, 0);
 out:
	assay_buf_free(e.b);
	return r;
}

/* --- the mask -------------------------------------------------------------- */

struct assay_redact *
assay_redact_new(void)
{
	return calloc(1, sizeof(struct assay_redact));
}

void
assay_redact_free(struct assay_redact *rd)
{
	size_t i;

	if (rd == NULL)
		return;
	for (i = 0; i < rd->n; i++) {
		OPENSSL_cleanse(rd->pat[i], rd->len[i]);
		free(rd->pat[i]);
	}
	free(rd->pat);
	free(rd->len);
	free(rd->tok);
	for (i = 0; i < rd->nallow; i++)
		free(rd->allow[i]);
	free(rd->allow);
	free(rd);
}

size_t
assay_redact_count(const struct assay_redact *rd)
{
	return rd != NULL ? rd->n : 0;
}

/* What add_pattern() fills: the mask, and whether the secret is weak. */
struct adder {
	struct assay_redact	*rd;
	int			 weak;
};

static int
add_pattern(void *arg, const char *kind, const char *s)
{
	struct adder *a = arg;
	struct assay_redact *rd = a->rd;
	size_t i, n = strlen(s);
	char **p;
	size_t *l;
	unsigned char *t;

	if (n == 0 || (strcmp(kind, "raw") != 0 && n < MIN_ENCODED))
		return 0;
	/*
	 * A weak secret's fragments inside a longer base64 text are never a
	 * whole token: matched anywhere, "admin" would hide any base64 text
	 * that happens to hold its characters.
	 */
	if (a->weak && strstr(kind, "-at") != NULL)
		return 0;
	for (i = 0; i < rd->n; i++)
		if (rd->len[i] == n && memcmp(rd->pat[i], s, n) == 0) {
			if (!a->weak)
				rd->tok[i] = 0;	/* strong wins */
			return 0;
		}
	if (rd->n == rd->alloc) {
		size_t na = rd->alloc ? 2 * rd->alloc : 32;

		if ((p = realloc(rd->pat, na * sizeof(*p))) == NULL)
			return ASSAY_ERR_ALLOC;
		rd->pat = p;
		if ((l = realloc(rd->len, na * sizeof(*l))) == NULL)
			return ASSAY_ERR_ALLOC;
		rd->len = l;
		if ((t = realloc(rd->tok, na)) == NULL)
			return ASSAY_ERR_ALLOC;
		rd->tok = t;
		rd->alloc = na;
	}
	if ((rd->pat[rd->n] = strdup(s)) == NULL)
		return ASSAY_ERR_ALLOC;
	rd->tok[rd->n] = a->weak != 0;
	rd->len[rd->n++] = n;
	return 0;
}

/* Sorts by first byte, then longest first, and indexes the first bytes. */
static void
reindex(struct assay_redact *rd)
{
	size_t i, j, c;

	/* Insertion sort: a few hundred spellings at most, filled once. */
	for (i = 1; i < rd->n; i++) {
		char *p = rd->pat[i];
		size_t l = rd->len[i];
		unsigned char t = rd->tok[i];
		unsigned char f = (unsigned char)p[0];

		for (j = i; j > 0; j--) {
			unsigned char g = (unsigned char)rd->pat[j - 1][0];

			if (g < f || (g == f && rd->len[j - 1] >= l))
				break;
			rd->pat[j] = rd->pat[j - 1];
			rd->len[j] = rd->len[j - 1];
			rd->tok[j] = rd->tok[j - 1];
		}
		rd->pat[j] = p;
		rd->len[j] = l;
		rd->tok[j] = t;
	}
	for (c = 0, i = 0; c < 256; c++) {
		rd->start[c] = i;
		while (i < rd->n && (unsigned char)rd->pat[i][0] == c)
			i++;
	}
	rd->start[256] = rd->n;
}

int
assay_redact_is_weak(const struct assay_secret *s)
{
	const unsigned char *p;
	size_t chars = 0;

	if (s == NULL || s->value == NULL)
		return 0;
	if (s->weak)
		return 1;
	/* Characters, not bytes: a UTF-8 continuation byte is not counted. */
	for (p = (const unsigned char *)s->value; *p != '\0'; p++)
		if ((*p & 0xC0) != 0x80)
			chars++;
	return chars < ASSAY_REDACT_WEAK_LEN;
}

/*
 * A byte that makes an adjacent weak spelling part of a longer word or a
 * path: an ASCII letter or digit, '/', '_', '-', or any byte of a
 * non-ASCII UTF-8 character.
 */
static int
word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '/' || c == '_' || c == '-';
}

int
assay_redact_add(struct assay_redact *rd, const struct assay_secret *s)
{
	struct adder a;
	int r = 0;

	if (rd == NULL || s == NULL || s->value == NULL || s->value[0] == '\0')
		return 0;
	a.rd = rd;
	a.weak = assay_redact_is_weak(s);
	r = assay_redact_spellings(s->value, NULL, add_pattern, &a);
	if (r == 0 && s->user != NULL)
		r = assay_redact_spellings(s->value, s->user, add_pattern, &a);
	reindex(rd);
	return r;
}

int
assay_redact_allow(struct assay_redact *rd, const char *text)
{
	char **v;

	if (rd == NULL || text == NULL || text[0] == '\0')
		return 0;
	if ((v = realloc(rd->allow, (rd->nallow + 1) * sizeof(*v))) == NULL)
		return ASSAY_ERR_ALLOC;
	rd->allow = v;
	if ((v[rd->nallow] = strdup(text)) == NULL)
		return ASSAY_ERR_ALLOC;
	rd->nallow++;
	return 0;
}

/* 1 when p[i..i+n) lies inside an occurrence of an allowed public text. */
static int
allowed(const struct assay_redact *rd, const unsigned char *p, size_t len,
    size_t i, size_t n)
{
	size_t a, m, s;

	for (a = 0; a < rd->nallow; a++) {
		m = strlen(rd->allow[a]);
		if (m < n || m > len)
			continue;
		s = i + n >= m ? i + n - m : 0;
		for (; s <= i && s + m <= len; s++)
			if (memcmp(p + s, rd->allow[a], m) == 0)
				return 1;
	}
	return 0;
}

int
assay_redact_into(const struct assay_redact *rd, struct assay_buf *b,
    const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i = 0, run = 0, k, end;
	int r;

	if (rd == NULL || rd->n == 0)
		return assay_buf_put(b, data, len);
	while (i < len) {
		end = rd->start[p[i] + 1];
		for (k = rd->start[p[i]]; k < end; k++)
			if (rd->len[k] <= len - i &&
			    memcmp(p + i, rd->pat[k], rd->len[k]) == 0 &&
			    (!rd->tok[k] || ((i == 0 || !word_byte(p[i - 1])) &&
			    (i + rd->len[k] == len ||
			    !word_byte(p[i + rd->len[k]])) &&
			    !allowed(rd, p, len, i, rd->len[k]))))
				break;
		if (k == end) {
			i++;
			continue;
		}
		if ((r = assay_buf_put(b, p + run, i - run)) != 0 ||
		    (r = assay_buf_puts(b, ASSAY_REDACT_MARK)) != 0)
			return r;
		i += rd->len[k];
		run = i;
	}
	return assay_buf_put(b, p + run, len - run);
}

char *
assay_redact_str(const struct assay_redact *rd, const char *s)
{
	struct assay_buf *b;
	char *out;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	/* The mark is at most 8 bytes where a secret was at least 1. */
	if ((b = assay_buf_new(n * 8 + 64)) == NULL)
		return NULL;
	out = assay_redact_into(rd, b, s, n) == 0 ? assay_buf_steal(b, NULL) :
	    NULL;
	assay_buf_free(b);
	return out;
}
