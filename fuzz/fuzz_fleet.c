/*
 * fuzz_fleet.c - libFuzzer target: any bytes as a fleet file
 * (forms/fleet.h): the hostile-XML reader, setup/fleet.xsd, then the walk
 * that applies the <fleet> defaults, checks ids and resolves each path
 * against the file's directory.  Never a crash, a leak or a hang; errors
 * are expected.
 */
#include <stdint.h>
#include <stdlib.h>

#include "base/diag.h"
#include "forms/fleet.h"
#include "fuzz_file.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_fleet *f = NULL;
	struct assay_diag *d;
	const char *path;
	size_t i;

	if ((d = assay_diag_new()) == NULL)
		return 0;
	if ((path = fuzz_file("fleet", data, size)) != NULL &&
	    assay_fleet_load(ASSAY_SOURCE_DIR, path, &f, d) == 0) {
		/* Every device has all of its paths after a clean load. */
		for (i = 0; i < assay_fleet_count(f); i++)
			if (assay_fleet_id(f, i) == NULL ||
			    assay_fleet_ics(f, i) == NULL ||
			    assay_fleet_ixit(f, i) == NULL ||
			    assay_fleet_setup(f, i) == NULL)
				abort();
		assay_fleet_free(f);
	}
	assay_diag_free(d);
	return 0;
}
