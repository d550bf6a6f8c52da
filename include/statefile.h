/* statefile.h - inside the state (state.c, uplinkstate.c): its files, opened as root. */
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

#endif
