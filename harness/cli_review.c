/*
 * cli_review.c - `assay review`: the assessor's worksheet, and recording
 * it into a run (docs/review.md).
 *
 *	assay review DIR [--out FILE] [--all]
 *	assay review DIR --apply FILE --assessor NAME
 *	assay review DIR --interactive --assessor NAME [--all]
 *
 * Listing and recording both rebuild the run model from the directory
 * (engine option report_only); nothing touches the device.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/error.h"
#include "base/file.h"
#include "base/term.h"
#include "cli.h"
#include "report/report.h"
#include "report/worksheet.h"
#include "run/catalogue.h"
#include "run/engine.h"
#include "run/evidence.h"
#include "run/review.h"

#define ANSWER_MAX	4096

struct review_state {
	struct assay_report_meta meta;	/* report details given with --apply */
	const char	*dir;
	const char	*out;		/* worksheet to write */
	int		 all;
	int		 quiet;
	int		 interactive;
	const char	*assessor;
	const char	*catalogue;	/* --catalogue: the run's own, if not ours */
	size_t		 nlisted;
	int		 written;	/* reports or worksheet on disk */
};

void
assay_cli_print_pending(const struct assay_run *run, const char *dir, FILE *fp)
{
	char esc[ASSAY_TERM_ESC_MAX];

	if (run->units_pending == 0 && run->units_text == 0)
		return;
	fprintf(fp, "%zu unit%s still need%s a person (%zu waiting for a "
	    "judgement or observation, %zu decided from free text); review "
	    "them with: assay review %s\n", run->units_pending +
	    run->units_text, run->units_pending + run->units_text == 1 ? "" :
	    "s", run->units_pending + run->units_text == 1 ? "s" : "",
	    run->units_pending, run->units_text,
	    assay_term_esc(esc, sizeof(esc), dir));
}

/* The run id recorded in DIR/run.info, into buf; "" when unknown. */
static void
run_id_of(const char *dir, char *buf, size_t len)
{
	struct assay_buf *b = NULL;
	char path[ASSAY_PATH_MAX], *text, *keys[32], *values[32];
	size_t n = 0, i;

	buf[0] = '\0';
	if (assay_path_join(path, sizeof(path), dir, "run.info") != 0 ||
	    assay_file_read(path, 1024 * 1024, &b) != 0)
		return;
	if ((text = strndup(assay_buf_data(b), assay_buf_len(b))) != NULL &&
	    assay_evidence_parse_info(text, keys, values, 32, &n) == 0)
		for (i = 0; i < n; i++)
			if (strcmp(keys[i], "run_id") == 0)
				snprintf(buf, len, "%s", values[i]);
	for (i = 0; i < n; i++) {
		free(keys[i]);
		free(values[i]);
	}
	free(text);
	assay_buf_free(b);
}

/* finish: the reports, rewritten with the judgements. */
static int
finish_reports(const struct assay_run *run, const struct assay_engine_opts *o,
    struct assay_diag *d, void *arg)
{
	struct review_state *st = arg;
	int r;

	if ((r = assay_report_write_all(run, o->out_dir, d)) != 0)
		return r;
	st->written = 1;
	if (!st->quiet) {
		assay_report_print_summary(run, stdout);
		assay_cli_print_pending(run, o->out_dir, stdout);
		printf("report: %s/report.html (also report.json, report.xml, report.sarif, "
		    "junit.xml)\n", o->out_dir);
	}
	return 0;
}

/* finish: the worksheet, written atomically to st->out. */
static int
finish_worksheet(const struct assay_run *run, const struct assay_engine_opts *o,
    struct assay_diag *d, void *arg)
{
	struct review_state *st = arg;
	struct assay_file_atomic *a = NULL;
	int r;

	(void)o;
	if ((r = assay_file_atomic_open(st->out, 0644, &a)) != 0) {
		assay_diag_add(d, st->out, 0, "cannot write: %s",
		    assay_strerror(r));
		return r;
	}
	if ((r = assay_worksheet_write(run, st->all,
	    assay_file_atomic_stream(a), &st->nlisted)) != 0) {
		assay_file_atomic_abort(a);
		assay_diag_add(d, st->out, 0, "cannot write: %s",
		    assay_strerror(r));
		return r;
	}
	if ((r = assay_file_atomic_commit(a)) != 0) {
		assay_diag_add(d, st->out, 0, "cannot write: %s",
		    assay_strerror(r));
		return r;
	}
	st->written = 1;
	return 0;
}

/* --- interactive ----------------------------------------------------------- */

/* One line from stdin, trimmed; NULL at end of input. */
static char *
ask(const char *prompt, char *buf, size_t len)
{
	size_t n;

	fputs(prompt, stdout);
	fflush(stdout);
	if (fgets(buf, (int)len, stdin) == NULL)
		return NULL;
	n = strlen(buf);
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return buf + strspn(buf, " \t");
}

static void
show(const char *label, const char *text)
{
	char esc[ASSAY_TERM_ESC_MAX];

	if (text != NULL && *text != '\0')
		printf("  %-12s %s\n", label, assay_term_esc(esc, sizeof(esc),
		    text));
}

/*
 * Asks the assessor about each unit the worksheet would list and writes
 * the answers as a worksheet to st->out (the record).  Returns 0 or an
 * ASSAY_ERR_* code.
 */
static int
finish_interactive(const struct assay_run *run,
    const struct assay_engine_opts *o, struct assay_diag *d, void *arg)
{
	struct review_state *st = arg;
	struct assay_file_atomic *a = NULL;
	xmlTextWriterPtr w = NULL;
	char buf[ANSWER_MAX], rationale[ANSWER_MAX], vs[32];
	size_t i, k, nt = assay_catalogue_count(run->catalogue), total = 0, pos = 0;
	int r, quit = 0;

	(void)o;
	for (i = 0; i < nt; i++)
		for (k = 0; run->selected[i] && k < run->results[i].nunits; k++)
			total += assay_worksheet_lists(&run->results[i].units[k],
			    st->all) ? 1 : 0;
	if ((r = assay_file_atomic_open(st->out, 0644, &a)) != 0 ||
	    (w = assay_report_xml_writer(assay_file_atomic_stream(a))) == NULL) {
		if (a != NULL)
			assay_file_atomic_abort(a);
		assay_diag_add(d, st->out, 0, "cannot write: %s",
		    assay_strerror(r ? r : ASSAY_ERR_ALLOC));
		return r ? r : ASSAY_ERR_ALLOC;
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	xmlTextWriterStartElement(w, BAD_CAST "worksheet");
	xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns",
	    BAD_CAST ASSAY_WORKSHEET_NS);
	xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST "1");
	xmlTextWriterWriteAttribute(w, BAD_CAST "run", BAD_CAST run->report_id);
	printf("%zu unit%s to review; answer p(ass), f(ail), i(nconclusive), "
	    "s(kip) or q(uit)\n", total, total == 1 ? "" : "s");
	for (i = 0; i < nt && !quit; i++) {
		const struct assay_result *res = &run->results[i];
		const char *id = assay_catalogue_id(run->catalogue, i);

		for (k = 0; run->selected[i] && k < res->nunits && !quit; k++) {
			const struct assay_unit_result *u = &res->units[k];
			const struct assay_unit_decl *decl;
			char *ans, *m;

			if (!assay_worksheet_lists(u, st->all))
				continue;
			decl = assay_catalogue_unit(run->catalogue, i, u->unit);
			printf("\n[%zu/%zu] %s unit %s (%s)\n", ++pos, total, id,
			    u->unit, assay_worksheet_kind(u));
			show("criterion", decl ? decl->criterion :
			    assay_catalogue_purpose(run->catalogue, i));
			show("rule", decl ? decl->rule : NULL);
			if (decl != NULL && decl->observation != NULL) {
				show("observe", decl->observe);
				show("name", decl->observation);
			}
			m = assay_mask_apply(&run->mask, u->by ==
			    ASSAY_BY_ASSESSOR ? u->tool_reason : u->reason);
			show("Assay", m);
			free(m);
			show("verdict", assay_verdict_name(u->by ==
			    ASSAY_BY_ASSESSOR ? u->tool_verdict : u->verdict));
			if (res->nevidence > 0)
				show("evidence", res->evidence[0]);
			for (;;) {
				if ((ans = ask("  your verdict [p/f/i/s/q]: ", buf,
				    sizeof(buf))) == NULL || *ans == 'q') {
					quit = 1;
					break;
				}
				if (*ans == 's' || *ans == 'p' || *ans == 'f' ||
				    *ans == 'i')
					break;
			}
			if (quit || *ans == 's')
				continue;
			snprintf(vs, sizeof(vs), "%s", *ans == 'p' ? "PASS" :
			    *ans == 'f' ? "FAIL" : "INCONCLUSIVE");
			do {
				if ((ans = ask("  rationale (required): ",
				    rationale, sizeof(rationale))) == NULL) {
					quit = 1;
					break;
				}
			} while (*ans == '\0');
			if (quit)
				break;
			xmlTextWriterStartElement(w, BAD_CAST "unit");
			xmlTextWriterWriteAttribute(w, BAD_CAST "test-case",
			    BAD_CAST id);
			xmlTextWriterWriteAttribute(w, BAD_CAST "unit",
			    BAD_CAST u->unit);
			xmlTextWriterWriteElement(w, BAD_CAST "verdict",
			    BAD_CAST vs);
			if ((m = assay_report_xml_text(&run->mask, ans)) != NULL)
				xmlTextWriterWriteElement(w,
				    BAD_CAST "rationale", BAD_CAST m);
			free(m);
			while ((ans = ask("  attach a file (path, empty when "
			    "done): ", buf, sizeof(buf))) != NULL && *ans) {
				if (access(ans, R_OK) != 0) {
					printf("  cannot read %s: %s\n", ans,
					    strerror(errno));
					continue;
				}
				if ((m = assay_report_xml_text(&run->mask, ans)) == NULL)
					continue;
				xmlTextWriterStartElement(w, BAD_CAST "attach");
				xmlTextWriterWriteAttribute(w, BAD_CAST "file",
				    BAD_CAST m);
				xmlTextWriterEndElement(w);
				free(m);
			}
			xmlTextWriterEndElement(w);
		}
	}
	xmlTextWriterEndElement(w);
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	if ((r = assay_file_atomic_commit(a)) != 0) {
		assay_diag_add(d, st->out, 0, "cannot write: %s",
		    assay_strerror(r));
		return r;
	}
	st->written = 1;
	return 0;
}

/* --- the command ----------------------------------------------------------- */

static int
review_usage(FILE *fp)
{
	fputs("usage: assay review DIR [--out FILE] [--all]\n"
	    "       assay review DIR --apply FILE --assessor NAME\n"
	    "       assay review DIR --interactive --assessor NAME [--all]\n"
	    "\n"
	    "The assessor's part of an assessment (docs/review.md).  Without\n"
	    "--apply, writes a worksheet (reports/worksheet.xsd) listing every\n"
	    "unit of run DIR still waiting for a person (REVIEW_PENDING,\n"
	    "MANUAL_STEP_PENDING), decided from free text, or left unrecorded,\n"
	    "each with what to judge, the IXIT text and the evidence to judge it\n"
	    "by.  Fill in verdict, rationale and attachments, then record it with\n"
	    "--apply: the judgements go into DIR/review/ (attachments copied and\n"
	    "hashed) and the reports are rewritten, each judged unit naming its\n"
	    "assessor.  Any unit may be judged, also to overrule Assay (the\n"
	    "report then shows both verdicts).\n"
	    "\n"
	    "  --out FILE       the worksheet to write (default DIR.worksheet.xml;\n"
	    "                   an existing file is never overwritten)\n"
	    "  --all            list every unit, not only those needing a person\n"
	    "  --apply FILE     record a filled worksheet and rewrite the reports\n"
	    "  --assessor NAME  who judged (required with --apply, --interactive)\n"
	    "  --interactive    one unit at a time on this terminal; the answers are\n"
	    "                   written as a worksheet (--out) and recorded\n"
	    "  --quiet          no summary\n"
	    "  --catalogue DIR  the test-case catalogue the run used, when it was\n"
	    "                   not the installed one (assay run --catalogue)\n"
	    "\n"
	    "With --apply or --interactive, the report details may be completed\n"
	    "(a draft becomes a report that can be signed):\n"
	    META_HELP
	    "\n"
	    "Exit: 0 worksheet written (or, after --apply, the run's result is\n"
	    "PASS), 1 FAIL, 2 usage or worksheet error (nothing recorded), 3 not\n"
	    "complete, pending or INCONCLUSIVE.  A signed report is not changed:\n"
	    "issue a new revision with assay amend.\n", fp);
	return fp == stdout ? 0 : ASSAY_EXIT_USAGE;
}

static int	usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "assay review: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'assay review --help'.\n");
	return ASSAY_EXIT_USAGE;
}

/* Rebuilds the run model of dir and hands it to finish. */
static enum assay_run_status
rebuild(struct review_state *st, int (*finish)(const struct assay_run *,
    const struct assay_engine_opts *, struct assay_diag *, void *),
    struct assay_diag *d)
{
	struct assay_engine_opts o;

	memset(&o, 0, sizeof(o));
	o.out_dir = st->dir;
	o.catalogue_dir = st->catalogue;
	o.report_only = 1;
	o.quiet = 1;
	o.meta = st->meta;
	o.finish = finish;
	o.finish_arg = st;
	return assay_engine_run(&o, d);
}

static int	review(struct review_state *, const char *, int, char **);

int
assay_cli_review(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out",		required_argument,	NULL, 'o' },
		{ "all",		no_argument,		NULL, 'a' },
		{ "apply",		required_argument,	NULL, 'A' },
		{ "interactive",	no_argument,		NULL, 'i' },
		{ "quiet",		no_argument,		NULL, 'q' },
		{ "catalogue",		required_argument,	NULL, 'c' },
		{ "help",		no_argument,		NULL, 'h' },
		META_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct review_state st;
	const char *apply = NULL;
	char *cfg[ASSAY_CLI_LAB_KEYS] = { NULL };
	size_t k;
	int c, code;

	memset(&st, 0, sizeof(st));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': st.out = optarg; break;
		case 'a': st.all = 1; break;
		case 'A': apply = optarg; break;
		case 'i': st.interactive = 1; break;
		case 'q': st.quiet = 1; break;
		case 'c': st.catalogue = optarg; break;
		case 'h': return review_usage(stdout);
		case '?': case ':':
			code = usage("unknown option or missing value: %s",
			    argv[optind - 1]);
			goto out;
		default:
			/* --assessor is who judged, and the report's assessor. */
			if (c == 1006)
				st.assessor = optarg;
			if ((code = assay_cli_meta_option("review", c, optarg,
			    &st.meta, cfg)) != 0) {
				if (code == 1)
					code = usage("unknown option: %s",
					    argv[optind - 1]);
				goto out;
			}
		}
	}
	code = review(&st, apply, argc, argv);
 out:
	for (k = 0; k < ASSAY_CLI_LAB_KEYS; k++)
		free(cfg[k]);
	return code;
}

/* The command after its options. */
static int
review(struct review_state *stp, const char *apply, int argc, char **argv)
{
	struct review_state st = *stp;
	struct assay_diag *d = NULL;
	enum assay_run_status status;
	char path[ASSAY_PATH_MAX], defout[ASSAY_PATH_MAX], run_id[128];
	char esc[ASSAY_TERM_ESC_MAX];
	size_t n = 0, len;
	int code;

	if (optind + 1 != argc)
		return usage("%s", "expected one run directory");
	st.dir = argv[optind];
	len = strlen(st.dir);
	while (len > 1 && st.dir[len - 1] == '/')
		len--;
	if (apply != NULL && st.interactive)
		return usage("%s", "give --apply or --interactive, not both");
	if ((apply != NULL || st.interactive) && (st.assessor == NULL ||
	    st.assessor[strspn(st.assessor, " \t")] == '\0'))
		return usage("%s", "a judgement needs the name of the assessor "
		    "who made it: --assessor NAME");
	if (assay_path_join(path, sizeof(path), st.dir, "run.info") != 0 ||
	    access(path, R_OK) != 0)
		return usage("%s: not a run directory of Assay (no run.info)",
		    assay_term_esc(esc, sizeof(esc), st.dir));
	if ((apply != NULL || st.interactive) &&
	    assay_path_join(path, sizeof(path), st.dir, "report.p7s") == 0 &&
	    access(path, F_OK) == 0)
		return usage("%s is signed: judgements would change a signed "
		    "report; issue a new revision with assay amend (see assay "
		    "amend --help)", assay_term_esc(esc, sizeof(esc), st.dir));
	if (st.interactive && !isatty(STDIN_FILENO))
		return usage("%s", "--interactive needs a terminal; fill the "
		    "worksheet file and use --apply");
	if (st.out == NULL && apply == NULL) {
		if (snprintf(defout, sizeof(defout), "%.*s.%s", (int)len,
		    st.dir, st.interactive ? "answers.xml" : "worksheet.xml") >=
		    (int)sizeof(defout))
			return usage("%s", "run directory path too long");
		st.out = defout;
	}
	if (st.out != NULL && access(st.out, F_OK) == 0)
		return usage("%s exists: it may hold judgements not yet "
		    "recorded; give another --out or remove it",
		    assay_term_esc(esc, sizeof(esc), st.out));
	if ((d = assay_diag_new()) == NULL)
		return ASSAY_EXIT_INCONCLUSIVE;

	if (apply == NULL && !st.interactive) {
		status = rebuild(&st, finish_worksheet, d);
		/* The forms' warnings were shown when the run started. */
		if (assay_diag_nerrors(d) > 0)
			assay_diag_print(d, stderr);
		assay_diag_free(d);
		if (!st.written)
			return status == ASSAY_RUN_NOT_RUN ? ASSAY_EXIT_USAGE :
			    ASSAY_EXIT_INCONCLUSIVE;
		if (!st.quiet)
			printf("%zu unit%s to review: %s\nfill in <verdict> and "
			    "<rationale>, then: assay review %s --apply %s "
			    "--assessor NAME\n", st.nlisted, st.nlisted == 1 ?
			    "" : "s", st.out, st.dir, st.out);
		return 0;
	}
	if (st.interactive) {
		status = rebuild(&st, finish_interactive, d);
		if (!st.written) {
			assay_diag_print(d, stderr);
			assay_diag_free(d);
			return status == ASSAY_RUN_NOT_RUN ? ASSAY_EXIT_USAGE :
			    ASSAY_EXIT_INCONCLUSIVE;
		}
		apply = st.out;
		printf("answers written to %s\n", st.out);
	}

	run_id_of(st.dir, run_id, sizeof(run_id));
	if (assay_review_record(st.dir, apply, st.assessor, run_id[0] ? run_id :
	    NULL, NULL, &n, d) != 0) {
		assay_diag_print(d, stderr);
		fprintf(stderr, "assay review: nothing recorded\n");
		assay_diag_free(d);
		return ASSAY_EXIT_USAGE;
	}
	if (!st.quiet)
		printf("recorded %zu judgement%s by %s\n", n, n == 1 ? "" : "s",
		    assay_term_esc(esc, sizeof(esc), st.assessor));
	st.written = 0;
	status = rebuild(&st, finish_reports, d);
	if (assay_diag_nerrors(d) > 0)
		assay_diag_print(d, stderr);
	assay_diag_free(d);
	code = assay_cli_exit_code(status);
	if (!st.written) {
		fprintf(stderr, "assay review: the judgements are recorded, but "
		    "the reports in %s were not rewritten (see above)\n",
		    assay_term_esc(esc, sizeof(esc), st.dir));
		return code == ASSAY_EXIT_USAGE ? ASSAY_EXIT_USAGE :
		    ASSAY_EXIT_INCONCLUSIVE;
	}
	return code;
}
