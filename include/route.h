/* route.h - IPv4 routes through rtnetlink. */
#ifndef NETJAIL_ROUTE_H
#define NETJAIL_ROUTE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

struct route_info {
	uint32_t table;
	uint8_t type;			/* RTN_UNICAST, RTN_UNREACHABLE, ... */
	uint8_t scope;
	uint8_t protocol;
	struct in_addr dst;
	unsigned dst_len;
	bool has_gateway;
	struct in_addr gateway;
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

/* Delete every route of @table.  0 or -errno. */
int route_flush_table(struct nl *nl, uint32_t table);

/* The gateway of the lowest-metric default route out of @oif in any table but those from
 * @skip_first to @skip_last (netjail's own).  0, -ENOENT if there is none, or -errno. */
int route_find_default_gateway(struct nl *nl, int oif, uint32_t skip_first, uint32_t skip_last,
			       struct in_addr *gateway);

/* 0 if the kernel reaches @addr directly on @oif (no gateway), -ENETUNREACH if not. */
int route_check_onlink(struct nl *nl, int oif, struct in_addr addr);

#endif
