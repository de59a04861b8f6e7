/*
 * fuzz_import.c - libFuzzer target: the report importers (probe/import.h)
 * over any bytes.  Byte 0 picks the tool (nmap XML, testssl.sh JSON,
 * sslscan XML), the rest is the report.  Checks beyond no crash: an
 * error always says why, and every string fact is well-formed UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/utf8.h"
#include "probe/dissect.h"
#include "probe/import.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_facts *fs;
	const struct assay_fact *f;
	char why[512];
	size_t i, j;
	int r;

	if (size < 1)
		return 0;
	if ((fs = assay_facts_new(2000)) == NULL)
		return 0;
	r = assay_import_parse(data[0] % 3, (const char *)data + 1, size - 1,
	    fs, why, sizeof(why));
	if (r != 0 && why[0] == '\0' && r != ASSAY_ERR_ALLOC)
		abort();
	for (i = 0; (f = assay_facts_get(fs, i)) != NULL; i++)
		for (j = 0; j < f->nfields; j++)
			if (f->fields[j].type == ASSAY_FIELD_STR &&
			    !assay_utf8_valid(f->fields[j].str,
			    strlen(f->fields[j].str)))
				abort();
	assay_facts_free(fs);
	return 0;
}
