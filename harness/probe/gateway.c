/*
 * probe/gateway.c - the lab's gateway position: the DNS answerer thread,
 * listening sockets that accept only the device, the certificate factory
 * for interception variants, and outbound endpoints from the IXIT.
 *
 * Keys are P-256, made once per gateway: the leaf key every generated
 * certificate carries and the key of a throwaway "Assay interception CA"
 * that no device has any reason to trust.  Certificates are made per
 * call (cheap) with the right SAN, dates and issuer; the lab's CA, when
 * the set-up declares one for the host, issues the wrong-host and expired
 * variants so that those test one check each (name, dates) and not the
 * chain as well.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/error.h"
#include "forms/forms.h"
#include "probe/gateway.h"
#include "probe/gateway_dns.h"

#define MAX_DEVICE_ADDRS	64
#define WRONG_HOST		"wrong.invalid"

struct dns_rec {
	char		name[ASSAY_DNS_MAX_NAME + 1];
	char		src[48];
	long long	ms;
	int		answered;
};

struct assay_gw {
	const struct assay_forms	*f;
	const struct assay_gateway_decl	*decl;
	struct in_addr			 addr;
	struct in_addr			 dev[MAX_DEVICE_ADDRS];
	size_t				 ndev;
	struct timespec			 t0;

	int				 udp;
	int				 wake[2];
	pthread_t			 th;
	int				 running;

	pthread_mutex_t			 mu;	/* guards what follows */
	struct dns_rec			*recs;
	size_t				 nrecs;
	struct assay_gw_counters	 cnt;

	EVP_PKEY			*leaf_key, *ca_key;
	X509				*assay_ca;
};

static long long
ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - t0->tv_sec) * 1000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static int
is_device(const struct assay_gw *gw, const struct sockaddr_in *sin)
{
	size_t i;

	if (sin->sin_family != AF_INET)
		return 0;
	for (i = 0; i < gw->ndev; i++)
		if (gw->dev[i].s_addr == sin->sin_addr.s_addr)
			return 1;
	return 0;
}

static void
fmt_peer(const struct sockaddr_in *sin, char *out, size_t len)
{
	char a[INET_ADDRSTRLEN];

	if (inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	snprintf(out, len, "%s:%u", a, (unsigned)ntohs(sin->sin_port));
}

/* 1 if the gateway answers name (no <answer> at all: every name). */
static int
answers(const struct assay_gw *gw, const char *name)
{
	size_t i;

	if (gw->decl->nanswers == 0)
		return 1;
	for (i = 0; i < gw->decl->nanswers; i++)
		if (strcasecmp(gw->decl->answers[i], name) == 0)
			return 1;
	return 0;
}

/* One datagram from the device: parse, record, answer. */
static void
dns_one(struct assay_gw *gw, const uint8_t *msg, size_t len,
    const struct sockaddr_in *from, long long *win, unsigned *nwin)
{
	struct assay_dns_query q;
	enum assay_dns_parse k;
	uint8_t out[ASSAY_DNS_MAX_MSG], a4[4];
	const uint8_t *addr = NULL;
	long long now = ms_since(&gw->t0);
	size_t n;
	int rcode, answered = 0;

	if (!is_device(gw, from)) {
		pthread_mutex_lock(&gw->mu);
		gw->cnt.dns_foreign++;
		pthread_mutex_unlock(&gw->mu);
		return;
	}
	/* At most ASSAY_GW_DNS_RATE answers in any one-second window. */
	if (now - *win >= 1000) {
		*win = now;
		*nwin = 0;
	}
	if (++*nwin > ASSAY_GW_DNS_RATE) {
		pthread_mutex_lock(&gw->mu);
		gw->cnt.dns_rate++;
		pthread_mutex_unlock(&gw->mu);
		return;
	}
	k = assay_dns_parse(msg, len, &q);
	if (k != ASSAY_DNS_QUESTION) {
		pthread_mutex_lock(&gw->mu);
		if (k == ASSAY_DNS_BAD && q.rcode == ASSAY_DNS_REFUSED)
			gw->cnt.dns_refused++;
		else
			gw->cnt.dns_malformed++;
		pthread_mutex_unlock(&gw->mu);
		rcode = q.rcode;
	} else if (q.qclass != ASSAY_DNS_CLASS_IN ||
	    (q.qtype != ASSAY_DNS_TYPE_A && q.qtype != ASSAY_DNS_TYPE_AAAA))
		rcode = ASSAY_DNS_REFUSED;
	else if (!answers(gw, q.name))
		rcode = ASSAY_DNS_NXDOMAIN;
	else {
		/* AAAA for an answered name: the name exists, no IPv6. */
		rcode = ASSAY_DNS_NOERROR;
		answered = q.qtype == ASSAY_DNS_TYPE_A;
		if (answered) {
			memcpy(a4, &gw->addr.s_addr, 4);
			addr = a4;
		}
	}
	if (k == ASSAY_DNS_QUESTION) {
		pthread_mutex_lock(&gw->mu);
		if (gw->nrecs < ASSAY_GW_DNS_MAX_RECORDS) {
			struct dns_rec *r = &gw->recs[gw->nrecs++];

			snprintf(r->name, sizeof(r->name), "%s", q.name);
			fmt_peer(from, r->src, sizeof(r->src));
			r->ms = now;
			r->answered = answered;
		} else
			gw->cnt.dns_unrecorded++;
		pthread_mutex_unlock(&gw->mu);
	}
	if ((n = assay_dns_reply(msg, len, &q, k, rcode, addr, ASSAY_GW_DNS_TTL,
	    out, sizeof(out))) == 0)
		return;
	(void)sendto(gw->udp, out, n, MSG_DONTWAIT, (const struct sockaddr *)from,
	    sizeof(*from));
}

static void *
dns_thread(void *arg)
{
	struct assay_gw *gw = arg;
	struct pollfd pfd[2];
	struct sockaddr_in from;
	socklen_t fl;
	uint8_t buf[ASSAY_DNS_MAX_MSG + 1];
	long long win = 0;
	unsigned nwin = 0;
	ssize_t n;

	pfd[0].fd = gw->udp;
	pfd[0].events = POLLIN;
	pfd[1].fd = gw->wake[0];
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents != 0)
			break;
		if ((pfd[0].revents & POLLIN) == 0)
			continue;
		fl = sizeof(from);
		/* One byte more than the cap: a longer datagram is seen as such. */
		n = recvfrom(gw->udp, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC,
		    (struct sockaddr *)&from, &fl);
		if (n < 0 || fl != sizeof(from))
			continue;
		if ((size_t)n > ASSAY_DNS_MAX_MSG) {
			/* counted as malformed when it is the device's */
			if (is_device(gw, &from)) {
				pthread_mutex_lock(&gw->mu);
				gw->cnt.dns_malformed++;
				pthread_mutex_unlock(&gw->mu);
			}
			continue;
		}
		dns_one(gw, buf, (size_t)n, &from, &win, &nwin);
	}
	return NULL;
}

/* --- certificates ------------------------------------------------------ */

static EVP_PKEY *
new_key(void)
{
	return EVP_EC_gen("P-256");
}

/*
 * A certificate for cn with SAN dns (NULL: none) valid from days_from to
 * days_to relative to now, signed by signer (its subject the issuer; NULL:
 * self-signed).  ca: basicConstraints CA:TRUE.
 */
static X509 *
make_cert(EVP_PKEY *key, const char *cn, const char *san, long days_from,
    long days_to, X509 *signer, EVP_PKEY *signer_key, int ca)
{
	X509 *x = NULL;
	X509_NAME *nm;
	X509_EXTENSION *ext;
	X509V3_CTX v3;
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	char buf[300];
	int ok = 0;

	if ((x = X509_new()) == NULL || X509_set_version(x, 2) != 1)
		goto out;
	if (RAND_bytes(serial, sizeof(serial)) != 1)
		goto out;
	serial[0] &= 0x7f;
	if ((bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto out;
	if (X509_gmtime_adj(X509_getm_notBefore(x), days_from * 86400L) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), days_to * 86400L) == NULL)
		goto out;
	if ((nm = X509_get_subject_name(x)) == NULL ||
	    X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC,
	    (const unsigned char *)"Assay lab gateway", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0) != 1)
		goto out;
	if (X509_set_issuer_name(x, signer != NULL ?
	    X509_get_subject_name(signer) : nm) != 1 ||
	    X509_set_pubkey(x, key) != 1)
		goto out;
	X509V3_set_ctx(&v3, signer != NULL ? signer : x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
	    ca ? "critical,CA:TRUE" : "CA:FALSE")) == NULL)
		goto out;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (ok != 1)
		goto out;
	ok = 0;
	if (ca) {
		if ((ext = X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage,
		    "critical,keyCertSign,cRLSign")) == NULL)
			goto out;
		ok = X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
		if (ok != 1)
			goto out;
		ok = 0;
	}
	if (san != NULL) {
		snprintf(buf, sizeof(buf), "DNS:%s", san);
		if ((ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
		    buf)) == NULL)
			goto out;
		ok = X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
		if (ok != 1)
			goto out;
		ok = 0;
	}
	if (X509_sign(x, signer_key != NULL ? signer_key : key,
	    EVP_sha256()) <= 0)
		goto out;
	ok = 1;
 out:
	BN_free(bn);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

static X509 *
read_cert(const char *path)
{
	X509 *x = NULL;
	BIO *b;

	if ((b = BIO_new_file(path, "r")) != NULL) {
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	return x;
}

static EVP_PKEY *
read_key(const char *path)
{
	EVP_PKEY *k = NULL;
	BIO *b;

	if ((b = BIO_new_file(path, "r")) != NULL) {
		k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	return k;
}

int
assay_gw_server_ctx(struct assay_gw *gw, const char *host,
    enum assay_gw_cert kind, int tls10_only, SSL_CTX **ctxp,
    const char **issuer, char *why, size_t len)
{
	const struct assay_identity_decl *id;
	SSL_CTX *ctx = NULL;
	X509 *leaf = NULL, *ca = NULL, *signer = NULL;
	EVP_PKEY *ca_key = NULL, *signer_key = NULL;
	int r = ASSAY_ERR_CRYPTO;

	*ctxp = NULL;
	*issuer = NULL;
	if (why != NULL && len > 0)
		why[0] = '\0';
	if (gw == NULL || host == NULL)
		return ASSAY_ERR_INVALID_ARG;
	id = assay_forms_identity_for_host(gw->f, host);
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		goto out;
	if (tls10_only) {
		/* What a downgrade-tolerant client would take: TLS 1.0 at any strength. */
		if (SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION) != 1 ||
		    SSL_CTX_set_max_proto_version(ctx, TLS1_VERSION) != 1 ||
		    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0") != 1)
			goto out;
	}
	switch (kind) {
	case ASSAY_GW_IDENTITY:
		if (id == NULL) {
			snprintf(why, len, "no <identity> declared for %s", host);
			r = 0;
			goto out;
		}
		if (SSL_CTX_use_certificate_chain_file(ctx, id->cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(ctx, id->key,
		    SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
			snprintf(why, len, "identity \"%s\": cannot use %s and %s",
			    id->id, id->cert, id->key);
			goto out;
		}
		*issuer = "identity";
		*ctxp = ctx;
		ctx = NULL;
		r = 0;
		goto out;
	case ASSAY_GW_SELF_SIGNED:
		leaf = make_cert(gw->leaf_key, host, host, -1, 365, NULL, NULL, 0);
		*issuer = "self";
		break;
	case ASSAY_GW_WRONG_HOST:
	case ASSAY_GW_EXPIRED:
	case ASSAY_GW_UNTRUSTED_CA:
		if (kind != ASSAY_GW_UNTRUSTED_CA && id != NULL &&
		    id->ca_cert != NULL && id->ca_key != NULL) {
			if ((ca = read_cert(id->ca_cert)) == NULL ||
			    (ca_key = read_key(id->ca_key)) == NULL) {
				snprintf(why, len, "identity \"%s\": cannot read "
				    "its CA %s", id->id, id->ca_cert);
				goto out;
			}
			signer = ca;
			signer_key = ca_key;
			*issuer = "lab-ca";
		} else {
			signer = gw->assay_ca;
			signer_key = gw->ca_key;
			*issuer = "assay-ca";
		}
		if (kind == ASSAY_GW_WRONG_HOST)
			leaf = make_cert(gw->leaf_key, WRONG_HOST, WRONG_HOST,
			    -1, 365, signer, signer_key, 0);
		else if (kind == ASSAY_GW_EXPIRED)
			leaf = make_cert(gw->leaf_key, host, host, -400, -30,
			    signer, signer_key, 0);
		else
			leaf = make_cert(gw->leaf_key, host, host, -1, 365,
			    signer, signer_key, 0);
		break;
	default:
		r = ASSAY_ERR_INVALID_ARG;
		goto out;
	}
	if (leaf == NULL || SSL_CTX_use_certificate(ctx, leaf) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, gw->leaf_key) != 1)
		goto out;
	/* The chain as a server sends it: leaf, then its CA. */
	if (signer != NULL && SSL_CTX_add1_chain_cert(ctx, signer) != 1)
		goto out;
	*ctxp = ctx;
	ctx = NULL;
	r = 0;
 out:
	if (r == ASSAY_ERR_CRYPTO && why != NULL && len > 0 && why[0] == '\0')
		snprintf(why, len, "cannot make the %s certificate for %s",
		    kind == ASSAY_GW_SELF_SIGNED ? "self-signed" :
		    kind == ASSAY_GW_WRONG_HOST ? "wrong-host" :
		    kind == ASSAY_GW_EXPIRED ? "expired" :
		    kind == ASSAY_GW_UNTRUSTED_CA ? "untrusted-CA" : "identity",
		    host);
	if (r != 0 || *ctxp == NULL)
		*issuer = NULL;
	SSL_CTX_free(ctx);
	X509_free(leaf);
	X509_free(ca);
	EVP_PKEY_free(ca_key);
	ERR_clear_error();
	return r;
}

/* --- open and close ---------------------------------------------------- */

/*
 * The declared interface exists here and carries the gateway address:
 * a lab that forgot a step gets that step named, not EADDRNOTAVAIL.
 * 1 when it does; 0 with why.
 */
static int
interface_ok(const struct assay_gw *gw, char *why, size_t len)
{
	struct ifaddrs *ifa = NULL, *p;
	int seen = 0, has = 0;

	if (getifaddrs(&ifa) == -1)
		return 1;	/* cannot tell: bind() will say */
	for (p = ifa; p != NULL; p = p->ifa_next) {
		if (p->ifa_name == NULL ||
		    strcmp(p->ifa_name, gw->decl->interface) != 0)
			continue;
		seen = 1;
		if (p->ifa_addr != NULL && p->ifa_addr->sa_family == AF_INET &&
		    ((struct sockaddr_in *)(void *)p->ifa_addr)->sin_addr.s_addr ==
		    gw->addr.s_addr)
			has = 1;
	}
	freeifaddrs(ifa);
	if (!seen)
		snprintf(why, len, "no interface %s here (the set-up's gateway "
		    "interface; docs/probe_gateway.md)", gw->decl->interface);
	else if (!has)
		snprintf(why, len, "interface %s does not carry %s (the set-up's "
		    "gateway address)", gw->decl->interface, gw->decl->address);
	return seen && has;
}

int
assay_gw_open(const struct assay_forms *f, struct assay_gw **out, char *why,
    size_t len)
{
	const struct assay_gateway_decl *decl;
	struct assay_gw *gw = NULL;
	struct sockaddr_in sin;
	struct in_addr a;
	size_t i, n;
	int r = ASSAY_ERR_ALLOC, one = 1;

	*out = NULL;
	if (why != NULL && len > 0)
		why[0] = '\0';
	if ((decl = assay_forms_gateway(f)) == NULL) {
		snprintf(why, len, "no lab gateway declared (set-up "
		    "<client-side><gateway>)");
		return 0;
	}
	if ((gw = calloc(1, sizeof(*gw))) == NULL)
		return ASSAY_ERR_ALLOC;
	gw->f = f;
	gw->decl = decl;
	gw->udp = gw->wake[0] = gw->wake[1] = -1;
	clock_gettime(CLOCK_MONOTONIC, &gw->t0);
	if (pthread_mutex_init(&gw->mu, NULL) != 0) {
		free(gw);
		return ASSAY_ERR_INTERNAL;
	}
	if (inet_pton(AF_INET, decl->address, &gw->addr) != 1) {
		snprintf(why, len, "gateway address %s is not IPv4", decl->address);
		r = 0;
		goto fail;
	}
	/* The device's addresses: IPv4 literals among the set-up's. */
	n = assay_forms_naddresses(f);
	for (i = 0; i < n && gw->ndev < MAX_DEVICE_ADDRS; i++)
		if (inet_pton(AF_INET, assay_forms_address(f, i), &a) == 1)
			gw->dev[gw->ndev++] = a;
	n = assay_forms_nservices(f);
	for (i = 0; i < n && gw->ndev < MAX_DEVICE_ADDRS; i++) {
		const char *sa = assay_forms_service_address(f, i);
		size_t k;

		if (sa == NULL || inet_pton(AF_INET, sa, &a) != 1)
			continue;
		for (k = 0; k < gw->ndev; k++)
			if (gw->dev[k].s_addr == a.s_addr)
				break;
		if (k == gw->ndev)
			gw->dev[gw->ndev++] = a;
	}
	if (gw->ndev == 0) {
		snprintf(why, len, "the set-up has no IPv4 device address: the "
		    "gateway answers only the device");
		r = 0;
		goto fail;
	}
	if ((gw->recs = calloc(ASSAY_GW_DNS_MAX_RECORDS,
	    sizeof(*gw->recs))) == NULL)
		goto fail;
	if ((gw->leaf_key = new_key()) == NULL ||
	    (gw->ca_key = new_key()) == NULL ||
	    (gw->assay_ca = make_cert(gw->ca_key, "Assay interception CA "
	    "(untrusted)", NULL, -1, 365, NULL, NULL, 1)) == NULL) {
		r = ASSAY_ERR_CRYPTO;
		goto fail;
	}
	if (!interface_ok(gw, why, len)) {
		r = 0;
		goto fail;
	}
	if (pipe2(gw->wake, O_CLOEXEC) == -1) {
		r = ASSAY_ERR_IO;
		goto fail;
	}
	if ((gw->udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		r = ASSAY_ERR_NETWORK;
		goto fail;
	}
	(void)setsockopt(gw->udp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = gw->addr;
	sin.sin_port = htons((uint16_t)decl->dns_port);
	if (bind(gw->udp, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		snprintf(why, len, "cannot bind %s:%d: %s", decl->address,
		    decl->dns_port, strerror(errno));
		r = 0;
		goto fail;
	}
	if (pthread_create(&gw->th, NULL, dns_thread, gw) != 0) {
		r = ASSAY_ERR_INTERNAL;
		goto fail;
	}
	gw->running = 1;
	*out = gw;
	return 0;
 fail:
	ERR_clear_error();
	assay_gw_close(gw);
	return r;
}

void
assay_gw_close(struct assay_gw *gw)
{
	if (gw == NULL)
		return;
	if (gw->running) {
		/* A full pipe already holds a wake-up: nothing to add. */
		ssize_t w = write(gw->wake[1], "x", 1);

		(void)w;
		pthread_join(gw->th, NULL);
	}
	if (gw->udp != -1)
		close(gw->udp);
	if (gw->wake[0] != -1)
		close(gw->wake[0]);
	if (gw->wake[1] != -1)
		close(gw->wake[1]);
	free(gw->recs);
	EVP_PKEY_free(gw->leaf_key);
	EVP_PKEY_free(gw->ca_key);
	X509_free(gw->assay_ca);
	pthread_mutex_destroy(&gw->mu);
	free(gw);
}

const struct assay_forms *
assay_gw_forms(const struct assay_gw *gw)
{
	return gw != NULL ? gw->f : NULL;
}

const char *
assay_gw_address(const struct assay_gw *gw)
{
	return gw != NULL ? gw->decl->address : NULL;
}

/* --- what the DNS answerer saw ----------------------------------------- */

size_t
assay_gw_dns_count(struct assay_gw *gw)
{
	size_t n;

	pthread_mutex_lock(&gw->mu);
	n = gw->nrecs;
	pthread_mutex_unlock(&gw->mu);
	return n;
}

int
assay_gw_dns_name(struct assay_gw *gw, size_t i, char *name, size_t len,
    int *answered)
{
	int r = ASSAY_ERR_NOT_FOUND;

	pthread_mutex_lock(&gw->mu);
	if (i < gw->nrecs) {
		snprintf(name, len, "%s", gw->recs[i].name);
		if (answered != NULL)
			*answered = gw->recs[i].answered;
		r = 0;
	}
	pthread_mutex_unlock(&gw->mu);
	return r;
}

int
assay_gw_dns_detail(struct assay_gw *gw, size_t i, long long *ms, char *src,
    size_t slen)
{
	int r = ASSAY_ERR_NOT_FOUND;

	pthread_mutex_lock(&gw->mu);
	if (i < gw->nrecs) {
		if (ms != NULL)
			*ms = gw->recs[i].ms;
		if (src != NULL)
			snprintf(src, slen, "%s", gw->recs[i].src);
		r = 0;
	}
	pthread_mutex_unlock(&gw->mu);
	return r;
}

void
assay_gw_counters(struct assay_gw *gw, struct assay_gw_counters *c)
{
	pthread_mutex_lock(&gw->mu);
	*c = gw->cnt;
	pthread_mutex_unlock(&gw->mu);
}

/* --- stand-in servers --------------------------------------------------- */

int
assay_gw_listen(struct assay_gw *gw, int port, int *fd, char *why, size_t len)
{
	struct sockaddr_in sin;
	int s, one = 1;

	*fd = -1;
	if (port < 1 || port > 65535)
		return ASSAY_ERR_INVALID_ARG;
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		snprintf(why, len, "socket: %s", strerror(errno));
		return ASSAY_ERR_NETWORK;
	}
	(void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = gw->addr;
	sin.sin_port = htons((uint16_t)port);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s, 16) == -1) {
		snprintf(why, len, "cannot bind %s:%d: %s", gw->decl->address,
		    port, strerror(errno));
		close(s);
		return ASSAY_ERR_NETWORK;
	}
	*fd = s;
	return 0;
}

int
assay_gw_accept(struct assay_gw *gw, int lfd, int ms, int *cfd, char *peer,
    size_t plen)
{
	struct sockaddr_in sin;
	struct pollfd pfd;
	struct timespec t0;
	socklen_t sl;
	long long left;
	int s, n;

	*cfd = -1;
	if (peer != NULL && plen > 0)
		peer[0] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		left = ms - ms_since(&t0);
		if (left <= 0)
			return 0;
		pfd.fd = lfd;
		pfd.events = POLLIN;
		if ((n = poll(&pfd, 1, (int)left)) < 0) {
			if (errno == EINTR)
				continue;
			return ASSAY_ERR_NETWORK;
		}
		if (n == 0)
			return 0;
		sl = sizeof(sin);
		if ((s = accept4(lfd, (struct sockaddr *)&sin, &sl,
		    SOCK_CLOEXEC)) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR || errno == ECONNABORTED)
				continue;
			return ASSAY_ERR_NETWORK;
		}
		if (sl != sizeof(sin) || !is_device(gw, &sin)) {
			/* Not the device: closed unread, and counted. */
			close(s);
			pthread_mutex_lock(&gw->mu);
			gw->cnt.tcp_foreign++;
			pthread_mutex_unlock(&gw->mu);
			continue;
		}
		if (peer != NULL)
			fmt_peer(&sin, peer, plen);
		*cfd = s;
		return 0;
	}
}

/* --- outbound channels from the IXIT ------------------------------------ */

int
assay_gw_endpoint(const struct assay_forms *f, const char *entry_id,
    char *scheme, size_t slen, char *host, size_t hlen, int *port, char *path,
    size_t plen, char *why, size_t wlen)
{
	static const char *item = "11-ComMech";
	const char *ep = NULL, *dir, *p, *colon, *slash;
	size_t k, n = assay_forms_nentries(f, item);
	long v;

	*port = 0;
	for (k = 0; k < n; k++)
		if (strcmp(assay_forms_entry_id(f, item, k), entry_id) == 0)
			break;
	if (k == n) {
		snprintf(why, wlen, "channel \"%s\" is not an entry of IXIT "
		    "item 11-ComMech", entry_id);
		return ASSAY_ERR_NOT_FOUND;
	}
	dir = assay_forms_entry_fact(f, item, k, "direction");
	if (dir == NULL || strcmp(dir, "outbound") != 0) {
		snprintf(why, wlen, "channel \"%s\" is not declared "
		    "direction=\"outbound\"", entry_id);
		return ASSAY_ERR_NOT_FOUND;
	}
	if ((ep = assay_forms_entry_fact(f, item, k, "endpoint")) == NULL) {
		snprintf(why, wlen, "channel \"%s\" declares no endpoint",
		    entry_id);
		return ASSAY_ERR_NOT_FOUND;
	}
	/* The schema's pattern and the loader's port check hold. */
	if ((p = strstr(ep, "://")) == NULL ||
	    (colon = strchr(p + 3, ':')) == NULL)
		goto bad;
	if ((size_t)(p - ep) >= slen || (size_t)(colon - (p + 3)) >= hlen)
		goto bad;
	snprintf(scheme, slen, "%.*s", (int)(p - ep), ep);
	snprintf(host, hlen, "%.*s", (int)(colon - (p + 3)), p + 3);
	v = strtol(colon + 1, NULL, 10);
	if (v < 1 || v > 65535)
		goto bad;
	*port = (int)v;
	slash = strchr(colon, '/');
	snprintf(path, plen, "%s", slash != NULL ? slash : "/");
	return 0;
 bad:
	snprintf(why, wlen, "channel \"%s\": endpoint \"%s\" cannot be read",
	    entry_id, ep);
	return ASSAY_ERR_NOT_FOUND;
}
