/*
 * fuzz_gateway_dns.c - libFuzzer target: any bytes as a DNS datagram the
 * device sends the lab gateway (probe/gateway_dns.c), parsed and answered
 * the way the gateway's thread does, for a declared name and for any.
 *
 * Checks beyond no crash: a parsed name is at most 253 characters of
 * lower-case letters, digits, '-', '_' and single dots between labels;
 * the question lies inside the datagram; a reply is at most 512 bytes,
 * carries the query's id with QR set, and repeats the question's bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/gateway_dns.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_name(const char *n)
{
	size_t i, len = strlen(n);

	if (len == 0 || len > ASSAY_DNS_MAX_NAME || n[0] == '.' ||
	    n[len - 1] == '.')
		abort();
	for (i = 0; i < len; i++) {
		char c = n[i];

		if (c == '.' && n[i + 1] == '.')
			abort();
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.'))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t addr[4] = { 10, 77, 0, 1 };
	struct assay_dns_query q;
	enum assay_dns_parse k;
	uint8_t out[ASSAY_DNS_MAX_MSG];
	size_t n;
	int pass;

	k = assay_dns_parse(data, size, &q);
	if (k == ASSAY_DNS_QUESTION) {
		check_name(q.name);
		if (q.qend > size || q.qend < 12 + 2 + 4)
			abort();
	}
	for (pass = 0; pass < 2; pass++) {
		n = assay_dns_reply(data, size, &q, k, pass ? ASSAY_DNS_NOERROR :
		    ASSAY_DNS_NXDOMAIN, pass && k == ASSAY_DNS_QUESTION ? addr :
		    NULL, 60, out, sizeof(out));
		if (k == ASSAY_DNS_DROP) {
			if (n != 0)
				abort();
			continue;
		}
		if (n < 12 || n > sizeof(out))
			abort();
		if (out[0] != data[0] || out[1] != data[1] || !(out[2] & 0x80))
			abort();
		if (k == ASSAY_DNS_QUESTION &&
		    memcmp(out + 12, data + 12, q.qend - 12) != 0)
			abort();
	}
	return 0;
}
