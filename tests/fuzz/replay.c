/* replay.c - run a libFuzzer harness over files, without libFuzzer or clang.
 *
 *   replay FILE|DIR...
 *
 * Each FILE, and each regular file in each DIR, is given once to LLVMFuzzerTestOneInput(),
 * so that the shipped corpus runs under gcc's ASan and UBSan in `make check`.  A harness
 * aborts on a broken invariant; the sanitizers abort on a memory or UB error.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned replayed;

static int replay_file(const char *path)
{
	FILE *file = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t size = 0, got;
	int err = 0;

	if (!file) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		uint8_t *grown = realloc(data, size + 4096);

		if (!grown) {
			err = -1;
			break;
		}
		data = grown;
		got = fread(data + size, 1, 4096, file);
		size += got;
	} while (got == 4096);
	if (ferror(file))
		err = -1;
	fclose(file);
	if (!err) {
		/* libFuzzer never passes more bytes than it owns: neither do we. */
		uint8_t *exact = malloc(size ? size : 1);

		if (exact) {
			memcpy(exact, data, size);
			LLVMFuzzerTestOneInput(exact, size);
			free(exact);
			replayed++;
		} else {
			err = -1;
		}
	}
	if (err)
		fprintf(stderr, "replay: cannot read %s\n", path);
	free(data);
	return err;
}

static int replay_dir(const char *path)
{
	struct dirent **names;
	int count = scandir(path, &names, NULL, alphasort), err = 0;

	if (count < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < count; i++) {
		char file[4096];
		struct stat st;

		if (snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name) < (int)sizeof(file) &&
		    stat(file, &st) == 0 && S_ISREG(st.st_mode) && replay_file(file))
			err = -1;
		free(names[i]);
	}
	free(names);
	return err;
}

int main(int argc, char **argv)
{
	int err = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			err = -1;
		} else if (S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i])) {
			err = -1;
		}
	}
	printf("%s: %u inputs replayed\n", argc > 0 ? argv[0] : "replay", replayed);
	return err ? 1 : 0;
}
