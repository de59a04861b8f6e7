/*
 * fuzz_fixture_patch.c - libFuzzer target: any bytes as the patch lines of
 * a fixture (docs/fixtures.md), one per line, applied to the validation
 * base forms.  The fixture itself is Lua, read by the Lua parser in a
 * sandbox; the patch lines are the part of a fixture Assay parses itself.
 * Never a crash, a leak or a hang; errors are expected.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "run/fixture.h"

#define MAX_LINES	64

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[] = "/tmp/assay-fuzz-patch-XXXXXX";
	static int made;
	const char *lines[MAX_LINES];
	struct assay_diag *d;
	char *text, *p, *nl;
	size_t n = 0;

	if (!made) {
		if (mkdtemp(out) == NULL)
			return 0;
		made = 1;
	}
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (p = text; n < MAX_LINES && *p != '\0'; p = nl + 1) {
		lines[n++] = p;
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
	}
	d = assay_diag_new();
	(void)assay_fixture_patch_dir(ASSAY_SOURCE_DIR "/tests/validation/base", out,
	    lines, n, "fuzz", d);
	assay_diag_free(d);
	free(text);
	return 0;
}
