/* hostnet.h - the host side of one jail: veth, routing table, rules, NAT, uplink settings. */
#ifndef NETJAIL_HOSTNET_H
#define NETJAIL_HOSTNET_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>

#include "conf.h"
#include "fwaccept.h"
#include "link.h"
#include "natsource.h"
#include "nl.h"
#include "pool.h"
#include "publish.h"
#include "rule.h"
#include "state.h"

/* A torn-down jail's host veth, until its namespace takes it (retire_link). */
#define RETIRED_PREFIX "njgone"
#define FORCE_FORWARDING "force_forwarding"
#define JAIL_RULES 2

struct jail_host {
	struct jail_net net;
	int slot_fd;			/* held slot lock, -1 if none */
	bool joined_uplink;		/* uplink_fd holds a share of the uplink (state_join_uplink) */
	int uplink_fd;
	int host_index;			/* host end of the veth, 0 until created */
	struct link_info uplink;
	bool has_gateway;		/* false on point-to-point uplinks */
	struct in_addr gateway;
	bool has_ipv6;			/* the uplink has an IPv6 default route; the jail gets IPv6 */
	bool ipv6_by_interface;		/* ... forwarded by force_forwarding (Linux 6.17) */
	bool ipv6_all;			/* ... or by all.forwarding (ipv6global.c) */
	bool joined_ipv6_all;		/* ipv6_all_fd holds a share of it */
	int ipv6_all_fd;
	bool has_gateway6;
	struct in6_addr gateway6;
	struct nl nft;			/* owns the nftables table while open */
	bool has_table;			/* the jail's nftables table was installed */
	bool fastpath;			/* and its flowtable (fastpath.c) */
	const char *no_fastpath;	/* why none is tried (fastpath = no, a refusal before) */
	int fastpath_refusal;		/* the kernel's -errno when it refused one */
	bool guard_ipv4, guard_ipv6;	/* netjail turned the uplink's forwarding on */
	const struct publish *publish;	/* -P: ports forwarded into the jail */
	size_t publish_count;
	bool allow_host;		/* --allow-host: no to_host chain in its table */
	pid_t reaper;			/* the jail's reaper (reaper.c), named in the alias */
	char name_tag[96];		/* its name in the alias (jailname.c), or "" */
	/* Interfaces seen to be other jails' (their veths, live or retired), whose changes
	 * are no news to this one: a ring of their indexes (hostwatch.c). */
	int foreign[256];
	unsigned foreign_next;
	struct nat_source nat_src;	/* the uplink's addresses its table NATs to */
	struct fw_rules fw_rules;	/* its accept rules in the host's firewall (fwaccept.c) */
	/* What the kernel-side filter of the watch was made for (hostwatch.c). */
	int filtered_host, filtered_uplink;
};

/* "netjail pid=P uplink=U reaper=R[ TAG]", the alias that marks a host veth as a jail's: P
 * its supervisor (@pid), U @jh's uplink, R its reaper (reaper.c; left out if 0), TAG its
 * name, if it has one (jailname.c). */
void jail_alias_format(char *buf, size_t size, pid_t pid, const struct jail_host *jh);
/* 0 with @pid and @uplink if @alias is a jail's, else -EINVAL. */
int jail_alias_parse(const char *alias, pid_t *pid, char uplink[IFNAMSIZ]);
/* R of a jail's @alias, or 0. */
pid_t jail_alias_reaper(const char *alias);

/* Claim a free slot whose /30 collides with no address or route of the host, for the user
 * @owner (state_claim_slot).  Call with the state lock held.  0, -EUSERS if the pool is
 * full, or -errno (ENOSPC: a full /run, where the slot's file could not be made). */
int jail_host_claim_slot(struct jail_host *jh, struct nl *nl, struct state *st,
			 const struct pool_config *cfg, uid_t owner);
/* After -EUSERS from it: one line for the user in @why, naming the host's address or route
 * (and its interface) that overlaps the pool and the netjail.conf setting that moves the
 * pool, or, if none does, that too many jails run.  (slotclaim.c) */
void jail_host_explain_no_slot(struct nl *nl, const struct pool_config *cfg, char *why,
			       size_t why_len);

/* The host side that needs no jail yet: table T, the rules and the gate, the uplink made
 * ready to forward (its settings recorded, guarded).  Done while the child makes the
 * jail's namespaces, which takes about as long.  With the state lock held.  0 or -errno,
 * with what failed in @step. */
int jail_host_prepare(struct jail_host *jh, struct nl *nl, struct state *st,
		      const struct pool_config *cfg, const char **step);
/* Then the rest, for the jail whose network namespace is open as @jail_netns: the veth
 * pair, the way back into it, the nftables table.  0 or -errno, with what failed in
 * @step.  After either fails, jail_host_teardown() removes whatever was made. */
int jail_host_setup(struct jail_host *jh, struct nl *nl, const struct pool_config *cfg,
		    int jail_netns, const char **step);

/* While the jail runs: put back what the kernel or another tool removed (routes flushed
 * when the uplink went down, rules deleted by `ip rule flush`), follow a re-created uplink
 * and, unless the user gave one (@gateway_given), a new default gateway.  Returns how many
 * things it changed (0 when all was in place or the uplink is still down). */
int jail_host_repair(struct jail_host *jh, struct nl *nl, const struct pool_config *cfg,
		     bool gateway_given);

/* hostsource.c: read which of the uplink's addresses the jail is to be NATed to, into
 * jh->nat_src and, unless NULL, @copy.  0 or -errno. */
int jail_host_find_source(struct jail_host *jh, struct nl *nl, struct nat_source *copy);
/* While the jail runs: read them again and, if they changed, rewrite the jail's NAT (the
 * connections NATed to an address that went then end).  Returns 1 if it did, else 0. */
int jail_host_follow_source(struct jail_host *jh, struct nl *nl);

/* hostwatch.c: read the events waiting on @events (see nl_drain_events) and say whether any of them,
 * not caused by @own_portid, may concern this jail: not those about other jails' links,
 * addresses, routes, tables and rules.  With many jails, each one's setup and teardown
 * would otherwise send every other supervisor through jail_host_repair(). */
bool jail_host_drain_events(struct jail_host *jh, struct nl *events, uint32_t own_portid,
			    const struct pool_config *cfg);

/* "iif nj<N> lookup T": IPv4's, then IPv6's, in @rules.  Returns how many of them apply
 * (1, or 2 with IPv6).  The way back in is the gate's (gate.c). */
int jail_host_rules(const struct jail_host *jh, const struct pool_config *cfg,
		    struct rule_info rules[JAIL_RULES]);

/* hostdown.c: remove everything jail_host_setup() made (whatever part of it exists), and restore the
 * uplink's settings if no other jail uses it.  With the state lock held. */
void jail_host_teardown(struct jail_host *jh, struct nl *nl, struct state *st,
			const struct pool_config *cfg);

/* fwwatch.c: fwaccept.c's fw_admit for this jail, on its nftables socket (opened here): the
 * host's firewall lets it through.  With the state lock held, before anything else of the jail is
 * made.  0, or -errno with the one line to show in @why, the jail torn down. */
int jail_host_admit_firewall(struct jail_host *jh, struct nl *nl, struct state *st,
			     const struct netjail_conf *conf, char *why, size_t why_len);

/* Put back the settings recorded for @uplink if no live jail uses it any more, then remove
 * its guard through NETLINK_NETFILTER socket @nft.  0 or -errno. */
int uplink_release_if_unused(struct nl *nl, struct nl *nft, struct state *st, const char *uplink);

#endif
