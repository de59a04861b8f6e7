/*
 * test_probe_gateway.c - the lab's gateway position (probe/gateway.h) and
 * TLS interception (probe/intercept.h) against real clients.
 *
 * The test runs itself again under `unshare -rn` (a user and network
 * namespace of its own: it never touches the host's network) and makes
 * a veth pair there: assay-gw0 carries the gateway address 10.77.0.1,
 * assay-dev0 the device's 10.77.0.2, and the local route to 10.77.0.1
 * takes 10.77.0.2 as its source, so dig, openssl s_client and curl reach
 * the gateway from the device's address.  A client bound to 10.77.0.1 is
 * "another host".  Without user namespaces, iproute2, dig, openssl or
 * curl each test that needs them is skipped with the reason.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/diag.h"
#include "base/error.h"
#include "forms/forms.h"
#include "probe/gateway.h"
#include "probe/gateway_dns.h"
#include "probe/intercept.h"
#include "probe/probe.h"
#include "run/api.h"
#include "run/evidence.h"
#include "run/sandbox.h"
#include "run/verdict.h"
#include "testutil.h"

#define GW		"10.77.0.1"
#define DEV		"10.77.0.2"
#define UPD_HOST	"update.refdevice.test"
#define CLOUD_HOST	"cloud.refdevice.test"
#define ENV_INSIDE	"ASSAY_GW_TEST_INSIDE"

static char *tmpdir;
static const char *no_net;	/* why the namespace tests are skipped */
static struct assay_forms *forms;

#define NEED_NET() TU_SKIP_IF(no_net)

static const char *
tmp_path(const char *name)
{
	static char p[4096];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

/* The lab's material, as a manufacturer hands it over: CA, two leaves. */
static int
make_lab_files(void)
{
	static const char *const hosts[2][2] = { { "update", UPD_HOST },
	    { "cloud", CLOUD_HOST } };
	size_t i;

	if (tu_runf("mkdir -p %s/lab && cd %s/lab && openssl req -x509 -newkey ec "
	    "-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca-key.pem -out "
	    "ca.pem -days 30 -subj '/CN=Refdevice test cloud CA' -addext "
	    "basicConstraints=critical,CA:TRUE -addext "
	    "keyUsage=critical,keyCertSign,cRLSign", tmpdir, tmpdir) != 0)
		return -1;
	for (i = 0; i < 2; i++)
		if (tu_runf("cd %s/lab && openssl req -newkey ec -pkeyopt "
		    "ec_paramgen_curve:P-256 -nodes -keyout %s-key.pem -out "
		    "%s.leaf -days 30 -subj '/CN=%s' -addext "
		    "subjectAltName=DNS:%s -CA ca.pem -CAkey ca-key.pem && "
		    "cat %s.leaf ca.pem > %s.pem", tmpdir, hosts[i][0],
		    hosts[i][0], hosts[i][1], hosts[i][1], hosts[i][0],
		    hosts[i][0]) != 0)
			return -1;
	return 0;
}

static const char SETUP_XML[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<setup xmlns=\"urn:assay:setup:1\" version=\"1\">\n"
    "  <address>" DEV "</address>\n"
    "  <client-side>\n"
    "    <gateway interface=\"assay-gw0\" address=\"" GW "\" dns-port=\"53\">\n"
    "      <answer host=\"" UPD_HOST "\"/>\n"
    "      <answer host=\"" CLOUD_HOST "\"/>\n"
    "    </gateway>\n"
    "    <identity id=\"update\" host=\"" UPD_HOST "\" cert=\"lab/update.pem\"\n"
    "              key=\"lab/update-key.pem\" ca-cert=\"lab/ca.pem\" ca-key=\"lab/ca-key.pem\"/>\n"
    "    <identity id=\"cloud\" host=\"" CLOUD_HOST "\" cert=\"lab/cloud.pem\"\n"
    "              key=\"lab/cloud-key.pem\"/>\n"
    "    <watch label=\"owner e-mail\" kind=\"personal-data\" ref=\"pd-account\">owner@example.test</watch>\n"
    "  </client-side>\n"
    "</setup>\n";

/*
 * The example IXIT with cm-cloud declared outbound to the update host, and
 * one more outbound channel, cm-telemetry, MQTT over TLS to the cloud host.
 */
static int
write_ixit(void)
{
	static const char from[] = "carries=\"personal-data sensitive-personal-"
	    "data telemetry security-parameters\"/>";
	static const char to[] = "carries=\"personal-data sensitive-personal-"
	    "data telemetry security-parameters\" direction=\"outbound\" "
	    "endpoint=\"https://" UPD_HOST ":443/update/manifest.json\"/>";
	static const char after[] = "jittered daily check-in</field>\n"
	    "      </entry>\n";
	static const char tel[] =
	    "      <entry id=\"cm-telemetry\">\n"
	    "        <facts protocol=\"mqtt\" security=\"tls\" tls-versions=\"TLSv1.3\"\n"
	    "               tls-suites=\"TLS_AES_128_GCM_SHA256\" remote=\"true\"\n"
	    "               guarantees=\"confidentiality integrity\" carries=\"telemetry\"\n"
	    "               direction=\"outbound\" endpoint=\"mqtts://" CLOUD_HOST ":8883\"/>\n"
	    "        <field name=\"Description\">MQTT telemetry to the vendor cloud</field>\n"
	    "        <field name=\"Security Guarantees\">confidentiality, integrity</field>\n"
	    "        <field name=\"Cryptographic Details\">MQTT 3.1.1 over TLS 1.3</field>\n"
	    "        <field name=\"Resilience Measures\">reconnects with backoff</field>\n"
	    "      </entry>\n";
	char *src, *hit, *end, *out;
	size_t len;
	int r;

	if ((src = tu_read_file(tu_src("ixit/examples/smart-camera.xml"),
	    &len)) == NULL || (hit = strstr(src, from)) == NULL ||
	    (end = strstr(hit, after)) == NULL) {
		free(src);
		return -1;
	}
	end += strlen(after);
	out = malloc(len + sizeof(to) + sizeof(tel));
	memcpy(out, src, (size_t)(hit - src));
	strcpy(out + (hit - src), to);
	strncat(out, hit + strlen(from), (size_t)(end - hit) - strlen(from));
	strcat(out, tel);
	strcat(out, end);
	r = tu_write_file(tmp_path("ixit.xml"), out, strlen(out));
	free(out);
	free(src);
	return r;
}

static int
load_forms(const char *setup_name, struct assay_forms **fp)
{
	struct assay_diag *d = assay_diag_new();
	char ics[4096], ixit[4096];
	int r;

	snprintf(ics, sizeof(ics), "%s", tu_src("ics/examples/smart-camera.xml"));
	snprintf(ixit, sizeof(ixit), "%s", tmp_path("ixit.xml"));
	r = assay_forms_load(ASSAY_SOURCE_DIR, ics, ixit, tmp_path(setup_name),
	    fp, d);
	if (r != 0)
		assay_diag_print(d, stderr);
	assay_diag_free(d);
	return r;
}

static int
group_setup(void **state)
{
	(void)state;
	if ((tmpdir = tu_mkdtemp("gateway")) == NULL)
		return -1;
	if (make_lab_files() != 0 || write_ixit() != 0 ||
	    tu_write_file(tmp_path("setup.xml"), SETUP_XML,
	    strlen(SETUP_XML)) != 0 || load_forms("setup.xml", &forms) != 0)
		return -1;
	if (no_net == NULL &&
	    tu_runf("ip link add assay-gw0 type veth peer name assay-dev0 && "
	    "ip addr add " GW "/24 dev assay-gw0 && "
	    "ip addr add " DEV "/24 dev assay-dev0 && "
	    "ip link set assay-gw0 up && ip link set assay-dev0 up && "
	    "ip link set lo up && "
	    "ip route replace local " GW " dev assay-gw0 table local proto "
	    "kernel scope host src " DEV) != 0)
		no_net = "cannot make the veth pair in the test's namespace";
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	assay_forms_free(forms);
	tu_rmrf(tmpdir);
	free(tmpdir);
	return 0;
}

/* --- forms: <client-side> as loaded ------------------------------------ */

static void
test_client_side_loaded(void **state)
{
	const struct assay_gateway_decl *g;
	const struct assay_identity_decl *id;
	const struct assay_watch_decl *w;
	char scheme[16], host[256], path[256], why[256];
	int port;

	(void)state;
	assert_non_null(g = assay_forms_gateway(forms));
	assert_string_equal(g->interface, "assay-gw0");
	assert_string_equal(g->address, GW);
	assert_int_equal(g->dns_port, 53);
	assert_int_equal(g->nanswers, 2);
	assert_string_equal(g->answers[1], CLOUD_HOST);
	assert_int_equal(assay_forms_nidentities(forms), 2);
	assert_non_null(id = assay_forms_identity_for_host(forms,
	    "UPDATE.refdevice.test"));
	assert_string_equal(id->id, "update");
	assert_true(id->cert[0] == '/' && id->ca_key[0] == '/');
	assert_non_null(id = assay_forms_identity(forms, 1));
	assert_null(id->ca_cert);
	assert_int_equal(assay_forms_nwatch(forms), 1);
	assert_non_null(w = assay_forms_watch(forms, 0));
	assert_string_equal(w->value, "owner@example.test");
	assert_string_equal(w->kind, "personal-data");
	assert_int_equal(strlen(assay_forms_client_side_sha256(forms)), 64);

	assert_int_equal(assay_gw_endpoint(forms, "cm-cloud", scheme,
	    sizeof(scheme), host, sizeof(host), &port, path, sizeof(path), why,
	    sizeof(why)), 0);
	assert_string_equal(scheme, "https");
	assert_string_equal(host, UPD_HOST);
	assert_int_equal(port, 443);
	assert_string_equal(path, "/update/manifest.json");
	assert_int_equal(assay_gw_endpoint(forms, "cm-web", scheme,
	    sizeof(scheme), host, sizeof(host), &port, path, sizeof(path), why,
	    sizeof(why)), ASSAY_ERR_NOT_FOUND);
	assert_non_null(strstr(why, "not declared direction=\"outbound\""));
	assert_int_equal(assay_gw_endpoint(forms, "nope", scheme,
	    sizeof(scheme), host, sizeof(host), &port, path, sizeof(path), why,
	    sizeof(why)), ASSAY_ERR_NOT_FOUND);
}

static void
test_open_without_gateway(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = assay_diag_new();
	struct assay_gw *gw = (void *)1;
	char why[256], ics[4096];

	(void)state;
	snprintf(ics, sizeof(ics), "%s", tu_src("ics/examples/smart-camera.xml"));
	assert_int_equal(assay_forms_load(ASSAY_SOURCE_DIR, ics,
	    tmp_path("ixit.xml"), NULL, &f, d), 0);
	assert_int_equal(assay_gw_open(f, &gw, why, sizeof(why)), 0);
	assert_null(gw);
	assert_string_equal(why, "no lab gateway declared (set-up "
	    "<client-side><gateway>)");
	assay_forms_free(f);
	assay_diag_free(d);
}

/* A gateway interface or address the lab has not set up is named. */
static void
test_open_wrong_interface(void **state)
{
	static const struct {
		const char	*from, *to, *why;
	} cases[] = {
		{ "interface=\"assay-gw0\"", "interface=\"nosuch0\"",
		  "no interface nosuch0 here" },
		{ "address=\"" GW "\" dns-port", "address=\"10.77.0.9\" dns-port",
		  "interface assay-gw0 does not carry 10.77.0.9" },
	};
	struct assay_forms *f;
	struct assay_gw *gw;
	char why[256], *text, *hit;
	size_t i;

	(void)state;
	NEED_NET();
	for (i = 0; i < 2; i++) {
		assert_non_null(hit = strstr(SETUP_XML, cases[i].from));
		assert_true(asprintf(&text, "%.*s%s%s", (int)(hit - SETUP_XML),
		    SETUP_XML, cases[i].to, hit + strlen(cases[i].from)) > 0);
		assert_int_equal(tu_write_file(tmp_path("setup-if.xml"), text,
		    strlen(text)), 0);
		free(text);
		f = NULL;
		assert_int_equal(load_forms("setup-if.xml", &f), 0);
		gw = (void *)1;
		assert_int_equal(assay_gw_open(f, &gw, why, sizeof(why)), 0);
		assert_null(gw);
		assert_non_null(strstr(why, cases[i].why));
		assay_forms_free(f);
	}
}

/* --- DNS -------------------------------------------------------------- */

static char *
dig(const char *args)
{
	char cmd[1024], *out = NULL;

	snprintf(cmd, sizeof(cmd), "dig +tries=1 +time=1 +norecurse %s", args);
	(void)tu_run(cmd, &out);
	return out;
}

static void
test_dns_real_clients(void **state)
{
	struct assay_gw *gw = NULL;
	struct assay_gw_counters c;
	char why[256], name[300], src[64], *out;
	long long ms;
	int answered;

	(void)state;
	NEED_NET();
	if (!tu_have("dig")) {
		fprintf(stderr, "skipped: dig not installed (bind9-dnsutils)\n");
		skip();
	}
	assert_int_equal(assay_gw_open(forms, &gw, why, sizeof(why)), 0);
	assert_non_null(gw);

	/* A declared name: the gateway's address, authoritative, TTL 60. */
	out = dig("@" GW " -b " DEV " " UPD_HOST " A");
	assert_non_null(strstr(out, "status: NOERROR"));
	assert_non_null(strstr(out, UPD_HOST ".\t60\tIN\tA\t" GW));
	assert_non_null(strstr(out, " aa"));
	free(out);
	/* Case does not matter; host(1) is a second client. */
	assert_int_equal(tu_run("host -t A -W 2 Cloud.RefDevice.Test " GW, &out), 0);
	assert_non_null(strstr(out, "has address " GW));
	free(out);
	/* Another name: NXDOMAIN, recorded as asked and not answered. */
	out = dig("@" GW " -b " DEV " example.com A");
	assert_non_null(strstr(out, "status: NXDOMAIN"));
	free(out);
	/* AAAA of a declared name: the name exists, no IPv6 address. */
	out = dig("@" GW " -b " DEV " " UPD_HOST " AAAA");
	assert_non_null(strstr(out, "status: NOERROR"));
	assert_non_null(strstr(out, "ANSWER: 0"));
	free(out);
	/* Other types are refused. */
	out = dig("@" GW " -b " DEV " " UPD_HOST " TXT");
	assert_non_null(strstr(out, "status: REFUSED"));
	free(out);
	/* Another host (the gateway's own address as source): no answer. */
	out = dig("@" GW " -b " GW " " UPD_HOST " A");
	assert_non_null(strstr(out, "timed out"));
	assert_null(strstr(out, "status:"));
	free(out);

	assert_int_equal(assay_gw_dns_count(gw), 5);
	assert_int_equal(assay_gw_dns_name(gw, 0, name, sizeof(name),
	    &answered), 0);
	assert_string_equal(name, UPD_HOST);
	assert_int_equal(answered, 1);
	assert_int_equal(assay_gw_dns_detail(gw, 0, &ms, src, sizeof(src)), 0);
	assert_true(strncmp(src, DEV ":", strlen(DEV) + 1) == 0);
	assert_true(ms >= 0);
	assert_int_equal(assay_gw_dns_name(gw, 1, name, sizeof(name),
	    &answered), 0);
	assert_string_equal(name, CLOUD_HOST);
	assert_int_equal(assay_gw_dns_name(gw, 2, name, sizeof(name),
	    &answered), 0);
	assert_string_equal(name, "example.com");
	assert_int_equal(answered, 0);
	assert_int_equal(assay_gw_dns_name(gw, 3, name, sizeof(name),
	    &answered), 0);
	assert_int_equal(answered, 0);	/* AAAA: no address given */
	assert_int_equal(assay_gw_dns_name(gw, 5, name, sizeof(name),
	    &answered), ASSAY_ERR_NOT_FOUND);
	assay_gw_counters(gw, &c);
	assert_true(c.dns_foreign >= 1);
	assay_gw_close(gw);
}

/* Sends one datagram from the device's address; the reply's length or -1. */
static ssize_t
raw_query(const void *q, size_t len, uint8_t *reply, size_t rlen)
{
	struct sockaddr_in me, to;
	struct pollfd pfd;
	ssize_t n = -1;
	int s;

	assert_true((s = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	inet_pton(AF_INET, DEV, &me.sin_addr);
	assert_int_equal(bind(s, (struct sockaddr *)&me, sizeof(me)), 0);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(53);
	inet_pton(AF_INET, GW, &to.sin_addr);
	assert_true(sendto(s, q, len, 0, (struct sockaddr *)&to,
	    sizeof(to)) == (ssize_t)len);
	pfd.fd = s;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 500) == 1)
		n = recv(s, reply, rlen, 0);
	close(s);
	return n;
}

static void
test_dns_hostile(void **state)
{
	/* id 0x1234, RD, one question */
	static const uint8_t hdr[12] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0,
	    0, 0, 0, 0 };
	uint8_t q[600], r[600];
	struct assay_gw *gw = NULL;
	struct assay_gw_counters c;
	char why[256];
	ssize_t n;

	(void)state;
	NEED_NET();
	assert_int_equal(assay_gw_open(forms, &gw, why, sizeof(why)), 0);
	assert_non_null(gw);

	/* A compression pointer in the question: FORMERR, nothing recorded. */
	memcpy(q, hdr, 12);
	memcpy(q + 12, "\x03" "abc" "\xc0\x0c" "\x00\x01\x00\x01", 10);
	assert_int_equal(n = raw_query(q, 22, r, sizeof(r)), 12);
	assert_int_equal(r[3] & 0x0f, ASSAY_DNS_FORMERR);
	assert_int_equal(r[0], 0x12);
	assert_true(r[2] & 0x80);
	/* Two questions. */
	memcpy(q + 12, "\x03" "abc\x00" "\x00\x01\x00\x01", 9);
	q[5] = 2;
	assert_int_equal(raw_query(q, 21, r, sizeof(r)), 12);
	assert_int_equal(r[3] & 0x0f, ASSAY_DNS_FORMERR);
	q[5] = 1;
	/* A label longer than 63 bytes (0x40 is not a length). */
	q[12] = 0x40;
	assert_int_equal(raw_query(q, 21, r, sizeof(r)), 12);
	assert_int_equal(r[3] & 0x0f, ASSAY_DNS_FORMERR);
	/* A label running past the end. */
	q[12] = 0x3f;
	assert_int_equal(raw_query(q, 21, r, sizeof(r)), 12);
	assert_int_equal(r[3] & 0x0f, ASSAY_DNS_FORMERR);
	q[12] = 3;
	/* A byte that is not a host-name character. */
	q[13] = '\n';
	assert_int_equal(raw_query(q, 21, r, sizeof(r)), 12);
	assert_int_equal(r[3] & 0x0f, ASSAY_DNS_FORMERR);
	q[13] = 'a';
	/* Opcode STATUS: refused. */
	q[2] = 0x10;
	assert_int_equal(raw_query(q, 21, r, sizeof(r)), 12);
	assert_int_equal(r[3] & 0x0f, ASSAY_DNS_REFUSED);
	q[2] = 0x01;
	/* A response is never answered, nor a datagram over 512 bytes. */
	q[2] = 0x81;
	assert_int_equal(raw_query(q, 21, r, sizeof(r)), -1);
	q[2] = 0x01;
	memset(q + 21, 0, 600 - 21);
	assert_int_equal(raw_query(q, 513, r, sizeof(r)), -1);
	/* A name of 254 characters (over 253) in four labels of 63. */
	{
		size_t o = 12, i;

		for (i = 0; i < 4; i++) {
			q[o++] = 63;
			memset(q + o, 'x', 63);
			o += 63;
		}
		q[o++] = 1;
		q[o++] = 'y';
		q[o++] = 0;
		memcpy(q + o, "\x00\x01\x00\x01", 4);
		o += 4;
		assert_int_equal(raw_query(q, o, r, sizeof(r)), 12);
		assert_int_equal(r[3] & 0x0f, ASSAY_DNS_FORMERR);
	}
	/* Still answering afterwards. */
	memcpy(q + 12, "\x06" "update" "\x09" "refdevice" "\x04" "test" "\x00"
	    "\x00\x01\x00\x01", 27);
	assert_int_equal(raw_query(q, 39, r, sizeof(r)), 39 + 16);
	assert_int_equal(r[3] & 0x0f, ASSAY_DNS_NOERROR);
	assert_memory_equal(r + 39 + 12, "\x0a\x4d\x00\x01", 4);
	assay_gw_counters(gw, &c);
	assert_int_equal(c.dns_malformed, 8);	/* with the response */
	assert_int_equal(c.dns_refused, 1);
	assert_int_equal(assay_gw_dns_count(gw), 1);
	assay_gw_close(gw);

	/* A burst: at most ASSAY_GW_DNS_RATE answers in a second, the rest counted. */
	assert_int_equal(assay_gw_open(forms, &gw, why, sizeof(why)), 0);
	{
		struct sockaddr_in me, to;
		struct pollfd pfd;
		int s, i, got = 0;

		assert_true((s = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
		memset(&me, 0, sizeof(me));
		me.sin_family = AF_INET;
		inet_pton(AF_INET, DEV, &me.sin_addr);
		assert_int_equal(bind(s, (struct sockaddr *)&me, sizeof(me)), 0);
		memset(&to, 0, sizeof(to));
		to.sin_family = AF_INET;
		to.sin_port = htons(53);
		inet_pton(AF_INET, GW, &to.sin_addr);
		for (i = 0; i < 80; i++)
			assert_int_equal(sendto(s, q, 39, 0,
			    (struct sockaddr *)&to, sizeof(to)), 39);
		pfd.fd = s;
		pfd.events = POLLIN;
		while (poll(&pfd, 1, 300) == 1 && recv(s, r, sizeof(r), 0) > 0)
			got++;
		close(s);
		assay_gw_counters(gw, &c);
		assert_true(got <= ASSAY_GW_DNS_RATE);
		assert_int_equal((unsigned long)got + c.dns_rate, 80);
		assert_true(c.dns_rate >= 80 - ASSAY_GW_DNS_RATE);
	}
	assay_gw_close(gw);
}

/* --- listen and accept --------------------------------------------------- */

static int
connect_from(const char *src, int port)
{
	struct sockaddr_in me, to;
	int s;

	assert_true((s = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	inet_pton(AF_INET, src, &me.sin_addr);
	assert_int_equal(bind(s, (struct sockaddr *)&me, sizeof(me)), 0);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, GW, &to.sin_addr);
	assert_int_equal(connect(s, (struct sockaddr *)&to, sizeof(to)), 0);
	return s;
}

static void
test_accept_device_only(void **state)
{
	struct assay_gw *gw = NULL;
	struct assay_gw_counters c;
	char why[256], peer[64], b;
	int lfd, cfd, other, dev, b2;

	(void)state;
	NEED_NET();
	assert_int_equal(assay_gw_open(forms, &gw, why, sizeof(why)), 0);
	assert_int_equal(assay_gw_listen(gw, 8443, &lfd, why, sizeof(why)), 0);
	/* Nobody: a timeout is 0 with -1. */
	assert_int_equal(assay_gw_accept(gw, lfd, 100, &cfd, peer,
	    sizeof(peer)), 0);
	assert_int_equal(cfd, -1);
	/* Another host first: closed unread; then the device is accepted. */
	other = connect_from(GW, 8443);
	dev = connect_from(DEV, 8443);
	assert_int_equal(assay_gw_accept(gw, lfd, 2000, &cfd, peer,
	    sizeof(peer)), 0);
	assert_true(cfd >= 0);
	assert_true(strncmp(peer, DEV ":", strlen(DEV) + 1) == 0);
	assert_int_equal(read(other, &b, 1), 0);	/* EOF: closed */
	assay_gw_counters(gw, &c);
	assert_int_equal(c.tcp_foreign, 1);
	/* A second listener on the port is refused with the reason. */
	assert_int_equal(assay_gw_listen(gw, 8443, &b2, why, sizeof(why)),
	    ASSAY_ERR_NETWORK);
	assert_int_equal(b2, -1);
	assert_non_null(strstr(why, "cannot bind " GW ":8443: "));
	close(other);
	close(dev);
	close(cfd);
	close(lfd);
	assay_gw_close(gw);
}

/* --- certificates --------------------------------------------------------- */

static X509 *
ctx_cert(SSL_CTX *ctx)
{
	return SSL_CTX_get0_certificate(ctx);
}

static int
has_san(X509 *x, const char *name)
{
	return X509_check_host(x, name, 0, 0, NULL) == 1;
}

static void
test_server_ctx_kinds(void **state)
{
	struct assay_gw *gw = NULL;
	SSL_CTX *ctx;
	X509 *x;
	const char *issuer;
	char why[256], cn[256];

	(void)state;
	NEED_NET();
	assert_int_equal(assay_gw_open(forms, &gw, why, sizeof(why)), 0);

	assert_int_equal(assay_gw_server_ctx(gw, UPD_HOST, ASSAY_GW_SELF_SIGNED,
	    0, &ctx, &issuer, why, sizeof(why)), 0);
	assert_string_equal(issuer, "self");
	x = ctx_cert(ctx);
	assert_true(has_san(x, UPD_HOST));
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)), 0);
	SSL_CTX_free(ctx);

	/* The lab's CA issues wrong-host and expired for a host with one. */
	assert_int_equal(assay_gw_server_ctx(gw, UPD_HOST, ASSAY_GW_WRONG_HOST,
	    0, &ctx, &issuer, why, sizeof(why)), 0);
	assert_string_equal(issuer, "lab-ca");
	x = ctx_cert(ctx);
	assert_false(has_san(x, UPD_HOST));
	assert_true(has_san(x, "wrong.invalid"));
	X509_NAME_oneline(X509_get_issuer_name(x), cn, sizeof(cn));
	assert_non_null(strstr(cn, "Refdevice test cloud CA"));
	SSL_CTX_free(ctx);

	assert_int_equal(assay_gw_server_ctx(gw, UPD_HOST, ASSAY_GW_EXPIRED,
	    0, &ctx, &issuer, why, sizeof(why)), 0);
	assert_string_equal(issuer, "lab-ca");
	x = ctx_cert(ctx);
	assert_true(has_san(x, UPD_HOST));
	assert_true(X509_cmp_current_time(X509_get0_notAfter(x)) < 0);
	assert_true(X509_cmp_current_time(X509_get0_notBefore(x)) < 0);
	SSL_CTX_free(ctx);

	/* Without a CA for the host (cloud): Assay's own CA. */
	assert_int_equal(assay_gw_server_ctx(gw, CLOUD_HOST, ASSAY_GW_EXPIRED,
	    0, &ctx, &issuer, why, sizeof(why)), 0);
	assert_string_equal(issuer, "assay-ca");
	SSL_CTX_free(ctx);
	assert_int_equal(assay_gw_server_ctx(gw, UPD_HOST, ASSAY_GW_UNTRUSTED_CA,
	    1, &ctx, &issuer, why, sizeof(why)), 0);
	assert_string_equal(issuer, "assay-ca");
	assert_int_equal(SSL_CTX_get_max_proto_version(ctx), TLS1_VERSION);
	x = ctx_cert(ctx);
	X509_NAME_oneline(X509_get_issuer_name(x), cn, sizeof(cn));
	assert_non_null(strstr(cn, "Assay interception CA"));
	SSL_CTX_free(ctx);

	assert_int_equal(assay_gw_server_ctx(gw, UPD_HOST, ASSAY_GW_IDENTITY,
	    0, &ctx, &issuer, why, sizeof(why)), 0);
	assert_string_equal(issuer, "identity");
	SSL_CTX_free(ctx);
	assert_int_equal(assay_gw_server_ctx(gw, "other.test", ASSAY_GW_IDENTITY,
	    0, &ctx, &issuer, why, sizeof(why)), 0);
	assert_null(ctx);
	assert_null(issuer);
	assert_string_equal(why, "no <identity> declared for other.test");
	assay_gw_close(gw);
}

/* --- interception against real clients ----------------------------------- */

/*
 * A client that keeps connecting, as a device retries: cmd run again
 * every 0.2 s until the STOP file appears.  Returns its pid.
 */
static pid_t
client_loop(const char *cmd)
{
	char script[4096];
	pid_t pid;

	(void)unlink(tmp_path("STOP"));
	/* It also ends when this test is gone or after 300 tries. */
	snprintf(script, sizeof(script), "cd %s/lab && i=0 && while [ ! -e "
	    "../STOP ] && [ $i -lt 300 ] && kill -0 %ld 2>/dev/null; do "
	    "( %s ) >/dev/null 2>&1 </dev/null; sleep 0.2; i=$((i + 1)); done",
	    tmpdir, (long)getpid(), cmd);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void
client_stop(pid_t pid)
{
	int st;

	assert_int_equal(tu_write_file(tmp_path("STOP"), "", 0), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
}

#define S_CLIENT	"printf 'GET /update/manifest.json HTTP/1.0\\r\\n\\r\\n' | " \
	"timeout 5 openssl s_client -connect " GW ":443 -servername " UPD_HOST \
	" -quiet -ign_eof"
#define S_VERIFY	" -verify_return_error -verify_hostname " UPD_HOST \
	" -CAfile ca.pem"
#define CURL		"curl -sS -m 5 --resolve " UPD_HOST ":443:" GW \
	" https://" UPD_HOST "/update/manifest.json"

static const enum assay_icpt_variant ALL[ASSAY_ICPT_NVARIANTS] = {
	ASSAY_ICPT_SELF_SIGNED, ASSAY_ICPT_WRONG_HOST, ASSAY_ICPT_EXPIRED,
	ASSAY_ICPT_UNTRUSTED_CA, ASSAY_ICPT_TLS10, ASSAY_ICPT_CONTROL
};

/* Runs every variant against the client cmd; results in r. */
static void
intercept_with(const char *cmd, struct assay_icpt_result *r)
{
	struct assay_gw *gw = NULL;
	char why[256];
	pid_t pid;

	assert_int_equal(assay_gw_open(forms, &gw, why, sizeof(why)), 0);
	assert_non_null(gw);
	pid = client_loop(cmd);
	assert_int_equal(assay_intercept_run(gw, UPD_HOST, 443, ALL,
	    ASSAY_ICPT_NVARIANTS, 8000, 700, NULL, r, why, sizeof(why)), 0);
	client_stop(pid);
	assay_gw_close(gw);
}

/*
 * Refused: connected, no application data.  A client may complete the
 * handshake and only then judge (curl checks the name after it), so the
 * handshake is checked only where hs is 0 or 1 (-1: either).
 */
static void
expect_refused(const struct assay_icpt_result *r, int alert, int hs)
{
	const char *n = assay_icpt_variant_name(r->variant);

	if (!r->connected || (hs >= 0 && r->handshake != hs) ||
	    r->app_data != 0 ||
	    (alert >= 0 && (!r->alert || r->alert_code != alert)))
		fail_msg("%s: connected %d handshake %d app_data %zu alert %d "
		    "%d (%s): %s", n, r->connected, r->handshake, r->app_data,
		    r->alert, r->alert_code, r->alert_desc, r->reason);
}

static void
expect_accepted(const struct assay_icpt_result *r)
{
	const char *n = assay_icpt_variant_name(r->variant);

	if (!r->connected || !r->handshake || r->app_data == 0 ||
	    r->first == NULL || strcmp(r->first, "http") != 0)
		fail_msg("%s: connected %d handshake %d app_data %zu: %s", n,
		    r->connected, r->handshake, r->app_data, r->reason);
}

static void
test_intercept_validating_openssl(void **state)
{
	struct assay_icpt_result r[ASSAY_ICPT_NVARIANTS];

	(void)state;
	NEED_NET();
	intercept_with(S_CLIENT S_VERIFY, r);
	/* unknown_ca for a self-signed leaf and an unknown issuer */
	expect_refused(&r[0], 48, 0);
	assert_string_equal(r[0].issuer, "self");
	expect_refused(&r[1], 42, 0);	/* bad_certificate: the name */
	assert_string_equal(r[1].issuer, "lab-ca");
	expect_refused(&r[2], 45, 0);	/* certificate_expired */
	assert_string_equal(r[2].issuer, "lab-ca");
	expect_refused(&r[3], 48, 0);
	assert_string_equal(r[3].issuer, "assay-ca");
	expect_refused(&r[4], -1, 0);	/* TLS 1.0 below the client's floor */
	assert_string_equal(r[4].issuer, "identity");
	expect_accepted(&r[5]);
	assert_string_equal(r[5].issuer, "identity");
	assert_string_equal(r[5].sni, UPD_HOST);
	assert_non_null(strstr(r[5].offered, "TLSv1.3"));
	assert_string_equal(r[5].version, "TLSv1.3");
	assert_true(strncmp(r[5].peer, DEV ":", strlen(DEV) + 1) == 0);
}

static void
test_intercept_careless_openssl(void **state)
{
	struct assay_icpt_result r[ASSAY_ICPT_NVARIANTS];
	size_t i;

	(void)state;
	NEED_NET();
	/* No verification, any protocol version: it takes every server. */
	intercept_with(S_CLIENT " -cipher DEFAULT:@SECLEVEL=0", r);
	for (i = 0; i < ASSAY_ICPT_NVARIANTS; i++)
		expect_accepted(&r[i]);
	assert_string_equal(r[4].version, "TLSv1");
}

static void
test_intercept_curl(void **state)
{
	struct assay_icpt_result r[ASSAY_ICPT_NVARIANTS];
	size_t i;

	(void)state;
	NEED_NET();
	if (!tu_have("curl")) {
		fprintf(stderr, "skipped: curl not installed\n");
		skip();
	}
	intercept_with(CURL " --cacert ca.pem", r);
	for (i = 0; i < 5; i++)
		expect_refused(&r[i], -1, -1);
	expect_accepted(&r[5]);
	/* -k: curl takes any certificate, but not TLS 1.0 (its floor). */
	intercept_with(CURL " -k", r);
	for (i = 0; i < 4; i++)
		expect_accepted(&r[i]);
	expect_refused(&r[4], -1, 0);
	expect_accepted(&r[5]);
}

static void
test_intercept_nobody(void **state)
{
	static const enum assay_icpt_variant v[2] = { ASSAY_ICPT_EXPIRED,
	    ASSAY_ICPT_CONTROL };
	struct assay_icpt_result r[2];
	struct assay_gw *gw = NULL;
	char why[256];

	(void)state;
	NEED_NET();
	assert_int_equal(assay_gw_open(forms, &gw, why, sizeof(why)), 0);
	/* Another host's connection is not the device's. */
	{
		pid_t pid = client_loop("timeout 2 openssl s_client -connect "
		    GW ":443 -bind " GW ":0 -quiet");

		assert_int_equal(assay_intercept_run(gw, CLOUD_HOST, 443, v, 2,
		    600, 200, NULL, r, why, sizeof(why)), 0);
		client_stop(pid);
	}
	assert_false(r[0].connected);
	assert_string_equal(r[0].reason, "no connection from the device "
	    "within 600 ms");
	assert_string_equal(r[0].issuer, "assay-ca");
	/* The cloud identity has no CA but is an identity: control runs. */
	assert_false(r[1].skipped);
	assay_gw_close(gw);
}

/* A device that trickles a byte every 100 ms, or sends garbage at once. */
struct trickle {
	int	garbage;
};

static void *
trickle_client(void *arg)
{
	/* a TLS record header and the start of a ClientHello */
	static const unsigned char hello[] = { 0x16, 0x03, 0x01, 0x02, 0x00,
	    0x01, 0x00, 0x01, 0xfc, 0x03, 0x03 };
	struct trickle *t = arg;
	int s, i;

	usleep(100000);
	s = connect_from(DEV, 443);
	if (t->garbage) {
		(void)send(s, "GET / HTTP/1.0\r\n\r\n", 18, MSG_NOSIGNAL);
		usleep(500000);
	} else
		for (i = 0; i < 30; i++) {
			/* MSG_NOSIGNAL: Assay hangs up before the end */
			if (send(s, &hello[i % sizeof(hello)], 1,
			    MSG_NOSIGNAL) != 1)
				break;
			usleep(100000);
		}
	close(s);
	return NULL;
}

static void
test_intercept_hostile_client(void **state)
{
	static const enum assay_icpt_variant v[1] = { ASSAY_ICPT_SELF_SIGNED };
	struct assay_icpt_result r[1];
	struct assay_gw *gw = NULL;
	struct trickle t;
	pthread_t th;
	char why[256];

	(void)state;
	NEED_NET();
	assert_int_equal(assay_gw_open(forms, &gw, why, sizeof(why)), 0);
	/* 3 s of trickling: the handshake's 500 ms deadline ends it. */
	t.garbage = 0;
	assert_int_equal(pthread_create(&th, NULL, trickle_client, &t), 0);
	assert_int_equal(assay_intercept_run(gw, UPD_HOST, 443, v, 1, 3000, 500,
	    NULL, r, why, sizeof(why)), 0);
	assert_true(r[0].connected && !r[0].handshake);
	assert_string_equal(r[0].reason, "handshake not completed within 500 ms");
	assert_true(r[0].seconds < 1.5);
	pthread_join(th, NULL);
	/* Not TLS at all: refused at once, with OpenSSL's reason. */
	t.garbage = 1;
	assert_int_equal(pthread_create(&th, NULL, trickle_client, &t), 0);
	assert_int_equal(assay_intercept_run(gw, UPD_HOST, 443, v, 1, 3000, 500,
	    NULL, r, why, sizeof(why)), 0);
	assert_true(r[0].connected && !r[0].handshake && r[0].app_data == 0);
	assert_non_null(strstr(r[0].reason, "handshake failed: "));
	pthread_join(th, NULL);
	assay_gw_close(gw);
}

/* --- assay.net.intercept through the API a test case sees -------------------- */

struct notes {
	char	text[16384];
	size_t	len;
};

static void
record(void *arg, const char *channel, const char *dir, const void *data,
    size_t len)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	struct notes *n = arg;

	/* Channels side by side note from threads of their own. */
	pthread_mutex_lock(&mu);
	if (strcmp(dir, "note") == 0 && n->len + len + 2 < sizeof(n->text)) {
		memcpy(n->text + n->len, data, len);
		n->len += len;
		n->text[n->len++] = '\n';
		n->text[n->len] = '\0';
	}
	pthread_mutex_unlock(&mu);
	(void)channel;
}

static int
run_lua(const char *src, const struct assay_forms *f, struct notes *notes,
    char *err, size_t errlen)
{
	struct assay_sandbox *sb = NULL;
	struct assay_budget *b;
	struct assay_probe_env env;
	struct assay_api_ctx ctx;
	struct assay_result res;
	int r;

	memset(&res, 0, sizeof(res));
	assert_non_null(b = assay_budget_new(8, 1000));
	memset(&env, 0, sizeof(env));
	env.budget = b;
	env.timeout_ms = 1000;
	env.max_read = 4096;
	env.record = record;
	env.record_arg = notes;
	memset(&ctx, 0, sizeof(ctx));
	ctx.result = &res;
	ctx.probe_env = &env;
	ctx.datadir = ASSAY_SOURCE_DIR;
	ctx.forms = f;
	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	assert_int_equal(assay_api_install(sb, &ctx), 0);
	if ((r = assay_sandbox_load(sb, "@intercept.lua", src, strlen(src))) == 0)
		r = assay_sandbox_call(sb, 0, 0);
	snprintf(err, errlen, "%s", assay_sandbox_error(sb));
	assay_sandbox_free(sb);
	assay_budget_free(b);
	assay_result_clear(&res);
	return r;
}

static void
test_intercept_lua(void **state)
{
	static const char src[] =
	    "local cs = assert(assay.setup.client_side)\n"
	    "assert(cs.gateway.address == '" GW "' and cs.gateway.dns_port == 53)\n"
	    "assert(#cs.identities == 2 and cs.identities[1].host == '" UPD_HOST "')\n"
	    "assert(cs.watch[1].label == 'owner e-mail' and cs.watch[1].value == nil)\n"
	    "local r, why = assay.net.intercept{ channel = 'cm-cloud',\n"
	    "    variants = { 'expired', 'control' }, wait_ms = 8000, read_ms = 700 }\n"
	    "assert(r, why)\n"
	    "assert(r.host == '" UPD_HOST "' and r.port == 443 and r.channel == 'cm-cloud')\n"
	    "local e, c = r.variants[1], r.variants[2]\n"
	    "assert(e.name == 'expired' and e.issuer == 'lab-ca' and e.connected)\n"
	    "assert(not e.handshake and not e.accepted and e.app_data == 0)\n"
	    "assert(e.alert and e.alert.code == 45, e.reason)\n"
	    "assert(c.name == 'control' and c.accepted and c.first == 'http')\n"
	    "assert(c.sni == '" UPD_HOST "' and c.version == 'TLSv1.3')\n"
	    "local asked = false\n"
	    "for _, d in ipairs(r.dns) do\n"
	    "  if d.name == '" UPD_HOST "' and d.answered then asked = true end\n"
	    "end\n"
	    "assert(asked, 'the client resolved the host through the gateway')\n"
	    /* a channel that is not outbound is the test case's bug */
	    "assert(not pcall(assay.net.intercept, { channel = 'cm-web' }))\n";
	struct notes n;
	char err[4096];
	pid_t pid;

	(void)state;
	NEED_NET();
	if (!tu_have("dig")) {
		fprintf(stderr, "skipped: dig not installed\n");
		skip();
	}
	memset(&n, 0, sizeof(n));
	/* The client asks the gateway's DNS first, as a device does. */
	pid = client_loop("A=$(dig +short +time=1 +tries=1 -b " DEV " @" GW " "
	    UPD_HOST " A) && [ -n \"$A\" ] && printf 'GET / HTTP/1.0\\r\\n\\r\\n' | "
	    "timeout 5 openssl s_client -connect $A:443 -servername " UPD_HOST
	    " -quiet -ign_eof" S_VERIFY);
	if (run_lua(src, forms, &n, err, sizeof(err)) != 0) {
		client_stop(pid);
		fail_msg("%s", err);
	}
	client_stop(pid);
	/* One note per variant, facts only: no received byte in clear. */
	assert_non_null(strstr(n.text, "standing in for " UPD_HOST ":443 "
	    "(channel cm-cloud) at " GW ", 2 variants"));
	assert_non_null(strstr(n.text, "variant expired (issuer lab-ca): "
	    "connection from " DEV ":"));
	assert_non_null(strstr(n.text, "the device sent TLS alert 45"));
	assert_non_null(strstr(n.text, "variant control (issuer identity)"));
	assert_non_null(strstr(n.text, "bytes of application data, HTTP"));
	assert_non_null(strstr(n.text, "DNS at " GW ": "));
	assert_non_null(strstr(n.text, UPD_HOST " (answered)"));
	assert_null(strstr(n.text, "GET /"));
}

#define C_CLIENT	"printf 'x' | timeout 5 openssl s_client -connect " GW \
	":8883 -servername " CLOUD_HOST " -quiet -ign_eof -verify_return_error " \
	"-verify_hostname " CLOUD_HOST " -CAfile ca.pem"

/*
 * Two channels in one call run side by side.  cm-cloud (443) gets no
 * client and waits out its variants; cm-telemetry (8883) has one at once.
 * Side by side, cm-telemetry is done before cm-cloud's first wait ends;
 * one after the other, it could not even have begun by then.
 */
static void
test_intercept_lua_channels(void **state)
{
	static const char src[] =
	    "local r, why = assay.net.intercept{ channels = { 'cm-cloud', 'cm-telemetry' },\n"
	    "    variants = { 'expired', 'control' }, wait_ms = 4000, read_ms = 700 }\n"
	    "assert(r, why)\n"
	    "local a, b = r.channels['cm-cloud'], r.channels['cm-telemetry']\n"
	    "assert(a.channel == 'cm-cloud' and a.host == '" UPD_HOST "' and a.port == 443)\n"
	    "assert(b.channel == 'cm-telemetry' and b.host == '" CLOUD_HOST "' and b.port == 8883)\n"
	    "assert(a.error == nil and b.error == nil)\n"
	    "assert(not a.variants[1].connected and not a.variants[2].connected)\n"
	    "assert(a.variants[1].reason == 'no connection from the device within 4000 ms')\n"
	    "local e, c = b.variants[1], b.variants[2]\n"
	    "assert(e.name == 'expired' and e.issuer == 'assay-ca' and e.connected, e.reason)\n"
	    "assert(not e.accepted and e.app_data == 0)\n"
	    "assert(c.name == 'control' and c.accepted and c.sni == '" CLOUD_HOST "', c.reason)\n"
	    "assert(#b.dns == #a.dns)\n"
	    /* what a test case asked wrongly raises, before any port is bound */
	    "assert(not pcall(assay.net.intercept, { channel = 'cm-cloud', channels = { 'cm-cloud' } }))\n"
	    "assert(not pcall(assay.net.intercept, { channels = { 'cm-cloud', 'cm-cloud' } }))\n"
	    "assert(not pcall(assay.net.intercept, { channels = {} }))\n"
	    "assert(not pcall(assay.net.intercept, { channels = { 'cm-cloud', 'cm-web' } }))\n"
	    "assert(not pcall(assay.net.intercept, { channels = { 'cm-cloud', 7 } }))\n";
	static const char busy[] =
	    "local r, why = assay.net.intercept{ channels = { 'cm-cloud', 'cm-telemetry' },\n"
	    "    variants = { 'control' }, wait_ms = 4000, read_ms = 700 }\n"
	    "assert(r, why)\n"
	    "local a, b = r.channels['cm-cloud'], r.channels['cm-telemetry']\n"
	    "assert(a.error == nil and a.variants[1].accepted, a.variants[1].reason)\n"
	    "assert(b.error and b.error:find('cannot bind " GW ":8883', 1, true), b.error)\n"
	    "assert(b.variants[1].skipped and not b.variants[1].connected)\n";
	struct sockaddr_in sin;
	struct notes n;
	char err[4096];
	const char *tel, *cloud;
	pid_t pid;
	int s, one = 1;

	(void)state;
	NEED_NET();
	memset(&n, 0, sizeof(n));
	pid = client_loop(C_CLIENT);
	if (run_lua(src, forms, &n, err, sizeof(err)) != 0) {
		client_stop(pid);
		fail_msg("%s", err);
	}
	client_stop(pid);
	assert_non_null(strstr(n.text, "(channel cm-cloud) at " GW ", 2 "
	    "variants, up to 4000 ms each, beside the other channels"));
	assert_non_null(tel = strstr(n.text, CLOUD_HOST ":8883 variant "
	    "control (issuer identity): connection from " DEV ":"));
	assert_non_null(cloud = strstr(n.text, UPD_HOST ":443 variant "
	    "expired (issuer lab-ca): no connection"));
	if (tel > cloud)
		fail_msg("the channels ran one after the other:\n%s", n.text);

	/* A port Assay cannot bind: that channel says why, the other runs. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(8883);
	assert_int_equal(inet_pton(AF_INET, GW, &sin.sin_addr), 1);
	assert_true((s = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	(void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(s, 1), 0);
	memset(&n, 0, sizeof(n));
	pid = client_loop(S_CLIENT S_VERIFY);
	if (run_lua(busy, forms, &n, err, sizeof(err)) != 0) {
		client_stop(pid);
		close(s);
		fail_msg("%s", err);
	}
	client_stop(pid);
	close(s);
}

/* --- against the reference device (assay-refdevice --gateway) ------------------ */

#define REFDEVICE	ASSAY_BINARY_DIR "/assay-refdevice"

/*
 * Starts the persona in gateway mode with its own forms.  The device
 * makes assay-gw0 itself, so this test's pair goes first (these cases run
 * last).  0, or 1 when the device has no gateway mode (skip).
 */
static int
refdevice_start(const char *persona, char **dirp, struct assay_forms **fp)
{
	struct assay_diag *d = assay_diag_new();
	char cmd[2048], ics[4096], ixit[4096], setup[4096], *out = NULL;
	int st;

	(void)tu_run("ip link del assay-gw0", NULL);
	assert_non_null(*dirp = tu_mkdtemp("gw-refdevice"));
	snprintf(cmd, sizeof(cmd), "%s --persona %s --dir %s/dev --gateway "
	    "--client-interval 1", REFDEVICE, persona, *dirp);
	if ((st = tu_run(cmd, &out)) != 0) {
		int nogw = out != NULL && strstr(out, "--gateway") != NULL &&
		    strstr(out, "usage") != NULL;

		if (!nogw)
			fail_msg("%s: exit %d: %s", cmd, st, out ? out : "");
		free(out);
		assay_diag_free(d);
		tu_rmrf(*dirp);
		free(*dirp);
		return 1;
	}
	free(out);
	snprintf(ics, sizeof(ics), "%s/dev/ics.xml", *dirp);
	snprintf(ixit, sizeof(ixit), "%s/dev/ixit.xml", *dirp);
	snprintf(setup, sizeof(setup), "%s/dev/setup.xml", *dirp);
	if (assay_forms_load(ASSAY_SOURCE_DIR, ics, ixit, setup, fp, d) != 0) {
		assay_diag_print(d, stderr);
		fail_msg("the reference device's forms do not load");
	}
	assay_diag_free(d);
	return 0;
}

static void
refdevice_stop(char *dir, struct assay_forms *f)
{
	char path[4096], *pid;
	int i;

	snprintf(path, sizeof(path), "%s/dev/refdevice.pid", dir);
	if ((pid = tu_read_file(path, NULL)) != NULL) {
		kill((pid_t)atoi(pid), SIGTERM);
		free(pid);
	}
	for (i = 0; i < 50 && tu_run("ip link show assay-gw0", NULL) == 0; i++)
		usleep(100000);
	assay_forms_free(f);
	tu_rmrf(dir);
	free(dir);
}

/* Intercepts channel of the running device with every variant. */
static void
refdevice_intercept(struct assay_forms *f, const char *channel,
    struct assay_icpt_result *r)
{
	struct assay_gw *gw = NULL;
	char scheme[16], host[256], path[1024], why[512];
	int port;
	size_t i;

	assert_int_equal(assay_gw_endpoint(f, channel, scheme, sizeof(scheme),
	    host, sizeof(host), &port, path, sizeof(path), why, sizeof(why)), 0);
	assert_int_equal(assay_gw_open(f, &gw, why, sizeof(why)), 0);
	if (gw == NULL)
		fail_msg("gateway: %s", why);
	assert_int_equal(assay_intercept_run(gw, host, port, ALL,
	    ASSAY_ICPT_NVARIANTS, 10000, 1500, NULL, r, why, sizeof(why)), 0);
	assay_gw_close(gw);
	for (i = 0; i < ASSAY_ICPT_NVARIANTS; i++)
		fprintf(stderr, "  %s %-12s %-8s conn=%d hs=%d %s app=%zu %s "
		    "alert=%d offered=%s sni=%s %.1fs %s\n", channel,
		    assay_icpt_variant_name(r[i].variant), r[i].issuer ?
		    r[i].issuer : "-", r[i].connected, r[i].handshake,
		    r[i].version, r[i].app_data, r[i].first ? r[i].first : "-",
		    r[i].alert ? r[i].alert_code : -1, r[i].offered, r[i].sni,
		    r[i].seconds, r[i].reason);
}

static void
test_refdevice_conforming(void **state)
{
	struct assay_icpt_result r[ASSAY_ICPT_NVARIANTS];
	struct assay_forms *f = NULL;
	char *dir = NULL;
	size_t i;

	(void)state;
	NEED_NET();
	if (refdevice_start("conforming", &dir, &f) != 0) {
		fprintf(stderr, "skipped: assay-refdevice has no --gateway\n");
		skip();
	}
	/* Update channel: every flawed server refused, the genuine one used. */
	refdevice_intercept(f, "com-update", r);
	for (i = 0; i < 5; i++)
		expect_refused(&r[i], -1, -1);
	expect_accepted(&r[5]);
	assert_string_equal(r[5].sni, UPD_HOST);
	assert_null(strstr(r[0].offered, "TLSv1.0"));
	/* Telemetry over MQTT/TLS: the same, the control's data is MQTT. */
	refdevice_intercept(f, "com-cloud", r);
	for (i = 0; i < 5; i++)
		expect_refused(&r[i], -1, -1);
	assert_true(r[5].connected && r[5].handshake && r[5].app_data > 0);
	assert_string_equal(r[5].first, "mqtt");
	refdevice_stop(dir, f);
}

static void
test_refdevice_weak(void **state)
{
	struct assay_icpt_result r[ASSAY_ICPT_NVARIANTS];
	struct assay_forms *f = NULL;
	char *dir = NULL;
	size_t i;

	(void)state;
	NEED_NET();
	if (refdevice_start("weak", &dir, &f) != 0) {
		fprintf(stderr, "skipped: assay-refdevice has no --gateway\n");
		skip();
	}
	/* It checks nothing and takes TLS 1.0: every server is accepted. */
	refdevice_intercept(f, "com-update", r);
	for (i = 0; i < ASSAY_ICPT_NVARIANTS; i++)
		expect_accepted(&r[i]);
	assert_string_equal(r[4].version, "TLSv1");
	assert_non_null(strstr(r[0].offered, "TLSv1.0"));
	refdevice_stop(dir, f);
}

/* --- main ------------------------------------------------------------------ */

/*
 * Runs the tests inside a namespace of their own: unless already there,
 * exec `unshare -rn` on this program; when that cannot work, run them
 * here and skip the ones that need the network.
 */
int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_side_loaded),
		cmocka_unit_test(test_open_without_gateway),
		cmocka_unit_test(test_open_wrong_interface),
		cmocka_unit_test(test_dns_real_clients),
		cmocka_unit_test(test_dns_hostile),
		cmocka_unit_test(test_accept_device_only),
		cmocka_unit_test(test_server_ctx_kinds),
		cmocka_unit_test(test_intercept_validating_openssl),
		cmocka_unit_test(test_intercept_careless_openssl),
		cmocka_unit_test(test_intercept_curl),
		cmocka_unit_test(test_intercept_nobody),
		cmocka_unit_test(test_intercept_hostile_client),
		cmocka_unit_test(test_intercept_lua),
		cmocka_unit_test(test_intercept_lua_channels),
		/* last: they replace this test's veth pair with the device's */
		cmocka_unit_test(test_refdevice_conforming),
		cmocka_unit_test(test_refdevice_weak),
	};

	(void)argc;
	no_net = tu_enter_netns(argv, ENV_INSIDE, NULL);
	/* A hang fails the test (SIGALRM) well before ctest's 300 s. */
	alarm(240);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
