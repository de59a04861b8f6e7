/*
 * fuzz_forms.c - libFuzzer target: any bytes as an ICS form.  Exercises the
 * hostile-input scan, the libxml2 parse with our options, and schema
 * validation.  Never a crash, a leak or a hang; errors are expected.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "diag.h"
#include "forms.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct assay_diag *d;
	FILE *fp;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/assay-fuzz-forms-%d.xml",
		    (int)getpid());
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	d = assay_diag_new();
	(void)assay_forms_check_xml(path, ASSAY_SOURCE_DIR "/ics/ics.xsd", d);
	assay_diag_free(d);
	return 0;
}
