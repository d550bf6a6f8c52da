/* natsource.c - which of the uplink's addresses a jail's connections leave as.
 *
 * The jail's connections are SNATed to one fixed address of the uplink (nftnat.c), not
 * masqueraded: masquerade forgets every connection when the uplink goes down, even for two
 * seconds, and the jail's open connections then hang for good.  So netjail picks the address
 * itself, and the supervisor picks again whenever the uplink's addresses change.
 *
 * IPv4: the one masquerade would pick (inet_select_addr() in net/ipv4/devinet.c, called by
 * nf_nat_masquerade_ipv4 with the route's next hop): the first primary address of scope
 * global, in the kernel's order, that is on the gateway's subnet, else the first primary
 * one.  Unlike the kernel, never another interface's address when the uplink has none.
 * IPv6: masquerade picks per destination (RFC 6724, ipv6_dev_get_saddr); a jail's
 * connections all go to the default route, so one address is picked for all of them, as
 * the kernel would for a distant global destination: the first global one that is not
 * tentative or failed, a non-deprecated one before a deprecated one, and one outside
 * fc00::/7 (a ULA) before a ULA.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "natsource.h"

struct candidates {
	int index;
	const struct in_addr *gateway;
	struct nat_source *src;
	bool on_gateway_subnet;		/* the IPv4 one found is on the gateway's subnet */
	int ipv6_rank;			/* of the IPv6 one found: lower is better */
};

struct addr_attrs {
	const void *local, *address;	/* IFA_LOCAL, IFA_ADDRESS (the peer on point-to-point) */
	uint32_t flags;
};

static void read_attrs(const struct nlmsghdr *nlh, size_t len, struct addr_attrs *a)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	a->flags = ifa->ifa_flags;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		uint16_t type = mnl_attr_get_type(attr), size = mnl_attr_get_payload_len(attr);

		if (type == IFA_LOCAL && size == len)
			a->local = mnl_attr_get_payload(attr);
		else if (type == IFA_ADDRESS && size == len)
			a->address = mnl_attr_get_payload(attr);
		else if (type == IFA_FLAGS && size == sizeof(uint32_t))
			a->flags = mnl_attr_get_u32(attr);
	}
	if (!a->local)
		a->local = a->address;
	if (!a->address)
		a->address = a->local;
}

/* Remember @local in @kept (of @size bytes each), or that there were too many. */
static void keep(void *kept, unsigned *count, const void *local, size_t size)
{
	if (*count < NAT_KEPT_MAX)
		memcpy((char *)kept + *count * size, local, size);
	if (*count <= NAT_KEPT_MAX)
		(*count)++;
}

static void consider_ipv4(struct candidates *c, const struct ifaddrmsg *ifa,
			  const struct addr_attrs *a)
{
	uint32_t mask = ifa->ifa_prefixlen ? htonl(0xffffffffu << (32 - ifa->ifa_prefixlen)) : 0;
	struct in_addr address;
	bool on_subnet;

	if (ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return;
	keep(c->src->kept4, &c->src->kept4_count, a->local, sizeof(struct in_addr));
	if ((a->flags & IFA_F_SECONDARY) || c->on_gateway_subnet)
		return;
	memcpy(&address, a->address, sizeof(address));
	on_subnet = c->gateway && ((address.s_addr ^ c->gateway->s_addr) & mask) == 0;
	if (on_subnet || !c->src->has_ipv4) {
		memcpy(&c->src->ipv4, a->local, sizeof(c->src->ipv4));
		c->src->has_ipv4 = true;
		c->on_gateway_subnet = on_subnet;
	}
}

static void consider_ipv6(struct candidates *c, const struct ifaddrmsg *ifa,
			  const struct addr_attrs *a)
{
	const uint8_t *bytes = a->local;
	int rank;

	if (ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return;
	keep(c->src->kept6, &c->src->kept6_count, a->local, sizeof(struct in6_addr));
	if ((a->flags & IFA_F_DADFAILED) ||
	    ((a->flags & IFA_F_TENTATIVE) && !(a->flags & IFA_F_OPTIMISTIC)))
		return;
	rank = ((a->flags & IFA_F_DEPRECATED) ? 2 : 0) + ((bytes[0] & 0xfe) == 0xfc ? 1 : 0);
	if (!c->src->has_ipv6 || rank < c->ipv6_rank) {
		memcpy(&c->src->ipv6, a->local, sizeof(c->src->ipv6));
		c->src->has_ipv6 = true;
		c->ipv6_rank = rank;
	}
}

static int on_addr(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct candidates *c = data;
	struct addr_attrs a = { 0 };

	if (nlh->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != c->index)
		return MNL_CB_OK;
	if (ifa->ifa_family == AF_INET) {
		read_attrs(nlh, sizeof(struct in_addr), &a);
		if (a.local)
			consider_ipv4(c, ifa, &a);
	} else if (ifa->ifa_family == AF_INET6) {
		read_attrs(nlh, sizeof(struct in6_addr), &a);
		if (a.local)
			consider_ipv6(c, ifa, &a);
	}
	return MNL_CB_OK;
}

static int dump_family(struct nl *nl, uint8_t family, struct candidates *c)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int err = -EINTR;

	for (int tries = 0; err == -EINTR && tries < NL_DUMP_TRIES; tries++) {
		struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETADDR, 0);
		struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

		ifa->ifa_family = family;
		ifa->ifa_index = (uint32_t)c->index;	/* a hint; on_addr checks it */
		if (family == AF_INET) {
			c->src->has_ipv4 = c->on_gateway_subnet = false;
			c->src->kept4_count = 0;
		} else {
			c->src->has_ipv6 = false;
			c->src->kept6_count = 0;
		}
		err = nl_dump(nl, nlh, on_addr, c);
	}
	return err;
}

int nat_source_find(struct nl *nl, int index, const struct in_addr *gateway,
		    struct nat_source *src)
{
	struct candidates c = { .index = index, .gateway = gateway, .src = src };
	int err;

	memset(src, 0, sizeof(*src));
	if (index <= 0)
		return 0;
	err = dump_family(nl, AF_INET, &c);
	if (!err)
		err = dump_family(nl, AF_INET6, &c);
	if (err)
		memset(src, 0, sizeof(*src));
	return err;
}

bool nat_source_equal(const struct nat_source *a, const struct nat_source *b)
{
	unsigned kept4 = a->kept4_count < NAT_KEPT_MAX ? a->kept4_count : NAT_KEPT_MAX;
	unsigned kept6 = a->kept6_count < NAT_KEPT_MAX ? a->kept6_count : NAT_KEPT_MAX;

	return a->has_ipv4 == b->has_ipv4 && a->has_ipv6 == b->has_ipv6 &&
	       (!a->has_ipv4 || a->ipv4.s_addr == b->ipv4.s_addr) &&
	       (!a->has_ipv6 || memcmp(&a->ipv6, &b->ipv6, sizeof(a->ipv6)) == 0) &&
	       a->kept4_count == b->kept4_count && a->kept6_count == b->kept6_count &&
	       memcmp(a->kept4, b->kept4, kept4 * sizeof(a->kept4[0])) == 0 &&
	       memcmp(a->kept6, b->kept6, kept6 * sizeof(a->kept6[0])) == 0;
}
