/*
 * fuzz_spec_csv.c - libFuzzer target: any bytes as one of the spec CSV
 * files (forms/spec.c: RFC 4180 quoting, column cap), the first byte
 * choosing how many columns a row needs.  Never a crash, a leak or
 * memory that grows with the square of the input.
 */
#include <stdint.h>

#include "base/diag.h"
#include "forms/spec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_diag *d;
	size_t nrows;

	if (size < 1 || (d = assay_diag_new()) == NULL)
		return 0;
	(void)assay_spec_parse_csv("fuzz.csv", (const char *)data + 1,
	    size - 1, data[0] % 8, &nrows, d);
	assay_diag_free(d);
	return 0;
}
