/*
 * forms.c - placeholder until the forms loader lands (issue: Foundation).
 */
#include <stddef.h>

#include "diag.h"
#include "error.h"
#include "forms.h"

int
assay_forms_load(const char *datadir, const char *ics_path,
    const char *ixit_path, struct assay_forms **out, struct assay_diag *d)
{
	*out = NULL;
	assay_diag_add(d, ics_path, 0, "forms loader not implemented yet");
	return ASSAY_ERR_INTERNAL;
}

void
assay_forms_free(struct assay_forms *f)
{
}

const char *
assay_forms_device(const struct assay_forms *f, const char *key)
{
	return NULL;
}

const char *
assay_forms_standard(const struct assay_forms *f)
{
	return NULL;
}

const char *
assay_forms_standard_version(const struct assay_forms *f)
{
	return NULL;
}

size_t
assay_forms_nservices(const struct assay_forms *f)
{
	return 0;
}
