/*
 * telnet_codec.h - telnet option negotiation over bytes (RFC 854/855),
 * without sockets.
 *
 * The decoder separates what the device says (text, with IAC IAC as a
 * 0xff byte) from commands, skips subnegotiation, tolerates malformed
 * IAC sequences, and answers each option request by refusing it once
 * (DO -> WONT, WILL -> DONT; a refusal answered again would loop).  It
 * keeps state between calls, so a command split across reads decodes
 * the same as one read.  Pure: the telnet probe and the fuzz target
 * feed it bytes.
 */
#ifndef ASSAY_PROBE_TELNET_CODEC_H
#define ASSAY_PROBE_TELNET_CODEC_H

#include <stddef.h>

#define ASSAY_TELNET_IAC	255
#define ASSAY_TELNET_DONT	254
#define ASSAY_TELNET_DO		253
#define ASSAY_TELNET_WONT	252
#define ASSAY_TELNET_WILL	251
#define ASSAY_TELNET_SB		250
#define ASSAY_TELNET_SE		240

/*
 * Most answer bytes one connection can produce: each of the 256 options
 * refused once for DO and once for WILL, three bytes each.
 */
#define ASSAY_TELNET_MAX_ANSWERS	(2 * 256 * 3)

struct assay_telnet_codec;

/* A decoder in its initial state, or NULL on allocation failure. */
struct assay_telnet_codec	*assay_telnet_codec_new(void);
/* Frees; NULL accepted. */
void				 assay_telnet_codec_free(struct assay_telnet_codec *tc);
/* Back to the initial state (a new connection: nothing answered yet). */
void				 assay_telnet_codec_reset(struct assay_telnet_codec *tc);

/*
 * Decodes n received bytes of in.  The text goes to data (*dlen bytes,
 * at most n, so data_cap >= n always suffices), the refusals to send back
 * to reply (*rlen bytes, at most 3 * n and never more than
 * ASSAY_TELNET_MAX_ANSWERS over a connection).  Returns 0, or
 * ASSAY_ERR_TOO_BIG when a cap was too small (what fitted is kept, the
 * state stays consistent), or ASSAY_ERR_INVALID_ARG.
 */
int	assay_telnet_codec_feed(struct assay_telnet_codec *tc,
	    const unsigned char *in, size_t n, unsigned char *data,
	    size_t data_cap, size_t *dlen, unsigned char *reply,
	    size_t reply_cap, size_t *rlen);

#endif /* ASSAY_PROBE_TELNET_CODEC_H */
