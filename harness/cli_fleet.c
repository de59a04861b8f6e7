/*
 * cli_fleet.c - many devices per run: `assay run --fleet FILE` and
 * `assay summarize DIR...` (docs/fleet.md).
 *
 * A fleet run is one process per device: each device's run is exactly
 * `assay run` on that device's forms and set-up (its own budget, time
 * limits and report directory OUT/<id>/), started by exec of this same
 * program, at most --parallel at once, its output in OUT/logs/<id>.log.
 * Every device's forms are checked before anything starts: one bad form
 * is exit 2 with nothing run.  When all have finished, the summary of
 * the report directories is written into OUT: fleet.json, fleet.html and
 * fleet.junit.xml.  `assay summarize` writes the same summary from report
 * directories that ran elsewhere (CI jobs, one container per device).
 *
 * A report directory is not trusted: report.json is read with the capped
 * strict JSON reader `assay diff` uses (assay_cli_load_report), and a
 * directory that cannot be read is named with why and listed as an error
 * in the summary; the others are summarised all the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "base/clock.h"
#include "base/datadir.h"
#include "base/diag.h"
#include "base/error.h"
#include "base/file.h"
#include "base/json.h"
#include "base/term.h"
#include "base/utf8.h"
#include "cli.h"
#include "cli_fleet.h"
#include "forms/fleet.h"
#include "forms/forms.h"
#include "probe/import_json.h"
#include "report/report.h"

/* The verdicts counted per device, as report.json spells them. */
enum { V_PASS, V_FAIL, V_INCONCLUSIVE, V_ERROR, V_NONE, V_NA, V_NF,
    V_OTHER, V_N };
static const char *const verdict_name[V_N] = {
	"PASS", "FAIL", "INCONCLUSIVE", "ERROR", "NONE", "NOT APPLICABLE",
	"NOT FULFILLED", NULL
};
static const char *const verdict_key[V_N] = {
	"pass", "fail", "inconclusive", "error", "none", "not_applicable",
	"not_fulfilled", "other"
};

struct entry {
	char		 id[ASSAY_PATH_MAX];
	char		 dir[ASSAY_PATH_MAX];	/* as given / OUT/<id> */
	char		 href[ASSAY_PATH_MAX];	/* the link in fleet.html */
	char		 address[256];		/* "" unknown */
	char		 result[32];		/* report.json result; "" none */
	char		 error[512];		/* "" none */
	int		 complete;
	long		 verdicts[V_N];
	int		 exit_code;		/* -1: none */
	long long	 duration_ms;		/* -1: unknown */
	long		 maxrss_kib;		/* -1: not measured */
	struct assay_jv	*report;
	/* fleet run only */
	pid_t		 pid;
	int		 state;			/* 0 waiting, 1 running, 2 done */
	int		 resume;		/* its run resumes OUT/<id> */
	int		 signal;		/* killed by it; 0: exited */
	long long	 started_ms;
	char		**argv;
};

static volatile sig_atomic_t fleet_stop;

static void
on_fleet_signal(int sig)
{
	static const char msg[] = "\nassay run: interrupted: no further "
	    "device is started; the running ones stop and write what they "
	    "have (INCOMPLETE)\n";
	ssize_t w;

	(void)sig;
	if (!fleet_stop) {
		w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
		(void)w;
	}
	fleet_stop = 1;
}

static const char *
jstr(const struct assay_jv *o, const char *key)
{
	const struct assay_jv *v = o != NULL ? assay_json_get(o, key) : NULL;

	return v != NULL && v->type == ASSAY_JSON_STR ? v->s : NULL;
}

/* "2026-12-01T06:15:28Z" as seconds since the epoch; -1 when it is not. */
static long long
iso_seconds(const char *s)
{
	struct tm tm;
	const char *end;

	if (s == NULL)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0')
		return -1;
	return (long long)timegm(&tm);
}

/*
 * The first <address> of the lab set-up copy a run keeps in DIR/forms/,
 * read with the forms' hostile-XML reader; "" when there is none.
 */
static void
recorded_address(const char *dir, char *out, size_t outlen)
{
	char path[ASSAY_PATH_MAX], xsd[ASSAY_PATH_MAX];
	struct _xmlDoc *doc = NULL;
	struct assay_diag *d;
	xmlNodePtr n;
	xmlChar *v;

	out[0] = '\0';
	if (assay_path_join(path, sizeof(path), dir, "forms/setup.xml") != 0 ||
	    assay_datadir_path(xsd, sizeof(xsd), "setup/setup.xsd") != 0 ||
	    access(path, R_OK) != 0 || (d = assay_diag_new()) == NULL)
		return;
	if (assay_forms_read_xml(path, xsd, "setup", &doc, NULL, d) == 0) {
		for (n = xmlDocGetRootElement((xmlDocPtr)doc)->children;
		    n != NULL; n = n->next)
			if (n->type == XML_ELEMENT_NODE &&
			    xmlStrcmp(n->name, BAD_CAST "address") == 0) {
				if ((v = xmlNodeGetContent(n)) != NULL)
					snprintf(out, outlen, "%s",
					    (const char *)v);
				xmlFree(v);
				break;
			}
	}
	assay_forms_free_xml(doc);
	assay_diag_free(d);
}

/* "assay CMD: DIR[what]: msg" on stderr, DIR escaped for the terminal. */
static void
say(const char *cmd, const char *dir, const char *what, const char *msg)
{
	fprintf(stderr, "assay %s: ", cmd);
	assay_term_fputs(dir, stderr);
	fprintf(stderr, "%s: %s\n", what, msg);
}

/*
 * Reads e->dir: report.json (through the loader `assay diff` uses), the
 * verdict counts of its test cases, its result, and whether every report
 * file a run writes is there.  A problem goes to e->error (and stderr as
 * "assay CMD: DIR...: why"); the entry is still summarised.
 */
static void
read_entry(const char *cmd, struct entry *e, int derive_exit)
{
	const struct assay_report_format *f;
	const struct assay_jv *tcs, *c;
	const char *v, *res;
	char path[ASSAY_PATH_MAX], why[320];
	struct stat st;
	long long a, b;
	size_t i;
	int k;

	if (e->address[0] == '\0')
		recorded_address(e->dir, e->address, sizeof(e->address));
	if (stat(e->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(e->error, sizeof(e->error), "not a report directory: "
		    "%s", stat(e->dir, &st) != 0 ? strerror(errno) :
		    "not a directory");
		say(cmd, e->dir, "", e->error);
		return;
	}
	if (assay_cli_load_report(cmd, e->dir, &e->report, why,
	    sizeof(why)) != 0) {
		snprintf(e->error, sizeof(e->error), "report.json: %s", why);
		return;
	}
	tcs = assay_json_get(e->report, "test_cases");
	for (i = 0; i < tcs->n; i++) {
		c = &tcs->v[i];
		v = c->type == ASSAY_JSON_OBJ ? jstr(c, "verdict") : NULL;
		for (k = 0; k < V_OTHER; k++)
			if (v != NULL && strcmp(v, verdict_name[k]) == 0)
				break;
		e->verdicts[k]++;
	}
	if ((res = jstr(e->report, "result")) == NULL) {
		snprintf(e->error, sizeof(e->error), "report.json: no result");
		say(cmd, e->dir, "/report.json", "no result: not a finished "
		    "report");
	} else
		snprintf(e->result, sizeof(e->result), "%s", res);
	c = assay_json_get(e->report, "complete");
	e->complete = c != NULL && c->type == ASSAY_JSON_BOOL && c->b;
	if (e->duration_ms < 0 && (a = iso_seconds(jstr(e->report,
	    "started"))) >= 0 && (b = iso_seconds(jstr(e->report,
	    "finished"))) >= a)
		e->duration_ms = (b - a) * 1000;
	/* Nothing missing: every file a finished run writes. */
	for (i = 0; e->error[0] == '\0' &&
	    (f = assay_report_format(i)) != NULL; i++)
		if (assay_path_join(path, sizeof(path), e->dir, f->file) != 0 ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			snprintf(e->error, sizeof(e->error), "%s is missing",
			    f->file);
			say(cmd, e->dir, "", e->error);
		}
	if (derive_exit)
		e->exit_code = e->result[0] == '\0' ? -1 :
		    strcmp(e->result, "FAIL") == 0 ? ASSAY_EXIT_FAIL :
		    strcmp(e->result, "PASS") == 0 && e->complete &&
		    e->error[0] == '\0' ? ASSAY_EXIT_PASS :
		    ASSAY_EXIT_INCONCLUSIVE;
}

/* 1 for a device with a FAIL, 0 for a complete PASS, 3 for anything else. */
static int
entry_code(const struct entry *e)
{
	if (strcmp(e->result, "FAIL") == 0 || e->exit_code == ASSAY_EXIT_FAIL)
		return ASSAY_EXIT_FAIL;
	if (e->error[0] == '\0' && e->exit_code == ASSAY_EXIT_PASS &&
	    strcmp(e->result, "PASS") == 0 && e->complete)
		return ASSAY_EXIT_PASS;
	return ASSAY_EXIT_INCONCLUSIVE;
}

static int
fleet_code(const struct entry *es, size_t n)
{
	int code = ASSAY_EXIT_PASS, c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = entry_code(&es[i]);
		if (c == ASSAY_EXIT_FAIL)
			return c;
		if (c != ASSAY_EXIT_PASS)
			code = c;
	}
	return code;
}

static const char *
code_result(int code)
{
	return code == ASSAY_EXIT_PASS ? "PASS" : code == ASSAY_EXIT_FAIL ?
	    "FAIL" : "INCOMPLETE";
}

static const char *
entry_result(const struct entry *e)
{
	return e->result[0] != '\0' ? e->result : "ERROR";
}

/* --- writers ------------------------------------------------------------ */

static void
now_iso(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
write_json(FILE *fp, const struct entry *es, size_t n, long long wall_ms,
    int code)
{
	struct assay_json j;
	long tally[4] = { 0, 0, 0, 0 };	/* devices PASS, FAIL, INCOMPLETE, ERROR */
	char when[32];
	size_t i;
	int k;

	now_iso(when, sizeof(when));
	assay_json_init(&j, fp, 1);
	assay_json_begin_object(&j);
	assay_json_kv_int(&j, "assay_fleet", 1);
	assay_json_kv_string(&j, "generated", when);
	assay_json_kv_string(&j, "assay_version", assay_version());
	assay_json_kv_string(&j, "result", code_result(code));
	assay_json_kv_int(&j, "exit_code", code);
	assay_json_kv_int(&j, "devices", (long long)n);
	assay_json_key(&j, "wall_ms");
	if (wall_ms >= 0)
		assay_json_int(&j, wall_ms);
	else
		assay_json_null(&j);
	assay_json_key(&j, "device_results");
	assay_json_begin_object(&j);
	for (i = 0; i < n; i++) {
		k = entry_code(&es[i]);
		if (es[i].result[0] == '\0')
			tally[3]++;
		else if (k == ASSAY_EXIT_FAIL)
			tally[1]++;
		else if (k == ASSAY_EXIT_PASS)
			tally[0]++;
		else
			tally[2]++;
	}
	assay_json_kv_int(&j, "pass", tally[0]);
	assay_json_kv_int(&j, "fail", tally[1]);
	assay_json_kv_int(&j, "incomplete", tally[2]);
	assay_json_kv_int(&j, "error", tally[3]);
	assay_json_end_object(&j);
	assay_json_key(&j, "device");
	assay_json_begin_array(&j);
	for (i = 0; i < n; i++) {
		const struct entry *e = &es[i];

		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "id", e->id);
		assay_json_kv_string(&j, "address", e->address[0] != '\0' ?
		    e->address : NULL);
		assay_json_kv_string(&j, "report_dir", e->dir);
		assay_json_kv_string(&j, "result", e->result[0] != '\0' ?
		    e->result : NULL);
		assay_json_kv_bool(&j, "complete", e->complete);
		assay_json_key(&j, "verdicts");
		assay_json_begin_object(&j);
		for (k = 0; k < V_N; k++)
			assay_json_kv_int(&j, verdict_key[k], e->verdicts[k]);
		assay_json_end_object(&j);
		assay_json_key(&j, "exit_code");
		if (e->exit_code >= 0)
			assay_json_int(&j, e->exit_code);
		else
			assay_json_null(&j);
		assay_json_key(&j, "duration_ms");
		if (e->duration_ms >= 0)
			assay_json_int(&j, e->duration_ms);
		else
			assay_json_null(&j);
		assay_json_key(&j, "peak_rss_kib");
		if (e->maxrss_kib >= 0)
			assay_json_int(&j, e->maxrss_kib);
		else
			assay_json_null(&j);
		assay_json_kv_string(&j, "error", e->error[0] != '\0' ?
		    e->error : NULL);
		assay_json_end_object(&j);
	}
	assay_json_end_array(&j);
	assay_json_end_object(&j);
	fputc('\n', fp);
	return 0;
}

/*
 * s escaped for HTML and XML text and attribute values (both quotes):
 * a report directory is untrusted, so ill-formed UTF-8, every character
 * XML 1.0 does not allow and the bidi overrides become U+FFFD.
 */
static void
xesc(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s != NULL ? strlen(s) : 0, k;
	uint32_t cp;

	while (n > 0) {
		k = assay_utf8_next(p, n, &cp);
		if (cp == ASSAY_UTF8_BAD || !assay_utf8_xml_char(cp) ||
		    assay_utf8_bidi(cp))
			fputs("\xef\xbf\xbd", fp);
		else if (cp == '&')
			fputs("&amp;", fp);
		else if (cp == '<')
			fputs("&lt;", fp);
		else if (cp == '>')
			fputs("&gt;", fp);
		else if (cp == '"')
			fputs("&quot;", fp);
		else if (cp == '\'')
			fputs("&#39;", fp);
		else
			fwrite(p, 1, k, fp);
		p += k;
		n -= k;
	}
}

static int
write_html(FILE *fp, const struct entry *es, size_t n, long long wall_ms,
    int code)
{
	char when[32];
	size_t i;
	int k;

	now_iso(when, sizeof(when));
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "\n<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>Assay fleet summary</title>\n<style>\n"
	    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n"
	    "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
	    "padding:.3em .6em;text-align:left}td.n{text-align:right}\n"
	    ".PASS{background:#d4edda}.FAIL{background:#f8d7da}"
	    ".INCOMPLETE,.ERROR{background:#fff3cd}\n"
	    "</style></head><body>\n<h1>Assay fleet summary</h1>\n", fp);
	fprintf(fp, "<p>Result: <span class=\"%s\"><b>%s</b></span> "
	    "(exit %d) &mdash; %zu device%s; generated ", code_result(code),
	    code_result(code), code, n, n == 1 ? "" : "s");
	xesc(fp, when);
	if (wall_ms >= 0)
		fprintf(fp, "; wall time %.1f s", (double)wall_ms / 1000.0);
	fputs(".  Each device's report is the authority; this page only "
	    "counts what they say.</p>\n<table>\n<tr><th>device</th>"
	    "<th>address</th><th>result</th>", fp);
	for (k = 0; k < V_N; k++) {
		fputs("<th>", fp);
		xesc(fp, verdict_key[k]);
		fputs("</th>", fp);
	}
	fputs("<th>exit</th><th>duration s</th><th>peak RSS MiB</th>"
	    "<th>report</th><th>problem</th></tr>\n", fp);
	for (i = 0; i < n; i++) {
		const struct entry *e = &es[i];

		fputs("<tr><td>", fp);
		xesc(fp, e->id);
		fputs("</td><td>", fp);
		xesc(fp, e->address);
		fputs("</td><td class=\"", fp);
		xesc(fp, entry_result(e));
		fputs("\">", fp);
		xesc(fp, entry_result(e));
		fputs("</td>", fp);
		for (k = 0; k < V_N; k++)
			fprintf(fp, "<td class=\"n\">%ld</td>", e->verdicts[k]);
		if (e->exit_code >= 0)
			fprintf(fp, "<td class=\"n\">%d</td>", e->exit_code);
		else
			fputs("<td></td>", fp);
		if (e->duration_ms >= 0)
			fprintf(fp, "<td class=\"n\">%.1f</td>",
			    (double)e->duration_ms / 1000.0);
		else
			fputs("<td></td>", fp);
		if (e->maxrss_kib >= 0)
			fprintf(fp, "<td class=\"n\">%.1f</td>",
			    (double)e->maxrss_kib / 1024.0);
		else
			fputs("<td></td>", fp);
		fputs("<td>", fp);
		if (e->report != NULL) {
			fputs("<a href=\"", fp);
			xesc(fp, e->href);
			fputs("/report.html\">report.html</a>", fp);
		}
		fputs("</td><td>", fp);
		xesc(fp, e->error);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n</body></html>\n", fp);
	return 0;
}

static void
junit_case(FILE *fp, const char *suite, const char *name, const char *el,
    const char *msg)
{
	fputs("    <testcase classname=\"", fp);
	xesc(fp, suite);
	fputs("\" name=\"", fp);
	xesc(fp, name);
	if (el == NULL) {
		fputs("\"/>\n", fp);
		return;
	}
	fprintf(fp, "\">\n      <%s message=\"", el);
	xesc(fp, msg);
	fprintf(fp, "\"/>\n    </testcase>\n");
}

/*
 * One <testsuite> per device: a test case per test case of its report
 * (FAIL a failure; INCONCLUSIVE and ERROR errors; NOT APPLICABLE, NOT
 * FULFILLED and not run skipped, as the report's own junit.xml) and one
 * for its overall result, so no CI shows green for an incomplete device.
 * A directory that could not be read is one error.
 */
static int
write_junit(FILE *fp, const struct entry *es, size_t n, int code)
{
	const struct assay_jv *tcs, *c;
	const char *v, *el;
	size_t i, t;
	long fails = 0, errs = 0, skips = 0, tests = 0;
	long sf, se, ss;

	for (i = 0; i < n; i++) {
		const struct entry *e = &es[i];

		tests += e->report != NULL ? (long)assay_json_get(e->report,
		    "test_cases")->n + 1 : 1;
		fails += e->verdicts[V_FAIL] + (entry_code(e) ==
		    ASSAY_EXIT_FAIL);
		errs += e->verdicts[V_INCONCLUSIVE] + e->verdicts[V_ERROR] +
		    (entry_code(e) == ASSAY_EXIT_INCONCLUSIVE);
		skips += e->verdicts[V_NONE] + e->verdicts[V_NA] +
		    e->verdicts[V_NF] + e->verdicts[V_OTHER];
	}
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites name=\"assay fleet: %s\" tests=\"%ld\" "
	    "failures=\"%ld\" errors=\"%ld\" skipped=\"%ld\">\n",
	    code_result(code), tests, fails, errs, skips);
	for (i = 0; i < n; i++) {
		const struct entry *e = &es[i];
		int ec = entry_code(e);

		tcs = e->report != NULL ? assay_json_get(e->report,
		    "test_cases") : NULL;
		sf = e->verdicts[V_FAIL] + (ec == ASSAY_EXIT_FAIL);
		se = e->verdicts[V_INCONCLUSIVE] + e->verdicts[V_ERROR] +
		    (ec == ASSAY_EXIT_INCONCLUSIVE);
		ss = e->verdicts[V_NONE] + e->verdicts[V_NA] +
		    e->verdicts[V_NF] + e->verdicts[V_OTHER];
		fputs("  <testsuite name=\"", fp);
		xesc(fp, e->id);
		fprintf(fp, "\" tests=\"%ld\" failures=\"%ld\" errors=\"%ld\" "
		    "skipped=\"%ld\"", tcs != NULL ? (long)tcs->n + 1 : 1, sf,
		    se, ss);
		if (e->duration_ms >= 0)
			fprintf(fp, " time=\"%.3f\"",
			    (double)e->duration_ms / 1000.0);
		fputs(">\n    <properties>\n      <property name=\"address\" "
		    "value=\"", fp);
		xesc(fp, e->address);
		fputs("\"/>\n      <property name=\"report_dir\" value=\"", fp);
		xesc(fp, e->dir);
		fputs("\"/>\n    </properties>\n", fp);
		for (t = 0; tcs != NULL && t < tcs->n; t++) {
			c = &tcs->v[t];
			v = c->type == ASSAY_JSON_OBJ ? jstr(c, "verdict") :
			    NULL;
			if (v != NULL && strcmp(v, "PASS") == 0)
				el = NULL;
			else if (v != NULL && strcmp(v, "FAIL") == 0)
				el = "failure";
			else if (v != NULL && (strcmp(v, "INCONCLUSIVE") == 0 ||
			    strcmp(v, "ERROR") == 0))
				el = "error";
			else
				el = "skipped";
			junit_case(fp, e->id, c->type == ASSAY_JSON_OBJ &&
			    jstr(c, "id") != NULL ? jstr(c, "id") : "?", el,
			    c->type == ASSAY_JSON_OBJ && jstr(c, "reason") !=
			    NULL ? jstr(c, "reason") : (v != NULL ? v :
			    "no verdict"));
		}
		junit_case(fp, e->id, "overall result", ec == ASSAY_EXIT_PASS ?
		    NULL : ec == ASSAY_EXIT_FAIL ? "failure" : "error",
		    e->error[0] != '\0' ? e->error : entry_result(e));
		fputs("  </testsuite>\n", fp);
	}
	fputs("</testsuites>\n", fp);
	return 0;
}

/*
 * Writes OUT/name through a temporary file renamed into place, so a
 * reader never sees half a summary.  Returns 0 or an ASSAY_ERR_*, said
 * on stderr.
 */
static int
write_one(const char *cmd, const char *out, const char *name,
    const struct entry *es, size_t n, long long wall_ms, int code)
{
	char path[ASSAY_PATH_MAX], tmp[ASSAY_PATH_MAX];
	FILE *fp;
	int r = 0;

	if (assay_path_join(path, sizeof(path), out, name) != 0 ||
	    assay_path_fmt(tmp, sizeof(tmp), "%s.tmp", path) != 0) {
		fprintf(stderr, "assay %s: %s/%s: path too long\n", cmd, out,
		    name);
		return ASSAY_ERR_INVALID_ARG;
	}
	if ((fp = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "assay %s: %s: %s\n", cmd, tmp,
		    strerror(errno));
		return ASSAY_ERR_IO;
	}
	if (strcmp(name, "fleet.json") == 0)
		write_json(fp, es, n, wall_ms, code);
	else if (strcmp(name, "fleet.html") == 0)
		write_html(fp, es, n, wall_ms, code);
	else
		write_junit(fp, es, n, code);
	if (ferror(fp) | fclose(fp)) {
		fprintf(stderr, "assay %s: %s: could not write: %s\n", cmd,
		    tmp, strerror(errno));
		unlink(tmp);
		return ASSAY_ERR_IO;
	}
	if (rename(tmp, path) != 0) {
		fprintf(stderr, "assay %s: %s: %s\n", cmd, path,
		    strerror(errno));
		unlink(tmp);
		r = ASSAY_ERR_IO;
	}
	return r;
}

/*
 * The three summary files and a line per device on stdout (unless
 * quiet).  Returns the fleet's exit code; 3 at least when a file could
 * not be written.
 */
static int
write_summary(const char *cmd, const char *out, struct entry *es, size_t n,
    long long wall_ms, int quiet)
{
	static const char *const files[] = { "fleet.json", "fleet.html",
	    "fleet.junit.xml" };
	int code = fleet_code(es, n), bad = 0;
	size_t i;

	for (i = 0; i < 3; i++)
		bad |= write_one(cmd, out, files[i], es, n, wall_ms, code) != 0;
	if (!quiet) {
		for (i = 0; i < n; i++) {
			/* Names and results from a directory: escaped. */
			assay_term_fputs(es[i].id, stdout);
			fputs("  ", stdout);
			assay_term_fputs(entry_result(&es[i]), stdout);
			printf("  pass %ld fail %ld inconclusive %ld "
			    "error %ld",
			    es[i].verdicts[V_PASS], es[i].verdicts[V_FAIL],
			    es[i].verdicts[V_INCONCLUSIVE],
			    es[i].verdicts[V_ERROR]);
			if (es[i].error[0] != '\0') {
				fputs("  (", stdout);
				assay_term_fputs(es[i].error, stdout);
				fputs(")", stdout);
			}
			fputc('\n', stdout);
		}
		printf("fleet: %s, %zu device%s (exit %d)\n", code_result(code),
		    n, n == 1 ? "" : "s", code);
		if (!bad)
			printf("summary: %s/fleet.json, %s/fleet.html, "
			    "%s/fleet.junit.xml\n", out, out, out);
	}
	if (bad) {
		fprintf(stderr, "assay %s: the fleet summary in %s is not "
		    "complete on disk: exit 3 at least\n", cmd, out);
		if (code == ASSAY_EXIT_PASS)
			code = ASSAY_EXIT_INCONCLUSIVE;
	}
	return code;
}

static void
free_entries(struct entry *es, size_t n)
{
	size_t i, k;

	for (i = 0; es != NULL && i < n; i++) {
		assay_json_free(es[i].report);
		for (k = 0; es[i].argv != NULL && es[i].argv[k] != NULL; k++)
			free(es[i].argv[k]);
		free(es[i].argv);
	}
	free(es);
}

static void
init_entry(struct entry *e)
{
	memset(e, 0, sizeof(*e));
	e->exit_code = -1;
	e->duration_ms = -1;
	e->maxrss_kib = -1;
}

/* --- fleet run ---------------------------------------------------------- */

/*
 * The argument vector of one device's run, NULL-terminated, every string
 * the caller's; NULL: no memory.  fresh: leave out --resume.
 */
static char **
make_argv(const char *const *pass, size_t npass, int fresh, const char *ics,
    const char *ixit, const char *setup, const char *out)
{
	const char *tail[] = { "--ics", ics, "--ixit", ixit, "--setup", setup,
	    "--out", out, "--color", "never" };
	size_t ntail = sizeof(tail) / sizeof(tail[0]), i, k = 0;
	char **v;

	if ((v = calloc(npass + ntail + 3, sizeof(*v))) == NULL)
		return NULL;
	if ((v[k++] = strdup("assay")) == NULL ||
	    (v[k++] = strdup("run")) == NULL)
		goto bad;
	for (i = 0; i < npass; i++) {
		/* --resume for a device that never started: start it. */
		if (fresh && strcmp(pass[i], "--resume") == 0)
			continue;
		if ((v[k++] = strdup(pass[i])) == NULL)
			goto bad;
	}
	for (i = 0; i < ntail; i++)
		if ((v[k++] = strdup(tail[i])) == NULL)
			goto bad;
	return v;
 bad:
	for (i = 0; i < k; i++)
		free(v[i]);
	free(v);
	return NULL;
}

/*
 * The child: its network namespace (when named), its log as stdout and
 * stderr, then exactly `assay run` on its device.  Never returns.
 */
static void
start_child(const struct entry *e, const char *netns, const char *log)
{
	char path[ASSAY_PATH_MAX];
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* A resumed run's log goes on after the interrupted one's. */
	if ((fd = open(log, O_WRONLY | O_CREAT | O_CLOEXEC | (e->resume ?
	    O_APPEND : O_TRUNC), 0644)) >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		dup2(fd, STDIN_FILENO);
	if (netns != NULL) {
		snprintf(path, sizeof(path), "/run/netns/%s", netns);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
		    setns(fd, CLONE_NEWNET) != 0) {
			fprintf(stderr, "assay run: device %s: cannot enter "
			    "network namespace %s: %s\n", e->id, netns,
			    strerror(errno));
			_exit(ASSAY_EXIT_INCONCLUSIVE);
		}
	}
	execv("/proc/self/exe", e->argv);
	fprintf(stderr, "assay run: device %s: cannot run assay: %s\n", e->id,
	    strerror(errno));
	_exit(ASSAY_EXIT_INCONCLUSIVE);
}

/*
 * The default of --parallel: 4 devices per core, at most 64.  A device's
 * run mostly waits on the network (a whole-catalogue run: 443 s of wall
 * time, 7 s of CPU, docs/fleet.md), so one per core leaves the machine
 * idle; the cap bounds memory (about 100 MiB per run under ASan).
 */
static int
default_parallel(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 4 : n > 16 ? 64 : (int)n * 4;
}

/*
 * OUT/<id> as the device's run will find it: without --resume it must be
 * absent or empty (a run never writes over another); with --resume, a
 * directory without run.info is a device that never started, and starts
 * afresh (e->resume 0).  Returns 0, or -1 with the problem said.
 */
static int
report_dir_ok(const struct assay_cli_fleet_opts *o,
    const struct assay_fleet *fl, size_t i, struct entry *e)
{
	char info[ASSAY_PATH_MAX];
	struct stat st;
	int empty;

	e->resume = 0;
	if (stat(e->dir, &st) != 0)
		return 0;
	empty = S_ISDIR(st.st_mode) && assay_dir_empty(e->dir);
	if (o->resume && assay_path_join(info, sizeof(info), e->dir,
	    "run.info") == 0 && access(info, F_OK) == 0) {
		e->resume = 1;
		return 0;
	}
	if (empty)
		return 0;
	fprintf(stderr, "assay run: %s:%ld: device %s: %s exists and %s\n",
	    o->fleet_path, assay_fleet_line(fl, i), e->id, e->dir,
	    o->resume ? "holds no run to resume" : "is not empty (--resume "
	    "finishes an interrupted fleet run; or another --out)");
	return -1;
}

/*
 * Checks every device before anything runs: its forms (the same loader
 * as `assay run`), its network namespace, that its report directory name
 * fits.  Each problem is said with the device's id and its line.
 * Returns 0 or ASSAY_EXIT_USAGE.
 */
static int
check_devices(const struct assay_cli_fleet_opts *o,
    const struct assay_fleet *fl, struct entry *es, const char *datadir)
{
	struct assay_forms *forms = NULL;
	struct assay_diag *d;
	char path[ASSAY_PATH_MAX];
	const char *ns;
	size_t i, n = assay_fleet_count(fl);
	int bad = 0;

	for (i = 0; i < n; i++) {
		struct entry *e = &es[i];

		init_entry(e);
		snprintf(e->id, sizeof(e->id), "%s", assay_fleet_id(fl, i));
		if (assay_path_join(e->dir, sizeof(e->dir), o->out_dir,
		    e->id) != 0) {
			fprintf(stderr, "assay run: %s:%ld: device %s: report "
			    "directory path too long\n", o->fleet_path,
			    assay_fleet_line(fl, i), e->id);
			bad = 1;
			continue;
		}
		snprintf(e->href, sizeof(e->href), "%s", e->id);
		if ((d = assay_diag_new()) == NULL)
			return ASSAY_EXIT_USAGE;
		if (assay_forms_load(datadir, assay_fleet_ics(fl, i),
		    assay_fleet_ixit(fl, i), assay_fleet_setup(fl, i), &forms,
		    d) != 0) {
			fprintf(stderr, "assay run: %s:%ld: device %s: its "
			    "forms are not usable:\n", o->fleet_path,
			    assay_fleet_line(fl, i), e->id);
			assay_diag_print(d, stderr);
			bad = 1;
		} else if (assay_forms_naddresses(forms) > 0)
			/* Warnings go to the device's own log, from its run. */
			snprintf(e->address, sizeof(e->address), "%s",
			    assay_forms_address(forms, 0));
		assay_forms_free(forms);
		forms = NULL;
		assay_diag_free(d);
		if ((ns = assay_fleet_netns(fl, i)) != NULL) {
			snprintf(path, sizeof(path), "/run/netns/%s", ns);
			if (access(path, R_OK) != 0) {
				fprintf(stderr, "assay run: %s:%ld: device %s: "
				    "network namespace %s: %s (create it with "
				    "ip netns add)\n", o->fleet_path,
				    assay_fleet_line(fl, i), e->id, ns,
				    strerror(errno));
				bad = 1;
			}
		}
		if (report_dir_ok(o, fl, i, e) != 0)
			bad = 1;
		if ((e->argv = make_argv(o->pass, o->npass, !e->resume,
		    assay_fleet_ics(fl, i), assay_fleet_ixit(fl, i),
		    assay_fleet_setup(fl, i), e->dir)) == NULL)
			return ASSAY_EXIT_USAGE;
	}
	return bad ? ASSAY_EXIT_USAGE : 0;
}

static int
mkdir_ok(const char *path)
{
	struct stat st;

	if (mkdir(path, 0755) == 0 || (errno == EEXIST && stat(path,
	    &st) == 0 && S_ISDIR(st.st_mode)))
		return 0;
	return -1;
}

int
assay_cli_fleet_run(const struct assay_cli_fleet_opts *o)
{
	struct assay_fleet *fl = NULL;
	struct assay_diag *d = NULL;
	struct entry *es = NULL;
	struct sigaction sa, old_int, old_term;
	struct rusage ru;
	char logs[ASSAY_PATH_MAX], log[ASSAY_PATH_MAX];
	const char *datadir;
	long long t0;
	size_t n = 0, next = 0, i;
	int running = 0, forwarded = 0, parallel, st, code = ASSAY_EXIT_USAGE;
	pid_t pid;

	if ((d = assay_diag_new()) == NULL)
		return ASSAY_EXIT_USAGE;
	if ((datadir = assay_datadir()) == NULL) {
		fprintf(stderr, "assay run: %s (set ASSAY_DATADIR)\n",
		    assay_strerror(ASSAY_ERR_DATADIR));
		goto out;
	}
	if (assay_fleet_load(datadir, o->fleet_path, &fl, d) != 0) {
		assay_diag_print(d, stderr);
		fprintf(stderr, "assay run: nothing was run\n");
		goto out;
	}
	n = assay_fleet_count(fl);
	if ((es = calloc(n, sizeof(*es))) == NULL)
		goto out;
	if (check_devices(o, fl, es, datadir) != 0) {
		fprintf(stderr, "assay run: nothing was run (every device is "
		    "checked before any starts)\n");
		goto out;
	}
	if (mkdir_ok(o->out_dir) != 0 ||
	    assay_path_join(logs, sizeof(logs), o->out_dir, "logs") != 0 ||
	    mkdir_ok(logs) != 0) {
		fprintf(stderr, "assay run: %s: cannot create: %s; nothing "
		    "was run\n", o->out_dir, strerror(errno));
		goto out;
	}
	parallel = o->parallel > 0 ? o->parallel : default_parallel();
	if (!o->quiet)
		fprintf(stderr, "assay run: %zu device%s, at most %d at once; "
		    "each device's output in %s/<id>.log\n", n, n == 1 ? "" :
		    "s", parallel, logs);
	fleet_stop = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fleet_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);	/* no SA_RESTART: wait4 returns */
	sigaction(SIGTERM, &sa, &old_term);
	t0 = assay_clock_ms();
	for (;;) {
		while (!fleet_stop && running < parallel && next < n) {
			struct entry *e = &es[next];

			if (assay_path_fmt(log, sizeof(log), "%s/%s.log", logs,
			    e->id) != 0)
				log[0] = '\0';
			fflush(NULL);
			if ((pid = fork()) < 0) {
				snprintf(e->error, sizeof(e->error), "not "
				    "started: fork: %s", strerror(errno));
				e->state = 2;
				next++;
				continue;
			}
			if (pid == 0)
				start_child(e, assay_fleet_netns(fl, next),
				    log[0] != '\0' ? log : "/dev/null");
			e->pid = pid;
			e->state = 1;
			e->started_ms = assay_clock_ms();
			running++;
			next++;
			if (!o->quiet)
				fprintf(stderr, "assay run: %s: started\n",
				    e->id);
		}
		if (running == 0)
			break;
		if (fleet_stop && !forwarded) {
			/* Each device writes its report of what is done. */
			for (i = 0; i < n; i++)
				if (es[i].state == 1)
					kill(es[i].pid, SIGTERM);
			forwarded = 1;
		}
		if ((pid = wait4(-1, &st, 0, &ru)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n && !(es[i].state == 1 && es[i].pid == pid);
		    i++)
			;
		if (i == n)
			continue;
		running--;
		es[i].state = 2;
		es[i].duration_ms = assay_clock_ms() - es[i].started_ms;
		es[i].maxrss_kib = ru.ru_maxrss;
		if (WIFEXITED(st))
			es[i].exit_code = WEXITSTATUS(st);
		else {
			es[i].signal = WIFSIGNALED(st) ? WTERMSIG(st) : -1;
			es[i].exit_code = 128 + (es[i].signal > 0 ?
			    es[i].signal : 0);
		}
		if (!o->quiet)
			fprintf(stderr, "assay run: %s: finished, exit %d "
			    "(%.1f s)\n", es[i].id, es[i].exit_code,
			    (double)es[i].duration_ms / 1000.0);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	for (i = 0; i < n; i++) {
		if (es[i].state == 0) {
			snprintf(es[i].error, sizeof(es[i].error), "not run: "
			    "the fleet run was interrupted first");
			continue;
		}
		if (es[i].error[0] != '\0' && es[i].exit_code < 0)
			continue;	/* never started */
		read_entry("run", &es[i], 0);
		if (es[i].signal != 0)
			/* What the directory holds is not the run's end. */
			snprintf(es[i].error, sizeof(es[i].error), "the run was "
			    "killed by signal %d", es[i].signal);
		else if (es[i].exit_code == ASSAY_EXIT_USAGE &&
		    es[i].error[0] == '\0')
			snprintf(es[i].error, sizeof(es[i].error), "its run "
			    "exited 2 (see logs/%s.log)", es[i].id);
	}
	code = write_summary("run", o->out_dir, es, n, assay_clock_ms() - t0,
	    o->quiet);
	/* A usage error of one device at run time is not the fleet's. */
	if (code == ASSAY_EXIT_USAGE)
		code = ASSAY_EXIT_INCONCLUSIVE;
 out:
	free_entries(es, n);
	assay_fleet_free(fl);
	assay_diag_free(d);
	return code;
}

/* --- summarize ---------------------------------------------------------- */

int
assay_cli_summarize(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out",	required_argument,	NULL, 'o' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "format",	required_argument,	NULL, 'F' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = ".", *base;
	char real[PATH_MAX], path[ASSAY_PATH_MAX];
	struct entry *es = NULL;
	size_t n, i, k;
	int c, quiet = 0, json = 0, code;

	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'F':
			if ((code = assay_cli_parse_format("summarize", optarg,
			    &json)) != 0)
				return code;
			break;
		case 'h':
			printf("usage: assay summarize DIR... [--out D] "
			    "[--format text|json]\n"
			    "\n"
			    "Merges finished report directories (from `assay run`, "
			    "one per device,\n"
			    "e.g. artefacts of CI jobs) into a fleet summary in D "
			    "(default .):\n"
			    "D/fleet.json, D/fleet.html and D/fleet.junit.xml, as "
			    "`assay run --fleet`\n"
			    "writes.  Each DIR's report.json is read (capped, "
			    "strictly) and every\n"
			    "report file a run writes must be there; a DIR that "
			    "is missing or\n"
			    "unreadable is named with why and listed as an error, "
			    "and the others\n"
			    "are summarised all the same.  A device's id is its "
			    "directory's name.\n"
			    "\n"
			    "  --out D          where the summary goes (created "
			    "if missing)\n"
			    "  -q, --quiet      no line per device\n"
			    "  --format json    print fleet.json on stdout\n"
			    "\n"
			    "Exit: 0 every device complete and PASS; 1 any "
			    "device with a FAIL;\n"
			    "3 otherwise (a device incomplete, INCONCLUSIVE, "
			    "ERROR or pending, or a\n"
			    "DIR unreadable); 2 usage error.\n");
			return 0;
		default:
			return assay_cli_bad_option("summarize", argv);
		}
	}
	if (optind >= argc)
		return assay_cli_usage_error("summarize", "need at least one "
		    "report directory");
	n = (size_t)(argc - optind);
	if ((es = calloc(n, sizeof(*es))) == NULL)
		return ASSAY_EXIT_USAGE;
	if (mkdir_ok(out) != 0) {
		fprintf(stderr, "assay summarize: %s: cannot create: %s\n",
		    out, strerror(errno));
		free(es);
		return ASSAY_EXIT_USAGE;
	}
	for (i = 0; i < n; i++) {
		struct entry *e = &es[i];
		const char *dir = argv[optind + (int)i];
		size_t len = strlen(dir);

		init_entry(e);
		snprintf(path, sizeof(path), "%s", dir);
		while (len > 1 && path[len - 1] == '/')
			path[--len] = '\0';
		base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 :
		    path;
		snprintf(e->id, sizeof(e->id), "%s", base);
		for (k = 0; k < i; k++)
			if (strcmp(es[k].id, e->id) == 0) {
				/* Two DIRs of one name: the path tells them apart. */
				snprintf(e->id, sizeof(e->id), "%s", path);
				break;
			}
		snprintf(e->dir, sizeof(e->dir), "%s", dir);
		snprintf(e->href, sizeof(e->href), "%s",
		    realpath(dir, real) != NULL ? real : dir);
		read_entry("summarize", e, 1);
	}
	code = write_summary("summarize", out, es, n, -1, quiet || json);
	if (json && assay_path_join(path, sizeof(path), out,
	    "fleet.json") == 0)
		(void)assay_cli_cat_file(path);
	free_entries(es, n);
	return code;
}
