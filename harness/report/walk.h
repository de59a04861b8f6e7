/*
 * walk.h - list a report directory safely.
 *
 * The directory is hostile when a report is verified: it is walked with
 * openat()/fstatat(AT_SYMLINK_NOFOLLOW), files are opened O_NOFOLLOW and
 * checked to be the file that was listed, and anything that is not a
 * regular file or directory is recorded by kind, never followed or read.
 * So nothing outside the directory is ever read.
 */
#ifndef ASSAY_WALK_H
#define ASSAY_WALK_H

#include <stddef.h>

#include "base/hash.h"

#define ASSAY_WALK_MAX_FILES		1000000
#define ASSAY_WALK_MAX_DEPTH		32
#define ASSAY_WALK_MAX_PATH_LEN		4096

enum assay_walk_kind {
	ASSAY_WALK_FILE,	/* regular file, hashed */
	ASSAY_WALK_SYMLINK,
	ASSAY_WALK_SPECIAL,	/* FIFO, socket, device */
	ASSAY_WALK_TOO_DEEP,	/* directory below ASSAY_WALK_MAX_DEPTH */
	ASSAY_WALK_BAD_NAME,	/* too long or with control bytes (escaped) */
	ASSAY_WALK_UNREADABLE,	/* or replaced while being read */
};

struct assay_walk_entry {
	char			*path;	/* relative, "/"-separated */
	enum assay_walk_kind	 kind;
	unsigned char		 sha[ASSAY_SHA256_LEN];	/* zero unless FILE */
};

/* A growing list of entries; zero-initialise, free with _free(). */
struct assay_walk_list {
	struct assay_walk_entry	*v;
	size_t			 n, alloc;
};

/* Frees the entries and empties the list (not the list itself). */
void	assay_walk_list_free(struct assay_walk_list *es);
/*
 * Appends a copy of path with its kind and hash (sha may be NULL).
 * Returns 0, ASSAY_ERR_ALLOC, or ASSAY_ERR_TOO_BIG past
 * ASSAY_WALK_MAX_FILES entries.
 */
int	assay_walk_list_add(struct assay_walk_list *es, const char *path,
	    enum assay_walk_kind kind, const unsigned char *sha);
/* Sorts by path in byte order (the MANIFEST order). */
void	assay_walk_list_sort(struct assay_walk_list *es);

/*
 * Adds everything below the directory dfd (borrowed) to es, sorted;
 * top-level names in the NULL-terminated skip list (may be NULL) are
 * left out.  Returns 0 or a negative ASSAY_ERR_* for a failure to read
 * the directory itself; problems with entries are entries of their kind.
 */
int	assay_walk_dir(int dfd, const char *const *skip,
	    struct assay_walk_list *es);
/* Opens dir as a directory into *dfdp.  0, ASSAY_ERR_NOT_FOUND or _IO. */
int	assay_walk_open_dir(const char *dir, int *dfdp);
/* 1 when name can stand on a MANIFEST line: no control bytes. */
int	assay_walk_name_ok(const char *name);
/* Why an entry of kind k can't be signed: "symbolic link (not followed)"... */
const char *assay_walk_kind_reason(enum assay_walk_kind k);

#endif /* ASSAY_WALK_H */
