/*
 * fuzz_telnet.c - libFuzzer target: any bytes as what a telnet device
 * sends, fed to the negotiation decoder in reads of the sizes the first
 * bytes pick, so commands split across reads are covered.  The text and
 * the answers must stay within the documented bounds.
 */
#include <stdint.h>
#include <stdlib.h>

#include "probe/telnet_codec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct assay_telnet_codec *tc;
	unsigned char text[512], reply[ASSAY_TELNET_MAX_ANSWERS];
	size_t off = 1, n, tl, rl, answered = 0;
	unsigned int step;

	if (size < 1 || (tc = assay_telnet_codec_new()) == NULL)
		return 0;
	step = (unsigned int)data[0] % 64 + 1;
	while (off < size) {
		n = size - off < step ? size - off : step;
		if (assay_telnet_codec_feed(tc, data + off, n, text,
		    sizeof(text), &tl, reply, sizeof(reply), &rl) != 0 ||
		    tl > n || rl > 3 * n)
			abort();
		answered += rl;
		if (answered > ASSAY_TELNET_MAX_ANSWERS)
			abort();
		off += n;
	}
	assay_telnet_codec_free(tc);
	return 0;
}
