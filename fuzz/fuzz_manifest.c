/*
 * fuzz_manifest.c - libFuzzer target: any bytes as the MANIFEST of a report
 * being verified (report/manifest.c).  A MANIFEST the parser accepts must
 * be exactly what assay_manifest_build() writes for the entries it
 * yields: one spelling per list of files, so nothing a verifier accepted
 * can mean two things.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "report/manifest.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_walk_list es = { NULL, 0, 0 };
	struct assay_buf *b = NULL;
	struct assay_diag *d;
	char *copy;

	if ((d = assay_diag_new()) == NULL)
		return 0;
	/* An exact-size heap copy lets ASan see any overread. */
	if ((copy = malloc(size > 0 ? size : 1)) == NULL) {
		assay_diag_free(d);
		return 0;
	}
	memcpy(copy, data, size);
	if (assay_manifest_parse(copy, size, &es, d) == 0) {
		if (assay_manifest_build(&es, &b) != 0 ||
		    assay_buf_len(b) != size ||
		    memcmp(assay_buf_data(b), data, size) != 0)
			abort();
	} else if (assay_diag_count(d) == 0)
		abort();	/* a refusal always says why */
	assay_buf_free(b);
	assay_walk_list_free(&es);
	assay_diag_free(d);
	free(copy);
	return 0;
}
