/*
 * diag.c - a list of diagnostics.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/term.h"

#define DIAG_MAX	10000	/* a hostile form must not make us print forever */

struct diag_entry {
	char	*file;
	long	 line;
	char	*msg;
	int	 warning;
};

struct assay_diag {
	struct diag_entry	*v;
	size_t			 n, alloc;
	size_t			 dropped;
	size_t			 dropped_warnings;
};

struct assay_diag *
assay_diag_new(void)
{
	return calloc(1, sizeof(struct assay_diag));
}

void
assay_diag_free(struct assay_diag *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	free(d);
}

static void	add(struct assay_diag *, int, const char *, long, const char *,
	    va_list) __attribute__((format(printf, 5, 0)));

static void
add(struct assay_diag *d, int warning, const char *file, long line,
    const char *fmt, va_list ap)
{
	struct diag_entry *e;
	char *msg = NULL;

	if (d == NULL)
		return;
	if (d->n >= DIAG_MAX) {
		d->dropped++;
		if (warning)
			d->dropped_warnings++;
		return;
	}
	if (d->n == d->alloc) {
		size_t na = d->alloc ? d->alloc * 2 : 16;
		if ((e = realloc(d->v, na * sizeof(*e))) == NULL)
			return;
		d->v = e;
		d->alloc = na;
	}
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (msg == NULL)
		return;
	e = &d->v[d->n];
	e->file = strdup(file != NULL ? file : "-");
	e->line = line;
	e->msg = msg;
	e->warning = warning;
	if (e->file == NULL) {
		free(msg);
		return;
	}
	d->n++;
}

void
assay_diag_add(struct assay_diag *d, const char *file, long line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(d, 0, file, line, fmt, ap);
	va_end(ap);
}

void
assay_diag_warn(struct assay_diag *d, const char *file, long line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(d, 1, file, line, fmt, ap);
	va_end(ap);
}

size_t
assay_diag_nerrors(const struct assay_diag *d)
{
	size_t i, n = 0;

	if (d == NULL)
		return 0;
	for (i = 0; i < d->n; i++)
		if (!d->v[i].warning)
			n++;
	return n + d->dropped - d->dropped_warnings;
}

int
assay_diag_is_warning(const struct assay_diag *d, size_t i)
{
	return d != NULL && i < d->n && d->v[i].warning;
}

size_t
assay_diag_count(const struct assay_diag *d)
{
	return d == NULL ? 0 : d->n + d->dropped;
}

const char *
assay_diag_file(const struct assay_diag *d, size_t i)
{
	return i < d->n ? d->v[i].file : "";
}

long
assay_diag_line(const struct assay_diag *d, size_t i)
{
	return i < d->n ? d->v[i].line : 0;
}

const char *
assay_diag_message(const struct assay_diag *d, size_t i)
{
	return i < d->n ? d->v[i].msg : "";
}

void
assay_diag_print(const struct assay_diag *d, FILE *fp)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		const char *w = d->v[i].warning ? "warning: " : "";

		/* Messages quote form fields and device text: escaped. */
		assay_term_fputs(d->v[i].file, fp);
		if (d->v[i].line > 0)
			fprintf(fp, ":%ld", d->v[i].line);
		fprintf(fp, ": %s", w);
		assay_term_fputs(d->v[i].msg, fp);
		fputc('\n', fp);
	}
	if (d->dropped > 0)
		fprintf(fp, "... and %zu more problems not shown\n", d->dropped);
}

long
assay_diag_find(const struct assay_diag *d, const char *needle)
{
	size_t i;

	if (d == NULL)
		return -1;
	for (i = 0; i < d->n; i++)
		if (strstr(d->v[i].msg, needle) != NULL)
			return (long)i;
	return -1;
}
