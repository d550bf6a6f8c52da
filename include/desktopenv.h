/* desktopenv.h - the desktop session's sockets, as a program in the jail would meet them. */
#ifndef NETJAIL_DESKTOPENV_H
#define NETJAIL_DESKTOPENV_H

#include <stdbool.h>
#include <sys/types.h>

#include "jailfs.h"
#include "priv.h"
#include "profile.h"

struct desktop_plan {
	char runtime_dir[JAILFS_PATH_MAX];	/* the user's XDG_RUNTIME_DIR, "" if none */
	bool set_runtime_dir;			/* COMMAND gets XDG_RUNTIME_DIR (sudo removed it) */
	char bus_address[JAILFS_PATH_MAX + 16];	/* COMMAND's DBUS_SESSION_BUS_ADDRESS, "" to keep */
	char warnings[2][320];			/* for the user, "" if none */
};

/* Decide, before the fork and as the caller, what the jail needs for @target's session:
 * the session bus through a path (abstract sockets belong to the host's network
 * namespace, so the jail cannot reach them), or hidden for dbus = none (@dbus), with its
 * sockets added to @fs's masks; and warn about an X display the jail cannot reach (an
 * abstract socket only; TCP on the host's loopback, as ssh -X gives). */
void desktop_plan(const struct target_user *target, enum profile_dbus dbus,
		  struct jailfs_plan *fs, struct desktop_plan *out);

#endif
