/* jailfs.c - the files the jail sees differently from the host.
 *
 * Only in the jail's own mount namespace, which the child made with its mounts as a
 * one-way copy of the host's (MS_SLAVE): nothing here shows on the host, the host's
 * files are never written, and nothing is created under /etc/netns.
 *
 *   /etc/resolv.conf     nameservers the jail can reach (dnsfind.c), also when the host has
 *                        none at the moment (place_resolv_conf)
 *   /etc/nsswitch.conf   "hosts: files dns": glibc asks those nameservers itself, not
 *                        systemd-resolved through nss-resolve (which would query from the
 *                        host, by the host's default route: a DNS leak)
 *   masked sockets       resolved's varlink socket, nscd's socket, and the session bus
 *                        when the profile says dbus = none: an empty file over each, so a
 *                        connect() fails instead of reaching a service outside the jail
 *
 * The new contents live on a small tmpfs mounted for a moment on /run/netjail (the jail
 * need not see netjail's state) and bind-mounted from there; the tmpfs itself is then
 * detached, so only the bind mounts keep it.  Files are created with fsuid 0, so the user
 * does not own them, and the tmpfs is remounted read-only, nosuid, nodev and noexec before
 * any bind mount, which copies those flags.
 * Sockets from the user's environment are opened without following a final symlink and
 * checked (a socket, owned by the user) before the mount goes onto that very file through
 * /proc/self/fd, so a path swapped meanwhile cannot redirect the mount.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jailfs.h"
#include "priv.h"
#include "state.h"

#define SCRATCH STATE_ROOT
#define LOCKED (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
/* Type and source are ignored by a bind mount and a remount; "none" keeps valgrind quiet. */

void jailfs_plan_mask(struct jailfs_plan *plan, const char *path, bool check_owner, uid_t owner)
{
	struct jailfs_mask *mask;
	struct stat st;

	if (plan->mask_count >= JAILFS_MAX_MASKS || strlen(path) >= JAILFS_PATH_MAX)
		return;
	if (lstat(path, &st) || !S_ISSOCK(st.st_mode) || (check_owner && st.st_uid != owner))
		return;
	for (size_t i = 0; i < plan->mask_count; i++)
		if (!strcmp(plan->masks[i].path, path))
			return;
	mask = &plan->masks[plan->mask_count++];
	snprintf(mask->path, sizeof(mask->path), "%s", path);
	mask->check_owner = check_owner;
	mask->owner = owner;
}

static int write_scratch(const char *name, const char *text)
{
	char path[64];
	size_t len = strlen(text);
	ssize_t written;
	int fd, err = 0;

	snprintf(path, sizeof(path), SCRATCH "/%s", name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	/* Readable by COMMAND whatever the umask (netjail's is 077). */
	if (fchmod(fd, 0644))
		err = -errno;
	else if ((written = write(fd, text, len)) != (ssize_t)len)
		err = written < 0 ? -errno : -EIO;	/* EFBIG past the file size limit */
	close(fd);
	return err;
}

/* Bind SCRATCH/@name over @target (a path, or /proc/self/fd/N).  The bind mount copies
 * the scratch mount's flags: read-only, nosuid, nodev, noexec. */
static int bind_over(const char *name, const char *target)
{
	char source[64];

	snprintf(source, sizeof(source), SCRATCH "/%s", name);
	return mount(source, target, "none", MS_BIND, NULL) ? -errno : 0;
}

/* Cover @target with SCRATCH/@name if @target exists. */
static int replace_file(const char *name, const char *target)
{
	struct stat st;

	if (stat(target, &st))
		return errno == ENOENT ? 0 : -errno;
	return bind_over(name, target);
}

/* The jail's resolv.conf over the host's, whatever the host has there at the moment.  While
 * NetworkManager or systemd-resolved restarts, /etc/resolv.conf may be a symlink whose
 * target is gone, or missing: no file to mount on, but the jail must still get its servers
 * (else glibc asks 127.0.0.1, the jail's own loopback).  A dangling symlink is covered
 * itself, through an O_PATH fd that does not follow it; with nothing there, /etc is covered
 * by a read-only overlay whose upper layer holds the jail's resolv.conf alone, so every
 * other file is still the host's. */
static int place_resolv_conf(void)
{
	char target[64];
	struct stat st;
	int err, fd;

	if (!stat("/etc/resolv.conf", &st))
		return bind_over("resolv.conf", "/etc/resolv.conf");
	if (errno != ENOENT && errno != ELOOP)	/* ELOOP: a symlink that leads nowhere too */
		return -errno;
	fd = open("/etc/resolv.conf", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		return -errno;
	if (fd < 0)
		return mount("overlay", "/etc", "overlay", MS_RDONLY | MS_NOSUID | MS_NODEV,
			     "lowerdir=" SCRATCH "/etc:/etc") ? -errno : 0;
	err = fstat(fd, &st) ? -errno : S_ISLNK(st.st_mode) ? 0 : -ESTALE;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (!err)
		err = bind_over("resolv.conf", target);
	close(fd);
	return err;
}

static int mask_socket(const struct jailfs_mask *mask)
{
	char target[64];
	struct stat st;
	int err = 0, fd = open(mask->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st))
		err = -errno;
	else if (!S_ISSOCK(st.st_mode) || (mask->check_owner && st.st_uid != mask->owner))
		err = 0;	/* no longer the socket that was planned: nothing to cover */
	else {
		snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
		err = bind_over("masked", target);
	}
	close(fd);
	return err;
}

static int fill_scratch(const struct jailfs_plan *plan, const char **what)
{
	struct priv_files as;
	int err = 0;

	/* Root's files on the tmpfs, so that the user does not own what the jail reads. */
	priv_files_as_root(&as);
	*what = "write the jail's resolv.conf";
	if (plan->resolv_conf)
		err = write_scratch("resolv.conf", plan->resolv_conf);
	/* The top layer of /etc if the host has no resolv.conf (place_resolv_conf): its mode
	 * is the jail's /etc's, so 0755 whatever netjail's umask. */
	if (!err && plan->resolv_conf)
		err = mkdir(SCRATCH "/etc", 0755) || chmod(SCRATCH "/etc", 0755) ? -errno :
		      write_scratch("etc/resolv.conf", plan->resolv_conf);
	if (!err && plan->nsswitch_conf) {
		*what = "write the jail's nsswitch.conf";
		err = write_scratch("nsswitch.conf", plan->nsswitch_conf);
	}
	if (!err) {
		*what = "write the file that masks sockets";
		err = write_scratch("masked", "");
	}
	priv_files_restore(&as);
	return err;
}

static int apply_on_scratch(const struct jailfs_plan *plan, const char **what)
{
	int err = fill_scratch(plan, what);

	/* Read-only from here on, for the jail too: every bind mount inherits these flags. */
	if (!err && mount("none", SCRATCH, "none", MS_REMOUNT | LOCKED, NULL)) {
		*what = "make the jail's tmpfs read-only";
		err = -errno;
	}
	if (!err && plan->resolv_conf) {
		*what = "put the jail's resolv.conf in place";
		err = place_resolv_conf();
	}
	if (!err && plan->nsswitch_conf) {
		*what = "put the jail's nsswitch.conf in place";
		err = replace_file("nsswitch.conf", "/etc/nsswitch.conf");
	}
	for (size_t i = 0; !err && i < plan->mask_count; i++) {
		*what = "hide a socket from the jail";
		err = mask_socket(&plan->masks[i]);
	}
	return err;
}

int jailfs_apply(const struct jailfs_plan *plan, const char **what)
{
	int err;

	*what = "mount a tmpfs for the jail's files";
	if (mount("tmpfs", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,uid=0,gid=0,size=64k"))
		return -errno;
	err = apply_on_scratch(plan, what);
	/* The bind mounts keep the tmpfs; the jail need not see it, nor lose /run/netjail. */
	if (umount2(SCRATCH, MNT_DETACH) && !err) {
		*what = "detach the jail's tmpfs";
		err = -errno;
	}
	return err;
}
