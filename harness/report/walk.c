/*
 * walk.c - list a report directory without following anything out of it
 * (see walk.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/file.h"
#include "base/hash.h"
#include "report/walk.h"

void
assay_walk_list_free(struct assay_walk_list *es)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		free(es->v[i].path);
	free(es->v);
	es->v = NULL;
	es->n = es->alloc = 0;
}

int
assay_walk_list_add(struct assay_walk_list *es, const char *path,
    enum assay_walk_kind kind, const unsigned char *sha)
{
	struct assay_walk_entry *nv;
	size_t na;

	if (es->n >= ASSAY_WALK_MAX_FILES)
		return ASSAY_ERR_TOO_BIG;
	if (es->n == es->alloc) {
		na = es->alloc ? es->alloc * 2 : 64;
		if ((nv = reallocarray(es->v, na, sizeof(*nv))) == NULL)
			return ASSAY_ERR_ALLOC;
		es->v = nv;
		es->alloc = na;
	}
	if ((es->v[es->n].path = strdup(path)) == NULL)
		return ASSAY_ERR_ALLOC;
	es->v[es->n].kind = kind;
	if (sha != NULL)
		memcpy(es->v[es->n].sha, sha, ASSAY_SHA256_LEN);
	else
		memset(es->v[es->n].sha, 0, ASSAY_SHA256_LEN);
	es->n++;
	return 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct assay_walk_entry *)a)->path,
	    ((const struct assay_walk_entry *)b)->path);
}

void
assay_walk_list_sort(struct assay_walk_list *es)
{
	if (es->n > 1)
		qsort(es->v, es->n, sizeof(*es->v), entry_cmp);
}

/* A file name we can put on a MANIFEST line: no control bytes. */
int
assay_walk_name_ok(const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* Writes prefix/name to dst with control bytes as \xNN, cut to fit. */
static void
escape_name(char *dst, size_t size, const char *prefix, const char *name)
{
	const unsigned char *p;
	size_t n;

	n = (size_t)snprintf(dst, size, "%s%s", prefix, *prefix ? "/" : "");
	for (p = (const unsigned char *)name; *p != '\0' && n + 5 < size; p++) {
		if (*p < 0x20 || *p == 0x7f)
			n += (size_t)snprintf(dst + n, size - n, "\\x%02x", *p);
		else
			dst[n++] = (char)*p;
	}
	dst[n < size ? n : size - 1] = '\0';
}

static int
skipped(const char *const *skip, const char *name)
{
	for (; skip != NULL && *skip != NULL; skip++)
		if (strcmp(*skip, name) == 0)
			return 1;
	return 0;
}

/*
 * Adds every entry below the directory dfd (borrowed) to es, with prefix
 * ("" at the top) before each name.  Regular files get their SHA-256;
 * anything else is recorded with its kind and never followed or read.
 */
static int
walk(int dfd, const char *prefix, int depth, const char *const *skip,
    struct assay_walk_list *es)
{
	DIR *dir = NULL;
	struct dirent *de;
	struct stat st, st2;
	unsigned char sha[ASSAY_SHA256_LEN];
	char path[ASSAY_WALK_MAX_PATH_LEN + 2];
	int fd = -1, sub = -1, r;

	if ((fd = dup(dfd)) == -1)
		return ASSAY_ERR_IO;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return ASSAY_ERR_IO;
	}
	rewinddir(dir);
	for (;;) {
		errno = 0;
		if ((de = readdir(dir)) == NULL) {
			r = errno ? ASSAY_ERR_IO : 0;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (depth == 0 && skipped(skip, de->d_name))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", prefix,
		    *prefix ? "/" : "", de->d_name) > ASSAY_WALK_MAX_PATH_LEN ||
		    !assay_walk_name_ok(de->d_name)) {
			/* Named, escaped, so it can't forge lines of output. */
			escape_name(path, sizeof(path), prefix, de->d_name);
			if ((r = assay_walk_list_add(es, path, ASSAY_WALK_BAD_NAME, NULL)) != 0)
				break;
			continue;
		}
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			if ((r = assay_walk_list_add(es, path, ASSAY_WALK_UNREADABLE, NULL)) != 0)
				break;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth + 1 >= ASSAY_WALK_MAX_DEPTH) {
				r = assay_walk_list_add(es, path, ASSAY_WALK_TOO_DEEP, NULL);
			} else if ((sub = openat(dirfd(dir), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
				r = assay_walk_list_add(es, path, ASSAY_WALK_UNREADABLE, NULL);
			} else {
				r = walk(sub, path, depth + 1, skip, es);
				close(sub);
				sub = -1;
			}
		} else if (S_ISLNK(st.st_mode)) {
			r = assay_walk_list_add(es, path, ASSAY_WALK_SYMLINK, NULL);
		} else if (!S_ISREG(st.st_mode)) {
			r = assay_walk_list_add(es, path, ASSAY_WALK_SPECIAL, NULL);
		} else if ((sub = openat(dirfd(dir), de->d_name, O_RDONLY |
		    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) == -1 ||
		    fstat(sub, &st2) != 0 || !S_ISREG(st2.st_mode) ||
		    st2.st_ino != st.st_ino || assay_file_sha256_fd(sub, sha) != 0) {
			/* Replaced under us, or unreadable. */
			r = assay_walk_list_add(es, path, ASSAY_WALK_UNREADABLE, NULL);
		} else {
			r = assay_walk_list_add(es, path, ASSAY_WALK_FILE, sha);
		}
		if (sub != -1) {
			close(sub);
			sub = -1;
		}
		if (r != 0)
			break;
	}
	closedir(dir);
	return r;
}

const char *
assay_walk_kind_reason(enum assay_walk_kind k)
{
	switch (k) {
	case ASSAY_WALK_SYMLINK:
		return "symbolic link (not followed)";
	case ASSAY_WALK_SPECIAL:
		return "special file (not a regular file)";
	case ASSAY_WALK_TOO_DEEP:
		return "directory nested too deep";
	case ASSAY_WALK_BAD_NAME:
		return "name too long or with control characters";
	case ASSAY_WALK_UNREADABLE:
		return "cannot be read";
	case ASSAY_WALK_FILE:
		break;
	}
	return "regular file";
}

int
assay_walk_open_dir(const char *dir, int *dfdp)
{
	if ((*dfdp = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? ASSAY_ERR_NOT_FOUND : ASSAY_ERR_IO;
	return 0;
}

int
assay_walk_dir(int dfd, const char *const *skip, struct assay_walk_list *es)
{
	int r;

	if ((r = walk(dfd, "", 0, skip, es)) == 0)
		assay_walk_list_sort(es);
	return r;
}
