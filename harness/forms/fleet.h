/*
 * fleet.h - a fleet file: the devices one `assay run --fleet FILE`
 * assesses (setup/fleet.xsd, docs/fleet.md).
 *
 * Read with the forms' hostile-XML reader (no DOCTYPE, no entities, no
 * network; our schema, never the file's), then checked: every device has
 * an ICS and an IXIT after the <fleet> defaults, and its paths, made
 * relative to the fleet file's directory, fit ASSAY_PATH_MAX.
 */
#ifndef ASSAY_FORMS_FLEET_H
#define ASSAY_FORMS_FLEET_H

#include <stddef.h>

struct assay_diag;
struct assay_fleet;

/*
 * Loads path against <datadir>/setup/fleet.xsd.  Returns 0 with *out the
 * caller's (assay_fleet_free), or an ASSAY_ERR_* with every problem in d
 * as "file:line: message" and *out NULL.
 */
int		 assay_fleet_load(const char *datadir, const char *path,
		    struct assay_fleet **out, struct assay_diag *d);
void		 assay_fleet_free(struct assay_fleet *f);

size_t		 assay_fleet_count(const struct assay_fleet *f);
/*
 * Device i's id (its report directory's name), ICS, IXIT and set-up
 * paths (resolved against the fleet file's directory) and network
 * namespace name (NULL: none).  Borrowed: valid until assay_fleet_free.
 */
const char	*assay_fleet_id(const struct assay_fleet *f, size_t i);
const char	*assay_fleet_ics(const struct assay_fleet *f, size_t i);
const char	*assay_fleet_ixit(const struct assay_fleet *f, size_t i);
const char	*assay_fleet_setup(const struct assay_fleet *f, size_t i);
const char	*assay_fleet_netns(const struct assay_fleet *f, size_t i);
/* The line of device i in the fleet file, for messages. */
long		 assay_fleet_line(const struct assay_fleet *f, size_t i);

#endif
