/*
 * firmware.c - unpacking a firmware image within caps, and the
 * assay.net.firmware binding (docs/probe_firmware.md).
 *
 * The image and every container inside it are hostile.  libarchive reads
 * them, but writes nothing: each entry's name is checked here (no
 * absolute name, no "..", nothing through a symbolic link the archive
 * declared), its directory opened one component at a time with
 * O_NOFOLLOW under the scratch directory's descriptor, its file created
 * O_EXCL|O_NOFOLLOW with mode 0600, and its bytes counted against the
 * caps as they are read -- never trusting the size an entry's header
 * claims.  libarchive's own ARCHIVE_EXTRACT_SECURE_* flags would guard
 * archive_write_disk, which is not used at all.  Symbolic and hard links,
 * devices, FIFOs and sockets are never created.
 *
 * squashfs is unpacked by unsquashfs (squashfs-tools): its listing is
 * read first and checked against the caps and for ".." before anything
 * is written, the extraction runs with a timeout and RLIMIT_FSIZE, and
 * the tree it leaves is then walked without following links: links,
 * devices and special files removed (named), setuid and setgid bits
 * cleared (listed), sizes counted.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <lauxlib.h>
#include <lua.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/file.h"
#include "base/hash.h"
#include "probe/artefact.h"
#include "probe/cred.h"
#include "probe/firmware_impl.h"
#include "probe/lua.h"
#include "probe/probe.h"

#define BLOCK		(64 * 1024)
#define MAX_LINKS	100000		/* symbolic link names remembered */
#define MAX_DIR_DEPTH	128		/* directories below the scratch root */
#define LISTING_MAX	(32u * 1024 * 1024)	/* unsquashfs -lls output */
#define UNPACKED	".unpacked"

/* A container found inside an unpacked one, to unpack next. */
struct pending {
	char	*path;		/* relative to the scratch directory */
	int	 level;		/* its own level: the image is 1 */
};

struct fw {
	const struct assay_fw_params	*p;
	struct assay_fw_limits		 lim;
	struct assay_fw_result		*res;
	int				 rootfd;	/* -1: in memory, nothing written */
	ASSAY_FW_LIST(struct pending)	 queue;
	size_t				 qhead;
	uint64_t			 inflated;	/* decompressed, all archives */
	unsigned char			*block;
};

static int	unpack_mem(struct fw *, const void *, size_t, const char *, int);

static void
limits_fill(struct assay_fw_limits *l, const struct assay_fw_limits *in)
{
	memset(l, 0, sizeof(*l));
	if (in != NULL)
		*l = *in;
	if (l->max_image == 0)
		l->max_image = ASSAY_FW_MAX_IMAGE;
	if (l->max_total == 0)
		l->max_total = ASSAY_FW_MAX_TOTAL;
	if (l->max_file == 0)
		l->max_file = ASSAY_FW_MAX_FILE;
	if (l->max_files == 0)
		l->max_files = ASSAY_FW_MAX_FILES;
	if (l->max_depth <= 0)
		l->max_depth = ASSAY_FW_MAX_DEPTH;
	if (l->max_scan == 0)
		l->max_scan = ASSAY_FW_MAX_SCAN;
	if (l->timeout_ms <= 0)
		l->timeout_ms = ASSAY_FW_TIMEOUT_MS;
}

/* The names of the symbolic links one archive declared. */
struct links {
	char	**v;
	size_t	  n, alloc;
};

static void
links_free(struct links *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static void
fw_clear(struct fw *fw)
{
	size_t i;

	for (i = 0; i < fw->queue.n; i++)
		free(fw->queue.v[i].path);
	free(fw->queue.v);
	free(fw->block);
}

/* --- names ------------------------------------------------------------ */

/*
 * The entry name in as a clean relative path in out: components joined
 * by '/', without "" and ".".  Refused (*what set, returns -1): an
 * absolute name, a ".." component, an empty name, a component over
 * NAME_MAX, more than MAX_DIR_DEPTH components, a name too long.
 */
static int
clean_name(const char *in, char *out, size_t size, const char **what)
{
	const char *c = in, *e;
	size_t o = 0, l;
	int depth = 0;

	*what = NULL;
	if (in == NULL || in[0] == '\0') {
		*what = "empty_name";
		return -1;
	}
	if (in[0] == '/') {
		*what = "absolute_path";
		return -1;
	}
	while (*c != '\0') {
		if ((e = strchr(c, '/')) == NULL)
			e = c + strlen(c);
		l = (size_t)(e - c);
		if (l == 2 && c[0] == '.' && c[1] == '.') {
			*what = "path_traversal";
			return -1;
		}
		if (l > 0 && !(l == 1 && c[0] == '.')) {
			if (l > NAME_MAX || ++depth > MAX_DIR_DEPTH ||
			    o + l + 2 > size) {
				*what = "name_too_long";
				return -1;
			}
			if (o > 0)
				out[o++] = '/';
			memcpy(out + o, c, l);
			o += l;
		}
		c = *e == '/' ? e + 1 : e;
	}
	out[o] = '\0';
	if (o == 0) {
		*what = "empty_name";
		return -1;
	}
	return 0;
}

/*
 * Whether a symbolic link at name (clean) to target leaves the tree: an
 * absolute target, or more ".." than the link has directories above it.
 */
static int
link_escapes(const char *name, const char *target)
{
	const char *c, *e;
	long depth = 0;
	size_t l;

	if (target == NULL || target[0] == '/' || target[0] == '\0')
		return 1;
	for (c = name; (c = strchr(c, '/')) != NULL; c++)
		depth++;
	for (c = target; *c != '\0'; c = *e == '/' ? e + 1 : e) {
		if ((e = strchr(c, '/')) == NULL)
			e = c + strlen(c);
		l = (size_t)(e - c);
		if (l == 2 && c[0] == '.' && c[1] == '.') {
			if (--depth < 0)
				return 1;
		} else if (l > 0 && !(l == 1 && c[0] == '.'))
			depth++;
	}
	return 0;
}

/* The symbolic link of this archive that name goes through, or NULL. */
static const char *
through_link(const struct links *lk, const char *name)
{
	size_t i, l;

	for (i = 0; i < lk->n; i++) {
		l = strlen(lk->v[i]);
		if (strncmp(name, lk->v[i], l) == 0 &&
		    (name[l] == '/' || name[l] == '\0'))
			return lk->v[i];
	}
	return NULL;
}

/* base "/" name, or name alone for an empty base. */
static int
relpath(char *out, size_t size, const char *base, const char *name)
{
	return assay_path_join(out, size, base, name);
}

/*
 * Opens (creating with mkdir when create is set) every directory of the
 * clean path name below dfd, each with O_NOFOLLOW; *leaf points into
 * name at its last component.  Returns the directory's descriptor, or -1
 * with errno (ELOOP or ENOTDIR: a link or a file where a directory was
 * expected).
 */
static int
open_parent(int dfd, const char *name, const char **leaf, int create)
{
	char comp[NAME_MAX + 1];
	const char *c = name, *e;
	int fd, nfd;
	size_t l;

	if ((fd = dup(dfd)) == -1)
		return -1;
	for (;;) {
		if ((e = strchr(c, '/')) == NULL) {
			*leaf = c;
			return fd;
		}
		l = (size_t)(e - c);
		memcpy(comp, c, l);
		comp[l] = '\0';
		if (create && mkdirat(fd, comp, 0700) == -1 && errno != EEXIST) {
			close(fd);
			return -1;
		}
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(fd);
		if (nfd == -1)
			return -1;
		fd = nfd;
		c = e + 1;
	}
}

/* Opens the file (or, with O_DIRECTORY in flags, directory) name below dfd. */
static int
open_rel(int dfd, const char *name, int flags)
{
	const char *leaf;
	int pfd, fd, e;

	if ((pfd = open_parent(dfd, name, &leaf, 0)) == -1)
		return -1;
	fd = openat(pfd, leaf, flags | O_NOFOLLOW | O_CLOEXEC);
	e = errno;
	close(pfd);
	errno = e;
	return fd;
}

static const char *
errno_what(int e)
{
	if (e == ELOOP)
		return "through_symlink";
	if (e == ENOTDIR || e == EEXIST)
		return "not_a_directory";
	return "write_failed";
}

/* --- libarchive --------------------------------------------------------- */

static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
queue_add(struct fw *fw, const char *path, int level)
{
	struct pending *q;

	if ((q = FW_PUSH(fw->queue)) == NULL)
		return ASSAY_ERR_ALLOC;
	q->level = level;
	return (q->path = strdup(path)) == NULL ? ASSAY_ERR_ALLOC : 0;
}

/* Whether the archive has gone past the cap on what it may inflate to. */
static int
inflated_over(struct fw *fw, struct archive *a, uint64_t start,
    uint64_t pending, const char *path)
{
	int64_t now = archive_filter_bytes(a, 0);
	uint64_t used = fw->inflated + (now > 0 ? (uint64_t)now - start : 0);

	/*
	 * Skipping an entry of a compressed stream decompresses it: twice
	 * the total cap bounds that work whatever the headers claim.
	 */
	if (used + pending <= 2 * fw->lim.max_total)
		return 0;
	(void)assay_fw_note(fw->res, FW_CAP, "total_bytes", path,
	    "the archive decompresses past %llu bytes (twice the total cap); "
	    "unpacking stopped", (unsigned long long)(2 * fw->lim.max_total));
	fw->res->stopped = 1;
	return 1;
}

/*
 * Reads the data of the current entry into the file fd (-1: count only,
 * keeping the bytes in *keep when keep is not NULL and the first block
 * announces a container).  Returns 1 to go on with the archive, 0 to
 * stop it, or a negative ASSAY_ERR_*.
 */
static int
entry_data(struct fw *fw, struct archive *a, int fd, const char *path,
    uint64_t *got, struct assay_buf **keep, int *capped)
{
	la_ssize_t n;
	int r;

	*got = 0;
	*capped = 0;
	for (;;) {
		n = archive_read_data(a, fw->block, BLOCK);
		if (n == 0)
			return 1;
		if (n < 0) {
			const char *why = archive_error_string(a) != NULL ?
			    archive_error_string(a) : "read error";

			if (n == ARCHIVE_FATAL) {
				(void)assay_fw_note(fw->res, FW_PROBLEM,
				    "truncated", path, "damaged or truncated "
				    "archive data: %s", why);
				return 0;
			}
			/* this entry only: encrypted, unsupported method */
			(void)assay_fw_note(fw->res, FW_PROBLEM, "unreadable",
			    path, "not unpacked: %s", why);
			*capped = 1;
			return 1;
		}
		if (*got + (uint64_t)n > fw->lim.max_file) {
			(void)assay_fw_note(fw->res, FW_CAP, "file_size", path,
			    "a file larger than the cap of %llu bytes; not unpacked",
			    (unsigned long long)fw->lim.max_file);
			*capped = 1;
			return 1;
		}
		if (fw->res->bytes + (uint64_t)n > fw->lim.max_total) {
			(void)assay_fw_note(fw->res, FW_CAP, "total_bytes", path,
			    "more than %llu bytes unpacked in all; unpacking "
			    "stopped", (unsigned long long)fw->lim.max_total);
			fw->res->stopped = 1;
			*capped = 1;
			return 0;
		}
		if (fd != -1 && write_all(fd, fw->block, (size_t)n) == -1) {
			(void)assay_fw_note(fw->res, FW_PROBLEM, "write_failed",
			    path, "cannot write into the scratch directory: %s",
			    strerror(errno));
			fw->res->stopped = 1;
			*capped = 1;
			return 0;
		}
		if (keep != NULL) {
			if (*got == 0 && *keep == NULL &&
			    assay_fw_magic(fw->block, (size_t)n) != NULL &&
			    (*keep = assay_buf_new(fw->lim.max_file)) == NULL)
				return ASSAY_ERR_ALLOC;
			if (*keep != NULL && (r = assay_buf_put(*keep, fw->block,
			    (size_t)n)) != 0)
				return r;
		}
		*got += (uint64_t)n;
		fw->res->bytes += (uint64_t)n;
	}
}

/*
 * A regular file entry name (clean, shown as path) into the directory
 * dfd, or counted only with dfd -1.  Returns like entry_data().
 */
static int
entry_file(struct fw *fw, struct archive *a, int dfd, const char *name,
    const char *path, int level)
{
	struct assay_buf *keep = NULL;
	const char *leaf = NULL;
	unsigned char head[512];
	int pfd = -1, fd = -1, r, capped;
	ssize_t hn;
	uint64_t got;
	struct stat st;

	if (dfd != -1) {
		if ((pfd = open_parent(dfd, name, &leaf, 1)) == -1) {
			(void)assay_fw_note(fw->res, FW_REFUSED,
			    errno_what(errno), path, "not unpacked: %s",
			    strerror(errno));
			return 1;
		}
		fd = openat(pfd, leaf, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd == -1 && errno == EEXIST &&
		    fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && unlinkat(pfd, leaf, 0) == 0)
			fd = openat(pfd, leaf, O_RDWR | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd == -1) {
			(void)assay_fw_note(fw->res, FW_REFUSED,
			    errno_what(errno), path, "not unpacked: %s",
			    strerror(errno));
			close(pfd);
			return 1;
		}
	}
	r = entry_data(fw, a, fd, path, &got, dfd == -1 ? &keep : NULL,
	    &capped);
	if (r < 0 || capped) {
		if (fd != -1) {
			close(fd);
			(void)unlinkat(pfd, leaf, 0);
		}
		if (pfd != -1)
			close(pfd);
		assay_buf_free(keep);
		return r;
	}
	fw->res->files++;
	if (fd != -1) {
		hn = pread(fd, head, sizeof(head), 0);
		if (hn > 0 && assay_fw_magic(head, (size_t)hn) != NULL) {
			char rel[ASSAY_PATH_MAX];

			/* path is relative to the scratch directory already */
			int q;

			if (assay_path_fmt(rel, sizeof(rel), "%s", path) == 0 &&
			    (q = queue_add(fw, rel, level + 1)) != 0) {
				close(fd);
				close(pfd);
				return q;
			}
		}
		close(fd);
		close(pfd);
	} else if (keep != NULL) {
		if (level + 1 > fw->lim.max_depth)
			(void)assay_fw_note(fw->res, FW_CAP, "depth", path,
			    "a container nested deeper than %d levels; not "
			    "unpacked", fw->lim.max_depth);
		else if ((r = unpack_mem(fw, assay_buf_data(keep),
		    assay_buf_len(keep), path, level + 1)) < 0) {
			assay_buf_free(keep);
			return r;
		}
		assay_buf_free(keep);
		r = 1;
	}
	return r;
}

/*
 * Every entry of the open archive a into the directory dfd (-1: in
 * memory), named base/... in the result.  Returns 0 or a negative
 * ASSAY_ERR_*; what the archive holds is in fw->res.
 */
static int
extract(struct fw *fw, struct archive *a, int dfd, const char *base,
    int level)
{
	struct archive_entry *e;
	char name[ASSAY_PATH_MAX], path[ASSAY_PATH_MAX];
	const char *what, *lk, *target;
	struct links links = { NULL, 0, 0 };
	const uint64_t start = 0;	/* filter 0 counts from this archive's start */
	int64_t sz;
	int r = 0, retries = 0;
	mode_t type, mode;

	for (;;) {
		if (fw->res->stopped)
			break;
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_RETRY && ++retries < 16)
			continue;
		if (r < ARCHIVE_WARN) {
			(void)assay_fw_note(fw->res, FW_PROBLEM, "truncated", base,
			    "damaged or truncated archive: %s",
			    archive_error_string(a) != NULL ?
			    archive_error_string(a) : "no detail");
			break;
		}
		if (inflated_over(fw, a, start, 0, base))
			break;
		if (clean_name(archive_entry_pathname(e), name, sizeof(name),
		    &what) != 0) {
			const char *n = archive_entry_pathname(e);

			(void)assay_fw_note(fw->res, FW_REFUSED, what,
			    n != NULL ? n : "", "entry of %s not unpacked",
			    base[0] != '\0' ? base : "the image");
			continue;
		}
		if (relpath(path, sizeof(path), base, name) != 0) {
			(void)assay_fw_note(fw->res, FW_REFUSED, "name_too_long",
			    name, "path too long");
			continue;
		}
		type = archive_entry_filetype(e);
		mode = archive_entry_perm(e);
		if ((lk = through_link(&links, name)) != NULL) {
			(void)assay_fw_note(fw->res, FW_REFUSED,
			    "through_symlink", path, "goes through the symbolic "
			    "link %s of the archive; not unpacked", lk);
			continue;
		}
		if (archive_entry_hardlink(e) != NULL) {
			(void)assay_fw_note(fw->res, FW_REFUSED, "hard_link", path,
			    "hard link not created");
			continue;
		}
		if (type == AE_IFLNK) {
			fw->res->links++;
			target = archive_entry_symlink(e);
			if (link_escapes(name, target))
				(void)assay_fw_note(fw->res, FW_REFUSED,
				    "symlink_out", path, "symbolic link to \"%.200s\" "
				    "points out of the image; not created",
				    target != NULL ? target : "");
			if (links.n < MAX_LINKS) {
				char **l;

				if ((l = FW_PUSH(links)) == NULL ||
				    (*l = strdup(name)) == NULL) {
					r = ASSAY_ERR_ALLOC;
					break;
				}
			}
			continue;
		}
		if (type != AE_IFDIR && type != AE_IFREG) {
			(void)assay_fw_note(fw->res, FW_REFUSED,
			    type == AE_IFCHR || type == AE_IFBLK ? "device" :
			    type == AE_IFIFO ? "fifo" : type == AE_IFSOCK ?
			    "socket" : "special", path, "%s not created",
			    type == AE_IFCHR ? "character device" :
			    type == AE_IFBLK ? "block device" :
			    type == AE_IFIFO ? "FIFO" : "special file");
			continue;
		}
		if (fw->res->files + fw->res->dirs >= fw->lim.max_files) {
			(void)assay_fw_note(fw->res, FW_CAP, "files", path,
			    "more than %zu files and directories; unpacking "
			    "stopped", fw->lim.max_files);
			fw->res->stopped = 1;
			break;
		}
		if (type == AE_IFDIR) {
			if (dfd != -1) {
				const char *leaf;
				int pfd = open_parent(dfd, name, &leaf, 1);

				if (pfd == -1 || (mkdirat(pfd, leaf, 0700) == -1 &&
				    errno != EEXIST)) {
					(void)assay_fw_note(fw->res, FW_REFUSED,
					    errno_what(errno), path,
					    "directory not created: %s",
					    strerror(errno));
					if (pfd != -1)
						close(pfd);
					continue;
				}
				close(pfd);
			}
			fw->res->dirs++;
			continue;
		}
		if (mode & (S_ISUID | S_ISGID)) {
			char **s;

			if (fw->res->setuid.n < ASSAY_FW_MAX_FINDINGS) {
				if ((s = FW_PUSH(fw->res->setuid)) == NULL ||
				    (*s = assay_fw_text(path, strlen(path))) ==
				    NULL) {
					r = ASSAY_ERR_ALLOC;
					break;
				}
			}
		}
		sz = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
		if (sz > 0 && (uint64_t)sz > fw->lim.max_file) {
			/* refused on its header; skipping it still inflates it */
			(void)assay_fw_note(fw->res, FW_CAP, "file_size", path,
			    "a file of %lld bytes, over the cap of %llu; not "
			    "unpacked", (long long)sz,
			    (unsigned long long)fw->lim.max_file);
			if (archive_filter_count(a) > 1 &&
			    inflated_over(fw, a, start, (uint64_t)sz, path))
				break;
			continue;
		}
		if ((r = entry_file(fw, a, dfd, name, path, level)) <= 0)
			break;
		r = 0;
	}
	links_free(&links);
	{
		int64_t now = archive_filter_bytes(a, 0);

		if (now > 0)
			fw->inflated += (uint64_t)now - start;
	}
	return r < 0 ? r : 0;
}

static struct archive *
reader(int raw)
{
	struct archive *a;

	if ((a = archive_read_new()) == NULL)
		return NULL;
	archive_read_support_filter_all(a);
	if (raw)
		archive_read_support_format_raw(a);
	else {
		archive_read_support_format_tar(a);
		archive_read_support_format_cpio(a);
		archive_read_support_format_zip(a);
		archive_read_support_format_ar(a);
		archive_read_support_format_7zip(a);
		archive_read_support_format_iso9660(a);
		archive_read_support_format_gnutar(a);
	}
	return a;
}

/*
 * The container's kind for the result: "tar.gz", "cpio.xz", "zip",
 * "gzip" (a compressed file that holds no archive).
 */
static char *
kind_of(struct archive *a, int raw)
{
	const char *f = raw ? NULL : archive_format_name(a);
	const char *z = archive_filter_count(a) > 1 ?
	    archive_filter_name(a, 0) : NULL;
	char buf[128];

	if (f == NULL)
		snprintf(buf, sizeof(buf), "%s", z != NULL ? z : "raw");
	else if (z != NULL)
		snprintf(buf, sizeof(buf), "%s+%s", f, z);
	else
		snprintf(buf, sizeof(buf), "%s", f);
	return strdup(buf);
}

/*
 * Opens an archive over fd or memory: first as an archive of one of the
 * formats above, then, when only a compression filter was recognised, as
 * one compressed stream.  Returns 1 (an archive: *ap open, the first
 * header read into *ep), 0 (not a container) or ASSAY_ERR_ALLOC.
 */
static int
open_container(int fd, const void *p, size_t len, struct archive **ap,
    struct archive_entry **ep, int *rawp, char *err, size_t errlen)
{
	struct archive *a;
	int raw, r;

	*ap = NULL;
	if (errlen > 0)
		err[0] = '\0';
	for (raw = 0; raw <= 1; raw++) {
		if ((a = reader(raw)) == NULL)
			return ASSAY_ERR_ALLOC;
		if (fd != -1) {
			if (lseek(fd, 0, SEEK_SET) == -1) {
				archive_read_free(a);
				return 0;
			}
			r = archive_read_open_fd(a, fd, BLOCK);
		} else
			r = archive_read_open_memory(a, p, len);
		if (r == ARCHIVE_OK)
			r = archive_read_next_header(a, ep);
		if (r == ARCHIVE_OK || r == ARCHIVE_WARN) {
			*ap = a;
			*rawp = raw;
			return 1;
		}
		if (raw == 0 && errlen > 0)
			snprintf(err, errlen, "%s", archive_error_string(a) != NULL ?
			    archive_error_string(a) : "unreadable");
		/* a filter with no archive format inside: one stream */
		if (raw || archive_filter_count(a) <= 1 ||
		    archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE) {
			archive_read_free(a);
			return 0;
		}
		archive_read_free(a);
	}
	return 0;
}

/*
 * Re-reads the entries of an archive whose first header open_container
 * consumed: libarchive cannot push a header back, so the archive is
 * opened again for extract().
 */
static struct archive *
reopen(int fd, const void *p, size_t len, int raw)
{
	struct archive *a;

	if ((a = reader(raw)) == NULL)
		return NULL;
	if (fd != -1) {
		if (lseek(fd, 0, SEEK_SET) == -1 ||
		    archive_read_open_fd(a, fd, BLOCK) != ARCHIVE_OK) {
			archive_read_free(a);
			return NULL;
		}
	} else if (archive_read_open_memory(a, p, len) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/*
 * A file whose first bytes announce a container libarchive could not
 * open: damaged or truncated, said so rather than carved in silence.
 */
static int
damaged(struct fw *fw, const void *head, size_t n, const char *path,
    const char *err)
{
	const char *m = assay_fw_magic(head, n);

	if (m == NULL || strcmp(m, "squashfs") == 0)
		return 0;
	return assay_fw_note(fw->res, FW_PROBLEM, "truncated", path,
	    "announces %s but cannot be unpacked: %s", m,
	    err[0] != '\0' ? err : "unreadable");
}

/* The in-memory unpacking: nested containers recurse in memory. */
static int
unpack_mem(struct fw *fw, const void *p, size_t len, const char *base,
    int level)
{
	struct archive *a = NULL;
	struct archive_entry *e;
	int raw, r;

	char err[256];

	if ((r = open_container(-1, p, len, &a, &e, &raw, err,
	    sizeof(err))) < 0)
		return r;
	if (r == 0)
		return damaged(fw, p, len, base, err);
	archive_read_free(a);
	if ((a = reopen(-1, p, len, raw)) == NULL)
		return 0;
	fw->res->archives++;
	r = extract(fw, a, -1, base, level);
	archive_read_free(a);
	return r;
}

int
assay_fw_unpack_mem(const void *p, size_t len,
    const struct assay_fw_limits *lim, struct assay_fw_result *res)
{
	struct assay_fw_params params;
	struct fw fw;
	int r;

	memset(&fw, 0, sizeof(fw));
	memset(&params, 0, sizeof(params));
	fw.p = &params;
	fw.res = res;
	fw.rootfd = -1;
	limits_fill(&fw.lim, lim);
	if ((fw.block = malloc(BLOCK)) == NULL)
		return ASSAY_ERR_ALLOC;
	r = unpack_mem(&fw, p, len, "", 1);
	fw_clear(&fw);
	return r;
}

/* --- squashfs ------------------------------------------------------------ */

/* unsquashfs from the parameters or PATH, into out; 0 when not found. */
static int
find_unsquashfs(const struct assay_fw_params *p, char *out, size_t size)
{
	const char *path, *c, *e;
	char dir[ASSAY_PATH_MAX];
	size_t l;

	if (p->unsquashfs != NULL)
		return access(p->unsquashfs, X_OK) == 0 &&
		    assay_path_fmt(out, size, "%s", p->unsquashfs) == 0;
	if ((path = getenv("PATH")) == NULL || path[0] == '\0')
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (c = path; *c != '\0'; c = *e == ':' ? e + 1 : e) {
		if ((e = strchr(c, ':')) == NULL)
			e = c + strlen(c);
		l = (size_t)(e - c);
		if (l == 0 || l >= sizeof(dir))
			continue;
		memcpy(dir, c, l);
		dir[l] = '\0';
		if (assay_path_join(out, size, dir, "unsquashfs") == 0 &&
		    access(out, X_OK) == 0)
			return 1;
	}
	return 0;
}

/*
 * Runs argv (argv[0] a path) with stdin from /dev/null, stdout and
 * stderr into out (capped: the rest is read and dropped), in its own
 * process group, killed after timeout_ms; files it writes are limited to
 * fsize bytes.  *status is the wait status, *timed_out set when killed.
 * Returns 0 or ASSAY_ERR_IO (fork or pipe failed).
 */
static int
run_capture(char *const argv[], int timeout_ms, uint64_t fsize,
    struct assay_buf *out, int *status, int *timed_out)
{
	long long deadline = assay_clock_ms() + timeout_ms;
	int pfd[2], devnull, open_ = 1;
	unsigned char buf[4096];
	struct pollfd pf;
	pid_t pid;
	ssize_t n;

	*timed_out = 0;
	*status = 0;
	if (pipe2(pfd, O_CLOEXEC) == -1)
		return ASSAY_ERR_IO;
	if ((pid = fork()) == -1) {
		close(pfd[0]);
		close(pfd[1]);
		return ASSAY_ERR_IO;
	}
	if (pid == 0) {
		struct rlimit rl;

		setpgid(0, 0);
		signal(SIGXFSZ, SIG_IGN);
		rl.rlim_cur = rl.rlim_max = (rlim_t)fsize;
		(void)setrlimit(RLIMIT_FSIZE, &rl);
		if ((devnull = open("/dev/null", O_RDONLY)) != -1)
			dup2(devnull, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	close(pfd[1]);
	pf.fd = pfd[0];
	pf.events = POLLIN;
	while (open_) {
		long long left = deadline - assay_clock_ms();

		if (left <= 0) {
			*timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pf, 1, left > 1000 ? 1000 : (int)left) <= 0)
			continue;
		if ((n = read(pfd[0], buf, sizeof(buf))) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			open_ = 0;
		} else if (assay_buf_len(out) + (size_t)n <= assay_buf_max(out))
			(void)assay_buf_put(out, buf, (size_t)n);
	}
	close(pfd[0]);
	/* output closed: the program may still run; the deadline holds */
	while (!*timed_out && waitpid(pid, status, WNOHANG) == 0) {
		if (assay_clock_ms() >= deadline) {
			*timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		poll(NULL, 0, 10);
	}
	if (*timed_out)
		while (waitpid(pid, status, 0) == -1 && errno == EINTR)
			;
	return 0;
}

/*
 * Checks unsquashfs -lls output against the caps before extracting:
 * every entry counts as a file, regular files' sizes add up; a ".." in
 * a name refuses the whole image.  Returns 1 when it may be extracted.
 */
static int
listing_ok(struct fw *fw, const char *path, const char *text, size_t len)
{
	const char *q = text, *end = text + len, *nl, *f;
	size_t count = 0;
	uint64_t total = 0, biggest = 0;
	unsigned long long size;
	char line[4096], mode[16], owner[256];

	for (; q < end; q = nl + 1) {
		if ((nl = memchr(q, '\n', (size_t)(end - q))) == NULL)
			nl = end;
		if ((size_t)(nl - q) >= sizeof(line))
			continue;
		memcpy(line, q, (size_t)(nl - q));
		line[nl - q] = '\0';
		if (sscanf(line, "%15s %255s", mode, owner) != 2 ||
		    strlen(mode) != 10 || strchr("-dlcbps", mode[0]) == NULL)
			continue;
		count++;
		if ((f = strstr(line, " squashfs-root")) != NULL &&
		    (strstr(f, "/../") != NULL || strstr(f, "/..\n") != NULL ||
		    (strlen(f) >= 3 && strcmp(f + strlen(f) - 3, "/..") == 0))) {
			(void)assay_fw_note(fw->res, FW_REFUSED, "path_traversal",
			    path, "the squashfs image names an entry with \"..\"; "
			    "not unpacked");
			return 0;
		}
		if (mode[0] == '-' &&
		    sscanf(line, "%*s %*s %llu", &size) == 1) {
			total += size;
			if (size > biggest)
				biggest = size;
		}
	}
	if (fw->res->files + fw->res->dirs + count > fw->lim.max_files) {
		(void)assay_fw_note(fw->res, FW_CAP, "files", path,
		    "the squashfs image holds %zu entries, over the cap of %zu "
		    "files and directories; not unpacked", count,
		    fw->lim.max_files);
		return 0;
	}
	if (fw->res->bytes + total > fw->lim.max_total) {
		(void)assay_fw_note(fw->res, FW_CAP, "total_bytes", path,
		    "the squashfs image holds %llu bytes, over the cap of %llu "
		    "unpacked in all; not unpacked", (unsigned long long)total,
		    (unsigned long long)fw->lim.max_total);
		return 0;
	}
	if (biggest > fw->lim.max_file) {
		(void)assay_fw_note(fw->res, FW_CAP, "file_size", path,
		    "the squashfs image holds a file of %llu bytes, over the "
		    "cap of %llu; not unpacked", (unsigned long long)biggest,
		    (unsigned long long)fw->lim.max_file);
		return 0;
	}
	return 1;
}

/* The last line of a program's output, for a problem note. */
static void
last_line(const struct assay_buf *b, char *out, size_t size)
{
	const char *d = assay_buf_data(b);
	size_t n = assay_buf_len(b), s, i, o = 0;

	while (n > 0 && (d[n - 1] == '\n' || d[n - 1] == '\r'))
		n--;
	for (s = n; s > 0 && d[s - 1] != '\n'; s--)
		;
	for (i = s; i < n && o + 1 < size; i++)
		out[o++] = (d[i] >= 0x20 && d[i] < 0x7f) ? d[i] : '?';
	out[o] = '\0';
}

static int	sanitise(struct fw *, int, const char *, int, int);

/*
 * The squashfs file at rel (relative to the scratch directory; "" for
 * the image itself, which is read from p->image) into dest (relative;
 * "" for the scratch directory).
 */
static int
unsquash(struct fw *fw, const char *file_abs, const char *shown,
    const char *dest_rel, int level)
{
	char tool[ASSAY_PATH_MAX], dest[ASSAY_PATH_MAX], tail[200];
	struct assay_buf *out = NULL;
	int status, timed_out, r, dfd = -1;
	char *argv[10];

	if (!find_unsquashfs(fw->p, tool, sizeof(tool)))
		return assay_fw_note(fw->res, FW_PROBLEM, "unsquashfs_missing",
		    shown, "a squashfs image, not unpacked: unsquashfs is not "
		    "installed (Debian package squashfs-tools)");
	if (dest_rel[0] == '\0' ? assay_path_fmt(dest, sizeof(dest), "%s",
	    fw->p->scratch) != 0 : assay_path_join(dest, sizeof(dest),
	    fw->p->scratch, dest_rel) != 0)
		return assay_fw_note(fw->res, FW_REFUSED, "name_too_long", shown,
		    "path too long");
	if ((out = assay_buf_new(LISTING_MAX)) == NULL)
		return ASSAY_ERR_ALLOC;
	argv[0] = tool;
	argv[1] = (char *)"-lls";
	argv[2] = (char *)"-n";
	argv[3] = (char *)file_abs;
	argv[4] = NULL;
	if ((r = run_capture(argv, fw->lim.timeout_ms, 0, out, &status,
	    &timed_out)) != 0)
		goto done;
	if (timed_out) {
		r = assay_fw_note(fw->res, FW_PROBLEM, "unsquashfs_timeout", shown,
		    "unsquashfs -lls did not finish within %d ms; not unpacked",
		    fw->lim.timeout_ms);
		goto done;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		last_line(out, tail, sizeof(tail));
		r = assay_fw_note(fw->res, FW_PROBLEM, "truncated", shown,
		    "unsquashfs cannot list the squashfs image (exit %d): %s",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1, tail);
		goto done;
	}
	if (assay_buf_len(out) + sizeof(tail) >= LISTING_MAX) {
		/* the listing was cut: its count can't be trusted */
		r = assay_fw_note(fw->res, FW_CAP, "files", shown, "the squashfs "
		    "image lists more than %u bytes of entries; not unpacked",
		    LISTING_MAX);
		goto done;
	}
	if (!listing_ok(fw, shown, assay_buf_data(out), assay_buf_len(out)))
		goto done;
	assay_buf_reset(out);
	argv[1] = (char *)"-n";
	argv[2] = (char *)"-f";
	argv[3] = (char *)"-no-xattrs";
	argv[4] = (char *)"-d";
	argv[5] = dest;
	argv[6] = (char *)file_abs;
	argv[7] = NULL;
	if ((r = run_capture(argv, fw->lim.timeout_ms, fw->lim.max_file, out,
	    &status, &timed_out)) != 0)
		goto done;
	if (timed_out)
		(void)assay_fw_note(fw->res, FW_PROBLEM, "unsquashfs_timeout",
		    shown, "unsquashfs did not finish within %d ms; what it "
		    "wrote is carved", fw->lim.timeout_ms);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		last_line(out, tail, sizeof(tail));
		(void)assay_fw_note(fw->res, FW_PROBLEM, "truncated", shown,
		    "unsquashfs failed (exit %d): %s; what it wrote is carved",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1, tail);
	}
	fw->res->archives++;
	dfd = dest_rel[0] == '\0' ? dup(fw->rootfd) :
	    open_rel(fw->rootfd, dest_rel, O_RDONLY | O_DIRECTORY);
	if (dfd != -1)
		r = sanitise(fw, dfd, dest_rel, 0, level);
	/* what it wrote, against what its listing promised */
	if (r == 0 && fw->res->files + fw->res->dirs > fw->lim.max_files)
		r = assay_fw_note(fw->res, FW_CAP, "files", shown, "unsquashfs "
		    "wrote more than %zu files and directories in all",
		    fw->lim.max_files);
	if (r == 0 && fw->res->bytes > fw->lim.max_total)
		r = assay_fw_note(fw->res, FW_CAP, "total_bytes", shown,
		    "unsquashfs wrote more than %llu bytes in all",
		    (unsigned long long)fw->lim.max_total);
done:
	if (dfd != -1)
		close(dfd);
	assay_buf_free(out);
	return r;
}

/* --- walking the unpacked tree ---------------------------------------- */

/*
 * Gives the lab (the owner) access to an extracted entry whose image set
 * no permission for it.  A failure needs no handling here: the open that
 * follows fails and that path is reported.
 */
static void
loosen(int dfd, const char *name, mode_t mode)
{
	if (fchmodat(dfd, name, mode, 0) == -1)
		return;
}

/*
 * What unsquashfs left in dfd (shown as rel): symbolic links removed
 * (those pointing out named), devices and special files removed and
 * named, setuid and setgid bits cleared and listed, files and bytes
 * counted; containers queued.  Never follows a link.
 */
static int
sanitise(struct fw *fw, int dfd, const char *rel, int depth, int level)
{
	char path[ASSAY_PATH_MAX], target[ASSAY_PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, r = 0;

	if ((fd = dup(dfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return 0;
	}
	rewinddir(d);	/* the descriptor's offset is shared with dfd's */
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (relpath(path, sizeof(path), rel, de->d_name) != 0 ||
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlinkat(dfd, de->d_name, target,
			    sizeof(target) - 1);
			const char *inside = path + (rel[0] != '\0' &&
			    strncmp(path, rel, strlen(rel)) == 0 ?
			    strlen(rel) + 1 : 0);

			target[n > 0 ? n : 0] = '\0';
			fw->res->links++;
			if (link_escapes(inside, target))
				r = assay_fw_note(fw->res, FW_REFUSED,
				    "symlink_out", path, "symbolic link to "
				    "\"%.200s\" points out of the image; removed",
				    target);
			(void)unlinkat(dfd, de->d_name, 0);
		} else if (S_ISDIR(st.st_mode)) {
			int sub;

			fw->res->dirs++;
			if (depth >= MAX_DIR_DEPTH) {
				r = assay_fw_note(fw->res, FW_REFUSED,
				    "name_too_long", path, "directory nested too "
				    "deep; not carved");
				continue;
			}
			loosen(dfd, de->d_name, 0700);
			if ((sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC)) != -1) {
				r = sanitise(fw, sub, path, depth + 1, level);
				close(sub);
			}
		} else if (S_ISREG(st.st_mode)) {
			unsigned char head[512];
			int f;
			ssize_t hn;

			fw->res->files++;
			fw->res->bytes += (uint64_t)st.st_size;
			if (st.st_mode & (S_ISUID | S_ISGID)) {
				char **s;

				if (fw->res->setuid.n < ASSAY_FW_MAX_FINDINGS &&
				    ((s = FW_PUSH(fw->res->setuid)) == NULL ||
				    (*s = assay_fw_text(path, strlen(path))) ==
				    NULL))
					r = ASSAY_ERR_ALLOC;
			}
			loosen(dfd, de->d_name, 0600);
			if ((f = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW |
			    O_CLOEXEC | O_NONBLOCK)) != -1) {
				hn = pread(f, head, sizeof(head), 0);
				if (hn > 0 && assay_fw_magic(head, (size_t)hn) != NULL
				    && r == 0)
					r = queue_add(fw, path, level + 1);
				close(f);
			}
		} else {
			r = assay_fw_note(fw->res, FW_REFUSED,
			    S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ?
			    "device" : S_ISFIFO(st.st_mode) ? "fifo" : "socket",
			    path, "special file removed");
			(void)unlinkat(dfd, de->d_name, 0);
		}
	}
	closedir(d);
	return r;
}

/*
 * Unpacks the container at rel (relative to the scratch directory) into
 * rel.unpacked/ beside it.
 */
static int
unpack_file(struct fw *fw, const char *rel, int level)
{
	char dest[ASSAY_PATH_MAX], abs_[ASSAY_PATH_MAX];
	struct archive *a = NULL;
	struct archive_entry *e;
	unsigned char head[512];
	const char *leaf, *m;
	int fd = -1, dfd = -1, pfd = -1, raw, r = 0;
	char err[256];
	ssize_t hn;

	if (level > fw->lim.max_depth)
		return assay_fw_note(fw->res, FW_CAP, "depth", rel,
		    "a container nested deeper than %d levels; not unpacked",
		    fw->lim.max_depth);
	if (assay_path_fmt(dest, sizeof(dest), "%s" UNPACKED, rel) != 0)
		return assay_fw_note(fw->res, FW_REFUSED, "name_too_long", rel,
		    "path too long");
	if ((fd = open_rel(fw->rootfd, rel, O_RDONLY)) == -1)
		return 0;
	hn = pread(fd, head, sizeof(head), 0);
	m = hn > 0 ? assay_fw_magic(head, (size_t)hn) : NULL;
	if (m != NULL && strcmp(m, "squashfs") == 0) {
		close(fd);
		if (assay_path_join(abs_, sizeof(abs_), fw->p->scratch, rel) != 0)
			return 0;
		if ((pfd = open_parent(fw->rootfd, dest, &leaf, 0)) == -1)
			return 0;
		if (mkdirat(pfd, leaf, 0700) == -1) {
			close(pfd);
			return assay_fw_note(fw->res, FW_REFUSED,
			    "not_a_directory", dest, "cannot create: %s",
			    strerror(errno));
		}
		close(pfd);
		return unsquash(fw, abs_, rel, dest, level);
	}
	if ((r = open_container(fd, NULL, 0, &a, &e, &raw, err,
	    sizeof(err))) <= 0) {
		close(fd);
		return r < 0 ? r : damaged(fw, head, hn > 0 ? (size_t)hn : 0,
		    rel, err);
	}
	archive_read_free(a);
	if ((a = reopen(fd, NULL, 0, raw)) == NULL)
		goto out;
	if ((pfd = open_parent(fw->rootfd, dest, &leaf, 0)) == -1 ||
	    mkdirat(pfd, leaf, 0700) == -1 ||
	    (dfd = openat(pfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		r = assay_fw_note(fw->res, FW_REFUSED, "not_a_directory", dest,
		    "cannot create: %s", strerror(errno));
		goto out;
	}
	fw->res->archives++;
	r = extract(fw, a, dfd, dest, level);
out:
	archive_read_free(a);
	if (pfd != -1)
		close(pfd);
	if (dfd != -1)
		close(dfd);
	close(fd);
	return r;
}

/* Reads up to max bytes of the file fd into a new buffer. */
static int
read_capped(int fd, uint64_t max, struct assay_buf **bp)
{
	struct assay_buf *b;
	unsigned char buf[BLOCK];
	ssize_t n;
	int r;

	*bp = NULL;
	if ((b = assay_buf_new((size_t)max)) == NULL)
		return ASSAY_ERR_ALLOC;
	while (assay_buf_len(b) < max) {
		size_t want = max - assay_buf_len(b) < sizeof(buf) ?
		    (size_t)(max - assay_buf_len(b)) : sizeof(buf);

		if ((n = read(fd, buf, want)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n == 0)
			break;
		if ((r = assay_buf_put(b, buf, (size_t)n)) != 0) {
			assay_buf_free(b);
			return r;
		}
	}
	*bp = b;
	return 0;
}

static int
carve_fd(struct fw *fw, struct assay_fw_scan *scan, int fd, const char *path,
    uint64_t size)
{
	struct assay_buf *b;
	int r;

	if (size > fw->lim.max_scan)
		(void)assay_fw_note(fw->res, FW_CAP, "scan_size", path,
		    "a file of %llu bytes; only its first %llu were carved",
		    (unsigned long long)size,
		    (unsigned long long)fw->lim.max_scan);
	if ((r = read_capped(fd, fw->lim.max_scan, &b)) != 0)
		return r;
	fw->res->scanned++;
	r = assay_fw_scan_mem(scan, path, (const unsigned char *)
	    assay_buf_data(b), assay_buf_len(b));
	assay_buf_free(b);
	return r;
}

/* Carves every regular file below dfd; never follows a link. */
static int
carve_tree(struct fw *fw, struct assay_fw_scan *scan, int dfd,
    const char *rel, int depth)
{
	char path[ASSAY_PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, r = 0;

	if (depth > MAX_DIR_DEPTH)
		return 0;
	if ((fd = dup(dfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return 0;
	}
	rewinddir(d);	/* the descriptor's offset is shared with dfd's */
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (relpath(path, sizeof(path), rel, de->d_name) != 0 ||
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);

			if (sub != -1) {
				r = carve_tree(fw, scan, sub, path, depth + 1);
				close(sub);
			}
		} else if (S_ISREG(st.st_mode)) {
			int f = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW |
			    O_CLOEXEC | O_NONBLOCK);

			if (f != -1) {
				r = carve_fd(fw, scan, f, path,
				    (uint64_t)st.st_size);
				close(f);
			}
		}
	}
	closedir(d);
	return r;
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/*
 * Whether the 96 bytes at p are a squashfs 4 superblock whose image fits
 * in the room left: the magic alone is found in any large blob.
 * *used gets its length (bytes_used).
 */
static int
squashfs_super(const unsigned char *p, uint64_t room, uint64_t *used)
{
	uint32_t block = le32(p + 12);
	unsigned log = (unsigned)(p[22] | p[23] << 8);
	uint64_t bytes = (uint64_t)le32(p + 40) | (uint64_t)le32(p + 44) << 32;

	if (memcmp(p, "hsqs", 4) != 0 || (p[28] | p[29] << 8) != 4 ||
	    log < 12 || log > 20 || block != 1u << log ||
	    bytes < 96 || bytes > room)
		return 0;
	*used = bytes;
	return 1;
}

#define MAX_EMBEDDED	16

/*
 * A raw image (a vendor's blob: a header, a kernel, a root file system)
 * often holds a squashfs image at some offset.  Each one found is copied
 * out as image@0x<offset>.squashfs, counted against the caps like any
 * unpacked file, and queued for unsquashfs.
 */
static int
embedded(struct fw *fw, int fd, uint64_t size)
{
	unsigned char *buf = fw->block, super[96];
	uint64_t off = 0, used, o, pos;
	char name[64];
	size_t found = 0;
	ssize_t n;
	unsigned char *c;
	int out, r;

	while (off < size && found < MAX_EMBEDDED && !fw->res->stopped) {
		if ((n = pread(fd, buf, BLOCK, (off_t)off)) <= 3)
			break;
		c = memmem(buf, (size_t)n, "hsqs", 4);
		if (c == NULL) {
			off += (uint64_t)n - 3;		/* a magic across blocks */
			continue;
		}
		o = off + (uint64_t)(c - buf);
		off = o + 1;
		if (pread(fd, super, sizeof(super), (off_t)o) != sizeof(super) ||
		    !squashfs_super(super, size - o, &used))
			continue;
		snprintf(name, sizeof(name), "image@0x%llx.squashfs",
		    (unsigned long long)o);
		if (used > fw->lim.max_file) {
			r = assay_fw_note(fw->res, FW_CAP, "file_size", name,
			    "a squashfs image of %llu bytes inside the image, "
			    "over the cap of %llu; not unpacked",
			    (unsigned long long)used,
			    (unsigned long long)fw->lim.max_file);
			if (r != 0)
				return r;
			continue;
		}
		if (fw->res->bytes + used > fw->lim.max_total) {
			fw->res->stopped = 1;
			return assay_fw_note(fw->res, FW_CAP, "total_bytes", name,
			    "more than %llu bytes unpacked in all; unpacking "
			    "stopped", (unsigned long long)fw->lim.max_total);
		}
		if ((out = openat(fw->rootfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1)
			continue;
		for (r = 0, pos = o; pos < o + used && r == 0; ) {
			size_t want = o + used - pos < BLOCK ?
			    (size_t)(o + used - pos) : BLOCK;

			n = pread(fd, buf, want, (off_t)pos);
			if (n <= 0 || write_all(out, buf, (size_t)n) == -1)
				r = -1;
			else {
				pos += (uint64_t)n;
				fw->res->bytes += (uint64_t)n;
			}
		}
		off = pos;	/* on after the image */
		close(out);
		fw->res->files++;
		found++;
		if (r != 0) {
			(void)unlinkat(fw->rootfd, name, 0);
			continue;
		}
		if ((r = queue_add(fw, name, 2)) != 0)
			return r;
	}
	return 0;
}

/* Whether the directory fd holds nothing. */
static int
dir_empty(int dfd)
{
	struct dirent *de;
	DIR *d;
	int fd, empty = 1;

	if ((fd = dup(dfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return 0;
	}
	rewinddir(d);	/* the descriptor's offset is shared with dfd's */
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

int
assay_fw_analyse(const struct assay_fw_params *p,
    struct assay_fw_result **resp, char *reason, size_t rlen)
{
	struct assay_fw_result *res = NULL;
	struct assay_fw_scan *scan = NULL;
	struct archive *a = NULL;
	struct archive_entry *e;
	unsigned char head[512], md[ASSAY_SHA256_LEN];
	const char *m, *name;
	char err[256];
	struct stat st;
	struct fw fw;
	int fd = -1, raw, r;
	ssize_t hn;

	*resp = NULL;
	if (rlen > 0)
		reason[0] = '\0';
	memset(&fw, 0, sizeof(fw));
	fw.rootfd = -1;
	if (p == NULL || p->image == NULL || p->scratch == NULL)
		return ASSAY_ERR_INVALID_ARG;
	fw.p = p;
	limits_fill(&fw.lim, &p->limits);
	if ((fw.rootfd = open(p->scratch, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || !dir_empty(fw.rootfd)) {
		r = ASSAY_ERR_INVALID_ARG;
		goto out;
	}
	if ((fd = open(p->image, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY)) == -1) {
		snprintf(reason, rlen, "cannot open the firmware image: %s",
		    strerror(errno));
		r = 0;
		goto out;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(reason, rlen, "the firmware image is not a regular file");
		r = 0;
		goto out;
	}
	if ((uint64_t)st.st_size > fw.lim.max_image) {
		snprintf(reason, rlen, "the firmware image is %llu bytes, over "
		    "the cap of %llu (max_image)",
		    (unsigned long long)st.st_size,
		    (unsigned long long)fw.lim.max_image);
		r = 0;
		goto out;
	}
	(void)fcntl(fd, F_SETFL, 0);
	r = ASSAY_ERR_ALLOC;
	if ((res = assay_fw_result_new()) == NULL ||
	    (fw.block = malloc(BLOCK)) == NULL)
		goto out;
	fw.res = res;
	res->image_size = (uint64_t)st.st_size;
	if ((r = assay_file_sha256_fd(fd, md)) != 0)
		goto out;
	assay_hex_encode(md, sizeof(md), res->image_sha256);
	hn = pread(fd, head, sizeof(head), 0);
	m = hn > 0 ? assay_fw_magic(head, (size_t)hn) : NULL;
	if ((scan = assay_fw_scan_new(p, res)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if (m != NULL && strcmp(m, "squashfs") == 0) {
		if ((res->kind = strdup("squashfs")) == NULL)
			goto out;
		if ((r = unsquash(&fw, p->image, "(image)", "", 1)) != 0)
			goto out;
	} else if ((r = open_container(fd, NULL, 0, &a, &e, &raw, err,
	    sizeof(err))) < 0)
		goto out;
	else if (r == 1) {
		if ((res->kind = kind_of(a, raw)) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		archive_read_free(a);
		if ((a = reopen(fd, NULL, 0, raw)) != NULL) {
			res->archives++;
			if ((r = extract(&fw, a, fw.rootfd, "", 1)) != 0)
				goto out;
		}
	} else {
		/* not a container: the image itself is carved */
		if ((res->kind = strdup("raw")) == NULL ||
		    (r = damaged(&fw, head, hn > 0 ? (size_t)hn : 0, "(image)",
		    err)) != 0) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		if (lseek(fd, 0, SEEK_SET) == -1 ||
		    (r = carve_fd(&fw, scan, fd, "(image)",
		    (uint64_t)st.st_size)) != 0 ||
		    (r = embedded(&fw, fd, (uint64_t)st.st_size)) != 0)
			goto out;
	}
	r = 0;
	while (fw.qhead < fw.queue.n && !res->stopped) {
		struct pending q = fw.queue.v[fw.qhead++];

		if ((r = unpack_file(&fw, q.path, q.level)) != 0)
			goto out;
	}
	if ((r = carve_tree(&fw, scan, fw.rootfd, "", 0)) != 0)
		goto out;
	name = strrchr(p->image, '/');
	if ((r = assay_fw_build_sbom(res, name != NULL ? name + 1 : p->image,
	    p->tool_version)) != 0)
		goto out;
	*resp = res;
	res = NULL;
out:
	if (a != NULL)
		archive_read_free(a);
	if (fd != -1)
		close(fd);
	if (fw.rootfd != -1)
		close(fw.rootfd);
	assay_fw_scan_free(scan);
	assay_fw_result_free(res);
	fw_clear(&fw);
	return r;
}

int
assay_fw_write_sbom(const struct assay_fw_result *r, const char *path)
{
	if (r->sbom == NULL)
		return ASSAY_ERR_INVALID_ARG;
	return assay_file_write_atomic(path, r->sbom, r->sbom_len, 0644);
}

static int
remove_in(int dfd, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, sub, r = 0;

	if (depth > MAX_DIR_DEPTH + 8)
		return ASSAY_ERR_IO;
	if ((fd = dup(dfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return ASSAY_ERR_IO;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (S_ISDIR(st.st_mode)) {
			loosen(dfd, de->d_name, 0700);
			if ((sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC)) == -1) {
				r = ASSAY_ERR_IO;
				continue;
			}
			if (remove_in(sub, depth + 1) != 0)
				r = ASSAY_ERR_IO;
			close(sub);
			if (unlinkat(dfd, de->d_name, AT_REMOVEDIR) == -1)
				r = ASSAY_ERR_IO;
		} else if (unlinkat(dfd, de->d_name, 0) == -1)
			r = ASSAY_ERR_IO;
	}
	closedir(d);
	return r;
}

int
assay_fw_remove_tree(int dfd, const char *name)
{
	int fd, r;

	if ((fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : ASSAY_ERR_IO;
	r = remove_in(fd, 0);
	close(fd);
	if (unlinkat(dfd, name, AT_REMOVEDIR) == -1 && r == 0)
		r = ASSAY_ERR_IO;
	return r;
}

const char *
assay_fw_magic(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return "gzip";
	if (n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
		return "xz";
	if (n >= 3 && memcmp(p, "BZh", 3) == 0)
		return "bzip2";
	if (n >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0)
		return "zstd";
	if (n >= 4 && (memcmp(p, "PK\3\4", 4) == 0 ||
	    memcmp(p, "PK\5\6", 4) == 0))
		return "zip";
	if (n >= 6 && (memcmp(p, "070701", 6) == 0 ||
	    memcmp(p, "070702", 6) == 0 || memcmp(p, "070707", 6) == 0))
		return "cpio";
	if (n >= 2 && ((p[0] == 0xc7 && p[1] == 0x71) ||
	    (p[0] == 0x71 && p[1] == 0xc7)))
		return "cpio";
	if (n >= 262 && memcmp(p + 257, "ustar", 5) == 0)
		return "tar";
	if (n >= 8 && memcmp(p, "!<arch>\n", 8) == 0)
		return "ar";
	if (n >= 4 && (memcmp(p, "hsqs", 4) == 0 || memcmp(p, "sqsh", 4) == 0))
		return "squashfs";
	if (n >= 6 && memcmp(p, "7z\xbc\xaf\x27\x1c", 6) == 0)
		return "7zip";
	if (n >= 3 && p[0] == 0x5d && p[1] == 0x00 && p[2] == 0x00)
		return "lzma";
	return NULL;
}

/* --- Lua ------------------------------------------------------------------- */

/* Everything a call holds, freed by Lua's collector if a build raises. */
struct call {
	struct assay_fw_result	*res;
	struct assay_cred_list	**lists;
	char			**list_names;
	size_t			 nlists;
	struct assay_fw_secret	*secrets;
	size_t			 nsecrets;
	char			(*numbers)[16];	/* labels of unlabelled secrets */
	char			 scratch[ASSAY_PATH_MAX];
};

static void
call_free(void *p)
{
	struct call *c = p;
	size_t i;

	if (c == NULL)
		return;
	assay_fw_result_free(c->res);
	for (i = 0; i < c->nlists; i++) {
		assay_cred_list_free(c->lists[i]);
		free(c->list_names[i]);
	}
	free(c->lists);
	free(c->list_names);
	free(c->secrets);	/* the strings belong to the Lua table */
	free(c->numbers);
	if (c->scratch[0] != '\0')
		(void)assay_fw_remove_tree(AT_FDCWD, c->scratch);
	free(c);
}

static void
push_notes(lua_State *L, const struct assay_fw_note *v, size_t n)
{
	size_t i;

	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		lua_createtable(L, 0, 3);
		lua_pushstring(L, v[i].what);
		lua_setfield(L, -2, "what");
		lua_pushstring(L, v[i].path);
		lua_setfield(L, -2, "path");
		lua_pushstring(L, v[i].detail);
		lua_setfield(L, -2, "detail");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

#define SET_STR(L, k, v)	(lua_pushstring((L), (v)), lua_setfield((L), -2, (k)))
#define SET_INT(L, k, v)	(lua_pushinteger((L), (lua_Integer)(v)), \
				    lua_setfield((L), -2, (k)))
#define SET_BOOL(L, k, v)	(lua_pushboolean((L), (v)), lua_setfield((L), -2, (k)))

static void
push_result(lua_State *L, const struct assay_fw_result *r)
{
	size_t i;

	lua_createtable(L, 0, 24);
	SET_STR(L, "kind", r->kind);
	SET_STR(L, "image_sha256", r->image_sha256);
	SET_INT(L, "image_size", r->image_size);
	SET_INT(L, "bytes", r->bytes);
	SET_INT(L, "files", r->files);
	SET_INT(L, "dirs", r->dirs);
	SET_INT(L, "links", r->links);
	SET_INT(L, "archives", r->archives);
	SET_INT(L, "scanned", r->scanned);
	SET_BOOL(L, "stopped", r->stopped);
	lua_createtable(L, 0, (int)r->caps.n);
	for (i = 0; i < r->caps.n; i++)
		SET_BOOL(L, r->caps.v[i].what, 1);
	lua_setfield(L, -2, "caps");
	push_notes(L, r->caps.v, r->caps.n);
	lua_setfield(L, -2, "caps_hit");
	push_notes(L, r->refused.v, r->refused.n);
	lua_setfield(L, -2, "refused");
	push_notes(L, r->problems.v, r->problems.n);
	lua_setfield(L, -2, "problems");
	lua_createtable(L, (int)r->setuid.n, 0);
	for (i = 0; i < r->setuid.n; i++) {
		lua_pushstring(L, r->setuid.v[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "setuid");
	lua_createtable(L, (int)r->keys.n, 0);
	for (i = 0; i < r->keys.n; i++) {
		const struct assay_fw_key *k = &r->keys.v[i];

		lua_createtable(L, 0, 6);
		SET_STR(L, "path", k->path);
		SET_INT(L, "offset", k->offset);
		SET_STR(L, "format", k->format);
		SET_STR(L, "type", k->type);
		SET_INT(L, "bits", k->bits);
		SET_BOOL(L, "encrypted", k->encrypted);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "keys");
	lua_createtable(L, (int)r->certs.n, 0);
	for (i = 0; i < r->certs.n; i++) {
		const struct assay_fw_cert *c = &r->certs.v[i];

		lua_createtable(L, 0, 11);
		SET_STR(L, "path", c->path);
		SET_INT(L, "offset", c->offset);
		SET_STR(L, "format", c->format);
		SET_STR(L, "subject", c->subject);
		SET_STR(L, "issuer", c->issuer);
		SET_STR(L, "not_before", c->not_before);
		SET_STR(L, "not_after", c->not_after);
		SET_STR(L, "key_type", c->key_type);
		SET_INT(L, "bits", c->bits);
		SET_BOOL(L, "self_signed", c->self_signed);
		SET_BOOL(L, "expired", c->expired);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "certificates");
	lua_createtable(L, (int)r->accounts.n, 0);
	for (i = 0; i < r->accounts.n; i++) {
		const struct assay_fw_account *a = &r->accounts.v[i];

		lua_createtable(L, 0, 7);
		SET_STR(L, "file", a->file);
		SET_STR(L, "user", a->user);
		SET_STR(L, "scheme", a->scheme);
		SET_BOOL(L, "has_hash", a->has_hash);
		SET_BOOL(L, "empty", a->empty);
		SET_BOOL(L, "locked", a->locked);
		SET_BOOL(L, "checked", a->checked);
		if (a->matches != NULL)
			SET_STR(L, "matches", a->matches);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "accounts");
	lua_createtable(L, (int)r->creds.n, 0);
	for (i = 0; i < r->creds.n; i++) {
		lua_createtable(L, 0, 3);
		SET_STR(L, "path", r->creds.v[i].path);
		SET_INT(L, "offset", r->creds.v[i].offset);
		SET_STR(L, "label", r->creds.v[i].label);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "credentials");
	lua_createtable(L, (int)r->components.n, 0);
	for (i = 0; i < r->components.n; i++) {
		const struct assay_fw_component *c = &r->components.v[i];

		lua_createtable(L, 0, 4);
		SET_STR(L, "name", c->name);
		SET_STR(L, "version", c->version);
		SET_STR(L, "path", c->path);
		SET_STR(L, "source", c->source);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "components");
	lua_pushlstring(L, r->sbom != NULL ? r->sbom : "", r->sbom_len);
	lua_setfield(L, -2, "sbom");
}

/* secrets = { "value", {label=, value=}, ... } */
static void
opt_secrets(lua_State *L, const char *fn, struct call *c)
{
	lua_Integer i, n;

	if (lua_getfield(L, 1, "secrets") == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	if (!lua_istable(L, -1))
		assay_lua_argerror(L, fn, "secrets must be a list");
	n = (lua_Integer)lua_rawlen(L, -1);
	if (n > 1024)
		assay_lua_argerror(L, fn, "secrets: more than 1024");
	if (n > 0 && ((c->secrets = calloc((size_t)n,
	    sizeof(*c->secrets))) == NULL ||
	    (c->numbers = calloc((size_t)n, sizeof(*c->numbers))) == NULL))
		luaL_error(L, "%s: out of memory", fn);
	for (i = 1; i <= n; i++) {
		int t = lua_rawgeti(L, -1, i);
		struct assay_fw_secret *s = &c->secrets[c->nsecrets];

		if (t == LUA_TSTRING) {
			s->value = lua_tostring(L, -1);
			s->label = NULL;
		} else if (t == LUA_TTABLE) {
			if (lua_getfield(L, -1, "value") != LUA_TSTRING)
				assay_lua_argerror(L, fn, "secrets[%d].value must "
				    "be a string", (int)i);
			s->value = lua_tostring(L, -1);
			lua_pop(L, 1);
			if (lua_getfield(L, -1, "label") == LUA_TSTRING)
				s->label = lua_tostring(L, -1);
			else if (!lua_isnil(L, -1))
				assay_lua_argerror(L, fn, "secrets[%d].label must "
				    "be a string", (int)i);
			lua_pop(L, 1);
		} else
			assay_lua_argerror(L, fn, "secrets[%d] must be a string or "
			    "{label=, value=}", (int)i);
		/* the strings live in the options table, which stays on the stack */
		lua_pop(L, 1);
		if (s->label == NULL) {
			snprintf(c->numbers[i - 1], sizeof(c->numbers[i - 1]),
			    "%d", (int)i);
			s->label = c->numbers[i - 1];
		}
		c->nsecrets++;
	}
	lua_pop(L, 1);
}

static int
l_firmware(lua_State *L)
{
	static const char *const known[] = { "file", "id", "secrets", "lists",
	    "max_image", "max_total", "max_file_size", "max_files",
	    "max_depth", "max_scan", "timeout_ms", NULL };
	const char *fn = "firmware", *tmp, *shown;
	struct assay_artefact_ref ref;
	struct assay_fw_params p;
	struct call **box, *c;
	char reason[512];
	lua_Integer i, n;
	int r;

	assay_lua_opts(L, fn, known);
	memset(&p, 0, sizeof(p));
	/* Only a file the lab declared: a test case never picks a path. */
	assay_artefact_resolve(L, fn, "firmware", &ref);
	p.image = ref.path;
	shown = ref.id[0] != '\0' ? ref.id : ref.path;
	p.limits.max_image = (uint64_t)assay_lua_opt_int(L, fn, "max_image", 0,
	    1, (lua_Integer)1 << 40);
	p.limits.max_total = (uint64_t)assay_lua_opt_int(L, fn, "max_total", 0,
	    1, (lua_Integer)1 << 40);
	p.limits.max_file = (uint64_t)assay_lua_opt_int(L, fn, "max_file_size",
	    0, 1, (lua_Integer)1 << 40);
	p.limits.max_files = (size_t)assay_lua_opt_int(L, fn, "max_files", 0, 1,
	    10000000);
	p.limits.max_depth = (int)assay_lua_opt_int(L, fn, "max_depth", 0, 1, 32);
	p.limits.max_scan = (uint64_t)assay_lua_opt_int(L, fn, "max_scan", 0, 1,
	    (lua_Integer)1 << 32);
	p.limits.timeout_ms = (int)assay_lua_opt_int(L, fn, "timeout_ms", 0, 1,
	    ASSAY_LUA_MAX_TIMEOUT_MS);
	box = (struct call **)assay_lua_box(L, call_free);
	if ((*box = c = calloc(1, sizeof(**box))) == NULL)
		return luaL_error(L, "%s: out of memory", fn);

	opt_secrets(L, fn, c);
	p.secrets = c->secrets;
	p.nsecrets = c->nsecrets;

	/* lists: names of testcases/data lists, both default lists if absent */
	if (lua_getfield(L, 1, "lists") == LUA_TNIL) {
		lua_pop(L, 1);
		lua_createtable(L, 2, 0);
		lua_pushstring(L, "mirai");
		lua_rawseti(L, -2, 1);
		lua_pushstring(L, "iot-defaults");
		lua_rawseti(L, -2, 2);
	} else if (!lua_istable(L, -1))
		return assay_lua_argerror(L, fn, "lists must be a list of names");
	n = (lua_Integer)lua_rawlen(L, -1);
	if (n > 16)
		return assay_lua_argerror(L, fn, "lists: more than 16");
	if (n > 0 && ((c->lists = calloc((size_t)n, sizeof(*c->lists))) == NULL ||
	    (c->list_names = calloc((size_t)n, sizeof(char *))) == NULL))
		return luaL_error(L, "%s: out of memory", fn);
	for (i = 1; i <= n; i++) {
		const char *name;

		if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
			return assay_lua_argerror(L, fn, "lists[%d] must be a "
			    "list name", (int)i);
		name = lua_tostring(L, -1);
		if (strchr(name, '/') != NULL || name[0] == '\0')
			return assay_lua_argerror(L, fn, "list \"%.40s\" is not a "
			    "list name", name);
		c->lists[c->nlists] = assay_cred_list_new();
		c->list_names[c->nlists] = strdup(name);
		c->nlists++;	/* call_free() frees both, NULL or not */
		if (c->lists[c->nlists - 1] == NULL ||
		    c->list_names[c->nlists - 1] == NULL)
			return luaL_error(L, "%s: out of memory", fn);
		if ((r = assay_cred_list_load(c->lists[c->nlists - 1], name)) != 0)
			return assay_lua_argerror(L, fn, "list \"%.40s\": %s",
			    name, assay_strerror(r));
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	p.lists = (const struct assay_cred_list *const *)c->lists;
	p.list_names = (const char *const *)c->list_names;
	p.nlists = c->nlists;
	p.tool_version = NULL;
	/* Every option is checked before the file's absence is an answer. */
	if (ref.missing) {
		snprintf(reason, sizeof(reason), "firmware %.60s: %.300s is gone "
		    "since the lab set-up was loaded", shown, ref.path);
		return assay_lua_fail(L, reason);
	}

	if ((tmp = getenv("TMPDIR")) == NULL || tmp[0] != '/')
		tmp = "/tmp";
	if (assay_path_join(c->scratch, sizeof(c->scratch), tmp,
	    "assay-fw-XXXXXX") != 0 || mkdtemp(c->scratch) == NULL) {
		c->scratch[0] = '\0';
		return luaL_error(L, "%s: harness error: cannot create a scratch "
		    "directory in %s: %s", fn, tmp, strerror(errno));
	}
	p.scratch = c->scratch;
	r = assay_fw_analyse(&p, &c->res, reason, sizeof(reason));
	/* the unpacked tree is not evidence: only what was found in it */
	(void)assay_fw_remove_tree(AT_FDCWD, c->scratch);
	c->scratch[0] = '\0';
	if (r != 0)
		return assay_lua_harness_error(L, fn, r, 0);
	if (c->res == NULL)
		return assay_lua_fail(L, reason);
	/* What was analysed must be what the loader hashed and recorded. */
	if (ref.sha256[0] != '\0' &&
	    strcmp(ref.sha256, c->res->image_sha256) != 0) {
		snprintf(reason, sizeof(reason), "firmware %.300s: the file changed "
		    "since the lab set-up was loaded (sha256 %s, then %s)",
		    shown, c->res->image_sha256, ref.sha256);
		return assay_lua_fail(L, reason);
	}
	assay_probe_note(assay_probe_env_get(L), "firmware",
	    "image %s (%llu bytes, sha256 %s): %s, %zu files, %zu keys, %zu "
	    "certificates, %zu accounts, %zu credential matches, %zu "
	    "components", shown, (unsigned long long)c->res->image_size,
	    c->res->image_sha256, c->res->kind, c->res->files, c->res->keys.n,
	    c->res->certs.n, c->res->accounts.n, c->res->creds.n,
	    c->res->components.n);
	push_result(L, c->res);
	return 1;
}

void
assay_probe_firmware_lua_register(lua_State *L)
{
	lua_pushcfunction(L, l_firmware);
	lua_setfield(L, -2, "firmware");
}
