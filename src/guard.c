/* guard.c - the uplink guard, a table that outlives netjail.
 *
 *   table inet netjail_guard {
 *     chain forward { type filter hook forward priority filter;
 *       iifname <uplink> meta nfproto ipv4 ct mark & MASK == 0 counter drop comment "<uplink> ipv4"
 *       (and the same for ipv6, where netjail turned IPv6 forwarding on) ... }
 *   }
 *
 * Replies to a jail come in on the uplink and are forwarded, so netjail turns forwarding on
 * there (IPv4 checks it on the way in).  That would make the host a router for anyone on
 * the uplink's network; this rule lets through only what carries a jail's connection mark.
 * Each jail's own table has the same rule, but that table dies with netjail's socket: if
 * netjail is killed, forwarding stays on until --cleanup or the next run, and this table is
 * what still guards it.  One rule per uplink and family, found again by its comment;
 * changed only under the state lock.
 */
#include <errno.h>
#include <stdio.h>	/* libnftnl's headers use FILE */
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "guard.h"
#include "nftbatch.h"

#define GUARD_TABLE "netjail_guard"
#define GUARD_CHAIN "forward"

#define GUARDS_MAX 2	/* per uplink: IPv4 and IPv6 */

struct guard_search {
	const char *comment;	/* "<uplink> ipv4": that rule; "<uplink> ": all of the uplink */
	uint64_t handles[GUARDS_MAX];	/* of the matching rules */
	unsigned matches, rules;
};

static int on_guard_rule(const struct nlmsghdr *nlh, void *data)
{
	struct guard_search *search = data;
	struct nftnl_rule *rule = nftnl_rule_alloc();
	const char *comment;

	if (!rule)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, rule) == 0) {
		search->rules++;
		comment = nftb_rule_comment(rule);
		if (comment && !strncmp(comment, search->comment, strlen(search->comment)) &&
		    search->matches < GUARDS_MAX)
			search->handles[search->matches++] = nftnl_rule_get_u64(rule, NFTNL_RULE_HANDLE);
	}
	nftnl_rule_free(rule);
	return MNL_CB_OK;
}

static int find_guard(struct nl *nft, struct guard_search *search)
{
	int err = nftb_dump_rules(nft, GUARD_TABLE, on_guard_rule, search);

	return err == -ENOENT ? 0 : err;
}

int guard_uplink(const char *uplink, uint8_t nfproto, uint32_t mark_mask)
{
	char comment[32];
	struct guard_search search = { .comment = comment };
	struct nftnl_rule *r;
	struct nft_batch b;
	struct nl nft;
	int err;

	snprintf(comment, sizeof(comment), "%s %s", uplink, nfproto == NFPROTO_IPV6 ? "ipv6" : "ipv4");
	err = nl_open(&nft, NETLINK_NETFILTER);
	if (err)
		return err;
	err = find_guard(&nft, &search);
	if (err || search.matches) {
		nl_close(&nft);
		return err;
	}
	err = nftb_start(&b, &nft);
	if (!err) {
		nftb_add_table(&b, GUARD_TABLE, 0, NLM_F_CREATE);
		nftb_add_chain(&b, GUARD_TABLE, GUARD_CHAIN, "filter", NF_INET_FORWARD, 0);
		r = nftb_rule_new(GUARD_TABLE, GUARD_CHAIN);
		if (r) {
			nftb_match_ifname(r, NFT_META_IIFNAME, uplink, &b);
			nftb_load_meta(r, NFT_META_NFPROTO, &b);
			nftb_compare(r, NFT_CMP_EQ, &nfproto, sizeof(nfproto), &b);
			nftb_load_ct(r, NFT_CT_MARK, &b);
			nftb_mask_xor(r, mark_mask, 0, &b);
			nftb_match_u32(r, 0, &b);
			nftb_count(r, &b);
			nftb_verdict(r, NF_DROP, &b);
			nftb_comment(r, comment, &b);
		}
		nftb_send_rule(&b, r);
		err = nftb_commit(&b);
	}
	nl_close(&nft);
	return err;
}

int unguard_uplink(const char *uplink)
{
	char prefix[32];
	struct guard_search search = { .comment = prefix };
	struct nft_batch b;
	struct nl nft;
	int err;

	snprintf(prefix, sizeof(prefix), "%s ", uplink);
	err = nl_open(&nft, NETLINK_NETFILTER);
	if (err)
		return err;
	err = find_guard(&nft, &search);
	if (!err && search.matches) {
		err = nftb_start(&b, &nft);
		if (!err && search.rules == search.matches)
			nftb_delete_table(&b, GUARD_TABLE);
		for (unsigned i = 0; !err && search.rules > search.matches && i < search.matches; i++)
			nftb_delete_rule(&b, GUARD_TABLE, GUARD_CHAIN, search.handles[i]);
		if (!err)
			err = nftb_commit(&b);
	}
	nl_close(&nft);
	return err;
}
