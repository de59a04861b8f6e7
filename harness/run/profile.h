/*
 * profile.h - profiles and tailoring (profiles/README.md).
 *
 * A profile says which provisions a scheme asks for and under which ids:
 * each item carries the scheme's id and the EN 303 645 V2.1.1 provisions
 * whose test cases assess it (none: the item is not assessed, with the
 * reason).  The default is en303645-v2.1.1, every provision.  A lab's
 * tailoring file, derived from one profile, deselects or adds test cases,
 * each change with a written justification the report lists among its
 * deviations.
 *
 * A profile selects; it never changes a verdict.  The engine runs the
 * test cases of the profile's provisions (minus the deselected, plus the
 * added), counts only those provisions in the decision rule, and the
 * report restates them under the profile's ids.
 */
#ifndef ASSAY_PROFILE_H
#define ASSAY_PROFILE_H

#include <stddef.h>

#include "base/hash.h"

struct assay_diag;
struct assay_spec;
struct assay_catalogue;

#define ASSAY_PROFILE_DEFAULT	"en303645-v2.1.1"

struct assay_profile_item {
	char	 *id;		/* the scheme's id: "5.1-1", "4.3-*", "5.3-4A" */
	char	 *title;	/* NULL when none */
	char	 *ref;		/* where the scheme asks it, or NULL */
	char	 *relation;	/* to V2.1.1: "same", "split", ..., or NULL */
	char	 *note;		/* or NULL */
	char	**provisions;	/* V2.1.1 provision ids that assess it */
	size_t	  nprovisions;
	char	 *not_assessed;	/* why, when nprovisions is 0 */
};

/* One change a tailoring file makes. */
struct assay_tailoring_change {
	int	 add;		/* 1 select (add), 0 deselect */
	char	*test_case;
	char	*justification;
	long	 line;
};

struct assay_profile {
	char				 id[65];
	char				*title;
	char				*numbering;	/* "EN 303 645 V2.1.1" */
	char				**sources;
	size_t				 nsources;
	char				**notes;
	size_t				 nnotes;
	struct assay_profile_item	*items;
	size_t				 nitems;
	char				*statement_title;	/* or NULL */
	char				**statement;
	size_t				 nstatement;
	char				 path[4096];
	char				 sha256[ASSAY_SHA256_HEX_LEN + 1];
	/* The tailoring applied, if any. */
	char				*tailoring_id;	/* or NULL */
	char				*tailoring_title;
	char				 tailoring_path[4096];
	char				 tailoring_sha256[ASSAY_SHA256_HEX_LEN + 1];
	struct assay_tailoring_change	*changes;
	size_t				 nchanges;
};

/*
 * Loads profile name from <datadir>/profiles/<name>.xml, or the file name
 * when it contains a '/' or ends in ".xml".  Checks it against the schema
 * and every provision it names against spec.  Returns 0 with *out the
 * caller's, or an ASSAY_ERR_* code with problems in d.
 */
int	assay_profile_load(const char *datadir, const char *name,
	    const struct assay_spec *spec, struct assay_profile **out,
	    struct assay_diag *d);
/*
 * Applies the tailoring file at path to p: its profile attribute must
 * be p's id, each test case must be in cat, a deselected one selected by
 * p, an added one not; no test case twice.  Returns 0 or an ASSAY_ERR_*
 * code with problems in d (p is unchanged then).
 */
int	assay_profile_tailor(struct assay_profile *p, const char *datadir,
	    const char *path, const struct assay_catalogue *cat,
	    struct assay_diag *d);
void	assay_profile_free(struct assay_profile *p);

/* Whether V2.1.1 provision id belongs to the (untailored) profile. */
int	assay_profile_has_provision(const struct assay_profile *p,
	    const char *id);
/*
 * Whether the tailored profile runs test case tc of group: its group is
 * in the profile and it is not deselected, or it is added.  *change (may
 * be NULL) is set to the tailoring change that decided, or NULL.
 */
int	assay_profile_selects(const struct assay_profile *p, const char *tc,
	    const char *group, const struct assay_tailoring_change **change);
/* Whether the tailored profile counts provision id (some test case added). */
int	assay_profile_counts(const struct assay_profile *p,
	    const struct assay_catalogue *cat, const char *id);
/*
 * The names of the profiles in <datadir>/profiles, sorted, into names
 * (each at most 64 characters + NUL); returns how many (at most max).
 */
size_t	assay_profile_names(const char *datadir, char (*names)[65], size_t max);

#endif /* ASSAY_PROFILE_H */
