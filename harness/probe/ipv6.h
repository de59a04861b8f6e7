/*
 * probe/ipv6.h - the device's IPv6 addresses on the lab's link.
 *
 * A lab names the device by an IPv4 address; the same device usually
 * has IPv6 on the same link as well (a link-local address at least),
 * and a service a firewall or a bind() keeps off IPv4 is reachable there
 * all the same.  5.6-1-2 sweeps those addresses too.
 *
 * How the addresses are found, without privileges: the device's MAC from
 * the kernel's ARP table (one datagram to its discard port first if it
 * is not there yet), then the EUI-64 link-local address that MAC gives
 * and every IPv6 neighbour the kernel knows with that MAC on the same
 * interface.  A candidate counts when it answers: a TCP connection to
 * its port 9 accepted or refused, or the kernel resolved its neighbour
 * entry.  A device using only random (privacy or stable-privacy)
 * addresses that has not talked to the lab over IPv6 is not found: the
 * result says what was tried.  For a device on loopback (tests), ::1.
 */
#ifndef ASSAY_PROBE_IPV6_H
#define ASSAY_PROBE_IPV6_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>

#include "probe/probe.h"

#define ASSAY_IPV6_PEERS_MAX	8
#define ASSAY_IPV6_ADDR_MAX	(INET6_ADDRSTRLEN + IF_NAMESIZE + 2)

struct assay_ipv6_peers {
	size_t	n;
	char	addr[ASSAY_IPV6_PEERS_MAX][ASSAY_IPV6_ADDR_MAX]; /* "fe80::1%eth0" */
	char	ifname[IF_NAMESIZE];
	char	mac[18];		/* "02:00:00:00:00:01", or "" */
	char	how[256];		/* what was tried, for the evidence */
};

/*
 * Fills out for the device at host (an IPv4 address or a name resolving
 * to one).  Returns 0; when none was found out->n is 0 and reason says
 * why (host already IPv6, not on the lab's link, no ARP entry, no
 * candidate answered).  ASSAY_ERR_INVALID_ARG for bad arguments,
 * ASSAY_ERR_NETWORK when a socket cannot be made.
 */
int	assay_probe_ipv6_peers(const struct assay_probe_env *env,
	    const char *host, int timeout_ms, struct assay_ipv6_peers *out,
	    char *reason, size_t reasonlen);

struct lua_State;
/* Adds ipv6_peers to the table on top of L's stack. */
void	assay_probe_ipv6_lua_register(struct lua_State *L);

#endif /* ASSAY_PROBE_IPV6_H */
