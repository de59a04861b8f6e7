/*
 * diag.h - a list of diagnostics, each "file:line: message".
 *
 * Loaders (forms, catalogue) report every problem they find, not only the
 * first, into one of these; the CLI prints them.  Line 0 means "no line".
 * An entry is an error unless added with assay_diag_warn(): warnings print
 * as "file:line: warning: message" and do not make a load fail.
 */
#ifndef ASSAY_DIAG_H
#define ASSAY_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct assay_diag;

struct assay_diag	*assay_diag_new(void);
void			 assay_diag_free(struct assay_diag *d);
/* Adds one diagnostic; the strings are copied.  Never fails visibly. */
void			 assay_diag_add(struct assay_diag *d, const char *file,
			    long line, const char *fmt, ...)
			    __attribute__((format(printf, 4, 5)));
/* Adds a warning: printed with "warning: ", never a reason to fail. */
void			 assay_diag_warn(struct assay_diag *d, const char *file,
			    long line, const char *fmt, ...)
			    __attribute__((format(printf, 4, 5)));
/* Entries (errors and warnings, including those not kept). */
size_t			 assay_diag_count(const struct assay_diag *d);
/* Errors only: entries not added as warnings. */
size_t			 assay_diag_nerrors(const struct assay_diag *d);
/* 1 if the i-th entry is a warning. */
int			 assay_diag_is_warning(const struct assay_diag *d, size_t i);
/* Borrowed pointers to the i-th entry's parts, valid while d lives. */
const char		*assay_diag_file(const struct assay_diag *d, size_t i);
long			 assay_diag_line(const struct assay_diag *d, size_t i);
const char		*assay_diag_message(const struct assay_diag *d, size_t i);
/* Prints every diagnostic as "file:line: [warning: ]message\n". */
void			 assay_diag_print(const struct assay_diag *d, FILE *fp);
/* Returns the index of the first entry whose message contains needle, or -1. */
long			 assay_diag_find(const struct assay_diag *d, const char *needle);

#endif /* ASSAY_DIAG_H */
