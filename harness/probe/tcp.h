/*
 * probe_tcp.h - TCP port sweep, TCP banner grab and UDP discovery probes.
 *
 * Every function here takes one budget slot per connection (or per UDP
 * exchange), bounds its time by a timeout and its reads by a cap, and
 * records what it sent and received through the probe env.  An expected
 * network outcome (refused, reset, timeout, no answer) is not an error:
 * the function returns 0 and writes the outcome to `reason' (empty on
 * success).  Negative ASSAY_ERR_* values mean the harness itself failed
 * (allocation, no sockets left, budget exhausted).
 */
#ifndef ASSAY_PROBE_TCP_H
#define ASSAY_PROBE_TCP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/buf.h"
#include "probe/probe.h"

#define ASSAY_PROBE_REASON_MAX	192

/* Port states of a sweep. */
#define ASSAY_PORT_UNTESTED	0
#define ASSAY_PORT_OPEN		1	/* handshake completed */
#define ASSAY_PORT_CLOSED	2	/* RST (ECONNREFUSED) */
#define ASSAY_PORT_FILTERED	3	/* no answer in time, or ICMP unreachable */

struct assay_tcp_sweep;

/*
 * Parses a port list such as "22,80,8000-8100" into a sorted array
 * without duplicates (caller frees).  Returns 0 or ASSAY_ERR_INVALID_ARG
 * with reason naming the bad element.
 */
int	assay_probe_tcp_parse_ports(const char *spec, uint16_t **portsp,
	    size_t *np, char *reason, size_t reasonlen);

/*
 * Sweeps the given TCP ports of host with non-blocking connects
 * multiplexed by epoll.  In-flight connects are bounded by the budget's
 * maximum connections (one slot each) and started at its rate.
 * timeout_ms is per port; a port without an answer by then is filtered.
 * On 0, *resp holds the result (free with assay_tcp_sweep_free()) or is
 * NULL with reason set (host did not resolve).
 */
int	assay_probe_tcp_sweep(const struct assay_probe_env *env, const char *host,
	    const uint16_t *ports, size_t nports, int timeout_ms,
	    struct assay_tcp_sweep **resp, char *reason, size_t reasonlen);
void	assay_tcp_sweep_free(struct assay_tcp_sweep *r);
/* ASSAY_PORT_* of port (UNTESTED for ports outside the sweep). */
int	assay_tcp_sweep_state(const struct assay_tcp_sweep *r, unsigned int port);
/* Number of ports in state. */
size_t	assay_tcp_sweep_count(const struct assay_tcp_sweep *r, int state);
/* Largest number of connects that were in flight at once. */
int	assay_tcp_sweep_max_in_flight(const struct assay_tcp_sweep *r);

/*
 * Connects to host:port, optionally sends `req' (reqlen bytes), then
 * reads into out until the peer closes, out is full (assay_buf_max()),
 * idle_ms pass without data after the first byte (0: no idle rule), or
 * timeout_ms pass in total.  Returns 0; reason is empty when some data
 * arrived (out may be truncated: the read was cut at its cap) and names
 * the outcome otherwise ("connection refused", "connection reset after
 * 212 bytes", "no data within 2000 ms").
 */
int	assay_probe_tcp_banner(const struct assay_probe_env *env, const char *host,
	    unsigned int port, const void *req, size_t reqlen, int timeout_ms,
	    int idle_ms, struct assay_buf *out, char *reason, size_t reasonlen);

/*
 * Sends one request of a UDP protocol an IoT device may serve over a
 * connected UDP socket and waits for the reply: kind is "ssdp" (M-SEARCH),
 * "mdns" (PTR query for _services._dns-sd._udp.local), "coap"
 * (confirmable GET /.well-known/core), "dns" (". NS"), "ntp" (client
 * request), "snmp" (v1 GetRequest sysDescr.0, community "public"),
 * "netbios" (node status "*"), "tftp" (read request for an absent file)
 * or "wsd" (WS-Discovery Probe).  The request is sent again at half the
 * timeout.  Returns 0 (reply in out, reason empty; or reason "closed:
 * ICMP port unreachable" / "no answer within N ms"),
 * ASSAY_ERR_INVALID_ARG for an unknown kind.
 */
int	assay_probe_udp(const struct assay_probe_env *env, const char *host,
	    unsigned int port, const char *kind, int timeout_ms,
	    struct assay_buf *out, char *reason, size_t reasonlen);

/*
 * The i-th kind udp_probe knows (from 0; NULL past the last), and in
 * *port (if not NULL) the port its protocol usually has.
 */
const char *assay_probe_udp_kind(size_t i, unsigned int *port);

/*
 * One probe of a batch: a banner grab (kind NULL; the batch's request,
 * timeout and idle rule) or a udp probe of kind, on port.  The batch
 * fills out (allocated by the caller), reason and r as the single calls
 * do.
 */
struct assay_probe_job {
	unsigned int		 port;
	const char		*kind;
	struct assay_buf	*out;
	char			 reason[256];
	int			 r;
};
#define ASSAY_PROBE_BATCH_THREADS	8

/*
 * Runs the jobs against host concurrently, at most
 * ASSAY_PROBE_BATCH_THREADS at a time (each connection through the
 * budget, as alone), and returns when all are done: the wall time of the
 * slowest few, not of their sum.  Returns 0, or the first harness error
 * of a job (the others still ran).
 */
int	assay_probe_batch(const struct assay_probe_env *env, const char *host,
	    struct assay_probe_job *jobs, size_t n, const void *req,
	    size_t reqlen, int timeout_ms, int idle_ms);

/*
 * Adds tcp_sweep, banner, banners, udp_probe and udp_probes to the table
 * on top of L's stack.
 */
struct lua_State;
void	assay_probe_tcp_lua_register(struct lua_State *L);

#endif /* ASSAY_PROBE_TCP_H */
