#ifndef NETJAIL_JAILVIEW_H
#define NETJAIL_JAILVIEW_H

#include <stddef.h>

#include "cli.h"
#include "desktopenv.h"
#include "dnsfind.h"
#include "env.h"
#include "hostnet.h"
#include "jailfs.h"
#include "nl.h"
#include "priv.h"

/* The jail's own view of the host's files, and what COMMAND's environment needs for it. */
struct jail_view {
	struct dns_choice dns;
	char nsswitch[8192];
	struct jailfs_plan files;
	struct desktop_plan desktop;
};

/* Plan @view for a jail on @jh's uplink, and set @env's session bus and runtime directory.
 * Warnings are logged.  0; or -EADDRNOTAVAIL with a one-line reason in @why when the
 * nameservers would make the jail resolve by the host's routes (the caller refuses). */
int jail_view_plan(struct nl *nl, const struct cli_options *opts, const struct jail_host *jh,
		   const struct target_user *target, struct env_changes *env,
		   struct jail_view *view, char *why, size_t why_len);

#endif
