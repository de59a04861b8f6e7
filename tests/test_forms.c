/*
 * test_forms.c - the ICS and IXIT loader: the examples validate; each kind
 * of mistake gives its named error at the right line; hostile XML is
 * refused quickly, without reading files or the network, in bounded memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "diag.h"
#include "error.h"
#include "forms.h"
#include "testutil.h"

#define ICS_EX	"ics/examples/smart-camera.xml"
#define IXIT_EX	"ixit/examples/smart-camera.xml"

static char *ics_text, *ixit_text, *tmpdir;

static int
setup(void **state)
{
	(void)state;
	ics_text = tu_read_file(tu_src(ICS_EX), NULL);
	ixit_text = tu_read_file(tu_src(IXIT_EX), NULL);
	tmpdir = tu_mkdtemp("forms");
	return ics_text && ixit_text && tmpdir ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	free(ics_text);
	free(ixit_text);
	tu_rmrf(tmpdir);
	free(tmpdir);
	return 0;
}

/* Line (1-based) of the first occurrence of needle in text, or 0. */
static long
line_of(const char *text, const char *needle)
{
	const char *p = strstr(text, needle), *q;
	long line = 1;

	if (p == NULL)
		return 0;
	for (q = text; q < p; q++)
		if (*q == '\n')
			line++;
	return line;
}

/* text with the first occurrence of from replaced by to (malloc'd). */
static char *
replace(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	char *out;

	assert_non_null(p);
	out = malloc(strlen(text) - strlen(from) + strlen(to) + 1);
	assert_non_null(out);
	memcpy(out, text, (size_t)(p - text));
	strcpy(out + (p - text), to);
	strcat(out, p + strlen(from));
	return out;
}

static char *
write_tmp(const char *name, const char *text, size_t len)
{
	char *path;

	assert_true(asprintf(&path, "%s/%s", tmpdir, name) > 0);
	assert_int_equal(tu_write_file(path, text, len), 0);
	return path;
}

/* Loads the given texts; returns the code, diagnostics in *dp. */
static int
load(const char *ics, const char *ixit, struct assay_diag **dp)
{
	struct assay_forms *f = NULL;
	char *ip = write_tmp("ics.xml", ics, strlen(ics));
	char *xp = write_tmp("ixit.xml", ixit, strlen(ixit));
	int r;

	*dp = assay_diag_new();
	r = assay_forms_load(ASSAY_SOURCE_DIR, ip, xp, &f, *dp);
	if (r == 0)
		assay_forms_free(f);
	else
		assert_null(f);
	free(ip);
	free(xp);
	return r;
}

static void
test_examples_validate(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_forms *f = NULL;
	enum assay_support s;
	const char *detail;
	size_t i, nsec;

	char ics[4096];

	(void)state;
	snprintf(ics, sizeof(ics), "%s", tu_src(ICS_EX));	/* tu_src is static */
	assert_int_equal(assay_forms_load(ASSAY_SOURCE_DIR, ics, tu_src(IXIT_EX),
	    &f, d), 0);
	assay_diag_print(d, stderr);
	assert_int_equal(assay_diag_count(d), 0);
	assert_string_equal(assay_forms_device(f, "model"), "SC-200 Smart Camera");
	assert_int_equal(assay_forms_nserials(f), 2);
	assert_string_equal(assay_forms_standard_version(f), "2.1.1");
	assert_int_equal(assay_forms_support(f, "5.3-14", &s, &detail), 0);
	assert_int_equal(s, ASSAY_SUPPORT_NA);
	assert_non_null(strstr(detail, "Condition 3"));
	assert_int_equal(assay_forms_condition(f, 1), 1);
	assert_int_equal(assay_forms_condition(f, 13), 0);
	assert_int_equal(assay_forms_condition(f, 14), -1);
	assert_int_equal(assay_forms_nservices(f), 3);
	i = (size_t)assay_forms_service_find(f, "mqtt");
	assert_int_equal(assay_forms_service_port(f, i), 8883);
	assert_string_equal(assay_forms_service_security(f, i), "tls");
	assert_string_equal(assay_forms_service_address(f, i), "127.0.0.1");
	assert_int_equal(assay_forms_nentries(f, "1-AuthMech"), 2);
	assert_non_null(strstr(assay_forms_entry_field(f, "1-AuthMech", 0,
	    "brute force prevention"), "locked"));
	assert_int_equal(assay_forms_entry_nrefs(f, "6-SoftComp", 0), 1);
	assert_string_equal(assay_forms_entry_ref_item(f, "6-SoftComp", 0, 0),
	    "7-UpdMech");
	assert_null(assay_forms_entry_ref_item(f, "1-AuthMech", 0, 0));
	assert_string_equal(assay_forms_entry_ref_target(f, "1-AuthMech", 0, 0),
	    "web");
	assert_int_equal(assay_forms_nentries(f, "9-ReplSup"), 0);
	assert_int_equal(assay_forms_budget_max_connections(f), 16);
	nsec = assay_forms_nsecrets(f);
	assert_int_equal(nsec, 1);
	assert_string_equal(assay_forms_secret(f, 0), "Q7vR2kX9pL4m");
	assert_string_equal(assay_forms_credential_password(f, 0), "Q7vR2kX9pL4m");
	assert_int_equal(strlen(assay_forms_ics_sha256(f)), 64);
	assay_forms_free(f);
	assay_diag_free(d);
}

/* One mistake: which form, what to change, the message, where. */
struct mistake {
	int		 ixit;		/* 0: in the ICS, 1: in the IXIT */
	const char	*from;
	const char	*to;
	const char	*expect;
	const char	*line_at;	/* the line is that of this text; NULL: any */
	int		 code;
};

static const struct mistake mistakes[] = {
	{ 0, "id=\"5.1-1\"", "id=\"5.1-99\"", "provision \"5.1-99\" does not exist",
	    "id=\"5.1-1\"", ASSAY_ERR_FORM },
	{ 0, "id=\"5.1-1\"", "id=\"5.1-99\"", "provision 5.1-1 is missing",
	    "<provisions>", ASSAY_ERR_FORM },
	{ 0, "id=\"5.1-2\"", "id=\"5.1-3\"", "provision 5.1-3 listed twice",
	    "id=\"5.1-3\"", ASSAY_ERR_FORM },
	{ 0, "<provision id=\"5.1-3\" support=\"Y\"><detail>Implemented; see the IXIT.</detail>",
	    "<provision id=\"5.1-3\" support=\"N\"><detail> </detail>",
	    "provision 5.1-3: support N needs a justification", "id=\"5.1-3\"",
	    ASSAY_ERR_FORM },
	{ 0, "<provision id=\"5.1-3\" support=\"Y\">", "<provision id=\"5.1-3\" support=\"N/A\">",
	    "N/A is only for conditional provisions", "id=\"5.1-3\"", ASSAY_ERR_FORM },
	{ 0, "number=\"13\"", "number=\"12\"", "condition 12 declared twice",
	    "number=\"13\"", ASSAY_ERR_FORM },
	{ 0, "number=\"13\"", "number=\"14\"", "condition 14 does not exist",
	    "number=\"13\"", ASSAY_ERR_FORM },
	{ 0, "number=\"13\"", "number=\"14\"", "condition 13 (A debug interface",
	    "<conditions>", ASSAY_ERR_FORM },
	{ 0, "version=\"2.1.1\"", "version=\"9.9.9\"", "Assay has no data",
	    "version=\"2.1.1\"", ASSAY_ERR_FORM },
	{ 0, "<provision id=\"5.1-3\" support=\"Y\">", "<provision id=\"5.1-3\" support=\"maybe\">",
	    "'maybe' is not an element of the set", "id=\"5.1-3\"", ASSAY_ERR_SCHEMA },
	{ 0, "<model>SC-200 Smart Camera</model>", "<modell>SC-200 Smart Camera</modell>",
	    "modell", "<model>", ASSAY_ERR_SCHEMA },
	{ 1, "port=\"8883\"", "port=\"70000\"", "service \"mqtt\": port 70000 out of range",
	    "port=\"8883\"", ASSAY_ERR_FORM },
	{ 1, "port=\"8883\"", "port=\"0\"", "port 0 out of range", "port=\"8883\"",
	    ASSAY_ERR_FORM },
	{ 1, "<item id=\"22-ExtSens\">", "<item id=\"22-Nope\">",
	    "IXIT item \"22-Nope\" is not defined by TS 103 701",
	    "<item id=\"22-ExtSens\">", ASSAY_ERR_FORM },
	{ 1, "<item id=\"22-ExtSens\">", "<item id=\"22-Nope\">",
	    "IXIT item 22-ExtSens (External Sensors) is missing", "<items>",
	    ASSAY_ERR_FORM },
	{ 1, "<item id=\"9-ReplSup\"/>", "", "IXIT item 9-ReplSup", "<items>",
	    ASSAY_ERR_FORM },
	{ 1, "<field name=\"Time Frame\">14 days</field>",
	    "<field name=\"Time Framez\">14 days</field>",
	    "IXIT item 3-VulnTypes has no field \"Time Framez\"",
	    "<field name=\"Time Frame\">14 days", ASSAY_ERR_FORM },
	{ 1, "<ref service=\"rtsp\"/>", "<ref service=\"nope\"/>",
	    "ref to service \"nope\", which is not declared", "<ref service=\"rtsp\"/>",
	    ASSAY_ERR_FORM },
	{ 1, "entry=\"ota\"", "entry=\"ota2\"", "which item 7-UpdMech does not have",
	    "entry=\"ota\"", ASSAY_ERR_FORM },
	{ 1, "<ref item=\"7-UpdMech\"", "<ref item=\"77-Upd\"", "unknown IXIT item \"77-Upd\"",
	    "<ref item=\"7-UpdMech\"", ASSAY_ERR_FORM },
	{ 1, "<credential id=\"web-owner\" service=\"web\">",
	    "<credential id=\"web-owner\" service=\"nope\">",
	    "credential \"web-owner\": service \"nope\" is not declared",
	    "<credential id=\"web-owner\"", ASSAY_ERR_FORM },
	{ 1, "<service id=\"rtsp\"", "<service id=\"mqtt\"",
	    "service id \"mqtt\" is used twice", "<service id=\"rtsp\"", ASSAY_ERR_FORM },
	{ 1, "<entry id=\"vt-other\">", "<entry id=\"vt-critical\">",
	    "entry id \"vt-critical\" is used twice", "<entry id=\"vt-other\">",
	    ASSAY_ERR_FORM },
	{ 1, "max-connections=\"16\"", "max-connections=\"0\"",
	    "max-connections and max-rate must be at least 1", "max-connections=\"16\"",
	    ASSAY_ERR_FORM },
	{ 1, "security=\"tls\">", "security=\"ssl\">", "'ssl' is not an element of the set",
	    "security=\"tls\">", ASSAY_ERR_SCHEMA },
	{ 1, "</ixit>", "", "Premature end of data", NULL, ASSAY_ERR_PARSE },
};

static void
test_each_mistake(void **state)
{
	size_t i, n = sizeof(mistakes) / sizeof(mistakes[0]), ok = 0;

	(void)state;
	for (i = 0; i < n; i++) {
		const struct mistake *m = &mistakes[i];
		const char *orig = m->ixit ? ixit_text : ics_text;
		char *bad = replace(orig, m->from, m->to);
		struct assay_diag *d;
		long k, want;
		int r;

		r = m->ixit ? load(ics_text, bad, &d) : load(bad, ixit_text, &d);
		k = assay_diag_find(d, m->expect);
		want = m->line_at ? line_of(orig, m->line_at) : 0;
		if (r != m->code || k < 0 || (want > 0 &&
		    assay_diag_line(d, (size_t)k) != want) ||
		    strstr(assay_diag_file(d, (size_t)k),
		    m->ixit ? "ixit.xml" : "ics.xml") == NULL) {
			fprintf(stderr, "mistake %zu (%s -> %s): code %d (want %d), "
			    "want \"%s\" at line %ld; got:\n", i, m->from, m->to, r,
			    m->code, m->expect, want);
			assay_diag_print(d, stderr);
		} else
			ok++;
		assay_diag_free(d);
		free(bad);
	}
	assert_int_equal(ok, n);
}

/* Errors in both forms are all reported, not only the first. */
static void
test_all_errors_reported(void **state)
{
	char *bad_ics = replace(ics_text, "id=\"5.1-2\"", "id=\"5.1-3\"");
	char *b1 = replace(ixit_text, "port=\"8883\"", "port=\"70000\"");
	char *b2 = replace(b1, "<ref service=\"rtsp\"/>", "<ref service=\"nope\"/>");
	struct assay_diag *d;

	(void)state;
	assert_int_equal(load(bad_ics, b2, &d), ASSAY_ERR_FORM);
	assert_true(assay_diag_find(d, "listed twice") >= 0);
	assert_true(assay_diag_find(d, "port 70000") >= 0);
	assert_true(assay_diag_find(d, "\"nope\"") >= 0);
	assay_diag_free(d);
	free(bad_ics);
	free(b1);
	free(b2);
}

/* --- hostile XML ---------------------------------------------------------- */

static long long t0;

static void
start(void)
{
	t0 = tu_now_ms();
}

static void
quick(void)
{
	assert_true(tu_now_ms() - t0 < 1000);
}

static int
check_text(const char *text, size_t len, struct assay_diag **dp)
{
	char *p = write_tmp("hostile.xml", text, len);
	int r;

	*dp = assay_diag_new();
	r = assay_forms_check_xml(p, tu_src("ics/ics.xsd"), *dp);
	free(p);
	return r;
}

static void
test_billion_laughs(void **state)
{
	struct assay_diag *d;
	char doc[4096];
	int i, n = 0;

	(void)state;
	n += snprintf(doc + n, sizeof(doc) - (size_t)n,
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE ics [\n <!ENTITY l0 \"ha\">\n");
	for (i = 1; i < 10; i++)
		n += snprintf(doc + n, sizeof(doc) - (size_t)n,
		    " <!ENTITY l%d \"&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;\">\n",
		    i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	n += snprintf(doc + n, sizeof(doc) - (size_t)n,
	    "]>\n<ics xmlns=\"urn:assay:ics:1\">&l9;</ics>\n");
	start();
	assert_int_equal(check_text(doc, (size_t)n, &d), ASSAY_ERR_HOSTILE_XML);
	quick();
	assert_true(assay_diag_find(d, "DOCTYPE is not allowed") >= 0);
	assert_int_equal(assay_diag_line(d, 0), 2);
	assay_diag_free(d);
}

static void
test_external_entity_file(void **state)
{
	static const char doc[] = "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE ics [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n"
	    "<ics xmlns=\"urn:assay:ics:1\"><device><manufacturer>&x;"
	    "</manufacturer></device></ics>\n";
	struct assay_diag *d;
	size_t i;

	(void)state;
	start();
	assert_int_equal(check_text(doc, sizeof(doc) - 1, &d), ASSAY_ERR_HOSTILE_XML);
	quick();
	for (i = 0; i < assay_diag_count(d); i++)
		assert_null(strstr(assay_diag_message(d, i), "root:"));
	assay_diag_free(d);
}

/* A DTD "on the network" is a listening socket we own: nobody may connect. */
static void
test_external_dtd_network(void **state)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct assay_diag *d;
	char doc[512];
	int ls, c, n;

	(void)state;
	ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 8), 0);
	getsockname(ls, (struct sockaddr *)&sa, &sl);
	n = snprintf(doc, sizeof(doc), "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE ics SYSTEM \"http://127.0.0.1:%d/evil.dtd\">\n"
	    "<ics xmlns=\"urn:assay:ics:1\"/>\n", ntohs(sa.sin_port));
	start();
	assert_int_equal(check_text(doc, (size_t)n, &d), ASSAY_ERR_HOSTILE_XML);
	quick();
	c = accept(ls, NULL, NULL);
	assert_int_equal(c, -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	close(ls);
	assay_diag_free(d);
}

/* A DOCTYPE in a comment is text, not a declaration; after one, it is. */
static void
test_doctype_in_comment(void **state)
{
	char *hidden = replace(ics_text, "<ics ", "<!-- <!DOCTYPE x> -->\n<ics ");
	char *late = replace(ics_text, "<ics ", "<!-- c -->\n<!DOCTYPE ics>\n<ics ");
	struct assay_diag *d;

	(void)state;
	assert_int_equal(check_text(hidden, strlen(hidden), &d), 0);
	assay_diag_free(d);
	assert_int_equal(check_text(late, strlen(late), &d), ASSAY_ERR_HOSTILE_XML);
	assay_diag_free(d);
	free(hidden);
	free(late);
}

static void
test_huge_document(void **state)
{
	struct assay_diag *d;
	char *p;
	int fd;

	(void)state;
	assert_true(asprintf(&p, "%s/huge.xml", tmpdir) > 0);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "<ics>", 5), 5);
	assert_int_equal(ftruncate(fd, 100L * 1024 * 1024), 0);	/* sparse */
	close(fd);
	d = assay_diag_new();
	start();
	assert_int_equal(assay_forms_check_xml(p, tu_src("ics/ics.xsd"), d),
	    ASSAY_ERR_TOO_BIG);
	quick();
	assert_true(assay_diag_find(d, "larger than the limit") >= 0);
	unlink(p);
	free(p);
	assay_diag_free(d);
}

static void
test_deep_nesting(void **state)
{
	struct assay_diag *d;
	struct rusage before, after;
	size_t i, n = 0, depth = 100000;
	char *doc = malloc(depth * 7 + 100);

	(void)state;
	n += (size_t)sprintf(doc, "<ics xmlns=\"urn:assay:ics:1\">");
	for (i = 0; i < depth; i++)
		n += (size_t)sprintf(doc + n, "<a>");
	for (i = 0; i < 3; i++)
		n += (size_t)sprintf(doc + n, "</a>");
	getrusage(RUSAGE_SELF, &before);
	start();
	assert_int_not_equal(check_text(doc, n, &d), 0);
	quick();
	getrusage(RUSAGE_SELF, &after);
	/* Bounded memory: well under 256 MiB more than before. */
	assert_true(after.ru_maxrss - before.ru_maxrss < 256 * 1024);
	assert_true(assay_diag_count(d) > 0);
	assay_diag_free(d);
	free(doc);
}

static void
test_invalid_utf8(void **state)
{
	char *bad = replace(ics_text, "Example Optics Ltd", "Example \xff\xfe Ltd");
	struct assay_diag *d;

	(void)state;
	start();
	assert_int_equal(check_text(bad, strlen(bad), &d), ASSAY_ERR_PARSE);
	quick();
	assert_true(assay_diag_find(d, "UTF-8") >= 0);
	assert_int_equal(assay_diag_line(d, (size_t)assay_diag_find(d, "UTF-8")),
	    line_of(ics_text, "Example Optics Ltd"));
	assay_diag_free(d);
	free(bad);
}

static void
test_not_a_file(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_forms *f = NULL;

	(void)state;
	assert_int_equal(assay_forms_load(ASSAY_SOURCE_DIR, "/nonexistent.xml",
	    "/dev/zero", &f, d), ASSAY_ERR_NOT_FOUND);
	assert_true(assay_diag_find(d, "cannot open") >= 0);
	assert_true(assay_diag_find(d, "not a regular file") >= 0);
	assay_diag_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples_validate),
		cmocka_unit_test(test_each_mistake),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_external_entity_file),
		cmocka_unit_test(test_external_dtd_network),
		cmocka_unit_test(test_doctype_in_comment),
		cmocka_unit_test(test_huge_document),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_not_a_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
