/*
 * test_probe_pcap_dissect.c - the capture dissectors (probe/dissect.h)
 * over bytes alone: what they extract from valid messages, and that cut,
 * overlong and hostile ones end with a "malformed" field or nothing,
 * never a read past the end (every prefix of each message is tried under
 * ASan) and never a loop (DNS compression pointing at itself).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "probe/dissect.h"

/* A byte string under construction. */
struct bb {
	unsigned char	d[4096];
	size_t		n;
};

static void
b_put(struct bb *b, const void *p, size_t len)
{
	assert_true(b->n + len <= sizeof(b->d));
	memcpy(b->d + b->n, p, len);
	b->n += len;
}

static void
b_u8(struct bb *b, unsigned int v)
{
	unsigned char c = (unsigned char)v;

	b_put(b, &c, 1);
}

static void
b_u16(struct bb *b, unsigned int v)
{
	b_u8(b, v >> 8);
	b_u8(b, v);
}

static void
b_u24(struct bb *b, size_t v)
{
	b_u8(b, (unsigned int)(v >> 16));
	b_u16(b, (unsigned int)v);
}

/* Patches a big-endian length of w bytes at off to the bytes after it. */
static void
b_len(struct bb *b, size_t off, int w)
{
	size_t v = b->n - off - (size_t)w;
	int i;

	for (i = w - 1; i >= 0; i--) {
		b->d[off + (size_t)i] = (unsigned char)v;
		v >>= 8;
	}
}

static int
list_has(const struct assay_fact *f, const char *key, const char *val)
{
	const struct assay_field *fl = assay_fact_field(f, key);
	size_t i;

	for (i = 0; fl != NULL && i < fl->nlist; i++)
		if (strcmp(fl->list[i], val) == 0)
			return 1;
	return 0;
}

static long long
num(const struct assay_fact *f, const char *key)
{
	const struct assay_field *fl = assay_fact_field(f, key);

	assert_non_null(fl);
	return fl->num;
}

/* A ClientHello body: GREASE, TLS 1.3 and 1.2 offered, SNI, ALPN. */
static void
client_hello_body(struct bb *b, int dtls)
{
	size_t ext, at;

	b_u16(b, dtls ? 0xfefd : 0x0303);
	memset(b->d + b->n, 0x11, 32);
	b->n += 32;
	b_u8(b, 0);			/* session id */
	if (dtls) {
		b_u8(b, 2);
		b_u16(b, 0xabcd);	/* cookie */
	}
	b_u16(b, 8);
	b_u16(b, 0x2a2a);		/* GREASE */
	b_u16(b, 0x1301);
	b_u16(b, 0xc02f);
	b_u16(b, 0x00ff);
	b_u8(b, 1);
	b_u8(b, 0);
	ext = b->n;
	b_u16(b, 0);
	/* server_name */
	b_u16(b, 0);
	at = b->n;
	b_u16(b, 0);
	b_u16(b, 14);
	b_u8(b, 0);
	b_u16(b, 11);
	b_put(b, "dev.example", 11);
	b_len(b, at, 2);
	/* supported_versions */
	b_u16(b, 43);
	b_u16(b, 7);
	b_u8(b, 6);
	b_u16(b, 0x7a7a);
	b_u16(b, 0x0304);
	b_u16(b, 0x0303);
	/* ALPN */
	b_u16(b, 16);
	b_u16(b, 7);
	b_u16(b, 5);
	b_u8(b, 4);
	b_put(b, "mqtt", 4);
	b_len(b, ext, 2);
}

static void
tls_record(struct bb *out, unsigned int type, const unsigned char *p,
    size_t len)
{
	b_u8(out, type);
	b_u16(out, 0x0301);
	b_u16(out, (unsigned int)len);
	b_put(out, p, len);
}

static unsigned long
frame_by_half(void *arg, size_t off)
{
	return off < *(size_t *)arg ? 1 : 2;
}

static void
test_client_hello(void **state)
{
	struct assay_dissect_ctx ctx;
	struct assay_facts *fs;
	const struct assay_fact *f;
	struct bb body = { .n = 0 }, hs = { .n = 0 }, st = { .n = 0 };
	size_t cut, half;

	(void)state;
	client_hello_body(&body, 0);
	b_u8(&hs, 1);
	b_u24(&hs, body.n);
	b_put(&hs, body.d, body.n);
	/* Split over two records: the message spans them. */
	half = 20;
	tls_record(&st, 22, hs.d, half);
	tls_record(&st, 22, hs.d + half, hs.n - half);
	ctx.frame_at = frame_by_half;
	ctx.arg = &half;
	ctx.flow = 7;
	assert_non_null(fs = assay_facts_new(0));
	assert_int_equal(assay_dissect_tls(fs, &ctx, st.d, st.n, 1, 0), 0);
	assert_non_null(f = assay_facts_find(fs, "tls", 0));
	assert_string_equal(assay_fact_str(f, "message"), "client_hello");
	assert_int_equal(f->frame, 1);	/* where the message began */
	assert_int_equal(f->flow, 7);
	assert_string_equal(assay_fact_str(f, "sni"), "dev.example");
	assert_string_equal(assay_fact_str(f, "legacy_version"), "TLSv1.2");
	assert_true(list_has(f, "versions", "TLSv1.3"));
	assert_true(list_has(f, "versions", "TLSv1.2"));
	assert_int_equal(assay_fact_field(f, "versions")->nlist, 2);
	assert_true(list_has(f, "suites", "TLS_AES_128_GCM_SHA256"));
	assert_true(list_has(f, "suites",
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
	assert_true(list_has(f, "suites", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"));
	assert_int_equal(assay_fact_field(f, "suites")->nlist, 3);
	assert_true(list_has(f, "alpn", "mqtt"));
	assert_null(assay_fact_str(f, "malformed"));
	assay_facts_free(fs);

	/* Every prefix of the stream, and every cut of the message body. */
	for (cut = 0; cut <= st.n; cut++) {
		assert_non_null(fs = assay_facts_new(0));
		assert_int_equal(assay_dissect_tls(fs, NULL, st.d, cut, 1, 0),
		    0);
		assay_facts_free(fs);
	}
	for (cut = 0; cut < body.n; cut++) {
		struct bb h2 = { .n = 0 }, s2 = { .n = 0 };

		b_u8(&h2, 1);
		b_u24(&h2, cut);
		b_put(&h2, body.d, cut);
		tls_record(&s2, 22, h2.d, h2.n);
		assert_non_null(fs = assay_facts_new(0));
		assert_int_equal(assay_dissect_tls(fs, NULL, s2.d, s2.n, 1, 0),
		    0);
		f = assay_facts_find(fs, "tls", 0);
		assert_non_null(f);
		if (cut < 35)
			assert_non_null(assay_fact_str(f, "malformed"));
		assay_facts_free(fs);
	}
}

static void
test_server_hello_alert_overlong(void **state)
{
	struct assay_facts *fs;
	const struct assay_fact *f;
	struct bb b = { .n = 0 }, hs = { .n = 0 }, st = { .n = 0 };
	static const unsigned char alert[] = { 2, 40 };
	static const unsigned char overlong[] = { 23, 3, 3, 0x48, 0x01 };

	(void)state;
	b_u16(&b, 0x0303);
	memset(b.d + b.n, 0x22, 32);
	b.n += 32;
	b_u8(&b, 0);
	b_u16(&b, 0x1302);
	b_u8(&b, 0);
	b_u16(&b, 6);
	b_u16(&b, 43);
	b_u16(&b, 2);
	b_u16(&b, 0x0304);
	b_u8(&hs, 2);
	b_u24(&hs, b.n);
	b_put(&hs, b.d, b.n);
	tls_record(&st, 22, hs.d, hs.n);
	tls_record(&st, 20, (const unsigned char *)"\1", 1);
	tls_record(&st, 21, alert, 2);
	b_put(&st, overlong, sizeof(overlong));
	assert_non_null(fs = assay_facts_new(0));
	assert_int_equal(assay_dissect_tls(fs, NULL, st.d, st.n, 0, 0), 0);
	assert_non_null(f = assay_facts_find(fs, "tls", 0));
	assert_string_equal(assay_fact_str(f, "version"), "TLSv1.3");
	assert_string_equal(assay_fact_str(f, "suite"),
	    "TLS_AES_256_GCM_SHA384");
	assert_int_equal(num(f, "certificates_encrypted"), 1);
	/* After a 1.3 ServerHello, an alert is encrypted: no description. */
	assert_non_null(f = assay_facts_find(fs, "tls", 1));
	assert_string_equal(assay_fact_str(f, "message"), "alert");
	assert_int_equal(num(f, "encrypted"), 1);
	assert_null(assay_fact_str(f, "description"));
	assert_non_null(f = assay_facts_find(fs, "tls", 2));
	assert_string_equal(assay_fact_str(f, "message"), "overlong_record");
	assay_facts_free(fs);

	/* A clear alert before anything else. */
	st.n = 0;
	tls_record(&st, 21, alert, 2);
	assert_non_null(fs = assay_facts_new(0));
	assert_int_equal(assay_dissect_tls(fs, NULL, st.d, st.n, 0, 0), 0);
	assert_non_null(f = assay_facts_find(fs, "tls", 0));
	assert_string_equal(assay_fact_str(f, "description"),
	    "handshake failure");
	assert_string_equal(assay_fact_str(f, "level"), "fatal");
	assay_facts_free(fs);

	/* A Certificate whose DER does not parse; one whose lengths lie. */
	st.n = hs.n = b.n = 0;
	b_u24(&b, 7);
	b_u24(&b, 4);
	b_put(&b, "\x30\x82\xff\xff", 4);
	b_u8(&hs, 11);
	b_u24(&hs, b.n);
	b_put(&hs, b.d, b.n);
	tls_record(&st, 22, hs.d, hs.n);
	hs.n = 0;
	b_u8(&hs, 11);
	b_u24(&hs, 6);
	b_u24(&hs, 0xffffff);
	b_u24(&hs, 0);
	tls_record(&st, 22, hs.d, hs.n);
	assert_non_null(fs = assay_facts_new(0));
	assert_int_equal(assay_dissect_tls(fs, NULL, st.d, st.n, 0, 0), 0);
	assert_non_null(f = assay_facts_find(fs, "tls", 0));
	assert_string_equal(assay_fact_str(f, "malformed"),
	    "DER does not parse");
	assert_non_null(f = assay_facts_find(fs, "tls", 1));
	assert_string_equal(assay_fact_str(f, "malformed"),
	    "Certificate message cut short");
	assay_facts_free(fs);
}

static void
test_dtls(void **state)
{
	struct assay_facts *fs;
	const struct assay_fact *f;
	struct bb body = { .n = 0 }, d = { .n = 0 };

	(void)state;
	client_hello_body(&body, 1);
	b_u8(&d, 22);
	b_u16(&d, 0xfeff);
	b_u16(&d, 0);
	b_u16(&d, 0);
	b_u16(&d, 0);
	b_u16(&d, 0);
	b_u16(&d, (unsigned int)(12 + body.n));
	b_u8(&d, 1);
	b_u24(&d, body.n);
	b_u16(&d, 0);
	b_u24(&d, 0);
	b_u24(&d, body.n);
	b_put(&d, body.d, body.n);
	assert_int_equal(assay_dissect_guess_udp(d.d, d.n, 40000),
	    ASSAY_APP_DTLS);
	assert_non_null(fs = assay_facts_new(0));
	assert_int_equal(assay_dissect_tls(fs, NULL, d.d, d.n, 1, 1), 0);
	assert_non_null(f = assay_facts_find(fs, "dtls", 0));
	assert_string_equal(assay_fact_str(f, "legacy_version"), "DTLSv1.2");
	assert_string_equal(assay_fact_str(f, "sni"), "dev.example");
	assert_int_equal(num(f, "cookie"), 1);
	assay_facts_free(fs);
	/* A fragment is noted, not reassembled. */
	d.d[13 + 11] = 9;
	assert_non_null(fs = assay_facts_new(0));
	assert_int_equal(assay_dissect_tls(fs, NULL, d.d, d.n, 1, 1), 0);
	assert_non_null(f = assay_facts_find(fs, "dtls", 0));
	assert_string_equal(assay_fact_str(f, "message"), "fragment");
	assay_facts_free(fs);
}

static void
test_http(void **state)
{
	static const char req[] =
	    "POST /api/v1/login HTTP/1.1\r\n"
	    "host: cloud.example\r\n"
	    "authorization: Bearer abc.def\r\n"
	    "Content-Length: 5\r\n"
	    "\r\n"
	    "x=1&yGET /next HTTP/1.0\r\n"
	    "Host: other\r\n"
	    "\r\n"
	    "GET /cut HTTP/1.1\r\nHost: h";
	struct assay_facts *fs;
	const struct assay_fact *f;
	size_t cut;

	(void)state;
	assert_int_equal(assay_dissect_guess_tcp((const unsigned char *)req,
	    sizeof(req) - 1, NULL, 0, 443), ASSAY_APP_HTTP);
	assert_non_null(fs = assay_facts_new(0));
	assert_int_equal(assay_dissect_http(fs, NULL,
	    (const unsigned char *)req, sizeof(req) - 1), 0);
	assert_int_equal(assay_facts_count_section(fs, "http"), 3);
	f = assay_facts_find(fs, "http", 0);
	assert_string_equal(assay_fact_str(f, "method"), "POST");
	assert_string_equal(assay_fact_str(f, "path"), "/api/v1/login");
	assert_string_equal(assay_fact_str(f, "host"), "cloud.example");
	assert_int_equal(num(f, "authorization"), 1);
	assert_string_equal(assay_fact_str(f, "auth_scheme"), "Bearer");
	assert_int_equal(num(f, "body_bytes"), 5);
	f = assay_facts_find(fs, "http", 1);
	assert_string_equal(assay_fact_str(f, "path"), "/next");
	assert_int_equal(num(f, "authorization"), 0);
	f = assay_facts_find(fs, "http", 2);
	assert_int_equal(num(f, "incomplete"), 1);
	assay_facts_free(fs);
	for (cut = 0; cut < sizeof(req); cut++) {
		assert_non_null(fs = assay_facts_new(0));
		assert_int_equal(assay_dissect_http(fs, NULL,
		    (const unsigned char *)req, cut), 0);
		assay_facts_free(fs);
	}
}

static void
test_mqtt(void **state)
{
	struct assay_facts *fs;
	const struct assay_fact *f;
	struct bb b = { .n = 0 }, body = { .n = 0 };
	size_t cut;

	(void)state;
	/* v5 CONNECT: properties, a will, user name and password. */
	b_u16(&body, 4);
	b_put(&body, "MQTT", 4);
	b_u8(&body, 5);
	b_u8(&body, 0xc4);
	b_u16(&body, 60);
	b_u8(&body, 5);			/* properties */
	b_put(&body, "\x11\0\0\0\x0a", 5);
	b_u16(&body, 6);
	b_put(&body, "cam-01", 6);
	b_u8(&body, 0);			/* will properties */
	b_u16(&body, 4);
	b_put(&body, "gone", 4);
	b_u16(&body, 3);
	b_put(&body, "bye", 3);
	b_u16(&body, 5);
	b_put(&body, "owner", 5);
	b_u16(&body, 6);
	b_put(&body, "hunter", 6);
	b_u8(&b, 0x10);
	b_u8(&b, (unsigned int)body.n);
	b_put(&b, body.d, body.n);
	/* PUBLISH QoS 1 to the server. */
	b_u8(&b, 0x32);
	b_u8(&b, 2 + 9 + 2 + 1 + 2);
	b_u16(&b, 9);
	b_put(&b, "cam/01/up", 9);
	b_u16(&b, 1);
	b_u8(&b, 0);
	b_put(&b, "{}", 2);
	assert_int_equal(assay_dissect_guess_tcp(b.d, b.n, NULL, 0, 9999),
	    ASSAY_APP_MQTT);
	assert_non_null(fs = assay_facts_new(0));
	assert_int_equal(assay_dissect_mqtt(fs, NULL, b.d, b.n, 1), 0);
	assert_non_null(f = assay_facts_find(fs, "mqtt", 0));
	assert_string_equal(assay_fact_str(f, "packet"), "CONNECT");
	assert_int_equal(num(f, "level"), 5);
	assert_string_equal(assay_fact_str(f, "client_id"), "cam-01");
	assert_string_equal(assay_fact_str(f, "username"), "owner");
	assert_string_equal(assay_fact_str(f, "will_topic"), "gone");
	assert_int_equal(num(f, "password_present"), 1);
	assert_null(assay_fact_str(f, "malformed"));
	/* The password is never copied into a fact. */
	{
		size_t j;

		for (j = 0; j < f->nfields; j++)
			if (f->fields[j].type == ASSAY_FIELD_STR)
				assert_null(strstr(f->fields[j].str, "hunter"));
	}
	assert_non_null(f = assay_facts_find(fs, "mqtt", 1));
	assert_string_equal(assay_fact_str(f, "topic"), "cam/01/up");
	assay_facts_free(fs);
	for (cut = 0; cut <= b.n; cut++) {
		assert_non_null(fs = assay_facts_new(0));
		assert_int_equal(assay_dissect_mqtt(fs, NULL, b.d, cut, 1), 0);
		assay_facts_free(fs);
	}
	/* A CONNECT whose fields overrun its remaining length. */
	b.d[1] = 12;
	assert_non_null(fs = assay_facts_new(0));
	assert_int_equal(assay_dissect_mqtt(fs, NULL, b.d, b.n, 1), 0);
	assert_non_null(f = assay_facts_find(fs, "mqtt", 0));
	assert_non_null(assay_fact_str(f, "malformed"));
	assay_facts_free(fs);
}

static void
test_dns(void **state)
{
	static const unsigned char resp[] = {
		0xab, 0xcd, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
		3, 'a', 'p', 'i', 5, 'v', 'e', 'n', 'd', 'r', 3, 'c', 'o', 'm',
		0, 0, 1, 0, 1,
		/* CNAME api.vendr.com -> cdn.vendr.com (compressed) */
		0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6,
		3, 'c', 'd', 'n', 0xc0, 16,
		/* A cdn.vendr.com 192.0.2.9 */
		0xc0, 43, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 9 };
	/* A name that points at itself. */
	static const unsigned char loop[] = { 0, 1, 0x01, 0, 0, 1, 0, 0, 0, 0,
	    0, 0, 0xc0, 12, 0, 1, 0, 1 };
	struct assay_facts *fs;
	const struct assay_fact *f;
	size_t cut;

	(void)state;
	assert_non_null(fs = assay_facts_new(0));
	assert_int_equal(assay_dissect_dns(fs, NULL, resp, sizeof(resp)), 0);
	assert_non_null(f = assay_facts_find(fs, "dns", 0));
	assert_string_equal(assay_fact_str(f, "name"), "api.vendr.com");
	assert_int_equal(num(f, "response"), 1);
	assert_true(list_has(f, "answers", "api.vendr.com CNAME cdn.vendr.com"));
	assert_true(list_has(f, "answers", "cdn.vendr.com A 192.0.2.9"));
	assert_null(assay_fact_str(f, "malformed"));
	assay_facts_free(fs);
	assert_non_null(fs = assay_facts_new(0));
	assert_int_equal(assay_dissect_dns(fs, NULL, loop, sizeof(loop)), 0);
	assert_non_null(f = assay_facts_find(fs, "dns", 0));
	assert_non_null(assay_fact_str(f, "malformed"));
	assay_facts_free(fs);
	for (cut = 0; cut <= sizeof(resp); cut++) {
		assert_non_null(fs = assay_facts_new(0));
		assert_int_equal(assay_dissect_dns(fs, NULL, resp, cut), 0);
		assay_facts_free(fs);
	}
	/*
	 * Over TCP: a length prefix per message; a runt message between
	 * two whole ones; each fact with the frame of its own prefix.
	 */
	{
		unsigned char tcp[2 * (2 + sizeof(resp)) + 5];
		struct assay_dissect_ctx ctx;
		size_t second = 2 + sizeof(resp) + 5;

		tcp[0] = 0;
		tcp[1] = sizeof(resp);
		memcpy(tcp + 2, resp, sizeof(resp));
		memcpy(tcp + 2 + sizeof(resp), "\0\3abc", 5);
		memcpy(tcp + second, tcp, 2 + sizeof(resp));
		ctx.frame_at = frame_by_half;
		ctx.arg = &second;
		ctx.flow = 3;
		assert_non_null(fs = assay_facts_new(0));
		assert_int_equal(assay_dissect_dns_tcp(fs, &ctx, tcp,
		    sizeof(tcp)), 0);
		assert_int_equal(assay_facts_count_section(fs, "dns"), 2);
		assert_int_equal(assay_facts_find(fs, "dns", 0)->frame, 1);
		assert_int_equal(assay_facts_find(fs, "dns", 1)->frame, 2);
		assert_int_equal(assay_facts_find(fs, "dns", 1)->flow, 3);
		assay_facts_free(fs);
	}
}

static void
test_coap_telnet(void **state)
{
	/* CON GET, Uri-Host "dev", Uri-Path "a" / "bcdefghijklmnop" (13+2). */
	static const unsigned char get[] = { 0x41, 0x01, 0x12, 0x34, 0xaa,
	    0x33, 'd', 'e', 'v', 0x81, 'a', 0x0d, 0x02, 'b', 'c', 'd', 'e',
	    'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 0xff, '1' };
	static const unsigned char bad[] = { 0x40, 0x01, 0, 1, 0xf1, 'x' };
	static const unsigned char neg[] = { 'x', 0xff, 251, 1, 0xff, 0xff,
	    0xff, 253, 24, 0xff, 254 };
	struct assay_facts *fs;
	const struct assay_fact *f;
	size_t cut;

	(void)state;
	assert_non_null(fs = assay_facts_new(0));
	assert_int_equal(assay_dissect_coap(fs, NULL, get, sizeof(get)), 0);
	assert_int_equal(assay_dissect_coap(fs, NULL, bad, sizeof(bad)), 0);
	assert_non_null(f = assay_facts_find(fs, "coap", 0));
	assert_string_equal(assay_fact_str(f, "method"), "GET");
	assert_string_equal(assay_fact_str(f, "type"), "CON");
	assert_string_equal(assay_fact_str(f, "uri_host"), "dev");
	assert_string_equal(assay_fact_str(f, "uri_path"), "/a/bcdefghijklmnop");
	assert_int_equal(num(f, "payload_bytes"), 1);
	assert_non_null(f = assay_facts_find(fs, "coap", 1));
	assert_non_null(assay_fact_str(f, "malformed"));
	assay_facts_free(fs);
	for (cut = 0; cut <= sizeof(get); cut++) {
		assert_non_null(fs = assay_facts_new(0));
		assert_int_equal(assay_dissect_coap(fs, NULL, get, cut), 0);
		assay_facts_free(fs);
	}
	assert_non_null(fs = assay_facts_new(0));
	assert_int_equal(assay_dissect_telnet(fs, NULL, neg, sizeof(neg), 0),
	    0);
	assert_non_null(f = assay_facts_find(fs, "telnet", 0));
	assert_true(list_has(f, "negotiation", "WILL 1"));
	assert_true(list_has(f, "negotiation", "DO 24"));
	assert_int_equal(assay_fact_field(f, "negotiation")->nlist, 2);
	assay_facts_free(fs);
	assert_int_equal(assay_dissect_guess_tcp(NULL, 0, neg, sizeof(neg),
	    8000), ASSAY_APP_TELNET);
}

static void
test_fact_caps(void **state)
{
	struct assay_facts *fs;
	struct assay_fact *f;
	char big[3000];
	int err = 0, i;

	(void)state;
	assert_non_null(fs = assay_facts_new(2));
	assert_non_null(f = assay_facts_add(fs, "x", 1, -1, &err));
	/* Ill-formed UTF-8 is made well-formed; long strings are clipped. */
	assert_int_equal(assay_fact_set_str(f, "s", "a\xff\xfe" "b", 4), 0);
	assert_string_equal(assay_fact_str(f, "s"), "a\xef\xbf\xbd\xef\xbf\xbd"
	    "b");
	memset(big, 'z', sizeof(big));
	assert_int_equal(assay_fact_set_str(f, "big", big, sizeof(big)), 0);
	assert_int_equal(strlen(assay_fact_str(f, "big")), ASSAY_FACT_MAX_STR);
	for (i = 0; i < ASSAY_FACT_MAX_LIST + 10; i++)
		assert_int_equal(assay_fact_list_add(f, "l", "e", 1), 0);
	assert_int_equal(assay_fact_field(f, "l")->nlist, ASSAY_FACT_MAX_LIST);
	assert_int_equal(assay_fact_field(f, "l")->list_cut, 1);
	assert_non_null(assay_facts_add(fs, "x", 2, -1, &err));
	assert_null(assay_facts_add(fs, "x", 3, -1, &err));
	assert_int_equal(err, 0);
	assert_int_equal(assay_facts_dropped(fs), 1);
	assay_facts_free(fs);
	assay_facts_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_hello),
		cmocka_unit_test(test_server_hello_alert_overlong),
		cmocka_unit_test(test_dtls),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_mqtt),
		cmocka_unit_test(test_dns),
		cmocka_unit_test(test_coap_telnet),
		cmocka_unit_test(test_fact_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
