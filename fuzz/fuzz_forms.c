/*
 * fuzz_forms.c - libFuzzer target: any bytes as an ICS form.  Exercises the
 * hostile-input scan, the libxml2 parse with our options, and schema
 * validation.  Never a crash, a leak or a hang; errors are expected.
 */
#include <stdint.h>

#include "base/diag.h"
#include "forms/forms.h"
#include "fuzz_file.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_diag *d;
	const char *path;

	if ((path = fuzz_file("forms", data, size)) == NULL)
		return 0;
	d = assay_diag_new();
	(void)assay_forms_check_xml(path, ASSAY_SOURCE_DIR "/ics/ics.xsd", d);
	assay_diag_free(d);
	return 0;
}
