/*
 * fuzz_standin.c - libFuzzer target: what a device sends to the servers
 * Assay stands in with (probe/standin.h).  Byte 0 picks the reader:
 *	0: an HTTP request head (assay_standin_http_parse);
 *	1: a request target (assay_standin_path_normalise);
 *	2: an MQTT client stream (assay_standin_mqtt_feed), fed in reads
 *	   whose size byte 1 picks, as the connection loop feeds it.
 * Beyond "no crash, no leak": a path that is accepted has no ".."
 * segment, no "//", is printable ASCII, starts with '/' and normalises to
 * itself; an HTTP status is one the server answers; the MQTT sink never
 * consumes more than it was given and its replies are whole packets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "probe/mqtt_codec.h"
#include "probe/standin.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_path(const char *p)
{
	char again[ASSAY_STANDIN_MAX_PATH];
	size_t i, n = strlen(p);

	if (n == 0 || p[0] != '/' || strstr(p, "//") != NULL ||
	    strstr(p, "/../") != NULL || (n >= 3 && strcmp(p + n - 3, "/..") == 0))
		abort();
	for (i = 0; i < n; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f || p[i] == '\\')
			abort();
	if (assay_standin_path_normalise(p, n, again, sizeof(again)) != 0 ||
	    strcmp(again, p) != 0)
		abort();
}

static void
check_replies(const struct assay_buf *out)
{
	const unsigned char *p = (const unsigned char *)assay_buf_data(out);
	size_t len = assay_buf_len(out), off = 0, rem, hl;
	unsigned char type;

	while (off < len) {
		if (assay_mqtt_header_parse(p + off, len - off, &type, &rem,
		    &hl) != 0 || hl == 0 || rem > len - off - hl)
			abort();
		off += hl + rem;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_standin_req req;
	struct assay_standin_mqtt m;
	struct assay_buf *out;
	char path[ASSAY_STANDIN_MAX_PATH];
	unsigned char *pending;
	size_t off, chunk, have = 0, used;

	if (size < 2)
		return 0;
	switch (data[0] % 3) {
	case 0:
		if (assay_standin_http_parse((const char *)data + 1, size - 1,
		    &req) == 1) {
			if (req.status == 0)
				check_path(req.path);
			else if (req.status != 400 && req.status != 405 &&
			    req.status != 414 && req.status != 431 &&
			    req.status != 505)
				abort();
		} else if (req.status != 0)
			abort();
		break;
	case 1:
		if (assay_standin_path_normalise((const char *)data + 1,
		    size - 1, path, sizeof(path)) == 0)
			check_path(path);
		break;
	case 2:
		chunk = (size_t)data[1] + 1;
		if ((out = assay_buf_new(1024 * 1024)) == NULL)
			return 0;
		if ((pending = malloc(size)) == NULL) {
			assay_buf_free(out);
			return 0;
		}
		memset(&m, 0, sizeof(m));
		for (off = 2; off < size && !m.done; off += chunk) {
			if (chunk > size - off)
				chunk = size - off;
			memcpy(pending + have, data + off, chunk);
			have += chunk;
			if (assay_standin_mqtt_feed(&m, pending, have, &used,
			    out) != 0) {
				if (m.why == NULL)
					abort();
				break;
			}
			if (used > have)
				abort();
			memmove(pending, pending + used, have - used);
			have -= used;
		}
		check_replies(out);
		free(pending);
		assay_buf_free(out);
		break;
	}
	return 0;
}
