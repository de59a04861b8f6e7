/*
 * fuzz_net.h - a loopback peer for the fuzz targets that read a real
 * socket (TCP banner, UDP reply): a thread that answers one connection
 * or one datagram with the bytes of the input, so the probe's reading,
 * capping and matching run on what a device would send.
 */
#ifndef ASSAY_FUZZ_NET_H
#define ASSAY_FUZZ_NET_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct fuzz_peer {
	int		 fd;		/* listening TCP or bound UDP socket */
	int		 port;
	int		 udp;
	const uint8_t	*data;
	size_t		 size;
	size_t		 chunk;		/* bytes per write or datagram */
	pthread_t	 th;
};

/* Opens the socket once per process (a port per target). */
static int
fuzz_peer_open(struct fuzz_peer *p, int udp)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int one = 1;

	if (p->fd > 0)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p->udp = udp;
	if ((p->fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0)) < 0)
		return -1;
	setsockopt(p->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(p->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    (!udp && listen(p->fd, 8) != 0) ||
	    getsockname(p->fd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	p->port = ntohs(sa.sin_port);
	return 0;
}

static void *
fuzz_peer_main(void *arg)
{
	struct fuzz_peer *p = arg;
	struct pollfd pfd = { p->fd, POLLIN, 0 };
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char req[2048];
	size_t off = 0, n;
	int c;

	if (poll(&pfd, 1, 2000) != 1)
		return NULL;
	if (p->udp) {
		if (recvfrom(p->fd, req, sizeof(req), 0, (struct sockaddr *)&ss,
		    &sl) < 0)
			return NULL;
		do {
			n = p->size - off < p->chunk ? p->size - off : p->chunk;
			(void)sendto(p->fd, p->data + off, n, 0,
			    (struct sockaddr *)&ss, sl);
			off += n;
		} while (off < p->size);
		return NULL;
	}
	if ((c = accept(p->fd, NULL, NULL)) < 0)
		return NULL;
	while (off < p->size) {
		n = p->size - off < p->chunk ? p->size - off : p->chunk;
		if (send(c, p->data + off, n, MSG_NOSIGNAL) <= 0)
			break;
		off += n;
	}
	close(c);
	return NULL;
}

static int
fuzz_peer_start(struct fuzz_peer *p, const uint8_t *data, size_t size,
    size_t chunk)
{
	p->data = data;
	p->size = size;
	p->chunk = chunk > 0 ? chunk : 1;
	return pthread_create(&p->th, NULL, fuzz_peer_main, p) == 0 ? 0 : -1;
}

static void
fuzz_peer_join(struct fuzz_peer *p)
{
	pthread_join(p->th, NULL);
}

#endif
