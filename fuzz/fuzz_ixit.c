/*
 * fuzz_ixit.c - libFuzzer target: any bytes as an IXIT (version 2),
 * loaded with the example ICS and set-up file so the cross-checks run
 * too: facts per item and their consistency, ICS conditions against facts,
 * the version-1 explanation.
 * Never a crash, a leak or a hang; errors are expected.
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
	struct assay_forms *f = NULL;
	struct assay_diag *d;
	FILE *fp;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/assay-fuzz-ixit-%d.xml",
		    (int)getpid());
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	d = assay_diag_new();
	if (assay_forms_load(ASSAY_SOURCE_DIR,
	    ASSAY_SOURCE_DIR "/ics/examples/smart-camera.xml",
	    path, ASSAY_SOURCE_DIR "/setup/examples/smart-camera.xml", &f,
	    d) == 0)
		assay_forms_free(f);
	assay_diag_free(d);
	return 0;
}
