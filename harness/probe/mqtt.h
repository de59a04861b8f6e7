/*
 * probe_mqtt.h - MQTT CONNECT/CONNACK probe (3.1.1 and 5) over TCP or TLS.
 *
 * A small hand-written client over a socket the probe owns: it sends one
 * CONNECT (with or without credentials), reads the CONNACK and names its
 * code; optionally it SUBSCRIBEs to a filter ("#") for a short window to
 * show what that client can read.  Every phase runs to a deadline, every
 * byte read counts against a cap, every packet is recorded as evidence
 * (the password bytes masked).  Network outcomes (refused, reset,
 * timeout, not MQTT) are results, not errors.  See docs/probe_mqtt.md.
 */
#ifndef ASSAY_PROBE_MQTT_H
#define ASSAY_PROBE_MQTT_H

#include <stddef.h>

#include "probe/probe.h"

struct lua_State;
struct assay_probe_mqtt_result;

#define ASSAY_MQTT_DEFAULT_LISTEN_MS	1000
#define ASSAY_MQTT_DEFAULT_MAX_MESSAGES	100

/* What to probe.  Strings are borrowed for the duration of the call. */
struct assay_probe_mqtt_params {
	const char	*host;
	int		 port;		/* 1..65535 */
	int		 tls;		/* nonzero: TLS, no verification */
	const char	*user;		/* NULL: no user name */
	const char	*password;	/* NULL: no password */
	const char	*client_id;	/* NULL: "assay-probe-" + 8 hex, per connection */
	int		 version;	/* 4 (3.1.1, the default if 0) or 5 */
	int		 timeout_ms;	/* <= 0: env's, else 5000 */
	size_t		 max_read;	/* 0: env's, else 64 KiB */
	const char	*subscribe;	/* NULL: no SUBSCRIBE */
	int		 listen_ms;	/* <= 0: ASSAY_MQTT_DEFAULT_LISTEN_MS */
	int		 max_messages;	/* <= 0: ASSAY_MQTT_DEFAULT_MAX_MESSAGES */
};

/*
 * Connects, sends CONNECT, reads CONNACK and, when asked and accepted,
 * subscribes for listen_ms.  Takes one slot of env->budget for the
 * connection.  Returns 0 and a result in *resp (free with
 * assay_probe_mqtt_result_free) whatever the network did; or
 * ASSAY_ERR_INVALID_ARG, ASSAY_ERR_ALLOC, ASSAY_ERR_BUDGET (no slot within
 * the timeout), ASSAY_ERR_CRYPTO (OpenSSL context could not be made).
 * env may be NULL.
 */
int	assay_probe_mqtt_connect(const struct assay_probe_env *env,
	    const struct assay_probe_mqtt_params *p,
	    struct assay_probe_mqtt_result **resp);
void	assay_probe_mqtt_result_free(struct assay_probe_mqtt_result *r);

/*
 * One login attempt for the credential runner (probe/cred.h): CONNECT
 * (3.1.1) with user and password, over TLS when tls is set.  *outcome is
 * ASSAY_AUTH_ACCEPTED for CONNACK 0, ASSAY_AUTH_REJECTED for any other
 * CONNACK (the broker judged the pair), ASSAY_AUTH_UNREACHED when no
 * CONNACK came (detail says why).  Returns 0 or as
 * assay_probe_mqtt_connect().
 */
int	assay_probe_mqtt_login(const struct assay_probe_env *env,
	    const char *host, int port, int tls, const char *user,
	    const char *password, int timeout_ms, int *outcome, char *detail,
	    size_t detail_len);

/*
 * Accessors.  Strings are owned by the result and valid until it is freed.
 * failure() is NULL when a CONNACK arrived, else why not
 * ("connection refused", "connection reset after 2 bytes",
 * "not MQTT: ...", "timeout after 500 ms waiting for CONNACK ...").
 */
const char	*assay_probe_mqtt_failure(const struct assay_probe_mqtt_result *r);
int		 assay_probe_mqtt_accepted(const struct assay_probe_mqtt_result *r);
/* CONNACK return code (3.1.1: 0..5) or reason code (5: 0x00, 0x80..). */
int		 assay_probe_mqtt_code(const struct assay_probe_mqtt_result *r);
const char	*assay_probe_mqtt_reason(const struct assay_probe_mqtt_result *r);
int		 assay_probe_mqtt_session_present(const struct assay_probe_mqtt_result *r);
/* Bytes received over the whole conversation (application bytes under TLS). */
size_t		 assay_probe_mqtt_bytes_read(const struct assay_probe_mqtt_result *r);
/*
 * TLS facts; returns 0 when TLS was not used or the handshake did not
 * finish.  Each out pointer may be NULL; subject/issuer are RFC 2253 text
 * of the peer certificate ("" when there was none).
 */
int		 assay_probe_mqtt_tls(const struct assay_probe_mqtt_result *r,
		    const char **version, const char **cipher,
		    const char **subject, const char **issuer);

/*
 * Subscription outcome: 0 when no SUBSCRIBE was sent.  Otherwise 1, with
 * *granted the SUBACK code (-1 if none came), *error why the window ended
 * early (NULL if it did not) and *truncated the cap that cut the messages
 * (NULL if none).
 */
int		 assay_probe_mqtt_subscription(const struct assay_probe_mqtt_result *r,
		    int *granted, const char **error, const char **truncated);
size_t		 assay_probe_mqtt_nmessages(const struct assay_probe_mqtt_result *r);
/* Message i (< nmessages): topic and payload are binary-safe. */
int		 assay_probe_mqtt_message(const struct assay_probe_mqtt_result *r,
		    size_t i, const char **topic, size_t *topic_len,
		    const char **payload, size_t *payload_len, int *retain);

/*
 * A write without (or with given) credentials, and whether it took
 * effect: a witness connection (obs_*) subscribes to the topic first and
 * listens quiet_ms (the retained value, and how busy the topic is), then
 * the publisher (pub: its credentials, none for the unauthenticated
 * subject) connects and PUBLISHes payload; QoS 1 waits for the PUBACK,
 * QoS 0 for the answer to a PINGREQ (the broker has handled the PUBLISH
 * by then, or has closed the connection over it); then the witness
 * listens listen_ms for the message.  Delivery is the decisive evidence:
 * a broker may drop an unauthorised PUBLISH silently (mosquitto does,
 * 3.1.1).  Nothing is published when the witness cannot subscribe.
 */
#define ASSAY_MQTT_PUBLISH_MAX_PAYLOAD	4096
#define ASSAY_MQTT_PUBLISH_MAX_TOPIC	1024

struct assay_probe_mqtt_pub_params {
	struct assay_probe_mqtt_params	 pub;	/* host ... max_read; subscribe unused */
	const char	*topic;		/* a name: no '+' or '#' */
	const void	*payload;
	size_t		 payload_len;	/* <= ASSAY_MQTT_PUBLISH_MAX_PAYLOAD */
	int		 qos;		/* 0 or 1 */
	int		 retain;
	int		 observe;	/* nonzero: a witness connection */
	const char	*obs_user;	/* NULL: anonymous witness */
	const char	*obs_password;
	int		 quiet_ms;	/* <= 0: 300 */
	int		 listen_ms;	/* <= 0: ASSAY_MQTT_DEFAULT_LISTEN_MS */
};

/* What happened; the sub-results are freed with the whole. */
struct assay_probe_mqtt_pub_result {
	struct assay_probe_mqtt_result	*witness;	/* NULL: no witness */
	struct assay_probe_mqtt_result	*publisher;	/* NULL: not tried */
	char		*skipped;	/* why nothing was published, or NULL */
	int		 published;	/* the PUBLISH was written */
	int		 puback;	/* QoS 1: reason code (3.1.1: 0); -1 none */
	char		*after;		/* the broker after the PUBLISH: NULL alive, else what ended it */
	size_t		 baseline;	/* witness messages before the PUBLISH */
	int		 busy;		/* non-retained messages on the topic before it */
	int		 delivered;	/* -1 not told (no witness), 0 no, 1 yes */
};

/*
 * Returns 0 with *resp (free with assay_probe_mqtt_pub_result_free)
 * whatever the network did; ASSAY_ERR_INVALID_ARG (a wildcard topic, a
 * payload over the cap, a QoS other than 0/1), ASSAY_ERR_ALLOC,
 * ASSAY_ERR_BUDGET, ASSAY_ERR_CRYPTO.  Takes up to two budget slots.
 */
int	assay_probe_mqtt_publish(const struct assay_probe_env *env,
	    const struct assay_probe_mqtt_pub_params *p,
	    struct assay_probe_mqtt_pub_result **resp);
void	assay_probe_mqtt_pub_result_free(struct assay_probe_mqtt_pub_result *r);

/* Names a CONNACK code for the protocol version (4 or 5); static string. */
const char	*assay_probe_mqtt_code_name(int version, int code);

/* Adds mqtt_connect and mqtt_publish to the table on top of the stack (see probe.h). */
void	assay_probe_mqtt_lua_register(struct lua_State *L);

#endif /* ASSAY_PROBE_MQTT_H */
