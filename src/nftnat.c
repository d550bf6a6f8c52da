/* nftnat.c - the jail's source NAT, and the end of its connections when that address goes.
 *
 *   chain postrouting { type nat hook postrouting priority srcnat + 201;
 *     oifname <uplink> ip saddr <jail> snat ip to <uplink's address>
 *       (no address: no rule; "leave" drops the jail's unNATed packets)
 *     [the same for ip6 saddr <jail6>, with IPv6] }
 *   chain stale {                       (forward jumps here for the jail's outgoing packets)
 *     meta nfproto ipv4 ct reply ip daddr <address> return   (each of the uplink's)
 *     meta nfproto ipv4 ct status snat meta l4proto tcp counter reject with tcp reset
 *     meta nfproto ipv4 ct status snat counter reject with icmpx admin-prohibited
 *     [the same for ip6, with IPv6] }
 *
 * SNAT, not masquerade: masquerade drops every connection it made on an interface when that
 * interface goes down (nf_nat_masquerade's netdev notifier), so an uplink down for two
 * seconds left every open connection of the jail hanging for good.  A fixed address keeps
 * them: when the uplink is back with the same address, conntrack still knows them.  The
 * address is natsource.c's; the supervisor rewrites both chains, in one batch, when it
 * changes (nft_update_nat).
 *
 * When an address goes, the connections NATed to it cannot go on: their replies go to an
 * address the host no longer has.  "stale" ends them on the jail's side: the jail's next
 * packet of such a connection gets a TCP reset or an ICMP error back, and the program sees
 * ECONNRESET or EHOSTUNREACH instead of waiting for minutes.  A connection on which the
 * jail sends nothing more is not told (nothing here can reach its socket).  An address
 * that stays on the uplink keeps its connections, also when new ones are NATed to
 * another (the kernel lists the newest IPv6 address first).
 * Until the supervisor has rewritten them (and while it is stopped), the chain "leave"
 * (nft.c) drops whatever of the jail would go out with an address that is not the host's:
 * the one it lost, or none (the jail's own, unNATed).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>	/* libnftnl's headers use FILE */
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tuple_common.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "fastpath.h"
#include "nft.h"
#include "nftbatch.h"

#define NAT_CHAIN "postrouting"

/* Where the source address is in each family's network header. */
#define IPV4_SADDR_OFFSET 12
#define IPV6_SADDR_OFFSET 8

struct family {
	uint8_t nfproto;
	const void *jail, *source;	/* the jail's address; the uplink's, or NULL */
	const void *kept;		/* all the uplink's addresses, @kept_count of them */
	unsigned kept_count;
	uint32_t len;
	uint32_t ct_reply_daddr;	/* NFT_CT_DST_IP or _IP6 */
	uint32_t saddr_offset;
};

static void match_nfproto(struct nftnl_rule *r, uint8_t nfproto, struct nft_batch *b)
{
	nftb_load_meta(r, NFT_META_NFPROTO, b);
	nftb_compare(r, NFT_CMP_EQ, &nfproto, sizeof(nfproto), b);
}

/* oifname <uplink> <family> saddr <jail> snat to <source>.  Without a source, no rule: the
 * kernel then binds the connection to the jail's own address, which "leave" drops (and
 * counts as "fail-closed", in a rule that is never rewritten, so --list's count only
 * grows). */
static void add_nat_rule(struct nft_batch *b, const struct nft_jail *jail, const struct family *f)
{
	struct nftnl_rule *r;

	if (!f->source)
		return;
	r = nftb_rule_new(jail->table, NAT_CHAIN);
	if (r) {
		nftb_match_ifname(r, NFT_META_OIFNAME, jail->uplink, b);
		match_nfproto(r, f->nfproto, b);
		nftb_load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, f->saddr_offset, f->len, b);
		nftb_compare(r, NFT_CMP_EQ, f->jail, f->len, b);
		nftb_load_immediate(r, NFT_REG_1, f->source, f->len, b);
		nftb_nat(r, NFT_NAT_SNAT, f->nfproto, false, b);
	}
	nftb_send_rule(b, r);
}

static void add_reject(struct nftnl_rule *r, uint32_t type, uint8_t code, struct nft_batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("reject");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, type);
		nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, code);
	}
	nftb_add_expr(r, e, b);
}

/* <family> ct reply <family> daddr <address> return */
static void add_kept_rule(struct nft_batch *b, const struct nft_jail *jail, const struct family *f,
			  const void *address)
{
	struct nftnl_rule *r = nftb_rule_new(jail->table, NFT_STALE_CHAIN);
	struct nftnl_expr *e = nftnl_expr_alloc("ct");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, f->ct_reply_daddr);
		nftnl_expr_set_u8(e, NFTNL_EXPR_CT_DIR, IP_CT_DIR_REPLY);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	if (r) {
		match_nfproto(r, f->nfproto, b);
		nftb_add_expr(r, e, b);
		nftb_compare(r, NFT_CMP_EQ, address, f->len, b);
		nftb_verdict(r, NFT_RETURN, b);
	} else {
		nftnl_expr_free(e);
	}
	nftb_send_rule(b, r);
}

/* <family> ct status snat [meta l4proto tcp] reject */
static void add_stale_rule(struct nft_batch *b, const struct nft_jail *jail, const struct family *f,
			   bool tcp)
{
	struct nftnl_rule *r = nftb_rule_new(jail->table, NFT_STALE_CHAIN);
	uint32_t snat = IPS_SRC_NAT;
	uint8_t proto_tcp = IPPROTO_TCP;

	if (r) {
		match_nfproto(r, f->nfproto, b);
		nftb_load_ct(r, NFT_CT_STATUS, b);
		nftb_mask_xor(r, snat, 0, b);
		nftb_match_u32(r, snat, b);
		nftb_count(r, b);
		if (tcp) {
			nftb_load_meta(r, NFT_META_L4PROTO, b);
			nftb_compare(r, NFT_CMP_EQ, &proto_tcp, sizeof(proto_tcp), b);
			add_reject(r, NFT_REJECT_TCP_RST, 0, b);
		} else {
			add_reject(r, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_ADMIN_PROHIBITED, b);
		}
	}
	nftb_send_rule(b, r);
}

/* A connection NATed to an address the uplink still has goes on (the kernel's own
 * connections do too); one NATed to any other is ended.  With more addresses than could be
 * named, none is ended: "leave" still keeps the lost ones in. */
static void add_family(struct nft_batch *b, const struct nft_jail *jail, const struct family *f)
{
	add_nat_rule(b, jail, f);
	if (f->kept_count > NAT_KEPT_MAX)
		return;
	for (unsigned i = 0; i < f->kept_count; i++)
		add_kept_rule(b, jail, f, (const char *)f->kept + (size_t)i * f->len);
	add_stale_rule(b, jail, f, true);
	add_stale_rule(b, jail, f, false);
}

void nft_queue_nat(struct nft_batch *b, const struct nft_jail *jail)
{
	struct family ipv4 = {
		.nfproto = NFPROTO_IPV4, .jail = &jail->jail_addr, .len = sizeof(struct in_addr),
		.source = jail->src.has_ipv4 ? &jail->src.ipv4 : NULL,
		.kept = jail->src.kept4, .kept_count = jail->src.kept4_count,
		.ct_reply_daddr = NFT_CT_DST_IP, .saddr_offset = IPV4_SADDR_OFFSET,
	};
	struct family ipv6 = {
		.nfproto = NFPROTO_IPV6, .jail = &jail->jail_addr6, .len = sizeof(struct in6_addr),
		.source = jail->src.has_ipv6 ? &jail->src.ipv6 : NULL,
		.kept = jail->src.kept6, .kept_count = jail->src.kept6_count,
		.ct_reply_daddr = NFT_CT_DST_IP6, .saddr_offset = IPV6_SADDR_OFFSET,
	};

	add_family(b, jail, &ipv4);
	if (jail->has_ipv6)
		add_family(b, jail, &ipv6);
}

int nft_update_nat(struct nl *nl, const struct nft_jail *jail)
{
	struct nft_batch b;

	if (nftb_start(&b, nl))
		return -ENOMEM;
	nftb_flush_chain(&b, jail->table, NAT_CHAIN);
	nftb_flush_chain(&b, jail->table, NFT_STALE_CHAIN);
	nft_queue_nat(&b, jail);
	/* Flows offloaded as the old address go with it (fastpath.c). */
	if (jail->fastpath)
		fastpath_queue_reset(&b, jail);
	return nftb_commit(&b);
}
