/*
 * fuzz_firmware_unpack.c - libFuzzer target: the firmware probe's
 * unpacking (probe/firmware.c) over an archive in memory, nested
 * containers included, through assay_fw_unpack_mem(): every entry's name
 * checked, every byte counted against small caps, nothing written (the
 * fuzz targets never write a file, docs/fuzzing.md).
 *
 * Beyond no crash, no leak, no hang: the caps hold (bytes, files and
 * directories), every note has a name and well-formed text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "probe/firmware.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_notes(const struct assay_fw_note *v, size_t n)
{
	size_t i;

	if (n > ASSAY_FW_MAX_FINDINGS)
		abort();
	for (i = 0; i < n; i++)
		if (v[i].what == NULL || v[i].what[0] == '\0' ||
		    !assay_utf8_valid(v[i].path, strlen(v[i].path)) ||
		    !assay_utf8_valid(v[i].detail, strlen(v[i].detail)))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_fw_limits lim;
	struct assay_fw_result *r;

	memset(&lim, 0, sizeof(lim));
	lim.max_total = 4u * 1024 * 1024;
	lim.max_file = 1024 * 1024;
	lim.max_files = 500;
	lim.max_depth = 3;
	if ((r = assay_fw_result_new()) == NULL)
		return 0;
	(void)assay_fw_unpack_mem(data, size, &lim, r);
	if (r->bytes > lim.max_total || r->files + r->dirs > lim.max_files)
		abort();
	check_notes(r->caps.v, r->caps.n);
	check_notes(r->refused.v, r->refused.n);
	check_notes(r->problems.v, r->problems.n);
	assay_fw_result_free(r);
	return 0;
}
