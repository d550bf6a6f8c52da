/* state.c - files under /run/netjail, one directory per network namespace.
 *
 * The kernel forgets who changed a sysctl, so netjail writes down what an uplink's settings
 * were before the first jail changed them, and the last jail on that uplink (or --cleanup)
 * puts them back (uplinkstate.c).  Slot locks are flock()s: the kernel drops them when
 * netjail dies, which is how a dead jail is told from a live one without trusting pids.
 * A slot's file holds the uid of the user who claimed it, so that a user's live jails can
 * be counted.  What outlives a slot (a retired link, the objects all jails share) has a
 * marker here, made before it and dropped after it, so that a netjail killed in between
 * (its user may kill it) leaves what it was doing for the next cleanup to find.
 *
 * The directory is named after the namespace's cookie (SO_NETNS_COOKIE, never reused while
 * the system runs), so jails of different namespaces never mix.  Everything is opened
 * relative to a root-owned directory fd with O_NOFOLLOW: no user-controlled path is used,
 * and so these are the only files netjail opens with fsuid 0 (see priv.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "priv.h"
#include "state.h"
#include "statefile.h"
#include "util.h"

/* Every file here is root's, 0600, in a directory of root's that only root can write:
 * what has another mode was left so by netjail itself (an older one, under a caller's
 * umask of 0777: a 0000 file that root without CAP_DAC_OVERRIDE cannot open), and is put
 * right rather than refused, or it would stop every later netjail, root's included. */
#define STATE_FILE_MODE 0600

/* openat @name in @dir_fd with fsuid 0 already; a file (not a directory) of ours that the
 * mode denies us is given STATE_FILE_MODE back and opened again.  The fd or -1 with errno. */
static int openat_repaired(int dir_fd, const char *name, int flags)
{
	int fd = openat(dir_fd, name, flags | O_NOFOLLOW | O_CLOEXEC, STATE_FILE_MODE);

	if (fd < 0 && errno == EACCES && !(flags & O_DIRECTORY) &&
	    fchmodat(dir_fd, name, STATE_FILE_MODE, AT_SYMLINK_NOFOLLOW) == 0)
		fd = openat(dir_fd, name, flags | O_NOFOLLOW | O_CLOEXEC, STATE_FILE_MODE);
	return fd;
}

/* openat_repaired/unlinkat as root, errno kept: the files must be root's, not the caller's. */
int root_openat(int dir_fd, const char *name, int flags)
{
	struct priv_files saved;
	int fd, err;

	priv_files_as_root(&saved);
	fd = openat_repaired(dir_fd, name, flags);
	err = errno;
	priv_files_restore(&saved);
	errno = err;
	return fd;
}

void root_unlinkat(int dir_fd, const char *name)
{
	struct priv_files saved;

	priv_files_as_root(&saved);
	unlinkat(dir_fd, name, 0);
	priv_files_restore(&saved);
}

/* With fsuid 0: make @name in @parent_fd a directory of root's with exactly @mode, if
 * @create and it is missing; refuse one someone else could have prepared for us (not
 * root's, or writable by group or others); give one of ours the mode it lacks (mkdirat
 * applies the umask; an older netjail under the caller's 0777 left 0000).  Its fd or
 * -errno. */
static int open_private_dir_as_root(int parent_fd, const char *name, mode_t mode, bool create)
{
	struct stat st;
	int fd;

	if (create && mkdirat(parent_fd, name, mode) && errno != EEXIST)
		return -errno;
	if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return -EPERM;
	if ((st.st_mode & 07777) != mode &&
	    fchmodat(parent_fd, name, mode, AT_SYMLINK_NOFOLLOW))
		return -errno;
	fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* The same directory still, as checked. */
	if (fstat(fd, &st) || st.st_uid != 0 || (st.st_mode & 07777) != mode) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

static int open_private_dir(int parent_fd, const char *name, mode_t mode, bool create)
{
	struct priv_files saved;
	int fd;

	priv_files_as_root(&saved);
	fd = open_private_dir_as_root(parent_fd, name, mode, create);
	priv_files_restore(&saved);
	return fd;
}

int state_open(struct state *st, struct nl *nl, bool create)
{
	uint64_t cookie;
	socklen_t len = sizeof(cookie);
	char name[32];
	int root_fd;

	st->dir_fd = st->lock_fd = -1;
	if (getsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len))
		return -errno;
	snprintf(name, sizeof(name), "%llu", (unsigned long long)cookie);
	root_fd = open_private_dir(AT_FDCWD, STATE_ROOT, 0755, create);
	if (root_fd < 0)
		return root_fd;
	st->dir_fd = open_private_dir(root_fd, name, 0700, create);
	close(root_fd);
	if (st->dir_fd < 0)
		return st->dir_fd;
	st->lock_fd = root_openat(st->dir_fd, "lock", O_RDWR | (create ? O_CREAT : 0));
	if (st->lock_fd < 0) {
		int err = -errno;

		state_close(st);
		return err;
	}
	return 0;
}

void state_close(struct state *st)
{
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	if (st->dir_fd >= 0)
		close(st->dir_fd);
	st->dir_fd = st->lock_fd = -1;
}

/* Open slot @slot's file with @flags and take its lock, with fsuid 0 already: the held
 * lock fd, -EBUSY if a live netjail holds it, or -errno. */
static int lock_slot_file(struct state *st, unsigned slot, int flags)
{
	char name[32];
	int fd, err;

	snprintf(name, sizeof(name), "slot-%u", slot);
	fd = openat_repaired(st->dir_fd, name, flags | O_RDWR);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	err = errno == EWOULDBLOCK ? -EBUSY : -errno;
	close(fd);
	return err;
}

/* Byte @slot of the lock file, locked (an OFD lock, fcntl(2)) by the netjail that holds
 * slot @slot: who lives can then be asked of one open file, one fcntl a slot, instead of an
 * open, a flock and a close of each slot's file, 300 system calls in every start with a
 * hundred jails alive.  A hint beside the slot file's flock, which decides: a slot whose
 * byte is free (its netjail died, could not take the byte, or is an older netjail) has its
 * flock tried.  POSIX-type locks and flocks do not interact, so the byte locks and the
 * state lock share the file; the kernel drops both when netjail dies. */
static struct flock slot_byte(unsigned slot, short type)
{
	return (struct flock){ .l_type = type, .l_whence = SEEK_SET, .l_start = slot, .l_len = 1 };
}

/* Take (F_WRLCK) or give back (F_UNLCK) @slot's byte.  Failing costs only the hint: the
 * flock tells then. */
static void set_slot_byte(struct state *st, unsigned slot, short type)
{
	struct flock byte = slot_byte(slot, type);

	fcntl(st->lock_fd, F_OFD_SETLK, &byte);
}

/* The owner's uid, "UID\n" in the slot's file, what state_count_slots_of counts: written
 * with the slot's flock and the state lock held, so no count sees a live slot without it. */
int state_claim_slot(struct state *st, unsigned slot, uid_t owner)
{
	struct priv_files saved;
	char name[32];
	int fd;

	priv_files_as_root(&saved);
	fd = lock_slot_file(st, slot, O_CREAT);
	if (fd >= 0 && (ftruncate(fd, 0) || dprintf(fd, "%u\n", (unsigned)owner) < 0)) {
		int err = -errno;

		snprintf(name, sizeof(name), "slot-%u", slot);
		unlinkat(st->dir_fd, name, 0);
		close(fd);
		fd = err;
	}
	priv_files_restore(&saved);
	if (fd >= 0)
		set_slot_byte(st, slot, F_WRLCK);
	return fd;
}

void state_unclaim_slot(struct state *st, unsigned slot, int fd)
{
	set_slot_byte(st, slot, F_UNLCK);
	close(fd);
}

/* false if a live netjail holds @slot's byte; true if none does (or the kernel cannot
 * tell), and its flock must say. */
static bool slot_byte_free(struct state *st, unsigned slot)
{
	struct flock byte = slot_byte(slot, F_WRLCK);

	return fcntl(st->lock_fd, F_OFD_GETLK, &byte) || byte.l_type == F_UNLCK;
}

/* Call @visit with every file of the state directory. */
int for_each_entry(struct state *st, int (*visit)(const char *name, void *data), void *data)
{
	int fd = root_openat(st->dir_fd, ".", O_RDONLY | O_DIRECTORY);
	struct dirent *entry;
	DIR *dir;
	int ret = 0;

	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while (!ret && (entry = readdir(dir)))
		ret = visit(entry->d_name, data);
	closedir(dir);
	return ret;
}

#define RETIRED_MARK "retired-"

/* Marks, by slot, those whose file is there; and the retired links' markers. */
struct slot_files {
	unsigned slots;
	unsigned char *there;
	struct state_retired *retired;
};

static int note_slot_file(const char *name, void *data)
{
	struct slot_files *listed = data;
	struct state_retired *retired = listed->retired;
	uint32_t number;

	if (strncmp(name, "slot-", 5) == 0 && parse_u32(name + 5, 1, listed->slots, &number) == 0)
		listed->there[number] = 1;
	else if (strncmp(name, RETIRED_MARK, strlen(RETIRED_MARK)) == 0 &&
		 parse_u32(name + strlen(RETIRED_MARK), 1, INT32_MAX, &number) == 0 &&
		 retired->count < STATE_RETIRED_MAX)
		retired->index[retired->count++] = (int)number;
	return 0;
}

/* With fsuid 0: the held lock of the marker of retired link @index, -EBUSY if its owner
 * lives, or -errno. */
static int lock_retired_mark(struct state *st, int index)
{
	char name[32];
	int fd;

	snprintf(name, sizeof(name), RETIRED_MARK "%d", index);
	fd = openat_repaired(st->dir_fd, name, O_RDONLY);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	close(fd);
	return errno == EWOULDBLOCK ? -EBUSY : -EIO;
}

int state_claim_dead_slots(struct state *st, unsigned slots, int *fds,
			   struct state_retired *retired)
{
	struct slot_files listed = { slots, calloc(slots + 1, 1), retired };
	struct priv_files saved;
	int err;

	retired->count = 0;
	for (unsigned slot = 1; slot <= slots; slot++)
		fds[slot] = -1;
	if (!listed.there)
		return -ENOMEM;
	/* Listed first: the directory changes as dead slots' files go. */
	err = for_each_entry(st, note_slot_file, &listed);
	/* One privileged window for all: one for each file would change credentials seven
	 * times a file, on every start.  Slots whose byte is held are not even opened
	 * (slot_byte).  (/proc/locks would tell the held ones in one read, but reading it
	 * takes the kernel's file_rwsem for writing: an RCU grace period, 10 ms here, with
	 * every flock on the host waiting.) */
	priv_files_as_root(&saved);
	for (unsigned slot = 1; !err && slot <= slots; slot++) {
		int fd;

		if (!listed.there[slot] || !slot_byte_free(st, slot))
			continue;	/* no file, or its netjail lives */
		fd = lock_slot_file(st, slot, 0);
		fds[slot] = fd >= 0 ? fd : -1;
		/* Live, or gone meanwhile: not ours to claim. */
		if (fd < 0 && fd != -EBUSY && fd != -ENOENT)
			err = fd;
	}
	/* Retired links whose deleter lives, or that are gone meanwhile, are not ours. */
	for (unsigned i = 0; i < retired->count; i++)
		retired->fd[i] = err ? -1 : lock_retired_mark(st, retired->index[i]);
	priv_files_restore(&saved);
	free(listed.there);
	return err;
}

/* true if slot @slot is live and its file names @owner; with fsuid 0 already.  A slot
 * whose byte is free is live if its flock is held: a flock we get is a dead netjail's,
 * given back at once by the close. */
static bool slot_is_owners(struct state *st, unsigned slot, uid_t owner)
{
	bool live = !slot_byte_free(st, slot);
	char name[32], text[16];
	uint32_t uid;
	ssize_t len;
	int fd;

	snprintf(name, sizeof(name), "slot-%u", slot);
	fd = openat(st->dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;	/* gone: its jail ended */
	len = read(fd, text, sizeof(text) - 1);
	if (!live)
		live = flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK;
	close(fd);
	/* No owner: a slot of a netjail from before owners were written, counted for nobody. */
	if (!live || len <= 0 || text[len - 1] != '\n')
		return false;
	text[len - 1] = '\0';
	return parse_u32(text, 0, UINT32_MAX, &uid) == 0 && uid == owner;
}

int state_count_slots_of(struct state *st, unsigned slots, uid_t owner)
{
	struct state_retired retired = { 0 };	/* listed too, not needed here */
	struct slot_files listed = { slots, calloc(slots + 1, 1), &retired };
	struct priv_files saved;
	int count = 0, err;

	if (!listed.there)
		return -ENOMEM;
	err = for_each_entry(st, note_slot_file, &listed);
	priv_files_as_root(&saved);
	for (unsigned slot = 1; !err && slot <= slots; slot++)
		count += listed.there[slot] && slot_is_owners(st, slot, owner);
	priv_files_restore(&saved);
	free(listed.there);
	return err ? err : count;
}

int state_mark_retired(struct state *st, int index)
{
	char name[32];

	snprintf(name, sizeof(name), RETIRED_MARK "%d", index);
	/* Held by whoever will delete the link: the marker of a dead one is free. */
	return state_open_locked(st, name, LOCK_EX);
}

void state_unmark_retired(struct state *st, int index)
{
	char name[32];

	snprintf(name, sizeof(name), RETIRED_MARK "%d", index);
	root_unlinkat(st->dir_fd, name);
}

int state_mark(struct state *st, const char *name)
{
	int fd = root_openat(st->dir_fd, name, O_RDONLY | O_CREAT);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

bool state_marked(struct state *st, const char *name)
{
	struct priv_files saved;
	struct stat info;
	int err;

	priv_files_as_root(&saved);
	err = fstatat(st->dir_fd, name, &info, AT_SYMLINK_NOFOLLOW) ? errno : 0;
	priv_files_restore(&saved);
	/* Unknown counts as marked: what it guards is then looked for, which is safe. */
	return err != ENOENT;
}

void state_unmark(struct state *st, const char *name)
{
	root_unlinkat(st->dir_fd, name);
}

void state_forget_slot(struct state *st, unsigned slot)
{
	char name[32];

	snprintf(name, sizeof(name), "slot-%u", slot);
	root_unlinkat(st->dir_fd, name);
	/* Free for the next jail of that slot before this netjail has exited. */
	set_slot_byte(st, slot, F_UNLCK);
}

struct slot_walk {
	int (*visit)(unsigned slot, void *data);
	void *data;
};

static int visit_slot_file(const char *name, void *data)
{
	struct slot_walk *walk = data;
	uint32_t slot;

	if (strncmp(name, "slot-", 5) != 0 || parse_u32(name + 5, 1, UINT32_MAX, &slot))
		return 0;
	return walk->visit(slot, walk->data);
}

static int for_each_slot(struct state *st, int (*visit)(unsigned slot, void *data), void *data)
{
	struct slot_walk walk = { visit, data };

	return for_each_entry(st, visit_slot_file, &walk);
}

static int stop_at_slot(unsigned slot, void *data)
{
	return slot != *(const unsigned *)data;
}

bool state_has_slots(struct state *st, unsigned except)
{
	/* An unreadable directory counts as busy: the gate then stays, which is safe. */
	return for_each_slot(st, stop_at_slot, &except) != 0;
}
