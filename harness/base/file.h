/*
 * file.h - the one way Assay writes, reads and names files.
 *
 * A file Assay writes appears whole or not at all: it is written to a
 * temporary file in the same directory, fsync'ed, renamed over the target
 * and the directory fsync'ed; the temporary file never survives an error.
 * A file Assay reads goes into a buffer with a cap (ASSAY_ERR_TOO_BIG past
 * it) and must be a regular file.  A path that does not fit its buffer is
 * ASSAY_ERR_TOO_BIG, never silently cut.  See docs/file.md.
 */
#ifndef ASSAY_FILE_H
#define ASSAY_FILE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/hash.h"

struct assay_buf;
struct assay_file_atomic;

/* Room for a path built by assay_path_join()/assay_path_fmt(). */
#define ASSAY_PATH_MAX		4096

/* Flag for assay_file_read_at(): refuse a symbolic link as the last part. */
#define ASSAY_FILE_NOFOLLOW	0x01

/*
 * Reads the regular file name (relative to the directory dfd, or AT_FDCWD)
 * into a new buffer capped at max_len; the caller frees *bp with
 * assay_buf_free().  Returns 0, ASSAY_ERR_NOT_FOUND, ASSAY_ERR_TOO_BIG
 * (larger than max_len), ASSAY_ERR_NOT_REGULAR (a directory, FIFO, device:
 * never opened for a blocking read), ASSAY_ERR_UNSAFE_PATH (a symbolic link
 * under ASSAY_FILE_NOFOLLOW), ASSAY_ERR_IO or ASSAY_ERR_ALLOC; *bp is NULL
 * on error.
 */
int	assay_file_read_at(int dfd, const char *name, int flags, size_t max_len,
	    struct assay_buf **bp);
/* assay_file_read_at(AT_FDCWD, path, 0, max_len, bp). */
int	assay_file_read(const char *path, size_t max_len, struct assay_buf **bp);

/*
 * Writes len bytes of p as path, atomically (see the top of this file),
 * created with mode (less the umask).  Returns 0, ASSAY_ERR_NO_SPACE (disk
 * full) or ASSAY_ERR_IO (errno says why), ASSAY_ERR_TOO_BIG for a path too long; the target is then
 * unchanged and no temporary file is left.
 */
int	assay_file_write_atomic(const char *path, const void *p, size_t len,
	    mode_t mode);
/* The same for name inside the directory dfd (borrowed), never through a
 * symbolic link. */
int	assay_file_write_atomic_at(int dfd, const char *name, const void *p,
	    size_t len, mode_t mode);

/*
 * Streaming form for writers that print: opens a temporary file beside
 * path and stores the handle in *ap.  Write to assay_file_atomic_stream(),
 * then assay_file_atomic_commit() puts it in place, or
 * assay_file_atomic_abort() throws it away.  Returns 0, ASSAY_ERR_IO,
 * ASSAY_ERR_TOO_BIG (path too long) or ASSAY_ERR_ALLOC.
 */
int	assay_file_atomic_open(const char *path, mode_t mode,
	    struct assay_file_atomic **ap);
/* Borrowed stream, valid until commit or abort; never fclose() it. */
FILE	*assay_file_atomic_stream(struct assay_file_atomic *a);
/*
 * Flushes, fsyncs, closes, renames into place and fsyncs the directory.
 * Frees a in every case; on error the temporary file is removed and the
 * target unchanged.  Returns 0, ASSAY_ERR_NO_SPACE or ASSAY_ERR_IO (a
 * write error earlier on the stream counts, with its errno).
 */
int	assay_file_atomic_commit(struct assay_file_atomic *a);
/*
 * The error of the first failed write on the stream so far (as commit
 * would name it: ASSAY_ERR_NO_SPACE for a full disk), or 0: for a writer
 * that stopped on a write error of its own (libxml2's) to name the cause.
 */
int	assay_file_atomic_error(const struct assay_file_atomic *a);
/* Removes the temporary file and frees a; NULL is accepted. */
void	assay_file_atomic_abort(struct assay_file_atomic *a);

/*
 * The ASSAY_ERR_* code for a failed system call's errno: ENOSPC and EDQUOT
 * are ASSAY_ERR_NO_SPACE (a full disk is named as such), ENOENT
 * ASSAY_ERR_NOT_FOUND, ENOMEM ASSAY_ERR_ALLOC, most others ASSAY_ERR_IO.
 */
int	assay_file_error(int errnum);

/* fsyncs the directory dir.  Returns 0 or an ASSAY_ERR_* code. */
int	assay_file_fsync_dir(const char *dir);

/*
 * Whether name is a temporary file of the atomic writers above
 * (".<name>.<pid>.<hex>.tmp"): what a process killed between creating and
 * renaming it leaves behind.  Nothing else is ever named so.
 */
int	assay_file_is_leftover(const char *name);

/*
 * Removes every leftover temporary file (assay_file_is_leftover) in dir
 * and, to depth levels below, in its subdirectories; never follows a
 * link.  For a run directory before it is resumed or signed: an
 * interrupted write leaves its half-written file there, which must not be
 * signed or counted as content.  *removed (may be NULL) gets the count.
 * Returns 0 or ASSAY_ERR_IO.
 */
int	assay_file_remove_leftovers(const char *dir, int depth, size_t *removed);

/*
 * SHA-256 of everything read from fd (borrowed, read to its end), or of
 * the regular file path, as lowercase hex.  Returns 0, ASSAY_ERR_IO,
 * ASSAY_ERR_NOT_FOUND, ASSAY_ERR_NOT_REGULAR or ASSAY_ERR_CRYPTO; hex is
 * the empty string on error.
 */
int	assay_file_sha256_fd(int fd, unsigned char md[ASSAY_SHA256_LEN]);
int	assay_file_sha256_hex(const char *path,
	    char hex[ASSAY_SHA256_HEX_LEN + 1]);

/*
 * Writes dir "/" name to out (size bytes).  An empty dir gives name alone;
 * a dir ending in "/" gets no second one.  Returns 0, or ASSAY_ERR_TOO_BIG
 * when it does not fit (out is then the empty string, never a cut path).
 */
int	assay_path_join(char *out, size_t size, const char *dir,
	    const char *name);
/* snprintf() for paths: ASSAY_ERR_TOO_BIG (and out "") on truncation. */
int	assay_path_fmt(char *out, size_t size, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Whether dir is a readable directory holding nothing but . and .. */
int	assay_dir_empty(const char *dir);

#endif /* ASSAY_FILE_H */
