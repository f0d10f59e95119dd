/* SPDX-License-Identifier: GPL-2.0-or-later
 * main() for fuzz targets built without --enable-fuzzing: runs
 * LLVMFuzzerTestOneInput once on each file argument (a directory: each
 * regular file in it, sorted), so make check replays the seed corpus under
 * the normal toolchain. Each input is copied to a buffer of exactly its size
 * so an over-read is caught by the sanitizers. Options (-runs=0 ...) are
 * ignored, as libFuzzer would treat them; with no file the empty input runs
 * once. Exits 1 when an input cannot be read. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned ran;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;
	int ok = 0;

	if (f && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc(size ? (size_t)size : 1)) &&
	    fread(buf, 1, (size_t)size, f) == (size_t)size) {
		LLVMFuzzerTestOneInput(buf, (size_t)size);
		ran++;
		ok = 1;
	}
	if (!ok)
		fprintf(stderr, "%s: cannot read: %s\n", path,
			errno ? strerror(errno) : "short read");
	free(buf);
	if (f)
		fclose(f);
	return ok ? 0 : -1;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, **grown;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown) {
				rc = -1;
				break;
			}
			names = grown;
		}
		if (asprintf(&names[n], "%s/%s", dir, e->d_name) < 0) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    run_file(names[i]) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	unsigned files = 0;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (argv[i][0] == '-')
			continue;
		files++;
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode) ? run_dir(argv[i]) < 0 :
						  run_file(argv[i]) < 0) {
			rc = 1;
		}
	}
	if (!files) {
		static const uint8_t empty[1];

		LLVMFuzzerTestOneInput(empty, 0);
		ran++;
	}
	printf("%s: ran %u input(s)%s\n", name, ran, rc ? ", some unreadable" : "");
	return rc;
}
