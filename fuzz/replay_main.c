/*
 * replay_main.c - a main() for a libFuzzer target built without libFuzzer
 * (gcc, the normal sanitizer build): feeds each file named on the command
 * line, or each file of each directory named, to LLVMFuzzerTestOneInput
 * once, as libFuzzer does when given files.  So CI replays every seed and
 * every regression input under ASan/UBSan without clang.  Exit 0 when
 * every input ran (a crash aborts with the sanitizer's report), 2 for a
 * file that cannot be read.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* The largest input replayed: fuzz/run's -max_len. */
#define REPLAY_MAX_LEN	(1024 * 1024)

static int
replay_file(const char *path, size_t *count)
{
	unsigned char *data = NULL, *exact;
	size_t n;
	FILE *fp;
	int r = 2;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: cannot open\n", path);
		return 2;
	}
	/* One byte more than the cap tells a larger file apart. */
	if ((data = malloc(REPLAY_MAX_LEN + 1)) == NULL)
		goto out;
	n = fread(data, 1, REPLAY_MAX_LEN + 1, fp);
	if (ferror(fp) || n > REPLAY_MAX_LEN) {
		fprintf(stderr, "replay: %s: unreadable or over %d bytes\n",
		    path, REPLAY_MAX_LEN);
		goto out;
	}
	/* An exact-size copy, so ASan sees a read past the input. */
	if ((exact = malloc(n > 0 ? n : 1)) == NULL)
		goto out;
	memcpy(exact, data, n);
	(void)LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	(*count)++;
	r = 0;
 out:
	free(data);
	fclose(fp);
	return r;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
replay_dir(const char *dir, size_t *count)
{
	struct dirent *de;
	struct stat st;
	char **names = NULL, **nn, path[4096];
	size_t n = 0, alloc = 0, i;
	DIR *dp;
	int r = 0;

	if ((dp = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: cannot open\n", dir);
		return 2;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			if ((nn = realloc(names, alloc * sizeof(*names))) == NULL) {
				r = 2;
				break;
			}
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			r = 2;
			break;
		}
		n++;
	}
	closedir(dp);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		if (r == 0 && snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]) < (int)sizeof(path) && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode) && replay_file(path, count) != 0)
			r = 2;
		free(names[i]);
	}
	free(names);
	return r;
}

int
main(int argc, char **argv)
{
	struct stat st;
	size_t count = 0;
	int i, r = 0;

	if (LLVMFuzzerInitialize != NULL)
		(void)LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: not found\n", argv[i]);
			r = 2;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) != 0)
				r = 2;
		} else if (replay_file(argv[i], &count) != 0)
			r = 2;
	}
	printf("replay: %zu input%s\n", count, count == 1 ? "" : "s");
	return r;
}
