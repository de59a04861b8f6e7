/*
 * utf8.h - the one validating UTF-8 decoder and sanitiser.
 *
 * Device bytes (banners, algorithm names, error texts libssh passes on)
 * reach reasons and evidence unchecked.  Every string that enters a run's
 * result goes through assay_utf8_clean(), and every writer decodes with
 * assay_utf8_next(), so no report carries invalid UTF-8: overlong forms,
 * surrogates (U+D800-U+DFFF), code points above U+10FFFF, stray
 * continuation bytes and truncated sequences each become one U+FFFD per
 * maximal ill-formed subpart (Unicode 15, 3.9, "U+FFFD substitution of
 * maximal subparts", the practice of the WHATWG Encoding standard).
 * docs/text.md describes who applies what.
 */
#ifndef ASSAY_UTF8_H
#define ASSAY_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* What assay_utf8_next() returns in *cp for ill-formed bytes. */
#define ASSAY_UTF8_BAD		0xffffffffu
#define ASSAY_UTF8_REPLACEMENT	0xfffdu
/* The replacement character U+FFFD, encoded. */
#define ASSAY_UTF8_REPLACEMENT_STR	"\xef\xbf\xbd"

/* assay_utf8_clean() flags. */
#define ASSAY_UTF8_XML		0x1	/* also replace what XML 1.0 forbids */

/*
 * Decodes the character at p (n > 0 bytes available).  Returns the number
 * of bytes it takes (1 to 4, never more than n) and sets *cp to its code
 * point, or to ASSAY_UTF8_BAD when those bytes are a maximal ill-formed
 * subpart, to be replaced by one U+FFFD.
 */
size_t	assay_utf8_next(const unsigned char *p, size_t n, uint32_t *cp);
/* Encodes cp (<= U+10FFFF, no surrogate) into out (>= 4 bytes); length. */
size_t	assay_utf8_put(unsigned char *out, uint32_t cp);
/* 1 when s (len bytes) is well-formed UTF-8 without NUL, else 0. */
int	assay_utf8_valid(const char *s, size_t len);
/*
 * 1 for a character XML 1.0 allows (2.2 Char): tab, LF, CR, U+0020 and
 * above except surrogates, U+FFFE and U+FFFF.
 */
int	assay_utf8_xml_char(uint32_t cp);
/* 1 for C0 controls, DEL and C1 controls (U+0080-U+009F). */
int	assay_utf8_control(uint32_t cp);
/*
 * 1 for the bidirectional formatting characters that reorder text on
 * screen: embeddings and overrides U+202A-U+202E, isolates U+2066-U+2069
 * (Unicode TR 9; "Trojan Source", CVE-2021-42574).
 */
int	assay_utf8_bidi(uint32_t cp);
/*
 * A copy of s (len bytes) that is well-formed UTF-8: ill-formed subparts
 * and NUL bytes become U+FFFD; with ASSAY_UTF8_XML also every character
 * XML 1.0 does not allow.  Returns a malloc'd NUL-terminated string the
 * caller frees, or NULL when out of memory.
 */
char	*assay_utf8_clean(const char *s, size_t len, int flags);
/*
 * Replaces *sp (malloc'd, may be NULL) with its clean copy when it is not
 * well-formed UTF-8; leaves it alone otherwise.  Returns 0 or
 * ASSAY_ERR_ALLOC (then *sp is unchanged).
 */
int	assay_utf8_fix(char **sp);

#endif /* ASSAY_UTF8_H */
