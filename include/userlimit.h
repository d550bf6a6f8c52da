/* userlimit.h - [policy] max_jails_per_user: how many jails one user may have running. */
#ifndef NETJAIL_USERLIMIT_H
#define NETJAIL_USERLIMIT_H

#include <stddef.h>
#include <sys/types.h>

#include "conf.h"
#include "state.h"

/* May @uid start one more jail under @conf?  Call with the state lock held, and claim the
 * slot (for @uid) before it is released.  Root is not limited.  0, or -1 with the one-line
 * reason in @why. */
int user_limit_check(struct state *st, const struct netjail_conf *conf, uid_t uid,
		     char *why, size_t why_len);

#endif
