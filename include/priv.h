/* priv.h - the only interface to uids, gids, groups and capabilities. */
#ifndef NETJAIL_PRIV_H
#define NETJAIL_PRIV_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#define PRIV_MAX_GROUPS 256

/* Who COMMAND runs as. */
struct target_user {
	uid_t uid;
	gid_t gid;
	gid_t groups[PRIV_MAX_GROUPS];
	int group_count;
	bool set_login_env;		/* root switched to another user: set HOME, USER, LOGNAME */
	char name[64];
	char home[PATH_MAX];
};

/* First thing in main: make fds 0-2 valid and close every other inherited fd, and keep
 * the process out of reach of debuggers.  0, or -EPERM with the reason in @why. */
int priv_init(const char **why);

/* Refuse to half-work without privilege (not setuid, or no_new_privs).  0 or -EPERM. */
int priv_require_root(const char **why);

/* Decide who COMMAND runs as: the invoking user; for root, -u USER or sudo's caller.
 * 0, -EPERM (-u by non-root), -ENOENT (unknown user) or -errno. */
int priv_resolve_target(const char *user_option, struct target_user *target);

/* In the jail child, right before exec: become @target for good (groups, gid, uid, every
 * capability set empty), and check that it cannot be undone.  0 or -errno. */
int priv_drop(const struct target_user *target);

#endif
