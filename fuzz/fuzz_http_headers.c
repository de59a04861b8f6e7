/*
 * fuzz_http_headers.c - libFuzzer target: any bytes as the header block
 * of an HTTP response (probe/http.c): split line by line
 * (assay_http_header_next, as the probe's header table is built) and its
 * Location resolved against the login URL (assay_http_parse_location),
 * the first byte giving the status.  Each name and value must lie inside
 * its line; never a crash, a leak or a hang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p, *next, *name, *value;
	char *h, out[512];
	size_t nl, vl, lines = 0;
	long status;

	if (size < 1 || (h = malloc(size)) == NULL)
		return 0;
	memcpy(h, data + 1, size - 1);
	h[size - 1] = '\0';	/* as the response buffer keeps it */
	status = data[0] < 200 ? 300 + data[0] % 100 : 200 + data[0] % 100;
	for (p = h; (next = assay_http_header_next(p, &name, &nl, &value,
	    &vl)) != NULL; p = next) {
		if (next <= p || next > h + size - 1 || ++lines > size)
			abort();
		if (name != NULL && (name != p || memchr(name, '\n', nl) !=
		    NULL || value < name + nl || value + vl > next ||
		    memchr(value, '\n', vl) != NULL))
			abort();
	}
	assay_http_parse_location(h, status, "http://192.0.2.1:8080/cgi/login?next=/",
	    out, sizeof(out));
	if (strlen(out) >= sizeof(out))
		abort();
	free(h);
	return 0;
}
