/*
 * probe/standin.c - an HTTP/1.1 file server and an MQTT sink standing in
 * for the device's cloud (probe/standin.h).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/file.h"
#include "probe/mqtt_codec.h"
#include "probe/standin.h"

/* --- the site ---------------------------------------------------------- */

struct site_file {
	char		*path;
	unsigned char	*data;
	size_t		 len;
};

struct assay_standin_site {
	struct site_file	 files[ASSAY_STANDIN_MAX_FILES];
	size_t			 nfiles;
	size_t			 total;
};

struct assay_standin_site *
assay_standin_site_new(void)
{
	return calloc(1, sizeof(struct assay_standin_site));
}

void
assay_standin_site_free(struct assay_standin_site *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nfiles; i++) {
		free(s->files[i].path);
		free(s->files[i].data);
	}
	free(s);
}

static struct site_file *
site_find(const struct assay_standin_site *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->nfiles; i++)
		if (strcmp(s->files[i].path, path) == 0)
			return (struct site_file *)&s->files[i];
	return NULL;
}

int
assay_standin_site_add(struct assay_standin_site *s, const char *path,
    const void *data, size_t len)
{
	char norm[ASSAY_STANDIN_MAX_PATH];
	struct site_file *f;
	unsigned char *copy;

	if (s == NULL || path == NULL || (data == NULL && len > 0))
		return ASSAY_ERR_INVALID_ARG;
	/* Only paths a request can name: what is added is what is served. */
	if (assay_standin_path_normalise(path, strlen(path), norm,
	    sizeof(norm)) != 0 || strcmp(norm, path) != 0)
		return ASSAY_ERR_INVALID_ARG;
	f = site_find(s, path);
	if (len > ASSAY_STANDIN_MAX_SITE ||
	    s->total - (f != NULL ? f->len : 0) > ASSAY_STANDIN_MAX_SITE - len)
		return ASSAY_ERR_TOO_BIG;
	if (f == NULL && s->nfiles >= ASSAY_STANDIN_MAX_FILES)
		return ASSAY_ERR_TOO_BIG;
	if ((copy = malloc(len > 0 ? len : 1)) == NULL)
		return ASSAY_ERR_ALLOC;
	if (len > 0)
		memcpy(copy, data, len);
	if (f == NULL) {
		f = &s->files[s->nfiles];
		if ((f->path = strdup(path)) == NULL) {
			free(copy);
			return ASSAY_ERR_ALLOC;
		}
		f->data = NULL;
		f->len = 0;
		s->nfiles++;
	}
	s->total -= f->len;
	free(f->data);
	f->data = copy;
	f->len = len;
	s->total += len;
	return 0;
}

int
assay_standin_site_remove(struct assay_standin_site *s, const char *path)
{
	struct site_file *f;
	size_t i;

	if (s == NULL || path == NULL || (f = site_find(s, path)) == NULL)
		return ASSAY_ERR_NOT_FOUND;
	i = (size_t)(f - s->files);
	s->total -= f->len;
	free(f->path);
	free(f->data);
	memmove(&s->files[i], &s->files[i + 1],
	    (s->nfiles - i - 1) * sizeof(s->files[0]));
	s->nfiles--;
	return 0;
}

unsigned char *
assay_standin_site_get(struct assay_standin_site *s, const char *path,
    size_t *lenp)
{
	struct site_file *f;

	if (s == NULL || path == NULL || (f = site_find(s, path)) == NULL)
		return NULL;
	if (lenp != NULL)
		*lenp = f->len;
	return f->data;
}

struct assay_standin_site *
assay_standin_site_dup(const struct assay_standin_site *s)
{
	struct assay_standin_site *d;
	size_t i;

	if (s == NULL || (d = assay_standin_site_new()) == NULL)
		return NULL;
	for (i = 0; i < s->nfiles; i++)
		if (assay_standin_site_add(d, s->files[i].path,
		    s->files[i].data, s->files[i].len) != 0) {
			assay_standin_site_free(d);
			return NULL;
		}
	return d;
}

#define LOAD_MAX_DEPTH	8

/* Walks dir (an open descriptor) adding its files under prefix. */
static int
load_walk(struct assay_standin_site *s, int dfd, const char *prefix,
    int depth, char *why, size_t whylen)
{
	char path[ASSAY_STANDIN_MAX_PATH], norm[ASSAY_STANDIN_MAX_PATH];
	struct assay_buf *b = NULL;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, r = 0;

	if ((d = fdopendir(dfd)) == NULL) {
		(void)snprintf(why, whylen, "%s: %s", prefix[0] ? prefix : "/",
		    strerror(errno));
		close(dfd);
		return 0;
	}
	while (r == 0 && why[0] == '\0' && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", prefix, de->d_name) >=
		    (int)sizeof(path) || assay_standin_path_normalise(path,
		    strlen(path), norm, sizeof(norm)) != 0 ||
		    strcmp(norm, path) != 0)
			continue;	/* a name no request could ask for */
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth >= LOAD_MAX_DEPTH) {
				(void)snprintf(why, whylen, "%s: more than %d "
				    "directories deep", path, LOAD_MAX_DEPTH);
				break;
			}
			fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				continue;
			r = load_walk(s, fd, path, depth + 1, why, whylen);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		r = assay_file_read_at(dirfd(d), de->d_name, ASSAY_FILE_NOFOLLOW,
		    ASSAY_STANDIN_MAX_SITE, &b);
		if (r == ASSAY_ERR_ALLOC)
			break;
		if (r != 0) {
			(void)snprintf(why, whylen, "%s: %s", path,
			    assay_strerror(r));
			r = 0;
			break;
		}
		r = assay_standin_site_add(s, path, assay_buf_data(b),
		    assay_buf_len(b));
		assay_buf_free(b);
		b = NULL;
		if (r == ASSAY_ERR_TOO_BIG) {
			(void)snprintf(why, whylen, "%s: the site cap (%d files, "
			    "%lu bytes) is reached", path, ASSAY_STANDIN_MAX_FILES,
			    (unsigned long)ASSAY_STANDIN_MAX_SITE);
			r = 0;
		}
	}
	closedir(d);
	return r;
}

int
assay_standin_site_load_dir(struct assay_standin_site *s, const char *dir,
    char *why, size_t whylen)
{
	int fd;

	if (s == NULL || dir == NULL || why == NULL || whylen == 0)
		return ASSAY_ERR_INVALID_ARG;
	why[0] = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		(void)snprintf(why, whylen, "%s: %s", dir, strerror(errno));
		return 0;
	}
	return load_walk(s, fd, "", 0, why, whylen);
}

/* --- HTTP request parsing ---------------------------------------------- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
assay_standin_path_normalise(const char *target, size_t tlen, char *out,
    size_t olen)
{
	size_t i, o = 0, seg;
	int hi, lo, c;

	if (target == NULL || out == NULL || olen < 2 || tlen == 0 ||
	    target[0] != '/')
		return -1;
	out[0] = '\0';
	i = 0;
	while (i < tlen && target[i] != '?' && target[i] != '#') {
		/* target[i] is a '/': read one segment after it. */
		i++;
		seg = o;
		if (o + 1 >= olen)
			return -1;
		out[o++] = '/';
		while (i < tlen && target[i] != '/' && target[i] != '?' &&
		    target[i] != '#') {
			c = (unsigned char)target[i++];
			if (c == '%') {
				if (i + 2 > tlen || (hi = hexval(target[i])) < 0 ||
				    (lo = hexval(target[i + 1])) < 0)
					return -1;
				c = hi * 16 + lo;
				i += 2;
				/* A decoded delimiter would mean something else
				 * once the path is read again (the fuzzer's
				 * "%23": "/a/#" is not its own normal form). */
				if (c == '?' || c == '#' || c == '%')
					return -1;
			}
			/* Printable ASCII only; an encoded separator is refused
			 * rather than guessed at. */
			if (c <= 0x20 || c >= 0x7f || c == '/' || c == '\\')
				return -1;
			if (o + 1 >= olen)
				return -1;
			out[o++] = (char)c;
		}
		if (o - seg == 1 || (o - seg == 2 && out[seg + 1] == '.')) {
			o = seg;	/* "//" or "/./" */
			continue;
		}
		if (o - seg == 3 && out[seg + 1] == '.' && out[seg + 2] == '.')
			return -1;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

static void
clip_copy(char *dst, size_t dlen, const char *p, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < dlen; i++)
		dst[o++] = (p[i] > 0x20 && p[i] < 0x7f) ? p[i] : '?';
	dst[o] = '\0';
}

static int
req_error(struct assay_standin_req *req, int status, const char *why)
{
	req->status = status;
	req->why = why;
	req->path[0] = '\0';
	return 1;
}

static int
is_tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Parses the request line p[0..n) (without its line end). */
static int
parse_request_line(const char *p, size_t n, struct assay_standin_req *req)
{
	const char *sp1, *sp2;
	size_t i;

	if ((sp1 = memchr(p, ' ', n)) == NULL || sp1 == p)
		return req_error(req, 400, "malformed request line");
	for (i = 0; p + i < sp1; i++)
		if (!is_tchar((unsigned char)p[i]))
			return req_error(req, 400, "malformed method");
	clip_copy(req->method, sizeof(req->method), p, (size_t)(sp1 - p));
	sp1++;
	if ((sp2 = memchr(sp1, ' ', n - (size_t)(sp1 - p))) == NULL ||
	    sp2 == sp1)
		return req_error(req, 400, "malformed request line");
	i = n - (size_t)(sp2 + 1 - p);
	if (i < 5 || memcmp(sp2 + 1, "HTTP/", 5) != 0)
		return req_error(req, 400, "malformed request line");
	if (i != 8 || sp2[6] != '1' || sp2[7] != '.' ||
	    (sp2[8] != '0' && sp2[8] != '1'))
		return req_error(req, 505, "not HTTP/1.0 or HTTP/1.1");
	if (strcmp(req->method, "GET") != 0)
		return req_error(req, 405, "only GET is served");
	if (assay_standin_path_normalise(sp1, (size_t)(sp2 - sp1), req->path,
	    sizeof(req->path)) != 0)
		return req_error(req, 400, "path refused");
	return 0;
}

int
assay_standin_http_parse(const char *p, size_t len,
    struct assay_standin_req *req)
{
	const char *line, *nl, *colon;
	size_t off = 0, n, lines = 0;

	memset(req, 0, sizeof(*req));
	if (p == NULL)
		return 0;
	while (off < len) {
		line = p + off;
		if ((nl = memchr(line, '\n', len - off)) == NULL) {
			/* An unfinished line: judge it by its caps now. */
			if (lines == 0 && len - off > ASSAY_STANDIN_MAX_REQUEST_LINE)
				return req_error(req, 414, "request line too long");
			if (len > ASSAY_STANDIN_MAX_HEADER_BYTES)
				return req_error(req, 431, "request head too long");
			return 0;
		}
		n = (size_t)(nl - line);
		off += n + 1;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (lines == 0 && n > ASSAY_STANDIN_MAX_REQUEST_LINE)
			return req_error(req, 414, "request line too long");
		if (off > ASSAY_STANDIN_MAX_HEADER_BYTES)
			return req_error(req, 431, "request head too long");
		if (lines == 0) {
			if (n == 0)
				return req_error(req, 400, "empty request line");
			if (parse_request_line(line, n, req) != 0)
				return 1;
			lines++;
			continue;
		}
		if (n == 0)
			return 1;	/* the blank line: complete */
		if (++lines > ASSAY_STANDIN_MAX_HEADER_LINES + 1)
			return req_error(req, 431, "too many header lines");
		if (line[0] == ' ' || line[0] == '\t')
			return req_error(req, 400, "folded header line");
		if ((colon = memchr(line, ':', n)) == NULL || colon == line)
			return req_error(req, 400, "malformed header line");
		if ((size_t)(colon - line) == 4 &&
		    strncasecmp(line, "host", 4) == 0) {
			colon++;
			while (colon < line + n && (*colon == ' ' || *colon == '\t'))
				colon++;
			clip_copy(req->host, sizeof(req->host), colon,
			    (size_t)(line + n - colon));
		}
	}
	if (len > ASSAY_STANDIN_MAX_HEADER_BYTES)
		return req_error(req, 431, "request head too long");
	return 0;
}

/* --- MQTT sink ----------------------------------------------------------- */

static int
mqtt_bad(struct assay_standin_mqtt *m, const char *why)
{
	m->why = why;
	return ASSAY_ERR_PARSE;
}

/* The protocol level of a CONNECT body, or -1. */
static int
connect_level(const unsigned char *b, size_t n)
{
	size_t nl;

	if (n < 2)
		return -1;
	nl = (size_t)b[0] << 8 | b[1];
	if (nl > 6 || n < 2 + nl + 4)
		return -1;
	if (!(nl == 4 && memcmp(b + 2, "MQTT", 4) == 0) &&
	    !(nl == 6 && memcmp(b + 2, "MQIsdp", 6) == 0))
		return -1;
	return b[2 + nl];
}

/* Counts the topic filters of a SUBSCRIBE or UNSUBSCRIBE body after its
 * packet id (and v5 properties); -1 when malformed. */
static long
count_filters(const unsigned char *b, size_t n, int version, int options)
{
	size_t off = 2, plen, used, tl;
	long count = 0;

	if (version == 5) {
		if (assay_mqtt_varint_decode(b + off, n - off, &plen, &used) != 0 ||
		    used == 0 || plen > n - off - used)
			return -1;
		off += used + plen;
	}
	while (off < n) {
		if (n - off < 2)
			return -1;
		tl = (size_t)b[off] << 8 | b[off + 1];
		off += 2;
		if (tl == 0 || tl > n - off)
			return -1;
		off += tl;
		if (options) {
			if (off >= n)
				return -1;
			off++;
		}
		count++;
	}
	return count > 0 ? count : -1;
}

/*
 * Counts one PUBLISH to topic t[0..tl) in tab (n entries used, at most
 * ASSAY_STANDIN_MQTT_TOPICS): the name as printable ASCII, cut to fit.
 */
static void
topic_count(struct assay_standin_topic *tab, unsigned *n, unsigned *dropped,
    const unsigned char *t, size_t tl, unsigned count)
{
	char name[sizeof(tab[0].name)];
	size_t i;
	unsigned k;

	if (tl >= sizeof(name))
		tl = sizeof(name) - 1;
	for (i = 0; i < tl; i++)
		name[i] = t[i] >= 0x20 && t[i] < 0x7f ? (char)t[i] : '?';
	name[tl] = '\0';
	for (k = 0; k < *n; k++) {
		if (strcmp(tab[k].name, name) == 0) {
			tab[k].publishes += count;
			return;
		}
	}
	if (*n >= ASSAY_STANDIN_MQTT_TOPICS) {
		*dropped += count;
		return;
	}
	memcpy(tab[*n].name, name, tl + 1);
	tab[(*n)++].publishes = count;
}

static int
put_ack(struct assay_buf *out, unsigned char type, const unsigned char *id)
{
	unsigned char pkt[4] = { type, 2, id[0], id[1] };

	return assay_buf_put(out, pkt, sizeof(pkt));
}

/* One complete packet of type t with body b[0..n). */
static int
mqtt_packet(struct assay_standin_mqtt *m, unsigned char t,
    const unsigned char *b, size_t n, struct assay_buf *out)
{
	static const unsigned char connack4[] = { 0x20, 2, 0, 0 };
	static const unsigned char connack5[] = { 0x20, 3, 0, 0, 0 };
	static const unsigned char pingresp[] = { 0xd0, 0 };
	unsigned char hdr[5], codes[64];
	const unsigned char *topic, *payload;
	size_t tl, pl, off, hl;
	unsigned qos;
	long nf;
	int lvl, r;

	if ((t & 0xf0) != ASSAY_MQTT_CONNECT && !m->connected)
		return mqtt_bad(m, "a packet before CONNECT");
	switch (t & 0xf0) {
	case ASSAY_MQTT_CONNECT:
		if (m->connected)
			return mqtt_bad(m, "a second CONNECT");
		if (t != ASSAY_MQTT_CONNECT || (lvl = connect_level(b, n)) < 3 ||
		    lvl > 5)
			return mqtt_bad(m, "malformed CONNECT");
		m->version = lvl;
		m->connected = 1;
		m->connects++;
		return lvl == 5 ? assay_buf_put(out, connack5, sizeof(connack5)) :
		    assay_buf_put(out, connack4, sizeof(connack4));
	case ASSAY_MQTT_PUBLISH:
		qos = (t >> 1) & 3;
		if (qos == 3 || assay_mqtt_publish_parse(b, n, t & 0x0fU,
		    m->version == 5 ? 5 : 4, &topic, &tl, &payload, &pl) != 0)
			return mqtt_bad(m, "malformed PUBLISH");
		m->publishes++;
		topic_count(m->topics, &m->ntopics, &m->topics_dropped, topic,
		    tl, 1);
		if (qos == 0)
			return 0;
		if (n < 2 + tl + 2)
			return mqtt_bad(m, "PUBLISH without its packet id");
		/* The packet id follows the topic. */
		return put_ack(out, qos == 1 ? 0x40 : 0x50, b + 2 + tl);
	case 0x60:	/* PUBREL */
		if (t != 0x62 || n < 2)
			return mqtt_bad(m, "malformed PUBREL");
		return put_ack(out, 0x70, b);
	case 0x80:	/* SUBSCRIBE */
	case 0xa0:	/* UNSUBSCRIBE */
		if ((t & 0x0f) != 2 || n < 2 || (nf = count_filters(b, n,
		    m->version, (t & 0xf0) == 0x80)) < 0)
			return mqtt_bad(m, "malformed SUBSCRIBE or UNSUBSCRIBE");
		if ((t & 0xf0) == 0x80)
			m->subscribes++;
		if ((t & 0xf0) == 0xa0 && m->version != 5)
			return put_ack(out, 0xb0, b);
		if (nf > (long)sizeof(codes) - 3)
			return mqtt_bad(m, "too many topic filters");
		/* Packet id, (v5) empty properties, one code 0 per filter:
		 * QoS 0 granted, or (UNSUBACK v5) success. */
		off = 0;
		codes[off++] = b[0];
		codes[off++] = b[1];
		if (m->version == 5)
			codes[off++] = 0;
		memset(codes + off, 0, (size_t)nf);
		off += (size_t)nf;
		if ((t & 0xf0) == 0x80)
			hdr[0] = 0x90;
		else
			hdr[0] = 0xb0;
		hl = 1;
		hdr[hl++] = (unsigned char)off;
		if ((r = assay_buf_put(out, hdr, hl)) != 0)
			return r;
		return assay_buf_put(out, codes, off);
	case 0xc0:	/* PINGREQ */
		m->pings++;
		return assay_buf_put(out, pingresp, sizeof(pingresp));
	case ASSAY_MQTT_DISCONNECT:
		m->done = 1;
		return 0;
	case 0x40:	/* PUBACK, PUBREC, PUBCOMP from a client: nothing owed */
	case 0x50:
	case 0x70:
		return 0;
	default:
		return mqtt_bad(m, "a packet a client does not send");
	}
}

int
assay_standin_mqtt_feed(struct assay_standin_mqtt *m, const unsigned char *p,
    size_t len, size_t *used, struct assay_buf *out)
{
	unsigned char type;
	size_t off = 0, rem, hl;
	int r;

	*used = 0;
	while (off < len && !m->done) {
		if (assay_mqtt_header_parse(p + off, len - off, &type, &rem,
		    &hl) != 0)
			return mqtt_bad(m, "malformed remaining length");
		if (hl == 0)
			break;
		if (rem > ASSAY_STANDIN_MQTT_MAX_PACKET)
			return mqtt_bad(m, "packet beyond the sink's cap");
		if (rem > len - off - hl)
			break;
		if ((r = mqtt_packet(m, type, p + off + hl, rem, out)) != 0)
			return r;
		off += hl + rem;
		*used = off;
	}
	return 0;
}

/* --- connections ------------------------------------------------------- */

struct assay_standin_server {
	pthread_t			 th;
	pthread_mutex_t			 mu;
	int				 lfd;
	enum assay_standin_proto	 proto;
	SSL_CTX				*ctx;
	struct assay_standin_site	*site;
	assay_standin_accept_fn		 accept_fn;
	void				*accept_arg;
	int				 idle_ms, conn_ms;
	volatile int			 stop;
	struct assay_standin_stats	 stats;
};

/* One connection being served. */
struct sess {
	int				 fd;
	SSL				*ssl;
	enum assay_standin_proto	 proto;
	const struct assay_standin_site	*site;		/* direct mode */
	struct assay_standin_server	*sv;		/* thread mode */
	struct assay_standin_stats	*stats;		/* direct mode, may be NULL */
	const volatile int		*stop;
	int				 idle_ms;
	long long			 deadline;
};

static void
sess_lock(struct sess *s)
{
	if (s->sv != NULL)
		pthread_mutex_lock(&s->sv->mu);
}

static void
sess_unlock(struct sess *s)
{
	if (s->sv != NULL)
		pthread_mutex_unlock(&s->sv->mu);
}

/* Stats under the lock (NULL: none kept); pair with sess_unlock(). */
static struct assay_standin_stats *
sess_stats(struct sess *s)
{
	sess_lock(s);
	return s->sv != NULL ? &s->sv->stats : s->stats;
}

/* Keeps prefix and detail as the last failure of the server. */
static void
note_error(struct sess *s, const char *prefix, const char *detail)
{
	struct assay_standin_stats *st;

	if ((st = sess_stats(s)) != NULL)
		(void)snprintf(st->last_error, sizeof(st->last_error), "%s%s",
		    prefix, detail);
	sess_unlock(s);
}

static int
stopped(const struct sess *s)
{
	return (s->stop != NULL && *s->stop) || assay_clock_ms() >= s->deadline;
}

/* Waits for fd to be readable (events POLLIN) or writable; 0 ready, -1
 * idle time, deadline or stop reached. */
static int
wait_fd(struct sess *s, short events)
{
	long long idle_end = assay_clock_ms() + s->idle_ms;
	struct pollfd pfd;
	int r;

	for (;;) {
		if (stopped(s) || assay_clock_ms() >= idle_end)
			return -1;
		pfd.fd = s->fd;
		pfd.events = events;
		pfd.revents = 0;
		r = poll(&pfd, 1, 100);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

/* Reads some bytes: >0, 0 at the end of the stream, -1 on failure. */
static long
sess_read(struct sess *s, void *p, size_t n)
{
	ssize_t r;
	int e;

	for (;;) {
		if (s->ssl != NULL) {
			ERR_clear_error();
			r = SSL_read(s->ssl, p, (int)(n > 65536 ? 65536 : n));
			if (r > 0)
				return (long)r;
			e = SSL_get_error(s->ssl, (int)r);
			if (e == SSL_ERROR_ZERO_RETURN)
				return 0;
			if (e == SSL_ERROR_SYSCALL && r == 0)
				return 0;
			if (e == SSL_ERROR_WANT_READ) {
				if (wait_fd(s, POLLIN) != 0)
					return -1;
				continue;
			}
			if (e == SSL_ERROR_WANT_WRITE) {
				if (wait_fd(s, POLLOUT) != 0)
					return -1;
				continue;
			}
			return -1;
		}
		r = read(s->fd, p, n);
		if (r >= 0)
			return (long)r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (wait_fd(s, POLLIN) != 0)
			return -1;
	}
}

/* Writes all n bytes; 0 or -1. */
static int
sess_write(struct sess *s, const void *p, size_t n)
{
	const unsigned char *q = p;
	ssize_t r;
	int e;

	while (n > 0) {
		if (s->ssl != NULL) {
			ERR_clear_error();
			r = SSL_write(s->ssl, q, (int)(n > 65536 ? 65536 : n));
			if (r <= 0) {
				e = SSL_get_error(s->ssl, (int)r);
				if (e == SSL_ERROR_WANT_READ &&
				    wait_fd(s, POLLIN) == 0)
					continue;
				if (e == SSL_ERROR_WANT_WRITE &&
				    wait_fd(s, POLLOUT) == 0)
					continue;
				return -1;
			}
		} else {
			r = write(s->fd, q, n);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
				    wait_fd(s, POLLOUT) == 0)
					continue;
				return -1;
			}
		}
		q += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
tls_accept(struct sess *s, SSL_CTX *ctx)
{
	struct assay_standin_stats *st;
	const char *sni;
	char err[128];
	unsigned long e;
	int r, x;

	if ((s->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(s->ssl, s->fd) != 1) {
		note_error(s, "", "cannot make a TLS session");
		return -1;
	}
	for (;;) {
		ERR_clear_error();
		if ((r = SSL_accept(s->ssl)) == 1)
			break;
		x = SSL_get_error(s->ssl, r);
		if ((x == SSL_ERROR_WANT_READ && wait_fd(s, POLLIN) == 0) ||
		    (x == SSL_ERROR_WANT_WRITE && wait_fd(s, POLLOUT) == 0))
			continue;
		if ((e = ERR_peek_last_error()) != 0)
			ERR_error_string_n(e, err, sizeof(err));
		else if (x == SSL_ERROR_SYSCALL || x == SSL_ERROR_ZERO_RETURN)
			(void)snprintf(err, sizeof(err), "the client closed the "
			    "connection");
		else
			(void)snprintf(err, sizeof(err), "no handshake in time");
		if ((st = sess_stats(s)) != NULL) {
			st->handshake_failures++;
			(void)snprintf(st->last_error, sizeof(st->last_error),
			    "TLS handshake: %s", err);
		}
		sess_unlock(s);
		SSL_free(s->ssl);
		s->ssl = NULL;
		return -1;
	}
	if ((st = sess_stats(s)) != NULL) {
		st->handshakes++;
		(void)snprintf(st->tls_version, sizeof(st->tls_version), "%s",
		    SSL_get_version(s->ssl));
		sni = SSL_get_servername(s->ssl, TLSEXT_NAMETYPE_host_name);
		clip_copy(st->sni, sizeof(st->sni), sni != NULL ? sni : "",
		    sni != NULL ? strlen(sni) : 0);
	}
	sess_unlock(s);
	return 0;
}

static void
log_request(struct sess *s, const char *path, int status, size_t bytes)
{
	struct assay_standin_stats *st;
	struct assay_standin_request *q;

	if ((st = sess_stats(s)) != NULL) {
		if (st->nrequests < ASSAY_STANDIN_MAX_LOG) {
			q = &st->requests[st->nrequests++];
			(void)snprintf(q->path, sizeof(q->path), "%s", path);
			q->status = status;
			q->bytes = bytes;
		} else
			st->requests_dropped++;
	}
	sess_unlock(s);
}

static const char *
status_text(int status)
{
	switch (status) {
	case 200:	return "OK";
	case 400:	return "Bad Request";
	case 404:	return "Not Found";
	case 405:	return "Method Not Allowed";
	case 414:	return "URI Too Long";
	case 431:	return "Request Header Fields Too Large";
	case 505:	return "HTTP Version Not Supported";
	default:	return "Error";
	}
}

static void
serve_http(struct sess *s)
{
	char head[ASSAY_STANDIN_MAX_HEADER_BYTES + 1], hdr[256], logpath[256];
	struct assay_standin_req req;
	unsigned char *body = NULL;
	const unsigned char *data;
	size_t len = 0, blen = 0;
	const struct assay_standin_site *site;
	int done = 0, n;
	long r;

	while (!done) {
		if (len >= sizeof(head) - 1) {
			done = assay_standin_http_parse(head, len, &req);
			break;
		}
		r = sess_read(s, head + len, sizeof(head) - 1 - len);
		if (r <= 0) {
			if (len > 0)
				note_error(s, "", "HTTP: the client stopped "
				    "inside its request");
			return;
		}
		len += (size_t)r;
		done = assay_standin_http_parse(head, len, &req);
	}
	if (!done)
		req.status = 431;
	if (req.status == 0) {
		/* Copied under the lock: the site may be swapped meanwhile. */
		sess_lock(s);
		site = s->sv != NULL ? s->sv->site : s->site;
		data = site != NULL ? assay_standin_site_get(
		    (struct assay_standin_site *)site, req.path, &blen) : NULL;
		if (data != NULL && (body = malloc(blen > 0 ? blen : 1)) != NULL)
			memcpy(body, data, blen);
		sess_unlock(s);
		if (data == NULL)
			req.status = 404;
		else if (body == NULL) {
			note_error(s, "", "HTTP: out of memory");
			return;
		}
		clip_copy(logpath, sizeof(logpath), req.path, strlen(req.path));
	} else
		(void)snprintf(logpath, sizeof(logpath), "(%s)",
		    req.why != NULL ? req.why : "refused");
	if (req.status != 0) {
		blen = strlen(status_text(req.status)) + 1;
		n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 %d %s\r\n"
		    "Content-Type: text/plain\r\nContent-Length: %zu\r\n%s"
		    "Connection: close\r\n\r\n%s\n", req.status,
		    status_text(req.status), blen,
		    req.status == 405 ? "Allow: GET\r\n" : "",
		    status_text(req.status));
		r = sess_write(s, hdr, (size_t)n);
		log_request(s, logpath, req.status, r == 0 ? blen : 0);
		return;
	}
	n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 200 OK\r\n"
	    "Content-Type: application/octet-stream\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n", blen);
	r = sess_write(s, hdr, (size_t)n) == 0 && sess_write(s, body, blen) == 0;
	free(body);
	log_request(s, logpath, r ? 200 : 0, r ? blen : 0);
	if (!r)
		note_error(s, "HTTP: ", "the client stopped reading the answer");
}

static void
serve_mqtt(struct sess *s)
{
	struct assay_standin_mqtt m;
	struct assay_standin_stats *st;
	struct assay_buf *out;
	unsigned char *in;
	size_t len = 0, used, cap = ASSAY_STANDIN_MQTT_MAX_PACKET + 8;
	long r;
	unsigned k;
	int e = 0;

	memset(&m, 0, sizeof(m));
	if ((in = malloc(cap)) == NULL ||
	    (out = assay_buf_new(64 * 1024)) == NULL) {
		free(in);
		note_error(s, "", "MQTT: out of memory");
		return;
	}
	while (!m.done) {
		r = sess_read(s, in + len, cap - len);
		if (r <= 0)
			break;
		len += (size_t)r;
		assay_buf_reset(out);
		if ((e = assay_standin_mqtt_feed(&m, in, len, &used, out)) != 0)
			break;
		memmove(in, in + used, len - used);
		len -= used;
		if (assay_buf_len(out) > 0 && sess_write(s, assay_buf_data(out),
		    assay_buf_len(out)) != 0)
			break;
	}
	if ((st = sess_stats(s)) != NULL) {
		st->mqtt_connects += m.connects;
		st->mqtt_publishes += m.publishes;
		st->mqtt_subscribes += m.subscribes;
		for (k = 0; k < m.ntopics; k++)
			topic_count(st->mqtt_topics, &st->mqtt_ntopics,
			    &st->mqtt_topics_dropped,
			    (const unsigned char *)m.topics[k].name,
			    strlen(m.topics[k].name), m.topics[k].publishes);
		st->mqtt_topics_dropped += m.topics_dropped;
		if (e != 0)
			(void)snprintf(st->last_error, sizeof(st->last_error),
			    "MQTT: %s", m.why != NULL ? m.why : assay_strerror(e));
	}
	sess_unlock(s);
	assay_buf_free(out);
	free(in);
}

static void
serve(struct sess *s, SSL_CTX *ctx)
{
	struct timespec zero = { 0, 0 };
	sigset_t pipe, old;
	int fl;

	/*
	 * A device that hangs up while we answer must not kill the harness:
	 * SIGPIPE is blocked in this thread for the session (OpenSSL writes
	 * with write(2), which has no MSG_NOSIGNAL), so the write fails with
	 * EPIPE; a SIGPIPE left pending is taken back before unblocking.
	 */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, &old);
	if ((fl = fcntl(s->fd, F_GETFL)) < 0 ||
	    fcntl(s->fd, F_SETFL, fl | O_NONBLOCK) < 0)
		goto out;
	if (ctx != NULL && tls_accept(s, ctx) != 0)
		goto out;
	if (s->proto == ASSAY_STANDIN_HTTP)
		serve_http(s);
	else
		serve_mqtt(s);
	if (s->ssl != NULL)
		(void)SSL_shutdown(s->ssl);
 out:
	SSL_free(s->ssl);
	s->ssl = NULL;
	close(s->fd);
	while (sigtimedwait(&pipe, NULL, &zero) == SIGPIPE)
		;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void
assay_standin_serve_conn(int cfd, enum assay_standin_proto proto,
    SSL_CTX *ctx, const struct assay_standin_site *site, int idle_ms,
    int conn_ms, const volatile int *stop, struct assay_standin_stats *stats)
{
	struct sess s;

	memset(&s, 0, sizeof(s));
	s.fd = cfd;
	s.proto = proto;
	s.site = site;
	s.stats = stats;
	s.stop = stop;
	s.idle_ms = idle_ms > 0 ? idle_ms : 5000;
	s.deadline = assay_clock_ms() + (conn_ms > 0 ? conn_ms : 30000);
	if (stats != NULL)
		stats->connections++;
	serve(&s, ctx);
}

static void *
server_main(void *arg)
{
	struct assay_standin_server *sv = arg;
	char peer[128];
	struct sess s;
	int cfd;

	while (!sv->stop) {
		cfd = -1;
		if (sv->accept_fn(sv->accept_arg, sv->lfd, 200, &cfd, peer,
		    sizeof(peer)) != 0) {
			/* A harness failure of accept: try again shortly. */
			usleep(100000);
			continue;
		}
		if (cfd < 0)
			continue;
		pthread_mutex_lock(&sv->mu);
		sv->stats.connections++;
		pthread_mutex_unlock(&sv->mu);
		memset(&s, 0, sizeof(s));
		s.fd = cfd;
		s.proto = sv->proto;
		s.sv = sv;
		s.stop = &sv->stop;
		s.idle_ms = sv->idle_ms;
		s.deadline = assay_clock_ms() + sv->conn_ms;
		serve(&s, sv->ctx);
	}
	return NULL;
}

int
assay_standin_server_start(int lfd, enum assay_standin_proto proto,
    SSL_CTX *ctx, struct assay_standin_site *site,
    assay_standin_accept_fn accept_fn, void *accept_arg, int idle_ms,
    int conn_ms, struct assay_standin_server **sp)
{
	struct assay_standin_server *sv;

	*sp = NULL;
	if (lfd < 0 || accept_fn == NULL)
		return ASSAY_ERR_INVALID_ARG;
	if ((sv = calloc(1, sizeof(*sv))) == NULL)
		return ASSAY_ERR_ALLOC;
	sv->lfd = lfd;
	sv->proto = proto;
	sv->site = site;
	sv->accept_fn = accept_fn;
	sv->accept_arg = accept_arg;
	sv->idle_ms = idle_ms > 0 ? idle_ms : 5000;
	sv->conn_ms = conn_ms > 0 ? conn_ms : 30000;
	if (ctx != NULL && SSL_CTX_up_ref(ctx) != 1) {
		free(sv);
		return ASSAY_ERR_CRYPTO;
	}
	sv->ctx = ctx;
	pthread_mutex_init(&sv->mu, NULL);
	if (pthread_create(&sv->th, NULL, server_main, sv) != 0) {
		pthread_mutex_destroy(&sv->mu);
		SSL_CTX_free(sv->ctx);
		free(sv);
		return ASSAY_ERR_ALLOC;
	}
	*sp = sv;
	return 0;
}

void
assay_standin_server_set_site(struct assay_standin_server *sv,
    struct assay_standin_site *site)
{
	pthread_mutex_lock(&sv->mu);
	sv->site = site;
	pthread_mutex_unlock(&sv->mu);
}

void
assay_standin_server_stats(struct assay_standin_server *sv,
    struct assay_standin_stats *st)
{
	pthread_mutex_lock(&sv->mu);
	*st = sv->stats;
	pthread_mutex_unlock(&sv->mu);
}

void
assay_standin_server_reset(struct assay_standin_server *sv)
{
	pthread_mutex_lock(&sv->mu);
	memset(&sv->stats, 0, sizeof(sv->stats));
	pthread_mutex_unlock(&sv->mu);
}

int
assay_standin_server_fetched(struct assay_standin_server *sv,
    const char *path)
{
	size_t i;
	int found = 0;

	pthread_mutex_lock(&sv->mu);
	for (i = 0; i < sv->stats.nrequests && !found; i++)
		found = sv->stats.requests[i].status == 200 &&
		    strcmp(sv->stats.requests[i].path, path) == 0;
	pthread_mutex_unlock(&sv->mu);
	return found;
}

void
assay_standin_server_stop(struct assay_standin_server *sv)
{
	if (sv == NULL)
		return;
	sv->stop = 1;
	pthread_join(sv->th, NULL);
	pthread_mutex_destroy(&sv->mu);
	SSL_CTX_free(sv->ctx);
	free(sv);
}
