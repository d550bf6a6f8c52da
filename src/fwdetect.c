/* fwdetect.c - which of the host's forward-hook chains would drop a jail's traffic.
 *
 * A drop verdict in any base chain is final: netjail's accept in its own table cannot
 * override another table's drop.  So every forward-hook base chain of family ip, ip6 or
 * inet is read: one dump of all chains (all families at once), then the rules of each
 * forward base chain.  A chain blocks the jail when what it does not accept is dropped:
 * its policy is drop, or its last rule drops or rejects without condition.  A chain that
 * drops only some traffic (`iifname "eth9" drop`, policy accept) is not a reason to stop
 * a jail; static reading cannot say more than that (--check probes for real).
 *
 * A blocking chain still lets the jail through if it holds, anywhere, the two rules
 * "iifname NAME accept" and "oifname NAME accept" for the jail's link (the name, or a
 * prefix of it such as nft's "nj*" or iptables' "nj+"), with nothing else but counters and
 * comments in them: netjail's own rules (fwaccept.c) or an admin's.  Docker's FORWARD
 * jumps to DOCKER-USER first, so rules there count for it too.
 *
 * Owners are told apart by the chains their tables hold: firewalld's table is inet
 * firewalld; iptables-nft's are ip/ip6 filter, where Docker keeps DOCKER-USER and ufw its
 * ufw-* (ufw6-*) chains.  netjail's own tables (inet netjail*) are not read.
 */
#include <errno.h>
#include <netinet/in.h>	/* before linux/netfilter.h, which would define in_addr */
#include <stdio.h>	/* libnftnl's headers use FILE */
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "fwdetect.h"
#include "nftbatch.h"

#define DOCKER_USER "DOCKER-USER"

struct chain_seen {
	uint8_t family;
	bool forward_base;
	uint32_t policy;
	char *table, *name;
};

struct chain_list {
	size_t count, size;
	struct chain_seen *items;
	int err;
};

static int on_chain(const struct nlmsghdr *nlh, void *data)
{
	struct chain_list *list = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct chain_seen *seen;

	if (!c || nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		nftnl_chain_free(c);
		return MNL_CB_OK;	/* one we cannot read is left out */
	}
	if (list->count == list->size) {
		size_t size = list->size ? list->size * 2 : 64;
		void *items = reallocarray(list->items, size, sizeof(*list->items));

		if (!items) {
			list->err = -ENOMEM;
			nftnl_chain_free(c);
			return MNL_CB_ERROR;
		}
		list->items = items;
		list->size = size;
	}
	seen = &list->items[list->count];
	*seen = (struct chain_seen){
		.family = (uint8_t)nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY),
		.forward_base = nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM) &&
				nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM) == NF_INET_FORWARD,
		.policy = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) ?
			  nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) : NF_ACCEPT,
		.table = strdup(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE)),
		.name = strdup(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME)),
	};
	nftnl_chain_free(c);
	if (!seen->table || !seen->name) {
		free(seen->table);
		free(seen->name);
		list->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	list->count++;
	return MNL_CB_OK;
}

static int dump_chains(struct nl *nft, struct chain_list *list)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int err;

	memset(buf, 0, sizeof(buf));
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_UNSPEC, NLM_F_DUMP, nft->seq++);
	err = nl_dump(nft, nlh, on_chain, list);
	return list->err ? list->err : err;
}

/* What the rules of a chain say about the jail's link. */
struct rules_seen {
	char padded[IFNAMSIZ];		/* the link's name, NUL-padded */
	bool accepts_in, accepts_out;
	bool last_drops;		/* the last rule read drops or rejects all */
};

static bool expr_is(struct nftnl_expr *e, const char *name)
{
	return !strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), name);
}

/* Neither matches nor decides: a counter, a log, a comment (iptables' xt comment match). */
static bool expr_is_passive(struct nftnl_expr *e)
{
	return expr_is(e, "counter") || expr_is(e, "log") ||
	       (expr_is(e, "match") && nftnl_expr_is_set(e, NFTNL_EXPR_MT_NAME) &&
		!strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME), "comment"));
}

static bool expr_verdict_is(struct nftnl_expr *e, int verdict)
{
	return expr_is(e, "immediate") && nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT) &&
	       (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) == verdict;
}

static void read_rule(struct nftnl_rule *rule, struct rules_seen *seen)
{
	struct nftnl_expr_iter *iter = nftnl_expr_iter_create(rule);
	struct nftnl_expr *e;
	uint32_t key = 0, len = 0;
	const void *name = NULL;
	enum { START, LOADED, MATCHED, OTHER } state = START;
	bool drops = false, accepts = false;

	if (!iter)
		return;
	while ((e = nftnl_expr_iter_next(iter))) {
		if (expr_is_passive(e))
			continue;
		if (drops || accepts) {
			drops = accepts = false;	/* something after the verdict: not ours to read */
			break;
		}
		if (expr_verdict_is(e, NF_DROP) || expr_is(e, "reject")) {
			drops = state == START;
		} else if (expr_verdict_is(e, NF_ACCEPT)) {
			accepts = state == MATCHED;
		} else if (state == START && expr_is(e, "meta") &&
			   nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG)) {
			key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
			state = LOADED;
		} else if (state == LOADED && expr_is(e, "cmp") &&
			   nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) == NFT_CMP_EQ) {
			name = nftnl_expr_get_data(e, NFTNL_EXPR_CMP_DATA, &len);
			state = MATCHED;
		} else {
			state = OTHER;
		}
	}
	nftnl_expr_iter_destroy(iter);
	seen->last_drops = drops;
	/* "iifname NAME" is the name and its NUL (iptables), the name padded (nft), or a
	 * prefix (a wildcard): all are a prefix of the padded name. */
	if (accepts && name && len > 0 && len <= IFNAMSIZ && !memcmp(seen->padded, name, len)) {
		if (key == NFT_META_IIFNAME)
			seen->accepts_in = true;
		else if (key == NFT_META_OIFNAME)
			seen->accepts_out = true;
	}
}

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_rule *rule = nftnl_rule_alloc();

	if (rule && nftnl_rule_nlmsg_parse(nlh, rule) == 0)
		read_rule(rule, data);
	nftnl_rule_free(rule);
	return MNL_CB_OK;
}

static bool table_has_chain(const struct chain_list *list, const struct chain_seen *base,
			    const char *prefix, bool whole)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct chain_seen *c = &list->items[i];

		if (c->family == base->family && !strcmp(c->table, base->table) &&
		    (whole ? !strcmp(c->name, prefix) : !strncmp(c->name, prefix, strlen(prefix))))
			return true;
	}
	return false;
}

static void classify(const struct chain_list *list, const struct chain_seen *base,
		     struct fw_chain *out)
{
	bool iptables = (base->family == NFPROTO_IPV4 || base->family == NFPROTO_IPV6) &&
			!strcmp(base->table, "filter");

	snprintf(out->insert_chain, sizeof(out->insert_chain), "%s", base->name);
	if (base->family == NFPROTO_INET && !strcmp(base->table, "firewalld")) {
		out->owner = FW_OWNER_FIREWALLD;
	} else if (iptables && table_has_chain(list, base, DOCKER_USER, true)) {
		out->owner = FW_OWNER_DOCKER;
		snprintf(out->insert_chain, sizeof(out->insert_chain), DOCKER_USER);
	} else if (iptables && !strcmp(base->name, "FORWARD") &&
		   (table_has_chain(list, base, "ufw-", false) ||
		    table_has_chain(list, base, "ufw6-", false))) {
		out->owner = FW_OWNER_UFW;
	} else if (iptables && !strcmp(base->name, "FORWARD")) {
		out->owner = FW_OWNER_IPTABLES;
	} else {
		out->owner = FW_OWNER_UNKNOWN;
	}
}

static int read_chain(struct nl *nft, const struct chain_list *list,
		      const struct chain_seen *base, const char *host_veth, struct fw_report *report)
{
	struct rules_seen seen = { .last_drops = false };
	struct fw_chain chain = { .family = base->family };
	int err;

	strncpy(seen.padded, host_veth, sizeof(seen.padded) - 1);
	err = nftb_dump_chain_rules(nft, base->family, base->table, base->name, on_rule, &seen);
	if (err == -ENOENT)
		return 0;	/* gone meanwhile */
	if (err)
		return err;
	if (base->policy != NF_DROP && !seen.last_drops)
		return 0;
	classify(list, base, &chain);
	if (chain.owner == FW_OWNER_DOCKER) {
		bool last_drops = seen.last_drops;

		err = nftb_dump_chain_rules(nft, base->family, base->table, DOCKER_USER, on_rule,
					    &seen);
		if (err && err != -ENOENT)
			return err;
		seen.last_drops = last_drops;
	}
	chain.policy_drop = base->policy == NF_DROP;
	chain.allows_jail = seen.accepts_in && seen.accepts_out;
	snprintf(chain.table, sizeof(chain.table), "%s", base->table);
	snprintf(chain.chain, sizeof(chain.chain), "%s", base->name);
	if (report->count == FW_MAX_CHAINS) {
		report->truncated = true;
		return 0;
	}
	report->chains[report->count++] = chain;
	return 0;
}

static int detect_once(struct nl *nft, const char *host_veth, struct fw_report *report)
{
	struct chain_list list = { .count = 0 };
	int err, legacy;

	memset(report, 0, sizeof(*report));
	err = dump_chains(nft, &list);
	for (size_t i = 0; !err && i < list.count; i++) {
		const struct chain_seen *c = &list.items[i];

		if (!c->forward_base || (c->family != NFPROTO_IPV4 && c->family != NFPROTO_IPV6 &&
					 c->family != NFPROTO_INET))
			continue;
		if (fw_table_is_netjails(c->family, c->table))
			continue;
		err = read_chain(nft, &list, c, host_veth, report);
	}
	for (size_t i = 0; i < list.count; i++) {
		free(list.items[i].table);
		free(list.items[i].name);
	}
	free(list.items);
	legacy = fw_legacy_filter(false);
	report->legacy4 = legacy > 0;
	report->legacy4_drop = legacy >= 2;
	legacy = fw_legacy_filter(true);
	report->legacy6 = legacy > 0;
	report->legacy6_drop = legacy >= 2;
	return err;
}

/* A dump the kernel marks interrupted (a jail or a firewall changed meanwhile) is read again
 * from the start, a few times. */
int fw_detect(struct nl *nft, const char *host_veth, struct fw_report *report)
{
	int tries = 0, err;

	do
		err = detect_once(nft, host_veth, report);
	while (err == -EINTR && ++tries < NL_DUMP_TRIES);
	return err;
}

bool fw_table_is_netjails(uint8_t family, const char *table)
{
	const char *digits = table + strlen("netjail");

	if (family != NFPROTO_INET || strncmp(table, "netjail", strlen("netjail")) != 0)
		return false;
	return !strcmp(digits, "_guard") || !strcmp(digits, "_hostnat") ||
	       !strcmp(digits, "_seal") ||
	       (*digits && strspn(digits, "0123456789") == strlen(digits));
}

bool fw_chain_concerns(const struct fw_chain *chain, bool ipv6)
{
	return chain->family != NFPROTO_IPV6 || ipv6;
}

const char *fw_owner_name(enum fw_owner owner)
{
	switch (owner) {
	case FW_OWNER_FIREWALLD:
		return "firewalld";
	case FW_OWNER_DOCKER:
		return "Docker";
	case FW_OWNER_UFW:
		return "ufw";
	case FW_OWNER_IPTABLES:
		return "iptables";
	case FW_OWNER_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *fw_family_name(uint8_t family)
{
	return family == NFPROTO_IPV4 ? "ip" : family == NFPROTO_IPV6 ? "ip6" : "inet";
}
