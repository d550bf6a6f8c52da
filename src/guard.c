/* guard.c - the uplink guard, a table that outlives netjail.
 *
 *   table inet netjail_guard {
 *     chain forward { type filter hook forward priority filter;
 *       iifname <uplink> ct mark & MASK == 0 counter drop comment "<uplink>" ... }
 *   }
 *
 * Replies to a jail come in on the uplink and are forwarded, so netjail turns forwarding on
 * there (IPv4 checks it on the way in).  That would make the host a router for anyone on
 * the uplink's network; this rule lets through only what carries a jail's connection mark.
 * Each jail's own table has the same rule, but that table dies with netjail's socket: if
 * netjail is killed, forwarding stays on until --cleanup or the next run, and this table is
 * what still guards it.  One rule per uplink, found again by its comment; changed only
 * under the state lock.
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

struct guard_search {
	const char *uplink;
	uint64_t handle;	/* of @uplink's rule, 0 if none */
	unsigned rules;
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
		if (comment && !strcmp(comment, search->uplink))
			search->handle = nftnl_rule_get_u64(rule, NFTNL_RULE_HANDLE);
	}
	nftnl_rule_free(rule);
	return MNL_CB_OK;
}

static int find_guard(struct nl *nft, struct guard_search *search)
{
	int err = nftb_dump_rules(nft, GUARD_TABLE, on_guard_rule, search);

	return err == -ENOENT ? 0 : err;
}

int guard_uplink(const char *uplink, uint32_t mark_mask)
{
	struct guard_search search = { .uplink = uplink };
	struct nftnl_rule *r;
	struct nft_batch b;
	struct nl nft;
	int err = nl_open(&nft, NETLINK_NETFILTER);

	if (err)
		return err;
	err = find_guard(&nft, &search);
	if (err || search.handle) {
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
			nftb_load_ct(r, NFT_CT_MARK, &b);
			nftb_mask_xor(r, mark_mask, 0, &b);
			nftb_match_u32(r, 0, &b);
			nftb_count(r, &b);
			nftb_verdict(r, NF_DROP, &b);
			nftb_comment(r, uplink, &b);
		}
		nftb_send_rule(&b, r);
		err = nftb_commit(&b);
	}
	nl_close(&nft);
	return err;
}

int unguard_uplink(const char *uplink)
{
	struct guard_search search = { .uplink = uplink };
	struct nft_batch b;
	struct nl nft;
	int err = nl_open(&nft, NETLINK_NETFILTER);

	if (err)
		return err;
	err = find_guard(&nft, &search);
	if (!err && search.handle) {
		err = nftb_start(&b, &nft);
		if (!err && search.rules == 1)
			nftb_delete_table(&b, GUARD_TABLE);
		else if (!err)
			nftb_delete_rule(&b, GUARD_TABLE, GUARD_CHAIN, search.handle);
		if (!err)
			err = nftb_commit(&b);
	}
	nl_close(&nft);
	return err;
}
