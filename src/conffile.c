/* conffile.c - read netjail.conf(5) the way a setuid program must.
 *
 * The file decides what unprivileged users may do, so it counts only if nobody but root
 * could have written it: the directory and the file must be root's and not writable by
 * group or others, and the file must not be a symlink (OpenDoas's rule for doas.conf).
 * It is a fixed path, never a user's, so it is opened as root (see priv.h): an admin may
 * keep it mode 0600.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "priv.h"

#define CONF_PATH NETJAIL_CONF_DIR "/" NETJAIL_CONF_NAME

static int open_as_root(int dir_fd, const char *path, int flags)
{
	struct priv_files saved;
	int fd, err;

	priv_files_as_root(&saved);
	fd = openat(dir_fd, path, flags | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	err = errno;
	priv_files_restore(&saved);
	errno = err;
	return fd;
}

static bool only_root_can_write(const struct stat *st)
{
	return st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* The file's contents, NUL-terminated, in @text (malloc'd).  0 or -errno with @why. */
static int read_trusted(int dir_fd, char **text, char *why, size_t why_len)
{
	struct stat st;
	ssize_t got;
	int fd = open_as_root(dir_fd, NETJAIL_CONF_NAME, 0);

	*text = NULL;
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0) {
		snprintf(why, why_len, "cannot open %s: %s", CONF_PATH,
			 errno == ELOOP ? "it is a symlink" : strerror(errno));
		return -EPERM;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !only_root_can_write(&st) ||
	    st.st_size > CONF_MAX_BYTES) {
		snprintf(why, why_len, "refusing %s: it must be a regular file of at most %d bytes, "
			 "owned by root and not writable by group or others", CONF_PATH, CONF_MAX_BYTES);
		close(fd);
		return -EPERM;
	}
	*text = calloc(1, (size_t)st.st_size + 1);
	if (!*text) {
		snprintf(why, why_len, "cannot read %s: out of memory", CONF_PATH);
		close(fd);
		return -ENOMEM;
	}
	got = read(fd, *text, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		snprintf(why, why_len, "cannot read %s", CONF_PATH);
		free(*text);
		*text = NULL;
		return -EIO;
	}
	return 0;
}

int conf_load(struct netjail_conf *conf, char *why, size_t why_len)
{
	struct stat st;
	char *text;
	int dir_fd, err;

	conf_defaults(conf);
	dir_fd = open_as_root(AT_FDCWD, NETJAIL_CONF_DIR, O_DIRECTORY);
	if (dir_fd < 0 && errno == ENOENT)
		return 0;
	if (dir_fd < 0) {
		snprintf(why, why_len, "cannot open %s: %s", NETJAIL_CONF_DIR, strerror(errno));
		return -EPERM;
	}
	if (fstat(dir_fd, &st) || !only_root_can_write(&st)) {
		snprintf(why, why_len, "refusing %s: the directory must be owned by root and not "
			 "writable by group or others", NETJAIL_CONF_DIR);
		close(dir_fd);
		return -EPERM;
	}
	err = read_trusted(dir_fd, &text, why, why_len);
	close(dir_fd);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	err = conf_parse(text, CONF_PATH, conf, why, why_len);
	free(text);
	return err;
}
