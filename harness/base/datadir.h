/*
 * datadir.h - where Assay finds its data (spec CSVs, schemas, templates,
 * catalogue, report schema).
 *
 * Order: $ASSAY_DATADIR; the source tree when the running program lives in
 * the build tree; the installed data directory (<prefix>/share/assay); the
 * source tree as a last resort.  A directory counts only if it holds
 * spec/en303645_v2.1.1_provisions.csv.
 */
#ifndef ASSAY_DATADIR_H
#define ASSAY_DATADIR_H

#include <stddef.h>

/* Returns the data directory (static storage) or NULL if none is found. */
const char	*assay_datadir(void);
/*
 * Writes "<datadir>/<rel>" into out.  Returns 0, ASSAY_ERR_DATADIR, or
 * ASSAY_ERR_TOO_BIG when it does not fit.
 */
int		 assay_datadir_path(char *out, size_t outlen, const char *rel);
/* The Assay version string. */
const char	*assay_version(void);
/* `git describe` of the source at build time, or "unknown". */
const char	*assay_commit(void);

#endif /* ASSAY_DATADIR_H */
