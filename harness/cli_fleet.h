/*
 * cli_fleet.h - many devices per run (cli_fleet.c, docs/fleet.md).
 */
#ifndef ASSAY_CLI_FLEET_H
#define ASSAY_CLI_FLEET_H

#include <stddef.h>

struct assay_cli_fleet_opts {
	const char		*fleet_path;	/* the fleet file */
	const char		*out_dir;	/* OUT: OUT/<id>/, OUT/fleet.* */
	int			 parallel;	/* devices at once; <= 0: default */
	int			 quiet;
	int			 resume;	/* --resume given */
	/* `assay run` options given to every device's run, in order. */
	const char *const	*pass;
	size_t			 npass;
};

/*
 * `assay run --fleet FILE --out OUT`: checks every device, runs each as
 * its own `assay run` process, writes the summary.  Returns the fleet's
 * exit code (cli.h): 2 with nothing run when a form, the fleet file or a
 * namespace is bad; else 1 when any device has a FAIL, 3 when any is not
 * a complete PASS, 0 when all are.
 */
int	assay_cli_fleet_run(const struct assay_cli_fleet_opts *o);

/* `assay summarize DIR... [--out D]`; returns the exit code. */
int	assay_cli_summarize(int argc, char **argv);

#endif
