/*
 * fuzz_catalogue.c - libFuzzer target: any bytes as a catalogue group file.
 * Runs them in the loader's sandbox (allow-list, limits) and through the
 * metadata checks: a crash, leak or escape here is a sandbox bug.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/catalogue.h"
#include "base/diag.h"
#include "forms/spec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct assay_spec *spec;
	static char dir[64], path[128];
	struct assay_catalogue *c = NULL;
	struct assay_diag *d = assay_diag_new();
	FILE *fp;

	if (spec == NULL) {
		if (assay_spec_load(ASSAY_SOURCE_DIR, "2.1.1", &spec, d) != 0)
			abort();
		snprintf(dir, sizeof(dir), "/tmp/assay-fuzz-cat-%d", (int)getpid());
		mkdir(dir, 0755);
		snprintf(path, sizeof(path), "%s/5.1-1.lua", dir);
	}
	if ((fp = fopen(path, "wb")) != NULL) {
		fwrite(data, 1, size, fp);
		fclose(fp);
		if (assay_catalogue_load(dir, spec, &c, d) == 0)
			assay_catalogue_free(c);
	}
	assay_diag_free(d);
	return 0;
}
