/*
 * fuzz_utf8.c - libFuzzer target: base/utf8.h and base/term.h on any
 * bytes.  assay_utf8_valid() agrees with a naive reference decoder; the
 * sanitiser's output is well-formed, unchanged for well-formed input and
 * idempotent; its XML mode leaves no character XML 1.0 forbids; the
 * terminal escape leaves no raw control, C1 or bidi character.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/term.h"
#include "base/utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reference: the definition of UTF-8 (RFC 3629), written the slow way. */
static int
naive_valid(const uint8_t *p, size_t n)
{
	size_t i = 0, len, k;
	uint32_t cp;

	while (i < n) {
		if (p[i] == 0)
			return 0;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			len = 2;
			cp = p[i] & 0x1fu;
		} else if ((p[i] & 0xf0) == 0xe0) {
			len = 3;
			cp = p[i] & 0x0fu;
		} else if ((p[i] & 0xf8) == 0xf0) {
			len = 4;
			cp = p[i] & 0x07u;
		} else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3fu);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

static void
check_xml(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = strlen(s);
	uint32_t cp;

	while (i < n) {
		i += assay_utf8_next(p + i, n - i, &cp);
		if (cp == ASSAY_UTF8_BAD || !assay_utf8_xml_char(cp))
			abort();
	}
}

static void
check_term(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = strlen(s);
	uint32_t cp;

	while (i < n) {
		i += assay_utf8_next(p + i, n - i, &cp);
		if (cp == ASSAY_UTF8_BAD || assay_utf8_control(cp) ||
		    assay_utf8_bidi(cp) || cp == 0x2028 || cp == 0x2029)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *c, *c2, *z, buf[256];

	if (size > 65536)
		return 0;
	if (assay_utf8_valid((const char *)data, size) !=
	    naive_valid(data, size))
		abort();
	if ((c = assay_utf8_clean((const char *)data, size, 0)) == NULL)
		return 0;
	if (!assay_utf8_valid(c, strlen(c)))
		abort();
	if (naive_valid(data, size) && (strlen(c) != size ||
	    memcmp(c, data, size) != 0))
		abort();
	if ((c2 = assay_utf8_clean(c, strlen(c), 0)) != NULL &&
	    strcmp(c, c2) != 0)
		abort();
	free(c2);
	if ((c2 = assay_utf8_clean((const char *)data, size,
	    ASSAY_UTF8_XML)) != NULL)
		check_xml(c2);
	free(c2);
	/* The terminal escape works on C strings: up to the first NUL. */
	if ((z = malloc(size + 1)) != NULL) {
		memcpy(z, data, size);
		z[size] = '\0';
		check_term(assay_term_esc(buf, sizeof(buf), z));
		free(z);
	}
	free(c);
	return 0;
}
