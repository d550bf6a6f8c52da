/* state.c - files under /run/netjail, one directory per network namespace.
 *
 * The kernel forgets who changed a sysctl, so netjail writes down what an uplink's settings
 * were before the first jail changed them, and the last jail on that uplink (or --cleanup)
 * puts them back.  Slot locks are flock()s: the kernel drops them when netjail dies, which
 * is how a dead jail is told from a live one without trusting pids.  A slot's file holds
 * the uid of the user who claimed it, so that a user's live jails can be counted.
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
#include <sys/time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "priv.h"
#include "state.h"
#include "util.h"

#define UPLINK_PREFIX "uplink-"

/* openat/mkdirat/unlinkat as root, errno kept: the files must be root's, not the caller's. */
static int root_openat(int dir_fd, const char *name, int flags, mode_t mode)
{
	struct priv_files saved;
	int fd, err;

	priv_files_as_root(&saved);
	fd = openat(dir_fd, name, flags, mode);
	err = errno;
	priv_files_restore(&saved);
	errno = err;
	return fd;
}

static int root_mkdirat(int dir_fd, const char *name, mode_t mode)
{
	struct priv_files saved;
	int ret, err;

	priv_files_as_root(&saved);
	ret = mkdirat(dir_fd, name, mode);
	err = errno;
	priv_files_restore(&saved);
	errno = err;
	return ret;
}

static void root_unlinkat(int dir_fd, const char *name)
{
	struct priv_files saved;

	priv_files_as_root(&saved);
	unlinkat(dir_fd, name, 0);
	priv_files_restore(&saved);
}

static int open_private_dir(int parent_fd, const char *path, mode_t mode)
{
	struct stat st;
	int fd;

	if (root_mkdirat(parent_fd, path, mode) && errno != EEXIST)
		return -errno;
	fd = root_openat(parent_fd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Refuse a directory someone else could have prepared for us. */
	if (fstat(fd, &st) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

int state_open(struct state *st, struct nl *nl)
{
	uint64_t cookie;
	socklen_t len = sizeof(cookie);
	char name[32];
	int root_fd;

	st->dir_fd = st->lock_fd = -1;
	if (getsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len))
		return -errno;
	snprintf(name, sizeof(name), "%llu", (unsigned long long)cookie);
	root_fd = open_private_dir(AT_FDCWD, STATE_ROOT, 0755);
	if (root_fd < 0)
		return root_fd;
	st->dir_fd = open_private_dir(root_fd, name, 0700);
	close(root_fd);
	if (st->dir_fd < 0)
		return st->dir_fd;
	st->lock_fd = root_openat(st->dir_fd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
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

static void on_alarm(int signo)
{
	(void)signo;	/* only here to interrupt flock() */
}

int state_lock(struct state *st)
{
	/* No SA_RESTART: the alarm makes flock() fail with EINTR instead of waiting on. */
	struct sigaction wake = { .sa_handler = on_alarm }, previous;
	struct itimerval limit = { .it_value = { .tv_sec = STATE_LOCK_WAIT_SECONDS } };
	struct itimerval off = { 0 };
	int err = 0;

	if (flock(st->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return -errno;
	/* The holder may be a user's netjail they stopped (SIGSTOP is theirs to send): wait
	 * a bounded time rather than hang every netjail on the host. */
	sigaction(SIGALRM, &wake, &previous);
	setitimer(ITIMER_REAL, &limit, NULL);
	if (flock(st->lock_fd, LOCK_EX))
		err = errno == EINTR ? -ETIMEDOUT : -errno;
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &previous, NULL);
	return err;
}

void state_unlock(struct state *st)
{
	flock(st->lock_fd, LOCK_UN);
}

/* Open slot @slot's file with @flags and take its lock, with fsuid 0 already: the held
 * lock fd, -EBUSY if a live netjail holds it, or -errno. */
static int lock_slot_file(struct state *st, unsigned slot, int flags)
{
	char name[32];
	int fd, err;

	snprintf(name, sizeof(name), "slot-%u", slot);
	fd = openat(st->dir_fd, name, flags | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0600);
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
static int for_each_entry(struct state *st, int (*visit)(const char *name, void *data), void *data)
{
	int fd = root_openat(st->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
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

/* Marks, by slot, those whose file is there. */
struct slot_files {
	unsigned slots;
	unsigned char *there;
};

static int note_slot_file(const char *name, void *data)
{
	struct slot_files *listed = data;
	uint32_t slot;

	if (strncmp(name, "slot-", 5) == 0 && parse_u32(name + 5, 1, listed->slots, &slot) == 0)
		listed->there[slot] = 1;
	return 0;
}

int state_claim_dead_slots(struct state *st, unsigned slots, int *fds)
{
	struct slot_files listed = { slots, calloc(slots + 1, 1) };
	struct priv_files saved;
	int err;

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
	struct slot_files listed = { slots, calloc(slots + 1, 1) };
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

#define USERS_PREFIX "users-"

int state_join_uplink(struct state *st, const char *uplink)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), USERS_PREFIX "%s", uplink);
	fd = root_openat(st->dir_fd, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_SH | LOCK_NB)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int state_uplink_in_use(struct state *st, const char *uplink, int own_fd)
{
	char name[64];
	int fd = own_fd, in_use;

	if (fd < 0) {
		snprintf(name, sizeof(name), USERS_PREFIX "%s", uplink);
		fd = root_openat(st->dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
		if (fd < 0)
			return errno == ENOENT ? 0 : -errno;
	}
	/* From shared to exclusive: granted only if nobody else holds it.  (Refused, our own
	 * shared lock may be gone: we are leaving anyway.) */
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		in_use = 0;
	else
		in_use = errno == EWOULDBLOCK ? 1 : -errno;
	if (fd != own_fd)
		close(fd);
	return in_use;
}

void state_forget_slot(struct state *st, unsigned slot)
{
	char name[32];

	snprintf(name, sizeof(name), "slot-%u", slot);
	root_unlinkat(st->dir_fd, name);
	/* Free for the next jail of that slot before this netjail has exited. */
	set_slot_byte(st, slot, F_UNLCK);
}

static void record_name(char *buf, size_t size, const char *uplink)
{
	snprintf(buf, size, UPLINK_PREFIX "%s", uplink);
}

/* The record appears whole or not at all (written aside, then renamed): a netjail killed
 * half-way, or a full disk, must not leave a record that no later run can read. */
int state_remember_uplink(struct state *st, const char *uplink, const struct uplink_record *record)
{
	char name[64], draft[72], text[64];
	struct priv_files saved;
	int fd, len, err = 0;
	ssize_t written;

	record_name(name, sizeof(name), uplink);
	snprintf(draft, sizeof(draft), "new-%s", name);
	fd = root_openat(st->dir_fd, draft, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	len = snprintf(text, sizeof(text), "%u %u %u\n", record->forwarding, record->src_valid_mark,
		       record->force_forwarding6);
	/* A write past the file size limit fails with EFBIG (SIGXFSZ is ignored, priv.c), a
	 * short one leaves a draft that is never renamed: either way, no record. */
	written = write(fd, text, (size_t)len);
	if (written != len)
		err = written < 0 ? -errno : -EIO;
	if (close(fd) && !err)
		err = -EIO;
	priv_files_as_root(&saved);
	/* NOREPLACE: a record already kept is the older truth; keep it. */
	if (!err && renameat2(st->dir_fd, draft, st->dir_fd, name, RENAME_NOREPLACE) &&
	    errno != EEXIST)
		err = -errno;
	unlinkat(st->dir_fd, draft, 0);
	priv_files_restore(&saved);
	return err;
}

int state_recall_uplink(struct state *st, const char *uplink, struct uplink_record *record)
{
	char name[64], text[64], *cursor;
	const char *fields[3];
	ssize_t len;
	int fd;

	record_name(name, sizeof(name), uplink);
	fd = root_openat(st->dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len <= 0 || text[len - 1] != '\n')
		return -EINVAL;
	text[len - 1] = '\0';
	/* "FORWARDING SRC_VALID_MARK FORCE_FORWARDING6", nothing else; the third is missing in
	 * records of netjail before IPv6 (then it was not changed: 0). */
	cursor = text;
	for (int i = 0; i < 3; i++) {
		fields[i] = cursor;
		cursor += strcspn(cursor, " ");
		if (i == 1 && *cursor == '\0') {
			fields[2] = "0";
			break;
		}
		if ((i < 2 && *cursor != ' ') || (i == 2 && *cursor != '\0'))
			return -EINVAL;
		*cursor++ = '\0';
	}
	if (parse_u32(fields[0], 0, 2, &record->forwarding) ||
	    parse_u32(fields[1], 0, 1, &record->src_valid_mark) ||
	    parse_u32(fields[2], 0, 1, &record->force_forwarding6))
		return -EINVAL;
	return 0;
}

void state_forget_uplink(struct state *st, const char *uplink)
{
	char name[64];

	record_name(name, sizeof(name), uplink);
	root_unlinkat(st->dir_fd, name);
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

struct uplink_walk {
	state_uplink_visit_fn visit;
	void *data;
};

static int visit_uplink_file(const char *name, void *data)
{
	struct uplink_walk *walk = data;

	if (strncmp(name, UPLINK_PREFIX, strlen(UPLINK_PREFIX)) != 0 ||
	    !ifname_is_valid(name + strlen(UPLINK_PREFIX)))
		return 0;
	return walk->visit(name + strlen(UPLINK_PREFIX), walk->data);
}

int state_for_each_uplink(struct state *st, state_uplink_visit_fn visit, void *data)
{
	struct uplink_walk walk = { visit, data };

	return for_each_entry(st, visit_uplink_file, &walk);
}
