/* priv.c - privilege handling, all of it.
 *
 * netjail runs setuid root (or with file capabilities).  It needs root's network powers
 * for setup and teardown only; COMMAND must get exactly the invoking user's identity.  The
 * drop happens once, in the child, before exec, with setres[ug]id so no saved id stays
 * root, and is verified afterwards (bubblewrap's drop_privs, OpenDoas's setresuid).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "priv.h"
#include "util.h"

int priv_init(const char **why)
{
	for (int fd = 0; fd <= 2; fd++) {
		struct stat st;

		/* A missing 0-2 would make our first open() the command's stdout. */
		if (fstat(fd, &st) && errno == EBADF) {
			int null_fd = open("/dev/null", O_RDWR);

			if (null_fd != fd) {
				*why = "cannot open /dev/null for a closed standard fd";
				return -EPERM;
			}
		}
	}
	closefrom(3);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		*why = "cannot make the process non-dumpable";
		return -EPERM;
	}
	return 0;
}

int priv_require_root(const char **why)
{
	if (geteuid() != 0) {
		/* Under no_new_privs the kernel ignores the setuid bit: say so, do nothing. */
		if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
			*why = "started with no_new_privs set (e.g. systemd NoNewPrivileges=), "
			       "which disables the setuid bit netjail needs";
		else
			*why = "needs root privileges: install it setuid root (make install)";
		return -EPERM;
	}
	return 0;
}

static int fill_from_passwd(const struct passwd *pw, struct target_user *target)
{
	int count = PRIV_MAX_GROUPS;

	target->uid = pw->pw_uid;
	target->gid = pw->pw_gid;
	snprintf(target->name, sizeof(target->name), "%s", pw->pw_name);
	snprintf(target->home, sizeof(target->home), "%s", pw->pw_dir);
	if (getgrouplist(pw->pw_name, pw->pw_gid, target->groups, &count) < 0)
		return -E2BIG;
	target->group_count = count;
	return 0;
}

static const struct passwd *lookup_user(const char *name)
{
	const struct passwd *pw = getpwnam(name);
	uint32_t uid;

	if (!pw && parse_u32(name, 0, 0x7fffffff, &uid) == 0)
		pw = getpwuid((uid_t)uid);
	return pw;
}

int priv_resolve_target(const char *user_option, struct target_user *target)
{
	const struct passwd *pw = NULL;
	const char *sudo_uid;
	uint32_t uid;

	memset(target, 0, sizeof(*target));
	if (getuid() != 0) {
		/* A user runs us setuid: they keep who they are, groups included. */
		if (user_option)
			return -EPERM;
		target->uid = getuid();
		target->gid = getgid();
		target->group_count = getgroups(PRIV_MAX_GROUPS, target->groups);
		return target->group_count < 0 ? -errno : 0;
	}
	if (user_option) {
		pw = lookup_user(user_option);
		if (!pw)
			return -ENOENT;
	} else if ((sudo_uid = getenv("SUDO_UID")) && parse_u32(sudo_uid, 1, 0x7fffffff, &uid) == 0) {
		/* The real uid is root, so this environment is root's own: trusting it
		 * grants nothing.  `sudo netjail ...` runs the command as the sudo caller. */
		pw = getpwuid((uid_t)uid);
		if (!pw)
			return -ENOENT;
	}
	if (!pw) {
		target->uid = 0;
		target->gid = getgid();
		target->group_count = getgroups(PRIV_MAX_GROUPS, target->groups);
		return target->group_count < 0 ? -errno : 0;
	}
	target->set_login_env = pw->pw_uid != 0;
	return fill_from_passwd(pw, target);
}

static int clear_capabilities(void)
{
	cap_t empty = cap_init();
	int err = 0;

	if (!empty)
		return -ENOMEM;
	if (cap_set_proc(empty))
		err = -errno;
	cap_free(empty);
	if (!err && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		err = -errno;
	return err;
}

static int verify_capabilities_empty(void)
{
	cap_t now = cap_get_proc(), empty = cap_init();
	int differ;

	if (!now || !empty) {
		cap_free(now);
		cap_free(empty);
		return -ENOMEM;
	}
	differ = cap_compare(now, empty);
	cap_free(now);
	cap_free(empty);
	return differ ? -EPERM : 0;
}

int priv_drop(const struct target_user *target)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	int err;

	if (setgroups((size_t)target->group_count, target->groups))
		return -errno;
	if (setresgid(target->gid, target->gid, target->gid))
		return -errno;
	if (setresuid(target->uid, target->uid, target->uid))
		return -errno;
	if (getresuid(&ruid, &euid, &suid) || getresgid(&rgid, &egid, &sgid))
		return -errno;
	if (ruid != target->uid || euid != target->uid || suid != target->uid ||
	    rgid != target->gid || egid != target->gid || sgid != target->gid)
		return -EPERM;
	if (target->uid == 0)
		return 0;	/* root asked to run its command as root */
	err = clear_capabilities();
	if (!err)
		err = verify_capabilities_empty();
	if (err)
		return err;
	/* The drop must be final: getting root back has to fail. */
	if (setresuid(0, 0, 0) == 0 || (target->gid != 0 && setegid(0) == 0))
		return -EPERM;
	return 0;
}
