/*
 * fuzz_report_meta.c - libFuzzer target: report.meta, what an earlier
 * issue of a report stated and every rebuild trusts (report/report.c).
 * Never a crash or a leak; every value kept is one the key accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "report/report.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_report_meta m, base;
	struct assay_report_meta_store st;
	struct assay_diag *d;
	const char *missing[3];

	if ((d = assay_diag_new()) == NULL)
		return 0;
	if (assay_report_meta_parse("report.meta", (const char *)data, size,
	    &m, &st, d) == 0) {
		if (m.device_received != NULL &&
		    !assay_report_date_ok(m.device_received))
			abort();
		if (m.device_state != NULL &&
		    !assay_report_state_ok(m.device_state))
			abort();
		memset(&base, 0, sizeof(base));
		assay_report_meta_merge(&base, &m);
		(void)assay_report_draft_missing(&base, missing, 3);
		assay_report_meta_store_free(&st);
	}
	assay_diag_free(d);
	return 0;
}
