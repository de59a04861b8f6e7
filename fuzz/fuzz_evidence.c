/*
 * fuzz_evidence.c - libFuzzer target: the readers of a run directory
 * that --resume trusts (run/evidence.c): any bytes as run.info, as a
 * result.txt and as a journal, the first byte picking which.  Never a
 * crash or a leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "run/evidence.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_result res;
	char *text, *keys[16], *values[16];
	size_t n = 0, i;

	if (size < 1 || (text = malloc(size)) == NULL)
		return 0;
	/* The readers take NUL-terminated text, as read_text gives it. */
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		(void)assay_evidence_parse_info(text, keys, values, 16, &n);
		if (n > 16)
			abort();
		for (i = 0; i < n; i++) {
			free(keys[i]);
			free(values[i]);
		}
		break;
	case 1:
		(void)assay_evidence_parse_result(text, &res);
		assay_result_clear(&res);
		break;
	default:
		(void)assay_evidence_journal_done(text, "5.1-1-1");
		break;
	}
	free(text);
	return 0;
}
