/* running.h - is the program already running outside a jail? */
#ifndef NETJAIL_RUNNING_H
#define NETJAIL_RUNNING_H

#include <sys/types.h>

/* The pid of a process of @uid named like @command (its last path component), in
 * netjail's own network namespace, that is not one of netjail's ancestors; 0 if none.
 * Reads /proc with the caller's rights. */
pid_t running_outside_jail(const char *command, uid_t uid);

#endif
