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

enum assay_run_status;

/* The exit code for how a run ended (the table above). */
int	assay_cli_exit_code(enum assay_run_status status);
/* Runs the command line; returns the process exit code. */
int	assay_cli_main(int argc, char **argv);

#endif
