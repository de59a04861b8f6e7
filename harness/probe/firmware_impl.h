/*
 * probe/firmware_impl.h - what the two halves of the firmware probe share
 * (firmware.c unpacks, firmware_carve.c carves); not for other modules.
 */
#ifndef ASSAY_PROBE_FIRMWARE_IMPL_H
#define ASSAY_PROBE_FIRMWARE_IMPL_H

#include <stddef.h>
#include <string.h>

#include "probe/firmware.h"

/*
 * Makes room for element n of the array *v (alloc elements of size
 * bytes).  Returns 0 or ASSAY_ERR_ALLOC.
 */
int	assay_fw_grow(void **v, size_t *alloc, size_t n, size_t size);

/* Appends a zeroed element to the ASSAY_FW_LIST l; NULL when out of memory. */
#define FW_PUSH(l)							\
	(assay_fw_grow((void **)&(l).v, &(l).alloc, (l).n,		\
	    sizeof(*(l).v)) == 0 ?					\
	    memset(&(l).v[(l).n++], 0, sizeof(*(l).v)) : NULL)

enum assay_fw_notes { FW_CAP, FW_REFUSED, FW_PROBLEM };

/*
 * Adds a note to the caps, refused or problems list of res; each string
 * is made well-formed UTF-8.  A cap note is added once per what (the
 * first path that hit it); refused and problems stop at
 * ASSAY_FW_MAX_FINDINGS, then a "findings" cap is noted.  Returns 0 or
 * ASSAY_ERR_ALLOC.
 */
int	assay_fw_note(struct assay_fw_result *res, enum assay_fw_notes which,
	    const char *what, const char *path, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* 1 when the cap what was hit. */
int	assay_fw_cap_hit(const struct assay_fw_result *res, const char *what);

/* A well-formed UTF-8 copy of len bytes of s, or NULL. */
char	*assay_fw_text(const char *s, size_t len);

#endif /* ASSAY_PROBE_FIRMWARE_IMPL_H */
