/*
 * fuzz_lab_config.c - libFuzzer target: any bytes as a --lab-config file
 * (cli.c, assay_cli_parse_lab_config).  Every value kept must be a line
 * of the input: no NUL, no line break, within the line cap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "run/model.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct assay_report_meta meta;
	char *store[ASSAY_CLI_LAB_KEYS] = { NULL };
	size_t i;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		return 0;
	memset(&meta, 0, sizeof(meta));
	(void)assay_cli_parse_lab_config("lab.cfg", (const char *)data, size,
	    &meta, store, devnull);
	for (i = 0; i < ASSAY_CLI_LAB_KEYS; i++) {
		if (store[i] != NULL && (strlen(store[i]) >
		    ASSAY_CLI_LAB_LINE_MAX || strpbrk(store[i], "\r\n") != NULL))
			abort();
		free(store[i]);
	}
	return 0;
}
