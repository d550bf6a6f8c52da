/* jailprocs.h - the processes of a jail: the descendants of its reaper (reaper.c). */
#ifndef NETJAIL_JAILPROCS_H
#define NETJAIL_JAILPROCS_H

#include <stddef.h>
#include <sys/types.h>

/* The live (not zombie) descendants of @reaper, @reaper itself left out: the first @max
 * of them in @pids (by pid, lowest first), and how many there are in all; or -errno.
 * Reads /proc/<pid>/stat, which every user may read. */
int jail_procs_of(pid_t reaper, pid_t *pids, size_t max);

#endif
