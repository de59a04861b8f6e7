/*
 * probe/observe.h - what the device sends when it talks outward (issue
 * 13, item 1 on Assay's own recording): record a capture on the lab
 * gateway's interface while standing in for every outbound channel, then
 * analyse it with the capture dissectors, looking for the lab's secrets
 * and watched personal data in clear (docs/probe_observe.md).
 *
 * The stand-ins answer enough for the device to say what it has to say:
 * an MQTT broker that accepts every CONNECT and acknowledges every
 * PUBLISH and SUBSCRIBE, an HTTP(S) server with the update release's
 * files (when the channel belongs to an <update>) or 404.  Over TLS they
 * present the identity the set-up declares for the host, so a device
 * that validates its server completes the handshake and sends its data
 * encrypted: "not in clear" is then measured, not assumed from a refusal.
 */
#ifndef ASSAY_PROBE_OBSERVE_H
#define ASSAY_PROBE_OBSERVE_H

#include <stddef.h>

#include "probe/pcap.h"
#include "probe/probe.h"
#include "probe/standin.h"

struct assay_forms;
struct assay_gw;
struct lua_State;

#define ASSAY_OBSERVE_MAX_CHANNELS	16
/*
 * The window when seconds is not given: the set-up's pace (3 client
 * cycles, struct assay_pace in forms/forms.h), else this.
 */
#define ASSAY_OBSERVE_DEFAULT_SECONDS	10
#define ASSAY_OBSERVE_MAX_SECONDS	600

struct assay_observe_channel {
	char				 id[64];
	char				 scheme[16], host[256];
	int				 port;
	int				 stood_in;	/* 0: reason says why not */
	const char			*issuer;	/* TLS: "identity", "self" */
	char				 reason[256];
	struct assay_standin_stats	 stats;
};

struct assay_observe {
	char				 file[4096];	/* the recording */
	char				 recording[256];	/* how it ended */
	unsigned long			 frames;
	unsigned long long		 bytes;
	long long			 ms;
	size_t				 nchannels;
	struct assay_observe_channel	 ch[ASSAY_OBSERVE_MAX_CHANNELS];
};

/*
 * Records on the gateway interface into a new file under dir for seconds
 * while standing in for the channels named (NULL: every outbound
 * 11-ComMech entry with an endpoint).  Returns 0 with *out (free()), 0
 * with *out NULL and why when nothing could be recorded (the interface
 * cannot be opened: CAP_NET_RAW; no outbound channel), or ASSAY_ERR_*.
 * An unknown or inbound channel named is ASSAY_ERR_NOT_FOUND with why.
 * The file is the caller's to analyse (assay_capture_analyse_file) and
 * holds what the device sent, secrets included when it sent them in
 * clear, until assay_observe_mask_file() masks them (the Lua binding
 * does, after the analysis).
 */
int	assay_observe_run(const struct assay_probe_env *env, struct assay_gw *gw,
	    const char *dir, const char *const *channels, size_t nchannels,
	    int seconds, struct assay_observe **out, char *why, size_t whylen);

/*
 * The strings looked for in the recording: each set-up credential's
 * password (with its user name, for the HTTP Basic spelling), each
 * <watch> value, then every other secret of the IXIT and set-up, at most
 * max.  The strings are borrowed from f.  Returns the number filled.
 */
size_t	assay_observe_secrets(const struct assay_forms *f,
	    struct assay_capture_secret *v, char (*labels)[96], size_t max);

/*
 * Overwrites, in the pcap file path (one observe wrote), every spelling
 * of every secret (base/redact.h: plain, escapes, percent, hex, base64,
 * the Basic pair) inside each packet's bytes with '*' of the same
 * length, so frames and offsets stay as analysed; record headers are
 * never touched.  A secret split over two packets is not found (the
 * analysis, which reassembles streams, may have named it).  *masked gets
 * the occurrences overwritten.  Returns 0 (why set when the file cannot
 * be read or written, or is not pcap), or ASSAY_ERR_ALLOC.
 */
int	assay_observe_mask_file(const char *path,
	    const struct assay_capture_secret *v, size_t n, size_t *masked,
	    char *why, size_t whylen);

/*
 * The directory observe records into for this Lua state (the test
 * case's evidence directory, set by run/api.c; copied).  Returns 0 or
 * ASSAY_ERR_ALLOC / ASSAY_ERR_INVALID_ARG.
 */
int	assay_probe_observe_dir_set(struct lua_State *L, const char *dir);
/* That directory, or NULL outside a run (the string lives in the registry). */
const char *assay_probe_observe_dir_get(struct lua_State *L);

/*
 * Lua: assay.net.observe{seconds=, channels=}.  Registers after
 * assay.net.capture, whose function it calls on the recording (the
 * result is that table plus file, standin, dns_asked, recording).
 */
void	assay_probe_observe_lua_register(struct lua_State *L);

#endif /* ASSAY_PROBE_OBSERVE_H */
