/*
 * fuzz_kexinit.c - libFuzzer target: any bytes as an SSH KEXINIT payload
 * from a device.  Every length field is the device's to lie about.
 */
#include <stdint.h>
#include <stdlib.h>

#include "probe/ssh.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_ssh_info *info = assay_ssh_info_new();

	if (info == NULL)
		return 0;
	(void)assay_ssh_kexinit_parse(info, data, size);
	assay_ssh_info_free(info);
	return 0;
}
