/* userlimit.c - [policy] max_jails_per_user, so that one user cannot take every slot of the
 * pool and lock every other user, root included, out.
 *
 * A slot's file names the user who claimed it (state_claim_slot), and the caller's live
 * slots are counted with the state lock held, under which every slot is claimed: two
 * starts of one user cannot both take the last jail the limit leaves.
 */
#include <stdio.h>
#include <string.h>

#include "userlimit.h"

int user_limit_check(struct state *st, const struct netjail_conf *conf, uid_t uid,
		     char *why, size_t why_len)
{
	int running;

	if (uid == 0)
		return 0;
	if (conf->max_jails_per_user == 0) {
		snprintf(why, why_len, "the administrator's policy (max_jails_per_user = 0 in %s/%s) "
			 "lets only root start jails", NETJAIL_CONF_DIR, NETJAIL_CONF_NAME);
		return -1;
	}
	running = state_count_slots_of(st, pool_slot_count(&conf->pool), uid);
	if (running < 0) {
		snprintf(why, why_len, "cannot count your running jails: %s", strerror(-running));
		return -1;
	}
	if ((unsigned)running < conf->max_jails_per_user)
		return 0;
	snprintf(why, why_len, "you have %d jail(s) running, as many as the administrator allows "
		 "a user (max_jails_per_user = %u in %s/%s)", running, conf->max_jails_per_user,
		 NETJAIL_CONF_DIR, NETJAIL_CONF_NAME);
	return -1;
}
