/*
 * fuzz_profile.c - libFuzzer target: any bytes as a profile file and,
 * the same bytes, as a lab's tailoring file of the uk-psti profile
 * (run/profile.h): the hostile-XML reader, the schema, then the walk
 * that checks items, provisions and test cases against the spec and the
 * catalogue.  Never a crash, a leak or a hang; errors are expected.
 */
#include <stdint.h>
#include <stdlib.h>

#include "base/diag.h"
#include "forms/spec.h"
#include "fuzz_file.h"
#include "run/catalogue.h"
#include "run/profile.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct assay_spec *spec;
static struct assay_catalogue *cat;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_profile *p = NULL;
	struct assay_diag *d;
	const char *path;

	d = assay_diag_new();
	if (spec == NULL && (assay_spec_load(ASSAY_SOURCE_DIR, "2.1.1", &spec,
	    d) != 0 || assay_catalogue_load(ASSAY_SOURCE_DIR "/testcases", spec,
	    &cat, d) != 0))
		abort();	/* the tree's own data must load */
	if ((path = fuzz_file("profile", data, size)) != NULL) {
		if (assay_profile_load(ASSAY_SOURCE_DIR, path, spec, &p, d) == 0)
			assay_profile_free(p);
		p = NULL;
		if (assay_profile_load(ASSAY_SOURCE_DIR, "uk-psti", spec, &p,
		    d) == 0) {
			(void)assay_profile_tailor(p, ASSAY_SOURCE_DIR, path,
			    cat, d);
			assay_profile_free(p);
		}
	}
	assay_diag_free(d);
	return 0;
}
