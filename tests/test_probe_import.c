/*
 * test_probe_import.c - other tools' reports as external evidence
 * (probe/import.h): real nmap -oX, sslscan --xml and testssl.sh
 * --jsonfile output read into facts; hostile reports (DOCTYPE with a
 * subset, entities, deep nesting, over the cap, truncated JSON, wrong
 * types) refused with a reason; and assay.net.import reading only the
 * reports the lab declared, with the hash checked and the evidence note
 * naming the file, its SHA-256 and clause 4.7.
 *
 * The reports under tests/data/import/ are real: recorded by
 * tests/data/import/record.sh (nmap 7.93, sslscan 2.0.7, testssl.sh
 * 3.0.8 from Debian 12) against python3's http.server and openssl
 * s_server on loopback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "base/error.h"
#include "probe/artefact.h"
#include "probe/dissect.h"
#include "probe/import.h"
#include "probe/import_json.h"
#include "probe/probe.h"
#include "testutil.h"

static char *
data_path(const char *name)
{
	static char p[4096];

	(void)snprintf(p, sizeof(p), "%s/tests/data/import/%s",
	    ASSAY_SOURCE_DIR, name);
	return p;
}

/* Parses the sample name as tool; facts in *fsp. */
static int
parse_sample(int tool, const char *name, struct assay_facts **fsp,
    char *why, size_t whylen)
{
	char *buf;
	size_t len;
	int r;

	assert_non_null(buf = tu_read_file(data_path(name), &len));
	assert_non_null(*fsp = assay_facts_new(0));
	r = assay_import_parse(tool, buf, len, *fsp, why, whylen);
	free(buf);
	return r;
}

static int
parse_str(int tool, const char *s, char *why, size_t whylen)
{
	struct assay_facts *fs;
	int r;

	assert_non_null(fs = assay_facts_new(0));
	r = assay_import_parse(tool, s, strlen(s), fs, why, whylen);
	assay_facts_free(fs);
	return r;
}

static const struct assay_fact *
find_with(const struct assay_facts *fs, const char *section, const char *key,
    const char *val)
{
	const struct assay_fact *f;
	const char *v;
	size_t i;

	for (i = 0; (f = assay_facts_find(fs, section, i)) != NULL; i++)
		if ((v = assay_fact_str(f, key)) != NULL && strcmp(v, val) == 0)
			return f;
	return NULL;
}

static void
test_nmap_real(void **state)
{
	struct assay_facts *fs;
	const struct assay_fact *f;
	const struct assay_field *fl;
	char why[512];

	(void)state;
	assert_int_equal(parse_sample(ASSAY_IMPORT_NMAP, "nmap.xml", &fs, why,
	    sizeof(why)), 0);
	assert_int_equal(assay_facts_count_section(fs, "scan"), 1);
	assert_string_equal(assay_fact_str(assay_facts_find(fs, "scan", 0),
	    "version"), "7.93");
	assert_int_equal(assay_facts_count_section(fs, "host"), 1);
	f = assay_facts_find(fs, "host", 0);
	assert_string_equal(assay_fact_str(f, "addr"), "127.0.0.1");
	assert_string_equal(assay_fact_str(f, "state"), "up");
	assert_int_equal(assay_facts_count_section(fs, "port"), 2);
	assert_non_null(f = find_with(fs, "port", "product",
	    "SimpleHTTPServer"));
	assert_string_equal(assay_fact_str(f, "state"), "open");
	assert_string_equal(assay_fact_str(f, "service"), "http");
	assert_string_equal(assay_fact_str(f, "protocol"), "tcp");
	assert_non_null(fl = assay_fact_field(f, "port"));
	assert_int_equal(fl->type, ASSAY_FIELD_INT);
	assert_true(fl->num > 0 && fl->num < 65536);
	/* The TLS server: nmap saw TLS under HTTP. */
	assert_non_null(f = find_with(fs, "port", "tunnel", "ssl"));
	assay_facts_free(fs);
}

static void
test_sslscan_real(void **state)
{
	struct assay_facts *fs;
	const struct assay_fact *f;
	const struct assay_field *fl;
	char why[512];
	size_t i;

	(void)state;
	assert_int_equal(parse_sample(ASSAY_IMPORT_SSLSCAN, "sslscan.xml", &fs,
	    why, sizeof(why)), 0);
	assert_int_equal(assay_facts_count_section(fs, "target"), 1);
	assert_int_equal(assay_facts_count_section(fs, "protocol"), 6);
	f = find_with(fs, "protocol", "version", "1.0");
	assert_non_null(fl = assay_fact_field(f, "enabled"));
	assert_int_equal(fl->type, ASSAY_FIELD_BOOL);
	assert_int_equal(fl->num, 0);
	f = find_with(fs, "protocol", "version", "1.3");
	assert_int_equal(assay_fact_field(f, "enabled")->num, 1);
	assert_true(assay_facts_count_section(fs, "cipher") > 5);
	for (i = 0; (f = assay_facts_find(fs, "cipher", i)) != NULL; i++) {
		assert_non_null(assay_fact_str(f, "cipher"));
		assert_non_null(assay_fact_str(f, "strength"));
		assert_non_null(fl = assay_fact_field(f, "bits"));
		assert_true(fl->num >= 112);
	}
	assert_non_null(find_with(fs, "cipher", "cipher",
	    "TLS_AES_256_GCM_SHA384"));
	assert_int_equal(assay_facts_count_section(fs, "certificate"), 1);
	f = assay_facts_find(fs, "certificate", 0);
	assert_string_equal(assay_fact_str(f, "subject"), "assay-import-test");
	assert_string_equal(assay_fact_str(f, "pk_type"), "RSA");
	assert_int_equal(assay_fact_field(f, "pk_bits")->num, 2048);
	assert_int_equal(assay_fact_field(f, "self_signed")->num, 1);
	assert_int_equal(assay_fact_field(f, "expired")->num, 0);
	assay_facts_free(fs);
}

static void
test_testssl_real(void **state)
{
	struct assay_facts *fs;
	const struct assay_fact *f;
	char why[512];

	(void)state;
	assert_int_equal(parse_sample(ASSAY_IMPORT_TESTSSL, "testssl.json", &fs,
	    why, sizeof(why)), 0);
	assert_true(assay_facts_count_section(fs, "finding") > 10);
	assert_non_null(f = find_with(fs, "finding", "id", "service"));
	assert_string_equal(assay_fact_str(f, "finding"), "HTTP");
	assert_string_equal(assay_fact_str(f, "severity"), "INFO");
	assert_string_equal(assay_fact_str(f, "ip"), "127.0.0.1/127.0.0.1");
	assert_non_null(assay_fact_str(f, "port"));
	/* testssl.sh's protocol findings are there to decide from. */
	assert_non_null(find_with(fs, "finding", "id", "TLS1"));
	assert_non_null(find_with(fs, "finding", "id", "TLS1_3"));
	assay_facts_free(fs);
}

/* A report read as the wrong tool is refused, not half-read. */
static void
test_wrong_tool(void **state)
{
	struct assay_facts *fs;
	char why[512];

	(void)state;
	assert_int_equal(parse_sample(ASSAY_IMPORT_SSLSCAN, "nmap.xml", &fs,
	    why, sizeof(why)), ASSAY_ERR_HOSTILE_XML);
	assay_facts_free(fs);
	assert_int_equal(parse_sample(ASSAY_IMPORT_NMAP, "sslscan.xml", &fs,
	    why, sizeof(why)), ASSAY_ERR_PARSE);
	assert_non_null(strstr(why, "<nmaprun>"));
	assay_facts_free(fs);
	assert_int_equal(parse_sample(ASSAY_IMPORT_TESTSSL, "nmap.xml", &fs,
	    why, sizeof(why)), ASSAY_ERR_PARSE);
	assay_facts_free(fs);
}

static void
test_hostile_xml(void **state)
{
	char why[512], *big, *deep;
	size_t i, n;

	(void)state;
	/* Entity expansion ("billion laughs"): stopped at the declaration. */
	assert_int_equal(parse_str(ASSAY_IMPORT_NMAP,
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [\n"
	    "<!ENTITY a \"aaaaaaaaaa\">\n<!ENTITY b \"&a;&a;&a;&a;&a;&a;\">\n"
	    "]>\n<nmaprun args=\"&b;\"/>\n", why, sizeof(why)),
	    ASSAY_ERR_HOSTILE_XML);
	assert_non_null(strstr(why, "DOCTYPE"));
	/* External entity (XXE) and a DOCTYPE with identifiers. */
	assert_int_equal(parse_str(ASSAY_IMPORT_NMAP,
	    "<!DOCTYPE nmaprun SYSTEM \"file:///etc/passwd\"><nmaprun/>", why,
	    sizeof(why)), ASSAY_ERR_HOSTILE_XML);
	assert_int_equal(parse_str(ASSAY_IMPORT_SSLSCAN,
	    "<!DOCTYPE document><document/>", why, sizeof(why)),
	    ASSAY_ERR_HOSTILE_XML);
	/*
	 * libxml2 reads a '[' right after nmap's bare DOCTYPE as a subset;
	 * what it held (a PI, a comment) leaked (fuzz/corpus/import/regress-*).
	 */
	assert_int_equal(parse_str(ASSAY_IMPORT_NMAP,
	    "<!DOCTYPE nmaprun>[<?pi x?><!-- c -->]><nmaprun/>", why,
	    sizeof(why)), ASSAY_ERR_HOSTILE_XML);
	assert_non_null(strstr(why, "DOCTYPE"));
	/* nmap's own prolog still reads. */
	assert_int_equal(parse_str(ASSAY_IMPORT_NMAP,
	    "<!DOCTYPE nmaprun>\n<?xml-stylesheet href=\"x\"?>\n<!-- c -->\n"
	    "<nmaprun/>", why, sizeof(why)), 0);
	/* An undeclared entity: not well-formed, never fetched. */
	assert_int_equal(parse_str(ASSAY_IMPORT_NMAP,
	    "<nmaprun args=\"&xxe;\"/>", why, sizeof(why)), ASSAY_ERR_PARSE);
	/* Deep nesting. */
	n = 200;
	assert_non_null(deep = malloc(n * 7 + 64));
	strcpy(deep, "<nmaprun>");
	for (i = 0; i < n; i++)
		strcat(deep, "<host>");
	strcat(deep, "</nmaprun>");
	assert_int_equal(parse_str(ASSAY_IMPORT_NMAP, deep, why, sizeof(why)),
	    ASSAY_ERR_HOSTILE_XML);
	assert_non_null(strstr(why, "nested"));
	free(deep);
	/* Over the cap: refused before parsing. */
	n = (size_t)ASSAY_IMPORT_MAX_FILE + 1;
	assert_non_null(big = malloc(n + 1));
	memset(big, ' ', n);
	big[n] = '\0';
	memcpy(big, "<nmaprun>", 9);
	assert_int_equal(parse_str(ASSAY_IMPORT_NMAP, big, why, sizeof(why)),
	    ASSAY_ERR_TOO_BIG);
	free(big);
	/* Truncated, wrong types, empty. */
	assert_int_equal(parse_str(ASSAY_IMPORT_NMAP, "<nmaprun><host>", why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_int_equal(parse_str(ASSAY_IMPORT_NMAP, "<nmaprun><host><address "
	    "addr=\"10.0.0.1\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" "
	    "portid=\"99999\"/></ports></host></nmaprun>", why, sizeof(why)),
	    ASSAY_ERR_PARSE);
	assert_non_null(strstr(why, "portid"));
	assert_int_equal(parse_str(ASSAY_IMPORT_SSLSCAN, "<document><ssltest "
	    "host=\"h\" port=\"443\"><protocol type=\"tls\" version=\"1.0\" "
	    "enabled=\"maybe\"/></ssltest></document>", why, sizeof(why)),
	    ASSAY_ERR_PARSE);
	assert_int_equal(parse_str(ASSAY_IMPORT_SSLSCAN, "<document/>", why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_int_equal(parse_str(ASSAY_IMPORT_NMAP, "", why, sizeof(why)),
	    ASSAY_ERR_PARSE);
}

static void
test_hostile_json(void **state)
{
	static const char ok[] = "{\"a\":\"\\ud83d\\ude00\",\"b\":"
	    "[true,null,-1.5e3]}";
	char why[512], deep[200];
	struct assay_jv *v;

	(void)state;
	assert_int_equal(parse_str(ASSAY_IMPORT_TESTSSL, "[{\"id\":\"x\","
	    "\"severity\":\"LOW\",\"finding\":\"y\"", why, sizeof(why)),
	    ASSAY_ERR_PARSE);
	assert_non_null(strstr(why, "truncated"));
	assert_int_equal(parse_str(ASSAY_IMPORT_TESTSSL, "[{\"id\":1,"
	    "\"severity\":\"LOW\",\"finding\":\"y\"}]", why, sizeof(why)),
	    ASSAY_ERR_PARSE);
	assert_non_null(strstr(why, "\"id\" is not a string"));
	assert_int_equal(parse_str(ASSAY_IMPORT_TESTSSL, "[{\"id\":\"x\","
	    "\"severity\":\"LOW\"}]", why, sizeof(why)), ASSAY_ERR_PARSE);
	assert_int_equal(parse_str(ASSAY_IMPORT_TESTSSL, "[\"x\"]", why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_int_equal(parse_str(ASSAY_IMPORT_TESTSSL, "{\"scanResult\":[]}",
	    why, sizeof(why)), ASSAY_ERR_PARSE);
	assert_non_null(strstr(why, "--jsonfile-pretty"));
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	assert_int_equal(parse_str(ASSAY_IMPORT_TESTSSL, deep, why,
	    sizeof(why)), ASSAY_ERR_TOO_BIG);
	/* The reader alone: strict RFC 8259. */
	assert_int_equal(assay_json_parse("[1,]", 4, &v, why, sizeof(why)),
	    ASSAY_ERR_PARSE);
	assert_int_equal(assay_json_parse("[01]", 4, &v, why, sizeof(why)),
	    ASSAY_ERR_PARSE);
	assert_int_equal(assay_json_parse("\"\\ud800\"", 8, &v, why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_int_equal(assay_json_parse("\"\\u0000\"", 8, &v, why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_int_equal(assay_json_parse("\"\xc3\"", 3, &v, why, sizeof(why)),
	    ASSAY_ERR_PARSE);
	assert_int_equal(assay_json_parse("[1] x", 5, &v, why, sizeof(why)),
	    ASSAY_ERR_PARSE);
	assert_int_equal(assay_json_parse(ok, strlen(ok), &v, why, sizeof(why)),
	    0);
	assert_string_equal(assay_json_get(v, "a")->s, "\xf0\x9f\x98\x80");
	assert_int_equal(assay_json_get(v, "b")->n, 3);
	assay_json_free(v);
}

/*
 * The tools themselves, now: record.sh runs nmap, sslscan and testssl.sh
 * against servers it starts on loopback, and what they write is read.
 * Skipped when a tool is not installed (.ci/packages installs them).
 */
static void
test_live_reports(void **state)
{
	static const struct { int tool; const char *name, *exe; } t[] = {
		{ ASSAY_IMPORT_NMAP, "nmap.xml", "nmap" },
		{ ASSAY_IMPORT_SSLSCAN, "sslscan.xml", "sslscan" },
		{ ASSAY_IMPORT_TESTSSL, "testssl.json", "testssl" },
	};
	struct assay_facts *fs;
	char cmd[8192], p[4096], why[512], *dir, *buf;
	size_t i, len;

	(void)state;
	for (i = 0; i < 3; i++) {
		(void)snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null "
		    "&& command -v openssl >/dev/null", t[i].exe);
		if (system(cmd) != 0)
			skip();
	}
	dir = tu_mkdtemp("import-live");
	(void)snprintf(cmd, sizeof(cmd), "sh %s/tests/data/import/record.sh "
	    "%s", ASSAY_SOURCE_DIR, dir);
	assert_int_equal(system(cmd), 0);
	for (i = 0; i < 3; i++) {
		(void)snprintf(p, sizeof(p), "%s/%s", dir, t[i].name);
		if ((buf = tu_read_file(p, &len)) == NULL)
			fail_msg("%s wrote no %s", t[i].exe, t[i].name);
		assert_non_null(fs = assay_facts_new(0));
		if (assay_import_parse(t[i].tool, buf, len, fs, why,
		    sizeof(why)) != 0)
			fail_msg("%s: %s", t[i].name, why);
		switch (t[i].tool) {
		case ASSAY_IMPORT_NMAP:
			assert_int_equal(assay_facts_count_section(fs, "port"),
			    2);
			assert_non_null(find_with(fs, "port", "state", "open"));
			break;
		case ASSAY_IMPORT_SSLSCAN:
			assert_int_equal(assay_facts_count_section(fs,
			    "certificate"), 1);
			assert_non_null(find_with(fs, "certificate", "subject",
			    "assay-import-test"));
			break;
		default:
			assert_non_null(find_with(fs, "finding", "id",
			    "TLS1_3"));
			break;
		}
		assay_facts_free(fs);
		free(buf);
	}
	tu_rmrf(dir);
	free(dir);
}

/* The notes the binding records, joined. */
static char notes[8192];

static void
note_sink(void *arg, const char *channel, const char *dir, const void *data,
    size_t len)
{
	size_t n = strlen(notes);

	(void)arg;
	if (strcmp(dir, "note") != 0 || n + len + strlen(channel) + 4 >=
	    sizeof(notes))
		return;
	(void)snprintf(notes + n, sizeof(notes) - n, "%s: %.*s\n", channel,
	    (int)len, (const char *)data);
}

static void
test_lua_binding(void **state)
{
	struct assay_probe_env env;
	lua_State *L;
	static const char hostile[] = "<!DOCTYPE nmaprun [<!ENTITY a \"b\">]>"
	    "<nmaprun/>";
	char *dir, bad[4096], changed[4096];

	(void)state;
	dir = tu_mkdtemp("import");
	(void)snprintf(bad, sizeof(bad), "%s/bad.xml", dir);
	assert_int_equal(tu_write_file(bad, hostile, strlen(hostile)), 0);
	(void)snprintf(changed, sizeof(changed), "%s/changed.json", dir);
	assert_int_equal(tu_write_file(changed, "[]", 2), 0);
	memset(&env, 0, sizeof(env));
	env.timeout_ms = 5000;
	env.max_read = 65536;
	env.record = note_sink;
	notes[0] = '\0';
	assert_non_null(L = luaL_newstate());
	luaL_openlibs(L);
	assay_probe_env_set(L, &env);
	lua_newtable(L);
	assay_probe_import_lua_register(L);
	lua_setglobal(L, "net");
	assert_int_equal(assay_artefact_declare(L, "nmap", "scan",
	    data_path("nmap.xml"), NULL), 0);
	assert_int_equal(assay_artefact_declare(L, "sslscan", "tls",
	    data_path("sslscan.xml"), NULL), 0);
	assert_int_equal(assay_artefact_declare(L, "testssl", "tssl",
	    data_path("testssl.json"), NULL), 0);
	assert_int_equal(assay_artefact_declare(L, "nmap", "bad", bad, NULL),
	    0);
	assert_int_equal(assay_artefact_declare(L, "testssl", "changed",
	    changed, "0000000000000000000000000000000000000000000000000000000000000000"),
	    0);
	assert_int_equal(assay_artefact_declare(L, "nmap", "gone",
	    "/nonexistent/nmap.xml", NULL), 0);
	assert_int_equal(assay_artefact_declare(L, "capture", "cap",
	    data_path("nmap.xml"), NULL), 0);
	if (luaL_dostring(L,
	    "local r = assert(net.import{ id = 'scan' })\n"
	    "assert(r.tool == 'nmap' and r.external == true and r.id == 'scan')\n"
	    "assert(#r.sha256 == 64 and r.basis:find('4.7', 1, true))\n"
	    "assert(#r.hosts == 1 and #r.ports == 2 and r.hosts[1].addr == '127.0.0.1')\n"
	    "local s = assert(net.import{ id = 'tls' })\n"
	    "assert(s.tool == 'sslscan' and #s.protocols == 6)\n"
	    "assert(s.certificates[1].self_signed == true)\n"
	    "local t = assert(net.import{ id = 'tssl' })\n"
	    "assert(t.tool == 'testssl' and #t.findings > 10)\n"
	    "local n, why = net.import{ id = 'bad' }\n"
	    "assert(n == nil and why:find('not a usable nmap report'), why)\n"
	    "n, why = net.import{ id = 'changed' }\n"
	    "assert(n == nil and why:find('changed since'), why)\n"
	    "n, why = net.import{ id = 'gone' }\n"
	    "assert(n == nil and why:find('gone since'), why)\n"
	    /* only declared reports, by id; a capture id is not a report */
	    "assert(not pcall(net.import, { id = 'cap' }))\n"
	    "assert(not pcall(net.import, { id = 'nosuch' }))\n"
	    "assert(not pcall(net.import, { file = '/etc/passwd' }))\n"
	    "assert(not pcall(net.import, { id = 'scan', file = 'x' }))\n"
	    "assert(not pcall(net.import, {}))\n") != 0)
		fail_msg("%s", lua_tostring(L, -1));
	lua_close(L);
	assert_non_null(strstr(notes, "external evidence (TS 103 701 clause "
	    "4.7)"));
	assert_non_null(strstr(notes, "nmap.xml, sha256 "));
	tu_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nmap_real),
		cmocka_unit_test(test_sslscan_real),
		cmocka_unit_test(test_testssl_real),
		cmocka_unit_test(test_wrong_tool),
		cmocka_unit_test(test_hostile_xml),
		cmocka_unit_test(test_hostile_json),
		cmocka_unit_test(test_lua_binding),
		cmocka_unit_test(test_live_reports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
