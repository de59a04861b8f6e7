/*
 * cli.h - the `assay` command line.
 *
 * One contract everywhere: `assay SUBCOMMAND [options]`, `--help` on each,
 * `--format json` where a script may read the output.  Exit codes:
 *	0  every applicable test case PASS (or the command succeeded)
 *	1  at least one FAIL (verify: the report does not verify)
 *	2  usage or form error: nothing was run
 *	3  no FAIL, but an INCONCLUSIVE or ERROR verdict, a partial or
 *	   interrupted run; or a report file, a result or the signature could
 *	   not be written (whatever the verdicts: 0 and 1 always come with
 *	   the report on disk)
 */
#ifndef ASSAY_CLI_H
#define ASSAY_CLI_H

#define ASSAY_EXIT_PASS		0
#define ASSAY_EXIT_FAIL		1
#define ASSAY_EXIT_USAGE	2
#define ASSAY_EXIT_INCONCLUSIVE	3

#include <stddef.h>
#include <stdio.h>

enum assay_run_status;
struct assay_report_meta;

/* Limits of a --lab-config file: its size, one line, the keys it knows. */
#define ASSAY_CLI_LAB_FILE_MAX	65536
#define ASSAY_CLI_LAB_LINE_MAX	1023
#define ASSAY_CLI_LAB_KEYS	9

/*
 * The usage errors every subcommand gives, on stderr with the --help hint;
 * each returns ASSAY_EXIT_USAGE: a problem in words, a bad option as
 * getopt_long left it (named once: getopt itself is kept quiet), and
 * --format text|json (*json set).
 */
int	assay_cli_usage_error(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	assay_cli_bad_option(const char *cmd, char **argv);
/*
 * An integer option of cmd in lo..hi into *out: 0, or the usage error
 * ("OPT: \"S\" is not a number in LO..HI") printed and its exit code.
 */
int	assay_cli_parse_int(const char *cmd, const char *opt, const char *s,
	    int lo, int hi, int *out);
int	assay_cli_parse_format(const char *cmd, const char *s, int *json);

/*
 * The spec and the test-case catalogue (catdir, or the data directory's),
 * as list and explain read them; each problem said on stderr as "assay
 * CMD: ...".  Returns 0 or an ASSAY_ERR_*; *spec and *cat are the
 * caller's to free either way.
 */
struct assay_spec;
struct assay_catalogue;
int	assay_cli_load_catalogue(const char *cmd, const char *catdir,
	    struct assay_spec **spec, struct assay_catalogue **cat);

/* The exit code for how a run ended (the table above). */
int	assay_cli_exit_code(enum assay_run_status status);
/*
 * The report options `assay run`, `assay review` and `assay amend` share
 * (ISO/IEC 17025 7.8): option codes 1001..1014 in META_OPTIONS, each
 * setting a field of meta (cfg: the --lab-config store,
 * ASSAY_CLI_LAB_KEYS slots the caller frees), checking dates and states.
 * Returns 0, 1 when c is not one of them, or ASSAY_EXIT_USAGE.
 */
int	assay_cli_meta_option(const char *cmd, int c, const char *arg,
	    struct assay_report_meta *meta, char **cfg);
#define META_OPTIONS \
		{ "lab",		required_argument,	NULL, 1001 }, \
		{ "lab-address",	required_argument,	NULL, 1002 }, \
		{ "location",		required_argument,	NULL, 1003 }, \
		{ "customer",		required_argument,	NULL, 1004 }, \
		{ "customer-contact",	required_argument,	NULL, 1005 }, \
		{ "assessor",		required_argument,	NULL, 1006 }, \
		{ "authorised-by",	required_argument,	NULL, 1007 }, \
		{ "lab-config",		required_argument,	NULL, 1008 }, \
		{ "device-received",	required_argument,	NULL, 1013 }, \
		{ "device-state",	required_argument,	NULL, 1014 }

#define META_HELP \
	"Report details (ISO/IEC 17025 7.8), as options or KEY = VALUE lines\n" \
	"in --lab-config FILE (keys: lab, lab-address, location, customer,\n" \
	"customer-contact, assessor, authorised-by, device-received,\n" \
	"device-state); kept in DIR/report.meta for every rebuild:\n" \
	"  --lab NAME --lab-address TEXT --location TEXT --customer NAME\n" \
	"  --customer-contact TEXT --assessor NAME --authorised-by NAME\n" \
	"  --device-received YYYY-MM-DD   the date the lab received the device\n" \
	"  --device-state factory-default|initialised   the state it was tested in\n" \
	"A report without lab, customer or authoriser is a DRAFT and is not signed.\n"

/* `assay review` (cli_review.c): the assessor's worksheet. */
int	assay_cli_review(int argc, char **argv);
/* assay diff OLD NEW (cli_diff.c). */
int	assay_cli_diff(int argc, char **argv);
/*
 * Reads DIR/report.json (capped, with the strict JSON reader: a report
 * directory is not trusted) and checks it is an Assay report (an object
 * with a test_cases array).  Returns 0 with *out the caller's to free
 * (assay_json_free), or an ASSAY_ERR_* with *out NULL, why (whylen bytes)
 * saying what is wrong in words and the same said on stderr as
 * "assay CMD: DIR/report.json: why".
 */
struct assay_jv;
int	assay_cli_load_report(const char *cmd, const char *dir,
	    struct assay_jv **out, char *why, size_t whylen);
/* `assay report DIR --profile NAME` (cli_report.c). */
int	assay_cli_report(int argc, char **argv);
/* `assay list --profiles` (cli_report.c); json: --format json. */
int	assay_cli_list_profiles(int json);
/* Copies the file at path to stdout; -1 when it cannot be opened. */
int	assay_cli_cat_file(const char *path);
/* `assay probe tcp-sweep|tls|creds ...` (cli_probe.c). */
int	assay_cli_probe(int argc, char **argv);
/* assay explain ID (cli_explain.c). */
int	assay_cli_explain(int argc, char **argv);
struct assay_run;
/*
 * Prints how many units of run still need a person and the command to
 * review them (nothing when none).
 */
void	assay_cli_print_pending(const struct assay_run *run, const char *dir,
	    FILE *fp);

/* Runs the command line; returns the process exit code. */
int	assay_cli_main(int argc, char **argv);

/*
 * Parses len bytes of text, a --lab-config file called name (for the
 * messages), into meta: KEY = VALUE lines, # comments.  The keys are the
 * first ASSAY_CLI_LAB_KEYS of report.meta (assay_report_meta_key(): lab,
 * lab-address, location, customer, customer-contact, assessor,
 * authorised-by, device-received as YYYY-MM-DD, device-state as
 * factory-default or initialised).  Each value is
 * allocated into store[0..ASSAY_CLI_LAB_KEYS-1] (a slot already set is
 * freed first), which the caller frees; meta points into store.  Every
 * bad line (unknown key, no "=", a NUL byte, longer than
 * ASSAY_CLI_LAB_LINE_MAX) is reported to err as name:line: message.
 * Returns 0, or ASSAY_EXIT_USAGE after any bad line.
 */
int	assay_cli_parse_lab_config(const char *name, const char *text,
	    size_t len, struct assay_report_meta *meta, char **store, FILE *err);

#endif
