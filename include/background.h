/* background.h - a jail whose COMMAND ended while its other programs live on. */
#ifndef NETJAIL_BACKGROUND_H
#define NETJAIL_BACKGROUND_H

#include <stdbool.h>

#include "hostnet.h"
#include "jail.h"
#include "nl.h"

/* COMMAND ended and the jail lives on (jail_supervise's *background): hand the jail to a
 * forked copy of the supervisor.  Returns true in the supervisor, which is then to exit
 * with COMMAND's status at once, tearing nothing down; false in the copy (or, if it could
 * not fork, in the supervisor itself) once the reaper has ended: then tear down as after
 * COMMAND. */
bool background_keep(struct jail_child *child, int signal_fd, const struct jail_watch *watch,
		     struct jail_host *jh, struct nl *nl);

#endif
