/*
 * gateway.c - the lab topology of `assay-refdevice --gateway`: a veth
 * pair whose end assay-gw0 (10.77.0.1/24) stays in the caller's network
 * namespace, where the lab's stand-in servers bind, while the peer, named
 * eth0 (10.77.0.2/24, default route via 10.77.0.1), sits in a new
 * namespace that this process enters and every server inherits.
 *
 * It changes the caller's namespace (one interface), so it refuses to
 * run in PID 1's: only a namespace of the caller's own (`unshare -rn`,
 * or the one `assay demo` makes) is touched.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "refdevice.h"

/* iproute2's ip, wherever PATH leaves it out (sbin). */
static const char *
ip_tool(void)
{
	static const char *paths[] = { "/usr/sbin/ip", "/sbin/ip",
	    "/usr/bin/ip", "/bin/ip", NULL };
	size_t i;

	for (i = 0; paths[i] != NULL; i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return "ip";
}

/*
 * The interfaces of our namespace other than lo, from /proc/self/net/dev
 * (per namespace, unlike /sys/class/net, which follows the mount); the
 * first one's name in first.  -1 when unreadable.
 */
static int
other_interfaces(char *first, size_t len)
{
	char line[256], name[64];
	FILE *f;
	int n = 0;

	if ((f = fopen("/proc/self/net/dev", "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strchr(line, ':') == NULL ||
		    sscanf(line, " %63[^:]:", name) != 1)
			continue;	/* the two heading lines */
		if (strcmp(name, "lo") == 0)
			continue;
		if (n++ == 0)
			snprintf(first, len, "%s", name);
	}
	fclose(f);
	return n;
}

int
rd_gateway_allowed(char *why, size_t len)
{
	char self[64], init[64], first[64] = "";
	ssize_t a, b;
	int n;

	if ((a = readlink("/proc/self/ns/net", self, sizeof(self) - 1)) <= 0) {
		snprintf(why, len, "cannot read /proc/self/ns/net: %s",
		    strerror(errno));
		return 0;
	}
	self[a] = '\0';
	if ((b = readlink("/proc/1/ns/net", init, sizeof(init) - 1)) > 0) {
		init[b] = '\0';
		if (strcmp(self, init) == 0) {
			snprintf(why, len, "this is PID 1's network namespace "
			    "(%s)", self);
			return 0;
		}
		return 1;
	}
	/*
	 * PID 1's namespace cannot be read (a container, or a user
	 * namespace without ptrace rights over it).  Then only a namespace
	 * that visibly belongs to nobody else is taken: one with no
	 * interface but lo, as `unshare -n` makes it.
	 */
	if ((n = other_interfaces(first, sizeof(first))) != 0) {
		if (n < 0)
			snprintf(why, len, "cannot read /proc/1/ns/net nor "
			    "/proc/self/net/dev");
		else
			snprintf(why, len, "cannot tell PID 1's network "
			    "namespace (/proc/1/ns/net: %s) and this one has "
			    "interfaces besides lo (%s): not a private "
			    "namespace", strerror(errno), first);
		return 0;
	}
	return 1;
}

int
rd_gateway_up(struct refdevice *rd)
{
	char pid[24];
	const char *ip = ip_tool();
	/*
	 * Fixed (locally administered) MACs: the device's IPv6 link-local
	 * address derives from its MAC, and reasons that name it stay the
	 * same from one demo to the next, as on a real device.
	 */
	const char *add[] = { ip, "link", "add", RD_GW_IF, "address",
	    RD_GW_MAC, "type", "veth", "peer", "name", "eth0", "address",
	    RD_DEV_MAC, "netns", pid, NULL };
	const char *gwaddr[] = { ip, "addr", "add", RD_GW_ADDR "/24", "dev",
	    RD_GW_IF, NULL };
	const char *gwup[] = { ip, "link", "set", RD_GW_IF, "up", NULL };
	const char *devaddr[] = { ip, "addr", "add", RD_DEV_ADDR "/24", "dev",
	    "eth0", NULL };
	const char *devup[] = { ip, "link", "set", "eth0", "up", NULL };
	const char *loup[] = { ip, "link", "set", "lo", "up", NULL };
	const char *route[] = { ip, "route", "add", "default", "via",
	    RD_GW_ADDR, NULL };
	int r;

	if (if_nametoindex(RD_GW_IF) != 0) {
		fprintf(stderr, "assay-refdevice: %s already exists in this "
		    "network namespace (another device with --gateway?)\n",
		    RD_GW_IF);
		return ASSAY_ERR_EXISTS;
	}
	if ((rd->caller_netns = open("/proc/self/ns/net",
	    O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "assay-refdevice: /proc/self/ns/net: %s\n",
		    strerror(errno));
		return ASSAY_ERR_IO;
	}
	if (unshare(CLONE_NEWNET) == -1) {
		fprintf(stderr, "assay-refdevice: cannot create the device's "
		    "network namespace: %s\n", strerror(errno));
		close(rd->caller_netns);
		rd->caller_netns = -1;
		return ASSAY_ERR_IO;
	}
	/* Created from the caller's side, the peer straight into ours. */
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	if ((r = rd_run_tool_ns(rd, rd->caller_netns, add)) != 0) {
		fprintf(stderr, "assay-refdevice: cannot create the veth pair "
		    "(see %s/log/setup.log)\n", rd->dir);
		close(rd->caller_netns);
		rd->caller_netns = -1;
		return r;
	}
	if ((r = rd_run_tool_ns(rd, rd->caller_netns, gwaddr)) != 0 ||
	    (r = rd_run_tool_ns(rd, rd->caller_netns, gwup)) != 0 ||
	    (r = rd_run_tool(rd, devaddr)) != 0 ||
	    (r = rd_run_tool(rd, devup)) != 0 ||
	    (r = rd_run_tool(rd, loup)) != 0 ||
	    (r = rd_run_tool(rd, route)) != 0) {
		fprintf(stderr, "assay-refdevice: cannot configure the lab "
		    "network (see %s/log/setup.log)\n", rd->dir);
		return r;	/* rd_gateway_down removes the pair */
	}
	return 0;
}

void
rd_gateway_down(struct refdevice *rd)
{
	const char *del[] = { ip_tool(), "link", "del", RD_GW_IF, NULL };

	if (rd->caller_netns == -1)
		return;
	/*
	 * The pair would go with our namespace when the last process in it
	 * exits, but the kernel frees namespaces asynchronously: remove it
	 * now so that nothing is left in the caller's namespace once we
	 * have exited.  Deleting one end deletes both.
	 */
	(void)rd_run_tool_ns(rd, rd->caller_netns, del);
	close(rd->caller_netns);
	rd->caller_netns = -1;
}
