/*
 * fuzz_pcap.c - libFuzzer target: any bytes as a capture file, through
 * the whole analysis (assay_capture_analyse_mem: libpcap's reader, the
 * link, IP, TCP/UDP decoders, reassembly, every dissector, the secret
 * search and mask).  Checks beyond no crash: a refused capture has a
 * reason; every string of the result is well-formed UTF-8 and never holds
 * the secret looked for; every fact of a flow names a flow that exists.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "probe/dissect.h"
#include "probe/pcap.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char SECRET[] = "S3cretPassw0rd";

static void
check_str(const char *s)
{
	if (s == NULL || !assay_utf8_valid(s, strlen(s)) ||
	    strstr(s, SECRET) != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct assay_capture_secret secrets[] = {
		{ "device password", SECRET, "device" },
		{ NULL, "owner@example.com", NULL } };
	/* Small caps, so the fuzzer reaches them. */
	struct assay_capture_limits lim = { .max_packets = 2000,
	    .max_flows = 16, .max_flow_bytes = 4096, .max_facts = 500 };
	struct assay_capture *c = NULL;
	const struct assay_facts *fs;
	const struct assay_fact *f;
	const struct assay_field *fl;
	size_t i, j, k, nflows;
	char why[512];

	why[0] = '\0';
	if (assay_capture_analyse_mem(data, size, &lim, secrets, 2, &c, why,
	    sizeof(why)) != 0)
		return 0;
	if (c == NULL) {
		if (why[0] == '\0')
			abort();
		return 0;
	}
	fs = assay_capture_facts(c);
	nflows = assay_facts_count_section(fs, "flow");
	for (i = 0; (f = assay_facts_get(fs, i)) != NULL; i++) {
		if (f->flow >= 0 && (size_t)f->flow >= lim.max_flows)
			abort();
		if (strcmp(f->section, "flow") == 0 && (size_t)f->flow >= nflows)
			abort();
		for (j = 0; j < f->nfields; j++) {
			fl = &f->fields[j];
			if (fl->type == ASSAY_FIELD_STR)
				check_str(fl->str);
			for (k = 0; fl->type == ASSAY_FIELD_LIST &&
			    k < fl->nlist; k++)
				check_str(fl->list[k]);
		}
	}
	assay_capture_free(c);
	return 0;
}
