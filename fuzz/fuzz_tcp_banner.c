/*
 * fuzz_tcp_banner.c - libFuzzer target: any bytes as a TCP service's
 * banner, sent from a loopback peer in writes of the size the first byte
 * picks, read by assay_probe_tcp_banner into a buffer with the cap the
 * second byte picks, then matched as the catalogue matches banners
 * (assay_probe_find, against a naive search).  The reply never exceeds
 * its cap; every read ends (the peer closes); the match is right.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "probe/probe.h"
#include "probe/tcp.h"
#include "fuzz_net.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long
naive(const unsigned char *h, size_t hl, const char *n)
{
	size_t nl = strlen(n), i;

	for (i = 0; i + nl <= hl; i++)
		if (memcmp(h + i, n, nl) == 0)
			return (long)i;
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const needles[] = { "SSH-", "HTTP/1.", "220 ",
	    "login:", "BusyBox" };
	static struct fuzz_peer peer;
	struct assay_buf *out;
	char reason[256];
	size_t cap, i;

	if (size < 2 || fuzz_peer_open(&peer, 0) != 0)
		return 0;
	cap = 16 + (size_t)data[1] * 64;
	if ((out = assay_buf_new(cap)) == NULL)
		return 0;
	if (fuzz_peer_start(&peer, data + 2, size - 2, data[0] % 97 + 1) != 0) {
		assay_buf_free(out);
		return 0;
	}
	(void)assay_probe_tcp_banner(NULL, "127.0.0.1", (unsigned int)peer.port,
	    NULL, 0, 2000, 0, out, reason, sizeof(reason));
	fuzz_peer_join(&peer);
	if (assay_buf_len(out) > cap ||
	    assay_buf_len(out) > size - 2 ||
	    memcmp(assay_buf_data(out), data + 2, assay_buf_len(out)) != 0)
		abort();
	for (i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
		if (assay_probe_find(assay_buf_data(out), assay_buf_len(out),
		    needles[i], strlen(needles[i]), 0) !=
		    naive((const unsigned char *)assay_buf_data(out),
		    assay_buf_len(out), needles[i]))
			abort();
	assay_buf_free(out);
	return 0;
}
