/*
 * fuzz_ssh_ident.c - libFuzzer target: any bytes as what an SSH server
 * sends first, fed byte by byte to the identification reader
 * (assay_ssh_ident_feed), then what follows it as a KEXINIT payload.
 * The banner must be an "SSH-" line within 255 bytes; an error must say
 * why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/ssh.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_ssh_info *info;
	const char *b;
	char err[128];
	size_t i;
	int r = 0;

	if ((info = assay_ssh_info_new()) == NULL)
		return 0;
	err[0] = '\0';
	for (i = 0; i < size && r == 0; i++)
		r = assay_ssh_ident_feed(info, data[i], err, sizeof(err));
	if (r < 0 && err[0] == '\0')
		abort();
	if (r == 1) {
		b = assay_ssh_info_banner(info);
		if (strncmp(b, "SSH-", 4) != 0 || strlen(b) > 255 ||
		    strchr(b, '\n') != NULL)
			abort();
		(void)assay_ssh_kexinit_parse(info, data + i, size - i);
	}
	assay_ssh_info_free(info);
	return 0;
}
