/*
 * probe/standin.h - servers Assay puts in place of the device's cloud:
 * an HTTP/1.1 file server and an MQTT sink, plain or over TLS, on
 * sockets the caller accepted (issue 13, items 4 and 1's recording).
 *
 * The device is the client here, and still hostile: every byte it sends
 * is read into a capped buffer, a request line or header block beyond
 * its cap is answered 414 or 431 and the connection closed, only GET is
 * served, one request per connection, and a path that leaves the site
 * ("..", an encoded slash or NUL) is refused with 400 before any lookup.
 * The site is an in-memory list of files (path -> bytes): what is served
 * is exactly what the caller put there, so a tampered variant of an
 * update is made by changing bytes, never by touching the lab's files.
 *
 * The parsers are sans-I/O (assay_standin_http_parse,
 * assay_standin_mqtt_feed) and fuzzed by fuzz/fuzz_standin.c; the
 * connection driver and the server thread put them on sockets.
 */
#ifndef ASSAY_PROBE_STANDIN_H
#define ASSAY_PROBE_STANDIN_H

#include <stddef.h>

#include <openssl/ssl.h>

struct assay_buf;

/* --- the site: files served by path ----------------------------------- */

#define ASSAY_STANDIN_MAX_PATH		1024
#define ASSAY_STANDIN_MAX_FILES		256
#define ASSAY_STANDIN_MAX_SITE		(256UL * 1024 * 1024)	/* bytes in all */

struct assay_standin_site;

struct assay_standin_site *assay_standin_site_new(void);
void	assay_standin_site_free(struct assay_standin_site *s);
/*
 * Adds (or replaces) path with a copy of data.  path must be a
 * normalised absolute path (assay_standin_path_normalise).  Returns 0,
 * ASSAY_ERR_INVALID_ARG, ASSAY_ERR_TOO_BIG (file or byte cap) or
 * ASSAY_ERR_ALLOC.
 */
int	assay_standin_site_add(struct assay_standin_site *s, const char *path,
	    const void *data, size_t len);
/*
 * Adds every regular file under dir, served at "/" + its path relative
 * to dir ("dir/update/manifest.json" -> "/update/manifest.json").
 * Symbolic links are neither followed nor served; names that would not
 * survive normalisation are skipped.  Returns 0, or 0 with why set when
 * the directory cannot be read or a cap is reached (the site is then
 * incomplete: the caller refuses it), or ASSAY_ERR_ALLOC.
 */
int	assay_standin_site_load_dir(struct assay_standin_site *s,
	    const char *dir, char *why, size_t whylen);
/* Removes path; 0 or ASSAY_ERR_NOT_FOUND. */
int	assay_standin_site_remove(struct assay_standin_site *s,
	    const char *path);
/*
 * The bytes served at path (borrowed until the path is replaced or
 * removed, or the site freed; writable so a variant can flip a byte),
 * or NULL.
 */
unsigned char *assay_standin_site_get(struct assay_standin_site *s,
	    const char *path, size_t *lenp);
/* Copies the whole site (for a variant). NULL on allocation failure. */
struct assay_standin_site *assay_standin_site_dup(
	    const struct assay_standin_site *s);

/* --- HTTP request parsing (sans-I/O) ---------------------------------- */

#define ASSAY_STANDIN_MAX_REQUEST_LINE	2048
#define ASSAY_STANDIN_MAX_HEADER_BYTES	16384	/* request line included */
#define ASSAY_STANDIN_MAX_HEADER_LINES	64

struct assay_standin_req {
	int	 status;	/* 0: a GET to serve; else the error to answer */
	char	 method[16];	/* as sent, clipped; "" when unreadable */
	char	 path[ASSAY_STANDIN_MAX_PATH];	/* normalised; "" on error */
	char	 host[256];	/* Host header, clipped; "" when absent */
	const char *why;	/* static text for an error status */
};

/*
 * Parses one request head from p[0..len).  Returns 1 when the head is
 * complete (or can be judged: req->status set to 400 malformed, 405 not
 * GET, 414 request line too long, 431 headers too long or too many,
 * 505 not HTTP/1.x), 0 when more bytes are needed.  Never reads past
 * len; a body is not read (GET has none).
 */
int	assay_standin_http_parse(const char *p, size_t len,
	    struct assay_standin_req *req);
/*
 * Normalises a request target (tlen bytes) into out: origin form only
 * ("/..."), query and fragment dropped, %XX decoded, "//" and "/./"
 * collapsed.  Refuses (returns -1) a ".." segment, a decoded NUL, '/',
 * '\\' or control byte, a bad escape, and a result of olen bytes or
 * more; 0 otherwise.
 */
int	assay_standin_path_normalise(const char *target, size_t tlen,
	    char *out, size_t olen);

/* --- MQTT sink (sans-I/O) --------------------------------------------- */

#define ASSAY_STANDIN_MQTT_MAX_PACKET	(256 * 1024)

/*
 * The topics PUBLISHed to, with a count each (6-3-2 tells one consented
 * processing from the rest of a channel by its topic, also inside TLS).
 * Bytes other than printable ASCII are kept as '?'; a topic longer than
 * the name is cut; topics beyond the table are only counted as dropped.
 */
#define ASSAY_STANDIN_MQTT_TOPICS	16

struct assay_standin_topic {
	char		 name[128];
	unsigned	 publishes;
};

struct assay_standin_mqtt {
	int		 version;	/* 3, 4 or 5 once CONNECT was read; else 0 */
	int		 connected;
	int		 done;		/* DISCONNECT read: close */
	unsigned	 connects, publishes, subscribes, pings;
	struct assay_standin_topic topics[ASSAY_STANDIN_MQTT_TOPICS];
	unsigned	 ntopics, topics_dropped;
	const char	*why;		/* static: why the sink gave up */
};

/*
 * Feeds len bytes of the client's stream.  Handles every complete
 * packet at the front: CONNECT -> CONNACK 0 (v5: with an empty property
 * block), PUBLISH QoS 1 -> PUBACK, QoS 2 -> PUBREC, PUBREL -> PUBCOMP,
 * SUBSCRIBE -> SUBACK granting QoS 0 per filter, PINGREQ -> PINGRESP,
 * DISCONNECT -> done.  Replies are appended to out; *used gets the
 * bytes consumed (the caller keeps the rest for the next call).
 * Returns 0, or ASSAY_ERR_PARSE with m->why (a packet before CONNECT, a
 * second CONNECT, a malformed or oversized packet: the connection is
 * closed), or what assay_buf_put returns.
 */
int	assay_standin_mqtt_feed(struct assay_standin_mqtt *m,
	    const unsigned char *p, size_t len, size_t *used,
	    struct assay_buf *out);

/* --- connections and the server thread -------------------------------- */

enum assay_standin_proto { ASSAY_STANDIN_HTTP, ASSAY_STANDIN_MQTT };

/* One HTTP request as served (for the result; the path is normalised
 * or a description of what was refused). */
struct assay_standin_request {
	char	 path[256];
	int	 status;
	size_t	 bytes;		/* body bytes sent */
};

#define ASSAY_STANDIN_MAX_LOG	256

/*
 * What one server saw; filled under the server's lock, read with
 * assay_standin_server_stats().
 */
struct assay_standin_stats {
	unsigned	 connections;		/* accepted from the device */
	unsigned	 handshakes;		/* TLS handshakes completed */
	unsigned	 handshake_failures;
	char		 tls_version[16];	/* of the last handshake */
	char		 sni[256];		/* of the last handshake */
	char		 last_error[160];	/* last handshake or protocol failure */
	unsigned	 mqtt_connects, mqtt_publishes, mqtt_subscribes;
	struct assay_standin_topic mqtt_topics[ASSAY_STANDIN_MQTT_TOPICS];
	unsigned	 mqtt_ntopics, mqtt_topics_dropped;
	size_t		 nrequests;		/* requests logged */
	unsigned	 requests_dropped;	/* beyond ASSAY_STANDIN_MAX_LOG */
	struct assay_standin_request requests[ASSAY_STANDIN_MAX_LOG];
};

/*
 * Accepts a connection on lfd within ms; 0 with *cfd -1 on timeout.  The
 * gateway's assay_gw_accept() has this shape; tests use a plain accept.
 */
typedef int (*assay_standin_accept_fn)(void *arg, int lfd, int ms, int *cfd,
    char *peer, size_t plen);

struct assay_standin_server;

/*
 * Starts a thread that accepts on lfd (non-blocking, owned by the
 * caller) through accept_fn and serves proto on each connection in turn:
 * TLS first when ctx is not NULL (the server takes a reference), then
 * one HTTP request from site (HTTP; may be NULL: every path 404) or an
 * MQTT session.  A connection ends at idle_ms without a byte or at
 * conn_ms in all.  Returns 0 with *sp, or ASSAY_ERR_*.
 */
int	assay_standin_server_start(int lfd, enum assay_standin_proto proto,
	    SSL_CTX *ctx, struct assay_standin_site *site,
	    assay_standin_accept_fn accept_fn, void *accept_arg, int idle_ms,
	    int conn_ms, struct assay_standin_server **sp);
/*
 * Replaces the site served from the next request on (the server does not
 * own sites: the caller frees the old one after this returns).
 */
void	assay_standin_server_set_site(struct assay_standin_server *sv,
	    struct assay_standin_site *site);
/* Copies the statistics so far. */
void	assay_standin_server_stats(struct assay_standin_server *sv,
	    struct assay_standin_stats *st);
/* Clears the statistics (between variants). */
void	assay_standin_server_reset(struct assay_standin_server *sv);
/* 1 once a request for path was answered 200 since the last reset. */
int	assay_standin_server_fetched(struct assay_standin_server *sv,
	    const char *path);
/* Stops the thread (a connection in progress is cut) and frees sv. */
void	assay_standin_server_stop(struct assay_standin_server *sv);

/*
 * Serves one accepted connection cfd (closed on return) in the calling
 * thread, as the server thread does; stats (may be NULL) is updated
 * without a lock.  stop (may be NULL) is polled: nonzero cuts the
 * connection.  For the tests and a caller without a thread.
 */
void	assay_standin_serve_conn(int cfd, enum assay_standin_proto proto,
	    SSL_CTX *ctx, const struct assay_standin_site *site, int idle_ms,
	    int conn_ms, const volatile int *stop,
	    struct assay_standin_stats *stats);

#endif /* ASSAY_PROBE_STANDIN_H */
