/*
 * datadir.c - locate Assay's data files.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/datadir.h"
#include "base/error.h"
#include "base/file.h"
#include "commit.h"

/*
 * A directory is Assay's data only if it has all of these: an older
 * install without the lab set-up schema must not be picked.
 */
static const char *const probe_files[] = {
	"spec/en303645_v2.1.1_provisions.csv",
	"ixit/ixit.xsd",
	"setup/setup.xsd",
};

static char		 found[PATH_MAX];
static pthread_once_t	 once = PTHREAD_ONCE_INIT;

static int
usable(const char *dir)
{
	char p[PATH_MAX];
	size_t i;

	if (dir == NULL || *dir == '\0')
		return 0;
	for (i = 0; i < sizeof(probe_files) / sizeof(probe_files[0]); i++)
		if (assay_path_join(p, sizeof(p), dir, probe_files[i]) != 0 ||
		    access(p, R_OK) != 0)
			return 0;
	return 1;
}

static void
pick(const char *dir)
{
	if (found[0] == '\0' && usable(dir))
		snprintf(found, sizeof(found), "%s", dir);
}

/*
 * Where the data is, first found wins:
 *   1. $ASSAY_DATADIR;
 *   2. the source tree, only for the binary of its own build directory;
 *   3. ../share/assay beside the executable (an install moved or made
 *      with `cmake --install --prefix P` after configuring another);
 *   4. the data directory of the configured install prefix.
 * Never the source tree for any other binary: an installed Assay must
 * not use a checkout that happens to exist (and fail once it is gone).
 */
static void
locate(void)
{
	char exe[PATH_MAX], rel[PATH_MAX], canon[PATH_MAX];
	ssize_t n;
	char *slash;

	pick(getenv("ASSAY_DATADIR"));
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if (strncmp(exe, ASSAY_BINARY_DIR "/",
		    strlen(ASSAY_BINARY_DIR) + 1) == 0)
			pick(ASSAY_SOURCE_DIR);
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			if (assay_path_join(rel, sizeof(rel), exe,
			    "../share/assay") == 0 &&
			    realpath(rel, canon) != NULL)
				pick(canon);
		}
	}
	pick(ASSAY_INSTALL_DATADIR);
}

const char *
assay_datadir(void)
{
	pthread_once(&once, locate);
	return found[0] != '\0' ? found : NULL;
}

int
assay_datadir_path(char *out, size_t outlen, const char *rel)
{
	const char *d;

	if ((d = assay_datadir()) == NULL)
		return ASSAY_ERR_DATADIR;
	return assay_path_join(out, outlen, d, rel);
}

const char *
assay_version(void)
{
	return ASSAY_VERSION;
}

const char *
assay_commit(void)
{
	return ASSAY_COMMIT;
}
