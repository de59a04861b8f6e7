/*
 * fuzz_file.h - the fuzz input as a file, for targets whose code under
 * test reads a path (the forms loader opens and fstat()s its files).
 */
#ifndef ASSAY_FUZZ_FILE_H
#define ASSAY_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

/*
 * Writes data to /tmp/assay-fuzz-<name>-<pid>.xml (one file per process,
 * rewritten for every input) and returns its path, or NULL.  The path is
 * static: valid until the next call.
 */
static const char *
fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[96];
	FILE *fp;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/assay-fuzz-%s-%d.xml", name,
		    (int)getpid());
	if ((fp = fopen(path, "wb")) == NULL)
		return NULL;
	fwrite(data, 1, size, fp);
	fclose(fp);
	return path;
}

#endif
