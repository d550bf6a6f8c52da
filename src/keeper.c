/* keeper.c - the supervisor's watch on the host while a jail runs.
 *
 * It sleeps in the supervisor's poll() until the kernel reports a change: rtnetlink's
 * groups for links, addresses, routes, rules and netconf (hostwatch.c reads them and tells
 * our own changes from another tool's by the port id of the socket that made them), and,
 * for a jail with accept rules in another tool's firewall, nftables' (fwwatch.c); and
 * nftables' deletions, to put the jails' seal back (seal.c).  No timer:
 * nothing wakes it while all is quiet.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "keeper.h"
#include "log.h"
#include "seal.h"

static void repair_jail_host(struct keeper *k)
{
	int changes = jail_host_repair(k->jh, k->nl, &k->conf->pool, k->gateway_given);

	/* Also while the uplink is down: an address it loses meanwhile must not be used. */
	changes += jail_host_follow_source(k->jh, k->nl);

	if (changes)
		log_verbose("put back %d thing(s) of jail %s on %s", changes, k->jh->net.host_veth,
			    k->jh->uplink.name);
}

static void keep_jail_host(void *data)
{
	struct keeper *k = data;

	if (k->jh->nft.sock &&
	    seal_watch_keep(&k->seal, &k->jh->nft, k->conf->pool.mark_mask) > 0)
		log_verbose("put back the jails' seal, deleted by another tool");
	if (k->events.sock) {
		bool matters = jail_host_drain_events(k->jh, &k->events, k->nl->portid,
						      &k->conf->pool);

		/* Any uplink going down or losing an address, not only this jail's, makes
		 * masquerade forget connections, of jails that may be dead already: the
		 * seal must be there for them (seal.c), should its deletion have gone
		 * unheard.  One query when it is. */
		if (k->jh->nft.sock && seal_keep(&k->jh->nft, k->conf->pool.mark_mask) > 0)
			log_verbose("put back the jails' seal");
		if (matters)
			repair_jail_host(k);
	}
	fw_watch_keep(&k->firewall, k->jh, k->conf);
}

/* Add the seal's watch to @events_fd (-1: none): one descriptor for both, or @events_fd
 * alone if the seal's cannot be had (then only the uplink's changes put it back). */
static int open_seal_watch(struct keeper *k, int events_fd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int err = seal_watch_open(&k->seal);

	if (!err) {
		k->poll_fd = epoll_create1(EPOLL_CLOEXEC);
		err = k->poll_fd < 0 ? -errno : 0;
	}
	if (!err && events_fd >= 0 && epoll_ctl(k->poll_fd, EPOLL_CTL_ADD, events_fd, &ev))
		err = -errno;
	if (!err && epoll_ctl(k->poll_fd, EPOLL_CTL_ADD, mnl_socket_get_fd(k->seal.sock), &ev))
		err = -errno;
	if (!err)
		return k->poll_fd;
	log_error("cannot watch nftables for the jails' seal (%s)", strerror(-err));
	if (k->seal.sock)
		nl_close(&k->seal);
	if (k->poll_fd >= 0)
		close(k->poll_fd);
	k->poll_fd = -1;
	return events_fd;
}

void keeper_open(struct keeper *k, struct jail_host *jh, struct nl *nl,
		 const struct netjail_conf *conf, bool gateway_given, struct jail_watch *watch)
{
	/* IPv6's last: a jail without IPv6 has nothing there to keep, and each group heard
	 * makes every other jail's setup and teardown run this socket's filter once more. */
	static const unsigned groups[] = {
		RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV4_RULE,
		RTNLGRP_IPV4_NETCONF,
		RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV6_RULE, RTNLGRP_IPV6_NETCONF,
	};
	size_t count = sizeof(groups) / sizeof(groups[0]) - (jh->has_ipv6 ? 0 : 4);
	int err;

	*k = (struct keeper){ .jh = jh, .nl = nl, .conf = conf, .gateway_given = gateway_given,
			      .poll_fd = -1 };
	err = nl_open(&k->events, NETLINK_ROUTE);
	if (!err)
		err = nl_subscribe(&k->events, groups, count);
	/* Without the watch the jail still fails closed; it just does not recover. */
	if (err)
		log_error("cannot watch the uplink (%s): the jail will not recover if it drops",
			  strerror(-err));
	*watch = (struct jail_watch){
		.fd = fw_watch_open(&k->firewall, jh,
				    open_seal_watch(k, err ? -1 : mnl_socket_get_fd(k->events.sock))),
		.changed = keep_jail_host, .data = k,
	};
}

void keeper_close(struct keeper *k)
{
	nl_close(&k->events);
	fw_watch_close(&k->firewall);
	if (k->seal.sock)
		nl_close(&k->seal);
	if (k->poll_fd >= 0)
		close(k->poll_fd);
	k->poll_fd = -1;
}
