/*
 * hash.h - SHA-256 and its hex form, the one digest Assay writes.
 *
 * Reports, manifests, evidence and certificate fingerprints all name
 * SHA-256 in lowercase hex; this is the only place that spells it out.
 */
#ifndef ASSAY_HASH_H
#define ASSAY_HASH_H

#include <stddef.h>

#define ASSAY_SHA256_LEN	32
#define ASSAY_SHA256_HEX_LEN	(2 * ASSAY_SHA256_LEN)	/* without the NUL */

/* Writes SHA-256 of p[0..len) to md.  Returns 0 or ASSAY_ERR_CRYPTO. */
int	assay_sha256(const void *p, size_t len,
	    unsigned char md[ASSAY_SHA256_LEN]);

/*
 * Writes SHA-256 of p[0..len) as 64 lowercase hex digits and a NUL to hex.
 * Returns 0 or ASSAY_ERR_CRYPTO (hex is then the empty string).
 */
int	assay_sha256_hex(const void *p, size_t len,
	    char hex[ASSAY_SHA256_HEX_LEN + 1]);

/*
 * Writes len bytes of p as lowercase hex and a NUL to out, which holds
 * at least 2 * len + 1 bytes.
 */
void	assay_hex_encode(const unsigned char *p, size_t len, char *out);

#endif /* ASSAY_HASH_H */
