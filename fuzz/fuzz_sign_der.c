/*
 * fuzz_sign_der.c - libFuzzer target: any bytes as report.p7s to the DER
 * walk of assay_sign_verify (assay_sign_check_versions: SignedData and
 * SignerInfo versions, read with lengths never trusted past the input),
 * then, for inputs OpenSSL takes as CMS, the same walk on its own
 * re-encoding.  Never a read past the input, a crash or a leak.
 */
#include <stdint.h>
#include <stdlib.h>

#include <openssl/cms.h>

#include "report/sign.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CMS_ContentInfo *cms;
	const unsigned char *p = data;
	unsigned char *der = NULL;
	int n;

	if (size > 1024 * 1024)
		return 0;
	(void)assay_sign_check_versions(data, (long)size);
	if ((cms = d2i_CMS_ContentInfo(NULL, &p, (long)size)) != NULL) {
		if ((n = i2d_CMS_ContentInfo(cms, &der)) > 0)
			(void)assay_sign_check_versions(der, n);
		OPENSSL_free(der);
		CMS_ContentInfo_free(cms);
	}
	return 0;
}
