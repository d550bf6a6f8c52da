/* hostlocal.c - how does the host route an address: to itself, or out by which link?
 *
 * A packet from a jail to any address of the host (the uplink's, another interface's, the
 * host end of a veth, one of lo's) is delivered to the host, not forwarded: it is the
 * host's routing that decides, by the local table that comes before every rule of
 * netjail's.  So rather than list the addresses of every interface and compare, ask that
 * routing where a packet to the address would go (RTM_GETROUTE, as `ip route get` does):
 * type "local" is the host itself.  That also covers what no interface lists, such as a
 * "local" route for a whole prefix (AnyIP).  The same question tells which link the host's
 * own traffic to an address leaves by (dnsroute.c: a VPN's nameserver).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "hostlocal.h"

static int on_attr(const struct nlattr *attr, void *data)
{
	struct host_route *out = data;

	if (mnl_attr_get_type(attr) == RTA_OIF && !mnl_attr_validate(attr, MNL_TYPE_U32))
		out->oif = (int)mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static int on_route(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct host_route *out = data;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	out->type = rtm->rtm_type;
	out->prefix_len = rtm->rtm_dst_len;
	return mnl_attr_parse(nlh, sizeof(*rtm), on_attr, out);
}

int host_route_get(struct nl *nl, const char *addr, bool fib_match, struct host_route *out)
{
	unsigned char bytes[sizeof(struct in6_addr)];
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET, err;
	size_t len = family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);

	*out = (struct host_route){ .type = RTN_UNSPEC };
	if (inet_pton(family, addr, bytes) != 1)
		return -EINVAL;
	nlh = nl_msg(nl, buf, RTM_GETROUTE, 0);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)(len * 8);
	if (fib_match)
		rtm->rtm_flags = RTM_F_FIB_MATCH;
	mnl_attr_put(nlh, RTA_DST, len, bytes);
	err = nl_query(nl, nlh, on_route, out);
	/* No route, or an unreachable, blackhole or prohibit one. */
	if (err == -ENETUNREACH || err == -EHOSTUNREACH || err == -EINVAL || err == -EACCES) {
		*out = (struct host_route){ .type = RTN_UNSPEC };
		return 0;
	}
	return err;
}

int host_local_address(struct nl *nl, const char *addr)
{
	struct host_route route;
	int err = host_route_get(nl, addr, false, &route);

	/* (The local table, looked up first, answers for a local address.) */
	return err ? err : route.type == RTN_LOCAL;
}
