/* statefile.c - a file of the state directory (state.c) written whole or not at all, or
 * held locked.
 *
 * What netjail records before it changes the host (an uplink's settings, uplinkstate.c;
 * the host's IPv6 forwarding, ipv6global.c) is what a later run puts back, so a record must
 * never be half there: a netjail killed half-way (its user may kill it) or a full /run
 * would leave one that no later run can read.  So it is written aside, into "new-NAME",
 * and renamed over NAME, which is atomic; a draft left by a netjail killed before the
 * rename is truncated and written again by the next one, and no reader looks at it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "priv.h"
#include "statefile.h"

#define DRAFT_PREFIX "new-"

int state_write_whole(struct state *st, const char *name, const char *text, size_t len,
		      bool replace)
{
	char draft[80];
	struct priv_files saved;
	ssize_t written;
	int fd, err = 0;

	if ((size_t)snprintf(draft, sizeof(draft), DRAFT_PREFIX "%s", name) >= sizeof(draft))
		return -ENAMETOOLONG;
	fd = root_openat(st->dir_fd, draft, O_WRONLY | O_CREAT | O_TRUNC);
	if (fd < 0)
		return -errno;
	/* A write past the file size limit fails with EFBIG (SIGXFSZ is ignored, priv.c), a
	 * short one leaves a draft that is never renamed: either way, no record. */
	written = write(fd, text, len);
	if (written < 0 || (size_t)written != len)
		err = written < 0 ? -errno : -EIO;
	if (close(fd) && !err)
		err = -EIO;
	priv_files_as_root(&saved);
	if (!err && renameat2(st->dir_fd, draft, st->dir_fd, name, replace ? 0 : RENAME_NOREPLACE) &&
	    errno != EEXIST)
		err = -errno;
	unlinkat(st->dir_fd, draft, 0);
	priv_files_restore(&saved);
	return err;
}

int state_open_locked(struct state *st, const char *name, int lock)
{
	int fd = root_openat(st->dir_fd, name, O_RDONLY | O_CREAT);

	if (fd < 0)
		return -errno;
	if (flock(fd, lock | LOCK_NB)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}
