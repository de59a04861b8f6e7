/*
 * fuzz_cred.c - libFuzzer target: any bytes as a credential list
 * ("user:password" lines, probe/cred.c), parsed into a list.  Every entry
 * read back must be within the field cap; never a crash or a leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/cred.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_cred_list *l;
	size_t i;
	int line;

	if ((l = assay_cred_list_new()) == NULL)
		return 0;
	if (assay_cred_list_parse(l, (const char *)data, size, &line) == 0 &&
	    line != 0)
		abort();
	for (i = 0; i < assay_cred_list_count(l); i++)
		if (strlen(assay_cred_list_user(l, i)) > ASSAY_CRED_MAX_FIELD ||
		    strlen(assay_cred_list_password(l, i)) > ASSAY_CRED_MAX_FIELD)
			abort();
	assay_cred_list_free(l);
	return 0;
}
