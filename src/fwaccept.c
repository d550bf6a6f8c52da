/* fwaccept.c - let a jail's traffic past the host's own firewall, or say why not.
 *
 * Where the host's forward chain is iptables-nft's (Docker, ufw, plain iptables), netjail
 * inserts two rules at the head of DOCKER-USER if it exists, else of FORWARD: accept what
 * comes in by the jail's link, accept what goes out by it.  They are built only from what
 * iptables-nft itself writes for `-i NAME -j ACCEPT` (meta iifname, compared with the name
 * and its NUL; a counter; an immediate accept), so iptables -L and iptables-save still read
 * the table (one native-only expression would make them call it incompatible, and Docker
 * and ufw would fail on their next reload).  The comment "netjail:nj<N>" is rule userdata,
 * as nft(8) writes it; iptables-nft reads it back as `-m comment --comment` (1.8.9 checked:
 * iptables-save shows it, iptables-restore takes it back).  ufw's own ufw-* chains are never
 * written to.
 *
 * The rules are found again by that comment in the chains where they went, never by a
 * remembered handle alone: a firewall reload recreates tables, handles start again, and a
 * stale handle could name another tool's rule.
 *
 * Other tools' tables are not netjail's to edit: a chain of an unknown table that would drop
 * the jail's traffic stops the jail before it starts, unless the admin named it in
 * netjail.conf's [firewall] insert_into.  firewalld rewrites its table on every reload, so it
 * gets a zone of its own instead, and fwfirewalld.c judges its table.  Legacy iptables
 * (x_tables) cannot be reached through nftables at all.
 */
#include <errno.h>
#include <netinet/in.h>	/* before linux/netfilter.h, which would define in_addr */
#include <stdio.h>	/* libnftnl's headers use FILE */
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include "fwaccept.h"
#include "log.h"
#include "nftbatch.h"

static void comment_of(const char *host_veth, char *buf, size_t size)
{
	snprintf(buf, size, FW_COMMENT_PREFIX "%s", host_veth);
}

void fw_admin_rules(const struct fw_chain *chain, char *buf, size_t size)
{
	if (chain->owner == FW_OWNER_UNKNOWN)
		snprintf(buf, size, "nft insert rule %s %s %s iifname \"nj*\" accept; "
			 "nft insert rule %s %s %s oifname \"nj*\" accept",
			 fw_family_name(chain->family), chain->table, chain->chain,
			 fw_family_name(chain->family), chain->table, chain->chain);
	else
		snprintf(buf, size, "%s -I %s -i nj+ -j ACCEPT; %s -I %s -o nj+ -j ACCEPT",
			 chain->family == NFPROTO_IPV6 ? "ip6tables" : "iptables", chain->insert_chain,
			 chain->family == NFPROTO_IPV6 ? "ip6tables" : "iptables", chain->insert_chain);
}

/* "iifname NAME counter accept" (@key NFT_META_IIFNAME, or OIFNAME), as iptables-nft builds
 * `-i NAME -j ACCEPT`, at the head of @place. */
static void queue_accept(struct nft_batch *b, const struct fw_place *place, uint32_t key,
			 const char *host_veth, const char *comment)
{
	struct nftnl_rule *r = nftb_rule_new(place->table, place->chain);

	if (r) {
		nftb_load_meta(r, key, b);
		nftb_compare(r, NFT_CMP_EQ, host_veth, (uint32_t)strlen(host_veth) + 1, b);
		nftb_count(r, b);
		nftb_verdict(r, NF_ACCEPT, b);
		nftb_comment(r, comment, b);
	}
	b->family = place->family;
	nftb_insert_rule(b, r);
}

static bool place_add(struct fw_rules *rules, uint8_t family, const char *table,
		      const char *chain)
{
	struct fw_place *p;

	for (unsigned i = 0; i < rules->count; i++)
		if (rules->at[i].family == family && !strcmp(rules->at[i].table, table) &&
		    !strcmp(rules->at[i].chain, chain))
			return true;
	if (rules->count == FW_MAX_PLACES)
		return false;
	p = &rules->at[rules->count++];
	p->family = family;
	snprintf(p->table, sizeof(p->table), "%s", table);
	snprintf(p->chain, sizeof(p->chain), "%s", chain);
	return true;
}

int fw_legacy_refusal(const struct fw_report *report, bool ipv6, char *why, size_t why_len)
{
	if (!report->legacy4_drop && !(ipv6 && report->legacy6_drop))
		return 0;
	snprintf(why, why_len, "legacy %s (x_tables) table filter, chain FORWARD, has policy DROP "
		 "(or one netjail cannot read), and netjail adds rules through nftables only: use "
		 "iptables-nft", report->legacy4_drop ? "iptables" : "ip6tables");
	return -EPERM;
}

enum fw_action fw_action_for(const struct netjail_conf *conf, const struct fw_chain *chain)
{
	if (chain->allows_jail)
		return FW_PASSES;
	switch (chain->owner) {
	case FW_OWNER_FIREWALLD:
		/* firewalld_check (fwfirewalld.c) judges its table, before this, in the run
		 * and in --check: a jail gets here only if firewalld lets it out. */
		return FW_PASSES;
	case FW_OWNER_UNKNOWN:
		return conf_allows_insert(conf, chain->family, chain->table, chain->chain) ?
		       FW_INSERT : FW_REFUSE;
	case FW_OWNER_DOCKER:
	case FW_OWNER_UFW:
	case FW_OWNER_IPTABLES:
		break;
	}
	return FW_INSERT;
}

/* Why @chain stops the jail, in @why; -EPERM. */
int fw_refusal(const struct fw_chain *chain, char *why, size_t why_len)
{
	char rules[2 * FW_NAME_MAX + 200];

	fw_admin_rules(chain, rules, sizeof(rules));
	if (chain->owner == FW_OWNER_FIREWALLD)
		snprintf(why, why_len, "firewalld (table inet firewalld, chain %s) drops forwarded "
			 "traffic and does not let jails through: install netjail's firewalld zone "
			 "(see netjail.conf(5))", chain->chain);
	else
		snprintf(why, why_len, "table %s %s, chain %s (%s) would drop the jail's traffic, "
			 "and netjail does not edit other tools' tables: add `%s`, or set `insert_into "
			 "= %s %s %s` in [firewall] of netjail.conf", fw_family_name(chain->family),
			 chain->table, chain->chain,
			 chain->policy_drop ? "policy drop" : "its last rule drops", rules,
			 fw_family_name(chain->family), chain->table, chain->chain);
	return -EPERM;
}

int fw_admit(struct nl *nft, const struct netjail_conf *conf, const char *host_veth, bool ipv6,
	     bool quiet, struct fw_rules *rules, char *why, size_t why_len)
{
	struct fw_rules todo = { .count = 0 };
	char comment[64];
	struct fw_report report;
	struct nft_batch b;
	int err = fw_detect(nft, host_veth, &report);

	if (err) {
		snprintf(why, why_len, "cannot read the host's nftables ruleset: %s", nl_reason(err));
		return err;
	}
	if (!quiet && fw_legacy_refusal(&report, ipv6, why, why_len))
		return -EPERM;
	if (!quiet && report.truncated) {
		/* Unread chains could drop the jail's traffic: no jail that might hang. */
		snprintf(why, why_len, "the host's firewall has more than %d forward chains that "
			 "drop what they do not accept: netjail cannot tell whether a jail would work",
			 FW_MAX_CHAINS);
		return -E2BIG;
	}
	for (unsigned i = 0; i < report.count; i++) {
		const struct fw_chain *c = &report.chains[i];

		if (!fw_chain_concerns(c, ipv6))
			continue;
		switch (fw_action_for(conf, c)) {
		case FW_PASSES:
			continue;
		case FW_REFUSE:
			if (quiet)
				continue;
			return fw_refusal(c, why, why_len);
		case FW_INSERT:
			break;
		}
		if (!place_add(&todo, c->family, c->table, c->insert_chain)) {
			snprintf(why, why_len, "too many firewall chains to let the jail through");
			return -E2BIG;
		}
	}
	if (!todo.count)
		return 0;
	comment_of(host_veth, comment, sizeof(comment));
	err = nftb_start(&b, nft);
	if (err) {
		snprintf(why, why_len, "cannot add the jail's accept rules: %s", strerror(-err));
		return err;
	}
	for (unsigned i = 0; i < todo.count; i++) {
		queue_accept(&b, &todo.at[i], NFT_META_OIFNAME, host_veth, comment);
		queue_accept(&b, &todo.at[i], NFT_META_IIFNAME, host_veth, comment);
	}
	err = nftb_commit(&b);
	if (err) {
		snprintf(why, why_len, "cannot add the jail's accept rules to %s %s %s: %s",
			 fw_family_name(todo.at[0].family), todo.at[0].table, todo.at[0].chain,
			 nl_reason(err));
		return err;
	}
	for (unsigned i = 0; i < todo.count; i++) {
		place_add(rules, todo.at[i].family, todo.at[i].table, todo.at[i].chain);
		log_verbose("accept rules for %s at the head of %s %s %s", host_veth,
			    fw_family_name(todo.at[i].family), todo.at[i].table, todo.at[i].chain);
	}
	return (int)todo.count;
}

struct found {
	const char *comment;
	unsigned count;
	struct { uint8_t family; char *table, *chain; uint64_t handle; } rules[32];
};

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct found *found = data;
	struct nftnl_rule *rule = nftnl_rule_alloc();
	const char *comment;

	if (rule && nftnl_rule_nlmsg_parse(nlh, rule) == 0 && (comment = nftb_rule_comment(rule)) &&
	    !strcmp(comment, found->comment) && found->count < 32) {
		uint8_t family = (uint8_t)nftnl_rule_get_u32(rule, NFTNL_RULE_FAMILY);

		if (family == NFPROTO_IPV4 || family == NFPROTO_IPV6 || family == NFPROTO_INET) {
			found->rules[found->count].family = family;
			found->rules[found->count].table =
				strdup(nftnl_rule_get_str(rule, NFTNL_RULE_TABLE));
			found->rules[found->count].chain =
				strdup(nftnl_rule_get_str(rule, NFTNL_RULE_CHAIN));
			found->rules[found->count].handle = nftnl_rule_get_u64(rule, NFTNL_RULE_HANDLE);
			if (found->rules[found->count].table && found->rules[found->count].chain)
				found->count++;
		}
	}
	nftnl_rule_free(rule);
	return MNL_CB_OK;
}

/* Delete what @found holds, each rule in a batch of its own: one that went meanwhile (a
 * reload) must not keep the others.  How many went, or the first -errno. */
static int delete_found(struct nl *nft, struct found *found)
{
	int err = 0, deleted = 0;

	for (unsigned i = 0; i < found->count; i++) {
		struct nft_batch b;
		int one = nftb_start(&b, nft);

		if (!one) {
			b.family = found->rules[i].family;
			nftb_delete_rule(&b, found->rules[i].table, found->rules[i].chain,
					 found->rules[i].handle);
			one = nftb_commit(&b);
		}
		if (!one)
			deleted++;
		else if (one != -ENOENT && !err)
			err = one;
		free(found->rules[i].table);
		free(found->rules[i].chain);
	}
	found->count = 0;
	return err ? err : deleted;
}

int fw_release(struct nl *nft, const char *host_veth, struct fw_rules *rules)
{
	char comment[64];
	struct found found = { .comment = comment };
	int err = 0, deleted;

	comment_of(host_veth, comment, sizeof(comment));
	for (unsigned i = 0; i < rules->count; i++) {
		int one = nftb_dump_chain_rules(nft, rules->at[i].family, rules->at[i].table,
						rules->at[i].chain, on_rule, &found);

		if (one && one != -ENOENT && !err)
			err = one;
	}
	rules->count = 0;
	deleted = delete_found(nft, &found);
	return err ? err : deleted < 0 ? deleted : 0;
}

int fw_remove_orphans(struct nl *nft, const char *host_veth)
{
	char comment[64];
	struct found found = { .comment = comment };
	int err;

	comment_of(host_veth, comment, sizeof(comment));
	err = nftb_dump_chain_rules(nft, NFPROTO_UNSPEC, NULL, NULL, on_rule, &found);
	if (err && err != -ENOENT) {
		for (unsigned i = 0; i < found.count; i++) {
			free(found.rules[i].table);
			free(found.rules[i].chain);
		}
		return err;
	}
	return delete_found(nft, &found);
}
