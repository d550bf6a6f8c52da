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

/* First thing in main: every signal at its default but SIGXFSZ ignored, none blocked, each
 * soft resource limit at its hard one, umask 077 (the caller's ignored signals, mask, limits
 * and umask kept for COMMAND), make fds 0-2 valid and close every other inherited fd, become
 * non-dumpable, and hold only the capabilities setup needs, as the calling user's uid (so
 * files are opened with the caller's rights).  0, or -EPERM with the reason in @why. */
int priv_init(const char **why);

/* Refuse to half-work without privilege (not installed setuid or with file capabilities,
 * or started under no_new_privs).  0 or -EPERM with the reason in @why. */
int priv_require_setup(const char **why);

/* In the supervisor once the child is forked: keep only what teardown needs (NET_ADMIN,
 * SETUID/SETGID for the state files), with @signal_other_user also CAP_KILL (root running
 * COMMAND as another user, whom it must be able to pass signals on to) and, where
 * CAP_SETPCAP allows, the same bounding set.  0 or -errno. */
int priv_narrow_to_supervisor(bool signal_other_user);

/* setns(2) into the namespaces @nstype of the process @pidfd (netjail --join), with
 * CAP_SYS_CHROOT and CAP_SYS_PTRACE raised for the call (a mount namespace, a process that
 * is not dumpable), if they are permitted.  0 or -errno (-EPERM without them). */
int priv_enter_jail(int pidfd, int nstype);

/* bind(2) @fd with the caller's right to low ports: CAP_NET_BIND_SERVICE only for root.
 * 0 or -errno. */
struct sockaddr;
int priv_bind_as_caller(int fd, const struct sockaddr *addr, unsigned len);

/* Open netjail's own fixed, root-owned paths (never a user's) as root: fsuid/fsgid 0
 * between these two calls.  Needs CAP_SETUID/CAP_SETGID; without them access stays the
 * caller's and fails closed. */
struct priv_files {
	uid_t uid;
	gid_t gid;
};
void priv_files_as_root(struct priv_files *saved);
void priv_files_restore(const struct priv_files *saved);

/* Open a file the caller named (a profile) with the caller's rights only: between these
 * two calls the effective capability set is empty (permitted is kept), so that no file
 * opens by a capability netjail holds for setup, e.g. a 0600 net sysctl by CAP_NET_ADMIN.
 * begin: 0, or -errno and nothing changed (then open nothing); end: back as before, or
 * abort. */
struct priv_caller {
	void *caps;		/* cap_t, the set before begin */
};
int priv_as_caller_begin(struct priv_caller *saved);
void priv_as_caller_end(struct priv_caller *saved);

/* Decide who COMMAND runs as: the invoking user; for root, -u USER or sudo's caller.
 * 0, -EPERM (-u by non-root), -ENOENT (unknown user) or -errno. */
int priv_resolve_target(const char *user_option, struct target_user *target);

/* In the jail child, right before exec: become @target for good (groups, gid, uid, every
 * capability set empty), and check that it cannot be undone; the caller's umask again.
 * 0 or -errno. */
int priv_drop(const struct target_user *target);

/* In the jail child, after priv_drop and right before exec: the signals the caller had
 * ignored are ignored again, the others (SIGXFSZ too) at their default, and its signal
 * mask is back, as they would be for COMMAND without netjail (SIGCHLD included: that is
 * COMMAND's own business). */
void priv_give_back_caller_signals(void);

#endif
