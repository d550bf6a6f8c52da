/* cleanup.h - removing what jails whose netjail died left on the host. */
#ifndef NETJAIL_CLEANUP_H
#define NETJAIL_CLEANUP_H

#include "nl.h"
#include "pool.h"
#include "state.h"

/* With the state lock held: remove the links, rules and routes of every slot no live
 * netjail holds, and restore uplinks no jail uses.  Returns the number of slots cleaned
 * (>= 0) or -errno. */
int cleanup_dead_jails(struct nl *nl, struct state *st, const struct pool_config *cfg);

#endif
