/* addr.c - interface addresses: add one (IPv4 or IPv6) to a jail link; list them to find free space
 * in the pool and to describe running jails. */
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"

/* RTM_NEWADDR (or RTM_DELADDR) of @family: @local (@len bytes) /@prefix on @index, with
 * @flags (IFA_F_*; those past the header's 8 bits go in IFA_FLAGS, Linux 3.14). */
static int change_address(struct nl *nl, uint16_t type, int index, uint8_t family,
			  const void *local, size_t len, unsigned prefix, uint32_t flags)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, type,
				      type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = family;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = (unsigned)index;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_flags = (unsigned char)flags;
	mnl_attr_put(nlh, IFA_LOCAL, len, local);
	mnl_attr_put(nlh, IFA_ADDRESS, len, local);
	if (flags > 0xff)
		mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
	return nl_request(nl, nlh);
}

int addr_add(struct nl *nl, int index, struct in_addr local, unsigned prefix, uint32_t flags)
{
	return change_address(nl, RTM_NEWADDR, index, AF_INET, &local, sizeof(local), prefix,
			      flags);
}

int addr_delete(struct nl *nl, int index, struct in_addr local, unsigned prefix)
{
	return change_address(nl, RTM_DELADDR, index, AF_INET, &local, sizeof(local), prefix, 0);
}

int addr6_add(struct nl *nl, int index, const struct in6_addr *local, unsigned prefix,
	      uint32_t flags)
{
	/* No duplicate address detection on a link of two ends we both own: usable at once. */
	return change_address(nl, RTM_NEWADDR, index, AF_INET6, local, sizeof(*local), prefix,
			      IFA_F_NODAD | flags);
}

struct walk {
	addr_visit_fn visit;
	void *data;
	int stopped_with;
};

static int on_addr(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct walk *walk = data;
	struct addr_info addr = { .index = (int)ifa->ifa_index, .prefix = ifa->ifa_prefixlen };
	const struct nlattr *attr;
	bool has_local = false;

	if (nlh->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET || walk->stopped_with)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_payload_len(attr) != sizeof(struct in_addr))
			continue;
		if (mnl_attr_get_type(attr) == IFA_LOCAL) {
			memcpy(&addr.local, mnl_attr_get_payload(attr), sizeof(addr.local));
			has_local = true;
		} else if (mnl_attr_get_type(attr) == IFA_ADDRESS) {
			memcpy(&addr.address, mnl_attr_get_payload(attr), sizeof(addr.address));
		}
	}
	if (!has_local)
		addr.local = addr.address;
	walk->stopped_with = walk->visit(&addr, walk->data);
	return MNL_CB_OK;
}

int addr_for_each(struct nl *nl, addr_visit_fn visit, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETADDR, 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct walk walk = { visit, data, 0 };
	int err;

	ifa->ifa_family = AF_INET;
	err = nl_dump(nl, nlh, on_addr, &walk);
	return err ? err : walk.stopped_with;
}
