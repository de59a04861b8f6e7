/*
 * term.h - text from a device or a form, made safe to print on a terminal.
 *
 * A banner carrying "ESC ]0;title BEL" or "ESC [2J", a reason with CR, a
 * form field with U+202E: printed raw they retitle, clear or rewrite the
 * assessor's screen.  Every console print of such text goes through
 * here, which shows control characters as visible escapes: \n \r \t,
 * \x1b for the other C0 controls and DEL, \u0085 for C1 controls,
 * \u202e for bidirectional formatting characters (U+202A-U+202E,
 * U+2066-U+2069, U+200E, U+200F, U+061C) and line/paragraph separators
 * (U+2028, U+2029), and \xNN for each byte of ill-formed UTF-8.
 * Everything else, including backslashes, is printed as it is.
 */
#ifndef ASSAY_TERM_H
#define ASSAY_TERM_H

#include <stddef.h>
#include <stdio.h>

/* A buffer size for assay_term_esc() that fits a console line. */
#define ASSAY_TERM_ESC_MAX	4096

/*
 * Writes s (NULL: nothing) escaped into buf (len >= 4 bytes, always
 * terminated).  Text that does not fit is cut at a character boundary
 * and ends in "...".  Returns buf, for use as a printf argument.
 */
const char	*assay_term_esc(char *buf, size_t len, const char *s);
/* Writes s (NULL: nothing) escaped to fp, whole. */
void	assay_term_fputs(const char *s, FILE *fp);

#endif /* ASSAY_TERM_H */
