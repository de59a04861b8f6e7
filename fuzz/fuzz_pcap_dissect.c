/*
 * fuzz_pcap_dissect.c - libFuzzer target: the capture dissectors
 * (probe/dissect.h) over any bytes, without a capture around them.  Byte
 * 0 picks the dissector (TLS from the client or the server, DTLS, HTTP,
 * MQTT both ways, telnet, DNS, DNS over TCP, CoAP), the rest is the
 * stream or datagram; the protocol guesses run on it too.  Checks beyond
 * no crash: every string is well-formed UTF-8 within its cap, every list
 * within its cap, and frame_at is only asked about offsets inside the
 * bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "probe/dissect.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t	cur_len;

static unsigned long
frame_at(void *arg, size_t off)
{
	(void)arg;
	if (off >= cur_len && cur_len > 0)
		abort();
	return off / 100 + 1;
}

static void
check_str(const char *s)
{
	if (s == NULL || strlen(s) > 3 * ASSAY_FACT_MAX_STR ||
	    !assay_utf8_valid(s, strlen(s)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_dissect_ctx ctx = { frame_at, NULL, 0 };
	struct assay_facts *fs;
	const struct assay_fact *f;
	const struct assay_field *fl;
	const unsigned char *p = data + 1;
	size_t len, i, j, k;

	if (size < 1)
		return 0;
	len = size - 1;
	cur_len = len;
	if ((fs = assay_facts_new(1000)) == NULL)
		return 0;
	(void)assay_dissect_guess_tcp(p, len, p, len, data[0]);
	(void)assay_dissect_guess_udp(p, len, data[0]);
	switch (data[0] % 10) {
	case 0: (void)assay_dissect_tls(fs, &ctx, p, len, 1, 0); break;
	case 1: (void)assay_dissect_tls(fs, &ctx, p, len, 0, 0); break;
	case 2: (void)assay_dissect_tls(fs, &ctx, p, len, data[0] & 0x10, 1);
		break;
	case 3: (void)assay_dissect_http(fs, &ctx, p, len); break;
	case 4: (void)assay_dissect_mqtt(fs, &ctx, p, len, 1); break;
	case 5: (void)assay_dissect_mqtt(fs, &ctx, p, len, 0); break;
	case 6: (void)assay_dissect_telnet(fs, &ctx, p, len, 1); break;
	case 7: (void)assay_dissect_dns(fs, &ctx, p, len); break;
	case 8: (void)assay_dissect_dns_tcp(fs, &ctx, p, len); break;
	case 9: (void)assay_dissect_coap(fs, &ctx, p, len); break;
	}
	for (i = 0; (f = assay_facts_get(fs, i)) != NULL; i++)
		for (j = 0; j < f->nfields; j++) {
			fl = &f->fields[j];
			if (fl->type == ASSAY_FIELD_STR)
				check_str(fl->str);
			if (fl->type == ASSAY_FIELD_LIST &&
			    fl->nlist > ASSAY_FACT_MAX_LIST)
				abort();
			for (k = 0; fl->type == ASSAY_FIELD_LIST &&
			    k < fl->nlist; k++)
				check_str(fl->list[k]);
		}
	assay_facts_free(fs);
	return 0;
}
