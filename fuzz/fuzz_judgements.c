/*
 * fuzz_judgements.c - libFuzzer target: review/judgements, the record of
 * the assessor's judgements a rebuilt report trusts (run/review.c), and
 * applying what it yields to a result.  Never a crash or a leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "run/evidence.h"
#include "run/review.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_judgement *j = NULL;
	struct assay_result res;
	struct assay_diag *d;
	char *text;
	size_t n = 0;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if ((d = assay_diag_new()) == NULL) {
		free(text);
		return 0;
	}
	if (assay_judgements_parse(text, "judgements", &j, &n, d) == 0) {
		memset(&res, 0, sizeof(res));
		res.verdict = ASSAY_VERDICT_INCONCLUSIVE;
		if (assay_result_add_unit(&res, "a", ASSAY_VERDICT_PASS,
		    "ok") == 0 && assay_result_add_unit(&res, "b",
		    ASSAY_VERDICT_INCONCLUSIVE, "REVIEW_PENDING: x") == 0)
			(void)assay_judgement_apply(&res, "5.1-1-2", j, n);
		assay_result_clear(&res);
		assay_judgements_free(j, n);
	}
	assay_diag_free(d);
	free(text);
	return 0;
}
