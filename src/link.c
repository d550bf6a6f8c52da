/* link.c - interfaces: look up, create the jail's veth pair, set up, delete, and the
 * per-interface IPv4 settings.
 *
 * Settings go through IFLA_AF_SPEC/IFLA_INET_CONF instead of /proc/sys so that netjail
 * never opens a path, and always acts on the network namespace of its socket.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "link.h"

static void copy_attr_str(char *dst, size_t size, const struct nlattr *attr)
{
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(dst, size, "%s", mnl_attr_get_str(attr));
}

static int parse_linkinfo(const struct nlattr *nest, struct link_info *link)
{
	const struct nlattr *attr;

	mnl_attr_for_each_nested(attr, nest)
		if (mnl_attr_get_type(attr) == IFLA_INFO_KIND)
			copy_attr_str(link->kind, sizeof(link->kind), attr);
	return 0;
}

static void parse_af_spec(const struct nlattr *nest, struct link_info *link)
{
	const struct nlattr *family, *attr;

	mnl_attr_for_each_nested(family, nest) {
		if (mnl_attr_get_type(family) == AF_INET6)
			link->has_inet6 = true;
		if (mnl_attr_get_type(family) != AF_INET)
			continue;
		mnl_attr_for_each_nested(attr, family) {
			size_t len = mnl_attr_get_payload_len(attr);

			if (mnl_attr_get_type(attr) != IFLA_INET_CONF)
				continue;
			if (len > sizeof(link->inet_conf))
				len = sizeof(link->inet_conf);
			memcpy(link->inet_conf, mnl_attr_get_payload(attr), len);
			link->has_inet_conf = true;
		}
	}
}

static int parse_link(const struct nlmsghdr *nlh, struct link_info *link)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	memset(link, 0, sizeof(*link));
	link->index = ifi->ifi_index;
	link->flags = ifi->ifi_flags;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi)) {
		switch (mnl_attr_get_type(attr)) {
		case IFLA_IFNAME:
			copy_attr_str(link->name, sizeof(link->name), attr);
			break;
		case IFLA_IFALIAS:
			copy_attr_str(link->alias, sizeof(link->alias), attr);
			break;
		case IFLA_LINKINFO:
			parse_linkinfo(attr, link);
			break;
		case IFLA_AF_SPEC:
			parse_af_spec(attr, link);
			break;
		case IFLA_MASTER:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				link->master = (int)mnl_attr_get_u32(attr);
			break;
		case IFLA_OPERSTATE:
			if (mnl_attr_validate(attr, MNL_TYPE_U8) == 0)
				link->operstate = mnl_attr_get_u8(attr);
			break;
		}
	}
	return 0;
}

static int on_link_found(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	parse_link(nlh, data);
	return MNL_CB_OK;
}

int link_find(struct nl *nl, const char *name, struct link_info *link)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	int err;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	link->index = 0;
	err = nl_query(nl, nlh, on_link_found, link);
	if (err)
		return err;
	return link->index ? 0 : -ENODEV;
}

struct walk {
	link_visit_fn visit;
	void *data;
	int stopped_with;
};

static int on_link_walked(const struct nlmsghdr *nlh, void *data)
{
	struct walk *walk = data;
	struct link_info link;

	if (nlh->nlmsg_type != RTM_NEWLINK || walk->stopped_with)
		return MNL_CB_OK;
	parse_link(nlh, &link);
	walk->stopped_with = walk->visit(&link, walk->data);
	/* Keep reading to the end of the dump even when the visitor is done, so the
	 * socket holds no stale answer for the next request. */
	return MNL_CB_OK;
}

int link_for_each(struct nl *nl, link_visit_fn visit, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct walk walk = { visit, data, 0 };
	int err;

	ifi->ifi_family = AF_UNSPEC;
	err = nl_dump(nl, nlh, on_link_walked, &walk);
	return err ? err : walk.stopped_with;
}

static struct nlmsghdr *link_change_msg(struct nl *nl, char *buf, uint16_t type, int index)
{
	struct nlmsghdr *nlh = nl_msg(nl, buf, type, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	return nlh;
}

/* A veth gets a queue per possible CPU unless told otherwise, and then gives back all but
 * one (veth_init_queues), which waits for an expedited RCU grace period per end under the
 * RTNL lock.  One queue each from the start: nothing to give back.  Without XDP a veth
 * does not use more than one. */
static void put_one_queue(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
}

int link_add_veth(struct nl *nl, const char *host_name, const char *peer_name, int peer_netns)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(nl, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *linkinfo, *info_data, *peer;
	struct ifinfomsg *peer_ifi;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host_name);
	put_one_queue(nlh);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	info_data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow its own ifinfomsg, as in a nested RTM_NEWLINK. */
	peer_ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer_ifi));
	memset(peer_ifi, 0, sizeof(*peer_ifi));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer_name);
	put_one_queue(nlh);
	/* By fd, never by pid: a pid names whatever process holds it by the time the kernel
	 * looks, and the caller can make the jail's child die and its pid come round again. */
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, info_data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nl_request(nl, nlh);
}

int link_set_alias(struct nl *nl, int index, const char *alias)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_change_msg(nl, buf, RTM_NEWLINK, index);

	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	return nl_request(nl, nlh);
}

static int link_set_flag_up(struct nl *nl, int index, bool up)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_change_msg(nl, buf, RTM_NEWLINK, index);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	return nl_request(nl, nlh);
}

int link_set_up(struct nl *nl, int index)
{
	return link_set_flag_up(nl, index, true);
}

int link_set_down(struct nl *nl, int index)
{
	return link_set_flag_up(nl, index, false);
}

int link_retire(struct nl *nl, int index, const char *new_name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_change_msg(nl, buf, RTM_NEWLINK, index);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, new_name);
	mnl_attr_put_strz(nlh, IFLA_IFALIAS, "");	/* empty: the kernel drops the alias */
	return nl_request(nl, nlh);
}

int link_delete(struct nl *nl, int index)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return nl_request(nl, link_change_msg(nl, buf, RTM_DELLINK, index));
}

int link_skip_ipv6_link_local(struct nl *nl, int index)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_change_msg(nl, buf, RTM_NEWLINK, index);
	struct nlattr *af_spec, *inet6;

	af_spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, af_spec);
	return nl_request(nl, nlh);
}

int link_set_inet_conf(struct nl *nl, int index, int key, uint32_t value)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_change_msg(nl, buf, RTM_NEWLINK, index);
	struct nlattr *af_spec, *inet, *conf;

	af_spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet = mnl_attr_nest_start(nlh, AF_INET);
	conf = mnl_attr_nest_start(nlh, IFLA_INET_CONF);
	mnl_attr_put_u32(nlh, (uint16_t)key, value);
	mnl_attr_nest_end(nlh, conf);
	mnl_attr_nest_end(nlh, inet);
	mnl_attr_nest_end(nlh, af_spec);
	return nl_request(nl, nlh);
}
