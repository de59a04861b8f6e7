/*
 * hash.c - SHA-256 and hex (see hash.h).
 */
#include <openssl/evp.h>

#include "base/error.h"
#include "base/hash.h"

void
assay_hex_encode(const unsigned char *p, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
	out[2 * len] = '\0';
}

int
assay_sha256(const void *p, size_t len, unsigned char md[ASSAY_SHA256_LEN])
{
	unsigned int mdlen = 0;

	if (EVP_Digest(p, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != ASSAY_SHA256_LEN)
		return ASSAY_ERR_CRYPTO;
	return 0;
}

int
assay_sha256_hex(const void *p, size_t len, char hex[ASSAY_SHA256_HEX_LEN + 1])
{
	unsigned char md[ASSAY_SHA256_LEN];
	int r;

	hex[0] = '\0';
	if ((r = assay_sha256(p, len, md)) != 0)
		return r;
	assay_hex_encode(md, sizeof(md), hex);
	return 0;
}
