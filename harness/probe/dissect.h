/*
 * dissect.h - what a captured conversation says, from its bytes alone.
 *
 * Sans-I/O dissectors for the traffic analysis of probe/pcap.h: each
 * takes bytes with their explicit length (a reassembled TCP stream or one
 * datagram), never reads past them, never trusts a length field past what
 * is there, and adds what it finds as facts to a capped list.  A fact is
 * a section ("tls", "http", "mqtt", "coap", "telnet", "dns", ...), the
 * frame it was seen in, the flow it belongs to, and named fields: strings
 * (copied and made well-formed UTF-8), integers, booleans and lists of
 * strings.  The unit tests (tests/test_probe_dissect.c) and the fuzz
 * target (fuzz/fuzz_pcap_dissect.c) call them without any capture.
 */
#ifndef ASSAY_PROBE_DISSECT_H
#define ASSAY_PROBE_DISSECT_H

#include <stddef.h>

/* Caps: a hostile stream cannot make a fact list grow without bound. */
#define ASSAY_FACTS_MAX		20000	/* facts per capture (default) */
#define ASSAY_FACT_MAX_FIELDS	16
#define ASSAY_FACT_MAX_LIST	256	/* entries of a list field */
#define ASSAY_FACT_MAX_STR	1024	/* bytes of a string field */
#define ASSAY_DISSECT_MAX_CERTS	16	/* certificates parsed per chain */

#define ASSAY_FIELD_STR		1
#define ASSAY_FIELD_INT		2
#define ASSAY_FIELD_BOOL	3
#define ASSAY_FIELD_LIST	4

struct assay_field {
	const char	 *key;		/* static */
	int		  type;
	char		 *str;		/* STR: well-formed UTF-8 */
	long long	  num;		/* INT, BOOL */
	char		**list;		/* LIST */
	size_t		  nlist;
	int		  list_cut;	/* entries beyond ASSAY_FACT_MAX_LIST dropped */
};

struct assay_fact {
	const char		*section;	/* static */
	unsigned long		 frame;		/* 1-based; 0: not known */
	long			 flow;		/* 0-based index; -1: none */
	size_t			 nfields;
	struct assay_field	 fields[ASSAY_FACT_MAX_FIELDS];
};

struct assay_facts;

/* A list holding at most max facts (0: ASSAY_FACTS_MAX); NULL when out of memory. */
struct assay_facts	*assay_facts_new(size_t max);
/* Frees every fact; NULL is accepted. */
void			 assay_facts_free(struct assay_facts *fs);
size_t			 assay_facts_count(const struct assay_facts *fs);
/* Facts not kept because the list was full. */
size_t			 assay_facts_dropped(const struct assay_facts *fs);
/* Borrowed, valid until the list is freed or added to. */
const struct assay_fact	*assay_facts_get(const struct assay_facts *fs, size_t i);
/* The field key of f, or NULL. */
const struct assay_field *assay_fact_field(const struct assay_fact *f,
			    const char *key);
/* Convenience for tests and bindings: the string field key or NULL. */
const char		*assay_fact_str(const struct assay_fact *f, const char *key);
/* The i-th fact of section, or NULL. */
const struct assay_fact	*assay_facts_find(const struct assay_facts *fs,
			    const char *section, size_t i);
size_t			 assay_facts_count_section(const struct assay_facts *fs,
			    const char *section);

/*
 * Adds an empty fact; returns it, or NULL when the list is full (counted
 * in assay_facts_dropped, not an error) or out of memory (*err set to
 * ASSAY_ERR_ALLOC).  Field setters return 0 or ASSAY_ERR_ALLOC; a fact
 * with ASSAY_FACT_MAX_FIELDS fields ignores more (a bug of the dissector,
 * not of the input).  String bytes may be anything: they are copied,
 * clipped at ASSAY_FACT_MAX_STR and made well-formed.
 */
struct assay_fact	*assay_facts_add(struct assay_facts *fs, const char *section,
			    unsigned long frame, long flow, int *err);
int	assay_fact_set_str(struct assay_fact *f, const char *key,
	    const void *s, size_t len);
int	assay_fact_set_int(struct assay_fact *f, const char *key, long long v);
int	assay_fact_set_bool(struct assay_fact *f, const char *key, int v);
/* Appends to the list field key (created empty on first use). */
int	assay_fact_list_add(struct assay_fact *f, const char *key,
	    const void *s, size_t len);
/* Creates the list field key, empty, if absent. */
int	assay_fact_list(struct assay_fact *f, const char *key);
/* Orders the facts by frame, keeping the order of facts of one frame. */
void	assay_facts_sort(struct assay_facts *fs);
/*
 * Rewrites every string of every fact through fn (a secret mask: returns
 * a malloc'd replacement or NULL when out of memory).  Returns 0 or
 * ASSAY_ERR_ALLOC.
 */
int	assay_facts_rewrite(struct assay_facts *fs,
	    char *(*fn)(void *arg, const char *s), void *arg);

/*
 * Where the bytes of a stream came from.  frame_at(arg, off) gives the
 * frame that carried byte off of the stream (NULL: every fact gets frame
 * 0, as in the unit tests).  flow is stored with each fact.
 */
struct assay_dissect_ctx {
	unsigned long	(*frame_at)(void *arg, size_t off);
	void		 *arg;
	long		  flow;
};

/* Application protocols a stream or datagram is recognised as. */
#define ASSAY_APP_UNKNOWN	0
#define ASSAY_APP_TLS		1
#define ASSAY_APP_HTTP		2
#define ASSAY_APP_MQTT		3
#define ASSAY_APP_TELNET	4
#define ASSAY_APP_DNS		5
#define ASSAY_APP_COAP		6
#define ASSAY_APP_DTLS		7

/* "tls", "http", ... "unknown" (static). */
const char	*assay_app_name(int app);

/*
 * Guesses the protocol of a TCP stream from the first bytes the client
 * sent (c, clen; the server's s, slen when the client said nothing yet)
 * and the server's port.  Content wins over the port: TLS on port 80 is
 * TLS.
 */
int	assay_dissect_guess_tcp(const unsigned char *c, size_t clen,
	    const unsigned char *s, size_t slen, unsigned int server_port);
/* The same for one UDP datagram to or from server_port. */
int	assay_dissect_guess_udp(const unsigned char *d, size_t len,
	    unsigned int server_port);

/*
 * Stream dissectors.  to_server is 1 for the client's bytes, 0 for the
 * server's.  Each returns 0, or ASSAY_ERR_ALLOC; malformed input is not
 * an error: what could be read is kept and a "malformed" field or a note
 * fact says where reading stopped.
 *
 * TLS (or DTLS with dtls set): handshake messages across records:
 * ClientHello (legacy version, supported_versions, cipher suites, SNI),
 * ServerHello (chosen version and suite), Certificate up to TLS 1.2 (each
 * DER certificate through OpenSSL: subject, issuer, validity, SAN),
 * alerts in clear, and whether encrypted application data followed.
 */
int	assay_dissect_tls(struct assay_facts *fs, const struct assay_dissect_ctx *ctx,
	    const unsigned char *p, size_t len, int to_server, int dtls);
/* HTTP/1.x requests: method, Host, path, Authorization present (scheme). */
int	assay_dissect_http(struct assay_facts *fs, const struct assay_dissect_ctx *ctx,
	    const unsigned char *p, size_t len);
/* MQTT: CONNECT (client id, user name, password present), PUBLISH topics. */
int	assay_dissect_mqtt(struct assay_facts *fs, const struct assay_dissect_ctx *ctx,
	    const unsigned char *p, size_t len, int to_server);
/* Telnet option negotiation (IAC WILL/WONT/DO/DONT) in either direction. */
int	assay_dissect_telnet(struct assay_facts *fs, const struct assay_dissect_ctx *ctx,
	    const unsigned char *p, size_t len, int to_server);
/*
 * DNS: one message (a UDP datagram, or one TCP message without its
 * length prefix): the names asked, and for responses the answers (A,
 * AAAA, CNAME, PTR).  Compression pointers are followed at most
 * 64 times per name.
 */
int	assay_dissect_dns(struct assay_facts *fs, const struct assay_dissect_ctx *ctx,
	    const unsigned char *p, size_t len);
/* DNS over TCP: two-byte length prefixed messages. */
int	assay_dissect_dns_tcp(struct assay_facts *fs,
	    const struct assay_dissect_ctx *ctx, const unsigned char *p, size_t len);
/* CoAP: one datagram: type, method or response code, Uri-Host, Uri-Path. */
int	assay_dissect_coap(struct assay_facts *fs, const struct assay_dissect_ctx *ctx,
	    const unsigned char *p, size_t len);

#endif /* ASSAY_PROBE_DISSECT_H */
