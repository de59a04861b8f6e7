/*
 * test_sign.c - MANIFEST, CMS signature, keygen and verification.
 *
 * Builds a fake report directory in /tmp, signs it with each key type,
 * checks it with our verifier and with stock `openssl cms -verify`, then
 * tampers with it every way we can think of and counts detections.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/diag.h"
#include "base/error.h"
#include "report/sign.h"
#include "testutil.h"

#define HDR	"assay-report-manifest 1\nhash sha256\n"

static const char report_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<report xmlns=\"urn:assay:report:1\" version=\"1\" id=\"rpt-42\">"
    "<laboratory><name>Test Lab</name><authorised-by>M. Manager"
    "</authorised-by></laboratory><customer><name>Acme</name></customer>"
    "<device><manufacturer>Acme</manufacturer><model>Cam 1</model>"
    "<hardware-version/><firmware-version>1.2.3</firmware-version></device>"
    "<decision-rule id=\"assay-decision-rule-1\">rule</decision-rule>"
    "<scope kind=\"partial\" only=\"5.1-1 5.3-2\" provisions-in-scope=\"30\" "
    "provisions-not-in-scope=\"38\">partial</scope>"
    "<summary result=\"FAIL\" scope=\"partial\" applicable=\"20\" "
    "assessed=\"18\" failed=\"1\" not-in-scope=\"38\" "
    "test-case-verdict=\"ERROR\" pass=\"3\" fail=\"1\" inconclusive=\"2\" "
    "not-applicable=\"10\" not-fulfilled=\"0\" error=\"1\" none=\"0\">"
    "<provisions pass=\"17\" fail=\"1\" inconclusive=\"1\" "
    "not-applicable=\"6\" not-fulfilled=\"4\" error=\"1\" none=\"0\"/>"
    "<result-text>FAIL \xe2\x80\x94 assessed 18 of 20 applicable provisions; "
    "1 failed</result-text></summary></report>\n";

/* Every file of the fake report, relative to the report directory. */
static const char *const report_files[] = {
	"report.xml",
	"report.json",
	"report.html",
	"evidence/tc-5.1-1/capture.pcap",
	"evidence/tc-5.1-1/transcript.txt",
	"evidence/tc-5.3-2/banner.txt",
	"evidence/observations/photo.jpg",
};
#define NREPORT_FILES	(sizeof(report_files) / sizeof(report_files[0]))

static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	return s;
}

static void
put(const char *dir, const char *rel, const void *data, size_t len)
{
	char *p = xasprintf("%s/%s", dir, rel);

	assert_int_equal(tu_write_file(p, data, len), 0);
	free(p);
}

static void
mkdirs(const char *dir, const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);

	assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
	free(p);
}

/* A fresh unsigned report directory in /tmp; caller tu_rmrf()s, frees. */
static char *
make_report(void)
{
	char *dir = tu_mkdtemp("sign-report");
	unsigned char bin[4000];
	size_t i;

	assert_non_null(dir);
	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(i * 7 + (i >> 8));
	put(dir, "report.xml", report_xml, strlen(report_xml));
	put(dir, "report.json", "{\"verdict\":\"FAIL\"}\n", 19);
	put(dir, "report.html", "<html><body>FAIL</body></html>\n", 31);
	mkdirs(dir, "evidence");
	mkdirs(dir, "evidence/tc-5.1-1");
	mkdirs(dir, "evidence/tc-5.3-2");
	mkdirs(dir, "evidence/observations");
	put(dir, "evidence/tc-5.1-1/capture.pcap", bin, sizeof(bin));
	put(dir, "evidence/tc-5.1-1/transcript.txt", "login: admin\nok\n", 16);
	put(dir, "evidence/tc-5.3-2/banner.txt", "SSH-2.0-dropbear\r\n", 18);
	put(dir, "evidence/observations/photo.jpg", bin + 100, 1234);
	return dir;
}

/* keygen into a fresh directory; returns it (caller frees). */
static char *
make_key(enum assay_sign_keytype type, const char *cn)
{
	struct assay_diag *d = assay_diag_new();
	char *dir = tu_mkdtemp("sign-key"), *subj = xasprintf("/CN=%s/O=Test Lab", cn);
	int r;

	assert_non_null(dir);
	r = assay_sign_keygen(dir, type, subj, 30, ASSAY_SIGN_FORCE, d);
	if (r != 0)
		assay_diag_print(d, stderr);
	assert_int_equal(r, 0);
	assay_diag_free(d);
	free(subj);
	return dir;
}

static int
sign_with(const char *rep, const char *keydir, int flags)
{
	struct assay_diag *d = assay_diag_new();
	char *k = xasprintf("%s/key.pem", keydir);
	char *c = xasprintf("%s/cert.pem", keydir);
	int r;

	r = assay_sign_dir(rep, k, c, flags, d);
	if (r != 0)
		assay_diag_print(d, stderr);
	assay_diag_free(d);
	free(k);
	free(c);
	return r;
}

/* Verifies; returns the result code and leaves *vp for the caller. */
static int
verify(const char *rep, const char *ca, const char *pin,
    struct assay_verify **vp)
{
	return assay_sign_verify(rep, ca, pin, vp);
}

/* 1 when some problem names file (exactly) and, if needle, says needle. */
static int
problem_names(const struct assay_verify *v, const char *file,
    const char *needle)
{
	const struct assay_diag *p = assay_verify_problems(v);
	size_t i;

	for (i = 0; i < assay_diag_count(p); i++)
		if (strcmp(assay_diag_file(p, i), file) == 0 &&
		    (needle == NULL || strstr(assay_diag_message(p, i), needle)))
			return 1;
	return 0;
}

static void
dump_problems(const struct assay_verify *v)
{
	if (v != NULL)
		assay_diag_print(assay_verify_problems(v), stderr);
}

/*
 * The report fails verification and a problem names file (with needle).
 * Returns 1 when detected and named, 0 otherwise (printing why).
 */
static int
detected(const char *rep, const char *pin, const char *file, const char *needle,
    const char *what)
{
	struct assay_verify *v = NULL;
	int r, ok;

	r = verify(rep, NULL, pin, &v);
	ok = r != 0 && v != NULL && !assay_verify_ok(v) &&
	    problem_names(v, file, needle);
	if (!ok) {
		fprintf(stderr, "NOT DETECTED: %s (r=%d, want %s: %s)\n", what, r,
		    file, needle ? needle : "*");
		dump_problems(v);
	}
	assay_verify_free(v);
	return ok;
}

static void
assert_verifies(const char *rep, const char *ca, const char *pin)
{
	struct assay_verify *v = NULL;
	int r = verify(rep, ca, pin, &v);

	if (r != 0)
		dump_problems(v);
	assert_int_equal(r, 0);
	assert_true(assay_verify_ok(v));
	assay_verify_free(v);
}

static int
openssl_verify(const char *rep, const char *cafile)
{
	char *cmd = xasprintf("openssl cms -verify -binary -inform DER "
	    "-in '%s/report.p7s' -content '%s/MANIFEST' -CAfile '%s' "
	    "-out /dev/null 2>&1", rep, rep, cafile);
	char *out = NULL;
	int st = tu_run(cmd, &out);

	if (st != 0)
		fprintf(stderr, "openssl cms -verify (%s): %s", cafile,
		    out ? out : "");
	free(out);
	free(cmd);
	return st;
}

static void
roundtrip(enum assay_sign_keytype type, const char *cn, const char *alg)
{
	struct assay_verify *v = NULL;
	char *rep, *key, *cert;
	struct stat st;
	int r;

	if (!tu_have("openssl"))
		skip();
	rep = make_report();
	key = make_key(type, cn);
	cert = xasprintf("%s/cert.pem", key);
	{
		char *kp = xasprintf("%s/key.pem", key);

		assert_int_equal(stat(kp, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		free(kp);
	}
	assert_int_equal(sign_with(rep, key, 0), 0);

	/* Signature only: verifies, with a warning, and says what it saw. */
	r = verify(rep, NULL, NULL, &v);
	if (r != 0)
		dump_problems(v);
	assert_int_equal(r, 0);
	assert_true(assay_verify_ok(v));
	assert_int_equal(assay_verify_trust(v), ASSAY_VERIFY_SIGNATURE_ONLY);
	assert_true(assay_diag_count(assay_verify_warnings(v)) > 0);
	assert_non_null(strstr(assay_verify_signer(v), cn));
	assert_non_null(assay_verify_signing_time(v));
	assert_int_equal(strlen(assay_verify_signing_time(v)), 20);
	assert_string_equal(assay_verify_algorithm(v), alg);
	assert_int_equal(assay_verify_nlisted(v), NREPORT_FILES);
	assert_int_equal(assay_verify_nmatched(v), NREPORT_FILES);
	assert_string_equal(assay_verify_report_field(v, "manufacturer"), "Acme");
	assert_string_equal(assay_verify_report_field(v, "model"), "Cam 1");
	assert_string_equal(assay_verify_report_field(v, "firmware-version"), "1.2.3");
	assert_null(assay_verify_report_field(v, "hardware-version"));
	assert_string_equal(assay_verify_report_field(v, "result"), "FAIL");
	assert_string_equal(assay_verify_report_field(v, "scope"), "partial");
	assert_string_equal(assay_verify_report_field(v, "scope-only"),
	    "5.1-1 5.3-2");
	assert_string_equal(assay_verify_report_field(v, "not-fulfilled"), "4");
	assert_string_equal(assay_verify_report_field(v, "decision-rule"),
	    "assay-decision-rule-1");
	assert_string_equal(assay_verify_report_field(v, "test-case-verdict"),
	    "ERROR");
	assert_null(assay_verify_report_field(v, "verdict"));
	assert_string_equal(assay_verify_report_field(v, "not-applicable"), "10");
	assay_verify_free(v);

	/* Pinned to the signer's own certificate. */
	assert_verifies(rep, NULL, cert);
	/* Stock OpenSSL agrees, with the self-signed cert as trust anchor. */
	assert_int_equal(openssl_verify(rep, cert), 0);
	/* ... and disagrees once MANIFEST changes (the check can fail). */
	{
		char *m = xasprintf("%s/MANIFEST", rep), *data;
		size_t len;

		assert_non_null(data = tu_read_file(m, &len));
		data[len - 2] ^= 1;
		assert_int_equal(tu_write_file(m, data, len), 0);
		assert_int_not_equal(openssl_verify(rep, cert), 0);
		free(data);
		free(m);
	}
	/* Already signed: refused without force, fine with it. */
	assert_int_equal(sign_with(rep, key, 0), ASSAY_ERR_EXISTS);
	assert_int_equal(sign_with(rep, key, ASSAY_SIGN_FORCE), 0);
	assert_verifies(rep, NULL, cert);

	tu_rmrf(rep);
	tu_rmrf(key);
	free(rep);
	free(key);
	free(cert);
}

static void
test_roundtrip_ecdsa(void **state)
{
	roundtrip(ASSAY_SIGN_KEY_ECDSA_P256, "Lab ECDSA", "ecdsa-with-SHA256");
}

static void
test_roundtrip_rsa(void **state)
{
	roundtrip(ASSAY_SIGN_KEY_RSA3072, "Lab RSA", "rsaEncryption");
}

/*
 * OpenSSL 3.0's CMS code cannot sign with Ed25519 (no RFC 8419 support):
 * signing must then fail with a message that says so, and leave the
 * directory unsigned.  Should a later OpenSSL manage it, the full round
 * trip must hold instead.
 */
static void
test_ed25519(void **state)
{
	struct assay_diag *d = assay_diag_new();
	char *rep = make_report(), *key = make_key(ASSAY_SIGN_KEY_ED25519, "Lab Ed");
	char *k = xasprintf("%s/key.pem", key), *c = xasprintf("%s/cert.pem", key);
	char *m = xasprintf("%s/MANIFEST", rep);
	int r;

	r = assay_sign_dir(rep, k, c, 0, d);
	if (r == 0) {
		fprintf(stderr, "Ed25519 CMS signing works in this OpenSSL\n");
		assert_verifies(rep, NULL, c);
		assert_int_equal(openssl_verify(rep, c), 0);
	} else {
		assert_int_equal(r, ASSAY_ERR_CRYPTO);
		assert_true(assay_diag_find(d, "cannot make CMS signatures with "
		    "Ed25519") >= 0);
		assert_int_equal(access(m, F_OK), -1);
		fprintf(stderr, "Ed25519 refused as expected: %s\n",
		    assay_diag_message(d, 0));
	}
	assay_diag_free(d);
	tu_rmrf(rep);
	tu_rmrf(key);
	free(rep);
	free(key);
	free(k);
	free(c);
	free(m);
}

/* --- tampering -------------------------------------------------------- */

struct saved {
	char	*path;
	char	*data;
	size_t	 len;
};

static void
save(struct saved *s, const char *rep, const char *rel)
{
	s->path = xasprintf("%s/%s", rep, rel);
	assert_non_null(s->data = tu_read_file(s->path, &s->len));
}

static void
restore(struct saved *s)
{
	unlink(s->path);
	assert_int_equal(tu_write_file(s->path, s->data, s->len), 0);
}

static void
saved_free(struct saved *s)
{
	free(s->path);
	free(s->data);
}

static void
test_tamper(void **state)
{
	const char *all[NREPORT_FILES + 2];
	struct saved s, s2;
	char *rep = make_report(), *key = make_key(ASSAY_SIGN_KEY_ECDSA_P256, "Lab");
	char *key2 = make_key(ASSAY_SIGN_KEY_ECDSA_P256, "Mallory");
	char *cert = xasprintf("%s/cert.pem", key), *rep2, *p, *q;
	size_t i, k, off[3], nall = 0, cases = 0, hits = 0;
	char *data;

	assert_int_equal(sign_with(rep, key, 0), 0);
	assert_verifies(rep, NULL, cert);
	for (i = 0; i < NREPORT_FILES; i++)
		all[nall++] = report_files[i];
	all[nall++] = "MANIFEST";
	all[nall++] = "report.p7s";

	for (i = 0; i < nall; i++) {
		const char *f = all[i];
		/* A changed MANIFEST or report.p7s breaks the signature. */
		const char *named = (strcmp(f, "MANIFEST") == 0) ?
		    "report.p7s" : f;

		save(&s, rep, f);
		off[0] = 0;
		off[1] = s.len / 2;
		off[2] = s.len - 1;
		for (k = 0; k < 3; k++) {
			assert_non_null(data = malloc(s.len));
			memcpy(data, s.data, s.len);
			data[off[k]] ^= 0x01;
			assert_int_equal(tu_write_file(s.path, data, s.len), 0);
			free(data);
			cases++;
			hits += detected(rep, cert, named, NULL, "flip byte");
			restore(&s);
		}
		/* Truncate to half. */
		assert_int_equal(truncate(s.path, (off_t)(s.len / 2)), 0);
		cases++;
		hits += detected(rep, cert, named, NULL, "truncate");
		restore(&s);
		/* Delete. */
		assert_int_equal(unlink(s.path), 0);
		cases++;
		hits += detected(rep, cert, f, strcmp(f, "MANIFEST") == 0 ||
		    strcmp(f, "report.p7s") == 0 ? "missing" :
		    "listed in MANIFEST but missing", "delete");
		restore(&s);
		assert_verifies(rep, NULL, cert);
		saved_free(&s);
	}

	/* Added files, at the top and deep in the evidence. */
	put(rep, "extra.txt", "x", 1);
	cases++;
	hits += detected(rep, cert, "extra.txt", "not listed", "add top file");
	p = xasprintf("%s/extra.txt", rep);
	unlink(p);
	free(p);
	put(rep, "evidence/tc-5.1-1/.hidden", "", 0);
	cases++;
	hits += detected(rep, cert, "evidence/tc-5.1-1/.hidden", "not listed",
	    "add hidden empty file");
	p = xasprintf("%s/evidence/tc-5.1-1/.hidden", rep);
	unlink(p);
	free(p);

	/* Swap two evidence files. */
	save(&s, rep, "evidence/tc-5.1-1/transcript.txt");
	save(&s2, rep, "evidence/tc-5.3-2/banner.txt");
	assert_int_equal(tu_write_file(s.path, s2.data, s2.len), 0);
	assert_int_equal(tu_write_file(s2.path, s.data, s.len), 0);
	cases++;
	hits += detected(rep, cert, "evidence/tc-5.1-1/transcript.txt",
	    "content differs", "swap") &&
	    detected(rep, cert, "evidence/tc-5.3-2/banner.txt",
	    "content differs", "swap");
	restore(&s);
	restore(&s2);
	saved_free(&s);
	saved_free(&s2);

	/* Rename a file (same content, other name). */
	p = xasprintf("%s/report.json", rep);
	q = xasprintf("%s/report2.json", rep);
	assert_int_equal(rename(p, q), 0);
	cases++;
	hits += detected(rep, cert, "report.json", "missing", "rename") &&
	    detected(rep, cert, "report2.json", "not listed", "rename");
	assert_int_equal(rename(q, p), 0);
	free(p);
	free(q);

	/* Signature by another key over the very same MANIFEST. */
	rep2 = make_report();
	assert_int_equal(sign_with(rep2, key2, 0), 0);
	save(&s, rep, "report.p7s");
	save(&s2, rep2, "report.p7s");
	assert_int_equal(tu_write_file(s.path, s2.data, s2.len), 0);
	cases++;
	hits += detected(rep, cert, "report.p7s", "pinned", "other signer");
	restore(&s);
	saved_free(&s);
	saved_free(&s2);

	/*
	 * Edit MANIFEST to match an edited file: the hashes agree, the
	 * signature does not.
	 */
	save(&s, rep, "MANIFEST");
	save(&s2, rep, "report.json");
	put(rep, "report.json", "{\"verdict\":\"PASS\"}\n", 19);
	{
		char *cmd = xasprintf("cd '%s' && h=$(sha256sum report.json | "
		    "cut -c1-64) && sed -i \"s/^[0-9a-f]*  report.json$/$h  "
		    "report.json/\" MANIFEST", rep);

		assert_int_equal(tu_run(cmd, NULL), 0);
		free(cmd);
	}
	cases++;
	hits += detected(rep, cert, "report.p7s", "does not verify",
	    "edit MANIFEST to match");
	/* Same, re-signed by Mallory: the pin catches it. */
	assert_int_equal(sign_with(rep, key2, ASSAY_SIGN_FORCE), 0);
	cases++;
	hits += detected(rep, cert, "report.p7s", "pinned", "re-signed by other");
	restore(&s2);
	restore(&s);
	saved_free(&s);
	saved_free(&s2);

	fprintf(stderr, "tamper detection: %zu of %zu cases detected and "
	    "named\n", hits, cases);
	assert_int_equal(hits, cases);

	tu_rmrf(rep);
	tu_rmrf(rep2);
	tu_rmrf(key);
	tu_rmrf(key2);
	free(rep);
	free(rep2);
	free(key);
	free(key2);
	free(cert);
}

/* --- hostile directories ---------------------------------------------- */

/*
 * Writes text as MANIFEST and signs it with openssl, as an attacker who has
 * any key would: the signature-only check passes, the parser must not.
 */
static void
write_signed_manifest(const char *rep, const char *keydir, const char *text)
{
	char *cmd;

	put(rep, "MANIFEST", text, strlen(text));
	cmd = xasprintf("openssl cms -sign -binary -nosmimecap -outform DER "
	    "-in '%s/MANIFEST' -signer '%s/cert.pem' -inkey '%s/key.pem' "
	    "-out '%s/report.p7s'", rep, keydir, keydir, rep);
	assert_int_equal(tu_run(cmd, NULL), 0);
	free(cmd);
}

static int
rejected(const char *rep, const char *file, const char *needle,
    const char *what)
{
	struct assay_verify *v = NULL;
	int r, ok;

	r = verify(rep, NULL, NULL, &v);
	ok = r != 0 && v != NULL && !assay_verify_ok(v) &&
	    problem_names(v, file, needle);
	fprintf(stderr, "%-28s %s\n", what, ok ? "rejected" : "NOT REJECTED");
	if (!ok)
		dump_problems(v);
	assay_verify_free(v);
	return ok;
}

static void
test_hostile(void **state)
{
	static const char zeros[] =
	    "0000000000000000000000000000000000000000000000000000000000000000";
	char *rep = make_report(), *key = make_key(ASSAY_SIGN_KEY_ECDSA_P256, "Lab");
	struct assay_diag *d;
	char *p, *q, *text, *k, *c;
	unsigned char junk[3000];
	size_t i;
	FILE *fp;

	if (!tu_have("openssl"))
		skip();
	assert_int_equal(sign_with(rep, key, 0), 0);

	/* A symlink to a file outside: never followed, named. */
	p = xasprintf("%s/evidence/passwd", rep);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	assert_true(rejected(rep, "evidence/passwd",
	    "symbolic link", "symlink outside"));
	/* ... and signing such a directory is refused by name. */
	d = assay_diag_new();
	k = xasprintf("%s/key.pem", key);
	c = xasprintf("%s/cert.pem", key);
	assert_int_equal(assay_sign_dir(rep, k, c, ASSAY_SIGN_FORCE, d),
	    ASSAY_ERR_UNSAFE_PATH);
	assert_true(assay_diag_find(d, "symbolic link") >= 0);
	assert_string_equal(assay_diag_file(d, 0), "evidence/passwd");
	assay_diag_free(d);
	unlink(p);
	free(p);

	/* A symlinked directory pointing at /. */
	p = xasprintf("%s/evidence/root", rep);
	assert_int_equal(symlink("/", p), 0);
	assert_true(rejected(rep, "evidence/root", "symbolic link", "symlink dir"));
	unlink(p);
	free(p);

	/* A FIFO in the evidence and as MANIFEST: named, no hang. */
	p = xasprintf("%s/evidence/fifo", rep);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_true(rejected(rep, "evidence/fifo", "special file", "fifo"));
	unlink(p);
	free(p);
	p = xasprintf("%s/MANIFEST", rep);
	q = xasprintf("%s/MANIFEST.save", rep);
	assert_int_equal(rename(p, q), 0);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_true(rejected(rep, "MANIFEST", "not a regular file", "fifo MANIFEST"));
	unlink(p);
	/* MANIFEST a symlink to a file outside. */
	assert_int_equal(symlink("/etc/passwd", p), 0);
	assert_true(rejected(rep, "MANIFEST",
	    "not a regular file", "symlink MANIFEST"));
	unlink(p);
	assert_int_equal(rename(q, p), 0);
	free(p);
	free(q);
	assert_verifies(rep, NULL, NULL);

	/* Garbage as report.p7s, and as MANIFEST. */
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 131 + 17);
	p = xasprintf("%s/report.p7s", rep);
	assert_non_null(text = tu_read_file(p, &i));
	put(rep, "report.p7s", junk, sizeof(junk));
	assert_true(rejected(rep, "report.p7s", "not a DER", "garbage p7s"));
	put(rep, "report.p7s", "", 0);
	assert_true(rejected(rep, "report.p7s", "not a DER", "empty p7s"));
	assert_int_equal(tu_write_file(p, text, i), 0);
	free(text);
	free(p);
	put(rep, "MANIFEST", junk, sizeof(junk));
	assert_true(rejected(rep, "MANIFEST", NULL, "garbage MANIFEST"));
	assert_true(rejected(rep, "report.p7s",
	    "does not verify", "garbage MANIFEST sig"));

	/* Huge MANIFEST: over the cap, refused before reading it all. */
	p = xasprintf("%s/MANIFEST", rep);
	assert_non_null(fp = fopen(p, "w"));
	assert_int_equal(ftruncate(fileno(fp), ASSAY_SIGN_MAX_MANIFEST_LEN + 1), 0);
	fclose(fp);
	free(p);
	assert_true(rejected(rep, "MANIFEST", "size limit", "17 MiB MANIFEST"));

	/* Signed manifests that are hostile: the parser refuses them. */
	text = xasprintf(HDR "%s  ../../etc/passwd\n", zeros);
	write_signed_manifest(rep, key, text);
	assert_true(rejected(rep, "MANIFEST", "unsafe", "../ path"));
	free(text);
	text = xasprintf(HDR "%s  /etc/passwd\n", zeros);
	write_signed_manifest(rep, key, text);
	assert_true(rejected(rep, "MANIFEST", "unsafe", "absolute path"));
	free(text);
	text = xasprintf(HDR "%s  evidence/./x\n", zeros);
	write_signed_manifest(rep, key, text);
	assert_true(rejected(rep, "MANIFEST", "unsafe", "./ path"));
	free(text);
	text = xasprintf(HDR "%s  evidence//x\n", zeros);
	write_signed_manifest(rep, key, text);
	assert_true(rejected(rep, "MANIFEST", "unsafe", "// path"));
	free(text);
	text = xasprintf(HDR "%s  report.p7s\n", zeros);
	write_signed_manifest(rep, key, text);
	assert_true(rejected(rep, "MANIFEST", "unsafe", "lists report.p7s"));
	free(text);
	text = xasprintf(HDR "%s  b\n%s  a\n", zeros, zeros);
	write_signed_manifest(rep, key, text);
	assert_true(rejected(rep, "MANIFEST", "order", "unsorted"));
	free(text);
	text = xasprintf(HDR "%s  a\n%s  a\n", zeros, zeros);
	write_signed_manifest(rep, key, text);
	assert_true(rejected(rep, "MANIFEST", "order", "duplicate"));
	free(text);
	text = xasprintf("assay-report-manifest 1\nhash md5\n");
	write_signed_manifest(rep, key, text);
	assert_true(rejected(rep, "MANIFEST", "hash sha256", "other hash"));
	free(text);
	/* Another kind of signed file: wrong purpose line. */
	text = xasprintf("assay-report 1\nhash sha256\n");
	write_signed_manifest(rep, key, text);
	assert_true(rejected(rep, "MANIFEST", "first line", "wrong purpose"));
	free(text);
	text = xasprintf("assay-report-manifest 1\nhash sha256\n%.63s  a\n", zeros);
	write_signed_manifest(rep, key, text);
	assert_true(rejected(rep, "MANIFEST", "expected", "short hash"));
	free(text);
	text = xasprintf(HDR "%s  a", zeros);
	write_signed_manifest(rep, key, text);
	assert_true(rejected(rep, "MANIFEST", "newline", "no final newline"));
	free(text);
	text = xasprintf("assay-report-manifest 1\r\nhash sha256\r\n");
	write_signed_manifest(rep, key, text);
	assert_true(rejected(rep, "MANIFEST", "first line", "CRLF"));
	free(text);

	/* A file name with a newline can't be listed: named, both ways. */
	put(rep, "evidence/evil\nname", "x", 1);
	d = assay_diag_new();
	assert_int_equal(assay_sign_dir(rep, k, c, ASSAY_SIGN_FORCE, d),
	    ASSAY_ERR_UNSAFE_PATH);
	assert_true(assay_diag_find(d, "control characters") >= 0);
	assay_diag_free(d);
	assert_true(rejected(rep, "evidence/evil\\x0aname", "control characters",
	    "newline in a name"));
	p = xasprintf("%s/evidence/evil\nname", rep);
	unlink(p);
	free(p);

	/* Directories nested deeper than the walk goes. */
	p = xasprintf("%s/deep", rep);
	assert_int_equal(mkdir(p, 0755), 0);
	for (i = 0; i < ASSAY_SIGN_MAX_DEPTH + 2; i++) {
		q = xasprintf("%s/d", p);
		assert_int_equal(mkdir(q, 0755), 0);
		free(p);
		p = q;
	}
	free(p);
	d = assay_diag_new();
	assert_int_equal(assay_sign_dir(rep, k, c, ASSAY_SIGN_FORCE, d),
	    ASSAY_ERR_UNSAFE_PATH);
	assert_true(assay_diag_find(d, "nested too deep") >= 0);
	assay_diag_free(d);
	p = xasprintf("%s/deep", rep);
	tu_rmrf(p);
	free(p);

	/* Re-signing still works after all that (the tree is intact). */
	assert_int_equal(sign_with(rep, key, ASSAY_SIGN_FORCE), 0);
	assert_verifies(rep, NULL, NULL);

	tu_rmrf(rep);
	tu_rmrf(key);
	free(rep);
	free(key);
	free(k);
	free(c);
}

/* --- trust: CA chain and pinning --------------------------------------- */

static void
test_ca_and_pin(void **state)
{
	char *rep, *ca, *ca2, *lab, *other, *cmd, *cafile, *ca2file, *labcert;
	struct assay_verify *v = NULL;
	int r;

	if (!tu_have("openssl"))
		skip();
	rep = make_report();
	ca = make_key(ASSAY_SIGN_KEY_ECDSA_P256, "Test CA");
	ca2 = make_key(ASSAY_SIGN_KEY_ECDSA_P256, "Other CA");
	lab = make_key(ASSAY_SIGN_KEY_RSA3072, "Lab");
	other = make_key(ASSAY_SIGN_KEY_ECDSA_P256, "Lab");
	/* Real CA certificates (CA:TRUE) and a lab certificate issued by one. */
	cmd = xasprintf("set -e; for d in '%s' '%s'; do "
	    "openssl req -x509 -new -key $d/key.pem -subj /CN=CA$RANDOM -days 30 "
	    "-addext basicConstraints=critical,CA:TRUE "
	    "-addext keyUsage=critical,keyCertSign -out $d/ca.pem; done; "
	    "openssl req -new -key '%s/key.pem' -subj '/CN=Lab/O=Test Lab' "
	    "-out '%s/lab.csr'; "
	    "printf 'basicConstraints=critical,CA:FALSE\\nkeyUsage=critical,"
	    "digitalSignature\\n' > '%s/ext.cnf'; "
	    "openssl x509 -req -in '%s/lab.csr' -CA '%s/ca.pem' -CAkey '%s/key.pem' "
	    "-set_serial 7 -days 30 -extfile '%s/ext.cnf' -out '%s/lab.pem' "
	    "2>/dev/null",
	    ca, ca2, lab, lab, lab, lab, ca, ca, lab, lab);
	assert_int_equal(tu_run(cmd, NULL), 0);
	free(cmd);
	cafile = xasprintf("%s/ca.pem", ca);
	ca2file = xasprintf("%s/ca.pem", ca2);
	labcert = xasprintf("%s/lab.pem", lab);
	{
		struct assay_diag *d = assay_diag_new();
		char *k = xasprintf("%s/key.pem", lab);

		assert_int_equal(assay_sign_dir(rep, k, labcert, 0, d), 0);
		assay_diag_free(d);
		/* The CA's own key with the lab certificate: refused. */
		d = assay_diag_new();
		free(k);
		k = xasprintf("%s/key.pem", ca);
		assert_int_equal(assay_sign_dir(rep, k, labcert,
		    ASSAY_SIGN_FORCE, d), ASSAY_ERR_CRYPTO);
		assert_true(assay_diag_find(d, "does not match") >= 0);
		assay_diag_free(d);
		free(k);
	}
	assert_verifies(rep, cafile, NULL);
	assert_int_equal(openssl_verify(rep, cafile), 0);
	assert_verifies(rep, NULL, labcert);

	/* Wrong CA. */
	r = verify(rep, ca2file, NULL, &v);
	assert_int_equal(r, ASSAY_ERR_SIGNATURE);
	assert_true(problem_names(v, "report.p7s", "does not verify"));
	fprintf(stderr, "wrong CA: %s\n",
	    assay_diag_message(assay_verify_problems(v), 0));
	assay_verify_free(v);
	assert_int_not_equal(openssl_verify(rep, ca2file), 0);

	/* Pinned to a different certificate with the same subject. */
	cmd = xasprintf("%s/cert.pem", other);
	r = verify(rep, NULL, cmd, &v);
	assert_int_equal(r, ASSAY_ERR_SIGNATURE);
	assert_true(problem_names(v, "report.p7s", "pinned"));
	assay_verify_free(v);
	/* Pinned to the issuing CA rather than the signer. */
	r = verify(rep, NULL, cafile, &v);
	assert_int_equal(r, ASSAY_ERR_SIGNATURE);
	assay_verify_free(v);
	free(cmd);

	/* A CA file that isn't one is a usage error, not "does not verify". */
	cmd = xasprintf("%s/MANIFEST", rep);
	r = verify(rep, cmd, NULL, &v);
	assert_int_equal(r, ASSAY_ERR_INVALID_ARG);
	assay_verify_free(v);
	assert_int_equal(verify(rep, cafile, labcert, &v), ASSAY_ERR_INVALID_ARG);
	assert_null(v);
	free(cmd);

	tu_rmrf(rep);
	tu_rmrf(ca);
	tu_rmrf(ca2);
	tu_rmrf(lab);
	tu_rmrf(other);
	free(rep);
	free(ca);
	free(ca2);
	free(lab);
	free(other);
	free(cafile);
	free(ca2file);
	free(labcert);
}

/* --- the command line --------------------------------------------------- */

static int
run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
run(const char *fmt, ...)
{
	va_list ap;
	char *cmd = NULL, *out = NULL;
	int st;

	va_start(ap, fmt);
	assert_true(vasprintf(&cmd, fmt, ap) >= 0);
	va_end(ap);
	st = tu_run(cmd, &out);
	free(out);
	free(cmd);
	return st;
}

static void
test_cli(void **state)
{
	char *rep = make_report(), *keys = tu_mkdtemp("sign-cli"), *out = NULL, *cmd;
	const char *A = ASSAY_BIN;

	assert_int_equal(run("%s keygen --out %s/k --type rsa --subject '/CN=CLI Lab' "
	    "--days 10", A, keys), 0);
	assert_int_equal(run("%s keygen --out %s/k", A, keys), 2);	/* exists */
	assert_int_equal(run("%s keygen --out %s/k2 --type dsa", A, keys), 2);
	assert_int_equal(run("%s keygen --out %s/k2 --days 0", A, keys), 2);
	assert_int_equal(run("%s keygen --out %s/k2 --subject CN=x", A, keys), 2);
	assert_int_equal(run("%s sign %s --key %s/k/key.pem", A, rep, keys), 2);
	assert_int_equal(run("%s sign %s --key %s/k/key.pem --cert %s/k/cert.pem",
	    A, rep, keys, keys), 0);
	assert_int_equal(run("%s sign %s --key %s/k/key.pem --cert %s/k/cert.pem",
	    A, rep, keys, keys), 2);	/* already signed: nothing done */
	assert_int_equal(run("%s verify", A), 2);
	assert_int_equal(run("%s verify %s --bogus", A, rep), 2);
	assert_int_equal(run("%s verify %s --format xml", A, rep), 2);
	assert_int_equal(run("%s verify %s --ca %s/nonexistent.pem", A, rep, keys), 2);
	assert_int_equal(run("%s verify %s --ca %s/k/cert.pem --cert %s/k/cert.pem",
	    A, rep, keys, keys), 2);
	assert_int_equal(run("%s verify %s/nonexistent", A, keys), 2);
	assert_int_equal(run("%s verify %s --help", A, rep), 0);
	assert_int_equal(run("%s verify %s --cert %s/k/cert.pem", A, rep, keys), 0);
	assert_int_equal(run("%s verify %s --ca %s/k/cert.pem", A, rep, keys), 0);
	/* The user's own files may be symlinks; only the report is hostile. */
	assert_int_equal(run("ln -s %s/k/cert.pem %s/link.pem && %s verify %s "
	    "--cert %s/link.pem", keys, keys, A, rep, keys), 0);

	cmd = xasprintf("%s verify %s --format json --cert %s/k/cert.pem", A,
	    rep, keys);
	assert_int_equal(tu_run(cmd, &out), 0);
	assert_non_null(strstr(out, "\"verified\": true"));
	assert_non_null(strstr(out, "CN=CLI Lab"));
	assert_non_null(strstr(out, "\"manufacturer\": \"Acme\""));
	free(out);
	free(cmd);

	put(rep, "evidence/tc-5.3-2/banner.txt", "SSH-2.0-OpenSSH\r\n", 17);
	cmd = xasprintf("%s verify %s --cert %s/k/cert.pem", A, rep, keys);
	assert_int_equal(tu_run(cmd, &out), 1);
	assert_non_null(strstr(out, "evidence/tc-5.3-2/banner.txt: content differs"));
	assert_non_null(strstr(out, "NOT VERIFIED"));
	assert_non_null(strstr(out, "device:    Acme Cam 1"));
	assert_non_null(strstr(out, "result:    FAIL \xe2\x80\x94 assessed 18 of 20 "
	    "applicable provisions; 1 failed"));
	assert_non_null(strstr(out, "scope:     partial: --only 5.1-1 5.3-2"));
	assert_non_null(strstr(out, "20 applicable, 18 assessed, 1 failed, "
	    "4 NOT FULFILLED, 38 not in scope"));
	assert_non_null(strstr(out, "test cases: worst ERROR (pass 3, fail 1"));
	free(out);
	free(cmd);
	cmd = xasprintf("%s verify %s --format json", A, rep);
	assert_int_equal(tu_run(cmd, &out), 1);
	assert_non_null(strstr(out, "\"verified\": false"));
	assert_non_null(strstr(out, "\"file\": \"evidence/tc-5.3-2/banner.txt\""));
	assert_non_null(strstr(out, "\"trust\": \"signature-only\""));
	free(out);
	free(cmd);

	tu_rmrf(rep);
	tu_rmrf(keys);
	free(rep);
	free(keys);
}

/* Without report.xml verification still works, it just knows less. */
static void
test_no_report_xml(void **state)
{
	char *rep = make_report(), *key = make_key(ASSAY_SIGN_KEY_ECDSA_P256, "Lab");
	char *p = xasprintf("%s/report.xml", rep);
	struct assay_verify *v = NULL;

	assert_int_equal(unlink(p), 0);
	assert_int_equal(sign_with(rep, key, 0), 0);
	assert_int_equal(verify(rep, NULL, NULL, &v), 0);
	assert_null(assay_verify_report_field(v, "manufacturer"));
	assert_null(assay_verify_report_field(v, "verdict"));
	assert_int_equal(assay_verify_nlisted(v), NREPORT_FILES - 1);
	assay_verify_free(v);
	/* A hostile report.xml (DOCTYPE with an entity) is not read. */
	{
		static const char hostile[] =
		    "<!DOCTYPE r [<!ENTITY x SYSTEM \"/etc/passwd\">]>"
		    "<report xmlns=\"urn:assay:report:1\"><device><manufacturer>"
		    "&x;</manufacturer></device></report>";

		put(rep, "report.xml", hostile, strlen(hostile));
	}
	assert_int_equal(sign_with(rep, key, ASSAY_SIGN_FORCE), 0);
	assert_int_equal(verify(rep, NULL, NULL, &v), 0);
	assert_null(assay_verify_report_field(v, "manufacturer"));
	assert_true(assay_diag_find(assay_verify_warnings(v), "DOCTYPE") >= 0);
	assay_verify_free(v);
	tu_rmrf(rep);
	tu_rmrf(key);
	free(rep);
	free(key);
	free(p);
}

/*
 * Random mutations of MANIFEST and report.p7s (fixed seed): verification
 * must fail every time the bytes changed, and never crash or leak.
 */
static void
test_mutations(void **state)
{
	char *rep = make_report(), *key = make_key(ASSAY_SIGN_KEY_ECDSA_P256, "Lab");
	char *cert = xasprintf("%s/cert.pem", key);
	struct assay_verify *v = NULL;
	struct saved s[2];
	unsigned int seed = 20261123;
	size_t it, n, j, len, caught = 0, changed = 0;
	char *data;

	assert_int_equal(sign_with(rep, key, 0), 0);
	save(&s[0], rep, "MANIFEST");
	save(&s[1], rep, "report.p7s");
	for (it = 0; it < 400; it++) {
		struct saved *t = &s[it % 2];

		len = t->len;
		if (rand_r(&seed) % 8 == 0)
			len = (size_t)rand_r(&seed) % (t->len + 1);
		assert_non_null(data = malloc(t->len + 1));
		memcpy(data, t->data, t->len);
		n = 1 + (size_t)rand_r(&seed) % 6;
		for (j = 0; j < n && len > 0; j++)
			data[(size_t)rand_r(&seed) % len] = (char)rand_r(&seed);
		assert_int_equal(tu_write_file(t->path, data, len), 0);
		if (len != t->len || memcmp(data, t->data, len) != 0) {
			changed++;
			if (assay_sign_verify(rep, NULL, it % 4 < 2 ? cert : NULL,
			    &v) != 0 && !assay_verify_ok(v))
				caught++;
			else {
				fprintf(stderr, "mutation %zu of %s verified "
				    "(len %zu of %zu), differing offsets:", it,
				    t->path, len, t->len);
				for (j = 0; j < len; j++)
					if (data[j] != t->data[j])
						fprintf(stderr, " %zu", j);
				fprintf(stderr, "\n");
			}
			assay_verify_free(v);
			v = NULL;
		}
		free(data);
		restore(t);
	}
	fprintf(stderr, "mutations: %zu of %zu changed inputs rejected\n",
	    caught, changed);
	assert_true(changed > 300);
	assert_int_equal(caught, changed);
	assert_verifies(rep, NULL, cert);
	saved_free(&s[0]);
	saved_free(&s[1]);
	tu_rmrf(rep);
	tu_rmrf(key);
	free(rep);
	free(key);
	free(cert);
}

/*
 * Every byte of report.p7s, flipped two ways: none may still verify
 * (CMS leaves versions and the signature algorithm unsigned; we check
 * them), for ECDSA and RSA, pinned and signature-only.
 */
static void
flip_every_byte(enum assay_sign_keytype type)
{
	char *rep = make_report(), *key = make_key(type, "Lab");
	char *cert = xasprintf("%s/cert.pem", key);
	static const unsigned char xors[] = { 0x01, 0x80 };
	struct assay_verify *v = NULL;
	struct saved s;
	size_t off, x, cases = 0, caught = 0;

	assert_int_equal(sign_with(rep, key, 0), 0);
	save(&s, rep, "report.p7s");
	for (off = 0; off < s.len; off++) {
		for (x = 0; x < sizeof(xors); x++) {
			s.data[off] ^= (char)xors[x];
			assert_int_equal(tu_write_file(s.path, s.data, s.len), 0);
			s.data[off] ^= (char)xors[x];
			cases++;
			if (assay_sign_verify(rep, NULL, (off & 1) ? cert : NULL,
			    &v) != 0 && !assay_verify_ok(v))
				caught++;
			else
				fprintf(stderr, "flip 0x%02x at %zu verified\n",
				    xors[x], off);
			assay_verify_free(v);
			v = NULL;
		}
	}
	restore(&s);
	assert_verifies(rep, NULL, cert);
	fprintf(stderr, "report.p7s byte flips (%s): %zu of %zu rejected\n",
	    type == ASSAY_SIGN_KEY_RSA3072 ? "RSA" : "ECDSA", caught, cases);
	assert_int_equal(caught, cases);
	saved_free(&s);
	tu_rmrf(rep);
	tu_rmrf(key);
	free(rep);
	free(key);
	free(cert);
}

static void
test_flip_every_byte(void **state)
{
	flip_every_byte(ASSAY_SIGN_KEY_ECDSA_P256);
	flip_every_byte(ASSAY_SIGN_KEY_RSA3072);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_ecdsa),
		cmocka_unit_test(test_roundtrip_rsa),
		cmocka_unit_test(test_ed25519),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_ca_and_pin),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_no_report_xml),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_flip_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
