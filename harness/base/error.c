/*
 * error.c - names for ASSAY_ERR_* codes.
 */
#include "base/error.h"

const char *
assay_strerror(int r)
{
	switch (r) {
	case ASSAY_OK:			return "success";
	case ASSAY_ERR_INTERNAL:	return "internal error";
	case ASSAY_ERR_ALLOC:		return "memory allocation failed";
	case ASSAY_ERR_INVALID_ARG:	return "invalid argument";
	case ASSAY_ERR_IO:		return "input/output error";
	case ASSAY_ERR_NOT_FOUND:	return "not found";
	case ASSAY_ERR_TOO_BIG:		return "input exceeds its size limit";
	case ASSAY_ERR_PARSE:		return "malformed input";
	case ASSAY_ERR_SCHEMA:		return "schema validation failed";
	case ASSAY_ERR_FORM:		return "form is inconsistent";
	case ASSAY_ERR_HOSTILE_XML:	return "forbidden XML construct";
	case ASSAY_ERR_DATADIR:		return "data directory not found";
	case ASSAY_ERR_CATALOGUE:	return "invalid test-case catalogue";
	case ASSAY_ERR_LUA:		return "Lua error";
	case ASSAY_ERR_LIMIT_MEMORY:	return "memory limit exceeded";
	case ASSAY_ERR_LIMIT_TIME:	return "time limit exceeded";
	case ASSAY_ERR_EVIDENCE:	return "evidence store error";
	case ASSAY_ERR_CRYPTO:		return "cryptographic operation failed";
	case ASSAY_ERR_SIGNATURE:	return "signature verification failed";
	case ASSAY_ERR_MANIFEST:	return "manifest does not match";
	case ASSAY_ERR_USAGE:		return "usage error";
	case ASSAY_ERR_INTERRUPTED:	return "interrupted";
	case ASSAY_ERR_NETWORK:		return "network setup failed";
	case ASSAY_ERR_BUDGET:		return "device budget exhausted";
	case ASSAY_ERR_EXISTS:		return "already exists";
	case ASSAY_ERR_UNSAFE_PATH:	return "unsafe path";
	case ASSAY_ERR_NOT_REGULAR:	return "not a regular file";
	case ASSAY_ERR_NO_SPACE:	return "disk full (no space left on device)";
	}
	return "unknown error";
}
