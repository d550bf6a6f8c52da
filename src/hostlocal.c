/* hostlocal.c - is an address the host's own?
 *
 * A packet from a jail to any address of the host (the uplink's, another interface's, the
 * host end of a veth, one of lo's) is delivered to the host, not forwarded: it is the
 * host's routing that decides, by the local table that comes before every rule of
 * netjail's.  So rather than list the addresses of every interface and compare, ask that
 * routing where a packet to the address would go (RTM_GETROUTE, as `ip route get` does):
 * type "local" is the host itself.  That also covers what no interface lists, such as a
 * "local" route for a whole prefix (AnyIP).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "hostlocal.h"

static int on_route(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	int *type = data;

	if (nlh->nlmsg_type == RTM_NEWROUTE)
		*type = rtm->rtm_type;
	return MNL_CB_OK;
}

int host_local_address(struct nl *nl, const char *addr)
{
	unsigned char bytes[sizeof(struct in6_addr)];
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET, type = RTN_UNSPEC, err;
	size_t len = family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);

	if (inet_pton(family, addr, bytes) != 1)
		return -EINVAL;
	nlh = nl_msg(nl, buf, RTM_GETROUTE, 0);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)(len * 8);
	mnl_attr_put(nlh, RTA_DST, len, bytes);
	err = nl_query(nl, nlh, on_route, &type);
	/* No route, or an unreachable, blackhole or prohibit one: not the host's own (the
	 * local table, looked up first, would have answered for a local address). */
	if (err == -ENETUNREACH || err == -EHOSTUNREACH || err == -EINVAL || err == -EACCES)
		return 0;
	if (err)
		return err;
	return type == RTN_LOCAL;
}
