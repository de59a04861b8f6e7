/*
 * test_forms.c - the ICS/IXIT/set-up loader: examples, every kind of
 * mistake (with its line), facts and their consistency, ICS against IXIT,
 * version-1 forms, secrets of the set-up file, and hostile XML.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/error.h"
#include "base/hash.h"
#include "run/evidence.h"
#include "forms/forms.h"
#include "probe/probe.h"
#include "forms/spec.h"
#include "testutil.h"

#define ICS_EX		"ics/examples/smart-camera.xml"
#define IXIT_EX		"ixit/examples/smart-camera.xml"
#define SETUP_EX	"setup/examples/smart-camera.xml"
#define FAST_MS		1000

static char *tmpdir;

static int
setup(void **state)
{
	tmpdir = tu_mkdtemp("forms");
	return tmpdir == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	tu_rmrf(tmpdir);
	free(tmpdir);
	return 0;
}

static const char *
tmp_path(const char *name)
{
	static char p[4096];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

static void
write_tmp(const char *name, const char *text)
{
	assert_int_equal(tu_write_file(tmp_path(name), text, strlen(text)), 0);
}

/*
 * Copies a source file (or an absolute path, such as an earlier variant)
 * to tmp with the first `from` replaced by `to`.
 */
static const char *
variant(const char *rel, const char *name, const char *from, const char *to)
{
	char *src, *hit, *out;
	size_t len;

	assert_non_null(src = tu_read_file(rel[0] == '/' ? rel : tu_src(rel),
	    &len));
	assert_non_null(hit = strstr(src, from));
	assert_non_null(out = malloc(len - strlen(from) + strlen(to) + 1));
	memcpy(out, src, (size_t)(hit - src));
	strcpy(out + (hit - src), to);
	strcat(out, hit + strlen(from));
	write_tmp(name, out);
	free(out);
	free(src);
	return tmp_path(name);
}

/* 1-based line of p in text. */
static long
line_at(const char *text, const char *p)
{
	long line = 1;

	assert_non_null(p);
	for (; text < p; text++)
		line += *text == '\n';
	return line;
}

/*
 * Loads the three files (setup may be NULL); returns the code and leaves
 * the diagnostics in *dp.
 */
static int
load3(const char *ics, const char *ixit, const char *setup,
    struct assay_forms **fp, struct assay_diag **dp)
{
	char ics_abs[4096], ixit_abs[4096], setup_abs[4096];

	snprintf(ics_abs, sizeof(ics_abs), "%s", ics[0] == '/' ? ics : tu_src(ics));
	snprintf(ixit_abs, sizeof(ixit_abs), "%s", ixit[0] == '/' ? ixit :
	    tu_src(ixit));
	if (setup != NULL)
		snprintf(setup_abs, sizeof(setup_abs), "%s", setup[0] == '/' ?
		    setup : tu_src(setup));
	assert_non_null(*dp = assay_diag_new());
	return assay_forms_load(ASSAY_SOURCE_DIR, ics_abs, ixit_abs,
	    setup != NULL ? setup_abs : NULL, fp, *dp);
}

/* Loads the pair with the example set-up file. */
static int
load(const char *ics, const char *ixit, struct assay_forms **fp,
    struct assay_diag **dp)
{
	return load3(ics, ixit, SETUP_EX, fp, dp);
}

/* Asserts one diagnostic for file ending in `file` at line with msg. */
static void
assert_diag(const struct assay_diag *d, const char *file, long line,
    const char *msg)
{
	size_t i, n = assay_diag_count(d);
	size_t fl = strlen(file);

	for (i = 0; i < n; i++) {
		const char *f = assay_diag_file(d, i);
		size_t l = strlen(f);

		if (l >= fl && strcmp(f + l - fl, file) == 0 &&
		    assay_diag_line(d, i) == line &&
		    strstr(assay_diag_message(d, i), msg) != NULL)
			return;
	}
	assay_diag_print(d, stderr);
	fail_msg("expected %s:%ld: ...%s...", file, line, msg);
}

/* --- valid forms ------------------------------------------------------ */

static void
test_examples_valid(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	const struct assay_spec *s;
	enum assay_support su;
	const char *detail;
	size_t i, n;
	int r;

	r = load(ICS_EX, IXIT_EX, &f, &d);
	if (r != 0)
		assay_diag_print(d, stderr);
	assert_int_equal(r, 0);
	assert_int_equal(assay_diag_count(d), 0);
	assert_non_null(s = assay_forms_spec(f));

	/* ICS */
	assert_string_equal(assay_forms_standard(f), "EN 303 645");
	assert_string_equal(assay_forms_standard_version(f), "2.1.1");
	assert_null(assay_forms_profile(f));
	assert_string_equal(assay_forms_device(f, "manufacturer"),
	    "Example Optics Ltd");
	assert_string_equal(assay_forms_device(f, "model"), "SC-200 Smart Camera");
	assert_null(assay_forms_device(f, "colour"));
	assert_int_equal(assay_forms_nserials(f), 1);
	assert_string_equal(assay_forms_serial(f, 0), "SC200-000123");
	/* Every V2.1.1 provision declared; the V3.1.3 extras are optional. */
	assert_int_equal(assay_spec_nprovisions(s), 68 + 16);
	for (i = 0; i < assay_spec_nprovisions(s); i++)
		assert_int_equal(assay_forms_support(f,
		    assay_spec_provision_id(s, i), &su, &detail),
		    assay_spec_provision_extra(s, i) ? ASSAY_ERR_NOT_FOUND : 0);
	assert_int_equal(assay_forms_support(f, "5.6-8", &su, &detail), 0);
	assert_int_equal(su, ASSAY_SUPPORT_NO);
	assert_true(strlen(detail) > 10);
	assert_int_equal(assay_forms_support(f, "5.4-2", &su, NULL), 0);
	assert_string_equal(assay_support_name(su), "N/A");
	assert_int_equal(assay_forms_support(f, "9.9-9", &su, NULL),
	    ASSAY_ERR_NOT_FOUND);
	assert_int_equal(assay_forms_condition(f, 1), 1);
	assert_int_equal(assay_forms_condition(f, 4), 0);
	assert_int_equal(assay_forms_condition(f, 14), -1);
	assert_true(strlen(assay_forms_ics_sha256(f)) == 64);

	/* Set-up */
	assert_int_equal(assay_forms_naddresses(f), 1);
	assert_string_equal(assay_forms_address(f, 0), "127.0.0.1");
	assert_int_equal(assay_forms_budget_max_connections(f), 64);
	assert_int_equal(assay_forms_budget_max_rate(f), 1000000);
	assert_true(assay_forms_budget_adaptive(f));
	assert_non_null(strstr(assay_forms_setup_path(f), SETUP_EX));
	assert_true(strlen(assay_forms_setup_sha256(f)) == 64);

	/* IXIT */
	assert_int_equal(assay_forms_nservices(f), 3);
	i = (size_t)assay_forms_service_find(f, "mqtt");
	assert_int_equal(assay_forms_service_port(f, i), 8883);
	assert_string_equal(assay_forms_service_security(f, i), "tls");
	assert_string_equal(assay_forms_service_transport(f, i), "tcp");
	assert_string_equal(assay_forms_service_address(f, i), "127.0.0.1");
	assert_string_equal(assay_forms_service_path(f, i), "/");
	i = (size_t)assay_forms_service_find(f, "rtsp");
	assert_string_equal(assay_forms_service_protocol(f, i), "rtsp");
	assert_string_equal(assay_forms_service_path(f, i), "/live/main");
	assert_int_equal(assay_forms_service_find(f, "ftp"), -1);
	assert_int_equal(assay_forms_ncredentials(f), 3);
	assert_string_equal(assay_forms_credential_service(f, 0), "web");
	assert_string_equal(assay_forms_credential_username(f, 0), "admin");
	assert_string_equal(assay_forms_credential_password(f, 0),
	    "Hq7fK3mP9xWt");
	assert_string_equal(assay_forms_credential_origin(f, 0),
	    "pre-installed");
	assert_string_equal(assay_forms_credential_origin(f, 1), "lab");
	assert_string_equal(assay_forms_credential_origin(f, 2), "user-set");

	/* Facts, canonical and in document order. */
	assert_int_equal(assay_forms_entry_nfacts(f, "1-AuthMech", 0), 14);
	assert_string_equal(assay_forms_entry_fact_name(f, "1-AuthMech", 0, 0),
	    "factor");
	assert_string_equal(assay_forms_entry_fact_value(f, "1-AuthMech", 0, 0),
	    "password");
	assert_string_equal(assay_forms_entry_fact(f, "1-AuthMech", 0,
	    "password-set-by"), "pre-installed-unique");
	assert_string_equal(assay_forms_entry_fact(f, "1-AuthMech", 0,
	    "password-length"), "12");
	assert_string_equal(assay_forms_entry_fact(f, "1-AuthMech", 0,
	    "user-auth"), "true");
	assert_null(assay_forms_entry_fact(f, "1-AuthMech", 0, "colour"));
	assert_null(assay_forms_entry_fact(f, "1-AuthMech", 9, "factor"));
	assert_string_equal(assay_forms_entry_fact(f, "11-ComMech", 0,
	    "tls-versions"), "TLSv1.2 TLSv1.3");
	assert_string_equal(assay_forms_entry_fact(f, "11-ComMech", 2,
	    "security"), "none");
	assert_string_equal(assay_forms_entry_fact(f, "11-ComMech", 2,
	    "guarantees"), "");
	assert_int_equal(assay_forms_entry_nfacts(f, "3-VulnTypes", 0), 0);
	assert_int_equal(assay_forms_fact_type("brute-force"), ASSAY_FACT_LIST);
	assert_int_equal(assay_forms_fact_type("network"), ASSAY_FACT_BOOL);
	assert_int_equal(assay_forms_fact_type("password-length"),
	    ASSAY_FACT_INT);
	assert_int_equal(assay_forms_fact_type("support-period-end"),
	    ASSAY_FACT_STRING);
	assert_int_equal(assay_forms_fact_type("colour"), ASSAY_FACT_UNKNOWN);

	for (i = 0, n = 0; i < assay_spec_nixit(s); i++)
		n += assay_forms_nentries(f, assay_spec_ixit_id(s, i)) > 0;
	assert_int_equal(n, 29);
	assert_int_equal(assay_forms_nentries(f, "1-AuthMech"), 3);
	assert_int_equal(assay_forms_nentries(f, "99-Nope"), 0);
	assert_string_equal(assay_forms_entry_id(f, "1-AuthMech", 0), "auth-web");
	assert_non_null(assay_forms_entry_field(f, "1-AuthMech", 0,
	    "brute force prevention"));
	assert_int_equal(assay_forms_entry_nrefs(f, "1-AuthMech", 0), 1);
	assert_null(assay_forms_entry_ref_item(f, "1-AuthMech", 0, 0));
	assert_string_equal(assay_forms_entry_ref_target(f, "1-AuthMech", 0, 0),
	    "web");
	assert_string_equal(assay_forms_entry_ref_item(f, "6-SoftComp", 0, 0),
	    "7-UpdMech");

	/* Secrets: three passwords and one field, longest first. */
	assert_int_equal(assay_forms_nsecrets(f), 4);
	for (i = 1; i < assay_forms_nsecrets(f); i++)
		assert_true(strlen(assay_forms_secret(f, i - 1)) >=
		    strlen(assay_forms_secret(f, i)));
	assert_string_equal(assay_forms_secret(f, 0), "tok-7Hq2vN9xLpR4sKd8");
	n = assay_forms_entry_nfields(f, "10-SecParam", 1);
	assert_true(n > 0);
	assert_true(assay_forms_entry_field_secret(f, "10-SecParam", 1, n - 1));
	assert_string_equal(assay_forms_entry_field_name(f, "10-SecParam", 1,
	    n - 1), "Example Value");
	assert_false(assay_forms_entry_field_secret(f, "10-SecParam", 1, 0));

	assay_forms_free(f);
	assay_diag_free(d);
	assay_forms_free(NULL);
}

static void
test_budget_defaults(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	const char *ixit;

	ixit = variant(SETUP_EX, "nobudget.xml",
	    "<budget max-connections=\"64\" max-rate=\"1000000\"/>",
	    "<budget max-rate=\"7\"/>");
	assert_int_equal(load3(ICS_EX, IXIT_EX, ixit, &f, &d), 0);
	assert_int_equal(assay_forms_budget_max_connections(f),
	    ASSAY_BUDGET_DEFAULT_CONNECTIONS);
	assert_int_equal(assay_forms_budget_max_rate(f), 7);
	assay_forms_free(f);
	assay_diag_free(d);

	/* Without a set-up file: defaults, no address, no credential. */
	assert_int_equal(load3(ICS_EX, IXIT_EX, NULL, &f, &d), 0);
	assert_int_equal(assay_forms_budget_max_connections(f),
	    ASSAY_BUDGET_DEFAULT_CONNECTIONS);
	assert_int_equal(assay_forms_budget_max_rate(f),
	    ASSAY_BUDGET_DEFAULT_RATE);
	assert_int_equal(assay_forms_naddresses(f), 0);
	assert_int_equal(assay_forms_ncredentials(f), 0);
	assert_null(assay_forms_service_address(f, 0));
	assert_null(assay_forms_setup_path(f));
	assert_string_equal(assay_forms_setup_sha256(f), "");
	assert_int_equal(assay_forms_nsecrets(f), 1);
	assay_forms_free(f);
	assay_diag_free(d);
}

/* A service's address: its override in the set-up file, else the first. */
static void
test_service_address(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	const char *setup;

	setup = variant(SETUP_EX, "override.xml",
	    "<service-address service=\"rtsp\">127.0.0.1</service-address>",
	    "<service-address service=\"rtsp\">192.0.2.11</service-address>");
	assert_int_equal(load3(ICS_EX, IXIT_EX, setup, &f, &d), 0);
	assert_string_equal(assay_forms_service_address(f,
	    (size_t)assay_forms_service_find(f, "rtsp")), "192.0.2.11");
	assert_string_equal(assay_forms_service_address(f,
	    (size_t)assay_forms_service_find(f, "web")), "127.0.0.1");
	assay_forms_free(f);
	assay_diag_free(d);
}

/* --- lab set-up: artefacts ---------------------------------------------- */

/* A pcap file header (little-endian, Ethernet, no frames). */
static const unsigned char PCAP_HDR[24] = {
	0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff, 0, 0, 1, 0, 0, 0 };

/*
 * Writes tmp/art/setup-<name>.xml naming a capture and a firmware image
 * (relative paths, as a lab writes them) with the sha256 attributes given
 * ("" for none); returns its path.
 */
static const char *
art_setup(const char *name, const char *cap_file, const char *cap_sha,
    const char *fw_file, const char *fw_sha)
{
	static char path[4096];
	char text[4096], a1[100] = "", a2[100] = "";

	if (cap_sha[0] != '\0')
		snprintf(a1, sizeof(a1), " sha256=\"%s\"", cap_sha);
	if (fw_sha[0] != '\0')
		snprintf(a2, sizeof(a2), " sha256=\"%s\"", fw_sha);
	snprintf(text, sizeof(text),
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<setup xmlns=\"urn:assay:setup:1\" version=\"1\">\n"
	    "  <address>127.0.0.1</address>\n"
	    "  <artefacts>\n"
	    "    <capture id=\"gw-capture\" file=\"%s\"%s/>\n"
	    "    <firmware id=\"fw-1-0-3\" file=\"%s\"%s/>\n"
	    "  </artefacts>\n"
	    "</setup>\n", cap_file, a1, fw_file, a2);
	snprintf(path, sizeof(path), "%s/art/setup-%s.xml", tmpdir, name);
	assert_int_equal(tu_write_file(path, text, strlen(text)), 0);
	return path;
}

static void
test_setup_artefacts(void **state)
{
	static const char fw[] = "a firmware image: any bytes will do\n";
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	char cap_sha[65], fw_sha[65], upper[65], dir[2048], p[4096];
	const char *setup;
	size_t i;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/art", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(p, sizeof(p), "%s/captures", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/images", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/captures/boot.pcap", dir);
	assert_int_equal(tu_write_file(p, PCAP_HDR, sizeof(PCAP_HDR)), 0);
	snprintf(p, sizeof(p), "%s/images/ipcam.bin", dir);
	assert_int_equal(tu_write_file(p, fw, strlen(fw)), 0);
	assert_int_equal(assay_sha256_hex(PCAP_HDR, sizeof(PCAP_HDR), cap_sha), 0);
	assert_int_equal(assay_sha256_hex(fw, strlen(fw), fw_sha), 0);
	for (i = 0; i < 64; i++)
		upper[i] = (char)(cap_sha[i] >= 'a' ? cap_sha[i] - 32 : cap_sha[i]);
	upper[64] = '\0';

	/* Declared hashes that hold (either case), or none: loaded, hashed. */
	setup = art_setup("ok", "captures/boot.pcap", upper,
	    "images/../images/ipcam.bin", "");
	assert_int_equal(load3(ICS_EX, IXIT_EX, setup, &f, &d), 0);
	assert_int_equal(assay_forms_nartefacts(f), 2);
	assert_int_equal(assay_forms_artefact_kind(f, 0), ASSAY_ARTEFACT_CAPTURE);
	assert_string_equal(assay_forms_artefact_id(f, 0), "gw-capture");
	assert_string_equal(assay_forms_artefact_file(f, 0), "captures/boot.pcap");
	assert_string_equal(assay_forms_artefact_sha256(f, 0), cap_sha);
	assert_int_equal(assay_forms_artefact_size(f, 0), sizeof(PCAP_HDR));
	assert_int_equal(assay_forms_artefact_kind(f, 1), ASSAY_ARTEFACT_FIRMWARE);
	assert_string_equal(assay_forms_artefact_sha256(f, 1), fw_sha);
	/* resolved: absolute, without the "..", under the set-up's directory */
	assert_true(assay_forms_artefact_path(f, 1)[0] == '/');
	assert_null(strstr(assay_forms_artefact_path(f, 1), ".."));
	assert_non_null(strstr(assay_forms_artefact_path(f, 1),
	    "/art/images/ipcam.bin"));
	assay_forms_free(f);
	assay_diag_free(d);

	/* A declared hash that differs: refused at its line. */
	f = (void *)1;
	setup = art_setup("bad-sha", "captures/boot.pcap", cap_sha,
	    "images/ipcam.bin", cap_sha);
	assert_int_equal(load3(ICS_EX, IXIT_EX, setup, &f, &d), ASSAY_ERR_FORM);
	assert_null(f);
	assert_diag(d, "/setup-bad-sha.xml", 6, "firmware \"fw-1-0-3\"");
	assert_diag(d, "/setup-bad-sha.xml", 6, "the set-up file declares");
	assert_int_equal(assay_diag_nerrors(d), 1);
	assay_diag_free(d);

	/* A missing file. */
	setup = art_setup("missing", "captures/none.pcap", "",
	    "images/ipcam.bin", "");
	assert_int_equal(load3(ICS_EX, IXIT_EX, setup, &f, &d), ASSAY_ERR_FORM);
	assert_diag(d, "/setup-missing.xml", 5, "No such file or directory");
	assay_diag_free(d);

	/* A FIFO (never opened for a blocking read) and a directory. */
	snprintf(p, sizeof(p), "%s/captures/live.pcap", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	setup = art_setup("fifo", "captures/live.pcap", "", "images", "");
	assert_int_equal(load3(ICS_EX, IXIT_EX, setup, &f, &d), ASSAY_ERR_FORM);
	assert_diag(d, "/setup-fifo.xml", 5, "not a regular file");
	assert_diag(d, "/setup-fifo.xml", 6, "not a regular file");
	assay_diag_free(d);

	/* An absolute path is taken as it is. */
	snprintf(p, sizeof(p), "%s/images/ipcam.bin", dir);
	setup = art_setup("abs", "captures/boot.pcap", "", p, fw_sha);
	assert_int_equal(load3(ICS_EX, IXIT_EX, setup, &f, &d), 0);
	assert_string_equal(assay_forms_artefact_file(f, 1), p);
	assay_forms_free(f);
	assay_diag_free(d);

	/* Ids: unique across both kinds, and of the schema's alphabet. */
	setup = variant(art_setup("dup0", "captures/boot.pcap", "",
	    "images/ipcam.bin", ""), "art/setup-dup.xml", "fw-1-0-3",
	    "gw-capture");
	assert_int_equal(load3(ICS_EX, IXIT_EX, setup, &f, &d), ASSAY_ERR_FORM);
	assert_diag(d, "/setup-dup.xml", 6, "duplicate artefact id \"gw-capture\" "
	    "(first at line 5)");
	assay_diag_free(d);
	setup = variant(art_setup("case0", "captures/boot.pcap", "",
	    "images/ipcam.bin", ""), "art/setup-case.xml", "fw-1-0-3",
	    "FW_1");
	assert_int_equal(load3(ICS_EX, IXIT_EX, setup, &f, &d),
	    ASSAY_ERR_SCHEMA);
	assay_diag_free(d);
}

/* --- lab set-up: <client-side> ------------------------------------------ */

/* The files a manufacturer hands the lab, made with openssl(1) in tmp/cs. */
static void
cs_files(void)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "cd %s && mkdir -p cs/release cs/older && "
	    "cd cs && openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:P-256 -nodes -keyout ca-key.pem -out ca.pem "
	    "-days 3 -subj /CN=ca && openssl req -newkey ec -pkeyopt "
	    "ec_paramgen_curve:P-256 -nodes -keyout leaf-key.pem -out leaf.pem "
	    "-days 3 -subj /CN=up.example -addext subjectAltName=DNS:up.example "
	    "-CA ca.pem -CAkey ca-key.pem && openssl genpkey -algorithm ec "
	    "-pkeyopt ec_paramgen_curve:P-256 -out other-key.pem && "
	    "echo 'not a certificate' > notpem.txt && echo 1 > release/m.json",
	    tmpdir);
	if (tu_run(cmd, NULL) != 0)
		fail_msg("openssl could not make the test certificates");
}

static const char CS_HEAD[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<setup xmlns=\"urn:assay:setup:1\" version=\"1\">\n"
    "  <address>10.77.0.2</address>\n"
    "  <credentials>\n"
    "    <credential id=\"web-admin\" service=\"web\"><username>a</username>"
    "<password>Hq7fK3mP9xWt</password></credential>\n"
    "  </credentials>\n"
    "  <client-side>\n";

/* Writes tmp/cs/<name>.xml: CS_HEAD, body, the end; returns its path. */
static const char *
cs_setup(const char *name, const char *body)
{
	static char path[4096];
	char *text;

	assert_true(asprintf(&text, "%s%s  </client-side>\n</setup>\n",
	    CS_HEAD, body) > 0);
	snprintf(path, sizeof(path), "%s/cs/%s.xml", tmpdir, name);
	assert_int_equal(tu_write_file(path, text, strlen(text)), 0);
	free(text);
	return path;
}

/* The line of the first line of body holding marker, in the file cs_setup wrote. */
static long
cs_line(const char *body, const char *marker)
{
	long head = 1;
	const char *p;

	for (p = CS_HEAD; *p != '\0'; p++)
		head += *p == '\n';
	return head + line_at(body, strstr(body, marker)) - 1;
}

static void
test_client_side_good(void **state)
{
	static const char body[] =
	    "    <gateway interface=\"assay-gw0\" address=\"10.77.0.1\">\n"
	    "      <answer host=\"up.example\"/>\n"
	    "    </gateway>\n"
	    "    <identity id=\"up\" host=\"up.example\" cert=\"leaf.pem\" "
	    "key=\"leaf-key.pem\" ca-cert=\"ca.pem\" ca-key=\"ca-key.pem\"/>\n"
	    "    <update id=\"ota\" mechanism=\"ota\" channel=\"cm-cloud\" "
	    "identity=\"up\" release=\"release\" older=\"older\" "
	    "payload=\"/fw.bin\">\n"
	    "      <version-check service=\"web\" path=\"/api/version\" "
	    "credential=\"web-admin\" version-pattern='\"firmware\":\"([^\"]*)\"'/>\n"
	    "    </update>\n"
	    "    <watch label=\"owner e-mail\" kind=\"personal-data\" "
	    "ref=\"pd-account\">owner@example.test</watch>\n";
	const struct assay_update_decl *u;
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	char sha[65], *masked = NULL;
	size_t len, i;
	int found;

	(void)state;
	cs_files();
	assert_int_equal(load3(ICS_EX, IXIT_EX, cs_setup("good", body), &f,
	    &d), 0);
	assert_int_equal(assay_forms_gateway(f)->dns_port, 53);	/* default */
	assert_int_equal(assay_forms_nupdates(f), 1);
	u = assay_forms_update(f, 0);
	assert_string_equal(u->mechanism, "ota");
	assert_non_null(strstr(u->release, "/cs/release"));
	assert_null(u->other_key);
	assert_null(u->signature);
	assert_true(u->has_check);
	assert_string_equal(u->check.credential, "web-admin");
	assert_null(u->check.digest_pattern);
	/* The watch value is a secret: listed for masking, masked in the copy. */
	for (i = 0, found = 0; i < assay_forms_nsecrets(f); i++)
		found |= strcmp(assay_forms_secret(f, i), "owner@example.test") == 0;
	assert_true(found);
	assert_int_equal(assay_forms_masked_copy(f, ASSAY_FORM_SETUP, &masked,
	    &len, d), 0);
	assert_null(strstr(masked, "owner@example.test"));
	free(masked);
	/* The hash covers the release's files: a change shows. */
	snprintf(sha, sizeof(sha), "%s", assay_forms_client_side_sha256(f));
	assay_forms_free(f);
	assay_diag_free(d);
	assert_int_equal(tu_write_file(tmp_path("cs/release/m.json"), "2\n", 2),
	    0);
	assert_int_equal(load3(ICS_EX, IXIT_EX, cs_setup("good", body), &f,
	    &d), 0);
	assert_string_not_equal(sha, assay_forms_client_side_sha256(f));
	assay_forms_free(f);
	assay_diag_free(d);
}

/* Writes tmp/cs/pace-<cycle>.xml: CS_HEAD with cycle-s="cycle", a gateway. */
static const char *
cs_pace_setup(const char *cycle)
{
	static char path[4096];
	const char *tag = strstr(CS_HEAD, "<client-side>");
	char *text;

	assert_non_null(tag);
	assert_true(asprintf(&text, "%.*s<client-side cycle-s=\"%s\">\n"
	    "    <gateway interface=\"assay-gw0\" address=\"10.77.0.1\"/>\n"
	    "  </client-side>\n</setup>\n", (int)(tag - CS_HEAD), CS_HEAD,
	    cycle) > 0);
	snprintf(path, sizeof(path), "%s/cs/pace-%s.xml", tmpdir, cycle);
	assert_int_equal(tu_write_file(path, text, strlen(text)), 0);
	free(text);
	return path;
}

/* <client-side cycle-s>: the waits derived from it, bounded; defaults without. */
static void
test_client_side_pace(void **state)
{
	static const struct {
		const char	*cycle;
		int		 observe_s, connect_ms, consent_s, settle_ms,
				 outage_ms;
	} t[] = {
		{ "1", 3, 8000, 3, 1000, 6000 },
		{ "2", 6, 14000, 6, 2000, 12000 },
		{ "300", 600, 120000, 120, 2000, 12000 },	/* the upper bounds */
	};
	const struct assay_pace *p;
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	size_t i;

	(void)state;
	cs_files();
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(load3(ICS_EX, IXIT_EX,
		    cs_pace_setup(t[i].cycle), &f, &d), 0);
		p = assay_forms_pace(f);
		assert_int_equal(p->cycle_s, atoi(t[i].cycle));
		assert_int_equal(p->observe_s, t[i].observe_s);
		assert_int_equal(p->connect_ms, t[i].connect_ms);
		assert_int_equal(p->consent_s, t[i].consent_s);
		assert_int_equal(p->settle_ms, t[i].settle_ms);
		assert_int_equal(p->outage_ms, t[i].outage_ms);
		assay_forms_free(f);
		assay_diag_free(d);
		f = NULL;
		d = NULL;
	}
	/* Not declared: today's fixed values. */
	assert_int_equal(load3(ICS_EX, IXIT_EX, cs_setup("nopace",
	    "    <gateway interface=\"g\" address=\"10.77.0.1\"/>\n"), &f, &d),
	    0);
	p = assay_forms_pace(f);
	assert_int_equal(p->cycle_s, 0);
	assert_int_equal(p->observe_s, 10);
	assert_int_equal(p->connect_ms, 20000);
	assert_int_equal(p->consent_s, 10);
	assert_int_equal(p->settle_ms, 2000);
	assert_int_equal(p->outage_ms, 12000);
	assay_forms_free(f);
	assay_diag_free(d);
	f = NULL;
	d = NULL;
	assert_int_equal(assay_forms_pace(NULL)->observe_s, 10);
	/* Out of range: the schema refuses it, nothing loaded. */
	assert_int_equal(load3(ICS_EX, IXIT_EX, cs_pace_setup("0"), &f, &d),
	    ASSAY_ERR_SCHEMA);
	assert_null(f);
	assert_true(assay_diag_count(d) > 0);
	assay_diag_free(d);
	d = NULL;
	assert_int_equal(load3(ICS_EX, IXIT_EX, cs_pace_setup("3601"), &f,
	    &d), ASSAY_ERR_SCHEMA);
	assert_null(f);
	assay_diag_free(d);
}

static void
test_client_side_errors(void **state)
{
	static const char body[] =
	    "    <gateway interface=\"assay-gw0\" address=\"10.77.0.2\" dns-port=\"5353\">\n"
	    "      <answer host=\"up.example\"/>\n"
	    "      <answer host=\"UP.example\"/>\n"
	    "    </gateway>\n"
	    "    <identity id=\"up\" host=\"up.example\" cert=\"leaf.pem\" key=\"other-key.pem\"/>\n"
	    "    <identity id=\"up\" host=\"x.example\" cert=\"notpem.txt\" key=\"leaf-key.pem\"/>\n"
	    "    <identity id=\"i3\" host=\"up.example\" cert=\"leaf.pem\" key=\"leaf-key.pem\" ca-cert=\"ca.pem\"/>\n"
	    "    <identity id=\"i4\" host=\"z.example\" cert=\"missing.pem\" key=\"leaf-key.pem\"/>\n"
	    "    <identity id=\"i5\" host=\"w.example\" cert=\"leaf.pem\" key=\"release\"/>\n"
	    "    <update id=\"u1\" mechanism=\"nosuch\" channel=\"cm-nosuch\" identity=\"nobody\" release=\"leaf.pem\" older=\"gone\" payload=\"/fw.bin\" signature=\"/fw.bin\">\n"
	    "      <version-check service=\"nosvc\" path=\"/v\" credential=\"nocred\" version-pattern=\"(\" digest-pattern=\"no-group\"/>\n"
	    "    </update>\n"
	    "    <update id=\"u1\" mechanism=\"ota\" channel=\"cm-cloud\" release=\"release\" payload=\"/fw.bin\"/>\n"
	    "    <watch label=\"mail\" kind=\"personal-data\" ref=\"nosuch-entry\">owner@example.test</watch>\n";
	static const struct {
		const char	*marker, *msg;
	} want[] = {
		{ "address=\"10.77.0.2\"", "gateway address \"10.77.0.2\" is also the device's address" },
		{ "UP.example", "answer \"UP.example\" given twice" },
		{ "other-key.pem", "identity \"up\": the key" },
		{ "notpem.txt", "duplicate identity id \"up\" (first at line" },
		{ "notpem.txt", "identity \"up\" certificate: " },
		{ "notpem.txt", "not a PEM certificate" },
		{ "id=\"i3\"", "host \"up.example\" has an identity already (\"up\"" },
		{ "id=\"i3\"", "ca-cert and ca-key go together" },
		{ "id=\"i4\"", "identity \"i4\" cert: " },
		{ "id=\"i4\"", "No such file or directory" },
		{ "id=\"i5\"", "identity \"i5\" key: " },
		{ "id=\"i5\"", "not a regular file of at most" },
		{ "mechanism=\"nosuch\"", "mechanism \"nosuch\" is not an entry of IXIT item 7-UpdMech" },
		{ "mechanism=\"nosuch\"", "channel \"cm-nosuch\" is not an entry of IXIT item 11-ComMech" },
		{ "mechanism=\"nosuch\"", "identity \"nobody\" is not an <identity> of this file" },
		{ "mechanism=\"nosuch\"", "signature and payload are the same path" },
		{ "mechanism=\"nosuch\"", "not a directory" },
		{ "mechanism=\"nosuch\"", "update \"u1\" older: " },
		{ "nosvc", "version-check service \"nosvc\" is not a service of the IXIT" },
		{ "nosvc", "version-check credential \"nocred\" is not a credential" },
		{ "nosvc", "version-pattern: " },
		{ "nosvc", "digest-pattern: no group ( ) to take the value from" },
		{ "channel=\"cm-cloud\"", "duplicate update id \"u1\" (first at line" },
		{ "nosuch-entry", "watch \"mail\": ref \"nosuch-entry\" is not an entry of the IXIT" },
	};
	struct assay_forms *f = (void *)1;
	struct assay_diag *d = NULL;
	const char *path;
	size_t i;

	(void)state;
	cs_files();
	path = cs_setup("bad", body);
	assert_int_equal(load3(ICS_EX, IXIT_EX, path, &f, &d), ASSAY_ERR_FORM);
	assert_null(f);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_diag(d, "/cs/bad.xml", cs_line(body, want[i].marker),
		    want[i].msg);
	assert_int_equal(assay_diag_nerrors(d), sizeof(want) / sizeof(want[0]) - 3);
	assay_diag_free(d);

	/* An address that is not one: the schema's pattern lets 999 through. */
	path = cs_setup("addr", "    <gateway interface=\"g\" address=\"999.0.0.1\"/>\n");
	assert_int_equal(load3(ICS_EX, IXIT_EX, path, &f, &d), ASSAY_ERR_FORM);
	assert_diag(d, "/cs/addr.xml", cs_line("x\n", "x"), "gateway address "
	    "\"999.0.0.1\": not an IPv4 address");
	assay_diag_free(d);
	/* The schema: a kind that is none of the four, a host with a space. */
	path = cs_setup("kind", "    <watch label=\"l\" kind=\"password\">v</watch>\n");
	assert_int_equal(load3(ICS_EX, IXIT_EX, path, &f, &d), ASSAY_ERR_SCHEMA);
	assay_diag_free(d);
	path = cs_setup("host", "    <gateway interface=\"g\" address=\"10.0.0.1\">"
	    "<answer host=\"a b\"/></gateway>\n");
	assert_int_equal(load3(ICS_EX, IXIT_EX, path, &f, &d), ASSAY_ERR_SCHEMA);
	assay_diag_free(d);
}

/* 11-ComMech direction and endpoint (IXIT facts, docs/facts.md). */
static void
test_outbound_facts(void **state)
{
	static const char from[] = "carries=\"personal-data sensitive-personal-"
	    "data telemetry security-parameters\"/>";
	static const struct {
		const char	*facts;
		int		 code;
		const char	*msg;
	} cases[] = {
		{ " direction=\"outbound\" endpoint=\"https://cloud.example:443/x\"/>", 0, NULL },
		{ " endpoint=\"https://cloud.example:443/\"/>", ASSAY_ERR_FORM,
		  "endpoint given, but direction is not \"outbound\"" },
		{ " direction=\"outbound\" endpoint=\"https://cloud.example:70000\"/>",
		  ASSAY_ERR_FORM, "port out of range 1..65535" },
		{ " direction=\"outbound\" endpoint=\"mqtt://cloud.example:1883\"/>",
		  ASSAY_ERR_FORM, "endpoint scheme \"mqtt\" contradicts security=\"tls\"" },
		{ " direction=\"outbound\" endpoint=\"ftp://cloud.example:21\"/>",
		  ASSAY_ERR_SCHEMA, NULL },
		{ " direction=\"sideways\"/>", ASSAY_ERR_SCHEMA, NULL },
	};
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	char to[512], *src;
	const char *ixit;
	size_t i;
	long line;

	(void)state;
	assert_non_null(src = tu_read_file(tu_src(IXIT_EX), NULL));
	/* <facts> problems are reported at the <entry> line */
	line = line_at(src, strstr(src, "<entry id=\"cm-cloud\">"));
	free(src);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(to, sizeof(to), "carries=\"personal-data sensitive-"
		    "personal-data telemetry security-parameters\"%s",
		    cases[i].facts);
		ixit = variant(IXIT_EX, "ixit-outbound.xml", from, to);
		assert_int_equal(load3(ICS_EX, ixit, NULL, &f, &d),
		    cases[i].code);
		if (cases[i].msg != NULL)
			assert_diag(d, "/ixit-outbound.xml", line, cases[i].msg);
		if (cases[i].code == 0) {
			size_t k = 0;

			while (strcmp(assay_forms_entry_id(f, "11-ComMech", k),
			    "cm-cloud") != 0)
				k++;
			assert_string_equal(assay_forms_entry_fact(f,
			    "11-ComMech", k, "endpoint"),
			    "https://cloud.example:443/x");
			assert_string_equal(assay_forms_fact_type("direction") ==
			    ASSAY_FACT_STRING ? "ok" : "no", "ok");
			assay_forms_free(f);
		}
		assay_diag_free(d);
	}
	/* outbound without an endpoint: a warning, the load goes on */
	ixit = variant(IXIT_EX, "ixit-outbound.xml", from,
	    "carries=\"telemetry\" direction=\"outbound\"/>");
	assert_int_equal(load3(ICS_EX, ixit, NULL, &f, &d), 0);
	assert_diag(d, "/ixit-outbound.xml", line, "no fact endpoint");
	assay_forms_free(f);
	assay_diag_free(d);
}

/* A ref without item= gets its target's item. */
static void
test_ref_item_filled(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	const char *ixit;

	ixit = variant(IXIT_EX, "refnoitem.xml",
	    "<ref item=\"7-UpdMech\" entry=\"ota\"/>", "<ref entry=\"ota\"/>");
	assert_int_equal(load(ICS_EX, ixit, &f, &d), 0);
	assert_string_equal(assay_forms_entry_ref_item(f, "6-SoftComp", 0, 0),
	    "7-UpdMech");
	assay_forms_free(f);
	assay_diag_free(d);
}

/* Read-only accessors from several threads at once (run under TSan too). */
static void *
reader(void *arg)
{
	const struct assay_forms *f = arg;
	const struct assay_spec *s = assay_forms_spec(f);
	enum assay_support su;
	size_t i, k, n = 0;
	int round;

	for (round = 0; round < 200; round++) {
		for (i = 0; i < assay_spec_nprovisions(s); i++)
			n += assay_forms_support(f, assay_spec_provision_id(s, i),
			    &su, NULL) == 0;
		for (i = 0; i < assay_spec_nixit(s); i++)
			for (k = 0; k < assay_forms_nentries(f,
			    assay_spec_ixit_id(s, i)); k++)
				n += assay_forms_entry_nfields(f,
				    assay_spec_ixit_id(s, i), k) > 0;
		n += assay_forms_service_find(f, "rtsp") == 2;
	}
	return (void *)n;
}

static void
test_threads_read(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	pthread_t t[4];
	void *res;
	size_t i, first = 0;

	assert_int_equal(load(ICS_EX, IXIT_EX, &f, &d), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, reader, f), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &res), 0);
		if (i == 0)
			first = (size_t)res;
		assert_int_equal((size_t)res, first);
	}
	assert_true(first > 200 * 68);
	assay_forms_free(f);
	assay_diag_free(d);
}

/* --- one broken form per kind of mistake ----------------------------- */

static const struct broken {
	const char	*kind;		/* which file is broken */
	const char	*name;
	long		 line;
	const char	*msg;
	int		 code;		/* 0: a warning, reported at the ICS */
} broken[] = {
	{ "ics", "unknown-provision", 124, "unknown provision \"5.14-1\"", ASSAY_ERR_FORM },
	{ "ics", "duplicate-provision", 124, "provision 5.1-1 listed twice (first at line 44)", ASSAY_ERR_FORM },
	{ "ics", "missing-provision", 40, "provision 5.6-8 missing", ASSAY_ERR_FORM },
	{ "ics", "no-justification", 92, "provision 5.6-8: support N needs a justification", ASSAY_ERR_FORM },
	{ "ics", "na-not-conditional", 50, "provision 5.2-1: N/A is only allowed for conditional provisions", ASSAY_ERR_FORM },
	{ "ics", "extra-twice", 125, "provision 6-3A listed twice (first at line 124)", ASSAY_ERR_FORM },
	{ "ics", "extra-unknown", 124, "unknown provision \"6-9\"", ASSAY_ERR_FORM },
	{ "ics", "extra-na-unconditional", 124, "provision 5.13-1A: N/A is only allowed for conditional provisions", ASSAY_ERR_FORM },
	{ "ics", "condition-out-of-range", 39, "condition 14 out of range", ASSAY_ERR_FORM },
	{ "ics", "condition-twice", 39, "condition 5 declared twice (first at line 22)", ASSAY_ERR_FORM },
	{ "ics", "condition-missing", 12, "condition 13 not declared", ASSAY_ERR_FORM },
	{ "ics", "bad-support", 46, "The value 'Yes' is not an element of the set", ASSAY_ERR_SCHEMA },
	{ "ics", "unsupported-version", 11, "EN 303 645 version \"3.1.3\" is not supported", ASSAY_ERR_FORM },
	{ "ics", "doctype", 2, "DOCTYPE is not allowed in a form", ASSAY_ERR_HOSTILE_XML },
	{ "ics", "na-condition-holds", 45, "provision 5.1-2: N/A, but its condition holds", ASSAY_ERR_FORM },
	{ "ics", "constrained-both", 22, "conditions 4 (The device is a constrained device.) and 5 (The device is not a constrained device.) are both true", ASSAY_ERR_FORM },
	{ "ics", "cond1-false-password", 14, "condition 1 (Passwords are used.) is false, but IXIT entry \"auth-web\" declares factor=\"password\"", ASSAY_ERR_FORM },
	{ "ics", "cond2-false-preinstalled", 16, "condition 2 (Pre-installed passwords are used.) is false, but IXIT entry \"auth-web\" declares password-set-by=\"pre-installed-unique\"", ASSAY_ERR_FORM },
	{ "ics", "cond8-false-user-auth", 28, "condition 8 (Users can authenticate against the device.) is false, but IXIT entry \"auth-web\" declares user-auth=\"true\"", ASSAY_ERR_FORM },
	{ "ics", "cond11-false-network-update", 34, "is false, but IXIT entry \"ota\" declares network=\"true\"", ASSAY_ERR_FORM },
	{ "ics", "cond12-false-updmech", 36, "condition 12 (An update mechanism is implemented.) is false, but IXIT item 7-UpdMech describes 1 update mechanism", 0 },
	{ "ics", "cond6-false-telemetry", 24, "is false, but IXIT item 24-TelData describes 1 kind of telemetry", 0 },
	{ "ixit", "port-out-of-range", 8, "service \"mqtt\": port 70000 out of range", ASSAY_ERR_FORM },
	{ "ixit", "unknown-item", 449, "unknown IXIT item \"30-Extra\"", ASSAY_ERR_FORM },
	{ "ixit", "missing-item", 16, "IXIT item 18-AccCtrl missing", ASSAY_ERR_FORM },
	{ "ixit", "unknown-field", 71, "unknown field \"Colour\"", ASSAY_ERR_FORM },
	{ "ixit", "duplicate-entry", 119, "duplicate entry id \"fw\" (first at line 113)", ASSAY_ERR_FORM },
	{ "ixit", "ref-missing-service", 44, "ref to service \"ftp\", which does not exist", ASSAY_ERR_FORM },
	{ "ixit", "ref-missing-entry", 117, "ref to entry \"ota2\", which does not exist", ASSAY_ERR_FORM },
	{ "ixit", "ref-wrong-item", 117, "is in item 8-UpdProc, but it is in 7-UpdMech", ASSAY_ERR_FORM },
	{ "ixit", "duplicate-service", 11, "duplicate service id \"web\" (first at line 4)", ASSAY_ERR_FORM },
	{ "ixit", "fact-wrong-item", 234, "entry \"srv-web\": fact factor is not one of item 13-SoftServ", ASSAY_ERR_FORM },
	{ "ixit", "fact-bad-enum", 186, "'ssl' is not an element of the set", ASSAY_ERR_SCHEMA },
	{ "ixit", "brute-force-none-combined", 19, "\"none\" cannot be combined with other measures", ASSAY_ERR_FORM },
	{ "ixit", "brute-force-attempts-without-lockout", 19, "brute-force-attempts given, but brute-force does not list \"lockout\"", ASSAY_ERR_FORM },
	{ "ixit", "password-fact-not-password", 46, "entry \"auth-mqtt\": password-set-by is only for factor=\"password\" or \"pin\", not \"key\"", ASSAY_ERR_FORM },
	{ "ixit", "user-password-generated", 34, "password-set-by=\"user\" contradicts password-generation=\"csprng\"", ASSAY_ERR_FORM },
	{ "ixit", "service-permanently-disabled", 244, "\"permanently-disabled\" is for 15-Intf", ASSAY_ERR_FORM },
	{ "ixit", "impl-name-without-version", 226, "entry \"openssl\": impl-name and impl-version go together", ASSAY_ERR_FORM },
	{ "ixit", "config-topic-wildcard", 257, "config-topic \"cam/+/config\" must be one topic name", ASSAY_ERR_FORM },
	{ "ixit", "config-path-not-web", 257, "config-path given, but the entry refers to no CoAP or HTTP service", ASSAY_ERR_FORM },
	{ "ixit", "input-path-on-mqtt", 436, "entry \"api-mqtt\": input-path given, but the entry refers to no HTTP or CoAP service", ASSAY_ERR_FORM },
	{ "ixit", "input-http-without-fields", 432, "entry \"api-local\": an HTTP input needs input-fields", ASSAY_ERR_FORM },
	{ "ixit", "tls-versions-in-clear", 204, "tls-versions given, but security=\"none\"", ASSAY_ERR_FORM },
	{ "ixit", "secboot-none-with-reaction", 329, "verification=\"none\" with on-failure=\"refuse\": nothing is verified", ASSAY_ERR_FORM },
	{ "ixit", "version-1", 2, "this is an IXIT of version 1, which Assay no longer reads", ASSAY_ERR_FORM },
	{ "ixit", "debug-enabled-cond13-false", 39, "condition 13 (A debug interface is physically accessible.) is false, but IXIT entry \"if-uart\" is an enabled physical debug interface", 0 },
	{ "setup", "budget-zero", 6, "budget max-connections 0 out of range", ASSAY_ERR_FORM },
	{ "setup", "credential-unknown-service", 17, "credential \"rtsp-viewer\": service \"onvif\" is not a service of the IXIT", ASSAY_ERR_FORM },
	{ "setup", "service-address-unknown", 5, "service-address for service \"onvif\", which is not a service of the IXIT", ASSAY_ERR_FORM },
	{ "setup", "duplicate-credential", 13, "duplicate credential id \"web-admin\" (first at line 9)", ASSAY_ERR_FORM },
	{ "setup", "no-address", 4, "Expected is ( address )", ASSAY_ERR_SCHEMA },
	{ "setup", "artefact-sha256-mismatch", 8, "the set-up file declares 0000000000000000000000000000000000000000000000000000000000000000", ASSAY_ERR_FORM },
};

/*
 * The provisions new or split in V3.1.3 are optional in the ICS (the
 * example declares none); declared, they count like any other, and N/A
 * is allowed where the status has a feature or a false condition.
 */
static void
test_ics_extras(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	enum assay_support su;
	const char *detail, *p;

	(void)state;
	assert_int_equal(load(ICS_EX, IXIT_EX, &f, &d), 0);
	assert_int_equal(assay_forms_support(f, "6-6", &su, &detail),
	    ASSAY_ERR_NOT_FOUND);
	assay_forms_free(f);
	assay_diag_free(d);

	p = variant(ICS_EX, "extras.xml", "  </provisions>",
	    "    <provision id=\"6-6\" support=\"N/A\"><detail>The device "
	    "processes no personal data.</detail></provision>\n"
	    "    <provision id=\"5.3-15A\" support=\"N/A\"><detail>Every "
	    "component is updatable (condition 3 false).</detail></provision>\n"
	    "    <provision id=\"6-3A\" support=\"Y\"/>\n"
	    "    <provision id=\"5.1-2A\" support=\"N\"><detail>Devices "
	    "authenticate to the cloud with a password.</detail></provision>\n"
	    "  </provisions>");
	assert_int_equal(load(p, IXIT_EX, &f, &d), 0);
	assert_int_equal(assay_forms_support(f, "6-6", &su, &detail), 0);
	assert_int_equal(su, ASSAY_SUPPORT_NA);
	assert_int_equal(assay_forms_support(f, "5.3-15A", &su, NULL), 0);
	assert_int_equal(su, ASSAY_SUPPORT_NA);
	assert_int_equal(assay_forms_support(f, "6-3A", &su, NULL), 0);
	assert_int_equal(su, ASSAY_SUPPORT_YES);
	assert_int_equal(assay_forms_support(f, "5.1-2A", &su, &detail), 0);
	assert_int_equal(su, ASSAY_SUPPORT_NO);
	assert_non_null(strstr(detail, "password"));
	assay_forms_free(f);
	assay_diag_free(d);

	/* N/A on 5.3-15A while its condition 3 holds: as for V2.1.1's. */
	p = variant(p, "extras-c3.xml", "<condition number=\"3\" holds=\"false\">",
	    "<condition number=\"3\" holds=\"true\">");
	assert_int_equal(load(p, IXIT_EX, &f, &d), ASSAY_ERR_FORM);
	assert_true(assay_diag_find(d, "provision 5.3-15A: N/A, but its "
	    "condition holds") >= 0);
	assay_diag_free(d);
}

static void
test_broken_examples(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		const struct broken *b = &broken[i];
		struct assay_forms *f = (void *)1;
		struct assay_diag *d = NULL;
		char rel[256], file[300], *text, *end, *p;
		const char *k = b->kind;
		int r;

		snprintf(rel, sizeof(rel), "%s/examples/broken/%s.xml", k,
		    b->name);
		if (b->code == 0)	/* a warning: at the ICS condition */
			snprintf(file, sizeof(file), "/%s", strcmp(k, "ics") == 0 ?
			    rel : ICS_EX);
		else
			snprintf(file, sizeof(file), "/%s.xml", b->name);
		r = load3(strcmp(k, "ics") == 0 ? rel : ICS_EX,
		    strcmp(k, "ixit") == 0 ? rel : IXIT_EX,
		    strcmp(k, "setup") == 0 ? rel : SETUP_EX, &f, &d);
		if (r != b->code)
			assay_diag_print(d, stderr);
		assert_int_equal(r, b->code);
		if (b->code != 0)
			assert_null(f);
		else {
			assert_non_null(f);
			assert_true(assay_diag_is_warning(d,
			    (size_t)assay_diag_find(d, b->msg)));
			assert_int_equal(assay_diag_nerrors(d), 0);
			assay_forms_free(f);
		}
		assert_diag(d, file, b->line, b->msg);
		/* The first line of the example names the same cause. */
		assert_non_null(text = tu_read_file(tu_src(rel), NULL));
		assert_true(strncmp(text, "<!-- expect: ", 13) == 0);
		assert_non_null(end = strstr(text, " -->"));
		*end = '\0';
		p = text + 13;
		if (strncmp(p, "warning: ", 9) == 0)
			p += 9;
		assert_diag(d, file, b->line, p);
		free(text);
		assay_diag_free(d);
	}
}

/* A version-1 IXIT: refused, one message per change, each with its line. */
static void
test_version1_explained(void **state)
{
	struct assay_forms *f = (void *)1;
	struct assay_diag *d = NULL;
	const char *v1 = "ixit/examples/broken/version-1.xml";
	char *text;

	assert_int_equal(load(ICS_EX, v1, &f, &d), ASSAY_ERR_FORM);
	assert_null(f);
	assert_non_null(text = tu_read_file(tu_src(v1), NULL));
	assert_diag(d, "version-1.xml", line_at(text, strstr(text, "<ixit ")),
	    "version 2 starts <ixit xmlns=\"urn:assay:ixit:2\" version=\"2\">");
	assert_diag(d, "version-1.xml", line_at(text,
	    strstr(text, "<device-under-test>")), "lab set-up file");
	assert_diag(d, "version-1.xml", line_at(text, strstr(text,
	    "<credentials>")), "<credentials> are gone from the IXIT");
	assert_diag(d, "version-1.xml", line_at(text, strstr(text,
	    "<service id=\"rtsp\"")), "<service-address service=\"rtsp\">");
	assert_diag(d, "version-1.xml", line_at(text, strstr(text, "<items>")),
	    "<facts>");
	/* Only the explanation: no schema noise about the old elements. */
	assert_int_equal(assay_diag_count(d), 5);
	free(text);
	assay_diag_free(d);

	/* version="1" alone, in the new namespace, is refused the same way. */
	v1 = variant(IXIT_EX, "v1attr.xml", "version=\"2\"", "version=\"1\"");
	assert_int_equal(load(ICS_EX, v1, &f, &d), ASSAY_ERR_FORM);
	assert_true(assay_diag_find(d, "IXIT of version 1") >= 0);
	assay_diag_free(d);
}

/*
 * A 25-DelFunc deletion interface (check_delfunc): each way it can fail
 * to hold together is refused with its cause; the whole form loads.
 */
static void
test_delfunc_interface(void **state)
{
	static const struct {
		const char	*facts;
		const char	*msg;
	} bad[] = {
		{ "target=\"device\" delete-path=\"/api/erase\"",
		    "delete-service and delete-path go together" },
		{ "target=\"device\" delete-service=\"ftp\" delete-path=\"/e\"",
		    "delete-service \"ftp\" is not a declared service" },
		{ "target=\"device\" delete-service=\"rtsp\" delete-path=\"/e\"",
		    "delete-service \"rtsp\" speaks rtsp, not http or https" },
		{ "target=\"device\" data-check-path=\"/api/notes\"",
		    "data-check-path given, but no delete-path" },
		{ "target=\"device\" delete-service=\"web\" delete-path=\"/e\" "
		    "data-create-path=\"/n\" data-check-path=\"/n\"",
		    "data-create-path and data-create-body go together" },
		{ "target=\"device\" delete-service=\"web\" delete-path=\"/e\" "
		    "data-create-path=\"/n\" data-create-body=\"note=%m\"",
		    "data-create-path without data-check-path" },
		{ "target=\"device\" delete-service=\"web\" delete-path=\"/e\" "
		    "data-create-path=\"/n\" data-create-body=\"note=x%d\" "
		    "data-check-path=\"/n\"", "must hold %m (the marker) once" },
	};
	struct assay_forms *f;
	struct assay_diag *d;
	const char *ixit;
	char facts[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = (void *)1;
		d = NULL;
		snprintf(facts, sizeof(facts), "<facts %s/>", bad[i].facts);
		ixit = variant(IXIT_EX, "delfunc.xml",
		    "<facts target=\"device\"/>", facts);
		assert_int_equal(load(ICS_EX, ixit, &f, &d), ASSAY_ERR_FORM);
		if (assay_diag_find(d, bad[i].msg) < 0)
			assay_diag_print(d, stderr);
		assert_true(assay_diag_find(d, bad[i].msg) >= 0);
		assay_diag_free(d);
	}
	f = NULL;
	d = NULL;
	ixit = variant(IXIT_EX, "delfunc.xml", "<facts target=\"device\"/>",
	    "<facts target=\"device\" erases=\"personal-data user-keys\" "
	    "delete-service=\"web\" delete-path=\"/api/erase\" "
	    "delete-method=\"DELETE\" delete-confirmation=\"text:Erased\" "
	    "data-create-path=\"/api/notes\" data-create-body=\"note=%m\" "
	    "data-check-path=\"/api/notes /api/account\"/>");
	assert_int_equal(load(ICS_EX, ixit, &f, &d), 0);
	assay_forms_free(f);
	assay_diag_free(d);
}

/*
 * A 21-PersData consent withdrawal (check_withdraw, 6-3-2): each way it
 * cannot be made is refused with its cause.  The loadable form is the
 * reference device's and the client-side fixtures' (an outbound channel).
 */
static void
test_withdraw_interface(void **state)
{
#define PD_CONSENT "sensitive=\"true\" basis=\"consent\" "
	static const struct {
		const char	*facts;
		const char	*msg;
	} bad[] = {
		{ PD_CONSENT "withdraw-service=\"web\"",
		    "withdraw-service without withdraw-path" },
		{ PD_CONSENT "withdraw-path=\"/c\" withdraw-body=\"x=off\"",
		    "withdraw-body given, but no withdraw-service" },
		{ PD_CONSENT "withdraw-path=\"/c\" withdraw-service=\"ftp\"",
		    "withdraw-service \"ftp\" is not a declared service" },
		{ PD_CONSENT "withdraw-path=\"/c\" withdraw-service=\"rtsp\"",
		    "withdraw-service \"rtsp\" speaks rtsp, not http or https" },
		{ PD_CONSENT "processing-topic=\"a/b\"",
		    "processing-topic without processing-channel" },
		{ PD_CONSENT "processing-channel=\"cm-mqtt\" "
		    "processing-topic=\"a/#\"", "without the wildcards" },
		{ PD_CONSENT "processing-channel=\"cm-mqtt\"",
		    "must be an outbound 11-ComMech entry" },
		{ "sensitive=\"true\" basis=\"contract\" grant-body=\"x=on\"",
		    "grant-body is only for basis=\"consent\"" },
	};
	struct assay_forms *f;
	struct assay_diag *d;
	const char *ixit;
	char facts[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = (void *)1;
		d = NULL;
		snprintf(facts, sizeof(facts), "<facts %s/>", bad[i].facts);
		ixit = variant(IXIT_EX, "withdraw.xml",
		    "<facts sensitive=\"true\"/>", facts);
		assert_int_equal(load(ICS_EX, ixit, &f, &d), ASSAY_ERR_FORM);
		if (assay_diag_find(d, bad[i].msg) < 0)
			assay_diag_print(d, stderr);
		assert_true(assay_diag_find(d, bad[i].msg) >= 0);
		assay_diag_free(d);
	}
#undef PD_CONSENT
}

/* Facts the table lists but an entry leaves out: warnings, not errors. */
static void
test_missing_facts_warn(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	const char *ixit;
	char *text;
	long i;

	ixit = variant(IXIT_EX, "nofacts.xml", " brute-force-attempts=\"5\"",
	    "");
	assert_int_equal(load(ICS_EX, ixit, &f, &d), 0);
	assert_non_null(f);
	assert_int_equal(assay_diag_nerrors(d), 0);
	assert_non_null(text = tu_read_file(ixit, NULL));
	assert_diag(d, "nofacts.xml", line_at(text, strstr(text,
	    "<entry id=\"auth-web\"")), "entry \"auth-web\": no fact "
	    "brute-force-attempts");
	free(text);
	assert_true((i = assay_diag_find(d, "no fact")) >= 0);
	assert_true(assay_diag_is_warning(d, (size_t)i));
	assert_int_equal(assay_diag_count(d), 1);
	assay_forms_free(f);
	assay_diag_free(d);

	/* An entry without facts at all: every fact its item expects. */
	ixit = variant(IXIT_EX, "nofacts2.xml", "<facts type=\"critical\" "
	    "hard-coded=\"false\" unique-per-device=\"true\"/>", "");
	assert_int_equal(load(ICS_EX, ixit, &f, &d), 0);
	assert_true(assay_diag_find(d, "entry \"device-key\": no fact type, "
	    "hard-coded, unique-per-device") >= 0);
	assay_forms_free(f);
	assay_diag_free(d);

	/* Item-level facts: no 2-UserInfo entry says where the policy is. */
	ixit = variant(IXIT_EX, "novdp.xml",
	    "vdp-url=\"https://example-optics.invalid/security\"", "");
	assert_int_equal(load(ICS_EX, ixit, &f, &d), 0);
	assert_true(assay_diag_find(d, "item 2-UserInfo: no entry declares "
	    "fact vdp-url") >= 0);
	assay_forms_free(f);
	assay_diag_free(d);
}

/* A boolean or integer fact is stored canonically whatever its spelling. */
static void
test_fact_canonical(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	const char *ixit;

	ixit = variant(IXIT_EX, "canon.xml", "user-auth=\"true\" network=\"true\"",
	    "user-auth=\" 1 \" network=\" true \" password-length=\"+012\"");
	ixit = variant(ixit, "canon2.xml", "password-length=\"12\" ", "");
	ixit = variant(ixit, "canon3.xml", "brute-force=\"lockout\"",
	    "brute-force=\" lockout\n\t delay  \" brute-force-delay-ms=\"0\"");
	assert_int_equal(load(ICS_EX, ixit, &f, &d), 0);
	assert_string_equal(assay_forms_entry_fact(f, "1-AuthMech", 0,
	    "user-auth"), "true");
	assert_string_equal(assay_forms_entry_fact(f, "1-AuthMech", 0,
	    "network"), "true");
	assert_string_equal(assay_forms_entry_fact(f, "1-AuthMech", 0,
	    "password-length"), "12");
	assert_string_equal(assay_forms_entry_fact(f, "1-AuthMech", 0,
	    "brute-force"), "lockout delay");
	assert_string_equal(assay_forms_entry_fact(f, "1-AuthMech", 1,
	    "user-auth"), "true");
	assay_forms_free(f);
	assay_diag_free(d);

	/* "0" and " false" are false. */
	ixit = variant(IXIT_EX, "canon4.xml", "user-auth=\"true\" network=\"true\"",
	    "user-auth=\"0\" network=\" false\"");
	assert_int_equal(load(ICS_EX, ixit, &f, &d), 0);
	assert_string_equal(assay_forms_entry_fact(f, "1-AuthMech", 0,
	    "user-auth"), "false");
	assert_string_equal(assay_forms_entry_fact(f, "1-AuthMech", 0,
	    "network"), "false");
	assay_forms_free(f);
	assay_diag_free(d);
}

/*
 * The set-up file's passwords are secrets: in the list the evidence store
 * masks, so its masked copy of the set-up file holds none of them.
 */
static void
test_setup_secrets(void **state)
{
	static const char *const pw[] = { "Hq7fK3mP9xWt", "Lab-Mqtt-2vX8pL",
	    "Lab-Rtsp-9nB4wZ" };
	struct assay_run_info info = { { "k" }, { "v" }, 1 };
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	struct assay_evidence *ev = NULL;
	const char **sec;
	char out[4200], *text, *m;
	size_t i, k, n;

	assert_int_equal(load(ICS_EX, IXIT_EX, &f, &d), 0);
	n = assay_forms_nsecrets(f);
	assert_int_equal(n, 4);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < n; i++)
			if (strcmp(assay_forms_secret(f, i), pw[k]) == 0)
				break;
		assert_true(i < n);
		/* Its own allocation, not a pointer into a document. */
		assert_ptr_equal(assay_forms_secret(f, i),
		    assay_forms_credential_password(f, k));
	}
	assert_non_null(sec = calloc(n, sizeof(*sec)));
	for (i = 0; i < n; i++)
		sec[i] = assay_forms_secret(f, i);
	snprintf(out, sizeof(out), "%s/run-secrets", tmpdir);
	assert_int_equal(assay_evidence_open(out, 0, &info, sec, n, &ev, d), 0);
	assert_int_equal(assay_evidence_save_masked(ev, "forms", "setup.xml",
	    tu_src(SETUP_EX)), 0);
	m = assay_evidence_mask(ev, "login admin Hq7fK3mP9xWt");
	assert_string_equal(m, "login admin [secret]");
	free(m);
	assay_evidence_free(ev);
	snprintf(out, sizeof(out), "%s/run-secrets/forms/setup.xml", tmpdir);
	assert_non_null(text = tu_read_file(out, NULL));
	for (k = 0; k < 3; k++)
		assert_null(strstr(text, pw[k]));
	assert_non_null(strstr(text, "<password>[secret]</password>"));
	free(text);
	free(sec);
	assay_forms_free(f);
	assay_diag_free(d);
}

/*
 * Issue 12, item 6: a declared secret on a public default list or shorter
 * than 8 characters is a warning at the field that declares it, and is
 * marked weak (masked only as a whole token); a strong one is neither.
 */
static void
test_weak_secrets(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	const char *setup;
	char *text;
	long i;

	(void)state;
	setup = variant(SETUP_EX, "weak1.xml", "Hq7fK3mP9xWt", "admin");
	setup = variant(setup, "weak2.xml", "Lab-Mqtt-2vX8pL", "xY7q");
	assert_int_equal(load3(ICS_EX, IXIT_EX, setup, &f, &d), 0);
	assert_non_null(f);
	assert_int_equal(assay_diag_nerrors(d), 0);
	assert_non_null(text = tu_read_file(setup, NULL));
	assert_diag(d, "weak2.xml", line_at(text,
	    strstr(text, "<credential id=\"web-admin\"")), "weak secret: the "
	    "password of credential \"web-admin\" is on the public default "
	    "list mirai.txt: it is masked only where it stands as a whole "
	    "value");
	assert_diag(d, "weak2.xml", line_at(text,
	    strstr(text, "<credential id=\"mqtt-app\"")), "weak secret: the "
	    "password of credential \"mqtt-app\" is shorter than 8 "
	    "characters");
	free(text);
	assert_true((i = assay_diag_find(d, "weak secret")) >= 0);
	assert_true(assay_diag_is_warning(d, (size_t)i));
	assert_int_equal(assay_diag_count(d), 2);
	assert_int_equal(assay_forms_secret_weak(f, "admin"), 1);
	assert_int_equal(assay_forms_secret_weak(f, "xY7q"), 1);
	assert_int_equal(assay_forms_secret_weak(f, "Lab-Rtsp-9nB4wZ"), 0);
	/* The public pairs with that password are kept for the mask. */
	{
		size_t k, np = assay_forms_npublic_pairs(f);

		for (k = 0; k < np; k++)
			if (strcmp(assay_forms_public_pair(f, k),
			    "admin:admin") == 0)
				break;
		assert_true(k < np);
		assert_null(assay_forms_public_pair(f, np));
	}
	assay_forms_free(f);
	assay_diag_free(d);

	/* The examples declare strong secrets: no warning. */
	assert_int_equal(load(ICS_EX, IXIT_EX, &f, &d), 0);
	assert_true(assay_diag_find(d, "weak secret") < 0);
	assay_forms_free(f);
	assay_diag_free(d);
}

/*
 * Issue 11, defect 2a: the copy of the forms in the run directory was
 * made by replacing the secret's text in the file, so a password the file
 * spelled with a character reference (Secr&#51;tPassA) or a raw
 * apostrophe stayed in clear.  The copy is now written from the parsed
 * tree: each secret element's content is the mark, and other text that
 * repeats a secret (a comment, a description) is masked, however spelled.
 */
static void
test_masked_copy(void **state)
{
	char ixit[4096], setup[4096], *text;
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	size_t len;

	(void)state;
	/* variant() returns a static buffer: copy each path. */
	snprintf(ixit, sizeof(ixit), "%s", variant(IXIT_EX, "mc-ixit.xml",
	    ">tok-7Hq2vN9xLpR4sKd8</field>",
	    ">Secr&#51;tPassA</field>\n"
	    "        <field name=\"Example Value\" secret=\" true \">"
	    "O'Brien &amp; &#x20AC;5 &lt;x&gt;</field>\n"
	    "        <!-- old one was Secr3tPassA -->\n"
	    "        <field name=\"Example Value\">see O&apos;Brien &amp; "
	    "\xe2\x82\xac" "5 &lt;x&gt;</field>"));
	snprintf(setup, sizeof(setup), "%s", variant(SETUP_EX, "mc-setup.xml",
	    "<password>Hq7fK3mP9xWt",
	    "<password>it&apos;s &quot;Hq7&quot; &#233;"));
	assert_int_equal(load3(ICS_EX, ixit, setup, &f, &d), 0);

	assert_int_equal(assay_forms_masked_copy(f, ASSAY_FORM_IXIT, &text,
	    &len, d), 0);
	assert_int_equal(strlen(text), len);
	assert_null(strstr(text, "Secr3tPassA"));
	assert_null(strstr(text, "Secr&#51;tPassA"));
	assert_null(strstr(text, "Brien"));
	assert_null(strstr(text, "tok-7Hq2vN9xLpR4sKd8"));
	assert_non_null(strstr(text, "secret=\"true\">[secret]</field>"));
	assert_non_null(strstr(text, "<!-- old one was [secret] -->"));
	assert_non_null(strstr(text, "<field name=\"Example Value\">see "
	    "[secret]</field>"));
	free(text);

	assert_int_equal(assay_forms_masked_copy(f, ASSAY_FORM_SETUP, &text,
	    &len, d), 0);
	assert_null(strstr(text, "Hq7"));
	assert_null(strstr(text, "Lab-Mqtt-2vX8pL"));
	assert_non_null(strstr(text, "<password>[secret]</password>"));
	free(text);

	/* The masked copy is still a valid form. */
	assert_int_equal(assay_forms_masked_copy(f, ASSAY_FORM_ICS, &text,
	    &len, d), 0);
	write_tmp("mc-ics-copy.xml", text);
	free(text);

	/* A form changed since the load gets no copy. */
	write_tmp("mc-ixit.xml", "<ixit/>");
	assert_int_equal(assay_forms_masked_copy(f, ASSAY_FORM_IXIT, &text,
	    &len, d), ASSAY_ERR_FORM);
	assert_null(text);
	assert_true(assay_diag_find(d, "changed since it was loaded") >= 0);
	assay_forms_free(f);
	assay_diag_free(d);

	assert_int_equal(load3(tmp_path("mc-ics-copy.xml"), IXIT_EX, NULL,
	    &f, &d), 0);
	assert_int_equal(assay_forms_masked_copy(f, ASSAY_FORM_SETUP, &text,
	    &len, d), ASSAY_ERR_NOT_FOUND);
	assay_forms_free(f);
	assay_diag_free(d);
}

/* Every problem is reported, in both forms, not only the first. */
static void
test_all_errors_reported(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	char *src, *p;
	size_t len;
	long l1, l2, l3, l4;

	assert_non_null(src = tu_read_file(tu_src(ICS_EX), &len));
	assert_non_null(p = strstr(src, "id=\"5.2-1\""));
	p[8] = '9';
	l1 = line_at(src, p);
	assert_non_null(p = strstr(src, "number=\"7\""));
	p[8] = '0';
	l2 = line_at(src, p);
	l3 = line_at(src, strstr(src, "<conditions>"));
	l4 = line_at(src, strstr(src, "<provisions>"));
	write_tmp("two.xml", src);
	free(src);
	assert_int_equal(load(tmp_path("two.xml"),
	    "ixit/examples/broken/port-out-of-range.xml", &f, &d),
	    ASSAY_ERR_FORM);
	assert_null(f);
	assert_diag(d, "two.xml", l1, "unknown provision \"5.2-9\"");
	assert_diag(d, "two.xml", l2, "condition 0 out of range");
	assert_diag(d, "two.xml", l3, "condition 7 not declared");
	assert_diag(d, "two.xml", l4, "provision 5.2-1 missing");
	assert_diag(d, "port-out-of-range.xml", 8, "port 70000 out of range");
	assert_int_equal(assay_diag_count(d), 5);
	assay_diag_free(d);
}

/* Schema errors in one form do not hide cross-check errors in the other. */
static void
test_both_forms_checked(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;

	assert_int_equal(load("ics/examples/broken/bad-support.xml",
	    "ixit/examples/broken/unknown-field.xml", &f, &d),
	    ASSAY_ERR_SCHEMA);
	assert_diag(d, "bad-support.xml", 46, "'Yes'");
	assert_diag(d, "unknown-field.xml", 71, "unknown field \"Colour\"");
	assay_diag_free(d);
}

static void
test_templates_do_not_validate(void **state)
{
	struct assay_diag *d;
	char xsd[4096], *text;

	assert_non_null(d = assay_diag_new());
	snprintf(xsd, sizeof(xsd), "%s", tu_src("ics/ics.xsd"));
	assert_int_equal(assay_forms_check_xml(tu_src("ics/template.xml"), xsd,
	    d), ASSAY_ERR_SCHEMA);
	/* One plain line per TODO, none of libxml2's facet messages. */
	assert_true(assay_diag_find(d, "provision 5.1-1: support is still "
	    "TODO (write Y, N or N/A)") >= 0);
	assert_true(assay_diag_find(d, "condition 7: holds is still TODO "
	    "(write true or false)") >= 0);
	assert_true(assay_diag_find(d, "<hardware-version>: its text is "
	    "still TODO") >= 0);
	assert_true(assay_diag_find(d, "facet") < 0);
	assert_int_equal(assay_diag_count(d), 68 + 13 + 4);
	assay_diag_free(d);
	assert_non_null(d = assay_diag_new());
	snprintf(xsd, sizeof(xsd), "%s", tu_src("ixit/ixit.xsd"));
	assert_int_equal(assay_forms_check_xml(tu_src("ixit/template.xml"), xsd,
	    d), ASSAY_ERR_SCHEMA);
	assert_true(assay_diag_find(d, "port") >= 0);
	assay_diag_free(d);
	assert_non_null(d = assay_diag_new());
	assert_int_equal(assay_forms_check_xml(tu_src(IXIT_EX), xsd, d), 0);
	assay_diag_free(d);
	/* The set-up template: TODO address, and the default budget. */
	assert_non_null(d = assay_diag_new());
	snprintf(xsd, sizeof(xsd), "%s", tu_src("setup/setup.xsd"));
	assert_int_equal(assay_forms_check_xml(tu_src("setup/template.xml"),
	    xsd, d), ASSAY_ERR_SCHEMA);
	assert_true(assay_diag_find(d, "<address>: its text is still TODO") >= 0);
	assay_diag_free(d);
	assert_non_null(text = tu_read_file(tu_src("setup/template.xml"), NULL));
	assert_non_null(strstr(text, "<budget max-connections=\"64\" "
	    "max-rate=\"1000000\"/>"));
	free(text);
}

/*
 * <budget adaptive> and <liveness>: the watch defaults to the first TCP
 * service; a named one must be a TCP service of the IXIT.
 */
static void
test_budget_liveness(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	const char *setup;
	int iv = 0, gu = 0;

	(void)state;
	assert_int_equal(load3(ICS_EX, IXIT_EX, SETUP_EX, &f, &d), 0);
	assert_true(assay_forms_budget_adaptive(f));
	assert_int_equal(assay_forms_liveness(f, &iv, &gu), 0);	/* web */
	assert_int_equal(iv, ASSAY_FORMS_DEFAULT_LIVENESS_INTERVAL_MS);
	assert_int_equal(gu, ASSAY_FORMS_DEFAULT_LIVENESS_GIVE_UP_S);
	assay_forms_free(f);
	assay_diag_free(d);

	setup = variant(SETUP_EX, "live.xml",
	    "<budget max-connections=\"64\" max-rate=\"1000000\"/>",
	    "<budget max-rate=\"500\" adaptive=\"no\"/>\n"
	    "  <liveness service=\"rtsp\" interval-ms=\"100\" give-up-s=\"9\"/>");
	assert_int_equal(load3(ICS_EX, IXIT_EX, setup, &f, &d), 0);
	assert_false(assay_forms_budget_adaptive(f));
	assert_int_equal(assay_forms_budget_max_rate(f), 500);
	assert_int_equal(assay_forms_liveness(f, &iv, &gu),
	    assay_forms_service_find(f, "rtsp"));
	assert_int_equal(iv, 100);
	assert_int_equal(gu, 9);
	assay_forms_free(f);
	assay_diag_free(d);

	setup = variant(SETUP_EX, "liveoff.xml",
	    "<budget max-connections=\"64\" max-rate=\"1000000\"/>",
	    "<liveness enabled=\"no\"/>");
	assert_int_equal(load3(ICS_EX, IXIT_EX, setup, &f, &d), 0);
	assert_int_equal(assay_forms_liveness(f, &iv, &gu), -1);
	assay_forms_free(f);
	assay_diag_free(d);

	setup = variant(SETUP_EX, "livebad.xml",
	    "<budget max-connections=\"64\" max-rate=\"1000000\"/>",
	    "<liveness service=\"nosuch\" interval-ms=\"10\"/>");
	assert_int_equal(load3(ICS_EX, IXIT_EX, setup, &f, &d), ASSAY_ERR_FORM);
	assert_true(assay_diag_find(d, "liveness service \"nosuch\" is not a "
	    "service of the IXIT") >= 0);
	assert_true(assay_diag_find(d, "liveness interval-ms 10 out of range "
	    "50..60000") >= 0);
	assay_forms_free(f);
	assay_diag_free(d);
}

/* --- hostile XML ------------------------------------------------------ */

/* Loads a hostile ICS, asserts the code, the message and that it was fast. */
static struct assay_diag *
hostile(const char *name, int code, const char *msg)
{
	struct assay_forms *f = (void *)1;
	struct assay_diag *d = NULL;
	long long t0, ms;
	int r;

	t0 = tu_now_ms();
	r = load(tmp_path(name), IXIT_EX, &f, &d);
	ms = tu_now_ms() - t0;
	if (r != code || assay_diag_find(d, msg) < 0)
		assay_diag_print(d, stderr);
	assert_int_equal(r, code);
	assert_null(f);
	assert_true(assay_diag_find(d, msg) >= 0);
	assert_true(ms < FAST_MS);
	return d;
}

static void
test_billion_laughs(void **state)
{
	struct assay_diag *d;

	write_tmp("lol.xml",
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE ics [\n"
	    " <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
	    " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
	    " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
	    " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
	    " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
	    " <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
	    " <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
	    "]>\n"
	    "<ics xmlns=\"urn:assay:ics:1\" version=\"1\">&g;&g;&g;&g;</ics>\n");
	d = hostile("lol.xml", ASSAY_ERR_HOSTILE_XML,
	    "DOCTYPE is not allowed in a form");
	assert_int_equal(assay_diag_count(d), 1);
	assert_int_equal(assay_diag_line(d, 0), 2);
	assay_diag_free(d);
}

static void
test_external_entity_file(void **state)
{
	struct assay_diag *d;
	char *passwd;
	size_t i;

	write_tmp("xxe.xml",
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE ics [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n"
	    "<ics xmlns=\"urn:assay:ics:1\" version=\"1\">&x;</ics>\n");
	d = hostile("xxe.xml", ASSAY_ERR_HOSTILE_XML,
	    "DOCTYPE is not allowed in a form");
	passwd = tu_read_file("/etc/passwd", NULL);
	for (i = 0; i < assay_diag_count(d); i++) {
		assert_null(strstr(assay_diag_message(d, i), "root:"));
		if (passwd != NULL) {
			char first[32];

			snprintf(first, sizeof(first), "%.*s",
			    (int)strcspn(passwd, "\n"), passwd);
			assert_null(strstr(assay_diag_message(d, i), first));
		}
	}
	free(passwd);
	assay_diag_free(d);
}

/* An entity reference with no DTD at all is just an error. */
static void
test_undeclared_entity(void **state)
{
	struct assay_diag *d;

	write_tmp("undef.xml",
	    "<ics xmlns=\"urn:assay:ics:1\" version=\"1\">\n&x;</ics>\n");
	d = hostile("undef.xml", ASSAY_ERR_PARSE, "Entity 'x' not defined");
	assert_int_equal(assay_diag_line(d, 0), 2);
	assay_diag_free(d);
}

static void
test_external_dtd_network(void **state)
{
	struct assay_diag *d;
	char text[512];
	int port = tu_free_port();

	assert_true(port > 0);
	snprintf(text, sizeof(text),
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE ics SYSTEM \"http://127.0.0.1:%d/x.dtd\">\n"
	    "<ics xmlns=\"urn:assay:ics:1\" version=\"1\"/>\n", port);
	write_tmp("dtd.xml", text);
	d = hostile("dtd.xml", ASSAY_ERR_HOSTILE_XML,
	    "DOCTYPE is not allowed in a form");
	assay_diag_free(d);
}

/*
 * The same with a listener on the DTD's port: nobody connects to it (a
 * closed port alone could hide an attempt that failed fast).
 */
static void
test_external_dtd_no_connect(void **state)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct assay_diag *d;
	char text[512];
	int ls, c;

	assert_true((ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 8), 0);
	assert_int_equal(getsockname(ls, (struct sockaddr *)&sa, &sl), 0);
	snprintf(text, sizeof(text),
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE ics PUBLIC \"-//X//Y\" \"http://127.0.0.1:%d/x.dtd\" [\n"
	    " <!ENTITY %% p SYSTEM \"http://127.0.0.1:%d/p.ent\"> %%p;\n"
	    "]>\n"
	    "<ics xmlns=\"urn:assay:ics:1\" version=\"1\"/>\n",
	    ntohs(sa.sin_port), ntohs(sa.sin_port));
	write_tmp("dtd2.xml", text);
	d = hostile("dtd2.xml", ASSAY_ERR_HOSTILE_XML,
	    "DOCTYPE is not allowed in a form");
	assay_diag_free(d);
	c = accept(ls, NULL, NULL);
	assert_int_equal(c, -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	close(ls);
}

/* xsi:schemaLocation is never followed: the form still validates, fast. */
static void
test_schema_location_ignored(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	char to[256];
	const char *ics;
	long long t0;

	snprintf(to, sizeof(to), "<ics xmlns=\"urn:assay:ics:1\" "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	    "xsi:schemaLocation=\"urn:assay:ics:1 http://127.0.0.1:%d/evil.xsd\"",
	    tu_free_port());
	ics = variant(ICS_EX, "loc.xml", "<ics xmlns=\"urn:assay:ics:1\"", to);
	t0 = tu_now_ms();
	assert_int_equal(load(ics, IXIT_EX, &f, &d), 0);
	assert_true(tu_now_ms() - t0 < FAST_MS);
	assay_forms_free(f);
	assay_diag_free(d);
}

static void
test_huge_file(void **state)
{
	struct assay_diag *d;
	int fd;

	fd = open(tmp_path("big.xml"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 100 * 1024 * 1024), 0);	/* sparse */
	close(fd);
	d = hostile("big.xml", ASSAY_ERR_TOO_BIG, "larger than the");
	assert_true(assay_diag_find(d, "104857600 bytes") >= 0);
	assay_diag_free(d);
	unlink(tmp_path("big.xml"));
}

/*
 * A FIFO (say, a process substitution gone wrong) or a directory named as
 * a form is refused at once: it is never opened for a read that waits.
 */
static void
test_not_a_file(void **state)
{
	struct assay_diag *d;

	unlink(tmp_path("fifo.xml"));
	assert_int_equal(mkfifo(tmp_path("fifo.xml"), 0600), 0);
	d = hostile("fifo.xml", ASSAY_ERR_NOT_REGULAR, "not a form");
	assay_diag_free(d);
	unlink(tmp_path("fifo.xml"));
	assert_int_equal(mkdir(tmp_path("dir.xml"), 0700), 0);
	d = hostile("dir.xml", ASSAY_ERR_NOT_REGULAR, "is a directory or "
	    "special file");
	assay_diag_free(d);
	rmdir(tmp_path("dir.xml"));
}

static void
test_deep_nesting(void **state)
{
	struct assay_diag *d;
	const size_t depth = 100000;
	char *text, *p;
	size_t i;

	assert_non_null(text = malloc(depth * 7 + 64));
	p = text + sprintf(text, "<?xml version=\"1.0\"?>\n");
	for (i = 0; i < depth; i++)
		p += sprintf(p, "<a>");
	for (i = 0; i < depth; i++)
		p += sprintf(p, "</a>");
	*p = '\0';
	write_tmp("deep.xml", text);
	free(text);
	d = hostile("deep.xml", ASSAY_ERR_HOSTILE_XML, "nested deeper than 64");
	assert_int_equal(assay_diag_count(d), 1);
	assay_diag_free(d);
}

static void
test_invalid_utf8(void **state)
{
	struct assay_diag *d;

	/* An overlong encoding of '/' on line 3. */
	write_tmp("utf8.xml",
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ics xmlns=\"urn:assay:ics:1\" version=\"1\">\n"
	    "\xc0\xaf</ics>\n");
	d = hostile("utf8.xml", ASSAY_ERR_PARSE, "invalid UTF-8");
	assert_int_equal(assay_diag_line(d, 0), 3);
	assay_diag_free(d);

	/* A declared Latin-1 encoding does not make Latin-1 bytes acceptable. */
	write_tmp("latin1.xml",
	    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
	    "<ics xmlns=\"urn:assay:ics:1\" version=\"1\">caf\xe9</ics>\n");
	d = hostile("latin1.xml", ASSAY_ERR_PARSE, "invalid UTF-8");
	assay_diag_free(d);
}

/* The IXIT given as ICS and vice versa: one clear message each. */
static void
test_forms_swapped(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;

	assert_int_equal(load(IXIT_EX, ICS_EX, &f, &d), ASSAY_ERR_SCHEMA);
	assert_diag(d, "ixit/examples/smart-camera.xml", 5,
	    "root element is <ixit>, expected <ics>");
	assert_diag(d, "ics/examples/smart-camera.xml", 3,
	    "root element is <ics>, expected <ixit>");
	assert_int_equal(assay_diag_count(d), 2);
	assay_diag_free(d);
}

/*
 * A form just under the size cap made of as many entries, refs and fields
 * as fit: the checks stay near-linear (a quadratic duplicate check took
 * minutes here) and the diagnostics are capped.
 */
static void
test_large_form(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	char *src, *text, *p, *hit;
	const char *anchor = "<item id=\"16-CodeMin\">";
	size_t len, cap = ASSAY_FORMS_MAX_BYTES - 64 * 1024, i;
	long long t0, ms;

	assert_non_null(src = tu_read_file(tu_src(IXIT_EX), &len));
	assert_non_null(hit = strstr(src, anchor));
	hit += strlen(anchor);
	assert_non_null(text = malloc(cap + len + 1));
	memcpy(text, src, (size_t)(hit - src));
	p = text + (hit - src);
	/* Half: entries with dangling refs, every tenth id a duplicate. */
	for (i = 0; (size_t)(p - text) < cap / 2; i++)
		p += sprintf(p, "<entry id=\"e%zu\"><ref entry=\"x%zu\"/></entry>",
		    i % 10 == 9 ? i - 1 : i, i);
	/* Half: one entry with many fields. */
	p += sprintf(p, "<entry id=\"big\">");
	while ((size_t)(p - text) < cap)
		p += sprintf(p, "<field name=\"Code Minimization "
		    "Techniques\">y</field>");
	p += sprintf(p, "</entry>");
	strcpy(p, hit);
	free(src);
	assert_true(strlen(text) <= ASSAY_FORMS_MAX_BYTES);
	write_tmp("large.xml", text);
	free(text);

	t0 = tu_now_ms();
	assert_int_equal(load(ICS_EX, tmp_path("large.xml"), &f, &d),
	    ASSAY_ERR_FORM);
	ms = tu_now_ms() - t0;
	print_message("large form: %lld ms, %zu problems\n", ms,
	    assay_diag_count(d));
	assert_true(ms < 10000);
	assert_true(assay_diag_count(d) > 10000);
	assert_int_equal(assay_diag_find(d, "unknown field"), -1);
	assert_true(assay_diag_find(d, "duplicate entry id \"e8\"") >= 0);
	assert_true(assay_diag_find(d, "ref to entry \"x0\"") >= 0);
	assay_diag_free(d);
}

static void
test_missing_file(void **state)
{
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;

	assert_int_equal(load(tmp_path("nope.xml"), IXIT_EX, &f, &d),
	    ASSAY_ERR_NOT_FOUND);
	assert_true(assay_diag_find(d, "cannot open") >= 0);
	assay_diag_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples_valid),
		cmocka_unit_test(test_budget_defaults),
		cmocka_unit_test(test_budget_liveness),
		cmocka_unit_test(test_service_address),
		cmocka_unit_test(test_version1_explained),
		cmocka_unit_test(test_delfunc_interface),
		cmocka_unit_test(test_withdraw_interface),
		cmocka_unit_test(test_missing_facts_warn),
		cmocka_unit_test(test_fact_canonical),
		cmocka_unit_test(test_setup_secrets),
		cmocka_unit_test(test_setup_artefacts),
		cmocka_unit_test(test_client_side_good),
		cmocka_unit_test(test_client_side_errors),
		cmocka_unit_test(test_client_side_pace),
		cmocka_unit_test(test_outbound_facts),
		cmocka_unit_test(test_masked_copy),
		cmocka_unit_test(test_ref_item_filled),
		cmocka_unit_test(test_threads_read),
		cmocka_unit_test(test_ics_extras),
		cmocka_unit_test(test_broken_examples),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_both_forms_checked),
		cmocka_unit_test(test_templates_do_not_validate),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_external_entity_file),
		cmocka_unit_test(test_undeclared_entity),
		cmocka_unit_test(test_external_dtd_network),
		cmocka_unit_test(test_external_dtd_no_connect),
		cmocka_unit_test(test_schema_location_ignored),
		cmocka_unit_test(test_huge_file),
		cmocka_unit_test(test_not_a_file),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_forms_swapped),
		cmocka_unit_test(test_large_form),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_weak_secrets),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
