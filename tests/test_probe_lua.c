/*
 * test_probe_lua.c - the probe-binding contract (probe/lua.h,
 * docs/probes.md) and the unit record (assay.unit, assay.settle), through
 * the real sandbox and API a test case runs in.
 *
 * A test case that raises gets ERROR (engine.c run_one: any error from
 * assay_sandbox_call); one that gets nil, reason judges it.  So: every
 * function of assay.net must raise for a bad argument and return nil,
 * reason (or a result describing the failure) for a target that does not
 * answer.  The list of functions is checked against assay.net itself, so
 * a new probe without a case here fails this test.
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

#include <lua.h>
#include <lauxlib.h>

#include "base/diag.h"
#include "base/error.h"
#include "forms/forms.h"
#include "forms/spec.h"
#include "probe/lua.h"
#include "probe/probe.h"
#include "run/api.h"
#include "run/catalogue.h"
#include "run/evidence.h"
#include "run/sandbox.h"
#include "run/verdict.h"
#include "testutil.h"

/*
 * Runs src as a test case's body with the API installed; returns the
 * sandbox code and leaves the error text in err.  The units it recorded
 * stay in *res.
 */
/* ctx.evidence_root of run_tc_ev()'s runs (NULL: none). */
static const char *evidence_root;

static int
run_tc_ev(const char *src, const struct assay_forms *forms,
    struct assay_evidence_tc *etc, struct assay_result *res, char *err,
    size_t errlen)
{
	struct assay_sandbox *sb = NULL;
	struct assay_budget *b;
	struct assay_probe_env env;
	struct assay_api_ctx ctx;
	int r;

	assert_non_null(b = assay_budget_new(8, 1000));
	memset(&env, 0, sizeof(env));
	env.budget = b;
	env.timeout_ms = 1000;
	env.max_read = 4096;
	memset(&ctx, 0, sizeof(ctx));
	ctx.result = res;
	ctx.probe_env = &env;
	ctx.datadir = ASSAY_SOURCE_DIR;
	ctx.forms = forms;
	ctx.evidence = etc;
	ctx.evidence_root = evidence_root;
	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	assert_int_equal(assay_api_install(sb, &ctx), 0);
	if ((r = assay_sandbox_load(sb, "@contract.lua", src, strlen(src))) == 0)
		r = assay_sandbox_call(sb, 0, 0);
	snprintf(err, errlen, "%s", assay_sandbox_error(sb));
	assay_sandbox_free(sb);
	assay_budget_free(b);
	return r;
}

static int
run_tc_forms(const char *src, const struct assay_forms *forms,
    struct assay_result *res, char *err, size_t errlen)
{
	return run_tc_ev(src, forms, NULL, res, err, errlen);
}

static int
run_tc(const char *src, struct assay_result *res, char *err, size_t errlen)
{
	return run_tc_forms(src, NULL, res, err, errlen);
}

static void
expect_ok_forms(const char *src, const struct assay_forms *forms,
    struct assay_result *res)
{
	char err[4096];

	if (run_tc_forms(src, forms, res, err, sizeof(err)) != 0)
		fail_msg("test case failed: %s", err);
}

static void
expect_ok(const char *src, struct assay_result *res)
{
	expect_ok_forms(src, NULL, res);
}

/* A pcap file header (little-endian, Ethernet) and no frames. */
static const unsigned char PCAP_HDR[24] = {
	0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff, 0, 0, 1, 0, 0, 0 };

/*
 * The example ICS and IXIT with a set-up file in dir that declares the
 * capture dir/boot.pcap ("gw-capture") and the firmware image
 * dir/fw.bin ("fw-1"), both written here.
 */
static struct assay_forms *
forms_with_artefacts(const char *dir)
{
	static const char setup[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<setup xmlns=\"urn:assay:setup:1\" version=\"1\">\n"
	    "  <address>127.0.0.1</address>\n"
	    "  <artefacts>\n"
	    "    <capture id=\"gw-capture\" file=\"boot.pcap\"/>\n"
	    "    <firmware id=\"fw-1\" file=\"fw.bin\"/>\n"
	    "    <nmap id=\"scan-1\" file=\"scan.xml\"/>\n"
	    "  </artefacts>\n"
	    "</setup>\n";
	static const char fw[] = "root:x:0:0::/root:/bin/sh\n";
	static const char scan[] = "<nmaprun version=\"7.93\"/>\n";
	struct assay_forms *f = NULL;
	struct assay_diag *d;
	char p[4096], ics[4096];

	snprintf(p, sizeof(p), "%s/boot.pcap", dir);
	assert_int_equal(tu_write_file(p, PCAP_HDR, sizeof(PCAP_HDR)), 0);
	snprintf(p, sizeof(p), "%s/fw.bin", dir);
	assert_int_equal(tu_write_file(p, fw, strlen(fw)), 0);
	snprintf(p, sizeof(p), "%s/scan.xml", dir);
	assert_int_equal(tu_write_file(p, scan, strlen(scan)), 0);
	snprintf(p, sizeof(p), "%s/setup.xml", dir);
	assert_int_equal(tu_write_file(p, setup, strlen(setup)), 0);
	snprintf(ics, sizeof(ics), "%s", tu_src("ics/examples/smart-camera.xml"));
	assert_non_null(d = assay_diag_new());
	if (assay_forms_load(ASSAY_SOURCE_DIR, ics,
	    tu_src("ixit/examples/smart-camera.xml"), p, &f, d) != 0) {
		assay_diag_print(d, stderr);
		fail();
	}
	assay_diag_free(d);
	return f;
}

/*
 * For each probe: good options against an unreachable target (a closed
 * port on loopback, CLOSED), and a list of bad option tables.
 */
static const char contract[] =
    "local CLOSED = %d\n"
    "local H = '127.0.0.1'\n"
    "local cases = {\n"
    "  tcp_sweep = { good = { host = H, ports = { CLOSED } },\n"
    "    bad = { { ports = '1-2' }, { host = H, ports = '0-3' },\n"
    "            { host = H, ports = { 70000 } } } },\n"
    "  banner = { good = { host = H, port = CLOSED },\n"
    "    bad = { { host = H }, { host = H, port = 0 }, { host = H, port = 22, max_bytes = 9 },\n"
    "            { host = H, port = 22, max_read = 0 }, { host = 1, port = 22 } } },\n"
    "  udp_probe = { good = { host = H, port = CLOSED, kind = 'coap', timeout_ms = 300 },\n"
    "    bad = { { host = H, port = 5683 }, { host = H, port = 5683, kind = 'x' } } },\n"
    /* batches: two tables, { [port] = reply } and { [port] = why } */
    "  banners = { batch = true, good = { host = H, ports = { CLOSED } },\n"
    "    bad = { { host = H }, { host = H, ports = 22 }, { host = H, ports = { 0 } },\n"
    "            { host = H, ports = { 'x' } }, { host = H, ports = { 22 }, max_read = 0 },\n"
    "            { host = H, ports = { 22 }, idle_ms = 0 }, { ports = { 22 } },\n"
    "            { host = H, ports = (function() local t = {} for i = 1, 1025 do t[i] = 22 end return t end)() } } },\n"
    "  udp_probes = { batch = true, good = { host = H, probes = { { CLOSED, 'coap' } },\n"
    "      timeout_ms = 300 },\n"
    "    bad = { { host = H }, { host = H, probes = { 5683 } }, { host = H, probes = { { 5683 } } },\n"
    "            { host = H, probes = { { 5683, 'x' } } }, { host = H, probes = { { 0, 'coap' } } },\n"
    "            { host = H, probes = { { 5683, 'coap' } }, max_read = 0 } } },\n"
    "  tls_handshake = { good = { host = H, port = CLOSED },\n"
    "    bad = { { host = H, port = 443, version = 'SSLv2' },\n"
    "            { host = H, port = 443, certificates = 'yes' } } },\n"
    "  tls_enumerate = { good = { host = H, port = CLOSED },\n"
    "    bad = { { host = H, port = 443, servername = 5 } } },\n"
    "  http_request = { good = { url = 'http://127.0.0.1:' .. CLOSED .. '/' },\n"
    "    bad = { { }, { url = 'ftp://x/' }, { url = 'http://x/', auth = 'ntlm' },\n"
    "            { url = 'http://x/', max_body = 10 }, { url = 'http://x/', follow = -1 } } },\n"
    "  url = { value = true, good = { scheme = 'http', host = H },\n"
    "    bad = { { host = H }, { scheme = 'http', host = H, port = 65536 } } },\n"
    "  telnet_login = { good = { host = H, port = CLOSED, user = 'a', password = 'b' },\n"
    "    bad = { { host = H, port = 23, user = 'a' }, { host = H, port = 23, password = 'b' } } },\n"
    "  telnet_banner = { good = { host = H, port = CLOSED },\n"
    "    bad = { { host = H, port = 23, quiet_ms = 10 } } },\n"
    "  ssh_info = { good = { host = H, port = CLOSED },\n"
    "    bad = { { port = 22 } } },\n"
    "  ssh_login = { good = { host = H, port = CLOSED, user = 'a', password = 'b' },\n"
    "    bad = { { host = H, port = 22, user = 'a' } } },\n"
    "  try_credentials = { good = { service = 'telnet', host = H, port = CLOSED,\n"
    "      pairs = { { 'a', 'b' } } },\n"
    "    bad = { { service = 'gopher', host = H, port = 1, pairs = { { 'a', 'b' } } },\n"
    "            { service = 'http-basic', pairs = { { 'a', 'b' } } },\n"
    "            { service = 'telnet', host = H, port = 1 },\n"
    "            { service = 'telnet', host = H, port = 1, list = 'nosuch' },\n"
    "            { service = 'telnet', host = H, port = 1, pairs = { 'ab' } } } },\n"
    "  credential_list = { value = true, good = { list = 'mirai' },\n"
    "    bad = { { list = 'nosuch' }, { list = '../x' } } },\n"
    "  mqtt_connect = { good = { host = H, port = CLOSED },\n"
    "    bad = { { host = H, port = 99999 }, { host = H, tls = 'yes' } } },\n"
    "  mqtt_publish = { good = { host = H, port = CLOSED, topic = 'a/b', payload = 'x' },\n"
    "    bad = { { host = H, topic = 'a/#', payload = 'x' }, { host = H, topic = 'a/+/b', payload = 'x' },\n"
    "            { host = H, topic = 'a' }, { host = H, topic = 'a', payload = 'x', qos = 2 },\n"
    "            { host = H, topic = 'a', payload = string.rep('x', 4097) },\n"
    "            { host = H, topic = 'a', payload = 'x', witness = false, witness_user = 'u' } } },\n"
    "  coap_get = { good = { host = H, port = CLOSED, timeout_ms = 300 },\n"
    "    bad = { { host = H, psk_key = 'k' } } },\n"
    "  coap_request = { good = { host = H, port = CLOSED, timeout_ms = 300, method = 'PUT',\n"
    "      path = '/config', payload = 'x', content_format = 0 },\n"
    "    bad = { { host = H, method = 'DELETE' }, { host = H, path = '/x' },\n"
    "            { host = H, method = 'GET', payload = 'x' },\n"
    "            { host = H, method = 'PUT', payload = string.rep('x', 1025) },\n"
    "            { host = H, method = 'PUT', content_format = 65536 } } },\n"
    "  dtls_probe = { good = { host = H, port = CLOSED, timeout_ms = 300 },\n"
    "    bad = { { host = H, dtls = true } } },\n"
    /* a file the lab declared but removed since: an outcome, nil, why */
    "  firmware = { good = { id = 'fw-1' },\n"
    "    bad = { { file = 5 }, { id = 'fw-1', max_depth = 0 }, { id = 'fw-1', secrets = 5 },\n"
    "            { id = 'fw-1', lists = { '../x' } }, { id = 'fw-1', lists = { 'nosuch' } },\n"
    "            { file = '/etc/passwd' }, { id = 'gw-capture' }, { id = 'nosuch' },\n"
    "            { id = 'fw-1', file = 'x' }, { id = '' } } },\n"
    "  capture = { good = { id = 'gw-capture' },\n"
    "    bad = { { file = 5 }, { id = 'gw-capture', secrets = 'pw' },\n"
    "            { id = 'gw-capture', secrets = { { label = 'l' } } },\n"
    "            { id = 'gw-capture', max_packets = 0 }, { file = '/etc/passwd' },\n"
    "            { id = 'fw-1' }, { file = '/nonexistent/x.pcap' } } },\n"
    /* no <client-side><gateway> in this set-up: nil, why */
    "  update_serve = { good = { id = 'ota' },\n"
    "    bad = { { }, { id = 5 }, { id = '' }, { id = 'ota', variants = 'control' },\n"
    "            { id = 'ota', variants = { } }, { id = 'ota', variants = { 'nosuch' } },\n"
    "            { id = 'ota', variants = { 'control', 'control' } },\n"
    "            { id = 'ota', variants = { 1 } }, { id = 'ota', wait_ms = 0 },\n"
    "            { id = 'ota', settle_ms = -1 } } },\n"
    "  observe = { good = { seconds = 1 },\n"
    "    bad = { { seconds = 0 }, { seconds = 601 }, { channels = 'cm-cloud' },\n"
    "            { channels = { } }, { channels = { 5 } } } },\n"
    "  import = { value = true, good = { id = 'scan-1' },\n"
    "    bad = { { id = 5 }, { id = '' }, { id = 'nosuch' }, { id = 'fw-1' },\n"
    "            { id = 'gw-capture' }, { file = '/etc/passwd' },\n"
    "            { id = 'scan-1', file = 'x' } } },\n"
    /* no <client-side><gateway> in this set-up: an outcome, nil, why */
    "  intercept = { good = { channel = 'cm-cloud' },\n"
    "    bad = { { channel = 5 }, { channel = '' }, { variants = { 'control' } },\n"
    "            { channel = 'cm-cloud', variants = { 'nope' } },\n"
    "            { channel = 'cm-cloud', variants = 'expired' },\n"
    "            { channel = 'cm-cloud', variants = { } },\n"
    "            { channel = 'cm-cloud', variants = { 'expired', 'expired' } },\n"
    "            { channel = 'cm-cloud', wait_ms = 0 },\n"
    "            { channel = 'cm-cloud', read_ms = 600000 }, { channels = { } },\n"
    "            { channels = 'cm-cloud' }, { channels = { 5 } },\n"
    "            { channels = { 'cm-cloud', 'cm-cloud' } },\n"
    "            { channel = 'cm-cloud', channels = { 'cm-cloud' } } } },\n"
    /* no <client-side><gateway> in this set-up: an outcome, nil, why */
    /* a device on loopback: its IPv6 side is ::1, or why not */
    "  ipv6_peers = { good = { host = H, timeout_ms = 300 },\n"
    "    bad = { { host = 5 }, { host = H, timeout_ms = 0 } } },\n"
    "  outage = { good = { channel = 'cm-cloud' },\n"
    "    bad = { { }, { channel = 5 }, { channel = 'cm-cloud', cut_ms = 10 },\n"
    "            { channel = 'cm-cloud', wait_ms = 0 },\n"
    "            { channel = 'cm-cloud', restore_ms = 0 },\n"
    "            { channel = 'cm-cloud', before = 'x' },\n"
    "            { channel = 'cm-cloud', during = 5 }, { channels = { } },\n"
    "            { channels = 'cm-cloud' }, { channels = { 5 } },\n"
    "            { channels = { 'cm-cloud', 'cm-cloud' } },\n"
    "            { channel = 'cm-cloud', channels = { 'cm-cloud' } } } },\n"
    "}\n"
    "for name in pairs(assay.net) do\n"
    "  assert(cases[name], 'no contract case for assay.net.' .. name)\n"
    "end\n"
    "for name, c in pairs(cases) do\n"
    "  local f = assert(assay.net[name], name .. ' missing')\n"
    /* the same for every function: no table, positional, unknown option */
    "  for i, args in ipairs({ {}, { H, 22 }, { { nonsense = 1 } } }) do\n"
    "    local ok, e = pcall(f, table.unpack(args))\n"
    "    assert(not ok and type(e) == 'string' and e:find(name, 1, true),\n"
    "        name .. ': generic bad call ' .. i .. ' did not raise: ' .. tostring(e))\n"
    "  end\n"
    "  for i, opts in ipairs(c.bad) do\n"
    "    local ok, e = pcall(f, opts)\n"
    "    assert(not ok, name .. ': bad case ' .. i .. ' did not raise')\n"
    "    assert(e:find(name .. ': ', 1, true), name .. ': message ' .. e)\n"
    "  end\n"
    "  local r, why = f(c.good)\n"
    "  if c.value then\n"
    "    assert(r ~= nil, name .. ': ' .. tostring(why))\n"
    "  elseif c.batch then\n"
    "    assert(type(r) == 'table' and next(r) == nil and type(why) == 'table'\n"
    "        and type(why[CLOSED]) == 'string' and #why[CLOSED] > 0, name)\n"
    "  elseif name == 'tcp_sweep' then\n"
    "    assert(r and r.open_count == 0, name)\n"
    "  elseif name == 'dtls_probe' then\n"
    /* every handshake outcome is an answer: here, nothing offered */
    "    assert(r == nil and type(why) == 'string' or r.offered == false, name)\n"
    "  elseif name == 'try_credentials' then\n"
    "    assert(r and r.unreached == r.attempts and #r.accepted == 0, name)\n"
    "  elseif name == 'ipv6_peers' then\n"
    "    assert(r and r.addresses[1] == '::1' or r == nil and type(why) == 'string', name)\n"
    "  elseif name == 'telnet_login' or name == 'ssh_login' then\n"
    "    assert(r == nil and type(why) == 'string' and #why > 0, name)\n"
    "  else\n"
    "    assert(r == nil and type(why) == 'string' and #why > 0,\n"
    "        name .. ': unreachable target gave ' .. tostring(r))\n"
    "  end\n"
    "end\n"
    /* a name that does not resolve is a device outcome too */
    "local r, why = assay.net.banner{ host = 'no-such-host.invalid', port = 1 }\n"
    "assert(r == nil and type(why) == 'string', 'unresolvable host')\n"
    "r, why = assay.net.intercept{ channel = 'cm-cloud' }\n"
    "assert(r == nil and why == 'no lab gateway declared (set-up <client-side><gateway>)', why)\n"
    /* a set-up without <client-side>: nil, not an empty table */
    "assert(assay.setup and assay.setup.client_side == nil)\n";

static void
test_every_probe_follows_the_contract(void **state)
{
	struct assay_result res;
	char src[sizeof(contract) + 32];

	struct assay_forms *f;
	char *dir, p[4096];

	(void)state;
	memset(&res, 0, sizeof(res));
	assert_non_null(dir = tu_mkdtemp("contract"));
	f = forms_with_artefacts(dir);
	snprintf(p, sizeof(p), "%s/boot.pcap", dir);
	assert_int_equal(unlink(p), 0);
	snprintf(p, sizeof(p), "%s/fw.bin", dir);
	assert_int_equal(unlink(p), 0);
	snprintf(src, sizeof(src), contract, tu_free_port());
	expect_ok_forms(src, f, &res);
	assay_result_clear(&res);
	assay_forms_free(f);
	tu_rmrf(dir);
	free(dir);
}

/*
 * The lab's files (issue 13): assay.setup.artefacts lists them, and the
 * capture and firmware probes read them, by id or by their file, and
 * nothing else; a file changed since the set-up was loaded is refused.
 */
static void
test_declared_artefacts(void **state)
{
	static const char src[] =
	    "local a = assay.setup.artefacts\n"
	    "assert(#a.captures == 1 and #a.firmware == 1)\n"
	    "local ac, af = a.captures[1], a.firmware[1]\n"
	    "assert(ac.id == 'gw-capture' and af.id == 'fw-1')\n"
	    "assert(ac.file:sub(1, 1) == '/' and ac.file:find('/boot.pcap$'))\n"
	    "assert(#ac.sha256 == 64 and ac.size == 24)\n"
	    "assert(not pcall(function() ac.file = '/etc/passwd' end), 'read-only')\n"
	    "assert(not pcall(function() a.captures[2] = {} end), 'read-only')\n"
	    /* declared: by id and by file */
	    "local c = assert(assay.net.capture{ id = 'gw-capture' })\n"
	    "assert(c.frames == 0 and c.sha256 == ac.sha256)\n"
	    "c = assert(assay.net.capture{ file = ac.file })\n"
	    "assert(c.sha256 == ac.sha256)\n"
	    "local fw = assert(assay.net.firmware{ id = 'fw-1', lists = {} })\n"
	    "assert(fw.image_sha256 == af.sha256)\n"
	    /* another tool's report: listed with its kind, read as external */
	    "local ai = a.imports[1]\n"
	    "assert(#a.imports == 1 and ai.id == 'scan-1' and ai.kind == 'nmap')\n"
	    "local im = assert(assay.net.import{ id = 'scan-1' })\n"
	    "assert(im.external and im.sha256 == ai.sha256 and im.scans[1].version == '7.93')\n"
	    "assert(not pcall(assay.net.capture, { id = 'scan-1' }))\n"
	    "fw = assert(assay.net.firmware{ file = af.file, lists = {} })\n"
	    /* not declared, or declared for the other probe: raises */
	    "local ok, e = pcall(assay.net.capture, { file = '/etc/hostname' })\n"
	    "assert(not ok and e:find('not a capture file the lab set%-up'), e)\n"
	    "ok, e = pcall(assay.net.capture, { file = af.file })\n"
	    "assert(not ok, 'a firmware image is not a capture')\n"
	    "ok, e = pcall(assay.net.firmware, { id = 'gw-capture' })\n"
	    "assert(not ok and e:find('not a firmware the lab set%-up'), e)\n"
	    "ok, e = pcall(assay.net.firmware, { file = ac.file .. '/../boot.pcap' })\n"
	    "assert(not ok, 'a path that resolves to a capture is not an image')\n";
	static const char changed[] =
	    "local c, why = assay.net.capture{ id = 'gw-capture' }\n"
	    "assert(c == nil and why:find('changed since the lab set%-up'), why)\n"
	    "local f, why2 = assay.net.firmware{ id = 'fw-1' }\n"
	    "assert(f == nil and why2:find('changed since the lab set%-up'), why2)\n";
	struct assay_result res;
	struct assay_forms *f;
	char *dir, p[4096];
	unsigned char pc[sizeof(PCAP_HDR)];

	(void)state;
	memset(&res, 0, sizeof(res));
	assert_non_null(dir = tu_mkdtemp("artefacts"));
	f = forms_with_artefacts(dir);
	expect_ok_forms(src, f, &res);
	assay_result_clear(&res);
	/* Same size, other bytes: only the hash tells. */
	memcpy(pc, PCAP_HDR, sizeof(pc));
	pc[16] = 0xfe;
	snprintf(p, sizeof(p), "%s/boot.pcap", dir);
	assert_int_equal(tu_write_file(p, pc, sizeof(pc)), 0);
	snprintf(p, sizeof(p), "%s/fw.bin", dir);
	assert_int_equal(tu_write_file(p, "ROOT:x:0:0::/root:/bin/sh\n", 26), 0);
	expect_ok_forms(changed, f, &res);
	assay_result_clear(&res);
	assay_forms_free(f);
	tu_rmrf(dir);
	free(dir);
}

/* A raise from a probe ends the test case with an error (ERROR). */
static void
test_bad_argument_raises_out_of_run(void **state)
{
	struct assay_result res;
	char err[4096];

	(void)state;
	memset(&res, 0, sizeof(res));
	assert_int_not_equal(run_tc("assay.net.banner('127.0.0.1', 22)", &res,
	    err, sizeof(err)), 0);
	assert_non_null(strstr(err, "banner: a table of options expected"));
	assay_result_clear(&res);
}

static void
test_url_ipv6_and_ipv4(void **state)
{
	struct assay_result res;

	(void)state;
	memset(&res, 0, sizeof(res));
	expect_ok(
	    "local u = assay.net.url\n"
	    "local function eq(a, b) assert(a == b, tostring(a) .. ' ~= ' .. b) end\n"
	    "eq(u{ scheme = 'http', host = '::1', port = 8080, path = '/x' },\n"
	    "    'http://[::1]:8080/x')\n"
	    "eq(u{ scheme = 'http', host = '[fe80::1]', port = 80, path = '/' },\n"
	    "    'http://[fe80::1]:80/')\n"
	    "eq(u{ scheme = 'https', host = '192.0.2.1', port = 443, path = '/a/b?c=1' },\n"
	    "    'https://192.0.2.1:443/a/b?c=1')\n"
	    "eq(u{ scheme = 'telnet', host = 'dev.example', port = 23 },\n"
	    "    'telnet://dev.example:23/')\n"
	    "eq(u{ scheme = 'http', host = 'fe80::1%eth0', port = 80 },\n"
	    "    'http://[fe80::1%25eth0]:80/')\n"
	    "assert(not pcall(u, { scheme = 'http', host = 'a b' }))\n", &res);
	assay_result_clear(&res);
}

/* C keeps the worst per letter, with the reasons at that level. */
static void
test_units_worst_wins_in_c(void **state)
{
	struct assay_result res;

	(void)state;
	memset(&res, 0, sizeof(res));
	expect_ok(
	    "assert(assay.unit_verdict() == 'PASS' and assay.unit_verdict('a') == nil)\n"
	    "local v, why = assay.settle('nothing to do')\n"
	    "assert(v == 'PASS' and why == 'nothing to do')\n"
	    "assay.unit('b', 'PASS', 'b ok')\n"
	    "assay.unit('a', 'INCONCLUSIVE', 'a open')\n"
	    "assay.unit('a', 'PASS', 'a fine')\n"
	    "assay.unit('a', 'INCONCLUSIVE', 'a open too')\n"
	    "assert(assay.unit_verdict('a') == 'INCONCLUSIVE')\n"
	    "assert(assay.unit_verdict() == 'INCONCLUSIVE')\n"
	    "v, why = assay.settle('all good')\n"
	    "assert(v == 'INCONCLUSIVE' and why == 'unit a: a open; a open too', why)\n"
	    "assay.unit('c', 'FAIL', 'c broke')\n"
	    "assay.unit('b', 'FAIL', 'b broke')\n"
	    "assay.unit('b', 'INCONCLUSIVE', 'ignored')\n"
	    "v, why = assay.settle('all good')\n"
	    "assert(v == 'FAIL' and why == 'unit b: b broke | unit c: c broke', why)\n"
	    "assert(not pcall(assay.unit, 'a', 'FAIL'))\n"
	    "assert(not pcall(assay.unit, 'a', 'ERROR', 'x'))\n"
	    "assay.unit('d', 'PASS', string.rep('x', 2000))\n"
	    "assay.unit('d', 'PASS', string.rep('y', 2000))\n", &res);
	/* The record the engine and reports read: one entry per letter, sorted. */
	assert_int_equal(res.nunits, 4);
	assert_string_equal(res.units[0].unit, "a");
	assert_int_equal(res.units[0].verdict, ASSAY_VERDICT_INCONCLUSIVE);
	assert_string_equal(res.units[0].reason, "a open; a open too");
	assert_string_equal(res.units[1].unit, "b");
	assert_int_equal(res.units[1].verdict, ASSAY_VERDICT_FAIL);
	assert_string_equal(res.units[1].reason, "b broke");
	assert_string_equal(res.units[2].unit, "c");
	assert_string_equal(res.units[3].unit, "d");
	/* 2000 + 2 + 2000 bytes, clipped at 3000 and marked. */
	assert_int_equal(strlen(res.units[3].reason), 3003);
	assert_string_equal(res.units[3].reason + 3000, "...");
	assay_result_clear(&res);
}

/*
 * A run allows the capture probe its evidence directory (DIR/evidence),
 * where Assay's own recordings go, and nothing around it: from the test
 * case's own directory, or as the engine's prepared state does, once for
 * the run (ctx.evidence_root).
 */
static void
evidence_dir_allowed(int byroot)
{
	static const char src[] =
	    "local c = assert(assay.net.capture{ file = EV .. '/own.pcap' })\n"
	    "assert(c.frames == 0)\n"
	    "local ok, e = pcall(assay.net.capture, { file = EV .. '/../../outside.pcap' })\n"
	    "assert(not ok and e:find('nor under the run'), e)\n"
	    "assert(not pcall(assay.net.firmware, { file = EV .. '/own.pcap' }),\n"
	    "    'the evidence directory holds no firmware image')\n";
	struct assay_run_info info;
	struct assay_evidence *ev = NULL;
	struct assay_evidence_tc *etc = NULL;
	struct assay_diag *d;
	struct assay_result res;
	char *dir, out[1024], p[2048], err[4096], chunk[sizeof(src) + 2200];
	char root[1100];

	memset(&res, 0, sizeof(res));
	memset(&info, 0, sizeof(info));
	assert_non_null(dir = tu_mkdtemp("evdir"));
	assert_non_null(d = assay_diag_new());
	snprintf(out, sizeof(out), "%s/run", dir);
	assert_int_equal(assay_evidence_open(out, 0, &info, NULL, 0, &ev, d), 0);
	assert_int_equal(assay_evidence_tc_begin(ev, "tc-1", &etc), 0);
	snprintf(p, sizeof(p), "%s/own.pcap", assay_evidence_tc_dir(etc));
	assert_int_equal(tu_write_file(p, PCAP_HDR, sizeof(PCAP_HDR)), 0);
	snprintf(p, sizeof(p), "%s/outside.pcap", out);
	assert_int_equal(tu_write_file(p, PCAP_HDR, sizeof(PCAP_HDR)), 0);
	snprintf(chunk, sizeof(chunk), "local EV = '%s'\n%s",
	    assay_evidence_tc_dir(etc), src);
	snprintf(root, sizeof(root), "%s/evidence", out);
	evidence_root = byroot ? root : NULL;
	if (run_tc_ev(chunk, NULL, etc, &res, err, sizeof(err)) != 0)
		fail_msg("test case failed (evidence_root %s): %s",
		    byroot ? root : "none", err);
	evidence_root = NULL;
	assert_int_equal(assay_evidence_tc_end(etc, &res), 0);
	assay_result_clear(&res);
	assay_evidence_free(ev);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

static void
test_evidence_dir_allowed(void **state)
{
	(void)state;
	evidence_dir_allowed(0);
	evidence_dir_allowed(1);
}

/*
 * assay.new_secret: a value of the asked length and alphabet, different
 * each time, and masked from then on in everything the store writes (the
 * transcript, reasons), Basic pair included; bad arguments raise.
 */
static void
test_new_secret_masked(void **state)
{
	static const char src[] =
	    "local AL = 'abcdefghijklmnopqrstuvwxyz0123456789'\n"
	    "local a = assay.new_secret(20, AL, 'admin')\n"
	    "local b = assay.new_secret(20, AL)\n"
	    "assert(#a == 20 and not a:find('[^a-z0-9]') and a ~= b)\n"
	    "assert(#assay.new_secret(8, 'xy') == 8)\n"
	    "assert(not pcall(assay.new_secret, 7, 'ab'))\n"
	    "assert(not pcall(assay.new_secret, 129, 'ab'))\n"
	    "assert(not pcall(assay.new_secret, 12, 'a'))\n"
	    "assert(not pcall(assay.new_secret, 12, 'aa'))\n"
	    "assert(not pcall(assay.new_secret, 12, 'a b'))\n"
	    "local function b64(s)\n"
	    "  local t = AL:sub(1, 26):upper() .. AL .. '+/'\n"
	    "  local o = {}\n"
	    "  for i = 1, #s, 3 do\n"
	    "    local x, y, z = s:byte(i, i + 2)\n"
	    "    local n = x * 65536 + (y or 0) * 256 + (z or 0)\n"
	    "    for k = 3, 0, -1 do\n"
	    "      local c = (n // 64 ^ k) % 64\n"
	    "      local pad = k == 1 and not y or k == 0 and not z\n"
	    "      o[#o + 1] = pad and '=' or t:sub(c + 1, c + 1)\n"
	    "    end\n"
	    "  end\n"
	    "  return table.concat(o)\n"
	    "end\n"
	    "assay.log('new=' .. a .. ' basic=' .. b64('admin:' .. a)\n"
	    "    .. ' url=' .. a:upper())\n"
	    "assay.unit('a', 'FAIL', 'set ' .. b)\n";
	struct assay_run_info info;
	struct assay_evidence *ev = NULL;
	struct assay_evidence_tc *etc = NULL;
	struct assay_diag *d;
	struct assay_result res;
	char *dir, out[1024], p[2048], err[4096], *txt;

	(void)state;
	memset(&res, 0, sizeof(res));
	memset(&info, 0, sizeof(info));
	assert_non_null(dir = tu_mkdtemp("newsecret"));
	assert_non_null(d = assay_diag_new());
	snprintf(out, sizeof(out), "%s/run", dir);
	assert_int_equal(assay_evidence_open(out, 0, &info, NULL, 0, &ev, d),
	    0);
	assert_int_equal(assay_evidence_tc_begin(ev, "tc-1", &etc), 0);
	if (run_tc_ev(src, NULL, etc, &res, err, sizeof(err)) != 0)
		fail_msg("test case failed: %s", err);
	snprintf(p, sizeof(p), "%s/transcript.txt", assay_evidence_tc_dir(etc));
	assert_int_equal(assay_evidence_tc_end(etc, &res), 0);
	assert_int_equal(res.nunits, 1);
	assert_string_equal(res.units[0].reason, "set [secret]");
	assert_non_null(txt = tu_read_file(p, NULL));
	/* The upper-case copy is another text, not a spelling: it stays. */
	assert_non_null(strstr(txt, "new=[secret] basic=[secret] url="));
	assert_null(strstr(txt, "url=[secret]"));
	free(txt);
	assert_int_equal(assay_evidence_tc_add_secret(NULL, "x", NULL), 0);
	assay_result_clear(&res);
	assay_evidence_free(ev);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

static int nfreed;

static void
count_free(void *p)
{
	assert_ptr_equal(p, &nfreed);
	nfreed++;
}

/*
 * assay_lua_boxes_release() (a forked test case's process ends without
 * closing its state) frees what each live box holds, once: neither the
 * collector before it nor closing the state after frees it again.
 */
static void
test_boxes_release(void **state)
{
	struct assay_sandbox *sb = NULL;
	lua_State *L;
	void **slot;

	(void)state;
	nfreed = 0;
	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	L = assay_sandbox_state(sb);
	slot = assay_lua_box(L, count_free);
	*slot = &nfreed;
	lua_pop(L, 1);
	lua_gc(L, LUA_GCCOLLECT);		/* unreachable: collected */
	assert_int_equal(nfreed, 1);
	slot = assay_lua_box(L, count_free);
	*slot = &nfreed;
	slot = assay_lua_box(L, count_free);
	*slot = &nfreed;
	(void)assay_lua_box(L, count_free);	/* holds nothing */
	assay_lua_boxes_release();
	assert_int_equal(nfreed, 3);
	assay_lua_boxes_release();
	lua_gc(L, LUA_GCCOLLECT);
	assay_sandbox_free(sb);
	assert_int_equal(nfreed, 3);
}

/*
 * The two-step install the engine forks from: what assay_api_prepare()
 * builds is read-only like the one-step install's; assay_api_bind() adds
 * the test case once, and the raw table it writes into is gone after.
 */
/*
 * assay.testcase made ahead in the prepared state (assay_api_prebuild) is
 * the one assay_api_bind() would build: the same fields, read-only; a test
 * case not made ahead still gets its own; an index past the catalogue is
 * refused.
 */
static void
test_prebuilt_testcase(void **state)
{
	static const char src[] = "local t = assay.testcase\n"
	    "assert(not pcall(function() t.id = 'x' end), 'writable')\n"
	    "return t.id, t.group, t.type, #t.units, t.units[1].letter, "
	    "t.units[1].criterion";
	struct assay_diag *d = assay_diag_new();
	struct assay_spec *spec = NULL;
	struct assay_catalogue *c = NULL;
	struct assay_sandbox *sb = NULL;
	struct assay_api_ctx ctx;
	char want[2][600];
	size_t tcs[1];
	lua_State *L;
	int k;

	(void)state;
	assert_int_equal(assay_spec_load(ASSAY_SOURCE_DIR, "2.1.1", &spec, d), 0);
	assert_int_equal(assay_catalogue_load(tu_src("testcases"), spec, &c, d),
	    0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.catalogue = c;
	ctx.tc = (size_t)assay_catalogue_find(c, "5.1-1-2");
	/* k = 0: built in bind; 1: made ahead; 2: another one made ahead. */
	for (k = 0; k < 3; k++) {
		assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
		L = assay_sandbox_state(sb);
		assert_int_equal(assay_api_prepare(sb, &ctx), 0);
		tcs[0] = k == 2 ? (size_t)assay_catalogue_find(c, "4-1-1") :
		    ctx.tc;
		if (k > 0)
			assert_int_equal(assay_api_prebuild(sb, &ctx, tcs, 1), 0);
		assert_int_equal(assay_api_bind(sb, &ctx), 0);
		assert_int_equal(assay_sandbox_load(sb, "=t", src,
		    strlen(src)), 0);
		if (assay_sandbox_call(sb, 0, 6) != 0)
			fail_msg("%s", assay_sandbox_error(sb));
		snprintf(want[k > 0], sizeof(want[0]), "%s|%s|%s|%lld|%s|%s",
		    lua_tostring(L, -6), lua_tostring(L, -5),
		    lua_tostring(L, -4), (long long)lua_tointeger(L, -3),
		    lua_tostring(L, -2), lua_tostring(L, -1));
		if (k > 0)
			assert_string_equal(want[1], want[0]);
		assay_sandbox_free(sb);
	}
	assert_non_null(strstr(want[0], "5.1-1-2|5.1-1|functional|3|a|"));
	tcs[0] = assay_catalogue_count(c);
	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	assert_int_equal(assay_api_prepare(sb, &ctx), 0);
	assert_int_equal(assay_api_prebuild(sb, &ctx, tcs, 1),
	    ASSAY_ERR_INVALID_ARG);
	assay_sandbox_free(sb);
	assay_catalogue_free(c);
	assay_spec_free(spec);
	assay_diag_free(d);
}

static void
test_prepare_then_bind(void **state)
{
	struct assay_sandbox *sb = NULL;
	struct assay_api_ctx ctx;
	lua_State *L;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	L = assay_sandbox_state(sb);
	assert_int_equal(assay_api_prepare(sb, &ctx), 0);
	assert_int_equal(assay_sandbox_load(sb, "=t", "assay.version = 1", 17),
	    0);
	assert_int_not_equal(assay_sandbox_call(sb, 0, 0), 0);
	assert_non_null(strstr(assay_sandbox_error(sb), "read-only"));
	assert_int_equal(assay_api_bind(sb, &ctx), 0);
	assert_int_equal(assay_api_bind(sb, &ctx), ASSAY_ERR_LUA);
	assert_int_equal(assay_sandbox_load(sb, "=t",
	    "return type(assay.pass), assay.testcase", 39), 0);
	assert_int_equal(assay_sandbox_call(sb, 0, 2), 0);
	assert_string_equal(lua_tostring(L, -2), "function");
	assert_true(lua_isnil(L, -1));	/* no catalogue: no test case */
	lua_pop(L, 2);
	assay_sandbox_free(sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_probe_follows_the_contract),
		cmocka_unit_test(test_declared_artefacts),
		cmocka_unit_test(test_evidence_dir_allowed),
		cmocka_unit_test(test_bad_argument_raises_out_of_run),
		cmocka_unit_test(test_url_ipv6_and_ipv4),
		cmocka_unit_test(test_units_worst_wins_in_c),
		cmocka_unit_test(test_new_secret_masked),
		cmocka_unit_test(test_boxes_release),
		cmocka_unit_test(test_prepare_then_bind),
		cmocka_unit_test(test_prebuilt_testcase),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
