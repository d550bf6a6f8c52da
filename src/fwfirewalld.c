/* fwfirewalld.c - would firewalld let a jail's traffic out?  Reads, never writes.
 *
 * Theory of operation
 *   firewalld (nftables backend, 1.x) keeps its whole ruleset in one table, `table inet
 *   firewalld`, and rewrites it on every reload: a rule netjail put there would be gone at the
 *   next `firewall-cmd --reload`, so netjail never writes into it.  Instead the admin installs
 *   netjail's zone and policy once (firewalld/netjail.xml, firewalld/netjail-egress.xml; `make
 *   install` puts them where firewalld looks), and this file only checks, before anything
 *   changes, that firewalld's rules as they stand would accept the jail's traffic.
 *
 *   What firewalld 1.3 makes of them (measured with the real daemon, tests/t-fw-firewalld.sh):
 *     chain filter_FORWARD { type filter hook forward priority filter + 10; policy accept;
 *       ct state { established, related } accept ... jump filter_FORWARD_ZONES
 *       reject with icmpx admin-prohibited }
 *     chain filter_FORWARD_ZONES { iifname "nj*" goto filter_FWD_netjail ... goto filter_FWD_public }
 *     chain filter_FWD_netjail { jump filter_FORWARD_POLICIES_pre ... reject ... }
 *     chain filter_FORWARD_POLICIES_pre { iifname "nj*" jump filter_FWD_policy_netjail-egress }
 *     chain filter_FWD_policy_netjail-egress { jump ..._pre ... jump ..._post; accept }
 *   Without them a jail's link falls into the default zone (the catch-all `goto` at the end of
 *   filter_FORWARD_ZONES), whose chain ends in `reject` unless it forwards to the uplink (a zone
 *   with <forward/> that the uplink is bound to, or target ACCEPT as in "trusted").
 *
 *   Rather than look for chain names, this follows the forward hook's rules the way the kernel
 *   would for a new connection from "nj<N>" to the uplink, understanding only what decides it:
 *   `meta iifname`/`oifname` compared to a name (exact, or a prefix: firewalld's "nj+"),
 *   accept, drop, reject, jump, goto, return.  A rule with any other condition (ct state,
 *   addresses, ports, sets) may or may not apply, so it is passed over: its accept does not
 *   count (the jail's traffic might not match it) and neither does its drop (it may drop only
 *   other traffic: no false refusals).  So any setup that binds the jail's links to a zone or
 *   policy that accepts their forwarding is recognized, not only netjail's own files.
 */
#include <errno.h>
#include <netinet/in.h>	/* before linux/netfilter.h, which would define in_addr */
#include <stdbool.h>
#include <stdio.h>	/* libnftnl's headers use FILE */
#include <stdlib.h>
#include <string.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "fwfirewalld.h"
#include "pool.h"

#ifndef NETJAIL_FIREWALLD_DIR
#define NETJAIL_FIREWALLD_DIR "/etc/firewalld"
#endif

#define FIREWALLD_TABLE "firewalld"
/* The kernel refuses deeper jumps (NFT_JUMP_STACK_SIZE); deeper here means a bug. */
#define MAX_DEPTH 16

/* Whether a rule's conditions hold for a new connection from any jail link to the uplink. */
enum reach { REACH_NONE, REACH_SOME, REACH_ALL };
enum outcome { GOES_ON, ACCEPTED, DROPPED };

struct fw_rule {
	enum reach reach;
	int verdict;		/* NF_ACCEPT, NF_DROP (drop, reject), NFT_JUMP, ...; 0: none */
	char target[NFT_CHAIN_MAXNAMELEN];
};

struct fw_chain {
	char name[NFT_CHAIN_MAXNAMELEN];
	bool forward_hook;
	uint32_t policy;
	struct fw_rule *rules;
	size_t count, room;
};

struct fw_table {
	struct fw_chain *chains;
	size_t count, room;
	const char *uplink;
	int err;
};

static void *grow(void *array, size_t *room, size_t size)
{
	size_t more = *room ? *room * 2 : 16;
	void *bigger = reallocarray(array, more, size);

	if (bigger)
		*room = more;
	return bigger;
}

static struct fw_chain *find_chain(const struct fw_table *t, const char *name)
{
	for (size_t i = 0; i < t->count; i++)
		if (!strcmp(t->chains[i].name, name))
			return &t->chains[i];
	return NULL;
}

static int on_chain(const struct nlmsghdr *nlh, void *data)
{
	struct fw_table *t = data;
	struct nftnl_chain *chain = nftnl_chain_alloc();
	struct fw_chain *c;

	/* The kernel's chain dump does not filter by table (the rule dump does): a chain of
	 * another inet table (an admin's `inet filter`) is not firewalld's. */
	if (!chain || nftnl_chain_nlmsg_parse(nlh, chain) < 0 ||
	    !nftnl_chain_is_set(chain, NFTNL_CHAIN_NAME) ||
	    !nftnl_chain_is_set(chain, NFTNL_CHAIN_TABLE) ||
	    strcmp(nftnl_chain_get_str(chain, NFTNL_CHAIN_TABLE), FIREWALLD_TABLE) != 0)
		goto out;
	if (t->count == t->room) {
		struct fw_chain *bigger = grow(t->chains, &t->room, sizeof(*bigger));

		if (!bigger) {
			t->err = -ENOMEM;
			goto out;
		}
		t->chains = bigger;
	}
	c = &t->chains[t->count++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", nftnl_chain_get_str(chain, NFTNL_CHAIN_NAME));
	c->forward_hook = nftnl_chain_is_set(chain, NFTNL_CHAIN_HOOKNUM) &&
			  nftnl_chain_get_u32(chain, NFTNL_CHAIN_HOOKNUM) == NF_INET_FORWARD;
	c->policy = nftnl_chain_is_set(chain, NFTNL_CHAIN_POLICY) ?
		    nftnl_chain_get_u32(chain, NFTNL_CHAIN_POLICY) : NF_ACCEPT;
out:
	nftnl_chain_free(chain);
	return t->err ? MNL_CB_ERROR : MNL_CB_OK;
}

/* Does the name compared in @data (@len bytes) match the jails' links (@jails), or the uplink?
 * An nftables ifname comparison without the terminating NUL is a prefix match: that is how
 * firewalld writes "nj+" (iifname "nj*"). */
static enum reach ifname_reach(const char *data, uint32_t len, bool jails, const char *uplink)
{
	const char *nul = memchr(data, '\0', len);
	size_t jlen = strlen(JAIL_VETH_PREFIX), ulen = strlen(uplink);

	if (nul) {
		if (!jails)
			return strcmp(data, uplink) ? REACH_NONE : REACH_ALL;
		return strncmp(data, JAIL_VETH_PREFIX, jlen) ? REACH_NONE : REACH_SOME;
	}
	if (!jails)
		return len <= ulen && !memcmp(data, uplink, len) ? REACH_ALL : REACH_NONE;
	if (len <= jlen)
		return memcmp(data, JAIL_VETH_PREFIX, len) ? REACH_NONE : REACH_ALL;
	return memcmp(data, JAIL_VETH_PREFIX, jlen) ? REACH_NONE : REACH_SOME;
}

static enum reach compare_reach(struct nftnl_expr *expr, uint32_t key, const char *uplink)
{
	uint32_t len = 0;
	const char *data = nftnl_expr_get(expr, NFTNL_EXPR_CMP_DATA, &len);
	enum reach reach;

	if (!data || !len)
		return REACH_SOME;
	reach = ifname_reach(data, len, key == NFT_META_IIFNAME, uplink);
	switch (nftnl_expr_get_u32(expr, NFTNL_EXPR_CMP_OP)) {
	case NFT_CMP_EQ:
		return reach;
	case NFT_CMP_NEQ:
		return reach == REACH_ALL ? REACH_NONE : reach == REACH_NONE ? REACH_ALL : reach;
	default:
		return REACH_SOME;
	}
}

/* Read @rule's conditions and verdict into @out (see the top of the file). */
static void parse_rule(struct nftnl_rule *rule, const char *uplink, struct fw_rule *out)
{
	struct nftnl_expr_iter *iter = nftnl_expr_iter_create(rule);
	uint32_t loaded_key = 0, loaded_reg = 0;
	bool unknown = false, none = false;
	struct nftnl_expr *expr;

	memset(out, 0, sizeof(*out));
	if (!iter) {
		out->reach = REACH_SOME;
		return;
	}
	while ((expr = nftnl_expr_iter_next(iter))) {
		const char *name = nftnl_expr_get_str(expr, NFTNL_EXPR_NAME);
		uint32_t key;

		if (!strcmp(name, "counter") || !strcmp(name, "log")) {
			continue;
		} else if (!strcmp(name, "meta") && nftnl_expr_is_set(expr, NFTNL_EXPR_META_DREG) &&
			   ((key = nftnl_expr_get_u32(expr, NFTNL_EXPR_META_KEY)) == NFT_META_IIFNAME ||
			    key == NFT_META_OIFNAME)) {
			loaded_key = key;
			loaded_reg = nftnl_expr_get_u32(expr, NFTNL_EXPR_META_DREG);
		} else if (!strcmp(name, "cmp") && loaded_key &&
			   nftnl_expr_get_u32(expr, NFTNL_EXPR_CMP_SREG) == loaded_reg) {
			enum reach reach = compare_reach(expr, loaded_key, uplink);

			none |= reach == REACH_NONE;
			unknown |= reach == REACH_SOME;
			loaded_key = 0;
		} else if (!strcmp(name, "immediate") &&
			   nftnl_expr_get_u32(expr, NFTNL_EXPR_IMM_DREG) == NFT_REG_VERDICT) {
			out->verdict = (int)nftnl_expr_get_u32(expr, NFTNL_EXPR_IMM_VERDICT);
			if (nftnl_expr_is_set(expr, NFTNL_EXPR_IMM_CHAIN))
				snprintf(out->target, sizeof(out->target), "%s",
					 nftnl_expr_get_str(expr, NFTNL_EXPR_IMM_CHAIN));
		} else if (!strcmp(name, "reject")) {
			out->verdict = NF_DROP;	/* the expression itself ends the packet */
		} else {
			unknown = true;	/* ct, payload, lookup, limit, ...: a condition we don't judge */
		}
	}
	nftnl_expr_iter_destroy(iter);
	out->reach = none ? REACH_NONE : unknown ? REACH_SOME : REACH_ALL;
}

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct fw_table *t = data;
	struct nftnl_rule *rule = nftnl_rule_alloc();
	struct fw_chain *c;

	if (!rule || nftnl_rule_nlmsg_parse(nlh, rule) < 0 ||
	    !nftnl_rule_is_set(rule, NFTNL_RULE_CHAIN) ||
	    !nftnl_rule_is_set(rule, NFTNL_RULE_TABLE) ||
	    strcmp(nftnl_rule_get_str(rule, NFTNL_RULE_TABLE), FIREWALLD_TABLE) != 0)
		goto out;
	/* A chain made after the chains' dump (a reload in between) is not followed. */
	c = find_chain(t, nftnl_rule_get_str(rule, NFTNL_RULE_CHAIN));
	if (!c)
		goto out;
	if (c->count == c->room) {
		struct fw_rule *bigger = grow(c->rules, &c->room, sizeof(*bigger));

		if (!bigger) {
			t->err = -ENOMEM;
			goto out;
		}
		c->rules = bigger;
	}
	parse_rule(rule, t->uplink, &c->rules[c->count++]);
out:
	nftnl_rule_free(rule);
	return t->err ? MNL_CB_ERROR : MNL_CB_OK;
}

static int dump(struct nl *nft, uint16_t type, mnl_cb_t cb, struct fw_table *t)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int err;

	memset(buf, 0, sizeof(buf));
	nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_INET, NLM_F_DUMP, nft->seq++);
	if (type == NFT_MSG_GETCHAIN) {
		struct nftnl_chain *chain = nftnl_chain_alloc();

		if (!chain)
			return -ENOMEM;
		nftnl_chain_set_str(chain, NFTNL_CHAIN_TABLE, FIREWALLD_TABLE);
		nftnl_chain_nlmsg_build_payload(nlh, chain);
		nftnl_chain_free(chain);
	} else {
		struct nftnl_rule *rule = nftnl_rule_alloc();

		if (!rule)
			return -ENOMEM;
		nftnl_rule_set_str(rule, NFTNL_RULE_TABLE, FIREWALLD_TABLE);
		nftnl_rule_nlmsg_build_payload(nlh, rule);
		nftnl_rule_free(rule);
	}
	err = nl_dump(nft, nlh, cb, t);
	return t->err ? t->err : err;
}

/* What the kernel would do with the jail's new connection once in @c: accepted, dropped (in
 * the chain named in *@where), or on to the next rule of the chain that jumped here. */
static enum outcome follow(const struct fw_table *t, const struct fw_chain *c, int depth,
			   const char **where)
{
	if (depth > MAX_DEPTH)
		return GOES_ON;
	for (size_t i = 0; i < c->count; i++) {
		const struct fw_rule *r = &c->rules[i];
		const struct fw_chain *next;
		enum outcome o;

		if (r->reach != REACH_ALL)
			continue;
		switch (r->verdict) {
		case NF_ACCEPT:
			return ACCEPTED;
		case NF_DROP:
			*where = c->name;
			return DROPPED;
		case NFT_RETURN:
			return GOES_ON;
		case NFT_JUMP:
		case NFT_GOTO:
			next = find_chain(t, r->target);
			o = next ? follow(t, next, depth + 1, where) : GOES_ON;
			if (o != GOES_ON || r->verdict == NFT_GOTO)
				return o;
			break;
		default:
			break;
		}
	}
	return GOES_ON;
}

static void free_table(struct fw_table *t)
{
	for (size_t i = 0; i < t->count; i++)
		free(t->chains[i].rules);
	free(t->chains);
}

int firewalld_ready(struct nl *nft, const char *uplink, char *why, size_t size)
{
	struct fw_table t = { .uplink = uplink };
	const char *where = NULL;
	bool hooked = false;
	int err;

	err = dump(nft, NFT_MSG_GETCHAIN, on_chain, &t);
	if (!err && t.count)
		err = dump(nft, NFT_MSG_GETRULE, on_rule, &t);
	if (err == -ENOENT)	/* no such table: no firewalld */
		err = 0;
	if (err)
		goto out;
	for (size_t i = 0; i < t.count && !where; i++) {
		const struct fw_chain *c = &t.chains[i];

		if (!c->forward_hook)
			continue;
		hooked = true;
		if (follow(&t, c, 0, &where) == GOES_ON && c->policy == NF_DROP)
			where = c->name;
	}
	if (where) {
		snprintf(why, size, "firewalld would reject the jail's traffic (table inet %s, "
			 "chain %s): install netjail's zone and policy (%s/zones/netjail.xml and "
			 "%s/policies/netjail-egress.xml, see netjail.conf(5)), then run "
			 "firewall-cmd --reload", FIREWALLD_TABLE, where, NETJAIL_FIREWALLD_DIR,
			 NETJAIL_FIREWALLD_DIR);
		err = -EACCES;
	} else if (hooked) {
		snprintf(why, size, "lets jails out by %s", uplink);
	} else {
		snprintf(why, size, "not running (no table inet %s)", FIREWALLD_TABLE);
	}
out:
	free_table(&t);
	return err;
}

int firewalld_check(const char *uplink, char *why, size_t size)
{
	struct nl nft;
	int err = nl_open(&nft, NETLINK_NETFILTER);

	if (!err) {
		/* A dump the kernel marks interrupted (a jail or a firewall changed meanwhile)
		 * is read again from the start, a few times. */
		int tries = 0;

		do
			err = firewalld_ready(&nft, uplink, why, size);
		while (err == -EINTR && ++tries < NL_DUMP_TRIES);
		nl_close(&nft);
	}
	if (err && err != -EACCES)
		snprintf(why, size, "cannot read the host's nftables ruleset for firewalld: %s",
			 nl_reason(err));
	return err;
}
