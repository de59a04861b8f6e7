/*
 * probe/ipv6.c - the device's IPv6 addresses on the lab's link (see
 * ipv6.h for what is tried and why).
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "base/clock.h"
#include "base/error.h"
#include "probe/conn.h"
#include "probe/ipv6.h"
#include "probe/lua.h"

#define ARP_WAIT_MS	300		/* after the datagram that makes one */
#define NL_BUF		16384

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * The interface whose IPv4 address the kernel would send to dev from,
 * and whether dev is on its subnet (else a router is between: no
 * link-local reach).  Returns 0 and fills ifname, or -1.
 */
static int
iface_towards(const struct sockaddr_in *dev, char *ifname, int *onlink)
{
	struct sockaddr_in to = *dev, me;
	socklen_t ml = sizeof(me);
	struct ifaddrs *ifa = NULL, *i;
	int fd, r = -1;

	to.sin_port = htons(9);
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&me, &ml) == -1 ||
	    getifaddrs(&ifa) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	for (i = ifa; i != NULL; i = i->ifa_next) {
		const struct sockaddr_in *a = (const void *)i->ifa_addr;
		const struct sockaddr_in *m = (const void *)i->ifa_netmask;

		if (a == NULL || a->sin_family != AF_INET ||
		    a->sin_addr.s_addr != me.sin_addr.s_addr)
			continue;
		snprintf(ifname, IF_NAMESIZE, "%s", i->ifa_name);
		*onlink = m != NULL && ((a->sin_addr.s_addr ^
		    dev->sin_addr.s_addr) & m->sin_addr.s_addr) == 0;
		r = 0;
		break;
	}
	freeifaddrs(ifa);
	return r;
}

/* The complete ARP entry of ip on ifname: its MAC in mac[6]; 0 or -1. */
static int
arp_lookup(const char *ip, const char *ifname, unsigned char mac[6])
{
	char line[256], a[64], hw[64], dev[64];
	unsigned int flags, m[6];
	FILE *fp;
	int r = -1;

	if ((fp = fopen("/proc/net/arp", "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%63s %*s %x %63s %*s %63s", a, &flags, hw,
		    dev) != 4 || strcmp(a, ip) != 0 ||
		    strcmp(dev, ifname) != 0 || (flags & 0x2) == 0)
			continue;
		if (sscanf(hw, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
		    &m[4], &m[5]) != 6)
			continue;
		for (int k = 0; k < 6; k++)
			mac[k] = (unsigned char)m[k];
		r = 0;
		break;
	}
	fclose(fp);
	return r;
}

/* One datagram to the discard port, so the kernel resolves the MAC. */
static void
poke(const struct sockaddr_in *dev)
{
	struct sockaddr_in to = *dev;
	int fd;

	to.sin_port = htons(9);
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	(void)sendto(fd, "", 0, 0, (struct sockaddr *)&to, sizeof(to));
	close(fd);
}

struct cand {
	struct in6_addr	a;
	int		live;		/* the kernel resolved it */
};

/*
 * IPv6 neighbours of ifindex whose link-layer address is mac, added to
 * c[] (up to max, no duplicates).  Entries the kernel could not resolve
 * (FAILED, INCOMPLETE) are left out.
 */
static void
neighbours(int ifindex, const unsigned char mac[6], struct cand *c, size_t *n,
    size_t max)
{
	struct {
		struct nlmsghdr	nh;
		struct ndmsg	nd;
	} req;
	char *buf;
	ssize_t len;
	int fd, done = 0;

	if ((buf = malloc(NL_BUF)) == NULL)
		return;
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1) {
		free(buf);
		return;
	}
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	req.nh.nlmsg_type = RTM_GETNEIGH;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = 1;
	req.nd.ndm_family = AF_INET6;
	if (send(fd, &req, req.nh.nlmsg_len, 0) == -1)
		done = 1;
	while (!done && (len = recv(fd, buf, NL_BUF, 0)) > 0) {
		struct nlmsghdr *nh;
		size_t left = (size_t)len;

		for (nh = (struct nlmsghdr *)(void *)buf; NLMSG_OK(nh, left);
		    nh = NLMSG_NEXT(nh, left)) {
			struct ndmsg *nd;
			struct rtattr *ra;
			size_t rl;
			const unsigned char *dst = NULL, *ll = NULL;
			size_t k;

			if (nh->nlmsg_type == NLMSG_DONE ||
			    nh->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			if (nh->nlmsg_type != RTM_NEWNEIGH ||
			    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*nd)))
				continue;
			nd = NLMSG_DATA(nh);
			if (nd->ndm_ifindex != ifindex ||
			    (nd->ndm_state & (NUD_FAILED | NUD_INCOMPLETE)) != 0)
				continue;
			rl = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*nd));
			for (ra = (struct rtattr *)((char *)nd +
			    NLMSG_ALIGN(sizeof(*nd))); RTA_OK(ra, rl);
			    ra = RTA_NEXT(ra, rl)) {
				if (ra->rta_type == NDA_DST &&
				    RTA_PAYLOAD(ra) == 16)
					dst = RTA_DATA(ra);
				else if (ra->rta_type == NDA_LLADDR &&
				    RTA_PAYLOAD(ra) == 6)
					ll = RTA_DATA(ra);
			}
			if (dst == NULL || ll == NULL || memcmp(ll, mac, 6) != 0)
				continue;
			for (k = 0; k < *n && memcmp(&c[k].a, dst, 16) != 0; k++)
				;
			if (k < *n) {
				c[k].live = 1;
				continue;
			}
			if (*n < max) {
				memcpy(&c[*n].a, dst, 16);
				c[*n].live = 1;
				(*n)++;
			}
		}
	}
	close(fd);
	free(buf);
}

/*
 * Whether a6 (scope ifindex) answers: a TCP connection to port 9
 * accepted or refused within ms.  Unreachable or silent: 0.
 */
static int
answers(const struct in6_addr *a6, int ifindex, int ms)
{
	struct sockaddr_in6 sa;
	struct pollfd pfd;
	socklen_t el = sizeof(int);
	int fd, e = 0, r = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons(9);
	sa.sin6_addr = *a6;
	sa.sin6_scope_id = IN6_IS_ADDR_LINKLOCAL(a6) ? (uint32_t)ifindex : 0;
	if ((fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return 0;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		r = 1;
	else if (errno == ECONNREFUSED)
		r = 1;
	else if (errno == EINPROGRESS) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, ms) == 1 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0)
			r = e == 0 || e == ECONNREFUSED;
	}
	close(fd);
	return r;
}

static void
add_out(struct assay_ipv6_peers *out, const struct in6_addr *a6,
    const char *ifname)
{
	char txt[INET6_ADDRSTRLEN];

	if (out->n >= ASSAY_IPV6_PEERS_MAX ||
	    inet_ntop(AF_INET6, a6, txt, sizeof(txt)) == NULL)
		return;
	if (IN6_IS_ADDR_LINKLOCAL(a6) && ifname != NULL)
		snprintf(out->addr[out->n++], ASSAY_IPV6_ADDR_MAX, "%s%%%s",
		    txt, ifname);
	else
		snprintf(out->addr[out->n++], ASSAY_IPV6_ADDR_MAX, "%s", txt);
}

int
assay_probe_ipv6_peers(const struct assay_probe_env *env, const char *host,
    int timeout_ms, struct assay_ipv6_peers *out, char *reason,
    size_t reasonlen)
{
	struct sockaddr_storage ss;
	struct sockaddr_in dev;
	struct cand c[ASSAY_IPV6_PEERS_MAX];
	unsigned char mac[6];
	char ip[INET_ADDRSTRLEN], why[256];
	socklen_t sslen;
	size_t n = 0, k;
	int r, onlink = 0, ifindex, live;

	assay_probe_reason(reason, reasonlen, "%s", "");
	if (host == NULL || out == NULL)
		return ASSAY_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	if (timeout_ms <= 0)
		timeout_ms = env != NULL && env->timeout_ms > 0 ?
		    env->timeout_ms : ASSAY_PROBE_DEFAULT_TIMEOUT_MS;
	if ((r = assay_conn_resolve(host, 9, SOCK_DGRAM, &ss, &sslen, why,
	    sizeof(why))) != 0)
		return r;
	if (why[0] != '\0') {
		assay_probe_reason(reason, reasonlen, "%s", why);
		return 0;
	}
	if (ss.ss_family == AF_INET6) {
		assay_probe_reason(reason, reasonlen, "the device is addressed over "
		    "IPv6 already (%s): its own sweep covers it", host);
		return 0;
	}
	memcpy(&dev, &ss, sizeof(dev));
	inet_ntop(AF_INET, &dev.sin_addr, ip, sizeof(ip));
	if ((ntohl(dev.sin_addr.s_addr) >> 24) == 127) {
		/* A device on loopback (tests): its IPv6 side is ::1. */
		snprintf(out->how, sizeof(out->how), "loopback: ::1");
		if (answers(&in6addr_loopback, 0, timeout_ms))
			add_out(out, &in6addr_loopback, NULL);
		else
			assay_probe_reason(reason, reasonlen, "::1 does not answer "
			    "(IPv6 off on loopback)");
		return 0;
	}
	if (iface_towards(&dev, out->ifname, &onlink) != 0) {
		assay_probe_reason(reason, reasonlen, "no local interface has a route "
		    "to %s", ip);
		return 0;
	}
	if (!onlink) {
		assay_probe_reason(reason, reasonlen, "%s is reached through a router "
		    "(not on the subnet of %s): the device's link-local "
		    "addresses are out of reach", ip, out->ifname);
		return 0;
	}
	if ((ifindex = (int)if_nametoindex(out->ifname)) == 0) {
		assay_probe_reason(reason, reasonlen, "interface %s vanished",
		    out->ifname);
		return 0;
	}
	if (arp_lookup(ip, out->ifname, mac) != 0) {
		poke(&dev);
		sleep_ms(ARP_WAIT_MS);
		if (arp_lookup(ip, out->ifname, mac) != 0) {
			assay_probe_reason(reason, reasonlen, "no ARP entry for %s on "
			    "%s: its MAC address, and so its IPv6 addresses, "
			    "are unknown", ip, out->ifname);
			return 0;
		}
	}
	snprintf(out->mac, sizeof(out->mac), "%02x:%02x:%02x:%02x:%02x:%02x",
	    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	/* The EUI-64 link-local address (RFC 4291 appendix A). */
	memset(&c[0], 0, sizeof(c[0]));
	c[0].a.s6_addr[0] = 0xfe;
	c[0].a.s6_addr[1] = 0x80;
	c[0].a.s6_addr[8] = mac[0] ^ 0x02;
	c[0].a.s6_addr[9] = mac[1];
	c[0].a.s6_addr[10] = mac[2];
	c[0].a.s6_addr[11] = 0xff;
	c[0].a.s6_addr[12] = 0xfe;
	c[0].a.s6_addr[13] = mac[3];
	c[0].a.s6_addr[14] = mac[4];
	c[0].a.s6_addr[15] = mac[5];
	n = 1;
	neighbours(ifindex, mac, c, &n, ASSAY_IPV6_PEERS_MAX);
	for (k = 0; k < n; k++) {
		live = c[k].live || answers(&c[k].a, ifindex, timeout_ms);
		if (!live) {
			/* Silent: the kernel may still have resolved it. */
			size_t m = n;

			neighbours(ifindex, mac, c, &m, m);
			live = c[k].live;
		}
		if (live)
			add_out(out, &c[k].a, out->ifname);
	}
	snprintf(out->how, sizeof(out->how), "MAC %s on %s (ARP); tried the "
	    "EUI-64 link-local address and %zu IPv6 neighbour(s) with that "
	    "MAC", out->mac, out->ifname, n - 1);
	if (out->n == 0)
		assay_probe_reason(reason, reasonlen, "no IPv6 address of MAC %s "
		    "answers on %s (%s)", out->mac, out->ifname, out->how);
	assay_probe_note(env, "ipv6", "%s: %zu address(es)", out->how, out->n);
	return 0;
}

/* Lua binding (contract: probe/lua.h). */

static int
l_ipv6_peers(lua_State *L)
{
	static const char *const known[] = { "host", "timeout_ms", NULL };
	const struct assay_probe_env *env = assay_probe_env_get(L);
	struct assay_ipv6_peers *p;
	char reason[512];
	const char *host;
	size_t i;
	int r, timeout_ms;

	assay_lua_opts(L, "ipv6_peers", known);
	host = assay_lua_host(L, "ipv6_peers");
	timeout_ms = assay_lua_timeout(L, "ipv6_peers");
	p = lua_newuserdatauv(L, sizeof(*p), 0);
	r = assay_probe_ipv6_peers(env, host, timeout_ms, p, reason,
	    sizeof(reason));
	if (r != 0)
		return assay_lua_harness_error(L, "ipv6_peers", r, timeout_ms);
	if (p->n == 0)
		return assay_lua_fail(L, reason);
	lua_createtable(L, 0, 4);
	lua_createtable(L, (int)p->n, 0);
	for (i = 0; i < p->n; i++) {
		lua_pushstring(L, p->addr[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "addresses");
	lua_pushstring(L, p->ifname);
	lua_setfield(L, -2, "interface");
	lua_pushstring(L, p->mac);
	lua_setfield(L, -2, "mac");
	lua_pushstring(L, p->how);
	lua_setfield(L, -2, "how");
	return 1;
}

void
assay_probe_ipv6_lua_register(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{ "ipv6_peers", l_ipv6_peers },
		{ NULL, NULL }
	};

	luaL_setfuncs(L, fns, 0);
}
