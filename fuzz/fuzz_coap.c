/*
 * fuzz_coap.c - libFuzzer target: any bytes as a CoAP datagram from a
 * device.  The message is parsed as the probe parses it (option lengths
 * and extended fields are the device's to lie about); a 2.xx payload
 * also goes through the link-format parser, and Block2 through the
 * continuation rule and the request builder.
 */
#include <stdint.h>
#include <stdlib.h>

#include "base/buf.h"
#include "probe/coap_codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char token[ASSAY_COAP_TOKEN_LEN] = { 1, 2, 3, 4 };
	struct assay_coap_msg m;
	struct assay_coap_links *l = NULL;
	struct assay_buf *b;
	unsigned long next;
	unsigned int szx;
	char why[256];

	if (assay_coap_parse(data, size, &m, why, sizeof(why)) != 0)
		return 0;
	if (m.payload + m.payload_len > data + size)
		abort();
	(void)assay_coap_code_name(m.cls, m.detail);
	if (assay_coap_links_parse((const char *)m.payload, m.payload_len,
	    &l) == 0) {
		(void)assay_coap_links_count(l);
		(void)assay_coap_links_error(l);
		assay_coap_links_free(l);
	}
	if (m.has_block2 && assay_coap_block2_next(m.block2, &next, &szx) &&
	    (b = assay_buf_new(2048)) != NULL) {
		(void)assay_coap_build_get(b, "/.well-known/core", m.mid, token,
		    next, szx);
		assay_buf_free(b);
	}
	return 0;
}
