/*
 * fragile.c - the fragile service (--fragile RATE[:SECONDS]): a device
 * that a lab can knock over by connecting too fast.
 *
 * A real TCP service on its own port, accepting at most RATE connections
 * a second (one, then a pause of 1/RATE s) from a short accept queue; each
 * connection gets "fragile\r\n" and is closed.  Stress shows the way it
 * does on a small device: past RATE the queue fills, the kernel drops new
 * SYNs and clients see connects take a second or more (SYN retransmits).
 * Overloaded for OVERLOAD_S seconds in a row (a second counts when more
 * than RATE/2 connections found the queue full: the kernel's
 * ListenOverflows count, exact in a network namespace of its own) the
 * service "crashes":
 * it closes its listener (connects are refused), logs it, and after
 * SECONDS opens it again; with no SECONDS it stays down.  The process
 * lives on either way, so the device's supervisor (main.c) does not take
 * the whole device down with it.
 *
 * Runs as `assay-refdevice --fragile-serve ADDRESS PORT RATE SECONDS`,
 * spawned like every other server (rd_spawn: own process group, output
 * to DIR/log/fragile.log).
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "refdevice.h"

#define FRAGILE_BACKLOG	8
#define OVERLOAD_S	3

static void
nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
listen_on(const char *address, int port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, address, &sin.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, FRAGILE_BACKLOG) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * 1 when the accept queue is full: for a listening socket Linux reports
 * the queue's length in tcpi_unacked and its limit in tcpi_sacked.
 */
static int
queue_full(int lfd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(lfd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
		return 0;
	return ti.tcpi_sacked > 0 && ti.tcpi_unacked >= ti.tcpi_sacked;
}

/*
 * The kernel's count of connections this network namespace's listeners
 * had no room for (TcpExt ListenOverflows in /proc/net/netstat): SYNs
 * dropped, and handshakes completed into a full queue.  -1 if unknown.
 */
static long long
overflows(void)
{
	char names[4096], values[4096], *np, *vp, *ns, *vs;
	long long v = -1;
	FILE *fp;

	if ((fp = fopen("/proc/net/netstat", "r")) == NULL)
		return -1;
	while (fgets(names, sizeof(names), fp) != NULL &&
	    fgets(values, sizeof(values), fp) != NULL) {
		if (strncmp(names, "TcpExt:", 7) != 0)
			continue;
		np = strtok_r(names, " \n", &ns);
		vp = strtok_r(values, " \n", &vs);
		while ((np = strtok_r(NULL, " \n", &ns)) != NULL &&
		    (vp = strtok_r(NULL, " \n", &vs)) != NULL)
			if (strcmp(np, "ListenOverflows") == 0) {
				v = strtoll(vp, NULL, 10);
				break;
			}
		break;
	}
	fclose(fp);
	return v;
}

int
rd_fragile_main(const char *address, int port, int rate, int down_s)
{
	static const char banner[] = "fragile\r\n";
	struct pollfd pfd;
	long long sec_start, t;
	unsigned long served = 0;
	int lfd, fd, looks = 0, full = 0, bad_secs = 0, over;
	long long ov, ov0 = overflows();

	if (rate < 1 || port < 1 || port > 65535)
		return 2;
	if ((lfd = listen_on(address, port)) == -1) {
		fprintf(stderr, "fragile: cannot listen on %s:%d: %s\n",
		    address, port, strerror(errno));
		return 1;
	}
	printf("fragile: %s:%d, at most %d connections/s; overloaded for %d "
	    "s it closes its listener%s\n", address, port, rate, OVERLOAD_S,
	    down_s > 0 ? "" : " for good");
	fflush(stdout);
	sec_start = assay_clock_ms();
	for (;;) {
		pfd.fd = lfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 50) == -1 && errno != EINTR)
			return 1;
		looks++;
		full += queue_full(lfd);
		if ((t = assay_clock_ms()) - sec_start >= 1000) {
			/*
			 * Overloaded: more than rate/2 connections found no
			 * room in the second (the kernel's count), or, where
			 * that cannot be read, the queue was full at half of
			 * the looks or more.
			 */
			ov = overflows();
			over = ov >= 0 && ov0 >= 0 ? ov - ov0 > rate / 2 :
			    full * 2 >= looks;
			bad_secs = over ? bad_secs + 1 : 0;
			if (full > 0 || over) {
				printf("fragile: %lld connections found no room "
				    "in the last second (queue full at %d of %d "
				    "looks; %lu served)%s\n", ov >= 0 && ov0 >= 0 ?
				    ov - ov0 : -1, full, looks, served, over ?
				    ": overloaded" : "");
				fflush(stdout);
			}
			ov0 = ov;
			looks = full = 0;
			sec_start = t;
		}
		if (bad_secs >= OVERLOAD_S) {
			printf("fragile: overloaded for %d s after %lu "
			    "connections: listener closed\n", bad_secs, served);
			fflush(stdout);
			close(lfd);
			if (down_s <= 0)
				for (;;)
					pause();
			nap_us((long)down_s * 1000000L);
			while ((lfd = listen_on(address, port)) == -1)
				nap_us(100000);
			printf("fragile: back after %d s\n", down_s);
			fflush(stdout);
			bad_secs = looks = full = 0;
			sec_start = assay_clock_ms();
			continue;
		}
		if (!(pfd.revents & POLLIN))
			continue;
		if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1)
			continue;
		(void)send(fd, banner, sizeof(banner) - 1, MSG_NOSIGNAL);
		close(fd);
		served++;
		/* The slow part: one connection per 1/rate s, no more. */
		nap_us(1000000L / rate);
	}
}
