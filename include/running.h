/* running.h - is the program already running outside a jail? */
#ifndef NETJAIL_RUNNING_H
#define NETJAIL_RUNNING_H

#include <sys/types.h>

/* If @command is a single-instance program (progname.c; its launcher script followed):
 * the pid of a process of @uid that is that program, in netjail's own network namespace,
 * and not one of netjail's ancestors; 0 if none, or if it is no such program.  Reads /proc
 * and the launcher with the caller's rights and no effective capability. */
pid_t running_outside_jail(const char *command, uid_t uid);

#endif
