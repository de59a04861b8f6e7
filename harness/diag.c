/*
 * diag.c - a list of diagnostics.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

#define DIAG_MAX	10000	/* a hostile form must not make us print forever */

struct diag_entry {
	char	*file;
	long	 line;
	char	*msg;
};

struct assay_diag {
	struct diag_entry	*v;
	size_t			 n, alloc;
	size_t			 dropped;
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

void
assay_diag_add(struct assay_diag *d, const char *file, long line,
    const char *fmt, ...)
{
	struct diag_entry *e;
	va_list ap;
	char *msg = NULL;

	if (d == NULL)
		return;
	if (d->n >= DIAG_MAX) {
		d->dropped++;
		return;
	}
	if (d->n == d->alloc) {
		size_t na = d->alloc ? d->alloc * 2 : 16;
		if ((e = realloc(d->v, na * sizeof(*e))) == NULL)
			return;
		d->v = e;
		d->alloc = na;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg == NULL)
		return;
	e = &d->v[d->n];
	e->file = strdup(file != NULL ? file : "-");
	e->line = line;
	e->msg = msg;
	if (e->file == NULL) {
		free(msg);
		return;
	}
	d->n++;
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
		if (d->v[i].line > 0)
			fprintf(fp, "%s:%ld: %s\n", d->v[i].file, d->v[i].line,
			    d->v[i].msg);
		else
			fprintf(fp, "%s: %s\n", d->v[i].file, d->v[i].msg);
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
