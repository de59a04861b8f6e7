/*
 * telnet_codec.c - the IAC state machine of the telnet probe.
 */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "probe/telnet_codec.h"

enum iac_state { S_DATA, S_IAC, S_OPT, S_SB, S_SB_IAC };

struct assay_telnet_codec {
	enum iac_state	 st;
	unsigned char	 cmd;
	unsigned char	 answered[2][32];	/* [DO/WILL] bitmaps */
};

struct assay_telnet_codec *
assay_telnet_codec_new(void)
{
	return calloc(1, sizeof(struct assay_telnet_codec));
}

void
assay_telnet_codec_free(struct assay_telnet_codec *tc)
{
	free(tc);
}

void
assay_telnet_codec_reset(struct assay_telnet_codec *tc)
{
	if (tc != NULL)
		memset(tc, 0, sizeof(*tc));
}

int
assay_telnet_codec_feed(struct assay_telnet_codec *tc,
    const unsigned char *in, size_t n, unsigned char *data, size_t data_cap,
    size_t *dlen, unsigned char *reply, size_t reply_cap, size_t *rlen)
{
	size_t i;
	unsigned int k, bit;
	unsigned char c;
	int r = 0;

	if (tc == NULL || (in == NULL && n > 0) || dlen == NULL ||
	    rlen == NULL || (data == NULL && data_cap > 0) ||
	    (reply == NULL && reply_cap > 0))
		return ASSAY_ERR_INVALID_ARG;
	*dlen = 0;
	*rlen = 0;
	for (i = 0; i < n; i++) {
		c = in[i];
		switch (tc->st) {
		case S_DATA:
			if (c == ASSAY_TELNET_IAC)
				tc->st = S_IAC;
			else if (*dlen < data_cap)
				data[(*dlen)++] = c;
			else
				r = ASSAY_ERR_TOO_BIG;
			break;
		case S_IAC:
			tc->st = S_DATA;
			if (c == ASSAY_TELNET_IAC) {
				if (*dlen < data_cap)
					data[(*dlen)++] = c;
				else
					r = ASSAY_ERR_TOO_BIG;
			} else if (c >= ASSAY_TELNET_WILL) {
				tc->cmd = c;
				tc->st = S_OPT;
			} else if (c == ASSAY_TELNET_SB)
				tc->st = S_SB;
			/* else NOP, GA, ... or garbage */
			break;
		case S_OPT:
			tc->st = S_DATA;
			if (tc->cmd != ASSAY_TELNET_DO &&
			    tc->cmd != ASSAY_TELNET_WILL)
				break;
			k = tc->cmd == ASSAY_TELNET_DO ? 0 : 1;
			bit = 1U << (c % 8);
			if (tc->answered[k][c / 8] & bit)
				break;
			if (reply_cap - *rlen < 3) {
				r = ASSAY_ERR_TOO_BIG;
				break;
			}
			tc->answered[k][c / 8] |= (unsigned char)bit;
			reply[(*rlen)++] = ASSAY_TELNET_IAC;
			reply[(*rlen)++] = tc->cmd == ASSAY_TELNET_DO ?
			    ASSAY_TELNET_WONT : ASSAY_TELNET_DONT;
			reply[(*rlen)++] = c;
			break;
		case S_SB:
			if (c == ASSAY_TELNET_IAC)
				tc->st = S_SB_IAC;
			break;
		case S_SB_IAC:
			tc->st = c == ASSAY_TELNET_SE ? S_DATA : S_SB;
			break;
		}
	}
	return r;
}
