/* hostlocal.h - how the host's own routing treats an address: its own, or out by which link. */
#ifndef NETJAIL_HOSTLOCAL_H
#define NETJAIL_HOSTLOCAL_H

#include "nl.h"

/* 1 if the host's routing delivers a packet to @addr (IPv4 or IPv6 text) to the host
 * itself, whatever interface the address is on (loopback included); 0 if it would route it
 * elsewhere or nowhere; -EINVAL if @addr is no address, or another -errno.  Needs no
 * privilege. */
int host_local_address(struct nl *nl, const char *addr);

/* The route the host's own traffic to an address takes (as `ip route get ADDR`). */
struct host_route {
	int type;		/* RTN_UNICAST, RTN_LOCAL ...; RTN_UNSPEC if there is no route */
	int oif;		/* the interface it leaves by; 0 if none (or several: multipath) */
	int prefix_len;		/* with @fib_match: the prefix of the route that matched */
};

/* Ask the host's routing (rules and tables, as for a packet the host sends, unmarked) about
 * @addr.  With @fib_match, about the route entry that matched (RTM_F_FIB_MATCH, `ip route
 * get fibmatch`): its prefix length tells a catch-all from a route of the address's own.
 * 0 (no route, or an unreachable one: type RTN_UNSPEC), -EINVAL if @addr is no address, or
 * another -errno.  Needs no privilege. */
int host_route_get(struct nl *nl, const char *addr, bool fib_match, struct host_route *out);

#endif
