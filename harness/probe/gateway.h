/*
 * probe/gateway.h - the lab's gateway position: Assay where the device's
 * outbound traffic goes (docs/probe_gateway.md).
 *
 * The set-up's <client-side><gateway> names an interface and an IPv4
 * address on the device's network that the device uses as its gateway
 * and DNS server.  Assay answers the device's DNS there (names it was
 * told to answer resolve to the gateway address) and stands in for the
 * servers the device connects to: interception (probe/intercept.h),
 * update stand-in and observation.  Nothing here forwards or connects
 * anywhere: the device cannot make Assay reach another host.  Only the
 * set-up's device addresses are answered or accepted; anything else is
 * closed or dropped, and counted.
 *
 * The DNS answerer runs in its own thread from assay_gw_open() to
 * assay_gw_close(); the other functions are for the one thread that
 * opened the gateway, except the dns_* readers, which lock.
 */
#ifndef ASSAY_PROBE_GATEWAY_H
#define ASSAY_PROBE_GATEWAY_H

#include <stddef.h>

#include <openssl/ssl.h>

struct assay_forms;

struct assay_gw;	/* a lab position: DNS answerer (own thread) + helpers */

/* Caps, documented in docs/probe_gateway.md. */
#define ASSAY_GW_DNS_MAX_RECORDS	1024	/* names recorded, then counted */
#define ASSAY_GW_DNS_RATE		50	/* answers per second, then dropped */
#define ASSAY_GW_DNS_TTL		60	/* seconds, in every A answer */

/* Needs <client-side><gateway>; starts answering DNS on address:dns_port for the
 * set-up's device addresses only.  0 and *out, or 0 with *out NULL and why (no gateway
 * declared, bind failed: "cannot bind 10.77.0.1:53: Permission denied"), or ASSAY_ERR_*. */
int	assay_gw_open(const struct assay_forms *f, struct assay_gw **out, char *why, size_t len);
void	assay_gw_close(struct assay_gw *gw);
const struct assay_forms *assay_gw_forms(const struct assay_gw *gw);
/* Names asked so far, in order (copies under a lock). */
size_t	assay_gw_dns_count(struct assay_gw *gw);
int	assay_gw_dns_name(struct assay_gw *gw, size_t i, char *name, size_t len, int *answered);
/* A non-blocking listening TCP socket on the gateway address. */
int	assay_gw_listen(struct assay_gw *gw, int port, int *fd, char *why, size_t len);
/* Waits up to ms for a connection from a device address (others are closed and
 * noted); 0 with *cfd = -1 on timeout.  peer: "10.77.0.2:41234". */
int	assay_gw_accept(struct assay_gw *gw, int lfd, int ms, int *cfd, char *peer, size_t plen);
enum assay_gw_cert { ASSAY_GW_SELF_SIGNED, ASSAY_GW_WRONG_HOST, ASSAY_GW_EXPIRED,
	ASSAY_GW_UNTRUSTED_CA, ASSAY_GW_IDENTITY };
/* A server SSL_CTX presenting a certificate of that kind for host (keys made once per
 * gw and cached); tls10_only restricts to TLS 1.0 at @SECLEVEL=0.  issuer: "lab-ca",
 * "assay-ca", "self" or "identity".  0 with *ctx NULL and why when IDENTITY has no
 * declared identity for host. */
int	assay_gw_server_ctx(struct assay_gw *gw, const char *host, enum assay_gw_cert kind,
	    int tls10_only, SSL_CTX **ctx, const char **issuer, char *why, size_t len);
/* An outbound 11-ComMech entry's endpoint, parsed: scheme, host, port, path. */
int	assay_gw_endpoint(const struct assay_forms *f, const char *entry_id, char *scheme,
	    size_t slen, char *host, size_t hlen, int *port, char *path, size_t plen,
	    char *why, size_t wlen);

/*
 * Beyond the shared contract (issue 13 §7), for evidence notes:
 * assay_gw_dns_detail() adds when a name was asked (ms since the gateway
 * opened) and by whom ("10.77.0.2:5353"); assay_gw_counters() what was
 * turned away: DNS packets from other hosts, malformed or refused
 * queries, queries over the rate, names past the record cap, and TCP
 * connections from other hosts closed by assay_gw_accept().
 * The SSL_CTX of assay_gw_server_ctx() is the caller's (SSL_CTX_free).
 * assay_gw_endpoint() returns 0, or ASSAY_ERR_NOT_FOUND with why (no such
 * entry, not outbound, no endpoint).
 */
struct assay_gw_counters {
	unsigned long	dns_foreign, dns_malformed, dns_refused, dns_rate,
			dns_unrecorded, tcp_foreign;
};
int	assay_gw_dns_detail(struct assay_gw *gw, size_t i, long long *ms,
	    char *src, size_t slen);
void	assay_gw_counters(struct assay_gw *gw, struct assay_gw_counters *c);
/* The gateway address ("10.77.0.1"), borrowed from the forms. */
const char *assay_gw_address(const struct assay_gw *gw);

#endif /* ASSAY_PROBE_GATEWAY_H */
