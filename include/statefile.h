/* statefile.h - inside the state (state.c, uplinkstate.c, ipv6global.c): its files, opened
 * and written as root. */
#ifndef NETJAIL_STATEFILE_H
#define NETJAIL_STATEFILE_H

#include "state.h"

/* openat/unlinkat @name in @dir_fd with fsuid 0, errno kept: the files must be root's, not
 * the caller's.  A file of netjail's whose mode denies root is given 0600 back (state.c). */
int root_openat(int dir_fd, const char *name, int flags);
void root_unlinkat(int dir_fd, const char *name);
/* Call @visit with the name of every file of the state directory, until it returns
 * non-zero (returned).  0 or -errno. */
int for_each_entry(struct state *st, int (*visit)(const char *name, void *data), void *data);
/* Make @name hold the @len bytes of @text, whole or not at all (statefile.c): written into
 * "new-NAME" as root, then renamed over @name, or, unless @replace, only where @name is
 * missing (one already there is kept, and 0 returned).  The draft never stays.  0 or -errno
 * (-EIO for a short write). */
int state_write_whole(struct state *st, const char *name, const char *text, size_t len,
		      bool replace);
/* Open @name, made if missing, as root and hold the flock @lock (LOCK_SH or LOCK_EX) on it
 * without waiting (statefile.c).  The fd, or -errno (-EWOULDBLOCK: another holds it). */
int state_open_locked(struct state *st, const char *name, int lock);

#endif
