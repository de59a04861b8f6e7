/*
 * worksheet.h - the assessor's worksheet writer (`assay review DIR`):
 * reports/worksheet.xsd, docs/review.md.  The reader is run/review.h.
 */
#ifndef ASSAY_WORKSHEET_H
#define ASSAY_WORKSHEET_H

#include <stddef.h>
#include <stdio.h>

#include "run/model.h"

#define ASSAY_WORKSHEET_NS	"urn:assay:worksheet:1"

/*
 * What a unit is to the assessor: "pending" (waits for a person),
 * "text" (Assay decided from free text), "unrecorded" (the test case left
 * it), "judged" (an assessor decided it), "decided" (Assay did).
 */
const char	*assay_worksheet_kind(const struct assay_unit_result *u);
/* Whether the worksheet lists u: pending, text, unrecorded; all: every unit. */
int		 assay_worksheet_lists(const struct assay_unit_result *u, int all);
/*
 * Writes the worksheet of run r to fp: each unit of the test cases that
 * ran that assay_worksheet_lists() selects, with its criterion, what
 * Assay found, the observation asked for, the IXIT text of the items the
 * test case reads (secret fields left out, the rest masked), its evidence
 * files, and empty <verdict> and <rationale> to fill.  *nlisted counts
 * the units.  Returns 0 or an ASSAY_ERR_* code.
 */
int		 assay_worksheet_write(const struct assay_run *r, int all, FILE *fp,
		    size_t *nlisted);

#endif
