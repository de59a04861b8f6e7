/*
 * fuzz_setup.c - libFuzzer target: any bytes as the lab set-up file,
 * loaded with the example ICS and IXIT so the cross-checks run too:
 * services against the IXIT, budgets, credentials and their secrets.
 * Then its masked copy (assay_forms_masked_copy: the tree walk that
 * replaces and masks the secrets, and the serialization).
 * Never a crash, a leak or a hang; errors are expected.
 */
#include <stdint.h>
#include <stdlib.h>

#include "base/diag.h"
#include "forms/forms.h"
#include "fuzz_file.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d;
	const char *path;
	char *copy;
	size_t len;

	if ((path = fuzz_file("setup", data, size)) == NULL)
		return 0;
	d = assay_diag_new();
	if (assay_forms_load(ASSAY_SOURCE_DIR,
	    ASSAY_SOURCE_DIR "/ics/examples/smart-camera.xml",
	    ASSAY_SOURCE_DIR "/ixit/examples/smart-camera.xml", path, &f,
	    d) == 0) {
		if (assay_forms_masked_copy(f, ASSAY_FORM_SETUP, &copy, &len,
		    d) == 0)
			free(copy);
		assay_forms_free(f);
	}
	assay_diag_free(d);
	return 0;
}
