/* hostnet.c - the host side of one jail.
 *
 *   nj<N> (veth) 10.231.x.y/30  <->  eth0 in the jail
 *   ip rule pref P iif nj<N> lookup T   (the jail's packets, even without nftables)
 *   table T: default via GW dev UPLINK; unreachable default metric max
 *   table_base, shared: 10.231.x.y/30 dev nj<N> (the way back; it goes with the link)
 *   nftables table netjail<N> (nft.c); net.ipv4.conf.{nj<N>,UPLINK}.forwarding=1
 *   and, shared by all jails, the gate around their rules (gate.c)
 *
 * Routing needs no packet mark.  The jail's packets come in by nj<N>, whose rule sends them
 * to T.  Replies, once conntrack has undone the NAT, are for the jail's address: the gate's
 * first rule finds it in the table all jails share, ahead of any VPN tool's catch-all, and
 * repair puts it back if it goes.  The link's address makes no prefix route in main: that
 * would be one more route per jail, and nothing here would restore it after an `ip route
 * flush`.  Strict rp_filter checks a forwarded packet as if it came in
 * by its way out: a reply from the uplink is checked with iif nj<N> (T says the uplink: it
 * passes), a packet from the jail with a lookup of its source (the gate's rule says nj<N>:
 * it passes).  Marking packets instead would take an nftables prerouting chain per jail,
 * which every packet the host receives would go past.
 *
 * The unreachable default is why the jail fails closed: when the uplink's route goes away,
 * lookups in T end there instead of falling through to the main table and its default
 * route.  Forwarding is switched on per interface only (jail link and uplink), never
 * globally (but IPv6's with ipv6_forwarding = all: ipv6global.c), and the nftables guard
 * keeps the uplink from routing anything but replies.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "fastpath.h"
#include "gate.h"
#include "guard.h"
#include "hostnat.h"
#include "hostnet.h"
#include "ipv6conf.h"
#include "ipv6global.h"
#include "log.h"
#include "nft.h"
#include "route.h"
#include "rule.h"
#include "ruleplace.h"
#include "util.h"

#define JAIL_PEER_NAME "eth0"
#define ALIAS_PREFIX "netjail pid="

#define REAPER_PART " reaper="

void jail_alias_format(char *buf, size_t size, pid_t pid, const struct jail_host *jh)
{
	snprintf(buf, size, ALIAS_PREFIX "%d uplink=%s", (int)pid, jh->uplink.name);
	if (jh->reaper > 0)
		snprintf(buf + strlen(buf), size - strlen(buf), REAPER_PART "%d%s", (int)jh->reaper,
			 jh->name_tag);
}

int jail_alias_parse(const char *alias, pid_t *pid, char uplink[IFNAMSIZ])
{
	char copy[LINK_ALIAS_MAX], *space, *reaper;
	uint32_t value;

	if (strncmp(alias, ALIAS_PREFIX, strlen(ALIAS_PREFIX)) != 0)
		return -EINVAL;
	snprintf(copy, sizeof(copy), "%s", alias + strlen(ALIAS_PREFIX));
	reaper = strstr(copy, REAPER_PART);
	if (reaper)
		*reaper = '\0';
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

pid_t jail_alias_reaper(const char *alias)
{
	const char *reaper = strstr(alias, REAPER_PART);
	char number[16];
	uint32_t value;
	size_t len;

	if (!reaper)
		return 0;
	/* A named jail's tag follows (jailname.c). */
	reaper += strlen(REAPER_PART);
	len = strcspn(reaper, " ");
	if (len >= sizeof(number))
		return 0;
	memcpy(number, reaper, len);
	number[len] = '\0';
	if (parse_u32(number, 1, 0x7fffffff, &value))
		return 0;
	return (pid_t)value;
}

/* The gate's jump and its target (gate.c). */
static bool is_jump(const struct rule_info *rule)
{
	return rule->action == FR_ACT_GOTO || rule->action == FR_ACT_NOP;
}

/* Queue (or, outside a batch, add) the jail's rules and the gate in front of them; without
 * the jump in the families of @no_jump (ruleplace_jump_blocked). */
static int add_rules_and_gate(const struct jail_host *jh, struct nl *nl,
			      const struct pool_config *cfg, int no_jump)
{
	struct rule_info rules[JAIL_RULES], gate[GATE_RULES];
	int count = jail_host_rules(jh, cfg, rules), added = 0;

	for (int i = 0; i < count; i++)
		added += rule_add(nl, &rules[i]) == 0;
	if (nl->batch)
		nl_batch_shared(nl);
	count = gate_rules(cfg, cfg->rule_priority, jh->has_ipv6, gate);
	for (int i = 0; i < count; i++)
		if (!((no_jump & RULEPLACE_NO_JUMP(gate[i].family)) && is_jump(&gate[i])))
			added += rule_add(nl, &gate[i]) == 0;
	return added;
}

/* Another tool's rule sits at R-1 or R, which the jump would take the host's own lookups
 * past: take the jump away in the families of @no_jump, its target first (a goto without
 * one does nothing), so that no nop is left behind that gate_remove() would not know. */
static int drop_jump(const struct jail_host *jh, struct nl *nl, const struct pool_config *cfg,
		     int no_jump)
{
	struct rule_info gate[GATE_RULES];
	int count = gate_rules(cfg, cfg->rule_priority, jh->has_ipv6, gate), dropped = 0;

	for (int i = count - 1; i >= 0; i--)
		if ((no_jump & RULEPLACE_NO_JUMP(gate[i].family)) && is_jump(&gate[i]))
			dropped += rule_delete(nl, &gate[i]) == 0;
	return dropped;
}

int jail_host_rules(const struct jail_host *jh, const struct pool_config *cfg,
		      struct rule_info rules[JAIL_RULES])
{
	memset(rules, 0, JAIL_RULES * sizeof(rules[0]));
	for (int i = 0; i < JAIL_RULES; i++) {
		rules[i].family = i == 0 ? AF_INET : AF_INET6;
		rules[i].priority = cfg->rule_priority;
		rules[i].table = jh->net.table;
		snprintf(rules[i].iifname, sizeof(rules[i].iifname), "%s", jh->net.host_veth);
	}
	return jh->has_ipv6 ? JAIL_RULES : 1;
}

/* The way back to the jail, in the table all jails share (the gate's first rule looks it
 * up); then table T: out by the uplink, and unreachable when that is gone.  For IPv4 and,
 * with IPv6, the same again. */
enum {
	ROUTE_TO_JAIL, ROUTE_OUT, ROUTE_FAIL_CLOSED,
	ROUTE6_TO_JAIL, ROUTE6_OUT, ROUTE6_FAIL_CLOSED, JAIL_ROUTES
};

/* Fills @routes; returns how many apply (3, or 6 with IPv6). */
static int jail_routes(const struct jail_host *jh, struct route_info routes[JAIL_ROUTES])
{
	memset(routes, 0, JAIL_ROUTES * sizeof(routes[0]));
	routes[ROUTE_TO_JAIL] = (struct route_info){
		.table = jh->net.jails_table, .type = RTN_UNICAST, .scope = RT_SCOPE_LINK,
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
		.family = AF_INET6, .table = jh->net.jails_table, .type = RTN_UNICAST,
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

/* Queue on @nl, inside a batch (nl_batch_begin), the jail's routes into its link (@to_jail)
 * or the others, which need no link: table T's. */
static void queue_jail_routes(struct jail_host *jh, struct nl *nl, bool to_jail)
{
	struct route_info routes[JAIL_ROUTES];
	int count = jail_routes(jh, routes);

	for (int i = 0; i < count; i++)
		if ((i == ROUTE_TO_JAIL || i == ROUTE6_TO_JAIL) == to_jail)
			route_add(nl, &routes[i]);
}

/* Turn on what replies on the uplink need, remembering what was there first. */
/* Whether the uplink bridges frames between its ports, which its guard lets pass. */
static bool uplink_is_bridge(const struct jail_host *jh)
{
	return strcmp(jh->uplink.kind, "bridge") == 0;
}

static int prepare_uplink(struct jail_host *jh, struct nl *nl, struct state *st,
			  uint32_t mark_mask, const char **step)
{
	const uint32_t *conf = jh->uplink.inet_conf;
	struct uplink_record now, record;
	struct link_info link;
	int err;

	/* Read again under the state lock: before it, forwarding may have been another jail's,
	 * since turned off by the last one out, and recorded as the uplink's own it would be
	 * turned on again, unguarded, when all jails end. */
	err = link_find(nl, jh->uplink.name, &link);
	if (err || link.index != jh->uplink.index || !link.has_inet_conf)
		return err ? err : link.index != jh->uplink.index ? -ENODEV : -EOPNOTSUPP;
	memcpy(jh->uplink.inet_conf, link.inet_conf, sizeof(link.inet_conf));
	now = (struct uplink_record){
		.forwarding = conf[IPV4_DEVCONF_FORWARDING - 1],
		.src_valid_mark = conf[IPV4_DEVCONF_SRC_VMARK - 1],
	};
	/* Not read (no such setting, no IPv6 there, or the read failed): unknown, which is
	 * never written back, and a jail with IPv6, which turns it on, does not start. */
	err = ipv6_conf_get(jh->uplink.name, FORCE_FORWARDING, &now.force_forwarding6);
	if (err || now.force_forwarding6 > 1)
		now.force_forwarding6 = UPLINK_UNKNOWN;
	if (jh->ipv6_by_interface && now.force_forwarding6 == UPLINK_UNKNOWN)
		return err ? err : -ERANGE;
	record = now;
	*step = STATE_WRITE_STEP;
	err = state_remember_uplink(st, jh->uplink.name, &record, false);
	if (!err)
		err = state_recall_uplink(st, jh->uplink.name, &record);
	if (err == -EINVAL) {
		/* Unreadable (not written by this netjail): start again from what is there now. */
		log_error("the record of %s's settings was unreadable; recording them anew",
			  jh->uplink.name);
		state_forget_uplink(st, jh->uplink.name);
		record = now;
		err = state_remember_uplink(st, jh->uplink.name, &record, false);
		if (!err)
			err = state_recall_uplink(st, jh->uplink.name, &record);
	}
	/* Kept unknown, read now: no netjail changed it meanwhile (one that would have
	 * completed the record first, under the same lock), so now is still before. */
	if (!err && record.force_forwarding6 == UPLINK_UNKNOWN &&
	    now.force_forwarding6 != UPLINK_UNKNOWN) {
		record.force_forwarding6 = now.force_forwarding6;
		err = state_remember_uplink(st, jh->uplink.name, &record, true);
	}
	if (err)
		return err;
	/* A user of the uplink from now on, so that the last one out restores it. */
	jh->uplink_fd = state_join_uplink(st, jh->uplink.name);
	if (jh->uplink_fd < 0)
		return jh->uplink_fd;
	jh->joined_uplink = true;
	*step = "enable forwarding on the uplink";
	/* Whatever netjail turned on, it guards: the uplink forwards jails' traffic only.  The
	 * guard that outlives netjail goes in before forwarding goes on. */
	jh->guard_ipv4 = record.forwarding == 0;
	jh->guard_ipv6 = jh->ipv6_by_interface && record.force_forwarding6 == 0;
	if ((jh->guard_ipv4 || jh->guard_ipv6) && !jh->nft.sock)
		err = nl_open(&jh->nft, NETLINK_NETFILTER);
	if (!err && jh->guard_ipv4)
		err = guard_uplink(&jh->nft, jh->uplink.name, uplink_is_bridge(jh), NFPROTO_IPV4,
				   mark_mask);
	if (!err && jh->guard_ipv6)
		err = guard_uplink(&jh->nft, jh->uplink.name, uplink_is_bridge(jh), NFPROTO_IPV6,
				   mark_mask);
	if (err)
		return err;
	if (!conf[IPV4_DEVCONF_FORWARDING - 1])
		err = link_set_inet_conf(nl, jh->uplink.index, IPV4_DEVCONF_FORWARDING, 1);
	/* IPv6 forwarding is global but for force_forwarding (Linux 6.17); the global switch
	 * only where the admin chose it (ipv6_forwarding = all: jail_host_prepare). */
	if (!err && jh->ipv6_by_interface && !now.force_forwarding6)
		err = ipv6_conf_set(jh->uplink.name, FORCE_FORWARDING, 1);
	return err;
}

int jail_host_prepare(struct jail_host *jh, struct nl *nl, struct state *st,
		      const struct pool_config *cfg, const char **step)
{
	int err, no_jump;

	/* Table T and the rules, in one message the kernel carries out in order.  If one
	 * fails, the others may still have been made; teardown removes whatever exists. */
	*step = STATE_WRITE_STEP;
	/* Flagged before the gate (and the NAT shortcut, at setup) exist: see state.h. */
	err = state_mark(st, STATE_SHARED);
	if (err)
		return err;
	*step = "add the jail's routes and rules";
	no_jump = ruleplace_jump_blocked(nl, cfg, jh->has_ipv6);
	err = nl_batch_begin(nl);
	if (err)
		return err;
	queue_jail_routes(jh, nl, false);
	add_rules_and_gate(jh, nl, cfg, no_jump > 0 ? no_jump : 0);
	err = nl_batch_commit(nl);
	if (err)
		return err;
	log_verbose("table %u: out by %s, unreachable when that is gone", jh->net.table,
		    jh->uplink.name);
	log_verbose("rule at priority %u: iif %s looks up table %u, behind the jails' gate",
		    cfg->rule_priority, jh->net.host_veth, jh->net.table);

	*step = "enable forwarding on the uplink";
	err = prepare_uplink(jh, nl, st, cfg->mark_mask, step);
	if (!err && jh->ipv6_all) {
		*step = "turn on net.ipv6.conf.all.forwarding";
		err = ipv6_all_join(jh, st, cfg->mark_mask);
	}
	if (!err)
		log_verbose("forwarding on for %s%s", jh->uplink.name,
			    jh->guard_ipv4 || jh->guard_ipv6 ? ", the uplink guarded" : "");
	return err;
}

int jail_host_setup(struct jail_host *jh, struct nl *nl, const struct pool_config *cfg,
		    int jail_netns, const char **step)
{
	struct nft_jail nft = {
		.uplink = jh->uplink.name, .jail_addr = jh->net.jail_addr,
		.mark = jh->net.mark, .mark_mask = cfg->mark_mask,
		.publish = jh->publish, .publish_count = jh->publish_count,
		.has_ipv6 = jh->has_ipv6, .jail_addr6 = jh->net.jail_addr6,
		.guard_ipv4 = jh->guard_ipv4, .guard_ipv6 = jh->guard_ipv6,
		.uplink_bridge = uplink_is_bridge(jh),
		.allow_host = jh->allow_host,
	};
	char alias[LINK_ALIAS_MAX];
	struct link_info host;
	int err;

	jail_alias_format(alias, sizeof(alias), getpid(), jh);
	*step = "create the jail's veth pair";
	err = link_add_veth(nl, jh->net.host_veth, JAIL_PEER_NAME, jail_netns);
	if (err)
		return err;
	err = link_find(nl, jh->net.host_veth, &host);
	if (err)
		return err;
	jh->host_index = host.index;

	/* The rest of the link and the way back into it: one message again. */
	*step = "configure the jail's link";
	if (jh->ipv6_by_interface) {
		err = ipv6_conf_set(jh->net.host_veth, FORCE_FORWARDING, 1);
		if (err)
			return err;
	}
	err = nl_batch_begin(nl);
	if (err)
		return err;
	link_set_alias(nl, jh->host_index, alias);
	/* An IPv6 link-local address on it would bring three routes and their events,
	 * duplicate address detection and one more event when that ends, for every other
	 * supervisor to filter; the jail's IPv6 goes by the global addresses alone. */
	if (host.has_inet6)
		link_skip_ipv6_link_local(nl, jh->host_index);
	/* No prefix route: the way to the jail is table_base's (the gate looks it up first,
	 * the host's own traffic included).  One in main as well would be a route per jail
	 * that every setup's route dumps read and every supervisor's filter is shown. */
	addr_add(nl, jh->host_index, jh->net.host_addr, JAIL_PREFIX, IFA_F_NOPREFIXROUTE);
	link_set_inet_conf(nl, jh->host_index, IPV4_DEVCONF_FORWARDING, 1);
	if (jh->has_ipv6)
		addr6_add(nl, jh->host_index, &jh->net.host_addr6, JAIL_PREFIX6,
			  IFA_F_NOPREFIXROUTE);
	link_set_up(nl, jh->host_index);
	queue_jail_routes(jh, nl, true);
	err = nl_batch_commit(nl);
	if (err)
		return err;
	log_verbose("%s: the jail's /30%s, forwarding on, its way back in table %u",
		    jh->net.host_veth, jh->has_ipv6 ? " and /64" : "", jh->net.jails_table);

	*step = "install the jail's nftables table";
	snprintf(nft.table, sizeof(nft.table), "netjail%u", jh->net.slot);
	nft.host_veth_index = jh->host_index;
	nft.host_veth = jh->net.host_veth;
	err = jh->nft.sock ? 0 : nl_open(&jh->nft, NETLINK_NETFILTER);
	if (!err)
		err = jail_host_find_source(jh, nl, &nft.src);	/* the address to NAT to */
	if (!err) {
		/* The host's NAT shortcut, if no jail made it yet (setups and teardowns hold
		 * the state lock, so none makes or removes it meanwhile). */
		nft.with_hostnat = hostnat_present(&jh->nft) == 0;
		err = nft_install_jail(&jh->nft, &nft);
	}
	jh->has_table = !err;
	if (!err && jh->no_fastpath) {
		log_verbose("%s: no flowtable (%s), all on the slow path", nft.table,
			    jh->no_fastpath);
	} else if (!err) {
		/* Refused where the kernel has no flowtables: the slow path alone, as before. */
		int refused = fastpath_install(&jh->nft, &nft);

		jh->fastpath = !refused;
		jh->fastpath_refusal = refused;
		log_verbose("%s: %s%s", nft.table, refused ? "no flowtable, all on the slow path: " :
			    "flowtable: established connections offloaded",
			    refused ? nl_reason(refused) : "");
	}
	if (!err)
		log_verbose("nftables table %s: connection mark, NAT, kill switch%s%s", nft.table,
			    jh->publish_count ? ", published ports" : "",
			    jh->allow_host ? "" : ", the host kept out of reach");
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
		if (jh->ipv6_by_interface)
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

/* Forwarding on the jail's link and the uplink is what the jail lives on; another tool
 * writing net.ipv4.conf.all.forwarding=0 (or IPv6's, which clears force_forwarding) turns
 * it off everywhere.  Turn it on again on these two, as setup did. */
static int keep_forwarding(struct jail_host *jh, struct nl *nl, const struct link_info *uplink)
{
	const char *ipv6_links[] = { jh->net.host_veth, uplink->name };
	struct link_info veth = { 0 };
	uint32_t value;
	int changes = 0;

	if (uplink->has_inet_conf && !uplink->inet_conf[IPV4_DEVCONF_FORWARDING - 1])
		changes += link_set_inet_conf(nl, uplink->index, IPV4_DEVCONF_FORWARDING, 1) == 0;
	if (link_find(nl, jh->net.host_veth, &veth) == 0 && veth.has_inet_conf &&
	    !veth.inet_conf[IPV4_DEVCONF_FORWARDING - 1])
		changes += link_set_inet_conf(nl, veth.index, IPV4_DEVCONF_FORWARDING, 1) == 0;
	for (int i = 0; jh->ipv6_by_interface && i < 2; i++)
		if (ipv6_conf_get(ipv6_links[i], FORCE_FORWARDING, &value) == 0 && !value)
			changes += ipv6_conf_set(ipv6_links[i], FORCE_FORWARDING, 1) == 0;
	return changes;
}

int jail_host_repair(struct jail_host *jh, struct nl *nl, const struct pool_config *cfg,
		     bool gateway_given)
{
	struct route_info routes[JAIL_ROUTES];
	struct link_info now;
	int changes, count, moved, no_jump, dropped;

	/* Gone or down: the unreachable route and the kill switch hold until it is back.  Only
	 * an interface of that very name is it: the kernel also answers with one that has the
	 * name as an alternative name, which the admin's policy was not asked about. */
	if (link_find(nl, jh->uplink.name, &now) || strcmp(now.name, jh->uplink.name) != 0 ||
	    !(now.flags & IFF_UP))
		return 0;
	changes = follow_uplink(jh, nl, cfg, &now, gateway_given);
	changes += keep_forwarding(jh, nl, &now);
	/* NLM_F_EXCL: what is in place answers EEXIST and makes no event, so this converges. */
	count = jail_routes(jh, routes);
	for (int i = 0; i < count; i++)
		changes += route_add(nl, &routes[i]) == 0;
	no_jump = ruleplace_jump_blocked(nl, cfg, jh->has_ipv6);
	if (no_jump < 0)
		no_jump = 0;
	changes += add_rules_and_gate(jh, nl, cfg, no_jump);
	if (no_jump && (dropped = drop_jump(jh, nl, cfg, no_jump)) > 0) {
		log_verbose("another tool's rule at priority %u or %u: the jails' gate goes "
			    "without its jump, which would take the host's lookups past it",
			    cfg->rule_priority - 1, cfg->rule_priority);
		changes += dropped;
	}
	/* Rules that another tool added meanwhile without a priority, which the kernel put
	 * in front of the gate: where they would be without netjail (ruleplace.c). */
	moved = ruleplace_others(nl, cfg, jh->has_ipv6);
	if (moved > 0)
		log_verbose("moved %d rule(s) of another tool from in front of the jails' to "
			    "where the kernel would have put them without netjail", moved);
	return changes + (moved > 0 ? moved : 0);
}
