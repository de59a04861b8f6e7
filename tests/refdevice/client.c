/*
 * client.c - the device's client side, run by the device in --gateway
 * mode as `assay-refdevice --client DIR/etc/client.conf`.
 *
 * Every interval it runs one cycle: resolve the update and cloud hosts
 * with its own DNS query to the lab gateway, check for an update over
 * HTTPS, then send one telemetry message over MQTT 3.1.1.  The conforming
 * persona validates each server against its pinned cloud CA and the host
 * name, and installs an update only when its SHA-256, its Ed25519
 * signature by the vendor key and a newer version all hold.  The weak one
 * accepts any certificate and any protocol version down to TLS 1.0,
 * installs whatever it downloads, and sends its telemetry in clear with
 * the factory password.
 *
 * Telemetry has its own schedule and its own process (5.9-3): after a
 * failed attempt the conforming persona waits 2, 4, 8 ... seconds, at
 * most six intervals, each wait shortened by a random fraction of at most
 * a fifth; the weak one retries after 100 ms, a tight loop.  Each attempt's outcome goes to
 * DIR/data/cloud-state ("up", "down"), which the weak persona's local
 * status page reads (setup.c, status.cgi).
 *
 * This is the device's code, not Assay's: it is kept small, and every
 * network read is bounded in size and in time.  Decisions go to stdout,
 * which the device sends to DIR/log/client.log.
 */
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
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
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "base/clock.h"
#include "refdevice.h"

#define DNS_TIMEOUT_MS	2000
#define IO_TIMEOUT_MS	3000
#define REQ_DEADLINE_MS	10000	/* one whole HTTP exchange or MQTT session */
#define HDR_MAX		8192
#define MANIFEST_MAX	16384
#define PAYLOAD_MAX	(1024 * 1024)
#define SIG_MAX		1024
#define STATEMENT_MAX	512

struct client {
	int		 weak;
	int		 interval;
	char		 dir[RD_PATH_MAX - 64];	/* room for the file names */
	char		 serial[32], model[32], factory[16];
	char		 dns[64];
	char		 user[32], pass[64], owner[128];
	SSL_CTX		*ctx;
	EVP_PKEY	*vendor;	/* conforming: update signing key */
	long long	 started;
	int		 cloud_up;	/* last written to cloud-state; -1 none */
	unsigned	 fails;		/* telemetry attempts failed in a row */
};

struct conn {
	int		 fd;
	SSL		*ssl;
	long long	 deadline;
};

static void
logline(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
logline(const char *fmt, ...)
{
	char stamp[32];
	struct tm tm;
	time_t t = time(NULL);
	va_list ap;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%s ", stamp);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void
hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The last OpenSSL error as text, the queue cleared. */
static const char *
ssl_why(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (e == 0)
		snprintf(buf, len, "connection closed or timed out");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

/* ---- configuration ---------------------------------------------------- */

static int
load_conf(struct client *c, const char *path)
{
	char line[512], *eq, *nl;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL) {
		logline("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	c->interval = 2;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq++ = '\0';
#define SET(k, field) if (strcmp(line, k) == 0) \
	(void)(strlen(eq) < sizeof(c->field) ? \
	    snprintf(c->field, sizeof(c->field), "%s", eq) : 0)
		SET("dir", dir);
		else SET("serial", serial);
		else SET("model", model);
		else SET("firmware", factory);
		else SET("dns", dns);
		else SET("user", user);
		else SET("password", pass);
		else SET("owner", owner);
#undef SET
		else if (strcmp(line, "persona") == 0)
			c->weak = strcmp(eq, "weak") == 0;
		else if (strcmp(line, "interval") == 0)
			c->interval = atoi(eq) > 0 ? atoi(eq) : 2;
	}
	explicit_bzero(line, sizeof(line));
	fclose(f);
	if (c->dir[0] == '\0' || c->dns[0] == '\0' || c->model[0] == '\0') {
		logline("%s: dir, dns and model are required", path);
		return -1;
	}
	return 0;
}

static int
make_ctx(struct client *c)
{
	char path[RD_PATH_MAX], why[256];
	FILE *f;

	if ((c->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return -1;
	/* Servers that close without close_notify: EOF, not an error. */
	SSL_CTX_set_options(c->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (c->weak) {
		/* Anything goes: old protocols, weak suites, no checks. */
		SSL_CTX_set_security_level(c->ctx, 0);
		SSL_CTX_set_min_proto_version(c->ctx, TLS1_VERSION);
		SSL_CTX_set_cipher_list(c->ctx, "ALL:@SECLEVEL=0");
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
		return 0;
	}
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	/* Exactly the suites the IXIT declares for com-update, com-cloud. */
	if (SSL_CTX_set_cipher_list(c->ctx, RD_CLIENT_TLS12_SUITES) != 1 ||
	    SSL_CTX_set_ciphersuites(c->ctx, RD_CLIENT_TLS13_SUITES) != 1) {
		logline("cannot set the TLS suites: %s",
		    ssl_why(why, sizeof(why)));
		return -1;
	}
	/* Only the pinned CA: not the system's store. */
	snprintf(path, sizeof(path), "%s/client/cloud-ca.pem", c->dir);
	if (SSL_CTX_load_verify_locations(c->ctx, path, NULL) != 1) {
		logline("cannot load the pinned CA %s: %s", path,
		    ssl_why(why, sizeof(why)));
		return -1;
	}
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	snprintf(path, sizeof(path), "%s/client/update-key.pem", c->dir);
	if ((f = fopen(path, "re")) == NULL ||
	    (c->vendor = PEM_read_PUBKEY(f, NULL, NULL, NULL)) == NULL ||
	    EVP_PKEY_get_id(c->vendor) != EVP_PKEY_ED25519) {
		logline("cannot load the update key %s", path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* ---- DNS ---------------------------------------------------------------- */

/* Skips a (possibly compressed) name; the offset after it, or 0. */
static size_t
skip_name(const unsigned char *m, size_t n, size_t off)
{
	size_t labels = 0;

	while (off < n && labels++ < 128) {
		if ((m[off] & 0xc0) == 0xc0)
			return off + 2 <= n ? off + 2 : 0;
		if (m[off] == 0)
			return off + 1;
		if (m[off] > 63)
			return 0;
		off += 1 + m[off];
	}
	return 0;
}

/*
 * An A query for name to the gateway's port 53 over UDP, one answer
 * awaited up to DNS_TIMEOUT_MS.  0 and *out, or -1 with why.
 */
static int
dns_a(const struct client *c, const char *name, struct in_addr *out,
    char *why, size_t wlen)
{
	unsigned char q[300], a[512];
	const char *p, *dot;
	struct sockaddr_in sin;
	struct pollfd pfd;
	uint16_t id;
	size_t qn = 12, off, l;
	unsigned int qd, an, i, type, cls, rdlen;
	long long end;
	ssize_t n;
	int fd, ms;

	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint16_t)assay_clock_ms();
	memset(q, 0, 12);
	q[0] = (unsigned char)(id >> 8);
	q[1] = (unsigned char)id;
	q[2] = 0x01;	/* RD */
	q[5] = 1;	/* one question */
	for (p = name; *p != '\0'; p = *dot != '\0' ? dot + 1 : dot) {
		if ((dot = strchr(p, '.')) == NULL)
			dot = p + strlen(p);
		l = (size_t)(dot - p);
		if (l == 0 || l > 63 || qn + l + 6 > sizeof(q)) {
			snprintf(why, wlen, "bad name");
			return -1;
		}
		q[qn++] = (unsigned char)l;
		memcpy(q + qn, p, l);
		qn += l;
	}
	q[qn++] = 0;
	q[qn++] = 0; q[qn++] = 1;	/* A */
	q[qn++] = 0; q[qn++] = 1;	/* IN */

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	if (inet_pton(AF_INET, c->dns, &sin.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(why, wlen, "no resolver socket");
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    send(fd, q, qn, 0) != (ssize_t)qn) {
		snprintf(why, wlen, "send to %s:53: %s", c->dns,
		    strerror(errno));
		close(fd);
		return -1;
	}
	end = assay_clock_ms() + DNS_TIMEOUT_MS;
	for (;;) {
		if ((ms = (int)(end - assay_clock_ms())) <= 0) {
			snprintf(why, wlen, "no answer from %s:53 within %d ms",
			    c->dns, DNS_TIMEOUT_MS);
			close(fd);
			return -1;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, ms) <= 0)
			continue;
		if ((n = recv(fd, a, sizeof(a), 0)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			/* ECONNREFUSED: nothing listens there (ICMP) */
			snprintf(why, wlen, "%s:53: %s", c->dns,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if (n < 12 || a[0] != q[0] || a[1] != q[1] ||
		    (a[2] & 0x80) == 0)
			continue;	/* not our answer */
		break;
	}
	close(fd);
	if ((a[3] & 0x0f) != 0) {
		snprintf(why, wlen, "answer code %d%s", a[3] & 0x0f,
		    (a[3] & 0x0f) == 3 ? " (NXDOMAIN)" : "");
		return -1;
	}
	qd = (unsigned)a[4] << 8 | a[5];
	an = (unsigned)a[6] << 8 | a[7];
	off = 12;
	for (i = 0; i < qd && off != 0; i++)
		if ((off = skip_name(a, (size_t)n, off)) != 0)
			off = off + 4 <= (size_t)n ? off + 4 : 0;
	for (i = 0; i < an && off != 0; i++) {
		if ((off = skip_name(a, (size_t)n, off)) == 0 ||
		    off + 10 > (size_t)n)
			break;
		type = (unsigned)a[off] << 8 | a[off + 1];
		cls = (unsigned)a[off + 2] << 8 | a[off + 3];
		rdlen = (unsigned)a[off + 8] << 8 | a[off + 9];
		off += 10;
		if (off + rdlen > (size_t)n)
			break;
		if (type == 1 && cls == 1 && rdlen == 4) {
			memcpy(&out->s_addr, a + off, 4);
			return 0;
		}
		off += rdlen;
	}
	snprintf(why, wlen, "no A record in the answer");
	return -1;
}

/* ---- connections -------------------------------------------------------- */

static void
conn_close(struct conn *k)
{
	if (k->ssl != NULL) {
		SSL_shutdown(k->ssl);
		SSL_free(k->ssl);
		k->ssl = NULL;
	}
	if (k->fd != -1)
		close(k->fd);
	k->fd = -1;
	ERR_clear_error();
}

/*
 * TCP to ip:port within IO_TIMEOUT_MS, then (tls) a handshake with SNI
 * host, validated as the persona does.  0, or -1 with why.
 */
static int
conn_open(struct client *c, const struct in_addr *ip, int port,
    const char *host, int tls, struct conn *k, char *why, size_t wlen)
{
	struct sockaddr_in sin;
	struct pollfd pfd;
	struct timeval tv;
	socklen_t len;
	char buf[200];
	long vr;
	int err = 0, flags;

	k->ssl = NULL;
	k->deadline = assay_clock_ms() + REQ_DEADLINE_MS;
	if ((k->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(why, wlen, "socket: %s", strerror(errno));
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr = *ip;
	flags = fcntl(k->fd, F_GETFL);
	fcntl(k->fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(k->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		if (errno != EINPROGRESS) {
			err = errno;
			goto fail;
		}
		pfd.fd = k->fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, IO_TIMEOUT_MS) != 1) {
			err = ETIMEDOUT;
			goto fail;
		}
		len = sizeof(err);
		if (getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
		    err != 0)
			goto fail;
	}
	fcntl(k->fd, F_SETFL, flags);
	/* Each read and write waits IO_TIMEOUT_MS at most. */
	tv.tv_sec = IO_TIMEOUT_MS / 1000;
	tv.tv_usec = (IO_TIMEOUT_MS % 1000) * 1000;
	setsockopt(k->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(k->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!tls)
		return 0;
	if ((k->ssl = SSL_new(c->ctx)) == NULL ||
	    SSL_set_fd(k->ssl, k->fd) != 1 ||
	    SSL_set_tlsext_host_name(k->ssl, host) != 1 ||
	    (!c->weak && SSL_set1_host(k->ssl, host) != 1)) {
		snprintf(why, wlen, "TLS set-up: %s", ssl_why(buf, sizeof(buf)));
		conn_close(k);
		return -1;
	}
	if (SSL_connect(k->ssl) != 1) {
		vr = SSL_get_verify_result(k->ssl);
		if (vr != X509_V_OK)
			snprintf(why, wlen, "TLS handshake with %s:%d refused: "
			    "certificate: %s", host, port,
			    X509_verify_cert_error_string(vr));
		else
			snprintf(why, wlen, "TLS handshake with %s:%d failed: "
			    "%s", host, port, ssl_why(buf, sizeof(buf)));
		conn_close(k);
		return -1;
	}
	return 0;
 fail:
	snprintf(why, wlen, "connect %s:%d: %s", inet_ntoa(*ip), port,
	    strerror(err));
	conn_close(k);
	return -1;
}

static int
conn_write(struct conn *k, const void *data, size_t len)
{
	const unsigned char *p = data;
	ssize_t n;
	int m;

	while (len > 0) {
		if (assay_clock_ms() > k->deadline)
			return -1;
		if (k->ssl != NULL) {
			if ((m = SSL_write(k->ssl, p, (int)len)) <= 0)
				return -1;
			n = m;
		} else if ((n = write(k->fd, p, len)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Up to cap bytes; 0 at EOF, -1 on error, timeout or past the deadline. */
static ssize_t
conn_read(struct conn *k, void *buf, size_t cap)
{
	ssize_t n;
	int m;

	if (assay_clock_ms() > k->deadline)
		return -1;
	if (cap > INT32_MAX)
		cap = INT32_MAX;
	if (k->ssl != NULL) {
		if ((m = SSL_read(k->ssl, buf, (int)cap)) > 0)
			return m;
		return SSL_get_error(k->ssl, m) == SSL_ERROR_ZERO_RETURN ?
		    0 : -1;
	}
	while ((n = read(k->fd, buf, cap)) == -1 && errno == EINTR)
		;
	return n;
}

/* ---- HTTP --------------------------------------------------------------- */

/*
 * GET path over HTTPS from host (at ip), HTTP/1.0 so that the answer ends
 * with the connection.  The body (at most cap bytes) in *body (malloc'd,
 * NUL-terminated) and *blen, the status in *status.  0, or -1 with why.
 */
static int
http_get(struct client *c, const struct in_addr *ip, const char *host,
    int port, const char *path, size_t cap, unsigned char **body,
    size_t *blen, int *status, char *why, size_t wlen)
{
	struct conn k;
	char req[512], *hend, *cl;
	unsigned char *buf;
	size_t len = 0, total = HDR_MAX + cap, hl;
	ssize_t n;
	int r = -1;

	*body = NULL;
	*blen = 0;
	*status = 0;
	if (snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: %s\r\n"
	    "User-Agent: %s/%s\r\nAccept: */*\r\nConnection: close\r\n\r\n",
	    path, host, c->model, c->factory) >= (int)sizeof(req)) {
		snprintf(why, wlen, "path too long");
		return -1;
	}
	if ((buf = malloc(total + 1)) == NULL) {
		snprintf(why, wlen, "out of memory");
		return -1;
	}
	if (conn_open(c, ip, port, host, 1, &k, why, wlen) != 0)
		goto out;
	if (conn_write(&k, req, strlen(req)) != 0) {
		snprintf(why, wlen, "GET %s: send failed", path);
		goto close;
	}
	for (;;) {
		if (len == total) {
			snprintf(why, wlen, "GET %s: answer larger than %zu "
			    "bytes", path, total);
			goto close;
		}
		if ((n = conn_read(&k, buf + len, total - len)) == 0)
			break;
		if (n < 0) {
			snprintf(why, wlen, "GET %s: read failed or timed out",
			    path);
			goto close;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (len < 12 || strncmp((char *)buf, "HTTP/1.", 7) != 0 ||
	    (hend = strstr((char *)buf, "\r\n\r\n")) == NULL) {
		snprintf(why, wlen, "GET %s: not an HTTP answer", path);
		goto close;
	}
	*status = atoi((char *)buf + 9);
	hl = (size_t)(hend + 4 - (char *)buf);
	if (hl > HDR_MAX) {
		snprintf(why, wlen, "GET %s: headers too large", path);
		goto close;
	}
	*hend = '\0';
	if (((cl = strstr((char *)buf, "\nContent-Length:")) != NULL ||
	    (cl = strstr((char *)buf, "\ncontent-length:")) != NULL) &&
	    strtoull(cl + 16, NULL, 10) != len - hl) {
		snprintf(why, wlen, "GET %s: body truncated", path);
		goto close;
	}
	if (len - hl > cap) {
		snprintf(why, wlen, "GET %s: body larger than %zu bytes", path,
		    cap);
		goto close;
	}
	memmove(buf, buf + hl, len - hl);
	*blen = len - hl;
	buf[*blen] = '\0';
	*body = buf;
	buf = NULL;
	r = 0;
 close:
	conn_close(&k);
 out:
	free(buf);
	return r;
}

/*
 * The string value of "key" in a flat JSON object, when it has only
 * characters of allowed; 0 or -1.
 */
static int
json_str(const char *js, const char *key, const char *allowed, char *out,
    size_t len)
{
	char pat[64];
	const char *p, *v;
	size_t n;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	for (p = js; (p = strstr(p, pat)) != NULL; p++) {
		v = p + strlen(pat);
		while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
			v++;
		if (*v++ != ':')
			continue;
		while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
			v++;
		if (*v++ != '"')
			continue;
		n = strspn(v, allowed);
		if (v[n] != '"' || n == 0 || n >= len)
			return -1;
		memcpy(out, v, n);
		out[n] = '\0';
		return 0;
	}
	return -1;
}

/* Dotted numeric versions: <0, 0, >0. */
static int
version_cmp(const char *a, const char *b)
{
	unsigned long x, y;
	char *ea, *eb;

	for (;;) {
		x = strtoul(a, &ea, 10);
		y = strtoul(b, &eb, 10);
		if (x != y)
			return x < y ? -1 : 1;
		if (*ea != '.' && *eb != '.')
			return 0;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
		if (*ea != '.' && *eb == '.')
			return -1;
		if (*ea == '.' && *eb != '.')
			return 1;
	}
}

/* ---- installed state ---------------------------------------------------- */

static void
installed_version(const struct client *c, char *out, size_t len)
{
	char path[RD_PATH_MAX], buf[32];
	ssize_t n;
	int fd;

	snprintf(out, len, "%s", c->factory);
	snprintf(path, sizeof(path), "%s/data/firmware-version", c->dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	buf[strspn(buf, "0123456789.")] = '\0';
	/* A version too long for out is not installed: keep the factory's. */
	if (buf[0] != '\0' && strlen(buf) < len)
		memcpy(out, buf, strlen(buf) + 1);
}

/* SHA-256 (hex) of the installed image, "" when there is none. */
static void
installed_sha256(const struct client *c, char out[65])
{
	char path[RD_PATH_MAX];
	unsigned char buf[16384], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *m;
	ssize_t n;
	int fd, ok = 0;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/data/firmware.bin", c->dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if ((m = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestInit_ex(m, EVP_sha256(), NULL) == 1) {
		ok = 1;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			ok &= EVP_DigestUpdate(m, buf, (size_t)n) == 1;
		ok &= n == 0 && EVP_DigestFinal_ex(m, md, &mdlen) == 1;
	}
	EVP_MD_CTX_free(m);
	close(fd);
	if (ok && mdlen == 32)
		hex(md, 32, out);
}

static int
write_atomic(const struct client *c, const char *name, const void *data,
    size_t len)
{
	char path[RD_PATH_MAX], tmp[RD_PATH_MAX + 8];

	snprintf(path, sizeof(path), "%s/data/%s", c->dir, name);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if (rd_write_file(tmp, data, len, 0600) != 0)
		return -1;
	if (rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void
install(const struct client *c, const char *version, const unsigned char *fw,
    size_t len, const char *sha)
{
	char line[32];

	snprintf(line, sizeof(line), "%s\n", version);
	if (write_atomic(c, "firmware.bin", fw, len) != 0 ||
	    write_atomic(c, "firmware-version", line, strlen(line)) != 0) {
		logline("install of %s failed: cannot write %s/data", version,
		    c->dir);
		return;
	}
	logline("installed %s sha256=%s (%zu bytes)", version, sha, len);
}

/* ---- update check ------------------------------------------------------- */

#define HEXCH	"0123456789abcdefABCDEF"
#define NAMECH	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

static int
verify_signature(const struct client *c, const char *stmt,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *m;
	int ok = 0;

	if (siglen != 64 || (m = EVP_MD_CTX_new()) == NULL)
		return 0;
	if (EVP_DigestVerifyInit(m, NULL, NULL, NULL, c->vendor) == 1)
		ok = EVP_DigestVerify(m, sig, siglen,
		    (const unsigned char *)stmt, strlen(stmt)) == 1;
	EVP_MD_CTX_free(m);
	ERR_clear_error();
	return ok;
}

static void
update_check(struct client *c, const struct in_addr *ip)
{
	const char *host = RD_UPDATE_HOST;
	unsigned char *man = NULL, *fw = NULL, *sig = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	char model[64], version[16], file[64], want[65], signame[80];
	char path[160], why[300], got[65], have[65], cur[16];
	char stmt[STATEMENT_MAX];
	unsigned int mdlen = 0;
	size_t mlen, flen, slen;
	int status;

	if (http_get(c, ip, host, 443, "/update/manifest.json", MANIFEST_MAX,
	    &man, &mlen, &status, why, sizeof(why)) != 0) {
		logline("update check: %s", why);
		goto out;
	}
	if (status != 200) {
		logline("update check: manifest: HTTP %d", status);
		goto out;
	}
	if (json_str((char *)man, "model", NAMECH " ", model,
	    sizeof(model)) != 0 ||
	    json_str((char *)man, "version", "0123456789.", version,
	    sizeof(version)) != 0 ||
	    json_str((char *)man, "file", NAMECH, file, sizeof(file)) != 0 ||
	    file[0] == '.') {
		logline("update check: manifest lacks model, version or file");
		goto out;
	}
	if (!c->weak && (json_str((char *)man, "sha256", HEXCH, want,
	    sizeof(want)) != 0 || strlen(want) != 64 ||
	    json_str((char *)man, "signature", NAMECH, signame,
	    sizeof(signame)) != 0 || signame[0] == '.')) {
		logline("refused %s: manifest lacks sha256 or signature",
		    version);
		goto out;
	}
	snprintf(path, sizeof(path), "/update/%s", file);
	if (http_get(c, ip, host, 443, path, PAYLOAD_MAX, &fw, &flen, &status,
	    why, sizeof(why)) != 0 || status != 200) {
		if (status != 0)
			snprintf(why, sizeof(why), "GET %s: HTTP %d", path,
			    status);
		logline("update %s not fetched: %s", version, why);
		goto out;
	}
	if (EVP_Digest(fw, flen, md, &mdlen, EVP_sha256(), NULL) != 1)
		goto out;
	hex(md, mdlen, got);
	installed_sha256(c, have);
	installed_version(c, cur, sizeof(cur));
	if (c->weak) {
		/* No check of any kind: what came is what runs. */
		if (strcmp(got, have) == 0)
			logline("update check: %s (sha256=%s) is installed",
			    version, got);
		else
			install(c, version, fw, flen, got);
		goto out;
	}
	snprintf(path, sizeof(path), "/update/%s", signame);
	if (http_get(c, ip, host, 443, path, SIG_MAX, &sig, &slen, &status,
	    why, sizeof(why)) != 0 || status != 200) {
		if (status != 0)
			snprintf(why, sizeof(why), "HTTP %d", status);
		logline("refused %s: signature not available (%s)", version,
		    why);
		goto out;
	}
	if (strcmp(model, c->model) != 0) {
		logline("refused %s: model %s is not this device's (%s)",
		    version, model, c->model);
		goto out;
	}
	if (strcasecmp(got, want) != 0) {
		logline("refused %s: sha256 of the image %s differs from the "
		    "manifest's %s", version, got, want);
		goto out;
	}
	/* The statement format of the device's own /update/ material. */
	snprintf(stmt, sizeof(stmt), "assay-refdevice-update 1\nmodel %s\n"
	    "version %s\nfile %s\nsha256 %s\n", model, version, file, got);
	if (!verify_signature(c, stmt, sig, slen)) {
		logline("refused %s: signature does not verify", version);
		goto out;
	}
	if (strcmp(got, have) == 0) {
		logline("update check: %s (sha256=%s) is installed", version,
		    got);
		goto out;
	}
	if (version_cmp(version, cur) <= 0) {
		logline("refused %s: not newer than the installed %s", version,
		    cur);
		goto out;
	}
	install(c, version, fw, flen, got);
 out:
	free(man);
	free(fw);
	free(sig);
}

/* ---- telemetry (MQTT 3.1.1) --------------------------------------------- */

static int
put_str(unsigned char *b, size_t cap, size_t *off, const char *s)
{
	size_t n = strlen(s);

	if (n > 65535 || *off + 2 + n > cap)
		return -1;
	b[(*off)++] = (unsigned char)(n >> 8);
	b[(*off)++] = (unsigned char)n;
	memcpy(b + *off, s, n);
	*off += n;
	return 0;
}

/*
 * A packet: type byte, remaining length (variable, < 2^21 here), then
 * body; into out, its length or 0.
 */
static size_t
packet(unsigned char type, const unsigned char *body, size_t blen,
    unsigned char *out, size_t cap)
{
	size_t off = 0, x = blen;

	if (blen >= 2097152 || blen + 4 > cap)
		return 0;
	out[off++] = type;
	do {
		out[off] = (unsigned char)(x % 128);
		x /= 128;
		if (x > 0)
			out[off] |= 0x80;
		off++;
	} while (x > 0);
	memcpy(out + off, body, blen);
	return off + blen;
}

/*
 * Usage analytics (6-2, 6-3): processing the owner consents to at set-up
 * and withdraws in the web UI (POST /api/analytics-consent.cgi, setup.c),
 * which keeps "on" or "off" in DIR/data/analytics-consent.  While it is
 * on, each telemetry session also PUBLISHes one message to
 * devices/<serial>/analytics: which pages of the web UI were used.  The
 * conforming persona reads the consent every cycle and sends nothing
 * once it is off (or unreadable: no consent known is no consent); the
 * weak one records the withdrawal and keeps sending (the seeded 6-3-2
 * weakness).  0 sent or not due, -1 the write failed.
 */
static int
analytics(struct client *c, struct conn *k, const char *host, int port)
{
	unsigned char body[512], pkt[600];
	char topic[80], msg[256], state[8] = "";
	FILE *fp;
	size_t off = 0, n;
	char path[RD_PATH_MAX];

	(void)snprintf(path, sizeof(path), "%s/data/analytics-consent",
	    c->dir);
	if ((fp = fopen(path, "r")) != NULL) {
		if (fgets(state, sizeof(state), fp) == NULL)
			state[0] = '\0';
		fclose(fp);
	}
	if (!c->weak && strncmp(state, "on", 2) != 0)
		return 0;
	snprintf(topic, sizeof(topic), "devices/%s/analytics", c->serial);
	snprintf(msg, sizeof(msg), "{\"serial\":\"%s\",\"uptime\":%lld,"
	    "\"pages\":[\"live\",\"settings\"]}", c->serial,
	    (assay_clock_ms() - c->started) / 1000);
	if (put_str(body, sizeof(body), &off, topic) != 0 ||
	    off + strlen(msg) > sizeof(body))
		return -1;
	memcpy(body + off, msg, strlen(msg));
	off += strlen(msg);
	if ((n = packet(0x30, body, off, pkt, sizeof(pkt))) == 0 ||
	    conn_write(k, pkt, n) != 0)
		return -1;
	logline("analytics: published %zu bytes to %s on %s:%d (consent %s)",
	    strlen(msg), topic, host, port, state[0] != '\0' ? (strncmp(state,
	    "on", 2) == 0 ? "on" : "off") : "unknown");
	return 0;
}

static int
telemetry(struct client *c, const struct in_addr *ip)
{
	const char *host = RD_CLOUD_HOST;
	static const unsigned char disconnect[] = { 0xe0, 0x00 };
	unsigned char body[1024], pkt[1100], ack[4];
	char topic[80], msg[512], cur[16], why[300];
	struct conn k;
	size_t off = 0, n, got = 0;
	ssize_t m;
	int port = c->weak ? 1883 : 8883, ok = -1;

	if (conn_open(c, ip, port, host, !c->weak, &k, why, sizeof(why)) != 0) {
		/* The weak tight loop would fill the log: powers of two only. */
		if ((c->fails & (c->fails + 1)) == 0)
			logline("telemetry: %s", why);
		return -1;
	}
	/* CONNECT: "MQTT" level 4, user + password + clean session, 60 s. */
	memcpy(body, "\0\4MQTT\4\xc2\0\x3c", 10);
	off = 10;
	if (put_str(body, sizeof(body), &off, c->serial) != 0 ||
	    put_str(body, sizeof(body), &off, c->user) != 0 ||
	    put_str(body, sizeof(body), &off, c->pass) != 0 ||
	    (n = packet(0x10, body, off, pkt, sizeof(pkt))) == 0 ||
	    conn_write(&k, pkt, n) != 0) {
		logline("telemetry: CONNECT to %s:%d failed", host, port);
		goto out;
	}
	while (got < sizeof(ack)) {
		if ((m = conn_read(&k, ack + got, sizeof(ack) - got)) <= 0) {
			logline("telemetry: no CONNACK from %s:%d", host, port);
			goto out;
		}
		got += (size_t)m;
	}
	if (ack[0] != 0x20 || ack[1] != 0x02 || ack[3] != 0) {
		logline("telemetry: %s:%d refused the connection (CONNACK "
		    "%02x %02x code %d)", host, port, ack[0], ack[1], ack[3]);
		goto out;
	}
	installed_version(c, cur, sizeof(cur));
	snprintf(topic, sizeof(topic), "devices/%s/telemetry", c->serial);
	snprintf(msg, sizeof(msg), "{\"serial\":\"%s\",\"uptime\":%lld,"
	    "\"firmware\":\"%s\",\"owner\":\"%s\"}", c->serial,
	    (assay_clock_ms() - c->started) / 1000, cur, c->owner);
	off = 0;
	if (put_str(body, sizeof(body), &off, topic) != 0 ||
	    off + strlen(msg) > sizeof(body)) {
		logline("telemetry: message too large");
		goto out;
	}
	memcpy(body + off, msg, strlen(msg));
	off += strlen(msg);
	if ((n = packet(0x30, body, off, pkt, sizeof(pkt))) == 0 ||
	    conn_write(&k, pkt, n) != 0) {
		logline("telemetry: PUBLISH to %s:%d failed", host, port);
		goto out;
	}
	logline("telemetry: published %zu bytes to %s on %s:%d (%s)",
	    strlen(msg), topic, host, port, k.ssl != NULL ?
	    SSL_get_version(k.ssl) : "plain TCP");
	if (analytics(c, &k, host, port) != 0 ||
	    conn_write(&k, disconnect, sizeof(disconnect)) != 0) {
		logline("telemetry: DISCONNECT to %s:%d failed", host, port);
		goto out;
	}
	ok = 0;
 out:
	explicit_bzero(body, sizeof(body));
	explicit_bzero(pkt, sizeof(pkt));
	conn_close(&k);
	return ok;
}

/* ---- main loop ---------------------------------------------------------- */

static void
update_cycle(struct client *c)
{
	struct in_addr ip;
	char why[160];

	if (dns_a(c, RD_UPDATE_HOST, &ip, why, sizeof(why)) != 0)
		logline("update check skipped: %s: %s", RD_UPDATE_HOST, why);
	else
		update_check(c, &ip);
}

/* Records whether the cloud answered, for the local status page. */
static void
cloud_state(struct client *c, int up)
{
	if (c->cloud_up == up)
		return;
	if (write_atomic(c, "cloud-state", up ? "up\n" : "down\n",
	    up ? 3 : 5) == 0)
		c->cloud_up = up;
}

/* One telemetry attempt; returns ms until the next one. */
static long long
telemetry_cycle(struct client *c)
{
	struct in_addr ip;
	char why[160];
	long long d;
	uint32_t rnd = 0;
	int ok;

	if (dns_a(c, RD_CLOUD_HOST, &ip, why, sizeof(why)) != 0) {
		if ((c->fails & (c->fails + 1)) == 0)
			logline("telemetry skipped: %s: %s", RD_CLOUD_HOST, why);
		ok = -1;
	} else
		ok = telemetry(c, &ip);
	cloud_state(c, ok == 0);
	if (ok == 0) {
		c->fails = 0;
		return (long long)c->interval * 1000;
	}
	if (c->fails < 30)
		c->fails++;
	if (c->weak)
		return 100;
	/* 2^fails seconds, at most six intervals, less up to a fifth. */
	d = 1000LL << (c->fails < 8 ? c->fails : 8);
	if (d > (long long)c->interval * 6000)
		d = (long long)c->interval * 6000;
	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		rnd = 0;	/* no jitter this once */
	return d - (long long)(rnd % 1000) * d / 5000;
}

static void
pause_ms(long long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
rd_client_main(const char *conf)
{
	struct client c;
	long long next;
	pid_t parent = getpid(), pid;
	char cur[16];

	/* A server closing mid-write must not kill the device (SIGPIPE). */
	signal(SIGPIPE, SIG_IGN);
	memset(&c, 0, sizeof(c));
	if (load_conf(&c, conf) != 0 || make_ctx(&c) != 0)
		return 1;
	c.started = assay_clock_ms();
	installed_version(&c, cur, sizeof(cur));
	logline("client started: %s persona, model %s, firmware %s, every "
	    "%d s, resolver %s", c.weak ? "weak" : "conforming", c.model,
	    cur, c.interval, c.dns);
	c.cloud_up = -1;
	/*
	 * Telemetry in a process of its own, on its own schedule: an update
	 * check that hangs (3 s I/O timeout) never delays a telemetry
	 * attempt, so a 1 s interval holds and the retries during an outage
	 * keep their pace.  It dies with the update loop (same process
	 * group; PR_SET_PDEATHSIG when only this process is killed).
	 */
	fflush(stdout);
	if ((pid = fork()) == -1) {
		logline("cannot start the telemetry process: %s",
		    strerror(errno));
		return 1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(0);
		for (;;)
			pause_ms(telemetry_cycle(&c));
	}
	/* Update checks every interval, counted from the end of the last. */
	for (;;) {
		update_cycle(&c);
		next = assay_clock_ms() + (long long)c.interval * 1000;
		pause_ms(next - assay_clock_ms());
	}
}
