/*
 * utf8.c - validating UTF-8 decoder and sanitiser.
 */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/utf8.h"

size_t
assay_utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t len, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	/* Unicode 15 table 3-7: the second byte's range depends on the first. */
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1fu;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0fu;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates U+D800-U+DFFF */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07u;
		if (c == 0xf0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		/* 0x80-0xc1 (continuation, overlong 2-byte), 0xf5-0xff. */
		*cp = ASSAY_UTF8_BAD;
		return 1;
	}
	for (i = 1; i < len; i++) {
		if (i >= n || p[i] < lo || p[i] > hi) {
			/* The maximal subpart ends before byte i. */
			*cp = ASSAY_UTF8_BAD;
			return i;
		}
		v = (v << 6) | (p[i] & 0x3fu);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return len;
}

size_t
assay_utf8_put(unsigned char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

int
assay_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		i += assay_utf8_next(p + i, len - i, &cp);
		if (cp == ASSAY_UTF8_BAD || cp == 0)
			return 0;
	}
	return 1;
}

int
assay_utf8_xml_char(uint32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	return cp != 0xfffe && cp != 0xffff && cp <= 0x10ffff;
}

int
assay_utf8_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

int
assay_utf8_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

char *
assay_utf8_clean(const char *s, size_t len, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char *out;
	size_t i = 0, o = 0, n;
	uint32_t cp;

	/* Each input byte becomes at most 3 output bytes (one U+FFFD). */
	if (len > (SIZE_MAX - 1) / 3 || (out = malloc(len * 3 + 1)) == NULL)
		return NULL;
	while (i < len) {
		n = assay_utf8_next(p + i, len - i, &cp);
		if (cp == ASSAY_UTF8_BAD || cp == 0 ||
		    ((flags & ASSAY_UTF8_XML) && !assay_utf8_xml_char(cp))) {
			memcpy(out + o, ASSAY_UTF8_REPLACEMENT_STR, 3);
			o += 3;
		} else {
			memcpy(out + o, p + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return (char *)out;
}

int
assay_utf8_fix(char **sp)
{
	char *c;

	if (*sp == NULL || assay_utf8_valid(*sp, strlen(*sp)))
		return 0;
	if ((c = assay_utf8_clean(*sp, strlen(*sp), 0)) == NULL)
		return ASSAY_ERR_ALLOC;
	free(*sp);
	*sp = c;
	return 0;
}
