/*
 * test_probe_pcap.c - the capture analysis (probe/pcap.h) on real
 * traffic and on hostile files.
 *
 * Real traffic: tests/data/pcap/record.sh runs real servers and clients
 * in a private network namespace and records them with tcpdump (Ethernet
 * framing on lo, Linux cooked SLL2 on any); this test writes a pcapng
 * copy itself.  Every dissected fact is checked against the frame number
 * tcpdump's own filter gives for the same packet (tcpdump --number), so
 * the frame numbers are not only self-consistent.  Skipped (cmocka skip)
 * when tcpdump, the servers or a network namespace are missing.
 *
 * Hostile files are built here: wrong magic, a file cut inside a record,
 * an absurd snapshot length, 10^6 frames (over the frame cap), overlong
 * TLS lengths, fragments, gaps, every cap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "base/error.h"
#include "probe/dissect.h"
#include "probe/pcap.h"
#include "testutil.h"

static char	*rec_dir;	/* the recording, shared by the tests */
static int	 rec_status = -1;

static const char SECRET[] = "S3cretPassw0rd";
static const char EMAIL[] = "owner@example.com";

static const struct assay_capture_secret secrets[] = {
	{ "device password", SECRET, "device" },
	{ "owner e-mail", EMAIL, NULL },
};

static int
record(void **state)
{
	char cmd[1024];

	(void)state;
	rec_dir = tu_mkdtemp("pcap");
	snprintf(cmd, sizeof(cmd), "sh %s %s >%s/record.out 2>&1",
	    tu_src("tests/data/pcap/record.sh"), rec_dir, rec_dir);
	rec_status = tu_run(cmd, NULL);
	return 0;
}

static int
cleanup(void **state)
{
	(void)state;
	if (rec_dir != NULL && getenv("ASSAY_KEEP") == NULL)
		tu_rmrf(rec_dir);
	free(rec_dir);
	return 0;
}

static const char *
rec_path(const char *name)
{
	static char p[1024];

	snprintf(p, sizeof(p), "%s/%s", rec_dir, name);
	return p;
}

static void
need_recording(void)
{
	if (rec_status == 77) {
		fprintf(stderr, "record.sh: a tool or network namespaces are "
		    "missing; skipped\n");
		skip();
	}
	if (rec_status != 0) {
		char *log = tu_read_file(rec_path("record.out"), NULL);

		fail_msg("record.sh failed (%d): %s", rec_status,
		    log ? log : "");
	}
}

/*
 * Frame numbers of file, as tcpdump numbers them (--number, no filter:
 * a filter would renumber), whose summary line holds hdr and whose
 * printed payload (-A) holds body (NULL: any).  Up to max.
 */
static size_t
tcpdump_frames(const char *file, const char *hdr, const char *hdr2,
    const char *body, unsigned long *v, size_t max)
{
	char cmd[2048], *out = NULL, *p, *line, *next, *cur = NULL;
	unsigned long frame = 0;
	size_t n = 0, curlen = 0, ll;
	int hit = 0;

	snprintf(cmd, sizeof(cmd), "tcpdump -r %s --number -nn -A 2>/dev/null",
	    file);
	assert_int_equal(tu_run(cmd, &out), 0);
	assert_non_null(cur = calloc(1, strlen(out) + 1));
	for (line = out; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		p = line;
		while (*p == ' ')
			p++;
		if (p > line && *p >= '0' && *p <= '9' && strstr(p, "  ") &&
		    strchr(p, ':') != NULL) {
			/* A new frame: settle the last one. */
			if (hit && (body == NULL || strstr(cur, body)) &&
			    n < max)
				v[n++] = frame;
			frame = strtoul(p, NULL, 10);
			hit = strstr(line, hdr) != NULL && (hdr2 == NULL ||
			    strstr(line, hdr2) != NULL);
			curlen = 0;
			cur[0] = '\0';
			continue;
		}
		ll = strlen(line);
		memcpy(cur + curlen, line, ll + 1);
		curlen += ll;
	}
	if (hit && (body == NULL || strstr(cur, body)) && n < max)
		v[n++] = frame;
	free(cur);
	free(out);
	return n;
}

static unsigned long
tcpdump_frame(const char *file, const char *hdr, const char *hdr2,
    const char *body)
{
	unsigned long v[4];

	if (tcpdump_frames(file, hdr, hdr2, body, v, 4) < 1)
		fail_msg("tcpdump found no frame with %s / %s", hdr,
		    body ? body : "");
	return v[0];
}

/* The first fact of section whose string field key equals val. */
static const struct assay_fact *
find(const struct assay_facts *fs, const char *section, const char *key,
    const char *val)
{
	const struct assay_fact *f;
	const char *s;
	size_t i;

	for (i = 0; (f = assay_facts_find(fs, section, i)) != NULL; i++)
		if ((s = assay_fact_str(f, key)) != NULL && strcmp(s, val) == 0)
			return f;
	return NULL;
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

	if (fl == NULL)
		fail_msg("no field %s", key);
	return fl->num;
}

/* The secret fact of secret index idx (1-based) in frame, or NULL. */
static const struct assay_fact *
secret_at(const struct assay_facts *fs, long long idx, unsigned long frame)
{
	const struct assay_fact *f;
	size_t i;

	for (i = 0; (f = assay_facts_find(fs, "secret", i)) != NULL; i++)
		if (num(f, "index") == idx && f->frame == frame)
			return f;
	return NULL;
}

/* No string anywhere in the result carries a secret in clear. */
static void
no_secret_in_result(const struct assay_facts *fs)
{
	const struct assay_fact *f;
	const struct assay_field *fl;
	size_t i, j, k;

	for (i = 0; (f = assay_facts_get(fs, i)) != NULL; i++)
		for (j = 0; j < f->nfields; j++) {
			fl = &f->fields[j];
			if (fl->type == ASSAY_FIELD_STR) {
				assert_null(strstr(fl->str, SECRET));
				assert_null(strstr(fl->str, EMAIL));
			}
			for (k = 0; fl->type == ASSAY_FIELD_LIST &&
			    k < fl->nlist; k++) {
				assert_null(strstr(fl->list[k], SECRET));
				assert_null(strstr(fl->list[k], EMAIL));
			}
		}
}

/*
 * Everything the recording holds, checked against tcpdump's frames of
 * the lo recording (both recordings hold the same packets in the same
 * order: one namespace, one loopback).
 */
static void
check_recording(const char *file)
{
	struct assay_capture *c = NULL;
	const struct assay_facts *fs;
	const struct assay_fact *f, *ch12, *ch13, *sh;
	const char *lo = rec_path("lo.pcap");
	unsigned long fr, v[8];
	char why[512] = "";
	size_t n;

	assert_int_equal(assay_capture_analyse_file(file, NULL, secrets, 2, &c,
	    why, sizeof(why)), 0);
	if (c == NULL)
		fail_msg("%s: %s", file, why);
	fs = assay_capture_facts(c);
	assert_false(assay_capture_truncated(c));

	/* HTTP: Basic authentication in clear, the e-mail in the query. */
	fr = tcpdump_frame(lo, "> 127.0.0.1.8080:", NULL, "GET /index.html");
	assert_non_null(f = find(fs, "http", "method", "GET"));
	assert_int_equal(f->frame, fr);
	assert_string_equal(assay_fact_str(f, "host"), "127.0.0.1:8080");
	assert_int_equal(num(f, "authorization"), 1);
	assert_string_equal(assay_fact_str(f, "auth_scheme"), "Basic");
	/* The path carried the e-mail: masked in the result. */
	assert_string_equal(assay_fact_str(f, "path"),
	    "/index.html?owner=[secret]");
	assert_non_null(f = secret_at(fs, 1, fr));
	assert_string_equal(assay_fact_str(f, "label"), "device password");
	assert_true(list_has(f, "spellings", "basic"));
	assert_non_null(secret_at(fs, 2, fr));

	/* MQTT: the password in CONNECT, the e-mail in PUBLISH. */
	fr = tcpdump_frame(lo, "> 127.0.0.1.1883:", NULL, "MQTT");
	assert_non_null(f = find(fs, "mqtt", "packet", "CONNECT"));
	assert_int_equal(f->frame, fr);
	assert_string_equal(assay_fact_str(f, "client_id"), "dev-42");
	assert_string_equal(assay_fact_str(f, "username"), "device");
	assert_int_equal(num(f, "password_present"), 1);
	assert_non_null(f = secret_at(fs, 1, fr));
	assert_true(list_has(f, "spellings", "raw"));
	fr = tcpdump_frame(lo, "> 127.0.0.1.1883:", NULL, "telemetry/dev-42{");
	assert_non_null(f = find(fs, "mqtt", "packet", "PUBLISH"));
	assert_int_equal(f->frame, fr);
	assert_string_equal(assay_fact_str(f, "topic"), "telemetry/dev-42");
	assert_non_null(secret_at(fs, 2, fr));
	assert_null(secret_at(fs, 1, fr));

	/* TLS: three ClientHellos to 8443, SNI in each. */
	n = tcpdump_frames(lo, "> 127.0.0.1.8443:", NULL, "cloud.example.com", v, 8);
	assert_int_equal(n, 3);
	assert_non_null(ch12 = assay_facts_find(fs, "tls", 0));
	assert_string_equal(assay_fact_str(ch12, "message"), "client_hello");
	assert_int_equal(ch12->frame, v[0]);
	assert_string_equal(assay_fact_str(ch12, "sni"), "cloud.example.com");
	assert_true(list_has(ch12, "versions", "TLSv1.2"));
	assert_false(list_has(ch12, "versions", "TLSv1.3"));
	assert_true(list_has(ch12, "suites",
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
	fr = tcpdump_frame(lo, "127.0.0.1.8443 >", NULL, "Assay Test");
	assert_non_null(sh = find(fs, "tls", "message", "server_hello"));
	assert_int_equal(sh->frame, fr);
	assert_int_equal(sh->flow, ch12->flow);
	assert_string_equal(assay_fact_str(sh, "version"), "TLSv1.2");
	assert_string_equal(assay_fact_str(sh, "suite"),
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
	/* The chain of a 1.2 handshake is in clear. */
	assert_non_null(f = find(fs, "tls", "message", "certificate"));
	assert_int_equal(f->flow, ch12->flow);
	assert_int_equal(num(f, "position"), 0);
	assert_string_equal(assay_fact_str(f, "subject"),
	    "O=Assay Test,CN=cloud.example.com");
	assert_int_equal(num(f, "self_signed"), 1);
	assert_true(list_has(f, "san", "update.example.com"));
	assert_non_null(assay_fact_str(f, "not_after"));
	/* 1.3: offered in supported_versions, chosen, certificates hidden. */
	{
		size_t i;

		ch13 = NULL;
		for (i = 0; (f = assay_facts_find(fs, "tls", i)) != NULL; i++)
			if (f->frame == v[1])
				ch13 = f;
	}
	assert_non_null(ch13);
	assert_true(list_has(ch13, "versions", "TLSv1.3"));
	assert_true(list_has(ch13, "suites", "TLS_AES_256_GCM_SHA384"));
	{
		size_t i;
		int seen = 0;

		for (i = 0; (f = assay_facts_find(fs, "tls", i)) != NULL; i++)
			if (f->flow == ch13->flow && assay_fact_str(f,
			    "version") != NULL) {
				assert_string_equal(assay_fact_str(f,
				    "version"), "TLSv1.3");
				assert_int_equal(num(f,
				    "certificates_encrypted"), 1);
				seen = 1;
			}
		assert_true(seen);
	}
	/* The client that refused the self-signed chain: an alert in clear. */
	fr = tcpdump_frame(lo, "> 127.0.0.1.8443:", ", length 7",
	    NULL);
	{
		size_t i;

		for (i = 0; (f = assay_facts_find(fs, "tls", i)) != NULL; i++)
			if (f->frame == fr && assay_fact_field(f, "code"))
				break;
	}
	assert_non_null(f);
	assert_string_equal(assay_fact_str(f, "description"), "unknown CA");
	assert_string_equal(assay_fact_str(f, "level"), "fatal");

	/* DNS: the name asked and the answer. */
	fr = tcpdump_frame(lo, "> 127.0.0.1.53:", NULL, NULL);
	assert_non_null(f = find(fs, "dns", "name", "update.example.com"));
	assert_int_equal(f->frame, fr);
	assert_int_equal(num(f, "response"), 0);
	fr = tcpdump_frame(lo, "127.0.0.1.53 >", NULL, NULL);
	{
		size_t i;

		for (i = 0; (f = assay_facts_find(fs, "dns", i)) != NULL; i++)
			if (f->frame == fr)
				break;
	}
	assert_non_null(f);
	assert_true(list_has(f, "answers", "update.example.com A 10.0.0.7"));

	/* Telnet: the server's negotiation. */
	fr = tcpdump_frame(lo, "127.0.0.1.2323 > ", "Flags [P.]",
	    NULL);
	assert_non_null(f = find(fs, "telnet", "direction", "to_client"));
	assert_int_equal(f->frame, fr);

	/* CoAP, when coap-server was there. */
	if (tcpdump_frames(lo, "> 127.0.0.1.5683:", NULL, NULL, v, 1) == 1) {
		assert_non_null(f = find(fs, "coap", "uri_path",
		    "/sensors/temp"));
		assert_int_equal(f->frame, v[0]);
		assert_string_equal(assay_fact_str(f, "method"), "GET");
	}

	/* Flows: peers, protocol, first frame. */
	assert_non_null(f = find(fs, "flow", "protocol", "mqtt"));
	assert_int_equal(num(f, "server_port"), 1883);
	assert_string_equal(assay_fact_str(f, "client"), "127.0.0.1");
	assert_int_equal(num(f, "syn_seen"), 1);
	assert_non_null(find(fs, "flow", "protocol", "dns"));
	assert_non_null(find(fs, "flow", "protocol", "telnet"));
	assert_int_equal(assay_facts_count_section(fs, "note"), 0);

	no_secret_in_result(fs);
	assay_capture_free(c);
}

static void
test_ethernet(void **state)
{
	(void)state;
	need_recording();
	check_recording(rec_path("lo.pcap"));
}

static void
test_linux_cooked_sll2(void **state)
{
	struct assay_capture *c = NULL;
	char why[256];

	(void)state;
	need_recording();
	check_recording(rec_path("any.pcap"));
	assert_int_equal(assay_capture_analyse_file(rec_path("any.pcap"), NULL,
	    NULL, 0, &c, why, sizeof(why)), 0);
	assert_non_null(c);
	assert_string_equal(assay_capture_link(c), "LINUX_SLL2");
	assay_capture_free(c);
}

/* --- writing captures ---------------------------------------------------- */

static void
put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* host order, as the magic says */
}

static void
put16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/* A growing pcap image in memory. */
struct img {
	unsigned char	*d;
	size_t		 len, cap;
};

static void
img_put(struct img *im, const void *p, size_t len)
{
	if (im->len + len > im->cap) {
		im->cap = (im->len + len) * 2 + 1024;
		assert_non_null(im->d = realloc(im->d, im->cap));
	}
	memcpy(im->d + im->len, p, len);
	im->len += len;
}

static void
pcap_header(struct img *im, uint32_t snaplen, uint32_t linktype)
{
	unsigned char h[24];

	put32(h, 0xa1b2c3d4);
	put16(h + 4, 2);
	put16(h + 6, 4);
	put32(h + 8, 0);
	put32(h + 12, 0);
	put32(h + 16, snaplen);
	put32(h + 20, linktype);
	img_put(im, h, sizeof(h));
}

static void
pcap_record(struct img *im, const void *p, uint32_t caplen, uint32_t len)
{
	unsigned char h[16];
	static uint32_t t;

	put32(h, 1700000000);
	put32(h + 4, t++ % 1000000);
	put32(h + 8, caplen);
	put32(h + 12, len);
	img_put(im, h, sizeof(h));
	img_put(im, p, caplen);
}

#define LINKTYPE_RAW	101

/* An IPv4 TCP packet from 10.0.0.2:40000 (dir 0) or 10.0.0.1:8883. */
static size_t
tcp4(unsigned char *b, int to_server, uint32_t seq, unsigned int flags,
    const void *payload, size_t plen)
{
	size_t tl = 40 + plen;

	memset(b, 0, 40);
	b[0] = 0x45;
	b[2] = (unsigned char)(tl >> 8);
	b[3] = (unsigned char)tl;
	b[8] = 64;
	b[9] = 6;
	b[12] = 10; b[15] = to_server ? 2 : 1;
	b[16] = 10; b[19] = to_server ? 1 : 2;
	b[20] = to_server ? 0x9c : 0x22;	/* 40000 / 8883 */
	b[21] = to_server ? 0x40 : 0xb3;
	b[22] = to_server ? 0x22 : 0x9c;
	b[23] = to_server ? 0xb3 : 0x40;
	b[24] = (unsigned char)(seq >> 24);
	b[25] = (unsigned char)(seq >> 16);
	b[26] = (unsigned char)(seq >> 8);
	b[27] = (unsigned char)seq;
	b[32] = 0x50;
	b[33] = (unsigned char)flags;
	if (plen > 0)
		memcpy(b + 40, payload, plen);
	return tl;
}

static struct assay_capture *
analyse_img(const struct img *im, const struct assay_capture_limits *lim,
    const struct assay_capture_secret *s, size_t ns, char *why, size_t wl)
{
	struct assay_capture *c = NULL;

	why[0] = '\0';
	assert_int_equal(assay_capture_analyse_mem(im->d, im->len, lim, s, ns,
	    &c, why, wl), 0);
	return c;
}

/* --- hostile files -------------------------------------------------------- */

static void
test_wrong_magic_and_empty(void **state)
{
	struct assay_capture *c;
	struct img im = { 0 };
	char why[512], *dir, path[512];

	(void)state;
	img_put(&im, "GIF89a this is not a capture at all.....", 40);
	assert_null(c = analyse_img(&im, NULL, NULL, 0, why, sizeof(why)));
	assert_non_null(strstr(why, "not a capture libpcap can read"));
	im.len = 0;
	assert_int_equal(assay_capture_analyse_mem("", 0, NULL, NULL, 0, &c,
	    why, sizeof(why)), 0);
	assert_null(c);
	assert_non_null(strstr(why, "empty"));
	/* A directory, a missing file, a file over the size cap. */
	dir = tu_mkdtemp("pcapfile");
	assert_int_equal(assay_capture_analyse_file(dir, NULL, NULL, 0, &c,
	    why, sizeof(why)), 0);
	assert_null(c);
	assert_non_null(strstr(why, "not a regular file"));
	snprintf(path, sizeof(path), "%s/none.pcap", dir);
	assert_int_equal(assay_capture_analyse_file(path, NULL, NULL, 0, &c,
	    why, sizeof(why)), 0);
	assert_non_null(strstr(why, "none.pcap: cannot open"));
	snprintf(path, sizeof(path), "%s/big.pcap", dir);
	pcap_header(&im, 65535, LINKTYPE_RAW);
	assert_int_equal(tu_write_file(path, im.d, im.len), 0);
	{
		struct assay_capture_limits lim = { .max_file = 10 };

		assert_int_equal(assay_capture_analyse_file(path, &lim, NULL,
		    0, &c, why, sizeof(why)), 0);
		assert_null(c);
		assert_non_null(strstr(why, "more than the cap of 10 bytes"));
	}
	/* A link type the analysis does not decode. */
	im.len = 0;
	pcap_header(&im, 65535, 105 /* IEEE 802.11 */);
	assert_null(c = analyse_img(&im, NULL, NULL, 0, why, sizeof(why)));
	assert_non_null(strstr(why, "link type"));
	tu_rmrf(dir);
	free(dir);
	free(im.d);
}

static void
test_truncated_file_names_the_frame(void **state)
{
	struct assay_capture *c;
	unsigned char pkt[128];
	struct img im = { 0 };
	char why[512];
	size_t n, full;

	(void)state;
	pcap_header(&im, 65535, LINKTYPE_RAW);
	for (n = 0; n < 3; n++)
		pcap_record(&im, pkt, (uint32_t)tcp4(pkt, 1, 1, 0x02, NULL, 0),
		    40);
	full = im.len;
	/* Cut inside the third record's data, then inside its header. */
	im.len = full - 10;
	assert_null(c = analyse_img(&im, NULL, NULL, 0, why, sizeof(why)));
	assert_non_null(strstr(why, "frame 3: "));
	assert_non_null(strstr(why, "truncated"));
	im.len = full - 40 - 8;
	assert_null(c = analyse_img(&im, NULL, NULL, 0, why, sizeof(why)));
	assert_non_null(strstr(why, "frame 3: "));
	/* Every cut: an error or a shorter capture, never a crash. */
	for (n = 0; n <= full; n++) {
		im.len = n;
		c = analyse_img(&im, NULL, NULL, 0, why, sizeof(why));
		assert_true(c != NULL || why[0] != '\0');
		assay_capture_free(c);
	}
	free(im.d);
}

static void
test_absurd_snaplen_and_caplen(void **state)
{
	struct assay_capture *c;
	unsigned char pkt[128], *big;
	struct img im = { 0 };
	char why[512];

	(void)state;
	/* A header claiming a 4 GiB snapshot: the frames still read. */
	pcap_header(&im, 0xffffffffu, LINKTYPE_RAW);
	pcap_record(&im, pkt, (uint32_t)tcp4(pkt, 1, 1, 0x02, NULL, 0), 40);
	c = analyse_img(&im, NULL, NULL, 0, why, sizeof(why));
	if (c != NULL) {
		assert_int_equal(assay_capture_frames(c), 1);
		assay_capture_free(c);
	} else
		assert_non_null(strstr(why, "capture"));
	/* A record longer than any snapshot libpcap accepts: named. */
	assert_non_null(big = calloc(1, 300000));
	pcap_record(&im, big, 300000, 300000);
	assert_null(c = analyse_img(&im, NULL, NULL, 0, why, sizeof(why)));
	assert_non_null(strstr(why, "frame 2: "));
	/* caplen larger than len, and the file ends before caplen. */
	im.len = 0;
	pcap_header(&im, 65535, LINKTYPE_RAW);
	{
		unsigned char h[16];

		put32(h, 1);
		put32(h + 4, 0);
		put32(h + 8, 60000);
		put32(h + 12, 40);
		img_put(&im, h, 16);
		img_put(&im, pkt, 40);
	}
	assert_null(c = analyse_img(&im, NULL, NULL, 0, why, sizeof(why)));
	assert_non_null(strstr(why, "frame 1: "));
	free(big);
	free(im.d);
}

static void
test_million_frames_hit_the_cap(void **state)
{
	struct assay_capture *c;
	struct img im = { 0 };
	unsigned char pkt[64];
	char why[512];
	long long t0;
	size_t i;

	(void)state;
	pcap_header(&im, 65535, LINKTYPE_RAW);
	(void)tcp4(pkt, 1, 1, 0x10, NULL, 0);
	for (i = 0; i < 1000000; i++)
		pcap_record(&im, pkt, 40, 40);
	t0 = tu_now_ms();
	assert_null(c = analyse_img(&im, NULL, NULL, 0, why, sizeof(why)));
	fprintf(stderr, "10^6 frames: refused in %lld ms: %s\n",
	    tu_now_ms() - t0, why);
	assert_non_null(strstr(why, "frame 500001: more than 500000 frames"));
	/* Under a raised cap, all of them are read: one flow. */
	{
		struct assay_capture_limits lim = { .max_packets = 1000000 };

		t0 = tu_now_ms();
		assert_non_null(c = analyse_img(&im, &lim, secrets, 2, why,
		    sizeof(why)));
		fprintf(stderr, "10^6 frames under a raised cap, 2 secrets: "
		    "%lld ms\n", tu_now_ms() - t0);
		assert_int_equal(assay_capture_frames(c), 1000000);
		assert_int_equal(assay_facts_count_section(
		    assay_capture_facts(c), "flow"), 1);
		assay_capture_free(c);
	}
	free(im.d);
}

static void
test_overlong_tls_lengths(void **state)
{
	/* A record claiming 65535 bytes; a handshake claiming 16 MiB. */
	static const unsigned char rec[] = { 0x16, 0x03, 0x01, 0xff, 0xff,
	    0x01, 0x00, 0x00, 0x10 };
	static const unsigned char hs[] = { 0x16, 0x03, 0x01, 0x00, 0x04,
	    0x01, 0xff, 0xff, 0xff };
	struct assay_capture *c;
	const struct assay_fact *f;
	unsigned char pkt[256];
	struct img im = { 0 };
	char why[512];

	(void)state;
	pcap_header(&im, 65535, LINKTYPE_RAW);
	pcap_record(&im, pkt, (uint32_t)tcp4(pkt, 1, 100, 0x02, NULL, 0), 40);
	pcap_record(&im, pkt, (uint32_t)tcp4(pkt, 1, 101, 0x18, rec,
	    sizeof(rec)), 40 + sizeof(rec));
	assert_non_null(c = analyse_img(&im, NULL, NULL, 0, why, sizeof(why)));
	assert_non_null(f = find(assay_capture_facts(c), "tls", "message",
	    "overlong_record"));
	assert_int_equal(f->frame, 2);
	assert_non_null(assay_fact_str(f, "malformed"));
	assay_capture_free(c);
	/* The handshake message never completes: nothing, no crash. */
	im.len = 0;
	pcap_header(&im, 65535, LINKTYPE_RAW);
	pcap_record(&im, pkt, (uint32_t)tcp4(pkt, 1, 100, 0x02, NULL, 0), 40);
	pcap_record(&im, pkt, (uint32_t)tcp4(pkt, 1, 101, 0x18, hs,
	    sizeof(hs)), 40 + sizeof(hs));
	assert_non_null(c = analyse_img(&im, NULL, NULL, 0, why, sizeof(why)));
	assert_null(find(assay_capture_facts(c), "tls", "message",
	    "client_hello"));
	assay_capture_free(c);
	free(im.d);
}

static void
test_caps_gaps_fragments_split_secret(void **state)
{
	struct assay_capture_limits lim = { .max_flow_bytes = 8,
	    .max_flows = 1 };
	struct assay_capture_secret sec = { "pw", "VeryLongSecret123", NULL };
	struct assay_capture *c;
	const struct assay_facts *fs;
	const struct assay_fact *f;
	unsigned char pkt[256];
	struct img im = { 0 };
	char why[512];

	(void)state;
	pcap_header(&im, 65535, LINKTYPE_RAW);
	pcap_record(&im, pkt, (uint32_t)tcp4(pkt, 1, 1000, 0x02, NULL, 0), 40);
	/* The secret in two segments: only the stream holds it whole. */
	pcap_record(&im, pkt, (uint32_t)tcp4(pkt, 1, 1001, 0x18,
	    "pw=VeryLong", 11), 51);
	pcap_record(&im, pkt, (uint32_t)tcp4(pkt, 1, 1012, 0x18,
	    "Secret123&", 10), 50);
	/* A gap: 5 bytes never captured. */
	pcap_record(&im, pkt, (uint32_t)tcp4(pkt, 1, 1027, 0x18, "late", 4),
	    44);
	/* A fragment (MF set). */
	(void)tcp4(pkt, 1, 5, 0x18, "frag", 4);
	pkt[6] = 0x20;
	pcap_record(&im, pkt, 44, 44);
	/* A second flow: over the flow cap. */
	(void)tcp4(pkt, 1, 1, 0x02, NULL, 0);
	pkt[21] = 0x41;
	pcap_record(&im, pkt, 40, 40);

	lim.max_flow_bytes = 64;
	assert_non_null(c = analyse_img(&im, &lim, &sec, 1, why, sizeof(why)));
	fs = assay_capture_facts(c);
	assert_true(assay_capture_truncated(c));
	assert_non_null(f = assay_facts_find(fs, "secret", 0));
	assert_int_equal(f->frame, 3);	/* the frame that completed it */
	assert_string_equal(assay_fact_str(f, "label"), "pw");
	assert_non_null(f = find(fs, "flow", "transport", "tcp"));
	assert_int_equal(num(f, "gap"), 1);
	assert_int_equal(assay_facts_count_section(fs, "flow"), 1);
	{
		size_t i;
		int frag = 0, gap = 0, flows = 0;

		for (i = 0; (f = assay_facts_find(fs, "note", i)) != NULL; i++) {
			const char *t = assay_fact_str(f, "text");

			frag |= strstr(t, "fragments skipped") != NULL;
			gap |= strstr(t, "frame 4: flow 1: 5 bytes missing") !=
			    NULL;
			flows |= strstr(t, "more than 1 flows") != NULL;
		}
		assert_true(frag && gap && flows);
	}
	assay_capture_free(c);

	/* A per-direction cap of 8 bytes: noted, flow marked truncated. */
	lim.max_flow_bytes = 8;
	assert_non_null(c = analyse_img(&im, &lim, &sec, 1, why, sizeof(why)));
	fs = assay_capture_facts(c);
	assert_non_null(f = find(fs, "flow", "transport", "tcp"));
	assert_int_equal(num(f, "truncated"), 1);
	assert_non_null(f = assay_facts_find(fs, "note", 0));
	assay_capture_free(c);
	free(im.d);
}

/* IPv6 over a loopback (DLT_NULL) link: a DNS query by UDP. */
static void
test_ipv6_null_link(void **state)
{
	static const unsigned char q[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0,
	    0, 0, 0, 0, 3, 'f', 'o', 'o', 7, 'e', 'x', 'a', 'm', 'p', 'l',
	    'e', 0, 0, 28, 0, 1 };
	struct assay_capture *c;
	const struct assay_fact *f;
	unsigned char pkt[128];
	struct img im = { 0 };
	char why[512];

	(void)state;
	pcap_header(&im, 65535, 0 /* NULL */);
	memset(pkt, 0, sizeof(pkt));
	put32(pkt, 30);		/* AF_INET6 on the BSDs: not trusted anyway */
	pkt[4] = 0x60;
	pkt[8] = 0;
	pkt[9] = (unsigned char)(8 + sizeof(q));
	pkt[10] = 17;
	pkt[11] = 64;
	pkt[27] = 1;		/* ::1 */
	pkt[43] = 1;
	pkt[44] = 0xc0; pkt[45] = 0x01;	/* 49153 -> 53 */
	pkt[46] = 0; pkt[47] = 53;
	pkt[49] = (unsigned char)(8 + sizeof(q));
	memcpy(pkt + 52, q, sizeof(q));
	pcap_record(&im, pkt, (uint32_t)(52 + sizeof(q)),
	    (uint32_t)(52 + sizeof(q)));
	assert_non_null(c = analyse_img(&im, NULL, NULL, 0, why, sizeof(why)));
	assert_string_equal(assay_capture_link(c), "NULL");
	assert_non_null(f = find(assay_capture_facts(c), "dns", "name",
	    "foo.example"));
	assert_int_equal(f->frame, 1);
	assert_true(list_has(f, "questions", "foo.example AAAA"));
	assert_non_null(f = find(assay_capture_facts(c), "flow", "server",
	    "::1"));
	assay_capture_free(c);
	free(im.d);
}

/* The lo recording rewritten as pcapng: the same facts. */
static void
test_pcapng(void **state)
{
	struct img ng = { 0 };
	unsigned char b[64], *d;
	size_t len, off, cl, pad;
	uint32_t v, linktype;
	char path[1024];

	(void)state;
	need_recording();
	assert_non_null(d = (unsigned char *)tu_read_file(rec_path("lo.pcap"),
	    &len));
	memcpy(&linktype, d + 20, 4);
	/* Section header, one interface. */
	put32(b, 0x0a0d0d0a); put32(b + 4, 28); put32(b + 8, 0x1a2b3c4d);
	put16(b + 12, 1); put16(b + 14, 0); memset(b + 16, 0xff, 8);
	put32(b + 24, 28);
	img_put(&ng, b, 28);
	put32(b, 1); put32(b + 4, 20); put16(b + 8, (uint16_t)linktype);
	put16(b + 10, 0); put32(b + 12, 262144); put32(b + 16, 20);
	img_put(&ng, b, 20);
	for (off = 24; off + 16 <= len; off += 16 + cl) {
		memcpy(&v, d + off + 8, 4);
		cl = v;
		assert_true(off + 16 + cl <= len);
		pad = (4 - cl % 4) % 4;
		put32(b, 6); put32(b + 4, (uint32_t)(32 + cl + pad));
		put32(b + 8, 0); put32(b + 12, 0);
		memcpy(b + 16, d + off, 4);	/* seconds as the low word */
		put32(b + 20, (uint32_t)cl);
		memcpy(b + 24, d + off + 12, 4);
		img_put(&ng, b, 28);
		img_put(&ng, d + off + 16, cl);
		memset(b, 0, 4);
		img_put(&ng, b, pad);
		put32(b, (uint32_t)(32 + cl + pad));
		img_put(&ng, b, 4);
	}
	snprintf(path, sizeof(path), "%s/lo.pcapng", rec_dir);
	assert_int_equal(tu_write_file(path, ng.d, ng.len), 0);
	check_recording(path);
	free(ng.d);
	free(d);
}

/* --- recording ----------------------------------------------------------- */

static void
send_udp(int port, int n)
{
	struct sockaddr_in sa;
	char msg[32];
	int fd, i, len;

	assert_true((fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < n; i++) {
		len = snprintf(msg, sizeof(msg), "hello %d", i);
		assert_int_equal(sendto(fd, msg, (size_t)len, 0,
		    (struct sockaddr *)&sa, sizeof(sa)), len);
		/* Paced: a burst can outrun the capture ring (and is then
		 * reported as dropped, which is not what this tests). */
		usleep(2000);
	}
	close(fd);
}

/*
 * Records on lo of this namespace, filtered to a port nobody else uses;
 * skipped without CAP_NET_RAW.
 */
static void
test_record(void **state)
{
	struct assay_capture_rec_limits lim = { 0 };
	struct assay_capture_rec *rec = NULL;
	struct assay_capture *c = NULL;
	const struct assay_fact *f;
	unsigned long frames;
	unsigned long long bytes;
	char filter[64], path[1024], why[512], *dir;
	int port = tu_free_port();

	(void)state;
	dir = tu_mkdtemp("pcaprec");
	snprintf(path, sizeof(path), "%s/rec.pcap", dir);
	snprintf(filter, sizeof(filter), "udp port %d", port);
	assert_int_equal(assay_capture_rec_start("lo", filter, NULL, path,
	    &rec, why, sizeof(why)), 0);
	if (rec == NULL) {
		fprintf(stderr, "cannot record on lo: %s; skipped\n", why);
		tu_rmrf(dir);
		free(dir);
		skip();
	}
	send_udp(port, 20);
	usleep(200 * 1000);
	assert_int_equal(assay_capture_rec_stop(rec, &frames, &bytes, why,
	    sizeof(why)), 0);
	assert_string_equal(why, "stopped");
	assert_int_equal(frames, 20);
	assert_true(bytes > 20 * 40);
	assert_int_equal(assay_capture_analyse_file(path, NULL, NULL, 0, &c,
	    why, sizeof(why)), 0);
	assert_non_null(c);
	assert_int_equal(assay_capture_frames(c), 20);
	assert_non_null(f = find(assay_capture_facts(c), "flow", "transport",
	    "udp"));
	assert_int_equal(num(f, "packets"), 20);
	assert_int_equal(num(f, "server_port"), port);
	assay_capture_free(c);

	/* The frame cap ends the recording by itself. */
	lim.max_packets = 5;
	assert_int_equal(assay_capture_rec_start("lo", filter, &lim, path,
	    &rec, why, sizeof(why)), 0);
	assert_non_null(rec);
	send_udp(port, 20);
	usleep(200 * 1000);
	assert_int_equal(assay_capture_rec_stop(rec, &frames, NULL, why,
	    sizeof(why)), 0);
	assert_int_equal(frames, 5);
	assert_string_equal(why, "frame cap of 5 reached");
	/* The file cap: the header and one frame. */
	lim.max_packets = 0;
	lim.max_bytes = 30;
	assert_int_equal(assay_capture_rec_start("lo", filter, &lim, path,
	    &rec, why, sizeof(why)), 0);
	send_udp(port, 20);
	usleep(200 * 1000);
	assert_int_equal(assay_capture_rec_stop(rec, &frames, NULL, why,
	    sizeof(why)), 0);
	assert_int_equal(frames, 1);
	assert_string_equal(why, "file cap of 30 bytes reached");
	/* The time cap. */
	lim.max_bytes = 0;
	lim.max_ms = 100;
	assert_int_equal(assay_capture_rec_start("lo", filter, &lim, path,
	    &rec, why, sizeof(why)), 0);
	usleep(400 * 1000);
	send_udp(port, 3);
	assert_int_equal(assay_capture_rec_stop(rec, &frames, NULL, why,
	    sizeof(why)), 0);
	assert_int_equal(frames, 0);
	assert_string_equal(why, "time cap of 100 ms reached");
	/* No such interface, a filter that does not compile. */
	assert_int_equal(assay_capture_rec_start("nosuch0", NULL, NULL, path,
	    &rec, why, sizeof(why)), 0);
	assert_null(rec);
	assert_non_null(strstr(why, "nosuch0"));
	assert_int_equal(assay_capture_rec_start("lo", "udp port", NULL, path,
	    &rec, why, sizeof(why)), 0);
	assert_null(rec);
	assert_non_null(strstr(why, "filter"));
	tu_rmrf(dir);
	free(dir);
}

/* --- Lua ----------------------------------------------------------------- */

static void
test_lua_binding(void **state)
{
	static const char chunk[] =
	    "local c, why = net.capture{ file = ..., secrets = {\n"
	    "    { label = 'device password', value = 'S3cretPassw0rd', user = 'device' },\n"
	    "    'owner@example.com' } }\n"
	    "assert(c, why)\n"
	    "assert(c.link == 'EN10MB' and c.frames > 10 and c.truncated == false)\n"
	    "assert(c.sha256 == select(3, ...), 'sha256 of the file')\n"
	    "local http = c.http[1]\n"
	    "assert(http.authorization == true and http.auth_scheme == 'Basic')\n"
	    "assert(http.frame > 0 and c.flows[http.flow].protocol == 'http')\n"
	    "local sv = {}\n"
	    "for _, s in ipairs(c.secrets) do\n"
	    "  assert(not tostring(s.label):find('S3cret'))\n"
	    "  sv[s.index] = (sv[s.index] or 0) + 1\n"
	    "end\n"
	    "assert(sv[1] >= 2 and sv[2] >= 2, 'both secrets seen')\n"
	    "assert(c.secrets[1].label == 'device password' or c.secrets[1].label == 'secret 2')\n"
	    "local sni\n"
	    "for _, t in ipairs(c.tls) do if t.sni then sni = t.sni end end\n"
	    "assert(sni == 'cloud.example.com')\n"
	    "assert(#c.dns >= 1 and c.dns[1].name == 'update.example.com')\n"
	    "assert(type(c.notes) == 'table' and #c.notes == 0)\n"
	    "local ok, e = pcall(net.capture, { file = '/etc/hostname' })\n"
	    "assert(not ok and e:find('capture: '), 'outside the allowed dir')\n"
	    "local r, why2 = net.capture{ file = select(2, ...) }\n"
	    "assert(r == nil and why2:find('not a capture'), why2)\n";
	lua_State *L;
	char bad[1024];

	(void)state;
	need_recording();
	snprintf(bad, sizeof(bad), "%s/mosq.conf", rec_dir);
	assert_non_null(L = luaL_newstate());
	luaL_openlibs(L);
	lua_newtable(L);
	assay_probe_pcap_lua_register(L);
	lua_setglobal(L, "net");
	assert_int_equal(assay_probe_pcap_allow(L, rec_dir), 0);
	assert_int_equal(luaL_loadstring(L, chunk), LUA_OK);
	lua_pushstring(L, rec_path("lo.pcap"));
	lua_pushstring(L, bad);
	{
		char hex[65], cmd[1100], *out = NULL;

		snprintf(cmd, sizeof(cmd), "sha256sum %s", rec_path("lo.pcap"));
		assert_int_equal(tu_run(cmd, &out), 0);
		snprintf(hex, sizeof(hex), "%s", out);
		free(out);
		lua_pushstring(L, hex);
	}
	if (lua_pcall(L, 3, 0, 0) != LUA_OK)
		fail_msg("%s", lua_tostring(L, -1));
	lua_close(L);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet),
		cmocka_unit_test(test_linux_cooked_sll2),
		cmocka_unit_test(test_pcapng),
		cmocka_unit_test(test_lua_binding),
		cmocka_unit_test(test_wrong_magic_and_empty),
		cmocka_unit_test(test_truncated_file_names_the_frame),
		cmocka_unit_test(test_absurd_snaplen_and_caplen),
		cmocka_unit_test(test_million_frames_hit_the_cap),
		cmocka_unit_test(test_overlong_tls_lengths),
		cmocka_unit_test(test_caps_gaps_fragments_split_secret),
		cmocka_unit_test(test_ipv6_null_link),
		cmocka_unit_test(test_record),
	};

	return cmocka_run_group_tests(tests, record, cleanup);
}
