/* hostnat.c - the host's own connections skip the jails' NAT chains.
 *
 *   table inet netjail_hostnat {          (no socket owns it)
 *     chain postrouting { type nat hook postrouting priority srcnat + 200;
 *       meta nfproto ipv4 ip saddr != <pool> snat ip to ip saddr comment "not a jail's"
 *       meta nfproto ipv6 ip6 saddr != fd6e:6a00::/48 snat ip6 to ip6 saddr comment "..." }
 *   }
 *
 * The kernel hands the first packet of every new connection to the NAT chains of its hook
 * one after the other, in priority order, until one of them sets the connection's
 * mapping; if none does, it binds the connection to its own addresses (the "null
 * binding").  Each jail has a masquerade chain, so with a hundred jails every connection
 * the host opens went past a hundred chains that cannot match it.  This chain, before the
 * jails' (JAIL_NAT_PRIORITY), does for every connection that is not from a jail's address
 * what the kernel would have done after them: it maps the source to itself, which is the
 * null binding (same address, the port kept unless another connection holds that tuple),
 * and that ends the walk.  Connections from the pool go on to the jails' chains.
 *
 * It only saves time, it decides nothing: if it is gone (`nft flush ruleset`), the
 * host's connections walk the jails' chains again, with the same result.  It is not owned
 * so that it outlives the jail that made it; every setup writes it afresh (flush chain,
 * then the rules, in the jail's own batch, so there is always one set), and the last
 * jail out or --cleanup removes it.  Other tools' NAT chains at srcnat + 200 or later no
 * longer see the host's own connections while jails run; their chains before that see
 * everything, as before.
 */
#include <errno.h>
#include <stdio.h>	/* libnftnl's headers use FILE */
#include <arpa/inet.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "hostnat.h"

#define HOSTNAT_TABLE "netjail_hostnat"
#define HOSTNAT_CHAIN "postrouting"
#define HOSTNAT_COMMENT "not a jail's: null binding, skip the jails' NAT chains"

/* Where the source address is in the network header, and how long it is. */
#define IPV4_SADDR_OFFSET 12
#define IPV6_SADDR_OFFSET 8

/* "snat <family> to <its saddr>": the source mapped to itself. */
static void snat_to_own_source(struct nftnl_rule *r, uint32_t nfproto, struct nft_batch *b)
{
	uint32_t offset = nfproto == NFPROTO_IPV6 ? IPV6_SADDR_OFFSET : IPV4_SADDR_OFFSET;
	uint32_t len = nfproto == NFPROTO_IPV6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);

	nftb_load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, offset, len, b);
	nftb_nat(r, NFT_NAT_SNAT, nfproto, false, b);
	nftb_comment(r, HOSTNAT_COMMENT, b);
}

static void queue_ipv4_rule(struct nft_batch *b, const struct pool_config *cfg)
{
	struct nftnl_rule *r = nftb_rule_new(HOSTNAT_TABLE, HOSTNAT_CHAIN);
	uint32_t mask = cfg->pool_prefix ? htonl(~0u << (32 - cfg->pool_prefix)) : 0;
	struct in_addr pool = pool_network(cfg);

	if (r) {
		nftb_match_ipv4(r, b);
		nftb_load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, IPV4_SADDR_OFFSET,
				  sizeof(struct in_addr), b);
		nftb_mask_xor(r, mask, 0, b);
		nftb_compare(r, NFT_CMP_NEQ, &pool, sizeof(pool), b);
		snat_to_own_source(r, NFPROTO_IPV4, b);
	}
	nftb_send_rule(b, r);
}

static void queue_ipv6_rule(struct nft_batch *b)
{
	struct nftnl_rule *r = nftb_rule_new(HOSTNAT_TABLE, HOSTNAT_CHAIN);
	uint8_t ipv6 = NFPROTO_IPV6;
	struct in6_addr pool;

	pool_network6(&pool);
	if (r) {
		nftb_load_meta(r, NFT_META_NFPROTO, b);
		nftb_compare(r, NFT_CMP_EQ, &ipv6, sizeof(ipv6), b);
		/* The pool is a /48: its first six bytes, no mask needed. */
		nftb_load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, IPV6_SADDR_OFFSET,
				  POOL_PREFIX6 / 8, b);
		nftb_compare(r, NFT_CMP_NEQ, &pool, POOL_PREFIX6 / 8, b);
		snat_to_own_source(r, NFPROTO_IPV6, b);
	}
	nftb_send_rule(b, r);
}

void hostnat_queue(struct nft_batch *b, const struct pool_config *cfg)
{
	nftb_add_table(b, HOSTNAT_TABLE, 0, NLM_F_CREATE);
	nftb_add_chain(b, HOSTNAT_TABLE, HOSTNAT_CHAIN, "nat", NF_INET_POST_ROUTING,
		       HOSTNAT_PRIORITY);
	nftb_flush_chain(b, HOSTNAT_TABLE, HOSTNAT_CHAIN);
	queue_ipv4_rule(b, cfg);
	queue_ipv6_rule(b);
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
