/* route.c - IPv4 and IPv6 routes: the jail's table, and the questions netjail asks the kernel's
 * routing (which gateway does the uplink use, is a given gateway on-link).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "route.h"

static void put_route(struct nlmsghdr *nlh, const struct route_info *route)
{
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	bool v6 = route->family == AF_INET6;

	rtm->rtm_family = v6 ? AF_INET6 : AF_INET;
	rtm->rtm_dst_len = (unsigned char)route->dst_len;
	/* Tables above 255 only fit in RTA_TABLE. */
	rtm->rtm_table = RT_TABLE_UNSPEC;
	rtm->rtm_protocol = route->protocol ? route->protocol : RTPROT_STATIC;
	rtm->rtm_scope = route->scope;
	rtm->rtm_type = route->type;
	mnl_attr_put_u32(nlh, RTA_TABLE, route->table);
	if (route->dst_len && v6)
		mnl_attr_put(nlh, RTA_DST, sizeof(route->dst6), &route->dst6);
	else if (route->dst_len)
		mnl_attr_put(nlh, RTA_DST, sizeof(route->dst), &route->dst);
	if (route->has_gateway && v6)
		mnl_attr_put(nlh, RTA_GATEWAY, sizeof(route->gateway6), &route->gateway6);
	else if (route->has_gateway)
		mnl_attr_put(nlh, RTA_GATEWAY, sizeof(route->gateway), &route->gateway);
	if (route->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)route->oif);
	if (route->metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, route->metric);
}

int route_add(struct nl *nl, const struct route_info *route)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);

	put_route(nlh, route);
	return nl_request(nl, nlh);
}

int route_replace(struct nl *nl, const struct route_info *route)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE);

	put_route(nlh, route);
	return nl_request(nl, nlh);
}

int route_delete(struct nl *nl, const struct route_info *route)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_DELROUTE, 0);

	put_route(nlh, route);
	return nl_request(nl, nlh);
}

static void parse_route(const struct nlmsghdr *nlh, struct route_info *route)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	memset(route, 0, sizeof(*route));
	route->family = rtm->rtm_family;
	route->table = rtm->rtm_table;
	route->type = rtm->rtm_type;
	route->scope = rtm->rtm_scope;
	route->protocol = rtm->rtm_protocol;
	route->dst_len = rtm->rtm_dst_len;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm)) {
		uint16_t type = mnl_attr_get_type(attr);
		size_t len = mnl_attr_get_payload_len(attr);

		if (type == RTA_TABLE && len == sizeof(uint32_t))
			route->table = mnl_attr_get_u32(attr);
		else if (type == RTA_DST && len == sizeof(route->dst))
			memcpy(&route->dst, mnl_attr_get_payload(attr), len);
		else if (type == RTA_DST && len == sizeof(route->dst6))
			memcpy(&route->dst6, mnl_attr_get_payload(attr), len);
		else if (type == RTA_GATEWAY && len == sizeof(route->gateway)) {
			memcpy(&route->gateway, mnl_attr_get_payload(attr), len);
			route->has_gateway = true;
		} else if (type == RTA_GATEWAY && len == sizeof(route->gateway6)) {
			memcpy(&route->gateway6, mnl_attr_get_payload(attr), len);
			route->has_gateway = true;
		} else if (type == RTA_OIF && len == sizeof(uint32_t))
			route->oif = (int)mnl_attr_get_u32(attr);
		else if (type == RTA_PRIORITY && len == sizeof(uint32_t))
			route->metric = mnl_attr_get_u32(attr);
	}
}

struct walk {
	route_visit_fn visit;
	void *data;
	int stopped_with;
	uint8_t family;
};

static int on_route(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct walk *walk = data;
	struct route_info route;

	bool wanted = walk->family == AF_UNSPEC ?
		rtm->rtm_family == AF_INET || rtm->rtm_family == AF_INET6 :
		rtm->rtm_family == walk->family;

	if (nlh->nlmsg_type != RTM_NEWROUTE || !wanted || walk->stopped_with)
		return MNL_CB_OK;
	parse_route(nlh, &route);
	walk->stopped_with = walk->visit(&route, walk->data);
	return MNL_CB_OK;
}

int route_for_each_family(struct nl *nl, uint8_t family, route_visit_fn visit, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETROUTE, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct walk walk = { visit, data, 0, family };
	int err;

	rtm->rtm_family = family;
	err = nl_dump(nl, nlh, on_route, &walk);
	return err ? err : walk.stopped_with;
}

int route_for_each(struct nl *nl, route_visit_fn visit, void *data)
{
	return route_for_each_family(nl, AF_INET, visit, data);
}

/* A jail's table holds three routes; room for a few more put there by hand. */
#define FLUSH_MAX 16

struct flush {
	uint32_t table;
	unsigned count;
	struct route_info routes[FLUSH_MAX];
};

static int collect_table(const struct route_info *route, void *data)
{
	struct flush *flush = data;

	if (route->table == flush->table && flush->count < FLUSH_MAX)
		flush->routes[flush->count++] = *route;
	return 0;
}

/* Dump the routes of @family in @table only (if not 0) and out of @oif only (if not 0):
 * the kernel filters (strict checking, Linux 4.20), so that one jail does not read every
 * other jail's routes.  Without strict checking the kernel ignores the filter and sends
 * everything, which @visit sorts out as before. */
static int route_for_each_filtered(struct nl *nl, uint8_t family, uint32_t table, int oif,
				   route_visit_fn visit, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETROUTE, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct walk walk = { visit, data, 0, family };
	int on = 1, off = 0, err;

	rtm->rtm_family = family;
	if (table)
		mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	mnl_socket_setsockopt(nl->sock, NETLINK_GET_STRICT_CHK, &on, sizeof(on));
	err = nl_dump(nl, nlh, on_route, &walk);
	mnl_socket_setsockopt(nl->sock, NETLINK_GET_STRICT_CHK, &off, sizeof(off));
	return err ? err : walk.stopped_with;
}

int route_flush_table(struct nl *nl, uint32_t table)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	struct flush flush = { .table = table };

	/* Delete after the dump: changing a table while the kernel walks it for us would
	 * make the dump skip entries.  A full batch means there may be more: look again. */
	do {
		int err = 0;

		flush.count = 0;
		for (size_t i = 0; !err && i < sizeof(families); i++) {
			err = route_for_each_filtered(nl, families[i], table, 0, collect_table,
						      &flush);
			/* No such table in that family (never made, or emptied). */
			if (err == -ENOENT)
				err = 0;
		}
		if (err)
			return err;
		for (unsigned i = 0; i < flush.count; i++) {
			err = route_delete(nl, &flush.routes[i]);
			if (err && err != -ESRCH)
				return err;
		}
	} while (flush.count == FLUSH_MAX);
	return 0;
}

struct default_search {
	int oif;
	uint32_t skip_first, skip_last;
	bool need_gateway;	/* IPv4: the next hop is what is wanted */
	bool found;
	struct route_info best;
};

static int consider_default(const struct route_info *route, void *data)
{
	struct default_search *search = data;

	if (route->dst_len != 0 || route->type != RTN_UNICAST || route->oif != search->oif ||
	    (search->need_gateway && !route->has_gateway) ||
	    (route->table >= search->skip_first && route->table <= search->skip_last))
		return 0;
	if (!search->found || route->metric < search->best.metric) {
		search->best = *route;
		search->found = true;
	}
	return 0;
}

/* The lowest-metric default route of @family out of @oif: the main table's if it has one
 * (what the host itself would use), else any table's outside the skipped ones.  Main first
 * because it is one table: a search of all of them walks every jail's table too, whose
 * defaults mostly leave by this very uplink, and would cost every setup O(jails). */
static int find_default(struct nl *nl, uint8_t family, struct default_search *search)
{
	int err = route_for_each_filtered(nl, family, RT_TABLE_MAIN, search->oif, consider_default,
					  search);

	if (err == -ENOENT)
		err = 0;	/* no main table in this family yet */
	if (!err && !search->found)
		err = route_for_each_filtered(nl, family, 0, search->oif, consider_default, search);
	if (err)
		return err;
	return search->found ? 0 : -ENOENT;
}

int route_find_default_gateway(struct nl *nl, int oif, uint32_t skip_first, uint32_t skip_last,
			       struct in_addr *gateway)
{
	struct default_search search = {
		.oif = oif, .skip_first = skip_first, .skip_last = skip_last, .need_gateway = true,
	};
	int err = find_default(nl, AF_INET, &search);

	if (!err)
		*gateway = search.best.gateway;
	return err;
}

int route6_find_default(struct nl *nl, int oif, uint32_t skip_first, uint32_t skip_last,
			bool *has_gateway, struct in6_addr *gateway)
{
	struct default_search search = { .oif = oif, .skip_first = skip_first, .skip_last = skip_last };
	int err = find_default(nl, AF_INET6, &search);

	if (!err) {
		*has_gateway = search.best.has_gateway;
		*gateway = search.best.gateway6;
	}
	return err;
}

struct onlink_search {
	int oif;
	uint32_t addr;		/* host order */
	bool found;
};

static int consider_onlink(const struct route_info *route, void *data)
{
	struct onlink_search *search = data;
	uint32_t mask = route->dst_len ? 0xffffffffu << (32 - route->dst_len) : 0;

	if (route->type == RTN_UNICAST && !route->has_gateway && route->oif == search->oif &&
	    (search->addr & mask) == (ntohl(route->dst.s_addr) & mask))
		search->found = true;
	return 0;
}

/* Asking the kernel (RTM_GETROUTE with RTA_OIF) is no use here: when no route leaves by that
 * interface, it assumes the address is on-link (ip_route_output_key_hash_rcu) and says so.
 * So look for a route that does: one without a gateway, out of @oif, covering @addr (a
 * connected prefix, a "dev IF" host route, or a point-to-point default). */
int route_check_onlink(struct nl *nl, int oif, struct in_addr addr)
{
	struct onlink_search search = { .oif = oif, .addr = ntohl(addr.s_addr) };
	int err = route_for_each(nl, consider_onlink, &search);

	if (err)
		return err;
	return search.found ? 0 : -ENETUNREACH;
}
