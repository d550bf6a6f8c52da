/* jailprocs.h - the processes of a jail: the descendants of its reaper (reaper.c). */
#ifndef NETJAIL_JAILPROCS_H
#define NETJAIL_JAILPROCS_H

#include <stddef.h>
#include <sys/types.h>

/* The live (not zombie) descendants of @reaper, @reaper itself left out: the first @max
 * of them in @pids (by pid, lowest first), and how many there are in all; or -errno.
 * Reads /proc/<pid>/stat, which every user may read. */
int jail_procs_of(pid_t reaper, pid_t *pids, size_t max);

/* A program joined to a named jail (join.c) has a reaper of its own, named this prefix
 * and the jail's host veth ("netjail+nj3"), and running as the jail's user. */
#define JOINED_COMM_PREFIX "netjail+"
/* The same, with the descendants of the reapers of programs joined to the jail on
 * @host_veth, whose user is @owner (the reapers themselves left out too). */
int jail_procs_with_joined(pid_t reaper, const char *host_veth, uid_t owner, pid_t *pids,
			   size_t max);

/* The real uid of @pid, from /proc/PID/status.  0 or -errno. */
int proc_real_uid(pid_t pid, uid_t *uid);

#endif
