/*
 * test_redact.c - the spellings of a secret and the mask over them
 * (issue 11, defect 2b).  Expected encodings were computed with Python's
 * base64, urllib.parse, json and bytes.hex, not with the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/redact.h"
#include "testutil.h"

/* p&ss w'rd"<>\%#€é */
#define PW	"p&ss w'rd\"<>\\%#\xe2\x82\xac\xc3\xa9"

struct seen {
	char	kinds[64][32];
	char	vals[64][256];
	size_t	n;
};

static int
collect(void *arg, const char *kind, const char *s)
{
	struct seen *sn = arg;

	if (sn->n < 64) {
		snprintf(sn->kinds[sn->n], sizeof(sn->kinds[0]), "%s", kind);
		snprintf(sn->vals[sn->n], sizeof(sn->vals[0]), "%s", s);
		sn->n++;
	}
	return 0;
}

static const char *
spelling(const struct seen *sn, const char *kind)
{
	size_t i;

	for (i = 0; i < sn->n; i++)
		if (strcmp(sn->kinds[i], kind) == 0)
			return sn->vals[i];
	return NULL;
}

static void
test_spellings(void **state)
{
	static const struct { const char *kind, *want; } cases[] = {
		{ "raw", PW },
		{ "xml", "p&amp;ss w&apos;rd&quot;&lt;&gt;\\%#\xe2\x82\xac\xc3\xa9" },
		{ "xml-text", "p&amp;ss w'rd\"&lt;&gt;\\%#\xe2\x82\xac\xc3\xa9" },
		{ "xml-attr", "p&amp;ss w'rd&quot;&lt;&gt;\\%#\xe2\x82\xac\xc3\xa9" },
		{ "html", "p&amp;ss w&#39;rd&quot;&lt;&gt;\\%#\xe2\x82\xac\xc3\xa9" },
		{ "xml-charref", "p&amp;ss w&apos;rd&quot;&lt;&gt;\\%#&#x20AC;&#xE9;" },
		{ "json", "p&ss w'rd\\\"<>\\\\%#\xe2\x82\xac\xc3\xa9" },
		{ "json-ascii", "p&ss w'rd\\\"<>\\\\%#\\u20ac\\u00e9" },
		{ "url-upper", "p%26ss%20w%27rd%22%3C%3E%5C%25%23%E2%82%AC%C3%A9" },
		{ "url-lower", "p%26ss%20w%27rd%22%3c%3e%5c%25%23%e2%82%ac%c3%a9" },
		{ "url-plus-lower", "p%26ss+w%27rd%22%3c%3e%5c%25%23%e2%82%ac%c3%a9" },
		{ "url-plus-upper", "p%26ss+w%27rd%22%3C%3E%5C%25%23%E2%82%AC%C3%A9" },
		{ "hex-lower", "702673732077277264223c3e5c2523e282acc3a9" },
		{ "hex-upper", "702673732077277264223C3E5C2523E282ACC3A9" },
		{ "base64", "cCZzcyB3J3JkIjw+XCUj4oKsw6k=" },
		{ "base64-nopad", "cCZzcyB3J3JkIjw+XCUj4oKsw6k" },
		{ "base64url", "cCZzcyB3J3JkIjw-XCUj4oKsw6k=" },
		{ "base64url-nopad", "cCZzcyB3J3JkIjw-XCUj4oKsw6k" },
	};
	struct seen sn, pair;
	size_t i;

	(void)state;
	memset(&sn, 0, sizeof(sn));
	assert_int_equal(assay_redact_spellings(PW, NULL, collect, &sn), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = spelling(&sn, cases[i].kind);

		if (got == NULL || strcmp(got, cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].kind,
			    got ? got : "(none)", cases[i].want);
	}
	/* HTTP Basic: base64("admin:" PW). */
	memset(&pair, 0, sizeof(pair));
	assert_int_equal(assay_redact_spellings(PW, "admin", collect, &pair), 0);
	assert_string_equal(spelling(&pair, "basic"),
	    "YWRtaW46cCZzcyB3J3JkIjw+XCUj4oKsw6k=");
	assert_string_equal(spelling(&pair, "basic-url"),
	    "YWRtaW46cCZzcyB3J3JkIjw-XCUj4oKsw6k=");
	assert_null(spelling(&pair, "raw"));
	/* A byte that is not UTF-8 stays as it is; the rest is still spelled. */
	memset(&sn, 0, sizeof(sn));
	assert_int_equal(assay_redact_spellings("a\xff<\xe2\x82\xac", NULL,
	    collect, &sn), 0);
	assert_string_equal(spelling(&sn, "xml-charref"), "a\xff&lt;&#x20AC;");
	assert_string_equal(spelling(&sn, "json-ascii"), "a\\ufffd<\\u20ac");
	/* Nothing for an empty secret. */
	memset(&sn, 0, sizeof(sn));
	assert_int_equal(assay_redact_spellings("", NULL, collect, &sn), 0);
	assert_int_equal(sn.n, 0);
}

static char *
masked(const struct assay_redact *rd, const char *s)
{
	char *m = assay_redact_str(rd, s);

	assert_non_null(m);
	return m;
}

static void
test_mask_all_spellings(void **state)
{
	struct assay_secret s[] = { { PW, "admin", 0 } };
	struct assay_redact *rd;
	char *m;

	(void)state;
	assert_non_null(rd = assay_redact_new());
	assert_int_equal(assay_redact_add(rd, &s[0]), 0);
	assert_true(assay_redact_count(rd) > 15);

	m = masked(rd, "Authorization: Basic YWRtaW46cCZzcyB3J3JkIjw+XCUj4oKsw6k=\r\n");
	assert_string_equal(m, "Authorization: Basic [secret]\r\n");
	free(m);
	m = masked(rd, "user=admin&password=p%26ss+w%27rd%22%3C%3E%5C%25%23%E2%82%AC%C3%A9&x=1");
	assert_string_equal(m, "user=admin&password=[secret]&x=1");
	free(m);
	m = masked(rd, "<field secret=\"true\">p&amp;ss w'rd\"&lt;&gt;\\%#\xe2\x82\xac\xc3\xa9</field>");
	assert_string_equal(m, "<field secret=\"true\">[secret]</field>");
	free(m);
	m = masked(rd, "{\"password\": \"p&ss w'rd\\\"<>\\\\%#\\u20ac\\u00e9\"}");
	assert_string_equal(m, "{\"password\": \"[secret]\"}");
	free(m);
	m = masked(rd, "dump 702673732077277264223C3E5C2523E282ACC3A9.");
	assert_string_equal(m, "dump [secret].");
	free(m);
	/*
	 * Inside a longer base64 text: base64 of {"pw":"PW"} keeps, at its
	 * offset, only the characters mixing the secret with its neighbours.
	 */
	m = masked(rd, "eyJwdyI6InAmc3MgdydyZCI8PlwlI+KCrMOpIn0=");
	assert_null(strstr(m, "c3MgdydyZCI8PlwlI+KCrMOp"));
	assert_non_null(strstr(m, "[secret]"));
	free(m);
	/* Unrelated text stays. */
	m = masked(rd, "GET / HTTP/1.1 user=admin 200 OK");
	assert_string_equal(m, "GET / HTTP/1.1 user=admin 200 OK");
	free(m);
	assay_redact_free(rd);
}

static void
test_longest_first(void **state)
{
	struct assay_secret s[] = { { "abcdefgh", NULL, 0 },
	    { "abcdefgh123", NULL, 0 } };
	struct assay_redact *rd;
	struct assay_buf *b;
	char *m;

	(void)state;
	assert_non_null(rd = assay_redact_new());
	assert_int_equal(assay_redact_add(rd, &s[0]), 0);
	assert_int_equal(assay_redact_add(rd, &s[1]), 0);
	m = masked(rd, "xabcdefgh123y abcdefgh z");
	assert_string_equal(m, "x[secret]y [secret] z");
	free(m);
	/* Binary data with NUL bytes passes through. */
	assert_non_null(b = assay_buf_new(64));
	assert_int_equal(assay_redact_into(rd, b, "\0abcdefgh\0", 10), 0);
	assert_int_equal(assay_buf_len(b), 10);
	assert_memory_equal(assay_buf_data(b), "\0[secret]\0", 10);
	assay_buf_free(b);
	/* NULL mask copies unchanged; NULL string gives NULL. */
	m = assay_redact_str(NULL, "abc");
	assert_string_equal(m, "abc");
	free(m);
	assert_null(assay_redact_str(rd, NULL));
	assay_redact_free(rd);
	assay_redact_free(NULL);
}

static void
test_short_secret(void **state)
{
	struct assay_secret s = { "s", NULL, 0 };
	struct assay_redact *rd;
	char *m;

	(void)state;
	assert_non_null(rd = assay_redact_new());
	assert_int_equal(assay_redact_add(rd, &s), 0);
	/* The plain spelling is masked; "73" (hex) and "cw" are too short. */
	m = masked(rd, "s 73 cw");
	assert_string_equal(m, "[secret] 73 cw");
	free(m);
	assay_redact_free(rd);
}

/*
 * A weak secret (shorter than 8 characters, or marked weak because it is
 * on a public default list) is masked only as a whole token: not next to
 * a letter, digit, '/', '_', '-' or a non-ASCII byte.  A long secret is
 * masked everywhere, also inside words.
 */
static void
test_weak_token(void **state)
{
	struct assay_secret weak = { "admin", "root", 0 };
	struct assay_secret listed = { "password", NULL, 1 };
	struct assay_secret strong = { "Hq7fK3mP9xWt", NULL, 0 };
	struct assay_redact *rd;
	char *m;

	(void)state;
	assert_int_equal(assay_redact_is_weak(&weak), 1);
	assert_int_equal(assay_redact_is_weak(&listed), 1);
	assert_int_equal(assay_redact_is_weak(&strong), 0);
	/* Characters, not bytes: seven characters in 14 bytes are weak. */
	{
		struct assay_secret u = { "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		    "\xc3\xa9\xc3\xa9\xc3\xa9", NULL, 0 };

		assert_int_equal(assay_redact_is_weak(&u), 1);
	}
	assert_non_null(rd = assay_redact_new());
	assert_int_equal(assay_redact_add(rd, &weak), 0);
	assert_int_equal(assay_redact_add(rd, &listed), 0);
	assert_int_equal(assay_redact_add(rd, &strong), 0);
	/* Paths, longer words and identifiers stay readable. */
	m = masked(rd, "GET /admin/ /cgi-bin/admin.cgi admins xadmin admin_x "
	    "admin-panel passwords /password");
	assert_string_equal(m, "GET /admin/ /cgi-bin/admin.cgi admins xadmin "
	    "admin_x admin-panel passwords /password");
	free(m);
	/* Where it stands as a value, it is masked, in its spellings too. */
	m = masked(rd, "admin\r\nPassword: admin\r\nuser=root&pass=admin&x=1 "
	    "{\"p\":\"admin\"} <password>admin</password> [password] "
	    "Basic cm9vdDphZG1pbg== hex 61646d696e.");
	assert_string_equal(m, "[secret]\r\nPassword: [secret]\r\nuser=root&"
	    "pass=[secret]&x=1 {\"p\":\"[secret]\"} <[secret]>[secret]"
	    "</password> [[secret]] Basic [secret] hex [secret].");
	free(m);
	/* A long secret is masked everywhere, inside words and paths too. */
	m = masked(rd, "/xHq7fK3mP9xWtx/");
	assert_string_equal(m, "/x[secret]x/");
	free(m);
	/*
	 * A public default pair names the weak secret in clear where the
	 * pair stands; elsewhere the weak secret is still masked, and a
	 * strong secret is masked inside an allowed text too.
	 */
	assert_int_equal(assay_redact_allow(rd, "admin:admin"), 0);
	assert_int_equal(assay_redact_allow(rd, "x:Hq7fK3mP9xWt"), 0);
	m = masked(rd, "accepts admin:admin (mirai list); pass=admin; "
	    "x:Hq7fK3mP9xWt");
	assert_string_equal(m, "accepts admin:admin (mirai list); "
	    "pass=[secret]; x:[secret]");
	free(m);
	assay_redact_free(rd);

	/* The same spelling from a strong secret is masked everywhere. */
	{
		struct assay_secret a = { "admin123", NULL, 1 };
		struct assay_secret b = { "admin123", NULL, 0 };

		assert_non_null(rd = assay_redact_new());
		assert_int_equal(assay_redact_add(rd, &a), 0);
		m = masked(rd, "/admin123/");
		assert_string_equal(m, "/admin123/");
		free(m);
		assert_int_equal(assay_redact_add(rd, &b), 0);
		m = masked(rd, "/admin123/");
		assert_string_equal(m, "/[secret]/");
		free(m);
		assay_redact_free(rd);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spellings),
		cmocka_unit_test(test_mask_all_spellings),
		cmocka_unit_test(test_longest_first),
		cmocka_unit_test(test_short_secret),
		cmocka_unit_test(test_weak_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
