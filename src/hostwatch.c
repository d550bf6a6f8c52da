/* hostwatch.c - which rtnetlink events a jail's supervisor needs to hear of.
 *
 * Every supervisor listens to the host's links, addresses, routes, rules and settings,
 * to put back what another tool removed (jail_host_repair).  With many jails, every one
 * of them would hear of every other jail's setup and teardown, ~25 notifications each,
 * and wake up for each: O(jails) work for every jail that comes or goes.  So, twice:
 *   - in the kernel, a classic BPF filter on the watch socket drops, before anyone wakes
 *     up, what is certainly another jail's business: addresses and settings of other
 *     interfaces, links named like a jail's veth, routes and rules of other jails'
 *     tables, IPv4 routes into other jails' /30s, IPv6 link-local and multicast routes,
 *     and the supervisor's own changes;
 *   - in userspace, event_matters() looks at what passes, parsing the attributes the
 *     filter cannot reach, and remembers other jails' interfaces by index.
 * Both only ever drop what they recognise: anything else still wakes the supervisor, as
 * every event did before.  The jail's fail-closed state never depends on this: the
 * watch only speeds recovery.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/filter.h>
#include <linux/netconf.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "hostnet.h"

struct event_filter {
	struct jail_host *jh;
	const struct pool_config *cfg;
};

/* The jail's own link or its uplink: what its settings and addresses matter on. */
static bool is_own_index(const struct jail_host *jh, int index)
{
	return index == jh->host_index || index == jh->uplink.index;
}

static bool is_foreign_index(const struct jail_host *jh, int index)
{
	if (index <= 0 || index == jh->host_index || index == jh->uplink.index)
		return false;
	for (size_t i = 0; i < sizeof(jh->foreign) / sizeof(jh->foreign[0]); i++)
		if (jh->foreign[i] == index)
			return true;
	return false;
}

/* A link named as another jail's veth, or retired (retire_link). */
static bool is_foreign_link(const struct jail_host *jh, const struct pool_config *cfg,
			    const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	unsigned slot;

	if (ifi->ifi_index == jh->host_index || ifi->ifi_index == jh->uplink.index)
		return false;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi)) {
		const char *name;

		if (mnl_attr_get_type(attr) != IFLA_IFNAME ||
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
			continue;
		name = mnl_attr_get_str(attr);
		slot = pool_slot_of_veth(cfg, name);
		return (slot && slot != jh->net.slot) ||
		       strncmp(name, RETIRED_PREFIX, strlen(RETIRED_PREFIX)) == 0;
	}
	return false;
}

static void remember_foreign(struct jail_host *jh, int index)
{
	size_t size = sizeof(jh->foreign) / sizeof(jh->foreign[0]);

	if (!is_foreign_index(jh, index))
		jh->foreign[jh->foreign_next++ % size] = index;
}

/* The table (@table_attr, else the header's @table) and the RTA_OIF of a route or rule. */
static void table_and_oif(const struct nlmsghdr *nlh, size_t header, uint16_t table_attr,
			  uint32_t table, uint32_t *table_out, int *oif)
{
	const struct nlattr *attr;

	*table_out = table;
	*oif = 0;
	mnl_attr_for_each(attr, nlh, header) {
		if (mnl_attr_get_payload_len(attr) != sizeof(uint32_t))
			continue;
		if (mnl_attr_get_type(attr) == table_attr)
			*table_out = mnl_attr_get_u32(attr);
		else if (table_attr == RTA_TABLE && mnl_attr_get_type(attr) == RTA_OIF)
			*oif = (int)mnl_attr_get_u32(attr);
	}
}

static bool event_matters(const struct nlmsghdr *nlh, void *data)
{
	struct event_filter *filter = data;
	struct jail_host *jh = filter->jh;
	const void *header = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	uint32_t table;
	unsigned slot;
	int index;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		index = ((const struct ifinfomsg *)header)->ifi_index;
		if (is_foreign_link(jh, filter->cfg, nlh)) {
			remember_foreign(jh, index);
			return false;
		}
		return !is_foreign_index(jh, index);
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return is_own_index(jh, (int)((const struct ifaddrmsg *)header)->ifa_index);
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		table_and_oif(nlh, sizeof(struct rtmsg), RTA_TABLE,
			      ((const struct rtmsg *)header)->rtm_table, &table, &index);
		break;
	case RTM_NEWRULE:
	case RTM_DELRULE:
		table_and_oif(nlh, sizeof(struct fib_rule_hdr), FRA_TABLE,
			      ((const struct fib_rule_hdr *)header)->table, &table, &index);
		break;
	case RTM_NEWNETCONF:
	case RTM_DELNETCONF:
		/* A new interface's settings are announced before the interface itself. */
		mnl_attr_for_each(attr, nlh, sizeof(struct netconfmsg))
			if (mnl_attr_get_type(attr) == NETCONFA_IFINDEX &&
			    mnl_attr_get_payload_len(attr) == sizeof(uint32_t)) {
				index = (int)mnl_attr_get_u32(attr);
				return index == NETCONFA_IFINDEX_ALL || is_own_index(jh, index);
			}
		return true;
	default:
		return true;
	}
	/* Another jail's table, or a route by another jail's link (its prefix, IPv6's
	 * link-local and multicast routes). */
	slot = pool_slot_of_table(filter->cfg, table);
	return !(slot && slot != jh->net.slot) && !is_foreign_index(jh, index);
}

/* A classic BPF program, with jumps to labels resolved at the end. */
enum label {
	NEXT, ACCEPT, DROP, ADDR, NETCONF, LINK, ROUTE, RULE, ROUTE_DST, ROUTE6, LABELS
};

#define BPF_MAX 128

struct bpf_asm {
	struct sock_filter code[BPF_MAX];
	unsigned char jt[BPF_MAX], jf[BPF_MAX];	/* labels, NEXT: the next instruction */
	unsigned at[LABELS];
	unsigned len;
};

static void op(struct bpf_asm *a, uint16_t code, uint32_t k)
{
	if (a->len < BPF_MAX)
		a->code[a->len++] = (struct sock_filter)BPF_STMT(code, k);
}

static void jump(struct bpf_asm *a, uint16_t code, uint32_t k, enum label jt, enum label jf)
{
	if (a->len < BPF_MAX) {
		a->jt[a->len] = (unsigned char)jt;
		a->jf[a->len] = (unsigned char)jf;
		a->code[a->len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | code | BPF_K, k, 0, 0);
	}
}

static void label(struct bpf_asm *a, enum label l)
{
	a->at[l] = a->len;
}

/* 0, or -E2BIG if the program did not fit. */
static int resolve(struct bpf_asm *a)
{
	if (a->len == BPF_MAX)
		return -E2BIG;
	for (unsigned i = 0; i < a->len; i++) {
		if (BPF_CLASS(a->code[i].code) != BPF_JMP)
			continue;
		a->code[i].jt = a->jt[i] == NEXT ? 0 : (uint8_t)(a->at[a->jt[i]] - i - 1);
		a->code[i].jf = a->jf[i] == NEXT ? 0 : (uint8_t)(a->at[a->jf[i]] - i - 1);
	}
	return 0;
}

/* Classic BPF loads are big-endian; netlink headers are in host order.  Compared with a
 * loaded value, htonl(v) and htons(v) mean v on either kind of host. */
static void load_u32_host_order(struct bpf_asm *a, uint32_t offset)
{
	if (htonl(1) == 1) {
		op(a, BPF_LD | BPF_W | BPF_ABS, offset);
		return;
	}
	op(a, BPF_LD | BPF_B | BPF_ABS, offset + 3);
	for (int i = 2; i >= 0; i--) {
		op(a, BPF_ALU | BPF_LSH | BPF_K, 8);
		op(a, BPF_MISC | BPF_TAX, 0);
		op(a, BPF_LD | BPF_B | BPF_ABS, offset + (uint32_t)i);
		op(a, BPF_ALU | BPF_OR | BPF_X, 0);
	}
}

/* Offsets in a notification: the nlmsghdr is 16 bytes; ifinfomsg and ifaddrmsg have the
 * index at 4 into theirs; netconfmsg takes 4 bytes, rtmsg and fib_rule_hdr 12, after
 * which the kernel puts NETCONFA_IFINDEX, RTA_TABLE and FRA_TABLE first, and a route's
 * RTA_DST second (inet_netconf_fill_devconf, fib_dump_info, rt6_fill_node,
 * fib_nl_fill_rule).  A message shorter than what is read is accepted unread. */
#define OFF_PORTID 12
#define OFF_TYPE 4
#define OFF_INDEX 20
#define OFF_NETCONF_ATTR_TYPE 22
#define OFF_NETCONF_IFINDEX 24
#define OFF_LINK_ATTR_TYPE 34
#define OFF_LINK_NAME 36
#define OFF_FAMILY 16
#define OFF_TABLE_ATTR_TYPE 30
#define OFF_TABLE 32
#define OFF_DST_ATTR_TYPE 38
#define OFF_DST 40
#define MIN_LEN 44
/* A netconf notification ends with its NETCONFA_IFINDEX: the kernel's RTM_DELNETCONF, sent
 * when an interface goes, is no longer than that. */
#define NETCONF_MIN_LEN (OFF_NETCONF_IFINDEX + 4)

/* Jump to @jail if the table loaded at OFF_TABLE is another jail's, to @own if it is the
 * jail's own, else to @other. */
static void classify_table(struct bpf_asm *a, const struct jail_host *jh,
			   const struct pool_config *cfg, enum label own, enum label jail,
			   enum label other)
{
	uint32_t first = cfg->table_base + 1, last = cfg->table_base + pool_slot_count(cfg);

	load_u32_host_order(a, OFF_TABLE);
	jump(a, BPF_JEQ, jh->net.table, own, NEXT);
	jump(a, BPF_JGE, first, NEXT, other);
	jump(a, BPF_JGT, last, other, jail);
}

static void accept_index(struct bpf_asm *a, const struct jail_host *jh, enum label otherwise)
{
	jump(a, BPF_JEQ, htonl((uint32_t)jh->host_index), ACCEPT, NEXT);
	jump(a, BPF_JEQ, htonl((uint32_t)jh->uplink.index), ACCEPT, otherwise);
}

static int build_filter(struct bpf_asm *a, const struct jail_host *jh,
			const struct pool_config *cfg, uint32_t own_portid)
{
	static const struct { uint16_t type; enum label to; } types[] = {
		{ RTM_NEWADDR, ADDR }, { RTM_DELADDR, ADDR }, { RTM_NEWLINK, LINK },
		{ RTM_DELLINK, LINK }, { RTM_NEWROUTE, ROUTE }, { RTM_DELROUTE, ROUTE },
		{ RTM_NEWRULE, RULE }, { RTM_DELRULE, RULE },
	};
	uint32_t pool_mask = cfg->pool_prefix ? 0xffffffffu << (32 - cfg->pool_prefix) : 0;

	memset(a, 0, sizeof(*a));
	/* Netconf first: shorter than the others, and one comes (twice: IPv4 and IPv6) for
	 * every other jail's link that goes, which would wake every supervisor. */
	op(a, BPF_LD | BPF_W | BPF_LEN, 0);
	jump(a, BPF_JGE, NETCONF_MIN_LEN, NEXT, ACCEPT);
	op(a, BPF_LD | BPF_W | BPF_ABS, OFF_PORTID);
	jump(a, BPF_JEQ, htonl(own_portid), DROP, NEXT);
	op(a, BPF_LD | BPF_H | BPF_ABS, OFF_TYPE);
	jump(a, BPF_JEQ, htons(RTM_NEWNETCONF), NETCONF, NEXT);
	jump(a, BPF_JEQ, htons(RTM_DELNETCONF), NETCONF, NEXT);
	op(a, BPF_LD | BPF_W | BPF_LEN, 0);
	jump(a, BPF_JGE, MIN_LEN, NEXT, ACCEPT);
	op(a, BPF_LD | BPF_H | BPF_ABS, OFF_TYPE);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		jump(a, BPF_JEQ, htons(types[i].type), types[i].to, NEXT);
	op(a, BPF_RET | BPF_K, 0xffffffff);

	label(a, ADDR);
	op(a, BPF_LD | BPF_W | BPF_ABS, OFF_INDEX);
	accept_index(a, jh, DROP);

	label(a, NETCONF);
	op(a, BPF_LD | BPF_H | BPF_ABS, OFF_NETCONF_ATTR_TYPE);
	jump(a, BPF_JEQ, htons(NETCONFA_IFINDEX), NEXT, ACCEPT);
	op(a, BPF_LD | BPF_W | BPF_ABS, OFF_NETCONF_IFINDEX);
	jump(a, BPF_JEQ, htonl((uint32_t)NETCONFA_IFINDEX_ALL), ACCEPT, NEXT);
	accept_index(a, jh, DROP);

	/* Named "nj...": a jail's veth, live or retired.  Not if the uplink's name starts so
	 * too: its re-creation (a new index) must be heard of. */
	label(a, LINK);
	op(a, BPF_LD | BPF_W | BPF_ABS, OFF_INDEX);
	accept_index(a, jh, NEXT);
	op(a, BPF_LD | BPF_H | BPF_ABS, OFF_LINK_ATTR_TYPE);
	jump(a, BPF_JEQ, htons(IFLA_IFNAME), NEXT, ACCEPT);
	op(a, BPF_LD | BPF_H | BPF_ABS, OFF_LINK_NAME);
	jump(a, BPF_JEQ, strncmp(jh->uplink.name, "nj", 2) ? ('n' << 8 | 'j') : 0x10000,
	     DROP, ACCEPT);

	label(a, RULE);
	op(a, BPF_LD | BPF_H | BPF_ABS, OFF_TABLE_ATTR_TYPE);
	jump(a, BPF_JEQ, htons(FRA_TABLE), NEXT, ACCEPT);
	classify_table(a, jh, cfg, ACCEPT, DROP, ACCEPT);

	label(a, ROUTE);
	op(a, BPF_LD | BPF_H | BPF_ABS, OFF_TABLE_ATTR_TYPE);
	jump(a, BPF_JEQ, htons(RTA_TABLE), NEXT, ACCEPT);
	classify_table(a, jh, cfg, ACCEPT, DROP, ROUTE_DST);

	/* Routes of other tables: into another jail's /30 (its prefix, local and broadcast
	 * routes), or IPv6 link-local and multicast ones (every link has them). */
	label(a, ROUTE_DST);
	op(a, BPF_LD | BPF_H | BPF_ABS, OFF_DST_ATTR_TYPE);
	jump(a, BPF_JEQ, htons(RTA_DST), NEXT, ACCEPT);
	op(a, BPF_LD | BPF_B | BPF_ABS, OFF_FAMILY);
	jump(a, BPF_JEQ, AF_INET, NEXT, ROUTE6);
	op(a, BPF_LD | BPF_W | BPF_ABS, OFF_DST);
	op(a, BPF_ALU | BPF_AND | BPF_K, pool_mask);
	jump(a, BPF_JEQ, ntohl(jh->net.subnet.s_addr) & pool_mask, NEXT, ACCEPT);
	op(a, BPF_LD | BPF_W | BPF_ABS, OFF_DST);
	op(a, BPF_ALU | BPF_AND | BPF_K, 0xfffffffcu);
	jump(a, BPF_JEQ, ntohl(jh->net.subnet.s_addr), ACCEPT, DROP);

	label(a, ROUTE6);
	op(a, BPF_LD | BPF_H | BPF_ABS, OFF_DST);
	op(a, BPF_ALU | BPF_AND | BPF_K, 0xffc0);
	jump(a, BPF_JEQ, 0xfe80, DROP, NEXT);
	op(a, BPF_LD | BPF_B | BPF_ABS, OFF_DST);
	jump(a, BPF_JEQ, 0xff, DROP, ACCEPT);

	label(a, ACCEPT);
	op(a, BPF_RET | BPF_K, 0xffffffff);
	label(a, DROP);
	op(a, BPF_RET | BPF_K, 0);
	return resolve(a);
}

/* (Re)make the kernel-side filter when what it keys on changed: the jail's link, and an
 * uplink that was created again.  Without it (an old kernel, say), userspace filters
 * alone. */
static void refresh_filter(struct jail_host *jh, struct nl *events, uint32_t own_portid,
			   const struct pool_config *cfg)
{
	struct bpf_asm a;

	if (!jh->host_index || (jh->filtered_host == jh->host_index &&
				jh->filtered_uplink == jh->uplink.index))
		return;
	if (build_filter(&a, jh, cfg, own_portid) == 0 &&
	    nl_attach_filter(events, a.code, (unsigned short)a.len) == 0) {
		jh->filtered_host = jh->host_index;
		jh->filtered_uplink = jh->uplink.index;
	}
}

bool jail_host_drain_events(struct jail_host *jh, struct nl *events, uint32_t own_portid,
			    const struct pool_config *cfg)
{
	struct event_filter filter = { .jh = jh, .cfg = cfg };
	bool any = nl_drain_events_matching(events, own_portid, event_matters, &filter);

	refresh_filter(jh, events, own_portid, cfg);
	return any;
}
