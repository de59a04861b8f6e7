/*
 * test_evidence.c - the run directory: masking, atomic results, the
 * journal, resume rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/diag.h"
#include "base/error.h"
#include "run/evidence.h"
#include "testutil.h"

static const char *const secrets[] = { "hunter2", "Xk3-very-secret", "s" };

static struct assay_run_info
info(const char *catalogue)
{
	struct assay_run_info i = { { "catalogue_sha256", "run_id" },
	    { catalogue, "ASSAY-1" }, 2 };
	return i;
}

static void
test_mask(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_evidence *ev = NULL;
	struct assay_run_info in = info("c1");
	char *dir = tu_mkdtemp("ev"), out[512], *m;

	(void)state;
	snprintf(out, sizeof(out), "%s/run", dir);
	assert_int_equal(assay_evidence_open(out, 0, &in, secrets, 3, &ev, d), 0);
	/*
	 * "s" and "hunter2" are shorter than 8 characters: masked only as
	 * whole tokens, so "user" and "hunter2hunter2" stay as they are.
	 */
	m = assay_evidence_mask(ev, "user admin pw Xk3-very-secret and hunter2hunter2");
	assert_string_equal(m, "user admin pw [secret] and hunter2hunter2");
	free(m);
	m = assay_evidence_mask(ev, "pw hunter2, s.");
	assert_string_equal(m, "pw [secret], [secret].");
	free(m);
	assay_evidence_free(ev);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

static void
test_record_and_result(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_evidence *ev = NULL;
	struct assay_evidence_tc *tc = NULL;
	struct assay_result res, back;
	struct assay_run_info in = info("c1");
	char *dir = tu_mkdtemp("ev"), out[512], path[600], *txt;
	static const char sent[] = "login: root\r\nPassword: hunter2\r\n\x01\xff";

	(void)state;
	snprintf(out, sizeof(out), "%s/run", dir);
	assert_int_equal(assay_evidence_open(out, 0, &in, secrets, 2, &ev, d), 0);
	assert_int_equal(assay_evidence_tc_begin(ev, "5.1-1-2", &tc), 0);
	assay_evidence_tc_record(tc, "telnet 127.0.0.1:23", "sent", sent,
	    sizeof(sent) - 1);
	assert_int_equal(assay_evidence_tc_artefact(tc, "banner.txt",
	    "key=Xk3-very-secret", 19), 0);
	assert_int_equal(assay_evidence_tc_artefact(tc, "../escape", "x", 1),
	    ASSAY_ERR_INVALID_ARG);
	assert_int_equal(assay_evidence_tc_artefact(tc, ".hidden", "x", 1),
	    ASSAY_ERR_INVALID_ARG);
	memset(&res, 0, sizeof(res));
	res.verdict = ASSAY_VERDICT_FAIL;
	res.reason = strdup("accepted hunter2\nsecond line 100%");
	res.duration_ms = 12;
	assert_int_equal(assay_result_add_unit(&res, "b", ASSAY_VERDICT_FAIL,
	    "pw hunter2 worked"), 0);
	assert_int_equal(assay_evidence_tc_end(tc, &res), 0);
	/* Reasons are masked in memory too: the report is built from them. */
	assert_string_equal(res.reason, "accepted [secret]\nsecond line 100%");
	assert_int_equal(res.nevidence, 2);

	snprintf(path, sizeof(path), "%s/evidence/5.1-1-2/transcript.txt", out);
	txt = tu_read_file(path, NULL);
	assert_non_null(txt);
	assert_null(strstr(txt, "hunter2"));
	assert_non_null(strstr(txt, "Password: [secret]\\r\\n"));
	assert_non_null(strstr(txt, "\\x01\\xff"));
	free(txt);
	snprintf(path, sizeof(path), "%s/evidence/5.1-1-2/banner.txt", out);
	txt = tu_read_file(path, NULL);
	assert_string_equal(txt, "key=[secret]");
	free(txt);

	/* The result reads back exactly. */
	assert_int_equal(assay_evidence_done(ev, "5.1-1-2", &back), 1);
	assert_int_equal(back.verdict, ASSAY_VERDICT_FAIL);
	assert_string_equal(back.reason, res.reason);
	assert_int_equal(back.nunits, 1);
	assert_string_equal(back.units[0].reason, "pw [secret] worked");
	assert_int_equal(back.nevidence, 2);
	assay_result_clear(&back);
	assert_int_equal(assay_evidence_done(ev, "5.1-1-1", &back), 0);
	assay_result_clear(&res);
	assay_evidence_free(ev);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

static void
test_resume_rules(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_evidence *ev = NULL;
	struct assay_evidence_tc *tc = NULL;
	struct assay_result back;
	struct assay_run_info a = info("c1"), b = info("c2"), c = info("c1");
	pid_t pid;
	int st;
	char *dir = tu_mkdtemp("ev"), out[512], path[600];

	(void)state;
	snprintf(out, sizeof(out), "%s/run", dir);
	assert_int_equal(assay_evidence_open(out, 0, &a, NULL, 0, &ev, d), 0);
	/* A test case started by a process that then died is not done. */
	if ((pid = fork()) == 0) {
		if (assay_evidence_tc_begin(ev, "4-1-1", &tc) != 0)
			_exit(1);
		_exit(0);	/* "crash" before tc_end */
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(WEXITSTATUS(st), 0);
	assay_evidence_free(ev);
	ev = NULL;
	/* Not empty any more: a fresh run there is refused. */
	assert_int_equal(assay_evidence_open(out, 0, &a, NULL, 0, &ev, d),
	    ASSAY_ERR_EXISTS);
	/* Resume with another catalogue is refused, naming the difference. */
	assert_int_equal(assay_evidence_open(out, 1, &b, NULL, 0, &ev, d),
	    ASSAY_ERR_EXISTS);
	assert_true(assay_diag_find(d, "catalogue_sha256 differs") >= 0);
	/* Resume with the same run: run_* keys come from the original. */
	c.values[1] = "ASSAY-2";
	assert_int_equal(assay_evidence_open(out, 1, &c, NULL, 0, &ev, d), 0);
	assert_string_equal(assay_evidence_info(ev, "run_id"), "ASSAY-1");
	assert_int_equal(assay_evidence_done(ev, "4-1-1", &back), 0);
	/* A result file without its journal line does not count either. */
	snprintf(path, sizeof(path), "%s/evidence/4-1-1/result.txt", out);
	tu_write_file(path, "assay-result 1\nverdict pass\n", 28);
	assert_int_equal(assay_evidence_done(ev, "4-1-1", &back), 0);
	assay_evidence_free(ev);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

/*
 * Issue 11, defect 2b: a transcript records the password as the probe
 * sent it, in an Authorization: Basic header and a percent-encoded form
 * body; the mask must hide those spellings, not only the plain one.
 */
static void
test_encoded_secrets(void **state)
{
	static const struct assay_secret sec[] = {
		{ "Pa ss&'\"<>\\%\xe2\x82\xac\xc3\xa9#1", "admin", 0 } };
	static const char sent[] =
	    "POST /login HTTP/1.1\r\n"
	    "Authorization: Basic YWRtaW46UGEgc3MmJyI8Plwl4oKsw6kjMQ==\r\n\r\n"
	    "user=admin&pass=Pa+ss%26%27%22%3C%3E%5C%25%E2%82%AC%C3%A9%231\r\n"
	    "pass=Pa%20ss%26%27%22%3c%3e%5c%25%e2%82%ac%c3%a9%231\r\n"
	    "{\"pass\":\"Pa ss&'\\\"<>\\\\%\xe2\x82\xac\xc3\xa9#1\"}\r\n"
	    "hex 50612073732627223c3e5c25e282acc3a92331\r\n";
	struct assay_diag *d = assay_diag_new();
	struct assay_evidence *ev = NULL;
	struct assay_evidence_tc *tc = NULL;
	struct assay_result res;
	struct assay_run_info in = info("c1");
	char *dir = tu_mkdtemp("ev"), out[512], path[600], *txt;

	(void)state;
	snprintf(out, sizeof(out), "%s/run", dir);
	assert_int_equal(assay_evidence_open_secrets(out, 0, &in, sec, 1, &ev,
	    d), 0);
	assert_int_equal(assay_evidence_tc_begin(ev, "5.1-1-2", &tc), 0);
	assay_evidence_tc_record(tc, "http 127.0.0.1:80", "sent", sent,
	    sizeof(sent) - 1);
	memset(&res, 0, sizeof(res));
	res.verdict = ASSAY_VERDICT_PASS;
	res.reason = strdup("ok");
	assert_int_equal(assay_evidence_tc_end(tc, &res), 0);
	snprintf(path, sizeof(path), "%s/evidence/5.1-1-2/transcript.txt", out);
	assert_non_null(txt = tu_read_file(path, NULL));
	assert_non_null(strstr(txt, "Authorization: Basic [secret]\\r\\n"));
	assert_non_null(strstr(txt, "user=admin&pass=[secret]\\r\\n"));
	assert_non_null(strstr(txt, "pass=[secret]\\r\\n"));
	assert_non_null(strstr(txt, "{\"pass\":\"[secret]\"}"));
	assert_non_null(strstr(txt, "hex [secret]\\r\\n"));
	assert_null(strstr(txt, "UGEgc3Mm"));
	assert_null(strstr(txt, "%26%27"));
	free(txt);
	assay_result_clear(&res);
	assay_evidence_free(ev);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

/*
 * Issue 11, defect 2c: run.info kept the --judgement text in clear.  It
 * is masked, and a resume with the same judgement is still accepted.
 */
static void
test_run_info_masked(void **state)
{
	struct assay_diag *d = assay_diag_new();
	struct assay_evidence *ev = NULL;
	struct assay_run_info a = { { "catalogue_sha256", "judgements",
	    "run_id" }, { "c1", "4-1-1=PASS:label says hunter2, checked",
	    "ASSAY-1" }, 3 };
	struct assay_run_info b = a;
	char *dir = tu_mkdtemp("ev"), out[512], path[600], *txt;

	(void)state;
	snprintf(out, sizeof(out), "%s/run", dir);
	assert_int_equal(assay_evidence_open(out, 0, &a, secrets, 2, &ev, d), 0);
	assay_evidence_journal(ev, "note %s", "typed hunter2");
	assay_evidence_free(ev);
	ev = NULL;
	snprintf(path, sizeof(path), "%s/run.info", out);
	assert_non_null(txt = tu_read_file(path, NULL));
	assert_null(strstr(txt, "hunter2"));
	assert_non_null(strstr(txt, "label says [secret], checked"));
	free(txt);
	snprintf(path, sizeof(path), "%s/journal", out);
	assert_non_null(txt = tu_read_file(path, NULL));
	assert_null(strstr(txt, "hunter2"));
	free(txt);
	/* Same judgement: resumes; another one: refused, masked in the message. */
	assert_int_equal(assay_evidence_open(out, 1, &b, secrets, 2, &ev, d), 0);
	assay_evidence_free(ev);
	ev = NULL;
	b.values[1] = "4-1-1=FAIL:hunter2";
	assert_int_equal(assay_evidence_open(out, 1, &b, secrets, 2, &ev, d),
	    ASSAY_ERR_EXISTS);
	assert_true(assay_diag_find(d, "judgements differs") >= 0);
	assert_true(assay_diag_find(d, "hunter2") < 0);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_record_and_result),
		cmocka_unit_test(test_resume_rules),
		cmocka_unit_test(test_encoded_secrets),
		cmocka_unit_test(test_run_info_masked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
