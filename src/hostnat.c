/* hostnat.c - the host's own connections skip the jails' NAT chains.
 *
 *   table inet netjail_hostnat {          (no socket owns it)
 *     chain postrouting { type nat hook postrouting priority srcnat + 200;
 *       meta nfproto ipv4 iifname != "nj*" snat ip to ip saddr comment "not a jail's..."
 *       meta nfproto ipv6 iifname != "nj*" snat ip6 to ip6 saddr comment "not a jail's..." }
 *   }
 *
 * The kernel hands the first packet of every new connection to the NAT chains of its hook
 * one after the other, in priority order, until one of them sets the connection's
 * mapping; if none does, it binds the connection to its own addresses (the "null
 * binding").  Each jail has a NAT chain, so with a hundred jails every connection
 * the host opens went past a hundred chains that cannot match it.  This chain, before the
 * jails' (JAIL_NAT_PRIORITY), does for every connection that does not come in from a
 * jail's link what the kernel would have done after them: it maps the source to itself,
 * which is the null binding (same address, the port kept unless another connection holds
 * that tuple), and that ends the walk.  The host's own connections have no incoming
 * interface at all; a jail's come from its nj<N> and go on to the jails' chains.  Matching
 * the link, not the pool's addresses, keeps that true for jails made under another
 * netjail.conf.
 *
 * It only saves time, it decides nothing: if it is gone (`nft flush ruleset`), the
 * host's connections walk the jails' chains again, with the same result.  It is not owned
 * so that it outlives the jail that made it.  A jail's setup asks whether it is there and,
 * if not, makes it in its own batch; setups and teardowns hold the state lock, so no other
 * jail makes or removes it in between.  It is not rewritten each time: replacing a NAT
 * chain's rules made each setup wait on the kernel for milliseconds.  The last jail
 * out or --cleanup removes it.  Other tools' NAT chains at srcnat + 200 or later no
 * longer see the host's own connections while jails run; their chains before that see
 * everything, as before.
 */
#include <errno.h>
#include <netinet/in.h>	/* before linux/netfilter.h, which would bring linux/in.h */
#include <stdio.h>	/* libnftnl's headers use FILE */
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "hostnat.h"
#include "pool.h"

#define HOSTNAT_TABLE "netjail_hostnat"
#define HOSTNAT_CHAIN "postrouting"
#define HOSTNAT_COMMENT "not a jail's: null binding, skip the jails' NAT chains"

/* Where the source address is in each family's network header. */
#define IPV4_SADDR_OFFSET 12
#define IPV6_SADDR_OFFSET 8

/* meta nfproto @nfproto iifname != "nj*" snat <family> to <its saddr> */
static void queue_rule(struct nft_batch *b, uint8_t nfproto)
{
	struct nftnl_rule *r = nftb_rule_new(HOSTNAT_TABLE, HOSTNAT_CHAIN);
	uint32_t offset = nfproto == NFPROTO_IPV6 ? IPV6_SADDR_OFFSET : IPV4_SADDR_OFFSET;
	uint32_t len = nfproto == NFPROTO_IPV6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);

	if (r) {
		nftb_load_meta(r, NFT_META_NFPROTO, b);
		nftb_compare(r, NFT_CMP_EQ, &nfproto, sizeof(nfproto), b);
		/* A name prefix: the comparison's length is the prefix's. */
		nftb_load_meta(r, NFT_META_IIFNAME, b);
		nftb_compare(r, NFT_CMP_NEQ, JAIL_VETH_PREFIX, strlen(JAIL_VETH_PREFIX), b);
		nftb_load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, offset, len, b);
		nftb_nat(r, NFT_NAT_SNAT, nfproto, false, b);
		nftb_comment(r, HOSTNAT_COMMENT, b);
	}
	nftb_send_rule(b, r);
}

int hostnat_present(struct nl *nft)
{
	return nftb_table_present(nft, HOSTNAT_TABLE);
}

void hostnat_queue(struct nft_batch *b)
{
	nftb_add_table(b, HOSTNAT_TABLE, 0, NLM_F_CREATE);
	nftb_add_chain(b, HOSTNAT_TABLE, HOSTNAT_CHAIN, "nat", NF_INET_POST_ROUTING,
		       HOSTNAT_PRIORITY);
	queue_rule(b, NFPROTO_IPV4);
	queue_rule(b, NFPROTO_IPV6);
}

void hostnat_queue_removal(struct nft_batch *b)
{
	nftb_delete_table(b, HOSTNAT_TABLE);
}

int hostnat_remove(struct nl *nft)
{
	struct nft_batch b;
	int err = nftb_start(&b, nft);

	if (err)
		return err;
	hostnat_queue_removal(&b);
	err = nftb_commit(&b);
	return err == -ENOENT ? 0 : err;
}
