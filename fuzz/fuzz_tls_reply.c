/*
 * fuzz_tls_reply.c - libFuzzer target: any bytes as a server's reply to a
 * hand-built ClientHello (probe_tls).  Every prefix is parsed too, as the
 * reply arrives piecewise: the parser must never read past n, and once it
 * has judged a prefix, longer input must not change the judgement.
 */
#include <stdint.h>
#include <stdlib.h>

#include "probe/tls.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy;
	unsigned int v, s, a, v0 = 0, s0 = 0, a0 = 0;
	size_t n;
	int k, first = ASSAY_TLS_REPLY_MORE;

	if (size > 4096)
		size = 4096;
	for (n = 0; n <= size; n++) {
		/* An exact-size heap copy lets ASan see any overread. */
		if ((copy = malloc(n > 0 ? n : 1)) == NULL)
			return 0;
		for (size_t i = 0; i < n; i++)
			copy[i] = data[i];
		v = s = a = 0;
		k = assay_tls_parse_reply(copy, n, &v, &s, &a);
		free(copy);
		if (first != ASSAY_TLS_REPLY_MORE &&
		    (k != first || v != v0 || s != s0 || a != a0))
			abort();
		if (first == ASSAY_TLS_REPLY_MORE && k != ASSAY_TLS_REPLY_MORE) {
			first = k;
			v0 = v;
			s0 = s;
			a0 = a;
		}
	}
	return 0;
}
