/*
 * probe/firmware.h - a firmware image the lab supplies: unpacked within
 * caps into a scratch directory, then carved for private keys,
 * certificates, password hashes, hard-coded credentials and component
 * versions, which become a CycloneDX 1.5 SBOM (docs/probe_firmware.md).
 *
 * The image is hostile.  Unpacking (libarchive: tar, cpio, zip, ar, gzip,
 * xz, bzip2, zstd, nested to a bounded depth; squashfs through the
 * unsquashfs program) is bounded by the caps in struct assay_fw_limits,
 * each a named result when hit ("total_bytes", "files", "file_size",
 * "depth", "findings"); no entry is written outside the scratch
 * directory: absolute names and ".." are refused, every directory is
 * opened with O_NOFOLLOW one component at a time, symbolic links are
 * never created (those pointing out are named), nor hard links, device
 * nodes, FIFOs or sockets; setuid and setgid bits are never set (the
 * files that had them are listed).
 *
 * Secrets: a carved private key, a password hash or a credential found
 * in the image is described (type, size, scheme, which list entry),
 * never copied into the result.
 */
#ifndef ASSAY_PROBE_FIRMWARE_H
#define ASSAY_PROBE_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

struct lua_State;
struct assay_cred_list;

/* Defaults of struct assay_fw_limits (a field left 0 takes them). */
#define ASSAY_FW_MAX_IMAGE	(1024ull * 1024 * 1024)	/* the image file */
#define ASSAY_FW_MAX_TOTAL	(512ull * 1024 * 1024)	/* bytes unpacked */
#define ASSAY_FW_MAX_FILE	(128ull * 1024 * 1024)	/* one file */
#define ASSAY_FW_MAX_FILES	50000		/* files and directories */
#define ASSAY_FW_MAX_DEPTH	4		/* the image is level 1 */
#define ASSAY_FW_MAX_SCAN	(32ull * 1024 * 1024)	/* carved per file */
#define ASSAY_FW_TIMEOUT_MS	120000		/* one unsquashfs run */
#define ASSAY_FW_MAX_FINDINGS	1000		/* per kind of finding */
#define ASSAY_FW_CRACK_MS	5000		/* hashes against the lists, in all */

struct assay_fw_limits {
	uint64_t	max_image;
	uint64_t	max_total;
	uint64_t	max_file;
	size_t		max_files;
	int		max_depth;
	uint64_t	max_scan;
	int		timeout_ms;
	int		crack_ms;	/* checking hashes against the lists:
					   0 the default, < 0 never */
};

/* A secret the IXIT declares: found by its label, never by value. */
struct assay_fw_secret {
	const char	*label;
	const char	*value;
};

/* What to analyse.  Everything is borrowed for the duration of the call. */
struct assay_fw_params {
	const char			*image;		/* path of the image */
	const char			*scratch;	/* an existing, empty directory */
	struct assay_fw_limits		 limits;
	const struct assay_fw_secret	*secrets;
	size_t				 nsecrets;
	/* default credential lists, by name (for the labels "mirai:12") */
	const struct assay_cred_list	*const *lists;
	const char			*const *list_names;
	size_t				 nlists;
	const char			*unsquashfs;	/* NULL: from PATH */
	const char			*tool_version;	/* in the SBOM; may be NULL */
};

/* Why a path was not unpacked, a cap hit, a damaged container. */
struct assay_fw_note {
	char	*what;		/* "path_traversal", "total_bytes", "truncated" ... */
	char	*path;		/* inside the image, or "" */
	char	*detail;
};

struct assay_fw_key {
	char	*path;
	size_t	 offset;
	char	*format;	/* "PEM", "DER", "OpenSSH" */
	char	*type;		/* "RSA", "EC", "ED25519", ... or "unknown" */
	int	 bits;		/* 0 when unknown */
	int	 encrypted;
};

struct assay_fw_cert {
	char	*path;
	size_t	 offset;
	char	*format;
	char	*subject;
	char	*issuer;
	char	*not_before;	/* "2026-01-31T12:00:00Z" */
	char	*not_after;
	char	*key_type;
	int	 bits;
	int	 self_signed;
	int	 expired;
};

struct assay_fw_account {
	char	*file;		/* "etc/shadow" */
	char	*user;
	char	*scheme;	/* "md5", "sha512", "yescrypt", "des", "empty", "locked", ... */
	int	 has_hash;
	int	 empty;		/* no password at all */
	int	 locked;
	char	*matches;	/* label of a declared secret or list entry
				   whose password the hash verifies, or NULL */
	int	 checked;	/* every declared secret and list password
				   for the user was tried against the hash (a
				   costly or unknown scheme, or the time
				   running out, leaves it 0) */
};

struct assay_fw_cred {
	char	*path;
	size_t	 offset;
	char	*label;		/* "declared:<label>" or "<list>:<entry number>" */
};

struct assay_fw_component {
	char	*name;
	char	*version;
	char	*path;		/* where it was first seen */
	char	*source;	/* "version-string", "opkg-status", "dpkg-status" */
};

/* A growable array of T; zero-initialised.  Internal helper type. */
#define ASSAY_FW_LIST(T)	struct { T *v; size_t n, alloc; }

struct assay_fw_result {
	char		 image_sha256[65];
	uint64_t	 image_size;
	char		*kind;		/* the image's container: "tar.gz", "squashfs", "raw" ... */
	uint64_t	 bytes;		/* unpacked */
	size_t		 files;
	size_t		 dirs;
	size_t		 links;		/* symbolic links seen, none created */
	size_t		 archives;	/* containers unpacked, the image included */
	size_t		 scanned;	/* files carved */
	int		 stopped;	/* unpacking stopped at a cap */
	ASSAY_FW_LIST(struct assay_fw_note)		caps;
	ASSAY_FW_LIST(struct assay_fw_note)		refused;
	ASSAY_FW_LIST(struct assay_fw_note)		problems;
	ASSAY_FW_LIST(char *)				setuid;
	ASSAY_FW_LIST(struct assay_fw_key)		keys;
	ASSAY_FW_LIST(struct assay_fw_cert)		certs;
	ASSAY_FW_LIST(struct assay_fw_account)		accounts;
	ASSAY_FW_LIST(struct assay_fw_cred)		creds;
	ASSAY_FW_LIST(struct assay_fw_component)	components;
	char		*sbom;		/* CycloneDX 1.5 JSON, NUL-terminated */
	size_t		 sbom_len;
};

/*
 * Unpacks p->image into p->scratch and carves it.  Returns 0 with *resp
 * set (free with assay_fw_result_free()), or 0 with *resp NULL and a
 * reason when the image itself can't be analysed (missing, not a
 * regular file, over max_image): an outcome about the image.  A negative
 * ASSAY_ERR_* is a harness failure (out of memory, the scratch directory
 * missing or not empty: ASSAY_ERR_INVALID_ARG).
 */
int	assay_fw_analyse(const struct assay_fw_params *p,
	    struct assay_fw_result **resp, char *reason, size_t rlen);
void	assay_fw_result_free(struct assay_fw_result *r);

/*
 * Writes the result's SBOM as path, atomically.  Returns 0 or the
 * ASSAY_ERR_* of base/file.h.
 */
int	assay_fw_write_sbom(const struct assay_fw_result *r, const char *path);

/*
 * Removes the tree name inside the directory dfd (AT_FDCWD for a path)
 * without following a symbolic link.  Returns 0 or ASSAY_ERR_IO.
 */
int	assay_fw_remove_tree(int dfd, const char *name);

/* --- pure parts, over memory (unit tests and fuzz targets) ----------- */

/*
 * A scanner holds the secrets and lists to look for and gathers what
 * it finds into a result.  Borrowed pointers stay valid while it lives.
 */
struct assay_fw_scan;

/* p's secrets and lists are borrowed.  NULL when out of memory. */
struct assay_fw_scan	*assay_fw_scan_new(const struct assay_fw_params *p,
			    struct assay_fw_result *res);
void			 assay_fw_scan_free(struct assay_fw_scan *s);
/*
 * Carves len bytes of a file at path (relative, "/"-separated: the name
 * decides whether it is read as etc/shadow, etc/passwd or a package
 * status file).  Returns 0 or ASSAY_ERR_ALLOC.
 */
int	assay_fw_scan_mem(struct assay_fw_scan *s, const char *path,
	    const unsigned char *p, size_t len);

/*
 * The hash scheme of a crypt(3) string: "des", "bsdi-des", "md5",
 * "bcrypt", "sha256", "sha512", "yescrypt", "gost-yescrypt", "scrypt",
 * "sha1", "sunmd5", "nt", or "unknown".  A leading '!' (locked) is not
 * part of it.
 */
const char	*assay_fw_hash_scheme(const char *hash);

/*
 * The container a file's first bytes announce ("gzip", "xz", "bzip2",
 * "zstd", "lzma", "zip", "tar", "cpio", "ar", "squashfs", "7zip",
 * "iso9660"), or NULL.
 */
const char	*assay_fw_magic(const unsigned char *p, size_t len);

/* A fresh result (free with assay_fw_result_free()), or NULL. */
struct assay_fw_result	*assay_fw_result_new(void);

/*
 * Runs the libarchive unpacking over len bytes in memory without writing
 * anything (every entry checked, every byte counted against the caps as
 * a real run would), recursing into nested archives in memory.  Returns
 * 0 or ASSAY_ERR_ALLOC.
 */
int	assay_fw_unpack_mem(const void *p, size_t len,
	    const struct assay_fw_limits *lim, struct assay_fw_result *res);

/*
 * Builds res->sbom from the components.  image_name names the firmware
 * component.  Returns 0 or ASSAY_ERR_ALLOC.
 */
int	assay_fw_build_sbom(struct assay_fw_result *res, const char *image_name,
	    const char *tool_version);

/*
 * Adds assay.net.firmware to the table on top of the stack.  Its file=
 * (or id=) must be a firmware image the lab set-up file declares
 * (probe/artefact.h, assay_artefact_declare(L, "firmware", ...)); any
 * other path raises.
 */
void	assay_probe_firmware_lua_register(struct lua_State *L);

#endif /* ASSAY_PROBE_FIRMWARE_H */
