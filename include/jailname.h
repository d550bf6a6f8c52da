/* jailname.h - a jail's name (--name): checked, recorded in its alias, looked up. */
#ifndef NETJAIL_JAILNAME_H
#define NETJAIL_JAILNAME_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nl.h"
#include "pool.h"

#define JAIL_NAME_MAX 32
/* " owner=UID name=NAME start=TICKS", appended to the jail's alias (hostnet.h). */
#define JAIL_NAME_TAG_MAX 96

/* The tag that names the jail of reaper @reaper, whose programs run as @owner, in its alias:
 * the reaper's start time goes with it, so that a pid taken by another process is told
 * from the reaper.  0 or -errno (the reaper's /proc/PID/stat unreadable). */
int jail_name_tag(char *tag, size_t size, const char *name, uid_t owner, pid_t reaper);

/* The name in a jail's @alias and its owner: 0, or -ENOENT if it has none. */
int jail_name_of_alias(const char *alias, char name[JAIL_NAME_MAX + 1], uid_t *owner);

/* A running jail found by (owner, name). */
struct named_jail {
	char veth[IFNAMSIZ];
	char uplink[IFNAMSIZ];
	pid_t pid;			/* its supervisor */
	pid_t reaper;
	unsigned long long start;	/* the reaper's start time, /proc/PID/stat field 22 */
};

/* Find @owner's jail @name among the host's jails.  0, -ENOENT, or -errno. */
int jail_name_find(struct nl *nl, const struct pool_config *cfg, uid_t owner, const char *name,
		   struct named_jail *found);

/* With the state lock held (jails are named under it): refuse @name if @owner has a live
 * jail of that name.  0, or -EEXIST with the one line to show in @why, or -errno. */
int jail_name_refuse_clash(struct nl *nl, const struct pool_config *cfg, uid_t owner,
			   const char *name, char *why, size_t why_len);

/* In run(), with the state lock held, once the jail's reaper is known: refuse @name if
 * @owner has a live jail of that name, else put the name in @jh's alias-to-be.  0, or
 * -errno with the one line to show in @why. */
struct jail_host;
int jail_name_claim(struct jail_host *jh, struct nl *nl, const struct pool_config *cfg,
		    const char *name, uid_t owner, char *why, size_t why_len);

/* Print, one a line, the names of @owner's running jails (--list-names, for completion). */
int jail_name_print_all(struct nl *nl, const struct pool_config *cfg, uid_t owner);

#endif
