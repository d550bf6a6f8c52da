/* keeper.h - the supervisor's watch on the host while a jail runs: what another tool
 * removes or changes of the jail (routes, rules, the uplink's settings, its accept rules
 * in the host's firewall) is put back, and a re-created uplink or a new gateway followed. */
#ifndef NETJAIL_KEEPER_H
#define NETJAIL_KEEPER_H

#include <stdbool.h>

#include "conf.h"
#include "fwwatch.h"
#include "hostnet.h"
#include "jail.h"
#include "nl.h"

struct keeper {
	struct nl events;		/* rtnetlink: links, addresses, routes, rules, netconf */
	struct fw_watch firewall;	/* its accept rules in the host's firewall */
	struct nl seal;			/* nftables deletions that may take the seal (seal.c) */
	int poll_fd;			/* events and seal together, or -1 */
	const struct netjail_conf *conf;
	struct jail_host *jh;
	struct nl *nl;			/* the supervisor's own socket, whose changes are ours */
	bool gateway_given;		/* -g: the gateway is not followed */
};

/* Start listening for the jail @jh and fill @watch for jail_supervise().  Never fails: a
 * jail without its watch still fails closed, it only does not recover (said in one line). */
void keeper_open(struct keeper *k, struct jail_host *jh, struct nl *nl,
		 const struct netjail_conf *conf, bool gateway_given, struct jail_watch *watch);
void keeper_close(struct keeper *k);

#endif
