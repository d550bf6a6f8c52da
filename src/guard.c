/* guard.c - the uplink guard, a table that outlives netjail.
 *
 *   table inet netjail_guard {
 *     chain forward { type filter hook forward priority filter;
 *       iifname <uplink> [oifname != <uplink>] meta nfproto ipv4 ct mark & MASK == 0 counter drop
 *         comment "<uplink> ipv4"
 *       (and the same for ipv6, where netjail turned IPv6 forwarding on) ... }
 *   }
 *
 * Replies to a jail come in on the uplink and are forwarded, so netjail turns forwarding on
 * there (IPv4 checks it on the way in).  That would make the host a router for anyone on
 * the uplink's network; this rule lets through only what carries a jail's connection mark.
 * Each jail's own table has the same rule, but that table dies with netjail's socket: if
 * netjail is killed, forwarding stays on until --cleanup or the next run, and this table is
 * what still guards it.
 * "oifname != <uplink>", for a bridge uplink only: with br_netfilter (Docker loads it) the
 * frames a bridge forwards between its ports (VMs, containers) pass the IPv4/IPv6 forward
 * hook with the bridge as both input and output device (br_nf_forward_ip).  They are
 * bridged, not routed, and dropping them cut the bridge's members off, also after a
 * SIGKILL.  nftables has no other sign of a bridged frame in the inet family: meta ibrname
 * is the bridge family's only (the kernel refuses it here), and br_netfilter turns their
 * pkttype to host.  So on a bridge, what goes out by the bridge again is let through:
 * bridged, or routed back out the link it came in on (hairpin).  Hairpin routing reaches
 * only the network its sender is on already; what it could add is a relay around the
 * bridge's port isolation, which SECURITY.md names.  On any other uplink nothing is
 * bridged, and the guard keeps dropping hairpin routing too (a relay around Wi-Fi client
 * isolation).
 * One rule per uplink and family, found again by its comment;
 * changed only under the state lock.
 *
 * And, while netjail holds net.ipv6.conf.all.forwarding on ([network] ipv6_forwarding =
 * all, ipv6global.c), one rule for every interface at once:
 *       meta nfproto ipv6 iifname != "nj*" ct mark & MASK == 0 counter drop comment "ipv6:all"
 * The global switch makes the host route IPv6 between all its links; what does not come
 * from a jail's link passes only as a jail's connection (replies, published ports).  The
 * comment has a ':' that no interface name can have, so no uplink's search finds it.
 */
#include <errno.h>
#include <netinet/in.h>	/* before linux/netfilter.h, which would bring linux/in.h */
#include <stdio.h>	/* libnftnl's headers use FILE */
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "guard.h"
#include "nftbatch.h"
#include "pool.h"

#define GUARD_TABLE "netjail_guard"
#define GUARD_CHAIN "forward"

struct guard_search {
	const char *comment;	/* "<uplink> ipv4": that rule; "<uplink> ": all of the uplink */
	struct guard_found *found;
};

static int on_guard_rule(const struct nlmsghdr *nlh, void *data)
{
	struct guard_search *search = data;
	struct guard_found *found = search->found;
	struct nftnl_rule *rule = nftnl_rule_alloc();
	const char *comment;

	if (!rule)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, rule) == 0) {
		found->rules++;
		comment = nftb_rule_comment(rule);
		if (comment && !strncmp(comment, search->comment, strlen(search->comment)) &&
		    found->matches < GUARDS_MAX)
			found->handles[found->matches++] = nftnl_rule_get_u64(rule, NFTNL_RULE_HANDLE);
	}
	nftnl_rule_free(rule);
	return MNL_CB_OK;
}

static int find_guard(struct nl *nft, const char *comment, struct guard_found *found)
{
	struct guard_search search = { .comment = comment, .found = found };
	int err;

	memset(found, 0, sizeof(*found));
	err = nftb_dump_rules(nft, GUARD_TABLE, on_guard_rule, &search);
	return err == -ENOENT ? 0 : err;
}

void guard_match_uplink(struct nftnl_rule *r, const char *uplink, bool bridge, struct nft_batch *b)
{
	nftb_match_ifname(r, NFT_META_IIFNAME, uplink, b);
	if (bridge)
		nftb_match_ifname_not(r, NFT_META_OIFNAME, uplink, b);
}

int guard_uplink(struct nl *nft, const char *uplink, bool bridge, uint8_t nfproto,
		 uint32_t mark_mask)
{
	char comment[32];
	struct guard_found found;
	struct nftnl_rule *r;
	struct nft_batch b;
	int err;

	snprintf(comment, sizeof(comment), "%s %s", uplink, nfproto == NFPROTO_IPV6 ? "ipv6" : "ipv4");
	err = find_guard(nft, comment, &found);
	if (err || found.matches)
		return err;
	err = nftb_start(&b, nft);
	if (err)
		return err;
	nftb_add_table(&b, GUARD_TABLE, 0, NLM_F_CREATE);
	nftb_add_chain(&b, GUARD_TABLE, GUARD_CHAIN, "filter", NF_INET_FORWARD, 0);
	r = nftb_rule_new(GUARD_TABLE, GUARD_CHAIN);
	if (r) {
		guard_match_uplink(r, uplink, bridge, &b);
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
	return nftb_commit(&b);
}

int guard_ipv6_all(struct nl *nft, uint32_t mark_mask)
{
	uint8_t nfproto = NFPROTO_IPV6;
	struct guard_found found;
	struct nftnl_rule *r;
	struct nft_batch b;
	int err = find_guard(nft, GUARD_IPV6_ALL, &found);

	if (err || found.matches)
		return err;
	err = nftb_start(&b, nft);
	if (err)
		return err;
	nftb_add_table(&b, GUARD_TABLE, 0, NLM_F_CREATE);
	nftb_add_chain(&b, GUARD_TABLE, GUARD_CHAIN, "filter", NF_INET_FORWARD, 0);
	r = nftb_rule_new(GUARD_TABLE, GUARD_CHAIN);
	if (r) {
		nftb_load_meta(r, NFT_META_NFPROTO, &b);
		nftb_compare(r, NFT_CMP_EQ, &nfproto, sizeof(nfproto), &b);
		nftb_load_meta(r, NFT_META_IIFNAME, &b);
		nftb_compare(r, NFT_CMP_NEQ, JAIL_VETH_PREFIX, strlen(JAIL_VETH_PREFIX), &b);
		nftb_load_ct(r, NFT_CT_MARK, &b);
		nftb_mask_xor(r, mark_mask, 0, &b);
		nftb_match_u32(r, 0, &b);
		nftb_drop_counted(r, GUARD_IPV6_ALL, &b);
	}
	nftb_send_rule(&b, r);
	return nftb_commit(&b);
}

/* Remove the guard rules whose comment starts with @prefix, in one batch; none: nothing. */
static int unguard_prefix(struct nl *nft, const char *prefix)
{
	struct guard_found found;
	struct nft_batch b;
	int err = find_guard(nft, prefix, &found);

	if (err || !found.matches)
		return err;
	err = nftb_start(&b, nft);
	if (err)
		return err;
	guard_remove(&b, &found);
	return nftb_commit(&b);
}

int unguard_ipv6_all(struct nl *nft)
{
	return unguard_prefix(nft, GUARD_IPV6_ALL);
}

int guard_find(struct nl *nft, const char *uplink, struct guard_found *found)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "%s ", uplink);
	return find_guard(nft, prefix, found);
}

void guard_remove(struct nft_batch *b, const struct guard_found *found)
{
	if (found->matches && found->rules == found->matches) {
		nftb_delete_table(b, GUARD_TABLE);
		return;
	}
	for (unsigned i = 0; i < found->matches; i++)
		nftb_delete_rule(b, GUARD_TABLE, GUARD_CHAIN, found->handles[i]);
}

int unguard_uplink(struct nl *nft, const char *uplink)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "%s ", uplink);
	return unguard_prefix(nft, prefix);
}
