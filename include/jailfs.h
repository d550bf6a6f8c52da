/* jailfs.h - the jail's own view of a few files: resolv.conf, nsswitch.conf, and the
 * sockets through which a program could reach around the jail. */
#ifndef NETJAIL_JAILFS_H
#define NETJAIL_JAILFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define JAILFS_MAX_MASKS 6
#define JAILFS_PATH_MAX 4096

/* A unix socket to make unreachable in the jail. */
struct jailfs_mask {
	char path[JAILFS_PATH_MAX];
	bool check_owner;	/* a path built from the user's environment: only if @owner's */
	uid_t owner;
};

/* Planned by the supervisor before the fork; carried out by the child. */
struct jailfs_plan {
	const char *resolv_conf;	/* text of the jail's /etc/resolv.conf, or NULL */
	const char *nsswitch_conf;	/* text of the jail's /etc/nsswitch.conf, or NULL */
	struct jailfs_mask masks[JAILFS_MAX_MASKS];
	size_t mask_count;
};

/* Add @path to @plan's masks if it is a unix socket now (and, with @check_owner, owned by
 * @owner).  Run as the caller, so the user's paths are looked at with the user's rights. */
void jailfs_plan_mask(struct jailfs_plan *plan, const char *path, bool check_owner, uid_t owner);

/* In the child, in its new mount namespace (mounts already one-way from the host), still
 * holding CAP_SYS_ADMIN: put the files in place and cover the masked sockets with an empty
 * file, all read-only, nosuid, nodev and noexec.  A target that does not exist is skipped
 * (nothing to hide), but for resolv.conf, which the jail gets even then.  0 or -errno;
 * @what names the step that failed. */
int jailfs_apply(const struct jailfs_plan *plan, const char **what);

#endif
