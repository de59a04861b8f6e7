/*
 * cli.c - parse the command line and call the modules.
 *
 * Each subcommand is a function in the table below; each parses its own
 * options with getopt_long, prints its own --help, and returns the exit
 * code.  Nothing here decides verdicts or touches the device.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <curl/curl.h>
#include <libssh/libssh.h>
#include <libxml/xmlversion.h>
#include <lua.h>
#include <openssl/crypto.h>
#include <pcap/pcap.h>

#include "run/catalogue.h"
#include "cli.h"
#include "cli_fleet.h"
#include "base/datadir.h"
#include "demo.h"
#include "base/diag.h"
#include "run/engine.h"
#include "run/evidence.h"
#include "run/review.h"
#include "base/buf.h"
#include "run/fixture.h"
#include "base/error.h"
#include "base/file.h"
#include "forms/forms.h"
#include "base/json.h"
#include "base/term.h"
#include "forms/spec.h"
#include "report/report.h"
#include "report/sign.h"

struct subcommand {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*summary;
};

static int	cmd_init(int, char **);
static int	cmd_check(int, char **);
static int	cmd_list(int, char **);
static int	cmd_run(int, char **);
static int	cmd_demo(int, char **);
static int	cmd_keygen(int, char **);
static int	cmd_sign(int, char **);
static int	cmd_verify(int, char **);
static int	cmd_amend(int, char **);
static int	cmd_fixture(int, char **);

static const struct subcommand subcommands[] = {
	{ "init",	cmd_init,	"write fresh ICS, IXIT and lab set-up templates" },
	{ "check",	cmd_check,	"validate an ICS, an IXIT (and a set-up file), print every problem" },
	{ "explain",	assay_cli_explain, "what a provision, test case or unit checks and how it is decided" },
	{ "list",	cmd_list,	"list the test-case catalogue" },
	{ "run",	cmd_run,	"assess a device: run the catalogue, write the report" },
	{ "demo",	cmd_demo,	"start the reference device and assess it" },
	{ "keygen",	cmd_keygen,	"make a report-signing key and self-signed certificate" },
	{ "sign",	cmd_sign,	"sign a report directory (MANIFEST + report.p7s)" },
	{ "verify",	cmd_verify,	"verify a signed report directory" },
	{ "review",	assay_cli_review, "the assessor's worksheet: list units to judge, record judgements" },
	{ "diff",	assay_cli_diff,	"what changed between two runs, regressions first" },
	{ "summarize",	assay_cli_summarize, "merge report directories into a fleet summary" },
	{ "report",	assay_cli_report, "restate a run under another profile (scheme)" },
	{ "amend",	cmd_amend,	"issue a new revision of a signed report" },
	{ "fixture",	cmd_fixture,	"run test cases against fixture forms and scripted replies" },
	{ "probe",	assay_cli_probe, "run one probe on its own: tcp-sweep, tls, creds" },
};
#define NSUBCOMMANDS	(sizeof(subcommands) / sizeof(subcommands[0]))

enum format { FORMAT_TEXT, FORMAT_JSON };

static void
usage_main(FILE *fp)
{
	size_t i;

	fprintf(fp,
	    "usage: assay [--version] [--help] SUBCOMMAND [OPTIONS]\n"
	    "\n"
	    "Conformance test harness for consumer IoT security\n"
	    "(ETSI EN 303 645 assessed as ETSI TS 103 701 describes).\n"
	    "\n"
	    "Subcommands:\n");
	for (i = 0; i < NSUBCOMMANDS; i++)
		fprintf(fp, "  %-8s %s\n", subcommands[i].name,
		    subcommands[i].summary);
	fprintf(fp,
	    "\n"
	    "Run 'assay SUBCOMMAND --help' (or 'assay help SUBCOMMAND') for its options.\n"
	    "\n"
	    "Exit codes: 0 complete scope, every applicable provision PASS;\n"
	    "1 a FAIL; 2 usage or form error (nothing run); 3 no FAIL, but\n"
	    "incomplete, pending review, INCONCLUSIVE or ERROR.\n"
	    "\n"
	    "Environment:\n"
	    "  ASSAY_DATADIR  where Assay's data is (spec, schemas, templates,\n"
	    "                 test-case catalogue); by default ../share/assay\n"
	    "                 beside the executable, then the install prefix's\n"
	    "                 share/assay ('assay --version' shows which)\n"
	    "\n"
	    "Manual: man assay (docs/assay.1 in the source).\n");
}

/*
 * s, or "?" for NULL, escaped for the terminal: the report directory is
 * untrusted, and its fields were written by a device and a manufacturer.
 * Rotates through ORQ_NBUF buffers so one printf can take that many.
 */
#define ORQ_NBUF	8
static const char *
orq(const char *s)
{
	static char buf[ORQ_NBUF][1024];
	static size_t k;

	k = (k + 1) % ORQ_NBUF;
	return assay_term_esc(buf[k], sizeof(buf[k]), s != NULL ? s : "?");
}

int
assay_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "assay %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'assay %s --help'.\n", cmd);
	return ASSAY_EXIT_USAGE;
}

/*
 * A bad option, named once (getopt itself is kept quiet): the argument
 * getopt stopped at is unknown, or is an option whose value is missing.
 */
int
assay_cli_bad_option(const char *cmd, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;

	if (arg == NULL || arg[0] != '-')
		return assay_cli_usage_error(cmd, "bad option");
	if (optopt != 0 && arg[1] != '-')
		return assay_cli_usage_error(cmd, "option -%c is unknown or needs a value",
		    optopt);
	return assay_cli_usage_error(cmd, "option '%s' is unknown or needs a value", arg);
}

int
assay_cli_parse_format(const char *cmd, const char *s, int *json)
{
	if (strcmp(s, "text") == 0)
		*json = 0;
	else if (strcmp(s, "json") == 0)
		*json = 1;
	else
		return assay_cli_usage_error(cmd, "unknown format \"%s\" (text "
		    "or json)", s);
	return 0;
}

static int
parse_format(const char *cmd, const char *s, enum format *f)
{
	int json = 0, r;

	if ((r = assay_cli_parse_format(cmd, s, &json)) == 0)
		*f = json ? FORMAT_JSON : FORMAT_TEXT;
	return r;
}

/* --- init ------------------------------------------------------------- */

/* Copies a template form (capped as a form is) to to, atomically. */
static int
copy_file(const char *from, const char *to, int force)
{
	struct assay_buf *b = NULL;
	int r;

	if (!force && access(to, F_OK) == 0)
		return ASSAY_ERR_EXISTS;
	if ((r = assay_file_read(from, ASSAY_FORMS_MAX_BYTES, &b)) != 0)
		return r == ASSAY_ERR_NOT_FOUND ? ASSAY_ERR_DATADIR : r;
	r = assay_file_write_atomic(to, assay_buf_data(b), assay_buf_len(b),
	    0666);
	assay_buf_free(b);
	return r;
}

static int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force",	no_argument,	NULL, 'f' },
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const files[][2] = {
		{ "ics/template.xml", "ics.xml" },
		{ "ixit/template.xml", "ixit.xml" },
		{ "setup/template.xml", "setup.xml" },
	};
	char from[ASSAY_PATH_MAX], to[ASSAY_PATH_MAX];
	const char *dir;
	int c, force = 0, r;
	size_t i;

	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = 1;
			break;
		case 'h':
			printf("usage: assay init [--force] DIR\n"
			    "\n"
			    "Writes DIR/ics.xml, DIR/ixit.xml and DIR/setup.xml: commented\n"
			    "templates of the two forms for a new device and of the lab set-up\n"
			    "file (address, budget, lab credentials).  Fill them in, then run\n"
			    "'assay check --ics DIR/ics.xml --ixit DIR/ixit.xml --setup DIR/setup.xml'.\n"
			    "\n"
			    "  -f, --force   overwrite existing files\n");
			return 0;
		default:
			return assay_cli_bad_option("init", argv);
		}
	}
	if (optind != argc - 1)
		return assay_cli_usage_error("init", "expected one directory");
	dir = argv[optind];
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "assay init: %s: %s\n", dir, strerror(errno));
		return ASSAY_EXIT_USAGE;
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if ((r = assay_datadir_path(from, sizeof(from), files[i][0])) != 0) {
			fprintf(stderr, "assay init: %s\n", assay_strerror(r));
			return ASSAY_EXIT_USAGE;
		}
		if ((r = assay_path_join(to, sizeof(to), dir, files[i][1])) != 0 ||
		    (r = copy_file(from, to, force)) != 0) {
			fprintf(stderr, "assay init: %s: %s%s\n", to,
			    assay_strerror(r), r == ASSAY_ERR_EXISTS ?
			    " (use --force to overwrite)" : "");
			return ASSAY_EXIT_USAGE;
		}
		printf("wrote %s\n", to);
	}
	return 0;
}

/* --- check ------------------------------------------------------------ */

static void
print_diag_json(struct assay_json *j, const struct assay_diag *d)
{
	size_t i, n = assay_diag_count(d);

	assay_json_key(j, "problems");
	assay_json_begin_array(j);
	for (i = 0; i < n; i++) {
		if (*assay_diag_message(d, i) == '\0')
			continue;
		assay_json_begin_object(j);
		assay_json_kv_string(j, "severity",
		    assay_diag_is_warning(d, i) ? "warning" : "error");
		assay_json_kv_string(j, "file", assay_diag_file(d, i));
		assay_json_kv_int(j, "line", assay_diag_line(d, i));
		assay_json_kv_string(j, "message", assay_diag_message(d, i));
		assay_json_end_object(j);
	}
	assay_json_end_array(j);
}

/*
 * "valid IXIT (3 services; 12 of 29 items filled)" and the items left
 * empty: a form can be valid and still say nearly nothing, and the test
 * cases that read an empty item end INCONCLUSIVE or FAIL.
 */
static void
print_ixit_fill(const char *dd, const char *ixit, const struct assay_forms *f)
{
	struct assay_spec *spec = NULL;
	struct assay_diag *d = assay_diag_new();
	char e1[ASSAY_TERM_ESC_MAX], empty[1024] = "";
	size_t i, n, filled = 0, len;

	if (d == NULL || assay_spec_load(dd, "2.1.1", &spec, d) != 0) {
		printf("%s: valid IXIT (%zu services)\n", assay_term_esc(e1,
		    sizeof(e1), ixit), assay_forms_nservices(f));
		assay_diag_free(d);
		return;
	}
	n = assay_spec_nixit(spec);
	for (i = 0; i < n; i++) {
		const char *id = assay_spec_ixit_id(spec, i);

		if (assay_forms_nentries(f, id) > 0) {
			filled++;
			continue;
		}
		len = strlen(empty);
		snprintf(empty + len, sizeof(empty) - len, "%s%s",
		    len ? " " : "", id);
	}
	printf("%s: valid IXIT (%zu service%s; %zu of %zu items filled)\n",
	    assay_term_esc(e1, sizeof(e1), ixit), assay_forms_nservices(f),
	    assay_forms_nservices(f) == 1 ? "" : "s", filled, n);
	if (filled < n)
		printf("  empty: %s (test cases that read them end "
		    "INCONCLUSIVE or FAIL)\n", empty);
	assay_spec_free(spec);
	assay_diag_free(d);
}

static int
cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ics",	required_argument,	NULL, 'c' },
		{ "ixit",	required_argument,	NULL, 'x' },
		{ "setup",	required_argument,	NULL, 's' },
		{ "format",	required_argument,	NULL, 'F' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct assay_forms *f = NULL;
	struct assay_diag *d = NULL;
	struct assay_json j;
	const char *ics = NULL, *ixit = NULL, *setup = NULL, *dd;
	char e1[ASSAY_TERM_ESC_MAX], e2[512], e3[512];
	size_t nerr, i;
	enum format fmt = FORMAT_TEXT;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ics = optarg;
			break;
		case 'x':
			ixit = optarg;
			break;
		case 's':
			setup = optarg;
			break;
		case 'F':
			if ((r = parse_format("check", optarg, &fmt)) != 0)
				return r;
			break;
		case 'h':
			printf("usage: assay check --ics FILE --ixit FILE [--setup FILE]\n"
			    "                   [--format text|json]\n"
			    "\n"
			    "Validates the forms and, if given, the lab set-up file: hostile-XML\n"
			    "rules, the schemas (ics/ics.xsd, ixit/ixit.xsd, setup/setup.xsd),\n"
			    "the cross-checks the schemas cannot express, and the consistency\n"
			    "of the ICS with the IXIT facts.  Prints every problem as\n"
			    "FILE:LINE: message, and warnings (facts left out, soft\n"
			    "contradictions) as FILE:LINE: warning: message.\n"
			    "Exit 0 when the files are valid (warnings or not), 2 when not.\n");
			return 0;
		default:
			return assay_cli_bad_option("check", argv);
		}
	}
	if (optind != argc)
		return assay_cli_usage_error("check", "unexpected argument '%s' (the forms "
		    "are given with --ics and --ixit)", argv[optind]);
	if (ics == NULL || ixit == NULL)
		return assay_cli_usage_error("check", "need --ics FILE and --ixit FILE");
	if ((dd = assay_datadir()) == NULL) {
		fprintf(stderr, "assay check: %s (set ASSAY_DATADIR)\n",
		    assay_strerror(ASSAY_ERR_DATADIR));
		return ASSAY_EXIT_USAGE;
	}
	if ((d = assay_diag_new()) == NULL)
		return ASSAY_EXIT_USAGE;
	r = assay_forms_load(dd, ics, ixit, setup, &f, d);
	if (fmt == FORMAT_JSON) {
		assay_json_init(&j, stdout, 1);
		assay_json_begin_object(&j);
		assay_json_kv_bool(&j, "valid", r == 0);
		assay_json_kv_string(&j, "ics", ics);
		assay_json_kv_string(&j, "ixit", ixit);
		if (setup != NULL)
			assay_json_kv_string(&j, "setup", setup);
		if (r != 0)
			assay_json_kv_string(&j, "error", assay_strerror(r));
		else if (setup != NULL) {
			assay_json_key(&j, "artefacts");
			assay_json_begin_array(&j);
			for (i = 0; i < assay_forms_nartefacts(f); i++) {
				assay_json_begin_object(&j);
				assay_json_kv_string(&j, "kind",
				    assay_forms_artefact_kind_name(
				    assay_forms_artefact_kind(f, i)));
				assay_json_kv_string(&j, "id",
				    assay_forms_artefact_id(f, i));
				assay_json_kv_string(&j, "file",
				    assay_forms_artefact_path(f, i));
				assay_json_kv_string(&j, "sha256",
				    assay_forms_artefact_sha256(f, i));
				assay_json_kv_int(&j, "size", (long long)
				    assay_forms_artefact_size(f, i));
				assay_json_end_object(&j);
			}
			assay_json_end_array(&j);
		}
		print_diag_json(&j, d);
		assay_json_end_object(&j);
	} else if (r == 0) {
		assay_diag_print(d, stderr);
		/* The manufacturer wrote these: escaped for the terminal. */
		printf("%s: valid ICS (%s V%s, %s %s)\n", assay_term_esc(e1,
		    sizeof(e1), ics), assay_forms_standard(f),
		    assay_forms_standard_version(f), assay_term_esc(e2,
		    sizeof(e2), assay_forms_device(f, "manufacturer")),
		    assay_term_esc(e3, sizeof(e3), assay_forms_device(f,
		    "model")));
		print_ixit_fill(dd, ixit, f);
		if (setup != NULL)
			printf("%s: valid set-up (%zu address%s, %zu "
			    "credential%s, %zu artefact%s)\n", assay_term_esc(e1,
			    sizeof(e1), setup), assay_forms_naddresses(f),
			    assay_forms_naddresses(f) == 1 ? "" : "es",
			    assay_forms_ncredentials(f),
			    assay_forms_ncredentials(f) == 1 ? "" : "s",
			    assay_forms_nartefacts(f),
			    assay_forms_nartefacts(f) == 1 ? "" : "s");
		/* The lab's files, with the hash a report can be checked by. */
		for (i = 0; setup != NULL && i < assay_forms_nartefacts(f); i++)
			printf("  %s %s: %s (%llu bytes, sha256 %s)\n",
			    assay_forms_artefact_kind_name(
			    assay_forms_artefact_kind(f, i)),
			    assay_forms_artefact_id(f, i), assay_term_esc(e1,
			    sizeof(e1), assay_forms_artefact_path(f, i)),
			    assay_forms_artefact_size(f, i),
			    assay_forms_artefact_sha256(f, i));
		if (assay_diag_count(d) > 0)
			printf("%zu warning%s\n", assay_diag_count(d),
			    assay_diag_count(d) == 1 ? "" : "s");
	} else {
		assay_diag_print(d, stderr);
		nerr = assay_diag_nerrors(d);
		fprintf(stderr, "assay check: %zu problem%s: %s\n",
		    nerr, nerr == 1 ? "" : "s", assay_strerror(r));
	}
	assay_forms_free(f);
	assay_diag_free(d);
	return r == 0 ? 0 : ASSAY_EXIT_USAGE;
}

/* --- fixture ---------------------------------------------------------- */

/*
 * assay fixture FILE...: each fixture runs one test case against its forms
 * and scripted replies (run/fixture.h).  Exit 0 when every fixture gives
 * what it expects, 1 when one does not, 2 when one is malformed.
 */
static int
cmd_fixture(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "catalogue",	required_argument,	NULL, 'C' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "record",	required_argument,	NULL, 'R' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct assay_fixture_opts fo;
	struct assay_catalogue *cat = NULL;	/* loaded once, for every FILE */
	const char *record = NULL;
	struct assay_diag *d;
	size_t npass = 0, nfail = 0, nbad = 0;
	int c, r, passed, quiet = 0;

	memset(&fo, 0, sizeof(fo));
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'C':
			fo.catalogue_dir = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'R':
			record = optarg;
			break;
		case 'h':
			printf("usage: assay fixture [--catalogue DIR] [-q] FILE...\n"
			    "       assay fixture [--catalogue DIR] --record OUT TEMPLATE\n"
			    "\n"
			    "Runs each fixture FILE (docs/fixtures.md): one test case against\n"
			    "fixture forms (a base directory plus patches) and scripted replies\n"
			    "of the assay.net probe functions, with no device, and compares its\n"
			    "verdict, reason and units with what the fixture expects.\n"
			    "\n"
			    "  --catalogue DIR  test cases from DIR (default: <datadir>/testcases)\n"
			    "  -q, --quiet      print only fixtures that do not pass\n"
			    "  --record OUT     run TEMPLATE (testcase, forms, patch; no replies)\n"
			    "                   against the real device its forms describe and\n"
			    "                   write OUT: a fixture with the replies the probes got\n"
			    "                   and the verdict the test case gave, to check and trim\n"
			    "\n"
			    "Exit codes: 0 every fixture passed; 1 a fixture failed;\n"
			    "2 a fixture is malformed (or a usage error).\n");
			return 0;
		default:
			return assay_cli_bad_option("fixture", argv);
		}
	}
	if (optind == argc)
		return assay_cli_usage_error("fixture", "expected one or more fixture files");
	if (record != NULL) {
		if (optind + 1 != argc)
			return assay_cli_usage_error("fixture", "--record takes one template");
		if ((d = assay_diag_new()) == NULL)
			return ASSAY_EXIT_USAGE;
		r = assay_fixture_record(argv[optind], record, &fo, d);
		assay_diag_print(d, stderr);
		assay_diag_free(d);
		if (r != 0) {
			fprintf(stderr, "assay fixture: %s: %s\n", argv[optind],
			    assay_strerror(r));
			return ASSAY_EXIT_USAGE;
		}
		printf("recorded %s\n", record);
		return 0;
	}
	fo.cache = &cat;
	for (; optind < argc; optind++) {
		if ((d = assay_diag_new()) == NULL) {
			assay_catalogue_free(cat);
			return ASSAY_EXIT_USAGE;
		}
		r = assay_fixture_run(argv[optind], &fo, &passed, d);
		if (r != 0) {
			printf("MALFORMED %s: %s\n", argv[optind],
			    assay_strerror(r));
			nbad++;
		} else if (passed) {
			if (!quiet)
				printf("ok        %s\n", argv[optind]);
			npass++;
		} else {
			printf("FAILED    %s\n", argv[optind]);
			nfail++;
		}
		fflush(stdout);
		if (r != 0 || !passed)
			assay_diag_print(d, stdout);
		assay_diag_free(d);
	}
	assay_catalogue_free(cat);
	printf("%zu fixture%s: %zu passed, %zu failed, %zu malformed\n",
	    npass + nfail + nbad, npass + nfail + nbad == 1 ? "" : "s", npass,
	    nfail, nbad);
	return nbad ? ASSAY_EXIT_USAGE : nfail ? ASSAY_EXIT_FAIL : 0;
}

/* --- list ------------------------------------------------------------- */

/* Width of a unit line's criterion in `assay list`: lines fit 100 columns. */
#define LIST_CRIT_COLS	60

/*
 * s clipped to n characters (UTF-8 code points), "..." marking a cut;
 * out has room for 4 * n + 4 bytes.
 */
static const char *
clip_chars(char *out, size_t outsz, const char *s, size_t n)
{
	size_t i, chars = 0, cut = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (chars == n - 3)
			cut = i;
		if (++chars > n)
			break;
	}
	if (s[i] == '\0')
		cut = i;
	else if (cut + 4 > outsz)
		cut = 0;
	snprintf(out, outsz, "%.*s%s", (int)cut, s, s[i] == '\0' ? "" : "...");
	return out;
}

/* 4-1 and clauses 5.1 to 5.5: the test groups of issue 14's catalogue. */
static int
core_group(const char *g)
{
	return strcmp(g, "4-1") == 0 || (g[0] == '5' && g[1] == '.' &&
	    g[2] >= '1' && g[2] <= '5' && g[3] == '-');
}

/* What `assay list --summary` counts, over all groups or a part (col). */
struct list_sum {
	size_t	tcs, units, main[ASSAY_DECIDED_NKINDS], compound;
	size_t	reach[ASSAY_REACH_LAST + 1], net_auto;
};

/*
 * Whether catalogue test case i is one Assay defined for a provision new
 * or split in EN 303 645 V3.1.3 (forms/spec.h), not one of TS 103 701.
 */
static int
assay_defined(const struct assay_spec *spec, const struct assay_catalogue *cat,
    size_t i)
{
	long k = assay_spec_testcase_find(spec, assay_catalogue_id(cat, i));

	return k >= 0 && assay_spec_testcase_assay_defined(spec, (size_t)k);
}

/*
 * sum[0..2]: TS 103 701's test cases (all, core, other); sum[3]: the
 * Assay-defined ones, counted apart so TS 103 701's figures stay its own.
 */
static void
list_count(const struct assay_spec *spec, const struct assay_catalogue *cat,
    struct list_sum sum[4])
{
	const struct assay_unit_decl *u;
	char letter[2] = { 0, 0 };
	struct list_sum *p[2];
	unsigned dk;
	size_t i, k;

	memset(sum, 0, 4 * sizeof(*sum));
	for (i = 0; i < assay_catalogue_count(cat); i++) {
		if (assay_defined(spec, cat, i)) {
			p[0] = p[1] = &sum[3];
			p[0]->tcs++;
		} else {
			p[0] = &sum[0];
			p[1] = &sum[core_group(assay_catalogue_group(cat, i)) ?
			    1 : 2];
		}
		for (k = 0; k < 2 && p[0] != p[1]; k++)
			p[k]->tcs++;
		for (letter[0] = 'a'; letter[0] <= 'z'; letter[0]++) {
			if ((u = assay_catalogue_unit(cat, i, letter)) == NULL)
				break;
			dk = u->decided_kinds;
			for (k = 0; k < (p[0] != p[1] ? 2u : 1u); k++) {
				p[k]->units++;
				p[k]->main[u->decided_main]++;
				if ((dk & (dk - 1)) != 0)	/* two bits */
					p[k]->compound++;
				p[k]->reach[u->reach_kind]++;
				if (u->reach_kind == ASSAY_REACH_NETWORK &&
				    (dk & (1u << ASSAY_DECIDED_AUTOMATIC)) != 0)
					p[k]->net_auto++;
			}
		}
	}
}

/* TS 103 701's test cases in the spec (not the Assay-defined ones). */
static size_t
ts_testcases(const struct assay_spec *spec)
{
	size_t i, n = 0;

	for (i = 0; i < assay_spec_ntestcases(spec); i++)
		n += !assay_spec_testcase_assay_defined(spec, i);
	return n;
}

static size_t
nextras(const struct assay_spec *spec)
{
	size_t i, n = 0;

	for (i = 0; i < assay_spec_nprovisions(spec); i++)
		n += assay_spec_provision_extra(spec, i) != 0;
	return n;
}

/* The extras with at least one test case in the catalogue. */
static size_t
extras_with_testcase(const struct assay_spec *spec,
    const struct assay_catalogue *cat)
{
	size_t i, t, n = 0;

	for (i = 0; i < assay_spec_nprovisions(spec); i++) {
		if (!assay_spec_provision_extra(spec, i))
			continue;
		for (t = 0; t < assay_catalogue_count(cat); t++)
			if (strcmp(assay_catalogue_group(cat, t),
			    assay_spec_provision_id(spec, i)) == 0)
				break;
		n += t < assay_catalogue_count(cat);
	}
	return n;
}

/* The share a of n in per cent with one decimal ("-" when n is 0). */
static const char *
share(char *buf, size_t bufsz, size_t a, size_t n)
{
	if (n == 0)
		snprintf(buf, bufsz, "-");
	else
		snprintf(buf, bufsz, "%.1f %%", 100.0 * (double)a / (double)n);
	return buf;
}

static void
list_summary_text(const struct assay_catalogue *cat,
    const struct assay_spec *spec)
{
	static const char *const what[ASSAY_DECIDED_NKINDS] = {
		"  automatic: a probe decides",
		"  facts: IXIT/ICS facts by a rule",
		"  assessor: a person judges text",
		"  observation: a person observes"
	};
	struct list_sum s[4];
	char b[3][16];
	size_t k, j;

	list_count(spec, cat, s);
	printf("%-44s %8s %14s %8s\n", "", "all", "4-1, 5.1-5.5", "other");
	printf("%-44s %8zu %14zu %8zu\n", "test cases", s[0].tcs, s[1].tcs,
	    s[2].tcs);
	printf("%-44s %8zu %14zu %8zu\n", "units", s[0].units, s[1].units,
	    s[2].units);
	printf("units by how a PASS is reached (main kind):\n");
	for (k = 0; k < ASSAY_DECIDED_NKINDS; k++)
		printf("%-44s %8zu %14zu %8zu\n", what[k], s[0].main[k],
		    s[1].main[k], s[2].main[k]);
	printf("%-44s %8zu %14zu %8zu\n", "  of them compound (two kinds)",
	    s[0].compound, s[1].compound, s[2].compound);
	printf("units of functional test cases by reach:\n");
	for (k = ASSAY_REACH_NETWORK; k <= ASSAY_REACH_LAST; k++)
		printf("  %-42s %8zu %14zu %8zu\n",
		    assay_reach_name((enum assay_reach)k), s[0].reach[k],
		    s[1].reach[k], s[2].reach[k]);
	printf("%-44s %8zu %14zu %8zu\n", "network units automated (automatic)",
	    s[0].net_auto, s[1].net_auto, s[2].net_auto);
	for (j = 0; j < 3; j++)
		share(b[j], sizeof(b[j]), s[j].net_auto,
		    s[j].reach[ASSAY_REACH_NETWORK]);
	printf("%-44s %8s %14s %8s\n", "  share of the network units", b[0],
	    b[1], b[2]);
	printf("%zu test cases of %zu in TS 103 701 V1.1.1\n", s[0].tcs,
	    ts_testcases(spec));
	printf("%zu Assay-defined test cases (%zu units) for %zu of the %zu "
	    "provisions new or split in EN 303 645 V3.1.3\n", s[3].tcs,
	    s[3].units, extras_with_testcase(spec, cat), nextras(spec));
}

static void
list_summary_json(struct assay_json *j, const struct list_sum *s)
{
	char buf[16];
	size_t k, n;

	assay_json_begin_object(j);
	assay_json_kv_int(j, "test_cases", (long long)s->tcs);
	assay_json_kv_int(j, "units", (long long)s->units);
	assay_json_key(j, "units_by_main_kind");
	assay_json_begin_object(j);
	for (k = 0; k < ASSAY_DECIDED_NKINDS; k++)
		assay_json_kv_int(j, assay_decided_name((enum assay_decided)k),
		    (long long)s->main[k]);
	assay_json_end_object(j);
	assay_json_kv_int(j, "units_compound", (long long)s->compound);
	assay_json_key(j, "functional_units_by_reach");
	assay_json_begin_object(j);
	for (k = ASSAY_REACH_NETWORK; k <= ASSAY_REACH_LAST; k++)
		assay_json_kv_int(j, assay_reach_name((enum assay_reach)k),
		    (long long)s->reach[k]);
	assay_json_end_object(j);
	assay_json_kv_int(j, "network_units_automated", (long long)s->net_auto);
	/* One decimal, rounded as the text shows it. */
	assay_json_key(j, "network_automated_percent");
	if ((n = s->reach[ASSAY_REACH_NETWORK]) == 0)
		assay_json_string(j, NULL);
	else {
		snprintf(buf, sizeof(buf), "%.1f",
		    100.0 * (double)s->net_auto / (double)n);
		assay_json_double(j, strtod(buf, NULL));
	}
	assay_json_end_object(j);
}

static void
list_units_json(struct assay_json *j, const struct assay_catalogue *cat,
    size_t i)
{
	const struct assay_unit_decl *u;
	char letter[2] = { 0, 0 };

	assay_json_key(j, "units");
	assay_json_begin_array(j);
	for (letter[0] = 'a'; letter[0] <= 'z'; letter[0]++) {
		if ((u = assay_catalogue_unit(cat, i, letter)) == NULL)
			break;
		assay_json_begin_object(j);
		assay_json_kv_string(j, "letter", letter);
		assay_json_kv_string(j, "decided", u->decided);
		assay_json_kv_string(j, "reach", u->reach);
		assay_json_kv_string(j, "criterion", u->criterion);
		assay_json_kv_string(j, "rule", u->rule);
		assay_json_kv_string(j, "observation", u->observation);
		assay_json_end_object(j);
	}
	assay_json_end_array(j);
}

int
assay_cli_load_catalogue(const char *cmd, const char *catdir,
    struct assay_spec **spec, struct assay_catalogue **cat)
{
	struct assay_diag *d;
	char defdir[ASSAY_PATH_MAX];
	const char *dd;
	int r;

	*spec = NULL;
	*cat = NULL;
	if ((dd = assay_datadir()) == NULL) {
		fprintf(stderr, "assay %s: %s (set ASSAY_DATADIR)\n", cmd,
		    assay_strerror(ASSAY_ERR_DATADIR));
		return ASSAY_ERR_DATADIR;
	}
	if ((r = assay_path_join(defdir, sizeof(defdir), dd, "testcases")) != 0) {
		fprintf(stderr, "assay %s: %s: %s\n", cmd, dd, assay_strerror(r));
		return r;
	}
	if ((d = assay_diag_new()) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((r = assay_spec_load(dd, "2.1.1", spec, d)) != 0 ||
	    (r = assay_catalogue_load(catdir ? catdir : defdir, *spec, cat,
	    d)) != 0) {
		assay_diag_print(d, stderr);
		fprintf(stderr, "assay %s: %s\n", cmd, assay_strerror(r));
	}
	assay_diag_free(d);
	return r;
}

static int
cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "catalogue",	required_argument,	NULL, 'C' },
		{ "format",	required_argument,	NULL, 'F' },
		{ "summary",	no_argument,		NULL, 'S' },
		{ "profiles",	no_argument,		NULL, 'P' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct assay_spec *spec = NULL;
	struct assay_catalogue *cat = NULL;
	const struct assay_unit_decl *u;
	int profiles = 0;
	struct assay_json j;
	struct list_sum sum[4];
	enum format fmt = FORMAT_TEXT;
	const char *catdir = NULL;
	char letter[2] = { 0, 0 };
	char crit[4 * LIST_CRIT_COLS + 4];
	size_t i, k;
	int c, r, summary = 0, code = ASSAY_EXIT_USAGE;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'C':
			catdir = optarg;
			break;
		case 'F':
			if ((r = parse_format("list", optarg, &fmt)) != 0)
				return r;
			break;
		case 'S':
			summary = 1;
			break;
		case 'P':
			profiles = 1;
			break;
		case 'h':
			printf("usage: assay list [--catalogue DIR] [--format text|json] [--summary | --profiles]\n"
			    "\n"
			    "Lists the test-case catalogue, checked as `assay run` checks it:\n"
			    "id, test group, type, IXIT items and purpose of each test case, and\n"
			    "under it each unit: letter, how a PASS of it is reached (decided:\n"
			    "automatic, facts, assessor, observation, or two joined by +), where\n"
			    "its subject is on a functional test case (reach: network, artefact,\n"
			    "physical) and its criterion, clipped (--format json: in full, with\n"
			    "rule and observation).\n"
			    "\n"
			    "--summary  the figures instead: test cases and units, units by the\n"
			    "           main kind of their decision and how many are compound,\n"
			    "           functional units by reach, and how many of the network\n"
			    "           ones are automated (automatic in decided) as a share; for\n"
			    "           all groups, 4-1 with clauses 5.1-5.5, and the others.\n"
			    "--profiles the profiles `assay run --profile` takes: name, items,\n"
			    "           how many are assessed by some test case, numbering, title.\n");
			return 0;
		default:
			return assay_cli_bad_option("list", argv);
		}
	}
	if (optind != argc)
		return assay_cli_usage_error("list", "unexpected argument");
	if (profiles && summary)
		return assay_cli_usage_error("list", "--summary or --profiles, "
		    "not both");
	if (profiles)
		return assay_cli_list_profiles(fmt == FORMAT_JSON);
	if (assay_cli_load_catalogue("list", catdir, &spec, &cat) != 0)
		goto out;
	if (summary && fmt == FORMAT_JSON) {
		list_count(spec, cat, sum);
		assay_json_init(&j, stdout, 1);
		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "catalogue_sha256",
		    assay_catalogue_sha256(cat));
		assay_json_key(&j, "all");
		list_summary_json(&j, &sum[0]);
		assay_json_key(&j, "core");	/* 4-1, 5.1-5.5 */
		list_summary_json(&j, &sum[1]);
		assay_json_key(&j, "other");
		list_summary_json(&j, &sum[2]);
		/* Not TS 103 701's: counted apart from the three above. */
		assay_json_key(&j, "assay_defined");
		list_summary_json(&j, &sum[3]);
		assay_json_end_object(&j);
	} else if (summary)
		list_summary_text(cat, spec);
	else if (fmt == FORMAT_JSON) {
		assay_json_init(&j, stdout, 1);
		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "catalogue_sha256",
		    assay_catalogue_sha256(cat));
		assay_json_key(&j, "test_cases");
		assay_json_begin_array(&j);
		for (i = 0; i < assay_catalogue_count(cat); i++) {
			assay_json_begin_object(&j);
			assay_json_kv_string(&j, "id", assay_catalogue_id(cat, i));
			assay_json_kv_string(&j, "group",
			    assay_catalogue_group(cat, i));
			if (assay_defined(spec, cat, i))
				assay_json_kv_bool(&j, "assay_defined", 1);
			assay_json_kv_string(&j, "type", assay_tc_type_name(
			    assay_catalogue_type(cat, i)));
			assay_json_kv_string(&j, "ixit_items",
			    assay_catalogue_ixit(cat, i));
			assay_json_kv_string(&j, "purpose",
			    assay_catalogue_purpose(cat, i));
			assay_json_kv_string(&j, "file",
			    assay_catalogue_file(cat, i));
			assay_json_kv_int(&j, "line", assay_catalogue_line(cat, i));
			list_units_json(&j, cat, i);
			assay_json_end_object(&j);
		}
		assay_json_end_array(&j);
		assay_json_end_object(&j);
	} else {
		printf("%-10s %-7s %-11s %-22s %s\n", "ID", "GROUP", "TYPE",
		    "IXIT", "PURPOSE");
		printf("  %-2s %-22s %-11s %s\n", "U", "DECIDED", "REACH",
		    "CRITERION");
		for (i = 0; i < assay_catalogue_count(cat); i++) {
			printf("%-10s %-7s %-11s %-22s %s%s\n",
			    orq(assay_catalogue_id(cat, i)),
			    orq(assay_catalogue_group(cat, i)),
			    assay_tc_type_name(assay_catalogue_type(cat, i)),
			    *assay_catalogue_ixit(cat, i) ?
			    orq(assay_catalogue_ixit(cat, i)) : "-",
			    assay_defined(spec, cat, i) ? "[Assay-defined (EN "
			    "303 645 V3.1.3)] " : "",
			    orq(assay_catalogue_purpose(cat, i)));
			for (letter[0] = 'a'; letter[0] <= 'z'; letter[0]++) {
				if ((u = assay_catalogue_unit(cat, i,
				    letter)) == NULL)
					break;
				printf("  %-2s %-22s %-11s %s\n", letter,
				    orq(u->decided), u->reach != NULL ?
				    orq(u->reach) : "-", orq(clip_chars(crit,
				    sizeof(crit), u->criterion,
				    LIST_CRIT_COLS)));
			}
		}
		for (i = 0, k = 0; i < assay_catalogue_count(cat); i++)
			k += assay_defined(spec, cat, i) != 0;
		printf("%zu test cases of %zu in TS 103 701 V1.1.1\n",
		    assay_catalogue_count(cat) - k, ts_testcases(spec));
		printf("%zu Assay-defined test cases for %zu of the %zu "
		    "provisions new or split in EN 303 645 V3.1.3\n", k,
		    extras_with_testcase(spec, cat), nextras(spec));
	}
	code = 0;
 out:
	assay_catalogue_free(cat);
	assay_spec_free(spec);
	return code;
}

/* --- run -------------------------------------------------------------- */

/*
 * First Ctrl-C (or SIGTERM, as `timeout` sends): say so at once, stop the
 * running test cases, write the report of what is done (INCOMPLETE).
 * Second: leave at once; the journal and results already on disk stay,
 * and --resume finishes the run either way.
 */
/*
 * What finishes an interrupted run: "--resume" until cmd_run knows its own
 * command line, then that command in full (shell-quoted, --resume added),
 * so nobody has to retype the forms.  Built before the handler is set:
 * the handler only write()s it.
 */
static char resume_hint[4096] = "--resume";

/* Appends arg to dst, single-quoted unless it is plainly safe in a shell. */
static void
shell_quote_cat(char *dst, size_t len, const char *arg)
{
	size_t n = strlen(dst), i;
	int plain = *arg != '\0';

	for (i = 0; arg[i] != '\0' && plain; i++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_./=:@%+,-", arg[i]) != NULL;
	if (plain) {
		snprintf(dst + n, len - n, " %s", arg);
		return;
	}
	snprintf(dst + n, len - n, " '");
	for (i = 0; arg[i] != '\0'; i++) {
		n = strlen(dst);
		if (arg[i] == '\'')
			snprintf(dst + n, len - n, "'\\''");
		else
			snprintf(dst + n, len - n, "%c", arg[i]);
	}
	n = strlen(dst);
	snprintf(dst + n, len - n, "'");
}

/* "assay run --resume" and this run's own arguments (argv[1..]). */
static void
set_resume_hint(int argc, char **argv)
{
	char buf[sizeof(resume_hint)] = "assay run --resume";
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--resume") != 0 && strcmp(argv[i], "-r") != 0)
			shell_quote_cat(buf, sizeof(buf), argv[i]);
	if (strlen(buf) + 1 < sizeof(buf))
		memcpy(resume_hint, buf, strlen(buf) + 1);
}

/*
 * First Ctrl-C (or SIGTERM, as `timeout` sends): say so at once, stop the
 * running test cases, write the report of what is done (INCOMPLETE).
 * A second Ctrl-C: leave at once; the journal and results already on disk
 * stay, and the resume command finishes the run either way.  A second
 * SIGTERM changes nothing: `timeout` sends one to the process and one to
 * its process group, and the two may arrive apart (the report was then,
 * now and then, never written).
 */
static void
on_signal(int sig)
{
	static volatile sig_atomic_t seen;
	static const char first[] = "\nassay: interrupted: stopping the "
	    "running test cases and writing the report of what is done "
	    "(Ctrl-C again to leave at once); finish with: ";
	static const char again[] = "\nassay: leaving now; finish with: ";
	ssize_t w;

	if (seen && sig != SIGINT)
		return;	/* `timeout` sends TERM to us and to our group: one stop */
	if (seen) {
		w = write(STDERR_FILENO, again, sizeof(again) - 1);
		w = write(STDERR_FILENO, resume_hint, strlen(resume_hint));
		w = write(STDERR_FILENO, "\n", 1);
		(void)w;
		_exit(ASSAY_EXIT_INCONCLUSIVE);
	}
	seen = 1;
	w = write(STDERR_FILENO, first, sizeof(first) - 1);
	w = write(STDERR_FILENO, resume_hint, strlen(resume_hint));
	w = write(STDERR_FILENO, "\n", 1);
	(void)w;
	assay_engine_interrupt();
}

int
assay_cli_parse_int(const char *cmd, const char *opt, const char *s, int lo,
    int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < lo || v > hi)
		return assay_cli_usage_error(cmd, "%s: \"%s\" is not a number in %d..%d",
		    opt, s, lo, hi);
	*out = (int)v;
	return 0;
}

int
assay_cli_cat_file(const char *path)
{
	char buf[8192];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(fp);
	return 0;
}

/*
 * The lab configuration file: KEY = VALUE lines, # comments.  Parsed
 * from memory (assay_cli_parse_lab_config, cli.h) so the fuzzer reaches
 * it; read_lab_config reads the file with a cap first.
 */
int
assay_cli_parse_lab_config(const char *name, const char *text, size_t len,
    struct assay_report_meta *meta, char **store, FILE *err)
{
	char line[ASSAY_CLI_LAB_LINE_MAX + 1], *eq, *k, *v, *e;
	const char *p = text, *end = text + len, *nl;
	size_t i, n;
	long lineno = 0;
	int r = 0;

	for (; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > ASSAY_CLI_LAB_LINE_MAX) {
			fprintf(err, "%s:%ld: line longer than %d bytes\n",
			    name, lineno, ASSAY_CLI_LAB_LINE_MAX);
			r = ASSAY_EXIT_USAGE;
			continue;
		}
		if (memchr(p, '\0', n) != NULL) {
			fprintf(err, "%s:%ld: NUL byte in the line\n", name,
			    lineno);
			r = ASSAY_EXIT_USAGE;
			continue;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		for (k = line; *k == ' ' || *k == '\t'; k++)
			;
		if (*k == '#' || *k == '\r' || *k == '\0')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			fprintf(err, "%s:%ld: expected KEY = VALUE\n", name,
			    lineno);
			r = ASSAY_EXIT_USAGE;
			continue;
		}
		for (e = eq; e > k && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = '\0';
		for (v = eq + 1; *v == ' ' || *v == '\t'; v++)
			;
		v[strcspn(v, "\r")] = '\0';
		/* The first keys of report.meta are the lab-config keys. */
		for (i = 0; i < ASSAY_CLI_LAB_KEYS; i++)
			if (strcmp(k, assay_report_meta_key(i)) == 0)
				break;
		if (i == ASSAY_CLI_LAB_KEYS) {
			fprintf(err, "%s:%ld: unknown key \"%s\"\n", orq(name),
			    lineno, orq(k));
			r = ASSAY_EXIT_USAGE;
			continue;
		}
		if ((strcmp(k, "device-received") == 0 &&
		    !assay_report_date_ok(v)) || (strcmp(k, "device-state") ==
		    0 && !assay_report_state_ok(v))) {
			fprintf(err, "%s:%ld: %s: \"%s\" is not %s\n", orq(name),
			    lineno, k, orq(v), strcmp(k, "device-state") == 0 ?
			    "factory-default or initialised" :
			    "a date YYYY-MM-DD");
			r = ASSAY_EXIT_USAGE;
			continue;
		}
		/* The slot is cleared before its old value is freed. */
		(void)assay_report_meta_set(meta, k, NULL);
		free(store[i]);
		if ((store[i] = strdup(v)) == NULL) {
			fprintf(err, "%s:%ld: %s\n", name, lineno,
			    assay_strerror(ASSAY_ERR_ALLOC));
			r = ASSAY_EXIT_USAGE;
			break;
		}
		(void)assay_report_meta_set(meta, k, store[i]);
	}
	return r;
}

/*
 * Reads the lab configuration file path, at most ASSAY_CLI_LAB_FILE_MAX
 * bytes (a FIFO or /dev/stdin is fine: read with a cap, not stat'ed),
 * into meta; the values are allocated into store[], which the caller
 * frees.
 */
static int
read_lab_config(const char *path, struct assay_report_meta *meta, char **store)
{
	char *text = NULL;
	size_t len = 0, n;
	FILE *fp = NULL;
	int r = ASSAY_EXIT_USAGE;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "assay run: --lab-config %s: %s\n", path,
		    strerror(errno));
		goto out;
	}
	if ((text = malloc(ASSAY_CLI_LAB_FILE_MAX + 1)) == NULL) {
		fprintf(stderr, "assay run: --lab-config %s: %s\n", path,
		    assay_strerror(ASSAY_ERR_ALLOC));
		goto out;
	}
	while (len <= ASSAY_CLI_LAB_FILE_MAX && (n = fread(text + len, 1,
	    ASSAY_CLI_LAB_FILE_MAX + 1 - len, fp)) > 0)
		len += n;
	if (ferror(fp)) {
		fprintf(stderr, "assay run: --lab-config %s: read error: %s\n",
		    path, strerror(errno));
		goto out;
	}
	if (len > ASSAY_CLI_LAB_FILE_MAX) {
		fprintf(stderr, "assay run: --lab-config %s: larger than %d "
		    "bytes; not a lab configuration file\n", path,
		    ASSAY_CLI_LAB_FILE_MAX);
		goto out;
	}
	r = assay_cli_parse_lab_config(path, text, len, meta, store, stderr);
 out:
	free(text);
	if (fp != NULL)
		fclose(fp);
	return r;
}

/*
 * What `assay amend` hands finish_run (the engine's finish_arg): the
 * reason, the revision it replaces, the changes the command line shows
 * (report fields, judgements recorded), and where the previous revision's
 * report.xml is kept, so the verdicts that changed can be added.
 */
struct amend_ctx {
	const char	*reason;
	int		 prev_revision;
	const char	*changes;	/* "; "-separated, may be "" */
	char		 prev_xml[ASSAY_PATH_MAX];
	struct assay_buf *text;		/* the amendment, built by finish_run */
};

/* Adds to a's text the verdicts that changed; sets meta->amendment. */
static int
amendment_text(struct amend_ctx *a, struct assay_run *run,
    struct assay_diag *d)
{
	struct assay_buf *v = NULL;
	size_t nv = 0, nj, nbefore = 0;
	int r;

	if ((a->text = assay_buf_new(1024 * 1024)) == NULL ||
	    (v = assay_buf_new(512 * 1024)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if ((r = assay_report_changes(run, a->prev_xml, v, &nv,
	    &nbefore)) != 0) {
		assay_diag_add(d, a->prev_xml, 0, "cannot compare with the "
		    "previous revision: %s", assay_strerror(r));
		goto out;
	}
	nj = run->njudgements > nbefore ? run->njudgements - nbefore : 0;
	r = assay_buf_printf(a->text, "%s. Changed from revision %d: ",
	    a->reason, a->prev_revision);
	if (r == 0 && *a->changes != '\0')
		r = assay_buf_printf(a->text, "%s; ", a->changes);
	if (r == 0)
		r = assay_buf_printf(a->text, "%zu judgement%s added", nj,
		    nj == 1 ? "" : "s");
	if (r == 0)
		r = nv == 0 ? assay_buf_puts(a->text, "; no verdict changed") :
		    assay_buf_printf(a->text, "; verdicts changed: %.*s",
		    (int)assay_buf_len(v), assay_buf_data(v));
	if (r == 0)
		r = assay_buf_put(a->text, "", 1);
	if (r == 0)
		run->meta.amendment = assay_buf_data(a->text);
 out:
	assay_buf_free(v);
	return r;
}

/*
 * The engine's finish function (engine.h): every report format into the
 * run directory, the summary, then the signature when asked for and the
 * run is complete.  What earlier issues of the report stated (lab,
 * customer, device receipt, revision: DIR/report.meta) is kept unless
 * given again (assay_report_write_all).  Returns non-zero
 * when a report file could not be written or signing failed; sets
 * reports_written when all were written.
 */
static int	reports_written;

static int
finish_run(const struct assay_run *run0, const struct assay_engine_opts *o,
    struct assay_diag *d, void *arg)
{
	struct assay_run run = *run0;
	struct assay_report_meta issued;
	struct assay_report_meta_store st;
	const char *missing[3];
	size_t nmiss = 0, i;
	int r, wr;

	reports_written = 0;
	memset(&st, 0, sizeof(st));
	if (arg != NULL && (r = amendment_text(arg, &run, d)) != 0)
		return r;
	/* Each file that could not be written is named in d. */
	wr = assay_report_write_all(&run, o->out_dir, d);
	reports_written = wr == 0;
	if (!o->quiet) {
		assay_report_print_summary(&run, stdout);
		assay_cli_print_pending(&run, o->out_dir, stdout);
	}
	if (wr != 0) {
		fprintf(stderr, "assay: the report in %s is not complete on disk "
		    "(%s): exit 3; free space and write it again with: %s\n",
		    o->out_dir, assay_strerror(wr), resume_hint);
		return wr;
	}
	if (o->sign_key == NULL)
		return 0;
	if (!run.complete) {
		fprintf(stderr, "assay: the run is incomplete: not signing; "
		    "it is signed when this finishes it: %s\n", resume_hint);
		return 0;
	}
	/*
	 * Checked before the run too; a draft is never signed (7.8.2.1).
	 * What was issued is what report.meta now says.
	 */
	if ((r = assay_report_meta_load(o->out_dir, &issued, &st, NULL,
	    d)) != 0)
		return r;
	nmiss = assay_report_draft_missing(&issued, missing, 3);
	assay_report_meta_store_free(&st);
	if (nmiss > 0) {
		for (i = 0; i < nmiss; i++)
			assay_diag_add(d, o->out_dir, 0, "not signed: the report "
			    "is a draft without %s", missing[i]);
		return ASSAY_ERR_INVALID_ARG;
	}
	/*
	 * A resumed run has just rewritten its reports, an amendment its
	 * new revision: a signature from before is stale by construction
	 * and is replaced.
	 */
	if ((r = assay_sign_dir(o->out_dir, o->sign_key, o->sign_cert,
	    o->resume || o->report_only ? ASSAY_SIGN_FORCE : 0, d)) != 0) {
		assay_diag_add(d, o->out_dir, 0, "the report is not signed: %s",
		    assay_strerror(r));
		return r;
	}
	if (!o->quiet)
		printf("signed: %s/MANIFEST, %s/report.p7s\n", o->out_dir,
		    o->out_dir);
	return 0;
}

/*
 * A signed report needs lab, customer and authoriser: prints what meta
 * lacks (named after the options) and returns ASSAY_EXIT_USAGE, or 0.
 */
static int
refuse_draft(const char *cmd, const char *dir,
    const struct assay_report_meta *meta)
{
	const char *missing[3];
	size_t i, n;

	if ((n = assay_report_draft_missing(meta, missing, 3)) == 0)
		return 0;
	fprintf(stderr, "assay %s: %s: a signed report needs the lab, the "
	    "customer and who authorises it (ISO/IEC 17025 7.8.2.1); this "
	    "one would be a draft without:\n", cmd, orq(dir));
	for (i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", missing[i]);
	fprintf(stderr, "give them as options or in --lab-config FILE, or "
	    "leave the report unsigned (a draft)\n");
	return ASSAY_EXIT_USAGE;
}

/*
 * The report options `assay run` and `assay amend` share: sets the field
 * of meta for option c (1001..1014), checking dates and states.  Returns
 * 0, 1 when c is not one of them, or ASSAY_EXIT_USAGE.
 */
int
assay_cli_meta_option(const char *cmd, int c, const char *arg,
    struct assay_report_meta *meta, char **cfg)
{
	static const char *const keys[] = { "lab", "lab-address", "location",
	    "customer", "customer-contact", "assessor", "authorised-by" };

	switch (c) {
	case 1001: case 1002: case 1003: case 1004: case 1005: case 1006:
	case 1007:
		(void)assay_report_meta_set(meta, keys[c - 1001], arg);
		return 0;
	case 1008:
		return read_lab_config(arg, meta, cfg);
	case 1013:
		if (!assay_report_date_ok(arg))
			return assay_cli_usage_error(cmd, "--device-received: \"%s\" is "
			    "not a date YYYY-MM-DD", orq(arg));
		meta->device_received = arg;
		return 0;
	case 1014:
		if (!assay_report_state_ok(arg))
			return assay_cli_usage_error(cmd, "--device-state: \"%s\" is not "
			    "factory-default or initialised", orq(arg));
		meta->device_state = arg;
		return 0;
	}
	return 1;
}

/*
 * --color=auto|always|never for progress on stderr: auto is colour on a
 * terminal unless NO_COLOR is set (no-color.org) or TERM is dumb.  The
 * live status line needs a terminal, whatever the colour.  Returns 0, or
 * a usage error for a bad value.
 */
static int
parse_color(const char *cmd, const char *arg, int *mode)
{
	if (strcmp(arg, "auto") == 0)
		*mode = -1;
	else if (strcmp(arg, "always") == 0)
		*mode = 1;
	else if (strcmp(arg, "never") == 0)
		*mode = 0;
	else
		return assay_cli_usage_error(cmd, "--color is auto, always or never, "
		    "not \"%s\"", arg);
	return 0;
}

static void
terminal_output(int mode, int quiet, int *color, int *status_line)
{
	const char *term = getenv("TERM"), *nc = getenv("NO_COLOR");
	int tty = isatty(STDERR_FILENO) && (term == NULL ||
	    strcmp(term, "dumb") != 0);

	*color = mode == 1 || (mode == -1 && tty && (nc == NULL || *nc == '\0'));
	*status_line = tty && !quiet;
}

/* --fail-on: which results make `assay run` exit non-zero (for CI). */
enum fail_on { FAIL_ON_INCOMPLETE, FAIL_ON_FAIL, FAIL_ON_NEVER };

/*
 * The exit code under --fail-on, for a run whose reports are on disk: the
 * default keeps the codes; fail keeps 1 and turns 3 into 0; never turns
 * 1 and 3 into 0.  Each change is said on stderr, so a CI log shows what
 * the report says.
 */
static int
apply_fail_on(enum fail_on f, int code)
{
	if (f == FAIL_ON_INCOMPLETE || code == ASSAY_EXIT_PASS ||
	    code == ASSAY_EXIT_USAGE)
		return code;
	if (code == ASSAY_EXIT_INCONCLUSIVE || f == FAIL_ON_NEVER) {
		fprintf(stderr, "assay run: exit 0 by --fail-on %s: the result "
		    "is %s (exit %d without it)\n", f == FAIL_ON_FAIL ? "fail" :
		    "never", code == ASSAY_EXIT_FAIL ? "FAIL" :
		    "not a complete PASS", code);
		return ASSAY_EXIT_PASS;
	}
	return code;
}

/* Every report file the run wrote, and where the evidence is. */
static void
print_report_files(const char *dir)
{
	const struct assay_report_format *f;
	size_t i;

	for (i = 0; (f = assay_report_format(i)) != NULL; i++)
		printf("%s %s/%s\n", i == 0 ? "reports:" : "        ", dir,
		    f->file);
	printf("evidence: %s/evidence/\n", dir);
}

/*
 * With --fleet, every option but the fleet's own (--fleet, --parallel,
 * --out, --format, --fail-on, --color, --quiet) and the ones a fleet
 * refuses goes to each device's run as given: appended to pass
 * (--NAME [ARG]) by its long name.
 */
static void
pass_option(const struct option *opts, int c, const char *arg,
    const char **pass, size_t *npass)
{
	switch (c) {
	case 'c': case 'x': case 's': case 'o': case 'F': case 'q':
	case 1020: case 1021: case 1024: case 1025: case 1011: case 1012:
		return;
	}
	static char names[64][32];	/* "--NAME" by the option's index */
	size_t k;

	for (k = 0; k < 64 && opts[k].name != NULL; k++)
		if (opts[k].val == c) {
			snprintf(names[k], sizeof(names[k]), "--%s",
			    opts[k].name);
			pass[(*npass)++] = names[k];
			if (opts[k].has_arg != no_argument)
				pass[(*npass)++] = arg;
			return;
		}
}

static int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ics",		required_argument,	NULL, 'c' },
		{ "ixit",		required_argument,	NULL, 'x' },
		{ "setup",		required_argument,	NULL, 's' },
		{ "out",		required_argument,	NULL, 'o' },
		{ "only",		required_argument,	NULL, 'O' },
		{ "jobs",		required_argument,	NULL, 'j' },
		{ "resume",		no_argument,		NULL, 'r' },
		{ "catalogue",		required_argument,	NULL, 'C' },
		{ "max-connections",	required_argument,	NULL, 'M' },
		{ "max-rate",		required_argument,	NULL, 'R' },
		{ "rate-fixed",		no_argument,		NULL, 1026 },
		{ "timeout",		required_argument,	NULL, 'T' },
		{ "memory",		required_argument,	NULL, 'm' },
		{ "quiet",		no_argument,		NULL, 'q' },
		{ "verbose",		no_argument,		NULL, 'v' },
		{ "format",		required_argument,	NULL, 'F' },
		{ "fail-on",		required_argument,	NULL, 1020 },
		{ "color",		required_argument,	NULL, 1021 },
		{ "profile",		required_argument,	NULL, 1022 },
		{ "tailoring",		required_argument,	NULL, 1023 },
		{ "fleet",		required_argument,	NULL, 1024 },
		{ "parallel",		required_argument,	NULL, 1025 },
		META_OPTIONS,
		{ "observation",	required_argument,	NULL, 1011 },
		{ "judgement",		required_argument,	NULL, 1012 },
		{ "sign-key",		required_argument,	NULL, 1009 },
		{ "sign-cert",		required_argument,	NULL, 1010 },
		{ "help",		no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *cfg[ASSAY_CLI_LAB_KEYS] = { NULL };
	struct assay_report_meta disk, merged;
	struct assay_report_meta_store st;
	const char **obs = NULL, **jud = NULL;
	struct assay_engine_opts o;
	struct assay_diag *d = NULL;
	struct sigaction sa;
	enum fail_on fail_on = FAIL_ON_INCOMPLETE;
	int color_mode = -1;
	const char **only = NULL;
	enum format fmt = FORMAT_TEXT;
	char path[ASSAY_PATH_MAX];
	struct assay_cli_fleet_opts fo;
	const char **pass = NULL;
	int c, r, v = 0, code, parallel = 0;
	const char *fleet = NULL;

	memset(&o, 0, sizeof(o));
	o.finish = finish_run;
	if ((only = calloc((size_t)argc, sizeof(char *))) == NULL ||
	    (obs = calloc((size_t)argc, sizeof(char *))) == NULL ||
	    (jud = calloc((size_t)argc, sizeof(char *))) == NULL ||
	    (pass = calloc((size_t)argc * 2 + 1, sizeof(char *))) == NULL) {
		code = ASSAY_EXIT_USAGE;
		goto out;
	}
	o.observations = obs;
	o.judgements = jud;
	memset(&fo, 0, sizeof(fo));
	while ((c = getopt_long(argc, argv, "j:qhv", opts, NULL)) != -1) {
		r = 0;
		switch (c) {
		case 'c':
			o.ics_path = optarg;
			break;
		case 'x':
			o.ixit_path = optarg;
			break;
		case 's':
			o.setup_path = optarg;
			break;
		case 'o':
			o.out_dir = optarg;
			break;
		case 'O':
			only[o.nonly++] = optarg;
			break;
		case 'j':
			r = assay_cli_parse_int("run", "--jobs", optarg, 1, 64, &o.jobs);
			break;
		case 'r':
			o.resume = 1;
			break;
		case 'C':
			o.catalogue_dir = optarg;
			break;
		case 'M':
			r = assay_cli_parse_int("run", "--max-connections", optarg, 1,
			    65535, &o.max_connections);
			break;
		case 'R':
			r = assay_cli_parse_int("run", "--max-rate", optarg, 1, 1000000,
			    &o.max_rate);
			break;
		case 1026:
			o.rate_fixed = 1;
			break;
		case 'T':
			r = assay_cli_parse_int("run", "--timeout", optarg, 1, 86400, &v);
			o.limits.timeout_ms = v * 1000;
			break;
		case 'm':
			r = assay_cli_parse_int("run", "--memory", optarg, 1, 4096, &v);
			o.limits.max_bytes = (size_t)v * 1024 * 1024;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'F':
			r = parse_format("run", optarg, &fmt);
			break;
		case 1001: case 1002: case 1003: case 1004: case 1005:
		case 1006: case 1007: case 1008: case 1013: case 1014:
			r = assay_cli_meta_option("run", c, optarg, &o.meta, cfg);
			break;
		case 1009: o.sign_key = optarg; break;
		case 1011:
			obs[o.nobservations++] = optarg;
			break;
		case 1012:
			jud[o.njudgements++] = optarg;
			break;
		case 1010: o.sign_cert = optarg; break;
		case 1021:
			r = parse_color("run", optarg, &color_mode);
			break;
		case 1022:
			o.profile = optarg;
			break;
		case 1023:
			o.tailoring = optarg;
			break;
		case 1024:
			fleet = optarg;
			break;
		case 1025:
			r = assay_cli_parse_int("run", "--parallel", optarg, 1, 1024,
			    &parallel);
			break;
		case 1020:
			if (strcmp(optarg, "incomplete") == 0)
				fail_on = FAIL_ON_INCOMPLETE;
			else if (strcmp(optarg, "fail") == 0)
				fail_on = FAIL_ON_FAIL;
			else if (strcmp(optarg, "never") == 0)
				fail_on = FAIL_ON_NEVER;
			else
				r = assay_cli_usage_error("run", "--fail-on is incomplete, "
				    "fail or never, not \"%s\"", optarg);
			break;
		case 'h':
			printf("usage: assay run --ics FILE --ixit FILE --setup FILE --out DIR [OPTIONS]\n"
			    "\n"
			    "Assesses the device the forms describe, reached as the lab set-up\n"
			    "file says (addresses, budget, lab credentials; `assay init` writes a\n"
			    "template): checks the three files (exit 2 on a problem, nothing\n"
			    "run), decides applicability from the ICS,\n"
			    "runs every applicable test case of the catalogue, each in its own\n"
			    "sandbox, and writes DIR/report.json, DIR/report.xml and the\n"
			    "evidence under DIR/evidence/.  Progress goes to stderr.\n"
			    "\n"
			    "  --profile NAME     assess against this scheme's provisions (default\n"
			    "                     en303645-v2.1.1; 'assay list --profiles' lists\n"
			    "                     them), or a profile FILE.xml\n"
			    "  --tailoring FILE   the lab's tailoring of the profile: test cases\n"
			    "                     deselected or added, each justified in the\n"
			    "                     report's deviations (profiles/README.md)\n"
			    "  --only ID          run only this test case or test group (repeatable):\n"
			    "                     a partial run, reported with its scope, never PASS\n"
			    "  -j, --jobs N       test cases run concurrently (default: cores)\n"
			    "  --resume           finish an interrupted run in DIR\n"
			    "  --catalogue DIR    test cases from DIR instead of the bundled catalogue\n"
			    "  --max-connections N  per-device limit on concurrent connections\n"
			    "                     (overrides the set-up file's budget)\n"
			    "  --max-rate N       per-device ceiling on new connections per second;\n"
			    "                     the rate adapts below it to how the device answers\n"
			    "  --rate-fixed       run at --max-rate (or the set-up's) from the start,\n"
			    "                     not adapting to the device\n"
			    "  --timeout SECONDS  per-test-case time limit (default 300)\n"
			    "  --memory MIB       per-test-case Lua memory limit (default 64)\n"
			    "  -q, --quiet        no progress or summary\n"
			    "  -v, --verbose      a PASS's reason too; -vv: each unit's verdict,\n"
			    "                     basis and reason under its test case\n"
			    "  --color WHEN       verdicts in colour: auto (on a terminal, unless\n"
			    "                     NO_COLOR is set), always or never; on a\n"
			    "                     terminal a live status line shows what runs\n"
			    "  --format json      print report.json on stdout at the end\n"
			    "  --fail-on LEVEL    which results exit non-zero, for CI: incomplete\n"
			    "                     (default: the exit codes below), fail (1 on a\n"
			    "                     FAIL, else 0: an incomplete run is said on\n"
			    "                     stderr), never (0 whenever the report is\n"
			    "                     written); the report itself never changes\n"
			    "  --judgement TESTCASE=VERDICT:TEXT  the assessor's finding for a\n"
			    "                     manual step (e.g. 5.1-4-2=PASS:old password\n"
			    "                     rejected, new accepted); repeatable; recorded\n"
			    "                     with --assessor as who judged\n"
			    "  --observation [TESTCASE:]FILE  attach what the assessor recorded\n"
			    "                     (a photo of a label, notes); repeatable; listed in\n"
			    "                     the report with --assessor as who recorded it\n"
			    "  --sign-key K --sign-cert C  sign the report directory at the end\n"
			    "                     (MANIFEST + report.p7s; see `assay verify`)\n"
			    "  --fleet FILE       assess every device of a fleet file instead of\n"
			    "                     --ics/--ixit/--setup (docs/fleet.md): each\n"
			    "                     device is its own `assay run` process with the\n"
			    "                     options above, its report in DIR/<id>/, its\n"
			    "                     output in DIR/logs/<id>.log; every device's\n"
			    "                     forms are checked first; the summary goes to\n"
			    "                     DIR/fleet.json, fleet.html, fleet.junit.xml;\n"
			    "                     exit 1 if any device has a FAIL, else 3 if any\n"
			    "                     is not a complete PASS, else 0\n"
			    "  --parallel N       with --fleet: devices assessed at once\n"
			    "                     (default: 4 per core; a device's run mostly\n"
			    "                     waits on the network); -j is per device\n"
			    "\n"
			    META_HELP
			    "\n"
			    "Exit, from the overall result over the applicable provisions\n"
			    "(decision rule in the report): 0 PASS, every applicable provision\n"
			    "assessed and PASS; 1 FAIL, a provision in scope failed (also with an\n"
			    "ERROR); 2 usage or form error, nothing run; 3 INCOMPLETE: no FAIL,\n"
			    "but a provision not assessed, INCONCLUSIVE or ERROR, or a partial\n"
			    "(--only) or interrupted run; 3 also when a report file, a result\n"
			    "or the signature could not be written (disk full: each file is\n"
			    "named; free space and --resume).\n");
			code = 0;
			goto out;
		default:
			r = assay_cli_bad_option("run", argv);
			break;
		}
		if (r == 0)
			pass_option(opts, c, optarg, pass, &fo.npass);
		if (r != 0) {
			code = r;
			goto out;
		}
	}
	if (fleet != NULL || parallel != 0) {
		code = 0;
		if (fleet == NULL)
			code = assay_cli_usage_error("run", "--parallel is for "
			    "--fleet");
		else if (o.ics_path != NULL || o.ixit_path != NULL ||
		    o.setup_path != NULL)
			code = assay_cli_usage_error("run", "--fleet FILE names "
			    "each device's forms: no --ics, --ixit or --setup");
		else if (o.nobservations > 0 || o.njudgements > 0)
			code = assay_cli_usage_error("run", "--observation and "
			    "--judgement are for one device: not with --fleet");
		else if (o.out_dir == NULL || optind != argc)
			code = assay_cli_usage_error("run", "need --fleet FILE "
			    "and --out DIR");
		else if (o.sign_key != NULL && !o.resume)
			code = refuse_draft("run", o.out_dir, &o.meta);
		if (code == 0) {
			fo.fleet_path = fleet;
			fo.out_dir = o.out_dir;
			fo.parallel = parallel;
			fo.quiet = o.quiet || fmt == FORMAT_JSON;
			fo.resume = o.resume;
			fo.pass = pass;
			code = assay_cli_fleet_run(&fo);
			if (fmt == FORMAT_JSON && code != ASSAY_EXIT_USAGE &&
			    assay_path_join(path, sizeof(path), o.out_dir,
			    "fleet.json") == 0)
				assay_cli_cat_file(path);
			code = apply_fail_on(fail_on, code);
		}
		goto out;
	}
	if (o.ics_path == NULL || o.ixit_path == NULL || o.out_dir == NULL ||
	    optind != argc) {
		code = assay_cli_usage_error("run", "need --ics FILE, --ixit FILE, "
		    "--setup FILE and --out DIR");
		goto out;
	}
	if (o.setup_path == NULL) {
		code = assay_cli_usage_error("run", "need --setup FILE: the lab set-up "
		    "file says which address to test and holds the lab "
		    "credentials (IXIT version 2 no longer does; `assay init "
		    "DIR` writes a template)");
		goto out;
	}
	/*
	 * A draft is refused before anything runs: a resumed run keeps what
	 * its report.meta says, a new one has only the options.
	 */
	if (o.sign_key != NULL) {
		code = 0;
		merged = o.meta;
		if (o.resume && assay_report_meta_load(o.out_dir, &disk, &st,
		    NULL, NULL) == 0) {
			assay_report_meta_merge(&merged, &disk);
			code = refuse_draft("run", o.out_dir, &merged);
			assay_report_meta_store_free(&st);
		} else if (!o.resume)
			code = refuse_draft("run", o.out_dir, &merged);
		if (code != 0) {
			fprintf(stderr, "assay run: nothing was run\n");
			goto out;
		}
	}
	o.only = only;
	if (fmt == FORMAT_JSON)
		o.quiet = 1;
	set_resume_hint(argc, argv);
	o.resume_hint = resume_hint;
	terminal_output(color_mode, o.quiet, &o.color, &o.status_line);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((d = assay_diag_new()) == NULL) {
		code = ASSAY_EXIT_USAGE;
		goto out;
	}
	code = assay_cli_exit_code(assay_engine_run(&o, d));
	if (assay_diag_count(d) > 0)
		assay_diag_print(d, stderr);
	if (code == ASSAY_EXIT_USAGE)
		fprintf(stderr, "assay run: nothing was run\n");
	else if (!reports_written)
		/* An older report.json may be there: never show it as this. */
		fprintf(stderr, "assay run: no report written in %s\n",
		    o.out_dir);
	else {
		if (fmt == FORMAT_JSON) {
			if (assay_path_join(path, sizeof(path), o.out_dir,
			    "report.json") == 0)
				assay_cli_cat_file(path);
		} else if (!o.quiet)
			print_report_files(o.out_dir);
		code = apply_fail_on(fail_on, code);
	}
out:
	assay_diag_free(d);
	free(only);
	free(obs);
	free(jud);
	free(pass);
	for (v = 0; v < ASSAY_CLI_LAB_KEYS; v++)
		free(cfg[v]);
	return code;
}

/* --- demo ------------------------------------------------------------- */

static int
cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "persona",	required_argument,	NULL, 'p' },
		{ "out",	required_argument,	NULL, 'o' },
		{ "jobs",	required_argument,	NULL, 'j' },
		{ "refdevice",	required_argument,	NULL, 'R' },
		{ "host-network", no_argument,		NULL, 'H' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "color",	required_argument,	NULL, 1021 },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int color_mode = -1;
	struct assay_demo_opts o;
	struct assay_diag *d;
	struct sigaction sa;
	char out[256];
	time_t now = time(NULL);
	struct tm tm;
	int c, r, code;

	memset(&o, 0, sizeof(o));
	o.engine.finish = finish_run;
	o.persona = "weak";
	while ((c = getopt_long(argc, argv, "j:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o.persona = optarg;
			if (strcmp(optarg, "weak") != 0 &&
			    strcmp(optarg, "conforming") != 0)
				return assay_cli_usage_error("demo", "unknown persona "
				    "\"%s\" (weak or conforming)", optarg);
			break;
		case 'o':
			o.engine.out_dir = optarg;
			break;
		case 'j':
			if ((r = assay_cli_parse_int("demo", "--jobs", optarg, 1, 64,
			    &o.engine.jobs)) != 0)
				return r;
			break;
		case 'R':
			o.refdevice = optarg;
			break;
		case 'H':
			o.host_network = 1;
			break;
		case 'q':
			o.engine.quiet = 1;
			break;
		case 1021:
			if (parse_color("demo", optarg, &color_mode) != 0)
				return ASSAY_EXIT_USAGE;
			break;
		case 'h':
			printf("usage: assay demo [--persona weak|conforming] [--out DIR]\n"
			    "\n"
			    "Starts the bundled reference device (real servers from Debian:\n"
			    "lighttpd, busybox telnetd, dropbear, mosquitto, coap-server) in a\n"
			    "private network namespace, behind a lab gateway (a veth pair: the\n"
			    "device at 10.77.0.2 reaches its cloud and update server through\n"
			    "Assay at 10.77.0.1), assesses it with `assay run`, prints the\n"
			    "summary, leaves the report in DIR (default assay-demo-PERSONA-TIME)\n"
			    "and stops the device.  The weak persona has the flaws a lab should\n"
			    "find; the conforming one should give no FAIL.\n"
			    "\n"
			    "  --persona P      weak (default) or conforming\n"
			    "  --out DIR        report directory\n"
			    "  -j, --jobs N     test cases run concurrently\n"
			    "  --host-network   don't create a network namespace (the device\n"
			    "                   on loopback, its client side not assessed)\n"
			    "  --refdevice BIN  the reference device program to use\n"
			    "  --color WHEN     auto (default), always or never, as for run\n"
			    "\n"
			    "Exit codes as for `assay run`.\n");
			return 0;
		default:
			return assay_cli_bad_option("demo", argv);
		}
	}
	if (optind != argc)
		return assay_cli_usage_error("demo", "unexpected argument");
	terminal_output(color_mode, o.engine.quiet, &o.engine.color,
	    &o.engine.status_line);
	if (o.engine.out_dir == NULL) {
		gmtime_r(&now, &tm);
		snprintf(out, sizeof(out), "assay-demo-%s-", o.persona);
		strftime(out + strlen(out), sizeof(out) - strlen(out),
		    "%Y%m%dT%H%M%SZ", &tm);
		o.engine.out_dir = out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((d = assay_diag_new()) == NULL)
		return ASSAY_EXIT_USAGE;
	code = assay_cli_exit_code(assay_demo_run(&o, d));
	if (assay_diag_count(d) > 0)
		assay_diag_print(d, stderr);
	if (code != ASSAY_EXIT_USAGE && !reports_written)
		fprintf(stderr, "assay demo: no report written in %s\n",
		    o.engine.out_dir);
	else if (code != ASSAY_EXIT_USAGE && !o.engine.quiet)
		printf("report: %s/report.html (also report.json, report.xml, report.sarif, "
		    "junit.xml)\n", o.engine.out_dir);
	assay_diag_free(d);
	return code;
}

/* --- keygen, sign, verify ------------------------------------------- */

static int
cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out",	required_argument,	NULL, 'o' },
		{ "type",	required_argument,	NULL, 't' },
		{ "subject",	required_argument,	NULL, 's' },
		{ "days",	required_argument,	NULL, 'd' },
		{ "force",	no_argument,		NULL, 'f' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum assay_sign_keytype type = ASSAY_SIGN_KEY_ECDSA_P256;
	struct assay_diag *d = NULL;
	const char *out = NULL, *subject = "/CN=Assay report signing";
	char *end;
	long days = 730;
	int c, r, force = 0;

	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 't':
			if (assay_sign_keytype_parse(optarg, &type) != 0)
				return assay_cli_usage_error("keygen", "unknown key type "
				    "\"%s\" (ecdsa, rsa or ed25519)", optarg);
			break;
		case 's':
			subject = optarg;
			break;
		case 'd':
			errno = 0;
			days = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || days < 1 || days > 36500)
				return assay_cli_usage_error("keygen", "--days must be "
				    "1..36500");
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			printf("usage: assay keygen --out DIR [--type ecdsa|rsa|ed25519]\n"
			    "                    [--subject \"/CN=...\"] [--days N] [--force]\n"
			    "\n"
			    "Writes DIR/key.pem (private key, mode 0600) and DIR/cert.pem\n"
			    "(self-signed X.509 certificate) for signing reports in-house.\n"
			    "A lab with its own CA signs a certificate request instead.\n"
			    "\n"
			    "  --type      ecdsa (P-256, default), rsa (3072 bits), ed25519\n"
			    "              (OpenSSL 3.0 cannot make CMS signatures with ed25519)\n"
			    "  --subject   certificate subject (default \"/CN=Assay report signing\")\n"
			    "  --days      validity in days (default 730)\n"
			    "  -f, --force replace existing key.pem and cert.pem\n");
			return 0;
		default:
			return assay_cli_bad_option("keygen", argv);
		}
	}
	if (out == NULL || optind != argc)
		return assay_cli_usage_error("keygen", "need --out DIR");
	if ((d = assay_diag_new()) == NULL)
		return ASSAY_EXIT_USAGE;
	r = assay_sign_keygen(out, type, subject, (int)days,
	    force ? ASSAY_SIGN_FORCE : 0, d);
	if (r != 0) {
		assay_diag_print(d, stderr);
		fprintf(stderr, "assay keygen: %s\n", assay_strerror(r));
	} else {
		printf("wrote %s/key.pem (private, 0600) and %s/cert.pem\n",
		    out, out);
		if (type == ASSAY_SIGN_KEY_ED25519)
			fprintf(stderr, "assay keygen: warning: this build's "
			    "OpenSSL (%s) cannot sign reports with an Ed25519 "
			    "key (no CMS support for it): 'assay sign' will "
			    "refuse it; use --type ecdsa or rsa to sign now\n",
			    OpenSSL_version(OPENSSL_VERSION_STRING));
	}
	assay_diag_free(d);
	return r == 0 ? 0 : (r == ASSAY_ERR_INVALID_ARG || r == ASSAY_ERR_EXISTS ?
	    ASSAY_EXIT_USAGE : ASSAY_EXIT_FAIL);
}

static int
cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key",	required_argument,	NULL, 'k' },
		{ "cert",	required_argument,	NULL, 'c' },
		{ "force",	no_argument,		NULL, 'f' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct assay_diag *d = NULL;
	const char *key = NULL, *cert = NULL, *missing[3];
	size_t i, nmiss;
	int c, r, force = 0;

	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			key = optarg;
			break;
		case 'c':
			cert = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			printf("usage: assay sign DIR --key KEY.pem --cert CERT.pem [--force]\n"
			    "\n"
			    "Signs the report directory DIR: writes DIR/MANIFEST (SHA-256 of\n"
			    "every file) and DIR/report.p7s (detached CMS signature, DER).\n"
			    "Refuses symbolic links and special files in DIR, and a draft: a\n"
			    "report.xml without the lab, the customer or who authorised it\n"
			    "(exit 2, naming what is missing).\n"
			    "\n"
			    "  -f, --force   re-sign a directory that is already signed\n");
			return 0;
		default:
			return assay_cli_bad_option("sign", argv);
		}
	}
	if (key == NULL || cert == NULL || optind != argc - 1)
		return assay_cli_usage_error("sign", "need DIR, --key KEY and --cert CERT");
	/* What is signed is report.xml: a draft there is never signed. */
	r = assay_sign_report_missing(argv[optind], missing, 3, &nmiss);
	if (r != 0) {
		fprintf(stderr, "assay sign: %s: %s\n", orq(argv[optind]),
		    r == ASSAY_ERR_NOT_FOUND ? "no report.xml: not a report "
		    "directory" : r == ASSAY_ERR_PARSE ? "report.xml cannot "
		    "be read" : assay_strerror(r));
		return ASSAY_EXIT_USAGE;
	}
	if (nmiss > 0) {
		fprintf(stderr, "assay sign: %s: the report is a draft: a "
		    "signed report needs the lab, the customer and who "
		    "authorises it (ISO/IEC 17025 7.8.2.1); it has no:\n",
		    orq(argv[optind]));
		for (i = 0; i < nmiss; i++)
			fprintf(stderr, "  %s\n", missing[i]);
		fprintf(stderr, "write the report again with them (assay run "
		    "--resume ... --lab-config FILE), then sign\n");
		return ASSAY_EXIT_USAGE;
	}
	if ((d = assay_diag_new()) == NULL)
		return ASSAY_EXIT_USAGE;
	r = assay_sign_dir(argv[optind], key, cert,
	    force ? ASSAY_SIGN_FORCE : 0, d);
	if (r != 0) {
		assay_diag_print(d, stderr);
		fprintf(stderr, "assay sign: %s: %s\n", argv[optind],
		    assay_strerror(r));
	} else
		printf("signed %s (MANIFEST, report.p7s)\n", argv[optind]);
	assay_diag_free(d);
	/*
	 * Not signed is no verdict on the report: never 0, and not 1.  A
	 * directory already signed is left as it was: nothing done (2).
	 */
	if (r == ASSAY_ERR_EXISTS)
		return ASSAY_EXIT_USAGE;
	return r == 0 ? 0 : ASSAY_EXIT_INCONCLUSIVE;
}

static const char *
trust_name(enum assay_verify_trust t)
{
	switch (t) {
	case ASSAY_VERIFY_CA:
		return "ca";
	case ASSAY_VERIFY_PINNED:
		return "pinned";
	case ASSAY_VERIFY_SIGNATURE_ONLY:
		break;
	}
	return "signature-only";
}

/* The revision report.xml states (1 when it states none), or 0 if bad. */
static int
report_revision(const struct assay_verify *v)
{
	const char *s = assay_verify_report_field(v, "revision");
	char *end;
	long n;

	if (s == NULL)
		return 1;
	n = strtol(s, &end, 10);
	return *end != '\0' || n < 1 || n > 9999 ? 0 : (int)n;
}

/*
 * One field of the signed report.xml in verify's JSON, in the key style
 * of report.json: snake_case, the counts as numbers, draft as a boolean,
 * absent as null; names and versions stay strings ("200", "1.0").
 */
static void
verify_field_json(struct assay_json *j, const char *name, const char *v)
{
	static const char *const counts[] = { "applicable", "assessed", "failed",
	    "not-in-scope", "not-fulfilled", "pass", "fail", "inconclusive",
	    "not-applicable", "error", "revision", NULL };
	char key[64], *end;
	long long n;
	size_t i;
	int count = 0;

	snprintf(key, sizeof(key), "%s", name);
	for (i = 0; key[i] != '\0'; i++)
		if (key[i] == '-')
			key[i] = '_';
	if (strcmp(name, "draft") == 0 && v != NULL &&
	    (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)) {
		assay_json_kv_bool(j, key, v[0] == 't');
		return;
	}
	for (i = 0; counts[i] != NULL; i++)
		count |= strcmp(name, counts[i]) == 0;
	if (count && v != NULL && v[0] >= '0' && v[0] <= '9') {
		errno = 0;
		n = strtoll(v, &end, 10);
		if (*end == '\0' && errno == 0 && (v[0] != '0' || v[1] == '\0')) {
			assay_json_kv_int(j, key, n);
			return;
		}
	}
	assay_json_kv_string(j, key, v);
}

static void
print_verify_json(const char *dir, const struct assay_verify *v,
    int prev, const struct assay_verify *pv, int signed_dir)
{
	static const char *const fields[] = { "id", "manufacturer", "model",
	    "hardware-version", "firmware-version", "result", "result-text",
	    "scope", "scope-only", "applicable", "assessed", "failed",
	    "not-in-scope", "not-fulfilled", "decision-rule",
	    "test-case-verdict", "verdict", "pass", "fail", "inconclusive",
	    "not-applicable", "error", "revision", "issued", "draft",
	    "replaces", "amendment", "lab", "customer", "authorised-by" };
	const struct assay_diag *p = assay_verify_problems(v);
	const struct assay_diag *w = assay_verify_warnings(v);
	struct assay_json j;
	char rdir[32];
	size_t i, nhidden = 0;

	assay_json_init(&j, stdout, 1);
	assay_json_begin_object(&j);
	assay_json_kv_string(&j, "dir", dir);
	assay_json_kv_bool(&j, "signed", signed_dir);
	assay_json_kv_bool(&j, "verified", assay_verify_ok(v));
	assay_json_kv_bool(&j, "signature_valid", assay_verify_signature_ok(v));
	assay_json_kv_string(&j, "trust", trust_name(assay_verify_trust(v)));
	assay_json_kv_string(&j, "signer", assay_verify_signer(v));
	assay_json_kv_string(&j, "signing_time", assay_verify_signing_time(v));
	assay_json_kv_string(&j, "signature_algorithm", assay_verify_algorithm(v));
	assay_json_kv_int(&j, "files_listed", (long long)assay_verify_nlisted(v));
	assay_json_kv_int(&j, "files_matched", (long long)assay_verify_nmatched(v));
	assay_json_key(&j, "report");
	assay_json_begin_object(&j);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		verify_field_json(&j, fields[i],
		    assay_verify_report_field(v, fields[i]));
	assay_json_end_object(&j);
	assay_json_key(&j, "problems");
	assay_json_begin_array(&j);
	for (i = 0; i < assay_diag_count(p); i++) {
		if (*assay_diag_message(p, i) == '\0') {
			nhidden++;	/* over the diagnostics cap */
			continue;
		}
		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "file", assay_diag_file(p, i));
		if (assay_diag_line(p, i) > 0)
			assay_json_kv_int(&j, "line", assay_diag_line(p, i));
		assay_json_kv_string(&j, "message", assay_diag_message(p, i));
		assay_json_end_object(&j);
	}
	assay_json_end_array(&j);
	assay_json_kv_int(&j, "problems_not_shown", (long long)nhidden);
	assay_json_key(&j, "warnings");
	assay_json_begin_array(&j);
	for (i = 0; i < assay_diag_count(w); i++)
		assay_json_string(&j, assay_diag_message(w, i));
	assay_json_end_array(&j);
	/* An amended report: the revision it replaces, as kept. */
	assay_json_key(&j, "predecessor");
	if (pv == NULL)
		assay_json_null(&j);
	else {
		p = assay_verify_problems(pv);
		assay_json_begin_object(&j);
		assay_json_kv_int(&j, "revision", prev);
		assay_json_kv_string(&j, "replaces",
		    assay_verify_report_field(v, "replaces"));
		snprintf(rdir, sizeof(rdir), "revisions/%d", prev);
		assay_json_kv_string(&j, "dir", rdir);
		assay_json_kv_bool(&j, "verified", assay_verify_ok(pv));
		assay_json_kv_bool(&j, "signature_valid",
		    assay_verify_signature_ok(pv));
		assay_json_kv_string(&j, "signer", assay_verify_signer(pv));
		assay_json_kv_string(&j, "signing_time",
		    assay_verify_signing_time(pv));
		assay_json_kv_string(&j, "report_id",
		    assay_verify_report_field(pv, "id"));
		assay_json_kv_string(&j, "report_revision",
		    assay_verify_report_field(pv, "revision"));
		assay_json_kv_int(&j, "files_listed",
		    (long long)assay_verify_nlisted(pv));
		assay_json_kv_int(&j, "files_matched",
		    (long long)assay_verify_nmatched(pv));
		assay_json_key(&j, "problems");
		assay_json_begin_array(&j);
		for (i = 0; i < assay_diag_count(p); i++) {
			if (*assay_diag_message(p, i) == '\0')
				continue;
			assay_json_begin_object(&j);
			assay_json_kv_string(&j, "file", assay_diag_file(p, i));
			assay_json_kv_string(&j, "message",
			    assay_diag_message(p, i));
			assay_json_end_object(&j);
		}
		assay_json_end_array(&j);
		assay_json_end_object(&j);
	}
	assay_json_end_object(&j);
}


/*
 * Whether dir holds a signature at all (report.p7s or MANIFEST): a report
 * directory `assay run` left unsigned has neither.
 */
static int
is_signed(const char *dir)
{
	char p[ASSAY_PATH_MAX];
	struct stat st;

	if (assay_path_join(p, sizeof(p), dir, "report.p7s") == 0 &&
	    lstat(p, &st) == 0)
		return 1;
	return assay_path_join(p, sizeof(p), dir, "MANIFEST") != 0 ||
	    lstat(p, &st) == 0 || lstat(dir, &st) != 0;
}

static void
print_verify_text(const char *dir, const struct assay_verify *v,
    int prev, const struct assay_verify *pv, int signed_dir)
{
	const struct assay_diag *p = assay_verify_problems(v);
	const struct assay_diag *w = assay_verify_warnings(v);
	size_t i, nhidden = 0;

	for (i = 0; signed_dir && i < assay_diag_count(w); i++)
		fprintf(stderr, "assay verify: warning: %s: %s\n",
		    orq(assay_diag_file(w, i)), orq(assay_diag_message(w, i)));
	printf("report:    %s\n", orq(dir));
	if (!signed_dir)
		/* Nothing to verify: say so, not "INVALID" with no signer. */
		printf("signature: NOT SIGNED (no report.p7s and no MANIFEST: "
		    "'assay sign --key KEY --cert CERT %s' signs it)\n",
		    orq(dir));
	else {
		printf("signature: %s%s%s%s\n", assay_verify_signature_ok(v) ?
		    "valid" : "INVALID", assay_verify_algorithm(v) ? " (" : "",
		    assay_verify_algorithm(v) ?
		    orq(assay_verify_algorithm(v)) : "",
		    assay_verify_algorithm(v) ? ")" : "");
		if (assay_verify_trust(v) == ASSAY_VERIFY_SIGNATURE_ONLY)
			printf("trust:     NOT CHECKED (signature only: give "
			    "--ca or --cert)\n");
		else
			printf("trust:     %s: %s\n", assay_verify_trust(v) ==
			    ASSAY_VERIFY_CA ? "chain to the given CA" :
			    "pinned certificate", assay_verify_signature_ok(v) ?
			    "holds" : "NOT ESTABLISHED");
		printf("signer:    %s\n", orq(assay_verify_signer(v)));
		printf("signed at: %s\n", orq(assay_verify_signing_time(v)));
	}
	if (assay_verify_report_field(v, "manufacturer") != NULL ||
	    assay_verify_report_field(v, "model") != NULL)
		printf("device:    %s %s (hardware %s, firmware %s)\n",
		    orq(assay_verify_report_field(v, "manufacturer")),
		    orq(assay_verify_report_field(v, "model")),
		    orq(assay_verify_report_field(v, "hardware-version")),
		    orq(assay_verify_report_field(v, "firmware-version")));
	if (assay_verify_report_field(v, "result") != NULL) {
		/* The signed overall result and its scope, as the report says. */
		printf("result:    %s\n", orq(assay_verify_report_field(v,
		    "result-text") ? assay_verify_report_field(v, "result-text") :
		    assay_verify_report_field(v, "result")));
		printf("scope:     %s%s%s\n",
		    orq(assay_verify_report_field(v, "scope")),
		    assay_verify_report_field(v, "scope-only") ? ": --only " : "",
		    assay_verify_report_field(v, "scope-only") ?
		    orq(assay_verify_report_field(v, "scope-only")) : "");
		printf("provisions: %s applicable, %s assessed, %s failed, "
		    "%s NOT FULFILLED, %s not in scope (rule %s)\n",
		    orq(assay_verify_report_field(v, "applicable")),
		    orq(assay_verify_report_field(v, "assessed")),
		    orq(assay_verify_report_field(v, "failed")),
		    orq(assay_verify_report_field(v, "not-fulfilled")),
		    orq(assay_verify_report_field(v, "not-in-scope")),
		    orq(assay_verify_report_field(v, "decision-rule")));
		printf("test cases: worst %s (pass %s, fail %s, inconclusive %s, "
		    "not applicable %s, error %s)\n",
		    orq(assay_verify_report_field(v, "test-case-verdict")),
		    orq(assay_verify_report_field(v, "pass")),
		    orq(assay_verify_report_field(v, "fail")),
		    orq(assay_verify_report_field(v, "inconclusive")),
		    orq(assay_verify_report_field(v, "not-applicable")),
		    orq(assay_verify_report_field(v, "error")));
	} else if (assay_verify_report_field(v, "verdict") != NULL)
		printf("summary:   %s, test cases only: the report states no "
		    "overall result (pass %s, fail %s, inconclusive %s, "
		    "not applicable %s, error %s)\n",
		    orq(assay_verify_report_field(v, "verdict")),
		    orq(assay_verify_report_field(v, "pass")),
		    orq(assay_verify_report_field(v, "fail")),
		    orq(assay_verify_report_field(v, "inconclusive")),
		    orq(assay_verify_report_field(v, "not-applicable")),
		    orq(assay_verify_report_field(v, "error")));
	if (signed_dir)
		printf("files:     %zu of %zu listed files match\n",
		    assay_verify_nmatched(v), assay_verify_nlisted(v));
	for (i = 0; signed_dir && i < assay_diag_count(p); i++) {
		if (*assay_diag_message(p, i) == '\0')
			nhidden++;	/* over the diagnostics cap */
		else if (assay_diag_line(p, i) > 0)
			printf("  %s:%ld: %s\n", orq(assay_diag_file(p, i)),
			    assay_diag_line(p, i), orq(assay_diag_message(p, i)));
		else
			printf("  %s: %s\n", orq(assay_diag_file(p, i)),
			    orq(assay_diag_message(p, i)));
	}
	if (nhidden > 0)
		printf("  ... and %zu more problems not shown\n", nhidden);
	printf("revision:  %s (issued %s)%s\n",
	    orq(assay_verify_report_field(v, "revision") ?
	    assay_verify_report_field(v, "revision") : "1"),
	    orq(assay_verify_report_field(v, "issued")),
	    assay_verify_report_field(v, "draft") != NULL &&
	    strcmp(assay_verify_report_field(v, "draft"), "true") == 0 ?
	    ", DRAFT" : "");
	if (pv != NULL) {
		/* The predecessor is named; its own check is reported apart. */
		printf("replaces:  %s\n", orq(assay_verify_report_field(v,
		    "replaces")));
		printf("amendment: %s\n", orq(assay_verify_report_field(v,
		    "amendment")));
		printf("predecessor: revision %d in revisions/%d/: %s "
		    "(signature %s, signed by %s at %s; %zu of %zu listed "
		    "files match)\n", prev, prev, assay_verify_ok(pv) ?
		    "VERIFIED" : "NOT VERIFIED", assay_verify_signature_ok(pv) ?
		    "valid" : "INVALID", orq(assay_verify_signer(pv)),
		    orq(assay_verify_signing_time(pv)),
		    assay_verify_nmatched(pv), assay_verify_nlisted(pv));
		p = assay_verify_problems(pv);
		for (i = 0; i < assay_diag_count(p) && i < 20; i++)
			if (*assay_diag_message(p, i) != '\0')
				printf("  revisions/%d: %s: %s\n", prev,
				    orq(assay_diag_file(p, i)),
				    orq(assay_diag_message(p, i)));
	}
	printf("%s\n", !signed_dir ? "NOT VERIFIED (not signed)" :
	    assay_verify_ok(v) ? "VERIFIED" : "NOT VERIFIED");
}

static int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ca",		required_argument,	NULL, 'a' },
		{ "cert",	required_argument,	NULL, 'c' },
		{ "format",	required_argument,	NULL, 'F' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct assay_verify *v = NULL, *pv = NULL;
	const char *ca = NULL, *pin = NULL, *dir;
	enum format fmt = FORMAT_TEXT;
	int signed_dir;
	int c, r, rev, prev = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			ca = optarg;
			break;
		case 'c':
			pin = optarg;
			break;
		case 'F':
			if ((r = parse_format("verify", optarg, &fmt)) != 0)
				return r;
			break;
		case 'h':
			printf("usage: assay verify DIR [--ca CAFILE | --cert CERT] "
			    "[--format text|json]\n"
			    "\n"
			    "Checks DIR/report.p7s over DIR/MANIFEST, the signer's certificate,\n"
			    "and that every file in DIR is listed with its SHA-256 and no file\n"
			    "is missing or added.  Prints signer, signing time, device and\n"
			    "summary, and each file that differs and why.  An amended report\n"
			    "(`assay amend`) names the revision it replaces and says whether\n"
			    "that revision, kept in DIR/revisions/N/, still verifies; the exit\n"
			    "code is this revision's.\n"
			    "\n"
			    "  --ca CAFILE   the signer's certificate must chain to these CAs\n"
			    "  --cert CERT   the signer's certificate must be exactly CERT\n"
			    "  (neither: only the signature is checked, with a warning)\n"
			    "\n"
			    "Exit 0 when the report verifies, 1 when not, 2 for usage errors.\n");
			return 0;
		default:
			return assay_cli_bad_option("verify", argv);
		}
	}
	if (optind != argc - 1)
		return assay_cli_usage_error("verify", "expected one report directory");
	if (ca != NULL && pin != NULL)
		return assay_cli_usage_error("verify", "give --ca or --cert, not both");
	dir = argv[optind];
	signed_dir = is_signed(dir);
	r = assay_sign_verify(dir, ca, pin, &v);
	if (r != 0 && r != ASSAY_ERR_SIGNATURE && r != ASSAY_ERR_MANIFEST) {
		if (v != NULL)
			assay_diag_print(assay_verify_problems(v), stderr);
		fprintf(stderr, "assay verify: %s\n", assay_strerror(r));
		assay_verify_free(v);
		return ASSAY_EXIT_USAGE;
	}
	/*
	 * An amended report names the revision it replaces, kept in
	 * revisions/<N>/: checked with the same trust, and reported, but the
	 * verdict is this revision's (its MANIFEST covers the kept files
	 * too; an older revision signed with a retired key still verifies
	 * by signature, not by a pin of the new certificate).
	 */
	rev = report_revision(v);
	if (rev > 1) {
		prev = rev - 1;
		if (assay_sign_verify_revision(dir, prev, ca, pin, &pv) != 0 &&
		    pv == NULL)
			prev = 0;
	}
	if (fmt == FORMAT_JSON)
		print_verify_json(dir, v, prev, pv, signed_dir);
	else
		print_verify_text(dir, v, prev, pv, signed_dir);
	assay_verify_free(pv);
	assay_verify_free(v);
	return r == 0 && signed_dir ? 0 : ASSAY_EXIT_FAIL;
}

/* --- main ------------------------------------------------------------- */

int
assay_cli_exit_code(enum assay_run_status status)
{
	switch (status) {
	case ASSAY_RUN_PASS:
		return ASSAY_EXIT_PASS;
	case ASSAY_RUN_FAIL:
		return ASSAY_EXIT_FAIL;
	case ASSAY_RUN_INCOMPLETE:
		return ASSAY_EXIT_INCONCLUSIVE;
	case ASSAY_RUN_NOT_RUN:
		break;
	}
	return ASSAY_EXIT_USAGE;
}

/*
 * --version: what a report's reader needs to reproduce a run: Assay's
 * version and commit, the catalogue it would run (count, hash, where),
 * and the libraries it runs on, as linked (run time where they say).
 */
static int
print_version(void)
{
	struct assay_spec *spec = NULL;
	struct assay_catalogue *cat = NULL;
	struct assay_diag *d = assay_diag_new();
	const char *dd = assay_datadir();
	char catdir[ASSAY_PATH_MAX];
	const char *pcap = pcap_lib_version();
	const char *arch = archive_version_string();

	printf("assay %s (commit %s)\n", assay_version(), assay_commit());
	if (dd == NULL || d == NULL ||
	    assay_path_join(catdir, sizeof(catdir), dd, "testcases") != 0)
		printf("catalogue: none found (set ASSAY_DATADIR)\n");
	else if (assay_spec_load(dd, "2.1.1", &spec, d) != 0 ||
	    assay_catalogue_load(catdir, spec, &cat, d) != 0)
		printf("catalogue: %s does not load ('assay list' says why)\n",
		    catdir);
	else
		printf("catalogue: %zu test cases, sha256 %s (%s)\n",
		    assay_catalogue_count(cat), assay_catalogue_sha256(cat),
		    catdir);
	/* Their own words minus the name: "libpcap version 1.10.3 (...)". */
	if (strncmp(pcap, "libpcap version ", 16) == 0)
		pcap += 16;
	if (strncmp(arch, "libarchive ", 11) == 0)
		arch += 11;
	printf("libraries: OpenSSL %s, libcurl %s, libxml2 %s, %s, "
	    "libssh %s, libarchive %s, libpcap %s\n",
	    OpenSSL_version(OPENSSL_VERSION_STRING),
	    curl_version_info(CURLVERSION_NOW)->version, LIBXML_DOTTED_VERSION,
	    LUA_RELEASE, ssh_version(0), arch, pcap);
	assay_catalogue_free(cat);
	assay_spec_free(spec);
	assay_diag_free(d);
	return 0;
}

int
assay_cli_main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage_main(stderr);
		return ASSAY_EXIT_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 && argc == 3) {
		/* assay help CMD: as assay CMD --help. */
		char *hargv[] = { argv[2], (char *)"--help", NULL };

		for (i = 0; i < NSUBCOMMANDS; i++)
			if (strcmp(argv[2], subcommands[i].name) == 0) {
				optind = 1;
				opterr = 0;
				return subcommands[i].fn(2, hargv);
			}
		fprintf(stderr, "assay help: unknown subcommand \"%s\"\n"
		    "Try 'assay --help'.\n", argv[2]);
		return ASSAY_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage_main(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		return print_version();
	for (i = 0; i < NSUBCOMMANDS; i++) {
		if (strcmp(argv[1], subcommands[i].name) == 0) {
			optind = 1;
			opterr = 0;	/* assay_cli_bad_option() names it once */
			return subcommands[i].fn(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "assay: unknown subcommand \"%s\"\n"
	    "Try 'assay --help'.\n", argv[1]);
	return ASSAY_EXIT_USAGE;
}

/* --- amend ------------------------------------------------------------ */

/*
 * Records the worksheet into the run (run/review.h) before the new
 * revision is written.  Returns 0 or ASSAY_ERR_*; *nrec judgements.
 */
static int
record_worksheet(const char *dir, const char *worksheet, const char *assessor,
    const char *run_id, size_t *nrec, struct assay_diag *d)
{
	*nrec = 0;
	return assay_review_record(dir, worksheet, assessor, run_id, NULL,
	    nrec, d);
}

/* Creates the directories of the relative path rel below dir. */
static int
mkdirs_for(const char *dir, const char *rel)
{
	char path[ASSAY_PATH_MAX];
	size_t n, i;

	if (assay_path_join(path, sizeof(path), dir, rel) != 0)
		return ASSAY_ERR_TOO_BIG;
	n = strlen(dir) + 1;
	for (i = n; path[i] != '\0'; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return assay_file_error(errno);
		path[i] = '/';
	}
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) != 0 &&
	    errno != ENOENT ? -1 : 0;
}

/*
 * Removes the tree at path (not following links), then its parent
 * (revisions/) when that is left empty.
 */
static void
rm_tree(const char *path)
{
	char parent[ASSAY_PATH_MAX], *slash;

	(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	snprintf(parent, sizeof(parent), "%s", path);
	if ((slash = strrchr(parent, '/')) != NULL) {
		*slash = '\0';
		(void)rmdir(parent);
	}
}

/* Largest file an amendment copies (a journal, a form, a report). */
#define AMEND_MAX_COPY	(256u * 1024 * 1024)

/*
 * Keeps revision prev of the signed report dir in dir/revisions/<prev>/:
 * MANIFEST, report.p7s and every file MANIFEST lists that the new
 * revision may rewrite (all but the run's evidence, observations and
 * earlier revisions, which nothing rewrites).  Returns 0 or ASSAY_ERR_*.
 */
static int
keep_revision(const char *dir, int prev, struct assay_diag *d)
{
	static const char *const sig[] = { ASSAY_SIGN_MANIFEST,
	    ASSAY_SIGN_SIGNATURE };
	struct assay_walk_list es = { NULL, 0, 0 };
	struct assay_buf *man = NULL, *b = NULL;
	char from[ASSAY_PATH_MAX], to[ASSAY_PATH_MAX], rel[ASSAY_PATH_MAX];
	char sub[64];
	const char *p;
	size_t i;
	int r;

	snprintf(sub, sizeof(sub), "revisions/%d", prev);
	if ((r = assay_path_join(from, sizeof(from), dir,
	    ASSAY_SIGN_MANIFEST)) != 0 ||
	    (r = assay_file_read(from, ASSAY_SIGN_MAX_MANIFEST_LEN, &man)) != 0 ||
	    (r = assay_manifest_parse(assay_buf_data(man), assay_buf_len(man),
	    &es, d)) != 0)
		goto out;
	/* The signature and MANIFEST first (rollback reads it), then files. */
	for (i = 0; i < es.n + 2; i++) {
		p = i < 2 ? sig[i] : es.v[i - 2].path;
		if (strncmp(p, "evidence/", 9) == 0 ||
		    strncmp(p, "observations/", 13) == 0 ||
		    strncmp(p, "revisions/", 10) == 0)
			continue;
		if ((r = assay_path_join(from, sizeof(from), dir, p)) != 0 ||
		    (r = assay_path_fmt(rel, sizeof(rel), "%s/%s", sub, p)) != 0 ||
		    (r = mkdirs_for(dir, rel)) != 0 ||
		    (r = assay_path_join(to, sizeof(to), dir, rel)) != 0)
			break;
		if ((r = assay_file_read_at(AT_FDCWD, from, ASSAY_FILE_NOFOLLOW,
		    AMEND_MAX_COPY, &b)) != 0 ||
		    (r = assay_file_write_atomic(to, assay_buf_data(b),
		    assay_buf_len(b), 0644)) != 0) {
			assay_diag_add(d, from, 0, "cannot keep it in %s/: %s",
			    sub, assay_strerror(r));
			break;
		}
		assay_buf_free(b);
		b = NULL;
	}
 out:
	assay_walk_list_free(&es);
	assay_buf_free(man);
	assay_buf_free(b);
	return r;
}

/* 1 when the sorted list es has path. */
static int
listed(const struct assay_walk_list *es, const char *path)
{
	size_t lo = 0, hi = es->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(es->v[mid].path, path)) == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Puts dir back as revision prev was signed, after an amendment that
 * failed: each file kept in revisions/<prev>/ is copied back, each file
 * its MANIFEST does not list (what the attempt added: a recorded
 * worksheet, attachments) is removed, then revisions/<prev>/ itself.
 * When the amendment began the directory held exactly what MANIFEST
 * listed (it verified), so this restores it.  Returns 0 or ASSAY_ERR_*.
 */
static int
rollback(const char *dir, int prev, struct assay_diag *d)
{
	static const char *const sig[] = { ASSAY_SIGN_MANIFEST,
	    ASSAY_SIGN_SIGNATURE };
	struct assay_walk_list want = { NULL, 0, 0 }, have = { NULL, 0, 0 };
	struct assay_buf *man = NULL, *b = NULL;
	char kept[ASSAY_PATH_MAX], from[ASSAY_PATH_MAX], to[ASSAY_PATH_MAX];
	char sub[64];
	const char *p;
	size_t i, nsub;
	int dfd = -1, r, first = 0;

	nsub = (size_t)snprintf(sub, sizeof(sub), "revisions/%d/", prev);
	if ((r = assay_path_fmt(kept, sizeof(kept), "%s/revisions/%d", dir,
	    prev)) != 0 ||
	    (r = assay_path_join(from, sizeof(from), kept,
	    ASSAY_SIGN_MANIFEST)) != 0)
		goto out;
	if ((r = assay_file_read(from, ASSAY_SIGN_MAX_MANIFEST_LEN, &man)) ==
	    ASSAY_ERR_NOT_FOUND) {
		/* Keeping failed at its first file: nothing was touched. */
		rm_tree(kept);
		r = 0;
		goto out;
	}
	if (r != 0 || (r = assay_manifest_parse(assay_buf_data(man),
	    assay_buf_len(man), &want, d)) != 0)
		goto out;
	for (i = 0; i < want.n + 2; i++) {
		p = i < want.n ? want.v[i].path : sig[i - want.n];
		if (assay_path_join(from, sizeof(from), kept, p) != 0 ||
		    access(from, F_OK) != 0)
			continue;	/* never rewritten: still in place */
		if ((r = assay_path_join(to, sizeof(to), dir, p)) != 0 ||
		    (r = assay_file_read_at(AT_FDCWD, from, ASSAY_FILE_NOFOLLOW,
		    AMEND_MAX_COPY, &b)) != 0 ||
		    (r = assay_file_write_atomic(to, assay_buf_data(b),
		    assay_buf_len(b), 0644)) != 0) {
			assay_diag_add(d, to, 0, "cannot restore: %s",
			    assay_strerror(r));
			if (first == 0)
				first = r;
		}
		assay_buf_free(b);
		b = NULL;
	}
	if ((r = assay_walk_open_dir(dir, &dfd)) != 0 ||
	    (r = assay_manifest_collect(dfd, &have)) != 0)
		goto out;
	for (i = 0; i < have.n; i++) {
		p = have.v[i].path;
		if (strncmp(p, sub, nsub) == 0 || listed(&want, p))
			continue;
		if (unlinkat(dfd, p, 0) != 0 && errno != ENOENT) {
			assay_diag_add(d, p, 0, "cannot remove: %s",
			    strerror(errno));
			if (first == 0)
				first = assay_file_error(errno);
		}
	}
	if (first == 0)
		rm_tree(kept);
	r = first;
 out:
	if (dfd != -1)
		close(dfd);
	assay_walk_list_free(&want);
	assay_walk_list_free(&have);
	assay_buf_free(man);
	assay_buf_free(b);
	return r;
}

/* "key: old -> new" for each report field the amendment changes. */
static int
meta_changes(const struct assay_report_meta *old,
    const struct assay_report_meta *now, struct assay_buf *out)
{
	const char *k, *a, *b;
	size_t i, n = 0;
	int r = 0;

	for (i = 0; i < ASSAY_CLI_LAB_KEYS && r == 0; i++) {
		k = assay_report_meta_key(i);
		a = assay_report_meta_get(old, k);
		b = assay_report_meta_get(now, k);
		if ((a == NULL && b == NULL) || (a != NULL && b != NULL &&
		    strcmp(a, b) == 0))
			continue;
		r = assay_buf_printf(out, "%s%s: %s%s%s -> %s%s%s", n++ ? "; " :
		    "", k, a ? "\"" : "", a ? a : "(not stated)", a ? "\"" : "",
		    b ? "\"" : "", b ? b : "(not stated)", b ? "\"" : "");
	}
	if (r == 0)
		r = assay_buf_put(out, "", 1);
	return r;
}

static int
cmd_amend(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason",	required_argument,	NULL, 'r' },
		{ "apply",	required_argument,	NULL, 'a' },
		{ "sign-key",	required_argument,	NULL, 1009 },
		{ "sign-cert",	required_argument,	NULL, 1010 },
		{ "catalogue",	required_argument,	NULL, 'C' },
		{ "quiet",	no_argument,		NULL, 'q' },
		META_OPTIONS,
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct assay_engine_opts o;
	struct assay_report_meta old, merged;
	struct assay_report_meta_store st;
	struct assay_verify *v = NULL;
	struct assay_diag *d = NULL;
	struct assay_buf *changes = NULL;
	struct amend_ctx actx;
	char *cfg[ASSAY_CLI_LAB_KEYS] = { NULL };
	char replaces[160], kept[ASSAY_PATH_MAX], path[ASSAY_PATH_MAX];
	const char *dir = NULL, *reason = NULL, *worksheet = NULL, *id;
	size_t i, nrec = 0;
	struct assay_verify *nv = NULL;
	int c, r = 0, prev = 0, code = ASSAY_EXIT_USAGE, found = 0;
	int kept_made = 0;

	memset(&o, 0, sizeof(o));
	memset(&st, 0, sizeof(st));
	memset(&actx, 0, sizeof(actx));
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		r = 0;
		switch (c) {
		case 'r':
			reason = optarg;
			break;
		case 'a':
			worksheet = optarg;
			break;
		case 1009:
			o.sign_key = optarg;
			break;
		case 1010:
			o.sign_cert = optarg;
			break;
		case 'C':
			o.catalogue_dir = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'h':
			printf("usage: assay amend DIR --reason TEXT --sign-key K "
			    "--sign-cert C\n"
			    "                  [--apply WORKSHEET --assessor NAME] "
			    "[--lab-config FILE] [report options]\n"
			    "\n"
			    "Issues a new revision of the signed report in DIR (ISO/IEC\n"
			    "17025 7.8.8): keeps the signed revision N (its report files,\n"
			    "MANIFEST and report.p7s) in DIR/revisions/N/, records the\n"
			    "worksheet if given, writes the reports again from the run on\n"
			    "disk as revision N+1, which names the report and revision it\n"
			    "replaces and says why and what changed (report fields,\n"
			    "judgements added, verdicts changed), and signs it.  Nothing\n"
			    "is run against the device.\n"
			    "\n"
			    "  --reason TEXT      why the report is amended (required)\n"
			    "  --apply WORKSHEET  record an assessor's worksheet first\n"
			    "                     (as `assay review --apply`; needs --assessor)\n"
			    "  --sign-key K --sign-cert C  sign the new revision (required)\n"
			    "  --catalogue DIR    the catalogue the run used, if not bundled\n"
			    "\n"
			    META_HELP
			    "Fields not given keep what DIR/report.meta states.\n"
			    "\n"
			    "All or nothing: unless the new revision is written, signed and\n"
			    "verifies, DIR is put back as revision N was signed.\n"
			    "\n"
			    "Exit: 0, 1 or 3 as the new revision's result (as `assay run`); 2\n"
			    "when nothing was amended: DIR is not signed or does not verify,\n"
			    "the new revision would be a draft, the worksheet is refused, or\n"
			    "the run cannot be rebuilt; 3 when the new revision could not be\n"
			    "written or signed (DIR put back).\n");
			code = 0;
			goto out;
		default:
			r = assay_cli_meta_option("amend", c, optarg, &o.meta, cfg);
			if (r == 1)
				r = assay_cli_bad_option("amend", argv);
			break;
		}
		if (r != 0)
			goto out;
	}
	if (optind != argc - 1) {
		assay_cli_usage_error("amend", "expected one report directory");
		goto out;
	}
	dir = argv[optind];
	if (reason == NULL || *reason == '\0') {
		assay_cli_usage_error("amend", "need --reason TEXT: an amendment says why");
		goto out;
	}
	if (o.sign_key == NULL || o.sign_cert == NULL) {
		assay_cli_usage_error("amend", "need --sign-key K and --sign-cert C: a new "
		    "revision of a signed report is signed");
		goto out;
	}
	if (worksheet != NULL && o.meta.assessor == NULL) {
		assay_cli_usage_error("amend", "--apply needs --assessor NAME: who judged");
		goto out;
	}
	if ((d = assay_diag_new()) == NULL ||
	    (changes = assay_buf_new(64 * 1024)) == NULL)
		goto out;

	/* Only a signed report that verifies is amended. */
	if (assay_path_join(path, sizeof(path), dir, ASSAY_SIGN_SIGNATURE) != 0 ||
	    access(path, F_OK) != 0 || assay_path_join(path, sizeof(path), dir,
	    ASSAY_SIGN_MANIFEST) != 0 || access(path, F_OK) != 0) {
		fprintf(stderr, "assay amend: %s is not signed (no MANIFEST and "
		    "report.p7s): an amendment is a new revision of a signed "
		    "report; sign this one with `assay sign`\n", orq(dir));
		goto out;
	}
	r = assay_sign_verify(dir, NULL, NULL, &v);
	if (r != 0) {
		if (v != NULL)
			for (i = 0; i < assay_diag_count(assay_verify_problems(v));
			    i++)
				fprintf(stderr, "  %s: %s\n", orq(assay_diag_file(
				    assay_verify_problems(v), i)),
				    orq(assay_diag_message(
				    assay_verify_problems(v), i)));
		fprintf(stderr, "assay amend: %s: the signed report does not "
		    "verify: not amending it\n", orq(dir));
		goto out;
	}
	if ((id = assay_verify_report_field(v, "id")) == NULL) {
		fprintf(stderr, "assay amend: %s: report.xml names no report "
		    "id\n", orq(dir));
		goto out;
	}

	/* What revision N stated, and what N+1 will. */
	if (assay_report_meta_load(dir, &old, &st, &found, d) != 0) {
		assay_diag_print(d, stderr);
		goto out;
	}
	prev = old.revision > 0 ? old.revision : report_revision(v);
	if (prev < 1 || prev >= 9999) {
		fprintf(stderr, "assay amend: %s: cannot tell the revision\n",
		    orq(dir));
		goto out;
	}
	merged = o.meta;
	assay_report_meta_merge(&merged, &old);
	merged.revision = prev + 1;
	snprintf(replaces, sizeof(replaces), "%s revision %d", id, prev);
	merged.replaces = replaces;
	merged.amendment = NULL;
	if ((code = refuse_draft("amend", dir, &merged)) != 0)
		goto out;
	code = ASSAY_EXIT_USAGE;
	if (meta_changes(&old, &merged, changes) != 0)
		goto out;

	snprintf(kept, sizeof(kept), "revisions/%d", prev);
	if (assay_path_join(path, sizeof(path), dir, kept) != 0)
		goto out;
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "assay amend: %s already exists: an earlier "
		    "amendment of revision %d kept it and could not put the "
		    "directory back; see what it holds, remove it, then amend "
		    "again\n", orq(path), prev);
		goto out;
	}
	kept_made = 1;
	if ((r = keep_revision(dir, prev, d)) != 0) {
		assay_diag_print(d, stderr);
		fprintf(stderr, "assay amend: cannot keep revision %d in %s: "
		    "%s\n", prev, orq(path), assay_strerror(r));
		goto out;
	}
	if (worksheet != NULL && (r = record_worksheet(dir, worksheet,
	    merged.assessor, assay_verify_report_field(v, "id"), &nrec,
	    d)) != 0) {
		assay_diag_print(d, stderr);
		fprintf(stderr, "assay amend: %s: not recorded (%s): nothing "
		    "amended\n", orq(worksheet), assay_strerror(r));
		goto out;
	}

	/* Revision N+1: the reports again from disk, then signed. */
	actx.reason = reason;
	actx.prev_revision = prev;
	actx.changes = assay_buf_data(changes);
	if (assay_path_fmt(actx.prev_xml, sizeof(actx.prev_xml),
	    "%s/report.xml", path) != 0)
		goto out;
	o.meta = merged;
	o.out_dir = dir;
	o.report_only = 1;
	o.finish = finish_run;
	o.finish_arg = &actx;
	o.jobs = 1;
	code = assay_cli_exit_code(assay_engine_run(&o, d));
	if (assay_diag_count(d) > 0)
		assay_diag_print(d, stderr);
	/* Amended only when revision N+1 is written, signed and verifies. */
	if (code != ASSAY_EXIT_USAGE && reports_written &&
	    assay_sign_verify(dir, NULL, NULL, &nv) == 0 &&
	    report_revision(nv) == prev + 1) {
		kept_made = 0;
		if (!o.quiet)
			printf("amended: %s revision %d replaces %s; revision %d "
			    "kept in %s/\n", orq(dir), prev + 1, orq(replaces),
			    prev, orq(path));
		goto out;
	}
	fprintf(stderr, "assay amend: %s: revision %d was not %s\n", orq(dir),
	    prev + 1, code == ASSAY_EXIT_USAGE || !reports_written ? "written" :
	    "signed");
	if (code != ASSAY_EXIT_USAGE)
		code = ASSAY_EXIT_INCONCLUSIVE;
 out:
	/* All or nothing: a failed amendment leaves revision N as signed. */
	if (kept_made) {
		if (rollback(dir, prev, d) == 0)
			fprintf(stderr, "assay amend: %s is back as revision %d was "
			    "signed\n", orq(dir), prev);
		else {
			assay_diag_print(d, stderr);
			fprintf(stderr, "assay amend: %s could not be put back; "
			    "the signed revision %d is kept in %s\n", orq(dir),
			    prev, orq(path));
		}
	}
	assay_verify_free(nv);
	assay_buf_free(actx.text);
	assay_buf_free(changes);
	assay_report_meta_store_free(&st);
	assay_verify_free(v);
	assay_diag_free(d);
	for (i = 0; i < ASSAY_CLI_LAB_KEYS; i++)
		free(cfg[i]);
	return code;
}
