/*
 * term.c - visible escapes for console output of untrusted text.
 */
#include <stdio.h>
#include <string.h>

#include "base/term.h"
#include "base/utf8.h"

/* Longest escape of one character: \u202e, or \xNN per byte of 4. */
#define ESC_ONE_MAX	16

static int
invisible(uint32_t cp)
{
	return assay_utf8_bidi(cp) || cp == 0x200e || cp == 0x200f ||
	    cp == 0x061c || cp == 0x2028 || cp == 0x2029;
}

/*
 * The character at p (n > 0 bytes) as it is to be printed, into out
 * (ESC_ONE_MAX bytes, terminated).  Returns the bytes of p it takes.
 */
static size_t
esc_one(const unsigned char *p, size_t n, char *out)
{
	uint32_t cp;
	size_t len, i, o = 0;

	len = assay_utf8_next(p, n, &cp);
	if (cp == ASSAY_UTF8_BAD) {
		for (i = 0; i < len; i++)
			o += (size_t)snprintf(out + o, ESC_ONE_MAX - o, "\\x%02x",
			    p[i]);
	} else if (cp == '\n')
		snprintf(out, ESC_ONE_MAX, "\\n");
	else if (cp == '\r')
		snprintf(out, ESC_ONE_MAX, "\\r");
	else if (cp == '\t')
		snprintf(out, ESC_ONE_MAX, "\\t");
	else if (cp < 0x20 || cp == 0x7f)
		snprintf(out, ESC_ONE_MAX, "\\x%02x", (unsigned int)cp);
	else if (assay_utf8_control(cp) || invisible(cp))
		snprintf(out, ESC_ONE_MAX, "\\u%04x", (unsigned int)cp);
	else {
		memcpy(out, p, len);
		out[len] = '\0';
	}
	return len;
}

const char *
assay_term_esc(char *buf, size_t len, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char one[ESC_ONE_MAX];
	size_t i = 0, o = 0, n, k, total;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (s == NULL)
		return buf;
	total = strlen(s);
	while (i < total) {
		n = esc_one(p + i, total - i, one);
		k = strlen(one);
		if (o + k + 1 > len) {
			/* Cut: make room for "..." at a character boundary. */
			while (o > 0 && o + 4 > len) {
				o--;
				while (o > 0 &&
				    ((unsigned char)buf[o] & 0xc0) == 0x80)
					o--;
			}
			if (o + 4 <= len)
				memcpy(buf + o, "...", 4);
			else
				buf[o] = '\0';
			return buf;
		}
		memcpy(buf + o, one, k + 1);
		o += k;
		i += n;
	}
	return buf;
}

void
assay_term_fputs(const char *s, FILE *fp)
{
	const unsigned char *p = (const unsigned char *)s;
	char one[ESC_ONE_MAX];
	size_t i = 0, total;

	if (s == NULL)
		return;
	total = strlen(s);
	while (i < total) {
		i += esc_one(p + i, total - i, one);
		fputs(one, fp);
	}
}
