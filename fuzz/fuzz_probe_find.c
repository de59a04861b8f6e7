/*
 * fuzz_probe_find.c - libFuzzer target: assay_probe_find(), the text
 * search the probes run on device bytes, against a naive reference.  The
 * first byte splits the input into needle and haystack and picks case
 * folding.
 */
#include <stdint.h>
#include <stdlib.h>

#include "probe/probe.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char
low(unsigned char c, int nocase)
{
	return nocase && c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static long
naive(const uint8_t *h, size_t hl, const uint8_t *n, size_t nl, int nocase)
{
	size_t i, j;

	if (nl == 0 || nl > ASSAY_PROBE_FIND_MAX_NEEDLE || hl < nl)
		return -1;
	for (i = 0; i + nl <= hl; i++) {
		for (j = 0; j < nl && low(h[i + j], nocase) == low(n[j], nocase);
		    j++)
			;
		if (j == nl)
			return (long)i;
	}
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t nl;
	int nocase;

	if (size < 1 || size > 8192)
		return 0;
	nocase = data[0] & 1;
	nl = (size_t)(data[0] >> 1) % 32;
	data++;
	size--;
	if (nl > size)
		nl = size;
	if (assay_probe_find(data + nl, size - nl, data, nl, nocase) !=
	    naive(data + nl, size - nl, data, nl, nocase))
		abort();
	return 0;
}
