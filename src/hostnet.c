/* hostnet.c - the host side of one jail.
 *
 *   nj<N> (veth) 10.231.x.y/30  <->  eth0 in the jail
 *   ip rule pref P iif nj<N> lookup T            (the jail's packets, even without nftables)
 *   ip rule pref P fwmark M/MASK lookup T        (replies, and rp_filter's reverse lookup)
 *   table T: 10.231.x.y/30 dev nj<N>; default via GW dev UPLINK; unreachable default metric max
 *   nftables table netjail<N> (nft.c); net.ipv4.conf.{nj<N>,UPLINK}.forwarding=1 and
 *   net.ipv4.conf.UPLINK.src_valid_mark=1
 *
 * The unreachable default is why the jail fails closed: when the uplink's route goes away,
 * lookups in T end there instead of falling through to the main table and its default
 * route.  Forwarding is switched on per interface only (jail link and uplink), never
 * globally, and the nftables guard keeps the uplink from routing anything but replies.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "addr.h"
#include "guard.h"
#include "hostnet.h"
#include "ipv6conf.h"
#include "log.h"
#include "nft.h"
#include "route.h"
#include "rule.h"
#include "util.h"

#define JAIL_PEER_NAME "eth0"
#define ALIAS_PREFIX "netjail pid="

void jail_alias_format(char *buf, size_t size, pid_t pid, const char *uplink)
{
	snprintf(buf, size, ALIAS_PREFIX "%d uplink=%s", (int)pid, uplink);
}

int jail_alias_parse(const char *alias, pid_t *pid, char uplink[IFNAMSIZ])
{
	char copy[LINK_ALIAS_MAX], *space;
	uint32_t value;

	if (strncmp(alias, ALIAS_PREFIX, strlen(ALIAS_PREFIX)) != 0)
		return -EINVAL;
	snprintf(copy, sizeof(copy), "%s", alias + strlen(ALIAS_PREFIX));
	space = strchr(copy, ' ');
	if (!space || strncmp(space, " uplink=", 8) != 0)
		return -EINVAL;
	*space = '\0';
	if (parse_u32(copy, 1, 0x7fffffff, &value) || !ifname_is_valid(space + 8))
		return -EINVAL;
	*pid = (pid_t)value;
	snprintf(uplink, IFNAMSIZ, "%s", space + 8);
	return 0;
}

/* Prefixes in use on the host, to keep jail subnets clear of them. */
struct taken {
	const struct pool_config *cfg;
	unsigned count, size;
	struct { struct in_addr prefix; unsigned len; } *items;
	unsigned char *table_busy;	/* by slot: its routing table has routes */
};

static int take(struct taken *taken, struct in_addr prefix, unsigned len)
{
	if (taken->count == taken->size) {
		unsigned size = taken->size ? taken->size * 2 : 64;
		void *items = reallocarray(taken->items, size, sizeof(*taken->items));

		if (!items)
			return -ENOMEM;
		taken->items = items;
		taken->size = size;
	}
	taken->items[taken->count].prefix = prefix;
	taken->items[taken->count++].len = len;
	return 0;
}

static int take_address(const struct addr_info *addr, void *data)
{
	int err = take(data, addr->local, addr->prefix);

	return err ? err : take(data, addr->address, addr->prefix);
}

static int take_route(const struct route_info *route, void *data)
{
	struct taken *taken = data;
	unsigned slot = pool_slot_of_table(taken->cfg, route->table);

	if (slot) {
		taken->table_busy[slot] = 1;
		return 0;
	}
	/* Default routes cover everything; they say nothing about local subnets. */
	if (route->dst_len == 0)
		return 0;
	return take(taken, route->dst, route->dst_len);
}

static bool subnet_is_taken(const struct taken *taken, const struct jail_net *net)
{
	for (unsigned i = 0; i < taken->count; i++)
		if (prefixes_overlap(taken->items[i].prefix, taken->items[i].len, net->subnet,
				     JAIL_PREFIX))
			return true;
	return false;
}

int jail_host_claim_slot(struct jail_host *jh, struct nl *nl, struct state *st,
			 const struct pool_config *cfg)
{
	unsigned slots = pool_slot_count(cfg);
	struct taken taken = { .cfg = cfg };
	int err;

	taken.table_busy = calloc(slots + 1, 1);
	if (!taken.table_busy)
		return -ENOMEM;
	err = addr_for_each(nl, take_address, &taken);
	if (!err)
		err = route_for_each(nl, take_route, &taken);
	for (unsigned slot = 1; !err && slot <= slots; slot++) {
		struct link_info existing;
		int fd;

		pool_slot(cfg, slot, &jh->net);
		if (taken.table_busy[slot] || subnet_is_taken(&taken, &jh->net))
			continue;
		fd = state_claim_slot(st, slot);
		if (fd == -EBUSY)
			continue;
		if (fd < 0) {
			err = fd;
			break;
		}
		/* An interface of that name that is not ours: leave it and its slot alone. */
		if (link_find(nl, jh->net.host_veth, &existing) != -ENODEV) {
			close(fd);
			continue;
		}
		jh->slot_fd = fd;
		goto out;
	}
	if (!err)
		err = -ENOSPC;
out:
	free(taken.items);
	free(taken.table_busy);
	return err;
}

#define FORCE_FORWARDING "force_forwarding"
#define JAIL_RULES 4

/* "iif nj<N>" and "fwmark M/MASK", both to table T: IPv4, then the same for IPv6.  Returns
 * how many of them apply (2, or 4 with IPv6). */
static int jail_rules(const struct jail_host *jh, const struct pool_config *cfg,
		      struct rule_info rules[JAIL_RULES])
{
	memset(rules, 0, JAIL_RULES * sizeof(rules[0]));
	for (int i = 0; i < JAIL_RULES; i++) {
		rules[i].family = i < 2 ? AF_INET : AF_INET6;
		rules[i].priority = jh->rule_priority ? jh->rule_priority : cfg->rule_priority;
		rules[i].table = jh->net.table;
		if (i % 2 == 0) {
			snprintf(rules[i].iifname, sizeof(rules[i].iifname), "%s", jh->net.host_veth);
		} else {
			rules[i].fwmark = jh->net.mark;
			rules[i].fwmask = cfg->mark_mask;
		}
	}
	return jh->has_ipv6 ? JAIL_RULES : 2;
}

/* Table T: the way back to the jail, out by the uplink, and unreachable when that is gone;
 * for IPv4 and, with IPv6, the same again. */
enum {
	ROUTE_TO_JAIL, ROUTE_OUT, ROUTE_FAIL_CLOSED,
	ROUTE6_TO_JAIL, ROUTE6_OUT, ROUTE6_FAIL_CLOSED, JAIL_ROUTES
};

/* Fills @routes; returns how many apply (3, or 6 with IPv6). */
static int jail_routes(const struct jail_host *jh, struct route_info routes[JAIL_ROUTES])
{
	memset(routes, 0, JAIL_ROUTES * sizeof(routes[0]));
	routes[ROUTE_TO_JAIL] = (struct route_info){
		.table = jh->net.table, .type = RTN_UNICAST, .scope = RT_SCOPE_LINK,
		.dst = jh->net.subnet, .dst_len = JAIL_PREFIX, .oif = jh->host_index,
	};
	routes[ROUTE_OUT] = (struct route_info){
		.table = jh->net.table, .type = RTN_UNICAST, .oif = jh->uplink.index,
		.has_gateway = jh->has_gateway, .gateway = jh->gateway,
		.scope = jh->has_gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK,
	};
	routes[ROUTE_FAIL_CLOSED] = (struct route_info){
		.table = jh->net.table, .type = RTN_UNREACHABLE, .metric = UINT32_MAX,
	};
	routes[ROUTE6_TO_JAIL] = (struct route_info){
		.family = AF_INET6, .table = jh->net.table, .type = RTN_UNICAST,
		.dst6 = jh->net.subnet6, .dst_len = JAIL_PREFIX6, .oif = jh->host_index,
	};
	routes[ROUTE6_OUT] = (struct route_info){
		.family = AF_INET6, .table = jh->net.table, .type = RTN_UNICAST,
		.oif = jh->uplink.index, .has_gateway = jh->has_gateway6, .gateway6 = jh->gateway6,
	};
	routes[ROUTE6_FAIL_CLOSED] = (struct route_info){
		.family = AF_INET6, .table = jh->net.table, .type = RTN_UNREACHABLE,
		.metric = UINT32_MAX,
	};
	return jh->has_ipv6 ? JAIL_ROUTES : ROUTE6_TO_JAIL;
}

/* Queue the jail's routes on @nl, inside a batch (nl_batch_begin). */
static void queue_jail_routes(struct jail_host *jh, struct nl *nl)
{
	struct route_info routes[JAIL_ROUTES];
	int count = jail_routes(jh, routes);

	for (int i = 0; i < count; i++)
		route_add(nl, &routes[i]);
}

/* Turn on what replies on the uplink need, remembering what was there first. */
static int prepare_uplink(struct jail_host *jh, struct nl *nl, struct state *st,
			  uint32_t mark_mask, struct nft_jail *nft)
{
	const uint32_t *conf = jh->uplink.inet_conf;
	struct uplink_record now = {
		.forwarding = conf[IPV4_DEVCONF_FORWARDING - 1],
		.src_valid_mark = conf[IPV4_DEVCONF_SRC_VMARK - 1],
	};
	struct uplink_record record;
	int err;

	if (!jh->uplink.has_inet_conf)
		return -EOPNOTSUPP;
	if (ipv6_conf_get(jh->uplink.name, FORCE_FORWARDING, &now.force_forwarding6) ||
	    now.force_forwarding6 > 1)
		now.force_forwarding6 = 0;	/* no such setting (or no IPv6): nothing to restore */
	record = now;
	err = state_remember_uplink(st, jh->uplink.name, &record);
	if (!err)
		err = state_recall_uplink(st, jh->uplink.name, &record);
	if (err == -EINVAL) {
		/* Unreadable (not written by this netjail): start again from what is there now. */
		log_error("the record of %s's settings was unreadable; recording them anew",
			  jh->uplink.name);
		state_forget_uplink(st, jh->uplink.name);
		record = now;
		err = state_remember_uplink(st, jh->uplink.name, &record);
		if (!err)
			err = state_recall_uplink(st, jh->uplink.name, &record);
	}
	if (err)
		return err;
	/* A user of the uplink from now on, so that the last one out restores it. */
	jh->uplink_fd = state_join_uplink(st, jh->uplink.name);
	if (jh->uplink_fd < 0)
		return jh->uplink_fd;
	jh->joined_uplink = true;
	/* Whatever netjail turned on, it guards: the uplink forwards jails' traffic only.  The
	 * guard that outlives netjail goes in before forwarding goes on. */
	nft->guard_ipv4 = record.forwarding == 0;
	nft->guard_ipv6 = jh->has_ipv6 && record.force_forwarding6 == 0;
	if (nft->guard_ipv4 || nft->guard_ipv6)
		err = nl_open(&jh->nft, NETLINK_NETFILTER);
	if (!err && nft->guard_ipv4)
		err = guard_uplink(&jh->nft, jh->uplink.name, NFPROTO_IPV4, mark_mask);
	if (!err && nft->guard_ipv6)
		err = guard_uplink(&jh->nft, jh->uplink.name, NFPROTO_IPV6, mark_mask);
	if (err)
		return err;
	if (!conf[IPV4_DEVCONF_FORWARDING - 1])
		err = link_set_inet_conf(nl, jh->uplink.index, IPV4_DEVCONF_FORWARDING, 1);
	if (!err && !conf[IPV4_DEVCONF_SRC_VMARK - 1])
		err = link_set_inet_conf(nl, jh->uplink.index, IPV4_DEVCONF_SRC_VMARK, 1);
	/* IPv6 forwarding is global but for force_forwarding (Linux 6.17), which main.c
	 * insists on before it gives a jail IPv6: never net.ipv6.conf.all.forwarding. */
	if (!err && jh->has_ipv6 && !now.force_forwarding6)
		err = ipv6_conf_set(jh->uplink.name, FORCE_FORWARDING, 1);
	return err;
}

int jail_host_setup(struct jail_host *jh, struct nl *nl, struct state *st,
		    const struct pool_config *cfg, pid_t jail_pid, const char **step)
{
	struct nft_jail nft = {
		.uplink = jh->uplink.name, .jail_addr = jh->net.jail_addr,
		.mark = jh->net.mark, .mark_mask = cfg->mark_mask,
		.publish = jh->publish, .publish_count = jh->publish_count,
		.has_ipv6 = jh->has_ipv6, .jail_addr6 = jh->net.jail_addr6,
	};
	struct rule_info rules[JAIL_RULES];
	char alias[LINK_ALIAS_MAX];
	struct link_info host;
	int err, count;

	jail_alias_format(alias, sizeof(alias), getpid(), jh->uplink.name);
	*step = "create the jail's veth pair";
	err = link_add_veth(nl, jh->net.host_veth, JAIL_PEER_NAME, jail_pid);
	if (err)
		return err;
	err = link_find(nl, jh->net.host_veth, &host);
	if (err)
		return err;
	jh->host_index = host.index;

	/* The rest of the link, its routes and rules: one message of a dozen requests, which
	 * the kernel carries out in order.  If one fails, the others may still have been
	 * made; teardown removes whatever exists. */
	*step = "configure the jail's link, routes and rules";
	if (jh->has_ipv6) {
		err = ipv6_conf_set(jh->net.host_veth, FORCE_FORWARDING, 1);
		if (err)
			return err;
	}
	err = nl_batch_begin(nl);
	if (err)
		return err;
	link_set_alias(nl, jh->host_index, alias);
	addr_add(nl, jh->host_index, jh->net.host_addr, JAIL_PREFIX);
	link_set_inet_conf(nl, jh->host_index, IPV4_DEVCONF_FORWARDING, 1);
	if (jh->has_ipv6)
		addr6_add(nl, jh->host_index, &jh->net.host_addr6, JAIL_PREFIX6);
	link_set_up(nl, jh->host_index);
	queue_jail_routes(jh, nl);
	jh->rule_priority = cfg->rule_priority;
	count = jail_rules(jh, cfg, rules);
	for (int i = 0; i < count; i++)
		rule_add(nl, &rules[i]);
	err = nl_batch_commit(nl);
	if (err)
		return err;
	log_verbose("table %u: the jail's /30%s, out by %s, unreachable when that is gone",
		    jh->net.table, jh->has_ipv6 ? " and /64" : "", jh->uplink.name);
	log_verbose("rules at priority %u: iif %s and fwmark 0x%x/0x%x look up table %u",
		    jh->rule_priority, jh->net.host_veth, jh->net.mark, cfg->mark_mask, jh->net.table);

	*step = "enable forwarding on the uplink";
	err = prepare_uplink(jh, nl, st, cfg->mark_mask, &nft);
	if (err)
		return err;
	log_verbose("forwarding on for %s and %s only%s", jh->net.host_veth, jh->uplink.name,
		    nft.guard_ipv4 || nft.guard_ipv6 ? ", the uplink guarded" : "");

	*step = "install the jail's nftables table";
	snprintf(nft.table, sizeof(nft.table), "netjail%u", jh->net.slot);
	nft.host_veth_index = jh->host_index;
	err = jh->nft.sock ? 0 : nl_open(&jh->nft, NETLINK_NETFILTER);
	if (!err)
		err = nft_install_jail(&jh->nft, &nft);
	jh->has_table = !err;
	if (!err)
		log_verbose("nftables table %s: mark, NAT, kill switch%s", nft.table,
			    jh->publish_count ? ", published ports" : "");
	return err;
}

/* The uplink came back, maybe re-created, with a new gateway: follow it. */
static int follow_uplink(struct jail_host *jh, struct nl *nl, const struct pool_config *cfg,
			 const struct link_info *now, bool gateway_given)
{
	struct route_info routes[JAIL_ROUTES];
	struct in_addr gateway;
	int changes = 0;

	uint32_t first = cfg->table_base + 1, last = cfg->table_base + pool_slot_count(cfg);
	struct in6_addr gateway6;
	bool has_gateway6;

	if (now->index != jh->uplink.index) {
		/* A re-created interface starts with the kernel's defaults. */
		if (now->has_inet_conf && !now->inet_conf[IPV4_DEVCONF_FORWARDING - 1])
			link_set_inet_conf(nl, now->index, IPV4_DEVCONF_FORWARDING, 1);
		if (now->has_inet_conf && !now->inet_conf[IPV4_DEVCONF_SRC_VMARK - 1])
			link_set_inet_conf(nl, now->index, IPV4_DEVCONF_SRC_VMARK, 1);
		if (jh->has_ipv6)
			ipv6_conf_set(now->name, FORCE_FORWARDING, 1);
		jh->uplink = *now;
		changes++;
	}
	/* IPv6's gateway is always the detected one (-g is IPv4's). */
	if (jh->has_ipv6 &&
	    route6_find_default(nl, now->index, first, last, &has_gateway6, &gateway6) == 0 &&
	    (has_gateway6 != jh->has_gateway6 ||
	     memcmp(&gateway6, &jh->gateway6, sizeof(gateway6)) != 0)) {
		jh->has_gateway6 = has_gateway6;
		jh->gateway6 = gateway6;
		jail_routes(jh, routes);
		changes += route_replace(nl, &routes[ROUTE6_OUT]) == 0;
	}
	if (gateway_given || !jh->has_gateway)
		return changes;
	if (route_find_default_gateway(nl, now->index, first, last, &gateway) == 0 &&
	    gateway.s_addr != jh->gateway.s_addr) {
		char text[INET_ADDRSTRLEN];

		jh->gateway = gateway;
		jail_routes(jh, routes);
		if (route_replace(nl, &routes[ROUTE_OUT]) == 0) {
			log_verbose("%s: new gateway %s", jh->uplink.name,
				    inet_ntop(AF_INET, &gateway, text, sizeof(text)));
			changes++;
		}
	}
	return changes;
}

struct first_rule {
	const struct pool_config *cfg;
	uint32_t lowest;	/* lowest priority of another tool's rule, above local's 0 */
};

static int note_foreign_rule(const struct rule_info *rule, void *data)
{
	struct first_rule *first = data;

	/* Jails' rules (ours, and other jails', which never take each other's packets) do
	 * not count: two jails must not push each other down. */
	if (!pool_slot_of_table(first->cfg, rule->table) && rule->priority > 0 &&
	    rule->priority < first->lowest)
		first->lowest = rule->priority;
	return 0;
}

/* The jail's rules must be the first to see its packets.  A rule added after them without
 * a priority (wg-quick's "not fwmark 51820 lookup 51820", say) gets one just below the
 * first rule's, ahead of ours, and would send the jail into the VPN, where the kill switch
 * drops it: move ours in front again.  Returns 1 if they moved. */
static int keep_rules_first(struct jail_host *jh, struct nl *nl, const struct pool_config *cfg)
{
	struct first_rule first = { .cfg = cfg, .lowest = UINT32_MAX };
	struct rule_info old_rules[JAIL_RULES], new_rules[JAIL_RULES];
	int count;

	if (rule_for_each_family(nl, AF_INET, note_foreign_rule, &first) ||
	    (jh->has_ipv6 && rule_for_each_family(nl, AF_INET6, note_foreign_rule, &first)))
		return 0;
	if (first.lowest > jh->rule_priority || first.lowest < 2)
		return 0;	/* already first, or no room before the other rule */
	count = jail_rules(jh, cfg, old_rules);
	jh->rule_priority = first.lowest - 1;
	jail_rules(jh, cfg, new_rules);
	/* New ones first, then the old: never a moment without. */
	for (int i = 0; i < count; i++)
		rule_add(nl, &new_rules[i]);
	for (int i = 0; i < count; i++)
		rule_delete(nl, &old_rules[i]);
	log_verbose("jail %s: rules moved to priority %u, ahead of another tool's rule",
		    jh->net.host_veth, jh->rule_priority);
	return 1;
}

/* Forwarding on the jail's link and the uplink is what the jail lives on; another tool
 * writing net.ipv4.conf.all.forwarding=0 (or IPv6's, which clears force_forwarding) turns
 * it off everywhere.  Turn it on again on these two, as setup did. */
static int keep_forwarding(struct jail_host *jh, struct nl *nl, const struct link_info *uplink)
{
	static const int ipv4_settings[] = { IPV4_DEVCONF_FORWARDING, IPV4_DEVCONF_SRC_VMARK };
	const char *ipv6_links[] = { jh->net.host_veth, uplink->name };
	struct link_info veth = { 0 };
	uint32_t value;
	int changes = 0;

	for (int i = 0; i < 2; i++)
		if (uplink->has_inet_conf && !uplink->inet_conf[ipv4_settings[i] - 1])
			changes += link_set_inet_conf(nl, uplink->index, ipv4_settings[i], 1) == 0;
	if (link_find(nl, jh->net.host_veth, &veth) == 0 && veth.has_inet_conf &&
	    !veth.inet_conf[IPV4_DEVCONF_FORWARDING - 1])
		changes += link_set_inet_conf(nl, veth.index, IPV4_DEVCONF_FORWARDING, 1) == 0;
	for (int i = 0; jh->has_ipv6 && i < 2; i++)
		if (ipv6_conf_get(ipv6_links[i], FORCE_FORWARDING, &value) == 0 && !value)
			changes += ipv6_conf_set(ipv6_links[i], FORCE_FORWARDING, 1) == 0;
	return changes;
}

int jail_host_repair(struct jail_host *jh, struct nl *nl, const struct pool_config *cfg,
		     bool gateway_given)
{
	struct route_info routes[JAIL_ROUTES];
	struct rule_info rules[JAIL_RULES];
	struct link_info now;
	int changes, count;

	/* Gone or down: the unreachable route and the kill switch hold until it is back. */
	if (link_find(nl, jh->uplink.name, &now) || !(now.flags & IFF_UP))
		return 0;
	changes = follow_uplink(jh, nl, cfg, &now, gateway_given);
	changes += keep_forwarding(jh, nl, &now);
	/* NLM_F_EXCL: what is in place answers EEXIST and makes no event, so this converges. */
	count = jail_routes(jh, routes);
	for (int i = 0; i < count; i++)
		changes += route_add(nl, &routes[i]) == 0;
	count = jail_rules(jh, cfg, rules);
	for (int i = 0; i < count; i++)
		changes += rule_add(nl, &rules[i]) == 0;
	return changes + keep_rules_first(jh, nl, cfg);
}

/* Put back the settings recorded for @uplink if no live jail uses it any more.  1 if it did
 * (then its guard, and after that its record, are to go), 0 if a jail still uses it or
 * nothing was recorded, or -errno. */
static int uplink_restore_if_unused(struct nl *nl, struct state *st, const char *uplink,
				    int own_fd)
{
	struct uplink_record record;
	struct link_info link;
	int err = state_uplink_in_use(st, uplink, own_fd);

	if (err)
		return err < 0 ? err : 0;
	err = state_recall_uplink(st, uplink, &record);
	if (err)
		return err == -ENOENT ? 0 : err;
	/* A vanished uplink took its settings with it; only the record is left to drop. */
	if (link_find(nl, uplink, &link) == 0) {
		uint32_t force_forwarding6;

		err = link_set_inet_conf(nl, link.index, IPV4_DEVCONF_FORWARDING, record.forwarding);
		if (!err)
			err = link_set_inet_conf(nl, link.index, IPV4_DEVCONF_SRC_VMARK,
						 record.src_valid_mark);
		if (!err && ipv6_conf_get(uplink, FORCE_FORWARDING, &force_forwarding6) == 0 &&
		    force_forwarding6 != record.force_forwarding6)
			err = ipv6_conf_set(uplink, FORCE_FORWARDING, record.force_forwarding6);
		if (err)
			return err;
	}
	log_verbose("restored forwarding=%u src_valid_mark=%u force_forwarding(IPv6)=%u on %s",
		    record.forwarding, record.src_valid_mark, record.force_forwarding6, uplink);
	return 1;
}

int uplink_release_if_unused(struct nl *nl, struct nl *nft, struct state *st, const char *uplink)
{
	int err = uplink_restore_if_unused(nl, st, uplink, -1);

	if (err <= 0)
		return err;
	/* Only now that forwarding is back as it was. */
	err = unguard_uplink(nft, uplink);
	if (err)
		return err;
	state_forget_uplink(st, uplink);
	return 0;
}

/* Take the host end of the veth down and out of the way.  Down, not deleted: deleting a
 * link waits for an RCU barrier (~20 ms), while the kernel removes the pair anyway, in the
 * background, with the jail's namespace.  A down link takes no packet from the jail, and
 * the kernel drops its routes at once.  Renamed, without its alias or address: the name,
 * the /30 and the slot are free for the next jail at once, and --list and --cleanup do
 * not take it for a jail.  If processes outlive COMMAND in the jail, its namespace stays;
 * finish_detached() deletes the link then.  Returns the index of the link left for
 * finish_detached(), 0 (gone, or deleted here because it could not be renamed), or
 * -errno if it is still there as the jail's. */
static int retire_link(struct jail_host *jh, struct nl *nl)
{
	char name[IFNAMSIZ + 16];
	int err = link_set_down(nl, jh->host_index);

	if (err == -ENODEV)
		return 0;
	snprintf(name, sizeof(name), RETIRED_PREFIX "%d", jh->host_index);
	/* Its address too: the next jail looks for a /30 no address of the host is in.  (A down
	 * link keeps its IPv4 addresses; the kernel removes the IPv6 ones.) */
	if (!err)
		err = addr_delete(nl, jh->host_index, jh->net.host_addr, JAIL_PREFIX);
	if ((!err || err == -EADDRNOTAVAIL) && strlen(name) < IFNAMSIZ &&
	    link_retire(nl, jh->host_index, name) == 0)
		return jh->host_index;
	err = link_delete(nl, jh->host_index);
	if (err && err != -ENODEV) {
		log_error("cannot remove %s: %s", jh->net.host_veth, strerror(-err));
		return err;
	}
	return 0;
}

/* What is left once the jail is cut off and its table and rules are gone is the kernel's
 * to finish, and waiting for it would double netjail's run time: the last close of a
 * NETLINK_NETFILTER socket waits, holding nftables' commit mutex, until the objects its
 * batches deleted are freed an RCU grace period later (nft_rcv_nl_event flushes the
 * destroy work), and deleting a link waits for an RCU barrier.  A child holding nothing
 * but the nftables socket does it instead: it waits out a grace period holding no lock
 * (membarrier), so its close finds nothing left to wait for and does not stall the next
 * jail's interface (nf_tables_netdev_event takes the same mutex); then, if processes that
 * outlived COMMAND keep the jail's namespace alive, it deletes the retired link
 * @retired.  Only for a socket that owns no table any more: an owner's close removes its
 * table, and that must happen before netjail exits. */
static void finish_detached(struct nl *nft, int retired)
{
	int fd = nft->sock ? mnl_socket_get_fd(nft->sock) : -1;
	pid_t pid = fork();

	if (pid == 0) {
		char name[IFNAMSIZ + 16];
		struct link_info link;
		struct nl nl;

		if (fd > 0)
			close_range(0, (unsigned)fd - 1, 0);
		close_range((unsigned)(fd + 1), ~0u, 0);
		syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
		nl_close(nft);
		snprintf(name, sizeof(name), RETIRED_PREFIX "%d", retired);
		if (retired && nl_open(&nl, NETLINK_ROUTE) == 0) {
			if (link_find(&nl, name, &link) == 0 && link.index == retired)
				link_delete(&nl, retired);
			nl_close(&nl);
		}
		_exit(0);
	}
	nl_close(nft);	/* without a child (fork failed), this close waits instead */
	if (pid < 0 && retired) {
		struct nl nl;

		if (nl_open(&nl, NETLINK_ROUTE) == 0) {
			link_delete(&nl, retired);
			nl_close(&nl);
		}
	}
}

/* Delete the jail's table (if @table) and the guards in @guards (if any) in one batch. */
static int delete_nft(struct jail_host *jh, bool table, const struct guard_found *guards)
{
	char name[32];
	struct nft_batch b;
	int err;

	if (!table && (!guards || !guards->matches))
		return 0;
	err = nftb_start(&b, &jh->nft);
	if (err)
		return err;
	snprintf(name, sizeof(name), "netjail%u", jh->net.slot);
	if (table)
		nftb_delete_table(&b, name);
	if (guards)
		guard_remove(&b, guards);
	return nftb_commit(&b);
}

/* The jail's table and, if @unguard, the uplink's guard, in one commit: deleting nftables
 * objects costs an RCU grace period when the socket closes (nl_close_detached), and one
 * commit pays it once for both. */
static int remove_nft(struct jail_host *jh, bool unguard)
{
	struct guard_found guards = { .matches = 0 };
	int err = unguard ? guard_find(&jh->nft, jh->uplink.name, &guards) : 0;

	if (!err)
		err = delete_nft(jh, jh->has_table, &guards);
	if (!err) {
		jh->has_table = false;
		return 0;
	}
	/* A batch fails whole: one on its own each, so that neither keeps the other. */
	if (jh->has_table && delete_nft(jh, true, NULL) == 0)
		jh->has_table = false;
	return guards.matches ? delete_nft(jh, false, &guards) : err;
}

void jail_host_teardown(struct jail_host *jh, struct nl *nl, struct state *st,
			const struct pool_config *cfg)
{
	struct rule_info rules[JAIL_RULES];
	int err, count, released, retired = 0;
	bool clean = true;	/* nothing left: the slot's file can go */

	/* Cut the jail off first: while its link is up, a process left in it could still
	 * send, and without the nftables table that would leave the uplink un-NATed. */
	if (jh->host_index) {
		retired = retire_link(jh, nl);
		clean = retired >= 0;
		if (retired < 0)
			retired = 0;
		jh->host_index = 0;
	}
	count = jail_rules(jh, cfg, rules);
	for (int i = 0; i < count; i++) {
		err = rule_delete(nl, &rules[i]);
		if (err && err != -ENOENT) {
			log_error("cannot remove routing rule for table %u: %s", rules[i].table,
				  strerror(-err));
			clean = false;
		}
	}
	err = route_flush_table(nl, jh->net.table);
	if (err) {
		log_error("cannot flush routing table %u: %s", jh->net.table, strerror(-err));
		clean = false;
	}
	released = uplink_restore_if_unused(nl, st, jh->uplink.name,
					    jh->joined_uplink ? jh->uplink_fd : -1);
	if (released < 0) {
		log_error("cannot restore the settings of %s: %s", jh->uplink.name,
			  strerror(-released));
		clean = false;
	}
	if (released > 0 && !jh->nft.sock) {
		err = nl_open(&jh->nft, NETLINK_NETFILTER);
		if (err) {
			log_error("cannot remove the guard of %s: %s", jh->uplink.name, strerror(-err));
			clean = false;
		}
	}
	err = jh->nft.sock ? remove_nft(jh, released > 0) : 0;
	if (err) {
		log_error("cannot remove the nftables table or the guard of %s: %s", jh->uplink.name,
			  nl_reason(err));
		clean = false;
	} else if (released > 0) {
		state_forget_uplink(st, jh->uplink.name);
	}
	/* A table still there (its removal failed) goes when its owner socket closes: here,
	 * before netjail exits, and so does the link then. */
	if (jh->has_table) {
		nl_close(&jh->nft);
		if (retired)
			link_delete(nl, retired);
	} else if (jh->nft.sock || retired) {
		if (!jh->nft.sock)
			nl_open(&jh->nft, NETLINK_NETFILTER);	/* if not, the child has none */
		finish_detached(&jh->nft, retired);
	}
	if (jh->joined_uplink)
		close(jh->uplink_fd);
	jh->joined_uplink = false;
	if (jh->slot_fd >= 0) {
		if (clean)
			state_forget_slot(st, jh->net.slot);
		close(jh->slot_fd);
	}
	jh->slot_fd = -1;
}
