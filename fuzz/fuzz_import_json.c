/*
 * fuzz_import_json.c - libFuzzer target: the strict JSON reader
 * (probe/import_json.h) over any bytes.  Checks beyond no crash: a
 * failure says why, and every string it returns is well-formed UTF-8
 * without NUL of the length it claims.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/utf8.h"
#include "probe/import_json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
walk(const struct assay_jv *v, int depth)
{
	size_t i;

	if (depth > ASSAY_JSON_MAX_DEPTH + 1)
		abort();
	if (v->type == ASSAY_JSON_STR && (strlen(v->s) != v->slen ||
	    !assay_utf8_valid(v->s, v->slen)))
		abort();
	for (i = 0; i < v->n; i++) {
		if (v->type == ASSAY_JSON_OBJ && v->k[i] == NULL)
			abort();
		walk(&v->v[i], depth + 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_jv *v = NULL;
	char why[256];
	int r;

	r = assay_json_parse((const char *)data, size, &v, why, sizeof(why));
	if (r == 0) {
		walk(v, 0);
		assay_json_free(v);
	} else if (v != NULL || (why[0] == '\0' && r != ASSAY_ERR_ALLOC))
		abort();
	return 0;
}
