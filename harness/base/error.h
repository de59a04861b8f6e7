/*
 * error.h - error codes shared by every Assay module.
 *
 * Functions return 0 on success or a negative ASSAY_ERR_* value; 
 * assay_strerror() names it.  Expected network outcomes (refused, reset,
 * timeout) are not errors of the harness: probes return them as values.
 */
#ifndef ASSAY_ERROR_H
#define ASSAY_ERROR_H

#define ASSAY_OK			0
#define ASSAY_ERR_INTERNAL		-1	/* bug in Assay */
#define ASSAY_ERR_ALLOC			-2	/* memory allocation failed */
#define ASSAY_ERR_INVALID_ARG		-3	/* caller passed a bad argument */
#define ASSAY_ERR_IO			-4	/* read/write failed; see errno */
#define ASSAY_ERR_NOT_FOUND		-5	/* file or item does not exist */
#define ASSAY_ERR_TOO_BIG		-6	/* input larger than its cap */
#define ASSAY_ERR_PARSE			-7	/* malformed input */
#define ASSAY_ERR_SCHEMA		-8	/* form violates its schema */
#define ASSAY_ERR_FORM			-9	/* form fails a cross-check */
#define ASSAY_ERR_HOSTILE_XML		-10	/* DOCTYPE, entity or similar */
#define ASSAY_ERR_DATADIR		-11	/* data directory not found */
#define ASSAY_ERR_CATALOGUE		-12	/* test-case metadata invalid */
#define ASSAY_ERR_LUA			-13	/* Lua state failed */
#define ASSAY_ERR_LIMIT_MEMORY		-14	/* sandbox memory limit hit */
#define ASSAY_ERR_LIMIT_TIME		-15	/* sandbox time/instruction limit */
#define ASSAY_ERR_EVIDENCE		-16	/* evidence store problem */
#define ASSAY_ERR_CRYPTO		-17	/* OpenSSL failure */
#define ASSAY_ERR_SIGNATURE		-18	/* signature does not verify */
#define ASSAY_ERR_MANIFEST		-19	/* manifest mismatch */
#define ASSAY_ERR_USAGE			-20	/* bad command line */
#define ASSAY_ERR_INTERRUPTED		-21	/* stopped by a signal */
#define ASSAY_ERR_NETWORK		-22	/* network setup failed (not a DUT outcome) */
#define ASSAY_ERR_BUDGET		-23	/* per-device budget refused the request */
#define ASSAY_ERR_EXISTS		-24	/* target already exists */
#define ASSAY_ERR_UNSAFE_PATH		-25	/* path escapes its directory */
#define ASSAY_ERR_NOT_REGULAR		-26	/* directory, FIFO or device, not a file */
#define ASSAY_ERR_NO_SPACE		-27	/* ENOSPC, EDQUOT: the disk is full */

/* Returns a static, human-readable name for an ASSAY_ERR_* code. */
const char	*assay_strerror(int r);

#endif /* ASSAY_ERROR_H */
