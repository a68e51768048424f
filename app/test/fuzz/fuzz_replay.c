/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Replay driver: runs a fuzz target's LLVMFuzzerTestOneInput() on files,
 * without libFuzzer, so that the seed corpus and every past finding run as
 * ordinary unit tests (with or without sanitizers).
 *
 *   replay_<target> PATH...
 *
 * Each PATH is a file or a directory (its regular files, in name order; not
 * recursive). A PATH that does not exist is an error unless it is given after
 * "--optional". Fails when no input at all was replayed, so an empty or
 * misnamed corpus cannot pass. A broken promise aborts inside the target.
 */

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_input.h"

#define FUZZ_REPLAY_MAX_INPUT (4u << 20)

static int
fuzz_replay_file(const char *path, unsigned int *count)
{
	uint8_t *buf, *exact;
	size_t n;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(FUZZ_REPLAY_MAX_INPUT + 1);
	if (buf == NULL) {
		fclose(f);
		fprintf(stderr, "replay: %s: out of memory\n", path);
		return -1;
	}
	n = fread(buf, 1, FUZZ_REPLAY_MAX_INPUT + 1, f);
	if (ferror(f) || n > FUZZ_REPLAY_MAX_INPUT) {
		fprintf(stderr, "replay: %s: %s\n", path,
				ferror(f) ? "read error" : "larger than 4 MiB");
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	printf("replay: %s (%zu bytes)\n", path, n);
	fflush(stdout);
	/* exactly n bytes, as libFuzzer gives: a read past them is a sanitizer report */
	exact = malloc(n != 0 ? n : 1);
	if (exact == NULL) {
		free(buf);
		fprintf(stderr, "replay: %s: out of memory\n", path);
		return -1;
	}
	memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	(*count)++;
	return 0;
}

static int
fuzz_replay_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

static int
fuzz_replay_dir(const char *dir, unsigned int *count)
{
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	struct stat st;
	int rc = 0;
	DIR *d;

	d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap * 2 + 16) * sizeof(*names));

			if (nn == NULL) {
				rc = -1;
				break;
			}
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (names[n] == NULL) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), fuzz_replay_name_cmp);
	for (i = 0; i < n; i++) {
		if (rc == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			/* README files and the like document the directory */
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
					strcmp(names[i], "README.md") != 0)
				rc = fuzz_replay_file(path, count);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned int count = 0;
	bool optional = false;
	struct stat st;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--optional") == 0) {
			optional = true;
			continue;
		}
		if (stat(argv[i], &st) != 0) {
			if (optional && errno == ENOENT) {
				printf("replay: %s: none\n", argv[i]);
				continue;
			}
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if ((S_ISDIR(st.st_mode) ? fuzz_replay_dir(argv[i], &count) :
				fuzz_replay_file(argv[i], &count)) != 0)
			return 1;
	}
	if (count == 0) {
		fprintf(stderr, "replay: no input replayed\n");
		return 1;
	}
	printf("replay: %u inputs, all passed\n", count);
	return 0;
}
