/* link.h - network interfaces through rtnetlink. */
#ifndef NETJAIL_LINK_H
#define NETJAIL_LINK_H

#include <linux/ip.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nl.h"

#define LINK_ALIAS_MAX 256

struct link_info {
	int index;
	unsigned flags;				/* IFF_UP, IFF_LOOPBACK, IFF_POINTOPOINT, ... */
	/* RFC 2863's state (IF_OPER_UP, IF_OPER_DOWN, IF_OPER_DORMANT, ...); IF_OPER_UNKNOWN
	 * on links whose driver never tells (tun, WireGuard, loopback), which is no fault. */
	uint8_t operstate;
	char name[IFNAMSIZ];
	char kind[16];				/* "veth", ... or "" */
	int master;				/* the bridge, bond or VRF it is a port of; 0 */
	char alias[LINK_ALIAS_MAX];
	bool has_inet_conf;
	uint32_t inet_conf[IPV4_DEVCONF_MAX];	/* indexed by IPV4_DEVCONF_* - 1 */
	bool has_inet6;				/* the kernel runs IPv6 on it */
};

typedef int (*link_visit_fn)(const struct link_info *link, void *data);

/* Look up interface @name.  0, -ENODEV if there is none, or -errno. */
int link_find(struct nl *nl, const char *name, struct link_info *link);

/* Call @visit for every interface; a non-zero return from it stops the walk. */
int link_for_each(struct nl *nl, link_visit_fn visit, void *data);

/* Create veth @host_name whose peer @peer_name is born in the network namespace open as
 * @peer_netns (an fd of /proc/.../ns/net).  -EEXIST if @host_name is taken. */
int link_add_veth(struct nl *nl, const char *host_name, const char *peer_name, int peer_netns);

/* Set the interface's alias (the kernel ignores IFLA_IFALIAS when creating a link). */
int link_set_alias(struct nl *nl, int index, const char *alias);

/* No IPv6 link-local address (nor its routes) when the interface comes up: a link whose
 * IPv6, if any, is an address given to it needs none.  Only where has_inet6. */
int link_skip_ipv6_link_local(struct nl *nl, int index);

int link_set_up(struct nl *nl, int index);
int link_set_down(struct nl *nl, int index);
/* Rename the (down) interface to @new_name and drop its alias: it is nobody's any more. */
int link_retire(struct nl *nl, int index, const char *new_name);
int link_delete(struct nl *nl, int index);

/* Set one IPv4 per-interface setting (net.ipv4.conf.IFACE.*), e.g. IPV4_DEVCONF_FORWARDING. */
int link_set_inet_conf(struct nl *nl, int index, int key, uint32_t value);

#endif
