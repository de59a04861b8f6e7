/*
 * probe/intercept.h - TLS interception at the lab gateway: does the
 * device, as a TLS client, refuse a server it should not trust?
 * (docs/probe_gateway.md, TS 103 701 5.5-1-2.)
 *
 * Assay answers the device's DNS at the gateway and stands in for the
 * server of one outbound channel, on its endpoint's port.  Each variant
 * takes the device's next connection and presents one flaw: a
 * self-signed certificate, a certificate for another name, an expired
 * one, one from a CA the device has no reason to trust, a server that
 * speaks only TLS 1.0; "control" presents the identity the manufacturer
 * handed the lab, to show the device does connect when it should.  What
 * the device sent is recorded as facts (SNI, offered versions, the alert
 * it sent, how many bytes of application data and their kind), never the
 * bytes themselves.
 */
#ifndef ASSAY_PROBE_INTERCEPT_H
#define ASSAY_PROBE_INTERCEPT_H

#include <stddef.h>

struct assay_gw;
struct assay_forms;
struct assay_probe_env;
struct lua_State;

enum assay_icpt_variant {
	ASSAY_ICPT_SELF_SIGNED = 0,
	ASSAY_ICPT_WRONG_HOST,
	ASSAY_ICPT_EXPIRED,
	ASSAY_ICPT_UNTRUSTED_CA,
	ASSAY_ICPT_TLS10,
	ASSAY_ICPT_CONTROL,
	ASSAY_ICPT_NVARIANTS
};

#define ASSAY_ICPT_MAX_APP_DATA	(64 * 1024)	/* counted, then the read stops */
#define ASSAY_ICPT_MAX_WAIT_MS	300000
#define ASSAY_ICPT_MAX_READ_MS	60000
#define ASSAY_ICPT_MAX_CHANNELS	8	/* side by side in one call */

/* "self-signed", ... "control" (static), or NULL. */
const char	*assay_icpt_variant_name(enum assay_icpt_variant v);
/* The variant called name, or -1. */
int		 assay_icpt_variant_find(const char *name);

struct assay_icpt_result {
	enum assay_icpt_variant	 variant;
	const char		*issuer;	/* static; NULL when skipped */
	int			 skipped;
	int			 connected;
	char			 peer[64];
	char			 sni[256];	/* "" when the device sent none */
	char			 offered[128];	/* "TLSv1.2 TLSv1.3" */
	int			 handshake;
	char			 version[16], cipher[64];
	int			 alert;		/* the device sent an alert */
	int			 alert_code;
	char			 alert_desc[64];
	size_t			 app_data;	/* bytes after the handshake */
	int			 app_capped;	/* reached ASSAY_ICPT_MAX_APP_DATA */
	const char		*first;		/* "http", "mqtt", "other" or NULL */
	double			 seconds;
	char			 reason[256];	/* skipped, no connection, error */
};

/*
 * Runs the variants in order against the device's connections to
 * gw's address on port, presenting certificates for host.  Each waits up
 * to wait_ms for a connection from the device and reads up to read_ms
 * after it (handshake and application data).  out[i] for variants[i].
 * env (may be NULL) receives one evidence note per variant.  Returns 0
 * (device outcomes are in out), or 0 with every variant skipped and why
 * when the port cannot be bound, or an ASSAY_ERR_* harness failure.
 */
int		 assay_intercept_run(struct assay_gw *gw, const char *host,
		    int port, const enum assay_icpt_variant *variants,
		    size_t nvariants, int wait_ms, int read_ms,
		    const struct assay_probe_env *env,
		    struct assay_icpt_result *out, char *why, size_t wlen);

/* assay.net.intercept, reading the lab's set-up from f (may be NULL). */
void		 assay_probe_intercept_lua_register(struct lua_State *L,
		    const struct assay_forms *f);

#endif /* ASSAY_PROBE_INTERCEPT_H */
