/*
 * probe_mqtt.c - hand-written MQTT 3.1.1/5 CONNECT probe over TCP or TLS.
 *
 * The socket is non-blocking and every wait is a poll() against a
 * deadline, so no phase can outlive its timeout.  Bytes received are
 * counted against max_read before they are parsed; lengths from the peer
 * are checked against what is left of that cap.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <lua.h>
#include <lauxlib.h>

#include "base/buf.h"
#include "base/error.h"
#include "probe/probe.h"
#include "probe/conn.h"
#include "probe/lua.h"
#include "probe/mqtt.h"
#include "probe/mqtt_codec.h"

#define WHY_LEN		256
#define RDBUF_LEN	4096

struct mqtt_msg {
	char	*topic;
	size_t	 topic_len;
	char	*payload;
	size_t	 payload_len;
	int	 retain;
};

struct assay_probe_mqtt_result {
	char		*failure;
	int		 version;
	int		 connack;	/* CONNACK seen */
	int		 code;
	int		 session_present;
	size_t		 nread;
	int		 tls_done;
	char		*tls_version;
	char		*tls_cipher;
	char		*tls_subject;
	char		*tls_issuer;
	int		 subscribed;
	int		 granted;
	char		*sub_error;
	char		*sub_truncated;
	struct mqtt_msg	*msgs;
	size_t		 nmsgs;
};

/*
 * Reads one packet header through the connection: type byte and
 * remaining length.  Checks the length against the read cap before
 * anything is allocated.  0, or -1 with the connection's why set.
 */
static int
read_header(struct assay_conn *c, unsigned char *type, size_t *rlen,
    const char *waiting_for)
{
	unsigned char hdr[5];
	size_t n = 1, hl = 0, left;

	if (assay_conn_read_exact(c, hdr, 1, waiting_for) != 0)
		return -1;
	for (;;) {
		if (assay_conn_read_exact(c, hdr + n, 1, waiting_for) != 0)
			return -1;
		n++;
		if (assay_mqtt_header_parse(hdr, n, type, rlen, &hl) != 0) {
			assay_conn_setwhy(c, "not MQTT: remaining length longer "
			    "than 4 bytes");
			return -1;
		}
		if (hl != 0)
			break;
	}
	left = assay_conn_max_read(c) - assay_conn_nread(c) +
	    assay_conn_buffered(c);
	if (*rlen > left) {
		assay_conn_setwhy(c, "read cap of %zu bytes reached: packet of "
		    "%zu bytes announced", assay_conn_max_read(c), *rlen);
		return -1;
	}
	return 0;
}

/* TLS on the connection; the peer's details go to res.  As assay_conn_tls_start. */
static int
tls_start(struct assay_conn *c, const char *host,
    struct assay_probe_mqtt_result *res)
{
	X509 *peer;
	SSL *ssl;
	int r;

	if ((r = assay_conn_tls_start(c, host)) != 0)
		return r;
	ssl = assay_conn_ssl(c);
	res->tls_done = 1;
	if ((res->tls_version = strdup(SSL_get_version(ssl))) == NULL ||
	    (res->tls_cipher = strdup(SSL_get_cipher_name(ssl))) == NULL)
		return ASSAY_ERR_ALLOC;
	peer = SSL_get1_peer_certificate(ssl);
	res->tls_subject = assay_x509_name_text(peer ?
	    X509_get_subject_name(peer) : NULL);
	res->tls_issuer = assay_x509_name_text(peer ?
	    X509_get_issuer_name(peer) : NULL);
	X509_free(peer);
	if (res->tls_subject == NULL || res->tls_issuer == NULL)
		return ASSAY_ERR_ALLOC;
	assay_probe_note(assay_conn_env(c), assay_conn_channel(c),
	    "TLS %s %s, peer subject \"%s\" issuer \"%s\" (not verified)",
	    res->tls_version, res->tls_cipher, res->tls_subject,
	    res->tls_issuer);
	return 0;
}

const char *
assay_probe_mqtt_code_name(int version, int code)
{
	static const char *v3[] = {
		"connection accepted",
		"unacceptable protocol version",
		"identifier rejected",
		"server unavailable",
		"bad user name or password",
		"not authorized",
	};
	static const struct {
		int		 code;
		const char	*name;
	} v5[] = {
		{ 0x00, "success" },
		{ 0x80, "unspecified error" },
		{ 0x81, "malformed packet" },
		{ 0x82, "protocol error" },
		{ 0x83, "implementation specific error" },
		{ 0x84, "unsupported protocol version" },
		{ 0x85, "client identifier not valid" },
		{ 0x86, "bad user name or password" },
		{ 0x87, "not authorized" },
		{ 0x88, "server unavailable" },
		{ 0x89, "server busy" },
		{ 0x8a, "banned" },
		{ 0x8c, "bad authentication method" },
		{ 0x90, "topic name invalid" },
		{ 0x95, "packet too large" },
		{ 0x97, "quota exceeded" },
		{ 0x99, "payload format invalid" },
		{ 0x9a, "retain not supported" },
		{ 0x9b, "QoS not supported" },
		{ 0x9c, "use another server" },
		{ 0x9d, "server moved" },
		{ 0x9f, "connection rate exceeded" },
	};
	size_t i;

	if (version != 5) {
		if (code >= 0 && code < (int)(sizeof(v3) / sizeof(v3[0])))
			return v3[code];
		return "reserved return code";
	}
	for (i = 0; i < sizeof(v5) / sizeof(v5[0]); i++)
		if (v5[i].code == code)
			return v5[i].name;
	return "unknown reason code";
}

/* Reads the CONNACK into res: 0, 1 (network outcome in c's why), or error. */
static int
read_connack(struct assay_conn *c, int version,
    struct assay_probe_mqtt_result *res)
{
	unsigned char type, peek[32], *all;
	char ex[128];
	size_t rlen, np;

	if (assay_conn_read_exact(c, &type, 1, "CONNACK") != 0)
		return 1;
	assay_conn_unread(c, 1);	/* read_header takes it again */
	np = assay_conn_peek(c, peek, sizeof(peek));
	if (np == 0 || peek[0] != ASSAY_MQTT_CONNACK) {
		/* Show the peer's first bytes: what is in the read-ahead. */
		assay_probe_excerpt(peek, np, 12, 24, ex, sizeof(ex));
		assay_conn_setwhy(c, "not MQTT: expected CONNACK (0x20), got %s",
		    ex);
		return 1;
	}
	if (read_header(c, &type, &rlen, "CONNACK") != 0)
		return 1;
	if (rlen < 2 || (version != 5 && rlen != 2)) {
		assay_conn_setwhy(c, "not MQTT: CONNACK with remaining length %zu",
		    rlen);
		return 1;
	}
	/* The whole body (read_header held rlen to the read cap). */
	if ((all = malloc(rlen)) == NULL)
		return ASSAY_ERR_ALLOC;
	if (assay_conn_read_exact(c, all, rlen, rlen > 2 ?
	    "CONNACK properties" : "CONNACK") != 0) {
		free(all);
		return 1;
	}
	if (assay_mqtt_connack_parse(all, rlen, version, &res->session_present,
	    &res->code) != 0) {
		assay_probe_excerpt(all + 2, rlen - 2, 8, 16, ex, sizeof(ex));
		assay_conn_setwhy(c, "not MQTT: CONNACK properties do not fit "
		    "the packet (%zu bytes after the return code: %s)",
		    rlen - 2, ex);
		res->code = -1;
		res->session_present = 0;
		free(all);
		return 1;
	}
	free(all);
	res->connack = 1;
	/* A 3.1.1-only broker answers CONNECT v5 with a 3.1.1 CONNACK. */
	if (version == 5 && res->code > 0 && res->code < 0x80)
		res->version = 4;
	assay_probe_note(assay_conn_env(c), assay_conn_channel(c),
	    "CONNACK code %d (%s)", res->code,
	    assay_probe_mqtt_code_name(res->version, res->code));
	return 0;
}

static int
sub_fail(struct assay_probe_mqtt_result *res, const char *why)
{
	if ((res->sub_error = strdup(why)) == NULL)
		return ASSAY_ERR_ALLOC;
	return 0;
}

/* Adds a PUBLISH to res: 0, 1 malformed, or ASSAY_ERR_ALLOC. */
static int
add_msg(struct assay_probe_mqtt_result *res, const unsigned char *p, size_t len,
    unsigned int flags, int version)
{
	const unsigned char *topic, *payload;
	struct mqtt_msg *nm, *m;
	size_t tlen, plen;

	if (assay_mqtt_publish_parse(p, len, flags, version, &topic, &tlen,
	    &payload, &plen) != 0)
		return 1;
	if ((nm = reallocarray(res->msgs, res->nmsgs + 1, sizeof(*nm))) == NULL)
		return ASSAY_ERR_ALLOC;
	res->msgs = nm;
	m = &res->msgs[res->nmsgs];
	memset(m, 0, sizeof(*m));
	if ((m->topic = malloc(tlen + 1)) == NULL ||
	    (m->payload = malloc(plen + 1)) == NULL) {
		free(m->topic);
		return ASSAY_ERR_ALLOC;
	}
	memcpy(m->topic, topic, tlen);
	m->topic[tlen] = '\0';
	m->topic_len = tlen;
	memcpy(m->payload, payload, plen);
	m->payload[plen] = '\0';
	m->payload_len = plen;
	m->retain = flags & 1;
	res->nmsgs++;
	return 0;
}

/* SUBSCRIBE, SUBACK, then PUBLISH packets until the window or a cap ends. */
static int
subscribe(struct assay_conn *c, const struct assay_probe_mqtt_params *p,
    int version, struct assay_probe_mqtt_result *res)
{
	struct assay_buf *pkt = NULL;
	unsigned char type, *data = NULL;
	const char *bad;
	size_t rlen;
	int r, listen_ms, max_msgs;
	char tr[96];

	listen_ms = p->listen_ms > 0 ? p->listen_ms : ASSAY_MQTT_DEFAULT_LISTEN_MS;
	max_msgs = p->max_messages > 0 ? p->max_messages : ASSAY_MQTT_DEFAULT_MAX_MESSAGES;
	res->subscribed = 1;
	res->granted = -1;
	if ((pkt = assay_buf_new(65536 + 32)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if ((r = assay_mqtt_build_subscribe(version, p->subscribe, pkt)) != 0)
		goto out;
	assay_conn_set_deadline(c, assay_conn_timeout_ms(c));
	if (assay_conn_write(c, assay_buf_data(pkt), assay_buf_len(pkt),
	    NULL) != 0) {
		r = sub_fail(res, assay_conn_why(c));
		goto out;
	}
	/* Wait for SUBACK (PUBLISH may come first on some brokers). */
	for (;;) {
		if (read_header(c, &type, &rlen, res->granted < 0 ? "SUBACK" :
		    "PUBLISH") != 0) {
			if (res->granted >= 0 && assay_conn_timed_out(c))
				r = 0;	/* the window ended: the normal way out */
			else
				r = sub_fail(res, assay_conn_why(c));
			goto out;
		}
		free(data);
		if ((data = malloc(rlen + 1)) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		if (assay_conn_read_exact(c, data, rlen, "packet body") != 0) {
			r = sub_fail(res, assay_conn_why(c));
			goto out;
		}
		if ((type & 0xf0) == ASSAY_MQTT_SUBACK && res->granted < 0) {
			if (assay_mqtt_suback_parse(data, rlen, version,
			    &res->granted, &bad) != 0) {
				snprintf(tr, sizeof(tr), "not MQTT: %s", bad);
				r = sub_fail(res, tr);
				goto out;
			}
			assay_probe_note(assay_conn_env(c), assay_conn_channel(c),
			    "SUBACK code %d for \"%s\"", res->granted,
			    p->subscribe);
			if (res->granted >= 0x80) {
				r = 0;
				goto out;
			}
			assay_conn_set_timeout(c, listen_ms);
		} else if ((type & 0xf0) == ASSAY_MQTT_PUBLISH) {
			if ((r = add_msg(res, data, rlen, type & 0x0fU,
			    version)) < 0)
				goto out;
			if (r == 1) {
				r = sub_fail(res, "not MQTT: malformed PUBLISH");
				goto out;
			}
			if (res->nmsgs >= (size_t)max_msgs) {
				snprintf(tr, sizeof(tr), "message cap of %d reached",
				    max_msgs);
				if ((res->sub_truncated = strdup(tr)) == NULL)
					r = ASSAY_ERR_ALLOC;
				goto out;
			}
		}
		/* Other packets (PINGRESP, PUBREL...) are ignored. */
	}
 out:
	if (r == 0 && res->sub_error != NULL &&
	    strncmp(res->sub_error, "read cap", 8) == 0) {
		res->sub_truncated = res->sub_error;
		res->sub_error = NULL;
	}
	free(data);
	assay_buf_free(pkt);
	return r;
}

/*
 * OpenSSL writes to the socket with write(), which raises SIGPIPE on a
 * peer that has gone.  A probe must not kill the harness, and the
 * program's signal dispositions are not ours to change: block SIGPIPE in
 * this thread while TLS runs and discard one raised meanwhile.
 */
static void
sigpipe_block(sigset_t *old, int *was_pending)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, old);
	sigpending(&pending);
	*was_pending = sigismember(&pending, SIGPIPE);
}

static void
sigpipe_restore(const sigset_t *old, int was_pending)
{
	struct timespec zero = { 0, 0 };
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	if (!was_pending && sigismember(&pending, SIGPIPE))
		(void)sigtimedwait(&set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/*
 * A client identifier of its own for each connection: "assay-probe-" (or
 * "assay-witness-") and 8 hex digits of the process and a counter.  A
 * broker closes the older of two connections with the same identifier
 * (MQTT 3.1.1 3.1.4-2): with one fixed identifier, two test cases
 * running at once cut each other's subscriptions short.  At most 23
 * bytes, the length every MQTT 3.1.1 server accepts.
 */
static void
own_client_id(char *dst, size_t len, const char *prefix)
{
	static unsigned int counter;
	unsigned int n = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);

	snprintf(dst, len, "%s%05x%03x", prefix,
	    (unsigned int)getpid() & 0xfffffU, n & 0xfffU);
}

/*
 * Opens the connection, runs TLS when asked, sends CONNECT and reads the
 * CONNACK into res; role names the connection in the evidence.  Returns
 * 0 with a CONNACK in res (accepted or not), 1 with res->failure set (a
 * network outcome), or an ASSAY_ERR_*; *cp is the connection either way
 * (NULL when none was opened), for the caller to close.
 */
static int
session(const struct assay_probe_env *env,
    const struct assay_probe_mqtt_params *p, int version, const char *role,
    struct assay_probe_mqtt_result *res, struct assay_conn **cp)
{
	struct assay_buf *pkt = NULL, *masked = NULL;
	char channel[320], id[24];
	int r;

	*cp = NULL;
	if (p->client_id == NULL)
		own_client_id(id, sizeof(id), "assay-probe-");
	snprintf(channel, sizeof(channel), "mqtt%s %s:%d", p->tls ? "+tls" : "",
	    p->host, p->port);
	res->version = version;
	if ((pkt = assay_buf_new(4 * 65536 + 64)) == NULL ||
	    (masked = assay_buf_new(4 * 65536 + 64)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if ((r = assay_mqtt_build_connect(version, p->client_id ?
	    p->client_id : id, p->user, p->password, pkt,
	    masked)) != 0)
		goto out;
	if ((r = assay_conn_open(env, p->host, (unsigned int)p->port,
	    SOCK_STREAM, p->timeout_ms, p->max_read, channel, cp)) != 0)
		goto out;
	if (!assay_conn_ok(*cp))
		goto failed;
	assay_probe_note(env, channel, "connected%s; MQTT %s CONNECT %s "
	    "credentials", role, version == 5 ? "5" : "3.1.1",
	    p->user ? "with" : "without");
	if (p->tls && (r = tls_start(*cp, p->host, res)) != 0) {
		if (r < 0)
			goto out;
		goto failed;
	}
	if (assay_conn_write(*cp, assay_buf_data(pkt), assay_buf_len(pkt),
	    assay_buf_data(masked)) != 0)
		goto failed;
	if ((r = read_connack(*cp, version, res)) != 0) {
		if (r < 0)
			goto out;
		goto failed;
	}
	r = 0;
	goto out;
 failed:
	assay_probe_note(env, channel, "%s", assay_conn_why(*cp));
	if ((res->failure = strdup(assay_conn_why(*cp))) == NULL)
		r = ASSAY_ERR_ALLOC;
	else
		r = 1;
 out:
	assay_buf_free(pkt);	/* wipes the password copy */
	assay_buf_free(masked);
	return r;
}

static const unsigned char disconnect_pkt[2] = { ASSAY_MQTT_DISCONNECT, 0 };

/* A polite end of an accepted session, within 200 ms. */
static void
session_end(struct assay_conn *c, const struct assay_probe_mqtt_result *res)
{
	if (c == NULL || !assay_conn_ok(c))
		return;
	assay_conn_set_deadline(c, 200);
	if (res->connack && res->code == 0)
		(void)assay_conn_write(c, disconnect_pkt,
		    sizeof(disconnect_pkt), NULL);
}

int
assay_probe_mqtt_connect(const struct assay_probe_env *env,
    const struct assay_probe_mqtt_params *p, struct assay_probe_mqtt_result **resp)
{
	struct assay_probe_mqtt_result *res = NULL;
	struct assay_conn *c = NULL;
	int r, version, sigpending_before = 0, sigblocked = 0;
	sigset_t oldmask;

	if (resp != NULL)
		*resp = NULL;
	if (p == NULL || resp == NULL || p->host == NULL || p->port < 1 ||
	    p->port > 65535 || (p->version != 0 && p->version != 4 && p->version != 5))
		return ASSAY_ERR_INVALID_ARG;
	version = p->version ? p->version : 4;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		return ASSAY_ERR_ALLOC;
	if (p->tls) {
		sigpipe_block(&oldmask, &sigpending_before);
		sigblocked = 1;
	}
	if ((r = session(env, p, version, "", res, &c)) < 0)
		goto out;
	if (r == 0 && res->code == 0 && p->subscribe != NULL &&
	    (r = subscribe(c, p, version, res)) != 0)
		goto out;
	session_end(c, res);
	r = 0;
	res->nread = assay_conn_nread(c);
 out:
	assay_conn_close(c, 0);
	if (sigblocked)
		sigpipe_restore(&oldmask, sigpending_before);
	if (r != 0) {
		assay_probe_mqtt_result_free(res);
		return r;
	}
	*resp = res;
	return 0;
}

/*
 * Reads packets on the witness until until (or a cap), adding every
 * PUBLISH to res.  0 (the window ended, the normal way out), 1 with
 * res->sub_error or res->sub_truncated set, or ASSAY_ERR_ALLOC.
 */
static int
witness_listen(struct assay_conn *c, int version,
    struct assay_probe_mqtt_result *res, int ms)
{
	unsigned char type, *data = NULL;
	size_t rlen;
	int r;

	assay_conn_set_timeout(c, ms);
	for (;;) {
		if (read_header(c, &type, &rlen, "PUBLISH") != 0) {
			if (assay_conn_timed_out(c))
				r = 0;
			else if (strncmp(assay_conn_why(c), "read cap", 8) == 0)
				r = (res->sub_truncated =
				    strdup(assay_conn_why(c))) == NULL ?
				    ASSAY_ERR_ALLOC : 1;
			else
				r = sub_fail(res, assay_conn_why(c)) != 0 ?
				    ASSAY_ERR_ALLOC : 1;
			break;
		}
		free(data);
		if ((data = malloc(rlen + 1)) == NULL) {
			r = ASSAY_ERR_ALLOC;
			break;
		}
		if (assay_conn_read_exact(c, data, rlen, "packet body") != 0) {
			r = sub_fail(res, assay_conn_why(c)) != 0 ?
			    ASSAY_ERR_ALLOC : 1;
			break;
		}
		if ((type & 0xf0) != ASSAY_MQTT_PUBLISH)
			continue;
		if ((r = add_msg(res, data, rlen, type & 0x0fU, version)) < 0)
			break;
		if (r == 1) {
			r = sub_fail(res, "not MQTT: malformed PUBLISH") != 0 ?
			    ASSAY_ERR_ALLOC : 1;
			break;
		}
		if (res->nmsgs >= ASSAY_MQTT_DEFAULT_MAX_MESSAGES) {
			r = (res->sub_truncated = strdup("message cap of 100 "
			    "reached")) == NULL ? ASSAY_ERR_ALLOC : 1;
			break;
		}
	}
	free(data);
	return r;
}

/*
 * After the PUBLISH: the PUBACK (QoS 1) or the PINGRESP to a PINGREQ
 * (QoS 0), whichever the broker owes, within the timeout.  A broker that
 * closes the connection instead says so (pr->after).  0 or an error.
 */
static int
publish_answer(struct assay_conn *c, int version, int qos,
    struct assay_probe_mqtt_pub_result *pr)
{
	static const unsigned char ping[2] = { ASSAY_MQTT_PINGREQ, 0 };
	unsigned char type, *data = NULL;
	const char *bad;
	char why[ASSAY_CONN_WHY_MAX + 64];
	size_t rlen;
	int r = 0, code;

	assay_conn_set_deadline(c, assay_conn_timeout_ms(c));
	if (qos == 0 && assay_conn_write(c, ping, sizeof(ping), NULL) != 0)
		goto gone;
	for (;;) {
		if (read_header(c, &type, &rlen, qos ? "PUBACK" :
		    "PINGRESP") != 0)
			goto gone;
		free(data);
		if ((data = malloc(rlen + 1)) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		if (assay_conn_read_exact(c, data, rlen, "packet body") != 0)
			goto gone;
		if (qos == 0 && (type & 0xf0) == ASSAY_MQTT_PINGRESP)
			goto out;
		if (qos == 1 && (type & 0xf0) == ASSAY_MQTT_PUBACK) {
			if (assay_mqtt_puback_parse(data, rlen, version, &code,
			    &bad) != 0) {
				snprintf(why, sizeof(why), "not MQTT: %s", bad);
				if ((pr->after = strdup(why)) == NULL)
					r = ASSAY_ERR_ALLOC;
				goto out;
			}
			pr->puback = code;
			assay_probe_note(assay_conn_env(c), assay_conn_channel(c),
			    "PUBACK reason %d (%s)", code, code == 0 ? "success" :
			    assay_probe_mqtt_code_name(5, code));
			goto out;
		}
		if ((type & 0xf0) == ASSAY_MQTT_DISCONNECT) {
			if (version == 5 && rlen > 0)
				snprintf(why, sizeof(why), "the broker sent "
				    "DISCONNECT, reason %d (%s)", data[0],
				    assay_probe_mqtt_code_name(5, data[0]));
			else
				snprintf(why, sizeof(why), "the broker sent "
				    "DISCONNECT");
			if ((pr->after = strdup(why)) == NULL)
				r = ASSAY_ERR_ALLOC;
			goto out;
		}
		/* Other packets are not the answer: skipped. */
	}
 gone:
	snprintf(why, sizeof(why), "after the PUBLISH: %s", assay_conn_why(c));
	assay_probe_note(assay_conn_env(c), assay_conn_channel(c), "%s", why);
	if ((pr->after = strdup(why)) == NULL)
		r = ASSAY_ERR_ALLOC;
 out:
	free(data);
	return r;
}

static int
pub_skip(struct assay_probe_mqtt_pub_result *pr, const char *what,
    const char *s)
{
	char why[ASSAY_CONN_WHY_MAX + 128];

	snprintf(why, sizeof(why), "%s%s", what, s);
	return (pr->skipped = strdup(why)) == NULL ? ASSAY_ERR_ALLOC : 0;
}

int
assay_probe_mqtt_publish(const struct assay_probe_env *env,
    const struct assay_probe_mqtt_pub_params *p,
    struct assay_probe_mqtt_pub_result **resp)
{
	struct assay_probe_mqtt_pub_result *pr = NULL;
	struct assay_probe_mqtt_params wp;
	struct assay_conn *wc = NULL, *pc = NULL;
	struct assay_buf *pkt = NULL;
	size_t i, tlen;
	int r, version, quiet_ms, listen_ms, sigpending_before = 0;
	sigset_t oldmask;
	char code[64], witness_id[24];

	if (resp != NULL)
		*resp = NULL;
	if (p == NULL || resp == NULL || p->pub.host == NULL ||
	    p->pub.port < 1 || p->pub.port > 65535 ||
	    (p->pub.version != 0 && p->pub.version != 4 && p->pub.version != 5) ||
	    p->topic == NULL || (tlen = strlen(p->topic)) == 0 ||
	    tlen > ASSAY_MQTT_PUBLISH_MAX_TOPIC ||
	    strpbrk(p->topic, "+#") != NULL ||
	    p->payload_len > ASSAY_MQTT_PUBLISH_MAX_PAYLOAD ||
	    (p->payload == NULL && p->payload_len > 0) ||
	    (p->qos != 0 && p->qos != 1))
		return ASSAY_ERR_INVALID_ARG;
	version = p->pub.version ? p->pub.version : 4;
	quiet_ms = p->quiet_ms > 0 ? p->quiet_ms : 300;
	listen_ms = p->listen_ms > 0 ? p->listen_ms : ASSAY_MQTT_DEFAULT_LISTEN_MS;
	if ((pr = calloc(1, sizeof(*pr))) == NULL ||
	    (pr->publisher = calloc(1, sizeof(*pr->publisher))) == NULL ||
	    (p->observe && (pr->witness = calloc(1,
	    sizeof(*pr->witness))) == NULL) ||
	    (pkt = assay_buf_new(ASSAY_MQTT_PUBLISH_MAX_TOPIC +
	    ASSAY_MQTT_PUBLISH_MAX_PAYLOAD + 32)) == NULL) {
		assay_probe_mqtt_pub_result_free(pr);
		return ASSAY_ERR_ALLOC;
	}
	pr->puback = -1;
	pr->delivered = -1;
	if ((r = assay_mqtt_build_publish(version, p->topic, p->payload,
	    p->payload_len, p->qos, p->retain, pkt)) != 0)
		goto out;
	sigpipe_block(&oldmask, &sigpending_before);

	/* The witness first: nothing is written that can't be seen. */
	if (p->observe) {
		wp = p->pub;
		wp.user = p->obs_user;
		wp.password = p->obs_password;
		own_client_id(witness_id, sizeof(witness_id), "assay-witness-");
		wp.client_id = witness_id;
		wp.subscribe = p->topic;
		wp.listen_ms = quiet_ms;
		wp.max_messages = ASSAY_MQTT_DEFAULT_MAX_MESSAGES;
		if ((r = session(env, &wp, version, " (witness)", pr->witness,
		    &wc)) < 0)
			goto restore;
		if (r == 1) {
			r = pub_skip(pr, "the witness could not connect: ",
			    pr->witness->failure);
			goto restore;
		}
		if (pr->witness->code != 0) {
			r = pub_skip(pr, "the witness was refused: CONNACK ",
			    assay_probe_mqtt_reason(pr->witness));
			goto restore;
		}
		if ((r = subscribe(wc, &wp, version, pr->witness)) != 0)
			goto restore;
		if (pr->witness->granted < 0 || pr->witness->granted >= 0x80 ||
		    pr->witness->sub_error != NULL) {
			snprintf(code, sizeof(code), "SUBACK %d",
			    pr->witness->granted);
			r = pub_skip(pr, "the witness could not subscribe to the "
			    "topic: ", pr->witness->sub_error ?
			    pr->witness->sub_error : code);
			goto restore;
		}
		pr->baseline = pr->witness->nmsgs;
		for (i = 0; i < pr->baseline; i++)
			if (!pr->witness->msgs[i].retain)
				pr->busy++;
	}

	/* The publisher: the subject under test. */
	wp = p->pub;
	wp.subscribe = NULL;
	if ((r = session(env, &wp, version, " (publisher)", pr->publisher,
	    &pc)) < 0)
		goto restore;
	if (r == 1 || pr->publisher->code != 0) {
		r = 0;	/* refused at CONNECT: nothing to publish */
		goto restore;
	}
	assay_probe_note(env, assay_conn_channel(pc), "PUBLISH %zu bytes to "
	    "\"%s\" at QoS %d%s", p->payload_len, p->topic, p->qos,
	    p->retain ? ", retained" : "");
	if (assay_conn_write(pc, assay_buf_data(pkt), assay_buf_len(pkt),
	    NULL) != 0) {
		r = pub_skip(pr, "the PUBLISH could not be sent: ",
		    assay_conn_why(pc));
		goto restore;
	}
	pr->published = 1;
	if ((r = publish_answer(pc, version, p->qos, pr)) != 0)
		goto restore;

	/* Did it arrive? */
	if (p->observe) {
		if ((r = witness_listen(wc, version, pr->witness,
		    listen_ms)) < 0)
			goto restore;
		pr->delivered = 0;
		for (i = pr->baseline; i < pr->witness->nmsgs; i++) {
			struct mqtt_msg *m = &pr->witness->msgs[i];

			if (m->topic_len == tlen &&
			    memcmp(m->topic, p->topic, tlen) == 0 &&
			    m->payload_len == p->payload_len &&
			    (p->payload_len == 0 || memcmp(m->payload,
			    p->payload, p->payload_len) == 0))
				pr->delivered = 1;
		}
		assay_probe_note(env, assay_conn_channel(wc), "witness: the "
		    "message %s within %d ms (%zu message(s) after the "
		    "PUBLISH)", pr->delivered ? "arrived" : "did not arrive",
		    listen_ms, pr->witness->nmsgs - pr->baseline);
	}
	r = 0;
 restore:
	session_end(pc, pr->publisher);
	session_end(wc, pr->witness ? pr->witness : pr->publisher);
	pr->publisher->nread = assay_conn_nread(pc);
	if (pr->witness != NULL)
		pr->witness->nread = assay_conn_nread(wc);
	assay_conn_close(pc, 0);
	assay_conn_close(wc, 0);
	sigpipe_restore(&oldmask, sigpending_before);
 out:
	assay_buf_free(pkt);
	if (r != 0) {
		assay_probe_mqtt_pub_result_free(pr);
		return r;
	}
	*resp = pr;
	return 0;
}

void
assay_probe_mqtt_pub_result_free(struct assay_probe_mqtt_pub_result *r)
{
	if (r == NULL)
		return;
	assay_probe_mqtt_result_free(r->witness);
	assay_probe_mqtt_result_free(r->publisher);
	free(r->skipped);
	free(r->after);
	free(r);
}

int
assay_probe_mqtt_login(const struct assay_probe_env *env, const char *host,
    int port, int tls, const char *user, const char *password, int timeout_ms,
    int *outcome, char *detail, size_t detail_len)
{
	struct assay_probe_mqtt_params p;
	struct assay_probe_mqtt_result *res = NULL;
	int r;

	*outcome = ASSAY_AUTH_UNREACHED;
	if (detail_len > 0)
		detail[0] = '\0';
	memset(&p, 0, sizeof(p));
	p.host = host;
	p.port = port;
	p.tls = tls;
	p.user = user;
	p.password = password;
	p.timeout_ms = timeout_ms;
	if ((r = assay_probe_mqtt_connect(env, &p, &res)) != 0)
		return r;
	if (res->failure != NULL)
		snprintf(detail, detail_len, "%s", res->failure);
	else {
		*outcome = res->code == 0 ? ASSAY_AUTH_ACCEPTED :
		    ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "CONNACK %d (%s)", res->code,
		    assay_probe_mqtt_code_name(res->version, res->code));
	}
	assay_probe_mqtt_result_free(res);
	return 0;
}

void
assay_probe_mqtt_result_free(struct assay_probe_mqtt_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nmsgs; i++) {
		free(r->msgs[i].topic);
		free(r->msgs[i].payload);
	}
	free(r->msgs);
	free(r->failure);
	free(r->tls_version);
	free(r->tls_cipher);
	free(r->tls_subject);
	free(r->tls_issuer);
	free(r->sub_error);
	free(r->sub_truncated);
	free(r);
}

const char *
assay_probe_mqtt_failure(const struct assay_probe_mqtt_result *r)
{
	return r->failure;
}

int
assay_probe_mqtt_accepted(const struct assay_probe_mqtt_result *r)
{
	return r->connack && r->code == 0;
}

int
assay_probe_mqtt_code(const struct assay_probe_mqtt_result *r)
{
	return r->connack ? r->code : -1;
}

const char *
assay_probe_mqtt_reason(const struct assay_probe_mqtt_result *r)
{
	if (!r->connack)
		return r->failure;
	return assay_probe_mqtt_code_name(r->version, r->code);
}

int
assay_probe_mqtt_session_present(const struct assay_probe_mqtt_result *r)
{
	return r->session_present;
}

size_t
assay_probe_mqtt_bytes_read(const struct assay_probe_mqtt_result *r)
{
	return r->nread;
}

int
assay_probe_mqtt_tls(const struct assay_probe_mqtt_result *r, const char **version,
    const char **cipher, const char **subject, const char **issuer)
{
	if (!r->tls_done)
		return 0;
	if (version != NULL)
		*version = r->tls_version;
	if (cipher != NULL)
		*cipher = r->tls_cipher;
	if (subject != NULL)
		*subject = r->tls_subject;
	if (issuer != NULL)
		*issuer = r->tls_issuer;
	return 1;
}

int
assay_probe_mqtt_subscription(const struct assay_probe_mqtt_result *r, int *granted,
    const char **error, const char **truncated)
{
	if (!r->subscribed)
		return 0;
	if (granted != NULL)
		*granted = r->granted;
	if (error != NULL)
		*error = r->sub_error;
	if (truncated != NULL)
		*truncated = r->sub_truncated;
	return 1;
}

size_t
assay_probe_mqtt_nmessages(const struct assay_probe_mqtt_result *r)
{
	return r->nmsgs;
}

int
assay_probe_mqtt_message(const struct assay_probe_mqtt_result *r, size_t i,
    const char **topic, size_t *topic_len, const char **payload,
    size_t *payload_len, int *retain)
{
	if (i >= r->nmsgs)
		return ASSAY_ERR_INVALID_ARG;
	if (topic != NULL)
		*topic = r->msgs[i].topic;
	if (topic_len != NULL)
		*topic_len = r->msgs[i].topic_len;
	if (payload != NULL)
		*payload = r->msgs[i].payload;
	if (payload_len != NULL)
		*payload_len = r->msgs[i].payload_len;
	if (retain != NULL)
		*retain = r->msgs[i].retain;
	return 0;
}

/* Lua binding (contract: probe/lua.h). */

static void
result_free(void *p)
{
	assay_probe_mqtt_result_free(p);
}

/*
 * mqtt_connect{host=, port=, tls=, user=, password=, client_id=, version=,
 * timeout_ms=, max_read=, subscribe=, listen_ms=, max_messages=}
 * -> result | nil, reason
 */
static int
l_mqtt_connect(lua_State *L)
{
	static const char *const known[] = { "host", "port", "tls", "user",
	    "password", "client_id", "version", "timeout_ms", "max_read",
	    "subscribe", "listen_ms", "max_messages", NULL };
	const struct assay_probe_env *env = assay_probe_env_get(L);
	struct assay_probe_mqtt_params p;
	struct assay_probe_mqtt_result *res = NULL, **box;
	const char *ver, *cipher, *subj, *iss, *err, *trunc, *topic, *pl;
	size_t i, tl, plen;
	int r, granted, retain;

	assay_lua_opts(L, "mqtt_connect", known);
	memset(&p, 0, sizeof(p));
	p.host = assay_lua_host(L, "mqtt_connect");
	p.tls = assay_lua_opt_bool(L, "mqtt_connect", "tls", 0);
	p.port = (int)assay_lua_opt_int(L, "mqtt_connect", "port", p.tls ? 8883 : 1883, 1, 65535);
	p.user = assay_lua_opt_str(L, "mqtt_connect", "user", NULL);
	p.password = assay_lua_opt_str(L, "mqtt_connect", "password", NULL);
	p.client_id = assay_lua_opt_str(L, "mqtt_connect", "client_id", NULL);
	p.version = (int)assay_lua_opt_int(L, "mqtt_connect", "version", 4, 4, 5);
	p.timeout_ms = assay_lua_timeout(L, "mqtt_connect");
	p.max_read = assay_lua_max_read(L, "mqtt_connect");
	p.subscribe = assay_lua_opt_str(L, "mqtt_connect", "subscribe", NULL);
	p.listen_ms = (int)assay_lua_opt_int(L, "mqtt_connect", "listen_ms", 0, 1, 60000);
	p.max_messages = (int)assay_lua_opt_int(L, "mqtt_connect", "max_messages", 0, 1, 100000);
	if (p.user != NULL && strlen(p.user) > 65535)
		return assay_lua_argerror(L, "mqtt_connect", "user longer than 65535 bytes");
	if (p.password != NULL && strlen(p.password) > 65535)
		return assay_lua_argerror(L, "mqtt_connect", "password longer than 65535 bytes");
	if (p.client_id != NULL && strlen(p.client_id) > 65535)
		return assay_lua_argerror(L, "mqtt_connect", "client_id longer than 65535 bytes");
	if (p.subscribe != NULL && (strlen(p.subscribe) > 65535 || *p.subscribe == '\0'))
		return assay_lua_argerror(L, "mqtt_connect", "subscribe must be 1..65535 bytes");

	box = (struct assay_probe_mqtt_result **)assay_lua_box(L, result_free);
	if ((r = assay_probe_mqtt_connect(env, &p, &res)) != 0)
		return assay_lua_harness_error(L, "mqtt_connect", r, p.timeout_ms);
	*box = res;
	if (assay_probe_mqtt_failure(res) != NULL)
		return assay_lua_fail(L, assay_probe_mqtt_failure(res));
	lua_createtable(L, 0, 8);
	lua_pushboolean(L, assay_probe_mqtt_accepted(res));
	lua_setfield(L, -2, "accepted");
	lua_pushinteger(L, assay_probe_mqtt_code(res));
	lua_setfield(L, -2, "code");
	lua_pushstring(L, assay_probe_mqtt_reason(res));
	lua_setfield(L, -2, "reason");
	lua_pushboolean(L, assay_probe_mqtt_session_present(res));
	lua_setfield(L, -2, "session_present");
	lua_pushinteger(L, p.version);
	lua_setfield(L, -2, "version");
	lua_pushinteger(L, (lua_Integer)assay_probe_mqtt_bytes_read(res));
	lua_setfield(L, -2, "bytes_read");
	if (assay_probe_mqtt_tls(res, &ver, &cipher, &subj, &iss)) {
		lua_createtable(L, 0, 4);
		lua_pushstring(L, ver);
		lua_setfield(L, -2, "version");
		lua_pushstring(L, cipher);
		lua_setfield(L, -2, "cipher");
		lua_pushstring(L, subj);
		lua_setfield(L, -2, "subject");
		lua_pushstring(L, iss);
		lua_setfield(L, -2, "issuer");
	} else
		lua_pushboolean(L, 0);
	lua_setfield(L, -2, "tls");
	if (assay_probe_mqtt_subscription(res, &granted, &err, &trunc)) {
		lua_createtable(L, 0, 5);
		lua_pushstring(L, p.subscribe);
		lua_setfield(L, -2, "filter");
		if (granted >= 0) {
			lua_pushinteger(L, granted);
			lua_setfield(L, -2, "granted");
		}
		if (err != NULL) {
			lua_pushstring(L, err);
			lua_setfield(L, -2, "error");
		}
		if (trunc != NULL) {
			lua_pushstring(L, trunc);
			lua_setfield(L, -2, "truncated");
		}
		lua_createtable(L, (int)assay_probe_mqtt_nmessages(res), 0);
		for (i = 0; i < assay_probe_mqtt_nmessages(res); i++) {
			assay_probe_mqtt_message(res, i, &topic, &tl, &pl, &plen, &retain);
			lua_createtable(L, 0, 3);
			lua_pushlstring(L, topic, tl);
			lua_setfield(L, -2, "topic");
			lua_pushlstring(L, pl, plen);
			lua_setfield(L, -2, "payload");
			lua_pushboolean(L, retain);
			lua_setfield(L, -2, "retain");
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		lua_setfield(L, -2, "messages");
		lua_setfield(L, -2, "subscription");
	}
	return 1;
}

static void
pub_result_free(void *p)
{
	assay_probe_mqtt_pub_result_free(p);
}

/*
 * mqtt_publish{host=, port=, tls=, version=, user=, password=,
 * client_id=, timeout_ms=, max_read=, topic=, payload=, qos=, retain=,
 * witness=, witness_user=, witness_password=, quiet_ms=, listen_ms=}
 * -> result | nil, reason (the publisher reached no CONNACK)
 */
static int
l_mqtt_publish(lua_State *L)
{
	static const char *const known[] = { "host", "port", "tls", "user",
	    "password", "client_id", "version", "timeout_ms", "max_read",
	    "topic", "payload", "qos", "retain", "witness", "witness_user",
	    "witness_password", "quiet_ms", "listen_ms", NULL };
	static const char fn[] = "mqtt_publish";
	const struct assay_probe_env *env = assay_probe_env_get(L);
	struct assay_probe_mqtt_pub_params p;
	struct assay_probe_mqtt_pub_result *res = NULL, **box;
	struct assay_probe_mqtt_result *w;
	size_t i, tlen = 0;
	int r;

	assay_lua_opts(L, fn, known);
	memset(&p, 0, sizeof(p));
	p.pub.host = assay_lua_host(L, fn);
	p.pub.tls = assay_lua_opt_bool(L, fn, "tls", 0);
	p.pub.port = (int)assay_lua_opt_int(L, fn, "port", p.pub.tls ? 8883 : 1883, 1, 65535);
	p.pub.user = assay_lua_opt_str(L, fn, "user", NULL);
	p.pub.password = assay_lua_opt_str(L, fn, "password", NULL);
	p.pub.client_id = assay_lua_opt_str(L, fn, "client_id", NULL);
	p.pub.version = (int)assay_lua_opt_int(L, fn, "version", 4, 4, 5);
	p.pub.timeout_ms = assay_lua_timeout(L, fn);
	p.pub.max_read = assay_lua_max_read(L, fn);
	p.topic = assay_lua_req_str(L, fn, "topic");
	tlen = strlen(p.topic);
	if (tlen > ASSAY_MQTT_PUBLISH_MAX_TOPIC || strpbrk(p.topic, "+#") != NULL)
		return assay_lua_argerror(L, fn, "topic must be a topic name of "
		    "1..%d bytes without the wildcards + and #",
		    ASSAY_MQTT_PUBLISH_MAX_TOPIC);
	p.payload = assay_lua_opt_str(L, fn, "payload", &p.payload_len);
	if (p.payload == NULL)
		return assay_lua_argerror(L, fn, "payload is required (the value "
		    "to write, chosen by the test case)");
	if (p.payload_len > ASSAY_MQTT_PUBLISH_MAX_PAYLOAD)
		return assay_lua_argerror(L, fn, "payload longer than %d bytes",
		    ASSAY_MQTT_PUBLISH_MAX_PAYLOAD);
	p.qos = (int)assay_lua_opt_int(L, fn, "qos", 0, 0, 1);
	p.retain = assay_lua_opt_bool(L, fn, "retain", 0);
	p.observe = assay_lua_opt_bool(L, fn, "witness", 1);
	p.obs_user = assay_lua_opt_str(L, fn, "witness_user", NULL);
	p.obs_password = assay_lua_opt_str(L, fn, "witness_password", NULL);
	if (!p.observe && (p.obs_user != NULL || p.obs_password != NULL))
		return assay_lua_argerror(L, fn, "witness_user and "
		    "witness_password need witness = true");
	p.quiet_ms = (int)assay_lua_opt_int(L, fn, "quiet_ms", 300, 1, 60000);
	p.listen_ms = (int)assay_lua_opt_int(L, fn, "listen_ms", 0, 1, 60000);
	if ((p.pub.user != NULL && strlen(p.pub.user) > 65535) ||
	    (p.pub.password != NULL && strlen(p.pub.password) > 65535) ||
	    (p.pub.client_id != NULL && strlen(p.pub.client_id) > 65535) ||
	    (p.obs_user != NULL && strlen(p.obs_user) > 65535) ||
	    (p.obs_password != NULL && strlen(p.obs_password) > 65535))
		return assay_lua_argerror(L, fn, "user, password, client_id "
		    "longer than 65535 bytes");

	box = (struct assay_probe_mqtt_pub_result **)assay_lua_box(L, pub_result_free);
	if ((r = assay_probe_mqtt_publish(env, &p, &res)) != 0)
		return assay_lua_harness_error(L, fn, r, p.pub.timeout_ms);
	*box = res;
	/* No broker reached at all: the outcome of every probe, nil, why. */
	if (res->witness != NULL && res->witness->failure != NULL) {
		lua_pushnil(L);
		lua_pushfstring(L, "witness: %s", res->witness->failure);
		return 2;
	}
	if (res->skipped == NULL && res->publisher->failure != NULL) {
		lua_pushnil(L);
		lua_pushfstring(L, "publisher: %s", res->publisher->failure);
		return 2;
	}
	lua_createtable(L, 0, 14);
	lua_pushstring(L, p.topic);
	lua_setfield(L, -2, "topic");
	if (res->skipped != NULL) {
		lua_pushstring(L, res->skipped);
		lua_setfield(L, -2, "skipped");
	}
	lua_pushboolean(L, assay_probe_mqtt_accepted(res->publisher));
	lua_setfield(L, -2, "accepted");
	if (res->publisher->connack) {
		lua_pushinteger(L, assay_probe_mqtt_code(res->publisher));
		lua_setfield(L, -2, "code");
		lua_pushstring(L, assay_probe_mqtt_reason(res->publisher));
		lua_setfield(L, -2, "reason");
	}
	lua_pushboolean(L, res->published);
	lua_setfield(L, -2, "published");
	if (res->puback >= 0) {
		lua_pushinteger(L, res->puback);
		lua_setfield(L, -2, "puback");
		lua_pushstring(L, res->puback == 0 ? "success" :
		    assay_probe_mqtt_code_name(5, res->puback));
		lua_setfield(L, -2, "puback_reason");
	}
	if (res->after != NULL) {
		lua_pushstring(L, res->after);
		lua_setfield(L, -2, "after");
	}
	if (res->delivered >= 0) {
		lua_pushboolean(L, res->delivered);
		lua_setfield(L, -2, "delivered");
	}
	lua_pushinteger(L, res->busy);
	lua_setfield(L, -2, "busy");
	if ((w = res->witness) != NULL) {
		lua_createtable(L, 0, 5);
		lua_pushboolean(L, assay_probe_mqtt_accepted(w));
		lua_setfield(L, -2, "accepted");
		if (assay_probe_mqtt_reason(w) != NULL) {
			lua_pushstring(L, assay_probe_mqtt_reason(w));
			lua_setfield(L, -2, "reason");
		}
		if (w->subscribed && w->granted >= 0) {
			lua_pushinteger(L, w->granted);
			lua_setfield(L, -2, "granted");
		}
		/* The retained value the witness saw before the PUBLISH. */
		for (i = 0; i < res->baseline && i < w->nmsgs; i++)
			if (w->msgs[i].retain) {
				lua_pushlstring(L, w->msgs[i].payload,
				    w->msgs[i].payload_len);
				lua_setfield(L, -2, "retained");
			}
		lua_pushinteger(L, (lua_Integer)(w->nmsgs - res->baseline));
		lua_setfield(L, -2, "after_publish");
		lua_setfield(L, -2, "witness");
	}
	return 1;
}

void
assay_probe_mqtt_lua_register(lua_State *L)
{
	lua_pushcfunction(L, l_mqtt_connect);
	lua_setfield(L, -2, "mqtt_connect");
	lua_pushcfunction(L, l_mqtt_publish);
	lua_setfield(L, -2, "mqtt_publish");
}
