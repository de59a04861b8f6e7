/*
 * fuzz_ixit.c - libFuzzer target: any bytes as an IXIT (version 2),
 * loaded with the example ICS and set-up file so the cross-checks run
 * too: facts per item and their consistency, ICS conditions against facts,
 * the version-1 explanation.
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

	if ((path = fuzz_file("ixit", data, size)) == NULL)
		return 0;
	d = assay_diag_new();
	if (assay_forms_load(ASSAY_SOURCE_DIR,
	    ASSAY_SOURCE_DIR "/ics/examples/smart-camera.xml",
	    path, ASSAY_SOURCE_DIR "/setup/examples/smart-camera.xml", &f,
	    d) == 0) {
		if (assay_forms_masked_copy(f, ASSAY_FORM_IXIT, &copy, &len,
		    d) == 0)
			free(copy);
		assay_forms_free(f);
	}
	assay_diag_free(d);
	return 0;
}
