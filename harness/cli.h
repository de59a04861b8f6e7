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

/* The exit code for how a run ended (the table above). */
int	assay_cli_exit_code(enum assay_run_status status);
/* `assay review` (cli_review.c): the assessor's worksheet. */
int	assay_cli_review(int argc, char **argv);
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
