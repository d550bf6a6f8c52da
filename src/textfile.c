/* textfile.c - read a small text file whole, never blocking on a FIFO or a device. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "textfile.h"

char *text_file_read(const char *path, size_t max, size_t *len)
{
	struct stat st;
	char *text;
	ssize_t got;
	/* O_NONBLOCK: a FIFO must not hang netjail before it is found not to be a file. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		int err = errno;

		close(fd);
		errno = err;
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		close(fd);
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		return NULL;
	}
	text = calloc(1, (size_t)st.st_size + 1);
	got = text ? read(fd, text, (size_t)st.st_size) : -1;
	close(fd);
	if (got != st.st_size) {
		free(text);
		errno = EIO;
		return NULL;
	}
	if (len)
		*len = (size_t)got;
	return text;
}
