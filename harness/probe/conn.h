/*
 * conn.h - the one connection layer under the protocol probes.
 *
 * A connection is a socket to one device address, opened with a budget
 * slot held for its whole life, a deadline for every operation, an
 * optional TLS session on top, a cap on the bytes read and every byte
 * sent and received recorded through the probe env.  The TCP banner,
 * telnet, the SSH banner, MQTT and CoAP (UDP, with its own DTLS
 * handshake attached) use it; docs/conn.md states the invariants.
 *
 * Outcomes follow probe.h: a refused, reset, timed-out or capped
 * connection is a value (-1 or 1 with the reason in assay_conn_why()),
 * never an ASSAY_ERR_*; negative ASSAY_ERR_* values mean the harness
 * failed (allocation, budget exhausted, no sockets left, a TLS library
 * failure before any byte moved).
 */
#ifndef ASSAY_PROBE_CONN_H
#define ASSAY_PROBE_CONN_H

#include <stddef.h>
#include <sys/socket.h>

#include "base/buf.h"
#include "probe/probe.h"

struct assay_conn;
struct ssl_st;
struct ssl_ctx_st;
struct X509_name_st;

#define ASSAY_CONN_WHY_MAX	256

/*
 * Resolves host (name or address literal, IPv6 without brackets) and
 * port for socktype into *ss.  Returns 0; why is empty on success and
 * names the failure otherwise ("cannot resolve host \"x\": ...").
 * ASSAY_ERR_INVALID_ARG for a NULL host or a port above 65535.
 */
int	assay_conn_resolve(const char *host, unsigned int port, int socktype,
	    struct sockaddr_storage *ss, socklen_t *sslen, char *why,
	    size_t whylen);

/*
 * Starts a non-blocking connect of a new socket of socktype to ss (for
 * callers that multiplex many, like the TLS batch).  Returns 0 with *fdp
 * the socket (caller closes it) and *errp 0 (connected) or EINPROGRESS,
 * or 0 with *fdp -1 and *errp the errno of a connect that failed at once
 * (see assay_conn_connect_why()); ASSAY_ERR_NETWORK when no socket could
 * be made.
 */
int	assay_conn_start(const struct sockaddr_storage *ss, socklen_t sslen,
	    int socktype, int *fdp, int *errp);

/*
 * The reason text of a failed connect with errno e: "connection
 * refused", "connection reset after 0 bytes", "connect failed: ...".
 */
void	assay_conn_connect_why(int e, char *why, size_t whylen);

/*
 * Connects a non-blocking socket of socktype (SOCK_STREAM or SOCK_DGRAM)
 * to host:port within timeout_ms: the dial step of assay_conn_open(),
 * without a budget slot or a connection object, for a caller that holds
 * a slot itself.  Returns 0 with
 * *fdp the connected socket (caller closes it), or 0 with *fdp -1 and why
 * set ("connection refused", "connect timeout after N ms", "connect
 * failed: ..."), or ASSAY_ERR_INVALID_ARG / ASSAY_ERR_NETWORK.
 */
int	assay_conn_connect_fd(const char *host, unsigned int port, int socktype,
	    int timeout_ms, int *fdp, char *why, size_t whylen);

/*
 * Opens a connection: takes a budget slot from env (waiting at most
 * timeout_ms), then connects.  timeout_ms and max_read of 0 take the env
 * defaults; channel names the conversation in the evidence ("mqtt
 * 10.0.0.5:1883") and is copied.  The deadline starts at timeout_ms from
 * now.  Returns 0 with *cp the connection (close it with
 * assay_conn_close(), also when it failed), whose assay_conn_why() is
 * empty when connected and names the outcome otherwise; or a negative
 * ASSAY_ERR_* with *cp NULL (ASSAY_ERR_BUDGET: no slot in time).
 */
int	assay_conn_open(const struct assay_probe_env *env, const char *host,
	    unsigned int port, int socktype, int timeout_ms, size_t max_read,
	    const char *channel, struct assay_conn **cp);

/*
 * Closes the socket (with an RST when rst is set, so no TIME_WAIT is
 * left), ends TLS, gives the budget slot back and frees; NULL accepted.
 */
void	assay_conn_close(struct assay_conn *c, int rst);

/* 1 when the socket is connected (assay_conn_why() empty at open). */
int		 assay_conn_ok(const struct assay_conn *c);
/* Borrowed: the last outcome, "" when none; valid until the next call. */
const char	*assay_conn_why(const struct assay_conn *c);
/* Sets the outcome text (for protocol-level outcomes the caller finds). */
void		 assay_conn_setwhy(struct assay_conn *c, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
int		 assay_conn_fd(const struct assay_conn *c);
const char	*assay_conn_channel(const struct assay_conn *c);
const struct assay_probe_env *assay_conn_env(const struct assay_conn *c);
int		 assay_conn_timeout_ms(const struct assay_conn *c);
size_t		 assay_conn_max_read(const struct assay_conn *c);
/* Bytes read so far (what counts against max_read). */
size_t		 assay_conn_nread(const struct assay_conn *c);
/* 1 once the peer closed its side in order (EOF, TLS close_notify). */
int		 assay_conn_eof(const struct assay_conn *c);
/* 1 when the last assay_conn_read_exact() failed because time was up. */
int		 assay_conn_timed_out(const struct assay_conn *c);
/* 1 once a read was cut at max_read. */
int		 assay_conn_capped(const struct assay_conn *c);
/* Deadline of the following operations: ms from now; returns it (clock.h ms). */
long long	 assay_conn_set_deadline(struct assay_conn *c, int ms);
long long	 assay_conn_deadline(const struct assay_conn *c);

/*
 * Waits for events (POLLIN/POLLOUT) until until_ms (monotonic, clock.h)
 * or, when until_ms is 0, the deadline.  1 ready (or a socket error the
 * next call reports), 0 time is up.
 */
int	assay_conn_wait(struct assay_conn *c, short events, long long until_ms);

/*
 * TLS client handshake over the connected TCP socket, accepting whatever
 * the peer offers (probing, not trusting): TLS 1.0 and up, security level
 * 0, no verification; SNI is host unless it is an address literal.
 * Returns 0 done, 1 outcome in why ("timeout after N ms in TLS
 * handshake", "TLS handshake failed: ..."), ASSAY_ERR_CRYPTO.
 */
int	assay_conn_tls_start(struct assay_conn *c, const char *host);

/*
 * Hands an SSL session the caller set up (DTLS over the UDP socket) to
 * the connection, which frees ctx and ssl on close, with an SSL_shutdown
 * first once assay_conn_tls_done() said the handshake completed.  Either
 * may be NULL (ctx first, ssl when made).
 */
void		 assay_conn_attach_ssl(struct assay_conn *c, struct ssl_ctx_st *ctx,
		    struct ssl_st *ssl);
void		 assay_conn_tls_done(struct assay_conn *c);
/* The TLS/DTLS session or NULL; borrowed, valid until close. */
struct ssl_st	*assay_conn_ssl(const struct assay_conn *c);

/*
 * Sends all len bytes of p (through TLS when started) by the deadline;
 * record is what the evidence gets (a copy with secrets masked, or p).
 * Returns 0, or -1 with why ("connection reset after N bytes", "timeout
 * after N ms sending", ...).
 */
int	assay_conn_write(struct assay_conn *c, const void *p, size_t len,
	    const void *record);

/*
 * Reads what is there, at most len bytes and never past max_read, by
 * until_ms (0: the deadline).  Returns the byte count (> 0, recorded),
 * 0 when the time is up, or -1 with why: "connection closed after N
 * bytes", "connection reset after N bytes", "read failed after N bytes:
 * ...", "read cap of N bytes reached" (assay_conn_capped() then set).
 * Bytes waiting in the read-ahead of assay_conn_read_exact() come first.
 */
long	assay_conn_recv(struct assay_conn *c, void *dst, size_t len,
	    long long until_ms);

/*
 * Reads what is there into out, as assay_conn_recv, never past
 * assay_buf_max(out) nor max_read.  Returns 0 with *got the bytes added
 * (0: the time is up), 1 with why (closed, reset, or the smaller cap
 * reached: "read cap of N bytes reached", assay_conn_capped() set, the
 * bytes that fitted in out), or ASSAY_ERR_ALLOC.
 */
int	assay_conn_recv_buf(struct assay_conn *c, struct assay_buf *out,
	    long long until_ms, size_t *got);

/*
 * Reads exactly len bytes by the deadline through a read-ahead buffer.
 * Returns 0 or -1 with why; a timeout reads "timeout after N ms waiting
 * for <waiting_for> (M bytes received)".
 */
int	assay_conn_read_exact(struct assay_conn *c, void *dst, size_t len,
	    const char *waiting_for);

/* Bytes waiting in the read-ahead (read, counted, not yet taken). */
size_t	assay_conn_buffered(const struct assay_conn *c);
/* Copies up to cap bytes of the read-ahead to dst without taking them. */
size_t	assay_conn_peek(const struct assay_conn *c, void *dst, size_t cap);
/*
 * Gives back the last n bytes assay_conn_read_exact() took from the
 * read-ahead, so the next read returns them again (n larger than what
 * is there is cut to it).
 */
void	assay_conn_unread(struct assay_conn *c, size_t n);
/* A new operation timeout: the deadline becomes ms from now, and timeouts name ms. */
void	assay_conn_set_timeout(struct assay_conn *c, int ms);

/*
 * UDP: sends one datagram (through DTLS when attached).  0, or -1 with
 * why ("port unreachable (ICMP)", ...); a datagram the socket would not
 * take now counts as lost (0), as retransmission covers it.
 */
int	assay_conn_send_dgram(struct assay_conn *c, const void *p, size_t len);
/*
 * UDP: waits until until_ms for one datagram, longer ones cut at len.
 * Returns its length (> 0, recorded, counted against max_read: the part
 * past the cap is dropped and assay_conn_capped() set), 0 when the time
 * is up, -1 with why.
 */
long	assay_conn_recv_dgram(struct assay_conn *c, void *dst, size_t len,
	    long long until_ms);

/* 1 when host is an IPv4 or IPv6 address literal (no brackets), not a name. */
int	assay_host_is_address(const char *host);

/*
 * The RFC 2253 text of an X509 name, malloc'd ("" for NULL), or NULL on
 * allocation failure: the one place certificate names are printed.
 */
char	*assay_x509_name_text(const struct X509_name_st *name);
/* The last OpenSSL error as text into dst ("unknown error" if none); clears the queue. */
void	 assay_ssl_error_text(char *dst, size_t len);

#endif /* ASSAY_PROBE_CONN_H */
