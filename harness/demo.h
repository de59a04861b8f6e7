/*
 * demo.h - `assay demo`: assess the bundled reference device end to end.
 *
 * Enters a fresh network namespace (so nothing but the device listens on
 * its loopback and a port sweep is exact), starts assay-refdevice with the
 * chosen persona, runs the engine on the forms it wrote, prints the
 * summary, leaves the report, and stops the device.
 */
#ifndef ASSAY_DEMO_H
#define ASSAY_DEMO_H

#include "run/engine.h"

struct assay_demo_opts {
	const char			*persona;	/* "weak" or "conforming" */
	const char			*refdevice;	/* NULL: found next to assay */
	int				 host_network;	/* skip the namespace */
	struct assay_engine_opts	 engine;	/* out_dir etc.; forms filled in */
};

/*
 * Returns the run's status as assay_engine_run(); ASSAY_RUN_NOT_RUN also
 * when the device could not be started (why is in d).
 */
enum assay_run_status assay_demo_run(struct assay_demo_opts *o,
	    struct assay_diag *d);

#endif
