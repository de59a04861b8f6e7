/*
 * fuzz_forms_mem.c - libFuzzer target: the whole assay_forms_load, from
 * memory (assay_forms_load_mem), no file written.  The first byte picks
 * the form the rest replaces (ICS, IXIT or set-up; the other two are the
 * smart-camera examples, so the cross-checks run), or (3) splits the rest
 * at NUL bytes into ICS, IXIT and set-up (a NUL is never valid in a form).
 * Never a crash, a leak or a hang; errors are expected.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/file.h"
#include "forms/forms.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct assay_buf *example[3];

static const char *
example_of(int k, size_t *len)
{
	static const char *const paths[3] = {
	    ASSAY_SOURCE_DIR "/ics/examples/smart-camera.xml",
	    ASSAY_SOURCE_DIR "/ixit/examples/smart-camera.xml",
	    ASSAY_SOURCE_DIR "/setup/examples/smart-camera.xml" };

	if (example[k] == NULL &&
	    assay_file_read(paths[k], 1024 * 1024, &example[k]) != 0)
		abort();	/* the tree is broken, not the input */
	*len = assay_buf_len(example[k]);
	return assay_buf_data(example[k]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *part[3], *p, *end, *nul;
	size_t len[3];
	struct assay_forms *f = NULL;
	struct assay_diag *d;
	int k, mode;

	if (size < 1)
		return 0;
	mode = data[0] % 4;
	for (k = 0; k < 3; k++)
		part[k] = example_of(k, &len[k]);
	p = (const char *)data + 1;
	end = (const char *)data + size;
	if (mode < 3) {
		part[mode] = p;
		len[mode] = (size_t)(end - p);
	} else {
		for (k = 0; k < 3; k++) {
			if ((nul = memchr(p, '\0', (size_t)(end - p))) == NULL)
				nul = end;
			part[k] = p;
			len[k] = (size_t)(nul - p);
			p = nul < end ? nul + 1 : end;
		}
	}
	if ((d = assay_diag_new()) == NULL)
		return 0;
	if (assay_forms_load_mem(ASSAY_SOURCE_DIR, "ics.xml", part[0], len[0],
	    "ixit.xml", part[1], len[1], "setup.xml", part[2], len[2], &f,
	    d) == 0)
		assay_forms_free(f);
	assay_diag_free(d);
	return 0;
}
