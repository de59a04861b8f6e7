/*
 * file.c - atomic writes, capped reads, file hashes and path joins
 * (see file.h and docs/file.md).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/file.h"
#include "base/hash.h"

#define READ_CHUNK	65536
#define TMP_TRIES	64

struct assay_file_atomic {
	int	 dfd;			/* owned: the target's directory */
	int	 fd;			/* the temp file; fp closes it */
	int	 werr;			/* errno of the first failed write */
	FILE	*fp;			/* owned: stream over the temp file */
	char	 tmp[ASSAY_PATH_MAX];	/* temp name inside dfd */
	char	 name[ASSAY_PATH_MAX];	/* target name inside dfd */
};

static int
errno_to_err(int e)
{
	switch (e) {
	case ENOENT:
		return ASSAY_ERR_NOT_FOUND;
	case ELOOP:
		return ASSAY_ERR_UNSAFE_PATH;
	case ENAMETOOLONG:
		return ASSAY_ERR_TOO_BIG;
	case ENOMEM:
		return ASSAY_ERR_ALLOC;
	case ENOSPC:
	case EDQUOT:
		return ASSAY_ERR_NO_SPACE;
	}
	return ASSAY_ERR_IO;
}

int
assay_file_error(int errnum)
{
	return errno_to_err(errnum);
}

/* --- paths ----------------------------------------------------------- */

int
assay_path_fmt(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (size == 0)
		return ASSAY_ERR_TOO_BIG;
	va_start(ap, fmt);
	n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		out[0] = '\0';
		return n < 0 ? ASSAY_ERR_INVALID_ARG : ASSAY_ERR_TOO_BIG;
	}
	return 0;
}

int
assay_path_join(char *out, size_t size, const char *dir, const char *name)
{
	size_t dl = strlen(dir);

	if (dl == 0)
		return assay_path_fmt(out, size, "%s", name);
	return assay_path_fmt(out, size, "%s%s%s", dir,
	    dir[dl - 1] == '/' ? "" : "/", name);
}

/*
 * Splits path into the directory to open (dir, "." or "/" when it has
 * none) and the last part (*namep, borrowed from path).
 */
static int
split_path(const char *path, char *dir, size_t size, const char **namep)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		*namep = path;
		return assay_path_fmt(dir, size, ".");
	}
	*namep = slash + 1;
	if (**namep == '\0')
		return ASSAY_ERR_INVALID_ARG;
	if (slash == path)
		return assay_path_fmt(dir, size, "/");
	return assay_path_fmt(dir, size, "%.*s", (int)(slash - path), path);
}

static int
open_parent(const char *path, int *dfdp, const char **namep)
{
	char dir[ASSAY_PATH_MAX];
	int r;

	*dfdp = -1;
	if ((r = split_path(path, dir, sizeof(dir), namep)) != 0)
		return r;
	if ((*dfdp = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errno_to_err(errno);
	return 0;
}

/* --- reading --------------------------------------------------------- */

static int
open_regular(int dfd, const char *name, int flags, int *fdp, struct stat *st)
{
	int fd, oflags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;

	*fdp = -1;
	if (flags & ASSAY_FILE_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	if ((fd = openat(dfd, name, oflags)) == -1)
		return errno == EISDIR ? ASSAY_ERR_NOT_REGULAR : errno_to_err(errno);
	if (fstat(fd, st) != 0) {
		close(fd);
		return ASSAY_ERR_IO;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return ASSAY_ERR_NOT_REGULAR;
	}
	*fdp = fd;
	return 0;
}

int
assay_file_read_at(int dfd, const char *name, int flags, size_t max_len,
    struct assay_buf **bp)
{
	struct assay_buf *b = NULL;
	struct stat st;
	char *chunk = NULL;
	size_t used = 0;	/* bytes of chunk ever written */
	ssize_t n;
	int fd = -1, r;

	*bp = NULL;
	if ((r = open_regular(dfd, name, flags, &fd, &st)) != 0)
		goto out;
	if ((uintmax_t)st.st_size > max_len) {
		r = ASSAY_ERR_TOO_BIG;
		goto out;
	}
	if ((b = assay_buf_new(max_len)) == NULL ||
	    (chunk = malloc(READ_CHUNK)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	for (;;) {
		if ((n = read(fd, chunk, READ_CHUNK)) == -1) {
			if (errno == EINTR)
				continue;
			used = READ_CHUNK;	/* what it wrote is unknown */
			r = ASSAY_ERR_IO;
			goto out;
		}
		if (n == 0)
			break;
		if ((size_t)n > used)
			used = (size_t)n;
		/* A file that grew past the cap since fstat() is too big too. */
		if ((r = assay_buf_put(b, chunk, (size_t)n)) != 0)
			goto out;
	}
	*bp = b;
	b = NULL;
	r = 0;
 out:
	if (fd != -1)
		close(fd);
	if (chunk != NULL) {
		/*
		 * A form holds IXIT secrets: no copy is left behind.  Only
		 * what read() wrote: clearing all 64 KiB of a short file's
		 * chunk cost each test case's process 16 fresh pages.
		 */
		OPENSSL_cleanse(chunk, used);
		free(chunk);
	}
	assay_buf_free(b);
	return r;
}

int
assay_file_read(const char *path, size_t max_len, struct assay_buf **bp)
{
	return assay_file_read_at(AT_FDCWD, path, 0, max_len, bp);
}

/* --- hashing --------------------------------------------------------- */

int
assay_file_sha256_fd(int fd, unsigned char md[ASSAY_SHA256_LEN])
{
	EVP_MD_CTX *ctx = NULL;
	unsigned char *chunk = NULL;
	unsigned int mdlen = 0;
	ssize_t n;
	int r = ASSAY_ERR_CRYPTO;

	if ((chunk = malloc(READ_CHUNK)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	for (;;) {
		if ((n = read(fd, chunk, READ_CHUNK)) == -1) {
			if (errno == EINTR)
				continue;
			r = ASSAY_ERR_IO;
			goto out;
		}
		if (n == 0)
			break;
		if (EVP_DigestUpdate(ctx, chunk, (size_t)n) != 1)
			goto out;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 ||
	    mdlen != ASSAY_SHA256_LEN)
		goto out;
	r = 0;
 out:
	EVP_MD_CTX_free(ctx);
	free(chunk);
	return r;
}

int
assay_file_sha256_hex(const char *path, char hex[ASSAY_SHA256_HEX_LEN + 1])
{
	unsigned char md[ASSAY_SHA256_LEN];
	struct stat st;
	int fd = -1, r;

	hex[0] = '\0';
	if ((r = open_regular(AT_FDCWD, path, 0, &fd, &st)) != 0)
		return r;
	if ((r = assay_file_sha256_fd(fd, md)) == 0)
		assay_hex_encode(md, sizeof(md), hex);
	close(fd);
	return r;
}

/* --- writing --------------------------------------------------------- */

int
assay_file_fsync_dir(const char *dir)
{
	int fd, r = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errno_to_err(errno);
	if (fsync(fd) != 0)
		r = errno_to_err(errno);
	close(fd);
	return r;
}

static int
all_of(const char *p, size_t n, const char *set)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr(set, p[i]) == NULL || p[i] == '\0')
			return 0;
	return 1;
}

int
assay_file_is_leftover(const char *name)
{
	const char *end, *hex, *pid;
	size_t n = strlen(name);

	/* "." name "." pid "." hex ".tmp", name not empty */
	if (n < 10 || name[0] != '.' || strcmp(name + n - 4, ".tmp") != 0)
		return 0;
	end = name + n - 4;
	for (hex = end; hex > name && hex[-1] != '.'; hex--)
		;
	if (hex <= name + 1 || !all_of(hex, (size_t)(end - hex),
	    "0123456789abcdef"))
		return 0;
	for (pid = hex - 1; pid > name && pid[-1] != '.'; pid--)
		;
	if (pid <= name + 1 || !all_of(pid, (size_t)(hex - 1 - pid),
	    "0123456789"))
		return 0;
	return pid - 1 > name + 1;	/* the target's name is not empty */
}

static int
remove_leftovers_at(int dfd, int depth, size_t *removed)
{
	struct dirent *de;
	struct stat st;
	DIR *dp;
	int fd, r = 0;

	if ((dp = fdopendir(dfd)) == NULL) {
		close(dfd);
		return ASSAY_ERR_IO;
	}
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(dp), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISREG(st.st_mode) && assay_file_is_leftover(de->d_name)) {
			if (unlinkat(dirfd(dp), de->d_name, 0) != 0)
				r = ASSAY_ERR_IO;
			else
				(*removed)++;
		} else if (S_ISDIR(st.st_mode) && depth > 0) {
			if ((fd = openat(dirfd(dp), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
				continue;
			if (remove_leftovers_at(fd, depth - 1, removed) != 0)
				r = ASSAY_ERR_IO;
		}
	}
	closedir(dp);
	return r;
}

int
assay_file_remove_leftovers(const char *dir, int depth, size_t *removed)
{
	size_t n = 0;
	int fd, r;

	if (removed != NULL)
		*removed = 0;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : ASSAY_ERR_IO;
	r = remove_leftovers_at(fd, depth, &n);
	if (n > 0 && assay_file_fsync_dir(dir) != 0)
		r = ASSAY_ERR_IO;
	if (removed != NULL)
		*removed = n;
	return r;
}

/*
 * Creates a new temporary file ".name.<pid>.<n>.tmp" in dfd (never an
 * existing one, never through a link); its name goes to tmp.
 */
static int
create_tmp(int dfd, const char *name, mode_t mode, char *tmp, size_t size,
    int *fdp)
{
	static unsigned int seq;
	unsigned long long salt;
	int i, r;

	*fdp = -1;
	salt = (unsigned long long)assay_clock_ns();
	for (i = 0; i < TMP_TRIES; i++) {
		if ((r = assay_path_fmt(tmp, size, ".%s.%ld.%llx.tmp", name,
		    (long)getpid(), salt + __atomic_add_fetch(&seq, 1,
		    __ATOMIC_RELAXED))) != 0)
			return r;
		if ((*fdp = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, mode)) != -1)
			return 0;
		if (errno != EEXIST)
			return errno_to_err(errno);
	}
	return ASSAY_ERR_IO;
}

/*
 * Puts the temporary file (already fsync'ed and closed) in place when r is
 * 0 and fsyncs the directory; removes it otherwise.  Returns the result.
 */
static int
place_tmp(int dfd, const char *tmp, const char *name, int r)
{
	if (r == 0 && renameat(dfd, tmp, dfd, name) != 0)
		r = errno_to_err(errno);
	if (r != 0) {
		(void)unlinkat(dfd, tmp, 0);
		return r;
	}
	return fsync(dfd) == 0 ? 0 : errno_to_err(errno);
}

int
assay_file_write_atomic_at(int dfd, const char *name, const void *p,
    size_t len, mode_t mode)
{
	const unsigned char *c = p;
	char tmp[ASSAY_PATH_MAX];
	ssize_t n;
	int fd = -1, r;

	if ((r = create_tmp(dfd, name, mode, tmp, sizeof(tmp), &fd)) != 0)
		return r;
	while (len > 0 && r == 0) {
		if ((n = write(fd, c, len)) == -1) {
			if (errno != EINTR)
				r = errno_to_err(errno);
			continue;
		}
		c += n;
		len -= (size_t)n;
	}
	if (r == 0 && fsync(fd) != 0)
		r = errno_to_err(errno);
	if (close(fd) != 0 && r == 0)
		r = errno_to_err(errno);
	return place_tmp(dfd, tmp, name, r);
}

int
assay_file_write_atomic(const char *path, const void *p, size_t len,
    mode_t mode)
{
	const char *name;
	int dfd = -1, r;

	if ((r = open_parent(path, &dfd, &name)) == 0)
		r = assay_file_write_atomic_at(dfd, name, p, len, mode);
	if (dfd != -1)
		close(dfd);
	return r;
}

/*
 * The stream's write and close functions (fopencookie): a failed write
 * keeps its errno, which stdio's ferror() loses, so a full disk is named
 * as such at commit.
 */
static ssize_t
cookie_write(void *cookie, const char *p, size_t len)
{
	struct assay_file_atomic *a = cookie;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if ((n = write(a->fd, p + done, len - done)) == -1) {
			if (errno == EINTR)
				continue;
			if (a->werr == 0)
				a->werr = errno;
			return 0;	/* stdio: 0 is the error */
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int
cookie_close(void *cookie)
{
	struct assay_file_atomic *a = cookie;
	int r = 0;

	if (a->fd != -1 && close(a->fd) != 0)
		r = -1;
	a->fd = -1;
	return r;
}

int
assay_file_atomic_open(const char *path, mode_t mode,
    struct assay_file_atomic **ap)
{
	struct assay_file_atomic *a = NULL;
	const char *name;
	int fd = -1, r;

	cookie_io_functions_t io = { NULL, cookie_write, NULL, cookie_close };

	*ap = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return ASSAY_ERR_ALLOC;
	a->dfd = -1;
	a->fd = -1;
	if ((r = open_parent(path, &a->dfd, &name)) != 0)
		goto out;
	if ((r = assay_path_fmt(a->name, sizeof(a->name), "%s", name)) != 0)
		goto out;
	if ((r = create_tmp(a->dfd, name, mode, a->tmp, sizeof(a->tmp),
	    &fd)) != 0)
		goto out;
	a->fd = fd;
	if ((a->fp = fopencookie(a, "w", io)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		close(fd);
		(void)unlinkat(a->dfd, a->tmp, 0);
		goto out;
	}
	*ap = a;
	a = NULL;
 out:
	if (a != NULL) {
		if (a->dfd != -1)
			close(a->dfd);
		free(a);
	}
	return r;
}

FILE *
assay_file_atomic_stream(struct assay_file_atomic *a)
{
	return a->fp;
}

int
assay_file_atomic_commit(struct assay_file_atomic *a)
{
	int r = 0;

	if (fflush(a->fp) != 0 || ferror(a->fp))
		r = a->werr != 0 ? errno_to_err(a->werr) : ASSAY_ERR_IO;
	if (r == 0 && fsync(a->fd) != 0)
		r = errno_to_err(errno);
	if (fclose(a->fp) != 0 && r == 0)
		r = errno_to_err(errno);
	a->fp = NULL;
	r = place_tmp(a->dfd, a->tmp, a->name, r);
	close(a->dfd);
	free(a);
	return r;
}

int
assay_file_atomic_error(const struct assay_file_atomic *a)
{
	return a->werr != 0 ? errno_to_err(a->werr) : 0;
}

void
assay_file_atomic_abort(struct assay_file_atomic *a)
{
	if (a == NULL)
		return;
	if (a->fp != NULL)
		fclose(a->fp);
	(void)unlinkat(a->dfd, a->tmp, 0);
	close(a->dfd);
	free(a);
}

int
assay_dir_empty(const char *dir)
{
	struct dirent *de;
	DIR *dp;
	int empty = 1;

	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(dp);
	return empty;
}
