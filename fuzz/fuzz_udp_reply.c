/*
 * fuzz_udp_reply.c - libFuzzer target: any bytes as the reply to a UDP
 * discovery request (assay_probe_udp: SSDP, mDNS or CoAP, the first byte
 * picks), sent by a loopback peer as datagrams of the size the second
 * byte picks.  The probe keeps the first datagram, never past its cap;
 * then the reply is matched as a test case does (assay_probe_find).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "probe/probe.h"
#include "probe/tcp.h"
#include "fuzz_net.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kinds[] = { "ssdp", "mdns", "coap" };
	static struct fuzz_peer peer;
	struct assay_buf *out;
	char reason[256];
	size_t cap = 4096, chunk;

	/* An empty datagram reads as "nothing yet": not worth a timeout. */
	if (size < 3 || size - 2 > 65000 || fuzz_peer_open(&peer, 1) != 0)
		return 0;
	if ((out = assay_buf_new(cap)) == NULL)
		return 0;
	chunk = (size_t)data[1] * 16 + 1;
	if (fuzz_peer_start(&peer, data + 2, size - 2, chunk) != 0) {
		assay_buf_free(out);
		return 0;
	}
	(void)assay_probe_udp(NULL, "127.0.0.1", (unsigned int)peer.port,
	    kinds[data[0] % 3], 300, out, reason, sizeof(reason));
	fuzz_peer_join(&peer);
	if (assay_buf_len(out) > cap || assay_buf_len(out) > chunk ||
	    memcmp(assay_buf_data(out), data + 2, assay_buf_len(out)) != 0)
		abort();
	(void)assay_probe_find(assay_buf_data(out), assay_buf_len(out),
	    "LOCATION:", 9, 1);
	assay_buf_free(out);
	return 0;
}
