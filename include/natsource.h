/* natsource.h - which of the uplink's addresses a jail's connections leave as (natsource.c). */
#ifndef NETJAIL_NATSOURCE_H
#define NETJAIL_NATSOURCE_H

#include <netinet/in.h>
#include <stdbool.h>

#include "nl.h"

/* How many of the uplink's addresses of one family the "stale" chain keeps by name. */
#define NAT_KEPT_MAX 16

struct nat_source {
	bool has_ipv4;			/* false: the uplink has no usable IPv4 address */
	struct in_addr ipv4;
	bool has_ipv6;			/* false: no usable global IPv6 address */
	struct in6_addr ipv6;
	/* Every global address of the uplink, the chosen one among them: connections NATed
	 * to any of them go on.  More than NAT_KEPT_MAX: *_count is NAT_KEPT_MAX + 1, and none
	 * of that family is ended. */
	unsigned kept4_count, kept6_count;
	struct in_addr kept4[NAT_KEPT_MAX];
	struct in6_addr kept6[NAT_KEPT_MAX];
};

/* The addresses of interface @index to NAT the jail's connections to: IPv4 as masquerade
 * would pick it for a connection through @gateway (NULL on a point-to-point uplink), IPv6
 * one global address; and all its global addresses.  An uplink without one has none of
 * that family (never another interface's).  0 or -errno (then @src says none). */
int nat_source_find(struct nl *nl, int index, const struct in_addr *gateway,
		    struct nat_source *src);

/* Whether @a and @b name the same addresses. */
bool nat_source_equal(const struct nat_source *a, const struct nat_source *b);

#endif
