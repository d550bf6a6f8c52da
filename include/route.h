/* route.h - IPv4 and IPv6 routes through rtnetlink. */
#ifndef NETJAIL_ROUTE_H
#define NETJAIL_ROUTE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

struct route_info {
	uint8_t family;			/* AF_INET (also when 0) or AF_INET6 */
	uint32_t table;
	uint8_t type;			/* RTN_UNICAST, RTN_UNREACHABLE, ... */
	uint8_t scope;
	uint8_t protocol;
	struct in_addr dst;
	unsigned dst_len;
	bool has_gateway;
	struct in_addr gateway;
	struct in6_addr dst6, gateway6;	/* instead of dst and gateway for AF_INET6 */
	int oif;			/* 0 if none */
	uint32_t metric;
};

typedef int (*route_visit_fn)(const struct route_info *route, void *data);

/* Add @route (NLM_F_EXCL).  0 or -errno. */
int route_add(struct nl *nl, const struct route_info *route);
/* Add @route or replace the one with its table, destination and metric.  0 or -errno. */
int route_replace(struct nl *nl, const struct route_info *route);
int route_delete(struct nl *nl, const struct route_info *route);

/* Call @visit for every IPv4 route of every table; non-zero from it is returned. */
int route_for_each(struct nl *nl, route_visit_fn visit, void *data);

/* The same for the routes of @family (AF_INET, AF_INET6, or AF_UNSPEC for both). */
int route_for_each_family(struct nl *nl, uint8_t family, route_visit_fn visit, void *data);

/* Delete every route, IPv4 and IPv6, of @table.  0 or -errno. */
int route_flush_table(struct nl *nl, uint32_t table);

/* The gateway of the lowest-metric default route out of @oif in the main table or, if it
 * has none, in any table but those from @skip_first to @skip_last (netjail's own).  0,
 * -ENOENT if there is none, or -errno. */
int route_find_default_gateway(struct nl *nl, int oif, uint32_t skip_first, uint32_t skip_last,
			       struct in_addr *gateway);

/* IPv6: the lowest-metric default route out of @oif, the main table's first, as above.  0 with
 * @has_gateway and @gateway (none on a point-to-point link), -ENOENT, or -errno. */
int route6_find_default(struct nl *nl, int oif, uint32_t skip_first, uint32_t skip_last,
			bool *has_gateway, struct in6_addr *gateway);

/* 0 if the kernel reaches @addr directly on @oif (no gateway), -ENETUNREACH if not. */
int route_check_onlink(struct nl *nl, int oif, struct in_addr addr);

#endif
